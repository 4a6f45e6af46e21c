//! Builds `medchain_runtime_upgrade_test.compact.compressed.wasm`: the MedChain runtime
//! compiled with its `next-spec-version` feature. `SKIP_WASM_BUILD=1` skips it.
//!
//! The wasm builder gives every blob project its own cargo target directory
//! (`wbuild/<crate>/target`), so a second blob of the runtime would compile every FRAME
//! crate for wasm a second time (6.5 min cold on a 2-core machine). This blob's
//! dependencies are the node runtime's, with the same features and flags, so its target
//! directory is made a link to the runtime's: only the runtime crate itself (with the extra
//! feature) and the final link are compiled again. If the link cannot be made, the build
//! still works, from cold.

fn main() {
	#[cfg(feature = "std")]
	{
		share_runtime_wasm_target_dir();
		substrate_wasm_builder::WasmBuilder::build_using_defaults();
	}
}

include!("../share-wasm-target.rs");
