//! `ConsortiumApi`: what apps and researchers can ask about membership, by metadata alone
//! (`api.call.consortiumApi.*` in polkadot.js); `GatewayDirectoryApi`: where an
//! organization's record gateway answers, and which gateways hold a patient's records
//! (`api.call.gatewayDirectoryApi.*`).

use crate::{GatewayInfo, NodeKey, Organization, Role};
use alloc::vec::Vec;
use codec::Codec;

sp_api::decl_runtime_apis! {
	/// Queries about consortium membership.
	pub trait ConsortiumApi<AccountId, BlockNumber>
	where
		AccountId: Codec,
		BlockNumber: Codec,
	{
		/// The organization registered under `admin`, if any.
		fn organization(admin: AccountId) -> Option<Organization<Vec<u8>, BlockNumber>>;
		/// The organization `account` acts for (itself if an admin, its employer if staff).
		fn organization_of(account: AccountId) -> Option<AccountId>;
		/// Whether `account` acts for an active organization holding `role`.
		fn has_role(account: AccountId, role: Role) -> bool;
	}

	/// The gateway directory: where to fetch a patient's documents, with no list kept off
	/// chain. A trait of its own (not `ConsortiumApi`), as `GatewayApi` is beside
	/// `ConsentApi`: its main question joins two pallets (the records' authors in
	/// HealthRecords, the directory here), and a new trait leaves `ConsortiumApi`'s version
	/// alone.
	///
	/// Only **active** organizations' gateways are handed out: a suspended organization's
	/// entry stays stored (`Consortium.Gateways`) and comes back with its reinstatement.
	/// Endpoints are ASCII bytes (`https://...`; polkadot.js: `.toUtf8()`).
	pub trait GatewayDirectoryApi<AccountId, BlockNumber>
	where
		AccountId: Codec,
		BlockNumber: Codec,
	{
		/// The gateway `organization` (its admin account) published, if the organization is
		/// registered, active and has one.
		fn gateway_of(organization: AccountId) -> Option<GatewayInfo<BlockNumber>>;
		/// The gateways that hold records of `patient`: one entry per organization that
		/// authored at least one of the patient's records (any version, sealed ones too; the
		/// patient's own uploads have no organization), is active, and published a gateway.
		/// Each organization once, in no particular order.
		fn gateways_of_patient(patient: AccountId) -> Vec<(AccountId, GatewayInfo<BlockNumber>)>;
	}

	/// Node authorization: which libp2p identities may peer with member nodes. A trait of
	/// its own because the node, not apps, is its caller: `medchain-node` asks it at every
	/// finalized block and keeps its sync connections to the answer.
	pub trait NodeAuthorizationApi {
		/// `None` when the chain does not restrict peering (no node was ever authorized, as
		/// on a dev chain); otherwise the nodes of the active organizations (sorted, each
		/// once; possibly empty: then a member node peers with no one).
		fn authorized_nodes() -> Option<Vec<NodeKey>>;
	}
}
