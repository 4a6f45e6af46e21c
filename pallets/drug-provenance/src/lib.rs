//! # Drug provenance pallet
//!
//! Drug supply-chain provenance: every unit traceable from manufacturer to patient, fakes and
//! recalls caught. Modelled on GS1 identifiers and DSCSA-style verification (the approach of
//! MediLedger), but the counterfeit rules are enforced by the runtime itself, not by off-chain
//! alerting.
//!
//! ## Overview
//!
//! - [`Pallet::assign_company_prefix`], [`Pallet::revoke_company_prefix`]: governance binds
//!   GS1 Company Prefixes to Manufacturer organizations (as GS1 licenses them to companies).
//! - [`Pallet::register_product`]: a Manufacturer registers a GTIN-14 (check digit verified)
//!   whose company prefix is assigned to it, and a hash of the product's master data. The
//!   GTIN belongs to that manufacturer; [`Pallet::reassign_product`] (governance) moves it.
//! - [`Pallet::commission_batch`]: the GTIN's owner commissions a batch: lot, expiry date,
//!   quantity and the Merkle root of the batch's serial numbers. It then holds every unit.
//! - [`Pallet::ship`] then [`Pallet::receive`]: two-step custody hand-over between active
//!   Manufacturer / Distributor / Pharmacy organizations; [`Pallet::cancel_shipment`] (the
//!   sender) takes back a shipment not yet received, [`Pallet::reject_shipment`] (the
//!   recipient) refuses it.
//! - [`Pallet::dispense`]: a Pharmacy holding units of the batch dispenses one serial, proven
//!   a member of the batch by a Merkle proof. Each serial is dispensed once.
//! - [`Pallet::destroy_units`]: a holder takes units out of the supply chain for good
//!   (recalled, expired, damaged stock).
//! - [`Pallet::report_suspect`]: a Regulator, or an organization related to the batch, leaves
//!   a durable trace of a suspect unit (a double dispense, an unknown serial...).
//! - [`Pallet::recall_batch`]: the manufacturer or a Regulator recalls a batch; it can then
//!   only move back to its manufacturer or be destroyed, and cannot be dispensed.
//! - Queries for the runtime API ([`runtime_api::DrugProvenanceApi`]): [`Pallet::verify_unit`],
//!   [`Pallet::batch`], [`Pallet::batch_of`], [`Pallet::batch_history`], [`Pallet::holders`],
//!   [`Pallet::suspect_reports`], [`Pallet::products_of`], [`Pallet::shipment`]; also
//!   [`Pallet::company_prefix_owner`].
//!
//! ## Terminology
//!
//! - **GTIN**: a GS1 Global Trade Item Number, here always GTIN-14: 14 ASCII digits whose
//!   last is the GS1 mod-10 check digit ([`Gtin::parse`]). Shorter GTINs are padded with
//!   leading zeros, as in AI(01). Call arguments take the digits as bytes (a plain string
//!   from polkadot.js); storage keeps a [`Gtin`] (`[u8; 14]`).
//! - **Company prefix** ([`CompanyPrefix`]): a GS1 Company Prefix, 6..=12 ASCII digits. In a
//!   GTIN-14 it is the digits right after the indicator digit (digit 1): GTIN
//!   `0 950600 013435 2` has the candidate prefixes `950600`, `9506000`, ...,
//!   `950600013435`. A U.P.C. Company Prefix is written with a leading `0`.
//! - **Lot**: GS1 AI(10), 1..=[`MAX_LOT_LEN`] (20) characters of GS1 character set 82.
//! - **Expiry**: GS1 AI(17), `YYMMDD` as 6 ASCII digits ([`ExpiryDate::parse`]): month
//!   01..=12, day 01..=the month's length (leap years counted) or `00` meaning the month's
//!   last day; the century by the GS1 sliding window (General Specifications 7.12) against
//!   the current block time. A batch is **expired** once the block time is after the end of
//!   its expiry day (UTC): a unit may be dispensed on its expiry day.
//! - **Serial**: GS1 AI(21), 1..=[`MAX_SERIAL_LEN`] (20) characters of GS1 character set 82. On
//!   chain a serial is known by its hash `blake2_256(serial bytes)` ([`serial_hash`]).
//! - **Organization**: a consortium member, identified by its admin account. Staff keys act
//!   for their organization: products, batches and custody belong to the **organization**,
//!   never to a staff key, and every role check is on the organization.
//! - **Custody** ([`Custody`]): per (batch, organization): units `held` (can be shipped,
//!   dispensed or destroyed), `incoming` (shipped to it, not received) and `outgoing`
//!   (shipped by it, not received; it may still cancel). The batch's **holders** are the
//!   organizations with any non-zero custody.
//! - **Custody party** ([`CustodyParties`]): an organization that is or was part of a batch's
//!   custody: its manufacturer, and every organization a unit of it was ever shipped to
//!   (received, rejected or cancelled alike). Never removed.
//!
//! ## Serials: the Merkle tree (for client implementations)
//!
//! A batch's `serials_root` is MedChain's one Merkle tree, specified in
//! [`medchain_primitives`' crate docs](medchain_primitives#merkle-trees)
//! (`binary-merkle-tree` with `BlakeTwo256`, leaves hashed once, odd nodes promoted, proofs
//! of exactly [`expected_proof_len`] siblings). In this pallet:
//!
//! - the **leaf values** are the serials' raw ASCII bytes in the manufacturer's order
//!   (`n = quantity` leaves), so a leaf node is `blake2_256(serial bytes)`, which is also
//!   the serial's on-chain hash ([`serial_hash`]); the root is [`serials_root`];
//! - a proof ([`SerialProof`]) carries `leaf_index` (the serial's position), `leaf_count`
//!   (must equal the batch's quantity) and the siblings, at most [`MaxProofLen`]
//!   (`ceil(log2(MaxQuantity))`).
//!
//! The root never needs to be built on chain; the manufacturer keeps the serial list and
//! hands out proofs (with the packs' data, or through a verification service).
//!
//! ## Rules worth knowing
//!
//! - **Who may do what** (the signer's organization must be registered — `NotAMember` — and
//!   active — `SuspendedOrganization`; a missing role is `MissingRole`: these are the
//!   consortium's errors, [`pallet_consortium::Error`], the same in every pallet):
//!   `assign_company_prefix`, `revoke_company_prefix`, `reassign_product`:
//!   `T::GovernanceOrigin` only; `register_product`, `commission_batch`: Manufacturer (and,
//!   for a product, the owner of the GTIN's company prefix: `CompanyPrefixNotAssigned`; for a
//!   batch, the GTIN's owner: `NotProductOwner`); `ship`, `receive`, `cancel_shipment`,
//!   `reject_shipment`, `destroy_units`: Manufacturer, Distributor or Pharmacy; `dispense`:
//!   Pharmacy; `report_suspect`: Manufacturer, Distributor, Pharmacy or Regulator, and
//!   related to the batch (below); `recall_batch`: the batch's manufacturer (still a
//!   Manufacturer) or any Regulator (`NotManufacturerOrRegulator`).
//! - **Company prefixes and GTIN ownership** (against GTIN squatting): governance assigns
//!   each prefix to one active Manufacturer organization (`NotAManufacturer` otherwise) once
//!   (`CompanyPrefixAlreadyAssigned`); a prefix that is a leading part of an assigned one, or
//!   has one as its leading part, is refused (`CompanyPrefixOverlaps`), as GS1 allocates
//!   them, so at most one assigned prefix matches any GTIN. A malformed prefix is
//!   `InvalidCompanyPrefix` (a non-digit) or `InvalidCompanyPrefixLength` (not 6..=12
//!   digits); revoking an unassigned one is `UnknownCompanyPrefix`. `register_product` looks
//!   up the GTIN's candidate prefixes of every length 6..=12 and requires the matching one to
//!   be assigned to the signer's organization (`CompanyPrefixNotAssigned`). Revoking a prefix
//!   only stops new registrations under it: products already registered keep their owner
//!   until governance moves them with `reassign_product` (to an active Manufacturer, not
//!   the current owner — `AlreadyProductOwner` — and within its `MaxProductsPerManufacturer`
//!   — `TooManyProducts`). A reassignment moves the product and the right to commission its
//!   batches; batches already commissioned keep the manufacturer that made them (and with it
//!   the right to recall them and to receive returns of them). `verify_unit` shows both the
//!   product's current `manufacturer` and the `batch_manufacturer`: a squatter's batches
//!   still name the squatter after the GTIN is given to its rightful owner (a Regulator can
//!   recall them).
//! - **Shipping**: the recipient `to` must be an organization account (not a staff key:
//!   `RecipientNotOrganization`), active (`SuspendedRecipient`), with the Manufacturer, Distributor
//!   or Pharmacy role (`RecipientMissingRole`), and not the sender (`ShipToSelf`). Nobody
//!   ships more than they hold (`InsufficientCustody`). Only the recipient's organization
//!   receives (`NotShipmentRecipient`) or rejects (`NotShipmentRecipient`); only the
//!   sender's cancels (`NotShipmentSender`). A rejected or cancelled shipment's units go back
//!   to the sender's `held`; either frees the recipient's holder slot if it has nothing else
//!   of the batch, so a recipient flooded with unwanted shipments can clear them itself. An
//!   expired batch can still be shipped and received (e.g. back to the manufacturer for
//!   destruction); it cannot be dispensed.
//! - **Conservation**: for every batch,
//!   `sum(held) + in_transit + dispensed + destroyed == quantity`,
//!   `sum(incoming) == sum(outgoing) == in_transit ==` the units of its pending shipments,
//!   and `dispensed` equals the number of dispensed serials. `Pallet::do_try_state`
//!   (try-runtime and tests) checks it (every unit test ends with it).
//! - **Dispensing**: the pharmacy must hold units of the batch (`NoCustody`); the batch must
//!   be neither recalled (`RecalledBatch`) nor expired (`ExpiredBatch`); the proof must fit
//!   the batch (`InvalidProof`: wrong `leaf_count`, index out of range, wrong number of
//!   siblings) and lead to its root (`SerialNotInBatch`); the serial must not be dispensed
//!   yet (`SerialAlreadyDispensed`). Dispensing takes one unit from the pharmacy's `held`.
//! - **Destruction**: `destroy_units(batch_id, quantity, reason)` moves units from the
//!   holder's `held` to the batch's `destroyed` count (`InsufficientCustody` beyond what it
//!   holds, `ZeroQuantity`). `reason` `Recalled` needs a recalled batch and `Expired` an
//!   expired one (`ClaimNotSupported`). Stock that is neither recalled nor expired **may** be
//!   destroyed (`DamagedOrTampered`, `Other`): pharmacies and wholesalers destroy damaged,
//!   opened or suspect packs every day, and refusing it would leave phantom `held` units on
//!   chain — which, custody being per quantity, would let the holder dispense serials it
//!   does not have. A destruction can only lower the caller's own custody, and it is an
//!   event and a history entry with its reason, so regulators see every one.
//! - **Counterfeit trace**: a failed extrinsic rolls back its own writes, so a refused
//!   `dispense` cannot record anything itself. The pharmacy (its software, on the named
//!   error) files [`Pallet::report_suspect`], a separate extrinsic whose record stays.
//!   Who may report on a batch: any Regulator, the batch's manufacturer, the product's
//!   current owner, and any custody party of the batch (`NotBatchParty` otherwise) — an
//!   organization with no relation to a batch cannot report on it. Where the runtime can
//!   check the claim it does (`ClaimNotSupported` otherwise): `DoubleDispense` needs the
//!   serial to be dispensed already, `Recalled` a recalled batch, `Expired` an expired
//!   batch. The batch must exist (`UnknownBatch`): a pack whose GTIN/lot names no batch is
//!   wholly unknown to the chain and is reported to the regulator off chain. Each batch
//!   counts its reports (`Batch::suspect_reports`, shown by `verify_unit`).
//! - **Recall**: recalling twice fails (`AlreadyRecalled`). A recalled batch cannot be
//!   dispensed, and can be shipped and received only **to its manufacturer** (returns); any
//!   other destination is refused (`RecalledBatch`), at `ship` and at `receive` (a shipment
//!   sent before the recall to anyone else cannot be received). A pending shipment of it
//!   can be cancelled by its sender or rejected by its recipient, and held units of it can
//!   be destroyed (`destroy_units` with `Recalled`), by the manufacturer after the returns
//!   or by any holder. The `BatchRecalled` event lists every holder with its custody (held,
//!   incoming, outgoing), so each holder and each party of a pending shipment can act.
//!
//! ## Bounds and what happens at them
//!
//! - `MaxProductsPerManufacturer`: `register_product` and `reassign_product` fail with
//!   `TooManyProducts`.
//! - `MaxQuantity`: `commission_batch` fails with `QuantityTooLarge`. [`MaxProofLen`] follows
//!   from it: `ceil(log2(MaxQuantity))` sibling hashes, the longest proof in a tree of
//!   `MaxQuantity` leaves.
//! - `MaxHoldersPerBatch`: a shipment to an organization that is not yet a holder fails with
//!   `TooManyHolders` when the list is full. A sender stays a holder while it has outgoing
//!   units, so `receive`, `cancel_shipment` and `reject_shipment` never need a new slot and
//!   never fail on the bound. A recipient frees its own slot by rejecting what it does not
//!   want. A return of a recalled batch to a manufacturer that no longer holds any of it
//!   needs a slot too; after a recall no other organization can join the list, and every
//!   destruction, cancellation or rejection that empties a holder frees one.
//! - `MaxHistoryPerBatch` (at least 2): the `Commissioned` entry is always kept; when the
//!   history is full the oldest *later* entry is dropped to make room for the new one, and
//!   `Batch::history_pruned` counts the dropped entries. Every entry is also an event, so an
//!   indexer has the full history. Dispenses do not grow the history per unit (see
//!   [`CustodyEvent::Dispensed`]).
//! - `MaxReportsPerReporter`: an organization keeps at most this many reports in a batch's
//!   list; one more fails with `TooManyReports` (once one of its reports is dropped from the
//!   list it may report again).
//! - `MaxSuspectReportsPerBatch`: the newest reports are kept. At the bound, the oldest
//!   report **not filed by a Regulator** ([`SuspectReport::by_regulator`]) is dropped: a
//!   Regulator's report is never pushed out by another organization's. If every kept report
//!   is a Regulator's, a Regulator's new report drops the oldest of them and anyone else's
//!   fails with `SuspectReportsFull`. `Batch::suspect_reports` counts every accepted report
//!   and every report is an event. With these two bounds, pushing a report out takes
//!   `MaxSuspectReportsPerBatch / MaxReportsPerReporter` distinct related organizations.
//! - [`CustodyParties`] has at most one entry per (batch, organization): it grows only when a
//!   `ship` names a new recipient, so per batch it is bounded by the consortium's size.
//!
//! ## Known limitation: custody is per quantity, not per serial
//!
//! The chain tracks how many units of a batch each organization holds, not *which* serials.
//! `dispense` checks that the pharmacy holds at least one unit of the batch and that the
//! serial is in the batch's tree and not yet dispensed — not that this pharmacy holds that
//! very pack. So a pharmacy holding one unit that learns another pack's serial and proof
//! (printed on the pack, or from a verification service) can dispense it first; the pharmacy
//! that physically holds the pack then gets `SerialAlreadyDispensed` and files a
//! `DoubleDispense` report against a pack that is genuine. Conservation still holds (the
//! first pharmacy's `held` dropped) and the first dispense is on chain with its pharmacy
//! (`verify_unit` → `dispensed.pharmacy`), so an investigation can tell the two apart,
//! but the chain alone cannot. Likewise `destroy_units` and shipments move quantities, and
//! destroyed serials stay "not dispensed". Serial-level custody would need the shipped
//! serials (or a Merkle root of them per shipment) on every hand-over — aggregation data that
//! GS1 EPCIS exchanges off chain; it is left to a later version.
//!
//! ## Assumptions
//!
//! - The consortium ([`pallet_consortium::RoleProvider`]) says who acts for which
//!   organization, whether it is active and which roles it holds.
//! - Governance (`T::GovernanceOrigin`: Root on dev chains, a council on a consortium chain)
//!   assigns company prefixes as GS1 licensed them; the chain checks their form and that
//!   they do not overlap, not GS1's records.
//! - Time is the block's timestamp (`T::Time`, milliseconds since the Unix epoch).
//! - The manufacturer's serials list is trusted to hold `quantity` distinct serials; the
//!   chain sees only the root.
//!
//! ## Pallet API
//!
//! - [`Config`]: the runtime's choices: the consortium ([`Config::Roles`]),
//!   [`Config::GovernanceOrigin`], the clock and the bounds.
//! - [`Call`]: the dispatchable functions (see the overview: [`Call::register_product`],
//!   [`Call::commission_batch`], [`Call::ship`], [`Call::receive`],
//!   [`Call::cancel_shipment`], [`Call::reject_shipment`], [`Call::dispense`],
//!   [`Call::destroy_units`], [`Call::report_suspect`], [`Call::recall_batch`],
//!   [`Call::assign_company_prefix`], [`Call::revoke_company_prefix`],
//!   [`Call::reassign_product`]). Each one's docs end with an `## Errors` list of the errors
//!   it can return: this pallet's [`Error`]s and the consortium's
//!   ([`pallet_consortium::Error`]) for the signer's organization.
//! - [`Event`]: what the calls emit. [`Error`]: what they fail with.
//! - Storage: [`CompanyPrefixes`], [`LongerPrefixes`], [`Products`], [`ProductsOf`],
//!   [`Batches`], [`BatchOf`], [`NextBatchId`], [`Holdings`], [`BatchHolders`],
//!   [`CustodyParties`], [`Shipments`], [`NextShipmentId`], [`Dispensed`], [`BatchHistory`],
//!   [`SuspectReports`].
//!
//! ## Code layout
//!
//! This file declares the pallet (config, storage, events, errors, hooks) and its calls. Each
//! call checks its origin and the signer's role, then hands over to a `do_*` function of the
//! module of its topic: `products.rs` (products and company prefixes), `batches.rs`
//! (commissioning, recalls, the custody history), `custody.rs` (shipments and destruction),
//! `dispensing.rs` (dispensing, serial proofs, suspect reports). `queries.rs` answers the
//! runtime API declared in `runtime_api.rs`; `invariants.rs` holds [`Pallet::do_try_state`];
//! `types.rs` the stored types and GS1 parsing; `migrations.rs` the storage migrations.

