// The record gateway end to end, with two hospitals' gateways beside one real dev node:
// St. Mary's (A, the demo chain's hospital) uploads patient P's lab report to its gateway,
// which stores it encrypted and anchors it; Lakeside (B, registered here by the chain's
// governance) cannot fetch it until P consents and B logs the read on chain; the copy B
// gets verifies against the chain; P's revocation stops B at the very next request; P's
// seal makes A's gateway destroy the document (410); a byte flipped in A's store is
// refused as tampered; a gateway killed and restarted keeps serving; malformed requests
// get their error while the gateway stays up; a patient's erasure destroys their documents;
// Lakeside front-running St. Mary's anchor (same content hash, another category, a tip) gets
// neither the binding nor the document, and P's seal still destroys it; an
// upload interrupted by a crash ends as exactly one record. The gateways serve https (a
// development CA, lib/gateway.js); a browser page is answered only from the listed origin,
// with the wallet extension's <Bytes>-wrapped signature as well as a raw one.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { u8aConcat, hexToString, hexToU8a, u8aToHex } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady, randomAsHex } from '@polkadot/util-crypto';

import { signAndWait, startNode, sudoAndWait, waitForFinalized } from '../lib/node.js';
import { devCa, devCerts, gatewayBinary, httpRequest, signRequest, startGateway } from '../lib/gateway.js';
import { bytesToUtf8, enumName, field, findEvent, sameAccount, toBool, toNumber, unwrapOption } from '../lib/values.js';
import { LAB_RESULTS, UNIT, labReport, sleep, storedRow } from '../lib/gateway-fixtures.js';

const TX = { timeout: 240_000 };
// The web origin whose pages A's gateway serves (--cors-origin).
const PORTAL = 'https://portal.medchain.example';
const PROVIDER = 1; // Roles bit set: Provider
const IMAGING = 32; // Categories bit of RecordCategory::Imaging
const MENTAL_HEALTH = 128; // Categories bit of RecordCategory::MentalHealth


const phq9 = (id, score) => ({
  resourceType: 'Observation',
  id: `phq9-${id}`,
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '44261-6', display: 'PHQ-9 total score' }] },
  valueInteger: score,
  effectiveDateTime: '2026-12-02T10:00:00Z',
});


/**
 * A server on 127.0.0.1 (https, the development certificate) that answers `GET /v1/info` with
 * a byte copy of `gateway`'s and relays every other request (method, path, headers, body) to
 * it, returning its answer: what a stolen member-admin key could point the chain's directory
 * entry at. `relayed` lists what went through: { method, path, headers, status, bytes }.
 */
