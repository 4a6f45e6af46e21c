//! Benchmarks of the clinical-trials pallet (v2 syntax), each set up in its worst case.
//!
//! - `register_trial`: a registry id of `MaxRegistryIdLen` bytes and `MaxOutcomes` outcomes
//!   (the quadratic duplicate check runs in full).
//! - `amend_protocol(o, v)`: after the first enrollment (the flagged path), a history of `v`
//!   versions that each set `MaxOutcomes` outcomes (at most one below its bound), a new set
//!   of `o` outcomes (at `MaxOutcomes` the set comparison runs in full).
//! - `add_site`: a removed site added back (both lists read and written) into a site list one
//!   below `MaxSites`.
//! - `enroll_participant`: the enrolling site last in a full site list, the Research consent
//!   in the runtime's [`BenchmarkHelper`] worst case, enrollment beyond the plan (the flag is
//!   set).
//! - `commit_data`: by the last site of a full list, after a previous commit.
//! - `lock_database`: a trial with participants and data (data is required).
//! - `publish_results(o, v)`: a history of `v` versions that each set `MaxOutcomes` outcomes
//!   (outcomes changed after enrollment from `v = 2`; the enrollment's version is the first,
//!   so the whole history is scanned), `MaxOutcomes` expected and `o` reported outcomes, all
//!   different (both comparisons run in full, every outcome missing and added).
//!
//! `v` is in storage: both calls charge its maximum up front and refund to the actual
//! history; its proof size is measured (`pov_mode`) so that the generated weights follow
//! it.
//! - `flag_trial`: the flag list one below `MaxFlags`.
//! - `remove_site`: the last site of a full list (the whole list searched and rewritten).
//! - `withdraw_participant_by_patient`: the participant themself, with free quota (the quota
//!   is read and counted).
//! - `withdraw_participant_by_site`: staff of the enrolling site, the last of a full list (the
//!   organization lookups and the site check run in full).
//!   `withdraw_participant` is charged the larger of the two.
//! - `release_registry_id`: reserving the id for another sponsor (the reservee checked, the
//!   index entry removed and the reservation written).

use super::*;
use crate::Pallet as ClinicalTrialsPallet;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::EnsureOrigin;
use frame_system::RawOrigin;
use pallet_consortium::Roles;
use sp_runtime::Saturating;

/// The sponsor organization with one staff account.
fn sponsor<T: Config>() -> (T::AccountId, T::AccountId) {
	let org: T::AccountId = account("sponsor", 0, 0);
	let staff: T::AccountId = account("sponsor_staff", 0, 0);
	T::Roles::register_for_benchmarks(
		&org,
		Roles::only(Role::TrialSponsor),
		core::slice::from_ref(&staff),
	);
	(org, staff)
}

/// Provider organization `i` with one staff account.
fn provider<T: Config>(i: u32) -> (T::AccountId, T::AccountId) {
	let org: T::AccountId = account("provider", i, 0);
	let staff: T::AccountId = account("provider_staff", i, 0);
	T::Roles::register_for_benchmarks(
		&org,
		Roles::only(Role::Provider),
		core::slice::from_ref(&staff),
	);
	(org, staff)
}

/// `MaxOutcomes` distinct, non-zero outcome hashes derived from `seed` (non-zero).
fn outcomes<T: Config>(seed: u8) -> OutcomesOf<T> {
	some_outcomes::<T>(seed, T::MaxOutcomes::get())
}

/// `count` (at most `MaxOutcomes`) distinct, non-zero outcome hashes derived from `seed`
/// (non-zero).
fn some_outcomes<T: Config>(seed: u8, count: u32) -> OutcomesOf<T> {
	let hashes = (0..count)
		.map(|i| {
			let mut bytes = [seed; 32];
			bytes[..4].copy_from_slice(&i.to_le_bytes());
			H256(bytes)
		})
		.collect::<Vec<_>>();
	OutcomesOf::<T>::truncate_from(hashes)
}

/// A registry id of `MaxRegistryIdLen` printable bytes.
fn longest_registry_id<T: Config>() -> RegistryIdOf<T> {
	RegistryIdOf::<T>::truncate_from(alloc::vec![b'N'; T::MaxRegistryIdLen::get() as usize])
}

/// A trial registered by `staff` of the sponsor, planning one participant.
fn new_trial<T: Config>(staff: &T::AccountId) -> TrialId {
	let trial_id = NextTrialId::<T>::get();
	ClinicalTrialsPallet::<T>::register_trial(
		RawOrigin::Signed(staff.clone()).into(),
		longest_registry_id::<T>(),
		H256::repeat_byte(1),
		outcomes::<T>(1),
		1,
	)
	.expect("trial registered");
	trial_id
}

