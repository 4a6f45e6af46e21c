//! Unit tests of the patient identity pallet: every call, every error, every event, the
//! fee-less rate limit and the tombstone.

use crate::{
	identity_commitment, mock::*, Error, Event, FreeCallUsage, FreeCalls, PatientCount,
	PatientInfo, PatientRecord, Patients, Tombstones,
};
use frame_support::{assert_noop, assert_ok, dispatch::CheckIfFeeless, traits::Hooks, BoundedVec};
use medchain_primitives::PatientRegistry;
use sp_core::H256;
use sp_runtime::traits::BadOrigin;

type ConsortiumError = pallet_consortium::Error<Test>;

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn bob_commitment() -> H256 {
	commitment(b"bob-salt-fedcba9876543210", b"NHS:401 023 2137|1985-11-23")
}

fn new_alice_commitment() -> H256 {
	commitment(b"alice-salt-NEW-0123456789", b"NHS:943 476 5919|1990-04-01")
}

fn suspend(org: AccountId) {
	assert_ok!(Consortium::suspend_organization(RuntimeOrigin::root(), org));
}

/// Register BOB with his own key.
fn register_bob() {
	assert_ok!(PatientIdentity::register_patient(signed(BOB), bob_commitment()));
}

/// Let ALICE deregister.
fn erase_alice() {
	assert_ok!(PatientIdentity::deregister(signed(ALICE)));
}

fn attestations_of(who: AccountId) -> Vec<AccountId> {
	Patients::<Test>::get(who).map(|r| r.attestations.into_inner()).unwrap_or_default()
}

fn rotate_call(new_commitment: H256) -> RuntimeCall {
	RuntimeCall::PatientIdentity(crate::Call::rotate_commitment { new_commitment })
}

fn deregister_call() -> RuntimeCall {
	RuntimeCall::PatientIdentity(crate::Call::deregister {})
}

/// Move to `block` (so the rate-limit window follows it).
fn go_to(block: u64) {
	System::set_block_number(block);
}

mod genesis {
	use super::*;

	#[test]
	fn builds_patients() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(
				Patients::<Test>::get(ALICE),
				Some(PatientRecord {
					commitment: alice_commitment(),
					registered_at: 0,
					onboarded_by: Some(HOSPITAL),
					attestations: BoundedVec::new(),
				})
			);
			assert_eq!(PatientCount::<Test>::get(), 1);
			assert_eq!(System::sufficients(&ALICE), 1);
		});
	}

	#[test]
	#[should_panic(expected = "invalid genesis patient")]
	fn rejects_a_duplicate_patient() {
		ExtBuilder::default().with_patient(ALICE, bob_commitment(), None).build();
	}

	#[test]
	#[should_panic(expected = "invalid genesis patient")]
	fn rejects_a_zero_commitment() {
		ExtBuilder::empty().with_patient(BOB, H256::zero(), None).build();
	}

	#[test]
	fn constants_pass_the_integrity_test() {
		ExtBuilder::empty().build_and_execute(|| {
			<PatientIdentity as Hooks<u64>>::integrity_test();
		});
	}
}

mod commitment_scheme {
	use super::*;

	#[test]
	fn is_blake2_256_of_salt_then_document() {
		let salt = b"0123456789abcdef0123456789abcdef";
		let document = b"NHS:943 476 5919|1990-04-01";
		let mut preimage = salt.to_vec();
		preimage.extend_from_slice(document);
		assert_eq!(
			identity_commitment(salt, document),
			H256(sp_io::hashing::blake2_256(&preimage))
		);
		// A different salt hides the same identity behind a different commitment.
		assert_ne!(
			identity_commitment(b"another salt", document),
			identity_commitment(salt, document)
		);
	}
}

mod register_patient {
	use super::*;

	#[test]
	fn works() {
		ExtBuilder::default().build_and_execute(|| {
			go_to(5);
			assert_eq!(System::sufficients(&BOB), 0);
			register_bob();
			assert_eq!(
				Patients::<Test>::get(BOB),
				Some(PatientRecord {
					commitment: bob_commitment(),
					registered_at: 5,
					onboarded_by: None,
					attestations: BoundedVec::new(),
				})
			);
			assert_eq!(PatientCount::<Test>::get(), 2);
			// A zero-balance patient account is kept alive (so it passes `CheckNonce`).
			assert_eq!(System::sufficients(&BOB), 1);
			assert!(System::account_exists(&BOB));
			assert!(PatientIdentity::is_registered(&BOB));
			System::assert_last_event(
				Event::PatientRegistered { patient: BOB, onboarded_by: None }.into(),
			);
		});
	}

