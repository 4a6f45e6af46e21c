//! Storage migrations of the governance pallet. Add them to the runtime's `Migrations`.

/// Storage version 1 → 2: the time lock on Root calls. A chain that existed
/// before it has no [`RootCallDelay`](crate::RootCallDelay) (its genesis set none): it gets
/// `Delay`, so that its council's Root calls do not run after a single block.
pub mod v2 {
	use crate::{Config, Pallet, RootCallDelay};
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::*,
		traits::{Get, UncheckedOnRuntimeUpgrade},
	};
	use frame_system::pallet_prelude::BlockNumberFor;
	use sp_runtime::traits::Zero;

	/// Sets `RootCallDelay` to `Delay` where it is 0; run it only through [`MigrateV1ToV2`].
	pub struct InnerMigrateV1ToV2<T, Delay>(PhantomData<(T, Delay)>);

	impl<T: Config, Delay: Get<BlockNumberFor<T>>> UncheckedOnRuntimeUpgrade
		for InnerMigrateV1ToV2<T, Delay>
	{
		fn on_runtime_upgrade() -> Weight {
			if RootCallDelay::<T>::get().is_zero() {
				RootCallDelay::<T>::put(Delay::get());
				T::DbWeight::get().reads_writes(1, 1)
			} else {
				T::DbWeight::get().reads(1)
			}
		}
	}

	/// The versioned migration: runs once, on a chain at storage version 1.
	pub type MigrateV1ToV2<T, Delay> = VersionedMigration<
		1,
		2,
		InnerMigrateV1ToV2<T, Delay>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
