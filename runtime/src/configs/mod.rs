//! Each pallet's configuration.

pub mod governance;

use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{
		fungible::HoldConsideration, ConstBool, ConstU128, ConstU32, ConstU64, ConstU8,
		LinearStoragePrice, VariantCountOf,
	},
	weights::{
		constants::WEIGHT_REF_TIME_PER_SECOND, ConstantMultiplier, Weight, WeightToFeeCoefficient,
		WeightToFeeCoefficients, WeightToFeePolynomial,
	},
};
use frame_system::limits::BlockWeights;
use pallet_transaction_payment::{FungibleAdapter, Multiplier, TargetedFeeAdjustment};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{
	traits::{BlakeTwo256, One},
	FixedPointNumber, Perbill, Perquintill,
};
use sp_version::RuntimeVersion;

use crate::weights::{block_weights::BlockExecutionWeight, extrinsic_weights::ExtrinsicBaseWeight};

use super::{
	AccountId, Aura, Balance, Balances, Block, BlockNumber, Consent, Consortium, Hash,
	HealthRecords, Nonce, OriginCaller, PalletInfo, PatientIdentity, Prescriptions, ProxyType,
	Runtime, RuntimeCall, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason, RuntimeOrigin,
	RuntimeTask, System, Timestamp, EXISTENTIAL_DEPOSIT, HOURS, MICRO_UNIT, MILLI_UNIT,
	SLOT_DURATION, UNIT, VERSION,
};

const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

/// A block's compute budget: 1 s of reference time; proof size unbounded (a solo chain).
const MAXIMUM_BLOCK_WEIGHT: Weight = Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND, u64::MAX);

