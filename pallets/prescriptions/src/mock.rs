//! A minimal runtime for the prescriptions pallet's tests: System, Timestamp, the real
//! Consortium and DrugProvenance pallets (whose dispense policy is this pallet) and this
//! pallet. Signatures are `TestSignature`s (signer and message, compared as they are).

use crate as pallet_prescriptions;
use frame_support::{derive_impl, traits::ConstU32};
use frame_system::EnsureRoot;
use medchain_primitives::Moment;
use pallet_consortium::Role;
use sp_runtime::{
	testing::{TestSignature, UintAuthorityId},
	BuildStorage,
};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;

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
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(2)]
	pub type Consortium = pallet_consortium;
	#[runtime::pallet_index(3)]
	pub type DrugProvenance = pallet_drug_provenance;
	#[runtime::pallet_index(4)]
	pub type Prescriptions = pallet_prescriptions;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
impl pallet_timestamp::Config for Test {}

#[derive_impl(pallet_consortium::config_preludes::TestDefaultConfig)]
impl pallet_consortium::Config for Test {}

impl pallet_drug_provenance::Config for Test {
	type Roles = Consortium;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type Time = Timestamp;
	type MaxQuantity = ConstU32<1_000>;
	type MaxHoldersPerBatch = ConstU32<4>;
	type MaxHistoryPerBatch = ConstU32<8>;
	type MaxProductsPerManufacturer = ConstU32<4>;
	type MaxSuspectReportsPerBatch = ConstU32<3>;
	type MaxReportsPerReporter = ConstU32<2>;
	type DispensePolicy = Prescriptions;
	type WeightInfo = ();
}

/// The most fills a prescription allows in tests.
pub const MAX_FILLS: u8 = 3;
/// The most units per fill in tests.
pub const MAX_UNITS_PER_FILL: u16 = 4;
/// One day in ms.
pub const DAY: Moment = 86_400_000;

frame_support::parameter_types! {
	pub const MaxValidity: Moment = 100 * DAY;
}

impl pallet_prescriptions::Config for Test {
	type Signature = TestSignature;
	type Signer = UintAuthorityId;
	type MaxFills = frame_support::traits::ConstU8<MAX_FILLS>;
	type MaxUnitsPerFill = frame_support::traits::ConstU16<MAX_UNITS_PER_FILL>;
	type MaxUnitsPerPrescription = ConstU32<12>;
	type MaxPrescriptionsPerHolder = ConstU32<2>;
	type MaxValidity = MaxValidity;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

/// Accounts 10,000 + index, signing with `TestSignature`.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId, TestSignature> for MockBenchmarkHelper {
	fn sign(index: u32, message: &[u8]) -> (AccountId, TestSignature) {
		let who = 10_000 + u64::from(index);
		(who, TestSignature(who, message.to_vec()))
	}
}

/// Manufacturer (prefix 950600).
pub const MAKER: AccountId = 10;
/// Its staff.
pub const MAKER_STAFF: AccountId = 11;
/// Pharmacy A.
pub const PHARMACY_A: AccountId = 50;
/// A pharmacist of A.
pub const PHARMACIST_A: AccountId = 51;
/// Pharmacy B.
pub const PHARMACY_B: AccountId = 60;
/// A pharmacist of B.
pub const PHARMACIST_B: AccountId = 61;
/// A hospital (Provider).
pub const HOSPITAL: AccountId = 80;
/// A doctor of the hospital.
pub const DOCTOR: AccountId = 81;
/// A regulator.
pub const REGULATOR: AccountId = 70;
/// A patient's holder key for one prescription.
pub const HOLDER: AccountId = 1_000;
/// Another holder key (another patient, or another prescription).
pub const HOLDER_2: AccountId = 1_001;
/// A third holder key.
pub const HOLDER_3: AccountId = 1_002;

/// 2026-01-15T00:00:00Z.
pub const START: Moment = 1_768_435_200_000;

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let org = |admin, name: &[u8], role: Role, staff: Vec<AccountId>| {
		(admin, name.to_vec(), role.bit(), staff)
	};
	pallet_consortium::GenesisConfig::<Test> {
		organizations: vec![
			org(MAKER, b"Maker", Role::Manufacturer, vec![MAKER_STAFF]),
			org(PHARMACY_A, b"Pharmacy A", Role::Pharmacy, vec![PHARMACIST_A]),
			org(PHARMACY_B, b"Pharmacy B", Role::Pharmacy, vec![PHARMACIST_B]),
			org(HOSPITAL, b"Hospital", Role::Provider, vec![DOCTOR]),
			org(REGULATOR, b"Regulator", Role::Regulator, vec![]),
		],
		nodes: vec![],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_drug_provenance::GenesisConfig::<Test> {
		company_prefixes: vec![(b"950600".to_vec(), MAKER), (b"001234".to_vec(), MAKER)],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		Timestamp::set_timestamp(START);
	});
	ext
}

/// Move to the next block, `ms` milliseconds later.
pub fn advance_time(ms: Moment) {
	System::set_block_number(System::block_number() + 1);
	Timestamp::set_timestamp(Timestamp::get() + ms);
}
