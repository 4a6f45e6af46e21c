//! Unit tests of the clinical-trials pallet: every call, every error, every event, the
//! commitment and hash-chain formulas, the outcome comparison, tampering detection and the
//! runtime-API queries.

use crate::{
	data_commit_hash, mock::*, outcome_switch_key, participant_commitment, patient_key, DataCommit,
	DataCommits, EnrolledPatients, Error, Event, FirstEnrollment, Flag, Flags, NextTrialId,
	OutcomeStatus, OutcomeSwitchedTrials, OutcomesOf, Participant, ParticipantInfo,
	ParticipantStatus, Participants, ProtocolVersion, ProtocolVersions, RegistryIdOf,
	RegistryIdReservations, RemovedSites, Results, Sites, TrialByRegistryId, TrialId, TrialOf,
	TrialStatus, Trials, Withdrawal, Withdrawer, MAX_OUTCOME_SWITCH_PAGE, PARTICIPANT_DOMAIN,
	PATIENT_KEY_DOMAIN,
};
use codec::{Decode, Encode};
use frame_support::{assert_noop, assert_ok, dispatch::CheckIfFeeless, traits::Hooks};
use medchain_primitives::{Categories, ConsentId, Moment, Purpose};
use pallet_consent::{Access, Scope};
use pallet_consortium::Error as ConsortiumError;
use sp_core::H256;
use sp_io::hashing::blake2_256;
use sp_runtime::traits::BadOrigin;

type ConsentError = pallet_consent::Error<Test>;

/// The registry id of the default trial.
const NCT: &[u8] = b"NCT00000001";
/// The protocol hash of the default trial.
const PROTOCOL: u8 = 0xa0;

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn h(n: u8) -> H256 {
	H256::repeat_byte(n)
}

fn rid(bytes: &[u8]) -> RegistryIdOf<Test> {
	RegistryIdOf::<Test>::try_from(bytes.to_vec()).expect("registry id within bound")
}

/// Outcomes `h(n)` for each `n`.
fn outs(ns: &[u8]) -> OutcomesOf<Test> {
	OutcomesOf::<Test>::try_from(ns.iter().map(|n| h(*n)).collect::<Vec<_>>())
		.expect("outcomes within bound")
}

fn trial(id: TrialId) -> TrialOf<Test> {
	Trials::<Test>::get(id).expect("trial stored")
}

fn salt(n: u8) -> [u8; 32] {
	[n; 32]
}

/// `patient`'s commitment in `trial_id` with `salt(n)`.
fn commitment(trial_id: TrialId, patient: AccountId, n: u8) -> H256 {
	participant_commitment(trial_id, &patient, &salt(n))
}

/// `patient` grants `org` a consent for `purpose` with `access`, covering every category.
fn grant_with(
	patient: AccountId,
	org: AccountId,
	purpose: Purpose,
	access: Access,
	expires_at: Option<Moment>,
) -> ConsentId {
	let id = pallet_consent::NextConsentId::<Test>::get();
	assert_ok!(Consent::grant_consent(
		signed(patient),
		org,
		Scope { categories: Categories::all(), access },
		purpose,
		expires_at,
	));
	id
}

/// `patient` grants `org` a read Research consent.
fn grant_research(patient: AccountId, org: AccountId) -> ConsentId {
	grant_with(patient, org, Purpose::Research, Access::READ, None)
}

/// Register a trial by `staff` with `registry_id`, outcomes `h(1), h(2), h(3)` and a plan of
/// two participants.
fn register_as(staff: AccountId, registry_id: &[u8]) -> TrialId {
	let id = NextTrialId::<Test>::get();
	assert_ok!(ClinicalTrials::register_trial(
		signed(staff),
		rid(registry_id),
		h(PROTOCOL),
		outs(&[1, 2, 3]),
		2,
	));
	id
}

/// The default trial, registered by the sponsor's staff.
fn register() -> TrialId {
	register_as(SPONSOR_STAFF, NCT)
}

/// The default trial with hospitals A and B as sites.
fn trial_with_sites() -> TrialId {
	let id = register();
	assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
	assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_B));
	id
}

/// `patient` consents to research by the sponsor and `site_staff` enrolls them with
/// `salt(patient)`; returns the commitment.
fn enroll(site_staff: AccountId, trial_id: TrialId, patient: AccountId) -> H256 {
	grant_research(patient, SPONSOR);
	let c = commitment(trial_id, patient, patient as u8);
	assert_ok!(ClinicalTrials::enroll_participant(signed(site_staff), trial_id, patient, c));
	c
}

/// Commit batch `h(root)` of `count` records as `who`.
fn commit(who: AccountId, trial_id: TrialId, root: u8, count: u32) {
	assert_ok!(ClinicalTrials::commit_data(signed(who), trial_id, h(root), count));
}

fn lock(trial_id: TrialId) {
	assert_ok!(ClinicalTrials::lock_database(signed(SPONSOR_STAFF), trial_id));
}

/// The sponsor commits one batch (`h(0xdd)`, one record) and locks: locking needs data.
fn commit_and_lock(trial_id: TrialId) {
	commit(SPONSOR_STAFF, trial_id, 0xdd, 1);
	lock(trial_id);
}

fn suspend(org: AccountId) {
	assert_ok!(Consortium::suspend_organization(RuntimeOrigin::root(), org));
}

mod mock_setup {
	use super::*;
	use medchain_primitives::PatientRegistry;
	use pallet_consortium::{Role, RoleProvider};

	#[test]
	fn genesis_consortium_and_patients() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(ClinicalTrials::now(), START);
			assert_eq!(Consortium::ensure_role(&SPONSOR_STAFF, Role::TrialSponsor), Ok(SPONSOR));
			assert_eq!(Consortium::ensure_role(&NURSE_A, Role::Provider), Ok(HOSPITAL_A));
			assert!(Consortium::has_role(&REGULATOR, Role::Regulator));
			assert!(MockPatients::is_registered(&ALICE));
			assert!(MockPatients::is_deregistered(&ERASED));
			assert!(!MockPatients::is_registered(&NOBODY));
			assert_eq!(NextTrialId::<Test>::get(), 0);
		});
	}

	#[test]
	fn integrity_test_passes() {
		ExtBuilder::empty().build_and_execute(|| {
			<ClinicalTrials as Hooks<u64>>::integrity_test();
		});
	}

	#[test]
	fn storage_version_is_three() {
		use frame_support::traits::{GetStorageVersion, StorageVersion};
		ExtBuilder::empty().build_and_execute(|| {
			assert_eq!(ClinicalTrials::in_code_storage_version(), StorageVersion::new(3));
		});
	}
}

mod formulas {
	use super::*;

	#[test]
	fn participant_commitment_is_the_documented_hash() {
		let mut preimage = Vec::new();
		// The domain tag, compact-length-prefixed (26 bytes → 26 << 2).
		preimage.push((PARTICIPANT_DOMAIN.len() as u8) << 2);
		preimage.extend_from_slice(b"medchain/trial-participant");
		preimage.extend_from_slice(&7u32.to_le_bytes());
		preimage.extend_from_slice(&ALICE.to_le_bytes());
		preimage.extend_from_slice(&salt(9));
		assert_eq!(participant_commitment(7, &ALICE, &salt(9)), H256(blake2_256(&preimage)));
		// Trial, patient and salt each change it.
		assert_ne!(commitment(7, ALICE, 9), commitment(8, ALICE, 9));
		assert_ne!(commitment(7, ALICE, 9), commitment(7, BOB, 9));
		assert_ne!(commitment(7, ALICE, 9), commitment(7, ALICE, 10));
	}

	#[test]
	fn patient_key_is_the_documented_hash() {
		let expected = blake2_256(&(PATIENT_KEY_DOMAIN, 7u32, ALICE).encode());
		assert_eq!(patient_key(7, &ALICE), H256(expected));
		assert_ne!(patient_key(7, &ALICE), patient_key(8, &ALICE));
	}

	#[test]
	fn data_commit_hash_is_the_documented_concatenation() {
		let mut preimage = Vec::new();
		preimage.extend_from_slice(h(1).as_bytes());
		preimage.extend_from_slice(h(2).as_bytes());
		preimage.extend_from_slice(&300u32.to_le_bytes());
		preimage.extend_from_slice(&HOSPITAL_A.encode());
		assert_eq!(preimage.len(), 32 + 32 + 4 + 8);
		assert_eq!(data_commit_hash(&h(1), &h(2), 300, &HOSPITAL_A), H256(blake2_256(&preimage)));
	}

	#[test]
	fn outcome_status_from_counts() {
		assert_eq!(OutcomeStatus::from_counts(0, 0), OutcomeStatus::Complete);
		assert_eq!(
			OutcomeStatus::from_counts(1, 0),
			OutcomeStatus::OutcomeSwitched { missing: 1, added: 0 }
		);
		assert!(OutcomeStatus::from_counts(0, 2).is_switched());
		assert!(!OutcomeStatus::Complete.is_switched());
	}

	#[test]
	fn compare_outcomes_is_order_insensitive() {
		let (missing, added) = crate::compare_outcomes(&[h(1), h(2), h(3)], &[h(3), h(4), h(1)]);
		assert_eq!(missing, vec![h(2)]);
		assert_eq!(added, vec![h(4)]);
		let (missing, added) = crate::compare_outcomes(&[h(1), h(2)], &[h(2), h(1)]);
		assert!(missing.is_empty() && added.is_empty());
	}
}

mod register_trial {
	use super::*;

	#[test]
	fn works_for_sponsor_staff() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			assert_eq!(id, 0);
			assert_eq!(NextTrialId::<Test>::get(), 1);
			assert_eq!(
				trial(id),
				crate::Trial {
					sponsor: SPONSOR,
					registry_id: rid(NCT),
					status: TrialStatus::Registered,
					protocol_version: 1,
					protocol_hash: h(PROTOCOL),
					outcomes: outs(&[1, 2, 3]),
					planned_enrollment: 2,
					enrolled: 0,
					withdrawn: 0,
					over_enrollment: false,
					registered_at: START,
					registry_id_released_at: None,
					first_enrollment: None,
					amendments_after_enrollment: 0,
					outcomes_amended_after_enrollment: false,
					data_head: H256::zero(),
					commit_count: 0,
					locked_at: None,
					results: None,
				}
			);
			assert_eq!(TrialByRegistryId::<Test>::get(rid(NCT)), Some(id));
			assert_eq!(
				ProtocolVersions::<Test>::get(id).into_inner(),
				vec![ProtocolVersion {
					version: 1,
					protocol_hash: h(PROTOCOL),
					reason_hash: None,
					outcomes: Some(outs(&[1, 2, 3])),
					at: START,
					after_enrollment: false,
				}]
			);
			System::assert_last_event(
				Event::TrialRegistered {
					trial_id: id,
					sponsor: SPONSOR,
					registry_id: rid(NCT),
					protocol_hash: h(PROTOCOL),
					outcomes: outs(&[1, 2, 3]),
					planned_enrollment: 2,
				}
				.into(),
			);
		});
	}

	#[test]
	fn works_for_the_sponsor_admin_and_ids_increase() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(register_as(SPONSOR, b"NCT1"), 0);
			assert_eq!(register_as(OTHER_SPONSOR_STAFF, b"NCT2"), 1);
			assert_eq!(trial(0).sponsor, SPONSOR);
			assert_eq!(trial(1).sponsor, OTHER_SPONSOR);
		});
	}

	#[test]
	fn requires_signed_origin() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				ClinicalTrials::register_trial(
					RuntimeOrigin::none(),
					rid(NCT),
					h(PROTOCOL),
					outs(&[1]),
					1
				),
				BadOrigin
			);
		});
	}

	#[test]
	fn fails_for_non_sponsors() {
		ExtBuilder::default().build_and_execute(|| {
			let call = |who| {
				ClinicalTrials::register_trial(signed(who), rid(NCT), h(PROTOCOL), outs(&[1]), 1)
			};
			assert_noop!(call(OUTSIDER), ConsortiumError::<Test>::NotAMember);
			assert_noop!(call(ALICE), ConsortiumError::<Test>::NotAMember);
			assert_noop!(call(DOCTOR_A), ConsortiumError::<Test>::MissingRole);
			assert_noop!(call(HOSPITAL_A), ConsortiumError::<Test>::MissingRole);
			assert_noop!(call(INSPECTOR), ConsortiumError::<Test>::MissingRole);
			suspend(SPONSOR);
			assert_noop!(call(SPONSOR_STAFF), ConsortiumError::<Test>::SuspendedOrganization);
		});
	}

	#[test]
	fn fails_for_an_invalid_registry_id() {
		ExtBuilder::default().build_and_execute(|| {
			for bad in [&b""[..], b"NCT 0001", b"NCT\n", b"NCT\x7f", "NCT\u{e9}".as_bytes()] {
				assert_noop!(
					ClinicalTrials::register_trial(
						signed(SPONSOR_STAFF),
						rid(bad),
						h(PROTOCOL),
						outs(&[1]),
						1
					),
					Error::<Test>::InvalidRegistryId
				);
			}
		});
	}

	#[test]
	fn a_registry_id_longer_than_the_bound_cannot_be_built_or_decoded() {
		let long = vec![b'N'; MAX_REGISTRY_ID as usize + 1];
		assert!(RegistryIdOf::<Test>::try_from(long.clone()).is_err());
		assert!(RegistryIdOf::<Test>::decode(&mut &long.encode()[..]).is_err());
		assert!(RegistryIdOf::<Test>::try_from(vec![b'N'; MAX_REGISTRY_ID as usize]).is_ok());
	}

	#[test]
	fn fails_for_a_duplicate_registry_id() {
		ExtBuilder::default().build_and_execute(|| {
			register();
			// Whoever registers it, and whatever the rest of the trial.
			assert_noop!(
				ClinicalTrials::register_trial(
					signed(OTHER_SPONSOR_STAFF),
					rid(NCT),
					h(9),
					outs(&[9]),
					1
				),
				Error::<Test>::DuplicateRegistryId
			);
		});
	}

	#[test]
	fn fails_for_a_zero_protocol_hash() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				ClinicalTrials::register_trial(
					signed(SPONSOR_STAFF),
					rid(NCT),
					H256::zero(),
					outs(&[1]),
					1
				),
				Error::<Test>::ZeroHash
			);
		});
	}

	#[test]
	fn fails_for_bad_outcomes() {
		ExtBuilder::default().build_and_execute(|| {
			let call = |outcomes| {
				ClinicalTrials::register_trial(
					signed(SPONSOR_STAFF),
					rid(NCT),
					h(PROTOCOL),
					outcomes,
					1,
				)
			};
			assert_noop!(call(outs(&[])), Error::<Test>::EmptyOutcomes);
			assert_noop!(call(outs(&[1, 0])), Error::<Test>::ZeroHash);
			assert_noop!(call(outs(&[1, 2, 1])), Error::<Test>::DuplicateOutcome);
			// The bound itself is fine; beyond it the list cannot be built.
			assert_ok!(call(outs(&[1, 2, 3, 4])));
			assert!(OutcomesOf::<Test>::try_from(vec![h(1); MAX_OUTCOMES as usize + 1]).is_err());
		});
	}

	#[test]
	fn fails_for_an_invalid_planned_enrollment() {
		ExtBuilder::default().build_and_execute(|| {
			let call = |planned| {
				ClinicalTrials::register_trial(
					signed(SPONSOR_STAFF),
					rid(NCT),
					h(PROTOCOL),
					outs(&[1]),
					planned,
				)
			};
			assert_noop!(call(0), Error::<Test>::InvalidPlannedEnrollment);
			assert_noop!(call(MAX_PARTICIPANTS + 1), Error::<Test>::InvalidPlannedEnrollment);
			assert_ok!(call(MAX_PARTICIPANTS));
		});
	}

	#[test]
	fn fails_when_ids_are_exhausted() {
		ExtBuilder::default().build_and_execute(|| {
			NextTrialId::<Test>::put(TrialId::MAX);
			assert_noop!(
				ClinicalTrials::register_trial(
					signed(SPONSOR_STAFF),
					rid(NCT),
					h(PROTOCOL),
					outs(&[1]),
					1
				),
				Error::<Test>::TrialIdOverflow
			);
		});
	}
}

