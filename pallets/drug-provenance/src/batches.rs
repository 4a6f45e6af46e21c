//! Batches: the work of `commission_batch` and `recall_batch` (the calls in `lib.rs` check
//! the origin and the signer's role, then call these), the block time and the bounded custody
//! history every call that moves units appends to.

use crate::*;
use frame_support::pallet_prelude::*;

impl<T: Config> Pallet<T> {
	/// The current block's time in milliseconds since the Unix epoch
	/// ([`medchain_primitives::now`] of `T::Time`).
	pub fn now() -> Moment {
		medchain_primitives::now::<T::Time>()
	}

	/// [`Pallet::commission_batch`] for `manufacturer`, the signer's organization (the call
	/// checked its Manufacturer role).
	pub(crate) fn do_commission_batch(
		manufacturer: T::AccountId,
		gtin: GtinInput,
		lot: BoundedLot,
		expiry: ExpiryInput,
		quantity: u32,
		serials_root: H256,
	) -> DispatchResult {
		let gtin = Self::parse_gtin(&gtin)?;
		let product = Products::<T>::get(gtin).ok_or(Error::<T>::UnknownProduct)?;
		ensure!(product.manufacturer == manufacturer, Error::<T>::NotProductOwner);
		ensure!(is_gs1_value(&lot), Error::<T>::InvalidLot);
		let now = Self::now();
		let expiry = ExpiryDate::parse(&expiry, now).ok_or(Error::<T>::InvalidExpiry)?;
		ensure!(!expiry.is_expired_at(now), Error::<T>::ExpiredBatch);
		ensure!(quantity > 0, Error::<T>::ZeroQuantity);
		ensure!(quantity <= T::MaxQuantity::get(), Error::<T>::QuantityTooLarge);
		ensure!(!serials_root.is_zero(), Error::<T>::ZeroSerialsRoot);
		ensure!(!BatchOf::<T>::contains_key(gtin, &lot), Error::<T>::LotAlreadyCommissioned);
		let batch_id = NextBatchId::<T>::get();
		let next_id = batch_id.checked_add(1).ok_or(Error::<T>::BatchIdOverflow)?;
		let holders = HoldersOf::<T>::truncate_from(alloc::vec![manufacturer.clone()]);
		let history = HistoryOf::<T>::truncate_from(alloc::vec![CustodyEvent::Commissioned {
			by: manufacturer.clone(),
			quantity,
			at: now,
		}]);

		Batches::<T>::insert(
			batch_id,
			Batch {
				gtin,
				lot: lot.clone(),
				expiry,
				quantity,
				serials_root,
				manufacturer: manufacturer.clone(),
				commissioned_at: now,
				in_transit: 0,
				dispensed: 0,
				destroyed: 0,
				suspect_reports: 0,
				history_pruned: 0,
				recalled: None,
			},
		);
		BatchOf::<T>::insert(gtin, &lot, batch_id);
		CustodyParties::<T>::insert(batch_id, &manufacturer, ());
		Holdings::<T>::insert(
			batch_id,
			&manufacturer,
			Custody { held: quantity, incoming: 0, outgoing: 0 },
		);
		BatchHolders::<T>::insert(batch_id, holders);
		BatchHistory::<T>::insert(batch_id, history);
		NextBatchId::<T>::put(next_id);
		Self::deposit_event(Event::BatchCommissioned {
			batch_id,
			gtin,
			lot,
			expiry,
			quantity,
			serials_root,
			manufacturer,
		});
		Ok(())
	}

	/// [`Pallet::recall_batch`] by `org`, the signer's active organization (the call checked it
	/// is one).
	pub(crate) fn do_recall_batch(
		org: T::AccountId,
		batch_id: BatchId,
		reason_code: u16,
	) -> DispatchResult {
		let mut batch = Batches::<T>::get(batch_id).ok_or(Error::<T>::UnknownBatch)?;
		ensure!(
			(org == batch.manufacturer && T::Roles::has_role(&org, Role::Manufacturer))
				|| T::Roles::has_role(&org, Role::Regulator),
			Error::<T>::NotManufacturerOrRegulator
		);
		ensure!(!batch.is_recalled(), Error::<T>::AlreadyRecalled);
		let now = Self::now();
		let holders = HolderCustodyOf::<T>::truncate_from(Self::holders(batch_id));
		let in_transit = batch.in_transit;

		batch.recalled = Some(Recall { by: org.clone(), reason_code, at: now });
		Self::note_history(
			batch_id,
			&mut batch,
			CustodyEvent::Recalled { by: org.clone(), reason_code, at: now },
		);
		Batches::<T>::insert(batch_id, batch);
		Self::deposit_event(Event::BatchRecalled {
			batch_id,
			by: org,
			reason_code,
			holders,
			in_transit,
		});
		Ok(())
	}

	/// Append `entry` to the batch's history. At the bound the oldest entry after the
	/// first (`Commissioned`) is dropped and counted in `batch.history_pruned` (the caller
	/// stores `batch`).
	///
	/// Returns the number of entries the history held before (a weight component of the
	/// calling call).
	pub(crate) fn note_history(
		batch_id: BatchId,
		batch: &mut BatchRecordOf<T>,
		entry: CustodyEvent<T::AccountId>,
	) -> u32 {
		BatchHistory::<T>::mutate(batch_id, |history| {
			let read = u32::try_from(history.len()).unwrap_or(u32::MAX);
			if history.is_full() && history.len() > 1 {
				history.remove(1);
				batch.history_pruned = batch.history_pruned.saturating_add(1);
			}
			// Cannot fail: a slot was freed above if the history was full (the bound is at
			// least 2, checked by `integrity_test`).
			let _ = history.try_push(entry);
			read
		})
	}

	/// Count one unit dispensed by `pharmacy` in the batch's history: the last entry if it
	/// is a `Dispensed` run of the same pharmacy, else a new entry.
	///
	/// Returns the number of entries the history held before (a weight component of
	/// `dispense`).
	pub(crate) fn note_dispensed(
		batch_id: BatchId,
		batch: &mut BatchRecordOf<T>,
		pharmacy: &T::AccountId,
		now: Moment,
	) -> u32 {
		let mut extended = false;
		let read = BatchHistory::<T>::mutate(batch_id, |history| {
			let read = u32::try_from(history.len()).unwrap_or(u32::MAX);
			if let Some(CustodyEvent::Dispensed { pharmacy: last, count, at }) = history.last_mut()
			{
				if last == pharmacy {
					*count = count.saturating_add(1);
					*at = now;
					extended = true;
				}
			}
			read
		});
		if !extended {
			Self::note_history(
				batch_id,
				batch,
				CustodyEvent::Dispensed { pharmacy: pharmacy.clone(), count: 1, at: now },
			);
		}
		read
	}
}
