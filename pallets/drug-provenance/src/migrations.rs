//! Storage migrations of the drug-provenance pallet.

/// Storage version 1 → 2: `Batch` gains `destroyed`, `SuspectReport` gains `by_regulator`,
/// and the new `CustodyParties` index is seeded. Company prefixes start empty (governance, or
/// the genesis config of a new chain, assigns them).
///
/// Add [`v2::MigrateV1ToV2`] to the runtime's migrations for a chain whose state was built by
/// storage version 1; a chain started from genesis with version 2 does not need it.
pub mod v2 {
	use crate::{
		pallet::{
			BatchHolders, Batches, BoundedLot, Config, CustodyParties, Pallet, ReportsOf,
			SuspectReports,
		},
		Batch, BatchId, ExpiryDate, Gtin, Recall, SuspectReason, SuspectReport,
	};
	use codec::{Decode, Encode};
	use frame_support::{
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
		BoundedVec,
	};
	use medchain_primitives::Moment;
	use pallet_consortium::{Role, RoleProvider};
	use sp_core::H256;

	/// A batch as storage version 1 stored it (no `destroyed`).
	#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug)]
	pub struct BatchV1<AccountId, Lot> {
		/// See [`Batch::gtin`].
		pub gtin: Gtin,
		/// See [`Batch::lot`].
		pub lot: Lot,
		/// See [`Batch::expiry`].
		pub expiry: ExpiryDate,
		/// See [`Batch::quantity`].
		pub quantity: u32,
		/// See [`Batch::serials_root`].
		pub serials_root: H256,
		/// See [`Batch::manufacturer`].
		pub manufacturer: AccountId,
		/// See [`Batch::commissioned_at`].
		pub commissioned_at: Moment,
		/// See [`Batch::in_transit`].
		pub in_transit: u32,
		/// See [`Batch::dispensed`].
		pub dispensed: u32,
		/// See [`Batch::suspect_reports`].
		pub suspect_reports: u32,
		/// See [`Batch::history_pruned`].
		pub history_pruned: u32,
		/// See [`Batch::recalled`].
		pub recalled: Option<Recall<AccountId>>,
	}

	/// A suspect report as storage version 1 stored it (no `by_regulator`).
	#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug)]
	pub struct SuspectReportV1<AccountId> {
		/// See [`SuspectReport::reporter`].
		pub reporter: AccountId,
		/// See [`SuspectReport::serial_hash`].
		pub serial_hash: H256,
		/// See [`SuspectReport::reason`].
		pub reason: SuspectReason,
		/// See [`SuspectReport::at`].
		pub at: Moment,
	}

	/// The version-unchecked migration; use [`MigrateV1ToV2`].
	pub struct InnerMigrateV1ToV2<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV1ToV2<T> {
		/// - every batch gets `destroyed: 0`, and its manufacturer becomes a custody party;
		/// - every current holder of a batch becomes a custody party (organizations that held
		///   units before and hold none now cannot be recovered: they lose the right to report
		///   on the batch unless they are its manufacturer, its product's owner or a
		///   Regulator);
		/// - every kept suspect report gets `by_regulator` from its reporter's roles now.
		///
		/// ## Complexity
		/// O(batches × (`MaxHoldersPerBatch` + `MaxSuspectReportsPerBatch`)): one block, for
		/// the small chains that exist at version 1.
		fn on_runtime_upgrade() -> Weight {
			let mut reads: u64 = 0;
			let mut writes: u64 = 0;
			Batches::<T>::translate::<BatchV1<T::AccountId, BoundedLot>, _>(|batch_id, old| {
				reads = reads.saturating_add(1);
				writes = writes.saturating_add(2);
				CustodyParties::<T>::insert(batch_id, &old.manufacturer, ());
				Some(Batch {
					gtin: old.gtin,
					lot: old.lot,
					expiry: old.expiry,
					quantity: old.quantity,
					serials_root: old.serials_root,
					manufacturer: old.manufacturer,
					commissioned_at: old.commissioned_at,
					in_transit: old.in_transit,
					dispensed: old.dispensed,
					destroyed: 0,
					suspect_reports: old.suspect_reports,
					history_pruned: old.history_pruned,
					recalled: old.recalled,
				})
			});
			for (batch_id, holders) in BatchHolders::<T>::iter() {
				reads = reads.saturating_add(1);
				for holder in holders {
					writes = writes.saturating_add(1);
					CustodyParties::<T>::insert(batch_id, holder, ());
				}
			}
			SuspectReports::<T>::translate::<
				BoundedVec<SuspectReportV1<T::AccountId>, T::MaxSuspectReportsPerBatch>,
				_,
			>(|_: BatchId, old| {
				reads = reads.saturating_add(1);
				writes = writes.saturating_add(1);
				let new: ReportsOf<T> = BoundedVec::truncate_from(
					old.into_iter()
						.map(|r| {
							reads = reads.saturating_add(1);
							SuspectReport {
								by_regulator: T::Roles::has_role(&r.reporter, Role::Regulator),
								reporter: r.reporter,
								serial_hash: r.serial_hash,
								reason: r.reason,
								at: r.at,
							}
						})
						.collect(),
				);
				Some(new)
			});
			T::DbWeight::get().reads_writes(reads, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			let batches = Batches::<T>::iter_keys().count() as u64;
			Ok(batches.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = u64::decode(&mut &state[..])
				.map_err(|_| sp_runtime::TryRuntimeError::Other("bad pre-upgrade state"))?;
			let after = Batches::<T>::iter_values().count() as u64;
			frame_support::ensure!(before == after, "batches lost in the migration");
			Pallet::<T>::do_try_state()
		}
	}

	/// Storage version 1 → 2, run once (checks and bumps the on-chain storage version).
	pub type MigrateV1ToV2<T> = frame_support::migrations::VersionedMigration<
		1,
		2,
		InnerMigrateV1ToV2<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
