#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod access_log;
mod access_requests;
#[cfg(feature = "runtime-benchmarks")]
#[allow(
	clippy::unwrap_used,
	clippy::panic,
	clippy::indexing_slicing,
	clippy::arithmetic_side_effects
)]
mod benchmarking;
mod break_glass;
mod consent_checker;
mod consents;
mod invariants;
pub mod migrations;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // a test's overflow is a failed test
mod mock;
mod queries;
pub mod runtime_api;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // a test's overflow is a failed test
mod tests;
mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use frame_support::traits::{Defensive, Get, UnixTime};
use medchain_primitives::{
	Categories, ConsentChecker, ConsentId, Moment, PatientRegistry, Purpose, RecordCategory,
	RecordRegistry,
};
use pallet_consortium::{Role, RoleProvider};
use sp_runtime::{
	traits::{CheckedDiv, Saturating, Zero},
	DispatchError,
};

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_core::H256;

	/// The storage layout version. v2: break-glass consents in [`EmergencyConsents`], access
	/// logs per (patient, organization) in [`AccessLogs`] ([`crate::migrations::v2`]).
	/// v3: the access check's index [`GrantsTo`] ([`crate::migrations::v3`]).
	/// v4: each [`AccessLogs`] entry records the consent's purpose and whether it was an
	/// emergency ([`crate::migrations::v4`]).
	/// v5: each [`AccessLogs`] entry records the block and extrinsic that logged it
	/// ([`crate::migrations::v5`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(5);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// A consent as stored.
	pub type ConsentOf<T> = Consent<<T as frame_system::Config>::AccountId>;

	/// An access-log entry as stored.
	pub type AccessEntryOf<T> =
		AccessEntry<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

	/// A gateway's read decision, of the runtime's accounts and block numbers.
	pub type ReadDecisionOf<T> =
		ReadDecision<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

	/// An access request as stored.
	pub type AccessRequestOf<T> = AccessRequest<<T as frame_system::Config>::AccountId>;

	/// An organization's (or a staff key's) new emergency consents in one rate-limit window,
	/// as stored.
	pub type WindowUsageOf<T> = WindowUsage<BlockNumberFor<T>>;

	/// A declared emergency incident, as stored.
	pub type EmergencyIncidentOf<T> = EmergencyIncident<BlockNumberFor<T>>;

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The consortium: which organization an account acts for, whether it is active,
		/// which roles it holds.
		type Roles: RoleProvider<Self::AccountId>;

		/// The patient registry (the identity pallet): who is a registered patient, and the
		/// rate limit of fee-less calls.
		type Patients: PatientRegistry<Self::AccountId>;

		/// The registry of anchored health records (the health-records pallet): `log_access`
		/// checks that the record read is the patient's, of the stated category.
		type Records: RecordRegistry<Self::AccountId, H256>;

		/// The current time (the block's timestamp); read in milliseconds.
		type Time: UnixTime;

		/// The most patient-granted consents (active, revoked or expired) stored per patient.
		/// At the bound, a new consent replaces the oldest one that ended at least
		/// `AuditRetention` ago. Break-glass consents are not counted here (see
		/// `MaxEmergencyConsentsKept`).
		#[pallet::constant]
		type MaxConsentsPerPatient: Get<u32>;

		/// The most access-log entries kept per patient *and organization*. At the bound, the
		/// organization's oldest entry for that patient is dropped (ring buffer), never
		/// another organization's.
		#[pallet::constant]
		type MaxAccessLogEntries: Get<u32>;

		/// The most records one `log_accesses` call logs (one patient, one consent), so that
		/// assembling a patient's history costs one transaction, not one per document. At
		/// most `MaxAccessLogEntries` (checked by `integrity_test`), so a whole batch fits in
		/// the organization's log of the patient and none of it is evicted by itself.
		#[pallet::constant]
		type MaxReadsPerLog: Get<u32>;

		/// The most pending access requests ([`AccessRequests`]) per patient, one per
		/// organization. At the bound, a new request replaces a lapsed one (older than
		/// `AccessRequestLifetime`); if none has lapsed, it fails with
		/// `TooManyAccessRequests`.
		#[pallet::constant]
		type MaxAccessRequests: Get<u32>;

		/// How long an unanswered access request stays pending, in milliseconds (e.g. 7
		/// days): after that it no longer counts against `MaxAccessRequests` and clients
		/// show it as lapsed.
		#[pallet::constant]
		type AccessRequestLifetime: Get<Moment>;

		/// How long a break-glass consent lasts, in milliseconds (e.g. 24 h), from the last
		/// time it was taken or renewed.
		#[pallet::constant]
		type BreakGlassDuration: Get<Moment>;

		/// How long an ended (revoked or expired) consent is kept for audits, in
		/// milliseconds (e.g. 30 days): no consent is pruned before it ended this long ago,
		/// so [`Pallet::was_permitted`] keeps seeing it.
		#[pallet::constant]
		type AuditRetention: Get<Moment>;

		/// The most break-glass consents kept per (patient, organization): the live one, if
		/// any, and ended ones. At the bound, a new one replaces the oldest if it ended at
		/// least `AuditRetention` ago. Must be at least `ceil(AuditRetention /
		/// BreakGlassDuration) + 1` (checked by `integrity_test`), so that only a patient's
		/// repeated revocations, never expiry alone, can fill it.
		#[pallet::constant]
		type MaxEmergencyConsentsKept: Get<u32>;

		/// The most new emergency consents one organization may take per `EmergencyWindow`,
		/// over all patients and staff. Renewals (breaking the glass again while the
		/// organization's emergency consent for the patient is live) are not counted: they
		/// open no other patient's data.
		#[pallet::constant]
		type MaxEmergencyAccessesPerWindow: Get<u32>;

		/// The most new emergency consents one staff key (or the admin) may take per
		/// `EmergencyWindow`, so one key (rogue, stolen, or a client in a loop) cannot use up
		/// its organization's limit for every other clinician. At most
		/// `MaxEmergencyAccessesPerWindow`. While the organization's admin has declared an
		/// incident ([`Pallet::declare_emergency_incident`]) it does not apply; the
		/// organization's limit still does.
		#[pallet::constant]
		type MaxEmergencyAccessesPerStaff: Get<u32>;

		/// The most rate-limit windows one incident declaration covers (e.g. 24 one-hour
		/// windows); the admin declares again to extend it.
		#[pallet::constant]
		type MaxIncidentWindows: Get<u32>;

		/// The length of a break-glass rate-limit window, in blocks (window = `block_number /
		/// EmergencyWindow`). Must not be zero.
		#[pallet::constant]
		type EmergencyWindow: Get<BlockNumberFor<Self>>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The id the next consent will get. Ids are never reused, even after pruning.
	#[pallet::storage]
	pub type NextConsentId<T: Config> = StorageValue<_, ConsentId, ValueQuery>;

	/// Every stored consent, by id: active, revoked and expired ones (history), until pruned
	/// to make room in the patient's list (patient-granted ones, listed in [`ConsentsOf`]) or
	/// in the organization's emergency history (break-glass ones, listed in
	/// [`EmergencyConsents`]).
	#[pallet::storage]
	pub type Consents<T: Config> =
		StorageMap<_, Blake2_128Concat, ConsentId, ConsentOf<T>, OptionQuery>;

	/// For each patient, the ids of their stored patient-granted (`Standard`) consents, oldest
	/// first (ascending ids). At most `MaxConsentsPerPatient`; see
	/// [`Config::MaxConsentsPerPatient`] for what happens at the bound.
	#[pallet::storage]
	pub type ConsentsOf<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<ConsentId, T::MaxConsentsPerPatient>,
		ValueQuery,
	>;

	/// For each patient and grantee, the patient-granted consents to that grantee still
	/// stored, as the access check needs them ([`Grant`]: scope, purpose, times), oldest first
	/// (ascending ids). A copy kept in step with [`Consents`] and [`ConsentsOf`]: written when a
	/// consent is granted, revoked or pruned; never holds break-glass consents.
	///
	/// It answers "may `grantee` read/write category C of `patient` for purpose U now" with
	/// one read, whatever the number of the patient's consents to other organizations.
	/// Empty lists are not stored.
	#[pallet::storage]
	pub type GrantsTo<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<Grant, T::MaxConsentsPerPatient>,
		ValueQuery,
	>;

	/// For each patient and Provider organization, the organization's break-glass consents
	/// for the patient still stored, oldest first (ascending ids): every one but the last has
	/// ended, the last may be live, so there is at most one live emergency consent per pair.
	/// At most `MaxEmergencyConsentsKept`. These consents never take a place in the
	/// patient's [`ConsentsOf`] list.
	#[pallet::storage]
	pub type EmergencyConsents<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<ConsentId, T::MaxEmergencyConsentsKept>,
		ValueQuery,
	>;

	/// For each patient and organization, the organization's most recent reads of the
	/// patient's data, oldest first.
	///
	/// A ring buffer of at most `MaxAccessLogEntries` entries: when it is full, logging a new
	/// access drops the organization's oldest entry for that patient, so no grantee can push
	/// another grantee's entries out. The complete history is in the `AccessLogged` events;
	/// [`Pallet::access_log`] merges the patient's logs.
	#[pallet::storage]
	pub type AccessLogs<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<AccessEntryOf<T>, T::MaxAccessLogEntries>,
		ValueQuery,
	>;

	/// For each patient and organization, the organization's pending request for a consent
	/// (one per pair: a new request replaces the previous one). Granting the organization a
	/// consent, or declining, removes it. At most `MaxAccessRequests` per patient
	/// ([`AccessRequestCount`]).
	#[pallet::storage]
	pub type AccessRequests<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		T::AccountId,
		AccessRequestOf<T>,
		OptionQuery,
	>;

	/// For each patient, how many [`AccessRequests`] are stored (lapsed ones included until
	/// replaced, answered or declined). Zero is not stored.
	#[pallet::storage]
	pub type AccessRequestCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// For each organization, how many times its staff broke the glass (new emergency
	/// consents and renewals; saturating), so that abuse of emergency access is auditable.
	#[pallet::storage]
	pub type BreakGlassUses<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// For each organization, its new emergency consents in its latest rate-limit window (at
	/// most `MaxEmergencyAccessesPerWindow` per window; renewals are not counted).
	#[pallet::storage]
	pub type BreakGlassWindowUses<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, WindowUsageOf<T>, OptionQuery>;

	/// For each staff key (or admin), the new emergency consents it took in its latest
	/// rate-limit window (at most `MaxEmergencyAccessesPerStaff` per window unless its
	/// organization declared an incident; never more than `MaxEmergencyAccessesPerWindow`).
	#[pallet::storage]
	pub type BreakGlassStaffWindowUses<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, WindowUsageOf<T>, OptionQuery>;

	/// For each organization, the incident its admin declared, if one was
	/// ([`Pallet::declare_emergency_incident`]); in force until the end of its
	/// `until_window`. An ended one stays until the admin declares or ends another.
	#[pallet::storage]
	pub type EmergencyIncidents<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, EmergencyIncidentOf<T>, OptionQuery>;

	/// For each organization, how many reads its staff logged under break-glass consents
	/// (saturating): every document a gateway served in an emergency, for regulators.
	#[pallet::storage]
	pub type EmergencyReads<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A patient granted a consent.
		ConsentGranted {
			/// The patient.
			patient: T::AccountId,
			/// The organization the consent is granted to.
			grantee: T::AccountId,
			/// The new consent's id.
			consent_id: ConsentId,
			/// The categories and kind of access covered.
			scope: Scope,
			/// Why the grantee may access the data.
			purpose: Purpose,
			/// When the consent expires, if ever.
			expires_at: Option<Moment>,
		},
		/// A patient revoked a consent; it no longer grants anything, from this block on.
		ConsentRevoked {
			/// The patient.
			patient: T::AccountId,
			/// The organization that held the consent.
			grantee: T::AccountId,
			/// The revoked consent.
			consent_id: ConsentId,
		},
		/// A consent that ended (revoked or expired) at least `AuditRetention` ago was removed
		/// from storage to make room for a new one in the patient's full list, or in the
		/// organization's full emergency history for the patient.
		ConsentPruned {
			/// The patient.
			patient: T::AccountId,
			/// The removed consent.
			consent_id: ConsentId,
		},
		/// A Provider broke the glass: emergency read access to every category of the
		/// patient's data, for Treatment, until `expires_at`. Emitted for a new emergency
		/// consent and for the renewal of a live one (same `consent_id`, later `expires_at`).
		EmergencyAccessGranted {
			/// The patient.
			patient: T::AccountId,
			/// The Provider organization that now has access.
			organization: T::AccountId,
			/// The staff member (or admin) who broke the glass.
			staff: T::AccountId,
			/// The emergency consent's id (the live one's, when renewed).
			consent_id: ConsentId,
			/// Why, as a code agreed off chain.
			reason_code: u16,
			/// When the emergency access ends.
			expires_at: Moment,
		},
		/// Staff of an organization asked the patient for a consent (a new request, or one
		/// replacing the organization's previous request).
		AccessRequested {
			/// The patient asked.
			patient: T::AccountId,
			/// The organization that asks (the grantee of the consent asked for).
			organization: T::AccountId,
			/// The staff member (or admin) who asked.
			requester: T::AccountId,
			/// The categories and kind of access asked for.
			scope: Scope,
			/// Why.
			purpose: Purpose,
		},
		/// An access request was closed: `consent_id` is the consent the patient granted the
		/// organization (the answer), or `None` when the patient declined.
		AccessRequestClosed {
			/// The patient.
			patient: T::AccountId,
			/// The organization whose request it was.
			organization: T::AccountId,
			/// The consent granted in answer, if any.
			consent_id: Option<ConsentId>,
		},
		/// A grantee read one of the patient's off-chain records.
		AccessLogged {
			/// The patient.
			patient: T::AccountId,
			/// The consent under which the record was read.
			consent_id: ConsentId,
			/// The organization that read it.
			organization: T::AccountId,
			/// The account that read it.
			accessor: T::AccountId,
			/// The record read (an anchored record of the patient).
			record_id: H256,
			/// The record's category.
			category: RecordCategory,
			/// The consent's purpose (always one that reads identified documents: Treatment).
			purpose: Purpose,
			/// Whether the consent is a break-glass (emergency) one.
			emergency: bool,
		},
		/// An organization's admin declared an incident: until the end of `until_window` its
		/// staff keys may break the glass beyond `MaxEmergencyAccessesPerStaff` (the
		/// organization's `MaxEmergencyAccessesPerWindow` still holds).
		EmergencyIncidentDeclared {
			/// The organization.
			organization: T::AccountId,
			/// The incident, as a code agreed off chain.
			incident_code: u16,
			/// The last rate-limit window the declaration covers.
			until_window: BlockNumberFor<T>,
		},
		/// An organization's admin ended its declared incident before its last window.
		EmergencyIncidentEnded {
			/// The organization.
			organization: T::AccountId,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is not a registered patient.
		NotAPatient,
		/// The patient deregistered (right to erasure): no new consent, no access.
		DeregisteredPatient,
		/// The scope covers no category.
		EmptyCategories,
		/// The scope has category bits that name no known category.
		InvalidCategories,
		/// The scope grants neither read nor write access.
		EmptyAccess,
		/// The expiry is not in the future.
		ExpiryInPast,
		/// The patient's consent list is full and none of its consents ended (was revoked or
		/// expired) at least `AuditRetention` ago.
		TooManyConsents,
		/// The consent id counter is exhausted.
		ConsentIdOverflow,
		/// No consent has this id (never granted, or pruned).
		UnknownConsent,
		/// The signer is not the patient of this consent.
		NotConsentOwner,
		/// The consent is already revoked.
		AlreadyRevoked,
		/// The consent belongs to another patient.
		ConsentPatientMismatch,
		/// The signer does not act for the consent's grantee.
		NotGrantee,
		/// The consent is revoked.
		RevokedConsent,
		/// The consent has expired.
		ExpiredConsent,
		/// The consent does not cover this record category.
		CategoryNotCovered,
		/// The consent does not grant read access.
		ReadNotGranted,
		/// The consent does not grant write access.
		WriteNotGranted,
		/// The grantee holds no consent from the patient for this purpose.
		NoConsent,
		/// The organization took `MaxEmergencyAccessesPerWindow` new emergency consents in
		/// the current window; it may again in the next one.
		EmergencyAccessLimitReached,
		/// This staff key took `MaxEmergencyAccessesPerStaff` new emergency consents in the
		/// current window and its organization declared no incident; other staff of the
		/// organization still may, and this key may again in the next window.
		StaffEmergencyLimitReached,
		/// An incident declaration covers at most `MaxIncidentWindows` windows.
		IncidentTooLong,
		/// The organization has no incident in force to end.
		NoEmergencyIncident,
		/// The organization's emergency history for this patient is full
		/// (`MaxEmergencyConsentsKept`) and its oldest emergency consent ended less than
		/// `AuditRetention` ago: the patient revoked its emergency access repeatedly.
		TooManyEmergencyConsents,
		/// No anchored record has this id.
		UnknownRecord,
		/// The record belongs to another patient.
		RecordPatientMismatch,
		/// The record's category is not the one given.
		RecordCategoryMismatch,
		/// The consent's purpose does not open identified documents: only Treatment (and
		/// break-glass) consents do; Research, Insurance and PublicHealth consents serve
		/// other uses (docs/DESIGN.md, "What each purpose may read").
		PurposeNotPermitted,
		/// `log_accesses` was given no record.
		NoReads,
		/// The patient has `MaxAccessRequests` pending access requests, none of them lapsed.
		TooManyAccessRequests,
		/// The organization has no pending access request from this patient's point of view.
		NoAccessRequest,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			Self::do_integrity_test()
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Grant `grantee` access to the signer's data.
		///
		/// - `origin`: signed by a registered patient (or a guardian's proxy).
		/// - `grantee`: an active organization of the consortium (its admin account).
		/// - `scope`: the categories (non-empty, known bits) and access (read and/or write).
		/// - `purpose`: why the grantee may access the data.
		/// - `expires_at`: when the consent ends (ms since the Unix epoch, in the future), or
		///   `None` for a consent that lasts until revoked.
		///
		/// Fee-less for a patient with free quota whose call succeeds. If the patient's list
		/// is full, the oldest consent that ended (was revoked or expired) at least
		/// `AuditRetention` ago is pruned first.
		///
		/// Emits [`Event::ConsentGranted`] (after [`Event::ConsentPruned`] if one was
		/// pruned).
		///
		/// ## Complexity
		/// O(`MaxConsentsPerPatient`) consent reads in the worst case (a full list to prune),
		/// charged up front; a list with room costs a few reads and writes, and the difference
		/// is refunded after dispatch (`grant_consent_with_room`).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - [`Error::DeregisteredPatient`], [`Error::NotAPatient`]: the signer is not a
		///   registered patient.
		/// - The consortium's
		///   [`UnknownOrganization`](pallet_consortium::Error::UnknownOrganization) (`grantee`
		///   is not an organization's own account: a staff key or an outsider),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization).
		/// - [`Error::EmptyCategories`], [`Error::InvalidCategories`], [`Error::EmptyAccess`]:
		///   a malformed `scope`.
		/// - [`Error::ExpiryInPast`]: `expires_at` is not in the future.
		/// - [`Error::ConsentIdOverflow`].
		/// - [`Error::TooManyConsents`]: the patient's list is full and no consent in it
		///   ended at least `AuditRetention` ago.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::grant_consent().saturating_add(Pallet::<T>::closing_request_weight()))]
		#[pallet::feeless_if(|origin: &OriginFor<T>, grantee: &T::AccountId, scope: &Scope,
			_purpose: &Purpose, expires_at: &Option<Moment>| -> bool {
			frame_system::ensure_signed(origin.clone()).is_ok_and(|who| {
				T::Patients::has_free_quota(&who) &&
					Pallet::<T>::check_grant(&who, grantee, *scope, *expires_at).is_ok()
			})
		})]
		pub fn grant_consent(
			origin: OriginFor<T>,
			grantee: T::AccountId,
			scope: Scope,
			purpose: Purpose,
			expires_at: Option<Moment>,
		) -> DispatchResultWithPostInfo {
			let patient = ensure_signed(origin)?;
			Self::do_grant_consent(patient, grantee, scope, purpose, expires_at)
		}

		/// Revoke one of the signer's consents, with effect from this block: no access check
		/// succeeds under it any more. The consent stays in storage, with `revoked_at` set.
		///
		/// - `origin`: signed by the consent's patient (registered or deregistered).
		/// - `consent_id`: the consent.
		///
		/// Fee-less for a patient with free quota whose call succeeds.
		///
		/// Emits [`Event::ConsentRevoked`].
		///
		/// ## Complexity
		/// O(1).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - [`Error::UnknownConsent`]: no consent has this id (never granted, or pruned).
		/// - [`Error::NotConsentOwner`]: the signer is not the consent's patient.
		/// - [`Error::AlreadyRevoked`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::revoke_consent())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, consent_id: &ConsentId| -> bool {
			frame_system::ensure_signed(origin.clone()).is_ok_and(|who| {
				T::Patients::has_free_quota(&who) &&
					Pallet::<T>::check_revoke(&who, *consent_id).is_ok()
			})
		})]
		pub fn revoke_consent(origin: OriginFor<T>, consent_id: ConsentId) -> DispatchResult {
			let patient = ensure_signed(origin)?;
			Self::do_revoke_consent(patient, consent_id)
		}

		/// Break the glass: take emergency read access to every category of `patient`'s data,
		/// for Treatment, for `BreakGlassDuration`, without the patient's signature.
		///
		/// - `origin`: signed by staff (or the admin) of an active Provider organization.
		/// - `patient`: a registered patient.
		/// - `reason_code`: why, as a code agreed off chain (never free text: no health data
		///   on chain).
		///
		/// An organization holds at most one live emergency consent per patient: while it is
		/// live (not expired, not revoked by the patient), breaking the glass again *renews*
		/// it in place (same id, expiry `now + BreakGlassDuration`, `staff` and `reason_code`
		/// replaced). Otherwise a new consent is created in the organization's emergency
		/// history for the patient ([`EmergencyConsents`]), never in the patient's consent
		/// list; if that history is full, its oldest consent is pruned if it ended at least
		/// `AuditRetention` ago. Either way one use is counted in `BreakGlassUses`. A new
		/// consent (not a renewal) is also counted in the organization's rate-limit window (at
		/// most `MaxEmergencyAccessesPerWindow` per `EmergencyWindow` blocks) and in the
		/// signer's (at most `MaxEmergencyAccessesPerStaff`, unless the organization's admin
		/// declared an incident in force).
		///
		/// Emits [`Event::EmergencyAccessGranted`] (after [`Event::ConsentPruned`] if one was
		/// pruned).
		///
		/// ## Complexity
		/// O(1): the organization's emergency history for the patient and at most two of its
		/// consents are read.
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization),
		///   [`MissingRole`](pallet_consortium::Error::MissingRole): the signer does not act
		///   for an active Provider.
		/// - [`Error::DeregisteredPatient`], [`Error::NotAPatient`]: `patient` is not a
		///   registered patient.
		/// - [`Error::ConsentIdOverflow`] (only when a new consent is created, not on renewal).
		/// - [`Error::TooManyEmergencyConsents`]: the organization's emergency history for the
		///   patient is full and its oldest consent ended less than `AuditRetention` ago.
		/// - [`Error::EmergencyAccessLimitReached`] (not on renewal): the organization took
		///   `MaxEmergencyAccessesPerWindow` new emergency consents in the current window.
		/// - [`Error::StaffEmergencyLimitReached`] (not on renewal): the signer took
		///   `MaxEmergencyAccessesPerStaff` in the current window and no incident is in force.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::break_glass())]
		pub fn break_glass(
			origin: OriginFor<T>,
			patient: T::AccountId,
			reason_code: u16,
		) -> DispatchResult {
			let staff = ensure_signed(origin)?;
			Self::do_break_glass(staff, patient, reason_code)
		}

		/// Record that the signer read one of `patient`'s off-chain records under a consent.
		///
		/// - `origin`: signed by staff (or the admin) of the consent's grantee.
		/// - `patient`: the patient whose record was read.
		/// - `consent_id`: the consent that allows the read.
		/// - `record_id`: the record read: an anchored record (`T::Records`) of `patient`.
		/// - `category`: the record's category, as anchored.
		///
		/// The entry goes into the (patient, organization) [`AccessLogs`] ring buffer
		/// (dropping that organization's oldest entry for the patient when it is full).
		///
		/// Emits [`Event::AccessLogged`].
		///
		/// ## Complexity
		/// O(`MaxAccessLogEntries`) to shift the ring buffer.
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - [`Error::UnknownConsent`]: no consent has this id.
		/// - [`Error::ConsentPatientMismatch`]: the consent is another patient's.
		/// - [`Error::NotGrantee`]: the signer does not act for the consent's grantee (also
		///   for an account outside the consortium).
		/// - The consortium's
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization): the
		///   grantee is suspended.
		/// - [`Error::DeregisteredPatient`]: `patient` deregistered.
		/// - [`Error::UnknownRecord`], [`Error::RecordPatientMismatch`],
		///   [`Error::RecordCategoryMismatch`]: `record_id` is not an anchored record of
		///   `patient` in `category`.
		/// - [`Error::RevokedConsent`], [`Error::ExpiredConsent`]: the consent is not in force.
		/// - [`Error::CategoryNotCovered`], [`Error::ReadNotGranted`]: the consent does not
		///   cover reading `category`.
		/// - [`Error::PurposeNotPermitted`]: the consent's purpose does not open identified
		///   documents (only Treatment, break-glass included, does: [`Purpose::reads_identified_documents`]).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::log_access())]
		pub fn log_access(
			origin: OriginFor<T>,
			patient: T::AccountId,
			consent_id: ConsentId,
			record_id: H256,
			category: RecordCategory,
		) -> DispatchResult {
			let accessor = ensure_signed(origin)?;
			Self::do_log_reads(accessor, patient, consent_id, &[(record_id, category)])
		}

		/// Record that the signer read several of `patient`'s off-chain records under one
		/// consent: [`Pallet::log_access`] for each of `reads`, all or nothing, in one
		/// transaction (assembling a patient's history costs one, not one per document).
		///
		/// - `origin`, `patient`, `consent_id`: as for `log_access`.
		/// - `reads`: the records read, each with its category as anchored; at most
		///   `MaxReadsPerLog`, and not empty. Listing a record twice logs it twice.
		///
		/// Every record is checked as `log_access` checks its one; the first that fails fails
		/// the whole call, and nothing is logged. Each record gets its entry in the
		/// (patient, organization) [`AccessLogs`] ring buffer, in order, and its own
		/// [`Event::AccessLogged`].
		///
		/// ## Complexity
		/// O(`MaxAccessLogEntries` + `reads`): one read and one write of the ring buffer, one
		/// record lookup per read.
		///
		/// ## Errors
		///
		/// As `log_access`, plus:
		/// - [`Error::NoReads`]: `reads` is empty.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::log_accesses(reads.len() as u32))]
		pub fn log_accesses(
			origin: OriginFor<T>,
			patient: T::AccountId,
			consent_id: ConsentId,
			reads: BoundedVec<(H256, RecordCategory), T::MaxReadsPerLog>,
		) -> DispatchResult {
			let accessor = ensure_signed(origin)?;
			ensure!(!reads.is_empty(), Error::<T>::NoReads);
			Self::do_log_reads(accessor, patient, consent_id, &reads)
		}

		/// Ask `patient` for a consent: what a clinician does before reading a referred
		/// patient's history. The request grants nothing; the patient sees it (storage
		/// [`AccessRequests`], event [`Event::AccessRequested`]) and answers by granting the
		/// organization a consent (`grant_consent`, which closes the request) or with
		/// `decline_access_request`.
		///
		/// - `origin`: signed by staff (or the admin) of an active organization; the request
		///   is the organization's.
		/// - `patient`: a registered patient.
		/// - `scope`: the categories (non-empty, known bits) and access asked for.
		/// - `purpose`: why.
		///
		/// One request per (patient, organization): a new one replaces the organization's
		/// previous request. A patient holds at most `MaxAccessRequests`; at the bound, the
		/// oldest request older than `AccessRequestLifetime` is replaced (another
		/// organization's lapsed request), else the call fails.
		///
		/// Emits [`Event::AccessRequested`].
		///
		/// ## Complexity
		/// O(`MaxAccessRequests`) request reads in the worst case (a full set to search for
		/// a lapsed one), charged up front.
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization): the
		///   signer does not act for an active organization.
		/// - [`Error::DeregisteredPatient`], [`Error::NotAPatient`]: `patient` is not a
		///   registered patient.
		/// - [`Error::EmptyCategories`], [`Error::InvalidCategories`], [`Error::EmptyAccess`]:
		///   a malformed `scope`.
		/// - [`Error::TooManyAccessRequests`]: the patient holds `MaxAccessRequests` requests
		///   of other organizations, none lapsed.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::request_access())]
		pub fn request_access(
			origin: OriginFor<T>,
			patient: T::AccountId,
			scope: Scope,
			purpose: Purpose,
		) -> DispatchResult {
			let requester = ensure_signed(origin)?;
			Self::do_request_access(requester, patient, scope, purpose)
		}

		/// Decline (dismiss) `organization`'s pending access request. Granting the
		/// organization a consent is the other answer.
		///
		/// - `origin`: signed by the patient (registered or deregistered).
		/// - `organization`: the organization whose request it is.
		///
		/// Fee-less for a patient with free quota whose call succeeds.
		///
		/// Emits [`Event::AccessRequestClosed`] with no consent.
		///
		/// ## Complexity
		/// O(1).
		///
		/// ## Errors
		///
		/// - `BadOrigin`: the origin is not signed.
		/// - [`Error::NoAccessRequest`]: the organization has no pending request from the
		///   signer.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::decline_access_request())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, organization: &T::AccountId| -> bool {
			frame_system::ensure_signed(origin.clone()).is_ok_and(|who| {
				T::Patients::has_free_quota(&who) &&
					AccessRequests::<T>::contains_key(&who, organization)
			})
		})]
		pub fn decline_access_request(
			origin: OriginFor<T>,
			organization: T::AccountId,
		) -> DispatchResult {
			let patient = ensure_signed(origin)?;
			Self::do_decline_access_request(patient, organization)
		}

		/// Declare an incident (a mass-casualty event, say) during which the organization's
		/// staff keys may break the glass beyond `MaxEmergencyAccessesPerStaff` each; the
		/// organization's own `MaxEmergencyAccessesPerWindow` still holds. Or end one early.
		///
		/// - `origin`: signed by the admin (the organization's own account) of an active
		///   Provider; never by a staff key.
		/// - `incident_code`: the incident, as a code agreed off chain (never free text).
		/// - `windows`: how many rate-limit windows the declaration covers, the current one
		///   included (1 to `MaxIncidentWindows`); it replaces any earlier declaration. `0`
		///   ends the incident in force.
		///
		/// Emits [`Event::EmergencyIncidentDeclared`], or [`Event::EmergencyIncidentEnded`]
		/// for `windows = 0`. Declarations are public: regulators see each one, and every
		/// break-glass and emergency read under it.
		///
		/// ## Complexity
		/// O(1).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization),
		///   [`MissingRole`](pallet_consortium::Error::MissingRole): the signer does not act
		///   for an active Provider.
		/// - The consortium's
		///   [`UnknownOrganization`](pallet_consortium::Error::UnknownOrganization): the
		///   signer is a staff key, not the organization's admin.
		/// - [`Error::IncidentTooLong`]: `windows` is above `MaxIncidentWindows`.
		/// - [`Error::NoEmergencyIncident`]: `windows` is 0 and no incident is in force.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::declare_emergency_incident())]
		pub fn declare_emergency_incident(
			origin: OriginFor<T>,
			incident_code: u16,
			windows: u32,
		) -> DispatchResult {
			let admin = ensure_signed(origin)?;
			Self::do_declare_emergency_incident(admin, incident_code, windows)
		}
	}
}
