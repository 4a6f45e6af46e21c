"""Offline: the access log as FHIR AuditEvents (medchain_research/fhir_audit.py) on a small
index written through the indexer's own fold (`apply_event`, `apply_failure`) and writer,
validated by an independent implementation (fhir.resources, R4B: its AuditEvent is R4's)."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from fhir.resources.R4B.auditevent import AuditEvent
from fhir.resources.R4B.bundle import Bundle

from conftest import run_cli
from medchain_research import db, fhir_audit
from medchain_research.indexer import Ops, _account, _write, apply_event, apply_failure, module_error
from medchain_research.ss58 import ss58_encode

ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
T0 = dt.datetime(2026, 12, 1, 8, 0, 0)


def acct(tag: int) -> str:
    return ss58_encode(bytes([tag]) * 32, 4242)


HOSPITAL, OTHER, HELIX, NURSE, OUTSIDER = acct(1), acct(2), acct(3), acct(4), acct(5)
PAT1, PAT2 = acct(10), acct(11)
REC1, REC2, REC3 = ("0x" + (bytes([t]) * 32).hex() for t in (0xA1, 0xA2, 0xA3))
GENESIS = "0x" + "ab" * 32
# The runtime's error table (Chain.module_errors): (pallet index, error index) -> names.
ERRORS = {(9, 13): ("Consent", "NotGrantee"), (9, 27): ("Consent", "PurposeNotPermitted"), (8, 3): ("Consortium", "MissingRole"),
          (12, 5): ("DrugProvenance", "SerialAlreadyDispensed")}


def xt(signer: str, fn: str, module: str = "Consent", **args) -> dict:
    """An extrinsic as aio-substrate-interface decodes it."""
    return {"address": signer, "call": {"call_module": module, "call_function": fn,
                                        "call_args": [{"name": k, "type": "T::AccountId" if k == "patient" else "X", "value": v}
                                                      for k, v in args.items()]}}


def mod_err(pallet: int, err: int) -> dict:
    return {"Module": {"index": pallet, "error": "0x" + bytes([err, 0, 0, 0]).hex()}}


@pytest.fixture
def index(tmp_path):
    """Blocks 0..6: organizations and staff, consents, records; then (block 5) a logged read,
    a break-glass and a read under it, refusals of log_access / log_accesses / break_glass,
    a refused dispense (not an access) and a non-module failure; block 6 another patient's read."""
    path = str(tmp_path / "audit.duckdb")
    con = db.connect(path)
    ops, blocks = Ops(), []
    ev = {n: [] for n in range(7)}
    fails = {n: [] for n in range(7)}
    ev[1] += [("Consortium", "OrganizationRegistered", dict(admin=HOSPITAL, name="0x" + b"St. Mary's".hex(), roles=1)),
              ("Consortium", "OrganizationRegistered", dict(admin=OTHER, name="0x" + b"Northside".hex(), roles=1)),
              ("Consortium", "OrganizationRegistered", dict(admin=HELIX, name="0x" + b"Helix".hex(), roles=32)),
              ("Consortium", "StaffAdded", dict(staff=NURSE, organization=HOSPITAL))]
    scope = {"categories": 16 | 2, "access": {"read": True, "write": False}}
    ev[2] += [("Consent", "ConsentGranted", dict(patient=PAT1, grantee=HOSPITAL, consent_id=0, scope=scope, purpose="Treatment", expires_at=None)),
              ("Consent", "ConsentGranted", dict(patient=PAT1, grantee=HELIX, consent_id=1, scope=scope, purpose="Research", expires_at=None)),
              ("Consent", "ConsentGranted", dict(patient=PAT2, grantee=HOSPITAL, consent_id=2, scope=scope, purpose="Treatment", expires_at=None))]
    for rid, p in ((REC1, PAT1), (REC2, PAT1), (REC3, PAT2)):
        ev[3].append(("HealthRecords", "RecordAnchored", dict(record_id=rid, patient=p, category="LabResults", content_hash="0x" + "00" * 32,
                                                               author=HOSPITAL, supersedes=None)))
    # Block 5, extrinsic by extrinsic (event index = position in the block's event list).
    ev[5] = [("Consent", "AccessLogged", dict(patient=PAT1, consent_id=0, organization=HOSPITAL, accessor=NURSE, record_id=REC1,
                                              category="LabResults", purpose="Treatment", emergency=False)),          # idx 0, xt 1
             ("Consent", "EmergencyAccessGranted", dict(patient=PAT1, organization=OTHER, staff=OTHER, consent_id=3, reason_code=7,
                                                        expires_at=1_800_000_000_000)),                              # idx 1, xt 2
             ("Consent", "AccessLogged", dict(patient=PAT1, consent_id=3, organization=OTHER, accessor=OTHER, record_id=REC2,
                                              category="LabResults", purpose="Treatment", emergency=True))]          # idx 2, xt 3
    fails[5] = [  # (event idx, extrinsic, decoded extrinsic, dispatch error)
        (3, 4, xt(OUTSIDER, "log_access", patient=PAT1, consent_id=0, record_id=REC1, category="LabResults"), mod_err(9, 13)),
        (4, 5, xt(HELIX, "log_accesses", patient=PAT1, consent_id=1, reads=[[[REC1, "LabResults"], [REC2, "LabResults"]]]), mod_err(9, 27)),
        (5, 6, xt(HELIX, "break_glass", patient=PAT1, reason_code=1), mod_err(8, 3)),
        (6, 7, xt(HOSPITAL, "dispense", module="DrugProvenance", batch_id=0, serial="SN1"), mod_err(12, 5)),
        (7, 8, xt(NURSE, "log_access", patient=PAT1, consent_id=0, record_id=REC1, category="LabResults"), "BadOrigin"),
    ]
    ev[6] = [("Consent", "AccessLogged", dict(patient=PAT2, consent_id=2, organization=HOSPITAL, accessor=NURSE, record_id=REC3,
                                              category="LabResults", purpose="Treatment", emergency=False))]
    for n in range(7):
        ts = T0 + dt.timedelta(seconds=6 * n)
        for i, (pallet, name, a) in enumerate(ev[n]):
            ops.insert("events", block=n, idx=i, extrinsic=i + 1, pallet=pallet, name=name, data=json.dumps(a))
            apply_event(ops, n, i, ts, pallet, name, a)
        for i, x, body, de in fails[n]:
            apply_failure(ops, n, i, x, ts, body, de, module_error(de, ERRORS))
        blocks.append({"number": n, "hash": "0x" + (bytes([n]) * 32).hex(), "ts": ts, "events": len(ev[n]) + len(fails[n])})
    _write(con, ops, blocks, 6)
    db.set_meta(con, "genesis_hash", GENESIS)
    con.close()
    return path


