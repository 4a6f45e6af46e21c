#!/usr/bin/env bash
# A local certificate authority and one TLS certificate per record gateway, for development
# and tests only (gateway/README.md, "TLS and browsers").
#
#   scripts/dev-certs.sh [NAME ...]        # default names: st-marys riverbend lakeside
#
# Writes into $MEDCHAIN_DEV_CERTS (default ~/.cache/medchain/dev-certs):
#   ca.pem, ca.key             the development CA (10 years); trust ca.pem in a browser or a
#                              client (curl --cacert, NODE_EXTRA_CA_CERTS) to reach the gateways
#   NAME.pem, NAME.key         NAME's certificate (chain: leaf then CA) and key, SAN 127.0.0.1
#                              and localhost, signed by the CA (825 days: what browsers accept)
#
# Idempotent: an existing CA is kept; a certificate is made again only when it is missing,
# not signed by this CA, expires within 30 days, or lacks its SANs. Prints the CA's path
# last. Needs the openssl command (scripts/setup.sh installs it). Never use these in
# production: the CA's key sits unencrypted beside it.
set -euo pipefail
dir="${MEDCHAIN_DEV_CERTS:-$HOME/.cache/medchain/dev-certs}"
[ $# -ge 1 ] || set -- st-marys riverbend lakeside
command -v openssl >/dev/null || { echo "[dev-certs] openssl is missing (scripts/setup.sh installs it)" >&2; exit 1; }
mkdir -p "$dir"
chmod 700 "$dir"
cd "$dir"
umask 077
# One writer at a time (suites running side by side may ask for the same directory).
exec 9>.lock
flock 9

if [ ! -s ca.pem ] || [ ! -s ca.key ] || ! openssl x509 -in ca.pem -noout -checkend 2592000 >/dev/null 2>&1; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 -days 3650 \
		-keyout ca.key.tmp -out ca.pem.tmp -subj "/O=MedChain development/CN=MedChain development CA" \
		-addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
	mv ca.key.tmp ca.key
	mv ca.pem.tmp ca.pem
	echo "[dev-certs] made a development CA: $dir/ca.pem" >&2
fi
chmod 644 ca.pem

for name in "$@"; do
	case "$name" in
	*[!A-Za-z0-9_.-]* | "" | .*) echo "[dev-certs] not a usable name: '$name'" >&2; exit 1 ;;
	esac
	if [ -s "$name.pem" ] && [ -s "$name.key" ] \
		&& openssl verify -CAfile ca.pem "$name.pem" >/dev/null 2>&1 \
		&& openssl x509 -in "$name.pem" -noout -checkend 2592000 >/dev/null 2>&1 \
		&& openssl x509 -in "$name.pem" -noout -ext subjectAltName 2>/dev/null | grep -q 'IP Address:127.0.0.1'; then
		continue
	fi
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 \
		-keyout "$name.key.tmp" -out "$name.csr" -subj "/O=MedChain development/CN=$name" 2>/dev/null
	printf '%s\n' \
		"basicConstraints=critical,CA:FALSE" \
		"keyUsage=critical,digitalSignature" \
		"extendedKeyUsage=serverAuth" \
		"subjectAltName=IP:127.0.0.1,DNS:localhost" >"$name.ext"
	openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days 825 \
		-extfile "$name.ext" -out "$name.leaf.tmp" 2>/dev/null
	cat "$name.leaf.tmp" ca.pem >"$name.pem"
	mv "$name.key.tmp" "$name.key"
	rm -f "$name.csr" "$name.ext" "$name.leaf.tmp"
	chmod 644 "$name.pem"
	echo "[dev-certs] made $dir/$name.pem (SAN 127.0.0.1, localhost)" >&2
done
echo "$dir/ca.pem"
