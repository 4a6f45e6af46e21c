//! Unit tests of the consortium pallet: every call, every error, every event.

use crate::{
	mock::*, EnsureRole, Error, Event, Organization, OrganizationCount, OrganizationStatus,
	Organizations, Role, RoleProvider, Roles, StaffOf,
};
use frame_support::{assert_noop, assert_ok, parameter_types, traits::EnsureOrigin};
use sp_runtime::{traits::BadOrigin, DispatchError};

fn root() -> RuntimeOrigin {
	RuntimeOrigin::root()
}

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

const CLINIC: AccountId = 30;
const NURSE: AccountId = 31;

mod genesis {
	use super::*;

	#[test]
	fn builds_organizations_and_staff() {
		ExtBuilder::default().build_and_execute(|| {
			let hospital = Organizations::<Test>::get(HOSPITAL).unwrap();
			assert_eq!(hospital.name.to_vec(), b"St. Mary's".to_vec());
			assert_eq!(hospital.roles, Roles::only(Role::Provider));
			assert_eq!(hospital.status, OrganizationStatus::Active);
			assert_eq!(hospital.staff_count, 1);
			assert_eq!(StaffOf::<Test>::get(DOCTOR), Some(HOSPITAL));
			assert_eq!(OrganizationCount::<Test>::get(), 2);
		});
	}

	#[test]
	#[should_panic(expected = "invalid genesis organization")]
	fn rejects_empty_roles() {
		ExtBuilder::empty().with_organization(CLINIC, b"Clinic", Roles::none(), vec![]).build();
	}

	#[test]
	#[should_panic(expected = "genesis organization name too long")]
	fn rejects_long_name() {
		ExtBuilder::empty()
			.with_organization(CLINIC, &[b'x'; 33], Roles::only(Role::Provider), vec![])
			.build();
	}

	#[test]
	#[should_panic(expected = "invalid genesis staff")]
	fn rejects_staff_shared_by_two_organizations() {
		ExtBuilder::empty()
			.with_organization(CLINIC, b"Clinic", Roles::only(Role::Provider), vec![NURSE])
			.with_organization(40, b"Lab", Roles::only(Role::Provider), vec![NURSE])
			.build();
	}
}

mod roles {
	use super::*;

	#[test]
	fn bits_match_the_documented_encoding() {
		let expected = [1u16, 2, 4, 8, 16, 32, 64, 128];
		for (role, bit) in Role::ALL.iter().zip(expected) {
			assert_eq!(role.bit(), bit);
		}
		assert_eq!(Roles::from_roles(&Role::ALL).0, Roles::KNOWN);
		let mixed = Roles::from_roles(&[Role::Provider, Role::Researcher]);
		assert!(mixed.contains(Role::Provider));
		assert!(mixed.contains(Role::Researcher));
		assert!(!mixed.contains(Role::Pharmacy));
		assert!(!Roles(256).is_valid());
		assert!(Roles::none().is_empty());
	}
}

mod register_organization {
	use super::*;

	#[test]
	fn works() {
		ExtBuilder::default().build_and_execute(|| {
			System::set_block_number(7);
			let roles = Roles::from_roles(&[Role::Provider, Role::Researcher]);
			assert_ok!(Consortium::register_organization(
				root(),
				CLINIC,
				b"Clinic".to_vec(),
				roles
			));
			assert_eq!(
				Organizations::<Test>::get(CLINIC),
				Some(Organization {
					name: b"Clinic".to_vec().try_into().unwrap(),
					roles,
					status: OrganizationStatus::Active,
					staff_count: 0,
					registered_at: 7,
				})
			);
			assert_eq!(OrganizationCount::<Test>::get(), 3);
			System::assert_last_event(
				Event::OrganizationRegistered {
					admin: CLINIC,
					name: b"Clinic".to_vec().try_into().unwrap(),
					roles,
				}
				.into(),
			);
		});
	}

