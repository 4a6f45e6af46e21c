//! Benchmarks of the health-records pallet (v2 syntax), each set up in its worst case.
//!
//! - `anchor_record`: signed by Provider staff (the heavier path: role check plus the consent
//!   check, which the patient's own upload skips), under a write consent the runtime's
//!   [`BenchmarkHelper`] makes the worst case for the consent check (e.g. found last in a full
//!   consent list), superseding the head of an existing chain (one more record read and
//!   write), with a locator of `MaxLocatorLen` bytes and the patient's index one below the
//!   bound.
//! - `anchor_batch`: a single-patient batch (the consent check runs) of `MaxBatchLeaves`
//!   leaves (the weight does not depend on the leaf count: the tree is never built on chain).
//! - `seal_record`: the patient seals a record with a locator of `MaxLocatorLen` bytes.
//! - `erase_records(n)`: an erasure step over `n` unsealed records of a deregistered patient
//!   (each read and rewritten), signed by someone else than the patient.

use super::*;
use crate::Pallet as HealthRecordsPallet;
use frame_benchmarking::v2::*;
use frame_support::BoundedVec;
use frame_system::RawOrigin;
use pallet_consortium::Roles;

/// An active Provider organization with one staff account.
fn provider<T: Config>() -> (T::AccountId, T::AccountId) {
	let org: T::AccountId = account("provider", 0, 0);
	let staff: T::AccountId = account("staff", 0, 0);
	T::Roles::register_for_benchmarks(
		&org,
		Roles::only(Role::Provider),
		core::slice::from_ref(&staff),
	);
	(org, staff)
}

/// A registered patient with free calls.
fn patient<T: Config>() -> T::AccountId {
	let patient: T::AccountId = account("patient", 0, 0);
	T::Patients::register_for_benchmarks(&patient);
	patient
}

/// A locator of `MaxLocatorLen` bytes.
fn longest_locator<T: Config>() -> LocatorOf<T> {
	let max = T::MaxLocatorLen::get() as usize;
	BoundedVec::truncate_from(alloc::vec![b'l'; max])
}

/// Fill `patient`'s index up to `count` records (patient uploads, distinct hashes).
fn fill_records<T: Config>(patient: &T::AccountId, count: u32) {
	for i in 0..count {
		let mut hash = [0xaa; 32];
		hash[..4].copy_from_slice(&i.to_le_bytes());
		HealthRecordsPallet::<T>::anchor_record(
			RawOrigin::Signed(patient.clone()).into(),
			patient.clone(),
			RecordCategory::Other,
			H256(hash),
			longest_locator::<T>(),
			None,
		)
		.expect("patient upload anchored");
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn anchor_record() {
		let (org, staff) = provider::<T>();
		let patient = patient::<T>();
		let category = RecordCategory::MentalHealth;
		T::BenchmarkHelper::grant_write_consent(&patient, &org, category);
		// The patient's index one below the bound once the first version is anchored.
		fill_records::<T>(&patient, 8u32.min(T::MaxRecordsPerAuthor::get()));
		HealthRecordsPallet::<T>::anchor_record(
			RawOrigin::Signed(staff.clone()).into(),
			patient.clone(),
			category,
			H256::repeat_byte(1),
			longest_locator::<T>(),
			None,
		)
		.expect("first version anchored");
		let previous =
			PatientRecords::<T>::get(&patient, RecordCount::<T>::get(&patient).saturating_sub(1))
				.expect("first version indexed");

		#[extrinsic_call]
		_(
			RawOrigin::Signed(staff),
			patient.clone(),
			category,
			H256::repeat_byte(2),
			longest_locator::<T>(),
			Some(previous),
		);

		assert!(Records::<T>::get(previous).is_some_and(|r| r.superseded_by.is_some()));
	}

	#[benchmark]
	fn anchor_batch() {
		let (org, staff) = provider::<T>();
		let patient = patient::<T>();
		let category = RecordCategory::LabResults;
		T::BenchmarkHelper::grant_write_consent(&patient, &org, category);
		let batch_id = NextBatchId::<T>::get();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(staff),
			category,
			H256::repeat_byte(3),
			T::MaxBatchLeaves::get(),
			Some(patient),
		);

		assert!(Batches::<T>::contains_key(batch_id));
	}

	#[benchmark]
	fn seal_record() {
		let patient = patient::<T>();
		fill_records::<T>(&patient, 1);
		let record_id = PatientRecords::<T>::get(&patient, 0).expect("record indexed");

		#[extrinsic_call]
		_(RawOrigin::Signed(patient), record_id);

		assert!(Records::<T>::get(record_id).is_some_and(|r| r.is_sealed()));
	}

	#[benchmark]
	fn erase_records(n: Linear<1, { T::MaxErasedPerCall::get() }>) {
		let patient = patient::<T>();
		fill_records::<T>(&patient, n);
		T::Patients::deregister_for_benchmarks(&patient);
		let caller: T::AccountId = account("caller", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), patient.clone());

		assert_eq!(ErasedUpTo::<T>::get(&patient), n);
	}

	impl_benchmark_test_suite!(
		HealthRecordsPallet,
		crate::mock::ExtBuilder::empty().build(),
		crate::mock::Test
	);
}
