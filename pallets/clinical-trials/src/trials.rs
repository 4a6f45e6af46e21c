//! Trials: the work of `register_trial`, `amend_protocol`, `lock_database`,
//! `publish_results`, `flag_trial` and `release_registry_id` (the calls in `lib.rs` check the
//! origin, and the signer's role where the call needs one, then call these).

use crate::*;
use frame_support::pallet_prelude::*;

impl<T: Config> Pallet<T> {
	/// [`Pallet::register_trial`] for `sponsor`, the signer's organization (the call
	/// checked its TrialSponsor role).
	pub(crate) fn do_register_trial(
		sponsor: T::AccountId,
		registry_id: RegistryIdOf<T>,
		protocol_hash: H256,
		outcomes: OutcomesOf<T>,
		planned_enrollment: u32,
	) -> DispatchResult {
		ensure!(
			!registry_id.is_empty() && registry_id.iter().all(|b| (0x21..=0x7e).contains(b)),
			Error::<T>::InvalidRegistryId
		);
		ensure!(
			!TrialByRegistryId::<T>::contains_key(&registry_id),
			Error::<T>::DuplicateRegistryId
		);
		let reserved = RegistryIdReservations::<T>::get(&registry_id);
		ensure!(
			reserved.as_ref().is_none_or(|reservee| *reservee == sponsor),
			Error::<T>::RegistryIdReserved
		);
		ensure!(!protocol_hash.is_zero(), Error::<T>::ZeroHash);
		ensure!(!outcomes.is_empty(), Error::<T>::EmptyOutcomes);
		Self::ensure_distinct_outcomes(&outcomes)?;
		ensure!(
			planned_enrollment > 0 && planned_enrollment <= T::MaxParticipants::get(),
			Error::<T>::InvalidPlannedEnrollment
		);
		let trial_id = NextTrialId::<T>::get();
		let next_id = trial_id.checked_add(1).ok_or(Error::<T>::TrialIdOverflow)?;

		let now = Self::now();
		// The history's bound is at least 1 (`MaxAmendments + 1`), so nothing is truncated.
		let history = ProtocolHistoryOf::<T>::truncate_from(alloc::vec![ProtocolVersion {
			version: 1,
			protocol_hash,
			reason_hash: None,
			outcomes: Some(outcomes.clone()),
			at: now,
			after_enrollment: false,
		}]);
		let trial = Trial {
			sponsor: sponsor.clone(),
			registry_id: registry_id.clone(),
			status: TrialStatus::Registered,
			protocol_version: 1,
			protocol_hash,
			outcomes: outcomes.clone(),
			planned_enrollment,
			enrolled: 0,
			withdrawn: 0,
			over_enrollment: false,
			registered_at: now,
			registry_id_released_at: None,
			first_enrollment: None,
			amendments_after_enrollment: 0,
			outcomes_amended_after_enrollment: false,
			data_head: H256::zero(),
			commit_count: 0,
			locked_at: None,
			results: None,
		};
		if reserved.is_some() {
			RegistryIdReservations::<T>::remove(&registry_id);
		}
		Trials::<T>::insert(trial_id, trial);
		TrialByRegistryId::<T>::insert(&registry_id, trial_id);
		ProtocolVersions::<T>::insert(trial_id, history);
		NextTrialId::<T>::put(next_id);
		Self::deposit_event(Event::TrialRegistered {
			trial_id,
			sponsor,
			registry_id,
			protocol_hash,
			outcomes,
			planned_enrollment,
		});
		Ok(())
	}

	/// [`Pallet::amend_protocol`] signed by `who`, who must act for the trial's sponsor.
	pub(crate) fn do_amend_protocol(
		who: T::AccountId,
		trial_id: TrialId,
		protocol_hash: H256,
		reason_hash: H256,
		new_outcomes: Option<OutcomesOf<T>>,
	) -> DispatchResultWithPostInfo {
		let (_, mut trial) = Self::ensure_sponsor(&who, trial_id)?;
		ensure!(!trial.status.is_locked(), Error::<T>::LockedDatabase);
		ensure!(!protocol_hash.is_zero() && !reason_hash.is_zero(), Error::<T>::ZeroHash);
		if let Some(outcomes) = &new_outcomes {
			ensure!(!outcomes.is_empty(), Error::<T>::EmptyOutcomes);
			Self::ensure_distinct_outcomes(outcomes)?;
		}
		ensure!(trial.protocol_version <= T::MaxAmendments::get(), Error::<T>::TooManyAmendments);
		let version = trial.protocol_version.checked_add(1).ok_or(Error::<T>::TooManyAmendments)?;
		let outcomes_len = new_outcomes.as_ref().map_or(0, |outcomes| len_u32(outcomes));
		let changed_outcomes =
			new_outcomes.filter(|outcomes| !Self::same_outcome_set(outcomes, &trial.outcomes));
		let outcomes_changed = changed_outcomes.is_some();
		let after_enrollment = trial.first_enrollment.is_some();
		let mut history = ProtocolVersions::<T>::get(trial_id);
		let versions = len_u32(&history);
		history
			.try_push(ProtocolVersion {
				version,
				protocol_hash,
				reason_hash: Some(reason_hash),
				outcomes: changed_outcomes.clone(),
				at: Self::now(),
				after_enrollment,
			})
			.map_err(|_| Error::<T>::TooManyAmendments)?;

		trial.protocol_version = version;
		trial.protocol_hash = protocol_hash;
		if let Some(outcomes) = changed_outcomes {
			trial.outcomes = outcomes;
		}
		if after_enrollment {
			trial.amendments_after_enrollment = trial.amendments_after_enrollment.saturating_add(1);
			trial.outcomes_amended_after_enrollment |= outcomes_changed;
		}
		ProtocolVersions::<T>::insert(trial_id, history);
		Trials::<T>::insert(trial_id, trial);
		Self::deposit_event(Event::ProtocolAmended {
			trial_id,
			version,
			protocol_hash,
			reason_hash,
			outcomes_changed,
			after_enrollment,
		});
		Ok(Some(T::WeightInfo::amend_protocol(outcomes_len, versions)).into())
	}

