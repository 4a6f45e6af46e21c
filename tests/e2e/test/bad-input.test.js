// Bad input over the wire: malformed extrinsics, oversize arguments, wrong
// nonces, bad and replayed signatures, calls to unknown pallets and runtime-API calls
// with garbage arguments are sent to a real node. Each gets the error this node really
// answers (JSON-RPC code and message, asserted exactly), the node keeps producing and
// finalizing blocks after every case, and a burst of 20,000 invalid transactions over
// several WebSocket connections is refused one by one without stopping block
// production or finalization.
//
// Raw JSON-RPC goes through a small client over @polkadot/x-ws (the WebSocket class
// polkadot.js itself uses), so that bytes polkadot.js would refuse to build, error
// answers with `id: null` and unparsable frames can be sent and read. Extrinsics that
// polkadot.js cannot express (a call to an unknown pallet, a locator over its bound
// signed as such) are spliced by hand from a polkadot.js-signed one and re-signed over
// the runtime's signing payload, so the node sees a properly signed extrinsic whose only
// fault is the one under test.
//
// Every panic the node logs must be the runtime's "Bad input data provided to ..."
// (a refused decode inside the Wasm runtime, reported to the caller as an RPC error);
// any other panic, or an essential task failing while the node runs, fails the suite.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { compactAddLength, compactFromU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, cryptoWaitReady } from '@polkadot/util-crypto';
import { WebSocket } from '@polkadot/x-ws';

import { signAndWait, startNode, waitForFinalized } from '../lib/node.js';
import { toNumber } from '../lib/values.js';

const TX_TIMEOUT = { timeout: 120_000 };
const UNIT = 10n ** 12n;

/** The runtime's bounds these cases cross (runtime/src/configs/mod.rs). */
const MAX_LOCATOR_LEN = 256; // HealthRecords: MaxLocatorLen
const NORMAL_BLOCK_LENGTH = 3_932_160; // 75 % of the 5 MiB block (normal class)
const RPC_MAX_REQUEST_BYTES = 15 * 1024 * 1024; // --rpc-max-request-size default (15 MiB)

/** Burst: how many invalid transactions of each kind, over how many connections. */
const BURST = { badSignature: 8_000, staleNonce: 5_000, rpcUndecodable: 3_500, runtimeUndecodable: 3_500 };
const BURST_TOTAL = Object.values(BURST).reduce((a, b) => a + b, 0);
const BURST_CONNECTIONS = 4;
const BURST_IN_FLIGHT = 256; // requests pending at once, spread over the connections

// ---------------------------------------------------------------------------
// Raw JSON-RPC over one WebSocket
// ---------------------------------------------------------------------------

/**
 * A minimal JSON-RPC 2.0 client. `request()` never rejects on an RPC error: it resolves
 * with `{ result }` or `{ error: { code, message, data } }`. Answers the server cannot
 * address to a request (`id: null`, e.g. "Request is too big", "Parse error") are
 * queued for `nextOrphan()`.
 */
class RawRpc {
  constructor(url) {
    this.url = url;
    this.nextId = 1;
    this.pending = new Map();
    this.orphans = [];
    this.orphanWaiters = [];
    this.ws = null;
    this.closed = false;
  }