/// Fill the trial's site list up to `MaxSites` providers; returns the last site's
/// organization and staff.
fn fill_sites<T: Config>(staff: &T::AccountId, trial_id: TrialId) -> (T::AccountId, T::AccountId) {
	let mut last = None;
	for i in 0..T::MaxSites::get() {
		let (site, site_staff) = provider::<T>(i);
		ClinicalTrialsPallet::<T>::add_site(
			RawOrigin::Signed(staff.clone()).into(),
			trial_id,
			site.clone(),
		)
		.expect("site added");
		last = Some((site, site_staff));
	}
	last.expect("MaxSites > 0")
}

/// A registered patient `i` holding a Research consent toward `sponsor`, with their
/// participant commitment in the trial.
fn consenting_patient<T: Config>(
	i: u32,
	sponsor: &T::AccountId,
	trial_id: TrialId,
) -> (T::AccountId, H256) {
	let patient: T::AccountId = account("patient", i, 0);
	T::Patients::register_for_benchmarks(&patient);
	T::BenchmarkHelper::grant_research_consent(&patient, sponsor);
	let commitment = participant_commitment(trial_id, &patient, &[7; 32]);
	(patient, commitment)
}

/// Enroll patient `i` through `site_staff`; returns the patient and their commitment.
fn enroll<T: Config>(
	site_staff: &T::AccountId,
	sponsor: &T::AccountId,
	trial_id: TrialId,
	i: u32,
) -> (T::AccountId, H256) {
	let (patient, commitment) = consenting_patient::<T>(i, sponsor, trial_id);
	ClinicalTrialsPallet::<T>::enroll_participant(
		RawOrigin::Signed(site_staff.clone()).into(),
		trial_id,
		patient.clone(),
		commitment,
	)
	.expect("participant enrolled");
	(patient, commitment)
}

/// Move to a block far ahead, so that every patient's fee-less quota window starts afresh
/// (the consent set-up may have used it up).
fn next_quota_window<T: Config>() {
	let now = frame_system::Pallet::<T>::block_number();
	frame_system::Pallet::<T>::set_block_number(now.saturating_add(100_000_000u32.into()));
}

