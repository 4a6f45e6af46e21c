#!/usr/bin/env node
// MedChain throughput benchmark. See README.md for what it measures and how
// to read the output.
//
//   npm --prefix tests/bench ci
//   MEDCHAIN_NODE=/path/to/medchain-node npm --prefix tests/bench run bench -- --n 6000

import './lib/quiet.js';

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { Keyring } from '@polkadot/keyring';
import { u8aConcat, u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import * as polkadotApi from '@polkadot/api';

import { nodeBinary } from '../testkit/src/binaries.js';
import { startNode } from '../testkit/src/node.js';
import { GENERIC_SS58, MEDCHAIN_SS58, ss58Decode, ss58Reencode } from '../testkit/src/ss58.js';
import { HeadTracker, grepLog, runBurst } from './lib/burst.js';
import { RpcPool, runConcurrent } from './lib/rpc.js';
import { WORKLOADS, buildCalls, planWorkloads, setupWorkloads } from './lib/workloads.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

const USAGE = `usage: npm --prefix tests/bench run bench -- [options]

  --n N                    extrinsics per workload (default 2000)
  --workloads a,b,...      subset of ${WORKLOADS.join(',')} (default: all; transfer always runs first)
  --signers S              signer accounts per workload (default 64; grant_consent is signed by
                           ceil(N / grants-per-patient) patients instead)
  --in-flight K            author_submitExtrinsic requests in flight (default 256)
  --connections C          WebSocket connections used for submission and queries (default 4)
  --idle-blocks B          stop waiting for inclusion after B blocks without one of ours (default 4)
  --records-per-patient R  anchor_record: records per patient, i.e. N/R patients (default 10)
  --patient-consents C     anchor_record: consents each patient holds, the Write one last (default 1, max 19)
  --grants-per-patient G   grant_consent: grants per patient (default 10, max: the fee-less quota)
  --commits-per-trial T    commit_data: commits per trial (default 1000 = MaxCommits)
  --queries Q              runtime-API queries per method with --query-in-flight in flight (default 20000; 0 = skip)
  --query-in-flight F      (default 64)
  --latency-queries L      sequential single-client queries per method for p50 (default 2000)
 --submit-order O         nonce (default: round-robin over signers in nonce order) or shuffled (random
                           order: later nonces often arrive first and wait in the pool's future queue)
  --node-arg ARG           extra medchain-node argument (repeatable), e.g. --node-arg=--pool-limit=16384
  --out FILE               JSON result file (default tests/bench/results/<UTC time>.json)
  --allow-loss             exit 0 even if transactions were rejected, lost or failed
  -h, --help`;

function parseOptions() {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '2000' },
      workloads: { type: 'string', default: WORKLOADS.join(',') },
      signers: { type: 'string', default: '64' },
      'in-flight': { type: 'string', default: '256' },
      connections: { type: 'string', default: '4' },
      'idle-blocks': { type: 'string', default: '4' },
      'records-per-patient': { type: 'string', default: '10' },
      'patient-consents': { type: 'string', default: '1' },
      'grants-per-patient': { type: 'string', default: '10' },
      'commits-per-trial': { type: 'string', default: '1000' },
      queries: { type: 'string', default: '20000' },
      'query-in-flight': { type: 'string', default: '64' },
      'latency-queries': { type: 'string', default: '2000' },
      'node-arg': { type: 'string', multiple: true, default: [] },
      'submit-order': { type: 'string', default: 'nonce' },
      out: { type: 'string' },
      'allow-loss': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (k, min = 1) => {
    const v = Number(values[k]);
    if (!Number.isInteger(v) || v < min) throw new Error(`--${k} must be an integer >= ${min}, got ${values[k]}`);
    return v;
  };
  const selected = values.workloads.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of selected) if (!WORKLOADS.includes(s)) throw new Error(`unknown workload '${s}' (have: ${WORKLOADS.join(', ')})`);
  const workloads = ['transfer', ...WORKLOADS.filter((x) => x !== 'transfer' && selected.includes(x))];
  const opts = {
    n: int('n'),
    workloads,
    signers: int('signers'),
    inFlight: int('in-flight'),
    connections: int('connections'),
    idleBlocks: int('idle-blocks'),
    recordsPerPatient: int('records-per-patient'),
    patientConsents: int('patient-consents'),
    grantsPerPatient: int('grants-per-patient'),
    commitsPerTrial: int('commits-per-trial'),
    queries: int('queries', 0),
    queryInFlight: int('query-in-flight'),
    latencyQueries: int('latency-queries', 0),
    nodeArgs: values['node-arg'],
    submitOrder: values['submit-order'],
    out: values.out,
    allowLoss: values['allow-loss'],
  };
  if (!['nonce', 'per-sender', 'shuffled'].includes(opts.submitOrder)) throw new Error('--submit-order is nonce, per-sender or shuffled');
  if (opts.patientConsents > 19) throw new Error('--patient-consents is at most 19 (the fee-less quota is 20 per hour)');
  if (opts.recordsPerPatient > 4096) throw new Error('--records-per-patient is at most 4096 (MaxRecordsPerAuthor)');
  return opts;
}

