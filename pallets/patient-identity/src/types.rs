//! Types of the patient identity pallet: the stored patient record, the fee-less call
//! counter and the runtime API's view of a patient.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;

/// A registered patient, stored under the patient's account.
///
/// Nothing in it identifies the person: `commitment` is a salted hash (see the crate docs),
/// the other fields are block numbers and organization accounts.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct PatientRecord<AccountId, BlockNumber, Attestations> {
	/// `blake2_256(salt ++ identity document)`.
	pub commitment: H256,
	/// The block in which the patient was registered.
	pub registered_at: BlockNumber,
	/// The Provider organization that onboarded the patient, or `None` if the patient
	/// registered with their own key.
	pub onboarded_by: Option<AccountId>,
	/// The Provider organizations that attested they verified the identity behind
	/// `commitment`, in attestation order. Cleared when the commitment is rotated.
	pub attestations: Attestations,
}

impl<AccountId, BlockNumber, Bound>
	PatientRecord<AccountId, BlockNumber, frame_support::BoundedVec<AccountId, Bound>>
{
	/// Whether a Provider vouched for this patient: onboarded them, or attested the identity
	/// behind the current commitment. Only attested patients get fee-less calls.
	pub fn is_attested(&self) -> bool {
		self.onboarded_by.is_some() || !self.attestations.is_empty()
	}
}

/// How many fee-less calls a patient made in one rate-limit window.
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
pub struct FreeCallUsage<BlockNumber> {
	/// The window the count belongs to: `block_number / RateLimitWindow`.
	pub window: BlockNumber,
	/// Fee-less calls made in that window.
	pub used: u32,
}

/// What the runtime API tells about an account's patient identity.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum PatientInfo<AccountId, BlockNumber> {
	/// A registered patient.
	Registered {
		/// `blake2_256(salt ++ identity document)`.
		commitment: H256,
		/// The block in which the patient was registered.
		registered_at: BlockNumber,
		/// The Provider organization that onboarded the patient, if any.
		onboarded_by: Option<AccountId>,
		/// The Provider organizations that attested the identity behind `commitment`.
		attestations: Vec<AccountId>,
	},
	/// The patient deregistered (right to erasure): only the tombstone is left.
	Deregistered {
		/// The block in which the patient deregistered.
		deregistered_at: BlockNumber,
	},
}
