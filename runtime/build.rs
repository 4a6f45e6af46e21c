//! Builds the runtime's wasm blob (embedded in the node and put in genesis as `:code`).
//! `SKIP_WASM_BUILD=1` skips it, for pallet and runtime unit tests that run natively.
//! With the `metadata-hash` feature the runtime's metadata hash is compiled in, so that
//! `CheckMetadataHash` lets a wallet verify the metadata it decodes a transaction with.

fn main() {
	#[cfg(all(feature = "std", feature = "metadata-hash"))]
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_metadata_hash("MED", 12)
		.build();
	#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}