def by_id(events: list[dict]) -> dict:
    return {e["id"]: e for e in events}


def purposes(e: dict) -> list[str]:
    return [c["code"] for p in e.get("purposeOfEvent", []) for c in p["coding"] if c["system"] == ACT_REASON]


def ident(e: dict, system: str) -> list[str]:
    return [x["what"]["identifier"]["value"] for x in e["entity"] if x["what"]["identifier"]["system"] == system]


def agent(e: dict, system: str) -> list[str]:
    return [a["who"]["identifier"]["value"] for a in e["agent"] if a["who"].get("identifier", {}).get("system") == system]


def test_purpose_maps_to_act_reason():
    assert [fhir_audit.purpose_code(p) for p in ("Treatment", "Research", "Insurance", "PublicHealth")] == ["TREAT", "HRESCH", "HPAYMT", "PUBHLTH"]
    assert fhir_audit.purpose_code("Treatment", emergency=True) == "ETREAT"
    assert fhir_audit.purpose_code(None, emergency=True) == "ETREAT"
    assert fhir_audit.purpose_code("SomethingNew") is None
    assert fhir_audit.outcome("Consent", "NoConsent") == ("4", "NoConsent")
    assert fhir_audit.outcome(None, None, "BadOrigin") == ("8", "BadOrigin")
    assert fhir_audit.outcome(None, None) == ("0", None)


def test_module_errors_and_accounts_decode():
    assert module_error(mod_err(9, 13), ERRORS) == ("Consent", "NotGrantee")
    assert module_error({"Module": {"index": 8, "error": [3, 0, 0, 0]}}, ERRORS) == ("Consortium", "MissingRole")
    assert module_error("BadOrigin", ERRORS) is None
    pk = bytes(range(32))
    assert _account("0x" + pk.hex()) == _account({"Id": "0x" + pk.hex()}) == _account(list(pk)) == ss58_encode(pk, 4242)
    assert _account(ss58_encode(pk, 4242)) == ss58_encode(pk, 4242)


