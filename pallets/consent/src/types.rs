//! Types of the consent pallet: scopes, consents, access-log entries and the break-glass
//! rate-limit counter.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use medchain_primitives::{Categories, ConsentId, Moment, Purpose, RecordCategory};
use scale_info::TypeInfo;
use sp_core::H256;

/// What a consent lets its grantee do with the covered data: read it, write (anchor) it,
/// or both. At least one of the two must be set.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Access {
	/// The grantee may read the covered records (and must log each read with `log_access`).
	pub read: bool,
	/// The grantee may write (anchor) records of the covered categories.
	pub write: bool,
}

impl Access {
	/// Read only.
	pub const READ: Access = Access { read: true, write: false };
	/// Write only (e.g. a laboratory posting results it may not read back).
	pub const WRITE: Access = Access { read: false, write: true };
	/// Read and write.
	pub const READ_WRITE: Access = Access { read: true, write: true };

	/// Whether no access at all is granted.
	pub const fn is_empty(self) -> bool {
		!self.read && !self.write
	}

	/// Whether this grants write access if `write`, read access otherwise.
	pub const fn allows(self, write: bool) -> bool {
		if write {
			self.write
		} else {
			self.read
		}
	}
}

/// What a consent covers: a set of record categories and the kind of access.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Scope {
	/// The covered categories (non-empty, known bits only).
	pub categories: Categories,
	/// Read and/or write.
	pub access: Access,
}

impl Scope {
	/// Whether the scope covers `category` with write access if `write`, read access otherwise.
	pub const fn covers(self, category: RecordCategory, write: bool) -> bool {
		self.categories.contains(category) && self.access.allows(write)
	}
}

/// How a consent came to exist.
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
pub enum ConsentKind<AccountId> {
	/// Granted by the patient with `grant_consent`.
	Standard,
	/// Taken by a Provider in an emergency with `break_glass`.
	BreakGlass {
		/// The staff member (or admin) who broke the glass.
		staff: AccountId,
		/// Why, as a code agreed off chain (never free text, so never health data).
		reason_code: u16,
	},
}

/// A consent as stored: the patient lets `grantee` access `scope` for `purpose`.
///
/// A consent is *active* at time `t` if `granted_at <= t`, it is not revoked, and `t` is
/// before `expires_at` (if any). Whether the grantee organization is active in the
/// consortium is checked separately, at the time of each access.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Consent<AccountId> {
	/// The patient whose data the consent covers.
	pub patient: AccountId,
	/// The organization (its admin account) the consent is granted to.
	pub grantee: AccountId,
	/// The categories and kind of access covered.
	pub scope: Scope,
	/// Why the grantee may access the data.
	pub purpose: Purpose,
	/// When the consent was granted (ms since the Unix epoch).
	pub granted_at: Moment,
	/// When the consent stops being valid, if ever (exclusive: expired from this moment on).
	pub expires_at: Option<Moment>,
	/// When the patient revoked the consent, if they did (revoked from this moment on).
	pub revoked_at: Option<Moment>,
	/// Granted by the patient or taken in an emergency.
	pub kind: ConsentKind<AccountId>,
}

impl<AccountId> Consent<AccountId> {
	/// Whether the consent is revoked.
	pub const fn is_revoked(&self) -> bool {
		self.revoked_at.is_some()
	}

	/// Whether the consent has expired at `now`.
	pub fn is_expired_at(&self, now: Moment) -> bool {
		expired_at(self.expires_at, now)
	}

	/// Whether the consent is in force at `now`: neither revoked nor expired.
	pub fn is_live_at(&self, now: Moment) -> bool {
		!self.is_revoked() && !self.is_expired_at(now)
	}

	/// When the consent stopped being in force, if it has by `now`: the earlier of its
	/// revocation and its expiry, among those reached. A consent revoked after it expired
	/// ended at its expiry.
	pub fn ended_at(&self, now: Moment) -> Option<Moment> {
		let revoked = self.revoked_at.filter(|revoked| *revoked <= now);
		let expired = self.expires_at.filter(|expiry| *expiry <= now);
		match (revoked, expired) {
			(Some(revoked), Some(expiry)) => Some(revoked.min(expiry)),
			(revoked, expiry) => revoked.or(expiry),
		}
	}

