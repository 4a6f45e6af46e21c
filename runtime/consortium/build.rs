//! Builds `medchain_runtime_consortium.compact.compressed.wasm`: the MedChain runtime compiled
//! with its `consortium` feature (no Sudo pallet). `SKIP_WASM_BUILD=1` skips it.
//!
//! As runtime/upgrade-test's build script: this blob's target directory is a link to the
//! runtime's own, so only the runtime crate (with the feature) and the final link are
//! compiled again, not every FRAME crate. If the link cannot be made, it builds from cold.

fn main() {
	#[cfg(feature = "std")]
	{
		share_runtime_wasm_target_dir();
		#[cfg(feature = "metadata-hash")]
		substrate_wasm_builder::WasmBuilder::init_with_defaults()
			.enable_metadata_hash("MED", 12)
			.build();
		#[cfg(not(feature = "metadata-hash"))]
		substrate_wasm_builder::WasmBuilder::build_using_defaults();
	}
}

include!("../share-wasm-target.rs");
