//! Tests of the storage migrations v1 to v2, v2 to v3, v3 to v4 and v4 to v5.

use super::*;
use crate::migrations::{
	v2::{v1, MigrateV1ToV2},
	v4::{v3, MigrateV3ToV4},
	v5::{v4, MigrateV4ToV5},
};
use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

/// Store a live v1 break-glass consent of `org` for Alice (ids chosen by the test).
fn v1_break_glass(id: ConsentId, org: AccountId, staff: AccountId) -> ConsentRecord<AccountId> {
	let consent = ConsentRecord {
		patient: ALICE,
		grantee: org,
		scope: Scope { categories: Categories::all(), access: Access::READ },
		purpose: Treatment,
		granted_at: START,
		expires_at: Some(START + BREAK_GLASS_DURATION),
		revoked_at: None,
		kind: ConsentKind::BreakGlass { staff, reason_code: 1 },
	};
	Consents::<Test>::insert(id, consent.clone());
	consent
}

/// A v1–v3 access-log entry (no purpose), under consent 0.
fn entry(org: AccountId, accessor: AccountId, at: Moment) -> v3::AccessEntry<AccountId> {
	v3::AccessEntry {
		consent_id: 0,
		organization: org,
		accessor,
		record_id: record(1),
		category: LabResults,
		at,
	}
}

#[test]
fn v1_to_v2_moves_break_glass_consents_and_splits_access_logs() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(Consent::in_code_storage_version(), 5);
		StorageVersion::new(1).put::<Consent>();
		// v1: Alice's list holds her grant and three emergency consents (two of the
		// hospital, both live); her single access log is shared.
		let standard = alice_to_hospital();
		v1_break_glass(1, HOSPITAL, DOCTOR);
		let newest = v1_break_glass(2, HOSPITAL, HOSPITAL);
		let clinic = v1_break_glass(3, CLINIC, NURSE);
		let list: BoundedVec<ConsentId, _> = vec![standard, 1, 2, 3].try_into().unwrap();
		ConsentsOf::<Test>::insert(ALICE, list);
		NextConsentId::<Test>::put(4);
		let log = vec![
			entry(HOSPITAL, DOCTOR, START),
			entry(CLINIC, NURSE, START + 1),
			entry(HOSPITAL, HOSPITAL, START + 2),
		];
		v1::AccessLog::<Test>::insert(ALICE, BoundedVec::truncate_from(log.clone()));
		advance_time(5);

		MigrateV1ToV2::<Test>::on_runtime_upgrade();

		assert_eq!(Consent::on_chain_storage_version(), 2);
		assert_eq!(ConsentsOf::<Test>::get(ALICE).into_inner(), vec![standard]);
		assert_eq!(EmergencyConsents::<Test>::get(ALICE, HOSPITAL).into_inner(), vec![1, 2]);
		assert_eq!(EmergencyConsents::<Test>::get(ALICE, CLINIC).into_inner(), vec![3]);
		// The older live one of the hospital ended now; the others are untouched.
		assert_eq!(consent(1).expires_at, Some(START + 5));
		assert_eq!(consent(2), newest);
		assert_eq!(consent(3), clinic);
		assert_eq!(ensure_access(ALICE, HOSPITAL, Imaging, Treatment, false), Ok(2));
		// The log, split by organization, merges back to what it was.
		assert_eq!(v1::AccessLog::<Test>::iter().count(), 0);
		assert_eq!(
			v3::AccessLogs::<Test>::get(ALICE, HOSPITAL).into_inner(),
			vec![log[0].clone(), log[2].clone()]
		);
		assert_eq!(v3::AccessLogs::<Test>::get(ALICE, CLINIC).into_inner(), vec![log[1].clone()]);
		// It runs once.
		v1::AccessLog::<Test>::insert(ALICE, BoundedVec::truncate_from(log.clone()));
		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(v1::AccessLog::<Test>::iter().count(), 1);
		v1::AccessLog::<Test>::remove(ALICE);
		// Then v3, v4 and v5: every entry was logged under Alice's Treatment grant (id 0).
		crate::migrations::v3::MigrateV2ToV3::<Test>::on_runtime_upgrade();
		MigrateV3ToV4::<Test>::on_runtime_upgrade();
		MigrateV4ToV5::<Test>::on_runtime_upgrade();
		assert_eq!(Consent::on_chain_storage_version(), 5);
		let merged: Vec<_> = Consent::access_log(&ALICE)
			.into_iter()
			.map(|e| (e.organization, e.accessor, e.at, e.purpose, e.emergency))
			.collect();
		assert_eq!(
			merged,
			log.iter()
				.map(|e| (e.organization, e.accessor, e.at, Treatment, false))
				.collect::<Vec<_>>()
		);
	});
}

