//! Tests of `break_glass` and `declare_emergency_incident`: renewal in place, the
//! emergency history and its pruning, the organization and staff rate limits, incidents,
//! emergency reads, and the errors.

use super::*;

/// Break the glass and return the emergency consent's id.
fn break_glass(staff: AccountId, patient: AccountId, reason_code: u16) -> ConsentId {
	assert_ok!(Consent::break_glass(signed(staff), patient, reason_code));
	match consent_events().last() {
		Some(Event::EmergencyAccessGranted { consent_id, .. }) => *consent_id,
		other => panic!("expected EmergencyAccessGranted, got {other:?}"),
	}
}

fn emergency_ids(patient: AccountId, org: AccountId) -> Vec<ConsentId> {
	EmergencyConsents::<Test>::get(patient, org).into_inner()
}

#[test]
fn works_for_provider_staff() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Consent::break_glass(signed(DOCTOR), ALICE, 3));
		let expires_at = START + BREAK_GLASS_DURATION;
		assert_eq!(
			consent(0),
			ConsentRecord {
				patient: ALICE,
				grantee: HOSPITAL,
				scope: Scope { categories: Categories::all(), access: Access::READ },
				purpose: Treatment,
				granted_at: START,
				expires_at: Some(expires_at),
				revoked_at: None,
				kind: ConsentKind::BreakGlass { staff: DOCTOR, reason_code: 3 },
			}
		);
		// Kept apart from the patient's own list.
		assert!(ConsentsOf::<Test>::get(ALICE).is_empty());
		assert_eq!(emergency_ids(ALICE, HOSPITAL), vec![0]);
		assert_eq!(BreakGlassUses::<Test>::get(HOSPITAL), 1);
		assert_eq!(Consent::emergency_uses(&HOSPITAL), (1, 1));
		System::assert_last_event(
			Event::EmergencyAccessGranted {
				patient: ALICE,
				organization: HOSPITAL,
				staff: DOCTOR,
				consent_id: 0,
				reason_code: 3,
				expires_at,
			}
			.into(),
		);
		for category in RecordCategory::ALL {
			assert_eq!(ensure_access(ALICE, HOSPITAL, category, Treatment, false), Ok(0));
			assert!(!has_access(ALICE, HOSPITAL, category, Treatment, true));
			assert!(!has_access(ALICE, HOSPITAL, category, Research, false));
			assert!(Consent::was_permitted(&ALICE, &HOSPITAL, category, Treatment, START));
		}
		assert!(!has_access(ALICE, CLINIC, Diagnoses, Treatment, false));
		assert_eq!(Consent::consents_of(&ALICE), vec![(0, consent(0))]);
		// The patient's fee-less quota is untouched: the Provider pays.
		assert_eq!(MockPatients::free_calls(ALICE), FREE_CALLS);
	});
}

#[test]
fn works_for_provider_admin() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Consent::break_glass(signed(CLINIC), BOB, 1));
		assert_eq!(consent(0).kind, ConsentKind::BreakGlass { staff: CLINIC, reason_code: 1 });
		assert!(has_access(BOB, CLINIC, MentalHealth, Treatment, false));
	});
}

#[test]
fn counts_uses_per_organization() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Consent::break_glass(signed(DOCTOR), ALICE, 1));
		assert_ok!(Consent::break_glass(signed(HOSPITAL), BOB, 2));
		assert_ok!(Consent::break_glass(signed(NURSE), ALICE, 1));
		assert_eq!(BreakGlassUses::<Test>::get(HOSPITAL), 2);
		assert_eq!(BreakGlassUses::<Test>::get(CLINIC), 1);
		assert_eq!(BreakGlassUses::<Test>::get(INSTITUTE), 0);
		assert_eq!(Consent::emergency_uses(&HOSPITAL), (2, 2));
		assert_eq!(Consent::emergency_uses(&INSTITUTE), (0, 0));
	});
}

