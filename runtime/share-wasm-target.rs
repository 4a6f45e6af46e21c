// Included by the build scripts of runtime/upgrade-test and runtime/consortium: both build the
// runtime to wasm again with one more feature, and share the runtime's wasm target directory.

/// Link `wbuild/<this crate>/target` to `wbuild/medchain-runtime/target`.
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
