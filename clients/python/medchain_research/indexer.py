"""Follow finalized blocks and write MedChain's events and entities into DuckDB.

Resumable and idempotent: blocks are indexed in order, a chunk of blocks at a time, and
each chunk's rows and the cursor (`meta.last_block`) are committed in one transaction, so
a killed indexer leaves either the whole chunk or none of it. Only blocks at or below the
finalized head are ever read (by number, on the finalized chain).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections import defaultdict
from typing import Callable, Optional

import pyarrow as pa

from . import db, nested
from .chain import Chain, hexbytes
from .nested import account as _account, call_args as _call_args

try:
    from async_substrate_interface.errors import StateDiscardedError
except ImportError:  # pragma: no cover
    StateDiscardedError = ()

PRUNED_HINT = ("the node no longer has the state of block {n} (events live in state): index from an archive node "
               "(medchain-node --state-pruning archive), or keep `index --follow` running so it never falls more than "
               "the node's pruning window (256 blocks by default) behind")

MEDCHAIN_PALLETS = {"Consortium", "PatientIdentity", "Consent", "HealthRecords", "DrugProvenance", "ClinicalTrials", "Governance", "Prescriptions"}


def _ts(ms: int) -> Optional[dt.datetime]:
    return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc).replace(tzinfo=None) if ms else None


def _ascii(v) -> str:
    if isinstance(v, str) and v.startswith("0x"):
        try:
            return bytes.fromhex(v[2:]).decode("ascii")
        except (ValueError, UnicodeDecodeError):
            return v
    if isinstance(v, (list, tuple)):
        return bytes(v).decode("ascii", "replace")
    return str(v)


def _expiry(v) -> Optional[dt.date]:
    if isinstance(v, dict):
        try:
            return dt.date(v["year"], v["month"], v["day"])
        except (KeyError, ValueError):
            return None
    return None


def _is_extrinsic_failure(e: dict) -> bool:
    return e.get("module_id") == "System" and e.get("event_id") == "ExtrinsicFailed"


def _is_failure(e: dict) -> bool:
    """A failed extrinsic, or a call refused inside one that may have succeeded (a proxied
    call's `ProxyExecuted { result: Err }`, `BatchInterrupted`, `ItemFailed`, `Sudid` with an
    error, ...): the block's body is fetched for either."""
    return _is_extrinsic_failure(e) or nested.is_inner_failure(e)


class Ops:
    """Rows to insert (bulk, per table) and ordered statements, for one chunk."""

    def __init__(self):
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.stmts: list[tuple[str, list]] = []

    def insert(self, table: str, **row):
        self.rows[table].append(row)

    def sql(self, stmt: str, *params):
        self.stmts.append((stmt, list(params)))


