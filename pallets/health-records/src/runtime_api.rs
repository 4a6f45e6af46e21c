//! `HealthRecordsApi`: what patients, providers, insurers and auditors can ask about anchored
//! records and batches, by metadata alone (`api.call.healthRecordsApi.*` in polkadot.js).

use crate::{Batch, BatchId, Record, RecordId, RecordVerification};
use alloc::vec::Vec;
use codec::Codec;
use sp_core::H256;

/// A record as the API returns it: the locator as plain bytes (`None` once sealed).
pub type RecordInfo<AccountId, BlockNumber> = Record<AccountId, BlockNumber, Vec<u8>>;

sp_api::decl_runtime_apis! {
	/// Queries about anchored health records and Merkle batches.
	pub trait HealthRecordsApi<AccountId, BlockNumber>
	where
		AccountId: Codec,
		BlockNumber: Codec,
	{
		/// What the chain knows about `record_id`, checked against `content_hash`: known,
		/// hash matches (also when sealed or superseded), sealed, superseded by, latest
		/// version, author, signer, anchoring time.
		fn verify_record(record_id: RecordId, content_hash: H256) -> RecordVerification<AccountId>;
		/// Whether `leaf_hash` (a document's content hash) is leaf `leaf_index` of batch
		/// `batch_id` by `proof` (sibling hashes, bottom up; exact rules in the pallet docs).
		fn verify_inclusion(batch_id: BatchId, leaf_hash: H256, proof: Vec<H256>, leaf_index: u32) -> bool;
		/// One page of the patient's records, in anchoring order: positions `start ..`, at
		/// most `limit` and never more than 256 (`MAX_RECORDS_PAGE`); a shorter page is the
		/// last. A sealed record, and every record of a deregistered patient, has no locator.
		fn records_of(patient: AccountId, start: u32, limit: u32) -> Vec<(RecordId, RecordInfo<AccountId, BlockNumber>)>;
		/// The version chain `record_id` belongs to, oldest first; empty if unknown.
		fn record_history(record_id: RecordId) -> Vec<(RecordId, RecordInfo<AccountId, BlockNumber>)>;
		/// The batch with this id, if any.
		fn batch(batch_id: BatchId) -> Option<Batch<AccountId, BlockNumber>>;
	}
}
