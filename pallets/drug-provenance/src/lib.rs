#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

// See "Code layout" in the crate docs.
mod batches;
mod custody;
mod dispensing;
mod errors;
mod events;
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
pub mod benchmarking;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // a test's overflow is a failed test
mod gs1_vectors;
pub mod migrations;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // a test's overflow is a failed test
mod mock;
pub mod runtime_api;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // a test's overflow is a failed test
mod tests;
mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use custody::ShipmentReturn;
use frame_support::{
	pallet_macros::import_section,
	traits::{EnsureOrigin, Get, UnixTime},
};
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

/// Whether a product may be dispensed without a prescription (set by governance in the
/// prescriptions pallet, which implements this).
pub trait DispensePolicy {
	/// Whether a unit of `gtin` may only be dispensed against a prescription.
	fn prescription_required(gtin: &Gtin) -> bool;
	/// The weight of one [`DispensePolicy::prescription_required`] (a storage read).
	fn prescription_required_weight() -> frame_support::weights::Weight;
}

impl DispensePolicy for () {
	fn prescription_required(_: &Gtin) -> bool {
		false
	}
	fn prescription_required_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}
}

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

#[import_section(events::events)]
#[import_section(errors::errors)]
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

		/// Which products need a prescription: a plain `dispense` of a unit of such a product
		/// fails with `PrescriptionRequired` (the prescriptions pallet dispenses it against a
		/// prescription instead). `()`: none does.
		type DispensePolicy: DispensePolicy;

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
		).saturating_add(T::DispensePolicy::prescription_required_weight()))]
		pub fn dispense(
			origin: OriginFor<T>,
			batch_id: BatchId,
			serial: BoundedSerial,
			proof: SerialProofOf<T>,
		) -> DispatchResultWithPostInfo {
			let signer = ensure_signed(origin)?;
			let pharmacy = T::Roles::ensure_role(&signer, Role::Pharmacy)?;
			let post = Self::do_dispense(pharmacy, batch_id, serial, proof, false)?;
			Ok(post
				.actual_weight
				.map(|w| w.saturating_add(T::DispensePolicy::prescription_required_weight()))
				.into())
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
