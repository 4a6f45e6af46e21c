//! A minimal runtime for the drug-provenance pallet's tests: System, Timestamp, the real
//! Consortium pallet and this pallet, with manufacturers, distributors, pharmacies, a
//! regulator and a hospital registered at genesis, and the GS1 company prefixes of the test
//! GTINs assigned to the manufacturers (see [`ExtBuilder`]). Governance is Root.

use crate as pallet_drug_provenance;
use frame_support::{derive_impl, traits::ConstU32};
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
	pub type DrugProvenance = pallet_drug_provenance;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
impl pallet_timestamp::Config for Test {}

#[derive_impl(pallet_consortium::config_preludes::TestDefaultConfig)]
impl pallet_consortium::Config for Test {}

/// The most units per batch in tests.
pub const MAX_QUANTITY: u32 = 1_000_000;
/// The most holders per batch in tests.
pub const MAX_HOLDERS: u32 = 4;
/// The longest custody history in tests.
pub const MAX_HISTORY: u32 = 8;
/// The most products per manufacturer in tests.
pub const MAX_PRODUCTS: u32 = 3;
/// The most suspect reports kept per batch in tests.
pub const MAX_REPORTS: u32 = 3;
/// The most reports one organization keeps per batch in tests.
pub const MAX_REPORTS_PER_REPORTER: u32 = 2;

impl pallet_drug_provenance::Config for Test {
	type Roles = Consortium;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type Time = Timestamp;
	type MaxQuantity = ConstU32<MAX_QUANTITY>;
	type MaxHoldersPerBatch = ConstU32<MAX_HOLDERS>;
	type MaxHistoryPerBatch = ConstU32<MAX_HISTORY>;
	type MaxProductsPerManufacturer = ConstU32<MAX_PRODUCTS>;
	type MaxSuspectReportsPerBatch = ConstU32<MAX_REPORTS>;
	type MaxReportsPerReporter = ConstU32<MAX_REPORTS_PER_REPORTER>;
	type DispensePolicy = ();
	type WeightInfo = ();
}

/// Manufacturer A (Manufacturer role).
pub const MAKER_A: AccountId = 10;
/// A production manager working for [`MAKER_A`].
pub const MAKER_A_STAFF: AccountId = 11;
/// Manufacturer B (Manufacturer role).
pub const MAKER_B: AccountId = 20;
/// Staff of [`MAKER_B`].
pub const MAKER_B_STAFF: AccountId = 21;
/// A wholesale distributor (Distributor role).
pub const DISTRIBUTOR: AccountId = 30;
/// A warehouse clerk working for [`DISTRIBUTOR`].
pub const CLERK: AccountId = 31;
/// A second distributor.
pub const DISTRIBUTOR_B: AccountId = 40;
/// Pharmacy A (Pharmacy role).
pub const PHARMACY_A: AccountId = 50;
/// A pharmacist working for [`PHARMACY_A`].
pub const PHARMACIST_A: AccountId = 51;
/// Pharmacy B (Pharmacy role).
pub const PHARMACY_B: AccountId = 60;
/// A pharmacist working for [`PHARMACY_B`].
pub const PHARMACIST_B: AccountId = 61;
/// A drug regulator (Regulator role).
pub const REGULATOR: AccountId = 70;
/// An inspector working for [`REGULATOR`].
pub const INSPECTOR: AccountId = 71;
/// A hospital (Provider role only: not part of the supply chain).
pub const HOSPITAL: AccountId = 80;
/// A doctor working for [`HOSPITAL`].
pub const DOCTOR: AccountId = 81;
/// An account that belongs to no organization.
pub const OUTSIDER: AccountId = 99;

/// The time at which every test starts: 2026-01-15T00:00:00Z (ms since the Unix epoch).
pub const START: Moment = 1_768_435_200_000;

