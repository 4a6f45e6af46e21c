// The workloads of the throughput benchmark: what each needs on chain before it can run
// (set up with batched calls where a single signer can do it), and the N calls it submits.
//
// Every workload has its own signer keys, so nonces never couple two workloads.

import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { u8aToHex } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';

import { fillMessage, issueMessage, prescriptionId, productCommitment } from '../../testkit/src/prescriptions.js';

export const WORKLOADS = ['transfer', 'anchor_record', 'anchor_batch', 'grant_consent', 'dispense', 'dispense_prescribed', 'commit_data'];

const LAB_RESULTS = 16; // Categories bit of RecordCategory::LabResults
const CATEGORY_BITS = [1, 2, 4, 8, 16, 32, 64, 128, 256];
const PROVIDER_GTIN = '09506000134352'; // GS1 example GTIN under Acme's genesis prefix 9506000
const RX_GTIN = '09506000134369'; // a second product of Acme's, for dispense_prescribed
const DAY = 86_400_000n;

const rand32 = () => u8aToHex(randomBytes(32));

/** Load the client library's GS1 serial tree (clients/js), with a clear message if it cannot. */
async function loadSerialsTree() {
  const url = new URL('../../../clients/js/src/gs1.js', import.meta.url);
  try {
    return (await import(url.href)).serialsTree;
  } catch (e) {
    throw new Error(
      `cannot load the client library's serial tree from ${fileURLToPath(url)} (${e.message}); ` +
        'install its dependencies first: npm --prefix clients/js ci',
    );
  }
}

/**
 * Keys for one role of one run: sr25519 pairs from seeds blake2("medchain-bench/<run>/<name>/<i>").
 */
export function makeKeys(keyring, run, name, count) {
  return Array.from({ length: count }, (_, i) => keyring.addFromSeed(blake2AsU8a(`medchain-bench/${run}/${name}/${i}`, 256)));
}

/**
 * Describe every selected workload: its signer keys and what the setup must do.
 * Returns { [name]: { signers, patients?, ... } } plus the setup plan, in waves; each wave
 * is a list of { signer, calls: [call], batch: bool } submitted together.
 */
export function planWorkloads(ctx, selected, opts) {
  const { keyring, run, dev } = ctx;
  const { n, signers: S, recordsPerPatient, grantsPerPatient, patientConsents, commitsPerTrial } = opts;
  const w = {};
  for (const name of selected) w[name] = { name };

  if (w.transfer) w.transfer.signers = makeKeys(keyring, run, 'transfer', S);
  if (w.anchor_record) {
    w.anchor_record.signers = makeKeys(keyring, run, 'anchor_record-staff', S);
    w.anchor_record.patients = makeKeys(keyring, run, 'anchor_record-patient', Math.ceil(n / recordsPerPatient));
  }
  if (w.anchor_batch) w.anchor_batch.signers = makeKeys(keyring, run, 'anchor_batch-staff', S);
  if (w.grant_consent) w.grant_consent.signers = makeKeys(keyring, run, 'grant_consent-patient', Math.ceil(n / grantsPerPatient));
  if (w.dispense) w.dispense.signers = makeKeys(keyring, run, 'dispense-staff', S);
  if (w.dispense_prescribed) {
    // Each call is the first fill of its own prescription (the prescriber's signature is
    // checked, the holder's list grows): one doctor, one holder key per prescription.
    w.dispense_prescribed.signers = makeKeys(keyring, run, 'dispense_prescribed-staff', S);
    [w.dispense_prescribed.doctor] = makeKeys(keyring, run, 'dispense_prescribed-doctor', 1);
    w.dispense_prescribed.holders = makeKeys(keyring, run, 'dispense_prescribed-holder', n);
  }
  if (w.commit_data) {
    w.commit_data.signers = makeKeys(keyring, run, 'commit_data-staff', S);
    w.commit_data.trials = Math.ceil(n / commitsPerTrial);
  }
  // Organizations a patient may consent to: the eight genesis organizations' admins.
  w.orgs = dev.orgs.map((p) => p.address);
  w.patientConsents = patientConsents;
  return w;
}

/**
 * Set the chain up for the selected workloads. `exec(label, plan)` signs `plan`
 * ([{ pair, call }]) with explicit nonces, submits it and returns the burst report
 * (with events), throwing on any rejection, loss or failed dispatch.
 */
