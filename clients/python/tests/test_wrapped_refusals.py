"""Offline: access calls refused inside Utility / Proxy / Sudo / Recovery wrappers
(medchain_research/nested.py) become AuditEvents. Synthetic blocks in the shapes
aio-substrate-interface decodes (nested calls as `{call_module, call_function, call_args}`,
events as `get_events` gives them; the shapes were read off a dev node), fed to the real
indexer (`index`, with a stand-in for the node) and to `fhir_audit`; everything exported is
validated by fhir.resources (R4B)."""
from __future__ import annotations

import asyncio
import datetime as dt

import duckdb
import pytest

from conftest import audit_bundle_events, run_cli
from medchain_research import db, fhir_audit, indexer, nested
from medchain_research.ss58 import ss58_encode

T0 = dt.datetime(2026, 12, 1, 8, 0, 0)


def acct(tag: int) -> str:
    return ss58_encode(bytes([tag]) * 32, 4242)


HOSPITAL, LAKESIDE, HELIX, NURSE, OUTSIDER, PROXY, GATEWAY, SUDO = (acct(t) for t in range(1, 9))
PAT1 = acct(10)
REC1, REC2 = ("0x" + (bytes([t]) * 32).hex() for t in (0xA1, 0xA2))
GENESIS = "0x" + "00" * 32

# The runtime's error table (as Chain.module_errors gives it), with this runtime's indices.
ERRORS = {(22, 12): ("Consent", "NotGrantee"), (22, 27): ("Consent", "PurposeNotPermitted"), (20, 3): ("Consortium", "MissingRole"),
          (0, 5): ("System", "CallFiltered"), (8, 2): ("Proxy", "NotProxy"), (24, 5): ("DrugProvenance", "SerialAlreadyDispensed")}


def mod_err(pallet: int, err: int) -> dict:
    return {"Module": {"index": pallet, "error": "0x" + bytes([err, 0, 0, 0]).hex()}}


NOT_GRANTEE, NOT_PERMITTED, MISSING_ROLE = mod_err(22, 12), mod_err(22, 27), mod_err(20, 3)
CALL_FILTERED, NOT_PROXY, DISPENSED = mod_err(0, 5), mod_err(8, 2), mod_err(24, 5)
ACCOUNT_ARGS = {"patient": "AccountId", "real": "AccountIdLookupOf", "who": "AccountIdLookupOf", "delegate": "AccountIdLookupOf",
                "recovered": "AccountIdLookupOf"}


def call(module: str, fn: str, **args) -> dict:
    """A call as aio-substrate-interface decodes it (nested ones alike)."""
    return {"call_index": "0x0000", "call_function": fn, "call_module": module,
            "call_args": [{"name": k, "type": ACCOUNT_ARGS.get(k, "RuntimeCall" if k == "call" else "X"), "value": v} for k, v in args.items()]}


def la(consent: int, record: str = REC1) -> dict:
    return call("Consent", "log_access", patient=PAT1, consent_id=consent, record_id=record, category="LabResults")


def las(consent: int, records: list) -> dict:
    return call("Consent", "log_accesses", patient=PAT1, consent_id=consent, reads=[[[r, "LabResults"] for r in records]])


def glass() -> dict:
    return call("Consent", "break_glass", patient=PAT1, reason_code=7)


def batch(kind: str, *calls) -> dict:
    return call("Utility", kind, calls=list(calls))


def proxy(real: str, inner: dict, proxy_type=None) -> dict:
    return call("Proxy", "proxy", real=real, force_proxy_type=proxy_type, call=inner)


def ev(module: str, name: str, attrs=None) -> dict:
    return {"phase": "ApplyExtrinsic", "module_id": module, "event_id": name, "attributes": attrs}


def logged(accessor: str, org: str, consent: int, record: str = REC1) -> dict:
    return ev("Consent", "AccessLogged", dict(patient=PAT1, consent_id=consent, organization=org, accessor=accessor, record_id=record,
                                              category="LabResults", purpose="Treatment", emergency=False))


OK, DONE, ERR = {"Ok": []}, ev("Utility", "ItemCompleted"), (lambda e: {"Err": e})


def extrinsic(signer: str, c: dict, events: list, failed=None) -> tuple[dict, list]:
    """An extrinsic and its events as the node emits them: the fee withdrawn first, the fee
    paid and ExtrinsicSuccess / ExtrinsicFailed (then nothing of the call's own is left) last."""
    fee = [ev("Balances", "Withdraw", {"who": signer, "amount": 1})]
    tail = [ev("Balances", "BurnedDebt", {"amount": 1}), ev("TransactionPayment", "TransactionFeePaid", {"who": signer, "actual_fee": 1, "tip": 0})]
    if failed is not None:
        return {"address": signer, "call": c}, fee + tail + [ev("System", "ExtrinsicFailed", {"dispatch_error": failed, "dispatch_info": {}})]
    return {"address": signer, "call": c}, fee + events + tail + [ev("System", "ExtrinsicSuccess", {"dispatch_info": {}})]


