# Shared environment for MedChain's scripts: source it, don't run it.
#
# One target directory serves the work tree, the test command and CI, so the ~1,000
# dependency crates compile once per machine. Override CARGO_TARGET_DIR to use another.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/medchain/target}"
export MEDCHAIN_NODE="${MEDCHAIN_NODE:-$CARGO_TARGET_DIR/release/medchain-node}"
# Less noise from the wasm builder; the runtime is still built.
export WASM_BUILD_NO_COLOR=1
# The runtime's wasm must be built for a runnable node; never inherit a skip from the shell.
unset SKIP_WASM_BUILD

# Lints during the real build: clippy-driver compiles the workspace's own crates
# (cargo applies RUSTC_WORKSPACE_WRAPPER to workspace members only, never to dependencies or
# to the wasm builder's nested build of the runtime), so its lints run while they are built,
# not in a second `cargo clippy` pass. start-dev.sh and test.sh both set it, so test.sh reuses
# start-dev.sh's build (cargo fingerprints the wrapper: a build without it recompiles the
# workspace's crates, not their dependencies). A crate's `deny`s fail the build; the
# workspace's `clippy::all = warn` prints warnings. MEDCHAIN_NO_CLIPPY=1 builds with plain
# rustc (and so recompiles the workspace's crates once).
if [ -z "${MEDCHAIN_NO_CLIPPY:-}" ]; then
	if medchain_clippy_driver=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && rustup which clippy-driver 2>/dev/null); then
		export RUSTC_WORKSPACE_WRAPPER="$medchain_clippy_driver"
	fi
	unset medchain_clippy_driver
fi

# Host linking with mold (.cargo/config.toml passes -fuse-ld=mold). GCC before 12.1 (Ubuntu
# 22.04's GCC 11) does not know -fuse-ld=mold; mold's package then provides its own `ld` in
# /usr/libexec/mold, which `-B` puts first. MEDCHAIN_LINKER says which one works (empty: none).
medchain_probe_linker() {
	local dir ok=""
	command -v cc >/dev/null 2>&1 && command -v mold >/dev/null 2>&1 || return 0
	dir=$(mktemp -d)
	printf 'int main(void){return 0;}\n' >"$dir/t.c"
	if cc -fuse-ld=mold "$dir/t.c" -o "$dir/t" 2>/dev/null; then
		ok="-fuse-ld=mold"
	elif [ -x /usr/libexec/mold/ld ] && cc -B/usr/libexec/mold "$dir/t.c" -o "$dir/t" 2>/dev/null; then
		ok="-B/usr/libexec/mold"
		export CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C link-arg=-B/usr/libexec/mold"
	fi
	rm -rf "$dir"
	export MEDCHAIN_LINKER="$ok"
}
medchain_probe_linker
