#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
#[allow(
	clippy::unwrap_used,
	clippy::panic,
	clippy::indexing_slicing,
	clippy::arithmetic_side_effects
)]
mod benchmarking;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // a test's overflow is a failed test
mod mock;
pub mod runtime_api;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // a test's overflow is a failed test
mod tests;
mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use frame_support::traits::Get;
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::{PatientErasure, PatientRegistry};
use sp_core::H256;
use sp_runtime::traits::{BlakeTwo256, CheckedDiv, Hash, Zero};

/// The identity commitment of `document` under `salt`: `blake2_256(salt ++ document)`.
///
/// What a client computes before `register_patient`/`onboard_patient`/`rotate_commitment`,
/// and what a provider recomputes from a presented identity to check it.
pub fn identity_commitment(salt: &[u8], document: &[u8]) -> H256 {
	<BlakeTwo256 as Hash>::hash(&[salt, document].concat())
}

impl<T: Config> Pallet<T> {
	/// What the chain knows of `who` as a patient (for the runtime API).
	pub fn patient(who: &T::AccountId) -> Option<PatientInfo<T::AccountId, BlockNumberFor<T>>> {
		if let Some(record) = Patients::<T>::get(who) {
			return Some(PatientInfo::Registered {
				commitment: record.commitment,
				registered_at: record.registered_at,
				onboarded_by: record.onboarded_by,
				attestations: record.attestations.into_inner(),
			});
		}
		Tombstones::<T>::get(who)
			.map(|deregistered_at| PatientInfo::Deregistered { deregistered_at })
	}

	/// Whether `who` is a registered patient whose current commitment is `commitment`.
	pub fn verify_commitment(who: &T::AccountId, commitment: H256) -> bool {
		Patients::<T>::get(who).is_some_and(|record| record.commitment == commitment)
	}

	/// How many fee-less calls `who` has left in the current window: 0 unless `who` is a
	/// registered patient attested by a Provider (a self-registered patient pays fees until
	/// then; the same rule as the fee-less check itself).
	pub fn free_calls_left(who: &T::AccountId) -> u32 {
		if !Patients::<T>::get(who).is_some_and(|record| record.is_attested()) {
			return 0;
		}
		T::FreeCallsPerWindow::get().saturating_sub(Self::free_calls_used(who))
	}

	/// The current rate-limit window: `block_number / RateLimitWindow` (window 0 for ever if
	/// `RateLimitWindow` were 0, which `integrity_test` forbids).
	pub fn current_window() -> BlockNumberFor<T> {
		frame_system::Pallet::<T>::block_number()
			.checked_div(&T::RateLimitWindow::get())
			.unwrap_or_else(Zero::zero)
	}

	/// Fee-less calls `who` made in the current window.
	fn free_calls_used(who: &T::AccountId) -> u32 {
		FreeCalls::<T>::get(who)
			.filter(|usage| usage.window == Self::current_window())
			.map_or(0, |usage| usage.used)
	}

	/// Whether `rotate_commitment(new_commitment)` signed by `who` is fee-less: quota left and
	/// the call will succeed.
	fn rotation_is_feeless(who: &T::AccountId, new_commitment: &H256) -> bool {
		Self::has_free_quota(who)
			&& !new_commitment.is_zero()
			&& Patients::<T>::get(who).is_some_and(|record| record.commitment != *new_commitment)
	}
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{pallet_prelude::*, traits::OriginTrait};
	use frame_system::pallet_prelude::*;
	use pallet_consortium::{Role, RoleProvider};

	/// The storage layout version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// The patient record as stored.
	pub type PatientRecordOf<T> = PatientRecord<
		<T as frame_system::Config>::AccountId,
		BlockNumberFor<T>,
		BoundedVec<<T as frame_system::Config>::AccountId, <T as Config>::MaxAttestations>,
	>;

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The consortium's role checks: who acts for an active Provider organization.
		type Roles: RoleProvider<Self::AccountId>;

		/// The most Provider attestations one patient can hold.
		#[pallet::constant]
		type MaxAttestations: Get<u32>;