parameter_types! {
	pub const BlockHashCount: BlockNumber = 2400;
	pub const Version: RuntimeVersion = VERSION;

	/// One second of compute per 3 s block: a third of the slot, as Polkadot's 2 s of 6 s,
	/// leaving time to propagate and import the block within the slot. The base weights are
	/// this machine's (`scripts/benchmark.sh overhead`), not FRAME's generic ones (5 ms per
	/// block, 125 µs per extrinsic); the limits are `with_sensible_defaults`'.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::builder()
		.base_block(BlockExecutionWeight::get())
		.for_class(DispatchClass::all(), |weights| {
			weights.base_extrinsic = ExtrinsicBaseWeight::get();
		})
		.for_class(DispatchClass::Normal, |weights| {
			weights.max_total = Some(NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
		})
		.for_class(DispatchClass::Operational, |weights| {
			weights.max_total = Some(MAXIMUM_BLOCK_WEIGHT);
			weights.reserved = Some(
				MAXIMUM_BLOCK_WEIGHT.saturating_sub(NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT),
			);
		})
		.avg_block_initialization(Perbill::from_percent(10))
		.build_or_panic();
	pub RuntimeBlockLength: frame_system::limits::BlockLength = frame_system::limits::BlockLength
		::builder()
		.max_length(5 * 1024 * 1024)
		.modify_max_length_for_class(DispatchClass::Normal, |max| *max = NORMAL_DISPATCH_RATIO * *max)
		.build();
	/// MedChain's own address format (addresses start with a prefix of their own, so a
	/// MedChain address is never mistaken for one on another Substrate chain); the node's
	/// chain specs announce the same `ss58Format` to wallets.
	pub const SS58Prefix: u16 = MEDCHAIN_SS58_PREFIX;
}

/// Defaults from `SolochainDefaultConfig`, overridden where MedChain differs.
#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// ParityDB's cost on this project's reference machine (`scripts/benchmark.sh storage`),
	/// not RocksDB's: the node has no RocksDB.
	type DbWeight = crate::weights::paritydb_weights::constants::ParityDbWeight;
	/// Measured on this machine (`scripts/benchmark.sh frame_system_extensions`).
	type ExtensionsWeightInfo = crate::weights::frame_system_extensions::WeightInfo<Runtime>;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
	/// Everything but `CouncilMembership.change_key` ([`governance::BaseFilter`]).
	type BaseCallFilter = governance::BaseFilter;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch.
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

/// MedChain's SS58 address prefix (see `SS58Prefix`).
pub const MEDCHAIN_SS58_PREFIX: u16 = 4242;

/// The fee for weight: 125 µs of weight (FRAME's generic `ExtrinsicBaseWeight`, kept as a
/// fixed fee unit so that measuring the runtime's own base weights does not move every fee)
/// costs 0.1 milli-MED, linearly in the call's weight. The fee multiplier (below) scales it
/// with congestion.
pub struct WeightToFee;
impl WeightToFeePolynomial for WeightToFee {
	type Balance = Balance;
	fn polynomial() -> WeightToFeeCoefficients<Self::Balance> {
		let fee_per_base_extrinsic: Balance = MILLI_UNIT / 10;
		let base =
			Balance::from(frame_support::weights::constants::ExtrinsicBaseWeight::get().ref_time())
				.max(1);
		let mut coefficients = WeightToFeeCoefficients::new();
		coefficients.push(WeightToFeeCoefficient {
			degree: 1,
			negative: false,
			coeff_frac: Perbill::from_rational(fee_per_base_extrinsic % base, base),
			coeff_integer: fee_per_base_extrinsic / base,
		});
		coefficients
	}
}

parameter_types! {
	/// The fee per byte of an extrinsic: 1 micro-MED, so a 200-byte call pays 0.2 milli-MED
	/// and filling a block's 3.75 MiB of normal-class length costs ~3.9 MED (not 0.04 MED as
	/// with one planck per byte); the congestion multiplier does not scale it.
	pub const TransactionByteFee: Balance = MICRO_UNIT;
	/// Congestion pricing (`TargetedFeeAdjustment`, as on Polkadot): blocks fuller than 25 %
	/// of their normal-class weight raise the fee multiplier, emptier blocks lower it ...
	pub const TargetBlockFullness: Perquintill = Perquintill::from_percent(25);
	/// ... by up to ~0.0075 % per block per percent of deviation (Polkadot's variable) ...
	pub AdjustmentVariable: Multiplier = Multiplier::saturating_from_rational(75, 1_000_000);
	/// ... never below the base fee ...
	pub MinimumMultiplier: Multiplier = Multiplier::one();
	/// ... and at most 100,000 × the base fee.
	pub MaximumMultiplier: Multiplier = Multiplier::saturating_from_integer(100_000);
}

/// Fees: `WeightToFee` times the congestion multiplier, plus the base fee, plus
/// `TransactionByteFee` × length, plus the tip (pallet-transaction-payment multiplies only the
/// weight part: `runtime/tests/integration/fees.rs`). Fee-less patient calls pay none of it (see `crate::feeless`).
impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = WeightToFee;
	type LengthToFee = ConstantMultiplier<Balance, TransactionByteFee>;
	type FeeMultiplierUpdate = TargetedFeeAdjustment<
		Self,
		TargetBlockFullness,
		AdjustmentVariable,
		MinimumMultiplier,
		MaximumMultiplier,
	>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

#[cfg(not(feature = "consortium"))]
impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = pallet_utility::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Organization names are public labels ("St. Mary's Hospital"), not health data.
	pub const MaxOrganizationNameLen: u32 = 128;
	/// Staff accounts per organization: a large hospital's clinicians fit.
	pub const MaxStaffPerOrganization: u32 = 10_000;
	/// A gateway's `https://` endpoint in the directory: a host name of up to 253 bytes
	/// fits with its scheme; typical ones (`https://gateway.st-marys.example:8801/medchain`)
	/// are under 64.
	pub const MaxGatewayEndpointLen: u32 = 256;
	/// A member's nodes: validators, standbys, read replicas for its gateway and portal.
	pub const MaxNodesPerOrganization: u32 = 16;
}

