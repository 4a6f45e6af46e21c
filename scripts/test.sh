#!/usr/bin/env bash
# The whole test suite, in the order that fails fastest:
#   1. `cargo fmt --check`, then the suites that need no build (scripts/test-suites.sh fast:
#      the JS client tooling against the shared vectors, the chain-spec generator, the
#      portal's type check, the researchers' offline Python tests): a broken one fails in
#      seconds (and stops step 2, which starts beside them);
#   2. `cargo build --release -p medchain-node -p medchain-gateway -p
#      medchain-runtime-upgrade-test`: what the chain suites run (the node and the gateway
#      exactly as start-dev.sh builds them, and the spec_version + 1 blob the network suite
#      upgrades to), with clippy linting the workspace's crates as they compile
#      (RUSTC_WORKSPACE_WRAPPER, scripts/env.sh; a crate's `deny`s fail the build);
#   3. at once: the chain suites (scripts/test-suites.sh chain: the end-to-end polkadot.js
#      suite with two hospitals' record gateways, the portal's headless-browser tests, the
#      researchers' Python package against a seeded node, then the zombienet network suites),
#      and in the background, niced, one after the other: `cargo test --release --workspace`
#      (unit tests of every pallet, the runtime's integration tests, node CLI and gateway
#      tests, the fuzz corpus replay: it compiles only test code, on top of step 2's build)
#      and the feature build (scripts/test-features.sh: the pallets' benchmark suites and the
#      runtime's try-runtime checks, FRAME with `runtime-benchmarks` and `try-runtime`). The
#      chain suites mostly wait for blocks, so the test code compiles in their idle CPU time
#      instead of before them;
#   4. a summary, ending in one line `N passed, N failed`.
#
# `scripts/test.sh --quick`: everything but the network suites and the feature build, for
# day-to-day work (the workspace's unit tests still run beside the chain suites).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=""
case "${1:-}" in
"") ;;
--quick) quick=--quick ;;
*)
	echo "usage: scripts/test.sh [--quick]" >&2
	exit 2
	;;
esac
scripts/setup.sh
source scripts/env.sh

start=$(date +%s)
logs=$(mktemp -d -t medchain-test.XXXXXX)
# Counts of passed and failed tests in a log: cargo's `test result:` lines and the suites'
# closing `N passed, N failed` lines.
counts() {
	{
		grep -hE '^test result:' "$@" | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/'
		grep -hE '^[0-9]+ passed, [0-9]+ failed' "$@" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed.*/\1 \2/'
	} | awk '{p += $1; f += $2} END {print p + 0, f + 0}'
}
echo "[test] cargo fmt --check"
cargo fmt --all --check
source scripts/pallets.sh
medchain_check_pallet_list
echo "[test] the code the docs cite exists (scripts/check-doc-paths.py)"
scripts/check-doc-paths.py
# The build starts now, in the background, and the suites that need no build run meanwhile
# (they mostly install packages and wait): a failing one stops the build and the command.
echo "[test] cargo build --release: node, gateway, upgrade blob, linted by clippy as it compiles (target dir: $CARGO_TARGET_DIR; > $logs/build.log, printed when done)"
[ -n "${RUSTC_WORKSPACE_WRAPPER:-}" ] || echo "[test] warning: no clippy-driver (RUSTC_WORKSPACE_WRAPPER unset): lints are not checked" >&2
cargo build --release --locked -p medchain-node -p medchain-gateway -p medchain-runtime-upgrade-test \
	${MEDCHAIN_TIMINGS:+--timings} >"$logs/build.log" 2>&1 &
build_pid=$!
echo "[test] suites that need no build (scripts/test-suites.sh fast), beside the build"
fast_rc=0
scripts/test-suites.sh fast 2>&1 | tee "$logs/fast.log" || fast_rc=$?
fast_done=$(date +%s)
if [ "$fast_rc" != 0 ]; then
	echo "[test] a suite that needs no build failed: the build is stopped" >&2
	pkill -TERM -P "$build_pid" 2>/dev/null || true # its rustc and build-script children
	kill "$build_pid" 2>/dev/null || true
	wait "$build_pid" 2>/dev/null || true
	exit 1
fi
build_rc=0
wait "$build_pid" || build_rc=$?
cat "$logs/build.log"
if [ "$build_rc" != 0 ]; then
	echo "[test] the build failed" >&2
	exit 1
