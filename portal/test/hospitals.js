// Three hospitals' record gateways beside a dev node, over https, for the portal's browser
// tests and its demo (serve.sh): St. Mary's Hospital (//Alice, in the dev genesis), Lakeside
// General Hospital (//Lakeside) and Riverbend Clinic (//Riverbend), each registered, its
// gateway key (`<admin>//gateway`) staff and funded, its gateway running on a loopback port
// with a certificate of a development CA (scripts/dev-certs.sh) and published in the chain's
// gateway directory (Consortium.set_gateway) — what scripts/start-gateways.sh does, on
// ports the caller does not have to choose. Registration and staff go through polkadot.js
// batches (one block each, not the CLI's one finality wait per call); publishing through the
// gateway's own CLI (`medchain-gateway publish`).
//
//   startHospitals({ api, nodeWs, corsOrigins, dataDir })   the three gateways
//   chromiumTrustArgs(spkiHashes)                           chromium trusts their certificates
//   seedHistory({ api, hospitals, patientSuri, documents }) documents uploaded and anchored
//   ensurePatient(api, suri), gatewayRequest(hospital, method, path, { suri, body }),
//   httpsRequest(url, { caPem, ... }), signRequest(...), spkiHash(pemFile)
//
// The //Alice key is the dev chain's sudo key and St. Mary's admin: run startHospitals when
// nothing else sends //Alice transactions (e.g. after lib.js seed(), not beside it).
//
// Requests from Node go through node:https with the development CA as the only trusted
// root (global fetch cannot be given a CA). Independent of tests/e2e.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';

import { Keyring } from '@polkadot/keyring';
import { stringToU8a, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, cryptoWaitReady } from '@polkadot/util-crypto';

import { gatewayBinary } from '../../tests/testkit/src/binaries.js';
import { signAndWait } from '../../tests/testkit/src/chain.js';
import { gatewaySignedHeaders } from '../../tests/testkit/src/gateway-sign.js';
import { ROLES, UNIT, addStaff, onboardPatients, organizationOf, registerOrganizations } from '../../tests/testkit/src/seed.js';
import { MEDCHAIN_SS58, accountHex, sameAccount } from '../../tests/testkit/src/ss58.js';
import { PORTAL, freePorts, track } from './lib.js';

const REPO = path.resolve(PORTAL, '..');
const DEV_CERTS = path.join(REPO, 'scripts', 'dev-certs.sh');

/** The demo hospitals, in the order of scripts/start-gateways.sh (8801, 8802, 8803 there). */
export const HOSPITALS = [
  { key: 'st-marys', name: "St. Mary's Hospital", admin: '//Alice', genesis: true },
  { key: 'lakeside', name: 'Lakeside General Hospital', admin: '//Lakeside' },
  { key: 'riverbend', name: 'Riverbend Clinic', admin: '//Riverbend' },
];

/** RecordCategory in bit order (pallets/primitives): bit i of a consent's categories. */
export const CATEGORIES = ['Demographics', 'Encounters', 'Diagnoses', 'Medications', 'LabResults', 'Imaging', 'Genomics', 'MentalHealth', 'Other'];

export { gatewayBinary };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const tailOf = (file, n = 40) => {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-n - 1).join('\n');
  } catch {
    return '';
  }
};

/** The environment without MEDCHAIN_GATEWAY_* (the gateway's settings are given as arguments). */
const withoutGatewaySettings = (env) => Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('MEDCHAIN_GATEWAY_')));

