//! Unit tests of the governance pallet.

use crate::{mock::*, CouncilSeats, Error, Event, PendingRotations, PlannedValidators, Validators};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

fn validators() -> Vec<AccountId> {
	Validators::<Test>::get().into_inner()
}

fn suspend(org: AccountId) {
	assert_ok!(Consortium::suspend_organization(RuntimeOrigin::root(), org));
}

#[test]
fn genesis_sets_validators_and_the_planned_set() {
	new_test_ext().execute_with(|| {
		assert_eq!(validators(), vec![1, 2]);
		assert_eq!(PlannedValidators::<Test>::get().into_inner(), vec![1, 2]);
		assert_eq!(Governance::new_validators(), None, "nothing changed since genesis");
		assert!(!Governance::should_rotate());
		Governance::do_try_state().unwrap();
	});
}

#[test]
fn only_the_council_decides() {
	new_test_ext().execute_with(|| {
		let call = Box::new(RuntimeCall::System(frame_system::Call::remark { remark: vec![] }));
		for who in [1, STAFF, OUTSIDER] {
			let o = RuntimeOrigin::signed(who);
			assert_noop!(
				Governance::dispatch_as_root(o.clone(), call.clone()),
				DispatchError::BadOrigin
			);
			assert_noop!(Governance::add_council_member(o.clone(), 3), DispatchError::BadOrigin);
			assert_noop!(Governance::remove_council_member(o.clone(), 2), DispatchError::BadOrigin);
			assert_noop!(Governance::add_validator(o.clone(), 3), DispatchError::BadOrigin);
			assert_noop!(Governance::remove_validator(o, 2), DispatchError::BadOrigin);
		}
	});
}

/// Run blocks until `n` (the scheduler's `on_initialize` enacts what is due).
fn run_to(n: u64) {
	use frame_support::traits::Hooks;
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Scheduler::on_initialize(next);
	}
}

fn scheduled() -> (crate::RootCallId, [u8; 32], u64) {
	match last_event() {
		RuntimeEvent::Governance(Event::RootCallScheduled { id, task, enact_at, .. }) => {
			(id, task, enact_at)
		}
		other => panic!("expected RootCallScheduled, got {other:?}"),
	}
}

fn dispatched(task: [u8; 32]) -> Option<Result<(), DispatchError>> {
	System::events().into_iter().find_map(|r| match r.event {
		RuntimeEvent::Scheduler(pallet_scheduler::Event::Dispatched { id, result, .. })
			if id == Some(task) =>
		{
			Some(result)
		}
		_ => None,
	})
}

fn suspend_call(org: AccountId) -> Box<RuntimeCall> {
	Box::new(RuntimeCall::Consortium(pallet_consortium::Call::suspend_organization {
		organization: org,
	}))
}

/// The time lock: a Root call decided by the council runs only `RootCallDelay` blocks
/// later, through the scheduler, whose event reports its outcome (a failure included).
#[test]
fn dispatch_as_root_enacts_the_call_only_after_the_delay() {
	new_test_ext().execute_with(|| {
		assert_eq!(Governance::root_call_delay(), ROOT_CALL_DELAY);
		assert_ok!(Governance::dispatch_as_root(RuntimeOrigin::root(), suspend_call(3)));
		let (id, task, enact_at) = scheduled();
		assert_eq!((id, enact_at), (0, 1 + ROOT_CALL_DELAY));
		assert_eq!(task, Governance::root_call_task(0));
		let active = |org| <Consortium as pallet_consortium::RoleProvider<_>>::is_active(&org);
		run_to(enact_at - 1);
		assert!(active(3), "not before the delay");
		assert_eq!(dispatched(task), None);
		run_to(enact_at);
		assert!(!active(3), "enacted at the delay");
		assert_eq!(dispatched(task), Some(Ok(())));

		// A failing inner call is reported, not swallowed; ids go on.
		assert_ok!(Governance::dispatch_as_root(RuntimeOrigin::root(), suspend_call(3)));
		let (id, task, enact_at) = scheduled();
		assert_eq!((id, enact_at), (1, enact_at));
		run_to(enact_at);
		assert!(matches!(dispatched(task), Some(Err(_))));
		// Nothing is left to cancel once enacted.
		assert_noop!(
			Governance::cancel_root_call(RuntimeOrigin::root(), id),
			Error::<Test>::UnknownRootCall
		);
	});
}

