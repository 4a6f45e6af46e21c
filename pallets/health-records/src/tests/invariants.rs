//! `do_try_state`: each invariant is detected when broken.

use super::*;

#[test]
fn try_state_detects_a_broken_link() {
	ExtBuilder::default().build().execute_with(|| {
		let v1 = anchor(ALICE, ALICE, Other, hash(1), None);
		anchor(ALICE, ALICE, Other, hash(2), Some(v1));
		assert_ok!(HealthRecords::do_try_state());
		Records::<Test>::mutate(v1, |r| {
			if let Some(r) = r {
				r.superseded_by = None;
			}
		});
		assert!(HealthRecords::do_try_state().is_err());
	});
}

#[test]
fn try_state_detects_an_orphan_record() {
	ExtBuilder::default().build().execute_with(|| {
		let id = anchor(ALICE, ALICE, Other, hash(1), None);
		Records::<Test>::insert(hash(50), record(id));
		assert!(HealthRecords::do_try_state().is_err());
	});
}

#[test]
fn try_state_detects_a_sealed_record_with_a_locator() {
	ExtBuilder::default().build().execute_with(|| {
		let id = anchor(ALICE, ALICE, Other, hash(1), None);
		Records::<Test>::mutate(id, |r| {
			if let Some(r) = r {
				r.sealed_at = Some(START);
			}
		});
		assert!(HealthRecords::do_try_state().is_err());
	});
}

#[test]
fn try_state_detects_a_bad_batch() {
	ExtBuilder::default().build().execute_with(|| {
		anchor_batch_root(hash(1), 1);
		NextBatchId::<Test>::put(0);
		assert!(HealthRecords::do_try_state().is_err());
	});
}
