//! Types of the health-records pallet: anchored records, Merkle batches and the answer of
//! `verify_record`.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use medchain_primitives::{Moment, RecordCategory};
use scale_info::TypeInfo;
use sp_core::H256;

/// Identifies an anchored record: `blake2_256(SCALE(("medchain/record", patient, content_hash,
/// nonce)))`, derived by the runtime from a global counter, never chosen by the caller.
pub type RecordId = H256;

/// Identifies an anchored Merkle batch: a counter, never reused.
pub type BatchId = u64;

/// The domain tag hashed into every [`RecordId`].
pub const RECORD_ID_DOMAIN: &[u8] = b"medchain/record";

/// The most sibling hashes a Merkle inclusion proof may hold. A tree of `u32::MAX` leaves is
/// 32 levels deep, so no valid proof is longer; longer proofs are rejected before any hashing.
pub const MAX_PROOF_ITEMS: u32 = 32;

/// The most records one page of [`crate::Pallet::records_of`] returns (a record is at most
/// ~0.5 KB encoded, so a page stays under ~130 KB).
pub const MAX_RECORDS_PAGE: u32 = 256;

/// One anchored document: its hash, where it lives off chain (until sealed), who wrote it
/// and when, and its place in a version chain.
///
/// `Locator` is `BoundedVec<u8, MaxLocatorLen>` in storage and `Vec<u8>` in the runtime API.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Record<AccountId, BlockNumber, Locator> {
	/// The patient the document is about.
	pub patient: AccountId,
	/// The kind of health data.
	pub category: RecordCategory,
	/// `blake2_256(salt ++ canonical document bytes)` (see the crate docs); never the data.
	pub content_hash: H256,
	/// An opaque pointer to the (encrypted) document off chain: a URI hash, a content id.
	/// `None` once the patient sealed the record (crypto-shredding).
	pub locator: Option<Locator>,
	/// The organization (its admin account) that wrote the record, or `None` for a document
	/// the patient uploaded themself.
	pub author: Option<AccountId>,
	/// The account that signed the anchoring: a staff member, an admin, or the patient.
	pub anchored_by: AccountId,
	/// When the record was anchored (ms since the Unix epoch).
	pub anchored_at: Moment,
	/// The block in which the record was anchored.
	pub block: BlockNumber,
	/// The previous version of this document, if this record corrects or updates one.
	pub supersedes: Option<RecordId>,
	/// The next version of this document, once one was anchored.
	pub superseded_by: Option<RecordId>,
	/// When the patient sealed the record, if they did.
	pub sealed_at: Option<Moment>,
}

impl<AccountId, BlockNumber, Locator> Record<AccountId, BlockNumber, Locator> {
	/// Whether the patient sealed the record.
	pub const fn is_sealed(&self) -> bool {
		self.sealed_at.is_some()
	}

	/// Whether a newer version of the record exists.
	pub const fn is_superseded(&self) -> bool {
		self.superseded_by.is_some()
	}

	/// The same record with its locator mapped (e.g. from a `BoundedVec` to a `Vec`).
	pub fn map_locator<L>(self, f: impl FnOnce(Locator) -> L) -> Record<AccountId, BlockNumber, L> {
		Record {
			patient: self.patient,
			category: self.category,
			content_hash: self.content_hash,
			locator: self.locator.map(f),
			author: self.author,
			anchored_by: self.anchored_by,
			anchored_at: self.anchored_at,
			block: self.block,
			supersedes: self.supersedes,
			superseded_by: self.superseded_by,
			sealed_at: self.sealed_at,
		}
	}
}

/// A Merkle root anchoring many documents at once (e.g. a nightly export); each document is
/// later proven with an inclusion proof (see the crate docs for the tree's exact rules).
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Batch<AccountId, BlockNumber> {
	/// The root of the binary Merkle tree over the documents' 32-byte hashes.
	pub root: H256,
	/// How many leaves the tree has (at least 1, at most `MaxBatchLeaves`).
	pub leaf_count: u32,
	/// The kind of health data in the batch.
	pub category: RecordCategory,
	/// The single patient every document is about, or `None` for a multi-patient export.
	pub patient: Option<AccountId>,
	/// The Provider organization (its admin account) that anchored the batch.
	pub author: AccountId,
	/// The account that signed the anchoring (staff or admin).
	pub anchored_by: AccountId,
	/// When the batch was anchored (ms since the Unix epoch).
	pub anchored_at: Moment,
	/// The block in which the batch was anchored.
	pub block: BlockNumber,
}

/// What `verify_record(record_id, content_hash)` found.
///
/// Read it as: `known` — the record exists; `hash_matches` — the presented hash is the one
/// anchored (also for sealed and superseded records: sealing erases only the locator);
/// `sealed` — the patient crypto-shredded the locator; `superseded_by` — a newer version
/// exists (`latest` names the newest one; `latest == Some(record_id)` means the record is
/// current). For an unknown record every field is `false` / `None`.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct RecordVerification<AccountId> {
	/// Whether a record with this id is anchored.
	pub known: bool,
	/// Whether the presented content hash equals the anchored one.
	pub hash_matches: bool,
	/// Whether the patient sealed the record.
	pub sealed: bool,
	/// The next version of the record, if any.
	pub superseded_by: Option<RecordId>,
	/// The newest version of the record's version chain (the record itself if it is current).
	pub latest: Option<RecordId>,
	/// The record's category.
	pub category: Option<RecordCategory>,
	/// The organization that wrote the record (`None` for a patient upload or an unknown
	/// record).
	pub author: Option<AccountId>,
	/// The account that signed the anchoring.
	pub anchored_by: Option<AccountId>,
	/// When the record was anchored (ms since the Unix epoch).
	pub anchored_at: Option<Moment>,
}

impl<AccountId> RecordVerification<AccountId> {
	/// The answer for a record id that names no record.
	pub fn unknown() -> Self {
		Self {
			known: false,
			hash_matches: false,
			sealed: false,
			superseded_by: None,
			latest: None,
			category: None,
			author: None,
			anchored_by: None,
			anchored_at: None,
		}
	}

	/// The record is anchored with exactly this hash and no newer version exists (it may be
	/// sealed: sealing does not change what was anchored).
	pub const fn is_current_match(&self) -> bool {
		self.known && self.hash_matches && self.superseded_by.is_none()
	}
}

/// Why a Merkle inclusion proof was rejected (see [`crate::Pallet::check_inclusion`]).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum InclusionError {
	/// No batch has this id.
	UnknownBatch,
	/// The leaf index is not below the batch's leaf count.
	LeafIndexOutOfRange,
	/// The proof holds more than [`MAX_PROOF_ITEMS`] hashes.
	ProofTooLong,
	/// The proof does not hold exactly the number of sibling hashes the tree's shape requires
	/// for this leaf index (see [`crate::expected_proof_len`]).
	WrongProofLength,
	/// The proof does not lead from the leaf to the batch's root.
	RootMismatch,
}