#[test]
fn a_root_call_cancelled_during_its_delay_never_runs() {
	new_test_ext().execute_with(|| {
		assert_ok!(Governance::dispatch_as_root(RuntimeOrigin::root(), suspend_call(3)));
		let (id, task, enact_at) = scheduled();
		// Only the cancel origin may cancel: a council seat's own signature may not.
		for who in [1, STAFF, OUTSIDER] {
			assert_noop!(
				Governance::cancel_root_call(RuntimeOrigin::signed(who), id),
				DispatchError::BadOrigin
			);
		}
		assert_noop!(
			Governance::cancel_root_call(RuntimeOrigin::signed(CANCELLER), id + 1),
			Error::<Test>::UnknownRootCall
		);
		run_to(enact_at - 1);
		assert_ok!(Governance::cancel_root_call(RuntimeOrigin::signed(CANCELLER), id));
		assert_eq!(last_event(), Event::RootCallCancelled { id }.into());
		run_to(enact_at + 5);
		assert!(<Consortium as pallet_consortium::RoleProvider<_>>::is_active(&3));
		assert_eq!(dispatched(task), None);
		assert_noop!(
			Governance::cancel_root_call(RuntimeOrigin::signed(CANCELLER), id),
			Error::<Test>::UnknownRootCall
		);
	});
}

#[test]
fn the_delay_is_never_below_the_floor_and_long_calls_are_refused() {
	new_test_ext().execute_with(|| {
		crate::RootCallDelay::<Test>::put(0);
		assert_eq!(Governance::root_call_delay(), MIN_ROOT_CALL_DELAY);
		assert_ok!(Governance::dispatch_as_root(RuntimeOrigin::root(), suspend_call(3)));
		assert_eq!(scheduled().2, 1 + MIN_ROOT_CALL_DELAY);
		// More than 128 bytes encoded: the scheduler cannot hold it inline.
		let long =
			Box::new(RuntimeCall::System(frame_system::Call::remark { remark: vec![0; 130] }));
		assert_noop!(
			Governance::dispatch_as_root(RuntimeOrigin::root(), long),
			Error::<Test>::CallTooLong
		);
		// A full agenda for that block (4 in tests) is the scheduler's refusal, named.
		for _ in 0..3 {
			assert_ok!(Governance::dispatch_as_root(RuntimeOrigin::root(), suspend_call(4)));
		}
		assert_noop!(
			Governance::dispatch_as_root(RuntimeOrigin::root(), suspend_call(4)),
			Error::<Test>::CannotSchedule
		);
		run_to(System::block_number() + 1);
		assert_ok!(Governance::dispatch_as_root(RuntimeOrigin::root(), suspend_call(4)));
	});
}

#[test]
fn council_seats_follow_the_consortium() {
	new_test_ext().execute_with(|| {
		let root = RuntimeOrigin::root;
		assert_noop!(
			Governance::add_council_member(root(), OUTSIDER),
			pallet_consortium::Error::<Test>::UnknownOrganization
		);
		assert_noop!(
			Governance::add_council_member(root(), STAFF),
			pallet_consortium::Error::<Test>::UnknownOrganization
		);
		assert_noop!(
			Governance::add_council_member(root(), 1),
			Error::<Test>::AlreadyCouncilMember
		);
		suspend(3);
		assert_noop!(
			Governance::add_council_member(root(), 3),
			pallet_consortium::Error::<Test>::SuspendedOrganization
		);

		assert_ok!(Governance::add_council_member(root(), 4));
		assert_eq!(last_event(), Event::CouncilMemberAdded { organization: 4 }.into());
		assert!(Seats::is_member(&4));
		assert_ok!(Consortium::reinstate_organization(root(), 3));
		assert_ok!(Governance::add_council_member(root(), 3));
		assert_eq!(Seats::count(), 4);
		// The seat keeper's own bound (4 seats in tests) surfaces as its error.
		assert_noop!(
			Governance::add_council_member(root(), 5),
			DispatchError::Other("council full")
		);
		assert_ok!(Governance::remove_council_member(root(), 3));
		assert_ok!(Governance::add_council_member(root(), 5));

		assert_noop!(
			Governance::remove_council_member(root(), OUTSIDER),
			Error::<Test>::NotCouncilMember
		);
		for org in [1, 2, 4] {
			assert_ok!(Governance::remove_council_member(root(), org));
		}
		assert_eq!(Seats::count(), 1);
		assert_noop!(
			Governance::remove_council_member(root(), 5),
			Error::<Test>::LastCouncilMember
		);
	});
}

