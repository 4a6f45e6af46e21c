//! The [`PatientErasure`] hook: what this pallet unlinks when a patient deregisters.

use crate::{
	patient_key, Config, EnrolledPatients, Event, Pallet, Participants, ParticipationsOf, Trials,
	WeightInfo, Withdrawal, Withdrawer,
};
use frame_support::traits::Get;
use medchain_primitives::PatientErasure;

/// Erasure (right to be forgotten): when a patient deregisters, each of their trial
/// enrollments ([`ParticipationsOf`]) loses its link to the patient's account
/// (`Participant::patient` becomes `None`, the [`EnrolledPatients`] key goes), and a
/// participant not yet withdrawn is withdrawn by the participant (the patient's own act),
/// with [`Event::ParticipantWithdrawn`]; the trial keeps the participant in its counts.
/// Bounded by `MaxTrialsPerPatient`.
impl<T: Config> PatientErasure<T::AccountId> for Pallet<T> {
	fn on_patient_deregistered(patient: &T::AccountId) -> frame_support::weights::Weight {
		use frame_support::traits::DefensiveSaturating;
		let participations = ParticipationsOf::<T>::take(patient);
		let count = participations.len() as u32;
		let now = Self::now();
		for (trial_id, commitment) in participations {
			EnrolledPatients::<T>::remove(trial_id, patient_key(trial_id, patient));
			let Some(mut participant) = Participants::<T>::get(trial_id, commitment) else {
				continue;
			};
			participant.patient = None;
			if participant.withdrawal.is_none() {
				participant.withdrawal = Some(Withdrawal { at: now, by: Withdrawer::Participant });
				if let Some(mut trial) = Trials::<T>::get(trial_id) {
					let withdrawn = trial.withdrawn.defensive_saturating_add(1);
					trial.withdrawn = withdrawn;
					Trials::<T>::insert(trial_id, trial);
					Self::deposit_event(Event::ParticipantWithdrawn {
						trial_id,
						participant_commitment: commitment,
						by: Withdrawer::Participant,
						withdrawn,
					});
				}
			}
			Participants::<T>::insert(trial_id, commitment, participant);
		}
		T::WeightInfo::erase_participations(count)
	}

	fn max_erasure_weight() -> frame_support::weights::Weight {
		T::WeightInfo::erase_participations(T::MaxTrialsPerPatient::get())
	}
}
