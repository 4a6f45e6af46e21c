//! What the runtime API ([`ClinicalTrialsApi`](crate::runtime_api::ClinicalTrialsApi))
//! answers: a trial, its data chain and whether it recomputes, the trials that switched
//! outcomes (paged), the trial holding a registry id, and a participant's status.

use crate::{
	data_commit_hash, outcome_switch_key, Config, DataCommitOf, DataCommits, Flags,
	OutcomeSwitchedTrials, Pallet, ParticipantInfo, ParticipantInfoOf, ParticipantStatus,
	Participants, ProtocolVersions, RegistryIdOf, RemovedSites, Sites, TrialByRegistryId, TrialId,
	TrialInfo, TrialInfoOf, Trials,
};
use alloc::vec::Vec;
use medchain_primitives::{ConsentChecker, Purpose};
use sp_core::H256;

/// The most trial ids one call of [`Pallet::trials_with_outcome_switch`] returns (a larger
/// `limit` is capped to it). In metadata as the constant `MaxOutcomeSwitchPage`.
pub const MAX_OUTCOME_SWITCH_PAGE: u32 = 1_000;

impl<T: Config> Pallet<T> {
	/// Everything the chain knows about a trial, flat (for the runtime API).
	///
	/// ## Complexity
	/// Five reads: the trial, its history, current and removed sites, flags.
	pub fn trial(trial_id: TrialId) -> Option<TrialInfoOf<T>> {
		let trial = Trials::<T>::get(trial_id)?;
		Some(TrialInfo {
			trial_id,
			sponsor: trial.sponsor,
			registry_id: trial.registry_id.into_inner(),
			status: trial.status,
			protocol_version: trial.protocol_version,
			protocol_hash: trial.protocol_hash,
			outcomes: trial.outcomes.into_inner(),
			planned_enrollment: trial.planned_enrollment,
			enrolled: trial.enrolled,
			withdrawn: trial.withdrawn,
			over_enrollment: trial.over_enrollment,
			registered_at: trial.registered_at,
			registry_id_released_at: trial.registry_id_released_at,
			first_enrollment: trial.first_enrollment,
			amendments_after_enrollment: trial.amendments_after_enrollment,
			outcomes_amended_after_enrollment: trial.outcomes_amended_after_enrollment,
			data_head: trial.data_head,
			commit_count: trial.commit_count,
			locked_at: trial.locked_at,
			results: trial.results.map(|r| r.map_outcomes(|o| o.into_inner())),
			protocol_history: ProtocolVersions::<T>::get(trial_id)
				.into_iter()
				.map(|v| v.map_outcomes(|o| o.into_inner()))
				.collect(),
			sites: Sites::<T>::get(trial_id).into_inner(),
			removed_sites: RemovedSites::<T>::get(trial_id).into_inner(),
			flags: Flags::<T>::get(trial_id).into_inner(),
		})
	}

	/// The trial's data commits in chain order (empty for an unknown trial).
	///
	/// ## Complexity
	/// O(`commit_count`), at most `MaxCommits` reads.
	pub fn data_commits(trial_id: TrialId) -> Vec<DataCommitOf<T>> {
		let count = Trials::<T>::get(trial_id).map(|t| t.commit_count).unwrap_or_default();
		(0..count).filter_map(|index| DataCommits::<T>::get(trial_id, index)).collect()
	}

	/// Recompute the trial's data chain from zero: `true` iff every commit
	/// `0 .. commit_count` is stored, each stored hash equals the recomputed one and the
	/// trial's head equals the last. `false` for an unknown trial.
	///
	/// ## Complexity
	/// O(`commit_count`) reads and hashes, at most `MaxCommits`.
	pub fn verify_data_chain(trial_id: TrialId) -> bool {
		let Some(trial) = Trials::<T>::get(trial_id) else { return false };
		let mut head = H256::zero();
		for index in 0..trial.commit_count {
			let Some(commit) = DataCommits::<T>::get(trial_id, index) else { return false };
			let hash =
				data_commit_hash(&head, &commit.batch_root, commit.record_count, &commit.submitter);
			if hash != commit.chain_hash {
				return false;
			}
			head = hash;
		}
		head == trial.data_head
	}

	/// One page of the trials whose published results switched outcomes, in increasing
	/// id order: the first `min(limit, MAX_OUTCOME_SWITCH_PAGE)` such ids greater than
	/// `after` (from the first one if `None`). To read them all, call again with
	/// `after = Some(last id returned)` until a page comes back shorter than the limit.
	///
	/// ## Complexity
	/// O(`min(limit, MAX_OUTCOME_SWITCH_PAGE)`) storage reads, whatever the chain holds.
	pub fn trials_with_outcome_switch(after: Option<TrialId>, limit: u32) -> Vec<TrialId> {
		let limit = limit.min(MAX_OUTCOME_SWITCH_PAGE) as usize;
		let keys = match after {
			Some(after) => OutcomeSwitchedTrials::<T>::iter_keys_from(
				OutcomeSwitchedTrials::<T>::hashed_key_for(outcome_switch_key(after)),
			),
			None => OutcomeSwitchedTrials::<T>::iter_keys(),
		};
		keys.take(limit).map(TrialId::from_be_bytes).collect()
	}

	/// The trial holding `registry_id`, if any (not a trial whose id governance
	/// released).
	pub fn trial_by_registry_id(registry_id: Vec<u8>) -> Option<TrialId> {
		let registry_id = RegistryIdOf::<T>::try_from(registry_id).ok()?;
		TrialByRegistryId::<T>::get(registry_id)
	}

	/// Whether `participant_commitment` is enrolled in the trial and has not withdrawn
	/// (whatever their consent says now: see [`Self::participant_status`]).
	pub fn is_enrolled(trial_id: TrialId, participant_commitment: H256) -> bool {
		Participants::<T>::get(trial_id, participant_commitment)
			.is_some_and(|p| p.withdrawal.is_none())
	}

	/// Everything the chain says about a participant, with their status now: `Withdrawn`
	/// if they withdrew; otherwise the Research consent toward the sponsor is checked
	/// again ([`ConsentChecker::ensure_purpose`], as at enrollment): `Active` with the
	/// consent that would authorize them now, or `ConsentLapsed`. `None` if the trial has
	/// no participant with this commitment.
	///
	/// ## Complexity
	/// Two reads plus the consent check (three reads, see `pallet_consent`).
	pub fn participant_status(
		trial_id: TrialId,
		participant_commitment: H256,
	) -> Option<ParticipantInfoOf<T>> {
		let participant = Participants::<T>::get(trial_id, participant_commitment)?;
		let sponsor = Trials::<T>::get(trial_id)?.sponsor;
		let status = match (&participant.withdrawal, &participant.patient) {
			(Some(_), _) => ParticipantStatus::Withdrawn,
			// Erasure withdraws the participant, so this is only defensive.
			(None, None) => ParticipantStatus::ConsentLapsed,
			(None, Some(patient)) => {
				match T::Consents::ensure_purpose(patient, &sponsor, Purpose::Research) {
					Ok(consent_id) => ParticipantStatus::Active { consent_id },
					Err(_) => ParticipantStatus::ConsentLapsed,
				}
			}
		};
		Some(ParticipantInfo {
			site: participant.site,
			enrolled_at: participant.enrolled_at,
			protocol_version: participant.protocol_version,
			enrollment_consent_id: participant.consent_id,
			withdrawal: participant.withdrawal,
			status,
		})
	}
}