	#[test]
	fn requires_a_signed_origin() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				PatientIdentity::register_patient(RuntimeOrigin::root(), bob_commitment()),
				BadOrigin
			);
			assert_noop!(
				PatientIdentity::register_patient(RuntimeOrigin::none(), bob_commitment()),
				BadOrigin
			);
		});
	}

	#[test]
	fn fails_when_already_registered() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				PatientIdentity::register_patient(signed(ALICE), bob_commitment()),
				Error::<Test>::AlreadyRegistered
			);
		});
	}

	#[test]
	fn fails_for_a_zero_commitment() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				PatientIdentity::register_patient(signed(BOB), H256::zero()),
				Error::<Test>::EmptyCommitment
			);
		});
	}

	#[test]
	fn fails_for_a_tombstoned_account() {
		ExtBuilder::default().build_and_execute(|| {
			erase_alice();
			assert_noop!(
				PatientIdentity::register_patient(signed(ALICE), new_alice_commitment()),
				Error::<Test>::DeregisteredPatient
			);
			// Not even under the same identity as before.
			assert_noop!(
				PatientIdentity::register_patient(signed(ALICE), alice_commitment()),
				Error::<Test>::DeregisteredPatient
			);
		});
	}

	#[test]
	fn is_never_feeless() {
		ExtBuilder::default().build_and_execute(|| {
			let call = RuntimeCall::PatientIdentity(crate::Call::register_patient {
				identity_commitment: bob_commitment(),
			});
			assert!(!call.is_feeless(&signed(BOB)));
			assert!(!call.is_feeless(&signed(ALICE)));
		});
	}
}

mod onboard_patient {
	use super::*;

	#[test]
	fn works_for_provider_staff() {
		ExtBuilder::default().build_and_execute(|| {
			go_to(3);
			assert_ok!(PatientIdentity::onboard_patient(signed(DOCTOR), BOB, bob_commitment()));
			assert_eq!(
				Patients::<Test>::get(BOB),
				Some(PatientRecord {
					commitment: bob_commitment(),
					registered_at: 3,
					onboarded_by: Some(HOSPITAL),
					attestations: BoundedVec::new(),
				})
			);
			assert_eq!(PatientCount::<Test>::get(), 2);
			assert!(System::account_exists(&BOB));
			System::assert_last_event(
				Event::PatientRegistered { patient: BOB, onboarded_by: Some(HOSPITAL) }.into(),
			);
		});
	}

	#[test]
	fn works_for_a_provider_admin() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(PatientIdentity::onboard_patient(signed(CLINIC), BOB, bob_commitment()));
			System::assert_last_event(
				Event::PatientRegistered { patient: BOB, onboarded_by: Some(CLINIC) }.into(),
			);
		});
	}

	#[test]
	fn onboarded_patient_gets_free_calls_without_any_balance() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(PatientIdentity::onboard_patient(signed(DOCTOR), BOB, bob_commitment()));
			assert!(PatientIdentity::has_free_quota(&BOB));
			assert!(deregister_call().is_feeless(&signed(BOB)));
		});
	}

	#[test]
	fn requires_a_signed_origin() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				PatientIdentity::onboard_patient(RuntimeOrigin::root(), BOB, bob_commitment()),
				BadOrigin
			);
		});
	}

	#[test]
	fn fails_for_a_non_member() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				PatientIdentity::onboard_patient(signed(OUTSIDER), BOB, bob_commitment()),
				ConsortiumError::NotAMember
			);
			// A patient is not an organization either.
			assert_noop!(
				PatientIdentity::onboard_patient(signed(ALICE), BOB, bob_commitment()),
				ConsortiumError::NotAMember
			);
		});
	}

	#[test]
	fn fails_without_the_provider_role() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				PatientIdentity::onboard_patient(signed(PHARMACIST), BOB, bob_commitment()),
				ConsortiumError::MissingRole
			);
		});
	}

	#[test]
	fn fails_for_a_suspended_provider() {
		ExtBuilder::default().build_and_execute(|| {
			suspend(HOSPITAL);
			assert_noop!(
				PatientIdentity::onboard_patient(signed(DOCTOR), BOB, bob_commitment()),
				ConsortiumError::SuspendedOrganization
			);
			assert_noop!(
				PatientIdentity::onboard_patient(signed(HOSPITAL), BOB, bob_commitment()),
				ConsortiumError::SuspendedOrganization
			);
		});
	}

	#[test]
	fn fails_when_already_registered() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				PatientIdentity::onboard_patient(signed(DOCTOR), ALICE, bob_commitment()),
				Error::<Test>::AlreadyRegistered
			);
		});
	}

	#[test]
	fn fails_for_a_zero_commitment() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				PatientIdentity::onboard_patient(signed(DOCTOR), BOB, H256::zero()),
				Error::<Test>::EmptyCommitment
			);
		});
	}

	#[test]
	fn fails_for_a_tombstoned_account() {
		ExtBuilder::default().build_and_execute(|| {
			erase_alice();
			assert_noop!(
				PatientIdentity::onboard_patient(signed(DOCTOR), ALICE, new_alice_commitment()),
				Error::<Test>::DeregisteredPatient
			);
		});
	}
}

