// Talking to a MedChain node: connection, accounts (browser extension, or the dev chain's
// well-known keys on a dev chain only), fees, submission with progress, named errors.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { formatBalance, stringToU8a, u8aToHex, u8aWrapBytes } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';
import type { SubmittableExtrinsic, Signer } from '@polkadot/api/types';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { EventRecord, DispatchError } from '@polkadot/types/interfaces';
import type { ISubmittableResult } from '@polkadot/types/types';
import { t } from './i18n';
import './chain-types';

/** A transaction of the MedChain runtime, ready to sign. */
export type Tx = SubmittableExtrinsic<'promise'>;
/** The events of a transaction's block that belong to it. */
export type TxEvents = EventRecord[];

let current: ApiPromise | null = null;
/** The connected node's api (connect() made it; the views run only once it did). */
export function chainApi(): ApiPromise {
  if (!current) throw new Error('not connected to a node');
  return current;
}
export let isDevChain = false;
/** The dev keys are offered: a development build (never a production one) on a dev/local chain. */
export let devKeysOffered = false;
export let chainName = '';

/** The node's genesis hash differs from the one pinned at build time (VITE_MEDCHAIN_GENESIS). */
export class WrongChainError extends Error {
  constructor(
    public expected: string,
    public got: string,
  ) {
    super(`wrong chain: genesis ${got}, expected ${expected}`);
  }
}

export interface Account {
  address: string;
  label: string;
  source: 'extension' | 'dev';
  pair?: KeyringPair; // dev keys only
  signer?: Signer; // extension only
}

/** Dev chain accounts: the demo organizations' admins (README table) and two demo patients.
 * Only a development build uses them (a production bundle does not contain them). */
const DEV_URIS: [string, string][] = [
  ['//Alice', "St. Mary's Hospital (//Alice)"],
  ['//Bob', 'Riverside Pharmacy (//Bob)'],
  ['//Charlie', 'Acme Pharmaceuticals (//Charlie)'],
  ['//Dave', 'MedLogistics Distribution (//Dave)'],
  ['//Eve', 'National Health Regulator (//Eve)'],
  ['//Ferdie', 'Helix Clinical Trials (//Ferdie)'],
  // Registered by scripts/start-gateways.sh and scripts/start-portal.sh (not in the genesis).
  ['//Bob//stash', 'SecureCare Insurance (//Bob//stash)'],
  ['//Lakeside', 'Lakeside General Hospital (//Lakeside)'],
  ['//Riverbend', 'Riverbend Clinic (//Riverbend)'],
  ['//PatientDemo1', 'Demo patient 1 (//PatientDemo1)'],
  ['//PatientDemo2', 'Demo patient 2 (//PatientDemo2)'],
];

export async function connect(url: string): Promise<void> {
  if (current) {
    try {
      await current.disconnect();
    } catch {
      /* ignore */
    }
    current = null;
  }
  isDevChain = false;
  devKeysOffered = false;
  const provider = new WsProvider(url, 2500);
  if (__MEDCHAIN_GENESIS__) {
    // Another chain than the one this build is pinned to (a production build always is): refuse
    // it before its metadata is loaded, anything is read from it or signed for it.
    await new Promise<void>((resolve, reject) => {
      const offs = [
        provider.on('connected', () => (offs.forEach((off) => off()), resolve())),
        provider.on('error', (e: unknown) => (offs.forEach((off) => off()), provider.disconnect().catch(() => {}), reject(new Error(errorMessage(e) || 'connection failed')))),
      ];
    });
    const genesis = String(await provider.send('chain_getBlockHash', [0])).toLowerCase();
    if (genesis !== __MEDCHAIN_GENESIS__) {
      await provider.disconnect().catch(() => {});
      throw new WrongChainError(__MEDCHAIN_GENESIS__, genesis);
    }
  }
  const a = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
  if (__MEDCHAIN_GENESIS__ && a.genesisHash.toHex().toLowerCase() !== __MEDCHAIN_GENESIS__) {
    await a.disconnect().catch(() => {});
    throw new WrongChainError(__MEDCHAIN_GENESIS__, a.genesisHash.toHex());
  }
  current = a;
  const chainType = await a.rpc.system.chainType();
  isDevChain = chainType.isDevelopment || chainType.isLocal;
  devKeysOffered = __MEDCHAIN_DEV__ && isDevChain;
  chainName = (await a.rpc.system.chain()).toString();
}

