//! The pallet's errors: every refusal by name, in the order the calls check them.

use frame_support::pallet_macros::pallet_section;

/// The pallet's errors (pasted into the pallet module by `import_section`).
#[pallet_section]
mod errors {
	#[pallet::error]
	pub enum Error<T> {
		/// The GTIN is not 14 ASCII digits.
		InvalidGtin,
		/// The GTIN's last digit is not its GS1 check digit.
		InvalidGtinCheckDigit,
		/// The product's metadata hash is all zeros.
		ZeroMetadataHash,
		/// The GTIN is already registered.
		GtinAlreadyRegistered,
		/// The manufacturer already registered `MaxProductsPerManufacturer` products.
		TooManyProducts,
		/// No product has this GTIN.
		UnknownProduct,
		/// The GTIN belongs to another manufacturer.
		NotProductOwner,
		/// The lot is empty or has a character outside GS1 character set 82.
		InvalidLot,
		/// The expiry is not a valid GS1 `YYMMDD` date.
		InvalidExpiry,
		/// The batch is expired (or, when commissioning, its expiry date has passed).
		ExpiredBatch,
		/// The quantity is zero.
		ZeroQuantity,
		/// The quantity exceeds `MaxQuantity`.
		QuantityTooLarge,
		/// The serials' Merkle root is all zeros (the root of an empty tree).
		ZeroSerialsRoot,
		/// A batch with this GTIN and lot is already commissioned.
		LotAlreadyCommissioned,
		/// The batch id counter is exhausted.
		BatchIdOverflow,
		/// No batch has this id.
		UnknownBatch,
		/// The batch is recalled (it may only be shipped to, and received by, its manufacturer).
		RecalledBatch,
		/// The sender cannot ship to itself.
		ShipToSelf,
		/// The recipient is not an organization of the consortium (a staff key is not one).
		RecipientNotOrganization,
		/// The recipient organization is suspended.
		SuspendedRecipient,
		/// The recipient has none of the Manufacturer, Distributor, Pharmacy roles.
		RecipientMissingRole,
		/// The sender holds fewer units of the batch than it ships.
		InsufficientCustody,
		/// The batch already has `MaxHoldersPerBatch` holders and the recipient is not one.
		TooManyHolders,
		/// The shipment id counter is exhausted.
		ShipmentIdOverflow,
		/// No pending shipment has this id (never sent, or already received or cancelled).
		UnknownShipment,
		/// Only the shipment's recipient organization can receive it.
		NotShipmentRecipient,
		/// Only the shipment's sender organization can cancel it.
		NotShipmentSender,
		/// The pharmacy holds no unit of the batch.
		NoCustody,
		/// The serial is empty or has a character outside GS1 character set 82.
		InvalidSerial,
		/// The proof does not fit the batch: `leaf_count` differs from its quantity, the index
		/// is out of range, or the number of sibling hashes is not the one the tree requires.
		InvalidProof,
		/// The proof does not lead from the serial to the batch's serials root: the serial is
		/// not in the batch.
		SerialNotInBatch,
		/// The serial was already dispensed.
		SerialAlreadyDispensed,
		/// The chain's state contradicts the reason given (a `DoubleDispense` report of a
		/// serial never dispensed; a `Recalled` report or destruction for a batch not
		/// recalled; an `Expired` one for a batch not expired).
		ClaimNotSupported,
		/// Only the batch's manufacturer or a Regulator can recall it.
		NotManufacturerOrRegulator,
		/// The batch is already recalled.
		AlreadyRecalled,
		/// The company prefix has a character that is not an ASCII digit.
		InvalidCompanyPrefix,
		/// The company prefix is not 6..=12 digits long.
		InvalidCompanyPrefixLength,
		/// The company prefix is already assigned (revoke it first to move it).
		CompanyPrefixAlreadyAssigned,
		/// The company prefix is a leading part of an assigned prefix, or an assigned prefix
		/// is a leading part of it.
		CompanyPrefixOverlaps,
		/// No organization is assigned this company prefix.
		UnknownCompanyPrefix,
		/// The GTIN's company prefix is not assigned to the signer's organization (or to
		/// anyone).
		CompanyPrefixNotAssigned,
		/// The account is not an active organization with the Manufacturer role.
		NotAManufacturer,
		/// The product already belongs to this manufacturer.
		AlreadyProductOwner,
		/// Only a Regulator, the batch's manufacturer, the product's owner or a custody party
		/// of the batch may report on it.
		NotBatchParty,
		/// The reporter already has `MaxReportsPerReporter` reports kept for this batch.
		TooManyReports,
		/// The batch's report list is full of Regulators' reports; only a Regulator's report
		/// can replace one.
		SuspectReportsFull,
		/// The product may only be dispensed against a prescription (governance's
		/// prescription-only flag): use the prescriptions pallet's `dispense_prescribed`.
		PrescriptionRequired,
	}
}