def apply_event(ops: Ops, block: int, idx: int, ts, pallet: str, name: str, a: dict) -> None:
    a = a or {}
    if pallet == "Consortium":
        if name == "OrganizationRegistered":
            ops.insert("organizations", account=a["admin"], name=_ascii(a["name"]), roles=int(a["roles"]), status="Active", registered_block=block)
        elif name == "RolesSet":
            ops.sql("UPDATE organizations SET roles = ? WHERE account = ?", int(a["roles"]), a["organization"])
        elif name == "OrganizationSuspended":
            ops.sql("UPDATE organizations SET status = 'Suspended' WHERE account = ?", a["organization"])
        elif name == "OrganizationReinstated":
            ops.sql("UPDATE organizations SET status = 'Active' WHERE account = ?", a["organization"])
        elif name == "StaffAdded":
            ops.sql("INSERT OR REPLACE INTO staff VALUES (?, ?, ?, NULL)", a["staff"], a["organization"], block)
        elif name == "StaffRemoved":
            ops.sql("UPDATE staff SET removed_block = ? WHERE account = ?", block, a["staff"])
    elif pallet == "PatientIdentity":
        if name == "PatientRegistered":
            ops.insert("patients", account=a["patient"], onboarded_by=a.get("onboarded_by"), registered_block=block, registered_ts=ts,
                       attestations=1 if a.get("onboarded_by") else 0, deregistered_block=None)
        elif name == "PatientAttested":
            ops.sql("UPDATE patients SET attestations = attestations + 1 WHERE account = ?", a["patient"])
        elif name == "PatientDeregistered":
            ops.sql("UPDATE patients SET deregistered_block = ? WHERE account = ?", block, a["patient"])
    elif pallet == "Consent":
        if name == "ConsentGranted":
            scope = a["scope"]
            ops.insert("consents", consent_id=int(a["consent_id"]), patient=a["patient"], grantee=a["grantee"], categories=int(scope["categories"]),
                       read=bool(scope["access"]["read"]), write=bool(scope["access"]["write"]), purpose=str(a["purpose"]),
                       expires_at=_ts(a["expires_at"]) if a.get("expires_at") else None, emergency=False, granted_block=block, granted_ts=ts, revoked_block=None)
        elif name == "ConsentRevoked":
            ops.sql("UPDATE consents SET revoked_block = ? WHERE consent_id = ?", block, int(a["consent_id"]))
        elif name == "EmergencyAccessGranted":
            ops.sql("INSERT INTO consents VALUES (?, ?, ?, 511, TRUE, FALSE, 'Treatment', ?, TRUE, ?, ?, NULL) "
                    "ON CONFLICT (consent_id) DO UPDATE SET expires_at = excluded.expires_at",
                    int(a["consent_id"]), a["patient"], a["organization"], _ts(a["expires_at"]), block, ts)
        elif name == "AccessLogged":
            ops.insert("access_log", block=block, idx=idx, patient=a["patient"], consent_id=int(a["consent_id"]), organization=a["organization"],
                       accessor=a["accessor"], record_id=a["record_id"], category=str(a["category"]),
                       purpose=str(a["purpose"]) if a.get("purpose") is not None else None,
                       emergency=bool(a["emergency"]) if a.get("emergency") is not None else None, ts=ts)
    elif pallet == "HealthRecords":
        if name == "RecordAnchored":
            ops.insert("records", record_id=a["record_id"], patient=a["patient"], category=str(a["category"]), content_hash=a["content_hash"],
                       author=a.get("author"), supersedes=a.get("supersedes"), block=block, ts=ts, sealed_block=None)
        elif name == "BatchAnchored":
            ops.insert("record_batches", batch_id=int(a["batch_id"]), author=a["author"], category=str(a["category"]), merkle_root=a["merkle_root"],
                       leaf_count=int(a["leaf_count"]), patient=a.get("patient"), block=block, ts=ts)
        elif name == "RecordSealed":
            ops.sql("UPDATE records SET sealed_block = ? WHERE record_id = ? AND sealed_block IS NULL", block, a["record_id"])
        elif name == "RecordsErased":
            ops.sql("UPDATE records SET sealed_block = ? WHERE patient = ? AND sealed_block IS NULL", block, a["patient"])
    elif pallet == "DrugProvenance":
        custody = lambda kind, party, counter, qty, detail=None: ops.insert(  # noqa: E731
            "custody_events", block=block, idx=idx, batch_id=int(a["batch_id"]), kind=kind, party=party, counterparty=counter,
            quantity=qty, detail=detail, ts=ts)
        if name == "ProductRegistered":
            ops.insert("products", gtin=_ascii(a["gtin"]), manufacturer=a["manufacturer"], metadata_hash=a["metadata_hash"], block=block)
        elif name == "ProductReassigned":
            ops.sql("UPDATE products SET manufacturer = ? WHERE gtin = ?", a["to"], _ascii(a["gtin"]))
        elif name == "BatchCommissioned":
            ops.insert("batches", batch_id=int(a["batch_id"]), gtin=_ascii(a["gtin"]), lot=_ascii(a["lot"]), expiry=_expiry(a["expiry"]),
                       quantity=int(a["quantity"]), serials_root=a["serials_root"], manufacturer=a["manufacturer"], block=block, ts=ts,
                       recalled_block=None, recalled_ts=None, recalled_by=None, recall_reason=None)
            custody("commissioned", a["manufacturer"], None, int(a["quantity"]))
        elif name == "ShipmentSent":
            ops.insert("shipments", shipment_id=int(a["shipment_id"]), batch_id=int(a["batch_id"]), sender=a["from"], recipient=a["to"],
                       quantity=int(a["quantity"]), status="InTransit", sent_block=block, sent_ts=ts, closed_block=None)
            custody("shipped", a["from"], a["to"], int(a["quantity"]), f"shipment {a['shipment_id']}")
        elif name in ("ShipmentReceived", "ShipmentCancelled", "ShipmentRejected"):
            status = name.removeprefix("Shipment")
            ops.sql("UPDATE shipments SET status = ?, closed_block = ? WHERE shipment_id = ?", status, block, int(a["shipment_id"]))
            custody(status.lower(), a["to"], a["from"], int(a["quantity"]), f"shipment {a['shipment_id']}")
        elif name == "UnitsDestroyed":
            custody("destroyed", a["holder"], None, int(a["quantity"]), str(a.get("reason")))
        elif name == "UnitDispensed":
            ops.insert("dispenses", batch_id=int(a["batch_id"]), serial_hash=a["serial_hash"], pharmacy=a["pharmacy"], block=block, ts=ts)
            custody("dispensed", a["pharmacy"], None, 1)
        elif name == "SuspectReported":
            ops.insert("suspect_reports", block=block, idx=idx, batch_id=int(a["batch_id"]), serial_hash=a["serial_hash"], reason=str(a["reason"]),
                       reporter=a["reporter"], ts=ts)
            custody("suspect_report", a["reporter"], None, 0, str(a["reason"]))
        elif name == "BatchRecalled":
            holders = a.get("holders") or []
            ops.sql("UPDATE batches SET recalled_block = ?, recalled_ts = ?, recalled_by = ?, recall_reason = ? WHERE batch_id = ?",
                    block, ts, a["by"], int(a["reason_code"]), int(a["batch_id"]))
            ops.insert("recalls", batch_id=int(a["batch_id"]), recalled_by=a["by"], reason_code=int(a["reason_code"]), holders=len(holders),
                       in_transit=int(a.get("in_transit") or 0), block=block, ts=ts)
            custody("recalled", a["by"], None, int(a.get("in_transit") or 0), f"reason {a['reason_code']}, {len(holders)} holders notified, {int(a.get('in_transit') or 0)} units in transit")
    elif pallet == "ClinicalTrials":
        tid = int(a["trial_id"]) if "trial_id" in a else None
        if name == "TrialRegistered":
            ops.insert("trials", trial_id=tid, registry_id=_ascii(a["registry_id"]), sponsor=a["sponsor"], protocol_hash=a["protocol_hash"],
                       protocol_version=1, outcomes=json.dumps(list(a["outcomes"])), planned_enrollment=int(a["planned_enrollment"]), enrolled=0,
                       withdrawn=0, registered_block=block, registered_ts=ts, locked_block=None, data_head=None, commit_count=0,
                       status="Registered", missing=None, added=None, results_hash=None, published_block=None, flags=0)
            ops.insert("protocol_versions", trial_id=tid, version=1, protocol_hash=a["protocol_hash"], reason_hash=None,
                       outcomes_changed=False, after_enrollment=False, block=block, ts=ts)
        elif name == "ProtocolAmended":
            ops.insert("protocol_versions", trial_id=tid, version=int(a["version"]), protocol_hash=a["protocol_hash"], reason_hash=a["reason_hash"],
                       outcomes_changed=bool(a["outcomes_changed"]), after_enrollment=bool(a["after_enrollment"]), block=block, ts=ts)
            ops.sql("UPDATE trials SET protocol_hash = ?, protocol_version = ? WHERE trial_id = ?", a["protocol_hash"], int(a["version"]), tid)
        elif name == "SiteAdded":
            ops.sql("INSERT OR REPLACE INTO trial_sites VALUES (?, ?, ?, NULL)", tid, a["site"], block)
        elif name == "SiteRemoved":
            ops.sql("UPDATE trial_sites SET removed_block = ? WHERE trial_id = ? AND site = ?", block, tid, a["site"])
        elif name == "ParticipantEnrolled":
            ops.insert("participants", trial_id=tid, participant_commitment=a["participant_commitment"], site=a["site"],
                       consent_id=int(a["consent_id"]), enrolled_block=block, withdrawn_block=None)
            ops.sql("UPDATE trials SET enrolled = ? WHERE trial_id = ?", int(a["enrolled"]), tid)
        elif name == "ParticipantWithdrawn":
            ops.sql("UPDATE participants SET withdrawn_block = ? WHERE trial_id = ? AND participant_commitment = ?", block, tid, a["participant_commitment"])
            ops.sql("UPDATE trials SET withdrawn = ? WHERE trial_id = ?", int(a["withdrawn"]), tid)
        elif name == "DataCommitted":
            ops.insert("data_commits", trial_id=tid, idx=int(a["index"]), submitter=a["submitter"], batch_root=a["batch_root"],
                       record_count=int(a["record_count"]), chain_hash=a["chain_hash"], block=block, ts=ts)
            ops.sql("UPDATE trials SET commit_count = ?, data_head = ? WHERE trial_id = ?", int(a["index"]) + 1, a["chain_hash"], tid)
        elif name == "DatabaseLocked":
            ops.sql("UPDATE trials SET locked_block = ?, data_head = ?, commit_count = ?, status = 'Locked' WHERE trial_id = ?",
                    block, a["data_head"], int(a["commit_count"]), tid)
        elif name == "ResultsPublished":
            st = a["status"]
            if isinstance(st, dict) and "OutcomeSwitched" in st:
                ops.sql("UPDATE trials SET status = 'OutcomeSwitched', missing = ?, added = ?, results_hash = ?, published_block = ? WHERE trial_id = ?",
                        int(st["OutcomeSwitched"]["missing"]), int(st["OutcomeSwitched"]["added"]), a["results_hash"], block, tid)
            else:
                ops.sql("UPDATE trials SET status = 'Complete', missing = 0, added = 0, results_hash = ?, published_block = ? WHERE trial_id = ?",
                        a["results_hash"], block, tid)
        elif name == "TrialFlagged":
            ops.insert("trial_flags", block=block, idx=idx, trial_id=tid, regulator=a["regulator"], reason_code=int(a["reason_code"]))
            ops.sql("UPDATE trials SET flags = flags + 1 WHERE trial_id = ?", tid)