	/// Whether the consent can be dropped to make room for a new one: it ended (was revoked
	/// or expired) at least `retention` milliseconds before `now`, so that audits
	/// ([`was_in_force_at`](Self::was_in_force_at)) of the recent past still see it.
	pub fn is_prunable_at(&self, now: Moment, retention: Moment) -> bool {
		self.ended_at(now).is_some_and(|ended| now.saturating_sub(ended) >= retention)
	}

	/// Whether the consent was in force at `at`: granted at or before `at`, not revoked at or
	/// before `at`, and not expired at `at`.
	pub fn was_in_force_at(&self, at: Moment) -> bool {
		in_force_at(self.granted_at, self.expires_at, self.revoked_at, at)
	}

	/// What the access check needs of this consent, kept in [`crate::GrantsTo`].
	pub fn grant(&self, id: ConsentId) -> Grant {
		Grant {
			id,
			scope: self.scope,
			purpose: self.purpose,
			granted_at: self.granted_at,
			expires_at: self.expires_at,
			revoked_at: self.revoked_at,
		}
	}
}

/// Expired at `now`: an expiry is exclusive.
fn expired_at(expires_at: Option<Moment>, now: Moment) -> bool {
	expires_at.is_some_and(|expiry| now >= expiry)
}

/// In force at `at`: granted at or before `at`, not revoked at or before `at`, not expired.
fn in_force_at(
	granted_at: Moment,
	expires_at: Option<Moment>,
	revoked_at: Option<Moment>,
	at: Moment,
) -> bool {
	granted_at <= at && revoked_at.is_none_or(|revoked| at < revoked) && !expired_at(expires_at, at)
}

/// A patient-granted consent as the access check sees it: everything but the two accounts
/// (the key of [`crate::GrantsTo`]) and the kind (always `Standard`). A copy of the
/// consent's fields in [`crate::Consents`], written with it.
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
pub struct Grant {
	/// The consent's id in [`crate::Consents`].
	pub id: ConsentId,
	/// The categories and kind of access covered.
	pub scope: Scope,
	/// Why the grantee may access the data.
	pub purpose: Purpose,
	/// When the consent was granted.
	pub granted_at: Moment,
	/// When it stops being valid, if ever (exclusive).
	pub expires_at: Option<Moment>,
	/// When the patient revoked it, if they did.
	pub revoked_at: Option<Moment>,
}

impl Grant {
	/// Whether the consent is revoked.
	pub const fn is_revoked(&self) -> bool {
		self.revoked_at.is_some()
	}

	/// Whether the consent has expired at `now`.
	pub fn is_expired_at(&self, now: Moment) -> bool {
		expired_at(self.expires_at, now)
	}

	/// Whether the consent was in force at `at` (see [`Consent::was_in_force_at`]).
	pub fn was_in_force_at(&self, at: Moment) -> bool {
		in_force_at(self.granted_at, self.expires_at, self.revoked_at, at)
	}
}

/// Where on chain something was done: the block and the index of the extrinsic in it
/// (`<block>-<extrinsic>`, as block explorers name an extrinsic).
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
pub struct ChainPosition<BlockNumber> {
	/// The block's number.
	pub block: BlockNumber,
	/// The extrinsic's index in the block.
	pub extrinsic: u32,
}

/// One entry of a patient's access log: a grantee read one off-chain record.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct AccessEntry<AccountId, BlockNumber> {
	/// The consent under which the record was read.
	pub consent_id: ConsentId,
	/// The organization that read it.
	pub organization: AccountId,
	/// The account (staff member or admin) that read it.
	pub accessor: AccountId,
	/// The record read: an opaque id (e.g. the health-records pallet's record id), never
	/// the data itself.
	pub record_id: H256,
	/// The record's category.
	pub category: RecordCategory,
	/// When it was read (ms since the Unix epoch).
	pub at: Moment,
	/// The purpose of the consent it was read under, as the patient granted it.
	pub purpose: Purpose,
	/// Whether that consent was a break-glass (emergency) one.
	pub emergency: bool,
	/// The `log_access` or `log_accesses` extrinsic that logged it; `None` for an entry
	/// logged before storage version 5, which did not record it (its `AccessLogged` event,
	/// in the chain's history, does).
	pub logged_in: Option<ChainPosition<BlockNumber>>,
}

