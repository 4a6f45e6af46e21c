#!/usr/bin/env bash
# The lints alone (scripts/test.sh does the same as part of its build): `cargo fmt --check`,
# then the workspace's test build with clippy-driver as the compiler of the workspace's own
# crates (RUSTC_WORKSPACE_WRAPPER, set by scripts/env.sh), so clippy checks the node, the
# gateway, the runtime, the pallets and their tests while they compile, in the same build
# (and the same target directory) as start-dev.sh and test.sh: no second pass.
#
# The pallets, their shared primitives and the runtime deny `unwrap_used`, `panic`,
# `indexing_slicing` and `arithmetic_side_effects` outside tests and benchmarks (the root
# Cargo.toml's `[workspace.lints]`; clippy.toml lets tests use the first three, and test
# modules allow the fourth), so the build fails on any of them; the off-chain crates set their
# own `[lints]` (clippy's defaults as warnings, which the test command fails on).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
[ -n "${RUSTC_WORKSPACE_WRAPPER:-}" ] || {
	echo "[lint] clippy-driver not found (rustup component add clippy)" >&2
	exit 1
}
echo "[lint] cargo fmt --check"
cargo fmt --all --check
echo "[lint] cargo test --release --workspace --no-run, compiled by $RUSTC_WORKSPACE_WRAPPER"
cargo test --release --locked --workspace --no-run
