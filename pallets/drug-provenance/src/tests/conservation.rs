use super::*;

/// `sum(held) + in_transit + dispensed == quantity`, checked by hand (try_state checks
/// it again at the end of every test).
fn assert_conserved(id: BatchId) {
	let b = batch(id);
	let held: u32 = DrugProvenance::holders(id).iter().map(|(_, c)| c.held).sum();
	assert_eq!(held + b.in_transit + b.dispensed + b.destroyed, b.quantity);
}

#[test]
fn holds_across_splits_cancels_and_dispenses() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, serials) = setup(50);
		let s0 = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 30);
		assert_conserved(id);
		let s1 = ship(MAKER_A_STAFF, id, DISTRIBUTOR_B, 10);
		assert_conserved(id);
		assert_ok!(DrugProvenance::receive(signed(CLERK), s0));
		assert_ok!(DrugProvenance::cancel_shipment(signed(MAKER_A_STAFF), s1));
		assert_conserved(id);
		hand_over(CLERK, id, PHARMACY_A, PHARMACIST_A, 12);
		let s2 = ship(CLERK, id, PHARMACY_B, 10);
		assert_conserved(id);
		for k in 0..5 {
			dispense(PHARMACIST_A, id, &serials, k);
		}
		assert_conserved(id);
		assert_ok!(DrugProvenance::receive(signed(PHARMACIST_B), s2));
		dispense(PHARMACIST_B, id, &serials, 40);
		assert_conserved(id);
		assert_eq!(
			DrugProvenance::holders(id),
			vec![
				(MAKER_A, c(20, 0, 0)),
				(DISTRIBUTOR, c(8, 0, 0)),
				(PHARMACY_A, c(7, 0, 0)),
				(PHARMACY_B, c(9, 0, 0)),
			]
		);
		assert_eq!(batch(id).dispensed, 6);
		assert_eq!(DrugProvenance::do_try_state(), Ok(()));
	});
}

#[test]
fn try_state_catches_broken_conservation() {
	ExtBuilder::default().build().execute_with(|| {
		let (id, _) = setup(10);
		assert_eq!(DrugProvenance::do_try_state(), Ok(()));
		Holdings::<Test>::insert(id, MAKER_A, c(11, 0, 0));
		assert!(DrugProvenance::do_try_state().is_err());
		Holdings::<Test>::insert(id, MAKER_A, c(10, 0, 0));
		assert_eq!(DrugProvenance::do_try_state(), Ok(()));
		Batches::<Test>::mutate(id, |b| b.as_mut().unwrap().in_transit = 1);
		assert!(DrugProvenance::do_try_state().is_err());
	});
}

#[test]
fn try_state_catches_an_unlisted_holder() {
	ExtBuilder::default().build().execute_with(|| {
		let (id, _) = setup(10);
		ship(MAKER_A_STAFF, id, DISTRIBUTOR, 4);
		BatchHolders::<Test>::mutate(id, |h| h.retain(|a| *a != DISTRIBUTOR));
		assert!(DrugProvenance::do_try_state().is_err());
	});
}
