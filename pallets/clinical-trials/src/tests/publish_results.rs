use super::*;

#[test]
fn complete_when_every_outcome_is_reported_in_any_order() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		enroll(DOCTOR_A, id, ALICE);
		commit(DOCTOR_A, id, 0x11, 1);
		lock(id);
		advance_time(1_000);
		assert_ok!(ClinicalTrials::publish_results(
			signed(SPONSOR_STAFF),
			id,
			h(0xcc),
			outs(&[3, 1, 2])
		));
		System::assert_last_event(
			Event::ResultsPublished {
				trial_id: id,
				results_hash: h(0xcc),
				status: OutcomeStatus::Complete,
				outcomes_amended_after_enrollment: false,
			}
			.into(),
		);
		let t = trial(id);
		assert_eq!(t.status, TrialStatus::Published);
		assert_eq!(
			t.results,
			Some(Results {
				results_hash: h(0xcc),
				status: OutcomeStatus::Complete,
				missing: outs(&[]),
				added: outs(&[]),
				compared_with_version: 1,
				outcomes_amended_after_enrollment: false,
				status_vs_first_enrollment: Some(OutcomeStatus::Complete),
				published_at: START + 1_000,
			})
		);
		assert!(!OutcomeSwitchedTrials::<Test>::contains_key(outcome_switch_key(id)));
		assert!(ClinicalTrials::trials_with_outcome_switch(None, 10).is_empty());
	});
}

#[test]
fn outcome_switched_records_missing_and_added_outcomes() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		enroll(DOCTOR_A, id, ALICE);
		commit_and_lock(id);
		// Outcome 2 silently dropped, 7 and 8 never pre-specified.
		assert_ok!(ClinicalTrials::publish_results(
			signed(SPONSOR_STAFF),
			id,
			h(0xcc),
			outs(&[1, 7, 3, 8])
		));
		let status = OutcomeStatus::OutcomeSwitched { missing: 1, added: 2 };
		System::assert_last_event(
			Event::ResultsPublished {
				trial_id: id,
				results_hash: h(0xcc),
				status,
				outcomes_amended_after_enrollment: false,
			}
			.into(),
		);
		let results = trial(id).results.expect("published");
		assert_eq!(results.status, status);
		assert_eq!(results.missing, outs(&[2]));
		assert_eq!(results.added, outs(&[7, 8]));
		assert_eq!(results.status_vs_first_enrollment, Some(status));
		assert!(OutcomeSwitchedTrials::<Test>::contains_key(outcome_switch_key(id)));
		assert_eq!(ClinicalTrials::trials_with_outcome_switch(None, 10), vec![id]);
	});
}

#[test]
fn reporting_nothing_leaves_every_outcome_missing() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		commit_and_lock(id);
		assert_ok!(ClinicalTrials::publish_results(signed(SPONSOR_STAFF), id, h(0xcc), outs(&[])));
		let results = trial(id).results.expect("published");
		assert_eq!(results.status, OutcomeStatus::OutcomeSwitched { missing: 3, added: 0 });
		// Nobody was ever enrolled: there is no enrollment-time plan to compare with.
		assert_eq!(results.status_vs_first_enrollment, None);
	});
}

#[test]
fn an_amendment_before_enrollment_sets_the_expected_outcomes() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		assert_ok!(ClinicalTrials::amend_protocol(
			signed(SPONSOR_STAFF),
			id,
			h(0xa1),
			h(0xb1),
			Some(outs(&[1, 4]))
		));
		enroll(DOCTOR_A, id, ALICE);
		commit_and_lock(id);
		assert_ok!(ClinicalTrials::publish_results(
			signed(SPONSOR_STAFF),
			id,
			h(0xcc),
			outs(&[4, 1])
		));
		let results = trial(id).results.expect("published");
		assert_eq!(results.status, OutcomeStatus::Complete);
		assert_eq!(results.compared_with_version, 2);
		assert!(!results.outcomes_amended_after_enrollment);
		assert_eq!(results.status_vs_first_enrollment, Some(OutcomeStatus::Complete));
	});
}

#[test]
fn a_declared_change_after_enrollment_stays_visible() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		enroll(DOCTOR_A, id, ALICE);
		assert_ok!(ClinicalTrials::amend_protocol(
			signed(SPONSOR_STAFF),
			id,
			h(0xa1),
			h(0xb1),
			Some(outs(&[1, 2, 4]))
		));
		commit_and_lock(id);
		assert_ok!(ClinicalTrials::publish_results(
			signed(SPONSOR_STAFF),
			id,
			h(0xcc),
			outs(&[1, 2, 4])
		));
		System::assert_last_event(
			Event::ResultsPublished {
				trial_id: id,
				results_hash: h(0xcc),
				status: OutcomeStatus::Complete,
				outcomes_amended_after_enrollment: true,
			}
			.into(),
		);
		let results = trial(id).results.expect("published");
		assert_eq!(results.status, OutcomeStatus::Complete);
		assert!(results.outcomes_amended_after_enrollment);
		// Against the plan participants were enrolled under: 3 dropped, 4 added.
		assert_eq!(
			results.status_vs_first_enrollment,
			Some(OutcomeStatus::OutcomeSwitched { missing: 1, added: 1 })
		);
		assert!(!OutcomeSwitchedTrials::<Test>::contains_key(outcome_switch_key(id)));
	});
}

#[test]
fn fails_before_lock() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		assert_noop!(
			ClinicalTrials::publish_results(signed(SPONSOR_STAFF), id, h(0xcc), outs(&[1])),
			Error::<Test>::NotLocked
		);
		enroll(DOCTOR_A, id, ALICE);
		assert_noop!(
			ClinicalTrials::publish_results(signed(SPONSOR_STAFF), id, h(0xcc), outs(&[1])),
			Error::<Test>::NotLocked
		);
	});
}

#[test]
fn fails_twice() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		commit_and_lock(id);
		assert_ok!(ClinicalTrials::publish_results(
			signed(SPONSOR_STAFF),
			id,
			h(0xcc),
			outs(&[1, 2, 3])
		));
		assert_noop!(
			ClinicalTrials::publish_results(signed(SPONSOR_STAFF), id, h(0xcd), outs(&[1])),
			Error::<Test>::AlreadyPublished
		);
	});
}

#[test]
fn fails_for_an_unknown_trial_or_a_non_sponsor() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			ClinicalTrials::publish_results(signed(SPONSOR_STAFF), 4, h(0xcc), outs(&[1])),
			Error::<Test>::UnknownTrial
		);
		let id = trial_with_sites();
		commit_and_lock(id);
		for who in [DOCTOR_A, OTHER_SPONSOR_STAFF, INSPECTOR] {
			assert_noop!(
				ClinicalTrials::publish_results(signed(who), id, h(0xcc), outs(&[1])),
				Error::<Test>::NotSponsor
			);
		}
		assert_noop!(
			ClinicalTrials::publish_results(RuntimeOrigin::none(), id, h(0xcc), outs(&[1])),
			BadOrigin
		);
	});
}

#[test]
fn fails_for_bad_hashes() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		commit_and_lock(id);
		let call = |results, reported| {
			ClinicalTrials::publish_results(signed(SPONSOR_STAFF), id, results, reported)
		};
		assert_noop!(call(H256::zero(), outs(&[1])), Error::<Test>::ZeroHash);
		assert_noop!(call(h(0xcc), outs(&[1, 0])), Error::<Test>::ZeroHash);
		assert_noop!(call(h(0xcc), outs(&[1, 1])), Error::<Test>::DuplicateOutcome);
	});
}
