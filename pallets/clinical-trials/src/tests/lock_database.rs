use super::*;

#[test]
fn freezes_the_head() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		commit(DOCTOR_A, id, 0x11, 3);
		let head = trial(id).data_head;
		advance_time(1_000);
		assert_ok!(ClinicalTrials::lock_database(signed(SPONSOR), id));
		System::assert_last_event(
			Event::DatabaseLocked { trial_id: id, data_head: head, commit_count: 1 }.into(),
		);
		let t = trial(id);
		assert_eq!(t.status, TrialStatus::Locked);
		assert_eq!(t.locked_at, Some(START + 1_000));
		assert_eq!(t.data_head, head);
	});
}

#[test]
fn fails_for_an_unknown_trial() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			ClinicalTrials::lock_database(signed(SPONSOR_STAFF), 1),
			Error::<Test>::UnknownTrial
		);
	});
}

#[test]
fn fails_for_anyone_but_the_sponsor() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		for who in [DOCTOR_A, HOSPITAL_A, OTHER_SPONSOR_STAFF, INSPECTOR] {
			assert_noop!(ClinicalTrials::lock_database(signed(who), id), Error::<Test>::NotSponsor);
		}
		assert_noop!(
			ClinicalTrials::lock_database(signed(OUTSIDER), id),
			ConsortiumError::<Test>::NotAMember
		);
		assert_noop!(ClinicalTrials::lock_database(RuntimeOrigin::none(), id), BadOrigin);
	});
}

#[test]
fn fails_twice_and_after_publication() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		commit_and_lock(id);
		assert_noop!(
			ClinicalTrials::lock_database(signed(SPONSOR_STAFF), id),
			Error::<Test>::AlreadyLocked
		);
		assert_ok!(ClinicalTrials::publish_results(
			signed(SPONSOR_STAFF),
			id,
			h(0xcc),
			outs(&[1, 2, 3])
		));
		assert_noop!(
			ClinicalTrials::lock_database(signed(SPONSOR_STAFF), id),
			Error::<Test>::AlreadyLocked
		);
	});
}
