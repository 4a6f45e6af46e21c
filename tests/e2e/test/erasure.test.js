// Right to erasure end to end, with a patient key that never held a token: the hospital
// onboards the patient, the patient lets it write lab results, the hospital anchors two
// records (opaque locators), and ONE fee-less `deregister` signed by the patient erases
// them: no locator is left in any query, the hashes still verify, no hospital can anchor
// for the patient again, and the patient's account survives (its nonce continues, so
// nothing the key signed before can be replayed).
//
// Signed extrinsics, not a direct dispatch: only they show that deregistering does not reap
// the zero-balance account, after which the patient could never seal anything.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, randomAsHex } from '@polkadot/util-crypto';

import { expectPoolRejection, signAndWait, startNode } from '../lib/node.js';
import { eventNames, field, findEvent, toBool, toNumber, unwrapOption } from '../lib/values.js';
import { opaqueLocator } from '../../../clients/js/src/index.js';

const LAB_RESULTS = 16; // Categories bit of RecordCategory::LabResults
const TX_TIMEOUT = { timeout: 180_000 };
const LOCATOR_KEY = `0x${'3c'.repeat(32)}`;

describe('right to erasure: one fee-less deregister by a zero-balance patient erases every locator', () => {
  let node;
  let api;
  let alice; // St. Mary's Hospital (Provider)
  let patient; // fresh key, never funded
  const records = [];

  before(async () => {
    node = await startNode();
    api = node.api;
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
    alice = keyring.addFromUri('//Alice');
    patient = keyring.addFromUri(`//ErasureE2E-${randomAsHex(8).slice(2)}`);
  }, { timeout: 120_000 });

  after(async () => {
    if (node) await node.stop();
  }, { timeout: 30_000 });

  afterEach((t) => {
    if (node && (t.passed === false || t.error)) node.printLogTail(50, `after failed test "${t.name}"`);
  });

  it('the hospital anchors two records under the patient\'s write consent', TX_TIMEOUT, async () => {
    await signAndWait(api, api.tx.patientIdentity.onboardPatient(patient.address, randomAsHex(32)), alice);
    const scope = { categories: LAB_RESULTS, access: { read: true, write: true } };
    await signAndWait(api, api.tx.consent.grantConsent(alice.address, scope, 'Treatment', null), patient);
    for (const reference of ['lab/2026/cbc-1', 'lab/2026/cbc-2']) {
      const hash = randomAsHex(32);
      const tx = api.tx.healthRecords.anchorRecord(patient.address, 'LabResults', hash, opaqueLocator(reference, LOCATOR_KEY), null);
      const result = await signAndWait(api, tx, alice);
      const ev = findEvent(result.events, 'healthRecords', 'RecordAnchored');
      assert.ok(ev, `events: ${eventNames(result.events)}`);
      records.push({ id: ev.recordId.toHex(), hash });
    }
    const listed = await api.call.healthRecordsApi.recordsOf(patient.address, 0, 256);
    assert.equal(listed.length, 2);
    for (const [, record] of listed) assert.notEqual(unwrapOption(field(record, 'locator')), null);
    assert.equal((await api.query.system.account(patient.address)).data.free.toBigInt(), 0n);
  });

  it('one fee-less deregister seals both records; the account and its nonce survive', TX_TIMEOUT, async (t) => {
    if (records.length !== 2) return t.skip('needs the records of the previous step');
    const nonceBefore = toNumber((await api.query.system.account(patient.address)).nonce);
    const result = await signAndWait(api, api.tx.patientIdentity.deregister(), patient);
    assert.ok(findEvent(result.events, 'patientIdentity', 'PatientDeregistered'), `events: ${eventNames(result.events)}`);
    const erased = findEvent(result.events, 'healthRecords', 'RecordsErased');
    assert.ok(erased, `no HealthRecords.RecordsErased; events: ${eventNames(result.events)}`);
    assert.equal(toNumber(erased.sealed), 2);
    assert.equal(toNumber(erased.remaining), 0);
    assert.ok(findEvent(result.events, 'skipFeelessPayment', 'FeeSkipped'), 'deregister was not fee-less');

    for (const [, record] of await api.call.healthRecordsApi.recordsOf(patient.address, 0, 256)) {
      assert.equal(unwrapOption(field(record, 'locator')), null, 'a locator survived erasure');
    }
    for (const { id, hash } of records) {
      const check = await api.call.healthRecordsApi.verifyRecord(id, hash);
      assert.equal(toBool(field(check, 'hashMatches')), true, 'an erased record no longer verifies');
      assert.equal(toBool(field(check, 'sealed')), true);
      // In state, not only in the query: the raw record has no locator.
      const stored = unwrapOption(await api.query.healthRecords.records(id));
      assert.equal(unwrapOption(field(stored, 'locator')), null);
    }
    const account = await api.query.system.account(patient.address);
    assert.equal(toNumber(account.nonce), nonceBefore + 1, 'the account was reaped: its nonce restarted');
    assert.equal(toNumber(account.sufficients), 1);

    // No hospital can anchor for the erased patient.
    await assert.rejects(
      signAndWait(api, api.tx.healthRecords.anchorRecord(patient.address, 'LabResults', randomAsHex(32), opaqueLocator('x', LOCATOR_KEY), null), alice),
      (err) => {
        assert.equal(err.message, 'healthRecords.DeregisteredPatient');
        return true;
      },
    );
    // Nothing is left to erase, so erase_records is not fee-less: the pool refuses the
    // zero-balance key's attempt (no free spam).
    const err = await expectPoolRejection(api, api.tx.healthRecords.eraseRecords(patient.address), patient);
    assert.match(err.message, /1010|Invalid Transaction|Inability to pay/i, `unexpected rejection: ${err.message}`);
  });
});
