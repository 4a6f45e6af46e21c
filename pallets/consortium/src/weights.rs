//! Weights for `pallet_consortium`.
//!
//! STATUS: provisional. These numbers were NOT produced by the benchmark CLI yet; they are
//! estimates (storage reads/writes counted per call, execution time by analogy with
//! comparable FRAME calls). Regenerate them from `benchmarking.rs` with
//! `scripts/benchmark.sh` (node built with `--features runtime-benchmarks`) before any
//! production launch; the file layout is the CLI's, so the output replaces this file as is.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_consortium`.
pub trait WeightInfo {
	fn register_organization(n: u32, ) -> Weight;
	fn set_roles() -> Weight;
	fn suspend_organization() -> Weight;
	fn reinstate_organization() -> Weight;
	fn add_staff() -> Weight;
	fn remove_staff() -> Weight;
}

/// Weights for `pallet_consortium` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Consortium::Organizations` (r:1 w:1)
	/// Storage: `Consortium::StaffOf` (r:1 w:0)
	/// Storage: `Consortium::OrganizationCount` (r:1 w:1)
	/// The range of component `n` is `[1, 128]`.
	fn register_organization(n: u32, ) -> Weight {
		Weight::from_parts(14_200_000, 3_600)
			.saturating_add(Weight::from_parts(2_100, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Consortium::Organizations` (r:1 w:1)
	fn set_roles() -> Weight {
		Weight::from_parts(11_300_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Consortium::Organizations` (r:1 w:1)
	fn suspend_organization() -> Weight {
		Weight::from_parts(11_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Consortium::Organizations` (r:1 w:1)
	fn reinstate_organization() -> Weight {
		Weight::from_parts(11_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Consortium::Organizations` (r:2 w:1)
	/// Storage: `Consortium::StaffOf` (r:1 w:1)
	fn add_staff() -> Weight {
		Weight::from_parts(16_500_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Consortium::Organizations` (r:1 w:1)
	/// Storage: `Consortium::StaffOf` (r:1 w:1)
	fn remove_staff() -> Weight {
		Weight::from_parts(15_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn register_organization(n: u32, ) -> Weight {
		Weight::from_parts(14_200_000, 3_600)
			.saturating_add(Weight::from_parts(2_100, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn set_roles() -> Weight {
		Weight::from_parts(11_300_000, 3_700)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn suspend_organization() -> Weight {
		Weight::from_parts(11_000_000, 3_700)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn reinstate_organization() -> Weight {
		Weight::from_parts(11_000_000, 3_700)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn add_staff() -> Weight {
		Weight::from_parts(16_500_000, 3_700)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn remove_staff() -> Weight {
		Weight::from_parts(15_000_000, 3_700)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
}
