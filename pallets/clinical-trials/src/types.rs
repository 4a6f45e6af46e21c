//! Types of the clinical-trials pallet: trials, protocol versions, data commits, results,
//! regulators' flags, participants and their withdrawals, plus the flat [`TrialInfo`] and
//! [`ParticipantInfo`] the runtime API returns.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use medchain_primitives::{ConsentId, Moment};
use scale_info::TypeInfo;
use sp_core::H256;

/// Identifies a trial: a counter, never reused.
pub type TrialId = u32;

/// The domain tag hashed into every participant commitment (see the crate docs).
pub const PARTICIPANT_DOMAIN: &[u8] = b"medchain/trial-participant";

/// Where a trial is in its life. Transitions only move forward:
/// `Registered → Enrolling` (first participant) `→ Locked` (`lock_database`) `→ Published`
/// (`publish_results`); a trial with data commits but no participant goes straight from
/// `Registered` to `Locked` (locking needs at least one data commit).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum TrialStatus {
	/// Registered with its protocol and pre-specified outcomes; no participant yet.
	Registered,
	/// At least one participant is enrolled; data may be committed.
	Enrolling,
	/// The sponsor locked the database: the data chain head is frozen.
	Locked,
	/// The sponsor published the results; the outcome-reporting status is recorded.
	Published,
}

impl TrialStatus {
	/// Whether the database is locked (`Locked` or `Published`): no enrollment, no data, no
	/// amendment, no new site any more.
	pub const fn is_locked(self) -> bool {
		matches!(self, TrialStatus::Locked | TrialStatus::Published)
	}
}

/// How the reported outcomes compare with the expected ones (see the crate docs).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum OutcomeStatus {
	/// Exactly the expected outcomes were reported (in any order).
	Complete,
	/// The report differs from the expected outcomes.
	OutcomeSwitched {
		/// How many expected outcomes the report leaves out.
		missing: u32,
		/// How many reported outcomes were never pre-specified.
		added: u32,
	},
}

impl OutcomeStatus {
	/// The status for `missing` left-out and `added` unregistered outcomes.
	pub const fn from_counts(missing: u32, added: u32) -> Self {
		if missing == 0 && added == 0 {
			OutcomeStatus::Complete
		} else {
			OutcomeStatus::OutcomeSwitched { missing, added }
		}
	}

	/// Whether the report switched outcomes.
	pub const fn is_switched(self) -> bool {
		matches!(self, OutcomeStatus::OutcomeSwitched { .. })
	}
}

/// One version of a trial's protocol. Version 1 is the registered protocol; each
/// `amend_protocol` adds the next one. The history is never rewritten.
///
/// `Outcomes` is `BoundedVec<H256, MaxOutcomes>` in storage and `Vec<H256>` in the runtime API.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct ProtocolVersion<Outcomes> {
	/// The version number: 1 for the registered protocol, then +1 per amendment.
	pub version: u32,
	/// The hash of this version's protocol document.
	pub protocol_hash: H256,
	/// The hash of the amendment's justification document; `None` for version 1.
	pub reason_hash: Option<H256>,
	/// The pre-specified outcomes this version put in force, if it set them: always `Some`
	/// for version 1; `Some` for an amendment that changed the outcome set; `None` for an
	/// amendment that kept it.
	pub outcomes: Option<Outcomes>,
	/// When this version was recorded (ms since the Unix epoch).
	pub at: Moment,
	/// Whether it was recorded after the first participant was enrolled.
	pub after_enrollment: bool,
}

impl<Outcomes> ProtocolVersion<Outcomes> {
	/// Whether this version set (or changed) the outcomes.
	pub const fn sets_outcomes(&self) -> bool {
		self.outcomes.is_some()
	}

	/// The same version with its outcome list mapped (e.g. from a `BoundedVec` to a `Vec`).
	pub fn map_outcomes<O>(self, f: impl FnOnce(Outcomes) -> O) -> ProtocolVersion<O> {
		ProtocolVersion {
			version: self.version,
			protocol_hash: self.protocol_hash,
			reason_hash: self.reason_hash,
			outcomes: self.outcomes.map(f),
			at: self.at,
			after_enrollment: self.after_enrollment,
		}
	}
}

/// When the first participant was enrolled, and under which protocol version.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct FirstEnrollment {
	/// When (ms since the Unix epoch).
	pub at: Moment,
	/// The protocol version in force at that moment.
	pub protocol_version: u32,
}

