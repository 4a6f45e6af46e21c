//! Unit tests of the health-records pallet: every call, every error, every event, the
//! Merkle rules (against an independent reference implementation and the shared test
//! vectors), the runtime-API queries and the fee-less wiring.

use crate::{
	expected_proof_len, mock::*, AuthorRecordCount, Batch, Batches, ErasedUpTo, Error, Event,
	InclusionError, LocatorOf, NextBatchId, PatientRecords, Record, RecordCount, RecordId,
	RecordNonce, RecordVerification, Records, MAX_PROOF_ITEMS, RECORD_ID_DOMAIN,
};
use codec::{Decode, Encode};
use frame_support::{assert_noop, assert_ok, dispatch::CheckIfFeeless, traits::Hooks};
use medchain_primitives::{Categories, ConsentId, Moment, Purpose, RecordCategory};
use pallet_consent::{Access, Scope};
use sp_core::H256;
use sp_io::hashing::blake2_256;
use sp_runtime::traits::{BadOrigin, BlakeTwo256};

use RecordCategory::{Imaging, LabResults, MentalHealth, Other};

type ConsentError = pallet_consent::Error<Test>;
type ConsortiumError = pallet_consortium::Error<Test>;

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn hash(n: u8) -> H256 {
	H256::repeat_byte(n)
}

fn loc(bytes: &[u8]) -> LocatorOf<Test> {
	LocatorOf::<Test>::try_from(bytes.to_vec()).expect("locator within bound")
}

/// Alice's consent to `org` for `categories` with `access`, purpose `purpose`.
fn grant_with(
	org: AccountId,
	categories: &[RecordCategory],
	access: Access,
	purpose: Purpose,
	expires_at: Option<Moment>,
) -> ConsentId {
	let id = pallet_consent::NextConsentId::<Test>::get();
	assert_ok!(Consent::grant_consent(
		signed(ALICE),
		org,
		Scope { categories: Categories::from_categories(categories), access },
		purpose,
		expires_at,
	));
	id
}

/// Alice lets `org` write `categories` for Treatment.
fn grant_write(org: AccountId, categories: &[RecordCategory]) -> ConsentId {
	grant_with(org, categories, Access::WRITE, Purpose::Treatment, None)
}

/// The id the next anchored record of `patient` with `content_hash` will get.
fn next_id(patient: AccountId, content_hash: H256) -> RecordId {
	HealthRecords::derive_record_id(&patient, &content_hash, RecordNonce::<Test>::get())
}

/// Anchor a record and return its id.
fn anchor(
	signer: AccountId,
	patient: AccountId,
	category: RecordCategory,
	content_hash: H256,
	supersedes: Option<RecordId>,
) -> RecordId {
	let id = next_id(patient, content_hash);
	assert_ok!(HealthRecords::anchor_record(
		signed(signer),
		patient,
		category,
		content_hash,
		loc(b"fhir://doc"),
		supersedes,
	));
	id
}

fn record(id: RecordId) -> crate::RecordOf<Test> {
	Records::<Test>::get(id).expect("record stored")
}

fn suspend(org: AccountId) {
	assert_ok!(Consortium::suspend_organization(RuntimeOrigin::root(), org));
}

fn hex(bytes: &[u8]) -> String {
	let digits: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
	format!("0x{digits}")
}

fn unhex(s: &str) -> Vec<u8> {
	let s = s.strip_prefix("0x").expect("0x prefix");
	assert!(s.len().is_multiple_of(2), "even number of hex digits");
	(0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

fn h256(s: &str) -> H256 {
	let bytes = unhex(s);
	assert_eq!(bytes.len(), 32, "32-byte hash expected: {s}");
	H256::from_slice(&bytes)
}

/// Document hashes `doc(0) .. doc(n-1)`.
fn docs(n: u32) -> Vec<H256> {
	(0..n).map(|i| H256(blake2_256(format!("doc-{i}").as_bytes()))).collect()
}

/// Anchor a multi-patient batch with `root` and `leaf_count` by Hospital A; returns its id.
fn anchor_batch_root(root: H256, leaf_count: u32) -> u64 {
	let id = NextBatchId::<Test>::get();
	assert_ok!(HealthRecords::anchor_batch(signed(DOCTOR_A), LabResults, root, leaf_count, None));
	id
}

/// Anchor the tree over `leaves`; returns its id.
fn anchor_tree(leaves: &[H256]) -> u64 {
	anchor_batch_root(crate::merkle_root(leaves), leaves.len() as u32)
}

fn proof_of(leaves: &[H256], index: u32) -> Vec<H256> {
	binary_merkle_tree::merkle_proof::<BlakeTwo256, _, _>(
		leaves.iter().map(|l| l.as_bytes()),
		index,
	)
	.proof
}

mod mock_setup {
	use super::*;
	use medchain_primitives::PatientRegistry;
	use pallet_consortium::{Role, RoleProvider};

	#[test]
	fn genesis_consortium_and_patients() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(HealthRecords::now(), START);
			assert_eq!(Consortium::ensure_role(&NURSE_A, Role::Provider), Ok(HOSPITAL_A));
			assert_eq!(Consortium::ensure_role(&DOCTOR_B, Role::Provider), Ok(HOSPITAL_B));
			assert!(Consortium::has_role(&PHARMACY, Role::Pharmacy));
			assert!(MockPatients::is_registered(&ALICE));
			assert!(MockPatients::is_deregistered(&ERASED));
			assert!(!MockPatients::is_registered(&NOBODY));
			assert_eq!(RecordNonce::<Test>::get(), 0);
			assert_eq!(NextBatchId::<Test>::get(), 0);
		});
	}

	#[test]
	fn integrity_test_passes() {
		ExtBuilder::empty().build_and_execute(|| {
			<HealthRecords as Hooks<u64>>::integrity_test();
		});
	}
}