#[test]
fn renews_the_live_emergency_consent_in_place() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(break_glass(DOCTOR, ALICE, 3), 0);
		advance_time(60_000);
		// The admin breaks the glass again for the same patient: same consent, renewed.
		assert_ok!(Consent::break_glass(signed(HOSPITAL), ALICE, 8));
		let expires_at = START + 60_000 + BREAK_GLASS_DURATION;
		assert_eq!(
			consent(0),
			ConsentRecord {
				patient: ALICE,
				grantee: HOSPITAL,
				scope: Scope { categories: Categories::all(), access: Access::READ },
				purpose: Treatment,
				granted_at: START,
				expires_at: Some(expires_at),
				revoked_at: None,
				kind: ConsentKind::BreakGlass { staff: HOSPITAL, reason_code: 8 },
			}
		);
		System::assert_last_event(
			Event::EmergencyAccessGranted {
				patient: ALICE,
				organization: HOSPITAL,
				staff: HOSPITAL,
				consent_id: 0,
				reason_code: 8,
				expires_at,
			}
			.into(),
		);
		assert_eq!(emergency_ids(ALICE, HOSPITAL), vec![0]);
		assert_eq!(NextConsentId::<Test>::get(), 1);
		// A renewal is a lifetime use, not counted against the window's limits.
		assert_eq!(Consent::emergency_uses(&HOSPITAL), (2, 1));
		assert_eq!(Consent::staff_emergency_uses(&HOSPITAL), 0);
		// The renewal extends access: still there after the first expiry.
		advance_time(BREAK_GLASS_DURATION - 1);
		assert_eq!(ensure_access(ALICE, HOSPITAL, Imaging, Treatment, false), Ok(0));
		advance_time(60_000);
		assert_eq!(
			ensure_access(ALICE, HOSPITAL, Imaging, Treatment, false),
			Err(Error::<Test>::ExpiredConsent.into())
		);
	});
}

#[test]
fn a_renewal_needs_no_new_id() {
	ExtBuilder::default().build_and_execute(|| {
		break_glass(DOCTOR, ALICE, 1);
		NextConsentId::<Test>::put(ConsentId::MAX);
		assert_ok!(Consent::break_glass(signed(DOCTOR), ALICE, 2));
		assert_noop!(
			Consent::break_glass(signed(NURSE), ALICE, 1),
			Error::<Test>::ConsentIdOverflow
		);
		NextConsentId::<Test>::put(1);
	});
}

#[test]
fn creates_a_new_consent_once_the_previous_one_ended() {
	ExtBuilder::default().build_and_execute(|| {
		// Expired: a new consent; the old one stays for audits.
		let first = break_glass(DOCTOR, ALICE, 1);
		advance_time(BREAK_GLASS_DURATION);
		let second = break_glass(DOCTOR, ALICE, 2);
		assert_ne!(first, second);
		assert_eq!(emergency_ids(ALICE, HOSPITAL), vec![first, second]);
		assert_eq!(consent(first).expires_at, Some(START + BREAK_GLASS_DURATION));
		assert_eq!(consent(second).granted_at, START + BREAK_GLASS_DURATION);
		// Revoked by the patient: a new consent too.
		advance_time(1_000);
		assert_ok!(Consent::revoke_consent(signed(ALICE), second));
		assert!(!has_access(ALICE, HOSPITAL, Diagnoses, Treatment, false));
		// (By the admin: the doctor took its two new consents of this window.)
		let third = break_glass(HOSPITAL, ALICE, 3);
		assert_eq!(emergency_ids(ALICE, HOSPITAL), vec![first, second, third]);
		assert_eq!(ensure_access(ALICE, HOSPITAL, Diagnoses, Treatment, false), Ok(third));
		// Audits see each period.
		let p = |at| Consent::was_permitted(&ALICE, &HOSPITAL, Diagnoses, Treatment, at);
		assert!(p(START) && p(START + BREAK_GLASS_DURATION + 999));
		assert!(!p(START - 1));
		assert_eq!(
			Consent::consents_of(&ALICE),
			vec![(first, consent(first)), (second, consent(second)), (third, consent(third))]
		);
	});
}

