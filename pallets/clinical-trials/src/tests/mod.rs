//! Unit tests of the clinical-trials pallet: every call, every error, every event, the
//! commitment and hash-chain formulas, the outcome comparison, tampering detection and the
//! runtime-API queries. This file holds the helpers the test files share.

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

// One file per call, then the queries, the invariants and the cross-cutting topics.
mod add_site;
mod amend_protocol;
mod commit_data;
mod enroll_participant;
mod flag_trial;
mod lock_database;
mod lock_requires_data;
mod publish_results;
mod register_trial;
mod release_registry_id;
mod remove_site;
mod site_role;
mod withdraw_participant;

mod data_chain;
mod outcome_switch_paging;
mod participant_status;
mod queries;

mod try_state;
mod try_state_v2;

mod erasure;
mod formulas;
mod mock_setup;
mod story;
mod weights;

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
