//! Version chains through `anchor_record`'s `supersedes`: links both ways, and every rule on the
//! superseded record (patient, head of chain, not sealed, category, author, consent).

use super::*;

#[test]
fn links_versions_both_ways_and_keeps_history() {
	ExtBuilder::default().build_and_execute(|| {
		grant_write(HOSPITAL_A, &[LabResults]);
		let v1 = anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
		advance_time(1_000);
		let v2 = anchor(NURSE_A, ALICE, LabResults, hash(2), Some(v1));
		System::assert_last_event(
			Event::RecordAnchored {
				record_id: v2,
				patient: ALICE,
				category: LabResults,
				content_hash: hash(2),
				author: Some(HOSPITAL_A),
				supersedes: Some(v1),
			}
			.into(),
		);
		let old = record(v1);
		assert_eq!(old.superseded_by, Some(v2));
		assert_eq!(old.content_hash, hash(1));
		assert_eq!(old.locator, Some(loc(b"fhir://doc")));
		let new = record(v2);
		assert_eq!(new.supersedes, Some(v1));
		assert_eq!(new.superseded_by, None);
		assert_eq!(new.anchored_at, START + 1_000);
		assert_eq!(new.block, 2);
		let v3 = anchor(DOCTOR_A, ALICE, LabResults, hash(3), Some(v2));
		assert_eq!(record(v2).superseded_by, Some(v3));
		assert_eq!(RecordCount::<Test>::get(ALICE), 3);
	});
}

#[test]
fn works_for_the_patients_own_uploads() {
	ExtBuilder::default().build_and_execute(|| {
		let v1 = anchor(ALICE, ALICE, Other, hash(1), None);
		let v2 = anchor(ALICE, ALICE, Other, hash(2), Some(v1));
		assert_eq!(record(v1).superseded_by, Some(v2));
	});
}

#[test]
fn an_old_version_can_still_be_sealed() {
	ExtBuilder::default().build_and_execute(|| {
		let v1 = anchor(ALICE, ALICE, Other, hash(1), None);
		let v2 = anchor(ALICE, ALICE, Other, hash(2), Some(v1));
		assert_ok!(HealthRecords::seal_record(signed(ALICE), v1));
		assert!(record(v1).is_sealed());
		assert_eq!(record(v1).superseded_by, Some(v2));
	});
}

#[test]
fn fails_for_an_unknown_record() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			HealthRecords::anchor_record(
				signed(ALICE),
				ALICE,
				Other,
				hash(2),
				loc(b"x"),
				Some(hash(77))
			),
			Error::<Test>::UnknownRecord
		);
	});
}

#[test]
fn fails_for_another_patients_record() {
	ExtBuilder::default().build_and_execute(|| {
		let bobs = anchor(BOB, BOB, Other, hash(1), None);
		assert_noop!(
			HealthRecords::anchor_record(
				signed(ALICE),
				ALICE,
				Other,
				hash(2),
				loc(b"x"),
				Some(bobs)
			),
			Error::<Test>::RecordPatientMismatch
		);
	});
}

#[test]
fn fails_for_an_already_superseded_record() {
	ExtBuilder::default().build_and_execute(|| {
		let v1 = anchor(ALICE, ALICE, Other, hash(1), None);
		anchor(ALICE, ALICE, Other, hash(2), Some(v1));
		assert_noop!(
			HealthRecords::anchor_record(signed(ALICE), ALICE, Other, hash(3), loc(b"x"), Some(v1)),
			Error::<Test>::AlreadySuperseded
		);
	});
}

#[test]
fn fails_for_a_sealed_record() {
	ExtBuilder::default().build_and_execute(|| {
		grant_write(HOSPITAL_A, &[LabResults]);
		let v1 = anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
		assert_ok!(HealthRecords::seal_record(signed(ALICE), v1));
		assert_noop!(
			HealthRecords::anchor_record(
				signed(DOCTOR_A),
				ALICE,
				LabResults,
				hash(2),
				loc(b"x"),
				Some(v1)
			),
			Error::<Test>::SealedRecord
		);
		// A new, unlinked record is fine.
		anchor(DOCTOR_A, ALICE, LabResults, hash(2), None);
	});
}

#[test]
fn fails_for_another_category() {
	ExtBuilder::default().build_and_execute(|| {
		grant_write(HOSPITAL_A, &[LabResults, Imaging]);
		let v1 = anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
		assert_noop!(
			HealthRecords::anchor_record(
				signed(DOCTOR_A),
				ALICE,
				Imaging,
				hash(2),
				loc(b"x"),
				Some(v1)
			),
			Error::<Test>::RecordCategoryMismatch
		);
	});
}

#[test]
fn fails_for_another_author() {
	ExtBuilder::default().build_and_execute(|| {
		grant_write(HOSPITAL_A, &[LabResults]);
		grant_write(HOSPITAL_B, &[LabResults]);
		let by_a = anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
		let by_alice = anchor(ALICE, ALICE, LabResults, hash(2), None);
		// Hospital B may write lab results, but not mark Hospital A's record outdated.
		assert_noop!(
			HealthRecords::anchor_record(
				signed(DOCTOR_B),
				ALICE,
				LabResults,
				hash(3),
				loc(b"x"),
				Some(by_a)
			),
			Error::<Test>::NotRecordAuthor
		);
		// Nor may the patient override a clinician's record, or a clinician the
		// patient's upload.
		assert_noop!(
			HealthRecords::anchor_record(
				signed(ALICE),
				ALICE,
				LabResults,
				hash(3),
				loc(b"x"),
				Some(by_a)
			),
			Error::<Test>::NotRecordAuthor
		);
		assert_noop!(
			HealthRecords::anchor_record(
				signed(DOCTOR_A),
				ALICE,
				LabResults,
				hash(3),
				loc(b"x"),
				Some(by_alice)
			),
			Error::<Test>::NotRecordAuthor
		);
	});
}

#[test]
fn still_needs_the_consent() {
	ExtBuilder::default().build_and_execute(|| {
		let consent = grant_write(HOSPITAL_A, &[LabResults]);
		let v1 = anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
		assert_ok!(Consent::revoke_consent(signed(ALICE), consent));
		assert_noop!(
			HealthRecords::anchor_record(
				signed(DOCTOR_A),
				ALICE,
				LabResults,
				hash(2),
				loc(b"x"),
				Some(v1)
			),
			ConsentError::RevokedConsent
		);
	});
}