export async function setupWorkloads(ctx, w, opts, exec, batch) {
  const { api, dev, unit } = ctx;
  const { n } = opts;
  const log = (m) => console.error(`[setup] ${m}`);
  const tx = api.tx;

  // Wave 1: everything //Alice (St. Mary's admin, sudo), //Bob (Riverside admin),
  // //Charlie (Acme) and //Ferdie (Helix) can do without knowing an id yet.
  const alice = [];
  const bob = [];
  const fund = 1000n * unit;
  for (const name of ['transfer', 'anchor_record', 'anchor_batch', 'dispense', 'dispense_prescribed', 'commit_data']) {
    if (w[name]) for (const k of w[name].signers) alice.push(tx.balances.transferKeepAlive(k.address, fund));
  }
  if (w.dispense_prescribed) {
    alice.push(tx.consortium.addStaff(w.dispense_prescribed.doctor.address));
    for (const k of w.dispense_prescribed.signers) bob.push(tx.consortium.addStaff(k.address));
  }
  for (const name of ['anchor_record', 'anchor_batch', 'commit_data']) {
    if (w[name]) for (const k of w[name].signers) alice.push(tx.consortium.addStaff(k.address));
  }
  if (w.dispense) for (const k of w.dispense.signers) bob.push(tx.consortium.addStaff(k.address));
  const patients = [...(w.anchor_record?.patients ?? []), ...(w.grant_consent?.signers ?? [])];
  for (const p of patients) alice.push(tx.patientIdentity.onboardPatient(p.address, rand32()));

  const wave1 = [...(await batch(dev.alice, alice)), ...(await batch(dev.bob, bob))];

  let serials = null;
  let lot = null;
  let expiry = null;
  if (w.dispense) {
    const serialsTree = await loadSerialsTree();
    serials = Array.from({ length: n }, (_, i) => `SN${String(i).padStart(9, '0')}`);
    lot = `B${ctx.run.toUpperCase()}`.slice(0, 20);
    const year = new Date().getUTCFullYear() + 2;
    expiry = `${String(year % 100).padStart(2, '0')}0630`;
    const t0 = Date.now();
    const tree = serialsTree(serials);
    w.dispense.tree = tree;
    w.dispense.serials = serials;
    log(`serials tree of ${n} serials built in ${Date.now() - t0} ms (root ${tree.root()})`);
    wave1.push({ pair: dev.charlie, call: tx.drugProvenance.registerProduct(PROVIDER_GTIN, rand32()) });
    wave1.push({ pair: dev.charlie, call: tx.drugProvenance.commissionBatch(PROVIDER_GTIN, lot, expiry, n, tree.root()) });
  }
  if (w.dispense_prescribed) {
    const serialsTree = await loadSerialsTree();
    const wl = w.dispense_prescribed;
    wl.serials = Array.from({ length: n }, (_, i) => `RX${String(i).padStart(9, '0')}`);
    wl.tree = serialsTree(wl.serials);
    const year = new Date().getUTCFullYear() + 2;
    wave1.push({ pair: dev.charlie, call: tx.drugProvenance.registerProduct(RX_GTIN, rand32()) });
    wave1.push({
      pair: dev.charlie,
      call: tx.drugProvenance.commissionBatch(RX_GTIN, `R${ctx.run.toUpperCase()}`.slice(0, 20), `${String(year % 100).padStart(2, '0')}0630`, n, wl.tree.root()),
    });
  }
  if (w.commit_data) {
    const trials = [];
    for (let t = 0; t < w.commit_data.trials; t++) {
      trials.push(tx.clinicalTrials.registerTrial(`BENCH-${ctx.run}-${t}`, rand32(), [rand32(), rand32()], 100));
    }
    wave1.push(...(await batch(dev.ferdie, trials)));
  }
  log(`wave 1: ${wave1.length} extrinsics (funding, staff, ${patients.length} patients onboarded, product/batch, trials)`);
  const r1 = await exec('setup-1', wave1);
  const found = (section, method) => {
    const out = [];
    for (const evs of r1.events) for (const e of evs ?? []) if (e.section === section && e.method === method) out.push(e);
    return out;
  };

  // Wave 2: patients' own consents, the shipment to the pharmacy, the trials' sites.
  const wave2 = [];
  if (w.anchor_record) {
    for (const p of w.anchor_record.patients) {
      for (let c = 1; c < w.patientConsents; c++) {
        const grantee = w.orgs[1 + ((c - 1) % (w.orgs.length - 1))]; // not St. Mary's
        wave2.push({ pair: p, call: tx.consent.grantConsent(grantee, { categories: CATEGORY_BITS[c % 9], access: { read: true, write: false } }, 'Research', null) });
      }
      wave2.push({ pair: p, call: tx.consent.grantConsent(dev.alice.address, { categories: LAB_RESULTS, access: { read: true, write: true } }, 'Treatment', null) });
    }
  }
  // The batches, told apart by their product.
  const batchOf = (gtin) => {
    const ev = found('drugProvenance', 'BatchCommissioned').find((e) => Buffer.from(e.data.gtin.toU8a()).toString() === gtin);
    if (!ev) throw new Error(`setup: no DrugProvenance.BatchCommissioned event for ${gtin}`);
    return ev.data.batchId.toNumber();
  };
  for (const [name, gtin] of [['dispense', PROVIDER_GTIN], ['dispense_prescribed', RX_GTIN]]) {
    if (!w[name]) continue;
    w[name].batchId = batchOf(gtin);
    wave2.push({ pair: dev.charlie, call: tx.drugProvenance.ship(w[name].batchId, dev.bob.address, n) });
  }
  if (w.commit_data) {
    const ids = found('clinicalTrials', 'TrialRegistered').map((e) => e.data.trialId.toNumber());
    if (ids.length !== w.commit_data.trials) throw new Error(`setup: ${ids.length} trials registered, expected ${w.commit_data.trials}`);
    w.commit_data.trialIds = ids;
    wave2.push(...(await batch(dev.ferdie, ids.map((id) => tx.clinicalTrials.addSite(id, dev.alice.address)))));
  }
  if (w.dispense_prescribed) w.dispense_prescribed.now = (await api.query.timestamp.now()).toBigInt();
  if (wave2.length) {
    log(`wave 2: ${wave2.length} extrinsics (patients' consents, shipment, trial sites)`);
    const r2 = await exec('setup-2', wave2);
    const shipments = r2.events.flat().filter((e) => e && e.section === 'drugProvenance' && e.method === 'ShipmentSent');
    const expected = (w.dispense ? 1 : 0) + (w.dispense_prescribed ? 1 : 0);
    if (shipments.length !== expected) throw new Error(`setup: ${shipments.length} DrugProvenance.ShipmentSent events, expected ${expected}`);
    if (expected) {
      log(`wave 3: Riverside receives shipment(s) ${shipments.map((e) => e.data.shipmentId.toNumber()).join(', ')}`);
      await exec('setup-3', shipments.map((e) => ({ pair: dev.bob, call: tx.drugProvenance.receive(e.data.shipmentId) })));
    }
  }
}

