#!/usr/bin/env bash
# One command: build the portal and serve it against a dev node.
#   portal/serve.sh                      start a fresh dev node (free loopback ports), the three
#                                        hospitals' record gateways over https, seed demo data, serve
#   portal/serve.sh ws://127.0.0.1:9944  serve against a node that is already running: no demo
#                                        data and no gateways (GATEWAYS=1 starts them beside it)
# PORT=5173 chooses the web port (default: 5173 or the next free one). SEED=0 skips the demo
# data (the gateways still start, with no documents); GATEWAYS=0 starts no gateways. Ctrl-C
# stops everything this script started.
#
# The gateways (test/hospitals.js, run by test/seed-cli.js --gateways): St. Mary's Hospital,
# Lakeside General Hospital and Riverbend Clinic, on free loopback ports, https with
# certificates of the development CA (scripts/dev-certs.sh, kept in $MEDCHAIN_DEV_CERTS or
# ~/.cache/medchain/dev-certs), answering the portal's origin (CORS), published in the chain's
# gateway directory. Demo data: test/lib.js's seed() and 20 documents of demo patient 1's
# history at St. Mary's and Riverbend. The script prints how to make a browser trust the
# gateways (a chromium command line, or the CA to import).
set -euo pipefail
cd "$(dirname "$0")"
RPC="${1:-}"
if [ -z "$RPC" ]; then GATEWAYS="${GATEWAYS:-1}"; else GATEWAYS="${GATEWAYS:-0}"; fi
NODE_PID=""
WEB_PID=""
HELPER_PID=""
GW_DIR=""
cleanup() {
  trap - INT TERM EXIT
  # The web server, then the gateways (their helper stops them: SIGINT, SIGKILL after 5 s),
  # then the node they talk to.
  for pid in "$WEB_PID" "$HELPER_PID" "$NODE_PID"; do
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  if [ -n "$GW_DIR" ]; then rm -rf "$GW_DIR"; fi
}
trap cleanup INT TERM EXIT

[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
npm run build:dev --silent # a development build: ?rpc= and the dev keys (README "Security")

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
port_is_free() { node -e 'const s=require("net").createServer();s.once("error",()=>process.exit(1));s.listen(+process.argv[1],"127.0.0.1",()=>s.close())' "$1"; }

# The web port is chosen first: the gateways must know the portal's origin (CORS).
if [ -n "${PORT:-}" ]; then
  WEB_PORT="$PORT"
else
  WEB_PORT=5173
  while ! port_is_free "$WEB_PORT"; do
    WEB_PORT=$((WEB_PORT + 1))
    if [ "$WEB_PORT" -gt 5199 ]; then WEB_PORT=$(free_port); break; fi
  done
fi

FRESH=0
if [ -z "$RPC" ]; then
  FRESH=1
  BIN="${MEDCHAIN_NODE:-${CARGO_TARGET_DIR:-$HOME/.cache/medchain/target}/release/medchain-node}"
  [ -x "$BIN" ] || { echo "medchain-node not found at $BIN (set MEDCHAIN_NODE)" >&2; exit 1; }
  P_RPC=$(free_port); P_P2P=$(free_port); P_PROM=$(free_port)
  LOG="${TMPDIR:-/tmp}/medchain-portal-dev-node.$$.log"
  "$BIN" --dev --tmp --rpc-port "$P_RPC" --port "$P_P2P" --prometheus-port "$P_PROM" --no-telemetry --no-mdns >"$LOG" 2>&1 &
  NODE_PID=$!
  RPC="ws://127.0.0.1:$P_RPC"
  echo "dev node: $RPC (pid $NODE_PID, log $LOG)"
  for _ in $(seq 1 60); do
    (echo >/dev/tcp/127.0.0.1/"$P_RPC") 2>/dev/null && break
    sleep 0.5
  done
fi
PORTAL_URL="http://127.0.0.1:$WEB_PORT/?rpc=$RPC"

if [ "$GATEWAYS" = 1 ]; then
  # A helper process seeds (fresh node, unless SEED=0), starts the gateways, seeds the demo
  # history, prints how to trust the gateways, writes $GW_DIR/ready.txt, and then holds the
  # gateways (its children) until it is stopped.
  GW_DIR=$(mktemp -d "${TMPDIR:-/tmp}/medchain-portal-gateways.XXXXXX")
  args=(test/seed-cli.js "$RPC" --gateways --data-dir "$GW_DIR" --ready "$GW_DIR/ready.txt" --portal-url "$PORTAL_URL"
    --cors-origin "http://127.0.0.1:$WEB_PORT" --cors-origin "http://localhost:$WEB_PORT")
  if [ "$FRESH" = 1 ] && [ "${SEED:-1}" = 1 ]; then
    echo "seeding demo data (a patient, two batches, a recall), then the gateways and a demo history ..."
  else
    args+=(--no-seed)
  fi
  node "${args[@]}" &
  HELPER_PID=$!
  until [ -s "$GW_DIR/ready.txt" ]; do
    if ! kill -0 "$HELPER_PID" 2>/dev/null; then
      wait "$HELPER_PID" 2>/dev/null || true
      HELPER_PID=""
      echo "the gateways did not start (see above); the portal still works without them" >&2
      break
    fi
    sleep 0.5
  done
elif [ "$FRESH" = 1 ] && [ "${SEED:-1}" = 1 ]; then
  echo "seeding demo data (a patient, two batches, a recall) ..."
  node test/seed-cli.js "$RPC" || echo "seeding failed; the portal still works on the bare dev chain" >&2
fi
if [ "$FRESH" = 0 ] && [ "$GATEWAYS" != 1 ]; then
  echo "(a given node: no demo data and no record gateways; GATEWAYS=1 starts the three hospitals' gateways beside it)"
fi

echo
echo "MedChain portal: $PORTAL_URL"
echo "(Ctrl-C stops the web server${HELPER_PID:+, the record gateways}${NODE_PID:+ and the dev node})"
node node_modules/vite/bin/vite.js preview --host 127.0.0.1 --port "$WEB_PORT" --strictPort &
WEB_PID=$!
wait "$WEB_PID"
