//! The checks and writes the calls (and the genesis build) share, and [`RoleProvider`]: the
//! permission checks other pallets ask of the consortium.

use crate::{
	Config, Error, Organization, OrganizationCount, OrganizationStatus, Organizations, Pallet,
	Role, RoleProvider, Roles, StaffOf,
};
use frame_support::{dispatch::DispatchResult, ensure, pallet_prelude::BoundedVec, traits::Get};
use sp_runtime::DispatchError;

impl<T: Config> Pallet<T> {
	/// The active organization `who` acts for and its roles; fails with `NotAMember` or
	/// `SuspendedOrganization`.
	fn acting_organization(who: &T::AccountId) -> Result<(T::AccountId, Roles), DispatchError> {
		let org_id = <Self as RoleProvider<T::AccountId>>::organization_of(who)
			.ok_or(Error::<T>::NotAMember)?;
		let org = Organizations::<T>::get(&org_id).ok_or(Error::<T>::NotAMember)?;
		frame_support::ensure!(
			org.status == OrganizationStatus::Active,
			Error::<T>::SuspendedOrganization
		);
		Ok((org_id, org.roles))
	}

	/// The organization registered under `admin`, with its name as plain bytes
	/// (for the runtime API).
	pub fn organization(
		admin: &T::AccountId,
	) -> Option<Organization<alloc::vec::Vec<u8>, frame_system::pallet_prelude::BlockNumberFor<T>>>
	{
		Organizations::<T>::get(admin).map(|o| Organization {
			name: o.name.into_inner(),
			roles: o.roles,
			status: o.status,
			staff_count: o.staff_count,
			registered_at: o.registered_at,
		})
	}

	pub(crate) fn ensure_valid_roles(roles: Roles) -> DispatchResult {
		ensure!(!roles.is_empty(), Error::<T>::EmptyRoles);
		ensure!(roles.is_valid(), Error::<T>::InvalidRoles);
		Ok(())
	}

	/// Register `admin` as an active organization. Checks everything, writes only after.
	pub(crate) fn do_register(
		admin: &T::AccountId,
		name: BoundedVec<u8, T::MaxNameLen>,
		roles: Roles,
	) -> DispatchResult {
		ensure!(!Organizations::<T>::contains_key(admin), Error::<T>::AlreadyRegistered);
		ensure!(!StaffOf::<T>::contains_key(admin), Error::<T>::AccountIsStaff);
		ensure!(!name.is_empty(), Error::<T>::EmptyName);
		Self::ensure_valid_roles(roles)?;
		let count = OrganizationCount::<T>::get().saturating_add(1);
		Organizations::<T>::insert(
			admin,
			Organization {
				name,
				roles,
				status: OrganizationStatus::Active,
				staff_count: 0,
				registered_at: frame_system::Pallet::<T>::block_number(),
			},
		);
		OrganizationCount::<T>::put(count);
		Ok(())
	}

	/// Add `account` as staff of `admin`'s organization. Checks everything, writes after.
	pub(crate) fn do_add_staff(admin: &T::AccountId, account: &T::AccountId) -> DispatchResult {
		let org = Organizations::<T>::get(admin).ok_or(Error::<T>::NotOrganizationAdmin)?;
		ensure!(org.status == OrganizationStatus::Active, Error::<T>::SuspendedOrganization);
		ensure!(!StaffOf::<T>::contains_key(account), Error::<T>::AlreadyStaff);
		ensure!(!Organizations::<T>::contains_key(account), Error::<T>::AccountIsOrganization);
		ensure!(org.staff_count < T::MaxStaff::get(), Error::<T>::TooManyStaff);
		let staff_count = org.staff_count.saturating_add(1);
		StaffOf::<T>::insert(account, admin);
		Organizations::<T>::insert(admin, Organization { staff_count, ..org });
		Ok(())
	}
}

impl<T: Config> RoleProvider<T::AccountId> for Pallet<T> {
	fn organization_of(who: &T::AccountId) -> Option<T::AccountId> {
		if Organizations::<T>::contains_key(who) {
			Some(who.clone())
		} else {
			StaffOf::<T>::get(who)
		}
	}

	fn is_active(org: &T::AccountId) -> bool {
		Organizations::<T>::get(org).is_some_and(|o| o.status == OrganizationStatus::Active)
	}

	fn has_role(org: &T::AccountId, role: Role) -> bool {
		Organizations::<T>::get(org)
			.is_some_and(|o| o.status == OrganizationStatus::Active && o.roles.contains(role))
	}

	fn is_organization(account: &T::AccountId) -> bool {
		Organizations::<T>::contains_key(account)
	}

	fn ensure_organization(who: &T::AccountId) -> Result<T::AccountId, DispatchError> {
		Self::acting_organization(who).map(|(org_id, _)| org_id)
	}

	fn ensure_role(who: &T::AccountId, role: Role) -> Result<T::AccountId, DispatchError> {
		Self::ensure_any_role(who, Roles::only(role)).map(|(org_id, _)| org_id)
	}

	fn ensure_any_role(
		who: &T::AccountId,
		any_of: Roles,
	) -> Result<(T::AccountId, Roles), DispatchError> {
		let (org_id, roles) = Self::acting_organization(who)?;
		let held = roles.intersection(any_of);
		frame_support::ensure!(!held.is_empty(), Error::<T>::MissingRole);
		Ok((org_id, held))
	}

	fn ensure_active_organization(account: &T::AccountId) -> Result<Roles, DispatchError> {
		let org = Organizations::<T>::get(account).ok_or(Error::<T>::UnknownOrganization)?;
		frame_support::ensure!(
			org.status == OrganizationStatus::Active,
			Error::<T>::SuspendedOrganization
		);
		Ok(org.roles)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmarks(org: &T::AccountId, roles: Roles, staff: &[T::AccountId]) {
		let name: frame_support::BoundedVec<u8, T::MaxNameLen> =
			alloc::vec![b'b'; T::MaxNameLen::get().min(8) as usize].try_into().unwrap_or_default();
		if Organizations::<T>::contains_key(org) {
			Organizations::<T>::mutate(org, |o| {
				if let Some(o) = o {
					o.roles = roles;
					o.status = OrganizationStatus::Active;
				}
			});
		} else {
			let _ = Self::do_register(org, name, roles);
		}
		for member in staff {
			let _ = Self::do_add_staff(org, member);
		}
	}
}
