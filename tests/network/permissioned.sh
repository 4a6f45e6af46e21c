#!/usr/bin/env bash
# The permissioned network suite (permissioned.js): four members from scripts/start-local.sh,
# an outsider node and a member's read replica, all on loopback.
#
#   tests/network/permissioned.sh
#
# MEDCHAIN_NODE             the node binary (default: the shared target dir's release build)
# MEDCHAIN_NETWORK_PORT_BASE the network suites' port range (default 23000); this suite uses
#                           base + 1000 .. base + 1299 (p2p, RPC, Prometheus of start-local.sh)
# Its files (keys, spec, base paths, logs) go to ${TMPDIR:-/tmp}/medchain-permissioned (wiped
# first).
set -euo pipefail
cd "$(dirname "$0")"
target="${CARGO_TARGET_DIR:-$HOME/.cache/medchain/target}"
export MEDCHAIN_NODE="${MEDCHAIN_NODE:-$target/release/medchain-node}"
[ -x "$MEDCHAIN_NODE" ] || { echo "[permissioned] no node binary at $MEDCHAIN_NODE" >&2; exit 1; }
work="${TMPDIR:-/tmp}/medchain-permissioned"
rm -rf "$work"
mkdir -p "$work"
export MEDCHAIN_LOCAL_DIR="$work/local"
export MEDCHAIN_LOCAL_PORT_BASE=$((${MEDCHAIN_NETWORK_PORT_BASE:-23000} + 1000))
exec node permissioned.js
