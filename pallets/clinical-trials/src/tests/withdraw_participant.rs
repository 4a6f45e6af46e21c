//! Participants withdraw (or a site / the sponsor records it).

use super::*;
use medchain_primitives::PatientRegistry;

fn withdraw_call(trial_id: TrialId, participant_commitment: H256) -> RuntimeCall {
	RuntimeCall::ClinicalTrials(crate::Call::withdraw_participant {
		trial_id,
		participant_commitment,
	})
}

#[test]
fn the_participant_withdraws_themself() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		let alice = enroll(DOCTOR_A, id, ALICE);
		let bob = enroll(DOCTOR_B, id, BOB);
		let free_calls = MockPatients::free_calls(ALICE);
		advance_time(5_000);
		assert_ok!(ClinicalTrials::withdraw_participant(signed(ALICE), id, alice));
		System::assert_last_event(
			Event::ParticipantWithdrawn {
				trial_id: id,
				participant_commitment: alice,
				by: Withdrawer::Participant,
				withdrawn: 1,
			}
			.into(),
		);
		// One fee-less call counted.
		assert_eq!(MockPatients::free_calls(ALICE), free_calls - 1);
		let t = trial(id);
		assert_eq!((t.enrolled, t.withdrawn, t.active_participants()), (2, 1, 1));
		assert_eq!(t.status, TrialStatus::Enrolling);
		assert_eq!(
			Participants::<Test>::get(id, alice).and_then(|p| p.withdrawal),
			Some(Withdrawal { at: START + 5_000, by: Withdrawer::Participant })
		);
		assert!(!ClinicalTrials::is_enrolled(id, alice));
		assert!(ClinicalTrials::is_enrolled(id, bob));
		assert_eq!(
			ClinicalTrials::participant_status(id, alice).map(|p| p.status),
			Some(ParticipantStatus::Withdrawn)
		);
		let info = ClinicalTrials::trial(id).expect("known");
		assert_eq!((info.enrolled, info.withdrawn), (2, 1));
	});
}

#[test]
fn the_enrolling_site_or_the_sponsor_may_record_it() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		let alice = enroll(DOCTOR_A, id, ALICE);
		let bob = enroll(DOCTOR_B, id, BOB);
		// Any staff of the enrolling site.
		assert_ok!(ClinicalTrials::withdraw_participant(signed(NURSE_A), id, alice));
		System::assert_last_event(
			Event::ParticipantWithdrawn {
				trial_id: id,
				participant_commitment: alice,
				by: Withdrawer::Site(HOSPITAL_A),
				withdrawn: 1,
			}
			.into(),
		);
		assert_ok!(ClinicalTrials::withdraw_participant(signed(SPONSOR_STAFF), id, bob));
		System::assert_last_event(
			Event::ParticipantWithdrawn {
				trial_id: id,
				participant_commitment: bob,
				by: Withdrawer::Sponsor,
				withdrawn: 2,
			}
			.into(),
		);
		assert_eq!(trial(id).active_participants(), 0);
	});
}

#[test]
fn works_after_lock_and_publication() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		let alice = enroll(DOCTOR_A, id, ALICE);
		let bob = enroll(DOCTOR_A, id, BOB);
		commit_and_lock(id);
		assert_ok!(ClinicalTrials::withdraw_participant(signed(ALICE), id, alice));
		assert_ok!(ClinicalTrials::publish_results(
			signed(SPONSOR_STAFF),
			id,
			h(0xcc),
			outs(&[1, 2, 3])
		));
		assert_ok!(ClinicalTrials::withdraw_participant(signed(BOB), id, bob));
		assert_eq!(trial(id).withdrawn, 2);
	});
}

#[test]
fn a_deregistered_patient_can_still_withdraw_paying_the_fee() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		let alice = enroll(DOCTOR_A, id, ALICE);
		MockPatients::deregister(ALICE);
		assert!(!withdraw_call(id, alice).is_feeless(&signed(ALICE)));
		assert_ok!(ClinicalTrials::withdraw_participant(signed(ALICE), id, alice));
		assert_eq!(trial(id).withdrawn, 1);
	});
}

