"""Fraud flags for regulators, from public chain data only (an index written by `index`).

Three rules (README, "Fraud flags"). Each rule is a pure function of plain rows, so it can be
checked on synthetic rows; `flags(db)` reads the rows from the index and runs them. Every flag
names the organization (and staff key) it is about and the events / extrinsics it rests on,
as (block, event index) pairs a reader can look up on any node:

- `break_glass_outlier`: a staff key's emergency accesses (`Consent.EmergencyAccessGranted`)
  in one window far above the consortium's: more than max(`min_count`, median + 3 x MAD) of
  the counts of every (staff key, window) that broke the glass at least once.
- `diversion`: an organization other than the batch's manufacturer still holds units of a
  batch (received and never dispensed, shipped on, returned or destroyed) more than
  `grace_days` after the batch's recall or after the end of its expiry day.
- `refused_dispensing`: a pharmacy's refused attempts to dispense without a valid
  prescription: `DrugProvenance.dispense` of a prescription-only product refused with
  `PrescriptionRequired`, and `Prescriptions.dispense_prescribed` refused with one of the
  prescriptions pallet's errors; at least `min_attempts` per pharmacy.
"""
from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import defaultdict
from typing import Iterable, Optional

# Break-glass rule defaults.
MIN_COUNT = 3
MAD_K = 3.0
WINDOW_HOURS = 24
# Diversion: days allowed after a recall or an expiry to return or destroy held units.
GRACE_DAYS = 30
# Refused dispensing: attempts per pharmacy.
MIN_ATTEMPTS = 1
RX_FUNCTIONS = {("DrugProvenance", "dispense"): {("DrugProvenance", "PrescriptionRequired")},
                ("Prescriptions", "dispense_prescribed"): None}  # None: any error of the Prescriptions pallet

# Flags that public chain data cannot support, by design or for now (README, "Fraud flags").
NOT_COMPUTED = {
    "doctor_shopping": "one patient filling overlapping prescriptions of several prescribers: holder keys are per prescription and "
                       "unlinkable, the patient is only in the regulator's envelope, so only the regulator can compute it",
    "claims": "billing for services not rendered, upcoding, duplicate claims: the claims pallet is not built yet (issue #26)",
}


def _ev(block, idx, what: str, n: Optional[int] = None) -> dict:
    e = {"block": int(block), "idx": int(idx), "what": what}
    if n is not None:
        e["n"] = int(n)
    return e


def break_glass_outliers(rows: Iterable[dict], min_count: int = MIN_COUNT, k: float = MAD_K,
                         window_hours: float = WINDOW_HOURS) -> list[dict]:
    """rows: one per `EmergencyAccessGranted` (block, idx, ts, staff, organization, patient)."""
    win = dt.timedelta(hours=window_hours)
    epoch = dt.datetime(1970, 1, 1)
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        w = int((r["ts"] - epoch) / win)
        groups[(r["staff"], w)].append(r)
    if not groups:
        return []
    counts = [len(v) for v in groups.values()]
    med = statistics.median(counts)
    mad = statistics.median(abs(c - med) for c in counts)
    threshold = max(min_count, med + k * mad)
    out = []
    for (staff, w), evs in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if len(evs) > threshold:
            evs = sorted(evs, key=lambda r: (r["block"], r["idx"]))
            out.append({"flag": "break_glass_outlier", "organization": evs[0]["organization"], "staff": staff,
                        "window_start": (epoch + w * win).isoformat(), "count": len(evs),
                        "patients": len({r["patient"] for r in evs}), "threshold": threshold, "median": med, "mad": mad,
                        "evidence": [_ev(r["block"], r["idx"], "Consent.EmergencyAccessGranted") for r in evs]})
    return out


def _end_of_day(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day) + dt.timedelta(days=1) - dt.timedelta(milliseconds=1)