impl pallet_consortium::Config for Runtime {
	/// A 2/3 council majority (or Root on dev and local chains).
	type GovernanceOrigin = governance::CouncilTwoThirds;
	type MaxNameLen = MaxOrganizationNameLen;
	type MaxStaff = MaxStaffPerOrganization;
	type MaxEndpointLen = MaxGatewayEndpointLen;
	type MaxNodesPerOrganization = MaxNodesPerOrganization;
	/// A suspended organization loses its council seat and its validator at once.
	type OnSuspension = crate::Governance;
	type WeightInfo = pallet_consortium::weights::SubstrateWeight<Runtime>;
}

/// A storage deposit: `items` storage items of `bytes` bytes in all.
pub const fn deposit(items: u32, bytes: u32) -> Balance {
	items as Balance * 100 * MILLI_UNIT + (bytes as Balance) * 100 * MICRO_UNIT
}

parameter_types! {
	pub const ProxyDepositBase: Balance = deposit(1, 8);
	pub const ProxyDepositFactor: Balance = deposit(0, 33);
	pub const AnnouncementDepositBase: Balance = deposit(1, 8);
	pub const AnnouncementDepositFactor: Balance = deposit(0, 66);
}

impl pallet_proxy::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type Currency = Balances;
	type ProxyType = ProxyType;
	type ProxyDepositBase = ProxyDepositBase;
	type ProxyDepositFactor = ProxyDepositFactor;
	type MaxProxies = ConstU32<32>;
	type WeightInfo = pallet_proxy::weights::SubstrateWeight<Runtime>;
	type MaxPending = ConstU32<32>;
	type CallHasher = BlakeTwo256;
	type AnnouncementDepositBase = AnnouncementDepositBase;
	type AnnouncementDepositFactor = AnnouncementDepositFactor;
	type BlockNumberProvider = System;
}

parameter_types! {
	pub const FriendGroupsHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Recovery(pallet_recovery::HoldReason::FriendGroupsStorage);
	pub const AttemptHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Recovery(pallet_recovery::HoldReason::AttemptStorage);
	pub const InheritorHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Recovery(pallet_recovery::HoldReason::InheritorStorage);
}

/// Lost keys are recovered by friend groups (family, a hospital's patient office ...):
/// after `friends_needed` approvals and the group's delay, the group's inheritor controls
/// the lost account.
impl pallet_recovery::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type RuntimeHoldReason = RuntimeHoldReason;
	type BlockNumberProvider = System;
	type Currency = Balances;
	type FriendGroupsConsideration = HoldConsideration<
		AccountId,
		Balances,
		FriendGroupsHoldReason,
		LinearStoragePrice<ConstU128<{ deposit(1, 0) }>, ConstU128<{ deposit(0, 1) }>, Balance>,
	>;
	type AttemptConsideration = HoldConsideration<
		AccountId,
		Balances,
		AttemptHoldReason,
		LinearStoragePrice<ConstU128<{ deposit(1, 0) }>, ConstU128<{ deposit(0, 1) }>, Balance>,
	>;
	type InheritorConsideration = HoldConsideration<
		AccountId,
		Balances,
		InheritorHoldReason,
		LinearStoragePrice<ConstU128<{ deposit(1, 0) }>, ConstU128<{ deposit(0, 1) }>, Balance>,
	>;
	/// What an initiator risks if the lost account slashes a malicious attempt.
	type SecurityDeposit = ConstU128<{ 10 * UNIT }>;
	type Slash = ();
	type MaxFriendsPerConfig = ConstU32<16>;
	type WeightInfo = pallet_recovery::weights::SubstrateWeight<Runtime>;
}

impl pallet_skip_feeless_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
}

parameter_types! {
	/// Organizations that vouched for one patient's identity.
	pub const MaxAttestations: u32 = 16;
	/// Fee-less identity and consent calls per patient per window ...
	pub const FreeCallsPerWindow: u32 = 20;
	/// ... of one hour of blocks.
	pub const RateLimitWindow: BlockNumber = HOURS;
}

