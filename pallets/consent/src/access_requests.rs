//! Access requests: what `request_access` and `decline_access_request` do once the origin is
//! checked, and closing a request (also done by `grant_consent`).

use super::*;
use frame_support::{dispatch::DispatchResult, ensure, weights::Weight};

impl<T: Config> Pallet<T> {
	/// `request_access` by `requester`, the signer: see the call for the rules and errors.
	pub(crate) fn do_request_access(
		requester: T::AccountId,
		patient: T::AccountId,
		scope: Scope,
		purpose: Purpose,
	) -> DispatchResult {
		let organization = T::Roles::ensure_organization(&requester)?;
		Self::ensure_patient(&patient)?;
		Self::ensure_valid_scope(scope)?;
		let now = Self::now();
		if !AccessRequests::<T>::contains_key(&patient, &organization) {
			let count = AccessRequestCount::<T>::get(&patient);
			if count >= T::MaxAccessRequests::get() {
				// Replace the oldest lapsed request, if any.
				let lifetime = T::AccessRequestLifetime::get();
				let lapsed = AccessRequests::<T>::iter_prefix(&patient)
					.filter(|(_, r)| r.requested_at.saturating_add(lifetime) <= now)
					.min_by_key(|(_, r)| r.requested_at)
					.map(|(org, _)| org)
					.ok_or(Error::<T>::TooManyAccessRequests)?;
				Self::remove_request(&patient, &lapsed);
				Self::deposit_event(Event::AccessRequestClosed {
					patient: patient.clone(),
					organization: lapsed,
					consent_id: None,
				});
			}
			AccessRequestCount::<T>::mutate(&patient, |n| *n = n.saturating_add(1));
		}
		AccessRequests::<T>::insert(
			&patient,
			&organization,
			AccessRequest { requester: requester.clone(), scope, purpose, requested_at: now },
		);
		Self::deposit_event(Event::AccessRequested {
			patient,
			organization,
			requester,
			scope,
			purpose,
		});
		Ok(())
	}

	/// `decline_access_request` by `patient`, the signer: see the call for the rules and
	/// errors.
	pub(crate) fn do_decline_access_request(
		patient: T::AccountId,
		organization: T::AccountId,
	) -> DispatchResult {
		ensure!(Self::remove_request(&patient, &organization), Error::<T>::NoAccessRequest);
		Self::note_free_call(&patient);
		Self::deposit_event(Event::AccessRequestClosed { patient, organization, consent_id: None });
		Ok(())
	}

	/// Remove `organization`'s pending request from `patient`, if any; whether there was
	/// one.
	pub(crate) fn remove_request(patient: &T::AccountId, organization: &T::AccountId) -> bool {
		if AccessRequests::<T>::take(patient, organization).is_none() {
			return false;
		}
		AccessRequestCount::<T>::mutate_exists(patient, |n| {
			*n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
		});
		true
	}

	/// What `grant_consent` adds to its benchmarked weight for closing the grantee's
	/// pending access request: the benchmarks grant with no request pending (the lookup
	/// of the request is in them), so the count's read and the two writes (request and
	/// count) are added here.
	pub fn closing_request_weight() -> Weight {
		T::DbWeight::get().reads_writes(1, 2)
	}
}
