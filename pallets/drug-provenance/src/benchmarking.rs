//! Benchmarks of the drug-provenance pallet (v2 syntax), each set up in its worst case. The
//! set-up helpers are public for the benchmarks of pallets built on this one (prescriptions).
//!
//! - `register_product`: signed by Manufacturer staff, the GTIN's company prefix the longest
//!   one (12 digits: all 7 prefix lengths are looked up), the manufacturer's product list one
//!   below `MaxProductsPerManufacturer`.
//! - `commission_batch`: a lot of `MAX_LOT_LEN` characters and `MaxQuantity` units (the
//!   weight does not depend on the quantity: the tree is never built on chain).
//! - `ship(h, n)`: to a new holder, the holder list one below `n` (the push makes it `n`
//!   long), the history `h` entries long (at `MaxHistoryPerBatch` an entry is dropped and
//!   the rest shifted).
//! - `receive(h, n)`, `cancel_shipment(h, n)`: a party's custody becomes empty (removed from
//!   a holder list of `n`), the history `h` entries long.
//! - `dispense(p, h, n)`: leaf 0 of a batch whose proof has `p` siblings (`2^p` units, or
//!   `MaxQuantity` for the longest proof, `ceil(log2(MaxQuantity))`), the pharmacy's custody
//!   becoming empty in a holder list of `n`, the history `h` entries long and its last entry
//!   not a run of this pharmacy.
//!
//! The components `h` (history entries before the call) and `n` (holders read) are in
//! storage: the calls charge their maxima up front and refund to the actual values. The
//! history and the holder list are padded directly in storage (largest `Shipped` entries,
//! holder accounts without custody: the calls only read, scan and rewrite the lists), and
//! their proof size is measured (`pov_mode`), so that the generated weights follow them.
//! - `report_suspect`: a `DoubleDispense` claim (the dispensed serial is read) by the
//!   product's owner after a reassignment (not a custody party: both relation lookups read),
//!   on a batch whose report list is full with Regulators' reports but for its last entry
//!   (the whole list is scanned for the droppable report, which is dropped).
//! - `recall_batch`: `MaxHoldersPerBatch` holders listed in the event, the history full.
//! - `assign_company_prefix`, `revoke_company_prefix`: a 12-digit prefix (6 shorter
//!   prefixes read and their counters written).
//! - `reassign_product`: the previous owner's product list full, the new owner's one below
//!   `MaxProductsPerManufacturer`.
//! - `reject_shipment(h, n)`: as `cancel_shipment`, signed by the recipient.
//! - `destroy_units(h, n)`: a recalled batch; the holder's custody becomes empty (removed
//!   from a holder list of `n`), the history `h` entries long.

use super::*;
use crate::Pallet as DrugProvenance;
use frame_benchmarking::v2::*;
use frame_support::BoundedVec;
use frame_system::RawOrigin;
use pallet_consortium::Roles;

/// A GTIN with a valid check digit under a company prefix (`812345…`) that no genesis
/// preset assigns: the benchmarks run on the dev chain, whose genesis binds the GS1 example
/// prefix `9506000` to Acme, and prefixes never overlap.
pub const GTIN: &[u8; 14] = b"08123456789014";

/// The 6-digit company prefix of [`GTIN`].
const PREFIX: &[u8] = b"812345";

/// The 12-digit company prefix of [`GTIN`] (the longest possible).
const LONGEST_PREFIX: &[u8] = b"812345678901";

/// Assign the company prefix `digits` to `manufacturer`.
fn assign_prefix<T: Config>(digits: &[u8], manufacturer: &T::AccountId) {
	let prefix = CompanyPrefix::parse(digits).expect("valid prefix");
	DrugProvenance::<T>::do_assign_company_prefix(&prefix, manufacturer).expect("assigned");
}

