//! The runtime-API queries: `verify_record`, `record_history`, `records_of`, `authors_of`,
//! `batch`.

use super::*;

#[test]
fn verify_record_statuses() {
	ExtBuilder::default().build_and_execute(|| {
		grant_write(HOSPITAL_A, &[LabResults]);
		// Unknown.
		assert_eq!(HealthRecords::verify_record(hash(9), hash(1)), RecordVerification::unknown());
		let v1 = anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
		// Current, matching.
		let current = HealthRecords::verify_record(v1, hash(1));
		assert_eq!(
			current,
			RecordVerification {
				known: true,
				hash_matches: true,
				sealed: false,
				superseded_by: None,
				latest: Some(v1),
				category: Some(LabResults),
				author: Some(HOSPITAL_A),
				anchored_by: Some(DOCTOR_A),
				anchored_at: Some(START),
			}
		);
		assert!(current.is_current_match());
		// Hash mismatch.
		let mismatch = HealthRecords::verify_record(v1, hash(2));
		assert!(mismatch.known && !mismatch.hash_matches && !mismatch.is_current_match());
		// Superseded: the hash still matches, the newest version is named.
		let v2 = anchor(DOCTOR_A, ALICE, LabResults, hash(2), Some(v1));
		let v3 = anchor(DOCTOR_A, ALICE, LabResults, hash(3), Some(v2));
		let old = HealthRecords::verify_record(v1, hash(1));
		assert!(old.hash_matches && !old.is_current_match());
		assert_eq!(old.superseded_by, Some(v2));
		assert_eq!(old.latest, Some(v3));
		assert_eq!(HealthRecords::verify_record(v3, hash(3)).latest, Some(v3));
		// Sealed: still verifiable.
		assert_ok!(HealthRecords::seal_record(signed(ALICE), v3));
		let sealed = HealthRecords::verify_record(v3, hash(3));
		assert!(sealed.sealed && sealed.hash_matches && sealed.is_current_match());
		assert!(!HealthRecords::verify_record(v3, hash(4)).hash_matches);
	});
}

#[test]
fn record_history_runs_oldest_to_newest_from_any_version() {
	ExtBuilder::default().build_and_execute(|| {
		let v1 = anchor(ALICE, ALICE, Other, hash(1), None);
		let unrelated = anchor(ALICE, ALICE, Other, hash(9), None);
		let v2 = anchor(ALICE, ALICE, Other, hash(2), Some(v1));
		let v3 = anchor(ALICE, ALICE, Other, hash(3), Some(v2));
		for from in [v1, v2, v3] {
			let ids: Vec<RecordId> =
				HealthRecords::record_history(from).into_iter().map(|(id, _)| id).collect();
			assert_eq!(ids, vec![v1, v2, v3]);
		}
		let history = HealthRecords::record_history(v2);
		let hashes: Vec<H256> = history.iter().map(|(_, r)| r.content_hash).collect();
		assert_eq!(hashes, vec![hash(1), hash(2), hash(3)]);
		assert_eq!(history[0].1.locator, Some(b"fhir://doc".to_vec()));
		let single: Vec<RecordId> =
			HealthRecords::record_history(unrelated).into_iter().map(|(id, _)| id).collect();
		assert_eq!(single, vec![unrelated]);
		assert!(HealthRecords::record_history(hash(77)).is_empty());
	});
}

#[test]
fn records_of_in_anchoring_order_with_sealed_locators_gone() {
	ExtBuilder::default().build_and_execute(|| {
		assert!(HealthRecords::records_of(&ALICE, 0, 10).is_empty());
		let a = anchor(ALICE, ALICE, Other, hash(1), None);
		let b = anchor(ALICE, ALICE, Imaging, hash(2), None);
		anchor(BOB, BOB, Other, hash(3), None);
		assert_ok!(HealthRecords::seal_record(signed(ALICE), a));
		let records = HealthRecords::records_of(&ALICE, 0, 10);
		assert_eq!(records.iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![a, b]);
		// Pages: from a position, at most `limit`.
		let second: Vec<RecordId> =
			HealthRecords::records_of(&ALICE, 1, 10).into_iter().map(|(id, _)| id).collect();
		assert_eq!(second, vec![b]);
		assert_eq!(HealthRecords::records_of(&ALICE, 0, 1).len(), 1);
		assert!(HealthRecords::records_of(&ALICE, 2, 10).is_empty());
		assert_eq!(records[0].1.locator, None);
		assert_eq!(records[0].1.sealed_at, Some(START));
		assert_eq!(records[1].1.locator, Some(b"fhir://doc".to_vec()));
		assert_eq!(HealthRecords::records_of(&BOB, 0, 10).len(), 1);
	});
}

#[test]
fn authors_of_lists_each_authoring_organization_once_without_the_patient() {
	ExtBuilder::default().build_and_execute(|| {
		assert!(HealthRecords::authors_of(&ALICE).is_empty());
		// The patient's own upload has no organization.
		anchor(ALICE, ALICE, Other, hash(1), None);
		assert!(HealthRecords::authors_of(&ALICE).is_empty());
		grant_write(HOSPITAL_A, &[LabResults]);
		grant_write(HOSPITAL_B, &[LabResults]);
		let v1 = anchor(DOCTOR_A, ALICE, LabResults, hash(2), None);
		anchor(HOSPITAL_A, ALICE, LabResults, hash(3), Some(v1));
		anchor(DOCTOR_B, ALICE, LabResults, hash(4), None);
		// A sealed record still names its author.
		assert_ok!(HealthRecords::seal_record(signed(ALICE), v1));
		let mut authors = HealthRecords::authors_of(&ALICE);
		authors.sort();
		assert_eq!(authors, vec![HOSPITAL_A, HOSPITAL_B]);
		// Another patient's records are not Alice's.
		assert!(HealthRecords::authors_of(&BOB).is_empty());
	});
}

#[test]
fn batch_query() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(HealthRecords::batch(0), None);
		let id = anchor_batch_root(hash(5), 10);
		let batch = HealthRecords::batch(id).expect("batch stored");
		assert_eq!((batch.root, batch.leaf_count, batch.author), (hash(5), 10, HOSPITAL_A));
	});
}
