//! # MedChain runtime
//!
//! The state transition function of MedChain: FRAME's system pallets (accounts, time,
//! Aura block production, GRANDPA finality, balances and fees, sudo on dev chains, utility)
//! plus the MedChain pallets, starting with [`pallet_consortium`], which says who is in the
//! network and in which role.
//!
//! Layout, following the polkadot-sdk templates:
//! - `lib.rs`: types, version, the `#[frame_support::runtime]` composition;
//! - `configs/`: each pallet's `Config`;
//! - `apis.rs`: the runtime APIs (all in metadata, so polkadot.js needs no custom types);
//! - `genesis_config_presets.rs`: the `development` and `local_testnet` genesis presets.

#![cfg_attr(not(feature = "std"), no_std)]
// `#[frame_support::runtime]` expands to large types.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
// Configuration constants computed from constants (`Perbill * Weight` saturates; fee and
// deposit formulas over bounded inputs), checked by the runtime's integrity and weight tests.
#[allow(clippy::arithmetic_side_effects)]
pub mod configs;
mod feeless;
pub mod genesis_config_presets;
mod proxy;
pub mod weights;

pub use feeless::{CheckNonceFeelessBound, FeelessWithPriority, FEELESS_TOO_FAR_AHEAD};
pub use frame_metadata_hash_extension::CheckMetadataHash;
pub use proxy::ProxyType;

extern crate alloc;

use alloc::vec::Vec;

use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::{runtime_version, RuntimeVersion};

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_consortium::{Role, Roles};
pub use pallet_timestamp::Call as TimestampCall;

/// Opaque types: the node uses them without knowing the runtime's concrete formats.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;
}

impl_opaque_keys! {
	/// The session keys of a MedChain validator: Aura (block production) and GRANDPA
	/// (finality).
	pub struct SessionKeys {
		pub aura: Aura,
		pub grandpa: Grandpa,
	}
}

/// The runtime's identity. `spec_version` must grow with every runtime upgrade;
/// `transaction_version` with every change of a call's index or of the transaction extensions
/// (2: `CheckMetadataHash` added).
#[cfg(not(feature = "next-spec-version"))]
#[runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("medchain"),
	impl_name: alloc::borrow::Cow::Borrowed("medchain"),
	authoring_version: 1,
	spec_version: 104,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 2,
	system_version: 1,
};

/// The same runtime one `spec_version` later: what the network suite upgrades a running
/// chain to (built by `runtime/upgrade-test`, never by the node). Keep it equal to
/// [`VERSION`] but for `spec_version` + 1 (`#[runtime_version]` takes literals only).
#[cfg(feature = "next-spec-version")]
#[runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("medchain"),
	impl_name: alloc::borrow::Cow::Borrowed("medchain"),
	authoring_version: 1,
	spec_version: 105,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 2,
	system_version: 1,
};

mod block_times {
	/// Target block time, in milliseconds.
	///
	/// MedChain uses 3 s slots (Polkadot uses 6 s): consortium validators are few, known
	/// and well connected, so short slots are safe, and a clinician at the front desk or a
	/// pharmacist at the counter waits for inclusion (~3 s) and GRANDPA finality (~2 more
	/// blocks) rather than twice as long. The price is a smaller per-block compute budget
	/// (1 s of the 3 s slot), ample for calls that only store hashes.
	///
	/// NOTE: the slot duration cannot change once a chain has started.
	pub const MILLI_SECS_PER_BLOCK: u64 = 3000;
	/// Aura's slot duration equals the block time.
	pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;
}
pub use block_times::*;

/// Time measured in blocks.
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
pub const HOURS: BlockNumber = MINUTES * 60;
pub const DAYS: BlockNumber = HOURS * 24;

/// The chain's token, MED, has 12 decimals.
pub const UNIT: Balance = 1_000_000_000_000;
pub const MILLI_UNIT: Balance = 1_000_000_000;
pub const MICRO_UNIT: Balance = 1_000_000;

/// The smallest balance an account may hold.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// A transaction signature.
pub type Signature = MultiSignature;

/// An account: the public key of the signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// A balance of MED.
pub type Balance = u128;

/// An account's transaction counter.
pub type Nonce = u32;

/// A hash of some data on the chain.
pub type Hash = sp_core::H256;

/// A block number.
pub type BlockNumber = u32;

/// The address format of extrinsics.
pub type Address = MultiAddress<AccountId, ()>;

/// The block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;

/// The block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// A block identifier.
pub type BlockId = generic::BlockId<Block>;

