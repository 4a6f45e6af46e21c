//! `ClinicalTrialsApi`: what patients, sponsors, regulators, journals and auditors can ask
//! about trials, by metadata alone (`api.call.clinicalTrialsApi.*` in polkadot.js).

use crate::{DataCommit, ParticipantInfo, TrialId, TrialInfo};
use alloc::vec::Vec;
use codec::Codec;
use sp_core::H256;

sp_api::decl_runtime_apis! {
	/// Queries about registered trials, their data chains and outcome reporting.
	pub trait ClinicalTrialsApi<AccountId>
	where
		AccountId: Codec,
	{
		/// Everything the chain knows about a trial: sponsor, registry id, status, protocol
		/// in force and its history, outcomes, enrollment, data head, lock, results with the
		/// outcome-reporting status, sites and regulators' flags. `None` if unknown.
		fn trial(trial_id: TrialId) -> Option<TrialInfo<AccountId>>;
		/// The trial's data commits in chain order (empty if unknown).
		fn data_commits(trial_id: TrialId) -> Vec<DataCommit<AccountId>>;
		/// Whether the trial's data chain recomputes from zero to its stored head (`false`
		/// for an unknown trial or any mismatch).
		fn verify_data_chain(trial_id: TrialId) -> bool;
		/// One page of the trials whose published results switched outcomes, in increasing
		/// id order: at most `min(limit, MaxOutcomeSwitchPage)` (1,000) ids greater than
		/// `after` (from the first if `None`). Page on with `after = Some(last id returned)`
		/// until a page is shorter than the limit.
		fn trials_with_outcome_switch(after: Option<TrialId>, limit: u32) -> Vec<TrialId>;
		/// The trial holding a public registry id (e.g. `b"NCT01234567"`), if any (not a
		/// trial whose id governance released).
		fn trial_by_registry_id(registry_id: Vec<u8>) -> Option<TrialId>;
		/// Whether a participant commitment is enrolled in the trial and has not withdrawn.
		fn participant_enrolled(trial_id: TrialId, participant_commitment: H256) -> bool;
		/// A participant's site, enrollment, enrolling consent, withdrawal and status now
		/// (`Active` with the Research consent in force, `ConsentLapsed` or `Withdrawn`).
		/// `None` if the trial has no participant with this commitment.
		fn participant_status(
			trial_id: TrialId,
			participant_commitment: H256,
		) -> Option<ParticipantInfo<AccountId>>;
	}
}