	#[test]
	fn requires_governance() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consortium::register_organization(
					signed(HOSPITAL),
					CLINIC,
					b"Clinic".to_vec(),
					Roles::only(Role::Provider)
				),
				BadOrigin
			);
		});
	}

	#[test]
	fn fails_for_existing_organization() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consortium::register_organization(
					root(),
					HOSPITAL,
					b"Again".to_vec(),
					Roles::only(Role::Provider)
				),
				Error::<Test>::AlreadyRegistered
			);
		});
	}

	#[test]
	fn fails_for_staff_account() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consortium::register_organization(
					root(),
					DOCTOR,
					b"Private practice".to_vec(),
					Roles::only(Role::Provider)
				),
				Error::<Test>::AccountIsStaff
			);
		});
	}

	#[test]
	fn fails_for_empty_name() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consortium::register_organization(
					root(),
					CLINIC,
					vec![],
					Roles::only(Role::Provider)
				),
				Error::<Test>::EmptyName
			);
		});
	}

	#[test]
	fn fails_for_long_name() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consortium::register_organization(
					root(),
					CLINIC,
					vec![b'x'; 33],
					Roles::only(Role::Provider)
				),
				Error::<Test>::NameTooLong
			);
			// The bound itself is accepted.
			assert_ok!(Consortium::register_organization(
				root(),
				CLINIC,
				vec![b'x'; 32],
				Roles::only(Role::Provider)
			));
		});
	}

	#[test]
	fn fails_for_no_roles() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consortium::register_organization(
					root(),
					CLINIC,
					b"Clinic".to_vec(),
					Roles::none()
				),
				Error::<Test>::EmptyRoles
			);
		});
	}

	#[test]
	fn fails_for_unknown_roles() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consortium::register_organization(root(), CLINIC, b"Clinic".to_vec(), Roles(0x101)),
				Error::<Test>::InvalidRoles
			);
		});
	}
}

mod set_roles {
	use super::*;

	#[test]
	fn works() {
		ExtBuilder::default().build_and_execute(|| {
			let roles = Roles::from_roles(&[Role::Provider, Role::TrialSponsor]);
			assert_ok!(Consortium::set_roles(root(), HOSPITAL, roles));
			assert_eq!(Organizations::<Test>::get(HOSPITAL).unwrap().roles, roles);
			assert!(Consortium::has_role(&HOSPITAL, Role::TrialSponsor));
			System::assert_last_event(Event::RolesSet { organization: HOSPITAL, roles }.into());
		});
	}

	#[test]
	fn requires_governance() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consortium::set_roles(signed(HOSPITAL), HOSPITAL, Roles::only(Role::Regulator)),
				BadOrigin
			);
		});
	}

	#[test]
	fn fails_for_unknown_organization() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consortium::set_roles(root(), OUTSIDER, Roles::only(Role::Provider)),
				Error::<Test>::UnknownOrganization
			);
		});
	}

	#[test]
	fn fails_for_bad_roles() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consortium::set_roles(root(), HOSPITAL, Roles::none()),
				Error::<Test>::EmptyRoles
			);
			assert_noop!(
				Consortium::set_roles(root(), HOSPITAL, Roles(0x8000)),
				Error::<Test>::InvalidRoles
			);
		});
	}
}

mod suspend_and_reinstate {
	use super::*;

	#[test]
	fn suspension_blocks_organization_and_staff_until_reinstated() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(Consortium::ensure_role(&DOCTOR, Role::Provider), Ok(HOSPITAL));

			assert_ok!(Consortium::suspend_organization(root(), HOSPITAL));
			System::assert_last_event(
				Event::OrganizationSuspended { organization: HOSPITAL }.into(),
			);
			assert!(!Consortium::is_active(&HOSPITAL));
			assert!(!Consortium::has_role(&HOSPITAL, Role::Provider));
			for who in [HOSPITAL, DOCTOR] {
				assert_eq!(
					Consortium::ensure_role(&who, Role::Provider),
					Err(Error::<Test>::SuspendedOrganization.into())
				);
			}
			// Staff stay recorded; nothing but the status changed.
			assert_eq!(StaffOf::<Test>::get(DOCTOR), Some(HOSPITAL));

