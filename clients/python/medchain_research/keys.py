"""sr25519 key pairs from Substrate secret URIs (``//Alice``, ``<mnemonic>//hard/soft``).

Implements the `async_substrate_interface.protocols.Keypair` protocol with
py-sr25519-bindings, so extrinsics can be signed without substrate-interface 1.8.
Only used by the demo seeder and the benchmark; researchers never need keys to read.
"""
from __future__ import annotations

import hashlib
import re

import bip39
import sr25519

from .ss58 import ss58_encode

DEV_PHRASE = "bottom drive obey lake curtain smoke basket hold race lonely fit walk"
MEDCHAIN_SS58 = 4242

_JUNCTION = re.compile(r"(//?)([^/]+)")


def _compact(n: int) -> bytes:
    if n < 1 << 6:
        return bytes([n << 2])
    if n < 1 << 14:
        return ((n << 2) | 1).to_bytes(2, "little")
    if n < 1 << 30:
        return ((n << 2) | 2).to_bytes(4, "little")
    raise ValueError("junction too long")


def _chain_code(junction: str) -> bytes:
    if junction.isdigit():
        raw = int(junction).to_bytes(8, "little")
    else:
        data = junction.encode()
        raw = _compact(len(data)) + data
    if len(raw) > 32:
        raw = hashlib.blake2b(raw, digest_size=32).digest()
    return raw.ljust(32, b"\0")


class Keypair:
    """An sr25519 key pair (crypto_type 1)."""

    crypto_type = 1

    def __init__(self, public_key: bytes, secret_key: bytes, ss58_format: int = MEDCHAIN_SS58):
        self.public_key = public_key
        self._secret = secret_key
        self.ss58_format = ss58_format
        self.ss58_address = ss58_encode(public_key, ss58_format)

    @classmethod
    def from_uri(cls, suri: str, ss58_format: int = MEDCHAIN_SS58) -> "Keypair":
        idx = suri.find("/")
        phrase, path = (suri, "") if idx < 0 else (suri[:idx], suri[idx:])
        phrase = phrase.strip() or DEV_PHRASE
        if phrase.startswith("0x"):
            seed = bytes.fromhex(phrase[2:])
        else:
            seed = bytes(bip39.bip39_to_mini_secret(phrase, ""))
        public, secret = sr25519.pair_from_seed(seed)
        consumed = "".join(m.group(0) for m in _JUNCTION.finditer(path))
        if consumed != path:
            raise ValueError(f"cannot parse derivation path {path!r}")
        for m in _JUNCTION.finditer(path):
            cc = _chain_code(m.group(2))
            if m.group(1) == "//":
                _, public, secret = sr25519.hard_derive_keypair((cc, public, secret), b"")
            else:
                _, public, secret = sr25519.derive_keypair((cc, public, secret), b"")
        return cls(bytes(public), bytes(secret), ss58_format)

    def sign(self, data: bytes | str) -> bytes:
        if hasattr(data, "data") and not isinstance(data, (bytes, str)):
            data = data.data  # ScaleBytes
        if isinstance(data, bytearray):
            data = bytes(data)
        if isinstance(data, str):
            data = bytes.fromhex(data[2:]) if data.startswith("0x") else data.encode()
        return bytes(sr25519.sign((self.public_key, self._secret), data))

    def __repr__(self) -> str:
        return f"Keypair({self.ss58_address})"
