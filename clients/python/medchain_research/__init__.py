"""MedChain for researchers: index the chain's public facts into DuckDB and query them.

    import medchain_research as mr
    mr.index("ws://127.0.0.1:9944", "medchain.duckdb")      # resumable, finalized blocks only
    mr.summary("medchain.duckdb")                             # dict
    con = mr.connect("medchain.duckdb")                       # read-only DuckDB: SQL, .df() for pandas
    mr.export("medchain.duckdb", "export/", salt=b"my secret salt, 16+ bytes")
    mr.trial_audit("medchain.duckdb", "NCT90000002", url="ws://127.0.0.1:9944")
    mr.batch_trace("medchain.duckdb", "09506000134352", "SEEDB2", png="trace.png")  # DataFrame
    mr.audit_bundle("medchain.duckdb", patient=None, since_block=None)  # FHIR Bundle of AuditEvents (dict)
    mr.flags("medchain.duckdb", grace_days=30)              # fraud flags for regulators (dict)
"""
from __future__ import annotations

import asyncio

from .analysis import export, format_summary, format_trial_audit, recompute_chain, summary, trial_audit
from .fhir_audit import audit_bundle, audit_events
from .flags import flags, format_flags
from .trace import batch_trace, plot_recalls, plot_records

__version__ = "0.1.0"
__all__ = ["index", "summary", "format_summary", "export", "trial_audit", "format_trial_audit", "batch_trace",
           "plot_records", "plot_recalls", "connect", "recompute_chain", "seed", "audit_events", "audit_bundle",
           "flags", "format_flags"]


def index(url: str, db_path: str, follow: bool = False, until: int | None = None, chunk: int = 200, log=None) -> dict:
    """Index finalized blocks of the node at `url` into the DuckDB file `db_path`; returns stats."""
    from .indexer import index as _index

    return asyncio.run(_index(url, db_path, follow=follow, until=until, chunk=chunk, log=log or (lambda *_: None)))


def connect(db_path: str):
    """A read-only DuckDB connection to an index (``con.sql("...").df()`` gives pandas)."""
    from . import db

    return db.connect(db_path, read_only=True)


def seed(url: str, patients: int = 300, with_fraud: bool = False) -> dict:
    """Write the synthetic demo data set to a dev node (`with_fraud`: and each kind of fraud
    `flags` finds, once); returns the manifest."""
    from .seed import seed as _seed

    return asyncio.run(_seed(url, patients, with_fraud=with_fraud))