/// The published results of a trial and the runtime's verdict on its outcome reporting.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Results<Outcomes> {
	/// The hash of the results document.
	pub results_hash: H256,
	/// The reported outcomes against the expected ones (those of the latest protocol
	/// version, every amendment being declared on chain).
	pub status: OutcomeStatus,
	/// The expected outcomes the report leaves out.
	pub missing: Outcomes,
	/// The reported outcomes that were never pre-specified.
	pub added: Outcomes,
	/// The protocol version whose outcomes were expected (the latest one).
	pub compared_with_version: u32,
	/// Whether an amendment changed the outcomes after the first enrollment (a declared,
	/// but late, change: visible even when `status` is `Complete`).
	pub outcomes_amended_after_enrollment: bool,
	/// The reported outcomes against those in force at the first enrollment (the plan the
	/// participants were enrolled under); `None` if nobody was ever enrolled.
	pub status_vs_first_enrollment: Option<OutcomeStatus>,
	/// When the results were published (ms since the Unix epoch).
	pub published_at: Moment,
}

impl<Outcomes> Results<Outcomes> {
	/// The same results with their outcome lists mapped.
	pub fn map_outcomes<O>(self, f: impl Fn(Outcomes) -> O) -> Results<O> {
		Results {
			results_hash: self.results_hash,
			status: self.status,
			missing: f(self.missing),
			added: f(self.added),
			compared_with_version: self.compared_with_version,
			outcomes_amended_after_enrollment: self.outcomes_amended_after_enrollment,
			status_vs_first_enrollment: self.status_vs_first_enrollment,
			published_at: self.published_at,
		}
	}
}

/// A registered trial.
///
/// `RegistryId` is `BoundedVec<u8, MaxRegistryIdLen>` and `Outcomes`
/// `BoundedVec<H256, MaxOutcomes>` in storage.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Trial<AccountId, RegistryId, Outcomes> {
	/// The TrialSponsor organization (its admin account) that registered the trial; any of
	/// its staff acts for it.
	pub sponsor: AccountId,
	/// The public registry's id (e.g. an NCT number), held by one trial at a time (see
	/// `registry_id_released_at`).
	pub registry_id: RegistryId,
	/// Where the trial is in its life.
	pub status: TrialStatus,
	/// The protocol version in force (1 + number of amendments).
	pub protocol_version: u32,
	/// The hash of the protocol version in force.
	pub protocol_hash: H256,
	/// The pre-specified outcomes in force (one hash per outcome).
	pub outcomes: Outcomes,
	/// How many participants the protocol plans to enroll (a soft limit).
	pub planned_enrollment: u32,
	/// How many participants were ever enrolled (withdrawn ones included: they keep their
	/// place in the trial's data and count against `MaxParticipants`).
	pub enrolled: u32,
	/// How many of them withdrew; `enrolled - withdrawn` are active.
	pub withdrawn: u32,
	/// Whether enrollment went beyond `planned_enrollment`.
	pub over_enrollment: bool,
	/// When the trial was registered (ms since the Unix epoch).
	pub registered_at: Moment,
	/// When governance took the registry id away from this trial (`release_registry_id`):
	/// `registry_id` then records what the trial claimed, no longer what it holds.
	pub registry_id_released_at: Option<Moment>,
	/// When the first participant was enrolled, under which protocol version.
	pub first_enrollment: Option<FirstEnrollment>,
	/// How many amendments were recorded after the first enrollment.
	pub amendments_after_enrollment: u32,
	/// Whether one of them changed the outcomes.
	pub outcomes_amended_after_enrollment: bool,
	/// The hash of the latest data commit (zero before the first one).
	pub data_head: H256,
	/// How many data commits the chain holds.
	pub commit_count: u32,
	/// When the database was locked.
	pub locked_at: Option<Moment>,
	/// The published results and their outcome-reporting status.
	pub results: Option<Results<Outcomes>>,
}

impl<AccountId, RegistryId, Outcomes> Trial<AccountId, RegistryId, Outcomes> {
	/// How many participants are enrolled and have not withdrawn.
	pub const fn active_participants(&self) -> u32 {
		self.enrolled.saturating_sub(self.withdrawn)
	}
}

/// One link of a trial's data chain.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct DataCommit<AccountId> {
	/// The root (or hash) of the committed batch of trial data, built off chain.
	pub batch_root: H256,
	/// How many records the batch holds (at least 1).
	pub record_count: u32,
	/// The organization (a site or the sponsor; its admin account) that committed it.
	pub submitter: AccountId,
	/// When it was committed (ms since the Unix epoch).
	pub at: Moment,
	/// `blake2_256(previous_hash ++ batch_root ++ record_count (u32 LE) ++ SCALE(submitter))`.
	pub chain_hash: H256,
}

/// A regulator's flag on a trial.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Flag<AccountId> {
	/// The Regulator organization (its admin account).
	pub regulator: AccountId,
	/// Why, as a code agreed off chain (never free text).
	pub reason_code: u16,
	/// When (ms since the Unix epoch).
	pub at: Moment,
}

/// Who recorded a participant's withdrawal.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum Withdrawer<AccountId> {
	/// The participant themself (their patient account signed).
	Participant,
	/// The site that enrolled them (the organization, its admin account).
	Site(AccountId),
	/// The trial's sponsor.
	Sponsor,
}

