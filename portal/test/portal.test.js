// Browser tests: Debian's chromium (playwright-core) against the built portal and a fresh
// dev node. Every assertion about an action reads the chain back over RPC.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

import { startNode, serveDist, chromiumPath, seed, send, SHOTS, PORTAL } from './lib.js';

const require = createRequire(import.meta.url);
const en = JSON.parse(fs.readFileSync(path.join(PORTAL, 'src/locales/en.json'), 'utf8'));
const zh = JSON.parse(fs.readFileSync(path.join(PORTAL, 'src/locales/zh-CN.json'), 'utf8'));

let node, web, browser, page, facts, dir, api;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medchain-portal-'));
  fs.mkdirSync(SHOTS, { recursive: true });
  [node, web] = await Promise.all([startNode(), serveDist()]);
  api = node.api;
  facts = await seed(api, dir);
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  page = await ctx.newPage();
  // Every console error and uncaught page error fails the test that caused it (a missing
  // favicon, a failed request, an exception in a handler): a view must load clean.
  page.on('pageerror', (e) => pageErrors.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()} (${m.location()?.url ?? ''})`); });
});

const pageErrors = [];
afterEach(() => {
  const errors = pageErrors.splice(0);
  assert.deepEqual(errors, [], `the page logged errors:\n${errors.join('\n')}`);
});

after(async () => {
  await browser?.close().catch(() => {});
  await web?.close().catch(() => {});
  await node?.stop().catch(() => {});
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function open(view, account, lang = 'en') {
  await page.goto(`${web.url}?rpc=${encodeURIComponent(node.url)}&account=${encodeURIComponent(account)}&lang=${lang}#${view}`);
  await page.waitForSelector(`#view[data-view="${view}"][data-ready="true"]`, { timeout: 30_000 });
}

async function waitTx(states = ['finalized', 'failed']) {
  await page.waitForFunction((s) => s.includes(document.getElementById('tx')?.dataset.state), states, { timeout: 60_000 });
  return page.$eval('#tx', (el) => ({ state: el.dataset.state, error: el.dataset.error, text: el.innerText }));
}

async function tabTo(selector, max = 120) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement === document.querySelector(s), selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`keyboard focus never reached ${selector}`);
}

async function consentsOf(who) {
  return (await api.call.consentApi.consentsOf(who)).map(([id, c]) => ({ id: id.toNumber(), c }));
}

async function axe(label) {
  // Evaluated, not added as a <script>: the page's CSP refuses inline scripts (README "Security").
  await page.evaluate(fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
  const serious = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], `${label}: serious accessibility violations ${JSON.stringify(serious)}`);
}

