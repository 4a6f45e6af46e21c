"""The chain's access log as FHIR R4 AuditEvents (IHE BALP-shaped), in a Bundle.

    medchain-research audit-events --db medchain.duckdb [--patient SS58] [--since-block N] [--out audit.json]

Which on-chain facts become an AuditEvent (one per chain event, id
``chain-<block>-<extrinsic>-<event index>``):

- every ``Consent.AccessLogged`` event (a grantee's staff logged a read of one record; a
  ``log_accesses`` call emits one per record): outcome ``0``, the record as entity, purpose
  from the consent (``TREAT``), or ``ETREAT`` when the read was under a break-glass consent;
- every ``Consent.EmergencyAccessGranted`` event (break-glass, new or renewed): outcome ``0``,
  purpose ``ETREAT``, no record (the glass was broken; the reads that follow are logged apart);
- every failed ``Consent.log_access``, ``Consent.log_accesses`` or ``Consent.break_glass``
  extrinsic (its ``System.ExtrinsicFailed`` event): outcome ``4`` (refused by policy) with the
  module error's name as ``outcomeDesc`` (``NotGrantee``, ``PurposeNotPermitted``,
  ``MissingRole``, ...), or ``8`` (other failure) for a dispatch error that is not a module's
  (``BadOrigin``, ``Token``, ...); signer, patient and records from the call's arguments,
  purpose from the named consent if the index knows it;
- every such call refused inside a wrapper (the index's ``failed_calls``; nested.py reads the
  wrappers' events against the call tree): ``Proxy.proxy`` / ``proxy_announced``
  (``ProxyExecuted { result: Err }``: the extrinsic itself succeeds), ``Utility.batch``
  (``BatchInterrupted``), ``force_batch`` (one ``ItemFailed`` per refused item),
  ``batch_all`` / ``as_derivative`` (the extrinsic's ``ExtrinsicFailed``), ``Sudo.sudo`` /
  ``sudo_as`` (``Sudid`` / ``SudoAsDone``), ``Utility.dispatch_as`` / ``if_else``,
  ``Recovery.control_inherited_account``, ``Council.execute`` (and a ``Council.propose``
  executed at once; both dispatch as the council, so an access call there fails
  ``BadOrigin``), and these nested in one another (a proxy in a
  batch, a batch through a proxy, ...). The AuditEvent's id is that of the event carrying the
  error; outcome and ``outcomeDesc`` as above, from the inner call's error. The requester is
  the account the call was dispatched as (a proxy's real account, ``sudo_as``'s ``who``: the
  account whose rights the chain checked, as the accessor of an ``AccessLogged`` event is for
  a proxied read that went through); the extrinsic's signer (the proxy key, the sudo key) is a
  further agent (v3-RoleClass ``AGNT``, ``requestor`` false). A call dispatched as Root
  (``Sudo.sudo``) has the signer as requester and ``dispatched-as: Root``. The wrappers on the
  way are the ``via`` detail (``Utility.batch[1] > Proxy.proxy as <account>``). A wrapper that
  failed on its own account (``NotProxy``: the signer is no proxy of the account it names)
  dispatched nothing: the signer is the requester, the named account is in ``via``. Where one
  error stands for several access calls (a failed ``batch_all`` of two: the chain keeps the
  error, not which call raised it), each of them gets an AuditEvent with that error, ids
  suffixed ``-0``, ``-1``, ... and a ``refused-together`` detail.

Not here: a gateway's own refusals (it refuses before anything reaches the chain; the gateway
serves those as AuditEvents itself); the items of a ``Utility.batch`` after the one refused
(never dispatched); calls the scheduler dispatches, and a council motion's proposal
dispatched when the motion is closed (it is not among ``Council.close``'s arguments);
and refusals inside wrappers in blocks an older version of the indexer wrote
(``refusal_coverage`` says from which block on the index holds them).

The package builds plain dicts (JSON); no FHIR library is needed at run time.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Iterable, Optional

from . import db

ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
PURPOSE_CODES = {"Treatment": "TREAT", "Research": "HRESCH", "Insurance": "HPAYMT", "PublicHealth": "PUBHLTH"}
EMERGENCY_CODE = "ETREAT"
ACCESS_CALLS = ("log_access", "log_accesses", "break_glass")

AUDIT_EVENT_TYPE = {"system": "http://terminology.hl7.org/CodeSystem/audit-event-type", "code": "rest"}
READ = {"system": "http://hl7.org/fhir/restful-interaction", "code": "read"}
SOURCE_ROLE = {"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "110153", "display": "Source Role ID"}
PROVIDER = {"system": "http://terminology.hl7.org/CodeSystem/v3-RoleClass", "code": "PROV"}
AGENT = {"system": "http://terminology.hl7.org/CodeSystem/v3-RoleClass", "code": "AGNT", "display": "agent"}
ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role"
SOURCE_TYPE = {"system": "http://terminology.hl7.org/CodeSystem/security-source-type", "code": "4"}

ACCOUNT, ORGANIZATION, CHAIN = "urn:medchain:account", "urn:medchain:organization", "urn:medchain:chain"
EXTRINSIC, RECORD, CATEGORY = "urn:medchain:extrinsic", "urn:medchain:record", "urn:medchain:category"


def purpose_code(purpose: Optional[str], emergency: bool = False) -> Optional[str]:
    """The v3-ActReason code of a consent purpose; ETREAT for a break-glass (emergency) access."""
    if emergency:
        return EMERGENCY_CODE
    return PURPOSE_CODES.get(str(purpose)) if purpose is not None else None


def outcome(error_module: Optional[str], error_name: Optional[str], dispatch_error=None) -> tuple[str, Optional[str]]:
    """(outcome, outcomeDesc): "0" success; "4" refused by a pallet's rule (its error's name);
    "8" any other failure (the dispatch error as text)."""
    if error_name:
        return "4", error_name
    if dispatch_error is not None:
        text = dispatch_error if isinstance(dispatch_error, str) else json.dumps(dispatch_error, default=str)
        return "8", text
    return "0", None


def instant(ts) -> Optional[str]:
    """A block time (naive UTC datetime, or aware) as a FHIR instant in UTC with a Z."""
    if ts is None:
        return None
    if ts.tzinfo is not None:
        ts = ts.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return ts.isoformat(timespec="milliseconds") + "Z"


def _ident(system: str, value) -> dict:
    return {"identifier": {"system": system, "value": str(value)}}


def audit_event(*, block: int, extrinsic: Optional[int], event: int, block_hash: Optional[str], ts, genesis: str,
                requester: Optional[str], organization: Optional[str], patient: Optional[str], purpose: Optional[str],
                outcome_code: str = "0", outcome_desc: Optional[str] = None, records: Iterable = (), categories: Iterable = (),
                details: Optional[dict] = None, delegates: Iterable = (), seq: Optional[int] = None) -> dict:
    """One AuditEvent, in the shape the gateway writes for its own disclosures. `delegates`:
    accounts that made the call for the requester (a proxy, a sudo key), further agents;
    `seq`: the call's place among several one event stands for (an id suffix)."""
    xt = "none" if extrinsic is None else str(extrinsic)
    ev: dict = {
        "resourceType": "AuditEvent",
        "id": f"chain-{block}-{xt}-{event}" + (f"-{seq}" if seq is not None else ""),
        "type": dict(AUDIT_EVENT_TYPE),
        "subtype": [dict(READ)],
        "action": "R",
        "recorded": instant(ts),
        "outcome": outcome_code,
    }
    if outcome_desc:
        ev["outcomeDesc"] = outcome_desc
    if purpose:
        ev["purposeOfEvent"] = [{"coding": [{"system": ACT_REASON, "code": purpose}]}]
    agents = []
    if requester:
        agents.append({"type": {"coding": [dict(SOURCE_ROLE)]}, "who": _ident(ACCOUNT, requester), "requestor": True})
    if organization:
        agents.append({"type": {"coding": [dict(PROVIDER)]}, "who": _ident(ORGANIZATION, organization), "requestor": False})
    for d in delegates:
        agents.append({"type": {"coding": [dict(AGENT)]}, "who": _ident(ACCOUNT, d), "requestor": False})
    if not agents:  # AuditEvent.agent is 1..*: the signer is unknown (an undecodable extrinsic)
        agents.append({"type": {"coding": [dict(SOURCE_ROLE)]}, "who": {"display": "unknown signer"}, "requestor": True})
    ev["agent"] = agents
    ev["source"] = {"observer": {**_ident(CHAIN, genesis), "display": "MedChain"}, "type": [dict(SOURCE_TYPE)]}
    entities = []
    if patient:
        entities.append({"what": _ident(ACCOUNT, patient), "type": {"system": ENTITY_TYPE, "code": "1"},
                         "role": {"system": OBJECT_ROLE, "code": "1"}})
    for r in records:
        entities.append({"what": _ident(RECORD, r), "type": {"system": ENTITY_TYPE, "code": "2"}, "role": {"system": OBJECT_ROLE, "code": "4"}})
    for c in categories:
        entities.append({"what": _ident(CATEGORY, c), "type": {"system": ENTITY_TYPE, "code": "2"}, "role": {"system": OBJECT_ROLE, "code": "4"}})
    tx = {"what": _ident(EXTRINSIC, f"{block}-{xt}"), "type": {"system": ENTITY_TYPE, "code": "2"}}
    detail = [{"type": "block-hash", "valueString": block_hash}] if block_hash else []
    for k, v in (details or {}).items():
        if v is not None:
            detail.append({"type": k, "valueString": str(v)})
    if detail:
        tx["detail"] = detail
    entities.append(tx)
    ev["entity"] = entities
    return ev


