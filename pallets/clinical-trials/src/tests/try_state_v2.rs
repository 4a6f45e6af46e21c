use super::*;

#[test]
fn detects_broken_withdrawal_site_lock_and_registry_invariants() {
	let breakages: [fn(TrialId, H256); 6] = [
		|id, _| {
			Trials::<Test>::mutate(id, |t| {
				if let Some(t) = t {
					t.withdrawn += 1;
				}
			})
		},
		|id, c| {
			Participants::<Test>::mutate(id, c, |p| {
				if let Some(p) = p {
					p.site = HOSPITAL_C;
				}
			})
		},
		|id, _| {
			RemovedSites::<Test>::mutate(id, |r| {
				r.try_push(HOSPITAL_B).expect("room");
			})
		},
		|id, _| {
			Trials::<Test>::mutate(id, |t| {
				if let Some(t) = t {
					t.status = TrialStatus::Locked;
					t.locked_at = Some(START);
				}
			})
		},
		|_, _| RegistryIdReservations::<Test>::insert(rid(NCT), SPONSOR),
		|id, _| {
			Trials::<Test>::mutate(id, |t| {
				if let Some(t) = t {
					t.registry_id_released_at = Some(START);
				}
			})
		},
	];
	for breakage in breakages {
		ExtBuilder::default().build().execute_with(|| {
			let id = trial_with_sites();
			let c = enroll(DOCTOR_A, id, ALICE);
			assert_ok!(ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
			assert_ok!(ClinicalTrials::do_try_state());
			breakage(id, c);
			assert!(ClinicalTrials::do_try_state().is_err());
		});
	}
}