mod anchor_record {
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
			grant_with(
				HOSPITAL_A,
				&[LabResults],
				Access::WRITE,
				Purpose::Treatment,
				Some(START + 10),
			);
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
				HealthRecords::anchor_record(
					signed(BOB),
					ALICE,
					LabResults,
					hash(1),
					loc(b"x"),
					None
				),
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
				HealthRecords::anchor_record(
					signed(ERASED),
					ERASED,
					Other,
					hash(2),
					loc(b"x"),
					None
				),
				Error::<Test>::DeregisteredPatient
			);
		});
	}

	#[test]
	fn fails_for_an_unregistered_patient() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				HealthRecords::anchor_record(
					signed(NOBODY),
					NOBODY,
					Other,
					hash(1),
					loc(b"x"),
					None
				),
				Error::<Test>::NotAPatient
			);
			assert_noop!(
				HealthRecords::anchor_record(
					signed(DOCTOR_A),
					NOBODY,
					Other,
					hash(1),
					loc(b"x"),
					None
				),
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
				HealthRecords::anchor_record(
					signed(ALICE),
					ALICE,
					Other,
					hash(200),
					loc(b"x"),
					None
				),
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
}

mod supersede {
	use super::*;

	#[test]
	fn links_versions_both_ways_and_keeps_history() {
		ExtBuilder::default().build_and_execute(|| {
			grant_write(HOSPITAL_A, &[LabResults]);
			let v1 = anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
			advance_time(1_000);
			let v2 = anchor(NURSE_A, ALICE, LabResults, hash(2), Some(v1));
			System::assert_last_event(
				Event::RecordAnchored {
					record_id: v2,
					patient: ALICE,
					category: LabResults,
					content_hash: hash(2),
					author: Some(HOSPITAL_A),
					supersedes: Some(v1),
				}
				.into(),
			);
			let old = record(v1);
			assert_eq!(old.superseded_by, Some(v2));
			assert_eq!(old.content_hash, hash(1));
			assert_eq!(old.locator, Some(loc(b"fhir://doc")));
			let new = record(v2);
			assert_eq!(new.supersedes, Some(v1));
			assert_eq!(new.superseded_by, None);
			assert_eq!(new.anchored_at, START + 1_000);
			assert_eq!(new.block, 2);
			let v3 = anchor(DOCTOR_A, ALICE, LabResults, hash(3), Some(v2));
			assert_eq!(record(v2).superseded_by, Some(v3));
			assert_eq!(RecordCount::<Test>::get(ALICE), 3);
		});
	}

	#[test]
	fn works_for_the_patients_own_uploads() {
		ExtBuilder::default().build_and_execute(|| {
			let v1 = anchor(ALICE, ALICE, Other, hash(1), None);
			let v2 = anchor(ALICE, ALICE, Other, hash(2), Some(v1));
			assert_eq!(record(v1).superseded_by, Some(v2));
		});
	}

	#[test]
	fn an_old_version_can_still_be_sealed() {
		ExtBuilder::default().build_and_execute(|| {
			let v1 = anchor(ALICE, ALICE, Other, hash(1), None);
			let v2 = anchor(ALICE, ALICE, Other, hash(2), Some(v1));
			assert_ok!(HealthRecords::seal_record(signed(ALICE), v1));
			assert!(record(v1).is_sealed());
			assert_eq!(record(v1).superseded_by, Some(v2));
		});
	}

