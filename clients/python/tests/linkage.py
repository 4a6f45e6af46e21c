"""Linkage attacks on a research export by a reader who holds the whole chain (the index).

Written apart from `deid.py` (which runs its own check while exporting) so that the tests do
not trust it: pseudonym columns are recognised by their format in the files, and the colour
refinement is an independent implementation.

The attacker knows the export's code and its public parameters (time grain, k: they are in
export_info.json) but not the salt. They export the chain themselves with a salt of their own,
keeping each row's source key, so they know which chain account each of their pseudonyms is
and which chain event each of their rows is. Then they refine the victim's export and their
own together: a victim pseudonym (or row) can only be a chain account (or event) whose image
in their export got the same colour. The candidates are that colour's members.
"""
from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from medchain_research import db as mdb, deid
from medchain_research.deid import Pseudonymizer
from medchain_research.ss58 import ss58_decode, ss58_encode

PSEUDONYM = re.compile(r"^(acct|id)_[0-9a-f]{24}$")
# The columns that name people (by the exported schema; organizations are public members).
PATIENT_COLUMNS = {"patients": ["account"], "consents": ["patient"], "access_log": ["patient"], "records": ["patient"]}
STAFF_COLUMNS = {"staff": ["account"], "access_log": ["accessor"]}
ATTACKER_SALT = b"the attacker's own salt, not the victim's"

# Integer columns an export may have: counts, codes, bitmasks, versions, orders within one
# subject, and the export-local row number. Anything else integer (a block number, an event
# index, an on-chain id) fails assert_nothing_locates_a_row.
MEASURES = {"row", "roles", "attestations", "categories", "version", "leaf_count", "quantity", "recall_reason", "reason_code", "holders",
            "in_transit", "protocol_version", "outcomes_registered", "planned_enrollment", "enrolled", "withdrawn", "commit_count",
            "missing", "added", "flags", "seq", "record_count", "events"}
# Public values kept as they are: names of consortium members, products, trials; categories.
PUBLIC = {"name", "status", "gtin", "lot", "expiry", "registry_id", "category", "purpose", "kind", "detail", "reason", "pallet"}
BANNED_NAMES = re.compile(r"^(block|idx|extrinsic|hash|ts|number|expires_at|.*_block|.*_ts|.*_hash|.*_root|.*commitment)$")


def missing(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def norm(v):
    """A value as the attacker compares it: None for any missing value, plain Python otherwise."""
    if missing(v):
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "item") and not isinstance(v, str):
        return v.item()
    return v


def pseudonym_columns(*frames: pd.DataFrame) -> list[str]:
    """Columns whose values (in any of the frames) are all pseudonyms, and at least one is."""
    cols = []
    for c in frames[0].columns:
        vals = pd.concat([f[c] for f in frames if c in f.columns]).dropna()
        if len(vals) and vals.astype(str).str.fullmatch(PSEUDONYM).all():
            cols.append(c)
    return cols


def refine(graphs: dict[str, dict[str, pd.DataFrame]]):
    """Colour refinement over several exports at once. Nodes: every row (initial colour: its
    table and its non-pseudonym values, `row` and `_`-columns excepted) and every pseudonym
    (one initial colour); edges: row -- pseudonym, labelled table.column. Returns
    (colour of each node, {(tag, table): [row node, ...]}); a pseudonym node is (tag, value)."""
    tables = sorted({t for frames in graphs.values() for t in frames if t != "event_counts"})
    pcols = {t: pseudonym_columns(*[frames[t] for frames in graphs.values() if t in frames]) for t in tables}
    label, adj, rows = {}, defaultdict(list), {}
    for tag, frames in graphs.items():
        for t in tables:
            df = frames.get(t)
            if df is None:
                continue
            pub = sorted(c for c in df.columns if c not in pcols[t] and c != "row" and not c.startswith("_"))
            ids = []
            for i, rec in enumerate(df.to_dict("records")):
                n = ("row", tag, t, i)
                label[n] = (t, tuple((c, norm(rec[c])) for c in pub))
                for c in pcols[t]:
                    if c in rec and not missing(rec[c]):
                        m = (tag, rec[c])
                        label.setdefault(m, "pseudonym")
                        adj[n].append((f"{t}.{c}", m))
                        adj[m].append((f"{t}.{c}", n))
                ids.append(n)
            rows[(tag, t)] = ids

    def ids(sig: dict) -> dict:
        seen: dict = {}
        return {n: seen.setdefault(s, len(seen)) for n, s in sig.items()}

    colour = ids(label)
    classes = len(set(colour.values()))
    while True:
        new = ids({n: (colour[n], tuple(sorted((e, colour[m]) for e, m in adj.get(n, ())))) for n in label})
        n_new = len(set(new.values()))
        colour = new
        if n_new == classes:
            return colour, rows
        classes = n_new