def module_error(dispatch_error, errors: dict) -> Optional[tuple[str, str]]:
    """(pallet, error name) of a `DispatchError::Module`, from the runtime's error table
    (`Chain.module_errors`); None for any other dispatch error (BadOrigin, Token, ...)."""
    if isinstance(dispatch_error, dict) and "Module" in dispatch_error:
        m = dispatch_error["Module"]
        idx, err = int(m["index"]), hexbytes(m["error"])[0]
        return errors.get((idx, err), (f"Pallet{idx}", f"Error{err}"))
    return None


def apply_failure(ops: Ops, block: int, idx: int, extrinsic: Optional[int], ts, xt: Optional[dict], dispatch_error,
                  error: Optional[tuple[str, str]]) -> None:
    """A failed extrinsic (its `System.ExtrinsicFailed` event at `idx`): who signed which call
    with which arguments, and the error that refused it (`error` as `module_error` names it)."""
    call = (xt or {}).get("call") or {}
    args = _call_args(call)
    ops.insert("failed_extrinsics", block=block, idx=idx, extrinsic=extrinsic, signer=_account((xt or {}).get("address")),
               call_module=call.get("call_module"), call_function=call.get("call_function"), args=json.dumps(args, default=str),
               error_module=error[0] if error else None, error_name=error[1] if error else None,
               dispatch_error=json.dumps(dispatch_error, default=str), ts=ts)


