// The test infrastructure of test/hospitals.js against a fresh dev node: three hospitals'
// gateways over https (dev CA), published in the chain's gateway directory; chromium trusting
// exactly their certificates (SPKI list); a patient's history uploaded and anchored.
//   node --test test/hospitals.test.js
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';

import { startNode, chromiumPath, PORTAL } from './lib.js';
import { startHospitals, seedHistory, chromiumTrustArgs, httpsRequest, gatewayRequest, CATEGORIES } from './hospitals.js';
import { demoHistory } from './fixtures/history.js';

const PATIENT = '//PatientDemo1';
const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'];

let dir, node, api, hs, ring, allowedPage, otherPage, seeded;
const servers = [];
const browsers = [];

/** A page server on a loopback port of its own (its own web origin). */
async function pageServer() {
  const server = http.createServer((req, res) => {
    if (req.url === '/favicon.ico') return res.writeHead(204).end();
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html lang="en"><title>origin</title><p>page</p></html>');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return `http://127.0.0.1:${server.address().port}`;
}

async function launch(args) {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...BROWSER_ARGS, ...args] });
  browsers.push(browser);
  const page = await (await browser.newContext()).newPage();
  const failed = [];
  page.on('requestfailed', (r) => failed.push({ url: r.url(), error: r.failure()?.errorText }));
  return { browser, page, failed };
}

/** fetch() in the page; { ok, status, type, json } or { ok: false, error }. */
const pageFetch = (page, url, mode = 'cors') =>
  page.evaluate(
    async ([u, m]) => {
      try {
        const r = await fetch(u, { mode: m });
        return { ok: true, status: r.status, type: r.type, json: r.type === 'opaque' ? null : await r.json() };
      } catch (e) {
        return { ok: false, error: String(e) };
      }
    },
    [url, mode],
  );

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medchain-hospitals-'));
  await cryptoWaitReady();
  ring = new Keyring({ type: 'sr25519', ss58Format: 4242 });
  [allowedPage, otherPage, node] = await Promise.all([pageServer(), pageServer(), startNode()]);
  api = node.api;
  const t = Date.now();
  hs = await startHospitals({ api, nodeWs: node.url, corsOrigins: [allowedPage], dataDir: path.join(dir, 'gateways') });
  console.log(`startHospitals: ${((Date.now() - t) / 1000).toFixed(1)} s ${JSON.stringify(hs.timings)}`);
});

after(async () => {
  for (const b of browsers) await b.close().catch(() => {});
  for (const s of servers) s.close();
  await hs?.stop().catch(() => {});
  await node?.stop().catch(() => {});
  if (dir && !process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true });
});

test('three gateways answer /v1/info over https (trusting the dev CA only) and are published in the directory', async () => {
  assert.deepEqual(
    hs.hospitals.map((h) => [h.name, h.admin, h.staffSuri]),
    [
      ["St. Mary's Hospital", '//Alice', '//Alice//gateway'],
      ['Lakeside General Hospital', '//Lakeside', '//Lakeside//gateway'],
      ['Riverbend Clinic', '//Riverbend', '//Riverbend//gateway'],
    ],
  );
  assert.equal(new Set(hs.hospitals.map((h) => h.port)).size, 3, 'three ports');
  for (const h of hs.hospitals) {
    assert.equal(h.url, `https://127.0.0.1:${h.port}`);
    assert.equal(h.org, ring.addFromUri(h.admin).address);
    const res = await httpsRequest(`${h.url}/v1/info`, { caPem: hs.caPem });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.organization, h.org, `${h.name}: organization`);
    // The audience names this gateway: its organization, its key, its instance id.
    const prefix = u8aToHex(decodeAddress(h.org)) + u8aToHex(decodeAddress(res.json.signer)).slice(2);
    assert.match(res.json.audience, new RegExp(`^${prefix}[0-9a-f]{32}$`), `${h.name}: audience`);
    assert.equal(h.audience, res.json.audience);
    assert.equal(res.json.signer, ring.addFromUri(h.staffSuri).address, `${h.name}: signer is the gateway key`);
    // The directory entry: the https URL and the gateway's key.
    const entry = (await api.call.gatewayDirectoryApi.gatewayOf(h.org)).unwrap();
    assert.equal(Buffer.from(entry.endpoint.toU8a(true)).toString(), h.url);
    assert.equal(entry.publicKey.toHex(), u8aToHex(decodeAddress(res.json.signer)));
    // Node's own roots (no dev CA) do not trust the gateway's certificate.
    const err = await new Promise((resolve) => {
      https.get(`${h.url}/v1/info`, { agent: false }, () => resolve(null)).on('error', resolve);
    });
    assert.ok(err, `${h.name}: a client without the dev CA connected`);
    assert.match(err.code, /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
  }
  // spkiHashes: base64 SHA-256 of each gateway certificate's SubjectPublicKeyInfo (openssl agrees).
  for (const [i, h] of hs.hospitals.entries()) {
    const der = execFileSync('sh', ['-c', `openssl x509 -in "${h.cert}" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`], { encoding: 'utf8' }).trim();
    assert.equal(hs.spkiHashes[i], der, `${h.name}: SPKI hash`);
  }
  assert.equal(hs.ca, path.join(dir, 'gateways', 'certs', 'ca.pem'));
});