#[test]
fn a_validator_needs_an_active_organization_with_session_keys() {
	new_test_ext().execute_with(|| {
		let root = RuntimeOrigin::root;
		assert_noop!(
			Governance::add_validator(root(), OUTSIDER),
			pallet_consortium::Error::<Test>::UnknownOrganization
		);
		assert_noop!(
			Governance::add_validator(root(), STAFF),
			pallet_consortium::Error::<Test>::UnknownOrganization
		);
		assert_noop!(Governance::add_validator(root(), 3), Error::<Test>::NoSessionKeys);
		set_keys(3);
		suspend(3);
		assert_noop!(
			Governance::add_validator(root(), 3),
			pallet_consortium::Error::<Test>::SuspendedOrganization
		);
		assert_ok!(Consortium::reinstate_organization(root(), 3));
		assert_noop!(Governance::add_validator(root(), 1), Error::<Test>::AlreadyValidator);

		assert_ok!(Governance::add_validator(root(), 3));
		assert_eq!(last_event(), Event::ValidatorAdded { organization: 3 }.into());
		assert_eq!(validators(), vec![1, 2, 3]);
		for org in [4, 5] {
			set_keys(org);
			assert_ok!(Governance::add_validator(root(), org));
		}
		set_keys(OUTSIDER);
		assert_ok!(Consortium::register_organization(
			root(),
			OUTSIDER,
			b"Late".to_vec(),
			pallet_consortium::Roles::only(pallet_consortium::Role::Provider)
		));
		assert_noop!(Governance::add_validator(root(), OUTSIDER), Error::<Test>::TooManyValidators);
		Governance::do_try_state().unwrap();
	});
}

#[test]
fn a_change_takes_effect_over_the_next_two_session_boundaries() {
	new_test_ext().execute_with(|| {
		set_keys(3);
		assert_ok!(Governance::add_validator(RuntimeOrigin::root(), 3));
		assert_eq!(PendingRotations::<Test>::get(), 2);
		// Boundary 1 plans the new set; boundary 2 activates it; then the period rules again.
		assert!(Governance::should_rotate());
		assert_eq!(Governance::new_validators(), Some(vec![1, 2, 3]));
		assert!(Governance::should_rotate());
		assert_eq!(Governance::new_validators(), None, "already planned");
		assert!(!Governance::should_rotate());

		assert_ok!(Governance::remove_validator(RuntimeOrigin::root(), 1));
		assert_eq!(last_event(), Event::ValidatorRemoved { organization: 1 }.into());
		assert!(Governance::should_rotate());
		assert_eq!(Governance::new_validators(), Some(vec![2, 3]));
	});
}

#[test]
fn removals_keep_min_validators() {
	new_test_ext().execute_with(|| {
		let root = RuntimeOrigin::root;
		assert_noop!(Governance::remove_validator(root(), 3), Error::<Test>::NotValidator);
		assert_noop!(Governance::remove_validator(root(), 1), Error::<Test>::TooFewValidators);
		set_keys(3);
		assert_ok!(Governance::add_validator(root(), 3));
		assert_ok!(Governance::remove_validator(root(), 1));
		assert_noop!(Governance::remove_validator(root(), 2), Error::<Test>::TooFewValidators);
		assert_eq!(validators(), vec![2, 3]);
	});
}

