// Submit a burst of pre-signed extrinsics over JSON-RPC and measure, from the chain
// itself, what became of each: in which block it was included, whether its dispatch
// failed (and with which error), how fast blocks filled, why each block's production
// stopped (from the node log), and when the last one was finalized.

import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

import { dispatchErrorName } from '../../testkit/src/chain.js';
import { runConcurrent } from './rpc.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Follows best and finalized heads for the whole run, with the local time each was first
 * seen (performance.now() ms).
 */
export class HeadTracker {
  constructor(api) {
    this.api = api;
    this.best = new Map(); // number -> { hash, seenAt }
    this.bestNumber = 0;
    this.finalized = []; // [{ number, hash, at, bestNumber }]
    this.waiters = [];
  }

  async start() {
    this.unsubs = [
      await this.api.rpc.chain.subscribeNewHeads((h) => {
        const number = h.number.toNumber();
        if (!this.best.has(number) || this.best.get(number).hash !== h.hash.toHex()) {
          this.best.set(number, { hash: h.hash.toHex(), seenAt: performance.now() });
        }
        this.bestNumber = Math.max(this.bestNumber, number);
        this.wake();
      }),
      await this.api.rpc.chain.subscribeFinalizedHeads((h) => {
        this.finalized.push({ number: h.number.toNumber(), hash: h.hash.toHex(), at: performance.now(), bestNumber: this.bestNumber });
        this.wake();
      }),
    ];
    return this;
  }

  wake() {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((r) => r());
  }

  /** Resolve at the next head event or after `ms`. */
  next(ms = 1000) {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** The first finalized notification with number >= n, waiting up to `timeoutMs`. */
  async finalizedAtLeast(n, timeoutMs = 120_000) {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const f = this.finalized.find((x) => x.number >= n);
      if (f) return f;
      if (performance.now() > deadline) return null;
      await this.next(1000);
    }
  }

  stop() {
    (this.unsubs || []).forEach((u) => u());
  }
}

/**
 * Parse the node log (from byte `offset`) for the proposer's lines:
 *   "🎁 Prepared block for proposing at 12 (73 ms) hash: 0xPRE; parent_hash: …; end: HitBlockWeightLimit; extrinsics_count: 988"
 *   "🔖 Pre-sealed block for proposal at 12. Hash now 0xPOST, previously 0xPRE."
 * Returns Map(block hash after sealing -> { number, buildMs, end, extrinsicsCount }).
 */
export function parseProposerLog(logPath, offset) {
  let text = '';
  try {
    const fd = fs.openSync(logPath, 'r');
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(Math.max(0, size - offset));
    fs.readSync(fd, buf, 0, buf.length, offset);
    fs.closeSync(fd);
    text = buf.toString('utf8');
  } catch {
    return new Map();
  }
  const prepared = new Map(); // pre-seal hash -> info
  const out = new Map();
  const rePrepared = /Prepared block for proposing at (\d+) \((\d+) ms\) hash: (0x[0-9a-f]+); parent_hash: \S+; end: (\w+); extrinsics_count: (\d+)/;
  const reSealed = /Pre-sealed block for proposal at (\d+)\. Hash now (0x[0-9a-f]+), previously (0x[0-9a-f]+)/;
  for (const line of text.split('\n')) {
    let m = rePrepared.exec(line);
    if (m) {
      prepared.set(m[3], { number: Number(m[1]), buildMs: Number(m[2]), end: m[4], extrinsicsCount: Number(m[5]) });
      continue;
    }
    m = reSealed.exec(line);
    if (m && prepared.has(m[3])) out.set(m[2], prepared.get(m[3]));
  }
  return out;
}

/** Count log lines matching `re` from byte `offset` (e.g. txpool warnings). */
export function grepLog(logPath, offset, re) {
  try {
    const fd = fs.openSync(logPath, 'r');
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(Math.max(0, size - offset));
    fs.readSync(fd, buf, 0, buf.length, offset);
    fs.closeSync(fd);
    return buf.toString('utf8').split('\n').filter((l) => re.test(l));
  } catch {
    return [];
  }
}

const count = (map, key) => map.set(key, (map.get(key) || 0) + 1);

