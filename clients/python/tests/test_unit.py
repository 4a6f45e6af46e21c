"""Offline checks of the building blocks (no node)."""
import hashlib

import pytest

from medchain_research.analysis import Pseudonymizer, recompute_chain
from medchain_research.keys import Keypair
from medchain_research.merkle import merkle_proof, merkle_root
from medchain_research.ss58 import ss58_decode, ss58_encode


def test_dev_keys_match_substrate():
    # Well-known dev public keys (sp-keyring).
    assert Keypair.from_uri("//Alice").public_key.hex() == "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
    assert Keypair.from_uri("//Alice//stash").public_key.hex() == "be5ddb1579b72e84524fc29e78609e3caf42e85aa118ebfe0b0ad404b5bdd25f"
    assert Keypair.from_uri("//Bob").public_key.hex() == "8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48"


def test_ss58_roundtrip_and_checksum():
    pk = bytes(range(32))
    for fmt in (42, 4242):
        assert ss58_decode(ss58_encode(pk, fmt)) == pk
    addr = ss58_encode(pk, 4242)
    bad = addr[:-1] + ("1" if addr[-1] != "1" else "2")
    with pytest.raises(ValueError):
        ss58_decode(bad)


def test_merkle_proof_verifies():
    leaves = [f"SN{i:04d}".encode() for i in range(7)]
    root = merkle_root(leaves)
    h = lambda b: hashlib.blake2b(b, digest_size=32).digest()  # noqa: E731
    for idx in range(7):
        node, pos, width = h(leaves[idx]), idx, 7
        proof = iter(merkle_proof(leaves, idx))
        while width > 1:
            if pos % 2 == 1:
                node = h(next(proof) + node)
            elif pos + 1 < width:
                node = h(node + next(proof))
            pos, width = pos // 2, (width + 1) // 2
        assert node == root


def test_pseudonyms_stable_salted_and_format_independent():
    pk = Keypair.from_uri("//Alice").public_key
    a, b = Pseudonymizer(b"researcher salt 0001"), Pseudonymizer(b"researcher salt 0002")
    assert a.account(ss58_encode(pk, 4242)) == a.account(ss58_encode(pk, 42)) == a.account("0x" + pk.hex())
    assert a.account(ss58_encode(pk, 4242)) != b.account(ss58_encode(pk, 4242))
    with pytest.raises(ValueError):
        Pseudonymizer(b"short")


def test_recompute_chain_detects_tampering():
    sub = ss58_encode(bytes(32), 4242)
    commits = [{"batch_root": "0x" + "11" * 32, "record_count": 5, "submitter": sub},
               {"batch_root": "0x" + "22" * 32, "record_count": 7, "submitter": sub}]
    good = recompute_chain(commits)
    assert good[0] == "0x" + hashlib.blake2b(bytes(32) + bytes([0x11] * 32) + (5).to_bytes(4, "little") + bytes(32), digest_size=32).hexdigest()
    commits[0]["record_count"] = 6
    bad = recompute_chain(commits)
    assert bad[0] != good[0] and bad[1] != good[1]
