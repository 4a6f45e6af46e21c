//! A minimal runtime for the clinical-trials pallet's tests: System, Timestamp, the real
//! Consortium and Consent pallets, this pallet, and a storage-backed mock of the patient
//! registry (shared by Consent and this pallet).

use crate as pallet_clinical_trials;
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64},
};
use frame_system::EnsureRoot;
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
	pub type ClinicalTrials = pallet_clinical_trials;
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

/// Break-glass duration in tests: 24 h in ms.
const BREAK_GLASS_DURATION: Moment = 24 * 60 * 60 * 1000;

impl pallet_consent::Config for Test {
	type Roles = Consortium;
	type Patients = MockPatients;
	type Records = MockRecords;
	type Time = Timestamp;
	type MaxConsentsPerPatient = ConstU32<MAX_CONSENTS>;
	type MaxAccessLogEntries = ConstU32<4>;
	type MaxReadsPerLog = ConstU32<4>;
	type MaxAccessRequests = ConstU32<4>;
	type AccessRequestLifetime = ConstU64<{ 7 * 24 * 60 * 60 * 1000 }>;
	type BreakGlassDuration = ConstU64<BREAK_GLASS_DURATION>;
	// Seven days of retention; `ceil(7 days / 24 h) + 1 = 8` emergency consents kept.
	type AuditRetention = ConstU64<{ 7 * BREAK_GLASS_DURATION }>;
	type MaxEmergencyConsentsKept = ConstU32<8>;
	type MaxEmergencyAccessesPerWindow = ConstU32<3>;
	type MaxEmergencyAccessesPerStaff = ConstU32<2>;
	type MaxIncidentWindows = ConstU32<3>;
	type EmergencyWindow = ConstU64<10>;
	type WeightInfo = ();
}

/// The longest registry id in tests.
pub const MAX_REGISTRY_ID: u32 = 16;
/// The most outcomes per protocol version in tests.
pub const MAX_OUTCOMES: u32 = 4;
/// The most amendments per trial in tests.
pub const MAX_AMENDMENTS: u32 = 3;
/// The most sites per trial in tests.
pub const MAX_SITES: u32 = 3;
/// Trials one patient may join in tests.
pub const MAX_TRIALS_PER_PATIENT: u32 = 2;
/// The hard bound on participants per trial in tests.
pub const MAX_PARTICIPANTS: u32 = 3;
/// The most data commits per trial in tests.
pub const MAX_COMMITS: u32 = 4;
/// The most flags per trial in tests.
pub const MAX_FLAGS: u32 = 2;

impl pallet_clinical_trials::Config for Test {
	type Roles = Consortium;
	type Patients = MockPatients;
	type Consents = Consent;
	type Time = Timestamp;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type MaxRegistryIdLen = ConstU32<MAX_REGISTRY_ID>;
	type MaxOutcomes = ConstU32<MAX_OUTCOMES>;
	type MaxAmendments = ConstU32<MAX_AMENDMENTS>;
	type MaxSites = ConstU32<MAX_SITES>;
	type MaxParticipants = ConstU32<MAX_PARTICIPANTS>;
	type MaxTrialsPerPatient = ConstU32<MAX_TRIALS_PER_PATIENT>;
	type MaxCommits = ConstU32<MAX_COMMITS>;
	type MaxFlags = ConstU32<MAX_FLAGS>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ConsentBenchmarkHelper;
}

/// Grants Research consents through the real consent pallet, in its worst case: the
/// patient's list full of revoked Research consents toward `sponsor` (each examined and
/// refused), the active one last.
#[cfg(feature = "runtime-benchmarks")]
pub struct ConsentBenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for ConsentBenchmarkHelper {
	fn grant_research_consent(patient: &AccountId, sponsor: &AccountId) {
		use medchain_primitives::{Categories, Purpose};
		use pallet_consent::{Access, Scope};
		let grant = || {
			let id = pallet_consent::NextConsentId::<Test>::get();
			Consent::grant_consent(
				RuntimeOrigin::signed(*patient),
				*sponsor,
				Scope { categories: Categories::all(), access: Access::READ },
				Purpose::Research,
				None,
			)
			.expect("benchmark consent granted");
			id
		};
		for _ in 1..MAX_CONSENTS {
			let id = grant();
			Consent::revoke_consent(RuntimeOrigin::signed(*patient), id)
				.expect("benchmark consent revoked");
		}
		grant();
	}
}

