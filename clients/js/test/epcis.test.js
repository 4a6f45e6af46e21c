// EPCIS 2.0: identifiers, export of a custody history (fixtures/epcis/history.json), import
// (dry run) of documents, refusals, and the CLI's offline `epcis import --dry-run`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  CallRef,
  EPCIS_CONTEXT,
  EpcisError,
  epcisToCalls,
  escapeEpcComponent,
  formatCall,
  historyToEpcis,
  lgtinUri,
  orgUri,
  parseEpc,
  parseOrgUri,
  serialHash,
  sgtinUri,
  unescapeEpcComponent,
} from '../src/epcis.js';
import { Gs1Error, serialsTree } from '../src/gs1.js';

const FIXTURES = new URL('./fixtures/epcis/', import.meta.url);
const fixture = (name) => readFileSync(new URL(name, FIXTURES), 'utf8');
const BIN = fileURLToPath(new URL('../bin/medchain-client.js', import.meta.url));

const ACME = '5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y'; // //Charlie
const MEDLOGISTICS = '5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy'; // //Dave
const RIVERSIDE = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty'; // //Bob
const REGULATOR = '5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw'; // //Eve
const GTIN = '09506000134352';

const history = () => JSON.parse(fixture('history.json'));
const SERIALS = fixture('serials.txt').split('\n').filter((l) => l !== '');
const handWritten = (vars = { ACME, MEDLOGISTICS, LOT: 'HW-1', EXPIRY_DATE: '2028-06-30' }) =>
  JSON.parse(fixture('gs1-shipping-receiving.json').replace(/\{\{(\w+)\}\}/g, (_, k) => vars[k]));
const refused = async (doc, pattern, options) => {
  await assert.rejects(epcisToCalls(doc, options), (err) => {
    assert.ok(err instanceof EpcisError, `not an EpcisError: ${err}`);
    assert.match(err.message, pattern);
    return true;
  });
};
const proofOf = (i) => serialsTree(SERIALS).proof(i).proof;

describe('EPCIS identifiers', () => {
  it('SGTIN and LGTIN EPC URIs split the GTIN at the company prefix (GS1 example GTIN)', () => {
    assert.equal(sgtinUri(GTIN, '9506000', 'ACME000001'), 'urn:epc:id:sgtin:9506000.013435.ACME000001');
    assert.equal(lgtinUri(GTIN, '9506000', 'AMX42'), 'urn:epc:class:lgtin:9506000.013435.AMX42');
    // The TDS's own example: GTIN 10614141073464 with prefix 0614141 is sgtin 0614141.107346.
    assert.equal(sgtinUri('10614141073464', '0614141', '2017'), 'urn:epc:id:sgtin:0614141.107346.2017');
    // A 12-digit prefix leaves only the indicator digit as item reference.
    assert.equal(sgtinUri(GTIN, '950600013435', '1'), 'urn:epc:id:sgtin:950600013435.0.1');
  });

  it('serials and lots are escaped as the TDS requires: " % & / < > ?', () => {
    assert.equal(escapeEpcComponent('a"b%c&d/e<f>g?h'), 'a%22b%25c%26d%2Fe%3Cf%3Eg%3Fh');
    assert.equal(escapeEpcComponent("!'()*+,-.:;=_"), "!'()*+,-.:;=_"); // stand for themselves
    assert.equal(sgtinUri(GTIN, '9506000', 'X"1/2%'), 'urn:epc:id:sgtin:9506000.013435.X%221%2F2%25');
    assert.equal(lgtinUri(GTIN, '9506000', 'AMX-7/26'), 'urn:epc:class:lgtin:9506000.013435.AMX-7%2F26');
    assert.equal(unescapeEpcComponent('X%221%2F2%25'), 'X"1/2%');
    for (const serial of SERIALS) {
      assert.deepEqual(parseEpc(sgtinUri(GTIN, '9506000', serial)), { kind: 'sgtin', gtin: GTIN, serial, companyPrefix: '9506000' });
    }
  });

  it('without an assigned company prefix: GS1 Digital Link URIs; parseEpc reads both forms', () => {
    assert.equal(sgtinUri(GTIN, null, 'A/B 1'.replace(' ', '')), 'https://id.gs1.org/01/09506000134352/21/A%2FB1');
    assert.equal(lgtinUri(GTIN, null, 'L(1)'), 'https://id.gs1.org/01/09506000134352/10/L%281%29');
    assert.deepEqual(parseEpc('https://id.gs1.org/01/09506000134352/21/A%2FB1'), { kind: 'sgtin', gtin: GTIN, serial: 'A/B1', lot: undefined, companyPrefix: null });
    assert.deepEqual(parseEpc('https://id.gs1.org/01/09506000134352/10/L%281%29'), { kind: 'lgtin', gtin: GTIN, lot: 'L(1)', companyPrefix: null });
    assert.equal(parseEpc('urn:epc:id:sscc:0614141.1234567890'), null);
    assert.equal(parseEpc('urn:epc:id:sgtin:9506000.01343.1'), null, 'a split that is not 13 digits');
  });

  it('refuses a prefix the GTIN does not start with, a bad GTIN, a serial outside GS1 set 82', () => {
    assert.throws(() => sgtinUri(GTIN, '9506001', '1'), Gs1Error);
    assert.throws(() => sgtinUri('09506000134353', '9506000', '1'), Gs1Error);
    assert.throws(() => sgtinUri(GTIN, '9506000', 'a#b'), Gs1Error);
    assert.throws(() => lgtinUri(GTIN, '9506000', 'x'.repeat(21)), Gs1Error);
  });

  it('organizations are urn:medchain:org:<ss58>', () => {
    assert.equal(orgUri(ACME), `urn:medchain:org:${ACME}`);
    assert.equal(parseOrgUri(`urn:medchain:org:${ACME}`), ACME);
    assert.equal(parseOrgUri('urn:medchain:org:not-an-address'), null);
    assert.equal(parseOrgUri('urn:epc:id:sgln:0614141.00001.0'), null);
  });
});

