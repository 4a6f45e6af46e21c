//! Erasure on deregistration (`PatientErasure`), `erase_records`, and `RecordRegistry`.

use super::*;
use medchain_primitives::PatientErasure;

fn deregister(patient: AccountId) {
	MockPatients::deregister(patient);
	<HealthRecords as PatientErasure<AccountId>>::on_patient_deregistered(&patient);
}

fn locators(patient: AccountId) -> Vec<Option<Vec<u8>>> {
	HealthRecords::records_of(&patient, 0, u32::MAX).into_iter().map(|(_, r)| r.locator).collect()
}

#[test]
fn deregistration_seals_the_first_step_at_once_and_hides_every_locator() {
	ExtBuilder::default().build_and_execute(|| {
		grant_write(HOSPITAL_A, &[LabResults]);
		let mut ids = vec![];
		for n in 0..MAX_RECORDS {
			ids.push(anchor(DOCTOR_A, ALICE, LabResults, hash(n as u8 + 1), None));
		}
		ids.push(anchor(ALICE, ALICE, Other, hash(50), None));
		let bob = anchor(BOB, BOB, Other, hash(60), None);
		deregister(ALICE);
		System::assert_last_event(
			Event::RecordsErased {
				patient: ALICE,
				sealed: MAX_ERASED,
				remaining: MAX_RECORDS + 1 - MAX_ERASED,
			}
			.into(),
		);
		// State: the first step's records are sealed ...
		for id in &ids[..MAX_ERASED as usize] {
			assert!(record(*id).is_sealed() && record(*id).locator.is_none());
		}
		assert!(record(ids[MAX_ERASED as usize]).locator.is_some());
		// ... and no query shows a locator of the erased patient any more.
		assert!(locators(ALICE).iter().all(Option::is_none));
		for id in &ids {
			assert!(HealthRecords::verify_record(*id, hash(1)).sealed);
			assert!(HealthRecords::record_history(*id).iter().all(|(_, r)| r.locator.is_none()));
		}
		// Hashes still verify; other patients are untouched.
		assert!(HealthRecords::verify_record(ids[0], hash(1)).hash_matches);
		assert!(record(bob).locator.is_some());
	});
}

#[test]
fn anyone_finishes_the_erasure_and_it_is_fee_less_for_the_patient() {
	ExtBuilder::default().build_and_execute(|| {
		grant_write(HOSPITAL_A, &[LabResults]);
		for n in 0..MAX_RECORDS {
			anchor(DOCTOR_A, ALICE, LabResults, hash(n as u8 + 1), None);
		}
		let sealed_first = anchor(ALICE, ALICE, Other, hash(50), None);
		assert_ok!(HealthRecords::seal_record(signed(ALICE), sealed_first));
		deregister(ALICE);
		let erase = crate::Call::<Test>::erase_records { patient: ALICE };
		assert!(erase.is_feeless(&signed(ALICE)));
		assert!(!erase.is_feeless(&signed(OUTSIDER)));
		// A second step by anyone seals the rest; an already-sealed record is not counted.
		assert_ok!(HealthRecords::erase_records(signed(OUTSIDER), ALICE));
		System::assert_last_event(
			Event::RecordsErased { patient: ALICE, sealed: MAX_RECORDS - MAX_ERASED, remaining: 0 }
				.into(),
		);
		assert_eq!(ErasedUpTo::<Test>::get(ALICE), MAX_RECORDS + 1);
		assert!(HealthRecords::records_of(&ALICE, 0, 100)
			.iter()
			.all(|(id, _)| record(*id).is_sealed()));
		// Nothing is left to do: no more fee-less calls.
		assert!(!erase.is_feeless(&signed(ALICE)));
		assert_noop!(
			HealthRecords::erase_records(signed(ALICE), ALICE),
			Error::<Test>::ErasureComplete
		);
	});
}

#[test]
fn only_a_deregistered_patient_is_erased() {
	ExtBuilder::default().build_and_execute(|| {
		anchor(ALICE, ALICE, Other, hash(1), None);
		let erase = crate::Call::<Test>::erase_records { patient: ALICE };
		assert!(!erase.is_feeless(&signed(ALICE)));
		assert_noop!(
			HealthRecords::erase_records(signed(OUTSIDER), ALICE),
			Error::<Test>::PatientNotDeregistered
		);
		assert_noop!(
			HealthRecords::erase_records(RuntimeOrigin::none(), ALICE),
			sp_runtime::DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_patient_without_records_is_erased_at_once() {
	ExtBuilder::default().build_and_execute(|| {
		deregister(ALICE);
		System::assert_last_event(
			Event::RecordsErased { patient: ALICE, sealed: 0, remaining: 0 }.into(),
		);
		assert_noop!(
			HealthRecords::erase_records(signed(ALICE), ALICE),
			Error::<Test>::ErasureComplete
		);
	});
}

#[test]
fn record_registry_names_patient_and_category() {
	ExtBuilder::default().build_and_execute(|| {
		use medchain_primitives::RecordRegistry;
		let id = anchor(ALICE, ALICE, Imaging, hash(1), None);
		assert_eq!(
			<HealthRecords as RecordRegistry<AccountId, RecordId>>::record_subject(&id),
			Some((ALICE, Imaging))
		);
		assert_eq!(
			<HealthRecords as RecordRegistry<AccountId, RecordId>>::record_subject(&hash(9)),
			None
		);
	});
}