/** Run a medchain-gateway subcommand; its output is appended to `log`. Resolves its stdout. */
function cli(args, { log, env = {}, timeoutMs = 180_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = track(spawn(gatewayBinary(), args, { env: { ...withoutGatewaySettings(process.env), ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (log) fs.appendFileSync(log, `$ medchain-gateway ${args.join(' ')}\n${out}${err}(exit ${code ?? signal})\n`);
      if (code === 0) resolve(out);
      else reject(new Error(`medchain-gateway ${args[0]} failed (${code ?? signal}): ${(err || out).trim().split('\n').slice(-5).join('\n')}`));
    });
  });
}

/**
 * `cli`, run again when the node's pool refused its transaction because another transaction
 * of the same signer (sent by someone else at that moment, e.g. a test seeding with //Alice)
 * took its nonce (1014 "Priority is too low"). Each subcommand is idempotent
 * (dev-register-hospital and add-staff check first; a second run may fund twice, which is
 * harmless; publish sets the same entry), so running one again is safe.
 */
async function cliRetry(args, opts) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await cli(args, opts);
    } catch (e) {
      if (attempt >= 8 || !/Priority is too low|Transaction is outdated|Transaction is stale|already imported/i.test(e.message)) throw e;
      await sleep(300 + Math.random() * 1200);
    }
  }
}

