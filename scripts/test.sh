#!/usr/bin/env bash
# The whole test suite: unit tests of every pallet, runtime tests across pallets, node CLI
# tests, the JavaScript client tooling's tests (against the shared vectors in tests/vectors),
# the end-to-end polkadot.js suite against a freshly started node, the portal's browser
# tests (headless chromium against another fresh node), the record gateway (two hospitals'
# gateways beside the node, in the e2e suite), the researchers' Python package
# (pytest against a seeded dev node), then the network suites
# (validators started by zombienet: finality with one of them paused, a stall with two; a
# crash; a consortium chain without sudo admitting a validator and upgrading its runtime
# through council motions, to the blob runtime/upgrade-test builds).
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
# The pallets' benchmark test suites (impl_benchmark_test_suite!): every benchmark's set-up
# and its call run once against the mock, so a benchmark that no longer matches its call fails
# here, not when weights are next regenerated.
scripts/lint.sh
echo "[test] benchmark test suites of the MedChain pallets (--features runtime-benchmarks)"
pallets=(consortium governance patient-identity consent health-records drug-provenance clinical-trials)
bench_packages=() bench_features=()
for p in "${pallets[@]}"; do
	bench_packages+=(-p "pallet-$p")
	bench_features+=("pallet-$p/runtime-benchmarks")
done
features=$(IFS=,; echo "${bench_features[*]}")
cargo test --release --locked "${bench_packages[@]}" --features "$features" benchmark
cargo_done=$(date +%s)

npm_install() { # folder
	npm --prefix "$1" ci --no-audit --no-fund --loglevel=error
}

echo "[test] client tooling (clients/js): canonical JSON, content hashes, Merkle proofs, GS1"
npm_install clients/js
npm --prefix clients/js test

# The end-to-end tests must run the node these sources build, not a stale binary left in the
# shared target directory by another checkout or an older commit: refuse a binary older than
# any source file compiled into it (tests, mocks, benchmarks and test vectors are not).
if [ ! -x "$MEDCHAIN_NODE" ]; then
	echo "[test] no node binary at $MEDCHAIN_NODE" >&2
	exit 1
fi
newer=$(find node/src runtime/src runtime/build.rs pallets/*/src Cargo.lock Cargo.toml node/Cargo.toml \
	runtime/Cargo.toml pallets/*/Cargo.toml -type f \( -name '*.rs' -o -name '*.toml' -o -name Cargo.lock \) \
	! -name 'tests.rs' ! -name 'mock.rs' ! -name 'benchmarking.rs' ! -name 'gs1_vectors.rs' ! -path '*/tests/*' \
	-newer "$MEDCHAIN_NODE" -print 2>/dev/null | head -3)
if [ -n "$newer" ]; then
	echo "[test] $MEDCHAIN_NODE is older than these sources, so it is not what they build:" >&2
	echo "$newer" >&2
	echo "[test] rebuild it (cargo build --release -p medchain-node -p medchain-gateway) or point MEDCHAIN_NODE at a fresh one" >&2
	exit 1
fi
# The record gateway's e2e suite starts the binary built next to the node (gateway/tests/cli.rs
# makes `cargo test` build it); the same freshness rule.
gateway_bin="${MEDCHAIN_GATEWAY:-$(dirname "$MEDCHAIN_NODE")/medchain-gateway}"
if [ ! -x "$gateway_bin" ] || [ -n "$(find gateway/src gateway/Cargo.toml -newer "$gateway_bin" -print 2>/dev/null | head -1)" ]; then
	echo "[test] $gateway_bin is missing or older than gateway/src: cargo build --release -p medchain-gateway" >&2
	exit 1
fi
echo "[test] node under test: $MEDCHAIN_NODE ($("$MEDCHAIN_NODE" --version), built $(date -u -r "$MEDCHAIN_NODE" '+%Y-%m-%d %H:%M:%S UTC'))"

echo "[test] consortium tooling: members file -> chain spec (scripts/consortium)"
python3 -m unittest discover -s tests/consortium

echo "[test] end-to-end: polkadot.js against $MEDCHAIN_NODE"
npm_install tests/e2e
npm --prefix tests/e2e test
echo "[test] portal: headless chromium against a fresh dev node (portal/run-tests.sh)"
portal/run-tests.sh
echo "[test] researchers: Python indexer, summary, export, audits against a seeded dev node (clients/python)"
clients/python/run-tests.sh
echo "[test] network: validators under zombienet: failures, a crash, admission, a runtime upgrade (tests/network)"
npm_install tests/network
npm --prefix tests/network test
end=$(date +%s)
echo "[test] done: cargo $((cargo_done - start)) s, e2e $((end - cargo_done)) s, total $((end - start)) s"
