use super::*;

#[test]
fn trial_info_is_flat_and_complete() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(ClinicalTrials::trial(0), None);
		let id = trial_with_sites();
		enroll(DOCTOR_A, id, ALICE);
		commit(DOCTOR_A, id, 0x11, 4);
		assert_ok!(ClinicalTrials::amend_protocol(
			signed(SPONSOR_STAFF),
			id,
			h(0xa1),
			h(0xb1),
			None
		));
		assert_ok!(ClinicalTrials::flag_trial(signed(INSPECTOR), id, 3));
		lock(id);
		assert_ok!(ClinicalTrials::publish_results(
			signed(SPONSOR_STAFF),
			id,
			h(0xcc),
			outs(&[1, 2])
		));
		let info = ClinicalTrials::trial(id).expect("known trial");
		assert_eq!(info.trial_id, id);
		assert_eq!(info.sponsor, SPONSOR);
		assert_eq!(info.registry_id, NCT.to_vec());
		assert_eq!(info.status, TrialStatus::Published);
		assert_eq!((info.protocol_version, info.protocol_hash), (2, h(0xa1)));
		assert_eq!(info.outcomes, vec![h(1), h(2), h(3)]);
		assert_eq!((info.planned_enrollment, info.enrolled), (2, 1));
		assert!(!info.over_enrollment);
		assert_eq!(info.amendments_after_enrollment, 1);
		assert_eq!(info.commit_count, 1);
		assert_eq!(info.data_head, trial(id).data_head);
		assert_eq!(info.locked_at, Some(START));
		let results = info.results.expect("published");
		assert_eq!(results.status, OutcomeStatus::OutcomeSwitched { missing: 1, added: 0 });
		assert_eq!(results.missing, vec![h(3)]);
		assert_eq!(info.protocol_history.len(), 2);
		assert_eq!(info.protocol_history[0].outcomes, Some(vec![h(1), h(2), h(3)]));
		assert!(info.protocol_history[1].after_enrollment);
		assert_eq!(info.sites, vec![HOSPITAL_A, HOSPITAL_B]);
		assert!(info.removed_sites.is_empty());
		assert_eq!(info.withdrawn, 0);
		assert_eq!(info.registry_id_released_at, None);
		assert_eq!(info.flags, vec![Flag { regulator: REGULATOR, reason_code: 3, at: START }]);
	});
}

#[test]
fn data_commits_in_chain_order() {
	ExtBuilder::default().build_and_execute(|| {
		assert!(ClinicalTrials::data_commits(0).is_empty());
		let id = trial_with_sites();
		commit(DOCTOR_A, id, 0x11, 1);
		commit(DOCTOR_B, id, 0x12, 2);
		let commits = ClinicalTrials::data_commits(id);
		assert_eq!(
			commits.iter().map(|c| (c.batch_root, c.submitter)).collect::<Vec<_>>(),
			vec![(h(0x11), HOSPITAL_A), (h(0x12), HOSPITAL_B)]
		);
		assert_eq!(commits[1].chain_hash, trial(id).data_head);
	});
}

#[test]
fn trials_with_outcome_switch_in_id_order() {
	ExtBuilder::default().build_and_execute(|| {
		let ids: Vec<TrialId> = [&b"NCT1"[..], b"NCT2", b"NCT3", b"NCT4"]
			.into_iter()
			.map(|r| register_as(SPONSOR_STAFF, r))
			.collect();
		for (id, reported) in ids.iter().zip([&[1u8, 2, 3][..], &[1], &[1, 2, 3], &[9]]) {
			commit_and_lock(*id);
			assert_ok!(ClinicalTrials::publish_results(
				signed(SPONSOR_STAFF),
				*id,
				h(0xcc),
				outs(reported)
			));
		}
		assert_eq!(ClinicalTrials::trials_with_outcome_switch(None, 10), vec![ids[1], ids[3]]);
	});
}

#[test]
fn trial_by_registry_id_and_is_enrolled() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		assert_eq!(ClinicalTrials::trial_by_registry_id(NCT.to_vec()), Some(id));
		assert_eq!(ClinicalTrials::trial_by_registry_id(b"NCT9".to_vec()), None);
		assert_eq!(
			ClinicalTrials::trial_by_registry_id(vec![b'N'; MAX_REGISTRY_ID as usize + 1]),
			None
		);
		let c = enroll(DOCTOR_A, id, ALICE);
		assert!(ClinicalTrials::is_enrolled(id, c));
		assert!(!ClinicalTrials::is_enrolled(id, commitment(id, BOB, 2)));
		assert!(!ClinicalTrials::is_enrolled(id + 1, c));
	});
}

#[test]
fn outcomes_at_version_follows_the_history() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		assert_ok!(ClinicalTrials::amend_protocol(
			signed(SPONSOR_STAFF),
			id,
			h(0xa1),
			h(0xb1),
			None
		));
		assert_ok!(ClinicalTrials::amend_protocol(
			signed(SPONSOR_STAFF),
			id,
			h(0xa2),
			h(0xb2),
			Some(outs(&[5]))
		));
		assert_eq!(ClinicalTrials::outcomes_at_version(id, 1), Some(vec![h(1), h(2), h(3)]));
		assert_eq!(ClinicalTrials::outcomes_at_version(id, 2), Some(vec![h(1), h(2), h(3)]));
		assert_eq!(ClinicalTrials::outcomes_at_version(id, 3), Some(vec![h(5)]));
		assert_eq!(ClinicalTrials::outcomes_at_version(id + 1, 1), None);
	});
}
