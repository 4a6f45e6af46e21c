//! Node authorization: which libp2p identities may peer with the member nodes.
//!
//! The set lives in [`MemberNodes`] (per organization) and [`NodeOwner`] (per node). The node
//! reads [`Pallet::authorized_nodes`] through the node authorization runtime API at its
//! finalized head and accepts block-announce (sync) connections from that set only; GRANDPA
//! and transaction gossip follow sync connections, so an unauthorized peer gets no blocks,
//! no votes and no transactions.

use crate::{
	Config, Error, Event, MemberNodes, NodeKey, NodeOwner, OrganizationStatus, Organizations,
	Pallet, PermissionedPeering,
};
use alloc::vec::Vec;
use frame_support::{dispatch::DispatchResult, ensure, traits::EnsureOrigin};
use sp_runtime::DispatchError;

impl<T: Config> Pallet<T> {
	/// Who is changing the node set: `None` for governance, `Some(signer)` for a signed
	/// origin (to be checked against the organization), `BadOrigin` otherwise.
	pub(crate) fn node_admin(
		origin: T::RuntimeOrigin,
	) -> Result<Option<T::AccountId>, DispatchError> {
		match T::GovernanceOrigin::try_origin(origin) {
			Ok(_) => Ok(None),
			Err(origin) => frame_system::ensure_signed(origin).map(Some).map_err(Into::into),
		}
	}

	/// Authorize `node` for `organization` (registered); no origin check.
	pub(crate) fn do_add_node(organization: &T::AccountId, node: NodeKey) -> DispatchResult {
		ensure!(Organizations::<T>::contains_key(organization), Error::<T>::UnknownOrganization);
		ensure!(node != [0; 32], Error::<T>::ZeroNodeKey);
		ensure!(!NodeOwner::<T>::contains_key(node), Error::<T>::NodeAlreadyAuthorized);
		MemberNodes::<T>::try_mutate(organization, |nodes| {
			nodes.try_push(node).map_err(|_| Error::<T>::TooManyNodes)
		})?;
		NodeOwner::<T>::insert(node, organization);
		PermissionedPeering::<T>::put(true);
		Self::deposit_event(Event::NodeAdded { organization: organization.clone(), node });
		Ok(())
	}

	/// Withdraw `node`, which `owner` runs; no origin check.
	pub(crate) fn do_remove_node(owner: &T::AccountId, node: NodeKey) -> DispatchResult {
		MemberNodes::<T>::mutate_exists(owner, |nodes| {
			if let Some(list) = nodes {
				list.retain(|n| *n != node);
				if list.is_empty() {
					*nodes = None;
				}
			}
		});
		NodeOwner::<T>::remove(node);
		Self::deposit_event(Event::NodeRemoved { organization: owner.clone(), node });
		Ok(())
	}

	/// The nodes allowed to peer, for the node authorization runtime API: `None` when the
	/// chain does not restrict peering (no node was ever authorized: a dev chain), otherwise
	/// the nodes of every **active** organization (a suspended organization's nodes stay
	/// stored and come back with its reinstatement). Sorted, each node once.
	///
	/// ## Complexity
	/// O(o · `MaxNodesPerOrganization`) for o organizations with nodes; off chain only.
	pub fn authorized_nodes() -> Option<Vec<NodeKey>> {
		if !PermissionedPeering::<T>::get() {
			return None;
		}
		let mut nodes: Vec<NodeKey> = MemberNodes::<T>::iter()
			.filter(|(org, _)| {
				Organizations::<T>::get(org)
					.is_some_and(|org| org.status == OrganizationStatus::Active)
			})
			.flat_map(|(_, nodes)| nodes.into_inner())
			.collect();
		nodes.sort_unstable();
		nodes.dedup();
		Some(nodes)
	}
}
