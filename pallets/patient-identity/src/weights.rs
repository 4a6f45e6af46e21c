//! Weights for `pallet_patient_identity`.
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

/// Weight functions needed for `pallet_patient_identity`.
pub trait WeightInfo {
	fn register_patient() -> Weight;
	fn onboard_patient() -> Weight;
	fn attest_patient() -> Weight;
	fn rotate_commitment() -> Weight;
	fn deregister() -> Weight;
}

/// Weights for `pallet_patient_identity` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `PatientIdentity::Tombstones` (r:1 w:0)
	/// Storage: `PatientIdentity::Patients` (r:1 w:1)
	/// Storage: `PatientIdentity::PatientCount` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	fn register_patient() -> Weight {
		Weight::from_parts(16_000_000, 3_900)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Consortium::Organizations` (r:2 w:0)
	/// Storage: `Consortium::StaffOf` (r:1 w:0)
	/// Storage: `PatientIdentity::Tombstones` (r:1 w:0)
	/// Storage: `PatientIdentity::Patients` (r:1 w:1)
	/// Storage: `PatientIdentity::PatientCount` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	fn onboard_patient() -> Weight {
		Weight::from_parts(24_000_000, 3_900)
			.saturating_add(T::DbWeight::get().reads(7_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Consortium::Organizations` (r:2 w:0)
	/// Storage: `Consortium::StaffOf` (r:1 w:0)
	/// Storage: `PatientIdentity::Tombstones` (r:1 w:0)
	/// Storage: `PatientIdentity::Patients` (r:1 w:1)
	fn attest_patient() -> Weight {
		Weight::from_parts(22_000_000, 3_900)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `PatientIdentity::Tombstones` (r:1 w:0)
	/// Storage: `PatientIdentity::Patients` (r:2 w:1)
	/// Storage: `PatientIdentity::FreeCalls` (r:1 w:1)
	fn rotate_commitment() -> Weight {
		Weight::from_parts(17_000_000, 3_900)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `PatientIdentity::Tombstones` (r:1 w:1)
	/// Storage: `PatientIdentity::Patients` (r:1 w:1)
	/// Storage: `PatientIdentity::FreeCalls` (r:0 w:1)
	/// Storage: `PatientIdentity::PatientCount` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	fn deregister() -> Weight {
		Weight::from_parts(20_000_000, 3_900)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn register_patient() -> Weight {
		Weight::from_parts(16_000_000, 3_900)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn onboard_patient() -> Weight {
		Weight::from_parts(24_000_000, 3_900)
			.saturating_add(RocksDbWeight::get().reads(7_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn attest_patient() -> Weight {
		Weight::from_parts(22_000_000, 3_900)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn rotate_commitment() -> Weight {
		Weight::from_parts(17_000_000, 3_900)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn deregister() -> Weight {
		Weight::from_parts(20_000_000, 3_900)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
}