def people(frames: dict[str, pd.DataFrame], columns: dict) -> set:
    out = set()
    for t, cols in columns.items():
        for c in cols:
            if t in frames and c in frames[t].columns:
                out |= set(frames[t][c].dropna())
    return out


class Attack:
    """The victim export refined together with the attacker's own export of the same chain.

    attacker: the attacker's frames, with `_key` (the source row) kept; accounts: {attacker
    pseudonym: chain account} (the attacker hashes every chain account with their salt)."""

    def __init__(self, victim: dict, attacker: dict, accounts: dict):
        self.victim, self.attacker, self.accounts = victim, attacker, accounts
        self.colour, self.rows = refine({"victim": victim, "attacker": attacker})
        self.members = defaultdict(list)
        for n, c in self.colour.items():
            self.members[c].append(n)

    def accounts_of(self, pseudonym) -> set:
        """The chain accounts a victim pseudonym can be."""
        c = self.colour[("victim", pseudonym)]
        return {self.accounts[v] for tag, v in (m for m in self.members[c] if m[0] == "attacker")}

    def events_of(self, table: str, i: int) -> list:
        """The source rows (their keys) victim row i (0-based, in file order) can be."""
        c = self.colour[self.rows[("victim", table)][i]]
        keys = self.attacker[table]["_key"]
        return [keys.iloc[m[3]] for m in self.members[c] if m[0] == "row" and m[1] == "attacker"]

    def unique_by(self, table: str, i: int, limit: int = 3) -> list[tuple]:
        """The smallest column sets on which victim row i agrees with exactly one attacker row
        (pseudonym columns compared by their pseudonym's colour, empty ones left out): what
        makes it unique on chain."""
        v = self.victim[table]
        a = self.attacker[table]
        pc = pseudonym_columns(v, a)
        cols = [c for c in v.columns if c != "row" and not c.startswith("_")]

        def view(df, tag, j, c):
            x = df[c].iloc[j]
            if c in pc:
                return None if missing(x) else ("colour", self.colour[(tag, x)])
            return norm(x)

        target = {c: view(v, "victim", i, c) for c in cols}
        cols = [c for c in cols if not (c in pc and target[c] is None)]  # an empty pseudonym is no value to match on
        av = [{c: view(a, "attacker", j, c) for c in cols} for j in range(len(a))]
        found = []
        for r in range(1, len(cols) + 1):
            for subset in itertools.combinations(cols, r):
                if any(set(f) <= set(subset) for f in found):
                    continue
                if sum(all(x[c] == target[c] for c in subset) for x in av) == 1:
                    found.append(subset)
                    if len(found) >= limit:
                        return found
        return found


# ---------------------------------------------------------------------------
# the export, the chain, and the attacker's view
# ---------------------------------------------------------------------------

def load(out: Path) -> dict[str, pd.DataFrame]:
    return {f.stem: pq.read_table(f).to_pandas() for f in sorted(Path(out).glob("*.parquet"))}


def chain_accounts(con) -> set:
    accs = set()
    for t, cols in mdb.ACCOUNT_COLUMNS.items():
        for c in cols:
            accs |= {r[0] for r in con.execute(f"SELECT DISTINCT {c} FROM {t} WHERE {c} IS NOT NULL").fetchall()}
    return accs


def attack(con, victim: dict, info: dict) -> Attack:
    """The attacker exports the chain with their own salt and the victim's public parameters
    (export_info.json), keeping each row's source key, and refines both exports together."""
    mine, _ = deid.prepare(con, ATTACKER_SALT, info["time_grain"], info["k"], keep_keys=True)
    pz = Pseudonymizer(ATTACKER_SALT)
    return Attack(victim, mine, {pz.account(a): a for a in chain_accounts(con)})


