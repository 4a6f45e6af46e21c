//! Tests of `grant_consent`: ids, every error in order, and pruning a full consent list
//! (never before `AuditRetention`).

use super::*;

#[test]
fn works() {
	ExtBuilder::default().build_and_execute(|| {
		let s = scope(&[LabResults, Imaging], Access::READ_WRITE);
		let expires_at = Some(START + 1_000);
		assert_ok!(Consent::grant_consent(signed(ALICE), HOSPITAL, s, Treatment, expires_at));
		assert_eq!(
			consent(0),
			ConsentRecord {
				patient: ALICE,
				grantee: HOSPITAL,
				scope: s,
				purpose: Treatment,
				granted_at: START,
				expires_at,
				revoked_at: None,
				kind: ConsentKind::Standard,
			}
		);
		assert_eq!(ConsentsOf::<Test>::get(ALICE).into_inner(), vec![0]);
		assert_eq!(NextConsentId::<Test>::get(), 1);
		System::assert_last_event(
			Event::ConsentGranted {
				patient: ALICE,
				grantee: HOSPITAL,
				consent_id: 0,
				scope: s,
				purpose: Treatment,
				expires_at,
			}
			.into(),
		);
		// The fee-less call was counted against the patient's quota.
		assert_eq!(MockPatients::free_calls(ALICE), FREE_CALLS - 1);
	});
}

#[test]
fn ids_come_from_a_counter() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(alice_to_hospital(), 0);
		assert_eq!(grant(BOB, CLINIC, read(&[Diagnoses]), Treatment, None), 1);
		assert_eq!(grant(ALICE, INSTITUTE, read(&[Genomics]), Research, None), 2);
		assert_eq!(ConsentsOf::<Test>::get(ALICE).into_inner(), vec![0, 2]);
		assert_eq!(ConsentsOf::<Test>::get(BOB).into_inner(), vec![1]);
	});
}

#[test]
fn works_for_any_role_and_purpose() {
	const INSURER: AccountId = 40;
	const CLAIMS_OFFICER: AccountId = 41;
	ExtBuilder::default()
		.with_organization(INSURER, b"Mutual", Roles::only(Role::Insurer), vec![CLAIMS_OFFICER])
		.build_and_execute(|| {
			let id = grant(ALICE, INSURER, read(&[Diagnoses]), Insurance, Some(START + 60_000));
			assert_eq!(ensure_access(ALICE, INSURER, Diagnoses, Insurance, false), Ok(id));
			// An Insurance consent is granted and checked, but it never opens an
			// identified document (docs/DESIGN.md, "What each purpose may read").
			let r = anchored(9, ALICE, Diagnoses);
			assert_noop!(
				Consent::log_access(signed(CLAIMS_OFFICER), ALICE, id, r, Diagnoses),
				Error::<Test>::PurposeNotPermitted
			);
		});
}

#[test]
fn fails_when_ids_are_exhausted() {
	ExtBuilder::default().build_and_execute(|| {
		NextConsentId::<Test>::put(ConsentId::MAX);
		assert_noop!(
			Consent::grant_consent(signed(ALICE), HOSPITAL, read(&[LabResults]), Treatment, None),
			Error::<Test>::ConsentIdOverflow
		);
		assert_noop!(
			Consent::break_glass(signed(DOCTOR), ALICE, 1),
			Error::<Test>::ConsentIdOverflow
		);
	});
}

#[test]
fn patient_without_quota_can_still_grant_and_pays() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(grant(POOR, HOSPITAL, read(&[LabResults]), Treatment, None), 0);
		assert_eq!(MockPatients::free_calls(POOR), 0);
	});
}

#[test]
fn requires_signed_origin() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Consent::grant_consent(
				RuntimeOrigin::none(),
				HOSPITAL,
				read(&[LabResults]),
				Treatment,
				None
			),
			BadOrigin
		);
		assert_noop!(
			Consent::grant_consent(
				RuntimeOrigin::root(),
				HOSPITAL,
				read(&[LabResults]),
				Treatment,
				None
			),
			BadOrigin
		);
	});
}

#[test]
fn fails_for_non_patient() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Consent::grant_consent(signed(NOBODY), HOSPITAL, read(&[LabResults]), Treatment, None),
			Error::<Test>::NotAPatient
		);
		// An organization's own account is not a patient either.
		assert_noop!(
			Consent::grant_consent(signed(DOCTOR), HOSPITAL, read(&[LabResults]), Treatment, None),
			Error::<Test>::NotAPatient
		);
	});
}

#[test]
fn fails_for_deregistered_patient() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Consent::grant_consent(signed(ERASED), HOSPITAL, read(&[LabResults]), Treatment, None),
			Error::<Test>::DeregisteredPatient
		);
	});
}

#[test]
fn fails_for_grantee_that_is_not_an_organization() {
	ExtBuilder::default().build_and_execute(|| {
		for grantee in [OUTSIDER, DOCTOR, BOB] {
			assert_noop!(
				Consent::grant_consent(
					signed(ALICE),
					grantee,
					read(&[LabResults]),
					Treatment,
					None
				),
				ConsortiumError::<Test>::UnknownOrganization
			);
		}
	});
}

#[test]
fn fails_for_suspended_grantee() {
	ExtBuilder::default().build_and_execute(|| {
		suspend(HOSPITAL);
		assert_noop!(
			Consent::grant_consent(signed(ALICE), HOSPITAL, read(&[LabResults]), Treatment, None),
			ConsortiumError::<Test>::SuspendedOrganization
		);
		reinstate(HOSPITAL);
		alice_to_hospital();
	});
}

#[test]
fn fails_for_empty_categories() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Consent::grant_consent(signed(ALICE), HOSPITAL, read(&[]), Treatment, None),
			Error::<Test>::EmptyCategories
		);
	});
}

