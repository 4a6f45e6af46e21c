//! `anchor_record`: who may anchor (Provider staff with write consent, or the patient), every
//! consent, origin, patient and argument error, id derivation, the per-author bound and fees.

use super::*;

#[test]
fn works_for_provider_staff_with_write_consent() {
	ExtBuilder::default().build_and_execute(|| {
		grant_write(HOSPITAL_A, &[LabResults]);
		let id = next_id(ALICE, hash(1));
		assert_ok!(HealthRecords::anchor_record(
			signed(DOCTOR_A),
			ALICE,
			LabResults,
			hash(1),
			loc(b"ipfs://bafy"),
			None
		));
		assert_eq!(
			record(id),
			Record {
				patient: ALICE,
				category: LabResults,
				content_hash: hash(1),
				locator: Some(loc(b"ipfs://bafy")),
				author: Some(HOSPITAL_A),
				anchored_by: DOCTOR_A,
				anchored_at: START,
				block: 1,
				supersedes: None,
				superseded_by: None,
				sealed_at: None,
			}
		);
		assert_eq!(RecordCount::<Test>::get(ALICE), 1);
		assert_eq!(PatientRecords::<Test>::get(ALICE, 0), Some(id));
		assert_eq!(RecordNonce::<Test>::get(), 1);
		System::assert_last_event(
			Event::RecordAnchored {
				record_id: id,
				patient: ALICE,
				category: LabResults,
				content_hash: hash(1),
				author: Some(HOSPITAL_A),
				supersedes: None,
			}
			.into(),
		);
	});
}

#[test]
fn works_for_provider_admin_and_any_staff() {
	ExtBuilder::default().build_and_execute(|| {
		grant_write(HOSPITAL_A, &[LabResults, Imaging]);
		let by_admin = anchor(HOSPITAL_A, ALICE, LabResults, hash(1), None);
		let by_nurse = anchor(NURSE_A, ALICE, Imaging, hash(2), None);
		assert_eq!(record(by_admin).author, Some(HOSPITAL_A));
		assert_eq!(record(by_admin).anchored_by, HOSPITAL_A);
		assert_eq!(record(by_nurse).author, Some(HOSPITAL_A));
		assert_eq!(record(by_nurse).anchored_by, NURSE_A);
	});
}

#[test]
fn works_with_read_write_consent() {
	ExtBuilder::default().build_and_execute(|| {
		grant_with(HOSPITAL_A, &[LabResults], Access::READ_WRITE, Purpose::Treatment, None);
		anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
	});
}

#[test]
fn works_for_the_patients_own_upload_without_consent() {
	ExtBuilder::default().build_and_execute(|| {
		let id = anchor(ALICE, ALICE, MentalHealth, hash(1), None);
		let r = record(id);
		assert_eq!(r.author, None);
		assert_eq!(r.anchored_by, ALICE);
		System::assert_last_event(
			Event::RecordAnchored {
				record_id: id,
				patient: ALICE,
				category: MentalHealth,
				content_hash: hash(1),
				author: None,
				supersedes: None,
			}
			.into(),
		);
	});
}

#[test]
fn a_clinician_anchoring_their_own_record_is_a_patient_upload() {
	ExtBuilder::default().with_patient(DOCTOR_A, 1).build_and_execute(|| {
		let id = anchor(DOCTOR_A, DOCTOR_A, Imaging, hash(1), None);
		assert_eq!(record(id).author, None);
	});
}

#[test]
fn ids_are_derived_by_the_runtime_and_unique() {
	ExtBuilder::default().build_and_execute(|| {
		let first = anchor(ALICE, ALICE, Other, hash(1), None);
		let again = anchor(ALICE, ALICE, Other, hash(1), None);
		assert_ne!(first, again);
		// blake2_256(SCALE(("medchain/record", patient, content_hash, nonce))).
		let mut preimage = vec![15u8 << 2];
		preimage.extend_from_slice(b"medchain/record");
		preimage.extend_from_slice(&ALICE.to_le_bytes());
		preimage.extend_from_slice(hash(1).as_bytes());
		preimage.extend_from_slice(&1u64.to_le_bytes());
		assert_eq!(again, H256(blake2_256(&preimage)));
		assert_eq!(preimage, (RECORD_ID_DOMAIN, ALICE, hash(1), 1u64).encode());
		assert_eq!(RecordNonce::<Test>::get(), 2);
	});
}

