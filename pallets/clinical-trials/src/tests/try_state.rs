use super::*;

#[test]
fn detects_inconsistent_counts_and_indexes() {
	let breakages: [fn(TrialId); 4] = [
		|id| {
			Trials::<Test>::mutate(id, |t| {
				if let Some(t) = t {
					t.enrolled += 1;
				}
			})
		},
		|id| EnrolledPatients::<Test>::remove(id, patient_key(id, &ALICE)),
		|_| TrialByRegistryId::<Test>::remove(rid(NCT)),
		|id| OutcomeSwitchedTrials::<Test>::insert(outcome_switch_key(id), ()),
	];
	for breakage in breakages {
		ExtBuilder::default().build().execute_with(|| {
			let id = trial_with_sites();
			enroll(DOCTOR_A, id, ALICE);
			assert_ok!(ClinicalTrials::do_try_state());
			breakage(id);
			assert!(ClinicalTrials::do_try_state().is_err());
		});
	}
}
