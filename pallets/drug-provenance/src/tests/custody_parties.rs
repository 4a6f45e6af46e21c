use super::*;

#[test]
fn every_recipient_becomes_a_party_for_good() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		let parties = || {
			let mut p: Vec<AccountId> = CustodyParties::<Test>::iter_key_prefix(id).collect();
			p.sort();
			p
		};
		assert_eq!(parties(), vec![MAKER_A]);
		let s = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 2);
		assert_ok!(DrugProvenance::cancel_shipment(signed(MAKER_A_STAFF), s));
		hand_over(MAKER_A_STAFF, id, PHARMACY_A, PHARMACIST_A, 2);
		hand_over(PHARMACIST_A, id, PHARMACY_B, PHARMACIST_B, 2);
		assert_eq!(parties(), vec![MAKER_A, DISTRIBUTOR, PHARMACY_A, PHARMACY_B]);
	});
}

#[test]
fn try_state_catches_a_holder_that_is_no_party() {
	ExtBuilder::default().build().execute_with(|| {
		let (id, _) = setup(10);
		ship(MAKER_A_STAFF, id, DISTRIBUTOR, 4);
		assert_eq!(DrugProvenance::do_try_state(), Ok(()));
		CustodyParties::<Test>::remove(id, DISTRIBUTOR);
		assert!(DrugProvenance::do_try_state().is_err());
	});
}
