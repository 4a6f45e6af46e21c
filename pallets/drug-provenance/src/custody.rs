//! Custody hand-over: the work of `ship`, `receive`, `cancel_shipment`, `reject_shipment` and
//! `destroy_units` (the calls in `lib.rs` check the origin and the signer's role, then call
//! these), and the per-(batch, organization) custody bookkeeping.

use crate::*;
use frame_support::pallet_prelude::*;

/// How a pending shipment ends without being received.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum ShipmentReturn {
	/// Its sender cancelled it.
	Cancelled,
	/// Its recipient rejected it.
	Rejected,
}

impl<T: Config> Pallet<T> {
	/// [`Pallet::ship`] from `from`, the signer's organization (the call checked its custody
	/// role).
	pub(crate) fn do_ship(
		from: T::AccountId,
		batch_id: BatchId,
		to: T::AccountId,
		quantity: u32,
	) -> DispatchResultWithPostInfo {
		ensure!(quantity > 0, Error::<T>::ZeroQuantity);
		let mut batch = Batches::<T>::get(batch_id).ok_or(Error::<T>::UnknownBatch)?;
		ensure!(!batch.is_recalled() || to == batch.manufacturer, Error::<T>::RecalledBatch);
		ensure!(from != to, Error::<T>::ShipToSelf);
		ensure!(T::Roles::is_organization(&to), Error::<T>::RecipientNotOrganization);
		let recipient_roles = T::Roles::ensure_active_organization(&to)
			.map_err(|_| Error::<T>::SuspendedRecipient)?;
		ensure!(
			!recipient_roles.intersection(CUSTODY_ROLES).is_empty(),
			Error::<T>::RecipientMissingRole
		);
		let mut sender = Holdings::<T>::get(batch_id, &from).unwrap_or_default();
		ensure!(sender.held >= quantity, Error::<T>::InsufficientCustody);
		let mut recipient = Holdings::<T>::get(batch_id, &to).unwrap_or_default();
		let mut holders = BatchHolders::<T>::get(batch_id);
		if !holders.contains(&to) {
			holders.try_push(to.clone()).map_err(|_| Error::<T>::TooManyHolders)?;
		}
		let shipment_id = NextShipmentId::<T>::get();
		let next_id = shipment_id.checked_add(1).ok_or(Error::<T>::ShipmentIdOverflow)?;
		sender.held = sender.held.checked_sub(quantity).ok_or(ArithmeticError::Underflow)?;
		sender.outgoing = sender.outgoing.checked_add(quantity).ok_or(ArithmeticError::Overflow)?;
		recipient.incoming =
			recipient.incoming.checked_add(quantity).ok_or(ArithmeticError::Overflow)?;
		batch.in_transit =
			batch.in_transit.checked_add(quantity).ok_or(ArithmeticError::Overflow)?;
		let now = Self::now();

		let holders_len = u32::try_from(holders.len()).unwrap_or(u32::MAX);
		Holdings::<T>::insert(batch_id, &from, sender);
		Holdings::<T>::insert(batch_id, &to, recipient);
		BatchHolders::<T>::insert(batch_id, holders);
		CustodyParties::<T>::insert(batch_id, &to, ());
		Shipments::<T>::insert(
			shipment_id,
			Shipment { batch_id, from: from.clone(), to: to.clone(), quantity, sent_at: now },
		);
		NextShipmentId::<T>::put(next_id);
		let history_len = Self::note_history(
			batch_id,
			&mut batch,
			CustodyEvent::Shipped {
				shipment_id,
				from: from.clone(),
				to: to.clone(),
				quantity,
				at: now,
			},
		);
		Batches::<T>::insert(batch_id, batch);
		Self::deposit_event(Event::ShipmentSent { shipment_id, batch_id, from, to, quantity });
		Ok(Some(T::WeightInfo::ship(history_len, holders_len)).into())
	}

	/// [`Pallet::receive`] by `org`, the signer's organization (the call checked its custody
	/// role).
	pub(crate) fn do_receive(
		org: T::AccountId,
		shipment_id: ShipmentId,
	) -> DispatchResultWithPostInfo {
		let shipment = Shipments::<T>::get(shipment_id).ok_or(Error::<T>::UnknownShipment)?;
		ensure!(shipment.to == org, Error::<T>::NotShipmentRecipient);
		let Shipment { batch_id, from, to, quantity, .. } = shipment;
		let mut batch = Batches::<T>::get(batch_id).ok_or(Error::<T>::UnknownBatch)?;
		ensure!(!batch.is_recalled() || to == batch.manufacturer, Error::<T>::RecalledBatch);
		let mut sender = Holdings::<T>::get(batch_id, &from).unwrap_or_default();
		let mut recipient = Holdings::<T>::get(batch_id, &to).unwrap_or_default();
		sender.outgoing =
			sender.outgoing.checked_sub(quantity).ok_or(ArithmeticError::Underflow)?;
		recipient.incoming =
			recipient.incoming.checked_sub(quantity).ok_or(ArithmeticError::Underflow)?;
		recipient.held = recipient.held.checked_add(quantity).ok_or(ArithmeticError::Overflow)?;
		batch.in_transit =
			batch.in_transit.checked_sub(quantity).ok_or(ArithmeticError::Underflow)?;

		Shipments::<T>::remove(shipment_id);
		let holders_len = Self::set_custody(batch_id, &from, sender)
			.max(Self::set_custody(batch_id, &to, recipient));
		let history_len = Self::note_history(
			batch_id,
			&mut batch,
			CustodyEvent::Received {
				shipment_id,
				from: from.clone(),
				to: to.clone(),
				quantity,
				at: Self::now(),
			},
		);
		Batches::<T>::insert(batch_id, batch);
		Self::deposit_event(Event::ShipmentReceived { shipment_id, batch_id, from, to, quantity });
		Ok(Some(T::WeightInfo::receive(history_len, holders_len)).into())
	}

