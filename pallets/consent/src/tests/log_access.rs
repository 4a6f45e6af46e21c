//! Tests of `log_access`: the entry and event, purpose-bound reads, the per-organization
//! ring buffer, the merged log, and every error in order.

use super::*;

#[test]
fn works_for_staff_and_admin() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		let (r1, r2) = (anchored(1, ALICE, LabResults), anchored(2, ALICE, LabResults));
		advance_time(60_000);
		// Each entry names the block and extrinsic that logged it.
		System::set_extrinsic_index(3);
		assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, r1, LabResults));
		System::assert_last_event(
			Event::AccessLogged {
				patient: ALICE,
				consent_id: id,
				organization: HOSPITAL,
				accessor: DOCTOR,
				record_id: r1,
				category: LabResults,
				purpose: Treatment,
				emergency: false,
			}
			.into(),
		);
		System::set_extrinsic_index(5);
		assert_ok!(Consent::log_access(signed(HOSPITAL), ALICE, id, r2, LabResults));
		let block = System::block_number();
		let expected = vec![
			AccessEntry {
				consent_id: id,
				organization: HOSPITAL,
				accessor: DOCTOR,
				record_id: r1,
				category: LabResults,
				at: START + 60_000,
				purpose: Treatment,
				emergency: false,
				logged_in: Some(ChainPosition { block, extrinsic: 3 }),
			},
			AccessEntry {
				consent_id: id,
				organization: HOSPITAL,
				accessor: HOSPITAL,
				record_id: r2,
				category: LabResults,
				at: START + 60_000,
				purpose: Treatment,
				emergency: false,
				logged_in: Some(ChainPosition { block, extrinsic: 5 }),
			},
		];
		assert_eq!(AccessLogs::<Test>::get(ALICE, HOSPITAL).into_inner(), expected);
		assert_eq!(Consent::access_log(&ALICE), expected);
		assert!(Consent::access_log(&BOB).is_empty());
	});
}

#[test]
fn only_treatment_consents_open_identified_documents() {
	ExtBuilder::default().build_and_execute(|| {
		let r = anchored(1, ALICE, LabResults);
		// The clinic holds a consent for every purpose but Treatment; none logs a read.
		for purpose in [Research, Insurance, PublicHealth] {
			let id = grant(ALICE, CLINIC, read(&[LabResults]), purpose, None);
			assert_noop!(
				Consent::log_access(signed(NURSE), ALICE, id, r, LabResults),
				Error::<Test>::PurposeNotPermitted
			);
			let reads: BoundedVec<_, _> = vec![(r, LabResults)].try_into().unwrap();
			assert_noop!(
				Consent::log_accesses(signed(NURSE), ALICE, id, reads),
				Error::<Test>::PurposeNotPermitted
			);
		}
		assert!(AccessLogs::<Test>::get(ALICE, CLINIC).is_empty());
		// A Treatment consent does, and its entry and event say so.
		let id = grant(ALICE, CLINIC, read(&[LabResults]), Treatment, None);
		assert_ok!(Consent::log_access(signed(NURSE), ALICE, id, r, LabResults));
		let entry = AccessLogs::<Test>::get(ALICE, CLINIC)[0].clone();
		assert_eq!((entry.consent_id, entry.purpose, entry.emergency), (id, Treatment, false));
	});
}

#[test]
fn a_break_glass_read_is_logged_as_an_emergency() {
	ExtBuilder::default().build_and_execute(|| {
		let r = anchored(1, BOB, Imaging);
		assert_ok!(Consent::break_glass(signed(DOCTOR), BOB, 7));
		let id = NextConsentId::<Test>::get() - 1;
		assert_ok!(Consent::log_access(signed(DOCTOR), BOB, id, r, Imaging));
		System::assert_last_event(
			Event::AccessLogged {
				patient: BOB,
				consent_id: id,
				organization: HOSPITAL,
				accessor: DOCTOR,
				record_id: r,
				category: Imaging,
				purpose: Treatment,
				emergency: true,
			}
			.into(),
		);
		let entry = AccessLogs::<Test>::get(BOB, HOSPITAL)[0].clone();
		assert_eq!((entry.purpose, entry.emergency), (Treatment, true));
	});
}