#![cfg_attr(not(feature = "std"), no_std)]
// Runtime code never panics (issue #12): clippy denies what could, outside tests and benchmarks.
// `expect_used` is not listed: FRAME's macros expand to `expect`s of their own, and the genesis
// builds' `expect`s are deliberate (a chain must not start from an invalid genesis).
#![cfg_attr(
	not(test),
	deny(
		clippy::unwrap_used,
		clippy::panic,
		clippy::indexing_slicing,
		clippy::arithmetic_side_effects
	)
)]

extern crate alloc;

pub use pallet::*;

// See "Code layout" in the crate docs.
mod batches;
mod custody;
mod dispensing;
mod invariants;
mod products;
mod queries;

#[cfg(feature = "runtime-benchmarks")]
#[allow(
	clippy::unwrap_used,
	clippy::panic,
	clippy::indexing_slicing,
	clippy::arithmetic_side_effects
)]
mod benchmarking;
#[cfg(test)]
mod gs1_vectors;
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod runtime_api;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use custody::ShipmentReturn;
use frame_support::traits::{EnsureOrigin, Get, UnixTime};
use medchain_primitives::Moment;
use pallet_consortium::{Role, RoleProvider, Roles};
use sp_core::H256;
use sp_runtime::{traits::BlakeTwo256, ArithmeticError};

