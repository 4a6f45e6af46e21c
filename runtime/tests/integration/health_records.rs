//! EHR anchoring inside the real runtime, across Consortium, PatientIdentity, Consent and
//! HealthRecords: the whole story of one record (consent → anchor → new version → verify →
//! another hospital reads → the patient seals), guardians sealing through a proxy, batches
//! proven through the runtime API's functions, and erasure refusing new anchors.

use frame_support::{assert_noop, assert_ok};
use medchain_primitives::{Categories, Purpose, RecordCategory};
use medchain_runtime::{
	AccountId, HealthRecords, ProxyType, Runtime, RuntimeCall, RuntimeEvent, System, UNIT,
};
use medchain_runtime_test_support::*;
use pallet_consent::{Access, Scope};
use pallet_health_records::{merkle_root, RecordId};
use sp_core::H256;
use sp_keyring::Sr25519Keyring::*;

type RecordsError = pallet_health_records::Error<Runtime>;
type ConsentError = pallet_consent::Error<Runtime>;

const LABS: RecordCategory = RecordCategory::LabResults;

/// A document's salted content hash, formed as the client tooling forms it:
/// blake2_256(salt ++ canonical JSON).
fn content_hash(salt: &[u8; 32], canonical: &str) -> H256 {
	H256(sp_io::hashing::blake2_256(&[salt.as_slice(), canonical.as_bytes()].concat()))
}

fn onboard(patient: &AccountId) {
	assert_ok!(dispatch(
		&account(Alice),
		RuntimeCall::PatientIdentity(IdentityCall::onboard_patient {
			patient: patient.clone(),
			identity_commitment: pallet_patient_identity::identity_commitment(
				b"front-desk salt",
				b"passport 987",
			),
		})
	));
}

fn grant(patient: &AccountId, grantee: &AccountId, access: Access) -> u64 {
	submit_ok(
		patient,
		RuntimeCall::Consent(ConsentCall::grant_consent {
			grantee: grantee.clone(),
			scope: Scope { categories: Categories::only(LABS), access },
			purpose: Purpose::Treatment,
			expires_at: None,
		}),
	);
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Consent(pallet_consent::Event::ConsentGranted { consent_id, .. }) => {
				Some(consent_id)
			}
			_ => None,
		})
		.expect("a consent was granted")
}

fn anchor_call(
	patient: &AccountId,
	content_hash: H256,
	locator: &str,
	supersedes: Option<RecordId>,
) -> RuntimeCall {
	RuntimeCall::HealthRecords(RecordsCall::anchor_record {
		patient: patient.clone(),
		category: LABS,
		content_hash,
		locator: opaque_locator(locator).try_into().expect("short locator"),
		supersedes,
	})
}

/// Anchor as `who` and return the new record's id (from the event).
fn anchor(
	who: &AccountId,
	patient: &AccountId,
	content_hash: H256,
	locator: &str,
	supersedes: Option<RecordId>,
) -> RecordId {
	assert_ok!(dispatch(who, anchor_call(patient, content_hash, locator, supersedes)));
	match last_event() {
		RuntimeEvent::HealthRecords(pallet_health_records::Event::RecordAnchored {
			record_id,
			..
		}) => record_id,
		other => panic!("expected RecordAnchored, got {other:?}"),
	}
}

