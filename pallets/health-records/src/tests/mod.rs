//! Unit tests of the health-records pallet: every call, every error, every event, the
//! Merkle rules (against an independent reference implementation and the shared test
//! vectors), the runtime-API queries and the fee-less wiring.
//!
//! This file holds the helpers the tests share; the tests are in one file per call or topic.

use crate::{
	expected_proof_len, mock::*, AuthorRecordCount, Batch, Batches, ErasedUpTo, Error, Event,
	InclusionError, LocatorOf, NextBatchId, PatientRecords, Record, RecordCount, RecordId,
	RecordNonce, RecordVerification, Records, MAX_PROOF_ITEMS, RECORD_ID_DOMAIN,
};
use codec::{Decode, Encode};
use frame_support::{assert_noop, assert_ok, dispatch::CheckIfFeeless, traits::Hooks};
use medchain_primitives::{Categories, ConsentId, Moment, Purpose, RecordCategory};
use pallet_consent::{Access, Scope};
use sp_core::H256;
use sp_io::hashing::blake2_256;
use sp_runtime::traits::{BadOrigin, BlakeTwo256};

use RecordCategory::{Imaging, LabResults, MentalHealth, Other};

type ConsentError = pallet_consent::Error<Test>;
type ConsortiumError = pallet_consortium::Error<Test>;

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn hash(n: u8) -> H256 {
	H256::repeat_byte(n)
}

fn loc(bytes: &[u8]) -> LocatorOf<Test> {
	LocatorOf::<Test>::try_from(bytes.to_vec()).expect("locator within bound")
}

/// Alice's consent to `org` for `categories` with `access`, purpose `purpose`.
fn grant_with(
	org: AccountId,
	categories: &[RecordCategory],
	access: Access,
	purpose: Purpose,
	expires_at: Option<Moment>,
) -> ConsentId {
	let id = pallet_consent::NextConsentId::<Test>::get();
	assert_ok!(Consent::grant_consent(
		signed(ALICE),
		org,
		Scope { categories: Categories::from_categories(categories), access },
		purpose,
		expires_at,
	));
	id
}

/// Alice lets `org` write `categories` for Treatment.
fn grant_write(org: AccountId, categories: &[RecordCategory]) -> ConsentId {
	grant_with(org, categories, Access::WRITE, Purpose::Treatment, None)
}

/// The id the next anchored record of `patient` with `content_hash` will get.
fn next_id(patient: AccountId, content_hash: H256) -> RecordId {
	HealthRecords::derive_record_id(&patient, &content_hash, RecordNonce::<Test>::get())
}

/// Anchor a record and return its id.
fn anchor(
	signer: AccountId,
	patient: AccountId,
	category: RecordCategory,
	content_hash: H256,
	supersedes: Option<RecordId>,
) -> RecordId {
	let id = next_id(patient, content_hash);
	assert_ok!(HealthRecords::anchor_record(
		signed(signer),
		patient,
		category,
		content_hash,
		loc(b"fhir://doc"),
		supersedes,
	));
	id
}

fn record(id: RecordId) -> crate::RecordOf<Test> {
	Records::<Test>::get(id).expect("record stored")
}

fn suspend(org: AccountId) {
	assert_ok!(Consortium::suspend_organization(RuntimeOrigin::root(), org));
}

fn hex(bytes: &[u8]) -> String {
	let digits: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
	format!("0x{digits}")
}

fn unhex(s: &str) -> Vec<u8> {
	let s = s.strip_prefix("0x").expect("0x prefix");
	assert!(s.len().is_multiple_of(2), "even number of hex digits");
	(0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

fn h256(s: &str) -> H256 {
	let bytes = unhex(s);
	assert_eq!(bytes.len(), 32, "32-byte hash expected: {s}");
	H256::from_slice(&bytes)
}

/// Document hashes `doc(0) .. doc(n-1)`.
fn docs(n: u32) -> Vec<H256> {
	(0..n).map(|i| H256(blake2_256(format!("doc-{i}").as_bytes()))).collect()
}

/// Anchor a multi-patient batch with `root` and `leaf_count` by Hospital A; returns its id.
fn anchor_batch_root(root: H256, leaf_count: u32) -> u64 {
	let id = NextBatchId::<Test>::get();
	assert_ok!(HealthRecords::anchor_batch(signed(DOCTOR_A), LabResults, root, leaf_count, None));
	id
}

/// Anchor the tree over `leaves`; returns its id.
fn anchor_tree(leaves: &[H256]) -> u64 {
	anchor_batch_root(crate::merkle_root(leaves), leaves.len() as u32)
}

fn proof_of(leaves: &[H256], index: u32) -> Vec<H256> {
	binary_merkle_tree::merkle_proof::<BlakeTwo256, _, _>(
		leaves.iter().map(|l| l.as_bytes()),
		index,
	)
	.proof
}

mod anchor_batch;
mod anchor_record;
mod erasure;
mod fees;
mod invariants;
mod merkle;
mod mock_setup;
mod queries;
mod seal_record;
mod shared_vectors;
mod supersede;
