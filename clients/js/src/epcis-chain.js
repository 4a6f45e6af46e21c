// EPCIS against a node: read a batch's history (for historyToEpcis) and send the calls of
// an imported EPCISDocument (from epcisToCalls). `api` is a connected polkadot.js ApiPromise
// (the CLI's `epcis export` / `epcis import` make one from --ws).
//
// What is authoritative: the chain's STATE. The custody history is the runtime API
// `drugProvenanceApi.batchHistory(id)` (the pallet's BatchHistory, kept under the pallet's
// conservation invariants, readable at any block a node keeps state for), the batch is
// `drugProvenanceApi.batch(id)`, each dispensed unit is the `Dispensed` map entry (batch,
// serial hash) -> (pharmacy, at), the company prefix is `CompanyPrefixes`. Events only pin
// each of those entries to its block number, extrinsic index and event index (the traceability
// fields of the export): an entry's `at` is its block's timestamp, found by a binary search over
// block numbers, and the matching DrugProvenance event of that block is taken. Events are not
// the source because a node keeps them only as per-block state (a pruned node forgets them;
// nothing indexes them by batch) and because they would have to be replayed to know a batch's
// state; the history and the Dispensed map are the pallet's own record, one read each.
// Consequences: the node must keep state for the blocks of the history (an archive node, or a
// history younger than the state-pruning window) for the block/extrinsic fields, and a batch
// whose history reached MaxHistoryPerBatch lost its oldest entries after Commissioned (the
// export says how many: medchain:historyPruned).

import { u8aToString } from '@polkadot/util';
import { companyPrefixCandidates } from './gs1.js';
import { EpcisError, CallRef } from './epcis.js';

const hex = (v) => v.toHex().toLowerCase();
const num = (v) => Number(v.toString());

/** The block number whose timestamp is `at` (ms), by binary search; throws if none. */
async function blockAt(api, at, best, cache) {
  const ts = async (n) => {
    if (!cache.has(n)) {
      const hash = await api.rpc.chain.getBlockHash(n);
      cache.set(n, { hash, now: num(await (await api.at(hash)).query.timestamp.now()) });
    }
    return cache.get(n);
  };
  let lo = 1;
  let hi = best;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if ((await ts(mid)).now < at) lo = mid + 1;
    else hi = mid;
  }
  const found = await ts(lo);
  if (found.now !== at) throw new EpcisError(`no block has timestamp ${at} (${new Date(at).toISOString()}) up to block ${best}`);
  return { number: lo, hash: found.hash };
}

/** The GS1 company prefix assigned on chain that the GTIN starts with, or null. */
export async function companyPrefixOf(api, gtin) {
  for (const prefix of companyPrefixCandidates(gtin)) {
    const owner = await api.query.drugProvenance.companyPrefixes(prefix);
    if (owner.isSome) return prefix;
  }
  return null;
}

/**
 * The history model of src/epcis.js for batch `batchId`, read at the best block (or
 * `blockHash`). `serials`: the manufacturer's list, if known (checked against the batch's
 * serials root by historyToEpcis).
 */
