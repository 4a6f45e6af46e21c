//! # MedChain primitives
//!
//! Types and traits the MedChain pallets share, so that they talk through small traits
//! rather than through each other's storage:
//!
//! - [`RecordCategory`] / [`Categories`]: what kind of health data a record or consent covers;
//! - [`Purpose`]: why data is accessed (Treatment, Research, Insurance, PublicHealth);
//! - [`PatientRegistry`]: is this account a registered (or erased) patient? Implemented by
//!   `pallet-patient-identity`;
//! - [`ConsentChecker`]: may this organization read or write this patient's data of this
//!   category for this purpose now? Implemented by `pallet-consent`;
//! - [`RecordRegistry`]: which patient and category does this anchored record belong to?
//!   Implemented by `pallet-health-records`;
//! - [`expected_proof_len`] / [`max_proof_len`] / [`MaxProofLenOf`]: proof lengths in the
//!   Merkle trees below.
//!
//! ## Merkle trees
//!
//! MedChain has two Merkle trees: a batch of health records (`pallet-health-records`,
//! `anchor_batch`) and the serials of a drug batch (`pallet-drug-provenance`,
//! `serials_root`). Both follow this one specification, which clients must reproduce bit for
//! bit; the pallets only say what a leaf value is. Both are built and checked with the
//! [`binary-merkle-tree`](https://docs.rs/binary-merkle-tree/16.1.2) crate (16.1.2) and
//! `BlakeTwo256` as the hasher. Write `H(x)` for blake2b-256 (32 bytes) of the bytes `x`
//! and `++` for plain byte concatenation (no length prefix).
//!
//! 1. **Leaves.** A tree has `n >= 1` leaf values `v_0 .. v_{n-1}` (byte strings) in the
//!    submitter's order. Each is **hashed once** before entering the tree: the bottom row is
//!    `L_i = H(v_i)`, which is what `binary_merkle_tree::merkle_root::<BlakeTwo256, _>(v)`
//!    does (a client must not put `v_i` itself in the bottom row). The leaf values are a
//!    document's 32-byte content hash (health records) and a serial's ASCII bytes, at most 20
//!    (drug provenance): both shorter than the 64-byte preimage of an inner node, so a leaf
//!    can never be passed off as an inner node.
//! 2. **Inner nodes.** `parent = H(left ++ right)`: the two 32-byte children in position
//!    order (64 bytes). Pairs are **never sorted**.
//! 3. **Odd rows.** If a row has an odd number of nodes, its last node is **promoted
//!    unchanged** to the next row: not duplicated, not hashed with itself, not hashed alone.
//! 4. **Root.** Rows are reduced until one node remains: the root. For `n = 1` the root is
//!    `L_0 = H(v_0)` and the proof is empty. The crate returns an all-zero root for `n = 0`;
//!    the pallets refuse empty trees and all-zero roots.
//! 5. **Proof.** The sibling hashes from the bottom row upwards, one per level at which the
//!    node has a sibling; nothing at a level where the node is promoted. Neither the leaf
//!    nor the root is included. A proof for leaf `i` therefore holds exactly
//!    [`expected_proof_len`]`(n, i)` hashes, at most [`max_proof_len`]`(n) =
//!    ceil(log2(n))`. `binary_merkle_tree::merkle_proof::<BlakeTwo256, _, _>(v, i)` produces
//!    it.
//! 6. **Verification.** `pos = i, width = n, acc = L_i`; while `width > 1`: if `pos` is odd,
//!    `acc = H(proof[k] ++ acc)` and `k += 1`; else if `pos + 1 < width`,
//!    `acc = H(acc ++ proof[k])` and `k += 1`; else (the last node of an odd row) nothing;
//!    then `pos = pos / 2`, `width = ceil(width / 2)`. The proof is valid iff `acc == root`
//!    and every item was used exactly once. The pallets check `i < n` and that the proof has
//!    exactly [`expected_proof_len`]`(n, i)` items (a proof that stops at an inner node, or a
//!    padded one, is refused before any hashing), then call
//!    `binary_merkle_tree::verify_proof::<BlakeTwo256, _, _>(root, proof, n, i,
//!    Leaf::Value(v_i))`. (That function folds over the items and puts an item on the *left*
//!    when the node is the last of its row; a promoted node stays the last of every row up
//!    to the level where it has a left sibling, so with exactly the expected items this is
//!    the walk above.)
//!
//! The shared test vectors `tests/vectors/merkle.json` pin this down for clients.

