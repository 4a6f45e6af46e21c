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

#[test]
fn dispatch_as_root_runs_a_root_only_call_and_reports_its_outcome() {
	new_test_ext().execute_with(|| {
		// A root-only call: it works through the council...
		let call =
			Box::new(RuntimeCall::Consortium(pallet_consortium::Call::suspend_organization {
				organization: 3,
			}));
		assert_ok!(Governance::dispatch_as_root(RuntimeOrigin::root(), call.clone()));
		assert_eq!(last_event(), Event::DispatchedAsRoot { result: Ok(()) }.into());
		assert!(!<Consortium as pallet_consortium::RoleProvider<_>>::is_active(&3));
		// ...and a failing inner call is reported, not swallowed.
		assert_ok!(Governance::dispatch_as_root(RuntimeOrigin::root(), call));
		match last_event() {
			RuntimeEvent::Governance(Event::DispatchedAsRoot { result: Err(_) }) => {}
			other => panic!("expected a failed DispatchedAsRoot, got {other:?}"),
		}
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

#[test]
fn weights_charge_the_inner_call() {
	use frame_support::dispatch::GetDispatchInfo;
	new_test_ext().execute_with(|| {
		let inner = RuntimeCall::Consortium(pallet_consortium::Call::suspend_organization {
			organization: 3,
		});
		let outer = RuntimeCall::Governance(crate::Call::dispatch_as_root {
			call: Box::new(inner.clone()),
		});
		assert!(
			outer.get_dispatch_info().call_weight.ref_time()
				> inner.get_dispatch_info().call_weight.ref_time()
		);
	});
}

/// N4 (security review 628560b): suspending an organization takes its council seat at once
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

/// N14: a chain's genesis sets its own validator floor (a consortium keeps 4); the council
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
	crate::GenesisConfig::<Test> { validators: GENESIS_VALIDATORS.to_vec(), min_validators: 2 }
		.assimilate_storage(&mut t)
		.unwrap();
	sp_io::TestExternalities::new(t).execute_with(|| {
		assert_eq!(crate::ValidatorFloor::<Test>::get(), 2);
	});
}
