// The cross-city referral, in headless chromium, through the real node and three
// hospitals' gateways over https (trusted by certificate pin, nothing else): a Lakeside doctor
// asks, the patient approves in the patient view, the doctor assembles the history from the
// three gateways, every document verified against its anchor, and the patient sees the reads
// with their purpose; the same in Chinese for St. Mary's; Research and Insurance consents are
// refused; revocation is refused at the next fetch; a sealed record shows as destroyed;
// break-glass works and the patient sees it; a directory entry re-pointed with a stolen admin
// key (at another hospital's gateway, at a server showing another signing key) is refused as
// not the gateway the directory names, and no document is asked of it. Every assertion about
// an action reads the chain (or a gateway) back.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { startNode, serveDist, chromiumPath, send, SHOTS, PORTAL } from './lib.js';
import { startHospitals, seedHistory, chromiumTrustArgs, gatewayRequest, httpsRequest, ensurePatient, spkiHash } from './hospitals.js';
import { demoHistory } from './fixtures/history.js';

const load = (f) => JSON.parse(fs.readFileSync(path.join(PORTAL, 'src/locales', f), 'utf8'));
const en = { ...load('en.json'), ...load('fhir.en.json') };
const zh = { ...load('zh-CN.json'), ...load('fhir.zh-CN.json') };
const CATEGORIES = ['Demographics', 'Encounters', 'Diagnoses', 'Medications', 'LabResults', 'Imaging', 'Genomics', 'MentalHealth', 'Other'];
/** What the clinician view asks for by default (src/clinician.ts DEFAULT_REQUEST). */
const REQUESTED = ['Encounters', 'Diagnoses', 'Medications', 'LabResults', 'Imaging'];
const PATIENT = '//PatientDemo1';

let node, web, hs, browser, ctx, api, dir, patient, seeded, corrected;
const byKey = (k) => hs.hospitals.find((h) => h.key === k);

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medchain-referral-'));
  fs.mkdirSync(SHOTS, { recursive: true });
  [node, web] = await Promise.all([startNode(), serveDist()]);
  api = node.api;
  const origin = new URL(web.url).origin;
  hs = await startHospitals({ api, nodeWs: node.url, corsOrigins: [origin], dataDir: path.join(dir, 'gateways') });
  patient = await ensurePatient(api, PATIENT);
  seeded = await seedHistory({ api, hospitals: hs.hospitals, patientSuri: PATIENT, documents: demoHistory(15) });
  // A correction: St. Mary's uploads a corrected version of its first lab result.
  const first = seeded.find((d) => d.hospital.key === 'st-marys' && d.category === 'LabResults');
  const fixedResource = { ...first.resource, status: 'amended' };
  const res = await gatewayRequest(first.hospital, 'POST', `/v1/records?patient=${patient.address}&category=LabResults&supersedes=${first.recordId}`, { body: JSON.stringify(fixedResource) });
  assert.ok([200, 201, 202].includes(res.status), `correction upload: ${res.status} ${res.text}`);
  let doc = res.json;
  for (let i = 0; doc.state !== 'anchored'; i++) {
    assert.ok(i < 120, `correction not anchored: ${JSON.stringify(doc)}`);
    await new Promise((r) => setTimeout(r, 1000));
    doc = (await gatewayRequest(first.hospital, 'GET', `/v1/uploads/${doc.locator}`)).json;
  }
  corrected = { old: first.recordId, latest: doc.record_id };
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', ...chromiumTrustArgs(hs.spkiHashes)],
  });
  ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
});

