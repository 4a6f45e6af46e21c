# Sourced by scripts that loop over MedChain's pallets: sets MEDCHAIN_PALLETS to the
# directory names listed in scripts/pallets.txt (comments and blank lines skipped).
MEDCHAIN_PALLETS=()
while read -r line; do
	line="${line%%#*}"
	line="${line//[[:space:]]/}"
	[ -n "$line" ] && MEDCHAIN_PALLETS+=("$line")
done <"$(dirname "${BASH_SOURCE[0]}")/pallets.txt"
if [ ${#MEDCHAIN_PALLETS[@]} -eq 0 ]; then
	echo "scripts/pallets.txt lists no pallet" >&2
	exit 1
fi

# Fails if scripts/pallets.txt and the pallet crates under pallets/ (those named pallet-*)
# differ: a new pallet must be listed to be benchmarked and feature-tested. Also fails if
# node/Cargo.toml does not name every listed pallet with its `default` feature: without it
# `cargo test --workspace` builds the pallet with other features than the node's build, and
# so the runtime and the node a second time (docs/BUILD.md, "One build for both commands").
medchain_check_pallet_list() {
	local root listed found
	root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
	listed=$(printf '%s\n' "${MEDCHAIN_PALLETS[@]}" | sort)
	found=$(grep -l '^name = "pallet-' "$root"/pallets/*/Cargo.toml | xargs -n1 dirname | xargs -n1 basename | sort)
	if [ "$listed" != "$found" ]; then
		echo "scripts/pallets.txt does not list exactly the pallet crates under pallets/:" >&2
		diff <(echo "$listed") <(echo "$found") >&2 || true
		return 1
	fi
	local pallet missing=()
	for pallet in "${MEDCHAIN_PALLETS[@]}"; do
		grep -qE "^pallet-$pallet = \{ workspace = true, features = \[\"default\"\] \}" "$root/node/Cargo.toml" ||
			missing+=("pallet-$pallet")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "node/Cargo.toml must name these pallets with features = [\"default\"] (one build for both commands, docs/BUILD.md): ${missing[*]}" >&2
		return 1
	fi
}
