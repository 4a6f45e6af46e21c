use super::*;

#[test]
fn participant_commitment_is_the_documented_hash() {
	let mut preimage = Vec::new();
	// The domain tag, compact-length-prefixed (26 bytes → 26 << 2).
	preimage.push((PARTICIPANT_DOMAIN.len() as u8) << 2);
	preimage.extend_from_slice(b"medchain/trial-participant");
	preimage.extend_from_slice(&7u32.to_le_bytes());
	preimage.extend_from_slice(&ALICE.to_le_bytes());
	preimage.extend_from_slice(&salt(9));
	assert_eq!(participant_commitment(7, &ALICE, &salt(9)), H256(blake2_256(&preimage)));
	// Trial, patient and salt each change it.
	assert_ne!(commitment(7, ALICE, 9), commitment(8, ALICE, 9));
	assert_ne!(commitment(7, ALICE, 9), commitment(7, BOB, 9));
	assert_ne!(commitment(7, ALICE, 9), commitment(7, ALICE, 10));
}

#[test]
fn patient_key_is_the_documented_hash() {
	let expected = blake2_256(&(PATIENT_KEY_DOMAIN, 7u32, ALICE).encode());
	assert_eq!(patient_key(7, &ALICE), H256(expected));
	assert_ne!(patient_key(7, &ALICE), patient_key(8, &ALICE));
}

#[test]
fn data_commit_hash_is_the_documented_concatenation() {
	let mut preimage = Vec::new();
	preimage.extend_from_slice(h(1).as_bytes());
	preimage.extend_from_slice(h(2).as_bytes());
	preimage.extend_from_slice(&300u32.to_le_bytes());
	preimage.extend_from_slice(&HOSPITAL_A.encode());
	assert_eq!(preimage.len(), 32 + 32 + 4 + 8);
	assert_eq!(data_commit_hash(&h(1), &h(2), 300, &HOSPITAL_A), H256(blake2_256(&preimage)));
}

#[test]
fn outcome_status_from_counts() {
	assert_eq!(OutcomeStatus::from_counts(0, 0), OutcomeStatus::Complete);
	assert_eq!(
		OutcomeStatus::from_counts(1, 0),
		OutcomeStatus::OutcomeSwitched { missing: 1, added: 0 }
	);
	assert!(OutcomeStatus::from_counts(0, 2).is_switched());
	assert!(!OutcomeStatus::Complete.is_switched());
}

#[test]
fn compare_outcomes_is_order_insensitive() {
	let (missing, added) = crate::compare_outcomes(&[h(1), h(2), h(3)], &[h(3), h(4), h(1)]);
	assert_eq!(missing, vec![h(2)]);
	assert_eq!(added, vec![h(4)]);
	let (missing, added) = crate::compare_outcomes(&[h(1), h(2)], &[h(2), h(1)]);
	assert!(missing.is_empty() && added.is_empty());
}
