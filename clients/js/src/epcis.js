// EPCIS 2.0 (JSON-LD) for drug provenance (pallet DrugProvenance): a batch's custody history
// as an EPCISDocument, and an EPCISDocument as the DrugProvenance calls that make it happen.
// Pure functions, no chain access: src/epcis-chain.js reads the history from a node and sends
// the calls; docs/EPCIS.md has the mapping table.
//
//   historyToEpcis(history, { creationDate })  -> EPCISDocument
//   epcisToCalls(document, { serials, resolver, ss58Format })  -> [{ method, args, origin, ... }]
//   formatCall(call)   -> 'drugProvenance.ship(3, "5F...", 1000)  # origin 5D...'
//
// Identifiers (GS1 EPC Tag Data Standard 2.x, EPC URIs):
//   a unit  urn:epc:id:sgtin:<company prefix>.<indicator digit><item reference>.<serial>
//   a lot   urn:epc:class:lgtin:<company prefix>.<indicator digit><item reference>.<lot>
// The company prefix split needs the prefix governance assigned on chain (CompanyPrefixes);
// without one the GS1 Digital Link forms https://id.gs1.org/01/<gtin>/21/<serial> and
// .../01/<gtin>/10/<lot> are used, which need no split. Serials and lots are escaped as the
// TDS requires (" % & / < > ? as %22 %25 %26 %2F %3C %3E %3F).
// Parties and locations: urn:medchain:org:<ss58 of the organization's account> (the chain
// keeps no GLN).

import { base58Decode, decodeAddress, encodeAddress } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { blake2_256 } from './hash.js';
import { Gs1Error, gs1CheckDigit, isValidGtin14, isValidCompanyPrefix, isValidLot, isValidSerial, serialLeaf, serialsTree } from './gs1.js';

export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
/** The JSON-LD namespace of MedChain's extension fields (prefix `medchain:`). */
export const MEDCHAIN_NS = 'https://medchain.example/epcis/';
export const ORG_URI_PREFIX = 'urn:medchain:org:';
export const SHIPMENT_URI_PREFIX = 'urn:medchain:shipment:';

export class EpcisError extends Error {}

// ---------------------------------------------------------------------------------------
// Identifiers
// ---------------------------------------------------------------------------------------

// TDS 2.x, table of characters in EPC URIs: these must be %-escaped, the other characters of
// GS1 set 82 stand for themselves.
const EPC_ESCAPES = { '"': '%22', '%': '%25', '&': '%26', '/': '%2F', '<': '%3C', '>': '%3E', '?': '%3F' };

