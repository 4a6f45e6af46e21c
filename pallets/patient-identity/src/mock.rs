//! A minimal runtime for the patient identity pallet's tests: System, the real consortium
//! pallet (Provider organizations at genesis) and this pallet.

use crate as pallet_patient_identity;
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64},
};
use pallet_consortium::Role;
use sp_core::H256;
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
	pub type Consortium = pallet_consortium;
	#[runtime::pallet_index(2)]
	pub type PatientIdentity = pallet_patient_identity;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

#[derive_impl(pallet_consortium::config_preludes::TestDefaultConfig)]
impl pallet_consortium::Config for Test {}

/// Fee-less calls per window in tests.
pub const FREE_CALLS: u32 = 3;
/// Rate-limit window length in tests, in blocks.
pub const WINDOW: u64 = 10;
/// Attestations per patient in tests.
pub const MAX_ATTESTATIONS: u32 = 2;

impl pallet_patient_identity::Config for Test {
	type Roles = Consortium;
	type MaxAttestations = ConstU32<MAX_ATTESTATIONS>;
	type FreeCallsPerWindow = ConstU32<FREE_CALLS>;
	type RateLimitWindow = ConstU64<WINDOW>;
	type Erasure = ();
	type WeightInfo = ();
}

/// A hospital (Provider).
pub const HOSPITAL: AccountId = 10;
/// A doctor working for [`HOSPITAL`].
pub const DOCTOR: AccountId = 11;
/// A clinic (Provider).
pub const CLINIC: AccountId = 20;
/// A nurse working for [`CLINIC`].
pub const NURSE: AccountId = 21;
/// A laboratory (Provider).
pub const LAB: AccountId = 30;
/// A pharmacy (Pharmacy, not Provider).
pub const PHARMACY: AccountId = 40;
/// A pharmacist working for [`PHARMACY`].
pub const PHARMACIST: AccountId = 41;
/// An account that belongs to no organization.
pub const OUTSIDER: AccountId = 99;

/// A patient registered at genesis by the default builder.
pub const ALICE: AccountId = 1;
/// An account that is not a patient in the default builder.
pub const BOB: AccountId = 2;

/// The commitment of a test identity: `blake2_256(salt ++ document)`.
pub fn commitment(salt: &[u8], document: &[u8]) -> H256 {
	crate::identity_commitment(salt, document)
}

/// [`ALICE`]'s commitment at genesis.
pub fn alice_commitment() -> H256 {
	commitment(b"alice-salt-0123456789abcdef", b"NHS:943 476 5919|1990-04-01")
}

/// Builds test externalities with organizations and patients registered at genesis.
pub struct ExtBuilder {
	organizations: Vec<(AccountId, Vec<u8>, u16, Vec<AccountId>)>,
	patients: Vec<(AccountId, H256, Option<AccountId>)>,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self {
			organizations: vec![
				(HOSPITAL, b"St. Mary's".to_vec(), Role::Provider.bit(), vec![DOCTOR]),
				(CLINIC, b"Hillside Clinic".to_vec(), Role::Provider.bit(), vec![NURSE]),
				(LAB, b"City Lab".to_vec(), Role::Provider.bit(), vec![]),
				(PHARMACY, b"Riverside Pharmacy".to_vec(), Role::Pharmacy.bit(), vec![PHARMACIST]),
			],
			// Onboarded by the hospital: an attested patient with fee-less calls.
			patients: vec![(ALICE, alice_commitment(), Some(HOSPITAL))],
		}
	}
}

impl ExtBuilder {
	/// Start with no organization and no patient at all.
	pub fn empty() -> Self {
		Self { organizations: vec![], patients: vec![] }
	}

	/// Register a patient at genesis, onboarded by `onboarded_by` (or self-registered).
	pub fn with_patient(
		mut self,
		patient: AccountId,
		commitment: H256,
		onboarded_by: Option<AccountId>,
	) -> Self {
		self.patients.push((patient, commitment, onboarded_by));
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
		pallet_patient_identity::GenesisConfig::<Test> { patients: self.patients }
			.assimilate_storage(&mut storage)
			.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Run `test`, then check the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			PatientIdentity::do_try_state().expect("patient identity invariants hold");
		});
	}
}
