"""The de-identified research export.

The reader it is built against holds the whole chain: every consortium node and every RPC
endpoint serves every block, event, timestamp and account. Against that reader, an export
row is identifying if it can be located on chain (the chain event names the patient, staff
key and organization, and with them every pseudonym in the row), and a pseudonym is
identifying if it can be matched to one chain account. So the export

* carries nothing that locates a row on chain: no block numbers, event or extrinsic indices,
  block or extrinsic hashes, commitments, roots or content hashes, no on-chain ids (consent,
  record, batch, shipment, trial ids) except as salted pseudonyms, no `blocks` table;
* coarsens every time (block times, block numbers of later changes, consent expiries) to the
  first day of its ISO week (`week`, the default), its day (`day`) or its month (`month`);
* writes each table's rows in a salted random order with export-local row numbers `row`;
* and then attacks itself: it matches every pseudonym's whole exported history (its rows in
  every table, their coarse values, and recursively the histories of the pseudonyms those
  rows name) by colour refinement, which is exactly what a reader who runs this export on
  the chain with a salt of their own can compute and compare. A patient or staff member whose
  history is shared by fewer than `k` people is unlinked: that person's pseudonym, and the
  pseudonyms of the consents and records that belong to them, are removed from every row
  (the rows stay, so counts stay exact), and the refinement runs again until every pseudonym
  of a person left in the export is shared by at least `k` chain accounts.

`export_info.json` in the export says what was done (time grain, k, rows per table, persons
kept linked and unlinked, the smallest class of a linked person).
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter

import pandas as pd
import pyarrow as pa

from .ss58 import ss58_decode

GRAINS = ("week", "day", "month")
DEFAULT_GRAIN = "week"
DEFAULT_K = 5

# Pseudonym namespaces. Consent and record ids keep the namespace they always had ("id:"), so
# their pseudonyms stay what they were under the same salt.
ID_NAMESPACES = {"consent": b"id:", "record": b"id:", "trial": b"trial:", "batch": b"batch:", "shipment": b"shipment:"}


class Pseudonymizer:
    """Stable salted pseudonyms: keyed blake2b(salt) of the account's public key (or of the id)."""

    def __init__(self, salt: bytes):
        if len(salt) < 16:
            raise ValueError("the pseudonym salt must be at least 16 bytes: keep it secret, keep it stable")
        self.key = hashlib.blake2b(salt, digest_size=32).digest()

    def _h(self, kind: bytes, data: bytes) -> str:
        return hashlib.blake2b(kind + data, key=self.key, digest_size=12).hexdigest()

    def account(self, v):
        if _missing(v):
            return None
        return "acct_" + self._h(b"account:", ss58_decode(str(v)))

    def ident(self, v, kind: str = "consent"):
        if _missing(v):
            return None
        return "id_" + self._h(ID_NAMESPACES[kind], str(v).encode())

    def order(self, table: str, key) -> str:
        """The sort key of a row: salted, so the export's row order is not the chain's."""
        return self._h(b"row:" + table.encode() + b":", str(key).encode())


