//! Weights for `pallet_health_records`.
//!
//! STATUS: provisional. These numbers were NOT produced by the benchmark CLI yet; they are
//! estimates (storage reads/writes counted per call in its worst case, execution time by
//! analogy with comparable FRAME calls). Regenerate them from `benchmarking.rs` with
//! `scripts/benchmark.sh` (node built with `--features runtime-benchmarks`) before any
//! production launch; the file layout is the CLI's, so the output replaces this file as is.
//!
//! The worst cases assume the consent pallet's `MaxConsentsPerPatient = 64` (the write
//! consent found last in a full list), `MaxLocatorLen = 128` and a superseded previous
//! version for `anchor_record`.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_health_records`.
pub trait WeightInfo {
	fn anchor_record() -> Weight;
	fn anchor_batch() -> Weight;
	fn seal_record() -> Weight;
}

/// Weights for `pallet_health_records` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Consortium::StaffOf` (r:2 w:0)
	/// Storage: `Consortium::Organizations` (r:3 w:0)
	/// Storage: `PatientIdentity` (r:3 w:0)
	/// Storage: `Timestamp::Now` (r:2 w:0)
	/// Storage: `Consent::ConsentsOf` (r:1 w:0)
	/// Storage: `Consent::Consents` (r:64 w:0)
	/// Storage: `HealthRecords::Records` (r:2 w:2)
	/// Storage: `HealthRecords::RecordCount` (r:1 w:1)
	/// Storage: `HealthRecords::RecordNonce` (r:1 w:1)
	/// Storage: `HealthRecords::PatientRecords` (r:0 w:1)
	fn anchor_record() -> Weight {
		Weight::from_parts(110_000_000, 17_000)
			.saturating_add(T::DbWeight::get().reads(79_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `Consortium::StaffOf` (r:2 w:0)
	/// Storage: `Consortium::Organizations` (r:3 w:0)
	/// Storage: `PatientIdentity` (r:3 w:0)
	/// Storage: `Timestamp::Now` (r:2 w:0)
	/// Storage: `Consent::ConsentsOf` (r:1 w:0)
	/// Storage: `Consent::Consents` (r:64 w:0)
	/// Storage: `HealthRecords::NextBatchId` (r:1 w:1)
	/// Storage: `HealthRecords::Batches` (r:0 w:1)
	fn anchor_batch() -> Weight {
		Weight::from_parts(95_000_000, 16_000)
			.saturating_add(T::DbWeight::get().reads(76_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `HealthRecords::Records` (r:1 w:1)
	/// Storage: `PatientIdentity` (r:1 w:1)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	fn seal_record() -> Weight {
		Weight::from_parts(20_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn anchor_record() -> Weight {
		Weight::from_parts(110_000_000, 17_000)
			.saturating_add(RocksDbWeight::get().reads(79_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	fn anchor_batch() -> Weight {
		Weight::from_parts(95_000_000, 16_000)
			.saturating_add(RocksDbWeight::get().reads(76_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn seal_record() -> Weight {
		Weight::from_parts(20_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
}
