// EHR anchoring end to end, as a hospital system and a verifier would drive it:
// the hospital canonicalizes and hashes a FHIR DiagnosticReport with the client
// tooling (clients/js), anchors it under the patient's Write consent, and
// any holder of a copy verifies it through `api.call.healthRecordsApi`; a
// nightly export of 10,000 documents is anchored as ONE Merkle root in one
// extrinsic and three random members are proven by inclusion proofs; the
// patient seals (crypto-shreds) the record and its hash still verifies.
//
// Hashes, trees and proofs come from the client tool's CLI (clients/js,
// `medchain-client hash | batch | prove | verify`), run as a hospital's export job
// would run it; scripts/test.sh installs its dependencies before this suite.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, describe, it } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, randomAsHex } from '@polkadot/util-crypto';

import { expectPoolRejection, signAndWait, startNode } from '../lib/node.js';
import { bytesToUtf8, eventNames, field, findEvent, sameAccount, toBool, toNumber, unwrapOption } from '../lib/values.js';

const LAB_RESULTS = 16; // Categories bit of RecordCategory::LabResults
const TX_TIMEOUT = { timeout: 180_000 };
const BATCH_SIZE = 10_000;
/** St. Mary's secret locator key (a gateway's configuration in production). */
const LOCATOR_KEY = `0x${'5a'.repeat(32)}`;
const CLIENT = fileURLToPath(new URL('../../../clients/js/bin/medchain-client.js', import.meta.url));

/** Run the client tool's CLI; its JSON output. */
function client(...args) {
  return JSON.parse(execFileSync(process.execPath, [CLIENT, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 }));
}

/** A FHIR R4 DiagnosticReport as a hospital's FHIR server would hold it. */
function diagnosticReport(status) {
  return {
    resourceType: 'DiagnosticReport',
    id: 'cbc-2026-11-26',
    status,
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'HM' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '58410-2', display: 'CBC panel - Blood by Automated count' }] },
    subject: { reference: 'Patient/e2e' },
    effectiveDateTime: '2026-11-26T08:30:00Z',
    result: [{ reference: 'Observation/hb' }, { reference: 'Observation/wbc' }],
  };
}

/** One FHIR Observation of the nightly export. */
function observation(i) {
  return {
    resourceType: 'Observation',
    id: `obs-${i}`,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood' }] },
    valueQuantity: { value: 120 + (i % 50), unit: 'g/L', system: 'http://unitsofmeasure.org', code: 'g/L' },
    effectiveDateTime: '2026-11-25T23:00:00Z',
  };
}

