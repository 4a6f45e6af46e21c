#!/usr/bin/env bash
# The main job: install what is missing, build the node (release), start a development
# chain: one validator (Alice), the demo consortium, temporary state, RPC on port 9944.
# Extra arguments go to the node, e.g. `scripts/start-dev.sh --rpc-port 9955`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

echo "[start-dev] building medchain-node and medchain-gateway (release, together: one feature set, so test.sh reuses the build) into $CARGO_TARGET_DIR"
# MEDCHAIN_TIMINGS=1: cargo writes its --timings report (docs/BUILD.md).
cargo build --release --locked -p medchain-node -p medchain-gateway ${MEDCHAIN_TIMINGS:+--timings}

echo "[start-dev] starting: connect polkadot.js Apps to ws://127.0.0.1:9944"
exec "$MEDCHAIN_NODE" --dev "$@"