/// Store `count` products `numbered_gtin(first..)` of `manufacturer` directly (no prefix
/// needed); returns their GTINs.
fn store_products<T: Config>(manufacturer: &T::AccountId, first: u64, count: u32) -> Vec<Gtin> {
	let gtins: Vec<Gtin> = (0..u64::from(count))
		.map(|i| Gtin::parse(&numbered_gtin(first.saturating_add(i))).expect("valid GTIN"))
		.collect();
	let mut list = ProductsOf::<T>::get(manufacturer);
	for gtin in &gtins {
		Products::<T>::insert(
			gtin,
			Product {
				manufacturer: manufacturer.clone(),
				metadata_hash: H256::repeat_byte(1),
				registered_at: 0,
			},
		);
		list.try_push(*gtin).expect("within MaxProductsPerManufacturer");
	}
	ProductsOf::<T>::insert(manufacturer, list);
	gtins
}

/// The governance origin, or `Weightless` if the runtime has none for benchmarks.
pub fn governance<T: Config>() -> Result<T::RuntimeOrigin, BenchmarkError> {
	T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)
}

/// An active organization holding `role`, with one staff account.
pub fn organization<T: Config>(
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

/// A lot of `MAX_LOT_LEN` characters.
fn longest_lot() -> BoundedLot {
	BoundedVec::truncate_from(alloc::vec![b'L'; MAX_LOT_LEN as usize])
}

/// A serial of `MAX_SERIAL_LEN` characters.
pub fn longest_serial() -> BoundedSerial {
	BoundedVec::truncate_from(alloc::vec![b'S'; MAX_SERIAL_LEN as usize])
}

/// A Manufacturer with the benchmark product registered and a batch of `quantity` units
/// commissioned with `serials_root`; returns (manufacturer, its staff, batch id).
pub fn batch<T: Config>(
	quantity: u32,
	serials_root: H256,
) -> (T::AccountId, T::AccountId, BatchId) {
	let (maker, staff) = organization::<T>("maker", 0, Role::Manufacturer);
	assign_prefix::<T>(PREFIX, &maker);
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
		longest_lot(),
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
pub fn hand_over<T: Config>(
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

/// Give the batch's history exactly `len` entries (at least its `Commissioned` one): the
/// `Commissioned` entry followed by `Shipped` entries of the largest encoded size.
pub fn set_history_len<T: Config>(batch_id: BatchId, len: u32) {
	let mut history = BatchHistory::<T>::get(batch_id);
	history.truncate(1);
	let party: T::AccountId = account("history", 0, 0);
	while (history.len() as u32) < len {
		let entry = CustodyEvent::Shipped {
			shipment_id: u64::MAX - history.len() as u64,
			from: party.clone(),
			to: party.clone(),
			quantity: u32::MAX,
			at: Moment::MAX,
		};
		history.try_push(entry).expect("within MaxHistoryPerBatch");
	}
	BatchHistory::<T>::insert(batch_id, history);
}

/// Pad the batch's holder list with holders that have no custody until it holds `len`
/// organizations (the holders already listed stay, first).
pub fn set_holders_len<T: Config>(batch_id: BatchId, len: u32) {
	let mut holders = BatchHolders::<T>::get(batch_id);
	let mut i = 0;
	while (holders.len() as u32) < len {
		holders.try_push(account("holder", i, 0)).expect("within MaxHoldersPerBatch");
		i += 1;
	}
	assert_eq!(holders.len() as u32, len, "the set-up lists at most `len` holders");
	BatchHolders::<T>::insert(batch_id, holders);
}

/// The root of a tree of `leaf_count` leaves whose leaf 0 is `serial` and whose other nodes
/// are `siblings` (bottom up): at index 0 the node is always the left child.
pub fn root_from_leaf_zero(serial: &[u8], siblings: &[H256]) -> H256 {
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
		store_products::<T>(&maker, 1, T::MaxProductsPerManufacturer::get().saturating_sub(1));
		assign_prefix::<T>(LONGEST_PREFIX, &maker);
		let gtin: GtinInput = BoundedVec::truncate_from(GTIN.to_vec());

		#[extrinsic_call]
		_(RawOrigin::Signed(staff), gtin, H256::repeat_byte(2));

		assert_eq!(ProductsOf::<T>::get(&maker).len() as u32, T::MaxProductsPerManufacturer::get());
	}

	#[benchmark]
	fn commission_batch() {
		let (maker, staff) = organization::<T>("maker", 0, Role::Manufacturer);
		assign_prefix::<T>(PREFIX, &maker);
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
			longest_lot(),
			future_expiry::<T>(),
			T::MaxQuantity::get(),
			H256::repeat_byte(3),
		);

		assert!(Batches::<T>::contains_key(batch_id));
	}

	#[benchmark(pov_mode = MaxEncodedLen {
		DrugProvenance::BatchHistory: Measured,
		DrugProvenance::BatchHolders: Measured
	})]
	fn ship(
		h: Linear<1, { T::MaxHistoryPerBatch::get() }>,
		n: Linear<2, { T::MaxHoldersPerBatch::get() }>,
	) {
		let (_, staff, batch_id) = batch::<T>(T::MaxQuantity::get(), H256::repeat_byte(3));
		let (to, _) = organization::<T>("recipient", 0, Role::Distributor);
		// The push to a new recipient makes the list `n` long.
		set_holders_len::<T>(batch_id, n - 1);
		set_history_len::<T>(batch_id, h);

		#[extrinsic_call]
		_(RawOrigin::Signed(staff), batch_id, to.clone(), 1);

		assert!(Holdings::<T>::get(batch_id, &to).is_some_and(|c| c.incoming == 1));
		assert_eq!(BatchHolders::<T>::get(batch_id).len() as u32, n);
	}

	#[benchmark(pov_mode = MaxEncodedLen {
		DrugProvenance::BatchHistory: Measured,
		DrugProvenance::BatchHolders: Measured
	})]
	fn receive(
		h: Linear<1, { T::MaxHistoryPerBatch::get() }>,
		n: Linear<3, { T::MaxHoldersPerBatch::get() }>,
	) {
		let (_, staff, batch_id) = batch::<T>(T::MaxQuantity::get(), H256::repeat_byte(3));
		let (first, first_staff) = organization::<T>("first", 0, Role::Distributor);
		let (second, second_staff) = organization::<T>("second", 0, Role::Distributor);
		hand_over::<T>(&staff, batch_id, &first, &first_staff, 1);
		set_holders_len::<T>(batch_id, n - 1);
		// `first` ships everything it holds (the list is then `n` long): once received, its
		// custody is empty and it leaves the list.
		let shipment_id = ship_to::<T>(&first_staff, batch_id, &second, 1);
		set_history_len::<T>(batch_id, h);

		#[extrinsic_call]
		_(RawOrigin::Signed(second_staff), shipment_id);

		assert!(!Holdings::<T>::contains_key(batch_id, &first));
		assert_eq!(BatchHolders::<T>::get(batch_id).len() as u32, n - 1);
	}

	#[benchmark(pov_mode = MaxEncodedLen {
		DrugProvenance::BatchHistory: Measured,
		DrugProvenance::BatchHolders: Measured
	})]
	fn cancel_shipment(
		h: Linear<1, { T::MaxHistoryPerBatch::get() }>,
		n: Linear<2, { T::MaxHoldersPerBatch::get() }>,
	) {
		let (_, staff, batch_id) = batch::<T>(T::MaxQuantity::get(), H256::repeat_byte(3));
		let (to, _) = organization::<T>("recipient", 0, Role::Distributor);
		set_holders_len::<T>(batch_id, n - 1);
		// The new recipient makes the list `n` long; the cancel empties its custody.
		let shipment_id = ship_to::<T>(&staff, batch_id, &to, 1);
		set_history_len::<T>(batch_id, h);

		#[extrinsic_call]
		_(RawOrigin::Signed(staff), shipment_id);

		assert!(!Holdings::<T>::contains_key(batch_id, &to));
		assert_eq!(BatchHolders::<T>::get(batch_id).len() as u32, n - 1);
	}

	#[benchmark(pov_mode = MaxEncodedLen {
		DrugProvenance::BatchHistory: Measured,
		DrugProvenance::BatchHolders: Measured
	})]
	fn dispense(
		p: Linear<0, { MaxProofLen::<T>::get() }>,
		h: Linear<1, { T::MaxHistoryPerBatch::get() }>,
		n: Linear<2, { T::MaxHoldersPerBatch::get() }>,
	) {
		// Leaf 0 of a tree of `2^p` leaves has `p` siblings; the longest proof is that of
		// `MaxQuantity` leaves.
		let quantity = 1u32.checked_shl(p).unwrap_or(u32::MAX).min(T::MaxQuantity::get());
		let serial = longest_serial();
		let siblings: Vec<H256> = (0..expected_proof_len(quantity, 0))
			.map(|i| H256::repeat_byte((i % 250) as u8 + 1))
			.collect();
		assert_eq!(siblings.len() as u32, p);
		let root = root_from_leaf_zero(&serial, &siblings);
		let (_, staff, batch_id) = batch::<T>(quantity, root);
		let (pharmacy, pharmacist) = organization::<T>("pharmacy", 0, Role::Pharmacy);
		hand_over::<T>(&staff, batch_id, &pharmacy, &pharmacist, 1);
		set_holders_len::<T>(batch_id, n);
		set_history_len::<T>(batch_id, h);
		let proof = SerialProof {
			leaf_index: 0,
			leaf_count: quantity,
			siblings: BoundedVec::truncate_from(siblings),
		};

		#[extrinsic_call]
		_(RawOrigin::Signed(pharmacist), batch_id, serial.clone(), proof);

		assert!(Dispensed::<T>::contains_key(batch_id, serial_hash(&serial)));
		assert!(!Holdings::<T>::contains_key(batch_id, &pharmacy));
		assert_eq!(BatchHolders::<T>::get(batch_id).len() as u32, n - 1);
	}

	#[benchmark]
	fn report_suspect() -> Result<(), BenchmarkError> {
		let serial = longest_serial();
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
		// Regulators fill the list but for its last slot, which the manufacturer takes.
		let per_reporter = T::MaxReportsPerReporter::get().max(1);
		let mut left = T::MaxSuspectReportsPerBatch::get().saturating_sub(1);
		let mut regulator_index = 0;
		while left > 0 {
			let (_, inspector) = organization::<T>("regulator", regulator_index, Role::Regulator);
			for _ in 0..per_reporter.min(left) {
				DrugProvenance::<T>::report_suspect(
					RawOrigin::Signed(inspector.clone()).into(),
					batch_id,
					serial.clone(),
					SuspectReason::DamagedOrTampered,
				)
				.expect("reported");
			}
			left = left.saturating_sub(per_reporter);
			regulator_index = regulator_index.saturating_add(1);
		}
		DrugProvenance::<T>::report_suspect(
			RawOrigin::Signed(staff).into(),
			batch_id,
			serial.clone(),
			SuspectReason::Other,
		)
		.expect("reported");
		// The product's new owner is not a custody party of the batch.
		let (owner, owner_staff) = organization::<T>("owner", 0, Role::Manufacturer);
		let gtin: GtinInput = BoundedVec::truncate_from(GTIN.to_vec());
		DrugProvenance::<T>::reassign_product(governance::<T>()?, gtin, owner).expect("reassigned");

		#[extrinsic_call]
		_(RawOrigin::Signed(owner_staff), batch_id, serial, SuspectReason::DoubleDispense);

		let reports = SuspectReports::<T>::get(batch_id);
		assert_eq!(reports.last().map(|r| r.reason), Some(SuspectReason::DoubleDispense));
		assert_eq!(reports.len() as u32, T::MaxSuspectReportsPerBatch::get());
		Ok(())
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

	#[benchmark]
	fn assign_company_prefix() -> Result<(), BenchmarkError> {
		let (maker, _) = organization::<T>("maker", 0, Role::Manufacturer);
		let origin = governance::<T>()?;
		let prefix: CompanyPrefixInput = BoundedVec::truncate_from(LONGEST_PREFIX.to_vec());
		// Genesis may hold other prefixes (the dev chain's): count only what this one adds.
		let counters_before = LongerPrefixes::<T>::iter().count();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, prefix, maker.clone());

		let prefix = CompanyPrefix::parse(LONGEST_PREFIX).expect("valid prefix");
		assert_eq!(CompanyPrefixes::<T>::get(&prefix), Some(maker));
		assert_eq!(LongerPrefixes::<T>::iter().count(), counters_before + 6);
		Ok(())
	}

	#[benchmark]
	fn revoke_company_prefix() -> Result<(), BenchmarkError> {
		let (maker, _) = organization::<T>("maker", 0, Role::Manufacturer);
		let prefixes_before = CompanyPrefixes::<T>::iter().count();
		let counters_before = LongerPrefixes::<T>::iter().count();
		assign_prefix::<T>(LONGEST_PREFIX, &maker);
		let origin = governance::<T>()?;
		let prefix: CompanyPrefixInput = BoundedVec::truncate_from(LONGEST_PREFIX.to_vec());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, prefix);

		assert_eq!(CompanyPrefixes::<T>::iter().count(), prefixes_before);
		assert_eq!(LongerPrefixes::<T>::iter().count(), counters_before);
		Ok(())
	}

	#[benchmark]
	fn reassign_product() -> Result<(), BenchmarkError> {
		let max = T::MaxProductsPerManufacturer::get();
		let (from, _) = organization::<T>("maker", 0, Role::Manufacturer);
		let (to, _) = organization::<T>("maker", 1, Role::Manufacturer);
		let gtins = store_products::<T>(&from, 0, max);
		store_products::<T>(&to, u64::from(max), max.saturating_sub(1));
		let gtin = *gtins.first().expect("at least one product");
		let origin = governance::<T>()?;
		let input: GtinInput = BoundedVec::truncate_from(gtin.as_bytes().to_vec());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, input, to.clone());

		assert_eq!(Products::<T>::get(gtin).map(|p| p.manufacturer), Some(to.clone()));
		assert_eq!(ProductsOf::<T>::get(&to).len() as u32, max);
		Ok(())
	}

	#[benchmark(pov_mode = MaxEncodedLen {
		DrugProvenance::BatchHistory: Measured,
		DrugProvenance::BatchHolders: Measured
	})]
	fn reject_shipment(
		h: Linear<1, { T::MaxHistoryPerBatch::get() }>,
		n: Linear<2, { T::MaxHoldersPerBatch::get() }>,
	) {
		let (_, staff, batch_id) = batch::<T>(T::MaxQuantity::get(), H256::repeat_byte(3));
		let (to, to_staff) = organization::<T>("recipient", 0, Role::Distributor);
		set_holders_len::<T>(batch_id, n - 1);
		// The new recipient makes the list `n` long; the rejection empties its custody.
		let shipment_id = ship_to::<T>(&staff, batch_id, &to, 1);
		set_history_len::<T>(batch_id, h);

		#[extrinsic_call]
		_(RawOrigin::Signed(to_staff), shipment_id);

		assert!(!Holdings::<T>::contains_key(batch_id, &to));
		assert!(!Shipments::<T>::contains_key(shipment_id));
		assert_eq!(BatchHolders::<T>::get(batch_id).len() as u32, n - 1);
	}

	#[benchmark(pov_mode = MaxEncodedLen {
		DrugProvenance::BatchHistory: Measured,
		DrugProvenance::BatchHolders: Measured
	})]
	fn destroy_units(
		h: Linear<1, { T::MaxHistoryPerBatch::get() }>,
		n: Linear<2, { T::MaxHoldersPerBatch::get() }>,
	) {
		let (_, staff, batch_id) = batch::<T>(T::MaxQuantity::get(), H256::repeat_byte(3));
		let (pharmacy, pharmacist) = organization::<T>("pharmacy", 0, Role::Pharmacy);
		hand_over::<T>(&staff, batch_id, &pharmacy, &pharmacist, 1);
		DrugProvenance::<T>::recall_batch(RawOrigin::Signed(staff).into(), batch_id, 1)
			.expect("recalled");
		set_holders_len::<T>(batch_id, n);
		set_history_len::<T>(batch_id, h);

		#[extrinsic_call]
		_(RawOrigin::Signed(pharmacist), batch_id, 1, DestructionReason::Recalled);

		assert!(!Holdings::<T>::contains_key(batch_id, &pharmacy));
		assert!(Batches::<T>::get(batch_id).is_some_and(|b| b.destroyed == 1));
		assert_eq!(BatchHolders::<T>::get(batch_id).len() as u32, n - 1);
	}

	// As on the dev chain: the GS1 example prefix is already someone's.
	impl_benchmark_test_suite!(
		DrugProvenance,
		crate::mock::ExtBuilder::empty().with_company_prefix(b"9506000", 999).build(),
		crate::mock::Test
	);
}
