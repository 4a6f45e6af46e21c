"""Questions researchers ask of an index: summary, de-identified export, audits, plots."""
from __future__ import annotations

import json
import os
from typing import Optional

from . import db, deid
from .chain import Chain, blake2_256
from .deid import Pseudonymizer  # noqa: F401  (public: medchain_research.analysis.Pseudonymizer)
from .ss58 import ss58_decode

ROLES = ["Provider", "Pharmacy", "Manufacturer", "Distributor", "Regulator", "TrialSponsor", "Researcher", "Insurer"]
CATEGORIES = ["Demographics", "Encounters", "Diagnoses", "Medications", "LabResults", "Imaging", "Genomics", "MentalHealth", "Other"]


def _con(db_path: str):
    if not os.path.exists(db_path):
        raise FileNotFoundError(f"no index at {db_path}: run `medchain-research index` first")
    return db.connect(db_path, read_only=True)


# ---------------------------------------------------------------------------
# summary
# ---------------------------------------------------------------------------

def summary(db_path: str) -> dict:
    """The chain's public facts in numbers, as of the last indexed (finalized) block.

    Active consents: granted, not revoked, not expired at the last indexed block's time, of a
    patient who has not deregistered; emergency (break-glass) consents are counted apart.
    """
    con = _con(db_path)
    try:
        q = lambda sql, *p: con.execute(sql, list(p)).fetchall()  # noqa: E731
        last = int(db.get_meta(con, "last_block", -1))
        now = q("SELECT ts FROM blocks WHERE number = ?", last)
        now = now[0][0] if now else None
        roles = {}
        for i, r in enumerate(ROLES):
            n = q("SELECT count(*) FROM organizations WHERE roles & ? <> 0", 1 << i)[0][0]
            if n:
                roles[r] = n
        active_filter = ("c.revoked_block IS NULL AND (c.expires_at IS NULL OR c.expires_at > ?) "
                         "AND NOT EXISTS (SELECT 1 FROM patients p WHERE p.account = c.patient AND p.deregistered_block IS NOT NULL)")
        active: dict = {}
        for i, cat in enumerate(CATEGORIES):
            for purpose, n in q(f"SELECT purpose, count(*) FROM consents c WHERE NOT emergency AND categories & ? <> 0 AND {active_filter} GROUP BY purpose",
                                1 << i, now):
                active.setdefault(purpose, {})[cat] = n
        active = {p: dict(sorted(v.items())) for p, v in sorted(active.items())}
        emergency = q(f"SELECT count(*) FROM consents c WHERE emergency AND {active_filter}", now)[0][0]
        rec: dict = {}
        for cat, month, n in q("SELECT category, strftime(ts, '%Y-%m') AS m, count(*) FROM records GROUP BY ALL ORDER BY ALL"):
            rec.setdefault(cat, {})[month] = n
        rb = q("SELECT count(*), coalesce(sum(leaf_count), 0) FROM record_batches")[0]
        trials = {"Complete": 0, "OutcomeSwitched": 0, "NotPublished": 0}
        for status, n in q("SELECT CASE WHEN status IN ('Complete', 'OutcomeSwitched') THEN status ELSE 'NotPublished' END, count(*) FROM trials GROUP BY 1"):
            trials[status] = n
        return {
            "as_of_block": last,
            "as_of": now.isoformat() if now else None,
            "organizations_by_role": dict(sorted(roles.items())),
            "registered_patients": q("SELECT count(*) FROM patients WHERE deregistered_block IS NULL")[0][0],
            "active_consents": active,
            "emergency_consents_active": emergency,
            "records_by_category_month": dict(sorted(rec.items())),
            "record_batches": {"batches": rb[0], "documents": int(rb[1])},
            "drug_batches": {
                "commissioned": q("SELECT count(*) FROM batches")[0][0],
                "recalled": q("SELECT count(*) FROM batches WHERE recalled_block IS NOT NULL")[0][0],
                "suspect_reports": q("SELECT count(*) FROM suspect_reports")[0][0],
                "dispensed_units": q("SELECT count(*) FROM dispenses")[0][0],
            },
            "trials_by_outcome_status": trials,
        }
    finally:
        con.close()


