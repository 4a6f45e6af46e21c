//! The pallet's invariants ([`Pallet::do_try_state`]), checked by `try_state` under
//! `try-runtime` and by the runtime fuzz harness after every block.

use crate::{
	outcome_switch_key, patient_key, Config, DataCommits, EnrolledPatients, NextTrialId,
	OutcomeSwitchedTrials, Pallet, Participants, ParticipationsOf, ProtocolVersions,
	RegistryIdReservations, RemovedSites, Sites, TrialByRegistryId, TrialId, TrialStatus, Trials,
};
use frame_support::{ensure, traits::Get};
use sp_core::H256;

impl<T: Config> Pallet<T> {
	/// Check the pallet's invariants, for every trial:
	/// - its id is below `NextTrialId`; unless governance released its registry id, the
	///   registry index maps that id back to it and no reservation names it; if released,
	///   the index does not name the trial (every index entry names an unreleased trial
	///   with that registry id, and no reserved id is in the index);
	/// - its history holds versions `1 ..= protocol_version` in order, version 1 sets the
	///   outcomes, and the outcomes of the latest version are the ones in force;
	/// - `enrolled` equals its stored participants and enrolled-patient keys (at most
	///   `MaxParticipants`), each participant's patient key is stored, `withdrawn` equals
	///   the participants with a withdrawal (none before its enrollment), each
	///   participant's site is a current or removed site, and `first_enrollment` is set
	///   iff someone was enrolled;
	/// - its data commits are exactly positions `0 .. commit_count` (at most
	///   `MaxCommits`), the chain recomputes ([`Self::verify_data_chain`]) and the head is
	///   the last hash (zero without commits);
	/// - its current and removed sites are distinct, disjoint and together at most
	///   `MaxSites`; its status agrees with `locked_at` and `results`, and a locked trial
	///   has data commits;
	/// - it is in `OutcomeSwitchedTrials` iff its results switched outcomes.
	///
	/// Always compiled (not only under `try-runtime`): the runtime fuzz harness
	/// (`fuzz/harness`) checks it after every block without that feature.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let next_id = NextTrialId::<T>::get();
		for (id, trial) in Trials::<T>::iter() {
			ensure!(id < next_id, "trial id not below NextTrialId");
			if trial.registry_id_released_at.is_none() {
				ensure!(
					TrialByRegistryId::<T>::get(&trial.registry_id) == Some(id),
					"registry index does not map back to the trial"
				);
				ensure!(
					!RegistryIdReservations::<T>::contains_key(&trial.registry_id),
					"a held registry id is reserved"
				);
			} else {
				ensure!(
					TrialByRegistryId::<T>::get(&trial.registry_id) != Some(id),
					"registry index names a trial whose id was released"
				);
			}
			let history = ProtocolVersions::<T>::get(id);
			ensure!(
				history.len() == trial.protocol_version as usize,
				"history length differs from the protocol version"
			);
			for (position, version) in history.iter().enumerate() {
				ensure!(
					version.version as usize == position.saturating_add(1),
					"history versions out of order"
				);
			}
			ensure!(
				history.first().is_some_and(|v| v.sets_outcomes()),
				"version 1 does not set the outcomes"
			);
			ensure!(
				history.last().map(|v| v.protocol_hash) == Some(trial.protocol_hash),
				"protocol hash in force differs from the latest version"
			);
			ensure!(
				Self::outcomes_at_version(id, trial.protocol_version).as_deref()
					== Some(trial.outcomes.as_slice()),
				"outcomes in force differ from the latest version's"
			);
			let sites = Sites::<T>::get(id);
			let removed_sites = RemovedSites::<T>::get(id);
			let mut participants = 0usize;
			let mut withdrawn = 0usize;
			let mut linked = 0usize;
			for (commitment, participant) in Participants::<T>::iter_prefix(id) {
				participants = participants.saturating_add(1);
				if let Some(patient) = &participant.patient {
					linked = linked.saturating_add(1);
					ensure!(
						EnrolledPatients::<T>::contains_key(id, patient_key(id, patient)),
						"participant's patient key not stored"
					);
					ensure!(
						ParticipationsOf::<T>::get(patient).contains(&(id, commitment)),
						"participation not indexed for its patient"
					);
				} else {
					ensure!(
						participant.withdrawal.is_some(),
						"an erased participant is not withdrawn"
					);
				}
				ensure!(
					sites.contains(&participant.site) || removed_sites.contains(&participant.site),
					"participant's site was never a site"
				);
				if let Some(withdrawal) = &participant.withdrawal {
					withdrawn = withdrawn.saturating_add(1);
					ensure!(
						withdrawal.at >= participant.enrolled_at,
						"withdrawal before enrollment"
					);
				}
			}
			let patients = EnrolledPatients::<T>::iter_prefix(id).count();
			ensure!(participants == trial.enrolled as usize, "enrolled count differs");
			ensure!(patients == linked, "enrolled patient keys differ from linked participants");
			ensure!(withdrawn == trial.withdrawn as usize, "withdrawn count differs");
			ensure!(
				trial.enrolled <= T::MaxParticipants::get(),
				"more participants than MaxParticipants"
			);
			ensure!(
				trial.first_enrollment.is_some() == (trial.enrolled > 0),
				"first enrollment and enrolled count disagree"
			);
			let commits = DataCommits::<T>::iter_prefix(id).count();
			ensure!(commits == trial.commit_count as usize, "commit count differs");
			ensure!(trial.commit_count <= T::MaxCommits::get(), "more commits than MaxCommits");
			let last_hash = match trial.commit_count.checked_sub(1) {
				Some(last) => DataCommits::<T>::get(id, last).map(|c| c.chain_hash),
				None => Some(H256::zero()),
			};
			ensure!(last_hash == Some(trial.data_head), "head is not the last commit's hash");
			ensure!(Self::verify_data_chain(id), "data chain does not recompute");
			for (i, site) in sites.iter().enumerate() {
				ensure!(
					!sites.iter().skip(i.saturating_add(1)).any(|s| s == site),
					"duplicate site"
				);
				ensure!(!removed_sites.contains(site), "a current site is also removed");
			}
			for (i, site) in removed_sites.iter().enumerate() {
				ensure!(
					!removed_sites.iter().skip(i.saturating_add(1)).any(|s| s == site),
					"duplicate removed site"
				);
			}
			ensure!(
				sites.len().saturating_add(removed_sites.len()) <= T::MaxSites::get() as usize,
				"more current and removed sites than MaxSites"
			);
			ensure!(
				trial.status.is_locked() == trial.locked_at.is_some(),
				"status and locked_at disagree"
			);
			ensure!(
				!trial.status.is_locked() || trial.commit_count > 0,
				"locked without data commits"
			);
			ensure!(
				(trial.status == TrialStatus::Published) == trial.results.is_some(),
				"status and results disagree"
			);
			ensure!(
				OutcomeSwitchedTrials::<T>::contains_key(outcome_switch_key(id))
					== trial.results.as_ref().is_some_and(|r| r.status.is_switched()),
				"outcome-switch index disagrees with the results"
			);
		}
		for (registry_id, id) in TrialByRegistryId::<T>::iter() {
			ensure!(
				Trials::<T>::get(id).is_some_and(
					|t| t.registry_id == registry_id && t.registry_id_released_at.is_none()
				),
				"registry index names a trial with another or a released registry id"
			);
		}
		for registry_id in RegistryIdReservations::<T>::iter_keys() {
			ensure!(
				!TrialByRegistryId::<T>::contains_key(&registry_id),
				"a reserved registry id is held by a trial"
			);
		}
		for key in OutcomeSwitchedTrials::<T>::iter_keys() {
			ensure!(
				Trials::<T>::contains_key(TrialId::from_be_bytes(key)),
				"outcome-switch index names no trial"
			);
		}
		Ok(())
	}
}
