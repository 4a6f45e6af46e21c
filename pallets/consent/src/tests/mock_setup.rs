//! Tests of the mock runtime itself: its genesis consortium and patients, and the pallet's
//! `integrity_test` under the mock's constants.

use super::*;
use medchain_primitives::PatientRegistry;

#[test]
fn genesis_consortium_and_patients() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(Consent::now(), START);
		assert!(MockPatients::is_registered(&ALICE));
		assert!(MockPatients::is_deregistered(&ERASED) && !MockPatients::is_registered(&ERASED));
		assert!(!MockPatients::is_registered(&NOBODY));
		assert!(MockPatients::is_registered(&POOR) && !MockPatients::has_free_quota(&POOR));
		assert_eq!(NextConsentId::<Test>::get(), 0);
	});
}

#[test]
fn empty_builder_has_no_organizations_or_patients() {
	ExtBuilder::empty().build_and_execute(|| {
		assert!(!MockPatients::is_registered(&ALICE));
		assert!(pallet_consortium::Organizations::<Test>::get(HOSPITAL).is_none());
	});
}

#[test]
fn integrity_test_passes() {
	ExtBuilder::default().build_and_execute(|| {
		<Consent as Hooks<u64>>::integrity_test();
	});
}
