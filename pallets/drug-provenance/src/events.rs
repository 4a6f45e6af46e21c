//! The pallet's events: what every call leaves for indexers, the portal and regulators.

use frame_support::pallet_macros::pallet_section;

/// The pallet's events (pasted into the pallet module by `import_section`).
#[pallet_section]
mod events {
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Governance assigned a GS1 Company Prefix to a Manufacturer organization.
		CompanyPrefixAssigned {
			/// The prefix's digits.
			prefix: CompanyPrefix,
			/// The Manufacturer organization that may now register GTINs under it.
			manufacturer: T::AccountId,
		},
		/// Governance revoked a GS1 Company Prefix; products registered under it keep their
		/// owner.
		CompanyPrefixRevoked {
			/// The prefix's digits.
			prefix: CompanyPrefix,
			/// The organization it was assigned to.
			manufacturer: T::AccountId,
		},
		/// Governance moved a product (GTIN) to another Manufacturer organization.
		ProductReassigned {
			/// The GTIN-14.
			gtin: Gtin,
			/// The previous owner.
			from: T::AccountId,
			/// The new owner, who alone commissions its batches from now on.
			to: T::AccountId,
		},
		/// A product (GTIN) was registered.
		ProductRegistered {
			/// The GTIN-14.
			gtin: Gtin,
			/// The Manufacturer organization that owns it.
			manufacturer: T::AccountId,
			/// The hash of its master data.
			metadata_hash: H256,
		},
		/// A batch was commissioned; its manufacturer holds every unit.
		BatchCommissioned {
			/// The new batch's id.
			batch_id: BatchId,
			/// The product.
			gtin: Gtin,
			/// The lot.
			lot: BoundedLot,
			/// The expiry date.
			expiry: ExpiryDate,
			/// Units commissioned.
			quantity: u32,
			/// The Merkle root of the serials.
			serials_root: H256,
			/// The Manufacturer organization.
			manufacturer: T::AccountId,
		},
		/// Units of a batch were shipped; the recipient has to receive them.
		ShipmentSent {
			/// The new shipment's id.
			shipment_id: ShipmentId,
			/// The batch.
			batch_id: BatchId,
			/// The sending organization.
			from: T::AccountId,
			/// The receiving organization.
			to: T::AccountId,
			/// Units shipped.
			quantity: u32,
		},
		/// A shipment was received: the recipient holds its units.
		ShipmentReceived {
			/// The shipment.
			shipment_id: ShipmentId,
			/// The batch.
			batch_id: BatchId,
			/// The sending organization.
			from: T::AccountId,
			/// The receiving organization.
			to: T::AccountId,
			/// Units received.
			quantity: u32,
		},
		/// The sender cancelled a shipment: its units are back in the sender's custody.
		ShipmentCancelled {
			/// The shipment.
			shipment_id: ShipmentId,
			/// The batch.
			batch_id: BatchId,
			/// The sending organization.
			from: T::AccountId,
			/// The recipient that never received it.
			to: T::AccountId,
			/// Units returned.
			quantity: u32,
		},
		/// The recipient rejected a shipment: its units are back in the sender's custody.
		ShipmentRejected {
			/// The shipment.
			shipment_id: ShipmentId,
			/// The batch.
			batch_id: BatchId,
			/// The sending organization, which holds the units again.
			from: T::AccountId,
			/// The receiving organization that refused them.
			to: T::AccountId,
			/// Units returned.
			quantity: u32,
		},
		/// A holder destroyed units of a batch; they left the supply chain for good.
		UnitsDestroyed {
			/// The batch.
			batch_id: BatchId,
			/// The holder organization.
			holder: T::AccountId,
			/// Units destroyed.
			quantity: u32,
			/// Why.
			reason: DestructionReason,
		},
		/// A unit was dispensed to a patient.
		UnitDispensed {
			/// The batch.
			batch_id: BatchId,
			/// `blake2_256` of the serial.
			serial_hash: H256,
			/// The Pharmacy organization.
			pharmacy: T::AccountId,
		},
		/// A suspect unit was reported.
		SuspectReported {
			/// The batch.
			batch_id: BatchId,
			/// `blake2_256` of the serial.
			serial_hash: H256,
			/// Why the unit is suspect.
			reason: SuspectReason,
			/// The reporting organization.
			reporter: T::AccountId,
		},
		/// A batch was recalled.
		BatchRecalled {
			/// The batch.
			batch_id: BatchId,
			/// The manufacturer or Regulator organization that recalled it.
			by: T::AccountId,
			/// The recall's reason code.
			reason_code: u16,
			/// Every organization with custody of the batch, with its held, incoming and
			/// outgoing units, so that each can act.
			holders: HolderCustodyOf<T>,
			/// Units in pending shipments (their senders can cancel them).
			in_transit: u32,
		},
	}
}
