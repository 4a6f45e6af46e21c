#!/usr/bin/env python3
"""Turn a consortium's members file into a raw chain spec.

    scripts/consortium/chain-spec.py members.toml --out consortium.json [--node BIN] [--plain]

The members file (TOML, see scripts/consortium/members.example.toml) names the chain and,
for each founding member: organization name, roles, admin account, whether it holds a
council seat, its validator node's session keys, its boot node address, the libp2p peer ids
of its nodes, and its starting balance. The spec's code is the runtime a consortium runs, which has no Sudo pallet (the
node's `--chain local-consortium`): from the first block the council of members governs,
and its Root calls (runtime upgrades) wait out a time lock, `[chain] time_lock_hours`
(default 24), during which more than a third of the council can cancel them.

Node authorization: every member's nodes (`nodes`, default: the peer id of its `bootnode`)
go into the genesis (Consortium.MemberNodes); member nodes then sync only with nodes the
chain lists, and later changes are on chain (`Consortium.add_node` / `remove_node`). Every
member's boot node goes into the spec, so each node dials every member at start.

Every problem in the file is reported at once, with the member it concerns, and nothing is
written; the exit status is then 1.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib

ROLES = {
    "Provider": 1,
    "Pharmacy": 2,
    "Manufacturer": 4,
    "Distributor": 8,
    "Regulator": 16,
    "TrialSponsor": 32,
    "Researcher": 64,
    "Insurer": 128,
}
MAX_NAME_BYTES = 128  # the runtime's MaxOrganizationNameLength
MAX_COUNCIL = 64  # CouncilMaxMembers
MAX_VALIDATORS = 32  # MaxValidators
MAX_NODES = 16  # MaxNodesPerOrganization
# A libp2p peer id of an ed25519 node key: base58 of the identity multihash of the
# protobuf-encoded public key (0x00 identity, 0x24 length, 0x08 0x01 Ed25519, 0x12 0x20 32 bytes).
PEER_ID_PREFIX = bytes([0x00, 0x24, 0x08, 0x01, 0x12, 0x20])
UNIT = 10**12  # MED has 12 decimals
DEFAULT_BALANCE_MED = 1_000
BLOCK_SECONDS = 3  # the runtime's MILLI_SECS_PER_BLOCK / 1000
DEFAULT_TIME_LOCK_HOURS = 24
ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
MULTIADDR = re.compile(r"^/(ip4|ip6|dns|dns4|dns6)/[^/]+/tcp/\d{1,5}/p2p/[1-9A-HJ-NP-Za-km-z]{46,60}$")
# What the runtime's CompanyPrefix::parse accepts: 6..=12 ASCII digits
# (pallets/drug-provenance/src/types.rs, MIN/MAX_COMPANY_PREFIX_LEN); used with fullmatch, so
# a trailing newline is refused too.
GS1_PREFIX = re.compile(r"[0-9]{6,12}")


def b58decode(s: str) -> bytes:
    n = 0
    for ch in s:
        i = ALPHABET.find(ch)
        if i < 0:
            raise ValueError(f"'{ch}' is not a base58 character")
        n = n * 58 + i
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(s) - len(s.lstrip("1"))) + raw


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = ALPHABET[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def node_key(peer_id: str) -> bytes:
    """The 32-byte ed25519 key of a libp2p peer id (12D3KooW...); ValueError if it is not one."""
    data = b58decode(peer_id)
    if len(data) != 38 or not data.startswith(PEER_ID_PREFIX):
        raise ValueError("not the peer id of an ed25519 node key (12D3KooW..., from "
                         "`medchain-node key inspect-node-key`)")
    return data[6:]


def ss58_decode(address: str) -> bytes:
    """The 32-byte public key of an SS58 address (any network prefix); ValueError if bad."""
    data = b58decode(address)
    if len(data) < 35:
        raise ValueError("too short for an SS58 address of a 32-byte key")
    prefix_len = 1 if data[0] < 64 else 2
    body, checksum = data[:-2], data[-2:]
    if len(body) - prefix_len != 32:
        raise ValueError("not the address of a 32-byte key")
    if hashlib.blake2b(b"SS58PRE" + body, digest_size=64).digest()[:2] != checksum:
        raise ValueError("bad checksum (a typo?)")
    return body[prefix_len:]


def ss58_encode(public: bytes, prefix: int = 42) -> str:
    # The node reads genesis keys in the generic format (42); wallets show MedChain's 4242.
    body = bytes([prefix]) + public
    return b58encode(body + hashlib.blake2b(b"SS58PRE" + body, digest_size=64).digest()[:2])


def load_members(path: str) -> tuple[dict, list[str]]:
    """Validate the members file; return (genesis inputs, errors)."""
    errors: list[str] = []
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except FileNotFoundError:
        return {}, [f"{path}: no such file"]
    except tomllib.TOMLDecodeError as e:
        return {}, [f"{path}: not valid TOML: {e}"]

    chain = doc.get("chain", {})
    if not isinstance(chain, dict):
        errors.append("[chain] must be a table")
        chain = {}
    name = chain.get("name", "MedChain Consortium")
    chain_id = chain.get("id", "medchain_consortium")
    if not re.fullmatch(r"[a-z0-9_]{1,64}", str(chain_id)):
        errors.append(f"[chain] id '{chain_id}': use 1-64 lowercase letters, digits or _")
    protocol_id = chain.get("protocol_id", "medchain")
    time_lock = chain.get("time_lock_hours", DEFAULT_TIME_LOCK_HOURS)
    root_call_delay = 1
    if isinstance(time_lock, bool) or not isinstance(time_lock, (int, float)) or not 0 < time_lock <= 24 * 365:
        errors.append(f"[chain] time_lock_hours '{time_lock}': a number of hours, more than 0, at most a year")
    else:
        root_call_delay = max(1, int(round(time_lock * 3600 / BLOCK_SECONDS)))
        if time_lock < 1:
            print(f"[chain-spec] warning: a time lock of {time_lock} h ({root_call_delay} blocks) leaves "
                  "members little time to see and cancel a runtime upgrade", file=sys.stderr)

    members = doc.get("member", [])
    if not isinstance(members, list) or not members:
        errors.append("no [[member]] entries: a consortium needs at least one member")
        members = []

    seen: dict[str, str] = {}  # public key hex -> where it was seen
    assigned: list[tuple[str, str]] = []  # GS1 company prefixes so far, with their member
    organizations, council, session_keys, validators, balances, bootnodes, prefixes = (
        [], [], [], [], [], [], [])
    nodes: list[list] = []  # [admin, key bytes] for the genesis
    node_seen: dict[str, str] = {}  # peer id -> member
    validators_without_nodes: list[str] = []
    for i, m in enumerate(members, 1):
        who = f"member {i}" + (f" ({m.get('name')!r})" if isinstance(m, dict) and m.get("name") else "")
        if not isinstance(m, dict):
            errors.append(f"{who}: must be a table")
            continue
        unknown = set(m) - {"name", "roles", "admin", "council", "validator", "bootnode",
                            "nodes", "balance", "gs1_company_prefixes"}
        if unknown:
            errors.append(f"{who}: unknown field(s) {', '.join(sorted(unknown))}")
        org_name = m.get("name")
        if not isinstance(org_name, str) or not org_name.strip():
            errors.append(f"{who}: name is missing")
            org_name = ""
        elif len(org_name.encode()) > MAX_NAME_BYTES:
            errors.append(f"{who}: name is longer than {MAX_NAME_BYTES} bytes")
        roles = m.get("roles")
        bits = 0
        if not isinstance(roles, list) or not roles:
            errors.append(f"{who}: roles must be a non-empty list, e.g. roles = [\"Provider\"]")
        else:
            for r in roles:
                if r not in ROLES:
                    errors.append(f"{who}: unknown role '{r}' (known: {', '.join(ROLES)})")
                else:
                    bits |= ROLES[r]

        def key(field: str, value) -> bytes | None:
            if not isinstance(value, str):
                errors.append(f"{who}: {field} is missing (an SS58 address)")
                return None
            try:
                public = ss58_decode(value)
            except ValueError as e:
                errors.append(f"{who}: {field} '{value}' is not a valid SS58 address: {e}")
                return None
            tag = public.hex()
            if tag in seen:
                errors.append(f"{who}: {field} is the same key as {seen[tag]}")
            else:
                seen[tag] = f"{who} {field}"
            return public

        admin = key("admin", m.get("admin"))
        admin_addr = ss58_encode(admin) if admin else None
        if admin_addr and bits:
            organizations.append([admin_addr, list(org_name.encode()), bits, []])
        seat = m.get("council", True)
        if not isinstance(seat, bool):
            errors.append(f"{who}: council must be true or false")
        elif seat and admin_addr:
            council.append(admin_addr)
        balance = m.get("balance", DEFAULT_BALANCE_MED)
        if not isinstance(balance, (int, float)) or balance < 0:
            errors.append(f"{who}: balance must be a non-negative number of MED")
        elif admin_addr and balance > 0:
            balances.append([admin_addr, int(round(balance * UNIT))])

        v = m.get("validator")
        if v is not None:
            if not isinstance(v, dict):
                errors.append(f"{who}: validator must be a table with aura and grandpa keys")
            else:
                aura = key("validator.aura", v.get("aura"))
                grandpa = key("validator.grandpa", v.get("grandpa"))
                if aura and grandpa and admin_addr:
                    session_keys.append([admin_addr, admin_addr,
                                         {"aura": ss58_encode(aura), "grandpa": ss58_encode(grandpa)}])
                    validators.append(admin_addr)
        boot = m.get("bootnode")
        if boot is not None:
            if not isinstance(boot, str) or not MULTIADDR.match(boot):
                errors.append(f"{who}: bootnode '{boot}' is not a multiaddress like "
                              "/ip4/10.0.0.1/tcp/30333/p2p/12D3KooW...")
            else:
                bootnodes.append(boot)
        peers = m.get("nodes")
        if peers is None:
            peers = [boot.rsplit("/", 1)[1]] if isinstance(boot, str) and MULTIADDR.match(boot) else []
        if not isinstance(peers, list) or not all(isinstance(p, str) for p in peers):
            errors.append(f"{who}: nodes must be a list of peer ids, e.g. nodes = [\"12D3KooW...\"]")
            peers = []
        if len(peers) > MAX_NODES:
            errors.append(f"{who}: {len(peers)} nodes, the runtime allows {MAX_NODES} per member")
        for peer in peers:
            try:
                key_bytes = node_key(peer)
            except ValueError as e:
                errors.append(f"{who}: node '{peer}' is {e}")
                continue
            if peer in node_seen:
                errors.append(f"{who}: node '{peer}' is already listed by {node_seen[peer]}")
                continue
            node_seen[peer] = who
            if admin_addr:
                nodes.append([admin_addr, list(key_bytes)])
        if isinstance(boot, str) and MULTIADDR.match(boot) and boot.rsplit("/", 1)[1] not in peers:
            errors.append(f"{who}: its bootnode's peer id is not among its nodes: members would "
                          "refuse the boot node")
        if v is not None and not peers:
            validators_without_nodes.append(who)
        for p in m.get("gs1_company_prefixes", []):
            if not isinstance(p, str) or not GS1_PREFIX.fullmatch(p):
                errors.append(f"{who}: GS1 company prefix '{p}' must be 6-12 digits (0-9)")
                continue
            # The runtime's genesis assigns each prefix once and refuses one that extends, or
            # is extended by, another (CompanyPrefixAlreadyAssigned, CompanyPrefixOverlaps).
            clash = next((q for q, _ in assigned if p.startswith(q) or q.startswith(p)), None)
            if clash is not None:
                errors.append(f"{who}: GS1 company prefix '{p}' "
                              + ("is assigned twice" if clash == p else f"overlaps '{clash}'")
                              + ": each prefix is assigned once and none may start another")
                continue
            assigned.append((p, who))
            if admin_addr:
                if not bits & ROLES["Manufacturer"]:
                    errors.append(f"{who}: only a Manufacturer can hold GS1 company prefix '{p}'")
                prefixes.append([list(p.encode()), admin_addr])

    if nodes and validators_without_nodes:
        for who in validators_without_nodes:
            errors.append(f"{who}: runs a validator but lists no node (nodes = [...] or a "
                          "bootnode): the other members' nodes would refuse it")
    if members and not validators:
        errors.append("no member has a [member.validator]: the chain would have no block producer")
    if members and not council:
        errors.append("no member holds a council seat: nobody could govern the chain")
    if len(council) > MAX_COUNCIL:
        errors.append(f"{len(council)} council seats, the runtime allows {MAX_COUNCIL}")
    if len(validators) > MAX_VALIDATORS:
        errors.append(f"{len(validators)} validators, the runtime allows {MAX_VALIDATORS}")
    if 0 < len(validators) < 4:
        print(f"[chain-spec] warning: {len(validators)} validator(s) tolerate no failure of "
              "finality; 4 (3f+1, f=1) tolerate one", file=sys.stderr)
    # The council may never go below 4 validators (or below the genesis number if smaller):
    # with 3f+1 validators, f may fail and GRANDPA still finalizes.
    min_validators = min(4, len(validators))

    patch = {
        "balances": {"balances": balances},
        "consortium": {"organizations": organizations, "nodes": nodes},
        "councilMembership": {"members": council},
        "session": {"keys": session_keys},
        "governance": {"validators": validators, "minValidators": min_validators,
                       "rootCallDelay": root_call_delay},
        "drugProvenance": {"companyPrefixes": prefixes},
        # No sudo key: the consortium's runtime has no Sudo; the council governs from block 1.
    }
    meta = {"name": name, "id": chain_id, "protocolId": protocol_id, "bootNodes": bootnodes}
    return {"patch": patch, "meta": meta}, errors


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("members", help="the members file (TOML)")
    ap.add_argument("--out", required=True, help="where to write the chain spec")
    ap.add_argument("--node", default=os.environ.get("MEDCHAIN_NODE"),
                    help="medchain-node binary (default: $MEDCHAIN_NODE)")
    ap.add_argument("--plain", action="store_true",
                    help="write the human-readable spec instead of the raw one")
    args = ap.parse_args()

    spec_in, errors = load_members(args.members)
    if errors:
        print(f"[chain-spec] {args.members}: {len(errors)} problem(s), nothing written:", file=sys.stderr)
        for e in errors:
            print(f"  - {e}", file=sys.stderr)
        return 1
    if not args.node or not os.access(args.node, os.X_OK):
        print("[chain-spec] no medchain-node binary: pass --node or set MEDCHAIN_NODE", file=sys.stderr)
        return 1

    # The runtime's code (the consortium's: no Sudo) and the chain properties come from the
    # node's own local consortium spec.
    base = json.loads(subprocess.run([args.node, "export-chain-spec", "--chain", "local-consortium"],
                                     check=True, capture_output=True, text=True).stdout)
    base.update(spec_in["meta"])
    base["chainType"] = "Live"
    base["genesis"]["runtimeGenesis"]["patch"] = spec_in["patch"]
    if args.plain:
        with open(args.out, "w") as f:
            json.dump(base, f, indent=2)
        return 0
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(base, f)
        plain = f.name
    try:
        raw = subprocess.run([args.node, "export-chain-spec", "--chain", plain, "--raw"],
                             capture_output=True, text=True)
        if raw.returncode != 0:
            print(f"[chain-spec] the node refused the genesis:\n{raw.stderr}", file=sys.stderr)
            return 1
        with open(args.out, "w") as f:
            f.write(raw.stdout)
    finally:
        os.unlink(plain)
    n = spec_in["patch"]
    print(f"[chain-spec] {args.out}: {len(n['consortium']['organizations'])} organizations, "
          f"{len(n['councilMembership']['members'])} council seats, "
          f"{len(n['governance']['validators'])} validators, "
          f"{len(n['consortium']['nodes'])} member nodes, no sudo, "
          f"a {n['governance']['rootCallDelay']}-block time lock", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
