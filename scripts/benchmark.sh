#!/usr/bin/env bash
# Benchmark MedChain's pallets and write their weights.rs files.
#
#   scripts/benchmark.sh                    # every MedChain pallet
#   scripts/benchmark.sh pallet_consent     # one pallet
#   scripts/benchmark.sh storage            # the database weights (DbWeight), see below
#   scripts/benchmark.sh overhead           # block and extrinsic base weights, see below
#
# Builds the node with `--features runtime-benchmarks` (the benchmark CLI is behind that
# feature), then runs `medchain-node benchmark pallet` on the `dev` chain for each pallet
# and writes `pallets/<dir>/src/weights.rs` from scripts/benchmark/weight-template.hbs
# (trait + SubstrateWeight<T> + () impl, the layout the pallets use).
#
# `storage` measures ParityDB's read and write cost on this machine with `medchain-node
# benchmark storage` and writes runtime/src/weights/paritydb_weights.rs (the runtime's
# DbWeight). It runs on the dev genesis grown by STORAGE_ACCOUNTS (default 250,000) endowed
# accounts (scripts/benchmark/storage-spec.py), so the trie is as deep as a consortium
# chain's, not the dev chain's few hundred keys; the database lives in a temporary folder.
#
# `overhead` measures the runtime's fixed costs with `medchain-node benchmark overhead` on the
# dev chain: executing an empty block (`BlockExecutionWeight`) and, from blocks full of
# `System.remark` signed with MedChain's own transaction extensions, one extrinsic's
# overhead (`ExtrinsicBaseWeight`). It writes runtime/src/weights/block_weights.rs and
# extrinsic_weights.rs from the median of OVERHEAD_REPEAT (default 100) runs, times 1.1
# (the median, not the mean: on a shared machine a few runs are preempted).
#
# STEPS / REPEAT default to 20 / 10; lower them for a quick look (STEPS=2 REPEAT=1).
# Weights depend on the machine: run this on the consortium's reference validator
# hardware before launch. Note: the build replaces target/release/medchain-node with a
# benchmarking-enabled binary; `cargo build --release -p medchain-node -p medchain-gateway` restores the
# normal one.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

STEPS="${STEPS:-20}"
REPEAT="${REPEAT:-10}"

# The pallets (scripts/pallets.txt) by benchmark name, and where their weights.rs goes.
source scripts/pallets.sh
declare -A DIRS=(
	# The transaction extensions of frame_system (CheckNonce, CheckMortality, ...): their
	# weight is charged on every extrinsic; FRAME's default for them is RocksDB's costs.
	[frame_system_extensions]=runtime
)
ALL=()
for dir in "${MEDCHAIN_PALLETS[@]}"; do
	DIRS["pallet_${dir//-/_}"]="$dir"
	ALL+=("pallet_${dir//-/_}")
done
ALL+=(frame_system_extensions)
PALLETS=("$@")
if [ ${#PALLETS[@]} -eq 0 ]; then
	PALLETS=("${ALL[@]}")
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
	echo "==> cargo build --release -p medchain-node -p medchain-gateway --features medchain-node/runtime-benchmarks"
	cargo build --release -p medchain-node -p medchain-gateway --features medchain-node/runtime-benchmarks
fi
NODE="$CARGO_TARGET_DIR/release/medchain-node"

if [ "${PALLETS[0]}" = storage ]; then
	accounts="${STORAGE_ACCOUNTS:-250000}"
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	echo "==> benchmark storage: dev genesis + $accounts accounts, ParityDB in $work"
	"$NODE" export-chain-spec --chain dev >"$work/dev.json"
	python3 scripts/benchmark/storage-spec.py "$work/dev.json" "$accounts" >"$work/spec.json"
	"$NODE" benchmark storage \
		--chain "$work/spec.json" \
		--base-path "$work/db" \
		--state-version 1 \
		--random-seed 4242 \
		--header scripts/benchmark/storage-header.txt \
		--template-path scripts/benchmark/storage-template.hbs \
		--mul 1.1 \
		--weight-path runtime/src/weights/
	exit 0
fi

if [ "${PALLETS[0]}" = overhead ]; then
	echo "==> benchmark overhead: dev chain, median of ${OVERHEAD_REPEAT:-100} runs x 1.1"
	"$NODE" benchmark overhead \
		--chain dev \
		--warmup 10 \
		--repeat "${OVERHEAD_REPEAT:-100}" \
		--metric median \
		--mul 1.1 \
		--header scripts/benchmark/overhead-header.txt \
		--weight-path runtime/src/weights/
	exit 0
fi

for pallet in "${PALLETS[@]}"; do
	dir="${DIRS[$pallet]:-}"
	if [ -z "$dir" ]; then
		echo "unknown pallet $pallet (known: ${!DIRS[*]})" >&2
		exit 2
	fi
	if [ "$dir" = runtime ]; then
		# A runtime-level weight file (polkadot-sdk's own template: `WeightInfo<T>`
		# implementing the pallet's trait), included by runtime/src/weights/mod.rs.
		out="runtime/src/weights/$pallet.rs"
		template=(--header scripts/benchmark/runtime-header.txt)
	else
		out="pallets/$dir/src/weights.rs"
		template=(--template scripts/benchmark/weight-template.hbs)
	fi
	echo "==> $pallet -> $out (steps $STEPS, repeat $REPEAT)"
	"$NODE" benchmark pallet \
		--chain dev \
		--pallet "$pallet" \
		--extrinsic '*' \
		--wasm-execution compiled \
		--steps "$STEPS" \
		--repeat "$REPEAT" \
		"${template[@]}" \
		--output "$out"
done
