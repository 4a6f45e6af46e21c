//! Types of the consortium pallet: roles, organizations and their status.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// One role an organization can hold in the consortium.
///
/// Each role is one bit of [`Roles`]; the discriminant is the bit's position.
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
pub enum Role {
	/// A hospital or clinic: treats patients, anchors health records.
	Provider = 0,
	/// Dispenses drugs to patients.
	Pharmacy = 1,
	/// Registers products and commissions drug batches.
	Manufacturer = 2,
	/// Moves drug batches between manufacturers and pharmacies.
	Distributor = 3,
	/// Oversees the network: recalls, trial flags, audits.
	Regulator = 4,
	/// Registers and runs clinical trials.
	TrialSponsor = 5,
	/// Reads data under a patient's Research consent.
	Researcher = 6,
	/// Checks claims against anchored records under an Insurance consent.
	Insurer = 7,
}

impl Role {
	/// Every role, in bit order.
	pub const ALL: [Role; 8] = [
		Role::Provider,
		Role::Pharmacy,
		Role::Manufacturer,
		Role::Distributor,
		Role::Regulator,
		Role::TrialSponsor,
		Role::Researcher,
		Role::Insurer,
	];

	/// The bit this role occupies in a [`Roles`] set.
	pub const fn bit(self) -> u16 {
		1u16 << (self as u16)
	}
}

/// A set of [`Role`]s, encoded as a `u16` bit set (`Provider = 1`, `Pharmacy = 2`,
/// `Manufacturer = 4`, `Distributor = 8`, `Regulator = 16`, `TrialSponsor = 32`,
/// `Researcher = 64`, `Insurer = 128`).
///
/// Clients pass the plain number; bits above `Insurer` are rejected by the pallet.
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
pub struct Roles(pub u16);

impl Roles {
	/// The bits that name a known role.
	pub const KNOWN: u16 = 0b1111_1111;

	/// The empty set.
	pub const fn none() -> Self {
		Roles(0)
	}

	/// A set holding exactly one role.
	pub const fn only(role: Role) -> Self {
		Roles(role.bit())
	}

	/// This set with `role` added (for building sets in `const` context).
	pub const fn with(self, role: Role) -> Self {
		Roles(self.0 | role.bit())
	}

	/// A set holding the given roles.
	pub fn from_roles(roles: &[Role]) -> Self {
		Roles(roles.iter().fold(0, |acc, r| acc | r.bit()))
	}

	/// Whether the set holds `role`.
	pub const fn contains(self, role: Role) -> bool {
		self.0 & role.bit() != 0
	}

	/// The roles held by both sets.
	pub const fn intersection(self, other: Roles) -> Self {
		Roles(self.0 & other.0)
	}

	/// Whether the set is empty.
	pub const fn is_empty(self) -> bool {
		self.0 == 0
	}

	/// Whether every bit names a known role.
	pub const fn is_valid(self) -> bool {
		self.0 & !Self::KNOWN == 0
	}
}

impl From<Role> for Roles {
	fn from(role: Role) -> Self {
		Roles::only(role)
	}
}

/// Whether an organization may act.
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
pub enum OrganizationStatus {
	/// The organization and its staff act in their roles.
	Active,
	/// Governance suspended the organization: it and its staff fail every role check.
	Suspended,
}

/// A member organization of the consortium, stored under its admin account.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Organization<Name, BlockNumber> {
	/// Human-readable name (UTF-8), e.g. "St. Mary's Hospital". Public, not health data.
	pub name: Name,
	/// The roles the organization holds.
	pub roles: Roles,
	/// Active or suspended.
	pub status: OrganizationStatus,
	/// How many staff accounts act for the organization.
	pub staff_count: u32,
	/// The block in which governance registered the organization.
	pub registered_at: BlockNumber,
}

/// The bytes of a gateway's public key: the sr25519 public key (= `AccountId32`) the gateway
/// signs with (see [`GatewayEntry::public_key`]).
pub const GATEWAY_KEY_LEN: usize = 32;

/// A gateway's public key as published in the directory.
pub type GatewayKey = [u8; GATEWAY_KEY_LEN];

/// An organization's entry in the gateway directory: where its record gateway answers and the
/// key it signs with, stored under the organization (its admin account).
///
/// `Endpoint` is `BoundedVec<u8, MaxEndpointLen>` in storage and `Vec<u8>` in the runtime API;
/// it is always an `https://` URL that passed [`crate::check_endpoint`].
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct GatewayEntry<Endpoint, BlockNumber> {
	/// The gateway's base URL, ASCII (`https://st-marys.example:8801`); clients append the
	/// gateway's paths (`/v1/info`, `/v1/records/{record_id}`).
	pub endpoint: Endpoint,
	/// The sr25519 public key of the gateway's own signing key: the staff account the gateway
	/// anchors records with (every record it anchored has this `anchored_by`) and reports as
	/// `signer` at `/v1/info`. A client checks both before trusting the endpoint.
	pub public_key: GatewayKey,
	/// The block in which the admin published this entry (last replaced it).
	pub updated_at: BlockNumber,
}

impl<Endpoint, BlockNumber> GatewayEntry<Endpoint, BlockNumber> {
	/// The same entry with its endpoint mapped (e.g. from a `BoundedVec` to a `Vec`).
	pub fn map_endpoint<E>(self, f: impl FnOnce(Endpoint) -> E) -> GatewayEntry<E, BlockNumber> {
		GatewayEntry {
			endpoint: f(self.endpoint),
			public_key: self.public_key,
			updated_at: self.updated_at,
		}
	}
}

/// A member node's network identity: the ed25519 public key of its libp2p node key
/// (`--node-key-file`). Its libp2p peer id (`12D3KooW...`) is the base58 encoding of the
/// identity multihash `0x00 0x24 0x08 0x01 0x12 0x20 ++ key`, which is what
/// `medchain-node key inspect-node-key --file <node-key>` prints; the node and
/// `scripts/consortium/chain-spec.py` convert between the two.
pub type NodeKey = [u8; 32];