	#[test]
	fn fails_for_an_unknown_record() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				HealthRecords::anchor_record(
					signed(ALICE),
					ALICE,
					Other,
					hash(2),
					loc(b"x"),
					Some(hash(77))
				),
				Error::<Test>::UnknownRecord
			);
		});
	}

	#[test]
	fn fails_for_another_patients_record() {
		ExtBuilder::default().build_and_execute(|| {
			let bobs = anchor(BOB, BOB, Other, hash(1), None);
			assert_noop!(
				HealthRecords::anchor_record(
					signed(ALICE),
					ALICE,
					Other,
					hash(2),
					loc(b"x"),
					Some(bobs)
				),
				Error::<Test>::RecordPatientMismatch
			);
		});
	}

	#[test]
	fn fails_for_an_already_superseded_record() {
		ExtBuilder::default().build_and_execute(|| {
			let v1 = anchor(ALICE, ALICE, Other, hash(1), None);
			anchor(ALICE, ALICE, Other, hash(2), Some(v1));
			assert_noop!(
				HealthRecords::anchor_record(
					signed(ALICE),
					ALICE,
					Other,
					hash(3),
					loc(b"x"),
					Some(v1)
				),
				Error::<Test>::AlreadySuperseded
			);
		});
	}

	#[test]
	fn fails_for_a_sealed_record() {
		ExtBuilder::default().build_and_execute(|| {
			grant_write(HOSPITAL_A, &[LabResults]);
			let v1 = anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
			assert_ok!(HealthRecords::seal_record(signed(ALICE), v1));
			assert_noop!(
				HealthRecords::anchor_record(
					signed(DOCTOR_A),
					ALICE,
					LabResults,
					hash(2),
					loc(b"x"),
					Some(v1)
				),
				Error::<Test>::SealedRecord
			);
			// A new, unlinked record is fine.
			anchor(DOCTOR_A, ALICE, LabResults, hash(2), None);
		});
	}

	#[test]
	fn fails_for_another_category() {
		ExtBuilder::default().build_and_execute(|| {
			grant_write(HOSPITAL_A, &[LabResults, Imaging]);
			let v1 = anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
			assert_noop!(
				HealthRecords::anchor_record(
					signed(DOCTOR_A),
					ALICE,
					Imaging,
					hash(2),
					loc(b"x"),
					Some(v1)
				),
				Error::<Test>::RecordCategoryMismatch
			);
		});
	}

	#[test]
	fn fails_for_another_author() {
		ExtBuilder::default().build_and_execute(|| {
			grant_write(HOSPITAL_A, &[LabResults]);
			grant_write(HOSPITAL_B, &[LabResults]);
			let by_a = anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
			let by_alice = anchor(ALICE, ALICE, LabResults, hash(2), None);
			// Hospital B may write lab results, but not mark Hospital A's record outdated.
			assert_noop!(
				HealthRecords::anchor_record(
					signed(DOCTOR_B),
					ALICE,
					LabResults,
					hash(3),
					loc(b"x"),
					Some(by_a)
				),
				Error::<Test>::NotRecordAuthor
			);
			// Nor may the patient override a clinician's record, or a clinician the
			// patient's upload.
			assert_noop!(
				HealthRecords::anchor_record(
					signed(ALICE),
					ALICE,
					LabResults,
					hash(3),
					loc(b"x"),
					Some(by_a)
				),
				Error::<Test>::NotRecordAuthor
			);
			assert_noop!(
				HealthRecords::anchor_record(
					signed(DOCTOR_A),
					ALICE,
					LabResults,
					hash(3),
					loc(b"x"),
					Some(by_alice)
				),
				Error::<Test>::NotRecordAuthor
			);
		});
	}

	#[test]
	fn still_needs_the_consent() {
		ExtBuilder::default().build_and_execute(|| {
			let consent = grant_write(HOSPITAL_A, &[LabResults]);
			let v1 = anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
			assert_ok!(Consent::revoke_consent(signed(ALICE), consent));
			assert_noop!(
				HealthRecords::anchor_record(
					signed(DOCTOR_A),
					ALICE,
					LabResults,
					hash(2),
					loc(b"x"),
					Some(v1)
				),
				ConsentError::RevokedConsent
			);
		});
	}
}

mod anchor_batch {
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
}

mod seal_record {
	use super::*;

	#[test]
	fn erases_the_locator_and_keeps_the_rest() {
		ExtBuilder::default().build_and_execute(|| {
			grant_write(HOSPITAL_A, &[LabResults]);
			let id = anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
			let before = record(id);
			advance_time(5_000);
			assert_ok!(HealthRecords::seal_record(signed(ALICE), id));
			assert_eq!(
				record(id),
				Record { locator: None, sealed_at: Some(START + 5_000), ..before }
			);
			System::assert_last_event(Event::RecordSealed { record_id: id, patient: ALICE }.into());
			let check = HealthRecords::verify_record(id, hash(1));
			assert!(check.known && check.hash_matches && check.sealed);
			assert_eq!(check.author, Some(HOSPITAL_A));
		});
	}

	#[test]
	fn works_for_a_deregistered_patient() {
		ExtBuilder::default().build_and_execute(|| {
			let id = anchor(ALICE, ALICE, Other, hash(1), None);
			MockPatients::deregister(ALICE);
			assert_ok!(HealthRecords::seal_record(signed(ALICE), id));
		});
	}

	#[test]
	fn requires_signed_origin() {
		ExtBuilder::default().build_and_execute(|| {
			let id = anchor(ALICE, ALICE, Other, hash(1), None);
			assert_noop!(HealthRecords::seal_record(RuntimeOrigin::root(), id), BadOrigin);
		});
	}

	#[test]
	fn fails_for_an_unknown_record() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				HealthRecords::seal_record(signed(ALICE), hash(1)),
				Error::<Test>::UnknownRecord
			);
		});
	}

	#[test]
	fn fails_for_anyone_but_the_patient() {
		ExtBuilder::default().build_and_execute(|| {
			grant_write(HOSPITAL_A, &[LabResults]);
			let id = anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
			for who in [BOB, DOCTOR_A, HOSPITAL_A] {
				assert_noop!(
					HealthRecords::seal_record(signed(who), id),
					Error::<Test>::NotRecordPatient
				);
			}
		});
	}

	#[test]
	fn fails_twice() {
		ExtBuilder::default().build_and_execute(|| {
			let id = anchor(ALICE, ALICE, Other, hash(1), None);
			assert_ok!(HealthRecords::seal_record(signed(ALICE), id));
			assert_noop!(
				HealthRecords::seal_record(signed(ALICE), id),
				Error::<Test>::AlreadySealed
			);
		});
	}
}

mod fees {
	use super::*;

	fn seal_call(record_id: RecordId) -> RuntimeCall {
		RuntimeCall::HealthRecords(crate::Call::seal_record { record_id })
	}

	#[test]
	fn seal_is_feeless_for_the_patient_with_quota() {
		ExtBuilder::default().build_and_execute(|| {
			let id = anchor(ALICE, ALICE, Other, hash(1), None);
			assert!(seal_call(id).is_feeless(&signed(ALICE)));
			assert!(!seal_call(id).is_feeless(&RuntimeOrigin::root()));
			assert_ok!(HealthRecords::seal_record(signed(ALICE), id));
			assert_eq!(MockPatients::free_calls(ALICE), FREE_CALLS - 1);
		});
	}

