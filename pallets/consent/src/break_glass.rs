//! Break-glass (emergency) access: what `break_glass` and `declare_emergency_incident` do once
//! the origin is checked, the organization's emergency history for a patient, and the
//! per-window rate limits of organizations and staff keys.

use super::*;
use crate::consents::NewConsentPlan;
use frame_support::{dispatch::DispatchResult, ensure};
use frame_system::pallet_prelude::BlockNumberFor;

/// What `break_glass` will do, computed (read-only) by `plan_emergency_consent`.
pub(crate) enum EmergencyPlan<T: Config> {
	/// Renew the organization's live emergency consent `id` (currently `consent`).
	Renew { id: ConsentId, consent: ConsentOf<T> },
	/// Create a new emergency consent.
	New(NewConsentPlan<T::MaxEmergencyConsentsKept>),
}

impl<T: Config> Pallet<T> {
	/// `break_glass` by `staff`, the signer: see the call for the rules and errors.
	pub(crate) fn do_break_glass(
		staff: T::AccountId,
		patient: T::AccountId,
		reason_code: u16,
	) -> DispatchResult {
		let organization = T::Roles::ensure_role(&staff, Role::Provider)?;
		Self::ensure_patient(&patient)?;
		let now = Self::now();
		let plan = Self::plan_emergency_consent(&patient, &organization, now)?;
		let usage = match plan {
			EmergencyPlan::Renew { .. } => None,
			EmergencyPlan::New(_) => {
				Some(Self::next_emergency_window_usage(&organization, &staff)?)
			}
		};
		let expires_at = now.saturating_add(T::BreakGlassDuration::get());
		let kind = ConsentKind::BreakGlass { staff: staff.clone(), reason_code };
		let consent_id = match plan {
			EmergencyPlan::Renew { id, consent } => {
				Consents::<T>::insert(
					id,
					Consent { expires_at: Some(expires_at), kind, ..consent },
				);
				id
			}
			EmergencyPlan::New(plan) => {
				let consent = Consent {
					patient: patient.clone(),
					grantee: organization.clone(),
					scope: Scope { categories: Categories::all(), access: Access::READ },
					purpose: Purpose::Treatment,
					granted_at: now,
					expires_at: Some(expires_at),
					revoked_at: None,
					kind,
				};
				Self::insert_emergency_consent(&patient, &organization, plan, consent)
			}
		};
		if let Some((org_usage, staff_usage)) = usage {
			BreakGlassWindowUses::<T>::insert(&organization, org_usage);
			BreakGlassStaffWindowUses::<T>::insert(&staff, staff_usage);
		}
		BreakGlassUses::<T>::mutate(&organization, |uses| *uses = uses.saturating_add(1));
		Self::deposit_event(Event::EmergencyAccessGranted {
			patient,
			organization,
			staff,
			consent_id,
			reason_code,
			expires_at,
		});
		Ok(())
	}

	/// What breaking the glass for `patient` means for `organization` at `now`: renew its
	/// live emergency consent, or create a new one (pruning the oldest of a full history
	/// if it ended at least `AuditRetention` ago). Reads only.
	pub(crate) fn plan_emergency_consent(
		patient: &T::AccountId,
		organization: &T::AccountId,
		now: Moment,
	) -> Result<EmergencyPlan<T>, DispatchError> {
		let mut ids = EmergencyConsents::<T>::get(patient, organization);
		// Only the newest can be live: a new one is created only once it has ended.
		if let Some(id) = ids.last().copied() {
			if let Some(consent) = Consents::<T>::get(id).filter(|c| c.is_live_at(now)) {
				return Ok(EmergencyPlan::Renew { id, consent });
			}
		}
		let id = NextConsentId::<T>::get();
		let next_id = id.checked_add(1).ok_or(Error::<T>::ConsentIdOverflow)?;
		let mut pruned = None;
		if ids.is_full() {
			// Each consent of the history was created after the previous one ended, so
			// they ended in id order: if the oldest may not be pruned, none may. (A
			// dangling id cannot happen; should it, it is dropped.)
			let retention = T::AuditRetention::get();
			let oldest = ids
				.first()
				.copied()
				.filter(|id| {
					Consents::<T>::get(id).is_none_or(|c| c.is_prunable_at(now, retention))
				})
				.ok_or(Error::<T>::TooManyEmergencyConsents)?;
			ids.retain(|id| *id != oldest);
			pruned = Some(oldest);
		}
		ids.try_push(id).map_err(|_| Error::<T>::TooManyEmergencyConsents)?;
		Ok(EmergencyPlan::New(NewConsentPlan { id, next_id, ids, pruned }))
	}