#[test]
fn repeated_use_cannot_lock_the_patients_list_or_block_other_providers() {
	ExtBuilder::default().build_and_execute(|| {
		// One staff key breaks the glass again and again.
		let old = alice_to_hospital();
		assert_ok!(Consent::revoke_consent(signed(ALICE), old));
		for _ in 0..MAX_EMERGENCY_PER_WINDOW {
			assert_ok!(Consent::break_glass(signed(DOCTOR), ALICE, 1));
		}
		assert_eq!(emergency_ids(ALICE, HOSPITAL).len(), 1);
		assert_eq!(ConsentsOf::<Test>::get(ALICE).into_inner(), vec![old]);
		// Nothing was pruned: the revoked consent is still there for audits.
		assert!(!consent_events().iter().any(|e| matches!(e, Event::ConsentPruned { .. })));
		assert!(Consent::was_permitted(&ALICE, &HOSPITAL, LabResults, Treatment, START));
		// The patient still fills her own list ...
		for _ in 1..MAX_CONSENTS {
			grant(ALICE, CLINIC, read(&[Imaging]), Treatment, None);
		}
		assert_eq!(ConsentsOf::<Test>::get(ALICE).len() as u32, MAX_CONSENTS);
		// ... and another Provider still breaks the glass, with her list full.
		let clinic = break_glass(NURSE, ALICE, 5);
		assert_eq!(emergency_ids(ALICE, CLINIC), vec![clinic]);
		assert_eq!(ensure_access(ALICE, CLINIC, MentalHealth, Treatment, false), Ok(clinic));
	});
}

/// One more registered patient, for tests that need more than the default ones.
const CAROL: AccountId = 6;

#[test]
fn fails_above_the_organizations_limit_until_the_next_window() {
	ExtBuilder::default().build_and_execute(|| {
		MockPatients::register(CAROL, FREE_CALLS);
		// Two staff keys (the doctor and the admin) share the hospital's limit.
		break_glass(DOCTOR, ALICE, 1);
		break_glass(DOCTOR, BOB, 1);
		break_glass(HOSPITAL, POOR, 1);
		assert_eq!(Consent::emergency_uses(&HOSPITAL), (3, MAX_EMERGENCY_PER_WINDOW));
		assert_noop!(
			Consent::break_glass(signed(HOSPITAL), CAROL, 1),
			Error::<Test>::EmergencyAccessLimitReached
		);
		// Renewals still work at the limit: they open no other patient.
		break_glass(DOCTOR, ALICE, 2);
		assert_eq!(Consent::emergency_uses(&HOSPITAL), (4, MAX_EMERGENCY_PER_WINDOW));
		// Other organizations have their own limit.
		break_glass(NURSE, CAROL, 1);
		// Still the same window one block before its end.
		System::set_block_number(EMERGENCY_WINDOW - 1);
		assert_noop!(
			Consent::break_glass(signed(HOSPITAL), CAROL, 1),
			Error::<Test>::EmergencyAccessLimitReached
		);
		next_emergency_window(1_000);
		assert_eq!(Consent::emergency_uses(&HOSPITAL), (4, 0));
		break_glass(HOSPITAL, CAROL, 1);
		assert_eq!(Consent::emergency_uses(&HOSPITAL), (5, 1));
		assert_eq!(
			BreakGlassWindowUses::<Test>::get(HOSPITAL),
			Some(WindowUsage { window: 1, used: 1 })
		);
	});
}

#[test]
fn one_staff_key_cannot_use_up_its_organizations_limit() {
	ExtBuilder::default().build_and_execute(|| {
		// One key (rogue, stolen or looping) breaks the glass for patient
		// after patient; it stops at its own limit, the hospital's other staff go on.
		break_glass(DOCTOR, ALICE, 1);
		break_glass(DOCTOR, BOB, 1);
		assert_eq!(Consent::staff_emergency_uses(&DOCTOR), MAX_EMERGENCY_PER_STAFF);
		assert_noop!(
			Consent::break_glass(signed(DOCTOR), POOR, 1),
			Error::<Test>::StaffEmergencyLimitReached
		);
		break_glass(HOSPITAL, POOR, 1);
		assert_eq!(Consent::staff_emergency_uses(&HOSPITAL), 1);
		assert_eq!(Consent::emergency_uses(&HOSPITAL), (3, 3));
		// The key may again in the next window.
		next_emergency_window(1_000);
		assert_eq!(Consent::staff_emergency_uses(&DOCTOR), 0);
		advance_time(BREAK_GLASS_DURATION);
		break_glass(DOCTOR, POOR, 1);
	});
}

