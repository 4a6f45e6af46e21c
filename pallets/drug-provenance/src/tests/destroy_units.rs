use super::*;

#[test]
fn a_holder_destroys_recalled_units() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, serials) = setup(10);
		to_pharmacy(id, 5);
		dispense(PHARMACIST_A, id, &serials, 0);
		assert_ok!(DrugProvenance::recall_batch(signed(INSPECTOR), id, 4));
		advance_time(1_000);
		assert_ok!(DrugProvenance::destroy_units(
			signed(PHARMACIST_A),
			id,
			3,
			DestructionReason::Recalled
		));
		System::assert_last_event(
			Event::UnitsDestroyed {
				batch_id: id,
				holder: PHARMACY_A,
				quantity: 3,
				reason: DestructionReason::Recalled,
			}
			.into(),
		);
		assert_eq!(custody(id, PHARMACY_A), c(1, 0, 0));
		assert_eq!(batch(id).destroyed, 3);
		assert_eq!(
			DrugProvenance::batch_history(id).last(),
			Some(&CustodyEvent::Destroyed {
				by: PHARMACY_A,
				quantity: 3,
				reason: DestructionReason::Recalled,
				at: START + 1_000
			})
		);
		// Its last unit: it leaves the holder list.
		assert_ok!(DrugProvenance::destroy_units(
			signed(PHARMACY_A),
			id,
			1,
			DestructionReason::Recalled
		));
		assert!(!holder_list(id).contains(&PHARMACY_A));
		let b = batch(id);
		assert_eq!((b.dispensed, b.destroyed, held(id, MAKER_A)), (1, 4, 5));
		assert_eq!(DrugProvenance::batch(id).map(|b| b.destroyed), Some(4));
	});
}

#[test]
fn expired_and_damaged_stock_can_be_destroyed() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 6);
		// Healthy stock: only for a reason the chain cannot check.
		assert_ok!(DrugProvenance::destroy_units(
			signed(CLERK),
			id,
			1,
			DestructionReason::DamagedOrTampered
		));
		assert_ok!(DrugProvenance::destroy_units(signed(CLERK), id, 1, DestructionReason::Other));
		Timestamp::set_timestamp(EXPIRY_END + 1);
		assert_ok!(DrugProvenance::destroy_units(signed(CLERK), id, 4, DestructionReason::Expired));
		assert_eq!(batch(id).destroyed, 6);
		assert!(!holder_list(id).contains(&DISTRIBUTOR));
	});
}

#[test]
fn unsupported_reasons_are_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		for reason in [DestructionReason::Recalled, DestructionReason::Expired] {
			assert_noop!(
				DrugProvenance::destroy_units(signed(MAKER_A_STAFF), id, 1, reason),
				Error::<Test>::ClaimNotSupported
			);
		}
	});
}

#[test]
fn only_what_is_held_is_destroyed() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		let destroy = |who, batch_id, q| {
			DrugProvenance::destroy_units(signed(who), batch_id, q, DestructionReason::Other)
		};
		assert_noop!(destroy(MAKER_A_STAFF, id, 0), Error::<Test>::ZeroQuantity);
		assert_noop!(destroy(MAKER_A_STAFF, id + 1, 1), Error::<Test>::UnknownBatch);
		assert_noop!(destroy(MAKER_A_STAFF, id, 11), Error::<Test>::InsufficientCustody);
		// Units in transit are nobody's to destroy.
		let shipment = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 4);
		assert_noop!(destroy(CLERK, id, 1), Error::<Test>::InsufficientCustody);
		assert_noop!(destroy(MAKER_A_STAFF, id, 7), Error::<Test>::InsufficientCustody);
		assert_ok!(DrugProvenance::receive(signed(CLERK), shipment));
		assert_noop!(destroy(PHARMACIST_A, id, 1), Error::<Test>::InsufficientCustody);
		assert_noop!(destroy(OUTSIDER, id, 1), ConsortiumError::<Test>::NotAMember);
		assert_noop!(destroy(INSPECTOR, id, 1), ConsortiumError::<Test>::MissingRole);
		assert_noop!(destroy(DOCTOR, id, 1), ConsortiumError::<Test>::MissingRole);
		suspend(DISTRIBUTOR);
		assert_noop!(destroy(CLERK, id, 1), ConsortiumError::<Test>::SuspendedOrganization);
	});
}

#[test]
fn try_state_catches_broken_conservation_with_destroyed_units() {
	ExtBuilder::default().build().execute_with(|| {
		let (id, _) = setup(10);
		assert_ok!(DrugProvenance::destroy_units(
			signed(MAKER_A_STAFF),
			id,
			2,
			DestructionReason::Other
		));
		assert_eq!(DrugProvenance::do_try_state(), Ok(()));
		Batches::<Test>::mutate(id, |b| b.as_mut().unwrap().destroyed = 3);
		assert!(DrugProvenance::do_try_state().is_err());
	});
}