  open(timeoutMs = 10_000) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url);
      const timer = setTimeout(() => {
        reject(new Error(`no WebSocket answer from ${this.url} in ${timeoutMs} ms`));
        try {
          ws.close();
        } catch {
          /* ignore */
        }
      }, timeoutMs);
      ws.addEventListener('open', () => {
        clearTimeout(timer);
        this.ws = ws;
        resolve(this);
      });
      ws.addEventListener('error', () => {
        clearTimeout(timer);
        reject(new Error(`WebSocket error on ${this.url}`));
      });
      ws.addEventListener('message', (event) => this.onMessage(event.data));
      ws.addEventListener('close', () => {
        this.closed = true;
        const err = new Error(`WebSocket ${this.url} closed`);
        for (const { reject: rej } of this.pending.values()) rej(err);
        this.pending.clear();
      });
    });
  }

  onMessage(data) {
    let msg;
    try {
      msg = JSON.parse(typeof data === 'string' ? data : data.toString());
    } catch {
      return;
    }
    for (const m of Array.isArray(msg) ? msg : [msg]) {
      const p = m.id === null || m.id === undefined ? undefined : this.pending.get(m.id);
      if (!p) {
        const waiter = this.orphanWaiters.shift();
        waiter ? waiter(m) : this.orphans.push(m);
        continue;
      }
      this.pending.delete(m.id);
      p.resolve(m.error ? { error: m.error } : { result: m.result });
    }
  }

  /** One request; resolves with `{ result }` or `{ error }`. */
  request(method, params = [], timeoutMs = 60_000) {
    const id = this.nextId++;
    return this.sendFrame(id, JSON.stringify({ jsonrpc: '2.0', id, method, params }), `${method}`, timeoutMs);
  }

  sendFrame(id, text, label, timeoutMs) {
    return new Promise((resolve, reject) => {
      if (this.closed || !this.ws) {
        reject(new Error(`WebSocket ${this.url} is closed`));
        return;
      }
      const timer = setTimeout(() => {
        if (this.pending.delete(id)) reject(new Error(`${label}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.ws.send(text);
    });
  }

  /** Send a frame as is (not necessarily JSON, not necessarily one request). */
  sendText(text) {
    this.ws.send(text);
  }

  /** Several requests in one JSON-RPC batch frame; resolves with their answers in order. */
  batch(calls, timeoutMs = 60_000) {
    const ids = calls.map(() => this.nextId++);
    const frame = JSON.stringify(calls.map(([method, params], i) => ({ jsonrpc: '2.0', id: ids[i], method, params })));
    const answers = ids.map(
      (id) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            if (this.pending.delete(id)) reject(new Error(`batch: no answer for id ${id} in ${timeoutMs} ms`));
          }, timeoutMs);
          this.pending.set(id, {
            resolve: (v) => {
              clearTimeout(timer);
              resolve(v);
            },
            reject: (e) => {
              clearTimeout(timer);
              reject(e);
            },
          });
        }),
    );
    this.ws.send(frame);
    return Promise.all(answers);
  }

  /** The next answer without a request id (or not addressed to a pending request). */
  nextOrphan(timeoutMs = 30_000) {
    if (this.orphans.length) return Promise.resolve(this.orphans.shift());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.orphanWaiters.indexOf(waiter);
        if (i >= 0) this.orphanWaiters.splice(i, 1);
        reject(new Error(`no unaddressed answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
      this.orphanWaiters.push(waiter);
    });
  }

  close() {
    if (this.ws && !this.closed) this.ws.close();
  }
}

/** An RPC error as one line: `1010: Invalid Transaction: Transaction has a bad signature`. */
function errorText(error) {
  const data = typeof error.data === 'string' ? error.data : error.data === undefined ? '' : JSON.stringify(error.data);
  const message = String(error.message).split('\n')[0].trim();
  return `${error.code}: ${message}${data ? ` [${data.replace(/\s+/g, ' ').slice(0, 120)}]` : ''}`;
}

/**
 * What kind of refusal an `author_submitExtrinsic` error is. Each kind is one exact
 * answer of this node (code + message); anything else is 'other(...)'.
 */
function rejectionKind(error) {
  const { code } = error;
  const message = String(error.message);
  const data = typeof error.data === 'string' ? error.data : '';
  if (code === 1010 && message === 'Invalid Transaction') {
    if (data === 'Transaction has a bad signature') return 'BadProof';
    if (data === 'Transaction is outdated') return 'Stale';
    if (data === 'Transaction would exhaust the block limits') return 'ExhaustsResources';
    if (data.startsWith('Inability to pay some fees')) return 'Payment';
    if (data === 'Transaction call is not expected') return 'Call';
    if (data === 'Transaction dispatch is mandatory; transactions must not be validated.') return 'Mandatory';
  }
  if (code === 1002 && message.startsWith('Verification Error: Runtime error: Execution failed: Execution aborted due to trap: wasm trap: wasm `unreachable`')) {
    return 'RuntimeDecode';
  }
  if (code === 1040 && message.startsWith('Client error: Could not decode `OpaqueExtrinsic.0`')) return 'RpcDecode';
  if (code === 1011 && message === 'Unknown Transaction Validity') return `Unknown(${data})`;
  if (code === 1012 && message === 'Transaction is temporarily banned') return 'Banned';
  if (code === 1013 && message === 'Transaction Already Imported') return 'AlreadyImported';
  if (code === -32602) return 'InvalidParams';
  return `other(${errorText(error)})`;
}

// ---------------------------------------------------------------------------
// Hand-built extrinsics
// ---------------------------------------------------------------------------

/**
 * Sign `tx` (a fresh polkadot.js SubmittableExtrinsic) as `account`'s address with
 * `nonce`, the signature made by `signingPair` (default: `account` itself). Returns the
 * full extrinsic bytes (length-prefixed), its parts and the runtime's signing payload.
 * Layout of a signed v4 extrinsic: compact length ‖ 0x84 ‖ 0x00 ‖ AccountId32 ‖ 0x01
 * (sr25519) ‖ signature[64] ‖ extra (era, nonce, tip) ‖ call.
 */
async function signParts(api, tx, account, nonce, signingPair = account) {
  let signingBytes;
  const signed = await tx.signAsync(account.address, {
    nonce,
    signer: {
      signPayload: async (payload) => {
        const ep = api.registry.createType('ExtrinsicPayload', payload, { version: payload.version });
        signingBytes = ep.toU8a({ method: true });
        return { id: 1, signature: ep.sign(signingPair).signature }; // hex, with the MultiSignature type byte
      },
    },
  });
  const bytes = signed.toU8a();
  const [prefixLength] = compactFromU8a(bytes);
  const body = bytes.slice(prefixLength);
  assert.equal(body[0], 0x84, 'a signed v4 extrinsic');
  assert.equal(body[1], 0x00, 'MultiAddress::Id');
  assert.equal(body[34], 0x01, 'MultiSignature::Sr25519');
  const call = signed.method.toU8a();
  return {
    bytes,
    hex: u8aToHex(bytes),
    hash: signed.hash.toHex(),
    head: body.slice(0, 35), // version, address, signature type
    signature: body.slice(35, 99),
    extra: body.slice(99, body.length - call.length),
    call,
    signingBytes,
  };
}

/** The runtime signs blake2_256 of payloads over 256 bytes, else the payload itself. */
function signPayloadBytes(pair, payload) {
  return pair.sign(payload.length > 256 ? blake2AsU8a(payload, 256) : payload);
}

/** A signed extrinsic from parts: compact length ‖ head ‖ signature ‖ extra ‖ call. */
function assemble({ head, extra }, signature, call) {
  return compactAddLength(u8aConcat(head, signature, extra, call));
}

/**
 * `parts` with its call replaced by `call` and re-signed by `pair` over the runtime's
 * signing payload (call ‖ the same extra and implicit data): a properly signed extrinsic.
 */
function withCall(parts, call, pair) {
  const tail = parts.signingBytes.slice(parts.call.length);
  return assemble(parts, signPayloadBytes(pair, u8aConcat(call, tail)), call);
}

/** Deterministic pseudo-random bytes (blake2 counter mode), so a failure reproduces. */
function pseudoRandomBytes(seed, length) {
  const out = new Uint8Array(length);
  for (let i = 0, block = 0; i < length; block++) {
    const chunk = blake2AsU8a(`${seed}/${block}`, 256);
    out.set(chunk.slice(0, Math.min(32, length - i)), i);
    i += 32;
  }
  return out;
}

/** Resolve once `predicate()` holds (polled every 50 ms); reject after `timeoutMs`. */
async function waitUntil(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `n` as 4 little-endian bytes (a counter that makes each burst transaction distinct). */
function u32le(n) {
  return new Uint8Array([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]);
}

// ---------------------------------------------------------------------------
// Block production tracking
// ---------------------------------------------------------------------------

/** Best and finalized block numbers as the node announces them, with arrival times. */
class HeadTracker {
  constructor(api) {
    this.api = api;
    this.best = -1;
    this.finalized = -1;
    this.bestLog = []; // { t, n }
    this.finalizedLog = [];
    this.unsubs = [];
    this.waiters = new Set();
  }

  async start() {
    this.unsubs.push(
      await this.api.rpc.chain.subscribeNewHeads((h) => {
        const n = h.number.toNumber();
        if (n > this.best) {
          this.best = n;
          this.bestLog.push({ t: Date.now(), n });
        }
        this.notify();
      }),
    );
    this.unsubs.push(
      await this.api.rpc.chain.subscribeFinalizedHeads((h) => {
        const n = h.number.toNumber();
        if (n > this.finalized) {
          this.finalized = n;
          this.finalizedLog.push({ t: Date.now(), n });
        }
        this.notify();
      }),
    );
  }

  notify() {
    for (const w of this.waiters) w();
  }

  mark() {
    return { best: this.best, finalized: this.finalized, t: Date.now() };
  }

  /** Resolve once `predicate()` holds; reject after `timeoutMs` with `what`. */
  waitFor(predicate, timeoutMs, what) {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`${what} within ${timeoutMs} ms (best #${this.best}, finalized #${this.finalized})`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  stop() {
    this.unsubs.forEach((u) => u());
    this.unsubs = [];
  }
}

// ---------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------

describe('bad input over the wire: every malformed or invalid request is refused, the chain goes on', () => {
  let node;
  let api;
  let rpc; // raw JSON-RPC connection
  let heads;
  let keyring;
  let alice;
  let bob;
  let slotMs;
  let runtimeDecodeAnswers = 0; // 1002 answers seen; the log must hold at least as many decode panics
  const report = []; // [input, answer] for the summary printed at the end

  /** Record what the node answered to `input` (printed as a table in `after`). */
  const observed = (input, answer) => report.push([input, answer]);

  /** The raw RPC's error for `method(params)`; fails if the call succeeded. */
  async function rpcError(method, params, input) {
    const answer = await rpc.request(method, params);
    assert.ok(answer.error, `${input}: expected an RPC error, got the result ${JSON.stringify(answer.result)?.slice(0, 200)}`);
    if (answer.error.code === 1002) runtimeDecodeAnswers++;
    observed(input, errorText(answer.error));
    return answer.error;
  }

  /** Submit raw extrinsic bytes; assert the refusal is of `kind`; returns the error. */
  async function expectRefused(bytes, kind, input) {
    const hex = typeof bytes === 'string' ? bytes : u8aToHex(bytes);
    const error = await rpcError('author_submitExtrinsic', [hex], input);
    assert.equal(rejectionKind(error), kind, `${input}: expected ${kind}, the node answered ${errorText(error)}`);
    return error;
  }

  /**
   * Submit bytes the node has just refused as `firstKind` again: the pool has banned
   * their hash ("temporarily banned"). The ban lives in the transaction pool's view of
   * the best block, so if a new block arrived in between, the node may validate them
   * afresh and give `firstKind` again; both are asserted exactly.
   */
  async function expectRefusedAgain(bytes, firstKind, input) {
    const best = heads.best;
    const error = await rpcError('author_submitExtrinsic', [typeof bytes === 'string' ? bytes : u8aToHex(bytes)], input);
    const kind = rejectionKind(error);
    if (kind === 'Banned') return error;
    assert.ok(heads.best !== best && kind === firstKind, `${input}: expected Banned (or ${firstKind} after a new block), the node answered ${errorText(error)}`);
    return error;
  }

  /** An account's next nonce as the node reports it (system_accountNextIndex). */
  const nextNonce = async (pair) => toNumber(await api.rpc.system.accountNextIndex(pair.address));

  /** A fresh, never-funded account. */
  let freshCounter = 0;
  const fresh = (label) => keyring.addFromUri(`//BadInput//${label}//${process.pid}//${Date.now()}//${freshCounter++}`);

  const freeBalance = async (pair) => (await api.query.system.account(pair.address)).data.free.toBigInt();

  /**
   * The node is still fine: its process runs, it answers system_health, and since `mark`
   * it imported a new best block and finalized a new block.
   */
  async function assertStillFine(mark, label) {
    assert.equal(node.exited, null, `${label}: medchain-node exited (${JSON.stringify(node.exited)})`);
    const health = await rpc.request('system_health', []);
    assert.ok(health.result, `${label}: system_health failed: ${JSON.stringify(health.error)}`);
    await heads.waitFor(() => heads.best > mark.best, 6 * slotMs + 5_000, `${label}: no new best block after #${mark.best}`);
    await heads.waitFor(
      () => heads.finalized > mark.finalized,
      10 * slotMs + 10_000,
      `${label}: no new finalized block after #${mark.finalized}`,
    );
  }

  before(async () => {
    node = await startNode();
    api = node.api;
    await cryptoWaitReady();
    keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
    alice = keyring.addFromUri('//Alice');
    bob = keyring.addFromUri('//Bob');
    rpc = await new RawRpc(node.wsUrl).open();
    heads = new HeadTracker(api);
    await heads.start();
    slotMs = toNumber(await api.call.auraApi.slotDuration());
    // Wait for the first finalized block so every case starts on a finalizing chain.
    await waitForFinalized(api, 1, 90_000);
  }, { timeout: 150_000 });

  after(async () => {
    heads?.stop();
    rpc?.close();
    if (report.length) {
      const width = Math.min(70, Math.max(...report.map(([i]) => i.length)));
      console.log(`\nwhat the node answered (${report.length} inputs):`);
      for (const [input, answer] of report) console.log(`  ${input.padEnd(width)}  ${answer.slice(0, 160)}`);
    }
    if (node) await node.stop();
  }, { timeout: 30_000 });

  afterEach((t) => {
    if (node && (t.passed === false || t.error)) node.printLogTail(50, `after failed test "${t.name}"`);
  });

  it('malformed extrinsic bytes (random, truncated, empty, wrong length prefix, wrong version) are refused', TX_TIMEOUT, async () => {
    const mark = heads.mark();
    const valid = await signParts(api, api.tx.balances.transferKeepAlive(bob.address, UNIT), alice, await nextNonce(alice));
    const [prefixLength] = compactFromU8a(valid.bytes);
    const body = valid.bytes.slice(prefixLength);

    // A zero-length extrinsic: the RPC decodes it (a length prefix of 0), the runtime not.
    await expectRefused('0x00', 'RuntimeDecode', 'zero-length extrinsic (0x00)');

    // Pseudo-random buffers: refused either by the RPC layer (their first bytes do not
    // decode as a length prefix matching the rest) or by the runtime (they do, and the
    // contents do not decode as an extrinsic). The RPC ignores bytes after the length
    // its prefix declares, so a buffer starting with 0x00 is the empty extrinsic above,
    // whose hash the pool has banned. Never accepted.
    const kinds = {};
    for (let i = 0; i < 32; i++) {
      const bytes = pseudoRandomBytes(`bad-input/random/${i}`, 40 + i * 7);
      const answer = await rpc.request('author_submitExtrinsic', [u8aToHex(bytes)]);
      assert.ok(answer.error, `random buffer ${i} was accepted: ${answer.result}`);
      const kind = rejectionKind(answer.error);
      assert.ok(['RpcDecode', 'RuntimeDecode', 'Banned'].includes(kind), `random buffer ${i}: ${errorText(answer.error)}`);
      if (kind === 'RuntimeDecode') runtimeDecodeAnswers++;
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
    observed('32 pseudo-random buffers (40..257 bytes)', `${JSON.stringify(kinds)} (1040 Could not decode / 1002 Verification Error / 1012 banned)`);
    // A random buffer whose first byte claims more bytes than follow.
    await expectRefused(u8aConcat([0xfd, 0xff], pseudoRandomBytes('bad-input/short', 60)), 'RpcDecode', 'random bytes, length prefix > buffer');

    // Truncated: the last 10 bytes cut off (the length prefix still claims them), and
    // the same truncated body with a length prefix that matches it.
    const e1 = await expectRefused(valid.bytes.slice(0, -10), 'RpcDecode', 'valid transfer, last 10 bytes cut');
    assert.match(e1.message, /Not enough data to decode vector/);
    await expectRefused(compactAddLength(body.slice(0, -10)), 'RuntimeDecode', 'valid transfer truncated, length re-prefixed');
    await expectRefused(compactAddLength(body.slice(0, 20)), 'RuntimeDecode', 'first 20 bytes of a transfer, length re-prefixed');

    // Empty.
    const e2 = await expectRefused('0x', 'RpcDecode', 'empty (0x)');
    assert.match(e2.message, /Not enough data to fill buffer/);

    // Wrong length prefix.
    await expectRefused(u8aConcat(compactAddLength(new Uint8Array(body.length + 5)).slice(0, prefixLength), body), 'RpcDecode', 'length prefix 5 too long');
    await expectRefused(u8aConcat(compactAddLength(new Uint8Array(body.length - 5)).slice(0, prefixLength), body), 'RuntimeDecode', 'length prefix 5 too short');
    await expectRefused(u8aConcat([0x03, 0xff, 0xff, 0xff, 0xff], body), 'RpcDecode', 'length prefix 4 GiB');

    // Wrong extrinsic version byte (0x84 = signed v4).
    for (const version of [0x86, 0x05, 0x44, 0xff]) {
      const b = body.slice();
      b[0] = version;
      await expectRefused(compactAddLength(b), 'RuntimeDecode', `version byte 0x${version.toString(16).padStart(2, '0')} instead of 0x84`);
    }

    // Not hex, not a string, no parameter at all.
    const e3 = await rpcError('author_submitExtrinsic', ['hello'], 'not hex ("hello")');
    assert.equal(e3.code, -32602);
    assert.match(e3.message, /^Invalid params/);
    const e4 = await rpcError('author_submitExtrinsic', [12345], 'a number instead of bytes');
    assert.equal(e4.code, -32602);
    const e5 = await rpcError('author_submitExtrinsic', [], 'no parameter');
    assert.equal(e5.code, -32602);
    assert.match(String(e5.data), /No more params/);

    // A batch of three undecodable extrinsics: three answers, each refused.
    const answers = await rpc.batch([0, 1, 2].map((i) => ['author_submitExtrinsic', [u8aToHex(new Uint8Array(10 + i).fill(0xff))]]));
    for (const a of answers) assert.equal(rejectionKind(a.error), 'RpcDecode', JSON.stringify(a));
    observed('JSON-RPC batch of 3 undecodable extrinsics', `3 answers, each ${errorText(answers[0].error)}`);

    // Frames that are not JSON-RPC at all.
    rpc.sendText('{not json');
    const parse = await rpc.nextOrphan();
    assert.equal(parse.error?.code, -32700, JSON.stringify(parse));
    assert.equal(parse.error.message, 'Parse error');
    observed('a frame that is not JSON ("{not json")', errorText(parse.error));
    const unknown = await rpcError('author_noSuchMethod', [], 'an unknown RPC method');
    assert.equal(unknown.code, -32601);
    assert.equal(unknown.message, 'Method not found');

    await assertStillFine(mark, 'after malformed extrinsics');
  });

  it('oversize arguments: a locator over its bound, a remark over the block length, a request over the RPC limit', TX_TIMEOUT, async () => {
    const mark = heads.mark();
    const nonce = await nextNonce(alice);
    const anchor = (len) =>
      api.tx.healthRecords.anchorRecord(alice.address, 'LabResults', `0x${'11'.repeat(32)}`, `0x${'61'.repeat(len)}`, null);

    // MaxLocatorLen + 1 and a 100 kB locator, signed as such: the runtime cannot decode
    // the BoundedVec, so the pool refuses the extrinsic before any fee or dispatch.
    for (const len of [MAX_LOCATOR_LEN + 1, 100_000]) {
      const parts = await signParts(api, anchor(len), alice, nonce);
      await expectRefused(parts.bytes, 'RuntimeDecode', `HealthRecords.anchor_record, locator of ${len} bytes (bound ${MAX_LOCATOR_LEN})`);
    }
    // A 100 kB locator hidden in Utility.batch: the same decode refusal.
    {
      const parts = await signParts(api, api.tx.utility.batch([api.tx.system.remark('0x00'), anchor(100_000)]), alice, nonce);
      await expectRefused(parts.bytes, 'RuntimeDecode', 'Utility.batch holding an anchor_record with a 100 kB locator');
    }
    // Exactly at the bound the call decodes, is accepted, included, and fails in
    // dispatch for its own reason (Alice is not a patient): the bound is where the
    // runtime says it is.
    await assert.rejects(signAndWait(api, anchor(MAX_LOCATOR_LEN), alice, { nonce }), (err) => {
      assert.equal(err.message, 'healthRecords.NotAPatient', `locator of exactly ${MAX_LOCATOR_LEN} bytes: ${err.message}`);
      return true;
    });
    observed(`anchor_record, locator of exactly ${MAX_LOCATOR_LEN} bytes (control)`, 'accepted, included, failed in dispatch: healthRecords.NotAPatient');

    // Longer than a block may be (normal class: 3,932,160 bytes of the 5 MiB).
    const bigNonce = await nextNonce(alice);
    for (const size of [NORMAL_BLOCK_LENGTH + 1, 6 * 1024 * 1024]) {
      const remark = api.tx.system.remark(u8aToHex(new Uint8Array(size).fill(0x61)));
      const signed = await remark.signAsync(alice, { nonce: bigNonce });
      const error = await expectRefused(signed.toHex(), 'ExhaustsResources', `System.remark of ${size.toLocaleString('en')} bytes (${(signed.encodedLength / 1048576).toFixed(2)} MiB extrinsic)`);
      assert.equal(error.data, 'Transaction would exhaust the block limits');
    }
    assert.equal(await nextNonce(alice), bigNonce, 'a refused oversize remark used a nonce');

    // A request larger than the RPC server accepts (15 MiB): refused before parsing,
    // answered with id null, the connection stays usable.
    const hex = `0x${'61'.repeat(8 * 1024 * 1024)}`;
    assert.ok(hex.length > RPC_MAX_REQUEST_BYTES);
    rpc.sendText(JSON.stringify({ jsonrpc: '2.0', id: 999_999, method: 'author_submitExtrinsic', params: [hex] }));
    const tooBig = await rpc.nextOrphan();
    assert.equal(tooBig.id, null);
    assert.equal(tooBig.error?.code, -32007, JSON.stringify(tooBig));
    assert.equal(tooBig.error.message, 'Request is too big');
    observed('author_submitExtrinsic of 8 MiB (16 MiB of hex)', errorText(tooBig.error));
    const health = await rpc.request('system_health', []);
    assert.ok(health.result, 'the connection that sent the oversize request no longer answers');

    await assertStillFine(mark, 'after oversize arguments');
  });

  it('wrong nonces: a used nonce is Stale; a far-future nonce waits in the future queue and is never executed', TX_TIMEOUT, async () => {
    const mark = heads.mark();
    let nonce = await nextNonce(alice);
    if (nonce === 0) {
      await signAndWait(api, api.tx.balances.transferKeepAlive(bob.address, UNIT), alice);
      nonce = await nextNonce(alice);
    }
    const recipient = fresh('nonce');

    const stale = await signParts(api, api.tx.balances.transferKeepAlive(recipient.address, UNIT), alice, nonce - 1);
    await expectRefused(stale.bytes, 'Stale', `transfer with a used nonce (${nonce - 1}, next is ${nonce})`);
    const genesisNonce = await signParts(api, api.tx.balances.transferKeepAlive(recipient.address, UNIT), alice, 0);
    await expectRefused(genesisNonce.bytes, 'Stale', 'transfer with nonce 0');

    // Far future: accepted into the future queue, never ready, never executed.
    const futureNonce = nonce + 1000;
    const future = await api.tx.balances.transferKeepAlive(recipient.address, 7n * UNIT).signAsync(alice, { nonce: futureNonce });
    const futureHash = future.hash.toHex();
    const statuses = [];
    const unsub = await api.rpc.author.submitAndWatchExtrinsic(future, (status) => statuses.push(status.type));
    await waitUntil(() => statuses.length > 0, 10_000, 'a status for the far-future transaction');
    assert.equal(statuses[0], 'Future', `far-future nonce: statuses ${statuses}`);
    observed(`transfer with nonce ${futureNonce} (next is ${nonce})`, `accepted, status Future (${futureHash.slice(0, 10)}…)`);
    // Re-sending it while it waits: the pool already has it.
    const again = await expectRefused(future.toHex(), 'AlreadyImported', 'the same far-future transaction again');
    assert.equal(again.data, 'Any { .. }');

    const from = heads.best;
    await heads.waitFor(() => heads.best >= from + 3, 6 * slotMs + 10_000, 'three blocks after the far-future submission');
    for (let n = from; n <= heads.best; n++) {
      const hash = await api.rpc.chain.getBlockHash(n);
      const block = await api.rpc.chain.getBlock(hash);
      const hashes = block.block.extrinsics.map((x) => x.hash.toHex());
      assert.ok(!hashes.includes(futureHash), `the far-future transaction was included in block #${n}`);
    }
    assert.deepEqual(statuses, ['Future'], `the far-future transaction left the future queue: ${statuses}`);
    assert.equal(await freeBalance(recipient), 0n, 'the far-future transfer was executed');
    assert.equal(toNumber((await api.query.system.account(alice.address)).nonce), nonce, "Alice's nonce moved");

    // Take it out of the pool again (an unsafe RPC, open on a --dev node's localhost).
    const removed = await rpc.request('author_removeExtrinsic', [[{ hash: futureHash }]]);
    assert.ok(removed.result, `author_removeExtrinsic: ${JSON.stringify(removed.error)}`);
    assert.deepEqual(removed.result, [futureHash]);
    await waitUntil(() => statuses.length > 1, 10_000, 'a status after removing the far-future transaction');
    unsub();
    observed('author_removeExtrinsic of the far-future transaction', `removed; its watchers saw ${statuses.join(' → ')}`);

    await assertStillFine(mark, 'after wrong nonces');
  });

  it('bad signatures are BadProof (banned on resubmission); a replayed transfer is refused and happens once', TX_TIMEOUT, async () => {
    const mark = heads.mark();
    const nonce = await nextNonce(alice);
    const recipient = fresh('replay');

    // One signature bit flipped.
    const valid = await signParts(api, api.tx.balances.transferKeepAlive(recipient.address, 3n * UNIT), alice, nonce);
    const flippedSig = valid.signature.slice();
    flippedSig[10] ^= 0x01;
    const flipped = assemble(valid, flippedSig, valid.call);
    await expectRefused(flipped, 'BadProof', 'valid transfer, one signature bit flipped');
    await expectRefusedAgain(flipped, 'BadProof', 'the same bytes again');
    // One byte of the signed call changed (the amount): the signature no longer matches.
    const tamperedCall = valid.call.slice();
    tamperedCall[tamperedCall.length - 1] ^= 0x40;
    await expectRefused(assemble(valid, valid.signature, tamperedCall), 'BadProof', 'valid transfer, amount changed after signing');
    // Signed by Bob, sent as Alice's.
    const byBob = await signParts(api, api.tx.balances.transferKeepAlive(recipient.address, 3n * UNIT), alice, nonce, bob);
    await expectRefused(byBob.bytes, 'BadProof', "Bob's signature on Alice's transfer");
    // Through polkadot.js: the same answers as exceptions.
    await assert.rejects(api.rpc.author.submitExtrinsic(api.createType('Extrinsic', flipped)), (err) => {
      // Banned, unless a new block came since (then validated afresh: a bad signature).
      assert.match(err.message, /^(1012: Transaction is temporarily banned|1010: Invalid Transaction: Transaction has a bad signature)/);
      return true;
    });
    {
      const sig2 = valid.signature.slice();
      sig2[20] ^= 0x80;
      await assert.rejects(api.rpc.author.submitExtrinsic(api.createType('Extrinsic', assemble(valid, sig2, valid.call))), (err) => {
        assert.match(err.message, /^1010: Invalid Transaction: Transaction has a bad signature/);
        return true;
      });
      observed('api.rpc.author.submitExtrinsic, another bit flipped', '1010: Invalid Transaction: Transaction has a bad signature (thrown)');
    }
    assert.equal(await nextNonce(alice), nonce, 'a refused transaction used a nonce');
    // A good signature from an account that holds nothing: it cannot pay the fee.
    const pauper = fresh('pauper');
    const unfunded = await signParts(api, api.tx.balances.transferKeepAlive(recipient.address, UNIT), pauper, 0);
    const payment = await expectRefused(unfunded.bytes, 'Payment', 'a correctly signed transfer from an account with no funds');
    assert.equal(payment.data, 'Inability to pay some fees (e.g. account balance too low)');

    // Replay: the valid transfer (signed through the same hand-made signer path), sent
    // again while in the pool, once in a block, and once finalized.
    const before = await freeBalance(alice);
    const first = await rpc.request('author_submitExtrinsic', [valid.hex]);
    assert.equal(first.result, valid.hash, `the valid transfer was refused: ${JSON.stringify(first.error)}`);
    const inPool = await expectRefused(valid.hex, 'AlreadyImported', 'replay while the transfer is in the pool');
    assert.equal(inPool.data, 'Any { .. }');
    // Wait for it in a best block.
    let includedAt = null;
    await heads.waitFor(() => heads.best > mark.best, 30_000, 'no block');
    for (let tries = 0; includedAt === null && tries < 40; tries++) {
      const best = await api.rpc.chain.getHeader();
      const block = await api.rpc.chain.getBlock(best.hash);
      if (block.block.extrinsics.some((x) => x.hash.toHex() === valid.hash)) includedAt = best.number.toNumber();
      else if (toNumber((await (await api.at(best.hash)).query.system.account(alice.address)).nonce) > nonce) {
        // Included in an earlier block: find it.
        for (let n = best.number.toNumber(); n > 0 && includedAt === null; n--) {
          const b = await api.rpc.chain.getBlock(await api.rpc.chain.getBlockHash(n));
          if (b.block.extrinsics.some((x) => x.hash.toHex() === valid.hash)) includedAt = n;
        }
        assert.ok(includedAt !== null, 'Alice\'s nonce moved but the transfer is in no block');
      } else await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(includedAt !== null, 'the valid transfer was not included');
    let sawStale = false;
    if (heads.finalized < includedAt) {
      const early = await rpcError('author_submitExtrinsic', [valid.hex], `replay after inclusion in #${includedAt}, before finality`);
      // Unless finality overtook this very request, the pool still holds the transfer.
      sawStale = rejectionKind(early) === 'Stale';
      if (!sawStale) assert.equal(rejectionKind(early), 'AlreadyImported', errorText(early));
    }
    await heads.waitFor(() => heads.finalized >= includedAt, 10 * slotMs + 10_000, `transfer's block #${includedAt} not finalized`);
    // Once finalized the pool forgets it (a moment after the finalized-head notification:
    // until then it is still "already imported"); then the runtime refuses it by its
    // nonce, and the pool bans its hash, so at once again it is "temporarily banned".
    let afterFinality;
    for (let tries = 0; tries < 40; tries++) {
      const answer = await rpc.request('author_submitExtrinsic', [valid.hex]);
      assert.ok(answer.error, 'a finalized transfer was accepted again');
      afterFinality = answer.error;
      if (rejectionKind(answer.error) !== 'AlreadyImported') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(rejectionKind(afterFinality) === 'Stale' || (sawStale && rejectionKind(afterFinality) === 'Banned'), `replay after finality: ${errorText(afterFinality)}`);
    observed(`replay after #${includedAt} is finalized`, errorText(afterFinality));
    await expectRefusedAgain(valid.hex, 'Stale', 'the replay again, at once');

    // Exactly once.
    assert.equal(await freeBalance(recipient), 3n * UNIT, 'the transfer did not happen exactly once');
    assert.equal(toNumber((await api.query.system.account(alice.address)).nonce), nonce + 1, "Alice's nonce moved by more than one");
    const spent = before - (await freeBalance(alice));
    assert.ok(spent > 3n * UNIT && spent < 4n * UNIT, `Alice paid ${spent} for one 3 MED transfer`);
    observed('the replayed transfer, checked on chain', 'recipient holds 3 MED (once), Alice\'s nonce +1');

    await assertStillFine(mark, 'after bad signatures and replays');
  });

  it('calls to an unknown pallet or call index, unsigned calls and inherents are refused', TX_TIMEOUT, async () => {
    const mark = heads.mark();
    const nonce = await nextNonce(alice);
    const base = await signParts(api, api.tx.balances.transferKeepAlive(bob.address, UNIT), alice, nonce);
    const cases = [
      [u8aConcat([0xfe, 0x00], new Uint8Array(8)), 'pallet index 0xfe (none)'],
      [new Uint8Array([0x0e, 0x00]), 'pallet index 14 (between Session 13 and Consortium 20)'],
      [new Uint8Array([0x14, 0xff]), 'Consortium (20), call index 0xff'],
      [new Uint8Array([0x17, 0x09]), 'HealthRecords (23), call index 9'],
      [base.call.slice(0, 10), 'Balances.transfer_keep_alive with its arguments cut'],
      [u8aConcat(base.call, [0x00, 0x01, 0x02]), 'Balances.transfer_keep_alive with 3 trailing bytes'],
      // Utility.batch([ <pallet 0xfe> ])
      [u8aConcat([0x07, 0x00], [0x04], [0xfe, 0x00]), 'Utility.batch of one call to pallet 0xfe'],
    ];
    for (const [call, label] of cases) {
      await expectRefused(withCall(base, call, alice), 'RuntimeDecode', `signed: ${label}`);
    }
    // Unsigned (bare v4) extrinsics: a call that needs a signature, and an inherent.
    const bare = (call) => compactAddLength(u8aConcat([0x04], call));
    const noValidator = await expectRefused(bare(base.call), 'Unknown(NoUnsignedValidator)', 'unsigned Balances.transfer_keep_alive');
    assert.equal(noValidator.code, 1011);
    // An inherent (Timestamp.set, Mandatory class) is never validated as a transaction,
    // whether unsigned or signed.
    const timestamp = api.tx.timestamp.set(Date.now()).method.toU8a();
    await expectRefused(bare(timestamp), 'Mandatory', 'unsigned Timestamp.set (an inherent)');
    await expectRefused(withCall(base, timestamp, alice), 'Mandatory', 'Timestamp.set signed by Alice');
    await expectRefused(bare(new Uint8Array([0xfe, 0x00])), 'RuntimeDecode', 'unsigned call to pallet 0xfe');

    assert.equal(await nextNonce(alice), nonce);
    await assertStillFine(mark, 'after unknown pallets and calls');
  });

  it('runtime-API calls with garbage arguments get an RPC error (or the defined result)', TX_TIMEOUT, async () => {
    const mark = heads.mark();
    const args = api.createType('(AccountId32, AccountId32, u8, u8, bool)', [alice.address, bob.address, 0, 0, false]).toU8a();
    const good = await rpc.request('state_call', ['ConsentApi_has_access', u8aToHex(args)]);
    assert.equal(good.result, '0x00', `has_access(Alice, Bob, ...) with good arguments: ${JSON.stringify(good)}`);
    observed('ConsentApi_has_access, well-formed arguments (control)', 'result 0x00 (false)');

    // A runtime API that cannot decode its arguments panics in the Wasm runtime ("Bad
    // input data provided to <function>" in the node's log); the caller gets 4003.
    const assertTrap = (e) => {
      assert.equal(e.code, 4003, errorText(e));
      assert.match(e.message, /^Client error: Execution failed: Execution aborted due to trap: wasm trap: wasm `unreachable`/);
    };
    const stateCallError = (method, data, input) => rpcError('state_call', [method, data], input);
    assertTrap(await stateCallError('ConsentApi_has_access', u8aToHex(pseudoRandomBytes('bad-input/has-access', 20)), 'ConsentApi_has_access, 20 pseudo-random bytes'));
    assertTrap(await stateCallError('ConsentApi_has_access', '0x', 'ConsentApi_has_access, no arguments'));
    assertTrap(await stateCallError('ConsentApi_has_access', u8aToHex(args.slice(0, 40)), 'ConsentApi_has_access, arguments cut at 40 of 67 bytes'));
    assertTrap(await stateCallError('ConsentApi_has_access', u8aToHex(new Uint8Array(1 << 20).fill(7)), 'ConsentApi_has_access, 1 MiB of 0x07'));
    // Trailing bytes after well-formed arguments are ignored: the defined result.
    const longer = await rpc.request('state_call', ['ConsentApi_has_access', u8aToHex(u8aConcat(args, new Uint8Array(100).fill(0xee)))]);
    assert.equal(longer.result, good.result, `has_access with 100 trailing bytes: ${JSON.stringify(longer)}`);
    observed('ConsentApi_has_access, good arguments + 100 trailing bytes', `result ${longer.result} (trailing bytes ignored)`);
    // Through polkadot.js.
    await assert.rejects(api.rpc.state.call('ConsentApi_has_access', '0xdeadbeef'), (err) => {
      assert.match(err.message, /^4003: Client error: Execution failed: Execution aborted due to trap/);
      return true;
    });
    observed('api.rpc.state.call ConsentApi_has_access 0xdeadbeef', '4003: Client error: Execution failed: ... wasm `unreachable` (thrown)');

    // Core_version takes no arguments and says so.
    const version = await stateCallError('Core_version', '0xdeadbeef', 'Core_version with 4 bytes of arguments');
    assertTrap(version);
    const ok = await rpc.request('state_call', ['Core_version', '0x']);
    assert.ok(ok.result?.length > 10, 'Core_version without arguments fails');
    // Validation entry point with garbage.
    assertTrap(await stateCallError('TaggedTransactionQueue_validate_transaction', '0x00ff00ff', 'TaggedTransactionQueue_validate_transaction, 4 bytes'));
    // Unknown runtime API method.
    const unknown = await stateCallError('NoSuchApi_no_such_method', '0x', 'state_call of an unknown method');
    assert.equal(unknown.code, 4003);
    assert.equal(unknown.message, 'Client error: Execution failed: Other: Exported method NoSuchApi_no_such_method is not found');
    // Metadata at a version that does not exist: None, a defined result.
    const metadata = await rpc.request('state_call', ['Metadata_metadata_at_version', '0xffffffff']);
    assert.equal(metadata.result, '0x00', JSON.stringify(metadata));
    observed('Metadata_metadata_at_version(0xffffffff)', 'result 0x00 (None)');
    // Bad hex, a block that does not exist.
    const badHex = await stateCallError('Core_version', '0xzz', 'state_call with data 0xzz');
    assert.equal(badHex.code, -32602);
    // At a block that does not exist (third parameter).
    const noBlock = await rpc.request('state_call', ['Core_version', '0x', `0x${'00'.repeat(32)}`]);
    assert.equal(noBlock.error?.code, 4003, JSON.stringify(noBlock));
    assert.match(noBlock.error.message, /UnknownBlock/);
    observed('state_call Core_version at block 0x00…00', errorText(noBlock.error));

    await assertStillFine(mark, 'after runtime-API garbage');
  });

  it('afterwards the chain still produces and finalizes blocks, a fresh transfer is finalized, the log holds only decode panics', TX_TIMEOUT, async () => {
    const mark = heads.mark();
    await heads.waitFor(() => heads.best >= mark.best + 2, 4 * slotMs + 5_000, 'two more blocks');
    await heads.waitFor(() => heads.finalized >= mark.best, 10 * slotMs + 10_000, `finality to reach #${mark.best}`);
    const recipient = fresh('after');
    const { blockHash } = await signAndWait(api, api.tx.balances.transferKeepAlive(recipient.address, 2n * UNIT), alice, { finalized: true });
    assert.equal(await freeBalance(recipient), 2n * UNIT);
    const n = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
    console.log(`best #${heads.best}, finalized #${heads.finalized}; the fresh transfer is in finalized block #${n}`);

    // The node's log: the only panics are the runtime refusing to decode bad input.
    const log = fs.readFileSync(node.logPath, 'utf8');
    const panics = [...log.matchAll(/panicked at [^\n]*\n([^\n]*)/g)].map((m) => m[1]);
    const other = panics.filter((p) => !p.startsWith('Bad input data provided to '));
    assert.deepEqual(other, [], 'the node logged a panic that is not a decode refusal');
    const validatePanics = panics.filter((p) => p.startsWith('Bad input data provided to validate_transaction')).length;
    assert.ok(validatePanics >= runtimeDecodeAnswers, `${runtimeDecodeAnswers} 1002 answers but ${validatePanics} decode panics logged`);
    assert.doesNotMatch(log, /Essential task .* failed/, 'an essential task failed');
    assert.doesNotMatch(log, /Thread '.*' panicked/, 'a node thread panicked');
    console.log(`node log: ${panics.length} runtime decode refusals (${validatePanics} in validate_transaction), no other panic`);
  });

  it(`a burst of ${BURST_TOTAL.toLocaleString('en')} invalid transactions is refused while blocks are produced and finalized`, { timeout: 180_000 }, async () => {
    // Build every transaction first, so the burst measures the node, not the signing.
    const buildStart = Date.now();
    const nonce = await nextNonce(alice);
    assert.ok(nonce > 0, 'Alice needs a used nonce for the stale transactions');
    const target = fresh('burst');
    const payload = [];
    {
      // Bad signatures: valid transfers (current nonce) with one signature bit flipped
      // (bytes 0..62; byte 63 carries sr25519's marker bit). 504 variants per signature.
      let made = 0;
      for (let s = 0; made < BURST.badSignature; s++) {
        const parts = await signParts(api, api.tx.balances.transferKeepAlive(target.address, BigInt(s + 1)), alice, nonce);
        for (let byte = 0; byte < 63 && made < BURST.badSignature; byte++) {
          for (let bit = 0; bit < 8 && made < BURST.badSignature; bit++, made++) {
            const sig = parts.signature.slice();
            sig[byte] ^= 1 << bit;
            payload.push(['BadProof', u8aToHex(assemble(parts, sig, parts.call))]);
          }
        }
      }
      // Stale: correctly signed with an already used nonce. sr25519 signatures are
      // randomized, so every signature of the same payload is a distinct extrinsic.
      const stale = await signParts(api, api.tx.balances.transferKeepAlive(target.address, UNIT), alice, nonce - 1);
      for (let i = 0; i < BURST.staleNonce; i++) {
        payload.push(['Stale', u8aToHex(assemble(stale, signPayloadBytes(alice, stale.signingBytes), stale.call))]);
      }
      // Undecodable for the RPC layer: a length prefix longer than the bytes.
      for (let i = 0; i < BURST.rpcUndecodable; i++) {
        payload.push(['RpcDecode', u8aToHex(u8aConcat([0xfd, 0x03], u32le(i), new Uint8Array(40).fill(i & 0xff)))]);
      }
      // Undecodable for the runtime: a signed-looking extrinsic to pallet 0xfe, or with a
      // wrong version byte.
      for (let i = 0; i < BURST.runtimeUndecodable; i++) {
        const body = i % 2 === 0
          ? u8aConcat(stale.head, stale.signature, stale.extra, [0xfe, 0x00], u32le(i))
          : u8aConcat([0x86], stale.head.slice(1), stale.signature, stale.extra, stale.call, u32le(i));
        payload.push(['RuntimeDecode', u8aToHex(compactAddLength(body))]);
      }
    }
    assert.equal(payload.length, BURST_TOTAL);
    assert.equal(new Set(payload.map(([, hex]) => hex)).size, BURST_TOTAL, 'burst transactions are not all distinct');
    // Interleave the kinds (deterministic shuffle).
    for (let i = payload.length - 1; i > 0; i--) {
      const j = (i * 2654435761) % (i + 1);
      [payload[i], payload[j]] = [payload[j], payload[i]];
    }
    console.log(`built ${payload.length} invalid transactions in ${((Date.now() - buildStart) / 1000).toFixed(1)} s`);

    const conns = await Promise.all(Array.from({ length: BURST_CONNECTIONS }, () => new RawRpc(node.wsUrl).open()));
    const counts = new Map(); // `${expected} -> ${answer}` -> n
    const mismatches = [];
    let accepted = 0;
    let answered = 0;
    // An honest user's transfer (Bob's), sent when half of the burst is answered.
    const honestRecipient = fresh('during-burst');
    const honestTx = api.tx.balances.transferKeepAlive(honestRecipient.address, UNIT);
    let honest = null; // { submittedAtBest, promise }
    const mark = heads.mark();
    const bestDuring = [];
    const t0 = Date.now();
    try {
      let next = 0;
      const worker = async (w) => {
        const conn = conns[w % conns.length];
        while (next < payload.length) {
          const i = next++;
          const [expected, hex] = payload[i];
          const answer = await conn.request('author_submitExtrinsic', [hex], 120_000);
          answered++;
          if (!honest && answered >= BURST_TOTAL / 2) {
            honest = { submittedAtBest: heads.best, promise: signAndWait(api, honestTx, bob, { timeoutMs: 10 * slotMs + 10_000 }) };
            honest.promise.catch(() => {}); // awaited below
          }
          if (!answer.error) {
            accepted++;
            mismatches.push(`#${i} (${expected}) accepted: ${answer.result}`);
            continue;
          }
          const kind = rejectionKind(answer.error);
          if (kind === 'RuntimeDecode') runtimeDecodeAnswers++;
          const key = `${expected}\t${kind === expected ? errorText(answer.error).slice(0, 90) : kind}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
          if (kind !== expected && mismatches.length < 20) mismatches.push(`#${i}: expected ${expected}, got ${errorText(answer.error)}`);
        }
      };
      const sampler = setInterval(() => bestDuring.push({ t: Date.now() - t0, best: heads.best, finalized: heads.finalized, answered }), 1000);
      try {
        await Promise.all(Array.from({ length: BURST_IN_FLIGHT }, (_, w) => worker(w)));
      } finally {
        clearInterval(sampler);
      }
    } finally {
      conns.forEach((c) => c.close());
    }
    const durationMs = Date.now() - t0;
    const end = heads.mark();
    const rate = (BURST_TOTAL / durationMs) * 1000;

    console.log(`\nburst: ${BURST_TOTAL} invalid transactions over ${BURST_CONNECTIONS} connections, ${BURST_IN_FLIGHT} in flight`);
    console.log(`  duration ${(durationMs / 1000).toFixed(1)} s, ${rate.toFixed(0)} tx/s`);
    console.log('  expected      answer                                                                                      count');
    for (const [key, n] of [...counts].sort()) {
      const [expected, answer] = key.split('\t');
      console.log(`  ${expected.padEnd(13)} ${answer.padEnd(92)} ${String(n).padStart(5)}`);
    }
    console.log(`  accepted: ${accepted}`);
    console.log(`  best #${mark.best} -> #${end.best} (+${end.best - mark.best}), finalized #${mark.finalized} -> #${end.finalized} (+${end.finalized - mark.finalized}) ` +
      `during the burst; slot ${slotMs} ms`);
    console.log(`  per second (t, best, finalized, answered): ${bestDuring.map((s) => `${(s.t / 1000).toFixed(0)}:${s.best}/${s.finalized}/${s.answered}`).join(' ')}`);

    assert.equal(answered, BURST_TOTAL);
    assert.equal(accepted, 0, `accepted invalid transactions: ${mismatches.join('; ')}`);
    assert.deepEqual(mismatches, [], 'refused for another reason than expected');
    for (const [kind, n] of Object.entries({ BadProof: BURST.badSignature, Stale: BURST.staleNonce, RpcDecode: BURST.rpcUndecodable, RuntimeDecode: BURST.runtimeUndecodable })) {
      const got = [...counts].filter(([key]) => key.startsWith(`${kind}\t`)).reduce((a, [, c]) => a + c, 0);
      assert.equal(got, n, `${kind}: ${got} refusals of ${n}`);
    }

    // Block production went on: about one block per slot (at least half of them), and
    // never a wait of more than three slots for the next block. The window is the burst,
    // or two slots from its start if it was over sooner.
    const windowMs = Math.max(durationMs, 2 * slotMs);
    const windowEnd = t0 + windowMs;
    if (Date.now() < windowEnd) await new Promise((r) => setTimeout(r, windowEnd - Date.now()));
    const inWindow = heads.bestLog.filter(({ t }) => t >= t0 && t <= windowEnd);
    const windowTimes = [t0, ...inWindow.map(({ t }) => t), windowEnd];
    const windowGapMs = Math.max(...windowTimes.slice(1).map((t, i) => t - windowTimes[i]));
    const finalizedInWindow = heads.finalizedLog.filter(({ t }) => t >= t0 && t <= windowEnd).length;
    const produced = end.best - mark.best;
    const needed = Math.max(1, Math.floor(windowMs / slotMs / 2));
    console.log(`  window of ${(windowMs / 1000).toFixed(1)} s from the burst's start: ${inWindow.length} new best blocks, ` +
      `${finalizedInWindow} finality notifications, longest wait ${(windowGapMs / 1000).toFixed(1)} s`);
    assert.ok(inWindow.length >= needed, `only ${inWindow.length} blocks in ${(windowMs / 1000).toFixed(1)} s (needed ${needed})`);
    assert.ok(windowGapMs <= 3 * slotMs + 1_000, `block production paused for ${(windowGapMs / 1000).toFixed(1)} s during the burst`);
    // Finalization went on, and catches up with the burst's last block soon after.
    assert.ok(finalizedInWindow >= 1, `finality stalled during the burst at #${mark.finalized}`);
    await heads.waitFor(() => heads.finalized >= end.best, 10 * slotMs + 10_000, `finality to reach the burst's last block #${end.best}`);

    // The honest transfer sent in the middle of the burst made it within a couple of blocks.
    assert.ok(honest, 'the honest transfer was not sent');
    const honestIn = (await api.rpc.chain.getHeader((await honest.promise).blockHash)).number.toNumber();
    console.log(`  Bob's transfer sent mid-burst at best #${honest.submittedAtBest}: in block #${honestIn}`);
    assert.ok(honestIn <= honest.submittedAtBest + 2, `Bob's mid-burst transfer took until #${honestIn} (sent at #${honest.submittedAtBest})`);
    assert.equal(await freeBalance(honestRecipient), UNIT);

    // A valid transaction right after the burst is included within a couple of blocks.
    const submittedAtBest = heads.best;
    const recipient = fresh('after-burst');
    const t1 = Date.now();
    const { blockHash } = await signAndWait(api, api.tx.balances.transferKeepAlive(recipient.address, UNIT), alice, { timeoutMs: 10 * slotMs + 10_000 });
    const includedIn = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
    console.log(`  a valid transfer after the burst: submitted at best #${submittedAtBest}, in block #${includedIn} after ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    assert.ok(includedIn <= submittedAtBest + 2, `the transfer took until #${includedIn} (submitted at #${submittedAtBest})`);
    assert.equal(await freeBalance(recipient), UNIT);
    assert.equal(await freeBalance(target), 0n, 'a burst transfer was executed');
    // The node's log: still only decode refusals.
    const log = fs.readFileSync(node.logPath, 'utf8');
    const panics = [...log.matchAll(/panicked at [^\n]*\n([^\n]*)/g)].map((m) => m[1]);
    assert.deepEqual(panics.filter((p) => !p.startsWith('Bad input data provided to ')), [], 'a panic that is not a decode refusal');
    const validatePanics = panics.filter((p) => p.startsWith('Bad input data provided to validate_transaction')).length;
    assert.ok(validatePanics >= runtimeDecodeAnswers, `${runtimeDecodeAnswers} 1002 answers, ${validatePanics} decode panics logged`);
    assert.doesNotMatch(log, /Essential task .* failed|Thread '.*' panicked/);
    console.log(`  node log: ${validatePanics} validate_transaction decode refusals in all (${runtimeDecodeAnswers} 1002 answers), no other panic`);
    observed(`burst of ${BURST_TOTAL} invalid transactions`, `all refused in ${(durationMs / 1000).toFixed(1)} s (${rate.toFixed(0)} tx/s); +${produced} blocks, +${end.finalized - mark.finalized} finalized during it`);
  });
});
