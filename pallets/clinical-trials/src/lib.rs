#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
#[allow(
	clippy::unwrap_used,
	clippy::panic,
	clippy::indexing_slicing,
	clippy::arithmetic_side_effects
)]
mod benchmarking;
mod erasure;
mod errors;
mod events;
mod formulas;
mod helpers;
mod invariants;
pub mod migrations;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // a test's overflow is a failed test
mod mock;
mod participants;
mod queries;
pub mod runtime_api;
mod sites;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // a test's overflow is a failed test
mod tests;
mod trials;
mod types;
pub mod weights;

pub use formulas::{
	compare_outcomes, data_commit_hash, outcome_switch_key, participant_commitment, patient_key,
	PATIENT_KEY_DOMAIN,
};
pub use queries::MAX_OUTCOME_SWITCH_PAGE;
pub use types::*;
pub use weights::WeightInfo;

use core::marker::PhantomData;
use frame_support::{
	pallet_macros::import_section,
	traits::{Get, UnixTime},
};
use helpers::len_u32;
use medchain_primitives::{ConsentChecker, PatientRegistry, Purpose};
use pallet_consortium::{Role, RoleProvider};
use sp_core::H256;

/// Sets up what benchmarks need but this pallet cannot create through its own traits.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Make `patient` (already a registered patient) grant `sponsor` (an active organization)
	/// an active Research consent, in the worst case for the runtime's
	/// [`ConsentChecker::ensure_purpose`] (e.g. the patient's consents to `sponsor` filling
	/// the patient's list, the matching one checked last).
	fn grant_research_consent(patient: &AccountId, sponsor: &AccountId);
}

/// The bound of a trial's protocol history: `MaxAmendments + 1` versions (the registered one
/// and every amendment).
pub struct MaxProtocolVersions<T>(PhantomData<T>);

impl<T: Config> Get<u32> for MaxProtocolVersions<T> {
	fn get() -> u32 {
		T::MaxAmendments::get().saturating_add(1)
	}
}

