use super::*;

#[test]
fn chains_each_commit_to_the_previous_one() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		commit(DOCTOR_A, id, 0x11, 10);
		let first = data_commit_hash(&H256::zero(), &h(0x11), 10, &HOSPITAL_A);
		System::assert_last_event(
			Event::DataCommitted {
				trial_id: id,
				index: 0,
				submitter: HOSPITAL_A,
				batch_root: h(0x11),
				record_count: 10,
				chain_hash: first,
			}
			.into(),
		);
		advance_time(60_000);
		commit(SPONSOR_STAFF, id, 0x12, 5);
		let second = data_commit_hash(&first, &h(0x12), 5, &SPONSOR);
		System::assert_last_event(
			Event::DataCommitted {
				trial_id: id,
				index: 1,
				submitter: SPONSOR,
				batch_root: h(0x12),
				record_count: 5,
				chain_hash: second,
			}
			.into(),
		);
		assert_eq!(
			DataCommits::<Test>::get(id, 0),
			Some(DataCommit {
				batch_root: h(0x11),
				record_count: 10,
				submitter: HOSPITAL_A,
				at: START,
				chain_hash: first,
			})
		);
		assert_eq!(
			DataCommits::<Test>::get(id, 1),
			Some(DataCommit {
				batch_root: h(0x12),
				record_count: 5,
				submitter: SPONSOR,
				at: START + 60_000,
				chain_hash: second,
			})
		);
		assert_eq!((trial(id).data_head, trial(id).commit_count), (second, 2));
		assert!(ClinicalTrials::verify_data_chain(id));
	});
}

#[test]
fn the_submitter_is_the_organization_not_the_staff_member() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		commit(NURSE_A, id, 0x11, 1);
		assert_eq!(DataCommits::<Test>::get(id, 0).map(|c| c.submitter), Some(HOSPITAL_A));
	});
}

#[test]
fn fails_for_an_unknown_trial() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			ClinicalTrials::commit_data(signed(DOCTOR_A), 9, h(1), 1),
			Error::<Test>::UnknownTrial
		);
	});
}

#[test]
fn fails_for_a_non_site_non_sponsor() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		for who in [DOCTOR_C, OTHER_SPONSOR_STAFF, INSPECTOR, PHARMACIST] {
			assert_noop!(
				ClinicalTrials::commit_data(signed(who), id, h(1), 1),
				Error::<Test>::NotSiteOrSponsor
			);
		}
		assert_noop!(
			ClinicalTrials::commit_data(signed(OUTSIDER), id, h(1), 1),
			ConsortiumError::<Test>::NotAMember
		);
		assert_noop!(ClinicalTrials::commit_data(RuntimeOrigin::none(), id, h(1), 1), BadOrigin);
		suspend(HOSPITAL_B);
		assert_noop!(
			ClinicalTrials::commit_data(signed(DOCTOR_B), id, h(1), 1),
			ConsortiumError::<Test>::SuspendedOrganization
		);
	});
}

#[test]
fn fails_after_lock() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		commit(DOCTOR_A, id, 0x11, 1);
		lock(id);
		assert_noop!(
			ClinicalTrials::commit_data(signed(DOCTOR_A), id, h(0x12), 1),
			Error::<Test>::LockedDatabase
		);
		assert_noop!(
			ClinicalTrials::commit_data(signed(SPONSOR_STAFF), id, h(0x12), 1),
			Error::<Test>::LockedDatabase
		);
	});
}

#[test]
fn fails_for_an_empty_commit_or_zero_root() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		assert_noop!(
			ClinicalTrials::commit_data(signed(DOCTOR_A), id, h(1), 0),
			Error::<Test>::EmptyCommit
		);
		assert_noop!(
			ClinicalTrials::commit_data(signed(DOCTOR_A), id, H256::zero(), 1),
			Error::<Test>::ZeroHash
		);
	});
}

#[test]
fn fails_at_the_commits_bound() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		for i in 0..MAX_COMMITS as u8 {
			commit(DOCTOR_A, id, 0x10 + i, 1);
		}
		assert_noop!(
			ClinicalTrials::commit_data(signed(DOCTOR_A), id, h(0x20), 1),
			Error::<Test>::TooManyCommits
		);
		assert!(ClinicalTrials::verify_data_chain(id));
	});
}
