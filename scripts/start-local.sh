#!/usr/bin/env bash
# A consortium network of N validators (default 4) on this machine, as real members would
# run it, but on loopback:
#
#   scripts/start-local.sh [N]
#
# 1. Each member's keys are made with the node's own `key` commands
#    (scripts/consortium/keys.sh): admin account, Aura and GRANDPA session keys, node key.
# 2. A members file lists the N members (Providers, all on the council, all validators;
#    member 1's node is the boot node) and scripts/consortium/chain-spec.py turns it into a
#    raw chain spec with no sudo key.
# 3. Each node gets its session keys in its keystore and starts with its own base path and
#    ports: p2p 30333+i, RPC 9944+i, Prometheus 9615+i (i = 0..N-1).
#
# Everything lives under $MEDCHAIN_LOCAL_DIR (default /tmp/medchain-local, wiped at start):
# keys/member<i>/ (the admin keys sign council motions), members.toml, spec.json,
# node<i>/ (base paths) and node<i>.log. Ctrl-C stops every node.
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
rm -rf "$dir"
mkdir -p "$dir/keys"

members="$dir/members.toml"
printf '[chain]\nname = "MedChain local consortium (%s validators)"\nid = "medchain_local_consortium"\n\n' "$n" >"$members"
for ((i = 0; i < n; i++)); do
	scripts/consortium/keys.sh new "$dir/keys/member$i" 127.0.0.1 $((30333 + i)) |
		sed "s/^name = .*/name = \"Member $i Hospital\"/" |
		{ if [ "$i" -eq 0 ]; then cat; else grep -v '^bootnode'; fi; } >>"$members"
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
	"$MEDCHAIN_NODE" --chain "$dir/spec.json" --base-path "$base" --validator --name "member$i" \
		--node-key-file "$dir/keys/member$i/node-key" \
		--listen-addr "/ip4/127.0.0.1/tcp/$((30333 + i))" --rpc-port $((9944 + i)) \
		--prometheus-port $((9615 + i)) --no-mdns --no-telemetry >"$dir/node$i.log" 2>&1 &
	pids+=($!)
	echo "[local] member$i: polkadot.js Apps ws://127.0.0.1:$((9944 + i)), log $dir/node$i.log"
done
echo "[local] $n validators running from $dir/spec.json (no sudo: the council of $n members governs;"
echo "[local] their admin keys are in $dir/keys/member*/admin.json). Ctrl-C stops them."
wait
