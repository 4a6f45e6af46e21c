//! Benchmarks of the consent pallet (v2 syntax), each set up in its worst case: a full
//! consent list whose only prunable consent is the newest (so pruning reads every consent),
//! a full emergency history whose oldest consent is pruned, and a full access-log ring
//! buffer.
//!
//! Pruning needs consents that ended `AuditRetention` ago, so the benchmarks move the
//! clock: they require `T::Time` to be `pallet-timestamp` (as in the MedChain runtime) and
//! write its `Now` directly (not `set_timestamp`, which would ask Aura to check the slot).

use super::*;
use crate::{break_glass::EmergencyPlan, Pallet as ConsentPallet};
use frame_benchmarking::v2::*;
use frame_support::BoundedVec;
use frame_system::RawOrigin;
use pallet_consortium::Roles;
use sp_core::H256;

/// The time the benchmarks start at (ms since the Unix epoch; any realistic value).
const BASE: Moment = 1_700_000_000_000;

/// Set the block's timestamp, as `T::Time` reads it.
fn set_now<T: pallet_timestamp::Config<Moment = u64>>(ms: Moment) {
	pallet_timestamp::Now::<T>::put(ms);
}

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
/// to `org` over every category, granted now. If `newest_prunable`, the newest one is
/// revoked now, so that pruning it `AuditRetention` later scans the whole list.
fn fill_consents<T: Config>(patient: &T::AccountId, org: &T::AccountId, newest_prunable: bool) {
	fill_consents_to::<T>(patient, org, newest_prunable, T::MaxConsentsPerPatient::get());
}

/// [`fill_consents`] with `count` consents.
fn fill_consents_to<T: Config>(
	patient: &T::AccountId,
	org: &T::AccountId,
	newest_prunable: bool,
	count: u32,
) {
	let now = ConsentPallet::<T>::now();
	let max = count;
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
			kind: ConsentKind::Standard,
		};
		ConsentPallet::<T>::insert_consent(patient, plan, consent);
	}
}

/// The worst case of logging reads: a staff member of a Provider reading under a break-glass
/// consent (so the organization's emergency-read count is written too), whose log of that
/// patient is full (every read evicts an entry). Returns (organization, staff, patient,
/// consent id).
fn full_access_log<T: Config + pallet_timestamp::Config<Moment = u64>>(
) -> (T::AccountId, T::AccountId, T::AccountId, ConsentId) {
	let (org, staff) = provider::<T>();
	let patient = patient::<T>();
	set_now::<T>(BASE);
	let consent_id = NextConsentId::<T>::get();
	ConsentPallet::<T>::break_glass(RawOrigin::Signed(staff.clone()).into(), patient.clone(), 1)
		.expect("a Provider's staff breaks the glass for a registered patient");
	let entry = AccessEntry {
		consent_id,
		organization: org.clone(),
		accessor: staff.clone(),
		record_id: H256::repeat_byte(1),
		category: RecordCategory::Other,
		at: ConsentPallet::<T>::now(),
		purpose: Purpose::Treatment,
		emergency: true,
		// The largest encoding, as every entry logged by an extrinsic has.
		logged_in: Some(ChainPosition {
			block: frame_system::Pallet::<T>::block_number(),
			extrinsic: u32::MAX,
		}),
	};
	let full: BoundedVec<_, T::MaxAccessLogEntries> =
		alloc::vec![entry; T::MaxAccessLogEntries::get() as usize]
			.try_into()
			.expect("exactly the bound");
	AccessLogs::<T>::insert(&patient, &org, full);
	(org, staff, patient, consent_id)
}

/// Fill `org`'s emergency history for `patient` to `MaxEmergencyConsentsKept` break-glass
/// consents, each revoked by the patient right away (so none is live).
fn fill_emergency_history<T: Config>(
	patient: &T::AccountId,
	org: &T::AccountId,
	staff: &T::AccountId,
) {
	let now = ConsentPallet::<T>::now();
	for _ in 0..T::MaxEmergencyConsentsKept::get() {
		let EmergencyPlan::New(plan) =
			ConsentPallet::<T>::plan_emergency_consent(patient, org, now)
				.expect("history has room")
		else {
			panic!("no live emergency consent to renew");
		};
		let consent = Consent {
			patient: patient.clone(),
			grantee: org.clone(),
			scope: Scope { categories: Categories::all(), access: Access::READ },
			purpose: Purpose::Treatment,
			granted_at: now,
			expires_at: Some(now.saturating_add(T::BreakGlassDuration::get())),
			revoked_at: Some(now),
			kind: ConsentKind::BreakGlass { staff: staff.clone(), reason_code: u16::MAX },
		};
		ConsentPallet::<T>::insert_emergency_consent(patient, org, plan, consent);
	}
}