	#[test]
	fn a_seal_that_would_fail_is_never_feeless() {
		ExtBuilder::default().build_and_execute(|| {
			let id = anchor(ALICE, ALICE, Other, hash(1), None);
			assert!(!seal_call(id).is_feeless(&signed(BOB)));
			assert!(!seal_call(hash(42)).is_feeless(&signed(ALICE)));
			assert_ok!(HealthRecords::seal_record(signed(ALICE), id));
			assert!(!seal_call(id).is_feeless(&signed(ALICE)));
		});
	}

	#[test]
	fn a_patient_without_quota_pays_and_uses_no_quota() {
		ExtBuilder::default().build_and_execute(|| {
			let id = anchor(POOR, POOR, Other, hash(1), None);
			assert!(!seal_call(id).is_feeless(&signed(POOR)));
			assert_ok!(HealthRecords::seal_record(signed(POOR), id));
			assert_eq!(MockPatients::free_calls(POOR), 0);
		});
	}

	#[test]
	fn a_deregistered_patient_pays_to_seal_but_erasure_needs_no_seal() {
		ExtBuilder::default().build_and_execute(|| {
			let id = anchor(ALICE, ALICE, Other, hash(1), None);
			MockPatients::deregister(ALICE);
			assert!(!seal_call(id).is_feeless(&signed(ALICE)));
			// Erasure is what a deregistered patient needs, and it is fee-less.
			let erase = crate::Call::<Test>::erase_records { patient: ALICE };
			assert!(erase.is_feeless(&signed(ALICE)));
		});
	}
}

mod erasure {
	use super::*;
	use medchain_primitives::PatientErasure;

	fn deregister(patient: AccountId) {
		MockPatients::deregister(patient);
		<HealthRecords as PatientErasure<AccountId>>::on_patient_deregistered(&patient);
	}

	fn locators(patient: AccountId) -> Vec<Option<Vec<u8>>> {
		HealthRecords::records_of(&patient, 0, u32::MAX)
			.into_iter()
			.map(|(_, r)| r.locator)
			.collect()
	}

	#[test]
	fn deregistration_seals_the_first_step_at_once_and_hides_every_locator() {
		ExtBuilder::default().build_and_execute(|| {
			grant_write(HOSPITAL_A, &[LabResults]);
			let mut ids = vec![];
			for n in 0..MAX_RECORDS {
				ids.push(anchor(DOCTOR_A, ALICE, LabResults, hash(n as u8 + 1), None));
			}
			ids.push(anchor(ALICE, ALICE, Other, hash(50), None));
			let bob = anchor(BOB, BOB, Other, hash(60), None);
			deregister(ALICE);
			System::assert_last_event(
				Event::RecordsErased {
					patient: ALICE,
					sealed: MAX_ERASED,
					remaining: MAX_RECORDS + 1 - MAX_ERASED,
				}
				.into(),
			);
			// State: the first step's records are sealed ...
			for id in &ids[..MAX_ERASED as usize] {
				assert!(record(*id).is_sealed() && record(*id).locator.is_none());
			}
			assert!(record(ids[MAX_ERASED as usize]).locator.is_some());
			// ... and no query shows a locator of the erased patient any more.
			assert!(locators(ALICE).iter().all(Option::is_none));
			for id in &ids {
				assert!(HealthRecords::verify_record(*id, hash(1)).sealed);
				assert!(HealthRecords::record_history(*id)
					.iter()
					.all(|(_, r)| r.locator.is_none()));
			}
			// Hashes still verify; other patients are untouched.
			assert!(HealthRecords::verify_record(ids[0], hash(1)).hash_matches);
			assert!(record(bob).locator.is_some());
		});
	}

	#[test]
	fn anyone_finishes_the_erasure_and_it_is_fee_less_for_the_patient() {
		ExtBuilder::default().build_and_execute(|| {
			grant_write(HOSPITAL_A, &[LabResults]);
			for n in 0..MAX_RECORDS {
				anchor(DOCTOR_A, ALICE, LabResults, hash(n as u8 + 1), None);
			}
			let sealed_first = anchor(ALICE, ALICE, Other, hash(50), None);
			assert_ok!(HealthRecords::seal_record(signed(ALICE), sealed_first));
			deregister(ALICE);
			let erase = crate::Call::<Test>::erase_records { patient: ALICE };
			assert!(erase.is_feeless(&signed(ALICE)));
			assert!(!erase.is_feeless(&signed(OUTSIDER)));
			// A second step by anyone seals the rest; an already-sealed record is not counted.
			assert_ok!(HealthRecords::erase_records(signed(OUTSIDER), ALICE));
			System::assert_last_event(
				Event::RecordsErased {
					patient: ALICE,
					sealed: MAX_RECORDS - MAX_ERASED,
					remaining: 0,
				}
				.into(),
			);
			assert_eq!(ErasedUpTo::<Test>::get(ALICE), MAX_RECORDS + 1);
			assert!(HealthRecords::records_of(&ALICE, 0, 100)
				.iter()
				.all(|(id, _)| record(*id).is_sealed()));
			// Nothing is left to do: no more fee-less calls.
			assert!(!erase.is_feeless(&signed(ALICE)));
			assert_noop!(
				HealthRecords::erase_records(signed(ALICE), ALICE),
				Error::<Test>::ErasureComplete
			);
		});
	}