			assert_ok!(Consortium::reinstate_organization(root(), HOSPITAL));
			System::assert_last_event(
				Event::OrganizationReinstated { organization: HOSPITAL }.into(),
			);
			assert_eq!(Consortium::ensure_role(&DOCTOR, Role::Provider), Ok(HOSPITAL));
		});
	}

	#[test]
	fn require_governance() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(Consortium::suspend_organization(signed(PHARMACY), HOSPITAL), BadOrigin);
			assert_ok!(Consortium::suspend_organization(root(), HOSPITAL));
			assert_noop!(Consortium::reinstate_organization(signed(HOSPITAL), HOSPITAL), BadOrigin);
		});
	}

	#[test]
	fn fail_for_unknown_organization() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consortium::suspend_organization(root(), OUTSIDER),
				Error::<Test>::UnknownOrganization
			);
			assert_noop!(
				Consortium::reinstate_organization(root(), OUTSIDER),
				Error::<Test>::UnknownOrganization
			);
		});
	}

	#[test]
	fn suspend_twice_fails() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(Consortium::suspend_organization(root(), HOSPITAL));
			assert_noop!(
				Consortium::suspend_organization(root(), HOSPITAL),
				Error::<Test>::AlreadySuspended
			);
		});
	}

	#[test]
	fn reinstate_active_fails() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consortium::reinstate_organization(root(), HOSPITAL),
				Error::<Test>::NotSuspended
			);
		});
	}
}

mod add_staff {
	use super::*;

	#[test]
	fn works() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(Consortium::add_staff(signed(HOSPITAL), NURSE));
			assert_eq!(StaffOf::<Test>::get(NURSE), Some(HOSPITAL));
			assert_eq!(Organizations::<Test>::get(HOSPITAL).unwrap().staff_count, 2);
			assert_eq!(Consortium::organization_of(&NURSE), Some(HOSPITAL));
			System::assert_last_event(
				Event::StaffAdded { organization: HOSPITAL, staff: NURSE }.into(),
			);
		});
	}

	#[test]
	fn requires_signed_origin() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(Consortium::add_staff(root(), NURSE), BadOrigin);
		});
	}

	#[test]
	fn fails_for_non_admin() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consortium::add_staff(signed(OUTSIDER), NURSE),
				Error::<Test>::NotOrganizationAdmin
			);
			// Staff cannot add staff either: only the admin manages the organization.
			assert_noop!(
				Consortium::add_staff(signed(DOCTOR), NURSE),
				Error::<Test>::NotOrganizationAdmin
			);
		});
	}

	#[test]
	fn fails_while_suspended() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(Consortium::suspend_organization(root(), HOSPITAL));
			assert_noop!(
				Consortium::add_staff(signed(HOSPITAL), NURSE),
				Error::<Test>::SuspendedOrganization
			);
		});
	}

	#[test]
	fn fails_for_staff_of_any_organization() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consortium::add_staff(signed(HOSPITAL), DOCTOR),
				Error::<Test>::AlreadyStaff
			);
			assert_noop!(
				Consortium::add_staff(signed(PHARMACY), DOCTOR),
				Error::<Test>::AlreadyStaff
			);
		});
	}

	#[test]
	fn fails_for_an_admin() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consortium::add_staff(signed(HOSPITAL), PHARMACY),
				Error::<Test>::AccountIsOrganization
			);
			assert_noop!(
				Consortium::add_staff(signed(HOSPITAL), HOSPITAL),
				Error::<Test>::AccountIsOrganization
			);
		});
	}

	#[test]
	fn fails_beyond_max_staff() {
		ExtBuilder::default().build_and_execute(|| {
			// MaxStaff is 3 and the hospital has one doctor.
			assert_ok!(Consortium::add_staff(signed(HOSPITAL), 12));
			assert_ok!(Consortium::add_staff(signed(HOSPITAL), 13));
			assert_noop!(Consortium::add_staff(signed(HOSPITAL), 14), Error::<Test>::TooManyStaff);
			// Removing one frees a place.
			assert_ok!(Consortium::remove_staff(signed(HOSPITAL), 12));
			assert_ok!(Consortium::add_staff(signed(HOSPITAL), 14));
		});
	}
}

