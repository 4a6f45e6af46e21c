//! The fee-less wiring of `seal_record` and `erase_records` (`feeless_if` and the free quota).

use super::*;

fn seal_call(record_id: RecordId) -> RuntimeCall {
	RuntimeCall::HealthRecords(crate::Call::seal_record { record_id })
}

#[test]
fn seal_is_feeless_for_the_patient_with_quota() {
	ExtBuilder::default().build_and_execute(|| {
		let id = anchor(ALICE, ALICE, Other, hash(1), None);
		assert!(seal_call(id).is_feeless(&signed(ALICE)));
		assert!(!seal_call(id).is_feeless(&RuntimeOrigin::root()));
		assert_ok!(HealthRecords::seal_record(signed(ALICE), id));
		assert_eq!(MockPatients::free_calls(ALICE), FREE_CALLS - 1);
	});
}

#[test]
fn a_seal_that_would_fail_is_never_feeless() {
	ExtBuilder::default().build_and_execute(|| {
		let id = anchor(ALICE, ALICE, Other, hash(1), None);
		assert!(!seal_call(id).is_feeless(&signed(BOB)));
		assert!(!seal_call(hash(42)).is_feeless(&signed(ALICE)));
		assert_ok!(HealthRecords::seal_record(signed(ALICE), id));
		assert!(!seal_call(id).is_feeless(&signed(ALICE)));
	});
}

#[test]
fn a_patient_without_quota_pays_and_uses_no_quota() {
	ExtBuilder::default().build_and_execute(|| {
		let id = anchor(POOR, POOR, Other, hash(1), None);
		assert!(!seal_call(id).is_feeless(&signed(POOR)));
		assert_ok!(HealthRecords::seal_record(signed(POOR), id));
		assert_eq!(MockPatients::free_calls(POOR), 0);
	});
}

#[test]
fn a_deregistered_patient_pays_to_seal_but_erasure_needs_no_seal() {
	ExtBuilder::default().build_and_execute(|| {
		let id = anchor(ALICE, ALICE, Other, hash(1), None);
		MockPatients::deregister(ALICE);
		assert!(!seal_call(id).is_feeless(&signed(ALICE)));
		// Erasure is what a deregistered patient needs, and it is fee-less.
		let erase = crate::Call::<Test>::erase_records { patient: ALICE };
		assert!(erase.is_feeless(&signed(ALICE)));
	});
}
