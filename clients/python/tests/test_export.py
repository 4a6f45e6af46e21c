"""The research export against a reader who holds the whole chain.

Offline: a synthetic index (tests/synthetic.py, built through the indexer's own fold) is
exported, and the export is attacked with the index in hand (tests/linkage.py)."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import synthetic
from conftest import HERE, run_cli
from linkage import (PATIENT_COLUMNS, STAFF_COLUMNS, Attack, assert_nothing_locates_a_row, assert_people_hidden, attack, load, missing,
                     people, pseudonym_columns, truth)
from medchain_research import analysis, deid

K = 3  # the synthetic patients come in cohorts of up to 4: k = 3 keeps some linked, unlinks others
SALT_A = b"researcher A's secret salt 0001"
SALT_B = b"researcher B's secret salt 0002"


# ---------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def src(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("synthetic") / "medchain.duckdb")
    meta = synthetic.build(path)
    return {**meta, "path": path}


@pytest.fixture(scope="module")
def con(src):
    c = duckdb.connect(src["path"], read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def out_a(src, tmp_path_factory):
    out = tmp_path_factory.mktemp("export_a")
    analysis.export(src["path"], str(out), SALT_A, k=K)
    return out


@pytest.fixture(scope="module")
def out_b(src, tmp_path_factory):
    """Researcher B exports the same index with another salt, through the CLI."""
    out = tmp_path_factory.mktemp("export_b")
    salt = out.parent / "salt_b"
    salt.write_bytes(SALT_B)
    run_cli("export", "--db", src["path"], "--out", out, "--salt-file", salt, "--k", K)
    return out


# ---------------------------------------------------------------------------
# (1) nothing locates a row on chain
# ---------------------------------------------------------------------------

def test_nothing_locates_a_row_on_chain(out_a, con):
    checked = assert_nothing_locates_a_row(out_a, con)
    # The index does hold locators, and the export was looked at, so the checks above can fail.
    assert checked["ints"] > 500 and checked["strings"] > 1000 and checked["values_checked"] > 1000


def test_rows_are_in_a_salted_order_not_the_chain_order(out_a, out_b, con, src):
    a, b = load(out_a), load(out_b)
    info = json.loads((out_a / "export_info.json").read_text())
    ta, _ = truth(con, SALT_A, info)
    tb, _ = truth(con, SALT_B, info)
    for table, df in a.items():
        if table == "event_counts":
            continue
        assert list(df["row"]) == list(range(1, len(df) + 1))
        # The files are the frames the ground truth was taken from, row for row.
        pd.testing.assert_frame_equal(df, ta[table].drop(columns="_key"), check_dtype=False)
    # In chain order periods never decrease; in the export's order they go back and forth.
    for table in ("access_log", "records", "consents"):
        p = [x for x in a[table]["period" if "period" in a[table] else "granted_period"]]
        down = sum(x > y for x, y in zip(p, p[1:]))
        assert down > len(p) // 5, f"{table}: rows look chain-ordered ({down} decreases in {len(p)} rows)"
        # The same row number is another source row in another researcher's export.
        same = sum(x == y for x, y in zip(ta[table]["_key"], tb[table]["_key"]))
        assert same < len(p) // 10, f"{table}: {same} of {len(p)} row numbers point at the same source row under two salts"


# ---------------------------------------------------------------------------
# (1) the linkage attack
# ---------------------------------------------------------------------------

def source_patient_of_access(con) -> dict:
    return {f"{b}:{i}": p for b, i, p in con.execute("SELECT block, idx, patient FROM access_log").fetchall()}


def test_linkage_attack_finds_no_person(out_a, con):
    """Every patient and staff pseudonym left in the export matches >= k chain accounts, and
    the true one is among them (the attack is sound). Every access-log row that names a person
    is ambiguous among >= k chain events of >= k different patients; the rows that are unique
    on chain name nobody (their person pseudonyms were unlinked): the columns that make them
    unique are printed."""
    victim = load(out_a)
    info = json.loads((out_a / "export_info.json").read_text())
    atk = attack(con, victim, info)
    frames, true_account = truth(con, SALT_A, info)
    pats, staff = assert_people_hidden(atk, victim, true_account, K)
    assert len(pats) == info["patients_linked"] and len(staff) == info["staff_linked"]
    assert 0 < len(pats) < src_patients(con), "the synthetic data must leave some patients linked and unlink others"
    patient_of = source_patient_of_access(con)
    log = victim["access_log"]
    person_cols = [c for c in ("patient", "accessor") if c in log.columns]
    unique, sizes = [], []
    for i in range(len(log)):
        events = atk.events_of("access_log", i)
        assert frames["access_log"]["_key"].iloc[i] in events, "unsound attack: the true event is not a candidate"
        sizes.append(len(events))
        names_person = any(not missing(log[c].iloc[i]) for c in person_cols)
        if names_person:
            assert len(events) >= K, f"access_log row {i + 1} names a person and matches only {len(events)} chain event(s)"
            assert len({patient_of[e] for e in events}) >= K, f"access_log row {i + 1}: its candidate events are of < {K} patients"
        elif len(events) == 1:
            unique.append(i)
    print(f"\naccess_log: {len(log)} rows, {len(log) - len(unique)} ambiguous (median {sorted(sizes)[len(sizes) // 2]} candidate events), "
          f"{len(unique)} unique on chain, none of which names a person")
    for i in unique[:5]:
        print(f"  row {i + 1} is unique by {atk.unique_by('access_log', i)}")


def src_patients(con) -> int:
    return con.execute("SELECT count(*) FROM patients").fetchone()[0]


@pytest.mark.parametrize("cohorts", [True, False], ids=["cohorts", "independent-times"])
def test_without_k_the_attack_reidentifies(cohorts, tmp_path):
    """The attack is not toothless: with k = 1 (every history linked; times coarsened all the
    same) it resolves patients to their one chain account: those alone in their cohort, and,
    when every patient's events fall at their own times, every patient, at any time grain."""
    path = str(tmp_path / "medchain.duckdb")
    synthetic.build(path, cohorts=cohorts)
    c = duckdb.connect(path, read_only=True)
    try:
        for grain in ("week", "month") if not cohorts else ("week",):
            out = tmp_path / f"k1-{grain}"
            analysis.export(path, str(out), SALT_A, formats=("parquet",), grain=grain, k=1)
            victim = load(out)
            info = json.loads((out / "export_info.json").read_text())
            assert info["patients_unlinked"] == 0
            atk = attack(c, victim, info)
            _, true_account = truth(c, SALT_A, info)
            pats = people(victim, PATIENT_COLUMNS)
            resolved = [p for p in pats if atk.accounts_of(p) == {true_account[p]}]
            print(f"\nk = 1, {'cohorts' if cohorts else 'independent times'}, {grain}: {len(resolved)} of {len(pats)} patients "
                  "re-identified by their coarse history alone")
            assert len(resolved) > (len(pats) // 10 if cohorts else len(pats) * 9 // 10)
    finally:
        c.close()


# ---------------------------------------------------------------------------
# (2) two researchers' exports cannot be joined
# ---------------------------------------------------------------------------

def test_exports_with_different_salts_cannot_be_joined(out_a, out_b):
    a, b = load(out_a), load(out_b)
    # No pseudonym of one export appears anywhere in the other.
    pa_ = {v for df in a.values() for c in pseudonym_columns(df) for v in df[c].dropna()}
    pb_ = {v for df in b.values() for c in pseudonym_columns(df) for v in df[c].dropna()}
    assert pa_ and pb_ and not pa_ & pb_
    # Joining on one column: a value that singles out one row in A and one row in B pairs them.
    # In the tables that name people, no such pair may name a person (it would link A's
    # pseudonym to B's); the public tables (organizations, products, drug batches, trials)
    # may pair up, as their rows are public acts of consortium members.
    person_cols = {t: PATIENT_COLUMNS.get(t, []) + STAFF_COLUMNS.get(t, []) for t in set(PATIENT_COLUMNS) | set(STAFF_COLUMNS)}
    person_cols["participants"] = ["consent_id"]  # a participant's consent is a patient's
    paired, public_pairs = 0, set()
    for t in a:
        for c in a[t].columns:
            if c == "row":
                continue
            na, nb = a[t][c].dropna().astype(str).value_counts(), b[t][c].dropna().astype(str).value_counts()
            for v in set(na[na == 1].index) & set(nb[nb == 1].index):
                if t not in person_cols:
                    public_pairs.add(f"{t}.{c}")
                    continue
                paired += 1
                for side in (a, b):
                    row = side[t][side[t][c].astype(str) == v].iloc[0]
                    assert all(missing(row[x]) for x in person_cols[t]), f"{t}.{c} = {v!r} pairs rows that name a person across salts"
    print(f"\nsingle-column pairs across salts: {paired} rows of person tables (none naming a person); "
          f"public tables: {sorted(public_pairs)}")
    # And by history: each person linked in A matches >= k people of B (refined together).
    atk = Attack(a, b, {v: v for v in pb_})
    for p in people(a, PATIENT_COLUMNS) | people(a, STAFF_COLUMNS):
        assert len(atk.accounts_of(p)) >= K


# ---------------------------------------------------------------------------
# (3) the research questions of the README still work on the export
# ---------------------------------------------------------------------------

README_QUERIES = {
    "lab_results_per_hospital_and_week": """
SELECT o.name AS hospital, r.period AS week, count(*) AS records,
       count(DISTINCT r.patient) AS linked_patients
FROM 'export/records.parquet' r JOIN 'export/organizations.parquet' o ON o.account = r.author
WHERE r.category = 'LabResults'
GROUP BY ALL ORDER BY week, records DESC
""",
    "accesses_per_organization_and_week": """
SELECT o.name AS organization, a.period AS week, a.purpose, a.emergency, count(*) AS accesses
FROM 'export/access_log.parquet' a JOIN 'export/organizations.parquet' o ON o.account = a.organization
GROUP BY ALL ORDER BY ALL
""",
    "consents_by_purpose": """
SELECT purpose, count(*) AS consents, count(*) FILTER (revoked_period IS NULL) AS not_revoked
FROM 'export/consents.parquet' GROUP BY purpose ORDER BY purpose
""",
    "records_of_linked_patients_by_research_consent": """
SELECT research, count(*) AS patients, avg(records) AS records_per_patient
FROM (SELECT p.account,
             EXISTS (SELECT 1 FROM 'export/consents.parquet' c
                     WHERE c.patient = p.account AND c.purpose = 'Research') AS research,
             (SELECT count(*) FROM 'export/records.parquet' r WHERE r.patient = p.account) AS records
      FROM 'export/patients.parquet' p WHERE p.account IS NOT NULL)
GROUP BY research ORDER BY research
""",
}


def run_query(sql: str, out: Path) -> pd.DataFrame:
    c = duckdb.connect()
    try:
        return c.execute(sql.replace("'export/", f"'{out}/")).df()
    finally:
        c.close()


def test_readme_queries_work_on_the_export(out_a, con):
    readme = (HERE / "README.md").read_text()
    for name, sql in README_QUERIES.items():
        assert sql.strip() in readme, f"README no longer shows the query {name}"
    info = json.loads((out_a / "export_info.json").read_text())
    week = lambda col: f"CAST(date_trunc('week', {col}) AS DATE)"  # noqa: E731
    # Counts are exact: the same numbers as the index gives, per week.
    got = run_query(README_QUERIES["lab_results_per_hospital_and_week"], out_a)
    want = con.execute(f"SELECT o.name AS hospital, {week('r.ts')} AS week, count(*) AS records FROM records r "
                       "JOIN organizations o ON o.account = r.author WHERE r.category = 'LabResults' GROUP BY ALL").df()
    assert len(got) > 3 and got["records"].sum() == want["records"].sum()
    assert (got.set_index(["hospital", "week"])["records"].sort_index().to_dict()
            == {(h, pd.Timestamp(w)): n for h, w, n in want.itertuples(index=False)})
    assert (got["linked_patients"] <= got["records"]).all()
    got = run_query(README_QUERIES["accesses_per_organization_and_week"], out_a)
    want = con.execute(f"SELECT o.name AS organization, {week('a.ts')} AS week, a.purpose, a.emergency, count(*) AS accesses FROM access_log a "
                       "JOIN organizations o ON o.account = a.organization GROUP BY ALL ORDER BY ALL").df()
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False)
    assert got["emergency"].any()
    got = run_query(README_QUERIES["consents_by_purpose"], out_a)
    want = con.execute("SELECT purpose, count(*) AS consents, count(*) FILTER (revoked_block IS NULL) AS not_revoked "
                       "FROM consents GROUP BY purpose ORDER BY purpose").df()
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    # Longitudinal questions over the linked patients give the index's answer for them.
    got = run_query(README_QUERIES["records_of_linked_patients_by_research_consent"], out_a)
    assert got["patients"].sum() == info["patients_linked"] > 0
    _, true_account = truth(con, SALT_A, info)
    linked = [true_account[p] for p in load(out_a)["patients"]["account"].dropna()]
    con.register("linked", pd.DataFrame({"account": linked}))
    want = con.execute("SELECT research, count(*) AS patients, avg(records) AS records_per_patient FROM ("
                       " SELECT l.account, EXISTS (SELECT 1 FROM consents c WHERE c.patient = l.account AND c.purpose = 'Research') AS research,"
                       " (SELECT count(*) FROM records r WHERE r.patient = l.account) AS records FROM linked l) GROUP BY research ORDER BY research").df()
    con.unregister("linked")
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


# ---------------------------------------------------------------------------
# options and the export's own report
# ---------------------------------------------------------------------------

def test_time_grains_and_the_exports_own_report(src, con, out_a, tmp_path):
    info = json.loads((out_a / "export_info.json").read_text())
    assert info["time_grain"] == "week" and info["k"] == K
    assert info["smallest_class_of_a_linked_person"] >= K
    assert set(info["tables"]) == set(deid.EXPORT_TABLES) | {"event_counts"}
    for grain in ("day", "month"):
        out = tmp_path / grain
        run_cli("export", "--db", src["path"], "--out", out, "--salt", SALT_A.decode(), "--time", grain, "--format", "parquet")
        assert_nothing_locates_a_row(out, con, grain)
        info = json.loads((out / "export_info.json").read_text())
        assert info["time_grain"] == grain and info["k"] == deid.DEFAULT_K
    with pytest.raises(ValueError):
        analysis.export(src["path"], str(tmp_path / "bad"), SALT_A, grain="hour")
