//! `ConsentApi`: what patients, apps and auditors can ask about consents, by metadata alone
//! (`api.call.consentApi.*` in polkadot.js).

use crate::{AccessEntry, Consent, ReadDecision};
use alloc::vec::Vec;
use codec::Codec;
use medchain_primitives::{ConsentId, Moment, Purpose, RecordCategory};
use sp_core::H256;

sp_api::decl_runtime_apis! {
	/// Queries about patients' consents and access logs.
	#[api_version(2)]
	pub trait ConsentApi<AccountId, BlockNumber>
	where
		AccountId: Codec,
		BlockNumber: Codec,
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
		/// The patient's stored consents (active, revoked and expired; patient-granted and
		/// break-glass), oldest first.
		fn consents_of(patient: AccountId) -> Vec<(ConsentId, Consent<AccountId>)>;
		/// The patient's access log across organizations (each organization's most recent
		/// `MaxAccessLogEntries` reads of this patient), oldest first. (Version 2: each
		/// entry names the block and extrinsic that logged it.)
		fn access_log(patient: AccountId) -> Vec<AccessEntry<AccountId, BlockNumber>>;
		/// For audits: whether a consent still stored for `patient` let `grantee` read
		/// `category` for `purpose` at time `at` (ms since the Unix epoch). Sees every consent
		/// that ended less than `AuditRetention` ago; cannot see pruned consents, nor whether
		/// the grantee was suspended at `at`.
		fn was_permitted(
			patient: AccountId,
			grantee: AccountId,
			category: RecordCategory,
			purpose: Purpose,
			at: Moment,
		) -> bool;
		/// How often `organization`'s staff broke the glass: `(since genesis, in the current
		/// rate-limit window)`. For regulators watching for mass emergency access.
		fn emergency_uses(organization: AccountId) -> (u32, u32);
	}
}

sp_api::decl_runtime_apis! {
	/// The one question a hospital's record gateway (`medchain-gateway`) asks before it
	/// serves a document: may this requester read this record now?
	#[api_version(2)]
	pub trait GatewayApi<AccountId, BlockNumber>
	where
		AccountId: Codec,
		BlockNumber: Codec,
	{
		/// Whether `requester` may now be served the document of record `record_id`: unknown,
		/// sealed, patient erased, the patient themself, a read logged (with `log_access`)
		/// at most `max_log_age` ms ago under a consent that still grants it, or refused
		/// with the missing piece named. (Version 2: a logged read names the block and
		/// extrinsic that logged it.)
		fn read_decision(
			requester: AccountId,
			record_id: H256,
			max_log_age: Moment,
		) -> ReadDecision<AccountId, BlockNumber>;
	}
}
