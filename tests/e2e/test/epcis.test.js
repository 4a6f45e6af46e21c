// EPCIS 2.0 end to end, with the client tool as a user runs it against a real
// dev node:
//   1. a batch's custody history is built as in drug-provenance.test.js (commission, ship,
//      receive, dispense, a cancelled shipment, recall, destroy), every call recorded;
//   2. `medchain-client epcis export` writes it twice as an EPCISDocument; each event points
//      at the block and extrinsic of its call;
//   3. GS1's epcis-event-hash-generator (PyPI, tests/e2e/epcis/check_hashes.py) finds the
//      event hashes stable across the two exports, different for different events, equal
//      for equal events, the CBV terms and GS1 identifiers its own;
//   4. round trip: `epcis import --dry-run` of the export lists exactly the recorded calls;
//   5. a document written by hand after GS1's EPCIS 2.0 examples (fixtures/epcis/
//      gs1-shipping-receiving.json: SGTINs, shipping, receiving) imports with
//      `epcis import --suri ...`, and custody moved on chain as it says; importing it again
//      stops at its first call, named.
// The steps share one node and run in order; a step whose prerequisite failed is skipped.

import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, afterEach, before, describe, it } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, randomAsHex } from '@polkadot/util-crypto';

import { signAndWait, startNode } from '../lib/node.js';
import { accountHex, enumName, eventNames, field, findEvent, toNumber, unwrapOption } from '../lib/values.js';

const run = promisify(execFile);
const TX_TIMEOUT = { timeout: 240_000 };
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLIENT = join(ROOT, 'clients/js/bin/medchain-client.js');
const HAND_WRITTEN = join(ROOT, 'clients/js/test/fixtures/epcis/gs1-shipping-receiving.json');
const CHECK_HASHES = join(ROOT, 'tests/e2e/epcis/check_hashes.py');

const GTIN = '09506000134352'; // GS1's example GTIN; company prefix 9506000 is Acme's at genesis
const EXPIRY_YEAR = new Date().getUTCFullYear() + 2;
const EXPIRY = `${String(EXPIRY_YEAR % 100).padStart(2, '0')}0630`;
const QUANTITY = 12;
const RECALL_REASON = 7;

