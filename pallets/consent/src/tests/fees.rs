//! Tests of the fee-less wiring (`feeless_if`): only a registered patient with free quota
//! whose call would succeed calls for free.

use super::*;

fn grant_call(grantee: AccountId) -> RuntimeCall {
	RuntimeCall::Consent(crate::Call::grant_consent {
		grantee,
		scope: read(&[LabResults]),
		purpose: Treatment,
		expires_at: None,
	})
}

fn revoke_call(consent_id: ConsentId) -> RuntimeCall {
	RuntimeCall::Consent(crate::Call::revoke_consent { consent_id })
}

#[test]
fn grant_is_feeless_for_a_patient_with_quota() {
	ExtBuilder::default().build_and_execute(|| {
		assert!(grant_call(HOSPITAL).is_feeless(&signed(ALICE)));
		// No quota left: the patient pays.
		assert!(!grant_call(HOSPITAL).is_feeless(&signed(POOR)));
		// Not a patient, or deregistered, or not signed.
		assert!(!grant_call(HOSPITAL).is_feeless(&signed(NOBODY)));
		assert!(!grant_call(HOSPITAL).is_feeless(&signed(ERASED)));
		assert!(!grant_call(HOSPITAL).is_feeless(&RuntimeOrigin::none()));
		assert!(!grant_call(HOSPITAL).is_feeless(&RuntimeOrigin::root()));
	});
}

#[test]
fn a_call_that_would_fail_is_never_feeless() {
	ExtBuilder::default().build_and_execute(|| {
		assert!(!grant_call(OUTSIDER).is_feeless(&signed(ALICE)));
		for _ in 0..MAX_CONSENTS {
			alice_to_hospital();
		}
		assert!(!grant_call(HOSPITAL).is_feeless(&signed(ALICE)));
		assert!(!revoke_call(0).is_feeless(&signed(BOB)));
		assert!(!revoke_call(99).is_feeless(&signed(ALICE)));
		assert_ok!(Consent::revoke_consent(signed(ALICE), 0));
		assert!(!revoke_call(0).is_feeless(&signed(ALICE)));
	});
}

#[test]
fn revoke_is_feeless_for_the_owner_with_quota() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		assert!(revoke_call(id).is_feeless(&signed(ALICE)));
		let poor = grant(POOR, HOSPITAL, read(&[LabResults]), Treatment, None);
		assert!(!revoke_call(poor).is_feeless(&signed(POOR)));
	});
}

#[test]
fn each_feeless_call_uses_quota_until_none_is_left() {
	const CAROL: AccountId = 6;
	ExtBuilder::default().with_patient(CAROL, 2).build_and_execute(|| {
		assert!(grant_call(HOSPITAL).is_feeless(&signed(CAROL)));
		let id = grant(CAROL, HOSPITAL, read(&[LabResults]), Treatment, None);
		assert_eq!(MockPatients::free_calls(CAROL), 1);
		assert!(revoke_call(id).is_feeless(&signed(CAROL)));
		assert_ok!(Consent::revoke_consent(signed(CAROL), id));
		assert_eq!(MockPatients::free_calls(CAROL), 0);
		// Rate limit reached: the next call pays, and counts nothing.
		assert!(!grant_call(HOSPITAL).is_feeless(&signed(CAROL)));
		grant(CAROL, HOSPITAL, read(&[LabResults]), Treatment, None);
		assert_eq!(MockPatients::free_calls(CAROL), 0);
	});
}

#[test]
fn provider_calls_are_never_feeless() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		let break_glass =
			RuntimeCall::Consent(crate::Call::break_glass { patient: ALICE, reason_code: 1 });
		assert!(!break_glass.is_feeless(&signed(DOCTOR)));
		let log = RuntimeCall::Consent(crate::Call::log_access {
			patient: ALICE,
			consent_id: id,
			record_id: record(1),
			category: LabResults,
		});
		assert!(!log.is_feeless(&signed(DOCTOR)));
	});
}