impl pallet_patient_identity::Config for Runtime {
	type Roles = Consortium;
	type MaxAttestations = MaxAttestations;
	type FreeCallsPerWindow = FreeCallsPerWindow;
	type RateLimitWindow = RateLimitWindow;
	/// Deregistration seals the patient's records in the same call.
	/// Deregistering erases the patient's record locators, then unlinks their trial
	/// enrollments.
	type Erasure = (HealthRecords, crate::ClinicalTrials);
	type WeightInfo = pallet_patient_identity::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Consents one patient may hold (revoked and expired ones are pruned, oldest first).
	pub const MaxConsentsPerPatient: u32 = 64;
	/// Reads kept in one patient's on-chain access log (a ring buffer; every read is also
	/// an `AccessLogged` event).
	pub const MaxAccessLogEntries: u32 = 128;
	/// Reads one `Consent.log_accesses` logs: a referral's whole history (the issue's
	/// 100-document case) in one transaction; at most `MaxAccessLogEntries`.
	pub const MaxReadsPerLog: u32 = 100;
	/// Pending access requests one patient may hold (one per organization asking); at the
	/// bound a new request replaces a lapsed one.
	pub const MaxAccessRequests: u32 = 16;
	/// An unanswered access request lapses after 7 days (milliseconds).
	pub const AccessRequestLifetime: u64 = 7 * 24 * 60 * 60 * 1000;
	/// How long a break-glass emergency consent lasts: 24 hours, in milliseconds.
	pub const BreakGlassDuration: u64 = 24 * 60 * 60 * 1000;
	/// No consent that ended less than 30 days ago is pruned, so audits (`was_permitted`)
	/// see every consent of the last month, whatever anyone does.
	pub const AuditRetention: u64 = 30 * 24 * 60 * 60 * 1000;
	/// Emergency consents kept per (organization, patient): at least
	/// `ceil(AuditRetention / BreakGlassDuration) + 1` (31), so expiry alone never fills it.
	pub const MaxEmergencyConsentsKept: u32 = 32;
	/// New emergency consents (renewals are not counted) one organization may take per
	/// window ...
	pub const MaxEmergencyAccessesPerWindow: u32 = 20;
	/// ... and one staff key (so one key cannot use up the hospital's limit), unless the
	/// admin declared an incident ...
	pub const MaxEmergencyAccessesPerStaff: u32 = 5;
	/// ... of up to a day ...
	pub const MaxIncidentWindows: u32 = 24;
	/// ... of one-hour windows.
	pub const EmergencyWindow: BlockNumber = HOURS;
}

impl pallet_consent::Config for Runtime {
	type Roles = Consortium;
	type Patients = PatientIdentity;
	/// `log_access` checks the record it names against the anchored records.
	type Records = HealthRecords;
	type Time = Timestamp;
	type MaxConsentsPerPatient = MaxConsentsPerPatient;
	type MaxAccessLogEntries = MaxAccessLogEntries;
	type MaxReadsPerLog = MaxReadsPerLog;
	type MaxAccessRequests = MaxAccessRequests;
	type AccessRequestLifetime = AccessRequestLifetime;
	type BreakGlassDuration = BreakGlassDuration;
	type AuditRetention = AuditRetention;
	type MaxEmergencyConsentsKept = MaxEmergencyConsentsKept;
	type MaxEmergencyAccessesPerWindow = MaxEmergencyAccessesPerWindow;
	type MaxEmergencyAccessesPerStaff = MaxEmergencyAccessesPerStaff;
	type MaxIncidentWindows = MaxIncidentWindows;
	type EmergencyWindow = EmergencyWindow;
	type WeightInfo = pallet_consent::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// The longest record locator: an *opaque* reference into the author's document store
	/// (a keyed hash or an encrypted reference, as `medchain-client locator` makes them),
	/// never a readable URL or path: a locator stays in the block that anchored it even after
	/// the record is sealed.
	pub const MaxLocatorLen: u32 = 256;
	/// Records (every version, sealed or not) one author may anchor for one patient: a
	/// record a day for over eleven years. Other authors are not affected by one author's
	/// bound.
	pub const MaxRecordsPerAuthor: u32 = 4096;
	/// Records one erasure step seals (in `deregister`, then per `erase_records`).
	pub const MaxErasedPerCall: u32 = 512;
	/// Documents one batch may commit to: a proof then holds at most 20 sibling hashes.
	pub const MaxBatchLeaves: u32 = 1 << 20;
}