const fmt = (x, d = 0) => (x === null || x === undefined ? '-' : Number(x).toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d }));

function uptime() {
  try {
    return execFileSync('uptime', [], { encoding: 'utf8' }).trim();
  } catch {
    return `load average: ${os.loadavg().map((x) => x.toFixed(2)).join(', ')}`;
  }
}

function gitCommit() {
  try {
    const head = execFileSync('git', ['-C', HERE, 'rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['-C', HERE, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    return null;
  }
}

/** Sign `plan` ([{ pair, call }]) with explicit nonces (immortal era): no RPC while signing but one nonce read per signer. */
async function presign(api, rpc, plan) {
  const nonces = new Map();
  const addresses = [...new Set(plan.map((p) => p.pair.address))];
  const got = await runConcurrent(addresses.length, 64, async (i) => {
    // The node's RPC only parses SS58 formats it knows (not MedChain's 4242): ask with prefix 42.
    nonces.set(addresses[i], Number(await rpc.send('system_accountNextIndex', [ss58Reencode(addresses[i], GENERIC_SS58)])));
  });
  const failed = got.find((r) => !r.ok);
  if (failed) throw new Error(`system_accountNextIndex: ${failed.error.message}`);
  const out = new Array(plan.length);
  for (let i = 0; i < plan.length; i++) {
    const { pair, call } = plan[i];
    const nonce = nonces.get(pair.address);
    nonces.set(pair.address, nonce + 1);
    const signed = await call.signAsync(pair, { nonce, era: 0 });
    out[i] = { hex: signed.toHex(), signer: pair.address, nonce };
  }
  return out;
}

/** The node's transaction-pool counters (Prometheus), summed over labels. */
async function poolMetrics(port) {
  const out = {};
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const line of text.split('\n')) {
      const m = /^(substrate_sub_txpool_\w+?|substrate_ready_transactions_number|rpc_transaction_\w+?_count)(\{[^}]*\})? (\S+)$/.exec(line);
      if (!m || m[1].endsWith('_bucket') || m[1].endsWith('_sum')) continue;
      out[m[1]] = (out[m[1]] ?? 0) + Number(m[3]);
    }
  } catch {
    /* metrics are a diagnosis aid only */
  }
  return out;
}

