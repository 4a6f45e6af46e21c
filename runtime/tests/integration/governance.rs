//! Governance by the council of member organizations, through signed extrinsics as the chain
//! runs them: a 2/3 council motion admits an organization, seats it on the council, makes its
//! node a validator (effective at the next session boundary) and authorizes a runtime
//! upgrade; a minority motion does none of these.

use codec::Encode;
use frame_support::{dispatch::GetDispatchInfo, traits::Hooks};
use medchain_runtime::{
	AccountId, Consortium, Governance, Grandpa, Role, Roles, Runtime, RuntimeCall, RuntimeEvent,
	Session, SessionKeys, System,
};
use medchain_runtime_test_support::*;
use pallet_consortium::RoleProvider;
use sp_keyring::Sr25519Keyring::*;
use sp_runtime::{
	traits::{BlakeTwo256, Hash},
	DispatchError,
};

/// The first `n` seats of the demo council: every demo organization's admin (8 seats; 2/3
/// needs 6 ayes).
fn council(n: usize) -> Vec<AccountId> {
	[Alice, Bob, Charlie, Dave, Eve, Ferdie, AliceStash, BobStash][..n]
		.iter()
		.map(|k| account(*k))
		.collect()
}

/// Propose `call` to the council with `threshold`, let `ayes` (the first one proposes) vote
/// for it, close it, and return the outcome of the executed proposal (`None` if it was not
/// executed). Every step is a signed extrinsic through the runtime's transaction extensions.
fn motion(
	call: RuntimeCall,
	threshold: u32,
	ayes: &[AccountId],
) -> Option<Result<(), DispatchError>> {
	let length_bound = call.encoded_size() as u32;
	let weight_bound = call.get_dispatch_info().call_weight;
	let hash = BlakeTwo256::hash_of(&call);
	let index = pallet_collective::ProposalCount::<Runtime, pallet_collective::Instance1>::get();
	let proposer = ayes[0].clone();
	submit_ok(
		&proposer,
		RuntimeCall::Council(pallet_collective::Call::propose {
			threshold,
			proposal: Box::new(call),
			length_bound,
		}),
	);
	// Proposing is not voting: every aye votes, the proposer too.
	for voter in ayes {
		submit_ok(
			voter,
			RuntimeCall::Council(pallet_collective::Call::vote {
				proposal: hash,
				index,
				approve: true,
			}),
		);
	}
	System::reset_events();
	submit_ok(
		&proposer,
		RuntimeCall::Council(pallet_collective::Call::close {
			proposal_hash: hash,
			index,
			proposal_weight_bound: weight_bound,
			length_bound,
		}),
	);
	System::events().into_iter().find_map(|r| match r.event {
		RuntimeEvent::Council(pallet_collective::Event::Executed { result, .. }) => Some(result),
		_ => None,
	})
}

/// Alice pays `who` enough for a few transactions.
fn fund(who: &AccountId) {
	submit_ok(
		&account(Alice),
		RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: who.clone().into(),
			value: 10 * medchain_runtime::UNIT,
		}),
	);
}

fn council_members() -> Vec<AccountId> {
	pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get()
}

fn register(admin: &AccountId, name: &str) -> RuntimeCall {
	RuntimeCall::Consortium(pallet_consortium::Call::register_organization {
		admin: admin.clone(),
		name: name.as_bytes().to_vec(),
		roles: Roles::only(Role::Provider),
	})
}

