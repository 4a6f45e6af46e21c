//! Tests of the access check's index `GrantsTo`: kept in step with `Consents` and
//! `ConsentsOf` by grants, revocations and pruning, checked by `do_try_state`, and read
//! alone whatever the patient's consents to others.

use super::*;

fn grants(patient: AccountId, grantee: AccountId) -> Vec<Grant> {
	GrantsTo::<Test>::get(patient, grantee).into_inner()
}

#[test]
fn grant_revoke_and_prune_keep_the_pair_index_in_step() {
	ExtBuilder::default().build_and_execute(|| {
		let hospital = alice_to_hospital();
		let clinic = grant(ALICE, CLINIC, read(&[Imaging]), Research, Some(START + 100));
		assert_eq!(grants(ALICE, HOSPITAL), vec![consent(hospital).grant(hospital)]);
		assert_eq!(grants(ALICE, CLINIC), vec![consent(clinic).grant(clinic)]);
		assert!(grants(BOB, HOSPITAL).is_empty());

		// A revocation is seen by the index, from the same moment.
		advance_time(10);
		assert_ok!(Consent::revoke_consent(signed(ALICE), hospital));
		assert_eq!(grants(ALICE, HOSPITAL)[0].revoked_at, Some(START + 10));
		assert_eq!(
			ensure_access(ALICE, HOSPITAL, LabResults, Treatment, false),
			Err(Error::<Test>::RevokedConsent.into())
		);

		// Fill Alice's list with consents to the clinic; once the revoked one ended
		// AUDIT_RETENTION ago, a new grant prunes it, and the hospital's pair is gone.
		for _ in 2..MAX_CONSENTS {
			grant(ALICE, CLINIC, read(&[LabResults]), Treatment, None);
		}
		advance_time(AUDIT_RETENTION);
		let newest = grant(ALICE, CLINIC, read(&[Imaging]), Treatment, None);
		assert!(Consents::<Test>::get(hospital).is_none());
		assert!(!GrantsTo::<Test>::contains_key(ALICE, HOSPITAL));
		assert_eq!(grants(ALICE, CLINIC).len() as u32, MAX_CONSENTS);
		assert_eq!(grants(ALICE, CLINIC).last().map(|g| g.id), Some(newest));
		assert_eq!(
			ensure_access(ALICE, HOSPITAL, LabResults, Treatment, false),
			Err(Error::<Test>::NoConsent.into())
		);
	});
}

#[test]
fn a_grant_is_charged_the_scan_only_when_it_prunes() {
	use crate::WeightInfo;
	ExtBuilder::default().build_and_execute(|| {
		let with_room = <Test as crate::Config>::WeightInfo::grant_consent_with_room();
		let first =
			Consent::grant_consent(signed(ALICE), HOSPITAL, read(&[Imaging]), Treatment, None)
				.expect("granted");
		assert_eq!(first.actual_weight, Some(with_room));
		for _ in 1..MAX_CONSENTS {
			grant(ALICE, CLINIC, read(&[LabResults]), Treatment, None);
		}
		assert_ok!(Consent::revoke_consent(signed(ALICE), 0));
		advance_time(AUDIT_RETENTION);
		// The list is full: this grant scans it and prunes consent 0, at full charge.
		let pruning =
			Consent::grant_consent(signed(ALICE), CLINIC, read(&[Imaging]), Treatment, None)
				.expect("granted");
		assert_eq!(pruning.actual_weight, None);
		assert!(Consents::<Test>::get(0).is_none());
	});
}

#[test]
fn consents_to_others_do_not_change_the_answer() {
	ExtBuilder::default().build_and_execute(|| {
		for _ in 1..MAX_CONSENTS {
			grant(ALICE, CLINIC, scope(&[LabResults], Access::WRITE), Treatment, None);
		}
		let id = grant(ALICE, HOSPITAL, read(&[Imaging]), Treatment, None);
		assert_eq!(grants(ALICE, HOSPITAL).len(), 1);
		assert_eq!(ensure_access(ALICE, HOSPITAL, Imaging, Treatment, false), Ok(id));
		assert_eq!(
			ensure_access(ALICE, HOSPITAL, Imaging, Treatment, true),
			Err(Error::<Test>::WriteNotGranted.into())
		);
		assert_eq!(
			ensure_access(ALICE, HOSPITAL, LabResults, Treatment, false),
			Err(Error::<Test>::CategoryNotCovered.into())
		);
		assert_eq!(
			ensure_access(ALICE, HOSPITAL, Imaging, Research, false),
			Err(Error::<Test>::NoConsent.into())
		);
	});
}

#[test]
fn try_state_detects_an_index_out_of_step() {
	ExtBuilder::default().build().execute_with(|| {
		let id = alice_to_hospital();
		assert!(Consent::do_try_state().is_ok());
		// A revocation the index missed.
		GrantsTo::<Test>::mutate(ALICE, HOSPITAL, |g| g[0].revoked_at = Some(START));
		assert!(Consent::do_try_state().is_err());
		// The consent listed under another pair.
		let grant = consent(id).grant(id);
		GrantsTo::<Test>::remove(ALICE, HOSPITAL);
		GrantsTo::<Test>::insert(ALICE, CLINIC, BoundedVec::truncate_from(vec![grant]));
		assert!(Consent::do_try_state().is_err());
		// Missing from the index.
		GrantsTo::<Test>::remove(ALICE, CLINIC);
		assert!(Consent::do_try_state().is_err());
		GrantsTo::<Test>::insert(ALICE, HOSPITAL, BoundedVec::truncate_from(vec![grant]));
		assert!(Consent::do_try_state().is_ok());
	});
}
