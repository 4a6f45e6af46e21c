"""SS58 addresses (encode/decode), dependency-free."""
from __future__ import annotations

import hashlib

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _ALPHABET[r] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def _b58decode(s: str) -> bytes:
    n = 0
    for c in s:
        n = n * 58 + _ALPHABET.index(c)
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(s) - len(s.lstrip("1"))
    return b"\0" * pad + body


def _checksum(data: bytes) -> bytes:
    return hashlib.blake2b(b"SS58PRE" + data, digest_size=64).digest()[:2]


def ss58_encode(public_key: bytes | str, ss58_format: int = 4242) -> str:
    if isinstance(public_key, str):
        public_key = bytes.fromhex(public_key.removeprefix("0x"))
    if ss58_format < 64:
        prefix = bytes([ss58_format])
    else:
        prefix = bytes([((ss58_format & 0xFC) >> 2) | 0x40, (ss58_format >> 8) | ((ss58_format & 0x03) << 6)])
    data = prefix + public_key
    return _b58encode(data + _checksum(data))


def ss58_decode(address: str) -> bytes:
    """The 32-byte public key of an SS58 address (any prefix) or a 0x-hex account id."""
    if address.startswith("0x"):
        return bytes.fromhex(address[2:])
    raw = _b58decode(address)
    plen = 1 if raw[0] < 64 else 2
    body, check = raw[:-2], raw[-2:]
    if _checksum(body) != check:
        raise ValueError(f"bad SS58 checksum: {address}")
    return body[plen:]