#[test]
fn two_thirds_of_the_council_admit_an_organization_and_a_minority_cannot() {
	new_test_ext().execute_with(|| {
		let clinic = fresh("NorthsideClinic");
		// 5 of 8 is less than 2/3: the motion passes its own threshold but carries no
		// governance power.
		assert_eq!(
			motion(register(&clinic, "Northside Clinic"), 5, &council(5)),
			Some(Err(DispatchError::BadOrigin))
		);
		assert_eq!(Consortium::organization_of(&clinic), None);
		// One member alone cannot either (a threshold-1 proposal executes at once).
		System::reset_events();
		submit_ok(
			&account(Alice),
			RuntimeCall::Council(pallet_collective::Call::propose {
				threshold: 1,
				proposal: Box::new(register(&clinic, "Northside Clinic")),
				length_bound: 1_000,
			}),
		);
		assert!(System::events().iter().any(|r| matches!(
			r.event,
			RuntimeEvent::Council(pallet_collective::Event::Executed {
				result: Err(DispatchError::BadOrigin),
				..
			})
		)));
		assert_eq!(Consortium::organization_of(&clinic), None);
		// A non-member cannot even propose.
		let outsider = fresh("Outsider");
		fund(&outsider);
		submit_err(
			&outsider,
			RuntimeCall::Council(pallet_collective::Call::propose {
				threshold: 6,
				proposal: Box::new(register(&clinic, "Northside Clinic")),
				length_bound: 1_000,
			}),
			pallet_collective::Error::<Runtime, pallet_collective::Instance1>::NotMember,
		);

		// 6 of 8: admitted.
		assert_eq!(motion(register(&clinic, "Northside Clinic"), 6, &council(6)), Some(Ok(())));
		assert_eq!(Consortium::ensure_role(&clinic, Role::Provider), Ok(clinic.clone()));
		// And suspended the same way.
		let suspend = RuntimeCall::Consortium(pallet_consortium::Call::suspend_organization {
			organization: clinic.clone(),
		});
		assert_eq!(motion(suspend, 6, &council(8)[2..]), Some(Ok(())));
		assert!(!Consortium::is_active(&clinic));
	});
}

#[test]
fn council_seats_follow_the_consortium() {
	new_test_ext().execute_with(|| {
		let clinic = fresh("NorthsideClinic");
		let seat = |who: &AccountId| {
			RuntimeCall::Governance(pallet_governance::Call::add_council_member {
				organization: who.clone(),
			})
		};
		// Not an organization yet: refused with a named error.
		assert_eq!(
			motion(seat(&clinic), 6, &council(6)),
			Some(Err(pallet_consortium::Error::<Runtime>::UnknownOrganization.into()))
		);
		// Admitted and seated by the same motion.
		let both = RuntimeCall::Utility(pallet_utility::Call::batch_all {
			calls: vec![register(&clinic, "Northside Clinic"), seat(&clinic)],
		});
		assert_eq!(motion(both, 6, &council(6)), Some(Ok(())));
		assert!(council_members().contains(&clinic));
		assert_eq!(council_members().len(), 9);
		// The new member votes at once (once it can pay fees): with 9 seats, 6 ayes (2/3)
		// take a seat away.
		fund(&clinic);
		let remove = RuntimeCall::Governance(pallet_governance::Call::remove_council_member {
			organization: account(BobStash),
		});
		let mut ayes = vec![clinic.clone()];
		ayes.extend(council(5));
		assert_eq!(motion(remove, 6, &ayes), Some(Ok(())));
		assert_eq!(council_members().len(), 8);
		assert!(!council_members().contains(&account(BobStash)));
		// Seats cannot be changed around Governance by a member's own signature.
		submit_err(
			&account(Alice),
			RuntimeCall::CouncilMembership(pallet_membership::Call::add_member {
				who: fresh("Crony").into(),
			}),
			DispatchError::BadOrigin,
		);
	});
}

/// A seat's holder cannot hand its seat to another account
/// (`CouncilMembership.change_key` is filtered, directly or through `Utility`), and a council
/// motion suspending an organization takes its seat at once; the seat invariant
/// (`Governance::do_try_state`) holds throughout.
#[test]
fn a_seat_cannot_be_moved_and_suspension_takes_it() {
	new_test_ext().execute_with(|| {
		let fresh_key = fresh("FreshKeyOfAStolenSeat");
		let change_key = RuntimeCall::CouncilMembership(pallet_membership::Call::change_key {
			new: fresh_key.clone().into(),
		});
		let filtered: DispatchError = frame_system::Error::<Runtime>::CallFiltered.into();
		submit_err(&account(Bob), change_key.clone(), filtered);
		// `Utility.batch` reports the filtered call in its own event: the seat stays.
		submit_ok(
			&account(Bob),
			RuntimeCall::Utility(pallet_utility::Call::batch { calls: vec![change_key] }),
		);
		assert!(council_members().contains(&account(Bob)));
		assert!(!council_members().contains(&fresh_key));
		Governance::do_try_state().unwrap();

		// Bob's organization is suspended by a 2/3 motion: its seat goes in the same call.
		let suspend = RuntimeCall::Consortium(pallet_consortium::Call::suspend_organization {
			organization: account(Bob),
		});
		let mut ayes = council(8);
		ayes.retain(|a| *a != account(Bob));
		assert_eq!(motion(suspend, 6, &ayes[..6]), Some(Ok(())));
		assert!(!Consortium::is_active(&account(Bob)));
		assert!(!council_members().contains(&account(Bob)));
		assert_eq!(council_members().len(), 7);
		Governance::do_try_state().unwrap();
		// Its former admin can no longer propose anything.
		submit_err(
			&account(Bob),
			RuntimeCall::Council(pallet_collective::Call::propose {
				threshold: 1,
				proposal: Box::new(register(&fresh("Crony"), "Crony")),
				length_bound: 1_000,
			}),
			pallet_collective::Error::<Runtime, pallet_collective::Instance1>::NotMember,
		);
	});
}

