//! Weights for `pallet_prescriptions`: PROVISIONAL, until `scripts/benchmark.sh
//! pallet_prescriptions` replaces this file with the benchmarks' output.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(dead_code)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_prescriptions`.
pub trait WeightInfo {
	fn set_prescription_only() -> Weight;
	fn dispense_prescribed(p: u32, h: u32, n: u32, ) -> Weight;
}

/// Weights for `pallet_prescriptions` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn set_prescription_only() -> Weight {
		Weight::from_parts(30_000_000, 3_600)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn dispense_prescribed(p: u32, h: u32, n: u32, ) -> Weight {
		Weight::from_parts(400_000_000, 40_000)
			.saturating_add(Weight::from_parts(2_000_000, 0).saturating_mul(p.into()))
			.saturating_add(Weight::from_parts(1_000_000, 85).saturating_mul(h.into()))
			.saturating_add(Weight::from_parts(1_000_000, 32).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(16_u64))
			.saturating_add(T::DbWeight::get().writes(12_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn set_prescription_only() -> Weight {
		Weight::from_parts(30_000_000, 3_600)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn dispense_prescribed(p: u32, h: u32, n: u32, ) -> Weight {
		Weight::from_parts(400_000_000, 40_000)
			.saturating_add(Weight::from_parts(2_000_000, 0).saturating_mul(p.into()))
			.saturating_add(Weight::from_parts(1_000_000, 85).saturating_mul(h.into()))
			.saturating_add(Weight::from_parts(1_000_000, 32).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(16_u64))
			.saturating_add(RocksDbWeight::get().writes(12_u64))
	}
}
