// Clinical trials end to end, as a sponsor's, a site's, a patient's and an
// auditor's software would drive them: //Ferdie (Helix Clinical Trials)
// registers a trial with its pre-specified outcomes hashed client-side, adds two
// Provider sites (//Alice's hospital and a new, sudo-registered Northside
// Hospital), a zero-balance patient onboarded at //Alice's front desk gives the
// sponsor a Research consent fee-less, Northside enrolls them under a participant
// commitment computed in JS exactly as the pallet docs define it, three data
// batches are committed and the data chain is recomputed in JS from the public
// formula, the sponsor locks the database and publishes results that leave one
// outcome out and add one: the runtime records OutcomeSwitched { missing: 1,
// added: 1 } for everyone to see.
//
// The steps share one node and one trial and run in order; a step whose
// prerequisite failed is skipped with the reason.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { compactToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsHex, blake2AsU8a, cryptoWaitReady, decodeAddress, randomAsHex, randomAsU8a } from '@polkadot/util-crypto';

import { signAndWait, startNode, sudoAndWait, sudoResult } from '../lib/node.js';
import {
  bytesToUtf8,
  enumName,
  eventNames,
  field,
  findEvent,
  sameAccount,
  toBool,
  toNumber,
  unwrapOption,
} from '../lib/values.js';

const PROVIDER = 1; // Roles bit set: Provider
const LAB_RESULTS = 16; // Categories bit set: LabResults
const TX_TIMEOUT = { timeout: 180_000 };

/** The domain tag of participant commitments (pallet-clinical-trials, PARTICIPANT_DOMAIN). */
const PARTICIPANT_DOMAIN = stringToU8a('medchain/trial-participant');

// The protocol's pre-specified outcomes, as their definitions read; the chain only sees hashes.
const PRIMARY = 'primary: change in HbA1c from baseline to week 26';
const SECONDARY = 'secondary: proportion of participants with HbA1c < 7% at week 26';
const SAFETY = 'safety: incidence of severe hypoglycaemia through week 26';
const POST_HOC = 'post hoc: change in body weight from baseline to week 12'; // never pre-specified

/** The hash of a document, computed client-side: blake2_256 of its UTF-8 text, as hex. */
const docHash = (text) => blake2AsHex(stringToU8a(text), 256);

/** A u32 as 4 little-endian bytes. */
function u32Le(n) {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, n, true);
  return bytes;
}

/**
 * The participant commitment, exactly as the pallet docs define it:
 * blake2_256(SCALE((b"medchain/trial-participant", trial_id, patient, salt))) =
 * blake2_256(compact(len) ++ tag ++ trial_id (u32 LE) ++ 32 account bytes ++ 32 salt bytes).
 */
function participantCommitment(trialId, patientAddress, salt) {
  const encoded = u8aConcat(
    compactToU8a(PARTICIPANT_DOMAIN.length),
    PARTICIPANT_DOMAIN,
    u32Le(trialId),
    decodeAddress(patientAddress),
    salt,
  );
  return u8aToHex(blake2AsU8a(encoded, 256));
}

/**
 * The data chain, from the commits' public fields:
 * hash_i = blake2_256(hash_{i-1} ++ batch_root ++ record_count (u32 LE) ++ submitter), hash_{-1} = 0.
 */
function recomputeChain(commits) {
  let previous = new Uint8Array(32);
  return commits.map((c) => {
    previous = blake2AsU8a(
      u8aConcat(
        previous,
        field(c, 'batchRoot').toU8a(),
        u32Le(toNumber(field(c, 'recordCount'))),
        decodeAddress(field(c, 'submitter').toString()),
      ),
      256,
    );
    return u8aToHex(previous);
  });
}

