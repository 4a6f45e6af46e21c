//! Weights for `pallet_clinical_trials`.
//!
//! STATUS: provisional. These numbers were NOT produced by the benchmark CLI yet; they are
//! estimates (storage reads/writes counted per call in its worst case, execution time by
//! analogy with comparable FRAME calls). Regenerate them from `benchmarking.rs` with
//! `scripts/benchmark.sh` (node built with `--features runtime-benchmarks`) before any
//! production launch; the file layout is the CLI's, so the output replaces this file as is.
//!
//! The worst cases assume `MaxRegistryIdLen = 32`, `MaxOutcomes = 32` (duplicate checks and
//! outcome comparisons are quadratic in it), `MaxAmendments = 32` (a full protocol history is
//! read and written), `MaxSites = 64`, `MaxFlags = 16` and the consent pallet's
//! `MaxConsentsPerPatient = 64` (the Research consent found last in a full list). Proof sizes
//! are dominated by the trial record (about 3.5 KiB at these bounds) and the protocol history
//! (about 36 KiB).

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_clinical_trials`.
pub trait WeightInfo {
	fn register_trial() -> Weight;
	fn amend_protocol() -> Weight;
	fn add_site() -> Weight;
	fn enroll_participant() -> Weight;
	fn commit_data() -> Weight;
	fn lock_database() -> Weight;
	fn publish_results() -> Weight;
	fn flag_trial() -> Weight;
}

/// Weights for `pallet_clinical_trials` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Consortium::StaffOf` (r:1 w:0)
	/// Storage: `Consortium::Organizations` (r:2 w:0)
	/// Storage: `ClinicalTrials::TrialByRegistryId` (r:1 w:1)
	/// Storage: `ClinicalTrials::NextTrialId` (r:1 w:1)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Storage: `ClinicalTrials::Trials` (r:0 w:1)
	/// Storage: `ClinicalTrials::ProtocolVersions` (r:0 w:1)
	fn register_trial() -> Weight {
		Weight::from_parts(45_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Consortium::StaffOf` (r:1 w:0)
	/// Storage: `Consortium::Organizations` (r:1 w:0)
	/// Storage: `ClinicalTrials::Trials` (r:1 w:1)
	/// Storage: `ClinicalTrials::ProtocolVersions` (r:1 w:1)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	fn amend_protocol() -> Weight {
		Weight::from_parts(60_000_000, 42_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Consortium::StaffOf` (r:1 w:0)
	/// Storage: `Consortium::Organizations` (r:2 w:0)
	/// Storage: `ClinicalTrials::Trials` (r:1 w:0)
	/// Storage: `ClinicalTrials::Sites` (r:1 w:1)
	fn add_site() -> Weight {
		Weight::from_parts(30_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Consortium::StaffOf` (r:2 w:0)
	/// Storage: `Consortium::Organizations` (r:3 w:0)
	/// Storage: `ClinicalTrials::Trials` (r:1 w:1)
	/// Storage: `ClinicalTrials::Sites` (r:1 w:0)
	/// Storage: `PatientIdentity` (r:2 w:0)
	/// Storage: `Timestamp::Now` (r:2 w:0)
	/// Storage: `Consent::ConsentsOf` (r:1 w:0)
	/// Storage: `Consent::Consents` (r:64 w:0)
	/// Storage: `ClinicalTrials::Participants` (r:1 w:1)
	/// Storage: `ClinicalTrials::EnrolledPatients` (r:1 w:1)
	fn enroll_participant() -> Weight {
		Weight::from_parts(120_000_000, 22_000)
			.saturating_add(T::DbWeight::get().reads(78_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Consortium::StaffOf` (r:1 w:0)
	/// Storage: `Consortium::Organizations` (r:1 w:0)
	/// Storage: `ClinicalTrials::Trials` (r:1 w:1)
	/// Storage: `ClinicalTrials::Sites` (r:1 w:0)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Storage: `ClinicalTrials::DataCommits` (r:0 w:1)
	fn commit_data() -> Weight {
		Weight::from_parts(40_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Consortium::StaffOf` (r:1 w:0)
	/// Storage: `Consortium::Organizations` (r:1 w:0)
	/// Storage: `ClinicalTrials::Trials` (r:1 w:1)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	fn lock_database() -> Weight {
		Weight::from_parts(25_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Consortium::StaffOf` (r:1 w:0)
	/// Storage: `Consortium::Organizations` (r:1 w:0)
	/// Storage: `ClinicalTrials::Trials` (r:1 w:1)
	/// Storage: `ClinicalTrials::ProtocolVersions` (r:1 w:0)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Storage: `ClinicalTrials::OutcomeSwitchedTrials` (r:0 w:1)
	fn publish_results() -> Weight {
		Weight::from_parts(90_000_000, 42_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Consortium::StaffOf` (r:1 w:0)
	/// Storage: `Consortium::Organizations` (r:1 w:0)
	/// Storage: `ClinicalTrials::Trials` (r:1 w:0)
	/// Storage: `ClinicalTrials::Flags` (r:1 w:1)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	fn flag_trial() -> Weight {
		Weight::from_parts(25_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn register_trial() -> Weight {
		Weight::from_parts(45_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn amend_protocol() -> Weight {
		Weight::from_parts(60_000_000, 42_000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn add_site() -> Weight {
		Weight::from_parts(30_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn enroll_participant() -> Weight {
		Weight::from_parts(120_000_000, 22_000)
			.saturating_add(RocksDbWeight::get().reads(78_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn commit_data() -> Weight {
		Weight::from_parts(40_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn lock_database() -> Weight {
		Weight::from_parts(25_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn publish_results() -> Weight {
		Weight::from_parts(90_000_000, 42_000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn flag_trial() -> Weight {
		Weight::from_parts(25_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
}
