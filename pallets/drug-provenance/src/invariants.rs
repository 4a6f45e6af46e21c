//! The pallet's invariants, checked by `try_state` (try-runtime), after every unit test and
//! by the runtime fuzz harness after every block.

use crate::*;
use frame_support::pallet_prelude::*;

impl<T: Config> Pallet<T> {
	/// Check the pallet's invariants:
	/// - **conservation**, per batch:
	///   `sum(held) + in_transit + dispensed + destroyed == quantity`;
	///   `sum(incoming) == sum(outgoing) == in_transit ==` the units of the batch's
	///   pending shipments; `dispensed` equals the number of dispensed serials;
	/// - the holder list of a batch has no duplicates and is exactly the set of
	///   organizations with a (non-empty) custody entry;
	/// - every holder of a batch, and its manufacturer, is a custody party of it, and every
	///   custody party entry is of an existing batch;
	/// - every pending shipment has a positive quantity, an existing batch, an id below
	///   `NextShipmentId`, and is counted in its parties' custody;
	/// - every batch has an id below `NextBatchId`, a quantity in `1..=MaxQuantity`, a
	///   registered product, its (GTIN, lot) indexed to it, and a history starting with
	///   `Commissioned`;
	/// - every batch's kept suspect reports are of an existing batch, at most
	///   `Batch::suspect_reports` of them, at most `MaxReportsPerReporter` per reporter;
	/// - products and the manufacturers' product lists agree;
	/// - every assigned company prefix is 6..=12 digits, none is a leading part of
	///   another, and `LongerPrefixes` counts exactly the assigned prefixes extending
	///   each digit string.
	///
	/// Always compiled (not only under `try-runtime`): the runtime fuzz harness
	/// (`fuzz/harness`) checks it after every block without that feature.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;

