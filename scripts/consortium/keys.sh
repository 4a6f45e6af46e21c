#!/usr/bin/env bash
# A member's keys, made with the node's own `key` subcommands.
#
#   scripts/consortium/keys.sh new DIR [IP [P2P_PORT]]
#       Generates, into DIR (created, mode 700; files mode 600):
#         admin.json     the organization's admin account (sr25519): signs as the member,
#                        votes in the council; keep it offline / in a hardware wallet
#         aura.json      the node's block-production key (sr25519)
#         grandpa.json   the node's finality key (ed25519)
#         node-key       the node's libp2p identity (its peer id is printed)
#       and prints the [[member]] entry for the consortium's members file. IP/P2P_PORT
#       (default 127.0.0.1 / 30333) form the boot node address; the node's peer id is its
#       one authorized node (`nodes`; add more on chain with Consortium.add_node).
#
#   scripts/consortium/keys.sh insert DIR --chain SPEC --base-path PATH
#       Puts DIR's aura and grandpa keys into the node keystore under PATH, for SPEC.
#
# Session keys can also be made on the running node (`author_rotateKeysWithOwner(<admin
# account>)`, which also returns the ownership proof) and registered with
# `Session.set_keys(keys, proof)`; this script is for the founding members named in the genesis.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
NODE="${MEDCHAIN_NODE}"
die() { echo "[keys] $*" >&2; exit 1; }
[ -x "$NODE" ] || die "no medchain-node at $NODE (build it: cargo build --release -p medchain-node)"

field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

case "${1:-}" in
new)
	dir="${2:?usage: keys.sh new DIR [IP [P2P_PORT]]}"
	ip="${3:-127.0.0.1}"
	port="${4:-30333}"
	[ -e "$dir/admin.json" ] && die "$dir already holds keys: refusing to overwrite them"
	mkdir -p "$dir"
	chmod 700 "$dir"
	umask 077
	"$NODE" key generate --scheme sr25519 --output-type json >"$dir/admin.json"
	"$NODE" key generate --scheme sr25519 --output-type json >"$dir/aura.json"
	"$NODE" key generate --scheme ed25519 --output-type json >"$dir/grandpa.json"
	peer=$("$NODE" key generate-node-key --file "$dir/node-key" 2>&1 >/dev/null | tail -1)
	echo "$peer" >"$dir/peer-id"
	cat <<TOML
[[member]]
name = "<organization name>"
roles = ["Provider"]
admin = "$(field "$dir/admin.json" ss58Address)"
council = true
bootnode = "/ip4/$ip/tcp/$port/p2p/$peer"
nodes = ["$peer"]
[member.validator]
aura = "$(field "$dir/aura.json" ss58Address)"
grandpa = "$(field "$dir/grandpa.json" ss58Address)"
TOML
	;;
insert)
	dir="${2:?usage: keys.sh insert DIR --chain SPEC --base-path PATH}"
	shift 2
	[ -f "$dir/aura.json" ] && [ -f "$dir/grandpa.json" ] || die "$dir has no aura.json/grandpa.json"
	# The secret seeds never go on a command line (any local user reads argv in `ps` and
	# /proc/PID/cmdline): `key insert --suri FILE` reads the URI from a file ("If the value is a
	# file, the file content is used"), so each seed goes through a mode-600 file in a private
	# temporary directory, removed on exit.
	umask 077
	secrets=$(mktemp -d -t medchain-keys-XXXXXX)
	trap 'rm -rf "$secrets"' EXIT
	field "$dir/aura.json" secretSeed >"$secrets/aura"
	field "$dir/grandpa.json" secretSeed >"$secrets/gran"
	"$NODE" key insert "$@" --scheme sr25519 --key-type aura --suri "$secrets/aura"
	"$NODE" key insert "$@" --scheme ed25519 --key-type gran --suri "$secrets/gran"
	echo "[keys] aura and grandpa keys of $dir inserted" >&2
	;;
*)
	sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac
