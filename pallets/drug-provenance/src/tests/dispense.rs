use super::*;

#[test]
fn works_with_a_proof() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, serials) = setup(10);
		to_pharmacy(id, 5);
		advance_time(1_000);
		dispense(PHARMACIST_A, id, &serials, 3);
		let hash = serial_hash(&serials[3]);
		System::assert_last_event(
			Event::UnitDispensed { batch_id: id, serial_hash: hash, pharmacy: PHARMACY_A }.into(),
		);
		assert_eq!(
			Dispensed::<Test>::get(id, hash),
			Some(DispenseInfo { pharmacy: PHARMACY_A, at: START + 1_000 })
		);
		assert_eq!(held(id, PHARMACY_A), 4);
		assert_eq!(batch(id).dispensed, 1);
		// Consecutive dispenses by one pharmacy are one history entry with a count.
		dispense(PHARMACY_A, id, &serials, 4);
		dispense(PHARMACIST_A, id, &serials, 9);
		assert_eq!(
			DrugProvenance::batch_history(id).last(),
			Some(&CustodyEvent::Dispensed { pharmacy: PHARMACY_A, count: 3, at: START + 1_000 })
		);
		assert_eq!(DrugProvenance::batch_history(id).len(), 6);
	});
}

#[test]
fn a_thousand_serial_tree() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, serials) = setup(1_000);
		to_pharmacy(id, 3);
		for k in [0u32, 577, 999] {
			let proof = proof_of(&serials, k);
			assert_eq!(proof.siblings.len() as u32, expected_proof_len(1_000, k));
			let status = DrugProvenance::verify_unit(
				GTIN.to_vec(),
				LOT.to_vec(),
				serials[k as usize].clone(),
				api_proof(&proof),
			);
			assert!(status.is_dispensable());
			dispense(PHARMACIST_A, id, &serials, k);
			let status = DrugProvenance::verify_unit(
				GTIN.to_vec(),
				LOT.to_vec(),
				serials[k as usize].clone(),
				api_proof(&proof),
			);
			assert!(status.authentic && status.dispensed.is_some());
		}
		assert_eq!(batch(id).dispensed, 3);
		assert_eq!(held(id, PHARMACY_A), 0);
		assert!(!holder_list(id).contains(&PHARMACY_A));
	});
}

#[test]
fn needs_an_active_pharmacy() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, serials) = setup(10);
		let call = |who| try_dispense(who, id, &serials, 0);
		assert_noop!(call(OUTSIDER), ConsortiumError::<Test>::NotAMember);
		// The manufacturer and the distributor hold units but are not pharmacies.
		assert_noop!(call(MAKER_A_STAFF), ConsortiumError::<Test>::MissingRole);
		assert_noop!(call(DOCTOR), ConsortiumError::<Test>::MissingRole);
		to_pharmacy(id, 1);
		suspend(PHARMACY_A);
		assert_noop!(call(PHARMACIST_A), ConsortiumError::<Test>::SuspendedOrganization);
	});
}

#[test]
fn needs_custody() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, serials) = setup(10);
		let call = |who| try_dispense(who, id, &serials, 0);
		assert_noop!(call(PHARMACIST_A), Error::<Test>::NoCustody);
		hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 10);
		let shipment = ship(CLERK, id, PHARMACY_A, 1);
		// Incoming units are not held yet.
		assert_noop!(call(PHARMACIST_A), Error::<Test>::NoCustody);
		assert_ok!(DrugProvenance::receive(signed(PHARMACIST_A), shipment));
		assert_noop!(call(PHARMACIST_B), Error::<Test>::NoCustody);
		assert_ok!(call(PHARMACIST_A));
		// Its one unit is gone.
		assert_noop!(try_dispense(PHARMACIST_A, id, &serials, 1), Error::<Test>::NoCustody);
		assert_noop!(try_dispense(PHARMACIST_A, 9, &serials, 1), Error::<Test>::UnknownBatch);
	});
}

#[test]
fn bad_proof_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, serials) = setup(10);
		to_pharmacy(id, 5);
		let call = |s: &[u8], proof: SerialProofOf<Test>| {
			DrugProvenance::dispense(signed(PHARMACIST_A), id, serial(s), proof)
		};
		let good = proof_of(&serials, 3);
		// Misfit proofs: wrong leaf count, index out of range, shortened, padded.
		assert_noop!(
			call(&serials[3], SerialProof { leaf_count: 11, ..good.clone() }),
			Error::<Test>::InvalidProof
		);
		assert_noop!(
			call(&serials[3], SerialProof { leaf_index: 10, ..good.clone() }),
			Error::<Test>::InvalidProof
		);
		let mut short = good.clone();
		short.siblings.pop();
		assert_noop!(call(&serials[3], short), Error::<Test>::InvalidProof);
		let mut long = good.clone();
		long.siblings.try_push(H256::repeat_byte(7)).unwrap();
		assert_noop!(call(&serials[3], long), Error::<Test>::InvalidProof);
		// Well-formed proofs that do not lead to the root.
		assert_noop!(
			call(&serials[3], SerialProof { leaf_index: 4, ..good.clone() }),
			Error::<Test>::SerialNotInBatch
		);
		let mut tampered = good.clone();
		tampered.siblings[0] = H256::repeat_byte(9);
		assert_noop!(call(&serials[3], tampered), Error::<Test>::SerialNotInBatch);
		// A serial that is not in the batch (a counterfeit) with a genuine proof.
		assert_noop!(call(b"FAKE0001", good.clone()), Error::<Test>::SerialNotInBatch);
		// Malformed serials never reach the proof.
		assert_noop!(call(b"SN 3", good.clone()), Error::<Test>::InvalidSerial);
		assert_noop!(call(b"", good.clone()), Error::<Test>::InvalidSerial);
		assert_ok!(call(&serials[3], good));
	});
}

#[test]
fn a_serial_of_another_batch_is_not_in_this_one() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		let other: Vec<Vec<u8>> = (0..10).map(|i| format!("X{i}").into_bytes()).collect();
		register(GTIN_2);
		let (other_id, _) = (NextBatchId::<Test>::get(), ());
		assert_ok!(DrugProvenance::commission_batch(
			signed(MAKER_A_STAFF),
			gtin_in(GTIN_2),
			lot(b"OTHER"),
			expiry(EXPIRY),
			10,
			serials_root(&other),
		));
		to_pharmacy(id, 5);
		assert_noop!(try_dispense(PHARMACIST_A, id, &other, 2), Error::<Test>::SerialNotInBatch);
		assert_eq!(other_id, 1);
	});
}

#[test]
fn double_dispense_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, serials) = setup(10);
		to_pharmacy(id, 5);
		hand_over(MAKER_A_STAFF, id, PHARMACY_B, PHARMACIST_B, 5);
		dispense(PHARMACIST_A, id, &serials, 3);
		let again = |who| try_dispense(who, id, &serials, 3);
		assert_noop!(again(PHARMACIST_A), Error::<Test>::SerialAlreadyDispensed);
		assert_noop!(again(PHARMACIST_B), Error::<Test>::SerialAlreadyDispensed);
	});
}

#[test]
fn expired_batch_cannot_be_dispensed() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, serials) = setup(10);
		to_pharmacy(id, 5);
		// On the expiry day's last millisecond it still can.
		Timestamp::set_timestamp(EXPIRY_END);
		dispense(PHARMACIST_A, id, &serials, 0);
		advance_time(1);
		assert_noop!(try_dispense(PHARMACIST_A, id, &serials, 1), Error::<Test>::ExpiredBatch);
		// Expired units can still move (e.g. back to the manufacturer for destruction).
		hand_over(PHARMACIST_A, id, MAKER_A, MAKER_A_STAFF, 4);
		assert_eq!(held(id, MAKER_A), 9);
	});
}

#[test]
fn recalled_batch_cannot_be_dispensed() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, serials) = setup(10);
		to_pharmacy(id, 5);
		assert_ok!(DrugProvenance::recall_batch(signed(INSPECTOR), id, 1));
		assert_noop!(try_dispense(PHARMACIST_A, id, &serials, 1), Error::<Test>::RecalledBatch);
	});
}
