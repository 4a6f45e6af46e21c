//! # Consent pallet
//!
//! Patients decide who may read or write which of their health data, for what purpose and
//! until when; every read is logged where the patient can see it.
//!
//! ## Overview
//!
//! The chain never holds health data. A record's content lives off chain (a hospital's FHIR
//! server, an object store); this pallet holds the *permissions* that off-chain systems and
//! the other MedChain pallets (`HealthRecords`, `ClinicalTrials`) check before data moves,
//! and the per-patient log of who read what.
//!
//! - A patient grants a consent to an organization ([`Pallet::grant_consent`]) and can
//!   revoke it at any time ([`Pallet::revoke_consent`]); revocation takes effect at once, in
//!   the same block. Revoked and expired consents stay in storage as history.
//! - In an emergency, staff of an active Provider can *break the glass*
//!   ([`Pallet::break_glass`]): a read consent over every category, for Treatment, that
//!   expires after `BreakGlassDuration`. It always emits [`Event::EmergencyAccessGranted`],
//!   so the patient's wallet sees it, and each use is counted per organization
//!   ([`BreakGlassUses`], [`Pallet::emergency_uses`]) for audits.
//! - A grantee logs each read of an anchored record ([`Pallet::log_access`]); the call fails
//!   unless the record is the patient's, of the stated category, and the consent is active
//!   and covers that category.
//!
//! ## Terminology
//!
//! - **Grantee**: the organization (its admin account in the consortium) a consent is given
//!   to. Its staff act under the consent; the consent is never given to a person.
//! - **Scope**: the record categories covered (a [`Categories`] bit set) and the kind of
//!   access ([`Access`]: read and/or write).
//! - **Active consent**: granted, not revoked, not expired. Access also needs the grantee to
//!   be *active* in the consortium at the time of the check.
//! - **Break-glass (emergency) consent**: an emergency consent a Provider takes without the
//!   patient. It is *live* while neither expired nor revoked.
//! - **Ended consent**: revoked or expired; it ended at the earlier of the two moments.
//!
//! ## Rules worth knowing
//!
//! - **Suspended organizations** lose all access at once: every access check
//!   ([`ConsentChecker::has_access`], [`ConsentChecker::ensure_access`], `log_access`) asks
//!   the consortium whether the grantee is active *at the time of the check*. Suspension
//!   touches no consent, so reinstatement restores access as it was. A patient cannot grant a
//!   *new* consent to a suspended organization (the consortium's `SuspendedOrganization`): a
//!   grant that could not be used would be a silent no-op.
//! - **Deregistered patients** (right to erasure) grant nothing new, and every access to
//!   their data fails with `DeregisteredPatient`; they can still revoke consents.
//! - **Consent list bound**: a patient's list ([`ConsentsOf`]) holds at most
//!   `MaxConsentsPerPatient` patient-granted consents (active or not); break-glass consents
//!   never take a place in it. When the list is full, a new grant replaces the *oldest
//!   consent that ended at least `AuditRetention` ago*, which is removed from storage
//!   ([`Event::ConsentPruned`]); if there is none, the call fails with `TooManyConsents` and
//!   the patient must wait or revoke one (which becomes prunable `AuditRetention` later).
//! - **Audit retention**: no consent (granted or break-glass) is ever pruned before it ended
//!   `AuditRetention` ago, so nobody can make [`Pallet::was_permitted`] forget a recent
//!   consent by filling a list.
//! - **One live emergency consent per (organization, patient)**: breaking the glass while
//!   the organization's emergency consent for that patient is live *renews* it in place (same
//!   id, expiry `now + BreakGlassDuration`, the new `staff` and `reason_code`); once it has
//!   ended (expired, or revoked by the patient), breaking the glass creates a new one. Each
//!   organization's emergency consents for a patient are kept apart, in
//!   [`EmergencyConsents`] (at most `MaxEmergencyConsentsKept`, the oldest pruned when it
//!   ended `AuditRetention` ago), so a full consent list never blocks an emergency, and one
//!   organization's emergencies never block the patient's grants or another organization's
//!   emergency. Only a patient who revoked the same organization's emergency access
//!   `MaxEmergencyConsentsKept` times within `AuditRetention` makes its next break-glass fail
//!   (`TooManyEmergencyConsents`); expiry alone never does (`integrity_test`). Access checks
//!   see the organization's live emergency consent like any other consent, and the patient
//!   revokes it with `revoke_consent`.
//! - **Break-glass rate limits**: blocks are cut into windows of `EmergencyWindow` blocks
//!   (window = `block_number / EmergencyWindow`); an organization may take at most
//!   `MaxEmergencyAccessesPerWindow` new emergency consents per window, over all patients
//!   (beyond, `EmergencyAccessLimitReached`), and each of its staff keys at most
//!   `MaxEmergencyAccessesPerStaff` (beyond, `StaffEmergencyLimitReached`), so one key cannot
//!   use up the hospital's limit. Renewals are not counted: they open no other patient. The
//!   admin lifts the staff limit for a declared incident
//!   ([`Call::declare_emergency_incident`], public, at most `MaxIncidentWindows` windows at a
//!   time). Lifetime and current-window counts, incidents and the number of reads logged
//!   under emergency consents ([`EmergencyReads`]) are public ([`Pallet::emergency_uses`]).
//! - **Logged reads are checked**: `log_access` asks the record registry
//!   ([`RecordRegistry`], the health-records pallet) for the record's patient and category:
//!   an unknown record (`UnknownRecord`), another patient's record
//!   (`RecordPatientMismatch`) or a wrong category (`RecordCategoryMismatch`) is refused, so
//!   a grantee cannot log a MentalHealth record as LabResults.
//! - **Purpose-bound reads** (issue #24): a consent is scope *and* purpose. Only a consent
//!   whose purpose reads identified documents
//!   ([`Purpose::reads_identified_documents`]: Treatment, break-glass included) logs a read
//!   (`PurposeNotPermitted` otherwise), and [`Pallet::read_decision`] checks it again, so no
//!   gateway serves a document to a Research, Insurance or PublicHealth consent, even for
//!   an entry logged before the check existed. Each entry and `AccessLogged` event record
//!   the consent's purpose and whether it was break-glass. The table of what each purpose
//!   may read is in docs/DESIGN.md.
//! - **Many reads, one transaction**: `log_accesses` logs up to `MaxReadsPerLog` reads of
//!   one patient under one consent, all or nothing (`MaxReadsPerLog` ≤
//!   `MaxAccessLogEntries`, so a batch never evicts itself from the ring buffer).
//! - **Access log bound**: each organization's reads of a patient go to their own ring
//!   buffer ([`AccessLogs`], keyed by patient and organization) of `MaxAccessLogEntries`
//!   entries: when it is full, logging a new access drops *that organization's* oldest entry
//!   for the patient, so a grantee can never push another grantee's entries out.
//!   [`Pallet::access_log`] merges a patient's buffers, oldest first. Every access also emits
//!   [`Event::AccessLogged`], so the full history stays in the chain's event history.
//! - **Fees**: `grant_consent` and `revoke_consent` are fee-less for a registered patient
//!   who still has free calls in the identity pallet's rate-limit window
//!   ([`PatientRegistry::has_free_quota`]) *and* whose call would succeed; a call that would
//!   fail is charged like any other, so failing calls cannot be spammed for free. Each
//!   fee-less call is counted with [`PatientRegistry::note_free_call`]. Known limit: the
//!   count mirrors `has_free_quota`, so a grant or revocation wrapped in `Proxy` or
//!   `Utility` (paid by the outer signer) also uses the patient's quota.
//! - **Audits of the past** ([`Pallet::was_permitted`]) look at the consents still stored
//!   (every consent that ended less than `AuditRetention` ago is): they cannot see consents
//!   pruned after that, and they cannot see the grantee's suspension history or the
//!   patient's deregistration (both are checked only for the present).
//!
//! ## Assumptions
//!
//! - The consortium ([`pallet_consortium::RoleProvider`]) is the single source of who acts
//!   for which organization; an organization is identified by its admin account.
//! - The identity pallet ([`PatientRegistry`]) says who is a registered patient and meters
//!   fee-less calls.
//! - The health-records pallet ([`RecordRegistry`]) says which patient and category an
//!   anchored record belongs to.
//! - Time is the block's timestamp (`T::Time`, milliseconds since the Unix epoch): every
//!   check within one block sees the same time.
//!
//! ## Interface for other pallets
//!
//! Other pallets never read this pallet's storage: they ask through
//! [`ConsentChecker`] (implemented by [`Pallet`]), e.g.
//! `T::Consents::ensure_access(&patient, &org, category, Purpose::Treatment, true)?`,
//! which returns the id of the consent that grants the access.
//!
//! ## Pallet API
//!
//! - [`Config`]: the runtime's choices: the consortium ([`Config::Roles`]), the identity
//!   pallet ([`Config::Patients`]), the record registry ([`Config::Records`]), the clock and
//!   the bounds.
//! - [`Call`]: the dispatchable functions, below. Each one's docs end with an `## Errors`
//!   list of the errors it can return: this pallet's [`Error`]s, and the consortium's
//!   ([`pallet_consortium::Error`]) for the organization checks.
//! - [`Event`]: what the calls emit. [`Error`]: what they fail with.
//! - Storage: [`Consents`], [`ConsentsOf`], [`EmergencyConsents`], [`AccessLogs`],
//!   [`BreakGlassUses`], [`BreakGlassWindowUses`], [`BreakGlassStaffWindowUses`],
//!   [`EmergencyIncidents`], [`EmergencyReads`], [`NextConsentId`]. Queries:
//!   [`Pallet::consents_of`], [`Pallet::access_log`], [`Pallet::was_permitted`],
//!   [`Pallet::emergency_uses`] (runtime API [`runtime_api::ConsentApi`]).
//!
//! ### Dispatchable functions
//!
//! - [`Call::grant_consent`]: a patient grants an organization access (fee-less with quota).
//! - [`Call::revoke_consent`]: the patient revokes it (fee-less with quota).
//! - [`Call::break_glass`]: a Provider takes emergency read access.
//! - [`Call::declare_emergency_incident`]: a Provider's admin lifts the per-staff
//!   break-glass limit for a declared incident (or ends it).
//! - [`Call::log_access`]: a grantee logs a read of an anchored record.
//! - [`Call::log_accesses`]: a grantee logs the reads of up to `MaxReadsPerLog` records of
//!   one patient at once.

