//! The whole story of a trial, from registration to publication.

use super::*;

#[test]
fn registration_to_outcome_switch_detection() {
	ExtBuilder::default().build().execute_with(|| {
		// The sponsor registers the plan: three pre-specified outcomes, before enrollment.
		let id = register();
		// Two hospitals become sites.
		assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
		assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_B));
		// Alice consents to research by the sponsor; a site enrolls her under a commitment.
		let consent_id = grant_research(ALICE, SPONSOR);
		let alice = commitment(id, ALICE, 0x5a);
		assert_ok!(ClinicalTrials::enroll_participant(signed(DOCTOR_A), id, ALICE, alice));
		System::assert_last_event(
			Event::ParticipantEnrolled {
				trial_id: id,
				participant_commitment: alice,
				site: HOSPITAL_A,
				consent_id,
				enrolled: 1,
				over_planned: false,
			}
			.into(),
		);
		// Three data commits from both sites and the sponsor.
		advance_time(86_400_000);
		commit(DOCTOR_A, id, 0x11, 120);
		commit(DOCTOR_B, id, 0x12, 80);
		commit(SPONSOR_STAFF, id, 0x13, 200);
		assert_eq!(trial(id).commit_count, 3);
		// The sponsor locks the database, then publishes with outcome 2 missing and an
		// outcome 9 that was never pre-specified.
		lock(id);
		assert_noop!(
			ClinicalTrials::commit_data(signed(DOCTOR_A), id, h(0x14), 1),
			Error::<Test>::LockedDatabase
		);
		assert_ok!(ClinicalTrials::publish_results(
			signed(SPONSOR_STAFF),
			id,
			h(0xcc),
			outs(&[1, 3, 9])
		));
		let status = OutcomeStatus::OutcomeSwitched { missing: 1, added: 1 };
		System::assert_last_event(
			Event::ResultsPublished {
				trial_id: id,
				results_hash: h(0xcc),
				status,
				outcomes_amended_after_enrollment: false,
			}
			.into(),
		);
		// Visible to everyone.
		let info = ClinicalTrials::trial(id).expect("known");
		let results = info.results.expect("published");
		assert_eq!(results.status, status);
		assert_eq!((results.missing, results.added), (vec![h(2)], vec![h(9)]));
		assert_eq!(ClinicalTrials::trials_with_outcome_switch(None, 10), vec![id]);
		// The data chain verifies, and every invariant holds.
		assert!(ClinicalTrials::verify_data_chain(id));
		assert_ok!(ClinicalTrials::do_try_state());
		// Tampering with one stored commit is detected.
		DataCommits::<Test>::mutate(id, 1, |c| {
			if let Some(c) = c {
				c.record_count = 79;
			}
		});
		assert!(!ClinicalTrials::verify_data_chain(id));
		assert!(ClinicalTrials::do_try_state().is_err());
	});
}
