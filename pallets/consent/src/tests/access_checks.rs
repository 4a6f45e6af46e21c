//! Tests of the access check other pallets use (`ConsentChecker`): purposes, categories,
//! read and write, the most specific refusal, suspended grantees and deregistered patients.

use super::*;

fn ensure_purpose(
	patient: AccountId,
	grantee: AccountId,
	purpose: Purpose,
) -> Result<ConsentId, sp_runtime::DispatchError> {
	<Consent as ConsentChecker<AccountId>>::ensure_purpose(&patient, &grantee, purpose)
}

#[test]
fn purpose_checks_accept_any_category_but_not_another_purpose_or_grantee() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(ensure_purpose(ALICE, CLINIC, Research), Err(Error::<Test>::NoConsent.into()));
		let treatment = grant(ALICE, CLINIC, read(&[Genomics]), Treatment, None);
		assert_eq!(ensure_purpose(ALICE, CLINIC, Research), Err(Error::<Test>::NoConsent.into()));
		let research = grant(ALICE, CLINIC, read(&[Genomics]), Research, None);
		assert_eq!(ensure_purpose(ALICE, CLINIC, Research), Ok(research));
		assert_eq!(ensure_purpose(ALICE, CLINIC, Treatment), Ok(treatment));
		assert_eq!(ensure_purpose(ALICE, HOSPITAL, Research), Err(Error::<Test>::NoConsent.into()));
		assert_eq!(ensure_purpose(BOB, CLINIC, Research), Err(Error::<Test>::NoConsent.into()));
		assert_ok!(Consent::revoke_consent(signed(ALICE), research));
		assert_eq!(
			ensure_purpose(ALICE, CLINIC, Research),
			Err(Error::<Test>::RevokedConsent.into())
		);
		// A write-only consent does not let the grantee read; Bob has only that one.
		grant(BOB, CLINIC, scope(&[Imaging], Access::WRITE), Research, None);
		assert_eq!(
			ensure_purpose(BOB, CLINIC, Research),
			Err(Error::<Test>::ReadNotGranted.into())
		);
		suspend(CLINIC);
		assert!(ensure_purpose(ALICE, CLINIC, Treatment).is_err());
	});
}

#[test]
fn grants_exactly_what_the_consent_covers() {
	ExtBuilder::default().build_and_execute(|| {
		let id = grant(ALICE, HOSPITAL, read(&[LabResults, Imaging]), Treatment, None);
		assert_eq!(ensure_access(ALICE, HOSPITAL, LabResults, Treatment, false), Ok(id));
		assert!(has_access(ALICE, HOSPITAL, Imaging, Treatment, false));
		assert!(!has_access(ALICE, HOSPITAL, Diagnoses, Treatment, false));
		assert!(!has_access(ALICE, HOSPITAL, LabResults, Research, false));
		assert!(!has_access(ALICE, HOSPITAL, LabResults, Treatment, true));
		assert!(!has_access(ALICE, CLINIC, LabResults, Treatment, false));
		assert!(!has_access(BOB, HOSPITAL, LabResults, Treatment, false));
		let w = grant(ALICE, CLINIC, scope(&[Diagnoses], Access::WRITE), Insurance, None);
		assert_eq!(ensure_access(ALICE, CLINIC, Diagnoses, Insurance, true), Ok(w));
		assert!(!has_access(ALICE, CLINIC, Diagnoses, Insurance, false));
	});
}

