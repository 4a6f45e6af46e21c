use super::*;

#[test]
fn works_for_sponsor_staff() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		assert_eq!(id, 0);
		assert_eq!(NextTrialId::<Test>::get(), 1);
		assert_eq!(
			trial(id),
			crate::Trial {
				sponsor: SPONSOR,
				registry_id: rid(NCT),
				status: TrialStatus::Registered,
				protocol_version: 1,
				protocol_hash: h(PROTOCOL),
				outcomes: outs(&[1, 2, 3]),
				planned_enrollment: 2,
				enrolled: 0,
				withdrawn: 0,
				over_enrollment: false,
				registered_at: START,
				registry_id_released_at: None,
				first_enrollment: None,
				amendments_after_enrollment: 0,
				outcomes_amended_after_enrollment: false,
				data_head: H256::zero(),
				commit_count: 0,
				locked_at: None,
				results: None,
			}
		);
		assert_eq!(TrialByRegistryId::<Test>::get(rid(NCT)), Some(id));
		assert_eq!(
			ProtocolVersions::<Test>::get(id).into_inner(),
			vec![ProtocolVersion {
				version: 1,
				protocol_hash: h(PROTOCOL),
				reason_hash: None,
				outcomes: Some(outs(&[1, 2, 3])),
				at: START,
				after_enrollment: false,
			}]
		);
		System::assert_last_event(
			Event::TrialRegistered {
				trial_id: id,
				sponsor: SPONSOR,
				registry_id: rid(NCT),
				protocol_hash: h(PROTOCOL),
				outcomes: outs(&[1, 2, 3]),
				planned_enrollment: 2,
			}
			.into(),
		);
	});
}

#[test]
fn works_for_the_sponsor_admin_and_ids_increase() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(register_as(SPONSOR, b"NCT1"), 0);
		assert_eq!(register_as(OTHER_SPONSOR_STAFF, b"NCT2"), 1);
		assert_eq!(trial(0).sponsor, SPONSOR);
		assert_eq!(trial(1).sponsor, OTHER_SPONSOR);
	});
}

#[test]
fn requires_signed_origin() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			ClinicalTrials::register_trial(
				RuntimeOrigin::none(),
				rid(NCT),
				h(PROTOCOL),
				outs(&[1]),
				1
			),
			BadOrigin
		);
	});
}

#[test]
fn fails_for_non_sponsors() {
	ExtBuilder::default().build_and_execute(|| {
		let call =
			|who| ClinicalTrials::register_trial(signed(who), rid(NCT), h(PROTOCOL), outs(&[1]), 1);
		assert_noop!(call(OUTSIDER), ConsortiumError::<Test>::NotAMember);
		assert_noop!(call(ALICE), ConsortiumError::<Test>::NotAMember);
		assert_noop!(call(DOCTOR_A), ConsortiumError::<Test>::MissingRole);
		assert_noop!(call(HOSPITAL_A), ConsortiumError::<Test>::MissingRole);
		assert_noop!(call(INSPECTOR), ConsortiumError::<Test>::MissingRole);
		suspend(SPONSOR);
		assert_noop!(call(SPONSOR_STAFF), ConsortiumError::<Test>::SuspendedOrganization);
	});
}

#[test]
fn fails_for_an_invalid_registry_id() {
	ExtBuilder::default().build_and_execute(|| {
		for bad in [&b""[..], b"NCT 0001", b"NCT\n", b"NCT\x7f", "NCT\u{e9}".as_bytes()] {
			assert_noop!(
				ClinicalTrials::register_trial(
					signed(SPONSOR_STAFF),
					rid(bad),
					h(PROTOCOL),
					outs(&[1]),
					1
				),
				Error::<Test>::InvalidRegistryId
			);
		}
	});
}

#[test]
fn a_registry_id_longer_than_the_bound_cannot_be_built_or_decoded() {
	let long = vec![b'N'; MAX_REGISTRY_ID as usize + 1];
	assert!(RegistryIdOf::<Test>::try_from(long.clone()).is_err());
	assert!(RegistryIdOf::<Test>::decode(&mut &long.encode()[..]).is_err());
	assert!(RegistryIdOf::<Test>::try_from(vec![b'N'; MAX_REGISTRY_ID as usize]).is_ok());
}

#[test]
fn fails_for_a_duplicate_registry_id() {
	ExtBuilder::default().build_and_execute(|| {
		register();
		// Whoever registers it, and whatever the rest of the trial.
		assert_noop!(
			ClinicalTrials::register_trial(
				signed(OTHER_SPONSOR_STAFF),
				rid(NCT),
				h(9),
				outs(&[9]),
				1
			),
			Error::<Test>::DuplicateRegistryId
		);
	});
}

#[test]
fn fails_for_a_zero_protocol_hash() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			ClinicalTrials::register_trial(
				signed(SPONSOR_STAFF),
				rid(NCT),
				H256::zero(),
				outs(&[1]),
				1
			),
			Error::<Test>::ZeroHash
		);
	});
}

#[test]
fn fails_for_bad_outcomes() {
	ExtBuilder::default().build_and_execute(|| {
		let call = |outcomes| {
			ClinicalTrials::register_trial(
				signed(SPONSOR_STAFF),
				rid(NCT),
				h(PROTOCOL),
				outcomes,
				1,
			)
		};
		assert_noop!(call(outs(&[])), Error::<Test>::EmptyOutcomes);
		assert_noop!(call(outs(&[1, 0])), Error::<Test>::ZeroHash);
		assert_noop!(call(outs(&[1, 2, 1])), Error::<Test>::DuplicateOutcome);
		// The bound itself is fine; beyond it the list cannot be built.
		assert_ok!(call(outs(&[1, 2, 3, 4])));
		assert!(OutcomesOf::<Test>::try_from(vec![h(1); MAX_OUTCOMES as usize + 1]).is_err());
	});
}

#[test]
fn fails_for_an_invalid_planned_enrollment() {
	ExtBuilder::default().build_and_execute(|| {
		let call = |planned| {
			ClinicalTrials::register_trial(
				signed(SPONSOR_STAFF),
				rid(NCT),
				h(PROTOCOL),
				outs(&[1]),
				planned,
			)
		};
		assert_noop!(call(0), Error::<Test>::InvalidPlannedEnrollment);
		assert_noop!(call(MAX_PARTICIPANTS + 1), Error::<Test>::InvalidPlannedEnrollment);
		assert_ok!(call(MAX_PARTICIPANTS));
	});
}

#[test]
fn fails_when_ids_are_exhausted() {
	ExtBuilder::default().build_and_execute(|| {
		NextTrialId::<Test>::put(TrialId::MAX);
		assert_noop!(
			ClinicalTrials::register_trial(
				signed(SPONSOR_STAFF),
				rid(NCT),
				h(PROTOCOL),
				outs(&[1]),
				1
			),
			Error::<Test>::TrialIdOverflow
		);
	});
}
