//! The access check other pallets ask through [`ConsentChecker`] (implemented by [`Pallet`]):
//! may a grantee read or write a category of a patient's data for a purpose now, and if not,
//! the most specific reason. `log_access` and `read_decision` share its denials.

use super::*;
use frame_support::ensure;

/// Why a consent does not grant a requested access, from the least to the most specific.
///
/// When several consents toward the same grantee and purpose exist, the access check reports
/// the most specific reason (e.g. "revoked" rather than "category not covered"); purpose is not a `Denial`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) enum Denial {
	CategoryNotCovered,
	AccessNotGranted,
	Revoked,
	Expired,
}

impl<T: Config> Pallet<T> {
	/// The access check behind [`ConsentChecker`]: the id of an active consent from
	/// `patient` to `grantee` covering `category` for `purpose` (write access if `write`,
	/// read access otherwise), or the most specific reason there is none.
	///
	/// Order: the grantee must be an organization (`NoConsent`) and active (the
	/// consortium's `SuspendedOrganization`), the patient not deregistered
	/// (`DeregisteredPatient`); then, among the patient's consents to `grantee` for
	/// `purpose` (the patient-granted ones, then `grantee`'s newest emergency consent),
	/// the first that grants the access wins; if none does, the most specific failure is
	/// reported: `ExpiredConsent` > `RevokedConsent` > `ReadNotGranted` /
	/// `WriteNotGranted` > `CategoryNotCovered` > `NoConsent`.
	///
	/// ## Complexity
	/// Three reads: the pair's [`GrantsTo`] list, its [`EmergencyConsents`] history and
	/// the newest emergency consent; whatever the patient's consents to others.
	pub fn do_ensure_access(
		patient: &T::AccountId,
		grantee: &T::AccountId,
		category: RecordCategory,
		purpose: Purpose,
		write: bool,
	) -> Result<ConsentId, DispatchError> {
		Self::ensure_consent(patient, grantee, Some(category), purpose, write)
	}

	/// Like [`Self::do_ensure_access`] for read access to any category: the id of an
	/// active consent from `patient` to `grantee` for `purpose`, whatever it covers (e.g.
	/// a Research consent toward a trial sponsor).
	///
	/// ## Complexity
	/// Three reads, as [`Self::do_ensure_access`].
	pub fn do_ensure_purpose(
		patient: &T::AccountId,
		grantee: &T::AccountId,
		purpose: Purpose,
	) -> Result<ConsentId, DispatchError> {
		Self::ensure_consent(patient, grantee, None, purpose, false)
	}

	/// `do_ensure_access` with the category optional (`None`: any category).
	pub(crate) fn ensure_consent(
		patient: &T::AccountId,
		grantee: &T::AccountId,
		category: Option<RecordCategory>,
		purpose: Purpose,
		write: bool,
	) -> Result<ConsentId, DispatchError> {
		ensure!(T::Roles::is_organization(grantee), Error::<T>::NoConsent);
		T::Roles::ensure_active_organization(grantee)?;
		ensure!(!T::Patients::is_deregistered(patient), Error::<T>::DeregisteredPatient);
		let now = Self::now();
		let mut closest: Option<Denial> = None;
		// Only the newest emergency consent of the pair can be live (see
		// `EmergencyConsents`); it tells as much as the older ones when it is not.
		let emergency = EmergencyConsents::<T>::get(patient, grantee)
			.last()
			.and_then(|id| Consents::<T>::get(id).map(|consent| consent.grant(*id)));
		for grant in GrantsTo::<T>::get(patient, grantee).into_iter().chain(emergency) {
			if grant.purpose != purpose {
				continue;
			}
			match Self::coverage_denial(&grant, category, write)
				.or_else(|| Self::status_denial(&grant, now))
			{
				None => return Ok(grant.id),
				Some(denial) => closest = closest.max(Some(denial)),
			}
		}
		Err(closest
			.map(|denial| Self::denial_error(denial, write))
			.unwrap_or_else(|| Error::<T>::NoConsent.into()))
	}

	/// Why `consent` is not in force at `now`, if it is not.
	pub(crate) fn status_denial(consent: &Grant, now: Moment) -> Option<Denial> {
		if consent.is_revoked() {
			Some(Denial::Revoked)
		} else if consent.is_expired_at(now) {
			Some(Denial::Expired)
		} else {
			None
		}
	}

	/// Why `consent` does not cover `category` with the requested access, if it does not.
	pub(crate) fn coverage_denial(
		consent: &Grant,
		category: Option<RecordCategory>,
		write: bool,
	) -> Option<Denial> {
		if category.is_some_and(|category| !consent.scope.categories.contains(category)) {
			Some(Denial::CategoryNotCovered)
		} else if !consent.scope.access.allows(write) {
			Some(Denial::AccessNotGranted)
		} else {
			None
		}
	}

	pub(crate) fn denial_error(denial: Denial, write: bool) -> DispatchError {
		match denial {
			Denial::CategoryNotCovered => Error::<T>::CategoryNotCovered,
			Denial::AccessNotGranted if write => Error::<T>::WriteNotGranted,
			Denial::AccessNotGranted => Error::<T>::ReadNotGranted,
			Denial::Revoked => Error::<T>::RevokedConsent,
			Denial::Expired => Error::<T>::ExpiredConsent,
		}
		.into()
	}
}

impl<T: Config> ConsentChecker<T::AccountId> for Pallet<T> {
	fn has_access(
		patient: &T::AccountId,
		grantee: &T::AccountId,
		category: RecordCategory,
		purpose: Purpose,
		write: bool,
	) -> bool {
		Self::do_ensure_access(patient, grantee, category, purpose, write).is_ok()
	}

	fn ensure_access(
		patient: &T::AccountId,
		grantee: &T::AccountId,
		category: RecordCategory,
		purpose: Purpose,
		write: bool,
	) -> Result<ConsentId, DispatchError> {
		Self::do_ensure_access(patient, grantee, category, purpose, write)
	}

	fn ensure_purpose(
		patient: &T::AccountId,
		grantee: &T::AccountId,
		purpose: Purpose,
	) -> Result<ConsentId, DispatchError> {
		Self::do_ensure_purpose(patient, grantee, purpose)
	}
}