/// Open motions beyond the first four hold a deposit that doubles with each one, so one
/// seat cannot fill the council's 32 slots; ordinary governance stays free.
#[test]
fn motions_beyond_the_first_four_hold_a_doubling_deposit() {
	use frame_support::traits::fungible::InspectHold;
	new_test_ext().execute_with(|| {
		let reason = medchain_runtime::RuntimeHoldReason::Council(
			pallet_collective::HoldReason::ProposalSubmission,
		);
		let held = |who: &AccountId| {
			<medchain_runtime::Balances as InspectHold<AccountId>>::balance_on_hold(&reason, who)
		};
		let propose = |n: u32| {
			submit_ok(
				&account(Charlie),
				RuntimeCall::Council(pallet_collective::Call::propose {
					threshold: 6,
					proposal: Box::new(RuntimeCall::System(frame_system::Call::remark {
						remark: n.encode(),
					})),
					length_bound: 1_000,
				}),
			)
		};
		let unit = medchain_runtime::UNIT;
		for n in 0..4 {
			propose(n);
		}
		assert_eq!(held(&account(Charlie)), 0, "the first four open motions are free");
		propose(4);
		assert_eq!(held(&account(Charlie)), 10 * unit);
		propose(5);
		assert_eq!(held(&account(Charlie)), 30 * unit);
		propose(6);
		assert_eq!(held(&account(Charlie)), 70 * unit);
		assert_eq!(
			pallet_collective::Proposals::<Runtime, pallet_collective::Instance1>::get().len(),
			7
		);
	});
}

/// The session keys of a new node, generated in the test's keystore, with the proof
/// `Session.set_keys` checks.
fn new_node_keys(owner: &AccountId) -> (SessionKeys, Vec<u8>) {
	let generated = SessionKeys::generate(&owner.encode(), None);
	(generated.keys, generated.proof.encode())
}

/// Run the session pallet's and GRANDPA's block hooks for the next block.
fn next_block_with_sessions() {
	next_block();
	let n = System::block_number();
	Session::on_initialize(n);
	Grandpa::on_finalize(n);
}

#[test]
fn a_member_node_becomes_a_validator_at_the_next_session_boundary() {
	let mut ext = new_test_ext();
	ext.register_extension(sp_keystore::KeystoreExt::new(
		sp_keystore::testing::MemoryKeystore::new(),
	));
	ext.execute_with(|| {
		let clinic = fresh("NorthsideClinic");
		assert_eq!(motion(register(&clinic, "Northside Clinic"), 6, &council(6)), Some(Ok(())));
		fund(&clinic);
		let add = RuntimeCall::Governance(pallet_governance::Call::add_validator {
			organization: clinic.clone(),
		});
		// Without registered keys the council's vote is refused with a named error.
		assert_eq!(
			motion(add.clone(), 6, &council(6)),
			Some(Err(pallet_governance::Error::<Runtime>::NoSessionKeys.into()))
		);
		// The clinic's admin registers its node's keys (with the ownership proof).
		let (keys, proof) = new_node_keys(&clinic);
		// A wrong proof (someone else's keys) is refused.
		let (_, other_proof) = new_node_keys(&account(Bob));
		submit_err(
			&clinic,
			RuntimeCall::Session(pallet_session::Call::set_keys {
				keys: keys.clone(),
				proof: other_proof,
			}),
			pallet_session::Error::<Runtime>::InvalidProof,
		);
		submit_ok(
			&clinic,
			RuntimeCall::Session(pallet_session::Call::set_keys { keys: keys.clone(), proof }),
		);
		// Registering keys holds a deposit for their storage (returned by purge_keys).
		assert!(medchain_runtime::configs::governance::SessionKeyDeposit::get() > 0);
		assert_eq!(
			<pallet_balances::Pallet<Runtime> as frame_support::traits::fungible::InspectHold<
				AccountId,
			>>::balance_on_hold(
				&medchain_runtime::RuntimeHoldReason::Session(pallet_session::HoldReason::Keys),
				&clinic
			),
			medchain_runtime::configs::governance::SessionKeyDeposit::get()
		);
		assert_eq!(motion(add, 6, &council(6)), Some(Ok(())));
		assert_eq!(Session::validators(), vec![account(Alice)], "not before a boundary");

		// Two boundaries follow at once: the first plans the new set, the second enacts it.
		let session = Session::current_index();
		next_block_with_sessions();
		assert_eq!(Session::current_index(), session + 1);
		assert_eq!(Session::validators(), vec![account(Alice)]);
		next_block_with_sessions();
		assert_eq!(Session::current_index(), session + 2);
		let mut expected = vec![account(Alice), clinic.clone()];
		expected.sort();
		assert_eq!(Session::validators(), expected);
		assert!(
			pallet_aura::Authorities::<Runtime>::get().contains(&keys.aura),
			"the clinic's node produces blocks"
		);
		assert!(
			Grandpa::grandpa_authorities().iter().any(|(id, _)| *id == keys.grandpa),
			"and votes in GRANDPA"
		);
		// Then sessions last their period again.
		next_block_with_sessions();
		assert_eq!(Session::current_index(), session + 2);

		// A suspended member's node leaves at the next boundary without another vote.
		let suspend = RuntimeCall::Consortium(pallet_consortium::Call::suspend_organization {
			organization: clinic.clone(),
		});
		assert_eq!(motion(suspend, 6, &council(6)), Some(Ok(())));
		assert_eq!(Governance::new_validators(), Some(vec![account(Alice)]));
	});
}