/** Counter deltas (and gauges' last values), only what changed. */
function diffMetrics(before, after) {
  const out = {};
  for (const [k, v] of Object.entries(after)) {
    const d = /views|number|_len$/.test(k) ? v : v - (before[k] ?? 0);
    if (d) out[k.replace(/^substrate_sub_txpool_/, '')] = d;
  }
  return out;
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** state_call `method` with `data`: throughput with `inFlight` pending, then sequential latency. */
async function queryBench(rpc, method, data, opts) {
  const out = { method };
  // warm-up
  await runConcurrent(200, 16, () => rpc.send('state_call', [method, data]));
  if (opts.queries > 0) {
    const t0 = performance.now();
    const r = await runConcurrent(opts.queries, opts.queryInFlight, () => rpc.send('state_call', [method, data]));
    const secs = (performance.now() - t0) / 1000;
    out.inFlight = opts.queryInFlight;
    out.queries = opts.queries;
    out.errors = r.filter((x) => !x.ok).length;
    out.perSecond = Math.round(opts.queries / secs);
  }
  if (opts.latencyQueries > 0) {
    const lat = [];
    const single = new RpcPool(rpc.url, 1);
    await single.open();
    for (let i = 0; i < opts.latencyQueries; i++) {
      const t = performance.now();
      await single.send('state_call', [method, data]);
      lat.push(performance.now() - t);
    }
    single.close();
    lat.sort((a, b) => a - b);
    out.latency = { n: lat.length, p50Ms: +percentile(lat, 50).toFixed(3), p95Ms: +percentile(lat, 95).toFixed(3), p99Ms: +percentile(lat, 99).toFixed(3) };
  }
  return out;
}

function printTable(results, baseline) {
  const rows = [
    ['workload', 'n', 'accepted', 'included', 'lost', 'failed', 'blocks', 'incl/s', 'x transfer', 'full-block/s', 'x transfer', 'per block', 'max/block', 'normal wt %', 'wt ms/tx', 'build ms/tx', 'end reasons', 'final ms', 'final blks'],
  ];
  for (const [name, r] of Object.entries(results)) {
    const wt = r.perBlock.filter((b) => b.ours > 0);
    const meanPct = wt.length ? wt.reduce((a, b) => a + b.normalWeightPct, 0) / wt.length : null;
    rows.push([
      name,
      fmt(r.n),
      fmt(r.accepted),
      fmt(r.included),
      fmt(r.notIncluded),
      fmt(r.failed),
      fmt(r.blocks),
      fmt(r.includedPerSecond, 1),
      r.ratioToTransfer?.toFixed(2) ?? '-',
      fmt(r.fullBlockPerSecond, 1),
      r.fullBlockRatioToTransfer?.toFixed(2) ?? '-',
      fmt(r.perBlockMean, 1),
      fmt(r.perBlockMax),
      fmt(meanPct, 1),
      fmt(r.weightMsPerExtrinsic, 3),
      fmt(r.buildMsPerExtrinsic, 3),
      Object.entries(r.endReasons).map(([k, v]) => `${k}:${v}`).join(' '),
      fmt(r.finality?.ms),
      fmt(r.finality?.blocksAfterInclusion),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((v, c) => (c === 0 || c === 16 ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

async function main() {
  const opts = parseOptions();
  await cryptoWaitReady();
  const started = new Date();
  const run = started.toISOString().replace(/[-:TZ.]/g, '').slice(2, 14); // yymmddhhmmss: unique keys per run
  const loadBefore = uptime();
  console.error(`[bench] ${loadBefore}`);
  console.error(`[bench] node binary: ${nodeBinary()}`);

  const node = await startNode({ polkadot: polkadotApi, logPrefix: 'medchain-bench', extraArgs: opts.nodeArgs, startupTimeoutMs: 120_000 });
  let exitCode = 0;
  const rpc = new RpcPool(node.wsUrl, opts.connections);
  let heads;
  try {
    const { api } = node;
    await rpc.open();
    heads = await new HeadTracker(api).start();
    console.error(`[bench] node pid ${node.pid}, ${node.wsUrl}, log ${node.logPath}`);
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? MEDCHAIN_SS58 });
    const dev = Object.fromEntries(['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'].map((n) => [n.toLowerCase(), keyring.addFromUri(`//${n}`)]));
    dev.orgs = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie', '//Alice//stash', '//Bob//stash'].map((u) => keyring.addFromUri(u));
    const unit = 10n ** BigInt(api.registry.chainDecimals[0] ?? 12);
    const existentialDeposit = api.consts.balances.existentialDeposit.toBigInt();
    const freeQuota = api.consts.patientIdentity?.freeCallsPerWindow?.toNumber?.() ?? 20;
    if (opts.grantsPerPatient > freeQuota) throw new Error(`--grants-per-patient is at most the fee-less quota, ${freeQuota}`);
    const ctx = { api, rpc, heads, logPath: node.logPath, keyring, dev, unit, existentialDeposit, run };

    const exec = async (label, plan) => {
      const txs = await presign(api, rpc, plan);
      const r = await runBurst(ctx, txs, { label, inFlight: opts.inFlight, idleBlocks: opts.idleBlocks, collectEvents: true, checkSudo: true, quiet: true });
      if (r.rejected || r.notIncluded || r.failed) {
        throw new Error(`${label}: ${r.rejected} rejected ${JSON.stringify(r.rejections)}, ${r.notIncluded} not included, ${r.failed} failed ${JSON.stringify(r.failures)}`);
      }
      return r;
    };
    // utility.batchAll chunks that use at most half of the normal class's extrinsic limit.
    const maxExtrinsic = api.consts.system.blockWeights.perClass.normal.maxExtrinsic.unwrap().refTime.toBigInt();
    const weightCache = new Map();
    const batch = async (pair, calls) => {
      const out = [];
      let chunk = [];
      let weight = 0n;
      for (const call of calls) {
        const key = `${call.method.section}.${call.method.method}`;
        if (!weightCache.has(key)) {
          const info = await api.call.transactionPaymentCallApi.queryCallInfo(call, call.encodedLength);
          weightCache.set(key, info.weight.refTime.toBigInt());
        }
        const w = weightCache.get(key);
        if (chunk.length && (weight + w > maxExtrinsic / 2n || chunk.length >= 1000)) {
          out.push({ pair, call: api.tx.utility.batchAll(chunk) });
          chunk = [];
          weight = 0n;
        }
        chunk.push(call);
        weight += w;
      }
      if (chunk.length) out.push({ pair, call: api.tx.utility.batchAll(chunk) });
      return out;
    };

    const w = planWorkloads(ctx, opts.workloads, opts);
    const tSetup = performance.now();
    await setupWorkloads(ctx, w, opts, exec, batch);
    const setupSeconds = (performance.now() - tSetup) / 1000;
    console.error(`[bench] setup done in ${setupSeconds.toFixed(1)} s`);

    const results = {};
    const weights = {};
    for (const name of opts.workloads) {
      const plan = buildCalls(ctx, w, name, opts.n);
      const t0 = performance.now();
      const txs = await presign(api, rpc, plan);
      if (opts.submitOrder === 'shuffled') {
        for (let i = txs.length - 1; i > 0; i--) {
          const j = Math.floor(Math.random() * (i + 1));
          [txs[i], txs[j]] = [txs[j], txs[i]];
        }
      }
      console.error(`[${name}] ${txs.length} extrinsics pre-signed by ${new Set(txs.map((t) => t.signer)).size} accounts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const info = await api.call.transactionPaymentCallApi.queryCallInfo(plan[0].call, (txs[0].hex.length - 2) / 2);
      weights[name] = { refTimeMs: Number(info.weight.refTime.toBigInt()) / 1e9, lengthBytes: (txs[0].hex.length - 2) / 2, partialFee: info.partialFee.toString() };
      const logOffset = fs.statSync(node.logPath).size;
      const poolBefore = await poolMetrics(node.ports.prometheus);
      const r = await runBurst(ctx, txs, { label: name, inFlight: opts.inFlight, idleBlocks: opts.idleBlocks, perSender: opts.submitOrder === 'per-sender' });
      r.txpoolMetrics = diffMetrics(poolBefore, await poolMetrics(node.ports.prometheus));
      r.poolLogLines = grepLog(node.logPath, logOffset, /txpool|transaction-pool|WARN|ERROR/).slice(0, 50);
      r.weight = weights[name];
      if (r.notIncluded) {
        const lost = r.state.map((s, i) => (s.accepted && s.block === null ? txs[i] : null)).filter(Boolean);
        const bySigner = new Map();
        lost.forEach((t) => bySigner.set(t.signer, [...(bySigner.get(t.signer) ?? []), t.nonce]));
        r.lostBySigner = Object.fromEntries([...bySigner].map(([k, v]) => [k, { count: v.length, nonces: [Math.min(...v), Math.max(...v)] }]));
      }
      delete r.state;
      results[name] = r;
      console.error(
        `[${name}] ${r.included}/${r.n} included in ${r.blocks} blocks, ${fmt(r.includedPerSecond, 1)}/s (chain time), ` +
          `${r.rejected} rejected, ${r.notIncluded} accepted but not included, ${r.failed} failed` +
          (r.failed ? ` ${JSON.stringify(r.failures)}` : '') +
          (r.rejected ? ` ${JSON.stringify(r.rejections)}` : ''),
      );
    }

    // Runtime-API queries.
    const queries = [];
    if (opts.queries > 0 || opts.latencyQueries > 0) {
      let recordId = u8aToHex(new Uint8Array(32).fill(7));
      let contentHash = u8aToHex(new Uint8Array(32).fill(9));
      let patient = dev.alice.address;
      let known = false;
      if (w.anchor_record) {
        patient = w.anchor_record.patients[0].address;
        const recs = await api.call.healthRecordsApi.recordsOf(patient, 0, 1);
        if (recs.length) {
          const [id, recInfo] = recs[0];
          recordId = id.toHex();
          contentHash = (recInfo.contentHash ?? recInfo.get('contentHash')).toHex();
          known = true;
        }
      }
      const verifyData = u8aToHex(u8aConcat(recordId, contentHash));
      const category = api.createType('MedchainPrimitivesRecordCategory', 'LabResults').toU8a();
      const purpose = api.createType('MedchainPrimitivesPurpose', 'Treatment').toU8a();
      const hasAccessData = u8aToHex(u8aConcat(ss58Decode(patient).publicKey, ss58Decode(dev.alice.address).publicKey, category, purpose, new Uint8Array([1])));
      // Check the raw encoding against polkadot.js' own call once.
      const viaApi = (await api.call.consentApi.hasAccess(patient, dev.alice.address, 'LabResults', 'Treatment', true)).toJSON();
      const raw = await rpc.send('state_call', ['ConsentApi_has_access', hasAccessData]);
      console.error(`[queries] verifyRecord on ${known ? 'an anchored record' : 'an unknown record id'}; hasAccess(patient, St. Mary's, LabResults, Treatment, write) = ${viaApi} (raw ${raw})`);
      queries.push({ call: 'healthRecordsApi.verifyRecord', knownRecord: known, ...(await queryBench(rpc, 'HealthRecordsApi_verify_record', verifyData, opts)) });
      queries.push({ call: 'consentApi.hasAccess', answer: viaApi, ...(await queryBench(rpc, 'ConsentApi_has_access', hasAccessData, opts)) });
    }

    // Report.
    const baseline = results.transfer?.includedPerSecond ?? null;
    const fullBaseline = results.transfer?.fullBlockPerSecond ?? null;
    for (const r of Object.values(results)) {
      r.ratioToTransfer = baseline && r.includedPerSecond ? +(r.includedPerSecond / baseline).toFixed(3) : null;
      r.fullBlockRatioToTransfer = fullBaseline && r.fullBlockPerSecond ? +(r.fullBlockPerSecond / fullBaseline).toFixed(3) : null;
    }
    const loadAfter = uptime();
    const nodeVersion = await rpc.send('system_version', []);
    const out = {
      tool: 'tests/bench/bench.js',
      startedAt: started.toISOString(),
      command: `npm --prefix tests/bench run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      options: opts,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), loadBefore, loadAfter },
      node: { binary: nodeBinary(), version: nodeVersion, args: node.args, log: node.logPath, specVersion: api.runtimeVersion.specVersion.toNumber() },
      repository: gitCommit(),
      setupSeconds: +setupSeconds.toFixed(1),
      blockWeights: { normalMaxTotalMs: Number(api.consts.system.blockWeights.perClass.normal.maxTotal.unwrap().refTime.toBigInt()) / 1e9 },
      workloads: results,
      queries,
    };
    const file = opts.out ? path.resolve(opts.out) : path.join(HERE, 'results', `${started.toISOString().replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(out, (k, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n');

    console.log(`\nMedChain throughput, N = ${opts.n} per workload, node ${nodeVersion}, ${os.cpus().length} CPUs`);
    console.log(`load before: ${loadBefore}\nload after:  ${loadAfter}\n`);
    printTable(results, baseline);
    if (queries.length) {
      console.log('\nruntime-API queries (state_call)');
      for (const q of queries) {
        console.log(`  ${q.call.padEnd(30)} ${fmt(q.perSecond)}/s with ${q.inFlight ?? '-'} in flight (${q.errors ?? 0} errors); single client p50 ${q.latency?.p50Ms ?? '-'} ms, p95 ${q.latency?.p95Ms ?? '-'} ms, p99 ${q.latency?.p99Ms ?? '-'} ms`);
      }
    }
    console.log(`\nresult: ${file}\nnode log: ${node.logPath}`);

    const bad = Object.entries(results).filter(([, r]) => r.rejected || r.notIncluded || r.failed);
    if (bad.length) {
      console.log('\nFAILED:');
      for (const [name, r] of bad) {
        console.log(
          `  ${name}: ${r.rejected} rejected by RPC ${JSON.stringify(r.rejections)}; ${r.notIncluded} accepted but never included ` +
            `(${r.notIncludedInReadyQueue} of them still in the ready queue); ${r.failed} failed dispatch ${JSON.stringify(r.failures)}`,
        );
        if (r.notIncluded) {
          const m = r.txpoolMetrics;
          console.log(`    node txpool during the burst: ${m.timing_event_dropped_count ?? 0} Dropped events, ${m.timing_event_future_count ?? 0} Future events, ${m.timing_event_invalid_count ?? 0} Invalid events (all counters in the JSON: txpoolMetrics)`);
          console.log(`    never-included by signer (count, nonce range): ${JSON.stringify(r.lostBySigner)}`);
        }
      }
      if (!opts.allowLoss) exitCode = 1;
    }
  } finally {
    if (heads) heads.stop();
    rpc.close();
    await node.stop();
  }
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[bench] ${err.stack || err.message}`);
    process.exit(2);
  },
);
