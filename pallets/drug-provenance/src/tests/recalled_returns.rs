//! Recalled units go back to their manufacturer and are destroyed.

use super::*;

#[test]
fn recalled_units_return_to_the_manufacturer_only() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 6);
		hand_over(CLERK, id, PHARMACY_A, PHARMACIST_A, 3);
		let before_recall = ship(CLERK, id, PHARMACY_B, 1);
		assert_ok!(DrugProvenance::recall_batch(signed(INSPECTOR), id, 4));
		// Anywhere else is refused, at ship and at receive.
		for to in [PHARMACY_B, DISTRIBUTOR_B, MAKER_B] {
			assert_noop!(
				DrugProvenance::ship(signed(PHARMACIST_A), id, to, 1),
				Error::<Test>::RecalledBatch
			);
		}
		assert_noop!(
			DrugProvenance::receive(signed(PHARMACIST_B), before_recall),
			Error::<Test>::RecalledBatch
		);
		// The pharmacy returns its units to the manufacturer directly; the distributor too.
		let back_a = ship(PHARMACIST_A, id, MAKER_A, 3);
		System::assert_last_event(
			Event::ShipmentSent {
				shipment_id: back_a,
				batch_id: id,
				from: PHARMACY_A,
				to: MAKER_A,
				quantity: 3,
			}
			.into(),
		);
		assert_ok!(DrugProvenance::receive(signed(MAKER_A_STAFF), back_a));
		assert_ok!(DrugProvenance::cancel_shipment(signed(CLERK), before_recall));
		hand_over(CLERK, id, MAKER_A, MAKER_A_STAFF, 3);
		assert_eq!(holder_list(id), vec![MAKER_A]);
		assert_eq!(custody(id, MAKER_A), c(10, 0, 0));
		// Then destroys them.
		assert_ok!(DrugProvenance::destroy_units(
			signed(MAKER_A_STAFF),
			id,
			10,
			DestructionReason::Recalled
		));
		assert!(holder_list(id).is_empty());
		assert_eq!(batch(id).destroyed, 10);
	});
}

#[test]
fn a_return_sent_before_the_recall_can_be_received() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 6);
		let back = ship(CLERK, id, MAKER_A, 2);
		assert_ok!(DrugProvenance::recall_batch(signed(MAKER_A_STAFF), id, 4));
		assert_ok!(DrugProvenance::receive(signed(MAKER_A), back));
		assert_eq!(custody(id, MAKER_A), c(6, 0, 0));
	});
}

#[test]
fn a_suspended_manufacturer_cannot_be_returned_to() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 6);
		assert_ok!(DrugProvenance::recall_batch(signed(INSPECTOR), id, 4));
		suspend(MAKER_A);
		assert_noop!(
			DrugProvenance::ship(signed(CLERK), id, MAKER_A, 1),
			Error::<Test>::SuspendedRecipient
		);
		// The holder destroys the units itself.
		assert_ok!(DrugProvenance::destroy_units(
			signed(CLERK),
			id,
			6,
			DestructionReason::Recalled
		));
	});
}