def refused(x: dict, events: list):
    return nested.failed_calls(x, list(enumerate(events)))


def brief(rows) -> list[tuple]:
    return [(r["idx"], r["n"], r["group_size"], r["origin"], r["origin_kind"], f"{r['call_module']}.{r['call_function']}",
             fhir_audit.via_text(r["via"]), r["dispatch_error"]) for r in rows]


# ---------------------------------------------------------------------------------------------
# The parser, wrapper by wrapper
# ---------------------------------------------------------------------------------------------


def test_inner_failures_mark_the_block():
    """The indexer fetches a block's body when one of these is in it, not only for
    ExtrinsicFailed: a block whose only refusal is a proxied one has no ExtrinsicFailed."""
    assert indexer._is_failure(ev("System", "ExtrinsicFailed", {"dispatch_error": NOT_GRANTEE}))
    for e in (ev("Proxy", "ProxyExecuted", {"result": ERR(NOT_GRANTEE)}), ev("Utility", "BatchInterrupted", {"index": 0, "error": NOT_GRANTEE}),
              ev("Utility", "ItemFailed", {"error": NOT_GRANTEE}), ev("Sudo", "Sudid", {"sudo_result": ERR("BadOrigin")}),
              ev("Sudo", "SudoAsDone", {"sudo_result": ERR(NOT_GRANTEE)}), ev("Utility", "DispatchedAs", {"result": ERR("BadOrigin")}),
              ev("Utility", "IfElseFallbackCalled", {"main_error": NOT_GRANTEE}),
              ev("Recovery", "RecoveredAccountControlled", {"recovered": LAKESIDE, "inheritor": PROXY, "call_hash": "0x", "call_result": ERR(NOT_GRANTEE)})):
        assert indexer._is_failure(e), e
    for e in (ev("Proxy", "ProxyExecuted", {"result": OK}), ev("Sudo", "Sudid", {"sudo_result": OK}), DONE, ev("Utility", "BatchCompleted"),
              ev("Utility", "BatchCompletedWithErrors"), ev("System", "ExtrinsicSuccess", {}), logged(NURSE, HOSPITAL, 0)):
        assert not indexer._is_failure(e), e


def test_proxied_refusal_is_the_real_accounts():
    x, evs = extrinsic(PROXY, proxy(LAKESIDE, la(0)), [ev("Proxy", "ProxyExecuted", {"result": ERR(NOT_GRANTEE)})])
    assert brief(refused(x, evs)) == [(1, 0, 1, LAKESIDE, "Signed", "Consent.log_access", f"Proxy.proxy as {LAKESIDE}", NOT_GRANTEE)]
    row = refused(x, evs)[0]
    assert row["signer"] == PROXY and row["args"] == {"patient": PAT1, "consent_id": 0, "record_id": REC1, "category": "LabResults"}
    # The same call through: no refusal; a proxy the signer is not (the extrinsic fails
    # before anything is dispatched as LAKESIDE): the signer's own attempt, LAKESIDE kept in via.
    x, evs = extrinsic(PROXY, proxy(LAKESIDE, la(0)), [logged(LAKESIDE, LAKESIDE, 0), ev("Proxy", "ProxyExecuted", {"result": OK})])
    assert refused(x, evs) == []
    x, evs = extrinsic(OUTSIDER, proxy(HOSPITAL, la(0)), [], failed=NOT_PROXY)
    assert brief(refused(x, evs)) == [(3, 0, 1, OUTSIDER, "Signed", "Consent.log_access",
                                       f"Proxy.proxy as {HOSPITAL} (refused before dispatching)", NOT_PROXY)]
    # proxy_announced: the delegate, not the signer, is the proxy; an Unreserved of the
    # announcement's deposit comes first.
    c = call("Proxy", "proxy_announced", delegate=PROXY, real=LAKESIDE, force_proxy_type=None, call=la(0))
    x, evs = extrinsic(OUTSIDER, c, [ev("Balances", "Unreserved", {"who": PROXY, "amount": 1}), ev("Proxy", "ProxyExecuted", {"result": ERR(NOT_GRANTEE)})])
    (row,) = refused(x, evs)
    assert (row["origin"], row["signer"], row["via"]) == (LAKESIDE, OUTSIDER, [{"call": "Proxy.proxy_announced", "by": PROXY, "as": LAKESIDE}])


