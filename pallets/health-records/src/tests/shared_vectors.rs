//! The test vectors shared with the JS client tooling (`tests/vectors/`), checked with the
//! runtime's own functions.

use super::*;
use serde_json::Value;

const MERKLE: &str = include_str!("../../../../tests/vectors/merkle.json");
const CONTENT_HASH: &str = include_str!("../../../../tests/vectors/content-hash.json");

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
	value[key].as_str().unwrap_or_else(|| panic!("string field {key}"))
}

/// JSON equality with numbers compared as `f64` (so `0`, `-0` and `0.0` agree).
fn same_json(a: &Value, b: &Value) -> bool {
	match (a, b) {
		(Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
		(Value::Array(x), Value::Array(y)) => {
			x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
		}
		(Value::Object(x), Value::Object(y)) => {
			x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
		}
		_ => a == b,
	}
}

#[test]
fn merkle_vectors_hold_in_the_runtime() {
	let vectors: Value = serde_json::from_str(MERKLE).expect("merkle.json parses");
	assert_eq!(str_of(&vectors, "hasher"), "blake2-256");
	let cases = vectors["cases"].as_array().expect("cases");
	assert!(!cases.is_empty());
	ExtBuilder::default().build_and_execute(|| {
		let mut proofs_checked = 0;
		for case in cases {
			let leaves: Vec<H256> = case["leaves"]
				.as_array()
				.expect("leaves")
				.iter()
				.map(|l| h256(l.as_str().expect("leaf hex")))
				.collect();
			let root = h256(str_of(case, "root"));
			assert_eq!(crate::merkle_root(&leaves), root, "root of {} leaves", leaves.len());
			let batch = anchor_batch_root(root, leaves.len() as u32);
			for p in case["proofs"].as_array().expect("proofs") {
				let index = p["leaf_index"].as_u64().expect("leaf_index") as u32;
				let leaf = h256(str_of(p, "leaf"));
				assert_eq!(leaf, leaves[index as usize]);
				let proof: Vec<H256> = p["proof"]
					.as_array()
					.expect("proof")
					.iter()
					.map(|h| h256(h.as_str().expect("proof hex")))
					.collect();
				assert_eq!(proof, proof_of(&leaves, index), "proof n={} i={index}", leaves.len());
				assert!(HealthRecords::verify_inclusion(batch, leaf, proof, index));
				proofs_checked += 1;
			}
		}
		assert!(proofs_checked > 0);
	});
}

#[test]
fn content_hash_vectors_hold() {
	let vectors: Value = serde_json::from_str(CONTENT_HASH).expect("content-hash.json parses");
	let cases = vectors["cases"].as_array().expect("cases");
	assert!(!cases.is_empty());
	for case in cases {
		let canonical = str_of(case, "canonical");
		let salt = unhex(str_of(case, "salt"));
		assert_eq!(salt.len(), 32, "32-byte salt");
		let preimage = [&salt[..], canonical.as_bytes()].concat();
		assert_eq!(
			H256(blake2_256(&preimage)),
			h256(str_of(case, "content_hash")),
			"content hash of {canonical}"
		);
		// The canonical string is the resource (same JSON value).
		let reparsed: Value = serde_json::from_str(canonical).expect("canonical is JSON");
		assert!(same_json(&reparsed, &case["resource"]), "canonical form of {canonical}");
	}
}

/// Prints vectors in the shared format from the Rust side (not needed while the JS
/// tooling writes them; kept to regenerate or cross-check):
/// `cargo test -p pallet-health-records -- --ignored --nocapture print_merkle_vectors`.
#[test]
#[ignore]
fn print_merkle_vectors() {
	let cases: Vec<Value> = [1u32, 2, 3, 5, 8, 9]
		.iter()
		.map(|&n| {
			let leaves = docs(n);
			let proofs: Vec<Value> = (0..n)
				.map(|i| {
					serde_json::json!({
						"leaf_index": i,
						"leaf": hex(leaves[i as usize].as_bytes()),
						"proof": proof_of(&leaves, i).iter().map(|h| hex(h.as_bytes())).collect::<Vec<_>>(),
					})
				})
				.collect();
			serde_json::json!({
				"leaves": leaves.iter().map(|h| hex(h.as_bytes())).collect::<Vec<_>>(),
				"root": hex(crate::merkle_root(&leaves).as_bytes()),
				"proofs": proofs,
			})
		})
		.collect();
	let out = serde_json::json!({ "hasher": "blake2-256", "cases": cases });
	println!("{}", serde_json::to_string_pretty(&out).expect("serializes"));
}
