//! The read-only queries behind the runtime API ([`crate::runtime_api::DrugProvenanceApi`],
//! declared in `runtime_api.rs`), and the company-prefix lookup `register_product` uses.

use crate::*;

impl<T: Config> Pallet<T> {
	/// What the chain knows about one pack, identified by its GS1 data (GTIN, lot, serial)
	/// and the serial's Merkle proof (see [`UnitStatus`]), including the product's
	/// current manufacturer and the batch's. An invalid GTIN, an unknown lot or an
	/// over-long lot gives [`UnitStatus::unknown`]; an invalid serial or proof gives
	/// `authentic: false`.
	///
	/// ## Complexity
	/// At most `MaxProofLen` + 1 hashes and O(`MaxHoldersPerBatch`) reads.
	pub fn verify_unit(
		gtin: Vec<u8>,
		lot: Vec<u8>,
		serial: Vec<u8>,
		proof: SerialProof<Vec<H256>>,
	) -> UnitStatus<T::AccountId> {
		let Some(batch_id) = Self::batch_of(gtin, lot) else {
			return UnitStatus::unknown();
		};
		let Some(batch) = Batches::<T>::get(batch_id) else { return UnitStatus::unknown() };
		let valid_serial = serial.len() <= MAX_SERIAL_LEN as usize && is_gs1_value(&serial);
		let authentic = valid_serial
			&& Self::check_serial(
				&batch,
				&serial,
				proof.leaf_index,
				proof.leaf_count,
				&proof.siblings,
			)
			.is_ok();
		UnitStatus {
			batch_id: Some(batch_id),
			manufacturer: Products::<T>::get(batch.gtin).map(|p| p.manufacturer),
			batch_manufacturer: Some(batch.manufacturer.clone()),
			authentic,
			dispensed: Dispensed::<T>::get(batch_id, serial_hash(&serial)),
			recalled: batch.is_recalled(),
			expired: batch.is_expired_at(Self::now()),
			expiry: Some(batch.expiry),
			holders: Self::holders(batch_id),
			suspect_reports: batch.suspect_reports,
		}
	}

	/// The batch commissioned for this GTIN (14 ASCII digits) and lot, if any.
	pub fn batch_of(gtin: Vec<u8>, lot: Vec<u8>) -> Option<BatchId> {
		let gtin = Gtin::parse(&gtin).ok()?;
		let lot = BoundedLot::try_from(lot).ok()?;
		BatchOf::<T>::get(gtin, lot)
	}

	/// The product (GTIN) and the recall state of a batch, if it exists: what a pallet built
	/// on this one (prescriptions) needs of a batch.
	pub fn product_of_batch(batch_id: BatchId) -> Option<(Gtin, bool)> {
		Batches::<T>::get(batch_id).map(|batch| (batch.gtin, batch.is_recalled()))
	}

	/// Whether a product with this GTIN is registered.
	pub fn is_registered_product(gtin: &Gtin) -> bool {
		Products::<T>::contains_key(gtin)
	}

	/// The batch with this id, if any (for the runtime API: the lot as plain bytes).
	pub fn batch(batch_id: BatchId) -> Option<BatchInfoOf<T>> {
		Batches::<T>::get(batch_id).map(|batch| batch.map_lot(|lot| lot.into_inner()))
	}

	/// The batch's custody history, oldest first (empty for an unknown batch).
	pub fn batch_history(batch_id: BatchId) -> Vec<CustodyEvent<T::AccountId>> {
		BatchHistory::<T>::get(batch_id).into_inner()
	}

	/// Every organization with custody of the batch and its custody, in the order they
	/// first took part (empty for an unknown batch).
	///
	/// ## Complexity
	/// O(`MaxHoldersPerBatch`) reads.
	pub fn holders(batch_id: BatchId) -> Vec<(T::AccountId, Custody)> {
		BatchHolders::<T>::get(batch_id)
			.into_iter()
			.map(|org| {
				let custody = Holdings::<T>::get(batch_id, &org).unwrap_or_default();
				(org, custody)
			})
			.collect()
	}

	/// The batch's newest suspect reports, oldest first.
	pub fn suspect_reports(batch_id: BatchId) -> Vec<SuspectReport<T::AccountId>> {
		SuspectReports::<T>::get(batch_id).into_inner()
	}

	/// The products a manufacturer registered, in registration order.
	///
	/// ## Complexity
	/// O(`MaxProductsPerManufacturer`) reads.
	pub fn products_of(manufacturer: &T::AccountId) -> Vec<(Gtin, Product<T::AccountId>)> {
		ProductsOf::<T>::get(manufacturer)
			.into_iter()
			.filter_map(|gtin| Products::<T>::get(gtin).map(|p| (gtin, p)))
			.collect()
	}

	/// The pending shipment with this id, if any.
	pub fn shipment(shipment_id: ShipmentId) -> Option<Shipment<T::AccountId>> {
		Shipments::<T>::get(shipment_id)
	}

	/// The assigned company prefix that `gtin` starts with (after its indicator digit)
	/// and the organization it is assigned to, if any. Assigned prefixes never overlap,
	/// so at most one matches.
	///
	/// ## Complexity
	/// At most 7 reads (prefix lengths 6..=12).
	pub fn company_prefix_owner(gtin: &Gtin) -> Option<(CompanyPrefix, T::AccountId)> {
		gtin.company_prefixes()
			.find_map(|prefix| CompanyPrefixes::<T>::get(&prefix).map(|owner| (prefix, owner)))
	}
}