/// The GS1 Company Prefix of the GS1 example GTIN `0 950600 013435 2`, [`MAKER_A`]'s.
pub const PREFIX_A: &[u8] = b"950600";
/// A second prefix of [`MAKER_A`]: GTINs `0 001234 ...` and `1 001234 ...`.
pub const PREFIX_A2: &[u8] = b"001234";
/// [`MAKER_B`]'s prefix: GTIN `0 400638 133393 1`.
pub const PREFIX_B: &[u8] = b"400638";

/// Builds test externalities with organizations registered at genesis and company
/// prefixes assigned at genesis: by default [`PREFIX_A`] and [`PREFIX_A2`] to [`MAKER_A`],
/// [`PREFIX_B`] to [`MAKER_B`].
pub struct ExtBuilder {
	organizations: Vec<(AccountId, Vec<u8>, u16, Vec<AccountId>)>,
	company_prefixes: Vec<(Vec<u8>, AccountId)>,
	time: Moment,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		let org = |admin, name: &[u8], roles: u16, staff: Vec<AccountId>| {
			(admin, name.to_vec(), roles, staff)
		};
		Self {
			organizations: vec![
				org(MAKER_A, b"Maker A", Role::Manufacturer.bit(), vec![MAKER_A_STAFF]),
				org(MAKER_B, b"Maker B", Role::Manufacturer.bit(), vec![MAKER_B_STAFF]),
				org(DISTRIBUTOR, b"Distributor", Role::Distributor.bit(), vec![CLERK]),
				org(DISTRIBUTOR_B, b"Distributor B", Role::Distributor.bit(), vec![]),
				org(PHARMACY_A, b"Pharmacy A", Role::Pharmacy.bit(), vec![PHARMACIST_A]),
				org(PHARMACY_B, b"Pharmacy B", Role::Pharmacy.bit(), vec![PHARMACIST_B]),
				org(REGULATOR, b"Regulator", Role::Regulator.bit(), vec![INSPECTOR]),
				org(HOSPITAL, b"Hospital", Role::Provider.bit(), vec![DOCTOR]),
			],
			company_prefixes: vec![
				(PREFIX_A.to_vec(), MAKER_A),
				(PREFIX_A2.to_vec(), MAKER_A),
				(PREFIX_B.to_vec(), MAKER_B),
			],
			time: START,
		}
	}
}

impl ExtBuilder {
	/// Start with no organization and no company prefix.
	pub fn empty() -> Self {
		Self { organizations: vec![], company_prefixes: vec![], time: START }
	}

	/// Assign the company prefix `prefix` (ASCII digits) to `manufacturer` at genesis.
	pub fn with_company_prefix(mut self, prefix: &[u8], manufacturer: AccountId) -> Self {
		self.company_prefixes.push((prefix.to_vec(), manufacturer));
		self
	}

	/// Assign no company prefix at genesis.
	pub fn without_company_prefixes(mut self) -> Self {
		self.company_prefixes.clear();
		self
	}

	/// Add an organization with `roles` (a [`pallet_consortium::Roles`] bit set) and staff.
	pub fn with_organization(mut self, admin: AccountId, roles: u16, staff: &[AccountId]) -> Self {
		self.organizations.push((admin, b"Extra".to_vec(), roles, staff.to_vec()));
		self
	}

	/// Start at `time` (ms since the Unix epoch) instead of [`START`].
	pub fn with_time(mut self, time: Moment) -> Self {
		self.time = time;
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
		pallet_drug_provenance::GenesisConfig::<Test> { company_prefixes: self.company_prefixes }
			.assimilate_storage(&mut storage)
			.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| {
			System::set_block_number(1);
			Timestamp::set_timestamp(self.time);
		});
		ext
	}

	/// Run `test`, then check the pallet's invariants (conservation among them).
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			DrugProvenance::do_try_state().expect("drug-provenance invariants hold");
		});
	}
}

/// Move to the next block, `ms` milliseconds later.
pub fn advance_time(ms: Moment) {
	System::set_block_number(System::block_number() + 1);
	Timestamp::set_timestamp(Timestamp::get() + ms);
}
