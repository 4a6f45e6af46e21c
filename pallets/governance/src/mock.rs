//! A minimal runtime for the governance pallet's tests: the consortium, and this pallet with
//! Root as the council's decision, a seat list and a session-key list kept in thread-locals.

use crate as pallet_governance;
use crate::CouncilSeats;
use frame_support::{derive_impl, parameter_types};
use frame_system::EnsureRoot;
use pallet_consortium::{Role, Roles};
use sp_runtime::{BuildStorage, DispatchResult};
use std::{cell::RefCell, collections::BTreeSet};

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
	pub type Governance = pallet_governance;
	#[runtime::pallet_index(3)]
	pub type Scheduler = pallet_scheduler;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

#[derive_impl(pallet_consortium::config_preludes::TestDefaultConfig)]
impl pallet_consortium::Config for Test {
	/// As in the runtime: suspension takes the seat and drops the validator.
	type OnSuspension = Governance;
}

thread_local! {
	static SEATS: RefCell<BTreeSet<AccountId>> = const { RefCell::new(BTreeSet::new()) };
	static KEYS: RefCell<BTreeSet<AccountId>> = const { RefCell::new(BTreeSet::new()) };
}

/// The council's seats in tests (at most [`MAX_SEATS`]).
pub struct Seats;
/// The most seats in tests.
pub const MAX_SEATS: usize = 4;
impl CouncilSeats<AccountId> for Seats {
	fn is_member(who: &AccountId) -> bool {
		SEATS.with(|s| s.borrow().contains(who))
	}
	fn count() -> u32 {
		SEATS.with(|s| s.borrow().len() as u32)
	}
	fn members() -> Vec<AccountId> {
		SEATS.with(|s| s.borrow().iter().copied().collect())
	}
	fn add(who: &AccountId) -> DispatchResult {
		SEATS.with(|s| {
			let mut s = s.borrow_mut();
			if s.len() >= MAX_SEATS {
				return Err(sp_runtime::DispatchError::Other("council full"));
			}
			s.insert(*who);
			Ok(())
		})
	}
	fn remove(who: &AccountId) -> DispatchResult {
		SEATS.with(|s| s.borrow_mut().remove(who));
		Ok(())
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn fill_for_benchmarks() {
		SEATS.with(|s| {
			let mut s = s.borrow_mut();
			let mut next = 1_000;
			while s.len() < MAX_SEATS - 1 {
				s.insert(next);
				next += 1;
			}
		});
	}
}

/// Accounts with session keys in tests.
pub struct Keys;
impl crate::SessionKeysRegistry<AccountId> for Keys {
	fn has_keys(who: &AccountId) -> bool {
		KEYS.with(|k| k.borrow().contains(who))
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn set_keys_for_benchmarks(who: &AccountId) {
		set_keys(*who);
	}
}
/// Register `who`'s session keys (what `Session.set_keys` does in the runtime).
pub fn set_keys(who: AccountId) {
	KEYS.with(|k| k.borrow_mut().insert(who));
}

parameter_types! {
	pub const MaxValidators: u32 = 5;
	pub const MinValidators: u32 = 2;
	pub MaximumSchedulerWeight: frame_support::weights::Weight =
		frame_support::weights::Weight::from_parts(2_000_000_000_000, u64::MAX);
}

/// The time lock's floor in tests; genesis sets [`ROOT_CALL_DELAY`].
pub const MIN_ROOT_CALL_DELAY: u64 = 2;
/// This test chain's time lock on Root calls.
pub const ROOT_CALL_DELAY: u64 = 10;

impl pallet_scheduler::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeOrigin = RuntimeOrigin;
	type PalletsOrigin = OriginCaller;
	type RuntimeCall = RuntimeCall;
	type MaximumWeight = MaximumSchedulerWeight;
	type ScheduleOrigin = EnsureRoot<AccountId>;
	type OriginPrivilegeCmp = frame_support::traits::EqualPrivilegeOnly;
	type MaxScheduledPerBlock = frame_support::traits::ConstU32<4>;
	type WeightInfo = ();
	type Preimages = ();
	type BlockNumberProvider = System;
}

/// Cancels a Root call in tests: signed by account [`CANCELLER`] (Root also may).
pub const CANCELLER: AccountId = 42;
pub type CancelOrigin = frame_support::traits::EitherOfDiverse<
	EnsureRoot<AccountId>,
	frame_system::EnsureSignedBy<Canceller, AccountId>,
>;
pub struct Canceller;
impl frame_support::traits::SortedMembers<AccountId> for Canceller {
	fn sorted_members() -> Vec<AccountId> {
		vec![CANCELLER]
	}
}

impl pallet_governance::Config for Test {
	type RuntimeCall = RuntimeCall;
	type CouncilOrigin = EnsureRoot<AccountId>;
	type CancelOrigin = CancelOrigin;
	type PalletsOrigin = OriginCaller;
	type Scheduler = Scheduler;
	type MinRootCallDelay = frame_support::traits::ConstU64<MIN_ROOT_CALL_DELAY>;
	type Organizations = Consortium;
	type Council = Seats;
	type SessionKeys = Keys;
	type MaxValidators = MaxValidators;
	type MinValidators = MinValidators;
	type WeightInfo = ();
}

/// Hospitals 1..=5 are Provider organizations; 11 is staff of hospital 1; 99 belongs to none.
pub const STAFF: AccountId = 11;
/// An account of no organization.
pub const OUTSIDER: AccountId = 99;
/// The genesis validators.
pub const GENESIS_VALIDATORS: [AccountId; 2] = [1, 2];

pub fn new_test_ext() -> sp_io::TestExternalities {
	SEATS.with(|s| *s.borrow_mut() = [1, 2].into_iter().collect());
	KEYS.with(|k| *k.borrow_mut() = [1, 2].into_iter().collect());
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_governance::GenesisConfig::<Test> {
		validators: GENESIS_VALIDATORS.to_vec(),
		min_validators: 0,
		root_call_delay: ROOT_CALL_DELAY,
	}
	.assimilate_storage(&mut t)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(t);
	ext.execute_with(|| {
		System::set_block_number(1);
		for org in 1..=5u64 {
			Consortium::register_organization(
				RuntimeOrigin::root(),
				org,
				b"Hospital".to_vec(),
				Roles::only(Role::Provider),
			)
			.unwrap();
		}
		Consortium::add_staff(RuntimeOrigin::signed(1), STAFF).unwrap();
	});
	ext
}
