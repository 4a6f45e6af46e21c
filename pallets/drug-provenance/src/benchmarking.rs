//! Benchmarks of the drug-provenance pallet (v2 syntax), each set up in its worst case.
//!
//! - `register_product`: signed by Manufacturer staff, the manufacturer's product list one
//!   below `MaxProductsPerManufacturer`.
//! - `commission_batch`: a lot of `MaxLotLen` characters and `MaxQuantity` units (the
//!   weight does not depend on the quantity: the tree is never built on chain).
//! - `ship`: to a new holder, the holder list one below `MaxHoldersPerBatch` (the push fills
//!   it), the history full (an entry is dropped and the rest shifted).
//! - `receive`, `cancel_shipment`: a party's custody becomes empty (removed from a full
//!   holder list), the history full.
//! - `dispense`: a batch of `MaxQuantity` units and its longest proof (leaf 0:
//!   `ceil(log2(MaxQuantity))` siblings), the pharmacy's custody becoming empty in a full
//!   holder list, the history full and its last entry not a run of this pharmacy.
//! - `report_suspect`: a `DoubleDispense` claim (the dispensed serial is read) on a batch
//!   whose report list is full (the oldest is dropped and the rest shifted).
//! - `recall_batch`: `MaxHoldersPerBatch` holders listed in the event, the history full.

use super::*;
use crate::Pallet as DrugProvenance;
use frame_benchmarking::v2::*;
use frame_support::BoundedVec;
use frame_system::RawOrigin;
use pallet_consortium::Roles;

/// A GS1 example GTIN with a valid check digit.
const GTIN: &[u8; 14] = b"09506000134352";

/// An active organization holding `role`, with one staff account.
fn organization<T: Config>(
	name: &'static str,
	index: u32,
	role: Role,
) -> (T::AccountId, T::AccountId) {
	let org: T::AccountId = account(name, index, 0);
	let staff: T::AccountId = account(name, index, 1);
	T::Roles::register_for_benchmarks(&org, Roles::only(role), core::slice::from_ref(&staff));
	(org, staff)
}

/// The GTIN-14 with body `n` (13 digits, zero-padded) and its check digit.
fn numbered_gtin(n: u64) -> GtinInput {
	let mut digits = [b'0'; 14];
	let mut rest = n;
	for digit in digits.iter_mut().take(13).rev() {
		*digit = b'0'.saturating_add((rest % 10) as u8);
		rest /= 10;
	}
	let check = Gtin::check_digit(&digits[..13]).unwrap_or_default();
	digits[13] = b'0'.saturating_add(check);
	BoundedVec::truncate_from(digits.to_vec())
}

/// The expiry `YYMMDD` five years after the current block time (never expired).
fn future_expiry<T: Config>() -> ExpiryInput {
	let year = year_from_days(DrugProvenance::<T>::now() / MS_PER_DAY).saturating_add(5);
	let date = ExpiryDate { year: year as u16, month: 12, day: 31 };
	BoundedVec::truncate_from(date.to_yymmdd().to_vec())
}

/// A lot of `MaxLotLen` characters.
fn longest_lot<T: Config>() -> LotOf<T> {
	BoundedVec::truncate_from(alloc::vec![b'L'; T::MaxLotLen::get() as usize])
}

/// A serial of `MaxSerialLen` characters.
fn longest_serial<T: Config>() -> SerialOf<T> {
	BoundedVec::truncate_from(alloc::vec![b'S'; T::MaxSerialLen::get() as usize])
}

/// A Manufacturer with the benchmark product registered and a batch of `quantity` units
/// commissioned with `serials_root`; returns (manufacturer, its staff, batch id).
fn batch<T: Config>(quantity: u32, serials_root: H256) -> (T::AccountId, T::AccountId, BatchId) {
	let (maker, staff) = organization::<T>("maker", 0, Role::Manufacturer);
	let gtin: GtinInput = BoundedVec::truncate_from(GTIN.to_vec());
	DrugProvenance::<T>::register_product(
		RawOrigin::Signed(staff.clone()).into(),
		gtin.clone(),
		H256::repeat_byte(1),
	)
	.expect("product registered");
	let batch_id = NextBatchId::<T>::get();
	DrugProvenance::<T>::commission_batch(
		RawOrigin::Signed(staff.clone()).into(),
		gtin,
		longest_lot::<T>(),
		future_expiry::<T>(),
		quantity,
		serials_root,
	)
	.expect("batch commissioned");
	(maker, staff, batch_id)
}

