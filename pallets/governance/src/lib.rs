#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

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
#[allow(clippy::arithmetic_side_effects)] // a test's overflow is a failed test
mod mock;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // a test's overflow is a failed test
mod tests;
pub mod weights;

pub use pallet::*;
pub use weights::WeightInfo;

use alloc::{boxed::Box, vec::Vec};
use frame_support::dispatch::DispatchResult;
use frame_support::{
	dispatch::{GetDispatchInfo, PostDispatchInfo},
	traits::{
		schedule::{v3::Named as ScheduleNamed, DispatchTime, HARD_DEADLINE},
		Bounded, BoundedInline, UnfilteredDispatchable,
	},
};
use pallet_consortium::RoleProvider;
use sp_runtime::traits::{BlakeTwo256, Dispatchable, Hash};

/// The council's seats, as this pallet changes them (implemented in the runtime with
/// `pallet-membership`).
pub trait CouncilSeats<AccountId> {
	/// Whether `who` holds a seat.
	fn is_member(who: &AccountId) -> bool;
	/// How many seats are held.
	fn count() -> u32;
	/// The seats' holders (for the invariants).
	fn members() -> Vec<AccountId>;
	/// Give `who` a seat (fails with the seat keeper's error, e.g. when full).
	fn add(who: &AccountId) -> DispatchResult;
	/// Take `who`'s seat.
	fn remove(who: &AccountId) -> DispatchResult;
	/// Fill all seats but one with new accounts (the benchmarks' worst case).
	#[cfg(feature = "runtime-benchmarks")]
	fn fill_for_benchmarks();
}

/// Which accounts have registered their node's session keys (implemented in the runtime
/// with `pallet-session`).
pub trait SessionKeysRegistry<AccountId> {
	/// Whether `who` has session keys for the next session.
	fn has_keys(who: &AccountId) -> bool;
	/// Register keys for `who` (the benchmarks' set-up).
	#[cfg(feature = "runtime-benchmarks")]
	fn set_keys_for_benchmarks(who: &AccountId);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The runtime's call, dispatched as Root by [`Call::dispatch_as_root`].
		type RuntimeCall: Parameter
			+ Dispatchable<RuntimeOrigin = Self::RuntimeOrigin, PostInfo = PostDispatchInfo>
			+ UnfilteredDispatchable<RuntimeOrigin = Self::RuntimeOrigin>
			+ GetDispatchInfo
			+ From<frame_system::Call<Self>>;

