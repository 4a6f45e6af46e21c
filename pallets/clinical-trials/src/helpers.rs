//! The checks and lookups the calls share: the clock, the trial and its sponsor, who may
//! record a withdrawal, and the rules on outcome lists.

use crate::{
	pallet::WithdrawalCheckOf, Config, Error, Pallet, Participants, ProtocolHistoryOf,
	ProtocolVersions, Sites, TrialId, TrialOf, Trials, Withdrawer,
};
use alloc::vec::Vec;
use frame_support::ensure;
use medchain_primitives::Moment;
use pallet_consortium::{Role, RoleProvider};
use sp_core::H256;
use sp_runtime::{DispatchError, DispatchResult};

/// The length of a bounded list as a `u32` (saturating; lists are bounded by a `u32`).
pub(crate) fn len_u32<X>(items: &[X]) -> u32 {
	u32::try_from(items.len()).unwrap_or(u32::MAX)
}

impl<T: Config> Pallet<T> {
	/// The current block's time in milliseconds since the Unix epoch
	/// ([`medchain_primitives::now`] of `T::Time`).
	pub fn now() -> Moment {
		medchain_primitives::now::<T::Time>()
	}

	/// The trial with this id.
	pub(crate) fn trial_record(trial_id: TrialId) -> Result<TrialOf<T>, DispatchError> {
		Ok(Trials::<T>::get(trial_id).ok_or(Error::<T>::UnknownTrial)?)
	}

	/// The sponsor `who` acts for and the trial, if `who` acts for the trial's active
	/// sponsor.
	pub(crate) fn ensure_sponsor(
		who: &T::AccountId,
		trial_id: TrialId,
	) -> Result<(T::AccountId, TrialOf<T>), DispatchError> {
		let organization = T::Roles::ensure_organization(who)?;
		let trial = Self::trial_record(trial_id)?;
		ensure!(trial.sponsor == organization, Error::<T>::NotSponsor);
		Ok((organization, trial))
	}

	/// Every check of `withdraw_participant`, without writing anything: the trial, the
	/// participant and who may record the withdrawal (see the call).
	pub(crate) fn check_withdraw(
		who: &T::AccountId,
		trial_id: TrialId,
		participant_commitment: H256,
	) -> Result<WithdrawalCheckOf<T>, DispatchError> {
		let trial = Self::trial_record(trial_id)?;
		let participant = Participants::<T>::get(trial_id, participant_commitment)
			.ok_or(Error::<T>::UnknownParticipant)?;
		let by = if participant.patient.as_ref() == Some(who) {
			Withdrawer::Participant
		} else {
			let organization =
				T::Roles::organization_of(who).ok_or(Error::<T>::NotParticipantSiteOrSponsor)?;
			T::Roles::ensure_active_organization(&organization)?;
			if organization == trial.sponsor {
				Withdrawer::Sponsor
			} else {
				ensure!(
					organization == participant.site
						&& Sites::<T>::get(trial_id).contains(&organization)
						&& T::Roles::has_role(&organization, Role::Provider),
					Error::<T>::NotParticipantSiteOrSponsor
				);
				Withdrawer::Site(organization)
			}
		};
		ensure!(participant.withdrawal.is_none(), Error::<T>::AlreadyWithdrawn);
		Ok((trial, participant, by))
	}

	/// Fails with `ZeroHash` or `DuplicateOutcome` unless every outcome is non-zero and
	/// listed once.
	pub(crate) fn ensure_distinct_outcomes(outcomes: &[H256]) -> DispatchResult {
		for (i, outcome) in outcomes.iter().enumerate() {
			ensure!(!outcome.is_zero(), Error::<T>::ZeroHash);
			ensure!(
				!outcomes.iter().skip(i.saturating_add(1)).any(|o| o == outcome),
				Error::<T>::DuplicateOutcome
			);
		}
		Ok(())
	}

	/// Whether two duplicate-free outcome lists hold the same outcomes.
	pub(crate) fn same_outcome_set(a: &[H256], b: &[H256]) -> bool {
		a.len() == b.len() && a.iter().all(|o| b.contains(o))
	}

	/// The outcomes in force under protocol `version` of the trial: those of the latest
	/// version up to `version` that set outcomes.
	pub fn outcomes_at_version(trial_id: TrialId, version: u32) -> Option<Vec<H256>> {
		Self::outcomes_in(ProtocolVersions::<T>::get(trial_id), version)
	}

	/// The outcomes in force under protocol `version` in a trial's `history`.
	pub(crate) fn outcomes_in(history: ProtocolHistoryOf<T>, version: u32) -> Option<Vec<H256>> {
		history
			.into_iter()
			.rev()
			.filter(|v| v.version <= version)
			.find_map(|v| v.outcomes)
			.map(|outcomes| outcomes.into_inner())
	}
}