	#[test]
	fn only_a_deregistered_patient_is_erased() {
		ExtBuilder::default().build_and_execute(|| {
			anchor(ALICE, ALICE, Other, hash(1), None);
			let erase = crate::Call::<Test>::erase_records { patient: ALICE };
			assert!(!erase.is_feeless(&signed(ALICE)));
			assert_noop!(
				HealthRecords::erase_records(signed(OUTSIDER), ALICE),
				Error::<Test>::PatientNotDeregistered
			);
			assert_noop!(
				HealthRecords::erase_records(RuntimeOrigin::none(), ALICE),
				sp_runtime::DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn a_patient_without_records_is_erased_at_once() {
		ExtBuilder::default().build_and_execute(|| {
			deregister(ALICE);
			System::assert_last_event(
				Event::RecordsErased { patient: ALICE, sealed: 0, remaining: 0 }.into(),
			);
			assert_noop!(
				HealthRecords::erase_records(signed(ALICE), ALICE),
				Error::<Test>::ErasureComplete
			);
		});
	}

	#[test]
	fn record_registry_names_patient_and_category() {
		ExtBuilder::default().build_and_execute(|| {
			use medchain_primitives::RecordRegistry;
			let id = anchor(ALICE, ALICE, Imaging, hash(1), None);
			assert_eq!(
				<HealthRecords as RecordRegistry<AccountId, RecordId>>::record_subject(&id),
				Some((ALICE, Imaging))
			);
			assert_eq!(
				<HealthRecords as RecordRegistry<AccountId, RecordId>>::record_subject(&hash(9)),
				None
			);
		});
	}
}

mod merkle {
	use super::*;

	/// The tree of the crate docs, written from the documented rules only (not with the
	/// crate): leaves hashed once, pairs hashed in order, odd last node promoted.
	fn reference_root(leaves: &[H256]) -> H256 {
		let mut row: Vec<[u8; 32]> = leaves.iter().map(|d| blake2_256(d.as_bytes())).collect();
		if row.is_empty() {
			return H256::zero();
		}
		while row.len() > 1 {
			row = row
				.chunks(2)
				.map(|pair| match pair {
					[left, right] => blake2_256(&[&left[..], &right[..]].concat()),
					[last] => *last,
					_ => unreachable!("chunks of two"),
				})
				.collect();
		}
		H256(row[0])
	}

	/// The verification walk of the crate docs (rule 5), written from the docs only.
	fn reference_verify(root: H256, leaf: H256, proof: &[H256], n: u32, index: u32) -> bool {
		if index >= n {
			return false;
		}
		let (mut pos, mut width, mut acc, mut k) = (index, n, blake2_256(leaf.as_bytes()), 0);
		while width > 1 {
			if pos % 2 == 1 {
				let Some(sibling) = proof.get(k) else { return false };
				acc = blake2_256(&[sibling.as_bytes(), &acc[..]].concat());
				k += 1;
			} else if pos + 1 < width {
				let Some(sibling) = proof.get(k) else { return false };
				acc = blake2_256(&[&acc[..], sibling.as_bytes()].concat());
				k += 1;
			}
			pos /= 2;
			width = width.div_ceil(2);
		}
		k == proof.len() && H256(acc) == root
	}

	#[test]
	fn expected_proof_lengths() {
		assert_eq!(expected_proof_len(1, 0), 0);
		assert_eq!(expected_proof_len(2, 0), 1);
		assert_eq!(expected_proof_len(3, 0), 2);
		assert_eq!(expected_proof_len(3, 2), 1);
		assert_eq!(expected_proof_len(5, 4), 1);
		assert_eq!(expected_proof_len(6, 4), 2);
		assert_eq!(expected_proof_len(8, 7), 3);
		assert_eq!(expected_proof_len(9, 8), 1);
		assert_eq!(expected_proof_len(9, 9), 0);
		assert_eq!(expected_proof_len(u32::MAX, 0), 32);
		assert_eq!(expected_proof_len(1_000_000, 0), 20);
		// The last leaf is promoted at 8 of the 20 levels: no sibling there.
		assert_eq!(expected_proof_len(1_000_000, 999_999), 12);
		assert!(expected_proof_len(u32::MAX, u32::MAX - 1) <= MAX_PROOF_ITEMS);
	}

	#[test]
	fn crate_and_documented_rules_agree_for_every_shape() {
		for n in 1..=40u32 {
			let leaves = docs(n);
			let root = crate::merkle_root(&leaves);
			assert_eq!(root, reference_root(&leaves), "root of {n} leaves");
			for index in 0..n {
				let proof = proof_of(&leaves, index);
				assert_eq!(proof.len() as u32, expected_proof_len(n, index), "n={n} i={index}");
				assert!(reference_verify(root, leaves[index as usize], &proof, n, index));
			}
		}
		// One leaf: the root is the hashed leaf.
		let one = docs(1);
		assert_eq!(crate::merkle_root(&one), H256(blake2_256(one[0].as_bytes())));
	}

	#[test]
	fn every_leaf_of_anchored_batches_verifies() {
		ExtBuilder::default().build_and_execute(|| {
			for n in [1u32, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 100] {
				let leaves = docs(n);
				let batch = anchor_tree(&leaves);
				for index in 0..n {
					let proof = proof_of(&leaves, index);
					assert!(
						HealthRecords::verify_inclusion(
							batch,
							leaves[index as usize],
							proof,
							index
						),
						"n={n} i={index}"
					);
				}
			}
		});
	}

	#[test]
	fn bad_proofs_are_rejected_with_a_reason() {
		ExtBuilder::default().build_and_execute(|| {
			let leaves = docs(6);
			let batch = anchor_tree(&leaves);
			let other = anchor_tree(&docs(7)[1..]);
			let proof = proof_of(&leaves, 4);
			let check = |batch, leaf, proof: &[H256], index| {
				HealthRecords::check_inclusion(batch, leaf, proof, index)
			};
			assert_eq!(check(batch, leaves[4], &proof, 4), Ok(()));
			// Wrong leaf.
			assert_eq!(check(batch, leaves[3], &proof, 4), Err(InclusionError::RootMismatch));
			assert_eq!(check(batch, hash(1), &proof, 4), Err(InclusionError::RootMismatch));
			// Wrong index (same proof length, other position).
			assert_eq!(check(batch, leaves[4], &proof, 5), Err(InclusionError::RootMismatch));
			assert_eq!(check(batch, leaves[4], &proof, 0), Err(InclusionError::WrongProofLength));
			// Wrong root (another batch of six).
			assert_eq!(check(other, leaves[4], &proof, 4), Err(InclusionError::RootMismatch));
			// A tampered sibling.
			let mut tampered = proof.clone();
			tampered[0] = hash(7);
			assert_eq!(check(batch, leaves[4], &tampered, 4), Err(InclusionError::RootMismatch));
			// Unknown batch, index out of range.
			assert_eq!(check(99, leaves[4], &proof, 4), Err(InclusionError::UnknownBatch));
			assert_eq!(
				check(batch, leaves[4], &proof, 6),
				Err(InclusionError::LeafIndexOutOfRange)
			);
			// Too short, too long, far too long.
			assert_eq!(
				check(batch, leaves[4], &proof[..1], 4),
				Err(InclusionError::WrongProofLength)
			);
			let mut longer = proof.clone();
			longer.push(hash(8));
			assert_eq!(check(batch, leaves[4], &longer, 4), Err(InclusionError::WrongProofLength));
			let huge = vec![hash(8); MAX_PROOF_ITEMS as usize + 1];
			assert_eq!(check(batch, leaves[4], &huge, 4), Err(InclusionError::ProofTooLong));
			assert!(!HealthRecords::verify_inclusion(batch, leaves[4], huge, 4));
			assert!(!HealthRecords::verify_inclusion(batch, leaves[3], proof.clone(), 4));
			assert!(!HealthRecords::verify_inclusion(99, leaves[4], proof, 4));
		});
	}

	#[test]
	fn an_inner_node_is_not_a_leaf() {
		ExtBuilder::default().build_and_execute(|| {
			let leaves = docs(4);
			let batch = anchor_tree(&leaves);
			let l: Vec<[u8; 32]> = leaves.iter().map(|d| blake2_256(d.as_bytes())).collect();
			let n01 = H256(blake2_256(&[&l[0][..], &l[1][..]].concat()));
			let n23 = H256(blake2_256(&[&l[2][..], &l[3][..]].concat()));
			// The crate alone accepts an inner node given as a *hash* with a short proof ...
			let root = crate::merkle_root(&leaves);
			assert!(binary_merkle_tree::verify_proof::<BlakeTwo256, _, _>(
				&root,
				vec![n23],
				4,
				0,
				binary_merkle_tree::Leaf::Hash(n01),
			));
			// ... the pallet hashes the leaf value and demands the exact proof length.
			assert_eq!(
				HealthRecords::check_inclusion(batch, n01, &[n23], 0),
				Err(InclusionError::WrongProofLength)
			);
			assert_eq!(
				HealthRecords::check_inclusion(batch, n01, &[n23, n23], 0),
				Err(InclusionError::RootMismatch)
			);
		});
	}

	#[test]
	fn a_large_batch_verifies() {
		ExtBuilder::default().build_and_execute(|| {
			let leaves = docs(5_000);
			let batch = anchor_tree(&leaves);
			for index in [0u32, 1, 2_047, 2_048, 4_095, 4_096, 4_999] {
				let proof = proof_of(&leaves, index);
				assert!(HealthRecords::verify_inclusion(
					batch,
					leaves[index as usize],
					proof,
					index
				));
			}
		});
	}
}

mod queries {
	use super::*;

	#[test]
	fn verify_record_statuses() {
		ExtBuilder::default().build_and_execute(|| {
			grant_write(HOSPITAL_A, &[LabResults]);
			// Unknown.
			assert_eq!(
				HealthRecords::verify_record(hash(9), hash(1)),
				RecordVerification::unknown()
			);
			let v1 = anchor(DOCTOR_A, ALICE, LabResults, hash(1), None);
			// Current, matching.
			let current = HealthRecords::verify_record(v1, hash(1));
			assert_eq!(
				current,
				RecordVerification {
					known: true,
					hash_matches: true,
					sealed: false,
					superseded_by: None,
					latest: Some(v1),
					category: Some(LabResults),
					author: Some(HOSPITAL_A),
					anchored_by: Some(DOCTOR_A),
					anchored_at: Some(START),
				}
			);
			assert!(current.is_current_match());
			// Hash mismatch.
			let mismatch = HealthRecords::verify_record(v1, hash(2));
			assert!(mismatch.known && !mismatch.hash_matches && !mismatch.is_current_match());
			// Superseded: the hash still matches, the newest version is named.
			let v2 = anchor(DOCTOR_A, ALICE, LabResults, hash(2), Some(v1));
			let v3 = anchor(DOCTOR_A, ALICE, LabResults, hash(3), Some(v2));
			let old = HealthRecords::verify_record(v1, hash(1));
			assert!(old.hash_matches && !old.is_current_match());
			assert_eq!(old.superseded_by, Some(v2));
			assert_eq!(old.latest, Some(v3));
			assert_eq!(HealthRecords::verify_record(v3, hash(3)).latest, Some(v3));
			// Sealed: still verifiable.
			assert_ok!(HealthRecords::seal_record(signed(ALICE), v3));
			let sealed = HealthRecords::verify_record(v3, hash(3));
			assert!(sealed.sealed && sealed.hash_matches && sealed.is_current_match());
			assert!(!HealthRecords::verify_record(v3, hash(4)).hash_matches);
		});
	}

	#[test]
	fn record_history_runs_oldest_to_newest_from_any_version() {
		ExtBuilder::default().build_and_execute(|| {
			let v1 = anchor(ALICE, ALICE, Other, hash(1), None);
			let unrelated = anchor(ALICE, ALICE, Other, hash(9), None);
			let v2 = anchor(ALICE, ALICE, Other, hash(2), Some(v1));
			let v3 = anchor(ALICE, ALICE, Other, hash(3), Some(v2));
			for from in [v1, v2, v3] {
				let ids: Vec<RecordId> =
					HealthRecords::record_history(from).into_iter().map(|(id, _)| id).collect();
				assert_eq!(ids, vec![v1, v2, v3]);
			}
			let history = HealthRecords::record_history(v2);
			let hashes: Vec<H256> = history.iter().map(|(_, r)| r.content_hash).collect();
			assert_eq!(hashes, vec![hash(1), hash(2), hash(3)]);
			assert_eq!(history[0].1.locator, Some(b"fhir://doc".to_vec()));
			let single: Vec<RecordId> =
				HealthRecords::record_history(unrelated).into_iter().map(|(id, _)| id).collect();
			assert_eq!(single, vec![unrelated]);
			assert!(HealthRecords::record_history(hash(77)).is_empty());
		});
	}

	#[test]
	fn records_of_in_anchoring_order_with_sealed_locators_gone() {
		ExtBuilder::default().build_and_execute(|| {
			assert!(HealthRecords::records_of(&ALICE, 0, 10).is_empty());
			let a = anchor(ALICE, ALICE, Other, hash(1), None);
			let b = anchor(ALICE, ALICE, Imaging, hash(2), None);
			anchor(BOB, BOB, Other, hash(3), None);
			assert_ok!(HealthRecords::seal_record(signed(ALICE), a));
			let records = HealthRecords::records_of(&ALICE, 0, 10);
			assert_eq!(records.iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![a, b]);
			// Pages: from a position, at most `limit`.
			let second: Vec<RecordId> =
				HealthRecords::records_of(&ALICE, 1, 10).into_iter().map(|(id, _)| id).collect();
			assert_eq!(second, vec![b]);
			assert_eq!(HealthRecords::records_of(&ALICE, 0, 1).len(), 1);
			assert!(HealthRecords::records_of(&ALICE, 2, 10).is_empty());
			assert_eq!(records[0].1.locator, None);
			assert_eq!(records[0].1.sealed_at, Some(START));
			assert_eq!(records[1].1.locator, Some(b"fhir://doc".to_vec()));
			assert_eq!(HealthRecords::records_of(&BOB, 0, 10).len(), 1);
		});
	}

	#[test]
	fn authors_of_lists_each_authoring_organization_once_without_the_patient() {
		ExtBuilder::default().build_and_execute(|| {
			assert!(HealthRecords::authors_of(&ALICE).is_empty());
			// The patient's own upload has no organization.
			anchor(ALICE, ALICE, Other, hash(1), None);
			assert!(HealthRecords::authors_of(&ALICE).is_empty());
			grant_write(HOSPITAL_A, &[LabResults]);
			grant_write(HOSPITAL_B, &[LabResults]);
			let v1 = anchor(DOCTOR_A, ALICE, LabResults, hash(2), None);
			anchor(HOSPITAL_A, ALICE, LabResults, hash(3), Some(v1));
			anchor(DOCTOR_B, ALICE, LabResults, hash(4), None);
			// A sealed record still names its author.
			assert_ok!(HealthRecords::seal_record(signed(ALICE), v1));
			let mut authors = HealthRecords::authors_of(&ALICE);
			authors.sort();
			assert_eq!(authors, vec![HOSPITAL_A, HOSPITAL_B]);
			// Another patient's records are not Alice's.
			assert!(HealthRecords::authors_of(&BOB).is_empty());
		});
	}

	#[test]
	fn batch_query() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(HealthRecords::batch(0), None);
			let id = anchor_batch_root(hash(5), 10);
			let batch = HealthRecords::batch(id).expect("batch stored");
			assert_eq!((batch.root, batch.leaf_count, batch.author), (hash(5), 10, HOSPITAL_A));
		});
	}
}

mod invariants {
	use super::*;

