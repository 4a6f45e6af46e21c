#!/usr/bin/env bash
# The feature build of the test command: FRAME compiled once more, with
# `runtime-benchmarks` and `try-runtime`, for
#   - the MedChain pallets' benchmark test suites (impl_benchmark_test_suite!: every
#     benchmark's set-up and call run once against the mock, so a benchmark that no longer
#     matches its call fails here, not when weights are next regenerated), and
#   - the runtime's try-runtime checks (runtime/tests/integration/try_runtime.rs: the upgrade
#     hooks' pre/post checks and every pallet's try_state through FRAME, as the try-runtime
#     CLI runs them), which also compiles the runtime's TryRuntime and benchmark APIs.
#
# These tests run natively against mocks and the runtime, never in a node, so they are built
# in their own profile (`features-test`: unoptimized, no debug info; see Cargo.toml), which
# compiles in about half the time of release; the wasm runtime is not needed (SKIP_WASM_BUILD).
# scripts/test.sh runs this in the background while the chain suites run. Run it alone:
# `scripts/test-features.sh` (it shares the target directory).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/pallets.sh
pallets=("${MEDCHAIN_PALLETS[@]}")
packages=(-p medchain-runtime) features=(medchain-runtime/runtime-benchmarks medchain-runtime/try-runtime)
for p in "${pallets[@]}"; do
	packages+=(-p "pallet-$p")
	features+=("pallet-$p/runtime-benchmarks" "pallet-$p/try-runtime")
done
echo "[features] cargo test --profile features-test (runtime-benchmarks, try-runtime): benchmark suites and try-runtime checks"
# Only the pallets' unit-test binaries (the benchmark suites live there) and the runtime's
# integration binary (the try-runtime checks) are built; the filters pick the tests.
SKIP_WASM_BUILD=1 cargo test --profile features-test --locked --no-fail-fast "${packages[@]}" \
	--features "$(IFS=,; echo "${features[*]}")" --lib --test integration -- benchmark try_runtime
