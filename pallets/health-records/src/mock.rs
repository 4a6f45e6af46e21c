//! A minimal runtime for the health-records pallet's tests: System, Timestamp, the real
//! Consortium and Consent pallets, this pallet, and a storage-backed mock of the patient
//! registry (shared by Consent and this pallet).

use crate as pallet_health_records;
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64},
};
use medchain_primitives::Moment;
use pallet_consortium::Role;
use sp_runtime::BuildStorage;

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
	pub type Consent = pallet_consent;
	#[runtime::pallet_index(4)]
	pub type HealthRecords = pallet_health_records;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
impl pallet_timestamp::Config for Test {}

#[derive_impl(pallet_consortium::config_preludes::TestDefaultConfig)]
impl pallet_consortium::Config for Test {}

/// The maximum consents per patient in tests.
pub const MAX_CONSENTS: u32 = 8;

impl pallet_consent::Config for Test {
	type Roles = Consortium;
	type Patients = MockPatients;
	// The real record registry: logged reads must name this pallet's records.
	type Records = HealthRecords;
	type Time = Timestamp;
	type MaxConsentsPerPatient = ConstU32<MAX_CONSENTS>;
	type MaxAccessLogEntries = ConstU32<4>;
	type MaxReadsPerLog = ConstU32<4>;
	type MaxAccessRequests = ConstU32<4>;
	type AccessRequestLifetime = ConstU64<{ 7 * 24 * 60 * 60 * 1000 }>;
	type BreakGlassDuration = ConstU64<{ 24 * 60 * 60 * 1000 }>;
	type AuditRetention = ConstU64<{ 7 * 24 * 60 * 60 * 1000 }>;
	type MaxEmergencyConsentsKept = ConstU32<8>;
	type MaxEmergencyAccessesPerWindow = ConstU32<3>;
	type MaxEmergencyAccessesPerStaff = ConstU32<2>;
	type MaxIncidentWindows = ConstU32<3>;
	type EmergencyWindow = ConstU64<10>;
	type WeightInfo = ();
}

/// The longest locator in tests.
pub const MAX_LOCATOR: u32 = 16;
/// The most records per patient and author in tests.
pub const MAX_RECORDS: u32 = 5;
/// The most records one erasure step seals in tests.
pub const MAX_ERASED: u32 = 3;
/// The most leaves per batch in tests.
pub const MAX_LEAVES: u32 = 1_000_000;

impl pallet_health_records::Config for Test {
	type Roles = Consortium;
	type Patients = MockPatients;
	type Consents = Consent;
	type Time = Timestamp;
	type MaxLocatorLen = ConstU32<MAX_LOCATOR>;
	type MaxRecordsPerAuthor = ConstU32<MAX_RECORDS>;
	type MaxErasedPerCall = ConstU32<MAX_ERASED>;
	type MaxBatchLeaves = ConstU32<MAX_LEAVES>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ConsentBenchmarkHelper;
}

/// Grants write consents through the real consent pallet, in its worst case: the patient's
/// list full of read-only consents toward `org` covering `category` (each examined and
/// refused), the write consent last.
#[cfg(feature = "runtime-benchmarks")]
pub struct ConsentBenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for ConsentBenchmarkHelper {
	fn grant_write_consent(
		patient: &AccountId,
		org: &AccountId,
		category: medchain_primitives::RecordCategory,
	) {
		use medchain_primitives::{Categories, Purpose};
		use pallet_consent::{Access, Scope};
		let grant = |access| {
			Consent::grant_consent(
				RuntimeOrigin::signed(*patient),
				*org,
				Scope { categories: Categories::only(category), access },
				Purpose::Treatment,
				None,
			)
			.expect("benchmark consent granted");
		};
		for _ in 1..MAX_CONSENTS {
			grant(Access::READ);
		}
		grant(Access::WRITE);
	}
}

pub use medchain_mock::MockPatients;

/// Provider hospital A.
pub const HOSPITAL_A: AccountId = 10;
/// A doctor working for [`HOSPITAL_A`].
pub const DOCTOR_A: AccountId = 11;
/// A nurse working for [`HOSPITAL_A`].
pub const NURSE_A: AccountId = 12;
/// Provider hospital B.
pub const HOSPITAL_B: AccountId = 20;
/// A doctor working for [`HOSPITAL_B`].
pub const DOCTOR_B: AccountId = 21;
/// A pharmacy (Pharmacy role only).
pub const PHARMACY: AccountId = 30;
/// A pharmacist working for [`PHARMACY`].
pub const PHARMACIST: AccountId = 31;
/// An account that belongs to no organization.
pub const OUTSIDER: AccountId = 99;

/// A registered patient with free calls.
pub const ALICE: AccountId = 1;
/// Another registered patient with free calls.
pub const BOB: AccountId = 2;
/// A patient who deregistered.
pub const ERASED: AccountId = 3;
/// An account that never registered as a patient.
pub const NOBODY: AccountId = 4;
/// A registered patient who used up their free calls.
pub const POOR: AccountId = 5;

/// Free calls of the default patients.
pub const FREE_CALLS: u32 = 10;
/// The time at which every test starts (ms since the Unix epoch).
pub const START: Moment = 1_700_000_000_000;

/// Builds test externalities with organizations and patients registered at genesis.
pub struct ExtBuilder {
	organizations: Vec<(AccountId, Vec<u8>, u16, Vec<AccountId>)>,
	patients: Vec<(AccountId, u32)>,
	deregistered: Vec<AccountId>,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self {
			organizations: vec![
				(HOSPITAL_A, b"Hospital A".to_vec(), Role::Provider.bit(), vec![DOCTOR_A, NURSE_A]),
				(HOSPITAL_B, b"Hospital B".to_vec(), Role::Provider.bit(), vec![DOCTOR_B]),
				(PHARMACY, b"Pharmacy".to_vec(), Role::Pharmacy.bit(), vec![PHARMACIST]),
			],
			patients: vec![(ALICE, FREE_CALLS), (BOB, FREE_CALLS), (POOR, 0)],
			deregistered: vec![ERASED],
		}
	}
}

impl ExtBuilder {
	/// Start with no organization and no patient.
	pub fn empty() -> Self {
		Self { organizations: vec![], patients: vec![], deregistered: vec![] }
	}

	/// Add a registered patient with `free_calls` fee-less calls.
	pub fn with_patient(mut self, who: AccountId, free_calls: u32) -> Self {
		self.patients.push((who, free_calls));
		self
	}

	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_consortium::GenesisConfig::<Test> {
			organizations: self.organizations,
			nodes: vec![],
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| {
			System::set_block_number(1);
			Timestamp::set_timestamp(START);
			for (who, free_calls) in self.patients {
				MockPatients::register(who, free_calls);
			}
			for who in self.deregistered {
				MockPatients::deregister(who);
			}
		});
		ext
	}

	/// Run `test`, then check the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			HealthRecords::do_try_state().expect("health-records invariants hold");
		});
	}
}

/// Move to the next block, `ms` milliseconds later.
pub fn advance_time(ms: Moment) {
	System::set_block_number(System::block_number() + 1);
	Timestamp::set_timestamp(Timestamp::get() + ms);
}
