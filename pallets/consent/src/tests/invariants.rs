//! Tests of `do_try_state`: each broken storage invariant is detected.

use super::*;

#[test]
fn try_state_detects_a_dangling_id() {
	ExtBuilder::default().build().execute_with(|| {
		alice_to_hospital();
		Consents::<Test>::remove(0);
		assert!(Consent::do_try_state().is_err());
	});
}

#[test]
fn try_state_detects_an_orphan_consent() {
	ExtBuilder::default().build().execute_with(|| {
		alice_to_hospital();
		ConsentsOf::<Test>::remove(ALICE);
		assert!(Consent::do_try_state().is_err());
	});
}

#[test]
fn try_state_detects_a_stale_counter() {
	ExtBuilder::default().build().execute_with(|| {
		alice_to_hospital();
		NextConsentId::<Test>::put(0);
		assert!(Consent::do_try_state().is_err());
	});
}

#[test]
fn try_state_detects_a_consent_listed_for_another_patient() {
	ExtBuilder::default().build().execute_with(|| {
		alice_to_hospital();
		let ids: BoundedVec<ConsentId, _> = vec![0].try_into().unwrap();
		ConsentsOf::<Test>::insert(BOB, ids);
		assert!(Consent::do_try_state().is_err());
	});
}

#[test]
fn try_state_detects_an_emergency_consent_in_the_patients_list() {
	ExtBuilder::default().build().execute_with(|| {
		assert_ok!(Consent::break_glass(signed(DOCTOR), ALICE, 1));
		assert!(Consent::do_try_state().is_ok());
		let ids: BoundedVec<ConsentId, _> = vec![0].try_into().unwrap();
		ConsentsOf::<Test>::insert(ALICE, ids);
		EmergencyConsents::<Test>::remove(ALICE, HOSPITAL);
		assert!(Consent::do_try_state().is_err());
	});
}

#[test]
fn try_state_detects_two_live_emergency_consents_of_one_organization() {
	ExtBuilder::default().build().execute_with(|| {
		assert_ok!(Consent::break_glass(signed(DOCTOR), ALICE, 1));
		let mut second = Consents::<Test>::get(0).unwrap();
		second.granted_at += 1;
		Consents::<Test>::insert(1, second);
		NextConsentId::<Test>::put(2);
		let ids: BoundedVec<ConsentId, _> = vec![0, 1].try_into().unwrap();
		EmergencyConsents::<Test>::insert(ALICE, HOSPITAL, ids);
		assert!(Consent::do_try_state().is_err());
		// Once the older one is revoked, the history is sound.
		Consents::<Test>::mutate(0, |c| c.as_mut().unwrap().revoked_at = Some(START));
		assert!(Consent::do_try_state().is_ok());
	});
}

#[test]
fn try_state_detects_an_entry_in_another_organizations_log() {
	ExtBuilder::default().build().execute_with(|| {
		let id = alice_to_hospital();
		let r = anchored(1, ALICE, LabResults);
		assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults));
		assert!(Consent::do_try_state().is_ok());
		let log = AccessLogs::<Test>::take(ALICE, HOSPITAL);
		AccessLogs::<Test>::insert(ALICE, CLINIC, log);
		assert!(Consent::do_try_state().is_err());
	});
}

#[test]
fn try_state_detects_a_window_count_above_the_limit() {
	ExtBuilder::default().build().execute_with(|| {
		BreakGlassWindowUses::<Test>::insert(
			HOSPITAL,
			WindowUsage { window: 0, used: MAX_EMERGENCY_PER_WINDOW + 1 },
		);
		assert!(Consent::do_try_state().is_err());
	});
}
