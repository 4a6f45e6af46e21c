"""The ops suite: what deploy/ ships, checked against the real binaries (tests/ops/README.md).

- SystemdUnits: `systemd-analyze verify` prints nothing for deploy/systemd's units (with the
  ExecStart paths pointed at the built binaries), and every hardening line is there.
- RpcProxy: deploy/nginx/medchain-rpc.conf (only its listen address, the node's port and the
  certificate paths changed) in front of a dev node run with `--rpc-methods safe`: a staff
  client certificate gets read methods over HTTPS and WSS; no certificate, or one of another
  CA, is refused; unsafe and non-read methods are refused.
- Metrics: the node's and the gateway's Prometheus endpoints are scraped, and every metric
  that deploy/grafana's dashboard and deploy/prometheus/alerts.yml name is in those scrapes.

Run: `python3 -m unittest -v test_ops` in tests/ops (scripts/test-suites.sh's `ops` suite).
Binaries: $MEDCHAIN_NODE and $MEDCHAIN_GATEWAY (default: the shared target directory).
Everything listens on 127.0.0.1: the node and the gateway on ports the kernel picks (read
from their logs), nginx on a port of MEDCHAIN_OPS_PORT_BASE (21000) .. +99.
"""

import base64
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEPLOY = os.path.join(ROOT, "deploy")
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/medchain/target"))
NODE = os.environ.get("MEDCHAIN_NODE", os.path.join(TARGET, "release", "medchain-node"))
GATEWAY = os.environ.get("MEDCHAIN_GATEWAY", os.path.join(os.path.dirname(NODE), "medchain-gateway"))
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NJS_MODULE = "/usr/lib/nginx/modules/ngx_http_js_module.so"
PORT_BASE = int(os.environ.get("MEDCHAIN_OPS_PORT_BASE", "21000"))
START_TIMEOUT = 90

# ---------------------------------------------------------------------------------------
# Processes: every one started here is stopped at the end (and on SIGTERM from the runner).
# ---------------------------------------------------------------------------------------
PROCESSES = []
TMP = tempfile.mkdtemp(prefix="medchain-ops-")


def start(name, argv, env=None):
    log_path = os.path.join(TMP, f"{name}.log")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env={**os.environ, **(env or {})})
    PROCESSES.append((name, proc))
    return proc, log_path


def stop_all():
    for name, proc in reversed(PROCESSES):
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT if name != "nginx" else signal.SIGQUIT)
    deadline = time.time() + 15
    for name, proc in reversed(PROCESSES):
        try:
            proc.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    PROCESSES.clear()


def on_sigterm(signum, frame):
    stop_all()
    sys.exit(128 + signum)


signal.signal(signal.SIGTERM, on_sigterm)


def wait_for_log(proc, log_path, pattern, what):
    deadline = time.time() + START_TIMEOUT
    while time.time() < deadline:
        with open(log_path, errors="replace") as f:
            m = re.search(pattern, f.read())
        if m:
            return m
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    with open(log_path, errors="replace") as f:
        tail = "".join(f.readlines()[-30:])
    raise RuntimeError(f"{what} did not log /{pattern}/ (exit {proc.poll()}):\n{tail}")


NODE_STATE = {}


def dev_node():
    """One dev node for the module: RPC with the safe methods only, as deploy/systemd runs it."""
    if not NODE_STATE:
        proc, log = start("node", [
            NODE, "--dev", "--base-path", os.path.join(TMP, "node"),
            "--rpc-port", "0", "--rpc-methods", "safe",
            "--prometheus-port", "0",
            "--listen-addr", "/ip4/127.0.0.1/tcp/0",
            "--no-telemetry", "--no-mdns",
        ])
        rpc = wait_for_log(proc, log, r"Running JSON-RPC server: addr=127\.0\.0\.1:(\d+)", "the node")
        prom = wait_for_log(proc, log, r"Prometheus exporter started at 127\.0\.0\.1:(\d+)", "the node")
        NODE_STATE.update(rpc=int(rpc.group(1)), prometheus=int(prom.group(1)), log=log)
        # Wait for the first imported block (so that block metrics have samples).
        wait_for_log(proc, log, r"Imported #1\b", "the node")
    return NODE_STATE


