#!/usr/bin/env bash
# Benchmark MedChain's pallets and write their weights.rs files.
#
#   scripts/benchmark.sh                    # every MedChain pallet
#   scripts/benchmark.sh pallet_consent     # one pallet
#
# Builds the node with `--features runtime-benchmarks` (the benchmark CLI is behind that
# feature), then runs `medchain-node benchmark pallet` on the `dev` chain for each pallet
# and writes `pallets/<dir>/src/weights.rs` from scripts/benchmark/weight-template.hbs
# (trait + SubstrateWeight<T> + () impl, the layout the pallets use).
#
# STEPS / REPEAT default to 20 / 10; lower them for a quick look (STEPS=2 REPEAT=1).
# Weights depend on the machine: run this on the consortium's reference validator
# hardware before launch. Note: the build replaces target/release/medchain-node with a
# benchmarking-enabled binary; `cargo build --release -p medchain-node` restores the
# normal one.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

STEPS="${STEPS:-20}"
REPEAT="${REPEAT:-10}"

declare -A DIRS=(
	[pallet_consortium]=consortium
	[pallet_patient_identity]=patient-identity
	[pallet_consent]=consent
	[pallet_health_records]=health-records
	[pallet_drug_provenance]=drug-provenance
	[pallet_clinical_trials]=clinical-trials
)
PALLETS=("$@")
if [ ${#PALLETS[@]} -eq 0 ]; then
	PALLETS=(pallet_consortium pallet_patient_identity pallet_consent pallet_health_records
		pallet_drug_provenance pallet_clinical_trials)
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
	echo "==> cargo build --release -p medchain-node --features runtime-benchmarks"
	cargo build --release -p medchain-node --features runtime-benchmarks
fi
NODE="$CARGO_TARGET_DIR/release/medchain-node"

for pallet in "${PALLETS[@]}"; do
	dir="${DIRS[$pallet]:-}"
	if [ -z "$dir" ]; then
		echo "unknown pallet $pallet (known: ${!DIRS[*]})" >&2
		exit 2
	fi
	out="pallets/$dir/src/weights.rs"
	echo "==> $pallet -> $out (steps $STEPS, repeat $REPEAT)"
	"$NODE" benchmark pallet \
		--chain dev \
		--pallet "$pallet" \
		--extrinsic '*' \
		--wasm-execution compiled \
		--steps "$STEPS" \
		--repeat "$REPEAT" \
		--template scripts/benchmark/weight-template.hbs \
		--output "$out"
done
