//! The pallet's invariants: the runtime constants `integrity_test` checks, and the storage
//! invariants `try_state` checks ([`Pallet::do_try_state`]).

use super::*;
use frame_support::ensure;

impl<T: Config> Pallet<T> {
	/// The checks of `integrity_test`: the runtime's constants are usable (non-zero bounds,
	/// `MaxReadsPerLog` within `MaxAccessLogEntries`, the staff limit within the
	/// organization's), and `MaxEmergencyConsentsKept` is large enough that expiry alone never
	/// fills an organization's emergency history for a patient. Panics otherwise.
	pub(crate) fn do_integrity_test() {
		assert!(T::MaxConsentsPerPatient::get() > 0, "MaxConsentsPerPatient must be > 0");
		assert!(T::MaxAccessLogEntries::get() > 0, "MaxAccessLogEntries must be > 0");
		assert!(
			T::MaxReadsPerLog::get() > 0
				&& T::MaxReadsPerLog::get() <= T::MaxAccessLogEntries::get(),
			"MaxReadsPerLog must be > 0 and at most MaxAccessLogEntries"
		);
		assert!(T::BreakGlassDuration::get() > 0, "BreakGlassDuration must be > 0");
		assert!(T::MaxAccessRequests::get() > 0, "MaxAccessRequests must be > 0");
		assert!(T::AccessRequestLifetime::get() > 0, "AccessRequestLifetime must be > 0");
		assert!(
			T::MaxEmergencyAccessesPerWindow::get() > 0,
			"MaxEmergencyAccessesPerWindow must be > 0"
		);
		assert!(!T::EmergencyWindow::get().is_zero(), "EmergencyWindow must not be zero");
		assert!(
			T::MaxEmergencyAccessesPerStaff::get() > 0
				&& T::MaxEmergencyAccessesPerStaff::get()
					<= T::MaxEmergencyAccessesPerWindow::get(),
			"MaxEmergencyAccessesPerStaff must be > 0 and at most MaxEmergencyAccessesPerWindow"
		);
		assert!(T::MaxIncidentWindows::get() > 0, "MaxIncidentWindows must be > 0");
		let expiries_in_retention = T::AuditRetention::get().div_ceil(T::BreakGlassDuration::get());
		assert!(
			u64::from(T::MaxEmergencyConsentsKept::get()) > expiries_in_retention,
			"MaxEmergencyConsentsKept must be at least ceil(AuditRetention / BreakGlassDuration) + 1"
		);
	}