/// Move on `n` blocks, running the scheduler's `on_initialize` as each block's start does.
fn run_blocks(n: u32) {
	for _ in 0..n {
		next_block();
		<medchain_runtime::Scheduler as Hooks<_>>::on_initialize(System::block_number());
	}
}

/// The Root call a motion scheduled: `(id, enact_at)`.
fn scheduled_root_call() -> (u32, u32) {
	System::events()
		.into_iter()
		.find_map(|r| match r.event {
			RuntimeEvent::Governance(pallet_governance::Event::RootCallScheduled {
				id,
				enact_at,
				..
			}) => Some((id, enact_at)),
			_ => None,
		})
		.expect("RootCallScheduled")
}

/// The time lock: the council's motion to act as Root schedules the call; it runs only
/// after the chain's delay (10 blocks on dev chains).
#[test]
fn the_council_authorizes_a_runtime_upgrade_only_after_the_time_lock() {
	new_test_ext().execute_with(|| {
		let code_hash = BlakeTwo256::hash(b"a new runtime");
		let authorize = RuntimeCall::System(frame_system::Call::authorize_upgrade { code_hash });
		// A council motion straight to a Root call has no Root origin...
		assert_eq!(motion(authorize.clone(), 6, &council(6)), Some(Err(DispatchError::BadOrigin)));
		assert!(System::authorized_upgrade().is_none());
		// ...Governance.dispatch_as_root gives it one, for a 2/3 majority only...
		let as_root = RuntimeCall::Governance(pallet_governance::Call::dispatch_as_root {
			call: Box::new(authorize),
		});
		assert_eq!(motion(as_root.clone(), 5, &council(5)), Some(Err(DispatchError::BadOrigin)));
		assert!(System::authorized_upgrade().is_none());
		assert_eq!(motion(as_root, 6, &council(6)), Some(Ok(())));
		// ...and only once the time lock is over.
		let (_, enact_at) = scheduled_root_call();
		assert_eq!(enact_at, System::block_number() + 10);
		run_blocks(9);
		assert!(System::authorized_upgrade().is_none(), "not during the time lock");
		run_blocks(1);
		assert_eq!(System::authorized_upgrade().map(|u| *u.code_hash()), Some(code_hash));
		// Members cannot reach Root one by one.
		submit_err(
			&account(Bob),
			RuntimeCall::Governance(pallet_governance::Call::dispatch_as_root {
				call: Box::new(RuntimeCall::System(frame_system::Call::remark { remark: vec![] })),
			}),
			DispatchError::BadOrigin,
		);
	});
}