mod attest_patient {
	use super::*;

	#[test]
	fn works() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(PatientIdentity::attest_patient(signed(DOCTOR), ALICE));
			assert_eq!(attestations_of(ALICE), vec![HOSPITAL]);
			System::assert_last_event(
				Event::PatientAttested { patient: ALICE, organization: HOSPITAL }.into(),
			);
			assert_ok!(PatientIdentity::attest_patient(signed(CLINIC), ALICE));
			assert_eq!(attestations_of(ALICE), vec![HOSPITAL, CLINIC]);
			System::assert_last_event(
				Event::PatientAttested { patient: ALICE, organization: CLINIC }.into(),
			);
			// The commitment is untouched.
			assert!(PatientIdentity::verify_commitment(&ALICE, alice_commitment()));
		});
	}

	#[test]
	fn is_not_feeless() {
		ExtBuilder::default().build_and_execute(|| {
			let call = RuntimeCall::PatientIdentity(crate::Call::attest_patient { patient: ALICE });
			assert!(!call.is_feeless(&signed(DOCTOR)));
			assert!(!call.is_feeless(&signed(ALICE)));
		});
	}

	#[test]
	fn requires_a_signed_origin() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(PatientIdentity::attest_patient(RuntimeOrigin::root(), ALICE), BadOrigin);
		});
	}

	#[test]
	fn fails_for_a_non_member() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				PatientIdentity::attest_patient(signed(OUTSIDER), ALICE),
				ConsortiumError::NotAMember
			);
			// A patient cannot attest themselves.
			assert_noop!(
				PatientIdentity::attest_patient(signed(ALICE), ALICE),
				ConsortiumError::NotAMember
			);
		});
	}

	#[test]
	fn fails_without_the_provider_role() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				PatientIdentity::attest_patient(signed(PHARMACY), ALICE),
				ConsortiumError::MissingRole
			);
		});
	}

	#[test]
	fn fails_for_a_suspended_provider() {
		ExtBuilder::default().build_and_execute(|| {
			suspend(CLINIC);
			assert_noop!(
				PatientIdentity::attest_patient(signed(NURSE), ALICE),
				ConsortiumError::SuspendedOrganization
			);
		});
	}

	#[test]
	fn fails_for_an_unregistered_patient() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				PatientIdentity::attest_patient(signed(DOCTOR), BOB),
				Error::<Test>::NotAPatient
			);
		});
	}

	#[test]
	fn fails_for_a_tombstoned_patient() {
		ExtBuilder::default().build_and_execute(|| {
			erase_alice();
			assert_noop!(
				PatientIdentity::attest_patient(signed(DOCTOR), ALICE),
				Error::<Test>::DeregisteredPatient
			);
		});
	}

	#[test]
	fn fails_when_the_organization_already_attested() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(PatientIdentity::attest_patient(signed(DOCTOR), ALICE));
			// The admin and any other staff act for the same organization.
			assert_noop!(
				PatientIdentity::attest_patient(signed(HOSPITAL), ALICE),
				Error::<Test>::AlreadyAttested
			);
			assert_noop!(
				PatientIdentity::attest_patient(signed(DOCTOR), ALICE),
				Error::<Test>::AlreadyAttested
			);
		});
	}

	#[test]
	fn fails_beyond_max_attestations() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(PatientIdentity::attest_patient(signed(DOCTOR), ALICE));
			assert_ok!(PatientIdentity::attest_patient(signed(NURSE), ALICE));
			assert_eq!(attestations_of(ALICE).len(), MAX_ATTESTATIONS as usize);
			assert_noop!(
				PatientIdentity::attest_patient(signed(LAB), ALICE),
				Error::<Test>::TooManyAttestations
			);
		});
	}
}

