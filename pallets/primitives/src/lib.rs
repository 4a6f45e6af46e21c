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
//!   Implemented by `pallet-health-records`.

#![cfg_attr(not(feature = "std"), no_std)]

#[cfg(feature = "mock")]
pub mod mock;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::DispatchError;

/// Identifies a consent. Assigned by `pallet-consent` from a counter; never reused.
pub type ConsentId = u64;

/// A time on chain: milliseconds since the Unix epoch (`pallet-timestamp`'s moment).
pub type Moment = u64;

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
	/// the consent pallet's named error (`NoConsent`, `ConsentExpired`, ...), and returning the
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
