"""Indexing benchmark: a dev chain with many anchored records, indexed from scratch.

    python -m medchain_research.bench --records 100000            # starts its own dev node
    python -m medchain_research.bench --url ws://127.0.0.1:9944 --records 20000

Seeds the demo data set (organizations, patients, consents), then anchors `--records`
single health records (`HealthRecords.anchor_record`, each its own extrinsic and event) from
the four hospitals, waits for finality, indexes the whole chain into a fresh DuckDB file
and reports blocks/s, events/s and the time `summary` takes. Results: bench-result.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from .analysis import summary
from .chain import Chain, Submitter
from .indexer import index
from .keys import Keypair
from .seed import NEW_ORGS, Seeder, wait_finalized


def start_node(log_path: str):
    binary = os.environ.get("MEDCHAIN_NODE") or os.path.join(
        os.environ.get("CARGO_TARGET_DIR") or os.path.expanduser("~/.cache/medchain/target"), "release", "medchain-node")
    socks = []
    for _ in range(3):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    rpc, p2p, prom = (s.getsockname()[1] for s in socks)
    for s in socks:
        s.close()
    log = open(log_path, "w")
    proc = subprocess.Popen([binary, "--dev", "--tmp", "--rpc-port", str(rpc), "--port", str(p2p), "--prometheus-port", str(prom),
                             "--no-telemetry", "--no-mdns", "--state-pruning", "archive", "--pool-limit", "20000", "--pool-kbytes", "65536"],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", rpc), 0.5).close()
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"node exited, see {log_path}")
            time.sleep(0.3)
    return proc, f"ws://127.0.0.1:{rpc}"


async def write_records(url: str, records: int, patients: int, window: int = 3000, log=print) -> dict:
    async with Chain(url) as c:
        t = time.time()
        await Seeder(c, patients, log=log).run()
        seeded = time.time() - t
        sub = Submitter(c)
        hospitals = [Keypair.from_uri("//Alice")] + [Keypair.from_uri(s) for s, _, _ in NEW_ORGS[:3]]
        pats = [Keypair.from_uri(f"//MedChainSeed/patient/{i}") for i in range(patients - 2)]  # the last two deregistered
        t = time.time()
        b0 = await c.best_number()
        ok = failed = 0
        for k in range(records):
            i = k % len(pats)
            await sub.send(hospitals[i % 4], "HealthRecords", "anchor_record",
                           {"patient": pats[i].ss58_address, "category": "LabResults", "content_hash": "0x" + secrets.token_hex(32),
                            "locator": "mc1:" + secrets.token_hex(32), "supersedes": None}, "r")
            if len(sub.pending) >= window:
                res = await sub.wait(timeout=600, until=window // 2, keep_events=False)
                ok += sum(r.ok for r in res.values())
                failed += sum(not r.ok for r in res.values())
                if (k + 1) % 10000 < window // 2:
                    log(f"  {k + 1} records submitted, {ok} included ({time.time() - t:.0f}s, block {sub.scanned})")
        res = await sub.wait(timeout=600, keep_events=False)
        ok += sum(r.ok for r in res.values())
        failed += sum(not r.ok for r in res.values())
        last = sub.scanned
        await wait_finalized(c, last, timeout=300)
        return {"seed_seconds": round(seeded, 1), "records_ok": ok, "records_failed": failed, "write_seconds": round(time.time() - t, 1),
                "write_blocks": last - b0, "last_block": last}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m medchain_research.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="an existing dev node (default: start one)")
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--patients", type=int, default=300)
    ap.add_argument("--db", help="index file (default: a temporary one)")
    ap.add_argument("--out", default="bench-result.json")
    a = ap.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="medchain-bench-")
    proc = None
    try:
        url = a.url
        if not url:
            proc, url = start_node(os.path.join(tmp, "node.log"))
            print(f"started dev node at {url} (log {tmp}/node.log)")
        w = asyncio.run(write_records(url, a.records, a.patients)) if a.records >= 0 else {}
        print(f"wrote: {w}")
        db_path = a.db or os.path.join(tmp, "bench.duckdb")
        if os.path.exists(db_path):
            os.remove(db_path)
        st = asyncio.run(index(url, db_path, until=w.get("last_block"), chunk=500, log=lambda m: None))
        times = []
        for _ in range(5):
            t = time.time()
            s = summary(db_path)
            times.append(time.time() - t)
        result = {
            "records_anchored": w.get("records_ok"), **w,
            "index": st,
            "index_blocks_per_s": round(st["blocks"] / st["seconds"], 1),
            "index_events_per_s": round(st["events"] / st["seconds"], 1),
            "index_medchain_events_per_s": round(st["medchain_events"] / st["seconds"], 1),
            "summary_seconds_median": round(statistics.median(times), 4),
            "summary_seconds_max": round(max(times), 4),
            "records_in_index": sum(sum(v.values()) for v in s["records_by_category_month"].values()),
            "db_bytes": os.path.getsize(db_path),
            "machine": f"{os.cpu_count()} CPUs",
        }
        print(json.dumps(result, indent=1))
        with open(a.out, "w") as f:
            json.dump(result, f, indent=1)
        return 0
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
