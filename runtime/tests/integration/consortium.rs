//! The consortium pallet inside the real runtime: genesis membership, governance through
//! sudo, and role checks as other pallets will see them.

use frame_support::{assert_noop, assert_ok};
use medchain_runtime::{Consortium, Role, Roles, RuntimeCall, RuntimeEvent};
use medchain_runtime_test_support::*;
use pallet_consortium::{OrganizationStatus, RoleProvider};
use sp_keyring::Sr25519Keyring::*;

#[test]
fn development_genesis_has_the_demo_consortium() {
	new_test_ext().execute_with(|| {
		let expected = [
			(Alice, Role::Provider),
			(Bob, Role::Pharmacy),
			(Charlie, Role::Manufacturer),
			(Dave, Role::Distributor),
			(Eve, Role::Regulator),
			(Ferdie, Role::TrialSponsor),
			(AliceStash, Role::Researcher),
			(BobStash, Role::Insurer),
		];
		for (key, role) in expected {
			let org = Consortium::organization(&account(key)).expect("registered at genesis");
			assert_eq!(org.roles, Roles::only(role));
			assert_eq!(org.status, OrganizationStatus::Active);
			assert!(!org.name.is_empty());
			assert_eq!(Consortium::ensure_role(&account(key), role), Ok(account(key)));
		}
		assert_eq!(pallet_consortium::OrganizationCount::<medchain_runtime::Runtime>::get(), 8);
	});
}

#[test]
fn sudo_registers_an_organization_and_its_staff_act_for_it() {
	new_test_ext().execute_with(|| {
		let admin = fresh("NorthsideAdmin");
		let nurse = fresh("NorthsideNurse");
		let register = RuntimeCall::Consortium(pallet_consortium::Call::register_organization {
			admin: admin.clone(),
			name: b"Northside Clinic".to_vec(),
			roles: Roles::only(Role::Provider),
		});
		// Only governance (sudo's root origin on a dev chain) may register.
		assert!(dispatch(&account(Bob), register.clone()).is_err());
		assert_ok!(dispatch(
			&account(Alice),
			RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(register) })
		));
		assert_eq!(
			last_event(),
			RuntimeEvent::Sudo(pallet_sudo::Event::Sudid { sudo_result: Ok(()) })
		);

		assert_ok!(dispatch(
			&admin,
			RuntimeCall::Consortium(pallet_consortium::Call::add_staff { account: nurse.clone() })
		));
		assert_eq!(Consortium::ensure_role(&nurse, Role::Provider), Ok(admin.clone()));
		assert_eq!(
			Consortium::ensure_role(&nurse, Role::Pharmacy),
			Err(pallet_consortium::Error::<medchain_runtime::Runtime>::MissingRole.into())
		);
	});
}

#[test]
fn a_non_admin_cannot_add_staff() {
	new_test_ext().execute_with(|| {
		let call = RuntimeCall::Consortium(pallet_consortium::Call::add_staff {
			account: fresh("Someone"),
		});
		assert_noop!(
			dispatch(&account(CharlieStash), call),
			pallet_consortium::Error::<medchain_runtime::Runtime>::NotOrganizationAdmin
		);
	});
}

#[test]
fn a_suspended_organization_fails_every_role_check() {
	new_test_ext().execute_with(|| {
		let pharmacy = account(Bob);
		assert_ok!(dispatch_root(RuntimeCall::Consortium(
			pallet_consortium::Call::suspend_organization { organization: pharmacy.clone() }
		)));
		assert!(!Consortium::is_active(&pharmacy));
		assert_eq!(
			Consortium::ensure_role(&pharmacy, Role::Pharmacy),
			Err(pallet_consortium::Error::<medchain_runtime::Runtime>::SuspendedOrganization.into())
		);
		assert_ok!(dispatch_root(RuntimeCall::Consortium(
			pallet_consortium::Call::reinstate_organization { organization: pharmacy.clone() }
		)));
		assert!(Consortium::has_role(&pharmacy, Role::Pharmacy));
	});
}