/// The roles that take part in custody: they may ship, receive and be shipped to.
pub const CUSTODY_ROLES: Roles =
	Roles::only(Role::Manufacturer).with(Role::Distributor).with(Role::Pharmacy);

/// The roles that may file a suspect report (on a batch they are related to, unless a
/// Regulator).
pub const REPORTER_ROLES: Roles = CUSTODY_ROLES.with(Role::Regulator);

pub use medchain_primitives::{expected_proof_len, max_proof_len, MaxProofLenOf};

/// The longest lot: GS1 fixes AI(10) at up to 20 characters (General Specifications,
/// section 3.2), so it is a fact, not a configuration item. In metadata as `MaxLotLen`.
pub const MAX_LOT_LEN: u32 = 20;

/// The longest serial: GS1 fixes AI(21) at up to 20 characters. In metadata as
/// `MaxSerialLen`.
pub const MAX_SERIAL_LEN: u32 = 20;

/// [`MAX_LOT_LEN`] as a `Get<u32>` bound.
pub type MaxLotLen = frame_support::traits::ConstU32<MAX_LOT_LEN>;

/// [`MAX_SERIAL_LEN`] as a `Get<u32>` bound.
pub type MaxSerialLen = frame_support::traits::ConstU32<MAX_SERIAL_LEN>;

/// The most sibling hashes a serial's proof may hold: `ceil(log2(MaxQuantity))`
/// ([`max_proof_len`]), derived from `T::MaxQuantity` rather than configured. In metadata as
/// `MaxProofLen`.
pub type MaxProofLen<T> = MaxProofLenOf<<T as Config>::MaxQuantity>;

