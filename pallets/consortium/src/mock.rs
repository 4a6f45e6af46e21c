//! A minimal runtime for the consortium pallet's tests.

use crate as pallet_consortium;
use crate::{Role, Roles};
use frame_support::derive_impl;
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
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

#[derive_impl(pallet_consortium::config_preludes::TestDefaultConfig)]
impl pallet_consortium::Config for Test {}

/// The hospital of the default test consortium.
pub const HOSPITAL: AccountId = 10;
/// A doctor working for [`HOSPITAL`].
pub const DOCTOR: AccountId = 11;
/// The pharmacy of the default test consortium.
pub const PHARMACY: AccountId = 20;
/// An organization that may be added with several roles.
pub const MULTI: AccountId = 40;
/// An account that belongs to no organization.
pub const OUTSIDER: AccountId = 99;

/// Builds test externalities with organizations registered at genesis.
pub struct ExtBuilder {
	organizations: Vec<(AccountId, Vec<u8>, u16, Vec<AccountId>)>,
	nodes: Vec<(AccountId, crate::NodeKey)>,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self {
			organizations: vec![
				(HOSPITAL, b"St. Mary's".to_vec(), Role::Provider.bit(), vec![DOCTOR]),
				(PHARMACY, b"Riverside Pharmacy".to_vec(), Role::Pharmacy.bit(), vec![]),
			],
			nodes: vec![],
		}
	}
}

impl ExtBuilder {
	/// Start with no organization at all.
	pub fn empty() -> Self {
		Self { organizations: vec![], nodes: vec![] }
	}

	/// Authorize a member node at genesis.
	pub fn with_node(mut self, organization: AccountId, node: crate::NodeKey) -> Self {
		self.nodes.push((organization, node));
		self
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

	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_consortium::GenesisConfig::<Test> {
			organizations: self.organizations,
			nodes: self.nodes,
		}
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
			Consortium::do_try_state().expect("consortium invariants hold");
		});
	}
}