const shot = (name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

test('patient grants a consent with the keyboard only, fee-less, and the chain shows it', async () => {
  const { patient, alice } = facts.keys;
  await open('patient', '//PatientDemo1');
  const beforeIds = new Set((await consentsOf(patient.address)).map((x) => x.id));
  await page.focus('body');
  await tabTo('#grantee');
  // Pick St. Mary's Hospital by typing, as a keyboard user does on a focused select.
  for (let i = 0; i < 10 && !(await page.$eval('#grantee', (s) => s.selectedOptions[0].text.startsWith("St. Mary's"))); i++) await page.keyboard.press('ArrowDown');
  assert.match(await page.$eval('#grantee', (s) => s.selectedOptions[0].text), /^St\. Mary's Hospital/);
  await tabTo('#cat-Medications');
  await page.keyboard.press('Space');
  await tabTo('#cat-Imaging');
  await page.keyboard.press('Space');
  await tabTo('#purpose');
  await tabTo('#grant-submit');
  await page.keyboard.press('Enter');
  const tx = await waitTx();
  assert.equal(tx.state, 'finalized', `grant failed: ${tx.text}`);
  assert.match(tx.text, /Fee: 0 \(fee-less/);
  assert.match(tx.text, /Submitted ✓[\s\S]*In a block ✓[\s\S]*Finalized ✓/);
  const fresh = (await consentsOf(patient.address)).filter((x) => !beforeIds.has(x.id));
  assert.equal(fresh.length, 1, 'exactly one new consent on chain');
  const { c, id } = fresh[0];
  assert.equal(c.grantee.toString(), alice.address);
  assert.equal(c.scope.categories.toNumber(), (1 << 3) | (1 << 5), 'Medications + Imaging');
  assert.equal(c.scope.access.read.isTrue, true);
  assert.equal(c.scope.access.write.isTrue, false);
  assert.equal(c.purpose.toString(), 'Treatment');
  assert.ok(c.revokedAt.isNone);
  await page.waitForSelector(`tr[data-consent-id="${id}"][data-active="true"]`);
  await shot('patient-consent-granted');
  facts.grantedId = id;
});

test('patient revokes the consent and the chain shows it revoked', async () => {
  const id = facts.grantedId;
  assert.ok(id !== undefined, 'needs the consent of the previous test');
  await page.focus(`button.revoke[data-id="${id}"]`);
  await page.keyboard.press('Enter');
  const tx = await waitTx();
  assert.equal(tx.state, 'finalized', `revoke failed: ${tx.text}`);
  const c = (await consentsOf(facts.keys.patient.address)).find((x) => x.id === id).c;
  assert.ok(c.revokedAt.isSome, 'consent revoked on chain');
  await page.waitForSelector(`tr[data-consent-id="${id}"][data-active="false"]`);
  assert.equal(await page.$(`button.revoke[data-id="${id}"]`), null);
  await shot('patient-consent-revoked');
});

test('a chain error is translated into a sentence, in Chinese', async () => {
  // An organization's key (St. Mary's admin, who pays fees) tries to grant a consent as if
  // it were a patient: the chain refuses with consent.NotAPatient.
  await open('patient', '//Alice', 'zh-CN');
  await page.check('#cat-Diagnoses');
  await page.click('#grant-submit');
  const tx = await waitTx();
  assert.equal(tx.state, 'failed');
  assert.equal(tx.error, 'consent.NotAPatient');
  assert.ok(tx.text.includes(zh['err.consent.NotAPatient']), tx.text);
  assert.ok(tx.text.includes(zh['tx.step.submitted']), tx.text);
  await shot('patient-error-zh');
  // A patient's own mistake is caught before anything is sent: an end date in the past.
  await open('patient', '//PatientDemo1', 'zh-CN');
  await page.check('#cat-Diagnoses');
  await page.fill('#expiry', '2020-01-01');
  await page.click('#grant-submit');
  await page.waitForFunction(() => document.getElementById('grant-error').textContent.length > 0);
  assert.equal(await page.$eval('#grant-error', (e) => e.textContent), zh['consent.expiryPast']);
});

test('the patient sees a hospital\'s emergency access as an alert', async () => {
  const { patient, alice } = facts.keys;
  const ev = await send(api, api.tx.consent.breakGlass(patient.address, 7), alice);
  assert.ok(ev.some(({ event }) => event.section === 'consent' && event.method === 'EmergencyAccessGranted'));
  const bg = (await consentsOf(patient.address)).filter((x) => x.c.kind.isBreakGlass);
  assert.equal(bg.length, 1, 'one emergency consent on chain');
  await open('patient', '//PatientDemo1');
  const alert = await page.waitForSelector(`[data-testid="emergency-alert"][data-consent-id="${bg[0].id}"]`);
  assert.match(await alert.innerText(), /St\. Mary's Hospital opened emergency access/);
  assert.equal(await page.$eval('[data-testid="emergency-alerts"]', (e) => e.getAttribute('role')), 'alert');
  await shot('patient-emergency-alert');
});

test('verify a copy: the canonical salted hash matches the anchored record, a changed copy does not', async () => {
  assert.ok(facts.recordId, 'seed anchored a record');
  await page.selectOption('#verify-record', facts.recordId);
  await page.setInputFiles('#verify-file', path.join(dir, 'record.json'));
  await page.fill('#verify-salt', facts.salt);
  await page.click('#verify-form button[type=submit]');
  await page.waitForSelector('#verify-result[data-match]');
  assert.equal(await page.$eval('#verify-result', (e) => e.dataset.match), 'true');
  const tampered = path.join(dir, 'tampered.json');
  fs.writeFileSync(tampered, fs.readFileSync(path.join(dir, 'record.json'), 'utf8').replace('13.1', '13.2'));
  await page.setInputFiles('#verify-file', tampered);
  await page.click('#verify-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('verify-result').dataset.match === 'false');
});

test('the patient seals a record: the locator is gone on chain, the hash stays verifiable', async () => {
  await open('patient', '//PatientDemo1');
  page.once('dialog', (d) => d.accept());
  await page.click(`tr[data-record-id="${facts.recordId}"] button.seal`);
  const tx = await waitTx();
  assert.equal(tx.state, 'finalized', tx.text);
  assert.match(tx.text, /Fee: 0 \(fee-less/);
  const v = await api.call.healthRecordsApi.verifyRecord(facts.recordId, facts.contentHash);
  assert.ok(v.sealed.isTrue && v.hashMatches.isTrue, JSON.stringify(v.toHuman()));
  await page.waitForFunction((id) => !document.querySelector(`tr[data-record-id="${id}"] button.seal`), facts.recordId);
});

test('language switch: every label changes, no English catalog string is left', async () => {
  await open('patient', '//PatientDemo1');
  await page.selectOption('#lang', 'zh-CN');
  await page.waitForSelector('#view[data-ready="true"]');
  assert.equal(await page.$eval('html', (h) => h.lang), 'zh-CN');
  assert.equal((await page.$eval('h1', (e) => e.textContent)).trim(), zh['patient.title']);
  // Organization names are proper names stored on chain, not catalog strings.
  const orgNames = (await api.query.consortium.organizations.entries()).map(([, v]) => v.unwrap().name.toUtf8());
  let text = await page.evaluate(() => document.body.innerText);
  // So are the account labels (dev keys of organizations this chain may not have registered).
  const accountLabels = await page.$$eval('#account option', (os) => os.map((o) => o.textContent).filter((x) => x.includes('//')));
  for (const n of [...accountLabels, ...orgNames]) text = text.split(n).join(' ');
  // Any English sentence of the catalog still on the page is an untranslated string.
  const left = Object.entries(en).filter(([k, v]) => zh[k] !== v && !v.includes('{') && v.length >= 8 && text.includes(v));
  assert.deepEqual(left, [], `English strings left on the Chinese page: ${JSON.stringify(left)}`);
  await shot('patient-zh');
  await page.selectOption('#lang', 'en');
  await page.waitForSelector('#view[data-ready="true"]');
  assert.equal((await page.$eval('h1', (e) => e.textContent)).trim(), en['patient.title']);
});

test('pharmacist verifies and dispenses a pack; a second dispense of the serial warns', async () => {
  const { bob } = facts.keys;
  const serial = facts.serialsA[2];
  await open('pharmacist', '//Bob');
  await page.fill('#scan', `]d201${facts.GTIN}17281231 10LOT-A<GS>21${serial}`.replace(' ', ''));
  await page.setInputFiles('#serials-file', path.join(dir, 'serials-LOT-A.txt'));
  await page.click('#verify-unit');
  await page.waitForFunction(() => document.getElementById('unit').dataset.verdict);
  assert.equal(await page.$eval('#unit', (e) => e.dataset.verdict), 'ok', await page.$eval('#unit', (e) => e.innerText));
  assert.equal(await page.$eval('[data-testid=serial]', (e) => e.textContent), serial);
  await shot('pharmacist-verified');
  await page.click('#dispense');
  const tx = await waitTx();
  assert.equal(tx.state, 'finalized', tx.text);
  assert.match(tx.text, /Fee: [\d.]+ [mµ]?MED/, 'a pharmacy pays a fee');
  assert.doesNotMatch(tx.text, /fee-less/);
  // The chain: the serial is dispensed by Riverside Pharmacy.
  const st = await api.call.drugProvenanceApi.verifyUnit(facts.GTIN, 'LOT-A', serial, { leafIndex: 0, leafCount: 5, siblings: [] });
  assert.ok(st.dispensed.isSome, 'dispensed on chain');
  assert.equal(st.dispensed.unwrap().pharmacy.toString(), bob.address);
  // The same serial again: double-dispense warning, no dispense button, report instead.
  await page.waitForSelector('[data-testid=double-dispense]');
  assert.equal(await page.$eval('#unit', (e) => e.dataset.verdict), 'dispensed');
  assert.match(await page.$eval('[data-testid=double-dispense]', (e) => e.textContent), /Already dispensed by Riverside Pharmacy/);
  assert.equal(await page.$('#dispense'), null);
  await shot('pharmacist-double-dispense');
  await page.click('#report');
  const tx2 = await waitTx();
  assert.equal(tx2.state, 'finalized', tx2.text);
  const reports = await api.call.drugProvenanceApi.suspectReports(facts.batchA);
  assert.equal(reports.length, 1);
  assert.equal(reports[0].reason.toString(), 'DoubleDispense');
  assert.equal(reports[0].reporter.toString(), bob.address);
  // A new pack is a new task: the previous pack's outcome ("Done: Report ...") is gone from
  // the transaction panel before the new verdict shows.
  await page.fill('#scan', `]d201${facts.GTIN}1728123110LOT-A<GS>21${facts.serialsA[3]}`);
  await page.click('#verify-unit');
  await page.waitForFunction(() => document.getElementById('unit').dataset.verdict === 'ok');
  assert.equal(await page.$eval('#tx', (e) => e.dataset.state), 'idle');
  assert.equal(await page.$eval('#tx', (e) => e.innerText.trim()), '', 'the previous pack\'s transaction status is still shown');
});

test('regulator sees the recalled batch, its holders and custody diagram', async () => {
  await open('regulator', '//Eve');
  const art = await page.waitForSelector(`article[data-batch-id="${facts.batchR}"][data-recalled="true"]`);
  const holders = await api.call.drugProvenanceApi.holders(facts.batchR);
  assert.ok(holders.length >= 2);
  for (const [who, c] of holders) {
    const held = await art.$eval(`tr[data-holder="${who.toString()}"] [data-testid=held]`, (e) => Number(e.textContent));
    assert.equal(held, c.held.toNumber(), `held by ${who}`);
  }
  const edges = await art.$$eval('[data-testid=edge]', (es) => es.map((e) => e.textContent));
  assert.ok(edges.some((e) => /Acme Pharmaceuticals → MedLogistics Distribution: 3 units/.test(e)), JSON.stringify(edges));
  assert.ok(edges.some((e) => /MedLogistics Distribution → Riverside Pharmacy: 2 units/.test(e)), JSON.stringify(edges));
  // The double-dispensed batch A is listed too, with its report.
  await page.waitForSelector(`article[data-batch-id="${facts.batchA}"] [data-testid=reports]`);
  const em = await api.call.consentApi.emergencyUses(facts.keys.alice.address);
  const row = `[data-testid=emergency] tbody tr[data-org="${facts.keys.alice.address}"]`;
  assert.equal(await page.$eval(`${row} [data-testid=em-total]`, (e) => Number(e.textContent)), em[0].toNumber());
  const reads = await api.query.consent.emergencyReads(facts.keys.alice.address);
  assert.equal(await page.$eval(`${row} [data-testid=em-reads]`, (e) => Number(e.textContent)), reads.toNumber());
  await shot('regulator-recall');
});

test('regulator sees the trial whose outcomes were switched, with missing and added outcomes', async () => {
  const switched = (await api.call.clinicalTrialsApi.trialsWithOutcomeSwitch(null, 50)).map((x) => x.toNumber());
  assert.deepEqual(switched, [facts.trialId]);
  const li = await page.waitForSelector(`[data-testid=trials] li[data-trial-id="${facts.trialId}"]`);
  const text = await li.innerText();
  assert.match(text, /NCT-PORTAL-0001/);
  const missingLine = text.split('\n').find((l) => l.startsWith(en['reg.missing']));
  const addedLine = text.split('\n').find((l) => l.startsWith(en['reg.added']));
  assert.ok(missingLine.includes(facts.outcomes.secondary.slice(0, 18)) && !missingLine.includes(facts.outcomes.primary.slice(0, 18)), missingLine);
  assert.ok(addedLine.includes(facts.outcomes.added.slice(0, 18)), addedLine);
});

test('a patient erases their identity after the warning; the chain shows it deregistered', async () => {
  const { patient2 } = facts.keys;
  await open('patient', '//PatientDemo2');
  assert.ok((await api.call.patientIdentityApi.patient(patient2.address)).unwrap().isRegistered);
  assert.match(await page.$eval('#h-erase', (e) => e.parentElement.innerText), /What it does not erase/);
  await page.check('#erase-confirm');
  await page.click('#erase');
  const tx = await waitTx();
  assert.equal(tx.state, 'finalized', tx.text);
  assert.ok((await api.call.patientIdentityApi.patient(patient2.address)).unwrap().isDeregistered);
  await page.waitForSelector('#view[data-ready="true"]');
  await page.waitForFunction(() => !document.getElementById('erase'));
});

test('accessibility: no serious or critical axe violations on the three views', async () => {
  await open('patient', '//PatientDemo1');
  await axe('patient');
  await open('pharmacist', '//Bob');
  await axe('pharmacist');
  await open('regulator', '//Eve');
  await axe('regulator');
  await open('patient', '//PatientDemo1', 'zh-CN');
  await axe('patient (zh-CN)');
});