	#[test]
	fn try_state_detects_a_broken_link() {
		ExtBuilder::default().build().execute_with(|| {
			let v1 = anchor(ALICE, ALICE, Other, hash(1), None);
			anchor(ALICE, ALICE, Other, hash(2), Some(v1));
			assert_ok!(HealthRecords::do_try_state());
			Records::<Test>::mutate(v1, |r| {
				if let Some(r) = r {
					r.superseded_by = None;
				}
			});
			assert!(HealthRecords::do_try_state().is_err());
		});
	}

	#[test]
	fn try_state_detects_an_orphan_record() {
		ExtBuilder::default().build().execute_with(|| {
			let id = anchor(ALICE, ALICE, Other, hash(1), None);
			Records::<Test>::insert(hash(50), record(id));
			assert!(HealthRecords::do_try_state().is_err());
		});
	}

	#[test]
	fn try_state_detects_a_sealed_record_with_a_locator() {
		ExtBuilder::default().build().execute_with(|| {
			let id = anchor(ALICE, ALICE, Other, hash(1), None);
			Records::<Test>::mutate(id, |r| {
				if let Some(r) = r {
					r.sealed_at = Some(START);
				}
			});
			assert!(HealthRecords::do_try_state().is_err());
		});
	}

	#[test]
	fn try_state_detects_a_bad_batch() {
		ExtBuilder::default().build().execute_with(|| {
			anchor_batch_root(hash(1), 1);
			NextBatchId::<Test>::put(0);
			assert!(HealthRecords::do_try_state().is_err());
		});
	}
}

/// The test vectors shared with the JS client tooling (`tests/vectors/`), checked with the
/// runtime's own functions.
mod shared_vectors {
	use super::*;
	use serde_json::Value;

