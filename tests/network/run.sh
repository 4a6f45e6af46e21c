#!/usr/bin/env bash
# Runs one network suite with the zombienet CLI (native provider) in a fresh directory.
#
#   tests/network/run.sh validators|consortium
#
# MEDCHAIN_NODE         the node binary (default: the shared target dir's release build)
# ZOMBIENET_DIR         where zombienet puts the nodes' data and logs
#                       (default ${TMPDIR:-/tmp}/medchain-zombienet-<suite>; wiped first)
# MEDCHAIN_NETWORK_PORT_BASE  the network suites' port range (default 23000):
#                       validators' nodes listen on base + 0.., consortium's on base + 200..
#                       (network.toml, consortium.toml), so the two could even run at once; below the kernel's ephemeral ports, apart from the e2e
#                       gateways' range (20000-20999)
# MEDCHAIN_UPGRADE_BUILT  consortium only: a file the upgrade blob's build writes its exit code to
#                       when done (scripts/test.sh); waited for, up to 30 min
# MEDCHAIN_UPGRADE_WASM consortium only: the spec_version + 1 runtime the chain is upgraded
#                       to (default: what `cargo build --release -p
#                       medchain-runtime-upgrade-test` writes under wbuild/)
set -euo pipefail
cd "$(dirname "$0")"
suite="${1:?usage: run.sh validators|consortium}"
[ -f "$suite.zndsl" ] || { echo "[network] no suite $suite.zndsl" >&2; exit 2; }
target="${CARGO_TARGET_DIR:-$HOME/.cache/medchain/target}"
export MEDCHAIN_NODE="${MEDCHAIN_NODE:-$target/release/medchain-node}"
[ -x "$MEDCHAIN_NODE" ] || { echo "[network] no node binary at $MEDCHAIN_NODE" >&2; exit 1; }
dir="${ZOMBIENET_DIR:-${TMPDIR:-/tmp}/medchain-zombienet-$suite}"
base="${MEDCHAIN_NETWORK_PORT_BASE:-23000}"
case "$suite" in
validators) offset=0 ;;
consortium) offset=200 ;;
*) offset=300 ;;
esac
export MEDCHAIN_ZN_PORT_BASE=$((base + offset))
rm -rf "$dir" "$dir-spec"
if [ "$suite" = consortium ]; then
	export MEDCHAIN_UPGRADE_WASM="${MEDCHAIN_UPGRADE_WASM:-$target/release/wbuild/medchain-runtime-upgrade-test/medchain_runtime_upgrade_test.compact.compressed.wasm}"
	# scripts/test.sh builds the blob beside the first chain suites and writes the build's exit
	# code to $MEDCHAIN_UPGRADE_BUILT when it is done: wait for it (an older blob may be there).
	if [ -n "${MEDCHAIN_UPGRADE_BUILT:-}" ]; then
		waited=0
		while [ ! -s "$MEDCHAIN_UPGRADE_BUILT" ] && [ "$waited" -lt 1800 ]; do
			[ "$waited" = 0 ] && echo "[network] waiting for the upgrade blob's build ($MEDCHAIN_UPGRADE_BUILT)"
			sleep 2
			waited=$((waited + 2))
		done
		if [ "$(cat "$MEDCHAIN_UPGRADE_BUILT" 2>/dev/null)" != 0 ]; then
			echo "[network] the upgrade blob's build failed or did not finish in $waited s (its log is beside $MEDCHAIN_UPGRADE_BUILT)" >&2
			exit 1
		fi
		[ "$waited" = 0 ] || echo "[network] the upgrade blob was built; waited $waited s"
	fi
	if [ ! -f "$MEDCHAIN_UPGRADE_WASM" ]; then
		echo "[network] no upgrade runtime at $MEDCHAIN_UPGRADE_WASM" >&2
		echo "[network] build it: cargo build --release -p medchain-runtime-upgrade-test" >&2
		exit 1
	fi
	./consortium-spec.sh "$dir-spec"
	export MEDCHAIN_CONSORTIUM_SPEC="$dir-spec/consortium.json"
fi
exec npx zombienet --provider native --logType text --dir "$dir" --force test "$suite.zndsl"