#![cfg_attr(not(feature = "std"), no_std)]

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::DispatchError;

/// Identifies a consent. Assigned by `pallet-consent` from a counter; never reused.
pub type ConsentId = u64;

/// A time on chain: milliseconds since the Unix epoch (`pallet-timestamp`'s moment).
pub type Moment = u64;

/// The current block's time from `Time` (a pallet's `Config::Time`, `pallet_timestamp` in the
/// runtime) as a [`Moment`]: milliseconds since the Unix epoch, saturating at `Moment::MAX`.
/// Every pallet that keeps time reads it through this function (its `Pallet::now()`).
pub fn now<Time: frame_support::traits::UnixTime>() -> Moment {
	Moment::try_from(Time::now().as_millis()).unwrap_or(Moment::MAX)
}

/// One category of health data.
///
/// Each category is one bit of [`Categories`]; the discriminant is the bit's position.
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
pub enum RecordCategory {
	/// Name, birth date, contact details (FHIR Patient).
	Demographics = 0,
	/// Visits and admissions (FHIR Encounter).
	Encounters = 1,
	/// Diagnoses and problems (FHIR Condition).
	Diagnoses = 2,
	/// Prescriptions and administrations (FHIR MedicationRequest ...).
	Medications = 3,
	/// Laboratory results (FHIR Observation, DiagnosticReport).
	LabResults = 4,
	/// Imaging studies (FHIR ImagingStudy).
	Imaging = 5,
	/// Genomic data (FHIR MolecularSequence ...).
	Genomics = 6,
	/// Mental-health notes: specially protected in most jurisdictions.
	MentalHealth = 7,
	/// Anything else.
	Other = 8,
}

impl RecordCategory {
	/// Every category, in bit order.
	pub const ALL: [RecordCategory; 9] = [
		RecordCategory::Demographics,
		RecordCategory::Encounters,
		RecordCategory::Diagnoses,
		RecordCategory::Medications,
		RecordCategory::LabResults,
		RecordCategory::Imaging,
		RecordCategory::Genomics,
		RecordCategory::MentalHealth,
		RecordCategory::Other,
	];

	/// The bit this category occupies in [`Categories`].
	pub const fn bit(self) -> u16 {
		1u16 << (self as u16)
	}
}

/// A set of [`RecordCategory`]s as a `u16` bit set (`Demographics = 1`, `Encounters = 2`,
/// `Diagnoses = 4`, `Medications = 8`, `LabResults = 16`, `Imaging = 32`, `Genomics = 64`,
/// `MentalHealth = 128`, `Other = 256`).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Categories(pub u16);

impl Categories {
	/// The bits that name a known category.
	pub const KNOWN: u16 = 0b1_1111_1111;

	/// Every category.
	pub const fn all() -> Self {
		Categories(Self::KNOWN)
	}

	/// A set holding exactly one category.
	pub const fn only(category: RecordCategory) -> Self {
		Categories(category.bit())
	}

	/// A set holding the given categories.
	pub fn from_categories(categories: &[RecordCategory]) -> Self {
		Categories(categories.iter().fold(0, |acc, c| acc | c.bit()))
	}

	/// Whether the set holds `category`.
	pub const fn contains(self, category: RecordCategory) -> bool {
		self.0 & category.bit() != 0
	}

	/// Whether the set is empty.
	pub const fn is_empty(self) -> bool {
		self.0 == 0
	}

	/// Whether every bit names a known category.
	pub const fn is_valid(self) -> bool {
		self.0 & !Self::KNOWN == 0
	}
}

/// Why data is accessed.
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
pub enum Purpose {
	/// Care of the patient.
	Treatment,
	/// Research, including clinical trials.
	Research,
	/// Checking an insurance claim.
	Insurance,
	/// Public-health reporting and surveillance.
	PublicHealth,
}

