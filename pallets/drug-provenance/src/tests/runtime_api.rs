use super::*;

#[test]
fn verify_unit_reports_everything_about_a_pack() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, serials) = setup(10);
		to_pharmacy(id, 5);
		let check = |k: usize| {
			DrugProvenance::verify_unit(
				GTIN.to_vec(),
				LOT.to_vec(),
				serials[k].clone(),
				api_proof(&proof_of(&serials, k as u32)),
			)
		};
		let fresh = check(2);
		assert_eq!(
			fresh,
			UnitStatus {
				batch_id: Some(id),
				manufacturer: Some(MAKER_A),
				batch_manufacturer: Some(MAKER_A),
				authentic: true,
				dispensed: None,
				recalled: false,
				expired: false,
				expiry: Some(ExpiryDate { year: 2027, month: 12, day: 31 }),
				holders: vec![(MAKER_A, c(5, 0, 0)), (PHARMACY_A, c(5, 0, 0))],
				suspect_reports: 0,
			}
		);
		assert!(fresh.is_dispensable());
		dispense(PHARMACIST_A, id, &serials, 2);
		assert_eq!(check(2).dispensed, Some(DispenseInfo { pharmacy: PHARMACY_A, at: START }));
		assert!(!check(2).is_dispensable());
		// A fake serial, a wrong proof.
		let fake = DrugProvenance::verify_unit(
			GTIN.to_vec(),
			LOT.to_vec(),
			b"FAKE".to_vec(),
			api_proof(&proof_of(&serials, 2)),
		);
		assert!(!fake.authentic && fake.batch_id == Some(id));
		let long_serial = DrugProvenance::verify_unit(
			GTIN.to_vec(),
			LOT.to_vec(),
			vec![b'S'; 21],
			api_proof(&proof_of(&serials, 2)),
		);
		assert!(!long_serial.authentic);
		// Expired, recalled.
		Timestamp::set_timestamp(EXPIRY_END + 1);
		assert!(check(3).expired && !check(3).is_dispensable());
		assert_ok!(DrugProvenance::recall_batch(signed(INSPECTOR), id, 5));
		assert!(check(3).recalled);
	});
}

#[test]
fn verify_unit_of_an_unknown_pack() {
	ExtBuilder::default().build_and_execute(|| {
		let (_, serials) = setup(10);
		let proof = api_proof(&proof_of(&serials, 0));
		let unknown = |g: &[u8], l: &[u8]| {
			DrugProvenance::verify_unit(g.to_vec(), l.to_vec(), serials[0].clone(), proof.clone())
		};
		assert_eq!(unknown(GTIN_2, LOT), UnitStatus::unknown());
		assert_eq!(unknown(b"09506000134353", LOT), UnitStatus::unknown());
		assert_eq!(unknown(GTIN, b"OTHER"), UnitStatus::unknown());
		assert_eq!(unknown(GTIN, &[b'L'; 21]), UnitStatus::unknown());
		assert!(unknown(GTIN, LOT).authentic);
	});
}

#[test]
fn queries() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, serials) = setup(10);
		hand_over(MAKER_A_STAFF, id, PHARMACY_A, PHARMACIST_A, 2);
		let pending = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 3);
		assert_eq!(DrugProvenance::batch_of(GTIN.to_vec(), LOT.to_vec()), Some(id));
		assert_eq!(DrugProvenance::batch_of(b"bad".to_vec(), LOT.to_vec()), None);
		let info = DrugProvenance::batch(id).expect("batch");
		assert_eq!(info.lot, LOT.to_vec());
		assert_eq!(info.serials_root, serials_root(&serials));
		assert_eq!(info.in_transit, 3);
		assert_eq!(DrugProvenance::batch(id + 1), None);
		assert_eq!(
			DrugProvenance::holders(id),
			vec![(MAKER_A, c(5, 0, 3)), (PHARMACY_A, c(2, 0, 0)), (DISTRIBUTOR, c(0, 3, 0))]
		);
		assert_eq!(DrugProvenance::batch_history(id).len(), 4);
		assert!(DrugProvenance::batch_history(id + 1).is_empty());
		assert!(DrugProvenance::holders(id + 1).is_empty());
		assert!(DrugProvenance::suspect_reports(id).is_empty());
		assert_eq!(DrugProvenance::shipment(pending).map(|s| s.quantity), Some(3));
		assert_eq!(DrugProvenance::shipment(pending + 1), None);
		assert_eq!(
			DrugProvenance::products_of(&MAKER_A),
			vec![(
				gtin(GTIN),
				Product { manufacturer: MAKER_A, metadata_hash: metadata(), registered_at: START }
			)]
		);
	});
}