#[test]
fn v2_to_v3_builds_the_access_index() {
	ExtBuilder::default().build_and_execute(|| {
		// v2 state: consents of Alice to two organizations (one revoked), Bob's to one,
		// and an emergency consent, which the index never holds.
		let first = alice_to_hospital();
		let clinic = grant(ALICE, CLINIC, read(&[Imaging]), Research, None);
		let second = grant(ALICE, HOSPITAL, read(&[Imaging]), Treatment, Some(START + 50));
		assert_ok!(Consent::revoke_consent(signed(ALICE), first));
		let bob = grant(BOB, HOSPITAL, read(&[LabResults]), Treatment, None);
		assert_ok!(Consent::break_glass(signed(DOCTOR), BOB, 1));
		let built: Vec<_> = GrantsTo::<Test>::iter().collect();
		assert_eq!(built.len(), 3);
		let _ = GrantsTo::<Test>::clear(u32::MAX, None);
		StorageVersion::new(2).put::<Consent>();
		assert_eq!(ensure_access(ALICE, CLINIC, Imaging, Research, false), Err(Error::<Test>::NoConsent.into()));

		crate::migrations::v3::MigrateV2ToV3::<Test>::on_runtime_upgrade();

		assert_eq!(Consent::on_chain_storage_version(), 3);
		let mut rebuilt: Vec<_> = GrantsTo::<Test>::iter().collect();
		let mut expected = built;
		rebuilt.sort_by_key(|(p, g, _)| (*p, *g));
		expected.sort_by_key(|(p, g, _)| (*p, *g));
		assert_eq!(rebuilt, expected);
		assert_eq!(
			GrantsTo::<Test>::get(ALICE, HOSPITAL).iter().map(|g| g.id).collect::<Vec<_>>(),
			vec![first, second]
		);
		assert_eq!(ensure_access(ALICE, CLINIC, Imaging, Research, false), Ok(clinic));
		assert_eq!(ensure_access(BOB, HOSPITAL, LabResults, Treatment, false), Ok(bob));
		// It runs once.
		let _ = GrantsTo::<Test>::clear(u32::MAX, None);
		crate::migrations::v3::MigrateV2ToV3::<Test>::on_runtime_upgrade();
		assert_eq!(GrantsTo::<Test>::iter().count(), 0);
		// (Rebuilt for the final invariant check.)
		<crate::migrations::v3::InnerMigrateV2ToV3<Test> as frame_support::traits::UncheckedOnRuntimeUpgrade>::on_runtime_upgrade();
	});
}