	/// [`Pallet::lock_database`] signed by `who`, who must act for the trial's sponsor.
	pub(crate) fn do_lock_database(who: T::AccountId, trial_id: TrialId) -> DispatchResult {
		let (_, mut trial) = Self::ensure_sponsor(&who, trial_id)?;
		ensure!(!trial.status.is_locked(), Error::<T>::AlreadyLocked);
		ensure!(trial.commit_count > 0, Error::<T>::NoDataCommitted);

		let (data_head, commit_count) = (trial.data_head, trial.commit_count);
		trial.status = TrialStatus::Locked;
		trial.locked_at = Some(Self::now());
		Trials::<T>::insert(trial_id, trial);
		Self::deposit_event(Event::DatabaseLocked { trial_id, data_head, commit_count });
		Ok(())
	}

	/// [`Pallet::publish_results`] signed by `who`, who must act for the trial's sponsor.
	pub(crate) fn do_publish_results(
		who: T::AccountId,
		trial_id: TrialId,
		results_hash: H256,
		reported_outcomes: OutcomesOf<T>,
	) -> DispatchResultWithPostInfo {
		let (_, mut trial) = Self::ensure_sponsor(&who, trial_id)?;
		ensure!(trial.status != TrialStatus::Published, Error::<T>::AlreadyPublished);
		ensure!(trial.status == TrialStatus::Locked, Error::<T>::NotLocked);
		ensure!(!results_hash.is_zero(), Error::<T>::ZeroHash);
		Self::ensure_distinct_outcomes(&reported_outcomes)?;

		let (missing, added) = compare_outcomes(&trial.outcomes, &reported_outcomes);
		let status = OutcomeStatus::from_counts(len_u32(&missing), len_u32(&added));
		let mut versions = 0;
		let status_vs_first_enrollment = trial.first_enrollment.and_then(|first| {
			let history = ProtocolVersions::<T>::get(trial_id);
			versions = len_u32(&history);
			Self::outcomes_in(history, first.protocol_version).map(|expected| {
				let (missing, added) = compare_outcomes(&expected, &reported_outcomes);
				OutcomeStatus::from_counts(len_u32(&missing), len_u32(&added))
			})
		});
		let outcomes_amended_after_enrollment = trial.outcomes_amended_after_enrollment;
		trial.status = TrialStatus::Published;
		trial.results = Some(Results {
			results_hash,
			status,
			// Subsets of lists bounded by `MaxOutcomes`: nothing is truncated.
			missing: OutcomesOf::<T>::truncate_from(missing),
			added: OutcomesOf::<T>::truncate_from(added),
			compared_with_version: trial.protocol_version,
			outcomes_amended_after_enrollment,
			status_vs_first_enrollment,
			published_at: Self::now(),
		});
		if status.is_switched() {
			OutcomeSwitchedTrials::<T>::insert(outcome_switch_key(trial_id), ());
		}
		Trials::<T>::insert(trial_id, trial);
		Self::deposit_event(Event::ResultsPublished {
			trial_id,
			results_hash,
			status,
			outcomes_amended_after_enrollment,
		});
		let outcomes_len = len_u32(&reported_outcomes);
		Ok(Some(T::WeightInfo::publish_results(outcomes_len, versions)).into())
	}

	/// [`Pallet::flag_trial`] for `regulator`, the signer's organization (the call checked
	/// its Regulator role).
	pub(crate) fn do_flag_trial(
		regulator: T::AccountId,
		trial_id: TrialId,
		reason_code: u16,
	) -> DispatchResult {
		ensure!(Trials::<T>::contains_key(trial_id), Error::<T>::UnknownTrial);
		let mut flags = Flags::<T>::get(trial_id);
		flags
			.try_push(Flag { regulator: regulator.clone(), reason_code, at: Self::now() })
			.map_err(|_| Error::<T>::TooManyFlags)?;

		Flags::<T>::insert(trial_id, flags);
		Self::deposit_event(Event::TrialFlagged { trial_id, regulator, reason_code });
		Ok(())
	}

	/// [`Pallet::release_registry_id`] (the call checked the governance origin).
	pub(crate) fn do_release_registry_id(
		trial_id: TrialId,
		reserved_for: Option<T::AccountId>,
	) -> DispatchResult {
		let mut trial = Self::trial_record(trial_id)?;
		ensure!(trial.registry_id_released_at.is_none(), Error::<T>::RegistryIdAlreadyReleased);
		if let Some(reservee) = &reserved_for {
			ensure!(
				T::Roles::has_role(reservee, Role::TrialSponsor),
				Error::<T>::ReserveeNotSponsor
			);
		}

		let registry_id = trial.registry_id.clone();
		let sponsor = trial.sponsor.clone();
		trial.registry_id_released_at = Some(Self::now());
		TrialByRegistryId::<T>::remove(&registry_id);
		if let Some(reservee) = &reserved_for {
			RegistryIdReservations::<T>::insert(&registry_id, reservee);
		}
		Trials::<T>::insert(trial_id, trial);
		Self::deposit_event(Event::RegistryIdReleased {
			trial_id,
			sponsor,
			registry_id,
			reserved_for,
		});
		Ok(())
	}
}
