//! Tests of access requests (`request_access`, `decline_access_request`): a clinician
//! asks, the patient sees it and answers by granting (which closes it) or declining; a
//! request grants nothing; one per organization; `MaxAccessRequests` per patient, lapsed
//! ones replaced.

use super::*;
use crate::{AccessRequest, AccessRequestCount, AccessRequests};

const LIFETIME: Moment = 7 * 24 * 60 * 60 * 1000;
/// More Provider organizations than a patient's requests (mock: 4), each with one staff.
const ORGS: [(AccountId, AccountId); 3] = [(40, 41), (50, 51), (60, 61)];

fn builder() -> ExtBuilder {
	let mut b = ExtBuilder::default();
	for (org, staff) in ORGS {
		b = b.with_organization(org, b"Another hospital", Role::Provider.into(), vec![staff]);
	}
	b
}

fn ask(staff: AccountId, patient: AccountId) -> sp_runtime::DispatchResult {
	Consent::request_access(signed(staff), patient, read(&[LabResults, Diagnoses]), Treatment)
}

#[test]
fn staff_asks_and_the_patient_sees_it() {
	builder().build_and_execute(|| {
		assert_ok!(ask(DOCTOR, ALICE));
		assert_eq!(
			AccessRequests::<Test>::get(ALICE, HOSPITAL),
			Some(AccessRequest {
				requester: DOCTOR,
				scope: read(&[LabResults, Diagnoses]),
				purpose: Treatment,
				requested_at: START,
			})
		);
		assert_eq!(AccessRequestCount::<Test>::get(ALICE), 1);
		assert_eq!(Consent::access_requests(&ALICE).len(), 1);
		assert!(consent_events().contains(&Event::AccessRequested {
			patient: ALICE,
			organization: HOSPITAL,
			requester: DOCTOR,
			scope: read(&[LabResults, Diagnoses]),
			purpose: Treatment,
		}));
		// It grants nothing.
		assert!(!has_access(ALICE, HOSPITAL, LabResults, Treatment, false));
		assert_noop!(
			ensure_access(ALICE, HOSPITAL, LabResults, Treatment, false),
			Error::<Test>::NoConsent
		);
	});
}

#[test]
fn one_key_asking_64_times_holds_one_place() {
	builder().build_and_execute(|| {
		for i in 0..64u64 {
			advance_time(1000);
			assert_ok!(ask(DOCTOR, ALICE));
			assert_eq!(AccessRequestCount::<Test>::get(ALICE), 1, "request {i}");
		}
		let (org, request) = Consent::access_requests(&ALICE).pop().expect("one request");
		assert_eq!(org, HOSPITAL);
		assert_eq!(request.requested_at, START + 64_000);
		// The other organizations still have room.
		for (_, staff) in ORGS {
			assert_ok!(ask(staff, ALICE));
		}
		assert_eq!(AccessRequestCount::<Test>::get(ALICE), 4);
	});
}

#[test]
fn who_may_ask_and_what() {
	builder().build_and_execute(|| {
		assert_noop!(
			Consent::request_access(RuntimeOrigin::none(), ALICE, read(&[LabResults]), Treatment),
			BadOrigin
		);
		assert_noop!(ask(OUTSIDER, ALICE), ConsortiumError::<Test>::NotAMember);
		// A patient is not an organization's staff.
		assert_noop!(ask(BOB, ALICE), ConsortiumError::<Test>::NotAMember);
		assert_noop!(ask(DOCTOR, NOBODY), Error::<Test>::NotAPatient);
		assert_noop!(ask(DOCTOR, ERASED), Error::<Test>::DeregisteredPatient);
		assert_noop!(
			Consent::request_access(signed(DOCTOR), ALICE, read(&[]), Treatment),
			Error::<Test>::EmptyCategories
		);
		assert_noop!(
			Consent::request_access(
				signed(DOCTOR),
				ALICE,
				Scope { categories: Categories(0x8000), access: Access::READ },
				Treatment
			),
			Error::<Test>::InvalidCategories
		);
		assert_noop!(
			Consent::request_access(
				signed(DOCTOR),
				ALICE,
				scope(&[LabResults], Access::default()),
				Treatment
			),
			Error::<Test>::EmptyAccess
		);
		suspend(HOSPITAL);
		assert_noop!(ask(DOCTOR, ALICE), ConsortiumError::<Test>::SuspendedOrganization);
		assert_eq!(AccessRequestCount::<Test>::get(ALICE), 0);
	});
}