def format_summary(s: dict) -> str:
    out = [f"MedChain summary as of block #{s['as_of_block']} ({s['as_of']})", ""]
    out.append("Organizations by role:")
    out += [f"  {k:<14} {v:>6}" for k, v in s["organizations_by_role"].items()]
    out.append(f"Registered patients: {s['registered_patients']}")
    out.append("Active consents (purpose x category):")
    for p, cats in s["active_consents"].items():
        out.append(f"  {p:<13} " + ", ".join(f"{c} {n}" for c, n in cats.items()))
    out.append(f"  emergency (break-glass) live: {s['emergency_consents_active']}")
    out.append("Records by category and month:")
    for c, months in s["records_by_category_month"].items():
        out.append(f"  {c:<13} " + ", ".join(f"{m}: {n}" for m, n in months.items()))
    rb = s["record_batches"]
    out.append(f"Record batches (anchor_batch): {rb['batches']} batches, {rb['documents']} documents")
    d = s["drug_batches"]
    out.append(f"Drug batches: {d['commissioned']} commissioned, {d['recalled']} recalled, {d['suspect_reports']} suspect reports, {d['dispensed_units']} units dispensed")
    out.append("Trials by outcome reporting: " + ", ".join(f"{k} {v}" for k, v in s["trials_by_outcome_status"].items()))
    return "\n".join(out)


# ---------------------------------------------------------------------------
# export (de-identified)
# ---------------------------------------------------------------------------

# The export's machinery (what each table keeps, coarse times, salted order, the k check) is in deid.py.
EXPORT_TABLES = deid.EXPORT_TABLES


def export(db_path: str, out_dir: str, salt: bytes, formats=("parquet", "csv"), grain: str = deid.DEFAULT_GRAIN,
           k: int = deid.DEFAULT_K) -> dict:
    """Write every entity table, de-identified against a reader holding the whole chain, as
    Parquet and/or CSV under `out_dir` (see deid.py and README "Export"): no block numbers,
    indices, hashes or raw on-chain ids, times coarsened to `grain` ("week", "day", "month"),
    rows in a salted order, and no patient or staff pseudonym shared by fewer than `k` chain
    accounts. Returns {table: {"rows", "files"}} and "export_info" (what was unlinked)."""
    con = _con(db_path)
    try:
        return deid.export(con, out_dir, salt, formats, grain, k)
    finally:
        con.close()


# ---------------------------------------------------------------------------
# trial audit
# ---------------------------------------------------------------------------

def recompute_chain(commits: list[dict]) -> list[str]:
    """hash_i = blake2_256(hash_{i-1} ++ batch_root ++ record_count (u32 LE) ++ submitter), hash_-1 = 0."""
    prev, out = bytes(32), []
    for c in commits:
        prev = blake2_256(prev + bytes.fromhex(c["batch_root"][2:]) + int(c["record_count"]).to_bytes(4, "little") + ss58_decode(c["submitter"]))
        out.append("0x" + prev.hex())
    return out


async def _trial_api(url: str, trial_id: int, block_hash: str):
    async with Chain(url) as c:
        info = await c.runtime_call("ClinicalTrialsApi", "trial", [trial_id], block_hash)
        commits = await c.runtime_call("ClinicalTrialsApi", "data_commits", [trial_id], block_hash)
        ok = await c.runtime_call("ClinicalTrialsApi", "verify_data_chain", [trial_id], block_hash)
        v = lambda x: getattr(x, "value", x)  # noqa: E731
        return v(info), v(commits), bool(v(ok))


