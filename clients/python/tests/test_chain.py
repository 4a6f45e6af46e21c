"""Against a real dev node seeded by the demo seeder (see conftest.py)."""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from conftest import HERE, run_cli
from linkage import assert_nothing_locates_a_row, assert_people_hidden, attack, load, truth
from medchain_research import analysis, db as mdb
from medchain_research.chain import Chain
from medchain_research.ss58 import ss58_encode
from medchain_research.trace import batch_trace, holdings, plot_recalls, plot_records

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_seeder_wrote_what_it_promised(manifest):
    # A guard against a vacuous comparison: the seeder actually wrote a realistic data set.
    e = manifest["expected_summary"]
    assert e["registered_patients"] >= 100
    assert e["organizations_by_role"]["Provider"] >= 3
    assert sum(sum(v.values()) for v in e["records_by_category_month"].values()) >= 2 * e["registered_patients"]
    assert e["drug_batches"]["recalled"] == 1 and e["drug_batches"]["suspect_reports"] == 1
    assert e["trials_by_outcome_status"]["OutcomeSwitched"] == 1


def test_summary_equals_what_the_seeder_wrote(index_db, manifest):
    t = time.time()
    s = analysis.summary(index_db)
    elapsed = time.time() - t
    expected = manifest["expected_summary"]
    for key, want in expected.items():
        assert s[key] == want, f"summary[{key!r}] = {s[key]!r}, the seeder wrote {want!r}"
    assert s["as_of_block"] >= manifest["last_block"]
    assert elapsed < 1.0, f"summary took {elapsed:.2f}s"
    # The CLI prints the same numbers.
    cli = json.loads(run_cli("summary", "--db", index_db, "--json").stdout)
    assert {k: cli[k] for k in expected} == expected


