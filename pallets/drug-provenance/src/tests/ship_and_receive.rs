use super::*;

#[test]
fn shipment_ids_never_wrap() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		NextShipmentId::<Test>::put(u64::MAX);
		assert_noop!(
			DrugProvenance::ship(signed(MAKER_A_STAFF), id, DISTRIBUTOR, 1),
			Error::<Test>::ShipmentIdOverflow
		);
		NextShipmentId::<Test>::put(0);
	});
}

#[test]
fn two_step_hand_over_works() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(100);
		let shipment = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 60);
		System::assert_last_event(
			Event::ShipmentSent {
				shipment_id: 0,
				batch_id: id,
				from: MAKER_A,
				to: DISTRIBUTOR,
				quantity: 60,
			}
			.into(),
		);
		assert_eq!(custody(id, MAKER_A), c(40, 0, 60));
		assert_eq!(custody(id, DISTRIBUTOR), c(0, 60, 0));
		assert_eq!(batch(id).in_transit, 60);
		assert_eq!(holder_list(id), vec![MAKER_A, DISTRIBUTOR]);
		assert_eq!(
			DrugProvenance::shipment(shipment),
			Some(Shipment {
				batch_id: id,
				from: MAKER_A,
				to: DISTRIBUTOR,
				quantity: 60,
				sent_at: START
			})
		);

		advance_time(1_000);
		assert_ok!(DrugProvenance::receive(signed(CLERK), shipment));
		System::assert_last_event(
			Event::ShipmentReceived {
				shipment_id: 0,
				batch_id: id,
				from: MAKER_A,
				to: DISTRIBUTOR,
				quantity: 60,
			}
			.into(),
		);
		assert_eq!(custody(id, MAKER_A), c(40, 0, 0));
		assert_eq!(custody(id, DISTRIBUTOR), c(60, 0, 0));
		assert_eq!(batch(id).in_transit, 0);
		assert!(Shipments::<Test>::get(shipment).is_none());
		assert_eq!(
			DrugProvenance::batch_history(id)[1..],
			[
				CustodyEvent::Shipped {
					shipment_id: 0,
					from: MAKER_A,
					to: DISTRIBUTOR,
					quantity: 60,
					at: START
				},
				CustodyEvent::Received {
					shipment_id: 0,
					from: MAKER_A,
					to: DISTRIBUTOR,
					quantity: 60,
					at: START + 1_000
				},
			]
		);
	});
}

#[test]
fn a_distributor_splits_a_batch_across_pharmacies() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(100);
		hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 100);
		// The manufacturer holds nothing any more and leaves the holder list.
		assert_eq!(holder_list(id), vec![DISTRIBUTOR]);
		hand_over(CLERK, id, PHARMACY_A, PHARMACIST_A, 30);
		hand_over(CLERK, id, PHARMACY_B, PHARMACIST_B, 50);
		assert_eq!(held(id, DISTRIBUTOR), 20);
		assert_eq!(held(id, PHARMACY_A), 30);
		assert_eq!(held(id, PHARMACY_B), 50);
		assert_eq!(holder_list(id), vec![DISTRIBUTOR, PHARMACY_A, PHARMACY_B]);
		// A pharmacy can pass units on (e.g. to a sister pharmacy).
		hand_over(PHARMACIST_A, id, PHARMACY_B, PHARMACIST_B, 30);
		assert_eq!(holder_list(id), vec![DISTRIBUTOR, PHARMACY_B]);
		assert_eq!(
			DrugProvenance::holders(id),
			vec![(DISTRIBUTOR, c(20, 0, 0)), (PHARMACY_B, c(80, 0, 0))]
		);
	});
}

#[test]
fn sender_needs_an_active_custody_role() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		assert_noop!(
			DrugProvenance::ship(signed(OUTSIDER), id, DISTRIBUTOR, 1),
			ConsortiumError::<Test>::NotAMember
		);
		assert_noop!(
			DrugProvenance::ship(signed(DOCTOR), id, DISTRIBUTOR, 1),
			ConsortiumError::<Test>::MissingRole
		);
		assert_noop!(
			DrugProvenance::ship(signed(INSPECTOR), id, DISTRIBUTOR, 1),
			ConsortiumError::<Test>::MissingRole
		);
		suspend(MAKER_A);
		assert_noop!(
			DrugProvenance::ship(signed(MAKER_A_STAFF), id, DISTRIBUTOR, 1),
			ConsortiumError::<Test>::SuspendedOrganization
		);
	});
}

#[test]
fn quantity_and_batch_are_checked() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		assert_noop!(
			DrugProvenance::ship(signed(MAKER_A_STAFF), id, DISTRIBUTOR, 0),
			Error::<Test>::ZeroQuantity
		);
		assert_noop!(
			DrugProvenance::ship(signed(MAKER_A_STAFF), 7, DISTRIBUTOR, 1),
			Error::<Test>::UnknownBatch
		);
		assert_noop!(
			DrugProvenance::ship(signed(MAKER_A_STAFF), id, MAKER_A, 1),
			Error::<Test>::ShipToSelf
		);
	});
}

