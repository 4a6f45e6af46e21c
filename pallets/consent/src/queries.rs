//! Read-only queries: what the runtime APIs ([`crate::runtime_api`]) answer, and the counters
//! dashboards read. None of them writes storage.

use super::*;
use crate::consent_checker::Denial;
use sp_core::H256;

impl<T: Config> Pallet<T> {
	/// The patient's stored consents with their ids, oldest first (ascending ids): the
	/// patient-granted ones and every organization's emergency ones (for the runtime API).
	///
	/// ## Complexity
	/// O(`MaxConsentsPerPatient` + Provider organizations × `MaxEmergencyConsentsKept`).
	pub fn consents_of(patient: &T::AccountId) -> Vec<(ConsentId, ConsentOf<T>)> {
		let mut ids = ConsentsOf::<T>::get(patient).into_inner();
		for emergency in EmergencyConsents::<T>::iter_prefix_values(patient) {
			ids.extend(emergency);
		}
		ids.sort_unstable();
		ids.into_iter()
			.filter_map(|id| Consents::<T>::get(id).map(|consent| (id, consent)))
			.collect()
	}

	/// The patient's access log across organizations, oldest first (merged by `at`; the
	/// entries of one organization keep their order), for the runtime API. Each
	/// organization's part holds its latest `MaxAccessLogEntries` reads.
	///
	/// ## Complexity
	/// O(organizations that read × `MaxAccessLogEntries`).
	pub fn access_log(patient: &T::AccountId) -> Vec<AccessEntryOf<T>> {
		let mut log: Vec<AccessEntryOf<T>> = AccessLogs::<T>::iter_prefix_values(patient)
			.flat_map(|entries| entries.into_inner())
			.collect();
		// Stable: equal times keep each organization's own order.
		log.sort_by_key(|entry| entry.at);
		log
	}

	/// For audits: whether some consent still stored for `patient` let `grantee` read
	/// `category` for `purpose` at time `at` (granted at or before `at`, not revoked at or
	/// before `at`, not expired at `at`).
	///
	/// Limits: it sees only consents still stored (a consent is pruned at the earliest
	/// `AuditRetention` after it ended, and only to make room; its events remain), and it
	/// cannot see whether the grantee was suspended, or the patient deregistered, at `at`:
	/// the consortium and identity pallets keep no history.
	/// Within one block every call sees the same timestamp, so a consent granted and
	/// revoked in the same block was never in force.
	pub fn was_permitted(
		patient: &T::AccountId,
		grantee: &T::AccountId,
		category: RecordCategory,
		purpose: Purpose,
		at: Moment,
	) -> bool {
		let in_force = |grant: &Grant| {
			grant.purpose == purpose
				&& grant.scope.covers(category, false)
				&& grant.was_in_force_at(at)
		};
		GrantsTo::<T>::get(patient, grantee).iter().any(in_force)
			|| EmergencyConsents::<T>::get(patient, grantee).into_iter().any(|id| {
				Consents::<T>::get(id).is_some_and(|consent| in_force(&consent.grant(id)))
			})
	}

	/// A record gateway's question: may `requester` be served record `record_id` (of
	/// `patient`, in `category`) now? The patient always may; staff (or an admin) of an
	/// active organization may when their newest read of this record in the access log
	/// is at most `max_log_age` ms old and the consent it was logged under still grants
	/// read access to `category` (a live break-glass consent included). Otherwise the
	/// decision names what is missing ([`ReadRefusal`]). The record's existence and
	/// sealing are the records pallet's (the runtime's `GatewayApi` checks them first).
	///
	/// ## Complexity
	/// Reads the organization's log of this patient (at most `MaxAccessLogEntries`
	/// entries) and one consent.
	pub fn read_decision(
		requester: &T::AccountId,
		patient: T::AccountId,
		category: RecordCategory,
		record_id: H256,
		max_log_age: Moment,
	) -> ReadDecisionOf<T> {
		if T::Patients::is_deregistered(&patient) {
			return ReadDecision::PatientErased;
		}
		if *requester == patient {
			return ReadDecision::Patient { patient, category };
		}
		let refuse = |patient, reason| ReadDecision::Refused { patient, category, reason };
		let Some(organization) = T::Roles::organization_of(requester) else {
			return refuse(patient, ReadRefusal::NotStaff);
		};
		if T::Roles::ensure_active_organization(&organization).is_err() {
			return refuse(patient, ReadRefusal::OrganizationInactive);
		}
		let now = Self::now();
		let oldest = now.saturating_sub(max_log_age);
		let log = AccessLogs::<T>::get(&patient, &organization);
		let Some(entry) = log.iter().rev().find(|entry| {
			entry.accessor == *requester && entry.record_id == record_id && entry.at >= oldest
		}) else {
			return refuse(patient, ReadRefusal::NotLogged);
		};
		let Some(consent) = Consents::<T>::get(entry.consent_id) else {
			return refuse(patient, ReadRefusal::NoConsent);
		};
		let grant = consent.grant(entry.consent_id);
		let denial = Self::status_denial(&grant, now)
			.or_else(|| Self::coverage_denial(&grant, Some(category), false));
		if let Some(denial) = denial {
			let reason = match denial {
				Denial::Revoked => ReadRefusal::RevokedConsent,
				Denial::Expired => ReadRefusal::ExpiredConsent,
				Denial::AccessNotGranted => ReadRefusal::ReadNotGranted,
				Denial::CategoryNotCovered => ReadRefusal::CategoryNotCovered,
			};
			return refuse(patient, reason);
		}
		// Checked here too, not only when the read was logged: an entry logged before
		// purposes were enforced (storage v3) never opens a document for Research,
		// Insurance or PublicHealth.
		if !consent.purpose.reads_identified_documents() {
			return refuse(patient, ReadRefusal::PurposeNotPermitted);
		}
		ReadDecision::Logged {
			patient,
			category,
			organization,
			consent_id: entry.consent_id,
			logged_at: entry.at,
			logged_in: entry.logged_in,
			emergency: matches!(consent.kind, ConsentKind::BreakGlass { .. }),
		}
	}

	/// Pending access requests to `patient`, with the organization asking, oldest first
	/// (lapsed ones included: compare `requested_at` with `AccessRequestLifetime`).
	pub fn access_requests(patient: &T::AccountId) -> Vec<(T::AccountId, AccessRequestOf<T>)> {
		let mut out: Vec<_> = AccessRequests::<T>::iter_prefix(patient).collect();
		out.sort_by_key(|(_, r)| r.requested_at);
		out
	}

	/// How often `organization` broke the glass: `(lifetime uses, new emergency consents
	/// in the current window)` (for the runtime API and governance dashboards). The first
	/// number counts renewals too; the second does not and is at most
	/// `MaxEmergencyAccessesPerWindow`.
	pub fn emergency_uses(organization: &T::AccountId) -> (u32, u32) {
		(BreakGlassUses::<T>::get(organization), Self::emergency_uses_in_window(organization))
	}

	/// New emergency consents `staff` took in the current window.
	pub fn staff_emergency_uses(staff: &T::AccountId) -> u32 {
		Self::used_in_current_window(BreakGlassStaffWindowUses::<T>::get(staff))
	}
}