after(async () => {
  await browser?.close().catch(() => {});
  await hs?.stop().catch(() => {});
  await web?.close().catch(() => {});
  await node?.stop().catch(() => {});
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// Every page error and console error fails the test, except the browser's own line for an
// HTTP refusal the test expects (`allowRefusals`): the gateway's 403/410 is the point there.
const pageErrors = [];
let allowRefusals = false;
afterEach(() => {
  const errors = pageErrors.splice(0);
  allowRefusals = false;
  assert.deepEqual(errors, [], `the page logged errors:\n${errors.join('\n')}`);
});

const pages = {};
async function pageFor(name) {
  if (!pages[name]) {
    const p = await ctx.newPage();
    p.on('pageerror', (e) => pageErrors.push(`${name}: page error: ${e.message}`));
    p.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (allowRefusals && /Failed to load resource: the server responded with a status of (403|410)/.test(m.text())) return;
      pageErrors.push(`${name}: console.error: ${m.text()} (${m.location()?.url ?? ''})`);
    });
    pages[name] = p;
  }
  return pages[name];
}

async function open(page, view, account, lang, extra = '') {
  const url = `${web.url}?rpc=${encodeURIComponent(node.url)}&account=${encodeURIComponent(account)}&lang=${lang}${extra}#${view}`;
  // The same URL again is a reload (goto would keep the page when only the hash is the same).
  if (page.url() === url) await page.reload();
  else await page.goto(url);
  await page.waitForSelector(`#view[data-view="${view}"][data-ready="true"]`, { timeout: 30_000 });
}

/** Click, and wait for the transaction it starts to end (the panel is reset first, so the
 * previous transaction's outcome cannot be taken for this one's). */
async function clickTx(page, selector, states) {
  await page.evaluate(() => {
    const p = document.getElementById('tx');
    if (p) p.dataset.state = 'idle';
  });
  await page.click(selector);
  return waitTx(page, states);
}

const openDoctor = (page, account, lang) => open(page, 'clinician', account, lang, `&patient=${encodeURIComponent(patient.address)}`);

async function waitTx(page, states = ['finalized', 'failed']) {
  await page.waitForFunction((s) => s.includes(document.getElementById('tx')?.dataset.state), states, { timeout: 90_000 });
  return page.$eval('#tx', (el) => ({ state: el.dataset.state, error: el.dataset.error, text: el.innerText }));
}

/** Wait until the view re-rendered after the given time (data-ready flips false → true). */
async function settled(page) {
  await page.waitForSelector('#view[data-ready="true"]', { timeout: 30_000 });
}

const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

async function consentState(page) {
  return page.$eval('[data-testid=consent-state]', (el) => ({ state: el.dataset.state, purpose: el.dataset.purpose, id: el.dataset.consentId, text: el.textContent }));
}

/** The patient's records the default request covers, latest versions only, from the chain. */
async function expectedRecords() {
  const recs = await api.call.healthRecordsApi.recordsOf(patient.address, 0, 256);
  return recs
    .filter(([, r]) => r.supersededBy.isNone && REQUESTED.includes(r.category.type))
    .map(([id, r]) => ({ id: id.toHex(), sealed: r.sealedAt.isSome, author: r.author.unwrap().toString() }));
}

async function timeline(page) {
  return page.$$eval('ol[data-testid=timeline] > li', (lis) =>
    lis.map((li) => ({ id: li.dataset.recordId, status: li.dataset.status, kind: li.dataset.kind, hospital: li.querySelector('.tl-hospital')?.textContent, text: li.innerText })),
  );
}

