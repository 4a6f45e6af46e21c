//! A trial without data cannot be locked (hence never published).

use super::*;

#[test]
fn fails_without_data_commits() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		enroll(DOCTOR_A, id, ALICE);
		assert_noop!(
			ClinicalTrials::lock_database(signed(SPONSOR_STAFF), id),
			Error::<Test>::NoDataCommitted
		);
		// Hence no publication either.
		assert_noop!(
			ClinicalTrials::publish_results(signed(SPONSOR_STAFF), id, h(0xcc), outs(&[1])),
			Error::<Test>::NotLocked
		);
	});
}

#[test]
fn data_without_participants_is_enough_and_stays_visible() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		commit(SPONSOR_STAFF, id, 0x11, 1);
		lock(id);
		assert_ok!(ClinicalTrials::publish_results(
			signed(SPONSOR_STAFF),
			id,
			h(0xcc),
			outs(&[1, 2, 3])
		));
		let info = ClinicalTrials::trial(id).expect("known");
		assert_eq!((info.enrolled, info.commit_count), (0, 1));
		assert_eq!(info.first_enrollment, None);
		assert_eq!(info.results.expect("published").status_vs_first_enrollment, None);
	});
}