def rpc(port, method, params=None):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.load(r)


def free_port():
    """A port of this suite's range that is free now (nginx needs one fixed in advance)."""
    for port in range(PORT_BASE, PORT_BASE + 100):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError(f"no free port in {PORT_BASE}..{PORT_BASE + 99} (MEDCHAIN_OPS_PORT_BASE)")


def tearDownModule():
    stop_all()
    shutil.rmtree(TMP, ignore_errors=True)


# ---------------------------------------------------------------------------------------
# systemd units
# ---------------------------------------------------------------------------------------
HARDENING = [
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
    "ProtectHome=yes",
    "PrivateTmp=yes",
    "PrivateDevices=yes",
    "CapabilityBoundingSet=",
    "AmbientCapabilities=",
    "RestrictAddressFamilies=",
    "RestrictNamespaces=yes",
    "RestrictSUIDSGID=yes",
    "LockPersonality=yes",
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectControlGroups=yes",
    "SystemCallFilter=@system-service",
    "SystemCallArchitectures=native",
    "UMask=0077",
    "Restart=on-failure",
    "LogRateLimitIntervalSec=",
    "LogRateLimitBurst=",
]
UNITS = {
    # unit: (binary, user, the only writable path)
    "medchain-node.service": ("medchain-node", "medchain", "/var/lib/medchain"),
    "medchain-gateway.service": ("medchain-gateway", "medchain-gateway", "/var/lib/medchain-gateway"),
}


