//! The MedChain runtime one `spec_version` later, for the runtime-upgrade network test
//! (tests/network/consortium.zndsl): a running consortium chain is upgraded to this blob
//! through a council motion.
//!
//! The blob is at [`WASM_BINARY_PATH`] (under the target directory's `wbuild/`); the node
//! never embeds it.

#![cfg_attr(not(feature = "std"), no_std)]

#[cfg(target_arch = "wasm32")]
pub use medchain_runtime::*;

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

#[cfg(test)]
#[cfg(feature = "std")]
mod tests {
	use sc_executor_common::runtime_blob::RuntimeBlob;
	use sp_version::RuntimeVersion;

	/// The version a blob declares, with its APIs in a canonical order (the embedded section
	/// and the `VERSION` constant list them in different orders).
	fn version_of(wasm: &[u8]) -> RuntimeVersion {
		let blob = RuntimeBlob::uncompress_if_needed(wasm).expect("a wasm blob");
		let version = sc_executor::read_embedded_version(&blob)
			.expect("a readable runtime_version section")
			.expect("a runtime_version section");
		canonical(version)
	}

	fn canonical(mut version: RuntimeVersion) -> RuntimeVersion {
		let mut apis = version.apis.to_vec();
		apis.sort();
		version.apis = apis.into();
		version
	}

	/// The upgrade blob is the node's runtime but for `spec_version` + 1: same name, same
	/// APIs, same transaction version.
	#[test]
	fn blob_is_the_runtime_one_spec_version_later() {
		let (Some(next), Some(current)) = (super::WASM_BINARY, medchain_runtime::WASM_BINARY)
		else {
			eprintln!("SKIP_WASM_BUILD is set: no wasm blob to check");
			return;
		};
		let (next, current) = (version_of(next), version_of(current));
		assert_eq!(current, canonical(medchain_runtime::VERSION));
		assert_eq!(next.spec_version, current.spec_version + 1);
		let mut same = next.clone();
		same.spec_version = current.spec_version;
		assert_eq!(same, current);
	}
}
