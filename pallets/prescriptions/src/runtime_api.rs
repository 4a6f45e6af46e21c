//! `PrescriptionsApi`: what a patient's wallet, a pharmacy and a regulator ask about
//! prescriptions (`api.call.prescriptionsApi.*` in polkadot.js).

use crate::{FilledUnit, PrescriptionState};
use alloc::vec::Vec;
use codec::Codec;
use pallet_drug_provenance::BatchId;
use sp_core::H256;

sp_api::decl_runtime_apis! {
	/// Queries about prescriptions and their fills.
	pub trait PrescriptionsApi<AccountId>
	where
		AccountId: Codec,
	{
		/// The prescription with this id, once filled at least once.
		fn prescription(id: H256) -> Option<PrescriptionState<AccountId>>;
		/// The units that filled it, oldest first.
		fn fills(id: H256) -> Vec<FilledUnit<AccountId>>;
		/// The prescriptions a holder key holds (a wallet asks for each key it derives).
		fn prescriptions_of(holder: AccountId) -> Vec<H256>;
		/// The units that filled a holder's prescriptions from a recalled batch: "your
		/// medicine was recalled".
		fn recalled_fills_of(holder: AccountId) -> Vec<(H256, FilledUnit<AccountId>)>;
		/// How many holder keys received units of the batch against a prescription (a
		/// recall's reach, an upper bound on patients).
		fn holders_reached(batch_id: BatchId) -> u32;
		/// Whether a product (14 ASCII digits) may only be dispensed against a prescription.
		fn is_prescription_only(gtin: Vec<u8>) -> bool;
	}
}
