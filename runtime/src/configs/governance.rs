//! Governance by the consortium's members, and validators from the consortium.
//!
//! - **Council** (`pallet-collective`): the admin accounts of member organizations. A 2/3
//!   majority of it is [`CouncilTwoThirds`], the governance origin of `Consortium` (admit,
//!   re-role, suspend, reinstate organizations), `DrugProvenance`, `ClinicalTrials` and
//!   `Governance` (which also lets the council act as Root: runtime upgrades through
//!   `System.authorize_upgrade`). Root (sudo) stays an alternative on dev and local chains,
//!   whose presets have a sudo key; the consortium preset has none.
//! - **Seats** (`pallet-membership`): changed only as Root, i.e. through
//!   `Governance.add_council_member`, which checks the account is an active organization's
//!   admin; a seat's holder cannot move it (`change_key` is filtered: [`BaseFilter`]), and
//!   suspending an organization takes its seat (`Governance`'s `OnSuspension`). The
//!   membership feeds the collective. Motions beyond the first four open ones hold a
//!   doubling deposit ([`ProposalConsideration`]), so one seat cannot jam the council.
//! - **Validators** (`pallet-session` + `Governance`): an organization's admin registers its
//!   node's keys with `Session.set_keys`; the council adds the organization with
//!   `Governance.add_validator`; the change takes effect at the next session boundary, which
//!   the change itself brings forward (two boundaries, a few blocks). Sessions otherwise last
//!   an hour. Aura and GRANDPA take their authorities from the session.
//! - **Time lock** (`pallet-scheduler` + `Governance`): a council motion that acts as Root
//!   (`Governance.dispatch_as_root`: a runtime upgrade's `System.authorize_upgrade`, a
//!   parameter) is enacted by the scheduler `Governance.RootCallDelay` blocks later (a
//!   consortium chain's spec: one day by default), never at once; during the delay every
//!   member sees it (`Governance.RootCallScheduled`, the scheduler's agenda) and more than a
//!   third of the council ([`CouncilBlockingMinority`]) can cancel it. The consortium's
//!   runtime has no Sudo (`consortium` feature), so nothing else reaches Root.

use frame_support::{parameter_types, traits::EitherOfDiverse, weights::Weight};
use frame_system::EnsureRoot;
use sp_runtime::{traits::ConvertInto, DispatchResult, Perbill};

use super::RuntimeBlockWeights;
use crate::{
	AccountId, Balance, Balances, BlockNumber, Council, CouncilMembership, Governance, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeOrigin, SessionKeys, HOURS,
};

/// The runtime's `BaseCallFilter`: every call but
/// - `CouncilMembership.change_key`, which would let a seat's holder hand the seat to any
///   account, past `Governance.add_council_member`'s check that a seat is an active
///   organization's admin: seats change only through
///   `Governance`;
/// - `Session.purge_keys`, with which a validator's organization would leave the validator
///   set on its own, below the chain's floor: the council removes validators
///   (`Governance.remove_validator`); `Session.set_keys` still rotates keys.
///
/// The filter applies to every origin but Root, through `Utility`, `Proxy` and council
/// motions alike.
pub struct BaseFilter;
impl frame_support::traits::Contains<RuntimeCall> for BaseFilter {
	fn contains(call: &RuntimeCall) -> bool {
		!matches!(
			call,
			RuntimeCall::CouncilMembership(pallet_membership::Call::change_key { .. })
				| RuntimeCall::Session(pallet_session::Call::purge_keys { .. })
		)
	}
}

/// The council's instance of `pallet-collective` (and of `pallet-membership`).
pub type CouncilCollective = pallet_collective::Instance1;
/// The council's seats.
pub type CouncilMembershipInstance = pallet_membership::Instance1;

/// A 2/3 majority of the council, or Root (dev and local chains' sudo).
pub type CouncilTwoThirds = EitherOfDiverse<
	EnsureRoot<AccountId>,
	pallet_collective::EnsureProportionAtLeast<AccountId, CouncilCollective, 2, 3>,
>;

/// More than a third of the council (as many seats as could have blocked a 2/3 motion), or
/// Root: who may cancel a Root call during its time lock (`Governance.cancel_root_call`).
pub type CouncilBlockingMinority = EitherOfDiverse<
	EnsureRoot<AccountId>,
	pallet_collective::EnsureProportionMoreThan<AccountId, CouncilCollective, 1, 3>,
>;

parameter_types! {
	/// The time lock a chain from before it gets at the upgrade (`Governance`'s v2 migration):
	/// one day of 3 s blocks, the consortium generator's default.
	pub const DefaultRootCallDelay: BlockNumber = 24 * HOURS;
	/// The scheduler may use up to 80 % of a block for due Root calls.
	pub MaximumSchedulerWeight: Weight =
		Perbill::from_percent(80) * RuntimeBlockWeights::get().max_block;
}