mod rotate_commitment {
	use super::*;

	#[test]
	fn works_and_clears_attestations() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(PatientIdentity::attest_patient(signed(DOCTOR), ALICE));
			assert_ok!(PatientIdentity::rotate_commitment(signed(ALICE), new_alice_commitment()));
			assert_eq!(
				Patients::<Test>::get(ALICE),
				Some(PatientRecord {
					commitment: new_alice_commitment(),
					registered_at: 0,
					onboarded_by: Some(HOSPITAL),
					attestations: BoundedVec::new(),
				})
			);
			assert!(PatientIdentity::verify_commitment(&ALICE, new_alice_commitment()));
			assert!(!PatientIdentity::verify_commitment(&ALICE, alice_commitment()));
			System::assert_last_event(Event::CommitmentRotated { patient: ALICE }.into());
			// The cleared attestations can be given again, for the new commitment.
			assert_ok!(PatientIdentity::attest_patient(signed(DOCTOR), ALICE));
		});
	}

	#[test]
	fn a_self_registered_patient_has_no_free_calls_until_attested() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(PatientIdentity::register_patient(signed(BOB), bob_commitment()));
			assert_eq!(PatientIdentity::free_calls_left(&BOB), 0);
			assert_ok!(PatientIdentity::attest_patient(signed(DOCTOR), BOB));
			assert_eq!(PatientIdentity::free_calls_left(&BOB), FREE_CALLS);
		});
	}

	#[test]
	fn uses_one_free_call() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(PatientIdentity::free_calls_left(&ALICE), FREE_CALLS);
			assert_ok!(PatientIdentity::rotate_commitment(signed(ALICE), new_alice_commitment()));
			assert_eq!(PatientIdentity::free_calls_left(&ALICE), FREE_CALLS - 1);
			assert_eq!(FreeCalls::<Test>::get(ALICE), Some(FreeCallUsage { window: 0, used: 1 }));
		});
	}

	#[test]
	fn requires_a_signed_origin() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				PatientIdentity::rotate_commitment(RuntimeOrigin::root(), new_alice_commitment()),
				BadOrigin
			);
		});
	}

	#[test]
	fn fails_for_an_unregistered_account() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				PatientIdentity::rotate_commitment(signed(BOB), bob_commitment()),
				Error::<Test>::NotAPatient
			);
		});
	}

	#[test]
	fn fails_for_a_tombstoned_account() {
		ExtBuilder::default().build_and_execute(|| {
			erase_alice();
			assert_noop!(
				PatientIdentity::rotate_commitment(signed(ALICE), new_alice_commitment()),
				Error::<Test>::DeregisteredPatient
			);
		});
	}

	#[test]
	fn fails_for_a_zero_commitment() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				PatientIdentity::rotate_commitment(signed(ALICE), H256::zero()),
				Error::<Test>::EmptyCommitment
			);
		});
	}

	#[test]
	fn fails_for_the_same_commitment() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				PatientIdentity::rotate_commitment(signed(ALICE), alice_commitment()),
				Error::<Test>::SameCommitment
			);
		});
	}
}

mod deregister {
	use super::*;

