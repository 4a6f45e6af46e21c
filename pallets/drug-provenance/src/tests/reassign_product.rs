use super::*;

#[test]
fn governance_moves_a_squatted_product_to_its_owner() {
	ExtBuilder::default().build_and_execute(|| {
		// Maker B's GTIN was registered by Maker A (e.g. before prefixes were modelled,
		// or under a prefix governance assigned by mistake) and a batch was made.
		let (old_batch, serials) = setup(10);
		register(GTIN_2);
		assert_ok!(DrugProvenance::reassign_product(root(), gtin_in(GTIN), MAKER_B));
		System::assert_last_event(
			Event::ProductReassigned { gtin: gtin(GTIN), from: MAKER_A, to: MAKER_B }.into(),
		);
		assert_eq!(Products::<Test>::get(gtin(GTIN)).map(|p| p.manufacturer), Some(MAKER_B));
		assert_eq!(ProductsOf::<Test>::get(MAKER_A).into_inner(), vec![gtin(GTIN_2)]);
		assert_eq!(ProductsOf::<Test>::get(MAKER_B).into_inner(), vec![gtin(GTIN)]);
		// Only the new owner commissions new lots.
		assert_noop!(
			DrugProvenance::commission_batch(
				signed(MAKER_A_STAFF),
				gtin_in(GTIN),
				lot(b"L2"),
				expiry(EXPIRY),
				5,
				H256::repeat_byte(1)
			),
			Error::<Test>::NotProductOwner
		);
		assert_ok!(DrugProvenance::commission_batch(
			signed(MAKER_B_STAFF),
			gtin_in(GTIN),
			lot(b"L2"),
			expiry(EXPIRY),
			5,
			H256::repeat_byte(1)
		));
		// The old batch still names Maker A as its maker; scanners see both.
		assert_eq!(batch(old_batch).manufacturer, MAKER_A);
		let status = DrugProvenance::verify_unit(
			GTIN.to_vec(),
			LOT.to_vec(),
			serials[0].clone(),
			api_proof(&proof_of(&serials, 0)),
		);
		assert_eq!(status.manufacturer, Some(MAKER_B));
		assert_eq!(status.batch_manufacturer, Some(MAKER_A));
		assert!(status.authentic);
		// Moving the last product away removes the list.
		assert_ok!(DrugProvenance::reassign_product(root(), gtin_in(GTIN_2), MAKER_B));
		assert!(!ProductsOf::<Test>::contains_key(MAKER_A));
	});
}

#[test]
fn errors() {
	ExtBuilder::default().build_and_execute(|| {
		register(GTIN);
		let call = |g: &[u8], to| DrugProvenance::reassign_product(root(), gtin_in(g), to);
		assert_noop!(
			DrugProvenance::reassign_product(signed(MAKER_B_STAFF), gtin_in(GTIN), MAKER_B),
			BadOrigin
		);
		assert_noop!(call(b"0950600013435", MAKER_B), Error::<Test>::InvalidGtin);
		assert_noop!(call(b"09506000134353", MAKER_B), Error::<Test>::InvalidGtinCheckDigit);
		assert_noop!(call(GTIN_2, MAKER_B), Error::<Test>::UnknownProduct);
		assert_noop!(call(GTIN, DISTRIBUTOR), Error::<Test>::NotAManufacturer);
		assert_noop!(call(GTIN, MAKER_B_STAFF), Error::<Test>::NotAManufacturer);
		assert_noop!(call(GTIN, MAKER_A), Error::<Test>::AlreadyProductOwner);
		suspend(MAKER_B);
		assert_noop!(call(GTIN, MAKER_B), Error::<Test>::NotAManufacturer);
	});
}

#[test]
fn respects_the_new_owners_product_bound() {
	ExtBuilder::default().build_and_execute(|| {
		register(GTIN);
		for digits in [&b"04006381333948"[..], b"04006381333955", b"04006381333962"] {
			assert_ok!(DrugProvenance::register_product(
				signed(MAKER_B_STAFF),
				gtin_in(digits),
				metadata()
			));
		}
		assert_noop!(
			DrugProvenance::reassign_product(root(), gtin_in(GTIN), MAKER_B),
			Error::<Test>::TooManyProducts
		);
	});
}