fi
# Lints are part of the build: a crate's warnings (clippy's and rustc's, replayed by cargo for a
# crate it did not need to recompile) fail the test command, as a denied lint fails the build.
lint_warnings() { # log
	if grep -E '^warning: `[^`]+` \(.+\) generated [0-9]+ warnings?' "$1"; then
		echo "[test] the warnings above fail the test command: fix them (or allow one with a reason)" >&2
		return 1
	fi
}
lint_warnings "$logs/build.log"
cargo_done=$(date +%s)

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
# The record gateway's e2e suite starts the binary built next to the node; the same freshness
# rule.
gateway_bin="${MEDCHAIN_GATEWAY:-$(dirname "$MEDCHAIN_NODE")/medchain-gateway}"
if [ ! -x "$gateway_bin" ] || [ -n "$(find gateway/src gateway/Cargo.toml -newer "$gateway_bin" -print 2>/dev/null | head -1)" ]; then
	echo "[test] $gateway_bin is missing or older than gateway/src: cargo build --release -p medchain-gateway" >&2
	exit 1
fi
echo "[test] node under test: $MEDCHAIN_NODE ($("$MEDCHAIN_NODE" --version), built $(date -u -r "$MEDCHAIN_NODE" '+%Y-%m-%d %H:%M:%S UTC'))"

# The workspace's unit tests, then the feature build, run beside the chain suites (they mostly
# wait for blocks), niced: the chain suites wait on block times and time-outs, the builds only
# on the CPU. Their output goes to logs, printed if they fail.
cargo_log="$logs/cargo.log"
features_log="$logs/features.log"
echo "[test] in the background: cargo test --release --workspace (> $cargo_log)$([ -z "$quick" ] && echo ", then scripts/test-features.sh (> $features_log)")"
(
	rc=0
	nice -n 19 cargo test --release --locked --workspace ${MEDCHAIN_TIMINGS:+--timings} >"$cargo_log" 2>&1 || rc=1
	echo "$(date +%s)" >"$logs/cargo.done"
	if [ -z "$quick" ]; then
		nice -n 19 scripts/test-features.sh >"$features_log" 2>&1 || rc=$((rc | 2))
	fi
	exit "$rc"
) &
background_pid=$!
suites_rc=0
scripts/test-suites.sh chain $quick 2>&1 | tee "$logs/chain.log" || suites_rc=$?
background_rc=0
wait "$background_pid" || background_rc=$?
unit_rc=$((background_rc & 1))
features_rc=$((background_rc & 2))
if [ "$background_rc" -gt 3 ]; then # killed
	unit_rc=1
	features_rc=2
fi
if ! lint_warnings "$cargo_log"; then unit_rc=1; fi
echo "[test] cargo test --release --workspace: $([ "$unit_rc" = 0 ] && echo passed || echo FAILED), done $(($(cat "$logs/cargo.done" 2>/dev/null || date +%s) - cargo_done)) s after the build"
grep -E '^test result:' "$cargo_log" | sed 's/^/[cargo] /' || true
if [ "$unit_rc" != 0 ]; then
	grep -E -B2 -A30 '^failures:|^error(\[E[0-9]+\])?:' "$cargo_log" | tail -n 120 || tail -n 80 "$cargo_log"
fi
if [ -z "$quick" ]; then
	echo "[test] feature build (benchmark suites, try-runtime checks): $([ "$features_rc" = 0 ] && echo passed || echo FAILED)"
	grep -E '^test result:' "$features_log" | sed 's/^/[features] /' || true
	if [ "$features_rc" != 0 ]; then
		tail -n 80 "$features_log"
	fi
fi
end=$(date +%s)
echo "[test] done: no-build suites $((fast_done - start)) s (beside the build), cargo build $((cargo_done - start)) s, chain suites beside the unit tests and the feature build $((end - cargo_done)) s, total $((end - start)) s"
read -r passed failed < <(counts "$logs"/*.log)
ok() { [ "$suites_rc" = 0 ] && [ "$unit_rc" = 0 ] && [ "$features_rc" = 0 ]; }
ok || failed=$((failed > 0 ? failed : 1))
echo "[test] logs: $logs"
echo "$passed passed, $failed failed"
ok