	#[test]
	fn erases_the_patient_and_leaves_a_tombstone() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(PatientIdentity::attest_patient(signed(DOCTOR), ALICE));
			assert_ok!(PatientIdentity::rotate_commitment(signed(ALICE), new_alice_commitment()));
			assert!(FreeCalls::<Test>::contains_key(ALICE));
			go_to(42);
			erase_alice();
			assert!(!Patients::<Test>::contains_key(ALICE));
			assert!(!FreeCalls::<Test>::contains_key(ALICE));
			assert_eq!(Tombstones::<Test>::get(ALICE), Some(42));
			assert_eq!(PatientCount::<Test>::get(), 0);
			// The sufficient reference taken at registration stays: the account is never
			// reaped, so its nonce is kept and its key can still sign erasure calls.
			assert_eq!(System::sufficients(&ALICE), 1);
			assert!(!PatientIdentity::is_registered(&ALICE));
			assert!(PatientIdentity::is_deregistered(&ALICE));
			assert!(!PatientIdentity::verify_commitment(&ALICE, new_alice_commitment()));
			System::assert_last_event(Event::PatientDeregistered { patient: ALICE }.into());
		});
	}

	#[test]
	fn requires_a_signed_origin() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(PatientIdentity::deregister(RuntimeOrigin::root()), BadOrigin);
		});
	}

	#[test]
	fn fails_for_an_unregistered_account() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(PatientIdentity::deregister(signed(BOB)), Error::<Test>::NotAPatient);
		});
	}

	#[test]
	fn fails_twice() {
		ExtBuilder::default().build_and_execute(|| {
			erase_alice();
			assert_noop!(
				PatientIdentity::deregister(signed(ALICE)),
				Error::<Test>::DeregisteredPatient
			);
		});
	}

	#[test]
	fn leaves_other_patients_alone() {
		ExtBuilder::default().build_and_execute(|| {
			register_bob();
			erase_alice();
			assert!(PatientIdentity::is_registered(&BOB));
			assert!(!PatientIdentity::is_deregistered(&BOB));
			assert_eq!(PatientCount::<Test>::get(), 1);
		});
	}
}

mod rate_limit {
	use super::*;

	#[test]
	fn only_attested_patients_get_free_calls() {
		ExtBuilder::default().build_and_execute(|| {
			// Self-registered: a patient, but nobody vouched for them.
			register_bob();
			assert!(PatientIdentity::is_registered(&BOB));
			assert!(!PatientIdentity::has_free_quota(&BOB));
			assert!(!deregister_call().is_feeless(&signed(BOB)));
			assert!(!rotate_call(new_alice_commitment()).is_feeless(&signed(BOB)));
			// A Provider's attestation makes them an attested patient ...
			assert_ok!(PatientIdentity::attest_patient(signed(NURSE), BOB));
			assert!(PatientIdentity::has_free_quota(&BOB));
			assert!(deregister_call().is_feeless(&signed(BOB)));
			// ... for the commitment it vouched for: rotating clears the attestation.
			assert_ok!(PatientIdentity::rotate_commitment(signed(BOB), new_alice_commitment()));
			assert!(!PatientIdentity::has_free_quota(&BOB));
			// An onboarded patient stays attested across rotations.
			assert_ok!(PatientIdentity::rotate_commitment(signed(ALICE), new_alice_commitment()));
			assert!(PatientIdentity::has_free_quota(&ALICE));
		});
	}

	#[test]
	fn a_deregistered_account_is_never_reaped() {
		ExtBuilder::default().build_and_execute(|| {
			// The mock has no balances: only the sufficient reference keeps ALICE's account.
			frame_system::Pallet::<Test>::inc_account_nonce(ALICE);
			erase_alice();
			assert!(frame_system::Account::<Test>::contains_key(ALICE));
			assert_eq!(System::account_nonce(ALICE), 1);
		});
	}

	#[test]
	fn unregistered_accounts_have_no_free_calls() {
		ExtBuilder::default().build_and_execute(|| {
			assert!(!PatientIdentity::has_free_quota(&BOB));
			assert_eq!(PatientIdentity::free_calls_left(&BOB), 0);
			// Organizations are not patients either.
			assert!(!PatientIdentity::has_free_quota(&DOCTOR));
		});
	}

	#[test]
	fn noting_a_call_of_a_non_patient_does_nothing() {
		ExtBuilder::default().build_and_execute(|| {
			PatientIdentity::note_free_call(&BOB);
			assert!(!FreeCalls::<Test>::contains_key(BOB));
		});
	}

