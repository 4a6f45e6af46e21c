//! Clinical trials inside the real runtime, across Consortium, PatientIdentity, Consent and
//! ClinicalTrials: the whole story of one trial (register → two sites → the participant's
//! Research consent → enroll → three data commits → lock → publish with an outcome switched),
//! the data chain recomputed by hand from the documented formula, a tampered commit caught by
//! `verify_data_chain`, a regulator's flag, and a second trial published Complete.

use frame_support::{assert_noop, assert_ok};
use medchain_primitives::{Categories, Purpose, RecordCategory};
use medchain_runtime::{AccountId, ClinicalTrials, Runtime, RuntimeCall, RuntimeEvent, System};
use medchain_runtime_test_support::*;
use pallet_clinical_trials::{
	DataCommit, DataCommits, OutcomeStatus, TrialId, TrialStatus, PARTICIPANT_DOMAIN,
};
use pallet_consent::{Access, Scope};
use sp_core::H256;
use sp_keyring::Sr25519Keyring::*;

type TrialsError = pallet_clinical_trials::Error<Runtime>;
type ConsortiumError = pallet_consortium::Error<Runtime>;
type TrialsEvent = pallet_clinical_trials::Event<Runtime>;
type ConsentError = pallet_consent::Error<Runtime>;

/// A document's hash as the sponsor's tooling forms it: blake2_256 of its text.
fn doc_hash(text: &str) -> H256 {
	H256(sp_io::hashing::blake2_256(text.as_bytes()))
}

/// The pre-specified outcomes of the demo trial (one hash per outcome definition).
const PRIMARY: &str = "primary: change in HbA1c from baseline to week 26";
const SECONDARY: &str = "secondary: proportion of participants with HbA1c < 7% at week 26";
const SAFETY: &str = "safety: incidence of severe hypoglycaemia through week 26";
/// An outcome the protocol never pre-specified.
const POST_HOC: &str = "post hoc: change in body weight from baseline to week 12";

fn outcomes(texts: &[&str]) -> Vec<H256> {
	texts.iter().map(|t| doc_hash(t)).collect()
}

/// The participant commitment formed byte by byte from the crate docs, independently of the
/// pallet's helper: blake2_256 of the SCALE encoding of `(domain tag, trial_id, patient,
/// salt)`, i.e. compact length ++ tag bytes ++ u32 LE ++ 32 account bytes ++ 32 salt bytes.
fn commitment_by_hand(trial_id: TrialId, patient: &AccountId, salt: &[u8; 32]) -> H256 {
	assert!(PARTICIPANT_DOMAIN.len() < 64, "single-byte compact length");
	let mut bytes = vec![(PARTICIPANT_DOMAIN.len() as u8) << 2];
	bytes.extend_from_slice(PARTICIPANT_DOMAIN);
	bytes.extend_from_slice(&trial_id.to_le_bytes());
	bytes.extend_from_slice(AsRef::<[u8; 32]>::as_ref(patient));
	bytes.extend_from_slice(salt);
	H256(sp_io::hashing::blake2_256(&bytes))
}

/// The data chain's hashes recomputed from the commits' public fields with the documented
/// formula, by plain byte concatenation: `blake2_256(prev ++ batch_root ++ record_count LE ++
/// submitter)` from `prev = 0`.
fn chain_by_hand(commits: &[DataCommit<AccountId>]) -> Vec<H256> {
	let mut previous = H256::zero();
	commits
		.iter()
		.map(|c| {
			let mut bytes = previous.as_bytes().to_vec();
			bytes.extend_from_slice(c.batch_root.as_bytes());
			bytes.extend_from_slice(&c.record_count.to_le_bytes());
			bytes.extend_from_slice(AsRef::<[u8; 32]>::as_ref(&c.submitter));
			previous = H256(sp_io::hashing::blake2_256(&bytes));
			previous
		})
		.collect()
}