function run(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const child = track(spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(args[0] ?? cmd)} failed (${code}): ${err.trim()}`))));
  });
}

// ---------------------------------------------------------------------------
// https from Node, trusting the development CA only
// ---------------------------------------------------------------------------

const agents = new Map();
function agentFor(caPem) {
  let agent = agents.get(caPem);
  if (!agent) {
    // `ca` replaces Node's root store for this agent: only the development CA is trusted.
    agent = new https.Agent({ ca: caPem, keepAlive: true, maxSockets: 64 });
    agents.set(caPem, agent);
  }
  return agent;
}

/**
 * One request to `url` (https, trusting only `caPem`; or http). `body`: string or bytes.
 * Resolves { status, headers, text, json }.
 */
export function httpsRequest(url, { method = 'GET', headers = {}, body, caPem, timeoutMs = 120_000 } = {}) {
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  if (secure && !caPem) throw new Error(`${url}: give the development CA (caPem) to trust`);
  return new Promise((resolve, reject) => {
    const opts = { method, headers: { ...headers }, timeout: timeoutMs };
    if (secure) opts.agent = agentFor(caPem);
    const bytes = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
    if (bytes) opts.headers['content-length'] = bytes.length;
    const req = (secure ? https : http).request(u, opts, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(bytes);
  });
}

// ---------------------------------------------------------------------------
// Signed requests (gateway/src/auth.rs)
// ---------------------------------------------------------------------------

let keyring;
async function pairOf(suri) {
  await cryptoWaitReady();
  keyring ??= new Keyring({ type: 'sr25519', ss58Format: MEDCHAIN_SS58 });
  return keyring.addFromUri(suri);
}

/**
 * The five x-medchain-* headers of a request sent to `url` (its origin and path are signed)
 * signed by `pair` for the gateway of `audience` (the message: tests/testkit/src/gateway-sign.js;
 * src/chain.ts has the app's own, test/gateway-sign.test.js checks both against
 * tests/vectors/gateway-sign.json).
 */
export function signRequest(pair, audience, method, url, body) {
  return gatewaySignedHeaders({ blake2: blake2AsU8a, pair }, audience, method, url, body);
}

/**
 * A request to a hospital's gateway (an entry of startHospitals().hospitals), signed by
 * `suri` (default: the hospital's staff key; null: unsigned). Resolves { status, headers, text, json }.
 */
export async function gatewayRequest(hospital, method, pathAndQuery, { suri = hospital.staffSuri, body, headers = {} } = {}) {
  const bytes = body === undefined ? new Uint8Array() : typeof body === 'string' ? stringToU8a(body) : body;
  const signed = suri ? signRequest(await pairOf(suri), hospital.audience, method, `${hospital.url}${pathAndQuery}`, bytes) : {};
  return httpsRequest(`${hospital.url}${pathAndQuery}`, {
    method,
    headers: { ...signed, ...(bytes.length ? { 'content-type': 'application/fhir+json' } : {}), ...headers },
    body: bytes.length ? bytes : undefined,
    caPem: hospital.caPem,
  });
}

// ---------------------------------------------------------------------------
// Certificates
// ---------------------------------------------------------------------------

/** base64(sha256(SubjectPublicKeyInfo DER)) of the first (leaf) certificate in a PEM file. */
export function spkiHash(pemFile) {
  const cert = new crypto.X509Certificate(fs.readFileSync(pemFile));
  const der = cert.publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(der).digest('base64');
}

/**
 * Chromium's command-line arguments to trust the certificates whose SPKI hashes are given
 * (the gateways' leaf certificates), and no other untrusted certificate: no
 * --ignore-certificate-errors, and the development CA itself is not trusted (a certificate
 * it signs for anything else is still refused; hospitals.test.js checks both).
 *
 * Chromium honours --ignore-certificate-errors-spki-list only when it also runs with
 * --user-data-dir (IgnoreErrorsCertVerifier::MaybeWrapCertVerifier). playwright-core's
 * launch() always passes its own temporary --user-data-dir (and refuses one in `args`), so
 * under playwright the list alone is enough; for a browser started by hand give
 * `userDataDir` (a profile of its own also keeps an already-running Chrome from taking over
 * the command line and dropping the flag).
 *
 * What the flag does is weaker than a pin: Chromium accepts the connection when ANY
 * certificate the server presents (leaf or "intermediate") has a listed SPKI, and then skips
 * every other check, the host name included. Certificates are public, so a server that sends
 * its own self-signed leaf followed by a gateway's certificate is accepted (tried: it is).
 * Fine for loopback tests and demos; not a way to trust anything on a network.
 */
export function chromiumTrustArgs(spkiHashes, { userDataDir } = {}) {
  if (!Array.isArray(spkiHashes) || spkiHashes.length === 0) throw new Error('chromiumTrustArgs: give the SPKI hashes (startHospitals().spkiHashes)');
  for (const h of spkiHashes) {
    if (typeof h !== 'string' || Buffer.from(h, 'base64').length !== 32 || Buffer.from(h, 'base64').toString('base64') !== h) {
      throw new Error(`chromiumTrustArgs: not a base64 SHA-256 hash: ${h}`);
    }
  }
  const args = [`--ignore-certificate-errors-spki-list=${spkiHashes.join(',')}`];
  if (userDataDir) args.unshift(`--user-data-dir=${userDataDir}`);
  return args;
}

// ---------------------------------------------------------------------------
// startHospitals
// ---------------------------------------------------------------------------

/** Resolves when the chain's GatewayDirectoryApi.gateway_of(org) is `url` (publish waits for finality). */
async function gatewayOfUrl(api, org) {
  const entry = await api.call.gatewayDirectoryApi.gatewayOf(org);
  if (entry.isNone) return null;
  const e = entry.unwrap();
  return { endpoint: Buffer.from(e.endpoint.toU8a(true)).toString('utf8'), publicKey: e.publicKey.toHex() };
}

/**
 * Start the three hospitals' gateways beside the dev node at `nodeWs` (`api` connected to
 * it): a development CA and a certificate per hospital (scripts/dev-certs.sh into
 * `certsDir`, default `dataDir/certs`); Lakeside and Riverbend registered by the dev chain's sudo key (St. Mary's
 * is in the genesis); each `<admin>//gateway` key made staff and funded (`add-staff --fund`);
 * each `medchain-gateway run` over https on a free loopback port with `--cors-origin` for
 * each of `corsOrigins`; each waited for at `/v1/info` (trusting the CA only) and published
 * (`publish`: Consortium.set_gateway with its https URL and key), then checked with
 * `gatewayDirectoryApi.gatewayOf`. Logs: `dataDir/<key>/gateway.log` and `setup.log`.
 *
 * Resolves { hospitals: [{ key, name, admin, staffSuri, org, url, audience, port, signer,
 * spkiHash, ca, caPem, dataDir, logPath }], ca, caPem, spkiHashes, timings, stop() }.
 */
export async function startHospitals({ api, nodeWs, corsOrigins = [], dataDir, certsDir, fund = 100, hospitals: which = HOSPITALS } = {}) {
  if (!nodeWs) throw new Error('startHospitals: nodeWs (the node\'s ws:// URL) is required');
  if (!dataDir) throw new Error('startHospitals: dataDir is required');
  const t0 = Date.now();
  const timings = {};
  fs.mkdirSync(dataDir, { recursive: true });
  // dev-certs.sh keeps an existing CA and certificates: a persistent certsDir (the demo's
  // ~/.cache/medchain/dev-certs, as scripts/start-gateways.sh) keeps a browser's trust valid.
  const certs = certsDir ?? path.join(dataDir, 'certs');
  const ca = (await run('bash', [DEV_CERTS, ...which.map((h) => h.key)], { MEDCHAIN_DEV_CERTS: certs })).trim().split('\n').pop();
  const caPem = fs.readFileSync(ca);
  timings.certsMs = Date.now() - t0;
  await cryptoWaitReady();
  const ring = new Keyring({ type: 'sr25519', ss58Format: api?.registry?.chainSS58 ?? MEDCHAIN_SS58 });

  const hs = which.map((h) => {
    const dir = path.join(dataDir, h.key);
    fs.mkdirSync(dir, { recursive: true });
    const cert = path.join(certs, `${h.key}.pem`);
    return {
      key: h.key,
      name: h.name,
      admin: h.admin,
      staffSuri: `${h.admin}//gateway`,
      org: ring.addFromUri(h.admin).address,
      signer: ring.addFromUri(`${h.admin}//gateway`).address,
      url: null,
      audience: null,
      port: null,
      spkiHash: spkiHash(cert),
      ca,
      caPem,
      dataDir: dir,
      logPath: path.join(dir, 'gateway.log'),
      setupLog: path.join(dir, 'setup.log'),
      cert,
      certKey: path.join(certs, `${h.key}.key`),
      genesis: Boolean(h.genesis),
    };
  });
  const procs = new Map();
  let stopped = false;

  const stop = async () => {
    stopped = true;
    await Promise.all(
      [...procs.values()].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT'); // graceful: the gateway stops on Ctrl-C
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(timer);
      }),
    );
    const agent = agents.get(caPem);
    if (agent) {
      agent.destroy();
      agents.delete(caPem);
    }
  };

  // Registration and staff, through polkadot.js rather than the CLI (whose every call waits
  // for finality, ~9 s, and whose calls of one signer cannot run side by side), with the
  // testkit's seeding steps: //Alice (the dev chain's sudo key and St. Mary's admin) funds and
  // registers the other hospitals in one batch; then each admin makes its gateway key staff
  // and funds it in one batch of its own, side by side. Each waits for its block, and is
  // checked on chain. What is already done (a node that ran this before) is skipped.
  // Publishing stays with the CLI (`medchain-gateway publish`), as an operator does it.
  if (!api) throw new Error('startHospitals: api (connected to nodeWs) is required');
  const ts = Date.now();
  const alice = ring.addFromUri('//Alice');
  await registerOrganizations(
    api,
    alice,
    hs.filter((h) => !h.genesis).map((h) => ({ address: h.org, name: h.name, roles: ROLES.Provider, fund: 1000n * UNIT })),
  ).catch((e) => {
    throw new Error(`startHospitals: ${e.message}`);
  });
  await Promise.all(hs.map((h) => addStaff(api, ring.addFromUri(h.admin), [h.signer], { fund: BigInt(fund) * UNIT })));
  for (const h of hs) {
    if ((await organizationOf(api, h.org)) !== accountHex(h.org)) throw new Error(`startHospitals: ${h.name} is not a registered organization`);
    if ((await organizationOf(api, h.signer)) !== accountHex(h.org)) throw new Error(`startHospitals: ${h.staffSuri} is not staff of ${h.name}`);
  }
  timings.registerMs = Date.now() - ts;
  let aliceQueue = Promise.resolve();
  const byAdmin = (h, f) => {
    if (h.admin !== '//Alice') return f();
    const p = aliceQueue.then(f);
    aliceQueue = p.catch(() => {});
    return p;
  };
  const node = ['--node', nodeWs];
  const ports = await freePorts(hs.length);
  const startOne = async (h, i) => {
    const log = h.setupLog;
    h.setupMs = timings.registerMs;
    // The gateway binds its port only after it has connected to the node, so another process
    // may take the port chosen meanwhile: then it says "cannot listen" and another is tried.
    let port = ports[i];
    for (let attempt = 0; ; attempt++) {
      const tg = Date.now();
      try {
        await launch(h, port, nodeWs, corsOrigins, caPem, procs, () => stopped);
        h.gatewayStartMs = Date.now() - tg;
        break;
      } catch (e) {
        if (attempt < 3 && /cannot listen on/.test(e.message)) {
          [port] = await freePorts(1);
          continue;
        }
        throw e;
      }
    }
    const tp = Date.now();
    await byAdmin(h, () => cliRetry(['publish', ...node, '--admin-suri', h.admin, '--endpoint', h.url, '--signer', h.staffSuri], { log }));
    if (api) {
      const entry = await gatewayOfUrl(api, h.org);
      if (entry?.endpoint !== h.url) throw new Error(`${h.name}: published ${h.url} but gatewayOf says ${JSON.stringify(entry)}`);
      if (entry.publicKey !== accountHex(h.signer)) throw new Error(`${h.name}: the directory's key is not the gateway's signer`);
    }
    h.publishMs = Date.now() - tp;
  };
  try {
    const results = await Promise.allSettled(hs.map(startOne));
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length) throw failed[0].reason;
  } catch (e) {
    await stop();
    throw e;
  }
  timings.totalMs = Date.now() - t0;
  for (const h of hs) timings[h.key] = { setupMs: h.setupMs, gatewayStartMs: h.gatewayStartMs, publishMs: h.publishMs };
  return { hospitals: hs, ca, caPem, spkiHashes: hs.map((h) => h.spkiHash), timings, stop };
}