#[test]
fn a_suspended_organization_stops_validating_at_the_next_boundary_without_a_vote() {
	new_test_ext().execute_with(|| {
		set_keys(3);
		assert_ok!(Governance::add_validator(RuntimeOrigin::root(), 3));
		assert_eq!(Governance::new_validators(), Some(vec![1, 2, 3]));
		suspend(2);
		assert_eq!(Governance::new_validators(), Some(vec![1, 3]));
		assert_eq!(validators(), vec![1, 2, 3], "still the council's choice once reinstated");
		assert_ok!(Consortium::reinstate_organization(RuntimeOrigin::root(), 2));
		assert_eq!(Governance::new_validators(), Some(vec![1, 2, 3]));
		// Every validator suspended: keep the current set rather than halt the chain.
		for org in [1, 2, 3] {
			suspend(org);
		}
		assert_eq!(Governance::new_validators(), None);
	});
}

/// The inner call's weight is charged when the scheduler enacts it, not by the council's
/// motion: `dispatch_as_root` weighs the same whatever it schedules.
#[test]
fn dispatch_as_root_weighs_the_scheduling_not_the_inner_call() {
	use frame_support::dispatch::GetDispatchInfo;
	let outer = |call: RuntimeCall| {
		RuntimeCall::Governance(crate::Call::dispatch_as_root { call: Box::new(call) })
			.get_dispatch_info()
			.call_weight
	};
	let light = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
	let heavy =
		RuntimeCall::Consortium(pallet_consortium::Call::suspend_organization { organization: 3 });
	assert!(heavy.get_dispatch_info().call_weight.ref_time() > 0);
	assert_eq!(outer(light), outer(heavy));
}

/// Suspending an organization takes its council seat at once
/// and brings the session boundaries forward, so its validator goes at the next one;
/// reinstating gives back the validator, not the seat; the last seat always stays.
#[test]
fn suspension_takes_the_seat_and_the_validator_at_once() {
	new_test_ext().execute_with(|| {
		assert!(Seats::is_member(&2) && validators().contains(&2));
		assert_eq!(PendingRotations::<Test>::get(), 0);
		suspend(2);
		assert!(!Seats::is_member(&2), "a suspended organization keeps no seat");
		assert_eq!(last_event(), Event::CouncilMemberRemoved { organization: 2 }.into());
		assert_eq!(PendingRotations::<Test>::get(), 2, "the rotation is brought forward");
		assert!(Governance::should_rotate());
		assert_eq!(Governance::new_validators(), Some(vec![1]));
		Governance::do_try_state().unwrap();

		// Reinstated: the validator is back at the next boundary; the seat is the council's
		// to give again.
		assert_ok!(Consortium::reinstate_organization(RuntimeOrigin::root(), 2));
		assert_eq!(Governance::new_validators(), Some(vec![1, 2]));
		assert!(!Seats::is_member(&2));

		// The last seat stays, suspended or not: a council must remain.
		suspend(1);
		assert!(Seats::is_member(&1));
		Governance::do_try_state().unwrap();

		// A suspension of an organization with neither seat nor validator changes nothing.
		let pending = PendingRotations::<Test>::get();
		suspend(3);
		assert_eq!(PendingRotations::<Test>::get(), pending);
	});
}

/// The invariant a changed seat would break: a second seat held by a suspended
/// organization (as `CouncilMembership.change_key` once allowed) fails `try_state`.
#[test]
fn try_state_refuses_a_seat_of_an_inactive_organization() {
	new_test_ext().execute_with(|| {
		Governance::do_try_state().unwrap();
		assert_ok!(Seats::add(&OUTSIDER));
		assert!(Governance::do_try_state().is_err(), "an outsider's seat passed");
		assert_ok!(Seats::remove(&OUTSIDER));
		Governance::do_try_state().unwrap();
	});
}