def _reads(args: dict) -> list[tuple[str, Optional[str]]]:
    """(record id, category) of a log_access / log_accesses call's arguments."""
    if "record_id" in args:
        return [(str(args["record_id"]), _cat(args.get("category")))]
    reads = args.get("reads") or []
    if isinstance(reads, list) and len(reads) == 1 and isinstance(reads[0], list) and reads[0] and isinstance(reads[0][0], (list, tuple, dict)):
        reads = reads[0]  # a BoundedVec decoded as a one-field composite
    out = []
    for r in reads:
        if isinstance(r, dict):
            vals = list(r.values())
        else:
            vals = list(r)
        out.append((str(vals[0]), _cat(vals[1]) if len(vals) > 1 else None))
    return out


def _cat(v) -> Optional[str]:
    if v is None:
        return None
    if isinstance(v, dict) and len(v) == 1:
        return str(next(iter(v)))
    return str(v)


def audit_events(db_path: str, patient: Optional[str] = None, since_block: Optional[int] = None,
                 until_block: Optional[int] = None) -> list[dict]:
    """Every AuditEvent of the index (in chain order), optionally for one patient (SS58) and a
    block range."""
    con = db.connect(db_path, read_only=True)
    try:
        return _audit_events(con, patient, since_block, until_block)
    finally:
        con.close()


