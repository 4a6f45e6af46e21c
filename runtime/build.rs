//! Builds the runtime's wasm blob (embedded in the node and put in genesis as `:code`).
//! `SKIP_WASM_BUILD=1` skips it, for pallet and runtime unit tests that run natively.

fn main() {
	#[cfg(feature = "std")]
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}
