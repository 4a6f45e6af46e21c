#!/usr/bin/env bash
# Record gateways for the demo hospitals of a development chain (gateway/README.md).
#
#   scripts/start-gateways.sh                      # a fresh dev node (temporary state) + gateways
#   scripts/start-gateways.sh ws://127.0.0.1:9944  # a dev node already running (scripts/start-dev.sh)
#
# The gateways serve https with certificates of a local development CA (scripts/dev-certs.sh,
# in $MEDCHAIN_DEV_CERTS, default ~/.cache/medchain/dev-certs; made once, kept): trust the CA
# the script prints (curl --cacert, NODE_EXTRA_CA_CERTS, or a browser's authorities). Web
# pages allowed to call them (CORS): MEDCHAIN_GATEWAY_CORS_ORIGINS (comma list, e.g.
# http://127.0.0.1:8080 for the portal); none by default.
#
# St. Mary's Hospital (the dev chain's hospital, admin //Alice) gets its gateway on
# https://127.0.0.1:8801 with the gateway key //Alice//gateway. Two more hospitals are registered by
# the dev chain's sudo key so records can travel between them (a patient treated at St. Mary's
# and at a second clinic, referred to Lakeside): Lakeside General Hospital (admin //Lakeside,
# gateway key //Lakeside//gateway) on https://127.0.0.1:8802 and Riverbend Clinic (admin
# //Riverbend, gateway key //Riverbend//gateway) on https://127.0.0.1:8803. Each gateway key is
# no staff itself: each admin makes a records staff key
# (<admin>//records, funded), which appoints the gateway key its Anchor proxy and funds it (it
# pays its anchors' fees), so the key on the gateway's host can anchor records in the staff
# key's name and nothing else (`add-anchor-proxy`; the gateway runs with --acts-for). A node
# provisioned by an older version of this script, where <admin>//gateway is staff itself, is
# refused (the admin removes it from the staff first, Consortium.remove_staff). Each admin publishes
# its gateway in the chain's gateway directory (`medchain-gateway publish`,
# `Consortium.set_gateway`), so clients find them with `GatewayDirectoryApi`. Stores live under
# $MEDCHAIN_GATEWAY_DATA (default: a new temporary directory with the script's own --tmp node;
# ~/.cache/medchain/gateways/<chain genesis>/<hospital> with a node given by URL).
# Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
gateway_bin="$(dirname "$MEDCHAIN_NODE")/medchain-gateway"
ca="$(scripts/dev-certs.sh st-marys lakeside riverbend)"
certs="$(dirname "$ca")"

echo "[gateways] building the node and the gateway (cargo build --release)"
cargo build --release --locked -p medchain-node -p medchain-gateway

pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if [ $# -ge 1 ]; then
	node_ws="$1"
else
	rpc_port="${RPC_PORT:-9944}"
	log="$(mktemp -t medchain-gateways-node-XXXX.log)"
	echo "[gateways] starting a dev node on 127.0.0.1:$rpc_port (log: $log)"
	"$MEDCHAIN_NODE" --dev --tmp --rpc-port "$rpc_port" --no-telemetry >"$log" 2>&1 &
	pids+=($!)
	node_ws="ws://127.0.0.1:$rpc_port"
	for _ in $(seq 1 120); do
		if curl -s -H 'Content-Type: application/json' -d '{"id":1,"jsonrpc":"2.0","method":"system_health"}' \
			"http://127.0.0.1:$rpc_port" >/dev/null 2>&1; then break; fi
		sleep 0.5
	done
fi
genesis=$(curl -s -H 'Content-Type: application/json' \
	-d '{"id":1,"jsonrpc":"2.0","method":"chain_getBlockHash","params":[0]}' \
	"http://${node_ws#ws://}" | sed -n 's/.*"result":"0x\([0-9a-f]\{12\}\).*/\1/p')
if [ $# -ge 1 ]; then
	data_root="${MEDCHAIN_GATEWAY_DATA:-$HOME/.cache/medchain/gateways/${genesis:-unknown}}"
else
	# A fresh --tmp chain: fresh stores too (a gateway refuses a store of another chain).
	data_root="${MEDCHAIN_GATEWAY_DATA:-$(mktemp -d -t medchain-gateways-XXXX)}"
fi

"$gateway_bin" dev-register-hospital --node "$node_ws" --admin //Lakeside --name "Lakeside General Hospital"
"$gateway_bin" dev-register-hospital --node "$node_ws" --admin //Riverbend --name "Riverbend Clinic"
start_gateway() { # name admin-suri port
	local name=$1 admin=$2 port=$3
	# The staff key the gateway anchors for (in production it stays off the gateway's host),
	# and the gateway's key as its Anchor proxy.
	"$gateway_bin" add-staff --node "$node_ws" --admin-suri "$admin" --staff "$admin//records" --fund 200
	local acts_for
	acts_for=$(MEDCHAIN_STAFF_SURI="$admin//records" "$gateway_bin" add-anchor-proxy --node "$node_ws" \
		--gateway "$admin//gateway" --fund 100 | tee /dev/stderr | sed -n 's/.*--acts-for \([1-9A-HJ-NP-Za-km-z]*\).*/\1/p' | head -n 1)
	if [ -z "$acts_for" ]; then
		echo "[gateways] $name: add-anchor-proxy did not name the staff key" >&2
		exit 1
	fi
	mkdir -p "$data_root/$name" "$data_root/keys"
	chmod 700 "$data_root/keys"
	# The master key lives outside the store's directory; a key an older gateway made
	# inside it is moved out.
	if [ -f "$data_root/$name/master.key" ] && [ ! -e "$data_root/keys/$name.master.key" ]; then
		mv "$data_root/$name/master.key" "$data_root/keys/$name.master.key"
	fi
	MEDCHAIN_GATEWAY_SURI="$admin//gateway" MEDCHAIN_GATEWAY_ACTS_FOR="$acts_for" "$gateway_bin" run --node "$node_ws" \
		--listen "127.0.0.1:$port" --data-dir "$data_root/$name" \
		--master-key "$data_root/keys/$name.master.key" \
		--tls-cert "$certs/$name.pem" --tls-key "$certs/$name.key" >"$data_root/$name/gateway.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 1 60); do
		if curl -sf --cacert "$ca" "https://127.0.0.1:$port/v1/info" >/dev/null; then
			echo "[gateways] $name: https://127.0.0.1:$port (store $data_root/$name, log $data_root/$name/gateway.log)"
			"$gateway_bin" publish --node "$node_ws" --admin-suri "$admin" --cacert "$ca" \
				--endpoint "https://127.0.0.1:$port" --signer "$admin//gateway"
			return 0
		fi
		sleep 0.5
	done
	echo "[gateways] $name did not start; see $data_root/$name/gateway.log" >&2
	exit 1
}
start_gateway st-marys //Alice 8801
start_gateway lakeside //Lakeside 8802
start_gateway riverbend //Riverbend 8803
echo "[gateways] node $node_ws; development CA (trust it to reach the gateways): $ca"
echo "[gateways] web pages allowed (CORS): ${MEDCHAIN_GATEWAY_CORS_ORIGINS:-none}. Ctrl-C stops what this script started. Try:"
echo "  curl -s --cacert $ca https://127.0.0.1:8801/v1/info"
wait
