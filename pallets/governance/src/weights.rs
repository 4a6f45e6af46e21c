//! Weights for `pallet_governance`. PROVISIONAL: written by hand from the storage each call
//! touches, until `scripts/benchmark.sh pallet_governance` replaces this file.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(dead_code)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_governance`.
pub trait WeightInfo {
	fn dispatch_as_root() -> Weight;
	fn add_council_member() -> Weight;
	fn remove_council_member() -> Weight;
	fn add_validator() -> Weight;
	fn remove_validator() -> Weight;
}

/// Weights for `pallet_governance` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn dispatch_as_root() -> Weight {
		Weight::from_parts(20_000_000, 0)
	}
	fn add_council_member() -> Weight {
		// Organizations, StaffOf, Membership members + prime, Collective members/proposals/prime.
		Weight::from_parts(60_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(7_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn remove_council_member() -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn add_validator() -> Weight {
		// Organizations, StaffOf, Session NextKeys, Validators; writes Validators, PendingRotations.
		Weight::from_parts(40_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn remove_validator() -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
}

// For tests.
impl WeightInfo for () {
	fn dispatch_as_root() -> Weight { Weight::from_parts(20_000_000, 0) }
	fn add_council_member() -> Weight { Weight::from_parts(60_000_000, 8_000) }
	fn remove_council_member() -> Weight { Weight::from_parts(60_000_000, 8_000) }
	fn add_validator() -> Weight { Weight::from_parts(40_000_000, 6_000) }
	fn remove_validator() -> Weight { Weight::from_parts(30_000_000, 4_000) }
}
