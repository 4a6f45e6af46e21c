//! Tests of `revoke_consent`: immediate effect, history kept, break-glass consents, and its
//! errors.

use super::*;

#[test]
fn works_at_once_and_keeps_history() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		advance_time(500);
		assert!(has_access(ALICE, HOSPITAL, LabResults, Treatment, false));
		assert_ok!(Consent::revoke_consent(signed(ALICE), id));
		// Same block: no access any more.
		assert!(!has_access(ALICE, HOSPITAL, LabResults, Treatment, false));
		assert_eq!(consent(id).revoked_at, Some(START + 500));
		assert_eq!(ConsentsOf::<Test>::get(ALICE).into_inner(), vec![id]);
		System::assert_last_event(
			Event::ConsentRevoked { patient: ALICE, grantee: HOSPITAL, consent_id: id }.into(),
		);
		assert_eq!(MockPatients::free_calls(ALICE), FREE_CALLS - 2);
	});
}

#[test]
fn works_for_an_expired_consent() {
	ExtBuilder::default().build_and_execute(|| {
		let id = grant(ALICE, HOSPITAL, read(&[LabResults]), Treatment, Some(START + 1));
		advance_time(5);
		assert_ok!(Consent::revoke_consent(signed(ALICE), id));
		assert_eq!(consent(id).revoked_at, Some(START + 5));
	});
}

#[test]
fn works_for_a_deregistered_patient() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		MockPatients::deregister(ALICE);
		assert_ok!(Consent::revoke_consent(signed(ALICE), id));
		assert!(consent(id).revoked_at.is_some());
	});
}

#[test]
fn works_for_a_break_glass_consent() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Consent::break_glass(signed(DOCTOR), ALICE, 7));
		assert_ok!(Consent::revoke_consent(signed(ALICE), 0));
		assert!(!has_access(ALICE, HOSPITAL, LabResults, Treatment, false));
	});
}

#[test]
fn requires_signed_origin() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		assert_noop!(Consent::revoke_consent(RuntimeOrigin::none(), id), BadOrigin);
	});
}

#[test]
fn fails_for_unknown_consent() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(Consent::revoke_consent(signed(ALICE), 42), Error::<Test>::UnknownConsent);
	});
}

#[test]
fn fails_for_someone_else() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		for who in [BOB, HOSPITAL, DOCTOR] {
			assert_noop!(Consent::revoke_consent(signed(who), id), Error::<Test>::NotConsentOwner);
		}
	});
}

#[test]
fn fails_twice() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		assert_ok!(Consent::revoke_consent(signed(ALICE), id));
		assert_noop!(Consent::revoke_consent(signed(ALICE), id), Error::<Test>::AlreadyRevoked);
	});
}
