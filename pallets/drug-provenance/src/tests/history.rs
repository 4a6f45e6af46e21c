use super::*;

#[test]
fn records_every_custody_step_in_order() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, serials) = setup(10);
		let s0 = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 8);
		assert_ok!(DrugProvenance::receive(signed(CLERK), s0));
		let s1 = ship(CLERK, id, PHARMACY_A, 3);
		assert_ok!(DrugProvenance::cancel_shipment(signed(CLERK), s1));
		hand_over(CLERK, id, PHARMACY_A, PHARMACIST_A, 3);
		dispense(PHARMACIST_A, id, &serials, 0);
		let kinds = || -> Vec<&str> {
			DrugProvenance::batch_history(id)
				.iter()
				.map(|e| match e {
					CustodyEvent::Commissioned { .. } => "commissioned",
					CustodyEvent::Shipped { .. } => "shipped",
					CustodyEvent::Received { .. } => "received",
					CustodyEvent::Cancelled { .. } => "cancelled",
					CustodyEvent::Dispensed { .. } => "dispensed",
					CustodyEvent::Recalled { .. } => "recalled",
					CustodyEvent::Rejected { .. } => "rejected",
					CustodyEvent::Destroyed { .. } => "destroyed",
				})
				.collect()
		};
		assert_eq!(
			kinds(),
			[
				"commissioned",
				"shipped",
				"received",
				"shipped",
				"cancelled",
				"shipped",
				"received",
				"dispensed"
			]
		);
		assert_ok!(DrugProvenance::recall_batch(signed(INSPECTOR), id, 9));
		assert_eq!(
			kinds(),
			[
				"commissioned",
				"received",
				"shipped",
				"cancelled",
				"shipped",
				"received",
				"dispensed",
				"recalled"
			]
		);
		// MAX_HISTORY = 8: the recall dropped the oldest entry after Commissioned.
		let history = DrugProvenance::batch_history(id);
		assert_eq!(history.len() as u32, MAX_HISTORY);
		assert!(matches!(history.first(), Some(CustodyEvent::Commissioned { .. })));
		assert!(matches!(history.last(), Some(CustodyEvent::Recalled { reason_code: 9, .. })));
		assert_eq!(batch(id).history_pruned, 1);
	});
}

#[test]
fn at_the_bound_commissioned_and_the_newest_entries_are_kept() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(100);
		let mut ids = vec![];
		for _ in 0..10 {
			ids.push(ship(MAKER_A_STAFF, id, DISTRIBUTOR, 1));
		}
		let history = BatchHistory::<Test>::get(id);
		assert_eq!(history.len() as u32, MAX_HISTORY);
		assert!(matches!(history.first(), Some(CustodyEvent::Commissioned { quantity: 100, .. })));
		let shipped: Vec<ShipmentId> = history
			.iter()
			.filter_map(|e| match e {
				CustodyEvent::Shipped { shipment_id, .. } => Some(*shipment_id),
				_ => None,
			})
			.collect();
		assert_eq!(shipped, ids[3..].to_vec());
		assert_eq!(batch(id).history_pruned, 3);
	});
}

#[test]
fn dispenses_by_alternating_pharmacies_are_separate_runs() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, serials) = setup(10);
		hand_over(MAKER_A_STAFF, id, PHARMACY_A, PHARMACIST_A, 5);
		hand_over(MAKER_A_STAFF, id, PHARMACY_B, PHARMACIST_B, 5);
		dispense(PHARMACIST_A, id, &serials, 0);
		dispense(PHARMACIST_A, id, &serials, 1);
		dispense(PHARMACIST_B, id, &serials, 2);
		dispense(PHARMACIST_A, id, &serials, 3);
		let runs: Vec<(AccountId, u32)> = DrugProvenance::batch_history(id)
			.into_iter()
			.filter_map(|e| match e {
				CustodyEvent::Dispensed { pharmacy, count, .. } => Some((pharmacy, count)),
				_ => None,
			})
			.collect();
		assert_eq!(runs, vec![(PHARMACY_A, 2), (PHARMACY_B, 1), (PHARMACY_A, 1)]);
	});
}