#[test]
fn requires_signed_origin() {
	ExtBuilder::default().build_and_execute(|| {
		for origin in [RuntimeOrigin::none(), RuntimeOrigin::root()] {
			assert_noop!(
				HealthRecords::anchor_record(origin, ALICE, Other, hash(1), loc(b"x"), None),
				BadOrigin
			);
		}
	});
}

#[test]
fn fails_without_consent() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			HealthRecords::anchor_record(
				signed(DOCTOR_A),
				ALICE,
				LabResults,
				hash(1),
				loc(b"x"),
				None
			),
			ConsentError::NoConsent
		);
	});
}

#[test]
fn fails_with_a_consent_to_another_organization() {
	ExtBuilder::default().build_and_execute(|| {
		grant_write(HOSPITAL_A, &[LabResults]);
		assert_noop!(
			HealthRecords::anchor_record(
				signed(DOCTOR_B),
				ALICE,
				LabResults,
				hash(1),
				loc(b"x"),
				None
			),
			ConsentError::NoConsent
		);
	});
}

#[test]
fn fails_with_a_consent_for_another_purpose() {
	ExtBuilder::default().build_and_execute(|| {
		grant_with(HOSPITAL_A, &[LabResults], Access::WRITE, Purpose::Research, None);
		assert_noop!(
			HealthRecords::anchor_record(
				signed(DOCTOR_A),
				ALICE,
				LabResults,
				hash(1),
				loc(b"x"),
				None
			),
			ConsentError::NoConsent
		);
	});
}

#[test]
fn fails_with_a_consent_for_another_category() {
	ExtBuilder::default().build_and_execute(|| {
		grant_write(HOSPITAL_A, &[Imaging]);
		assert_noop!(
			HealthRecords::anchor_record(
				signed(DOCTOR_A),
				ALICE,
				LabResults,
				hash(1),
				loc(b"x"),
				None
			),
			ConsentError::CategoryNotCovered
		);
	});
}

#[test]
fn fails_with_a_read_only_consent() {
	ExtBuilder::default().build_and_execute(|| {
		grant_with(HOSPITAL_A, &[LabResults], Access::READ, Purpose::Treatment, None);
		assert_noop!(
			HealthRecords::anchor_record(
				signed(DOCTOR_A),
				ALICE,
				LabResults,
				hash(1),
				loc(b"x"),
				None
			),
			ConsentError::WriteNotGranted
		);
	});
}

#[test]
fn fails_with_a_revoked_consent() {
	ExtBuilder::default().build_and_execute(|| {
		let consent = grant_write(HOSPITAL_A, &[LabResults]);
		anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
		assert_ok!(Consent::revoke_consent(signed(ALICE), consent));
		assert_noop!(
			HealthRecords::anchor_record(
				signed(DOCTOR_A),
				ALICE,
				LabResults,
				hash(2),
				loc(b"x"),
				None
			),
			ConsentError::RevokedConsent
		);
	});
}

#[test]
fn fails_with_an_expired_consent() {
	ExtBuilder::default().build_and_execute(|| {
		grant_with(HOSPITAL_A, &[LabResults], Access::WRITE, Purpose::Treatment, Some(START + 10));
		anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
		advance_time(10);
		assert_noop!(
			HealthRecords::anchor_record(
				signed(DOCTOR_A),
				ALICE,
				LabResults,
				hash(2),
				loc(b"x"),
				None
			),
			ConsentError::ExpiredConsent
		);
	});
}

