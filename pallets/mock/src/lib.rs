//! A storage-backed [`PatientRegistry`] for the mock runtimes of the pallets' unit tests
//! (a dev-dependency only), so that each pallet that needs patients does not carry its own copy.
//!
//! Accounts are `u64`, as in every MedChain mock runtime. The state lives in the test
//! externalities' storage, so it follows them (and the rollback of a failed call) like a
//! real pallet's storage.

use codec::{Decode, Encode};
use frame_support::Blake2_128Concat;
use medchain_primitives::PatientRegistry;

/// The account type of the mock runtimes.
pub type AccountId = u64;

/// What the mock patient registry knows about an account.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode)]
pub struct MockPatient {
	/// Registered and not deregistered.
	pub registered: bool,
	/// Deregistered (right to erasure).
	pub deregistered: bool,
	/// Fee-less calls left in the current window.
	pub free_calls: u32,
}

/// The mock registry's state.
#[frame_support::storage_alias]
pub type PatientStates = StorageMap<MockIdentity, Blake2_128Concat, AccountId, MockPatient>;

/// A storage-backed [`PatientRegistry`] for tests.
pub struct MockPatients;

impl MockPatients {
	/// Register `who` with `free_calls` fee-less calls.
	pub fn register(who: AccountId, free_calls: u32) {
		PatientStates::insert(
			who,
			MockPatient { registered: true, deregistered: false, free_calls },
		);
	}

	/// Deregister `who` (right to erasure).
	pub fn deregister(who: AccountId) {
		PatientStates::insert(
			who,
			MockPatient { registered: false, deregistered: true, free_calls: 0 },
		);
	}

	/// Fee-less calls `who` has left.
	pub fn free_calls(who: AccountId) -> u32 {
		PatientStates::get(who).map(|p| p.free_calls).unwrap_or_default()
	}
}

impl PatientRegistry<AccountId> for MockPatients {
	fn is_registered(who: &AccountId) -> bool {
		PatientStates::get(who).is_some_and(|p| p.registered)
	}

	fn is_deregistered(who: &AccountId) -> bool {
		PatientStates::get(who).is_some_and(|p| p.deregistered)
	}

	fn has_free_quota(who: &AccountId) -> bool {
		PatientStates::get(who).is_some_and(|p| p.registered && p.free_calls > 0)
	}

	fn note_free_call(who: &AccountId) {
		PatientStates::mutate(who, |p| {
			if let Some(p) = p {
				p.free_calls = p.free_calls.saturating_sub(1);
			}
		});
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmarks(who: &AccountId) {
		MockPatients::register(*who, 100);
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn deregister_for_benchmarks(who: &AccountId) {
		MockPatients::deregister(*who);
	}
}

/// The record id type of the mock runtimes (as `pallet-health-records`' `RecordId`).
pub type MockRecordId = sp_runtime::testing::H256;

/// The mock record registry's state: record id → (patient, category).
#[frame_support::storage_alias]
pub type RecordSubjects = StorageMap<
	MockHealthRecords,
	Blake2_128Concat,
	MockRecordId,
	(AccountId, medchain_primitives::RecordCategory),
>;

/// A storage-backed [`medchain_primitives::RecordRegistry`] for tests: records exist once `anchor`ed.
pub struct MockRecords;

impl MockRecords {
	/// Pretend record `id` of `patient` in `category` was anchored.
	pub fn anchor(
		id: MockRecordId,
		patient: AccountId,
		category: medchain_primitives::RecordCategory,
	) {
		RecordSubjects::insert(id, (patient, category));
	}
}

impl medchain_primitives::RecordRegistry<AccountId, MockRecordId> for MockRecords {
	fn record_subject(
		record_id: &MockRecordId,
	) -> Option<(AccountId, medchain_primitives::RecordCategory)> {
		RecordSubjects::get(record_id)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn anchor_for_benchmarks(
		patient: &AccountId,
		category: medchain_primitives::RecordCategory,
	) -> MockRecordId {
		let id = MockRecordId::repeat_byte(0xbe);
		MockRecords::anchor(id, *patient, category);
		id
	}
}
