//! Chain specifications. Genesis content comes from the runtime's presets
//! (`runtime/src/genesis_config_presets.rs`); nothing here builds genesis itself.

use medchain_runtime::WASM_BINARY;
use sc_service::ChainType;

/// A MedChain chain specification.
pub type ChainSpec = sc_service::GenericChainSpec;

fn properties() -> sc_service::Properties {
	let mut properties = sc_service::Properties::new();
	properties.insert("tokenSymbol".into(), "MED".into());
	properties.insert("tokenDecimals".into(), 12.into());
	properties.insert("ss58Format".into(), medchain_runtime::configs::MEDCHAIN_SS58_PREFIX.into());
	properties
}

fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"The MedChain runtime wasm is missing: this node was built with SKIP_WASM_BUILD. \
		 Rebuild without it."
			.to_string()
	})
}

/// `--dev`: one validator (Alice), the demo consortium, temporary state.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("MedChain Development")
		.with_id("medchain_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// `--chain local-consortium`: the local testnet with the runtime a consortium runs, which
/// has no Sudo (`runtime/consortium`): the council governs, Root calls wait out the time lock.
/// `scripts/consortium/chain-spec.py` takes its code for a consortium's chain spec.
pub fn local_consortium_chain_spec() -> Result<ChainSpec, String> {
	let wasm = medchain_runtime_consortium::WASM_BINARY.ok_or_else(|| {
		"The consortium runtime's wasm is missing: this node was built with SKIP_WASM_BUILD. \
		 Rebuild without it."
			.to_string()
	})?;
	Ok(ChainSpec::builder(wasm, None)
		.with_name("MedChain Local Consortium")
		.with_id("medchain_local_consortium")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// `--chain local`: three validators (Alice, Bob, Charlie) on one machine.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("MedChain Local Testnet")
		.with_id("medchain_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}