#[test]
fn renewals_count_against_no_window_limit() {
	ExtBuilder::default().build_and_execute(|| {
		for _ in 0..4 * MAX_EMERGENCY_PER_WINDOW {
			break_glass(DOCTOR, ALICE, 1);
		}
		assert_eq!(emergency_ids(ALICE, HOSPITAL).len(), 1);
		assert_eq!(Consent::emergency_uses(&HOSPITAL), (4 * MAX_EMERGENCY_PER_WINDOW, 1));
		assert_eq!(Consent::staff_emergency_uses(&DOCTOR), 1);
		// The key's second new consent is still allowed.
		break_glass(DOCTOR, BOB, 1);
	});
}

#[test]
fn an_incident_lifts_the_staff_limit_but_not_the_organizations() {
	ExtBuilder::default().build_and_execute(|| {
		MockPatients::register(CAROL, FREE_CALLS);
		break_glass(DOCTOR, ALICE, 1);
		break_glass(DOCTOR, BOB, 1);
		assert_noop!(
			Consent::break_glass(signed(DOCTOR), POOR, 1),
			Error::<Test>::StaffEmergencyLimitReached
		);
		// The admin declares an incident for this window and the next.
		assert_ok!(Consent::declare_emergency_incident(signed(HOSPITAL), 42, 2));
		System::assert_last_event(
			Event::EmergencyIncidentDeclared {
				organization: HOSPITAL,
				incident_code: 42,
				until_window: 1,
			}
			.into(),
		);
		assert_eq!(
			Consent::incident_in_force(&HOSPITAL),
			Some(EmergencyIncident { code: 42, until_window: 1 })
		);
		break_glass(DOCTOR, POOR, 1);
		assert_eq!(Consent::staff_emergency_uses(&DOCTOR), 3);
		// The hospital's limit still holds.
		assert_noop!(
			Consent::break_glass(signed(DOCTOR), CAROL, 1),
			Error::<Test>::EmergencyAccessLimitReached
		);
		// The next window is covered too.
		next_emergency_window(BREAK_GLASS_DURATION);
		for patient in [ALICE, BOB, POOR] {
			break_glass(DOCTOR, patient, 1);
		}
		assert_eq!(Consent::staff_emergency_uses(&DOCTOR), 3);
		// The one after is not: the staff limit is back.
		next_emergency_window(BREAK_GLASS_DURATION);
		assert_eq!(Consent::incident_in_force(&HOSPITAL), None);
		break_glass(DOCTOR, ALICE, 1);
		break_glass(DOCTOR, BOB, 1);
		assert_noop!(
			Consent::break_glass(signed(DOCTOR), POOR, 1),
			Error::<Test>::StaffEmergencyLimitReached
		);
		// Other organizations never had it lifted.
		break_glass(NURSE, ALICE, 1);
		break_glass(NURSE, BOB, 1);
		assert_noop!(
			Consent::break_glass(signed(NURSE), POOR, 1),
			Error::<Test>::StaffEmergencyLimitReached
		);
	});
}

#[test]
fn the_admin_ends_an_incident_early() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Consent::declare_emergency_incident(signed(HOSPITAL), 7, MAX_INCIDENT_WINDOWS));
		assert_eq!(
			EmergencyIncidents::<Test>::get(HOSPITAL),
			Some(EmergencyIncident { code: 7, until_window: u64::from(MAX_INCIDENT_WINDOWS) - 1 })
		);
		assert_ok!(Consent::declare_emergency_incident(signed(HOSPITAL), 7, 0));
		System::assert_last_event(Event::EmergencyIncidentEnded { organization: HOSPITAL }.into());
		assert_eq!(EmergencyIncidents::<Test>::get(HOSPITAL), None);
		break_glass(DOCTOR, ALICE, 1);
		break_glass(DOCTOR, BOB, 1);
		assert_noop!(
			Consent::break_glass(signed(DOCTOR), POOR, 1),
			Error::<Test>::StaffEmergencyLimitReached
		);
		assert_noop!(
			Consent::declare_emergency_incident(signed(HOSPITAL), 7, 0),
			Error::<Test>::NoEmergencyIncident
		);
	});
}