def apply_failed_call(ops: Ops, block: int, extrinsic: Optional[int], ts, row: dict, errors: dict) -> None:
    """A call refused inside an extrinsic (a row of `nested.failed_calls`): `failed_calls`."""
    err = module_error(row["dispatch_error"], errors)
    ops.insert("failed_calls", block=block, idx=row["idx"], n=row["n"], group_size=row["group_size"], extrinsic=extrinsic,
               signer=row["signer"], origin=row["origin"], origin_kind=row["origin_kind"], via=json.dumps(row["via"], default=str),
               call_module=row["call_module"], call_function=row["call_function"], args=json.dumps(row["args"], default=str),
               error_module=err[0] if err else None, error_name=err[1] if err else None,
               dispatch_error=json.dumps(row["dispatch_error"], default=str), ts=ts)


def block_failures(evs: list[dict], xts: list, errors: dict) -> tuple[list, list, list]:
    """A block's refusals, from its decoded events and extrinsics: its failed extrinsics
    (event index, extrinsic index, decoded extrinsic, dispatch error, (pallet, error name)), the
    calls refused inside its extrinsics ((extrinsic index, `nested.failed_calls` row)), and
    the extrinsics whose events could not be read against their calls (none are recorded)."""
    failures, inner, unreadable = [], [], []
    body = lambda x: xts[x] if x is not None and 0 <= x < len(xts) else None  # noqa: E731
    for i, e in enumerate(evs):
        if _is_extrinsic_failure(e):
            x = e.get("extrinsic_idx")
            de = (e.get("attributes") or {}).get("dispatch_error")
            failures.append((i, x, body(x), de, module_error(de, errors)))
    for x in sorted({e.get("extrinsic_idx") for e in evs if _is_failure(e) and e.get("extrinsic_idx") is not None}):
        rows = nested.failed_calls(body(x), [(i, e) for i, e in enumerate(evs) if e.get("extrinsic_idx") == x])
        if rows is None:
            unreadable.append(x)
        else:
            inner.extend((x, row) for row in rows)
    return failures, inner, unreadable


