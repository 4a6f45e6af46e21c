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

/// Link `wbuild/medchain-runtime-consortium/target` to `wbuild/medchain-runtime/target`.
#[cfg(feature = "std")]
fn share_runtime_wasm_target_dir() {
	use std::path::PathBuf;
	let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else { return };
	// OUT_DIR is <target>/<profile>/build/<crate>-<hash>/out; the blobs live in
	// <target>/<profile>/wbuild (the wasm builder's own rule).
	let Some(profile_dir) =
		out_dir.ancestors().find(|p| p.ends_with("build")).and_then(|p| p.parent())
	else {
		return;
	};
	let wbuild = profile_dir.join("wbuild");
	let ours = wbuild.join(env!("CARGO_PKG_NAME")).join("target");
	if ours.symlink_metadata().is_ok() {
		return; // already linked, or a directory of its own from an earlier build
	}
	let theirs = wbuild.join("medchain-runtime").join("target");
	let linked = std::fs::create_dir_all(&theirs)
		.and_then(|()| std::fs::create_dir_all(ours.parent().expect("has a parent")))
		.and_then(|()| std::os::unix::fs::symlink("../medchain-runtime/target", &ours));
	if let Err(e) = linked {
		println!(
			"cargo:warning=cannot share the runtime's wasm target dir ({e}): compiling from cold"
		);
	}
}