	#[test]
	fn quota_runs_out_within_a_window() {
		ExtBuilder::default().build_and_execute(|| {
			go_to(WINDOW); // the first block of window 1
			for left in (1..=FREE_CALLS).rev() {
				assert!(PatientIdentity::has_free_quota(&ALICE));
				assert_eq!(PatientIdentity::free_calls_left(&ALICE), left);
				PatientIdentity::note_free_call(&ALICE);
			}
			assert!(!PatientIdentity::has_free_quota(&ALICE));
			assert_eq!(PatientIdentity::free_calls_left(&ALICE), 0);
			// Still the same window on its last block.
			go_to(2 * WINDOW - 1);
			assert!(!PatientIdentity::has_free_quota(&ALICE));
			assert_eq!(
				FreeCalls::<Test>::get(ALICE),
				Some(FreeCallUsage { window: 1, used: FREE_CALLS })
			);
		});
	}

	#[test]
	fn a_new_window_resets_the_quota() {
		ExtBuilder::default().build_and_execute(|| {
			for _ in 0..FREE_CALLS {
				PatientIdentity::note_free_call(&ALICE);
			}
			assert!(!PatientIdentity::has_free_quota(&ALICE));
			go_to(WINDOW);
			assert!(PatientIdentity::has_free_quota(&ALICE));
			assert_eq!(PatientIdentity::free_calls_left(&ALICE), FREE_CALLS);
			PatientIdentity::note_free_call(&ALICE);
			assert_eq!(FreeCalls::<Test>::get(ALICE), Some(FreeCallUsage { window: 1, used: 1 }));
			assert_eq!(PatientIdentity::free_calls_left(&ALICE), FREE_CALLS - 1);
		});
	}

	#[test]
	fn calls_over_the_limit_are_still_allowed_but_charged() {
		ExtBuilder::default().build_and_execute(|| {
			let commitments: Vec<H256> =
				(1..=FREE_CALLS + 1).map(|i| H256::repeat_byte(i as u8)).collect();
			for c in &commitments[..FREE_CALLS as usize] {
				assert!(rotate_call(*c).is_feeless(&signed(ALICE)));
				assert_ok!(PatientIdentity::rotate_commitment(signed(ALICE), *c));
			}
			let last = commitments[FREE_CALLS as usize];
			// Over the limit: the call is no longer fee-less, but it is not refused.
			assert!(!rotate_call(last).is_feeless(&signed(ALICE)));
			assert_ok!(PatientIdentity::rotate_commitment(signed(ALICE), last));
			assert_eq!(PatientIdentity::free_calls_left(&ALICE), 0);
		});
	}

	#[test]
	fn deregistered_patients_have_no_free_calls() {
		ExtBuilder::default().build_and_execute(|| {
			erase_alice();
			assert!(!PatientIdentity::has_free_quota(&ALICE));
			assert_eq!(PatientIdentity::free_calls_left(&ALICE), 0);
			PatientIdentity::note_free_call(&ALICE);
			assert!(!FreeCalls::<Test>::contains_key(ALICE));
		});
	}
}

mod feeless {
	use super::*;

	#[test]
	fn rotate_commitment_is_feeless_for_a_patient_with_quota() {
		ExtBuilder::default().build_and_execute(|| {
			assert!(rotate_call(new_alice_commitment()).is_feeless(&signed(ALICE)));
		});
	}

	#[test]
	fn rotate_commitment_is_charged_for_an_unregistered_account() {
		ExtBuilder::default().build_and_execute(|| {
			assert!(!rotate_call(bob_commitment()).is_feeless(&signed(BOB)));
		});
	}

	#[test]
	fn rotate_commitment_is_charged_once_the_quota_is_used_up() {
		ExtBuilder::default().build_and_execute(|| {
			for _ in 0..FREE_CALLS {
				PatientIdentity::note_free_call(&ALICE);
			}
			assert!(!rotate_call(new_alice_commitment()).is_feeless(&signed(ALICE)));
			go_to(WINDOW);
			assert!(rotate_call(new_alice_commitment()).is_feeless(&signed(ALICE)));
		});
	}

	#[test]
	fn rotate_commitment_that_would_fail_is_charged() {
		// A failing call rolls back the quota it used, so it must not be free.
		ExtBuilder::default().build_and_execute(|| {
			assert!(!rotate_call(alice_commitment()).is_feeless(&signed(ALICE)));
			assert!(!rotate_call(H256::zero()).is_feeless(&signed(ALICE)));
		});
	}

	#[test]
	fn only_signed_origins_can_be_feeless() {
		ExtBuilder::default().build_and_execute(|| {
			assert!(!rotate_call(new_alice_commitment()).is_feeless(&RuntimeOrigin::root()));
			assert!(!deregister_call().is_feeless(&RuntimeOrigin::none()));
		});
	}

