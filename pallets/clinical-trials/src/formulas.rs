//! The formulas of the crate docs, for the calls, the queries and sites' software written in
//! Rust: the participant commitment, the [`EnrolledPatients`](crate::EnrolledPatients) key,
//! the data-chain hash, the outcome comparison and the
//! [`OutcomeSwitchedTrials`](crate::OutcomeSwitchedTrials) key.

use crate::{TrialId, PARTICIPANT_DOMAIN};
use alloc::vec::Vec;
use codec::Encode;
use sp_core::H256;

/// The domain tag hashed into every [`EnrolledPatients`](crate::EnrolledPatients) key.
pub const PATIENT_KEY_DOMAIN: &[u8] = b"medchain/trial-patient";

/// The [`OutcomeSwitchedTrials`](crate::OutcomeSwitchedTrials) key of a trial: its id's
/// big-endian bytes, so that storage order is id order.
pub const fn outcome_switch_key(trial_id: TrialId) -> [u8; 4] {
	trial_id.to_be_bytes()
}

/// The participant commitment of `patient` in trial `trial_id` with `salt`:
/// `blake2_256(SCALE((b"medchain/trial-participant", trial_id, patient, salt)))` (see the
/// crate docs). For sites' software and tests written in Rust.
pub fn participant_commitment<AccountId: Encode>(
	trial_id: TrialId,
	patient: &AccountId,
	salt: &[u8; 32],
) -> H256 {
	H256(sp_io::hashing::blake2_256(&(PARTICIPANT_DOMAIN, trial_id, patient, salt).encode()))
}

/// The [`EnrolledPatients`](crate::EnrolledPatients) key of `patient` in trial `trial_id`:
/// `blake2_256(SCALE((b"medchain/trial-patient", trial_id, patient)))`.
pub fn patient_key<AccountId: Encode>(trial_id: TrialId, patient: &AccountId) -> H256 {
	H256(sp_io::hashing::blake2_256(&(PATIENT_KEY_DOMAIN, trial_id, patient).encode()))
}

/// The hash of a data commit following `previous` (zero for the first commit):
/// `blake2_256(previous ++ batch_root ++ record_count (u32 LE) ++ SCALE(submitter))`. The
/// SCALE encoding of this tuple is exactly that concatenation.
pub fn data_commit_hash<AccountId: Encode>(
	previous: &H256,
	batch_root: &H256,
	record_count: u32,
	submitter: &AccountId,
) -> H256 {
	H256(sp_io::hashing::blake2_256(&(previous, batch_root, record_count, submitter).encode()))
}

/// The outcomes of `expected` not in `reported` (missing) and of `reported` not in
/// `expected` (added), each in its list's order. Both lists are duplicate-free.
///
/// ## Complexity
/// O(|expected| × |reported|), at most `MaxOutcomes²` comparisons.
pub fn compare_outcomes(expected: &[H256], reported: &[H256]) -> (Vec<H256>, Vec<H256>) {
	let missing = expected.iter().filter(|o| !reported.contains(o)).copied().collect();
	let added = reported.iter().filter(|o| !expected.contains(o)).copied().collect();
	(missing, added)
}