mod remove_staff {
	use super::*;

	#[test]
	fn works() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(Consortium::remove_staff(signed(HOSPITAL), DOCTOR));
			assert_eq!(StaffOf::<Test>::get(DOCTOR), None);
			assert_eq!(Organizations::<Test>::get(HOSPITAL).unwrap().staff_count, 0);
			assert_eq!(
				Consortium::ensure_role(&DOCTOR, Role::Provider),
				Err(Error::<Test>::NotAMember.into())
			);
			System::assert_last_event(
				Event::StaffRemoved { organization: HOSPITAL, staff: DOCTOR }.into(),
			);
			// A removed staff member may join another organization.
			assert_ok!(Consortium::add_staff(signed(PHARMACY), DOCTOR));
		});
	}

	#[test]
	fn works_while_suspended() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(Consortium::suspend_organization(root(), HOSPITAL));
			assert_ok!(Consortium::remove_staff(signed(HOSPITAL), DOCTOR));
		});
	}

	#[test]
	fn requires_signed_origin() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(Consortium::remove_staff(root(), DOCTOR), BadOrigin);
		});
	}

	#[test]
	fn fails_for_non_admin() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consortium::remove_staff(signed(DOCTOR), DOCTOR),
				Error::<Test>::NotOrganizationAdmin
			);
		});
	}

	#[test]
	fn fails_for_staff_of_another_organization() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consortium::remove_staff(signed(PHARMACY), DOCTOR),
				Error::<Test>::NotStaff
			);
			assert_noop!(
				Consortium::remove_staff(signed(HOSPITAL), OUTSIDER),
				Error::<Test>::NotStaff
			);
		});
	}
}

mod role_checks {
	use super::*;

	parameter_types! {
		pub const ProviderRole: Role = Role::Provider;
	}
	type EnsureProvider = EnsureRole<Test, ProviderRole>;