/// Amend the protocol `count` times, alternating two sets of `MaxOutcomes` outcomes so that
/// each amendment changes them (each version stores a full set).
fn amend_times<T: Config>(staff: &T::AccountId, trial_id: TrialId, count: u32) {
	for i in 1..=count {
		let seed = if i % 2 == 1 { 2 } else { 1 };
		ClinicalTrialsPallet::<T>::amend_protocol(
			RawOrigin::Signed(staff.clone()).into(),
			trial_id,
			H256::repeat_byte(10),
			H256::repeat_byte(11),
			Some(outcomes::<T>(seed)),
		)
		.expect("protocol amended");
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_trial() {
		let (_, staff) = sponsor::<T>();
		let trial_id = NextTrialId::<T>::get();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(staff),
			longest_registry_id::<T>(),
			H256::repeat_byte(1),
			outcomes::<T>(1),
			T::MaxParticipants::get(),
		);

		assert!(Trials::<T>::contains_key(trial_id));
	}

	#[benchmark(pov_mode = MaxEncodedLen { ClinicalTrials::ProtocolVersions: Measured })]
	fn amend_protocol(
		o: Linear<1, { T::MaxOutcomes::get() }>,
		v: Linear<1, { T::MaxAmendments::get() }>,
	) {
		let (org, staff) = sponsor::<T>();
		let trial_id = new_trial::<T>(&staff);
		let (_, site_staff) = fill_sites::<T>(&staff, trial_id);
		let _ = enroll::<T>(&site_staff, &org, trial_id, 0);
		amend_times::<T>(&staff, trial_id, v - 1);
		assert_eq!(ProtocolVersions::<T>::get(trial_id).len() as u32, v);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(staff),
			trial_id,
			H256::repeat_byte(12),
			H256::repeat_byte(13),
			Some(some_outcomes::<T>(3, o)),
		);

		assert!(Trials::<T>::get(trial_id).is_some_and(|t| t.outcomes_amended_after_enrollment));
	}

	#[benchmark]
	fn add_site() {
		let (_, staff) = sponsor::<T>();
		let trial_id = new_trial::<T>(&staff);
		let (site, _) = fill_sites::<T>(&staff, trial_id);
		ClinicalTrialsPallet::<T>::remove_site(
			RawOrigin::Signed(staff.clone()).into(),
			trial_id,
			site.clone(),
		)
		.expect("site removed");

		#[extrinsic_call]
		_(RawOrigin::Signed(staff), trial_id, site.clone());

		assert!(Sites::<T>::get(trial_id).contains(&site));
		assert!(RemovedSites::<T>::get(trial_id).is_empty());
	}

	#[benchmark]
	fn enroll_participant() {
		let (org, staff) = sponsor::<T>();
		let trial_id = new_trial::<T>(&staff);
		let (_, site_staff) = fill_sites::<T>(&staff, trial_id);
		// The plan is one participant: the next one is over plan.
		let _ = enroll::<T>(&site_staff, &org, trial_id, 0);
		let (patient, commitment) = consenting_patient::<T>(1, &org, trial_id);

		#[extrinsic_call]
		_(RawOrigin::Signed(site_staff), trial_id, patient, commitment);

		assert!(Trials::<T>::get(trial_id).is_some_and(|t| t.over_enrollment));
	}

	#[benchmark]
	fn commit_data() {
		let (_, staff) = sponsor::<T>();
		let trial_id = new_trial::<T>(&staff);
		let (_, site_staff) = fill_sites::<T>(&staff, trial_id);
		ClinicalTrialsPallet::<T>::commit_data(
			RawOrigin::Signed(site_staff.clone()).into(),
			trial_id,
			H256::repeat_byte(20),
			1,
		)
		.expect("first commit");

		#[extrinsic_call]
		_(RawOrigin::Signed(site_staff), trial_id, H256::repeat_byte(21), u32::MAX);

		assert!(Trials::<T>::get(trial_id).is_some_and(|t| t.commit_count == 2));
	}

	#[benchmark]
	fn lock_database() {
		let (org, staff) = sponsor::<T>();
		let trial_id = new_trial::<T>(&staff);
		let (_, site_staff) = fill_sites::<T>(&staff, trial_id);
		let _ = enroll::<T>(&site_staff, &org, trial_id, 0);
		ClinicalTrialsPallet::<T>::commit_data(
			RawOrigin::Signed(site_staff).into(),
			trial_id,
			H256::repeat_byte(20),
			1,
		)
		.expect("commit");

		#[extrinsic_call]
		_(RawOrigin::Signed(staff), trial_id);

		assert!(Trials::<T>::get(trial_id).is_some_and(|t| t.status == TrialStatus::Locked));
	}

	#[benchmark(pov_mode = MaxEncodedLen { ClinicalTrials::ProtocolVersions: Measured })]
	fn publish_results(
		o: Linear<0, { T::MaxOutcomes::get() }>,
		v: Linear<1, { MaxProtocolVersions::<T>::get() }>,
	) {
		let (org, staff) = sponsor::<T>();
		let trial_id = new_trial::<T>(&staff);
		let (_, site_staff) = fill_sites::<T>(&staff, trial_id);
		let _ = enroll::<T>(&site_staff, &org, trial_id, 0);
		amend_times::<T>(&staff, trial_id, v - 1);
		assert_eq!(ProtocolVersions::<T>::get(trial_id).len() as u32, v);
		ClinicalTrialsPallet::<T>::commit_data(
			RawOrigin::Signed(site_staff).into(),
			trial_id,
			H256::repeat_byte(20),
			1,
		)
		.expect("commit");
		ClinicalTrialsPallet::<T>::lock_database(RawOrigin::Signed(staff.clone()).into(), trial_id)
			.expect("locked");

		#[extrinsic_call]
		_(RawOrigin::Signed(staff), trial_id, H256::repeat_byte(30), some_outcomes::<T>(4, o));

		assert!(OutcomeSwitchedTrials::<T>::contains_key(outcome_switch_key(trial_id)));
	}

	#[benchmark]
	fn flag_trial() {
		let (_, staff) = sponsor::<T>();
		let trial_id = new_trial::<T>(&staff);
		let regulator: T::AccountId = account("regulator", 0, 0);
		let inspector: T::AccountId = account("inspector", 0, 0);
		T::Roles::register_for_benchmarks(
			&regulator,
			Roles::only(Role::Regulator),
			core::slice::from_ref(&inspector),
		);
		for code in 0..T::MaxFlags::get().saturating_sub(1) {
			ClinicalTrialsPallet::<T>::flag_trial(
				RawOrigin::Signed(inspector.clone()).into(),
				trial_id,
				u16::try_from(code).unwrap_or(u16::MAX),
			)
			.expect("flagged");
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(inspector), trial_id, u16::MAX);

		assert!(Flags::<T>::get(trial_id).len() == T::MaxFlags::get() as usize);
	}

	#[benchmark]
	fn remove_site() {
		let (_, staff) = sponsor::<T>();
		let trial_id = new_trial::<T>(&staff);
		let (site, _) = fill_sites::<T>(&staff, trial_id);

		#[extrinsic_call]
		_(RawOrigin::Signed(staff), trial_id, site.clone());

		assert!(!Sites::<T>::get(trial_id).contains(&site));
		assert!(RemovedSites::<T>::get(trial_id).contains(&site));
	}

	#[benchmark]
	fn withdraw_participant_by_patient() {
		let (org, staff) = sponsor::<T>();
		let trial_id = new_trial::<T>(&staff);
		let (_, site_staff) = fill_sites::<T>(&staff, trial_id);
		let (patient, commitment) = enroll::<T>(&site_staff, &org, trial_id, 0);
		next_quota_window::<T>();
		assert!(T::Patients::has_free_quota(&patient), "the patient has free quota");

		#[extrinsic_call]
		withdraw_participant(RawOrigin::Signed(patient), trial_id, commitment);

		assert!(Trials::<T>::get(trial_id).is_some_and(|t| t.withdrawn == 1));
	}

	/// A patient enrolled in `n` trials (at most `MaxTrialsPerPatient`), none withdrawn:
	/// each participation is unlinked, withdrawn and counted in its trial.
	#[benchmark]
	fn erase_participations(n: Linear<0, { T::MaxTrialsPerPatient::get() }>) {
		let (org, staff) = sponsor::<T>();
		let (_, site_staff) = provider::<T>(0);
		let mut patient: Option<T::AccountId> = None;
		for k in 0..n {
			let trial_id = NextTrialId::<T>::get();
			// A distinct printable id per trial: 'N's ending in k's four hex digits.
			let mut registry_id = alloc::vec![b'N'; T::MaxRegistryIdLen::get() as usize];
			let digits = alloc::format!("{k:04x}");
			let start = registry_id.len().saturating_sub(digits.len());
			registry_id.truncate(start);
			registry_id.extend_from_slice(digits.as_bytes());
			let registry_id = RegistryIdOf::<T>::truncate_from(registry_id);
			ClinicalTrialsPallet::<T>::register_trial(
				RawOrigin::Signed(staff.clone()).into(),
				registry_id,
				H256::repeat_byte(1),
				outcomes::<T>(1),
				1,
			)
			.expect("trial registered");
			ClinicalTrialsPallet::<T>::add_site(
				RawOrigin::Signed(staff.clone()).into(),
				trial_id,
				account("provider", 0, 0),
			)
			.expect("site added");
			// One Research consent toward the sponsor covers every one of its trials.
			let who = match &patient {
				None => consenting_patient::<T>(0, &org, trial_id).0,
				Some(who) => who.clone(),
			};
			ClinicalTrialsPallet::<T>::enroll_participant(
				RawOrigin::Signed(site_staff.clone()).into(),
				trial_id,
				who.clone(),
				participant_commitment(trial_id, &who, &[7; 32]),
			)
			.expect("participant enrolled");
			patient = Some(who);
		}
		let patient = patient.unwrap_or_else(|| account("patient", 0, 0));

		#[block]
		{
			<ClinicalTrialsPallet<T> as medchain_primitives::PatientErasure<T::AccountId>>::on_patient_deregistered(&patient);
		}

		assert!(ParticipationsOf::<T>::get(&patient).is_empty());
		if n > 0 {
			assert!(Trials::<T>::get(0).is_some_and(|t| t.withdrawn == 1));
		}
	}

	#[benchmark]
	fn withdraw_participant_by_site() {
		let (org, staff) = sponsor::<T>();
		let trial_id = new_trial::<T>(&staff);
		let (site, site_staff) = fill_sites::<T>(&staff, trial_id);
		let (_, commitment) = enroll::<T>(&site_staff, &org, trial_id, 0);

		#[extrinsic_call]
		withdraw_participant(RawOrigin::Signed(site_staff), trial_id, commitment);

		assert!(Participants::<T>::get(trial_id, commitment)
			.and_then(|p| p.withdrawal)
			.is_some_and(|w| w.by == Withdrawer::Site(site)));
	}

	#[benchmark]
	fn release_registry_id() -> Result<(), BenchmarkError> {
		let (_, staff) = sponsor::<T>();
		let trial_id = new_trial::<T>(&staff);
		let rightful: T::AccountId = account("rightful sponsor", 0, 0);
		T::Roles::register_for_benchmarks(&rightful, Roles::only(Role::TrialSponsor), &[]);
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, trial_id, Some(rightful.clone()));

		assert_eq!(RegistryIdReservations::<T>::get(longest_registry_id::<T>()), Some(rightful));
		Ok(())
	}

	impl_benchmark_test_suite!(
		ClinicalTrialsPallet,
		crate::mock::ExtBuilder::empty().build(),
		crate::mock::Test
	);
}