#[test]
fn fails_for_non_provider_signers() {
	ExtBuilder::default().build_and_execute(|| {
		grant_write(PHARMACY, &[LabResults]);
		assert_noop!(
			HealthRecords::anchor_record(
				signed(PHARMACIST),
				ALICE,
				LabResults,
				hash(1),
				loc(b"x"),
				None
			),
			ConsortiumError::MissingRole
		);
		assert_noop!(
			HealthRecords::anchor_record(
				signed(OUTSIDER),
				ALICE,
				LabResults,
				hash(1),
				loc(b"x"),
				None
			),
			ConsortiumError::NotAMember
		);
		// Another patient is no one's author either.
		assert_noop!(
			HealthRecords::anchor_record(signed(BOB), ALICE, LabResults, hash(1), loc(b"x"), None),
			ConsortiumError::NotAMember
		);
	});
}

#[test]
fn fails_for_a_suspended_organization() {
	ExtBuilder::default().build_and_execute(|| {
		grant_write(HOSPITAL_A, &[LabResults]);
		suspend(HOSPITAL_A);
		for signer in [DOCTOR_A, HOSPITAL_A] {
			assert_noop!(
				HealthRecords::anchor_record(
					signed(signer),
					ALICE,
					LabResults,
					hash(1),
					loc(b"x"),
					None
				),
				ConsortiumError::SuspendedOrganization
			);
		}
	});
}

#[test]
fn fails_for_a_deregistered_patient() {
	ExtBuilder::default().build_and_execute(|| {
		grant_write(HOSPITAL_A, &[LabResults]);
		anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
		MockPatients::deregister(ALICE);
		assert_noop!(
			HealthRecords::anchor_record(
				signed(DOCTOR_A),
				ALICE,
				LabResults,
				hash(2),
				loc(b"x"),
				None
			),
			Error::<Test>::DeregisteredPatient
		);
		assert_noop!(
			HealthRecords::anchor_record(signed(ALICE), ALICE, Other, hash(2), loc(b"x"), None),
			Error::<Test>::DeregisteredPatient
		);
		assert_noop!(
			HealthRecords::anchor_record(signed(ERASED), ERASED, Other, hash(2), loc(b"x"), None),
			Error::<Test>::DeregisteredPatient
		);
	});
}

#[test]
fn fails_for_an_unregistered_patient() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			HealthRecords::anchor_record(signed(NOBODY), NOBODY, Other, hash(1), loc(b"x"), None),
			Error::<Test>::NotAPatient
		);
		assert_noop!(
			HealthRecords::anchor_record(signed(DOCTOR_A), NOBODY, Other, hash(1), loc(b"x"), None),
			Error::<Test>::NotAPatient
		);
	});
}

#[test]
fn fails_for_a_zero_content_hash() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			HealthRecords::anchor_record(
				signed(ALICE),
				ALICE,
				Other,
				H256::zero(),
				loc(b"x"),
				None
			),
			Error::<Test>::ZeroContentHash
		);
	});
}

#[test]
fn fails_for_an_empty_locator() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			HealthRecords::anchor_record(signed(ALICE), ALICE, Other, hash(1), loc(b""), None),
			Error::<Test>::EmptyLocator
		);
	});
}

#[test]
fn a_locator_longer_than_the_bound_cannot_be_built_or_decoded() {
	ExtBuilder::default().build_and_execute(|| {
		let too_long = vec![b'x'; MAX_LOCATOR as usize + 1];
		assert!(LocatorOf::<Test>::try_from(too_long.clone()).is_err());
		assert!(LocatorOf::<Test>::decode(&mut &too_long.encode()[..]).is_err());
		// The whole call does not decode either: it never reaches the chain.
		let call = RuntimeCall::HealthRecords(crate::Call::anchor_record {
			patient: ALICE,
			category: Other,
			content_hash: hash(1),
			locator: loc(&[b'x'; MAX_LOCATOR as usize]),
			supersedes: None,
		});
		let mut encoded = call.encode();
		assert!(RuntimeCall::decode(&mut &encoded[..]).is_ok());
		// Rewrite the locator's compact length (16 → 17) and append one byte.
		let at = encoded
			.windows(1 + MAX_LOCATOR as usize)
			.position(|w| w[0] == (MAX_LOCATOR as u8) << 2 && w[1..].iter().all(|b| *b == b'x'))
			.expect("locator in the encoding");
		encoded[at] = ((MAX_LOCATOR + 1) as u8) << 2;
		encoded.insert(at + 1, b'x');
		assert!(RuntimeCall::decode(&mut &encoded[..]).is_err());
		// The longest locator is accepted.
		assert_ok!(HealthRecords::anchor_record(
			signed(ALICE),
			ALICE,
			Other,
			hash(1),
			loc(&[b'x'; MAX_LOCATOR as usize]),
			None
		));
	});
}

