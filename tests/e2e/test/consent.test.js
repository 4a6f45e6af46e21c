// Patient identity and consent, end to end, as a patient app and a hospital
// system would drive them: a patient key with no tokens is onboarded at a
// hospital's front desk, grants the hospital read access to lab results for
// free, the hospital logs a read, the patient revokes (effective in the same
// block), the audit API still sees the past permission, and the hospital
// breaks the glass in an emergency.
//
// The steps share one node and one patient and run in order; a step whose
// prerequisite failed is skipped with the reason.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsHex, blake2AsU8a, cryptoWaitReady, randomAsHex, randomAsU8a } from '@polkadot/util-crypto';

import { expectPoolRejection, signAndWait, startNode } from '../lib/node.js';
import {
  enumName,
  eventNames,
  field,
  findEvent,
  findEvents,
  sameAccount,
  toBool,
  toNumber,
  unwrapOption,
} from '../lib/values.js';

// Categories bit set (pallet primitives)
const Category = {
  Demographics: 1,
  Encounters: 2,
  Diagnoses: 4,
  Medications: 8,
  LabResults: 16,
  Imaging: 32,
  Genomics: 64,
  MentalHealth: 128,
  Other: 256,
};

const HOUR_MS = 60 * 60 * 1000;
const TX_TIMEOUT = { timeout: 180_000 };

/** blake2_256(salt ++ identity document): the identity commitment, computed client-side. */
function identityCommitment(salt, document) {
  return blake2AsU8a(u8aConcat(salt, document), 256);
}

