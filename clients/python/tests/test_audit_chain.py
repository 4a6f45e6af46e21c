"""Against the seeded dev node (see conftest.py): logged reads, a break-glass and refused access
calls (plain, and inside proxies, batches and sudo) are written with the package's own
submitter, indexed, exported as FHIR AuditEvents by the CLI, validated by fhir.resources (R4B)
and compared with what the node itself says."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import shutil

import duckdb

from conftest import audit_bundle_events, run_cli
from medchain_research import fhir_audit
from medchain_research.chain import Chain, Submitter, blake2_256, event_attrs, hexbytes
from medchain_research.keys import Keypair
from medchain_research.seed import NEW_ORGS, wait_finalized

ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"


def _pick(index_db: str) -> dict:
    """Seeded patient 0 (St. Mary's, //Alice): its Treatment and Research consents and two of
    its current records."""
    patient = Keypair.from_uri("//MedChainSeed/patient/0").ss58_address
    alice = Keypair.from_uri("//Alice").ss58_address
    con = duckdb.connect(index_db, read_only=True)
    try:
        consent = dict(con.execute("SELECT purpose, consent_id FROM consents WHERE patient = ? AND revoked_block IS NULL AND NOT emergency",
                                   [patient]).fetchall())
        records = con.execute("SELECT record_id, category FROM records WHERE patient = ? AND sealed_block IS NULL ORDER BY category",
                              [patient]).fetchall()
    finally:
        con.close()
    assert {"Treatment", "Research"} <= set(consent) and len(records) >= 2, (consent, records)
    lab = [r for r in records if r[1] == "LabResults"]
    assert lab, records
    return {"patient": patient, "alice": alice, "treatment": consent["Treatment"], "research": consent["Research"], "records": records,
            "lab": lab[0]}


async def _write(url: str, p: dict) -> dict:
    """The access calls; returns label -> (extrinsic hash, TxResult) and the blocks they span."""
    kp = Keypair.from_uri
    alice, ferdie = kp("//Alice"), kp("//Ferdie")
    northside, lakeside = (kp(s) for s, name, _ in NEW_ORGS if name in ("Northside Hospital", "Lakeside Clinic"))
    lab_id, lab_cat = p["lab"]
    out = {}
    async with Chain(url) as c:
        sub = Submitter(c)
        sent = {
            "read": await sub.send(alice, "Consent", "log_access", {"patient": p["patient"], "consent_id": p["treatment"], "record_id": lab_id,
                                                                   "category": lab_cat}),
            "reads": await sub.send(alice, "Consent", "log_accesses", {"patient": p["patient"], "consent_id": p["treatment"],
                                                                      "reads": [[[rid, cat] for rid, cat in p["records"][:2]]]}),
            "glass": await sub.send(northside, "Consent", "break_glass", {"patient": p["patient"], "reason_code": 7}),
            "not_grantee": await sub.send(lakeside, "Consent", "log_access", {"patient": p["patient"], "consent_id": p["treatment"],
                                                                             "record_id": lab_id, "category": lab_cat}),
            "research_read": await sub.send(ferdie, "Consent", "log_access", {"patient": p["patient"], "consent_id": p["research"],
                                                                             "record_id": lab_id, "category": lab_cat}),
            "sponsor_glass": await sub.send(ferdie, "Consent", "break_glass", {"patient": p["patient"], "reason_code": 3}),
        }
        res = await sub.wait(timeout=120)
        out.update({k: (h, res[h]) for k, h in sent.items()})
        emergency = event_attrs(res[sent["glass"]], "Consent", "EmergencyAccessGranted")[0]["consent_id"]
        h = await sub.send(northside, "Consent", "log_access", {"patient": p["patient"], "consent_id": emergency, "record_id": lab_id,
                                                               "category": lab_cat})
        res = await sub.wait(timeout=120)
        out["emergency_read"] = (h, res[h])
        last = max(r.block for _, r in out.values())
        await wait_finalized(c, last)
        # The node's own view of every block up to `last`: events (with their index in the
        # block), raw extrinsics, hashes, timestamps.
        blocks = {}

        async def one(n):
            bh = await c.block_hash(n)
            evs = await c.events(bh)
            body = await c.rpc("chain_getBlock", [bh])
            blocks[n] = {"hash": bh, "events": evs, "ts": await c.timestamp(bh),
                         "xt_hashes": ["0x" + blake2_256(hexbytes(x)).hex() for x in body["block"]["extrinsics"]]}

        await asyncio.gather(*(one(n) for n in range(0, last + 1)))
        genesis = blocks[0]["hash"]
    return {"tx": out, "last": last, "blocks": blocks, "genesis": genesis, "emergency_consent": emergency}


def _values(ev: dict, system: str, where: str = "entity") -> list[str]:
    if where == "entity":
        return [x["what"]["identifier"]["value"] for x in ev["entity"] if x["what"]["identifier"]["system"] == system]
    return [a["who"]["identifier"]["value"] for a in ev["agent"] if a["who"].get("identifier", {}).get("system") == system]


def test_access_log_as_fhir_audit_events(node, manifest, index_db, tmp_path):
    p = _pick(index_db)
    w = asyncio.run(_write(node["url"], p))
    tx = w["tx"]
    # The calls did what they were meant to: four successes, three refusals by name.
    assert [tx[k][1].ok for k in ("read", "reads", "glass", "emergency_read")] == [True] * 4, {k: v[1].error for k, v in tx.items()}
    refused = {k: tx[k][1].error for k in ("not_grantee", "research_read", "sponsor_glass")}
    assert refused == {"not_grantee": "Consent.NotGrantee", "research_read": "Consent.PurposeNotPermitted",
                       "sponsor_glass": "Consortium.MissingRole"}, refused

    # Index the whole chain up to the last of them (continuing a copy of the session's index).
    db = tmp_path / "audit.duckdb"
    shutil.copy(index_db, db)
    run_cli("index", "--url", node["url"], "--db", db, "--until", w["last"], "--quiet")
    out = tmp_path / "audit.json"
    run_cli("audit-events", "--db", db, "--out", out)
    events = audit_bundle_events(out)
    by_id = {ev["id"]: ev for ev in events}
    assert len(by_id) == len(events), "AuditEvent ids are not unique"

    # The node's facts: every AccessLogged / EmergencyAccessGranted event of the chain, and every
    # failed Consent access call, each with its (block, extrinsic, event index).
    ours = {h: k for k, (h, _) in tx.items()}
    expected = {}
    for n, b in w["blocks"].items():
        for i, e in enumerate(b["events"]):
            x = e.get("extrinsic_idx")
            name = (e["module_id"], e["event_id"])
            if name in (("Consent", "AccessLogged"), ("Consent", "EmergencyAccessGranted")):
                expected[f"chain-{n}-{x}-{i}"] = (name[1], e["attributes"], b["xt_hashes"][x], b)
            elif name == ("System", "ExtrinsicFailed") and ours.get(b["xt_hashes"][x], "").startswith(("not_", "research", "sponsor")):
                expected[f"chain-{n}-{x}-{i}"] = ("refused", None, b["xt_hashes"][x], b)
    logged = [k for k, v in expected.items() if v[0] == "AccessLogged"]
    assert len(logged) == 4, "the chain should hold exactly our four logged reads (the seeder logs none)"
    # Exactly these, no more: every AuditEvent is one of the chain's facts and vice versa
    # (the seeder's refused double dispense is no access call, so it is not among them).
    assert set(by_id) == set(expected), (sorted(set(by_id) ^ set(expected)))
    assert sum(1 for ev in events if ev["outcome"] == "0" and _values(ev, "urn:medchain:record")) == len(logged)

    for eid, (kind, attrs, xt_hash, b) in expected.items():
        ev = by_id[eid]
        label = ours[xt_hash]
        block, xt = eid.split("-")[1:3]
        # The transaction entity points at the extrinsic that was submitted (by its hash), in
        # the block of that hash; the time is the block's.
        assert _values(ev, "urn:medchain:extrinsic") == [f"{block}-{xt}"]
        assert tx[label][1].block == int(block) and b["xt_hashes"][int(xt)] == xt_hash
        detail = [d for x in ev["entity"] for d in x.get("detail", []) if d["type"] == "block-hash"]
        assert [d["valueString"] for d in detail] == [b["hash"]]
        assert dt.datetime.fromisoformat(ev["recorded"].replace("Z", "+00:00")) == dt.datetime.fromtimestamp(b["ts"] / 1000, dt.timezone.utc)
        assert ev["source"]["observer"]["identifier"]["value"] == w["genesis"]
        assert _values(ev, "urn:medchain:account") == [p["patient"]]
        purposes = [c["code"] for pe in ev.get("purposeOfEvent", []) for c in pe["coding"] if c["system"] == ACT_REASON]
        if kind == "AccessLogged":
            assert ev["outcome"] == "0" and "outcomeDesc" not in ev
            assert _values(ev, "urn:medchain:record") == [attrs["record_id"]]
            assert _values(ev, "urn:medchain:account", "agent") == [attrs["accessor"]]
            assert _values(ev, "urn:medchain:organization", "agent") == [attrs["organization"]]
            assert purposes == (["ETREAT"] if attrs["emergency"] else ["TREAT"])
            assert (label == "emergency_read") == bool(attrs["emergency"])
        elif kind == "EmergencyAccessGranted":
            assert label == "glass" and ev["outcome"] == "0" and purposes == ["ETREAT"]
            assert _values(ev, "urn:medchain:account", "agent") == [attrs["staff"]]
        else:
            assert ev["outcome"] == "4", ev
            assert ev["outcomeDesc"] == tx[label][1].error.split(".")[1]
            assert purposes == {"not_grantee": ["TREAT"], "research_read": ["HRESCH"], "sponsor_glass": ["ETREAT"]}[label]
    signer = {lbl: Keypair.from_uri(s).ss58_address for lbl, s in (("research_read", "//Ferdie"), ("sponsor_glass", "//Ferdie"))}
    for eid, (kind, _, xt_hash, _) in expected.items():
        if ours[xt_hash] in signer:
            assert _values(by_id[eid], "urn:medchain:account", "agent") == [signer[ours[xt_hash]]]
    glass = [by_id[k] for k, v in expected.items() if v[0] == "EmergencyAccessGranted"]
    assert len(glass) == 1

    # Filters: one patient, from a block on.
    first = min(r.block for _, r in tx.values())
    some = json.loads(run_cli("audit-events", "--db", db, "--patient", p["patient"], "--since-block", first).stdout)
    assert {e["resource"]["id"] for e in some["entry"]} == set(expected)
    other = Keypair.from_uri("//MedChainSeed/patient/1").ss58_address
    assert fhir_audit.audit_bundle(str(db), patient=other)["entry"] == []
    assert fhir_audit.audit_bundle(str(db), since_block=w["last"] + 1)["entry"] == []


async def _write_wrapped(url: str, p: dict) -> dict:
    """Access calls inside Proxy / Utility / Sudo wrappers (a proxy key of Lakeside's and a
    Guardian and NonTransfer proxy of //Alice's first). Returns label -> (hash, TxResult), the
    blocks' events by number, the first and last block."""
    kp = Keypair.from_uri
    alice, ferdie, prx = kp("//Alice"), kp("//Ferdie"), kp("//MedChainTest/proxy")
    lakeside = next(kp(s) for s, name, _ in NEW_ORGS if name == "Lakeside Clinic")
    lab_id, lab_cat = p["lab"]
    async with Chain(url) as c:
        sub = Submitter(c)
        cc = c.s.compose_call

        async def la(consent, record=lab_id, cat=lab_cat):
            return await cc("Consent", "log_access", {"patient": p["patient"], "consent_id": consent, "record_id": record, "category": cat})

        async def proxy(real, call, proxy_type=None):
            return {"real": real.ss58_address, "force_proxy_type": proxy_type, "call": call}

        glass = await cc("Consent", "break_glass", {"patient": p["patient"], "reason_code": 3})
        two = await cc("Consent", "log_accesses", {"patient": p["patient"], "consent_id": p["treatment"],
                                                   "reads": [[[rid, cat] for rid, cat in p["records"][:2]]]})
        await sub.send(alice, "Balances", "transfer_keep_alive", {"dest": prx.ss58_address, "value": 10**15})
        await sub.send(lakeside, "Proxy", "add_proxy", {"delegate": prx.ss58_address, "proxy_type": "NonTransfer", "delay": 0})
        await sub.send(alice, "Proxy", "add_proxy", {"delegate": prx.ss58_address, "proxy_type": "Guardian", "delay": 0})
        await sub.send(alice, "Proxy", "add_proxy", {"delegate": prx.ss58_address, "proxy_type": "NonTransfer", "delay": 0})
        setup = await sub.wait(timeout=120)
        assert all(r.ok for r in setup.values()), {r.label: r.error for r in setup.values()}
        t, r = p["treatment"], p["research"]
        # First, alone: refusals that leave the extrinsic successful (no ExtrinsicFailed in
        # their block, whose body the indexer must fetch all the same).
        sent = {
            "proxied": await sub.send(prx, "Proxy", "proxy", await proxy(lakeside, await la(t))),
            "guardian": await sub.send(prx, "Proxy", "proxy", await proxy(alice, await la(t), "Guardian")),
            "proxied_read": await sub.send(prx, "Proxy", "proxy", await proxy(alice, await la(t), "NonTransfer")),
            "batch": await sub.send(alice, "Utility", "batch", {"calls": [await la(t), await la(r), await la(t, *p["records"][1])]}),
        }
        res = await sub.wait(timeout=180)
        sent |= {
            "force_batch": await sub.send(ferdie, "Utility", "force_batch", {"calls": [await la(t), await la(r), glass]}),
            "batch_all": await sub.send(lakeside, "Utility", "batch_all", {"calls": [two]}),
            "batch_all_two": await sub.send(ferdie, "Utility", "batch_all", {"calls": [await la(r), glass]}),
            "batch_of_proxy": await sub.send(prx, "Utility", "batch", {"calls": [await cc("Proxy", "proxy", await proxy(lakeside, await la(t)))]}),
            "proxy_of_batch": await sub.send(prx, "Proxy", "proxy", await proxy(lakeside, await cc("Utility", "batch", {"calls": [await la(t)]}))),
            "sudo": await sub.send(alice, "Sudo", "sudo", {"call": await la(t)}),
            "sudo_as": await sub.send(alice, "Sudo", "sudo_as", {"who": lakeside.ss58_address, "call": await la(t)}),
            "not_proxy": await sub.send(ferdie, "Proxy", "proxy", await proxy(lakeside, await la(t))),
        }
        res |= await sub.wait(timeout=180)
        tx = {k: (h, res[h]) for k, h in sent.items()}
        first, last = min(v.block for _, v in tx.values()), max(v.block for _, v in tx.values())
        await wait_finalized(c, last)
        blocks = {}
        for n in range(first, last + 1):
            bh = await c.block_hash(n)
            body = await c.rpc("chain_getBlock", [bh])
            blocks[n] = {"events": await c.events(bh), "xt_hashes": ["0x" + blake2_256(hexbytes(x)).hex() for x in body["block"]["extrinsics"]]}
        # The node's own name of every error an event of ours carries.
        names = {}
        for n, b in blocks.items():
            for e in b["events"]:
                a = e.get("attributes") or {}
                for v in (a.get("dispatch_error"), a.get("error"), (a.get("result") or {}).get("Err") if isinstance(a.get("result"), dict) else None,
                          (a.get("sudo_result") or {}).get("Err") if isinstance(a.get("sudo_result"), dict) else None):
                    if v is not None:
                        names[json.dumps(v, sort_keys=True)] = await sub._error_name(v)
    return {"tx": tx, "blocks": blocks, "first": first, "last": last, "names": names, "proxy": prx.ss58_address,
            "lakeside": lakeside.ss58_address, "alice": alice.ss58_address, "ferdie": ferdie.ss58_address}


# The events that carry an error of an inner (or whole) call, as the node emits them.
CARRIERS = {("Proxy", "ProxyExecuted"): "result", ("Sudo", "Sudid"): "sudo_result", ("Sudo", "SudoAsDone"): "sudo_result",
            ("Utility", "BatchInterrupted"): "error", ("Utility", "ItemFailed"): "error", ("System", "ExtrinsicFailed"): "dispatch_error"}


def test_refusals_inside_wrappers_as_fhir_audit_events(node, manifest, index_db, tmp_path):
    """Refused access calls in a proxy, a batch, a force_batch, a batch_all, sudo / sudo_as and
    nested in one another, written to the node, indexed and exported: one AuditEvent per
    refused call, at the event that carries its error, with the account it was dispatched as,
    the proxy or sudo key as a further agent, patient, records and the node's error name."""
    p = _pick(index_db)
    w = asyncio.run(_write_wrapped(node["url"], p))
    tx, lab = w["tx"], p["lab"][0]
    two = [rid for rid, _ in p["records"][:2]]
    L, A, F, P = w["lakeside"], w["alice"], w["ferdie"], w["proxy"]
    # label -> per carrier event, in order, the calls it stands for: (requester, further
    # agents, records, purpose, outcome, error name, via).
    want = {
        "proxied": [[(L, [P], [lab], "TREAT", "4", "NotGrantee", f"Proxy.proxy as {L}")]],
        "guardian": [[(A, [P], [lab], "TREAT", "4", "CallFiltered", f"Proxy.proxy as {A}")]],
        "batch": [[(A, [], [lab], "HRESCH", "4", "NotGrantee", "Utility.batch[1]")]],
        "force_batch": [[(F, [], [lab], "TREAT", "4", "NotGrantee", "Utility.force_batch[0]")],
                        [(F, [], [lab], "HRESCH", "4", "PurposeNotPermitted", "Utility.force_batch[1]")],
                        [(F, [], [], "ETREAT", "4", "MissingRole", "Utility.force_batch[2]")]],
        "batch_all": [[(L, [], two, "TREAT", "4", "NotGrantee", "Utility.batch_all[0]")]],
        "batch_all_two": [[(F, [], [lab], "HRESCH", "4", "PurposeNotPermitted", "Utility.batch_all[0]"),
                           (F, [], [], "ETREAT", "4", "PurposeNotPermitted", "Utility.batch_all[1]")]],
        "batch_of_proxy": [[(L, [P], [lab], "TREAT", "4", "NotGrantee", f"Utility.batch[0] > Proxy.proxy as {L}")]],
        "proxy_of_batch": [[(L, [P], [lab], "TREAT", "4", "NotGrantee", f"Proxy.proxy as {L} > Utility.batch[0]")]],
        "sudo": [[(A, [], [lab], "TREAT", "8", "BadOrigin", "Sudo.sudo as Root")]],
        "sudo_as": [[(L, [A], [lab], "TREAT", "4", "NotGrantee", f"Sudo.sudo_as as {L}")]],
        "not_proxy": [[(F, [], [lab], "TREAT", "4", "NotProxy", f"Proxy.proxy as {L} (refused before dispatching)")]],
    }
    ours = {h: k for k, (h, _) in tx.items()}
    expected, logged = {}, {}
    for n, b in w["blocks"].items():
        carriers = {}
        for i, e in enumerate(b["events"]):
            x = e.get("extrinsic_idx")
            label = ours.get(b["xt_hashes"][x]) if x is not None else None
            if (e["module_id"], e["event_id"]) == ("Consent", "AccessLogged"):
                logged[f"chain-{n}-{x}-{i}"] = (label, e["attributes"])
            key = CARRIERS.get((e["module_id"], e["event_id"]))
            if label is None or key is None:
                continue
            err = e["attributes"][key]
            if key in ("result", "sudo_result"):
                if "Err" not in err:
                    continue
                err = err["Err"]
            carriers.setdefault(label, []).append((x, i, w["names"][json.dumps(err, sort_keys=True)]))
        for label, cs in carriers.items():
            assert len(cs) == len(want[label]), (label, cs)
            for (x, i, name), calls in zip(cs, want[label]):
                for k, call in enumerate(calls):
                    assert name.split(".")[-1] == call[5], (label, name)  # the node refused what the scenario meant
                    expected[f"chain-{n}-{x}-{i}" + (f"-{k}" if len(calls) > 1 else "")] = (label, call)
    assert {lbl for lbl, _ in expected.values()} == set(want), "every wrapped call was refused on chain as meant"
    quiet = {tx[k][1].block for k in ("proxied", "guardian", "batch")}
    assert not [e for n in quiet for e in w["blocks"][n]["events"] if e["event_id"] == "ExtrinsicFailed"], "no ExtrinsicFailed in their blocks"
    # Wrapped reads that went through are AccessLogged events (the proxied read as //Alice, the batch's first item).
    assert sorted((lbl, a["accessor"]) for lbl, a in logged.values()) == [("batch", A), ("proxied_read", A)]

    db = tmp_path / "wrapped.duckdb"
    shutil.copy(index_db, db)
    run_cli("index", "--url", node["url"], "--db", db, "--until", w["last"], "--quiet")
    out = tmp_path / "wrapped.json"
    p_cli = run_cli("audit-events", "--db", db, "--since-block", w["first"], "--until-block", w["last"], "--out", out)
    assert "note:" not in p_cli.stderr, p_cli.stderr
    events = audit_bundle_events(out)
    by_id = {ev["id"]: ev for ev in events}
    # Exactly the node's facts in these blocks: the logged reads and the refused calls.
    assert set(by_id) == set(expected) | set(logged), sorted(set(by_id) ^ (set(expected) | set(logged)))
    for eid, (label, (requester, agents, records, purpose, code, name, via)) in expected.items():
        ev = by_id[eid]
        assert (ev["outcome"], ev["outcomeDesc"]) == (code, name), (label, ev)
        assert _values(ev, "urn:medchain:account", "agent") == [requester] + agents, (label, ev["agent"])
        assert [a["requestor"] for a in ev["agent"] if a["who"]["identifier"]["system"] == "urn:medchain:account"] == [True] + [False] * len(agents)
        assert _values(ev, "urn:medchain:account") == [p["patient"]] and _values(ev, "urn:medchain:record") == records, (label, ev)
        assert [c["code"] for pe in ev.get("purposeOfEvent", []) for c in pe["coding"]] == [purpose], (label, ev)
        detail = {d["type"]: d["valueString"] for x in ev["entity"] for d in x.get("detail", [])}
        assert detail["via"] == via, (label, detail)
        assert ("refused-together" in detail) == (label == "batch_all_two")
        if label == "sudo":
            assert detail["dispatched-as"] == "Root"
        blk, xt = eid.split("-")[1:3]
        assert _values(ev, "urn:medchain:extrinsic") == [f"{blk}-{xt}"] and w["blocks"][int(blk)]["xt_hashes"][int(xt)] == tx[label][0]
    # The Lakeside key's refusals carry Lakeside as organization; the patient filter holds them.
    assert _values(by_id[next(k for k, v in expected.items() if v[0] == "proxied")], "urn:medchain:organization", "agent") == [L]
    mine = fhir_audit.audit_events(str(db), patient=p["patient"], since_block=w["first"], until_block=w["last"])
    assert {e["id"] for e in mine} == set(by_id)
