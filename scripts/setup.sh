#!/usr/bin/env bash
# Installs what building and testing MedChain needs, idempotently: the Rust wasm target and
# rust-src (for the runtime), protoc (libp2p's protobuf build), mold (fast linking, used by
# .cargo/config.toml), and checks for Node.js + npm (the end-to-end tests).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*"; }

# Rust: the toolchain named by rust-toolchain.toml, with the wasm target and rust-src.
if ! command -v rustup >/dev/null 2>&1; then
	log "rustup is required (https://rustup.rs); install it and run again." >&2
	exit 1
fi
installed_targets=$(rustup target list --installed)
# wasm32v1-none is what substrate-wasm-builder prefers (no build-std, so a faster runtime
# build); wasm32-unknown-unknown is its fallback.
for target in wasm32v1-none wasm32-unknown-unknown; do
	if ! grep -qx "$target" <<<"$installed_targets"; then
		log "installing the $target target"
		rustup target add "$target"
	fi
done
if ! rustup component list --installed | grep -q '^rust-src'; then
	log "installing rust-src"
	rustup component add rust-src
fi

# System packages from Debian/Ubuntu.
need_pkgs=()
command -v protoc >/dev/null 2>&1 || need_pkgs+=(protobuf-compiler)
command -v mold >/dev/null 2>&1 || need_pkgs+=(mold)
command -v node >/dev/null 2>&1 || need_pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || need_pkgs+=(npm)
if ((${#need_pkgs[@]})); then
	if ! command -v apt-get >/dev/null 2>&1; then
		log "missing ${need_pkgs[*]} and no apt-get here: install them by hand." >&2
		exit 1
	fi
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO="sudo"
	log "installing ${need_pkgs[*]}"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
	log "Node.js >= 20 is needed (the client tooling uses the global Web Crypto API; the suites use node:test) (found $(node --version))." >&2
	exit 1
fi
log "ready: $(rustc --version), protoc $(protoc --version | cut -d' ' -f2), node $(node --version)"
