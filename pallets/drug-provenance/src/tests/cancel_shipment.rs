use super::*;

#[test]
fn returns_the_units_to_the_sender() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 10);
		let shipment = ship(CLERK, id, PHARMACY_A, 4);
		assert_ok!(DrugProvenance::cancel_shipment(signed(CLERK), shipment));
		System::assert_last_event(
			Event::ShipmentCancelled {
				shipment_id: shipment,
				batch_id: id,
				from: DISTRIBUTOR,
				to: PHARMACY_A,
				quantity: 4,
			}
			.into(),
		);
		assert_eq!(custody(id, DISTRIBUTOR), c(10, 0, 0));
		assert_eq!(custody(id, PHARMACY_A), c(0, 0, 0));
		assert_eq!(holder_list(id), vec![DISTRIBUTOR]);
		assert_eq!(batch(id).in_transit, 0);
		assert!(matches!(
			DrugProvenance::batch_history(id).last(),
			Some(CustodyEvent::Cancelled { quantity: 4, .. })
		));
		assert_noop!(
			DrugProvenance::receive(signed(PHARMACIST_A), shipment),
			Error::<Test>::UnknownShipment
		);
	});
}

#[test]
fn only_the_sender_cancels() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		let shipment = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 5);
		assert_noop!(
			DrugProvenance::cancel_shipment(signed(CLERK), shipment),
			Error::<Test>::NotShipmentSender
		);
		assert_noop!(
			DrugProvenance::cancel_shipment(signed(OUTSIDER), shipment),
			ConsortiumError::<Test>::NotAMember
		);
		assert_noop!(
			DrugProvenance::cancel_shipment(signed(MAKER_A_STAFF), shipment + 1),
			Error::<Test>::UnknownShipment
		);
		assert_ok!(DrugProvenance::receive(signed(CLERK), shipment));
		assert_noop!(
			DrugProvenance::cancel_shipment(signed(MAKER_A_STAFF), shipment),
			Error::<Test>::UnknownShipment
		);
	});
}
