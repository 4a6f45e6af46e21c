//! Logged reads: what `log_access` and `log_accesses` do once the origin is checked.

use super::*;
use frame_support::{dispatch::DispatchResult, ensure};
use sp_core::H256;

impl<T: Config> Pallet<T> {
	/// `log_access` and `log_accesses`: check every read, then log them all (nothing is
	/// logged if one fails). See `log_access` for the checks and their order.
	pub(crate) fn do_log_reads(
		accessor: T::AccountId,
		patient: T::AccountId,
		consent_id: ConsentId,
		reads: &[(H256, RecordCategory)],
	) -> DispatchResult {
		let consent = Consents::<T>::get(consent_id).ok_or(Error::<T>::UnknownConsent)?;
		ensure!(consent.patient == patient, Error::<T>::ConsentPatientMismatch);
		let organization = T::Roles::organization_of(&accessor)
			.filter(|org| *org == consent.grantee)
			.ok_or(Error::<T>::NotGrantee)?;
		T::Roles::ensure_active_organization(&organization)?;
		ensure!(!T::Patients::is_deregistered(&patient), Error::<T>::DeregisteredPatient);
		let now = Self::now();
		let grant = consent.grant(consent_id);
		for (record_id, category) in reads {
			let (subject, anchored_category) =
				T::Records::record_subject(record_id).ok_or(Error::<T>::UnknownRecord)?;
			ensure!(subject == patient, Error::<T>::RecordPatientMismatch);
			ensure!(anchored_category == *category, Error::<T>::RecordCategoryMismatch);
			if let Some(denial) = Self::status_denial(&grant, now)
				.or_else(|| Self::coverage_denial(&grant, Some(*category), false))
			{
				return Err(Self::denial_error(denial, false));
			}
			ensure!(consent.purpose.reads_identified_documents(), Error::<T>::PurposeNotPermitted);
		}
		let emergency = matches!(consent.kind, ConsentKind::BreakGlass { .. });
		// Always `Some` in a dispatched extrinsic (`None` only outside one: a benchmark or a
		// test calling this directly).
		let logged_in = frame_system::Pallet::<T>::extrinsic_index().map(|extrinsic| {
			ChainPosition { block: frame_system::Pallet::<T>::block_number(), extrinsic }
		});
		AccessLogs::<T>::mutate(&patient, &organization, |log| {
			for (record_id, category) in reads {
				let entry = AccessEntry {
					consent_id,
					organization: organization.clone(),
					accessor: accessor.clone(),
					record_id: *record_id,
					category: *category,
					at: now,
					purpose: consent.purpose,
					emergency,
					logged_in,
				};
				let len = log.len();
				// Appends; when full, drops the organization's oldest entry. It only fails
				// for a zero bound, which `integrity_test` rules out.
				let _evicted = log
					.force_insert_keep_right(len, entry)
					.defensive_proof("MaxAccessLogEntries > 0, checked by integrity_test");
			}
		});
		if emergency {
			let count = u32::try_from(reads.len()).unwrap_or(u32::MAX);
			EmergencyReads::<T>::mutate(&organization, |n| *n = n.saturating_add(count));
		}
		for (record_id, category) in reads {
			Self::deposit_event(Event::AccessLogged {
				patient: patient.clone(),
				consent_id,
				organization: organization.clone(),
				accessor: accessor.clone(),
				record_id: *record_id,
				category: *category,
				purpose: consent.purpose,
				emergency,
			});
		}
		Ok(())
	}
}
