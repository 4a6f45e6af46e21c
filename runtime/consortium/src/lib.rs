//! The MedChain runtime a consortium runs: the runtime compiled with its `consortium` feature,
//! which leaves out the Sudo pallet, so that on a consortium chain no single
//! key can ever act as Root: only the council can, through `Governance.dispatch_as_root` and
//! its time lock. Development and local chains (`--dev`, `--chain local`) keep Sudo.
//!
//! The blob is [`WASM_BINARY`]; the node embeds it for `--chain local-consortium`, and
//! `scripts/consortium/chain-spec.py` puts it in every consortium chain spec.

#![cfg_attr(not(feature = "std"), no_std)]

#[cfg(target_arch = "wasm32")]
pub use medchain_runtime::*;

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

#[cfg(test)]
#[cfg(feature = "std")]
mod tests {
	use codec::{Decode, Encode};
	use frame_metadata::{RuntimeMetadata, RuntimeMetadataPrefixed};
	use sc_executor_common::runtime_blob::RuntimeBlob;

	/// Call `function` of the blob `wasm` with SCALE-encoded `args`, on empty state.
	fn call(wasm: &[u8], function: &str, args: &[u8]) -> Vec<u8> {
		let executor =
			sc_executor::WasmExecutor::<sp_io::SubstrateHostFunctions>::builder().build();
		let blob = RuntimeBlob::uncompress_if_needed(wasm).expect("a wasm blob");
		let mut state = sp_io::TestExternalities::default();
		let mut ext = state.ext();
		executor.uncached_call(blob, &mut ext, false, function, args).expect(function)
	}

	/// The names of the pallets in a blob's metadata.
	fn pallets(wasm: &[u8]) -> Vec<String> {
		let opaque: Vec<u8> =
			Decode::decode(&mut &call(wasm, "Metadata_metadata", &[])[..]).expect("metadata");
		let prefixed = RuntimeMetadataPrefixed::decode(&mut &opaque[..]).expect("metadata");
		match prefixed.1 {
			RuntimeMetadata::V14(m) => m.pallets.into_iter().map(|p| p.name).collect(),
			other => panic!("unexpected metadata version {}", other.version()),
		}
	}

	/// Both blobs, or `None` when `SKIP_WASM_BUILD` skipped them.
	fn blobs() -> Option<(&'static [u8], &'static [u8])> {
		match (super::WASM_BINARY, medchain_runtime::WASM_BINARY) {
			(Some(consortium), Some(dev)) => Some((consortium, dev)),
			_ => {
				eprintln!("SKIP_WASM_BUILD is set: no wasm blob to check");
				None
			}
		}
	}

	/// The consortium's runtime has no Sudo pallet (the development runtime has it), and
	/// is otherwise the same runtime: the same pallets, the scheduler of the time lock
	/// included, and the same version.
	#[test]
	fn the_consortium_runtime_has_no_sudo() {
		let Some((consortium, dev)) = blobs() else { return };
		let (ours, theirs) = (pallets(consortium), pallets(dev));
		assert!(theirs.contains(&"Sudo".to_string()), "the dev runtime keeps Sudo: {theirs:?}");
		assert!(!ours.contains(&"Sudo".to_string()), "Sudo in the consortium runtime: {ours:?}");
		let without_sudo: Vec<_> = theirs.into_iter().filter(|p| p != "Sudo").collect();
		assert_eq!(ours, without_sudo);
		assert!(ours.contains(&"Scheduler".to_string()) && ours.contains(&"Governance".into()));
		let version = |wasm: &[u8]| {
			let v: sp_version::RuntimeVersion =
				Decode::decode(&mut &call(wasm, "Core_version", &[])[..]).expect("a version");
			(v.spec_name, v.spec_version, v.transaction_version)
		};
		assert_eq!(version(consortium), version(dev));
	}

	/// A preset (`Some(name)`) or the default config (`None`) of a blob, as JSON.
	fn preset(wasm: &[u8], name: Option<&str>) -> serde_json::Value {
		let json: Option<Vec<u8>> =
			Decode::decode(&mut &call(wasm, "GenesisBuilder_get_preset", &name.encode())[..])
				.expect("a preset");
		serde_json::from_slice(&json.expect("the preset exists")).expect("json")
	}

	/// `patch` merged into `base`, object by object (as a chain spec's patch is applied).
	fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
		match (base, patch) {
			(serde_json::Value::Object(b), serde_json::Value::Object(p)) => {
				for (k, v) in p {
					merge(b.entry(k).or_insert(serde_json::Value::Null), v);
				}
			}
			(b, p) => *b = p,
		}
	}

	/// A genesis that names a sudo key is refused by the consortium's runtime: a chain spec
	/// cannot bring Sudo back. Its own presets name none, and build without one.
	#[test]
	fn a_consortium_genesis_cannot_name_a_sudo_key() {
		let Some((consortium, dev)) = blobs() else { return };
		let local = preset(consortium, Some("local_testnet"));
		assert!(local.get("governance").is_some() && local.get("sudo").is_none(), "{local}");
		// build_state takes a whole config: the blob's default with the preset merged in.
		let build = |wasm: &[u8], sudo: bool| -> Result<(), String> {
			let mut config = preset(wasm, None);
			merge(&mut config, local.clone());
			if sudo {
				let key = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
				merge(&mut config, serde_json::json!({ "sudo": { "key": key } }));
			}
			let args = serde_json::to_vec(&config).expect("json").encode();
			Decode::decode(&mut &call(wasm, "GenesisBuilder_build_state", &args)[..])
				.expect("a result")
		};
		assert_eq!(build(consortium, false), Ok(()));
		assert_eq!(build(dev, true), Ok(()), "the dev runtime takes a sudo key");
		let refused = build(consortium, true).expect_err("a sudo key in a consortium genesis");
		assert!(refused.contains("sudo"), "{refused}");
	}
}