def _write(con, ops: Ops, blocks: list[dict], last: int) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        for table, rows in ops.rows.items():
            if not rows:
                continue
            tbl = pa.Table.from_pylist(rows)
            con.register("_chunk", tbl)
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _chunk")
            con.unregister("_chunk")
        for stmt, params in ops.stmts:
            con.execute(stmt, params)
        if blocks:
            con.register("_blocks", pa.Table.from_pylist(blocks))
            con.execute("INSERT INTO blocks BY NAME SELECT * FROM _blocks")
            con.unregister("_blocks")
        db.set_meta(con, "last_block", last)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


async def _genesis(c: Chain, con) -> None:
    """Block 0 has no events: take the genesis consortium from state."""
    g = await c.block_hash(0)
    known = db.get_meta(con, "genesis_hash")
    if known and known != g:
        raise RuntimeError(f"this index belongs to chain {known}, the node's genesis is {g}")
    if known:
        return
    ops = Ops()
    try:
        orgs = await c.query_map("Consortium", "Organizations", block_hash=g)
    except StateDiscardedError as e:
        raise RuntimeError(PRUNED_HINT.format(n=0)) from e
    for account, org in orgs:
        org = getattr(org, "value", org)
        ops.insert("organizations", account=str(getattr(account, "value", account)), name=_ascii(org["name"]), roles=int(org["roles"]),
                   status=str(org["status"]), registered_block=0)
    ts = _ts(await c.timestamp(g))
    _write(con, ops, [{"number": 0, "hash": g, "ts": ts, "events": 0}], 0)
    db.set_meta(con, "genesis_hash", g)