def test_batches():
    # batch: the first item is logged, the second refused, the third never dispatched.
    c = batch("batch", la(0), la(1), la(0, REC2))
    x, evs = extrinsic(HOSPITAL, c, [logged(HOSPITAL, HOSPITAL, 0), DONE, ev("Utility", "BatchInterrupted", {"index": 1, "error": NOT_GRANTEE})])
    assert brief(refused(x, evs)) == [(3, 0, 1, HOSPITAL, "Signed", "Consent.log_access", "Utility.batch[1]", NOT_GRANTEE)]
    # force_batch: an ItemFailed per refused item, in item order.
    c = batch("force_batch", la(0), las(1, [REC1, REC2]), glass(), call("DrugProvenance", "dispense", batch_id=0, serial="SN1"))
    x, evs = extrinsic(HELIX, c, [ev("Utility", "ItemFailed", {"error": NOT_GRANTEE}), ev("Utility", "ItemFailed", {"error": NOT_PERMITTED}),
                                  ev("Utility", "ItemFailed", {"error": MISSING_ROLE}), ev("Utility", "ItemFailed", {"error": DISPENSED}),
                                  ev("Utility", "BatchCompletedWithErrors")])
    assert [(r["idx"], r["call_function"], fhir_audit.via_text(r["via"]), r["dispatch_error"]) for r in refused(x, evs)] == [
        (1, "log_access", "Utility.force_batch[0]", NOT_GRANTEE), (2, "log_accesses", "Utility.force_batch[1]", NOT_PERMITTED),
        (3, "break_glass", "Utility.force_batch[2]", MISSING_ROLE), (4, "dispense", "Utility.force_batch[3]", DISPENSED)]
    # force_batch with one good item in the middle.
    c = batch("force_batch", la(1), la(0), glass())
    x, evs = extrinsic(HOSPITAL, c, [ev("Utility", "ItemFailed", {"error": NOT_GRANTEE}), logged(HOSPITAL, HOSPITAL, 0), DONE,
                                     ev("Utility", "ItemFailed", {"error": MISSING_ROLE}), ev("Utility", "BatchCompletedWithErrors")])
    assert [(r["idx"], r["call_function"], r["via"][0]["item"]) for r in refused(x, evs)] == [(1, "log_access", 0), (4, "break_glass", 2)]
    # batch_all: atomic, the extrinsic fails with the error; one call: it is that call's.
    x, evs = extrinsic(LAKESIDE, batch("batch_all", las(0, [REC1, REC2])), [], failed=NOT_GRANTEE)
    assert brief(refused(x, evs)) == [(3, 0, 1, LAKESIDE, "Signed", "Consent.log_accesses", "Utility.batch_all[0]", NOT_GRANTEE)]
    # Two calls: both refused under the one error (the chain does not say which raised it).
    x, evs = extrinsic(LAKESIDE, batch("batch_all", la(0), glass()), [], failed=NOT_GRANTEE)
    assert [(r["idx"], r["n"], r["group_size"], r["call_function"]) for r in refused(x, evs)] == [(3, 0, 2, "log_access"), (3, 1, 2, "break_glass")]
    # A failed plain call is no wrapper's: failed_extrinsics has it, failed_calls not.
    x, evs = extrinsic(OUTSIDER, la(0), [], failed=NOT_GRANTEE)
    assert refused(x, evs) == []


def test_sudo_and_other_origins():
    x, evs = extrinsic(SUDO, call("Sudo", "sudo", call=la(0)), [ev("Sudo", "Sudid", {"sudo_result": ERR("BadOrigin")})])
    assert brief(refused(x, evs)) == [(1, 0, 1, None, "Root", "Consent.log_access", "Sudo.sudo as Root", "BadOrigin")]
    x, evs = extrinsic(SUDO, call("Sudo", "sudo_as", who=LAKESIDE, call=la(0)), [ev("Sudo", "SudoAsDone", {"sudo_result": ERR(NOT_GRANTEE)})])
    assert brief(refused(x, evs)) == [(1, 0, 1, LAKESIDE, "Signed", "Consent.log_access", f"Sudo.sudo_as as {LAKESIDE}", NOT_GRANTEE)]
    # A successful sudo(batch_all(...)) (the seeder registers organizations so): nothing.
    register = [call("Consortium", "register_organization", admin=a) for a in (LAKESIDE, HELIX)]
    c = call("Sudo", "sudo", call=batch("batch_all", *register))
    x, evs = extrinsic(SUDO, c, [ev("Consortium", "OrganizationRegistered", {}), DONE, ev("Consortium", "OrganizationRegistered", {}), DONE,
                                 ev("Utility", "BatchCompleted"), ev("Sudo", "Sudid", {"sudo_result": OK})])
    assert refused(x, evs) == []
    # as_derivative dispatches as the signer's derivative account (passes the error on). The
    # account: pallet_utility's derivative_account_id, checked against a dev node (//Alice,
    # index 7: the sender of the System.Remarked its as_derivative(7, remark_with_event) gave).
    alice = ss58_encode(bytes.fromhex("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"), 4242)
    assert nested.derivative_account(alice, 7) == "mHmqNv6M7sqNCPveya4dwYM5Lqck2jADJom6BZcXviJkPp522"
    x, evs = extrinsic(alice, call("Utility", "as_derivative", index=7, call=la(0)), [], failed=NOT_GRANTEE)
    assert brief(refused(x, evs)) == [(3, 0, 1, "mHmqNv6M7sqNCPveya4dwYM5Lqck2jADJom6BZcXviJkPp522", "Signed", "Consent.log_access",
                                       "Utility.as_derivative(7) as mHmqNv6M7sqNCPveya4dwYM5Lqck2jADJom6BZcXviJkPp522", NOT_GRANTEE)]
    # dispatch_as (Root only) with a signed origin; an inheritor controlling a recovered account.
    c = call("Utility", "dispatch_as", as_origin={"system": {"Signed": LAKESIDE}}, call=la(0))
    x, evs = extrinsic(SUDO, call("Sudo", "sudo", call=c), [ev("Utility", "DispatchedAs", {"result": ERR(NOT_GRANTEE)}),
                                                            ev("Sudo", "Sudid", {"sudo_result": OK})])
    assert brief(refused(x, evs)) == [(1, 0, 1, LAKESIDE, "Signed", "Consent.log_access",
                                       f"Sudo.sudo as Root > Utility.dispatch_as as {LAKESIDE}", NOT_GRANTEE)]
    c = call("Recovery", "control_inherited_account", recovered=LAKESIDE, call=la(0))
    x, evs = extrinsic(PROXY, c, [ev("Recovery", "RecoveredAccountControlled", {"recovered": LAKESIDE, "inheritor": PROXY, "call_hash": "0x00",
                                                                                 "call_result": ERR(NOT_GRANTEE)})])
    assert brief(refused(x, evs)) == [(1, 0, 1, LAKESIDE, "Signed", "Consent.log_access", f"Recovery.control_inherited_account as {LAKESIDE}", NOT_GRANTEE)]
    # A council member's execute dispatches as the council (no account): BadOrigin.
    c = call("Council", "execute", proposal=la(0), length_bound=100)
    x, evs = extrinsic(HOSPITAL, c, [ev("Council", "MemberExecuted", {"proposal_hash": "0x00", "result": ERR("BadOrigin")})])
    assert brief(refused(x, evs)) == [(1, 0, 1, None, "Council", "Consent.log_access", "Council.execute as Council", "BadOrigin")]
    # if_else: the main call refused, the fallback dispatched.
    c = call("Utility", "if_else", main=la(1), fallback=la(0))
    x, evs = extrinsic(HOSPITAL, c, [logged(HOSPITAL, HOSPITAL, 0), ev("Utility", "IfElseFallbackCalled", {"main_error": NOT_GRANTEE})])
    assert brief(refused(x, evs)) == [(2, 0, 1, HOSPITAL, "Signed", "Consent.log_access", "Utility.if_else(main)", NOT_GRANTEE)]


