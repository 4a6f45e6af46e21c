//! Tests of `log_accesses`: many reads under one consent, all or nothing, within
//! `MaxReadsPerLog`.

use super::*;

fn reads(list: &[(H256, RecordCategory)]) -> BoundedVec<(H256, RecordCategory), MaxReads> {
	list.to_vec().try_into().expect("within MAX_READS")
}

type MaxReads = frame_support::traits::ConstU32<MAX_READS>;

#[test]
fn logs_every_read_in_order_with_one_event_each() {
	ExtBuilder::default().build_and_execute(|| {
		let id = grant(ALICE, HOSPITAL, read(&[LabResults, Imaging]), Treatment, None);
		let (r1, r2, r3) = (
			anchored(1, ALICE, LabResults),
			anchored(2, ALICE, Imaging),
			anchored(3, ALICE, LabResults),
		);
		let list = [(r1, LabResults), (r2, Imaging), (r3, LabResults)];
		assert_eq!(list.len() as u32, MAX_READS);
		System::reset_events();
		assert_ok!(Consent::log_accesses(signed(DOCTOR), ALICE, id, reads(&list)));
		let logged: Vec<_> = AccessLogs::<Test>::get(ALICE, HOSPITAL)
			.into_iter()
			.map(|e| (e.record_id, e.category, e.accessor, e.purpose))
			.collect();
		assert_eq!(
			logged,
			list.iter().map(|(r, c)| (*r, *c, DOCTOR, Treatment)).collect::<Vec<_>>()
		);
		let events: Vec<_> = System::events()
			.into_iter()
			.filter_map(|record| match record.event {
				RuntimeEvent::Consent(Event::AccessLogged { record_id, category, .. }) => {
					Some((record_id, category))
				}
				_ => None,
			})
			.collect();
		assert_eq!(events, list.to_vec());
		// Each read is now served by the read decision.
		for (r, c) in list {
			assert!(matches!(
				Consent::read_decision(&DOCTOR, ALICE, c, r, Moment::MAX),
				crate::ReadDecision::Logged { consent_id, emergency: false, .. } if consent_id == id
			));
		}
	});
}

#[test]
fn is_all_or_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		let id = grant(ALICE, HOSPITAL, read(&[LabResults]), Treatment, None);
		let ok = anchored(1, ALICE, LabResults);
		let bobs = anchored(2, BOB, LabResults);
		let imaging = anchored(3, ALICE, Imaging);
		type Case<'a> = (&'a [(H256, RecordCategory)], Error<Test>);
		let cases: [Case; 4] = [
			(&[(ok, LabResults), (bobs, LabResults)], Error::<Test>::RecordPatientMismatch),
			(&[(ok, LabResults), (imaging, LabResults)], Error::<Test>::RecordCategoryMismatch),
			(&[(ok, LabResults), (imaging, Imaging)], Error::<Test>::CategoryNotCovered),
			(&[(ok, LabResults), (record(9), LabResults)], Error::<Test>::UnknownRecord),
		];
		for (list, error) in cases {
			assert_noop!(Consent::log_accesses(signed(DOCTOR), ALICE, id, reads(list)), error);
		}
		assert!(AccessLogs::<Test>::get(ALICE, HOSPITAL).is_empty());
	});
}

#[test]
fn refuses_an_empty_list_and_checks_the_consent_like_log_access() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		let r = anchored(1, ALICE, LabResults);
		assert_noop!(
			Consent::log_accesses(signed(DOCTOR), ALICE, id, reads(&[])),
			Error::<Test>::NoReads
		);
		assert_noop!(
			Consent::log_accesses(signed(NURSE), ALICE, id, reads(&[(r, LabResults)])),
			Error::<Test>::NotGrantee
		);
		assert_noop!(
			Consent::log_accesses(signed(DOCTOR), BOB, id, reads(&[(r, LabResults)])),
			Error::<Test>::ConsentPatientMismatch
		);
		assert_ok!(Consent::revoke_consent(signed(ALICE), id));
		assert_noop!(
			Consent::log_accesses(signed(DOCTOR), ALICE, id, reads(&[(r, LabResults)])),
			Error::<Test>::RevokedConsent
		);
	});
}

#[test]
fn a_full_batch_fits_the_log_and_evicts_only_older_entries() {
	ExtBuilder::default().build_and_execute(|| {
		let id = alice_to_hospital();
		let old = anchored(1, ALICE, LabResults);
		assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, old, LabResults));
		advance_time(1);
		let list: Vec<_> = (0..MAX_READS as u8)
			.map(|n| (anchored(10 + n, ALICE, LabResults), LabResults))
			.collect();
		assert_ok!(Consent::log_accesses(signed(DOCTOR), ALICE, id, reads(&list)));
		let kept: Vec<_> =
			AccessLogs::<Test>::get(ALICE, HOSPITAL).iter().map(|e| e.record_id).collect();
		assert_eq!(kept, list.iter().map(|(r, _)| *r).collect::<Vec<_>>());
	});
}
