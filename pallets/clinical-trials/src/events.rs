//! The pallet's events: what every call leaves for indexers, the portal and auditors.

use frame_support::pallet_macros::pallet_section;

/// The pallet's events (pasted into the pallet module by `import_section`).
#[pallet_section]
mod events {
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A trial was registered with its protocol (version 1) and pre-specified outcomes.
		TrialRegistered {
			/// The new trial's id.
			trial_id: TrialId,
			/// The sponsor organization.
			sponsor: T::AccountId,
			/// The public registry's id.
			registry_id: RegistryIdOf<T>,
			/// The hash of the protocol document.
			protocol_hash: H256,
			/// The pre-specified outcomes, one hash each.
			outcomes: OutcomesOf<T>,
			/// The planned enrollment (soft limit).
			planned_enrollment: u32,
		},
		/// The sponsor recorded a new protocol version.
		ProtocolAmended {
			/// The trial.
			trial_id: TrialId,
			/// The new version number.
			version: u32,
			/// The hash of the new protocol document.
			protocol_hash: H256,
			/// The hash of the amendment's justification.
			reason_hash: H256,
			/// Whether the amendment changed the outcome set.
			outcomes_changed: bool,
			/// Whether it came after the first enrollment (flagged).
			after_enrollment: bool,
		},
		/// The sponsor added a site.
		SiteAdded {
			/// The trial.
			trial_id: TrialId,
			/// The Provider organization added as a site.
			site: T::AccountId,
		},
		/// A site enrolled a participant.
		ParticipantEnrolled {
			/// The trial.
			trial_id: TrialId,
			/// The participant's commitment (their pseudonym in the trial).
			participant_commitment: H256,
			/// The site that enrolled them.
			site: T::AccountId,
			/// The Research consent toward the sponsor the enrollment relied on.
			consent_id: medchain_primitives::ConsentId,
			/// How many participants the trial has now.
			enrolled: u32,
			/// Whether enrollment now exceeds the planned enrollment (flagged, not blocked).
			over_planned: bool,
		},
		/// A batch of trial data was committed to the trial's data chain.
		DataCommitted {
			/// The trial.
			trial_id: TrialId,
			/// The commit's position in the chain (0 for the first).
			index: u32,
			/// The organization (site or sponsor) that committed it.
			submitter: T::AccountId,
			/// The batch's root.
			batch_root: H256,
			/// How many records the batch holds.
			record_count: u32,
			/// The commit's chained hash: the new head.
			chain_hash: H256,
		},
		/// The sponsor locked the database: the data chain head is frozen.
		DatabaseLocked {
			/// The trial.
			trial_id: TrialId,
			/// The frozen head.
			data_head: H256,
			/// How many commits the frozen chain holds.
			commit_count: u32,
		},
		/// The sponsor published the results; the runtime recorded the outcome-reporting
		/// status.
		ResultsPublished {
			/// The trial.
			trial_id: TrialId,
			/// The hash of the results document.
			results_hash: H256,
			/// `Complete`, or `OutcomeSwitched { missing, added }`.
			status: OutcomeStatus,
			/// Whether an amendment changed the outcomes after the first enrollment.
			outcomes_amended_after_enrollment: bool,
		},
		/// A regulator flagged a trial.
		TrialFlagged {
			/// The trial.
			trial_id: TrialId,
			/// The Regulator organization.
			regulator: T::AccountId,
			/// Why, as a code agreed off chain.
			reason_code: u16,
		},
		/// The sponsor removed a site: it can no longer enroll, commit data or record
		/// withdrawals in the trial.
		SiteRemoved {
			/// The trial.
			trial_id: TrialId,
			/// The organization removed as a site.
			site: T::AccountId,
		},
		/// A participant withdrew from a trial (final).
		ParticipantWithdrawn {
			/// The trial.
			trial_id: TrialId,
			/// The participant's commitment.
			participant_commitment: H256,
			/// Who recorded the withdrawal: the participant, the site that enrolled them or
			/// the sponsor.
			by: WithdrawerOf<T>,
			/// How many of the trial's participants have withdrawn now.
			withdrawn: u32,
		},
		/// Governance took a registry id away from a trial (squatting corrected): the trial
		/// keeps its record and history, marked `registry_id_released_at`.
		RegistryIdReleased {
			/// The trial that held the id.
			trial_id: TrialId,
			/// Its sponsor.
			sponsor: T::AccountId,
			/// The registry id, now free (or reserved).
			registry_id: RegistryIdOf<T>,
			/// The sponsor organization for which the id is reserved, if any.
			reserved_for: Option<T::AccountId>,
		},
	}
}
