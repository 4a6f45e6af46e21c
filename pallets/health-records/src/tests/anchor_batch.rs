//! `anchor_batch`: multi-patient and single-patient batches and every error.

use super::*;

#[test]
fn works_for_a_multi_patient_export() {
	ExtBuilder::default().build_and_execute(|| {
		let root = crate::merkle_root(&docs(3));
		assert_ok!(HealthRecords::anchor_batch(signed(NURSE_A), LabResults, root, 3, None));
		assert_eq!(
			Batches::<Test>::get(0),
			Some(Batch {
				root,
				leaf_count: 3,
				category: LabResults,
				patient: None,
				author: HOSPITAL_A,
				anchored_by: NURSE_A,
				anchored_at: START,
				block: 1,
			})
		);
		assert_eq!(NextBatchId::<Test>::get(), 1);
		System::assert_last_event(
			Event::BatchAnchored {
				batch_id: 0,
				author: HOSPITAL_A,
				category: LabResults,
				merkle_root: root,
				leaf_count: 3,
				patient: None,
			}
			.into(),
		);
		assert_eq!(anchor_batch_root(hash(9), 1), 1);
	});
}

#[test]
fn works_for_a_single_patient_with_write_consent() {
	ExtBuilder::default().build_and_execute(|| {
		grant_write(HOSPITAL_B, &[Imaging]);
		assert_ok!(HealthRecords::anchor_batch(
			signed(DOCTOR_B),
			Imaging,
			hash(1),
			MAX_LEAVES,
			Some(ALICE)
		));
		assert_eq!(HealthRecords::batch(0).and_then(|b| b.patient), Some(ALICE));
		System::assert_last_event(
			Event::BatchAnchored {
				batch_id: 0,
				author: HOSPITAL_B,
				category: Imaging,
				merkle_root: hash(1),
				leaf_count: MAX_LEAVES,
				patient: Some(ALICE),
			}
			.into(),
		);
	});
}

#[test]
fn requires_signed_origin() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			HealthRecords::anchor_batch(RuntimeOrigin::root(), Other, hash(1), 1, None),
			BadOrigin
		);
	});
}

#[test]
fn fails_for_zero_leaves() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			HealthRecords::anchor_batch(signed(DOCTOR_A), Other, hash(1), 0, None),
			Error::<Test>::ZeroLeafCount
		);
	});
}

#[test]
fn fails_for_too_many_leaves() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			HealthRecords::anchor_batch(signed(DOCTOR_A), Other, hash(1), MAX_LEAVES + 1, None),
			Error::<Test>::TooManyLeaves
		);
		assert_noop!(
			HealthRecords::anchor_batch(signed(DOCTOR_A), Other, hash(1), u32::MAX, None),
			Error::<Test>::TooManyLeaves
		);
	});
}

#[test]
fn fails_for_a_zero_root() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			HealthRecords::anchor_batch(signed(DOCTOR_A), Other, H256::zero(), 1, None),
			Error::<Test>::ZeroMerkleRoot
		);
	});
}

#[test]
fn fails_for_non_providers() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			HealthRecords::anchor_batch(signed(PHARMACIST), Other, hash(1), 1, None),
			ConsortiumError::MissingRole
		);
		assert_noop!(
			HealthRecords::anchor_batch(signed(OUTSIDER), Other, hash(1), 1, None),
			ConsortiumError::NotAMember
		);
		// Patients anchor records, not batches.
		assert_noop!(
			HealthRecords::anchor_batch(signed(ALICE), Other, hash(1), 1, Some(ALICE)),
			ConsortiumError::NotAMember
		);
	});
}

#[test]
fn fails_for_a_suspended_organization() {
	ExtBuilder::default().build_and_execute(|| {
		suspend(HOSPITAL_A);
		assert_noop!(
			HealthRecords::anchor_batch(signed(DOCTOR_A), Other, hash(1), 1, None),
			ConsortiumError::SuspendedOrganization
		);
	});
}

#[test]
fn single_patient_batches_need_write_consent() {
	ExtBuilder::default().build_and_execute(|| {
		let batch = |category| {
			HealthRecords::anchor_batch(signed(DOCTOR_A), category, hash(1), 1, Some(ALICE))
		};
		assert_noop!(batch(LabResults), ConsentError::NoConsent);
		grant_with(HOSPITAL_A, &[LabResults], Access::READ, Purpose::Treatment, None);
		assert_noop!(batch(LabResults), ConsentError::WriteNotGranted);
		let consent = grant_write(HOSPITAL_A, &[Imaging]);
		assert_noop!(batch(Other), ConsentError::CategoryNotCovered);
		assert_ok!(batch(Imaging));
		assert_ok!(Consent::revoke_consent(signed(ALICE), consent));
		assert_noop!(batch(Imaging), ConsentError::RevokedConsent);
	});
}

#[test]
fn single_patient_batches_need_a_registered_patient() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			HealthRecords::anchor_batch(signed(DOCTOR_A), Other, hash(1), 1, Some(ERASED)),
			Error::<Test>::DeregisteredPatient
		);
		assert_noop!(
			HealthRecords::anchor_batch(signed(DOCTOR_A), Other, hash(1), 1, Some(NOBODY)),
			Error::<Test>::NotAPatient
		);
	});
}

#[test]
fn fails_when_ids_are_exhausted() {
	ExtBuilder::default().build_and_execute(|| {
		NextBatchId::<Test>::put(u64::MAX);
		assert_noop!(
			HealthRecords::anchor_batch(signed(DOCTOR_A), Other, hash(1), 1, None),
			Error::<Test>::BatchIdOverflow
		);
	});
}