mod amend_protocol {
	use super::*;

	#[test]
	fn before_enrollment_keeps_history_and_is_not_flagged() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			advance_time(1_000);
			assert_ok!(ClinicalTrials::amend_protocol(
				signed(SPONSOR_STAFF),
				id,
				h(0xa1),
				h(0xb1),
				None
			));
			System::assert_last_event(
				Event::ProtocolAmended {
					trial_id: id,
					version: 2,
					protocol_hash: h(0xa1),
					reason_hash: h(0xb1),
					outcomes_changed: false,
					after_enrollment: false,
				}
				.into(),
			);
			let t = trial(id);
			assert_eq!((t.protocol_version, t.protocol_hash), (2, h(0xa1)));
			assert_eq!(t.outcomes, outs(&[1, 2, 3]));
			assert_eq!(t.amendments_after_enrollment, 0);
			assert!(!t.outcomes_amended_after_enrollment);
			let history = ProtocolVersions::<Test>::get(id);
			assert_eq!(history.len(), 2);
			assert_eq!(history[0].protocol_hash, h(PROTOCOL));
			assert_eq!(
				history[1],
				ProtocolVersion {
					version: 2,
					protocol_hash: h(0xa1),
					reason_hash: Some(h(0xb1)),
					outcomes: None,
					at: START + 1_000,
					after_enrollment: false,
				}
			);
		});
	}

	#[test]
	fn can_change_the_outcomes() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			assert_ok!(ClinicalTrials::amend_protocol(
				signed(SPONSOR),
				id,
				h(0xa1),
				h(0xb1),
				Some(outs(&[1, 4]))
			));
			System::assert_last_event(
				Event::ProtocolAmended {
					trial_id: id,
					version: 2,
					protocol_hash: h(0xa1),
					reason_hash: h(0xb1),
					outcomes_changed: true,
					after_enrollment: false,
				}
				.into(),
			);
			assert_eq!(trial(id).outcomes, outs(&[1, 4]));
			assert_eq!(ProtocolVersions::<Test>::get(id)[1].outcomes, Some(outs(&[1, 4])));
			// The original plan stays in the history.
			assert_eq!(ProtocolVersions::<Test>::get(id)[0].outcomes, Some(outs(&[1, 2, 3])));
		});
	}

	#[test]
	fn the_same_outcome_set_in_another_order_is_no_change() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			assert_ok!(ClinicalTrials::amend_protocol(
				signed(SPONSOR_STAFF),
				id,
				h(0xa1),
				h(0xb1),
				Some(outs(&[3, 1, 2]))
			));
			System::assert_last_event(
				Event::ProtocolAmended {
					trial_id: id,
					version: 2,
					protocol_hash: h(0xa1),
					reason_hash: h(0xb1),
					outcomes_changed: false,
					after_enrollment: false,
				}
				.into(),
			);
			assert_eq!(trial(id).outcomes, outs(&[1, 2, 3]));
			assert_eq!(ProtocolVersions::<Test>::get(id)[1].outcomes, None);
		});
	}

	#[test]
	fn after_enrollment_is_allowed_but_flagged() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			enroll(DOCTOR_A, id, ALICE);
			// A protocol-only amendment: flagged, outcomes untouched.
			assert_ok!(ClinicalTrials::amend_protocol(
				signed(SPONSOR_STAFF),
				id,
				h(0xa1),
				h(0xb1),
				None
			));
			System::assert_last_event(
				Event::ProtocolAmended {
					trial_id: id,
					version: 2,
					protocol_hash: h(0xa1),
					reason_hash: h(0xb1),
					outcomes_changed: false,
					after_enrollment: true,
				}
				.into(),
			);
			assert_eq!(trial(id).amendments_after_enrollment, 1);
			assert!(!trial(id).outcomes_amended_after_enrollment);
			// An outcome change after enrollment: flagged in the trial record too.
			assert_ok!(ClinicalTrials::amend_protocol(
				signed(SPONSOR_STAFF),
				id,
				h(0xa2),
				h(0xb2),
				Some(outs(&[1, 2, 4]))
			));
			System::assert_last_event(
				Event::ProtocolAmended {
					trial_id: id,
					version: 3,
					protocol_hash: h(0xa2),
					reason_hash: h(0xb2),
					outcomes_changed: true,
					after_enrollment: true,
				}
				.into(),
			);
			let t = trial(id);
			assert_eq!(t.amendments_after_enrollment, 2);
			assert!(t.outcomes_amended_after_enrollment);
			assert_eq!(
				t.first_enrollment,
				Some(FirstEnrollment { at: START, protocol_version: 1 })
			);
			assert!(ProtocolVersions::<Test>::get(id).iter().skip(1).all(|v| v.after_enrollment));
		});
	}

	#[test]
	fn fails_for_an_unknown_trial() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				ClinicalTrials::amend_protocol(signed(SPONSOR_STAFF), 7, h(1), h(2), None),
				Error::<Test>::UnknownTrial
			);
		});
	}

	#[test]
	fn fails_for_anyone_but_the_sponsor() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			let call = |who| ClinicalTrials::amend_protocol(signed(who), id, h(1), h(2), None);
			assert_noop!(call(OTHER_SPONSOR_STAFF), Error::<Test>::NotSponsor);
			assert_noop!(call(DOCTOR_A), Error::<Test>::NotSponsor);
			assert_noop!(call(INSPECTOR), Error::<Test>::NotSponsor);
			assert_noop!(call(OUTSIDER), ConsortiumError::<Test>::NotAMember);
			assert_noop!(
				ClinicalTrials::amend_protocol(RuntimeOrigin::none(), id, h(1), h(2), None),
				BadOrigin
			);
			suspend(SPONSOR);
			assert_noop!(call(SPONSOR_STAFF), ConsortiumError::<Test>::SuspendedOrganization);
		});
	}

	#[test]
	fn fails_after_lock() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			commit_and_lock(id);
			assert_noop!(
				ClinicalTrials::amend_protocol(signed(SPONSOR_STAFF), id, h(1), h(2), None),
				Error::<Test>::LockedDatabase
			);
		});
	}

	#[test]
	fn fails_for_bad_hashes_or_outcomes() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			let call = |protocol, reason, outcomes| {
				ClinicalTrials::amend_protocol(
					signed(SPONSOR_STAFF),
					id,
					protocol,
					reason,
					outcomes,
				)
			};
			assert_noop!(call(H256::zero(), h(2), None), Error::<Test>::ZeroHash);
			assert_noop!(call(h(1), H256::zero(), None), Error::<Test>::ZeroHash);
			assert_noop!(call(h(1), h(2), Some(outs(&[]))), Error::<Test>::EmptyOutcomes);
			assert_noop!(call(h(1), h(2), Some(outs(&[0]))), Error::<Test>::ZeroHash);
			assert_noop!(call(h(1), h(2), Some(outs(&[5, 5]))), Error::<Test>::DuplicateOutcome);
		});
	}

	#[test]
	fn fails_at_the_amendments_bound() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			for i in 0..MAX_AMENDMENTS as u8 {
				assert_ok!(ClinicalTrials::amend_protocol(
					signed(SPONSOR_STAFF),
					id,
					h(0xa1 + i),
					h(0xb1 + i),
					None
				));
			}
			assert_eq!(ProtocolVersions::<Test>::get(id).len() as u32, MAX_AMENDMENTS + 1);
			assert_noop!(
				ClinicalTrials::amend_protocol(signed(SPONSOR_STAFF), id, h(1), h(2), None),
				Error::<Test>::TooManyAmendments
			);
		});
	}
}

mod add_site {
	use super::*;

	#[test]
	fn works_for_the_sponsor() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
			System::assert_last_event(Event::SiteAdded { trial_id: id, site: HOSPITAL_A }.into());
			assert_ok!(ClinicalTrials::add_site(signed(SPONSOR), id, HOSPITAL_B));
			assert_eq!(Sites::<Test>::get(id).into_inner(), vec![HOSPITAL_A, HOSPITAL_B]);
		});
	}

	#[test]
	fn fails_for_an_unknown_trial() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				ClinicalTrials::add_site(signed(SPONSOR_STAFF), 3, HOSPITAL_A),
				Error::<Test>::UnknownTrial
			);
		});
	}

	#[test]
	fn fails_for_anyone_but_the_sponsor() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			assert_noop!(
				ClinicalTrials::add_site(signed(OTHER_SPONSOR_STAFF), id, HOSPITAL_A),
				Error::<Test>::NotSponsor
			);
			assert_noop!(
				ClinicalTrials::add_site(signed(DOCTOR_A), id, HOSPITAL_A),
				Error::<Test>::NotSponsor
			);
			assert_noop!(
				ClinicalTrials::add_site(signed(OUTSIDER), id, HOSPITAL_A),
				ConsortiumError::<Test>::NotAMember
			);
		});
	}

	#[test]
	fn fails_after_lock() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			commit_and_lock(id);
			assert_noop!(
				ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_A),
				Error::<Test>::LockedDatabase
			);
		});
	}

	#[test]
	fn the_site_must_be_an_active_provider_organization() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			for not_provider in [PHARMACY, REGULATOR, SPONSOR, DOCTOR_A, OUTSIDER, ALICE] {
				assert_noop!(
					ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, not_provider),
					Error::<Test>::SiteNotProvider
				);
			}
			suspend(HOSPITAL_A);
			assert_noop!(
				ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_A),
				Error::<Test>::SiteNotProvider
			);
		});
	}

	#[test]
	fn fails_for_an_existing_site() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			assert_noop!(
				ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_A),
				Error::<Test>::AlreadySite
			);
		});
	}

	#[test]
	fn fails_at_the_sites_bound() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_C));
			assert_eq!(Sites::<Test>::get(id).len() as u32, MAX_SITES);
			assert_noop!(
				ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_D),
				Error::<Test>::TooManySites
			);
		});
	}
}

mod enroll_participant {
	use super::*;