/// Ship `quantity` units of `batch_id` from `staff`'s organization to `to`; returns the
/// shipment id.
fn ship_to<T: Config>(
	staff: &T::AccountId,
	batch_id: BatchId,
	to: &T::AccountId,
	quantity: u32,
) -> ShipmentId {
	let shipment_id = NextShipmentId::<T>::get();
	DrugProvenance::<T>::ship(
		RawOrigin::Signed(staff.clone()).into(),
		batch_id,
		to.clone(),
		quantity,
	)
	.expect("shipped");
	shipment_id
}

/// Ship one unit from `staff`'s organization to each of `count` new distributors, so that
/// the batch has `count` more holders (pending shipments); returns the distributors.
fn crowd<T: Config>(staff: &T::AccountId, batch_id: BatchId, count: u32) -> Vec<T::AccountId> {
	(0..count)
		.map(|i| {
			let (distributor, _) = organization::<T>("crowd", i, Role::Distributor);
			ship_to::<T>(staff, batch_id, &distributor, 1);
			distributor
		})
		.collect()
}

/// Fill the batch's history without changing anyone's custody: ship one unit from `staff`'s
/// organization to a filler distributor and cancel it, until the history is full.
fn fill_history<T: Config>(staff: &T::AccountId, batch_id: BatchId) {
	let (filler, _) = organization::<T>("filler", 0, Role::Distributor);
	while !BatchHistory::<T>::get(batch_id).is_full() {
		let shipment_id = ship_to::<T>(staff, batch_id, &filler, 1);
		DrugProvenance::<T>::cancel_shipment(RawOrigin::Signed(staff.clone()).into(), shipment_id)
			.expect("cancelled");
	}
}

/// Ship `quantity` units from `staff`'s organization to `to` and receive them with
/// `to_staff`.
fn hand_over<T: Config>(
	staff: &T::AccountId,
	batch_id: BatchId,
	to: &T::AccountId,
	to_staff: &T::AccountId,
	quantity: u32,
) {
	let shipment_id = ship_to::<T>(staff, batch_id, to, quantity);
	DrugProvenance::<T>::receive(RawOrigin::Signed(to_staff.clone()).into(), shipment_id)
		.expect("received");
}