describe('clinical trials: register, two sites, Research consent, enroll, data chain, lock, outcome switch', () => {
  let node;
  let api;
  let keyring;
  let alice; // St. Mary's Hospital (Provider) admin, also sudo: site A and the front desk
  let bob; // Riverside Pharmacy (not a Provider)
  let ferdie; // Helix Clinical Trials (TrialSponsor)
  let northside; // a fresh Provider registered by sudo: site B
  let patient; // fresh key, never funded: fee-less calls only

  // Filled in by the steps, in order; null when the step failed.
  let metadataOk = false;
  let trial = null; // { id, registryId, outcomes (hex) }
  let sitesAdded = false;
  let consent = null; // { consentId }
  let enrolled = null; // { commitment, salt }
  let committed = null; // { head, commits }
  let locked = false;

  const trialInfo = async (hash) => {
    const call = hash ? (await api.at(hash)).call : api.call;
    return unwrapOption(await call.clinicalTrialsApi.trial(trial.id));
  };
  const hexList = (list) => [...list].map((h) => h.toHex());
  const freeBalance = async (who, hash) => {
    const query = hash ? (await api.at(hash)).query : api.query;
    const account = await query.system.account(who.address);
    return BigInt(field(account, 'data').free.toString());
  };

  before(async () => {
    node = await startNode();
    api = node.api;
    await cryptoWaitReady();
    keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
    alice = keyring.addFromUri('//Alice');
    bob = keyring.addFromUri('//Bob');
    ferdie = keyring.addFromUri('//Ferdie');
    const run = randomAsHex(8).slice(2);
    northside = keyring.addFromUri(`//NorthsideTrialsE2E-${run}`);
    patient = keyring.addFromUri(`//TrialPatientE2E-${run}`);
  }, { timeout: 120_000 });

  after(async () => {
    if (node) await node.stop();
  }, { timeout: 30_000 });

  afterEach((t) => {
    if (node && (t.passed === false || t.error)) node.printLogTail(50, `after failed test "${t.name}"`);
  });

  it('metadata lists the ClinicalTrials calls and ClinicalTrialsApi', () => {
    assert.ok(api.tx.clinicalTrials, `no ClinicalTrials calls in metadata; pallets: ${Object.keys(api.tx).join(', ')}`);
    for (const call of ['registerTrial', 'amendProtocol', 'addSite', 'enrollParticipant', 'commitData', 'lockDatabase', 'publishResults', 'flagTrial']) {
      assert.equal(typeof api.tx.clinicalTrials[call], 'function', `api.tx.clinicalTrials.${call} missing; have: ${Object.keys(api.tx.clinicalTrials).join(', ')}`);
    }
    assert.ok(api.call.clinicalTrialsApi, `api.call.clinicalTrialsApi missing; have: ${Object.keys(api.call).join(', ')}`);
    for (const fn of ['trial', 'dataCommits', 'verifyDataChain', 'trialsWithOutcomeSwitch', 'trialByRegistryId', 'participantEnrolled']) {
      assert.equal(typeof api.call.clinicalTrialsApi[fn], 'function', `api.call.clinicalTrialsApi.${fn} missing`);
    }
    metadataOk = true;
  });

  it('the sponsor registers a trial with outcome hashes computed client-side; a hospital cannot', TX_TIMEOUT, async (t) => {
    if (!metadataOk) return t.skip('needs ClinicalTrials in the metadata');

    const registryId = `NCT9${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const outcomes = [PRIMARY, SECONDARY, SAFETY].map(docHash);
    const protocolHash = docHash(`protocol of ${registryId}, version 1`);

    // St. Mary's Hospital is a Provider, not a TrialSponsor.
    await assert.rejects(
      signAndWait(api, api.tx.clinicalTrials.registerTrial(registryId, protocolHash, outcomes, 120), alice),
      (err) => {
        assert.equal(err.message, 'consortium.MissingRole');
        return true;
      },
    );

    const registered = await signAndWait(api, api.tx.clinicalTrials.registerTrial(registryId, protocolHash, outcomes, 120), ferdie);
    const ev = findEvent(registered.events, 'clinicalTrials', 'TrialRegistered');
    assert.ok(ev, `no ClinicalTrials.TrialRegistered event; events: ${eventNames(registered.events)}`);
    assert.ok(sameAccount(ev.sponsor, ferdie), `TrialRegistered.sponsor is ${ev.sponsor}`);
    assert.equal(bytesToUtf8(ev.registryId), registryId);
    assert.deepEqual(hexList(ev.outcomes), outcomes, 'TrialRegistered.outcomes differ from the client-side hashes');
    const id = toNumber(ev.trialId);

    const call = (await api.at(registered.blockHash)).call;
    assert.equal(toNumber(unwrapOption(await call.clinicalTrialsApi.trialByRegistryId(registryId))), id,
      `trialByRegistryId(${registryId}) is not ${id}`);
    const info = unwrapOption(await call.clinicalTrialsApi.trial(id));
    assert.ok(info, `clinicalTrialsApi.trial(${id}) is None`);
    assert.equal(enumName(field(info, 'status')), 'Registered');
    assert.ok(sameAccount(field(info, 'sponsor'), ferdie));
    assert.deepEqual(hexList(field(info, 'outcomes')), outcomes);
    assert.equal(field(info, 'protocolHash').toHex(), protocolHash);
    assert.equal(toNumber(field(info, 'plannedEnrollment')), 120);

    trial = { id, registryId, outcomes };
  });

  it('a second Provider is registered by sudo and funded; the sponsor adds both sites, not a pharmacy', TX_TIMEOUT, async (t) => {
    if (!trial) return t.skip('needs the trial registered by the previous step');

    const decimals = api.registry.chainDecimals[0] ?? 12;
    await signAndWait(api, api.tx.balances.transferKeepAlive(northside.address, 1_000n * 10n ** BigInt(decimals)), alice);
    const reg = await sudoAndWait(api, api.tx.consortium.registerOrganization(northside.address, 'Northside Hospital', PROVIDER), alice);
    assert.equal(sudoResult(api, reg.events)?.ok, true, `Sudid with Ok expected; events: ${eventNames(reg.events)}`);

    for (const site of [alice, northside]) {
      const added = await signAndWait(api, api.tx.clinicalTrials.addSite(trial.id, site.address), ferdie);
      const ev = findEvent(added.events, 'clinicalTrials', 'SiteAdded');
      assert.ok(ev, `no ClinicalTrials.SiteAdded event; events: ${eventNames(added.events)}`);
      assert.equal(toNumber(ev.trialId), trial.id);
      assert.ok(sameAccount(ev.site, site), `SiteAdded.site is ${ev.site}, expected ${site.address}`);
    }
    await assert.rejects(
      signAndWait(api, api.tx.clinicalTrials.addSite(trial.id, bob.address), ferdie),
      (err) => {
        assert.equal(err.message, 'clinicalTrials.SiteNotProvider');
        return true;
      },
    );

    const sites = [...field(await trialInfo(), 'sites')];
    assert.equal(sites.length, 2, `trial.sites is ${sites}`);
    assert.ok(sameAccount(sites[0], alice) && sameAccount(sites[1], northside), `trial.sites is ${sites}`);
    sitesAdded = true;
  });

  it('a zero-balance patient is onboarded and gives the sponsor a Research consent fee-less; before it, enrollment is refused', TX_TIMEOUT, async (t) => {
    if (!sitesAdded) return t.skip('needs the sites added by the previous step');

    assert.equal(await freeBalance(patient), 0n, `fresh patient key ${patient.address} is not empty`);
    await signAndWait(api, api.tx.patientIdentity.onboardPatient(patient.address, randomAsHex(32)), alice);

    // A registered patient without a Research consent toward the sponsor cannot be enrolled.
    const commitment = participantCommitment(trial.id, patient.address, randomAsU8a(32));
    await assert.rejects(
      signAndWait(api, api.tx.clinicalTrials.enrollParticipant(trial.id, patient.address, commitment), northside),
      (err) => {
        assert.equal(err.message, 'consent.NoConsent');
        return true;
      },
    );

    const scope = { categories: LAB_RESULTS, access: { read: true, write: false } };
    const granted = await signAndWait(api, api.tx.consent.grantConsent(ferdie.address, scope, 'Research', null), patient);
    const ev = findEvent(granted.events, 'consent', 'ConsentGranted');
    assert.ok(ev, `no Consent.ConsentGranted event; events: ${eventNames(granted.events)}`);
    assert.ok(sameAccount(ev.grantee, ferdie), `ConsentGranted.grantee is ${ev.grantee}`);
    assert.equal(enumName(ev.purpose), 'Research', `ConsentGranted.purpose is ${ev.purpose}`);
    assert.equal(await freeBalance(patient, granted.blockHash), 0n, 'the patient paid a fee');

    consent = { consentId: toNumber(ev.consentId) };
  });

  it('Northside enrolls the participant under a commitment computed in JS; participantEnrolled sees it', TX_TIMEOUT, async (t) => {
    if (!consent) return t.skip('needs the Research consent granted by the previous step');

    const salt = randomAsU8a(32);
    const commitment = participantCommitment(trial.id, patient.address, salt);
    // The hand-made bytes are the SCALE encoding of the tuple the docs name.
    const scale = api
      .createType('(Bytes, u32, AccountId32, [u8; 32])', ['medchain/trial-participant', trial.id, patient.address, salt])
      .toU8a();
    assert.equal(u8aToHex(blake2AsU8a(scale, 256)), commitment, 'hand-made encoding differs from SCALE');

    // A pharmacy cannot enroll: only Providers run trial sites (the consortium's role check
    // comes before the trial's site check).
    await assert.rejects(
      signAndWait(api, api.tx.clinicalTrials.enrollParticipant(trial.id, patient.address, commitment), bob),
      (err) => {
        assert.equal(err.message, 'consortium.MissingRole');
        return true;
      },
    );

    const done = await signAndWait(api, api.tx.clinicalTrials.enrollParticipant(trial.id, patient.address, commitment), northside);
    const ev = findEvent(done.events, 'clinicalTrials', 'ParticipantEnrolled');
    assert.ok(ev, `no ClinicalTrials.ParticipantEnrolled event; events: ${eventNames(done.events)}`);
    assert.equal(toNumber(ev.trialId), trial.id);
    assert.equal(ev.participantCommitment.toHex(), commitment);
    assert.ok(sameAccount(ev.site, northside), `ParticipantEnrolled.site is ${ev.site}`);
    assert.equal(toNumber(ev.consentId), consent.consentId, 'the enrollment relied on another consent');
    assert.equal(toNumber(ev.enrolled), 1);
    assert.equal(toBool(ev.overPlanned), false);

    const call = (await api.at(done.blockHash)).call;
    assert.equal(toBool(await call.clinicalTrialsApi.participantEnrolled(trial.id, commitment)), true,
      'participantEnrolled(trial, JS commitment) is false');
    const otherSalt = participantCommitment(trial.id, patient.address, randomAsU8a(32));
    assert.equal(toBool(await call.clinicalTrialsApi.participantEnrolled(trial.id, otherSalt)), false,
      'participantEnrolled is true for a commitment under another salt');
    const info = await trialInfo(done.blockHash);
    assert.equal(enumName(field(info, 'status')), 'Enrolling');
    assert.equal(toNumber(field(info, 'enrolled')), 1);

    enrolled = { commitment, salt };
  });

  it('three data commits (site A, site B, sponsor); verifyDataChain is true and the chain recomputes in JS', TX_TIMEOUT, async (t) => {
    if (!enrolled) return t.skip('needs the participant enrolled by the previous step');

    const batches = [
      [alice, 'site A: baseline visit CRFs', 12],
      [northside, 'site B: baseline visit CRFs', 7],
      [ferdie, 'central lab: HbA1c week 26', 19],
    ];
    const eventHashes = [];
    let blockHash;
    for (const [i, [signer, batch, count]] of batches.entries()) {
      const done = await signAndWait(api, api.tx.clinicalTrials.commitData(trial.id, docHash(batch), count), signer);
      const ev = findEvent(done.events, 'clinicalTrials', 'DataCommitted');
      assert.ok(ev, `no ClinicalTrials.DataCommitted event; events: ${eventNames(done.events)}`);
      assert.equal(toNumber(ev.index), i);
      assert.ok(sameAccount(ev.submitter, signer), `DataCommitted.submitter is ${ev.submitter}`);
      eventHashes.push(ev.chainHash.toHex());
      blockHash = done.blockHash;
    }

    const call = (await api.at(blockHash)).call;
    const commits = [...(await call.clinicalTrialsApi.dataCommits(trial.id))];
    assert.equal(commits.length, 3, `dataCommits has ${commits.length} entries`);
    assert.deepEqual(commits.map((c) => field(c, 'batchRoot').toHex()), batches.map(([, b]) => docHash(b)));
    assert.deepEqual(commits.map((c) => toNumber(field(c, 'recordCount'))), [12, 7, 19]);
    commits.forEach((c, i) => assert.ok(sameAccount(field(c, 'submitter'), batches[i][0]), `commit ${i} submitter`));

    // Anyone can recompute the chain from the public fields: the formula is public.
    const recomputed = recomputeChain(commits);
    console.log(`data chain recomputed in JS: ${recomputed.join(' -> ')}`);
    assert.deepEqual(commits.map((c) => field(c, 'chainHash').toHex()), recomputed, 'stored hashes differ from the JS recomputation');
    assert.deepEqual(eventHashes, recomputed, 'DataCommitted hashes differ from the JS recomputation');
    const info = await trialInfo(blockHash);
    assert.equal(field(info, 'dataHead').toHex(), recomputed[2], 'trial.dataHead is not the last recomputed hash');
    assert.equal(toNumber(field(info, 'commitCount')), 3);
    assert.equal(toBool(await call.clinicalTrialsApi.verifyDataChain(trial.id)), true, 'verifyDataChain is false');
    // A different order of the same batches gives another head: the chain fixes the order.
    assert.notEqual(recomputeChain([commits[1], commits[0], commits[2]])[2], recomputed[2]);

    committed = { head: recomputed[2], commits: recomputed };
  });

  it('the sponsor locks the database; a commit after the lock is refused', TX_TIMEOUT, async (t) => {
    if (!committed) return t.skip('needs the data committed by the previous step');

    const done = await signAndWait(api, api.tx.clinicalTrials.lockDatabase(trial.id), ferdie);
    const ev = findEvent(done.events, 'clinicalTrials', 'DatabaseLocked');
    assert.ok(ev, `no ClinicalTrials.DatabaseLocked event; events: ${eventNames(done.events)}`);
    assert.equal(ev.dataHead.toHex(), committed.head, 'DatabaseLocked.dataHead is not the chain head');
    assert.equal(toNumber(ev.commitCount), 3);
    const info = await trialInfo(done.blockHash);
    assert.equal(enumName(field(info, 'status')), 'Locked');
    assert.ok(unwrapOption(field(info, 'lockedAt')) !== null, 'trial.lockedAt is None after locking');
    locked = true;

    for (const signer of [alice, ferdie]) {
      await assert.rejects(
        signAndWait(api, api.tx.clinicalTrials.commitData(trial.id, docHash('a late batch'), 1), signer),
        (err) => {
          assert.equal(err.message, 'clinicalTrials.LockedDatabase');
          return true;
        },
      );
    }
    const frozen = await trialInfo();
    assert.equal(field(frozen, 'dataHead').toHex(), committed.head, 'the head moved after the lock');
    assert.equal(toNumber(field(frozen, 'commitCount')), 3);
  });

  it('results leaving one outcome out and adding one are recorded as OutcomeSwitched { missing: 1, added: 1 }', TX_TIMEOUT, async (t) => {
    if (!locked) return t.skip('needs the database locked by the previous step');

    const earlier = [...(await api.call.clinicalTrialsApi.trialsWithOutcomeSwitch(null, 1000))].map(toNumber);
    assert.ok(!earlier.includes(trial.id), `trialsWithOutcomeSwitch lists trial ${trial.id} before publication`);

    // The report drops the safety outcome and reports a post-hoc one instead.
    const reported = [SECONDARY, POST_HOC, PRIMARY].map(docHash);
    const resultsHash = docHash(`results of ${trial.registryId}`);
    const done = await signAndWait(api, api.tx.clinicalTrials.publishResults(trial.id, resultsHash, reported), ferdie);
    const ev = findEvent(done.events, 'clinicalTrials', 'ResultsPublished');
    assert.ok(ev, `no ClinicalTrials.ResultsPublished event; events: ${eventNames(done.events)}`);
    assert.equal(enumName(ev.status), 'OutcomeSwitched', `ResultsPublished.status is ${ev.status}`);

    const info = await trialInfo(done.blockHash);
    assert.equal(enumName(field(info, 'status')), 'Published');
    const results = unwrapOption(field(info, 'results'));
    assert.ok(results, 'trial.results is None after publication');
    const status = field(results, 'status');
    console.log(`trial ${trial.id} outcome status: ${JSON.stringify(status.toJSON())}`);
    assert.equal(enumName(status), 'OutcomeSwitched', `results.status is ${JSON.stringify(status.toJSON())}`);
    assert.equal(toNumber(field(status.asOutcomeSwitched, 'missing')), 1);
    assert.equal(toNumber(field(status.asOutcomeSwitched, 'added')), 1);
    assert.deepEqual(hexList(field(results, 'missing')), [docHash(SAFETY)], 'results.missing is not the safety outcome');
    assert.deepEqual(hexList(field(results, 'added')), [docHash(POST_HOC)], 'results.added is not the post-hoc outcome');
    assert.equal(field(results, 'resultsHash').toHex(), resultsHash);

    const call = (await api.at(done.blockHash)).call;
    const switched = [...(await call.clinicalTrialsApi.trialsWithOutcomeSwitch(null, 1000))].map(toNumber);
    assert.ok(switched.includes(trial.id), `trialsWithOutcomeSwitch is [${switched}], lacks trial ${trial.id}`);
    // Publication touches no data: the frozen chain still verifies.
    assert.equal(toBool(await call.clinicalTrialsApi.verifyDataChain(trial.id)), true, 'verifyDataChain is false after publication');
    assert.equal(field(info, 'dataHead').toHex(), committed.head);
  });
});