	#[test]
	fn works_for_site_staff_with_research_consent() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			let consent_id = grant_research(ALICE, SPONSOR);
			let c = commitment(id, ALICE, 1);
			assert_ok!(ClinicalTrials::enroll_participant(signed(DOCTOR_A), id, ALICE, c));
			System::assert_last_event(
				Event::ParticipantEnrolled {
					trial_id: id,
					participant_commitment: c,
					site: HOSPITAL_A,
					consent_id,
					enrolled: 1,
					over_planned: false,
				}
				.into(),
			);
			let t = trial(id);
			assert_eq!(t.status, TrialStatus::Enrolling);
			assert_eq!(t.enrolled, 1);
			assert!(!t.over_enrollment);
			assert_eq!(
				t.first_enrollment,
				Some(FirstEnrollment { at: START, protocol_version: 1 })
			);
			assert_eq!(
				Participants::<Test>::get(id, c),
				Some(Participant {
					patient: Some(ALICE),
					site: HOSPITAL_A,
					enrolled_at: START,
					protocol_version: 1,
					consent_id,
					withdrawal: None,
				})
			);
			assert!(EnrolledPatients::<Test>::contains_key(id, patient_key(id, &ALICE)));
			// The patient's account is not a key of the trial's participants.
			assert!(ClinicalTrials::is_enrolled(id, c));
		});
	}

	#[test]
	fn any_staff_of_any_site_and_the_first_enrollment_stays() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			enroll(NURSE_A, id, ALICE);
			advance_time(5_000);
			assert_ok!(ClinicalTrials::amend_protocol(
				signed(SPONSOR_STAFF),
				id,
				h(0xa1),
				h(0xb1),
				None
			));
			let c = enroll(HOSPITAL_B, id, BOB);
			assert_eq!(
				Participants::<Test>::get(id, c).map(|p| (p.site, p.protocol_version)),
				Some((HOSPITAL_B, 2))
			);
			assert_eq!(
				trial(id).first_enrollment,
				Some(FirstEnrollment { at: START, protocol_version: 1 })
			);
			assert_eq!(trial(id).enrolled, 2);
		});
	}

	#[test]
	fn over_enrollment_is_flagged_not_blocked() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			enroll(DOCTOR_A, id, ALICE);
			enroll(DOCTOR_B, id, BOB);
			assert!(!trial(id).over_enrollment);
			let consent_id = grant_research(CAROL, SPONSOR);
			let c = commitment(id, CAROL, 3);
			assert_ok!(ClinicalTrials::enroll_participant(signed(DOCTOR_A), id, CAROL, c));
			System::assert_last_event(
				Event::ParticipantEnrolled {
					trial_id: id,
					participant_commitment: c,
					site: HOSPITAL_A,
					consent_id,
					enrolled: 3,
					over_planned: true,
				}
				.into(),
			);
			assert!(trial(id).over_enrollment);
		});
	}

	#[test]
	fn fails_at_the_participants_hard_bound() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			enroll(DOCTOR_A, id, ALICE);
			enroll(DOCTOR_A, id, BOB);
			enroll(DOCTOR_A, id, CAROL);
			assert_eq!(trial(id).enrolled, MAX_PARTICIPANTS);
			grant_research(DAVE, SPONSOR);
			assert_noop!(
				ClinicalTrials::enroll_participant(
					signed(DOCTOR_A),
					id,
					DAVE,
					commitment(id, DAVE, 4)
				),
				Error::<Test>::TooManyParticipants
			);
		});
	}

	#[test]
	fn fails_for_an_unknown_trial() {
		ExtBuilder::default().build_and_execute(|| {
			grant_research(ALICE, SPONSOR);
			assert_noop!(
				ClinicalTrials::enroll_participant(signed(DOCTOR_A), 5, ALICE, h(1)),
				Error::<Test>::UnknownTrial
			);
		});
	}

	#[test]
	fn fails_for_non_sites() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			grant_research(ALICE, SPONSOR);
			let c = commitment(id, ALICE, 1);
			for not_site in [DOCTOR_C, HOSPITAL_C] {
				assert_noop!(
					ClinicalTrials::enroll_participant(signed(not_site), id, ALICE, c),
					Error::<Test>::NotASite
				);
			}
			// Not a Provider at all: no site of any trial.
			for not_provider in [SPONSOR_STAFF, PHARMACIST, INSPECTOR] {
				assert_noop!(
					ClinicalTrials::enroll_participant(signed(not_provider), id, ALICE, c),
					ConsortiumError::<Test>::MissingRole
				);
			}
			assert_noop!(
				ClinicalTrials::enroll_participant(signed(OUTSIDER), id, ALICE, c),
				ConsortiumError::<Test>::NotAMember
			);
			assert_noop!(
				ClinicalTrials::enroll_participant(RuntimeOrigin::none(), id, ALICE, c),
				BadOrigin
			);
		});
	}

	#[test]
	fn fails_for_a_suspended_site() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			grant_research(ALICE, SPONSOR);
			suspend(HOSPITAL_A);
			assert_noop!(
				ClinicalTrials::enroll_participant(
					signed(DOCTOR_A),
					id,
					ALICE,
					commitment(id, ALICE, 1)
				),
				ConsortiumError::<Test>::SuspendedOrganization
			);
		});
	}

	#[test]
	fn fails_after_lock() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			grant_research(ALICE, SPONSOR);
			commit_and_lock(id);
			assert_noop!(
				ClinicalTrials::enroll_participant(
					signed(DOCTOR_A),
					id,
					ALICE,
					commitment(id, ALICE, 1)
				),
				Error::<Test>::LockedDatabase
			);
		});
	}

	#[test]
	fn fails_for_a_zero_commitment() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			grant_research(ALICE, SPONSOR);
			assert_noop!(
				ClinicalTrials::enroll_participant(signed(DOCTOR_A), id, ALICE, H256::zero()),
				Error::<Test>::ZeroHash
			);
		});
	}

	#[test]
	fn fails_for_unregistered_or_deregistered_patients() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			for who in [NOBODY, ERASED] {
				assert_noop!(
					ClinicalTrials::enroll_participant(
						signed(DOCTOR_A),
						id,
						who,
						commitment(id, who, 1)
					),
					Error::<Test>::NotAPatient
				);
			}
		});
	}

	#[test]
	fn fails_without_research_consent() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			let call = || {
				ClinicalTrials::enroll_participant(
					signed(DOCTOR_A),
					id,
					ALICE,
					commitment(id, ALICE, 1),
				)
			};
			assert_noop!(call(), ConsentError::NoConsent);
			// A Treatment consent to the sponsor is not a Research consent.
			grant_with(ALICE, SPONSOR, Purpose::Treatment, Access::READ, None);
			assert_noop!(call(), ConsentError::NoConsent);
			// A Research consent to the site or to another sponsor is not toward the sponsor.
			grant_research(ALICE, HOSPITAL_A);
			grant_research(ALICE, OTHER_SPONSOR);
			assert_noop!(call(), ConsentError::NoConsent);
			// A write-only Research consent grants no read access.
			grant_with(ALICE, SPONSOR, Purpose::Research, Access::WRITE, None);
			assert_noop!(call(), ConsentError::ReadNotGranted);
		});
	}

	#[test]
	fn a_revoked_consent_blocks_enrollment() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			let consent_id = grant_research(ALICE, SPONSOR);
			assert_ok!(Consent::revoke_consent(signed(ALICE), consent_id));
			assert_noop!(
				ClinicalTrials::enroll_participant(
					signed(DOCTOR_A),
					id,
					ALICE,
					commitment(id, ALICE, 1)
				),
				ConsentError::RevokedConsent
			);
		});
	}

	#[test]
	fn an_expired_consent_blocks_enrollment() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			grant_with(ALICE, SPONSOR, Purpose::Research, Access::READ, Some(START + 1_000));
			advance_time(1_000);
			assert_noop!(
				ClinicalTrials::enroll_participant(
					signed(DOCTOR_A),
					id,
					ALICE,
					commitment(id, ALICE, 1)
				),
				ConsentError::ExpiredConsent
			);
		});
	}

	#[test]
	fn a_suspended_sponsor_gets_no_consent() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			grant_research(ALICE, SPONSOR);
			suspend(SPONSOR);
			assert_noop!(
				ClinicalTrials::enroll_participant(
					signed(DOCTOR_A),
					id,
					ALICE,
					commitment(id, ALICE, 1)
				),
				ConsortiumError::<Test>::SuspendedOrganization
			);
		});
	}

	#[test]
	fn fails_for_a_duplicate_participant_commitment() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			let c = enroll(DOCTOR_A, id, ALICE);
			grant_research(BOB, SPONSOR);
			// The same commitment, from any site, for any patient.
			assert_noop!(
				ClinicalTrials::enroll_participant(signed(DOCTOR_B), id, BOB, c),
				Error::<Test>::DuplicateParticipant
			);
			assert_noop!(
				ClinicalTrials::enroll_participant(signed(DOCTOR_A), id, ALICE, c),
				Error::<Test>::DuplicateParticipant
			);
		});
	}

	#[test]
	fn fails_for_the_same_patient_under_another_salt() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			enroll(DOCTOR_A, id, ALICE);
			assert_noop!(
				ClinicalTrials::enroll_participant(
					signed(DOCTOR_B),
					id,
					ALICE,
					commitment(id, ALICE, 99)
				),
				Error::<Test>::PatientAlreadyEnrolled
			);
		});
	}

	#[test]
	fn the_same_patient_may_join_another_trial() {
		ExtBuilder::default().build_and_execute(|| {
			let first = trial_with_sites();
			let second = register_as(SPONSOR_STAFF, b"NCT2");
			assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), second, HOSPITAL_A));
			enroll(DOCTOR_A, first, ALICE);
			let c = commitment(second, ALICE, 1);
			assert_ok!(ClinicalTrials::enroll_participant(signed(DOCTOR_A), second, ALICE, c));
			assert!(ClinicalTrials::is_enrolled(second, c));
		});
	}
}

mod commit_data {
	use super::*;

	#[test]
	fn chains_each_commit_to_the_previous_one() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			commit(DOCTOR_A, id, 0x11, 10);
			let first = data_commit_hash(&H256::zero(), &h(0x11), 10, &HOSPITAL_A);
			System::assert_last_event(
				Event::DataCommitted {
					trial_id: id,
					index: 0,
					submitter: HOSPITAL_A,
					batch_root: h(0x11),
					record_count: 10,
					chain_hash: first,
				}
				.into(),
			);
			advance_time(60_000);
			commit(SPONSOR_STAFF, id, 0x12, 5);
			let second = data_commit_hash(&first, &h(0x12), 5, &SPONSOR);
			System::assert_last_event(
				Event::DataCommitted {
					trial_id: id,
					index: 1,
					submitter: SPONSOR,
					batch_root: h(0x12),
					record_count: 5,
					chain_hash: second,
				}
				.into(),
			);
			assert_eq!(
				DataCommits::<Test>::get(id, 0),
				Some(DataCommit {
					batch_root: h(0x11),
					record_count: 10,
					submitter: HOSPITAL_A,
					at: START,
					chain_hash: first,
				})
			);
			assert_eq!(
				DataCommits::<Test>::get(id, 1),
				Some(DataCommit {
					batch_root: h(0x12),
					record_count: 5,
					submitter: SPONSOR,
					at: START + 60_000,
					chain_hash: second,
				})
			);
			assert_eq!((trial(id).data_head, trial(id).commit_count), (second, 2));
			assert!(ClinicalTrials::verify_data_chain(id));
		});
	}

	#[test]
	fn the_submitter_is_the_organization_not_the_staff_member() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			commit(NURSE_A, id, 0x11, 1);
			assert_eq!(DataCommits::<Test>::get(id, 0).map(|c| c.submitter), Some(HOSPITAL_A));
		});
	}

	#[test]
	fn fails_for_an_unknown_trial() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				ClinicalTrials::commit_data(signed(DOCTOR_A), 9, h(1), 1),
				Error::<Test>::UnknownTrial
			);
		});
	}

	#[test]
	fn fails_for_a_non_site_non_sponsor() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			for who in [DOCTOR_C, OTHER_SPONSOR_STAFF, INSPECTOR, PHARMACIST] {
				assert_noop!(
					ClinicalTrials::commit_data(signed(who), id, h(1), 1),
					Error::<Test>::NotSiteOrSponsor
				);
			}
			assert_noop!(
				ClinicalTrials::commit_data(signed(OUTSIDER), id, h(1), 1),
				ConsortiumError::<Test>::NotAMember
			);
			assert_noop!(
				ClinicalTrials::commit_data(RuntimeOrigin::none(), id, h(1), 1),
				BadOrigin
			);
			suspend(HOSPITAL_B);
			assert_noop!(
				ClinicalTrials::commit_data(signed(DOCTOR_B), id, h(1), 1),
				ConsortiumError::<Test>::SuspendedOrganization
			);
		});
	}

	#[test]
	fn fails_after_lock() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			commit(DOCTOR_A, id, 0x11, 1);
			lock(id);
			assert_noop!(
				ClinicalTrials::commit_data(signed(DOCTOR_A), id, h(0x12), 1),
				Error::<Test>::LockedDatabase
			);
			assert_noop!(
				ClinicalTrials::commit_data(signed(SPONSOR_STAFF), id, h(0x12), 1),
				Error::<Test>::LockedDatabase
			);
		});
	}

	#[test]
	fn fails_for_an_empty_commit_or_zero_root() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			assert_noop!(
				ClinicalTrials::commit_data(signed(DOCTOR_A), id, h(1), 0),
				Error::<Test>::EmptyCommit
			);
			assert_noop!(
				ClinicalTrials::commit_data(signed(DOCTOR_A), id, H256::zero(), 1),
				Error::<Test>::ZeroHash
			);
		});
	}

	#[test]
	fn fails_at_the_commits_bound() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			for i in 0..MAX_COMMITS as u8 {
				commit(DOCTOR_A, id, 0x10 + i, 1);
			}
			assert_noop!(
				ClinicalTrials::commit_data(signed(DOCTOR_A), id, h(0x20), 1),
				Error::<Test>::TooManyCommits
			);
			assert!(ClinicalTrials::verify_data_chain(id));
		});
	}
}