impl pallet_scheduler::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeOrigin = RuntimeOrigin;
	type PalletsOrigin = crate::OriginCaller;
	type RuntimeCall = RuntimeCall;
	type MaximumWeight = MaximumSchedulerWeight;
	/// Only Root schedules directly; the council's Root calls come through `Governance`.
	type ScheduleOrigin = EnsureRoot<AccountId>;
	type OriginPrivilegeCmp = frame_support::traits::EqualPrivilegeOnly;
	type MaxScheduledPerBlock = frame_support::traits::ConstU32<16>;
	type WeightInfo = pallet_scheduler::weights::SubstrateWeight<Runtime>;
	/// No preimage store: a scheduled call is held inline (at most 128 bytes).
	type Preimages = ();
	type BlockNumberProvider = crate::System;
}

parameter_types! {
	/// Open motions that cost no deposit (see [`ProposalConsideration`]).
	pub const FreeProposals: u32 = 4;
	/// The deposit of the first motion beyond [`FreeProposals`]: 10 MED.
	pub const ProposalDepositBase: Balance = 10 * crate::UNIT;
	/// Each further open motion doubles the deposit.
	pub const ProposalDepositRatio: sp_runtime::FixedU128 = sp_runtime::FixedU128::from_u32(2);
	pub const ProposalHoldReason: crate::RuntimeHoldReason = crate::RuntimeHoldReason::Council(
		pallet_collective::HoldReason::<CouncilCollective>::ProposalSubmission,
	);
}

/// The council's proposal deposit: free for the first [`FreeProposals`] open motions, then
/// [`ProposalDepositBase`] × 2^(open motions − [`FreeProposals`]), held on the proposer.
/// Benchmarks fill the queue from one account, so they use a constant deposit (as
/// `pallet-collective` advises).
#[cfg(not(feature = "runtime-benchmarks"))]
pub type ProposalConsideration = frame_support::traits::fungible::HoldConsideration<
	AccountId,
	Balances,
	ProposalHoldReason,
	pallet_collective::deposit::Delayed<
		FreeProposals,
		pallet_collective::deposit::Geometric<ProposalDepositRatio, ProposalDepositBase>,
	>,
	u32,
>;
/// See the other definition: a constant deposit for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub type ProposalConsideration = frame_support::traits::fungible::HoldConsideration<
	AccountId,
	Balances,
	ProposalHoldReason,
	pallet_collective::deposit::Constant<ProposalDepositBase>,
	u32,
>;

parameter_types! {
	/// A motion not decided within 3 days is closed as the votes then stand.
	pub const CouncilMotionDuration: BlockNumber = 3 * 24 * HOURS;
	pub const CouncilMaxProposals: u32 = 32;
	/// One seat per member organization at most; a consortium has tens, not hundreds.
	pub const CouncilMaxMembers: u32 = 64;
	/// No motion may take more than half a block.
	pub MaxProposalWeight: Weight = Perbill::from_percent(50) * RuntimeBlockWeights::get().max_block;
}

/// The council's default vote at `close` after `MotionDuration`: no default aye. With
/// `pallet_collective::PrimeDefaultVote` abstentions followed the prime member, so a prime
/// and a few allies could pass a 2/3 motion while the other seats were away; here a motion
/// passes only with its threshold of ayes actually cast.
pub struct AbstentionsAreNays;
impl pallet_collective::DefaultVote for AbstentionsAreNays {
	fn default_vote(_prime_vote: Option<bool>, _yes: u32, _no: u32, _len: u32) -> bool {
		false
	}
}

impl pallet_collective::Config<CouncilCollective> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = CouncilMotionDuration;
	type MaxProposals = CouncilMaxProposals;
	type MaxMembers = CouncilMaxMembers;
	/// Members who did not vote count as voting against, whatever the prime member voted:
	/// a motion needs its threshold in ayes actually cast.
	type DefaultVote = AbstentionsAreNays;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	/// Seats change through `pallet-membership` (and `Governance`), never directly.
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxProposalWeight;
	type DisapproveOrigin = CouncilTwoThirds;
	type KillOrigin = CouncilTwoThirds;
	/// A deposit that grows with the queue: the first [`FreeProposals`] open motions
	/// cost nothing, so ordinary governance is free; beyond, each new motion holds
	/// [`ProposalDepositBase`] doubled per motion already open, returned
	/// (`Council.release_proposal_cost`) once it is closed or burnt if the council kills
	/// it. One seat filling the 32 slots would have to hold about 2.7 billion MED.
	type Consideration = ProposalConsideration;
}

impl pallet_membership::Config<CouncilMembershipInstance> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = EnsureRoot<AccountId>;
	type RemoveOrigin = EnsureRoot<AccountId>;
	type SwapOrigin = EnsureRoot<AccountId>;
	type ResetOrigin = EnsureRoot<AccountId>;
	type PrimeOrigin = CouncilTwoThirds;
	type MembershipInitialized = Council;
	type MembershipChanged = Council;
	type MaxMembers = CouncilMaxMembers;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// A session lasts an hour unless a change of validators brings its end forward.
	pub const SessionPeriod: BlockNumber = HOURS;
	pub const SessionOffset: BlockNumber = 0;
	pub const MaxValidators: u32 = 32;
	/// The council can never remove the last validator. A consortium should keep at least 4
	/// (3f+1 with f = 1: one may fail and GRANDPA still finalizes); the chain-spec generator
	/// warns below that, but dev chains run one.
	pub const MinValidators: u32 = 1;
}

