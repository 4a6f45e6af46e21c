use super::*;

#[test]
fn returns_the_units_to_the_sender() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 10);
		let shipment = ship(CLERK, id, PHARMACY_A, 4);
		advance_time(1_000);
		assert_ok!(DrugProvenance::reject_shipment(signed(PHARMACIST_A), shipment));
		System::assert_last_event(
			Event::ShipmentRejected {
				shipment_id: shipment,
				batch_id: id,
				from: DISTRIBUTOR,
				to: PHARMACY_A,
				quantity: 4,
			}
			.into(),
		);
		assert_eq!(custody(id, DISTRIBUTOR), c(10, 0, 0));
		assert!(!Holdings::<Test>::contains_key(id, PHARMACY_A));
		assert_eq!(holder_list(id), vec![DISTRIBUTOR]);
		assert_eq!(batch(id).in_transit, 0);
		assert_eq!(
			DrugProvenance::batch_history(id).last(),
			Some(&CustodyEvent::Rejected {
				shipment_id: shipment,
				from: DISTRIBUTOR,
				to: PHARMACY_A,
				quantity: 4,
				at: START + 1_000
			})
		);
		assert_noop!(
			DrugProvenance::receive(signed(PHARMACIST_A), shipment),
			Error::<Test>::UnknownShipment
		);
		assert_noop!(
			DrugProvenance::cancel_shipment(signed(CLERK), shipment),
			Error::<Test>::UnknownShipment
		);
	});
}

#[test]
fn only_the_recipient_rejects() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		let shipment = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 5);
		let reject = |who, s| DrugProvenance::reject_shipment(signed(who), s);
		assert_noop!(reject(MAKER_A_STAFF, shipment), Error::<Test>::NotShipmentRecipient);
		assert_noop!(reject(PHARMACIST_A, shipment), Error::<Test>::NotShipmentRecipient);
		assert_noop!(reject(OUTSIDER, shipment), ConsortiumError::<Test>::NotAMember);
		assert_noop!(reject(DOCTOR, shipment), ConsortiumError::<Test>::MissingRole);
		assert_noop!(reject(CLERK, shipment + 1), Error::<Test>::UnknownShipment);
		suspend(DISTRIBUTOR);
		assert_noop!(reject(CLERK, shipment), ConsortiumError::<Test>::SuspendedOrganization);
		assert_ok!(ConsortiumCall::reinstate_organization(root(), DISTRIBUTOR));
		// The admin may reject as well as its staff.
		assert_ok!(reject(DISTRIBUTOR, shipment));
	});
}

/// A recipient flooded with 1-unit shipments frees the holder slots itself.
#[test]
fn a_griefed_recipient_frees_holder_slots() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 10);
		// The distributor fills the list with unwanted shipments and never cancels.
		let to_maker_b = ship(CLERK, id, MAKER_B, 1);
		ship(CLERK, id, PHARMACY_A, 1);
		ship(CLERK, id, PHARMACY_B, 1);
		assert_eq!(holder_list(id).len() as u32, MAX_HOLDERS);
		assert_noop!(
			DrugProvenance::ship(signed(CLERK), id, DISTRIBUTOR_B, 1),
			Error::<Test>::TooManyHolders
		);
		assert_ok!(DrugProvenance::reject_shipment(signed(MAKER_B_STAFF), to_maker_b));
		assert!(!holder_list(id).contains(&MAKER_B));
		ship(CLERK, id, DISTRIBUTOR_B, 1);
	});
}

#[test]
fn a_recalled_shipment_can_be_rejected() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 10);
		let shipment = ship(CLERK, id, PHARMACY_A, 4);
		assert_ok!(DrugProvenance::recall_batch(signed(INSPECTOR), id, 1));
		assert_ok!(DrugProvenance::reject_shipment(signed(PHARMACIST_A), shipment));
		assert_eq!(custody(id, DISTRIBUTOR), c(10, 0, 0));
	});
}