		/// The council's decision: a 2/3 majority of the council in the runtime.
		type CouncilOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Who may cancel a Root call during its delay: in the runtime, more than a third of
		/// the council (as many seats as could have blocked the 2/3 vote), or Root.
		type CancelOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The origin the scheduler dispatches with (the runtime's `OriginCaller`).
		type PalletsOrigin: From<frame_system::RawOrigin<Self::AccountId>>;

		/// The scheduler that enacts Root calls after their delay (`pallet-scheduler`).
		/// The call is held inline in the scheduler's agenda (no preimage store), so it may be
		/// at most 128 bytes encoded ([`Error::CallTooLong`]).
		type Scheduler: ScheduleNamed<
			BlockNumberFor<Self>,
			<Self as Config>::RuntimeCall,
			Self::PalletsOrigin,
		>;

		/// The shortest time lock of any chain, in blocks (at least 1). A chain's genesis sets
		/// its own, longer one ([`RootCallDelay`]).
		#[pallet::constant]
		type MinRootCallDelay: Get<BlockNumberFor<Self>>;

		/// Which accounts are active organizations (admins, not staff).
		type Organizations: RoleProvider<Self::AccountId>;

		/// The council's seats.
		type Council: CouncilSeats<Self::AccountId>;

		/// Accounts that have registered session keys for their node.
		type SessionKeys: SessionKeysRegistry<Self::AccountId>;

		/// The most validators.
		#[pallet::constant]
		type MaxValidators: Get<u32>;

		/// The fewest validators the council may leave on any chain (at least 1). A chain's
		/// genesis may raise its own floor ([`ValidatorFloor`]): with 3f+1 validators, f may
		/// fail and GRANDPA still finalizes, so a consortium chain keeps 4.
		#[pallet::constant]
		type MinValidators: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// The organizations (admin accounts) whose nodes validate, sorted. The session manager
	/// hands the active ones to `pallet-session` at each session boundary.
	#[pallet::storage]
	pub type Validators<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

	/// The validator set last handed to `pallet-session` (to tell whether it changed).
	#[pallet::storage]
	pub type PlannedValidators<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

	/// This chain's floor on the number of validators, set at genesis (the consortium's chain
	/// spec sets 4, or its number of validators if fewer); the council cannot remove a
	/// validator below `max(MinValidators, ValidatorFloor)`.
	#[pallet::storage]
	pub type ValidatorFloor<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Session boundaries still asked for right away after a change of validators: a set
	/// planned at one boundary becomes active at the next, so a change asks for two.
	#[pallet::storage]
	pub type PendingRotations<T: Config> = StorageValue<_, u8, ValueQuery>;

	/// This chain's time lock on Root calls, in blocks, set at genesis (the consortium's chain
	/// spec: one day by default). The delay applied is `max(MinRootCallDelay, RootCallDelay)`
	/// ([`Pallet::root_call_delay`]); a runtime upgrade (itself delayed) may change it.
	#[pallet::storage]
	pub type RootCallDelay<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// The id the next Root call gets.
	#[pallet::storage]
	pub type NextRootCall<T: Config> = StorageValue<_, RootCallId, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The validators at genesis (their session keys go in `pallet-session`'s genesis).
		pub validators: Vec<T::AccountId>,
		/// This chain's floor on the number of validators ([`ValidatorFloor`]); at most the
		/// number of genesis validators. 0 (the default): `MinValidators` alone.
		pub min_validators: u32,
		/// This chain's time lock on Root calls, in blocks ([`RootCallDelay`]). 0 (the
		/// default): `MinRootCallDelay` alone.
		pub root_call_delay: BlockNumberFor<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let mut validators = self.validators.clone();
			validators.sort();
			validators.dedup();
			let validators: BoundedVec<_, T::MaxValidators> =
				validators.try_into().expect("genesis: more validators than MaxValidators");
			assert!(
				self.min_validators as usize <= validators.len(),
				"genesis: min_validators is more than the genesis validators"
			);
			ValidatorFloor::<T>::put(self.min_validators);
			RootCallDelay::<T>::put(self.root_call_delay);
			Validators::<T>::put(&validators);
			PlannedValidators::<T>::put(validators);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The council decided to dispatch a call as Root: the scheduler dispatches it at block
		/// `enact_at` unless it is cancelled before ([`Call::cancel_root_call`] with `id`). Its
		/// outcome is the scheduler's `Dispatched` event whose `id` is `task`.
		RootCallScheduled {
			id: RootCallId,
			task: [u8; 32],
			call_hash: T::Hash,
			enact_at: BlockNumberFor<T>,
		},
		/// A Root call was cancelled during its delay.
		RootCallCancelled { id: RootCallId },
		/// An organization's admin was seated on the council.
		CouncilMemberAdded { organization: T::AccountId },
		/// An organization's admin left the council.
		CouncilMemberRemoved { organization: T::AccountId },
		/// An organization's node joins the validators at the next session boundary.
		ValidatorAdded { organization: T::AccountId },
		/// An organization's node leaves the validators at the next session boundary.
		ValidatorRemoved { organization: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The organization already holds a council seat.
		AlreadyCouncilMember,
		/// The organization holds no council seat.
		NotCouncilMember,
		/// The last council seat cannot be emptied: nobody could decide anything any more.
		LastCouncilMember,
		/// The organization has not registered its node's session keys (`Session.set_keys`).
		NoSessionKeys,
		/// The organization's node already validates.
		AlreadyValidator,
		/// The organization's node does not validate.
		NotValidator,
		/// There are `MaxValidators` validators already.
		TooManyValidators,
		/// Removing it would leave fewer than `max(MinValidators, ValidatorFloor)` validators.
		TooFewValidators,
		/// The call is more than 128 bytes encoded: the scheduler cannot hold it (authorize a
		/// runtime upgrade by its hash, `System.authorize_upgrade`, not `set_code`).
		CallTooLong,
		/// The scheduler refused the call (its agenda for that block is full): try again in a
		/// later block.
		CannotSchedule,
		/// No Root call with this id is waiting: it was enacted, cancelled, or never existed.
		UnknownRootCall,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Dispatch `call` as Root, by a council decision, after the chain's time lock
		/// ([`Pallet::root_call_delay`] blocks): the call goes to the scheduler, which
		/// dispatches it as Root then (its weight is charged in that block, by the scheduler)
		/// unless [`Call::cancel_root_call`] stops it first.
		///
		/// Emits [`Event::RootCallScheduled`]. The outcome of `call` is the scheduler's
		/// `Dispatched` event (`id`: the `task` of `RootCallScheduled`).
		///
		/// ## Errors
		/// In the order checked:
		/// - `BadOrigin`: not a 2/3 council decision.
		/// - [`Error::CallTooLong`]: more than 128 bytes encoded.
		/// - [`Error::CannotSchedule`]: the scheduler's agenda for that block is full.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::dispatch_as_root())]
		pub fn dispatch_as_root(
			origin: OriginFor<T>,
			call: Box<<T as Config>::RuntimeCall>,
		) -> DispatchResult {
			T::CouncilOrigin::ensure_origin(origin)?;
			let call_hash = T::Hashing::hash_of(&call);
			let inline = BoundedInline::try_from(codec::Encode::encode(&*call))
				.map_err(|_| Error::<T>::CallTooLong)?;
			let id = NextRootCall::<T>::get();
			let task = Self::root_call_task(id);
			let delay = Self::root_call_delay();
			let enact_at = sp_runtime::Saturating::saturating_add(
				frame_system::Pallet::<T>::block_number(),
				delay,
			);
			T::Scheduler::schedule_named(
				task,
				DispatchTime::At(enact_at),
				None,
				HARD_DEADLINE,
				frame_system::RawOrigin::Root.into(),
				Bounded::Inline(inline),
			)
			.map_err(|_| Error::<T>::CannotSchedule)?;
			NextRootCall::<T>::put(id.wrapping_add(1));
			Self::deposit_event(Event::RootCallScheduled { id, task, call_hash, enact_at });
			Ok(())
		}

		/// Cancel a Root call during its delay ([`Call::dispatch_as_root`]).
		///
		/// Emits [`Event::RootCallCancelled`].
		///
		/// ## Errors
		/// In the order checked:
		/// - `BadOrigin`: not [`Config::CancelOrigin`] (in the runtime: more than a third of
		///   the council, or Root).
		/// - [`Error::UnknownRootCall`]: no Root call with this id is waiting.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::cancel_root_call())]
		pub fn cancel_root_call(origin: OriginFor<T>, id: RootCallId) -> DispatchResult {
			T::CancelOrigin::ensure_origin(origin)?;
			T::Scheduler::cancel_named(Self::root_call_task(id))
				.map_err(|_| Error::<T>::UnknownRootCall)?;
			Self::deposit_event(Event::RootCallCancelled { id });
			Ok(())
		}

		/// Seat an active organization's admin account on the council.
		///
		/// Emits [`Event::CouncilMemberAdded`].
		///
		/// ## Errors
		/// In the order checked:
		/// - `BadOrigin`: not a 2/3 council decision.
		/// - The consortium's
		///   [`UnknownOrganization`](pallet_consortium::Error::UnknownOrganization),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization): not
		///   an active organization's admin account.
		/// - [`Error::AlreadyCouncilMember`].
		/// - The seat keeper's ([`Config::Council`]) error when the council is full
		///   (`pallet_membership`'s `TooManyMembers` in the runtime).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::add_council_member())]
		pub fn add_council_member(
			origin: OriginFor<T>,
			organization: T::AccountId,
		) -> DispatchResult {
			T::CouncilOrigin::ensure_origin(origin)?;
			Self::ensure_active_organization(&organization)?;
			ensure!(!T::Council::is_member(&organization), Error::<T>::AlreadyCouncilMember);
			T::Council::add(&organization)?;
			Self::deposit_event(Event::CouncilMemberAdded { organization });
			Ok(())
		}

		/// Take an organization's council seat (any organization, suspended or not).
		///
		/// Emits [`Event::CouncilMemberRemoved`].
		///
		/// ## Errors
		/// In the order checked:
		/// - `BadOrigin`: not a 2/3 council decision.
		/// - [`Error::NotCouncilMember`].
		/// - [`Error::LastCouncilMember`].
		/// - The seat keeper's ([`Config::Council`]) error, should it refuse the removal
		///   (`pallet_membership` in the runtime refuses none that passed the checks above).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::remove_council_member())]
		pub fn remove_council_member(
			origin: OriginFor<T>,
			organization: T::AccountId,
		) -> DispatchResult {
			T::CouncilOrigin::ensure_origin(origin)?;
			ensure!(T::Council::is_member(&organization), Error::<T>::NotCouncilMember);
			ensure!(T::Council::count() > 1, Error::<T>::LastCouncilMember);
			T::Council::remove(&organization)?;
			Self::deposit_event(Event::CouncilMemberRemoved { organization });
			Ok(())
		}

		/// Make an active organization's node a validator from the next session boundary.
		/// The organization's admin account must have registered the node's session keys.
		///
		/// Emits [`Event::ValidatorAdded`].
		///
		/// ## Errors
		/// In the order checked:
		/// - `BadOrigin`: not a 2/3 council decision.
		/// - The consortium's
		///   [`UnknownOrganization`](pallet_consortium::Error::UnknownOrganization),
		///   [`SuspendedOrganization`](pallet_consortium::Error::SuspendedOrganization): not
		///   an active organization's admin account.
		/// - [`Error::NoSessionKeys`].
		/// - [`Error::AlreadyValidator`], [`Error::TooManyValidators`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::add_validator())]
		pub fn add_validator(origin: OriginFor<T>, organization: T::AccountId) -> DispatchResult {
			T::CouncilOrigin::ensure_origin(origin)?;
			Self::ensure_active_organization(&organization)?;
			ensure!(T::SessionKeys::has_keys(&organization), Error::<T>::NoSessionKeys);
			Validators::<T>::try_mutate(|validators| -> DispatchResult {
				let at = validators
					.binary_search(&organization)
					.err()
					.ok_or(Error::<T>::AlreadyValidator)?;
				validators
					.try_insert(at, organization.clone())
					.map_err(|_| Error::<T>::TooManyValidators)?;
				Ok(())
			})?;
			PendingRotations::<T>::put(2);
			Self::deposit_event(Event::ValidatorAdded { organization });
			Ok(())
		}

		/// Stop an organization's node validating from the next session boundary.
		///
		/// Emits [`Event::ValidatorRemoved`].
		///
		/// ## Errors
		/// In the order checked:
		/// - `BadOrigin`: not a 2/3 council decision.
		/// - [`Error::NotValidator`].
		/// - [`Error::TooFewValidators`]: at least [`Pallet::validator_floor`] must remain.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::remove_validator())]
		pub fn remove_validator(
			origin: OriginFor<T>,
			organization: T::AccountId,
		) -> DispatchResult {
			T::CouncilOrigin::ensure_origin(origin)?;
			Validators::<T>::try_mutate(|validators| -> DispatchResult {
				let at = validators
					.binary_search(&organization)
					.map_err(|_| Error::<T>::NotValidator)?;
				ensure!(
					validators.len() as u32 > Self::validator_floor(),
					Error::<T>::TooFewValidators
				);
				validators.remove(at);
				Ok(())
			})?;
			PendingRotations::<T>::put(2);
			Self::deposit_event(Event::ValidatorRemoved { organization });
			Ok(())
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}
}

/// The number of a Root call ([`Call::dispatch_as_root`]), in the order the council made them.
pub type RootCallId = u32;

impl<T: Config> Pallet<T> {
	/// The time lock applied to Root calls: `max(MinRootCallDelay, RootCallDelay, 1)` blocks.
	pub fn root_call_delay() -> frame_system::pallet_prelude::BlockNumberFor<T> {
		use frame_support::traits::Get;
		use sp_runtime::traits::One;
		T::MinRootCallDelay::get().max(RootCallDelay::<T>::get()).max(One::one())
	}

	/// The scheduler's name of Root call `id`: `blake2_256("medchain/governance/root" ++ id)`.
	pub fn root_call_task(id: RootCallId) -> [u8; 32] {
		BlakeTwo256::hash_of(&(b"medchain/governance/root", id)).0
	}

	/// The consortium's check, with its errors (`UnknownOrganization` for a staff key or an
	/// outsider, `SuspendedOrganization`).
	fn ensure_active_organization(who: &T::AccountId) -> DispatchResult {
		T::Organizations::ensure_active_organization(who).map(|_| ())
	}

	/// The validator set for the session after the next, if it differs from the one planned
	/// last: the council's validators whose organizations are still active. `None` (keep the
	/// current set) when nothing changed, or when every validator's organization is suspended
	/// (the chain must not halt itself; the council can still act).
	///
	/// This is what the runtime's `pallet_session::SessionManager::new_session` returns.
	pub fn new_validators() -> Option<Vec<T::AccountId>> {
		let active: Vec<T::AccountId> =
			Validators::<T>::get().into_iter().filter(T::Organizations::is_active).collect();
		if active.is_empty() {
			return None;
		}
		let planned = PlannedValidators::<T>::get();
		if planned.as_slice() == active.as_slice() {
			return None;
		}
		// `active` is a subset of `Validators`, so it fits the same bound.
		PlannedValidators::<T>::put(frame_support::BoundedVec::truncate_from(active.clone()));
		Some(active)
	}

	/// Whether the session should end now without waiting for the period: after a change of
	/// validators, for the next two boundaries (plan, then activate). Counts the boundary
	/// down when it says yes.
	///
	/// The runtime's `ShouldEndSession` is "period elapsed, or this".
	pub fn should_rotate() -> bool {
		let pending = PendingRotations::<T>::get();
		if pending == 0 {
			return false;
		}
		PendingRotations::<T>::put(pending.saturating_sub(1));
		true
	}

	/// Invariants: validators sorted and unique; the planned set (last handed to the session
	/// pallet) non-empty, sorted and unique, and made of validators unless a rotation is
	/// pending (a removal asks for one at once); every council seat is held by an active
	/// organization's admin, unless it is the last seat (seats change only through this
	/// pallet, which checks that, and suspension takes the seat).
	///
	/// Always compiled (not only under `try-runtime`): the runtime fuzz harness
	/// (`fuzz/harness`) checks it after every block without that feature.
	/// The fewest validators the council may leave: `max(MinValidators, ValidatorFloor, 1)`.
	pub fn validator_floor() -> u32 {
		use frame_support::traits::Get;
		T::MinValidators::get().max(ValidatorFloor::<T>::get()).max(1)
	}

	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let validators = Validators::<T>::get();
		frame_support::ensure!(
			validators.windows(2).all(|w| matches!(w, [a, b] if a < b)),
			"Validators must be sorted and unique"
		);
		let planned = PlannedValidators::<T>::get();
		frame_support::ensure!(!planned.is_empty(), "the planned validator set is empty");
		frame_support::ensure!(
			planned.windows(2).all(|w| matches!(w, [a, b] if a < b)),
			"the planned validator set must be sorted and unique"
		);
		// A planned validator that is no longer a validator leaves at the next boundaries,
		// which its removal asked for right away.
		frame_support::ensure!(
			PendingRotations::<T>::get() > 0
				|| planned.iter().all(|v| validators.binary_search(v).is_ok()),
			"a removed validator is still planned and no rotation is pending"
		);
		let seats = T::Council::members();
		if seats.len() > 1 {
			frame_support::ensure!(
				seats.iter().all(T::Organizations::is_active),
				"every council seat is an active organization's admin"
			);
		}
		Ok(())
	}
}

/// Suspension takes the organization's council seat (unless it is the last one: a council
/// must stay) and, if its node validates, brings the session boundaries forward so that the
/// next one drops it ([`Pallet::new_validators`] leaves out suspended organizations; when
/// every validator's organization is suspended the set is kept, so the chain never halts
/// itself). Reinstating gives back the validator at the next boundary, not the seat: the
/// council decides that again (`add_council_member`).
impl<T: Config> pallet_consortium::OnSuspension<T::AccountId> for Pallet<T> {
	fn on_suspension(organization: &T::AccountId) {
		if T::Council::is_member(organization)
			&& T::Council::count() > 1
			&& T::Council::remove(organization).is_ok()
		{
			Self::deposit_event(Event::CouncilMemberRemoved { organization: organization.clone() });
		}
		if Validators::<T>::get().binary_search(organization).is_ok() {
			PendingRotations::<T>::put(2);
		}
	}

	fn weight() -> frame_support::weights::Weight {
		T::WeightInfo::remove_council_member().saturating_add(T::WeightInfo::remove_validator())
	}
}