/** A serial or lot as it stands in an EPC URI: TDS escaping of " % & / < > ?. */
export function escapeEpcComponent(value) {
  return value.replace(/["%&/<>?]/g, (c) => EPC_ESCAPES[c]);
}

/** The inverse of escapeEpcComponent (any %XX is decoded). */
export function unescapeEpcComponent(value) {
  return value.replace(/%([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

// GS1 Digital Link (section 7.1): percent-encode what a URI path segment must not carry.
function dlEncode(value) {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function splitGtin(gtin, companyPrefix) {
  if (!isValidGtin14(gtin)) throw new Gs1Error(`not a valid GTIN-14: ${JSON.stringify(gtin)}`);
  if (!isValidCompanyPrefix(companyPrefix) || !gtin.startsWith(companyPrefix, 1)) {
    throw new Gs1Error(`${JSON.stringify(companyPrefix)} is not the company prefix of GTIN ${gtin}`);
  }
  const itemRef = gtin.slice(1 + companyPrefix.length, 13);
  return `${companyPrefix}.${gtin[0]}${itemRef}`;
}

/**
 * The SGTIN EPC URI of one unit; the GS1 Digital Link URI when `companyPrefix` is null.
 * Throws Gs1Error on a bad GTIN, prefix or serial.
 */
export function sgtinUri(gtin, companyPrefix, serial) {
  if (!isValidSerial(serial)) throw new Gs1Error(`not a GS1 serial (1-20 characters of set 82): ${JSON.stringify(serial)}`);
  if (companyPrefix == null) {
    if (!isValidGtin14(gtin)) throw new Gs1Error(`not a valid GTIN-14: ${JSON.stringify(gtin)}`);
    return `https://id.gs1.org/01/${gtin}/21/${dlEncode(serial)}`;
  }
  return `urn:epc:id:sgtin:${splitGtin(gtin, companyPrefix)}.${escapeEpcComponent(serial)}`;
}

/** The LGTIN EPC class URI of a lot; the GS1 Digital Link URI when `companyPrefix` is null. */
export function lgtinUri(gtin, companyPrefix, lot) {
  if (!isValidLot(lot)) throw new Gs1Error(`not a GS1 lot (1-20 characters of set 82): ${JSON.stringify(lot)}`);
  if (companyPrefix == null) {
    if (!isValidGtin14(gtin)) throw new Gs1Error(`not a valid GTIN-14: ${JSON.stringify(gtin)}`);
    return `https://id.gs1.org/01/${gtin}/10/${dlEncode(lot)}`;
  }
  return `urn:epc:class:lgtin:${splitGtin(gtin, companyPrefix)}.${escapeEpcComponent(lot)}`;
}

function gtinFromSplit(cp, indicatorItemRef) {
  if (cp.length + indicatorItemRef.length !== 13 || !isValidCompanyPrefix(cp) || !/^\d+$/.test(indicatorItemRef)) return null;
  const body = indicatorItemRef[0] + cp + indicatorItemRef.slice(1);
  return body + gs1CheckDigit(body);
}

/**
 * What an identifier names: { kind: 'sgtin', gtin, serial, companyPrefix } or
 * { kind: 'lgtin', gtin, lot, companyPrefix } (companyPrefix null for a Digital Link URI),
 * or null for anything else (an SSCC, a GLN...).
 */
export function parseEpc(uri) {
  if (typeof uri !== 'string') return null;
  let m = /^urn:epc:id:sgtin:(\d+)\.(\d+)\.(.+)$/.exec(uri);
  if (m) {
    const gtin = gtinFromSplit(m[1], m[2]);
    const serial = unescapeEpcComponent(m[3]);
    return gtin && isValidSerial(serial) ? { kind: 'sgtin', gtin, serial, companyPrefix: m[1] } : null;
  }
  m = /^urn:epc:class:lgtin:(\d+)\.(\d+)\.(.+)$/.exec(uri);
  if (m) {
    const gtin = gtinFromSplit(m[1], m[2]);
    const lot = unescapeEpcComponent(m[3]);
    return gtin && isValidLot(lot) ? { kind: 'lgtin', gtin, lot, companyPrefix: m[1] } : null;
  }
  m = /^https?:\/\/[^/]+(?:\/.*)?\/01\/(\d{14})(?:\/10\/([^/?#]+))?(?:\/21\/([^/?#]+))?\/?(?:[?#].*)?$/.exec(uri);
  if (m && isValidGtin14(m[1])) {
    const lot = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
    const serial = m[3] === undefined ? undefined : decodeURIComponent(m[3]);
    if (serial !== undefined && isValidSerial(serial)) return { kind: 'sgtin', gtin: m[1], serial, lot, companyPrefix: null };
    if (serial === undefined && lot !== undefined && isValidLot(lot)) return { kind: 'lgtin', gtin: m[1], lot, companyPrefix: null };
  }
  return null;
}

/** `urn:medchain:org:<ss58>` of an organization's account (any SS58 form or hex). */
export function orgUri(account, ss58Format = 42) {
  return ORG_URI_PREFIX + encodeAddress(decodeAddress(account), ss58Format);
}

/** The SS58 prefix (network format) an SS58 address is written in. */
export function ss58PrefixOf(address) {
  const bytes = base58Decode(address);
  return bytes[0] < 64 ? bytes[0] : ((bytes[0] & 0x3f) << 2) | (bytes[1] >> 6) | ((bytes[1] & 0x3f) << 8);
}

/**
 * The account of a `urn:medchain:org:` URI, re-encoded in `ss58Format` (null: in the prefix
 * the URI writes it in); null if it is no such URI.
 */
export function parseOrgUri(uri, ss58Format = 42) {
  if (typeof uri !== 'string' || !uri.startsWith(ORG_URI_PREFIX)) return null;
  const address = uri.slice(ORG_URI_PREFIX.length);
  try {
    return encodeAddress(decodeAddress(address), ss58Format ?? ss58PrefixOf(address));
  } catch {
    return null;
  }
}

/** `blake2_256(serial bytes)`: how the chain names a serial (`Dispensed`, `UnitDispensed`). */
export function serialHash(serial) {
  return u8aToHex(blake2_256(serialLeaf(serial)));
}

/** YYMMDD (the chain's expiry, a real day) as the ISO date of cbvmda:itemExpirationDate. */
function expiryToIso({ year, month, day }) {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function isoToYymmdd(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso ?? '');
  if (!m) return null;
  return `${m[1].slice(2)}${m[2]}${m[3]}`;
}

// ---------------------------------------------------------------------------------------
// Export: a batch's history -> EPCISDocument
// ---------------------------------------------------------------------------------------

/**
 * The history model both directions share (src/epcis-chain.js reads it from a node):
 *
 *   { batch: { batchId, gtin, lot, expiry: { year, month, day }, quantity, serialsRoot,
 *              manufacturer },
 *     companyPrefix: '9506000' | null,       // assigned on chain, null: Digital Link URIs
 *     serials: [...] | null,                 // the manufacturer's list, tree order, if given
 *     historyPruned: 0,                      // Batch::history_pruned
 *     entries: [ { kind, at, block, extrinsicIndex, eventIndex, ...fields } ] }
 *
 * kinds and fields (accounts as SS58): Commissioned { by, quantity }, Shipped / Received /
 * Cancelled / Rejected { shipmentId, from, to, quantity }, Dispensed { pharmacy, serialHash,
 * serial? } (one per unit), Recalled { by, reasonCode }, Destroyed { by, quantity, reason }.
 * `at` is the block's timestamp (ms), block/extrinsicIndex/eventIndex locate its event.
 *
 * `unit` ({ serial } or { serialHash }) exports one unit's view: the batch-level events
 * and that unit's dispense only.
 */
export function historyToEpcis(history, { creationDate = new Date(), ss58Format = 42, unit = null } = {}) {
  const { batch, companyPrefix = null } = history;
  const serials = history.serials ?? null;
  if (serials) {
    const root = serialsTree(serials).root();
    if (root !== batch.serialsRoot || serials.length !== batch.quantity) {
      throw new EpcisError(`the serials given (${serials.length}, root ${root}) are not batch ${batch.batchId}'s (${batch.quantity}, root ${batch.serialsRoot})`);
    }
  }
  const serialByHash = new Map((serials ?? []).map((s) => [serialHash(s), s]));
  let unitHash = null;
  if (unit) {
    unitHash = unit.serial !== undefined ? serialHash(unit.serial) : String(unit.serialHash).toLowerCase();
    if (unit.serial !== undefined) serialByHash.set(unitHash, unit.serial);
  }
  const lgtin = lgtinUri(batch.gtin, companyPrefix, batch.lot);
  const org = (account) => orgUri(account, ss58Format);
  const lotQuantity = (quantity) => ({ quantityList: [quantity === undefined ? { epcClass: lgtin } : { epcClass: lgtin, quantity }] });
  const where = (account) => ({ readPoint: { id: org(account) }, bizLocation: { id: org(account) } });
  const parties = (from, to) => ({
    sourceList: [{ type: 'owning_party', source: org(from) }],
    destinationList: [{ type: 'owning_party', destination: org(to) }],
  });
  const shipmentTx = (id) => ({ bizTransactionList: [{ type: 'desadv', bizTransaction: `${SHIPMENT_URI_PREFIX}${id}` }] });

  const eventList = [];
  for (const entry of history.entries) {
    const head = {
      type: 'ObjectEvent',
      eventTime: new Date(entry.at).toISOString(),
      eventTimeZoneOffset: '+00:00',
    };
    const trace = {
      'medchain:batchId': batch.batchId,
      'medchain:blockNumber': entry.block,
      'medchain:extrinsicIndex': entry.extrinsicIndex,
      'medchain:eventIndex': entry.eventIndex,
    };
    let event;
    switch (entry.kind) {
      case 'Commissioned':
        event = {
          ...head,
          ...(serials && !unit ? { epcList: serials.map((s) => sgtinUri(batch.gtin, companyPrefix, s)) } : lotQuantity(entry.quantity)),
          action: 'ADD',
          bizStep: 'commissioning',
          disposition: 'active',
          ...where(entry.by),
          ilmd: { 'cbvmda:lotNumber': batch.lot, 'cbvmda:itemExpirationDate': expiryToIso(batch.expiry) },
          ...trace,
          'medchain:quantity': entry.quantity,
          'medchain:serialsRoot': batch.serialsRoot,
        };
        break;
      case 'Shipped':
        event = { ...head, ...lotQuantity(entry.quantity), action: 'OBSERVE', bizStep: 'shipping', disposition: 'in_transit', ...where(entry.from), ...shipmentTx(entry.shipmentId), ...parties(entry.from, entry.to), ...trace };
        break;
      case 'Received':
        event = { ...head, ...lotQuantity(entry.quantity), action: 'OBSERVE', bizStep: 'receiving', disposition: 'in_progress', ...where(entry.to), ...shipmentTx(entry.shipmentId), ...parties(entry.from, entry.to), ...trace };
        break;
      case 'Cancelled': // the sender voids its shipment
        event = { ...head, ...lotQuantity(entry.quantity), action: 'OBSERVE', bizStep: 'void_shipping', disposition: 'in_progress', ...where(entry.from), ...shipmentTx(entry.shipmentId), ...parties(entry.from, entry.to), ...trace };
        break;
      case 'Rejected': // the recipient voids (refuses) the shipment
        event = { ...head, ...lotQuantity(entry.quantity), action: 'OBSERVE', bizStep: 'void_shipping', disposition: 'in_progress', ...where(entry.to), ...shipmentTx(entry.shipmentId), ...parties(entry.from, entry.to), ...trace };
        break;
      case 'Dispensed': {
        const hash = String(entry.serialHash).toLowerCase();
        if (unitHash !== null && hash !== unitHash) continue;
        const serial = entry.serial ?? serialByHash.get(hash);
        event = {
          ...head,
          ...(serial !== undefined ? { epcList: [sgtinUri(batch.gtin, companyPrefix, serial)] } : lotQuantity(1)),
          action: 'OBSERVE',
          bizStep: 'dispensing',
          disposition: 'dispensed',
          ...where(entry.pharmacy),
          ...trace,
          'medchain:serialHash': hash,
        };
        break;
      }
      case 'Recalled':
        event = { ...head, ...lotQuantity(), action: 'OBSERVE', bizStep: 'holding', disposition: 'recalled', ...where(entry.by), ...trace, 'medchain:reasonCode': entry.reasonCode };
        break;
      case 'Destroyed':
        event = { ...head, ...lotQuantity(entry.quantity), action: 'OBSERVE', bizStep: 'destroying', disposition: 'destroyed', ...where(entry.by), ...trace, 'medchain:destructionReason': entry.reason };
        break;
      default:
        throw new EpcisError(`unknown history entry ${JSON.stringify(entry.kind)}`);
    }
    eventList.push(event);
  }
  const doc = {
    '@context': [EPCIS_CONTEXT, { medchain: MEDCHAIN_NS }],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: new Date(creationDate).toISOString(),
    ...(history.historyPruned ? { 'medchain:historyPruned': history.historyPruned } : {}),
    epcisBody: { eventList },
  };
  return doc;
}

// ---------------------------------------------------------------------------------------
// Import: EPCISDocument -> DrugProvenance calls
// ---------------------------------------------------------------------------------------

/** A CBV value in any of its spellings (bare, urn:epcglobal:cbv:..., https://ref.gs1.org/cbv/...). */
function cbvName(value, kind) {
  if (typeof value !== 'string') return null;
  const prefixes = kind === 'bizStep'
    ? ['urn:epcglobal:cbv:bizstep:', 'https://ref.gs1.org/cbv/BizStep-', 'cbv:BizStep-', 'gs1:BizStep-']
    : ['urn:epcglobal:cbv:disp:', 'https://ref.gs1.org/cbv/Disp-', 'cbv:Disp-', 'gs1:Disp-'];
  for (const p of prefixes) if (value.startsWith(p)) return value.slice(p.length);
  return value;
}

function partyOf(list, key) {
  if (!Array.isArray(list)) return null;
  const norm = (t) => String(t).replace(/^(urn:epcglobal:cbv:sdt:|https:\/\/ref\.gs1\.org\/cbv\/SDT-|cbv:SDT-)/, '');
  const pick = list.find((x) => norm(x.type) === 'owning_party') ?? list.find((x) => norm(x.type) === 'possessing_party');
  return pick ? pick[key] : null;
}

const MAPPED = 'commissioning, shipping, receiving, void_shipping, dispensing, retail_selling, recall (disposition recalled), destroying';

/** A reference to what an earlier call of the same import creates (its batch or shipment id). */
export class CallRef {
  constructor(call, field) {
    this.call = call; // index in the call list (0-based)
    this.field = field; // 'batchId' | 'shipmentId'
  }
  toString() {
    return `$${this.call + 1}.${this.field}`;
  }
}

/**
 * The DrugProvenance calls an EPCISDocument stands for, in document order:
 * [{ pallet: 'drugProvenance', method, args, origin, event, label }] where `origin` is the
 * organization (SS58) that must sign (its admin or staff), `event` the event's index and
 * `label` how errors name it. An argument may be a CallRef (the id an earlier call of the
 * list creates) when neither the document nor the chain tells it yet.
 *
 * Options: `serials`: serial lists (arrays, tree order) to take dispense proofs and serials
 * from (a commissioning event's full SGTIN list counts as one); `resolver`: async lookups on
 * the chain, { batchOf(gtin, lot) -> id | null, pendingShipment({ batchId, from, to,
 * quantity }) -> id | null } (optional: without them a document must carry what it needs);
 * `ss58Format` for the accounts in the arguments (default: the SS58 format of the document's
 * first organization URI).
 *
 * Throws EpcisError naming the event for anything not mapped or not determined.
 */
export async function epcisToCalls(doc, { serials = [], resolver = {}, ss58Format = null } = {}) {
  if (!doc || doc.type !== 'EPCISDocument') throw new EpcisError(`not an EPCISDocument (type ${JSON.stringify(doc?.type)})`);
  const events = doc.epcisBody?.eventList ?? (doc.epcisBody?.event ? [doc.epcisBody.event] : null);
  if (!Array.isArray(events)) throw new EpcisError('the document has no epcisBody.eventList');

  const lists = serials.map((list) => ({ serials: list, tree: null, index: null }));
  const calls = [];
  const commissioned = new Map(); // `${gtin}\n${lot}` -> CallRef
  const serialLot = new Map(); // `${gtin}\n${serial}` -> lot (from commissioning events)
  const shipments = []; // { call, batch, from, to, quantity, bizTx, matched }

  for (let i = 0; i < events.length; i++) {
    const ev = events[i];
    const bizStep = cbvName(ev.bizStep, 'bizStep');
    const disposition = cbvName(ev.disposition, 'disp');
    const label = `event ${i + 1} (${ev.type ?? 'untyped'}${bizStep ? `, bizStep ${bizStep}` : ''}${disposition ? `, disposition ${disposition}` : ''}${ev.eventTime ? `, eventTime ${ev.eventTime}` : ''}${ev.eventID ? `, eventID ${ev.eventID}` : ''})`;
    const fail = (why) => {
      throw new EpcisError(`${label}: ${why}`);
    };
    if (ev.type !== 'ObjectEvent') fail(`${ev.type} is not mapped to a MedChain call (only ObjectEvents: ${MAPPED})`);
    if (ev.errorDeclaration) fail('an error declaration is not mapped to a MedChain call');

    const account = (uri, what) => {
      // Without a format: the one the document's first organization is written in.
      if (ss58Format === null && typeof uri === 'string' && parseOrgUri(uri, null)) ss58Format = ss58PrefixOf(uri.slice(ORG_URI_PREFIX.length));
      const a = parseOrgUri(uri, ss58Format);
      if (!a) fail(`${what} ${JSON.stringify(uri)} is not a MedChain organization (urn:medchain:org:<ss58>)`);
      return a;
    };
    const here = () => account(ev.readPoint?.id ?? ev.bizLocation?.id, 'readPoint');
    const ext = (name) => ev[`medchain:${name}`] ?? ev[`${MEDCHAIN_NS}${name}`];

    // What the event is about: SGTINs and LGTIN quantities, all of one (GTIN, lot).
    const epcs = (ev.epcList ?? []).map((uri) => parseEpc(uri) ?? fail(`${JSON.stringify(uri)} is not an SGTIN`));
    for (const e of epcs) if (e.kind !== 'sgtin') fail(`${e.kind} in epcList`);
    const classes = (ev.quantityList ?? []).map((q) => {
      const c = parseEpc(q.epcClass);
      if (!c || c.kind !== 'lgtin') fail(`quantityList class ${JSON.stringify(q.epcClass)} is not an LGTIN`);
      if (q.quantity !== undefined && !(Number.isInteger(q.quantity) && q.quantity > 0)) fail(`quantity ${JSON.stringify(q.quantity)} is not a whole number of units`);
      if (q.uom !== undefined) fail('a quantity with a unit of measure is not a count of units');
      return { ...c, quantity: q.quantity };
    });
    if (ev.childEPCs || ev.parentID) fail('parentID/childEPCs are not mapped (MedChain has no aggregation)');
    const lotOf = () => {
      const lots = new Set();
      let gtin = null;
      for (const c of classes) {
        gtin ??= c.gtin;
        if (c.gtin !== gtin) fail('objects of more than one GTIN');
        lots.add(c.lot);
      }
      for (const e of epcs) {
        gtin ??= e.gtin;
        if (e.gtin !== gtin) fail('objects of more than one GTIN');
        const lot = e.lot ?? serialLot.get(`${e.gtin}\n${e.serial}`) ?? (classes.length ? classes[0].lot : undefined) ?? ev.ilmd?.['cbvmda:lotNumber'];
        if (lot === undefined) fail(`the lot of ${ev.epcList[epcs.indexOf(e)]} is unknown: no commissioning event of the document lists it`);
        lots.add(lot);
      }
      if (gtin === null) fail('no epcList or quantityList: which batch?');
      if (lots.size !== 1) fail(`objects of ${lots.size} lots (one event, one batch)`);
      return { gtin, lot: [...lots][0] };
    };
    const count = () => {
      let n = epcs.length;
      for (const c of classes) {
        if (c.quantity === undefined) fail(`${lgtinUri(c.gtin, c.companyPrefix, c.lot)} has no quantity`);
        n += c.quantity;
      }
      if (n === 0) fail('no units');
      return n;
    };
    const batchOf = async () => {
      const id = ext('batchId');
      if (id !== undefined) {
        if (!Number.isSafeInteger(id) || id < 0) fail(`medchain:batchId ${JSON.stringify(id)} is not a batch id`);
        return id;
      }
      const { gtin, lot } = lotOf();
      const ref = commissioned.get(`${gtin}\n${lot}`);
      if (ref) return ref;
      const found = resolver.batchOf ? await resolver.batchOf(gtin, lot) : null;
      if (found === null || found === undefined) fail(`no batch of GTIN ${gtin} lot ${JSON.stringify(lot)}: not commissioned in this document${resolver.batchOf ? ' nor on chain' : ' (give a node to look it up on chain)'}`);
      return found;
    };
    const listOf = (serial) => {
      for (const l of lists) {
        l.index ??= new Map(l.serials.map((s, k) => [s, k]));
        if (l.index.has(serial)) return l;
      }
      return null;
    };
    const serialFromHash = (hash) => {
      for (const l of lists) {
        for (const s of l.serials) if (serialHash(s) === hash) return s;
      }
      return null;
    };
    const shipmentOf = async (batch, from, to, quantity) => {
      const txs = (ev.bizTransactionList ?? []).map((t) => t.bizTransaction);
      const own = txs.find((t) => typeof t === 'string' && t.startsWith(SHIPMENT_URI_PREFIX));
      if (own) {
        const id = Number(own.slice(SHIPMENT_URI_PREFIX.length));
        if (!Number.isSafeInteger(id) || id < 0) fail(`${own} is not a shipment`);
        return id;
      }
      const same = (a, b) => String(a) === String(b);
      const open = shipments.filter((s) => !s.matched && same(s.batch, batch) && s.from === from && s.to === to);
      const byTx = open.find((s) => txs.some((t) => s.bizTx.includes(t)));
      const pick = byTx ?? open.find((s) => s.quantity === quantity);
      if (pick) {
        pick.matched = true;
        return new CallRef(pick.call, 'shipmentId');
      }
      const found = resolver.pendingShipment && !(batch instanceof CallRef) ? await resolver.pendingShipment({ batchId: batch, from, to, quantity }) : null;
      if (found === null || found === undefined) fail(`no shipment of ${quantity} units from ${from} to ${to}: not shipped in this document${resolver.pendingShipment ? ' nor pending on chain' : ''}`);
      return found;
    };
    const push = (method, args, origin) => {
      calls.push({ pallet: 'drugProvenance', method, args, origin, event: i, label });
      return calls.length - 1;
    };
    const needAction = (want) => {
      if (ev.action !== want) fail(`action ${ev.action} (a ${bizStep} event is ${want})`);
    };

    if (bizStep === 'commissioning') {
      needAction('ADD');
      const { gtin, lot } = lotOf();
      const expiry = isoToYymmdd(ev.ilmd?.['cbvmda:itemExpirationDate']) ?? fail('no ilmd cbvmda:itemExpirationDate (the expiry date)');
      const quantity = count();
      let root;
      const stated = ext('serialsRoot');
      if (epcs.length > 0) {
        if (classes.length > 0) fail('both SGTINs and LGTIN quantities: commission either a full SGTIN list or an LGTIN quantity');
        const list = epcs.map((e) => e.serial);
        if (new Set(list).size !== list.length) fail('a serial is listed twice');
        root = serialsTree(list).root();
        if (stated !== undefined && stated !== root) fail(`the SGTIN list's serials root ${root} is not medchain:serialsRoot ${stated}`);
        lists.push({ serials: list, tree: null, index: null });
        for (const s of list) serialLot.set(`${gtin}\n${s}`, lot);
      } else if (stated !== undefined) {
        root = stated;
      } else {
        const match = lists.find((l) => l.serials.length === quantity);
        if (!match) fail('neither an SGTIN list, medchain:serialsRoot nor a serials file of this quantity gives the serials root');
        root = serialsTree(match.serials).root();
      }
      if (!/^0x[0-9a-f]{64}$/.test(root)) fail(`serials root ${JSON.stringify(root)} is not a 32-byte hex hash`);
      const call = push('commissionBatch', [gtin, lot, expiry, quantity, root], here());
      commissioned.set(`${gtin}\n${lot}`, new CallRef(call, 'batchId'));
    } else if (bizStep === 'shipping') {
      needAction('OBSERVE');
      const batch = await batchOf();
      const from = account(partyOf(ev.sourceList, 'source') ?? ev.readPoint?.id, 'source');
      const to = account(partyOf(ev.destinationList, 'destination') ?? fail('no destinationList owning_party: shipped to whom?'), 'destination');
      const quantity = count();
      const call = push('ship', [batch, to, quantity], from);
      shipments.push({ call, batch, from, to, quantity, bizTx: (ev.bizTransactionList ?? []).map((t) => t.bizTransaction), matched: false });
    } else if (bizStep === 'receiving' || bizStep === 'void_shipping') {
      needAction('OBSERVE');
      const batch = await batchOf();
      const to = account(partyOf(ev.destinationList, 'destination') ?? (bizStep === 'receiving' ? ev.readPoint?.id : null) ?? fail('no destinationList owning_party'), 'destination');
      const from = account(partyOf(ev.sourceList, 'source') ?? fail('no sourceList owning_party: received from whom?'), 'source');
      const shipment = await shipmentOf(batch, from, to, count());
      if (bizStep === 'receiving') {
        push('receive', [shipment], to);
      } else {
        // void_shipping recorded by the sender cancels, by the recipient rejects.
        const by = here();
        if (by === from) push('cancelShipment', [shipment], from);
        else if (by === to) push('rejectShipment', [shipment], to);
        else fail(`void_shipping recorded at ${by}, neither the sender nor the recipient`);
      }
    } else if (bizStep === 'dispensing' || bizStep === 'retail_selling') {
      needAction('OBSERVE');
      if (disposition && !['dispensed', 'retail_sold', 'partially_dispensed'].includes(disposition)) fail(`disposition ${disposition} is not a dispense`);
      if (disposition === 'partially_dispensed') fail('a partial dispense is not mapped (a unit is dispensed whole)');
      const batch = await batchOf();
      let units;
      if (epcs.length > 0) {
        units = epcs.map((e) => e.serial);
      } else {
        const hash = ext('serialHash') ?? fail('no SGTIN in epcList and no medchain:serialHash: which unit?');
        units = [serialFromHash(String(hash).toLowerCase()) ?? fail(`the serial with hash ${hash} is in no serials file given (--serials)`)];
        if (count() !== 1) fail('one medchain:serialHash stands for one unit');
      }
      for (const serial of units) {
        const list = listOf(serial) ?? fail(`serial ${JSON.stringify(serial)} is in no serials list (a commissioning SGTIN list or --serials file): no proof`);
        list.tree ??= serialsTree(list.serials);
        const leafIndex = list.index.get(serial);
        const { proof } = list.tree.proof(leafIndex);
        push('dispense', [batch, serial, { leafIndex, leafCount: list.serials.length, siblings: proof }], here());
      }
    } else if (disposition === 'recalled') {
      if (bizStep && !['holding', 'recalling', 'inspecting', 'other'].includes(bizStep)) fail(`bizStep ${bizStep} with disposition recalled is not mapped (use holding)`);
      const reason = ext('reasonCode') ?? 0;
      if (!Number.isInteger(reason) || reason < 0 || reason > 0xffff) fail(`medchain:reasonCode ${JSON.stringify(reason)} is not a u16`);
      push('recallBatch', [await batchOf(), reason], here());
    } else if (bizStep === 'destroying') {
      if (!['OBSERVE', 'DELETE'].includes(ev.action)) fail(`action ${ev.action} (destroying is OBSERVE or DELETE)`);
      const reason = ext('destructionReason') ?? 'Other';
      if (!['Recalled', 'Expired', 'DamagedOrTampered', 'Other'].includes(reason)) fail(`medchain:destructionReason ${JSON.stringify(reason)} is not one of Recalled, Expired, DamagedOrTampered, Other`);
      push('destroyUnits', [await batchOf(), count(), reason], here());
    } else {
      fail(`bizStep ${bizStep ?? '(none)'} is not mapped to a MedChain call (mapped: ${MAPPED})`);
    }
  }
  return calls;
}

// ---------------------------------------------------------------------------------------
// The dry-run format
// ---------------------------------------------------------------------------------------

function formatArg(arg) {
  if (arg instanceof CallRef) return arg.toString();
  if (typeof arg === 'number' || typeof arg === 'bigint') return String(arg);
  if (typeof arg === 'string') return JSON.stringify(arg);
  if (arg && typeof arg === 'object' && !Array.isArray(arg)) {
    return `{${Object.keys(arg).map((k) => `${JSON.stringify(k)}:${formatArg(arg[k])}`).join(',')}}`;
  }
  if (Array.isArray(arg)) return `[${arg.map(formatArg).join(',')}]`;
  return JSON.stringify(arg);
}

/**
 * One call as the dry run prints it: `pallet.method(arg, arg, ...)  # origin <ss58>`;
 * numbers bare, strings JSON-quoted, objects as JSON in their key order, a CallRef as
 * `$<line>.batchId` / `$<line>.shipmentId` (the id the call on that line creates).
 */
export function formatCall({ pallet = 'drugProvenance', method, args, origin }) {
  return `${pallet}.${method}(${args.map(formatArg).join(', ')})  # origin ${origin}`;
}
