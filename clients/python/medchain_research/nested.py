"""Calls inside calls: which ones the chain refused, dispatched as whom, with which error.

An extrinsic's call may dispatch others: ``Utility.batch`` / ``batch_all`` / ``force_batch``,
``Proxy.proxy`` (as the account the signer is a proxy of), ``Sudo.sudo`` (as Root) and
``sudo_as``, ``Recovery.control_inherited_account``, a council member's ``Council.execute``,
and these nested in one another. FRAME rolls a failed dispatch back, its events included, so
the chain tells which inner call failed, and why, only through the event of the wrapper that
caught the failure:

- ``Utility.BatchInterrupted { index, error }`` (``batch``: item ``index`` failed, the items
  after it were not dispatched), ``Utility.ItemFailed { error }`` (``force_batch``, one per
  failed item, in item order, an ``ItemCompleted`` for each other item),
- ``Proxy.ProxyExecuted { result }``, ``Sudo.Sudid { sudo_result }``,
  ``Sudo.SudoAsDone { sudo_result }``, ``Utility.DispatchedAs { result }``,
  ``Recovery.RecoveredAccountControlled { call_result }``, ``Council.MemberExecuted`` /
  ``Executed { result }`` (the wrapper succeeds, the inner call's error is in the event),
- ``Utility.IfElseFallbackCalled { main_error }``,
- and ``System.ExtrinsicFailed`` when the failure reaches the top (``batch_all``,
  ``as_derivative``, ``with_weight``, ``dispatch_as_fallible`` pass an inner error on; a
  ``Proxy.proxy`` the signer may not make fails there with ``NotProxy``).

`failed_calls` reads an extrinsic's wrapper events (its "markers": the events only wrappers
emit, every other event is ignored) against its decoded call tree, like a parser: each
wrapper emits its markers after its inner calls' own, in dispatch order, so there is one
reading of the markers for the call tree (the parser backtracks where a prefix is ambiguous,
e.g. an inner batch's ``ItemCompleted`` before the outer's). Where one error stands for
several calls (a failed ``batch_all`` of two calls: the chain keeps the error, not which call
raised it), each of them is reported with that error and the size of the group.

A wrapper that catches its inner call's failure (``Proxy.proxy``, ``Sudo.sudo``, ...) fails
itself only for its own reasons (``NotProxy``, ``RequireSudo``): so when such a wrapper is part
of a failed group, the calls under it are reported as dispatched by its caller (the claimed
account is kept in ``via``), not as the account it would have dispatched them as.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Optional

from .chain import SS58_FORMAT
from .ss58 import ss58_decode, ss58_encode

# The events only wrappers emit (module, event).
MARKERS = {("Utility", n) for n in ("ItemCompleted", "ItemFailed", "BatchInterrupted", "BatchCompleted", "BatchCompletedWithErrors",
                                    "DispatchedAs", "IfElseMainSuccess", "IfElseFallbackCalled")} | {
    ("Proxy", "ProxyExecuted"), ("Sudo", "Sudid"), ("Sudo", "SudoAsDone"), ("Recovery", "RecoveredAccountControlled"),
    ("Council", "MemberExecuted"), ("Council", "Executed")}

# Marker events that carry an inner call's error: (module, event) -> the attribute holding
# the error, and whether that attribute is a DispatchResult (Ok/Err) or the error itself.
ERROR_CARRIERS = {("Utility", "BatchInterrupted"): ("error", False), ("Utility", "ItemFailed"): ("error", False),
                  ("Utility", "IfElseFallbackCalled"): ("main_error", False), ("Utility", "DispatchedAs"): ("result", True),
                  ("Proxy", "ProxyExecuted"): ("result", True), ("Sudo", "Sudid"): ("sudo_result", True),
                  ("Sudo", "SudoAsDone"): ("sudo_result", True), ("Recovery", "RecoveredAccountControlled"): ("call_result", True),
                  ("Council", "MemberExecuted"): ("result", True), ("Council", "Executed"): ("result", True)}

BATCHES = ("Utility.batch", "Utility.batch_all", "Utility.force_batch")
# Wrappers that dispatch one inner call and catch its failure (the wrapper itself succeeds and
# reports the inner result in its marker): wrapper -> (argument holding the inner call,
# marker event, attribute of the result).
CATCHING = {
    "Proxy.proxy": ("call", ("Proxy", "ProxyExecuted"), "result"),
    "Proxy.proxy_announced": ("call", ("Proxy", "ProxyExecuted"), "result"),
    "Sudo.sudo": ("call", ("Sudo", "Sudid"), "sudo_result"),
    "Sudo.sudo_unchecked_weight": ("call", ("Sudo", "Sudid"), "sudo_result"),
    "Sudo.sudo_as": ("call", ("Sudo", "SudoAsDone"), "sudo_result"),
    "Utility.dispatch_as": ("call", ("Utility", "DispatchedAs"), "result"),
    "Recovery.control_inherited_account": ("call", ("Recovery", "RecoveredAccountControlled"), "call_result"),
    "Council.execute": ("proposal", ("Council", "MemberExecuted"), "result"),
    "Council.propose": ("proposal", ("Council", "Executed"), "result"),
}
# Wrappers that pass their inner call's failure on (they fail with it).
TRANSPARENT = ("Utility.as_derivative", "Utility.with_weight", "Utility.dispatch_as_fallible")
# Calls that may dispatch a call not among their arguments (a council motion's close
# dispatches the stored proposal): their markers cannot be told apart, they may hold any.
OPAQUE = ("Council.close",)


def account(v) -> Optional[str]:
    """An account as the events carry it (SS58, prefix 4242): from a decoded address or
    AccountId (SS58 already, 0x-hex, or a MultiAddress {"Id": ...})."""
    if v is None:
        return None
    if isinstance(v, dict):
        return account(v.get("Id", next(iter(v.values()), None)) if len(v) == 1 else v.get("Id"))
    if isinstance(v, str) and v.startswith("0x") and len(v) == 66:
        return ss58_encode(bytes.fromhex(v[2:]), SS58_FORMAT)
    if isinstance(v, (list, tuple)) and len(v) == 32 and all(isinstance(b, int) for b in v):
        return ss58_encode(bytes(v), SS58_FORMAT)
    return str(v)


def is_account_type(t) -> bool:
    return isinstance(t, str) and any(k in t for k in ("AccountId", "Lookup", "Address"))


def call_name(call) -> str:
    if not isinstance(call, dict):
        return "?"
    return f"{call.get('call_module')}.{call.get('call_function')}"


def call_args(call) -> dict:
    """A decoded call's arguments by name, accounts as SS58 (the shape `failed_extrinsics.args`
    and `failed_calls.args` hold)."""
    args = (call or {}).get("call_args") or []
    if isinstance(args, list):
        return {a.get("name"): account(a.get("value")) if is_account_type(a.get("type")) else a.get("value")
                for a in args if isinstance(a, dict)}
    return dict(args) if isinstance(args, dict) else {}


def _raw_arg(call, name):
    args = (call or {}).get("call_args") or []
    if isinstance(args, dict):
        return args.get(name)
    for a in args:
        if isinstance(a, dict) and a.get("name") == name:
            return a.get("value")
    return None


def _items(call) -> list:
    v = _raw_arg(call, "calls")
    if isinstance(v, list) and len(v) == 1 and isinstance(v[0], list):
        v = v[0]
    return [c for c in v] if isinstance(v, list) else []


def derivative_account(who: str, index: int) -> str:
    """`pallet_utility::derivative_account_id(who, index)`: blake2_256 of
    ("modlpy/utilisuba", who, index as u16 LE)."""
    h = hashlib.blake2b(b"modlpy/utilisuba" + ss58_decode(who) + int(index).to_bytes(2, "little"), digest_size=32).digest()
    return ss58_encode(h, SS58_FORMAT)


def dispatch_result(attrs, key: str, is_result: bool) -> tuple[bool, object]:
    """(ok, error) of a marker event's result attribute."""
    v = (attrs or {}).get(key) if isinstance(attrs, dict) else None
    if not is_result:
        return False, v
    if isinstance(v, dict) and "Err" in v:
        return False, v["Err"]
    if isinstance(v, dict) and "Ok" in v or v == "Ok" or v is None:
        return True, None
    return False, v


