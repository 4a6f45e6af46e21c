#!/usr/bin/env bash
# The whole test suite: unit tests of every pallet, runtime tests across pallets, node CLI
# tests, the JavaScript client tooling's tests (against the shared vectors in tests/vectors),
# then the end-to-end polkadot.js suite against a freshly started node.
#
# `cargo test --release --workspace` also builds the `medchain-node` binary (the node crate
# has integration tests), so the dependency tree compiles once, in one profile, and the
# end-to-end tests run exactly the binary the Rust tests just built.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

start=$(date +%s)
echo "[test] cargo test --release --workspace (target dir: $CARGO_TARGET_DIR)"
cargo test --release --locked --workspace
cargo_done=$(date +%s)

npm_install() { # folder
	npm --prefix "$1" ci --no-audit --no-fund --loglevel=error
}

echo "[test] client tooling (scripts/client): canonical JSON, content hashes, Merkle proofs"
npm_install scripts/client
npm --prefix scripts/client test

echo "[test] end-to-end: polkadot.js against $MEDCHAIN_NODE"
npm_install tests/e2e
npm --prefix tests/e2e test
end=$(date +%s)
echo "[test] done: cargo $((cargo_done - start)) s, e2e $((end - cargo_done)) s, total $((end - start)) s"