	/// Check the pallet's invariants:
	/// - every id listed in `ConsentsOf` names a stored patient-granted (`Standard`)
	///   consent of that patient; lists are strictly ascending and within
	///   `MaxConsentsPerPatient`;
	/// - every id listed in `EmergencyConsents` for (patient, organization) names a stored
	///   break-glass consent of that patient to that organization; histories are
	///   non-empty, strictly ascending, within `MaxEmergencyConsentsKept`, and every
	///   consent but the newest has ended (at most one live per pair);
	/// - every stored consent is listed exactly once (no orphans), has an id below
	///   `NextConsentId`, a valid non-empty scope, and `revoked_at >= granted_at`;
	/// - window counters are within `MaxEmergencyAccessesPerWindow` and not in the future;
	/// - access logs are within `MaxAccessLogEntries`, in time order, and hold only their
	///   organization's entries.
	///
	/// Always compiled (not only under `try-runtime`): the runtime fuzz harness
	/// (`fuzz/harness`) checks it after every block without that feature.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let next_id = NextConsentId::<T>::get();
		let now = Self::now();
		let mut listed: u64 = 0;
		for (patient, count) in AccessRequestCount::<T>::iter() {
			ensure!(count > 0, "zero access-request count stored");
			ensure!(count <= T::MaxAccessRequests::get(), "more than MaxAccessRequests requests");
			let stored = AccessRequests::<T>::iter_prefix(&patient).count();
			ensure!(stored == count as usize, "access-request count differs from the requests");
		}
		for (patient, _) in AccessRequests::<T>::iter_keys().map(|k| (k.0, ())) {
			ensure!(AccessRequestCount::<T>::get(&patient) > 0, "access request without a count");
		}
		for (patient, ids) in ConsentsOf::<T>::iter() {
			ensure!(
				ids.len() <= T::MaxConsentsPerPatient::get() as usize,
				"consent list longer than MaxConsentsPerPatient"
			);
			ensure!(ids.windows(2).all(|w| w.first() < w.get(1)), "consent list not ascending");
			for id in ids.iter() {
				let consent = Consents::<T>::get(id).ok_or("listed consent not stored")?;
				ensure!(consent.patient == patient, "listed consent of another patient");
				ensure!(
					consent.kind == ConsentKind::Standard,
					"break-glass consent in a patient's consent list"
				);
				listed = listed.saturating_add(1);
			}
		}
		for (patient, organization, ids) in EmergencyConsents::<T>::iter() {
			ensure!(!ids.is_empty(), "empty emergency history stored");
			ensure!(
				ids.len() <= T::MaxEmergencyConsentsKept::get() as usize,
				"emergency history longer than MaxEmergencyConsentsKept"
			);
			ensure!(
				ids.windows(2).all(|w| w.first() < w.get(1)),
				"emergency history not ascending"
			);
			for (position, id) in ids.iter().enumerate() {
				let consent = Consents::<T>::get(id).ok_or("emergency consent not stored")?;
				ensure!(consent.patient == patient, "emergency consent of another patient");
				ensure!(
					consent.grantee == organization,
					"emergency consent of another organization"
				);
				ensure!(
					matches!(consent.kind, ConsentKind::BreakGlass { .. }),
					"patient-granted consent in an emergency history"
				);
				ensure!(
					position.saturating_add(1) == ids.len() || !consent.is_live_at(now),
					"more than one live emergency consent per organization and patient"
				);
				listed = listed.saturating_add(1);
			}
		}
		let mut stored: u64 = 0;
		for (id, consent) in Consents::<T>::iter() {
			stored = stored.saturating_add(1);
			ensure!(id < next_id, "consent id not below NextConsentId");
			let indexed = match consent.kind {
				ConsentKind::Standard => ConsentsOf::<T>::get(&consent.patient).contains(&id),
				ConsentKind::BreakGlass { .. } => {
					EmergencyConsents::<T>::get(&consent.patient, &consent.grantee).contains(&id)
				}
			};
			ensure!(indexed, "stored consent not listed for its patient");
			if consent.kind == ConsentKind::Standard {
				let grants = GrantsTo::<T>::get(&consent.patient, &consent.grantee);
				ensure!(
					grants.iter().filter(|grant| **grant == consent.grant(id)).count() == 1,
					"patient-granted consent not in GrantsTo exactly once, as stored"
				);
			}
			ensure!(
				!consent.scope.categories.is_empty()
					&& consent.scope.categories.is_valid()
					&& !consent.scope.access.is_empty(),
				"invalid scope stored"
			);
			ensure!(
				consent.revoked_at.is_none_or(|revoked| revoked >= consent.granted_at),
				"consent revoked before it was granted"
			);
		}
		ensure!(listed == stored, "consent indexes and Consents disagree");
		let mut standard: u64 = 0;
		for (patient, grantee, grants) in GrantsTo::<T>::iter() {
			ensure!(!grants.is_empty(), "empty GrantsTo list stored");
			ensure!(
				grants.windows(2).all(|w| w.first().map(|g| g.id) < w.get(1).map(|g| g.id)),
				"GrantsTo list not ascending"
			);
			for grant in grants.iter() {
				let consent = Consents::<T>::get(grant.id).ok_or("GrantsTo names no consent")?;
				ensure!(
					consent.patient == patient && consent.grantee == grantee,
					"GrantsTo lists a consent under another pair"
				);
				standard = standard.saturating_add(1);
			}
		}
		let stored_standard = ConsentsOf::<T>::iter_values()
			.map(|ids| ids.len() as u64)
			.fold(0u64, |a, b| a.saturating_add(b));
		ensure!(standard == stored_standard, "GrantsTo and ConsentsOf disagree");
		let window = Self::current_emergency_window();
		for (_organization, usage) in BreakGlassWindowUses::<T>::iter() {
			ensure!(
				usage.used <= T::MaxEmergencyAccessesPerWindow::get(),
				"more break-glass uses in a window than MaxEmergencyAccessesPerWindow"
			);
			ensure!(usage.window <= window, "break-glass window in the future");
		}
		for (_staff, usage) in BreakGlassStaffWindowUses::<T>::iter() {
			// Beyond the staff limit only during an incident; never beyond the
			// organization's.
			ensure!(
				usage.used <= T::MaxEmergencyAccessesPerWindow::get(),
				"more break-glass uses by one key in a window than MaxEmergencyAccessesPerWindow"
			);
			ensure!(usage.window <= window, "staff break-glass window in the future");
		}
		let latest_end = window.saturating_add(T::MaxIncidentWindows::get().into());
		for (_organization, incident) in EmergencyIncidents::<T>::iter() {
			ensure!(
				incident.until_window < latest_end,
				"an incident declared for more than MaxIncidentWindows"
			);
		}
		for (_patient, organization, log) in AccessLogs::<T>::iter() {
			ensure!(
				log.len() <= T::MaxAccessLogEntries::get() as usize,
				"access log longer than MaxAccessLogEntries"
			);
			ensure!(
				log.windows(2).all(|w| w.first().map(|e| e.at) <= w.get(1).map(|e| e.at)),
				"access log not in time order"
			);
			ensure!(
				log.iter().all(|entry| entry.organization == organization),
				"access log holds another organization's entry"
			);
		}
		Ok(())
	}
}