mod lock_database {
	use super::*;

	#[test]
	fn freezes_the_head() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			commit(DOCTOR_A, id, 0x11, 3);
			let head = trial(id).data_head;
			advance_time(1_000);
			assert_ok!(ClinicalTrials::lock_database(signed(SPONSOR), id));
			System::assert_last_event(
				Event::DatabaseLocked { trial_id: id, data_head: head, commit_count: 1 }.into(),
			);
			let t = trial(id);
			assert_eq!(t.status, TrialStatus::Locked);
			assert_eq!(t.locked_at, Some(START + 1_000));
			assert_eq!(t.data_head, head);
		});
	}

	#[test]
	fn fails_for_an_unknown_trial() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				ClinicalTrials::lock_database(signed(SPONSOR_STAFF), 1),
				Error::<Test>::UnknownTrial
			);
		});
	}

	#[test]
	fn fails_for_anyone_but_the_sponsor() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			for who in [DOCTOR_A, HOSPITAL_A, OTHER_SPONSOR_STAFF, INSPECTOR] {
				assert_noop!(
					ClinicalTrials::lock_database(signed(who), id),
					Error::<Test>::NotSponsor
				);
			}
			assert_noop!(
				ClinicalTrials::lock_database(signed(OUTSIDER), id),
				ConsortiumError::<Test>::NotAMember
			);
			assert_noop!(ClinicalTrials::lock_database(RuntimeOrigin::none(), id), BadOrigin);
		});
	}

	#[test]
	fn fails_twice_and_after_publication() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			commit_and_lock(id);
			assert_noop!(
				ClinicalTrials::lock_database(signed(SPONSOR_STAFF), id),
				Error::<Test>::AlreadyLocked
			);
			assert_ok!(ClinicalTrials::publish_results(
				signed(SPONSOR_STAFF),
				id,
				h(0xcc),
				outs(&[1, 2, 3])
			));
			assert_noop!(
				ClinicalTrials::lock_database(signed(SPONSOR_STAFF), id),
				Error::<Test>::AlreadyLocked
			);
		});
	}
}

mod publish_results {
	use super::*;

	#[test]
	fn complete_when_every_outcome_is_reported_in_any_order() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			enroll(DOCTOR_A, id, ALICE);
			commit(DOCTOR_A, id, 0x11, 1);
			lock(id);
			advance_time(1_000);
			assert_ok!(ClinicalTrials::publish_results(
				signed(SPONSOR_STAFF),
				id,
				h(0xcc),
				outs(&[3, 1, 2])
			));
			System::assert_last_event(
				Event::ResultsPublished {
					trial_id: id,
					results_hash: h(0xcc),
					status: OutcomeStatus::Complete,
					outcomes_amended_after_enrollment: false,
				}
				.into(),
			);
			let t = trial(id);
			assert_eq!(t.status, TrialStatus::Published);
			assert_eq!(
				t.results,
				Some(Results {
					results_hash: h(0xcc),
					status: OutcomeStatus::Complete,
					missing: outs(&[]),
					added: outs(&[]),
					compared_with_version: 1,
					outcomes_amended_after_enrollment: false,
					status_vs_first_enrollment: Some(OutcomeStatus::Complete),
					published_at: START + 1_000,
				})
			);
			assert!(!OutcomeSwitchedTrials::<Test>::contains_key(outcome_switch_key(id)));
			assert!(ClinicalTrials::trials_with_outcome_switch(None, 10).is_empty());
		});
	}

	#[test]
	fn outcome_switched_records_missing_and_added_outcomes() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			enroll(DOCTOR_A, id, ALICE);
			commit_and_lock(id);
			// Outcome 2 silently dropped, 7 and 8 never pre-specified.
			assert_ok!(ClinicalTrials::publish_results(
				signed(SPONSOR_STAFF),
				id,
				h(0xcc),
				outs(&[1, 7, 3, 8])
			));
			let status = OutcomeStatus::OutcomeSwitched { missing: 1, added: 2 };
			System::assert_last_event(
				Event::ResultsPublished {
					trial_id: id,
					results_hash: h(0xcc),
					status,
					outcomes_amended_after_enrollment: false,
				}
				.into(),
			);
			let results = trial(id).results.expect("published");
			assert_eq!(results.status, status);
			assert_eq!(results.missing, outs(&[2]));
			assert_eq!(results.added, outs(&[7, 8]));
			assert_eq!(results.status_vs_first_enrollment, Some(status));
			assert!(OutcomeSwitchedTrials::<Test>::contains_key(outcome_switch_key(id)));
			assert_eq!(ClinicalTrials::trials_with_outcome_switch(None, 10), vec![id]);
		});
	}

	#[test]
	fn reporting_nothing_leaves_every_outcome_missing() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			commit_and_lock(id);
			assert_ok!(ClinicalTrials::publish_results(
				signed(SPONSOR_STAFF),
				id,
				h(0xcc),
				outs(&[])
			));
			let results = trial(id).results.expect("published");
			assert_eq!(results.status, OutcomeStatus::OutcomeSwitched { missing: 3, added: 0 });
			// Nobody was ever enrolled: there is no enrollment-time plan to compare with.
			assert_eq!(results.status_vs_first_enrollment, None);
		});
	}

	#[test]
	fn an_amendment_before_enrollment_sets_the_expected_outcomes() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			assert_ok!(ClinicalTrials::amend_protocol(
				signed(SPONSOR_STAFF),
				id,
				h(0xa1),
				h(0xb1),
				Some(outs(&[1, 4]))
			));
			enroll(DOCTOR_A, id, ALICE);
			commit_and_lock(id);
			assert_ok!(ClinicalTrials::publish_results(
				signed(SPONSOR_STAFF),
				id,
				h(0xcc),
				outs(&[4, 1])
			));
			let results = trial(id).results.expect("published");
			assert_eq!(results.status, OutcomeStatus::Complete);
			assert_eq!(results.compared_with_version, 2);
			assert!(!results.outcomes_amended_after_enrollment);
			assert_eq!(results.status_vs_first_enrollment, Some(OutcomeStatus::Complete));
		});
	}

	#[test]
	fn a_declared_change_after_enrollment_stays_visible() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			enroll(DOCTOR_A, id, ALICE);
			assert_ok!(ClinicalTrials::amend_protocol(
				signed(SPONSOR_STAFF),
				id,
				h(0xa1),
				h(0xb1),
				Some(outs(&[1, 2, 4]))
			));
			commit_and_lock(id);
			assert_ok!(ClinicalTrials::publish_results(
				signed(SPONSOR_STAFF),
				id,
				h(0xcc),
				outs(&[1, 2, 4])
			));
			System::assert_last_event(
				Event::ResultsPublished {
					trial_id: id,
					results_hash: h(0xcc),
					status: OutcomeStatus::Complete,
					outcomes_amended_after_enrollment: true,
				}
				.into(),
			);
			let results = trial(id).results.expect("published");
			assert_eq!(results.status, OutcomeStatus::Complete);
			assert!(results.outcomes_amended_after_enrollment);
			// Against the plan participants were enrolled under: 3 dropped, 4 added.
			assert_eq!(
				results.status_vs_first_enrollment,
				Some(OutcomeStatus::OutcomeSwitched { missing: 1, added: 1 })
			);
			assert!(!OutcomeSwitchedTrials::<Test>::contains_key(outcome_switch_key(id)));
		});
	}

	#[test]
	fn fails_before_lock() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			assert_noop!(
				ClinicalTrials::publish_results(signed(SPONSOR_STAFF), id, h(0xcc), outs(&[1])),
				Error::<Test>::NotLocked
			);
			enroll(DOCTOR_A, id, ALICE);
			assert_noop!(
				ClinicalTrials::publish_results(signed(SPONSOR_STAFF), id, h(0xcc), outs(&[1])),
				Error::<Test>::NotLocked
			);
		});
	}

	#[test]
	fn fails_twice() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			commit_and_lock(id);
			assert_ok!(ClinicalTrials::publish_results(
				signed(SPONSOR_STAFF),
				id,
				h(0xcc),
				outs(&[1, 2, 3])
			));
			assert_noop!(
				ClinicalTrials::publish_results(signed(SPONSOR_STAFF), id, h(0xcd), outs(&[1])),
				Error::<Test>::AlreadyPublished
			);
		});
	}

	#[test]
	fn fails_for_an_unknown_trial_or_a_non_sponsor() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				ClinicalTrials::publish_results(signed(SPONSOR_STAFF), 4, h(0xcc), outs(&[1])),
				Error::<Test>::UnknownTrial
			);
			let id = trial_with_sites();
			commit_and_lock(id);
			for who in [DOCTOR_A, OTHER_SPONSOR_STAFF, INSPECTOR] {
				assert_noop!(
					ClinicalTrials::publish_results(signed(who), id, h(0xcc), outs(&[1])),
					Error::<Test>::NotSponsor
				);
			}
			assert_noop!(
				ClinicalTrials::publish_results(RuntimeOrigin::none(), id, h(0xcc), outs(&[1])),
				BadOrigin
			);
		});
	}

	#[test]
	fn fails_for_bad_hashes() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			commit_and_lock(id);
			let call = |results, reported| {
				ClinicalTrials::publish_results(signed(SPONSOR_STAFF), id, results, reported)
			};
			assert_noop!(call(H256::zero(), outs(&[1])), Error::<Test>::ZeroHash);
			assert_noop!(call(h(0xcc), outs(&[1, 0])), Error::<Test>::ZeroHash);
			assert_noop!(call(h(0xcc), outs(&[1, 1])), Error::<Test>::DuplicateOutcome);
		});
	}
}

mod flag_trial {
	use super::*;

	#[test]
	fn works_for_a_regulator_in_any_status() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			assert_ok!(ClinicalTrials::flag_trial(signed(INSPECTOR), id, 42));
			System::assert_last_event(
				Event::TrialFlagged { trial_id: id, regulator: REGULATOR, reason_code: 42 }.into(),
			);
			commit_and_lock(id);
			assert_ok!(ClinicalTrials::publish_results(
				signed(SPONSOR_STAFF),
				id,
				h(0xcc),
				outs(&[1])
			));
			advance_time(10);
			assert_ok!(ClinicalTrials::flag_trial(signed(REGULATOR), id, 7));
			assert_eq!(
				Flags::<Test>::get(id).into_inner(),
				vec![
					Flag { regulator: REGULATOR, reason_code: 42, at: START },
					Flag { regulator: REGULATOR, reason_code: 7, at: START + 10 },
				]
			);
		});
	}

	#[test]
	fn fails_for_non_regulators() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			for who in [SPONSOR_STAFF, DOCTOR_A, PHARMACIST] {
				assert_noop!(
					ClinicalTrials::flag_trial(signed(who), id, 1),
					ConsortiumError::<Test>::MissingRole
				);
			}
			assert_noop!(
				ClinicalTrials::flag_trial(signed(OUTSIDER), id, 1),
				ConsortiumError::<Test>::NotAMember
			);
			assert_noop!(ClinicalTrials::flag_trial(RuntimeOrigin::none(), id, 1), BadOrigin);
			suspend(REGULATOR);
			assert_noop!(
				ClinicalTrials::flag_trial(signed(INSPECTOR), id, 1),
				ConsortiumError::<Test>::SuspendedOrganization
			);
		});
	}

	#[test]
	fn fails_for_an_unknown_trial() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				ClinicalTrials::flag_trial(signed(INSPECTOR), 0, 1),
				Error::<Test>::UnknownTrial
			);
		});
	}

	#[test]
	fn fails_at_the_flags_bound() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			for code in 0..MAX_FLAGS as u16 {
				assert_ok!(ClinicalTrials::flag_trial(signed(INSPECTOR), id, code));
			}
			assert_noop!(
				ClinicalTrials::flag_trial(signed(INSPECTOR), id, 99),
				Error::<Test>::TooManyFlags
			);
		});
	}
}

mod data_chain {
	use super::*;

	/// A trial with three data commits.
	fn trial_with_data() -> TrialId {
		let id = trial_with_sites();
		commit(DOCTOR_A, id, 0x11, 10);
		commit(DOCTOR_B, id, 0x12, 20);
		commit(SPONSOR_STAFF, id, 0x13, 30);
		id
	}

