// Test helpers: a fresh `medchain-node --dev --tmp` on free loopback ports (tests/testkit), a
// static server for dist/, Debian's chromium through playwright-core, and the chain seeding.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as polkadotApi from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aConcat, u8aToHex, stringToU8a } from '@polkadot/util';
import { blake2AsU8a, cryptoWaitReady } from '@polkadot/util-crypto';

import { nodeBinary } from '../../tests/testkit/src/binaries.js';
import { startNode as startTestkitNode } from '../../tests/testkit/src/node.js';
import { signAndWait } from '../../tests/testkit/src/chain.js';
import { track } from '../../tests/testkit/src/processes.js';
import { MEDCHAIN_SS58 } from '../../tests/testkit/src/ss58.js';

export const PORTAL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Where the browser tests save their screenshots: artifacts/screenshots (gitignored), or, with
// MEDCHAIN_UPDATE_SCREENSHOTS=1, the committed docs/screenshots that README.md shows.
export const SHOTS = process.env.MEDCHAIN_UPDATE_SCREENSHOTS === '1' ? path.join(PORTAL, 'docs', 'screenshots') : path.join(PORTAL, 'artifacts', 'screenshots');

export { nodeBinary, track };

/** `n` distinct free TCP ports on 127.0.0.1, as the kernel hands them out for port 0 (then released). */
export async function freePorts(n) {
  const servers = [];
  try {
    for (let i = 0; i < n; i++) {
      const s = net.createServer();
      servers.push(s);
      await new Promise((res, rej) => {
        s.once('error', rej);
        s.listen(0, '127.0.0.1', res);
      });
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r()))));
  }
}

/**
 * Start a dev node on ports the kernel picks, connected with the portal's polkadot.js (the
 * testkit's startNode, tests/testkit/src/node.js); resolves { url, api, stop(), logPath, ... }
 * once it answers over RPC. The log is $TMPDIR/medchain-portal-node-*.log.
 */
export function startNode() {
  return startTestkitNode({ polkadot: polkadotApi, logPrefix: 'medchain-portal-node' });
}

/**
 * Build the portal into `outDir` with `env` added to the environment (VITE_MEDCHAIN_RPC,
 * VITE_MEDCHAIN_GENESIS, ...; `mode` 'development' for a development build). Resolves
 * { code, output } (a refused build is a result, not an exception).
 */
