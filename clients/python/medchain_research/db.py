"""The analytical schema (DuckDB). One table per entity, plus every MedChain event."""
from __future__ import annotations

import duckdb

SCHEMA_VERSION = "1"

TABLES = {
    "meta": "key VARCHAR PRIMARY KEY, value VARCHAR",
    "blocks": "number BIGINT PRIMARY KEY, hash VARCHAR, ts TIMESTAMP, events INTEGER",
    "events": "block BIGINT, idx INTEGER, extrinsic INTEGER, pallet VARCHAR, name VARCHAR, data JSON, PRIMARY KEY (block, idx)",
    "organizations": "account VARCHAR PRIMARY KEY, name VARCHAR, roles INTEGER, status VARCHAR, registered_block BIGINT",
    "staff": "account VARCHAR PRIMARY KEY, organization VARCHAR, added_block BIGINT, removed_block BIGINT",
    "patients": "account VARCHAR PRIMARY KEY, onboarded_by VARCHAR, registered_block BIGINT, registered_ts TIMESTAMP, attestations INTEGER, deregistered_block BIGINT",
    "consents": "consent_id BIGINT PRIMARY KEY, patient VARCHAR, grantee VARCHAR, categories INTEGER, read BOOLEAN, write BOOLEAN, purpose VARCHAR, expires_at TIMESTAMP, emergency BOOLEAN, granted_block BIGINT, granted_ts TIMESTAMP, revoked_block BIGINT",
    "access_log": "block BIGINT, idx INTEGER, patient VARCHAR, consent_id BIGINT, organization VARCHAR, accessor VARCHAR, record_id VARCHAR, category VARCHAR, purpose VARCHAR, emergency BOOLEAN, ts TIMESTAMP, PRIMARY KEY (block, idx)",
    "records": "record_id VARCHAR PRIMARY KEY, patient VARCHAR, category VARCHAR, content_hash VARCHAR, author VARCHAR, supersedes VARCHAR, block BIGINT, ts TIMESTAMP, sealed_block BIGINT",
    "record_batches": "batch_id BIGINT PRIMARY KEY, author VARCHAR, category VARCHAR, merkle_root VARCHAR, leaf_count INTEGER, patient VARCHAR, block BIGINT, ts TIMESTAMP",
    "products": "gtin VARCHAR PRIMARY KEY, manufacturer VARCHAR, metadata_hash VARCHAR, block BIGINT",
    "batches": "batch_id BIGINT PRIMARY KEY, gtin VARCHAR, lot VARCHAR, expiry DATE, quantity INTEGER, serials_root VARCHAR, manufacturer VARCHAR, block BIGINT, ts TIMESTAMP, recalled_block BIGINT, recalled_ts TIMESTAMP, recalled_by VARCHAR, recall_reason INTEGER",
    "shipments": "shipment_id BIGINT PRIMARY KEY, batch_id BIGINT, sender VARCHAR, recipient VARCHAR, quantity INTEGER, status VARCHAR, sent_block BIGINT, sent_ts TIMESTAMP, closed_block BIGINT",
    "custody_events": "block BIGINT, idx INTEGER, batch_id BIGINT, kind VARCHAR, party VARCHAR, counterparty VARCHAR, quantity INTEGER, detail VARCHAR, ts TIMESTAMP, PRIMARY KEY (block, idx)",
    "dispenses": "batch_id BIGINT, serial_hash VARCHAR, pharmacy VARCHAR, block BIGINT, ts TIMESTAMP, PRIMARY KEY (batch_id, serial_hash)",
    "recalls": "batch_id BIGINT PRIMARY KEY, recalled_by VARCHAR, reason_code INTEGER, holders INTEGER, in_transit INTEGER, block BIGINT, ts TIMESTAMP",
    "suspect_reports": "block BIGINT, idx INTEGER, batch_id BIGINT, serial_hash VARCHAR, reason VARCHAR, reporter VARCHAR, ts TIMESTAMP, PRIMARY KEY (block, idx)",
    "trials": "trial_id BIGINT PRIMARY KEY, registry_id VARCHAR, sponsor VARCHAR, protocol_hash VARCHAR, protocol_version INTEGER, outcomes JSON, planned_enrollment INTEGER, enrolled INTEGER, withdrawn INTEGER, registered_block BIGINT, registered_ts TIMESTAMP, locked_block BIGINT, data_head VARCHAR, commit_count INTEGER, status VARCHAR, missing INTEGER, added INTEGER, results_hash VARCHAR, published_block BIGINT, flags INTEGER",
    "protocol_versions": "trial_id BIGINT, version INTEGER, protocol_hash VARCHAR, reason_hash VARCHAR, outcomes_changed BOOLEAN, after_enrollment BOOLEAN, block BIGINT, ts TIMESTAMP, PRIMARY KEY (trial_id, version)",
    "trial_sites": "trial_id BIGINT, site VARCHAR, added_block BIGINT, removed_block BIGINT, PRIMARY KEY (trial_id, site)",
    "participants": "trial_id BIGINT, participant_commitment VARCHAR, site VARCHAR, consent_id BIGINT, enrolled_block BIGINT, withdrawn_block BIGINT, PRIMARY KEY (trial_id, participant_commitment)",
    "data_commits": "trial_id BIGINT, idx INTEGER, submitter VARCHAR, batch_root VARCHAR, record_count INTEGER, chain_hash VARCHAR, block BIGINT, ts TIMESTAMP, PRIMARY KEY (trial_id, idx)",
    "trial_flags": "block BIGINT, idx INTEGER, trial_id BIGINT, regulator VARCHAR, reason_code INTEGER, PRIMARY KEY (block, idx)",
    # Every failed extrinsic (idx: its System.ExtrinsicFailed event): signer, call, arguments
    # (JSON) and the error (module errors by name) -- the chain's refusals, for `audit-events`.
    "failed_extrinsics": "block BIGINT, idx INTEGER, extrinsic INTEGER, signer VARCHAR, call_module VARCHAR, call_function VARCHAR, args JSON, error_module VARCHAR, error_name VARCHAR, dispatch_error JSON, ts TIMESTAMP, PRIMARY KEY (block, idx)",
    # Every call refused inside another (a batch's item, a proxied or sudo call, ...; see
    # nested.py), the extrinsic itself failed or not. idx: the event carrying the error
    # (`BatchInterrupted`, `ItemFailed`, `ProxyExecuted`, `Sudid`, ..., or the extrinsic's
    # `ExtrinsicFailed`); n of group_size: where one error stands for several calls (a failed
    # `batch_all`), the call's place among them. origin: the account the call was dispatched
    # as (NULL for Root and other origins, origin_kind says which); signer: the extrinsic's;
    # via: the wrappers on the way (JSON list: call, item, by, as).
    "failed_calls": "block BIGINT, idx INTEGER, n INTEGER, group_size INTEGER, extrinsic INTEGER, signer VARCHAR, origin VARCHAR, origin_kind VARCHAR, via JSON, call_module VARCHAR, call_function VARCHAR, args JSON, error_module VARCHAR, error_name VARCHAR, dispatch_error JSON, ts TIMESTAMP, PRIMARY KEY (block, idx, n)",
}

