//! `DrugProvenanceApi`: what pharmacies, distributors, regulators and patients' apps can ask
//! about products, batches and single packs, by metadata alone
//! (`api.call.drugProvenanceApi.*` in polkadot.js).

use crate::{
	Batch, BatchId, Custody, CustodyEvent, Gtin, Product, SerialProof, Shipment, ShipmentId,
	SuspectReport, UnitStatus,
};
use alloc::vec::Vec;
use codec::Codec;
use sp_core::H256;

/// A batch as the API returns it: the lot as plain bytes.
pub type BatchInfo<AccountId> = Batch<AccountId, Vec<u8>>;

sp_api::decl_runtime_apis! {
	/// Queries about drug products, batches, custody and single packs.
	pub trait DrugProvenanceApi<AccountId>
	where
		AccountId: Codec,
	{
		/// What the chain knows about one pack: its batch (by GTIN-14 digits and lot), the
		/// product's current manufacturer and the batch's manufacturer, whether the serial is
		/// proven a member of the batch by `proof` (authentic), whether it was dispensed (by
		/// whom, when), whether the batch is recalled or expired, its expiry, every current
		/// holder with its custody, and the batch's suspect-report count.
		fn verify_unit(gtin: Vec<u8>, lot: Vec<u8>, serial: Vec<u8>, proof: SerialProof<Vec<H256>>) -> UnitStatus<AccountId>;
		/// The batch commissioned for this GTIN (14 ASCII digits) and lot, if any.
		fn batch_of(gtin: Vec<u8>, lot: Vec<u8>) -> Option<BatchId>;
		/// The batch with this id, if any.
		fn batch(batch_id: BatchId) -> Option<BatchInfo<AccountId>>;
		/// The batch's custody history, oldest first: commissioned, shipped, received,
		/// cancelled, rejected, dispensed counts per pharmacy, destroyed, recalled. Empty if
		/// unknown.
		fn batch_history(batch_id: BatchId) -> Vec<CustodyEvent<AccountId>>;
		/// Every organization with custody of the batch and its held, incoming and outgoing
		/// units.
		fn holders(batch_id: BatchId) -> Vec<(AccountId, Custody)>;
		/// The batch's newest suspect reports, oldest first.
		fn suspect_reports(batch_id: BatchId) -> Vec<SuspectReport<AccountId>>;
		/// The products (GTIN and record) a manufacturer organization registered.
		fn products_of(manufacturer: AccountId) -> Vec<(Gtin, Product<AccountId>)>;
		/// The pending shipment with this id, if any.
		fn shipment(shipment_id: ShipmentId) -> Option<Shipment<AccountId>>;
	}
}