def _audit_events(con, patient, since_block, until_block) -> list[dict]:
    genesis = db.get_meta(con, "genesis_hash") or ""
    lo = since_block if since_block is not None else 0
    hi = until_block if until_block is not None else (1 << 62)
    out: list[tuple[tuple, dict]] = []
    rows = con.execute(
        "SELECT e.block, e.idx, e.extrinsic, e.name, e.data, b.hash, b.ts FROM events e JOIN blocks b ON b.number = e.block "
        "WHERE e.pallet = 'Consent' AND e.name IN ('AccessLogged', 'EmergencyAccessGranted') AND e.block BETWEEN ? AND ? "
        "AND (? IS NULL OR json_extract_string(e.data, '$.patient') = ?)", [lo, hi, patient, patient]).fetchall()
    for block, idx, xt, name, data, bhash, ts in rows:
        a = json.loads(data)
        if name == "AccessLogged":
            ev = audit_event(block=block, extrinsic=xt, event=idx, block_hash=bhash, ts=ts, genesis=genesis, requester=a.get("accessor"),
                             organization=a.get("organization"), patient=a.get("patient"),
                             purpose=purpose_code(a.get("purpose"), bool(a.get("emergency"))), records=[a["record_id"]],
                             details={"consent-id": a.get("consent_id"), "category": _cat(a.get("category"))})
        else:
            ev = audit_event(block=block, extrinsic=xt, event=idx, block_hash=bhash, ts=ts, genesis=genesis,
                             requester=a.get("staff") or a.get("accessor"), organization=a.get("organization"), patient=a.get("patient"),
                             purpose=EMERGENCY_CODE,
                             details={"break-glass": "true", "consent-id": a.get("consent_id"), "reason-code": a.get("reason_code"),
                                      "expires-at": _ms_instant(a.get("expires_at"))})
        out.append(((block, xt if xt is not None else -1, idx, -1), ev))
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    if "failed_extrinsics" in tables:
        rows = con.execute(
            "SELECT f.block, f.idx, f.extrinsic, f.signer, f.call_function, f.args, f.error_module, f.error_name, f.dispatch_error, b.hash, b.ts "
            "FROM failed_extrinsics f JOIN blocks b ON b.number = f.block WHERE f.call_module = 'Consent' AND f.call_function IN ? "
            "AND f.block BETWEEN ? AND ? AND (? IS NULL OR json_extract_string(f.args, '$.patient') = ?)",
            [list(ACCESS_CALLS), lo, hi, patient, patient]).fetchall()
        for block, idx, xt, signer, fn, args, emod, ename, derr, bhash, ts in rows:
            ev = _refusal(con, block=block, extrinsic=xt, event=idx, block_hash=bhash, ts=ts, genesis=genesis, requester=signer, fn=fn,
                          args=args, emod=emod, ename=ename, derr=derr)
            out.append(((block, xt if xt is not None else -1, idx, -1), ev))
    if "failed_calls" in tables:
        rows = con.execute(
            "SELECT f.block, f.idx, f.n, f.group_size, f.extrinsic, f.signer, f.origin, f.origin_kind, f.via, f.call_function, f.args, "
            "f.error_module, f.error_name, f.dispatch_error, b.hash, b.ts "
            "FROM failed_calls f JOIN blocks b ON b.number = f.block WHERE f.call_module = 'Consent' AND f.call_function IN ? "
            "AND f.block BETWEEN ? AND ? AND (? IS NULL OR json_extract_string(f.args, '$.patient') = ?)",
            [list(ACCESS_CALLS), lo, hi, patient, patient]).fetchall()
        for block, idx, n, size, xt, signer, origin, kind, via, fn, args, emod, ename, derr, bhash, ts in rows:
            via = json.loads(via) if via else []
            # The account the call was dispatched as is the requester (as the accessor of an
            # AccessLogged event is, for a proxied read that went through); whoever signed or
            # made it dispatch so (a proxy, a sudo key) is a further agent.
            requester = origin or signer
            delegates = [st["by"] for st in via if st.get("by") and st.get("as") is not None and st.get("dispatched", True)] + [signer]
            delegates = list(dict.fromkeys(a for a in delegates if a and a != requester))
            details = {"via": via_text(via)}
            if not origin:
                details["dispatched-as"] = kind
            if size and size > 1:
                details["refused-together"] = (f"call {n + 1} of {size} refused under one error (the chain records the error, "
                                               "not which of them raised it)")
            ev = _refusal(con, block=block, extrinsic=xt, event=idx, block_hash=bhash, ts=ts, genesis=genesis, requester=requester, fn=fn,
                          args=args, emod=emod, ename=ename, derr=derr, delegates=delegates, extra=details,
                          seq=n if size and size > 1 else None)
            out.append(((block, xt if xt is not None else -1, idx, n), ev))
    out.sort(key=lambda p: p[0])
    return [ev for _, ev in out]


