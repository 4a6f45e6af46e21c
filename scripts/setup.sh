#!/usr/bin/env bash
# Installs what building and testing MedChain needs, idempotently, and says plainly what is
# missing where it cannot install it:
#
#   - the Rust toolchain pinned in rust-toolchain.toml, with the wasm targets and rust-src
#     (the runtime is compiled to wasm);
#   - a C toolchain: cc/c++, make and perl build the C parts of some crates (e.g. zstd,
#     secp256k1, ring's assembly);
#   - protoc (libp2p's protobuf build) and mold (fast host linking, .cargo/config.toml);
#   - Node.js >= 20 with npm (the JS client tooling and the end-to-end tests).
#
# Supported platforms (tested: Debian 12): Debian 12/13 and Ubuntu 22.04/24.04 on x86_64,
# where missing packages come from apt (as root, or with sudo). Elsewhere it checks and
# lists what to install by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*"; }
die() {
	printf '[setup] %s\n' "$@" >&2
	exit 1
}

# --- Platform ---------------------------------------------------------------------------
os_id=unknown os_version=unknown
if [ -r /etc/os-release ]; then
	# shellcheck disable=SC1091
	os_id=$(. /etc/os-release && echo "${ID:-unknown}")
	os_version=$(. /etc/os-release && echo "${VERSION_ID:-unknown}")
fi
case "$os_id $os_version" in
"debian 12" | "debian 13" | "ubuntu 22.04" | "ubuntu 24.04") supported=1 ;;
*) supported=0 ;;
esac
arch=$(uname -m)
if [ "$supported" = 0 ] || [ "$arch" != x86_64 ]; then
	log "note: $os_id $os_version on $arch is not a tested platform (tested: Debian 12/13," \
		"Ubuntu 22.04/24.04 on x86_64); continuing, but packages may differ."
fi

# Debian/Ubuntu package that provides each missing command.
declare -A PKG=(
	[cc]=build-essential [c++]=build-essential [make]=build-essential [perl]=perl
	[protoc]=protobuf-compiler [mold]=mold [node]=nodejs [npm]=npm
	# The portal's browser tests (portal/run-tests.sh) drive Debian's chromium headless.
	[chromium]=chromium
	# The gateway's e2e test runs the README's curl fetch; scripts/start-gateways.sh polls with
	# curl; the gateway's load benchmark (tests/bench/gateway-load.js) drives wrk.
	[curl]=curl [wrk]=wrk
	# scripts/dev-certs.sh makes the development CA and the gateways' TLS certificates (the
	# gateway's TLS tests use it too).
	[openssl]=openssl
	[pkg-config]=pkg-config [lib:openssl]=libssl-dev [lib:sqlite3]=libsqlite3-dev
	# The ops suite (tests/ops): `systemd-analyze verify` checks deploy/systemd's units; nginx
	# with its njs module runs deploy/nginx's TLS reverse proxy for the node's RPC.
	[systemd-analyze]=systemd [nginx]=nginx-light [lib:njs]=libnginx-mod-http-js
)
missing=()
for cmd in cc c++ make perl protoc mold node npm chromium curl wrk openssl pkg-config systemd-analyze; do
	command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
# nginx is in /usr/sbin, not on every user's PATH; its njs module is a file.
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
[ -e /usr/lib/nginx/modules/ngx_http_js_module.so ] || missing+=(lib:njs)
# Libraries the build links from the system rather than compiling from C: OpenSSL
# (libp2p's WebRTC transport; .cargo/config.toml sets OPENSSL_NO_VENDOR) and SQLite (the
# record gateway's store).
for lib in openssl sqlite3; do
	command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$lib" 2>/dev/null || missing+=("lib:$lib")