	#[test]
	fn verifies_an_intact_chain_and_an_empty_one() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_data();
			assert!(ClinicalTrials::verify_data_chain(id));
			let empty = register_as(SPONSOR_STAFF, b"NCT2");
			assert!(ClinicalTrials::verify_data_chain(empty));
			assert!(!ClinicalTrials::verify_data_chain(99));
		});
	}

	#[test]
	fn a_tampered_batch_root_breaks_the_chain() {
		ExtBuilder::default().build().execute_with(|| {
			let id = trial_with_data();
			DataCommits::<Test>::mutate(id, 1, |c| {
				if let Some(c) = c {
					c.batch_root = h(0x66);
				}
			});
			assert!(!ClinicalTrials::verify_data_chain(id));
			assert!(ClinicalTrials::do_try_state().is_err());
		});
	}

	#[test]
	fn a_tampered_count_submitter_or_hash_breaks_the_chain() {
		type Tamper = fn(&mut DataCommit<AccountId>);
		let tampers: [Tamper; 3] = [
			|c| c.record_count += 1,
			|c| c.submitter = HOSPITAL_C,
			|c| c.chain_hash = H256::repeat_byte(0x77),
		];
		for tamper in tampers {
			ExtBuilder::default().build().execute_with(|| {
				let id = trial_with_data();
				DataCommits::<Test>::mutate(id, 0, |c| {
					if let Some(c) = c {
						tamper(c);
					}
				});
				assert!(!ClinicalTrials::verify_data_chain(id));
			});
		}
	}

	#[test]
	fn a_rewritten_chain_without_the_head_or_a_missing_commit_is_detected() {
		ExtBuilder::default().build().execute_with(|| {
			let id = trial_with_data();
			// Rewrite the last commit consistently (its hash recomputed): the head disagrees.
			let previous = DataCommits::<Test>::get(id, 1).expect("stored").chain_hash;
			DataCommits::<Test>::mutate(id, 2, |c| {
				if let Some(c) = c {
					c.batch_root = h(0x66);
					c.chain_hash =
						data_commit_hash(&previous, &c.batch_root, c.record_count, &c.submitter);
				}
			});
			assert!(!ClinicalTrials::verify_data_chain(id));
		});
		ExtBuilder::default().build().execute_with(|| {
			let id = trial_with_data();
			DataCommits::<Test>::remove(id, 1);
			assert!(!ClinicalTrials::verify_data_chain(id));
		});
		ExtBuilder::default().build().execute_with(|| {
			let id = trial_with_data();
			Trials::<Test>::mutate(id, |t| {
				if let Some(t) = t {
					t.data_head = h(0x99);
				}
			});
			assert!(!ClinicalTrials::verify_data_chain(id));
		});
	}
}

mod queries {
	use super::*;

	#[test]
	fn trial_info_is_flat_and_complete() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(ClinicalTrials::trial(0), None);
			let id = trial_with_sites();
			enroll(DOCTOR_A, id, ALICE);
			commit(DOCTOR_A, id, 0x11, 4);
			assert_ok!(ClinicalTrials::amend_protocol(
				signed(SPONSOR_STAFF),
				id,
				h(0xa1),
				h(0xb1),
				None
			));
			assert_ok!(ClinicalTrials::flag_trial(signed(INSPECTOR), id, 3));
			lock(id);
			assert_ok!(ClinicalTrials::publish_results(
				signed(SPONSOR_STAFF),
				id,
				h(0xcc),
				outs(&[1, 2])
			));
			let info = ClinicalTrials::trial(id).expect("known trial");
			assert_eq!(info.trial_id, id);
			assert_eq!(info.sponsor, SPONSOR);
			assert_eq!(info.registry_id, NCT.to_vec());
			assert_eq!(info.status, TrialStatus::Published);
			assert_eq!((info.protocol_version, info.protocol_hash), (2, h(0xa1)));
			assert_eq!(info.outcomes, vec![h(1), h(2), h(3)]);
			assert_eq!((info.planned_enrollment, info.enrolled), (2, 1));
			assert!(!info.over_enrollment);
			assert_eq!(info.amendments_after_enrollment, 1);
			assert_eq!(info.commit_count, 1);
			assert_eq!(info.data_head, trial(id).data_head);
			assert_eq!(info.locked_at, Some(START));
			let results = info.results.expect("published");
			assert_eq!(results.status, OutcomeStatus::OutcomeSwitched { missing: 1, added: 0 });
			assert_eq!(results.missing, vec![h(3)]);
			assert_eq!(info.protocol_history.len(), 2);
			assert_eq!(info.protocol_history[0].outcomes, Some(vec![h(1), h(2), h(3)]));
			assert!(info.protocol_history[1].after_enrollment);
			assert_eq!(info.sites, vec![HOSPITAL_A, HOSPITAL_B]);
			assert!(info.removed_sites.is_empty());
			assert_eq!(info.withdrawn, 0);
			assert_eq!(info.registry_id_released_at, None);
			assert_eq!(info.flags, vec![Flag { regulator: REGULATOR, reason_code: 3, at: START }]);
		});
	}

	#[test]
	fn data_commits_in_chain_order() {
		ExtBuilder::default().build_and_execute(|| {
			assert!(ClinicalTrials::data_commits(0).is_empty());
			let id = trial_with_sites();
			commit(DOCTOR_A, id, 0x11, 1);
			commit(DOCTOR_B, id, 0x12, 2);
			let commits = ClinicalTrials::data_commits(id);
			assert_eq!(
				commits.iter().map(|c| (c.batch_root, c.submitter)).collect::<Vec<_>>(),
				vec![(h(0x11), HOSPITAL_A), (h(0x12), HOSPITAL_B)]
			);
			assert_eq!(commits[1].chain_hash, trial(id).data_head);
		});
	}

	#[test]
	fn trials_with_outcome_switch_in_id_order() {
		ExtBuilder::default().build_and_execute(|| {
			let ids: Vec<TrialId> = [&b"NCT1"[..], b"NCT2", b"NCT3", b"NCT4"]
				.into_iter()
				.map(|r| register_as(SPONSOR_STAFF, r))
				.collect();
			for (id, reported) in ids.iter().zip([&[1u8, 2, 3][..], &[1], &[1, 2, 3], &[9]]) {
				commit_and_lock(*id);
				assert_ok!(ClinicalTrials::publish_results(
					signed(SPONSOR_STAFF),
					*id,
					h(0xcc),
					outs(reported)
				));
			}
			assert_eq!(ClinicalTrials::trials_with_outcome_switch(None, 10), vec![ids[1], ids[3]]);
		});
	}

	#[test]
	fn trial_by_registry_id_and_is_enrolled() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			assert_eq!(ClinicalTrials::trial_by_registry_id(NCT.to_vec()), Some(id));
			assert_eq!(ClinicalTrials::trial_by_registry_id(b"NCT9".to_vec()), None);
			assert_eq!(
				ClinicalTrials::trial_by_registry_id(vec![b'N'; MAX_REGISTRY_ID as usize + 1]),
				None
			);
			let c = enroll(DOCTOR_A, id, ALICE);
			assert!(ClinicalTrials::is_enrolled(id, c));
			assert!(!ClinicalTrials::is_enrolled(id, commitment(id, BOB, 2)));
			assert!(!ClinicalTrials::is_enrolled(id + 1, c));
		});
	}

	#[test]
	fn outcomes_at_version_follows_the_history() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			assert_ok!(ClinicalTrials::amend_protocol(
				signed(SPONSOR_STAFF),
				id,
				h(0xa1),
				h(0xb1),
				None
			));
			assert_ok!(ClinicalTrials::amend_protocol(
				signed(SPONSOR_STAFF),
				id,
				h(0xa2),
				h(0xb2),
				Some(outs(&[5]))
			));
			assert_eq!(ClinicalTrials::outcomes_at_version(id, 1), Some(vec![h(1), h(2), h(3)]));
			assert_eq!(ClinicalTrials::outcomes_at_version(id, 2), Some(vec![h(1), h(2), h(3)]));
			assert_eq!(ClinicalTrials::outcomes_at_version(id, 3), Some(vec![h(5)]));
			assert_eq!(ClinicalTrials::outcomes_at_version(id + 1, 1), None);
		});
	}
}

mod try_state {
	use super::*;

	#[test]
	fn detects_inconsistent_counts_and_indexes() {
		let breakages: [fn(TrialId); 4] = [
			|id| {
				Trials::<Test>::mutate(id, |t| {
					if let Some(t) = t {
						t.enrolled += 1;
					}
				})
			},
			|id| EnrolledPatients::<Test>::remove(id, patient_key(id, &ALICE)),
			|_| TrialByRegistryId::<Test>::remove(rid(NCT)),
			|id| OutcomeSwitchedTrials::<Test>::insert(outcome_switch_key(id), ()),
		];
		for breakage in breakages {
			ExtBuilder::default().build().execute_with(|| {
				let id = trial_with_sites();
				enroll(DOCTOR_A, id, ALICE);
				assert_ok!(ClinicalTrials::do_try_state());
				breakage(id);
				assert!(ClinicalTrials::do_try_state().is_err());
			});
		}
	}
}

/// I7: a trial without data cannot be locked (hence never published).
mod lock_requires_data {
	use super::*;

	#[test]
	fn fails_without_data_commits() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			enroll(DOCTOR_A, id, ALICE);
			assert_noop!(
				ClinicalTrials::lock_database(signed(SPONSOR_STAFF), id),
				Error::<Test>::NoDataCommitted
			);
			// Hence no publication either.
			assert_noop!(
				ClinicalTrials::publish_results(signed(SPONSOR_STAFF), id, h(0xcc), outs(&[1])),
				Error::<Test>::NotLocked
			);
		});
	}

	#[test]
	fn data_without_participants_is_enough_and_stays_visible() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			commit(SPONSOR_STAFF, id, 0x11, 1);
			lock(id);
			assert_ok!(ClinicalTrials::publish_results(
				signed(SPONSOR_STAFF),
				id,
				h(0xcc),
				outs(&[1, 2, 3])
			));
			let info = ClinicalTrials::trial(id).expect("known");
			assert_eq!((info.enrolled, info.commit_count), (0, 1));
			assert_eq!(info.first_enrollment, None);
			assert_eq!(info.results.expect("published").status_vs_first_enrollment, None);
		});
	}
}

/// I10: the sponsor removes sites; a removed site can no longer act.
mod remove_site {
	use super::*;

	#[test]
	fn works_for_the_sponsor() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			assert_ok!(ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
			System::assert_last_event(Event::SiteRemoved { trial_id: id, site: HOSPITAL_A }.into());
			assert_eq!(Sites::<Test>::get(id).into_inner(), vec![HOSPITAL_B]);
			assert_eq!(RemovedSites::<Test>::get(id).into_inner(), vec![HOSPITAL_A]);
			let info = ClinicalTrials::trial(id).expect("known");
			assert_eq!(info.sites, vec![HOSPITAL_B]);
			assert_eq!(info.removed_sites, vec![HOSPITAL_A]);
			// The admin may remove the other one.
			assert_ok!(ClinicalTrials::remove_site(signed(SPONSOR), id, HOSPITAL_B));
			assert!(Sites::<Test>::get(id).is_empty());
			assert_eq!(RemovedSites::<Test>::get(id).into_inner(), vec![HOSPITAL_A, HOSPITAL_B]);
		});
	}

	#[test]
	fn a_removed_site_can_no_longer_enroll_commit_or_withdraw() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			let alice = enroll(DOCTOR_A, id, ALICE);
			commit(DOCTOR_A, id, 0x11, 1);
			assert_ok!(ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
			grant_research(BOB, SPONSOR);
			assert_noop!(
				ClinicalTrials::enroll_participant(
					signed(DOCTOR_A),
					id,
					BOB,
					commitment(id, BOB, 2)
				),
				Error::<Test>::NotASite
			);
			assert_noop!(
				ClinicalTrials::commit_data(signed(NURSE_A), id, h(0x12), 1),
				Error::<Test>::NotSiteOrSponsor
			);
			assert_noop!(
				ClinicalTrials::withdraw_participant(signed(DOCTOR_A), id, alice),
				Error::<Test>::NotParticipantSiteOrSponsor
			);
			// What it did while it was a site stays.
			assert!(ClinicalTrials::is_enrolled(id, alice));
			assert_eq!(ClinicalTrials::data_commits(id)[0].submitter, HOSPITAL_A);
			// The remaining site and the sponsor go on.
			assert_ok!(ClinicalTrials::enroll_participant(
				signed(DOCTOR_B),
				id,
				BOB,
				commitment(id, BOB, 2)
			));
			commit(SPONSOR_STAFF, id, 0x13, 1);
		});
	}

	#[test]
	fn works_after_lock() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			commit_and_lock(id);
			assert_ok!(ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_B));
			assert_eq!(RemovedSites::<Test>::get(id).into_inner(), vec![HOSPITAL_B]);
		});
	}

	#[test]
	fn fails_for_an_unknown_trial() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				ClinicalTrials::remove_site(signed(SPONSOR_STAFF), 0, HOSPITAL_A),
				Error::<Test>::UnknownTrial
			);
		});
	}

	#[test]
	fn fails_for_anyone_but_the_sponsor() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			for who in [DOCTOR_A, HOSPITAL_B, OTHER_SPONSOR_STAFF, INSPECTOR] {
				assert_noop!(
					ClinicalTrials::remove_site(signed(who), id, HOSPITAL_A),
					Error::<Test>::NotSponsor
				);
			}
			assert_noop!(
				ClinicalTrials::remove_site(signed(OUTSIDER), id, HOSPITAL_A),
				ConsortiumError::<Test>::NotAMember
			);
			assert_noop!(
				ClinicalTrials::remove_site(RuntimeOrigin::none(), id, HOSPITAL_A),
				BadOrigin
			);
			suspend(SPONSOR);
			assert_noop!(
				ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_A),
				ConsortiumError::<Test>::SuspendedOrganization
			);
		});
	}

	#[test]
	fn fails_for_an_organization_that_is_not_a_current_site() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			assert_noop!(
				ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_C),
				Error::<Test>::UnknownSite
			);
			assert_ok!(ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
			assert_noop!(
				ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_A),
				Error::<Test>::UnknownSite
			);
		});
	}

	#[test]
	fn a_removed_site_can_be_added_back() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			assert_ok!(ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
			assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
			System::assert_last_event(Event::SiteAdded { trial_id: id, site: HOSPITAL_A }.into());
			assert_eq!(Sites::<Test>::get(id).into_inner(), vec![HOSPITAL_B, HOSPITAL_A]);
			assert!(RemovedSites::<Test>::get(id).is_empty());
			enroll(DOCTOR_A, id, ALICE);
		});
	}

	#[test]
	fn removed_sites_keep_their_place_under_the_bound() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_C));
			assert_ok!(ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_C));
			// Two current and one removed site: `MAX_SITES` (3) are taken.
			assert_noop!(
				ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_D),
				Error::<Test>::TooManySites
			);
			// Adding the removed one back takes no new place.
			assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_C));
		});
	}
}

