//! The Merkle rules of the crate docs, against an independent reference implementation;
//! `verify_inclusion` and `check_inclusion` on anchored batches.

use super::*;

/// The tree of the crate docs, written from the documented rules only (not with the
/// crate): leaves hashed once, pairs hashed in order, odd last node promoted.
fn reference_root(leaves: &[H256]) -> H256 {
	let mut row: Vec<[u8; 32]> = leaves.iter().map(|d| blake2_256(d.as_bytes())).collect();
	if row.is_empty() {
		return H256::zero();
	}
	while row.len() > 1 {
		row = row
			.chunks(2)
			.map(|pair| match pair {
				[left, right] => blake2_256(&[&left[..], &right[..]].concat()),
				[last] => *last,
				_ => unreachable!("chunks of two"),
			})
			.collect();
	}
	H256(row[0])
}

/// The verification walk of the crate docs (rule 5), written from the docs only.
fn reference_verify(root: H256, leaf: H256, proof: &[H256], n: u32, index: u32) -> bool {
	if index >= n {
		return false;
	}
	let (mut pos, mut width, mut acc, mut k) = (index, n, blake2_256(leaf.as_bytes()), 0);
	while width > 1 {
		if pos % 2 == 1 {
			let Some(sibling) = proof.get(k) else { return false };
			acc = blake2_256(&[sibling.as_bytes(), &acc[..]].concat());
			k += 1;
		} else if pos + 1 < width {
			let Some(sibling) = proof.get(k) else { return false };
			acc = blake2_256(&[&acc[..], sibling.as_bytes()].concat());
			k += 1;
		}
		pos /= 2;
		width = width.div_ceil(2);
	}
	k == proof.len() && H256(acc) == root
}

#[test]
fn expected_proof_lengths() {
	assert_eq!(expected_proof_len(1, 0), 0);
	assert_eq!(expected_proof_len(2, 0), 1);
	assert_eq!(expected_proof_len(3, 0), 2);
	assert_eq!(expected_proof_len(3, 2), 1);
	assert_eq!(expected_proof_len(5, 4), 1);
	assert_eq!(expected_proof_len(6, 4), 2);
	assert_eq!(expected_proof_len(8, 7), 3);
	assert_eq!(expected_proof_len(9, 8), 1);
	assert_eq!(expected_proof_len(9, 9), 0);
	assert_eq!(expected_proof_len(u32::MAX, 0), 32);
	assert_eq!(expected_proof_len(1_000_000, 0), 20);
	// The last leaf is promoted at 8 of the 20 levels: no sibling there.
	assert_eq!(expected_proof_len(1_000_000, 999_999), 12);
	assert!(expected_proof_len(u32::MAX, u32::MAX - 1) <= MAX_PROOF_ITEMS);
}

#[test]
fn crate_and_documented_rules_agree_for_every_shape() {
	for n in 1..=40u32 {
		let leaves = docs(n);
		let root = crate::merkle_root(&leaves);
		assert_eq!(root, reference_root(&leaves), "root of {n} leaves");
		for index in 0..n {
			let proof = proof_of(&leaves, index);
			assert_eq!(proof.len() as u32, expected_proof_len(n, index), "n={n} i={index}");
			assert!(reference_verify(root, leaves[index as usize], &proof, n, index));
		}
	}
	// One leaf: the root is the hashed leaf.
	let one = docs(1);
	assert_eq!(crate::merkle_root(&one), H256(blake2_256(one[0].as_bytes())));
}

#[test]
fn every_leaf_of_anchored_batches_verifies() {
	ExtBuilder::default().build_and_execute(|| {
		for n in [1u32, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 100] {
			let leaves = docs(n);
			let batch = anchor_tree(&leaves);
			for index in 0..n {
				let proof = proof_of(&leaves, index);
				assert!(
					HealthRecords::verify_inclusion(batch, leaves[index as usize], proof, index),
					"n={n} i={index}"
				);
			}
		}
	});
}

