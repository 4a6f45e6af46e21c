// SS58 addresses (https://docs.substrate.io/reference/address-formats/), without polkadot.js:
// base58 of prefix ++ 32-byte public key ++ the first two bytes of
// blake2b-512("SS58PRE" ++ prefix ++ public key). Prefixes 0-63 take one byte, 64-16383 two.
import crypto from 'node:crypto';

/** MedChain's SS58 prefix (runtime: SS58Prefix). */
export const MEDCHAIN_SS58 = 4242;
/** The generic Substrate prefix, the only one besides a few registered ones that the node's RPC parses. */
export const GENERIC_SS58 = 42;

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const DIGIT = new Map([...ALPHABET].map((c, i) => [c, i]));
const CONTEXT = Buffer.from('SS58PRE');

function base58Encode(bytes) {
  let n = BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}

function base58Decode(text) {
  let n = 0n;
  for (const c of text) {
    const d = DIGIT.get(c);
    if (d === undefined) throw new Error(`not base58: '${c}' in ${text}`);
    n = n * 58n + BigInt(d);
  }
  let hex = n === 0n ? '' : n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const zeros = text.length - text.replace(/^1+/, '').length;
  return new Uint8Array([...new Uint8Array(zeros), ...Buffer.from(hex, 'hex')]);
}

function checksum(payload) {
  return crypto.createHash('blake2b512').update(CONTEXT).update(payload).digest().subarray(0, 2);
}

function prefixBytes(prefix) {
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 16383 || prefix === 46 || prefix === 47) {
    throw new Error(`not an SS58 prefix: ${prefix}`);
  }
  if (prefix < 64) return new Uint8Array([prefix]);
  return new Uint8Array([((prefix & 0b1111_1100) >> 2) | 0b0100_0000, (prefix >> 8) | ((prefix & 0b11) << 6)]);
}

/** Bytes of a public key given as bytes or 0x-hex. */
function keyBytes(publicKey) {
  if (typeof publicKey === 'string') {
    if (!/^0x([0-9a-fA-F]{2})*$/.test(publicKey)) throw new Error(`not 0x-hex: ${publicKey}`);
    return new Uint8Array(Buffer.from(publicKey.slice(2), 'hex'));
  }
  return new Uint8Array(publicKey);
}

/** The SS58 address of a 32-byte public key (bytes or 0x-hex) under `prefix` (default MedChain's 4242). */
export function ss58Encode(publicKey, prefix = MEDCHAIN_SS58) {
  const key = keyBytes(publicKey);
  if (key.length !== 32) throw new Error(`a public key has 32 bytes, not ${key.length}`);
  const payload = new Uint8Array([...prefixBytes(prefix), ...key]);
  return base58Encode(new Uint8Array([...payload, ...checksum(payload)]));
}

/**
 * The public key and prefix of an SS58 address: { publicKey (32 bytes), prefix }. Throws on a
 * bad checksum, length or prefix, and, when `expectPrefix` is given, on another prefix.
 */
export function ss58Decode(address, expectPrefix) {
  const bytes = base58Decode(String(address));
  let prefix;
  let prefixLength;
  if (bytes.length > 0 && bytes[0] < 64) {
    prefix = bytes[0];
    prefixLength = 1;
  } else if (bytes.length > 1 && bytes[0] < 128) {
    prefix = ((bytes[0] & 0b0011_1111) << 2) | (bytes[1] >> 6) | ((bytes[1] & 0b0011_1111) << 8);
    prefixLength = 2;
  } else {
    throw new Error(`not an SS58 address: ${address}`);
  }
  if (bytes.length !== prefixLength + 32 + 2) throw new Error(`not an SS58 address of a 32-byte key: ${address}`);
  const payload = bytes.subarray(0, prefixLength + 32);
  if (!Buffer.from(checksum(payload)).equals(Buffer.from(bytes.subarray(prefixLength + 32)))) {
    throw new Error(`bad SS58 checksum: ${address}`);
  }
  if (expectPrefix !== undefined && prefix !== expectPrefix) throw new Error(`${address} has SS58 prefix ${prefix}, not ${expectPrefix}`);
  return { publicKey: new Uint8Array(bytes.subarray(prefixLength)).subarray(0, 32), prefix };
}

/** `address` (any prefix) under another prefix; e.g. GENERIC_SS58 for the node's RPC, which does not parse 4242. */
export function ss58Reencode(address, prefix = MEDCHAIN_SS58) {
  return ss58Encode(ss58Decode(address).publicKey, prefix);
}

/**
 * Public key 0x-hex of an account: an SS58 address of any prefix, a keyring pair, an
 * AccountId codec (toU8a), 32 bytes, or 0x-hex of 32 bytes.
 */
export function accountHex(account) {
  if (account && typeof account.address === 'string') return accountHex(account.address); // keyring pair
  if (account && typeof account.toU8a === 'function') return `0x${Buffer.from(account.toU8a()).toString('hex')}`;
  if (account instanceof Uint8Array) return `0x${Buffer.from(account).toString('hex')}`;
  const text = String(account);
  if (/^0x[0-9a-fA-F]{64}$/.test(text)) return text.toLowerCase();
  return `0x${Buffer.from(ss58Decode(text).publicKey).toString('hex')}`;
}

/** Do two account-like values (accountHex) denote the same account? */
export function sameAccount(a, b) {
  return accountHex(a) === accountHex(b);
}