def trial_audit(db_path: str, registry_id: str, url: Optional[str] = None) -> dict:
    """Protocol versions, outcome status and the data-commit chain, recomputed and compared."""
    import asyncio

    con = _con(db_path)
    try:
        row = con.execute("SELECT * FROM trials WHERE registry_id = ? ORDER BY trial_id DESC LIMIT 1", [registry_id]).df()
        if row.empty:
            raise KeyError(f"no trial with registry id {registry_id!r} in the index")
        t = row.iloc[0].to_dict()
        tid = int(t["trial_id"])
        versions = con.execute("SELECT version, protocol_hash, reason_hash, outcomes_changed, after_enrollment, block, ts FROM protocol_versions "
                               "WHERE trial_id = ? ORDER BY version", [tid]).df()
        commits = con.execute("SELECT idx, submitter, batch_root, record_count, chain_hash, block FROM data_commits WHERE trial_id = ? ORDER BY idx",
                              [tid]).df()
        last = int(db.get_meta(con, "last_block", -1))
        last_hash = con.execute("SELECT hash FROM blocks WHERE number = ?", [last]).fetchone()[0]
        orgs = dict(con.execute("SELECT account, name FROM organizations").fetchall())
    finally:
        con.close()
    recs = commits.to_dict("records")
    local = recompute_chain(recs)
    commits["recomputed"] = local
    commits["matches_event"] = [a == b for a, b in zip(local, commits["chain_hash"])]
    commits["submitter_name"] = commits["submitter"].map(orgs)
    report = {
        "registry_id": registry_id, "trial_id": tid, "sponsor": orgs.get(t["sponsor"], t["sponsor"]), "as_of_block": last,
        "protocol_versions": versions.to_dict("records"),
        "amended_after_enrollment": bool(versions["after_enrollment"].any()),
        "outcomes_registered": json.loads(t["outcomes"]),
        "status": t["status"], "missing_outcomes": t["missing"], "added_outcomes": t["added"],
        "data_commits": commits.to_dict("records"),
        "local_chain_head": local[-1] if local else "0x" + "00" * 32,
        "local_chain_consistent": bool(commits["matches_event"].all()) if len(commits) else True,
    }
    if url:
        info, api_commits, api_ok = asyncio.run(_trial_api(url, tid, last_hash))
        api_hashes = [c["chain_hash"] for c in api_commits]
        report["runtime_api"] = {
            "verify_data_chain": api_ok,
            "chain_hashes_match_local": api_hashes == local,
            "data_head": info.get("data_head") if info else None,
            "status": info.get("status") if info else None,
            "results": info.get("results") if info else None,
        }
        res = (info or {}).get("results") or {}
        report["missing_outcome_hashes"] = res.get("missing")
        report["added_outcome_hashes"] = res.get("added")
        report["runtime_agrees"] = api_ok and api_hashes == local and (info or {}).get("data_head") == (local[-1] if local else "0x" + "00" * 32)
    problems = []
    if t["status"] == "OutcomeSwitched":
        problems.append(f"outcome switch: {t['missing']} registered outcome(s) missing, {t['added']} outcome(s) added")
    if report["amended_after_enrollment"]:
        problems.append("protocol amended after the first enrollment")
    if not report["local_chain_consistent"]:
        problems.append("data-commit chain does not recompute")
    if url and not report["runtime_agrees"]:
        problems.append("the runtime API's data chain differs from the local recomputation")
    if int(t.get("flags") or 0):
        problems.append(f"flagged by a regulator {int(t['flags'])} time(s)")
    report["flags"] = problems
    report["flagged"] = bool(problems)
    return report


def format_trial_audit(r: dict) -> str:
    out = [f"Trial {r['registry_id']} (id {r['trial_id']}), sponsor {r['sponsor']}, as of block #{r['as_of_block']}"]
    out.append("Protocol versions:")
    for v in r["protocol_versions"]:
        out.append(f"  v{v['version']} block #{v['block']} {v['protocol_hash'][:18]}… outcomes_changed={v['outcomes_changed']} after_enrollment={v['after_enrollment']}")
    out.append(f"Registered outcomes: {len(r['outcomes_registered'])}; status: {r['status']}"
               + (f" (missing {r['missing_outcomes']}, added {r['added_outcomes']})" if r["status"] == "OutcomeSwitched" else ""))
    if r.get("missing_outcome_hashes") or r.get("added_outcome_hashes"):
        out.append(f"  missing (registered, not reported): {r.get('missing_outcome_hashes')}")
        out.append(f"  added (reported, never registered): {r.get('added_outcome_hashes')}")
    out.append("Data commits (chain recomputed locally):")
    for c in r["data_commits"]:
        out.append(f"  #{c['idx']} block #{c['block']} {c['submitter_name'] or '?'}: {c['record_count']} records, {c['chain_hash'][:18]}… "
                   + ("ok" if c["matches_event"] else f"MISMATCH (recomputed {c['recomputed'][:18]}…)"))
    out.append(f"Local head: {r['local_chain_head']}")
    if "runtime_api" in r:
        a = r["runtime_api"]
        out.append(f"Runtime API: verify_data_chain={a['verify_data_chain']}, chain hashes equal local: {a['chain_hashes_match_local']}, data_head {a['data_head']}")
    out.append("FLAGGED: " + "; ".join(r["flags"]) if r["flagged"] else "No findings.")
    return "\n".join(out)