	/// End a pending shipment without receiving it (`cancel_shipment`,
	/// `reject_shipment`; the caller checked who may): its units go back to the sender's
	/// `held`, the parties' empty custody entries are removed, the history and an event
	/// record it. Fails with `UnknownBatch` (writing nothing) if the batch is gone.
	///
	/// Returns the history's length before the entry was added and the length of the
	/// holder list if it was read (0 if not), the components of the calls' weights.
	pub(crate) fn do_return_shipment(
		shipment_id: ShipmentId,
		shipment: Shipment<T::AccountId>,
		how: ShipmentReturn,
	) -> Result<(u32, u32), DispatchError> {
		let Shipment { batch_id, from, to, quantity, .. } = shipment;
		let mut batch = Batches::<T>::get(batch_id).ok_or(Error::<T>::UnknownBatch)?;
		let mut sender = Holdings::<T>::get(batch_id, &from).unwrap_or_default();
		let mut recipient = Holdings::<T>::get(batch_id, &to).unwrap_or_default();
		sender.outgoing =
			sender.outgoing.checked_sub(quantity).ok_or(ArithmeticError::Underflow)?;
		sender.held = sender.held.checked_add(quantity).ok_or(ArithmeticError::Overflow)?;
		recipient.incoming =
			recipient.incoming.checked_sub(quantity).ok_or(ArithmeticError::Underflow)?;
		batch.in_transit =
			batch.in_transit.checked_sub(quantity).ok_or(ArithmeticError::Underflow)?;
		let at = Self::now();

		Shipments::<T>::remove(shipment_id);
		let holders_len = Self::set_custody(batch_id, &from, sender)
			.max(Self::set_custody(batch_id, &to, recipient));
		let (entry, event) = match how {
			ShipmentReturn::Cancelled => (
				CustodyEvent::Cancelled {
					shipment_id,
					from: from.clone(),
					to: to.clone(),
					quantity,
					at,
				},
				Event::ShipmentCancelled { shipment_id, batch_id, from, to, quantity },
			),
			ShipmentReturn::Rejected => (
				CustodyEvent::Rejected {
					shipment_id,
					from: from.clone(),
					to: to.clone(),
					quantity,
					at,
				},
				Event::ShipmentRejected { shipment_id, batch_id, from, to, quantity },
			),
		};
		let history_len = Self::note_history(batch_id, &mut batch, entry);
		Batches::<T>::insert(batch_id, batch);
		Self::deposit_event(event);
		Ok((history_len, holders_len))
	}

	/// [`Pallet::destroy_units`] by `holder`, the signer's organization (the call checked its
	/// custody role).
	pub(crate) fn do_destroy_units(
		holder: T::AccountId,
		batch_id: BatchId,
		quantity: u32,
		reason: DestructionReason,
	) -> DispatchResultWithPostInfo {
		ensure!(quantity > 0, Error::<T>::ZeroQuantity);
		let mut batch = Batches::<T>::get(batch_id).ok_or(Error::<T>::UnknownBatch)?;
		let now = Self::now();
		let supported = match reason {
			DestructionReason::Recalled => batch.is_recalled(),
			DestructionReason::Expired => batch.is_expired_at(now),
			DestructionReason::DamagedOrTampered | DestructionReason::Other => true,
		};
		ensure!(supported, Error::<T>::ClaimNotSupported);
		let mut custody = Holdings::<T>::get(batch_id, &holder).unwrap_or_default();
		ensure!(custody.held >= quantity, Error::<T>::InsufficientCustody);
		custody.held = custody.held.checked_sub(quantity).ok_or(ArithmeticError::Underflow)?;
		batch.destroyed = batch.destroyed.checked_add(quantity).ok_or(ArithmeticError::Overflow)?;

		let holders_len = Self::set_custody(batch_id, &holder, custody);
		let history_len = Self::note_history(
			batch_id,
			&mut batch,
			CustodyEvent::Destroyed { by: holder.clone(), quantity, reason, at: now },
		);
		Batches::<T>::insert(batch_id, batch);
		Self::deposit_event(Event::UnitsDestroyed { batch_id, holder, quantity, reason });
		Ok(Some(T::WeightInfo::destroy_units(history_len, holders_len)).into())
	}

	/// Store `custody` of `org` for `batch_id`, or remove it (and `org` from the batch's
	/// holders) when it is empty. Never adds a holder: callers that can add one (`ship`,
	/// `commission_batch`) write the list themselves.
	///
	/// Returns the number of holders in the list when it was read (before `org` left it),
	/// 0 when it was not (a weight component of the calling call).
	pub(crate) fn set_custody(batch_id: BatchId, org: &T::AccountId, custody: Custody) -> u32 {
		if custody.is_empty() {
			Holdings::<T>::remove(batch_id, org);
			BatchHolders::<T>::mutate(batch_id, |holders| {
				let read = u32::try_from(holders.len()).unwrap_or(u32::MAX);
				holders.retain(|h| h != org);
				read
			})
		} else {
			Holdings::<T>::insert(batch_id, org, custody);
			0
		}
	}
}
