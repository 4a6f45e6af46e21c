#!/usr/bin/env bash
# Writes the raw consortium chain spec that consortium.zndsl runs, made the way a consortium
# makes its own: a members file given to scripts/consortium/chain-spec.py (no sudo key).
#
#   tests/network/consortium-spec.sh OUT_DIR     -> OUT_DIR/members.toml, OUT_DIR/consortium.json
#
# Four founding members (alice..dave, zombienet's node names), each with an admin account
# //<Name>Admin, a council seat and a validator whose session keys are the keys zombienet
# puts in that node's keystore (aura = sr25519 //<Name>, grandpa = ed25519 //<Name>).
# The fifth node, eve, is not in the spec: consortium.zndsl admits its hospital through the
# council, and eve's node makes its own session keys (author_rotateKeys).
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:?usage: consortium-spec.sh OUT_DIR}"
NODE="${MEDCHAIN_NODE:?set MEDCHAIN_NODE to the medchain-node binary}"
mkdir -p "$out"
address() { # scheme suri
	"$NODE" key inspect --scheme "$1" --output-type json "$2" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["ss58Address"])'
}
{
	cat <<'TOML'
[chain]
name = "MedChain Network Test"
id = "medchain_network_test"
# A short time lock (12 blocks), so the upgrade step shows it without waiting a day.
time_lock_hours = 0.01
TOML
	for name in Alice Bob Charlie Dave; do
		cat <<TOML

[[member]]
name = "$name Hospital"
roles = ["Provider"]
admin = "$(address sr25519 "//${name}Admin")"
[member.validator]
aura = "$(address sr25519 "//$name")"
grandpa = "$(address ed25519 "//$name")"
TOML
	done
} >"$out/members.toml"
python3 scripts/consortium/chain-spec.py "$out/members.toml" --out "$out/consortium.json" --node "$NODE"