#[test]
fn fails_for_an_unknown_trial_or_participant() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		let alice = enroll(DOCTOR_A, id, ALICE);
		assert_noop!(
			ClinicalTrials::withdraw_participant(signed(ALICE), id + 1, alice),
			Error::<Test>::UnknownTrial
		);
		assert_noop!(
			ClinicalTrials::withdraw_participant(signed(ALICE), id, commitment(id, ALICE, 9)),
			Error::<Test>::UnknownParticipant
		);
	});
}

#[test]
fn fails_for_anyone_else() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		let alice = enroll(DOCTOR_A, id, ALICE);
		// Another patient, another site of the trial, a site of no trial, another
		// sponsor, a regulator, an outsider.
		for who in [BOB, DOCTOR_B, DOCTOR_C, OTHER_SPONSOR_STAFF, INSPECTOR, OUTSIDER] {
			assert_noop!(
				ClinicalTrials::withdraw_participant(signed(who), id, alice),
				Error::<Test>::NotParticipantSiteOrSponsor
			);
		}
		assert_noop!(
			ClinicalTrials::withdraw_participant(RuntimeOrigin::none(), id, alice),
			BadOrigin
		);
		suspend(SPONSOR);
		assert_noop!(
			ClinicalTrials::withdraw_participant(signed(SPONSOR_STAFF), id, alice),
			ConsortiumError::<Test>::SuspendedOrganization
		);
		// The participant themself does not depend on the sponsor.
		assert_ok!(ClinicalTrials::withdraw_participant(signed(ALICE), id, alice));
	});
}

#[test]
fn fails_twice() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		let alice = enroll(DOCTOR_A, id, ALICE);
		assert_ok!(ClinicalTrials::withdraw_participant(signed(ALICE), id, alice));
		for who in [ALICE, DOCTOR_A, SPONSOR_STAFF] {
			assert_noop!(
				ClinicalTrials::withdraw_participant(signed(who), id, alice),
				Error::<Test>::AlreadyWithdrawn
			);
		}
	});
}

#[test]
fn a_withdrawn_patient_cannot_be_enrolled_again() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		let alice = enroll(DOCTOR_A, id, ALICE);
		assert_ok!(ClinicalTrials::withdraw_participant(signed(ALICE), id, alice));
		assert_noop!(
			ClinicalTrials::enroll_participant(signed(DOCTOR_A), id, ALICE, alice),
			Error::<Test>::DuplicateParticipant
		);
		assert_noop!(
			ClinicalTrials::enroll_participant(
				signed(DOCTOR_B),
				id,
				ALICE,
				commitment(id, ALICE, 0x77)
			),
			Error::<Test>::PatientAlreadyEnrolled
		);
	});
}

#[test]
fn feeless_only_for_the_participant_with_quota_when_it_succeeds() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		let alice = enroll(DOCTOR_A, id, ALICE);
		assert!(withdraw_call(id, alice).is_feeless(&signed(ALICE)));
		// A site or the sponsor pays.
		assert!(!withdraw_call(id, alice).is_feeless(&signed(DOCTOR_A)));
		assert!(!withdraw_call(id, alice).is_feeless(&signed(SPONSOR_STAFF)));
		// A patient with quota whose call would fail pays.
		assert!(MockPatients::has_free_quota(&BOB));
		assert!(!withdraw_call(id, alice).is_feeless(&signed(BOB)));
		assert!(!withdraw_call(id + 1, alice).is_feeless(&signed(ALICE)));
		assert!(!withdraw_call(id, h(9)).is_feeless(&signed(ALICE)));
		assert!(!withdraw_call(id, alice).is_feeless(&RuntimeOrigin::none()));
		assert!(!withdraw_call(id, alice).is_feeless(&RuntimeOrigin::root()));
		// No quota left: the participant pays, and nothing is counted.
		MockPatients::register(ALICE, 0);
		assert!(!withdraw_call(id, alice).is_feeless(&signed(ALICE)));
		assert_ok!(ClinicalTrials::withdraw_participant(signed(ALICE), id, alice));
		assert_eq!(MockPatients::free_calls(ALICE), 0);
		// Once withdrawn, a second withdrawal would fail: never fee-less.
		MockPatients::register(ALICE, 5);
		assert!(!withdraw_call(id, alice).is_feeless(&signed(ALICE)));
	});
}
