//! The prescription token, its product commitment and what the chain keeps of it.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use medchain_primitives::Moment;
use pallet_drug_provenance::{BatchId, Gtin};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_io::hashing::blake2_256;

/// What a prescriber's staff key signs: `ISSUE_DOMAIN` ++ the prescription's id.
pub const ISSUE_DOMAIN: &[u8] = b"medchain/rx/issue/1";

/// What a holder key signs for a fill: `FILL_DOMAIN` ++ id ++ fill ++ pharmacy.
pub const FILL_DOMAIN: &[u8] = b"medchain/rx/fill/1";

/// The product commitment's domain: the commitment is the blake2-256 of the SCALE encoding
/// of (`PRODUCT_DOMAIN`, GTIN, units per fill, salt).
pub const PRODUCT_DOMAIN: &[u8] = b"medchain/rx/product/1";

/// The longest regulator envelope.
pub const MAX_ENVELOPE_LEN: u32 = 512;

/// The (patient account, product class) of a prescription encrypted to the regulator's key,
/// for prescription monitoring (doctor shopping) that only the regulator can do. Opaque to
/// the chain.
pub type RegulatorEnvelope = BoundedVec<u8, ConstU32<MAX_ENVELOPE_LEN>>;

/// An e-prescription as its prescriber signs it. Nothing in it names the patient: `holder`
/// is a key the patient's wallet derives for this prescription only, and the product and
/// quantity are in `product`, a salted commitment.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Prescription<AccountId> {
	/// The prescriber's staff key (of an active Provider organization).
	pub prescriber: AccountId,
	/// The holder key: the patient's pseudonym for this prescription.
	pub holder: AccountId,
	/// The product commitment ([`ProductOpening::commitment`]).
	pub product: H256,
	/// How many fills it allows (1..=`MaxFills`).
	pub fills: u8,
	/// When it was issued (ms since the Unix epoch).
	pub issued_at: Moment,
	/// When it expires (ms since the Unix epoch): no fill after.
	pub expires_at: Moment,
	/// Opaque to the chain: see [`RegulatorEnvelope`].
	pub regulator_envelope: RegulatorEnvelope,
}

impl<AccountId: Encode> Prescription<AccountId> {
	/// The prescription's id: the blake2-256 of its SCALE encoding.
	pub fn id(&self) -> H256 {
		H256(blake2_256(&self.encode()))
	}
}

/// The opening of a product commitment: what the pharmacy learns from the prescription
/// document and submits at each fill.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct ProductOpening {
	/// The prescribed product.
	pub gtin: Gtin,
	/// The units (packs) one fill dispenses at most.
	pub units_per_fill: u16,
	/// 32 random bytes, so that the commitment cannot be found by trying every product.
	pub salt: [u8; 32],
}

impl ProductOpening {
	/// The commitment this opens.
	pub fn commitment(&self) -> H256 {
		H256(blake2_256(&(PRODUCT_DOMAIN, self.gtin, self.units_per_fill, self.salt).encode()))
	}
}

/// A prescription as the chain keeps it after its first fill.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct PrescriptionState<AccountId> {
	/// The Provider organization whose staff signed it.
	pub prescriber: AccountId,
	/// The holder key.
	pub holder: AccountId,
	/// How many fills it allows.
	pub fills: u8,
	/// When it expires (ms since the Unix epoch).
	pub expires_at: Moment,
	/// The fill in progress (1-based; 0 before the first).
	pub current_fill: u8,
	/// Units dispensed in the fill in progress.
	pub units_in_fill: u16,
}

/// One unit dispensed against a prescription.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct FilledUnit<AccountId> {
	/// Which fill (1-based).
	pub fill: u8,
	/// The unit's batch.
	pub batch_id: BatchId,
	/// The unit's serial hash.
	pub serial_hash: H256,
	/// The Pharmacy organization that dispensed it.
	pub pharmacy: AccountId,
	/// When (ms since the Unix epoch).
	pub at: Moment,
}

/// What a pharmacy submits with a unit to fill a prescription: the token, the prescriber's
/// signature over it, the fill the unit belongs to, the holder's signature letting this
/// pharmacy make this fill, and the product commitment's opening.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct PrescribedFill<AccountId, Signature> {
	/// The token its prescriber signed.
	pub prescription: Prescription<AccountId>,
	/// The prescriber's signature over `ISSUE_DOMAIN` ++ id (checked at the first fill).
	pub prescriber_signature: Signature,
	/// The fill (1-based): the current one while it has units left, or the next one.
	pub fill: u8,
	/// The holder's signature over `FILL_DOMAIN` ++ id ++ fill ++ the pharmacy's account.
	pub holder_signature: Signature,
	/// The product commitment's opening.
	pub opening: ProductOpening,
}
