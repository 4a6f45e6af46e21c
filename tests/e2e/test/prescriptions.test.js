// E-prescriptions end to end against the real node, as a hospital's prescribing app, a
// patient's wallet and a pharmacy's dispensing app would drive them (pallets/prescriptions):
// St. Mary's doctor (a staff key) signs a prescription for a holder key the patient's wallet
// derived for it (`//<seed>//medchain/rx/0`); Riverside Pharmacy fills it with units of
// Acme's product, each fill signed by the holder for Riverside, exactly to its limit; the
// council's prescription-only flag refuses a plain dispense; another product, another
// patient's signature and an expired prescription are refused by name; a recall reaches
// exactly the holders who received the lot, in their own view; and what a third member
// reads of the prescriptions pallet holds no product, quantity or salt.
//
// The token, its id and the signed messages come from the testkit's encoding
// (tests/testkit/src/prescriptions.js, pinned against the pallet's), as an app would make them.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, describe, it } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { stringToU8a, u8aToHex, u8aToU8a } from '@polkadot/util';
import { blake2AsU8a, cryptoWaitReady, randomAsHex, randomAsU8a } from '@polkadot/util-crypto';

import { signAndWait, startNode, sudoAndWait, sudoResult } from '../lib/node.js';
import { eventNames, findEvent, sameAccount, toNumber } from '../lib/values.js';
import { fillMessage, issueMessage, prescriptionId, productCommitment } from '../../testkit/src/prescriptions.js';

const TX_TIMEOUT = { timeout: 240_000 };
const CLIENT = fileURLToPath(new URL('../../../clients/js/bin/medchain-client.js', import.meta.url));
const AMOXICILLIN = '09506000134352'; // Acme's, under the dev chain's prefix 9506000
const IBUPROFEN = '09506000134369';
const EXPIRY = `${String((new Date().getUTCFullYear() + 2) % 100).padStart(2, '0')}0630`;
const DAY = 86_400_000;

function client(...args) {
  return JSON.parse(execFileSync(process.execPath, [CLIENT, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 }));
}