#[test]
fn v3_to_v4_records_each_entrys_purpose_and_drops_entries_of_pruned_consents() {
	ExtBuilder::default().build_and_execute(|| {
		let treatment = alice_to_hospital();
		let research = grant(ALICE, CLINIC, read(&[LabResults]), Research, None);
		assert_ok!(Consent::break_glass(signed(DOCTOR), BOB, 1));
		let emergency = NextConsentId::<Test>::get() - 1;
		let pruned: ConsentId = 999;
		let old = |consent_id, organization, accessor, at| v3::AccessEntry {
			consent_id,
			organization,
			accessor,
			record_id: record(1),
			category: LabResults,
			at,
		};
		StorageVersion::new(3).put::<Consent>();
		// v3 logs: Alice's hospital log mixes a kept and a pruned consent's entries; the
		// clinic's holds a (pre-v4, so unchecked) Research read; Bob's an emergency read;
		// Nobody's only a pruned consent's entry.
		v3::AccessLogs::<Test>::insert(
			ALICE,
			HOSPITAL,
			BoundedVec::truncate_from(vec![
				old(pruned, HOSPITAL, DOCTOR, START),
				old(treatment, HOSPITAL, DOCTOR, START + 1),
			]),
		);
		v3::AccessLogs::<Test>::insert(
			ALICE,
			CLINIC,
			BoundedVec::truncate_from(vec![old(research, CLINIC, NURSE, START + 2)]),
		);
		v3::AccessLogs::<Test>::insert(
			BOB,
			HOSPITAL,
			BoundedVec::truncate_from(vec![old(emergency, HOSPITAL, DOCTOR, START + 3)]),
		);
		v3::AccessLogs::<Test>::insert(
			NOBODY,
			HOSPITAL,
			BoundedVec::truncate_from(vec![old(pruned, HOSPITAL, DOCTOR, START + 4)]),
		);

		MigrateV3ToV4::<Test>::on_runtime_upgrade();

		assert_eq!(Consent::on_chain_storage_version(), 4);
		let summary = |patient, org| {
			v4::AccessLogs::<Test>::get(patient, org)
				.into_iter()
				.map(|e| (e.consent_id, e.at, e.purpose, e.emergency))
				.collect::<Vec<_>>()
		};
		assert_eq!(summary(ALICE, HOSPITAL), vec![(treatment, START + 1, Treatment, false)]);
		assert_eq!(summary(ALICE, CLINIC), vec![(research, START + 2, Research, false)]);
		assert_eq!(summary(BOB, HOSPITAL), vec![(emergency, START + 3, Treatment, true)]);
		assert!(!v4::AccessLogs::<Test>::contains_key(NOBODY, HOSPITAL));
		// It runs once.
		let before: Vec<_> = v4::AccessLogs::<Test>::iter().collect();
		MigrateV3ToV4::<Test>::on_runtime_upgrade();
		assert_eq!(v4::AccessLogs::<Test>::iter().collect::<Vec<_>>(), before);
		// Then v5 (for the final invariant check, which reads v5 entries).
		MigrateV4ToV5::<Test>::on_runtime_upgrade();
		// The Research read logged before v4 still opens nothing.
		assert_eq!(
			Consent::read_decision(&NURSE, ALICE, LabResults, record(1), Moment::MAX),
			crate::ReadDecision::Refused {
				patient: ALICE,
				category: LabResults,
				reason: crate::ReadRefusal::PurposeNotPermitted
			}
		);
	});
}

#[test]
fn v4_to_v5_keeps_every_entry_in_place_without_an_extrinsic() {
	ExtBuilder::default().build_and_execute(|| {
		let treatment = alice_to_hospital();
		let r = anchored(1, ALICE, LabResults);
		let old = |accessor, at| v4::AccessEntry {
			consent_id: treatment,
			organization: HOSPITAL,
			accessor,
			record_id: r,
			category: LabResults,
			at,
			purpose: Treatment,
			emergency: false,
		};
		StorageVersion::new(4).put::<Consent>();
		let log = vec![old(DOCTOR, START), old(HOSPITAL, START + 1)];
		v4::AccessLogs::<Test>::insert(ALICE, HOSPITAL, BoundedVec::truncate_from(log.clone()));

		MigrateV4ToV5::<Test>::on_runtime_upgrade();

		assert_eq!(Consent::on_chain_storage_version(), 5);
		let migrated = AccessLogs::<Test>::get(ALICE, HOSPITAL).into_inner();
		assert_eq!(
			migrated.iter().map(|e| (e.accessor, e.at, e.logged_in)).collect::<Vec<_>>(),
			vec![(DOCTOR, START, None), (HOSPITAL, START + 1, None)]
		);
		assert!(migrated.iter().zip(&log).all(|(new, old)| new.consent_id == old.consent_id
			&& new.record_id == old.record_id
			&& new.purpose == old.purpose
			&& new.emergency == old.emergency));
		// A migrated read still opens the document; the gateway is told no extrinsic.
		assert!(matches!(
			Consent::read_decision(&DOCTOR, ALICE, LabResults, r, Moment::MAX),
			crate::ReadDecision::Logged { logged_in: None, .. }
		));
		// It runs once.
		MigrateV4ToV5::<Test>::on_runtime_upgrade();
		assert_eq!(AccessLogs::<Test>::get(ALICE, HOSPITAL).into_inner(), migrated);
	});
}