/** Run the client tool; its stdout. */
async function client(...args) {
  const { stdout } = await run(process.execPath, [CLIENT, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return stdout;
}

/** Run the client tool expecting exit status 1; its stderr. */
async function clientFails(...args) {
  const err = await run(process.execPath, [CLIENT, ...args], { encoding: 'utf8' }).then(
    () => assert.fail(`medchain-client ${args.join(' ')} succeeded`),
    (e) => e,
  );
  assert.equal(err.code, 1, `medchain-client ${args[0]}: exit status ${err.code}; stderr: ${err.stderr}`);
  return err.stderr;
}

/**
 * A call as `epcis import --dry-run` prints it (docs/EPCIS.md): pallet.method(args)  # origin;
 * numbers bare, strings JSON-quoted, objects as JSON.
 */
function callLine(method, args, origin) {
  const arg = (a) => (typeof a === 'number' ? String(a) : JSON.stringify(a));
  return `drugProvenance.${method}(${args.map(arg).join(', ')})  # origin ${origin}`;
}

describe('EPCIS 2.0: export of a batch history, GS1 event hashes, import and round trip on a real node', () => {
  let node;
  let api;
  let acme; // //Charlie, Manufacturer, company prefix 9506000
  let medlogistics; // //Dave, Distributor
  let riverside; // //Bob, Pharmacy
  let regulator; // //Eve, Regulator
  let dir;
  let serialsFile;
  let serials;
  let lot;
  let PY;

  // Filled in by the steps; null when a step failed.
  let batchId = null;
  let recorded = null; // [{ line, block, extrinsicIndex }] of the calls that made the history
  let exports = null; // { a, b, plain } paths

  before(async () => {
    node = await startNode();
    api = node.api;
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
    acme = keyring.addFromUri('//Charlie');
    medlogistics = keyring.addFromUri('//Dave');
    riverside = keyring.addFromUri('//Bob');
    regulator = keyring.addFromUri('//Eve');
    dir = mkdtempSync(join(tmpdir(), 'medchain-e2e-epcis-'));
    lot = `EP${randomAsHex(3).slice(2).toUpperCase()}`;
    // Serials with characters an EPC URI must escape.
    serials = Array.from({ length: QUANTITY }, (_, i) => (i === 5 ? 'EP/5&"6"' : `EP${String(i).padStart(5, '0')}`));
    serialsFile = join(dir, 'serials.txt');
    writeFileSync(serialsFile, serials.join('\n') + '\n');
    PY = execFileSync(join(ROOT, 'clients/python/venv.sh'), { encoding: 'utf8' }).trim();
  }, { timeout: 600_000 });

  after(async () => {
    if (node) await node.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, { timeout: 30_000 });

  afterEach((t) => {
    if (node && (t.passed === false || t.error)) node.printLogTail(50, `after failed test "${t.name}"`);
  });

  it('builds a history: commission, ship, receive, dispense, a cancelled shipment, recall, destroy (calls recorded)', TX_TIMEOUT, async () => {
    const calls = [];
    const send = async (who, method, args) => {
      const result = await signAndWait(api, api.tx.drugProvenance[method](...args), who);
      const header = await api.rpc.chain.getHeader(result.blockHash);
      const block = await api.rpc.chain.getBlock(result.blockHash);
      const extrinsicIndex = block.block.extrinsics.findIndex((x) => x.isSigned && x.signer.toString() === who.address && x.method.method === method);
      calls.push({ line: callLine(method, args, who.address), block: header.number.toNumber(), extrinsicIndex });
      return result;
    };
    const eventOf = (result, name) => {
      const ev = findEvent(result.events, 'drugProvenance', name);
      assert.ok(ev, `no DrugProvenance.${name}; events: ${eventNames(result.events)}`);
      return ev;
    };
    const proof = (serial) => {
      const p = JSON.parse(execFileSync(process.execPath, [CLIENT, 'serials', serialsFile, '--prove', serial], { encoding: 'utf8' }));
      return { leafIndex: p.leaf_index, leafCount: p.quantity, siblings: p.proof };
    };

    await signAndWait(api, api.tx.drugProvenance.registerProduct(GTIN, `0x${'cd'.repeat(32)}`), acme);
    const { serials_root: root } = JSON.parse(await client('serials', serialsFile));
    const commissioned = await send(acme, 'commissionBatch', [GTIN, lot, EXPIRY, QUANTITY, root]);
    // Replace the recorded args by what the chain shows (the batch id is the chain's).
    batchId = toNumber(eventOf(commissioned, 'BatchCommissioned').batchId);
    const ship = async (from, to, quantity) => toNumber(eventOf(await send(from, 'ship', [batchId, to.address, quantity]), 'ShipmentSent').shipmentId);

    const s0 = await ship(acme, medlogistics, QUANTITY);
    await send(medlogistics, 'receive', [s0]);
    const s1 = await ship(medlogistics, riverside, 8);
    await send(riverside, 'receive', [s1]);
    await send(riverside, 'dispense', [batchId, serials[0], proof(serials[0])]);
    await send(riverside, 'dispense', [batchId, serials[5], proof(serials[5])]);
    const s2 = await ship(medlogistics, riverside, 2);
    await send(medlogistics, 'cancelShipment', [s2]);
    await send(regulator, 'recallBatch', [batchId, RECALL_REASON]);
    const destroyed = await send(riverside, 'destroyUnits', [batchId, 6, 'Recalled']);
    assert.equal(toNumber(eventOf(destroyed, 'UnitsDestroyed').quantity), 6);

    const history = await api.call.drugProvenanceApi.batchHistory(batchId);
    assert.deepEqual(history.map(enumName), ['Commissioned', 'Shipped', 'Received', 'Shipped', 'Received', 'Dispensed', 'Shipped', 'Cancelled', 'Recalled', 'Destroyed']);
    assert.equal(toNumber(field(history[5].value, 'count')), 2, 'two dispenses in one history entry');
    recorded = calls;
  });

  it('exports the history twice as an EPCISDocument: CBV events, SGTIN/LGTIN ids, each event at its block and extrinsic', TX_TIMEOUT, async (t) => {
    if (!recorded) return t.skip('needs the history of the previous step');
    const a = join(dir, 'export-a.json');
    const b = join(dir, 'export-b.json');
    const plain = join(dir, 'export-plain.json');
    await client('epcis', 'export', '--ws', node.wsUrl, '--batch', String(batchId), '--serials', serialsFile, '--out', a);
    await client('epcis', 'export', '--ws', node.wsUrl, '--batch', String(batchId), '--serials', serialsFile, '--out', b);
    const stdout = await client('epcis', 'export', '--ws', node.wsUrl, '--batch', String(batchId));
    writeFileSync(plain, stdout);
    const doc = JSON.parse(readFileSync(a, 'utf8'));
    assert.equal(doc.type, 'EPCISDocument');
    assert.equal(doc.schemaVersion, '2.0');
    assert.deepEqual(doc['@context'], ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { medchain: 'https://medchain.example/epcis/' }]);
    const events = doc.epcisBody.eventList;
    assert.deepEqual(events.map((e) => `${e.bizStep}/${e.disposition}`), [
      'commissioning/active', 'shipping/in_transit', 'receiving/in_progress', 'shipping/in_transit', 'receiving/in_progress',
      'dispensing/dispensed', 'dispensing/dispensed', 'shipping/in_transit', 'void_shipping/in_progress', 'holding/recalled', 'destroying/destroyed',
    ]);
    // Traceable: each event is in the block, and at the extrinsic, of the call that made it.
    assert.deepEqual(
      events.map((e) => [e['medchain:blockNumber'], e['medchain:extrinsicIndex'], e['medchain:batchId']]),
      recorded.map((c) => [c.block, c.extrinsicIndex, batchId]),
    );
    // eventTime is the block's timestamp.
    for (const e of events) {
      const hash = await api.rpc.chain.getBlockHash(e['medchain:blockNumber']);
      const now = toNumber(await (await api.at(hash)).query.timestamp.now());
      assert.equal(e.eventTime, new Date(now).toISOString());
    }
    const cp = '9506000.013435';
    assert.equal(events[0].epcList.length, QUANTITY);
    assert.equal(events[0].epcList[5], `urn:epc:id:sgtin:${cp}.EP%2F5%26%226%22`);
    assert.deepEqual(events[6].epcList, [`urn:epc:id:sgtin:${cp}.EP%2F5%26%226%22`]);
    assert.deepEqual(events[1].quantityList, [{ epcClass: `urn:epc:class:lgtin:${cp}.${lot}`, quantity: QUANTITY }]);
    assert.deepEqual(events[3].destinationList, [{ type: 'owning_party', destination: `urn:medchain:org:${riverside.address}` }]);
    assert.deepEqual(events[9].readPoint, { id: `urn:medchain:org:${regulator.address}` });
    // The two exports differ in creationDate at most.
    const docB = JSON.parse(readFileSync(b, 'utf8'));
    assert.deepEqual(docB.epcisBody, doc.epcisBody);
    // Without the serials file a dispensed unit is its on-chain serial hash.
    const plainEvents = JSON.parse(stdout).epcisBody.eventList;
    assert.equal(plainEvents[6].epcList, undefined);
    assert.equal(plainEvents[6]['medchain:serialHash'], events[6]['medchain:serialHash']);
    // One unit's view: the batch's events and its own dispense only.
    const unit = JSON.parse(await client('epcis', 'export', '--ws', node.wsUrl, '--batch', String(batchId), '--unit', serials[0]));
    assert.deepEqual(unit.epcisBody.eventList.filter((e) => e.bizStep === 'dispensing').map((e) => e.epcList), [[`urn:epc:id:sgtin:${cp}.EP00000`]]);
    assert.equal(unit.epcisBody.eventList.length, events.length - 1);
    exports = { a, b, plain };
  });

  it("GS1's epcis-event-hash-generator: hashes stable across the exports, one per event, equal for equal events", TX_TIMEOUT, async (t) => {
    if (!exports) return t.skip('needs the exports of the previous step');
    const { stdout } = await run(PY, [CHECK_HASHES, exports.a, exports.b, '--gtin', GTIN], { encoding: 'utf8' });
    const { events, hashes } = JSON.parse(stdout);
    assert.equal(events, recorded.length);
    assert.equal(new Set(hashes).size, recorded.length);
    for (const h of hashes) assert.match(h, /^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
    // The checker fails on an export whose event differs (it is no rubber stamp).
    const changed = JSON.parse(readFileSync(exports.b, 'utf8'));
    changed.epcisBody.eventList[3].quantityList[0].quantity += 1;
    const c = join(dir, 'export-changed.json');
    writeFileSync(c, JSON.stringify(changed));
    const err = await run(PY, [CHECK_HASHES, exports.a, c, '--gtin', GTIN], { encoding: 'utf8' }).then(() => assert.fail('the changed export passed'), (e) => e);
    assert.equal(err.code, 1);
    assert.match(err.stderr, /not stable: events \[3\]/);
  });

  it('round trip: import --dry-run of the export lists exactly the calls that made the history', TX_TIMEOUT, async (t) => {
    if (!exports) return t.skip('needs the exports of an earlier step');
    const expected = recorded.map((c) => c.line);
    const lines = (out) => out.split('\n').filter((l) => l !== '');
    // Offline: the export carries the batch, shipments and SGTINs.
    assert.deepEqual(lines(await client('epcis', 'import', exports.a, '--dry-run')), expected);
    // Against the node; and the export without SGTINs, serials from the file.
    assert.deepEqual(lines(await client('epcis', 'import', exports.a, '--dry-run', '--ws', node.wsUrl)), expected);
    assert.deepEqual(lines(await client('epcis', 'import', exports.plain, '--dry-run', '--serials', serialsFile)), expected);
  });

  it("imports a hand-written document after GS1's examples (SGTINs, shipping, receiving): its calls succeed and custody moves", TX_TIMEOUT, async () => {
    const lot2 = `HW${randomAsHex(3).slice(2).toUpperCase()}`;
    const vars = { ACME: acme.address, MEDLOGISTICS: medlogistics.address, LOT: lot2, EXPIRY_DATE: `${EXPIRY_YEAR}-06-30` };
    const docFile = join(dir, 'hand-written.json');
    writeFileSync(docFile, readFileSync(HAND_WRITTEN, 'utf8').replace(/\{\{(\w+)\}\}/g, (_, k) => vars[k]));

    const nextBatch = toNumber(await api.query.drugProvenance.nextBatchId());
    const nextShipment = toNumber(await api.query.drugProvenance.nextShipmentId());
    const dry = (await client('epcis', 'import', docFile, '--dry-run', '--ws', node.wsUrl)).split('\n').filter((l) => l);
    assert.equal(dry.length, 3);
    assert.match(dry[0], new RegExp(`^drugProvenance\\.commissionBatch\\("${GTIN}", "${lot2}", "${EXPIRY}", 5, "0x[0-9a-f]{64}"\\)  # origin ${acme.address}$`));
    assert.equal(dry[1], callLine('ship', [nextBatch, medlogistics.address, 3], acme.address));
    assert.equal(dry[2], callLine('receive', [nextShipment], medlogistics.address));

    // A key missing for one organization: refused before anything is sent.
    const missing = await clientFails('epcis', 'import', docFile, '--ws', node.wsUrl, '--suri', '//Charlie');
    assert.match(missing, new RegExp(`call 3 drugProvenance\\.receive\\(\\$2\\.shipmentId\\)  # origin ${medlogistics.address} \\(event 3 \\(ObjectEvent, bizStep receiving.*no key given acts for ${medlogistics.address}; nothing sent`));
    assert.equal(toNumber(await api.query.drugProvenance.nextBatchId()), nextBatch, 'a call was sent');

    const out = JSON.parse(await client('epcis', 'import', docFile, '--ws', node.wsUrl, '--suri', '//Charlie', '--suri', '//Dave'));
    assert.deepEqual(out.sent.map((s) => s.call), dry);
    assert.equal(out.sent[0].batch_id, nextBatch);
    assert.equal(out.sent[1].shipment_id, nextShipment);

    // Chain state: the batch exists with the document's five serials, custody moved.
    const id = toNumber(unwrapOption(await api.call.drugProvenanceApi.batchOf(GTIN, lot2)));
    assert.equal(id, nextBatch);
    const batch = unwrapOption(await api.call.drugProvenanceApi.batch(id));
    assert.equal(toNumber(field(batch, 'quantity')), 5);
    const { serials_root: docRoot } = JSON.parse(await client('serials', writeSerials(['2017', '2018', '2019', '2020', '2021'])));
    assert.equal(field(batch, 'serialsRoot').toHex(), docRoot);
    const holders = new Map((await api.call.drugProvenanceApi.holders(id)).map(([who, c]) => [accountHex(who), [toNumber(field(c, 'held')), toNumber(field(c, 'incoming')), toNumber(field(c, 'outgoing'))]]));
    assert.deepEqual(holders, new Map([[accountHex(acme), [2, 0, 0]], [accountHex(medlogistics), [3, 0, 0]]]));
    assert.deepEqual((await api.call.drugProvenanceApi.batchHistory(id)).map(enumName), ['Commissioned', 'Shipped', 'Received']);

    // Importing it again stops at its first call (the lot is commissioned), naming it.
    const again = await clientFails('epcis', 'import', docFile, '--ws', node.wsUrl, '--suri', '//Charlie', '--suri', '//Dave');
    assert.match(again, new RegExp(`medchain-client: call 1 drugProvenance\\.commissionBatch\\("${GTIN}", "${lot2}", .*\\)  # origin ${acme.address} \\(event 1 \\(ObjectEvent, bizStep commissioning.*eventID urn:uuid:3c5d1e8a-7f1b-4e59-9d0a-1a2b3c4d5e01\\)\\) failed: drugProvenance\\.LotAlreadyCommissioned`));
    assert.equal(toNumber(await api.query.drugProvenance.nextShipmentId()), nextShipment + 1, 'a call after the failed one was sent');

    function writeSerials(list) {
      const f = join(dir, 'hand-written-serials.txt');
      writeFileSync(f, list.join('\n') + '\n');
      return f;
    }
  });

  it("the README's EPCIS commands run as written (in a folder holding serials.txt and hand-written.json)", TX_TIMEOUT, async (t) => {
    if (!exports) return t.skip('needs the history of an earlier step');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.split('### Exporting and importing EPCIS 2.0')[1] ?? '';
    const block = section.match(/```sh\n([\s\S]*?)```/);
    assert.ok(block, "README.md has the EPCIS section's sh block");
    const commands = block[1].split('\n').filter((l) => l.trim() !== '');
    assert.equal(commands.length, 3);
    // The folder the reader works in: the batch's serials file and a hand-written document
    // (GS1's example, with this chain's organizations and a new lot).
    const cwd = mkdtempSync(join(tmpdir(), 'medchain-epcis-readme-'));
    writeFileSync(join(cwd, 'serials.txt'), readFileSync(serialsFile));
    const vars = { ACME: acme.address, MEDLOGISTICS: medlogistics.address, LOT: `RM${randomAsHex(3).slice(2).toUpperCase()}`, EXPIRY_DATE: `${EXPIRY_YEAR}-06-30` };
    writeFileSync(join(cwd, 'hand-written.json'), readFileSync(HAND_WRITTEN, 'utf8').replace(/\{\{(\w+)\}\}/g, (_, k) => vars[k]));
    // As written, but this test's node and batch instead of a node on 9944 and batch 0.
    const outputs = [];
    for (const line of commands) {
      const words = line.trim().split(/\s+/);
      assert.equal(words[0], 'medchain-client', line);
      const args = words.slice(1).map((w) => (w === 'ws://127.0.0.1:9944' ? node.wsUrl : w));
      const b = args.indexOf('--batch');
      if (b >= 0) args[b + 1] = String(batchId);
      const { stdout } = await run(process.execPath, [CLIENT, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
      outputs.push(stdout);
    }
    const doc = JSON.parse(readFileSync(join(cwd, 'export.json'), 'utf8'));
    assert.equal(doc.type, 'EPCISDocument');
    assert.deepEqual(outputs[1].split('\n').filter((l) => l !== ''), recorded.map((c) => c.line));
    assert.equal(JSON.parse(outputs[2]).sent.length, 3);
    rmSync(cwd, { recursive: true, force: true });
  });
});