def is_inner_failure(e: dict) -> bool:
    """Whether a decoded event reports a call that failed inside another (the extrinsic itself
    may have succeeded): a batch interrupted, a failed batch item, a proxied / sudo / ... call
    whose result is an error."""
    key = ERROR_CARRIERS.get((e.get("module_id"), e.get("event_id")))
    return key is not None and not dispatch_result(e.get("attributes"), *key)[0]


@dataclass(frozen=True)
class Origin:
    account: Optional[str]  # SS58 when the origin is an account
    kind: str = "Signed"  # "Signed", "Root", "Council", or the decoded origin as JSON


@dataclass
class Refusal:
    marker: int  # position in the extrinsic's markers of the event that carries the error
    call: dict
    origin: Origin
    via: list
    error: object


def _origin_of(v) -> Origin:
    """A decoded `OriginCaller` (`Utility.dispatch_as`)."""
    if isinstance(v, dict) and len(v) == 1:
        inner = next(iter(v.values()))
        if str(next(iter(v))).lower() == "system":
            if isinstance(inner, dict) and "Signed" in inner:
                return Origin(account(inner["Signed"]))
            if inner == "Root" or (isinstance(inner, dict) and "Root" in inner):
                return Origin(None, "Root")
    return Origin(None, json.dumps(v, default=str, sort_keys=True))