def test_access_log_becomes_audit_events(index):
    evs = by_id(fhir_audit.audit_events(index))
    # 3 AccessLogged + 1 EmergencyAccessGranted + 4 refused access calls (the dispense is not one).
    assert sorted(evs) == sorted(["chain-5-1-0", "chain-5-2-1", "chain-5-3-2", "chain-5-4-3", "chain-5-5-4", "chain-5-6-5", "chain-5-8-7",
                                  "chain-6-1-0"])
    read = evs["chain-5-1-0"]
    assert (read["outcome"], purposes(read), read["recorded"]) == ("0", ["TREAT"], "2026-12-01T08:00:30.000Z")
    assert "outcomeDesc" not in read
    assert agent(read, "urn:medchain:account") == [NURSE] and agent(read, "urn:medchain:organization") == [HOSPITAL]
    assert ident(read, "urn:medchain:account") == [PAT1] and ident(read, "urn:medchain:record") == [REC1]
    assert ident(read, "urn:medchain:extrinsic") == ["5-1"]
    tx = [x for x in read["entity"] if x["what"]["identifier"]["system"] == "urn:medchain:extrinsic"][0]
    assert {"type": "block-hash", "valueString": "0x" + "05" * 32} in tx["detail"]
    assert read["source"]["observer"]["identifier"] == {"system": "urn:medchain:chain", "value": GENESIS}
    # Break-glass, and the read under it: ETREAT.
    glass, under = evs["chain-5-2-1"], evs["chain-5-3-2"]
    assert purposes(glass) == ["ETREAT"] and purposes(under) == ["ETREAT"]
    assert agent(glass, "urn:medchain:account") == [OTHER] and ident(glass, "urn:medchain:account") == [PAT1]
    assert ident(glass, "urn:medchain:record") == [] and ident(under, "urn:medchain:record") == [REC2]
    # Refusals: outcome 4 with the module error's name.
    ng = evs["chain-5-4-3"]
    assert (ng["outcome"], ng["outcomeDesc"], purposes(ng)) == ("4", "NotGrantee", ["TREAT"])
    assert agent(ng, "urn:medchain:account") == [OUTSIDER] and agent(ng, "urn:medchain:organization") == []
    assert ident(ng, "urn:medchain:record") == [REC1] and ident(ng, "urn:medchain:extrinsic") == ["5-4"]
    many = evs["chain-5-5-4"]
    assert (many["outcome"], many["outcomeDesc"], purposes(many)) == ("4", "PurposeNotPermitted", ["HRESCH"])
    assert ident(many, "urn:medchain:record") == [REC1, REC2] and agent(many, "urn:medchain:organization") == [HELIX]
    bg = evs["chain-5-6-5"]
    assert (bg["outcome"], bg["outcomeDesc"], purposes(bg)) == ("4", "MissingRole", ["ETREAT"])
    other = evs["chain-5-8-7"]
    assert other["outcome"] == "8" and "BadOrigin" in other["outcomeDesc"]
    assert agent(other, "urn:medchain:organization") == [HOSPITAL]  # the nurse is St. Mary's staff


def test_bundle_validates_with_fhir_resources(index):
    b = fhir_audit.audit_bundle(index)
    assert b["resourceType"] == "Bundle" and b["type"] == "collection" and len(b["entry"]) == 8
    parsed = Bundle.model_validate(b)
    assert len(parsed.entry) == 8
    for entry in b["entry"]:
        ae = AuditEvent.model_validate(entry["resource"])
        assert ae.type.code == "rest" and ae.subtype[0].code == "read" and ae.action == "R"
        assert ae.recorded.tzinfo is not None and ae.recorded.utcoffset() == dt.timedelta(0)
        assert ae.source.type[0].code == "4"
        assert any(a.requestor for a in ae.agent)
        assert ae.outcome in ("0", "4", "8")  # fhir.resources checks structure and types, not code bindings
    # The validator is not vacuous: a time without its zone, a list where one element goes,
    # a missing source, an unknown field are each refused, in an AuditEvent and in the Bundle.
    for spoil in (lambda r: r.update(recorded=r["recorded"].removesuffix("Z")), lambda r: r.update(type=[r["type"]]),
                  lambda r: r.pop("source"), lambda r: r.update(chain_block=5)):
        bad = json.loads(json.dumps(b))
        spoil(bad["entry"][3]["resource"])
        with pytest.raises(ValueError):
            AuditEvent.model_validate(bad["entry"][3]["resource"])
        with pytest.raises(ValueError):
            Bundle.model_validate(bad)


def test_cli_filters_by_patient_and_block(index, tmp_path):
    out = tmp_path / "audit.json"
    p = run_cli("audit-events", "--db", index, "--out", out)
    assert "8 AuditEvents" in p.stderr
    everything = json.loads(out.read_text())
    Bundle.model_validate(everything)
    assert len(everything["entry"]) == 8
    pat2 = json.loads(run_cli("audit-events", "--db", index, "--patient", PAT2).stdout)
    assert [e["resource"]["id"] for e in pat2["entry"]] == ["chain-6-1-0"]
    # The same filters through the API (what the CLI calls).
    later = fhir_audit.audit_bundle(index, since_block=6)
    assert [e["resource"]["id"] for e in later["entry"]] == ["chain-6-1-0"]
    assert [e["id"] for e in fhir_audit.audit_events(index, until_block=5)] == [e["resource"]["id"] for e in everything["entry"]][:-1]
    assert fhir_audit.audit_bundle(index, patient=PAT1, since_block=6)["entry"] == []
