//! Products and GS1 company prefixes: the work of `register_product`, `reassign_product`,
//! `assign_company_prefix` and `revoke_company_prefix` (the calls in `lib.rs` check the origin
//! and the signer's role, then call these), and the parsing of GTIN and company-prefix
//! arguments into this pallet's named errors.

use crate::*;
use frame_support::pallet_prelude::*;

impl<T: Config> Pallet<T> {
	/// [`Pallet::register_product`] for `manufacturer`, the signer's organization (the call
	/// checked its Manufacturer role).
	pub(crate) fn do_register_product(
		manufacturer: T::AccountId,
		gtin: GtinInput,
		metadata_hash: H256,
	) -> DispatchResult {
		let gtin = Self::parse_gtin(&gtin)?;
		ensure!(
			Self::company_prefix_owner(&gtin).is_some_and(|(_, owner)| owner == manufacturer),
			Error::<T>::CompanyPrefixNotAssigned
		);
		ensure!(!metadata_hash.is_zero(), Error::<T>::ZeroMetadataHash);
		ensure!(!Products::<T>::contains_key(gtin), Error::<T>::GtinAlreadyRegistered);
		let mut products = ProductsOf::<T>::get(&manufacturer);
		products.try_push(gtin).map_err(|_| Error::<T>::TooManyProducts)?;

		Products::<T>::insert(
			gtin,
			Product {
				manufacturer: manufacturer.clone(),
				metadata_hash,
				registered_at: Self::now(),
			},
		);
		ProductsOf::<T>::insert(&manufacturer, products);
		Self::deposit_event(Event::ProductRegistered { gtin, manufacturer, metadata_hash });
		Ok(())
	}

	/// [`Pallet::reassign_product`] (the call checked the governance origin).
	pub(crate) fn do_reassign_product(
		gtin: GtinInput,
		manufacturer: T::AccountId,
	) -> DispatchResult {
		let gtin = Self::parse_gtin(&gtin)?;
		let mut product = Products::<T>::get(gtin).ok_or(Error::<T>::UnknownProduct)?;
		ensure!(Self::is_manufacturer_organization(&manufacturer), Error::<T>::NotAManufacturer);
		ensure!(product.manufacturer != manufacturer, Error::<T>::AlreadyProductOwner);
		let mut to_list = ProductsOf::<T>::get(&manufacturer);
		to_list.try_push(gtin).map_err(|_| Error::<T>::TooManyProducts)?;
		let from = core::mem::replace(&mut product.manufacturer, manufacturer.clone());
		let mut from_list = ProductsOf::<T>::get(&from);
		from_list.retain(|g| *g != gtin);

		if from_list.is_empty() {
			ProductsOf::<T>::remove(&from);
		} else {
			ProductsOf::<T>::insert(&from, from_list);
		}
		ProductsOf::<T>::insert(&manufacturer, to_list);
		Products::<T>::insert(gtin, product);
		Self::deposit_event(Event::ProductReassigned { gtin, from, to: manufacturer });
		Ok(())
	}

	/// Assign `prefix` to `manufacturer` (no origin or role check): fails with
	/// `CompanyPrefixAlreadyAssigned` or `CompanyPrefixOverlaps`, writes nothing then.
	///
	/// ## Complexity
	/// At most 6 shorter prefixes read and their counters written, plus 2 reads.
	pub(crate) fn do_assign_company_prefix(
		prefix: &CompanyPrefix,
		manufacturer: &T::AccountId,
	) -> DispatchResult {
		ensure!(
			!CompanyPrefixes::<T>::contains_key(prefix),
			Error::<T>::CompanyPrefixAlreadyAssigned
		);
		ensure!(
			!LongerPrefixes::<T>::contains_key(prefix)
				&& !prefix.shorter_prefixes().any(CompanyPrefixes::<T>::contains_key),
			Error::<T>::CompanyPrefixOverlaps
		);

		CompanyPrefixes::<T>::insert(prefix, manufacturer);
		for shorter in prefix.shorter_prefixes() {
			LongerPrefixes::<T>::mutate(shorter, |n| *n = n.saturating_add(1));
		}
		Ok(())
	}

	/// [`Pallet::revoke_company_prefix`] (the call checked the governance origin).
	pub(crate) fn do_revoke_company_prefix(prefix: CompanyPrefixInput) -> DispatchResult {
		let prefix = Self::parse_company_prefix(&prefix)?;
		let manufacturer =
			CompanyPrefixes::<T>::get(&prefix).ok_or(Error::<T>::UnknownCompanyPrefix)?;

		CompanyPrefixes::<T>::remove(&prefix);
		for shorter in prefix.shorter_prefixes() {
			LongerPrefixes::<T>::mutate_exists(shorter, |count| {
				*count = count.map(|n| n.saturating_sub(1)).filter(|n| *n > 0);
			});
		}
		Self::deposit_event(Event::CompanyPrefixRevoked { prefix, manufacturer });
		Ok(())
	}

	/// Parse a GTIN-14 argument into a [`Gtin`], with this pallet's named errors.
	pub(crate) fn parse_gtin(input: &[u8]) -> Result<Gtin, DispatchError> {
		Gtin::parse(input).map_err(|e| match e {
			GtinError::Format => Error::<T>::InvalidGtin.into(),
			GtinError::CheckDigit => Error::<T>::InvalidGtinCheckDigit.into(),
		})
	}

	/// Parse a company prefix argument into a [`CompanyPrefix`], with this pallet's named
	/// errors.
	pub(crate) fn parse_company_prefix(input: &[u8]) -> Result<CompanyPrefix, DispatchError> {
		CompanyPrefix::parse(input).map_err(|e| match e {
			CompanyPrefixError::NotDigits => Error::<T>::InvalidCompanyPrefix.into(),
			CompanyPrefixError::Length => Error::<T>::InvalidCompanyPrefixLength.into(),
		})
	}

	/// Whether `who` is an organization account (not a staff key), active, with the
	/// Manufacturer role.
	pub(crate) fn is_manufacturer_organization(who: &T::AccountId) -> bool {
		T::Roles::has_role(who, Role::Manufacturer)
	}
}