#[test]
fn bad_proofs_are_rejected_with_a_reason() {
	ExtBuilder::default().build_and_execute(|| {
		let leaves = docs(6);
		let batch = anchor_tree(&leaves);
		let other = anchor_tree(&docs(7)[1..]);
		let proof = proof_of(&leaves, 4);
		let check = |batch, leaf, proof: &[H256], index| {
			HealthRecords::check_inclusion(batch, leaf, proof, index)
		};
		assert_eq!(check(batch, leaves[4], &proof, 4), Ok(()));
		// Wrong leaf.
		assert_eq!(check(batch, leaves[3], &proof, 4), Err(InclusionError::RootMismatch));
		assert_eq!(check(batch, hash(1), &proof, 4), Err(InclusionError::RootMismatch));
		// Wrong index (same proof length, other position).
		assert_eq!(check(batch, leaves[4], &proof, 5), Err(InclusionError::RootMismatch));
		assert_eq!(check(batch, leaves[4], &proof, 0), Err(InclusionError::WrongProofLength));
		// Wrong root (another batch of six).
		assert_eq!(check(other, leaves[4], &proof, 4), Err(InclusionError::RootMismatch));
		// A tampered sibling.
		let mut tampered = proof.clone();
		tampered[0] = hash(7);
		assert_eq!(check(batch, leaves[4], &tampered, 4), Err(InclusionError::RootMismatch));
		// Unknown batch, index out of range.
		assert_eq!(check(99, leaves[4], &proof, 4), Err(InclusionError::UnknownBatch));
		assert_eq!(check(batch, leaves[4], &proof, 6), Err(InclusionError::LeafIndexOutOfRange));
		// Too short, too long, far too long.
		assert_eq!(check(batch, leaves[4], &proof[..1], 4), Err(InclusionError::WrongProofLength));
		let mut longer = proof.clone();
		longer.push(hash(8));
		assert_eq!(check(batch, leaves[4], &longer, 4), Err(InclusionError::WrongProofLength));
		let huge = vec![hash(8); MAX_PROOF_ITEMS as usize + 1];
		assert_eq!(check(batch, leaves[4], &huge, 4), Err(InclusionError::ProofTooLong));
		assert!(!HealthRecords::verify_inclusion(batch, leaves[4], huge, 4));
		assert!(!HealthRecords::verify_inclusion(batch, leaves[3], proof.clone(), 4));
		assert!(!HealthRecords::verify_inclusion(99, leaves[4], proof, 4));
	});
}

#[test]
fn an_inner_node_is_not_a_leaf() {
	ExtBuilder::default().build_and_execute(|| {
		let leaves = docs(4);
		let batch = anchor_tree(&leaves);
		let l: Vec<[u8; 32]> = leaves.iter().map(|d| blake2_256(d.as_bytes())).collect();
		let n01 = H256(blake2_256(&[&l[0][..], &l[1][..]].concat()));
		let n23 = H256(blake2_256(&[&l[2][..], &l[3][..]].concat()));
		// The crate alone accepts an inner node given as a *hash* with a short proof ...
		let root = crate::merkle_root(&leaves);
		assert!(binary_merkle_tree::verify_proof::<BlakeTwo256, _, _>(
			&root,
			vec![n23],
			4,
			0,
			binary_merkle_tree::Leaf::Hash(n01),
		));
		// ... the pallet hashes the leaf value and demands the exact proof length.
		assert_eq!(
			HealthRecords::check_inclusion(batch, n01, &[n23], 0),
			Err(InclusionError::WrongProofLength)
		);
		assert_eq!(
			HealthRecords::check_inclusion(batch, n01, &[n23, n23], 0),
			Err(InclusionError::RootMismatch)
		);
	});
}

#[test]
fn a_large_batch_verifies() {
	ExtBuilder::default().build_and_execute(|| {
		let leaves = docs(5_000);
		let batch = anchor_tree(&leaves);
		for index in [0u32, 1, 2_047, 2_048, 4_095, 4_096, 4_999] {
			let proof = proof_of(&leaves, index);
			assert!(HealthRecords::verify_inclusion(batch, leaves[index as usize], proof, index));
		}
	});
}
