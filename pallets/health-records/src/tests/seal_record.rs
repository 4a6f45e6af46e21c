//! `seal_record`: the patient erases a record's locator; every error.

use super::*;

#[test]
fn erases_the_locator_and_keeps_the_rest() {
	ExtBuilder::default().build_and_execute(|| {
		grant_write(HOSPITAL_A, &[LabResults]);
		let id = anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
		let before = record(id);
		advance_time(5_000);
		assert_ok!(HealthRecords::seal_record(signed(ALICE), id));
		assert_eq!(record(id), Record { locator: None, sealed_at: Some(START + 5_000), ..before });
		System::assert_last_event(Event::RecordSealed { record_id: id, patient: ALICE }.into());
		let check = HealthRecords::verify_record(id, hash(1));
		assert!(check.known && check.hash_matches && check.sealed);
		assert_eq!(check.author, Some(HOSPITAL_A));
	});
}

#[test]
fn works_for_a_deregistered_patient() {
	ExtBuilder::default().build_and_execute(|| {
		let id = anchor(ALICE, ALICE, Other, hash(1), None);
		MockPatients::deregister(ALICE);
		assert_ok!(HealthRecords::seal_record(signed(ALICE), id));
	});
}

#[test]
fn requires_signed_origin() {
	ExtBuilder::default().build_and_execute(|| {
		let id = anchor(ALICE, ALICE, Other, hash(1), None);
		assert_noop!(HealthRecords::seal_record(RuntimeOrigin::root(), id), BadOrigin);
	});
}

#[test]
fn fails_for_an_unknown_record() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			HealthRecords::seal_record(signed(ALICE), hash(1)),
			Error::<Test>::UnknownRecord
		);
	});
}

#[test]
fn fails_for_anyone_but_the_patient() {
	ExtBuilder::default().build_and_execute(|| {
		grant_write(HOSPITAL_A, &[LabResults]);
		let id = anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
		for who in [BOB, DOCTOR_A, HOSPITAL_A] {
			assert_noop!(
				HealthRecords::seal_record(signed(who), id),
				Error::<Test>::NotRecordPatient
			);
		}
	});
}

#[test]
fn fails_twice() {
	ExtBuilder::default().build_and_execute(|| {
		let id = anchor(ALICE, ALICE, Other, hash(1), None);
		assert_ok!(HealthRecords::seal_record(signed(ALICE), id));
		assert_noop!(HealthRecords::seal_record(signed(ALICE), id), Error::<Test>::AlreadySealed);
	});
}