def _new_origin(name: str, call: dict, origin: Origin) -> tuple[Origin, dict]:
    """The origin a wrapper dispatches its inner call with, and the `via` step saying so."""
    by = origin.account
    if name in ("Proxy.proxy", "Proxy.proxy_announced"):
        real = account(_raw_arg(call, "real"))
        step = {"call": name, "by": account(_raw_arg(call, "delegate")) if name == "Proxy.proxy_announced" else by, "as": real}
        return Origin(real), step
    if name in ("Sudo.sudo", "Sudo.sudo_unchecked_weight", "Utility.with_weight"):
        return Origin(None, "Root"), {"call": name, "by": by, "as": "Root"}
    if name == "Sudo.sudo_as":
        who = account(_raw_arg(call, "who"))
        return Origin(who), {"call": name, "by": by, "as": who}
    if name == "Recovery.control_inherited_account":
        rec = account(_raw_arg(call, "recovered"))
        return Origin(rec), {"call": name, "by": by, "as": rec}
    if name in ("Utility.dispatch_as", "Utility.dispatch_as_fallible"):
        o = _origin_of(_raw_arg(call, "as_origin"))
        return o, {"call": name, "by": by, "as": o.account or o.kind}
    if name in ("Council.execute", "Council.propose"):
        return Origin(None, "Council"), {"call": name, "by": by, "as": "Council"}
    if name == "Utility.as_derivative":
        index = int(_raw_arg(call, "index") or 0)
        if by is None:
            return Origin(None, origin.kind), {"call": name, "index": index}
        d = derivative_account(by, index)
        return Origin(d), {"call": name, "by": by, "as": d, "index": index}
    return origin, {"call": name}