#[test]
fn is_a_ring_buffer_dropping_the_organizations_oldest_entry() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		for n in 0..MAX_LOG as u8 + 2 {
			let r = anchored(n, ALICE, LabResults);
			assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults));
			advance_time(1);
		}
		let log = AccessLogs::<Test>::get(ALICE, HOSPITAL);
		assert_eq!(log.len(), MAX_LOG as usize);
		let kept: Vec<H256> = log.iter().map(|e| e.record_id).collect();
		assert_eq!(kept, vec![record(2), record(3), record(4)]);
		assert_eq!(log[0].at, START + 2);
		System::assert_last_event(
			Event::AccessLogged {
				patient: ALICE,
				consent_id: id,
				organization: HOSPITAL,
				accessor: DOCTOR,
				record_id: record(4),
				category: LabResults,
				purpose: Treatment,
				emergency: false,
			}
			.into(),
		);
	});
}

#[test]
fn a_grantee_cannot_evict_another_grantees_entries() {
	ExtBuilder::default().build_and_execute(|| {
		let hospital = alice_to_hospital();
		let clinic = grant(ALICE, CLINIC, read(&[LabResults]), Treatment, None);
		let r = anchored(1, ALICE, LabResults);
		assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, hospital, r, LabResults));
		// The clinic logs more reads than a ring buffer holds ...
		for _ in 0..MAX_LOG + 2 {
			advance_time(1);
			assert_ok!(Consent::log_access(signed(NURSE), ALICE, clinic, r, LabResults));
		}
		// ... and only drops its own entries.
		let log = Consent::access_log(&ALICE);
		assert_eq!(log.len() as u32, 1 + MAX_LOG);
		assert_eq!((log[0].organization, log[0].at), (HOSPITAL, START));
		assert!(log[1..].iter().all(|e| e.organization == CLINIC));
		assert_eq!(AccessLogs::<Test>::get(ALICE, CLINIC)[0].at, START + 3);
	});
}

#[test]
fn access_log_merges_organizations_oldest_first() {
	ExtBuilder::default().build_and_execute(|| {
		let hospital = alice_to_hospital();
		let clinic = grant(ALICE, CLINIC, read(&[LabResults]), Treatment, None);
		let r = anchored(1, ALICE, LabResults);
		let mut expected = vec![];
		for (n, (who, id, org)) in
			[(DOCTOR, hospital, HOSPITAL), (NURSE, clinic, CLINIC), (HOSPITAL, hospital, HOSPITAL)]
				.into_iter()
				.enumerate()
		{
			advance_time(10);
			assert_ok!(Consent::log_access(signed(who), ALICE, id, r, LabResults));
			expected.push((org, who, START + 10 * (n as Moment + 1)));
		}
		let got: Vec<_> = Consent::access_log(&ALICE)
			.iter()
			.map(|e| (e.organization, e.accessor, e.at))
			.collect();
		assert_eq!(got, expected);
	});
}

#[test]
fn requires_signed_origin() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		let r = anchored(1, ALICE, LabResults);
		assert_noop!(
			Consent::log_access(RuntimeOrigin::none(), ALICE, id, r, LabResults),
			BadOrigin
		);
	});
}

#[test]
fn fails_for_unknown_consent() {
	ExtBuilder::default().build_and_execute(|| {
		let r = anchored(1, ALICE, LabResults);
		assert_noop!(
			Consent::log_access(signed(DOCTOR), ALICE, 7, r, LabResults),
			Error::<Test>::UnknownConsent
		);
	});
}

