"""Fixtures: a fresh `medchain-node --dev --tmp` on loopback ports the kernel picks, seeded
once by the demo seeder, and an index of it built with the CLI. The node is stopped at the end
of the session (and on Ctrl-C); set MEDCHAIN_URL to use a node you started and seeded yourself
with MEDCHAIN_MANIFEST pointing at its manifest."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent.parent  # clients/python
sys.path.insert(0, str(HERE))


def node_binary() -> str:
    if os.environ.get("MEDCHAIN_NODE"):
        return os.environ["MEDCHAIN_NODE"]
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.expanduser("~/.cache/medchain/target")
    return os.path.join(target, "release", "medchain-node")


def free_ports(n: int) -> list[int]:
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def run_cli(*args, check=True, timeout=300) -> subprocess.CompletedProcess:
    p = subprocess.run([sys.executable, "-m", "medchain_research", *map(str, args)], cwd=HERE, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"medchain-research {' '.join(map(str, args))} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


def audit_bundle_events(path) -> list[dict]:
    """The AuditEvents of the Bundle `audit-events` wrote to `path`, after `fhir.resources`
    validated the Bundle and every AuditEvent in it."""
    from fhir.resources.R4B.auditevent import AuditEvent
    from fhir.resources.R4B.bundle import Bundle

    bundle = json.loads(Path(path).read_text())
    Bundle.model_validate(bundle)
    events = [e["resource"] for e in bundle["entry"]]
    for ev in events:
        AuditEvent.model_validate(ev)
    return events


def pytest_collection_modifyitems(config, items):
    """Every test that needs the node (directly or through `manifest`/`index_db`) is marked
    `chain`; the others are offline: `run-tests.sh offline` runs `-m "not chain"` before
    anything is built, `run-tests.sh chain` the rest."""
    for item in items:
        if "node" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.chain)


@pytest.fixture(scope="session")
def node(tmp_path_factory):
    if os.environ.get("MEDCHAIN_URL"):
        yield {"url": os.environ["MEDCHAIN_URL"], "log": None}
        return
    binary = node_binary()
    if not os.access(binary, os.X_OK):
        pytest.fail(f"medchain-node not found at {binary}: set MEDCHAIN_NODE (source scripts/env.sh)")
    log = tmp_path_factory.mktemp("node") / "node.log"
    f = open(log, "w")
    # Port 0 everywhere: the node binds ports the kernel picks at that moment (p2p on loopback
    # only), so no suite running at the same time can take one between its choice and its
    # bind; the RPC port is read from the node's log.
    proc = subprocess.Popen([binary, "--dev", "--tmp", "--rpc-port", "0", "--listen-addr", "/ip4/127.0.0.1/tcp/0", "--prometheus-port", "0",
                             "--no-telemetry", "--no-mdns", "--state-pruning", "archive"], stdout=f, stderr=subprocess.STDOUT, start_new_session=True)
    old = {s: signal.getsignal(s) for s in (signal.SIGTERM,)}

    def stop(*_):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(143)))
    try:
        deadline = time.time() + 60
        rpc = None
        while True:
            if proc.poll() is not None:
                pytest.fail(f"node exited: {log.read_text()[-3000:]}")
            if rpc is None:
                m = re.search(r"Running JSON-RPC server: addr=127\.0\.0\.1:(\d+)", log.read_text())
                if m is None:
                    if time.time() > deadline:
                        pytest.fail("node logged no RPC address in 60 s")
                    time.sleep(0.1)
                    continue
                rpc = int(m.group(1))
            try:
                socket.create_connection(("127.0.0.1", rpc), 0.5).close()
                break
            except OSError:
                if time.time() > deadline:
                    pytest.fail("node RPC did not come up in 60 s")
                time.sleep(0.3)
        yield {"url": f"ws://127.0.0.1:{rpc}", "log": str(log), "pid": proc.pid}
    finally:
        stop()
        f.close()
        for s, h in old.items():
            signal.signal(s, h)


@pytest.fixture(scope="session")
def manifest(node, tmp_path_factory):
    if os.environ.get("MEDCHAIN_MANIFEST"):
        return json.loads(Path(os.environ["MEDCHAIN_MANIFEST"]).read_text())
    path = tmp_path_factory.mktemp("seed") / "seed-manifest.json"
    patients = int(os.environ.get("MEDCHAIN_SEED_PATIENTS", "300"))
    t = time.time()
    run_cli("seed", "--url", node["url"], "--patients", patients, "--manifest", path, timeout=900)
    print(f"seeded in {time.time() - t:.1f}s")
    return json.loads(path.read_text())


@pytest.fixture(scope="session")
def index_db(node, manifest, tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("index") / "medchain.duckdb")
    run_cli("index", "--url", node["url"], "--db", db, "--until", manifest["last_block"], "--quiet")
    return db
