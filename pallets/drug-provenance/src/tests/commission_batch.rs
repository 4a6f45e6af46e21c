use super::*;

#[test]
fn works_and_gives_the_manufacturer_custody() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, serials) = setup(10);
		assert_eq!(id, 0);
		let root = serials_root(&serials);
		let date = ExpiryDate { year: 2027, month: 12, day: 31 };
		System::assert_last_event(
			Event::BatchCommissioned {
				batch_id: 0,
				gtin: gtin(GTIN),
				lot: lot(LOT),
				expiry: date,
				quantity: 10,
				serials_root: root,
				manufacturer: MAKER_A,
			}
			.into(),
		);
		assert_eq!(
			batch(0),
			Batch {
				gtin: gtin(GTIN),
				lot: lot(LOT),
				expiry: date,
				quantity: 10,
				serials_root: root,
				manufacturer: MAKER_A,
				commissioned_at: START,
				in_transit: 0,
				dispensed: 0,
				destroyed: 0,
				suspect_reports: 0,
				history_pruned: 0,
				recalled: None,
			}
		);
		assert!(CustodyParties::<Test>::contains_key(0, MAKER_A));
		assert_eq!(BatchOf::<Test>::get(gtin(GTIN), lot(LOT)), Some(0));
		assert_eq!(custody(0, MAKER_A), c(10, 0, 0));
		assert_eq!(holder_list(0), vec![MAKER_A]);
		assert_eq!(
			DrugProvenance::batch_history(0),
			vec![CustodyEvent::Commissioned { by: MAKER_A, quantity: 10, at: START }]
		);
		assert_eq!(NextBatchId::<Test>::get(), 1);
	});
}

#[test]
fn needs_an_active_manufacturer() {
	ExtBuilder::default().build_and_execute(|| {
		register(GTIN);
		let call = |who| {
			DrugProvenance::commission_batch(
				signed(who),
				gtin_in(GTIN),
				lot(LOT),
				expiry(EXPIRY),
				10,
				H256::repeat_byte(1),
			)
		};
		assert_noop!(call(OUTSIDER), ConsortiumError::<Test>::NotAMember);
		assert_noop!(call(CLERK), ConsortiumError::<Test>::MissingRole);
		suspend(MAKER_A);
		assert_noop!(call(MAKER_A_STAFF), ConsortiumError::<Test>::SuspendedOrganization);
	});
}

fn commission(
	who: AccountId,
	g: &[u8],
	l: &[u8],
	e: &[u8],
	quantity: u32,
	root: H256,
) -> frame_support::dispatch::DispatchResult {
	DrugProvenance::commission_batch(signed(who), gtin_in(g), lot(l), expiry(e), quantity, root)
}

#[test]
fn gtin_must_be_valid_registered_and_owned() {
	ExtBuilder::default().build_and_execute(|| {
		register(GTIN);
		let root = H256::repeat_byte(1);
		assert_noop!(
			commission(MAKER_A_STAFF, b"09506000134353", LOT, EXPIRY, 10, root),
			Error::<Test>::InvalidGtinCheckDigit
		);
		assert_noop!(
			commission(MAKER_A_STAFF, b"0950600013435", LOT, EXPIRY, 10, root),
			Error::<Test>::InvalidGtin
		);
		assert_noop!(
			commission(MAKER_A_STAFF, GTIN_2, LOT, EXPIRY, 10, root),
			Error::<Test>::UnknownProduct
		);
		// A foreign GTIN: Maker B cannot commission Maker A's product.
		assert_noop!(
			commission(MAKER_B_STAFF, GTIN, LOT, EXPIRY, 10, root),
			Error::<Test>::NotProductOwner
		);
	});
}

#[test]
fn lot_must_be_gs1() {
	ExtBuilder::default().build_and_execute(|| {
		register(GTIN);
		let root = H256::repeat_byte(1);
		for bad in [&b""[..], b"LOT 1", b"LOT#1", b"lot~"] {
			assert_noop!(
				commission(MAKER_A_STAFF, GTIN, bad, EXPIRY, 10, root),
				Error::<Test>::InvalidLot
			);
		}
		assert_ok!(commission(MAKER_A_STAFF, GTIN, b"ABCDEFGHIJ0123456789", EXPIRY, 10, root));
	});
}

#[test]
fn expiry_must_be_a_valid_future_date() {
	ExtBuilder::default().build_and_execute(|| {
		register(GTIN);
		let root = H256::repeat_byte(1);
		for bad in [&b"271301"[..], b"270230", b"27123", b"2712AB", b"270431"] {
			assert_noop!(
				commission(MAKER_A_STAFF, GTIN, LOT, bad, 10, root),
				Error::<Test>::InvalidExpiry
			);
		}
		// Yesterday (2026-01-14) and a 1999 date (YY = 99 in 2026) have passed.
		assert_noop!(
			commission(MAKER_A_STAFF, GTIN, LOT, b"260114", 10, root),
			Error::<Test>::ExpiredBatch
		);
		assert_noop!(
			commission(MAKER_A_STAFF, GTIN, LOT, b"991231", 10, root),
			Error::<Test>::ExpiredBatch
		);
		// Today is still fine; so is DD = 00 of this month.
		assert_ok!(commission(MAKER_A_STAFF, GTIN, b"L1", b"260115", 10, root));
		assert_ok!(commission(MAKER_A_STAFF, GTIN, b"L2", b"260100", 10, root));
		assert_eq!(batch(1).expiry, ExpiryDate { year: 2026, month: 1, day: 31 });
	});
}

#[test]
fn quantity_and_root_are_checked() {
	ExtBuilder::default().build_and_execute(|| {
		register(GTIN);
		let root = H256::repeat_byte(1);
		assert_noop!(
			commission(MAKER_A_STAFF, GTIN, LOT, EXPIRY, 0, root),
			Error::<Test>::ZeroQuantity
		);
		assert_noop!(
			commission(MAKER_A_STAFF, GTIN, LOT, EXPIRY, MAX_QUANTITY + 1, root),
			Error::<Test>::QuantityTooLarge
		);
		assert_noop!(
			commission(MAKER_A_STAFF, GTIN, LOT, EXPIRY, 10, H256::zero()),
			Error::<Test>::ZeroSerialsRoot
		);
		assert_ok!(commission(MAKER_A_STAFF, GTIN, LOT, EXPIRY, MAX_QUANTITY, root));
	});
}

#[test]
fn a_lot_is_commissioned_once_per_gtin() {
	ExtBuilder::default().build_and_execute(|| {
		setup(10);
		assert_noop!(
			commission(MAKER_A_STAFF, GTIN, LOT, EXPIRY, 10, H256::repeat_byte(2)),
			Error::<Test>::LotAlreadyCommissioned
		);
		// The same lot of another product is another batch.
		register(GTIN_2);
		let (id, _) = commission_lot(GTIN_2, LOT, 5);
		assert_eq!(id, 1);
		assert_eq!(DrugProvenance::batch_of(GTIN_2.to_vec(), LOT.to_vec()), Some(1));
		assert_eq!(DrugProvenance::batch_of(GTIN.to_vec(), LOT.to_vec()), Some(0));
	});
}

#[test]
fn batch_ids_never_wrap() {
	ExtBuilder::default().build_and_execute(|| {
		register(GTIN);
		NextBatchId::<Test>::put(u64::MAX);
		assert_noop!(
			commission(MAKER_A_STAFF, GTIN, LOT, EXPIRY, 10, H256::repeat_byte(1)),
			Error::<Test>::BatchIdOverflow
		);
		NextBatchId::<Test>::put(0);
	});
}