# Columns holding an account (SS58) and columns holding commitments / linkable ids,
# for the de-identified export.
ACCOUNT_COLUMNS = {
    "organizations": ["account"], "staff": ["account", "organization"], "patients": ["account", "onboarded_by"],
    "consents": ["patient", "grantee"], "access_log": ["patient", "organization", "accessor"],
    "records": ["patient", "author"], "record_batches": ["author", "patient"], "products": ["manufacturer"],
    "batches": ["manufacturer", "recalled_by"], "shipments": ["sender", "recipient"],
    "custody_events": ["party", "counterparty"], "dispenses": ["pharmacy"], "recalls": ["recalled_by"],
    "suspect_reports": ["reporter"], "trials": ["sponsor"], "trial_sites": ["site"],
    "participants": ["site"], "data_commits": ["submitter"], "trial_flags": ["regulator"],
}


# Tables of refusals, each with a meta key `<table>_from` (see `indexed_from`).
REFUSAL_TABLES = ("failed_extrinsics", "failed_calls")


def connect(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path, read_only=read_only)
    if not read_only:
        existing = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
        for name, cols in TABLES.items():
            con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({cols})")
        con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
        # An index written before failed extrinsics (failed calls inside wrappers) were kept
        # holds none before the block it resumes at.
        for table in REFUSAL_TABLES:
            if table not in existing:
                set_meta(con, f"{table}_from", int(get_meta(con, "last_block", -1)) + 1)
    return con


def indexed_from(con, table: str) -> int:
    """The first block whose rows of `table` (one of REFUSAL_TABLES) the index holds: 0 for an
    index written by a version that kept them from the start, the block it resumed at for one
    that did not, and past its last block for an index no version keeping them has written to."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    if table not in tables:
        return int(get_meta(con, "last_block", -1)) + 1
    return int(get_meta(con, f"{table}_from", 0) or 0)


def get_meta(con, key: str, default=None):
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def set_meta(con, key: str, value) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, str(value)])
