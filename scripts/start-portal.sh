#!/usr/bin/env bash
# The portal (portal/): build it and serve it against a dev node, with demo data.
#
#   scripts/start-portal.sh                      # a fresh dev node on free loopback ports, the three
#                                                # hospitals' record gateways (https), demo data
#   scripts/start-portal.sh ws://127.0.0.1:9944  # a node already running (scripts/start-dev.sh):
#                                                # no demo data, no gateways (GATEWAYS=1 starts them)
#
# Builds the node and the gateway first if either is missing (as start-dev.sh does). PORT=
# chooses the web port, SEED=0 skips the demo data, GATEWAYS=0 starts no gateways; it prints
# the portal's address, the development CA and the chromium command line that trusts the
# gateways. Ctrl-C stops everything it started. See portal/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
if [ $# -eq 0 ] && { [ ! -x "$MEDCHAIN_NODE" ] || [ ! -x "$(dirname "$MEDCHAIN_NODE")/medchain-gateway" ]; }; then
	echo "[portal] building the node (cargo build --release -p medchain-node -p medchain-gateway)"
	cargo build --release -p medchain-node -p medchain-gateway
fi
exec portal/serve.sh "$@"