def test_nested_wrappers():
    # A proxied call in a batch: the batch goes on (the proxy caught the error).
    c = batch("batch", proxy(LAKESIDE, la(0)), la(0))
    x, evs = extrinsic(PROXY, c, [ev("Proxy", "ProxyExecuted", {"result": ERR(NOT_GRANTEE)}), DONE,
                                  ev("Utility", "BatchInterrupted", {"index": 1, "error": MISSING_ROLE})])
    assert brief(refused(x, evs)) == [
        (1, 0, 1, LAKESIDE, "Signed", "Consent.log_access", f"Utility.batch[0] > Proxy.proxy as {LAKESIDE}", NOT_GRANTEE),
        (3, 0, 1, PROXY, "Signed", "Consent.log_access", "Utility.batch[1]", MISSING_ROLE)]
    # A batch through a proxy.
    c = proxy(LAKESIDE, batch("batch", la(0)))
    x, evs = extrinsic(PROXY, c, [ev("Utility", "BatchInterrupted", {"index": 0, "error": NOT_GRANTEE}), ev("Proxy", "ProxyExecuted", {"result": OK})])
    assert brief(refused(x, evs)) == [(1, 0, 1, LAKESIDE, "Signed", "Consent.log_access", f"Proxy.proxy as {LAKESIDE} > Utility.batch[0]", NOT_GRANTEE)]
    # A batch in a batch: the inner one's markers look like the outer one's (the parser
    # backtracks): inner [logged, refused], then the outer's second item refused too.
    c = batch("batch", batch("batch", la(0), la(1)), la(1, REC2))
    x, evs = extrinsic(HOSPITAL, c, [logged(HOSPITAL, HOSPITAL, 0), DONE, ev("Utility", "BatchInterrupted", {"index": 1, "error": NOT_GRANTEE}), DONE,
                                     ev("Utility", "BatchInterrupted", {"index": 1, "error": NOT_PERMITTED})])
    assert [(r["idx"], fhir_audit.via_text(r["via"]), r["args"]["record_id"], r["dispatch_error"]) for r in refused(x, evs)] == [
        (3, "Utility.batch[0] > Utility.batch[1]", REC1, NOT_GRANTEE), (5, "Utility.batch[1]", REC2, NOT_PERMITTED)]
    # A proxied batch_all that fails: the proxy caught it; both calls under one error.
    c = proxy(LAKESIDE, batch("batch_all", la(0), la(0, REC2)))
    x, evs = extrinsic(PROXY, c, [ev("Proxy", "ProxyExecuted", {"result": ERR(NOT_GRANTEE)})])
    assert [(r["idx"], r["n"], r["group_size"], r["origin"], r["args"]["record_id"]) for r in refused(x, evs)] == [
        (1, 0, 2, LAKESIDE, REC1), (1, 1, 2, LAKESIDE, REC2)]
    # A restricted proxy: the call is filtered (System.CallFiltered) inside the proxy.
    x, evs = extrinsic(PROXY, proxy(HOSPITAL, la(0), "Guardian"), [ev("Proxy", "ProxyExecuted", {"result": ERR(CALL_FILTERED)})])
    assert brief(refused(x, evs)) == [(1, 0, 1, HOSPITAL, "Signed", "Consent.log_access", f"Proxy.proxy as {HOSPITAL}", CALL_FILTERED)]


