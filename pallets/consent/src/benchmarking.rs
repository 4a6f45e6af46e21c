//! Benchmarks of the consent pallet (v2 syntax), each set up in its worst case: a full
//! consent list whose only prunable consent is the newest (so pruning reads every consent),
//! and a full access-log ring buffer.

use super::*;
use crate::Pallet as ConsentPallet;
use frame_benchmarking::v2::*;
use frame_support::BoundedVec;
use frame_system::RawOrigin;
use pallet_consortium::Roles;
use sp_core::H256;

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

/// Fill `patient`'s consent list to `MaxConsentsPerPatient` with active read/write consents
/// to `org` over every category (break-glass kind: the largest encoding). If
/// `newest_prunable`, the newest one is revoked, so that pruning scans the whole list.
fn fill_consents<T: Config>(
	patient: &T::AccountId,
	org: &T::AccountId,
	staff: &T::AccountId,
	newest_prunable: bool,
) {
	let now = ConsentPallet::<T>::now();
	let max = T::MaxConsentsPerPatient::get();
	for i in 0..max {
		let plan = ConsentPallet::<T>::plan_new_consent(patient, now).expect("list has room");
		let consent = Consent {
			patient: patient.clone(),
			grantee: org.clone(),
			scope: Scope { categories: Categories::all(), access: Access::READ_WRITE },
			purpose: Purpose::Treatment,
			granted_at: now,
			expires_at: Some(Moment::MAX),
			revoked_at: (newest_prunable && i + 1 == max).then_some(now),
			kind: ConsentKind::BreakGlass { staff: staff.clone(), reason_code: u16::MAX },
		};
		ConsentPallet::<T>::insert_consent(patient, plan, consent);
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn grant_consent() {
		let (org, staff) = provider::<T>();
		let patient = patient::<T>();
		fill_consents::<T>(&patient, &org, &staff, true);
		let scope = Scope { categories: Categories::all(), access: Access::READ_WRITE };
		let new_id = NextConsentId::<T>::get();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(patient.clone()),
			org.clone(),
			scope,
			Purpose::Research,
			Some(Moment::MAX),
		);

		assert!(Consents::<T>::contains_key(new_id));
		assert_eq!(ConsentsOf::<T>::get(&patient).len() as u32, T::MaxConsentsPerPatient::get());
	}

	#[benchmark]
	fn revoke_consent() {
		let (org, staff) = provider::<T>();
		let patient = patient::<T>();
		fill_consents::<T>(&patient, &org, &staff, false);
		let id = NextConsentId::<T>::get().saturating_sub(1);

		#[extrinsic_call]
		_(RawOrigin::Signed(patient), id);

		assert!(Consents::<T>::get(id).is_some_and(|c| c.revoked_at.is_some()));
	}

	#[benchmark]
	fn break_glass() {
		let (org, staff) = provider::<T>();
		let patient = patient::<T>();
		fill_consents::<T>(&patient, &org, &staff, true);
		let new_id = NextConsentId::<T>::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(staff), patient.clone(), u16::MAX);

		assert!(Consents::<T>::contains_key(new_id));
		assert_eq!(BreakGlassUses::<T>::get(&org), 1);
	}

	#[benchmark]
	fn log_access() {
		let (org, staff) = provider::<T>();
		let patient = patient::<T>();
		fill_consents::<T>(&patient, &org, &staff, false);
		let now = ConsentPallet::<T>::now();
		let entry = AccessEntry {
			consent_id: 0,
			organization: org.clone(),
			accessor: staff.clone(),
			record_id: H256::repeat_byte(1),
			category: RecordCategory::Other,
			at: now,
		};
		let full: BoundedVec<_, T::MaxAccessLogEntries> =
			alloc::vec![entry; T::MaxAccessLogEntries::get() as usize]
				.try_into()
				.expect("exactly the bound");
		AccessLog::<T>::insert(&patient, full);
		let record_id = H256::repeat_byte(2);

		#[extrinsic_call]
		_(RawOrigin::Signed(staff), patient.clone(), 0, record_id, RecordCategory::Genomics);

		let log = AccessLog::<T>::get(&patient);
		assert_eq!(log.len() as u32, T::MaxAccessLogEntries::get());
		assert_eq!(log.last().map(|e| e.record_id), Some(record_id));
	}

	impl_benchmark_test_suite!(
		ConsentPallet,
		crate::mock::ExtBuilder::empty().build(),
		crate::mock::Test
	);
}