/** Start one `medchain-gateway run` on `port` and wait until its /v1/info answers over https as `h`'s organization. */
async function launch(h, port, nodeWs, corsOrigins, caPem, procs, isStopped) {
  const url = `https://127.0.0.1:${port}`;
  fs.appendFileSync(h.logPath, `--- medchain-gateway run on ${url} (${new Date().toISOString()})\n`);
  const log = fs.openSync(h.logPath, 'a');
  const args = ['run', '--node', nodeWs, '--listen', `127.0.0.1:${port}`, '--data-dir', path.join(h.dataDir, 'store'), '--tls-cert', h.cert, '--tls-key', h.certKey];
  for (const o of corsOrigins) args.push('--cors-origin', o);
  const child = track(
    spawn(gatewayBinary(), args, {
      // The key in the environment, not in `ps` (gateway/README.md); none of the caller's
      // MEDCHAIN_GATEWAY_* settings (clap reads e.g. MEDCHAIN_GATEWAY_CORS_ORIGINS when no
      // --cors-origin is given: it would allow origins nobody asked for here).
      env: { ...withoutGatewaySettings(process.env), MEDCHAIN_GATEWAY_SURI: h.staffSuri, RUST_LOG: process.env.RUST_LOG || 'info' },
      stdio: ['ignore', log, log],
    }),
  );
  fs.closeSync(log);
  procs.set(h.key, child);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (isStopped()) throw new Error(`${h.name}: stopped while starting`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${h.name}'s gateway exited (${child.exitCode ?? child.signalCode}); last lines of ${h.logPath}:\n${tailOf(h.logPath)}`);
    }
    try {
      const res = await httpsRequest(`${url}/v1/info`, { caPem, timeoutMs: 2000 });
      if (res.status === 200 && res.json) {
        // Another process on that port would answer as someone else (or not over our TLS).
        if (!sameAccount(res.json.organization, h.org)) {
          throw new Error(`${url}/v1/info answers for ${res.json.organization}, not ${h.name}`);
        }
        Object.assign(h, { url, port, audience: res.json.audience, info: res.json });
        return;
      }
    } catch (e) {
      if (/answers for/.test(e.message)) throw e;
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${h.name}'s gateway did not answer at ${url}/v1/info within 60 s; last lines of ${h.logPath}:\n${tailOf(h.logPath)}`);
    }
    await sleep(150);
  }
}