async def index(url: str, db_path: str, follow: bool = False, until: Optional[int] = None, chunk: int = 200,
                concurrency: int = 32, pause: float = 0.0, log: Callable = print) -> dict:
    """Index finalized blocks into `db_path`; returns stats. `follow` keeps polling."""
    con = db.connect(db_path)
    stats = {"blocks": 0, "events": 0, "medchain_events": 0, "failed_extrinsics": 0, "failed_calls": 0, "unreadable_extrinsics": 0,
             "seconds": 0.0}
    t0 = time.time()
    try:
        async with Chain(url) as c:
            await _genesis(c, con)
            sem = asyncio.Semaphore(concurrency)

            async def fetch(n: int):
                async with sem:
                    h = await c.block_hash(n)
                    try:
                        evs, ts = await asyncio.gather(c.events(h), c.timestamp(h))
                    except StateDiscardedError as e:
                        raise RuntimeError(PRUNED_HINT.format(n=n)) from e
                    # A block with a failed extrinsic, or a call refused inside one: its body
                    # too, to say who was refused what.
                    failures, inner, unreadable, errors = [], [], [], {}
                    if any(_is_failure(e) for e in evs):
                        xts, errors = await asyncio.gather(c.extrinsics(h), c.module_errors(h))
                        failures, inner, unreadable = block_failures(evs, xts, errors)
                    return n, h, ts, evs, (failures, inner, unreadable, errors)

            while True:
                last = int(db.get_meta(con, "last_block", -1))
                target = await c.finalized_number()
                if until is not None:
                    target = min(target, until)
                if last >= target:
                    if not follow or (until is not None and last >= until):
                        break
                    await asyncio.sleep(1.0)
                    continue
                hi = min(target, last + chunk)
                fetched = await asyncio.gather(*(fetch(n) for n in range(last + 1, hi + 1)))
                ops, blocks = Ops(), []
                for n, h, ts_ms, evs, (failures, inner, unreadable, errors) in fetched:
                    ts = _ts(ts_ms)
                    blocks.append({"number": n, "hash": h, "ts": ts, "events": len(evs)})
                    stats["events"] += len(evs)
                    for i, e in enumerate(evs):
                        p = e["module_id"]
                        if p not in MEDCHAIN_PALLETS:
                            continue
                        stats["medchain_events"] += 1
                        a = e["attributes"]
                        ops.insert("events", block=n, idx=i, extrinsic=e.get("extrinsic_idx"), pallet=p, name=e["event_id"],
                                   data=json.dumps(a, default=str))
                        apply_event(ops, n, i, ts, p, e["event_id"], a if isinstance(a, dict) else {})
                    for i, x, xt, de, err in failures:
                        apply_failure(ops, n, i, x, ts, xt, de, err)
                        stats["failed_extrinsics"] += 1
                    for x, row in inner:
                        apply_failed_call(ops, n, x, ts, row, errors)
                        stats["failed_calls"] += 1
                    for x in unreadable:
                        stats["unreadable_extrinsics"] += 1
                        log(f"block {n}, extrinsic {x}: its events do not read against its call tree; calls refused inside it "
                            "are not indexed")
                _write(con, ops, blocks, hi)
                stats["blocks"] += len(fetched)
                log(f"indexed blocks {last + 1}..{hi} (finalized {target}): {stats['medchain_events']} MedChain events so far")
                if pause:
                    await asyncio.sleep(pause)
    finally:
        stats["seconds"] = round(time.time() - t0, 3)
        stats["last_block"] = int(db.get_meta(con, "last_block", -1))
        con.close()
    return stats