	/// Store emergency `consent` as planned in `organization`'s emergency history for
	/// `patient`; emits `ConsentPruned` if a consent was pruned. Returns its id.
	pub(crate) fn insert_emergency_consent(
		patient: &T::AccountId,
		organization: &T::AccountId,
		plan: NewConsentPlan<T::MaxEmergencyConsentsKept>,
		consent: ConsentOf<T>,
	) -> ConsentId {
		let NewConsentPlan { id, next_id, ids, pruned } = plan;
		EmergencyConsents::<T>::insert(patient, organization, ids);
		Self::store_new_consent(patient, id, next_id, pruned, consent)
	}

	// Rate limits and incidents.

	/// `declare_emergency_incident` by `admin`, the signer: see the call for the rules and
	/// errors.
	pub(crate) fn do_declare_emergency_incident(
		admin: T::AccountId,
		incident_code: u16,
		windows: u32,
	) -> DispatchResult {
		let organization = T::Roles::ensure_role(&admin, Role::Provider)?;
		T::Roles::ensure_active_organization(&admin)?;
		ensure!(windows <= T::MaxIncidentWindows::get(), Error::<T>::IncidentTooLong);
		if windows == 0 {
			ensure!(
				Self::incident_in_force(&organization).is_some(),
				Error::<T>::NoEmergencyIncident
			);
			EmergencyIncidents::<T>::remove(&organization);
			Self::deposit_event(Event::EmergencyIncidentEnded { organization });
			return Ok(());
		}
		let until_window =
			Self::current_emergency_window().saturating_add(windows.saturating_sub(1).into());
		EmergencyIncidents::<T>::insert(
			&organization,
			EmergencyIncident { code: incident_code, until_window },
		);
		Self::deposit_event(Event::EmergencyIncidentDeclared {
			organization,
			incident_code,
			until_window,
		});
		Ok(())
	}

	/// The current break-glass rate-limit window: `block_number / EmergencyWindow`
	/// (window 0 for ever if `EmergencyWindow` were 0, which `integrity_test` forbids).
	pub fn current_emergency_window() -> BlockNumberFor<T> {
		frame_system::Pallet::<T>::block_number()
			.checked_div(&T::EmergencyWindow::get())
			.unwrap_or_else(Zero::zero)
	}

	/// New emergency consents of `organization` in the current window.
	pub(crate) fn emergency_uses_in_window(organization: &T::AccountId) -> u32 {
		Self::used_in_current_window(BreakGlassWindowUses::<T>::get(organization))
	}

	/// A window usage's count if it is the current window's, else zero.
	pub(crate) fn used_in_current_window(usage: Option<WindowUsageOf<T>>) -> u32 {
		usage
			.filter(|usage| usage.window == Self::current_emergency_window())
			.map_or(0, |usage| usage.used)
	}

	/// The organization's and the staff key's window usages after one more new emergency
	/// consent, or `EmergencyAccessLimitReached` / `StaffEmergencyLimitReached` if a
	/// limit is reached. Reads only.
	pub(crate) fn next_emergency_window_usage(
		organization: &T::AccountId,
		staff: &T::AccountId,
	) -> Result<(WindowUsageOf<T>, WindowUsageOf<T>), DispatchError> {
		let window = Self::current_emergency_window();
		let used = Self::emergency_uses_in_window(organization);
		ensure!(
			used < T::MaxEmergencyAccessesPerWindow::get(),
			Error::<T>::EmergencyAccessLimitReached
		);
		let staff_used = Self::used_in_current_window(BreakGlassStaffWindowUses::<T>::get(staff));
		ensure!(
			staff_used < T::MaxEmergencyAccessesPerStaff::get()
				|| Self::incident_in_force(organization).is_some(),
			Error::<T>::StaffEmergencyLimitReached
		);
		Ok((
			WindowUsage { window, used: used.saturating_add(1) },
			WindowUsage { window, used: staff_used.saturating_add(1) },
		))
	}

	/// The incident `organization`'s admin declared, if it is in force in the current
	/// window.
	pub fn incident_in_force(organization: &T::AccountId) -> Option<EmergencyIncidentOf<T>> {
		EmergencyIncidents::<T>::get(organization)
			.filter(|incident| incident.until_window >= Self::current_emergency_window())
	}
}