#[test]
fn the_story_of_one_lab_report() {
	new_test_ext().execute_with(|| {
		let hospital_a = account(Alice);
		let hospital_b = second_hospital();
		let patient = fresh("Patient");
		onboard(&patient);

		// Without consent hospital A cannot anchor.
		let v1_hash =
			content_hash(&[1; 32], r#"{"resourceType":"DiagnosticReport","status":"preliminary"}"#);
		assert_noop!(
			dispatch(&hospital_a, anchor_call(&patient, v1_hash, "fhir/DiagnosticReport/1", None)),
			ConsentError::NoConsent
		);

		// The patient lets hospital A write lab results; A anchors v1, then v2 over it.
		grant(&patient, &hospital_a, Access::WRITE);
		let v1 = anchor(&hospital_a, &patient, v1_hash, "fhir/DiagnosticReport/1/_history/1", None);
		next_block();
		let v2_hash =
			content_hash(&[2; 32], r#"{"resourceType":"DiagnosticReport","status":"final"}"#);
		let v2 =
			anchor(&hospital_a, &patient, v2_hash, "fhir/DiagnosticReport/1/_history/2", Some(v1));
		assert_ne!(v1, v2);

		// A copy of v1 still verifies as what A wrote, but is marked superseded by v2.
		let check_v1 = HealthRecords::verify_record(v1, v1_hash);
		assert!(check_v1.known && check_v1.hash_matches);
		assert_eq!(check_v1.superseded_by, Some(v2));
		assert_eq!(check_v1.latest, Some(v2));
		assert_eq!(check_v1.author, Some(hospital_a.clone()));
		assert!(!check_v1.is_current_match());
		// A tampered copy does not match.
		assert!(!HealthRecords::verify_record(v1, v2_hash).hash_matches);
		let check_v2 = HealthRecords::verify_record(v2, v2_hash);
		assert!(check_v2.is_current_match());
		assert_eq!(
			HealthRecords::record_history(v2).iter().map(|(id, _)| *id).collect::<Vec<_>>(),
			vec![v1, v2]
		);

		// Hospital B may not anchor (no consent), but the patient lets it read; its read is
		// logged in the patient's access log.
		assert_noop!(
			dispatch(&hospital_b, anchor_call(&patient, v2_hash, "copy", None)),
			ConsentError::NoConsent
		);
		let read_consent = grant(&patient, &hospital_b, Access::READ);
		assert_ok!(dispatch(
			&hospital_b,
			RuntimeCall::Consent(ConsentCall::log_access {
				patient: patient.clone(),
				consent_id: read_consent,
				record_id: v2,
				category: LABS,
			})
		));
		let log = pallet_consent::Pallet::<Runtime>::access_log(&patient);
		assert_eq!(log.len(), 1);
		assert_eq!(log[0].accessor, hospital_b);
		assert_eq!(log[0].record_id, v2);
		// Reading is not writing: B still cannot anchor with a read consent.
		assert_noop!(
			dispatch(&hospital_b, anchor_call(&patient, v2_hash, "copy", None)),
			ConsentError::WriteNotGranted
		);

		// The patient seals v2: the locator is gone, the hash still proves B's copy.
		next_block();
		submit_ok(&patient, RuntimeCall::HealthRecords(RecordsCall::seal_record { record_id: v2 }));
		let sealed = HealthRecords::verify_record(v2, v2_hash);
		assert!(sealed.known && sealed.hash_matches && sealed.sealed);
		assert_eq!(sealed.author, Some(hospital_a.clone()));
		let records = HealthRecords::records_of(&patient, 0, 256);
		assert_eq!(records.len(), 2);
		assert_eq!(records[1].0, v2);
		assert_eq!(records[1].1.locator, None);
		assert!(records[0].1.locator.is_some(), "only v2 was sealed");
		// A sealed record cannot be sealed again, nor superseded.
		// (A rule check: as an extrinsic, the zero-balance patient's failing call would not
		// be fee-less and could not even be included.)
		assert_noop!(
			dispatch(
				&patient,
				RuntimeCall::HealthRecords(RecordsCall::seal_record { record_id: v2 })
			),
			RecordsError::AlreadySealed
		);
	});
}

#[test]
fn a_guardian_can_seal_a_record_but_not_anchor_in_the_patients_name() {
	new_test_ext().execute_with(|| {
		let minor = fresh("Minor");
		let parent = fresh("Parent");
		for who in [&minor, &parent] {
			assert_ok!(dispatch(
				&account(Alice),
				RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
					dest: who.clone().into(),
					value: 10 * UNIT,
				})
			));
		}
		onboard(&minor);
		submit_ok(
			&minor,
			RuntimeCall::Proxy(pallet_proxy::Call::add_proxy {
				delegate: parent.clone().into(),
				proxy_type: ProxyType::Guardian,
				delay: 0,
			}),
		);
		let as_minor = |call: RuntimeCall| {
			RuntimeCall::Proxy(pallet_proxy::Call::proxy {
				real: minor.clone().into(),
				force_proxy_type: None,
				call: Box::new(call),
			})
		};
		grant(&minor, &account(Alice), Access::WRITE);
		let hash = content_hash(&[7; 32], r#"{"resourceType":"Observation"}"#);
		let record = anchor(&account(Alice), &minor, hash, "fhir/Observation/7", None);

		// A patient may anchor their own upload, but a guardian may not do it for them.
		submit_ok(&parent, as_minor(anchor_call(&minor, hash, "upload", None)));
		assert_eq!(proxy_result(), Err(frame_system::Error::<Runtime>::CallFiltered.into()));

		submit_ok(
			&parent,
			as_minor(RuntimeCall::HealthRecords(RecordsCall::seal_record { record_id: record })),
		);
		assert_eq!(proxy_result(), Ok(()));
		assert!(HealthRecords::verify_record(record, hash).sealed);
	});
}

#[test]
fn a_batch_of_documents_is_proven_member_by_member() {
	new_test_ext().execute_with(|| {
		let leaves: Vec<H256> = (0u32..1_000)
			.map(|i| {
				content_hash(&[9; 32], &format!(r#"{{"id":"{i}","resourceType":"Observation"}}"#))
			})
			.collect();
		let root = merkle_root(&leaves);
		assert_ok!(dispatch(
			&account(Alice),
			RuntimeCall::HealthRecords(RecordsCall::anchor_batch {
				category: LABS,
				merkle_root: root,
				leaf_count: leaves.len() as u32,
				patient: None,
			})
		));
		let batch_id = match last_event() {
			RuntimeEvent::HealthRecords(pallet_health_records::Event::BatchAnchored {
				batch_id,
				..
			}) => batch_id,
			other => panic!("expected BatchAnchored, got {other:?}"),
		};
		for index in [0u32, 511, 999] {
			let proof = binary_merkle_tree::merkle_proof::<sp_runtime::traits::BlakeTwo256, _, _>(
				leaves.iter().map(|l| l.as_bytes()),
				index,
			);
			let leaf = leaves[index as usize];
			assert!(HealthRecords::verify_inclusion(batch_id, leaf, proof.proof.clone(), index));
			// The same proof for another document, or at another position, fails.
			let other = leaves[((index + 1) % 1_000) as usize];
			assert!(!HealthRecords::verify_inclusion(batch_id, other, proof.proof.clone(), index));
			assert!(!HealthRecords::verify_inclusion(
				batch_id,
				leaf,
				proof.proof,
				(index + 2) % 1_000
			));
		}
		// A pharmacy is not a Provider: it cannot anchor batches.
		assert_noop!(
			dispatch(
				&account(Bob),
				RuntimeCall::HealthRecords(RecordsCall::anchor_batch {
					category: LABS,
					merkle_root: root,
					leaf_count: 1,
					patient: None,
				})
			),
			pallet_consortium::Error::<Runtime>::MissingRole
		);
		let max: u32 = <Runtime as pallet_health_records::Config>::MaxBatchLeaves::get();
		assert_noop!(
			dispatch(
				&account(Alice),
				RuntimeCall::HealthRecords(RecordsCall::anchor_batch {
					category: LABS,
					merkle_root: root,
					leaf_count: max + 1,
					patient: None,
				})
			),
			RecordsError::TooManyLeaves
		);
	});
}

#[test]
fn a_deregistered_patient_gets_no_new_anchors_and_every_locator_is_erased() {
	new_test_ext().execute_with(|| {
		let patient = fresh("Leaving");
		onboard(&patient);
		grant(&patient, &account(Alice), Access::WRITE);
		let hash = content_hash(&[3; 32], r#"{"resourceType":"Observation","valueQuantity":1}"#);
		let record = anchor(&account(Alice), &patient, hash, "fhir/Observation/3", None);

		submit_ok(&patient, RuntimeCall::PatientIdentity(IdentityCall::deregister {}));
		assert_noop!(
			dispatch(&account(Alice), anchor_call(&patient, hash, "fhir/Observation/4", None)),
			RecordsError::DeregisteredPatient
		);
		// Deregistering sealed what was anchored before; the hash still verifies.
		let check = HealthRecords::verify_record(record, hash);
		assert!(check.known && check.hash_matches && check.sealed);
		assert!(pallet_health_records::Records::<Runtime>::get(record)
			.is_some_and(|r| r.locator.is_none()));
		// Sealing again is pointless and not fee-less: the zero-balance key cannot pay for it.
		assert_eq!(
			submit(
				&patient,
				RuntimeCall::HealthRecords(RecordsCall::seal_record { record_id: record })
			),
			Err(sp_runtime::transaction_validity::TransactionValidityError::Invalid(
				sp_runtime::transaction_validity::InvalidTransaction::Payment
			))
		);
	});
}
