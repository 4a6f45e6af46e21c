#!/usr/bin/env bash
# Three validators of `--chain local` (Alice, Bob, Charlie) on this machine, each with its
# own base path under $MEDCHAIN_LOCAL_DIR (default /tmp/medchain-local, wiped at start).
# RPC: Alice ws://127.0.0.1:9944, Bob :9945, Charlie :9946. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if [ ! -x "$MEDCHAIN_NODE" ]; then
	scripts/setup.sh
	cargo build --release --locked -p medchain-node
fi

dir="${MEDCHAIN_LOCAL_DIR:-/tmp/medchain-local}"
rm -rf "$dir"
mkdir -p "$dir"
# A fixed node key for Alice gives her a known peer id for the others to boot from.
alice_key=0000000000000000000000000000000000000000000000000000000000000001
alice_peer=12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp
bootnode="/ip4/127.0.0.1/tcp/30333/p2p/$alice_peer"

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

start() { # name p2p-port rpc-port prometheus-port extra...
	local name=$1 p2p=$2 rpc=$3 prom=$4
	shift 4
	"$MEDCHAIN_NODE" --chain local "--$name" --base-path "$dir/$name" \
		--port "$p2p" --rpc-port "$rpc" --prometheus-port "$prom" \
		--no-mdns --no-telemetry --validator "$@" >"$dir/$name.log" 2>&1 &
	pids+=($!)
	echo "[local] $name: rpc ws://127.0.0.1:$rpc, log $dir/$name.log"
}

start alice 30333 9944 9615 --node-key "$alice_key"
start bob 30334 9945 9616 --bootnodes "$bootnode"
start charlie 30335 9946 9617 --bootnodes "$bootnode"
echo "[local] three validators running; Ctrl-C stops them."
wait