def unit_lines(text):
    """A unit's directives, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", text)
    return [l.strip() for l in text.splitlines() if l.strip() and not l.lstrip().startswith(("#", ";"))]


class SystemdUnits(unittest.TestCase):
    def test_systemd_analyze_verify_prints_nothing(self):
        tmp = tempfile.mkdtemp(dir=TMP)
        paths = []
        for unit, (binary, _, _) in UNITS.items():
            with open(os.path.join(DEPLOY, "systemd", unit)) as f:
                text = f.read()
            built = NODE if binary == "medchain-node" else GATEWAY
            self.assertIn(f"ExecStart=/usr/local/bin/{binary} ", text)
            path = os.path.join(tmp, unit)
            with open(path, "w") as f:
                f.write(text.replace(f"/usr/local/bin/{binary}", built))
            paths.append(path)
        out = subprocess.run(["systemd-analyze", "verify", "--man=no", *paths],
                             capture_output=True, text=True, cwd=tmp)
        self.assertEqual((out.returncode, out.stdout + out.stderr), (0, ""),
                         "systemd-analyze verify must print nothing")

    def test_every_hardening_line_is_there(self):
        for unit, (_, user, writable) in UNITS.items():
            with open(os.path.join(DEPLOY, "systemd", unit)) as f:
                lines = unit_lines(f.read())
            missing = [d for d in HARDENING if not any(l.startswith(d) for l in lines)]
            self.assertEqual(missing, [], f"{unit} lacks hardening directives")
            self.assertIn(f"User={user}", lines, unit)
            self.assertIn("CapabilityBoundingSet=", lines, f"{unit}: the bounding set must be empty")
            self.assertIn(f"ReadWritePaths={writable}", lines, unit)
            self.assertEqual([l for l in lines if l.startswith("ReadWritePaths=")], [f"ReadWritePaths={writable}"],
                             f"{unit}: the state directory is the only writable path")
            families = next(l for l in lines if l.startswith("RestrictAddressFamilies=")).split("=", 1)[1].split()
            self.assertTrue(set(families) <= {"AF_INET", "AF_INET6", "AF_UNIX", "AF_NETLINK"}, families)

    def test_the_node_unit_serves_safe_rpc_and_metrics_on_loopback_only(self):
        with open(os.path.join(DEPLOY, "systemd", "medchain-node.service")) as f:
            exec_start = next(l for l in unit_lines(f.read()) if l.startswith("ExecStart="))
        self.assertIn("--rpc-methods safe", exec_start)
        for exposed in ("--rpc-external", "--unsafe-rpc-external", "--prometheus-external", "--rpc-cors all"):
            self.assertNotIn(exposed, exec_start)


# ---------------------------------------------------------------------------------------
# The TLS reverse proxy for the node's RPC
# ---------------------------------------------------------------------------------------
def make_certs(tmp):
    """A server certificate of a CA made by scripts/dev-certs.sh, a staff client certificate
    of that CA, and a client certificate of another CA (another organization's)."""
    certs = {}
    for org in ("staff", "other"):
        d = os.path.join(tmp, f"{org}-ca")
        ca = subprocess.run(["bash", os.path.join(ROOT, "scripts", "dev-certs.sh"), "rpc"],
                            env={**os.environ, "MEDCHAIN_DEV_CERTS": d},
                            capture_output=True, text=True, check=True).stdout.strip()
        with open(os.path.join(d, "client.ext"), "w") as f:
            f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                    "extendedKeyUsage=clientAuth\n")
        subprocess.run(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", "client.key", "-out", "client.csr", "-subj", f"/O={org}/CN=a clinician"],
                       cwd=d, check=True, capture_output=True)
        subprocess.run(["openssl", "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                        "-CAcreateserial", "-days", "2", "-extfile", "client.ext", "-out", "client.pem"],
                       cwd=d, check=True, capture_output=True)
        certs[org] = {"ca": ca, "server": os.path.join(d, "rpc.pem"), "server_key": os.path.join(d, "rpc.key"),
                      "client": os.path.join(d, "client.pem"), "client_key": os.path.join(d, "client.key")}
    return certs


def templated_conf(node_port, listen_port, certs, tmp):
    """deploy/nginx/medchain-rpc.conf with its ports, certificate paths, njs path and log
    path changed, and nothing else. Every replaced text must be there exactly once."""
    with open(os.path.join(DEPLOY, "nginx", "medchain-rpc.conf")) as f:
        conf = f.read()
    for old, new in [
        ("server 127.0.0.1:9944;", f"server 127.0.0.1:{node_port};"),
        ("listen 127.0.0.1:9443 ssl;", f"listen 127.0.0.1:{listen_port} ssl;"),
        ("/etc/medchain/tls/rpc.pem;", certs["staff"]["server"] + ";"),
        ("/etc/medchain/tls/rpc.key;", certs["staff"]["server_key"] + ";"),
        ("/etc/medchain/tls/staff-ca.pem;", certs["staff"]["ca"] + ";"),
        ("js_path /etc/nginx/njs/;", f"js_path {os.path.join(DEPLOY, 'nginx')}/;"),
        ("/var/log/nginx/medchain-rpc.access.log;", os.path.join(tmp, "access.log") + ";"),
    ]:
        if conf.count(old) != 1:
            raise AssertionError(f"medchain-rpc.conf no longer has `{old}` exactly once: update the test")
        conf = conf.replace(old, new)
    return conf


def ws_call(context, port, payload, timeout=10):
    """One JSON-RPC call over a WebSocket on TLS (a minimal client): (HTTP status line, answer)."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    with context.wrap_socket(raw, server_hostname="127.0.0.1") as s:
        key = base64.b64encode(os.urandom(16)).decode()
        s.sendall((f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = s.recv(4096)
            if not chunk:
                break
            head += chunk
        status = head.split(b"\r\n", 1)[0].decode(errors="replace")
        if " 101 " not in status:
            return status, None
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        headers = {k.strip().lower(): v.strip() for k, _, v in
                   (line.partition(b":") for line in head.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:])}
        if headers.get(b"sec-websocket-accept") != accept:
            raise ConnectionError(f"bad Sec-WebSocket-Accept: {head!r}")
        buf = head.split(b"\r\n\r\n", 1)[1]
        data = json.dumps(payload).encode()
        mask = os.urandom(4)
        header = bytes([0x81]) + (bytes([0x80 | len(data)]) if len(data) < 126 else bytes([0x80 | 126]) + len(data).to_bytes(2, "big"))
        s.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

        def need(n):
            nonlocal buf
            while len(buf) < n:
                chunk = s.recv(65536)
                if not chunk:
                    raise ConnectionError("closed")
                buf += chunk
            out, buf = buf[:n], buf[n:]
            return out

        message = b""
        while True:
            b0, b1 = need(2)
            length = b1 & 0x7F
            if length == 126:
                length = int.from_bytes(need(2), "big")
            elif length == 127:
                length = int.from_bytes(need(8), "big")
            payload_bytes = need(length)
            opcode = b0 & 0x0F
            if opcode in (0x1, 0x0):
                message += payload_bytes
                if b0 & 0x80:
                    return status, json.loads(message)
            elif opcode == 0x8:
                raise ConnectionError("closed by the server")


class RpcProxy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        node = dev_node()
        cls.node_rpc = node["rpc"]
        cls.tmp = tempfile.mkdtemp(dir=TMP)
        cls.certs = make_certs(cls.tmp)
        cls.port = free_port()
        conf_path = os.path.join(cls.tmp, "medchain-rpc.conf")
        with open(conf_path, "w") as f:
            f.write(templated_conf(cls.node_rpc, cls.port, cls.certs, cls.tmp))
        for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(cls.tmp, d), exist_ok=True)
        main = os.path.join(cls.tmp, "nginx.conf")
        with open(main, "w") as f:
            f.write(
                f"load_module {NJS_MODULE};\n"
                + ("user root;\n" if os.geteuid() == 0 else "")
                + f"worker_processes 1;\ndaemon off;\npid {cls.tmp}/nginx.pid;\nerror_log {cls.tmp}/error.log info;\n"
                "events { worker_connections 128; }\n"
                "http {\n"
                f"  access_log {cls.tmp}/http-access.log;\n"
                f"  client_body_temp_path {cls.tmp}/body;\n  proxy_temp_path {cls.tmp}/proxy;\n"
                f"  fastcgi_temp_path {cls.tmp}/fastcgi;\n  uwsgi_temp_path {cls.tmp}/uwsgi;\n  scgi_temp_path {cls.tmp}/scgi;\n"
                f"  include {conf_path};\n"
                "}\n")
        cls.nginx_argv = [NGINX, "-p", cls.tmp + "/", "-e", os.path.join(cls.tmp, "error.log"), "-c", main]
        check = subprocess.run([*cls.nginx_argv, "-t"], capture_output=True, text=True)
        if check.returncode != 0:
            raise AssertionError(f"nginx -t refuses the shipped config:\n{check.stderr}")
        proc, log = start("nginx", cls.nginx_argv)
        deadline = time.time() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", cls.port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    with open(log) as f, open(os.path.join(cls.tmp, "error.log")) as e:
                        raise RuntimeError(f"nginx did not start:\n{f.read()}\n{e.read()}")
                time.sleep(0.1)

    def context(self, who="staff"):
        context = ssl.create_default_context(cafile=self.certs["staff"]["ca"])
        if who is not None:
            context.load_cert_chain(self.certs[who]["client"], self.certs[who]["client_key"])
        return context

    def https(self, payload, who="staff", method="POST"):
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context(who), timeout=10)
        try:
            body = json.dumps(payload).encode() if payload is not None else None
            conn.request(method, "/", body=body, headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            text = r.read().decode(errors="replace")
            try:
                return r.status, json.loads(text)
            except ValueError:
                return r.status, text
        finally:
            conn.close()

    @staticmethod
    def call(method, params=None, id=1):
        return {"jsonrpc": "2.0", "id": id, "method": method, "params": params or []}

    def test_staff_read_system_health_and_headers_over_https(self):
        status, answer = self.https(self.call("system_health"))
        self.assertEqual(status, 200, answer)
        self.assertIn("peers", answer["result"])
        status, answer = self.https(self.call("chain_getHeader"))
        self.assertEqual(status, 200, answer)
        self.assertTrue(answer["result"]["number"].startswith("0x"), answer)
        status, answer = self.https([self.call("chain_getFinalizedHead", id=1), self.call("system_chain", id=2)])
        self.assertEqual(status, 200, answer)
        self.assertEqual(sorted(a["id"] for a in answer), [1, 2])

    def test_staff_read_and_subscribe_over_wss(self):
        status, answer = ws_call(self.context(), self.port, self.call("system_health"))
        self.assertIn(" 101 ", status)
        self.assertIn("peers", answer["result"], answer)
        status, answer = ws_call(self.context(), self.port, self.call("chain_getHeader"))
        self.assertTrue(answer["result"]["number"].startswith("0x"), answer)
        status, answer = ws_call(self.context(), self.port, self.call("chain_subscribeFinalizedHeads"))
        self.assertIsInstance(answer["result"], str, answer)  # a subscription id

    def test_no_client_certificate_is_refused(self):
        try:
            status, answer = self.https(self.call("system_health"), who=None)
        except (ssl.SSLError, ConnectionError) as e:
            status, answer = None, repr(e)
        self.assertNotEqual(status, 200, answer)
        self.assertIn(status, (None, 400), answer)
        self.assertNotIn('"result"', json.dumps(answer))
        try:
            status, answer = ws_call(self.context(None), self.port, self.call("system_health"))
        except (ssl.SSLError, ConnectionError) as e:
            status, answer = repr(e), None
        self.assertNotIn(" 101 ", status)
        self.assertIsNone(answer)

    def test_another_organizations_certificate_is_refused(self):
        try:
            status, answer = self.https(self.call("system_health"), who="other")
        except (ssl.SSLError, ConnectionError) as e:
            status, answer = None, repr(e)
        self.assertIn(status, (None, 400), answer)
        self.assertNotIn('"result"', json.dumps(answer))

    def test_unsafe_and_writing_methods_are_refused(self):
        for method in ("author_rotateKeys", "author_insertKey", "system_addReservedPeer", "author_submitExtrinsic",
                       "author_pendingExtrinsics", "rpc_no_such_method"):
            status, answer = self.https(self.call(method))
            self.assertEqual(status, 403, (method, answer))
            self.assertEqual(answer["error"]["code"], -32601, answer)
            self.assertNotIn("result", answer)
        # A batch is refused whole when one call is not a read.
        status, answer = self.https([self.call("system_health", id=1), self.call("author_rotateKeys", id=2)])
        self.assertEqual(status, 403, answer)
        self.assertEqual(answer["id"], 2)
        # Not JSON, and not POST.
        status, answer = self.https(None, method="GET")
        self.assertEqual(status, 405, answer)
        # Over WSS the node itself knows no unsafe method (--rpc-methods safe).
        status, answer = ws_call(self.context(), self.port, self.call("author_rotateKeys"))
        self.assertIn(" 101 ", status)
        self.assertNotIn("result", answer)
        self.assertEqual(answer["error"]["code"], -32601, answer)

    def test_the_node_itself_refuses_unsafe_methods(self):
        """The boundary behind the proxy: the node the unit starts (--rpc-methods safe)."""
        answer = rpc(self.node_rpc, "author_rotateKeys")
        self.assertNotIn("result", answer)
        self.assertEqual(answer["error"]["code"], -32601, answer)
        self.assertIn("result", rpc(self.node_rpc, "system_health"))


# ---------------------------------------------------------------------------------------
# Prometheus: the dashboard's and the alerts' metrics exist
# ---------------------------------------------------------------------------------------
PROMQL_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
                   "offset", "inf", "nan", "atan2"}
# Series Prometheus makes itself for every target.
SYNTHETIC = {"up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling",
             "scrape_series_added"}


def promql_metric_names(expr):
    """The metric names a PromQL expression reads (not functions, keywords, labels or
    numbers). Grafana's $variables may stand in label matchers and ranges."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)
    e = re.sub(r"\{[^}]*\}", " ", e)
    e = re.sub(r"\[[^\]]*\]", " ", e)
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", e):
        token = m.group(0)
        before = e[m.start() - 1] if m.start() > 0 else " "
        if before.isdigit() or before in ".$":
            continue  # 1e3, 5m after offset, a $variable
        if e[m.end():].lstrip().startswith("("):
            continue  # a function or an aggregation
        if token.lower() in PROMQL_KEYWORDS:
            continue
        names.add(token)
    return names


def scrape(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        text = r.read().decode()
    names = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            name, kind = line.split()[2:4]
            names.add(name)
            if kind in ("histogram", "summary"):
                names |= {f"{name}_sum", f"{name}_count"} | ({f"{name}_bucket"} if kind == "histogram" else set())
        elif line and not line.startswith("#"):
            names.add(re.match(r"[A-Za-z_:][A-Za-z0-9_:]*", line).group(0))
    return text, names


def dashboard_exprs():
    with open(os.path.join(DEPLOY, "grafana", "medchain-dashboard.json")) as f:
        dashboard = json.load(f)
    exprs = []

    def walk(value, where):
        if isinstance(value, dict):
            for key, v in value.items():
                if key == "expr" and isinstance(v, str):
                    exprs.append((where, v))
                else:
                    walk(v, value.get("title", where) if isinstance(value.get("title"), str) else where)
        elif isinstance(value, list):
            for v in value:
                walk(v, where)

    walk(dashboard, "dashboard")
    return dashboard, exprs


def alert_exprs():
    """alerts.yml's `expr:` lines (each expr is one line; checked against `alert:` lines)."""
    with open(os.path.join(DEPLOY, "prometheus", "alerts.yml")) as f:
        text = f.read()
    alerts = re.findall(r"^\s*- alert:\s*(\S+)\s*$", text, re.M)
    exprs = re.findall(r"^\s*expr:\s*(.+?)\s*$", text, re.M)
    if len(alerts) != len(exprs) or any(e.startswith(("|", ">", "'", '"')) for e in exprs):
        raise AssertionError("alerts.yml: every rule needs exactly one single-line, unquoted expr")
    try:  # cross-check with a YAML parser where there is one
        import yaml
        parsed = [(r["alert"], r["expr"]) for g in yaml.safe_load(text)["groups"] for r in g["rules"]]
        if parsed != list(zip(alerts, exprs)):
            raise AssertionError(f"alerts.yml: the line scan and the YAML parser disagree: {parsed}")
    except ImportError:
        pass
    return list(zip(alerts, exprs))


def best_block(text):
    m = re.search(r'^substrate_block_height\{[^}]*status="best"[^}]*\} (\S+)$', text, re.M)
    return float(m.group(1)) if m else -1


class PromqlNames(unittest.TestCase):
    def test_names_are_told_from_functions_labels_keywords_and_numbers(self):
        self.assertEqual(promql_metric_names(
            'histogram_quantile(0.95, sum by (le, instance) (rate(x_bucket{job="a",le!="1e3"}[$__rate_interval])))'),
            {"x_bucket"})
        self.assertEqual(promql_metric_names(
            'a{status="best"} - ignoring(status) b{status="finalized"} > 20 and on(instance) c offset 1h'),
            {"a", "b", "c"})
        self.assertEqual(promql_metric_names('sum(rate(m_total[5m])) by (code) > 1e3 or vector(0)'), {"m_total"})
        self.assertEqual(promql_metric_names('up{job=~"medchain-node|x"} == 0'), {"up"})


class Metrics(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        node = dev_node()
        # The block metrics are updated a moment after the import is logged.
        deadline = time.time() + 30
        while True:
            cls.node_text, cls.node_names = scrape(f"http://127.0.0.1:{node['prometheus']}/metrics")
            if best_block(cls.node_text) >= 1 or time.time() > deadline:
                break
            time.sleep(0.5)
        data = os.path.join(TMP, "gateway")
        os.makedirs(os.path.join(data, "store"))
        proc, log = start("gateway", [
            GATEWAY, "run", "--node", f"ws://127.0.0.1:{node['rpc']}", "--listen", "127.0.0.1:0",
            "--data-dir", os.path.join(data, "store"), "--master-key", os.path.join(data, "master.key"),
            "--insecure-http", "--prometheus-addr", "127.0.0.1:0",
        ], env={"MEDCHAIN_GATEWAY_SURI": "//Alice", "RUST_LOG": "info"})
        prom = wait_for_log(proc, log, r"Prometheus metrics on http://127\.0\.0\.1:(\d+)/metrics", "the gateway")
        api = wait_for_log(proc, log, r"listening on http://127\.0\.0\.1:(\d+)", "the gateway")
        cls.gateway_metrics = f"http://127.0.0.1:{prom.group(1)}/metrics"
        cls.gateway_api = f"http://127.0.0.1:{api.group(1)}"
        # Traffic: a health check and a fetch without a signature (refused).
        urllib.request.urlopen(cls.gateway_api + "/v1/health", timeout=10).read()
        try:
            urllib.request.urlopen(cls.gateway_api + "/v1/records/0x" + "00" * 32, timeout=10)
        except urllib.error.HTTPError as e:
            cls.refusal = (e.code, json.load(e))
        cls.gateway_text, cls.gateway_names = scrape(cls.gateway_metrics)

    def sample(self, text, series):
        m = re.search(r"^" + re.escape(series) + r" (\S+)$", text, re.M)
        self.assertIsNotNone(m, f"no sample {series}")
        return float(m.group(1))

    def test_the_node_exports_what_the_dashboard_is_about(self):
        for name in ("substrate_block_height", "substrate_sub_libp2p_peers_count",
                     "substrate_block_verification_and_import_time_bucket", "substrate_ready_transactions_number"):
            self.assertIn(name, self.node_names)
        self.assertGreaterEqual(best_block(self.node_text), 1)

    def test_the_gateway_exports_its_traffic_and_refusals(self):
        self.assertEqual(self.refusal[0], 401, self.refusal)
        self.assertEqual(self.sample(self.gateway_text, 'medchain_gateway_requests_total{route="health"}'), 1)
        self.assertEqual(self.sample(self.gateway_text, 'medchain_gateway_requests_total{route="fetch"}'), 1)
        self.assertEqual(self.sample(self.gateway_text, 'medchain_gateway_refusals_total{code="MissingSignatureHeader"}'), 1)
        self.assertEqual(self.sample(self.gateway_text, 'medchain_gateway_refusals_total{code="NotLogged"}'), 0)
        self.assertEqual(self.sample(self.gateway_text, "medchain_gateway_fetches_served_total"), 0)

    def check(self, source, exprs):
        known = self.node_names | self.gateway_names | SYNTHETIC
        self.assertTrue(exprs, f"no PromQL expressions found in {source}")
        unknown = []
        for where, expr in exprs:
            names = promql_metric_names(expr)
            self.assertTrue(names, f"{source}, {where}: no metric in {expr!r}")
            unknown += [f"{where}: {n}" for n in sorted(names - known)]
        self.assertEqual(unknown, [], f"{source} names metrics that no scrape has")

    def test_every_metric_the_dashboard_names_exists(self):
        dashboard, exprs = dashboard_exprs()
        self.check("deploy/grafana/medchain-dashboard.json", exprs)
        titles = " ".join(p.get("title", "") for p in dashboard["panels"]).lower()
        for topic in ("finality lag", "peers", "block import time", "transaction pool", "gateway fetches", "refusals"):
            self.assertIn(topic, titles)

    def test_every_metric_the_alerts_name_exists(self):
        exprs = alert_exprs()
        names = [a for a, _ in exprs]
        for alert in ("MedchainNodeDown", "MedchainFinalityStalled", "MedchainNoPeers", "MedchainGatewayRefusalsSpike"):
            self.assertIn(alert, names)
        self.check("deploy/prometheus/alerts.yml", exprs)


if __name__ == "__main__":
    unittest.main()