#[benchmarks(where T: pallet_timestamp::Config<Moment = u64>)]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn grant_consent() {
		let (org, _staff) = provider::<T>();
		let patient = patient::<T>();
		set_now::<T>(BASE);
		fill_consents::<T>(&patient, &org, true);
		set_now::<T>(BASE.saturating_add(T::AuditRetention::get()));
		let scope = Scope { categories: Categories::all(), access: Access::READ_WRITE };
		let new_id = NextConsentId::<T>::get();
		let pruned = new_id.saturating_sub(1);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(patient.clone()),
			org.clone(),
			scope,
			Purpose::Research,
			Some(Moment::MAX),
		);

		assert!(Consents::<T>::contains_key(new_id));
		assert!(!Consents::<T>::contains_key(pruned));
		assert_eq!(ConsentsOf::<T>::get(&patient).len() as u32, T::MaxConsentsPerPatient::get());
	}

	/// `grant_consent` when the patient's list has room (no pruning, so no scan): what the
	/// call is charged after dispatch unless it had to prune. The list is one short of full,
	/// every consent to the same organization, so that organization's [`GrantsTo`] entry is as
	/// long as it gets.
	#[benchmark]
	fn grant_consent_with_room() {
		let (org, _staff) = provider::<T>();
		let patient = patient::<T>();
		set_now::<T>(BASE);
		let max = T::MaxConsentsPerPatient::get();
		fill_consents_to::<T>(&patient, &org, false, max.saturating_sub(1));
		let scope = Scope { categories: Categories::all(), access: Access::READ_WRITE };
		let new_id = NextConsentId::<T>::get();

		#[extrinsic_call]
		grant_consent(
			RawOrigin::Signed(patient.clone()),
			org.clone(),
			scope,
			Purpose::Research,
			Some(Moment::MAX),
		);

		assert!(Consents::<T>::contains_key(new_id));
		assert_eq!(ConsentsOf::<T>::get(&patient).len() as u32, max);
		assert_eq!(GrantsTo::<T>::get(&patient, &org).len() as u32, max);
	}

	#[benchmark]
	fn revoke_consent() {
		let (org, _staff) = provider::<T>();
		let patient = patient::<T>();
		set_now::<T>(BASE);
		fill_consents::<T>(&patient, &org, false);
		let id = NextConsentId::<T>::get().saturating_sub(1);

		#[extrinsic_call]
		_(RawOrigin::Signed(patient), id);

		assert!(Consents::<T>::get(id).is_some_and(|c| c.revoked_at.is_some()));
	}

	/// The worst case is a new emergency consent (not a renewal) in a full history, pruning
	/// its oldest consent, with uses already counted in the current window, by a staff key at
	/// its own limit during a declared incident (so the incident is read too).
	#[benchmark]
	fn break_glass() {
		let (org, staff) = provider::<T>();
		let patient = patient::<T>();
		set_now::<T>(BASE);
		fill_emergency_history::<T>(&patient, &org, &staff);
		set_now::<T>(BASE.saturating_add(T::AuditRetention::get()));
		let window = ConsentPallet::<T>::current_emergency_window();
		let used = T::MaxEmergencyAccessesPerWindow::get().saturating_sub(1);
		BreakGlassWindowUses::<T>::insert(&org, WindowUsage { window, used });
		let staff_used = T::MaxEmergencyAccessesPerStaff::get();
		BreakGlassStaffWindowUses::<T>::insert(&staff, WindowUsage { window, used: staff_used });
		EmergencyIncidents::<T>::insert(&org, EmergencyIncident { code: 1, until_window: window });
		let oldest = EmergencyConsents::<T>::get(&patient, &org).first().copied();
		let new_id = NextConsentId::<T>::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(staff.clone()), patient.clone(), u16::MAX);

		assert!(Consents::<T>::contains_key(new_id));
		assert!(oldest.is_some_and(|id| !Consents::<T>::contains_key(id)));
		assert_eq!(EmergencyConsents::<T>::get(&patient, &org).last().copied(), Some(new_id));
		assert_eq!(ConsentPallet::<T>::emergency_uses(&org), (1, used.saturating_add(1)));
		assert_eq!(ConsentPallet::<T>::staff_emergency_uses(&staff), staff_used.saturating_add(1));
	}

	/// Declaring replaces an earlier declaration (one read, one write either way).
	#[benchmark]
	fn declare_emergency_incident() {
		let (org, _staff) = provider::<T>();
		let window = ConsentPallet::<T>::current_emergency_window();
		EmergencyIncidents::<T>::insert(&org, EmergencyIncident { code: 1, until_window: window });
		let windows = T::MaxIncidentWindows::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(org.clone()), u16::MAX, windows);

		assert!(EmergencyIncidents::<T>::get(&org).is_some_and(|i| i.code == u16::MAX));
	}

	#[benchmark]
	fn log_access() {
		let (org, staff, patient, consent_id) = full_access_log::<T>();
		let record_id = T::Records::anchor_for_benchmarks(&patient, RecordCategory::Genomics);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(staff),
			patient.clone(),
			consent_id,
			record_id,
			RecordCategory::Genomics,
		);

		let log = AccessLogs::<T>::get(&patient, &org);
		assert_eq!(log.len() as u32, T::MaxAccessLogEntries::get());
		assert_eq!(log.last().map(|e| e.record_id), Some(record_id));
		assert_eq!(EmergencyReads::<T>::get(&org), 1);
	}

	/// `n` reads in one call, into a full log (every read evicts the oldest entry).
	#[benchmark]
	fn log_accesses(n: Linear<1, { T::MaxReadsPerLog::get() }>) {
		let (org, staff, patient, consent_id) = full_access_log::<T>();
		let reads: alloc::vec::Vec<(H256, RecordCategory)> = (0..n)
			.map(|_| {
				(
					T::Records::anchor_for_benchmarks(&patient, RecordCategory::Genomics),
					RecordCategory::Genomics,
				)
			})
			.collect();
		let last = reads.last().map(|(id, _)| *id);
		let reads: BoundedVec<_, T::MaxReadsPerLog> =
			reads.try_into().expect("n is at most MaxReadsPerLog");

		#[extrinsic_call]
		_(RawOrigin::Signed(staff), patient.clone(), consent_id, reads);

		let log = AccessLogs::<T>::get(&patient, &org);
		assert_eq!(log.len() as u32, T::MaxAccessLogEntries::get());
		assert_eq!(log.last().map(|e| e.record_id), last);
		assert_eq!(EmergencyReads::<T>::get(&org), n);
	}

	/// A patient holding `MaxAccessRequests` requests of other organizations, every one
	/// lapsed, so the new organization's request scans them all and replaces the oldest.
	#[benchmark]
	fn request_access() {
		let (org, staff) = provider::<T>();
		let patient = patient::<T>();
		set_now::<T>(BASE);
		let scope = Scope { categories: Categories::all(), access: Access::READ_WRITE };
		let max = T::MaxAccessRequests::get();
		for i in 0..max {
			let other: T::AccountId = account("other", i, 0);
			AccessRequests::<T>::insert(
				&patient,
				&other,
				AccessRequest {
					requester: other.clone(),
					scope,
					purpose: Purpose::Research,
					requested_at: BASE.saturating_add(u64::from(i)),
				},
			);
		}
		AccessRequestCount::<T>::insert(&patient, max);
		set_now::<T>(BASE.saturating_add(T::AccessRequestLifetime::get()).saturating_add(1));
		let oldest: T::AccountId = account("other", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(staff), patient.clone(), scope, Purpose::Treatment);

		assert!(AccessRequests::<T>::contains_key(&patient, &org));
		assert!(!AccessRequests::<T>::contains_key(&patient, &oldest));
		assert_eq!(AccessRequestCount::<T>::get(&patient), max);
	}

	#[benchmark]
	fn decline_access_request() {
		let (org, staff) = provider::<T>();
		let patient = patient::<T>();
		set_now::<T>(BASE);
		let scope = Scope { categories: Categories::all(), access: Access::READ };
		ConsentPallet::<T>::request_access(
			RawOrigin::Signed(staff).into(),
			patient.clone(),
			scope,
			Purpose::Treatment,
		)
		.expect("a provider's staff asks a registered patient");

		#[extrinsic_call]
		_(RawOrigin::Signed(patient.clone()), org.clone());

		assert!(!AccessRequests::<T>::contains_key(&patient, &org));
		assert_eq!(AccessRequestCount::<T>::get(&patient), 0);
	}

	impl_benchmark_test_suite!(
		ConsentPallet,
		crate::mock::ExtBuilder::empty().build(),
		crate::mock::Test
	);
}