		/// How many fee-less calls a registered patient may make per rate-limit window,
		/// across all pallets.
		#[pallet::constant]
		type FreeCallsPerWindow: Get<u32>;

		/// The length of a rate-limit window, in blocks. Must not be zero.
		#[pallet::constant]
		type RateLimitWindow: Get<BlockNumberFor<Self>>;

		/// What other pallets erase when a patient deregisters (the health-records pallet
		/// seals the patient's records); run inside `deregister`, its worst-case weight
		/// charged there.
		type Erasure: PatientErasure<Self::AccountId>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Registered patients, keyed by their account.
	#[pallet::storage]
	pub type Patients<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, PatientRecordOf<T>, OptionQuery>;

	/// Accounts that deregistered, with the block of their erasure. Never removed: a
	/// tombstoned account cannot register again.
	#[pallet::storage]
	pub type Tombstones<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BlockNumberFor<T>, OptionQuery>;

	/// Fee-less calls each registered patient made in its latest rate-limit window.
	#[pallet::storage]
	pub type FreeCalls<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		FreeCallUsage<BlockNumberFor<T>>,
		OptionQuery,
	>;

	/// The number of registered patients.
	#[pallet::storage]
	pub type PatientCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Patients registered from genesis (dev and test chains): `(account, commitment,
		/// onboarding Provider)`. A patient onboarded by a Provider is attested (fee-less
		/// calls); `None` is a self-registered, unattested patient.
		pub patients: Vec<(T::AccountId, H256, Option<T::AccountId>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (patient, commitment, onboarded_by) in &self.patients {
				// Genesis is built by the node operator: a bad preset must stop the chain
				// from starting rather than start it without the patient.
				Pallet::<T>::do_register(patient, *commitment, onboarded_by.clone())
					.expect("invalid genesis patient");
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An account was registered as a patient.
		PatientRegistered {
			/// The patient's account.
			patient: T::AccountId,
			/// The Provider organization that onboarded the patient, or `None` if the patient
			/// registered with their own key.
			onboarded_by: Option<T::AccountId>,
		},
		/// A Provider attested that it verified a patient's identity.
		PatientAttested {
			/// The patient's account.
			patient: T::AccountId,
			/// The attesting Provider organization.
			organization: T::AccountId,
		},
		/// A patient replaced their identity commitment; their attestations were cleared.
		CommitmentRotated {
			/// The patient's account.
			patient: T::AccountId,
		},
		/// A patient deregistered: their commitment and attestations were erased, a
		/// tombstone remains.
		PatientDeregistered {
			/// The former patient's account.
			patient: T::AccountId,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is already a registered patient.
		AlreadyRegistered,
		/// The account is not a registered patient.
		NotAPatient,
		/// The account deregistered (right to erasure); it can never be a patient again.
		DeregisteredPatient,
		/// The commitment is all zeroes: the client did not hash the identity.
		EmptyCommitment,
		/// The new commitment equals the current one.
		SameCommitment,
		/// This organization has already attested this patient.
		AlreadyAttested,
		/// The patient already holds `MaxAttestations` attestations.
		TooManyAttestations,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register the signer as a patient. Not fee-less: a patient without tokens is
		/// onboarded by a Provider instead.
		///
		/// - `origin`: signed by the patient's own key.
		/// - `identity_commitment`: `blake2_256(salt ++ identity document)`, non-zero.
		///
		/// Emits [`Event::PatientRegistered`] (`onboarded_by: None`).
		///
		/// ## Complexity
		/// O(1).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - [`Error::DeregisteredPatient`]: the signer deregistered; it can never register
		///   again.
		/// - [`Error::AlreadyRegistered`].
		/// - [`Error::EmptyCommitment`]: `identity_commitment` is all zeros.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_patient())]
		pub fn register_patient(origin: OriginFor<T>, identity_commitment: H256) -> DispatchResult {
			let patient = ensure_signed(origin)?;
			Self::do_register(&patient, identity_commitment, None)?;
			Self::deposit_event(Event::PatientRegistered { patient, onboarded_by: None });
			Ok(())
		}

		/// Register `patient` on their behalf, at a Provider's front desk; the Provider pays.
		///
		/// - `origin`: signed by the admin or a staff member of an active Provider.
		/// - `patient`: the patient's own account (its key stays with the patient).
		/// - `identity_commitment`: `blake2_256(salt ++ identity document)`, non-zero.
		///
		/// Emits [`Event::PatientRegistered`] (`onboarded_by: Some(organization)`).
		///
		/// ## Complexity
		/// O(1).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization),
		///   [`MissingRole`](pallet_consortium::Error::MissingRole): the signer does not act
		///   for an active Provider.
		/// - [`Error::DeregisteredPatient`]: `patient` deregistered.
		/// - [`Error::AlreadyRegistered`].
		/// - [`Error::EmptyCommitment`]: `identity_commitment` is all zeros.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::onboard_patient())]
		pub fn onboard_patient(
			origin: OriginFor<T>,
			patient: T::AccountId,
			identity_commitment: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let organization = T::Roles::ensure_role(&who, Role::Provider)?;
			Self::do_register(&patient, identity_commitment, Some(organization.clone()))?;
			Self::deposit_event(Event::PatientRegistered {
				patient,
				onboarded_by: Some(organization),
			});
			Ok(())
		}

		/// Attest that the signer's Provider verified the identity behind `patient`'s
		/// current commitment.
		///
		/// - `origin`: signed by the admin or a staff member of an active Provider.
		/// - `patient`: a registered patient.
		///
		/// Emits [`Event::PatientAttested`].
		///
		/// ## Complexity
		/// O(`MaxAttestations`) to look for a duplicate.
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization),
		///   [`MissingRole`](pallet_consortium::Error::MissingRole): the signer does not act
		///   for an active Provider.
		/// - [`Error::DeregisteredPatient`], [`Error::NotAPatient`]: `patient` is not a
		///   registered patient.
		/// - [`Error::AlreadyAttested`]: the signer's organization already attested `patient`.
		/// - [`Error::TooManyAttestations`]: `patient` holds `MaxAttestations` attestations.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::attest_patient())]
		pub fn attest_patient(origin: OriginFor<T>, patient: T::AccountId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let organization = T::Roles::ensure_role(&who, Role::Provider)?;
			let mut record = Self::ensure_registered(&patient)?;
			ensure!(!record.attestations.contains(&organization), Error::<T>::AlreadyAttested);
			record
				.attestations
				.try_push(organization.clone())
				.map_err(|_| Error::<T>::TooManyAttestations)?;
			Patients::<T>::insert(&patient, record);
			Self::deposit_event(Event::PatientAttested { patient, organization });
			Ok(())
		}

		/// Replace the signer's identity commitment (a leaked salt, a new identity
		/// document). The attestations are cleared: they vouched for the old commitment.
		///
		/// Fee-less for a registered patient with free calls left in the current window
		/// (uses one); charged otherwise.
		///
		/// - `origin`: signed by the patient.
		/// - `new_commitment`: `blake2_256(new salt ++ identity document)`, non-zero and
		///   different from the current one.
		///
		/// Emits [`Event::CommitmentRotated`].
		///
		/// ## Complexity
		/// O(1).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - [`Error::DeregisteredPatient`], [`Error::NotAPatient`]: the signer is not a
		///   registered patient.
		/// - [`Error::EmptyCommitment`]: `new_commitment` is all zeros.
		/// - [`Error::SameCommitment`]: `new_commitment` is the current one.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::rotate_commitment())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, new_commitment: &H256| -> bool {
			origin
				.as_signer()
				.is_some_and(|who| Pallet::<T>::rotation_is_feeless(who, new_commitment))
		})]
		pub fn rotate_commitment(origin: OriginFor<T>, new_commitment: H256) -> DispatchResult {
			let patient = ensure_signed(origin)?;
			let record = Self::ensure_registered(&patient)?;
			ensure!(!new_commitment.is_zero(), Error::<T>::EmptyCommitment);
			ensure!(record.commitment != new_commitment, Error::<T>::SameCommitment);
			Patients::<T>::insert(
				&patient,
				PatientRecord {
					commitment: new_commitment,
					attestations: BoundedVec::new(),
					..record
				},
			);
			Self::note_free_call(&patient);
			Self::deposit_event(Event::CommitmentRotated { patient });
			Ok(())
		}

