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

/// Link `wbuild/medchain-runtime-upgrade-test/target` to `wbuild/medchain-runtime/target`.
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