impl pallet_health_records::Config for Runtime {
	type Roles = Consortium;
	type Patients = PatientIdentity;
	type Consents = Consent;
	type Time = Timestamp;
	type MaxLocatorLen = MaxLocatorLen;
	type MaxRecordsPerAuthor = MaxRecordsPerAuthor;
	type MaxErasedPerCall = MaxErasedPerCall;
	type MaxBatchLeaves = MaxBatchLeaves;
	type WeightInfo = pallet_health_records::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ConsentBenchmarkHelper;
}

/// Creates, through the real consent pallet, the consents other pallets' benchmarks need, in
/// the worst case for the consent checks: the patient's whole consent list is consents to the
/// same organization (so the one `GrantsTo` entry read is as long as it gets), the granting
/// consent examined last.
#[cfg(feature = "runtime-benchmarks")]
pub struct ConsentBenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_health_records::BenchmarkHelper<AccountId> for ConsentBenchmarkHelper {
	fn grant_write_consent(
		patient: &AccountId,
		org: &AccountId,
		category: medchain_primitives::RecordCategory,
	) {
		use medchain_primitives::{Categories, Purpose};
		use pallet_consent::{Access, Scope};
		let grant = |access| {
			let _ = Consent::grant_consent(
				RuntimeOrigin::signed(patient.clone()),
				org.clone(),
				Scope { categories: Categories::only(category), access },
				Purpose::Treatment,
				None,
			);
		};
		for _ in 1..MaxConsentsPerPatient::get() {
			grant(Access::READ);
		}
		grant(Access::WRITE);
	}
}

parameter_types! {
	/// Units in one commissioned batch (lots and serials are GS1's 20 characters, and a
	/// serial's proof at most ceil(log2(MaxBatchQuantity)) = 20 hashes: the pallet's own
	/// constants).
	pub const MaxBatchQuantity: u32 = 1_000_000;
	/// Organizations holding (or shipping or receiving) units of one batch at once; shipping
	/// to one more fails with `TooManyHolders`.
	pub const MaxHoldersPerBatch: u32 = 64;
	/// Custody events kept per batch: beyond, the oldest after `Commissioned` are dropped
	/// (every one is also an event).
	pub const MaxHistoryPerBatch: u32 = 256;
	/// Products (GTINs) one manufacturer may register.
	pub const MaxProductsPerManufacturer: u32 = 1024;
	/// Suspect reports kept per batch (the newest; all are counted and emitted as events).
	pub const MaxSuspectReportsPerBatch: u32 = 128;
	/// Stored suspect reports per reporter and batch: pushing a report out of a full list
	/// takes 32 different organizations related to the batch.
	pub const MaxReportsPerReporter: u32 = 4;
}

impl pallet_drug_provenance::Config for Runtime {
	/// Binds GS1 company prefixes and reassigns products: root (sudo) on dev chains, the
	/// members' council once governance lands.
	type GovernanceOrigin = governance::CouncilTwoThirds;
	type Roles = Consortium;
	type Time = Timestamp;
	type MaxQuantity = MaxBatchQuantity;
	type MaxHoldersPerBatch = MaxHoldersPerBatch;
	type MaxHistoryPerBatch = MaxHistoryPerBatch;
	type MaxProductsPerManufacturer = MaxProductsPerManufacturer;
	type MaxSuspectReportsPerBatch = MaxSuspectReportsPerBatch;
	type MaxReportsPerReporter = MaxReportsPerReporter;
	/// Prescription-only products (set by the council) need `Prescriptions.dispense_prescribed`.
	type DispensePolicy = Prescriptions;
	type WeightInfo = pallet_drug_provenance::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// A prescription's longest validity: a year (and a day).
	pub const PrescriptionMaxValidity: medchain_primitives::Moment = 366 * 24 * 3_600 * 1_000;
}