// ---------------------------------------------------------------------------
// seedHistory
// ---------------------------------------------------------------------------


/**
 * The patient is registered and attested: if `patientSuri` is no patient yet, St. Mary's
 * (//Alice) onboards them, as lib.js's seed() does (onboarding by a Provider attests).
 * Resolves the patient's keyring pair.
 */
export async function ensurePatient(api, patientSuri) {
  await cryptoWaitReady();
  const ring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? MEDCHAIN_SS58 });
  const patient = ring.addFromUri(patientSuri);
  const commitment = u8aToHex(blake2AsU8a(stringToU8a(`synthetic identity document of ${patientSuri}`)));
  await onboardPatients(api, ring.addFromUri('//Alice'), [{ address: patient.address, commitment }]).catch((e) => {
    throw new Error(`${patientSuri}: ${e.message}`);
  });
  return patient;
}

/**
 * For each hospital, the categories of `needed` that no live Treatment consent with write
 * access from the patient covers (what HealthRecords.anchor_record requires of the
 * hospital's anchor: Consent.ensure_access(patient, org, category, Treatment, write)).
 */
async function missingWriteConsents(api, patientAddress, needed) {
  const [consents, now] = await Promise.all([api.call.consentApi.consentsOf(patientAddress), api.query.timestamp.now()]);
  const t = now.toNumber();
  const covered = new Map();
  for (const [, c] of consents) {
    if (!c.purpose.isTreatment || !c.scope.access.write.isTrue) continue;
    if (c.revokedAt.isSome || (c.expiresAt.isSome && c.expiresAt.unwrap().toNumber() <= t)) continue;
    const g = c.grantee.toHex();
    covered.set(g, (covered.get(g) ?? 0) | Number(c.scope.categories.toString()));
  }
  const missing = new Map();
  for (const [org, bits] of needed) {
    const m = bits & ~(covered.get(org) ?? 0);
    if (m) missing.set(org, m);
  }
  return missing;
}