#[test]
fn names_each_failure() {
	ExtBuilder::default().build_and_execute(|| {
		let e = |grantee, category, purpose, write| {
			ensure_access(ALICE, grantee, category, purpose, write)
		};
		assert_eq!(e(HOSPITAL, LabResults, Treatment, false), Err(Error::<Test>::NoConsent.into()));
		alice_to_hospital();
		// Wrong purpose: no consent for that purpose.
		assert_eq!(e(HOSPITAL, LabResults, Research, false), Err(Error::<Test>::NoConsent.into()));
		// A staff account or a stranger never holds a consent itself.
		assert_eq!(e(DOCTOR, LabResults, Treatment, false), Err(Error::<Test>::NoConsent.into()));
		assert_eq!(e(OUTSIDER, LabResults, Treatment, false), Err(Error::<Test>::NoConsent.into()));
		assert_eq!(
			e(HOSPITAL, Diagnoses, Treatment, false),
			Err(Error::<Test>::CategoryNotCovered.into())
		);
		assert_eq!(
			e(HOSPITAL, LabResults, Treatment, true),
			Err(Error::<Test>::WriteNotGranted.into())
		);
		let w = grant(ALICE, CLINIC, scope(&[Imaging], Access::WRITE), Treatment, None);
		assert_eq!(e(CLINIC, Imaging, Treatment, false), Err(Error::<Test>::ReadNotGranted.into()));
		assert_ok!(Consent::revoke_consent(signed(ALICE), w));
		assert_eq!(e(CLINIC, Imaging, Treatment, true), Err(Error::<Test>::RevokedConsent.into()));
		grant(ALICE, INSTITUTE, read(&[Genomics]), Research, Some(START + 5));
		advance_time(5);
		assert_eq!(
			e(INSTITUTE, Genomics, Research, false),
			Err(Error::<Test>::ExpiredConsent.into())
		);
	});
}

#[test]
fn reports_the_most_specific_failure() {
	ExtBuilder::default().build_and_execute(|| {
		let diagnoses = grant(ALICE, HOSPITAL, read(&[Diagnoses]), Treatment, None);
		grant(ALICE, HOSPITAL, read(&[LabResults]), Treatment, None);
		assert_ok!(Consent::revoke_consent(signed(ALICE), diagnoses));
		// The revoked consent covered Diagnoses; the active one does not: "revoked" tells
		// more than "category not covered".
		assert_eq!(
			ensure_access(ALICE, HOSPITAL, Diagnoses, Treatment, false),
			Err(Error::<Test>::RevokedConsent.into())
		);
		// Any consent that grants the access wins over failing ones.
		let again = grant(ALICE, HOSPITAL, read(&[Diagnoses]), Treatment, None);
		assert_eq!(ensure_access(ALICE, HOSPITAL, Diagnoses, Treatment, false), Ok(again));
	});
}

#[test]
fn expiry_is_exclusive() {
	ExtBuilder::default().build_and_execute(|| {
		alice_to_hospital_until(START + 100);
		advance_time(99);
		assert!(has_access(ALICE, HOSPITAL, LabResults, Treatment, false));
		advance_time(1);
		assert!(!has_access(ALICE, HOSPITAL, LabResults, Treatment, false));
	});
}

fn alice_to_hospital_until(expiry: Moment) -> ConsentId {
	grant(ALICE, HOSPITAL, read(&[LabResults]), Treatment, Some(expiry))
}

#[test]
fn suspension_cuts_access_and_reinstatement_restores_it() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		let clinic = grant(ALICE, CLINIC, read(&[LabResults]), Treatment, None);
		let stored = consent(id);
		suspend(HOSPITAL);
		assert!(!has_access(ALICE, HOSPITAL, LabResults, Treatment, false));
		assert_eq!(
			ensure_access(ALICE, HOSPITAL, LabResults, Treatment, false),
			Err(ConsortiumError::<Test>::SuspendedOrganization.into())
		);
		// Other grantees are not affected, and no consent was touched.
		assert_eq!(ensure_access(ALICE, CLINIC, LabResults, Treatment, false), Ok(clinic));
		assert_eq!(consent(id), stored);
		reinstate(HOSPITAL);
		assert_eq!(ensure_access(ALICE, HOSPITAL, LabResults, Treatment, false), Ok(id));
	});
}

#[test]
fn deregistration_cuts_access() {
	ExtBuilder::default().build_and_execute(|| {
		alice_to_hospital();
		MockPatients::deregister(ALICE);
		assert_eq!(
			ensure_access(ALICE, HOSPITAL, LabResults, Treatment, false),
			Err(Error::<Test>::DeregisteredPatient.into())
		);
	});
}
