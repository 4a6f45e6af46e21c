//! The pallet's errors: every refusal by name.

use frame_support::pallet_macros::pallet_section;

/// The pallet's errors (pasted into the pallet module by `import_section`).
#[pallet_section]
mod errors {
	#[pallet::error]
	pub enum Error<T> {
		/// The signer's organization is not the trial's sponsor.
		NotSponsor,
		/// The signer's organization is not a (current) site of the trial.
		NotASite,
		/// The signer's organization is neither a site nor the sponsor of the trial.
		NotSiteOrSponsor,
		/// No trial has this id.
		UnknownTrial,
		/// The registry id is empty or holds a byte outside printable ASCII (`0x21..=0x7E`).
		InvalidRegistryId,
		/// A trial is already registered under this registry id.
		DuplicateRegistryId,
		/// A protocol must pre-specify at least one outcome.
		EmptyOutcomes,
		/// The same outcome hash is listed twice.
		DuplicateOutcome,
		/// A hash argument (protocol, reason, outcome, participant commitment, batch root or
		/// results) is all zeros: a client bug, never a document's hash.
		ZeroHash,
		/// The planned enrollment is 0 or above `MaxParticipants`.
		InvalidPlannedEnrollment,
		/// The trial id counter is exhausted.
		TrialIdOverflow,
		/// The trial already has `MaxAmendments` amendments.
		TooManyAmendments,
		/// The trial's database is locked: no amendment, site, enrollment or data any more.
		LockedDatabase,
		/// The organization to add as a site is not an active organization holding the
		/// Provider role.
		SiteNotProvider,
		/// The organization is already a site of the trial.
		AlreadySite,
		/// The trial already has `MaxSites` current and removed sites.
		TooManySites,
		/// The participant is not a registered patient (or deregistered).
		NotAPatient,
		/// This participant commitment is already enrolled in the trial.
		DuplicateParticipant,
		/// This patient is (or was, before withdrawing: withdrawal is final) enrolled in the
		/// trial, under this or another commitment.
		PatientAlreadyEnrolled,
		/// The trial already has `MaxParticipants` participants (the hard bound).
		TooManyParticipants,
		/// The patient is already enrolled in `MaxTrialsPerPatient` trials.
		TooManyTrialsForPatient,
		/// A data commit must hold at least one record.
		EmptyCommit,
		/// The trial already has `MaxCommits` data commits.
		TooManyCommits,
		/// The database is already locked.
		AlreadyLocked,
		/// Results can only be published after the database is locked.
		NotLocked,
		/// The results are already published.
		AlreadyPublished,
		/// The trial already has `MaxFlags` flags.
		TooManyFlags,
		/// The organization is not a current site of the trial.
		UnknownSite,
		/// No participant of the trial has this commitment.
		UnknownParticipant,
		/// The participant has already withdrawn (withdrawal is final).
		AlreadyWithdrawn,
		/// The signer is neither the participant, nor staff of the active site that enrolled
		/// them, nor staff of the trial's sponsor.
		NotParticipantSiteOrSponsor,
		/// The database cannot be locked before at least one data commit.
		NoDataCommitted,
		/// Governance already released this trial's registry id.
		RegistryIdAlreadyReleased,
		/// Governance reserved this registry id for another sponsor organization.
		RegistryIdReserved,
		/// A registry id can only be reserved for an active organization (its admin account)
		/// holding the TrialSponsor role.
		ReserveeNotSponsor,
	}
}