/// The Merkle root of `serials` (their raw bytes) by the rules of the crate docs; the
/// all-zero hash for no serials. For tests and off-chain tooling written in Rust.
pub fn serials_root<S: AsRef<[u8]>>(serials: &[S]) -> H256 {
	binary_merkle_tree::merkle_root::<BlakeTwo256, _>(serials.iter().map(|s| s.as_ref()))
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	/// The storage layout version. 2: `Batch::destroyed`, `SuspectReport::by_regulator`,
	/// `CustodyParties`, company prefixes ([`migrations::v2`] migrates from 1).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// A GTIN as a call argument: its 14 ASCII digits (a plain string from polkadot.js).
	pub type GtinInput = BoundedVec<u8, ConstU32<GTIN_LEN>>;

	/// A GS1 Company Prefix as a call argument: its ASCII digits (6..=12 are valid; up to 14
	/// are accepted so that a wrong length is a named error).
	pub type CompanyPrefixInput = BoundedVec<u8, ConstU32<GTIN_LEN>>;

	/// An expiry date as a call argument: `YYMMDD`, 6 ASCII digits.
	pub type ExpiryInput = BoundedVec<u8, ConstU32<EXPIRY_LEN>>;

	/// A lot (GS1 AI 10) as stored.
	pub type BoundedLot = BoundedVec<u8, MaxLotLen>;

	/// A serial (GS1 AI 21) as a call argument.
	pub type BoundedSerial = BoundedVec<u8, MaxSerialLen>;

	/// A serial's Merkle proof as a call argument.
	pub type SerialProofOf<T> = SerialProof<BoundedVec<H256, MaxProofLen<T>>>;

	/// A batch as stored.
	pub type BatchRecordOf<T> = Batch<<T as frame_system::Config>::AccountId, BoundedLot>;

	/// A batch as the runtime API returns it (the lot as plain bytes).
	pub type BatchInfoOf<T> = Batch<<T as frame_system::Config>::AccountId, Vec<u8>>;

	/// A batch's holders as stored.
	pub type HoldersOf<T> =
		BoundedVec<<T as frame_system::Config>::AccountId, <T as Config>::MaxHoldersPerBatch>;

	/// A batch's holders with their custody (in the `BatchRecalled` event).
	pub type HolderCustodyOf<T> = BoundedVec<
		(<T as frame_system::Config>::AccountId, Custody),
		<T as Config>::MaxHoldersPerBatch,
	>;

	/// A batch's custody history as stored.
	pub type HistoryOf<T> = BoundedVec<
		CustodyEvent<<T as frame_system::Config>::AccountId>,
		<T as Config>::MaxHistoryPerBatch,
	>;

	/// A batch's suspect reports as stored.
	pub type ReportsOf<T> = BoundedVec<
		SuspectReport<<T as frame_system::Config>::AccountId>,
		<T as Config>::MaxSuspectReportsPerBatch,
	>;

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The consortium: which organization an account acts for, whether it is active,
		/// which roles it holds.
		type Roles: RoleProvider<Self::AccountId>;

		/// Who assigns and revokes GS1 company prefixes and reassigns products: Root on dev
		/// chains, a council supermajority on a consortium chain.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The current time (the block's timestamp); read in milliseconds, for expiry.
		type Time: UnixTime;

		/// The most units a batch may have (e.g. 1_000_000). At the bound,
		/// `commission_batch` fails with `QuantityTooLarge`. It also bounds serial proofs:
		/// [`MaxProofLen`] is `ceil(log2(MaxQuantity))`.
		#[pallet::constant]
		type MaxQuantity: Get<u32>;

		/// The most organizations with custody of one batch at once. At the bound, a shipment
		/// to a new holder fails with `TooManyHolders`.
		#[pallet::constant]
		type MaxHoldersPerBatch: Get<u32>;

		/// The longest custody history kept per batch (at least 2). At the bound, the oldest
		/// entry after `Commissioned` is dropped.
		#[pallet::constant]
		type MaxHistoryPerBatch: Get<u32>;

		/// The most products a manufacturer may register. At the bound, `register_product`
		/// fails with `TooManyProducts`.
		#[pallet::constant]
		type MaxProductsPerManufacturer: Get<u32>;

		/// The most suspect reports kept per batch. At the bound, the oldest report not filed
		/// by a Regulator is dropped (see the crate docs).
		#[pallet::constant]
		type MaxSuspectReportsPerBatch: Get<u32>;

		/// The most reports one organization may have in a batch's list of kept reports
		/// (1..=`MaxSuspectReportsPerBatch`, e.g. 4). Beyond, `report_suspect` fails with
		/// `TooManyReports`.
		#[pallet::constant]
		type MaxReportsPerReporter: Get<u32>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The Manufacturer organization each GS1 Company Prefix is assigned to, by governance.
	/// No assigned prefix is a leading part of another.
	#[pallet::storage]
	pub type CompanyPrefixes<T: Config> =
		StorageMap<_, Blake2_128Concat, CompanyPrefix, T::AccountId, OptionQuery>;

	/// For a digit string of 6..=11 digits, how many assigned company prefixes extend it
	/// (are longer and start with it); no entry for zero. Lets `assign_company_prefix` refuse
	/// an overlapping prefix with one read per length.
	#[pallet::storage]
	pub type LongerPrefixes<T: Config> =
		StorageMap<_, Blake2_128Concat, CompanyPrefix, u32, ValueQuery>;

	/// Every registered product, by GTIN.
	#[pallet::storage]
	pub type Products<T: Config> =
		StorageMap<_, Blake2_128Concat, Gtin, Product<T::AccountId>, OptionQuery>;

	/// The GTINs each Manufacturer organization registered, in registration order (at most
	/// `MaxProductsPerManufacturer`).
	#[pallet::storage]
	pub type ProductsOf<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<Gtin, T::MaxProductsPerManufacturer>,
		ValueQuery,
	>;

	/// The id the next commissioned batch will get. Ids are never reused.
	#[pallet::storage]
	pub type NextBatchId<T: Config> = StorageValue<_, BatchId, ValueQuery>;

	/// Every commissioned batch, by id. Batches are never removed.
	#[pallet::storage]
	pub type Batches<T: Config> =
		StorageMap<_, Blake2_128Concat, BatchId, BatchRecordOf<T>, OptionQuery>;

	/// The batch commissioned for each (GTIN, lot): each pair is commissioned once.
	#[pallet::storage]
	pub type BatchOf<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, Gtin, Blake2_128Concat, BoundedLot, BatchId>;

	/// Each organization's custody of each batch; no entry when all of it is zero.
	#[pallet::storage]
	pub type Holdings<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		BatchId,
		Blake2_128Concat,
		T::AccountId,
		Custody,
		OptionQuery,
	>;

	/// The organizations with non-zero custody of each batch (the keys of [`Holdings`] for
	/// that batch), in the order they first took part (at most `MaxHoldersPerBatch`).
	#[pallet::storage]
	pub type BatchHolders<T: Config> =
		StorageMap<_, Blake2_128Concat, BatchId, HoldersOf<T>, ValueQuery>;

	/// The custody parties of each batch: its manufacturer and every organization a unit of
	/// it was ever shipped to. Never removed; at most one entry per (batch, organization).
	/// Decides who may report on the batch.
	#[pallet::storage]
	pub type CustodyParties<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		BatchId,
		Blake2_128Concat,
		T::AccountId,
		(),
		OptionQuery,
	>;

	/// The id the next shipment will get. Ids are never reused.
	#[pallet::storage]
	pub type NextShipmentId<T: Config> = StorageValue<_, ShipmentId, ValueQuery>;

	/// Shipments sent and not yet received or cancelled (removed when they are).
	#[pallet::storage]
	pub type Shipments<T: Config> =
		StorageMap<_, Blake2_128Concat, ShipmentId, Shipment<T::AccountId>, OptionQuery>;

	/// Every dispensed serial, by batch and `blake2_256(serial)`. Never removed: a serial is
	/// dispensed once.
	#[pallet::storage]
	pub type Dispensed<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		BatchId,
		Blake2_128Concat,
		H256,
		DispenseInfo<T::AccountId>,
		OptionQuery,
	>;

	/// Each batch's custody history, oldest first (the `Commissioned` entry always first; at
	/// most `MaxHistoryPerBatch` entries, see the crate docs).
	#[pallet::storage]
	pub type BatchHistory<T: Config> =
		StorageMap<_, Blake2_128Concat, BatchId, HistoryOf<T>, ValueQuery>;

	/// Each batch's newest suspect reports, oldest first (at most
	/// `MaxSuspectReportsPerBatch`, at most `MaxReportsPerReporter` per reporter; Regulators'
	/// reports are kept before others').
	#[pallet::storage]
	pub type SuspectReports<T: Config> =
		StorageMap<_, Blake2_128Concat, BatchId, ReportsOf<T>, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// GS1 Company Prefixes assigned at genesis: `(prefix digits, manufacturer
		/// organization)`, e.g. `(b"0950600".to_vec(), acme)`. Each must be 6..=12 ASCII
		/// digits, assigned once, and not overlap another. The manufacturer's role is not
		/// checked here (the consortium's genesis may be built later).
		pub company_prefixes: Vec<(Vec<u8>, T::AccountId)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (prefix, manufacturer) in &self.company_prefixes {
				// Genesis is built by the node operator: a bad preset must stop the chain from
				// starting rather than start it with a silently altered prefix table.
				let prefix = Pallet::<T>::parse_company_prefix(prefix)
					.expect("invalid genesis company prefix");
				Pallet::<T>::do_assign_company_prefix(&prefix, manufacturer)
					.expect("duplicate or overlapping genesis company prefix");
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Governance assigned a GS1 Company Prefix to a Manufacturer organization.
		CompanyPrefixAssigned {
			/// The prefix's digits.
			prefix: CompanyPrefix,
			/// The Manufacturer organization that may now register GTINs under it.
			manufacturer: T::AccountId,
		},
		/// Governance revoked a GS1 Company Prefix; products registered under it keep their
		/// owner.
		CompanyPrefixRevoked {
			/// The prefix's digits.
			prefix: CompanyPrefix,
			/// The organization it was assigned to.
			manufacturer: T::AccountId,
		},
		/// Governance moved a product (GTIN) to another Manufacturer organization.
		ProductReassigned {
			/// The GTIN-14.
			gtin: Gtin,
			/// The previous owner.
			from: T::AccountId,
			/// The new owner, who alone commissions its batches from now on.
			to: T::AccountId,
		},
		/// A product (GTIN) was registered.
		ProductRegistered {
			/// The GTIN-14.
			gtin: Gtin,
			/// The Manufacturer organization that owns it.
			manufacturer: T::AccountId,
			/// The hash of its master data.
			metadata_hash: H256,
		},
		/// A batch was commissioned; its manufacturer holds every unit.
		BatchCommissioned {
			/// The new batch's id.
			batch_id: BatchId,
			/// The product.
			gtin: Gtin,
			/// The lot.
			lot: BoundedLot,
			/// The expiry date.
			expiry: ExpiryDate,
			/// Units commissioned.
			quantity: u32,
			/// The Merkle root of the serials.
			serials_root: H256,
			/// The Manufacturer organization.
			manufacturer: T::AccountId,
		},
		/// Units of a batch were shipped; the recipient has to receive them.
		ShipmentSent {
			/// The new shipment's id.
			shipment_id: ShipmentId,
			/// The batch.
			batch_id: BatchId,
			/// The sending organization.
			from: T::AccountId,
			/// The receiving organization.
			to: T::AccountId,
			/// Units shipped.
			quantity: u32,
		},
		/// A shipment was received: the recipient holds its units.
		ShipmentReceived {
			/// The shipment.
			shipment_id: ShipmentId,
			/// The batch.
			batch_id: BatchId,
			/// The sending organization.
			from: T::AccountId,
			/// The receiving organization.
			to: T::AccountId,
			/// Units received.
			quantity: u32,
		},
		/// The sender cancelled a shipment: its units are back in the sender's custody.
		ShipmentCancelled {
			/// The shipment.
			shipment_id: ShipmentId,
			/// The batch.
			batch_id: BatchId,
			/// The sending organization.
			from: T::AccountId,
			/// The recipient that never received it.
			to: T::AccountId,
			/// Units returned.
			quantity: u32,
		},
		/// The recipient rejected a shipment: its units are back in the sender's custody.
		ShipmentRejected {
			/// The shipment.
			shipment_id: ShipmentId,
			/// The batch.
			batch_id: BatchId,
			/// The sending organization, which holds the units again.
			from: T::AccountId,
			/// The receiving organization that refused them.
			to: T::AccountId,
			/// Units returned.
			quantity: u32,
		},
		/// A holder destroyed units of a batch; they left the supply chain for good.
		UnitsDestroyed {
			/// The batch.
			batch_id: BatchId,
			/// The holder organization.
			holder: T::AccountId,
			/// Units destroyed.
			quantity: u32,
			/// Why.
			reason: DestructionReason,
		},
		/// A unit was dispensed to a patient.
		UnitDispensed {
			/// The batch.
			batch_id: BatchId,
			/// `blake2_256` of the serial.
			serial_hash: H256,
			/// The Pharmacy organization.
			pharmacy: T::AccountId,
		},
		/// A suspect unit was reported.
		SuspectReported {
			/// The batch.
			batch_id: BatchId,
			/// `blake2_256` of the serial.
			serial_hash: H256,
			/// Why the unit is suspect.
			reason: SuspectReason,
			/// The reporting organization.
			reporter: T::AccountId,
		},
		/// A batch was recalled.
		BatchRecalled {
			/// The batch.
			batch_id: BatchId,
			/// The manufacturer or Regulator organization that recalled it.
			by: T::AccountId,
			/// The recall's reason code.
			reason_code: u16,
			/// Every organization with custody of the batch, with its held, incoming and
			/// outgoing units, so that each can act.
			holders: HolderCustodyOf<T>,
			/// Units in pending shipments (their senders can cancel them).
			in_transit: u32,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The GTIN is not 14 ASCII digits.
		InvalidGtin,
		/// The GTIN's last digit is not its GS1 check digit.
		InvalidGtinCheckDigit,
		/// The product's metadata hash is all zeros.
		ZeroMetadataHash,
		/// The GTIN is already registered.
		GtinAlreadyRegistered,
		/// The manufacturer already registered `MaxProductsPerManufacturer` products.
		TooManyProducts,
		/// No product has this GTIN.
		UnknownProduct,
		/// The GTIN belongs to another manufacturer.
		NotProductOwner,
		/// The lot is empty or has a character outside GS1 character set 82.
		InvalidLot,
		/// The expiry is not a valid GS1 `YYMMDD` date.
		InvalidExpiry,
		/// The batch is expired (or, when commissioning, its expiry date has passed).
		ExpiredBatch,
		/// The quantity is zero.
		ZeroQuantity,
		/// The quantity exceeds `MaxQuantity`.
		QuantityTooLarge,
		/// The serials' Merkle root is all zeros (the root of an empty tree).
		ZeroSerialsRoot,
		/// A batch with this GTIN and lot is already commissioned.
		LotAlreadyCommissioned,
		/// The batch id counter is exhausted.
		BatchIdOverflow,
		/// No batch has this id.
		UnknownBatch,
		/// The batch is recalled (it may only be shipped to, and received by, its manufacturer).
		RecalledBatch,
		/// The sender cannot ship to itself.
		ShipToSelf,
		/// The recipient is not an organization of the consortium (a staff key is not one).
		RecipientNotOrganization,
		/// The recipient organization is suspended.
		SuspendedRecipient,
		/// The recipient has none of the Manufacturer, Distributor, Pharmacy roles.
		RecipientMissingRole,
		/// The sender holds fewer units of the batch than it ships.
		InsufficientCustody,
		/// The batch already has `MaxHoldersPerBatch` holders and the recipient is not one.
		TooManyHolders,
		/// The shipment id counter is exhausted.
		ShipmentIdOverflow,
		/// No pending shipment has this id (never sent, or already received or cancelled).
		UnknownShipment,
		/// Only the shipment's recipient organization can receive it.
		NotShipmentRecipient,
		/// Only the shipment's sender organization can cancel it.
		NotShipmentSender,
		/// The pharmacy holds no unit of the batch.
		NoCustody,
		/// The serial is empty or has a character outside GS1 character set 82.
		InvalidSerial,
		/// The proof does not fit the batch: `leaf_count` differs from its quantity, the index
		/// is out of range, or the number of sibling hashes is not the one the tree requires.
		InvalidProof,
		/// The proof does not lead from the serial to the batch's serials root: the serial is
		/// not in the batch.
		SerialNotInBatch,
		/// The serial was already dispensed.
		SerialAlreadyDispensed,
		/// The chain's state contradicts the reason given (a `DoubleDispense` report of a
		/// serial never dispensed; a `Recalled` report or destruction for a batch not
		/// recalled; an `Expired` one for a batch not expired).
		ClaimNotSupported,
		/// Only the batch's manufacturer or a Regulator can recall it.
		NotManufacturerOrRegulator,
		/// The batch is already recalled.
		AlreadyRecalled,
		/// The company prefix has a character that is not an ASCII digit.
		InvalidCompanyPrefix,
		/// The company prefix is not 6..=12 digits long.
		InvalidCompanyPrefixLength,
		/// The company prefix is already assigned (revoke it first to move it).
		CompanyPrefixAlreadyAssigned,
		/// The company prefix is a leading part of an assigned prefix, or an assigned prefix
		/// is a leading part of it.
		CompanyPrefixOverlaps,
		/// No organization is assigned this company prefix.
		UnknownCompanyPrefix,
		/// The GTIN's company prefix is not assigned to the signer's organization (or to
		/// anyone).
		CompanyPrefixNotAssigned,
		/// The account is not an active organization with the Manufacturer role.
		NotAManufacturer,
		/// The product already belongs to this manufacturer.
		AlreadyProductOwner,
		/// Only a Regulator, the batch's manufacturer, the product's owner or a custody party
		/// of the batch may report on it.
		NotBatchParty,
		/// The reporter already has `MaxReportsPerReporter` reports kept for this batch.
		TooManyReports,
		/// The batch's report list is full of Regulators' reports; only a Regulator's report
		/// can replace one.
		SuspectReportsFull,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxQuantity::get() > 0, "MaxQuantity must be > 0");
			assert!(T::MaxHoldersPerBatch::get() >= 2, "MaxHoldersPerBatch must be >= 2");
			assert!(T::MaxHistoryPerBatch::get() >= 2, "MaxHistoryPerBatch must be >= 2");
			assert!(T::MaxProductsPerManufacturer::get() > 0, "MaxProducts must be > 0");
			assert!(T::MaxSuspectReportsPerBatch::get() > 0, "MaxSuspectReports must be > 0");
			assert!(
				T::MaxReportsPerReporter::get() > 0
					&& T::MaxReportsPerReporter::get() <= T::MaxSuspectReportsPerBatch::get(),
				"MaxReportsPerReporter must be in 1..=MaxSuspectReportsPerBatch"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::extra_constants]
	impl<T: Config> Pallet<T> {
		/// The longest lot (GS1 AI 10): 20 characters, [`MAX_LOT_LEN`].
		#[pallet::constant_name(MaxLotLen)]
		fn max_lot_len() -> u32 {
			MAX_LOT_LEN
		}

		/// The longest serial (GS1 AI 21): 20 characters, [`MAX_SERIAL_LEN`].
		#[pallet::constant_name(MaxSerialLen)]
		fn max_serial_len() -> u32 {
			MAX_SERIAL_LEN
		}

		/// The most sibling hashes a serial's proof may hold: `ceil(log2(MaxQuantity))`.
		#[pallet::constant_name(MaxProofLen)]
		fn max_proof_len() -> u32 {
			MaxProofLen::<T>::get()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register a product: a GTIN-14 and the hash of its master data. The GTIN then
		/// belongs to the signer's organization.
		///
		/// - `origin`: signed by staff (or the admin) of an active Manufacturer to which
		///   governance assigned the GTIN's GS1 Company Prefix.
		/// - `gtin`: the 14 ASCII digits, the last one the GS1 check digit.
		/// - `metadata_hash`: a non-zero hash of the product's master data kept off chain.
		///
		/// Emits [`Event::ProductRegistered`].
		///
		/// ## Complexity
		/// O(1) reads and writes: at most 7 company-prefix reads (lengths 6..=12); the
		/// manufacturer's product list (at most `MaxProductsPerManufacturer` GTINs) is decoded
		/// and re-encoded.
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization),
		///   [`MissingRole`](pallet_consortium::Error::MissingRole): the signer does not act
		///   for an active Manufacturer.
		/// - [`Error::InvalidGtin`], [`Error::InvalidGtinCheckDigit`]: a malformed `gtin`.
		/// - [`Error::CompanyPrefixNotAssigned`]: the GTIN's company prefix is not assigned to
		///   the signer's organization.
		/// - [`Error::ZeroMetadataHash`].
		/// - [`Error::GtinAlreadyRegistered`].
		/// - [`Error::TooManyProducts`]: the organization has `MaxProductsPerManufacturer`
		///   products.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_product())]
		pub fn register_product(
			origin: OriginFor<T>,
			gtin: GtinInput,
			metadata_hash: H256,
		) -> DispatchResult {
			let signer = ensure_signed(origin)?;
			let manufacturer = T::Roles::ensure_role(&signer, Role::Manufacturer)?;
			Self::do_register_product(manufacturer, gtin, metadata_hash)
		}

		/// Commission a batch of a product: its manufacturer then holds every unit.
		///
		/// - `origin`: signed by staff (or the admin) of the active Manufacturer that owns
		///   the GTIN.
		/// - `gtin`: the product's 14 ASCII digits.
		/// - `lot`: GS1 AI(10), 1..=[`MAX_LOT_LEN`] characters of GS1 character set 82; a
		///   (GTIN, lot) pair is commissioned once.
		/// - `expiry`: GS1 AI(17) `YYMMDD` (see the crate docs), not already passed.
		/// - `quantity`: units, `1..=MaxQuantity`: the number of serials in the tree.
		/// - `serials_root`: the non-zero Merkle root of the batch's serials.
		///
		/// Emits [`Event::BatchCommissioned`].
		///
		/// ## Complexity
		/// O(1). Independent of `quantity`: the tree is never built on chain.
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization),
		///   [`MissingRole`](pallet_consortium::Error::MissingRole): the signer does not act
		///   for an active Manufacturer.
		/// - [`Error::InvalidGtin`], [`Error::InvalidGtinCheckDigit`]: a malformed `gtin`.
		/// - [`Error::UnknownProduct`]: no product has this GTIN.
		/// - [`Error::NotProductOwner`]: the GTIN belongs to another manufacturer.
		/// - [`Error::InvalidLot`].
		/// - [`Error::InvalidExpiry`], [`Error::ExpiredBatch`]: `expiry` is not a valid date,
		///   or has passed.
		/// - [`Error::ZeroQuantity`], [`Error::QuantityTooLarge`].
		/// - [`Error::ZeroSerialsRoot`].
		/// - [`Error::LotAlreadyCommissioned`]: this (GTIN, lot) is already a batch.
		/// - [`Error::BatchIdOverflow`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::commission_batch())]
		pub fn commission_batch(
			origin: OriginFor<T>,
			gtin: GtinInput,
			lot: BoundedLot,
			expiry: ExpiryInput,
			quantity: u32,
			serials_root: H256,
		) -> DispatchResult {
			let signer = ensure_signed(origin)?;
			let manufacturer = T::Roles::ensure_role(&signer, Role::Manufacturer)?;
			Self::do_commission_batch(manufacturer, gtin, lot, expiry, quantity, serials_root)
		}

		/// Ship units of a batch to another organization (step one of the hand-over). The
		/// units leave the sender's `held` and are in transit until the recipient receives
		/// them or the sender cancels.
		///
		/// - `origin`: signed by staff (or the admin) of an active Manufacturer, Distributor
		///   or Pharmacy holding at least `quantity` units of the batch.
		/// - `batch_id`: the batch. A recalled batch may only be shipped to its manufacturer
		///   (a return).
		/// - `to`: the recipient organization's account: active, with the Manufacturer,
		///   Distributor or Pharmacy role, not the sender. It becomes a custody party of the
		///   batch.
		/// - `quantity`: units, at least 1.
		///
		/// Emits [`Event::ShipmentSent`].
		///
		/// ## Complexity
		/// O(`MaxHoldersPerBatch` + `MaxHistoryPerBatch`) (the holder list and the history
		/// are decoded, searched or shifted, and re-encoded).
		///
		/// ## Weight
		/// Charged for a full history and a full holder list up front; refunded after
		/// dispatch to `ship(h, n)` for the history's `h` entries and the `n` holders written.
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization),
		///   [`MissingRole`](pallet_consortium::Error::MissingRole): the signer does not act
		///   for an active Manufacturer, Distributor or Pharmacy.
		/// - [`Error::ZeroQuantity`].
		/// - [`Error::UnknownBatch`].
		/// - [`Error::RecalledBatch`]: the batch is recalled and `to` is not its manufacturer.
		/// - [`Error::ShipToSelf`].
		/// - [`Error::RecipientNotOrganization`], [`Error::SuspendedRecipient`],
		///   [`Error::RecipientMissingRole`]: `to` is not an active organization's account
		///   with a custody role.
		/// - [`Error::InsufficientCustody`]: the sender holds fewer than `quantity` units.
		/// - [`Error::TooManyHolders`]: the batch has `MaxHoldersPerBatch` holders and `to` is
		///   not one.
		/// - [`Error::ShipmentIdOverflow`].
		/// - `ArithmeticError` (`Underflow`, `Overflow`): only if the custody counts were
		///   inconsistent, which the conservation invariant rules out.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::ship(
			T::MaxHistoryPerBatch::get(),
			T::MaxHoldersPerBatch::get(),
		))]
		pub fn ship(
			origin: OriginFor<T>,
			batch_id: BatchId,
			to: T::AccountId,
			quantity: u32,
		) -> DispatchResultWithPostInfo {
			let signer = ensure_signed(origin)?;
			let from = T::Roles::ensure_any_role(&signer, CUSTODY_ROLES)?.0;
			Self::do_ship(from, batch_id, to, quantity)
		}

		/// Receive a shipment (step two of the hand-over): its units move from in transit to
		/// the recipient's `held`.
		///
		/// - `origin`: signed by staff (or the admin) of the shipment's recipient, an active
		///   Manufacturer, Distributor or Pharmacy.
		/// - `shipment_id`: a pending shipment of a batch that is not recalled, or of a
		///   recalled batch to its manufacturer (a return).
		///
		/// Emits [`Event::ShipmentReceived`].
		///
		/// ## Complexity
		/// O(`MaxHoldersPerBatch` + `MaxHistoryPerBatch`).
		///
		/// ## Weight
		/// Charged for a full history and a full holder list up front; refunded after
		/// dispatch to `receive(h, n)` for the history's `h` entries and the `n` holders read
		/// (0 if no party's custody became empty: the list is then not read).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization),
		///   [`MissingRole`](pallet_consortium::Error::MissingRole): the signer does not act
		///   for an active Manufacturer, Distributor or Pharmacy.
		/// - [`Error::UnknownShipment`]: no pending shipment has this id.
		/// - [`Error::NotShipmentRecipient`]: the signer's organization is not the recipient.
		/// - [`Error::UnknownBatch`].
		/// - [`Error::RecalledBatch`]: the batch is recalled and the recipient is not its
		///   manufacturer.
		/// - `ArithmeticError` (`Underflow`, `Overflow`): only if the custody counts were
		///   inconsistent, which the conservation invariant rules out.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::receive(
			T::MaxHistoryPerBatch::get(),
			T::MaxHoldersPerBatch::get(),
		))]
		pub fn receive(
			origin: OriginFor<T>,
			shipment_id: ShipmentId,
		) -> DispatchResultWithPostInfo {
			let signer = ensure_signed(origin)?;
			let org = T::Roles::ensure_any_role(&signer, CUSTODY_ROLES)?.0;
			Self::do_receive(org, shipment_id)
		}

		/// Cancel a shipment not yet received: its units return to the sender's `held`.
		/// Allowed for a recalled batch (so returned goods are back in the sender's custody).
		///
		/// - `origin`: signed by staff (or the admin) of the shipment's sender, an active
		///   Manufacturer, Distributor or Pharmacy.
		/// - `shipment_id`: a pending shipment.
		///
		/// Emits [`Event::ShipmentCancelled`].
		///
		/// ## Complexity
		/// O(`MaxHoldersPerBatch` + `MaxHistoryPerBatch`).
		///
		/// ## Weight
		/// Charged for a full history and a full holder list up front; refunded after
		/// dispatch to `cancel_shipment(h, n)` (as `receive`).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization),
		///   [`MissingRole`](pallet_consortium::Error::MissingRole): the signer does not act
		///   for an active Manufacturer, Distributor or Pharmacy.
		/// - [`Error::UnknownShipment`]: no pending shipment has this id.
		/// - [`Error::NotShipmentSender`]: the signer's organization is not the sender.
		/// - [`Error::UnknownBatch`].
		/// - `ArithmeticError` (`Underflow`, `Overflow`): only if the custody counts were
		///   inconsistent, which the conservation invariant rules out.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::cancel_shipment(
			T::MaxHistoryPerBatch::get(),
			T::MaxHoldersPerBatch::get(),
		))]
		pub fn cancel_shipment(
			origin: OriginFor<T>,
			shipment_id: ShipmentId,
		) -> DispatchResultWithPostInfo {
			let signer = ensure_signed(origin)?;
			let org = T::Roles::ensure_any_role(&signer, CUSTODY_ROLES)?.0;
			let shipment = Shipments::<T>::get(shipment_id).ok_or(Error::<T>::UnknownShipment)?;
			ensure!(shipment.from == org, Error::<T>::NotShipmentSender);
			let (history_len, holders_len) =
				Self::do_return_shipment(shipment_id, shipment, ShipmentReturn::Cancelled)?;
			Ok(Some(T::WeightInfo::cancel_shipment(history_len, holders_len)).into())
		}

		/// Dispense one unit to a patient: the serial is proven a member of the batch and
		/// marked dispensed; the pharmacy's `held` drops by one.
		///
		/// A refused dispense of a copied or unknown serial (`SerialAlreadyDispensed`,
		/// `SerialNotInBatch`) rolls back; the pharmacy then files `report_suspect` so that
		/// the attempt stays on chain.
		///
		/// - `origin`: signed by staff (or the admin) of an active Pharmacy holding units of
		///   the batch.
		/// - `batch_id`: the batch (not recalled, not expired).
		/// - `serial`: the unit's serial (GS1 AI 21), 1..=[`MAX_SERIAL_LEN`] characters of GS1
		///   character set 82.
		/// - `proof`: the serial's Merkle proof (see the crate docs).
		///
		/// Emits [`Event::UnitDispensed`].
		///
		/// ## Complexity
		/// At most `MaxProofLen` + 1 hashes, plus O(`MaxHoldersPerBatch` +
		/// `MaxHistoryPerBatch`).
		///
		/// ## Weight
		/// `dispense(p, h, n)` for the proof's `p` siblings (known before dispatch), charged
		/// for a full history and a full holder list up front and refunded after dispatch to
		/// the history's `h` entries and the `n` holders read (0 if the pharmacy still holds
		/// units: the list is then not read).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization),
		///   [`MissingRole`](pallet_consortium::Error::MissingRole): the signer does not act
		///   for an active Pharmacy.
		/// - [`Error::UnknownBatch`].
		/// - [`Error::RecalledBatch`], [`Error::ExpiredBatch`].
		/// - [`Error::NoCustody`]: the pharmacy holds no unit of the batch.
		/// - [`Error::InvalidSerial`].
		/// - [`Error::InvalidProof`]: the proof does not fit the batch.
		/// - [`Error::SerialNotInBatch`]: the proof does not lead to the batch's serials root.
		/// - [`Error::SerialAlreadyDispensed`].
		/// - `ArithmeticError` (`Underflow`, `Overflow`): only if the custody counts were
		///   inconsistent, which the conservation invariant rules out.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::dispense(
			u32::try_from(proof.siblings.len()).unwrap_or(u32::MAX),
			T::MaxHistoryPerBatch::get(),
			T::MaxHoldersPerBatch::get(),
		))]
		pub fn dispense(
			origin: OriginFor<T>,
			batch_id: BatchId,
			serial: BoundedSerial,
			proof: SerialProofOf<T>,
		) -> DispatchResultWithPostInfo {
			let signer = ensure_signed(origin)?;
			let pharmacy = T::Roles::ensure_role(&signer, Role::Pharmacy)?;
			Self::do_dispense(pharmacy, batch_id, serial, proof)
		}

		/// Report a suspect unit: a durable trace for regulators that a failed `dispense`
		/// cannot leave itself.
		///
		/// - `origin`: signed by staff (or the admin) of an active Regulator, or of an active
		///   Manufacturer, Distributor or Pharmacy related to the batch: its manufacturer,
		///   the product's current owner, or a custody party of the batch (see the crate
		///   docs).
		/// - `batch_id`: the batch the pack claims to belong to (must exist).
		/// - `serial`: the pack's serial, 1..=[`MAX_SERIAL_LEN`] characters of GS1 character set
		///   82 (stored as its hash).
		/// - `reason`: why. `DoubleDispense` is accepted only if the serial is dispensed
		///   already, `Recalled` only for a recalled batch, `Expired` only for an expired
		///   batch; the other reasons cannot be checked by the chain.
		///
		/// The report is kept in the batch's bounded list and counted in
		/// `Batch::suspect_reports`. The reporter may have at most `MaxReportsPerReporter`
		/// reports in the list. At the bound the oldest report not filed by a Regulator is
		/// dropped; if every kept report is a Regulator's, a Regulator's report drops the
		/// oldest and anyone else's is refused.
		///
		/// Emits [`Event::SuspectReported`].
		///
		/// ## Complexity
		/// O(`MaxSuspectReportsPerBatch`) (the list is decoded, scanned, shifted,
		/// re-encoded).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization),
		///   [`MissingRole`](pallet_consortium::Error::MissingRole): the signer does not act
		///   for an active Manufacturer, Distributor, Pharmacy or Regulator.
		/// - [`Error::UnknownBatch`].
		/// - [`Error::NotBatchParty`]: the signer's organization is not a Regulator and not
		///   related to the batch.
		/// - [`Error::InvalidSerial`].
		/// - [`Error::ClaimNotSupported`]: the chain's state contradicts `reason`.
		/// - [`Error::TooManyReports`]: the organization has `MaxReportsPerReporter` reports
		///   kept for the batch.
		/// - [`Error::SuspectReportsFull`]: the batch's list is full of Regulators' reports and
		///   the signer's organization is not a Regulator.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::report_suspect())]
		pub fn report_suspect(
			origin: OriginFor<T>,
			batch_id: BatchId,
			serial: BoundedSerial,
			reason: SuspectReason,
		) -> DispatchResult {
			let signer = ensure_signed(origin)?;
			let (reporter, roles) = T::Roles::ensure_any_role(&signer, REPORTER_ROLES)?;
			Self::do_report_suspect(reporter, roles, batch_id, serial, reason)
		}

		/// Recall a batch: it can no longer be dispensed, and can only be shipped to (and
		/// received by) its manufacturer, as returns. Pending shipments can still be cancelled
		/// by their senders or rejected by their recipients, and holders may destroy their
		/// units (`destroy_units` with `Recalled`).
		///
		/// - `origin`: signed by staff (or the admin) of the batch's manufacturer (still an
		///   active Manufacturer) or of an active Regulator.
		/// - `batch_id`: the batch (not yet recalled).
		/// - `reason_code`: the recall's reason, a code agreed off chain.
		///
		/// Emits [`Event::BatchRecalled`] with every holder and its custody.
		///
		/// ## Complexity
		/// O(`MaxHoldersPerBatch`) custody reads, plus O(`MaxHistoryPerBatch`).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization): the
		///   signer does not act for an active organization.
		/// - [`Error::UnknownBatch`].
		/// - [`Error::NotManufacturerOrRegulator`]: the signer's organization is neither the
		///   batch's manufacturer (still holding the Manufacturer role) nor a Regulator.
		/// - [`Error::AlreadyRecalled`].
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::recall_batch())]
		pub fn recall_batch(
			origin: OriginFor<T>,
			batch_id: BatchId,
			reason_code: u16,
		) -> DispatchResult {
			let signer = ensure_signed(origin)?;
			let org = T::Roles::ensure_organization(&signer)?;
			Self::do_recall_batch(org, batch_id, reason_code)
		}

		/// Assign a GS1 Company Prefix to a Manufacturer organization: from then on only that
		/// organization registers GTINs whose company prefix it is.
		///
		/// - `origin`: `T::GovernanceOrigin`.
		/// - `prefix`: 6..=12 ASCII digits, not assigned yet, neither a leading part of an
		///   assigned prefix nor having one as its leading part.
		/// - `manufacturer`: an active organization (its admin account) with the Manufacturer
		///   role.
		///
		/// Emits [`Event::CompanyPrefixAssigned`].
		///
		/// ## Complexity
		/// O(1): at most 6 shorter prefixes are read and their counters written.
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not
		///   `T::GovernanceOrigin`.
		/// - [`Error::InvalidCompanyPrefix`], [`Error::InvalidCompanyPrefixLength`]: a
		///   malformed `prefix`.
		/// - [`Error::NotAManufacturer`]: `manufacturer` is not an active organization's
		///   account with the Manufacturer role.
		/// - [`Error::CompanyPrefixAlreadyAssigned`].
		/// - [`Error::CompanyPrefixOverlaps`]: `prefix` is a leading part of an assigned
		///   prefix, or has one as its leading part.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::assign_company_prefix())]
		pub fn assign_company_prefix(
			origin: OriginFor<T>,
			prefix: CompanyPrefixInput,
			manufacturer: T::AccountId,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let prefix = Self::parse_company_prefix(&prefix)?;
			ensure!(
				Self::is_manufacturer_organization(&manufacturer),
				Error::<T>::NotAManufacturer
			);
			Self::do_assign_company_prefix(&prefix, &manufacturer)?;
			Self::deposit_event(Event::CompanyPrefixAssigned { prefix, manufacturer });
			Ok(())
		}

		/// Revoke a GS1 Company Prefix: nobody registers new GTINs under it until it is
		/// assigned again. Products already registered under it keep their owner (move them
		/// with `reassign_product`).
		///
		/// - `origin`: `T::GovernanceOrigin`.
		/// - `prefix`: an assigned prefix's digits.
		///
		/// Emits [`Event::CompanyPrefixRevoked`].
		///
		/// ## Complexity
		/// O(1): at most 6 shorter prefixes' counters are written.
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not
		///   `T::GovernanceOrigin`.
		/// - [`Error::InvalidCompanyPrefix`], [`Error::InvalidCompanyPrefixLength`]: a
		///   malformed `prefix`.
		/// - [`Error::UnknownCompanyPrefix`]: `prefix` is not assigned.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::revoke_company_prefix())]
		pub fn revoke_company_prefix(
			origin: OriginFor<T>,
			prefix: CompanyPrefixInput,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_revoke_company_prefix(prefix)
		}

		/// Move a product (GTIN) to another Manufacturer organization, e.g. to undo GTIN
		/// squatting or after an acquisition. The new owner alone commissions its batches
		/// from now on; batches already commissioned keep their manufacturer.
		///
		/// - `origin`: `T::GovernanceOrigin`.
		/// - `gtin`: a registered product's 14 ASCII digits.
		/// - `manufacturer`: an active organization (its admin account) with the Manufacturer
		///   role, not the current owner, with fewer than `MaxProductsPerManufacturer`
		///   products.
		///
		/// The company prefix is not checked: governance may move a product whatever its
		/// prefix's assignment.
		///
		/// Emits [`Event::ProductReassigned`].
		///
		/// ## Complexity
		/// O(`MaxProductsPerManufacturer`): both product lists are decoded, searched and
		/// re-encoded.
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not
		///   `T::GovernanceOrigin`.
		/// - [`Error::InvalidGtin`], [`Error::InvalidGtinCheckDigit`]: a malformed `gtin`.
		/// - [`Error::UnknownProduct`]: no product has this GTIN.
		/// - [`Error::NotAManufacturer`]: `manufacturer` is not an active organization's
		///   account with the Manufacturer role.
		/// - [`Error::AlreadyProductOwner`]: the product already belongs to `manufacturer`.
		/// - [`Error::TooManyProducts`]: `manufacturer` has `MaxProductsPerManufacturer`
		///   products.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::reassign_product())]
		pub fn reassign_product(
			origin: OriginFor<T>,
			gtin: GtinInput,
			manufacturer: T::AccountId,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_reassign_product(gtin, manufacturer)
		}

		/// Reject a shipment not yet received: its units return to the sender's `held`, as
		/// with `cancel_shipment`. Lets a recipient refuse goods it does not want (and free
		/// the holder slot an unwanted shipment takes). Allowed for a recalled batch.
		///
		/// - `origin`: signed by staff (or the admin) of the shipment's recipient, an active
		///   Manufacturer, Distributor or Pharmacy.
		/// - `shipment_id`: a pending shipment.
		///
		/// Emits [`Event::ShipmentRejected`].
		///
		/// ## Complexity
		/// O(`MaxHoldersPerBatch` + `MaxHistoryPerBatch`).
		///
		/// ## Weight
		/// Charged for a full history and a full holder list up front; refunded after
		/// dispatch to `reject_shipment(h, n)` (as `receive`).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization),
		///   [`MissingRole`](pallet_consortium::Error::MissingRole): the signer does not act
		///   for an active Manufacturer, Distributor or Pharmacy.
		/// - [`Error::UnknownShipment`]: no pending shipment has this id.
		/// - [`Error::NotShipmentRecipient`]: the signer's organization is not the recipient.
		/// - [`Error::UnknownBatch`].
		/// - `ArithmeticError` (`Underflow`, `Overflow`): only if the custody counts were
		///   inconsistent, which the conservation invariant rules out.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::reject_shipment(
			T::MaxHistoryPerBatch::get(),
			T::MaxHoldersPerBatch::get(),
		))]
		pub fn reject_shipment(
			origin: OriginFor<T>,
			shipment_id: ShipmentId,
		) -> DispatchResultWithPostInfo {
			let signer = ensure_signed(origin)?;
			let org = T::Roles::ensure_any_role(&signer, CUSTODY_ROLES)?.0;
			let shipment = Shipments::<T>::get(shipment_id).ok_or(Error::<T>::UnknownShipment)?;
			ensure!(shipment.to == org, Error::<T>::NotShipmentRecipient);
			let (history_len, holders_len) =
				Self::do_return_shipment(shipment_id, shipment, ShipmentReturn::Rejected)?;
			Ok(Some(T::WeightInfo::reject_shipment(history_len, holders_len)).into())
		}

		/// Destroy units the signer's organization holds: they leave its `held` for the
		/// batch's `destroyed` count, for good. Meant for recalled, expired, damaged or
		/// tampered stock; stock that is neither recalled nor expired may be destroyed too
		/// (see the crate docs).
		///
		/// - `origin`: signed by staff (or the admin) of an active Manufacturer, Distributor
		///   or Pharmacy holding at least `quantity` units of the batch.
		/// - `batch_id`: the batch (recalled or not).
		/// - `quantity`: units, at least 1.
		/// - `reason`: `Recalled` only for a recalled batch, `Expired` only for an expired
		///   one; `DamagedOrTampered` and `Other` are not checked.
		///
		/// Emits [`Event::UnitsDestroyed`].
		///
		/// ## Complexity
		/// O(`MaxHoldersPerBatch` + `MaxHistoryPerBatch`).
		///
		/// ## Weight
		/// Charged for a full history and a full holder list up front; refunded after
		/// dispatch to `destroy_units(h, n)` for the history's `h` entries and the `n`
		/// holders read (0 if the holder keeps units: the list is then not read).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization),
		///   [`MissingRole`](pallet_consortium::Error::MissingRole): the signer does not act
		///   for an active Manufacturer, Distributor or Pharmacy.
		/// - [`Error::ZeroQuantity`].
		/// - [`Error::UnknownBatch`].
		/// - [`Error::ClaimNotSupported`]: `reason` is `Recalled` for a batch not recalled, or
		///   `Expired` for a batch not expired.
		/// - [`Error::InsufficientCustody`]: the signer's organization holds fewer than
		///   `quantity` units.
		/// - `ArithmeticError` (`Underflow`, `Overflow`): only if the custody counts were
		///   inconsistent, which the conservation invariant rules out.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::destroy_units(
			T::MaxHistoryPerBatch::get(),
			T::MaxHoldersPerBatch::get(),
		))]
		pub fn destroy_units(
			origin: OriginFor<T>,
			batch_id: BatchId,
			quantity: u32,
			reason: DestructionReason,
		) -> DispatchResultWithPostInfo {
			let signer = ensure_signed(origin)?;
			let holder = T::Roles::ensure_any_role(&signer, CUSTODY_ROLES)?.0;
			Self::do_destroy_units(holder, batch_id, quantity, reason)
		}
	}
}
