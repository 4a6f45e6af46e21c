"""binary-merkle-tree (BlakeTwo256), as medchain-primitives and clients/js build it."""
from __future__ import annotations

import hashlib


def _h(b: bytes) -> bytes:
    return hashlib.blake2b(b, digest_size=32).digest()


def build_rows(leaves: list[bytes]) -> list[list[bytes]]:
    rows = [[_h(v) for v in leaves]]
    while len(rows[-1]) > 1:
        row = rows[-1]
        nxt = [_h(row[i] + row[i + 1]) for i in range(0, len(row) - 1, 2)]
        if len(row) % 2 == 1:
            nxt.append(row[-1])
        rows.append(nxt)
    return rows


def merkle_root(leaves: list[bytes]) -> bytes:
    if not leaves:
        return bytes(32)
    return build_rows(leaves)[-1][0]


def merkle_proof(leaves: list[bytes], index: int) -> list[bytes]:
    rows = build_rows(leaves)
    proof, pos = [], index
    for row in rows[:-1]:
        if pos % 2 == 1:
            proof.append(row[pos - 1])
        elif pos + 1 < len(row):
            proof.append(row[pos + 1])
        pos //= 2
    return proof
