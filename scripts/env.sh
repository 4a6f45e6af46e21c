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