fn onboard(patient: &AccountId) {
	assert_ok!(dispatch(
		&account(Alice),
		RuntimeCall::PatientIdentity(IdentityCall::onboard_patient {
			patient: patient.clone(),
			identity_commitment: pallet_patient_identity::identity_commitment(
				b"front-desk salt",
				b"passport 4711",
			),
		})
	));
}

/// The patient grants `grantee` read access to lab results for `purpose`; the consent's id.
fn grant(patient: &AccountId, grantee: &AccountId, purpose: Purpose) -> u64 {
	// A patient's call: a signed extrinsic through the real transaction pipeline.
	submit_ok(
		patient,
		RuntimeCall::Consent(ConsentCall::grant_consent {
			grantee: grantee.clone(),
			scope: Scope {
				categories: Categories::only(RecordCategory::LabResults),
				access: Access::READ,
			},
			purpose,
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

fn register_call(registry_id: &str, expected: &[H256], planned: u32) -> RuntimeCall {
	RuntimeCall::ClinicalTrials(TrialsCall::register_trial {
		registry_id: registry_id.as_bytes().to_vec().try_into().expect("short registry id"),
		protocol_hash: doc_hash(&format!("protocol of {registry_id}, version 1")),
		outcomes: expected.to_vec().try_into().expect("few outcomes"),
		planned_enrollment: planned,
	})
}

/// //Ferdie (Helix Clinical Trials) registers a trial; its id, from the event.
fn register(registry_id: &str, expected: &[H256], planned: u32) -> TrialId {
	assert_ok!(dispatch(&account(Ferdie), register_call(registry_id, expected, planned)));
	match last_event() {
		RuntimeEvent::ClinicalTrials(TrialsEvent::TrialRegistered {
			trial_id, sponsor, ..
		}) => {
			assert_eq!(sponsor, account(Ferdie));
			trial_id
		}
		other => panic!("expected TrialRegistered, got {other:?}"),
	}
}

fn add_site(trial_id: TrialId, site: &AccountId) {
	assert_ok!(dispatch(
		&account(Ferdie),
		RuntimeCall::ClinicalTrials(TrialsCall::add_site { trial_id, site: site.clone() })
	));
}

fn enroll_call(trial_id: TrialId, patient: &AccountId, commitment: H256) -> RuntimeCall {
	RuntimeCall::ClinicalTrials(TrialsCall::enroll_participant {
		trial_id,
		patient: patient.clone(),
		participant_commitment: commitment,
	})
}

fn commit_call(trial_id: TrialId, batch: &str, record_count: u32) -> RuntimeCall {
	RuntimeCall::ClinicalTrials(TrialsCall::commit_data {
		trial_id,
		batch_root: doc_hash(batch),
		record_count,
	})
}

/// Commit a batch as `who`; the new head, from the event.
fn commit(who: &AccountId, trial_id: TrialId, batch: &str, record_count: u32) -> H256 {
	assert_ok!(dispatch(who, commit_call(trial_id, batch, record_count)));
	match last_event() {
		RuntimeEvent::ClinicalTrials(TrialsEvent::DataCommitted { chain_hash, .. }) => chain_hash,
		other => panic!("expected DataCommitted, got {other:?}"),
	}
}

fn lock(trial_id: TrialId) {
	assert_ok!(dispatch(
		&account(Ferdie),
		RuntimeCall::ClinicalTrials(TrialsCall::lock_database { trial_id })
	));
}

fn publish(trial_id: TrialId, results: &str, reported: &[H256]) -> OutcomeStatus {
	assert_ok!(dispatch(
		&account(Ferdie),
		RuntimeCall::ClinicalTrials(TrialsCall::publish_results {
			trial_id,
			results_hash: doc_hash(results),
			reported_outcomes: reported.to_vec().try_into().expect("few outcomes"),
		})
	));
	match last_event() {
		RuntimeEvent::ClinicalTrials(TrialsEvent::ResultsPublished {
			trial_id: id,
			status,
			..
		}) => {
			assert_eq!(id, trial_id);
			status
		}
		other => panic!("expected ResultsPublished, got {other:?}"),
	}
}

/// A trial with two sites (//Alice's hospital and Northside), one participant enrolled by
/// Northside's study coordinator, and three data commits (Alice, Northside, the sponsor).
/// Returns the trial's id.
fn trial_with_three_commits(registry_id: &str) -> TrialId {
	let northside = second_hospital();
	let trial = register(registry_id, &outcomes(&[PRIMARY, SECONDARY, SAFETY]), 100);
	add_site(trial, &account(Alice));
	add_site(trial, &northside);
	let patient = fresh("Participant");
	onboard(&patient);
	grant(&patient, &account(Ferdie), Purpose::Research);
	let salt = [42u8; 32];
	assert_ok!(dispatch(
		&northside,
		enroll_call(trial, &patient, commitment_by_hand(trial, &patient, &salt))
	));
	commit(&account(Alice), trial, "site A: baseline visit CRFs", 12);
	next_block();
	commit(&northside, trial, "site B: baseline visit CRFs", 7);
	next_block();
	commit(&account(Ferdie), trial, "central lab: HbA1c week 26", 19);
	trial
}

#[test]
fn the_story_of_one_trial_with_a_switched_outcome() {
	new_test_ext().execute_with(|| {
		let sponsor = account(Ferdie);
		let hospital_a = account(Alice);
		let northside = second_hospital();
		// Northside's study coordinator acts for Northside.
		let coordinator = fresh("Northside-CRC");
		assert_ok!(dispatch(
			&northside,
			RuntimeCall::Consortium(pallet_consortium::Call::add_staff {
				account: coordinator.clone()
			})
		));

		// Register: the plan is on chain before anyone is enrolled.
		let expected = outcomes(&[PRIMARY, SECONDARY, SAFETY]);
		// Only a TrialSponsor registers trials.
		assert_noop!(
			dispatch(&hospital_a, register_call("NCT05550001", &expected, 120)),
			ConsortiumError::MissingRole
		);
		let trial = register("NCT05550001", &expected, 120);
		assert_eq!(ClinicalTrials::trial_by_registry_id(b"NCT05550001".to_vec()), Some(trial));
		assert_noop!(
			dispatch(&sponsor, register_call("NCT05550001", &expected, 120)),
			TrialsError::DuplicateRegistryId
		);
		let info = ClinicalTrials::trial(trial).expect("registered");
		assert_eq!(info.status, TrialStatus::Registered);
		assert_eq!(info.outcomes, expected);
		assert_eq!(info.protocol_version, 1);
		assert_eq!(info.registered_at, 1_700_000_000_000);

		// Two sites; a pharmacy is no Provider and cannot be one.
		add_site(trial, &hospital_a);
		add_site(trial, &northside);
		assert_eq!(
			last_event(),
			RuntimeEvent::ClinicalTrials(TrialsEvent::SiteAdded {
				trial_id: trial,
				site: northside.clone()
			})
		);
		assert_noop!(
			dispatch(
				&sponsor,
				RuntimeCall::ClinicalTrials(TrialsCall::add_site {
					trial_id: trial,
					site: account(Bob)
				})
			),
			TrialsError::SiteNotProvider
		);
		assert_eq!(
			ClinicalTrials::trial(trial).unwrap().sites,
			vec![hospital_a.clone(), northside.clone()]
		);

		// The participant: a registered patient, whose commitment the site forms off chain.
		let patient = fresh("Participant");
		onboard(&patient);
		let salt = [7u8; 32];
		let commitment = commitment_by_hand(trial, &patient, &salt);
		assert_eq!(
			commitment,
			pallet_clinical_trials::participant_commitment(trial, &patient, &salt)
		);
		// A fixed vector, also produced by the JS formula of tests/e2e/test/clinical-trials.test.js
		// (trial 5, //Alice, salt [7; 32]).
		assert_eq!(
			format!("{:?}", commitment_by_hand(5, &account(Alice), &[7u8; 32])),
			"0x95d8c475e2d99ed74ae65d4253f01b451cf5012c3577d4e7e4dc8bf8272874f4"
		);
		assert_eq!(
			commitment_by_hand(5, &account(Alice), &[7u8; 32]),
			pallet_clinical_trials::participant_commitment(5, &account(Alice), &[7u8; 32])
		);

		// Without any consent, the consent pallet refuses the enrollment.
		next_block();
		assert_noop!(
			dispatch(&coordinator, enroll_call(trial, &patient, commitment)),
			ConsentError::NoConsent
		);
		// A Treatment consent to the sponsor is not a Research consent.
		grant(&patient, &sponsor, Purpose::Treatment);
		assert_noop!(
			dispatch(&coordinator, enroll_call(trial, &patient, commitment)),
			ConsentError::NoConsent
		);
		// Nor is a Research consent to the hospital a consent to the sponsor.
		grant(&patient, &hospital_a, Purpose::Research);
		assert_noop!(
			dispatch(&coordinator, enroll_call(trial, &patient, commitment)),
			ConsentError::NoConsent
		);
		// A pharmacy (an organization without the Provider role) cannot enroll.
		assert_noop!(
			dispatch(&account(Bob), enroll_call(trial, &patient, commitment)),
			ConsortiumError::MissingRole
		);

		// The patient gives the sponsor a Research consent; Northside's coordinator enrolls.
		let research = grant(&patient, &sponsor, Purpose::Research);
		assert_ok!(dispatch(&coordinator, enroll_call(trial, &patient, commitment)));
		assert_eq!(
			last_event(),
			RuntimeEvent::ClinicalTrials(TrialsEvent::ParticipantEnrolled {
				trial_id: trial,
				participant_commitment: commitment,
				site: northside.clone(),
				consent_id: research,
				enrolled: 1,
				over_planned: false,
			})
		);
		assert!(ClinicalTrials::is_enrolled(trial, commitment));
		assert!(!ClinicalTrials::is_enrolled(
			trial,
			commitment_by_hand(trial, &patient, &[8u8; 32])
		));
		// The same patient cannot be enrolled again, not even under another salt.
		assert_noop!(
			dispatch(&hospital_a, enroll_call(trial, &patient, commitment)),
			TrialsError::DuplicateParticipant
		);
		assert_noop!(
			dispatch(
				&hospital_a,
				enroll_call(trial, &patient, commitment_by_hand(trial, &patient, &[8u8; 32]))
			),
			TrialsError::PatientAlreadyEnrolled
		);
		let info = ClinicalTrials::trial(trial).unwrap();
		assert_eq!(info.status, TrialStatus::Enrolling);
		assert_eq!(info.enrolled, 1);
		assert_eq!(info.first_enrollment.map(|f| f.protocol_version), Some(1));

		// Three data commits: site A, Northside (through its coordinator), the sponsor.
		// A pharmacy is neither a site nor the sponsor.
		assert_noop!(
			dispatch(&account(Bob), commit_call(trial, "forged batch", 1)),
			TrialsError::NotSiteOrSponsor
		);
		let heads = vec![
			commit(&hospital_a, trial, "site A: baseline visit CRFs", 12),
			{
				next_block();
				commit(&coordinator, trial, "site B: baseline visit CRFs", 7)
			},
			{
				next_block();
				commit(&sponsor, trial, "central lab: HbA1c week 26", 19)
			},
		];
		let commits = ClinicalTrials::data_commits(trial);
		assert_eq!(commits.len(), 3);
		// The submitter is the organization, not the signing staff account.
		assert_eq!(
			commits.iter().map(|c| c.submitter.clone()).collect::<Vec<_>>(),
			vec![hospital_a.clone(), northside.clone(), sponsor.clone()]
		);
		assert_eq!(commits.iter().map(|c| c.record_count).collect::<Vec<_>>(), vec![12, 7, 19]);
		assert_eq!(commits[0].batch_root, doc_hash("site A: baseline visit CRFs"));
		// The chain recomputes by hand from the public formula, and matches the events.
		let by_hand = chain_by_hand(&commits);
		assert_eq!(commits.iter().map(|c| c.chain_hash).collect::<Vec<_>>(), by_hand);
		assert_eq!(heads, by_hand);
		let info = ClinicalTrials::trial(trial).unwrap();
		assert_eq!(info.data_head, by_hand[2]);
		assert_eq!(info.commit_count, 3);
		assert!(ClinicalTrials::verify_data_chain(trial));

		// Lock: the head is frozen; nothing but publication and flags afterwards.
		next_block();
		lock(trial);
		assert_eq!(
			last_event(),
			RuntimeEvent::ClinicalTrials(TrialsEvent::DatabaseLocked {
				trial_id: trial,
				data_head: by_hand[2],
				commit_count: 3,
			})
		);
		assert_noop!(
			dispatch(&hospital_a, commit_call(trial, "late batch", 3)),
			TrialsError::LockedDatabase
		);
		assert_noop!(
			dispatch(&sponsor, commit_call(trial, "late batch", 3)),
			TrialsError::LockedDatabase
		);
		let late = fresh("Late participant");
		onboard(&late);
		grant(&late, &sponsor, Purpose::Research);
		assert_noop!(
			dispatch(
				&coordinator,
				enroll_call(trial, &late, commitment_by_hand(trial, &late, &salt))
			),
			TrialsError::LockedDatabase
		);
		assert_eq!(ClinicalTrials::trial(trial).unwrap().status, TrialStatus::Locked);
		assert!(ClinicalTrials::verify_data_chain(trial));

		// Publish: the safety outcome is left out, a post-hoc one is reported instead.
		next_block();
		let reported = outcomes(&[SECONDARY, POST_HOC, PRIMARY]);
		let status = publish(trial, "results of NCT05550001", &reported);
		assert_eq!(status, OutcomeStatus::OutcomeSwitched { missing: 1, added: 1 });
		let info = ClinicalTrials::trial(trial).unwrap();
		assert_eq!(info.status, TrialStatus::Published);
		let results = info.results.expect("published");
		assert_eq!(results.status, OutcomeStatus::OutcomeSwitched { missing: 1, added: 1 });
		assert_eq!(results.missing, vec![doc_hash(SAFETY)]);
		assert_eq!(results.added, vec![doc_hash(POST_HOC)]);
		assert_eq!(results.results_hash, doc_hash("results of NCT05550001"));
		assert_eq!(results.compared_with_version, 1);
		assert_eq!(
			results.status_vs_first_enrollment,
			Some(OutcomeStatus::OutcomeSwitched { missing: 1, added: 1 })
		);
		assert!(!results.outcomes_amended_after_enrollment);
		assert_eq!(ClinicalTrials::trials_with_outcome_switch(None, 1000), vec![trial]);
		// Publication changes no data: the chain still verifies; results are published once.
		assert!(ClinicalTrials::verify_data_chain(trial));
		assert_noop!(
			dispatch(
				&sponsor,
				RuntimeCall::ClinicalTrials(TrialsCall::publish_results {
					trial_id: trial,
					results_hash: doc_hash("corrected results"),
					reported_outcomes: expected.clone().try_into().unwrap(),
				})
			),
			TrialsError::AlreadyPublished
		);

		// The regulator (//Eve) flags the trial; a pharmacy cannot.
		next_block();
		assert_noop!(
			dispatch(
				&account(Bob),
				RuntimeCall::ClinicalTrials(TrialsCall::flag_trial {
					trial_id: trial,
					reason_code: 3
				})
			),
			ConsortiumError::MissingRole
		);
		assert_ok!(dispatch(
			&account(Eve),
			RuntimeCall::ClinicalTrials(TrialsCall::flag_trial { trial_id: trial, reason_code: 3 })
		));
		assert_eq!(
			last_event(),
			RuntimeEvent::ClinicalTrials(TrialsEvent::TrialFlagged {
				trial_id: trial,
				regulator: account(Eve),
				reason_code: 3,
			})
		);
		let flags = ClinicalTrials::trial(trial).unwrap().flags;
		assert_eq!(flags.len(), 1);
		assert_eq!(flags[0].regulator, account(Eve));
		assert_eq!(flags[0].reason_code, 3);
		assert_eq!(flags[0].at, pallet_timestamp::Now::<Runtime>::get());
	});
}

#[test]
fn tampering_with_one_stored_commit_makes_verify_data_chain_false() {
	new_test_ext().execute_with(|| {
		let trial = trial_with_three_commits("NCT05550002");
		assert!(ClinicalTrials::verify_data_chain(trial));
		let original: Vec<_> =
			(0..3).map(|i| DataCommits::<Runtime>::get(trial, i).unwrap()).collect();
		assert_eq!(
			original.iter().map(|c| c.chain_hash).collect::<Vec<_>>(),
			chain_by_hand(&original)
		);

		// Each tamper of one field of one stored commit, written straight into storage (as a
		// migration bug or a corrupted database would), is caught; restoring it verifies again.
		let other_org = account(Bob);
		type Tamper = Box<dyn Fn(&mut DataCommit<AccountId>)>;
		let tampers: Vec<(&str, u32, Tamper)> = vec![
			("batch root of commit 0", 0, Box::new(|c| c.batch_root = doc_hash("a forged batch"))),
			("record count of commit 1", 1, Box::new(|c| c.record_count += 1)),
			("submitter of commit 1", 1, Box::new(move |c| c.submitter = other_org.clone())),
			("stored hash of commit 2", 2, Box::new(|c| c.chain_hash.0[0] ^= 1)),
			// A forger who also recomputes the tampered commit's own hash still breaks the
			// link to the next commit.
			(
				"batch root and hash of commit 0",
				0,
				Box::new(|c| {
					c.batch_root = doc_hash("a forged batch");
					c.chain_hash = pallet_clinical_trials::data_commit_hash(
						&H256::zero(),
						&c.batch_root,
						c.record_count,
						&c.submitter,
					);
				}),
			),
		];
		for (what, index, tamper) in tampers {
			let mut forged = original[index as usize].clone();
			tamper(&mut forged);
			assert_ne!(forged, original[index as usize], "{what}: the tamper changed nothing");
			DataCommits::<Runtime>::insert(trial, index, forged);
			assert!(!ClinicalTrials::verify_data_chain(trial), "{what}: tampering not detected");
			DataCommits::<Runtime>::insert(trial, index, original[index as usize].clone());
			assert!(ClinicalTrials::verify_data_chain(trial), "{what}: restoring did not verify");
		}

		// Rewriting the whole chain consistently from the tampered commit on still leaves the
		// trial's head (frozen in the trial record) pointing at the original chain.
		let mut forged = original.clone();
		forged[1].record_count = 70;
		let rehashed = chain_by_hand(&forged);
		for (i, commit) in forged.iter_mut().enumerate() {
			commit.chain_hash = rehashed[i];
			DataCommits::<Runtime>::insert(trial, i as u32, commit.clone());
		}
		assert!(!ClinicalTrials::verify_data_chain(trial), "a rewritten chain verified");

		// A missing commit is caught too; an unknown trial never verifies.
		for (i, commit) in original.iter().enumerate() {
			DataCommits::<Runtime>::insert(trial, i as u32, commit.clone());
		}
		assert!(ClinicalTrials::verify_data_chain(trial));
		DataCommits::<Runtime>::remove(trial, 1);
		assert!(!ClinicalTrials::verify_data_chain(trial), "a missing commit went unnoticed");
		assert!(!ClinicalTrials::verify_data_chain(trial + 1));
	});
}

#[test]
fn a_second_trial_reporting_exactly_its_outcomes_is_complete() {
	new_test_ext().execute_with(|| {
		// The first trial switches an outcome...
		let switched = trial_with_three_commits("NCT05550003");
		lock(switched);
		assert_eq!(
			publish(switched, "results of NCT05550003", &outcomes(&[PRIMARY, SECONDARY, POST_HOC])),
			OutcomeStatus::OutcomeSwitched { missing: 1, added: 1 }
		);

		// ...the second reports exactly the pre-specified ones, in another order.
		let northside = fresh("Northside"); // registered by `trial_with_three_commits`
		let complete = register("NCT05550004", &outcomes(&[PRIMARY, SAFETY]), 10);
		assert_ne!(complete, switched);
		add_site(complete, &northside);
		let patient = fresh("Second participant");
		onboard(&patient);
		grant(&patient, &account(Ferdie), Purpose::Research);
		assert_ok!(dispatch(
			&northside,
			enroll_call(complete, &patient, commitment_by_hand(complete, &patient, &[1u8; 32]))
		));
		commit(&northside, complete, "site B: week 26 CRFs", 1);
		// Publication needs the lock.
		assert_noop!(
			dispatch(
				&account(Ferdie),
				RuntimeCall::ClinicalTrials(TrialsCall::publish_results {
					trial_id: complete,
					results_hash: doc_hash("too early"),
					reported_outcomes: outcomes(&[PRIMARY, SAFETY]).try_into().unwrap(),
				})
			),
			TrialsError::NotLocked
		);
		next_block();
		lock(complete);
		assert_eq!(
			publish(complete, "results of NCT05550004", &outcomes(&[SAFETY, PRIMARY])),
			OutcomeStatus::Complete
		);
		let results = ClinicalTrials::trial(complete).unwrap().results.expect("published");
		assert_eq!(results.status, OutcomeStatus::Complete);
		assert!(results.missing.is_empty() && results.added.is_empty());
		assert_eq!(results.status_vs_first_enrollment, Some(OutcomeStatus::Complete));
		assert_eq!(results.published_at, pallet_timestamp::Now::<Runtime>::get());

		// Only the switched trial is listed.
		assert_eq!(ClinicalTrials::trials_with_outcome_switch(None, 1000), vec![switched]);
		assert!(ClinicalTrials::verify_data_chain(switched));
		assert!(ClinicalTrials::verify_data_chain(complete));
	});
}

/// A participant who deregisters (a signed, fee-less `deregister`) is unlinked from
/// every trial they joined: no participant record in state names their account any more,
/// the participant is withdrawn, and the trial keeps counting them.
#[test]
fn deregistering_unlinks_the_patients_trial_enrollments() {
	new_test_ext().execute_with(|| {
		let patient = fresh("TrialPatientErased");
		onboard(&patient);
		grant(&patient, &account(Ferdie), Purpose::Research);
		let expected = outcomes(&[PRIMARY]);
		let trial = register("NCT05550077", &expected, 10);
		add_site(trial, &account(Alice));
		let commitment = pallet_clinical_trials::participant_commitment(trial, &patient, &[3; 32]);
		assert_ok!(dispatch(&account(Alice), enroll_call(trial, &patient, commitment)));
		let stored = pallet_clinical_trials::Participants::<Runtime>::get(trial, commitment);
		assert_eq!(stored.and_then(|p| p.patient), Some(patient.clone()));

		submit_ok(&patient, RuntimeCall::PatientIdentity(IdentityCall::deregister {}));

		let p = pallet_clinical_trials::Participants::<Runtime>::get(trial, commitment)
			.expect("the participant stays in the trial");
		assert_eq!(p.patient, None);
		assert_eq!(
			p.withdrawal.map(|w| w.by),
			Some(pallet_clinical_trials::Withdrawer::Participant)
		);
		assert!(pallet_clinical_trials::ParticipationsOf::<Runtime>::get(&patient).is_empty());
		assert!(!pallet_clinical_trials::EnrolledPatients::<Runtime>::contains_key(
			trial,
			pallet_clinical_trials::patient_key(trial, &patient)
		));
		let info = ClinicalTrials::trial(trial).expect("registered");
		assert_eq!((info.enrolled, info.withdrawn), (1, 1));
		ClinicalTrials::do_try_state().expect("consistent");
	});
}