/** The N calls of workload `name`: [{ pair, call }], round-robin over its signers. */
export function buildCalls(ctx, w, name, n) {
  const { api, dev } = ctx;
  const tx = api.tx;
  const wl = w[name];
  const S = wl.signers.length;
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const pair = wl.signers[i % S];
    let call;
    switch (name) {
      case 'transfer':
        call = tx.balances.transferKeepAlive(wl.signers[(i + 1) % S].address, ctx.existentialDeposit);
        break;
      case 'anchor_record': {
        const patient = wl.patients[i % wl.patients.length];
        call = tx.healthRecords.anchorRecord(patient.address, 'LabResults', rand32(), `mc1:${rand32().slice(2)}`, null);
        break;
      }
      case 'anchor_batch':
        call = tx.healthRecords.anchorBatch('LabResults', rand32(), 1000, null);
        break;
      case 'grant_consent':
        call = tx.consent.grantConsent(
          w.orgs[i % w.orgs.length],
          { categories: CATEGORY_BITS[Math.floor(i / S) % 9], access: { read: true, write: false } },
          'Treatment',
          null,
        );
        break;
      case 'dispense': {
        const p = wl.tree.proof(i);
        call = tx.drugProvenance.dispense(wl.batchId, wl.serials[i], { leafIndex: i, leafCount: p.numberOfLeaves, siblings: p.proof });
        break;
      }
      case 'dispense_prescribed': {
        const p = wl.tree.proof(i);
        const holder = wl.holders[i];
        const opening = { gtin: RX_GTIN, unitsPerFill: 1, salt: randomBytes(32) };
        const fields = {
          prescriber: ctx.keyring.decodeAddress(wl.doctor.address),
          holder: ctx.keyring.decodeAddress(holder.address),
          product: productCommitment(blake2AsU8a, opening),
          fills: 1,
          issuedAt: wl.now,
          expiresAt: wl.now + 30n * DAY,
          regulatorEnvelope: randomBytes(64),
        };
        const id = prescriptionId(blake2AsU8a, fields);
        call = tx.prescriptions.dispensePrescribed(wl.batchId, wl.serials[i], { leafIndex: i, leafCount: p.numberOfLeaves, siblings: p.proof }, {
          prescription: { ...fields, prescriber: wl.doctor.address, holder: holder.address, product: u8aToHex(fields.product), regulatorEnvelope: u8aToHex(fields.regulatorEnvelope) },
          prescriberSignature: { Sr25519: u8aToHex(wl.doctor.sign(issueMessage(id))) },
          fill: 1,
          holderSignature: { Sr25519: u8aToHex(holder.sign(fillMessage(id, 1, ctx.keyring.decodeAddress(dev.bob.address)))) },
          opening: { gtin: RX_GTIN, unitsPerFill: 1, salt: u8aToHex(opening.salt) },
        });
        break;
      }
      case 'commit_data':
        call = tx.clinicalTrials.commitData(wl.trialIds[i % wl.trialIds.length], rand32(), 100);
        break;
      default:
        throw new Error(`unknown workload ${name}`);
    }
    out[i] = { pair, call };
  }
  void dev;
  return out;
}