export async function loadAccounts(): Promise<Account[]> {
  const out: Account[] = [];
  await cryptoWaitReady();
  const ss58 = current?.registry.chainSS58 ?? 42;
  // The polkadot.js browser extension (or any compatible injector).
  try {
    const ext = await import('@polkadot/extension-dapp');
    const injected = await ext.web3Enable('MedChain portal');
    if (injected.length > 0) {
      const accs = await ext.web3Accounts({ ss58Format: ss58 });
      for (const acc of accs) {
        const inj = await ext.web3FromSource(acc.meta.source);
        out.push({ address: acc.address, label: `${acc.meta.name ?? acc.address} (${acc.meta.source})`, source: 'extension', signer: inj.signer });
      }
    }
  } catch {
    /* no extension */
  }
  if (__MEDCHAIN_DEV__ && devKeysOffered) {
    const keyring = new Keyring({ type: 'sr25519', ss58Format: ss58 });
    for (const [uri, label] of DEV_URIS) {
      const pair = keyring.addFromUri(uri);
      out.push({ address: pair.address, label: `${label} [dev]`, source: 'dev', pair });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Small codec helpers
// ---------------------------------------------------------------------------

/** The message of an error (or whatever was thrown). */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string') return e.message;
  return String(e);
}

/** A number from a codec integer (anything with toNumber), a number, or a decimal or 0x string. */
export function num(x: unknown): number {
  if (x === null || x === undefined) return 0;
  if (typeof x === 'number') return x;
  if (typeof x === 'string') return x.startsWith('0x') ? Number(BigInt(x)) : Number(x);
  if (typeof x === 'object' && 'toNumber' in x && typeof x.toNumber === 'function') return Number((x.toNumber as () => unknown)());
  return Number(x);
}

/** UTF-8 text from 0x-hex bytes, or from a codec with toUtf8 (Bytes). */
export function bytesToText(x: string | { toUtf8(): string } | null | undefined): string {
  if (x === null || x === undefined) return '';
  if (typeof x !== 'string') return x.toUtf8();
  if (x.startsWith('0x')) {
    const hex = x.slice(2);
    const arr = new Uint8Array(hex.length / 2);
    for (let i = 0; i < arr.length; i++) arr[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    return new TextDecoder().decode(arr);
  }
  return x;
}

export function sameAccount(a: string, b: string): boolean {
  if (!a || !b) return false;
  try {
    const api = chainApi();
    return api.createType('AccountId32', a).eq(api.createType('AccountId32', b));
  } catch {
    return a === b;
  }
}

export interface Org {
  address: string;
  name: string;
  roles: number;
  status: string;
}

export const ROLE_BITS: [number, string][] = [
  [1, 'Provider'],
  [2, 'Pharmacy'],
  [4, 'Manufacturer'],
  [8, 'Distributor'],
  [16, 'Regulator'],
  [32, 'TrialSponsor'],
  [64, 'Researcher'],
  [128, 'Insurer'],
];

let orgCache: Org[] | null = null;
export async function organizations(refresh = false): Promise<Org[]> {
  if (orgCache && !refresh) return orgCache;
  const entries = await chainApi().query.consortium.organizations.entries();
  const orgs: Org[] = [];
  for (const [k, v] of entries) {
    if (v.isNone) continue;
    const o = v.unwrap();
    orgs.push({ address: k.args[0].toString(), name: o.name.toUtf8(), roles: o.roles.toNumber(), status: o.status.toString() });
  }
  orgCache = orgs.sort((a, b) => a.name.localeCompare(b.name));
  return orgCache;
}

export async function orgName(address: string | null | undefined): Promise<string> {
  if (!address) return '—';
  const orgs = await organizations();
  const o = orgs.find((x) => sameAccount(x.address, address));
  return o ? o.name : short(address);
}

/** The organization the account acts for (its admin account), if any. */
export async function organizationOf(address: string): Promise<string | null> {
  const r = await chainApi().call.consortiumApi.organizationOf(address);
  return r.isSome ? r.unwrap().toString() : null;
}

export function short(address: string): string {
  return address.length > 14 ? `${address.slice(0, 6)}…${address.slice(-6)}` : address;
}

export function fmtTime(ms: number | null | undefined, lang: string): string {
  if (!ms) return '—';
  return new Date(ms).toLocaleString(lang === 'zh-CN' ? 'zh-CN' : 'en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' }) + ' UTC';
}

export function fmtBalance(value: bigint | string | number): string {
  const api = chainApi();
  const decimals = api.registry.chainDecimals[0] ?? 12;
  const unit = api.registry.chainTokens[0] ?? 'MED';
  return formatBalance(BigInt(value), { decimals, withUnit: unit, forceUnit: '-', withSi: true });
}

// ---------------------------------------------------------------------------
// Submitting
// ---------------------------------------------------------------------------

/** Calls a patient makes fee-lessly (within the hourly quota) once a Provider attested them. */
const PATIENT_FEELESS = new Set([
  'patientIdentity.registerPatient',
  'patientIdentity.rotateCommitment',
  'patientIdentity.deregister',
  'consent.grantConsent',
  'consent.revokeConsent',
  'consent.declineAccessRequest',
  'healthRecords.sealRecord',
  'healthRecords.eraseRecords',
]);

export interface FeeInfo {
  feeless: boolean;
  fee: bigint;
  freeLeft?: number;
}

export async function estimateFee(tx: Tx, account: Account): Promise<FeeInfo> {
  const api = chainApi();
  const name = `${tx.method.section}.${tx.method.method}`;
  if (PATIENT_FEELESS.has(name)) {
    const info = await api.call.patientIdentityApi.patient(account.address);
    const attested = info.isSome && info.unwrap().isRegistered && (info.unwrap().asRegistered.attestations.length > 0 || info.unwrap().asRegistered.onboardedBy.isSome);
    const left = (await api.call.patientIdentityApi.freeCallsLeft(account.address)).toNumber();
    if (attested && left > 0) return { feeless: true, fee: 0n, freeLeft: left };
  }
  const pi = await tx.paymentInfo(account.address);
  return { feeless: false, fee: BigInt(pi.partialFee.toString()) };
}

export type Progress = 'signing' | 'submitted' | 'inBlock' | 'finalized' | 'failed';

export class ChainError extends Error {
  constructor(public section: string, public errorName: string, public docs: string) {
    super(`${section}.${errorName}`);
  }
}

/** The named error of a failed dispatch (module error → `pallet.Name`). */
export function dispatchErrorName(dispatchError: DispatchError): ChainError {
  if (dispatchError.isModule) {
    const meta = chainApi().registry.findMetaError(dispatchError.asModule);
    return new ChainError(meta.section, meta.name, meta.docs.join(' '));
  }
  if (dispatchError.isToken) return new ChainError('token', dispatchError.asToken.type, '');
  if (dispatchError.isArithmetic) return new ChainError('arithmetic', dispatchError.asArithmetic.type, '');
  return new ChainError('system', dispatchError.type, '');
}

/**
 * Sign and send; calls onProgress('submitted'|'inBlock'|'finalized'); resolves with the
 * events at finalization; rejects with ChainError for a refused call or pool rejection.
 */
export function submit(tx: Tx, account: Account, onProgress: (p: Progress, blockHash?: string) => void, resolveAt: 'inBlock' | 'finalized' = 'finalized'): Promise<TxEvents> {
  return new Promise((resolve, reject) => {
    let unsub: (() => void) | null = null;
    const signer = account.source === 'dev' && account.pair ? account.pair : account.address;
    const opts = account.source === 'extension' ? { signer: account.signer, nonce: -1 } : { nonce: -1 };
    onProgress('signing');
    tx.signAndSend(signer, opts, (result: ISubmittableResult) => {
      const { status, dispatchError, events } = result;
      if (status.isReady || status.isBroadcast) onProgress('submitted');
      if (status.isInBlock) {
        if (dispatchError) {
          // Included (and its fee paid) but refused: show it reached a block, then fail.
          onProgress('inBlock', status.asInBlock.toHex());
          onProgress('failed');
          if (unsub) unsub();
          reject(dispatchErrorName(dispatchError));
          return;
        }
        onProgress('inBlock', status.asInBlock.toHex());
        if (resolveAt === 'inBlock') {
          if (unsub) unsub();
          resolve(events);
          return;
        }
      }
      if (status.isFinalized) {
        onProgress('finalized', status.asFinalized.toHex());
        if (unsub) unsub();
        resolve(events);
      }
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        onProgress('failed');
        if (unsub) unsub();
        reject(new ChainError('pool', status.type, ''));
      }
    })
      .then((u) => {
        unsub = u;
      })
      .catch((e: unknown) => {
        onProgress('failed');
        const msg = errorMessage(e);
        // Pool rejections: "1010: Invalid Transaction: Inability to pay some fees", ...
        if (/Inability to pay|Payment/i.test(msg)) reject(new ChainError('pool', 'Payment', msg));
        else if (/Cancelled|Rejected by user/i.test(msg)) reject(new ChainError('pool', 'Cancelled', msg));
        else reject(new ChainError('pool', 'Invalid', msg));
      });
  });
}

export function errorSentence(e: unknown): string {
  if (e instanceof ChainError) {
    const key = `err.${e.section}.${e.errorName}`;
    const s = t(key, {}, null);
    if (s !== null) return `${s} (${e.section}.${e.errorName})`;
    return t('err.generic', { name: `${e.section}.${e.errorName}` });
  }
  return t('err.unexpected', { message: errorMessage(e) });
}

// ---------------------------------------------------------------------------
// Signed requests to record gateways (gateway/src/auth.rs)
// ---------------------------------------------------------------------------

/**
 * The bytes a requester signs for a gateway request sent to `origin` (`new URL(url).origin`
 * of the URL it goes to: the gateway refuses requests signed for another origin, so a server
 * relaying them to it gets nothing). The app's own copy of the scheme (the test suites share
 * tests/testkit/src/gateway-sign.js): test/gateway-sign.test.js checks that it builds, byte
 * for byte, the messages of tests/vectors/gateway-sign.json, which the gateway's own code signed.
 */
export function gatewayMessage(origin: string, audience: string, method: string, pathAndQuery: string, timestamp: number, nonce: string, body: Uint8Array = new Uint8Array()): Uint8Array {
  const bodyHash = blake2AsHex(body, 256);
  return stringToU8a(`medchain-gateway/2\n${origin}\n${audience}\n${method.toUpperCase()}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${bodyHash}`);
}

/**
 * The five signature headers of a gateway request by `account` sent to `url` (its origin and
 * its path and query are signed): signed over `<Bytes>` + message + `</Bytes>`, the form the
 * polkadot.js extension's signRaw produces (a dev key signs the same wrapped bytes), so both
 * kinds of account work alike.
 */
export async function gatewayHeaders(account: Account, audience: string, method: string, url: string): Promise<Record<string, string>> {
  const timestamp = Date.now();
  const nonce = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  const target = new URL(url);
  const message = gatewayMessage(target.origin, audience, method, `${target.pathname}${target.search}`, timestamp, nonce);
  let signature: string;
  if (account.source === 'dev' && account.pair) {
    signature = u8aToHex(account.pair.sign(u8aWrapBytes(message)));
  } else {
    if (!account.signer?.signRaw) throw new Error('the browser extension cannot sign raw bytes');
    signature = (await account.signer.signRaw({ address: account.address, data: u8aToHex(message), type: 'bytes' })).signature;
  }
  return {
    'x-medchain-account': account.address,
    'x-medchain-timestamp': String(timestamp),
    'x-medchain-nonce': nonce,
    'x-medchain-signature': signature,
    'x-medchain-origin': target.origin,
  };
}
