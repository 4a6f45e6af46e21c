use super::*;

#[test]
fn works_for_site_staff_with_research_consent() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		let consent_id = grant_research(ALICE, SPONSOR);
		let c = commitment(id, ALICE, 1);
		assert_ok!(ClinicalTrials::enroll_participant(signed(DOCTOR_A), id, ALICE, c));
		System::assert_last_event(
			Event::ParticipantEnrolled {
				trial_id: id,
				participant_commitment: c,
				site: HOSPITAL_A,
				consent_id,
				enrolled: 1,
				over_planned: false,
			}
			.into(),
		);
		let t = trial(id);
		assert_eq!(t.status, TrialStatus::Enrolling);
		assert_eq!(t.enrolled, 1);
		assert!(!t.over_enrollment);
		assert_eq!(t.first_enrollment, Some(FirstEnrollment { at: START, protocol_version: 1 }));
		assert_eq!(
			Participants::<Test>::get(id, c),
			Some(Participant {
				patient: Some(ALICE),
				site: HOSPITAL_A,
				enrolled_at: START,
				protocol_version: 1,
				consent_id,
				withdrawal: None,
			})
		);
		assert!(EnrolledPatients::<Test>::contains_key(id, patient_key(id, &ALICE)));
		// The patient's account is not a key of the trial's participants.
		assert!(ClinicalTrials::is_enrolled(id, c));
	});
}

#[test]
fn any_staff_of_any_site_and_the_first_enrollment_stays() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		enroll(NURSE_A, id, ALICE);
		advance_time(5_000);
		assert_ok!(ClinicalTrials::amend_protocol(
			signed(SPONSOR_STAFF),
			id,
			h(0xa1),
			h(0xb1),
			None
		));
		let c = enroll(HOSPITAL_B, id, BOB);
		assert_eq!(
			Participants::<Test>::get(id, c).map(|p| (p.site, p.protocol_version)),
			Some((HOSPITAL_B, 2))
		);
		assert_eq!(
			trial(id).first_enrollment,
			Some(FirstEnrollment { at: START, protocol_version: 1 })
		);
		assert_eq!(trial(id).enrolled, 2);
	});
}

#[test]
fn over_enrollment_is_flagged_not_blocked() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		enroll(DOCTOR_A, id, ALICE);
		enroll(DOCTOR_B, id, BOB);
		assert!(!trial(id).over_enrollment);
		let consent_id = grant_research(CAROL, SPONSOR);
		let c = commitment(id, CAROL, 3);
		assert_ok!(ClinicalTrials::enroll_participant(signed(DOCTOR_A), id, CAROL, c));
		System::assert_last_event(
			Event::ParticipantEnrolled {
				trial_id: id,
				participant_commitment: c,
				site: HOSPITAL_A,
				consent_id,
				enrolled: 3,
				over_planned: true,
			}
			.into(),
		);
		assert!(trial(id).over_enrollment);
	});
}

#[test]
fn fails_at_the_participants_hard_bound() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		enroll(DOCTOR_A, id, ALICE);
		enroll(DOCTOR_A, id, BOB);
		enroll(DOCTOR_A, id, CAROL);
		assert_eq!(trial(id).enrolled, MAX_PARTICIPANTS);
		grant_research(DAVE, SPONSOR);
		assert_noop!(
			ClinicalTrials::enroll_participant(signed(DOCTOR_A), id, DAVE, commitment(id, DAVE, 4)),
			Error::<Test>::TooManyParticipants
		);
	});
}

#[test]
fn fails_for_an_unknown_trial() {
	ExtBuilder::default().build_and_execute(|| {
		grant_research(ALICE, SPONSOR);
		assert_noop!(
			ClinicalTrials::enroll_participant(signed(DOCTOR_A), 5, ALICE, h(1)),
			Error::<Test>::UnknownTrial
		);
	});
}

#[test]
fn fails_for_non_sites() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		grant_research(ALICE, SPONSOR);
		let c = commitment(id, ALICE, 1);
		for not_site in [DOCTOR_C, HOSPITAL_C] {
			assert_noop!(
				ClinicalTrials::enroll_participant(signed(not_site), id, ALICE, c),
				Error::<Test>::NotASite
			);
		}
		// Not a Provider at all: no site of any trial.
		for not_provider in [SPONSOR_STAFF, PHARMACIST, INSPECTOR] {
			assert_noop!(
				ClinicalTrials::enroll_participant(signed(not_provider), id, ALICE, c),
				ConsortiumError::<Test>::MissingRole
			);
		}
		assert_noop!(
			ClinicalTrials::enroll_participant(signed(OUTSIDER), id, ALICE, c),
			ConsortiumError::<Test>::NotAMember
		);
		assert_noop!(
			ClinicalTrials::enroll_participant(RuntimeOrigin::none(), id, ALICE, c),
			BadOrigin
		);
	});
}