#[test]
fn fails_at_the_per_author_bound_without_locking_out_other_writers() {
	ExtBuilder::default().build_and_execute(|| {
		// Hospital A, holding one write consent, anchors as many records as it may ...
		grant_write(HOSPITAL_A, &[LabResults]);
		grant_write(HOSPITAL_B, &[LabResults]);
		for n in 0..MAX_RECORDS {
			anchor(DOCTOR_A, ALICE, LabResults, hash(n as u8 + 1), None);
		}
		assert_eq!(AuthorRecordCount::<Test>::get(ALICE, Some(HOSPITAL_A)), MAX_RECORDS);
		assert_noop!(
			HealthRecords::anchor_record(
				signed(NURSE_A),
				ALICE,
				LabResults,
				hash(99),
				loc(b"x"),
				None
			),
			Error::<Test>::TooManyRecords
		);
		// ... and every other writer still can: hospital B, and the patient herself.
		anchor(DOCTOR_B, ALICE, LabResults, hash(100), None);
		anchor(ALICE, ALICE, Other, hash(101), None);
		assert_eq!(RecordCount::<Test>::get(ALICE), MAX_RECORDS + 2);
		// The patient's own uploads have the same bound.
		for n in 1..MAX_RECORDS {
			anchor(ALICE, ALICE, Other, hash(101 + n as u8), None);
		}
		assert_noop!(
			HealthRecords::anchor_record(signed(ALICE), ALICE, Other, hash(200), loc(b"x"), None),
			Error::<Test>::TooManyRecords
		);
		anchor(BOB, BOB, Other, hash(1), None);
	});
}

#[test]
fn refuses_an_id_collision() {
	ExtBuilder::default().build_and_execute(|| {
		let existing = anchor(ALICE, ALICE, Other, hash(1), None);
		// Make the next derived id collide (impossible in practice).
		let taken = next_id(ALICE, hash(2));
		Records::<Test>::insert(taken, record(existing));
		assert_noop!(
			HealthRecords::anchor_record(signed(ALICE), ALICE, Other, hash(2), loc(b"x"), None),
			Error::<Test>::RecordIdCollision
		);
		Records::<Test>::remove(taken);
	});
}

#[test]
fn fails_when_the_nonce_is_exhausted() {
	ExtBuilder::default().build_and_execute(|| {
		RecordNonce::<Test>::put(u64::MAX);
		assert_noop!(
			HealthRecords::anchor_record(signed(ALICE), ALICE, Other, hash(1), loc(b"x"), None),
			Error::<Test>::RecordNonceOverflow
		);
	});
}

#[test]
fn anchoring_is_never_feeless() {
	ExtBuilder::default().build_and_execute(|| {
		let call = RuntimeCall::HealthRecords(crate::Call::anchor_record {
			patient: ALICE,
			category: Other,
			content_hash: hash(1),
			locator: loc(b"x"),
			supersedes: None,
		});
		assert!(!call.is_feeless(&signed(ALICE)));
		assert!(!call.is_feeless(&signed(DOCTOR_A)));
		let batch = RuntimeCall::HealthRecords(crate::Call::anchor_batch {
			category: Other,
			merkle_root: hash(1),
			leaf_count: 1,
			patient: None,
		});
		assert!(!batch.is_feeless(&signed(DOCTOR_A)));
	});
}
