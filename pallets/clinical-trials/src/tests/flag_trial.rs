use super::*;

#[test]
fn works_for_a_regulator_in_any_status() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		assert_ok!(ClinicalTrials::flag_trial(signed(INSPECTOR), id, 42));
		System::assert_last_event(
			Event::TrialFlagged { trial_id: id, regulator: REGULATOR, reason_code: 42 }.into(),
		);
		commit_and_lock(id);
		assert_ok!(ClinicalTrials::publish_results(signed(SPONSOR_STAFF), id, h(0xcc), outs(&[1])));
		advance_time(10);
		assert_ok!(ClinicalTrials::flag_trial(signed(REGULATOR), id, 7));
		assert_eq!(
			Flags::<Test>::get(id).into_inner(),
			vec![
				Flag { regulator: REGULATOR, reason_code: 42, at: START },
				Flag { regulator: REGULATOR, reason_code: 7, at: START + 10 },
			]
		);
	});
}

#[test]
fn fails_for_non_regulators() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		for who in [SPONSOR_STAFF, DOCTOR_A, PHARMACIST] {
			assert_noop!(
				ClinicalTrials::flag_trial(signed(who), id, 1),
				ConsortiumError::<Test>::MissingRole
			);
		}
		assert_noop!(
			ClinicalTrials::flag_trial(signed(OUTSIDER), id, 1),
			ConsortiumError::<Test>::NotAMember
		);
		assert_noop!(ClinicalTrials::flag_trial(RuntimeOrigin::none(), id, 1), BadOrigin);
		suspend(REGULATOR);
		assert_noop!(
			ClinicalTrials::flag_trial(signed(INSPECTOR), id, 1),
			ConsortiumError::<Test>::SuspendedOrganization
		);
	});
}

#[test]
fn fails_for_an_unknown_trial() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			ClinicalTrials::flag_trial(signed(INSPECTOR), 0, 1),
			Error::<Test>::UnknownTrial
		);
	});
}

#[test]
fn fails_at_the_flags_bound() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		for code in 0..MAX_FLAGS as u16 {
			assert_ok!(ClinicalTrials::flag_trial(signed(INSPECTOR), id, code));
		}
		assert_noop!(
			ClinicalTrials::flag_trial(signed(INSPECTOR), id, 99),
			Error::<Test>::TooManyFlags
		);
	});
}
