use super::*;

#[test]
fn before_enrollment_keeps_history_and_is_not_flagged() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		advance_time(1_000);
		assert_ok!(ClinicalTrials::amend_protocol(
			signed(SPONSOR_STAFF),
			id,
			h(0xa1),
			h(0xb1),
			None
		));
		System::assert_last_event(
			Event::ProtocolAmended {
				trial_id: id,
				version: 2,
				protocol_hash: h(0xa1),
				reason_hash: h(0xb1),
				outcomes_changed: false,
				after_enrollment: false,
			}
			.into(),
		);
		let t = trial(id);
		assert_eq!((t.protocol_version, t.protocol_hash), (2, h(0xa1)));
		assert_eq!(t.outcomes, outs(&[1, 2, 3]));
		assert_eq!(t.amendments_after_enrollment, 0);
		assert!(!t.outcomes_amended_after_enrollment);
		let history = ProtocolVersions::<Test>::get(id);
		assert_eq!(history.len(), 2);
		assert_eq!(history[0].protocol_hash, h(PROTOCOL));
		assert_eq!(
			history[1],
			ProtocolVersion {
				version: 2,
				protocol_hash: h(0xa1),
				reason_hash: Some(h(0xb1)),
				outcomes: None,
				at: START + 1_000,
				after_enrollment: false,
			}
		);
	});
}

#[test]
fn can_change_the_outcomes() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		assert_ok!(ClinicalTrials::amend_protocol(
			signed(SPONSOR),
			id,
			h(0xa1),
			h(0xb1),
			Some(outs(&[1, 4]))
		));
		System::assert_last_event(
			Event::ProtocolAmended {
				trial_id: id,
				version: 2,
				protocol_hash: h(0xa1),
				reason_hash: h(0xb1),
				outcomes_changed: true,
				after_enrollment: false,
			}
			.into(),
		);
		assert_eq!(trial(id).outcomes, outs(&[1, 4]));
		assert_eq!(ProtocolVersions::<Test>::get(id)[1].outcomes, Some(outs(&[1, 4])));
		// The original plan stays in the history.
		assert_eq!(ProtocolVersions::<Test>::get(id)[0].outcomes, Some(outs(&[1, 2, 3])));
	});
}

#[test]
fn the_same_outcome_set_in_another_order_is_no_change() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		assert_ok!(ClinicalTrials::amend_protocol(
			signed(SPONSOR_STAFF),
			id,
			h(0xa1),
			h(0xb1),
			Some(outs(&[3, 1, 2]))
		));
		System::assert_last_event(
			Event::ProtocolAmended {
				trial_id: id,
				version: 2,
				protocol_hash: h(0xa1),
				reason_hash: h(0xb1),
				outcomes_changed: false,
				after_enrollment: false,
			}
			.into(),
		);
		assert_eq!(trial(id).outcomes, outs(&[1, 2, 3]));
		assert_eq!(ProtocolVersions::<Test>::get(id)[1].outcomes, None);
	});
}

#[test]
fn after_enrollment_is_allowed_but_flagged() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		enroll(DOCTOR_A, id, ALICE);
		// A protocol-only amendment: flagged, outcomes untouched.
		assert_ok!(ClinicalTrials::amend_protocol(
			signed(SPONSOR_STAFF),
			id,
			h(0xa1),
			h(0xb1),
			None
		));
		System::assert_last_event(
			Event::ProtocolAmended {
				trial_id: id,
				version: 2,
				protocol_hash: h(0xa1),
				reason_hash: h(0xb1),
				outcomes_changed: false,
				after_enrollment: true,
			}
			.into(),
		);
		assert_eq!(trial(id).amendments_after_enrollment, 1);
		assert!(!trial(id).outcomes_amended_after_enrollment);
		// An outcome change after enrollment: flagged in the trial record too.
		assert_ok!(ClinicalTrials::amend_protocol(
			signed(SPONSOR_STAFF),
			id,
			h(0xa2),
			h(0xb2),
			Some(outs(&[1, 2, 4]))
		));
		System::assert_last_event(
			Event::ProtocolAmended {
				trial_id: id,
				version: 3,
				protocol_hash: h(0xa2),
				reason_hash: h(0xb2),
				outcomes_changed: true,
				after_enrollment: true,
			}
			.into(),
		);
		let t = trial(id);
		assert_eq!(t.amendments_after_enrollment, 2);
		assert!(t.outcomes_amended_after_enrollment);
		assert_eq!(t.first_enrollment, Some(FirstEnrollment { at: START, protocol_version: 1 }));
		assert!(ProtocolVersions::<Test>::get(id).iter().skip(1).all(|v| v.after_enrollment));
	});
}

#[test]
fn fails_for_an_unknown_trial() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			ClinicalTrials::amend_protocol(signed(SPONSOR_STAFF), 7, h(1), h(2), None),
			Error::<Test>::UnknownTrial
		);
	});
}

#[test]
fn fails_for_anyone_but_the_sponsor() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		let call = |who| ClinicalTrials::amend_protocol(signed(who), id, h(1), h(2), None);
		assert_noop!(call(OTHER_SPONSOR_STAFF), Error::<Test>::NotSponsor);
		assert_noop!(call(DOCTOR_A), Error::<Test>::NotSponsor);
		assert_noop!(call(INSPECTOR), Error::<Test>::NotSponsor);
		assert_noop!(call(OUTSIDER), ConsortiumError::<Test>::NotAMember);
		assert_noop!(
			ClinicalTrials::amend_protocol(RuntimeOrigin::none(), id, h(1), h(2), None),
			BadOrigin
		);
		suspend(SPONSOR);
		assert_noop!(call(SPONSOR_STAFF), ConsortiumError::<Test>::SuspendedOrganization);
	});
}

#[test]
fn fails_after_lock() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		commit_and_lock(id);
		assert_noop!(
			ClinicalTrials::amend_protocol(signed(SPONSOR_STAFF), id, h(1), h(2), None),
			Error::<Test>::LockedDatabase
		);
	});
}

#[test]
fn fails_for_bad_hashes_or_outcomes() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		let call = |protocol, reason, outcomes| {
			ClinicalTrials::amend_protocol(signed(SPONSOR_STAFF), id, protocol, reason, outcomes)
		};
		assert_noop!(call(H256::zero(), h(2), None), Error::<Test>::ZeroHash);
		assert_noop!(call(h(1), H256::zero(), None), Error::<Test>::ZeroHash);
		assert_noop!(call(h(1), h(2), Some(outs(&[]))), Error::<Test>::EmptyOutcomes);
		assert_noop!(call(h(1), h(2), Some(outs(&[0]))), Error::<Test>::ZeroHash);
		assert_noop!(call(h(1), h(2), Some(outs(&[5, 5]))), Error::<Test>::DuplicateOutcome);
	});
}

#[test]
fn fails_at_the_amendments_bound() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		for i in 0..MAX_AMENDMENTS as u8 {
			assert_ok!(ClinicalTrials::amend_protocol(
				signed(SPONSOR_STAFF),
				id,
				h(0xa1 + i),
				h(0xb1 + i),
				None
			));
		}
		assert_eq!(ProtocolVersions::<Test>::get(id).len() as u32, MAX_AMENDMENTS + 1);
		assert_noop!(
			ClinicalTrials::amend_protocol(signed(SPONSOR_STAFF), id, h(1), h(2), None),
			Error::<Test>::TooManyAmendments
		);
	});
}