test('a plain-http request to an https gateway port fails (400 HttpsRequired, nothing served)', async () => {
  for (const h of hs.hospitals) {
    const res = await new Promise((resolve, reject) => {
      http
        .get(`http://127.0.0.1:${h.port}/v1/info`, (r) => {
          let body = '';
          r.on('data', (d) => (body += d));
          r.on('end', () => resolve({ status: r.statusCode, body }));
        })
        .on('error', reject);
    });
    assert.equal(res.status, 400, `${h.name}: ${res.body}`);
    assert.equal(JSON.parse(res.body).error, 'HttpsRequired');
    assert.doesNotMatch(res.body, /audience/);
  }
});

test('seeding 6 documents anchors 6 records, each authored by the hospital that holds it', async () => {
  const documents = demoHistory(6);
  const t = Date.now();
  seeded = await seedHistory({ api, hospitals: hs.hospitals, patientSuri: PATIENT, documents });
  console.log(`seedHistory(6): ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const patient = ring.addFromUri(PATIENT);
  assert.equal(seeded.length, 6);
  assert.equal(new Set(seeded.map((r) => r.recordId)).size, 6, 'six distinct records');
  // Round-robin: document i at hospital i mod 3.
  assert.deepEqual(
    seeded.map((r) => r.hospital.key),
    ['st-marys', 'lakeside', 'riverbend', 'st-marys', 'lakeside', 'riverbend'],
  );
  seeded.forEach((r, i) => {
    assert.equal(r.category, documents[i].category);
    assert.deepEqual(r.resource, documents[i].resource);
  });
  // The chain: exactly these records for the (fresh) patient, with the right author, category and hash.
  const records = await api.call.healthRecordsApi.recordsOf(patient.address, 0, 256);
  assert.equal(records.length, 6);
  const byId = new Map(records.map(([id, r]) => [id.toHex(), r]));
  for (const r of seeded) {
    const rec = byId.get(r.recordId);
    assert.ok(rec, `record ${r.recordId} on chain`);
    assert.equal(rec.author.unwrap().toHex(), u8aToHex(decodeAddress(r.hospital.org)), `author of ${r.recordId}`);
    assert.equal(rec.anchoredBy.toHex(), u8aToHex(decodeAddress(ring.addFromUri(r.hospital.staffSuri).address)), 'anchored by the gateway key');
    assert.equal(rec.category.type, r.category);
    assert.equal(rec.contentHash.toHex(), r.contentHash);
    assert.equal(Buffer.from(rec.locator.unwrap().toU8a(true)).toString(), r.locator);
  }
  // The patient registered (onboarded, so attested) and each hospital holds a Treatment
  // write consent covering what it uploaded.
  const info = (await api.call.patientIdentityApi.patient(patient.address)).unwrap();
  assert.ok(info.isRegistered && info.asRegistered.onboardedBy.isSome);
  const consents = (await api.call.consentApi.consentsOf(patient.address)).map(([, c]) => c);
  for (const h of hs.hospitals) {
    const mine = seeded.filter((r) => r.hospital === h).reduce((bits, r) => bits | (1 << CATEGORIES.indexOf(r.category)), 0);
    const c = consents.find((x) => x.grantee.toHex() === u8aToHex(decodeAddress(h.org)));
    assert.ok(c && c.purpose.isTreatment && c.scope.access.write.isTrue, `${h.name}: a Treatment write consent`);
    assert.equal(Number(c.scope.categories.toString()) & mine, mine, `${h.name}: covers its categories`);
  }
  // The patient reads a document back from its hospital: the gateway serves what was uploaded.
  const res = await gatewayRequest(seeded[1].hospital, 'GET', `/v1/records/${seeded[1].recordId}`, { suri: PATIENT });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers['x-medchain-content-hash'], seeded[1].contentHash);
  assert.equal(res.json.resourceType, seeded[1].resource.resourceType);
  // Seeding the same documents again finds the same records (the gateways dedupe).
  const again = await seedHistory({ api, hospitals: hs.hospitals, patientSuri: PATIENT, documents: documents.slice(0, 3) });
  assert.deepEqual(again.map((r) => r.recordId), seeded.slice(0, 3).map((r) => r.recordId));
});

test('gatewaysOfPatient lists the three gateways (https URL, gateway key) for the seeded patient', async () => {
  assert.ok(seeded, 'needs the seeding test');
  const list = await api.call.gatewayDirectoryApi.gatewaysOfPatient(ring.addFromUri(PATIENT).address);
  const got = list.map(([org, e]) => [org.toHex(), Buffer.from(e.endpoint.toU8a(true)).toString(), e.publicKey.toHex()]).sort();
  const want = hs.hospitals.map((h) => [u8aToHex(decodeAddress(h.org)), h.url, u8aToHex(decodeAddress(ring.addFromUri(h.staffSuri).address))]).sort();
  assert.deepEqual(got, want);
});

test('chromium with chromiumTrustArgs: the allowed origin fetches /v1/info of every gateway; an unlisted origin is refused by CORS; another certificate of the dev CA is not trusted', async () => {
  const args = chromiumTrustArgs(hs.spkiHashes);
  assert.deepEqual(args, [`--ignore-certificate-errors-spki-list=${hs.spkiHashes.join(',')}`]);
  assert.ok(!args.some((a) => /^--ignore-certificate-errors(=|$)/.test(a)));
  const { page, failed } = await launch(args);

  await page.goto(`${allowedPage}/`);
  for (const h of hs.hospitals) {
    const r = await pageFetch(page, `${h.url}/v1/info`);
    assert.equal(r.ok, true, `${h.name} from ${allowedPage}: ${r.error}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.organization, h.org);
  }
  assert.deepEqual(failed, []);

  await page.goto(`${otherPage}/`);
  const h = hs.hospitals[0];
  const refused = await pageFetch(page, `${h.url}/v1/info`);
  assert.equal(refused.ok, false, 'an unlisted origin read the answer');
  assert.match(refused.error, /TypeError/);
  // It is CORS, not TLS: the same request without CORS (an opaque answer) connects fine,
  // and the gateway itself answers that origin 403 OriginNotAllowed.
  const opaque = await pageFetch(page, `${h.url}/v1/info`, 'no-cors');
  assert.deepEqual([opaque.ok, opaque.type], [true, 'opaque']);
  const direct = await httpsRequest(`${h.url}/v1/info`, { caPem: hs.caPem, headers: { origin: otherPage } });
  assert.deepEqual([direct.status, direct.json.error], [403, 'OriginNotAllowed']);
  assert.equal(direct.headers['access-control-allow-origin'], undefined);
  assert.ok(failed.some((f) => f.url === `${h.url}/v1/info` && f.error === 'net::ERR_FAILED'), JSON.stringify(failed));
  assert.ok(!failed.some((f) => /CERT/.test(f.error)), JSON.stringify(failed));

  // The list pins the gateways' own keys, not the dev CA: a certificate the same CA made for
  // another name (a server on 127.0.0.1 that is not a gateway) is refused.
  const certs = path.dirname(hs.ca);
  execFileSync('bash', [path.join(PORTAL, '..', 'scripts', 'dev-certs.sh'), 'not-a-gateway'], { env: { ...process.env, MEDCHAIN_DEV_CERTS: certs }, stdio: 'ignore' });
  const impostor = https.createServer({ cert: fs.readFileSync(path.join(certs, 'not-a-gateway.pem')), key: fs.readFileSync(path.join(certs, 'not-a-gateway.key')) }, (req, res) =>
    res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end('{"impostor":true}'),
  );
  await new Promise((r) => impostor.listen(0, '127.0.0.1', r));
  servers.push(impostor);
  const impostorUrl = `https://127.0.0.1:${impostor.address().port}/`;
  assert.equal((await httpsRequest(impostorUrl, { caPem: hs.caPem })).status, 200, 'Node trusting the CA reaches it');
  await page.goto(`${allowedPage}/`);
  const r = await pageFetch(page, impostorUrl);
  assert.equal(r.ok, false, 'chromium trusted a certificate that is not a gateway\'s');
  assert.ok(failed.some((f) => f.url === impostorUrl && f.error === 'net::ERR_CERT_AUTHORITY_INVALID'), JSON.stringify(failed));
});

