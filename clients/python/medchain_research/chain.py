"""Connection to a MedChain node: a thin layer over aio-substrate-interface.

Everything a researcher needs is read-only (blocks, events, storage, runtime APIs);
`Submitter` (signing and submitting bursts of extrinsics) is only used by the demo
seeder and the benchmark.
"""
from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass, field
from typing import Any, Optional

import xxhash
from async_substrate_interface import AsyncSubstrateInterface

SS58_FORMAT = 4242
DEFAULT_URL = "ws://127.0.0.1:9944"


def blake2_256(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=32).digest()


def twox128(data: bytes) -> bytes:
    return xxhash.xxh64(data, seed=0).intdigest().to_bytes(8, "little") + xxhash.xxh64(
        data, seed=1
    ).intdigest().to_bytes(8, "little")


TIMESTAMP_NOW_KEY = "0x" + (twox128(b"Timestamp") + twox128(b"Now")).hex()


def hexbytes(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return bytes.fromhex(value.removeprefix("0x"))
    if isinstance(value, (list, tuple)):
        if len(value) == 1 and isinstance(value[0], (list, tuple)):
            return bytes(value[0])
        return bytes(value)
    raise TypeError(f"not bytes: {value!r}")


class Chain:
    """An open connection. Use as ``async with Chain(url) as c: ...``."""

    def __init__(self, url: str = DEFAULT_URL):
        self.url = url
        self.s: Optional[AsyncSubstrateInterface] = None

    async def __aenter__(self) -> "Chain":
        self.s = AsyncSubstrateInterface(self.url, ss58_format=SS58_FORMAT, retry_timeout=30.0)
        await self.s.initialize()
        await self.s.init_runtime()
        return self

    async def __aexit__(self, *exc) -> None:
        if self.s is not None:
            await self.s.close()

    async def rpc(self, method: str, params: list) -> Any:
        res = await self.s.rpc_request(method, params)
        if "error" in res:
            if "discarded" in str(res["error"]).lower():
                from async_substrate_interface.errors import StateDiscardedError

                raise StateDiscardedError(params[-1] if params else None)
            raise RuntimeError(f"{method}: {res['error']}")
        return res["result"]

    async def finalized_number(self) -> int:
        head = await self.rpc("chain_getFinalizedHead", [])
        header = await self.rpc("chain_getHeader", [head])
        return int(header["number"], 16)

    async def best_number(self) -> int:
        header = await self.rpc("chain_getHeader", [])
        return int(header["number"], 16)

    async def block_hash(self, number: int) -> str:
        return await self.rpc("chain_getBlockHash", [number])

    async def timestamp(self, block_hash: str) -> int:
        raw = await self.rpc("state_getStorage", [TIMESTAMP_NOW_KEY, block_hash])
        return int.from_bytes(hexbytes(raw), "little") if raw else 0

    async def events(self, block_hash: str) -> list[dict]:
        return await self.s.get_events(block_hash)

    async def extrinsics(self, block_hash: str) -> list[Optional[dict]]:
        """The block's extrinsics, decoded (address, call module/function/args); None where one
        does not decode."""
        block = await self.s.get_block(block_hash=block_hash, ignore_decoding_errors=True)
        return [getattr(x, "value", x) if x is not None else None for x in (block or {}).get("extrinsics", [])]

    async def module_errors(self, block_hash: str) -> dict[tuple[int, int], tuple[str, str]]:
        """(pallet index, error index) -> (pallet name, error name) in the runtime of `block_hash`."""
        runtime = await self.s.init_runtime(block_hash=block_hash)
        version = getattr(runtime, "runtime_version", None)
        cache = self.__dict__.setdefault("_module_errors", {})
        if version not in cache:
            table = {}
            for pallet in runtime.metadata.pallets:
                idx = pallet["index"].value if hasattr(pallet["index"], "value") else pallet["index"]
                for e in (pallet.errors or []):
                    v = e.value if hasattr(e, "value") else e
                    table[(int(idx), int(v["index"]))] = (str(pallet.name), str(v["name"]))
            cache[version] = table
        return cache[version]

    async def runtime_call(self, api: str, method: str, params: list, block_hash: str | None = None):
        return await self.s.runtime_call(api, method, params, block_hash=block_hash)

    async def query(self, module: str, item: str, params: list | None = None, block_hash: str | None = None):
        return await self.s.query(module, item, params or [], block_hash=block_hash)

    async def query_map(self, module: str, item: str, block_hash: str | None = None) -> list:
        res = await self.s.query_map(module, item, block_hash=block_hash, page_size=500)
        return [(k, v) async for k, v in res]


# ---------------------------------------------------------------------------
# Submitting (seeder and benchmark only)
# ---------------------------------------------------------------------------


@dataclass
class TxResult:
    label: str
    block: int
    ok: bool
    error: Optional[str]
    events: list = field(default_factory=list)
    timestamp: int = 0


class Submitter:
    """Signs and submits extrinsics with locally tracked nonces, then finds each in a block."""

    def __init__(self, chain: Chain):
        self.c = chain
        self.nonces: dict[str, int] = {}
        self.pending: dict[str, str] = {}  # extrinsic hash -> label
        self.scanned = None  # last block number scanned
        self._errors: dict | None = None

    async def _nonce(self, kp) -> int:
        if kp.ss58_address not in self.nonces:
            n = await self.c.runtime_call("AccountNonceApi", "account_nonce", [kp.ss58_address])
            self.nonces[kp.ss58_address] = int(getattr(n, "value", n))
        return self.nonces[kp.ss58_address]

    async def send(self, kp, module: str, function: str, params: dict, label: str = "") -> str:
        if self.scanned is None:
            self.scanned = await self.c.best_number()
        call = await self.c.s.compose_call(module, function, params)
        nonce = await self._nonce(kp)
        xt = await self.c.s.create_signed_extrinsic(call, kp, nonce=nonce)
        data = hexbytes(str(xt.data))
        h = "0x" + blake2_256(data).hex()
        await self.c.rpc("author_submitExtrinsic", ["0x" + data.hex()])
        self.nonces[kp.ss58_address] = nonce + 1
        self.pending[h] = label or f"{module}.{function}"
        return h

    async def _error_name(self, dispatch_error) -> str:
        if isinstance(dispatch_error, dict) and "Module" in dispatch_error:
            m = dispatch_error["Module"]
            idx = m["index"]
            err = hexbytes(m["error"])[0]
            if self._errors is None:
                self._errors = {}
                runtime = await self.c.s.init_runtime()
                for pallet in runtime.metadata.pallets:
                    for e in (pallet.errors or []):
                        v = e.value if hasattr(e, "value") else e
                        self._errors[(pallet["index"].value if hasattr(pallet["index"], "value") else pallet["index"], v["index"])] = f"{pallet.name}.{v['name']}"
            return self._errors.get((idx, err), f"Module({idx},{err})")
        return str(dispatch_error)

    async def wait(self, timeout: float = 180.0, until: int = 0, keep_events: bool = True) -> dict[str, TxResult]:
        """Scan new blocks until at most `until` extrinsics are pending; returns hash -> result."""
        found: dict[str, TxResult] = {}
        deadline = time.time() + timeout
        while len(self.pending) > until:
            best = await self.c.best_number()
            while self.scanned < best and len(self.pending) > until:
                n = self.scanned + 1
                bh = await self.c.block_hash(n)
                block = await self.c.rpc("chain_getBlock", [bh])
                xts = block["block"]["extrinsics"]
                hashes = ["0x" + blake2_256(hexbytes(x)).hex() for x in xts]
                mine = [i for i, h in enumerate(hashes) if h in self.pending]
                if mine:
                    events = await self.c.events(bh)
                    ts = await self.c.timestamp(bh)
                    for i in mine:
                        evs = [e for e in events if e.get("extrinsic_idx") == i]
                        ok, err = True, None
                        for e in evs:
                            if e["module_id"] == "System" and e["event_id"] == "ExtrinsicFailed":
                                ok = False
                                err = await self._error_name(e["attributes"]["dispatch_error"])
                            if e["module_id"] == "Sudo" and e["event_id"] == "Sudid":
                                r = e["attributes"]["sudo_result"]
                                if isinstance(r, dict) and "Err" in r:
                                    ok, err = False, await self._error_name(r["Err"])
                            if e["module_id"] == "Utility" and e["event_id"] == "BatchInterrupted":
                                ok, err = False, "Utility.BatchInterrupted"
                        label = self.pending.pop(hashes[i])
                        found[hashes[i]] = TxResult(label, n, ok, err, evs if keep_events else [], ts)
                self.scanned = n
            if len(self.pending) <= until:
                break
            if time.time() > deadline:
                raise TimeoutError(f"{len(self.pending)} extrinsics not included: {list(self.pending.values())[:5]}")
            await asyncio.sleep(0.5)
        return found


def event_attrs(result: TxResult, module: str, name: str) -> list[dict]:
    return [e["attributes"] for e in result.events if e["module_id"] == module and e["event_id"] == name]
