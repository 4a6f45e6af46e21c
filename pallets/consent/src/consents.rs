//! Patient-granted consents: what `grant_consent` and `revoke_consent` do once the origin is
//! checked, the checks their `feeless_if` repeat, and storing a new consent (shared with
//! break-glass); first, the small helpers every call uses.

use super::*;
use frame_support::{
	dispatch::{DispatchResult, DispatchResultWithPostInfo},
	ensure, BoundedVec,
};

/// What `insert_consent` (or `insert_emergency_consent`) will do, computed (read-only) by
/// `plan_new_consent` (or `plan_emergency_consent`).
pub(crate) struct NewConsentPlan<Bound: Get<u32>> {
	/// The new consent's id.
	pub(crate) id: ConsentId,
	/// The value of `NextConsentId` afterwards.
	pub(crate) next_id: ConsentId,
	/// The new index (the patient's list, or the organization's emergency history for
	/// the patient), pruned if needed, with `id` appended.
	pub(crate) ids: BoundedVec<ConsentId, Bound>,
	/// The consent removed to make room, if any.
	pub(crate) pruned: Option<ConsentId>,
}

impl<T: Config> Pallet<T> {
	// Shared by the calls of every file.

	/// The current block's time in milliseconds since the Unix epoch
	/// ([`medchain_primitives::now`] of `T::Time`).
	pub fn now() -> Moment {
		medchain_primitives::now::<T::Time>()
	}

	/// Fails unless `who` is a registered patient.
	pub(crate) fn ensure_patient(who: &T::AccountId) -> DispatchResult {
		ensure!(!T::Patients::is_deregistered(who), Error::<T>::DeregisteredPatient);
		ensure!(T::Patients::is_registered(who), Error::<T>::NotAPatient);
		Ok(())
	}

	/// Fails unless `scope` names at least one known category and some access.
	pub(crate) fn ensure_valid_scope(scope: Scope) -> DispatchResult {
		ensure!(!scope.categories.is_empty(), Error::<T>::EmptyCategories);
		ensure!(scope.categories.is_valid(), Error::<T>::InvalidCategories);
		ensure!(!scope.access.is_empty(), Error::<T>::EmptyAccess);
		Ok(())
	}

	/// Count a fee-less call by `who` if it was fee-less (mirrors `feeless_if`).
	///
	/// Known limit: a call wrapped in `Proxy` or `Utility` is not fee-less (only top-level
	/// calls are), yet it is counted here; the dispatchable cannot tell. Counting belongs
	/// in a transaction extension that sees the fee-less decision.
	pub(crate) fn note_free_call(who: &T::AccountId) {
		if T::Patients::has_free_quota(who) {
			T::Patients::note_free_call(who);
		}
	}

	// `grant_consent` and `revoke_consent`.

	/// `grant_consent` for `patient`, the signer: see the call for the rules and errors.
	pub(crate) fn do_grant_consent(
		patient: T::AccountId,
		grantee: T::AccountId,
		scope: Scope,
		purpose: Purpose,
		expires_at: Option<Moment>,
	) -> DispatchResultWithPostInfo {
		let (plan, now) = Self::check_grant(&patient, &grantee, scope, expires_at)?;
		// Charged for the scan of a full list up front; refunded to the cost of a list
		// with room when nothing had to be pruned (the common case).
		let actual_weight = plan.pruned.is_none().then(|| {
			T::WeightInfo::grant_consent_with_room().saturating_add(Self::closing_request_weight())
		});
		Self::note_free_call(&patient);
		let consent = Consent {
			patient: patient.clone(),
			grantee: grantee.clone(),
			scope,
			purpose,
			granted_at: now,
			expires_at,
			revoked_at: None,
			kind: ConsentKind::Standard,
		};
		let consent_id = Self::insert_consent(&patient, plan, consent);
		Self::deposit_event(Event::ConsentGranted {
			patient: patient.clone(),
			grantee: grantee.clone(),
			consent_id,
			scope,
			purpose,
			expires_at,
		});
		if Self::remove_request(&patient, &grantee) {
			Self::deposit_event(Event::AccessRequestClosed {
				patient,
				organization: grantee,
				consent_id: Some(consent_id),
			});
		}
		Ok(actual_weight.into())
	}

	/// `revoke_consent` for `patient`, the signer: see the call for the rules and errors.
	pub(crate) fn do_revoke_consent(
		patient: T::AccountId,
		consent_id: ConsentId,
	) -> DispatchResult {
		let consent = Self::check_revoke(&patient, consent_id)?;
		Self::note_free_call(&patient);
		let grantee = consent.grantee.clone();
		let now = Self::now();
		if consent.kind == ConsentKind::Standard {
			GrantsTo::<T>::mutate(&patient, &grantee, |grants| {
				match grants.iter_mut().find(|grant| grant.id == consent_id) {
					Some(grant) => grant.revoked_at = Some(now),
					None => {
						frame_support::defensive!(
							"a stored patient-granted consent is in GrantsTo"
						);
					}
				}
			});
		}
		Consents::<T>::insert(consent_id, Consent { revoked_at: Some(now), ..consent });
		Self::deposit_event(Event::ConsentRevoked { patient, grantee, consent_id });
		Ok(())
	}