/// The root of a tree of `leaf_count` leaves whose leaf 0 is `serial` and whose other nodes
/// are `siblings` (bottom up): at index 0 the node is always the left child.
fn root_from_leaf_zero(serial: &[u8], siblings: &[H256]) -> H256 {
	siblings.iter().fold(serial_hash(serial), |acc, sibling| {
		H256(sp_io::hashing::blake2_256(&[acc.as_bytes(), sibling.as_bytes()].concat()))
	})
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_product() {
		let (maker, staff) = organization::<T>("maker", 0, Role::Manufacturer);
		for n in 1..T::MaxProductsPerManufacturer::get() {
			DrugProvenance::<T>::register_product(
				RawOrigin::Signed(staff.clone()).into(),
				numbered_gtin(u64::from(n)),
				H256::repeat_byte(1),
			)
			.expect("product registered");
		}
		let gtin = numbered_gtin(0);

		#[extrinsic_call]
		_(RawOrigin::Signed(staff), gtin, H256::repeat_byte(2));

		assert_eq!(ProductsOf::<T>::get(&maker).len() as u32, T::MaxProductsPerManufacturer::get());
	}

	#[benchmark]
	fn commission_batch() {
		let (_, staff) = organization::<T>("maker", 0, Role::Manufacturer);
		let gtin: GtinInput = BoundedVec::truncate_from(GTIN.to_vec());
		DrugProvenance::<T>::register_product(
			RawOrigin::Signed(staff.clone()).into(),
			gtin.clone(),
			H256::repeat_byte(1),
		)
		.expect("product registered");
		let batch_id = NextBatchId::<T>::get();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(staff),
			gtin,
			longest_lot::<T>(),
			future_expiry::<T>(),
			T::MaxQuantity::get(),
			H256::repeat_byte(3),
		);

		assert!(Batches::<T>::contains_key(batch_id));
	}

	#[benchmark]
	fn ship() {
		let (_, staff, batch_id) = batch::<T>(T::MaxQuantity::get(), H256::repeat_byte(3));
		fill_history::<T>(&staff, batch_id);
		crowd::<T>(&staff, batch_id, T::MaxHoldersPerBatch::get().saturating_sub(2));
		let (to, _) = organization::<T>("recipient", 0, Role::Distributor);

		#[extrinsic_call]
		_(RawOrigin::Signed(staff), batch_id, to.clone(), 1);

		assert!(Holdings::<T>::get(batch_id, &to).is_some_and(|c| c.incoming == 1));
	}

	#[benchmark]
	fn receive() {
		let (_, staff, batch_id) = batch::<T>(T::MaxQuantity::get(), H256::repeat_byte(3));
		let (first, first_staff) = organization::<T>("first", 0, Role::Distributor);
		let (second, second_staff) = organization::<T>("second", 0, Role::Distributor);
		hand_over::<T>(&staff, batch_id, &first, &first_staff, 1);
		fill_history::<T>(&staff, batch_id);
		crowd::<T>(&staff, batch_id, T::MaxHoldersPerBatch::get().saturating_sub(3));
		// `first` ships everything it holds (the list is then full): once received, its
		// custody is empty and it leaves the list.
		let shipment_id = ship_to::<T>(&first_staff, batch_id, &second, 1);

		#[extrinsic_call]
		_(RawOrigin::Signed(second_staff), shipment_id);

		assert!(!Holdings::<T>::contains_key(batch_id, &first));
	}

	#[benchmark]
	fn cancel_shipment() {
		let (_, staff, batch_id) = batch::<T>(T::MaxQuantity::get(), H256::repeat_byte(3));
		fill_history::<T>(&staff, batch_id);
		crowd::<T>(&staff, batch_id, T::MaxHoldersPerBatch::get().saturating_sub(2));
		let (to, _) = organization::<T>("recipient", 0, Role::Distributor);
		// The new recipient fills the holder list; the cancel empties its custody.
		let shipment_id = ship_to::<T>(&staff, batch_id, &to, 1);

		#[extrinsic_call]
		_(RawOrigin::Signed(staff), shipment_id);

		assert!(!Holdings::<T>::contains_key(batch_id, &to));
	}

	#[benchmark]
	fn dispense() {
		let quantity = T::MaxQuantity::get();
		let serial = longest_serial::<T>();
		let siblings: Vec<H256> = (0..expected_proof_len(quantity, 0))
			.map(|i| H256::repeat_byte((i % 250) as u8 + 1))
			.collect();
		let root = root_from_leaf_zero(&serial, &siblings);
		let (_, staff, batch_id) = batch::<T>(quantity, root);
		let (pharmacy, pharmacist) = organization::<T>("pharmacy", 0, Role::Pharmacy);
		hand_over::<T>(&staff, batch_id, &pharmacy, &pharmacist, 1);
		fill_history::<T>(&staff, batch_id);
		crowd::<T>(&staff, batch_id, T::MaxHoldersPerBatch::get().saturating_sub(2));
		let proof = SerialProof {
			leaf_index: 0,
			leaf_count: quantity,
			siblings: BoundedVec::truncate_from(siblings),
		};

		#[extrinsic_call]
		_(RawOrigin::Signed(pharmacist), batch_id, serial.clone(), proof);

		assert!(Dispensed::<T>::contains_key(batch_id, serial_hash(&serial)));
		assert!(!Holdings::<T>::contains_key(batch_id, &pharmacy));
	}

	#[benchmark]
	fn report_suspect() {
		let serial = longest_serial::<T>();
		let (_, staff, batch_id) = batch::<T>(1, serial_hash(&serial));
		let (pharmacy, pharmacist) = organization::<T>("pharmacy", 0, Role::Pharmacy);
		hand_over::<T>(&staff, batch_id, &pharmacy, &pharmacist, 1);
		let proof = SerialProof { leaf_index: 0, leaf_count: 1, siblings: BoundedVec::new() };
		DrugProvenance::<T>::dispense(
			RawOrigin::Signed(pharmacist.clone()).into(),
			batch_id,
			serial.clone(),
			proof,
		)
		.expect("dispensed");
		for _ in 0..T::MaxSuspectReportsPerBatch::get() {
			DrugProvenance::<T>::report_suspect(
				RawOrigin::Signed(pharmacist.clone()).into(),
				batch_id,
				serial.clone(),
				SuspectReason::DamagedOrTampered,
			)
			.expect("reported");
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(pharmacist), batch_id, serial, SuspectReason::DoubleDispense);

		assert_eq!(
			SuspectReports::<T>::get(batch_id).last().map(|r| r.reason),
			Some(SuspectReason::DoubleDispense)
		);
	}

	#[benchmark]
	fn recall_batch() {
		let (_, staff, batch_id) = batch::<T>(T::MaxQuantity::get(), H256::repeat_byte(3));
		fill_history::<T>(&staff, batch_id);
		crowd::<T>(&staff, batch_id, T::MaxHoldersPerBatch::get().saturating_sub(1));
		let (_, inspector) = organization::<T>("regulator", 0, Role::Regulator);

		#[extrinsic_call]
		_(RawOrigin::Signed(inspector), batch_id, 7);

		assert!(Batches::<T>::get(batch_id).is_some_and(|b| b.is_recalled()));
		assert_eq!(BatchHolders::<T>::get(batch_id).len() as u32, T::MaxHoldersPerBatch::get());
	}

	impl_benchmark_test_suite!(
		DrugProvenance,
		crate::mock::ExtBuilder::empty().build(),
		crate::mock::Test
	);
}
