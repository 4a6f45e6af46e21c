// Drug provenance end to end, as the supply chain and a pharmacist's scanner app
// would drive it: Acme (manufacturer) commissions one batch of 1,000 serialized
// packs whose serials Merkle root comes from the client tool, the batch travels
// Acme → MedLogistics (distributor) → two pharmacies, packs are dispensed after
// the scanner app verified them, a copied serial presented a second time is
// refused and recorded as suspect, and a recall stops the batch.
//
// The scanner app reads a pack's GS1 DataMatrix (']d2' element string: AI 01 GTIN,
// 17 expiry, 10 lot, 21 serial, GS after variable-length fields), parses it with
// `medchain-client scan`, gets the serial's Merkle proof from the manufacturer's
// serials file (`medchain-client serials <file> --prove <serial>`) and asks the
// chain `api.call.drugProvenanceApi.verifyUnit(gtin, lot, serial, proof)`.
//
// The steps share one node and one batch and run in order; a step whose
// prerequisite failed is skipped with the reason. After every custody step the
// test checks conservation itself: held + in transit + dispensed == quantity.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, describe, it } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, randomAsHex } from '@polkadot/util-crypto';

import { signAndWait, startNode, sudoAndWait, sudoResult } from '../lib/node.js';
import {
  accountHex,
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

const TX_TIMEOUT = { timeout: 240_000 };
const ROLE_PHARMACY = 2; // Roles bit set (pallet primitives)
const CLIENT = fileURLToPath(new URL('../../../clients/js/bin/medchain-client.js', import.meta.url));

const GTIN = '09506000134352'; // the GS1 example GTIN-14 (check digit 2)
const QUANTITY = 1_000;
// 30 June, two years from now (GS1 YYMMDD): never in the past when the test runs.
const EXPIRY_YEAR = new Date().getUTCFullYear() + 2;
const EXPIRY = `${String(EXPIRY_YEAR % 100).padStart(2, '0')}0630`;
const GS = '\x1d'; // FNC1 as a scanner transmits it
const RECALL_REASON = 7;

/** Run the client tool's CLI; its JSON output. */
function client(...args) {
  return JSON.parse(execFileSync(process.execPath, [CLIENT, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 }));
}

/** Run the client tool's CLI expecting it to fail; its error message (stderr). */
function clientFails(...args) {
  try {
    execFileSync(process.execPath, [CLIENT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    assert.equal(err.status, 1, `medchain-client ${args[0]}: exit status ${err.status}`);
    return err.stderr;
  }
  return assert.fail(`medchain-client ${args.join(' ')} succeeded`);
}

/** What the DataMatrix printed on a pack transmits to the scanner. */
function dataMatrix(lot, serial, gtin = GTIN) {
  return `]d201${gtin}17${EXPIRY}10${lot}${GS}21${serial}`;
}

/** A custody struct as plain numbers. */
function readCustody(c) {
  return { held: toNumber(field(c, 'held')), incoming: toNumber(field(c, 'incoming')), outgoing: toNumber(field(c, 'outgoing')) };
}

/** A Vec<(AccountId, Custody)> as a Map from account hex to custody. */
function readHolders(list) {
  const holders = new Map();
  for (const [account, custody] of list) {
    const key = accountHex(account);
    assert.ok(!holders.has(key), `holder ${account} listed twice`);
    holders.set(key, readCustody(custody));
  }
  return holders;
}

/** A UnitStatus as plain JS. */
function readStatus(status) {
  const dispensed = unwrapOption(field(status, 'dispensed'));
  const expiry = unwrapOption(field(status, 'expiry'));
  const batchId = unwrapOption(field(status, 'batchId'));
  return {
    batchId: batchId === null ? null : toNumber(batchId),
    authentic: toBool(field(status, 'authentic')),
    dispensedBy: dispensed ? accountHex(field(dispensed, 'pharmacy')) : null,
    dispensedAt: dispensed ? toNumber(field(dispensed, 'at')) : null,
    recalled: toBool(field(status, 'recalled')),
    expired: toBool(field(status, 'expired')),
    expiry: expiry
      ? { year: toNumber(field(expiry, 'year')), month: toNumber(field(expiry, 'month')), day: toNumber(field(expiry, 'day')) }
      : null,
    holders: readHolders(field(status, 'holders')),
    suspectReports: toNumber(field(status, 'suspectReports')),
  };
}

describe('drug provenance: 1,000 serialized packs from manufacturer to two pharmacies, scanner checks, double dispense, recall', () => {
  let node;
  let api;
  let unit;
  let alice; // St. Mary's Hospital, sudo
  let riverside; // //Bob: Riverside Pharmacy
  let acme; // //Charlie: Acme Pharmaceuticals (Manufacturer)
  let medlogistics; // //Dave: MedLogistics Distribution
  let regulator; // //Eve: National Health Regulator
  let lakeside; // fresh key: Lakeside Pharmacy, registered by sudo

  let dir;
  let serialsFile;
  let serials; // the manufacturer's list, in tree order
  let lot;

  // Filled in by the steps, in order; null when the step failed.
  let metadataOk = false;
  let lakesideOk = false;
  let batchId = null;
  let delivered = false; // both pharmacies hold their share
  let dispensed = null; // [{ serial, pharmacy }]
  let recalled = false;

  /** `api.call.drugProvenanceApi` at block `hash` (or the best block). */
  const dp = async (hash) => (hash ? (await api.at(hash)).call : api.call).drugProvenanceApi;

  /**
   * Conservation at block `hash`, checked from the API's answers: held + in transit +
   * dispensed == quantity, incoming == outgoing == in transit, dispensed == `expectDispensed`.
   * Returns the holders (Map account hex → custody).
   */
  const conserved = async (hash, expectDispensed) => {
    const api_ = await dp(hash);
    const batch = unwrapOption(await api_.batch(batchId));
    assert.ok(batch, `drugProvenanceApi.batch(${batchId}) is None`);
    const holders = readHolders(await api_.holders(batchId));
    const quantity = toNumber(field(batch, 'quantity'));
    const inTransit = toNumber(field(batch, 'inTransit'));
    const batchDispensed = toNumber(field(batch, 'dispensed'));
    let held = 0;
    let incoming = 0;
    let outgoing = 0;
    for (const c of holders.values()) {
      assert.ok(c.held + c.incoming + c.outgoing > 0, 'a holder with empty custody is listed');
      held += c.held;
      incoming += c.incoming;
      outgoing += c.outgoing;
    }
    assert.equal(quantity, QUANTITY);
    assert.equal(held + inTransit + batchDispensed, quantity, `conservation: held ${held} + in transit ${inTransit} + dispensed ${batchDispensed} != ${quantity}`);
    assert.equal(incoming, inTransit, 'incoming != in transit');
    assert.equal(outgoing, inTransit, 'outgoing != in transit');
    assert.equal(batchDispensed, expectDispensed, 'dispensed count');
    return holders;
  };

  /** Expect exactly these holders (pair → [held, incoming, outgoing]). */
  const expectHolders = (holders, expected) => {
    const want = new Map(expected.map(([who, [held, incoming, outgoing]]) => [accountHex(who), { held, incoming, outgoing }]));
    assert.deepEqual(holders, want);
  };

  /** Ship and return the shipment id (from ShipmentSent). */
  const ship = async (from, to, quantity) => {
    const result = await signAndWait(api, api.tx.drugProvenance.ship(batchId, to.address, quantity), from);
    const ev = findEvent(result.events, 'drugProvenance', 'ShipmentSent');
    assert.ok(ev, `no DrugProvenance.ShipmentSent; events: ${eventNames(result.events)}`);
    assert.equal(toNumber(ev.batchId), batchId);
    assert.ok(sameAccount(ev.from, from) && sameAccount(ev.to, to));
    assert.equal(toNumber(ev.quantity), quantity);
    return { shipmentId: toNumber(ev.shipmentId), blockHash: result.blockHash };
  };

  const receive = async (who, shipmentId) => {
    const result = await signAndWait(api, api.tx.drugProvenance.receive(shipmentId), who);
    const ev = findEvent(result.events, 'drugProvenance', 'ShipmentReceived');
    assert.ok(ev, `no DrugProvenance.ShipmentReceived; events: ${eventNames(result.events)}`);
    assert.equal(toNumber(ev.shipmentId), shipmentId);
    assert.ok(sameAccount(ev.to, who));
    return result;
  };

  /**
   * The pharmacist's scanner app: parse the DataMatrix, get the serial's proof from the
   * manufacturer's serials file, ask the chain. `proveSerial` lets a test present the
   * proof of another serial (a counterfeiter's trick).
   */
  const scanPack = async (element, { proveSerial, hash } = {}) => {
    const pack = client('scan', element);
    const { proof, leaf_index: leafIndex, quantity } = client('serials', serialsFile, '--prove', proveSerial ?? pack.serial);
    const proofArg = { leafIndex, leafCount: quantity, siblings: proof };
    const status = readStatus(await (await dp(hash)).verifyUnit(pack.gtin, pack.lot, pack.serial, proofArg));
    return { pack, proof: proofArg, status };
  };

  /** Scan, check the pack is dispensable, dispense it; returns the block hash. */
  const scanAndDispense = async (pharmacy, serial) => {
    const { pack, proof, status } = await scanPack(dataMatrix(lot, serial));
    assert.equal(status.batchId, batchId);
    assert.ok(status.authentic && status.dispensedBy === null && !status.recalled && !status.expired, `pack ${serial} not dispensable: ${JSON.stringify(status, (k, v) => (v instanceof Map ? [...v] : v))}`);
    const result = await signAndWait(api, api.tx.drugProvenance.dispense(status.batchId, pack.serial, proof), pharmacy);
    const ev = findEvent(result.events, 'drugProvenance', 'UnitDispensed');
    assert.ok(ev, `no DrugProvenance.UnitDispensed; events: ${eventNames(result.events)}`);
    assert.equal(toNumber(ev.batchId), batchId);
    assert.ok(sameAccount(ev.pharmacy, pharmacy));
    return result.blockHash;
  };

  before(async () => {
    node = await startNode();
    api = node.api;
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
    alice = keyring.addFromUri('//Alice');
    riverside = keyring.addFromUri('//Bob');
    acme = keyring.addFromUri('//Charlie');
    medlogistics = keyring.addFromUri('//Dave');
    regulator = keyring.addFromUri('//Eve');
    lakeside = keyring.addFromUri(`//LakesideE2E-${randomAsHex(8).slice(2)}`);
    unit = 10n ** BigInt(api.registry.chainDecimals[0] ?? 12);

    // The manufacturer's serial list for the batch: one serial per line, in tree order.
    dir = mkdtempSync(join(tmpdir(), 'medchain-e2e-drugs-'));
    lot = `AMX${randomAsHex(3).slice(2).toUpperCase()}`;
    serials = Array.from({ length: QUANTITY }, (_, i) => `ACME${String(i).padStart(6, '0')}`);
    serialsFile = join(dir, 'serials.txt');
    writeFileSync(serialsFile, serials.join('\n') + '\n');
  }, { timeout: 120_000 });

  after(async () => {
    if (node) await node.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, { timeout: 30_000 });

  afterEach((t) => {
    if (node && (t.passed === false || t.error)) node.printLogTail(50, `after failed test "${t.name}"`);
  });

  it('metadata lists the DrugProvenance calls and DrugProvenanceApi', () => {
    assert.ok(api.tx.drugProvenance, `no DrugProvenance calls in metadata; pallets: ${Object.keys(api.tx).join(', ')}`);
    for (const call of ['registerProduct', 'commissionBatch', 'ship', 'receive', 'cancelShipment', 'dispense', 'reportSuspect', 'recallBatch']) {
      assert.equal(typeof api.tx.drugProvenance[call], 'function', `api.tx.drugProvenance.${call} missing`);
    }
    assert.ok(api.call.drugProvenanceApi, `api.call.drugProvenanceApi missing; have: ${Object.keys(api.call).join(', ')}`);
    for (const fn of ['verifyUnit', 'batchOf', 'batch', 'batchHistory', 'holders', 'suspectReports', 'productsOf', 'shipment']) {
      assert.equal(typeof api.call.drugProvenanceApi[fn], 'function', `api.call.drugProvenanceApi.${fn} missing`);
    }
    metadataOk = true;
  });

  it('sudo registers a second pharmacy (Lakeside) and Alice funds it', TX_TIMEOUT, async (t) => {
    if (!metadataOk) return t.skip('needs DrugProvenance in the metadata');
    await signAndWait(api, api.tx.balances.transferKeepAlive(lakeside.address, 1_000n * unit), alice);
    const reg = await sudoAndWait(
      api,
      api.tx.consortium.registerOrganization(lakeside.address, 'Lakeside Pharmacy', ROLE_PHARMACY),
      alice,
    );
    assert.equal(sudoResult(api, reg.events)?.ok, true, `events: ${eventNames(reg.events)}`);
    assert.ok(findEvent(reg.events, 'consortium', 'OrganizationRegistered'), `events: ${eventNames(reg.events)}`);
    lakesideOk = true;
  });

  it(`Acme registers the product and commissions a batch of ${QUANTITY.toLocaleString('en')} serials (root from medchain-client serials)`, TX_TIMEOUT, async (t) => {
    if (!metadataOk) return t.skip('needs DrugProvenance in the metadata');
    const { serials_root: root, quantity } = client('serials', serialsFile);
    assert.equal(quantity, QUANTITY);

    const metadataHash = `0x${'ab'.repeat(32)}`;
    const registered = await signAndWait(api, api.tx.drugProvenance.registerProduct(GTIN, metadataHash), acme);
    const product = findEvent(registered.events, 'drugProvenance', 'ProductRegistered');
    assert.ok(product, `events: ${eventNames(registered.events)}`);
    assert.equal(bytesToUtf8(product.gtin), GTIN);
    assert.ok(sameAccount(product.manufacturer, acme));

    // A pharmacy is no manufacturer.
    await assert.rejects(
      signAndWait(api, api.tx.drugProvenance.commissionBatch(GTIN, lot, EXPIRY, QUANTITY, root), riverside),
      (err) => {
        assert.equal(err.message, 'consortium.MissingRole');
        return true;
      },
    );

    const result = await signAndWait(api, api.tx.drugProvenance.commissionBatch(GTIN, lot, EXPIRY, QUANTITY, root), acme);
    const ev = findEvent(result.events, 'drugProvenance', 'BatchCommissioned');
    assert.ok(ev, `no DrugProvenance.BatchCommissioned; events: ${eventNames(result.events)}`);
    assert.equal(toNumber(ev.quantity), QUANTITY);
    assert.equal(ev.serialsRoot.toHex(), root);
    assert.equal(bytesToUtf8(ev.lot), lot);
    assert.ok(sameAccount(ev.manufacturer, acme));
    const id = toNumber(ev.batchId);

    const api_ = await dp(result.blockHash);
    assert.equal(toNumber(unwrapOption(await api_.batchOf(GTIN, lot))), id);
    const batch = unwrapOption(await api_.batch(id));
    assert.equal(field(batch, 'serialsRoot').toHex(), root);
    assert.equal(bytesToUtf8(field(batch, 'lot')), lot);
    const products = await api_.productsOf(acme.address);
    assert.ok(products.some(([gtin]) => bytesToUtf8(gtin) === GTIN), 'productsOf(Acme) lacks the GTIN');
    batchId = id;
    expectHolders(await conserved(result.blockHash, 0), [[acme, [QUANTITY, 0, 0]]]);
  });

  it('the batch moves Acme → MedLogistics → Riverside (600) and Lakeside (400); conservation holds at each step', TX_TIMEOUT, async (t) => {
    if (batchId === null) return t.skip('needs the batch commissioned by a previous step');
    if (!lakesideOk) return t.skip('needs the second pharmacy');

    const toDistributor = await ship(acme, medlogistics, QUANTITY);
    expectHolders(await conserved(toDistributor.blockHash, 0), [
      [acme, [0, 0, QUANTITY]],
      [medlogistics, [0, QUANTITY, 0]],
    ]);
    // Only the recipient receives.
    await assert.rejects(signAndWait(api, api.tx.drugProvenance.receive(toDistributor.shipmentId), riverside), (err) => {
      assert.equal(err.message, 'drugProvenance.NotShipmentRecipient');
      return true;
    });
    const received = await receive(medlogistics, toDistributor.shipmentId);
    expectHolders(await conserved(received.blockHash, 0), [[medlogistics, [QUANTITY, 0, 0]]]);

    const toRiverside = await ship(medlogistics, riverside, 600);
    const toLakeside = await ship(medlogistics, lakeside, 400);
    expectHolders(await conserved(toLakeside.blockHash, 0), [
      [medlogistics, [0, 0, QUANTITY]],
      [riverside, [0, 600, 0]],
      [lakeside, [0, 400, 0]],
    ]);
    // Both pharmacies receive (in parallel: different signers).
    const [r1, r2] = await Promise.all([receive(riverside, toRiverside.shipmentId), receive(lakeside, toLakeside.shipmentId)]);
    const height = async (r) => (await api.rpc.chain.getHeader(r.blockHash)).number.toNumber();
    const last = (await height(r1)) >= (await height(r2)) ? r1 : r2;
    expectHolders(await conserved(last.blockHash, 0), [
      [riverside, [600, 0, 0]],
      [lakeside, [400, 0, 0]],
    ]);
    delivered = true;
  });

  it("the scanner app reads a pack's DataMatrix and verifies it; a fake serial or an unknown lot does not verify", TX_TIMEOUT, async (t) => {
    if (!delivered) return t.skip('needs the batch delivered to the pharmacies');

    const serial = serials[421];
    const element = dataMatrix(lot, serial);
    const { pack, status } = await scanPack(element);
    assert.deepEqual(
      { gtin: pack.gtin, expiry: pack.expiry, lot: pack.lot, serial: pack.serial },
      { gtin: GTIN, expiry: EXPIRY, lot, serial },
      'the scan misread the DataMatrix',
    );
    assert.equal(status.batchId, batchId);
    assert.equal(status.authentic, true, 'a genuine pack did not verify');
    assert.equal(status.dispensedBy, null);
    assert.equal(status.recalled, false);
    assert.equal(status.expired, false);
    assert.deepEqual(status.expiry, { year: EXPIRY_YEAR, month: 6, day: 30 });
    assert.deepEqual(status.holders, new Map([
      [accountHex(riverside), { held: 600, incoming: 0, outgoing: 0 }],
      [accountHex(lakeside), { held: 400, incoming: 0, outgoing: 0 }],
    ]));
    assert.equal(status.suspectReports, 0);

    // A counterfeit pack: a serial the manufacturer never made, presented with the proof of
    // a genuine serial (the manufacturer's file has no proof for it).
    assert.match(clientFails('serials', serialsFile, '--prove', 'ACME999999'), /not in/);
    const fake = (await scanPack(dataMatrix(lot, 'ACME999999'), { proveSerial: serial })).status;
    assert.equal(fake.batchId, batchId);
    assert.equal(fake.authentic, false, 'a fake serial verified');
    // A genuine serial with another serial's proof does not verify either.
    assert.equal((await scanPack(element, { proveSerial: serials[422] })).status.authentic, false);
    // A lot no batch has is unknown to the chain.
    const unknown = (await scanPack(dataMatrix('NOSUCHLOT', serial))).status;
    assert.equal(unknown.batchId, null);
    assert.equal(unknown.authentic, false);
    assert.equal(unknown.holders.size, 0);
    // A misprinted GTIN (wrong check digit) is refused by the scanner itself.
    assert.match(clientFails('scan', dataMatrix(lot, serial, '09506000134353')), /check digit/);
  });

  it('both pharmacies dispense scanned packs; the scanner then shows who dispensed them', TX_TIMEOUT, async (t) => {
    if (!delivered) return t.skip('needs the batch delivered to the pharmacies');

    const plan = [
      [riverside, serials[0]],
      [riverside, serials[500]],
      [lakeside, serials[999]],
      [riverside, serials[17]],
      [lakeside, serials[421]],
    ];
    const done = [];
    let blockHash;
    for (const [pharmacy, serial] of plan) {
      blockHash = await scanAndDispense(pharmacy, serial);
      done.push({ serial, pharmacy });
      await conserved(blockHash, done.length);
    }
    expectHolders(await conserved(blockHash, 5), [
      [riverside, [597, 0, 0]],
      [lakeside, [398, 0, 0]],
    ]);
    const sold = (await scanPack(dataMatrix(lot, serials[500]), { hash: blockHash })).status;
    assert.equal(sold.authentic, true);
    assert.equal(sold.dispensedBy, accountHex(riverside));
    assert.ok(sold.dispensedAt > 0);
    const stillOnShelf = (await scanPack(dataMatrix(lot, serials[501]), { hash: blockHash })).status;
    assert.equal(stillOnShelf.dispensedBy, null);
    dispensed = done;
  });

  it('a copy of a dispensed pack is refused at the other pharmacy and recorded as suspect', TX_TIMEOUT, async (t) => {
    if (!dispensed) return t.skip('needs the dispenses of the previous step');

    // A pack with serial 500's DataMatrix (dispensed by Riverside) turns up at Lakeside.
    const copied = serials[500];
    const { pack, proof, status } = await scanPack(dataMatrix(lot, copied));
    assert.equal(status.authentic, true, 'the copied serial is a real one');
    assert.equal(status.dispensedBy, accountHex(riverside), 'the scanner does not show the earlier dispense');

    // The dispense attempt is included but refused ...
    const attempt = await signAndWait(api, api.tx.drugProvenance.dispense(batchId, pack.serial, proof), lakeside).then(
      () => assert.fail('a serial was dispensed twice'),
      (err) => err,
    );
    assert.equal(attempt.message, 'drugProvenance.SerialAlreadyDispensed');
    // ... and leaves nothing on chain: Lakeside's software files the suspect report.
    const report = await signAndWait(api, api.tx.drugProvenance.reportSuspect(batchId, pack.serial, 'DoubleDispense'), lakeside);
    const ev = findEvent(report.events, 'drugProvenance', 'SuspectReported');
    assert.ok(ev, `no DrugProvenance.SuspectReported; events: ${eventNames(report.events)}`);
    assert.equal(enumName(ev.reason), 'DoubleDispense');
    assert.ok(sameAccount(ev.reporter, lakeside));

    const api_ = await dp(report.blockHash);
    const reports = await api_.suspectReports(batchId);
    assert.equal(reports.length, 1);
    assert.ok(sameAccount(field(reports[0], 'reporter'), lakeside));
    assert.equal(enumName(field(reports[0], 'reason')), 'DoubleDispense');
    assert.equal(field(reports[0], 'serialHash').toHex(), ev.serialHash.toHex());
    const after = (await scanPack(dataMatrix(lot, copied), { hash: report.blockHash })).status;
    assert.equal(after.suspectReports, 1);
    // The refused dispense took no unit from Lakeside.
    expectHolders(await conserved(report.blockHash, dispensed.length), [
      [riverside, [597, 0, 0]],
      [lakeside, [398, 0, 0]],
    ]);

    // A double-dispense claim about a serial never dispensed is refused by the chain.
    await assert.rejects(
      signAndWait(api, api.tx.drugProvenance.reportSuspect(batchId, serials[502], 'DoubleDispense'), lakeside),
      (err) => {
        assert.equal(err.message, 'drugProvenance.ClaimNotSupported');
        return true;
      },
    );
  });

  it('the regulator recalls the batch: no further dispense, shipment or receipt; a pending shipment is taken back', TX_TIMEOUT, async (t) => {
    if (!dispensed) return t.skip('needs the dispenses of an earlier step');

    // Riverside sends 5 packs on to Lakeside; the regulator recalls before they arrive.
    const pending = await ship(riverside, lakeside, 5);
    expectHolders(await conserved(pending.blockHash, dispensed.length), [
      [riverside, [592, 0, 5]],
      [lakeside, [398, 5, 0]],
    ]);
    // A distributor cannot recall.
    await assert.rejects(signAndWait(api, api.tx.drugProvenance.recallBatch(batchId, RECALL_REASON), medlogistics), (err) => {
      assert.equal(err.message, 'drugProvenance.NotManufacturerOrRegulator');
      return true;
    });
    const recall = await signAndWait(api, api.tx.drugProvenance.recallBatch(batchId, RECALL_REASON), regulator);
    const ev = findEvent(recall.events, 'drugProvenance', 'BatchRecalled');
    assert.ok(ev, `no DrugProvenance.BatchRecalled; events: ${eventNames(recall.events)}`);
    assert.ok(sameAccount(ev.by, regulator));
    assert.equal(toNumber(ev.reasonCode), RECALL_REASON);
    assert.equal(toNumber(ev.inTransit), 5);
    expectHolders(readHolders(ev.holders), [
      [riverside, [592, 0, 5]],
      [lakeside, [398, 5, 0]],
    ]);
    recalled = true;

    // The scanner flags every pack of the batch.
    const onShelf = (await scanPack(dataMatrix(lot, serials[700]), { hash: recall.blockHash })).status;
    assert.equal(onShelf.authentic, true);
    assert.equal(onShelf.recalled, true, 'the scanner does not show the recall');

    // No dispense, no receipt (different signers, in parallel), no shipment.
    const refused = async (promise, error) =>
      assert.rejects(promise, (err) => {
        assert.equal(err.message, error);
        return true;
      });
    const { pack, proof } = await scanPack(dataMatrix(lot, serials[700]));
    await Promise.all([
      refused(signAndWait(api, api.tx.drugProvenance.dispense(batchId, pack.serial, proof), riverside), 'drugProvenance.RecalledBatch'),
      refused(signAndWait(api, api.tx.drugProvenance.receive(pending.shipmentId), lakeside), 'drugProvenance.RecalledBatch'),
    ]);
    await refused(signAndWait(api, api.tx.drugProvenance.ship(batchId, medlogistics.address, 10), lakeside), 'drugProvenance.RecalledBatch');
    // Recalling twice is refused.
    await refused(signAndWait(api, api.tx.drugProvenance.recallBatch(batchId, 8), acme), 'drugProvenance.AlreadyRecalled');

    // Riverside takes the pending shipment back: the packs are in its custody again.
    const cancel = await signAndWait(api, api.tx.drugProvenance.cancelShipment(pending.shipmentId), riverside);
    assert.ok(findEvent(cancel.events, 'drugProvenance', 'ShipmentCancelled'), `events: ${eventNames(cancel.events)}`);
    expectHolders(await conserved(cancel.blockHash, dispensed.length), [
      [riverside, [597, 0, 0]],
      [lakeside, [398, 0, 0]],
    ]);
    assert.equal(unwrapOption(await (await dp(cancel.blockHash)).shipment(pending.shipmentId)), null);
  });

  it("the batch's history tells the whole story, oldest first", TX_TIMEOUT, async (t) => {
    if (!recalled) return t.skip('needs the recall of the previous step');
    const history = await (await dp()).batchHistory(batchId);
    const story = history.map((entry) => {
      const kind = enumName(entry);
      const v = entry.value;
      const who = (name) => accountHex(field(v, name));
      switch (kind) {
        case 'Commissioned':
          return [kind, who('by'), toNumber(field(v, 'quantity'))];
        case 'Shipped':
        case 'Received':
        case 'Cancelled':
          return [kind, who('from'), who('to'), toNumber(field(v, 'quantity'))];
        case 'Dispensed':
          return [kind, who('pharmacy'), toNumber(field(v, 'count'))];
        case 'Recalled':
          return [kind, who('by'), toNumber(field(v, 'reasonCode'))];
        default:
          return [kind];
      }
    });
    const [a, m, r, l, e] = [acme, medlogistics, riverside, lakeside, regulator].map(accountHex);
    assert.deepEqual(story, [
      ['Commissioned', a, QUANTITY],
      ['Shipped', a, m, QUANTITY],
      ['Received', a, m, QUANTITY],
      ['Shipped', m, r, 600],
      ['Shipped', m, l, 400],
      // The two receipts were sent in parallel: their order is the block's order.
      ...story.slice(5, 7),
      ['Dispensed', r, 2],
      ['Dispensed', l, 1],
      ['Dispensed', r, 1],
      ['Dispensed', l, 1],
      ['Shipped', r, l, 5],
      ['Recalled', e, RECALL_REASON],
      ['Cancelled', r, l, 5],
    ]);
    // The receipts themselves: one each, whatever the order.
    const receipts = story.slice(5, 7).map(JSON.stringify).sort();
    assert.deepEqual(receipts, [['Received', m, r, 600], ['Received', m, l, 400]].map(JSON.stringify).sort());
  });
});