def truth(con, salt: bytes, info: dict):
    """Ground truth the attacker lacks: the victim's frames with each row's source key, and
    {victim pseudonym: chain account}."""
    frames, _ = deid.prepare(con, salt, info["time_grain"], info["k"], keep_keys=True)
    pz = Pseudonymizer(salt)
    return frames, {pz.account(a): a for a in chain_accounts(con)}


def source_locators(con) -> tuple[set, set]:
    """Every value of the index that locates something on chain: (strings, integers)."""
    strings, ints = set(), set()
    q = lambda sql: [r[0] for r in con.execute(sql).fetchall() if r[0] is not None]  # noqa: E731
    for a in chain_accounts(con):
        pk = ss58_decode(a)
        strings |= {a, pk.hex(), "0x" + pk.hex(), ss58_encode(pk, 42)}
    for h in q("SELECT hash FROM blocks"):
        strings |= {h, h[2:]}
    for data in q("SELECT data FROM events"):  # record ids, hashes, roots, commitments
        for h in re.findall(r"0x[0-9a-fA-F]{16,}", data):
            strings |= {h, h[2:]}
    ints |= set(q("SELECT number FROM blocks")) | set(q("SELECT idx FROM events")) | set(q("SELECT extrinsic FROM events"))
    for t, c in [("consents", "consent_id"), ("record_batches", "batch_id"), ("batches", "batch_id"), ("shipments", "shipment_id"),
                 ("trials", "trial_id")]:
        ids = set(q(f"SELECT {c} FROM {t}"))
        ints |= ids
        strings |= {str(i) for i in ids}
    return strings, ints


def assert_nothing_locates_a_row(out: Path, con, grain: str = "week") -> dict:
    """No table or column that locates a row on chain, no on-chain value in any column or in
    the files' bytes, times coarse. Returns what was checked, for the caller's sanity checks."""
    files = load(out)
    assert set(files) == set(deid.EXPORT_TABLES) | {"event_counts"}, sorted(files)
    assert not any((Path(out) / f"{t}.{x}").exists() for t in ("blocks", "events", "meta") for x in ("csv", "parquet"))
    strings, ints = source_locators(con)
    on_grain = {"week": lambda d: d.weekday() == 0, "day": lambda d: True, "month": lambda d: d.day == 1}[grain]
    found, checked = [], 0
    for table, df in files.items():
        for c in df.columns:
            assert not BANNED_NAMES.match(c), f"{table}.{c}: a locator column survived"
            col = df[c]
            if pd.api.types.is_integer_dtype(col) or pd.api.types.is_float_dtype(col):
                assert c in MEASURES, f"{table}.{c} is an integer column and not a known measure: a block, index or id?"
                continue
            if c.endswith("period"):
                bad = [v for v in col if not missing(v) and not (type(v) is dt.date and on_grain(v))]
                assert not bad, f"{table}.{c} holds {bad[:3]}: not the first day of a {grain}"
                continue
            for v in col:
                if missing(v) or isinstance(v, (bool, dt.date)):
                    continue
                s = str(v)
                checked += 1
                if s in strings:
                    found.append((table, c, s))
                elif c not in PUBLIC:
                    assert PSEUDONYM.fullmatch(s), f"{table}.{c} = {s!r}: neither a pseudonym nor a public value"
    assert not found, f"on-chain values in the export: {found[:10]}"
    long_strings = [s.lower() for s in strings if len(s) >= 16]
    for f in sorted(Path(out).iterdir()):
        data = f.read_bytes().decode("latin-1").lower()
        hits = [s for s in long_strings if s in data]
        assert not hits, f"{f.name} contains {hits[:3]}"
    return {"strings": len(strings), "ints": len(ints), "values_checked": checked}


def assert_people_hidden(atk: Attack, victim: dict, true_account: dict, k: int) -> tuple[set, set]:
    """Every patient and staff pseudonym of the victim matches >= k chain accounts, the true
    one among them (the attack is sound)."""
    pats, staff = people(victim, PATIENT_COLUMNS), people(victim, STAFF_COLUMNS)
    for p in pats | staff:
        cands = atk.accounts_of(p)
        assert true_account[p] in cands, "unsound attack: the true account is not a candidate"
        assert len(cands) >= k, f"{p} matches only {len(cands)} chain account(s)"
    return pats, staff