/** Ask (clinician page), approve (patient page), wait for the doctor's page to see the consent. */
async function askAndApprove(doctor, patientPage, { account, lang, purpose = 'Treatment', orgName, shotName }) {
  const cat = lang === 'en' ? en : zh;
  await openDoctor(doctor, account, lang);
  assert.equal((await consentState(doctor)).state, 'none');
  if (purpose !== 'Treatment') await doctor.selectOption('#req-purpose', purpose);
  assert.equal((await clickTx(doctor, '#request-submit')).state, 'finalized');
  await doctor.waitForSelector('[data-testid=consent-state][data-state=requested]', { timeout: 30_000 });
  const org = (await api.call.consortiumApi.organizationOf((await keyOf(account)).address)).unwrap().toString();
  const request = await api.query.consent.accessRequests(patient.address, org);
  assert.ok(request.isSome, 'the request is on chain');
  assert.equal(request.unwrap().purpose.type, purpose);

  await open(patientPage, 'patient', PATIENT, lang);
  const li = patientPage.locator(`li.request[data-org="${org}"]`);
  await li.waitFor({ timeout: 30_000 });
  assert.match(await li.innerText(), new RegExp(orgName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  if (shotName) await shot(patientPage, shotName);
  await patientPage.evaluate(() => (document.getElementById('tx').dataset.state = 'idle'));
  await li.locator('button.approve').click();
  const tx = await waitTx(patientPage);
  assert.equal(tx.state, 'finalized', tx.text);
  assert.ok(tx.text.includes(cat['tx.feeless'].split('{left}')[0]), `the approval is fee-less: ${tx.text}`);
  const consents = (await api.call.consentApi.consentsOf(patient.address)).filter(([, c]) => c.grantee.toString() === org && c.revokedAt.isNone && c.scope.access.read.isTrue);
  const mine = consents[consents.length - 1];
  assert.ok(mine, 'the approval granted a consent');
  assert.equal(mine[1].purpose.type, purpose);
  assert.ok((await api.query.consent.accessRequests(patient.address, org)).isNone, 'the grant closed the request');
  // The doctor's page sees it by itself (it follows finalized blocks).
  await doctor.waitForSelector('[data-testid=consent-state][data-state=granted]', { timeout: 30_000 });
  return { org, consentId: mine[0].toNumber() };
}

const ring = {};
async function keyOf(suri) {
  if (!ring[suri]) {
    const { Keyring } = await import('@polkadot/keyring');
    ring[suri] = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 4242 }).addFromUri(suri);
  }
  return ring[suri];
}

async function assemble(doctor) {
  const before = await doctor.$eval('#view', (el) => el.dataset.assembled ?? '');
  await doctor.click('#assemble');
  await doctor.waitForFunction((b) => (document.getElementById('view')?.dataset.assembled ?? '') !== b, before, { timeout: 120_000 });
  await settled(doctor);
  return timeline(doctor);
}