	#[test]
	fn ensure_role_names_each_failure() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(Consortium::ensure_role(&HOSPITAL, Role::Provider), Ok(HOSPITAL));
			assert_eq!(Consortium::ensure_role(&DOCTOR, Role::Provider), Ok(HOSPITAL));
			assert_eq!(
				Consortium::ensure_role(&OUTSIDER, Role::Provider),
				Err(DispatchError::from(Error::<Test>::NotAMember))
			);
			assert_eq!(
				Consortium::ensure_role(&DOCTOR, Role::Pharmacy),
				Err(Error::<Test>::MissingRole.into())
			);
			assert_eq!(Consortium::organization_of(&OUTSIDER), None);
			assert!(!Consortium::is_active(&OUTSIDER));
		});
	}

	#[test]
	fn ensure_organization_names_each_failure() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(Consortium::ensure_organization(&HOSPITAL), Ok(HOSPITAL));
			assert_eq!(Consortium::ensure_organization(&DOCTOR), Ok(HOSPITAL));
			assert_eq!(
				Consortium::ensure_organization(&OUTSIDER),
				Err(Error::<Test>::NotAMember.into())
			);
			assert_ok!(Consortium::suspend_organization(root(), HOSPITAL));
			assert_eq!(
				Consortium::ensure_organization(&DOCTOR),
				Err(Error::<Test>::SuspendedOrganization.into())
			);
			assert_eq!(
				Consortium::ensure_role(&DOCTOR, Role::Provider),
				Err(Error::<Test>::SuspendedOrganization.into())
			);
		});
	}

	#[test]
	fn ensure_any_role_returns_the_roles_held_among_those_asked() {
		ExtBuilder::default()
			.with_organization(
				MULTI,
				b"Clinic and pharmacy",
				Roles::from_roles(&[Role::Provider, Role::Pharmacy]),
				vec![],
			)
			.build_and_execute(|| {
				let asked = Roles::from_roles(&[Role::Pharmacy, Role::Regulator]);
				assert_eq!(
					Consortium::ensure_any_role(&MULTI, asked),
					Ok((MULTI, Roles::only(Role::Pharmacy)))
				);
				assert_eq!(
					Consortium::ensure_any_role(&DOCTOR, asked),
					Err(Error::<Test>::MissingRole.into())
				);
				assert_eq!(
					Consortium::ensure_any_role(&OUTSIDER, asked),
					Err(Error::<Test>::NotAMember.into())
				);
			});
	}

	#[test]
	fn ensure_active_organization_only_accepts_an_active_organization_account() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(
				Consortium::ensure_active_organization(&HOSPITAL),
				Ok(Roles::only(Role::Provider))
			);
			assert!(Consortium::is_organization(&HOSPITAL));
			// A staff key acts for an organization but is not one.
			assert!(!Consortium::is_organization(&DOCTOR));
			assert_eq!(
				Consortium::ensure_active_organization(&DOCTOR),
				Err(Error::<Test>::UnknownOrganization.into())
			);
			assert_eq!(
				Consortium::ensure_active_organization(&OUTSIDER),
				Err(Error::<Test>::UnknownOrganization.into())
			);
			assert_ok!(Consortium::suspend_organization(root(), HOSPITAL));
			assert!(Consortium::is_organization(&HOSPITAL));
			assert_eq!(
				Consortium::ensure_active_organization(&HOSPITAL),
				Err(Error::<Test>::SuspendedOrganization.into())
			);
		});
	}

	#[test]
	fn ensure_role_origin_returns_the_organization() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(EnsureProvider::try_origin(signed(DOCTOR)).ok(), Some(HOSPITAL));
			assert_eq!(EnsureProvider::try_origin(signed(HOSPITAL)).ok(), Some(HOSPITAL));
			assert!(EnsureProvider::try_origin(signed(PHARMACY)).is_err());
			assert!(EnsureProvider::try_origin(signed(OUTSIDER)).is_err());
			assert!(EnsureProvider::try_origin(root()).is_err());
			assert_ok!(Consortium::suspend_organization(root(), HOSPITAL));
			assert!(EnsureProvider::try_origin(signed(DOCTOR)).is_err());
		});
	}

	#[test]
	fn role_changes_apply_at_once() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(Consortium::set_roles(root(), HOSPITAL, Roles::only(Role::Researcher)));
			assert_eq!(
				Consortium::ensure_role(&DOCTOR, Role::Provider),
				Err(Error::<Test>::MissingRole.into())
			);
			assert_eq!(Consortium::ensure_role(&DOCTOR, Role::Researcher), Ok(HOSPITAL));
		});
	}
}

mod invariants {
	use super::*;

	#[test]
	fn try_state_detects_a_corrupted_staff_count() {
		ExtBuilder::default().build().execute_with(|| {
			assert!(crate::Pallet::<Test>::do_try_state().is_ok());
			Organizations::<Test>::mutate(HOSPITAL, |o| o.as_mut().unwrap().staff_count = 5);
			assert!(crate::Pallet::<Test>::do_try_state().is_err());
		});
	}

	#[test]
	fn try_state_detects_orphaned_staff() {
		ExtBuilder::default().build().execute_with(|| {
			StaffOf::<Test>::insert(NURSE, OUTSIDER);
			assert!(crate::Pallet::<Test>::do_try_state().is_err());
		});
	}
}

/// The gateway directory's calls, queries and invariants.
mod gateway_directory;
mod node_authorization;
