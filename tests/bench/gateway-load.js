// Load benchmark of the record gateway: authorized fetches of a 10 KB FHIR document.
//
//   npm --prefix tests/bench run gateway-load -- [--seconds 20] [--connections 16] [--threads 2]
//
// Starts a fresh dev node and St. Mary's gateway, makes a patient whose 10 KB lab report the
// gateway anchors, lets Lakeside's doctor read it (consent + Consent.log_access), pre-signs
// one request per fetch with `medchain-gateway sign --count` (every request has its own nonce:
// the gateway refuses replays), then drives `wrk` (Debian's wrk 4.1) with a Lua script that
// sends each signed request once. Reports wrk's throughput and latency percentiles, non-200
// answers, and the gateway's own split of the time (/v1/metrics: signature check, best-block
// query, consent decision, store read, decryption, hashing). Writes the report to
// tests/bench/results/gateway-<date>.json.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, randomAsHex } from '@polkadot/util-crypto';

import { signAndWait, startNode, sudoAndWait } from '../e2e/lib/node.js';
import { gatewayBinary, startGateway } from '../e2e/lib/gateway.js';
import { findEvent, toNumber } from '../e2e/lib/values.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const SECONDS = opt('seconds', 20);
const CONNECTIONS = opt('connections', 16);
const THREADS = opt('threads', 2);
const MAX_RATE = opt('max-rate', 15000); // pre-signed requests per second of the run
const UNIT = 10n ** 12n;
const here = fileURLToPath(new URL('.', import.meta.url));

/** A FHIR Observation of about `bytes` bytes of canonical JSON. */
function document(bytes) {
  const base = {
    resourceType: 'Observation',
    id: 'cbc-load',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '58410-2', display: 'CBC panel - Blood by Automated count' }] },
    effectiveDateTime: '2026-12-01T08:30:00Z',
    component: [],
  };
  let i = 0;
  while (JSON.stringify(base).length < bytes) {
    base.component.push({
      code: { coding: [{ system: 'http://loinc.org', code: `${7000 + i}-${i % 10}`, display: `Analyte ${i}` }] },
      valueQuantity: { value: 100 + i, unit: 'g/L', system: 'http://unitsofmeasure.org', code: 'g/L' },
    });
    i += 1;
  }
  return base;
}

const LUA = `
-- Each signed request is sent once: lines are split between threads by index.
local counter = 0
local threads = {}
function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end
function init(args)
  nthreads = tonumber(args[2])
  lines = {}
  local n = 0
  for line in io.lines(args[1]) do
    if n % nthreads == id then table.insert(lines, line) end
    n = n + 1
  end
  i = 0
end
function request()
  i = i + 1
  local line = lines[i]
  if line == nil then line = lines[#lines] end
  local account, ts, nonce, sig = line:match("([^\\t]+)\\t([^\\t]+)\\t([^\\t]+)\\t([^\\t]+)")
  wrk.headers["x-medchain-account"] = account
  wrk.headers["x-medchain-timestamp"] = ts
  wrk.headers["x-medchain-nonce"] = nonce
  wrk.headers["x-medchain-signature"] = sig
  return wrk.format("GET", path)
end
`;

