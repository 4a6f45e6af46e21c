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