#[test]
fn recipient_must_be_an_active_custody_organization() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		let to = |to| DrugProvenance::ship(signed(MAKER_A_STAFF), id, to, 1);
		assert_noop!(to(OUTSIDER), Error::<Test>::RecipientNotOrganization);
		// A staff key is not an organization: ship to its organization instead.
		assert_noop!(to(CLERK), Error::<Test>::RecipientNotOrganization);
		assert_noop!(to(HOSPITAL), Error::<Test>::RecipientMissingRole);
		assert_noop!(to(REGULATOR), Error::<Test>::RecipientMissingRole);
		suspend(PHARMACY_A);
		assert_noop!(to(PHARMACY_A), Error::<Test>::SuspendedRecipient);
		// Manufacturers can receive (e.g. returns, contract manufacturing).
		assert_ok!(to(MAKER_B));
	});
}

#[test]
fn nobody_ships_more_than_they_hold() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		assert_noop!(
			DrugProvenance::ship(signed(MAKER_A_STAFF), id, DISTRIBUTOR, 11),
			Error::<Test>::InsufficientCustody
		);
		// A distributor holding nothing of the batch.
		assert_noop!(
			DrugProvenance::ship(signed(CLERK), id, PHARMACY_A, 1),
			Error::<Test>::InsufficientCustody
		);
		let shipment = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 6);
		// Units in transit are not held: neither by the sender nor by the recipient.
		assert_noop!(
			DrugProvenance::ship(signed(MAKER_A_STAFF), id, DISTRIBUTOR, 5),
			Error::<Test>::InsufficientCustody
		);
		assert_noop!(
			DrugProvenance::ship(signed(CLERK), id, PHARMACY_A, 1),
			Error::<Test>::InsufficientCustody
		);
		assert_ok!(DrugProvenance::receive(signed(CLERK), shipment));
		assert_noop!(
			DrugProvenance::ship(signed(CLERK), id, PHARMACY_A, 7),
			Error::<Test>::InsufficientCustody
		);
		ship(CLERK, id, PHARMACY_A, 6);
	});
}

#[test]
fn holder_list_is_bounded() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		ship(MAKER_A_STAFF, id, DISTRIBUTOR, 1);
		ship(MAKER_A_STAFF, id, DISTRIBUTOR_B, 1);
		ship(MAKER_A_STAFF, id, PHARMACY_A, 1);
		assert_eq!(holder_list(id).len() as u32, MAX_HOLDERS);
		assert_noop!(
			DrugProvenance::ship(signed(MAKER_A_STAFF), id, PHARMACY_B, 1),
			Error::<Test>::TooManyHolders
		);
		// Existing holders can still be shipped to.
		ship(MAKER_A_STAFF, id, PHARMACY_A, 1);
		// Once a holder's custody is empty, its slot is free again.
		let to_b = NextShipmentId::<Test>::get() - 3;
		assert_ok!(DrugProvenance::cancel_shipment(signed(MAKER_A_STAFF), to_b));
		assert!(!holder_list(id).contains(&DISTRIBUTOR_B));
		ship(MAKER_A_STAFF, id, PHARMACY_B, 1);
	});
}

#[test]
fn only_the_recipient_receives() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		let shipment = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 5);
		assert_noop!(
			DrugProvenance::receive(signed(PHARMACIST_A), shipment),
			Error::<Test>::NotShipmentRecipient
		);
		assert_noop!(
			DrugProvenance::receive(signed(MAKER_A_STAFF), shipment),
			Error::<Test>::NotShipmentRecipient
		);
		assert_noop!(
			DrugProvenance::receive(signed(OUTSIDER), shipment),
			ConsortiumError::<Test>::NotAMember
		);
		assert_noop!(
			DrugProvenance::receive(signed(DOCTOR), shipment),
			ConsortiumError::<Test>::MissingRole
		);
		assert_noop!(
			DrugProvenance::receive(signed(CLERK), shipment + 1),
			Error::<Test>::UnknownShipment
		);
		// The organization's admin can receive as well as its staff.
		assert_ok!(DrugProvenance::receive(signed(DISTRIBUTOR), shipment));
		assert_noop!(
			DrugProvenance::receive(signed(CLERK), shipment),
			Error::<Test>::UnknownShipment
		);
	});
}

#[test]
fn a_suspended_recipient_cannot_receive() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		let shipment = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 5);
		suspend(DISTRIBUTOR);
		assert_noop!(
			DrugProvenance::receive(signed(CLERK), shipment),
			ConsortiumError::<Test>::SuspendedOrganization
		);
		// The sender takes the goods back.
		assert_ok!(DrugProvenance::cancel_shipment(signed(MAKER_A_STAFF), shipment));
		assert_eq!(custody(id, MAKER_A), c(10, 0, 0));
	});
}