#[test]
fn granting_the_organization_closes_its_request() {
	builder().build_and_execute(|| {
		assert_ok!(ask(DOCTOR, ALICE));
		assert_ok!(ask(NURSE, ALICE));
		// A consent to another organization leaves the hospital's request pending.
		let to_institute = grant(ALICE, INSTITUTE, read(&[LabResults]), Research, None);
		assert!(AccessRequests::<Test>::contains_key(ALICE, HOSPITAL));
		assert!(!consent_events().iter().any(|e| matches!(
			e,
			Event::AccessRequestClosed { consent_id: Some(id), .. } if *id == to_institute
		)));
		let id = grant(ALICE, HOSPITAL, read(&[LabResults]), Treatment, Some(START + LIFETIME));
		assert!(!AccessRequests::<Test>::contains_key(ALICE, HOSPITAL));
		assert!(AccessRequests::<Test>::contains_key(ALICE, CLINIC));
		assert_eq!(AccessRequestCount::<Test>::get(ALICE), 1);
		assert_eq!(
			consent_events().last(),
			Some(&Event::AccessRequestClosed {
				patient: ALICE,
				organization: HOSPITAL,
				consent_id: Some(id)
			})
		);
		assert!(has_access(ALICE, HOSPITAL, LabResults, Treatment, false));
	});
}

#[test]
fn the_patient_declines() {
	builder().build_and_execute(|| {
		assert_ok!(ask(DOCTOR, ALICE));
		// Only the patient asked can decline, and only a pending request.
		assert_noop!(
			Consent::decline_access_request(signed(BOB), HOSPITAL),
			Error::<Test>::NoAccessRequest
		);
		assert_noop!(
			Consent::decline_access_request(signed(ALICE), CLINIC),
			Error::<Test>::NoAccessRequest
		);
		let call =
			RuntimeCall::Consent(crate::Call::decline_access_request { organization: HOSPITAL });
		assert!(call.is_feeless(&signed(ALICE)));
		assert!(!call.is_feeless(&signed(BOB)), "nothing to decline: charged");
		assert!(!call.is_feeless(&signed(POOR)), "no free calls left: charged");
		assert_ok!(Consent::decline_access_request(signed(ALICE), HOSPITAL));
		assert!(!AccessRequests::<Test>::contains_key(ALICE, HOSPITAL));
		assert!(!AccessRequestCount::<Test>::contains_key(ALICE));
		assert_eq!(
			consent_events().last(),
			Some(&Event::AccessRequestClosed {
				patient: ALICE,
				organization: HOSPITAL,
				consent_id: None
			})
		);
		assert_noop!(
			Consent::decline_access_request(signed(ALICE), HOSPITAL),
			Error::<Test>::NoAccessRequest
		);
		// The organization may ask again.
		assert_ok!(ask(DOCTOR, ALICE));
	});
}

#[test]
fn a_full_set_takes_a_newcomer_only_in_place_of_a_lapsed_request() {
	let mut b = builder();
	b = b.with_organization(70, b"Fifth", Role::Provider.into(), vec![71]);
	b.build_and_execute(|| {
		assert_ok!(ask(DOCTOR, ALICE));
		advance_time(1000);
		for (_, staff) in ORGS {
			assert_ok!(ask(staff, ALICE));
		}
		assert_eq!(AccessRequestCount::<Test>::get(ALICE), 4);
		assert_noop!(ask(71, ALICE), Error::<Test>::TooManyAccessRequests);
		// Another patient is not affected.
		assert_ok!(ask(71, BOB));
		// The hospital's request lapses first (it is 1 s older than the others).
		advance_time(LIFETIME - 1000);
		assert_ok!(ask(71, ALICE));
		assert!(!AccessRequests::<Test>::contains_key(ALICE, HOSPITAL));
		assert!(AccessRequests::<Test>::contains_key(ALICE, 70));
		assert_eq!(AccessRequestCount::<Test>::get(ALICE), 4);
		assert!(consent_events().contains(&Event::AccessRequestClosed {
			patient: ALICE,
			organization: HOSPITAL,
			consent_id: None
		}));
		// The rest lapse 1 s later: still full until then, to the millisecond.
		assert_noop!(ask(DOCTOR, ALICE), Error::<Test>::TooManyAccessRequests);
		advance_time(999);
		assert_noop!(ask(DOCTOR, ALICE), Error::<Test>::TooManyAccessRequests);
		advance_time(1);
		assert_ok!(ask(DOCTOR, ALICE));
		assert_eq!(AccessRequestCount::<Test>::get(ALICE), 4);
	});
}