def diversion(batches: Iterable[dict], custody: Iterable[dict], as_of: dt.datetime, grace_days: float = GRACE_DAYS) -> list[dict]:
    """batches: (batch_id, gtin, lot, manufacturer, expiry date, recalled_ts, recall (block, idx)
    or None); custody: the custody events (block, idx, batch_id, kind, party, counterparty,
    quantity) replayed in order; `as_of`: the time of the index's last block."""
    grace = dt.timedelta(days=grace_days)
    held: dict[tuple, int] = defaultdict(int)
    gained: dict[tuple, list[dict]] = defaultdict(list)
    for r in sorted(custody, key=lambda r: (r["block"], r["idx"])):
        b, q, kind = r["batch_id"], int(r["quantity"] or 0), r["kind"]
        if kind == "commissioned":
            held[(b, r["party"])] += q
        elif kind == "shipped":
            held[(b, r["party"])] -= q
        elif kind == "received":
            held[(b, r["party"])] += q
            gained[(b, r["party"])].append(_ev(r["block"], r["idx"], "DrugProvenance.ShipmentReceived"))
        elif kind in ("cancelled", "rejected"):
            held[(b, r["counterparty"])] += q
            gained[(b, r["counterparty"])].append(_ev(r["block"], r["idx"], f"DrugProvenance.Shipment{kind.capitalize()}"))
        elif kind in ("dispensed", "destroyed"):
            held[(b, r["party"])] -= q
    out = []
    for bt in batches:
        reasons, evidence = [], []
        if bt.get("recalled_ts") is not None and bt["recalled_ts"] + grace <= as_of:
            reasons.append("recalled")
            if bt.get("recall_event"):
                evidence.append(_ev(*bt["recall_event"], "DrugProvenance.BatchRecalled"))
        if bt.get("expiry") is not None and _end_of_day(bt["expiry"]) + grace <= as_of:
            reasons.append("expired")
            if bt.get("commission_event"):
                evidence.append(_ev(*bt["commission_event"], "DrugProvenance.BatchCommissioned (expiry)"))
        if not reasons:
            continue
        for (b, org), n in sorted(held.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
            if b != bt["batch_id"] or n <= 0 or org == bt["manufacturer"]:
                continue
            out.append({"flag": "diversion", "organization": org, "batch_id": b, "gtin": bt.get("gtin"), "lot": bt.get("lot"),
                        "held": n, "reasons": reasons, "expiry": str(bt["expiry"]) if bt.get("expiry") else None,
                        "recalled_ts": str(bt["recalled_ts"]) if bt.get("recalled_ts") else None,
                        "evidence": evidence + gained[(b, org)]})
    return out


def refused_dispensing(rows: Iterable[dict], staff_org: dict[str, str], min_attempts: int = MIN_ATTEMPTS) -> list[dict]:
    """rows: refused calls (block, idx, n or None, extrinsic, account: the signer or the account
    the call was dispatched as, call_module, call_function, error_module, error_name)."""
    per: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        key = (r["call_module"], r["call_function"])
        if key not in RX_FUNCTIONS:
            continue
        wanted = RX_FUNCTIONS[key]
        if wanted is None:
            if r["error_module"] != "Prescriptions":
                continue
        elif (r["error_module"], r["error_name"]) not in wanted:
            continue
        acct = r["account"]
        per[staff_org.get(acct, acct)].append(r)
    out = []
    for org, rs in sorted(per.items(), key=lambda kv: str(kv[0])):
        if len(rs) < min_attempts:
            continue
        rs = sorted(rs, key=lambda r: (r["block"], r["idx"], r.get("n") or 0))
        errors = defaultdict(int)
        for r in rs:
            errors[f"{r['error_module']}.{r['error_name']}"] += 1
        out.append({"flag": "refused_dispensing", "organization": org, "staff": sorted({r["account"] for r in rs}), "attempts": len(rs),
                    "errors": dict(sorted(errors.items())),
                    "evidence": [_ev(r["block"], r["idx"], f"refused {r['call_module']}.{r['call_function']} (extrinsic {r['extrinsic']}): "
                                 f"{r['error_module']}.{r['error_name']}", r.get("n")) for r in rs]})
    return out


def flags(db_path: str, min_count: int = MIN_COUNT, k: float = MAD_K, window_hours: float = WINDOW_HOURS,
          grace_days: float = GRACE_DAYS, min_attempts: int = MIN_ATTEMPTS) -> dict:
    """Every flag the index at `db_path` supports, with the parameters used."""
    from . import db
    con = db.connect(db_path, read_only=True)
    try:
        last = int(db.get_meta(con, "last_block", -1))
        as_of = con.execute("SELECT ts FROM blocks WHERE number = ?", [last]).fetchone()
        as_of = as_of[0] if as_of else dt.datetime.utcnow()

        def q(sql, params=()):
            cur = con.execute(sql, list(params))
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, r)) for r in cur.fetchall()]

        glass = []
        for r in q("SELECT e.block, e.idx, e.data, b.ts FROM events e JOIN blocks b ON b.number = e.block "
                   "WHERE e.pallet = 'Consent' AND e.name = 'EmergencyAccessGranted'"):
            d = json.loads(r["data"])
            glass.append({"block": r["block"], "idx": r["idx"], "ts": r["ts"], "staff": d["staff"], "organization": d["organization"],
                          "patient": d["patient"]})
        custody = q("SELECT block, idx, batch_id, kind, party, counterparty, quantity FROM custody_events")
        first = {}
        for r in q("SELECT block, idx, batch_id, kind FROM custody_events WHERE kind IN ('recalled', 'commissioned') ORDER BY block, idx"):
            first.setdefault((r["batch_id"], r["kind"]), (r["block"], r["idx"]))
        batches = q("SELECT batch_id, gtin, lot, manufacturer, expiry, recalled_ts FROM batches")
        for bt in batches:
            bt["recall_event"] = first.get((bt["batch_id"], "recalled"))
            bt["commission_event"] = first.get((bt["batch_id"], "commissioned"))
        staff_org = {r["account"]: r["organization"] for r in q("SELECT account, organization FROM staff")}
        tables = {r["table_name"] for r in q("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")}
        refused = []
        if "failed_extrinsics" in tables:
            refused += q("SELECT block, idx, NULL AS n, extrinsic, signer AS account, call_module, call_function, error_module, error_name "
                         "FROM failed_extrinsics")
        if "failed_calls" in tables:
            refused += q("SELECT block, idx, n, extrinsic, coalesce(origin, signer) AS account, call_module, call_function, error_module, "
                         "error_name FROM failed_calls")
        coverage = {t: db.indexed_from(con, t) for t in db.REFUSAL_TABLES}
    finally:
        con.close()
    out = (break_glass_outliers(glass, min_count, k, window_hours) + diversion(batches, custody, as_of, grace_days)
           + refused_dispensing(refused, staff_org, min_attempts))
    return {"last_block": last, "as_of": str(as_of),
            "parameters": {"min_count": min_count, "mad_k": k, "window_hours": window_hours, "grace_days": grace_days,
                           "min_attempts": min_attempts},
            "refusals_indexed_from": coverage, "flags": out, "not_computed": NOT_COMPUTED}