pub use medchain_mock::{MockPatients, MockRecords};

/// A trial sponsor (TrialSponsor role only).
pub const SPONSOR: AccountId = 40;
/// A trial manager working for [`SPONSOR`].
pub const SPONSOR_STAFF: AccountId = 41;
/// Another trial sponsor.
pub const OTHER_SPONSOR: AccountId = 50;
/// A trial manager working for [`OTHER_SPONSOR`].
pub const OTHER_SPONSOR_STAFF: AccountId = 51;
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
/// Provider hospital C (never a site in the tests unless added).
pub const HOSPITAL_C: AccountId = 25;
/// A doctor working for [`HOSPITAL_C`].
pub const DOCTOR_C: AccountId = 26;
/// Provider hospital D.
pub const HOSPITAL_D: AccountId = 27;
/// A pharmacy (Pharmacy role only).
pub const PHARMACY: AccountId = 30;
/// A pharmacist working for [`PHARMACY`].
pub const PHARMACIST: AccountId = 31;
/// A medicines regulator (Regulator role only).
pub const REGULATOR: AccountId = 60;
/// An inspector working for [`REGULATOR`].
pub const INSPECTOR: AccountId = 61;
/// An account that belongs to no organization.
pub const OUTSIDER: AccountId = 99;

/// A registered patient.
pub const ALICE: AccountId = 1;
/// Another registered patient.
pub const BOB: AccountId = 2;
/// A patient who deregistered.
pub const ERASED: AccountId = 3;
/// An account that never registered as a patient.
pub const NOBODY: AccountId = 4;
/// A third registered patient.
pub const CAROL: AccountId = 5;
/// A fourth registered patient.
pub const DAVE: AccountId = 6;

/// The time at which every test starts (ms since the Unix epoch).
pub const START: Moment = 1_700_000_000_000;

/// Builds test externalities with organizations and patients registered at genesis.
pub struct ExtBuilder {
	organizations: Vec<(AccountId, Vec<u8>, u16, Vec<AccountId>)>,
	patients: Vec<AccountId>,
	deregistered: Vec<AccountId>,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self::empty()
			.with_organization(SPONSOR, Role::TrialSponsor.bit(), vec![SPONSOR_STAFF])
			.with_organization(OTHER_SPONSOR, Role::TrialSponsor.bit(), vec![OTHER_SPONSOR_STAFF])
			.with_organization(HOSPITAL_A, Role::Provider.bit(), vec![DOCTOR_A, NURSE_A])
			.with_organization(HOSPITAL_B, Role::Provider.bit(), vec![DOCTOR_B])
			.with_organization(HOSPITAL_C, Role::Provider.bit(), vec![DOCTOR_C])
			.with_organization(HOSPITAL_D, Role::Provider.bit(), vec![])
			.with_organization(PHARMACY, Role::Pharmacy.bit(), vec![PHARMACIST])
			.with_organization(REGULATOR, Role::Regulator.bit(), vec![INSPECTOR])
			.with_patient(ALICE)
			.with_patient(BOB)
			.with_patient(CAROL)
			.with_patient(DAVE)
			.with_deregistered(ERASED)
	}
}

impl ExtBuilder {
	/// Start with no organization and no patient.
	pub fn empty() -> Self {
		Self { organizations: vec![], patients: vec![], deregistered: vec![] }
	}

	/// Add an organization under `admin` with the `roles` bit set and `staff`.
	pub fn with_organization(
		mut self,
		admin: AccountId,
		roles: u16,
		staff: Vec<AccountId>,
	) -> Self {
		self.organizations.push((admin, b"Organization".to_vec(), roles, staff));
		self
	}

	/// Add a registered patient.
	pub fn with_patient(mut self, who: AccountId) -> Self {
		self.patients.push(who);
		self
	}

	/// Add a patient who deregistered.
	pub fn with_deregistered(mut self, who: AccountId) -> Self {
		self.deregistered.push(who);
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
			for who in self.patients {
				MockPatients::register(who, u32::MAX);
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
			ClinicalTrials::do_try_state().expect("clinical-trials invariants hold");
		});
	}
}

/// Move to the next block, `ms` milliseconds later.
pub fn advance_time(ms: Moment) {
	System::set_block_number(System::block_number() + 1);
	Timestamp::set_timestamp(Timestamp::get() + ms);
}
