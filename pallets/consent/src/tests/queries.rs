//! Tests of the runtime-API queries: `consents_of`, `access_log` and `was_permitted`.

use super::*;

#[test]
fn consents_of_and_access_log() {
	ExtBuilder::default().build_and_execute(|| {
		assert!(Consent::consents_of(&ALICE).is_empty());
		assert!(Consent::access_log(&ALICE).is_empty());
		let a = alice_to_hospital();
		let b = grant(ALICE, INSTITUTE, read(&[Genomics]), Treatment, Some(START + 9));
		assert_ok!(Consent::revoke_consent(signed(ALICE), a));
		assert_eq!(Consent::consents_of(&ALICE), vec![(a, consent(a)), (b, consent(b))]);
		let r = anchored(5, ALICE, Genomics);
		assert_ok!(Consent::log_access(signed(RESEARCHER), ALICE, b, r, Genomics));
		assert_eq!(
			Consent::access_log(&ALICE),
			AccessLogs::<Test>::get(ALICE, INSTITUTE).into_inner()
		);
		assert_eq!(Consent::access_log(&ALICE).len(), 1);
		// Emergency consents are listed too, in id order.
		assert_ok!(Consent::break_glass(signed(DOCTOR), ALICE, 1));
		let c = grant(ALICE, CLINIC, read(&[Imaging]), Treatment, None);
		assert_eq!(
			Consent::consents_of(&ALICE),
			vec![(a, consent(a)), (b, consent(b)), (2, consent(2)), (c, consent(c))]
		);
	});
}

#[test]
fn was_permitted_follows_grant_revocation_and_expiry() {
	ExtBuilder::default().build_and_execute(|| {
		let t0 = START;
		let id = alice_to_hospital();
		advance_time(1_000);
		let t1 = START + 1_000;
		assert_ok!(Consent::revoke_consent(signed(ALICE), id));
		let p = |at| Consent::was_permitted(&ALICE, &HOSPITAL, LabResults, Treatment, at);
		assert!(!p(t0 - 1));
		assert!(p(t0));
		assert!(p(t1 - 1));
		assert!(!p(t1));
		assert!(!p(t1 + 1_000_000));
		// Only what the consent covered.
		assert!(!Consent::was_permitted(&ALICE, &HOSPITAL, Diagnoses, Treatment, t0));
		assert!(!Consent::was_permitted(&ALICE, &HOSPITAL, LabResults, Research, t0));
		assert!(!Consent::was_permitted(&ALICE, &CLINIC, LabResults, Treatment, t0));
		assert!(!Consent::was_permitted(&BOB, &HOSPITAL, LabResults, Treatment, t0));

		let e = grant(BOB, CLINIC, read(&[Imaging]), Treatment, Some(t1 + 50));
		let q = |at| Consent::was_permitted(&BOB, &CLINIC, Imaging, Treatment, at);
		assert!(q(t1) && q(t1 + 49) && !q(t1 + 50));
		assert!(consent(e).expires_at.is_some());
		// A write-only consent never permitted a read.
		grant(BOB, HOSPITAL, scope(&[Imaging], Access::WRITE), Treatment, None);
		assert!(!Consent::was_permitted(&BOB, &HOSPITAL, Imaging, Treatment, t1));
	});
}

#[test]
fn was_permitted_cannot_see_suspension_or_pruned_consents() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		suspend(HOSPITAL);
		// Documented limit: the consortium keeps no suspension history.
		assert!(Consent::was_permitted(&ALICE, &HOSPITAL, LabResults, Treatment, START));
		assert!(!has_access(ALICE, HOSPITAL, LabResults, Treatment, false));
		reinstate(HOSPITAL);
		// Documented limit: a consent pruned (at the earliest `AUDIT_RETENTION` after it
		// ended) leaves no trace in storage (its events stay).
		advance_time(10);
		assert_ok!(Consent::revoke_consent(signed(ALICE), id));
		advance_time(AUDIT_RETENTION);
		for _ in 0..MAX_CONSENTS {
			grant(ALICE, CLINIC, read(&[Imaging]), Treatment, None);
		}
		assert!(Consents::<Test>::get(id).is_none());
		assert!(!Consent::was_permitted(&ALICE, &HOSPITAL, LabResults, Treatment, START));
	});
}