/// I10: a site acts only while it holds the Provider role.
mod site_role {
	use super::*;
	use pallet_consortium::{Role, Roles};

	#[test]
	fn a_site_that_lost_the_provider_role_can_no_longer_enroll_commit_or_withdraw() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			let alice = enroll(DOCTOR_A, id, ALICE);
			assert_ok!(Consortium::set_roles(
				RuntimeOrigin::root(),
				HOSPITAL_A,
				Roles::only(Role::Pharmacy)
			));
			grant_research(BOB, SPONSOR);
			assert_noop!(
				ClinicalTrials::enroll_participant(
					signed(DOCTOR_A),
					id,
					BOB,
					commitment(id, BOB, 2)
				),
				ConsortiumError::<Test>::MissingRole
			);
			assert_noop!(
				ClinicalTrials::commit_data(signed(DOCTOR_A), id, h(0x11), 1),
				ConsortiumError::<Test>::MissingRole
			);
			assert_noop!(
				ClinicalTrials::withdraw_participant(signed(DOCTOR_A), id, alice),
				Error::<Test>::NotParticipantSiteOrSponsor
			);
			// The sponsor can remove it.
			assert_ok!(ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
		});
	}
}

/// L9: participants withdraw (or a site / the sponsor records it).
mod withdraw_participant {
	use super::*;
	use medchain_primitives::PatientRegistry;

	fn withdraw_call(trial_id: TrialId, participant_commitment: H256) -> RuntimeCall {
		RuntimeCall::ClinicalTrials(crate::Call::withdraw_participant {
			trial_id,
			participant_commitment,
		})
	}

	#[test]
	fn the_participant_withdraws_themself() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			let alice = enroll(DOCTOR_A, id, ALICE);
			let bob = enroll(DOCTOR_B, id, BOB);
			let free_calls = MockPatients::free_calls(ALICE);
			advance_time(5_000);
			assert_ok!(ClinicalTrials::withdraw_participant(signed(ALICE), id, alice));
			System::assert_last_event(
				Event::ParticipantWithdrawn {
					trial_id: id,
					participant_commitment: alice,
					by: Withdrawer::Participant,
					withdrawn: 1,
				}
				.into(),
			);
			// One fee-less call counted.
			assert_eq!(MockPatients::free_calls(ALICE), free_calls - 1);
			let t = trial(id);
			assert_eq!((t.enrolled, t.withdrawn, t.active_participants()), (2, 1, 1));
			assert_eq!(t.status, TrialStatus::Enrolling);
			assert_eq!(
				Participants::<Test>::get(id, alice).and_then(|p| p.withdrawal),
				Some(Withdrawal { at: START + 5_000, by: Withdrawer::Participant })
			);
			assert!(!ClinicalTrials::is_enrolled(id, alice));
			assert!(ClinicalTrials::is_enrolled(id, bob));
			assert_eq!(
				ClinicalTrials::participant_status(id, alice).map(|p| p.status),
				Some(ParticipantStatus::Withdrawn)
			);
			let info = ClinicalTrials::trial(id).expect("known");
			assert_eq!((info.enrolled, info.withdrawn), (2, 1));
		});
	}

	#[test]
	fn the_enrolling_site_or_the_sponsor_may_record_it() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			let alice = enroll(DOCTOR_A, id, ALICE);
			let bob = enroll(DOCTOR_B, id, BOB);
			// Any staff of the enrolling site.
			assert_ok!(ClinicalTrials::withdraw_participant(signed(NURSE_A), id, alice));
			System::assert_last_event(
				Event::ParticipantWithdrawn {
					trial_id: id,
					participant_commitment: alice,
					by: Withdrawer::Site(HOSPITAL_A),
					withdrawn: 1,
				}
				.into(),
			);
			assert_ok!(ClinicalTrials::withdraw_participant(signed(SPONSOR_STAFF), id, bob));
			System::assert_last_event(
				Event::ParticipantWithdrawn {
					trial_id: id,
					participant_commitment: bob,
					by: Withdrawer::Sponsor,
					withdrawn: 2,
				}
				.into(),
			);
			assert_eq!(trial(id).active_participants(), 0);
		});
	}

	#[test]
	fn works_after_lock_and_publication() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			let alice = enroll(DOCTOR_A, id, ALICE);
			let bob = enroll(DOCTOR_A, id, BOB);
			commit_and_lock(id);
			assert_ok!(ClinicalTrials::withdraw_participant(signed(ALICE), id, alice));
			assert_ok!(ClinicalTrials::publish_results(
				signed(SPONSOR_STAFF),
				id,
				h(0xcc),
				outs(&[1, 2, 3])
			));
			assert_ok!(ClinicalTrials::withdraw_participant(signed(BOB), id, bob));
			assert_eq!(trial(id).withdrawn, 2);
		});
	}

	#[test]
	fn a_deregistered_patient_can_still_withdraw_paying_the_fee() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			let alice = enroll(DOCTOR_A, id, ALICE);
			MockPatients::deregister(ALICE);
			assert!(!withdraw_call(id, alice).is_feeless(&signed(ALICE)));
			assert_ok!(ClinicalTrials::withdraw_participant(signed(ALICE), id, alice));
			assert_eq!(trial(id).withdrawn, 1);
		});
	}

	#[test]
	fn fails_for_an_unknown_trial_or_participant() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			let alice = enroll(DOCTOR_A, id, ALICE);
			assert_noop!(
				ClinicalTrials::withdraw_participant(signed(ALICE), id + 1, alice),
				Error::<Test>::UnknownTrial
			);
			assert_noop!(
				ClinicalTrials::withdraw_participant(signed(ALICE), id, commitment(id, ALICE, 9)),
				Error::<Test>::UnknownParticipant
			);
		});
	}

	#[test]
	fn fails_for_anyone_else() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			let alice = enroll(DOCTOR_A, id, ALICE);
			// Another patient, another site of the trial, a site of no trial, another
			// sponsor, a regulator, an outsider.
			for who in [BOB, DOCTOR_B, DOCTOR_C, OTHER_SPONSOR_STAFF, INSPECTOR, OUTSIDER] {
				assert_noop!(
					ClinicalTrials::withdraw_participant(signed(who), id, alice),
					Error::<Test>::NotParticipantSiteOrSponsor
				);
			}
			assert_noop!(
				ClinicalTrials::withdraw_participant(RuntimeOrigin::none(), id, alice),
				BadOrigin
			);
			suspend(SPONSOR);
			assert_noop!(
				ClinicalTrials::withdraw_participant(signed(SPONSOR_STAFF), id, alice),
				ConsortiumError::<Test>::SuspendedOrganization
			);
			// The participant themself does not depend on the sponsor.
			assert_ok!(ClinicalTrials::withdraw_participant(signed(ALICE), id, alice));
		});
	}

	#[test]
	fn fails_twice() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			let alice = enroll(DOCTOR_A, id, ALICE);
			assert_ok!(ClinicalTrials::withdraw_participant(signed(ALICE), id, alice));
			for who in [ALICE, DOCTOR_A, SPONSOR_STAFF] {
				assert_noop!(
					ClinicalTrials::withdraw_participant(signed(who), id, alice),
					Error::<Test>::AlreadyWithdrawn
				);
			}
		});
	}

	#[test]
	fn a_withdrawn_patient_cannot_be_enrolled_again() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			let alice = enroll(DOCTOR_A, id, ALICE);
			assert_ok!(ClinicalTrials::withdraw_participant(signed(ALICE), id, alice));
			assert_noop!(
				ClinicalTrials::enroll_participant(signed(DOCTOR_A), id, ALICE, alice),
				Error::<Test>::DuplicateParticipant
			);
			assert_noop!(
				ClinicalTrials::enroll_participant(
					signed(DOCTOR_B),
					id,
					ALICE,
					commitment(id, ALICE, 0x77)
				),
				Error::<Test>::PatientAlreadyEnrolled
			);
		});
	}

	#[test]
	fn feeless_only_for_the_participant_with_quota_when_it_succeeds() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			let alice = enroll(DOCTOR_A, id, ALICE);
			assert!(withdraw_call(id, alice).is_feeless(&signed(ALICE)));
			// A site or the sponsor pays.
			assert!(!withdraw_call(id, alice).is_feeless(&signed(DOCTOR_A)));
			assert!(!withdraw_call(id, alice).is_feeless(&signed(SPONSOR_STAFF)));
			// A patient with quota whose call would fail pays.
			assert!(MockPatients::has_free_quota(&BOB));
			assert!(!withdraw_call(id, alice).is_feeless(&signed(BOB)));
			assert!(!withdraw_call(id + 1, alice).is_feeless(&signed(ALICE)));
			assert!(!withdraw_call(id, h(9)).is_feeless(&signed(ALICE)));
			assert!(!withdraw_call(id, alice).is_feeless(&RuntimeOrigin::none()));
			assert!(!withdraw_call(id, alice).is_feeless(&RuntimeOrigin::root()));
			// No quota left: the participant pays, and nothing is counted.
			MockPatients::register(ALICE, 0);
			assert!(!withdraw_call(id, alice).is_feeless(&signed(ALICE)));
			assert_ok!(ClinicalTrials::withdraw_participant(signed(ALICE), id, alice));
			assert_eq!(MockPatients::free_calls(ALICE), 0);
			// Once withdrawn, a second withdrawal would fail: never fee-less.
			MockPatients::register(ALICE, 5);
			assert!(!withdraw_call(id, alice).is_feeless(&signed(ALICE)));
		});
	}
}

/// L9: the status query checks the Research consent again.
mod participant_status {
	use super::*;
	use medchain_primitives::PatientRegistry;

	#[test]
	fn reports_the_enrolling_consent_and_the_consent_in_force() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			let first = grant_research(ALICE, SPONSOR);
			let alice = commitment(id, ALICE, 1);
			assert_ok!(ClinicalTrials::enroll_participant(signed(DOCTOR_A), id, ALICE, alice));
			assert_eq!(Participants::<Test>::get(id, alice).map(|p| p.consent_id), Some(first));
			let info = |status| ParticipantInfo {
				site: HOSPITAL_A,
				enrolled_at: START,
				protocol_version: 1,
				enrollment_consent_id: first,
				withdrawal: None,
				status,
			};
			assert_eq!(
				ClinicalTrials::participant_status(id, alice),
				Some(info(ParticipantStatus::Active { consent_id: first }))
			);
			// Revoked: still enrolled, but reported.
			assert_ok!(Consent::revoke_consent(signed(ALICE), first));
			assert_eq!(
				ClinicalTrials::participant_status(id, alice),
				Some(info(ParticipantStatus::ConsentLapsed))
			);
			assert!(ClinicalTrials::is_enrolled(id, alice));
			// A new consent makes the participant active again; the enrolling one stays.
			let second = grant_research(ALICE, SPONSOR);
			assert_eq!(
				ClinicalTrials::participant_status(id, alice),
				Some(info(ParticipantStatus::Active { consent_id: second }))
			);
			// Unknown participant or trial.
			assert_eq!(ClinicalTrials::participant_status(id, h(9)), None);
			assert_eq!(ClinicalTrials::participant_status(id + 1, alice), None);
		});
	}

	#[test]
	fn an_expired_consent_a_deregistered_patient_or_a_suspended_sponsor_lapse() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			grant_with(ALICE, SPONSOR, Purpose::Research, Access::READ, Some(START + 1_000));
			let alice = commitment(id, ALICE, 1);
			assert_ok!(ClinicalTrials::enroll_participant(signed(DOCTOR_A), id, ALICE, alice));
			let bob = enroll(DOCTOR_A, id, BOB);
			let carol = enroll(DOCTOR_B, id, CAROL);
			let status = |c| ClinicalTrials::participant_status(id, c).map(|p| p.status);
			assert!(matches!(status(alice), Some(ParticipantStatus::Active { .. })));
			advance_time(1_000);
			assert_eq!(status(alice), Some(ParticipantStatus::ConsentLapsed));
			MockPatients::deregister(BOB);
			assert!(!MockPatients::is_registered(&BOB));
			assert_eq!(status(bob), Some(ParticipantStatus::ConsentLapsed));
			assert!(matches!(status(carol), Some(ParticipantStatus::Active { .. })));
			suspend(SPONSOR);
			assert_eq!(status(carol), Some(ParticipantStatus::ConsentLapsed));
		});
	}

	#[test]
	fn a_withdrawal_is_reported_with_its_time_and_author() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			let alice = enroll(DOCTOR_A, id, ALICE);
			advance_time(7);
			assert_ok!(ClinicalTrials::withdraw_participant(signed(SPONSOR_STAFF), id, alice));
			let info = ClinicalTrials::participant_status(id, alice).expect("participant");
			assert_eq!(info.status, ParticipantStatus::Withdrawn);
			assert_eq!(
				info.withdrawal,
				Some(Withdrawal { at: START + 7, by: Withdrawer::Sponsor })
			);
		});
	}
}