	/// Every check of `grant_consent`, without writing anything.
	pub(crate) fn check_grant(
		patient: &T::AccountId,
		grantee: &T::AccountId,
		scope: Scope,
		expires_at: Option<Moment>,
	) -> Result<(NewConsentPlan<T::MaxConsentsPerPatient>, Moment), DispatchError> {
		Self::ensure_patient(patient)?;
		T::Roles::ensure_active_organization(grantee)?;
		Self::ensure_valid_scope(scope)?;
		let now = Self::now();
		if let Some(expiry) = expires_at {
			ensure!(expiry > now, Error::<T>::ExpiryInPast);
		}
		let plan = Self::plan_new_consent(patient, now)?;
		Ok((plan, now))
	}

	/// Every check of `revoke_consent`, without writing anything; returns the consent.
	pub(crate) fn check_revoke(
		patient: &T::AccountId,
		consent_id: ConsentId,
	) -> Result<ConsentOf<T>, DispatchError> {
		let consent = Consents::<T>::get(consent_id).ok_or(Error::<T>::UnknownConsent)?;
		ensure!(consent.patient == *patient, Error::<T>::NotConsentOwner);
		ensure!(!consent.is_revoked(), Error::<T>::AlreadyRevoked);
		Ok(consent)
	}

	// Storing a new consent (patient-granted here, break-glass in `break_glass.rs`).

	/// Find room for a new consent of `patient`: the next id, and the oldest consent that
	/// ended at least `AuditRetention` ago to prune if the list is full. Reads only.
	pub(crate) fn plan_new_consent(
		patient: &T::AccountId,
		now: Moment,
	) -> Result<NewConsentPlan<T::MaxConsentsPerPatient>, DispatchError> {
		let id = NextConsentId::<T>::get();
		let next_id = id.checked_add(1).ok_or(Error::<T>::ConsentIdOverflow)?;
		let mut ids = ConsentsOf::<T>::get(patient);
		let mut pruned = None;
		if ids.is_full() {
			// A listed id without a stored consent cannot happen (see `do_try_state`);
			// should it, the dangling id is the first thing to drop.
			let retention = T::AuditRetention::get();
			let oldest = ids
				.iter()
				.copied()
				.find(|id| Consents::<T>::get(id).is_none_or(|c| c.is_prunable_at(now, retention)))
				.ok_or(Error::<T>::TooManyConsents)?;
			ids.retain(|id| *id != oldest);
			pruned = Some(oldest);
		}
		ids.try_push(id).map_err(|_| Error::<T>::TooManyConsents)?;
		Ok(NewConsentPlan { id, next_id, ids, pruned })
	}

	/// Store `consent` as planned in the patient's list; emits `ConsentPruned` if a
	/// consent was pruned. Returns the new consent's id.
	pub(crate) fn insert_consent(
		patient: &T::AccountId,
		plan: NewConsentPlan<T::MaxConsentsPerPatient>,
		consent: ConsentOf<T>,
	) -> ConsentId {
		let NewConsentPlan { id, next_id, ids, pruned } = plan;
		ConsentsOf::<T>::insert(patient, ids);
		if let Some(pruned) = pruned {
			if let Some(old) = Consents::<T>::get(pruned) {
				GrantsTo::<T>::mutate_exists(patient, &old.grantee, |grants| {
					if let Some(list) = grants {
						list.retain(|grant| grant.id != pruned);
						if list.is_empty() {
							*grants = None;
						}
					}
				});
			}
		}
		// The pair's list is a sub-list of the patient's, which has room for `id`.
		GrantsTo::<T>::mutate(patient, &consent.grantee, |grants| {
			let _fits = grants.try_push(consent.grant(id)).defensive_proof("a sub-list fits");
		});
		Self::store_new_consent(patient, id, next_id, pruned, consent)
	}

	/// The writes both kinds of new consent share, after their index was written.
	pub(crate) fn store_new_consent(
		patient: &T::AccountId,
		id: ConsentId,
		next_id: ConsentId,
		pruned: Option<ConsentId>,
		consent: ConsentOf<T>,
	) -> ConsentId {
		if let Some(pruned) = pruned {
			Consents::<T>::remove(pruned);
		}
		Consents::<T>::insert(id, consent);
		NextConsentId::<T>::put(next_id);
		if let Some(consent_id) = pruned {
			Self::deposit_event(Event::ConsentPruned { patient: patient.clone(), consent_id });
		}
		id
	}
}
