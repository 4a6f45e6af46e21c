//! Weights for `pallet_drug_provenance`.
//!
//! STATUS: provisional. These numbers were NOT produced by the benchmark CLI yet; they are
//! estimates (storage reads/writes counted per call in its worst case, execution time by
//! analogy with comparable FRAME calls). Regenerate them from `benchmarking.rs` with
//! `scripts/benchmark.sh` (node built with `--features runtime-benchmarks`) before any
//! production launch; the file layout is the CLI's, so the output replaces this file as is.
//!
//! The worst cases assume `MaxHoldersPerBatch = 64`, `MaxHistoryPerBatch = 256` (a full
//! history shifted by one), `MaxProofLen = 32`, `MaxSuspectReportsPerBatch = 128` and
//! `MaxProductsPerManufacturer = 1024`.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_drug_provenance`.
pub trait WeightInfo {
	fn register_product() -> Weight;
	fn commission_batch() -> Weight;
	fn ship() -> Weight;
	fn receive() -> Weight;
	fn cancel_shipment() -> Weight;
	fn dispense() -> Weight;
	fn report_suspect() -> Weight;
	fn recall_batch() -> Weight;
}

/// Weights for `pallet_drug_provenance` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Consortium::StaffOf` (r:1 w:0)
	/// Storage: `Consortium::Organizations` (r:2 w:0)
	/// Storage: `DrugProvenance::Products` (r:1 w:1)
	/// Storage: `DrugProvenance::ProductsOf` (r:1 w:1)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	fn register_product() -> Weight {
		Weight::from_parts(50_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Consortium::StaffOf` (r:1 w:0)
	/// Storage: `Consortium::Organizations` (r:2 w:0)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Storage: `DrugProvenance::Products` (r:1 w:0)
	/// Storage: `DrugProvenance::BatchOf` (r:1 w:1)
	/// Storage: `DrugProvenance::NextBatchId` (r:1 w:1)
	/// Storage: `DrugProvenance::Batches` (r:0 w:1)
	/// Storage: `DrugProvenance::Holdings` (r:0 w:1)
	/// Storage: `DrugProvenance::BatchHolders` (r:0 w:1)
	/// Storage: `DrugProvenance::BatchHistory` (r:0 w:1)
	fn commission_batch() -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(7_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `Consortium::StaffOf` (r:2 w:0)
	/// Storage: `Consortium::Organizations` (r:5 w:0)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Storage: `DrugProvenance::Batches` (r:1 w:1)
	/// Storage: `DrugProvenance::Holdings` (r:2 w:2)
	/// Storage: `DrugProvenance::BatchHolders` (r:1 w:1)
	/// Storage: `DrugProvenance::NextShipmentId` (r:1 w:1)
	/// Storage: `DrugProvenance::Shipments` (r:0 w:1)
	/// Storage: `DrugProvenance::BatchHistory` (r:1 w:1)
	fn ship() -> Weight {
		Weight::from_parts(90_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(13_u64))
			.saturating_add(T::DbWeight::get().writes(7_u64))
	}
	/// Storage: `Consortium::StaffOf` (r:1 w:0)
	/// Storage: `Consortium::Organizations` (r:2 w:0)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Storage: `DrugProvenance::Shipments` (r:1 w:1)
	/// Storage: `DrugProvenance::Batches` (r:1 w:1)
	/// Storage: `DrugProvenance::Holdings` (r:2 w:2)
	/// Storage: `DrugProvenance::BatchHolders` (r:2 w:1)
	/// Storage: `DrugProvenance::BatchHistory` (r:1 w:1)
	fn receive() -> Weight {
		Weight::from_parts(80_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(11_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `Consortium::StaffOf` (r:1 w:0)
	/// Storage: `Consortium::Organizations` (r:2 w:0)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Storage: `DrugProvenance::Shipments` (r:1 w:1)
	/// Storage: `DrugProvenance::Batches` (r:1 w:1)
	/// Storage: `DrugProvenance::Holdings` (r:2 w:2)
	/// Storage: `DrugProvenance::BatchHolders` (r:2 w:1)
	/// Storage: `DrugProvenance::BatchHistory` (r:1 w:1)
	fn cancel_shipment() -> Weight {
		Weight::from_parts(80_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(11_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `Consortium::StaffOf` (r:1 w:0)
	/// Storage: `Consortium::Organizations` (r:2 w:0)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Storage: `DrugProvenance::Batches` (r:1 w:1)
	/// Storage: `DrugProvenance::Holdings` (r:1 w:1)
	/// Storage: `DrugProvenance::Dispensed` (r:1 w:1)
	/// Storage: `DrugProvenance::BatchHolders` (r:1 w:1)
	/// Storage: `DrugProvenance::BatchHistory` (r:1 w:1)
	/// Plus `MaxProofLen` + 1 blake2-256 hashes of the proof.
	fn dispense() -> Weight {
		Weight::from_parts(110_000_000, 22_000)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `Consortium::StaffOf` (r:1 w:0)
	/// Storage: `Consortium::Organizations` (r:2 w:0)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Storage: `DrugProvenance::Batches` (r:1 w:1)
	/// Storage: `DrugProvenance::Dispensed` (r:1 w:0)
	/// Storage: `DrugProvenance::SuspectReports` (r:1 w:1)
	fn report_suspect() -> Weight {
		Weight::from_parts(60_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Consortium::StaffOf` (r:1 w:0)
	/// Storage: `Consortium::Organizations` (r:2 w:0)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Storage: `DrugProvenance::Batches` (r:1 w:1)
	/// Storage: `DrugProvenance::BatchHolders` (r:1 w:0)
	/// Storage: `DrugProvenance::Holdings` (r:64 w:0)
	/// Storage: `DrugProvenance::BatchHistory` (r:1 w:1)
	fn recall_batch() -> Weight {
		Weight::from_parts(120_000_000, 30_000)
			.saturating_add(T::DbWeight::get().reads(71_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn register_product() -> Weight {
		Weight::from_parts(50_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn commission_batch() -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(7_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	fn ship() -> Weight {
		Weight::from_parts(90_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(13_u64))
			.saturating_add(RocksDbWeight::get().writes(7_u64))
	}
	fn receive() -> Weight {
		Weight::from_parts(80_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(11_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	fn cancel_shipment() -> Weight {
		Weight::from_parts(80_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(11_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	fn dispense() -> Weight {
		Weight::from_parts(110_000_000, 22_000)
			.saturating_add(RocksDbWeight::get().reads(8_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	fn report_suspect() -> Weight {
		Weight::from_parts(60_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn recall_batch() -> Weight {
		Weight::from_parts(120_000_000, 30_000)
			.saturating_add(RocksDbWeight::get().reads(71_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
}