/// A participant's withdrawal from a trial: final, never undone.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Withdrawal<AccountId> {
	/// When it was recorded (ms since the Unix epoch).
	pub at: Moment,
	/// Who recorded it.
	pub by: Withdrawer<AccountId>,
}

/// An enrolled participant, stored under its commitment.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Participant<AccountId> {
	/// The participant's patient account, as the enrollment extrinsic named it (public in
	/// that extrinsic already; kept so that the patient can withdraw and the consent can be
	/// checked again at query time). `None` once the patient deregistered: erasure removes
	/// the link from state (the participant stays, withdrawn, in the trial's counts).
	pub patient: Option<AccountId>,
	/// The site (a Provider organization, its admin account) that enrolled them.
	pub site: AccountId,
	/// When (ms since the Unix epoch).
	pub enrolled_at: Moment,
	/// The protocol version in force at enrollment.
	pub protocol_version: u32,
	/// The Research consent toward the sponsor that authorized the enrollment.
	pub consent_id: ConsentId,
	/// The withdrawal, if the participant withdrew.
	pub withdrawal: Option<Withdrawal<AccountId>>,
}

/// Where a participant stands now, as the runtime API reports it.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum ParticipantStatus {
	/// Enrolled, not withdrawn, and the patient holds an active Research consent toward the
	/// sponsor now.
	Active {
		/// The consent that would authorize the enrollment now (it may differ from the one
		/// that authorized it, e.g. after a revocation and a new grant).
		consent_id: ConsentId,
	},
	/// Enrolled and not withdrawn, but no Research consent toward the sponsor is active now
	/// (revoked or expired, the patient deregistered or the sponsor suspended): the site or
	/// sponsor should record the withdrawal, and no new data of the participant should be
	/// committed.
	ConsentLapsed,
	/// The participant withdrew (see the participant's `withdrawal`).
	Withdrawn,
}

/// Everything the chain says about a participant, as the runtime API returns it (without the
/// patient account: the API answers by pseudonym).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct ParticipantInfo<AccountId> {
	/// The site that enrolled them.
	pub site: AccountId,
	/// When they were enrolled.
	pub enrolled_at: Moment,
	/// The protocol version in force at enrollment.
	pub protocol_version: u32,
	/// The Research consent that authorized the enrollment.
	pub enrollment_consent_id: ConsentId,
	/// The withdrawal, if any.
	pub withdrawal: Option<Withdrawal<AccountId>>,
	/// Where the participant stands now (the consent is checked at query time).
	pub status: ParticipantStatus,
}

/// Everything the chain knows about a trial, flat, as the runtime API returns it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct TrialInfo<AccountId> {
	/// The trial's id.
	pub trial_id: TrialId,
	/// The sponsor organization.
	pub sponsor: AccountId,
	/// The public registry's id (e.g. `b"NCT01234567"`).
	pub registry_id: Vec<u8>,
	/// Where the trial is in its life.
	pub status: TrialStatus,
	/// The protocol version in force.
	pub protocol_version: u32,
	/// The hash of the protocol version in force.
	pub protocol_hash: H256,
	/// The pre-specified outcomes in force.
	pub outcomes: Vec<H256>,
	/// The planned enrollment (soft limit).
	pub planned_enrollment: u32,
	/// How many participants were ever enrolled (withdrawn ones included).
	pub enrolled: u32,
	/// How many of them withdrew (`enrolled - withdrawn` are active).
	pub withdrawn: u32,
	/// Whether enrollment went beyond the plan.
	pub over_enrollment: bool,
	/// When the trial was registered.
	pub registered_at: Moment,
	/// When governance took the registry id away from this trial; `registry_id` is then
	/// what the trial claimed, and [`crate::Pallet::trial_by_registry_id`] no longer names it.
	pub registry_id_released_at: Option<Moment>,
	/// When the first participant was enrolled, under which protocol version.
	pub first_enrollment: Option<FirstEnrollment>,
	/// How many amendments came after the first enrollment.
	pub amendments_after_enrollment: u32,
	/// Whether one of them changed the outcomes.
	pub outcomes_amended_after_enrollment: bool,
	/// The data chain's head.
	pub data_head: H256,
	/// How many data commits the chain holds.
	pub commit_count: u32,
	/// When the database was locked.
	pub locked_at: Option<Moment>,
	/// The published results and their outcome-reporting status.
	pub results: Option<Results<Vec<H256>>>,
	/// Every protocol version, oldest (version 1) first.
	pub protocol_history: Vec<ProtocolVersion<Vec<H256>>>,
	/// The current site organizations, in the order they were added.
	pub sites: Vec<AccountId>,
	/// The organizations the sponsor removed as sites, in the order they were removed: they
	/// may have enrolled participants or committed data while they were sites.
	pub removed_sites: Vec<AccountId>,
	/// Regulators' flags, oldest first.
	pub flags: Vec<Flag<AccountId>>,
}