describe('prescriptions: filled to the limit, refused by name, recalls reach the patient, nothing in clear', () => {
  let node;
  let api;
  let alice; // St. Mary's admin, sudo
  let riverside; // //Bob: Riverside Pharmacy
  let acme; // //Charlie: Acme (Manufacturer)
  let doctor; // a staff key of St. Mary's
  let keyring;
  let dir;
  const run = randomAsHex(4).slice(2);
  const lots = {}; // name -> { batchId, serials, file }
  let ready = false;

  /** A batch of `n` units of `gtin`, received by Riverside. */
  const stock = async (gtin, name, n) => {
    const serials = Array.from({ length: n }, (_, i) => `${name}${String(i).padStart(4, '0')}`);
    const file = join(dir, `${name}.txt`);
    writeFileSync(file, serials.join('\n') + '\n');
    const { serials_root: root } = client('serials', file);
    const commissioned = await signAndWait(api, api.tx.drugProvenance.commissionBatch(gtin, name, EXPIRY, n, root), acme);
    const batchId = toNumber(findEvent(commissioned.events, 'drugProvenance', 'BatchCommissioned').batchId);
    const shipped = await signAndWait(api, api.tx.drugProvenance.ship(batchId, riverside.address, n), acme);
    const shipmentId = toNumber(findEvent(shipped.events, 'drugProvenance', 'ShipmentSent').shipmentId);
    await signAndWait(api, api.tx.drugProvenance.receive(shipmentId), riverside);
    lots[name] = { batchId, serials, file };
    return lots[name];
  };

  const proofOf = (lot, index) => {
    const { proof, leaf_index: leafIndex, quantity } = client('serials', lot.file, '--prove', lot.serials[index]);
    return { leafIndex, leafCount: quantity, siblings: proof };
  };

  const chainNow = async () => BigInt((await api.query.timestamp.now()).toString());

  /** The patient's wallet: the holder key of its `n`th prescription. */
  const holderKey = (patient, n = 0) => keyring.addFromUri(`//${patient}-${run}//medchain/rx/${n}`);

  /** The prescriber's app: a token and its id, signed by the doctor. */
  const prescribe = async ({ holder, gtin = AMOXICILLIN, unitsPerFill, fills, validMs = 30 * DAY }) => {
    const salt = randomAsU8a(32);
    const opening = { gtin, unitsPerFill, salt };
    const product = productCommitment(blake2AsU8a, opening);
    const issuedAt = await chainNow();
    const fields = {
      prescriber: keyring.decodeAddress(doctor.address),
      holder: keyring.decodeAddress(holder.address),
      product,
      fills,
      issuedAt,
      expiresAt: issuedAt + BigInt(validMs),
      regulatorEnvelope: new Uint8Array(48).fill(0xee),
    };
    const id = prescriptionId(blake2AsU8a, fields);
    const token = { ...fields, prescriber: doctor.address, holder: holder.address, product: u8aToHex(product), regulatorEnvelope: u8aToHex(fields.regulatorEnvelope) };
    const prescriberSignature = { Sr25519: u8aToHex(doctor.sign(issueMessage(id))) };
    return {
      token,
      id: u8aToHex(id),
      idBytes: id,
      prescriberSignature,
      holder,
      opening: { gtin: stringToU8a(gtin), unitsPerFill, salt: u8aToHex(salt) },
      product: u8aToHex(product),
      salt: u8aToHex(salt),
    };
  };

  /** The holder's signature letting Riverside make fill `fill`. */
  const fillSignature = (rx, fill, signer = rx.holder) =>
    ({ Sr25519: u8aToHex(signer.sign(fillMessage(rx.idBytes, fill, keyring.decodeAddress(riverside.address)))) });

  const fillTx = (rx, lot, index, fill, holderSignature = fillSignature(rx, fill)) =>
    api.tx.prescriptions.dispensePrescribed(lot.batchId, lot.serials[index], proofOf(lot, index), {
      prescription: rx.token,
      prescriberSignature: rx.prescriberSignature,
      fill,
      holderSignature,
      opening: rx.opening,
    });

  const seenEvents = []; // every event of the fills, as any member's node saw them
  const fillOk = async (rx, lot, index, fill) => {
    const result = await signAndWait(api, fillTx(rx, lot, index, fill), riverside);
    seenEvents.push(...result.events);
    const ev = findEvent(result.events, 'prescriptions', 'PrescriptionFilled');
    assert.ok(ev, `no Prescriptions.PrescriptionFilled; events: ${eventNames(result.events)}`);
    assert.equal(ev.prescription.toHex(), rx.id);
    assert.equal(toNumber(ev.fill), fill);
    assert.equal(toNumber(ev.batchId), lot.batchId);
    assert.ok(sameAccount(ev.pharmacy, riverside));
    return result;
  };

  const refused = (tx, name) =>
    assert.rejects(signAndWait(api, tx, riverside), (err) => {
      assert.equal(err.message, name);
      return true;
    });

  before(async () => {
    node = await startNode();
    api = node.api;
    await cryptoWaitReady();
    keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
    alice = keyring.addFromUri('//Alice');
    riverside = keyring.addFromUri('//Bob');
    acme = keyring.addFromUri('//Charlie');
    doctor = keyring.addFromUri(`//DrGrey-${run}`);
    dir = mkdtempSync(join(tmpdir(), 'medchain-e2e-rx-'));
  }, { timeout: 120_000 });

  after(async () => {
    if (node) await node.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, { timeout: 30_000 });

  afterEach((t) => {
    if (node && (t.passed === false || t.error)) node.printLogTail(50, `after failed test "${t.name}"`);
  });

  it('set-up: St. Mary\'s adds its doctor as staff; Acme registers two products and stocks Riverside with three lots', TX_TIMEOUT, async () => {
    assert.equal(typeof api.tx.prescriptions?.dispensePrescribed, 'function', 'no Prescriptions.dispense_prescribed in metadata');
    assert.equal(typeof api.call.prescriptionsApi?.recalledFillsOf, 'function', 'no PrescriptionsApi in metadata');
    await signAndWait(api, api.tx.consortium.addStaff(doctor.address), alice);
    await signAndWait(api, api.tx.drugProvenance.registerProduct(AMOXICILLIN, `0x${'ab'.repeat(32)}`), acme);
    await signAndWait(api, api.tx.drugProvenance.registerProduct(IBUPROFEN, `0x${'cd'.repeat(32)}`), acme);
    await stock(AMOXICILLIN, `AMXA${run}`.toUpperCase(), 8);
    await stock(AMOXICILLIN, `AMXB${run}`.toUpperCase(), 4);
    await stock(IBUPROFEN, `IBU${run}`.toUpperCase(), 4);
    ready = true;
  });

  it('the council makes amoxicillin prescription-only: a plain dispense is refused (DrugProvenance.PrescriptionRequired)', TX_TIMEOUT, async (t) => {
    if (!ready) return t.skip('needs the set-up');
    const set = await sudoAndWait(api, api.tx.prescriptions.setPrescriptionOnly(AMOXICILLIN, true), alice);
    assert.equal(sudoResult(api, set.events)?.ok, true, `events: ${eventNames(set.events)}`);
    assert.equal((await api.call.prescriptionsApi.isPrescriptionOnly(AMOXICILLIN)).isTrue, true);
    const lot = lots[`AMXA${run}`.toUpperCase()];
    await refused(api.tx.drugProvenance.dispense(lot.batchId, lot.serials[7], proofOf(lot, 7)), 'drugProvenance.PrescriptionRequired');
  });

  let pat; // Pat's prescription: two fills of two packs
  it('a prescription of two fills of two packs is filled exactly to its limit, then refused (FillComplete, NoFillsLeft)', TX_TIMEOUT, async (t) => {
    if (!ready) return t.skip('needs the set-up');
    const lot = lots[`AMXA${run}`.toUpperCase()];
    pat = await prescribe({ holder: holderKey('Pat'), unitsPerFill: 2, fills: 2 });
    const first = await fillOk(pat, lot, 0, 1);
    const registered = findEvent(first.events, 'prescriptions', 'PrescriptionRegistered');
    assert.ok(registered, `no PrescriptionRegistered; events: ${eventNames(first.events)}`);
    assert.ok(sameAccount(registered.prescriber, alice), 'the prescriber organization is St. Mary\'s');
    await fillOk(pat, lot, 1, 1);
    await refused(fillTx(pat, lot, 2, 1), 'prescriptions.FillComplete');
    await fillOk(pat, lot, 2, 2);
    await fillOk(pat, lot, 3, 2);
    await refused(fillTx(pat, lot, 4, 2), 'prescriptions.FillComplete');
    await refused(fillTx(pat, lot, 4, 3), 'prescriptions.NoFillsLeft');
    const fills = await api.call.prescriptionsApi.fills(pat.id);
    assert.deepEqual(fills.map((u) => toNumber(u.fill)), [1, 1, 2, 2]);
    assert.deepEqual((await api.call.prescriptionsApi.prescriptionsOf(pat.holder.address)).map((h) => h.toHex()), [pat.id]);
    // The holder key never paid or signed a transaction.
    const account = await api.query.system.account(pat.holder.address);
    assert.equal(account.nonce.toNumber(), 0);
    assert.equal(account.data.free.toBigInt(), 0n);
  });

  it('another product, another patient\'s signature, a pharmacist as prescriber, an expired prescription: refused by name', TX_TIMEOUT, async (t) => {
    if (!ready) return t.skip('needs the set-up');
    const amx = lots[`AMXA${run}`.toUpperCase()];
    const ibu = lots[`IBU${run}`.toUpperCase()];
    const rx = await prescribe({ holder: holderKey('Quinn'), unitsPerFill: 1, fills: 2 });
    await refused(fillTx(rx, ibu, 0, 1), 'prescriptions.ProductMismatch');
    await refused(fillTx(rx, amx, 5, 1, fillSignature(rx, 1, holderKey('Rosa'))), 'prescriptions.BadHolderSignature');
    const self = keyring.addFromUri(`//Pharmacist-${run}`);
    await signAndWait(api, api.tx.consortium.addStaff(self.address), riverside);
    const saved = doctor;
    doctor = self;
    try {
      const own = await prescribe({ holder: holderKey('Quinn', 1), unitsPerFill: 1, fills: 1 });
      await refused(fillTx(own, amx, 5, 1), 'prescriptions.NotAPrescriber');
    } finally {
      doctor = saved;
    }
    await fillOk(rx, amx, 4, 1);
    // A prescription valid for 9 s (three blocks), filled once, then past its expiry.
    const brief = await prescribe({ holder: holderKey('Quinn', 2), unitsPerFill: 1, fills: 2, validMs: 9_000 });
    await fillOk(brief, amx, 5, 1);
    while ((await chainNow()) <= brief.token.expiresAt) await new Promise((r) => setTimeout(r, 1_000));
    await refused(fillTx(brief, amx, 6, 2), 'prescriptions.PrescriptionExpired');
  });

  it('a recall of Pat\'s lot reaches Pat in Pat\'s own view, not Sam who got another lot; the regulator counts the holders', TX_TIMEOUT, async (t) => {
    if (!ready || !pat) return t.skip('needs Pat\'s fills');
    const lotA = lots[`AMXA${run}`.toUpperCase()];
    const lotB = lots[`AMXB${run}`.toUpperCase()];
    const sam = await prescribe({ holder: holderKey('Sam'), unitsPerFill: 1, fills: 1 });
    await fillOk(sam, lotB, 0, 1);
    const recall = await signAndWait(api, api.tx.drugProvenance.recallBatch(lotA.batchId, 3), acme);
    assert.ok(findEvent(recall.events, 'drugProvenance', 'BatchRecalled'), `events: ${eventNames(recall.events)}`);
    const recalled = async (holder) => (await api.call.prescriptionsApi.recalledFillsOf(holder.address)).map(([id, unit]) => [id.toHex(), toNumber(unit.batchId)]);
    assert.deepEqual(await recalled(pat.holder), [[pat.id, lotA.batchId], [pat.id, lotA.batchId], [pat.id, lotA.batchId], [pat.id, lotA.batchId]]);
    assert.deepEqual(await recalled(sam.holder), []);
    // Pat and Quinn (two prescriptions, two holder keys) got units of lot A; Sam of lot B.
    assert.equal(toNumber(await api.call.prescriptionsApi.holdersReached(lotA.batchId)), 3);
    assert.equal(toNumber(await api.call.prescriptionsApi.holdersReached(lotB.batchId)), 1);
  });

  it('a third member reads the whole prescriptions pallet and its events: no product, quantity, salt or commitment in clear', TX_TIMEOUT, async (t) => {
    if (!ready || !pat) return t.skip('needs Pat\'s fills');
    // Everything under the pallet's storage prefix, keys and values, at the best block.
    // twox128("Prescriptions"): the first 16 bytes of any of its storage items' prefixes.
    const prefix = u8aToHex(u8aToU8a(api.query.prescriptions.prescriptions.keyPrefix())).slice(0, 34);
    const keys = await api.rpc.state.getKeysPaged(prefix, 1000, prefix);
    assert.ok(keys.length >= 5, `the pallet's storage was read (${keys.length} keys)`);
    // The council's list of prescription-only products names GTINs by design (a public rule,
    // keyed by the GTIN): it is read apart, and holds nothing of a patient.
    const rules = u8aToHex(u8aToU8a(api.query.prescriptions.prescriptionOnly.keyPrefix()));
    let kept = '';
    let ruleKeys = 0;
    for (const key of keys) {
      if (key.toHex().startsWith(rules)) {
        ruleKeys += 1;
        continue;
      }
      kept += key.toHex().slice(2);
      kept += (await api.rpc.state.getStorage(key)).toHex().slice(2);
    }
    assert.equal(ruleKeys, 1, 'one prescription-only product');
    // And every event of the pallet the fills deposited.
    let seen = 0;
    for (const { event } of seenEvents) {
      if (event.section !== 'prescriptions') continue;
      kept += event.data.toHex().slice(2);
      seen += 1;
    }
    assert.ok(seen >= 8, `the fills' events were read (${seen})`);
    const has = (hex) => kept.includes(hex.replace(/^0x/, '').toLowerCase());
    assert.ok(!has(u8aToHex(stringToU8a(AMOXICILLIN))), 'the GTIN is kept in clear');
    assert.ok(!has(pat.salt), 'the salt is kept');
    assert.ok(!has(pat.product), 'the product commitment is kept');
    assert.ok(!has('ee'.repeat(48)), 'the regulator envelope is kept');
    assert.ok(has(pat.id), 'the prescription id is kept (the read saw the pallet\'s state)');
    assert.ok(has(u8aToHex(keyring.decodeAddress(pat.holder.address))), 'the holder key is kept');
  });
});
