use super::*;

#[test]
fn manufacturer_recalls_and_every_holder_is_listed() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(100);
		hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 60);
		hand_over(CLERK, id, PHARMACY_A, PHARMACIST_A, 20);
		ship(CLERK, id, PHARMACY_B, 15);
		assert_ok!(DrugProvenance::recall_batch(signed(MAKER_A_STAFF), id, 42));
		System::assert_last_event(
			Event::BatchRecalled {
				batch_id: id,
				by: MAKER_A,
				reason_code: 42,
				holders: BoundedVec::truncate_from(vec![
					(MAKER_A, c(40, 0, 0)),
					(DISTRIBUTOR, c(25, 0, 15)),
					(PHARMACY_A, c(20, 0, 0)),
					(PHARMACY_B, c(0, 15, 0)),
				]),
				in_transit: 15,
			}
			.into(),
		);
		assert_eq!(batch(id).recalled, Some(Recall { by: MAKER_A, reason_code: 42, at: START }));
		assert_eq!(
			DrugProvenance::batch_history(id).last(),
			Some(&CustodyEvent::Recalled { by: MAKER_A, reason_code: 42, at: START })
		);
	});
}

#[test]
fn a_regulator_recalls_any_batch() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		assert_ok!(DrugProvenance::recall_batch(signed(INSPECTOR), id, 3));
		assert!(batch(id).recalled.is_some_and(|r| r.by == REGULATOR));
	});
}

#[test]
fn only_the_manufacturer_or_a_regulator() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		let call = |who| DrugProvenance::recall_batch(signed(who), id, 1);
		assert_noop!(call(OUTSIDER), ConsortiumError::<Test>::NotAMember);
		assert_noop!(call(MAKER_B_STAFF), Error::<Test>::NotManufacturerOrRegulator);
		assert_noop!(call(CLERK), Error::<Test>::NotManufacturerOrRegulator);
		assert_noop!(call(PHARMACIST_A), Error::<Test>::NotManufacturerOrRegulator);
		assert_noop!(
			DrugProvenance::recall_batch(signed(INSPECTOR), id + 1, 1),
			Error::<Test>::UnknownBatch
		);
		suspend(MAKER_A);
		assert_noop!(call(MAKER_A_STAFF), ConsortiumError::<Test>::SuspendedOrganization);
		suspend(REGULATOR);
		assert_noop!(call(INSPECTOR), ConsortiumError::<Test>::SuspendedOrganization);
	});
}

#[test]
fn a_manufacturer_that_lost_its_role_cannot_recall() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		assert_ok!(ConsortiumCall::set_roles(
			RuntimeOrigin::root(),
			MAKER_A,
			pallet_consortium::Roles::only(pallet_consortium::Role::Distributor)
		));
		assert_noop!(
			DrugProvenance::recall_batch(signed(MAKER_A_STAFF), id, 1),
			Error::<Test>::NotManufacturerOrRegulator
		);
	});
}

#[test]
fn recalling_twice_fails() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		assert_ok!(DrugProvenance::recall_batch(signed(MAKER_A_STAFF), id, 1));
		assert_noop!(
			DrugProvenance::recall_batch(signed(INSPECTOR), id, 2),
			Error::<Test>::AlreadyRecalled
		);
	});
}

#[test]
fn a_recalled_batch_stops_moving_but_shipments_can_be_cancelled() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 6);
		let pending = ship(CLERK, id, PHARMACY_A, 4);
		assert_ok!(DrugProvenance::recall_batch(signed(INSPECTOR), id, 1));
		assert_noop!(
			DrugProvenance::ship(signed(CLERK), id, PHARMACY_B, 1),
			Error::<Test>::RecalledBatch
		);
		assert_noop!(
			DrugProvenance::ship(signed(MAKER_A_STAFF), id, DISTRIBUTOR, 1),
			Error::<Test>::RecalledBatch
		);
		assert_noop!(
			DrugProvenance::receive(signed(PHARMACIST_A), pending),
			Error::<Test>::RecalledBatch
		);
		assert_ok!(DrugProvenance::cancel_shipment(signed(CLERK), pending));
		assert_eq!(custody(id, DISTRIBUTOR), c(6, 0, 0));
		assert_eq!(holder_list(id), vec![MAKER_A, DISTRIBUTOR]);
	});
}
