//! The pallet's invariants ([`Pallet::do_try_state`]), checked by `try_state` and by the runtime
//! fuzz harness.

use crate::{
	AuthorRecordCount, Batches, Config, ErasedUpTo, NextBatchId, Pallet, PatientRecords,
	RecordCount, RecordNonce, Records,
};
use frame_support::{ensure, traits::Get};

impl<T: Config> Pallet<T> {
	/// Check the pallet's invariants:
	/// - each patient's index holds exactly positions `0 .. RecordCount` (within
	///   `MaxRecordsPerAuthor` per author, the per-author counts adding up), each naming a
	///   stored record of that patient (sealed below the erasure cursor), and every
	///   stored record is indexed exactly once (no orphans);
	/// - there are at most `RecordNonce` records;
	/// - a record is sealed exactly when its locator is gone; a stored locator is
	///   non-empty;
	/// - version links are mutual (`a.superseded_by == b` iff `b.supersedes == a`) and
	///   link records of the same patient, category and author;
	/// - batches have ids below `NextBatchId` and `1..=MaxBatchLeaves` leaves.
	///
	/// Always compiled (not only under `try-runtime`): the runtime fuzz harness
	/// (`fuzz/harness`) checks it after every block without that feature.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let mut indexed: u64 = 0;
		for (patient, count) in RecordCount::<T>::iter() {
			let mut by_authors: u32 = 0;
			for (_, authored) in AuthorRecordCount::<T>::iter_prefix(&patient) {
				ensure!(
					authored <= T::MaxRecordsPerAuthor::get(),
					"more records than MaxRecordsPerAuthor"
				);
				by_authors = by_authors.saturating_add(authored);
			}
			ensure!(by_authors == count, "per-author counts do not add up to RecordCount");
			let erased_up_to = ErasedUpTo::<T>::get(&patient);
			ensure!(erased_up_to <= count, "erasure beyond the index");
			for index in 0..count {
				let id = PatientRecords::<T>::get(&patient, index)
					.ok_or("index position below RecordCount is empty")?;
				let record = Records::<T>::get(id).ok_or("indexed record not stored")?;
				ensure!(record.patient == patient, "record indexed for another patient");
				ensure!(
					index >= erased_up_to || record.is_sealed(),
					"a record below the erasure cursor is not sealed"
				);
				indexed = indexed.saturating_add(1);
			}
		}
		let mut index_entries: u64 = 0;
		for (patient, index, _) in PatientRecords::<T>::iter() {
			ensure!(index < RecordCount::<T>::get(&patient), "index entry beyond RecordCount");
			index_entries = index_entries.saturating_add(1);
		}
		ensure!(index_entries == indexed, "index entries and RecordCount disagree");
		let mut stored: u64 = 0;
		for (id, record) in Records::<T>::iter() {
			stored = stored.saturating_add(1);
			ensure!(
				record.is_sealed() == record.locator.is_none(),
				"sealed_at and locator disagree"
			);
			ensure!(record.locator.as_ref().is_none_or(|l| !l.is_empty()), "empty locator stored");
			if let Some(next_id) = record.superseded_by {
				let next = Records::<T>::get(next_id).ok_or("successor not stored")?;
				ensure!(next.supersedes == Some(id), "successor does not link back");
				ensure!(
					next.patient == record.patient
						&& next.category == record.category
						&& next.author == record.author,
					"version chain mixes patients, categories or authors"
				);
			}
			if let Some(previous_id) = record.supersedes {
				let previous = Records::<T>::get(previous_id).ok_or("predecessor not stored")?;
				ensure!(previous.superseded_by == Some(id), "predecessor does not link forward");
			}
		}
		ensure!(stored == indexed, "stored records and index disagree");
		ensure!(stored <= RecordNonce::<T>::get(), "more records than the nonce");
		let next_batch = NextBatchId::<T>::get();
		for (id, batch) in Batches::<T>::iter() {
			ensure!(id < next_batch, "batch id not below NextBatchId");
			ensure!(
				batch.leaf_count > 0 && batch.leaf_count <= T::MaxBatchLeaves::get(),
				"batch leaf count out of range"
			);
		}
		Ok(())
	}
}