	const MERKLE: &str = include_str!("../../../tests/vectors/merkle.json");
	const CONTENT_HASH: &str = include_str!("../../../tests/vectors/content-hash.json");

	fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
		value[key].as_str().unwrap_or_else(|| panic!("string field {key}"))
	}

	/// JSON equality with numbers compared as `f64` (so `0`, `-0` and `0.0` agree).
	fn same_json(a: &Value, b: &Value) -> bool {
		match (a, b) {
			(Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
			(Value::Array(x), Value::Array(y)) => {
				x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
			}
			(Value::Object(x), Value::Object(y)) => {
				x.len() == y.len()
					&& x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
			}
			_ => a == b,
		}
	}

	#[test]
	fn merkle_vectors_hold_in_the_runtime() {
		let vectors: Value = serde_json::from_str(MERKLE).expect("merkle.json parses");
		assert_eq!(str_of(&vectors, "hasher"), "blake2-256");
		let cases = vectors["cases"].as_array().expect("cases");
		assert!(!cases.is_empty());
		ExtBuilder::default().build_and_execute(|| {
			let mut proofs_checked = 0;
			for case in cases {
				let leaves: Vec<H256> = case["leaves"]
					.as_array()
					.expect("leaves")
					.iter()
					.map(|l| h256(l.as_str().expect("leaf hex")))
					.collect();
				let root = h256(str_of(case, "root"));
				assert_eq!(crate::merkle_root(&leaves), root, "root of {} leaves", leaves.len());
				let batch = anchor_batch_root(root, leaves.len() as u32);
				for p in case["proofs"].as_array().expect("proofs") {
					let index = p["leaf_index"].as_u64().expect("leaf_index") as u32;
					let leaf = h256(str_of(p, "leaf"));
					assert_eq!(leaf, leaves[index as usize]);
					let proof: Vec<H256> = p["proof"]
						.as_array()
						.expect("proof")
						.iter()
						.map(|h| h256(h.as_str().expect("proof hex")))
						.collect();
					assert_eq!(
						proof,
						proof_of(&leaves, index),
						"proof n={} i={index}",
						leaves.len()
					);
					assert!(HealthRecords::verify_inclusion(batch, leaf, proof, index));
					proofs_checked += 1;
				}
			}
			assert!(proofs_checked > 0);
		});
	}

	#[test]
	fn content_hash_vectors_hold() {
		let vectors: Value = serde_json::from_str(CONTENT_HASH).expect("content-hash.json parses");
		let cases = vectors["cases"].as_array().expect("cases");
		assert!(!cases.is_empty());
		for case in cases {
			let canonical = str_of(case, "canonical");
			let salt = unhex(str_of(case, "salt"));
			assert_eq!(salt.len(), 32, "32-byte salt");
			let preimage = [&salt[..], canonical.as_bytes()].concat();
			assert_eq!(
				H256(blake2_256(&preimage)),
				h256(str_of(case, "content_hash")),
				"content hash of {canonical}"
			);
			// The canonical string is the resource (same JSON value).
			let reparsed: Value = serde_json::from_str(canonical).expect("canonical is JSON");
			assert!(same_json(&reparsed, &case["resource"]), "canonical form of {canonical}");
		}
	}

	/// Prints vectors in the shared format from the Rust side (not needed while the JS
	/// tooling writes them; kept to regenerate or cross-check):
	/// `cargo test -p pallet-health-records -- --ignored --nocapture print_merkle_vectors`.
	#[test]
	#[ignore]
	fn print_merkle_vectors() {
		let cases: Vec<Value> = [1u32, 2, 3, 5, 8, 9]
			.iter()
			.map(|&n| {
				let leaves = docs(n);
				let proofs: Vec<Value> = (0..n)
					.map(|i| {
						serde_json::json!({
							"leaf_index": i,
							"leaf": hex(leaves[i as usize].as_bytes()),
							"proof": proof_of(&leaves, i).iter().map(|h| hex(h.as_bytes())).collect::<Vec<_>>(),
						})
					})
					.collect();
				serde_json::json!({
					"leaves": leaves.iter().map(|h| hex(h.as_bytes())).collect::<Vec<_>>(),
					"root": hex(crate::merkle_root(&leaves).as_bytes()),
					"proofs": proofs,
				})
			})
			.collect();
		let out = serde_json::json!({ "hasher": "blake2-256", "cases": cases });
		println!("{}", serde_json::to_string_pretty(&out).expect("serializes"));
	}
}