#[test]
fn fails_for_another_patients_consent() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		let r = anchored(1, BOB, LabResults);
		assert_noop!(
			Consent::log_access(signed(DOCTOR), BOB, id, r, LabResults),
			Error::<Test>::ConsentPatientMismatch
		);
	});
}

#[test]
fn fails_for_anyone_but_the_grantee() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		let r = anchored(1, ALICE, LabResults);
		for who in [NURSE, CLINIC, RESEARCHER, OUTSIDER, ALICE] {
			assert_noop!(
				Consent::log_access(signed(who), ALICE, id, r, LabResults),
				Error::<Test>::NotGrantee
			);
		}
	});
}

#[test]
fn fails_while_the_grantee_is_suspended() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		let r = anchored(1, ALICE, LabResults);
		let before = consent(id);
		suspend(HOSPITAL);
		for who in [DOCTOR, HOSPITAL] {
			assert_noop!(
				Consent::log_access(signed(who), ALICE, id, r, LabResults),
				ConsortiumError::<Test>::SuspendedOrganization
			);
		}
		reinstate(HOSPITAL);
		assert_eq!(consent(id), before);
		assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults));
	});
}

#[test]
fn fails_for_deregistered_patient() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		let r = anchored(1, ALICE, LabResults);
		MockPatients::deregister(ALICE);
		assert_noop!(
			Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults),
			Error::<Test>::DeregisteredPatient
		);
	});
}

#[test]
fn fails_for_unknown_record() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		assert_noop!(
			Consent::log_access(signed(DOCTOR), ALICE, id, record(1), LabResults),
			Error::<Test>::UnknownRecord
		);
	});
}

#[test]
fn fails_for_another_patients_record() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		let bobs = anchored(1, BOB, LabResults);
		assert_noop!(
			Consent::log_access(signed(DOCTOR), ALICE, id, bobs, LabResults),
			Error::<Test>::RecordPatientMismatch
		);
	});
}

#[test]
fn fails_for_a_misstated_category() {
	ExtBuilder::default().build_and_execute(|| {
		// A MentalHealth record logged as LabResults under a LabResults consent.
		let id = alice_to_hospital();
		let r = anchored(1, ALICE, MentalHealth);
		assert_noop!(
			Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults),
			Error::<Test>::RecordCategoryMismatch
		);
		// Stated truthfully, the consent does not cover it.
		assert_noop!(
			Consent::log_access(signed(DOCTOR), ALICE, id, r, MentalHealth),
			Error::<Test>::CategoryNotCovered
		);
	});
}

#[test]
fn fails_for_revoked_consent() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		let r = anchored(1, ALICE, LabResults);
		assert_ok!(Consent::revoke_consent(signed(ALICE), id));
		assert_noop!(
			Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults),
			Error::<Test>::RevokedConsent
		);
	});
}

#[test]
fn fails_for_expired_consent() {
	ExtBuilder::default().build_and_execute(|| {
		let id = grant(ALICE, HOSPITAL, read(&[LabResults]), Treatment, Some(START + 100));
		let (r1, r2) = (anchored(1, ALICE, LabResults), anchored(2, ALICE, LabResults));
		advance_time(99);
		assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, r1, LabResults));
		advance_time(1);
		assert_noop!(
			Consent::log_access(signed(DOCTOR), ALICE, id, r2, LabResults),
			Error::<Test>::ExpiredConsent
		);
	});
}

#[test]
fn fails_for_category_not_covered() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		let r = anchored(1, ALICE, MentalHealth);
		assert_noop!(
			Consent::log_access(signed(DOCTOR), ALICE, id, r, MentalHealth),
			Error::<Test>::CategoryNotCovered
		);
	});
}

#[test]
fn fails_without_read_access() {
	ExtBuilder::default().build_and_execute(|| {
		let id = grant(ALICE, HOSPITAL, scope(&[LabResults], Access::WRITE), Treatment, None);
		let r = anchored(1, ALICE, LabResults);
		assert_noop!(
			Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults),
			Error::<Test>::ReadNotGranted
		);
	});
}