async function startRelay(gateway) {
  const info = (await httpRequest(`${gateway.url}/v1/info`)).bytes;
  const relayed = [];
  const server = createHttpsServer({ cert: readFileSync(devCerts().cert), key: readFileSync(devCerts().key) }, (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      if (req.method === 'GET' && req.url === '/v1/info') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(info);
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length', 'transfer-encoding'].includes(k)));
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      try {
        const answer = await httpRequest(`${gateway.url}${req.url}`, { method: req.method, headers, body });
        relayed.push({ method: req.method, path: req.url, headers, status: answer.status, bytes: answer.bytes });
        const out = {};
        answer.headers.forEach((v, k) => {
          if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(k)) out[k] = v;
        });
        res.writeHead(answer.status, out);
        res.end(Buffer.from(answer.bytes));
      } catch (e) {
        res.writeHead(502);
        res.end(String(e));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${server.address().port}`;
  return { url, relayed, info, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * Bind a gateway's stored row to another record id (python3's sqlite3), as a follower that
 * bound by content hash alone could have.
 */
function rebindRow(dbPath, locator, recordId) {
  const script = `
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE documents SET record_id = ? WHERE locator = ?", (bytes.fromhex(sys.argv[3]), sys.argv[2]))
c.commit()
`;
  execFileSync('python3', ['-c', script, dbPath, locator, recordId.slice(2)]);
}

/** Flip one byte of a document's ciphertext in a gateway's SQLite file (python3's sqlite3). */
function flipStoredByte(dbPath, recordId) {
  const script = `
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
row = c.execute("SELECT ciphertext FROM documents WHERE record_id = ?", (bytes.fromhex(sys.argv[2]),)).fetchone()
b = bytearray(row[0]); b[len(b) // 2] ^= 0x01
c.execute("UPDATE documents SET ciphertext = ? WHERE record_id = ?", (bytes(b), bytes.fromhex(sys.argv[2])))
c.commit()
`;
  execFileSync('python3', ['-c', script, dbPath, recordId.slice(2)]);
}


describe('record gateway: two hospitals exchange a lab report under the patient\'s consent', () => {
  let node;
  let api;
  let dir;
  let gwA;
  let gwB;
  let keys = {};
  let ready = false;
  let recordId = null; // P's lab report, uploaded to A
  let second = null; // a second report of P (tampered later)
  let consentToB = null;

  const label = () => randomAsHex(6).slice(2);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'medchain-e2e-gateway-'));
    node = await startNode();
    api = node.api;
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
    const tag = label();
    keys = {
      tag,
      alice: keyring.addFromUri('//Alice'), // St. Mary's admin (and the dev chain's sudo key)
      gatewayA: keyring.addFromUri(`//Alice//gateway-${tag}`), // St. Mary's gateway (staff)
      clerkA: keyring.addFromUri(`//Alice//records-clerk-${tag}`), // St. Mary's records clerk (staff)
      lakeside: keyring.addFromUri(`//Lakeside-${tag}`), // Lakeside admin
      gatewayB: keyring.addFromUri(`//Lakeside-${tag}//gateway`),
      doctorB: keyring.addFromUri(`//Lakeside-${tag}//doctor`),
      doctorBUri: `//Lakeside-${tag}//doctor`,
      nurseB: keyring.addFromUri(`//Lakeside-${tag}//nurse`),
      patient: keyring.addFromUri(`//GatewayPatient-${tag}`), // never funded: fee-less calls only
      other: keyring.addFromUri(`//GatewayOther-${tag}`), // another patient, never funded
    };
    const { alice, lakeside } = keys;
    // Governance registers Lakeside as a Provider; St. Mary's funds Lakeside's admin.
    await signAndWait(api, api.tx.balances.transferKeepAlive(lakeside.address, 1000n * UNIT), alice);
    await sudoAndWait(api, api.tx.consortium.registerOrganization(lakeside.address, 'Lakeside Hospital', PROVIDER), alice);
    // Staff: each gateway's key (funded: it pays its anchors' fees), a clerk, doctors.
    for (const [admin, staff] of [
      [alice, keys.gatewayA],
      [alice, keys.clerkA],
      [lakeside, keys.gatewayB],
      [lakeside, keys.doctorB],
      [lakeside, keys.nurseB],
    ]) {
      await signAndWait(api, api.tx.consortium.addStaff(staff.address), admin);
    }
    // Staff pay for their calls (log_access is not fee-less).
    for (const staff of [keys.doctorB, keys.nurseB]) {
      await signAndWait(api, api.tx.balances.transferKeepAlive(staff.address, 10n * UNIT), lakeside);
    }
    await signAndWait(api, api.tx.balances.transferKeepAlive(keys.gatewayA.address, 100n * UNIT), alice);
    await signAndWait(api, api.tx.balances.transferKeepAlive(keys.gatewayB.address, 100n * UNIT), lakeside);
    // P and Q are onboarded by St. Mary's; P lets St. Mary's write (and read) lab results.
    for (const p of [keys.patient, keys.other]) {
      await signAndWait(api, api.tx.patientIdentity.onboardPatient(p.address, randomAsHex(32)), alice);
      const scope = { categories: LAB_RESULTS | IMAGING, access: { read: true, write: true } };
      await signAndWait(api, api.tx.consent.grantConsent(alice.address, scope, 'Treatment', null), p);
    }
    const nodeWs = node.wsUrl;
    gwA = await startGateway({
      nodeWs,
      suri: `//Alice//gateway-${tag}`,
      dataDir: join(dir, 'a'),
      extraArgs: ['--upload-wait-secs', '90', '--cors-origin', PORTAL],
    });
    gwB = await startGateway({ nodeWs, suri: `//Lakeside-${tag}//gateway`, dataDir: join(dir, 'b') });
    ready = true;
  }, { timeout: 300_000 });

  after(async () => {
    if (gwA) await gwA.stop();
    if (gwB) await gwB.stop();
    if (node) await node.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, { timeout: 60_000 });

  afterEach((t) => {
    if (t.passed === false || t.error) {
      if (gwA) console.log(`--- gateway A log (${gwA.logPath}) ---\n${gwA.tail(30)}`);
      if (node) node.printLogTail(30, `after failed test "${t.name}"`);
    }
  });

  const fetchRecord = (gw, pair, id, opts = {}) => gw.request('GET', `/v1/records/${id}`, { pair, ...opts });
  const upload = (gw, pair, patient, resource, category = 'LabResults') =>
    gw.request('POST', `/v1/records?patient=${patient.address}&category=${category}`, {
      pair,
      body: typeof resource === 'string' ? resource : JSON.stringify(resource, null, 2),
    });

  it('each gateway names its organization; the audience is what requests are signed for', (t) => {
    if (!ready) return t.skip('set-up failed');
    assert.equal(gwA.info.organization, keys.alice.address);
    // The audience names this gateway: its organization, its key, its instance id.
    const prefix = u8aToHex(keys.alice.publicKey) + u8aToHex(keys.gatewayA.publicKey).slice(2);
    assert.match(gwA.info.audience, new RegExp(`^${prefix}[0-9a-f]{32}$`));
    assert.equal(gwA.info.signer, keys.gatewayA.address);
    assert.equal(gwA.info.documents, undefined, 'the store\'s counts are not public');
    assert.equal(gwB.info.organization, keys.lakeside.address);
  });

  it('A\'s clerk uploads P\'s lab report: stored, anchored by A\'s gateway key, an opaque locator; the same document twice is one record', TX, async (t) => {
    if (!ready) return t.skip('set-up failed');
    const res = await upload(gwA, keys.clerkA, keys.patient, labReport(131));
    assert.equal(res.status, 201, res.text);
    assert.match(res.json.record_id, /^0x[0-9a-f]{64}$/);
    assert.match(res.json.locator, /^mcg1:[0-9a-f]{32}$/, 'the locator must be opaque');
    assert.equal(res.json.state, 'anchored');
    recordId = res.json.record_id;

    const records = await api.call.healthRecordsApi.recordsOf(keys.patient.address, 0, 256);
    assert.equal(records.length, 1);
    const record = records[0][1];
    assert.equal(records[0][0].toHex(), recordId);
    assert.equal(field(record, 'contentHash').toHex(), res.json.content_hash);
    assert.equal(field(record, 'anchoredBy').toString(), keys.gatewayA.address, 'anchored by the gateway\'s staff key');

    // The same FHIR resource, keys in another order: the same record, nothing new on chain.
    const again = await upload(gwA, keys.clerkA, keys.patient, Object.fromEntries(Object.entries(labReport(131)).reverse()));
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.record_id, recordId);
    assert.equal((await api.call.healthRecordsApi.recordsOf(keys.patient.address, 0, 256)).length, 1);

    // A second report (tampered with later).
    const two = await upload(gwA, keys.clerkA, keys.patient, labReport(140));
    assert.equal(two.status, 201, two.text);
    second = two.json.record_id;

    // Lakeside's doctor is no staff of St. Mary's: A's gateway refuses their upload.
    const foreign = await upload(gwA, keys.doctorB, keys.patient, labReport(99));
    assert.equal(foreign.status, 403, foreign.text);
    assert.equal(foreign.json.error, 'NotStaffOfThisOrganization');
  });

  it('corrections: an upload naming the record it corrects is anchored as its next version (the chain links both ways); a stale, unknown, mismatched or malformed `supersedes` is refused by name', TX, async (t) => {
    if (!ready) return t.skip('set-up failed');
    const first = await upload(gwA, keys.clerkA, keys.patient, labReport(150));
    assert.equal(first.status, 201, first.text);
    const v1 = first.json.record_id;
    const correct = (resource, supersedes, category = 'LabResults') =>
      gwA.request('POST', `/v1/records?patient=${keys.patient.address}&category=${category}&supersedes=${supersedes}`, {
        pair: keys.clerkA,
        body: JSON.stringify(resource),
      });
    const second = await correct(labReport(151), v1);
    assert.equal(second.status, 201, second.text);
    const v2 = second.json.record_id;
    assert.notEqual(v2, v1);
    assert.equal(second.json.supersedes, v1);
    const record = async (id) => unwrapOption(await api.query.healthRecords.records(id));
    assert.equal(unwrapOption(field(await record(v2), 'supersedes'))?.toHex(), v1, 'the chain links the new version to the old');
    assert.equal(unwrapOption(field(await record(v1), 'supersededBy'))?.toHex(), v2, 'and the old to the new');
    // The same correction again is the same record; correcting the old version is refused.
    const again = await correct(labReport(151), v1);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.record_id, v2);
    const stale = await correct(labReport(152), v1);
    assert.equal(stale.status, 409, stale.text);
    assert.equal(stale.json.error, 'SupersedesOldVersion');
    const unknown = await correct(labReport(152), `0x${'00'.repeat(32)}`);
    assert.equal(unknown.status, 422, unknown.text);
    assert.equal(unknown.json.error, 'SupersedesUnknownRecord');
    const otherCategory = await correct(labReport(152), v2, 'Imaging');
    assert.equal(otherCategory.status, 422, otherCategory.text);
    assert.equal(otherCategory.json.error, 'SupersedesMismatch');
    const malformed = await correct(labReport(152), 'v1');
    assert.equal(malformed.status, 400, malformed.text);
    assert.equal(malformed.json.error, 'BadSupersedes');
  });

  it('the gateway directory: St. Mary\'s admin publishes its gateway (`medchain-gateway publish`); GatewayDirectoryApi lists it for P, whose records it anchored, with the key /v1/info shows; Lakeside, with no record of P, is not listed', TX, async (t) => {
    if (!recordId) return t.skip('needs the uploaded record');
    execFileSync(gatewayBinary(), [
      'publish', '--node', node.wsUrl, '--admin-suri', '//Alice',
      '--endpoint', gwA.url, '--signer', `//Alice//gateway-${keys.tag}`,
    ], { encoding: 'utf8' });
    execFileSync(gatewayBinary(), [
      'publish', '--node', node.wsUrl, '--admin-suri', `//Lakeside-${keys.tag}`,
      '--endpoint', gwB.url, '--signer', `//Lakeside-${keys.tag}//gateway`,
    ], { encoding: 'utf8' });
    const listed = (await api.call.gatewayDirectoryApi.gatewaysOfPatient(keys.patient.address)).toJSON();
    assert.equal(listed.length, 1, JSON.stringify(listed));
    const [organization, entry] = listed[0];
    assert.ok(sameAccount(organization, keys.alice), `listed ${organization}`);
    assert.equal(hexToString(entry.endpoint), gwA.url);
    assert.equal(entry.publicKey, u8aToHex(keys.gatewayA.publicKey), 'the published key is the gateway\'s signer');
    assert.equal(gwA.info.signer, keys.gatewayA.address);
    // Lakeside's entry exists, but it anchored nothing of P's.
    const lakeside = (await api.call.gatewayDirectoryApi.gatewayOf(keys.lakeside.address)).toJSON();
    assert.equal(hexToString(lakeside.endpoint), gwB.url);
    // A staff key (the gateway's own, funded) cannot publish for its hospital.
    assert.throws(() => execFileSync(gatewayBinary(), [
      'publish', '--node', node.wsUrl, '--admin-suri', `//Alice//gateway-${keys.tag}`,
      '--endpoint', 'https://evil.example', '--signer', `//Alice//gateway-${keys.tag}`,
    ], { encoding: 'utf8', stdio: 'pipe' }), /NotOrganizationAdmin/);
    assert.equal(hexToString((await api.call.gatewayDirectoryApi.gatewayOf(keys.alice.address)).toJSON().endpoint), gwA.url);
  });

  it('B\'s doctor is refused (403) before P consents; P grants B read access, B logs the read, fetches, and the copy verifies against the chain', TX, async (t) => {
    if (!recordId) return t.skip('needs the uploaded record');
    const refused = await fetchRecord(gwA, keys.doctorB, recordId);
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.json.error, 'NotLogged');
    assert.match(refused.json.message, /log_access/);

    const granted = await signAndWait(
      api,
      api.tx.consent.grantConsent(keys.lakeside.address, { categories: LAB_RESULTS, access: { read: true, write: false } }, 'Treatment', null),
      keys.patient,
    );
    consentToB = toNumber(findEvent(granted.events, 'consent', 'ConsentGranted').consentId);
    // Consent alone is not enough: the audit trail comes first.
    const unlogged = await fetchRecord(gwA, keys.doctorB, recordId);
    assert.equal(unlogged.status, 403);
    assert.equal(unlogged.json.error, 'NotLogged');

    await signAndWait(api, api.tx.consent.logAccess(keys.patient.address, consentToB, recordId, 'LabResults'), keys.doctorB);
    const served = await fetchRecord(gwA, keys.doctorB, recordId);
    assert.equal(served.status, 200, served.text);
    assert.equal(served.headers.get('content-type'), 'application/fhir+json');
    assert.equal(served.headers.get('x-medchain-served-as'), `consent:${keys.lakeside.address}`);
    assert.deepEqual(JSON.parse(served.text), labReport(131));
    // Verify: blake2_256(salt ++ body) is the anchored hash, and the chain agrees.
    const salt = served.headers.get('x-medchain-salt');
    const hash = blake2AsHex(u8aConcat(hexToU8a(salt), served.bytes), 256);
    assert.equal(hash, served.headers.get('x-medchain-content-hash'));
    const verification = await api.call.healthRecordsApi.verifyRecord(recordId, hash);
    assert.equal(toBool(field(verification, 'hashMatches')), true);

    // The log is per person: B's nurse, who logged nothing, is refused.
    const nurse = await fetchRecord(gwA, keys.nurseB, recordId);
    assert.equal(nurse.status, 403);
    assert.equal(nurse.json.error, 'NotLogged');
    // The patient may always fetch their own record, with no log.
    const own = await fetchRecord(gwA, keys.patient, recordId);
    assert.equal(own.status, 200, own.text);
    assert.equal(own.headers.get('x-medchain-served-as'), 'patient');
    // The consent covers lab results only; nobody else's key helps.
    const stranger = await fetchRecord(gwA, keys.other, recordId);
    assert.equal(stranger.status, 403);
    assert.equal(stranger.json.error, 'NotStaff');
  });

  it('a relay (a server that copies A\'s /v1/info and forwards everything else to A) gets no document: B\'s doctor, allowed to read, signs for the relay\'s origin and is refused 401 WrongOrigin; the same request straight to A is served (issue #25)', TX, async (t) => {
    if (!consentToB) return t.skip('needs B\'s logged read');
    const relay = await startRelay(gwA);
    try {
      // The relay shows A's /v1/info byte for byte: signer and audience check out.
      const shown = await httpRequest(`${relay.url}/v1/info`);
      assert.deepEqual(Buffer.from(shown.bytes), Buffer.from(relay.info));
      const info = JSON.parse(Buffer.from(shown.bytes).toString('utf8'));
      assert.equal(info.audience, gwA.info.audience);
      assert.equal(info.signer, gwA.info.signer);
      // A's own origins, which the relay copied too: its own is not among them.
      const relayOrigin = new URL(relay.url).origin;
      assert.ok(info.origins.includes(new URL(gwA.url).origin), JSON.stringify(info.origins));
      assert.ok(!info.origins.includes(relayOrigin), JSON.stringify(info.origins));

      // The clinician signs for where the request goes (the directory entry's endpoint).
      const url = `${relay.url}/v1/records/${recordId}`;
      const sent = signRequest(keys.doctorB, info.audience, 'GET', url, new Uint8Array());
      assert.equal(sent['x-medchain-origin'], relayOrigin);
      const viaRelay = await httpRequest(url, { headers: sent });
      const answer = JSON.parse(Buffer.from(viaRelay.bytes).toString('utf8'));
      assert.equal(viaRelay.status, 401, JSON.stringify(answer));
      assert.equal(answer.error, 'WrongOrigin');
      assert.ok(answer.message.includes(relayOrigin) && answer.message.includes(new URL(gwA.url).origin), answer.message);
      // The relay did forward it, and got the refusal, not the document.
      assert.equal(relay.relayed.length, 1);
      assert.equal(relay.relayed[0].status, 401);
      assert.equal(relay.relayed[0].headers['x-medchain-signature'], sent['x-medchain-signature']);
      // A relay that rewrites the origin header to A's breaks the signature.
      const rewritten = signRequest(keys.doctorB, info.audience, 'GET', url, new Uint8Array());
      const rewrite = await httpRequest(url, { headers: { ...rewritten, 'x-medchain-origin': new URL(gwA.url).origin } });
      assert.equal(rewrite.status, 401);
      assert.equal(JSON.parse(Buffer.from(rewrite.bytes).toString('utf8')).error, 'BadSignature');
      const document = Buffer.from(JSON.stringify(labReport(131)));
      for (const r of relay.relayed) {
        assert.notEqual(r.status, 200, r.path);
        assert.ok(!Buffer.from(r.bytes).includes(document) && !Buffer.from(r.bytes).toString('utf8').includes('resourceType'), 'the relay saw no document bytes');
      }
      // The same clinician, straight to A: served.
      const direct = await fetchRecord(gwA, keys.doctorB, recordId);
      assert.equal(direct.status, 200, direct.text);
      assert.deepEqual(JSON.parse(direct.text), labReport(131));
    } finally {
      await relay.close();
    }
  });

  it('purpose: Helix\'s Research consent and SecureCare\'s Insurance consent for the same lab results log no read (PurposeNotPermitted) and fetch nothing; Lakeside logs two records in one log_accesses and fetches both, each logged with its purpose', TX, async (t) => {
    if (!consentToB || !second) return t.skip('needs the consent to B and two records');
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
    const helix = keyring.addFromUri('//Ferdie'); // Helix Clinical Trials (TrialSponsor)
    const secureCare = keyring.addFromUri('//Bob//stash'); // SecureCare Insurance (Insurer)
    for (const [grantee, purpose] of [[helix, 'Research'], [secureCare, 'Insurance']]) {
      const granted = await signAndWait(
        api,
        api.tx.consent.grantConsent(grantee.address, { categories: LAB_RESULTS, access: { read: true, write: false } }, purpose, null),
        keys.patient,
      );
      const consentId = toNumber(findEvent(granted.events, 'consent', 'ConsentGranted').consentId);
      await assert.rejects(
        signAndWait(api, api.tx.consent.logAccess(keys.patient.address, consentId, recordId, 'LabResults'), grantee),
        /PurposeNotPermitted/,
        `a ${purpose} consent logged a read`,
      );
      await assert.rejects(
        signAndWait(api, api.tx.consent.logAccesses(keys.patient.address, consentId, [[recordId, 'LabResults']]), grantee),
        /PurposeNotPermitted/,
      );
      const refused = await fetchRecord(gwA, grantee, recordId);
      assert.equal(refused.status, 403, `${purpose}: ${refused.text}`);
      assert.equal(refused.json.error, 'NotLogged');
    }

    // One transaction logs the reads of both of P's lab reports for Lakeside's nurse.
    const logged = await signAndWait(
      api,
      api.tx.consent.logAccesses(keys.patient.address, consentToB, [[recordId, 'LabResults'], [second, 'LabResults']]),
      keys.nurseB,
    );
    const events = logged.events.filter(({ event }) => event.section === 'consent' && event.method === 'AccessLogged');
    assert.equal(events.length, 2, 'one AccessLogged event per record');
    for (const id of [recordId, second]) {
      const served = await fetchRecord(gwA, keys.nurseB, id);
      assert.equal(served.status, 200, served.text);
    }
    const log = (await api.call.consentApi.accessLog(keys.patient.address)).toJSON();
    assert.ok(log.length >= 3, JSON.stringify(log));
    for (const entry of log) {
      assert.equal(entry.purpose, 'Treatment', `entry ${JSON.stringify(entry)}`);
      assert.equal(entry.emergency, false);
    }
  });

  it('the README\'s clinician fetch (curl + `medchain-gateway sign`) runs as written', TX, async (t) => {
    if (!consentToB) return t.skip('needs B\'s logged read');
    const readme = readFileSync(join(fileURLToPath(new URL('../../..', import.meta.url)), 'README.md'), 'utf8');
    const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.includes('sign --gateway'));
    assert.ok(block, 'README.md has the curl fetch block');
    const script = block
      .replaceAll('~/.cache/medchain/target/release/medchain-gateway', gatewayBinary())
      .replaceAll('~/.cache/medchain/dev-certs/ca.pem', devCa())
      .replaceAll('127.0.0.1:8801', `127.0.0.1:${gwA.port}`)
      .replaceAll('//Lakeside//doctor', keys.doctorBUri);
    const out = execFileSync('bash', ['-euo', 'pipefail', '-c', script], { env: { ...process.env, RECORD: recordId }, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), labReport(131));
  });

  it('a browser page: https only, from a listed origin only, signed through the wallet extension (<Bytes>-wrapped) or raw', TX, async (t) => {
    if (!consentToB) return t.skip('needs B\'s logged read');
    // The polkadot.js extension's signRaw signs <Bytes> + message + </Bytes>: accepted.
    const wrapped = await fetchRecord(gwA, keys.doctorB, recordId, { sign: { wrapped: true }, headers: { origin: PORTAL } });
    assert.equal(wrapped.status, 200, wrapped.text);
    assert.deepEqual(JSON.parse(wrapped.text), labReport(131));
    assert.equal(wrapped.headers.get('access-control-allow-origin'), PORTAL);
    assert.match(wrapped.headers.get('access-control-expose-headers'), /x-medchain-salt/);
    // The raw form, from the same page.
    const raw = await fetchRecord(gwA, keys.doctorB, recordId, { headers: { origin: PORTAL } });
    assert.equal(raw.status, 200, raw.text);
    // A wrapped signature by the nurse presented as the doctor's: refused.
    const forged = await fetchRecord(gwA, keys.nurseB, recordId, {
      sign: { wrapped: true },
      headers: { origin: PORTAL, 'x-medchain-account': keys.doctorB.address },
    });
    assert.equal(forged.status, 401);
    assert.equal(forged.json.error, 'BadSignature');
    // A page from an origin the operator did not list gets nothing, even well signed.
    const evil = await fetchRecord(gwA, keys.doctorB, recordId, { sign: { wrapped: true }, headers: { origin: 'https://evil.example' } });
    assert.equal(evil.status, 403, evil.text);
    assert.equal(evil.json.error, 'OriginNotAllowed');
    assert.equal(evil.headers.get('access-control-allow-origin'), null);
    // The listed page's preflight is answered with the signature headers.
    const signed = 'x-medchain-account,x-medchain-timestamp,x-medchain-nonce,x-medchain-signature,x-medchain-origin';
    const preflight = (origin) =>
      httpRequest(`${gwA.url}/v1/records/${recordId}`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': signed },
      });
    const pre = await preflight(PORTAL);
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), PORTAL);
    assert.match(pre.headers.get('access-control-allow-headers'), /x-medchain-signature/);
    assert.match(pre.headers.get('access-control-allow-headers'), /x-medchain-origin/);
    assert.equal((await preflight('https://evil.example')).status, 403);
    // Plain http to the https port: refused.
    const plain = await httpRequest(`${gwA.url.replace('https:', 'http:')}/v1/records/${recordId}`, { headers: raw.sent });
    assert.equal(plain.status, 400);
    assert.equal(JSON.parse(Buffer.from(plain.bytes).toString('utf8')).error, 'HttpsRequired');
    assert.ok(gwA.url.startsWith('https://'), gwA.url);
  });

  it('signatures: a replayed request, a stale one, a forged one, one signed for the other gateway are refused (401)', TX, async (t) => {
    if (!consentToB) return t.skip('needs B\'s logged read');
    const ok = await fetchRecord(gwA, keys.doctorB, recordId);
    assert.equal(ok.status, 200, ok.text);
    const replay = await gwA.request('GET', `/v1/records/${recordId}`, { headers: ok.sent });
    assert.equal(replay.status, 401);
    assert.equal(replay.json.error, 'ReplayedNonce');
    const stale = await fetchRecord(gwA, keys.doctorB, recordId, { sign: { timestamp: Date.now() - 3_600_000 } });
    assert.equal(stale.status, 401);
    assert.equal(stale.json.error, 'StaleTimestamp');
    const forged = await fetchRecord(gwA, keys.nurseB, recordId, { headers: { 'x-medchain-account': keys.doctorB.address } });
    assert.equal(forged.status, 401);
    assert.equal(forged.json.error, 'BadSignature');
    // Signed for B's gateway, sent to A's: for B's origin, refused by name.
    const wrongAudience = await gwB.request('GET', `/v1/records/${recordId}`, { pair: keys.doctorB });
    const misdirected = await gwA.request('GET', `/v1/records/${recordId}`, {
      headers: { ...wrongAudience.sent, 'x-medchain-nonce': wrongAudience.sent['x-medchain-nonce'] },
    });
    assert.equal(misdirected.status, 401);
    assert.equal(misdirected.json.error, 'WrongOrigin');
    // For B's audience at A's origin: the signature does not verify at A.
    const otherAudience = await gwA.request('GET', `/v1/records/${recordId}`, {
      headers: signRequest(keys.doctorB, gwB.info.audience, 'GET', `${gwA.url}/v1/records/${recordId}`, new Uint8Array()),
    });
    assert.equal(otherAudience.status, 401);
    assert.equal(otherAudience.json.error, 'BadSignature');
    // B's own gateway holds no such document.
    assert.equal(wrongAudience.status, 404);
    assert.equal(wrongAudience.json.error, 'UnknownRecord');
  });

  it('a byte flipped in A\'s store is refused as tampered; other documents are still served', TX, async (t) => {
    if (!second) return t.skip('needs the second report');
    const before = await fetchRecord(gwA, keys.patient, second);
    assert.equal(before.status, 200, before.text);
    flipStoredByte(join(gwA.dataDir, 'gateway.sqlite'), second);
    const after = await fetchRecord(gwA, keys.patient, second);
    assert.equal(after.status, 500, after.text);
    assert.equal(after.json.error, 'Tampered');
    assert.match(after.json.message, /tampered/);
    const other = await fetchRecord(gwA, keys.patient, recordId);
    assert.equal(other.status, 200);
  });

  it('a gateway killed (SIGKILL) and restarted keeps serving what it served before', TX, async (t) => {
    if (!consentToB) return t.skip('needs B\'s logged read');
    await gwA.kill();
    const info = await gwA.restart();
    assert.equal(info.organization, keys.alice.address);
    // The store's counts are for A's own staff: unsigned, refused.
    assert.equal((await gwA.request('GET', '/v1/metrics')).status, 401);
    const metrics = await gwA.request('GET', '/v1/metrics', { pair: keys.clerkA });
    assert.equal(metrics.status, 200, metrics.text);
    assert.ok(metrics.json.documents.anchored >= 2, JSON.stringify(metrics.json.documents));
    const again = await fetchRecord(gwA, keys.doctorB, recordId);
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(JSON.parse(again.text), labReport(131));
  });

  it('P revokes: B\'s very next request is refused, naming the revocation', TX, async (t) => {
    if (!consentToB) return t.skip('needs B\'s consent');
    await signAndWait(api, api.tx.consent.revokeConsent(consentToB), keys.patient);
    const res = await fetchRecord(gwA, keys.doctorB, recordId);
    assert.equal(res.status, 403, res.text);
    assert.equal(res.json.error, 'RevokedConsent');
    assert.match(res.json.message, /revoked/);
  });

  it('P seals the record: A\'s gateway destroys the document within a finalized block and answers 410', TX, async (t) => {
    if (!recordId) return t.skip('needs the record');
    const sealed = await signAndWait(api, api.tx.healthRecords.sealRecord(recordId), keys.patient, { finalized: true });
    assert.ok(findEvent(sealed.events, 'healthRecords', 'RecordSealed'));
    const sealedAt = toNumber((await api.rpc.chain.getHeader(sealed.blockHash)).number);
    // The follower destroys it once the block is final; nobody has asked for it since.
    const db = join(gwA.dataDir, 'gateway.sqlite');
    const deadline = Date.now() + 30_000;
    let row = storedRow(db, recordId);
    while (row.state !== 'destroyed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      row = storedRow(db, recordId);
    }
    assert.deepEqual(row, { state: 'destroyed', has_ciphertext: false, has_key: false });
    const finalized = toNumber((await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number);
    assert.ok(finalized <= sealedAt + 1, `destroyed only at finalized #${finalized}, sealed in #${sealedAt}`);
    const gone = await fetchRecord(gwA, keys.patient, recordId);
    assert.equal(gone.status, 410, gone.text);
  });

  it('a patient\'s erasure destroys all their documents at the gateway', TX, async (t) => {
    if (!ready) return t.skip('set-up failed');
    const up = await upload(gwA, keys.clerkA, keys.other, labReport(120));
    assert.equal(up.status, 201, up.text);
    await signAndWait(api, api.tx.patientIdentity.deregister(), keys.other, { finalized: true });
    const db = join(gwA.dataDir, 'gateway.sqlite');
    const deadline = Date.now() + 30_000;
    let row = storedRow(db, up.json.record_id);
    while (row.state !== 'destroyed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      row = storedRow(db, up.json.record_id);
    }
    assert.equal(row.state, 'destroyed');
    const gone = await fetchRecord(gwA, keys.other, up.json.record_id);
    assert.equal(gone.status, 410, gone.text);
  });

  it('malformed requests get their error and the gateway stays up', TX, async (t) => {
    if (!ready) return t.skip('set-up failed');
    const notJson = await upload(gwA, keys.clerkA, keys.patient, '{"resourceType": "Observation",');
    assert.equal(notJson.status, 422);
    assert.equal(notJson.json.error, 'NotJson');
    const notFhir = await upload(gwA, keys.clerkA, keys.patient, { id: 'x', status: 'final' });
    assert.equal(notFhir.status, 422);
    assert.equal(notFhir.json.error, 'NotFhir');
    const huge = await upload(gwA, keys.clerkA, keys.patient, { resourceType: 'Binary', data: 'A'.repeat(2 << 20) });
    assert.equal(huge.status, 413);
    assert.equal(huge.json.error, 'TooLarge');
    const badCategory = await upload(gwA, keys.clerkA, keys.patient, labReport(1), 'Horoscope');
    assert.equal(badCategory.status, 400);
    assert.equal(badCategory.json.error, 'BadCategory');
    const unsigned = await gwA.request('GET', `/v1/records/${second}`);
    assert.equal(unsigned.status, 401);
    assert.equal(unsigned.json.error, 'MissingSignatureHeader');
    const garbage = await gwA.request('GET', `/v1/records/${second}`, {
      headers: {
        'x-medchain-account': keys.patient.address,
        'x-medchain-timestamp': String(Date.now()),
        'x-medchain-nonce': 'abcdefabcdefabcdef',
        'x-medchain-signature': `0x${'ab'.repeat(64)}`,
        'x-medchain-origin': new URL(gwA.url).origin,
      },
    });
    assert.equal(garbage.status, 401);
    assert.equal(garbage.json.error, 'BadSignature');
    const junkSig = await gwA.request('GET', `/v1/records/${second}`, {
      headers: { 'x-medchain-account': '\u00ff\u00fe', 'x-medchain-timestamp': 'x', 'x-medchain-nonce': '', 'x-medchain-signature': 'zz' },
    });
    assert.equal(junkSig.status, 401);
    const unknown = await fetchRecord(gwA, keys.patient, randomAsHex(32));
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error, 'UnknownRecord');
    const badId = await fetchRecord(gwA, keys.patient, '0x1234');
    assert.equal(badId.status, 400);
    assert.equal(badId.json.error, 'BadRecordId');
    const noEndpoint = await gwA.request('GET', '/v1/nothing');
    assert.equal(noEndpoint.status, 404);
    // Still up, still serving.
    assert.ok(gwA.alive());
    const info = await gwA.request('GET', '/v1/info');
    assert.equal(info.status, 200);
  });

  it('a refused anchor keeps the document; uploading it again once P consents anchors it', TX, async (t) => {
    if (!ready) return t.skip('set-up failed');
    // Genomics: P never let St. Mary's write it.
    const first = await upload(gwA, keys.clerkA, keys.patient, labReport(77), 'Genomics');
    assert.equal(first.status, 403, first.text);
    assert.equal(first.json.error, 'AnchorRefused');
    assert.match(first.json.message, /Consent\./);
    assert.equal(first.json.state, 'failed');
    await signAndWait(
      api,
      api.tx.consent.grantConsent(keys.alice.address, { categories: 64, access: { read: false, write: true } }, 'Treatment', null),
      keys.patient,
    );
    const retry = await upload(gwA, keys.clerkA, keys.patient, labReport(77), 'Genomics');
    assert.equal(retry.status, 201, retry.text);
    assert.equal(retry.json.locator, first.json.locator, 'the same stored document');
  });

  // Another Provider sees St. Mary's anchor in the pool and front-runs it (a tip) with an
  // anchor of the same content hash under a category it may write; the gateway must still
  // bind the upload to its own extrinsic's record.
  it('front-running: Lakeside anchors the same content hash first (tip) as LabResults; St. Mary\'s gateway binds its MentalHealth upload to its own record, Lakeside cannot read it, P\'s seal destroys it', { timeout: 900_000 }, async (t) => {
    if (!ready) return t.skip('set-up failed');
    const P = keys.patient;
    // St. Mary's may write P's mental-health notes; Lakeside holds a Treatment consent that
    // lets it write (and read) lab results only.
    await signAndWait(
      api,
      api.tx.consent.grantConsent(keys.alice.address, { categories: MENTAL_HEALTH, access: { read: true, write: true } }, 'Treatment', null),
      P,
    );
    const grantedL = await signAndWait(
      api,
      api.tx.consent.grantConsent(keys.lakeside.address, { categories: LAB_RESULTS, access: { read: true, write: true } }, 'Treatment', null),
      P,
    );
    const consentL = toNumber(findEvent(grantedL.events, 'consent', 'ConsentGranted').consentId);

    const isGatewayAnchor = (x) =>
      x.isSigned &&
      sameAccount(x.signer.toString(), keys.gatewayA.address) &&
      x.method.section === 'healthRecords' &&
      x.method.method === 'anchorRecord' &&
      sameAccount(x.method.args[0].toString(), P.address);

    // The attack, bounded: it only counts when Lakeside's anchor lands before St. Mary's in
    // the same block (a 3 s slot can fall between the two submissions).
    let race = null;
    const attempts = [];
    for (let attempt = 0; attempt < 6 && !race; attempt++) {
      const note = phq9(`${keys.tag}-${attempt}`, 14);
      // Lakeside watches its node's pool for St. Mary's gateway's anchor of P's document.
      let stop = false;
      const watching = (async () => {
        const deadline = Date.now() + 60_000;
        while (!stop && Date.now() < deadline) {
          const found = (await api.rpc.author.pendingExtrinsics()).find(isGatewayAnchor);
          if (found) return found;
          await sleep(15);
        }
        return null;
      })();
      const uploading = upload(gwA, keys.clerkA, P, note, 'MentalHealth');
      const pending = await watching;
      if (!pending) {
        stop = true;
        attempts.push('the gateway\'s anchor was never seen in the pool');
        await uploading;
        continue;
      }
      // Decode it, and anchor the same content hash under LabResults with a large tip.
      const contentHash = pending.method.args[2].toHex();
      const competing = await signAndWait(
        api,
        api.tx.healthRecords.anchorRecord(P.address, 'LabResults', contentHash, 'x', null),
        keys.doctorB,
        { tip: UNIT },
      );
      const up = await uploading;
      assert.equal(up.status, 201, up.text);
      const theirIndex = toNumber(competing.events[0].phase.asApplyExtrinsic);
      const theirs = findEvent(competing.events, 'healthRecords', 'RecordAnchored');
      const block = await api.rpc.chain.getBlock(competing.blockHash);
      const ourIndex = block.block.extrinsics.findIndex((x) => x.hash.toHex() === pending.hash.toHex());
      if (ourIndex < 0 || ourIndex < theirIndex) {
        attempts.push(ourIndex < 0 ? 'not in the same block' : `ours #${ourIndex} before theirs #${theirIndex}`);
        continue;
      }
      const events = await api.query.system.events.at(competing.blockHash);
      const [ours] = events.filter(
        ({ phase, event }) => phase.isApplyExtrinsic && toNumber(phase.asApplyExtrinsic) === ourIndex && event.section === 'healthRecords' && event.method === 'RecordAnchored',
      );
      assert.ok(ours, 'St. Mary\'s anchor succeeded');
      race = {
        note,
        upload: up.json,
        theirId: theirs.recordId.toHex(),
        ourId: ours.event.data[0].toHex(),
        contentHash,
        theirIndex,
        ourIndex,
      };
    }
    assert.ok(race, `Lakeside's anchor never landed before St. Mary's in one block: ${attempts.join('; ')}`);
    t.diagnostic(`after ${attempts.length} retries: Lakeside's anchor #${race.theirIndex}, St. Mary's #${race.ourIndex} of the same block`);
    const theirRecord = unwrapOption(await api.query.healthRecords.records(race.theirId));
    assert.equal(field(theirRecord, 'contentHash').toHex(), race.contentHash, 'the competitor anchored our content hash');
    assert.equal(enumName(field(theirRecord, 'category')), 'LabResults');
    assert.ok(sameAccount(unwrapOption(field(theirRecord, 'author')), keys.lakeside.address));

    // 1. The upload is bound to St. Mary's own record, not to the competitor's.
    const status = await gwA.request('GET', `/v1/uploads/${race.upload.locator}`, { pair: keys.clerkA });
    assert.equal(status.status, 200, status.text);
    assert.equal(status.json.state, 'anchored');
    assert.notEqual(status.json.record_id, race.theirId, 'bound to the competitor\'s record');
    assert.equal(status.json.record_id, race.ourId);
    assert.equal(race.upload.record_id, race.ourId, 'the uploader was told its own record');
    const ourRecord = unwrapOption(await api.query.healthRecords.records(race.ourId));
    assert.ok(sameAccount(unwrapOption(field(ourRecord, 'author')), keys.alice.address), 'authored by St. Mary\'s');
    assert.equal(enumName(field(ourRecord, 'category')), 'MentalHealth');
    assert.equal(bytesToUtf8(unwrapOption(field(ourRecord, 'locator'))), race.upload.locator);

    // 2. Lakeside logs a read of its own record (allowed: P's LabResults) and asks St.
    //    Mary's gateway for it: there is no document under that id.
    await signAndWait(api, api.tx.consent.logAccess(P.address, consentL, race.theirId, 'LabResults'), keys.doctorB);
    const stolen = await fetchRecord(gwA, keys.doctorB, race.theirId);
    assert.equal(stolen.status, 404, stolen.text);
    assert.equal(stolen.json.error, 'UnknownRecord');
    assert.doesNotMatch(stolen.text, /44261-6/);
    // The real record: Lakeside's consent does not cover mental health, on chain or here.
    await assert.rejects(
      signAndWait(api, api.tx.consent.logAccess(P.address, consentL, race.ourId, 'MentalHealth'), keys.doctorB),
      /consent\.CategoryNotCovered/,
    );
    const real = await fetchRecord(gwA, keys.doctorB, race.ourId);
    assert.equal(real.status, 403, real.text);
    assert.doesNotMatch(real.text, /44261-6/);

    // 3. The fetch re-check: a row bound to the competitor's record (as a follower binding
    //    by content hash alone would bind it) is refused to everyone, the patient included,
    //    instead of being served.
    const db = join(gwA.dataDir, 'gateway.sqlite');
    rebindRow(db, race.upload.locator, race.theirId);
    try {
      for (const who of [keys.doctorB, P]) {
        const misbound = await fetchRecord(gwA, who, race.theirId);
        assert.equal(misbound.status, 500, misbound.text);
        assert.equal(misbound.json.error, 'AnchorMismatch');
        assert.doesNotMatch(misbound.text, /44261-6/);
      }
    } finally {
      rebindRow(db, race.upload.locator, race.ourId);
    }
    const own = await fetchRecord(gwA, P, race.ourId);
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(JSON.parse(own.text), race.note);
    assert.equal(own.headers.get('x-medchain-category'), 'MentalHealth');

    // 4. P seals the real record: the gateway destroys the document.
    await signAndWait(api, api.tx.healthRecords.sealRecord(race.ourId), P, { finalized: true });
    const deadline = Date.now() + 30_000;
    let row = storedRow(db, race.ourId);
    while (row?.state !== 'destroyed' && Date.now() < deadline) {
      await sleep(250);
      row = storedRow(db, race.ourId);
    }
    assert.deepEqual(row, { state: 'destroyed', has_ciphertext: false, has_key: false });
    const gone = await fetchRecord(gwA, P, race.ourId);
    assert.equal(gone.status, 410, gone.text);
  });

  for (const point of ['before-send', 'after-send']) {
    it(`a crash ${point === 'before-send' ? 'after the anchor is signed and recorded, before it is sent' : 'right after the anchor is sent'} loses nothing and ends as exactly one record`, TX, async (t) => {
      if (!ready) return t.skip('set-up failed');
      const count = async () => (await api.call.healthRecordsApi.recordsOf(keys.patient.address, 0, 256)).length;
      const before = await count();
      // The gateway answers as soon as the document is durable (202), then aborts at `point`.
      await gwA.restart(['--upload-wait-secs', '0'], { MEDCHAIN_GATEWAY_CRASH_AT: point });
      const res = await upload(gwA, keys.clerkA, keys.patient, labReport(point === 'before-send' ? 55 : 56));
      assert.equal(res.status, 202, res.text);
      assert.ok(await gwA.waitForExit(60_000), 'the gateway did not reach the crash point');
      assert.match(gwA.tail(5), new RegExp(`MEDCHAIN_GATEWAY_CRASH_AT=${point}`));
      await gwA.restart(['--upload-wait-secs', '90'], {});
      const deadline = Date.now() + 120_000;
      let status = null;
      for (;;) {
        const s = await gwA.request('GET', `/v1/uploads/${res.json.locator}`, { pair: keys.clerkA });
        status = s.json;
        if (status?.state === 'anchored' || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      assert.equal(status.state, 'anchored', JSON.stringify(status));
      // Let a few more blocks pass: the re-sent bytes must not anchor a second copy.
      const head = toNumber((await api.rpc.chain.getHeader()).number);
      while (toNumber((await api.rpc.chain.getHeader()).number) < head + 3) await new Promise((r) => setTimeout(r, 500));
      assert.equal(await count(), before + 1, 'exactly one new record');
      const served = await fetchRecord(gwA, keys.patient, status.record_id);
      assert.equal(served.status, 200, served.text);
      assert.deepEqual(JSON.parse(served.text), labReport(point === 'before-send' ? 55 : 56));
    });
  }

  it('N17: a gateway whose key is only an Anchor proxy of a staff key (--acts-for) anchors uploads in that key\'s name and serves them; the key cannot break the glass or log reads; without the proxy it refuses to start', { timeout: 600_000 }, async (t) => {
    if (!ready) return t.skip('set-up failed');
    const { alice, tag } = keys;
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
    const staffUri = `//Alice//anchoring-staff-${tag}`;
    const gatewayUri = `//Alice//proxy-gateway-${tag}`;
    const staff = keyring.addFromUri(staffUri); // staff of St. Mary's; never on the gateway's host
    const gwKey = keyring.addFromUri(gatewayUri); // the gateway's key: no role, only the proxy
    const patient = keyring.addFromUri(`//ProxyPatient-${tag}`);
    await signAndWait(api, api.tx.consortium.addStaff(staff.address), alice);
    await signAndWait(api, api.tx.balances.transferKeepAlive(staff.address, 20n * UNIT), alice);
    await signAndWait(api, api.tx.balances.transferKeepAlive(gwKey.address, 20n * UNIT), alice);
    await signAndWait(api, api.tx.patientIdentity.onboardPatient(patient.address, randomAsHex(32)), alice);
    const scope = { categories: LAB_RESULTS, access: { read: true, write: true } };
    await signAndWait(api, api.tx.consent.grantConsent(alice.address, scope, 'Treatment', null), patient);
    const args = ['--acts-for', staff.address, '--upload-wait-secs', '90'];
    const dataDir = join(dir, 'proxy');

    // Not (yet) a proxy of the staff key: refused at start, saying what to do.
    await assert.rejects(
      startGateway({ nodeWs: node.wsUrl, suri: gatewayUri, dataDir, extraArgs: args }),
      /is not an Anchor proxy of --acts-for .*Proxy\.add_proxy \{ delegate: .*, proxy_type: Anchor, delay: 0 \}/,
    );
    // The staff key appoints the gateway's key its Anchor proxy (what `add-anchor-proxy` does).
    await signAndWait(api, api.tx.proxy.addProxy(gwKey.address, 'Anchor', 0), staff, { finalized: true });
    const gw = await startGateway({ nodeWs: node.wsUrl, suri: gatewayUri, dataDir, extraArgs: args });
    try {
      assert.equal(gw.info.organization, alice.address, 'the staff key\'s organization');
      assert.equal(gw.info.signer, gwKey.address);
      assert.equal(gw.info.acts_for, staff.address);

      // An upload: anchored by Proxy.proxy, in the staff key's name, authored by St. Mary's.
      const res = await upload(gw, keys.clerkA, patient, labReport(77));
      assert.equal(res.status, 201, res.text);
      assert.equal(res.json.state, 'anchored');
      const record = unwrapOption(await api.query.healthRecords.records(res.json.record_id));
      assert.equal(field(record, 'anchoredBy').toString(), staff.address, 'anchored in the staff key\'s name');
      assert.ok(sameAccount(unwrapOption(field(record, 'author')), alice.address), 'authored by St. Mary\'s');
      // Served to the patient, verifying against the chain.
      const got = await fetchRecord(gw, patient, res.json.record_id);
      assert.equal(got.status, 200, got.text);
      assert.equal(got.headers.get('x-medchain-served-as'), 'patient');
      const salt = hexToU8a(got.headers.get('x-medchain-salt'));
      assert.equal(blake2AsHex(u8aConcat(salt, got.bytes), 256), field(record, 'contentHash').toHex());

      // A proxied anchor the chain refuses (no consent to write MentalHealth): the outer
      // Proxy.proxy succeeds, its ProxyExecuted says why; the gateway reports that reason.
      const refused = await upload(gw, keys.clerkA, patient, phq9(`proxy-${tag}`, 3), 'MentalHealth');
      assert.equal(refused.status, 403, refused.text);
      assert.equal(refused.json.error, 'AnchorRefused');
      assert.match(refused.json.message, /Consent\./);
      assert.equal(refused.json.state, 'failed');

      // The gateway's key cannot break the glass or log a read, neither through the proxy
      // (filtered: an Anchor proxy only anchors) nor by itself (it holds no role).
      for (const call of [
        api.tx.consent.breakGlass(patient.address, 1),
        api.tx.consent.logAccess(patient.address, 0, res.json.record_id, 'LabResults'),
      ]) {
        const viaProxy = await signAndWait(api, api.tx.proxy.proxy(staff.address, 'Anchor', call), gwKey);
        const executed = findEvent(viaProxy.events, 'proxy', 'ProxyExecuted');
        assert.ok(executed, 'the proxy call ran');
        const { result } = executed;
        assert.ok(result.isErr, `${call.method.section}.${call.method.method} through the proxy must fail`);
        assert.ok(result.asErr.isModule && api.registry.findMetaError(result.asErr.asModule).name === 'CallFiltered',
          `refused as CallFiltered: ${result.toString()}`);
        await assert.rejects(signAndWait(api, call, gwKey), (e) => e.dispatchError !== undefined, 'the key itself holds no role');
      }
    } finally {
      await gw.stop();
    }
  });

  it('a gateway whose key is no organization\'s staff refuses to start, saying what to do', TX, async (t) => {
    if (!ready) return t.skip('set-up failed');
    await assert.rejects(
      startGateway({ nodeWs: node.wsUrl, suri: `//NoStaff-${label()}`, dataDir: join(dir, 'nostaff') }),
      /not staff \(nor admin\) of any organization: make it an Anchor proxy of a staff key \(`medchain-gateway add-anchor-proxy`, then run with --acts-for <staff>\), or staff itself \(`medchain-gateway add-staff`\)/,
    );
  });

  it('a store refuses a reset chain: a new dev chain (same genesis) behind the blocks the store processed', TX, async (t) => {
    if (!ready) return t.skip('set-up failed');
    await gwA.stop();
    const fresh = await startNode();
    try {
      await assert.rejects(
        startGateway({ nodeWs: fresh.wsUrl, suri: `//Alice//gateway-${keys.tag}`, dataDir: gwA.dataDir }),
        /a reset chain \(e\.g\. a new --dev --tmp node\) needs a fresh --data-dir/,
      );
    } finally {
      await fresh.stop();
    }
  });
});