impl pallet_prescriptions::Config for Runtime {
	/// Prescribers' and holders' signatures: sr25519 from a wallet (or ed25519, ecdsa).
	type Signature = sp_runtime::MultiSignature;
	type Signer = sp_runtime::MultiSigner;
	/// Twelve fills (a year of monthly refills) of at most twelve packs each.
	type MaxFills = frame_support::traits::ConstU8<12>;
	type MaxUnitsPerFill = frame_support::traits::ConstU16<12>;
	type MaxUnitsPerPrescription = ConstU32<144>;
	/// A wallet derives one holder key per prescription; a few for wallets that reuse one.
	type MaxPrescriptionsPerHolder = ConstU32<4>;
	type MaxValidity = PrescriptionMaxValidity;
	type WeightInfo = pallet_prescriptions::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_prescriptions::Sr25519BenchmarkHelper;
}

parameter_types! {
	/// The longest public registry id (an NCT number is 11 characters, EudraCT 14).
	pub const TrialsMaxRegistryIdLen: u32 = 32;
	/// Pre-specified outcomes per trial (each committed as its own hash).
	pub const TrialsMaxOutcomes: u32 = 32;
	/// Protocol amendments kept per trial (`TooManyAmendments` beyond).
	pub const TrialsMaxAmendments: u32 = 32;
	/// Sites per trial.
	pub const TrialsMaxSites: u32 = 64;
	/// Participants per trial: the hard bound behind the soft planned enrollment.
	pub const TrialsMaxParticipants: u32 = 10_000;
	/// Trials one patient may be enrolled in (withdrawn ones included): bounds the erasure of
	/// a patient's participations on deregistration.
	pub const TrialsMaxTrialsPerPatient: u32 = 64;
	/// Data commits per trial (e.g. a nightly commit for almost three years).
	pub const TrialsMaxCommits: u32 = 1_000;
	/// Regulators' flags kept per trial.
	pub const TrialsMaxFlags: u32 = 16;
}

impl pallet_clinical_trials::Config for Runtime {
	/// Corrects squatted registry ids: root (sudo) on dev chains, the members' council once
	/// governance lands.
	type GovernanceOrigin = governance::CouncilTwoThirds;
	type Roles = Consortium;
	type Patients = PatientIdentity;
	type Consents = Consent;
	type Time = Timestamp;
	type MaxRegistryIdLen = TrialsMaxRegistryIdLen;
	type MaxOutcomes = TrialsMaxOutcomes;
	type MaxAmendments = TrialsMaxAmendments;
	type MaxSites = TrialsMaxSites;
	type MaxParticipants = TrialsMaxParticipants;
	type MaxTrialsPerPatient = TrialsMaxTrialsPerPatient;
	type MaxCommits = TrialsMaxCommits;
	type MaxFlags = TrialsMaxFlags;
	type WeightInfo = pallet_clinical_trials::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ConsentBenchmarkHelper;
}

/// Worst case for `ensure_purpose`: the patient's list full of revoked Research consents to
/// the sponsor (each examined and refused), the active one last.
#[cfg(feature = "runtime-benchmarks")]
impl pallet_clinical_trials::BenchmarkHelper<AccountId> for ConsentBenchmarkHelper {
	fn grant_research_consent(patient: &AccountId, sponsor: &AccountId) {
		use medchain_primitives::{Categories, Purpose};
		use pallet_consent::{Access, Scope};
		let grant = || {
			let id = pallet_consent::NextConsentId::<Runtime>::get();
			let _ = Consent::grant_consent(
				RuntimeOrigin::signed(patient.clone()),
				sponsor.clone(),
				Scope { categories: Categories::all(), access: Access::READ },
				Purpose::Research,
				None,
			);
			id
		};
		for _ in 1..MaxConsentsPerPatient::get() {
			let id = grant();
			let _ = Consent::revoke_consent(RuntimeOrigin::signed(patient.clone()), id);
		}
		grant();
	}
}