	#[test]
	fn deregister_is_feeless_for_a_patient_with_quota() {
		ExtBuilder::default().build_and_execute(|| {
			assert!(deregister_call().is_feeless(&signed(ALICE)));
			assert!(!deregister_call().is_feeless(&signed(BOB)));
			for _ in 0..FREE_CALLS {
				PatientIdentity::note_free_call(&ALICE);
			}
			assert!(!deregister_call().is_feeless(&signed(ALICE)));
		});
	}

	#[test]
	fn nothing_is_feeless_after_deregistering() {
		ExtBuilder::default().build_and_execute(|| {
			erase_alice();
			assert!(!deregister_call().is_feeless(&signed(ALICE)));
			assert!(!rotate_call(new_alice_commitment()).is_feeless(&signed(ALICE)));
		});
	}
}

mod queries {
	use super::*;

	#[test]
	fn patient_shows_registered_deregistered_or_nothing() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(PatientIdentity::onboard_patient(signed(NURSE), BOB, bob_commitment()));
			assert_ok!(PatientIdentity::attest_patient(signed(DOCTOR), BOB));
			assert_eq!(
				PatientIdentity::patient(&BOB),
				Some(PatientInfo::Registered {
					commitment: bob_commitment(),
					registered_at: 1,
					onboarded_by: Some(CLINIC),
					attestations: vec![HOSPITAL],
				})
			);
			go_to(7);
			erase_alice();
			assert_eq!(
				PatientIdentity::patient(&ALICE),
				Some(PatientInfo::Deregistered { deregistered_at: 7 })
			);
			assert_eq!(PatientIdentity::patient(&OUTSIDER), None);
		});
	}

	#[test]
	fn verify_commitment_checks_a_presented_identity() {
		ExtBuilder::default().build_and_execute(|| {
			// The patient presents salt and document; the provider recomputes the hash.
			let presented =
				identity_commitment(b"alice-salt-0123456789abcdef", b"NHS:943 476 5919|1990-04-01");
			assert!(PatientIdentity::verify_commitment(&ALICE, presented));
			let forged =
				identity_commitment(b"alice-salt-0123456789abcdef", b"NHS:000 000 0000|1990-04-01");
			assert!(!PatientIdentity::verify_commitment(&ALICE, forged));
			assert!(!PatientIdentity::verify_commitment(&BOB, presented));
		});
	}

	#[test]
	fn registry_trait_reports_status() {
		ExtBuilder::default().build_and_execute(|| {
			assert!(PatientIdentity::is_registered(&ALICE));
			assert!(!PatientIdentity::is_deregistered(&ALICE));
			assert!(!PatientIdentity::is_registered(&BOB));
			assert!(!PatientIdentity::is_deregistered(&BOB));
		});
	}
}

mod invariants {
	use super::*;

	#[test]
	fn try_state_detects_a_tombstoned_patient() {
		ExtBuilder::default().build().execute_with(|| {
			Tombstones::<Test>::insert(ALICE, 1);
			assert!(PatientIdentity::do_try_state().is_err());
		});
	}

	#[test]
	fn try_state_detects_a_duplicate_attestation() {
		ExtBuilder::default().build().execute_with(|| {
			Patients::<Test>::mutate(ALICE, |r| {
				if let Some(r) = r {
					r.attestations = vec![HOSPITAL, HOSPITAL].try_into().unwrap();
				}
			});
			assert!(PatientIdentity::do_try_state().is_err());
		});
	}

	#[test]
	fn try_state_detects_a_wrong_count() {
		ExtBuilder::default().build().execute_with(|| {
			PatientCount::<Test>::put(5);
			assert!(PatientIdentity::do_try_state().is_err());
		});
	}

	#[test]
	fn try_state_detects_an_orphaned_free_call_counter() {
		ExtBuilder::default().build().execute_with(|| {
			FreeCalls::<Test>::insert(BOB, FreeCallUsage { window: 0, used: 1 });
			assert!(PatientIdentity::do_try_state().is_err());
		});
	}

	#[test]
	fn try_state_detects_a_missing_account_reference() {
		ExtBuilder::default().build().execute_with(|| {
			System::dec_sufficients(&ALICE);
			assert!(PatientIdentity::do_try_state().is_err());
		});
	}
}
