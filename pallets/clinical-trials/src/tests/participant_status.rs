//! The status query checks the Research consent again.

use super::*;
use medchain_primitives::PatientRegistry;

#[test]
fn reports_the_enrolling_consent_and_the_consent_in_force() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		let first = grant_research(ALICE, SPONSOR);
		let alice = commitment(id, ALICE, 1);
		assert_ok!(ClinicalTrials::enroll_participant(signed(DOCTOR_A), id, ALICE, alice));
		assert_eq!(Participants::<Test>::get(id, alice).map(|p| p.consent_id), Some(first));
		let info = |status| ParticipantInfo {
			site: HOSPITAL_A,
			enrolled_at: START,
			protocol_version: 1,
			enrollment_consent_id: first,
			withdrawal: None,
			status,
		};
		assert_eq!(
			ClinicalTrials::participant_status(id, alice),
			Some(info(ParticipantStatus::Active { consent_id: first }))
		);
		// Revoked: still enrolled, but reported.
		assert_ok!(Consent::revoke_consent(signed(ALICE), first));
		assert_eq!(
			ClinicalTrials::participant_status(id, alice),
			Some(info(ParticipantStatus::ConsentLapsed))
		);
		assert!(ClinicalTrials::is_enrolled(id, alice));
		// A new consent makes the participant active again; the enrolling one stays.
		let second = grant_research(ALICE, SPONSOR);
		assert_eq!(
			ClinicalTrials::participant_status(id, alice),
			Some(info(ParticipantStatus::Active { consent_id: second }))
		);
		// Unknown participant or trial.
		assert_eq!(ClinicalTrials::participant_status(id, h(9)), None);
		assert_eq!(ClinicalTrials::participant_status(id + 1, alice), None);
	});
}

#[test]
fn an_expired_consent_a_deregistered_patient_or_a_suspended_sponsor_lapse() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		grant_with(ALICE, SPONSOR, Purpose::Research, Access::READ, Some(START + 1_000));
		let alice = commitment(id, ALICE, 1);
		assert_ok!(ClinicalTrials::enroll_participant(signed(DOCTOR_A), id, ALICE, alice));
		let bob = enroll(DOCTOR_A, id, BOB);
		let carol = enroll(DOCTOR_B, id, CAROL);
		let status = |c| ClinicalTrials::participant_status(id, c).map(|p| p.status);
		assert!(matches!(status(alice), Some(ParticipantStatus::Active { .. })));
		advance_time(1_000);
		assert_eq!(status(alice), Some(ParticipantStatus::ConsentLapsed));
		MockPatients::deregister(BOB);
		assert!(!MockPatients::is_registered(&BOB));
		assert_eq!(status(bob), Some(ParticipantStatus::ConsentLapsed));
		assert!(matches!(status(carol), Some(ParticipantStatus::Active { .. })));
		suspend(SPONSOR);
		assert_eq!(status(carol), Some(ParticipantStatus::ConsentLapsed));
	});
}

#[test]
fn a_withdrawal_is_reported_with_its_time_and_author() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		let alice = enroll(DOCTOR_A, id, ALICE);
		advance_time(7);
		assert_ok!(ClinicalTrials::withdraw_participant(signed(SPONSOR_STAFF), id, alice));
		let info = ClinicalTrials::participant_status(id, alice).expect("participant");
		assert_eq!(info.status, ParticipantStatus::Withdrawn);
		assert_eq!(info.withdrawal, Some(Withdrawal { at: START + 7, by: Withdrawer::Sponsor }));
	});
}