def test_events_that_do_not_fit_the_call_are_not_guessed():
    # A proxy call cannot emit BatchInterrupted; a batch's interrupt index must be its item's.
    x, evs = extrinsic(PROXY, proxy(LAKESIDE, la(0)), [ev("Utility", "BatchInterrupted", {"index": 0, "error": NOT_GRANTEE})])
    assert refused(x, evs) is None
    x, evs = extrinsic(HOSPITAL, batch("batch", la(0), la(1)), [ev("Utility", "BatchInterrupted", {"index": 1, "error": NOT_GRANTEE})])
    assert refused(x, evs) is None
    assert nested.failed_calls(None, [(0, ev("Proxy", "ProxyExecuted", {"result": ERR(NOT_GRANTEE)}))]) is None


# ---------------------------------------------------------------------------------------------
# The indexer (with a stand-in for the node) and the AuditEvents
# ---------------------------------------------------------------------------------------------


def _chain() -> list[dict]:
    """Blocks 0..7: {"extrinsics": decoded, "events": as get_events gives them}. Extrinsic 0
    is the timestamp; block 4's only refusal is a proxied one (no ExtrinsicFailed); block 5 a
    proxied read that went through; blocks 6 and 7 batches, sudo and nesting."""
    blocks = [{"extrinsics": [], "events": []} for _ in range(8)]

    def add(n, signer, c, events, failed=None):
        x, evs = extrinsic(signer, c, events, failed)
        b = blocks[n]
        if not b["extrinsics"]:
            b["extrinsics"].append({"address": None, "call": call("Timestamp", "set", now=0)})
            b["events"].append({**ev("System", "ExtrinsicSuccess", {}), "extrinsic_idx": 0})
        b["events"] += [{**e, "extrinsic_idx": len(b["extrinsics"])} for e in evs]
        b["extrinsics"].append(x)
        return (n, len(b["extrinsics"]) - 1)

    name = lambda s: "0x" + s.encode().hex()  # noqa: E731
    add(1, SUDO, call("Sudo", "sudo", call=call("System", "remark", remark="0x")), [
        ev("Consortium", "OrganizationRegistered", dict(admin=HOSPITAL, name=name("St. Mary's"), roles=1)),
        ev("Consortium", "OrganizationRegistered", dict(admin=LAKESIDE, name=name("Lakeside"), roles=1)),
        ev("Consortium", "OrganizationRegistered", dict(admin=HELIX, name=name("Helix"), roles=32)),
        ev("Sudo", "Sudid", {"sudo_result": OK})])
    add(1, HOSPITAL, call("Consortium", "add_staff", staff=NURSE), [ev("Consortium", "StaffAdded", dict(staff=NURSE, organization=HOSPITAL))])
    scope = {"categories": 16 | 2, "access": {"read": True, "write": False}}
    add(2, PAT1, call("Consent", "grant_consent"), [ev("Consent", "ConsentGranted", dict(patient=PAT1, grantee=HOSPITAL, consent_id=0, scope=scope,
                                                                                          purpose="Treatment", expires_at=None))])
    add(2, PAT1, call("Consent", "grant_consent"), [ev("Consent", "ConsentGranted", dict(patient=PAT1, grantee=HELIX, consent_id=1, scope=scope,
                                                                                          purpose="Research", expires_at=None))])
    for rid in (REC1, REC2):
        add(3, HOSPITAL, call("HealthRecords", "anchor_record"), [ev("HealthRecords", "RecordAnchored", dict(
            record_id=rid, patient=PAT1, category="LabResults", content_hash="0x" + "00" * 32, author=HOSPITAL, supersedes=None))])
    ids = {
        "proxied": add(4, PROXY, proxy(LAKESIDE, la(0)), [ev("Proxy", "ProxyExecuted", {"result": ERR(NOT_GRANTEE)})]),
        "proxied_read": add(5, GATEWAY, proxy(NURSE, la(0)), [logged(NURSE, HOSPITAL, 0), ev("Proxy", "ProxyExecuted", {"result": OK})]),
        "batch": add(6, HOSPITAL, batch("batch", la(0), la(1), la(0, REC2)), [
            logged(HOSPITAL, HOSPITAL, 0), DONE, ev("Utility", "BatchInterrupted", {"index": 1, "error": NOT_GRANTEE})]),
        "force": add(6, HELIX, batch("force_batch", la(0), las(1, [REC1, REC2]), glass(), call("DrugProvenance", "dispense", batch_id=0, serial="S")), [
            ev("Utility", "ItemFailed", {"error": NOT_GRANTEE}), ev("Utility", "ItemFailed", {"error": NOT_PERMITTED}),
            ev("Utility", "ItemFailed", {"error": MISSING_ROLE}), ev("Utility", "ItemFailed", {"error": DISPENSED}),
            ev("Utility", "BatchCompletedWithErrors")]),
        "batch_all": add(7, LAKESIDE, batch("batch_all", la(0), glass()), [], failed=NOT_GRANTEE),
        "batch_of_proxy": add(7, PROXY, batch("batch", proxy(LAKESIDE, la(0, REC2))), [
            ev("Proxy", "ProxyExecuted", {"result": ERR(NOT_GRANTEE)}), DONE, ev("Utility", "BatchCompleted")]),
        "proxy_of_batch": add(7, PROXY, proxy(LAKESIDE, batch("batch", la(0))), [
            ev("Utility", "BatchInterrupted", {"index": 0, "error": NOT_GRANTEE}), ev("Proxy", "ProxyExecuted", {"result": OK})]),
        "sudo": add(7, SUDO, call("Sudo", "sudo", call=la(0)), [ev("Sudo", "Sudid", {"sudo_result": ERR("BadOrigin")})]),
        "sudo_as": add(7, SUDO, call("Sudo", "sudo_as", who=LAKESIDE, call=la(0)), [ev("Sudo", "SudoAsDone", {"sudo_result": ERR(NOT_GRANTEE)})]),
        "not_proxy": add(7, OUTSIDER, proxy(HOSPITAL, la(0)), [], failed=NOT_PROXY),
        "plain": add(7, OUTSIDER, la(0), [], failed=NOT_GRANTEE),
        "unreadable": add(7, PROXY, proxy(LAKESIDE, la(0)), [ev("Utility", "ItemFailed", {"error": NOT_GRANTEE})]),
    }
    return blocks, ids