def test_index_holds_finalized_blocks_of_this_chain(index_db, node):
    con = duckdb.connect(index_db, read_only=True)
    rows = con.execute("SELECT number, hash FROM blocks ORDER BY number").fetchall()
    last = int(mdb.get_meta(con, "last_block"))
    con.close()
    assert [r[0] for r in rows] == list(range(0, last + 1)), "blocks missing or duplicated"

    async def check():
        async with Chain(node["url"]) as c:
            assert last <= await c.finalized_number()
            for n, h in rows[:: max(1, len(rows) // 10)] + [rows[-1]]:
                assert await c.block_hash(n) == h

    asyncio.run(check())


def _scan_secrets(manifest):
    s = manifest["secrets"]
    needles = set()
    for pk in s["accounts"]:
        needles |= {pk, ss58_encode(bytes.fromhex(pk), 4242), ss58_encode(bytes.fromhex(pk), 42)}
    needles |= set(s["commitments"]) | set(s["content_hashes"]) | set(s["locators"])
    raw = {bytes.fromhex(x) for x in s["accounts"] + s["commitments"] + s["content_hashes"]}
    return needles, raw


def test_export_is_deidentified(index_db, manifest, tmp_path):
    needles, raw = _scan_secrets(manifest)
    # Sanity: the index itself does hold accounts and commitments, so the scan below can fail.
    con = duckdb.connect(index_db, read_only=True)
    held = {r[0][2:] for r in con.execute("SELECT content_hash FROM records").fetchall()}
    accounts = {r[0] for r in con.execute("SELECT patient FROM records").fetchall()}
    con.close()
    assert held & set(manifest["secrets"]["content_hashes"]) and accounts & needles

    salt = tmp_path / "salt"
    salt.write_bytes(b"a researcher's own secret salt 0123")
    out = tmp_path / "export"
    run_cli("export", "--db", index_db, "--out", out, "--salt-file", salt)
    files = sorted(out.iterdir())
    assert any(f.suffix == ".parquet" for f in files) and any(f.suffix == ".csv" for f in files)
    found = []
    for f in files:
        data = f.read_bytes()
        text = data.decode("latin-1").lower()
        if f.suffix == ".parquet":
            table = pq.read_table(f)
            text += "\n" + json.dumps(table.to_pylist(), default=str).lower()
        for n in needles:
            if n.lower() in text:
                found.append((f.name, n))
        for r in raw:
            if r in data:
                found.append((f.name, r.hex()))
    assert not found, f"identifying values in the export: {found[:10]}"
    # Against a reader who holds the whole chain (tests/linkage.py, as in test_export.py on
    # synthetic data): no block number, index, hash or on-chain id, times to the week; every
    # patient pseudonym left matches >= k chain accounts under colour refinement.
    info = json.loads((out / "export_info.json").read_text())
    assert (info["time_grain"], info["k"]) == ("week", 5)
    con = duckdb.connect(index_db, read_only=True)
    try:
        assert_nothing_locates_a_row(out, con)
        victim = load(out)
        _, true_account = truth(con, salt.read_bytes().strip(), info)
        pats, staff = assert_people_hidden(attack(con, victim, info), victim, true_account, info["k"])
    finally:
        con.close()
    print(f"\nexport: {len(pats)} patients linked, {info['patients_unlinked']} unlinked (k = {info['k']}); {len(staff)} staff linked")
    assert len(pats) == info["patients_linked"] > 0
    # Accounts became stable pseudonyms: the same patient keeps one pseudonym across tables.
    rec = pq.read_table(out / "records.parquet").to_pandas()
    pat = pq.read_table(out / "patients.parquet").to_pandas()
    linked = rec["patient"].dropna()
    assert len(linked) and linked.str.startswith("acct_").all()
    assert set(linked) <= set(pat["account"].dropna())
    assert "content_hash" not in rec.columns and "participant_commitment" not in pq.read_table(out / "participants.parquet").column_names
    # Same salt, same pseudonyms (and the same people unlinked); another salt, other pseudonyms.
    out2, out3 = tmp_path / "again", tmp_path / "other"
    analysis.export(index_db, str(out2), salt.read_bytes().strip(), ("parquet",))
    analysis.export(index_db, str(out3), b"another researcher's salt 9876", ("parquet",))
    again = pq.read_table(out2 / "patients.parquet").to_pandas()
    other = pq.read_table(out3 / "patients.parquet").to_pandas()
    assert list(again["account"].fillna("-")) == list(pat["account"].fillna("-"))
    assert not set(other["account"].dropna()) & set(pat["account"].dropna())


def test_trial_audit_flags_the_switched_trial(index_db, manifest, node):
    switched = analysis.trial_audit(index_db, manifest["trials"]["switched"], node["url"])
    assert switched["flagged"] and switched["status"] == "OutcomeSwitched"
    assert (switched["missing_outcomes"], switched["added_outcomes"]) == (1, 1)
    assert len(switched["missing_outcome_hashes"]) == 1 and len(switched["added_outcome_hashes"]) == 1
    assert switched["local_chain_consistent"] and switched["runtime_agrees"]
    assert switched["runtime_api"]["verify_data_chain"] is True
    complete = analysis.trial_audit(index_db, manifest["trials"]["complete"], node["url"])
    assert not complete["flagged"], complete["flags"]
    assert [v["version"] for v in complete["protocol_versions"]] == [1, 2]
    assert len(complete["data_commits"]) == 3
    out = run_cli("trial-audit", manifest["trials"]["switched"], "--db", index_db, "--url", node["url"]).stdout
    assert "FLAGGED" in out and "outcome switch" in out


def test_trial_audit_detects_a_tampered_commit(index_db, manifest, node, tmp_path):
    copy = tmp_path / "tampered.duckdb"
    shutil.copy(index_db, copy)
    con = duckdb.connect(str(copy))
    con.execute("UPDATE data_commits SET record_count = record_count + 1 WHERE idx = 0 AND trial_id = "
                "(SELECT trial_id FROM trials WHERE registry_id = ?)", [manifest["trials"]["complete"]])
    con.close()
    r = analysis.trial_audit(str(copy), manifest["trials"]["complete"], node["url"])
    assert r["flagged"] and not r["local_chain_consistent"] and not r["runtime_agrees"]


def test_batch_trace_renders_png(index_db, manifest, tmp_path):
    png = tmp_path / "trace.png"
    p = run_cli("batch-trace", manifest["gtin"], manifest["lots"]["recalled"], "--db", index_db, "--png", png, "--csv", tmp_path / "t.csv")
    assert "recalled" in p.stdout
    data = png.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 20_000
    df = batch_trace(index_db, manifest["gtin"], manifest["lots"]["double_dispense"])
    kinds = list(df["event"])
    assert kinds[0] == "commissioned" and "suspect_report" in kinds and kinds.count("dispensed") == 4
    h = holdings(df)
    assert sum(h["held"].values()) + h["in_transit"] + kinds.count("dispensed") == df.attrs["quantity"]


def test_plots(index_db, tmp_path):
    for f in (plot_records(index_db, str(tmp_path / "r.png")), plot_recalls(index_db, str(tmp_path / "c.png"))):
        assert Path(f).read_bytes().startswith(PNG_MAGIC)


def test_index_resumes_after_kill_without_duplicates(index_db, node, manifest, tmp_path):
    db = tmp_path / "resume.duckdb"
    cmd = [sys.executable, "-m", "medchain_research", "index", "--url", node["url"], "--db", str(db), "--until", str(manifest["last_block"]),
           "--chunk", "2", "--pause", "0.5"]
    proc = subprocess.Popen(cmd, cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    chunks = 0
    try:
        for line in proc.stdout:
            if line.startswith("indexed blocks"):
                chunks += 1
                if chunks == 3:
                    proc.send_signal(signal.SIGKILL)
                    break
    finally:
        proc.wait(30)
    assert chunks == 3 and proc.returncode == -signal.SIGKILL
    con = duckdb.connect(str(db), read_only=True)
    cursor = int(mdb.get_meta(con, "last_block"))
    con.close()
    assert 0 < cursor < manifest["last_block"], f"kill did not land mid-way (cursor {cursor})"
    run_cli("index", "--url", node["url"], "--db", db, "--until", manifest["last_block"], "--quiet")
    a, b = duckdb.connect(str(db), read_only=True), duckdb.connect(index_db, read_only=True)
    try:
        for table in mdb.TABLES:
            if table == "meta":
                continue
            ca = a.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            cb = b.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert ca == cb, f"{table}: {ca} rows after resume, {cb} in a one-pass index"
        assert a.execute("SELECT count(*) FROM (SELECT block, idx FROM events GROUP BY ALL HAVING count(*) > 1)").fetchone()[0] == 0
        ea = a.execute("SELECT block, idx, pallet, name, data FROM events ORDER BY ALL").fetchall()
        eb = b.execute("SELECT block, idx, pallet, name, data FROM events ORDER BY ALL").fetchall()
        assert ea == eb
    finally:
        a.close()
        b.close()
    # Running again indexes nothing new and changes nothing.
    out = run_cli("index", "--url", node["url"], "--db", db, "--until", manifest["last_block"]).stdout
    assert "indexed 0 blocks" in out
    assert analysis.summary(str(db))["records_by_category_month"] == manifest["expected_summary"]["records_by_category_month"]