#[import_section(events::events)]
#[import_section(errors::errors)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	/// The storage layout version. Version 2 added the participant's patient, consent and
	/// withdrawal, the trial's withdrawal count and registry-id release, removed sites,
	/// registry-id reservations, and re-keyed `OutcomeSwitchedTrials` by big-endian id. No
	/// migration from version 1 is provided: no chain holding version-1 state was launched
	/// (development chains restart from genesis). Version 3: a participant's patient is
	/// optional (erased on deregistration) and [`ParticipationsOf`] indexes each patient's
	/// enrollments ([`crate::migrations::v3`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// A registry id as stored.
	pub type RegistryIdOf<T> = BoundedVec<u8, <T as Config>::MaxRegistryIdLen>;

	/// A list of outcome hashes as stored.
	pub type OutcomesOf<T> = BoundedVec<H256, <T as Config>::MaxOutcomes>;

	/// A trial as stored.
	pub type TrialOf<T> =
		Trial<<T as frame_system::Config>::AccountId, RegistryIdOf<T>, OutcomesOf<T>>;

	/// A protocol version as stored.
	pub type ProtocolVersionOf<T> = ProtocolVersion<OutcomesOf<T>>;

	/// A trial's protocol history as stored.
	pub type ProtocolHistoryOf<T> = BoundedVec<ProtocolVersionOf<T>, MaxProtocolVersions<T>>;

	/// A trial's sites as stored.
	pub type SitesOf<T> =
		BoundedVec<<T as frame_system::Config>::AccountId, <T as Config>::MaxSites>;

	/// A trial's flags as stored.
	pub type FlagsOf<T> =
		BoundedVec<Flag<<T as frame_system::Config>::AccountId>, <T as Config>::MaxFlags>;

	/// A data commit as stored.
	pub type DataCommitOf<T> = DataCommit<<T as frame_system::Config>::AccountId>;

	/// An enrolled participant as stored.
	pub type ParticipantOf<T> = Participant<<T as frame_system::Config>::AccountId>;

	/// A participant as the runtime API returns it.
	pub type ParticipantInfoOf<T> = ParticipantInfo<<T as frame_system::Config>::AccountId>;

	/// Who recorded a withdrawal.
	pub type WithdrawerOf<T> = Withdrawer<<T as frame_system::Config>::AccountId>;

	/// What `check_withdraw` found: the trial, the participant and who records the
	/// withdrawal.
	pub(crate) type WithdrawalCheckOf<T> = (TrialOf<T>, ParticipantOf<T>, WithdrawerOf<T>);

	/// A trial as the runtime API returns it.
	pub type TrialInfoOf<T> = TrialInfo<<T as frame_system::Config>::AccountId>;

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The consortium: which organization an account acts for, whether it is active,
		/// which roles it holds.
		type Roles: RoleProvider<Self::AccountId>;

		/// The patient registry (the identity pallet): who is a registered patient.
		type Patients: PatientRegistry<Self::AccountId>;

		/// The consent checks (the consent pallet): does a patient hold an active Research
		/// consent toward the sponsor.
		type Consents: ConsentChecker<Self::AccountId>;

		/// The current time (the block's timestamp); read in milliseconds.
		type Time: UnixTime;

		/// Who corrects a squatted registry id (`release_registry_id`): Root on development
		/// chains, a council supermajority on a consortium chain.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The longest registry id, in bytes (e.g. 32; an NCT number has 11).
		#[pallet::constant]
		type MaxRegistryIdLen: Get<u32>;

		/// The most pre-specified outcomes a protocol version (or a report) may list (e.g. 32).
		#[pallet::constant]
		type MaxOutcomes: Get<u32>;

		/// The most amendments a trial may have (e.g. 32); the history keeps every version,
		/// so it holds at most `MaxAmendments + 1`. At the bound `amend_protocol` fails with
		/// `TooManyAmendments`.
		#[pallet::constant]
		type MaxAmendments: Get<u32>;

		/// The most sites a trial may have (e.g. 64); at the bound `add_site` fails with
		/// `TooManySites`.
		#[pallet::constant]
		type MaxSites: Get<u32>;

		/// The hard bound on a trial's participants (e.g. 10_000); at the bound
		/// `enroll_participant` fails with `TooManyParticipants`.
		#[pallet::constant]
		type MaxParticipants: Get<u32>;

		/// The most trials one patient may be enrolled in (withdrawn enrollments included),
		/// so that erasing a patient's participations on deregistration is bounded; at the
		/// bound `enroll_participant` fails with `TooManyTrialsForPatient`.
		#[pallet::constant]
		type MaxTrialsPerPatient: Get<u32>;

		/// The most data commits a trial may have (e.g. 1_000); at the bound `commit_data`
		/// fails with `TooManyCommits`.
		#[pallet::constant]
		type MaxCommits: Get<u32>;

		/// The most regulators' flags a trial may have (e.g. 16); at the bound `flag_trial`
		/// fails with `TooManyFlags`.
		#[pallet::constant]
		type MaxFlags: Get<u32>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;

		/// Creates the Research consents benchmarks need.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The id the next trial will get. Ids are never reused.
	#[pallet::storage]
	pub type NextTrialId<T: Config> = StorageValue<_, TrialId, ValueQuery>;

	/// Every registered trial, by id.
	#[pallet::storage]
	pub type Trials<T: Config> = StorageMap<_, Blake2_128Concat, TrialId, TrialOf<T>, OptionQuery>;

	/// The trial holding each public registry id (uniqueness index). A trial whose id
	/// governance released (`release_registry_id`) is no longer in it.
	#[pallet::storage]
	pub type TrialByRegistryId<T: Config> =
		StorageMap<_, Blake2_128Concat, RegistryIdOf<T>, TrialId, OptionQuery>;

	/// Registry ids that governance released and reserved for a sponsor organization: only
	/// that sponsor may register a trial under one; its registration consumes the
	/// reservation. A reserved id is held by no trial.
	#[pallet::storage]
	pub type RegistryIdReservations<T: Config> =
		StorageMap<_, Blake2_128Concat, RegistryIdOf<T>, T::AccountId, OptionQuery>;

	/// Every protocol version of each trial, version 1 first (at most `MaxAmendments + 1`).
	#[pallet::storage]
	pub type ProtocolVersions<T: Config> =
		StorageMap<_, Blake2_128Concat, TrialId, ProtocolHistoryOf<T>, ValueQuery>;

	/// The current site organizations of each trial, in the order they were added. With
	/// [`RemovedSites`] at most `MaxSites` per trial.
	#[pallet::storage]
	pub type Sites<T: Config> = StorageMap<_, Blake2_128Concat, TrialId, SitesOf<T>, ValueQuery>;

	/// The organizations the sponsor removed as sites of each trial, in the order they were
	/// removed (kept for the record: they may have enrolled participants or committed data).
	/// Disjoint from [`Sites`]; both together hold at most `MaxSites` per trial.
	#[pallet::storage]
	pub type RemovedSites<T: Config> =
		StorageMap<_, Blake2_128Concat, TrialId, SitesOf<T>, ValueQuery>;

	/// The participants of each trial (withdrawn ones included), by participant commitment
	/// (at most `MaxParticipants` per trial).
	#[pallet::storage]
	pub type Participants<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		TrialId,
		Blake2_128Concat,
		H256,
		ParticipantOf<T>,
		OptionQuery,
	>;

	/// The patients enrolled in each trial, by [`patient_key`] (so that a patient cannot be
	/// enrolled twice under two salts). Holds exactly one entry per participant whose
	/// patient has not been erased.
	#[pallet::storage]
	pub type EnrolledPatients<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, TrialId, Blake2_128Concat, H256, (), OptionQuery>;

	/// For each patient, the trials they are enrolled in (withdrawn enrollments included), with
	/// their participant commitment: what erasure must unlink when the patient deregisters
	/// (at most `MaxTrialsPerPatient`). Removed by that erasure.
	#[pallet::storage]
	pub type ParticipationsOf<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<(TrialId, H256), T::MaxTrialsPerPatient>,
		ValueQuery,
	>;

	/// Each trial's data chain, by position `0 .. commit_count` (at most `MaxCommits`).
	#[pallet::storage]
	pub type DataCommits<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		TrialId,
		Twox64Concat,
		u32,
		DataCommitOf<T>,
		OptionQuery,
	>;

	/// Regulators' flags on each trial, oldest first (at most `MaxFlags`).
	#[pallet::storage]
	pub type Flags<T: Config> = StorageMap<_, Blake2_128Concat, TrialId, FlagsOf<T>, ValueQuery>;

	/// The trials whose published results switched outcomes (an index for everyone to read),
	/// keyed by [`outcome_switch_key`] (the id's big-endian bytes, with the identity hasher:
	/// keys are runtime-assigned ids, never chosen by a caller) so that storage order is id
	/// order and [`Pallet::trials_with_outcome_switch`] pages through it.
	#[pallet::storage]
	pub type OutcomeSwitchedTrials<T: Config> = StorageMap<_, Identity, [u8; 4], (), OptionQuery>;

	#[pallet::extra_constants]
	impl<T: Config> Pallet<T> {
		/// The most trial ids one call of [`Pallet::trials_with_outcome_switch`] returns.
		#[allow(non_snake_case)]
		pub fn MaxOutcomeSwitchPage() -> u32 {
			MAX_OUTCOME_SWITCH_PAGE
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxRegistryIdLen::get() > 0, "MaxRegistryIdLen must be > 0");
			assert!(T::MaxOutcomes::get() > 0, "MaxOutcomes must be > 0");
			assert!(T::MaxSites::get() > 0, "MaxSites must be > 0");
			assert!(T::MaxParticipants::get() > 0, "MaxParticipants must be > 0");
			assert!(T::MaxCommits::get() > 0, "MaxCommits must be > 0");
			assert!(T::MaxFlags::get() > 0, "MaxFlags must be > 0");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register a trial: its public registry id, protocol (version 1), pre-specified
		/// outcomes and planned enrollment, before any enrollment.
		///
		/// - `origin`: signed by staff (or the admin) of an active TrialSponsor organization,
		///   which becomes the trial's sponsor.
		/// - `registry_id`: the public registry's id (e.g. `NCT01234567`): 1 to
		///   `MaxRegistryIdLen` printable ASCII bytes, held by no trial, and not reserved by
		///   governance for another sponsor (registering a reserved id consumes the
		///   reservation).
		/// - `protocol_hash`: the hash of the protocol document, non-zero.
		/// - `outcomes`: one non-zero hash per pre-specified outcome, at least one, no
		///   duplicate.
		/// - `planned_enrollment`: `1..=MaxParticipants` (a soft limit).
		///
		/// Emits [`Event::TrialRegistered`].
		///
		/// ## Complexity
		/// O(`MaxOutcomes²`) hash comparisons (duplicate check), O(1) storage accesses.
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization),
		///   [`MissingRole`](pallet_consortium::Error::MissingRole): the signer does not act
		///   for an active TrialSponsor.
		/// - [`Error::InvalidRegistryId`].
		/// - [`Error::DuplicateRegistryId`]: a trial holds `registry_id`.
		/// - [`Error::RegistryIdReserved`]: governance reserved `registry_id` for another
		///   sponsor.
		/// - [`Error::ZeroHash`]: `protocol_hash` (or an outcome) is all zeros.
		/// - [`Error::EmptyOutcomes`].
		/// - [`Error::DuplicateOutcome`].
		/// - [`Error::InvalidPlannedEnrollment`]: not in `1..=MaxParticipants`.
		/// - [`Error::TrialIdOverflow`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_trial())]
		pub fn register_trial(
			origin: OriginFor<T>,
			registry_id: RegistryIdOf<T>,
			protocol_hash: H256,
			outcomes: OutcomesOf<T>,
			planned_enrollment: u32,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let sponsor = T::Roles::ensure_role(&who, Role::TrialSponsor)?;
			Self::do_register_trial(
				sponsor,
				registry_id,
				protocol_hash,
				outcomes,
				planned_enrollment,
			)
		}

		/// Record a new protocol version (the previous ones stay in the history).
		///
		/// - `origin`: signed by staff (or the admin) of the trial's sponsor.
		/// - `trial_id`: the trial, not locked.
		/// - `protocol_hash`: the hash of the amended protocol document, non-zero.
		/// - `reason_hash`: the hash of the amendment's justification, non-zero.
		/// - `new_outcomes`: the new pre-specified outcome set (non-empty, non-zero, no
		///   duplicate), or `None` to keep the outcomes in force. A set equal to the one in
		///   force (in any order) is no change.
		///
		/// An amendment after the first enrollment is allowed but flagged: the event's
		/// `after_enrollment`, the version's `after_enrollment`, the trial's
		/// `amendments_after_enrollment` (and `outcomes_amended_after_enrollment` if the
		/// outcomes changed).
		///
		/// Emits [`Event::ProtocolAmended`].
		///
		/// ## Complexity
		/// O(`MaxOutcomes²`) comparisons; reads and writes the history (at most
		/// `MaxAmendments + 1` versions).
		///
		/// ## Weight
		/// `amend_protocol(o, v)` for the `o` new outcomes (0 for `None`, known before
		/// dispatch) and the `v` versions the history held: charged for `MaxAmendments`
		/// versions up front, refunded to the history's length after dispatch.
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization): the
		///   signer does not act for an active organization.
		/// - [`Error::UnknownTrial`].
		/// - [`Error::NotSponsor`]: the signer's organization is not the trial's sponsor.
		/// - [`Error::LockedDatabase`].
		/// - [`Error::ZeroHash`]: `protocol_hash`, `reason_hash` or a new outcome is all
		///   zeros.
		/// - [`Error::EmptyOutcomes`], [`Error::DuplicateOutcome`]: a malformed
		///   `new_outcomes`.
		/// - [`Error::TooManyAmendments`]: the trial has `MaxAmendments` amendments.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::amend_protocol(
			new_outcomes.as_ref().map_or(0, |outcomes| len_u32(outcomes)),
			T::MaxAmendments::get(),
		))]
		pub fn amend_protocol(
			origin: OriginFor<T>,
			trial_id: TrialId,
			protocol_hash: H256,
			reason_hash: H256,
			new_outcomes: Option<OutcomesOf<T>>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_amend_protocol(who, trial_id, protocol_hash, reason_hash, new_outcomes)
		}

		/// Add a Provider organization as a site of the trial.
		///
		/// - `origin`: signed by staff (or the admin) of the trial's sponsor.
		/// - `trial_id`: the trial, not locked.
		/// - `site`: an active organization (its admin account) holding the Provider role,
		///   not a current site of the trial. A site the sponsor removed may be added again:
		///   it leaves [`RemovedSites`].
		///
		/// A trial's current and removed sites together are at most `MaxSites` (a removed
		/// site keeps its place, for the record).
		///
		/// Emits [`Event::SiteAdded`].
		///
		/// ## Complexity
		/// O(`MaxSites`) (the membership checks).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization): the
		///   signer does not act for an active organization.
		/// - [`Error::UnknownTrial`].
		/// - [`Error::NotSponsor`]: the signer's organization is not the trial's sponsor.
		/// - [`Error::LockedDatabase`].
		/// - [`Error::SiteNotProvider`]: `site` is not an active organization's account
		///   holding the Provider role.
		/// - [`Error::AlreadySite`].
		/// - [`Error::TooManySites`]: the trial has `MaxSites` current and removed sites.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::add_site())]
		pub fn add_site(
			origin: OriginFor<T>,
			trial_id: TrialId,
			site: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_add_site(who, trial_id, site)
		}

		/// Enroll a participant under their commitment (see the crate docs for the scheme).
		///
		/// - `origin`: signed by staff (or the admin) of an active site of the trial that still
		///   holds the Provider role.
		/// - `trial_id`: the trial, not locked.
		/// - `patient`: the participant's patient account: a registered patient holding an
		///   active Research consent toward the trial's sponsor, never enrolled in this trial
		///   before (a withdrawn patient cannot be re-enrolled).
		/// - `participant_commitment`: `blake2_256(SCALE((b"medchain/trial-participant",
		///   trial_id, patient, salt)))`, non-zero, not yet enrolled in the trial.
		///
		/// The first enrollment records the protocol version in force and moves the trial to
		/// `Enrolling`. Enrolling beyond `planned_enrollment` succeeds but is flagged
		/// (`over_enrollment`, the event's `over_planned`). The participant record keeps the
		/// patient account, the site and the id of the consent that authorized the
		/// enrollment.
		///
		/// Emits [`Event::ParticipantEnrolled`].
		///
		/// ## Complexity
		/// O(`MaxSites`) plus the consent check (three reads, see `pallet_consent`).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization),
		///   [`MissingRole`](pallet_consortium::Error::MissingRole): the signer does not act
		///   for an active Provider.
		/// - [`Error::UnknownTrial`].
		/// - [`Error::NotASite`]: the signer's organization is not a current site of the
		///   trial.
		/// - [`Error::LockedDatabase`].
		/// - [`Error::ZeroHash`]: `participant_commitment` is all zeros.
		/// - [`Error::NotAPatient`]: `patient` is not a registered patient (or deregistered).
		/// - From the Research consent check ([`Config::Consents`]): the consortium's
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization) if the
		///   sponsor is suspended; the consent pallet's `ExpiredConsent`, `RevokedConsent`,
		///   `ReadNotGranted`, `NoConsent` (`pallet_consent::Error`): `patient` holds no
		///   active Research consent toward the sponsor.
		/// - [`Error::DuplicateParticipant`]: `participant_commitment` is enrolled already.
		/// - [`Error::PatientAlreadyEnrolled`]: `patient` is (or was) enrolled in the trial.
		/// - [`Error::TooManyParticipants`]: the trial has `MaxParticipants` participants.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::enroll_participant())]
		pub fn enroll_participant(
			origin: OriginFor<T>,
			trial_id: TrialId,
			patient: T::AccountId,
			participant_commitment: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let site = T::Roles::ensure_role(&who, Role::Provider)?;
			Self::do_enroll_participant(site, trial_id, patient, participant_commitment)
		}

		/// Commit a batch of trial data: the next link of the trial's data chain.
		///
		/// - `origin`: signed by staff (or the admin) of the active sponsor or of an active
		///   current site that still holds the Provider role.
		/// - `trial_id`: the trial, not locked.
		/// - `batch_root`: the root (or hash) of the batch, built off chain; non-zero.
		/// - `record_count`: how many records the batch holds, at least 1.
		///
		/// Stores `hash = blake2_256(head ++ batch_root ++ record_count (u32 LE) ++
		/// SCALE(submitter organization))` at position `commit_count`; the hash becomes the
		/// trial's head.
		///
		/// Emits [`Event::DataCommitted`].
		///
		/// ## Complexity
		/// O(`MaxSites`) (the site check), one hash.
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization): the
		///   signer does not act for an active organization.
		/// - [`Error::UnknownTrial`].
		/// - [`Error::NotSiteOrSponsor`]: the signer's organization is neither the sponsor
		///   nor a current site.
		/// - The consortium's [`MissingRole`](pallet_consortium::Error::MissingRole): a site
		///   that no longer holds the Provider role.
		/// - [`Error::LockedDatabase`].
		/// - [`Error::EmptyCommit`]: `record_count` is 0.
		/// - [`Error::ZeroHash`]: `batch_root` is all zeros.
		/// - [`Error::TooManyCommits`]: the trial has `MaxCommits` data commits.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::commit_data())]
		pub fn commit_data(
			origin: OriginFor<T>,
			trial_id: TrialId,
			batch_root: H256,
			record_count: u32,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let submitter = T::Roles::ensure_organization(&who)?;
			Self::do_commit_data(who, submitter, trial_id, batch_root, record_count)
		}

		/// Lock the trial's database: the data chain head is frozen, and no amendment, new
		/// site, enrollment or data commit is accepted any more.
		///
		/// - `origin`: signed by staff (or the admin) of the trial's sponsor.
		/// - `trial_id`: the trial, not yet locked, with at least one data commit.
		///
		/// A trial without data cannot be locked, hence never published: results with
		/// nothing behind them would read `Complete`. Participants are not required (the
		/// record shows `enrolled` and `first_enrollment: None`, and the results'
		/// `status_vs_first_enrollment` is then `None`), because data may precede enrollment
		/// (e.g. screening). A sponsor could still commit a token batch: it stays attributable
		/// and visible in the data chain.
		///
		/// Emits [`Event::DatabaseLocked`].
		///
		/// ## Complexity
		/// O(1).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization): the
		///   signer does not act for an active organization.
		/// - [`Error::UnknownTrial`].
		/// - [`Error::NotSponsor`]: the signer's organization is not the trial's sponsor.
		/// - [`Error::AlreadyLocked`].
		/// - [`Error::NoDataCommitted`]: the trial has no data commit.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::lock_database())]
		pub fn lock_database(origin: OriginFor<T>, trial_id: TrialId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_lock_database(who, trial_id)
		}

		/// Publish the results and let the runtime compare the reported outcomes with the
		/// expected ones (see the crate docs): records `Complete` or
		/// `OutcomeSwitched { missing, added }` in the trial, for everyone to see; a switched
		/// trial also enters `OutcomeSwitchedTrials`.
		///
		/// - `origin`: signed by staff (or the admin) of the trial's sponsor.
		/// - `trial_id`: the trial, locked and not yet published.
		/// - `results_hash`: the hash of the results document, non-zero.
		/// - `reported_outcomes`: the hashes of the outcomes the results report (non-zero, no
		///   duplicate; may be empty).
		///
		/// Emits [`Event::ResultsPublished`].
		///
		/// ## Complexity
		/// O(`MaxOutcomes²`) comparisons (twice); reads the protocol history.
		///
		/// ## Weight
		/// `publish_results(o, v)` for the `o` reported outcomes (known before dispatch) and
		/// the `v` protocol versions read: charged for a full history (`MaxAmendments + 1`
		/// versions) up front, refunded after dispatch to the history's length, or to 0 if
		/// nobody enrolled (the history is then not read).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization): the
		///   signer does not act for an active organization.
		/// - [`Error::UnknownTrial`].
		/// - [`Error::NotSponsor`]: the signer's organization is not the trial's sponsor.
		/// - [`Error::AlreadyPublished`].
		/// - [`Error::NotLocked`]: the database is not locked yet.
		/// - [`Error::ZeroHash`]: `results_hash` or a reported outcome is all zeros.
		/// - [`Error::DuplicateOutcome`]: an outcome is reported twice.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::publish_results(
			len_u32(reported_outcomes),
			MaxProtocolVersions::<T>::get(),
		))]
		pub fn publish_results(
			origin: OriginFor<T>,
			trial_id: TrialId,
			results_hash: H256,
			reported_outcomes: OutcomesOf<T>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_publish_results(who, trial_id, results_hash, reported_outcomes)
		}

		/// Flag a trial (in any status) for a reason agreed off chain.
		///
		/// - `origin`: signed by staff (or the admin) of an active Regulator organization.
		/// - `trial_id`: the trial.
		/// - `reason_code`: why, as a code agreed off chain (never free text).
		///
		/// Emits [`Event::TrialFlagged`].
		///
		/// ## Complexity
		/// O(1) (reads and writes at most `MaxFlags` flags).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization),
		///   [`MissingRole`](pallet_consortium::Error::MissingRole): the signer does not act
		///   for an active Regulator.
		/// - [`Error::UnknownTrial`].
		/// - [`Error::TooManyFlags`]: the trial has `MaxFlags` flags.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::flag_trial())]
		pub fn flag_trial(
			origin: OriginFor<T>,
			trial_id: TrialId,
			reason_code: u16,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let regulator = T::Roles::ensure_role(&who, Role::Regulator)?;
			Self::do_flag_trial(regulator, trial_id, reason_code)
		}

		/// Remove a site from the trial. The removed site can no longer enroll participants,
		/// commit data or record withdrawals in this trial; what it did while it was a site
		/// stays (its participants, its commits), and it is listed in [`RemovedSites`] (and
		/// the runtime API's `removed_sites`). The sponsor may add it again with `add_site`.
		///
		/// Allowed in any status, also after the lock: a removal adds no data and only takes
		/// powers away (e.g. from a site recording withdrawals it should not).
		///
		/// - `origin`: signed by staff (or the admin) of the trial's sponsor.
		/// - `trial_id`: the trial.
		/// - `site`: a current site of the trial (its admin account).
		///
		/// Emits [`Event::SiteRemoved`].
		///
		/// ## Complexity
		/// O(`MaxSites`): reads and writes the trial's current and removed sites.
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization): the
		///   signer does not act for an active organization.
		/// - [`Error::UnknownTrial`].
		/// - [`Error::NotSponsor`]: the signer's organization is not the trial's sponsor.
		/// - [`Error::UnknownSite`]: `site` is not a current site of the trial.
		/// - [`Error::TooManySites`]: defensive only; current and removed sites together never
		///   exceed `MaxSites`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::remove_site())]
		pub fn remove_site(
			origin: OriginFor<T>,
			trial_id: TrialId,
			site: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_site(who, trial_id, site)
		}

		/// Record that a participant withdrew from the trial. Withdrawal is final: the
		/// participant keeps their place in the trial's data (and in `enrolled`), is marked
		/// with the time and who recorded it, counts in the trial's `withdrawn` and no longer
		/// as active; `participant_enrolled` answers `false` and `participant_status`
		/// `Withdrawn`. The same patient cannot be enrolled again in this trial
		/// (`PatientAlreadyEnrolled`): a withdrawn participant is not re-randomized, and their
		/// pseudonym stays tied to the data committed while they took part.
		///
		/// Allowed in any status, also after the lock and publication: a patient may always
		/// withdraw; the time shows which data came before.
		///
		/// - `origin`: signed by the participant's patient account (registered or
		///   deregistered), or by staff (or the admin) of the trial's active sponsor, or of the
		///   active site that enrolled them while it is still a site holding the Provider role.
		/// - `trial_id`: the trial.
		/// - `participant_commitment`: the participant's commitment in the trial.
		///
		/// Fee-less when the participant themself withdraws with free quota and the call
		/// succeeds (counts one free call, like `Consent::revoke_consent`).
		///
		/// Emits [`Event::ParticipantWithdrawn`].
		///
		/// ## Complexity
		/// O(1) for the participant; O(`MaxSites`) for a site (the site check).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - [`Error::UnknownTrial`].
		/// - [`Error::UnknownParticipant`]: no participant of the trial has this commitment.
		/// - [`Error::NotParticipantSiteOrSponsor`]: the signer is not the participant and
		///   acts for no organization.
		/// - The consortium's
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization): the
		///   signer's organization is suspended.
		/// - [`Error::NotParticipantSiteOrSponsor`]: the signer's organization is neither the
		///   sponsor nor the current, Provider site that enrolled the participant.
		/// - [`Error::AlreadyWithdrawn`].
		#[pallet::call_index(9)]
		#[pallet::weight(
			T::WeightInfo::withdraw_participant_by_patient()
				.max(T::WeightInfo::withdraw_participant_by_site())
		)]
		#[pallet::feeless_if(|origin: &OriginFor<T>, trial_id: &TrialId,
			participant_commitment: &H256| -> bool {
			frame_system::ensure_signed(origin.clone()).is_ok_and(|who| {
				T::Patients::has_free_quota(&who) &&
					Pallet::<T>::check_withdraw(&who, *trial_id, *participant_commitment)
						.is_ok_and(|(_, _, by)| by == Withdrawer::Participant)
			})
		})]
		pub fn withdraw_participant(
			origin: OriginFor<T>,
			trial_id: TrialId,
			participant_commitment: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_participant(who, trial_id, participant_commitment)
		}

		/// Take a public registry id away from the trial that holds it, for governance to
		/// correct squatting (a sponsor registering another sponsor's NCT/EudraCT number
		/// first), and optionally reserve it for the rightful sponsor.
		///
		/// Semantics, and why:
		/// - The trial keeps its record, history, participants, data and results, and can go
		///   on (its sponsor's other powers are for governance to judge, e.g. by suspending
		///   the organization in the consortium); its `registry_id` stays as what it claimed,
		///   and `registry_id_released_at` marks, for everyone, that governance took the id
		///   away. Deleting the trial would erase evidence; renaming it would rewrite it.
		/// - The id leaves the uniqueness index, so `trial_by_registry_id` no longer names
		///   the trial and the id can be registered again.
		/// - With `reserved_for`, only that sponsor can register it (its registration
		///   consumes the reservation): otherwise the squatter, or anyone watching the event,
		///   could register it again before the rightful sponsor does. Without it, the id is
		///   free for the first TrialSponsor (e.g. an id registered by mistake). A reservation
		///   lasts until the reservee registers the id (there is no call to cancel one).
		///
		/// - `origin`: `GovernanceOrigin`.
		/// - `trial_id`: the trial holding the id (in any status).
		/// - `reserved_for`: the sponsor organization (its admin account, active, holding the
		///   TrialSponsor role) for which to reserve the id, or `None`.
		///
		/// Emits [`Event::RegistryIdReleased`].
		///
		/// ## Complexity
		/// O(1).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not `GovernanceOrigin`.
		/// - [`Error::UnknownTrial`].
		/// - [`Error::RegistryIdAlreadyReleased`].
		/// - [`Error::ReserveeNotSponsor`]: `reserved_for` is not an active organization's
		///   account holding the TrialSponsor role.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::release_registry_id())]
		pub fn release_registry_id(
			origin: OriginFor<T>,
			trial_id: TrialId,
			reserved_for: Option<T::AccountId>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_release_registry_id(trial_id, reserved_for)
		}
	}
}
