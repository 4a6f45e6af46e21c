#!/usr/bin/env bash
# A consortium network of N validators (default 4) on this machine, as real members would
# run it, but on loopback:
#
#   scripts/start-local.sh [N]
#
# 1. Each member's keys are made with the node's own `key` commands
#    (scripts/consortium/keys.sh): admin account, Aura and GRANDPA session keys, node key.
# 2. A members file lists the N members (Providers, all on the council, all validators, each
#    node a boot node and an authorized member node) and scripts/consortium/chain-spec.py
#    turns it into a raw chain spec with no sudo key.
# 3. Each node gets its session keys in its keystore and starts with its own base path and
#    ports: p2p 30333+i, RPC 9944+i, Prometheus 9615+i (i = 0..N-1). Every node dials every
#    member (all are boot nodes, and node authorization makes the member nodes each other's
#    reserved peers): a full mesh, so any one member may stop and the rest keep finalizing.
#
# MEDCHAIN_LOCAL_PORT_BASE=B moves the ports to p2p B+i, RPC B+100+i, Prometheus B+200+i
# (the network test uses it to stay clear of a dev node). MEDCHAIN_LOCAL_LOG=FILTER adds a
# `-l FILTER` to every node (e.g. medchain::peering=debug).
#
# Everything lives under $MEDCHAIN_LOCAL_DIR (default /tmp/medchain-local, wiped at start):
# keys/member<i>/ (the admin keys sign council motions), members.toml, spec.json,
# node<i>/ (base paths), node<i>.log, node<i>.pid and node<i>.args (its arguments, one per
# line). Ctrl-C stops every node.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

n="${1:-4}"
[[ "$n" =~ ^[1-9][0-9]*$ ]] && [ "$n" -le 32 ] || { echo "usage: $0 [N (1..32)]" >&2; exit 2; }
if [ ! -x "$MEDCHAIN_NODE" ]; then
	scripts/setup.sh
	cargo build --release --locked -p medchain-node -p medchain-gateway
fi

dir="${MEDCHAIN_LOCAL_DIR:-/tmp/medchain-local}"
if [ -n "${MEDCHAIN_LOCAL_PORT_BASE:-}" ]; then
	p2p=$MEDCHAIN_LOCAL_PORT_BASE rpc=$((MEDCHAIN_LOCAL_PORT_BASE + 100)) prom=$((MEDCHAIN_LOCAL_PORT_BASE + 200))
else
	p2p=30333 rpc=9944 prom=9615
fi
log=()
[ -n "${MEDCHAIN_LOCAL_LOG:-}" ] && log=(-l "$MEDCHAIN_LOCAL_LOG")
rm -rf "$dir"
mkdir -p "$dir/keys"

members="$dir/members.toml"
printf '[chain]\nname = "MedChain local consortium (%s validators)"\nid = "medchain_local_consortium"\n\n' "$n" >"$members"
for ((i = 0; i < n; i++)); do
	scripts/consortium/keys.sh new "$dir/keys/member$i" 127.0.0.1 $((p2p + i)) |
		sed "s/^name = .*/name = \"Member $i Hospital\"/" >>"$members"
	echo >>"$members"
done
python3 scripts/consortium/chain-spec.py "$members" --node "$MEDCHAIN_NODE" --out "$dir/spec.json"

pids=()
cleanup() {
	kill "${pids[@]}" 2>/dev/null || true
	wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

for ((i = 0; i < n; i++)); do
	base="$dir/node$i"
	scripts/consortium/keys.sh insert "$dir/keys/member$i" --chain "$dir/spec.json" --base-path "$base" 2>/dev/null
	args=(--chain "$dir/spec.json" --base-path "$base" --validator --name "member$i"
		--node-key-file "$dir/keys/member$i/node-key"
		--listen-addr "/ip4/127.0.0.1/tcp/$((p2p + i))" --rpc-port $((rpc + i))
		--prometheus-port $((prom + i)) --no-mdns --no-telemetry "${log[@]}")
	printf '%s\n' "${args[@]}" >"$dir/node$i.args" # one per line: how to restart it
	"$MEDCHAIN_NODE" "${args[@]}" >"$dir/node$i.log" 2>&1 &
	pids+=($!)
	echo $! >"$dir/node$i.pid"
	echo "[local] member$i: polkadot.js Apps ws://127.0.0.1:$((rpc + i)), log $dir/node$i.log"
done
echo "[local] $n validators running from $dir/spec.json (no sudo: the council of $n members governs;"
echo "[local] their admin keys are in $dir/keys/member*/admin.json). Ctrl-C stops them."
wait