def format_flags(r: dict) -> str:
    lines = [f"fraud flags up to block {r['last_block']} ({r['as_of']}): {len(r['flags'])}"]
    gaps = [f"{t} from block {b}" for t, b in r["refusals_indexed_from"].items() if b > 0]
    if gaps:
        lines.append(f"note: this index holds refused calls ({', '.join(gaps)}) only: refused_dispensing sees none before; "
                     "index again into a new file for them")
    for f in r["flags"]:
        if f["flag"] == "break_glass_outlier":
            head = (f"break_glass_outlier  {f['organization']} staff {f['staff']}: {f['count']} emergency accesses ({f['patients']} patients) "
                    f"in the window from {f['window_start']}, threshold {f['threshold']:g}")
        elif f["flag"] == "diversion":
            head = (f"diversion            {f['organization']} holds {f['held']} units of batch {f['batch_id']} ({f['gtin']}/{f['lot']}), "
                    f"{' and '.join(f['reasons'])}")
        else:
            head = f"refused_dispensing   {f['organization']}: {f['attempts']} refused attempts {f['errors']}"
        lines.append(head)
        lines.append("    rests on: " + ", ".join(f"#{e['block']}-{e['idx']}" + (f"/{e['n']}" if "n" in e else "") + f" {e['what']}"
                                                  for e in f["evidence"]))
    lines.append("not computed from public data: " + "; ".join(f"{k} ({v})" for k, v in r["not_computed"].items()))
    return "\n".join(lines)