parameter_types! {
	/// 0.3 MED + 0.1 milli-MED per byte: three storage items of about 170 bytes.
	pub const SessionKeyDeposit: Balance = super::deposit(3, 170);
}

/// A session ends when its period has elapsed, or right away after a change of validators.
pub struct EndSession;
impl pallet_session::ShouldEndSession<BlockNumber> for EndSession {
	fn should_end_session(now: BlockNumber) -> bool {
		let periodic =
			<pallet_session::PeriodicSessions<SessionPeriod, SessionOffset> as pallet_session::ShouldEndSession<
				BlockNumber,
			>>::should_end_session(now);
		// Always ask Governance, so that its countdown advances at a periodic boundary too.
		Governance::should_rotate() || periodic
	}
}

/// The validators for each new session come from `Governance`.
pub struct ValidatorsFromGovernance;
impl pallet_session::SessionManager<AccountId> for ValidatorsFromGovernance {
	fn new_session(_new_index: u32) -> Option<alloc::vec::Vec<AccountId>> {
		Governance::new_validators()
	}
	fn end_session(_end_index: u32) {}
	fn start_session(_start_index: u32) {}
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// A validator is an organization's admin account.
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = EndSession;
	type NextSessionRotation = pallet_session::PeriodicSessions<SessionPeriod, SessionOffset>;
	type SessionManager = ValidatorsFromGovernance;
	type SessionHandler = <SessionKeys as sp_runtime::traits::OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	type DisablingStrategy = ();
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	/// Registering keys holds a deposit for the three items it stores (the keys and two
	/// key-owner entries), returned by `purge_keys`: anyone may register keys, but only
	/// organizations the council adds ever validate, so others pay for their storage.
	type KeyDeposit = SessionKeyDeposit;
}

/// Council seats kept by `pallet-membership`, changed as Root.
pub struct MembershipSeats;
impl pallet_governance::CouncilSeats<AccountId> for MembershipSeats {
	fn is_member(who: &AccountId) -> bool {
		pallet_membership::Members::<Runtime, CouncilMembershipInstance>::get().contains(who)
	}
	fn count() -> u32 {
		pallet_membership::Members::<Runtime, CouncilMembershipInstance>::decode_len().unwrap_or(0)
			as u32
	}
	fn members() -> alloc::vec::Vec<AccountId> {
		pallet_membership::Members::<Runtime, CouncilMembershipInstance>::get().into_inner()
	}
	fn add(who: &AccountId) -> DispatchResult {
		CouncilMembership::add_member(RuntimeOrigin::root(), who.clone().into())
			.map(|_| ())
			.map_err(|e| e.error)
	}
	fn remove(who: &AccountId) -> DispatchResult {
		CouncilMembership::remove_member(RuntimeOrigin::root(), who.clone().into())
			.map(|_| ())
			.map_err(|e| e.error)
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn fill_for_benchmarks() {
		let max = <CouncilMaxMembers as frame_support::traits::Get<u32>>::get();
		let mut i = 0;
		while Self::count() < max - 1 {
			let who: AccountId = frame_benchmarking::account("seat", i, 0);
			let _ = Self::add(&who);
			i += 1;
		}
	}
}

/// Session keys registered with `pallet-session`.
pub struct SessionKeysOfSession;
impl pallet_governance::SessionKeysRegistry<AccountId> for SessionKeysOfSession {
	fn has_keys(who: &AccountId) -> bool {
		pallet_session::NextKeys::<Runtime>::contains_key(who)
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn set_keys_for_benchmarks(who: &AccountId) {
		// `add_validator` only asks whether keys are registered: any keys will do.
		let keys = <SessionKeys as codec::Decode>::decode(
			&mut sp_runtime::traits::TrailingZeroInput::zeroes(),
		)
		.expect("session keys decode from zeroes");
		pallet_session::NextKeys::<Runtime>::insert(who, keys);
	}
}

impl pallet_governance::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type CouncilOrigin = CouncilTwoThirds;
	type CancelOrigin = CouncilBlockingMinority;
	type PalletsOrigin = crate::OriginCaller;
	type Scheduler = crate::Scheduler;
	/// One block on any chain; a chain's genesis sets its own (the consortium's: a day).
	type MinRootCallDelay = frame_support::traits::ConstU32<1>;
	type Organizations = crate::Consortium;
	type Council = MembershipSeats;
	type SessionKeys = SessionKeysOfSession;
	type MaxValidators = MaxValidators;
	type MinValidators = MinValidators;
	type WeightInfo = pallet_governance::weights::SubstrateWeight<Runtime>;
}
