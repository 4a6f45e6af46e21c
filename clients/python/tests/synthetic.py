"""A synthetic MedChain index built without a node: made-up events, run through the indexer's
own fold (`indexer.apply_event`) and transactional writer (`indexer._write`), a chunk of
blocks at a time, as `index` writes what it reads from a node.

The chain spans ~9 weeks (a block every 1-5 hours, so block times fall on many days and
weeks): 4 hospitals with 3 staff each, `patients` patients registered over the first weeks
in cohorts of 1-4 (see below), Treatment/Research/Insurance consents (some revoked, some
expiring), break-glass consents, records and new versions, accesses by staff (Treatment and
break-glass), record batches (one for a single patient), a drug supply chain with a recall
and a suspect report, and two trials with sites, participants, data commits, results and a
regulator's flag. Everything is drawn from `random.Random(seed)`: the same seed gives the
same index.
"""
from __future__ import annotations

import datetime as dt
import random

from medchain_research import db
from medchain_research.indexer import Ops, _write, apply_event
from medchain_research.ss58 import ss58_encode

CAT_BITS = {"Demographics": 1, "Encounters": 2, "Diagnoses": 4, "Medications": 8, "LabResults": 16}
GENESIS_TS = dt.datetime(2026, 1, 7, 9, 30, tzinfo=dt.timezone.utc)  # a Wednesday


