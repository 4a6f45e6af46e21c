//! Node authorization: `add_node`, `remove_node`, who may call them, the set the node
//! authorization runtime API hands out, suspension, genesis, and the invariants.

use super::{root, signed, CLINIC};
use crate::{
	mock::*, Error, Event, MemberNodes, NodeKey, NodeOwner, OrganizationStatus, Organizations,
	PermissionedPeering,
};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::traits::BadOrigin;

const A: NodeKey = [1; 32];
const B: NodeKey = [2; 32];
const C: NodeKey = [3; 32];
const D: NodeKey = [4; 32];

fn nodes_of(org: AccountId) -> Vec<NodeKey> {
	MemberNodes::<Test>::get(org).into_inner()
}

#[test]
fn a_dev_chain_does_not_restrict_peering() {
	ExtBuilder::default().build_and_execute(|| {
		assert!(!PermissionedPeering::<Test>::get());
		assert_eq!(Consortium::authorized_nodes(), None);
	});
}

#[test]
fn an_admin_adds_its_own_nodes_without_a_vote() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Consortium::add_node(signed(HOSPITAL), HOSPITAL, A));
		System::assert_last_event(Event::NodeAdded { organization: HOSPITAL, node: A }.into());
		assert_ok!(Consortium::add_node(signed(HOSPITAL), HOSPITAL, B));
		assert_eq!(nodes_of(HOSPITAL), vec![A, B]);
		assert_eq!(NodeOwner::<Test>::get(B), Some(HOSPITAL));
		assert!(PermissionedPeering::<Test>::get());
		assert_eq!(Consortium::authorized_nodes(), Some(vec![A, B]));
	});
}

#[test]
fn governance_adds_any_organizations_node() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Consortium::add_node(root(), PHARMACY, C));
		assert_ok!(Consortium::add_node(signed(HOSPITAL), HOSPITAL, A));
		assert_eq!(Consortium::authorized_nodes(), Some(vec![A, C]));
	});
}

#[test]
fn add_node_refusals_in_order() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(Consortium::add_node(RuntimeOrigin::none(), HOSPITAL, A), BadOrigin);
		// A staff key, an outsider: not an admin.
		assert_noop!(
			Consortium::add_node(signed(DOCTOR), HOSPITAL, A),
			Error::<Test>::NotOrganizationAdmin
		);
		assert_noop!(
			Consortium::add_node(signed(OUTSIDER), OUTSIDER, A),
			Error::<Test>::NotOrganizationAdmin
		);
		// Another organization's admin.
		assert_noop!(
			Consortium::add_node(signed(PHARMACY), HOSPITAL, A),
			Error::<Test>::NotOwnOrganization
		);
		assert_noop!(Consortium::add_node(root(), OUTSIDER, A), Error::<Test>::UnknownOrganization);
		assert_noop!(
			Consortium::add_node(signed(HOSPITAL), HOSPITAL, [0; 32]),
			Error::<Test>::ZeroNodeKey
		);
		assert_ok!(Consortium::add_node(signed(HOSPITAL), HOSPITAL, A));
		// The same node twice, or another organization's node.
		assert_noop!(
			Consortium::add_node(signed(HOSPITAL), HOSPITAL, A),
			Error::<Test>::NodeAlreadyAuthorized
		);
		assert_noop!(
			Consortium::add_node(signed(PHARMACY), PHARMACY, A),
			Error::<Test>::NodeAlreadyAuthorized
		);
		// MaxNodesPerOrganization is 3 in the mock.
		assert_ok!(Consortium::add_node(signed(HOSPITAL), HOSPITAL, B));
		assert_ok!(Consortium::add_node(signed(HOSPITAL), HOSPITAL, C));
		assert_noop!(
			Consortium::add_node(signed(HOSPITAL), HOSPITAL, D),
			Error::<Test>::TooManyNodes
		);
		assert_noop!(Consortium::add_node(root(), HOSPITAL, D), Error::<Test>::TooManyNodes);
	});
}

