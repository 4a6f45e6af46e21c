//! Tests of the `medchain-node` binary's command line: chain specs come from the runtime's
//! genesis presets and carry the demo consortium.
//!
//! These tests also make `cargo test --release` build the node binary itself, which the
//! end-to-end tests (tests/e2e) then start.

use std::process::Command;

fn node() -> Command {
	Command::new(env!("CARGO_BIN_EXE_medchain-node"))
}

fn chain_spec(chain: &str) -> serde_json::Value {
	let output =
		node().args(["export-chain-spec", "--chain", chain]).output().expect("medchain-node runs");
	assert!(
		output.status.success(),
		"export-chain-spec --chain {chain} failed: {}",
		String::from_utf8_lossy(&output.stderr)
	);
	serde_json::from_slice(&output.stdout).expect("the chain spec is JSON")
}

/// The genesis patch of a chain spec exported from a preset.
fn genesis_patch(spec: &serde_json::Value) -> &serde_json::Value {
	&spec["genesis"]["runtimeGenesis"]["patch"]
}

#[test]
fn version_names_the_node() {
	let output = node().arg("--version").output().expect("medchain-node runs");
	assert!(output.status.success());
	let text = String::from_utf8_lossy(&output.stdout);
	assert!(text.starts_with("medchain-node "), "unexpected version line: {text}");
}

#[test]
fn dev_spec_has_one_validator_and_the_demo_consortium() {
	let spec = chain_spec("dev");
	assert_eq!(spec["id"], "medchain_dev");
	assert_eq!(spec["properties"]["tokenSymbol"], "MED");
	let patch = genesis_patch(&spec);
	// Validators are organizations' nodes: session keys, not Aura/GRANDPA genesis lists.
	assert_eq!(patch["session"]["keys"].as_array().map(Vec::len), Some(1));
	assert_eq!(patch["governance"]["validators"].as_array().map(Vec::len), Some(1));
	assert!(patch["aura"].is_null() && patch["grandpa"].is_null());
	assert!(patch["sudo"]["key"].is_string(), "the dev chain keeps a sudo key");
	assert_eq!(
		patch["councilMembership"]["members"].as_array().map(Vec::len),
		Some(8),
		"every demo organization holds a council seat"
	);
	let organizations =
		patch["consortium"]["organizations"].as_array().expect("consortium organizations");
	assert_eq!(
		organizations.len(),
		8,
		"hospital, pharmacy, manufacturer, distributor, regulator, sponsor, researcher, insurer"
	);
	// Each organization holds exactly one distinct role: together they cover all eight bits.
	let roles: u64 = organizations.iter().map(|o| o[2].as_u64().expect("roles")).sum();
	assert_eq!(roles, 0b1111_1111);
}

#[test]
fn local_spec_has_three_validators_from_session_keys() {
	let spec = chain_spec("local");
	assert_eq!(spec["id"], "medchain_local");
	let patch = genesis_patch(&spec);
	assert_eq!(patch["session"]["keys"].as_array().map(Vec::len), Some(3));
	assert_eq!(patch["governance"]["validators"].as_array().map(Vec::len), Some(3));
}

#[test]
fn unknown_chain_file_is_a_clear_error() {
	let output = node()
		.args(["export-chain-spec", "--chain", "/nonexistent/medchain.json"])
		.output()
		.expect("medchain-node runs");
	assert!(!output.status.success());
}