impl Purpose {
	/// Whether a consent for this purpose lets its grantee read the patient's *identified*
	/// clinical documents: log a read (`Consent.log_access`, `Consent.log_accesses`) and be
	/// served the document by a record gateway (the runtime's `GatewayApi` read decision).
	///
	/// Treatment only; a break-glass (emergency) consent is a Treatment consent, so it reads
	/// too. Research, Insurance and PublicHealth consents never do: they serve the uses listed
	/// in docs/DESIGN.md ("What each purpose may read"), e.g. enrolment in a sponsor's trial,
	/// and never open a document that names the patient. This function *is* that table's
	/// "identified documents" column, and the only place the chain decides it.
	pub const fn reads_identified_documents(self) -> bool {
		matches!(self, Purpose::Treatment)
	}
}

/// Whether a registered patient exists, as `pallet-patient-identity` knows it.
pub trait PatientRegistry<AccountId> {
	/// Whether `who` is a registered patient (and has not deregistered).
	fn is_registered(who: &AccountId) -> bool;

	/// Whether `who` deregistered (right to erasure): a tombstone that refuses new data.
	fn is_deregistered(who: &AccountId) -> bool;

	/// Whether `who` is a registered patient with free (fee-less) calls left in the current
	/// rate-limit window. Pallets use it in `#[pallet::feeless_if]`: a patient over the limit
	/// pays fees like anyone else, so a zero-balance key cannot spam the chain.
	fn has_free_quota(who: &AccountId) -> bool;

	/// Count one fee-less call by `who` against the current window.
	fn note_free_call(who: &AccountId);

	/// Make `who` a registered patient. Only for benchmarks and tests of other pallets.
	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmarks(who: &AccountId);

	/// Tombstone the registered patient `who` (without running any erasure handler). Only
	/// for benchmarks of other pallets.
	#[cfg(feature = "runtime-benchmarks")]
	fn deregister_for_benchmarks(who: &AccountId);
}

/// The consent checks other pallets ask, as `pallet-consent` answers them.
pub trait ConsentChecker<AccountId> {
	/// Whether `grantee` (an organization) currently holds an active, unexpired consent from
	/// `patient` covering `category` for `purpose`, with write access if `write`.
	fn has_access(
		patient: &AccountId,
		grantee: &AccountId,
		category: RecordCategory,
		purpose: Purpose,
		write: bool,
	) -> bool;

	/// Like [`Self::has_access`], but failing with
	/// the consent pallet's named error (`NoConsent`, `ExpiredConsent`, ...), and returning the
	/// id of the consent that grants the access.
	fn ensure_access(
		patient: &AccountId,
		grantee: &AccountId,
		category: RecordCategory,
		purpose: Purpose,
		write: bool,
	) -> Result<ConsentId, DispatchError>;

	/// Whether `patient` holds an active, unexpired consent toward `grantee` for `purpose`,
	/// whatever categories it covers (read access is enough): e.g. a Research consent toward
	/// a trial sponsor. Fails with the consent pallet's named error like
	/// [`Self::ensure_access`]; returns the consent's id.
	fn ensure_purpose(
		patient: &AccountId,
		grantee: &AccountId,
		purpose: Purpose,
	) -> Result<ConsentId, DispatchError>;
}

/// What a pallet that holds data about patients does when a patient deregisters (right to
/// erasure). `pallet-patient-identity` calls it from `deregister`, inside the same call, and
/// charges its worst-case weight; `pallet-health-records` erases the patient's locators.
pub trait PatientErasure<AccountId> {
	/// Erase what this pallet holds about `patient`, who has just deregistered, up to the
	/// handler's own bound per call; returns the weight actually used.
	fn on_patient_deregistered(patient: &AccountId) -> sp_runtime::Weight;

	/// The most weight [`Self::on_patient_deregistered`] can use in one call.
	fn max_erasure_weight() -> sp_runtime::Weight;
}

impl<AccountId> PatientErasure<AccountId> for () {
	fn on_patient_deregistered(_: &AccountId) -> sp_runtime::Weight {
		sp_runtime::Weight::zero()
	}

	fn max_erasure_weight() -> sp_runtime::Weight {
		sp_runtime::Weight::zero()
	}
}