class FakeChain:
    """What `indexer.index` asks of `Chain`, from synthetic blocks; counts body fetches."""

    def __init__(self, blocks):
        self.blocks, self.bodies = blocks, []

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return None

    async def finalized_number(self):
        return len(self.blocks) - 1

    async def block_hash(self, n):
        return "0x" + (bytes([n]) * 32).hex()

    async def events(self, h):
        return self.blocks[int(h[2:4], 16)]["events"]

    async def timestamp(self, h):
        return int((T0 + dt.timedelta(seconds=6 * int(h[2:4], 16))).replace(tzinfo=dt.timezone.utc).timestamp() * 1000)

    async def extrinsics(self, h):
        self.bodies.append(int(h[2:4], 16))
        return self.blocks[int(h[2:4], 16)]["extrinsics"]

    async def module_errors(self, h):
        return ERRORS

    async def query_map(self, module, item, block_hash=None):
        return []


def _index(monkeypatch, path, blocks, until=None, logs=None):
    fake = FakeChain(blocks)
    monkeypatch.setattr(indexer, "Chain", lambda url: fake)
    st = asyncio.run(indexer.index("ws://fake", str(path), until=until, log=(logs.append if logs is not None else lambda *_: None)))
    return fake, st


@pytest.fixture
def chain():
    return _chain()


def test_indexer_fetches_bodies_for_inner_refusals(monkeypatch, tmp_path, chain):
    blocks, ids = chain
    logs = []
    fake, st = _index(monkeypatch, tmp_path / "i.duckdb", blocks, logs=logs)
    # Block 4 has no ExtrinsicFailed, only a ProxyExecuted Err; block 5 (a proxied read that
    # went through) and blocks 1..3 have no refusal: no body fetched for them.
    assert sorted(fake.bodies) == [4, 6, 7]
    assert (st["failed_extrinsics"], st["failed_calls"], st["unreadable_extrinsics"]) == (3, 13, 1)
    assert any(f"block 7, extrinsic {ids['unreadable'][1]}" in m for m in logs)
    con = duckdb.connect(str(tmp_path / "i.duckdb"), read_only=True)
    rows = con.execute("SELECT block, extrinsic, idx, n, group_size, origin, call_function, error_name FROM failed_calls ORDER BY ALL").fetchall()
    fx = con.execute("SELECT block, extrinsic, call_module, call_function, error_name FROM failed_extrinsics ORDER BY ALL").fetchall()
    meta = dict(con.execute("SELECT * FROM meta").fetchall())
    con.close()
    assert (4, 1, 2, 0, 1, LAKESIDE, "log_access", "NotGrantee") in rows
    assert [r[6:] for r in rows if r[:2] == ids["force"]] == [("log_access", "NotGrantee"), ("log_accesses", "PurposeNotPermitted"),
                                                               ("break_glass", "MissingRole"), ("dispense", "SerialAlreadyDispensed")]
    assert [r[3:7] for r in rows if r[:2] == ids["batch_all"]] == [(0, 2, LAKESIDE, "log_access"), (1, 2, LAKESIDE, "break_glass")]
    assert [r[5:] for r in rows if r[:2] == ids["sudo"]] == [(None, "log_access", None)]  # BadOrigin is no module's error
    assert not [r for r in rows if r[:2] in (ids["plain"], ids["unreadable"], ids["proxied_read"])]
    # Failed extrinsics as before: the wrappers under their own name, the plain call.
    assert fx == [(7, ids["batch_all"][1], "Utility", "batch_all", "NotGrantee"), (7, ids["not_proxy"][1], "Proxy", "proxy", "NotProxy"),
                  (7, ids["plain"][1], "Consent", "log_access", "NotGrantee")]
    assert (meta["failed_extrinsics_from"], meta["failed_calls_from"]) == ("0", "0")


