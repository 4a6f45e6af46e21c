"""Fraud flags (`flags`): each rule on synthetic rows (offline), then against the seeded dev node:
nothing on the clean data set, exactly the seeded frauds once `seed --fraud-only` added them
(precision and recall over the seeded set, printed).

The frauds are added to the session's chain after the clean seed (so the clean data set is a
prefix of the fraud one, and no second chain is seeded); this file sorts after
test_audit_chain.py, which expects no other break-glass on the chain than its own."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from conftest import run_cli
from medchain_research.flags import break_glass_outliers, diversion, refused_dispensing

T0 = dt.datetime(2026, 3, 2, 9, 0)


def glass(counts: dict[str, int], org="ORG", start=T0) -> list[dict]:
    rows, b = [], 100
    for staff, n in counts.items():
        for j in range(n):
            rows.append({"block": b, "idx": j, "ts": start + dt.timedelta(minutes=b), "staff": staff, "organization": org,
                         "patient": f"P-{staff}-{j}"})
            b += 1
    return rows


# ---- break-glass outliers ------------------------------------------------------------------

def test_break_glass_outlier_is_flagged_with_its_events():
    rows = glass({f"S{i}": 1 + (i % 3 == 0) for i in range(8)}) + glass({"ROGUE": 5}, org="HARBOR")
    out = break_glass_outliers(rows)
    assert [(f["staff"], f["organization"], f["count"], f["patients"]) for f in out] == [("ROGUE", "HARBOR", 5, 5)]
    assert out[0]["threshold"] == 3 and len(out[0]["evidence"]) == 5
    assert all(e["what"] == "Consent.EmergencyAccessGranted" for e in out[0]["evidence"])


def test_busy_emergency_department_below_threshold_is_not_flagged():
    # A day in a busy emergency department: every staff key breaks the glass 2-4 times, the
    # busiest 6 times -- not above median + 3 x MAD (3 + 3 x 1) of its colleagues', so no flag.
    counts = {f"ED{i}": [2, 3, 4, 3, 2, 4, 3, 3, 4, 2][i] for i in range(10)} | {"ED-busiest": 6}
    assert break_glass_outliers(glass(counts)) == []
    # ... and the floor: three accesses are never an outlier, however quiet the others.
    assert break_glass_outliers(glass({"A": 1, "B": 1, "C": 1, "D": 3})) == []


def test_break_glass_windows_are_counted_apart():
    # Five accesses spread over five days are five windows of one, not one window of five.
    rows = []
    for d in range(5):
        rows += glass({"S": 1}, start=T0 + dt.timedelta(days=d))
    rows += glass({f"O{i}": 1 for i in range(5)})
    assert break_glass_outliers(rows) == []
    assert [f["staff"] for f in break_glass_outliers(rows, window_hours=24 * 30)] == ["S"]


# ---- diversion -----------------------------------------------------------------------------

def cust(block, kind, party, counter=None, q=0, batch=1):
    return {"block": block, "idx": 0, "batch_id": batch, "kind": kind, "party": party, "counterparty": counter, "quantity": q}


BATCH = {"batch_id": 1, "gtin": "09506000134352", "lot": "L1", "manufacturer": "MFR", "expiry": dt.date(2030, 12, 31),
         "recalled_ts": T0, "recall_event": (50, 3), "commission_event": (1, 0)}


def test_recalled_units_held_are_diversion():
    custody = [cust(1, "commissioned", "MFR", q=100), cust(2, "shipped", "MFR", "DIST", 60), cust(3, "received", "DIST", "MFR", 60),
               cust(4, "shipped", "DIST", "PHARM", 20), cust(5, "received", "PHARM", "DIST", 20), cust(6, "dispensed", "PHARM", q=1),
               cust(7, "destroyed", "PHARM", q=19), cust(8, "shipped", "DIST", "MFR", 10), cust(9, "received", "MFR", "DIST", 10)]
    out = diversion([BATCH], custody, as_of=T0 + dt.timedelta(days=31))
    # The distributor holds 60 - 20 - 10 = 30; the pharmacy dispensed and destroyed all it got;
    # the manufacturer's own stock is no diversion.
    assert [(f["organization"], f["held"], f["reasons"]) for f in out] == [("DIST", 30, ["recalled"])]
    assert [(e["block"], e["idx"]) for e in out[0]["evidence"]] == [(50, 3), (3, 0)]
    # Within the grace period after the recall: no flag yet.
    assert diversion([BATCH], custody, as_of=T0 + dt.timedelta(days=29)) == []
    assert len(diversion([BATCH], custody, as_of=T0 + dt.timedelta(days=29), grace_days=0)) == 1


def test_rejected_shipment_returns_to_its_sender_and_expiry_counts():
    b = BATCH | {"recalled_ts": None, "recall_event": None, "expiry": dt.date(2026, 1, 31)}
    custody = [cust(1, "commissioned", "MFR", q=10), cust(2, "shipped", "MFR", "DIST", 10), cust(3, "received", "DIST", "MFR", 10),
               cust(4, "shipped", "DIST", "PHARM", 4), cust(5, "rejected", "PHARM", "DIST", 4)]
    out = diversion([b], custody, as_of=dt.datetime(2026, 3, 3))
    assert [(f["organization"], f["held"], f["reasons"]) for f in out] == [("DIST", 10, ["expired"])]
    assert [e["what"] for e in out[0]["evidence"]] == ["DrugProvenance.BatchCommissioned (expiry)", "DrugProvenance.ShipmentReceived",
                                                       "DrugProvenance.ShipmentRejected"]
    # Usable through its expiry day; 30 days' grace after its end.
    assert diversion([b], custody, as_of=dt.datetime(2026, 3, 1)) == []
    assert diversion([b], custody, as_of=dt.datetime(2026, 1, 31, 23, 59), grace_days=0) == []
    # Destroyed: nothing held, nothing flagged.
    assert diversion([b], custody + [cust(6, "destroyed", "DIST", q=10)], as_of=dt.datetime(2026, 6, 1)) == []


# ---- refused dispensing --------------------------------------------------------------------

def refused(block, fn, err, account="PHARM-ADMIN", n=None):
    m, f = fn.split(".")
    em, en = err.split(".")
    return {"block": block, "idx": 2, "n": n, "extrinsic": 1, "account": account, "call_module": m, "call_function": f,
            "error_module": em, "error_name": en}


def test_refused_dispensing_counts_prescription_refusals_per_pharmacy():
    rows = [refused(10, "DrugProvenance.dispense", "DrugProvenance.PrescriptionRequired", "CLERK"),
            refused(11, "Prescriptions.dispense_prescribed", "Prescriptions.NoFillsLeft", n=0),
            refused(12, "Prescriptions.dispense_prescribed", "Prescriptions.BadHolderSignature"),
            # Not prescription fraud: a double dispense, a refused fill's plain custody error,
            # a non-pharmacy's refused call, another pallet.
            refused(13, "DrugProvenance.dispense", "DrugProvenance.SerialAlreadyDispensed"),
            refused(14, "Prescriptions.dispense_prescribed", "DrugProvenance.NoCustody"),
            refused(15, "Prescriptions.dispense_prescribed", "Consortium.MissingRole", "HOSPITAL"),
            refused(16, "Consent.log_access", "Consent.NotGrantee", "OTHER")]
    out = refused_dispensing(rows, {"CLERK": "PHARM-ADMIN"})
    assert [(f["organization"], f["attempts"], f["staff"]) for f in out] == [("PHARM-ADMIN", 3, ["CLERK", "PHARM-ADMIN"])]
    assert out[0]["errors"] == {"DrugProvenance.PrescriptionRequired": 1, "Prescriptions.BadHolderSignature": 1, "Prescriptions.NoFillsLeft": 1}
    assert [(e["block"], e.get("n")) for e in out[0]["evidence"]] == [(10, None), (11, 0), (12, None)]
    assert refused_dispensing(rows, {"CLERK": "PHARM-ADMIN"}, min_attempts=4) == []


# ---- against the seeded chain --------------------------------------------------------------

def run_flags(db) -> list[dict]:
    # Grace 0: a seeded recall cannot be 30 days old.
    return json.loads(run_cli("flags", "--db", db, "--json", "--grace-days", 0).stdout)["flags"]


def key(f: dict) -> tuple:
    return (f["flag"], f["organization"], f.get("staff") if f["flag"] == "break_glass_outlier" else f.get("batch_id"))


@pytest.fixture(scope="session")
def fraud(node, manifest, index_db, tmp_path_factory):
    """The frauds added to the session's chain (`seed --fraud-only`), and an index of it."""
    d = tmp_path_factory.mktemp("fraud")
    m = dict(manifest)
    if "fraud" not in m:
        path = d / "manifest.json"
        path.write_text(json.dumps(m))
        run_cli("seed", "--url", node["url"], "--manifest", path, "--fraud-only", timeout=300)
        m = json.loads(path.read_text())
    db = d / "fraud.duckdb"
    shutil.copy(index_db, db)
    run_cli("index", "--url", node["url"], "--db", db, "--until", m["last_block"], "--quiet")
    return m, str(db)