test('a Lakeside doctor asks, the patient approves, and the history comes from three gateways, every document verified and logged with its purpose', async () => {
  const doctor = await pageFor('lakeside');
  const patientPage = await pageFor('patient');
  // The patient shows their address, and a QR code of the link that opens the clinician
  // view on it; the doctor follows that link (with the doctor's node and key).
  await open(patientPage, 'patient', PATIENT, 'en');
  assert.equal(await patientPage.innerText('[data-testid=my-address]'), patient.address);
  const link = new URL(await patientPage.$eval('[data-testid=my-qr]', (f) => f.dataset.link));
  assert.ok(await patientPage.$eval('[data-testid=my-qr] img', (img) => img.complete && img.naturalWidth > 100), 'the QR code is drawn');
  assert.equal(link.hash, '#clinician');
  link.searchParams.set('rpc', node.url);
  link.searchParams.set('account', '//Lakeside');
  link.searchParams.set('lang', 'en');
  await doctor.goto(link.toString());
  await doctor.waitForSelector('#view[data-view="clinician"][data-ready="true"]', { timeout: 30_000 });
  assert.equal(await doctor.inputValue('#patient-address'), patient.address);
  assert.match(await doctor.innerText('[data-testid=acting-for]'), /Lakeside General Hospital/);

  const { org, consentId } = await askAndApprove(doctor, patientPage, { account: '//Lakeside', lang: 'en', orgName: 'Lakeside General Hospital', shotName: 'patient-request' });
  await shot(doctor, 'clinician-consent-granted');
  const expected = await expectedRecords();
  const items = await assemble(doctor);
  await shot(doctor, 'clinician-history');

  assert.deepEqual(items.map((i) => i.id).sort(), expected.map((e) => e.id).sort(), 'the timeline holds exactly the latest versions of the requested categories');
  assert.deepEqual(items.filter((i) => i.status !== 'verified'), [], 'every document verified');
  assert.equal(new Set(items.map((i) => i.hospital)).size, 3, 'from three hospitals');
  const kinds = new Set(items.map((i) => i.kind));
  for (const k of ['Observation', 'Condition', 'DiagnosticReport', 'AllergyIntolerance', 'Immunization']) assert.ok(kinds.has(k), `a ${k} is shown (${[...kinds]})`);
  assert.ok(kinds.has('MedicationStatement') || kinds.has('MedicationRequest'), 'a medication is shown');
  assert.ok(!items.some((i) => i.id === corrected.old), 'the corrected version is not on the timeline itself');
  const summary = await doctor.innerText('[data-testid=assembly-summary]');
  assert.match(summary, new RegExp(`^${expected.length} documents from 3 hospitals, ${expected.length} verified`));
  const measured = await doctor.evaluate(() => window.medchainLastAssembly);
  assert.equal(measured.verified, expected.length);

  // The earlier version, on request: logged, fetched and verified too.
  await doctor.click(`li[data-record-id="${corrected.latest}"] button.earlier`);
  await doctor.waitForSelector(`li[data-record-id="${corrected.latest}"] details li[data-record-id="${corrected.old}"][data-status="verified"]`, { timeout: 90_000 });

  // On chain: one read per document, by Lakeside, under the consent, for Treatment.
  const log = (await api.call.consentApi.accessLog(patient.address)).filter((e) => e.organization.toString() === org);
  assert.deepEqual(log.map((e) => e.recordId.toHex()).sort(), [...expected.map((e) => e.id), corrected.old].sort());
  assert.ok(log.every((e) => e.consentId.toNumber() === consentId && e.purpose.type === 'Treatment' && e.emergency.isFalse));

  // The patient sees the reads, with their purpose.
  await open(patientPage, 'patient', PATIENT, 'en');
  const purposes = await patientPage.$$eval('[data-testid=access-log] [data-testid=log-purpose]', (tds) => tds.map((td) => td.textContent));
  assert.equal(purposes.filter((p) => p === en['purpose.Treatment']).length, log.length);
  await shot(patientPage, 'patient-access-log');
});