		/// Deregister the signer (right to erasure): the commitment, the attestations and
		/// the fee-less call counter are deleted; a tombstone with the current block number
		/// remains, so the account can never register again and other pallets refuse new
		/// data for it. In the same call the runtime's erasure handlers run
		/// ([`Config::Erasure`]: the patient's records are sealed, up to the handler's bound
		/// per call; every query hides their locators at once). Record hashes anchored before
		/// stay verifiable. The account is never reaped (see the crate docs).
		///
		/// Fee-less for an attested patient with free calls left in the current window;
		/// charged otherwise. (The call counter is erased with the rest, so nothing is noted.)
		///
		/// - `origin`: signed by the patient's own key (a guardian proxy may not deregister).
		///
		/// Emits [`Event::PatientDeregistered`] (after the handlers' events).
		///
		/// ## Complexity
		/// O(1) here plus the erasure handlers' bounded work.
		///
		/// ## Errors
		///
		/// In the order checked (the erasure handlers cannot fail):
		/// - `BadOrigin`: the origin is not signed.
		/// - [`Error::DeregisteredPatient`]: the signer already deregistered.
		/// - [`Error::NotAPatient`]: the signer is not a registered patient.
		#[pallet::call_index(4)]
		#[pallet::weight(
			T::WeightInfo::deregister().saturating_add(T::Erasure::max_erasure_weight())
		)]
		#[pallet::feeless_if(|origin: &OriginFor<T>| -> bool {
			origin.as_signer().is_some_and(Pallet::<T>::has_free_quota)
		})]
		pub fn deregister(origin: OriginFor<T>) -> DispatchResultWithPostInfo {
			let patient = ensure_signed(origin)?;
			Self::ensure_registered(&patient)?;
			Patients::<T>::remove(&patient);
			FreeCalls::<T>::remove(&patient);
			Tombstones::<T>::insert(&patient, frame_system::Pallet::<T>::block_number());
			PatientCount::<T>::mutate(|count| *count = count.saturating_sub(1));
			// The sufficient reference taken at registration stays: see the crate docs.
			let erasure = T::Erasure::on_patient_deregistered(&patient);
			Self::deposit_event(Event::PatientDeregistered { patient });
			Ok(Some(T::WeightInfo::deregister().saturating_add(erasure)).into())
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(!T::RateLimitWindow::get().is_zero(), "RateLimitWindow must not be zero");
			assert!(T::MaxAttestations::get() > 0, "MaxAttestations must not be zero");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	impl<T: Config> Pallet<T> {
		/// `who`'s patient record, or `DeregisteredPatient` / `NotAPatient`.
		pub(crate) fn ensure_registered(
			who: &T::AccountId,
		) -> Result<PatientRecordOf<T>, DispatchError> {
			ensure!(!Tombstones::<T>::contains_key(who), Error::<T>::DeregisteredPatient);
			Patients::<T>::get(who).ok_or_else(|| Error::<T>::NotAPatient.into())
		}

		/// Register `patient` with `commitment`. Checks everything, writes only after.
		pub(crate) fn do_register(
			patient: &T::AccountId,
			commitment: H256,
			onboarded_by: Option<T::AccountId>,
		) -> DispatchResult {
			ensure!(!Tombstones::<T>::contains_key(patient), Error::<T>::DeregisteredPatient);
			ensure!(!Patients::<T>::contains_key(patient), Error::<T>::AlreadyRegistered);
			ensure!(!commitment.is_zero(), Error::<T>::EmptyCommitment);
			let count = PatientCount::<T>::get().saturating_add(1);
			Patients::<T>::insert(
				patient,
				PatientRecord {
					commitment,
					registered_at: frame_system::Pallet::<T>::block_number(),
					onboarded_by,
					attestations: BoundedVec::new(),
				},
			);
			PatientCount::<T>::put(count);
			// Keep a zero-balance patient account alive, so it passes `CheckNonce`.
			frame_system::Pallet::<T>::inc_sufficients(patient);
			Ok(())
		}

		/// Check the pallet's invariants:
		/// - no account is both a registered patient and tombstoned;
		/// - every commitment is non-zero and every attestation list is free of duplicates;
		/// - every registered or tombstoned patient's account holds a sufficient reference;
		/// - fee-less call counters exist only for registered patients;
		/// - `PatientCount` equals the number of registered patients.
		///
		/// (Attesting organizations may since have been suspended or lost the Provider role:
		/// an attestation is a record of the past, so that is not checked.)
		///
		/// Always compiled (not only under `try-runtime`): the runtime fuzz harness
		/// (`fuzz/harness`) checks it after every block without that feature.
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use alloc::collections::btree_set::BTreeSet;
			let mut patients: u32 = 0;
			for (who, record) in Patients::<T>::iter() {
				patients = patients.saturating_add(1);
				ensure!(!Tombstones::<T>::contains_key(&who), "a patient is also tombstoned");
				ensure!(!record.commitment.is_zero(), "a zero commitment is stored");
				let distinct: BTreeSet<&T::AccountId> = record.attestations.iter().collect();
				ensure!(
					distinct.len() == record.attestations.len(),
					"an organization attested a patient twice"
				);
				ensure!(
					frame_system::Pallet::<T>::sufficients(&who) > 0,
					"a patient account has no sufficient reference"
				);
			}
			for (who, _) in Tombstones::<T>::iter() {
				ensure!(
					frame_system::Pallet::<T>::sufficients(&who) > 0,
					"a tombstoned account has no sufficient reference"
				);
			}
			for (who, _) in FreeCalls::<T>::iter() {
				ensure!(Patients::<T>::contains_key(&who), "free-call counter of a non-patient");
			}
			ensure!(PatientCount::<T>::get() == patients, "PatientCount does not match Patients");
			Ok(())
		}
	}
}