def _refusal(con, *, block, extrinsic, event, block_hash, ts, genesis, requester, fn, args, emod, ename, derr, delegates=(),
             extra: Optional[dict] = None, seq: Optional[int] = None) -> dict:
    """The AuditEvent of a refused access call (`Consent.<fn>` with `args`, JSON)."""
    args = json.loads(args) if args else {}
    code, desc = outcome(emod, ename, json.loads(derr) if derr else "unknown")
    org = _organization_of(con, requester, block)
    details = {"call": f"Consent.{fn}", "error": f"{emod}.{ename}" if ename else None}
    if fn == "break_glass":
        purpose, records = EMERGENCY_CODE, []
        details.update({"break-glass": "true", "reason-code": args.get("reason_code")})
    else:
        consent = _consent(con, args.get("consent_id"), block)
        purpose = purpose_code(*consent) if consent else None
        records = [r for r, _ in _reads(args)]
        details["consent-id"] = args.get("consent_id")
    details.update(extra or {})
    return audit_event(block=block, extrinsic=extrinsic, event=event, block_hash=block_hash, ts=ts, genesis=genesis, requester=requester,
                       organization=org, patient=args.get("patient"), purpose=purpose, outcome_code=code, outcome_desc=desc,
                       records=records, details=details, delegates=delegates, seq=seq)


