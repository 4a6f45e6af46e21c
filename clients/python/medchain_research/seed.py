"""Demo data seeder: writes a realistic, fully synthetic data set to a dev node.

    python -m medchain_research.seed --url ws://127.0.0.1:9944 --manifest seed-manifest.json

Only synthetic hashes, commitments and opaque locators are written (no health data, no
names of people). Every extrinsic is checked; the manifest records what was written and
the summary an index of this chain must produce (`expected_summary`), plus the secrets a
de-identification check must not find in an export (accounts, commitments, locators).
Needs a `--dev` chain (sudo //Alice and the demo consortium in its genesis).
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import secrets
import sys
import time
from collections import Counter, defaultdict

from .chain import Chain, Submitter, blake2_256, event_attrs
from .keys import Keypair
from .merkle import merkle_proof, merkle_root

ROLE_BITS = {"Provider": 1, "Pharmacy": 2, "Manufacturer": 4, "Distributor": 8, "Regulator": 16,
             "TrialSponsor": 32, "Researcher": 64, "Insurer": 128}
CATEGORIES = ["Demographics", "Encounters", "Diagnoses", "Medications", "LabResults", "Imaging",
              "Genomics", "MentalHealth", "Other"]
CAT_BIT = {c: 1 << i for i, c in enumerate(CATEGORIES)}

# The dev chain's genesis consortium (README, "The dev chain"): (suri, name, roles).
DEV_ORGS = [("//Alice", "St. Mary's Hospital", 1), ("//Bob", "Riverside Pharmacy", 2),
            ("//Charlie", "Acme Pharmaceuticals", 4), ("//Dave", "MedLogistics Distribution", 8),
            ("//Eve", "National Health Regulator", 16), ("//Ferdie", "Helix Clinical Trials", 32),
            ("//Alice//stash", "Institute for Clinical Research", 64),
            ("//Bob//stash", "SecureCare Insurance", 128)]
NEW_ORGS = [("//MedChainSeed/Northside", "Northside Hospital", 1),
            ("//MedChainSeed/Lakeside", "Lakeside Clinic", 1),
            ("//MedChainSeed/Harbor", "Harbor General Hospital", 1),
            ("//MedChainSeed/CentralPharmacy", "Central Pharmacy", 2)]
GTIN = "09506000134352"  # GS1 example GTIN under Acme's dev prefix 9506000
PARTICIPANT_DOMAIN = b"medchain/trial-participant"


def h256(tag: str) -> str:
    return "0x" + blake2_256(tag.encode()).hex()


def bvec(items: list) -> list:
    """A BoundedVec of non-byte items: scale-info describes it as a one-field composite."""
    return [items]


def rand32() -> str:
    return "0x" + secrets.token_hex(32)


def compact(n: int) -> bytes:
    return bytes([n << 2]) if n < 64 else ((n << 2) | 1).to_bytes(2, "little")


def participant_commitment(trial_id: int, patient_pub: bytes, salt: bytes) -> str:
    enc = compact(len(PARTICIPANT_DOMAIN)) + PARTICIPANT_DOMAIN + trial_id.to_bytes(4, "little") + patient_pub + salt
    return "0x" + blake2_256(enc).hex()


class Seeder:
    def __init__(self, chain: Chain, patients: int, log=print):
        self.c = chain
        self.sub = Submitter(chain)
        self.n = patients
        self.log = log
        self.results = {}
        self.secrets = {"accounts": set(), "commitments": set(), "locators": set(), "content_hashes": set()}
        self.month = Counter()  # (category, month) -> records

    async def wave(self, name: str, expect_fail: dict | None = None) -> dict:
        t = time.time()
        n = len(self.sub.pending)
        res = await self.sub.wait(timeout=300)
        bad = []
        for h, r in res.items():
            want = (expect_fail or {}).get(h)
            if want is not None:
                if r.ok or r.error != want:
                    bad.append(f"{r.label}: expected {want}, got ok={r.ok} {r.error}")
            elif not r.ok:
                bad.append(f"{r.label}: {r.error}")
        if bad:
            raise RuntimeError(f"wave {name}: {len(bad)} failures: {bad[:5]}")
        self.log(f"  {name}: {n} extrinsics in {time.time() - t:.1f}s (up to block {self.sub.scanned})")
        self.results.update(res)
        return res

    async def send(self, kp, module, fn, params, label=""):
        return await self.sub.send(kp, module, fn, params, label)

    async def run(self) -> dict:
        c = self.c
        kp = Keypair.from_uri
        alice, bob, charlie, dave, eve, ferdie = (kp(s) for s in ["//Alice", "//Bob", "//Charlie", "//Dave", "//Eve", "//Ferdie"])
        insurer = kp("//Bob//stash")
        new_orgs = [(kp(s), name, roles) for s, name, roles in NEW_ORGS]
        northside, lakeside, harbor, central = (o[0] for o in new_orgs)
        hospitals = [alice, northside, lakeside, harbor]
        for s, _, _ in DEV_ORGS + NEW_ORGS:
            self.secrets["accounts"].add(kp(s).public_key.hex())
        props = await c.rpc("system_properties", [])
        decimals = int(props.get("tokenDecimals", 12) if not isinstance(props.get("tokenDecimals"), list) else props["tokenDecimals"][0])
        start_block = await c.best_number()

        # ---- wave 1: organizations, product, batches, trials --------------------------
        calls = []
        for k, name, roles in new_orgs:
            calls.append({"call_module": "Consortium", "call_function": "register_organization",
                          "call_args": {"admin": k.ss58_address, "name": name, "roles": roles}})
        batch = await c.s.compose_call("Utility", "batch_all", {"calls": calls})
        await self.send(alice, "Sudo", "sudo", {"call": batch}, "sudo(register 4 organizations)")
        for k, _, _ in new_orgs:
            await self.send(alice, "Balances", "transfer_keep_alive", {"dest": k.ss58_address, "value": 10_000 * 10**decimals})
        await self.send(charlie, "DrugProvenance", "register_product", {"gtin": GTIN, "metadata_hash": h256("seed/product/amoxicillin-500")})
        expiry = f"{(dt.date.today().year + 2) % 100:02d}1231"
        serials = {"SEEDA1": [f"SNA{i:05d}" for i in range(1, 201)], "SEEDB2": [f"SNB{i:05d}" for i in range(1, 101)]}
        commissioned = {}
        for lot, ser in serials.items():
            root = "0x" + merkle_root([s.encode() for s in ser]).hex()
            commissioned[lot] = await self.send(charlie, "DrugProvenance", "commission_batch",
                                                {"gtin": GTIN, "lot": lot, "expiry": expiry, "quantity": len(ser), "serials_root": root}, f"commission {lot}")
        trials = {"NCT90000001": ["t1/primary", "t1/secondary", "t1/safety"],
                  "NCT90000002": ["t2/primary", "t2/secondary", "t2/safety"],
                  "NCT90000003": ["t3/primary", "t3/secondary"]}
        trial_tx = {}
        for reg, outs in trials.items():
            trial_tx[reg] = await self.send(ferdie, "ClinicalTrials", "register_trial",
                                            {"registry_id": reg, "protocol_hash": h256(f"seed/{reg}/protocol-v1"),
                                             "outcomes": bvec([h256(o) for o in outs]), "planned_enrollment": 20}, f"register {reg}")
        r = await self.wave("organizations, product, batches, trials")
        batch_id = {lot: event_attrs(r[h], "DrugProvenance", "BatchCommissioned")[0]["batch_id"] for lot, h in commissioned.items()}
        trial_id = {reg: event_attrs(r[h], "ClinicalTrials", "TrialRegistered")[0]["trial_id"] for reg, h in trial_tx.items()}
        self.log(f"  batches {batch_id}, trials {trial_id}")

        # ---- wave 2: patients onboarded; first shipments; protocol amendment and sites ----
        patients = [kp(f"//MedChainSeed/patient/{i}") for i in range(self.n)]
        home = [hospitals[i % len(hospitals)] for i in range(self.n)]
        for i, p in enumerate(patients):
            self.secrets["accounts"].add(p.public_key.hex())
            commitment = "0x" + blake2_256(secrets.token_bytes(32) + f"synthetic-identity-{i}".encode()).hex()
            self.secrets["commitments"].add(commitment[2:])
            await self.send(home[i], "PatientIdentity", "onboard_patient", {"patient": p.ss58_address, "identity_commitment": commitment}, f"onboard {i}")
        ship = {}
        ship["A1"] = await self.send(charlie, "DrugProvenance", "ship", {"batch_id": batch_id["SEEDA1"], "to": dave.ss58_address, "quantity": 120})
        ship["B1"] = await self.send(charlie, "DrugProvenance", "ship", {"batch_id": batch_id["SEEDB2"], "to": dave.ss58_address, "quantity": 50})
        t1, t2 = trial_id["NCT90000001"], trial_id["NCT90000002"]
        await self.send(ferdie, "ClinicalTrials", "amend_protocol", {"trial_id": t1, "protocol_hash": h256("seed/NCT90000001/protocol-v2"),
                                                                     "reason_hash": h256("seed/NCT90000001/amendment-1"), "new_outcomes": None})
        for t in (t1, t2):
            for site in (alice, northside):
                await self.send(ferdie, "ClinicalTrials", "add_site", {"trial_id": t, "site": site.ss58_address})
        r = await self.wave("patients onboarded, shipments, sites")
        shipment_id = {k: event_attrs(r[h], "DrugProvenance", "ShipmentSent")[0]["shipment_id"] for k, h in ship.items()}

        # ---- wave 3: consents (patients sign, fee-less); receipts ---------------------
        consents = []  # (patient index, purpose, categories, tx)
        treat_cats = {}
        for i, p in enumerate(patients):
            cats = ["Encounters", "LabResults"] + (["Diagnoses"] if i % 2 == 0 else []) + (["Medications"] if i % 3 == 1 else [])
            treat_cats[i] = cats
            bits = sum(CAT_BIT[c] for c in cats)
            h = await self.send(p, "Consent", "grant_consent", {"grantee": home[i].ss58_address, "scope": {"categories": bits, "access": {"read": True, "write": True}},
                                                              "purpose": "Treatment", "expires_at": None}, f"treatment consent {i}")
            consents.append((i, "Treatment", cats, h))
            if i % 3 == 0:
                h = await self.send(p, "Consent", "grant_consent", {"grantee": ferdie.ss58_address, "scope": {"categories": CAT_BIT["LabResults"], "access": {"read": True, "write": False}},
                                                                  "purpose": "Research", "expires_at": None}, f"research consent {i}")
                consents.append((i, "Research", ["LabResults"], h))
            if i % 10 == 0:
                expires = int(time.time() * 1000) + 365 * 86400 * 1000
                h = await self.send(p, "Consent", "grant_consent", {"grantee": insurer.ss58_address, "scope": {"categories": CAT_BIT["Encounters"] | CAT_BIT["Medications"], "access": {"read": True, "write": False}},
                                                                  "purpose": "Insurance", "expires_at": expires}, f"insurance consent {i}")
                consents.append((i, "Insurance", ["Encounters", "Medications"], h))
        await self.send(dave, "DrugProvenance", "receive", {"shipment_id": shipment_id["A1"]})
        await self.send(dave, "DrugProvenance", "receive", {"shipment_id": shipment_id["B1"]})
        r = await self.wave("consents granted, shipments received")
        consent_id = {}
        for i, purpose, cats, h in consents:
            consent_id[(i, purpose)] = event_attrs(r[h], "Consent", "ConsentGranted")[0]["consent_id"]

        # ---- wave 4: records, record batches; revocations; onward shipments; enrollment ----
        rec_tx = {}
        for i, p in enumerate(patients):
            for cat in treat_cats[i][:2]:
                ch = rand32()
                loc = "mc1:" + secrets.token_hex(32)
                self.secrets["content_hashes"].add(ch[2:])
                self.secrets["locators"].add(loc)
                rec_tx[(i, cat)] = await self.send(home[i], "HealthRecords", "anchor_record",
                                                   {"patient": p.ss58_address, "category": cat, "content_hash": ch, "locator": loc, "supersedes": None}, f"record {i} {cat}")
        batch_tx = []
        for hk in hospitals:
            root = "0x" + merkle_root([secrets.token_bytes(32) for _ in range(500)]).hex()
            self.secrets["content_hashes"].add(root[2:])
            batch_tx.append(await self.send(hk, "HealthRecords", "anchor_batch", {"category": "LabResults", "merkle_root": root, "leaf_count": 500, "patient": None}, "record batch"))
        revoked = [i for i in range(self.n) if i % 20 == 0]
        for i in revoked:
            await self.send(patients[i], "Consent", "revoke_consent", {"consent_id": consent_id[(i, "Insurance")]}, f"revoke insurance {i}")
        ship["A2"] = await self.send(dave, "DrugProvenance", "ship", {"batch_id": batch_id["SEEDA1"], "to": bob.ss58_address, "quantity": 60})
        ship["A3"] = await self.send(dave, "DrugProvenance", "ship", {"batch_id": batch_id["SEEDA1"], "to": central.ss58_address, "quantity": 40})
        ship["B2"] = await self.send(dave, "DrugProvenance", "ship", {"batch_id": batch_id["SEEDB2"], "to": bob.ss58_address, "quantity": 20})
        enrolled = defaultdict(list)
        research = [i for i in range(self.n) if i % 3 == 0 and home[i] in (alice, northside)]
        for j, i in enumerate(research[:16]):
            t = t1 if j < 8 else t2
            salt = secrets.token_bytes(32)
            pc = participant_commitment(t, patients[i].public_key, salt)
            self.secrets["commitments"].add(pc[2:])
            await self.send(home[i], "ClinicalTrials", "enroll_participant", {"trial_id": t, "patient": patients[i].ss58_address, "participant_commitment": pc}, f"enroll {i} in {t}")
            enrolled[t].append(i)
        r = await self.wave("records, batches, revocations, shipments, enrollment")
        record_id = {k: event_attrs(r[h], "HealthRecords", "RecordAnchored")[0]["record_id"] for k, h in rec_tx.items()}
        for k, h in rec_tx.items():
            self.month[(k[1], month_of(r[h].timestamp))] += 1
        batch_months = Counter(month_of(r[h].timestamp) for h in batch_tx)
        for k in ("A2", "A3", "B2"):
            shipment_id[k] = event_attrs(r[ship[k]], "DrugProvenance", "ShipmentSent")[0]["shipment_id"]

        # ---- wave 5: new record versions; receipts; trial data commits -----------------
        sup_tx = {}
        for i in range(0, self.n, 7):
            ch = rand32()
            loc = "mc1:" + secrets.token_hex(32)
            self.secrets["content_hashes"].add(ch[2:])
            self.secrets["locators"].add(loc)
            sup_tx[i] = await self.send(home[i], "HealthRecords", "anchor_record",
                                        {"patient": patients[i].ss58_address, "category": "LabResults", "content_hash": ch, "locator": loc,
                                         "supersedes": record_id[(i, "LabResults")]}, f"record v2 {i}")
        await self.send(bob, "DrugProvenance", "receive", {"shipment_id": shipment_id["A2"]})
        await self.send(central, "DrugProvenance", "receive", {"shipment_id": shipment_id["A3"]})
        commits = {t1: [(alice, 40), (northside, 35), (ferdie, 12)], t2: [(alice, 25), (northside, 30)]}
        for t, lst in commits.items():
            for k, (who, count) in enumerate(lst):
                await self.send(who, "ClinicalTrials", "commit_data", {"trial_id": t, "batch_root": rand32(), "record_count": count}, f"commit {t}/{k}")
        r = await self.wave("record versions, receipts, data commits")
        for h in sup_tx.values():
            self.month[("LabResults", month_of(r[h].timestamp))] += 1

        # ---- wave 6: dispenses, recall, erasure, database locks ----------------------------
        def proof(lot, serial):
            ser = serials[lot]
            idx = ser.index(serial)
            return {"leaf_index": idx, "leaf_count": len(ser), "siblings": bvec(["0x" + x.hex() for x in merkle_proof([s.encode() for s in ser], idx)])}
        dispensed = [(bob, "SNA00001"), (bob, "SNA00002"), (bob, "SNA00003"), (central, "SNA00150")]
        for who, serial in dispensed:
            await self.send(who, "DrugProvenance", "dispense", {"batch_id": batch_id["SEEDA1"], "serial": serial, "proof": proof("SEEDA1", serial)}, f"dispense {serial}")
        await self.send(eve, "DrugProvenance", "recall_batch", {"batch_id": batch_id["SEEDB2"], "reason_code": 7}, "recall SEEDB2")
        erased = [self.n - 1, self.n - 2]
        for i in erased:
            await self.send(patients[i], "PatientIdentity", "deregister", {}, f"deregister {i}")
        for t in (t1, t2):
            await self.send(ferdie, "ClinicalTrials", "lock_database", {"trial_id": t})
        await self.wave("dispenses, recall, erasure, locks")

        # ---- wave 7: a double dispense (refused), results (one switched) -------------------
        dd = await self.send(bob, "DrugProvenance", "dispense", {"batch_id": batch_id["SEEDA1"], "serial": "SNA00001", "proof": proof("SEEDA1", "SNA00001")}, "double dispense SNA00001")
        o1, o2 = trials["NCT90000001"], trials["NCT90000002"]
        await self.send(ferdie, "ClinicalTrials", "publish_results", {"trial_id": t1, "results_hash": h256("seed/NCT90000001/results"), "reported_outcomes": bvec([h256(o) for o in o1])})
        await self.send(ferdie, "ClinicalTrials", "publish_results", {"trial_id": t2, "results_hash": h256("seed/NCT90000002/results"),
                                                                      "reported_outcomes": bvec([h256(o2[0]), h256(o2[2]), h256("t2/post-hoc: body weight at week 12")])})
        # The recalled batch's holders act on the recall: the pharmacy rejects the shipment in
        # transit (its units go back to the distributor), the distributor destroys what it holds.
        await self.send(bob, "DrugProvenance", "reject_shipment", {"shipment_id": shipment_id["B2"]}, "reject recalled shipment B2")
        await self.send(dave, "DrugProvenance", "destroy_units", {"batch_id": batch_id["SEEDB2"], "quantity": 30, "reason": "Recalled"},
                        "destroy recalled SEEDB2 (held)")
        await self.wave("double dispense attempt, results, recall acted on", expect_fail={dd: "DrugProvenance.SerialAlreadyDispensed"})

        # ---- wave 8: the pharmacy's suspect report -------------------------------------
        await self.send(bob, "DrugProvenance", "report_suspect", {"batch_id": batch_id["SEEDA1"], "serial": "SNA00001", "reason": "DoubleDispense"}, "report suspect")
        await self.send(dave, "DrugProvenance", "destroy_units", {"batch_id": batch_id["SEEDB2"], "quantity": 20, "reason": "Recalled"},
                        "destroy recalled SEEDB2 (returned)")
        await self.wave("suspect report, returned recalled units destroyed")
        last_block = self.sub.scanned

        # ---- expected summary ----------------------------------------------------------
        roles = Counter()
        for _, _, bits in DEV_ORGS + NEW_ORGS:
            for name, b in ROLE_BITS.items():
                if bits & b:
                    roles[name] += 1
        active = Counter()
        revoked_set = set(revoked)
        for i, purpose, cats, _ in consents:
            if i in erased or (purpose == "Insurance" and i in revoked_set):
                continue
            for cat in cats:
                active[(purpose, cat)] += 1
        active_nested = defaultdict(dict)
        for (p, cat), v in sorted(active.items()):
            active_nested[p][cat] = v
        rec_nested = defaultdict(dict)
        for (cat, m), v in sorted(self.month.items()):
            rec_nested[cat][m] = v
        expected = {
            "organizations_by_role": dict(sorted(roles.items())),
            "registered_patients": self.n - len(erased),
            "active_consents": dict(active_nested),
            "records_by_category_month": dict(rec_nested),
            "record_batches": {"batches": len(batch_tx), "documents": 500 * len(batch_tx)},
            "drug_batches": {"commissioned": 2, "recalled": 1, "suspect_reports": 1, "dispensed_units": len(dispensed)},
            "trials_by_outcome_status": {"Complete": 1, "OutcomeSwitched": 1, "NotPublished": 1},
        }
        return {
            "url": c.url,
            "start_block": start_block,
            "last_block": last_block,
            "extrinsics": len(self.results),
            "expected_summary": expected,
            "gtin": GTIN,
            "lots": {"recalled": "SEEDB2", "double_dispense": "SEEDA1"},
            "trials": {"complete": "NCT90000001", "switched": "NCT90000002", "unpublished": "NCT90000003"},
            "trial_ids": trial_id,
            "batch_ids": batch_id,
            "secrets": {k: sorted(v) for k, v in self.secrets.items()},
        }


GTIN_RX = "09506000134369"  # a second product of Acme's, made prescription-only by the fraud seed
PRODUCT_DOMAIN, ISSUE_DOMAIN, FILL_DOMAIN = b"medchain/rx/product/1", b"medchain/rx/issue/1", b"medchain/rx/fill/1"


def rx_product_commitment(gtin: str, units_per_fill: int, salt: bytes) -> bytes:
    """`ProductOpening::commitment` (pallets/prescriptions/src/types.rs): blake2-256 of the SCALE
    encoding of (PRODUCT_DOMAIN, GTIN as [u8; 14], units per fill u16, salt [u8; 32])."""
    return blake2_256(compact(len(PRODUCT_DOMAIN)) + PRODUCT_DOMAIN + gtin.encode() + units_per_fill.to_bytes(2, "little") + salt)


def rx_id(prescriber: bytes, holder: bytes, product: bytes, fills: int, issued_at: int, expires_at: int, envelope: bytes) -> bytes:
    """A `Prescription`'s id: blake2-256 of its SCALE encoding (AccountId32s, H256, u8, u64, u64,
    BoundedVec<u8>)."""
    return blake2_256(prescriber + holder + product + bytes([fills]) + issued_at.to_bytes(8, "little") + expires_at.to_bytes(8, "little")
                      + compact(len(envelope)) + envelope)


async def seed_fraud(c: Chain, manifest: dict, log=print) -> dict:
    """Each kind of fraud `flags` looks for, once, on a chain the demo seeder seeded (its
    manifest): returns the manifest's `fraud` part, with the flags expected (README, "Fraud
    flags"). Done after the clean seed, so the clean data set is a prefix of this one.

    - break-glass outlier: six staff keys of three hospitals break the glass once or twice,
      one staff key of Harbor General five times (the runtime's per-key limit per window),
      against five patients;
    - diversion: batch SEEDC3 shipped to the distributor, received, recalled by the
      regulator; the distributor neither returns nor destroys it (the expiry case cannot be
      reached in test time: expiry dates are days and no batch may be commissioned expired);
    - refused dispensing: the product GTIN_RX made prescription-only (sudo), then Riverside
      Pharmacy dispenses a unit of it without a prescription (`PrescriptionRequired`) and
      fills a prescription with a forged holder signature (`Prescriptions.BadHolderSignature`).
    """
    self = Seeder(c, int(manifest.get("patients", 300)), log)
    kp = Keypair.from_uri
    alice, bob, charlie, dave, eve = (kp(s) for s in ["//Alice", "//Bob", "//Charlie", "//Dave", "//Eve"])
    northside, lakeside, harbor = (kp(s) for s, name, _ in NEW_ORGS if name != "Central Pharmacy")
    props = await c.rpc("system_properties", [])
    decimals = int(props.get("tokenDecimals", 12) if not isinstance(props.get("tokenDecimals"), list) else props["tokenDecimals"][0])
    # Staff keys: (key, hospital admin, break-glass count).
    plan = [(alice, 1), (alice, 2), (northside, 1), (northside, 2), (lakeside, 1), (lakeside, 1), (harbor, 5)]
    staff = [(kp(f"//MedChainSeed/staff/{i}"), org, n) for i, (org, n) in enumerate(plan)]
    rogue = staff[-1]

    # ---- fraud wave 1: staff keys, a prescription-only product, two batches ----------------
    for k, org, _ in staff:
        await self.send(org, "Consortium", "add_staff", {"account": k.ss58_address}, f"add staff {k.ss58_address}")
        await self.send(alice, "Balances", "transfer_keep_alive", {"dest": k.ss58_address, "value": 100 * 10**decimals})
    await self.send(charlie, "DrugProvenance", "register_product", {"gtin": GTIN_RX, "metadata_hash": h256("seed/product/oxycodone-10")})
    expiry = f"{(dt.date.today().year + 2) % 100:02d}1231"
    serials = {"SEEDC3": [f"SNC{i:05d}" for i in range(1, 41)], "SEEDR1": [f"SNR{i:05d}" for i in range(1, 11)]}
    com = {}
    for lot, gtin in (("SEEDC3", GTIN), ("SEEDR1", GTIN_RX)):
        root = "0x" + merkle_root([x.encode() for x in serials[lot]]).hex()
        com[lot] = await self.send(charlie, "DrugProvenance", "commission_batch", {"gtin": gtin, "lot": lot, "expiry": expiry,
                                                                                   "quantity": len(serials[lot]), "serials_root": root}, f"commission {lot}")
    r = await self.wave("fraud: staff keys, prescription-only product, batches")
    bid = {lot: event_attrs(r[h], "DrugProvenance", "BatchCommissioned")[0]["batch_id"] for lot, h in com.items()}

    # ---- fraud wave 2: break-glass; shipments; the product made prescription-only ----------
    n = self.n
    pool = iter(range(5, n - 3))  # registered patients (the last two were erased)
    glass = []
    for k, org, count in staff:
        for _ in range(count):
            i = next(pool)
            glass.append(await self.send(k, "Consent", "break_glass", {"patient": kp(f"//MedChainSeed/patient/{i}").ss58_address, "reason_code": 1},
                                         f"break glass {k.ss58_address} patient {i}"))
    ship_c3 = await self.send(charlie, "DrugProvenance", "ship", {"batch_id": bid["SEEDC3"], "to": dave.ss58_address, "quantity": 40}, "ship SEEDC3")
    ship_r1 = await self.send(charlie, "DrugProvenance", "ship", {"batch_id": bid["SEEDR1"], "to": bob.ss58_address, "quantity": 10}, "ship SEEDR1")
    rule = await c.s.compose_call("Prescriptions", "set_prescription_only", {"gtin": GTIN_RX, "required": True})
    await self.send(alice, "Sudo", "sudo", {"call": rule}, "sudo(set_prescription_only)")
    r = await self.wave("fraud: break-glass, shipments, prescription-only rule")
    sid = {k: event_attrs(r[h], "DrugProvenance", "ShipmentSent")[0]["shipment_id"] for k, h in (("C3", ship_c3), ("R1", ship_r1))}

    # ---- fraud wave 3: receipts; the refused dispenses -------------------------------------
    await self.send(dave, "DrugProvenance", "receive", {"shipment_id": sid["C3"]})
    await self.send(bob, "DrugProvenance", "receive", {"shipment_id": sid["R1"]})
    r = await self.wave("fraud: receipts")

    def proof(serial):
        ser = serials["SEEDR1"]
        idx = ser.index(serial)
        return {"leaf_index": idx, "leaf_count": len(ser), "siblings": bvec(["0x" + x.hex() for x in merkle_proof([x.encode() for x in ser], idx)])}
    plain = await self.send(bob, "DrugProvenance", "dispense", {"batch_id": bid["SEEDR1"], "serial": "SNR00001", "proof": proof("SNR00001")},
                            "dispense a prescription-only unit without a prescription")
    # A genuine prescription (St. Mary's admin prescribes to a holder key), filled with a
    # holder signature the pharmacy made itself.
    holder, forger = kp("//MedChainSeed/rx/holder/1"), kp("//MedChainSeed/rx/forger")
    salt = blake2_256(b"seed/rx/salt/1")
    now = int(time.time() * 1000)
    product = rx_product_commitment(GTIN_RX, 1, salt)
    envelope = b"\x00" * 16
    presc = {"prescriber": alice.ss58_address, "holder": holder.ss58_address, "product": "0x" + product.hex(), "fills": 1,
             "issued_at": now, "expires_at": now + 30 * 86400 * 1000, "regulator_envelope": "0x" + envelope.hex()}
    pid = rx_id(alice.public_key, holder.public_key, product, 1, now, presc["expires_at"], envelope)
    fill_msg = FILL_DOMAIN + pid + bytes([1]) + bob.public_key
    rx = {"prescription": presc, "prescriber_signature": {"Sr25519": "0x" + alice.sign(ISSUE_DOMAIN + pid).hex()}, "fill": 1,
          "holder_signature": {"Sr25519": "0x" + forger.sign(fill_msg).hex()},
          "opening": {"gtin": "0x" + GTIN_RX.encode().hex(), "units_per_fill": 1, "salt": "0x" + salt.hex()}}
    forged = await self.send(bob, "Prescriptions", "dispense_prescribed", {"batch_id": bid["SEEDR1"], "serial": "SNR00002",
                                                                           "proof": proof("SNR00002"), "rx": rx}, "fill with a forged holder signature")
    await self.send(eve, "DrugProvenance", "recall_batch", {"batch_id": bid["SEEDC3"], "reason_code": 3}, "recall SEEDC3")
    r = await self.wave("fraud: refused dispenses, recall", expect_fail={plain: "DrugProvenance.PrescriptionRequired",
                                                                      forged: "Prescriptions.BadHolderSignature"})
    last = self.sub.scanned
    await wait_finalized(c, last)
    return {
        "last_block": last,
        "batch_ids": bid,
        "gtin_rx": GTIN_RX,
        "expected_flags": [
            {"flag": "break_glass_outlier", "organization": harbor.ss58_address, "staff": rogue[0].ss58_address, "count": rogue[2]},
            {"flag": "diversion", "organization": dave.ss58_address, "batch_id": bid["SEEDC3"], "held": 40},
            {"flag": "refused_dispensing", "organization": bob.ss58_address, "attempts": 2,
             "errors": {"DrugProvenance.PrescriptionRequired": 1, "Prescriptions.BadHolderSignature": 1}},
        ],
        "break_glass": {k.ss58_address: cnt for k, _, cnt in staff},
    }


def month_of(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc).strftime("%Y-%m")


async def wait_finalized(c: Chain, block: int, timeout: float = 120.0) -> None:
    deadline = time.time() + timeout
    while await c.finalized_number() < block:
        if time.time() > deadline:
            raise TimeoutError(f"block {block} not finalized")
        await asyncio.sleep(0.5)


async def seed(url: str, patients: int = 300, log=print, with_fraud: bool = False) -> dict:
    async with Chain(url) as c:
        t = time.time()
        log(f"seeding {url}: {patients} patients" + (", with each kind of fraud once" if with_fraud else ""))
        manifest = await Seeder(c, patients, log).run()
        manifest["patients"] = patients
        await wait_finalized(c, manifest["last_block"])
        if with_fraud:
            manifest["clean_last_block"] = manifest["last_block"]
            manifest["fraud"] = await seed_fraud(c, manifest, log)
            manifest["last_block"] = manifest["fraud"]["last_block"]
        manifest["seconds"] = round(time.time() - t, 1)
        log(f"seeded {manifest['extrinsics']} extrinsics in {manifest['seconds']}s, finalized up to block {manifest['last_block']}")
        return manifest


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="medchain-research-seed", description=__doc__.splitlines()[0])
    ap.add_argument("--url", default=os.environ.get("MEDCHAIN_URL", "ws://127.0.0.1:9944"))
    ap.add_argument("--patients", type=int, default=300)
    ap.add_argument("--manifest", default="seed-manifest.json")
    ap.add_argument("--with-fraud", action="store_true", help="add each kind of fraud `flags` finds, once (after the clean data set)")
    ap.add_argument("--fraud-only", action="store_true", help="add only the frauds, to a chain this seeder seeded (reads and "
                    "updates --manifest)")
    a = ap.parse_args(argv)
    if a.fraud_only:
        with open(a.manifest) as f:
            m = json.load(f)

        async def run():
            async with Chain(a.url) as c:
                return await seed_fraud(c, m)
        m["clean_last_block"] = m["last_block"]
        m["fraud"] = asyncio.run(run())
        m["last_block"] = m["fraud"]["last_block"]
    else:
        m = asyncio.run(seed(a.url, a.patients, with_fraud=a.with_fraud))
    with open(a.manifest, "w") as f:
        json.dump(m, f, indent=1)
    print(f"manifest: {a.manifest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