class _Parser:
    def __init__(self, markers: list[tuple[int, str, str, object]]):
        self.m = markers  # (event index in the block, module, event, attributes)

    def at(self, p: int, mod: str, name: str) -> bool:
        return p < len(self.m) and self.m[p][1] == mod and self.m[p][2] == name

    def attrs(self, p: int) -> dict:
        a = self.m[p][3]
        return a if isinstance(a, dict) else {}

    def result(self, p: int) -> tuple[bool, object]:
        key = ERROR_CARRIERS.get((self.m[p][1], self.m[p][2]))
        return dispatch_result(self.m[p][3], *key) if key else (True, None)

    # -- a failed call: the calls in it that were refused with its error ---------------------
    def leaves(self, call, origin: Origin, via: list) -> list[tuple[dict, Origin, list]]:
        name = call_name(call)
        if name in BATCHES:
            return [leaf for i, c in enumerate(_items(call)) for leaf in self.leaves(c, origin, via + [{"call": name, "item": i}])]
        if name == "Utility.if_else":
            return (self.leaves(_raw_arg(call, "main"), origin, via + [{"call": name, "branch": "main"}])
                    + self.leaves(_raw_arg(call, "fallback"), origin, via + [{"call": name, "branch": "fallback"}]))
        if name in CATCHING and isinstance(_raw_arg(call, CATCHING[name][0]), dict):
            # It failed on its own account (it catches its inner call's failure): the inner
            # call was not dispatched as the account it names.
            _, step = _new_origin(name, call, origin)
            return self.leaves(_raw_arg(call, CATCHING[name][0]), origin, via + [{**step, "dispatched": False}])
        if name in TRANSPARENT and isinstance(_raw_arg(call, "call"), dict):
            o, step = _new_origin(name, call, origin)
            return self.leaves(_raw_arg(call, "call"), o, via + [step])
        return [(call, origin, via)]

    def refuse(self, p: int, call, origin: Origin, via: list, error) -> list[Refusal]:
        return [Refusal(p, c, o, v, error) for c, o, v in self.leaves(call, origin, via)]

    # -- a call that succeeded: where its markers end, and the refusals inside it --------------
    def ok(self, call, origin: Origin, via: list, p: int) -> list[tuple[int, list[Refusal]]]:
        name = call_name(call)
        if name in BATCHES:
            return self.batch(name, call, origin, via, p)
        if name in OPAQUE:
            return [(q, []) for q in range(p, len(self.m) + 1)]
        out: dict[int, list[Refusal]] = {}
        if name in CATCHING and isinstance(_raw_arg(call, CATCHING[name][0]), dict):
            arg, (mod, ev), _ = CATCHING[name]
            inner = _raw_arg(call, arg)
            o, step = _new_origin(name, call, origin)
            if name == "Council.propose":
                threshold = _raw_arg(call, "threshold")
                out[p] = []  # proposed, not executed (a threshold above 1)
                if threshold is not None and int(threshold) >= 2:
                    return list(out.items())
            for q, r in self.ok(inner, o, via + [step], p):
                if self.at(q, mod, ev) and self.result(q)[0]:
                    out.setdefault(q + 1, r)
            if self.at(p, mod, ev):
                good, err = self.result(p)
                if not good:
                    out.setdefault(p + 1, self.refuse(p, inner, o, via + [step], err))
            return list(out.items())
        if name in TRANSPARENT and isinstance(_raw_arg(call, "call"), dict):
            o, step = _new_origin(name, call, origin)
            alts = self.ok(_raw_arg(call, "call"), o, via + [step], p)
            if name != "Utility.dispatch_as_fallible":
                return alts
            return [(q + 1, r) for q, r in alts if self.at(q, "Utility", "DispatchedAs") and self.result(q)[0]]
        if name == "Utility.if_else":
            main, fallback = _raw_arg(call, "main"), _raw_arg(call, "fallback")
            for q, r in self.ok(main, origin, via + [{"call": name, "branch": "main"}], p):
                if self.at(q, "Utility", "IfElseMainSuccess"):
                    out.setdefault(q + 1, r)
            for q, r in self.ok(fallback, origin, via + [{"call": name, "branch": "fallback"}], p):
                if self.at(q, "Utility", "IfElseFallbackCalled"):
                    refused = self.refuse(q, main, origin, via + [{"call": name, "branch": "main"}], self.result(q)[1])
                    out.setdefault(q + 1, refused + r)
            return list(out.items())
        return [(p, [])]  # any other call: it emits no markers

    def batch(self, name: str, call, origin: Origin, via: list, p: int) -> list[tuple[int, list[Refusal]]]:
        states: dict[int, tuple[list, bool]] = {p: ([], False)}  # position -> (refusals so far, an item failed)
        done: dict[int, list[Refusal]] = {}
        for i, item in enumerate(_items(call)):
            step = via + [{"call": name, "item": i}]
            nxt: dict[int, tuple[list, bool]] = {}
            for q, (r, bad) in states.items():
                for q2, r2 in self.ok(item, origin, step, q):
                    if self.at(q2, "Utility", "ItemCompleted"):
                        nxt.setdefault(q2 + 1, (r + r2, bad))
                if name == "Utility.batch" and self.at(q, "Utility", "BatchInterrupted") and _int(self.attrs(q).get("index")) == i:
                    done.setdefault(q + 1, r + self.refuse(q, item, origin, step, self.attrs(q).get("error")))
                if name == "Utility.force_batch" and self.at(q, "Utility", "ItemFailed"):
                    nxt.setdefault(q + 1, (r + self.refuse(q, item, origin, step, self.attrs(q).get("error")), True))
            states = nxt
        for q, (r, bad) in states.items():
            if self.at(q, "Utility", "BatchCompletedWithErrors" if bad else "BatchCompleted"):
                done.setdefault(q + 1, r)
        return list(done.items())