/// The transaction extensions every signed extrinsic carries.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	// `CheckNonce`, and a patient's fee-less transactions at most `free calls left` ahead
	// of the account's nonce (see `feeless`).
	CheckNonceFeelessBound,
	frame_system::CheckWeight<Runtime>,
	// Attested patients' identity, consent and record calls are fee-less
	// (`#[pallet::feeless_if]`, rate-limited by PatientIdentity), with the priority of an
	// untipped paid call of their size (see `feeless`); everything else pays.
	FeelessWithPriority<pallet_transaction_payment::ChargeTransactionPayment<Runtime>>,
	// The metadata hash the signer saw (RFC 78), when its wallet checks it: a node that
	// shows a wallet other metadata (a call remapped to another index) gets an invalid
	// signature, not a signed call the user never meant.
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// The [`TxExtension`] a signer attaches: its `nonce`, the transaction's `era` (immortal, or
/// mortal from a recent block) and a `tip`, with the metadata hash check off: the one
/// constructor of the tuple's value for native code that signs extrinsics (the runtime's test
/// support, the fuzz harness); the runtime itself only decodes them.
#[cfg(feature = "std")]
pub fn tx_extension(nonce: Nonce, era: generic::Era, tip: Balance) -> TxExtension {
	(
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(era),
		CheckNonceFeelessBound::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		FeelessWithPriority::from(
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(tip),
		),
		CheckMetadataHash::<Runtime>::new(false),
		frame_system::WeightReclaim::<Runtime>::new(),
	)
}

/// An extrinsic as the runtime expects it.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload a signer signs.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Runtime migrations beyond the pallets' own. Each is versioned: it runs once, from the
/// storage version it names, and does nothing on a chain whose genesis already has a later
/// one (a new chain starts at each pallet's current version).
#[allow(unused_parens)]
type Migrations = (
	pallet_consent::migrations::v2::MigrateV1ToV2<Runtime>,
	pallet_consent::migrations::v3::MigrateV2ToV3<Runtime>,
	pallet_consent::migrations::v4::MigrateV3ToV4<Runtime>,
	pallet_consent::migrations::v5::MigrateV4ToV5<Runtime>,
	pallet_drug_provenance::migrations::v2::MigrateV1ToV2<Runtime>,
	pallet_clinical_trials::migrations::v3::MigrateV2ToV3<Runtime>,
	// A chain from before the time lock gets one day of it.
	pallet_governance::migrations::v2::MigrateV1ToV2<
		Runtime,
		configs::governance::DefaultRootCallDelay,
	>,
);

/// Dispatches extrinsics to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	// Development and local chains only: the runtime a consortium runs (built with the
	// `consortium` feature, runtime/consortium) has no Sudo.
	#[cfg(not(feature = "consortium"))]
	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	#[runtime::pallet_index(7)]
	pub type Utility = pallet_utility;

	#[runtime::pallet_index(8)]
	pub type Proxy = pallet_proxy;

	#[runtime::pallet_index(9)]
	pub type Recovery = pallet_recovery;

	#[runtime::pallet_index(10)]
	pub type SkipFeelessPayment = pallet_skip_feeless_payment;

	// Governance and validators: the council of members, its seats, sessions.
	#[runtime::pallet_index(11)]
	pub type Council = pallet_collective<Instance1>;

	#[runtime::pallet_index(12)]
	pub type CouncilMembership = pallet_membership<Instance1>;

	#[runtime::pallet_index(13)]
	pub type Session = pallet_session;

	// Enacts the council's Root calls after the time lock (`Governance.dispatch_as_root`).
	#[runtime::pallet_index(14)]
	pub type Scheduler = pallet_scheduler;

	// MedChain pallets start at 20.
	#[runtime::pallet_index(20)]
	pub type Consortium = pallet_consortium;

	#[runtime::pallet_index(21)]
	pub type PatientIdentity = pallet_patient_identity;

	#[runtime::pallet_index(22)]
	pub type Consent = pallet_consent;

	#[runtime::pallet_index(23)]
	pub type HealthRecords = pallet_health_records;

	#[runtime::pallet_index(24)]
	pub type DrugProvenance = pallet_drug_provenance;

	#[runtime::pallet_index(25)]
	pub type ClinicalTrials = pallet_clinical_trials;

	#[runtime::pallet_index(26)]
	pub type Governance = pallet_governance;

	#[runtime::pallet_index(27)]
	pub type Prescriptions = pallet_prescriptions;
}