/// During the time lock, a third of the council (3 of 8 seats: more than a third) cancels
/// the Root call; one seat alone, or two, cannot.
#[test]
fn a_blocking_minority_of_the_council_cancels_a_root_call_during_the_time_lock() {
	new_test_ext().execute_with(|| {
		let code_hash = BlakeTwo256::hash(b"an unwanted runtime");
		let as_root = RuntimeCall::Governance(pallet_governance::Call::dispatch_as_root {
			call: Box::new(RuntimeCall::System(frame_system::Call::authorize_upgrade {
				code_hash,
			})),
		});
		assert_eq!(motion(as_root, 6, &council(6)), Some(Ok(())));
		let (id, enact_at) = scheduled_root_call();
		let cancel = RuntimeCall::Governance(pallet_governance::Call::cancel_root_call { id });
		submit_err(&account(BobStash), cancel.clone(), DispatchError::BadOrigin);
		assert_eq!(motion(cancel.clone(), 2, &council(2)), Some(Err(DispatchError::BadOrigin)));
		assert_eq!(motion(cancel, 3, &council(3)), Some(Ok(())));
		assert!(System::events().iter().any(|r| matches!(
			r.event,
			RuntimeEvent::Governance(pallet_governance::Event::RootCallCancelled { id: i })
				if i == id
		)));
		run_blocks(enact_at - System::block_number() + 5);
		assert!(System::authorized_upgrade().is_none(), "cancelled: never enacted");
	});
}

/// When a motion's time is up, members who did not vote count as nays, never as the
/// prime member's vote, so a prime and two allies cannot pass a 2/3 motion while the other
/// five seats are away. (With `PrimeDefaultVote` the clinic below would be admitted.)
#[test]
fn abstentions_do_not_follow_the_prime_member() {
	new_test_ext().execute_with(|| {
		frame_support::assert_ok!(dispatch_root(RuntimeCall::CouncilMembership(
			pallet_membership::Call::set_prime { who: account(Alice).into() }
		)));
		assert_eq!(
			pallet_collective::Prime::<Runtime, pallet_collective::Instance1>::get(),
			Some(account(Alice))
		);
		let clinic = fresh("AbsentCouncilClinic");
		let call = register(&clinic, "Absent Council Clinic");
		let length_bound = call.encoded_size() as u32;
		let weight_bound = call.get_dispatch_info().call_weight;
		let hash = BlakeTwo256::hash_of(&call);
		let index =
			pallet_collective::ProposalCount::<Runtime, pallet_collective::Instance1>::get();
		submit_ok(
			&account(Alice),
			RuntimeCall::Council(pallet_collective::Call::propose {
				threshold: 6,
				proposal: Box::new(call),
				length_bound,
			}),
		);
		for voter in council(3) {
			submit_ok(
				&voter,
				RuntimeCall::Council(pallet_collective::Call::vote {
					proposal: hash,
					index,
					approve: true,
				}),
			);
		}
		// The motion's time runs out with five seats silent.
		let end = System::block_number() +
			<Runtime as pallet_collective::Config<pallet_collective::Instance1>>::MotionDuration::get();
		System::set_block_number(end);
		System::reset_events();
		submit_ok(
			&account(Alice),
			RuntimeCall::Council(pallet_collective::Call::close {
				proposal_hash: hash,
				index,
				proposal_weight_bound: weight_bound,
				length_bound,
			}),
		);
		let events: Vec<_> = System::events().into_iter().map(|r| r.event).collect();
		assert!(
			events.iter().any(|e| matches!(
				e,
				RuntimeEvent::Council(pallet_collective::Event::Closed { yes: 3, no: 5, .. })
			)),
			"{events:?}"
		);
		assert!(events.iter().any(|e| matches!(
			e,
			RuntimeEvent::Council(pallet_collective::Event::Disapproved { .. })
		)));
		assert_eq!(Consortium::organization_of(&clinic), None);
	});
}

/// A validator's organization cannot leave the validator set on its own
/// (`Session.purge_keys` is filtered); it still rotates its keys (`set_keys`), and only the
/// council removes a validator, never below the chain's floor.
#[test]
fn a_validator_cannot_purge_its_keys_to_leave() {
	new_test_ext().execute_with(|| {
		let validator = pallet_governance::Validators::<Runtime>::get()
			.first()
			.cloned()
			.expect("a genesis validator");
		let filtered: DispatchError = frame_system::Error::<Runtime>::CallFiltered.into();
		submit_err(&validator, RuntimeCall::Session(pallet_session::Call::purge_keys {}), filtered);
		assert!(Session::validators().contains(&validator));
		// The floor: the dev chain's one validator cannot be removed.
		assert_eq!(Governance::validator_floor(), 1);
	});
}
