//! The mock runtime itself: its genesis (consortium, patients, clock) and `integrity_test`.

use super::*;
use medchain_primitives::PatientRegistry;
use pallet_consortium::{Role, RoleProvider};

#[test]
fn genesis_consortium_and_patients() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(HealthRecords::now(), START);
		assert_eq!(Consortium::ensure_role(&NURSE_A, Role::Provider), Ok(HOSPITAL_A));
		assert_eq!(Consortium::ensure_role(&DOCTOR_B, Role::Provider), Ok(HOSPITAL_B));
		assert!(Consortium::has_role(&PHARMACY, Role::Pharmacy));
		assert!(MockPatients::is_registered(&ALICE));
		assert!(MockPatients::is_deregistered(&ERASED));
		assert!(!MockPatients::is_registered(&NOBODY));
		assert_eq!(RecordNonce::<Test>::get(), 0);
		assert_eq!(NextBatchId::<Test>::get(), 0);
	});
}

#[test]
fn integrity_test_passes() {
	ExtBuilder::empty().build_and_execute(|| {
		<HealthRecords as Hooks<u64>>::integrity_test();
	});
}
