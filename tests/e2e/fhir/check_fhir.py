#!/usr/bin/env python3
"""Independent checks of the record gateway's FHIR API, run by
tests/e2e/test/fhir.test.js with the venv of clients/python/venv.sh.

  check_fhir.py validate <dir>
      Parse and validate every <dir>/*.json with fhir.resources (PyPI, 8.3.0) using its
      R4B models (fhir.resources 8 ships R4B and STU3, no plain R4; every resource the
      gateway serves is the same in R4 and R4B). Prints {"<file>": "<resourceType>"}; exits 1
      with the validation errors if any file fails.

  check_fhir.py client --base https://127.0.0.1:<port>/fhir --ca <ca.pem> --suri <secret URI>
                       [--search-patient <ss58>] [--read <Type>/<id> ...] [--create <file.json>] [--unsigned]
      An off-the-shelf FHIR client, fhirclient 4.4.0 (its models are R4), against the gateway,
      with the gateway's signed-request headers added by MedChainAuth (a `requests` auth hook
      on the client's session). The audience is read from <base>/../v1/info. Prints what it
      got as JSON: {"search": [ids], "read": {path: resource}, "create": response}.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import sys
import time
import urllib.parse
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "clients" / "python"))


def validate(directory: str) -> int:
    from fhir.resources.R4B import get_fhir_model_class

    results, failures = {}, {}
    files = sorted(Path(directory).glob("*.json"))
    if not files:
        print(f"no *.json in {directory}", file=sys.stderr)
        return 1
    for path in files:
        try:
            data = json.loads(path.read_text())
            kind = data.get("resourceType")
            model = get_fhir_model_class(kind)
            model.model_validate(data)
            results[path.name] = kind
        except Exception as e:  # any failure is reported with its file
            failures[path.name] = f"{type(e).__name__}: {e}"
    print(json.dumps(results))
    if failures:
        print(json.dumps(failures, indent=2), file=sys.stderr)
        return 1
    return 0


class MedChainAuth(requests.auth.AuthBase):
    """Signs each request as the gateway requires (gateway/src/auth.rs): sr25519 over
    `medchain-gateway/2\\n<origin>\\n<audience>\\n<METHOD>\\n<path?query>\\n<timestamp ms>\\n<nonce>\\n0x<blake2_256(body)>`,
    `<origin>` the origin of the URL the request is sent to (also sent as x-medchain-origin)."""

    def __init__(self, keypair, audience: str):
        self.keypair = keypair
        self.audience = audience

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        body = r.body or b""
        if isinstance(body, str):
            body = body.encode()
        timestamp = str(int(time.time() * 1000))
        nonce = secrets.token_hex(16)
        body_hash = "0x" + hashlib.blake2b(body, digest_size=32).hexdigest()
        origin = request_origin(r.url)
        message = "\n".join(
            ["medchain-gateway/2", origin, self.audience, r.method.upper(), r.path_url, timestamp, nonce, body_hash]
        ).encode()
        r.headers["x-medchain-account"] = "0x" + self.keypair.public_key.hex()
        r.headers["x-medchain-timestamp"] = timestamp
        r.headers["x-medchain-nonce"] = nonce
        r.headers["x-medchain-signature"] = "0x" + self.keypair.sign(message).hex()
        r.headers["x-medchain-origin"] = origin
        return r


def request_origin(url: str) -> str:
    """The origin of `url` as browsers serialize it (`new URL(url).origin`): lower-case scheme
    and host, the scheme's default port omitted."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    default = {"https": 443, "http": 80}.get(scheme)
    return f"{scheme}://{host}" if port is None or port == default else f"{scheme}://{host}:{port}"


def client(args) -> int:
    from fhirclient import server as fhir_server
    from fhirclient.models.documentreference import DocumentReference
    from fhirclient.models.fhirabstractresource import FHIRAbstractResource
    from fhirclient.models import observation as observation_model
    from medchain_research.keys import Keypair

    base = args.base.rstrip("/") + "/"
    info = requests.get(base.rsplit("/fhir/", 1)[0] + "/v1/info", verify=args.ca, timeout=30).json()
    srv = fhir_server.FHIRServer(None, base_uri=base)
    srv.session.verify = args.ca
    # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's `verify`: ignore
    # the environment (the gateway is on 127.0.0.1, its CA is --ca).
    srv.session.trust_env = False
    if not args.unsigned:
        srv.session.auth = MedChainAuth(Keypair.from_uri(args.suri), info["audience"])
    out: dict = {}
    if args.search_patient:
        search = DocumentReference.where(struct={"patient": args.search_patient})
        out["search"] = [r.id for r in search.perform_resources_iter(srv)]
    if args.read:
        out["read"] = {}
        import importlib

        for path in args.read:
            kind, rid = path.split("/", 1)
            module = importlib.import_module(f"fhirclient.models.{kind.lower()}")
            cls = getattr(module, kind)
            assert issubclass(cls, FHIRAbstractResource)
            out["read"][path] = cls.read(rid, srv).as_json()
    if args.create:
        resource = json.loads(Path(args.create).read_text())
        # A create carries no id (fhirclient refuses to create a resource that has one).
        resource.pop("id", None)
        obs = observation_model.Observation(jsondict=resource)
        out["create"] = obs.create(srv)
    print(json.dumps(out))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate")
    v.add_argument("dir")
    c = sub.add_parser("client")
    c.add_argument("--base", required=True)
    c.add_argument("--ca", required=True)
    c.add_argument("--suri", required=True)
    c.add_argument("--search-patient")
    c.add_argument("--read", nargs="*")
    c.add_argument("--create")
    c.add_argument("--unsigned", action="store_true", help="no auth hook (to see the gateway refuse)")
    args = parser.parse_args()
    if args.command == "validate":
        return validate(args.dir)
    return client(args)


if __name__ == "__main__":
    sys.exit(main())
