//! Benchmarks of the patient identity pallet (v2 syntax), each set up in its worst case.

use super::*;
use crate::Pallet as PatientIdentity;
use frame_benchmarking::v2::*;
use frame_support::BoundedVec;
use frame_system::RawOrigin;
use pallet_consortium::{Role, RoleProvider, Roles};

/// A staff member of an active Provider organization: the longest role lookup (staff →
/// organization → roles).
fn provider_staff<T: Config>() -> (T::AccountId, T::AccountId) {
	let organization: T::AccountId = account("provider", 0, 0);
	let staff: T::AccountId = account("staff", 0, 0);
	T::Roles::register_for_benchmarks(
		&organization,
		Roles::only(Role::Provider),
		core::slice::from_ref(&staff),
	);
	(organization, staff)
}

/// Register `patient` and give them `n` attestations by made-up organizations.
fn registered_patient<T: Config>(patient: &T::AccountId, n: u32) {
	PatientIdentity::<T>::do_register(patient, H256::repeat_byte(1), None)
		.expect("benchmark patient registers");
	let attestations: BoundedVec<T::AccountId, T::MaxAttestations> = (0..n)
		.map(|i| account::<T::AccountId>("attester", i, 1))
		.collect::<alloc::vec::Vec<_>>()
		.try_into()
		.expect("at most MaxAttestations attestations");
	Patients::<T>::mutate(patient, |record| {
		if let Some(record) = record {
			record.attestations = attestations;
		}
	});
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_patient() {
		let patient: T::AccountId = account("patient", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), H256::repeat_byte(7));

		assert!(Patients::<T>::contains_key(&patient));
	}

	#[benchmark]
	fn onboard_patient() {
		let (organization, staff) = provider_staff::<T>();
		let patient: T::AccountId = account("patient", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(staff), patient.clone(), H256::repeat_byte(7));

		assert_eq!(Patients::<T>::get(&patient).and_then(|r| r.onboarded_by), Some(organization));
	}

	#[benchmark]
	fn attest_patient() {
		let (organization, staff) = provider_staff::<T>();
		let patient: T::AccountId = account("patient", 0, 0);
		// One below the bound: the duplicate check scans the longest possible list.
		registered_patient::<T>(&patient, T::MaxAttestations::get().saturating_sub(1));

		#[extrinsic_call]
		_(RawOrigin::Signed(staff), patient.clone());

		assert!(Patients::<T>::get(&patient)
			.is_some_and(|r| r.attestations.last() == Some(&organization)));
	}

	#[benchmark]
	fn rotate_commitment() {
		let patient: T::AccountId = account("patient", 0, 0);
		registered_patient::<T>(&patient, T::MaxAttestations::get());
		// A counter of the current window exists: it is read, incremented and written.
		PatientIdentity::<T>::note_free_call(&patient);

		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), H256::repeat_byte(2));

		assert!(PatientIdentity::<T>::verify_commitment(&patient, H256::repeat_byte(2)));
	}

	#[benchmark]
	fn deregister() {
		let patient: T::AccountId = account("patient", 0, 0);
		registered_patient::<T>(&patient, T::MaxAttestations::get());
		PatientIdentity::<T>::note_free_call(&patient);

		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()));

		assert!(Tombstones::<T>::contains_key(&patient));
	}

	impl_benchmark_test_suite!(
		PatientIdentity,
		crate::mock::ExtBuilder::empty().build(),
		crate::mock::Test
	);
}
