//! The queries behind the runtime API
//! ([`HealthRecordsApi`](crate::runtime_api::HealthRecordsApi)) and the consortium's gateway
//! directory ([`Pallet::authors_of`]).

use crate::{
	expected_proof_len, AuthorRecordCount, BatchId, BatchOf, Batches, Config, InclusionError,
	Pallet, PatientRecords, RecordCount, RecordId, RecordInfoOf, RecordOf, RecordVerification,
	Records, MAX_PROOF_ITEMS, MAX_RECORDS_PAGE,
};
use alloc::vec::Vec;
use frame_support::{ensure, traits::Get};
use medchain_primitives::PatientRegistry;
use sp_core::H256;
use sp_runtime::traits::BlakeTwo256;

impl<T: Config> Pallet<T> {
	/// What the chain knows about `record_id`, checked against `content_hash` (see
	/// [`RecordVerification`]). A sealed record still reports whether the hash matches.
	///
	/// ## Complexity
	/// O(length of the version chain after the record), at most `MaxRecordsPerAuthor`.
	pub fn verify_record(
		record_id: RecordId,
		content_hash: H256,
	) -> RecordVerification<T::AccountId> {
		let Some(record) = Records::<T>::get(record_id) else {
			return RecordVerification::unknown();
		};
		let latest = Self::walk(record_id, record.superseded_by, |r| r.superseded_by)
			.last()
			.map(|(id, _)| *id)
			.unwrap_or(record_id);
		RecordVerification {
			known: true,
			hash_matches: record.content_hash == content_hash,
			// A deregistered patient's records count as sealed at once, even before every
			// erasure step has run.
			sealed: record.is_sealed() || T::Patients::is_deregistered(&record.patient),
			superseded_by: record.superseded_by,
			latest: Some(latest),
			category: Some(record.category),
			author: record.author,
			anchored_by: Some(record.anchored_by),
			anchored_at: Some(record.anchored_at),
		}
	}

	/// The records reached from `from` by following `next` from `first`, in walk order,
	/// at most `MaxRecordsPerAuthor` of them (a chain holds records of one patient and one
	/// author only).
	/// Stops at a missing record or when the walk comes back to `from`.
	fn walk(
		from: RecordId,
		first: Option<RecordId>,
		next: impl Fn(&RecordOf<T>) -> Option<RecordId>,
	) -> Vec<(RecordId, RecordOf<T>)> {
		let mut out = Vec::new();
		let mut cursor = first;
		let limit = T::MaxRecordsPerAuthor::get() as usize;
		while let Some(id) = cursor {
			if id == from || out.len() >= limit {
				break;
			}
			let Some(record) = Records::<T>::get(id) else { break };
			cursor = next(&record);
			out.push((id, record));
		}
		out
	}

	/// Whether `leaf` (a document's 32-byte content hash) is leaf `leaf_index` of batch
	/// `batch_id`, by `proof` (see the crate docs for the exact rules). `false` for an
	/// unknown batch, an index out of range, a proof longer than [`MAX_PROOF_ITEMS`] or
	/// of the wrong length, or a proof that does not lead to the root.
	pub fn verify_inclusion(
		batch_id: BatchId,
		leaf: H256,
		proof: Vec<H256>,
		leaf_index: u32,
	) -> bool {
		Self::check_inclusion(batch_id, leaf, &proof, leaf_index).is_ok()
	}

	/// [`Self::verify_inclusion`], saying why a proof is rejected.
	///
	/// ## Complexity
	/// One batch read and at most [`MAX_PROOF_ITEMS`] + 1 hashes.
	pub fn check_inclusion(
		batch_id: BatchId,
		leaf: H256,
		proof: &[H256],
		leaf_index: u32,
	) -> Result<(), InclusionError> {
		ensure!(proof.len() <= MAX_PROOF_ITEMS as usize, InclusionError::ProofTooLong);
		let batch = Batches::<T>::get(batch_id).ok_or(InclusionError::UnknownBatch)?;
		ensure!(leaf_index < batch.leaf_count, InclusionError::LeafIndexOutOfRange);
		ensure!(
			proof.len() == expected_proof_len(batch.leaf_count, leaf_index) as usize,
			InclusionError::WrongProofLength
		);
		ensure!(
			binary_merkle_tree::verify_proof::<BlakeTwo256, _, _>(
				&batch.root,
				proof.iter().copied(),
				batch.leaf_count,
				leaf_index,
				binary_merkle_tree::Leaf::Value(leaf.as_bytes()),
			),
			InclusionError::RootMismatch
		);
		Ok(())
	}

	/// One page of the patient's records with their ids, in anchoring order (for the
	/// runtime API): positions `start ..` of the patient's index, at most `limit` of them
	/// and never more than [`MAX_RECORDS_PAGE`]. A page shorter than asked is the last.
	///
	/// ## Complexity
	/// O(min(`limit`, [`MAX_RECORDS_PAGE`])).
	pub fn records_of(
		patient: &T::AccountId,
		start: u32,
		limit: u32,
	) -> Vec<(RecordId, RecordInfoOf<T>)> {
		let end =
			start.saturating_add(limit.min(MAX_RECORDS_PAGE)).min(RecordCount::<T>::get(patient));
		(start..end)
			.filter_map(|index| PatientRecords::<T>::get(patient, index))
			.filter_map(|id| Records::<T>::get(id).map(|r| (id, Self::info(r))))
			.collect()
	}

	/// The organizations that authored at least one of `patient`'s records (any version,
	/// sealed ones too), each once, in storage order; the patient's own uploads have no
	/// organization and are left out. For the gateway directory's runtime API: these are
	/// the organizations whose gateways may hold the patient's documents.
	///
	/// ## Complexity
	/// O(authors): one read of [`AuthorRecordCount`] per author of the patient's records.
	pub fn authors_of(patient: &T::AccountId) -> Vec<T::AccountId> {
		AuthorRecordCount::<T>::iter_prefix(patient)
			.filter(|(_, count)| *count > 0)
			.filter_map(|(author, _)| author)
			.collect()
	}

	/// The version chain `record_id` belongs to, oldest first, newest (the head) last;
	/// empty for an unknown record (for the runtime API).
	///
	/// ## Complexity
	/// O(chain length), at most 2 × `MaxRecordsPerAuthor` reads.
	pub fn record_history(record_id: RecordId) -> Vec<(RecordId, RecordInfoOf<T>)> {
		let Some(record) = Records::<T>::get(record_id) else { return Vec::new() };
		let older = Self::walk(record_id, record.supersedes, |r| r.supersedes);
		let newer = Self::walk(record_id, record.superseded_by, |r| r.superseded_by);
		older
			.into_iter()
			.rev()
			.chain(core::iter::once((record_id, record)))
			.chain(newer)
			.map(|(id, r)| (id, Self::info(r)))
			.collect()
	}

	/// The batch with this id, if any (for the runtime API).
	pub fn batch(batch_id: BatchId) -> Option<BatchOf<T>> {
		Batches::<T>::get(batch_id)
	}

	/// A stored record as the runtime API returns it: without a locator if the patient
	/// deregistered (whether or not the erasure steps have reached this record yet).
	fn info(record: RecordOf<T>) -> RecordInfoOf<T> {
		let erased = T::Patients::is_deregistered(&record.patient);
		let mut info = record.map_locator(|locator| locator.into_inner());
		if erased {
			info.locator = None;
		}
		info
	}
}
