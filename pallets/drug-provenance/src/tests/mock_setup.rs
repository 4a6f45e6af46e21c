use super::*;
use pallet_consortium::{Role, RoleProvider};

#[test]
fn genesis_consortium() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(DrugProvenance::now(), START);
		assert_eq!(Consortium::ensure_role(&MAKER_A_STAFF, Role::Manufacturer), Ok(MAKER_A));
		assert_eq!(Consortium::organization_of(&PHARMACIST_A), Some(PHARMACY_A));
		assert!(Consortium::has_role(&REGULATOR, Role::Regulator));
		assert_eq!(NextBatchId::<Test>::get(), 0);
		assert_eq!(NextShipmentId::<Test>::get(), 0);
	});
}

#[test]
fn empty_consortium_has_no_members() {
	ExtBuilder::empty().build_and_execute(|| {
		assert_noop!(
			DrugProvenance::register_product(signed(MAKER_A_STAFF), gtin_in(GTIN), metadata()),
			ConsortiumError::<Test>::NotAMember
		);
	});
}

#[test]
fn a_wholesaler_pharmacy_holds_several_roles() {
	const WHOLESALER: AccountId = 90;
	const WHOLESALER_STAFF: AccountId = 91;
	ExtBuilder::default()
		.with_organization(
			WHOLESALER,
			Role::Distributor.bit() | Role::Pharmacy.bit(),
			&[WHOLESALER_STAFF],
		)
		.with_time(EXPIRY_END - DAY)
		.build_and_execute(|| {
			let (id, serials) = setup(4);
			hand_over(MAKER_A_STAFF, id, WHOLESALER, WHOLESALER_STAFF, 4);
			hand_over(WHOLESALER_STAFF, id, PHARMACY_A, PHARMACIST_A, 1);
			dispense(WHOLESALER_STAFF, id, &serials, 0);
			assert_eq!(held(id, WHOLESALER), 2);
			// The expiry is tomorrow: dispensable today, not the day after tomorrow.
			advance_time(2 * DAY);
			assert_noop!(
				try_dispense(WHOLESALER_STAFF, id, &serials, 1),
				Error::<Test>::ExpiredBatch
			);
		});
}