/// Two erasure handlers, run one after the other (the health records, then the clinical
/// trials, say): both erase, the weights add up.
impl<AccountId, A: PatientErasure<AccountId>, B: PatientErasure<AccountId>>
	PatientErasure<AccountId> for (A, B)
{
	fn on_patient_deregistered(patient: &AccountId) -> sp_runtime::Weight {
		A::on_patient_deregistered(patient).saturating_add(B::on_patient_deregistered(patient))
	}

	fn max_erasure_weight() -> sp_runtime::Weight {
		A::max_erasure_weight().saturating_add(B::max_erasure_weight())
	}
}

/// What other pallets may ask about an anchored health record, as `pallet-health-records`
/// answers it (e.g. `pallet-consent` checks that a logged read names a real record of that
/// patient and category, rather than taking both on trust).
pub trait RecordRegistry<AccountId, RecordId> {
	/// The patient and category of record `record_id`, if such a record is anchored.
	fn record_subject(record_id: &RecordId) -> Option<(AccountId, RecordCategory)>;

	/// Anchor a record of `patient` in `category` and return its id. Only for benchmarks of
	/// other pallets.
	#[cfg(feature = "runtime-benchmarks")]
	fn anchor_for_benchmarks(patient: &AccountId, category: RecordCategory) -> RecordId;
}

/// How many sibling hashes a `binary-merkle-tree` inclusion proof for leaf `leaf_index` of a
/// tree of `leaf_count` leaves holds: one per level at which the node has a sibling (the
/// last node of an odd row is promoted without one). 0 if `leaf_index >= leaf_count`; at
/// most `ceil(log2(leaf_count))`. Pallets that verify proofs demand exactly this length, so
/// a shortened proof (one that stops at an inner node) is refused.
///
/// See [the tree specification](crate#merkle-trees) for how a proof is laid out.
pub fn expected_proof_len(leaf_count: u32, leaf_index: u32) -> u32 {
	if leaf_index >= leaf_count {
		return 0;
	}
	let (mut pos, mut width, mut len) = (leaf_index, leaf_count, 0u32);
	while width > 1 {
		if pos % 2 == 1 || pos.saturating_add(1) < width {
			len = len.saturating_add(1);
		}
		pos /= 2;
		width = width.div_ceil(2);
	}
	len
}

/// The longest `binary-merkle-tree` inclusion proof in a tree of at most `max_leaves` leaves:
/// `ceil(log2(max_leaves))` sibling hashes (0 for at most one leaf), the largest
/// [`expected_proof_len`] over every tree size and leaf up to `max_leaves`.
///
/// A bound that follows from another is derived, not configured: a pallet bounding proofs
/// takes [`MaxProofLenOf<MaxLeaves>`](MaxProofLenOf) as its `Get<u32>`.
pub const fn max_proof_len(max_leaves: u32) -> u32 {
	if max_leaves <= 1 {
		0
	} else {
		u32::BITS.saturating_sub(max_leaves.saturating_sub(1).leading_zeros())
	}
}

/// [`max_proof_len`] of `MaxLeaves` as a `Get<u32>` bound (e.g. for a `BoundedVec` of
/// sibling hashes).
pub struct MaxProofLenOf<MaxLeaves>(core::marker::PhantomData<MaxLeaves>);

impl<MaxLeaves: sp_runtime::traits::Get<u32>> sp_runtime::traits::Get<u32>
	for MaxProofLenOf<MaxLeaves>
{
	fn get() -> u32 {
		max_proof_len(MaxLeaves::get())
	}
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // a test's overflow is a failed test
mod tests {
	use super::*;

	#[test]
	fn max_proof_len_is_the_longest_expected_proof() {
		for leaves in 0..=1_100u32 {
			let longest = (0..leaves).map(|i| expected_proof_len(leaves, i)).max().unwrap_or(0);
			assert_eq!(max_proof_len(leaves), longest, "{leaves} leaves");
		}
	}

	#[test]
	fn max_proof_len_is_ceil_log2() {
		assert_eq!(max_proof_len(0), 0);
		assert_eq!(max_proof_len(1), 0);
		assert_eq!(max_proof_len(2), 1);
		assert_eq!(max_proof_len(3), 2);
		assert_eq!(max_proof_len(1_024), 10);
		assert_eq!(max_proof_len(1_025), 11);
		assert_eq!(max_proof_len(1_000_000), 20);
		assert_eq!(max_proof_len(u32::MAX), 32);
		assert_eq!(expected_proof_len(u32::MAX, 0), 32);
	}
}