/// L8: governance corrects registry-id squatting.
mod release_registry_id {
	use super::*;

	fn root() -> RuntimeOrigin {
		RuntimeOrigin::root()
	}

	#[test]
	fn the_rightful_sponsor_registers_a_released_and_reserved_id() {
		ExtBuilder::default().build_and_execute(|| {
			// Another sponsor squats the sponsor's NCT number.
			let squatted = register_as(OTHER_SPONSOR_STAFF, NCT);
			assert_noop!(
				ClinicalTrials::register_trial(
					signed(SPONSOR_STAFF),
					rid(NCT),
					h(PROTOCOL),
					outs(&[1]),
					1
				),
				Error::<Test>::DuplicateRegistryId
			);
			advance_time(1_000);
			assert_ok!(ClinicalTrials::release_registry_id(root(), squatted, Some(SPONSOR)));
			System::assert_last_event(
				Event::RegistryIdReleased {
					trial_id: squatted,
					sponsor: OTHER_SPONSOR,
					registry_id: rid(NCT),
					reserved_for: Some(SPONSOR),
				}
				.into(),
			);
			// The squatting trial stays, marked; the index no longer names it.
			let t = trial(squatted);
			assert_eq!(t.registry_id, rid(NCT));
			assert_eq!(t.registry_id_released_at, Some(START + 1_000));
			assert_eq!(ClinicalTrials::trial_by_registry_id(NCT.to_vec()), None);
			assert_eq!(
				ClinicalTrials::trial(squatted).and_then(|i| i.registry_id_released_at),
				Some(START + 1_000)
			);
			assert_eq!(RegistryIdReservations::<Test>::get(rid(NCT)), Some(SPONSOR));
			// The squatter cannot take it again; the rightful sponsor can.
			assert_noop!(
				ClinicalTrials::register_trial(
					signed(OTHER_SPONSOR_STAFF),
					rid(NCT),
					h(PROTOCOL),
					outs(&[1]),
					1
				),
				Error::<Test>::RegistryIdReserved
			);
			let rightful = register_as(SPONSOR_STAFF, NCT);
			assert_eq!(ClinicalTrials::trial_by_registry_id(NCT.to_vec()), Some(rightful));
			assert_eq!(RegistryIdReservations::<Test>::get(rid(NCT)), None);
			assert_eq!(trial(rightful).registry_id_released_at, None);
		});
	}

	#[test]
	fn without_a_reservation_the_id_is_free_for_any_sponsor() {
		ExtBuilder::default().build_and_execute(|| {
			let first = register();
			assert_ok!(ClinicalTrials::release_registry_id(root(), first, None));
			System::assert_last_event(
				Event::RegistryIdReleased {
					trial_id: first,
					sponsor: SPONSOR,
					registry_id: rid(NCT),
					reserved_for: None,
				}
				.into(),
			);
			assert_eq!(RegistryIdReservations::<Test>::get(rid(NCT)), None);
			let second = register_as(OTHER_SPONSOR_STAFF, NCT);
			assert_eq!(ClinicalTrials::trial_by_registry_id(NCT.to_vec()), Some(second));
		});
	}

	#[test]
	fn the_released_trial_keeps_its_history_and_goes_on() {
		ExtBuilder::default().build_and_execute(|| {
			let id = trial_with_sites();
			enroll(DOCTOR_A, id, ALICE);
			commit(DOCTOR_A, id, 0x11, 1);
			let before = trial(id);
			assert_ok!(ClinicalTrials::release_registry_id(root(), id, Some(OTHER_SPONSOR)));
			let after = trial(id);
			assert_eq!(after, TrialOf::<Test> { registry_id_released_at: Some(START), ..before });
			commit(DOCTOR_B, id, 0x12, 1);
			lock(id);
			assert!(ClinicalTrials::verify_data_chain(id));
		});
	}

	#[test]
	fn requires_the_governance_origin() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			for origin in [signed(SPONSOR_STAFF), signed(OTHER_SPONSOR), signed(INSPECTOR)] {
				assert_noop!(ClinicalTrials::release_registry_id(origin, id, None), BadOrigin);
			}
			assert_noop!(
				ClinicalTrials::release_registry_id(RuntimeOrigin::none(), id, None),
				BadOrigin
			);
		});
	}

	#[test]
	fn fails_for_an_unknown_trial() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				ClinicalTrials::release_registry_id(root(), 0, None),
				Error::<Test>::UnknownTrial
			);
		});
	}

	#[test]
	fn fails_twice() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			assert_ok!(ClinicalTrials::release_registry_id(root(), id, None));
			assert_noop!(
				ClinicalTrials::release_registry_id(root(), id, Some(OTHER_SPONSOR)),
				Error::<Test>::RegistryIdAlreadyReleased
			);
			// Even once another trial holds the id.
			register_as(OTHER_SPONSOR_STAFF, NCT);
			assert_noop!(
				ClinicalTrials::release_registry_id(root(), id, None),
				Error::<Test>::RegistryIdAlreadyReleased
			);
		});
	}

	#[test]
	fn reserves_only_for_an_active_trial_sponsor_organization() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			// A Provider, a sponsor's staff account (not the organization), an outsider.
			for reservee in [HOSPITAL_A, OTHER_SPONSOR_STAFF, OUTSIDER] {
				assert_noop!(
					ClinicalTrials::release_registry_id(root(), id, Some(reservee)),
					Error::<Test>::ReserveeNotSponsor
				);
			}
			suspend(OTHER_SPONSOR);
			assert_noop!(
				ClinicalTrials::release_registry_id(root(), id, Some(OTHER_SPONSOR)),
				Error::<Test>::ReserveeNotSponsor
			);
		});
	}
}

/// L12: the outcome-switch list is paged, in id order.
mod outcome_switch_paging {
	use super::*;

	/// Register and publish `n` trials, alternately switched and complete; returns the
	/// switched ones.
	fn publish_alternating(n: u8) -> Vec<TrialId> {
		let mut switched = Vec::new();
		for i in 0..n {
			let id = register_as(SPONSOR_STAFF, format!("NCT{i}").as_bytes());
			commit_and_lock(id);
			let reported = if i % 2 == 0 { outs(&[1]) } else { outs(&[1, 2, 3]) };
			assert_ok!(ClinicalTrials::publish_results(
				signed(SPONSOR_STAFF),
				id,
				h(0xcc),
				reported
			));
			if i % 2 == 0 {
				switched.push(id);
			}
		}
		switched
	}

	#[test]
	fn pages_follow_id_order() {
		ExtBuilder::default().build_and_execute(|| {
			let switched = publish_alternating(10);
			assert_eq!(switched.len(), 5);
			assert_eq!(ClinicalTrials::trials_with_outcome_switch(None, 100), switched);
			let first = ClinicalTrials::trials_with_outcome_switch(None, 2);
			assert_eq!(first, switched[..2]);
			let second = ClinicalTrials::trials_with_outcome_switch(first.last().copied(), 2);
			assert_eq!(second, switched[2..4]);
			let third = ClinicalTrials::trials_with_outcome_switch(second.last().copied(), 2);
			assert_eq!(third, switched[4..]);
			assert!(ClinicalTrials::trials_with_outcome_switch(third.last().copied(), 2).is_empty());
			// `after` need not be a switched trial; `limit` 0 is an empty page.
			assert_eq!(ClinicalTrials::trials_with_outcome_switch(Some(1), 1), vec![switched[1]]);
			assert!(ClinicalTrials::trials_with_outcome_switch(None, 0).is_empty());
		});
	}

	#[test]
	fn numeric_order_across_byte_boundaries_and_the_page_cap() {
		// Storage-level: the index alone (no trials), so the invariants are not checked.
		ExtBuilder::empty().build().execute_with(|| {
			let ids: Vec<TrialId> = vec![65_536, 256, 1, 300, 2, 255, u32::MAX];
			for id in &ids {
				OutcomeSwitchedTrials::<Test>::insert(outcome_switch_key(*id), ());
			}
			let mut sorted = ids.clone();
			sorted.sort_unstable();
			assert_eq!(ClinicalTrials::trials_with_outcome_switch(None, 100), sorted);
			assert_eq!(
				ClinicalTrials::trials_with_outcome_switch(Some(255), 3),
				vec![256, 300, 65_536]
			);
			assert_eq!(ClinicalTrials::trials_with_outcome_switch(Some(65_536), 3), vec![u32::MAX]);

			for id in 1_000..1_000 + MAX_OUTCOME_SWITCH_PAGE + 5 {
				OutcomeSwitchedTrials::<Test>::insert(outcome_switch_key(id), ());
			}
			let page = ClinicalTrials::trials_with_outcome_switch(None, u32::MAX);
			assert_eq!(page.len(), MAX_OUTCOME_SWITCH_PAGE as usize);
			assert!(page.windows(2).all(|w| w[0] < w[1]));
			assert_eq!(ClinicalTrials::MaxOutcomeSwitchPage(), MAX_OUTCOME_SWITCH_PAGE);
		});
	}
}

mod try_state_v2 {
	use super::*;

	#[test]
	fn detects_broken_withdrawal_site_lock_and_registry_invariants() {
		let breakages: [fn(TrialId, H256); 6] = [
			|id, _| {
				Trials::<Test>::mutate(id, |t| {
					if let Some(t) = t {
						t.withdrawn += 1;
					}
				})
			},
			|id, c| {
				Participants::<Test>::mutate(id, c, |p| {
					if let Some(p) = p {
						p.site = HOSPITAL_C;
					}
				})
			},
			|id, _| {
				RemovedSites::<Test>::mutate(id, |r| {
					r.try_push(HOSPITAL_B).expect("room");
				})
			},
			|id, _| {
				Trials::<Test>::mutate(id, |t| {
					if let Some(t) = t {
						t.status = TrialStatus::Locked;
						t.locked_at = Some(START);
					}
				})
			},
			|_, _| RegistryIdReservations::<Test>::insert(rid(NCT), SPONSOR),
			|id, _| {
				Trials::<Test>::mutate(id, |t| {
					if let Some(t) = t {
						t.registry_id_released_at = Some(START);
					}
				})
			},
		];
		for breakage in breakages {
			ExtBuilder::default().build().execute_with(|| {
				let id = trial_with_sites();
				let c = enroll(DOCTOR_A, id, ALICE);
				assert_ok!(ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
				assert_ok!(ClinicalTrials::do_try_state());
				breakage(id, c);
				assert!(ClinicalTrials::do_try_state().is_err());
			});
		}
	}
}

/// The whole story of a trial, as the issue tells it.
mod story {
	use super::*;

	#[test]
	fn registration_to_outcome_switch_detection() {
		ExtBuilder::default().build().execute_with(|| {
			// The sponsor registers the plan: three pre-specified outcomes, before enrollment.
			let id = register();
			// Two hospitals become sites.
			assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
			assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_B));
			// Alice consents to research by the sponsor; a site enrolls her under a commitment.
			let consent_id = grant_research(ALICE, SPONSOR);
			let alice = commitment(id, ALICE, 0x5a);
			assert_ok!(ClinicalTrials::enroll_participant(signed(DOCTOR_A), id, ALICE, alice));
			System::assert_last_event(
				Event::ParticipantEnrolled {
					trial_id: id,
					participant_commitment: alice,
					site: HOSPITAL_A,
					consent_id,
					enrolled: 1,
					over_planned: false,
				}
				.into(),
			);
			// Three data commits from both sites and the sponsor.
			advance_time(86_400_000);
			commit(DOCTOR_A, id, 0x11, 120);
			commit(DOCTOR_B, id, 0x12, 80);
			commit(SPONSOR_STAFF, id, 0x13, 200);
			assert_eq!(trial(id).commit_count, 3);
			// The sponsor locks the database, then publishes with outcome 2 missing and an
			// outcome 9 that was never pre-specified.
			lock(id);
			assert_noop!(
				ClinicalTrials::commit_data(signed(DOCTOR_A), id, h(0x14), 1),
				Error::<Test>::LockedDatabase
			);
			assert_ok!(ClinicalTrials::publish_results(
				signed(SPONSOR_STAFF),
				id,
				h(0xcc),
				outs(&[1, 3, 9])
			));
			let status = OutcomeStatus::OutcomeSwitched { missing: 1, added: 1 };
			System::assert_last_event(
				Event::ResultsPublished {
					trial_id: id,
					results_hash: h(0xcc),
					status,
					outcomes_amended_after_enrollment: false,
				}
				.into(),
			);
			// Visible to everyone.
			let info = ClinicalTrials::trial(id).expect("known");
			let results = info.results.expect("published");
			assert_eq!(results.status, status);
			assert_eq!((results.missing, results.added), (vec![h(2)], vec![h(9)]));
			assert_eq!(ClinicalTrials::trials_with_outcome_switch(None, 10), vec![id]);
			// The data chain verifies, and every invariant holds.
			assert!(ClinicalTrials::verify_data_chain(id));
			assert_ok!(ClinicalTrials::do_try_state());
			// Tampering with one stored commit is detected.
			DataCommits::<Test>::mutate(id, 1, |c| {
				if let Some(c) = c {
					c.record_count = 79;
				}
			});
			assert!(!ClinicalTrials::verify_data_chain(id));
			assert!(ClinicalTrials::do_try_state().is_err());
		});
	}
}