#[test]
fn fails_for_a_suspended_site() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		grant_research(ALICE, SPONSOR);
		suspend(HOSPITAL_A);
		assert_noop!(
			ClinicalTrials::enroll_participant(
				signed(DOCTOR_A),
				id,
				ALICE,
				commitment(id, ALICE, 1)
			),
			ConsortiumError::<Test>::SuspendedOrganization
		);
	});
}

#[test]
fn fails_after_lock() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		grant_research(ALICE, SPONSOR);
		commit_and_lock(id);
		assert_noop!(
			ClinicalTrials::enroll_participant(
				signed(DOCTOR_A),
				id,
				ALICE,
				commitment(id, ALICE, 1)
			),
			Error::<Test>::LockedDatabase
		);
	});
}

#[test]
fn fails_for_a_zero_commitment() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		grant_research(ALICE, SPONSOR);
		assert_noop!(
			ClinicalTrials::enroll_participant(signed(DOCTOR_A), id, ALICE, H256::zero()),
			Error::<Test>::ZeroHash
		);
	});
}

#[test]
fn fails_for_unregistered_or_deregistered_patients() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		for who in [NOBODY, ERASED] {
			assert_noop!(
				ClinicalTrials::enroll_participant(
					signed(DOCTOR_A),
					id,
					who,
					commitment(id, who, 1)
				),
				Error::<Test>::NotAPatient
			);
		}
	});
}

#[test]
fn fails_without_research_consent() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		let call = || {
			ClinicalTrials::enroll_participant(
				signed(DOCTOR_A),
				id,
				ALICE,
				commitment(id, ALICE, 1),
			)
		};
		assert_noop!(call(), ConsentError::NoConsent);
		// A Treatment consent to the sponsor is not a Research consent.
		grant_with(ALICE, SPONSOR, Purpose::Treatment, Access::READ, None);
		assert_noop!(call(), ConsentError::NoConsent);
		// A Research consent to the site or to another sponsor is not toward the sponsor.
		grant_research(ALICE, HOSPITAL_A);
		grant_research(ALICE, OTHER_SPONSOR);
		assert_noop!(call(), ConsentError::NoConsent);
		// A write-only Research consent grants no read access.
		grant_with(ALICE, SPONSOR, Purpose::Research, Access::WRITE, None);
		assert_noop!(call(), ConsentError::ReadNotGranted);
	});
}

#[test]
fn a_revoked_consent_blocks_enrollment() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		let consent_id = grant_research(ALICE, SPONSOR);
		assert_ok!(Consent::revoke_consent(signed(ALICE), consent_id));
		assert_noop!(
			ClinicalTrials::enroll_participant(
				signed(DOCTOR_A),
				id,
				ALICE,
				commitment(id, ALICE, 1)
			),
			ConsentError::RevokedConsent
		);
	});
}

#[test]
fn an_expired_consent_blocks_enrollment() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		grant_with(ALICE, SPONSOR, Purpose::Research, Access::READ, Some(START + 1_000));
		advance_time(1_000);
		assert_noop!(
			ClinicalTrials::enroll_participant(
				signed(DOCTOR_A),
				id,
				ALICE,
				commitment(id, ALICE, 1)
			),
			ConsentError::ExpiredConsent
		);
	});
}

#[test]
fn a_suspended_sponsor_gets_no_consent() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		grant_research(ALICE, SPONSOR);
		suspend(SPONSOR);
		assert_noop!(
			ClinicalTrials::enroll_participant(
				signed(DOCTOR_A),
				id,
				ALICE,
				commitment(id, ALICE, 1)
			),
			ConsortiumError::<Test>::SuspendedOrganization
		);
	});
}

#[test]
fn fails_for_a_duplicate_participant_commitment() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		let c = enroll(DOCTOR_A, id, ALICE);
		grant_research(BOB, SPONSOR);
		// The same commitment, from any site, for any patient.
		assert_noop!(
			ClinicalTrials::enroll_participant(signed(DOCTOR_B), id, BOB, c),
			Error::<Test>::DuplicateParticipant
		);
		assert_noop!(
			ClinicalTrials::enroll_participant(signed(DOCTOR_A), id, ALICE, c),
			Error::<Test>::DuplicateParticipant
		);
	});
}

#[test]
fn fails_for_the_same_patient_under_another_salt() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		enroll(DOCTOR_A, id, ALICE);
		assert_noop!(
			ClinicalTrials::enroll_participant(
				signed(DOCTOR_B),
				id,
				ALICE,
				commitment(id, ALICE, 99)
			),
			Error::<Test>::PatientAlreadyEnrolled
		);
	});
}

#[test]
fn the_same_patient_may_join_another_trial() {
	ExtBuilder::default().build_and_execute(|| {
		let first = trial_with_sites();
		let second = register_as(SPONSOR_STAFF, b"NCT2");
		assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), second, HOSPITAL_A));
		enroll(DOCTOR_A, first, ALICE);
		let c = commitment(second, ALICE, 1);
		assert_ok!(ClinicalTrials::enroll_participant(signed(DOCTOR_A), second, ALICE, c));
		assert!(ClinicalTrials::is_enrolled(second, c));
	});
}
