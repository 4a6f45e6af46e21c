#!/usr/bin/env bash
# The runtime fuzzer: libFuzzer, through cargo-fuzz, over fuzz/fuzz_targets/runtime.rs
# (medchain-fuzz-harness, fuzz/harness: byte strings -> blocks of signed calls from 16 accounts
# with roles, applied through the real Executive; every block's weight and length limits, the
# pallets' try_state invariants and total issuance checked). Not part of scripts/test.sh: the
# default test command replays the committed corpus (fuzz/corpus/runtime), the seeds
# (fuzz/seeds) and the regressions (fuzz/regressions/runtime) as ordinary tests instead.
#
#   scripts/fuzz.sh [SECONDS]      # default 1800; the corpus grows in fuzz/corpus/runtime
#   scripts/fuzz.sh --cmin         # minimize the corpus in place (keeps coverage)
#
# A crash is written to fuzz/artifacts/runtime/crash-*; replay it with
#   cargo fuzz run --sanitizer none runtime fuzz/artifacts/runtime/crash-<hash>
# and, once fixed, copy it to fuzz/regressions/runtime/ (the replay test then runs it forever).
#
# Works on stable Rust: `--sanitizer none` needs no nightly flags. The build instruments every
# crate of the runtime (a separate build in the shared target directory, under
# x86_64-unknown-linux-gnu/): ~20 minutes cold on 2 cores, the run itself uses one core.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
# The harness runs the runtime natively: no wasm needed.
export SKIP_WASM_BUILD=1
if ! cargo fuzz --version >/dev/null 2>&1; then
	echo "[fuzz] installing cargo-fuzz 0.13.2 (crates.io)"
	cargo install cargo-fuzz --version 0.13.2 --locked
fi
target=runtime
cargo fuzz build --sanitizer none "$target"
if [ "${1:-}" = "--cmin" ]; then
	exec cargo fuzz cmin --sanitizer none "$target" fuzz/corpus/$target -- -rss_limit_mb=4096 -timeout=20
fi
secs="${1:-1800}"
mkdir -p fuzz/corpus/$target fuzz/artifacts/$target
echo "[fuzz] running $target for ${secs}s (corpus: fuzz/corpus/$target, seeds: fuzz/seeds)"
cargo fuzz run --sanitizer none "$target" fuzz/corpus/$target fuzz/seeds -- \
	-max_total_time="$secs" -max_len=16384 -timeout=20 -rss_limit_mb=4096 -print_final_stats=1