/**
 * Submit `txs` ([{ hex }], pre-signed, in submission order) and follow them to inclusion.
 *
 * @param {object} ctx { api, rpc: RpcPool, heads: HeadTracker, logPath }
 * @param {object} opts { inFlight, idleBlocks, timeoutMs, collectEvents, checkSudo, label, quiet }
 * @returns the burst's report (see README: "JSON result").
 */
export async function runBurst(ctx, txs, opts = {}) {
  const { api, rpc, heads, logPath } = ctx;
  const inFlight = opts.inFlight ?? 256;
  const idleBlocks = opts.idleBlocks ?? 4;
  const timeoutMs = opts.timeoutMs ?? 15 * 60_000;
  const label = opts.label ?? 'burst';
  const log = opts.quiet ? () => {} : (m) => console.error(`[${label}] ${m}`);

  const byHex = new Map(txs.map((t, i) => [t.hex, i]));
  if (byHex.size !== txs.length) throw new Error(`${label}: ${txs.length - byHex.size} duplicate extrinsics`);
  const state = txs.map(() => ({ accepted: null, error: null, block: null, index: null }));

  const logOffset = (() => {
    try {
      return fs.statSync(logPath).size;
    } catch {
      return 0;
    }
  })();
  const startBlock = Number((await rpc.send('chain_getHeader', [])).number);

  // --- scanner: reads every best block after startBlock, matches our extrinsics ---
  const blocks = new Map(); // number -> { number, hash, ours, extrinsics, bytes, seenAt }
  let scanned = startBlock;
  let included = 0;
  let submitDone = false;
  let submitEndedAt = null;
  let idleRun = 0;
  let scanError = null;
  const scanOne = async (n) => {
    const hash = await rpc.send('chain_getBlockHash', [n]);
    const block = await rpc.send('chain_getBlock', [hash]);
    const exts = block.block.extrinsics;
    let ours = 0;
    let bytes = 0;
    exts.forEach((hex, index) => {
      bytes += (hex.length - 2) / 2;
      const i = byHex.get(hex);
      if (i !== undefined && state[i].block === null) {
        state[i].block = n;
        state[i].index = index;
        ours++;
      }
    });
    const seen = heads.best.get(n);
    blocks.set(n, { number: n, hash, ours, extrinsics: exts.length, bytes, seenAt: seen && seen.hash === hash ? seen.seenAt : performance.now() });
    included += ours;
    return ours;
  };
  const scanner = (async () => {
    const started = performance.now();
    for (;;) {
      if (performance.now() - started > timeoutMs) {
        log(`timeout after ${timeoutMs} ms`);
        return;
      }
      while (scanned < heads.bestNumber) {
        const n = scanned + 1;
        const ours = await scanOne(n);
        scanned = n;
        const seenAt = blocks.get(n).seenAt;
        if (submitDone && seenAt > submitEndedAt) idleRun = ours > 0 ? 0 : idleRun + 1;
        if (ours > 0) log(`#${n}: ${ours} included (${included}/${txs.length})`);
      }
      const accepted = state.filter((s) => s.accepted).length;
      if (submitDone && included >= accepted) return;
      if (submitDone && idleRun >= idleBlocks) return;
      await heads.next(1000);
    }
  })().catch((e) => {
    scanError = e;
  });

  // --- submission ---
  log(`submitting ${txs.length} extrinsics, ${inFlight} in flight`);
  const submitStart = performance.now();
  const submit = (i) => rpc.send('author_submitExtrinsic', [txs[i].hex]);
  const submitted = opts.perSender ? await runPerSender(txs, inFlight, submit) : await runConcurrent(txs.length, inFlight, submit);
  submitEndedAt = performance.now();
  const rejections = new Map();
  let lastAcceptedAt = submitStart;
  submitted.forEach((r, i) => {
    if (r.ok) {
      state[i].accepted = r.endedAt;
      lastAcceptedAt = Math.max(lastAcceptedAt, r.endedAt);
    } else {
      state[i].error = r.error.message;
      count(rejections, r.error.message.replace(/0x[0-9a-f]{16,}/g, '0x…'));
    }
  });
  submitDone = true;
  const acceptedCount = state.filter((s) => s.accepted).length;
  log(`submitted in ${((submitEndedAt - submitStart) / 1000).toFixed(2)} s: ${acceptedCount} accepted, ${txs.length - acceptedCount} rejected`);
  await scanner;
  if (scanError) throw scanError;

  // --- what was never included ---
  const notIncluded = state.map((s, i) => (s.accepted && s.block === null ? i : -1)).filter((i) => i >= 0);
  let stillInPool = 0;
  if (notIncluded.length) {
    try {
      const pending = new Set(await rpc.send('author_pendingExtrinsics', []));
      stillInPool = notIncluded.filter((i) => pending.has(txs[i].hex)).length;
    } catch {
      stillInPool = -1;
    }
  }

  // --- finality of the last inclusion ---
  const incBlocks = state.filter((s) => s.block !== null).map((s) => s.block);
  const firstBlock = incBlocks.length ? Math.min(...incBlocks) : null;
  const lastBlock = incBlocks.length ? Math.max(...incBlocks) : null;
  let finality = null;
  if (lastBlock !== null) {
    const f = await heads.finalizedAtLeast(lastBlock, opts.finalityTimeoutMs ?? 120_000);
    const inc = blocks.get(lastBlock);
    finality = f
      ? { ms: Math.round(f.at - inc.seenAt), blocksAfterInclusion: f.bestNumber - lastBlock, finalizedNumber: f.number }
      : { ms: null, blocksAfterInclusion: null, note: 'not finalized within the timeout' };
  }

  // --- per block: timestamp, weight, events ---
  const proposer = parseProposerLog(logPath, logOffset);
  const normalMax = api.consts.system.blockWeights.perClass.normal.maxTotal.unwrap().refTime.toBigInt();
  const failures = new Map();
  let succeeded = 0;
  const events = opts.collectEvents ? new Array(txs.length).fill(null) : null;
  const perBlock = [];
  if (firstBlock !== null) {
    for (let n = firstBlock - 1; n <= lastBlock; n++) {
      let b = blocks.get(n);
      if (!b) {
        const hash = await rpc.send('chain_getBlockHash', [n]);
        b = { number: n, hash, ours: 0, extrinsics: null, bytes: null, seenAt: null };
      }
      const at = await api.at(b.hash);
      b.timestamp = (await at.query.timestamp.now()).toNumber();
      if (n === firstBlock - 1) {
        perBlock.push({ ...b, before: true });
        continue;
      }
      const w = await at.query.system.blockWeight();
      b.weight = {
        normal: w.normal.refTime.toBigInt(),
        operational: w.operational.refTime.toBigInt(),
        mandatory: w.mandatory.refTime.toBigInt(),
        normalProof: w.normal.proofSize.toBigInt(),
      };
      b.normalPct = Number((b.weight.normal * 10000n) / normalMax) / 100;
      const p = proposer.get(b.hash);
      if (p) Object.assign(b, { buildMs: p.buildMs, end: p.end });
      if (b.ours > 0) {
        const byIndex = new Map();
        state.forEach((s, i) => {
          if (s.block === n) byIndex.set(s.index, i);
        });
        const evs = await at.query.system.events();
        for (const { phase, event } of evs) {
          if (!phase.isApplyExtrinsic) continue;
          const i = byIndex.get(phase.asApplyExtrinsic.toNumber());
          if (i === undefined) continue;
          if (events) (events[i] ??= []).push(event);
          if (event.section === 'system' && event.method === 'ExtrinsicFailed') {
            const name = dispatchErrorName(api, event.data[0]);
            state[i].failed = name;
            count(failures, name);
          } else if (event.section === 'system' && event.method === 'ExtrinsicSuccess') {
            succeeded++;
          } else if (opts.checkSudo && event.section === 'sudo' && event.method === 'Sudid' && event.data[0].isErr) {
            const name = `sudo:${dispatchErrorName(api, event.data[0].asErr)}`;
            state[i].failed = name;
            count(failures, name);
          }
        }
      }
      perBlock.push(b);
    }
  }

  const measured = perBlock.filter((b) => !b.before);
  const before = perBlock.find((b) => b.before);
  const last = measured.at(-1);
  const chainSeconds = last && before ? (last.timestamp - before.timestamp) / 1000 : null;
  const ends = new Map();
  measured.forEach((b) => count(ends, b.end ?? 'unknown'));
  const withOurs = measured.filter((b) => b.ours > 0);
  const sumBuildMs = withOurs.reduce((a, b) => a + (b.buildMs ?? 0), 0);
  const sumNormal = withOurs.reduce((a, b) => a + b.weight.normal, 0n);
  // Blocks whose production stopped at a resource limit (weight, size, deadline) are the
  // chain's capacity for this call; the burst's first and last blocks are usually partial.
  const LIMIT_ENDS = new Set(['HitBlockWeightLimit', 'HitBlockSizeLimit', 'HitDeadline', 'TooManyFailures']);
  let fullOurs = 0;
  let fullMs = 0;
  let fullBlocks = 0;
  measured.forEach((b, k) => {
    if (!LIMIT_ENDS.has(b.end)) return;
    const prev = k === 0 ? before : measured[k - 1];
    fullOurs += b.ours;
    fullMs += b.timestamp - prev.timestamp;
    fullBlocks++;
  });

  const report = {
    n: txs.length,
    accepted: acceptedCount,
    rejected: txs.length - acceptedCount,
    rejections: Object.fromEntries(rejections),
    included,
    notIncluded: notIncluded.length,
    notIncludedInReadyQueue: stillInPool,
    succeeded,
    failed: [...failures.values()].reduce((a, b) => a + b, 0),
    failures: Object.fromEntries(failures),
    submit: {
      seconds: round((submitEndedAt - submitStart) / 1000, 3),
      acceptedPerSecond: round(acceptedCount / Math.max(1e-9, (lastAcceptedAt - submitStart) / 1000), 0),
    },
    startBlock,
    firstBlock,
    lastBlock,
    blocks: firstBlock === null ? 0 : lastBlock - firstBlock + 1,
    chainSeconds,
    includedPerSecond: chainSeconds ? round(included / chainSeconds, 1) : null,
    fullBlocks,
    fullBlockPerSecond: fullMs > 0 ? round(fullOurs / (fullMs / 1000), 1) : null,
    wallSeconds: last ? round((last.seenAt - submitStart) / 1000, 2) : null,
    includedPerSecondWall: last ? round(included / ((last.seenAt - submitStart) / 1000), 1) : null,
    perBlockMean: withOurs.length ? round(included / withOurs.length, 1) : null,
    perBlockMax: withOurs.length ? Math.max(...withOurs.map((b) => b.ours)) : null,
    endReasons: Object.fromEntries(ends),
    buildMsPerExtrinsic: withOurs.length && sumBuildMs ? round(sumBuildMs / included, 3) : null,
    weightMsPerExtrinsic: withOurs.length ? round(Number(sumNormal / BigInt(included)) / 1e9, 3) : null,
    finality,
    perBlock: measured.map((b) => ({
      number: b.number,
      timestamp: b.timestamp,
      ours: b.ours,
      extrinsics: b.extrinsics,
      bytes: b.bytes,
      normalWeightMs: round(Number(b.weight.normal) / 1e9, 2),
      normalWeightPct: b.normalPct,
      mandatoryWeightMs: round(Number(b.weight.mandatory) / 1e9, 2),
      normalProofSize: Number(b.weight.normalProof),
      buildMs: b.buildMs ?? null,
      end: b.end ?? null,
    })),
  };
  if (events) report.events = events;
  report.state = state;
  return report;
}

/**
 * Submit with at most `inFlight` requests pending, but never two of one signer at once:
 * a signer's next nonce is sent only when the previous one was answered, so the pool
 * never sees a nonce before its predecessor (nothing waits in its future queue).
 */
async function runPerSender(txs, inFlight, fn) {
  const results = new Array(txs.length);
  const queues = new Map();
  txs.forEach((t, i) => queues.set(t.signer, [...(queues.get(t.signer) ?? []), i]));
  let free = inFlight;
  const waiting = [];
  const acquire = () => (free > 0 ? (free--, Promise.resolve()) : new Promise((r) => waiting.push(r)));
  const release = () => (waiting.length ? waiting.shift()() : free++);
  await Promise.all(
    [...queues.values()].map(async (q) => {
      for (const i of q) {
        await acquire();
        const startedAt = performance.now();
        try {
          results[i] = { ok: true, value: await fn(i), startedAt, endedAt: performance.now() };
        } catch (error) {
          results[i] = { ok: false, error, startedAt, endedAt: performance.now() };
        } finally {
          release();
        }
      }
    }),
  );
  return results;
}

function round(x, d) {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

export { sleep, dispatchErrorName };