def build(path: str, patients: int = 160, seed: int = 7, cohorts: bool = True) -> dict:
    rnd = random.Random(seed)
    acct = lambda: ss58_encode(rnd.randbytes(32), 4242)  # noqa: E731
    h32 = lambda: "0x" + rnd.randbytes(32).hex()  # noqa: E731

    # Block times: a block every 1-5 hours for ~9 weeks.
    times = [GENESIS_TS]
    while times[-1] < GENESIS_TS + dt.timedelta(weeks=9):
        times.append(times[-1] + dt.timedelta(minutes=rnd.randint(60, 300)))
    last = len(times) - 1
    events: dict[int, list[tuple[str, str, dict]]] = {n: [] for n in range(last + 1)}

    def at(block: int, pallet: str, event: str, **attrs):
        events[block].append((pallet, event, attrs))

    def some_block(lo: int, hi: int) -> int:
        return rnd.randint(max(1, lo), min(hi, last))

    # ---- organizations and staff -----------------------------------------------------
    hospitals = [acct() for _ in range(4)]
    names = ["St. Mary's Hospital", "Northside Hospital", "Lakeside Clinic", "Harbor General"]
    pharmacies, manufacturer, distributor, regulator, sponsor, insurer = [acct(), acct()], acct(), acct(), acct(), acct(), acct()
    orgs = [(h, n, 1) for h, n in zip(hospitals, names)] + [
        (pharmacies[0], "Bayside Pharmacy", 2), (pharmacies[1], "Central Pharmacy", 2), (manufacturer, "Acme Pharma", 4),
        (distributor, "MedLogistics", 8), (regulator, "Health Authority", 16), (sponsor, "Helix Clinical Trials", 32 | 64),
        (insurer, "SecureCare Insurance", 128)]
    for a, name, roles in orgs:
        at(1, "Consortium", "OrganizationRegistered", admin=a, name=name, roles=roles)
    staff = {h: [acct() for _ in range(3)] for h in hospitals}
    for h, members in staff.items():
        for s in members:
            at(some_block(2, 20), "Consortium", "StaffAdded", staff=s, organization=h)
    removed_staff = staff[hospitals[2]][2]
    at(some_block(300, last), "Consortium", "StaffRemoved", staff=removed_staff, organization=hospitals[2])

    # ---- patients, consents, records, accesses ----------------------------------------
    # Patients come in cohorts of 1-4 (onboarded and treated together, like a clinic day:
    # same hospital, consents, records and accesses in the same blocks) or alone, so some
    # histories are shared by several patients and others are unique. cohorts=False: every
    # patient alone, each one's events at their own times.
    pats = [acct() for _ in range(patients)]
    home: list = [None] * patients
    consent_id = 0
    combos = [["Encounters", "LabResults"], ["Encounters", "LabResults", "Diagnoses"], ["Encounters", "Medications"]]
    research_consent: dict[int, int] = {}
    groups, i = [], 0
    while i < patients:
        size = min(rnd.choice([1, 1, 2, 2, 3, 4]) if cohorts else 1, patients - i)
        groups.append(list(range(i, i + size)))
        i += size
    for c, members in enumerate(groups):
        h = hospitals[c % 4]
        cats = combos[c % 3]
        reg = some_block(20, 120)
        g = some_block(reg + 1, reg + 15)
        research, insurance, revoke = c % 3 == 0, c % 5 == 0, c % 10 == 0
        exp = int((times[g] + dt.timedelta(days=365, seconds=rnd.randint(0, 86400))).timestamp() * 1000)
        rev = some_block(g + 1, g + 200)
        rec_blocks = [some_block(g + 1, g + 150) for _ in cats[:2]]
        v2 = some_block(rec_blocks[0] + 1, rec_blocks[0] + 100) if c % 7 == 0 else None
        # Accesses per record (0-2), each by one of the hospital's staff in one block.
        acc = [[(some_block(b + 1, b + 120), rnd.choice(staff[h])) for _ in range(rnd.choice([0, 1, 1, 2]))] for b in rec_blocks + ([v2] if v2 else [])]
        glass = c % 25 == 12
        other = hospitals[(c + 1) % 4]
        gb = some_block(rec_blocks[0] + 1, rec_blocks[0] + 80)
        for i in members:
            p = pats[i]
            home[i] = h
            at(reg, "PatientIdentity", "PatientRegistered", patient=p, onboarded_by=h)
            treatment = consent_id
            at(g, "Consent", "ConsentGranted", consent_id=consent_id, patient=p, grantee=h,
               scope={"categories": sum(CAT_BITS[x] for x in cats), "access": {"read": True, "write": True}}, purpose="Treatment", expires_at=None)
            consent_id += 1
            if research:
                at(g, "Consent", "ConsentGranted", consent_id=consent_id, patient=p, grantee=sponsor,
                   scope={"categories": CAT_BITS["LabResults"], "access": {"read": True, "write": False}}, purpose="Research", expires_at=None)
                research_consent[i] = consent_id
                consent_id += 1
            if insurance:
                at(g, "Consent", "ConsentGranted", consent_id=consent_id, patient=p, grantee=insurer,
                   scope={"categories": CAT_BITS["Encounters"] | CAT_BITS["Medications"], "access": {"read": True, "write": False}},
                   purpose="Insurance", expires_at=exp)
                if revoke:
                    at(rev, "Consent", "ConsentRevoked", consent_id=consent_id, patient=p)
                consent_id += 1
            recs = []
            for b, cat in zip(rec_blocks, cats[:2]):
                rid = "0x" + rnd.randbytes(32).hex()
                at(b, "HealthRecords", "RecordAnchored", record_id=rid, patient=p, category=cat, content_hash=h32(), author=h, supersedes=None)
                recs.append((rid, cat))
            if v2:  # a new version of the first record
                rid = "0x" + rnd.randbytes(32).hex()
                at(v2, "HealthRecords", "RecordAnchored", record_id=rid, patient=p, category=cats[0], content_hash=h32(), author=h, supersedes=recs[0][0])
                at(v2, "HealthRecords", "RecordSealed", record_id=recs[0][0])
                recs.append((rid, cats[0]))
            for (rid, cat), accesses in zip(recs, acc):
                for b, s in accesses:
                    at(b, "Consent", "AccessLogged", patient=p, consent_id=treatment, organization=h, accessor=s, record_id=rid, category=cat,
                       purpose="Treatment", emergency=False)
            if glass:  # break-glass by another hospital's staff
                gexp = int((times[gb] + dt.timedelta(hours=24)).timestamp() * 1000)
                at(gb, "Consent", "EmergencyAccessGranted", consent_id=consent_id, patient=p, organization=other, accessor=staff[other][0], expires_at=gexp)
                at(gb, "Consent", "AccessLogged", patient=p, consent_id=consent_id, organization=other, accessor=staff[other][0],
                   record_id=recs[0][0], category=recs[0][1], purpose=None, emergency=True)
                consent_id += 1
    # Two patients exercise the right to erasure.
    for i in (patients - 1, patients - 2):
        b = some_block(380, last)
        at(b, "PatientIdentity", "PatientDeregistered", patient=pats[i])
        at(b, "HealthRecords", "RecordsErased", patient=pats[i])

    # ---- record batches ----------------------------------------------------------------
    batch_id = 0
    for h in hospitals:
        for _ in range(2):
            at(some_block(30, last), "HealthRecords", "BatchAnchored", batch_id=batch_id, author=h, category="LabResults", merkle_root=h32(),
               leaf_count=rnd.choice([250, 500]), patient=None)
            batch_id += 1
    at(some_block(200, last), "HealthRecords", "BatchAnchored", batch_id=batch_id, author=hospitals[0], category="Imaging", merkle_root=h32(),
       leaf_count=37, patient=pats[0])

    # ---- drug supply chain ---------------------------------------------------------------
    gtin = "0x" + b"09506000134352".hex()
    at(5, "DrugProvenance", "ProductRegistered", gtin=gtin, manufacturer=manufacturer, metadata_hash=h32())
    expiry = {"year": 2028, "month": 12, "day": 31}
    for bid, lot, qty in ((0, "SYNA1", 200), (1, "SYNB2", 100)):
        at(10 + bid, "DrugProvenance", "BatchCommissioned", batch_id=bid, gtin=gtin, lot="0x" + lot.encode().hex(), expiry=expiry, quantity=qty,
           serials_root=h32(), manufacturer=manufacturer)
    ships = [(0, 0, manufacturer, distributor, 120, 30), (1, 1, manufacturer, distributor, 50, 31), (2, 0, distributor, pharmacies[0], 60, 90),
             (3, 0, distributor, pharmacies[1], 40, 95), (4, 1, distributor, pharmacies[0], 20, 100)]
    for sid, bid, frm, to, qty, b in ships:
        at(b, "DrugProvenance", "ShipmentSent", shipment_id=sid, batch_id=bid, **{"from": frm, "to": to}, quantity=qty)
        if sid != 4:
            at(b + 10, "DrugProvenance", "ShipmentReceived", shipment_id=sid, batch_id=bid, **{"from": frm, "to": to}, quantity=qty)
    for k, (ph, b) in enumerate([(pharmacies[0], 140), (pharmacies[0], 150), (pharmacies[0], 160), (pharmacies[1], 170)]):
        at(b, "DrugProvenance", "UnitDispensed", batch_id=0, serial_hash=h32(), pharmacy=ph)
    at(200, "DrugProvenance", "BatchRecalled", batch_id=1, by=regulator, reason_code=7, holders=[distributor], in_transit=20)
    at(210, "DrugProvenance", "SuspectReported", batch_id=0, serial_hash=h32(), reason="DoubleDispense", reporter=pharmacies[0])

    # ---- trials ----------------------------------------------------------------------------
    for tid, reg in ((0, "NCT91000001"), (1, "NCT91000002")):
        at(3, "ClinicalTrials", "TrialRegistered", trial_id=tid, registry_id="0x" + reg.encode().hex(), sponsor=sponsor, protocol_hash=h32(),
           outcomes=[h32(), h32(), h32()], planned_enrollment=20)
        for site in hospitals[:2]:
            at(4, "ClinicalTrials", "SiteAdded", trial_id=tid, site=site)
    at(6, "ClinicalTrials", "ProtocolAmended", trial_id=0, version=2, protocol_hash=h32(), reason_hash=h32(), outcomes_changed=False, after_enrollment=False)
    enrolled = {0: 0, 1: 0}
    for j, i in enumerate([i for i in research_consent if home[i] in hospitals[:2]][:16]):
        tid = j % 2
        enrolled[tid] += 1
        at(some_block(130, 250), "ClinicalTrials", "ParticipantEnrolled", trial_id=tid, participant_commitment=h32(), site=home[i],
           consent_id=research_consent[i], enrolled=enrolled[tid])
    for tid in (0, 1):
        for k, who in enumerate(hospitals[:2]):
            at(260 + k, "ClinicalTrials", "DataCommitted", trial_id=tid, index=k, submitter=who, batch_root=h32(), record_count=20 + k, chain_hash=h32())
        at(280, "ClinicalTrials", "DatabaseLocked", trial_id=tid, data_head=h32(), commit_count=2)
    at(300, "ClinicalTrials", "ResultsPublished", trial_id=0, status="Complete", results_hash=h32())
    at(301, "ClinicalTrials", "ResultsPublished", trial_id=1, status={"OutcomeSwitched": {"missing": 1, "added": 1}}, results_hash=h32())
    at(310, "ClinicalTrials", "TrialFlagged", trial_id=1, regulator=regulator, reason_code=3)

    # ---- write, 100 blocks per transaction (as `index --chunk 100` would) ---------------------
    con = db.connect(path)
    try:
        for lo in range(0, last + 1, 100):
            ops, blocks = Ops(), []
            for n in range(lo, min(lo + 100, last + 1)):
                ts = times[n].replace(tzinfo=None)
                for idx, (pallet, name, attrs) in enumerate(events[n]):
                    ops.insert("events", block=n, idx=idx, extrinsic=idx + 1, pallet=pallet, name=name, data=_json(attrs))
                    apply_event(ops, n, idx, ts, pallet, name, attrs)
                blocks.append({"number": n, "hash": "0x" + rnd.randbytes(32).hex(), "ts": ts, "events": len(events[n])})
            _write(con, ops, blocks, blocks[-1]["number"])
        db.set_meta(con, "genesis_hash", con.execute("SELECT hash FROM blocks WHERE number = 0").fetchone()[0])
    finally:
        con.close()
    return {"path": path, "last_block": last, "patients": pats, "cohorts": groups, "hospitals": hospitals, "staff": staff,
            "names": dict(zip(hospitals, names))}


def _json(attrs: dict) -> str:
    import json

    return json.dumps(attrs, default=str)