/**
 * Upload `documents` ([{ category, resource }], FHIR R4 JSON) for the patient `patientSuri`,
 * round-robin over `hospitals` (entries of startHospitals().hospitals: pass a subset to
 * spread over fewer), each upload signed by that hospital's staff key. First makes sure the
 * patient is registered and attested (ensurePatient) and has granted each hospital a
 * Treatment consent with write access covering the categories it will upload (one
 * grant_consent per hospital that lacks one, `consentAccess` default write only; the
 * patient's fee-less calls). Uploads run in parallel across hospitals (and up to
 * `concurrency` at a time per hospital: each upload waits for its anchor's finality, ~9 s, so
 * the uploads of one round share blocks; 100 documents over three gateways take one round at
 * the default 64, three at 16); each is waited for until its
 * anchor is finalized (201, or /v1/uploads/{locator} polled after a 202), then every record is
 * checked on chain (healthRecordsApi.recordsOf: author, category, content hash).
 *
 * Resolves [{ hospital, recordId, contentHash, category, resource, locator }] in the order
 * of `documents` (`hospital`: the entry it was uploaded to).
 */
export async function seedHistory({ api, hospitals, patientSuri, documents, concurrency = 64, consentAccess = { read: false, write: true }, timeoutMs = 300_000 }) {
  if (!hospitals?.length) throw new Error('seedHistory: no hospitals');
  const patient = await ensurePatient(api, patientSuri);
  const plan = documents.map((d, i) => {
    const bit = CATEGORIES.indexOf(d.category);
    if (bit < 0) throw new Error(`seedHistory: unknown category ${d.category} (one of ${CATEGORIES.join(', ')})`);
    if (!d.resource?.resourceType) throw new Error(`seedHistory: document ${i} is not a FHIR resource`);
    return { ...d, bit, hospital: hospitals[i % hospitals.length] };
  });

  // Consents: what each hospital needs, granted where missing (in parallel, explicit nonces).
  const needed = new Map();
  for (const p of plan) {
    const org = accountHex(p.hospital.org);
    needed.set(org, (needed.get(org) ?? 0) | (1 << p.bit));
  }
  const missing = await missingWriteConsents(api, patient.address, needed);
  if (missing.size) {
    let nonce = (await api.rpc.system.accountNextIndex(patient.address)).toNumber();
    await Promise.all(
      [...missing].map(([org, bits]) => signAndWait(api, api.tx.consent.grantConsent(org, { categories: bits, access: consentAccess }, 'Treatment', null), patient, { nonce: nonce++ })),
    );
    const still = await missingWriteConsents(api, patient.address, needed);
    if (still.size) throw new Error(`seedHistory: consents still missing after granting: ${[...still.keys()].join(', ')}`);
  }

  // Uploads: per hospital a queue of `concurrency` workers; hospitals side by side.
  const deadline = Date.now() + timeoutMs;
  const results = new Array(plan.length);
  const uploadOne = async (i) => {
    const { hospital: h, category, resource } = plan[i];
    const q = `/v1/records?patient=${patient.address}&category=${category}`;
    const res = await gatewayRequest(h, 'POST', q, { body: JSON.stringify(resource) });
    let doc = res.json;
    if (res.status === 202) {
      while (doc?.state !== 'anchored') {
        if (Date.now() > deadline) throw new Error(`${h.name}: upload ${doc?.locator} not anchored within ${timeoutMs} ms (state ${doc?.state})`);
        await sleep(1000);
        const s = await gatewayRequest(h, 'GET', `/v1/uploads/${doc.locator}`);
        if (s.status !== 200) throw new Error(`${h.name}: GET /v1/uploads/${doc.locator}: ${s.status} ${s.text}`);
        doc = s.json;
        if (doc.state === 'failed' || doc.state === 'destroyed') throw new Error(`${h.name}: upload ${doc.locator} ${doc.state}: ${doc.note}`);
      }
    } else if (res.status !== 201 && res.status !== 200) {
      throw new Error(`${h.name}: POST ${q}: ${res.status} ${res.text}`);
    }
    results[i] = { hospital: h, recordId: doc.record_id, contentHash: doc.content_hash, category, resource, locator: doc.locator };
  };
  await Promise.all(
    hospitals.map(async (h) => {
      const mine = plan.map((p, i) => (p.hospital === h ? i : -1)).filter((i) => i >= 0);
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(concurrency, mine.length) }, async () => {
          while (next < mine.length) await uploadOne(mine[next++]);
        }),
      );
    }),
  );

  // Every record on chain, authored by the hospital that holds it, with its hash and category.
  const onChain = new Map();
  for (let start = 0; ; start += 256) {
    const page = await api.call.healthRecordsApi.recordsOf(patient.address, start, 256);
    for (const [id, r] of page) onChain.set(id.toHex(), r);
    if (page.length < 256) break;
  }
  for (const r of results) {
    const rec = onChain.get(r.recordId);
    if (!rec) throw new Error(`seedHistory: record ${r.recordId} (${r.hospital.name}) is not in recordsOf`);
    const author = rec.author.isSome ? rec.author.unwrap().toHex() : null;
    if (author !== accountHex(r.hospital.org)) throw new Error(`seedHistory: record ${r.recordId} is authored by ${author}, not ${r.hospital.name}`);
    if (rec.contentHash.toHex() !== r.contentHash || rec.category.type !== r.category) {
      throw new Error(`seedHistory: record ${r.recordId} on chain is ${rec.category.type} ${rec.contentHash.toHex()}, the gateway said ${r.category} ${r.contentHash}`);
    }
  }
  return results;
}