/// Issue #16: `amend_protocol` and `publish_results` are charged for the outcomes they are
/// given (known before dispatch) and refunded to the protocol history they read.
mod weights {
	use super::*;
	use crate::{Call, MaxProtocolVersions, WeightInfo};
	use frame_support::{dispatch::GetDispatchInfo, traits::Get, weights::Weight};

	type W = <Test as crate::Config>::WeightInfo;

	fn versions(trial_id: TrialId) -> u32 {
		ProtocolVersions::<Test>::get(trial_id).len() as u32
	}

	fn declared(call: Call<Test>) -> Weight {
		call.get_dispatch_info().call_weight
	}

	#[test]
	fn the_weight_functions_grow_with_their_components() {
		assert!(W::amend_protocol(1, 1).all_lt(W::amend_protocol(MAX_OUTCOMES, MAX_AMENDMENTS)));
		assert!(W::amend_protocol(1, 2).all_gt(W::amend_protocol(1, 1)));
		assert!(W::amend_protocol(2, 1).ref_time() > W::amend_protocol(1, 1).ref_time());
		let full = MaxProtocolVersions::<Test>::get();
		assert!(W::publish_results(0, 0).all_lt(W::publish_results(MAX_OUTCOMES, full)));
		assert!(W::publish_results(0, 2).all_gt(W::publish_results(0, 1)));
		assert!(W::publish_results(1, 0).ref_time() > W::publish_results(0, 0).ref_time());
	}

	#[test]
	fn amend_protocol_is_charged_for_its_outcomes_and_refunded_to_the_history() {
		ExtBuilder::default().build_and_execute(|| {
			let id = register();
			let call = |new_outcomes| Call::amend_protocol {
				trial_id: id,
				protocol_hash: h(0xb0),
				reason_hash: h(0xb1),
				new_outcomes,
			};
			// Before dispatch: the new outcomes' count, and a history of `MaxAmendments`.
			let two = declared(call(Some(outs(&[7, 8]))));
			assert_eq!(two, W::amend_protocol(2, MAX_AMENDMENTS));
			assert_eq!(declared(call(None)), W::amend_protocol(0, MAX_AMENDMENTS));
			// Outcomes are call data: they cost time, not proof size.
			assert!(declared(call(None)).ref_time() < two.ref_time());
			assert_eq!(declared(call(None)).proof_size(), two.proof_size());
			assert_eq!(
				declared(call(Some(outs(&[1, 2, 3, 4])))),
				W::amend_protocol(MAX_OUTCOMES, MAX_AMENDMENTS)
			);

			// After: the history's length before the new version.
			assert_eq!(versions(id), 1);
			let post = ClinicalTrials::amend_protocol(
				signed(SPONSOR_STAFF),
				id,
				h(0xb0),
				h(0xb1),
				Some(outs(&[7, 8])),
			)
			.expect("amended");
			assert_eq!(post.actual_weight, Some(W::amend_protocol(2, 1)));
			assert!(W::amend_protocol(2, 1).all_lt(two));
			let post =
				ClinicalTrials::amend_protocol(signed(SPONSOR_STAFF), id, h(0xb2), h(0xb3), None)
					.expect("amended");
			assert_eq!(post.actual_weight, Some(W::amend_protocol(0, 2)));

			// The last amendment allowed reads a history of `MaxAmendments`: charged in full.
			while versions(id) < MAX_AMENDMENTS {
				assert_ok!(ClinicalTrials::amend_protocol(
					signed(SPONSOR_STAFF),
					id,
					h(0xb4),
					h(0xb5),
					None
				));
			}
			let post = ClinicalTrials::amend_protocol(
				signed(SPONSOR_STAFF),
				id,
				h(0xb6),
				h(0xb7),
				Some(outs(&[7, 8])),
			)
			.expect("amended");
			assert_eq!(post.actual_weight, Some(two));

			// A refused amendment is charged what was declared.
			let err =
				ClinicalTrials::amend_protocol(signed(SPONSOR_STAFF), id, h(0xb8), h(0xb9), None)
					.expect_err("too many amendments");
			assert_eq!(err.error, Error::<Test>::TooManyAmendments.into());
			assert_eq!(err.post_info.actual_weight, None);
		});
	}

	#[test]
	fn publish_results_reads_the_history_only_after_an_enrollment() {
		ExtBuilder::default().build_and_execute(|| {
			// Nobody enrolled: the history is not read.
			let id = register();
			commit_and_lock(id);
			let full = declared(Call::publish_results {
				trial_id: id,
				results_hash: h(0xc0),
				reported_outcomes: outs(&[1, 2, 3]),
			});
			assert_eq!(full, W::publish_results(3, MaxProtocolVersions::<Test>::get()));
			let post = ClinicalTrials::publish_results(
				signed(SPONSOR_STAFF),
				id,
				h(0xc0),
				outs(&[1, 2, 3]),
			)
			.expect("published");
			assert_eq!(post.actual_weight, Some(W::publish_results(3, 0)));
			assert!(W::publish_results(3, 0).all_lt(full));

			// Enrolled, then amended once: the two versions are read.
			let id = register_as(SPONSOR_STAFF, b"NCT00000002");
			assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
			let _ = enroll(DOCTOR_A, id, ALICE);
			assert_ok!(ClinicalTrials::amend_protocol(
				signed(SPONSOR_STAFF),
				id,
				h(0xb0),
				h(0xb1),
				Some(outs(&[1, 2]))
			));
			commit_and_lock(id);
			let v = versions(id);
			assert_eq!(v, 2);
			let post =
				ClinicalTrials::publish_results(signed(SPONSOR_STAFF), id, h(0xc1), outs(&[1]))
					.expect("published");
			assert_eq!(post.actual_weight, Some(W::publish_results(1, v)));
			assert!(W::publish_results(1, v).all_gte(W::publish_results(1, 0)));
			assert!(W::publish_results(1, v)
				.all_lt(W::publish_results(1, MaxProtocolVersions::<Test>::get())));
		});
	}
}

/// Right to erasure (review finding N12): deregistering unlinks the patient's trial
/// enrollments from their account.
mod erasure {
	use super::*;
	use crate::{migrations::v3, ParticipationsOf};
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	use medchain_primitives::PatientErasure;

	fn erase(patient: AccountId) {
		<ClinicalTrials as PatientErasure<AccountId>>::on_patient_deregistered(&patient);
	}

	/// A second trial with hospital A as its site.
	fn second_trial() -> TrialId {
		let id = register_as(SPONSOR_STAFF, b"NCT00000002");
		assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
		id
	}

	#[test]
	fn unlinks_every_participation_and_withdraws_the_rest() {
		ExtBuilder::default().build_and_execute(|| {
			let first = trial_with_sites();
			let second = second_trial();
			let c1 = enroll(DOCTOR_A, first, ALICE);
			let c2 = enroll(DOCTOR_A, second, ALICE);
			let bob = enroll(DOCTOR_A, first, BOB);
			assert_eq!(
				ParticipationsOf::<Test>::get(ALICE).into_inner(),
				vec![(first, c1), (second, c2)]
			);
			// The site had already withdrawn her from the first trial.
			assert_ok!(ClinicalTrials::withdraw_participant(signed(DOCTOR_A), first, c1));
			System::reset_events();

			MockPatients::deregister(ALICE);
			erase(ALICE);

			for (id, c) in [(first, c1), (second, c2)] {
				let p = Participants::<Test>::get(id, c).expect("the participant stays");
				assert_eq!(p.patient, None, "trial {id}");
				assert!(p.withdrawal.is_some());
				assert!(!EnrolledPatients::<Test>::contains_key(id, patient_key(id, &ALICE)));
				assert_eq!(
					ClinicalTrials::participant_status(id, c).map(|s| s.status),
					Some(ParticipantStatus::Withdrawn)
				);
			}
			// The earlier withdrawal keeps its author; the second is the participant's own.
			assert_eq!(
				Participants::<Test>::get(first, c1).and_then(|p| p.withdrawal).map(|w| w.by),
				Some(Withdrawer::Site(HOSPITAL_A))
			);
			assert_eq!(
				Participants::<Test>::get(second, c2).and_then(|p| p.withdrawal).map(|w| w.by),
				Some(Withdrawer::Participant)
			);
			// Counted once each; the trials keep their participants.
			assert_eq!((trial(first).withdrawn, trial(first).enrolled), (1, 2));
			assert_eq!((trial(second).withdrawn, trial(second).enrolled), (1, 1));
			assert_eq!(
				System::events().into_iter().map(|r| r.event).collect::<Vec<_>>(),
				vec![RuntimeEvent::ClinicalTrials(Event::ParticipantWithdrawn {
					trial_id: second,
					participant_commitment: c2,
					by: Withdrawer::Participant,
					withdrawn: 1,
				})]
			);
			assert!(ParticipationsOf::<Test>::get(ALICE).is_empty());
			// Nothing in state names her account any more; Bob is untouched.
			assert!(Participants::<Test>::iter_values().all(|p| p.patient != Some(ALICE)));
			assert_eq!(Participants::<Test>::get(first, bob).and_then(|p| p.patient), Some(BOB));
			ClinicalTrials::do_try_state().expect("state consistent after erasure");
		});
	}

	#[test]
	fn a_patient_joins_at_most_max_trials_per_patient() {
		ExtBuilder::default().build_and_execute(|| {
			let first = trial_with_sites();
			let second = second_trial();
			let third = register_as(SPONSOR_STAFF, b"NCT00000003");
			assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), third, HOSPITAL_A));
			enroll(DOCTOR_A, first, ALICE);
			enroll(DOCTOR_A, second, ALICE);
			assert_eq!(MAX_TRIALS_PER_PATIENT, 2);
			let c = commitment(third, ALICE, 1);
			assert_noop!(
				ClinicalTrials::enroll_participant(signed(DOCTOR_A), third, ALICE, c),
				Error::<Test>::TooManyTrialsForPatient
			);
		});
	}

	#[test]
	fn try_state_refuses_an_unindexed_or_unwithdrawn_erased_participant() {
		// Not `build_and_execute`: it checks the invariants at the end, which this breaks.
		ExtBuilder::default().build().execute_with(|| {
			let id = trial_with_sites();
			let c = enroll(DOCTOR_A, id, ALICE);
			ClinicalTrials::do_try_state().expect("consistent");
			ParticipationsOf::<Test>::remove(ALICE);
			assert!(ClinicalTrials::do_try_state().is_err(), "an unindexed participation passed");
			Participants::<Test>::mutate(id, c, |p| {
				if let Some(p) = p {
					p.patient = None;
				}
			});
			EnrolledPatients::<Test>::remove(id, patient_key(id, &ALICE));
			assert!(
				ClinicalTrials::do_try_state().is_err(),
				"an erased, active participant passed"
			);
		});
	}

	#[test]
	fn v2_to_v3_indexes_participations_and_erases_deregistered_patients() {
		ExtBuilder::default().build_and_execute(|| {
			let first = trial_with_sites();
			let ca = enroll(DOCTOR_A, first, ALICE);
			let cb = enroll(DOCTOR_A, first, BOB);
			// Rewrite both as v2 records, the v3 index absent; Bob then deregisters under v2,
			// which left his participation linked.
			for (c, who) in [(ca, ALICE), (cb, BOB)] {
				let p = Participants::<Test>::take(first, c).expect("enrolled");
				v3::v2::Participants::<Test>::insert(
					first,
					c,
					v3::v2::Participant {
						patient: who,
						site: p.site,
						enrolled_at: p.enrolled_at,
						protocol_version: p.protocol_version,
						consent_id: p.consent_id,
						withdrawal: p.withdrawal,
					},
				);
				ParticipationsOf::<Test>::remove(who);
			}
			MockPatients::deregister(BOB);
			StorageVersion::new(2).put::<ClinicalTrials>();

			v3::MigrateV2ToV3::<Test>::on_runtime_upgrade();

			assert_eq!(ClinicalTrials::on_chain_storage_version(), 3);
			assert_eq!(Participants::<Test>::get(first, ca).and_then(|p| p.patient), Some(ALICE));
			assert_eq!(ParticipationsOf::<Test>::get(ALICE).into_inner(), vec![(first, ca)]);
			let bob = Participants::<Test>::get(first, cb).expect("kept");
			assert_eq!(bob.patient, None);
			assert_eq!(bob.withdrawal.map(|w| w.by), Some(Withdrawer::Participant));
			assert!(!EnrolledPatients::<Test>::contains_key(first, patient_key(first, &BOB)));
			assert_eq!(trial(first).withdrawn, 1);
			ClinicalTrials::do_try_state().expect("state consistent after the migration");
		});
	}
}
