//! `ConsentApi`: what patients, apps and auditors can ask about consents, by metadata alone
//! (`api.call.consentApi.*` in polkadot.js).

use crate::{AccessEntry, Consent};
use alloc::vec::Vec;
use codec::Codec;
use medchain_primitives::{ConsentId, Moment, Purpose, RecordCategory};

sp_api::decl_runtime_apis! {
	/// Queries about patients' consents and access logs.
	pub trait ConsentApi<AccountId>
	where
		AccountId: Codec,
	{
		/// Whether `grantee` may now access `patient`'s data of `category` for `purpose`
		/// (write access if `write`, read access otherwise): an active consent, an active
		/// grantee organization, a patient who has not deregistered.
		fn has_access(
			patient: AccountId,
			grantee: AccountId,
			category: RecordCategory,
			purpose: Purpose,
			write: bool,
		) -> bool;
		/// The patient's stored consents (active, revoked and expired), oldest first.
		fn consents_of(patient: AccountId) -> Vec<(ConsentId, Consent<AccountId>)>;
		/// The patient's access log (the most recent `MaxAccessLogEntries` reads), oldest
		/// first.
		fn access_log(patient: AccountId) -> Vec<AccessEntry<AccountId>>;
		/// For audits: whether a consent still stored for `patient` let `grantee` read
		/// `category` for `purpose` at time `at` (ms since the Unix epoch). Cannot see pruned
		/// consents, nor whether the grantee was suspended at `at`.
		fn was_permitted(
			patient: AccountId,
			grantee: AccountId,
			category: RecordCategory,
			purpose: Purpose,
			at: Moment,
		) -> bool;
	}
}
