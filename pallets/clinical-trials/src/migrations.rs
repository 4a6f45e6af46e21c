//! Storage migrations of the clinical-trials pallet. Add them to the runtime's `Migrations`.

/// Storage version 2 → 3: a participant's patient becomes optional (erasure on
/// deregistration unlinks it) and [`ParticipationsOf`](crate::ParticipationsOf) indexes each
/// patient's enrollments.
pub mod v3 {
	use crate::{
		patient_key, Config, EnrolledPatients, Pallet, Participant, Participants, ParticipationsOf,
		TrialId, Withdrawal, Withdrawer,
	};
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::*,
		traits::{Get, UncheckedOnRuntimeUpgrade},
	};
	use medchain_primitives::{ConsentId, Moment, PatientRegistry};
	use sp_core::H256;

	/// The layout this migration reads.
	pub mod v2 {
		use super::*;

		/// A v2 participant: the patient's account always stored.
		#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
		pub struct Participant<AccountId> {
			/// The participant's patient account.
			pub patient: AccountId,
			/// The site that enrolled them.
			pub site: AccountId,
			/// When.
			pub enrolled_at: Moment,
			/// The protocol version in force at enrollment.
			pub protocol_version: u32,
			/// The Research consent that authorized the enrollment.
			pub consent_id: ConsentId,
			/// The withdrawal, if any.
			pub withdrawal: Option<Withdrawal<AccountId>>,
		}

		/// v2 `Participants`.
		#[frame_support::storage_alias]
		pub type Participants<T: Config> = StorageDoubleMap<
			Pallet<T>,
			Blake2_128Concat,
			TrialId,
			Blake2_128Concat,
			H256,
			Participant<<T as frame_system::Config>::AccountId>,
			OptionQuery,
		>;
	}

	/// Rewrites every participant with `patient: Some(..)` and lists it in its patient's
	/// [`ParticipationsOf`]; run it only through [`MigrateV2ToV3`].
	///
	/// A participant whose patient has already deregistered (v2 never erased trial
	/// participation) is erased now, as deregistering does from v3 on: its
	/// patient link and [`EnrolledPatients`] key removed, withdrawn by the participant if it
	/// was not. A patient enrolled in more than `MaxTrialsPerPatient` trials keeps the links
	/// beyond the bound out of the index (possible only on a chain that enrolled them before
	/// the bound existed; erasure then unlinks only the indexed ones).
	///
	/// Weight: one pass over `Participants` and one index read and write per participant;
	/// unbounded, like the other pallets' single-block migrations (fine for the test and dev
	/// chains this runtime has run on).
	pub struct InnerMigrateV2ToV3<T>(PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV2ToV3<T> {
		fn on_runtime_upgrade() -> Weight {
			let now = Pallet::<T>::now();
			let mut reads: u64 = 0;
			let mut writes: u64 = 0;
			// Trials with a participant withdrawn here (erased), once per such participant.
			let mut withdrawn_in: alloc::vec::Vec<TrialId> = alloc::vec::Vec::new();
			Participants::<T>::translate::<v2::Participant<T::AccountId>, _>(
				|trial_id, commitment, old| {
					reads = reads.saturating_add(2);
					writes = writes.saturating_add(1);
					let keep = !T::Patients::is_deregistered(&old.patient);
					if keep {
						writes = writes.saturating_add(1);
						ParticipationsOf::<T>::mutate(&old.patient, |list| {
							let _beyond_bound = list.try_push((trial_id, commitment));
						});
					} else {
						writes = writes.saturating_add(1);
						EnrolledPatients::<T>::remove(
							trial_id,
							patient_key(trial_id, &old.patient),
						);
						if old.withdrawal.is_none() {
							withdrawn_in.push(trial_id);
						}
					}
					let withdrawal = match (old.withdrawal, keep) {
						(Some(w), _) => Some(w),
						(None, true) => None,
						(None, false) => Some(Withdrawal { at: now, by: Withdrawer::Participant }),
					};
					Some(Participant {
						patient: keep.then_some(old.patient),
						site: old.site,
						enrolled_at: old.enrolled_at,
						protocol_version: old.protocol_version,
						consent_id: old.consent_id,
						withdrawal,
					})
				},
			);
			// The trials' withdrawal counts follow the withdrawals made here.
			for trial_id in withdrawn_in {
				reads = reads.saturating_add(1);
				writes = writes.saturating_add(1);
				crate::Trials::<T>::mutate(trial_id, |trial| {
					if let Some(trial) = trial {
						trial.withdrawn = trial.withdrawn.saturating_add(1);
					}
				});
			}
			T::DbWeight::get().reads_writes(reads, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Pallet::<T>::do_try_state()
		}
	}

	/// [`InnerMigrateV2ToV3`], run once when the on-chain storage version is 2; sets it to 3.
	pub type MigrateV2ToV3<T> = VersionedMigration<
		2,
		3,
		InnerMigrateV2ToV3<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
