#!/usr/bin/env bash
# Clippy over the runtime code (issue #12): the pallets, their shared primitives and the
# runtime deny `unwrap_used`, `panic`, `indexing_slicing` and `arithmetic_side_effects`
# outside tests and benchmarks (the `#![cfg_attr(not(test), deny(...))]` at the top of each
# crate), so this fails on any of them. scripts/test.sh runs it; run it alone as
# `scripts/lint.sh` (it shares the target directory).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
crates=(medchain-primitives medchain-runtime)
for p in consortium governance patient-identity consent health-records drug-provenance clinical-trials; do
	crates+=("pallet-$p")
done
args=()
for c in "${crates[@]}"; do args+=(-p "$c"); done
echo "[lint] cargo clippy --release ${crates[*]}"
cargo clippy --release --locked "${args[@]}"