describe('health records: anchor a FHIR document, verify it, prove members of a 10,000-document batch, seal', () => {
  let node;
  let api;
  let alice; // St. Mary's Hospital (Provider)
  let bob; // Riverside Pharmacy (not a Provider)
  let patient; // fresh key, never funded: fee-less calls only

  let metadataOk = false;
  let consented = false;
  let anchored = null; // { recordId, hash, salt, file, blockHash }
  let dir; // scratch directory for the documents the client tool hashes

  /** Write `resource` to `name` in the scratch directory and hash it with the CLI. */
  const hashFile = (name, resource, salt) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(resource, null, 2));
    return client('hash', file, ...(salt ? ['--salt', salt] : []));
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'medchain-e2e-records-'));
    node = await startNode();
    api = node.api;
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
    alice = keyring.addFromUri('//Alice');
    bob = keyring.addFromUri('//Bob');
    patient = keyring.addFromUri(`//RecordsE2E-${randomAsHex(8).slice(2)}`);
  }, { timeout: 120_000 });

  after(async () => {
    if (node) await node.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, { timeout: 30_000 });

  afterEach((t) => {
    if (node && (t.passed === false || t.error)) node.printLogTail(50, `after failed test "${t.name}"`);
  });

  it('metadata lists the HealthRecords calls and HealthRecordsApi', () => {
    assert.ok(api.tx.healthRecords, `no HealthRecords calls in metadata; pallets: ${Object.keys(api.tx).join(', ')}`);
    for (const call of ['anchorRecord', 'anchorBatch', 'sealRecord']) {
      assert.equal(typeof api.tx.healthRecords[call], 'function', `api.tx.healthRecords.${call} missing`);
    }
    assert.ok(api.call.healthRecordsApi, `api.call.healthRecordsApi missing; have: ${Object.keys(api.call).join(', ')}`);
    for (const fn of ['verifyRecord', 'verifyInclusion', 'recordsOf', 'recordHistory', 'batch']) {
      assert.equal(typeof api.call.healthRecordsApi[fn], 'function', `api.call.healthRecordsApi.${fn} missing`);
    }
    metadataOk = true;
  });

  it('the patient is onboarded and lets the hospital write lab results (fee-less)', TX_TIMEOUT, async (t) => {
    if (!metadataOk) return t.skip('needs HealthRecords in the metadata');
    const commitment = randomAsHex(32);
    await signAndWait(api, api.tx.patientIdentity.onboardPatient(patient.address, commitment), alice);
    const scope = { categories: LAB_RESULTS, access: { read: true, write: true } };
    const granted = await signAndWait(api, api.tx.consent.grantConsent(alice.address, scope, 'Treatment', null), patient);
    assert.ok(findEvent(granted.events, 'consent', 'ConsentGranted'), `events: ${eventNames(granted.events)}`);
    consented = true;
  });

  it('the hospital anchors a client-hashed FHIR DiagnosticReport; a copy verifies, an edited copy does not', TX_TIMEOUT, async (t) => {
    if (!consented) return t.skip('needs the Write consent of the previous step');

    // The hospital's system hashes the report with a fresh salt (kept with the document).
    const resource = diagnosticReport('final');
    const { salt, content_hash: hash } = hashFile('report.json', resource);
    // The chain gets an opaque locator (a keyed hash of the hospital's own reference), never
    // the readable URL: a locator stays in the block for ever, even after sealing.
    const reference = 'https://fhir.stmarys.example/DiagnosticReport/cbc-2026-11-26/_history/1';
    const { locator } = client('locator', reference, '--key', LOCATOR_KEY);
    assert.match(locator, /^mc1:[0-9a-f]{64}$/);

    // A pharmacy is no Provider: it cannot anchor.
    await assert.rejects(
      signAndWait(api, api.tx.healthRecords.anchorRecord(patient.address, 'LabResults', hash, locator, null), bob),
      (err) => {
        assert.equal(err.message, 'consortium.MissingRole');
        return true;
      },
    );

    const result = await signAndWait(
      api,
      api.tx.healthRecords.anchorRecord(patient.address, 'LabResults', hash, locator, null),
      alice,
    );
    const ev = findEvent(result.events, 'healthRecords', 'RecordAnchored');
    assert.ok(ev, `no HealthRecords.RecordAnchored; events: ${eventNames(result.events)}`);
    assert.equal(ev.contentHash.toHex(), hash);
    assert.ok(sameAccount(unwrapOption(ev.author), alice), `author is ${ev.author}`);
    const recordId = ev.recordId.toHex();
    anchored = { recordId, hash, salt, resource, blockHash: result.blockHash };

    // Hospital B received the document and the salt (e.g. in a FHIR Bundle over its
    // own channel), pretty-printed with its keys in another order: it re-hashes its copy
    // with the same tool, then asks the chain.
    const received = Object.fromEntries(Object.entries(resource).reverse());
    const copyHash = hashFile('received.json', received, salt).content_hash;
    assert.equal(copyHash, hash, 'canonicalization made the copy hash differently');
    const verification = await api.call.healthRecordsApi.verifyRecord(recordId, copyHash);
    assert.equal(toBool(field(verification, 'known')), true);
    assert.equal(toBool(field(verification, 'hashMatches')), true, `verifyRecord: ${JSON.stringify(verification.toJSON())}`);
    assert.equal(toBool(field(verification, 'sealed')), false);
    assert.equal(unwrapOption(field(verification, 'supersededBy')), null);
    assert.ok(sameAccount(unwrapOption(field(verification, 'author')), alice));
    const anchoredAt = toNumber(unwrapOption(field(verification, 'anchoredAt')));
    const blockTime = toNumber(await (await api.at(result.blockHash)).query.timestamp.now());
    assert.equal(anchoredAt, blockTime, 'anchoredAt is not the block timestamp');

    // An edited copy (a changed value) does not match.
    const editedHash = hashFile('edited.json', diagnosticReport('amended'), salt).content_hash;
    const editedCheck = await api.call.healthRecordsApi.verifyRecord(recordId, editedHash);
    assert.equal(toBool(field(editedCheck, 'hashMatches')), false, 'an edited document verified');
    // Nor does the right document with a guessed salt (the commitment is salted).
    const guessedHash = hashFile('guessed.json', resource, `0x${'00'.repeat(32)}`).content_hash;
    const guessed = await api.call.healthRecordsApi.verifyRecord(recordId, guessedHash);
    assert.equal(toBool(field(guessed, 'hashMatches')), false);
    // An unknown record id is unknown.
    const unknown = await api.call.healthRecordsApi.verifyRecord(randomAsHex(32), hash);
    assert.equal(toBool(field(unknown, 'known')), false);

    const records = await api.call.healthRecordsApi.recordsOf(patient.address, 0, 256);
    assert.equal(records.length, 1);
    assert.equal(records[0][0].toHex(), recordId);
    const stored = bytesToUtf8(unwrapOption(field(records[0][1], 'locator')));
    assert.equal(stored, locator);
    for (const leak of ['fhir', 'stmarys', 'DiagnosticReport', '2026']) {
      assert.ok(!stored.includes(leak), `the on-chain locator ${stored} reveals ${leak}`);
    }
  });

  it(`a nightly export of ${BATCH_SIZE.toLocaleString('en')} documents is anchored in one extrinsic; three random members are proven`, TX_TIMEOUT, async (t) => {
    if (!metadataOk) return t.skip('needs HealthRecords in the metadata');

    // The nightly export: one FHIR file per document; the tool draws a salt per document
    // (kept in salts.json next to them), hashes each and builds the tree.
    const exportDir = join(dir, 'export');
    mkdirSync(exportDir);
    for (let i = 0; i < BATCH_SIZE; i++) {
      writeFileSync(join(exportDir, `obs-${String(i).padStart(5, '0')}.json`), JSON.stringify(observation(i)));
    }
    const started = Date.now();
    const leavesFile = join(dir, 'leaves.txt');
    const { root, leaf_count: leafCount } = client('batch', exportDir, '--out', leavesFile);
    assert.equal(leafCount, BATCH_SIZE);
    console.log(`medchain-client batch: ${BATCH_SIZE} documents hashed, tree built in ${Date.now() - started} ms`);
    const salts = JSON.parse(readFileSync(join(exportDir, 'salts.json'), 'utf8'));

    const tx = api.tx.healthRecords.anchorBatch('LabResults', root, BATCH_SIZE, null);
    console.log(`anchor_batch extrinsic: ${tx.toU8a().length} bytes`);
    const result = await signAndWait(api, tx, alice);
    const ev = findEvent(result.events, 'healthRecords', 'BatchAnchored');
    assert.ok(ev, `no HealthRecords.BatchAnchored; events: ${eventNames(result.events)}`);
    assert.equal(toNumber(ev.leafCount), BATCH_SIZE);
    assert.equal(ev.merkleRoot.toHex(), root);
    const batchId = toNumber(ev.batchId);

    const batch = unwrapOption(await api.call.healthRecordsApi.batch(batchId));
    assert.ok(batch, `healthRecordsApi.batch(${batchId}) is None`);
    assert.equal(field(batch, 'root').toHex(), root);

    const picked = new Set();
    while (picked.size < 3) picked.add(randomInt(BATCH_SIZE));
    for (const index of picked) {
      // The verifier holds document `index`, its salt and the proof the export tool handed
      // out with it; it re-hashes the document itself.
      const name = `obs-${String(index).padStart(5, '0')}.json`;
      const proofFile = join(dir, `proof-${index}.json`);
      const proof = client('prove', leavesFile, String(index));
      writeFileSync(proofFile, JSON.stringify(proof));
      assert.equal(client('verify', proofFile).valid, true, 'client-side check');
      const leaf = hashFile(`copy-${name}`, observation(index), salts[name].salt).content_hash;
      assert.equal(leaf, proof.leaf, `document ${index} re-hashed differently`);
      const ok = await api.call.healthRecordsApi.verifyInclusion(batchId, leaf, proof.proof, index);
      assert.equal(toBool(ok), true, `document ${index} not proven a member of batch ${batchId}`);

      // The same proof does not prove an edited document or another position.
      const editedLeaf = hashFile(`edited-${name}`, { ...observation(index), status: 'amended' }, salts[name].salt).content_hash;
      assert.equal(toBool(await api.call.healthRecordsApi.verifyInclusion(batchId, editedLeaf, proof.proof, index)), false);
      const otherIndex = (index + 1) % BATCH_SIZE;
      assert.equal(toBool(await api.call.healthRecordsApi.verifyInclusion(batchId, leaf, proof.proof, otherIndex)), false);
      console.log(`document ${index}: proof of ${proof.proof.length} hashes verified on chain`);
    }
  });

  it('the patient seals the record (fee-less): the locator is gone, the hash still verifies', TX_TIMEOUT, async (t) => {
    if (!anchored) return t.skip('needs the record anchored by a previous step');

    const sealed = await signAndWait(api, api.tx.healthRecords.sealRecord(anchored.recordId), patient);
    assert.ok(findEvent(sealed.events, 'healthRecords', 'RecordSealed'), `events: ${eventNames(sealed.events)}`);

    const rehashed = hashFile('after-seal.json', anchored.resource, anchored.salt).content_hash;
    const check = await api.call.healthRecordsApi.verifyRecord(anchored.recordId, rehashed);
    assert.equal(toBool(field(check, 'hashMatches')), true, 'the sealed record no longer verifies');
    assert.equal(toBool(field(check, 'sealed')), true);
    const [[, record]] = await api.call.healthRecordsApi.recordsOf(patient.address, 0, 256);
    assert.equal(unwrapOption(field(record, 'locator')), null, 'the locator survived sealing');

    // Nobody else can seal it: a funded pharmacy key gets the named error.
    await assert.rejects(signAndWait(api, api.tx.healthRecords.sealRecord(anchored.recordId), bob), (err) => {
      assert.equal(err.message, 'healthRecords.NotRecordPatient');
      return true;
    });
    // Sealing again would fail, so it is not fee-less, and the zero-balance patient cannot
    // pay: the pool rejects it (a failing fee-less call would be free spam).
    const err = await expectPoolRejection(api, api.tx.healthRecords.sealRecord(anchored.recordId), patient);
    assert.match(err.message, /1010|Invalid Transaction|Inability to pay/i, `unexpected rejection: ${err.message}`);
  });
});