def _missing(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


# ---------------------------------------------------------------------------
# what is exported, per table
# ---------------------------------------------------------------------------

def table_specs(grain: str) -> dict:
    """table -> (SELECT over the index, {column: pseudonym kind}). `_key` (dropped before
    writing) is the source row's key, which only seeds the salted order."""
    if grain not in GRAINS:
        raise ValueError(f"time grain must be one of {GRAINS}, not {grain!r}")

    def p(expr: str) -> str:  # a TIMESTAMP -> the first day of its week / day / month
        return f"CAST(date_trunc('{grain}', {expr}) AS DATE)"

    def pb(col: str) -> str:  # a block number -> the same, from that block's time
        return p(f"(SELECT b.ts FROM blocks b WHERE b.number = {col})")

    acct = "account"
    return {
        "organizations": (f"SELECT account, name, roles, status, {pb('registered_block')} AS registered_period, account AS _key "
                          "FROM organizations", {"account": acct}),
        "staff": (f"SELECT account, organization, {pb('added_block')} AS added_period, {pb('removed_block')} AS removed_period, "
                  "account AS _key FROM staff", {"account": acct, "organization": acct}),
        "patients": (f"SELECT account, onboarded_by, {p('registered_ts')} AS registered_period, attestations, "
                     f"{pb('deregistered_block')} AS deregistered_period, account AS _key FROM patients",
                     {"account": acct, "onboarded_by": acct}),
        "consents": (f"SELECT consent_id, patient, grantee, categories, read, write, purpose, {p('expires_at')} AS expires_period, emergency, "
                     f"{p('granted_ts')} AS granted_period, {pb('revoked_block')} AS revoked_period, consent_id AS _key FROM consents",
                     {"consent_id": "consent", "patient": acct, "grantee": acct}),
        "access_log": (f"SELECT patient, consent_id, organization, accessor, record_id, category, purpose, emergency, {p('ts')} AS period, "
                       "concat_ws(':', block, idx) AS _key FROM access_log",
                       {"patient": acct, "consent_id": "consent", "organization": acct, "accessor": acct, "record_id": "record"}),
        # version: 1 for a record, n + 1 for a new version of a version-n record.
        "records": ("WITH RECURSIVE v(record_id, version) AS (SELECT record_id, 1 FROM records WHERE supersedes IS NULL "
                    "UNION ALL SELECT r.record_id, v.version + 1 FROM records r JOIN v ON r.supersedes = v.record_id) "
                    f"SELECT r.record_id, r.patient, r.category, r.author, r.supersedes, v.version, {p('r.ts')} AS period, "
                    f"{pb('r.sealed_block')} AS sealed_period, r.record_id AS _key FROM records r LEFT JOIN v USING (record_id)",
                    {"record_id": "record", "patient": acct, "author": acct, "supersedes": "record"}),
        "record_batches": (f"SELECT author, category, leaf_count, patient IS NOT NULL AS for_patient, {p('ts')} AS period, batch_id AS _key "
                           "FROM record_batches", {"author": acct}),
        "products": (f"SELECT gtin, manufacturer, {pb('block')} AS registered_period, gtin AS _key FROM products", {"manufacturer": acct}),
        "batches": (f"SELECT batch_id, gtin, lot, expiry, quantity, manufacturer, {p('ts')} AS period, {p('recalled_ts')} AS recalled_period, "
                    "recalled_by, recall_reason, batch_id AS _key FROM batches",
                    {"batch_id": "batch", "manufacturer": acct, "recalled_by": acct}),
        "shipments": (f"SELECT shipment_id, batch_id, sender, recipient, quantity, status, {p('sent_ts')} AS sent_period, "
                      f"{pb('closed_block')} AS closed_period, shipment_id AS _key FROM shipments",
                      {"shipment_id": "shipment", "batch_id": "batch", "sender": acct, "recipient": acct}),
        # seq: the event's place in its batch's custody history (the order `batch_trace` replays).
        "custody_events": ("SELECT batch_id, row_number() OVER (PARTITION BY batch_id ORDER BY block, idx) AS seq, kind, party, counterparty, "
                           "quantity, CASE WHEN detail LIKE 'shipment %' THEN TRY_CAST(substr(detail, 10) AS BIGINT) END AS shipment_id, "
                           f"CASE WHEN detail LIKE 'shipment %' THEN NULL ELSE detail END AS detail, {p('ts')} AS period, "
                           "concat_ws(':', block, idx) AS _key FROM custody_events",
                           {"batch_id": "batch", "party": acct, "counterparty": acct, "shipment_id": "shipment"}),
        "dispenses": (f"SELECT batch_id, pharmacy, {p('ts')} AS period, concat_ws(':', batch_id, serial_hash) AS _key FROM dispenses",
                      {"batch_id": "batch", "pharmacy": acct}),
        "recalls": (f"SELECT batch_id, recalled_by, reason_code, holders, in_transit, {p('ts')} AS period, batch_id AS _key FROM recalls",
                    {"batch_id": "batch", "recalled_by": acct}),
        "suspect_reports": (f"SELECT batch_id, reason, reporter, {p('ts')} AS period, concat_ws(':', block, idx) AS _key FROM suspect_reports",
                            {"batch_id": "batch", "reporter": acct}),
        "trials": ("SELECT trial_id, registry_id, sponsor, protocol_version, CAST(json_array_length(outcomes) AS INTEGER) AS outcomes_registered, "
                   f"planned_enrollment, enrolled, withdrawn, {p('registered_ts')} AS registered_period, {pb('locked_block')} AS locked_period, "
                   f"commit_count, status, missing, added, {pb('published_block')} AS published_period, flags, trial_id AS _key FROM trials",
                   {"trial_id": "trial", "sponsor": acct}),
        "protocol_versions": (f"SELECT trial_id, version, outcomes_changed, after_enrollment, {p('ts')} AS period, "
                              "concat_ws(':', trial_id, version) AS _key FROM protocol_versions", {"trial_id": "trial"}),
        "trial_sites": (f"SELECT trial_id, site, {pb('added_block')} AS added_period, {pb('removed_block')} AS removed_period, "
                        "concat_ws(':', trial_id, site) AS _key FROM trial_sites", {"trial_id": "trial", "site": acct}),
        "participants": (f"SELECT trial_id, site, consent_id, {pb('enrolled_block')} AS enrolled_period, {pb('withdrawn_block')} AS withdrawn_period, "
                         "concat_ws(':', trial_id, participant_commitment) AS _key FROM participants",
                         {"trial_id": "trial", "site": acct, "consent_id": "consent"}),
        "data_commits": (f"SELECT trial_id, idx AS seq, submitter, record_count, {p('ts')} AS period, concat_ws(':', trial_id, idx) AS _key "
                         "FROM data_commits", {"trial_id": "trial", "submitter": acct}),
        "trial_flags": (f"SELECT trial_id, regulator, reason_code, {pb('block')} AS period, concat_ws(':', block, idx) AS _key FROM trial_flags",
                        {"trial_id": "trial", "regulator": acct}),
    }


EXPORT_TABLES = list(table_specs(DEFAULT_GRAIN))

# People, by the columns that name them. Organizations are public consortium members; their
# names are exported, so their pseudonyms are not secret and are not counted here.
PATIENT_COLUMNS = {"patients": "account", "consents": "patient", "access_log": "patient", "records": "patient"}
STAFF_COLUMNS = {"staff": "account", "access_log": "accessor"}
# Pseudonyms that belong to one patient: unlinked with the patient.
OWNED_IDS = {"consents": "consent_id", "records": "record_id"}


# ---------------------------------------------------------------------------
# colour refinement: what a reader holding the chain can match
# ---------------------------------------------------------------------------

def _norm(v):
    if _missing(v):
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            return v.item()
        except (ValueError, AttributeError):
            return v
    return v


def public_columns(df: pd.DataFrame, links) -> list[str]:
    return [c for c in df.columns if c not in links and c != "row" and not c.startswith("_")]


def refine(frames: dict[str, pd.DataFrame], links: dict[str, dict]):
    """Colour refinement (1-dimensional Weisfeiler-Leman) of the graph whose nodes are the rows
    of every table (coloured by table and their non-pseudonym values) and the pseudonyms
    (uncoloured: their values are secret), with an edge labelled `table.column` from a row to
    each pseudonym in it. Returns ({pseudonym: colour}, {table: [row colour, ...]}).

    Two pseudonyms with different colours cannot stand for the same chain account in two
    exports of the same chain, whatever the salts; the candidates for a pseudonym are the
    accounts of its colour, and this export and a chain reader's export of the chain have the
    same colour classes, so a class's size here is the number of chain accounts a pseudonym
    of it can be."""
    row_label, row_edges, node_edges, row_index = [], [], {}, {}
    for table, df in frames.items():
        cols = [c for c in links.get(table, {}) if c in df.columns]
        pub = public_columns(df, links.get(table, {}))
        start = len(row_label)
        pub_vals = df[pub].astype(object).itertuples(index=False, name=None) if pub else (() for _ in range(len(df)))
        link_vals = df[cols].astype(object).itertuples(index=False, name=None) if cols else (() for _ in range(len(df)))
        for i, (pv, lv) in enumerate(zip(pub_vals, link_vals)):
            row_label.append((table, tuple(_norm(v) for v in pv)))
            edges = []
            for c, v in zip(cols, lv):
                if not _missing(v):
                    edges.append((f"{table}.{c}", v))
                    node_edges.setdefault(v, []).append((f"{table}.{c}", start + i))
            row_edges.append(edges)
        row_index[table] = (start, len(row_label))

    def relabel(sigs):
        ids: dict = {}
        return [ids.setdefault(s, len(ids)) for s in sigs], len(ids)

    rc, n_rc = relabel(row_label)
    nodes = list(node_edges)
    nc, n_nc = {n: 0 for n in nodes}, 1
    while True:  # each colour includes the previous one, so equal class counts mean stable
        new_nc, n_new_nc = relabel((nc[n], tuple(sorted((lab, rc[r]) for lab, r in node_edges[n]))) for n in nodes)
        nc2 = dict(zip(nodes, new_nc))
        new_rc, n_new_rc = relabel((rc[r], tuple(sorted((lab, nc2[n]) for lab, n in row_edges[r]))) for r in range(len(rc)))
        stable = n_new_nc == n_nc and n_new_rc == n_rc
        nc, rc, n_nc, n_rc = nc2, new_rc, n_new_nc, n_new_rc
        if stable:
            return nc, {t: rc[a:b] for t, (a, b) in row_index.items()}


def persons(frames: dict[str, pd.DataFrame]) -> tuple[set, set]:
    pat, staff = set(), set()
    for t, c in PATIENT_COLUMNS.items():
        if t in frames:
            pat |= set(frames[t][c].dropna())
    for t, c in STAFF_COLUMNS.items():
        if t in frames:
            staff |= set(frames[t][c].dropna())
    return pat, staff


def _isin(col: pd.Series, values: set) -> pd.Series:
    return pd.Series([v in values for v in col.astype(object)], index=col.index, dtype=bool)


def enforce_k(frames: dict[str, pd.DataFrame], links: dict[str, dict], k: int) -> dict:
    """Unlink every patient and staff member whose colour class is smaller than k, until none
    is left (unlinking removes edges, which can shrink other classes). Mutates frames."""
    unlinked_patients, unlinked_staff = set(), set()
    rounds = 0
    while True:
        colour, _ = refine(frames, links)
        size = Counter(colour.values())
        pat, staff = persons(frames)
        weak_p = {p for p in pat if size[colour[p]] < k}
        weak_s = {s for s in staff if size[colour[s]] < k}
        if not weak_p and not weak_s:
            break
        rounds += 1
        drop = set(weak_p) | set(weak_s)
        for t, c in OWNED_IDS.items():
            df = frames[t]
            drop |= set(df.loc[_isin(df[PATIENT_COLUMNS[t]], weak_p), c].dropna())
        for t, df in frames.items():
            for c in links.get(t, {}):
                hit = _isin(df[c], drop)
                if hit.any():
                    df[c] = df[c].astype(object).where(~hit, None).astype("string")
        unlinked_patients |= weak_p
        unlinked_staff |= weak_s
    pat, staff = persons(frames)
    smallest = min((size[colour[x]] for x in pat | staff), default=None)
    return {"k": k, "rounds": rounds, "patients_linked": len(pat), "patients_unlinked": len(unlinked_patients),
            "staff_linked": len(staff), "staff_unlinked": len(unlinked_staff), "smallest_class_of_a_linked_person": smallest}


# ---------------------------------------------------------------------------
# export
# ---------------------------------------------------------------------------

REMOVED = {
    "everywhere": "block numbers (block, *_block), event and extrinsic indices (idx), exact timestamps (ts, *_ts, expires_at: "
                  "coarsened to *_period), on-chain ids (consent_id, record_id, supersedes, batch_id, shipment_id, trial_id: salted "
                  "pseudonyms), the blocks table (block hashes) and the events table (raw payloads name accounts)",
    "records": "content_hash", "record_batches": "batch_id, merkle_root, patient (for_patient says whether there was one)",
    "products": "metadata_hash", "batches": "serials_root", "dispenses": "serial_hash", "suspect_reports": "serial_hash",
    "trials": "protocol_hash, outcomes (hashes; outcomes_registered counts them), data_head, results_hash",
    "protocol_versions": "protocol_hash, reason_hash", "participants": "participant_commitment",
    "data_commits": "batch_root, chain_hash (idx became seq)", "custody_events": "the shipment id in detail (now shipment_id, a pseudonym)",
}


def build_frames(con, pz: Pseudonymizer, grain: str = DEFAULT_GRAIN) -> tuple[dict, dict]:
    specs = table_specs(grain)
    frames, links = {}, {}
    for table, (sql, cols) in specs.items():
        df = con.execute(sql).df()
        for c, kind in cols.items():
            f = pz.account if kind == "account" else (lambda v, kind=kind: pz.ident(v, kind))
            df[c] = df[c].astype(object).map(f).astype("string")
        for c in df.columns:
            if c.endswith("period"):
                df[c] = df[c].astype(pd.ArrowDtype(pa.date32()))  # a DATE in Parquet, YYYY-MM-DD in CSV
            elif df[c].dtype == object and c not in cols and c != "_key":
                df[c] = df[c].astype("string")
        frames[table], links[table] = df, cols
    return frames, links


def shuffle(frames: dict, pz: Pseudonymizer, keep_keys: bool = False) -> dict:
    """Each table's rows in a salted order, numbered 1..n (`row`). The source key goes unless
    `keep_keys` (the tests keep it as ground truth; an export never does)."""
    out = {}
    for table, df in frames.items():
        order = df["_key"].astype(str).map(lambda key, t=table: pz.order(t, key))
        df = df.assign(_order=order).sort_values("_order", kind="stable").drop(columns=["_order"]).reset_index(drop=True)
        if not keep_keys:
            df = df.drop(columns=["_key"])
        df.insert(0, "row", pd.array(range(1, len(df) + 1), dtype="Int64"))
        out[table] = df
    return out


def prepare(con, salt: bytes, grain: str = DEFAULT_GRAIN, k: int = DEFAULT_K, keep_keys: bool = False) -> tuple[dict, dict]:
    """The exported tables as DataFrames (before writing) and what `enforce_k` did."""
    if k < 1:
        raise ValueError("k must be at least 1")
    pz = Pseudonymizer(salt)
    frames, links = build_frames(con, pz, grain)
    info = enforce_k(frames, links, k)
    frames = shuffle(frames, pz, keep_keys)
    # Event counts per period and kind (the events' own payloads name accounts).
    ev = con.execute(f"SELECT CAST(date_trunc('{grain}', b.ts) AS DATE) AS period, e.pallet, e.name, count(*) AS events "
                     "FROM events e JOIN blocks b ON b.number = e.block GROUP BY ALL ORDER BY ALL").df()
    ev["period"] = ev["period"].astype(pd.ArrowDtype(pa.date32()))
    frames["event_counts"] = ev
    return frames, {"time_grain": grain, **info}


def export(con, out_dir: str, salt: bytes, formats=("parquet", "csv"), grain: str = DEFAULT_GRAIN, k: int = DEFAULT_K) -> dict:
    frames, info = prepare(con, salt, grain, k)
    os.makedirs(out_dir, exist_ok=True)
    written = {}
    for table, df in frames.items():
        files = []
        if "parquet" in formats:
            files.append(os.path.join(out_dir, f"{table}.parquet"))
            df.to_parquet(files[-1], index=False)
        if "csv" in formats:
            files.append(os.path.join(out_dir, f"{table}.csv"))
            df.to_csv(files[-1], index=False)
        written[table] = {"rows": len(df), "files": files}
    info = {**info, "tables": {t: {"rows": len(df), "columns": list(df.columns)} for t, df in frames.items()}, "removed": REMOVED}
    with open(os.path.join(out_dir, "export_info.json"), "w") as f:
        json.dump(info, f, indent=1, default=str)
    with open(os.path.join(out_dir, "README.txt"), "w") as f:
        f.write(
            "MedChain de-identified research export (see export_info.json).\n"
            "Accounts and on-chain ids are salted pseudonyms (acct_*, id_*), stable for one salt and unlinkable without it.\n"
            "No block numbers, event indices, block or extrinsic hashes, commitments, roots, content hashes or locators;\n"
            f"times are coarsened to the first day of their {grain} (*period); rows are in a salted random order (row).\n"
            f"Every patient or staff pseudonym left is shared by at least k = {k} chain accounts under colour refinement\n"
            "of the whole export (what a reader holding the chain can match); people below that were unlinked: their\n"
            f"rows stay, with the pseudonym (and their consents' and records' ids) empty: {info['patients_unlinked']} patients,\n"
            f"{info['staff_unlinked']} staff. count(*) is exact; count(DISTINCT patient) counts the {info['patients_linked']} linked patients.\n")
    written["export_info"] = {"rows": None, "files": [os.path.join(out_dir, "export_info.json")], "info": info}
    return written