def _values(ev: dict, system: str, where: str = "entity") -> list[str]:
    if where == "entity":
        return [x["what"]["identifier"]["value"] for x in ev["entity"] if x["what"]["identifier"]["system"] == system]
    return [a["who"]["identifier"]["value"] for a in ev["agent"] if a["who"].get("identifier", {}).get("system") == system]


def _agents(ev: dict) -> list[tuple[str, str, bool]]:
    return [(a["type"]["coding"][0]["code"], a["who"]["identifier"]["value"], a["requestor"]) for a in ev["agent"]]


def _detail(ev: dict) -> dict:
    return {d["type"]: d["valueString"] for x in ev["entity"] for d in x.get("detail", [])}


def _purposes(ev: dict) -> list[str]:
    return [c["code"] for p in ev.get("purposeOfEvent", []) for c in p["coding"]]


def test_wrapped_refusals_become_audit_events(monkeypatch, tmp_path, chain):
    blocks, ids = chain
    path = tmp_path / "i.duckdb"
    _index(monkeypatch, path, blocks)
    con = duckdb.connect(str(path))
    db.set_meta(con, "genesis_hash", GENESIS)
    con.close()
    out = tmp_path / "audit.json"
    p = run_cli("audit-events", "--db", path, "--out", out)
    assert "note:" not in p.stderr
    evs = audit_bundle_events(out)
    by_id = {e["id"]: e for e in evs}
    assert len(by_id) == len(evs)

    def one(label, suffix=""):
        n, x = ids[label]
        (eid,) = [k for k in by_id if k.startswith(f"chain-{n}-{x}-") and (k.count("-") == 3 + bool(suffix)) and k.endswith(suffix)]
        return by_id[eid]

    # The proxied refusal (block 4, no ExtrinsicFailed): requester the real account (LAKESIDE,
    # its own organization), the proxy a further agent; patient, record, purpose, error.
    e = one("proxied")
    assert e["id"] == "chain-4-1-2" and (e["outcome"], e["outcomeDesc"], _purposes(e)) == ("4", "NotGrantee", ["TREAT"])
    assert _agents(e) == [("110153", LAKESIDE, True), ("PROV", LAKESIDE, False), ("AGNT", PROXY, False)]
    assert _values(e, "urn:medchain:account") == [PAT1] and _values(e, "urn:medchain:record") == [REC1]
    assert _detail(e)["via"] == f"Proxy.proxy as {LAKESIDE}" and _detail(e)["call"] == "Consent.log_access"
    assert _detail(e)["error"] == "Consent.NotGrantee"
    # The proxied read that went through is an AccessLogged event (the nurse, St. Mary's).
    (read,) = [v for k, v in by_id.items() if k.startswith("chain-5-")]
    assert read["outcome"] == "0" and _agents(read) == [("110153", NURSE, True), ("PROV", HOSPITAL, False)]
    # batch: one logged read, one refusal (the Research consent is Helix's: HRESCH), the
    # third item never dispatched: no AuditEvent.
    n, x = ids["batch"]
    assert sorted((v["outcome"], v.get("outcomeDesc")) for k, v in by_id.items() if k.startswith(f"chain-{n}-{x}-")) == [("0", None), ("4", "NotGrantee")]
    e = [v for k, v in by_id.items() if k.startswith(f"chain-{n}-{x}-") and v["outcome"] == "4"][0]
    assert _purposes(e) == ["HRESCH"] and _agents(e) == [("110153", HOSPITAL, True), ("PROV", HOSPITAL, False)]
    assert _detail(e)["via"] == "Utility.batch[1]"
    # force_batch: three access calls refused (the dispense is no access call).
    n, x = ids["force"]
    force = [v for v in evs if v["id"].startswith(f"chain-{n}-{x}-")]  # in chain order
    assert [(v["outcomeDesc"], _purposes(v), _values(v, "urn:medchain:record")) for v in force] == [
        ("NotGrantee", ["TREAT"], [REC1]), ("PurposeNotPermitted", ["HRESCH"], [REC1, REC2]), ("MissingRole", ["ETREAT"], [])]
    assert all(_agents(v)[:2] == [("110153", HELIX, True), ("PROV", HELIX, False)] for v in force)
    # batch_all: the extrinsic failed; both calls under its one error, ids numbered.
    n, x = ids["batch_all"]
    both = [v for k, v in by_id.items() if k.startswith(f"chain-{n}-{x}-")]
    assert sorted(v["id"].rsplit("-", 1)[1] for v in both) == ["0", "1"] and all(v["outcomeDesc"] == "NotGrantee" for v in both)
    assert all("refused under one error" in _detail(v)["refused-together"] for v in both)
    # Nested: a proxy in a batch, a batch through a proxy.
    e = one("batch_of_proxy")
    assert _agents(e) == [("110153", LAKESIDE, True), ("PROV", LAKESIDE, False), ("AGNT", PROXY, False)]
    assert _values(e, "urn:medchain:record") == [REC2] and _detail(e)["via"] == f"Utility.batch[0] > Proxy.proxy as {LAKESIDE}"
    e = one("proxy_of_batch")
    assert _agents(e)[0] == ("110153", LAKESIDE, True) and _detail(e)["via"] == f"Proxy.proxy as {LAKESIDE} > Utility.batch[0]"
    # sudo: dispatched as Root, refused BadOrigin (outcome 8), the sudo key the requester;
    # sudo_as: as LAKESIDE, the sudo key a further agent.
    e = one("sudo")
    assert (e["outcome"], e["outcomeDesc"], _detail(e)["dispatched-as"]) == ("8", "BadOrigin", "Root")
    assert _agents(e) == [("110153", SUDO, True)]
    e = one("sudo_as")
    assert (e["outcome"], e["outcomeDesc"]) == ("4", "NotGrantee") and _agents(e)[2] == ("AGNT", SUDO, False)
    # A proxy the signer is not: the signer's attempt (nothing was dispatched as HOSPITAL).
    e = one("not_proxy")
    assert (e["outcomeDesc"], _agents(e)) == ("NotProxy", [("110153", OUTSIDER, True)])
    assert _detail(e)["via"] == f"Proxy.proxy as {HOSPITAL} (refused before dispatching)"
    # The plain refused call as before (failed_extrinsics), once.
    e = one("plain")
    assert (e["outcomeDesc"], _agents(e)) == ("NotGrantee", [("110153", OUTSIDER, True)]) and "via" not in _detail(e)
    # 1 proxied + 2 reads + 1 batch + 3 force_batch + 2 batch_all + 4 nested/sudo + 1 not_proxy + 1 plain.
    assert len(evs) == 15
    # The patient filter reaches the wrapped ones; the block filters too.
    assert len(fhir_audit.audit_events(str(path), patient=PAT1)) == 15
    assert len(fhir_audit.audit_events(str(path), patient=acct(99))) == 0
    assert [e["id"] for e in fhir_audit.audit_events(str(path), since_block=4, until_block=4)] == ["chain-4-1-2"]