		#[derive(Default)]
		struct Totals {
			held: u64,
			incoming: u64,
			outgoing: u64,
			entries: u32,
			shipped: u64,
			dispensed: u64,
		}
		let mut totals: BTreeMap<BatchId, Totals> = BTreeMap::new();
		for (batch_id, _, custody) in Holdings::<T>::iter() {
			ensure!(!custody.is_empty(), "empty custody entry stored");
			let t = totals.entry(batch_id).or_default();
			t.held = t.held.saturating_add(custody.held.into());
			t.incoming = t.incoming.saturating_add(custody.incoming.into());
			t.outgoing = t.outgoing.saturating_add(custody.outgoing.into());
			t.entries = t.entries.saturating_add(1);
		}
		let next_shipment = NextShipmentId::<T>::get();
		for (shipment_id, shipment) in Shipments::<T>::iter() {
			ensure!(shipment_id < next_shipment, "shipment id not below NextShipmentId");
			ensure!(shipment.quantity > 0, "empty shipment");
			ensure!(Batches::<T>::contains_key(shipment.batch_id), "shipment of no batch");
			let from = Holdings::<T>::get(shipment.batch_id, &shipment.from)
				.ok_or("shipment sender has no custody")?;
			let to = Holdings::<T>::get(shipment.batch_id, &shipment.to)
				.ok_or("shipment recipient has no custody")?;
			ensure!(from.outgoing >= shipment.quantity, "shipment not in outgoing");
			ensure!(to.incoming >= shipment.quantity, "shipment not in incoming");
			let t = totals.entry(shipment.batch_id).or_default();
			t.shipped = t.shipped.saturating_add(shipment.quantity.into());
		}
		for (batch_id, _, _) in Dispensed::<T>::iter() {
			let t = totals.entry(batch_id).or_default();
			t.dispensed = t.dispensed.saturating_add(1);
		}
		let next_batch = NextBatchId::<T>::get();
		let mut batch_count: usize = 0;
		for (batch_id, batch) in Batches::<T>::iter() {
			batch_count = batch_count.saturating_add(1);
			ensure!(batch_id < next_batch, "batch id not below NextBatchId");
			ensure!(
				batch.quantity > 0 && batch.quantity <= T::MaxQuantity::get(),
				"batch quantity out of range"
			);
			let t = totals.remove(&batch_id).unwrap_or_default();
			let in_transit = u64::from(batch.in_transit);
			ensure!(
				t.held
					.saturating_add(in_transit)
					.saturating_add(batch.dispensed.into())
					.saturating_add(batch.destroyed.into())
					== u64::from(batch.quantity),
				"conservation: held + in transit + dispensed + destroyed != quantity"
			);
			ensure!(t.incoming == in_transit, "incoming units != in transit");
			ensure!(t.outgoing == in_transit, "outgoing units != in transit");
			ensure!(t.shipped == in_transit, "pending shipments != in transit");
			ensure!(t.dispensed == u64::from(batch.dispensed), "dispensed serials != count");
			let holders = BatchHolders::<T>::get(batch_id);
			ensure!(holders.len() == t.entries as usize, "holder list != custody entries");
			for (i, holder) in holders.iter().enumerate() {
				ensure!(
					Holdings::<T>::contains_key(batch_id, holder),
					"listed holder has no custody"
				);
				ensure!(
					!holders.iter().skip(i.saturating_add(1)).any(|h| h == holder),
					"holder listed twice"
				);
				ensure!(
					CustodyParties::<T>::contains_key(batch_id, holder),
					"holder is not a custody party"
				);
			}
			ensure!(
				CustodyParties::<T>::contains_key(batch_id, &batch.manufacturer),
				"manufacturer is not a custody party"
			);
			// The product's owner may differ from the batch's manufacturer after
			// `reassign_product`; the product must exist.
			ensure!(Products::<T>::contains_key(batch.gtin), "batch of unknown product");
			let reports = SuspectReports::<T>::get(batch_id);
			ensure!(
				reports.len() as u64 <= u64::from(batch.suspect_reports),
				"more kept reports than reports filed"
			);
			for report in reports.iter() {
				ensure!(
					reports.iter().filter(|r| r.reporter == report.reporter).count()
						<= T::MaxReportsPerReporter::get() as usize,
					"more than MaxReportsPerReporter reports of one reporter"
				);
			}
			ensure!(
				BatchOf::<T>::get(batch.gtin, &batch.lot) == Some(batch_id),
				"(gtin, lot) not indexed to its batch"
			);
			ensure!(
				matches!(
					BatchHistory::<T>::get(batch_id).first(),
					Some(CustodyEvent::Commissioned { .. })
				),
				"history does not start with Commissioned"
			);
		}
		ensure!(totals.is_empty(), "custody, shipment or dispense of no batch");
		ensure!(BatchOf::<T>::iter().count() == batch_count, "lot index != batches");
		ensure!(
			BatchHolders::<T>::iter_keys().all(Batches::<T>::contains_key),
			"holder list of no batch"
		);
		ensure!(
			CustodyParties::<T>::iter_keys()
				.all(|(batch_id, _)| Batches::<T>::contains_key(batch_id)),
			"custody party of no batch"
		);
		ensure!(
			SuspectReports::<T>::iter_keys().all(Batches::<T>::contains_key),
			"suspect reports of no batch"
		);
		let mut listed: usize = 0;
		for (manufacturer, gtins) in ProductsOf::<T>::iter() {
			for gtin in gtins.iter() {
				listed = listed.saturating_add(1);
				let product = Products::<T>::get(gtin).ok_or("listed product not stored")?;
				ensure!(product.manufacturer == manufacturer, "product listed for another");
			}
		}
		ensure!(Products::<T>::iter().count() == listed, "products != product lists");

		let mut extensions: BTreeMap<CompanyPrefix, u32> = BTreeMap::new();
		for (prefix, _) in CompanyPrefixes::<T>::iter() {
			ensure!(prefix.is_valid(), "malformed company prefix assigned");
			for shorter in prefix.shorter_prefixes() {
				ensure!(
					!CompanyPrefixes::<T>::contains_key(&shorter),
					"overlapping company prefixes assigned"
				);
				let n = extensions.entry(shorter).or_default();
				*n = n.saturating_add(1);
			}
		}
		for (prefix, count) in LongerPrefixes::<T>::iter() {
			ensure!(
				extensions.remove(&prefix) == Some(count),
				"LongerPrefixes count != assigned extensions"
			);
		}
		ensure!(extensions.is_empty(), "assigned extensions not counted in LongerPrefixes");
		Ok(())
	}
}
