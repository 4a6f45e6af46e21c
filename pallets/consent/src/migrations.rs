//! Storage migrations of the consent pallet. Add them to the runtime's `Migrations`.

/// Storage version 1 → 2: bounded break-glass and per-organization access logs.
pub mod v2 {
	use crate::{
		migrations::v4::v3::{AccessEntryOf, AccessLogs},
		Config, ConsentId, ConsentKind, ConsentOf, Consents, ConsentsOf, EmergencyConsents, Pallet,
	};
	use alloc::{collections::BTreeMap, vec::Vec};
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::*,
		traits::{Defensive, Get, UncheckedOnRuntimeUpgrade},
	};

	/// The layout this migration reads.
	pub mod v1 {
		use super::*;

		/// v1: one access-log ring buffer per patient, shared by every organization.
		#[frame_support::storage_alias]
		pub type AccessLog<T: Config> = StorageMap<
			Pallet<T>,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			BoundedVec<AccessEntryOf<T>, <T as Config>::MaxAccessLogEntries>,
			ValueQuery,
		>;
	}

	/// Moves v1 state into the v2 layout; run it only through [`MigrateV1ToV2`].
	///
	/// - Break-glass consents leave the patients' `ConsentsOf` lists for the
	///   (patient, organization) histories of `EmergencyConsents`, oldest first. Of one
	///   organization's emergency consents for a patient, every one but the newest that is
	///   still live is ended now (its expiry set to now: audits of the past see the same
	///   periods, since the newest covers the same scope from its grant on), so at most one
	///   stays live. Beyond `MaxEmergencyConsentsKept`, the oldest are removed (possible only
	///   after the abuse this version prevents).
	/// - Each patient's v1 `AccessLog` is split into per-organization `AccessLogs`, in order.
	///
	/// Weight: one pass over `ConsentsOf` (and the consents listed) and over `AccessLog`;
	/// unbounded, like every single-block migration of a whole map: fine for the consortium
	/// chains this runtime has run on so far (test and dev chains).
	pub struct InnerMigrateV1ToV2<T>(PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV1ToV2<T> {
		fn on_runtime_upgrade() -> Weight {
			let now = Pallet::<T>::now();
			let mut reads: u64 = 1;
			let mut writes: u64 = 0;
			ConsentsOf::<T>::translate::<BoundedVec<ConsentId, T::MaxConsentsPerPatient>, _>(
				|patient, ids| {
					reads = reads.saturating_add(1);
					writes = writes.saturating_add(1);
					let mut kept = BoundedVec::<ConsentId, T::MaxConsentsPerPatient>::new();
					let mut emergency: BTreeMap<T::AccountId, Vec<(ConsentId, ConsentOf<T>)>> =
						BTreeMap::new();
					for id in ids {
						reads = reads.saturating_add(1);
						// A dangling id (impossible in v1 too) is dropped.
						let Some(consent) = Consents::<T>::get(id) else { continue };
						match consent.kind {
							ConsentKind::Standard => {
								// `kept` is a sub-list of `ids`: it fits.
								let _fits = kept.try_push(id).defensive_proof("sub-list fits");
							}
							ConsentKind::BreakGlass { .. } => emergency
								.entry(consent.grantee.clone())
								.or_default()
								.push((id, consent)),
						}
					}
					for (organization, consents) in emergency {
						let newest = consents.len().saturating_sub(1);
						let excess = consents
							.len()
							.saturating_sub(T::MaxEmergencyConsentsKept::get() as usize);
						let mut history = Vec::with_capacity(consents.len());
						for (position, (id, mut consent)) in consents.into_iter().enumerate() {
							writes = writes.saturating_add(1);
							if position < excess {
								Consents::<T>::remove(id);
								continue;
							}
							if position < newest && consent.is_live_at(now) {
								consent.expires_at = Some(now);
								Consents::<T>::insert(id, consent);
							}
							history.push(id);
						}
						writes = writes.saturating_add(1);
						EmergencyConsents::<T>::insert(
							&patient,
							&organization,
							BoundedVec::truncate_from(history),
						);
					}
					(!kept.is_empty()).then_some(kept)
				},
			);
			for (patient, log) in v1::AccessLog::<T>::drain() {
				reads = reads.saturating_add(1);
				writes = writes.saturating_add(1);
				let mut logs: BTreeMap<
					T::AccountId,
					BoundedVec<AccessEntryOf<T>, T::MaxAccessLogEntries>,
				> = BTreeMap::new();
				for entry in log {
					let organization_log = logs.entry(entry.organization.clone()).or_default();
					let len = organization_log.len();
					// A sub-list of a log of the same bound: it fits.
					let _evicted = organization_log
						.force_insert_keep_right(len, entry)
						.defensive_proof("sub-list fits");
				}
				for (organization, organization_log) in logs {
					writes = writes.saturating_add(1);
					AccessLogs::<T>::insert(&patient, &organization, organization_log);
				}
			}
			T::DbWeight::get().reads_writes(reads, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			// The full invariants (`do_try_state`) hold only after v3 built `GrantsTo`.
			ensure!(v1::AccessLog::<T>::iter().next().is_none(), "v1 access log left");
			Ok(())
		}
	}

	/// [`InnerMigrateV1ToV2`], run once when the on-chain storage version is 1; sets it to 2.
	pub type MigrateV1ToV2<T> = VersionedMigration<
		1,
		2,
		InnerMigrateV1ToV2<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Storage version 2 → 3: the access check's per-(patient, grantee) index `GrantsTo`.
pub mod v3 {
	use crate::{Config, ConsentKind, Consents, ConsentsOf, Grant, GrantsTo, Pallet};
	use alloc::{collections::BTreeMap, vec::Vec};
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::*,
		traits::{Get, UncheckedOnRuntimeUpgrade},
	};

	/// Builds [`GrantsTo`] from every patient's [`ConsentsOf`] list and the consents it names
	/// (in id order, so every pair's list is ascending); run it only through
	/// [`MigrateV2ToV3`].
	///
	/// Weight: one pass over `ConsentsOf` and the consents listed; unbounded, like the v2
	/// migration (fine for the test and dev chains this runtime has run on).
	pub struct InnerMigrateV2ToV3<T>(PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV2ToV3<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut reads: u64 = 0;
			let mut writes: u64 = 0;
			for (patient, ids) in ConsentsOf::<T>::iter() {
				reads = reads.saturating_add(1);
				let mut pairs: BTreeMap<T::AccountId, Vec<Grant>> = BTreeMap::new();
				for id in ids {
					reads = reads.saturating_add(1);
					let Some(consent) = Consents::<T>::get(id) else { continue };
					if consent.kind == ConsentKind::Standard {
						pairs.entry(consent.grantee.clone()).or_default().push(consent.grant(id));
					}
				}
				for (grantee, grants) in pairs {
					writes = writes.saturating_add(1);
					// A sub-list of the patient's list, of the same bound: it fits.
					GrantsTo::<T>::insert(&patient, &grantee, BoundedVec::truncate_from(grants));
				}
			}
			T::DbWeight::get().reads_writes(reads, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Pallet::<T>::do_try_state()
		}
	}

	/// [`InnerMigrateV2ToV3`], run once when the on-chain storage version is 2; sets it to 3.
	pub type MigrateV2ToV3<T> = VersionedMigration<
		2,
		3,
		InnerMigrateV2ToV3<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Storage version 3 → 4: every access-log entry records the consent's purpose and whether it
/// was a break-glass one (reads are purpose-bound, and the patient sees the purpose).
pub mod v4 {
	use crate::{
		migrations::v5::v4::{AccessEntry, AccessLogs},
		Config, ConsentKind, Consents, Pallet,
	};
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::*,
		traits::{Get, UncheckedOnRuntimeUpgrade},
	};
	use medchain_primitives::{ConsentId, Moment, RecordCategory};
	use sp_core::H256;

	/// The layout this migration reads (and the v2 migration writes).
	pub mod v3 {
		use super::*;

		/// A v1–v3 access-log entry: no purpose, no emergency flag.
		#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
		pub struct AccessEntry<AccountId> {
			/// The consent under which the record was read.
			pub consent_id: ConsentId,
			/// The organization that read it.
			pub organization: AccountId,
			/// The account that read it.
			pub accessor: AccountId,
			/// The record read.
			pub record_id: H256,
			/// The record's category.
			pub category: RecordCategory,
			/// When it was read.
			pub at: Moment,
		}

		/// A v1–v3 entry of the runtime's accounts.
		pub type AccessEntryOf<T> = AccessEntry<<T as frame_system::Config>::AccountId>;

		/// v2–v3 `AccessLogs`, with v3 entries.
		#[frame_support::storage_alias]
		pub type AccessLogs<T: Config> = StorageDoubleMap<
			Pallet<T>,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			BoundedVec<AccessEntryOf<T>, <T as Config>::MaxAccessLogEntries>,
			ValueQuery,
		>;
	}

	/// Rewrites every [`AccessLogs`] entry with the purpose and kind of the consent it was
	/// logged under; run it only through [`MigrateV3ToV4`].
	///
	/// An entry whose consent is no longer stored (pruned: it ended at least
	/// `AuditRetention` ago, so the entry could no longer open a document either) is dropped
	/// from the ring buffer: its purpose cannot be known, and its `AccessLogged` event, in
	/// the chain's history, still records the read. Every other entry keeps its place.
	///
	/// Weight: one pass over `AccessLogs` and one consent read per entry; unbounded, like
	/// the earlier migrations (fine for the test and dev chains this runtime has run on).
	pub struct InnerMigrateV3ToV4<T>(PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV3ToV4<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut reads: u64 = 0;
			let mut writes: u64 = 0;
			AccessLogs::<T>::translate::<BoundedVec<v3::AccessEntryOf<T>, T::MaxAccessLogEntries>, _>(
				|_patient, _organization, log| {
					reads = reads.saturating_add(1);
					writes = writes.saturating_add(1);
					let entries = log.into_iter().filter_map(|old| {
						reads = reads.saturating_add(1);
						let consent = Consents::<T>::get(old.consent_id)?;
						Some(AccessEntry {
							consent_id: old.consent_id,
							organization: old.organization,
							accessor: old.accessor,
							record_id: old.record_id,
							category: old.category,
							at: old.at,
							purpose: consent.purpose,
							emergency: matches!(consent.kind, ConsentKind::BreakGlass { .. }),
						})
					});
					// At most as many entries as the old log, of the same bound: it fits.
					let log = BoundedVec::truncate_from(entries.collect::<alloc::vec::Vec<_>>());
					(!log.is_empty()).then_some(log)
				},
			);
			T::DbWeight::get().reads_writes(reads, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			// The full invariants (`do_try_state`) read v5 entries: checked after v5.
			Ok(())
		}
	}

	/// [`InnerMigrateV3ToV4`], run once when the on-chain storage version is 3; sets it to 4.
	pub type MigrateV3ToV4<T> = VersionedMigration<
		3,
		4,
		InnerMigrateV3ToV4<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Storage version 4 → 5: every access-log entry names the block and extrinsic that logged it
/// (so a gateway's audit record of a disclosure can point at the chain's).
pub mod v5 {
	use crate::{AccessEntry, AccessLogs, Config, Pallet};
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::*,
		traits::{Get, UncheckedOnRuntimeUpgrade},
	};
	use medchain_primitives::{ConsentId, Moment, Purpose, RecordCategory};
	use sp_core::H256;

	/// The layout this migration reads (and the v4 migration writes).
	pub mod v4 {
		use super::*;

		/// A v4 access-log entry: no block or extrinsic.
		#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
		pub struct AccessEntry<AccountId> {
			/// The consent under which the record was read.
			pub consent_id: ConsentId,
			/// The organization that read it.
			pub organization: AccountId,
			/// The account that read it.
			pub accessor: AccountId,
			/// The record read.
			pub record_id: H256,
			/// The record's category.
			pub category: RecordCategory,
			/// When it was read.
			pub at: Moment,
			/// The consent's purpose.
			pub purpose: Purpose,
			/// Whether the consent was a break-glass one.
			pub emergency: bool,
		}

		/// A v4 entry of the runtime's accounts.
		pub type AccessEntryOf<T> = AccessEntry<<T as frame_system::Config>::AccountId>;

		/// v4 `AccessLogs`, with v4 entries.
		#[frame_support::storage_alias]
		pub type AccessLogs<T: Config> = StorageDoubleMap<
			Pallet<T>,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			BoundedVec<AccessEntryOf<T>, <T as Config>::MaxAccessLogEntries>,
			ValueQuery,
		>;
	}

	/// Rewrites every [`AccessLogs`] entry in the v5 layout, with `logged_in: None` (v4 did
	/// not record the extrinsic; the entry's `AccessLogged` event, in the chain's history,
	/// names it); run it only through [`MigrateV4ToV5`]. Every entry keeps its place.
	///
	/// Weight: one pass over `AccessLogs`; unbounded, like the earlier migrations (fine for
	/// the test and dev chains this runtime has run on).
	pub struct InnerMigrateV4ToV5<T>(PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV4ToV5<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut count: u64 = 0;
			AccessLogs::<T>::translate::<BoundedVec<v4::AccessEntryOf<T>, T::MaxAccessLogEntries>, _>(
				|_patient, _organization, log| {
					count = count.saturating_add(1);
					let entries = log.into_iter().map(|old| AccessEntry {
						consent_id: old.consent_id,
						organization: old.organization,
						accessor: old.accessor,
						record_id: old.record_id,
						category: old.category,
						at: old.at,
						purpose: old.purpose,
						emergency: old.emergency,
						logged_in: None,
					});
					// As many entries as the old log, of the same bound: it fits.
					Some(BoundedVec::truncate_from(entries.collect::<alloc::vec::Vec<_>>()))
				},
			);
			T::DbWeight::get().reads_writes(count, count)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Pallet::<T>::do_try_state()
		}
	}

	/// [`InnerMigrateV4ToV5`], run once when the on-chain storage version is 4; sets it to 5.
	pub type MigrateV4ToV5<T> = VersionedMigration<
		4,
		5,
		InnerMigrateV4ToV5<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