/// An organization's request for a patient's consent: what a clinician asks
/// for, shown to the patient, who answers by granting a consent (which closes the request)
/// or by declining it. It grants nothing by itself.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct AccessRequest<AccountId> {
	/// The staff member (or admin) who asked.
	pub requester: AccountId,
	/// The categories and kind of access asked for.
	pub scope: Scope,
	/// Why.
	pub purpose: Purpose,
	/// When the request was made (ms since the Unix epoch); it lapses
	/// `AccessRequestLifetime` later.
	pub requested_at: Moment,
}

/// How many emergency consents an organization (or one of its staff keys) took in one
/// rate-limit window.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct WindowUsage<BlockNumber> {
	/// The window the count belongs to: `block_number / EmergencyWindow`.
	pub window: BlockNumber,
	/// New emergency consents taken in that window (renewals are not counted).
	pub used: u32,
}

/// An incident an organization's admin declared (a mass-casualty event, say): while it is in
/// force, its staff keys may break the glass beyond `MaxEmergencyAccessesPerStaff`, up to the
/// organization's own `MaxEmergencyAccessesPerWindow`.
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
pub struct EmergencyIncident<BlockNumber> {
	/// The incident, as a code agreed off chain (never free text: no health data on chain).
	pub code: u16,
	/// The last rate-limit window the declaration covers (inclusive).
	pub until_window: BlockNumber,
}

/// Why a record gateway must not serve a record to a staff member
/// ([`crate::Pallet::read_decision`]): what is missing, most fundamental first.
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
pub enum ReadRefusal {
	/// The requester is neither the patient nor staff (or admin) of any organization.
	NotStaff,
	/// The requester's organization is suspended (or no longer registered).
	OrganizationInactive,
	/// No read of this record by the requester is in the access log (or none recent enough):
	/// the requester must call `log_access` first.
	NotLogged,
	/// The consent the read was logged under is no longer stored (pruned).
	NoConsent,
	/// The consent the read was logged under has been revoked by the patient.
	RevokedConsent,
	/// The consent the read was logged under has expired (an emergency consent included).
	ExpiredConsent,
	/// The consent does not grant read access.
	ReadNotGranted,
	/// The consent does not cover the record's category.
	CategoryNotCovered,
	/// The consent's purpose does not open identified documents (Research, Insurance,
	/// PublicHealth): only Treatment and break-glass consents do.
	PurposeNotPermitted,
}

/// What a record gateway may do with a request to read a record now (the `GatewayApi`).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum ReadDecision<AccountId, BlockNumber> {
	/// No such record is anchored.
	UnknownRecord,
	/// The record is sealed: its document must be destroyed and never served again.
	Sealed,
	/// The record's patient has erased their identity: every document of theirs must be
	/// destroyed and never served again.
	PatientErased,
	/// Serve: the requester is the record's patient.
	Patient {
		/// The record's patient.
		patient: AccountId,
		/// The record's category.
		category: RecordCategory,
	},
	/// Serve: staff of `organization` logged this read under `consent_id`, which still
	/// permits it.
	Logged {
		/// The record's patient.
		patient: AccountId,
		/// The record's category.
		category: RecordCategory,
		/// The requester's organization.
		organization: AccountId,
		/// The consent the read was logged under (a break-glass one if `emergency`).
		consent_id: ConsentId,
		/// When the read was logged (ms since the Unix epoch).
		logged_at: Moment,
		/// The extrinsic that logged it (`None` if it was logged before storage version 5).
		logged_in: Option<ChainPosition<BlockNumber>>,
		/// Whether the consent is a break-glass (emergency) one.
		emergency: bool,
	},
	/// Do not serve, and why.
	Refused {
		/// The record's patient.
		patient: AccountId,
		/// The record's category.
		category: RecordCategory,
		/// What is missing.
		reason: ReadRefusal,
	},
}