#[test]
fn try_state_refuses_a_dropped_validator_planned_without_a_rotation() {
	new_test_ext().execute_with(|| {
		Governance::do_try_state().unwrap();
		// A third validator, planned at a session boundary.
		set_keys(3);
		assert_ok!(Governance::add_validator(RuntimeOrigin::root(), 3));
		assert_eq!(Governance::new_validators(), Some(vec![1, 2, 3]));
		PendingRotations::<Test>::put(0);
		Governance::do_try_state().unwrap();
		let planned = PlannedValidators::<Test>::get();
		// Through the call: the removal asks for rotations, so the invariant holds.
		assert_ok!(Governance::remove_validator(RuntimeOrigin::root(), 3));
		assert!(PendingRotations::<Test>::get() > 0);
		Governance::do_try_state().unwrap();
		// Without the rotation the dropped validator would stay planned: refused.
		PendingRotations::<Test>::put(0);
		assert!(Governance::do_try_state().is_err(), "a dropped validator stayed planned");
		// An empty or unsorted planned set is refused too.
		PlannedValidators::<Test>::kill();
		assert!(Governance::do_try_state().is_err(), "an empty planned set passed");
		let mut reversed = planned.into_inner();
		reversed.reverse();
		if reversed.len() > 1 {
			PlannedValidators::<Test>::put(frame_support::BoundedVec::truncate_from(reversed));
			PendingRotations::<Test>::put(2);
			assert!(Governance::do_try_state().is_err(), "an unsorted planned set passed");
		}
	});
}

/// A chain's genesis sets its own validator floor (a consortium keeps 4); the council
/// cannot go below it.
#[test]
fn the_genesis_validator_floor_holds_against_the_council() {
	new_test_ext().execute_with(|| {
		for org in [3, 4] {
			set_keys(org);
			assert_ok!(Governance::add_validator(RuntimeOrigin::root(), org));
		}
		assert_eq!(validators(), vec![1, 2, 3, 4]);
		// As a consortium's genesis sets it (the mock's MinValidators is 2).
		crate::ValidatorFloor::<Test>::put(4);
		assert_eq!(Governance::validator_floor(), 4);
		assert_noop!(
			Governance::remove_validator(RuntimeOrigin::root(), 4),
			Error::<Test>::TooFewValidators
		);
		crate::ValidatorFloor::<Test>::put(3);
		assert_ok!(Governance::remove_validator(RuntimeOrigin::root(), 4));
		assert_noop!(
			Governance::remove_validator(RuntimeOrigin::root(), 3),
			Error::<Test>::TooFewValidators
		);
		// A floor below MinValidators changes nothing.
		crate::ValidatorFloor::<Test>::put(0);
		assert_eq!(Governance::validator_floor(), 2);
	});
}

#[test]
fn genesis_stores_the_validator_floor() {
	use sp_runtime::BuildStorage;
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	crate::GenesisConfig::<Test> {
		validators: GENESIS_VALIDATORS.to_vec(),
		min_validators: 2,
		root_call_delay: 0,
	}
	.assimilate_storage(&mut t)
	.unwrap();
	sp_io::TestExternalities::new(t).execute_with(|| {
		assert_eq!(crate::ValidatorFloor::<Test>::get(), 2);
	});
}

#[test]
fn v1_to_v2_gives_an_existing_chain_the_time_lock_once() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	type Migration =
		crate::migrations::v2::MigrateV1ToV2<Test, frame_support::traits::ConstU64<28_800>>;
	new_test_ext().execute_with(|| {
		// A chain from before the time lock: storage version 1, no delay.
		StorageVersion::new(1).put::<Governance>();
		crate::RootCallDelay::<Test>::kill();
		Migration::on_runtime_upgrade();
		assert_eq!(crate::RootCallDelay::<Test>::get(), 28_800);
		assert_eq!(Governance::on_chain_storage_version(), 2);
		// Once only: a later change of the delay is not undone.
		crate::RootCallDelay::<Test>::put(100);
		Migration::on_runtime_upgrade();
		assert_eq!(crate::RootCallDelay::<Test>::get(), 100);
	});
	// A chain whose genesis set a delay keeps it.
	new_test_ext().execute_with(|| {
		StorageVersion::new(1).put::<Governance>();
		Migration::on_runtime_upgrade();
		assert_eq!(crate::RootCallDelay::<Test>::get(), ROOT_CALL_DELAY);
	});
}
