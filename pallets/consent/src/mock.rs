//! A minimal runtime for the consent pallet's tests: System, Timestamp, the real Consortium,
//! this pallet, and storage-backed mocks of the patient and record registries.

use crate as pallet_consent;
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64},
};
use medchain_primitives::Moment;
use pallet_consortium::{Role, Roles};
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
pub const MAX_CONSENTS: u32 = 4;
/// The access-log ring buffer's size in tests.
pub const MAX_LOG: u32 = 3;
/// The most reads one `log_accesses` call logs in tests: the whole log.
pub const MAX_READS: u32 = MAX_LOG;
/// Break-glass duration in tests: 24 h in ms.
pub const BREAK_GLASS_DURATION: Moment = 24 * 60 * 60 * 1000;
/// How long ended consents are kept in tests: 7 days in ms.
pub const AUDIT_RETENTION: Moment = 7 * BREAK_GLASS_DURATION;
/// Emergency consents kept per (patient, organization) in tests: the least that
/// `integrity_test` accepts for 7 days of retention and 24-hour emergencies.
pub const MAX_EMERGENCY_KEPT: u32 = 8;
/// Break-glass uses per organization per window in tests.
pub const MAX_EMERGENCY_PER_WINDOW: u32 = 3;
/// New emergency consents per staff key per window in tests.
pub const MAX_EMERGENCY_PER_STAFF: u32 = 2;
/// The most windows an incident declaration covers in tests.
pub const MAX_INCIDENT_WINDOWS: u32 = 3;
/// The break-glass rate-limit window in tests, in blocks.
pub const EMERGENCY_WINDOW: u64 = 10;

impl pallet_consent::Config for Test {
	type Roles = Consortium;
	type Patients = MockPatients;
	type Records = MockRecords;
	type Time = Timestamp;
	type MaxConsentsPerPatient = ConstU32<MAX_CONSENTS>;
	type MaxAccessLogEntries = ConstU32<MAX_LOG>;
	type MaxReadsPerLog = ConstU32<MAX_READS>;
	type MaxAccessRequests = ConstU32<4>;
	type AccessRequestLifetime = ConstU64<{ 7 * 24 * 60 * 60 * 1000 }>;
	type BreakGlassDuration = ConstU64<BREAK_GLASS_DURATION>;
	type AuditRetention = ConstU64<AUDIT_RETENTION>;
	type MaxEmergencyConsentsKept = ConstU32<MAX_EMERGENCY_KEPT>;
	type MaxEmergencyAccessesPerWindow = ConstU32<MAX_EMERGENCY_PER_WINDOW>;
	type MaxEmergencyAccessesPerStaff = ConstU32<MAX_EMERGENCY_PER_STAFF>;
	type MaxIncidentWindows = ConstU32<MAX_INCIDENT_WINDOWS>;
	type EmergencyWindow = ConstU64<EMERGENCY_WINDOW>;
	type WeightInfo = ();
}

pub use medchain_mock::{MockPatients, MockRecords};

/// A Provider (hospital) of the default test consortium.
pub const HOSPITAL: AccountId = 10;
/// A doctor working for [`HOSPITAL`].
pub const DOCTOR: AccountId = 11;
/// A second Provider (clinic).
pub const CLINIC: AccountId = 20;
/// A nurse working for [`CLINIC`].
pub const NURSE: AccountId = 21;
/// A research institute (Researcher role only).
pub const INSTITUTE: AccountId = 30;
/// A researcher working for [`INSTITUTE`].
pub const RESEARCHER: AccountId = 31;
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
				(HOSPITAL, b"St. Mary's".to_vec(), Role::Provider.bit(), vec![DOCTOR]),
				(CLINIC, b"Riverside Clinic".to_vec(), Role::Provider.bit(), vec![NURSE]),
				(INSTITUTE, b"Genome Institute".to_vec(), Role::Researcher.bit(), vec![RESEARCHER]),
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

	/// Add an organization at genesis.
	pub fn with_organization(
		mut self,
		admin: AccountId,
		name: &[u8],
		roles: Roles,
		staff: Vec<AccountId>,
	) -> Self {
		self.organizations.push((admin, name.to_vec(), roles.0, staff));
		self
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
			Consent::do_try_state().expect("consent invariants hold");
		});
	}
}

/// Move to the next block, `ms` milliseconds later.
pub fn advance_time(ms: Moment) {
	System::set_block_number(System::block_number() + 1);
	Timestamp::set_timestamp(Timestamp::get() + ms);
}

/// Move to the first block of the next break-glass rate-limit window, `ms` milliseconds
/// later.
pub fn next_emergency_window(ms: Moment) {
	let block = System::block_number();
	System::set_block_number((block / EMERGENCY_WINDOW + 1) * EMERGENCY_WINDOW);
	Timestamp::set_timestamp(Timestamp::get() + ms);
}
