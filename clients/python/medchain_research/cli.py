"""medchain-research: index MedChain into DuckDB and answer researchers' questions.

    medchain-research index        --url ws://127.0.0.1:9944 --db medchain.duckdb [--follow]
    medchain-research summary      --db medchain.duckdb [--json]
    medchain-research export       --db medchain.duckdb --out export/ --salt-file my.salt [--time week|day|month] [--k 5]
    medchain-research trial-audit  NCT90000002 --db medchain.duckdb --url ws://127.0.0.1:9944
    medchain-research batch-trace  09506000134352 SEEDB2 --db medchain.duckdb --png trace.png
    medchain-research plot         --db medchain.duckdb --out plots/
    medchain-research audit-events --db medchain.duckdb [--patient SS58] [--since-block N] [--out audit.json]
    medchain-research flags        --db medchain.duckdb [--json] [--grace-days 30]
    medchain-research seed         --url ws://127.0.0.1:9944 --manifest seed-manifest.json [--with-fraud]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time

DEFAULT_DB = os.environ.get("MEDCHAIN_DB", "medchain.duckdb")
DEFAULT_URL = os.environ.get("MEDCHAIN_URL", "ws://127.0.0.1:9944")


def _salt(a) -> bytes:
    if a.salt_file:
        with open(a.salt_file, "rb") as f:
            return f.read().strip()
    if a.salt:
        return a.salt.encode()
    env = os.environ.get("MEDCHAIN_PSEUDONYM_SALT")
    if env:
        return env.encode()
    sys.exit("export needs your secret salt: --salt-file FILE, --salt TEXT or $MEDCHAIN_PSEUDONYM_SALT (>= 16 bytes)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="medchain-research", description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n", 2)[2])
    sub = ap.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("index", help="index finalized blocks into DuckDB (resumable)")
    p.add_argument("--url", default=DEFAULT_URL)
    p.add_argument("--db", default=DEFAULT_DB)
    p.add_argument("--follow", action="store_true", help="keep following new finalized blocks")
    p.add_argument("--until", type=int, help="stop at this block number")
    p.add_argument("--chunk", type=int, default=200, help="blocks per transaction")
    p.add_argument("--pause", type=float, default=0.0, help=argparse.SUPPRESS)
    p.add_argument("--quiet", action="store_true")

    p = sub.add_parser("summary", help="organizations, patients, consents, records, batches, trials")
    p.add_argument("--db", default=DEFAULT_DB)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("export", help="de-identified Parquet + CSV")
    p.add_argument("--db", default=DEFAULT_DB)
    p.add_argument("--out", default="export")
    p.add_argument("--salt-file")
    p.add_argument("--salt")
    p.add_argument("--format", choices=["parquet", "csv", "both"], default="both")
    p.add_argument("--time", choices=["week", "day", "month"], default="week",
                   help="coarsen every time to the first day of its ISO week (default), its day or its month")
    p.add_argument("--k", type=int, default=5, help="unlink every patient or staff member whose exported history fewer than k "
                   "chain accounts share (default 5; 1 keeps every history linked, which a chain reader can re-identify)")

    p = sub.add_parser("trial-audit", help="protocol versions, outcome switching, data-commit chain")
    p.add_argument("registry_id")
    p.add_argument("--db", default=DEFAULT_DB)
    p.add_argument("--url", default=DEFAULT_URL, help="node to compare with (runtime API); '' to skip")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("batch-trace", help="custody history of a batch: table + PNG")
    p.add_argument("gtin")
    p.add_argument("lot")
    p.add_argument("--db", default=DEFAULT_DB)
    p.add_argument("--png", help="diagram path (default trace-<gtin>-<lot>.png)")
    p.add_argument("--csv", help="also write the table as CSV")

    p = sub.add_parser("plot", help="records anchored over time, recalls over time (PNG)")
    p.add_argument("--db", default=DEFAULT_DB)
    p.add_argument("--out", default="plots")

    p = sub.add_parser("audit-events", help="the chain's access log as a FHIR Bundle of AuditEvents (JSON)")
    p.add_argument("--db", default=DEFAULT_DB)
    p.add_argument("--patient", help="only this patient's (SS58 account)")
    p.add_argument("--since-block", type=int, help="only from this block on")
    p.add_argument("--until-block", type=int, help="only up to this block")
    p.add_argument("--out", help="write the Bundle here (default: stdout)")

    from .flags import GRACE_DAYS, MAD_K, MIN_ATTEMPTS, MIN_COUNT, WINDOW_HOURS
    p = sub.add_parser("flags", help="fraud flags for regulators, from public chain data (README, \"Fraud flags\")")
    p.add_argument("--db", default=DEFAULT_DB)
    p.add_argument("--json", action="store_true")
    p.add_argument("--min-count", type=int, default=MIN_COUNT, help=f"break-glass: never flag this many or fewer per window (default {MIN_COUNT})")
    p.add_argument("--mad-k", type=float, default=MAD_K, help=f"break-glass: flag above median + k x MAD (default {MAD_K:g})")
    p.add_argument("--window-hours", type=float, default=WINDOW_HOURS, help=f"break-glass: window length (default {WINDOW_HOURS} h: UTC days)")
    p.add_argument("--grace-days", type=float, default=GRACE_DAYS, help=f"diversion: days allowed after a recall or expiry (default {GRACE_DAYS})")
    p.add_argument("--min-attempts", type=int, default=MIN_ATTEMPTS, help=f"refused dispensing: attempts per pharmacy (default {MIN_ATTEMPTS})")

    p = sub.add_parser("seed", help="write the synthetic demo data set to a dev node")
    p.add_argument("--url", default=DEFAULT_URL)
    p.add_argument("--patients", type=int, default=300)
    p.add_argument("--manifest", default="seed-manifest.json")
    p.add_argument("--with-fraud", action="store_true", help="add each kind of fraud `flags` finds, once")
    p.add_argument("--fraud-only", action="store_true", help="add only the frauds to a chain this seeder seeded (its --manifest)")

    a = ap.parse_args(argv)
    if a.cmd == "index":
        from .indexer import index
        log = (lambda *_: None) if a.quiet else (lambda m: print(m, flush=True))
        st = asyncio.run(index(a.url, a.db, follow=a.follow, until=a.until, chunk=a.chunk, pause=a.pause, log=log))
        rate = lambda n: f"{n / st['seconds']:.0f}/s" if st["seconds"] else "-"  # noqa: E731
        print(f"indexed {st['blocks']} blocks, {st['events']} events ({st['medchain_events']} MedChain) in {st['seconds']}s "
              f"[{rate(st['blocks'])} blocks, {rate(st['events'])} events]; last block {st['last_block']}")
        if st.get("unreadable_extrinsics"):
            print(f"{st['unreadable_extrinsics']} extrinsics' wrapper events did not read against their calls: the calls refused "
                  "inside them are not indexed (see the log without --quiet)", file=sys.stderr)
    elif a.cmd == "summary":
        from .analysis import format_summary, summary
        t = time.time()
        s = summary(a.db)
        print(json.dumps(s, indent=1) if a.json else format_summary(s))
        if not a.json:
            print(f"({time.time() - t:.3f}s)")
    elif a.cmd == "export":
        from .analysis import export
        fm = ("parquet", "csv") if a.format == "both" else (a.format,)
        w = export(a.db, a.out, _salt(a), fm, grain=a.time, k=a.k)
        info = w.pop("export_info")["info"]
        for t, tw in w.items():
            print(f"{t:<18} {tw['rows']:>8} rows")
        print(f"times to the {info['time_grain']}; k = {info['k']}: {info['patients_linked']} patients and {info['staff_linked']} staff "
              f"linked, {info['patients_unlinked']} patients and {info['staff_unlinked']} staff unlinked (histories shared by < k)")
        print(f"written to {a.out}/ (export_info.json says what each table holds)")
    elif a.cmd == "trial-audit":
        from .analysis import format_trial_audit, trial_audit
        r = trial_audit(a.db, a.registry_id, a.url or None)
        print(json.dumps(r, indent=1, default=str) if a.json else format_trial_audit(r))
    elif a.cmd == "batch-trace":
        from .trace import batch_trace
        png = a.png or f"trace-{a.gtin}-{a.lot}.png"
        df = batch_trace(a.db, a.gtin, a.lot, png)
        import pandas as pd
        with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_rows", 500):
            print(df.fillna("").to_string(index=False))
        if a.csv:
            df.to_csv(a.csv, index=False)
        print(f"diagram: {png}")
    elif a.cmd == "plot":
        from .trace import plot_recalls, plot_records
        os.makedirs(a.out, exist_ok=True)
        print(plot_records(a.db, os.path.join(a.out, "records_over_time.png")))
        print(plot_recalls(a.db, os.path.join(a.out, "recalls_over_time.png")))
    elif a.cmd == "audit-events":
        from .fhir_audit import audit_bundle, refusal_coverage
        b = audit_bundle(a.db, patient=a.patient, since_block=a.since_block, until_block=a.until_block)
        text = json.dumps(b, indent=1)
        if a.out:
            with open(a.out, "w") as f:
                f.write(text + "\n")
            print(f"{len(b['entry'])} AuditEvents written to {a.out}", file=sys.stderr)
        else:
            print(text)
        cov, since = refusal_coverage(a.db), a.since_block or 0
        gaps = [f"{what} from block {cov[t]} on only" for t, what in
                (("failed_extrinsics", "refused calls (failed extrinsics)"), ("failed_calls", "refused calls inside Utility/Proxy/Sudo wrappers"))
                if cov[t] > since]
        if gaps:
            print(f"note: this index holds {' and '.join(gaps)}; index again into a new file for the ones before", file=sys.stderr)
    elif a.cmd == "flags":
        from .flags import flags, format_flags
        r = flags(a.db, min_count=a.min_count, k=a.mad_k, window_hours=a.window_hours, grace_days=a.grace_days, min_attempts=a.min_attempts)
        print(json.dumps(r, indent=1, default=str) if a.json else format_flags(r))
    elif a.cmd == "seed":
        from .seed import main as seed_main
        return seed_main(["--url", a.url, "--patients", str(a.patients), "--manifest", a.manifest]
                         + (["--with-fraud"] if a.with_fraud else []) + (["--fraud-only"] if a.fraud_only else []))
    return 0


if __name__ == "__main__":
    sys.exit(main())