export function buildPortal({ outDir, env = {}, mode } = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITE_MEDCHAIN_')));
  const args = [path.join(PORTAL, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'];
  if (mode) args.push('--mode', mode);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: PORTAL, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/** What a built index.html says it is: 'development' or 'production' (vite.config.ts), or null. */
export function buildKind(dir) {
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  return html.match(/<meta name="medchain-build" content="(\w+)"/)?.[1] ?? null;
}

/**
 * Serve a built portal (dist/ unless `dir`) on a free loopback port. dist/ must be a
 * development build (it takes ?rpc= and offers the dev keys the tests sign with).
 */
export async function serveDist(dir) {
  const dist = dir ?? path.join(PORTAL, 'dist');
  if (!fs.existsSync(path.join(dist, 'index.html'))) throw new Error('dist/ missing: run npm run build:dev (vite build --mode development)');
  if (!dir && buildKind(dist) !== 'development') throw new Error('dist/ is not a development build: run npm run build:dev (vite build --mode development)');
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.wasm': 'application/wasm' };
  const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (p === '/') p = '/index.html';
    const file = path.join(dist, path.normalize(p));
    if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error('chromium not found: install Debian\'s package (apt-get install -y chromium) or set CHROMIUM_PATH');
  return found;
}

// ---------------------------------------------------------------------------
// Chain helpers (independent of the portal's code)
// ---------------------------------------------------------------------------

export async function keys() {
  await cryptoWaitReady();
  const k = new Keyring({ type: 'sr25519', ss58Format: MEDCHAIN_SS58 });
  const f = (u) => k.addFromUri(u);
  return {
    alice: f('//Alice'), bob: f('//Bob'), charlie: f('//Charlie'), dave: f('//Dave'), eve: f('//Eve'), ferdie: f('//Ferdie'),
    patient: f('//PatientDemo1'), patient2: f('//PatientDemo2'),
  };
}

/**
 * Sign, wait for the block; throw on a dispatch error (its 'section.Name') or an interrupted
 * utility.batch. Returns the events.
 */
export async function send(api, tx, signer) {
  return (await signAndWait(api, tx, signer, { checkSudo: false, checkBatch: true })).events;
}

export function eventsOf(api, events, section, method) {
  return events.filter(({ event }) => event.section === section && event.method === method).map(({ event }) => event);
}

/** GS1 mod-10 check digit (own implementation, not the client's). */
export function withCheckDigit(d13) {
  let sum = 0;
  for (let i = 0; i < d13.length; i++) sum += Number(d13[d13.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return d13 + ((10 - (sum % 10)) % 10);
}

/** binary-merkle-tree root over ASCII serials (own implementation). */
export function serialsRoot(serials) {
  let row = serials.map((s) => blake2AsU8a(stringToU8a(s)));
  while (row.length > 1) {
    const next = [];
    for (let i = 0; i + 1 < row.length; i += 2) next.push(blake2AsU8a(u8aConcat(row[i], row[i + 1])));
    if (row.length % 2) next.push(row[row.length - 1]);
    row = next;
  }
  return u8aToHex(row[0]);
}

/**
 * Seed what the browser tests need: an attested patient with one anchored record, and two
 * batches of Acme's product (A at Riverside Pharmacy; B split between MedLogistics and
 * Riverside, then recalled). Returns the facts the tests assert against.
 */
export async function seed(api, dir) {
  const k = await keys();
  const GTIN = withCheckDigit('0950600013435');
  const serialsA = Array.from({ length: 5 }, (_, i) => `SNA${String(i + 1).padStart(4, '0')}`);
  const serialsB = Array.from({ length: 6 }, (_, i) => `SNB${String(i + 1).padStart(4, '0')}`);
  fs.writeFileSync(path.join(dir, 'serials-LOT-A.txt'), serialsA.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'serials-LOT-R.txt'), serialsB.join('\n') + '\n');

  // Patient: onboarded by St. Mary's (so attested and fee-less); the patient lets St. Mary's
  // write lab results, and St. Mary's anchors one synthetic document.
  // Synthetic FHIR Observation, written in canonical form (keys sorted, no whitespace).
  const canonical = '{"code":{"text":"synthetic test value"},"resourceType":"Observation","status":"final","valueQuantity":{"unit":"g/dL","value":13.1}}';
  const salt = u8aToHex(blake2AsU8a(stringToU8a(`portal-test-salt-${Date.now()}`)));
  const contentHash = u8aToHex(blake2AsU8a(u8aConcat(hexBytes(salt), stringToU8a(canonical))));
  fs.writeFileSync(path.join(dir, 'record.json'), canonical);
  const commitment = u8aToHex(blake2AsU8a(stringToU8a('synthetic identity document')));

  const pA = send(
    api,
    api.tx.utility.batchAll([
      api.tx.patientIdentity.onboardPatient(k.patient.address, commitment),
      api.tx.patientIdentity.onboardPatient(k.patient2.address, u8aToHex(blake2AsU8a(stringToU8a('synthetic identity document 2')))),
    ]),
    k.alice,
  );
  const pC = send(
    api,
    api.tx.utility.batchAll([
      api.tx.drugProvenance.registerProduct(GTIN, u8aToHex(blake2AsU8a(stringToU8a('product metadata')))),
      api.tx.drugProvenance.commissionBatch(GTIN, 'LOT-A', '281231', serialsA.length, serialsRoot(serialsA)),
      api.tx.drugProvenance.commissionBatch(GTIN, 'LOT-R', '281231', serialsB.length, serialsRoot(serialsB)),
    ]),
    k.charlie,
  );
  // A trial whose published outcomes differ from the registered ones (synthetic hashes).
  const h = (x) => u8aToHex(blake2AsU8a(stringToU8a(x)));
  const outcomes = { primary: h('outcome: primary endpoint'), secondary: h('outcome: secondary endpoint'), added: h('outcome: post-hoc endpoint') };
  const pT = send(api, api.tx.clinicalTrials.registerTrial('NCT-PORTAL-0001', h('protocol v1'), [outcomes.primary, outcomes.secondary], 10), k.ferdie);
  const [, evC, evT] = await Promise.all([pA, pC, pT]);
  const trialId = eventsOf(api, evT, 'clinicalTrials', 'TrialRegistered')[0].data[0].toNumber();
  const pT2 = send(
    api,
    api.tx.utility.batchAll([
      api.tx.clinicalTrials.commitData(trialId, h('data batch 1'), 10),
      api.tx.clinicalTrials.lockDatabase(trialId),
      api.tx.clinicalTrials.publishResults(trialId, h('results'), [outcomes.primary, outcomes.added]),
    ]),
    k.ferdie,
  );
  const ids = eventsOf(api, evC, 'drugProvenance', 'BatchCommissioned').map((e) => e.data.batchId.toNumber());
  const [batchA, batchR] = ids;

  const evW = await send(api, api.tx.consent.grantConsent(k.alice.address, { categories: 1 << 4, access: { read: true, write: true } }, 'Treatment', null), k.patient);
  void evW;
  const pRec = send(api, api.tx.healthRecords.anchorRecord(k.patient.address, 'LabResults', contentHash, 'mc1:synthetic-opaque-locator', null), k.alice);
  const evS = await send(api, api.tx.utility.batchAll([api.tx.drugProvenance.ship(batchA, k.bob.address, 5), api.tx.drugProvenance.ship(batchR, k.dave.address, 3)]), k.charlie);
  const [shA, shR] = eventsOf(api, evS, 'drugProvenance', 'ShipmentSent').map((e) => e.data.shipmentId.toNumber());
  const evRec = await pRec;
  const recordId = eventsOf(api, evRec, 'healthRecords', 'RecordAnchored')[0]?.data[0]?.toHex?.() ?? null;
  await Promise.all([send(api, api.tx.drugProvenance.receive(shA), k.bob), send(api, api.tx.drugProvenance.receive(shR), k.dave)]);
  const evS2 = await send(api, api.tx.drugProvenance.ship(batchR, k.bob.address, 2), k.dave);
  const shR2 = eventsOf(api, evS2, 'drugProvenance', 'ShipmentSent')[0].data.shipmentId.toNumber();
  await send(api, api.tx.drugProvenance.receive(shR2), k.bob);
  await send(api, api.tx.drugProvenance.recallBatch(batchR, 3), k.charlie);
  await pT2;
  return { trialId, outcomes, GTIN, batchA, batchR, serialsA, serialsB, salt, contentHash, recordId, keys: k };
}

function hexBytes(hex) {
  const h = hex.slice(2);
  return Uint8Array.from({ length: h.length / 2 }, (_, i) => parseInt(h.slice(2 * i, 2 * i + 2), 16));
}
