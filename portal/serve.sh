#!/usr/bin/env bash
# One command: build the portal and serve it against a dev node.
#   portal/serve.sh                      start a fresh dev node (free loopback ports) and serve
#   portal/serve.sh ws://127.0.0.1:9944  serve against a node that is already running
# PORT=5173 chooses the web port (default: 5173 or the next free one). Ctrl-C stops
# everything this script started.
set -euo pipefail
cd "$(dirname "$0")"
RPC="${1:-}"
NODE_PID=""
cleanup() {
  trap - INT TERM EXIT
  if [ -n "${WEB_PID:-}" ]; then kill "$WEB_PID" 2>/dev/null || true; wait "$WEB_PID" 2>/dev/null || true; fi
  if [ -n "$NODE_PID" ]; then kill "$NODE_PID" 2>/dev/null || true; wait "$NODE_PID" 2>/dev/null || true; fi
}
trap cleanup INT TERM EXIT

[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
npm run build --silent

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

if [ -z "$RPC" ]; then
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
  if [ "${SEED:-1}" = 1 ]; then
    echo "seeding demo data (a patient, two batches, a recall) ..."
    node test/seed-cli.js "$RPC" || echo "seeding failed; the portal still works on the bare dev chain" >&2
  fi
fi

WEB_PORT="${PORT:-5173}"
echo
echo "MedChain portal: http://127.0.0.1:$WEB_PORT/?rpc=$RPC"
echo "(Ctrl-C stops the web server${NODE_PID:+ and the dev node})"
node node_modules/vite/bin/vite.js preview --host 127.0.0.1 --port "$WEB_PORT" --strictPort &
WEB_PID=$!
wait "$WEB_PID"