describe('consent: patient identity, fee-less consent, access log, revocation, break glass', () => {
  let node;
  let api;
  let keyring;
  let alice; // St. Mary's Hospital (Provider) admin, also sudo
  let bob; // Riverside Pharmacy admin (not a Provider)
  let patient; // fresh key, never funded

  // Filled in by the steps, in order; null when the step failed.
  let metadataOk = false;
  let registered = null; // { commitment (hex), blockHash }
  let grant = null; // { consentId, blockHash, timestamp }
  let revoked = null; // { blockHash, timestamp }

  /** `api.call` at block `hash` (runtime API calls against that block's state). */
  const callAt = async (hash) => (await api.at(hash)).call;
  /** The block's timestamp (ms), as the runtime saw it: `timestamp.now` at that block. */
  const timestampAt = async (hash) => toNumber(await (await api.at(hash)).query.timestamp.now());
  const freeBalance = async (who, hash) => {
    const query = hash ? (await api.at(hash)).query : api.query;
    const account = await query.system.account(who.address ?? who);
    return BigInt(field(account, 'data').free.toString());
  };
  const hasAccess = async (category, purpose, write, hash, grantee = alice) => {
    const call = hash ? await callAt(hash) : api.call;
    return toBool(await call.consentApi.hasAccess(patient.address, grantee.address, category, purpose, write));
  };

  before(async () => {
    node = await startNode();
    api = node.api;
    await cryptoWaitReady();
    keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
    alice = keyring.addFromUri('//Alice');
    bob = keyring.addFromUri('//Bob');
    patient = keyring.addFromUri(`//PatientE2E-${randomAsHex(8).slice(2)}`);
  }, { timeout: 120_000 });

  after(async () => {
    if (node) await node.stop();
  }, { timeout: 30_000 });

  afterEach((t) => {
    if (node && (t.passed === false || t.error)) node.printLogTail(50, `after failed test "${t.name}"`);
  });

  it('metadata lists the PatientIdentity and Consent pallets and runtime APIs', () => {
    const pallets = Object.keys(api.tx).join(', ');
    assert.ok(api.tx.patientIdentity, `no PatientIdentity pallet calls in metadata; pallets with calls: ${pallets}`);
    assert.ok(api.tx.consent, `no Consent pallet calls in metadata; pallets with calls: ${pallets}`);
    for (const call of ['registerPatient', 'onboardPatient', 'attestPatient', 'rotateCommitment', 'deregister']) {
      assert.equal(typeof api.tx.patientIdentity[call], 'function', `api.tx.patientIdentity.${call} missing; have: ${Object.keys(api.tx.patientIdentity).join(', ')}`);
    }
    for (const call of ['grantConsent', 'revokeConsent', 'breakGlass', 'logAccess']) {
      assert.equal(typeof api.tx.consent[call], 'function', `api.tx.consent.${call} missing; have: ${Object.keys(api.tx.consent).join(', ')}`);
    }
    const runtimeApis = Object.keys(api.call).join(', ');
    assert.ok(api.call.patientIdentityApi, `api.call.patientIdentityApi missing; have: ${runtimeApis}`);
    for (const fn of ['patient', 'verifyCommitment', 'freeCallsLeft']) {
      assert.equal(typeof api.call.patientIdentityApi[fn], 'function', `api.call.patientIdentityApi.${fn} missing`);
    }
    assert.ok(api.call.consentApi, `api.call.consentApi missing; have: ${runtimeApis}`);
    for (const fn of ['hasAccess', 'consentsOf', 'accessLog', 'wasPermitted']) {
      assert.equal(typeof api.call.consentApi[fn], 'function', `api.call.consentApi.${fn} missing`);
    }
    metadataOk = true;
  });

  it('an unregistered zero-balance key cannot register itself: the pool rejects it', TX_TIMEOUT, async (t) => {
    if (!metadataOk) return t.skip('needs the PatientIdentity pallet in the metadata');

    assert.equal(await freeBalance(patient), 0n, `fresh patient key ${patient.address} is not empty`);

    const commitment = identityCommitment(randomAsU8a(32), stringToU8a('NHI:E2E-SELF;DOB:1990-01-01'));
    const err = await expectPoolRejection(api, api.tx.patientIdentity.registerPatient(u8aToHex(commitment)), patient);
    console.log(`pool rejection: ${err.message}`);
    assert.match(err.message, /1010|Invalid Transaction|Inability to pay/i, `unexpected rejection: ${err.message}`);

    // Nothing happened on chain.
    assert.equal(unwrapOption(await api.call.patientIdentityApi.patient(patient.address)), null, 'the key became a patient');
    assert.equal(toNumber(await api.call.patientIdentityApi.freeCallsLeft(patient.address)), 0, 'unregistered key has free calls');
    assert.equal(toNumber(await api.call.accountNonceApi.accountNonce(patient.address)), 0, 'nonce moved');
  });

  it('a Provider onboards the patient with a client-side commitment; a pharmacy cannot', TX_TIMEOUT, async (t) => {
    if (!metadataOk) return t.skip('needs the PatientIdentity pallet in the metadata');

    // The patient's wallet keeps the salt; the front desk sees the document.
    const salt = randomAsU8a(32);
    const document = stringToU8a('NHI:E2E-1234567890;DOB:1985-04-12');
    const commitment = u8aToHex(identityCommitment(salt, document));

    // A zero commitment (the client forgot to hash) is refused.
    await assert.rejects(
      signAndWait(api, api.tx.patientIdentity.onboardPatient(patient.address, u8aToHex(new Uint8Array(32))), alice),
      (err) => {
        assert.equal(err.message, 'patientIdentity.EmptyCommitment');
        return true;
      },
    );

    const onboarded = await signAndWait(api, api.tx.patientIdentity.onboardPatient(patient.address, commitment), alice);
    const ev = findEvent(onboarded.events, 'patientIdentity', 'PatientRegistered');
    assert.ok(ev, `no PatientIdentity.PatientRegistered event; events: ${eventNames(onboarded.events)}`);
    assert.ok(sameAccount(ev.patient, patient), `PatientRegistered.patient is ${ev.patient}, expected ${patient.address}`);
    const onboardedBy = unwrapOption(ev.onboardedBy);
    assert.ok(onboardedBy, 'PatientRegistered.onboardedBy is None, expected Alice (St. Mary\'s Hospital)');
    assert.ok(sameAccount(onboardedBy, alice), `PatientRegistered.onboardedBy is ${onboardedBy}, expected ${alice.address}`);

    // The front desk paid; the patient still holds nothing.
    assert.equal(await freeBalance(patient, onboarded.blockHash), 0n, 'onboarding moved funds to the patient');

    const call = await callAt(onboarded.blockHash);
    assert.equal(toBool(await call.patientIdentityApi.verifyCommitment(patient.address, commitment)), true,
      'verifyCommitment(patient, commitment) is false');
    const other = u8aToHex(identityCommitment(salt, stringToU8a('NHI:E2E-1234567890;DOB:1985-04-13')));
    assert.equal(toBool(await call.patientIdentityApi.verifyCommitment(patient.address, other)), false,
      'verifyCommitment(patient, a different commitment) is true');

    const info = unwrapOption(await call.patientIdentityApi.patient(patient.address));
    assert.ok(info, 'patientIdentityApi.patient(patient) is None after onboarding');
    assert.equal(enumName(info), 'Registered', `patientIdentityApi.patient(patient) is ${JSON.stringify(info.toJSON())}`);

    const freeCalls = toNumber(await call.patientIdentityApi.freeCallsLeft(patient.address));
    console.log(`free calls left after onboarding: ${freeCalls}`);
    assert.ok(freeCalls > 0, `freeCallsLeft(patient) is ${freeCalls}`);

    registered = { commitment, blockHash: onboarded.blockHash };

    // Riverside Pharmacy is an organization, but not a Provider.
    const other2 = keyring.addFromUri(`//PatientE2E-${randomAsHex(8).slice(2)}`);
    const commitment2 = u8aToHex(identityCommitment(randomAsU8a(32), stringToU8a('NHI:E2E-0987654321;DOB:1970-01-01')));
    await assert.rejects(
      signAndWait(api, api.tx.patientIdentity.onboardPatient(other2.address, commitment2), bob),
      (err) => {
        assert.equal(err.message, 'consortium.MissingRole');
        return true;
      },
    );
  });

  it('the zero-balance patient grants the hospital LabResults read access for Treatment, fee-less', TX_TIMEOUT, async (t) => {
    if (!registered) return t.skip('needs the patient onboarded by the previous step');

    const freeBefore = toNumber(await api.call.patientIdentityApi.freeCallsLeft(patient.address));

    const scope = { categories: Category.LabResults, access: { read: true, write: false } };
    const granted = await signAndWait(api, api.tx.consent.grantConsent(alice.address, scope, 'Treatment', null), patient);
    const ev = findEvent(granted.events, 'consent', 'ConsentGranted');
    assert.ok(ev, `no Consent.ConsentGranted event; events: ${eventNames(granted.events)}`);
    assert.ok(sameAccount(ev.patient, patient), `ConsentGranted.patient is ${ev.patient}`);
    assert.ok(sameAccount(ev.grantee, alice), `ConsentGranted.grantee is ${ev.grantee}`);
    assert.equal(toNumber(field(ev.scope, 'categories')), Category.LabResults, `ConsentGranted.scope is ${ev.scope}`);
    const access = field(ev.scope, 'access');
    assert.equal(toBool(field(access, 'read')), true, `ConsentGranted.scope.access is ${access}`);
    assert.equal(toBool(field(access, 'write')), false, `ConsentGranted.scope.access is ${access}`);
    assert.equal(enumName(ev.purpose), 'Treatment', `ConsentGranted.purpose is ${ev.purpose}`);
    assert.equal(unwrapOption(ev.expiresAt), null, `ConsentGranted.expiresAt is ${ev.expiresAt}, expected None`);
    const consentId = toNumber(ev.consentId);

    // No fee was charged: the balance is still zero, and any fee event for the patient is zero.
    assert.equal(await freeBalance(patient, granted.blockHash), 0n, 'the patient\'s free balance changed');
    for (const { event } of findEvents(granted.events, 'transactionPayment', 'TransactionFeePaid')) {
      const fee = BigInt(event.data[1].toString());
      assert.equal(fee, 0n, `TransactionFeePaid ${event.data.toString()} for a fee-less call`);
    }

    // One fee-less call used.
    const call = await callAt(granted.blockHash);
    const freeAfter = toNumber(await call.patientIdentityApi.freeCallsLeft(patient.address));
    console.log(`free calls left: ${freeBefore} before the grant, ${freeAfter} after`);
    assert.equal(freeAfter, freeBefore - 1, `freeCallsLeft went from ${freeBefore} to ${freeAfter}`);

    assert.equal(await hasAccess('LabResults', 'Treatment', false, granted.blockHash), true,
      'hasAccess(patient, alice, LabResults, Treatment, read) is false after the grant');
    assert.equal(await hasAccess('Genomics', 'Treatment', false, granted.blockHash), false,
      'hasAccess for Genomics (not granted) is true');
    assert.equal(await hasAccess('LabResults', 'Treatment', true, granted.blockHash), false,
      'hasAccess with write=true (only read granted) is true');
    assert.equal(await hasAccess('LabResults', 'Research', false, granted.blockHash), false,
      'hasAccess for Research (only Treatment granted) is true');
    assert.equal(await hasAccess('LabResults', 'Treatment', false, granted.blockHash, bob), false,
      'hasAccess for Bob (not the grantee) is true');

    const timestamp = await timestampAt(granted.blockHash);
    const consents = await call.consentApi.consentsOf(patient.address);
    const mine = consents.find(([id]) => toNumber(id) === consentId);
    assert.ok(mine, `consentsOf(patient) lacks consent ${consentId}: ${JSON.stringify(consents.toJSON())}`);
    const consent = mine[1];
    assert.ok(sameAccount(field(consent, 'grantee'), alice), `consent.grantee is ${field(consent, 'grantee')}`);
    assert.equal(toNumber(field(consent, 'grantedAt')), timestamp, 'consent.grantedAt is not the block\'s timestamp');
    assert.equal(unwrapOption(field(consent, 'revokedAt')), null, 'a fresh consent is revoked');
    assert.equal(enumName(field(consent, 'kind')), 'Standard', `consent.kind is ${field(consent, 'kind')}`);

    grant = { consentId, blockHash: granted.blockHash, timestamp };
  });

  it('the hospital logs a read under the consent; a pharmacy cannot', TX_TIMEOUT, async (t) => {
    if (!grant) return t.skip('needs the consent granted by the previous step');

    // A read is logged against a record anchored on chain (the runtime checks that it exists,
    // is this patient's and is of the logged category). Here the patient's own upload; its
    // fee is paid through the dev chain's sudo key, since the patient key holds no tokens.
    const upload = await signAndWait(
      api,
      api.tx.sudo.sudoAs(
        patient.address,
        api.tx.healthRecords.anchorRecord(
          patient.address, 'LabResults', blake2AsHex(stringToU8a(`hba1c ${patient.address}`), 256),
          `mc1:${'ab'.repeat(32)}`, null,
        ),
      ),
      alice,
    );
    const anchoredEv = findEvent(upload.events, 'healthRecords', 'RecordAnchored');
    assert.ok(anchoredEv, `no HealthRecords.RecordAnchored; events: ${eventNames(upload.events)}`);
    const recordId = anchoredEv.recordId.toHex();
    grant.recordId = recordId; // read again after the revocation, below
    // A record that was never anchored cannot be logged as read.
    await assert.rejects(
      signAndWait(api, api.tx.consent.logAccess(patient.address, grant.consentId, blake2AsHex(stringToU8a('no such record'), 256), 'LabResults'), alice),
      (err) => {
        assert.equal(err.message, 'consent.UnknownRecord');
        return true;
      },
    );
    const logged = await signAndWait(
      api,
      api.tx.consent.logAccess(patient.address, grant.consentId, recordId, 'LabResults'),
      alice,
    );
    const ev = findEvent(logged.events, 'consent', 'AccessLogged');
    assert.ok(ev, `no Consent.AccessLogged event; events: ${eventNames(logged.events)}`);
    assert.ok(sameAccount(ev.patient, patient), `AccessLogged.patient is ${ev.patient}`);
    assert.equal(toNumber(ev.consentId), grant.consentId, `AccessLogged.consentId is ${ev.consentId}`);
    assert.ok(sameAccount(ev.organization, alice), `AccessLogged.organization is ${ev.organization}`);
    assert.ok(sameAccount(ev.accessor, alice), `AccessLogged.accessor is ${ev.accessor}`);
    assert.equal(ev.recordId.toHex(), recordId, `AccessLogged.recordId is ${ev.recordId}`);
    assert.equal(enumName(ev.category), 'LabResults', `AccessLogged.category is ${ev.category}`);

    const log = await (await callAt(logged.blockHash)).consentApi.accessLog(patient.address);
    assert.equal(log.length, 1, `accessLog(patient) has ${log.length} entries: ${JSON.stringify(log.toJSON())}`);
    const [entry] = log;
    assert.equal(toNumber(field(entry, 'consentId')), grant.consentId);
    assert.ok(sameAccount(field(entry, 'organization'), alice));
    assert.ok(sameAccount(field(entry, 'accessor'), alice));
    assert.equal(field(entry, 'recordId').toHex(), recordId);
    assert.equal(enumName(field(entry, 'category')), 'LabResults');
    assert.equal(toNumber(field(entry, 'at')), await timestampAt(logged.blockHash), 'entry.at is not the block\'s timestamp');
    // It names its own extrinsic (what a gateway's AuditEvent points at): this block, the
    // index of the extrinsic whose AccessLogged event this is.
    const [record] = findEvents(logged.events, 'consent', 'AccessLogged');
    const number = (await api.rpc.chain.getHeader(logged.blockHash)).number.toNumber();
    const loggedIn = field(entry, 'loggedIn');
    assert.ok(loggedIn.isSome, `entry.loggedIn is ${loggedIn}`);
    assert.deepEqual(
      { block: toNumber(loggedIn.unwrap().block), extrinsic: toNumber(loggedIn.unwrap().extrinsic) },
      { block: number, extrinsic: record.phase.asApplyExtrinsic.toNumber() },
    );

    // Riverside Pharmacy does not hold this consent.
    await assert.rejects(
      signAndWait(api, api.tx.consent.logAccess(patient.address, grant.consentId, recordId, 'LabResults'), bob),
      (err) => {
        assert.equal(err.message, 'consent.NotGrantee');
        return true;
      },
    );
  });

  it('the patient revokes, fee-less: access ends in that very block; the audit API still sees the past', TX_TIMEOUT, async (t) => {
    if (!grant) return t.skip('needs the consent granted by an earlier step');

    const revokedTx = await signAndWait(api, api.tx.consent.revokeConsent(grant.consentId), patient);
    const ev = findEvent(revokedTx.events, 'consent', 'ConsentRevoked');
    assert.ok(ev, `no Consent.ConsentRevoked event; events: ${eventNames(revokedTx.events)}`);
    assert.ok(sameAccount(ev.patient, patient), `ConsentRevoked.patient is ${ev.patient}`);
    assert.ok(sameAccount(ev.grantee, alice), `ConsentRevoked.grantee is ${ev.grantee}`);
    assert.equal(toNumber(ev.consentId), grant.consentId, `ConsentRevoked.consentId is ${ev.consentId}`);
    assert.equal(await freeBalance(patient, revokedTx.blockHash), 0n, 'the patient\'s free balance changed');

    const revokeTimestamp = await timestampAt(revokedTx.blockHash);
    revoked = { blockHash: revokedTx.blockHash, timestamp: revokeTimestamp };

    // In force just before the revoking block, not in it, nor later.
    const header = await api.rpc.chain.getHeader(revokedTx.blockHash);
    assert.equal(await hasAccess('LabResults', 'Treatment', false, header.parentHash), true,
      'hasAccess was already false in the block before the revocation');
    assert.equal(await hasAccess('LabResults', 'Treatment', false, revokedTx.blockHash), false,
      'hasAccess is still true in the block that revoked the consent');
    assert.equal(await hasAccess('LabResults', 'Treatment', false), false, 'hasAccess is true at the latest block');

    await assert.rejects(
      signAndWait(
        api,
        api.tx.consent.logAccess(patient.address, grant.consentId, grant.recordId, 'LabResults'),
        alice,
      ),
      (err) => {
        assert.equal(err.message, 'consent.RevokedConsent');
        return true;
      },
    );

    // Audits: the consent was in force when granted, not from the revocation on.
    const call = await callAt(revokedTx.blockHash);
    const grantTimestamp = toNumber(await (await api.at(grant.blockHash)).query.timestamp.now());
    assert.equal(grantTimestamp, grant.timestamp);
    assert.equal(
      toBool(await call.consentApi.wasPermitted(patient.address, alice.address, 'LabResults', 'Treatment', grantTimestamp)),
      true,
      `wasPermitted(patient, alice, LabResults, Treatment, ${grantTimestamp} = grant block's timestamp) is false`,
    );
    assert.equal(
      toBool(await call.consentApi.wasPermitted(patient.address, alice.address, 'LabResults', 'Treatment', revokeTimestamp)),
      false,
      `wasPermitted at the revoking block's timestamp ${revokeTimestamp} is true`,
    );

    const consent = (await call.consentApi.consentsOf(patient.address)).find(([id]) => toNumber(id) === grant.consentId)?.[1];
    assert.ok(consent, `consentsOf(patient) lost consent ${grant.consentId} after revocation`);
    assert.equal(toNumber(unwrapOption(field(consent, 'revokedAt'))), revokeTimestamp, 'consent.revokedAt is not the revoking block\'s timestamp');
  });

  it('break glass: the hospital takes 24 h emergency read access to every category', TX_TIMEOUT, async (t) => {
    if (!registered) return t.skip('needs the patient onboarded by an earlier step');

    assert.equal(await hasAccess('MentalHealth', 'Treatment', false), false,
      'hasAccess(MentalHealth) is true before breaking the glass');

    const broke = await signAndWait(api, api.tx.consent.breakGlass(patient.address, 7), alice);
    const ev = findEvent(broke.events, 'consent', 'EmergencyAccessGranted');
    assert.ok(ev, `no Consent.EmergencyAccessGranted event; events: ${eventNames(broke.events)}`);
    assert.ok(sameAccount(ev.patient, patient), `EmergencyAccessGranted.patient is ${ev.patient}`);
    assert.ok(sameAccount(ev.organization, alice), `EmergencyAccessGranted.organization is ${ev.organization}`);
    assert.ok(sameAccount(ev.staff, alice), `EmergencyAccessGranted.staff is ${ev.staff}`);
    assert.equal(toNumber(ev.reasonCode), 7, `EmergencyAccessGranted.reasonCode is ${ev.reasonCode}`);
    if (grant) assert.notEqual(toNumber(ev.consentId), grant.consentId, 'break glass reused the revoked consent\'s id');

    const timestamp = await timestampAt(broke.blockHash);
    const expiresAt = toNumber(ev.expiresAt);
    const hours = (expiresAt - timestamp) / HOUR_MS;
    console.log(`break glass at ${timestamp}, expires at ${expiresAt} (+${hours.toFixed(4)} h)`);
    assert.ok(hours >= 23.9 && hours <= 24.1, `EmergencyAccessGranted.expiresAt is ${hours.toFixed(4)} h after the block's timestamp, expected ~24 h`);

    assert.equal(await hasAccess('MentalHealth', 'Treatment', false, broke.blockHash), true,
      'hasAccess(patient, alice, MentalHealth, Treatment, read) is false after break glass');
    assert.equal(await hasAccess('MentalHealth', 'Treatment', true, broke.blockHash), false,
      'break glass granted write access');
    assert.equal(await hasAccess('MentalHealth', 'Research', false, broke.blockHash), false,
      'break glass granted access for Research');
  });
});