def _int(v) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return -1


def failed_calls(xt: Optional[dict], events: list[tuple[int, dict]]) -> Optional[list[dict]]:
    """The calls refused inside the extrinsic `xt` (decoded: address, call), given its events
    ((index in the block, decoded event), in order). Each: the index of the event that carries
    the error, `n` / `group_size` (the call's place among the calls that event's error stands
    for), the extrinsic's signer, the origin the call was dispatched with (`origin` an account
    or None, `origin_kind`), the wrappers on the way (`via`), the call and its arguments, the
    error as decoded. A failed extrinsic whose call is no wrapper gives none (that is
    `failed_extrinsics`' row). None if the events cannot be read against the call tree."""
    call = (xt or {}).get("call")
    if not isinstance(call, dict):
        return None if any(is_inner_failure(e) for _, e in events) else []
    signer = account((xt or {}).get("address"))
    top = Origin(signer) if signer else Origin(None, "None")
    markers = [(i, e.get("module_id"), e.get("event_id"), e.get("attributes")) for i, e in events
               if (e.get("module_id"), e.get("event_id")) in MARKERS]
    parser = _Parser(markers)
    failed = [(i, e) for i, e in events if e.get("module_id") == "System" and e.get("event_id") == "ExtrinsicFailed"]
    if failed:
        i, e = failed[-1]
        leaves = parser.leaves(call, top, [])
        if len(leaves) == 1 and leaves[0][0] is call:
            return []
        # Everything the call did was rolled back: its own markers are gone too.
        refusals = [Refusal(-1, c, o, v, (e.get("attributes") or {}).get("dispatch_error")) for c, o, v in leaves]
        carrier = {-1: i}
    else:
        complete = [r for q, r in parser.ok(call, top, [], 0) if q == len(markers)]
        if not complete:
            return None
        refusals = complete[0]
        carrier = {p: m[0] for p, m in enumerate(markers)}
    groups: dict[int, int] = {}
    for r in refusals:
        groups[r.marker] = groups.get(r.marker, 0) + 1
    out, seen = [], {}
    for r in refusals:
        n = seen.get(r.marker, 0)
        seen[r.marker] = n + 1
        out.append({"idx": carrier[r.marker], "n": n, "group_size": groups[r.marker], "signer": signer, "origin": r.origin.account,
                    "origin_kind": r.origin.kind, "via": r.via, "call_module": (r.call or {}).get("call_module") if isinstance(r.call, dict) else None,
                    "call_function": (r.call or {}).get("call_function") if isinstance(r.call, dict) else None,
                    "args": call_args(r.call) if isinstance(r.call, dict) else {}, "dispatch_error": r.error})
    out.sort(key=lambda row: (row["idx"], row["n"]))
    return out