export async function readBatchHistory(api, batchId, { serials = null, blockHash = null } = {}) {
  const head = blockHash ?? (await api.rpc.chain.getBlockHash());
  const at = await api.at(head);
  const best = num((await api.rpc.chain.getHeader(head)).number);
  const batchOpt = await at.call.drugProvenanceApi.batch(batchId);
  if (batchOpt.isNone) throw new EpcisError(`no batch ${batchId} on chain`);
  const b = batchOpt.unwrap();
  const batch = {
    batchId: Number(batchId),
    gtin: u8aToString(b.gtin.toU8a()),
    lot: u8aToString(b.lot.toU8a(true)),
    expiry: { year: num(b.expiry.year), month: num(b.expiry.month), day: num(b.expiry.day) },
    quantity: num(b.quantity),
    serialsRoot: hex(b.serialsRoot),
    manufacturer: b.manufacturer.toString(),
  };
  const history = await at.call.drugProvenanceApi.batchHistory(batchId);
  const dispensedEntries = await at.query.drugProvenance.dispensed.entries(batchId);

  // Pin every entry to its block and event.
  const tsCache = new Map();
  const eventsCache = new Map();
  const used = new Set();
  const eventsOf = async (number, hash) => {
    if (!eventsCache.has(number)) eventsCache.set(number, await (await api.at(hash)).query.system.events());
    return eventsCache.get(number);
  };
  const locate = async (atMs, method, matches, what) => {
    const { number, hash } = await blockAt(api, atMs, best, tsCache);
    const records = await eventsOf(number, hash);
    for (let i = 0; i < records.length; i++) {
      const { event, phase } = records[i];
      if (event.section !== 'drugProvenance' || event.method !== method || used.has(`${number}/${i}`)) continue;
      const names = event.data.names;
      const data = Object.fromEntries(names.map((n, k) => [n, event.data[k]]));
      if (!matches(data)) continue;
      used.add(`${number}/${i}`);
      return { block: number, extrinsicIndex: phase.isApplyExtrinsic ? num(phase.asApplyExtrinsic) : null, eventIndex: i };
    }
    throw new EpcisError(`${what}: no DrugProvenance.${method} event in block ${number}`);
  };
  const sameBatch = (d) => num(d.batchId) === Number(batchId);

  const dispenses = [];
  for (const [key, info] of dispensedEntries) {
    const serialHash = hex(key.args[1]);
    const d = info.unwrap();
    const pharmacy = d.pharmacy.toString();
    const atMs = num(d.at);
    const loc = await locate(atMs, 'UnitDispensed', (e) => sameBatch(e) && hex(e.serialHash) === serialHash, `dispense of ${serialHash}`);
    dispenses.push({ kind: 'Dispensed', pharmacy, serialHash, at: atMs, ...loc });
  }
  dispenses.sort((x, y) => x.block - y.block || x.eventIndex - y.eventIndex);

  const entries = [];
  for (const entry of history) {
    const kind = entry.type;
    const v = entry[`as${kind}`];
    const atMs = num(v.at);
    const shipment = (method) => async () => {
      const shipmentId = num(v.shipmentId);
      const loc = await locate(atMs, method, (e) => num(e.shipmentId) === shipmentId, `${kind} shipment ${shipmentId}`);
      return { shipmentId, from: v.from.toString(), to: v.to.toString(), quantity: num(v.quantity), ...loc };
    };
    switch (kind) {
      case 'Commissioned':
        entries.push({ kind, at: atMs, by: v.by.toString(), quantity: num(v.quantity), ...(await locate(atMs, 'BatchCommissioned', sameBatch, kind)) });
        break;
      case 'Shipped':
        entries.push({ kind, at: atMs, ...(await shipment('ShipmentSent')()) });
        break;
      case 'Received':
        entries.push({ kind, at: atMs, ...(await shipment('ShipmentReceived')()) });
        break;
      case 'Cancelled':
        entries.push({ kind, at: atMs, ...(await shipment('ShipmentCancelled')()) });
        break;
      case 'Rejected':
        entries.push({ kind, at: atMs, ...(await shipment('ShipmentRejected')()) });
        break;
      case 'Recalled':
        entries.push({ kind, at: atMs, by: v.by.toString(), reasonCode: num(v.reasonCode), ...(await locate(atMs, 'BatchRecalled', sameBatch, kind)) });
        break;
      case 'Destroyed': {
        const by = v.by.toString();
        const quantity = num(v.quantity);
        const reason = v.reason.type;
        const loc = await locate(atMs, 'UnitsDestroyed', (e) => sameBatch(e) && e.holder.toString() === by && num(e.quantity) === quantity, kind);
        entries.push({ kind, at: atMs, by, quantity, reason, ...loc });
        break;
      }
      case 'Dispensed': {
        // A run of consecutive dispenses by one pharmacy: its `count` units, oldest first.
        const pharmacy = v.pharmacy.toString();
        const count = num(v.count);
        for (let k = 0; k < count; k++) {
          const i = dispenses.findIndex((d) => d.pharmacy === pharmacy);
          if (i < 0) throw new EpcisError(`the history counts ${count} dispenses by ${pharmacy}; the Dispensed map has fewer`);
          entries.push(dispenses.splice(i, 1)[0]);
        }
        break;
      }
      default:
        throw new EpcisError(`unknown custody history entry ${kind}`);
    }
  }
  return {
    batch,
    companyPrefix: await companyPrefixOf(at, batch.gtin),
    serials,
    historyPruned: num(b.historyPruned),
    entries,
  };
}

