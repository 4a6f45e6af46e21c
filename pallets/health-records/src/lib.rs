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
mod impls;
mod invariants;
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
use frame_support::traits::{Get, UnixTime};
use medchain_primitives::{ConsentChecker, PatientRegistry, Purpose, RecordCategory};
use pallet_consortium::{Role, RoleProvider};
use sp_core::H256;
use sp_runtime::traits::BlakeTwo256;

/// Sets up what benchmarks need but this pallet cannot create through its own traits.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Give organization `org` an active *write* consent from `patient` (a registered
	/// patient) for `category` and purpose Treatment, in the worst case for the runtime's
	/// [`ConsentChecker::ensure_access`] (e.g. the patient's consents to `org` filling the
	/// patient's list, the matching one checked last).
	fn grant_write_consent(patient: &AccountId, org: &AccountId, category: RecordCategory);
}

pub use medchain_primitives::expected_proof_len;

/// The Merkle root of `leaves` (documents' 32-byte content hashes) by the rules of the crate
/// docs; the all-zero hash for no leaves. For tests and off-chain tooling written in Rust.
pub fn merkle_root(leaves: &[H256]) -> H256 {
	binary_merkle_tree::merkle_root::<BlakeTwo256, _>(leaves.iter().map(|leaf| leaf.as_bytes()))
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	/// The storage layout version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// A record's locator as stored.
	pub type LocatorOf<T> = BoundedVec<u8, <T as Config>::MaxLocatorLen>;

	/// A record as stored.
	pub type RecordOf<T> =
		Record<<T as frame_system::Config>::AccountId, BlockNumberFor<T>, LocatorOf<T>>;

	/// A record as the runtime API returns it (locator as plain bytes).
	pub type RecordInfoOf<T> =
		Record<<T as frame_system::Config>::AccountId, BlockNumberFor<T>, Vec<u8>>;

	/// A batch as stored.
	pub type BatchOf<T> = Batch<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The consortium: which organization an account acts for, whether it is active,
		/// which roles it holds.
		type Roles: RoleProvider<Self::AccountId>;

		/// The patient registry (the identity pallet): who is a registered patient, and the
		/// rate limit of fee-less calls.
		type Patients: PatientRegistry<Self::AccountId>;

		/// The consent checks (the consent pallet): may an organization write a category of
		/// a patient's data.
		type Consents: ConsentChecker<Self::AccountId>;

		/// The current time (the block's timestamp); read in milliseconds.
		type Time: UnixTime;

		/// The longest locator, in bytes.
		#[pallet::constant]
		type MaxLocatorLen: Get<u32>;

		/// The most records (all versions, sealed or not) one author (an organization, or the
		/// patient for their own uploads) can anchor for one patient. At the bound, that
		/// author's `anchor_record` fails with `TooManyRecords`.
		#[pallet::constant]
		type MaxRecordsPerAuthor: Get<u32>;

		/// The most records one erasure step seals: `deregister` (through
		/// [`medchain_primitives::PatientErasure`]) and each [`Pallet::erase_records`].
		#[pallet::constant]
		type MaxErasedPerCall: Get<u32>;

		/// The most leaves a batch may commit to (e.g. 1_000_000).
		#[pallet::constant]
		type MaxBatchLeaves: Get<u32>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;

		/// Creates the consents benchmarks need.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The nonce hashed into the next record id; incremented by every anchored record, never
	/// reused.
	#[pallet::storage]
	pub type RecordNonce<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Every anchored record, by id (ids are blake2-256 outputs derived by the runtime, hence
	/// the `Identity` hasher). Records are never removed: sealing erases only the locator.
	#[pallet::storage]
	pub type Records<T: Config> = StorageMap<_, Identity, RecordId, RecordOf<T>, OptionQuery>;

	/// How many records each patient has (the length of their [`PatientRecords`] index).
	#[pallet::storage]
	pub type RecordCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// How many records each author (`Some(organization)`, or `None` for the patient's own
	/// uploads) anchored for each patient, at most `MaxRecordsPerAuthor`.
	#[pallet::storage]
	pub type AuthorRecordCount<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		Option<T::AccountId>,
		u32,
		ValueQuery,
	>;

	/// For each deregistered patient, how far erasure got: every position of their
	/// [`PatientRecords`] index below this one is sealed. Erasure is complete when it equals
	/// [`RecordCount`].
	#[pallet::storage]
	pub type ErasedUpTo<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// For each patient, their record ids by position `0 .. RecordCount`, in anchoring order.
	#[pallet::storage]
	pub type PatientRecords<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		u32,
		RecordId,
		OptionQuery,
	>;

	/// The id the next batch will get. Ids are never reused.
	#[pallet::storage]
	pub type NextBatchId<T: Config> = StorageValue<_, BatchId, ValueQuery>;

	/// Every anchored batch, by id.
	#[pallet::storage]
	pub type Batches<T: Config> = StorageMap<_, Blake2_128Concat, BatchId, BatchOf<T>, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A document's hash was anchored.
		RecordAnchored {
			/// The new record's id.
			record_id: RecordId,
			/// The patient the document is about.
			patient: T::AccountId,
			/// The kind of health data.
			category: RecordCategory,
			/// The document's salted hash.
			content_hash: H256,
			/// The organization that wrote it, or `None` for a patient upload.
			author: Option<T::AccountId>,
			/// The previous version this record replaces, if any.
			supersedes: Option<RecordId>,
		},
		/// The Merkle root of a batch of documents was anchored.
		BatchAnchored {
			/// The new batch's id.
			batch_id: BatchId,
			/// The Provider organization that anchored it.
			author: T::AccountId,
			/// The kind of health data.
			category: RecordCategory,
			/// The root of the documents' Merkle tree.
			merkle_root: H256,
			/// How many documents the tree commits to.
			leaf_count: u32,
			/// The single patient the documents are about, if any.
			patient: Option<T::AccountId>,
		},
		/// A patient sealed a record: its locator is erased; hash and history stay.
		RecordSealed {
			/// The sealed record.
			record_id: RecordId,
			/// The patient.
			patient: T::AccountId,
		},
		/// An erasure step sealed records of a deregistered patient.
		RecordsErased {
			/// The deregistered patient.
			patient: T::AccountId,
			/// Records sealed by this step (records already sealed are not counted).
			sealed: u32,
			/// Records still to visit: zero when the erasure is complete.
			remaining: u32,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The patient is not a registered patient.
		NotAPatient,
		/// The patient deregistered (right to erasure): no new anchors.
		DeregisteredPatient,
		/// The content hash is all zeros (a client bug, never a document's salted hash).
		ZeroContentHash,
		/// The locator is empty: a record must say where its document lives.
		EmptyLocator,
		/// No record has this id.
		UnknownRecord,
		/// The superseded record belongs to another patient.
		RecordPatientMismatch,
		/// The superseded record already has a newer version (version chains never fork).
		AlreadySuperseded,
		/// The superseded record is sealed: the patient erased it, it gets no new version.
		SealedRecord,
		/// The new version's category differs from the superseded record's.
		RecordCategoryMismatch,
		/// Only a record's author (its organization, or the patient for their own uploads)
		/// may supersede it.
		NotRecordAuthor,
		/// The derived record id is already taken (practically impossible; never overwritten).
		RecordIdCollision,
		/// The record nonce counter is exhausted.
		RecordNonceOverflow,
		/// The author already anchored `MaxRecordsPerAuthor` records for this patient.
		TooManyRecords,
		/// The patient has not deregistered: only a deregistered patient's records are erased.
		PatientNotDeregistered,
		/// Every record of the deregistered patient is already erased.
		ErasureComplete,
		/// The signer is not the record's patient.
		NotRecordPatient,
		/// The record is already sealed.
		AlreadySealed,
		/// A batch must have at least one leaf.
		ZeroLeafCount,
		/// The batch has more than `MaxBatchLeaves` leaves.
		TooManyLeaves,
		/// The Merkle root is all zeros (the root of an empty tree).
		ZeroMerkleRoot,
		/// The batch id counter is exhausted.
		BatchIdOverflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxLocatorLen::get() > 0, "MaxLocatorLen must be > 0");
			assert!(T::MaxRecordsPerAuthor::get() > 0, "MaxRecordsPerAuthor must be > 0");
			assert!(T::MaxErasedPerCall::get() > 0, "MaxErasedPerCall must be > 0");
			assert!(T::MaxBatchLeaves::get() > 0, "MaxBatchLeaves must be > 0");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Anchor one document of `patient`: its salted content hash and an opaque locator.
		///
		/// - `origin`: signed by staff (or the admin) of an active Provider whose organization
		///   holds `patient`'s active write consent for `category` (purpose Treatment), or by
		///   the patient themself (a patient upload: author `None`).
		/// - `patient`: a registered patient (not deregistered).
		/// - `category`: the kind of health data.
		/// - `content_hash`: `blake2_256(salt ++ canonical document bytes)`, non-zero.
		/// - `locator`: where the encrypted document lives (opaque, non-empty, at most
		///   `MaxLocatorLen` bytes).
		/// - `supersedes`: the previous version (the head of its chain, same patient, same
		///   category, same author, not sealed), or `None`.
		///
		/// Emits [`Event::RecordAnchored`].
		///
		/// ## Complexity
		/// O(1) storage accesses here, plus the consent check's (in MedChain's consent pallet,
		/// three reads whatever the patient's number of consents).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - [`Error::ZeroContentHash`], [`Error::EmptyLocator`].
		/// - Unless the signer is `patient`: the consortium's
		///   [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization),
		///   [`MissingRole`](pallet_consortium::Error::MissingRole): the signer does not act
		///   for an active Provider.
		/// - [`Error::DeregisteredPatient`], [`Error::NotAPatient`]: `patient` is not a
		///   registered patient.
		/// - Unless the signer is `patient`: the consent pallet's `NoConsent`,
		///   `CategoryNotCovered`, `WriteNotGranted`, `RevokedConsent`, `ExpiredConsent`
		///   (`pallet_consent::Error`, from [`Config::Consents`]): the organization holds no
		///   active write consent for `category` and purpose Treatment.
		/// - With `supersedes`: [`Error::UnknownRecord`], [`Error::RecordPatientMismatch`],
		///   [`Error::AlreadySuperseded`], [`Error::SealedRecord`],
		///   [`Error::RecordCategoryMismatch`], [`Error::NotRecordAuthor`].
		/// - [`Error::TooManyRecords`]: the author already anchored `MaxRecordsPerAuthor`
		///   records of `patient` (or the patient's record counter is exhausted).
		/// - [`Error::RecordNonceOverflow`], [`Error::RecordIdCollision`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::anchor_record())]
		pub fn anchor_record(
			origin: OriginFor<T>,
			patient: T::AccountId,
			category: RecordCategory,
			content_hash: H256,
			locator: LocatorOf<T>,
			supersedes: Option<RecordId>,
		) -> DispatchResult {
			let signer = ensure_signed(origin)?;
			ensure!(!content_hash.is_zero(), Error::<T>::ZeroContentHash);
			ensure!(!locator.is_empty(), Error::<T>::EmptyLocator);
			let author = if signer == patient {
				Self::ensure_patient(&patient)?;
				None
			} else {
				let organization = T::Roles::ensure_role(&signer, Role::Provider)?;
				Self::ensure_patient(&patient)?;
				T::Consents::ensure_access(
					&patient,
					&organization,
					category,
					Purpose::Treatment,
					true,
				)?;
				Some(organization)
			};
			let previous = match supersedes {
				Some(previous_id) => Some((
					previous_id,
					Self::check_supersede(&patient, category, &author, previous_id)?,
				)),
				None => None,
			};
			let authored = AuthorRecordCount::<T>::get(&patient, &author);
			ensure!(authored < T::MaxRecordsPerAuthor::get(), Error::<T>::TooManyRecords);
			let next_authored = authored.checked_add(1).ok_or(Error::<T>::TooManyRecords)?;
			let index = RecordCount::<T>::get(&patient);
			let next_count = index.checked_add(1).ok_or(Error::<T>::TooManyRecords)?;
			let nonce = RecordNonce::<T>::get();
			let next_nonce = nonce.checked_add(1).ok_or(Error::<T>::RecordNonceOverflow)?;
			let record_id = Self::derive_record_id(&patient, &content_hash, nonce);
			ensure!(!Records::<T>::contains_key(record_id), Error::<T>::RecordIdCollision);

			let record = Record {
				patient: patient.clone(),
				category,
				content_hash,
				locator: Some(locator),
				author: author.clone(),
				anchored_by: signer,
				anchored_at: Self::now(),
				block: frame_system::Pallet::<T>::block_number(),
				supersedes,
				superseded_by: None,
				sealed_at: None,
			};
			if let Some((previous_id, previous)) = previous {
				Records::<T>::insert(
					previous_id,
					Record { superseded_by: Some(record_id), ..previous },
				);
			}
			Records::<T>::insert(record_id, record);
			PatientRecords::<T>::insert(&patient, index, record_id);
			RecordCount::<T>::insert(&patient, next_count);
			AuthorRecordCount::<T>::insert(&patient, &author, next_authored);
			RecordNonce::<T>::put(next_nonce);
			Self::deposit_event(Event::RecordAnchored {
				record_id,
				patient,
				category,
				content_hash,
				author,
				supersedes,
			});
			Ok(())
		}

		/// Anchor the Merkle root of a batch of documents (e.g. a nightly export).
		///
		/// - `origin`: signed by staff (or the admin) of an active Provider.
		/// - `category`: the kind of health data in the batch.
		/// - `merkle_root`: the root of the tree over the documents' content hashes, built by
		///   the rules of the crate docs; non-zero.
		/// - `leaf_count`: how many documents, `1..=MaxBatchLeaves`.
		/// - `patient`: the single patient every document is about (then the organization
		///   needs the patient's active write consent for `category`, as for a record), or
		///   `None` for a multi-patient export.
		///
		/// Emits [`Event::BatchAnchored`].
		///
		/// ## Complexity
		/// O(1), plus the consent check (three reads in MedChain's consent pallet) for a
		/// single-patient batch. Independent of `leaf_count`: the tree is never built on chain.
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - [`Error::ZeroLeafCount`], [`Error::TooManyLeaves`], [`Error::ZeroMerkleRoot`].
		/// - The consortium's [`NotAMember`](pallet_consortium::Error::NotAMember),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization),
		///   [`MissingRole`](pallet_consortium::Error::MissingRole): the signer does not act
		///   for an active Provider.
		/// - For a single-patient batch: [`Error::DeregisteredPatient`],
		///   [`Error::NotAPatient`], then the consent pallet's `NoConsent`,
		///   `CategoryNotCovered`, `WriteNotGranted`, `RevokedConsent`, `ExpiredConsent`
		///   (`pallet_consent::Error`, from [`Config::Consents`]).
		/// - [`Error::BatchIdOverflow`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::anchor_batch())]
		pub fn anchor_batch(
			origin: OriginFor<T>,
			category: RecordCategory,
			merkle_root: H256,
			leaf_count: u32,
			patient: Option<T::AccountId>,
		) -> DispatchResult {
			let signer = ensure_signed(origin)?;
			ensure!(leaf_count > 0, Error::<T>::ZeroLeafCount);
			ensure!(leaf_count <= T::MaxBatchLeaves::get(), Error::<T>::TooManyLeaves);
			ensure!(!merkle_root.is_zero(), Error::<T>::ZeroMerkleRoot);
			let author = T::Roles::ensure_role(&signer, Role::Provider)?;
			if let Some(patient) = &patient {
				Self::ensure_patient(patient)?;
				T::Consents::ensure_access(patient, &author, category, Purpose::Treatment, true)?;
			}
			let batch_id = NextBatchId::<T>::get();
			let next_id = batch_id.checked_add(1).ok_or(Error::<T>::BatchIdOverflow)?;

			Batches::<T>::insert(
				batch_id,
				Batch {
					root: merkle_root,
					leaf_count,
					category,
					patient: patient.clone(),
					author: author.clone(),
					anchored_by: signer,
					anchored_at: Self::now(),
					block: frame_system::Pallet::<T>::block_number(),
				},
			);
			NextBatchId::<T>::put(next_id);
			Self::deposit_event(Event::BatchAnchored {
				batch_id,
				author,
				category,
				merkle_root,
				leaf_count,
				patient,
			});
			Ok(())
		}

		/// Seal one of the signer's records: erase its locator (crypto-shredding). The content
		/// hash, category, author, timestamps and version links stay, so the record can still
		/// be verified; it can no longer be superseded.
		///
		/// - `origin`: signed by the record's patient (or a guardian's proxy), registered or
		///   deregistered.
		/// - `record_id`: the record; any version of a chain can be sealed.
		///
		/// Fee-less for a patient with free quota whose call succeeds.
		///
		/// Emits [`Event::RecordSealed`].
		///
		/// ## Complexity
		/// O(1).
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - [`Error::UnknownRecord`]: no record has this id.
		/// - [`Error::NotRecordPatient`]: the signer is not the record's patient.
		/// - [`Error::AlreadySealed`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::seal_record())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, record_id: &RecordId| -> bool {
			frame_system::ensure_signed(origin.clone()).is_ok_and(|who| {
				T::Patients::has_free_quota(&who) &&
					Pallet::<T>::check_seal(&who, *record_id).is_ok()
			})
		})]
		pub fn seal_record(origin: OriginFor<T>, record_id: RecordId) -> DispatchResult {
			let patient = ensure_signed(origin)?;
			let record = Self::check_seal(&patient, record_id)?;
			Self::note_free_call(&patient);
			Records::<T>::insert(
				record_id,
				Record { locator: None, sealed_at: Some(Self::now()), ..record },
			);
			Self::deposit_event(Event::RecordSealed { record_id, patient });
			Ok(())
		}

		/// Continue the erasure of a deregistered patient's records: seal the next
		/// `MaxErasedPerCall` of them (in anchoring order). `deregister` already did the first
		/// step; this finishes the erasure of a patient with more records than one step seals.
		///
		/// - `origin`: signed by anyone (it only completes what the patient asked for):
		///   fee-less for the deregistered patient themself while records remain.
		/// - `patient`: a deregistered patient.
		///
		/// Emits [`Event::RecordsErased`].
		///
		/// ## Complexity
		/// O(`MaxErasedPerCall`) record reads and writes.
		///
		/// ## Errors
		///
		/// In the order checked:
		/// - `BadOrigin`: the origin is not signed.
		/// - [`Error::PatientNotDeregistered`]: `patient` has not deregistered.
		/// - [`Error::ErasureComplete`]: every record of `patient` is already erased.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::erase_records(T::MaxErasedPerCall::get()))]
		#[pallet::feeless_if(|origin: &OriginFor<T>, patient: &T::AccountId| -> bool {
			frame_system::ensure_signed(origin.clone())
				.is_ok_and(|who| who == *patient && Pallet::<T>::check_erase(patient).is_ok())
		})]
		pub fn erase_records(
			origin: OriginFor<T>,
			patient: T::AccountId,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::check_erase(&patient)?;
			let visited = Self::do_erase(&patient);
			Ok(Some(T::WeightInfo::erase_records(visited)).into())
		}
	}
}
