//! Weights for `pallet_prescriptions`.
//!
//! NOT BENCHMARKED YET: these are estimates written by hand from the storage each call
//! touches (listed per function) and the cost of its signature checks (at most four sr25519
//! verifications, a raw and a `<Bytes>`-wrapped attempt for each of two signatures, at
//! ~60 µs each on the 2-core development machine), with a margin. The dispense itself is
//! weighed by the drug-provenance pallet's benchmarked `dispense`, which
//! `dispense_prescribed` adds to `prescription_checks`. Replace with `scripts/benchmark.sh`
//! output once the pallet has its benchmarks.

#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight functions needed for `pallet_prescriptions`.
pub trait WeightInfo {
	fn set_prescription_only() -> Weight;
	fn prescription_checks() -> Weight;
	fn prescription_rule_read() -> Weight;
}

/// Weights for `pallet_prescriptions` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `DrugProvenance::Products` (r:1 w:0), `Prescriptions::PrescriptionOnly`
	/// (r:0 w:1).
	fn set_prescription_only() -> Weight {
		Weight::from_parts(30_000_000, 3_600)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage: `Prescriptions::Prescriptions` (r:1 w:1), `Prescriptions::Fills` (r:1 w:1,
	/// at most 144 units of 81 bytes), `Prescriptions::HolderPrescriptions` (r:1 w:1),
	/// `Consortium::Organizations` (r:1), `Consortium::StaffOf` (r:1),
	/// `DrugProvenance::Batches` (r:1), `Prescriptions::BatchHolderUnits` (r:1 w:1),
	/// `Prescriptions::BatchHolderCount` (r:1 w:1); four sr25519 verifications.
	fn prescription_checks() -> Weight {
		Weight::from_parts(300_000_000, 24_000)
			.saturating_add(T::DbWeight::get().reads(8))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	/// Storage: `Prescriptions::PrescriptionOnly` (r:1), read by a plain `dispense`.
	fn prescription_rule_read() -> Weight {
		Weight::from_parts(0, 2_550).saturating_add(T::DbWeight::get().reads(1))
	}
}

// For tests.
impl WeightInfo for () {
	fn set_prescription_only() -> Weight {
		Weight::from_parts(30_000_000, 3_600)
	}
	fn prescription_checks() -> Weight {
		Weight::from_parts(300_000_000, 24_000)
	}
	fn prescription_rule_read() -> Weight {
		Weight::from_parts(0, 2_550)
	}
}