/** Lookups epcisToCalls may make on chain (batch by GTIN/lot, a pending shipment). */
export function chainResolver(api) {
  return {
    async batchOf(gtin, lot) {
      const id = await api.call.drugProvenanceApi.batchOf(gtin, lot);
      return id.isSome ? num(id.unwrap()) : null;
    },
    async pendingShipment({ batchId, from, to, quantity }) {
      const ids = [];
      for (const [key, s] of await api.query.drugProvenance.shipments.entries()) {
        const v = s.unwrap();
        if (num(v.batchId) === Number(batchId) && v.from.toString() === from && v.to.toString() === to && num(v.quantity) === quantity) ids.push(num(key.args[0]));
      }
      ids.sort((a, b) => a - b);
      return ids.length ? ids[0] : null;
    },
  };
}

/**
 * Replace the CallRefs of a dry run with the ids the calls will get if nothing else happens
 * on chain first: NextBatchId / NextShipmentId counted up in call order.
 */
export async function predictIds(api, calls) {
  let nextBatch = num(await api.query.drugProvenance.nextBatchId());
  let nextShipment = num(await api.query.drugProvenance.nextShipmentId());
  const created = calls.map((c) => {
    if (c.method === 'commissionBatch') return { batchId: nextBatch++ };
    if (c.method === 'ship') return { shipmentId: nextShipment++ };
    return {};
  });
  return calls.map((c) => ({ ...c, args: c.args.map((a) => (a instanceof CallRef ? created[a.call][a.field] : a)) }));
}

/** The organization `account` acts for: itself if it is one, else the one it is staff of. */
async function organizationOf(api, account) {
  const org = await api.query.consortium.organizations(account);
  if (org.isSome) return account;
  const staff = await api.query.consortium.staffOf(account);
  return staff.isSome ? staff.unwrap().toString() : null;
}

function dispatchErrorName(api, dispatchError) {
  if (dispatchError.isModule) {
    const { section, name } = api.registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}`;
  }
  return dispatchError.toString();
}

function signAndWait(api, tx, pair) {
  return new Promise((resolve, reject) => {
    let unsub = null;
    let done = false;
    const finish = (err, value) => {
      if (done) return;
      done = true;
      if (unsub) unsub();
      err ? reject(err) : resolve(value);
    };
    tx.signAndSend(pair, (result) => {
      const { status, events = [], dispatchError } = result;
      if (status.isInvalid || status.isDropped || status.isUsurped) return finish(new Error(`transaction ${status.type}`));
      if (!status.isInBlock && !status.isFinalized) return undefined;
      if (dispatchError) return finish(new Error(dispatchErrorName(api, dispatchError)));
      return finish(null, { events, blockHash: status.isInBlock ? status.asInBlock : status.asFinalized });
    })
      .then((u) => {
        unsub = u;
        if (done) u();
      })
      .catch((e) => finish(e));
  });
}

/**
 * Send `calls` in order, each signed by the key (of `pairs`, keyring pairs) that acts for the
 * call's origin organization; waits for each to be in a block. Stops at the first failure,
 * throwing an error naming the call and its event. Returns [{ line, blockHash, created }].
 */
export async function sendCalls(api, calls, pairs, { formatCall, onSent = () => {} } = {}) {
  const signers = new Map(); // org -> pair
  for (const pair of pairs) {
    const org = await organizationOf(api, pair.address);
    if (org && !signers.has(org)) signers.set(org, pair);
  }
  // Every call must have its signer before the first is sent.
  calls.forEach((call, i) => {
    if (!signers.has(call.origin)) throw new EpcisError(`call ${i + 1} ${formatCall(call)} (${call.label}): no key given acts for ${call.origin}; nothing sent`);
  });
  const created = [];
  const results = [];
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i];
    const args = call.args.map((a) => (a instanceof CallRef ? created[a.call]?.[a.field] : a));
    const line = formatCall({ ...call, args });
    const pair = signers.get(call.origin);
    let result;
    try {
      result = await signAndWait(api, api.tx[call.pallet][call.method](...args), pair);
    } catch (e) {
      throw new EpcisError(`call ${i + 1} ${line} (${call.label}) failed: ${e.message}`);
    }
    const ids = {};
    for (const { event } of result.events) {
      if (event.section !== 'drugProvenance') continue;
      if (event.method === 'BatchCommissioned') ids.batchId = num(event.data[0]);
      if (event.method === 'ShipmentSent') ids.shipmentId = num(event.data[0]);
    }
    created.push(ids);
    const r = { line, blockHash: result.blockHash.toHex(), created: ids };
    results.push(r);
    onSent(r);
  }
  return results;
}