test('chromium without the trust args cannot connect to a gateway at all (certificate refused)', async () => {
  const { page, failed } = await launch([]);
  await page.goto(`${allowedPage}/`);
  for (const h of hs.hospitals) {
    const r = await pageFetch(page, `${h.url}/v1/info`);
    assert.equal(r.ok, false, `${h.name}: connected without the trust args`);
    const opaque = await pageFetch(page, `${h.url}/v1/info`, 'no-cors');
    assert.equal(opaque.ok, false, `${h.name}: even an opaque request connected`);
  }
  for (const h of hs.hospitals) {
    assert.ok(failed.some((f) => f.url === `${h.url}/v1/info` && f.error === 'net::ERR_CERT_AUTHORITY_INVALID'), JSON.stringify(failed));
  }
});

test('chromiumTrustArgs: a user-data-dir for a browser started by hand; bad hashes refused', () => {
  assert.deepEqual(chromiumTrustArgs(hs.spkiHashes, { userDataDir: '/tmp/x' }), ['--user-data-dir=/tmp/x', `--ignore-certificate-errors-spki-list=${hs.spkiHashes.join(',')}`]);
  assert.throws(() => chromiumTrustArgs([]), /SPKI/);
  assert.throws(() => chromiumTrustArgs(['not base64 at all']), /not a base64 SHA-256/);
  assert.throws(() => chromiumTrustArgs([Buffer.alloc(20).toString('base64')]), /not a base64 SHA-256/);
});
