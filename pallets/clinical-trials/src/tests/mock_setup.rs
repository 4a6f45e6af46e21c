use super::*;
use medchain_primitives::PatientRegistry;
use pallet_consortium::{Role, RoleProvider};

#[test]
fn genesis_consortium_and_patients() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(ClinicalTrials::now(), START);
		assert_eq!(Consortium::ensure_role(&SPONSOR_STAFF, Role::TrialSponsor), Ok(SPONSOR));
		assert_eq!(Consortium::ensure_role(&NURSE_A, Role::Provider), Ok(HOSPITAL_A));
		assert!(Consortium::has_role(&REGULATOR, Role::Regulator));
		assert!(MockPatients::is_registered(&ALICE));
		assert!(MockPatients::is_deregistered(&ERASED));
		assert!(!MockPatients::is_registered(&NOBODY));
		assert_eq!(NextTrialId::<Test>::get(), 0);
	});
}

#[test]
fn integrity_test_passes() {
	ExtBuilder::empty().build_and_execute(|| {
		<ClinicalTrials as Hooks<u64>>::integrity_test();
	});
}

#[test]
fn storage_version_is_three() {
	use frame_support::traits::{GetStorageVersion, StorageVersion};
	ExtBuilder::empty().build_and_execute(|| {
		assert_eq!(ClinicalTrials::in_code_storage_version(), StorageVersion::new(3));
	});
}
