//! The pallet's invariants ([`Pallet::do_try_state`]), checked by `try_state` and by the runtime
//! fuzz harness.

use crate::{
	check_endpoint, Config, Gateways, MemberNodes, NodeOwner, OrganizationCount, Organizations,
	Pallet, StaffOf, GATEWAY_KEY_LEN,
};
use frame_support::{ensure, traits::Get};

impl<T: Config> Pallet<T> {
	/// Check the pallet's invariants:
	/// - every staff account points at an existing organization and is not an admin;
	/// - each organization's `staff_count` equals the number of its staff accounts and
	///   is at most `MaxStaff`;
	/// - `OrganizationCount` equals the number of organizations;
	/// - [`NodeOwner`] and [`MemberNodes`] list the same (organization, node) pairs, every
	///   node once, of registered organizations, none all zeros; any node implies
	///   [`PermissionedPeering`](crate::PermissionedPeering);
	/// - every gateway directory entry belongs to a registered organization (organizations
	///   are never removed, and only an admin writes its own entry), its endpoint passes
	///   [`check_endpoint`] and its public key is not all zeros.
	///
	/// Always compiled (not only under `try-runtime`): the runtime fuzz harness
	/// (`fuzz/harness`) checks it after every block without that feature.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		let mut counted: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		for (staff, org) in StaffOf::<T>::iter() {
			ensure!(Organizations::<T>::contains_key(&org), "staff of an unknown organization");
			ensure!(!Organizations::<T>::contains_key(&staff), "an admin is also staff");
			let entry = counted.entry(org).or_default();
			*entry = entry.saturating_add(1);
		}
		let mut organizations: u32 = 0;
		for (admin, org) in Organizations::<T>::iter() {
			organizations = organizations.saturating_add(1);
			let staff = counted.get(&admin).copied().unwrap_or_default();
			ensure!(org.staff_count == staff, "staff_count does not match StaffOf");
			ensure!(org.staff_count <= T::MaxStaff::get(), "more staff than MaxStaff");
			ensure!(!org.roles.is_empty() && org.roles.is_valid(), "invalid roles stored");
		}
		ensure!(
			OrganizationCount::<T>::get() == organizations,
			"OrganizationCount does not match Organizations"
		);
		for (org, entry) in Gateways::<T>::iter() {
			ensure!(Organizations::<T>::contains_key(&org), "gateway of an unknown organization");
			ensure!(check_endpoint(&entry.endpoint).is_ok(), "invalid gateway endpoint stored");
			ensure!(entry.public_key != [0; GATEWAY_KEY_LEN], "zero gateway key stored");
		}
		let mut listed: u32 = 0;
		for (org, nodes) in MemberNodes::<T>::iter() {
			ensure!(Organizations::<T>::contains_key(&org), "nodes of an unknown organization");
			ensure!(!nodes.is_empty(), "empty node list stored");
			for node in nodes.iter() {
				listed = listed.saturating_add(1);
				ensure!(*node != [0; 32], "zero node key stored");
				ensure!(NodeOwner::<T>::get(node) == Some(org.clone()), "NodeOwner disagrees");
			}
		}
		ensure!(
			NodeOwner::<T>::iter().count() == listed as usize,
			"a node is listed twice, or NodeOwner has nodes MemberNodes lacks"
		);
		ensure!(
			listed == 0 || crate::PermissionedPeering::<T>::get(),
			"nodes authorized but peering not permissioned"
		);
		Ok(())
	}
}