impl<T: Config> PatientRegistry<T::AccountId> for Pallet<T> {
	fn is_registered(who: &T::AccountId) -> bool {
		Patients::<T>::contains_key(who)
	}

	fn is_deregistered(who: &T::AccountId) -> bool {
		Tombstones::<T>::contains_key(who)
	}

	/// Only attested patients (onboarded by a Provider, or attested by one for their current
	/// commitment) get fee-less calls.
	fn has_free_quota(who: &T::AccountId) -> bool {
		Patients::<T>::get(who).is_some_and(|record| record.is_attested())
			&& !Tombstones::<T>::contains_key(who)
			&& Self::free_calls_used(who) < T::FreeCallsPerWindow::get()
	}

	/// Count one fee-less call of `who` in the current window. Does nothing for an account
	/// that is not a registered patient (it has no fee-less calls to count).
	fn note_free_call(who: &T::AccountId) {
		if !Patients::<T>::contains_key(who) {
			return;
		}
		let window = Self::current_window();
		FreeCalls::<T>::mutate(who, |maybe_usage| {
			let used = match maybe_usage {
				Some(usage) if usage.window == window => usage.used.saturating_add(1),
				_ => 1,
			};
			*maybe_usage = Some(FreeCallUsage { window, used });
		});
	}

	/// Registered as if onboarded (an attested patient, with fee-less calls), by the
	/// benchmark account `onboarding provider`.
	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmarks(who: &T::AccountId) {
		let provider = frame_benchmarking::account("onboarding provider", 0, 0);
		let _ = Self::do_register(who, H256::repeat_byte(0xbe), Some(provider));
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn deregister_for_benchmarks(who: &T::AccountId) {
		if Patients::<T>::take(who).is_some() {
			FreeCalls::<T>::remove(who);
			Tombstones::<T>::insert(who, frame_system::Pallet::<T>::block_number());
			PatientCount::<T>::mutate(|count| *count = count.saturating_sub(1));
		}
	}
}
