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

/// The transaction pool's limits as the starting node logs them (`ready=Limit { count: N,
/// … } future=Limit { count: M, … }`): `(ready, future)` counts.
fn pool_limits(extra: &[&str]) -> (usize, usize) {
	use std::io::{BufRead, BufReader};
	let mut child = node()
		.args(["--dev", "--tmp", "--port", "0", "--rpc-port", "0", "--no-prometheus"])
		.args(["--no-telemetry", "--no-mdns", "-ltxpool=debug"])
		.args(extra)
		.stdout(std::process::Stdio::null())
		.stderr(std::process::Stdio::piped())
		.spawn()
		.expect("medchain-node starts");
	let stderr = child.stderr.take().expect("piped");
	let (tx, rx) = std::sync::mpsc::channel();
	std::thread::spawn(move || {
		for line in BufReader::new(stderr).lines().map_while(Result::ok) {
			if line.contains("future=Limit") {
				let _ = tx.send(line);
				return;
			}
		}
	});
	let line = rx.recv_timeout(std::time::Duration::from_secs(60));
	let _ = child.kill();
	let _ = child.wait();
	let line = line.expect("the node logs its pool limits within 60 s");
	let count_after = |label: &str| -> usize {
		let rest = &line[line.find(label).expect(label) + label.len()..];
		let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
		digits.parse().expect("a count")
	};
	(count_after("ready=Limit { count: "), count_after("future=Limit { count: "))
}

/// Substrate's default pool keeps 819 future transactions, less than a block's worth, and
/// silently drops the rest of a burst: MedChain's default is ten times larger.
#[test]
fn the_pool_holds_a_burst_by_default_and_flags_still_win() {
	assert_eq!(pool_limits(&[]), (81_920, 8_192));
	assert_eq!(pool_limits(&["--pool-limit", "1000"]), (1_000, 100));
	assert_eq!(pool_limits(&["--pool-limit=2000"]), (2_000, 200));
}