async function main() {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (e) {
    if (e.code === 'ENOENT') throw new Error('wrk is not installed: apt-get install wrk (Debian/Ubuntu)');
  }
  const dir = mkdtempSync(join(tmpdir(), 'medchain-gateway-load-'));
  const node = await startNode();
  const { api } = node;
  let gw = null;
  try {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
    const tag = randomAsHex(4).slice(2);
    const alice = keyring.addFromUri('//Alice');
    const gatewayKey = keyring.addFromUri(`//Alice//gateway-${tag}`);
    const lakeside = keyring.addFromUri(`//Lakeside-${tag}`);
    const doctor = keyring.addFromUri(`//Lakeside-${tag}//doctor`);
    const patient = keyring.addFromUri(`//LoadPatient-${tag}`);
    await signAndWait(api, api.tx.balances.transferKeepAlive(lakeside.address, 1000n * UNIT), alice);
    await sudoAndWait(api, api.tx.consortium.registerOrganization(lakeside.address, 'Lakeside Hospital', 1), alice);
    await signAndWait(api, api.tx.consortium.addStaff(gatewayKey.address), alice);
    await signAndWait(api, api.tx.balances.transferKeepAlive(gatewayKey.address, 100n * UNIT), alice);
    await signAndWait(api, api.tx.consortium.addStaff(doctor.address), lakeside);
    await signAndWait(api, api.tx.balances.transferKeepAlive(doctor.address, 10n * UNIT), lakeside);
    await signAndWait(api, api.tx.patientIdentity.onboardPatient(patient.address, randomAsHex(32)), alice);
    await signAndWait(api, api.tx.consent.grantConsent(alice.address, { categories: 16, access: { read: true, write: true } }, 'Treatment', null), patient);
    const granted = await signAndWait(api, api.tx.consent.grantConsent(lakeside.address, { categories: 16, access: { read: true, write: false } }, 'Treatment', null), patient);
    const consentId = toNumber(findEvent(granted.events, 'consent', 'ConsentGranted').consentId);

    // Plain http (--insecure-http), as the numbers in docs/BENCHMARKS.md were measured.
    gw = await startGateway({ nodeWs: node.wsUrl, suri: `//Alice//gateway-${tag}`, dataDir: join(dir, 'gw'), extraArgs: ['--upload-wait-secs', '120'], tls: false });
    const doc = document(10 * 1024);
    const up = await gw.request('POST', `/v1/records?patient=${patient.address}&category=LabResults`, { pair: gatewayKey, body: JSON.stringify(doc) });
    assert.equal(up.status, 201, up.text);
    const recordId = up.json.record_id;
    await signAndWait(api, api.tx.consent.logAccess(patient.address, consentId, recordId, 'LabResults'), doctor);
    const probe = await gw.request('GET', `/v1/records/${recordId}`, { pair: doctor });
    assert.equal(probe.status, 200, probe.text);
    const docBytes = probe.bytes.length;

    const path = `/v1/records/${recordId}`;
    const count = SECONDS * MAX_RATE;
    const signStart = Date.now();
    const signed = execFileSync(
      gatewayBinary(),
      ['sign', '--audience', gw.info.audience, '--path', path, '--count', String(count)],
      { env: { ...process.env, MEDCHAIN_SURI: `//Lakeside-${tag}//doctor` }, maxBuffer: 1 << 30 },
    );
    const signMs = Date.now() - signStart;
    const linesFile = join(dir, 'signed.tsv');
    writeFileSync(linesFile, signed);
    const luaFile = join(dir, 'fetch.lua');
    writeFileSync(luaFile, `path = "${path}"\n${LUA}`);

    const before = await (await fetch(`${gw.url}/v1/metrics`)).json();
    const wrkOut = await new Promise((resolve, reject) => {
      const child = spawn('wrk', [
        `-t${THREADS}`, `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', '-s', luaFile, gw.url, '--', linesFile, String(THREADS),
      ]);
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited ${code}: ${out}`))));
    });
    const after = await (await fetch(`${gw.url}/v1/metrics`)).json();

    const num = (re) => {
      const m = wrkOut.match(re);
      return m ? m[1] : null;
    };
    const ms = (text) => {
      if (!text) return null;
      const m = text.match(/([\d.]+)(us|ms|s)/);
      const v = Number(m[1]);
      return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
    };
    const requests = Number(num(/(\d+) requests in/));
    const non2xx = Number(num(/Non-2xx or 3xx responses: (\d+)/) ?? 0);
    const served = after.served - before.served;
    const d = (k) => (after.ns[k] - before.ns[k]) / Math.max(1, after.requests - before.requests) / 1000;
    const report = {
      date: new Date().toISOString(),
      machine: `${cpus().length} cores`,
      document_bytes: docBytes,
      wrk: { threads: THREADS, connections: CONNECTIONS, seconds: SECONDS },
      requests,
      non_200: non2xx,
      served_by_gateway: served,
      fetches_per_s: Number(num(/Requests\/sec:\s+([\d.]+)/)),
      latency_ms: {
        p50: ms(num(/50%\s+(\S+)/)),
        p75: ms(num(/75%\s+(\S+)/)),
        p90: ms(num(/90%\s+(\S+)/)),
        p99: ms(num(/99%\s+(\S+)/)),
        max: ms(num(/Latency\s+\S+\s+\S+\s+(\S+)/)),
      },
      gateway_us_per_request: {
        signature: d('signature'),
        best_block_query: d('best_block'),
        consent_decision: d('decision'),
        store_read: d('store'),
        decrypt: d('decrypt'),
        hash: d('hash'),
        total_in_handler: d('total'),
      },
      consent_decisions_queried: after.decision_queries - before.decision_queries,
      presigning: { requests: count, ms: signMs },
      wrk_output: wrkOut,
    };
    console.log(wrkOut);
    const { wrk_output: _omit, ...summary } = report;
    console.log(JSON.stringify(summary, null, 2));
    mkdirSync(join(here, 'results'), { recursive: true });
    const out = join(here, 'results', `gateway-${report.date.slice(0, 10)}.json`);
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`report: ${out}`);
    assert.equal(non2xx, 0, 'every fetch must be served (a non-200 means a refused or failed fetch)');
  } finally {
    if (gw) await gw.stop();
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
