//! What the calls share, and this pallet's side of other pallets' traits.
//!
//! - The checks and writes behind the calls in `lib.rs`: each call's checks without writing
//!   (also run by the `feeless_if` closures), the erasure step, the record id and the clock.
//! - [`PatientErasure`]: the identity pallet's `deregister` runs the first erasure step.
//! - [`RecordRegistry`]: the consent pallet asks which patient and category a record has.

#[cfg(feature = "runtime-benchmarks")]
use crate::{AuthorRecordCount, RecordNonce};
use crate::{
	Config, ErasedUpTo, Error, Event, Pallet, PatientRecords, Record, RecordCount, RecordId,
	RecordOf, Records, WeightInfo, RECORD_ID_DOMAIN,
};
use codec::Encode;
use frame_support::{dispatch::DispatchResult, ensure, traits::Get};
use medchain_primitives::{
	Moment, PatientErasure, PatientRegistry, RecordCategory, RecordRegistry,
};
use sp_core::H256;
use sp_runtime::DispatchError;

impl<T: Config> Pallet<T> {
	/// The current block's time in milliseconds since the Unix epoch
	/// ([`medchain_primitives::now`] of `T::Time`).
	pub fn now() -> Moment {
		medchain_primitives::now::<T::Time>()
	}

	/// The id of the record anchored for `patient` with `content_hash` under `nonce`:
	/// `blake2_256(SCALE(("medchain/record", patient, content_hash, nonce)))` (the domain
	/// tag encoded as a compact-length-prefixed byte string, `nonce` as a little-endian
	/// `u64`).
	pub fn derive_record_id(patient: &T::AccountId, content_hash: &H256, nonce: u64) -> RecordId {
		H256(sp_io::hashing::blake2_256(&(RECORD_ID_DOMAIN, patient, content_hash, nonce).encode()))
	}

	/// Count a fee-less call by `who` if it was fee-less (mirrors `feeless_if`).
	pub(crate) fn note_free_call(who: &T::AccountId) {
		if T::Patients::has_free_quota(who) {
			T::Patients::note_free_call(who);
		}
	}

	/// Fails unless `who` is a registered patient who has not deregistered.
	pub(crate) fn ensure_patient(who: &T::AccountId) -> DispatchResult {
		ensure!(!T::Patients::is_deregistered(who), Error::<T>::DeregisteredPatient);
		ensure!(T::Patients::is_registered(who), Error::<T>::NotAPatient);
		Ok(())
	}

	/// Every check on the record a new record of `patient` (by `author`, of `category`)
	/// would supersede; returns that record.
	pub(crate) fn check_supersede(
		patient: &T::AccountId,
		category: RecordCategory,
		author: &Option<T::AccountId>,
		previous_id: RecordId,
	) -> Result<RecordOf<T>, DispatchError> {
		let previous = Records::<T>::get(previous_id).ok_or(Error::<T>::UnknownRecord)?;
		ensure!(previous.patient == *patient, Error::<T>::RecordPatientMismatch);
		ensure!(!previous.is_superseded(), Error::<T>::AlreadySuperseded);
		ensure!(!previous.is_sealed(), Error::<T>::SealedRecord);
		ensure!(previous.category == category, Error::<T>::RecordCategoryMismatch);
		ensure!(previous.author == *author, Error::<T>::NotRecordAuthor);
		Ok(previous)
	}

	/// Every check of `erase_records`, without writing anything.
	pub(crate) fn check_erase(patient: &T::AccountId) -> DispatchResult {
		ensure!(T::Patients::is_deregistered(patient), Error::<T>::PatientNotDeregistered);
		ensure!(
			ErasedUpTo::<T>::get(patient) < RecordCount::<T>::get(patient),
			Error::<T>::ErasureComplete
		);
		Ok(())
	}

	/// One erasure step for `patient`: seal up to `MaxErasedPerCall` records from where the
	/// last step stopped. Emits `RecordsErased`; returns how many index positions it
	/// visited (what its weight depends on).
	pub(crate) fn do_erase(patient: &T::AccountId) -> u32 {
		let count = RecordCount::<T>::get(patient);
		let from = ErasedUpTo::<T>::get(patient);
		let to = from.saturating_add(T::MaxErasedPerCall::get()).min(count);
		let now = Self::now();
		let mut sealed: u32 = 0;
		for index in from..to {
			let Some(id) = PatientRecords::<T>::get(patient, index) else { continue };
			let Some(record) = Records::<T>::get(id) else { continue };
			if record.is_sealed() {
				continue;
			}
			Records::<T>::insert(id, Record { locator: None, sealed_at: Some(now), ..record });
			sealed = sealed.saturating_add(1);
		}
		ErasedUpTo::<T>::insert(patient, to);
		Self::deposit_event(Event::RecordsErased {
			patient: patient.clone(),
			sealed,
			remaining: count.saturating_sub(to),
		});
		to.saturating_sub(from)
	}

	/// Every check of `seal_record`, without writing anything; returns the record.
	pub(crate) fn check_seal(
		who: &T::AccountId,
		record_id: RecordId,
	) -> Result<RecordOf<T>, DispatchError> {
		let record = Records::<T>::get(record_id).ok_or(Error::<T>::UnknownRecord)?;
		ensure!(record.patient == *who, Error::<T>::NotRecordPatient);
		ensure!(!record.is_sealed(), Error::<T>::AlreadySealed);
		Ok(record)
	}
}

impl<T: Config> PatientErasure<T::AccountId> for Pallet<T> {
	/// The first erasure step, run inside `deregister`: seal up to `MaxErasedPerCall` of the
	/// patient's records.
	fn on_patient_deregistered(patient: &T::AccountId) -> sp_runtime::Weight {
		T::WeightInfo::erase_records(Self::do_erase(patient))
	}

	fn max_erasure_weight() -> sp_runtime::Weight {
		T::WeightInfo::erase_records(T::MaxErasedPerCall::get())
	}
}

impl<T: Config> RecordRegistry<T::AccountId, RecordId> for Pallet<T> {
	fn record_subject(record_id: &RecordId) -> Option<(T::AccountId, RecordCategory)> {
		Records::<T>::get(record_id).map(|record| (record.patient, record.category))
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn anchor_for_benchmarks(patient: &T::AccountId, category: RecordCategory) -> RecordId {
		let nonce = RecordNonce::<T>::get();
		let content_hash = H256::repeat_byte(0xbe);
		let record_id = Self::derive_record_id(patient, &content_hash, nonce);
		let index = RecordCount::<T>::get(patient);
		Records::<T>::insert(
			record_id,
			Record {
				patient: patient.clone(),
				category,
				content_hash,
				locator: Some(frame_support::BoundedVec::truncate_from(alloc::vec![b'l'; 1])),
				author: None,
				anchored_by: patient.clone(),
				anchored_at: Self::now(),
				block: frame_system::Pallet::<T>::block_number(),
				supersedes: None,
				superseded_by: None,
				sealed_at: None,
			},
		);
		PatientRecords::<T>::insert(patient, index, record_id);
		RecordCount::<T>::insert(patient, index.saturating_add(1));
		AuthorRecordCount::<T>::mutate(patient, None::<T::AccountId>, |n| *n = n.saturating_add(1));
		RecordNonce::<T>::put(nonce.saturating_add(1));
		record_id
	}
}