#[test]
fn a_suspended_admin_cannot_add_but_can_remove() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Consortium::add_node(signed(HOSPITAL), HOSPITAL, A));
		assert_ok!(Consortium::suspend_organization(root(), HOSPITAL));
		assert_noop!(
			Consortium::add_node(signed(HOSPITAL), HOSPITAL, B),
			Error::<Test>::SuspendedOrganization
		);
		assert_ok!(Consortium::remove_node(signed(HOSPITAL), A));
		assert_eq!(Consortium::authorized_nodes(), Some(vec![]));
	});
}

#[test]
fn remove_node_refusals_in_order() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Consortium::add_node(signed(HOSPITAL), HOSPITAL, A));
		assert_noop!(Consortium::remove_node(RuntimeOrigin::none(), A), BadOrigin);
		assert_noop!(
			Consortium::remove_node(signed(DOCTOR), A),
			Error::<Test>::NotOrganizationAdmin
		);
		assert_noop!(Consortium::remove_node(signed(HOSPITAL), B), Error::<Test>::UnknownNode);
		assert_noop!(
			Consortium::remove_node(signed(PHARMACY), A),
			Error::<Test>::NotOwnOrganization
		);
	});
}

#[test]
fn removing_the_last_node_closes_rather_than_opens_the_network() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Consortium::add_node(signed(HOSPITAL), HOSPITAL, A));
		assert_ok!(Consortium::add_node(root(), PHARMACY, B));
		assert_ok!(Consortium::remove_node(root(), B));
		System::assert_last_event(Event::NodeRemoved { organization: PHARMACY, node: B }.into());
		assert!(!MemberNodes::<Test>::contains_key(PHARMACY));
		assert_ok!(Consortium::remove_node(signed(HOSPITAL), A));
		assert_eq!(NodeOwner::<Test>::get(A), None);
		assert_eq!(Consortium::authorized_nodes(), Some(vec![]));
		// A removed node can be authorized again, by another organization too.
		assert_ok!(Consortium::add_node(signed(PHARMACY), PHARMACY, A));
		assert_eq!(Consortium::authorized_nodes(), Some(vec![A]));
	});
}

#[test]
fn suspension_drops_an_organizations_nodes_and_reinstatement_brings_them_back() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Consortium::add_node(signed(HOSPITAL), HOSPITAL, B));
		assert_ok!(Consortium::add_node(signed(PHARMACY), PHARMACY, A));
		assert_ok!(Consortium::suspend_organization(root(), PHARMACY));
		assert_eq!(
			Organizations::<Test>::get(PHARMACY).unwrap().status,
			OrganizationStatus::Suspended
		);
		assert_eq!(Consortium::authorized_nodes(), Some(vec![B]));
		assert_ok!(Consortium::reinstate_organization(root(), PHARMACY));
		assert_eq!(Consortium::authorized_nodes(), Some(vec![A, B]));
	});
}

#[test]
fn genesis_nodes_turn_on_permissioned_peering() {
	ExtBuilder::default().with_node(HOSPITAL, C).with_node(PHARMACY, A).build_and_execute(|| {
		assert!(PermissionedPeering::<Test>::get());
		assert_eq!(Consortium::authorized_nodes(), Some(vec![A, C]));
	});
}

#[test]
#[should_panic(expected = "invalid genesis node")]
fn genesis_refuses_a_node_of_an_unknown_organization() {
	ExtBuilder::default().with_node(CLINIC, A).build();
}

#[test]
#[should_panic(expected = "invalid genesis node")]
fn genesis_refuses_a_node_listed_twice() {
	ExtBuilder::default().with_node(HOSPITAL, A).with_node(PHARMACY, A).build();
}

#[test]
fn invariants_catch_a_node_list_out_of_step_with_its_owners() {
	ExtBuilder::default().build().execute_with(|| {
		assert_ok!(Consortium::add_node(signed(HOSPITAL), HOSPITAL, A));
		assert_ok!(Consortium::do_try_state());
		NodeOwner::<Test>::insert(A, PHARMACY);
		assert!(Consortium::do_try_state().is_err());
		NodeOwner::<Test>::insert(A, HOSPITAL);
		NodeOwner::<Test>::insert(B, HOSPITAL);
		assert!(Consortium::do_try_state().is_err());
		NodeOwner::<Test>::remove(B);
		assert_ok!(Consortium::do_try_state());
		PermissionedPeering::<Test>::kill();
		assert!(Consortium::do_try_state().is_err());
	});
}