def test_index_written_before_failed_calls_stays_readable(monkeypatch, tmp_path, chain):
    """An index the previous version wrote (no failed_calls table, no meta for it) is read as
    before, and says from which block on it holds wrapped refusals once indexing resumes."""
    blocks, ids = chain
    path = tmp_path / "old.duckdb"
    _index(monkeypatch, path, blocks, until=5)
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE failed_calls")
    con.execute("DELETE FROM meta WHERE key = 'failed_calls_from'")
    db.set_meta(con, "genesis_hash", GENESIS)
    con.close()
    # Read-only, as the old version left it: the reads, no wrapped refusal (block 4's is lost).
    evs = fhir_audit.audit_events(str(path))
    assert [e["outcome"] for e in evs] == ["0"] and evs[0]["id"].startswith("chain-5-")
    assert fhir_audit.refusal_coverage(str(path)) == {"failed_extrinsics": 0, "failed_calls": 6}
    assert fhir_audit.refusals_indexed_from(str(path)) == 6
    p = run_cli("audit-events", "--db", path, "--out", tmp_path / "a.json")
    assert "refused calls inside Utility/Proxy/Sudo wrappers from block 6 on only" in p.stderr, p.stderr
    # Resumed by this version: failed_calls from block 6 on.
    fake, st = _index(monkeypatch, path, blocks)
    assert sorted(fake.bodies) == [6, 7] and st["failed_calls"] == 13 - 1
    con = duckdb.connect(str(path), read_only=True)
    assert db.get_meta(con, "failed_calls_from") == "6" and con.execute("SELECT min(block) FROM failed_calls").fetchone()[0] == 6
    con.close()
    evs = fhir_audit.audit_events(str(path))
    assert not [e for e in evs if e["id"].startswith("chain-4-")] and len(evs) == 14
    assert "from block 6 on only" in run_cli("audit-events", "--db", path, "--out", tmp_path / "b.json").stderr
    assert "note:" not in run_cli("audit-events", "--db", path, "--since-block", 6, "--out", tmp_path / "c.json").stderr


def test_cli_index_says_when_calls_were_not_read(monkeypatch, tmp_path, chain, capsys):
    from medchain_research import cli

    blocks, _ = chain
    monkeypatch.setattr(indexer, "Chain", lambda url: FakeChain(blocks))
    assert cli.main(["index", "--url", "ws://fake", "--db", str(tmp_path / "c.duckdb"), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "1 extrinsics' wrapper events did not read against their calls" in err, err
