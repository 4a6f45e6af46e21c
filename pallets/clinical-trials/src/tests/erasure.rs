//! Right to erasure: deregistering unlinks the patient's trial enrollments from
//! their account.

use super::*;
use crate::{migrations::v3, ParticipationsOf};
use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
use medchain_primitives::PatientErasure;

fn erase(patient: AccountId) {
	<ClinicalTrials as PatientErasure<AccountId>>::on_patient_deregistered(&patient);
}

/// A second trial with hospital A as its site.
fn second_trial() -> TrialId {
	let id = register_as(SPONSOR_STAFF, b"NCT00000002");
	assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
	id
}

#[test]
fn unlinks_every_participation_and_withdraws_the_rest() {
	ExtBuilder::default().build_and_execute(|| {
		let first = trial_with_sites();
		let second = second_trial();
		let c1 = enroll(DOCTOR_A, first, ALICE);
		let c2 = enroll(DOCTOR_A, second, ALICE);
		let bob = enroll(DOCTOR_A, first, BOB);
		assert_eq!(
			ParticipationsOf::<Test>::get(ALICE).into_inner(),
			vec![(first, c1), (second, c2)]
		);
		// The site had already withdrawn her from the first trial.
		assert_ok!(ClinicalTrials::withdraw_participant(signed(DOCTOR_A), first, c1));
		System::reset_events();

		MockPatients::deregister(ALICE);
		erase(ALICE);

		for (id, c) in [(first, c1), (second, c2)] {
			let p = Participants::<Test>::get(id, c).expect("the participant stays");
			assert_eq!(p.patient, None, "trial {id}");
			assert!(p.withdrawal.is_some());
			assert!(!EnrolledPatients::<Test>::contains_key(id, patient_key(id, &ALICE)));
			assert_eq!(
				ClinicalTrials::participant_status(id, c).map(|s| s.status),
				Some(ParticipantStatus::Withdrawn)
			);
		}
		// The earlier withdrawal keeps its author; the second is the participant's own.
		assert_eq!(
			Participants::<Test>::get(first, c1).and_then(|p| p.withdrawal).map(|w| w.by),
			Some(Withdrawer::Site(HOSPITAL_A))
		);
		assert_eq!(
			Participants::<Test>::get(second, c2).and_then(|p| p.withdrawal).map(|w| w.by),
			Some(Withdrawer::Participant)
		);
		// Counted once each; the trials keep their participants.
		assert_eq!((trial(first).withdrawn, trial(first).enrolled), (1, 2));
		assert_eq!((trial(second).withdrawn, trial(second).enrolled), (1, 1));
		assert_eq!(
			System::events().into_iter().map(|r| r.event).collect::<Vec<_>>(),
			vec![RuntimeEvent::ClinicalTrials(Event::ParticipantWithdrawn {
				trial_id: second,
				participant_commitment: c2,
				by: Withdrawer::Participant,
				withdrawn: 1,
			})]
		);
		assert!(ParticipationsOf::<Test>::get(ALICE).is_empty());
		// Nothing in state names her account any more; Bob is untouched.
		assert!(Participants::<Test>::iter_values().all(|p| p.patient != Some(ALICE)));
		assert_eq!(Participants::<Test>::get(first, bob).and_then(|p| p.patient), Some(BOB));
		ClinicalTrials::do_try_state().expect("state consistent after erasure");
	});
}

#[test]
fn a_patient_joins_at_most_max_trials_per_patient() {
	ExtBuilder::default().build_and_execute(|| {
		let first = trial_with_sites();
		let second = second_trial();
		let third = register_as(SPONSOR_STAFF, b"NCT00000003");
		assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), third, HOSPITAL_A));
		enroll(DOCTOR_A, first, ALICE);
		enroll(DOCTOR_A, second, ALICE);
		assert_eq!(MAX_TRIALS_PER_PATIENT, 2);
		let c = commitment(third, ALICE, 1);
		assert_noop!(
			ClinicalTrials::enroll_participant(signed(DOCTOR_A), third, ALICE, c),
			Error::<Test>::TooManyTrialsForPatient
		);
	});
}

#[test]
fn try_state_refuses_an_unindexed_or_unwithdrawn_erased_participant() {
	// Not `build_and_execute`: it checks the invariants at the end, which this breaks.
	ExtBuilder::default().build().execute_with(|| {
		let id = trial_with_sites();
		let c = enroll(DOCTOR_A, id, ALICE);
		ClinicalTrials::do_try_state().expect("consistent");
		ParticipationsOf::<Test>::remove(ALICE);
		assert!(ClinicalTrials::do_try_state().is_err(), "an unindexed participation passed");
		Participants::<Test>::mutate(id, c, |p| {
			if let Some(p) = p {
				p.patient = None;
			}
		});
		EnrolledPatients::<Test>::remove(id, patient_key(id, &ALICE));
		assert!(ClinicalTrials::do_try_state().is_err(), "an erased, active participant passed");
	});
}

#[test]
fn v2_to_v3_indexes_participations_and_erases_deregistered_patients() {
	ExtBuilder::default().build_and_execute(|| {
		let first = trial_with_sites();
		let ca = enroll(DOCTOR_A, first, ALICE);
		let cb = enroll(DOCTOR_A, first, BOB);
		// Rewrite both as v2 records, the v3 index absent; Bob then deregisters under v2,
		// which left his participation linked.
		for (c, who) in [(ca, ALICE), (cb, BOB)] {
			let p = Participants::<Test>::take(first, c).expect("enrolled");
			v3::v2::Participants::<Test>::insert(
				first,
				c,
				v3::v2::Participant {
					patient: who,
					site: p.site,
					enrolled_at: p.enrolled_at,
					protocol_version: p.protocol_version,
					consent_id: p.consent_id,
					withdrawal: p.withdrawal,
				},
			);
			ParticipationsOf::<Test>::remove(who);
		}
		MockPatients::deregister(BOB);
		StorageVersion::new(2).put::<ClinicalTrials>();

		v3::MigrateV2ToV3::<Test>::on_runtime_upgrade();

		assert_eq!(ClinicalTrials::on_chain_storage_version(), 3);
		assert_eq!(Participants::<Test>::get(first, ca).and_then(|p| p.patient), Some(ALICE));
		assert_eq!(ParticipationsOf::<Test>::get(ALICE).into_inner(), vec![(first, ca)]);
		let bob = Participants::<Test>::get(first, cb).expect("kept");
		assert_eq!(bob.patient, None);
		assert_eq!(bob.withdrawal.map(|w| w.by), Some(Withdrawer::Participant));
		assert!(!EnrolledPatients::<Test>::contains_key(first, patient_key(first, &BOB)));
		assert_eq!(trial(first).withdrawn, 1);
		ClinicalTrials::do_try_state().expect("state consistent after the migration");
	});
}