done
if ((${#missing[@]})); then
	pkgs=()
	for cmd in "${missing[@]}"; do
		pkg=${PKG[$cmd]}
		[[ " ${pkgs[*]} " == *" $pkg "* ]] || pkgs+=("$pkg")
	done
	SUDO=""
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
			SUDO="sudo"
		else
			SUDO="none"
		fi
	fi
	if ! command -v apt-get >/dev/null 2>&1 || [ "$SUDO" = none ]; then
		die "missing: ${missing[*]}." \
			"Install by hand (Debian/Ubuntu package names: ${pkgs[*]}; on other systems: a C" \
			"compiler with make, perl, protobuf's protoc, mold, Node.js >= 20 with npm," \
			"chromium for the portal's browser tests, curl, wrk, pkg-config, the development" \
			"files of OpenSSL and SQLite, systemd-analyze, nginx with its njs module)," \
			"then run this again."
	fi
	# A CJK font, so that the portal's zh-CN pages render (and its screenshots show text).
	[[ " ${pkgs[*]} " == *" chromium "* ]] && pkgs+=(fonts-wqy-microhei)
	log "installing ${pkgs[*]} (apt)"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${pkgs[@]}" >/dev/null
	# nginx is a test tool here (tests/ops runs its own on loopback): the service Debian
	# starts on port 80 when it installs nginx is stopped and disabled again.
	if [[ " ${pkgs[*]} " == *" nginx-light "* ]] && [ -d /run/systemd/system ]; then
		$SUDO systemctl disable --now nginx >/dev/null 2>&1 || true
	fi
fi

# The researchers' Python package (clients/python) runs in a venv: Python >= 3.11 (also for
# scripts/consortium's tomllib) with the venv module, which Debian ships separately.
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null ||
	die "Python >= 3.11 is needed (python3 is $(python3 --version 2>&1))"
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
	pkg="python3-venv"
	if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null; }; then
		log "installing $pkg (apt)"
		$([ "$(id -u)" -eq 0 ] || echo sudo) apt-get install -y -qq "$pkg" >/dev/null
	else
		die "python3's venv module is missing: install $pkg (Debian/Ubuntu) and run this again"
	fi
fi

# mold must also work with this cc (env.sh picks `-fuse-ld=mold`, or mold's own `ld` for
# GCC < 12.1 as on Ubuntu 22.04).
# shellcheck source=env.sh
source scripts/env.sh
[ -n "${MEDCHAIN_LINKER:-}" ] ||
	die "cc cannot link with mold (neither -fuse-ld=mold nor -B/usr/libexec/mold works): install" \
		"GCC >= 12.1 or clang, or mold's package with /usr/libexec/mold/ld."

# --- Rust -------------------------------------------------------------------------------
# The pinned toolchain is the version every test ran with. rustup installs it on first use;
# a machine that cannot download it but whose `stable` toolchain is that very version links
# `stable` under the pinned name instead of failing.
command -v rustup >/dev/null 2>&1 ||
	die "rustup is required (https://rustup.rs): install it and run this again."
pinned=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
if ! rustup toolchain list | grep -q "^$pinned-"; then
	log "installing Rust $pinned (rust-toolchain.toml)"
	if ! rustup toolchain install "$pinned" --profile minimal \
		--component rustfmt,clippy,rust-src --target wasm32v1-none,wasm32-unknown-unknown 2>/dev/null; then
		stable_version=$(rustc +stable --version 2>/dev/null | cut -d' ' -f2 || true)
		if [ "$stable_version" = "$pinned" ]; then
			log "no download possible; the installed stable toolchain is $pinned: linking it"
			rustup toolchain link "$pinned" "$(rustc +stable --print sysroot)"
		else
			die "cannot install Rust $pinned (rust-toolchain.toml), and the installed stable is" \
				"${stable_version:-absent}. Install it: rustup toolchain install $pinned"
		fi
	fi
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
installed_components=$(rustup component list --installed)
for component in rust-src rustfmt clippy; do
	if ! grep -q "^$component" <<<"$installed_components"; then
		log "installing $component"
		rustup component add "$component"
	fi
done
rust_version=$(rustc --version | cut -d' ' -f2)
[ "$rust_version" = "$pinned" ] ||
	die "rustc here is $rust_version, rust-toolchain.toml pins $pinned (is RUSTUP_TOOLCHAIN set?)"

# --- Node.js ----------------------------------------------------------------------------
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
	die "Node.js >= 20 is needed (found $(node --version)): the client uses the global Web" \
		"Crypto API and the suites node:test with glob patterns. Tested: Node 20 and 22."
fi

log "ready: $os_id $os_version $arch, rustc $rust_version, $(cc --version | head -1)," \
	"protoc $(protoc --version | cut -d' ' -f2), mold $(mold --version | cut -d' ' -f2) ($MEDCHAIN_LINKER)," \
	"node $(node --version)"