def test_clean_seed_has_no_flags(node, manifest, index_db, tmp_path):
    db = index_db
    if "fraud" in manifest:  # a manifest of `seed --with-fraud`: index the clean prefix only
        db = str(tmp_path / "clean.duckdb")
        run_cli("index", "--url", node["url"], "--db", db, "--until", manifest["clean_last_block"], "--quiet")
    assert run_flags(db) == []


def test_fraud_seed_flags_exactly_the_seeded_frauds(fraud):
    m, db = fraud
    found = run_flags(db)
    seeded = {key(f) for f in m["fraud"]["expected_flags"]}
    got = {key(f) for f in found}
    tp = len(seeded & got)
    precision, recall = tp / len(got) if got else 0.0, tp / len(seeded)
    print(f"fraud flags on the seeded chain: {len(got)} found, {len(seeded)} seeded, precision {precision:.2f}, recall {recall:.2f}")
    assert (precision, recall) == (1.0, 1.0), (sorted(got), sorted(seeded))
    # Each flag as seeded, and resting on events of the fraud's blocks.
    by = {key(f): f for f in found}
    for e in m["fraud"]["expected_flags"]:
        f = by[key(e)]
        assert {k: f[k] for k in e} == e, f
        assert f["evidence"] and all(m["clean_last_block"] < ev["block"] <= m["last_block"] for ev in f["evidence"]), f
