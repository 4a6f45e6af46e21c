//! Tests of `read_decision`, the record gateway's question: who may be served a record now,
//! and what is missing otherwise.

use super::*;
use crate::{ReadDecision, ReadRefusal};

const HOUR: Moment = 60 * 60 * 1000;

fn decide(
	requester: AccountId,
	record_id: H256,
	category: RecordCategory,
) -> crate::ReadDecisionOf<Test> {
	Consent::read_decision(&requester, ALICE, category, record_id, HOUR)
}

fn refused(reason: ReadRefusal) -> crate::ReadDecisionOf<Test> {
	crate::ReadDecision::Refused { patient: ALICE, category: LabResults, reason }
}

#[test]
fn serves_the_patient_and_a_logged_read_under_a_live_consent() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		let r = anchored(1, ALICE, LabResults);
		assert_eq!(
			decide(ALICE, r, LabResults),
			ReadDecision::Patient { patient: ALICE, category: LabResults }
		);
		assert_eq!(decide(DOCTOR, r, LabResults), refused(ReadRefusal::NotLogged));
		advance_time(1_000);
		System::set_extrinsic_index(2);
		assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults));
		let logged_in = Some(ChainPosition { block: System::block_number(), extrinsic: 2 });
		advance_time(1_000);
		assert_eq!(
			decide(DOCTOR, r, LabResults),
			ReadDecision::Logged {
				patient: ALICE,
				category: LabResults,
				organization: HOSPITAL,
				consent_id: id,
				logged_at: START + 1_000,
				logged_in,
				emergency: false,
			}
		);
		// The log is per accessor and per record: a colleague, or another record, is not
		// covered by the doctor's entry.
		assert_eq!(decide(HOSPITAL, r, LabResults), refused(ReadRefusal::NotLogged));
		let other = anchored(2, ALICE, LabResults);
		assert_eq!(decide(DOCTOR, other, LabResults), refused(ReadRefusal::NotLogged));
	});
}

#[test]
fn names_what_is_missing() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		let r = anchored(1, ALICE, LabResults);
		assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults));
		assert_eq!(decide(OUTSIDER, r, LabResults), refused(ReadRefusal::NotStaff));
		// Another organization's staff, with no read of theirs logged.
		assert_eq!(decide(NURSE, r, LabResults), refused(ReadRefusal::NotLogged));
		// A stale log entry does not count.
		advance_time(HOUR + 1);
		assert_eq!(decide(DOCTOR, r, LabResults), refused(ReadRefusal::NotLogged));
		assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults));
		assert!(matches!(decide(DOCTOR, r, LabResults), ReadDecision::Logged { .. }));
		// Coverage is checked against the record's category as anchored.
		assert_eq!(
			decide(DOCTOR, r, Imaging),
			crate::ReadDecision::Refused {
				patient: ALICE,
				category: Imaging,
				reason: crate::ReadRefusal::CategoryNotCovered
			}
		);
		suspend(HOSPITAL);
		assert_eq!(decide(DOCTOR, r, LabResults), refused(ReadRefusal::OrganizationInactive));
		reinstate(HOSPITAL);
		assert_ok!(Consent::revoke_consent(signed(ALICE), id));
		assert_eq!(decide(DOCTOR, r, LabResults), refused(ReadRefusal::RevokedConsent));
		// The patient still may.
		assert!(matches!(decide(ALICE, r, LabResults), ReadDecision::Patient { .. }));
	});
}

#[test]
fn an_expired_consent_stops_the_reads_logged_under_it() {
	ExtBuilder::default().build_and_execute(|| {
		let id = grant(ALICE, HOSPITAL, read(&[LabResults]), Treatment, Some(START + HOUR / 2));
		let r = anchored(1, ALICE, LabResults);
		assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults));
		assert!(matches!(decide(DOCTOR, r, LabResults), ReadDecision::Logged { .. }));
		advance_time(HOUR / 2);
		assert_eq!(decide(DOCTOR, r, LabResults), refused(ReadRefusal::ExpiredConsent));
	});
}

#[test]
fn a_write_only_consent_does_not_let_anyone_read() {
	ExtBuilder::default().build_and_execute(|| {
		let write = grant(ALICE, HOSPITAL, scope(&[LabResults], Access::WRITE), Treatment, None);
		let r = anchored(1, ALICE, LabResults);
		// log_access itself refuses a write-only consent, so no entry can exist under it;
		// an entry put there (as a corrupt or older log would) is still refused.
		assert!(Consent::log_access(signed(DOCTOR), ALICE, write, r, LabResults).is_err());
		AccessLogs::<Test>::mutate(ALICE, HOSPITAL, |log| {
			log.try_push(AccessEntry {
				consent_id: write,
				organization: HOSPITAL,
				accessor: DOCTOR,
				record_id: r,
				category: LabResults,
				at: START,
				purpose: Treatment,
				emergency: false,
				logged_in: None,
			})
			.expect("room in the log");
		});
		assert_eq!(decide(DOCTOR, r, LabResults), refused(ReadRefusal::ReadNotGranted));
	});
}

#[test]
fn break_glass_reads_are_served_and_flagged() {
	ExtBuilder::default().build_and_execute(|| {
		let r = anchored(1, ALICE, LabResults);
		assert_ok!(Consent::break_glass(signed(NURSE), ALICE, 7));
		let id = NextConsentId::<Test>::get() - 1;
		assert_ok!(Consent::log_access(signed(NURSE), ALICE, id, r, LabResults));
		assert!(matches!(
			decide(NURSE, r, LabResults),
			ReadDecision::Logged { organization: CLINIC, emergency: true, .. }
		));
		advance_time(BREAK_GLASS_DURATION);
		// Within a log age long enough to still see the read, the consent is over.
		assert_eq!(
			Consent::read_decision(&NURSE, ALICE, LabResults, r, 2 * BREAK_GLASS_DURATION),
			refused(ReadRefusal::ExpiredConsent)
		);
	});
}

#[test]
fn an_erased_patient_is_gone_for_everyone() {
	ExtBuilder::default().build_and_execute(|| {
		let r = anchored(1, ERASED, LabResults);
		assert_eq!(
			Consent::read_decision(&ERASED, ERASED, LabResults, r, HOUR),
			ReadDecision::PatientErased
		);
		assert_eq!(
			Consent::read_decision(&DOCTOR, ERASED, LabResults, r, HOUR),
			ReadDecision::PatientErased
		);
	});
}
