//! Sites: the work of `add_site` and `remove_site` (the calls in `lib.rs` check the origin,
//! then call these).

use crate::*;
use frame_support::{pallet_prelude::*, traits::Defensive};

impl<T: Config> Pallet<T> {
	/// [`Pallet::add_site`] signed by `who`, who must act for the trial's sponsor.
	pub(crate) fn do_add_site(
		who: T::AccountId,
		trial_id: TrialId,
		site: T::AccountId,
	) -> DispatchResult {
		let (_, trial) = Self::ensure_sponsor(&who, trial_id)?;
		ensure!(!trial.status.is_locked(), Error::<T>::LockedDatabase);
		ensure!(T::Roles::has_role(&site, Role::Provider), Error::<T>::SiteNotProvider);
		let mut sites = Sites::<T>::get(trial_id);
		ensure!(!sites.contains(&site), Error::<T>::AlreadySite);
		let mut removed = RemovedSites::<T>::get(trial_id);
		let was_removed = removed.iter().position(|s| *s == site);
		match was_removed {
			Some(position) => {
				removed.remove(position);
			}
			None => ensure!(
				sites.len().saturating_add(removed.len()) < T::MaxSites::get() as usize,
				Error::<T>::TooManySites
			),
		}
		sites.try_push(site.clone()).map_err(|_| Error::<T>::TooManySites)?;

		Sites::<T>::insert(trial_id, sites);
		if was_removed.is_some() {
			RemovedSites::<T>::insert(trial_id, removed);
		}
		Self::deposit_event(Event::SiteAdded { trial_id, site });
		Ok(())
	}

	/// [`Pallet::remove_site`] signed by `who`, who must act for the trial's sponsor.
	pub(crate) fn do_remove_site(
		who: T::AccountId,
		trial_id: TrialId,
		site: T::AccountId,
	) -> DispatchResult {
		Self::ensure_sponsor(&who, trial_id)?;
		let mut sites = Sites::<T>::get(trial_id);
		let position = sites.iter().position(|s| *s == site).ok_or(Error::<T>::UnknownSite)?;
		sites.remove(position);
		let mut removed = RemovedSites::<T>::get(trial_id);
		// Current and removed sites together are at most `MaxSites`, and one just left the
		// current list.
		removed
			.try_push(site.clone())
			.defensive_proof("current and removed sites together are at most MaxSites")
			.map_err(|_| Error::<T>::TooManySites)?;

		Sites::<T>::insert(trial_id, sites);
		RemovedSites::<T>::insert(trial_id, removed);
		Self::deposit_event(Event::SiteRemoved { trial_id, site });
		Ok(())
	}
}