describe('EPCIS export of a custody history', () => {
  const CREATED = new Date('2026-12-07T12:00:00Z');

  it('is an EPCIS 2.0 JSON-LD EPCISDocument with one event per history entry, CBV steps in order', () => {
    const doc = historyToEpcis(history(), { creationDate: CREATED });
    assert.deepEqual(doc['@context'], [EPCIS_CONTEXT, { medchain: 'https://medchain.example/epcis/' }]);
    assert.equal(doc.type, 'EPCISDocument');
    assert.equal(doc.schemaVersion, '2.0');
    assert.equal(doc.creationDate, '2026-12-07T12:00:00.000Z');
    const events = doc.epcisBody.eventList;
    assert.deepEqual(
      events.map((e) => [e.type, e.action, e.bizStep, e.disposition]),
      [
        ['ObjectEvent', 'ADD', 'commissioning', 'active'],
        ['ObjectEvent', 'OBSERVE', 'shipping', 'in_transit'],
        ['ObjectEvent', 'OBSERVE', 'receiving', 'in_progress'],
        ['ObjectEvent', 'OBSERVE', 'shipping', 'in_transit'],
        ['ObjectEvent', 'OBSERVE', 'receiving', 'in_progress'],
        ['ObjectEvent', 'OBSERVE', 'dispensing', 'dispensed'],
        ['ObjectEvent', 'OBSERVE', 'dispensing', 'dispensed'],
        ['ObjectEvent', 'OBSERVE', 'holding', 'recalled'],
        ['ObjectEvent', 'OBSERVE', 'destroying', 'destroyed'],
        ['ObjectEvent', 'OBSERVE', 'shipping', 'in_transit'],
        ['ObjectEvent', 'OBSERVE', 'void_shipping', 'in_progress'],
      ],
    );
    const h = history();
    events.forEach((e, i) => {
      assert.equal(e.eventTime, new Date(h.entries[i].at).toISOString());
      assert.equal(e.eventTimeZoneOffset, '+00:00');
      assert.equal(e['medchain:batchId'], 4);
      assert.equal(e['medchain:blockNumber'], h.entries[i].block);
      assert.equal(e['medchain:extrinsicIndex'], 1);
    });
  });

  it('without the serials: the lot as an LGTIN quantity, dispensed units as their on-chain serial hash', () => {
    const [commission, ship, receive, , , dispense, , recall, destroy] = historyToEpcis(history(), { creationDate: CREATED }).epcisBody.eventList;
    const lgtin = 'urn:epc:class:lgtin:9506000.013435.AMX-7%2F26';
    assert.deepEqual(commission.quantityList, [{ epcClass: lgtin, quantity: 8 }]);
    assert.equal(commission.epcList, undefined);
    assert.deepEqual(commission.ilmd, { 'cbvmda:lotNumber': 'AMX-7/26', 'cbvmda:itemExpirationDate': '2028-06-30' });
    assert.equal(commission['medchain:serialsRoot'], serialsTree(SERIALS).root());
    assert.deepEqual(commission.readPoint, { id: `urn:medchain:org:${ACME}` });
    assert.deepEqual(ship.quantityList, [{ epcClass: lgtin, quantity: 8 }]);
    assert.deepEqual(ship.sourceList, [{ type: 'owning_party', source: `urn:medchain:org:${ACME}` }]);
    assert.deepEqual(ship.destinationList, [{ type: 'owning_party', destination: `urn:medchain:org:${MEDLOGISTICS}` }]);
    assert.deepEqual(ship.bizTransactionList, [{ type: 'desadv', bizTransaction: 'urn:medchain:shipment:9' }]);
    assert.deepEqual(receive.bizLocation, { id: `urn:medchain:org:${MEDLOGISTICS}` });
    assert.deepEqual(receive.bizTransactionList, ship.bizTransactionList);
    assert.deepEqual(dispense.quantityList, [{ epcClass: lgtin, quantity: 1 }]);
    assert.equal(dispense['medchain:serialHash'], serialHash('S0001'));
    assert.deepEqual(dispense.readPoint, { id: `urn:medchain:org:${RIVERSIDE}` });
    assert.deepEqual(recall.quantityList, [{ epcClass: lgtin }]);
    assert.equal(recall['medchain:reasonCode'], 7);
    assert.deepEqual(recall.readPoint, { id: `urn:medchain:org:${REGULATOR}` });
    assert.deepEqual(destroy.quantityList, [{ epcClass: lgtin, quantity: 3 }]);
    assert.equal(destroy['medchain:destructionReason'], 'Recalled');
  });

  it('with the serials file: commissioning lists every SGTIN in tree order, a dispense names its SGTIN', () => {
    const h = history();
    h.serials = SERIALS;
    const events = historyToEpcis(h, { creationDate: CREATED }).epcisBody.eventList;
    assert.deepEqual(events[0].epcList, SERIALS.map((s) => sgtinUri(GTIN, '9506000', s)));
    assert.ok(events[0].epcList.includes('urn:epc:id:sgtin:9506000.013435.A%26B%3C1%3E'));
    assert.equal(events[0].quantityList, undefined);
    assert.deepEqual(events[6].epcList, ['urn:epc:id:sgtin:9506000.013435.X%221%2F2%25']);
    assert.equal(events[6]['medchain:serialHash'], serialHash('X"1/2%'));
  });

  it("a unit's view keeps the batch-level events and only that unit's dispense", () => {
    const events = historyToEpcis(history(), { creationDate: CREATED, unit: { serial: 'X"1/2%' } }).epcisBody.eventList;
    assert.equal(events.length, 10);
    const dispenses = events.filter((e) => e.bizStep === 'dispensing');
    assert.deepEqual(dispenses.map((e) => e.epcList), [['urn:epc:id:sgtin:9506000.013435.X%221%2F2%25']]);
    const byHash = historyToEpcis(history(), { creationDate: CREATED, unit: { serialHash: serialHash('S0005') } }).epcisBody.eventList;
    assert.equal(byHash.filter((e) => e.bizStep === 'dispensing').length, 0, 'S0005 was never dispensed');
  });

  it('no company prefix on chain: Digital Link identifiers; a wrong serials file is refused', () => {
    const h = history();
    h.companyPrefix = null;
    const [commission] = historyToEpcis(h).epcisBody.eventList;
    assert.deepEqual(commission.quantityList, [{ epcClass: 'https://id.gs1.org/01/09506000134352/10/AMX-7%2F26', quantity: 8 }]);
    const wrong = history();
    wrong.serials = [...SERIALS].reverse();
    assert.throws(() => historyToEpcis(wrong), /not batch 4's/);
  });
});

describe('EPCIS import (dry run)', () => {
  // The calls that made fixtures/epcis/history.json, as the dry run prints them.
  const EXPECTED = [
    `drugProvenance.commissionBatch("09506000134352", "AMX-7/26", "280630", 8, "${serialsTree(SERIALS).root()}")  # origin ${ACME}`,
    `drugProvenance.ship(4, "${MEDLOGISTICS}", 8)  # origin ${ACME}`,
    `drugProvenance.receive(9)  # origin ${MEDLOGISTICS}`,
    `drugProvenance.ship(4, "${RIVERSIDE}", 5)  # origin ${MEDLOGISTICS}`,
    `drugProvenance.receive(10)  # origin ${RIVERSIDE}`,
    `drugProvenance.dispense(4, "S0001", {"leafIndex":0,"leafCount":8,"siblings":${JSON.stringify(proofOf(0))}})  # origin ${RIVERSIDE}`,
    `drugProvenance.dispense(4, "X\\"1/2%", {"leafIndex":3,"leafCount":8,"siblings":${JSON.stringify(proofOf(3))}})  # origin ${RIVERSIDE}`,
    `drugProvenance.recallBatch(4, 7)  # origin ${REGULATOR}`,
    `drugProvenance.destroyUnits(4, 3, "Recalled")  # origin ${RIVERSIDE}`,
    `drugProvenance.ship(4, "${ACME}", 3)  # origin ${MEDLOGISTICS}`,
    `drugProvenance.cancelShipment(11)  # origin ${MEDLOGISTICS}`,
  ];

  it('round trip: importing the export lists the calls that made the history (with or without SGTINs)', async () => {
    const plain = historyToEpcis(history());
    assert.deepEqual((await epcisToCalls(plain, { serials: [SERIALS] })).map(formatCall), EXPECTED);
    const h = history();
    h.serials = SERIALS;
    const withSgtins = historyToEpcis(h);
    // The SGTIN list of the commissioning event is the serials list: no file needed.
    assert.deepEqual((await epcisToCalls(withSgtins)).map(formatCall), EXPECTED);
  });

  it("accounts keep the document's SS58 format (MedChain's is 4242)", async () => {
    const { encodeAddress } = await import('@polkadot/util-crypto');
    const doc = historyToEpcis(history(), { ss58Format: 4242 });
    assert.equal(doc.epcisBody.eventList[1].destinationList[0].destination, `urn:medchain:org:${encodeAddress(MEDLOGISTICS, 4242)}`);
    const expected = EXPECTED.map((l) => [ACME, MEDLOGISTICS, RIVERSIDE, REGULATOR].reduce((x, a) => x.replaceAll(a, encodeAddress(a, 4242)), l));
    assert.deepEqual((await epcisToCalls(doc, { serials: [SERIALS] })).map(formatCall), expected);
    assert.deepEqual((await epcisToCalls(doc, { serials: [SERIALS], ss58Format: 42 })).map(formatCall), EXPECTED);
  });

  it('a hand-written document (GS1 example style: SGTINs, shipping, receiving) maps to commission, ship, receive', async () => {
    const calls = await epcisToCalls(handWritten());
    const root = serialsTree(['2017', '2018', '2019', '2020', '2021']).root();
    assert.deepEqual(calls.map(formatCall), [
      `drugProvenance.commissionBatch("09506000134352", "HW-1", "280630", 5, "${root}")  # origin ${ACME}`,
      `drugProvenance.ship($1.batchId, "${MEDLOGISTICS}", 3)  # origin ${ACME}`,
      `drugProvenance.receive($2.shipmentId)  # origin ${MEDLOGISTICS}`,
    ]);
    assert.ok(calls[1].args[0] instanceof CallRef && calls[2].args[0] instanceof CallRef);
  });

  it('with a resolver: batches and pending shipments come from the chain', async () => {
    // The export's shipment and receipt without medchain:batchId: the batch is looked up.
    const doc = historyToEpcis(history());
    doc.epcisBody.eventList = doc.epcisBody.eventList.slice(1, 3);
    for (const e of doc.epcisBody.eventList) delete e['medchain:batchId'];
    const asked = [];
    const resolver = {
      batchOf: async (gtin, lot) => (asked.push([gtin, lot]), 17),
      pendingShipment: async (q) => (asked.push(q), 55),
    };
    assert.deepEqual((await epcisToCalls(doc, { resolver })).map(formatCall), [
      `drugProvenance.ship(17, "${MEDLOGISTICS}", 8)  # origin ${ACME}`,
      `drugProvenance.receive(9)  # origin ${MEDLOGISTICS}`,
    ]);
    assert.deepEqual(asked, [[GTIN, 'AMX-7/26'], [GTIN, 'AMX-7/26']]);
    // Only a receipt, with no shipment reference: the shipment is a pending one on chain.
    doc.epcisBody.eventList = [doc.epcisBody.eventList[1]];
    delete doc.epcisBody.eventList[0].bizTransactionList;
    asked.length = 0;
    assert.deepEqual((await epcisToCalls(doc, { resolver })).map(formatCall), [`drugProvenance.receive(55)  # origin ${MEDLOGISTICS}`]);
    assert.deepEqual(asked, [[GTIN, 'AMX-7/26'], { batchId: 17, from: ACME, to: MEDLOGISTICS, quantity: 8 }]);
  });

  it('void_shipping recorded by the recipient is a rejection', async () => {
    const doc = historyToEpcis(history());
    const voided = doc.epcisBody.eventList[10];
    voided.readPoint = { id: `urn:medchain:org:${ACME}` };
    voided.bizLocation = { id: `urn:medchain:org:${ACME}` };
    const calls = await epcisToCalls(doc, { serials: [SERIALS] });
    assert.equal(formatCall(calls[10]), `drugProvenance.rejectShipment(11)  # origin ${ACME}`);
  });
});

describe('EPCIS import refusals name the event', () => {
  const base = () => historyToEpcis(history());
  const withEvent = (mutate, index = 1) => {
    const doc = base();
    doc.epcisBody.eventList = doc.epcisBody.eventList.slice(0, index + 1);
    mutate(doc.epcisBody.eventList[index]);
    return doc;
  };

  it('event types other than ObjectEvent', async () => {
    const doc = withEvent((e) => {
      e.type = 'AggregationEvent';
      e.parentID = 'urn:epc:id:sscc:9506000.0000000001';
    });
    await refused(doc, /^event 2 \(AggregationEvent, bizStep shipping.*\): AggregationEvent is not mapped to a MedChain call/);
    await refused(withEvent((e) => (e.type = 'TransformationEvent')), /event 2 \(TransformationEvent.*not mapped/);
  });

  it('bizSteps not mapped', async () => {
    await refused(withEvent((e) => (e.bizStep = 'packing')), /^event 2 \(ObjectEvent, bizStep packing, disposition in_transit, eventTime .*\): bizStep packing is not mapped to a MedChain call/);
    await refused(withEvent((e) => delete e.bizStep), /event 2 \(ObjectEvent, disposition in_transit.*bizStep \(none\) is not mapped/);
  });

  it('wrong action, unknown party, no destination', async () => {
    await refused(withEvent((e) => (e.action = 'ADD')), /event 2 .*action ADD \(a shipping event is OBSERVE\)/);
    await refused(withEvent((e) => (e.destinationList = [{ type: 'owning_party', destination: 'urn:epc:id:sgln:0614141.00001.0' }])), /event 2 .*destination "urn:epc:id:sgln:0614141.00001.0" is not a MedChain organization/);
    await refused(withEvent((e) => delete e.destinationList), /event 2 .*no destinationList owning_party/);
  });

  it('commissioning without expiry, SGTINs of an unknown lot, a dispense without its serial', async () => {
    await refused(withEvent((e) => delete e.ilmd, 0), /event 1 .*no ilmd cbvmda:itemExpirationDate/);
    const hw = handWritten();
    hw.epcisBody.eventList.shift();
    await refused(hw, /event 1 .*the lot of urn:epc:id:sgtin:9506000.013435.2017 is unknown/);
    const doc = base();
    doc.epcisBody.eventList = doc.epcisBody.eventList.slice(0, 6);
    await refused(doc, /event 6 \(ObjectEvent, bizStep dispensing.*the serial with hash 0x[0-9a-f]{64} is in no serials file given/);
    // With the batch on chain unknown to the document and no node: named too.
    const lone = handWritten();
    lone.epcisBody.eventList = [lone.epcisBody.eventList[1]];
    lone.epcisBody.eventList[0].epcList = [lgtinUri(GTIN, '9506000', 'HW-1')].map(() => 'urn:epc:id:sgtin:9506000.013435.2017');
    lone.epcisBody.eventList[0].quantityList = [{ epcClass: lgtinUri(GTIN, '9506000', 'HW-1'), quantity: 2 }];
    await refused(lone, /event 1 .*no batch of GTIN 09506000134352 lot "HW-1": not commissioned in this document \(give a node/);
  });

  it('an SGTIN list that contradicts medchain:serialsRoot', async () => {
    const h = history();
    h.serials = SERIALS;
    const doc = historyToEpcis(h);
    doc.epcisBody.eventList[0].epcList.reverse();
    await refused(doc, /event 1 .*serials root 0x[0-9a-f]+ is not medchain:serialsRoot/);
  });
});

describe('medchain-client epcis (offline)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medchain-epcis-'));
  const run = (...args) => execFileSync(process.execPath, [BIN, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it('import --dry-run prints one call per line; a refused event exits 1 naming it', () => {
    const file = join(dir, 'export.json');
    writeFileSync(file, JSON.stringify(historyToEpcis(history())));
    const serialsFile = fileURLToPath(new URL('serials.txt', FIXTURES));
    const out = run('epcis', 'import', file, '--dry-run', '--serials', serialsFile);
    assert.equal(out.split('\n').filter((l) => l).length, 11);
    assert.match(out.split('\n')[1], new RegExp(`^drugProvenance\\.ship\\(4, "${MEDLOGISTICS}", 8\\)  # origin ${ACME}$`));

    const bad = handWritten();
    bad.epcisBody.eventList[2].type = 'AssociationEvent';
    writeFileSync(file, JSON.stringify(bad));
    try {
      run('epcis', 'import', file, '--dry-run');
      assert.fail('a refused document was imported');
    } catch (err) {
      assert.equal(err.status, 1);
      assert.match(err.stderr, /medchain-client: event 3 \(AssociationEvent, bizStep receiving.*eventID urn:uuid:3c5d1e8a-7f1b-4e59-9d0a-1a2b3c4d5e03\): AssociationEvent is not mapped/);
    }
    try {
      run('epcis', 'import', file);
      assert.fail('a send without --ws ran');
    } catch (err) {
      assert.equal(err.status, 2);
      assert.match(err.stderr, /needs --ws/);
    }
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('readBatchHistory (a fake node)', () => {
  // A minimal stand-in for polkadot.js: codec-like values for the few reads readBatchHistory makes.
  const n = (v) => ({ toString: () => String(v), toNumber: () => v });
  const acct = (a) => ({ toString: () => a });
  const hexv = (h) => ({ toHex: () => h });
  const some = (v) => ({ isSome: true, isNone: false, unwrap: () => v });
  const none = { isSome: false, isNone: true };
  const variant = (type, fields) => ({ type, [`as${type}`]: fields });
  const event = (method, names, values, extrinsic) => ({
    event: { section: 'drugProvenance', method, data: Object.assign([...values], { names }) },
    phase: { isApplyExtrinsic: true, asApplyExtrinsic: n(extrinsic) },
  });
  const T0 = 1_800_000_000_000;
  const ts = (block) => T0 + block * 3000;

  function fakeApi() {
    const h = history();
    const enc = new TextEncoder();
    const blocks = new Map(); // number -> events
    const add = (block, ev) => (blocks.get(block) ?? blocks.set(block, []).get(block)).push(ev);
    add(2, event('BatchCommissioned', ['batchId'], [n(4)], 1));
    add(3, event('ShipmentSent', ['shipmentId'], [n(9)], 1));
    add(4, event('ShipmentReceived', ['shipmentId'], [n(9)], 1));
    // Two dispenses in one block by the same pharmacy, and another batch's in between.
    add(5, event('UnitDispensed', ['batchId', 'serialHash', 'pharmacy'], [n(4), hexv(serialHash('S0002')), acct(RIVERSIDE)], 1));
    add(5, event('UnitDispensed', ['batchId', 'serialHash', 'pharmacy'], [n(3), hexv(serialHash('S0001')), acct(RIVERSIDE)], 2));
    add(5, event('UnitDispensed', ['batchId', 'serialHash', 'pharmacy'], [n(4), hexv(serialHash('S0001')), acct(RIVERSIDE)], 3));
    add(7, event('BatchRecalled', ['batchId'], [n(4)], 2));
    const historyEntries = [
      variant('Commissioned', { by: acct(ACME), quantity: n(8), at: n(ts(2)) }),
      variant('Shipped', { shipmentId: n(9), from: acct(ACME), to: acct(RIVERSIDE), quantity: n(8), at: n(ts(3)) }),
      variant('Received', { shipmentId: n(9), from: acct(ACME), to: acct(RIVERSIDE), quantity: n(8), at: n(ts(4)) }),
      variant('Dispensed', { pharmacy: acct(RIVERSIDE), count: n(2), at: n(ts(5)) }),
      variant('Recalled', { by: acct(REGULATOR), reasonCode: n(7), at: n(ts(7)) }),
    ];
    const dispensed = [serialHash('S0001'), serialHash('S0002')].map((hash) => [{ args: [n(4), hexv(hash)] }, some({ pharmacy: acct(RIVERSIDE), at: n(ts(5)) })]);
    const at = (hash) => ({
      call: {
        drugProvenanceApi: {
          batch: async () => some({
            gtin: { toU8a: () => enc.encode(GTIN) },
            lot: { toU8a: () => enc.encode(h.batch.lot) },
            expiry: { year: n(2028), month: n(6), day: n(30) },
            quantity: n(8),
            serialsRoot: hexv(h.batch.serialsRoot),
            manufacturer: acct(ACME),
            historyPruned: n(0),
          }),
          batchHistory: async () => historyEntries,
        },
      },
      query: {
        drugProvenance: {
          dispensed: { entries: async () => dispensed },
          companyPrefixes: async (p) => (p === '9506000' ? some(acct(ACME)) : none),
        },
        timestamp: { now: async () => n(ts(Number(hash.slice(1)))) },
        system: { events: async () => blocks.get(Number(hash.slice(1))) ?? [] },
      },
    });
    return {
      rpc: { chain: { getBlockHash: async (k = 9) => `#${k}`, getHeader: async (hash) => ({ number: n(Number(hash.slice(1))) }) } },
      at: async (hash) => at(hash),
    };
  }

  it('pins each entry to its block, extrinsic and event; a run of dispenses becomes one entry per unit', async () => {
    const { readBatchHistory } = await import('../src/epcis-chain.js');
    const got = await readBatchHistory(fakeApi(), 4);
    assert.equal(got.companyPrefix, '9506000');
    assert.deepEqual(got.batch, { batchId: 4, gtin: GTIN, lot: 'AMX-7/26', expiry: { year: 2028, month: 6, day: 30 }, quantity: 8, serialsRoot: serialsTree(SERIALS).root(), manufacturer: ACME });
    assert.deepEqual(
      got.entries.map((e) => [e.kind, e.block, e.extrinsicIndex, e.eventIndex, e.serialHash ?? e.shipmentId ?? null]),
      [
        ['Commissioned', 2, 1, 0, null],
        ['Shipped', 3, 1, 0, 9],
        ['Received', 4, 1, 0, 9],
        ['Dispensed', 5, 1, 0, serialHash('S0002')], // block order, not the map's order
        ['Dispensed', 5, 3, 2, serialHash('S0001')], // batch 3's dispense (event 1) skipped
        ['Recalled', 7, 2, 0, null],
      ],
    );
  });
});