#[test]
fn only_an_active_providers_admin_declares_an_incident() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(Consent::declare_emergency_incident(RuntimeOrigin::none(), 1, 1), BadOrigin);
		assert_noop!(
			Consent::declare_emergency_incident(signed(DOCTOR), 1, 1),
			ConsortiumError::<Test>::UnknownOrganization
		);
		assert_noop!(
			Consent::declare_emergency_incident(signed(INSTITUTE), 1, 1),
			ConsortiumError::<Test>::MissingRole
		);
		assert_noop!(
			Consent::declare_emergency_incident(signed(OUTSIDER), 1, 1),
			ConsortiumError::<Test>::NotAMember
		);
		assert_noop!(
			Consent::declare_emergency_incident(signed(HOSPITAL), 1, MAX_INCIDENT_WINDOWS + 1),
			Error::<Test>::IncidentTooLong
		);
		suspend(CLINIC);
		assert_noop!(
			Consent::declare_emergency_incident(signed(CLINIC), 1, 1),
			ConsortiumError::<Test>::SuspendedOrganization
		);
	});
}

#[test]
fn emergency_reads_are_counted_for_regulators() {
	ExtBuilder::default().build_and_execute(|| {
		let (r1, r2) = (anchored(1, ALICE, Diagnoses), anchored(2, ALICE, Imaging));
		let emergency = break_glass(DOCTOR, ALICE, 1);
		assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, emergency, r1, Diagnoses));
		assert_ok!(Consent::log_accesses(
			signed(DOCTOR),
			ALICE,
			emergency,
			vec![(r1, Diagnoses), (r2, Imaging)].try_into().expect("within MAX_READS")
		));
		assert_eq!(EmergencyReads::<Test>::get(HOSPITAL), 3);
		// The patient sees each as an emergency read.
		assert!(consent_events().iter().any(|e| matches!(
			e,
			Event::AccessLogged { patient: ALICE, emergency: true, record_id, .. } if *record_id == r2
		)));
		// Reads under a patient's own consent are not emergency reads.
		let standard = grant(ALICE, CLINIC, read(&[Diagnoses]), Treatment, None);
		assert_ok!(Consent::log_access(signed(NURSE), ALICE, standard, r1, Diagnoses));
		assert_eq!(EmergencyReads::<Test>::get(CLINIC), 0);
		assert_eq!(EmergencyReads::<Test>::get(HOSPITAL), 3);
	});
}

#[test]
fn expiry_alone_never_fills_the_history() {
	ExtBuilder::default().build_and_execute(|| {
		// A new emergency every day, each after the previous one expired: the oldest is
		// pruned once it ended `AUDIT_RETENTION` ago, just when the history is full.
		let mut ids = vec![];
		for _ in 0..MAX_EMERGENCY_KEPT + 2 {
			ids.push(break_glass(DOCTOR, ALICE, 1));
			next_emergency_window(BREAK_GLASS_DURATION);
		}
		assert_eq!(emergency_ids(ALICE, HOSPITAL), ids[2..].to_vec(), "the two oldest were pruned");
		assert!(Consents::<Test>::get(ids[0]).is_none());
		assert!(
			consent_events().contains(&Event::ConsentPruned { patient: ALICE, consent_id: ids[1] })
		);
	});
}

#[test]
fn fails_when_the_patient_revoked_it_too_often() {
	ExtBuilder::default().build_and_execute(|| {
		let mut first = None;
		for _ in 0..MAX_EMERGENCY_KEPT {
			let id = break_glass(DOCTOR, ALICE, 1);
			first.get_or_insert(id);
			assert_ok!(Consent::revoke_consent(signed(ALICE), id));
			next_emergency_window(1_000);
		}
		assert_noop!(
			Consent::break_glass(signed(DOCTOR), ALICE, 1),
			Error::<Test>::TooManyEmergencyConsents
		);
		// Only this organization, only for this patient.
		break_glass(NURSE, ALICE, 1);
		break_glass(DOCTOR, BOB, 1);
		// Once the oldest ended `AUDIT_RETENTION` ago, it makes room.
		let first = first.expect("one consent at least");
		let ended = consent(first).revoked_at.expect("revoked");
		next_emergency_window(ended + AUDIT_RETENTION - Consent::now() - 1);
		assert_noop!(
			Consent::break_glass(signed(DOCTOR), ALICE, 1),
			Error::<Test>::TooManyEmergencyConsents
		);
		advance_time(1);
		let new = break_glass(DOCTOR, ALICE, 1);
		assert!(Consents::<Test>::get(first).is_none());
		let events = consent_events();
		assert_eq!(
			events[events.len() - 2],
			Event::ConsentPruned { patient: ALICE, consent_id: first }
		);
		assert_eq!(emergency_ids(ALICE, HOSPITAL).last(), Some(&new));
		assert_eq!(emergency_ids(ALICE, HOSPITAL).len() as u32, MAX_EMERGENCY_KEPT);
	});
}

