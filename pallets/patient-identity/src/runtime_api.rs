//! `PatientIdentityApi`: what apps and providers can ask about patient identities, by
//! metadata alone (`api.call.patientIdentityApi.*` in polkadot.js).

use crate::PatientInfo;
use codec::Codec;
use sp_core::H256;

sp_api::decl_runtime_apis! {
	/// Queries about patient identities.
	pub trait PatientIdentityApi<AccountId, BlockNumber>
	where
		AccountId: Codec,
		BlockNumber: Codec,
	{
		/// The patient registered under `who`: their commitment, registration block,
		/// onboarding organization and attestations, or the block of their erasure if they
		/// deregistered. `None` if `who` was never a patient.
		fn patient(who: AccountId) -> Option<PatientInfo<AccountId, BlockNumber>>;
		/// Whether `who` is a registered patient whose current commitment is `commitment`.
		/// A provider computes `blake2_256(salt ++ identity document)` from what the patient
		/// presents and asks this.
		fn verify_commitment(who: AccountId, commitment: H256) -> bool;
		/// How many fee-less calls `who` has left in the current rate-limit window
		/// (0 if `who` is not a registered patient).
		fn free_calls_left(who: AccountId) -> u32;
	}
}
