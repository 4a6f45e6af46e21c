//! `ConsortiumApi`: what apps and researchers can ask about membership, by metadata alone
//! (`api.call.consortiumApi.*` in polkadot.js).

use crate::{Organization, Role};
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
}