#[test]
fn fails_for_unknown_categories() {
	ExtBuilder::default().build_and_execute(|| {
		let s = Scope { categories: Categories((1 << 9) | 1), access: Access::READ };
		assert_noop!(
			Consent::grant_consent(signed(ALICE), HOSPITAL, s, Treatment, None),
			Error::<Test>::InvalidCategories
		);
	});
}

#[test]
fn fails_without_read_or_write() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Consent::grant_consent(
				signed(ALICE),
				HOSPITAL,
				scope(&[LabResults], Access::default()),
				Treatment,
				None
			),
			Error::<Test>::EmptyAccess
		);
	});
}

#[test]
fn fails_for_expiry_not_in_the_future() {
	ExtBuilder::default().build_and_execute(|| {
		for expiry in [0, START - 1, START] {
			assert_noop!(
				Consent::grant_consent(
					signed(ALICE),
					HOSPITAL,
					read(&[LabResults]),
					Treatment,
					Some(expiry)
				),
				Error::<Test>::ExpiryInPast
			);
		}
		grant(ALICE, HOSPITAL, read(&[LabResults]), Treatment, Some(START + 1));
	});
}

#[test]
fn fails_when_every_consent_is_active() {
	ExtBuilder::default().build_and_execute(|| {
		for _ in 0..MAX_CONSENTS {
			alice_to_hospital();
		}
		assert_noop!(
			Consent::grant_consent(signed(ALICE), CLINIC, read(&[LabResults]), Treatment, None),
			Error::<Test>::TooManyConsents
		);
		// An unexpired consent with an expiry is still active.
		let bob_first = grant(BOB, HOSPITAL, read(&[LabResults]), Treatment, Some(START + 10));
		for _ in 1..MAX_CONSENTS {
			grant(BOB, HOSPITAL, read(&[LabResults]), Treatment, None);
		}
		advance_time(9);
		assert!(!consent(bob_first).is_expired_at(Consent::now()));
		assert_noop!(
			Consent::grant_consent(signed(BOB), CLINIC, read(&[LabResults]), Treatment, None),
			Error::<Test>::TooManyConsents
		);
	});
}

#[test]
fn keeps_recently_ended_consents_for_audits() {
	ExtBuilder::default().build_and_execute(|| {
		let expiring = grant(ALICE, INSTITUTE, read(&[Genomics]), Research, Some(START + 10));
		let revoked = grant(ALICE, CLINIC, read(&[Imaging]), Treatment, None);
		alice_to_hospital();
		alice_to_hospital();
		advance_time(100);
		assert_ok!(Consent::revoke_consent(signed(ALICE), revoked));
		// `expiring` ended at START + 10, `revoked` at START + 100: neither long enough ago.
		advance_time(AUDIT_RETENTION - 100 + 10 - 1);
		assert_noop!(
			Consent::grant_consent(signed(ALICE), CLINIC, read(&[Diagnoses]), Treatment, None),
			Error::<Test>::TooManyConsents
		);
		// Audits still see both.
		assert!(Consent::was_permitted(&ALICE, &INSTITUTE, Genomics, Research, START + 9));
		assert!(Consent::was_permitted(&ALICE, &CLINIC, Imaging, Treatment, START + 99));
		// One millisecond later `expiring` ended `AUDIT_RETENTION` ago and makes room.
		advance_time(1);
		grant(ALICE, CLINIC, read(&[Diagnoses]), Treatment, None);
		assert!(Consents::<Test>::get(expiring).is_none());
		assert!(Consents::<Test>::get(revoked).is_some());
		assert_noop!(
			Consent::grant_consent(signed(ALICE), CLINIC, read(&[Diagnoses]), Treatment, None),
			Error::<Test>::TooManyConsents
		);
		advance_time(90);
		grant(ALICE, CLINIC, read(&[Diagnoses]), Treatment, None);
		assert!(Consents::<Test>::get(revoked).is_none());
	});
}

#[test]
fn prunes_the_oldest_revoked_or_expired_consent_when_full() {
	ExtBuilder::default().build_and_execute(|| {
		let active = alice_to_hospital();
		let expiring = grant(ALICE, CLINIC, read(&[Imaging]), Treatment, Some(START + 10));
		let revoked = alice_to_hospital();
		let last = alice_to_hospital();
		assert_ok!(Consent::revoke_consent(signed(ALICE), revoked));
		advance_time(AUDIT_RETENTION + 10);
		// Both ended `AUDIT_RETENTION` ago; `expiring` is older than `revoked`: it goes
		// first.
		let new = grant(ALICE, INSTITUTE, read(&[Genomics]), Research, None);
		assert_eq!(new, 4);
		assert!(Consents::<Test>::get(expiring).is_none());
		assert_eq!(ConsentsOf::<Test>::get(ALICE).into_inner(), vec![active, revoked, last, new]);
		let events = consent_events();
		assert_eq!(
			events[events.len() - 2],
			Event::ConsentPruned { patient: ALICE, consent_id: expiring }
		);
		System::assert_last_event(
			Event::ConsentGranted {
				patient: ALICE,
				grantee: INSTITUTE,
				consent_id: new,
				scope: read(&[Genomics]),
				purpose: Research,
				expires_at: None,
			}
			.into(),
		);
		// Next, the revoked one goes; ids are never reused.
		let newer = alice_to_hospital();
		assert_eq!(newer, 5);
		assert!(Consents::<Test>::get(revoked).is_none());
		assert_eq!(ConsentsOf::<Test>::get(ALICE).into_inner(), vec![active, last, new, newer]);
		assert_eq!(NextConsentId::<Test>::get(), 6);
	});
}