#[test]
fn expires_after_the_duration() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Consent::break_glass(signed(DOCTOR), ALICE, 1));
		let (r1, r2) = (anchored(1, ALICE, Diagnoses), anchored(2, ALICE, Diagnoses));
		advance_time(BREAK_GLASS_DURATION - 1);
		assert!(has_access(ALICE, HOSPITAL, Diagnoses, Treatment, false));
		assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, 0, r1, Diagnoses));
		advance_time(1);
		assert!(!has_access(ALICE, HOSPITAL, Diagnoses, Treatment, false));
		assert_eq!(
			ensure_access(ALICE, HOSPITAL, Diagnoses, Treatment, false),
			Err(Error::<Test>::ExpiredConsent.into())
		);
		assert_noop!(
			Consent::log_access(signed(DOCTOR), ALICE, 0, r2, Diagnoses),
			Error::<Test>::ExpiredConsent
		);
	});
}

#[test]
fn requires_signed_origin() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(Consent::break_glass(RuntimeOrigin::none(), ALICE, 1), BadOrigin);
	});
}

#[test]
fn fails_for_non_members() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Consent::break_glass(signed(OUTSIDER), ALICE, 1),
			ConsortiumError::<Test>::NotAMember
		);
		assert_noop!(
			Consent::break_glass(signed(BOB), ALICE, 1),
			ConsortiumError::<Test>::NotAMember
		);
	});
}

#[test]
fn fails_without_provider_role() {
	ExtBuilder::default().build_and_execute(|| {
		for who in [INSTITUTE, RESEARCHER] {
			assert_noop!(
				Consent::break_glass(signed(who), ALICE, 1),
				ConsortiumError::<Test>::MissingRole
			);
		}
	});
}

#[test]
fn fails_for_suspended_provider() {
	ExtBuilder::default().build_and_execute(|| {
		suspend(HOSPITAL);
		for who in [HOSPITAL, DOCTOR] {
			assert_noop!(
				Consent::break_glass(signed(who), ALICE, 1),
				ConsortiumError::<Test>::SuspendedOrganization
			);
		}
	});
}

#[test]
fn fails_for_non_patient() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(Consent::break_glass(signed(DOCTOR), NOBODY, 1), Error::<Test>::NotAPatient);
	});
}

#[test]
fn fails_for_deregistered_patient() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Consent::break_glass(signed(DOCTOR), ERASED, 1),
			Error::<Test>::DeregisteredPatient
		);
	});
}

#[test]
fn works_when_every_consent_of_the_patient_is_active() {
	ExtBuilder::default().build_and_execute(|| {
		for _ in 0..MAX_CONSENTS {
			alice_to_hospital();
		}
		let id = break_glass(NURSE, ALICE, 1);
		assert_eq!(emergency_ids(ALICE, CLINIC), vec![id]);
		assert_eq!(ConsentsOf::<Test>::get(ALICE).len() as u32, MAX_CONSENTS);
	});
}

#[test]
fn never_prunes_the_patients_list() {
	ExtBuilder::default().build_and_execute(|| {
		for _ in 0..MAX_CONSENTS {
			alice_to_hospital();
		}
		assert_ok!(Consent::revoke_consent(signed(ALICE), 2));
		advance_time(AUDIT_RETENTION);
		let id = break_glass(NURSE, ALICE, 9);
		assert_eq!(id, 4);
		assert!(Consents::<Test>::get(2).is_some());
		assert_eq!(ConsentsOf::<Test>::get(ALICE).into_inner(), vec![0, 1, 2, 3]);
		assert!(!consent_events().iter().any(|e| matches!(e, Event::ConsentPruned { .. })));
	});
}