def via_text(via: list) -> Optional[str]:
    """The wrappers a call was dispatched through, outermost first: `Utility.batch[1] >
    Proxy.proxy as <account>`."""
    parts = []
    for st in via:
        t = st.get("call", "?")
        if "item" in st:
            t += f"[{st['item']}]"
        if "branch" in st:
            t += f"({st['branch']})"
        if "index" in st:
            t += f"({st['index']})"
        if st.get("as") is not None:
            t += f" as {st['as']}"
            if st.get("dispatched") is False:
                t += " (refused before dispatching)"
        parts.append(t)
    return " > ".join(parts) or None


def _ms_instant(ms) -> Optional[str]:
    if ms is None:
        return None
    return instant(dt.datetime.fromtimestamp(int(ms) / 1000, dt.timezone.utc))


def _organization_of(con, account: Optional[str], block: int) -> Optional[str]:
    """The organization `account` acted for at `block`: itself if it is an organization's
    admin account, else the organization whose staff it was (as the index knows it)."""
    if not account:
        return None
    if con.execute("SELECT 1 FROM organizations WHERE account = ? AND registered_block <= ?", [account, block]).fetchone():
        return account
    row = con.execute("SELECT organization FROM staff WHERE account = ? AND added_block <= ? AND (removed_block IS NULL OR removed_block > ?)",
                      [account, block, block]).fetchone()
    return row[0] if row else None


def _consent(con, consent_id, block: int) -> Optional[tuple[str, bool]]:
    if consent_id is None:
        return None
    row = con.execute("SELECT purpose, emergency FROM consents WHERE consent_id = ? AND granted_block <= ?", [int(consent_id), block]).fetchone()
    return (row[0], bool(row[1])) if row else None


def bundle(events: list[dict], timestamp=None) -> dict:
    """A FHIR Bundle (type collection) of AuditEvents."""
    b = {"resourceType": "Bundle", "type": "collection"}
    if timestamp is not None:
        b["timestamp"] = instant(timestamp)
    b["entry"] = [{"resource": ev} for ev in events]
    return b


def audit_bundle(db_path: str, patient: Optional[str] = None, since_block: Optional[int] = None,
                 until_block: Optional[int] = None) -> dict:
    """The Bundle `audit-events` writes; its timestamp is the last indexed block's time."""
    con = db.connect(db_path, read_only=True)
    try:
        events = _audit_events(con, patient, since_block, until_block)
        last = con.execute("SELECT ts FROM blocks ORDER BY number DESC LIMIT 1").fetchone()
        b = bundle(events, last[0] if last else None)
        return b
    finally:
        con.close()


def refusals_indexed_from(db_path: str) -> int:
    """The first block from which the index holds every refused access call, failed
    extrinsics and calls refused inside wrappers alike (0 unless the index was written, in
    part, by a version that did not keep them; see `refusal_coverage`)."""
    return max(refusal_coverage(db_path).values())


def refusal_coverage(db_path: str) -> dict[str, int]:
    """For each table of refusals (`failed_extrinsics`, `failed_calls`), the first block whose
    rows the index holds."""
    con = db.connect(db_path, read_only=True)
    try:
        return {t: db.indexed_from(con, t) for t in db.REFUSAL_TABLES}
    finally:
        con.close()