test('the same in Chinese: St. Mary\'s asks, the patient approves in Chinese, the history is shown in Chinese', async () => {
  const doctor = await pageFor('st-marys');
  const patientPage = await pageFor('patient');
  await askAndApprove(doctor, patientPage, { account: '//Alice', lang: 'zh-CN', orgName: "St. Mary's Hospital", shotName: 'patient-request-zh' });
  const expected = await expectedRecords();
  const items = await assemble(doctor);
  await shot(doctor, 'clinician-history-zh');
  assert.equal(items.length, expected.length);
  assert.ok(items.every((i) => i.status === 'verified'));
  assert.ok(items.every((i) => i.text.includes(zh['clinician.verified'])), 'the documents say 已验证');
  const summary = await doctor.innerText('[data-testid=assembly-summary]');
  assert.ok(summary.includes('份文档'), summary);
  // No English sentence of the clinician view is left on the page.
  const text = await doctor.innerText('#view');
  for (const k of Object.keys(en).filter((k) => k.startsWith('clinician.') && !/\{/.test(en[k]) && en[k].length > 12)) {
    assert.ok(!text.includes(en[k]), `English left on the Chinese page: ${en[k]}`);
  }
});

test('a Research consent and an Insurance consent are refused for the same documents', async () => {
  allowRefusals = true;
  const patientPage = await pageFor('patient');
  const target = seeded.find((d) => d.category === 'LabResults');
  for (const [suri, purpose, name] of [
    ['//Ferdie', 'Research', 'Helix Clinical Trials'],
    ['//Bob//stash', 'Insurance', 'SecureCare Insurance'],
  ]) {
    const doctor = await pageFor(suri);
    const { org } = await askAndApprove(doctor, patientPage, { account: suri, lang: 'en', purpose, orgName: name });
    assert.equal((await consentState(doctor)).purpose, purpose);
    const tx = await clickTx(doctor, '#assemble');
    assert.equal(tx.state, 'failed');
    assert.equal(tx.error, 'consent.PurposeNotPermitted');
    assert.ok(tx.text.includes(en['err.consent.PurposeNotPermitted']), tx.text);
    await settled(doctor);
    assert.equal(await doctor.$('ol[data-testid=timeline]'), null, 'nothing is shown');
    assert.equal((await api.call.consentApi.accessLog(patient.address)).filter((e) => e.organization.toString() === org).length, 0, 'nothing is logged');
    // And the gateway serves nothing to that organization's key.
    const res = await gatewayRequest(target.hospital, 'GET', `/v1/records/${target.recordId}`, { suri });
    assert.equal(res.status, 403, `${purpose}: ${res.status} ${res.text}`);
    if (purpose === 'Insurance') await shot(doctor, 'clinician-insurance-refused');
  }
});

test('after the patient revokes, the next fetch is refused by every gateway', async () => {
  allowRefusals = true;
  const doctor = await pageFor('lakeside');
  const patientPage = await pageFor('patient');
  const org = (await keyOf('//Lakeside')).address;
  const consent = (await api.call.consentApi.consentsOf(patient.address)).find(([, c]) => c.grantee.toString() === org && c.revokedAt.isNone && c.scope.access.read.isTrue);
  const id = consent[0].toNumber();
  await open(patientPage, 'patient', PATIENT, 'en');
  assert.equal((await clickTx(patientPage, `button.revoke[data-id="${id}"]`)).state, 'finalized');
  assert.ok((await api.call.consentApi.consentsOf(patient.address)).find(([cid]) => cid.toNumber() === id)[1].revokedAt.isSome);

  await doctor.click('#refetch');
  await doctor.waitForFunction(() => [...document.querySelectorAll('ol[data-testid=timeline] > li')].every((li) => li.dataset.status !== 'verified'), null, { timeout: 60_000 });
  await settled(doctor);
  const items = await timeline(doctor);
  assert.ok(items.length > 0);
  for (const i of items) {
    assert.equal(i.status, 'failed');
    assert.ok(i.text.includes(en['clinician.refused.RevokedConsent']), i.text);
  }
  assert.equal((await consentState(doctor)).state, 'ended');
  assert.ok(await doctor.$eval('#assemble', (b) => b.disabled), 'no assembling without a consent');
  await shot(doctor, 'clinician-revoked');
});

test('a record the patient seals shows as destroyed, and its gateway no longer has it', async () => {
  allowRefusals = true;
  const doctor = await pageFor('st-marys');
  const patientPage = await pageFor('patient');
  const target = seeded.find((d) => d.hospital.key === 'riverbend' && REQUESTED.includes(d.category));
  await open(patientPage, 'patient', PATIENT, 'en');
  patientPage.once('dialog', (d) => d.accept());
  assert.equal((await clickTx(patientPage, `button.seal[data-id="${target.recordId}"]`)).state, 'finalized');

  const items = await assemble(doctor);
  const sealed = items.find((i) => i.id === target.recordId);
  assert.equal(sealed?.status, 'sealed');
  assert.ok(sealed.text.includes(zh['clinician.sealed']), sealed.text);
  assert.ok(items.filter((i) => i.id !== target.recordId).every((i) => i.status === 'verified'));
  // The gateway destroys the document (its follower, or at the first read): the patient gets 410.
  let res;
  for (let i = 0; i < 30; i++) {
    res = await gatewayRequest(target.hospital, 'GET', `/v1/records/${target.recordId}`, { suri: PATIENT });
    if (res.status === 410) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.equal(res.status, 410, res.text);
  await shot(doctor, 'clinician-sealed-zh');
});

test('break-glass: Riverbend takes emergency access once, reads the history, and the patient sees it at once', async () => {
  const doctor = await pageFor('riverbend');
  const patientPage = await pageFor('patient');
  const org = (await keyOf('//Riverbend')).address;
  // The patient's page is open before the emergency and is never reloaded.
  await open(patientPage, 'patient', PATIENT, 'en');
  await openDoctor(doctor, '//Riverbend', 'en');
  assert.equal((await consentState(doctor)).state, 'none');
  await doctor.click('#break-glass');
  assert.equal(await doctor.innerText('#bg-error'), en['clinician.breakGlassNeedConfirm']);
  await doctor.check('#bg-confirm');
  assert.equal((await clickTx(doctor, '#break-glass')).state, 'finalized');
  await settled(doctor);
  assert.equal((await consentState(doctor)).state, 'emergency');
  const uses = (await api.call.consentApi.emergencyUses(org)).map((n) => n.toNumber());
  assert.deepEqual(uses, [1, 1]);
  const items = await assemble(doctor);
  assert.ok(items.length > 0);
  assert.ok(items.filter((i) => i.status !== 'sealed').every((i) => i.status === 'verified'));
  const log = (await api.call.consentApi.accessLog(patient.address)).filter((e) => e.organization.toString() === org);
  assert.ok(log.length > 0 && log.every((e) => e.emergency.isTrue && e.purpose.type === 'Treatment'));
  await shot(doctor, 'clinician-break-glass');

  // Without a reload: the alert names the clinic and counts every document it read.
  const reads = await patientPage.waitForSelector(`[data-testid=emergency-reads][data-reads="${log.length}"]`, { timeout: 30_000 });
  assert.match(await reads.innerText(), new RegExp(`^${log.length} document`));
  const alert = await patientPage.innerText('[data-testid=emergency-alerts]');
  assert.match(alert, /Riverbend Clinic/);
  // And regulators see the reads.
  assert.equal((await api.query.consent.emergencyReads(org)).toNumber(), log.length);
  await shot(patientPage, 'patient-break-glass-alert');
});

test("a stolen admin key re-points Riverbend's directory entry at Lakeside's gateway, then at a server showing another signing key: the clinician view refuses both as gatewayMismatch (English, Chinese), asks neither for a document; then at a relay that copies Riverbend's /v1/info and forwards every request to it: refused WrongOrigin (English, Chinese), the relay gets no document; Riverbend verifies again once the entry is restored", async () => {
  const riverbend = byKey('riverbend');
  const lakeside = byKey('lakeside');
  const admin = await keyOf(riverbend.admin); // what the thief holds
  const gatewayKey = (await keyOf(riverbend.staffSuri)).publicKey; // the published key, left as it is
  const entryOf = async () => {
    const e = (await api.call.gatewayDirectoryApi.gatewayOf(riverbend.org)).unwrap();
    return { endpoint: Buffer.from(e.endpoint.toU8a(true)).toString(), key: e.publicKey.toHex() };
  };
  const setEntry = async (endpoint) => {
    await send(api, api.tx.consortium.setGateway(endpoint, gatewayKey), admin);
    assert.deepEqual(await entryOf(), { endpoint, key: `0x${Buffer.from(gatewayKey).toString('hex')}` }, 'the directory names the new endpoint');
  };
  assert.equal((await entryOf()).endpoint, riverbend.url, 'the entry starts at Riverbend\'s gateway');

  // The thief's server: the real gateway's /v1/info with another signer (and the audience
  // that names it), over https with a certificate of its own, answering preflights so a
  // portal that trusted it would send it signed requests. It counts every request.
  const certs = path.dirname(hs.ca);
  execFileSync('bash', [path.join(PORTAL, '..', 'scripts', 'dev-certs.sh'), 'thief'], { env: { ...process.env, MEDCHAIN_DEV_CERTS: certs }, stdio: 'ignore' });
  const thief = await keyOf('//Riverbend//thief');
  const audience = `0x${Buffer.from(admin.publicKey).toString('hex')}${Buffer.from(thief.publicKey).toString('hex')}${crypto.randomBytes(16).toString('hex')}`;
  const fakeInfo = { ...riverbend.info, organization: riverbend.org, signer: thief.address, audience };
  const seen = [];
  const stub = https.createServer({ cert: fs.readFileSync(path.join(certs, 'thief.pem')), key: fs.readFileSync(path.join(certs, 'thief.key')) }, (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'GET, POST', 'access-control-expose-headers': '*' };
    if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
    if (req.method === 'GET' && req.url === '/v1/info') return res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end(JSON.stringify(fakeInfo));
    res.writeHead(404, { ...cors, 'content-type': 'application/json' }).end('{"error":"NotFound"}');
  });
  await new Promise((r) => stub.listen(0, '127.0.0.1', r));
  const stubUrl = `https://127.0.0.1:${stub.address().port}`;

  // The thief's relay: Riverbend's own /v1/info, byte for byte (signer, audience and origins
  // all check out), and every other request (preflights included) forwarded to Riverbend's
  // gateway with its method, path, headers and body, the answer handed back. The portal signs
  // for the relay's origin, where it sends the requests: Riverbend refuses them (issue #25).
  const realInfo = (await httpsRequest(`${riverbend.url}/v1/info`, { caPem: riverbend.caPem })).text;
  const relayed = [];
  const upstream = new https.Agent({ ca: riverbend.caPem });
  const relay = https.createServer({ cert: fs.readFileSync(path.join(certs, 'thief.pem')), key: fs.readFileSync(path.join(certs, 'thief.key')) }, (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/v1/info') {
        return res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': req.headers.origin ?? '*', vary: 'origin' }).end(realInfo);
      }
      const headers = { ...req.headers };
      delete headers.host;
      delete headers.connection;
      const forward = https.request(new URL(req.url, riverbend.url), { method: req.method, headers, agent: upstream }, (up) => {
        const body = [];
        up.on('data', (c) => body.push(c));
        up.on('end', () => {
          const bytes = Buffer.concat(body);
          relayed.push({ method: req.method, url: req.url, status: up.statusCode, bytes });
          const back = { ...up.headers };
          delete back.connection;
          delete back['transfer-encoding'];
          res.writeHead(up.statusCode, back).end(bytes);
        });
      });
      forward.on('error', (e) => res.writeHead(502).end(String(e)));
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise((r) => relay.listen(0, '127.0.0.1', r));
  const relayUrl = `https://127.0.0.1:${relay.address().port}`;

  // A browser that trusts the thief's certificate too (as it would a public CA's): what is
  // refused below is refused by the portal's /v1/info check, not by TLS.
  const browser2 = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', ...chromiumTrustArgs([...hs.spkiHashes, spkiHash(path.join(certs, 'thief.pem'))])],
  });
  try {
    const doctor = await (await browser2.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' })).newPage();
    doctor.on('pageerror', (e) => pageErrors.push(`st-marys (2nd browser): page error: ${e.message}`));
    // Through the relay, the gateway's 401s are what is expected (the browser logs each).
    let relaying = false;
    doctor.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (relaying && /Failed to load resource: the server responded with a status of 401/.test(m.text())) return;
      pageErrors.push(`st-marys (2nd browser): console.error: ${m.text()}`);
    });
    const requests = [];
    doctor.on('request', (r) => requests.push(r.url()));

    const riverbendIds = new Set((await expectedRecords()).filter((e) => e.author === riverbend.org && !e.sealed).map((e) => e.id));
    assert.ok(riverbendIds.size > 0, 'Riverbend holds documents the consent covers');
    const fromRiverbend = (items) => items.filter((i) => riverbendIds.has(i.id));

    for (const { url, lang, what, reason } of [
      { url: lakeside.url, lang: 'en', what: "Lakeside's gateway (another organization)", reason: 'clinician.gatewayMismatch' },
      { url: stubUrl, lang: 'zh-CN', what: 'a server showing another signing key', reason: 'clinician.gatewayMismatch' },
      { url: relayUrl, lang: 'en', what: "a relay copying Riverbend's /v1/info", reason: 'clinician.refused.WrongOrigin' },
      { url: relayUrl, lang: 'zh-CN', what: "a relay copying Riverbend's /v1/info (Chinese)", reason: 'clinician.refused.WrongOrigin' },
    ]) {
      const cat = lang === 'en' ? en : zh;
      await setEntry(url);
      await openDoctor(doctor, '//Alice', lang);
      assert.equal((await consentState(doctor)).state, 'granted', "St. Mary's reads under its Treatment consent");
      requests.length = 0;
      seen.length = 0;
      relayed.length = 0;
      relaying = url === relayUrl;
      const items = await assemble(doctor);
      relaying = false;
      const refused = cat['clinician.notVerified'].replace('{reason}', cat[reason].replace('{url}', url));
      const mine = fromRiverbend(items);
      assert.equal(mine.length, riverbendIds.size, `${what}: Riverbend's documents are on the timeline`);
      for (const i of mine) {
        assert.equal(i.status, 'failed', `${what}: ${i.text}`);
        assert.ok(i.text.includes(refused), `${what}: "${refused}" not in ${i.text}`);
      }
      assert.deepEqual(
        items.filter((i) => !riverbendIds.has(i.id) && i.status !== 'verified' && i.status !== 'sealed').map((i) => i.text),
        [],
        `${what}: the other hospitals' documents still verify`,
      );
      // The portal asked the entry's server who it is, and nothing more of it.
      assert.ok(requests.includes(`${url}/v1/info`), `${what}: /v1/info was asked (${requests.join(', ')})`);
      if (url === relayUrl) {
        // The portal did send the relay signed requests (signed for the relay's origin); the
        // relay forwarded each to Riverbend, which refused it: no document bytes went through.
        const fetched = relayed.filter((r) => r.method === 'GET' && [...riverbendIds].some((id) => r.url.includes(id)));
        assert.equal(fetched.length, riverbendIds.size, `${what}: relayed ${relayed.map((r) => `${r.method} ${r.url} ${r.status}`).join(', ')}`);
        for (const r of fetched) {
          assert.equal(r.status, 401, `${what}: ${r.url} ${r.status}`);
          assert.equal(JSON.parse(r.bytes.toString('utf8')).error, 'WrongOrigin');
        }
        assert.ok(relayed.every((r) => r.status !== 200 && !r.bytes.toString('utf8').includes('resourceType')), `${what}: no document went through the relay`);
        continue;
      }
      assert.deepEqual(requests.filter((u) => [...riverbendIds].some((id) => u.includes(id))), [], `${what}: a Riverbend document was requested`);
      if (url === stubUrl) assert.deepEqual([...new Set(seen)], ['GET /v1/info'], `the thief's server saw: ${seen.join(', ')}`);
    }

    // The entry restored: the same view verifies Riverbend's documents again.
    await setEntry(riverbend.url);
    const items = await assemble(doctor);
    assert.deepEqual(fromRiverbend(items).filter((i) => i.status !== 'verified').map((i) => i.text), [], 'Riverbend verifies again');
    assert.ok(fromRiverbend(items).every((i) => i.text.includes(zh['clinician.verified'])));
  } finally {
    try {
      if ((await entryOf()).endpoint !== riverbend.url) await setEntry(riverbend.url);
    } finally {
      await browser2.close().catch(() => {});
      stub.closeAllConnections();
      await new Promise((r) => stub.close(() => r()));
      relay.closeAllConnections();
      await new Promise((r) => relay.close(() => r()));
      upstream.destroy();
    }
  }
});
