//! Participants and their data: the work of `enroll_participant`, `withdraw_participant` and
//! `commit_data` (the calls in `lib.rs` check the origin, and the signer's role or
//! organization where the call needs one, then call these).

use crate::*;
use frame_support::{pallet_prelude::*, traits::DefensiveSaturating};

impl<T: Config> Pallet<T> {
	/// [`Pallet::enroll_participant`] for `site`, the signer's organization (the call
	/// checked its Provider role).
	pub(crate) fn do_enroll_participant(
		site: T::AccountId,
		trial_id: TrialId,
		patient: T::AccountId,
		participant_commitment: H256,
	) -> DispatchResult {
		let mut trial = Self::trial_record(trial_id)?;
		ensure!(Sites::<T>::get(trial_id).contains(&site), Error::<T>::NotASite);
		ensure!(!trial.status.is_locked(), Error::<T>::LockedDatabase);
		ensure!(!participant_commitment.is_zero(), Error::<T>::ZeroHash);
		ensure!(T::Patients::is_registered(&patient), Error::<T>::NotAPatient);
		let consent_id = T::Consents::ensure_purpose(&patient, &trial.sponsor, Purpose::Research)?;
		ensure!(
			!Participants::<T>::contains_key(trial_id, participant_commitment),
			Error::<T>::DuplicateParticipant
		);
		let key = patient_key(trial_id, &patient);
		ensure!(
			!EnrolledPatients::<T>::contains_key(trial_id, key),
			Error::<T>::PatientAlreadyEnrolled
		);
		ensure!(trial.enrolled < T::MaxParticipants::get(), Error::<T>::TooManyParticipants);
		let enrolled = trial.enrolled.checked_add(1).ok_or(Error::<T>::TooManyParticipants)?;
		let mut participations = ParticipationsOf::<T>::get(&patient);
		participations
			.try_push((trial_id, participant_commitment))
			.map_err(|_| Error::<T>::TooManyTrialsForPatient)?;

		let now = Self::now();
		let over_planned = enrolled > trial.planned_enrollment;
		trial.enrolled = enrolled;
		trial.over_enrollment |= over_planned;
		if trial.first_enrollment.is_none() {
			trial.first_enrollment =
				Some(FirstEnrollment { at: now, protocol_version: trial.protocol_version });
			trial.status = TrialStatus::Enrolling;
		}
		Participants::<T>::insert(
			trial_id,
			participant_commitment,
			Participant {
				patient: Some(patient.clone()),
				site: site.clone(),
				enrolled_at: now,
				protocol_version: trial.protocol_version,
				consent_id,
				withdrawal: None,
			},
		);
		EnrolledPatients::<T>::insert(trial_id, key, ());
		ParticipationsOf::<T>::insert(&patient, participations);
		Trials::<T>::insert(trial_id, trial);
		Self::deposit_event(Event::ParticipantEnrolled {
			trial_id,
			participant_commitment,
			site,
			consent_id,
			enrolled,
			over_planned,
		});
		Ok(())
	}

	/// [`Pallet::commit_data`] signed by `who` for `submitter`, its organization (the
	/// call checked that it is active).
	pub(crate) fn do_commit_data(
		who: T::AccountId,
		submitter: T::AccountId,
		trial_id: TrialId,
		batch_root: H256,
		record_count: u32,
	) -> DispatchResult {
		let mut trial = Self::trial_record(trial_id)?;
		if submitter != trial.sponsor {
			ensure!(Sites::<T>::get(trial_id).contains(&submitter), Error::<T>::NotSiteOrSponsor);
			T::Roles::ensure_role(&who, Role::Provider)?;
		}
		ensure!(!trial.status.is_locked(), Error::<T>::LockedDatabase);
		ensure!(record_count > 0, Error::<T>::EmptyCommit);
		ensure!(!batch_root.is_zero(), Error::<T>::ZeroHash);
		let index = trial.commit_count;
		ensure!(index < T::MaxCommits::get(), Error::<T>::TooManyCommits);
		let commit_count = index.checked_add(1).ok_or(Error::<T>::TooManyCommits)?;

		let hash = data_commit_hash(&trial.data_head, &batch_root, record_count, &submitter);
		DataCommits::<T>::insert(
			trial_id,
			index,
			DataCommit {
				batch_root,
				record_count,
				submitter: submitter.clone(),
				at: Self::now(),
				chain_hash: hash,
			},
		);
		trial.data_head = hash;
		trial.commit_count = commit_count;
		Trials::<T>::insert(trial_id, trial);
		Self::deposit_event(Event::DataCommitted {
			trial_id,
			index,
			submitter,
			batch_root,
			record_count,
			chain_hash: hash,
		});
		Ok(())
	}

	/// [`Pallet::withdraw_participant`] signed by `who`: the participant, or staff of the
	/// sponsor or of the site that enrolled them.
	pub(crate) fn do_withdraw_participant(
		who: T::AccountId,
		trial_id: TrialId,
		participant_commitment: H256,
	) -> DispatchResult {
		let (mut trial, mut participant, by) =
			Self::check_withdraw(&who, trial_id, participant_commitment)?;

		if by == Withdrawer::Participant && T::Patients::has_free_quota(&who) {
			T::Patients::note_free_call(&who);
		}
		let withdrawn = trial.withdrawn.defensive_saturating_add(1);
		trial.withdrawn = withdrawn;
		participant.withdrawal = Some(Withdrawal { at: Self::now(), by: by.clone() });
		Participants::<T>::insert(trial_id, participant_commitment, participant);
		Trials::<T>::insert(trial_id, trial);
		Self::deposit_event(Event::ParticipantWithdrawn {
			trial_id,
			participant_commitment,
			by,
			withdrawn,
		});
		Ok(())
	}
}
