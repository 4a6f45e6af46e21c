//! Weights for `pallet_consent`.
//!
//! STATUS: provisional. These numbers were NOT produced by the benchmark CLI yet; they are
//! estimates (storage reads/writes counted per call in its worst case, execution time by
//! analogy with comparable FRAME calls). Regenerate them from `benchmarking.rs` with
//! `scripts/benchmark.sh` (node built with `--features runtime-benchmarks`) before any
//! production launch; the file layout is the CLI's, so the output replaces this file as is.
//!
//! The worst cases assume `MaxConsentsPerPatient = 64` (a full list whose only prunable
//! consent is the newest) and `MaxAccessLogEntries = 128` (a full ring buffer).

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_consent`.
pub trait WeightInfo {
	fn grant_consent() -> Weight;
	fn revoke_consent() -> Weight;
	fn break_glass() -> Weight;
	fn log_access() -> Weight;
}

/// Weights for `pallet_consent` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `PatientIdentity` (r:2 w:1)
	/// Storage: `Consortium::Organizations` (r:2 w:0)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Storage: `Consent::NextConsentId` (r:1 w:1)
	/// Storage: `Consent::ConsentsOf` (r:1 w:1)
	/// Storage: `Consent::Consents` (r:64 w:2)
	fn grant_consent() -> Weight {
		Weight::from_parts(95_000_000, 16_000)
			.saturating_add(T::DbWeight::get().reads(71_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `PatientIdentity` (r:1 w:1)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Storage: `Consent::Consents` (r:1 w:1)
	fn revoke_consent() -> Weight {
		Weight::from_parts(18_000_000, 3_800)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Consortium::StaffOf` (r:1 w:0)
	/// Storage: `Consortium::Organizations` (r:1 w:0)
	/// Storage: `PatientIdentity` (r:2 w:0)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Storage: `Consent::NextConsentId` (r:1 w:1)
	/// Storage: `Consent::ConsentsOf` (r:1 w:1)
	/// Storage: `Consent::Consents` (r:64 w:2)
	/// Storage: `Consent::BreakGlassUses` (r:1 w:1)
	fn break_glass() -> Weight {
		Weight::from_parts(97_000_000, 16_000)
			.saturating_add(T::DbWeight::get().reads(72_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `Consent::Consents` (r:1 w:0)
	/// Storage: `Consortium::StaffOf` (r:1 w:0)
	/// Storage: `Consortium::Organizations` (r:1 w:0)
	/// Storage: `PatientIdentity` (r:1 w:0)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Storage: `Consent::AccessLog` (r:1 w:1)
	fn log_access() -> Weight {
		Weight::from_parts(45_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn grant_consent() -> Weight {
		Weight::from_parts(95_000_000, 16_000)
			.saturating_add(RocksDbWeight::get().reads(71_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	fn revoke_consent() -> Weight {
		Weight::from_parts(18_000_000, 3_800)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn break_glass() -> Weight {
		Weight::from_parts(97_000_000, 16_000)
			.saturating_add(RocksDbWeight::get().reads(72_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	fn log_access() -> Weight {
		Weight::from_parts(45_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
}