#![cfg_attr(not(feature = "std"), no_std)]
// Runtime code never panics (issue #12): clippy denies what could, outside tests and benchmarks.
// `expect_used` is not listed: FRAME's macros expand to `expect`s of their own, and the genesis
// builds' `expect`s are deliberate (a chain must not start from an invalid genesis).
#![cfg_attr(
	not(test),
	deny(
		clippy::unwrap_used,
		clippy::panic,
		clippy::indexing_slicing,
		clippy::arithmetic_side_effects
	)
)]

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
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod runtime_api;
#[cfg(test)]
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

/// Why a consent does not grant a requested access, from the least to the most specific.
///
/// When several consents toward the same grantee and purpose exist, the access check reports
/// the most specific reason (e.g. "revoked" rather than "category not covered"); purpose is not a `Denial`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Denial {
	CategoryNotCovered,
	AccessNotGranted,
	Revoked,
	Expired,
}

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
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(4);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// A consent as stored.
	pub type ConsentOf<T> = Consent<<T as frame_system::Config>::AccountId>;

	/// An access-log entry as stored.
	pub type AccessEntryOf<T> = AccessEntry<<T as frame_system::Config>::AccountId>;

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
			assert!(T::MaxConsentsPerPatient::get() > 0, "MaxConsentsPerPatient must be > 0");
			assert!(T::MaxAccessLogEntries::get() > 0, "MaxAccessLogEntries must be > 0");
			assert!(
				T::MaxReadsPerLog::get() > 0
					&& T::MaxReadsPerLog::get() <= T::MaxAccessLogEntries::get(),
				"MaxReadsPerLog must be > 0 and at most MaxAccessLogEntries"
			);
			assert!(T::BreakGlassDuration::get() > 0, "BreakGlassDuration must be > 0");
			assert!(T::MaxAccessRequests::get() > 0, "MaxAccessRequests must be > 0");
			assert!(T::AccessRequestLifetime::get() > 0, "AccessRequestLifetime must be > 0");
			assert!(
				T::MaxEmergencyAccessesPerWindow::get() > 0,
				"MaxEmergencyAccessesPerWindow must be > 0"
			);
			assert!(!T::EmergencyWindow::get().is_zero(), "EmergencyWindow must not be zero");
			assert!(
				T::MaxEmergencyAccessesPerStaff::get() > 0
					&& T::MaxEmergencyAccessesPerStaff::get()
						<= T::MaxEmergencyAccessesPerWindow::get(),
				"MaxEmergencyAccessesPerStaff must be > 0 and at most MaxEmergencyAccessesPerWindow"
			);
			assert!(T::MaxIncidentWindows::get() > 0, "MaxIncidentWindows must be > 0");
			let expiries_in_retention =
				T::AuditRetention::get().div_ceil(T::BreakGlassDuration::get());
			assert!(
				u64::from(T::MaxEmergencyConsentsKept::get()) > expiries_in_retention,
				"MaxEmergencyConsentsKept must be at least ceil(AuditRetention / BreakGlassDuration) + 1"
			);
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
			let (plan, now) = Self::check_grant(&patient, &grantee, scope, expires_at)?;
			// Charged for the scan of a full list up front; refunded to the cost of a list
			// with room when nothing had to be pruned (the common case).
			let actual_weight = plan.pruned.is_none().then(|| {
				T::WeightInfo::grant_consent_with_room()
					.saturating_add(Self::closing_request_weight())
			});
			Self::note_free_call(&patient);
			let consent = Consent {
				patient: patient.clone(),
				grantee: grantee.clone(),
				scope,
				purpose,
				granted_at: now,
				expires_at,
				revoked_at: None,
				kind: ConsentKind::Standard,
			};
			let consent_id = Self::insert_consent(&patient, plan, consent);
			Self::deposit_event(Event::ConsentGranted {
				patient: patient.clone(),
				grantee: grantee.clone(),
				consent_id,
				scope,
				purpose,
				expires_at,
			});
			if Self::remove_request(&patient, &grantee) {
				Self::deposit_event(Event::AccessRequestClosed {
					patient,
					organization: grantee,
					consent_id: Some(consent_id),
				});
			}
			Ok(actual_weight.into())
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
			let consent = Self::check_revoke(&patient, consent_id)?;
			Self::note_free_call(&patient);
			let grantee = consent.grantee.clone();
			let now = Self::now();
			if consent.kind == ConsentKind::Standard {
				GrantsTo::<T>::mutate(&patient, &grantee, |grants| {
					match grants.iter_mut().find(|grant| grant.id == consent_id) {
						Some(grant) => grant.revoked_at = Some(now),
						None => {
							frame_support::defensive!(
								"a stored patient-granted consent is in GrantsTo"
							);
						}
					}
				});
			}
			Consents::<T>::insert(consent_id, Consent { revoked_at: Some(now), ..consent });
			Self::deposit_event(Event::ConsentRevoked { patient, grantee, consent_id });
			Ok(())
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
			let organization = T::Roles::ensure_role(&staff, Role::Provider)?;
			Self::ensure_patient(&patient)?;
			let now = Self::now();
			let plan = Self::plan_emergency_consent(&patient, &organization, now)?;
			let usage = match plan {
				EmergencyPlan::Renew { .. } => None,
				EmergencyPlan::New(_) => {
					Some(Self::next_emergency_window_usage(&organization, &staff)?)
				}
			};
			let expires_at = now.saturating_add(T::BreakGlassDuration::get());
			let kind = ConsentKind::BreakGlass { staff: staff.clone(), reason_code };
			let consent_id = match plan {
				EmergencyPlan::Renew { id, consent } => {
					Consents::<T>::insert(
						id,
						Consent { expires_at: Some(expires_at), kind, ..consent },
					);
					id
				}
				EmergencyPlan::New(plan) => {
					let consent = Consent {
						patient: patient.clone(),
						grantee: organization.clone(),
						scope: Scope { categories: Categories::all(), access: Access::READ },
						purpose: Purpose::Treatment,
						granted_at: now,
						expires_at: Some(expires_at),
						revoked_at: None,
						kind,
					};
					Self::insert_emergency_consent(&patient, &organization, plan, consent)
				}
			};
			if let Some((org_usage, staff_usage)) = usage {
				BreakGlassWindowUses::<T>::insert(&organization, org_usage);
				BreakGlassStaffWindowUses::<T>::insert(&staff, staff_usage);
			}
			BreakGlassUses::<T>::mutate(&organization, |uses| *uses = uses.saturating_add(1));
			Self::deposit_event(Event::EmergencyAccessGranted {
				patient,
				organization,
				staff,
				consent_id,
				reason_code,
				expires_at,
			});
			Ok(())
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
			let organization = T::Roles::ensure_organization(&requester)?;
			Self::ensure_patient(&patient)?;
			Self::ensure_valid_scope(scope)?;
			let now = Self::now();
			if !AccessRequests::<T>::contains_key(&patient, &organization) {
				let count = AccessRequestCount::<T>::get(&patient);
				if count >= T::MaxAccessRequests::get() {
					// Replace the oldest lapsed request, if any.
					let lifetime = T::AccessRequestLifetime::get();
					let lapsed = AccessRequests::<T>::iter_prefix(&patient)
						.filter(|(_, r)| r.requested_at.saturating_add(lifetime) <= now)
						.min_by_key(|(_, r)| r.requested_at)
						.map(|(org, _)| org)
						.ok_or(Error::<T>::TooManyAccessRequests)?;
					Self::remove_request(&patient, &lapsed);
					Self::deposit_event(Event::AccessRequestClosed {
						patient: patient.clone(),
						organization: lapsed,
						consent_id: None,
					});
				}
				AccessRequestCount::<T>::mutate(&patient, |n| *n = n.saturating_add(1));
			}
			AccessRequests::<T>::insert(
				&patient,
				&organization,
				AccessRequest { requester: requester.clone(), scope, purpose, requested_at: now },
			);
			Self::deposit_event(Event::AccessRequested {
				patient,
				organization,
				requester,
				scope,
				purpose,
			});
			Ok(())
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
			ensure!(Self::remove_request(&patient, &organization), Error::<T>::NoAccessRequest);
			Self::note_free_call(&patient);
			Self::deposit_event(Event::AccessRequestClosed {
				patient,
				organization,
				consent_id: None,
			});
			Ok(())
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
			let organization = T::Roles::ensure_role(&admin, Role::Provider)?;
			T::Roles::ensure_active_organization(&admin)?;
			ensure!(windows <= T::MaxIncidentWindows::get(), Error::<T>::IncidentTooLong);
			if windows == 0 {
				ensure!(
					Self::incident_in_force(&organization).is_some(),
					Error::<T>::NoEmergencyIncident
				);
				EmergencyIncidents::<T>::remove(&organization);
				Self::deposit_event(Event::EmergencyIncidentEnded { organization });
				return Ok(());
			}
			let until_window =
				Self::current_emergency_window().saturating_add(windows.saturating_sub(1).into());
			EmergencyIncidents::<T>::insert(
				&organization,
				EmergencyIncident { code: incident_code, until_window },
			);
			Self::deposit_event(Event::EmergencyIncidentDeclared {
				organization,
				incident_code,
				until_window,
			});
			Ok(())
		}
	}

	/// What `insert_consent` (or `insert_emergency_consent`) will do, computed (read-only) by
	/// `plan_new_consent` (or `plan_emergency_consent`).
	pub(crate) struct NewConsentPlan<Bound: Get<u32>> {
		/// The new consent's id.
		id: ConsentId,
		/// The value of `NextConsentId` afterwards.
		next_id: ConsentId,
		/// The new index (the patient's list, or the organization's emergency history for
		/// the patient), pruned if needed, with `id` appended.
		ids: BoundedVec<ConsentId, Bound>,
		/// The consent removed to make room, if any.
		pruned: Option<ConsentId>,
	}

	/// What `break_glass` will do, computed (read-only) by `plan_emergency_consent`.
	pub(crate) enum EmergencyPlan<T: Config> {
		/// Renew the organization's live emergency consent `id` (currently `consent`).
		Renew { id: ConsentId, consent: ConsentOf<T> },
		/// Create a new emergency consent.
		New(NewConsentPlan<T::MaxEmergencyConsentsKept>),
	}

	impl<T: Config> Pallet<T> {
		/// The current time in milliseconds since the Unix epoch (saturating).
		pub fn now() -> Moment {
			Moment::try_from(T::Time::now().as_millis()).unwrap_or(Moment::MAX)
		}

		/// Count a fee-less call by `who` if it was fee-less (mirrors `feeless_if`).
		///
		/// Known limit: a call wrapped in `Proxy` or `Utility` is not fee-less (only top-level
		/// calls are), yet it is counted here; the dispatchable cannot tell. Counting belongs
		/// in a transaction extension that sees the fee-less decision.
		/// What `grant_consent` adds to its benchmarked weight for closing the grantee's
		/// pending access request: the benchmarks grant with no request pending (the lookup
		/// of the request is in them), so the count's read and the two writes (request and
		/// count) are added here.
		pub fn closing_request_weight() -> Weight {
			T::DbWeight::get().reads_writes(1, 2)
		}

		/// Remove `organization`'s pending request from `patient`, if any; whether there was
		/// one.
		fn remove_request(patient: &T::AccountId, organization: &T::AccountId) -> bool {
			if AccessRequests::<T>::take(patient, organization).is_none() {
				return false;
			}
			AccessRequestCount::<T>::mutate_exists(patient, |n| {
				*n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
			});
			true
		}

		/// Pending access requests to `patient`, with the organization asking, oldest first
		/// (lapsed ones included: compare `requested_at` with `AccessRequestLifetime`).
		pub fn access_requests(patient: &T::AccountId) -> Vec<(T::AccountId, AccessRequestOf<T>)> {
			let mut out: Vec<_> = AccessRequests::<T>::iter_prefix(patient).collect();
			out.sort_by_key(|(_, r)| r.requested_at);
			out
		}

		fn note_free_call(who: &T::AccountId) {
			if T::Patients::has_free_quota(who) {
				T::Patients::note_free_call(who);
			}
		}

		/// Fails unless `who` is a registered patient.
		fn ensure_patient(who: &T::AccountId) -> DispatchResult {
			ensure!(!T::Patients::is_deregistered(who), Error::<T>::DeregisteredPatient);
			ensure!(T::Patients::is_registered(who), Error::<T>::NotAPatient);
			Ok(())
		}

		/// Fails unless `scope` names at least one known category and some access.
		fn ensure_valid_scope(scope: Scope) -> DispatchResult {
			ensure!(!scope.categories.is_empty(), Error::<T>::EmptyCategories);
			ensure!(scope.categories.is_valid(), Error::<T>::InvalidCategories);
			ensure!(!scope.access.is_empty(), Error::<T>::EmptyAccess);
			Ok(())
		}

		/// Every check of `grant_consent`, without writing anything.
		pub(crate) fn check_grant(
			patient: &T::AccountId,
			grantee: &T::AccountId,
			scope: Scope,
			expires_at: Option<Moment>,
		) -> Result<(NewConsentPlan<T::MaxConsentsPerPatient>, Moment), DispatchError> {
			Self::ensure_patient(patient)?;
			T::Roles::ensure_active_organization(grantee)?;
			Self::ensure_valid_scope(scope)?;
			let now = Self::now();
			if let Some(expiry) = expires_at {
				ensure!(expiry > now, Error::<T>::ExpiryInPast);
			}
			let plan = Self::plan_new_consent(patient, now)?;
			Ok((plan, now))
		}

		/// Every check of `revoke_consent`, without writing anything; returns the consent.
		pub(crate) fn check_revoke(
			patient: &T::AccountId,
			consent_id: ConsentId,
		) -> Result<ConsentOf<T>, DispatchError> {
			let consent = Consents::<T>::get(consent_id).ok_or(Error::<T>::UnknownConsent)?;
			ensure!(consent.patient == *patient, Error::<T>::NotConsentOwner);
			ensure!(!consent.is_revoked(), Error::<T>::AlreadyRevoked);
			Ok(consent)
		}

		/// Find room for a new consent of `patient`: the next id, and the oldest consent that
		/// ended at least `AuditRetention` ago to prune if the list is full. Reads only.
		pub(crate) fn plan_new_consent(
			patient: &T::AccountId,
			now: Moment,
		) -> Result<NewConsentPlan<T::MaxConsentsPerPatient>, DispatchError> {
			let id = NextConsentId::<T>::get();
			let next_id = id.checked_add(1).ok_or(Error::<T>::ConsentIdOverflow)?;
			let mut ids = ConsentsOf::<T>::get(patient);
			let mut pruned = None;
			if ids.is_full() {
				// A listed id without a stored consent cannot happen (see `do_try_state`);
				// should it, the dangling id is the first thing to drop.
				let retention = T::AuditRetention::get();
				let oldest = ids
					.iter()
					.copied()
					.find(|id| {
						Consents::<T>::get(id).is_none_or(|c| c.is_prunable_at(now, retention))
					})
					.ok_or(Error::<T>::TooManyConsents)?;
				ids.retain(|id| *id != oldest);
				pruned = Some(oldest);
			}
			ids.try_push(id).map_err(|_| Error::<T>::TooManyConsents)?;
			Ok(NewConsentPlan { id, next_id, ids, pruned })
		}

		/// What breaking the glass for `patient` means for `organization` at `now`: renew its
		/// live emergency consent, or create a new one (pruning the oldest of a full history
		/// if it ended at least `AuditRetention` ago). Reads only.
		pub(crate) fn plan_emergency_consent(
			patient: &T::AccountId,
			organization: &T::AccountId,
			now: Moment,
		) -> Result<EmergencyPlan<T>, DispatchError> {
			let mut ids = EmergencyConsents::<T>::get(patient, organization);
			// Only the newest can be live: a new one is created only once it has ended.
			if let Some(id) = ids.last().copied() {
				if let Some(consent) = Consents::<T>::get(id).filter(|c| c.is_live_at(now)) {
					return Ok(EmergencyPlan::Renew { id, consent });
				}
			}
			let id = NextConsentId::<T>::get();
			let next_id = id.checked_add(1).ok_or(Error::<T>::ConsentIdOverflow)?;
			let mut pruned = None;
			if ids.is_full() {
				// Each consent of the history was created after the previous one ended, so
				// they ended in id order: if the oldest may not be pruned, none may. (A
				// dangling id cannot happen; should it, it is dropped.)
				let retention = T::AuditRetention::get();
				let oldest = ids
					.first()
					.copied()
					.filter(|id| {
						Consents::<T>::get(id).is_none_or(|c| c.is_prunable_at(now, retention))
					})
					.ok_or(Error::<T>::TooManyEmergencyConsents)?;
				ids.retain(|id| *id != oldest);
				pruned = Some(oldest);
			}
			ids.try_push(id).map_err(|_| Error::<T>::TooManyEmergencyConsents)?;
			Ok(EmergencyPlan::New(NewConsentPlan { id, next_id, ids, pruned }))
		}

		/// Store `consent` as planned in the patient's list; emits `ConsentPruned` if a
		/// consent was pruned. Returns the new consent's id.
		pub(crate) fn insert_consent(
			patient: &T::AccountId,
			plan: NewConsentPlan<T::MaxConsentsPerPatient>,
			consent: ConsentOf<T>,
		) -> ConsentId {
			let NewConsentPlan { id, next_id, ids, pruned } = plan;
			ConsentsOf::<T>::insert(patient, ids);
			if let Some(pruned) = pruned {
				if let Some(old) = Consents::<T>::get(pruned) {
					GrantsTo::<T>::mutate_exists(patient, &old.grantee, |grants| {
						if let Some(list) = grants {
							list.retain(|grant| grant.id != pruned);
							if list.is_empty() {
								*grants = None;
							}
						}
					});
				}
			}
			// The pair's list is a sub-list of the patient's, which has room for `id`.
			GrantsTo::<T>::mutate(patient, &consent.grantee, |grants| {
				let _fits = grants.try_push(consent.grant(id)).defensive_proof("a sub-list fits");
			});
			Self::store_new_consent(patient, id, next_id, pruned, consent)
		}

		/// Store emergency `consent` as planned in `organization`'s emergency history for
		/// `patient`; emits `ConsentPruned` if a consent was pruned. Returns its id.
		pub(crate) fn insert_emergency_consent(
			patient: &T::AccountId,
			organization: &T::AccountId,
			plan: NewConsentPlan<T::MaxEmergencyConsentsKept>,
			consent: ConsentOf<T>,
		) -> ConsentId {
			let NewConsentPlan { id, next_id, ids, pruned } = plan;
			EmergencyConsents::<T>::insert(patient, organization, ids);
			Self::store_new_consent(patient, id, next_id, pruned, consent)
		}

		/// The writes both kinds of new consent share, after their index was written.
		fn store_new_consent(
			patient: &T::AccountId,
			id: ConsentId,
			next_id: ConsentId,
			pruned: Option<ConsentId>,
			consent: ConsentOf<T>,
		) -> ConsentId {
			if let Some(pruned) = pruned {
				Consents::<T>::remove(pruned);
			}
			Consents::<T>::insert(id, consent);
			NextConsentId::<T>::put(next_id);
			if let Some(consent_id) = pruned {
				Self::deposit_event(Event::ConsentPruned { patient: patient.clone(), consent_id });
			}
			id
		}

		/// The current break-glass rate-limit window: `block_number / EmergencyWindow`
		/// (window 0 for ever if `EmergencyWindow` were 0, which `integrity_test` forbids).
		pub fn current_emergency_window() -> BlockNumberFor<T> {
			frame_system::Pallet::<T>::block_number()
				.checked_div(&T::EmergencyWindow::get())
				.unwrap_or_else(Zero::zero)
		}

		/// New emergency consents of `organization` in the current window.
		fn emergency_uses_in_window(organization: &T::AccountId) -> u32 {
			Self::used_in_current_window(BreakGlassWindowUses::<T>::get(organization))
		}

		/// A window usage's count if it is the current window's, else zero.
		fn used_in_current_window(usage: Option<WindowUsageOf<T>>) -> u32 {
			usage
				.filter(|usage| usage.window == Self::current_emergency_window())
				.map_or(0, |usage| usage.used)
		}

		/// The organization's and the staff key's window usages after one more new emergency
		/// consent, or `EmergencyAccessLimitReached` / `StaffEmergencyLimitReached` if a
		/// limit is reached. Reads only.
		fn next_emergency_window_usage(
			organization: &T::AccountId,
			staff: &T::AccountId,
		) -> Result<(WindowUsageOf<T>, WindowUsageOf<T>), DispatchError> {
			let window = Self::current_emergency_window();
			let used = Self::emergency_uses_in_window(organization);
			ensure!(
				used < T::MaxEmergencyAccessesPerWindow::get(),
				Error::<T>::EmergencyAccessLimitReached
			);
			let staff_used =
				Self::used_in_current_window(BreakGlassStaffWindowUses::<T>::get(staff));
			ensure!(
				staff_used < T::MaxEmergencyAccessesPerStaff::get()
					|| Self::incident_in_force(organization).is_some(),
				Error::<T>::StaffEmergencyLimitReached
			);
			Ok((
				WindowUsage { window, used: used.saturating_add(1) },
				WindowUsage { window, used: staff_used.saturating_add(1) },
			))
		}

		/// The incident `organization`'s admin declared, if it is in force in the current
		/// window.
		pub fn incident_in_force(organization: &T::AccountId) -> Option<EmergencyIncidentOf<T>> {
			EmergencyIncidents::<T>::get(organization)
				.filter(|incident| incident.until_window >= Self::current_emergency_window())
		}

		/// How often `organization` broke the glass: `(lifetime uses, new emergency consents
		/// in the current window)` (for the runtime API and governance dashboards). The first
		/// number counts renewals too; the second does not and is at most
		/// `MaxEmergencyAccessesPerWindow`.
		pub fn emergency_uses(organization: &T::AccountId) -> (u32, u32) {
			(BreakGlassUses::<T>::get(organization), Self::emergency_uses_in_window(organization))
		}

		/// New emergency consents `staff` took in the current window.
		pub fn staff_emergency_uses(staff: &T::AccountId) -> u32 {
			Self::used_in_current_window(BreakGlassStaffWindowUses::<T>::get(staff))
		}

		/// Why `consent` is not in force at `now`, if it is not.
		fn status_denial(consent: &Grant, now: Moment) -> Option<Denial> {
			if consent.is_revoked() {
				Some(Denial::Revoked)
			} else if consent.is_expired_at(now) {
				Some(Denial::Expired)
			} else {
				None
			}
		}

		/// Why `consent` does not cover `category` with the requested access, if it does not.
		fn coverage_denial(
			consent: &Grant,
			category: Option<RecordCategory>,
			write: bool,
		) -> Option<Denial> {
			if category.is_some_and(|category| !consent.scope.categories.contains(category)) {
				Some(Denial::CategoryNotCovered)
			} else if !consent.scope.access.allows(write) {
				Some(Denial::AccessNotGranted)
			} else {
				None
			}
		}

		/// `log_access` and `log_accesses`: check every read, then log them all (nothing is
		/// logged if one fails). See `log_access` for the checks and their order.
		fn do_log_reads(
			accessor: T::AccountId,
			patient: T::AccountId,
			consent_id: ConsentId,
			reads: &[(H256, RecordCategory)],
		) -> DispatchResult {
			let consent = Consents::<T>::get(consent_id).ok_or(Error::<T>::UnknownConsent)?;
			ensure!(consent.patient == patient, Error::<T>::ConsentPatientMismatch);
			let organization = T::Roles::organization_of(&accessor)
				.filter(|org| *org == consent.grantee)
				.ok_or(Error::<T>::NotGrantee)?;
			T::Roles::ensure_active_organization(&organization)?;
			ensure!(!T::Patients::is_deregistered(&patient), Error::<T>::DeregisteredPatient);
			let now = Self::now();
			let grant = consent.grant(consent_id);
			for (record_id, category) in reads {
				let (subject, anchored_category) =
					T::Records::record_subject(record_id).ok_or(Error::<T>::UnknownRecord)?;
				ensure!(subject == patient, Error::<T>::RecordPatientMismatch);
				ensure!(anchored_category == *category, Error::<T>::RecordCategoryMismatch);
				if let Some(denial) = Self::status_denial(&grant, now)
					.or_else(|| Self::coverage_denial(&grant, Some(*category), false))
				{
					return Err(Self::denial_error(denial, false));
				}
				ensure!(
					consent.purpose.reads_identified_documents(),
					Error::<T>::PurposeNotPermitted
				);
			}
			let emergency = matches!(consent.kind, ConsentKind::BreakGlass { .. });
			AccessLogs::<T>::mutate(&patient, &organization, |log| {
				for (record_id, category) in reads {
					let entry = AccessEntry {
						consent_id,
						organization: organization.clone(),
						accessor: accessor.clone(),
						record_id: *record_id,
						category: *category,
						at: now,
						purpose: consent.purpose,
						emergency,
					};
					let len = log.len();
					// Appends; when full, drops the organization's oldest entry. It only fails
					// for a zero bound, which `integrity_test` rules out.
					let _evicted = log
						.force_insert_keep_right(len, entry)
						.defensive_proof("MaxAccessLogEntries > 0, checked by integrity_test");
				}
			});
			if emergency {
				let count = u32::try_from(reads.len()).unwrap_or(u32::MAX);
				EmergencyReads::<T>::mutate(&organization, |n| *n = n.saturating_add(count));
			}
			for (record_id, category) in reads {
				Self::deposit_event(Event::AccessLogged {
					patient: patient.clone(),
					consent_id,
					organization: organization.clone(),
					accessor: accessor.clone(),
					record_id: *record_id,
					category: *category,
					purpose: consent.purpose,
					emergency,
				});
			}
			Ok(())
		}

		fn denial_error(denial: Denial, write: bool) -> DispatchError {
			match denial {
				Denial::CategoryNotCovered => Error::<T>::CategoryNotCovered,
				Denial::AccessNotGranted if write => Error::<T>::WriteNotGranted,
				Denial::AccessNotGranted => Error::<T>::ReadNotGranted,
				Denial::Revoked => Error::<T>::RevokedConsent,
				Denial::Expired => Error::<T>::ExpiredConsent,
			}
			.into()
		}

		/// The access check behind [`ConsentChecker`]: the id of an active consent from
		/// `patient` to `grantee` covering `category` for `purpose` (write access if `write`,
		/// read access otherwise), or the most specific reason there is none.
		///
		/// Order: the grantee must be an organization (`NoConsent`) and active (the
		/// consortium's `SuspendedOrganization`), the patient not deregistered
		/// (`DeregisteredPatient`); then, among the patient's consents to `grantee` for
		/// `purpose` (the patient-granted ones, then `grantee`'s newest emergency consent),
		/// the first that grants the access wins; if none does, the most specific failure is
		/// reported: `ExpiredConsent` > `RevokedConsent` > `ReadNotGranted` /
		/// `WriteNotGranted` > `CategoryNotCovered` > `NoConsent`.
		///
		/// ## Complexity
		/// Three reads: the pair's [`GrantsTo`] list, its [`EmergencyConsents`] history and
		/// the newest emergency consent; whatever the patient's consents to others.
		pub fn do_ensure_access(
			patient: &T::AccountId,
			grantee: &T::AccountId,
			category: RecordCategory,
			purpose: Purpose,
			write: bool,
		) -> Result<ConsentId, DispatchError> {
			Self::ensure_consent(patient, grantee, Some(category), purpose, write)
		}

		/// Like [`Self::do_ensure_access`] for read access to any category: the id of an
		/// active consent from `patient` to `grantee` for `purpose`, whatever it covers (e.g.
		/// a Research consent toward a trial sponsor).
		///
		/// ## Complexity
		/// Three reads, as [`Self::do_ensure_access`].
		pub fn do_ensure_purpose(
			patient: &T::AccountId,
			grantee: &T::AccountId,
			purpose: Purpose,
		) -> Result<ConsentId, DispatchError> {
			Self::ensure_consent(patient, grantee, None, purpose, false)
		}

		/// `do_ensure_access` with the category optional (`None`: any category).
		fn ensure_consent(
			patient: &T::AccountId,
			grantee: &T::AccountId,
			category: Option<RecordCategory>,
			purpose: Purpose,
			write: bool,
		) -> Result<ConsentId, DispatchError> {
			ensure!(T::Roles::is_organization(grantee), Error::<T>::NoConsent);
			T::Roles::ensure_active_organization(grantee)?;
			ensure!(!T::Patients::is_deregistered(patient), Error::<T>::DeregisteredPatient);
			let now = Self::now();
			let mut closest: Option<Denial> = None;
			// Only the newest emergency consent of the pair can be live (see
			// `EmergencyConsents`); it tells as much as the older ones when it is not.
			let emergency = EmergencyConsents::<T>::get(patient, grantee)
				.last()
				.and_then(|id| Consents::<T>::get(id).map(|consent| consent.grant(*id)));
			for grant in GrantsTo::<T>::get(patient, grantee).into_iter().chain(emergency) {
				if grant.purpose != purpose {
					continue;
				}
				match Self::coverage_denial(&grant, category, write)
					.or_else(|| Self::status_denial(&grant, now))
				{
					None => return Ok(grant.id),
					Some(denial) => closest = closest.max(Some(denial)),
				}
			}
			Err(closest
				.map(|denial| Self::denial_error(denial, write))
				.unwrap_or_else(|| Error::<T>::NoConsent.into()))
		}

		/// The patient's stored consents with their ids, oldest first (ascending ids): the
		/// patient-granted ones and every organization's emergency ones (for the runtime API).
		///
		/// ## Complexity
		/// O(`MaxConsentsPerPatient` + Provider organizations × `MaxEmergencyConsentsKept`).
		pub fn consents_of(patient: &T::AccountId) -> Vec<(ConsentId, ConsentOf<T>)> {
			let mut ids = ConsentsOf::<T>::get(patient).into_inner();
			for emergency in EmergencyConsents::<T>::iter_prefix_values(patient) {
				ids.extend(emergency);
			}
			ids.sort_unstable();
			ids.into_iter()
				.filter_map(|id| Consents::<T>::get(id).map(|consent| (id, consent)))
				.collect()
		}

		/// The patient's access log across organizations, oldest first (merged by `at`; the
		/// entries of one organization keep their order), for the runtime API. Each
		/// organization's part holds its latest `MaxAccessLogEntries` reads.
		///
		/// ## Complexity
		/// O(organizations that read × `MaxAccessLogEntries`).
		pub fn access_log(patient: &T::AccountId) -> Vec<AccessEntryOf<T>> {
			let mut log: Vec<AccessEntryOf<T>> = AccessLogs::<T>::iter_prefix_values(patient)
				.flat_map(|entries| entries.into_inner())
				.collect();
			// Stable: equal times keep each organization's own order.
			log.sort_by_key(|entry| entry.at);
			log
		}

		/// A record gateway's question: may `requester` be served record `record_id` (of
		/// `patient`, in `category`) now? The patient always may; staff (or an admin) of an
		/// active organization may when their newest read of this record in the access log
		/// is at most `max_log_age` ms old and the consent it was logged under still grants
		/// read access to `category` (a live break-glass consent included). Otherwise the
		/// decision names what is missing ([`ReadRefusal`]). The record's existence and
		/// sealing are the records pallet's (the runtime's `GatewayApi` checks them first).
		///
		/// ## Complexity
		/// Reads the organization's log of this patient (at most `MaxAccessLogEntries`
		/// entries) and one consent.
		pub fn read_decision(
			requester: &T::AccountId,
			patient: T::AccountId,
			category: RecordCategory,
			record_id: H256,
			max_log_age: Moment,
		) -> ReadDecision<T::AccountId> {
			if T::Patients::is_deregistered(&patient) {
				return ReadDecision::PatientErased;
			}
			if *requester == patient {
				return ReadDecision::Patient { patient, category };
			}
			let refuse = |patient, reason| ReadDecision::Refused { patient, category, reason };
			let Some(organization) = T::Roles::organization_of(requester) else {
				return refuse(patient, ReadRefusal::NotStaff);
			};
			if T::Roles::ensure_active_organization(&organization).is_err() {
				return refuse(patient, ReadRefusal::OrganizationInactive);
			}
			let now = Self::now();
			let oldest = now.saturating_sub(max_log_age);
			let log = AccessLogs::<T>::get(&patient, &organization);
			let Some(entry) = log.iter().rev().find(|entry| {
				entry.accessor == *requester && entry.record_id == record_id && entry.at >= oldest
			}) else {
				return refuse(patient, ReadRefusal::NotLogged);
			};
			let Some(consent) = Consents::<T>::get(entry.consent_id) else {
				return refuse(patient, ReadRefusal::NoConsent);
			};
			let grant = consent.grant(entry.consent_id);
			let denial = Self::status_denial(&grant, now)
				.or_else(|| Self::coverage_denial(&grant, Some(category), false));
			if let Some(denial) = denial {
				let reason = match denial {
					Denial::Revoked => ReadRefusal::RevokedConsent,
					Denial::Expired => ReadRefusal::ExpiredConsent,
					Denial::AccessNotGranted => ReadRefusal::ReadNotGranted,
					Denial::CategoryNotCovered => ReadRefusal::CategoryNotCovered,
				};
				return refuse(patient, reason);
			}
			// Checked here too, not only when the read was logged: an entry logged before
			// purposes were enforced (storage v3) never opens a document for Research,
			// Insurance or PublicHealth.
			if !consent.purpose.reads_identified_documents() {
				return refuse(patient, ReadRefusal::PurposeNotPermitted);
			}
			ReadDecision::Logged {
				patient,
				category,
				organization,
				consent_id: entry.consent_id,
				logged_at: entry.at,
				emergency: matches!(consent.kind, ConsentKind::BreakGlass { .. }),
			}
		}

		/// For audits: whether some consent still stored for `patient` let `grantee` read
		/// `category` for `purpose` at time `at` (granted at or before `at`, not revoked at or
		/// before `at`, not expired at `at`).
		///
		/// Limits: it sees only consents still stored (a consent is pruned at the earliest
		/// `AuditRetention` after it ended, and only to make room; its events remain), and it
		/// cannot see whether the grantee was suspended, or the patient deregistered, at `at`:
		/// the consortium and identity pallets keep no history.
		/// Within one block every call sees the same timestamp, so a consent granted and
		/// revoked in the same block was never in force.
		pub fn was_permitted(
			patient: &T::AccountId,
			grantee: &T::AccountId,
			category: RecordCategory,
			purpose: Purpose,
			at: Moment,
		) -> bool {
			let in_force = |grant: &Grant| {
				grant.purpose == purpose
					&& grant.scope.covers(category, false)
					&& grant.was_in_force_at(at)
			};
			GrantsTo::<T>::get(patient, grantee).iter().any(in_force)
				|| EmergencyConsents::<T>::get(patient, grantee).into_iter().any(|id| {
					Consents::<T>::get(id).is_some_and(|consent| in_force(&consent.grant(id)))
				})
		}

		/// Check the pallet's invariants:
		/// - every id listed in `ConsentsOf` names a stored patient-granted (`Standard`)
		///   consent of that patient; lists are strictly ascending and within
		///   `MaxConsentsPerPatient`;
		/// - every id listed in `EmergencyConsents` for (patient, organization) names a stored
		///   break-glass consent of that patient to that organization; histories are
		///   non-empty, strictly ascending, within `MaxEmergencyConsentsKept`, and every
		///   consent but the newest has ended (at most one live per pair);
		/// - every stored consent is listed exactly once (no orphans), has an id below
		///   `NextConsentId`, a valid non-empty scope, and `revoked_at >= granted_at`;
		/// - window counters are within `MaxEmergencyAccessesPerWindow` and not in the future;
		/// - access logs are within `MaxAccessLogEntries`, in time order, and hold only their
		///   organization's entries.
		///
		/// Always compiled (not only under `try-runtime`): the runtime fuzz harness
		/// (`runtime/fuzz-harness`) checks it after every block without that feature.
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			let next_id = NextConsentId::<T>::get();
			let now = Self::now();
			let mut listed: u64 = 0;
			for (patient, count) in AccessRequestCount::<T>::iter() {
				ensure!(count > 0, "zero access-request count stored");
				ensure!(
					count <= T::MaxAccessRequests::get(),
					"more than MaxAccessRequests requests"
				);
				let stored = AccessRequests::<T>::iter_prefix(&patient).count();
				ensure!(stored == count as usize, "access-request count differs from the requests");
			}
			for (patient, _) in AccessRequests::<T>::iter_keys().map(|k| (k.0, ())) {
				ensure!(
					AccessRequestCount::<T>::get(&patient) > 0,
					"access request without a count"
				);
			}
			for (patient, ids) in ConsentsOf::<T>::iter() {
				ensure!(
					ids.len() <= T::MaxConsentsPerPatient::get() as usize,
					"consent list longer than MaxConsentsPerPatient"
				);
				ensure!(ids.windows(2).all(|w| w.first() < w.get(1)), "consent list not ascending");
				for id in ids.iter() {
					let consent = Consents::<T>::get(id).ok_or("listed consent not stored")?;
					ensure!(consent.patient == patient, "listed consent of another patient");
					ensure!(
						consent.kind == ConsentKind::Standard,
						"break-glass consent in a patient's consent list"
					);
					listed = listed.saturating_add(1);
				}
			}
			for (patient, organization, ids) in EmergencyConsents::<T>::iter() {
				ensure!(!ids.is_empty(), "empty emergency history stored");
				ensure!(
					ids.len() <= T::MaxEmergencyConsentsKept::get() as usize,
					"emergency history longer than MaxEmergencyConsentsKept"
				);
				ensure!(
					ids.windows(2).all(|w| w.first() < w.get(1)),
					"emergency history not ascending"
				);
				for (position, id) in ids.iter().enumerate() {
					let consent = Consents::<T>::get(id).ok_or("emergency consent not stored")?;
					ensure!(consent.patient == patient, "emergency consent of another patient");
					ensure!(
						consent.grantee == organization,
						"emergency consent of another organization"
					);
					ensure!(
						matches!(consent.kind, ConsentKind::BreakGlass { .. }),
						"patient-granted consent in an emergency history"
					);
					ensure!(
						position.saturating_add(1) == ids.len() || !consent.is_live_at(now),
						"more than one live emergency consent per organization and patient"
					);
					listed = listed.saturating_add(1);
				}
			}
			let mut stored: u64 = 0;
			for (id, consent) in Consents::<T>::iter() {
				stored = stored.saturating_add(1);
				ensure!(id < next_id, "consent id not below NextConsentId");
				let indexed = match consent.kind {
					ConsentKind::Standard => ConsentsOf::<T>::get(&consent.patient).contains(&id),
					ConsentKind::BreakGlass { .. } => {
						EmergencyConsents::<T>::get(&consent.patient, &consent.grantee)
							.contains(&id)
					}
				};
				ensure!(indexed, "stored consent not listed for its patient");
				if consent.kind == ConsentKind::Standard {
					let grants = GrantsTo::<T>::get(&consent.patient, &consent.grantee);
					ensure!(
						grants.iter().filter(|grant| **grant == consent.grant(id)).count() == 1,
						"patient-granted consent not in GrantsTo exactly once, as stored"
					);
				}
				ensure!(
					!consent.scope.categories.is_empty()
						&& consent.scope.categories.is_valid()
						&& !consent.scope.access.is_empty(),
					"invalid scope stored"
				);
				ensure!(
					consent.revoked_at.is_none_or(|revoked| revoked >= consent.granted_at),
					"consent revoked before it was granted"
				);
			}
			ensure!(listed == stored, "consent indexes and Consents disagree");
			let mut standard: u64 = 0;
			for (patient, grantee, grants) in GrantsTo::<T>::iter() {
				ensure!(!grants.is_empty(), "empty GrantsTo list stored");
				ensure!(
					grants.windows(2).all(|w| w.first().map(|g| g.id) < w.get(1).map(|g| g.id)),
					"GrantsTo list not ascending"
				);
				for grant in grants.iter() {
					let consent =
						Consents::<T>::get(grant.id).ok_or("GrantsTo names no consent")?;
					ensure!(
						consent.patient == patient && consent.grantee == grantee,
						"GrantsTo lists a consent under another pair"
					);
					standard = standard.saturating_add(1);
				}
			}
			let stored_standard = ConsentsOf::<T>::iter_values()
				.map(|ids| ids.len() as u64)
				.fold(0u64, |a, b| a.saturating_add(b));
			ensure!(standard == stored_standard, "GrantsTo and ConsentsOf disagree");
			let window = Self::current_emergency_window();
			for (_organization, usage) in BreakGlassWindowUses::<T>::iter() {
				ensure!(
					usage.used <= T::MaxEmergencyAccessesPerWindow::get(),
					"more break-glass uses in a window than MaxEmergencyAccessesPerWindow"
				);
				ensure!(usage.window <= window, "break-glass window in the future");
			}
			for (_staff, usage) in BreakGlassStaffWindowUses::<T>::iter() {
				// Beyond the staff limit only during an incident; never beyond the
				// organization's.
				ensure!(
					usage.used <= T::MaxEmergencyAccessesPerWindow::get(),
					"more break-glass uses by one key in a window than MaxEmergencyAccessesPerWindow"
				);
				ensure!(usage.window <= window, "staff break-glass window in the future");
			}
			let latest_end = window.saturating_add(T::MaxIncidentWindows::get().into());
			for (_organization, incident) in EmergencyIncidents::<T>::iter() {
				ensure!(
					incident.until_window < latest_end,
					"an incident declared for more than MaxIncidentWindows"
				);
			}
			for (_patient, organization, log) in AccessLogs::<T>::iter() {
				ensure!(
					log.len() <= T::MaxAccessLogEntries::get() as usize,
					"access log longer than MaxAccessLogEntries"
				);
				ensure!(
					log.windows(2).all(|w| w.first().map(|e| e.at) <= w.get(1).map(|e| e.at)),
					"access log not in time order"
				);
				ensure!(
					log.iter().all(|entry| entry.organization == organization),
					"access log holds another organization's entry"
				);
			}
			Ok(())
		}
	}
}

impl<T: Config> ConsentChecker<T::AccountId> for Pallet<T> {
	fn has_access(
		patient: &T::AccountId,
		grantee: &T::AccountId,
		category: RecordCategory,
		purpose: Purpose,
		write: bool,
	) -> bool {
		Self::do_ensure_access(patient, grantee, category, purpose, write).is_ok()
	}

	fn ensure_access(
		patient: &T::AccountId,
		grantee: &T::AccountId,
		category: RecordCategory,
		purpose: Purpose,
		write: bool,
	) -> Result<ConsentId, DispatchError> {
		Self::do_ensure_access(patient, grantee, category, purpose, write)
	}

	fn ensure_purpose(
		patient: &T::AccountId,
		grantee: &T::AccountId,
		purpose: Purpose,
	) -> Result<ConsentId, DispatchError> {
		Self::do_ensure_purpose(patient, grantee, purpose)
	}
}
