#!/usr/bin/env python3
"""Grow a chain spec's genesis to a realistic state size for `benchmark storage`.

    storage-spec.py <dev-spec.json> <accounts> > spec.json

The dev chain's genesis has a few hundred storage keys; the database weights measured on it
would be those of a tiny trie that sits in the page cache. This adds <accounts> endowed
accounts (one `System.Account` key each, with random public keys) so that the trie is as deep
as a consortium chain's with that many patients and staff. Deterministic (fixed seed).
"""
import hashlib
import json
import random
import sys

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = ALPHABET[r] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def ss58(public: bytes, prefix: int = 42) -> str:
    # Prefix 42 (generic Substrate) is accepted by any node without a custom default format.
    body = bytes([prefix]) + public
    checksum = hashlib.blake2b(b"SS58PRE" + body, digest_size=64).digest()[:2]
    return b58encode(body + checksum)


def main() -> None:
    spec_path, count = sys.argv[1], int(sys.argv[2])
    with open(spec_path) as f:
        spec = json.load(f)
    patch = spec["genesis"]["runtimeGenesis"]["patch"]
    balances = patch.setdefault("balances", {}).setdefault("balances", [])
    rng = random.Random(4242)
    for _ in range(count):
        balances.append([ss58(rng.randbytes(32)), 10**15])
    spec["id"] = "medchain_storage_bench"
    spec["name"] = f"MedChain storage benchmark ({count} extra accounts)"
    json.dump(spec, sys.stdout)


if __name__ == "__main__":
    main()
