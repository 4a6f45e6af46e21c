//! Unit tests of the drug-provenance pallet: the GS1 rules (GTIN check digits, company
//! prefixes, expiry dates, character sets), every call, every error, every event, the custody
//! conservation invariant (checked after every test by `ExtBuilder::build_and_execute`), the
//! bounds, the abuse cases of the security review (GTIN squatting, report flooding,
//! unrefusable shipments, stranded recalled units), the v1 → v2 migration and the runtime-API
//! queries.

use crate::{
	expected_proof_len, mock::*, serial_hash, serials_root, Batch, BatchHistory, BatchHolders,
	BatchId, BatchOf, Batches, BoundedLot, BoundedSerial, CompanyPrefix, CompanyPrefixError,
	CompanyPrefixInput, CompanyPrefixes, Custody, CustodyEvent, CustodyParties, DestructionReason,
	DispenseInfo, Dispensed, Error, Event, ExpiryDate, ExpiryInput, Gtin, GtinError, GtinInput,
	Holdings, LongerPrefixes, NextBatchId, NextShipmentId, Product, Products, ProductsOf, Recall,
	SerialProof, SerialProofOf, Shipment, ShipmentId, Shipments, SuspectReason, SuspectReport,
	SuspectReports, UnitStatus,
};
use frame_support::{assert_noop, assert_ok, traits::Hooks, BoundedVec};
use medchain_primitives::Moment;
use pallet_consortium::Error as ConsortiumError;
use sp_core::H256;
use sp_runtime::traits::{BadOrigin, BlakeTwo256};

type ConsortiumCall = pallet_consortium::Pallet<Test>;

/// A GS1 example GTIN (valid check digit 2).
const GTIN: &[u8] = b"09506000134352";
/// Another valid GTIN-14 (check digit 2).
const GTIN_2: &[u8] = b"00012345600012";
/// The default lot.
const LOT: &[u8] = b"LOT-2026A";
/// The default expiry: 2027-12-31.
const EXPIRY: &[u8] = b"271231";
/// The end of 2027-12-31 (UTC), in ms.
const EXPIRY_END: Moment = 1_830_297_599_999;
/// One day in ms.
const DAY: Moment = 86_400_000;
/// Another valid GTIN-14 under [`PREFIX_A`] (check digit 9).
const GTIN_A3: &[u8] = b"09506000134369";
/// A valid GTIN-14 under [`PREFIX_B`] (check digit 1).
const GTIN_B: &[u8] = b"04006381333931";
/// A valid GTIN-14 under no assigned prefix (`012345`..., check digit 8).
const GTIN_UNASSIGNED: &[u8] = b"01234567890128";

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn gtin_in(digits: &[u8]) -> GtinInput {
	GtinInput::truncate_from(digits.to_vec())
}

fn gtin(digits: &[u8]) -> Gtin {
	Gtin::parse(digits).expect("valid GTIN")
}

fn lot(value: &[u8]) -> BoundedLot {
	BoundedLot::try_from(value.to_vec()).expect("lot within bound")
}

fn expiry(yymmdd: &[u8]) -> ExpiryInput {
	ExpiryInput::try_from(yymmdd.to_vec()).expect("6 bytes")
}

fn serial(value: &[u8]) -> BoundedSerial {
	BoundedSerial::try_from(value.to_vec()).expect("serial within bound")
}

/// Serials `SN00000000 .. SN{n-1}` (GS1 AI 21 values).
fn serials(n: u32) -> Vec<Vec<u8>> {
	(0..n).map(|i| format!("SN{i:08}").into_bytes()).collect()
}

/// The proof of serial `index` of `serials`, as `dispense` takes it.
fn proof_of(serials: &[Vec<u8>], index: u32) -> SerialProofOf<Test> {
	let p = binary_merkle_tree::merkle_proof::<BlakeTwo256, _, _>(
		serials.iter().map(|s| s.as_slice()),
		index,
	);
	SerialProof {
		leaf_index: index,
		leaf_count: p.number_of_leaves,
		siblings: BoundedVec::truncate_from(p.proof),
	}
}

/// The same proof as the runtime API takes it.
fn api_proof(proof: &SerialProofOf<Test>) -> SerialProof<Vec<H256>> {
	SerialProof {
		leaf_index: proof.leaf_index,
		leaf_count: proof.leaf_count,
		siblings: proof.siblings.to_vec(),
	}
}

fn metadata() -> H256 {
	H256::repeat_byte(0x4d)
}

fn suspend(org: AccountId) {
	assert_ok!(ConsortiumCall::suspend_organization(RuntimeOrigin::root(), org));
}

/// Maker A registers `digits`.
fn register(digits: &[u8]) {
	assert_ok!(DrugProvenance::register_product(
		signed(MAKER_A_STAFF),
		gtin_in(digits),
		metadata()
	));
}

/// Maker A commissions lot `lot_value` of `digits` (registered) with `n` serials; returns the
/// batch id and the serials.
fn commission_lot(digits: &[u8], lot_value: &[u8], n: u32) -> (BatchId, Vec<Vec<u8>>) {
	let serials = serials(n);
	let id = NextBatchId::<Test>::get();
	assert_ok!(DrugProvenance::commission_batch(
		signed(MAKER_A_STAFF),
		gtin_in(digits),
		lot(lot_value),
		expiry(EXPIRY),
		n,
		serials_root(&serials),
	));
	(id, serials)
}

/// Maker A registers [`GTIN`] and commissions [`LOT`] with `n` serials.
fn setup(n: u32) -> (BatchId, Vec<Vec<u8>>) {
	register(GTIN);
	commission_lot(GTIN, LOT, n)
}

/// `signer`'s organization ships `quantity` units of `batch_id` to `to`; returns the id.
fn ship(signer: AccountId, batch_id: BatchId, to: AccountId, quantity: u32) -> ShipmentId {
	let id = NextShipmentId::<Test>::get();
	assert_ok!(DrugProvenance::ship(signed(signer), batch_id, to, quantity));
	id
}

/// Ship and receive in one go.
fn hand_over(signer: AccountId, batch_id: BatchId, to: AccountId, receiver: AccountId, q: u32) {
	let id = ship(signer, batch_id, to, q);
	assert_ok!(DrugProvenance::receive(signed(receiver), id));
}

/// Maker A → Distributor → Pharmacy A, `quantity` units.
fn to_pharmacy(batch_id: BatchId, quantity: u32) {
	hand_over(MAKER_A_STAFF, batch_id, DISTRIBUTOR, CLERK, quantity);
	hand_over(CLERK, batch_id, PHARMACY_A, PHARMACIST_A, quantity);
}

fn custody(batch_id: BatchId, org: AccountId) -> Custody {
	Holdings::<Test>::get(batch_id, org).unwrap_or_default()
}

fn held(batch_id: BatchId, org: AccountId) -> u32 {
	custody(batch_id, org).held
}

fn batch(batch_id: BatchId) -> crate::BatchRecordOf<Test> {
	Batches::<Test>::get(batch_id).expect("batch stored")
}

fn holder_list(batch_id: BatchId) -> Vec<AccountId> {
	BatchHolders::<Test>::get(batch_id).into_inner()
}

fn dispense(who: AccountId, batch_id: BatchId, serials: &[Vec<u8>], index: u32) {
	assert_ok!(DrugProvenance::dispense(
		signed(who),
		batch_id,
		serial(&serials[index as usize]),
		proof_of(serials, index),
	));
}

fn c(held: u32, incoming: u32, outgoing: u32) -> Custody {
	Custody { held, incoming, outgoing }
}

fn prefix_in(digits: &[u8]) -> CompanyPrefixInput {
	CompanyPrefixInput::truncate_from(digits.to_vec())
}

fn prefix(digits: &[u8]) -> CompanyPrefix {
	CompanyPrefix::parse(digits).expect("valid prefix")
}

fn root() -> RuntimeOrigin {
	RuntimeOrigin::root()
}

mod gs1 {
	use super::*;

	#[test]
	fn valid_gtins_are_accepted() {
		// GS1's own example, GS1 US examples, an EAN-13 and a UPC-A padded to 14 digits.
		for digits in [
			&b"09506000134352"[..],
			b"00012345600012",
			b"10012345678902",
			b"04006381333931",
			b"00036000291452",
			b"00000000000000",
		] {
			assert_eq!(Gtin::parse(digits).map(|g| g.0.to_vec()), Ok(digits.to_vec()));
		}
	}

	#[test]
	fn check_digit_is_computed_with_weights_3_1_from_the_right() {
		assert_eq!(Gtin::check_digit(b"0950600013435"), Some(2));
		assert_eq!(Gtin::check_digit(b"0001234560001"), Some(2));
		assert_eq!(Gtin::check_digit(b"0400638133393"), Some(1));
		assert_eq!(Gtin::check_digit(b"1001234567890"), Some(2));
		assert_eq!(Gtin::check_digit(b"000000000000A"), None);
	}

	#[test]
	fn bad_gtins_are_refused() {
		assert_eq!(Gtin::parse(b"09506000134353"), Err(GtinError::CheckDigit));
		assert_eq!(Gtin::parse(b"09506000134350"), Err(GtinError::CheckDigit));
		assert_eq!(Gtin::parse(b"9506000134352"), Err(GtinError::Format));
		assert_eq!(Gtin::parse(b"095060001343520"), Err(GtinError::Format));
		assert_eq!(Gtin::parse(b"0950600013435A"), Err(GtinError::Format));
		assert_eq!(Gtin::parse(b"0950600013435 "), Err(GtinError::Format));
		assert_eq!(Gtin::parse(b""), Err(GtinError::Format));
	}

	#[test]
	fn expiry_dates_follow_gs1() {
		let ymd = |s: &[u8]| ExpiryDate::parse(s, START).map(|d| (d.year, d.month, d.day));
		assert_eq!(ymd(b"271231"), Some((2027, 12, 31)));
		assert_eq!(ymd(b"270101"), Some((2027, 1, 1)));
		// DD = 00: the last day of the month, leap years counted.
		assert_eq!(ymd(b"270200"), Some((2027, 2, 28)));
		assert_eq!(ymd(b"280200"), Some((2028, 2, 29)));
		assert_eq!(ymd(b"270400"), Some((2027, 4, 30)));
		assert_eq!(ymd(b"271200"), Some((2027, 12, 31)));
		// Leap days.
		assert_eq!(ymd(b"280229"), Some((2028, 2, 29)));
		assert_eq!(ymd(b"240229"), Some((2024, 2, 29)));
		assert_eq!(ymd(b"000229"), Some((2000, 2, 29)));
		assert_eq!(ymd(b"270229"), None);
		// Invalid months and days.
		assert_eq!(ymd(b"270001"), None);
		assert_eq!(ymd(b"271301"), None);
		assert_eq!(ymd(b"270431"), None);
		assert_eq!(ymd(b"270132"), None);
		assert_eq!(ymd(b"27123"), None);
		assert_eq!(ymd(b"2712310"), None);
		assert_eq!(ymd(b"27-231"), None);
	}

	#[test]
	fn century_follows_the_gs1_sliding_window() {
		let year = |s: &[u8], now: Moment| ExpiryDate::parse(s, now).map(|d| d.year);
		// In 2026: 76 is 2076 (difference 50), 77 is 1977 (difference 51).
		assert_eq!(year(b"760101", START), Some(2076));
		assert_eq!(year(b"770101", START), Some(1977));
		assert_eq!(year(b"990101", START), Some(1999));
		// In 2090 (day 43_830 = 2090-01-01): 40 is 2140 (difference -50), 41 is 2041.
		let in_2090 = 43_830 * DAY;
		assert_eq!(year(b"400101", in_2090 - 1), Some(2040));
		assert_eq!(year(b"400101", in_2090), Some(2140));
		assert_eq!(year(b"410101", in_2090), Some(2041));
		// Before 1970 (in 1970, 21 and above are 19xx; 20 → 2020) is refused.
		assert_eq!(year(b"690101", 0), None);
		assert_eq!(year(b"700101", 0), Some(1970));
	}

	#[test]
	fn calendar_arithmetic() {
		assert_eq!(crate::days_from_civil(1970, 1, 1), 0);
		assert_eq!(crate::days_from_civil(2000, 3, 1), 11_017);
		assert_eq!(crate::days_from_civil(2026, 1, 15) * DAY, START);
		assert_eq!(crate::year_from_days(START / DAY), 2026);
		assert_eq!(crate::year_from_days(crate::days_from_civil(2028, 12, 31)), 2028);
		assert_eq!(crate::year_from_days(crate::days_from_civil(2029, 1, 1)), 2029);
		assert_eq!(crate::year_from_days(crate::days_from_civil(2028, 2, 29)), 2028);
		assert!(crate::is_leap_year(2000) && crate::is_leap_year(2024));
		assert!(!crate::is_leap_year(2100) && !crate::is_leap_year(2027));
	}

	#[test]
	fn a_unit_expires_after_its_expiry_day() {
		let date = ExpiryDate::parse(EXPIRY, START).expect("valid");
		assert_eq!(date.end_of_day(), EXPIRY_END);
		assert!(!date.is_expired_at(EXPIRY_END));
		assert!(date.is_expired_at(EXPIRY_END + 1));
		assert_eq!(&date.to_yymmdd(), EXPIRY);
		let june = ExpiryDate { year: 2027, month: 6, day: 30 };
		assert_eq!(june.end_of_day(), 1_814_399_999_999);
	}

	#[test]
	fn character_set_82() {
		assert!(crate::is_gs1_value(b"ABC-123/x.y_z%&'()*+,:;<=>?!\""));
		for bad in
			[&b""[..], b"A B", b"A#", b"A$", b"A@", b"A[", b"A\\", b"A^", b"A`", b"A{", b"A~"]
		{
			assert!(!crate::is_gs1_value(bad), "{bad:?}");
		}
		assert!(!crate::is_gs1_value("É".as_bytes()));
	}

	#[test]
	fn serial_leaf_is_the_serial_hash() {
		assert_eq!(serials_root(&[b"SN1"]), serial_hash(b"SN1"));
		assert_eq!(serial_hash(b"SN1"), H256(sp_io::hashing::blake2_256(b"SN1")));
	}

	#[test]
	fn proof_lengths() {
		assert_eq!(expected_proof_len(1, 0), 0);
		assert_eq!(expected_proof_len(2, 1), 1);
		assert_eq!(expected_proof_len(3, 2), 1);
		assert_eq!(expected_proof_len(1000, 0), 10);
		assert_eq!(expected_proof_len(1_000_000, 0), 20);
		assert_eq!(expected_proof_len(5, 5), 0);
	}

	#[test]
	fn max_proof_len_follows_from_max_quantity() {
		use frame_support::traits::Get;
		// ceil(log2(1_000_000)) = 20: the longest proof in a batch of MAX_QUANTITY units.
		assert_eq!(crate::MaxProofLen::<Test>::get(), 20);
		let longest = (0..MAX_QUANTITY)
			.step_by(997)
			.chain([MAX_QUANTITY - 1])
			.map(|i| expected_proof_len(MAX_QUANTITY, i))
			.max();
		assert_eq!(longest, Some(crate::MaxProofLen::<Test>::get()));
	}

	#[test]
	fn fixed_and_derived_bounds_are_in_metadata() {
		let constants = DrugProvenance::pallet_constants_metadata();
		let value = |name: &str| {
			let c = constants.iter().find(|c| c.name == name).expect("constant in metadata");
			<u32 as codec::Decode>::decode(&mut &c.value[..]).expect("a u32")
		};
		assert_eq!(value("MaxLotLen"), crate::MAX_LOT_LEN);
		assert_eq!(value("MaxSerialLen"), crate::MAX_SERIAL_LEN);
		assert_eq!(value("MaxProofLen"), 20);
		assert_eq!(value("MaxQuantity"), MAX_QUANTITY);
	}

	#[test]
	fn integrity_test_passes() {
		ExtBuilder::default().build_and_execute(|| {
			<DrugProvenance as Hooks<u64>>::integrity_test();
		});
	}
}

mod register_product {
	use super::*;

	#[test]
	fn works_for_manufacturer_staff_and_admin() {
		ExtBuilder::default().build_and_execute(|| {
			register(GTIN);
			System::assert_last_event(
				Event::ProductRegistered {
					gtin: gtin(GTIN),
					manufacturer: MAKER_A,
					metadata_hash: metadata(),
				}
				.into(),
			);
			assert_ok!(DrugProvenance::register_product(
				signed(MAKER_A),
				gtin_in(GTIN_2),
				metadata()
			));
			assert_eq!(
				Products::<Test>::get(gtin(GTIN)),
				Some(Product {
					manufacturer: MAKER_A,
					metadata_hash: metadata(),
					registered_at: START
				})
			);
			assert_eq!(
				ProductsOf::<Test>::get(MAKER_A).into_inner(),
				vec![gtin(GTIN), gtin(GTIN_2)]
			);
			assert_eq!(
				DrugProvenance::products_of(&MAKER_A)
					.into_iter()
					.map(|(g, _)| g)
					.collect::<Vec<_>>(),
				vec![gtin(GTIN), gtin(GTIN_2)]
			);
			assert!(DrugProvenance::products_of(&MAKER_B).is_empty());
		});
	}

	#[test]
	fn needs_an_active_manufacturer() {
		ExtBuilder::default().build_and_execute(|| {
			let call =
				|who| DrugProvenance::register_product(signed(who), gtin_in(GTIN), metadata());
			assert_noop!(
				DrugProvenance::register_product(RuntimeOrigin::none(), gtin_in(GTIN), metadata()),
				BadOrigin
			);
			assert_noop!(call(OUTSIDER), ConsortiumError::<Test>::NotAMember);
			assert_noop!(call(PHARMACIST_A), ConsortiumError::<Test>::MissingRole);
			assert_noop!(call(INSPECTOR), ConsortiumError::<Test>::MissingRole);
			suspend(MAKER_A);
			assert_noop!(call(MAKER_A_STAFF), ConsortiumError::<Test>::SuspendedOrganization);
		});
	}

	#[test]
	fn bad_gtin_is_refused() {
		ExtBuilder::default().build_and_execute(|| {
			let call = |g: &[u8]| {
				DrugProvenance::register_product(signed(MAKER_A_STAFF), gtin_in(g), metadata())
			};
			assert_noop!(call(b"09506000134353"), Error::<Test>::InvalidGtinCheckDigit);
			assert_noop!(call(b"9506000134352"), Error::<Test>::InvalidGtin);
			assert_noop!(call(b"0950600013435X"), Error::<Test>::InvalidGtin);
			assert_noop!(call(b""), Error::<Test>::InvalidGtin);
		});
	}

	#[test]
	fn zero_metadata_hash_is_refused() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				DrugProvenance::register_product(
					signed(MAKER_A_STAFF),
					gtin_in(GTIN),
					H256::zero()
				),
				Error::<Test>::ZeroMetadataHash
			);
		});
	}

	#[test]
	fn a_gtin_is_registered_once() {
		ExtBuilder::default().build_and_execute(|| {
			register(GTIN);
			assert_noop!(
				DrugProvenance::register_product(signed(MAKER_A_STAFF), gtin_in(GTIN), metadata()),
				Error::<Test>::GtinAlreadyRegistered
			);
		});
	}

	/// M6: the first manufacturer to register a GTIN used to own it for ever. Now a GTIN
	/// can only be registered by the organization its company prefix is assigned to.
	#[test]
	fn a_gtin_of_another_manufacturers_prefix_cannot_be_squatted() {
		ExtBuilder::default().build_and_execute(|| {
			// Maker B tries Maker A's GTIN before Maker A registered it.
			assert_noop!(
				DrugProvenance::register_product(signed(MAKER_B_STAFF), gtin_in(GTIN), metadata()),
				Error::<Test>::CompanyPrefixNotAssigned
			);
			// Nobody owns a GTIN whose prefix is assigned to no one.
			assert_noop!(
				DrugProvenance::register_product(
					signed(MAKER_A_STAFF),
					gtin_in(GTIN_UNASSIGNED),
					metadata()
				),
				Error::<Test>::CompanyPrefixNotAssigned
			);
			// Maker A registers its own GTIN; Maker B still cannot take it.
			register(GTIN);
			assert_noop!(
				DrugProvenance::register_product(signed(MAKER_B_STAFF), gtin_in(GTIN), metadata()),
				Error::<Test>::CompanyPrefixNotAssigned
			);
		});
	}

	#[test]
	fn the_prefix_is_found_at_every_length() {
		ExtBuilder::default().without_company_prefixes().build_and_execute(|| {
			// GTIN 0 950600013435 2: candidate prefixes 950600 .. 950600013435.
			for len in 6..=12usize {
				let digits = &GTIN[1..=len];
				assert_ok!(DrugProvenance::assign_company_prefix(
					root(),
					prefix_in(digits),
					MAKER_A
				));
				assert_eq!(
					DrugProvenance::company_prefix_owner(&gtin(GTIN)),
					Some((prefix(digits), MAKER_A))
				);
				assert_noop!(
					DrugProvenance::register_product(
						signed(MAKER_B_STAFF),
						gtin_in(GTIN),
						metadata()
					),
					Error::<Test>::CompanyPrefixNotAssigned
				);
				assert_ok!(DrugProvenance::revoke_company_prefix(root(), prefix_in(digits)));
			}
			assert_eq!(DrugProvenance::company_prefix_owner(&gtin(GTIN)), None);
			// The 12-digit prefix (the whole GTIN-13 body but its check digit).
			assert_ok!(DrugProvenance::assign_company_prefix(
				root(),
				prefix_in(b"950600013435"),
				MAKER_B
			));
			assert_ok!(DrugProvenance::register_product(
				signed(MAKER_B_STAFF),
				gtin_in(GTIN),
				metadata()
			));
			assert_eq!(Products::<Test>::get(gtin(GTIN)).map(|p| p.manufacturer), Some(MAKER_B));
		});
	}

	#[test]
	fn product_list_is_bounded() {
		ExtBuilder::default().build_and_execute(|| {
			register(GTIN);
			register(GTIN_2);
			register(b"10012345678902");
			assert_eq!(ProductsOf::<Test>::get(MAKER_A).len() as u32, MAX_PRODUCTS);
			assert_noop!(
				DrugProvenance::register_product(
					signed(MAKER_A_STAFF),
					gtin_in(GTIN_A3),
					metadata()
				),
				Error::<Test>::TooManyProducts
			);
			// Another manufacturer is not affected.
			assert_ok!(DrugProvenance::register_product(
				signed(MAKER_B_STAFF),
				gtin_in(GTIN_B),
				metadata()
			));
		});
	}
}

mod commission_batch {
	use super::*;

	#[test]
	fn works_and_gives_the_manufacturer_custody() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, serials) = setup(10);
			assert_eq!(id, 0);
			let root = serials_root(&serials);
			let date = ExpiryDate { year: 2027, month: 12, day: 31 };
			System::assert_last_event(
				Event::BatchCommissioned {
					batch_id: 0,
					gtin: gtin(GTIN),
					lot: lot(LOT),
					expiry: date,
					quantity: 10,
					serials_root: root,
					manufacturer: MAKER_A,
				}
				.into(),
			);
			assert_eq!(
				batch(0),
				Batch {
					gtin: gtin(GTIN),
					lot: lot(LOT),
					expiry: date,
					quantity: 10,
					serials_root: root,
					manufacturer: MAKER_A,
					commissioned_at: START,
					in_transit: 0,
					dispensed: 0,
					destroyed: 0,
					suspect_reports: 0,
					history_pruned: 0,
					recalled: None,
				}
			);
			assert!(CustodyParties::<Test>::contains_key(0, MAKER_A));
			assert_eq!(BatchOf::<Test>::get(gtin(GTIN), lot(LOT)), Some(0));
			assert_eq!(custody(0, MAKER_A), c(10, 0, 0));
			assert_eq!(holder_list(0), vec![MAKER_A]);
			assert_eq!(
				DrugProvenance::batch_history(0),
				vec![CustodyEvent::Commissioned { by: MAKER_A, quantity: 10, at: START }]
			);
			assert_eq!(NextBatchId::<Test>::get(), 1);
		});
	}

	#[test]
	fn needs_an_active_manufacturer() {
		ExtBuilder::default().build_and_execute(|| {
			register(GTIN);
			let call = |who| {
				DrugProvenance::commission_batch(
					signed(who),
					gtin_in(GTIN),
					lot(LOT),
					expiry(EXPIRY),
					10,
					H256::repeat_byte(1),
				)
			};
			assert_noop!(call(OUTSIDER), ConsortiumError::<Test>::NotAMember);
			assert_noop!(call(CLERK), ConsortiumError::<Test>::MissingRole);
			suspend(MAKER_A);
			assert_noop!(call(MAKER_A_STAFF), ConsortiumError::<Test>::SuspendedOrganization);
		});
	}

	fn commission(
		who: AccountId,
		g: &[u8],
		l: &[u8],
		e: &[u8],
		quantity: u32,
		root: H256,
	) -> frame_support::dispatch::DispatchResult {
		DrugProvenance::commission_batch(signed(who), gtin_in(g), lot(l), expiry(e), quantity, root)
	}

	#[test]
	fn gtin_must_be_valid_registered_and_owned() {
		ExtBuilder::default().build_and_execute(|| {
			register(GTIN);
			let root = H256::repeat_byte(1);
			assert_noop!(
				commission(MAKER_A_STAFF, b"09506000134353", LOT, EXPIRY, 10, root),
				Error::<Test>::InvalidGtinCheckDigit
			);
			assert_noop!(
				commission(MAKER_A_STAFF, b"0950600013435", LOT, EXPIRY, 10, root),
				Error::<Test>::InvalidGtin
			);
			assert_noop!(
				commission(MAKER_A_STAFF, GTIN_2, LOT, EXPIRY, 10, root),
				Error::<Test>::UnknownProduct
			);
			// A foreign GTIN: Maker B cannot commission Maker A's product.
			assert_noop!(
				commission(MAKER_B_STAFF, GTIN, LOT, EXPIRY, 10, root),
				Error::<Test>::NotProductOwner
			);
		});
	}

	#[test]
	fn lot_must_be_gs1() {
		ExtBuilder::default().build_and_execute(|| {
			register(GTIN);
			let root = H256::repeat_byte(1);
			for bad in [&b""[..], b"LOT 1", b"LOT#1", b"lot~"] {
				assert_noop!(
					commission(MAKER_A_STAFF, GTIN, bad, EXPIRY, 10, root),
					Error::<Test>::InvalidLot
				);
			}
			assert_ok!(commission(MAKER_A_STAFF, GTIN, b"ABCDEFGHIJ0123456789", EXPIRY, 10, root));
		});
	}

	#[test]
	fn expiry_must_be_a_valid_future_date() {
		ExtBuilder::default().build_and_execute(|| {
			register(GTIN);
			let root = H256::repeat_byte(1);
			for bad in [&b"271301"[..], b"270230", b"27123", b"2712AB", b"270431"] {
				assert_noop!(
					commission(MAKER_A_STAFF, GTIN, LOT, bad, 10, root),
					Error::<Test>::InvalidExpiry
				);
			}
			// Yesterday (2026-01-14) and a 1999 date (YY = 99 in 2026) have passed.
			assert_noop!(
				commission(MAKER_A_STAFF, GTIN, LOT, b"260114", 10, root),
				Error::<Test>::ExpiredBatch
			);
			assert_noop!(
				commission(MAKER_A_STAFF, GTIN, LOT, b"991231", 10, root),
				Error::<Test>::ExpiredBatch
			);
			// Today is still fine; so is DD = 00 of this month.
			assert_ok!(commission(MAKER_A_STAFF, GTIN, b"L1", b"260115", 10, root));
			assert_ok!(commission(MAKER_A_STAFF, GTIN, b"L2", b"260100", 10, root));
			assert_eq!(batch(1).expiry, ExpiryDate { year: 2026, month: 1, day: 31 });
		});
	}

	#[test]
	fn quantity_and_root_are_checked() {
		ExtBuilder::default().build_and_execute(|| {
			register(GTIN);
			let root = H256::repeat_byte(1);
			assert_noop!(
				commission(MAKER_A_STAFF, GTIN, LOT, EXPIRY, 0, root),
				Error::<Test>::ZeroQuantity
			);
			assert_noop!(
				commission(MAKER_A_STAFF, GTIN, LOT, EXPIRY, MAX_QUANTITY + 1, root),
				Error::<Test>::QuantityTooLarge
			);
			assert_noop!(
				commission(MAKER_A_STAFF, GTIN, LOT, EXPIRY, 10, H256::zero()),
				Error::<Test>::ZeroSerialsRoot
			);
			assert_ok!(commission(MAKER_A_STAFF, GTIN, LOT, EXPIRY, MAX_QUANTITY, root));
		});
	}

	#[test]
	fn a_lot_is_commissioned_once_per_gtin() {
		ExtBuilder::default().build_and_execute(|| {
			setup(10);
			assert_noop!(
				commission(MAKER_A_STAFF, GTIN, LOT, EXPIRY, 10, H256::repeat_byte(2)),
				Error::<Test>::LotAlreadyCommissioned
			);
			// The same lot of another product is another batch.
			register(GTIN_2);
			let (id, _) = commission_lot(GTIN_2, LOT, 5);
			assert_eq!(id, 1);
			assert_eq!(DrugProvenance::batch_of(GTIN_2.to_vec(), LOT.to_vec()), Some(1));
			assert_eq!(DrugProvenance::batch_of(GTIN.to_vec(), LOT.to_vec()), Some(0));
		});
	}

	#[test]
	fn batch_ids_never_wrap() {
		ExtBuilder::default().build_and_execute(|| {
			register(GTIN);
			NextBatchId::<Test>::put(u64::MAX);
			assert_noop!(
				commission(MAKER_A_STAFF, GTIN, LOT, EXPIRY, 10, H256::repeat_byte(1)),
				Error::<Test>::BatchIdOverflow
			);
			NextBatchId::<Test>::put(0);
		});
	}
}

mod ship_and_receive {
	use super::*;

	#[test]
	fn shipment_ids_never_wrap() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			NextShipmentId::<Test>::put(u64::MAX);
			assert_noop!(
				DrugProvenance::ship(signed(MAKER_A_STAFF), id, DISTRIBUTOR, 1),
				Error::<Test>::ShipmentIdOverflow
			);
			NextShipmentId::<Test>::put(0);
		});
	}

	#[test]
	fn two_step_hand_over_works() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(100);
			let shipment = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 60);
			System::assert_last_event(
				Event::ShipmentSent {
					shipment_id: 0,
					batch_id: id,
					from: MAKER_A,
					to: DISTRIBUTOR,
					quantity: 60,
				}
				.into(),
			);
			assert_eq!(custody(id, MAKER_A), c(40, 0, 60));
			assert_eq!(custody(id, DISTRIBUTOR), c(0, 60, 0));
			assert_eq!(batch(id).in_transit, 60);
			assert_eq!(holder_list(id), vec![MAKER_A, DISTRIBUTOR]);
			assert_eq!(
				DrugProvenance::shipment(shipment),
				Some(Shipment {
					batch_id: id,
					from: MAKER_A,
					to: DISTRIBUTOR,
					quantity: 60,
					sent_at: START
				})
			);

			advance_time(1_000);
			assert_ok!(DrugProvenance::receive(signed(CLERK), shipment));
			System::assert_last_event(
				Event::ShipmentReceived {
					shipment_id: 0,
					batch_id: id,
					from: MAKER_A,
					to: DISTRIBUTOR,
					quantity: 60,
				}
				.into(),
			);
			assert_eq!(custody(id, MAKER_A), c(40, 0, 0));
			assert_eq!(custody(id, DISTRIBUTOR), c(60, 0, 0));
			assert_eq!(batch(id).in_transit, 0);
			assert!(Shipments::<Test>::get(shipment).is_none());
			assert_eq!(
				DrugProvenance::batch_history(id)[1..],
				[
					CustodyEvent::Shipped {
						shipment_id: 0,
						from: MAKER_A,
						to: DISTRIBUTOR,
						quantity: 60,
						at: START
					},
					CustodyEvent::Received {
						shipment_id: 0,
						from: MAKER_A,
						to: DISTRIBUTOR,
						quantity: 60,
						at: START + 1_000
					},
				]
			);
		});
	}

	#[test]
	fn a_distributor_splits_a_batch_across_pharmacies() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(100);
			hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 100);
			// The manufacturer holds nothing any more and leaves the holder list.
			assert_eq!(holder_list(id), vec![DISTRIBUTOR]);
			hand_over(CLERK, id, PHARMACY_A, PHARMACIST_A, 30);
			hand_over(CLERK, id, PHARMACY_B, PHARMACIST_B, 50);
			assert_eq!(held(id, DISTRIBUTOR), 20);
			assert_eq!(held(id, PHARMACY_A), 30);
			assert_eq!(held(id, PHARMACY_B), 50);
			assert_eq!(holder_list(id), vec![DISTRIBUTOR, PHARMACY_A, PHARMACY_B]);
			// A pharmacy can pass units on (e.g. to a sister pharmacy).
			hand_over(PHARMACIST_A, id, PHARMACY_B, PHARMACIST_B, 30);
			assert_eq!(holder_list(id), vec![DISTRIBUTOR, PHARMACY_B]);
			assert_eq!(
				DrugProvenance::holders(id),
				vec![(DISTRIBUTOR, c(20, 0, 0)), (PHARMACY_B, c(80, 0, 0))]
			);
		});
	}

	#[test]
	fn sender_needs_an_active_custody_role() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			assert_noop!(
				DrugProvenance::ship(signed(OUTSIDER), id, DISTRIBUTOR, 1),
				ConsortiumError::<Test>::NotAMember
			);
			assert_noop!(
				DrugProvenance::ship(signed(DOCTOR), id, DISTRIBUTOR, 1),
				ConsortiumError::<Test>::MissingRole
			);
			assert_noop!(
				DrugProvenance::ship(signed(INSPECTOR), id, DISTRIBUTOR, 1),
				ConsortiumError::<Test>::MissingRole
			);
			suspend(MAKER_A);
			assert_noop!(
				DrugProvenance::ship(signed(MAKER_A_STAFF), id, DISTRIBUTOR, 1),
				ConsortiumError::<Test>::SuspendedOrganization
			);
		});
	}

	#[test]
	fn quantity_and_batch_are_checked() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			assert_noop!(
				DrugProvenance::ship(signed(MAKER_A_STAFF), id, DISTRIBUTOR, 0),
				Error::<Test>::ZeroQuantity
			);
			assert_noop!(
				DrugProvenance::ship(signed(MAKER_A_STAFF), 7, DISTRIBUTOR, 1),
				Error::<Test>::UnknownBatch
			);
			assert_noop!(
				DrugProvenance::ship(signed(MAKER_A_STAFF), id, MAKER_A, 1),
				Error::<Test>::ShipToSelf
			);
		});
	}

	#[test]
	fn recipient_must_be_an_active_custody_organization() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			let to = |to| DrugProvenance::ship(signed(MAKER_A_STAFF), id, to, 1);
			assert_noop!(to(OUTSIDER), Error::<Test>::RecipientNotOrganization);
			// A staff key is not an organization: ship to its organization instead.
			assert_noop!(to(CLERK), Error::<Test>::RecipientNotOrganization);
			assert_noop!(to(HOSPITAL), Error::<Test>::RecipientMissingRole);
			assert_noop!(to(REGULATOR), Error::<Test>::RecipientMissingRole);
			suspend(PHARMACY_A);
			assert_noop!(to(PHARMACY_A), Error::<Test>::SuspendedRecipient);
			// Manufacturers can receive (e.g. returns, contract manufacturing).
			assert_ok!(to(MAKER_B));
		});
	}

	#[test]
	fn nobody_ships_more_than_they_hold() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			assert_noop!(
				DrugProvenance::ship(signed(MAKER_A_STAFF), id, DISTRIBUTOR, 11),
				Error::<Test>::InsufficientCustody
			);
			// A distributor holding nothing of the batch.
			assert_noop!(
				DrugProvenance::ship(signed(CLERK), id, PHARMACY_A, 1),
				Error::<Test>::InsufficientCustody
			);
			let shipment = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 6);
			// Units in transit are not held: neither by the sender nor by the recipient.
			assert_noop!(
				DrugProvenance::ship(signed(MAKER_A_STAFF), id, DISTRIBUTOR, 5),
				Error::<Test>::InsufficientCustody
			);
			assert_noop!(
				DrugProvenance::ship(signed(CLERK), id, PHARMACY_A, 1),
				Error::<Test>::InsufficientCustody
			);
			assert_ok!(DrugProvenance::receive(signed(CLERK), shipment));
			assert_noop!(
				DrugProvenance::ship(signed(CLERK), id, PHARMACY_A, 7),
				Error::<Test>::InsufficientCustody
			);
			ship(CLERK, id, PHARMACY_A, 6);
		});
	}

	#[test]
	fn holder_list_is_bounded() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			ship(MAKER_A_STAFF, id, DISTRIBUTOR, 1);
			ship(MAKER_A_STAFF, id, DISTRIBUTOR_B, 1);
			ship(MAKER_A_STAFF, id, PHARMACY_A, 1);
			assert_eq!(holder_list(id).len() as u32, MAX_HOLDERS);
			assert_noop!(
				DrugProvenance::ship(signed(MAKER_A_STAFF), id, PHARMACY_B, 1),
				Error::<Test>::TooManyHolders
			);
			// Existing holders can still be shipped to.
			ship(MAKER_A_STAFF, id, PHARMACY_A, 1);
			// Once a holder's custody is empty, its slot is free again.
			let to_b = NextShipmentId::<Test>::get() - 3;
			assert_ok!(DrugProvenance::cancel_shipment(signed(MAKER_A_STAFF), to_b));
			assert!(!holder_list(id).contains(&DISTRIBUTOR_B));
			ship(MAKER_A_STAFF, id, PHARMACY_B, 1);
		});
	}

	#[test]
	fn only_the_recipient_receives() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			let shipment = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 5);
			assert_noop!(
				DrugProvenance::receive(signed(PHARMACIST_A), shipment),
				Error::<Test>::NotShipmentRecipient
			);
			assert_noop!(
				DrugProvenance::receive(signed(MAKER_A_STAFF), shipment),
				Error::<Test>::NotShipmentRecipient
			);
			assert_noop!(
				DrugProvenance::receive(signed(OUTSIDER), shipment),
				ConsortiumError::<Test>::NotAMember
			);
			assert_noop!(
				DrugProvenance::receive(signed(DOCTOR), shipment),
				ConsortiumError::<Test>::MissingRole
			);
			assert_noop!(
				DrugProvenance::receive(signed(CLERK), shipment + 1),
				Error::<Test>::UnknownShipment
			);
			// The organization's admin can receive as well as its staff.
			assert_ok!(DrugProvenance::receive(signed(DISTRIBUTOR), shipment));
			assert_noop!(
				DrugProvenance::receive(signed(CLERK), shipment),
				Error::<Test>::UnknownShipment
			);
		});
	}

	#[test]
	fn a_suspended_recipient_cannot_receive() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			let shipment = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 5);
			suspend(DISTRIBUTOR);
			assert_noop!(
				DrugProvenance::receive(signed(CLERK), shipment),
				ConsortiumError::<Test>::SuspendedOrganization
			);
			// The sender takes the goods back.
			assert_ok!(DrugProvenance::cancel_shipment(signed(MAKER_A_STAFF), shipment));
			assert_eq!(custody(id, MAKER_A), c(10, 0, 0));
		});
	}
}

mod cancel_shipment {
	use super::*;

	#[test]
	fn returns_the_units_to_the_sender() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 10);
			let shipment = ship(CLERK, id, PHARMACY_A, 4);
			assert_ok!(DrugProvenance::cancel_shipment(signed(CLERK), shipment));
			System::assert_last_event(
				Event::ShipmentCancelled {
					shipment_id: shipment,
					batch_id: id,
					from: DISTRIBUTOR,
					to: PHARMACY_A,
					quantity: 4,
				}
				.into(),
			);
			assert_eq!(custody(id, DISTRIBUTOR), c(10, 0, 0));
			assert_eq!(custody(id, PHARMACY_A), c(0, 0, 0));
			assert_eq!(holder_list(id), vec![DISTRIBUTOR]);
			assert_eq!(batch(id).in_transit, 0);
			assert!(matches!(
				DrugProvenance::batch_history(id).last(),
				Some(CustodyEvent::Cancelled { quantity: 4, .. })
			));
			assert_noop!(
				DrugProvenance::receive(signed(PHARMACIST_A), shipment),
				Error::<Test>::UnknownShipment
			);
		});
	}

	#[test]
	fn only_the_sender_cancels() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			let shipment = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 5);
			assert_noop!(
				DrugProvenance::cancel_shipment(signed(CLERK), shipment),
				Error::<Test>::NotShipmentSender
			);
			assert_noop!(
				DrugProvenance::cancel_shipment(signed(OUTSIDER), shipment),
				ConsortiumError::<Test>::NotAMember
			);
			assert_noop!(
				DrugProvenance::cancel_shipment(signed(MAKER_A_STAFF), shipment + 1),
				Error::<Test>::UnknownShipment
			);
			assert_ok!(DrugProvenance::receive(signed(CLERK), shipment));
			assert_noop!(
				DrugProvenance::cancel_shipment(signed(MAKER_A_STAFF), shipment),
				Error::<Test>::UnknownShipment
			);
		});
	}
}

mod dispense {
	use super::*;

	#[test]
	fn works_with_a_proof() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, serials) = setup(10);
			to_pharmacy(id, 5);
			advance_time(1_000);
			dispense(PHARMACIST_A, id, &serials, 3);
			let hash = serial_hash(&serials[3]);
			System::assert_last_event(
				Event::UnitDispensed { batch_id: id, serial_hash: hash, pharmacy: PHARMACY_A }
					.into(),
			);
			assert_eq!(
				Dispensed::<Test>::get(id, hash),
				Some(DispenseInfo { pharmacy: PHARMACY_A, at: START + 1_000 })
			);
			assert_eq!(held(id, PHARMACY_A), 4);
			assert_eq!(batch(id).dispensed, 1);
			// Consecutive dispenses by one pharmacy are one history entry with a count.
			dispense(PHARMACY_A, id, &serials, 4);
			dispense(PHARMACIST_A, id, &serials, 9);
			assert_eq!(
				DrugProvenance::batch_history(id).last(),
				Some(&CustodyEvent::Dispensed {
					pharmacy: PHARMACY_A,
					count: 3,
					at: START + 1_000
				})
			);
			assert_eq!(DrugProvenance::batch_history(id).len(), 6);
		});
	}

	#[test]
	fn a_thousand_serial_tree() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, serials) = setup(1_000);
			to_pharmacy(id, 3);
			for k in [0u32, 577, 999] {
				let proof = proof_of(&serials, k);
				assert_eq!(proof.siblings.len() as u32, expected_proof_len(1_000, k));
				let status = DrugProvenance::verify_unit(
					GTIN.to_vec(),
					LOT.to_vec(),
					serials[k as usize].clone(),
					api_proof(&proof),
				);
				assert!(status.is_dispensable());
				dispense(PHARMACIST_A, id, &serials, k);
				let status = DrugProvenance::verify_unit(
					GTIN.to_vec(),
					LOT.to_vec(),
					serials[k as usize].clone(),
					api_proof(&proof),
				);
				assert!(status.authentic && status.dispensed.is_some());
			}
			assert_eq!(batch(id).dispensed, 3);
			assert_eq!(held(id, PHARMACY_A), 0);
			assert!(!holder_list(id).contains(&PHARMACY_A));
		});
	}

	#[test]
	fn needs_an_active_pharmacy() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, serials) = setup(10);
			let call = |who| {
				DrugProvenance::dispense(
					signed(who),
					id,
					serial(&serials[0]),
					proof_of(&serials, 0),
				)
			};
			assert_noop!(call(OUTSIDER), ConsortiumError::<Test>::NotAMember);
			// The manufacturer and the distributor hold units but are not pharmacies.
			assert_noop!(call(MAKER_A_STAFF), ConsortiumError::<Test>::MissingRole);
			assert_noop!(call(DOCTOR), ConsortiumError::<Test>::MissingRole);
			to_pharmacy(id, 1);
			suspend(PHARMACY_A);
			assert_noop!(call(PHARMACIST_A), ConsortiumError::<Test>::SuspendedOrganization);
		});
	}

	#[test]
	fn needs_custody() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, serials) = setup(10);
			let call = |who| {
				DrugProvenance::dispense(
					signed(who),
					id,
					serial(&serials[0]),
					proof_of(&serials, 0),
				)
			};
			assert_noop!(call(PHARMACIST_A), Error::<Test>::NoCustody);
			hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 10);
			let shipment = ship(CLERK, id, PHARMACY_A, 1);
			// Incoming units are not held yet.
			assert_noop!(call(PHARMACIST_A), Error::<Test>::NoCustody);
			assert_ok!(DrugProvenance::receive(signed(PHARMACIST_A), shipment));
			assert_noop!(call(PHARMACIST_B), Error::<Test>::NoCustody);
			assert_ok!(call(PHARMACIST_A));
			// Its one unit is gone.
			assert_noop!(
				DrugProvenance::dispense(
					signed(PHARMACIST_A),
					id,
					serial(&serials[1]),
					proof_of(&serials, 1)
				),
				Error::<Test>::NoCustody
			);
			assert_noop!(
				DrugProvenance::dispense(
					signed(PHARMACIST_A),
					9,
					serial(&serials[1]),
					proof_of(&serials, 1)
				),
				Error::<Test>::UnknownBatch
			);
		});
	}

	#[test]
	fn bad_proof_is_refused() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, serials) = setup(10);
			to_pharmacy(id, 5);
			let call = |s: &[u8], proof: SerialProofOf<Test>| {
				DrugProvenance::dispense(signed(PHARMACIST_A), id, serial(s), proof)
			};
			let good = proof_of(&serials, 3);
			// Misfit proofs: wrong leaf count, index out of range, shortened, padded.
			assert_noop!(
				call(&serials[3], SerialProof { leaf_count: 11, ..good.clone() }),
				Error::<Test>::InvalidProof
			);
			assert_noop!(
				call(&serials[3], SerialProof { leaf_index: 10, ..good.clone() }),
				Error::<Test>::InvalidProof
			);
			let mut short = good.clone();
			short.siblings.pop();
			assert_noop!(call(&serials[3], short), Error::<Test>::InvalidProof);
			let mut long = good.clone();
			long.siblings.try_push(H256::repeat_byte(7)).unwrap();
			assert_noop!(call(&serials[3], long), Error::<Test>::InvalidProof);
			// Well-formed proofs that do not lead to the root.
			assert_noop!(
				call(&serials[3], SerialProof { leaf_index: 4, ..good.clone() }),
				Error::<Test>::SerialNotInBatch
			);
			let mut tampered = good.clone();
			tampered.siblings[0] = H256::repeat_byte(9);
			assert_noop!(call(&serials[3], tampered), Error::<Test>::SerialNotInBatch);
			// A serial that is not in the batch (a counterfeit) with a genuine proof.
			assert_noop!(call(b"FAKE0001", good.clone()), Error::<Test>::SerialNotInBatch);
			// Malformed serials never reach the proof.
			assert_noop!(call(b"SN 3", good.clone()), Error::<Test>::InvalidSerial);
			assert_noop!(call(b"", good.clone()), Error::<Test>::InvalidSerial);
			assert_ok!(call(&serials[3], good));
		});
	}

	#[test]
	fn a_serial_of_another_batch_is_not_in_this_one() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			let other: Vec<Vec<u8>> = (0..10).map(|i| format!("X{i}").into_bytes()).collect();
			register(GTIN_2);
			let (other_id, _) = (NextBatchId::<Test>::get(), ());
			assert_ok!(DrugProvenance::commission_batch(
				signed(MAKER_A_STAFF),
				gtin_in(GTIN_2),
				lot(b"OTHER"),
				expiry(EXPIRY),
				10,
				serials_root(&other),
			));
			to_pharmacy(id, 5);
			assert_noop!(
				DrugProvenance::dispense(
					signed(PHARMACIST_A),
					id,
					serial(&other[2]),
					proof_of(&other, 2)
				),
				Error::<Test>::SerialNotInBatch
			);
			assert_eq!(other_id, 1);
		});
	}

	#[test]
	fn double_dispense_is_refused() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, serials) = setup(10);
			to_pharmacy(id, 5);
			hand_over(MAKER_A_STAFF, id, PHARMACY_B, PHARMACIST_B, 5);
			dispense(PHARMACIST_A, id, &serials, 3);
			let again = |who| {
				DrugProvenance::dispense(
					signed(who),
					id,
					serial(&serials[3]),
					proof_of(&serials, 3),
				)
			};
			assert_noop!(again(PHARMACIST_A), Error::<Test>::SerialAlreadyDispensed);
			assert_noop!(again(PHARMACIST_B), Error::<Test>::SerialAlreadyDispensed);
		});
	}

	#[test]
	fn expired_batch_cannot_be_dispensed() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, serials) = setup(10);
			to_pharmacy(id, 5);
			// On the expiry day's last millisecond it still can.
			Timestamp::set_timestamp(EXPIRY_END);
			dispense(PHARMACIST_A, id, &serials, 0);
			advance_time(1);
			assert_noop!(
				DrugProvenance::dispense(
					signed(PHARMACIST_A),
					id,
					serial(&serials[1]),
					proof_of(&serials, 1)
				),
				Error::<Test>::ExpiredBatch
			);
			// Expired units can still move (e.g. back to the manufacturer for destruction).
			hand_over(PHARMACIST_A, id, MAKER_A, MAKER_A_STAFF, 4);
			assert_eq!(held(id, MAKER_A), 9);
		});
	}

	#[test]
	fn recalled_batch_cannot_be_dispensed() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, serials) = setup(10);
			to_pharmacy(id, 5);
			assert_ok!(DrugProvenance::recall_batch(signed(INSPECTOR), id, 1));
			assert_noop!(
				DrugProvenance::dispense(
					signed(PHARMACIST_A),
					id,
					serial(&serials[1]),
					proof_of(&serials, 1)
				),
				Error::<Test>::RecalledBatch
			);
		});
	}
}

mod report_suspect {
	use super::*;

	fn report(
		who: AccountId,
		batch_id: BatchId,
		s: &[u8],
		reason: SuspectReason,
	) -> frame_support::dispatch::DispatchResult {
		DrugProvenance::report_suspect(signed(who), batch_id, serial(s), reason)
	}

	#[test]
	fn a_refused_double_dispense_leaves_a_durable_trace() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, serials) = setup(10);
			to_pharmacy(id, 5);
			dispense(PHARMACIST_A, id, &serials, 3);
			advance_time(60_000);
			// The clone is refused and nothing of the attempt is written...
			assert_noop!(
				DrugProvenance::dispense(
					signed(PHARMACIST_A),
					id,
					serial(&serials[3]),
					proof_of(&serials, 3)
				),
				Error::<Test>::SerialAlreadyDispensed
			);
			// ...so the pharmacy reports it, in its own extrinsic.
			assert_ok!(report(PHARMACIST_A, id, &serials[3], SuspectReason::DoubleDispense));
			let hash = serial_hash(&serials[3]);
			System::assert_last_event(
				Event::SuspectReported {
					batch_id: id,
					serial_hash: hash,
					reason: SuspectReason::DoubleDispense,
					reporter: PHARMACY_A,
				}
				.into(),
			);
			assert_eq!(
				DrugProvenance::suspect_reports(id),
				vec![SuspectReport {
					reporter: PHARMACY_A,
					serial_hash: hash,
					reason: SuspectReason::DoubleDispense,
					at: START + 60_000,
					by_regulator: false,
				}]
			);
			assert_eq!(batch(id).suspect_reports, 1);
			let status = DrugProvenance::verify_unit(
				GTIN.to_vec(),
				LOT.to_vec(),
				serials[3].clone(),
				api_proof(&proof_of(&serials, 3)),
			);
			assert_eq!(status.suspect_reports, 1);
		});
	}

	#[test]
	fn an_unknown_serial_is_reported() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 5);
			assert_ok!(report(CLERK, id, b"FAKE0001", SuspectReason::UnknownSerial));
			assert_ok!(report(INSPECTOR, id, b"FAKE0002", SuspectReason::DamagedOrTampered));
			assert_ok!(report(MAKER_A_STAFF, id, b"FAKE0003", SuspectReason::Other));
			assert_eq!(
				DrugProvenance::suspect_reports(id)
					.iter()
					.map(|r| (r.reporter, r.by_regulator))
					.collect::<Vec<_>>(),
				vec![(DISTRIBUTOR, false), (REGULATOR, true), (MAKER_A, false)]
			);
		});
	}

	#[test]
	fn checkable_claims_are_checked() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, serials) = setup(10);
			to_pharmacy(id, 5);
			for reason in
				[SuspectReason::DoubleDispense, SuspectReason::Recalled, SuspectReason::Expired]
			{
				assert_noop!(
					report(PHARMACIST_A, id, &serials[0], reason),
					Error::<Test>::ClaimNotSupported
				);
			}
			dispense(PHARMACIST_A, id, &serials, 0);
			assert_ok!(report(PHARMACIST_A, id, &serials[0], SuspectReason::DoubleDispense));
			assert_noop!(
				report(PHARMACIST_A, id, &serials[1], SuspectReason::DoubleDispense),
				Error::<Test>::ClaimNotSupported
			);
			assert_ok!(DrugProvenance::recall_batch(signed(MAKER_A_STAFF), id, 2));
			assert_ok!(report(PHARMACIST_A, id, &serials[1], SuspectReason::Recalled));
			Timestamp::set_timestamp(EXPIRY_END + 1);
			assert_ok!(report(CLERK, id, &serials[1], SuspectReason::Expired));
		});
	}

	#[test]
	fn reporter_needs_an_active_supply_chain_or_regulator_role() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			let other = SuspectReason::Other;
			assert_noop!(report(OUTSIDER, id, b"S1", other), ConsortiumError::<Test>::NotAMember);
			assert_noop!(report(DOCTOR, id, b"S1", other), ConsortiumError::<Test>::MissingRole);
			suspend(PHARMACY_B);
			assert_noop!(
				report(PHARMACIST_B, id, b"S1", other),
				ConsortiumError::<Test>::SuspendedOrganization
			);
			assert_noop!(report(PHARMACIST_A, id + 1, b"S1", other), Error::<Test>::UnknownBatch);
			assert_noop!(report(MAKER_A_STAFF, id, b"S 1", other), Error::<Test>::InvalidSerial);
			assert_noop!(report(INSPECTOR, id, b"", other), Error::<Test>::InvalidSerial);
		});
	}

	#[test]
	fn at_the_bound_the_oldest_report_is_dropped() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 5);
			hand_over(MAKER_A_STAFF, id, PHARMACY_A, PHARMACIST_A, 5);
			let other = SuspectReason::Other;
			for (who, s) in [
				(PHARMACIST_A, &b"S0"[..]),
				(CLERK, b"S1"),
				(MAKER_A_STAFF, b"S2"),
				(PHARMACIST_A, b"S3"),
				(CLERK, b"S4"),
			] {
				assert_ok!(report(who, id, s, other));
			}
			let kept: Vec<H256> =
				SuspectReports::<Test>::get(id).iter().map(|r| r.serial_hash).collect();
			assert_eq!(kept, vec![serial_hash(b"S2"), serial_hash(b"S3"), serial_hash(b"S4")]);
			assert_eq!(batch(id).suspect_reports, MAX_REPORTS + 2);
		});
	}

	/// L3: an organization with no relation to a batch cannot report on it.
	#[test]
	fn only_related_organizations_and_regulators_report() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, serials) = setup(10);
			let other = SuspectReason::Other;
			// Competitors, distributors and pharmacies that never had the batch.
			for who in [MAKER_B_STAFF, CLERK, PHARMACIST_A, PHARMACIST_B] {
				assert_noop!(report(who, id, b"S1", other), Error::<Test>::NotBatchParty);
			}
			// The manufacturer and any Regulator may.
			assert_ok!(report(MAKER_A_STAFF, id, b"S1", other));
			assert_ok!(report(INSPECTOR, id, b"S1", other));
			// A holder, a past holder, and a recipient that refused its shipment may.
			hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 6);
			hand_over(CLERK, id, PHARMACY_A, PHARMACIST_A, 6);
			let refused = ship(PHARMACIST_A, id, PHARMACY_B, 1);
			assert_ok!(DrugProvenance::reject_shipment(signed(PHARMACIST_B), refused));
			assert!(!holder_list(id).contains(&DISTRIBUTOR));
			assert!(!holder_list(id).contains(&PHARMACY_B));
			assert_ok!(report(PHARMACIST_A, id, &serials[0], SuspectReason::DamagedOrTampered));
			assert_ok!(report(CLERK, id, b"S2", other));
			assert_ok!(report(PHARMACIST_B, id, b"S3", other));
			assert!(CustodyParties::<Test>::contains_key(id, PHARMACY_B));
			assert!(!CustodyParties::<Test>::contains_key(id, MAKER_B));
		});
	}

	#[test]
	fn the_products_new_owner_may_report_on_earlier_batches() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			assert_noop!(
				report(MAKER_B_STAFF, id, b"S1", SuspectReason::UnknownSerial),
				Error::<Test>::NotBatchParty
			);
			assert_ok!(DrugProvenance::reassign_product(root(), gtin_in(GTIN), MAKER_B));
			assert_ok!(report(MAKER_B_STAFF, id, b"S1", SuspectReason::UnknownSerial));
			// The batch's manufacturer still may.
			assert_ok!(report(MAKER_A_STAFF, id, b"S2", SuspectReason::Other));
		});
	}

	/// L3: one reporter cannot fill a batch's list.
	#[test]
	fn a_reporter_keeps_at_most_max_reports_per_reporter() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			for i in 0..MAX_REPORTS_PER_REPORTER {
				assert_ok!(report(
					MAKER_A_STAFF,
					id,
					format!("S{i}").as_bytes(),
					SuspectReason::Other
				));
			}
			assert_noop!(
				report(MAKER_A, id, b"S9", SuspectReason::Other),
				Error::<Test>::TooManyReports
			);
			// Regulators are bounded the same way.
			for i in 0..MAX_REPORTS_PER_REPORTER {
				assert_ok!(report(INSPECTOR, id, format!("R{i}").as_bytes(), SuspectReason::Other));
			}
			assert_noop!(
				report(INSPECTOR, id, b"R9", SuspectReason::Other),
				Error::<Test>::TooManyReports
			);
			// Once its oldest report was dropped, the manufacturer may report again.
			assert_eq!(
				SuspectReports::<Test>::get(id).iter().filter(|r| r.reporter == MAKER_A).count(),
				1
			);
			assert_ok!(report(MAKER_A_STAFF, id, b"S9", SuspectReason::Other));
		});
	}

	/// L3: other organizations' reports never push a Regulator's report out.
	#[test]
	fn regulators_reports_are_never_evicted_by_others() {
		const REGULATOR_B: AccountId = 72;
		ExtBuilder::default()
			.with_organization(REGULATOR_B, pallet_consortium::Role::Regulator.bit(), &[])
			.build_and_execute(|| {
				let (id, _) = setup(10);
				hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 5);
				assert_ok!(report(CLERK, id, b"S0", SuspectReason::Other));
				assert_ok!(report(INSPECTOR, id, b"R0", SuspectReason::Other));
				assert_ok!(report(INSPECTOR, id, b"R1", SuspectReason::Other));
				// Full: the manufacturer's report drops the clerk's, not the regulator's.
				assert_ok!(report(MAKER_A_STAFF, id, b"S1", SuspectReason::Other));
				let kept = || -> Vec<(AccountId, H256)> {
					SuspectReports::<Test>::get(id)
						.iter()
						.map(|r| (r.reporter, r.serial_hash))
						.collect()
				};
				assert_eq!(
					kept(),
					vec![
						(REGULATOR, serial_hash(b"R0")),
						(REGULATOR, serial_hash(b"R1")),
						(MAKER_A, serial_hash(b"S1"))
					]
				);
				// Another regulator's report drops the manufacturer's.
				assert_ok!(report(REGULATOR_B, id, b"R2", SuspectReason::Other));
				assert!(SuspectReports::<Test>::get(id).iter().all(|r| r.by_regulator));
				// Now nobody but a Regulator can add a report...
				assert_noop!(
					report(CLERK, id, b"S2", SuspectReason::Other),
					Error::<Test>::SuspectReportsFull
				);
				// ...and a Regulator's report drops the oldest Regulator's report.
				assert_ok!(report(REGULATOR_B, id, b"R3", SuspectReason::Other));
				assert_eq!(
					kept(),
					vec![
						(REGULATOR, serial_hash(b"R1")),
						(REGULATOR_B, serial_hash(b"R2")),
						(REGULATOR_B, serial_hash(b"R3"))
					]
				);
				assert_eq!(batch(id).suspect_reports, 6);
			});
	}
}

mod recall_batch {
	use super::*;

	#[test]
	fn manufacturer_recalls_and_every_holder_is_listed() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(100);
			hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 60);
			hand_over(CLERK, id, PHARMACY_A, PHARMACIST_A, 20);
			ship(CLERK, id, PHARMACY_B, 15);
			assert_ok!(DrugProvenance::recall_batch(signed(MAKER_A_STAFF), id, 42));
			System::assert_last_event(
				Event::BatchRecalled {
					batch_id: id,
					by: MAKER_A,
					reason_code: 42,
					holders: BoundedVec::truncate_from(vec![
						(MAKER_A, c(40, 0, 0)),
						(DISTRIBUTOR, c(25, 0, 15)),
						(PHARMACY_A, c(20, 0, 0)),
						(PHARMACY_B, c(0, 15, 0)),
					]),
					in_transit: 15,
				}
				.into(),
			);
			assert_eq!(
				batch(id).recalled,
				Some(Recall { by: MAKER_A, reason_code: 42, at: START })
			);
			assert_eq!(
				DrugProvenance::batch_history(id).last(),
				Some(&CustodyEvent::Recalled { by: MAKER_A, reason_code: 42, at: START })
			);
		});
	}

	#[test]
	fn a_regulator_recalls_any_batch() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			assert_ok!(DrugProvenance::recall_batch(signed(INSPECTOR), id, 3));
			assert!(batch(id).recalled.is_some_and(|r| r.by == REGULATOR));
		});
	}

	#[test]
	fn only_the_manufacturer_or_a_regulator() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			let call = |who| DrugProvenance::recall_batch(signed(who), id, 1);
			assert_noop!(call(OUTSIDER), ConsortiumError::<Test>::NotAMember);
			assert_noop!(call(MAKER_B_STAFF), Error::<Test>::NotManufacturerOrRegulator);
			assert_noop!(call(CLERK), Error::<Test>::NotManufacturerOrRegulator);
			assert_noop!(call(PHARMACIST_A), Error::<Test>::NotManufacturerOrRegulator);
			assert_noop!(
				DrugProvenance::recall_batch(signed(INSPECTOR), id + 1, 1),
				Error::<Test>::UnknownBatch
			);
			suspend(MAKER_A);
			assert_noop!(call(MAKER_A_STAFF), ConsortiumError::<Test>::SuspendedOrganization);
			suspend(REGULATOR);
			assert_noop!(call(INSPECTOR), ConsortiumError::<Test>::SuspendedOrganization);
		});
	}

	#[test]
	fn a_manufacturer_that_lost_its_role_cannot_recall() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			assert_ok!(ConsortiumCall::set_roles(
				RuntimeOrigin::root(),
				MAKER_A,
				pallet_consortium::Roles::only(pallet_consortium::Role::Distributor)
			));
			assert_noop!(
				DrugProvenance::recall_batch(signed(MAKER_A_STAFF), id, 1),
				Error::<Test>::NotManufacturerOrRegulator
			);
		});
	}

	#[test]
	fn recalling_twice_fails() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			assert_ok!(DrugProvenance::recall_batch(signed(MAKER_A_STAFF), id, 1));
			assert_noop!(
				DrugProvenance::recall_batch(signed(INSPECTOR), id, 2),
				Error::<Test>::AlreadyRecalled
			);
		});
	}

	#[test]
	fn a_recalled_batch_stops_moving_but_shipments_can_be_cancelled() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 6);
			let pending = ship(CLERK, id, PHARMACY_A, 4);
			assert_ok!(DrugProvenance::recall_batch(signed(INSPECTOR), id, 1));
			assert_noop!(
				DrugProvenance::ship(signed(CLERK), id, PHARMACY_B, 1),
				Error::<Test>::RecalledBatch
			);
			assert_noop!(
				DrugProvenance::ship(signed(MAKER_A_STAFF), id, DISTRIBUTOR, 1),
				Error::<Test>::RecalledBatch
			);
			assert_noop!(
				DrugProvenance::receive(signed(PHARMACIST_A), pending),
				Error::<Test>::RecalledBatch
			);
			assert_ok!(DrugProvenance::cancel_shipment(signed(CLERK), pending));
			assert_eq!(custody(id, DISTRIBUTOR), c(6, 0, 0));
			assert_eq!(holder_list(id), vec![MAKER_A, DISTRIBUTOR]);
		});
	}
}

mod history {
	use super::*;

	#[test]
	fn records_every_custody_step_in_order() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, serials) = setup(10);
			let s0 = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 8);
			assert_ok!(DrugProvenance::receive(signed(CLERK), s0));
			let s1 = ship(CLERK, id, PHARMACY_A, 3);
			assert_ok!(DrugProvenance::cancel_shipment(signed(CLERK), s1));
			hand_over(CLERK, id, PHARMACY_A, PHARMACIST_A, 3);
			dispense(PHARMACIST_A, id, &serials, 0);
			let kinds = || -> Vec<&str> {
				DrugProvenance::batch_history(id)
					.iter()
					.map(|e| match e {
						CustodyEvent::Commissioned { .. } => "commissioned",
						CustodyEvent::Shipped { .. } => "shipped",
						CustodyEvent::Received { .. } => "received",
						CustodyEvent::Cancelled { .. } => "cancelled",
						CustodyEvent::Dispensed { .. } => "dispensed",
						CustodyEvent::Recalled { .. } => "recalled",
						CustodyEvent::Rejected { .. } => "rejected",
						CustodyEvent::Destroyed { .. } => "destroyed",
					})
					.collect()
			};
			assert_eq!(
				kinds(),
				[
					"commissioned",
					"shipped",
					"received",
					"shipped",
					"cancelled",
					"shipped",
					"received",
					"dispensed"
				]
			);
			assert_ok!(DrugProvenance::recall_batch(signed(INSPECTOR), id, 9));
			assert_eq!(
				kinds(),
				[
					"commissioned",
					"received",
					"shipped",
					"cancelled",
					"shipped",
					"received",
					"dispensed",
					"recalled"
				]
			);
			// MAX_HISTORY = 8: the recall dropped the oldest entry after Commissioned.
			let history = DrugProvenance::batch_history(id);
			assert_eq!(history.len() as u32, MAX_HISTORY);
			assert!(matches!(history.first(), Some(CustodyEvent::Commissioned { .. })));
			assert!(matches!(history.last(), Some(CustodyEvent::Recalled { reason_code: 9, .. })));
			assert_eq!(batch(id).history_pruned, 1);
		});
	}

	#[test]
	fn at_the_bound_commissioned_and_the_newest_entries_are_kept() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(100);
			let mut ids = vec![];
			for _ in 0..10 {
				ids.push(ship(MAKER_A_STAFF, id, DISTRIBUTOR, 1));
			}
			let history = BatchHistory::<Test>::get(id);
			assert_eq!(history.len() as u32, MAX_HISTORY);
			assert!(matches!(
				history.first(),
				Some(CustodyEvent::Commissioned { quantity: 100, .. })
			));
			let shipped: Vec<ShipmentId> = history
				.iter()
				.filter_map(|e| match e {
					CustodyEvent::Shipped { shipment_id, .. } => Some(*shipment_id),
					_ => None,
				})
				.collect();
			assert_eq!(shipped, ids[3..].to_vec());
			assert_eq!(batch(id).history_pruned, 3);
		});
	}

	#[test]
	fn dispenses_by_alternating_pharmacies_are_separate_runs() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, serials) = setup(10);
			hand_over(MAKER_A_STAFF, id, PHARMACY_A, PHARMACIST_A, 5);
			hand_over(MAKER_A_STAFF, id, PHARMACY_B, PHARMACIST_B, 5);
			dispense(PHARMACIST_A, id, &serials, 0);
			dispense(PHARMACIST_A, id, &serials, 1);
			dispense(PHARMACIST_B, id, &serials, 2);
			dispense(PHARMACIST_A, id, &serials, 3);
			let runs: Vec<(AccountId, u32)> = DrugProvenance::batch_history(id)
				.into_iter()
				.filter_map(|e| match e {
					CustodyEvent::Dispensed { pharmacy, count, .. } => Some((pharmacy, count)),
					_ => None,
				})
				.collect();
			assert_eq!(runs, vec![(PHARMACY_A, 2), (PHARMACY_B, 1), (PHARMACY_A, 1)]);
		});
	}
}

mod conservation {
	use super::*;

	/// `sum(held) + in_transit + dispensed == quantity`, checked by hand (try_state checks
	/// it again at the end of every test).
	fn assert_conserved(id: BatchId) {
		let b = batch(id);
		let held: u32 = DrugProvenance::holders(id).iter().map(|(_, c)| c.held).sum();
		assert_eq!(held + b.in_transit + b.dispensed + b.destroyed, b.quantity);
	}

	#[test]
	fn holds_across_splits_cancels_and_dispenses() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, serials) = setup(50);
			let s0 = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 30);
			assert_conserved(id);
			let s1 = ship(MAKER_A_STAFF, id, DISTRIBUTOR_B, 10);
			assert_conserved(id);
			assert_ok!(DrugProvenance::receive(signed(CLERK), s0));
			assert_ok!(DrugProvenance::cancel_shipment(signed(MAKER_A_STAFF), s1));
			assert_conserved(id);
			hand_over(CLERK, id, PHARMACY_A, PHARMACIST_A, 12);
			let s2 = ship(CLERK, id, PHARMACY_B, 10);
			assert_conserved(id);
			for k in 0..5 {
				dispense(PHARMACIST_A, id, &serials, k);
			}
			assert_conserved(id);
			assert_ok!(DrugProvenance::receive(signed(PHARMACIST_B), s2));
			dispense(PHARMACIST_B, id, &serials, 40);
			assert_conserved(id);
			assert_eq!(
				DrugProvenance::holders(id),
				vec![
					(MAKER_A, c(20, 0, 0)),
					(DISTRIBUTOR, c(8, 0, 0)),
					(PHARMACY_A, c(7, 0, 0)),
					(PHARMACY_B, c(9, 0, 0)),
				]
			);
			assert_eq!(batch(id).dispensed, 6);
			assert_eq!(DrugProvenance::do_try_state(), Ok(()));
		});
	}

	#[test]
	fn try_state_catches_broken_conservation() {
		ExtBuilder::default().build().execute_with(|| {
			let (id, _) = setup(10);
			assert_eq!(DrugProvenance::do_try_state(), Ok(()));
			Holdings::<Test>::insert(id, MAKER_A, c(11, 0, 0));
			assert!(DrugProvenance::do_try_state().is_err());
			Holdings::<Test>::insert(id, MAKER_A, c(10, 0, 0));
			assert_eq!(DrugProvenance::do_try_state(), Ok(()));
			Batches::<Test>::mutate(id, |b| b.as_mut().unwrap().in_transit = 1);
			assert!(DrugProvenance::do_try_state().is_err());
		});
	}

	#[test]
	fn try_state_catches_an_unlisted_holder() {
		ExtBuilder::default().build().execute_with(|| {
			let (id, _) = setup(10);
			ship(MAKER_A_STAFF, id, DISTRIBUTOR, 4);
			BatchHolders::<Test>::mutate(id, |h| h.retain(|a| *a != DISTRIBUTOR));
			assert!(DrugProvenance::do_try_state().is_err());
		});
	}
}

mod runtime_api {
	use super::*;

	#[test]
	fn verify_unit_reports_everything_about_a_pack() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, serials) = setup(10);
			to_pharmacy(id, 5);
			let check = |k: usize| {
				DrugProvenance::verify_unit(
					GTIN.to_vec(),
					LOT.to_vec(),
					serials[k].clone(),
					api_proof(&proof_of(&serials, k as u32)),
				)
			};
			let fresh = check(2);
			assert_eq!(
				fresh,
				UnitStatus {
					batch_id: Some(id),
					manufacturer: Some(MAKER_A),
					batch_manufacturer: Some(MAKER_A),
					authentic: true,
					dispensed: None,
					recalled: false,
					expired: false,
					expiry: Some(ExpiryDate { year: 2027, month: 12, day: 31 }),
					holders: vec![(MAKER_A, c(5, 0, 0)), (PHARMACY_A, c(5, 0, 0))],
					suspect_reports: 0,
				}
			);
			assert!(fresh.is_dispensable());
			dispense(PHARMACIST_A, id, &serials, 2);
			assert_eq!(check(2).dispensed, Some(DispenseInfo { pharmacy: PHARMACY_A, at: START }));
			assert!(!check(2).is_dispensable());
			// A fake serial, a wrong proof.
			let fake = DrugProvenance::verify_unit(
				GTIN.to_vec(),
				LOT.to_vec(),
				b"FAKE".to_vec(),
				api_proof(&proof_of(&serials, 2)),
			);
			assert!(!fake.authentic && fake.batch_id == Some(id));
			let long_serial = DrugProvenance::verify_unit(
				GTIN.to_vec(),
				LOT.to_vec(),
				vec![b'S'; 21],
				api_proof(&proof_of(&serials, 2)),
			);
			assert!(!long_serial.authentic);
			// Expired, recalled.
			Timestamp::set_timestamp(EXPIRY_END + 1);
			assert!(check(3).expired && !check(3).is_dispensable());
			assert_ok!(DrugProvenance::recall_batch(signed(INSPECTOR), id, 5));
			assert!(check(3).recalled);
		});
	}

	#[test]
	fn verify_unit_of_an_unknown_pack() {
		ExtBuilder::default().build_and_execute(|| {
			let (_, serials) = setup(10);
			let proof = api_proof(&proof_of(&serials, 0));
			let unknown = |g: &[u8], l: &[u8]| {
				DrugProvenance::verify_unit(
					g.to_vec(),
					l.to_vec(),
					serials[0].clone(),
					proof.clone(),
				)
			};
			assert_eq!(unknown(GTIN_2, LOT), UnitStatus::unknown());
			assert_eq!(unknown(b"09506000134353", LOT), UnitStatus::unknown());
			assert_eq!(unknown(GTIN, b"OTHER"), UnitStatus::unknown());
			assert_eq!(unknown(GTIN, &[b'L'; 21]), UnitStatus::unknown());
			assert!(unknown(GTIN, LOT).authentic);
		});
	}

	#[test]
	fn queries() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, serials) = setup(10);
			hand_over(MAKER_A_STAFF, id, PHARMACY_A, PHARMACIST_A, 2);
			let pending = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 3);
			assert_eq!(DrugProvenance::batch_of(GTIN.to_vec(), LOT.to_vec()), Some(id));
			assert_eq!(DrugProvenance::batch_of(b"bad".to_vec(), LOT.to_vec()), None);
			let info = DrugProvenance::batch(id).expect("batch");
			assert_eq!(info.lot, LOT.to_vec());
			assert_eq!(info.serials_root, serials_root(&serials));
			assert_eq!(info.in_transit, 3);
			assert_eq!(DrugProvenance::batch(id + 1), None);
			assert_eq!(
				DrugProvenance::holders(id),
				vec![(MAKER_A, c(5, 0, 3)), (PHARMACY_A, c(2, 0, 0)), (DISTRIBUTOR, c(0, 3, 0))]
			);
			assert_eq!(DrugProvenance::batch_history(id).len(), 4);
			assert!(DrugProvenance::batch_history(id + 1).is_empty());
			assert!(DrugProvenance::holders(id + 1).is_empty());
			assert!(DrugProvenance::suspect_reports(id).is_empty());
			assert_eq!(DrugProvenance::shipment(pending).map(|s| s.quantity), Some(3));
			assert_eq!(DrugProvenance::shipment(pending + 1), None);
			assert_eq!(
				DrugProvenance::products_of(&MAKER_A),
				vec![(
					gtin(GTIN),
					Product {
						manufacturer: MAKER_A,
						metadata_hash: metadata(),
						registered_at: START
					}
				)]
			);
		});
	}
}

mod mock_setup {
	use super::*;
	use pallet_consortium::{Role, RoleProvider};

	#[test]
	fn genesis_consortium() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(DrugProvenance::now(), START);
			assert_eq!(Consortium::ensure_role(&MAKER_A_STAFF, Role::Manufacturer), Ok(MAKER_A));
			assert_eq!(Consortium::organization_of(&PHARMACIST_A), Some(PHARMACY_A));
			assert!(Consortium::has_role(&REGULATOR, Role::Regulator));
			assert_eq!(NextBatchId::<Test>::get(), 0);
			assert_eq!(NextShipmentId::<Test>::get(), 0);
		});
	}

	#[test]
	fn empty_consortium_has_no_members() {
		ExtBuilder::empty().build_and_execute(|| {
			assert_noop!(
				DrugProvenance::register_product(signed(MAKER_A_STAFF), gtin_in(GTIN), metadata()),
				ConsortiumError::<Test>::NotAMember
			);
		});
	}

	#[test]
	fn a_wholesaler_pharmacy_holds_several_roles() {
		const WHOLESALER: AccountId = 90;
		const WHOLESALER_STAFF: AccountId = 91;
		ExtBuilder::default()
			.with_organization(
				WHOLESALER,
				Role::Distributor.bit() | Role::Pharmacy.bit(),
				&[WHOLESALER_STAFF],
			)
			.with_time(EXPIRY_END - DAY)
			.build_and_execute(|| {
				let (id, serials) = setup(4);
				hand_over(MAKER_A_STAFF, id, WHOLESALER, WHOLESALER_STAFF, 4);
				hand_over(WHOLESALER_STAFF, id, PHARMACY_A, PHARMACIST_A, 1);
				dispense(WHOLESALER_STAFF, id, &serials, 0);
				assert_eq!(held(id, WHOLESALER), 2);
				// The expiry is tomorrow: dispensable today, not the day after tomorrow.
				advance_time(2 * DAY);
				assert_noop!(
					DrugProvenance::dispense(
						signed(WHOLESALER_STAFF),
						id,
						serial(&serials[1]),
						proof_of(&serials, 1)
					),
					Error::<Test>::ExpiredBatch
				);
			});
	}
}

mod company_prefix_gs1 {
	use super::*;

	#[test]
	fn prefixes_are_6_to_12_digits() {
		assert_eq!(
			CompanyPrefix::parse(b"950600").map(|p| p.as_bytes().to_vec()),
			Ok(b"950600".to_vec())
		);
		assert!(CompanyPrefix::parse(b"950600013435").is_ok());
		assert_eq!(CompanyPrefix::parse(b"95060"), Err(CompanyPrefixError::Length));
		assert_eq!(CompanyPrefix::parse(b"9506000134352"), Err(CompanyPrefixError::Length));
		assert_eq!(CompanyPrefix::parse(b""), Err(CompanyPrefixError::Length));
		assert_eq!(CompanyPrefix::parse(b"95060A"), Err(CompanyPrefixError::NotDigits));
		assert_eq!(CompanyPrefix::parse(b"950 600"), Err(CompanyPrefixError::NotDigits));
	}

	#[test]
	fn a_gtins_candidate_prefixes_follow_the_indicator_digit() {
		let candidates: Vec<Vec<u8>> =
			gtin(b"10012345678902").company_prefixes().map(|p| p.as_bytes().to_vec()).collect();
		assert_eq!(
			candidates,
			vec![
				b"001234".to_vec(),
				b"0012345".to_vec(),
				b"00123456".to_vec(),
				b"001234567".to_vec(),
				b"0012345678".to_vec(),
				b"00123456789".to_vec(),
				b"001234567890".to_vec(),
			]
		);
		assert_eq!(gtin(GTIN).company_prefix(5), None);
		assert_eq!(gtin(GTIN).company_prefix(13), None);
		let shorter: Vec<Vec<u8>> =
			prefix(b"95060001").shorter_prefixes().map(|p| p.as_bytes().to_vec()).collect();
		assert_eq!(shorter, vec![b"950600".to_vec(), b"9506000".to_vec()]);
		assert_eq!(prefix(b"950600").shorter_prefixes().count(), 0);
	}
}

mod company_prefixes {
	use super::*;

	#[test]
	fn governance_assigns_a_prefix() {
		ExtBuilder::default().without_company_prefixes().build_and_execute(|| {
			assert_ok!(DrugProvenance::assign_company_prefix(
				root(),
				prefix_in(b"95060001"),
				MAKER_A
			));
			System::assert_last_event(
				Event::CompanyPrefixAssigned { prefix: prefix(b"95060001"), manufacturer: MAKER_A }
					.into(),
			);
			assert_eq!(CompanyPrefixes::<Test>::get(prefix(b"95060001")), Some(MAKER_A));
			assert_eq!(LongerPrefixes::<Test>::get(prefix(b"950600")), 1);
			assert_eq!(LongerPrefixes::<Test>::get(prefix(b"9506000")), 1);
			assert_eq!(LongerPrefixes::<Test>::iter().count(), 2);
			// GTINs under it can be registered by Maker A now.
			assert_ok!(DrugProvenance::register_product(
				signed(MAKER_A_STAFF),
				gtin_in(b"09506000134352"),
				metadata()
			));
		});
	}

	#[test]
	fn genesis_assigns_prefixes() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(CompanyPrefixes::<Test>::get(prefix(PREFIX_A)), Some(MAKER_A));
			assert_eq!(CompanyPrefixes::<Test>::get(prefix(PREFIX_A2)), Some(MAKER_A));
			assert_eq!(CompanyPrefixes::<Test>::get(prefix(PREFIX_B)), Some(MAKER_B));
			assert_eq!(
				DrugProvenance::company_prefix_owner(&gtin(GTIN_B)),
				Some((prefix(PREFIX_B), MAKER_B))
			);
			assert_eq!(DrugProvenance::company_prefix_owner(&gtin(GTIN_UNASSIGNED)), None);
		});
	}

	#[test]
	#[should_panic(expected = "duplicate or overlapping genesis company prefix")]
	fn genesis_refuses_overlapping_prefixes() {
		ExtBuilder::default().with_company_prefix(b"9506000", MAKER_B).build();
	}

	#[test]
	#[should_panic(expected = "invalid genesis company prefix")]
	fn genesis_refuses_malformed_prefixes() {
		ExtBuilder::default().with_company_prefix(b"12345", MAKER_B).build();
	}

	#[test]
	fn only_governance_assigns_and_revokes() {
		ExtBuilder::default().build_and_execute(|| {
			for who in [MAKER_A, MAKER_A_STAFF, INSPECTOR, OUTSIDER] {
				assert_noop!(
					DrugProvenance::assign_company_prefix(
						signed(who),
						prefix_in(b"777777"),
						MAKER_A
					),
					BadOrigin
				);
				assert_noop!(
					DrugProvenance::revoke_company_prefix(signed(who), prefix_in(PREFIX_A)),
					BadOrigin
				);
			}
		});
	}

	#[test]
	fn malformed_prefixes_are_refused() {
		ExtBuilder::default().build_and_execute(|| {
			let assign =
				|d: &[u8]| DrugProvenance::assign_company_prefix(root(), prefix_in(d), MAKER_A);
			assert_noop!(assign(b"77777A"), Error::<Test>::InvalidCompanyPrefix);
			assert_noop!(assign(b"77 777"), Error::<Test>::InvalidCompanyPrefix);
			assert_noop!(assign(b"77777"), Error::<Test>::InvalidCompanyPrefixLength);
			assert_noop!(assign(b""), Error::<Test>::InvalidCompanyPrefixLength);
			assert_noop!(assign(b"7777777777777"), Error::<Test>::InvalidCompanyPrefixLength);
			assert_noop!(assign(b"77777777777777"), Error::<Test>::InvalidCompanyPrefixLength);
			let revoke = |d: &[u8]| DrugProvenance::revoke_company_prefix(root(), prefix_in(d));
			assert_noop!(revoke(b"9506x0"), Error::<Test>::InvalidCompanyPrefix);
			assert_noop!(revoke(b"95060"), Error::<Test>::InvalidCompanyPrefixLength);
		});
	}

	#[test]
	fn only_an_active_manufacturer_organization_gets_a_prefix() {
		ExtBuilder::default().build_and_execute(|| {
			let assign =
				|to| DrugProvenance::assign_company_prefix(root(), prefix_in(b"777777"), to);
			assert_noop!(assign(DISTRIBUTOR), Error::<Test>::NotAManufacturer);
			assert_noop!(assign(REGULATOR), Error::<Test>::NotAManufacturer);
			assert_noop!(assign(OUTSIDER), Error::<Test>::NotAManufacturer);
			// A staff key is not an organization.
			assert_noop!(assign(MAKER_B_STAFF), Error::<Test>::NotAManufacturer);
			suspend(MAKER_B);
			assert_noop!(assign(MAKER_B), Error::<Test>::NotAManufacturer);
			assert_ok!(assign(MAKER_A));
		});
	}

	#[test]
	fn a_prefix_is_assigned_once() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				DrugProvenance::assign_company_prefix(root(), prefix_in(PREFIX_A), MAKER_B),
				Error::<Test>::CompanyPrefixAlreadyAssigned
			);
			assert_noop!(
				DrugProvenance::assign_company_prefix(root(), prefix_in(PREFIX_A), MAKER_A),
				Error::<Test>::CompanyPrefixAlreadyAssigned
			);
		});
	}

	#[test]
	fn overlapping_prefixes_are_refused() {
		ExtBuilder::default().build_and_execute(|| {
			let assign =
				|d: &[u8]| DrugProvenance::assign_company_prefix(root(), prefix_in(d), MAKER_B);
			// Longer prefixes starting with Maker A's 950600 (they would capture its GTINs).
			assert_noop!(assign(b"9506000"), Error::<Test>::CompanyPrefixOverlaps);
			assert_noop!(assign(b"950600013435"), Error::<Test>::CompanyPrefixOverlaps);
			// And, with a long prefix assigned, the shorter ones it starts with.
			assert_ok!(assign(b"88888888"));
			assert_noop!(assign(b"888888"), Error::<Test>::CompanyPrefixOverlaps);
			assert_noop!(assign(b"8888888"), Error::<Test>::CompanyPrefixOverlaps);
			// Siblings do not overlap.
			assert_ok!(assign(b"88888889"));
			assert_ok!(assign(b"888888900"));
			assert_eq!(LongerPrefixes::<Test>::get(prefix(b"888888")), 3);
			assert_eq!(LongerPrefixes::<Test>::get(prefix(b"8888888")), 2);
			assert_eq!(LongerPrefixes::<Test>::get(prefix(b"88888890")), 1);
		});
	}

	#[test]
	fn governance_revokes_a_prefix() {
		ExtBuilder::default().build_and_execute(|| {
			register(GTIN);
			assert_ok!(DrugProvenance::revoke_company_prefix(root(), prefix_in(PREFIX_A)));
			System::assert_last_event(
				Event::CompanyPrefixRevoked { prefix: prefix(PREFIX_A), manufacturer: MAKER_A }
					.into(),
			);
			assert_eq!(CompanyPrefixes::<Test>::get(prefix(PREFIX_A)), None);
			// No new GTIN under it...
			assert_noop!(
				DrugProvenance::register_product(
					signed(MAKER_A_STAFF),
					gtin_in(GTIN_A3),
					metadata()
				),
				Error::<Test>::CompanyPrefixNotAssigned
			);
			// ...but the product registered before stays Maker A's and can be commissioned.
			assert_eq!(Products::<Test>::get(gtin(GTIN)).map(|p| p.manufacturer), Some(MAKER_A));
			commission_lot(GTIN, LOT, 3);
			// The prefix can be given to someone else, or a longer one next to it.
			assert_ok!(DrugProvenance::assign_company_prefix(
				root(),
				prefix_in(b"9506000134"),
				MAKER_B
			));
			assert_ok!(DrugProvenance::register_product(
				signed(MAKER_B_STAFF),
				gtin_in(GTIN_A3),
				metadata()
			));
			assert_noop!(
				DrugProvenance::assign_company_prefix(root(), prefix_in(PREFIX_A), MAKER_A),
				Error::<Test>::CompanyPrefixOverlaps
			);
			assert_ok!(DrugProvenance::revoke_company_prefix(root(), prefix_in(b"9506000134")));
			assert_eq!(LongerPrefixes::<Test>::iter().count(), 0);
			assert_ok!(DrugProvenance::assign_company_prefix(root(), prefix_in(PREFIX_A), MAKER_A));
		});
	}

	#[test]
	fn revoking_an_unknown_prefix_fails() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				DrugProvenance::revoke_company_prefix(root(), prefix_in(b"777777")),
				Error::<Test>::UnknownCompanyPrefix
			);
			// A longer prefix than an assigned one is not the assigned one.
			assert_noop!(
				DrugProvenance::revoke_company_prefix(root(), prefix_in(b"9506000")),
				Error::<Test>::UnknownCompanyPrefix
			);
		});
	}

	#[test]
	fn try_state_catches_broken_prefix_counters() {
		ExtBuilder::default().build().execute_with(|| {
			assert_eq!(DrugProvenance::do_try_state(), Ok(()));
			LongerPrefixes::<Test>::insert(prefix(b"123456"), 1);
			assert!(DrugProvenance::do_try_state().is_err());
			LongerPrefixes::<Test>::remove(prefix(b"123456"));
			assert_eq!(DrugProvenance::do_try_state(), Ok(()));
			// An overlapping pair written around the call's checks.
			CompanyPrefixes::<Test>::insert(prefix(b"9506001"), MAKER_B);
			assert!(DrugProvenance::do_try_state().is_err());
		});
	}
}

mod reassign_product {
	use super::*;

	#[test]
	fn governance_moves_a_squatted_product_to_its_owner() {
		ExtBuilder::default().build_and_execute(|| {
			// Maker B's GTIN was registered by Maker A (e.g. before prefixes were modelled,
			// or under a prefix governance assigned by mistake) and a batch was made.
			let (old_batch, serials) = setup(10);
			register(GTIN_2);
			assert_ok!(DrugProvenance::reassign_product(root(), gtin_in(GTIN), MAKER_B));
			System::assert_last_event(
				Event::ProductReassigned { gtin: gtin(GTIN), from: MAKER_A, to: MAKER_B }.into(),
			);
			assert_eq!(Products::<Test>::get(gtin(GTIN)).map(|p| p.manufacturer), Some(MAKER_B));
			assert_eq!(ProductsOf::<Test>::get(MAKER_A).into_inner(), vec![gtin(GTIN_2)]);
			assert_eq!(ProductsOf::<Test>::get(MAKER_B).into_inner(), vec![gtin(GTIN)]);
			// Only the new owner commissions new lots.
			assert_noop!(
				DrugProvenance::commission_batch(
					signed(MAKER_A_STAFF),
					gtin_in(GTIN),
					lot(b"L2"),
					expiry(EXPIRY),
					5,
					H256::repeat_byte(1)
				),
				Error::<Test>::NotProductOwner
			);
			assert_ok!(DrugProvenance::commission_batch(
				signed(MAKER_B_STAFF),
				gtin_in(GTIN),
				lot(b"L2"),
				expiry(EXPIRY),
				5,
				H256::repeat_byte(1)
			));
			// The old batch still names Maker A as its maker; scanners see both.
			assert_eq!(batch(old_batch).manufacturer, MAKER_A);
			let status = DrugProvenance::verify_unit(
				GTIN.to_vec(),
				LOT.to_vec(),
				serials[0].clone(),
				api_proof(&proof_of(&serials, 0)),
			);
			assert_eq!(status.manufacturer, Some(MAKER_B));
			assert_eq!(status.batch_manufacturer, Some(MAKER_A));
			assert!(status.authentic);
			// Moving the last product away removes the list.
			assert_ok!(DrugProvenance::reassign_product(root(), gtin_in(GTIN_2), MAKER_B));
			assert!(!ProductsOf::<Test>::contains_key(MAKER_A));
		});
	}

	#[test]
	fn errors() {
		ExtBuilder::default().build_and_execute(|| {
			register(GTIN);
			let call = |g: &[u8], to| DrugProvenance::reassign_product(root(), gtin_in(g), to);
			assert_noop!(
				DrugProvenance::reassign_product(signed(MAKER_B_STAFF), gtin_in(GTIN), MAKER_B),
				BadOrigin
			);
			assert_noop!(call(b"0950600013435", MAKER_B), Error::<Test>::InvalidGtin);
			assert_noop!(call(b"09506000134353", MAKER_B), Error::<Test>::InvalidGtinCheckDigit);
			assert_noop!(call(GTIN_2, MAKER_B), Error::<Test>::UnknownProduct);
			assert_noop!(call(GTIN, DISTRIBUTOR), Error::<Test>::NotAManufacturer);
			assert_noop!(call(GTIN, MAKER_B_STAFF), Error::<Test>::NotAManufacturer);
			assert_noop!(call(GTIN, MAKER_A), Error::<Test>::AlreadyProductOwner);
			suspend(MAKER_B);
			assert_noop!(call(GTIN, MAKER_B), Error::<Test>::NotAManufacturer);
		});
	}

	#[test]
	fn respects_the_new_owners_product_bound() {
		ExtBuilder::default().build_and_execute(|| {
			register(GTIN);
			for digits in [&b"04006381333948"[..], b"04006381333955", b"04006381333962"] {
				assert_ok!(DrugProvenance::register_product(
					signed(MAKER_B_STAFF),
					gtin_in(digits),
					metadata()
				));
			}
			assert_noop!(
				DrugProvenance::reassign_product(root(), gtin_in(GTIN), MAKER_B),
				Error::<Test>::TooManyProducts
			);
		});
	}
}

mod reject_shipment {
	use super::*;

	#[test]
	fn returns_the_units_to_the_sender() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 10);
			let shipment = ship(CLERK, id, PHARMACY_A, 4);
			advance_time(1_000);
			assert_ok!(DrugProvenance::reject_shipment(signed(PHARMACIST_A), shipment));
			System::assert_last_event(
				Event::ShipmentRejected {
					shipment_id: shipment,
					batch_id: id,
					from: DISTRIBUTOR,
					to: PHARMACY_A,
					quantity: 4,
				}
				.into(),
			);
			assert_eq!(custody(id, DISTRIBUTOR), c(10, 0, 0));
			assert!(!Holdings::<Test>::contains_key(id, PHARMACY_A));
			assert_eq!(holder_list(id), vec![DISTRIBUTOR]);
			assert_eq!(batch(id).in_transit, 0);
			assert_eq!(
				DrugProvenance::batch_history(id).last(),
				Some(&CustodyEvent::Rejected {
					shipment_id: shipment,
					from: DISTRIBUTOR,
					to: PHARMACY_A,
					quantity: 4,
					at: START + 1_000
				})
			);
			assert_noop!(
				DrugProvenance::receive(signed(PHARMACIST_A), shipment),
				Error::<Test>::UnknownShipment
			);
			assert_noop!(
				DrugProvenance::cancel_shipment(signed(CLERK), shipment),
				Error::<Test>::UnknownShipment
			);
		});
	}

	#[test]
	fn only_the_recipient_rejects() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			let shipment = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 5);
			let reject = |who, s| DrugProvenance::reject_shipment(signed(who), s);
			assert_noop!(reject(MAKER_A_STAFF, shipment), Error::<Test>::NotShipmentRecipient);
			assert_noop!(reject(PHARMACIST_A, shipment), Error::<Test>::NotShipmentRecipient);
			assert_noop!(reject(OUTSIDER, shipment), ConsortiumError::<Test>::NotAMember);
			assert_noop!(reject(DOCTOR, shipment), ConsortiumError::<Test>::MissingRole);
			assert_noop!(reject(CLERK, shipment + 1), Error::<Test>::UnknownShipment);
			suspend(DISTRIBUTOR);
			assert_noop!(reject(CLERK, shipment), ConsortiumError::<Test>::SuspendedOrganization);
			assert_ok!(ConsortiumCall::reinstate_organization(root(), DISTRIBUTOR));
			// The admin may reject as well as its staff.
			assert_ok!(reject(DISTRIBUTOR, shipment));
		});
	}

	/// L4: a recipient flooded with 1-unit shipments frees the holder slots itself.
	#[test]
	fn a_griefed_recipient_frees_holder_slots() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 10);
			// The distributor fills the list with unwanted shipments and never cancels.
			let to_maker_b = ship(CLERK, id, MAKER_B, 1);
			ship(CLERK, id, PHARMACY_A, 1);
			ship(CLERK, id, PHARMACY_B, 1);
			assert_eq!(holder_list(id).len() as u32, MAX_HOLDERS);
			assert_noop!(
				DrugProvenance::ship(signed(CLERK), id, DISTRIBUTOR_B, 1),
				Error::<Test>::TooManyHolders
			);
			assert_ok!(DrugProvenance::reject_shipment(signed(MAKER_B_STAFF), to_maker_b));
			assert!(!holder_list(id).contains(&MAKER_B));
			ship(CLERK, id, DISTRIBUTOR_B, 1);
		});
	}

	#[test]
	fn a_recalled_shipment_can_be_rejected() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 10);
			let shipment = ship(CLERK, id, PHARMACY_A, 4);
			assert_ok!(DrugProvenance::recall_batch(signed(INSPECTOR), id, 1));
			assert_ok!(DrugProvenance::reject_shipment(signed(PHARMACIST_A), shipment));
			assert_eq!(custody(id, DISTRIBUTOR), c(10, 0, 0));
		});
	}
}

/// L10: recalled units go back to their manufacturer and are destroyed.
mod recalled_returns {
	use super::*;

	#[test]
	fn recalled_units_return_to_the_manufacturer_only() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 6);
			hand_over(CLERK, id, PHARMACY_A, PHARMACIST_A, 3);
			let before_recall = ship(CLERK, id, PHARMACY_B, 1);
			assert_ok!(DrugProvenance::recall_batch(signed(INSPECTOR), id, 4));
			// Anywhere else is refused, at ship and at receive.
			for to in [PHARMACY_B, DISTRIBUTOR_B, MAKER_B] {
				assert_noop!(
					DrugProvenance::ship(signed(PHARMACIST_A), id, to, 1),
					Error::<Test>::RecalledBatch
				);
			}
			assert_noop!(
				DrugProvenance::receive(signed(PHARMACIST_B), before_recall),
				Error::<Test>::RecalledBatch
			);
			// The pharmacy returns its units to the manufacturer directly; the distributor too.
			let back_a = ship(PHARMACIST_A, id, MAKER_A, 3);
			System::assert_last_event(
				Event::ShipmentSent {
					shipment_id: back_a,
					batch_id: id,
					from: PHARMACY_A,
					to: MAKER_A,
					quantity: 3,
				}
				.into(),
			);
			assert_ok!(DrugProvenance::receive(signed(MAKER_A_STAFF), back_a));
			assert_ok!(DrugProvenance::cancel_shipment(signed(CLERK), before_recall));
			hand_over(CLERK, id, MAKER_A, MAKER_A_STAFF, 3);
			assert_eq!(holder_list(id), vec![MAKER_A]);
			assert_eq!(custody(id, MAKER_A), c(10, 0, 0));
			// Then destroys them.
			assert_ok!(DrugProvenance::destroy_units(
				signed(MAKER_A_STAFF),
				id,
				10,
				DestructionReason::Recalled
			));
			assert!(holder_list(id).is_empty());
			assert_eq!(batch(id).destroyed, 10);
		});
	}

	#[test]
	fn a_return_sent_before_the_recall_can_be_received() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 6);
			let back = ship(CLERK, id, MAKER_A, 2);
			assert_ok!(DrugProvenance::recall_batch(signed(MAKER_A_STAFF), id, 4));
			assert_ok!(DrugProvenance::receive(signed(MAKER_A), back));
			assert_eq!(custody(id, MAKER_A), c(6, 0, 0));
		});
	}

	#[test]
	fn a_suspended_manufacturer_cannot_be_returned_to() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 6);
			assert_ok!(DrugProvenance::recall_batch(signed(INSPECTOR), id, 4));
			suspend(MAKER_A);
			assert_noop!(
				DrugProvenance::ship(signed(CLERK), id, MAKER_A, 1),
				Error::<Test>::SuspendedRecipient
			);
			// The holder destroys the units itself.
			assert_ok!(DrugProvenance::destroy_units(
				signed(CLERK),
				id,
				6,
				DestructionReason::Recalled
			));
		});
	}
}

mod destroy_units {
	use super::*;

	#[test]
	fn a_holder_destroys_recalled_units() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, serials) = setup(10);
			to_pharmacy(id, 5);
			dispense(PHARMACIST_A, id, &serials, 0);
			assert_ok!(DrugProvenance::recall_batch(signed(INSPECTOR), id, 4));
			advance_time(1_000);
			assert_ok!(DrugProvenance::destroy_units(
				signed(PHARMACIST_A),
				id,
				3,
				DestructionReason::Recalled
			));
			System::assert_last_event(
				Event::UnitsDestroyed {
					batch_id: id,
					holder: PHARMACY_A,
					quantity: 3,
					reason: DestructionReason::Recalled,
				}
				.into(),
			);
			assert_eq!(custody(id, PHARMACY_A), c(1, 0, 0));
			assert_eq!(batch(id).destroyed, 3);
			assert_eq!(
				DrugProvenance::batch_history(id).last(),
				Some(&CustodyEvent::Destroyed {
					by: PHARMACY_A,
					quantity: 3,
					reason: DestructionReason::Recalled,
					at: START + 1_000
				})
			);
			// Its last unit: it leaves the holder list.
			assert_ok!(DrugProvenance::destroy_units(
				signed(PHARMACY_A),
				id,
				1,
				DestructionReason::Recalled
			));
			assert!(!holder_list(id).contains(&PHARMACY_A));
			let b = batch(id);
			assert_eq!((b.dispensed, b.destroyed, held(id, MAKER_A)), (1, 4, 5));
			assert_eq!(DrugProvenance::batch(id).map(|b| b.destroyed), Some(4));
		});
	}

	#[test]
	fn expired_and_damaged_stock_can_be_destroyed() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 6);
			// Healthy stock: only for a reason the chain cannot check.
			assert_ok!(DrugProvenance::destroy_units(
				signed(CLERK),
				id,
				1,
				DestructionReason::DamagedOrTampered
			));
			assert_ok!(DrugProvenance::destroy_units(
				signed(CLERK),
				id,
				1,
				DestructionReason::Other
			));
			Timestamp::set_timestamp(EXPIRY_END + 1);
			assert_ok!(DrugProvenance::destroy_units(
				signed(CLERK),
				id,
				4,
				DestructionReason::Expired
			));
			assert_eq!(batch(id).destroyed, 6);
			assert!(!holder_list(id).contains(&DISTRIBUTOR));
		});
	}

	#[test]
	fn unsupported_reasons_are_refused() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			for reason in [DestructionReason::Recalled, DestructionReason::Expired] {
				assert_noop!(
					DrugProvenance::destroy_units(signed(MAKER_A_STAFF), id, 1, reason),
					Error::<Test>::ClaimNotSupported
				);
			}
		});
	}

	#[test]
	fn only_what_is_held_is_destroyed() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			let destroy = |who, batch_id, q| {
				DrugProvenance::destroy_units(signed(who), batch_id, q, DestructionReason::Other)
			};
			assert_noop!(destroy(MAKER_A_STAFF, id, 0), Error::<Test>::ZeroQuantity);
			assert_noop!(destroy(MAKER_A_STAFF, id + 1, 1), Error::<Test>::UnknownBatch);
			assert_noop!(destroy(MAKER_A_STAFF, id, 11), Error::<Test>::InsufficientCustody);
			// Units in transit are nobody's to destroy.
			let shipment = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 4);
			assert_noop!(destroy(CLERK, id, 1), Error::<Test>::InsufficientCustody);
			assert_noop!(destroy(MAKER_A_STAFF, id, 7), Error::<Test>::InsufficientCustody);
			assert_ok!(DrugProvenance::receive(signed(CLERK), shipment));
			assert_noop!(destroy(PHARMACIST_A, id, 1), Error::<Test>::InsufficientCustody);
			assert_noop!(destroy(OUTSIDER, id, 1), ConsortiumError::<Test>::NotAMember);
			assert_noop!(destroy(INSPECTOR, id, 1), ConsortiumError::<Test>::MissingRole);
			assert_noop!(destroy(DOCTOR, id, 1), ConsortiumError::<Test>::MissingRole);
			suspend(DISTRIBUTOR);
			assert_noop!(destroy(CLERK, id, 1), ConsortiumError::<Test>::SuspendedOrganization);
		});
	}

	#[test]
	fn try_state_catches_broken_conservation_with_destroyed_units() {
		ExtBuilder::default().build().execute_with(|| {
			let (id, _) = setup(10);
			assert_ok!(DrugProvenance::destroy_units(
				signed(MAKER_A_STAFF),
				id,
				2,
				DestructionReason::Other
			));
			assert_eq!(DrugProvenance::do_try_state(), Ok(()));
			Batches::<Test>::mutate(id, |b| b.as_mut().unwrap().destroyed = 3);
			assert!(DrugProvenance::do_try_state().is_err());
		});
	}
}

mod custody_parties {
	use super::*;

	#[test]
	fn every_recipient_becomes_a_party_for_good() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			let parties = || {
				let mut p: Vec<AccountId> = CustodyParties::<Test>::iter_key_prefix(id).collect();
				p.sort();
				p
			};
			assert_eq!(parties(), vec![MAKER_A]);
			let s = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 2);
			assert_ok!(DrugProvenance::cancel_shipment(signed(MAKER_A_STAFF), s));
			hand_over(MAKER_A_STAFF, id, PHARMACY_A, PHARMACIST_A, 2);
			hand_over(PHARMACIST_A, id, PHARMACY_B, PHARMACIST_B, 2);
			assert_eq!(parties(), vec![MAKER_A, DISTRIBUTOR, PHARMACY_A, PHARMACY_B]);
		});
	}

	#[test]
	fn try_state_catches_a_holder_that_is_no_party() {
		ExtBuilder::default().build().execute_with(|| {
			let (id, _) = setup(10);
			ship(MAKER_A_STAFF, id, DISTRIBUTOR, 4);
			assert_eq!(DrugProvenance::do_try_state(), Ok(()));
			CustodyParties::<Test>::remove(id, DISTRIBUTOR);
			assert!(DrugProvenance::do_try_state().is_err());
		});
	}
}

mod migration {
	use super::*;
	use crate::migrations::v2::{BatchV1, MigrateV1ToV2, SuspectReportV1};
	use codec::Encode;
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

	#[test]
	fn v1_to_v2_keeps_every_batch_and_seeds_custody_parties() {
		ExtBuilder::default().build().execute_with(|| {
			let (id, _) = setup(10);
			hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 4);
			ship(CLERK, id, PHARMACY_A, 1);
			let current = batch(id);
			// Rewrite the state as storage version 1 left it.
			let old = BatchV1 {
				gtin: current.gtin,
				lot: current.lot.clone(),
				expiry: current.expiry,
				quantity: current.quantity,
				serials_root: current.serials_root,
				manufacturer: current.manufacturer,
				commissioned_at: current.commissioned_at,
				in_transit: current.in_transit,
				dispensed: current.dispensed,
				suspect_reports: 2,
				history_pruned: current.history_pruned,
				recalled: None,
			};
			frame_support::storage::unhashed::put_raw(
				&Batches::<Test>::hashed_key_for(id),
				&old.encode(),
			);
			let reports: Vec<SuspectReportV1<AccountId>> = vec![
				SuspectReportV1 {
					reporter: REGULATOR,
					serial_hash: serial_hash(b"S1"),
					reason: SuspectReason::Other,
					at: START,
				},
				SuspectReportV1 {
					reporter: PHARMACY_B,
					serial_hash: serial_hash(b"S2"),
					reason: SuspectReason::UnknownSerial,
					at: START,
				},
			];
			frame_support::storage::unhashed::put_raw(
				&SuspectReports::<Test>::hashed_key_for(id),
				&reports.encode(),
			);
			let _ = CustodyParties::<Test>::clear_prefix(id, u32::MAX, None);
			StorageVersion::new(1).put::<DrugProvenance>();

			MigrateV1ToV2::<Test>::on_runtime_upgrade();
			assert_eq!(DrugProvenance::on_chain_storage_version(), StorageVersion::new(2));
			assert_eq!(batch(id), Batch { suspect_reports: 2, ..current });
			assert_eq!(
				SuspectReports::<Test>::get(id).iter().map(|r| r.by_regulator).collect::<Vec<_>>(),
				vec![true, false]
			);
			let mut parties: Vec<AccountId> = CustodyParties::<Test>::iter_key_prefix(id).collect();
			parties.sort();
			assert_eq!(parties, vec![MAKER_A, DISTRIBUTOR, PHARMACY_A]);
			assert_eq!(DrugProvenance::do_try_state(), Ok(()));
			// A second run is a no-op (the version is 2 already): decoding the v2 batch as v1
			// would have failed or corrupted it.
			let migrated = batch(id);
			MigrateV1ToV2::<Test>::on_runtime_upgrade();
			assert_eq!(batch(id), migrated);
			assert_eq!(DrugProvenance::on_chain_storage_version(), StorageVersion::new(2));
		});
	}
}

/// Issue #16: the custody calls are charged for a full history and a full holder list up
/// front and refunded to the sizes they read; `dispense` is charged for its proof's length.
mod weights {
	use super::*;
	use crate::{Call, WeightInfo};
	use frame_support::{
		dispatch::{GetDispatchInfo, PostDispatchInfo},
		weights::Weight,
	};

	type W = <Test as crate::Config>::WeightInfo;

	fn history_len(batch_id: BatchId) -> u32 {
		BatchHistory::<Test>::get(batch_id).len() as u32
	}

	fn holders_len(batch_id: BatchId) -> u32 {
		BatchHolders::<Test>::get(batch_id).len() as u32
	}

	fn declared(call: Call<Test>) -> Weight {
		call.get_dispatch_info().call_weight
	}

	/// What the call is charged (as FRAME computes it): the refund, capped by the declared
	/// weight, or the declared weight without one.
	fn charged(declared: Weight, post: PostDispatchInfo) -> Weight {
		post.actual_weight.map_or(declared, |actual| actual.min(declared))
	}

	#[test]
	fn the_weight_functions_grow_with_their_components() {
		let (h, n) = (MAX_HISTORY, MAX_HOLDERS);
		for (small, large) in [
			(W::ship(1, 2), W::ship(h, n)),
			(W::receive(1, 0), W::receive(h, n)),
			(W::cancel_shipment(1, 0), W::cancel_shipment(h, n)),
			(W::reject_shipment(1, 0), W::reject_shipment(h, n)),
			(W::destroy_units(1, 0), W::destroy_units(h, n)),
			(W::dispense(0, 1, 0), W::dispense(20, h, n)),
		] {
			assert!(small.all_lt(large), "{small:?} < {large:?}");
		}
		// Each component on its own: more is never cheaper, in time and in proof size.
		assert!(W::ship(2, 2).all_gt(W::ship(1, 2)));
		assert!(W::ship(1, 3).all_gt(W::ship(1, 2)));
		assert!(W::dispense(1, 1, 0).ref_time() > W::dispense(0, 1, 0).ref_time());
	}

	#[test]
	fn ship_is_refunded_to_the_history_and_holders_it_wrote() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(10);
			let full = declared(Call::ship { batch_id: id, to: DISTRIBUTOR, quantity: 1 });
			assert_eq!(full, W::ship(MAX_HISTORY, MAX_HOLDERS));

			// A young batch: one history entry, the maker and the new recipient listed.
			assert_eq!((history_len(id), holders_len(id)), (1, 1));
			let post =
				DrugProvenance::ship(signed(MAKER_A_STAFF), id, DISTRIBUTOR, 1).expect("shipped");
			assert_eq!(post.actual_weight, Some(W::ship(1, 2)));
			assert!(charged(full, post).all_lt(full));
			assert_eq!(charged(full, post), W::ship(1, 2));

			// The components follow the batch: two entries, three holders.
			let post =
				DrugProvenance::ship(signed(MAKER_A_STAFF), id, PHARMACY_A, 1).expect("shipped");
			assert_eq!(post.actual_weight, Some(W::ship(2, 3)));

			// A full history and a full holder list: the worst case, charged in full.
			while history_len(id) < MAX_HISTORY {
				let sid = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 1);
				assert_ok!(DrugProvenance::cancel_shipment(signed(MAKER_A_STAFF), sid));
			}
			let before = holders_len(id);
			assert_eq!(before, MAX_HOLDERS - 1);
			let post =
				DrugProvenance::ship(signed(MAKER_A_STAFF), id, PHARMACY_B, 1).expect("shipped");
			assert_eq!(post.actual_weight, Some(W::ship(MAX_HISTORY, MAX_HOLDERS)));
			assert_eq!(charged(full, post), full);
		});
	}

	#[test]
	fn a_failed_call_is_charged_its_declared_weight() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(4);
			let err = DrugProvenance::ship(signed(MAKER_A_STAFF), id, DISTRIBUTOR, 0)
				.expect_err("zero quantity");
			assert_eq!(err.error, Error::<Test>::ZeroQuantity.into());
			assert_eq!(err.post_info.actual_weight, None);
		});
	}

	#[test]
	fn receive_counts_the_holder_list_only_when_a_custody_empties() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(4);
			let sid = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 2);
			let full = declared(Call::receive { shipment_id: sid });
			assert_eq!(full, W::receive(MAX_HISTORY, MAX_HOLDERS));
			// The maker keeps units, the distributor gets some: the list is not read.
			let h = history_len(id);
			let post = DrugProvenance::receive(signed(CLERK), sid).expect("received");
			assert_eq!(post.actual_weight, Some(W::receive(h, 0)));
			assert!(charged(full, post).all_lt(full));

			// The distributor ships all it holds: once received, it leaves a list of three.
			let sid = ship(CLERK, id, PHARMACY_A, 2);
			let (h, n) = (history_len(id), holders_len(id));
			assert_eq!(n, 3);
			let post = DrugProvenance::receive(signed(PHARMACIST_A), sid).expect("received");
			assert_eq!(post.actual_weight, Some(W::receive(h, n)));
			assert_eq!(holder_list(id), vec![MAKER_A, PHARMACY_A]);
			// Never below the weight of what was read, never above the declared worst case.
			assert!(W::receive(h, n).all_gte(W::receive(h, 0)));
			assert!(charged(full, post).all_lt(full));
		});
	}

	#[test]
	fn returned_shipments_are_refunded_to_what_they_read() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(4);
			// Cancelled: the recipient's custody empties, the list (maker, distributor) is read.
			let sid = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 1);
			let full = declared(Call::cancel_shipment { shipment_id: sid });
			assert_eq!(full, W::cancel_shipment(MAX_HISTORY, MAX_HOLDERS));
			let (h, n) = (history_len(id), holders_len(id));
			let post =
				DrugProvenance::cancel_shipment(signed(MAKER_A_STAFF), sid).expect("cancelled");
			assert_eq!(post.actual_weight, Some(W::cancel_shipment(h, n)));
			assert!(charged(full, post).all_lt(full));

			// Rejected, the recipient holding other units: the list is not read.
			hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 1);
			let sid = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 1);
			let full = declared(Call::reject_shipment { shipment_id: sid });
			assert_eq!(full, W::reject_shipment(MAX_HISTORY, MAX_HOLDERS));
			let h = history_len(id);
			let post = DrugProvenance::reject_shipment(signed(CLERK), sid).expect("rejected");
			assert_eq!(post.actual_weight, Some(W::reject_shipment(h, 0)));
			assert!(charged(full, post).all_lt(full));
		});
	}

	#[test]
	fn dispense_is_charged_for_its_proof_and_refunded_to_what_it_read() {
		ExtBuilder::default().build_and_execute(|| {
			// 4 serials: 2 siblings per proof.
			let (id, serials) = setup(4);
			to_pharmacy(id, 2);
			let proof = proof_of(&serials, 0);
			assert_eq!(proof.siblings.len(), 2);
			let full = declared(Call::dispense {
				batch_id: id,
				serial: serial(&serials[0]),
				proof: proof.clone(),
			});
			assert_eq!(full, W::dispense(2, MAX_HISTORY, MAX_HOLDERS));
			let h = history_len(id);
			// The pharmacy keeps a unit: the list is not read.
			let post =
				DrugProvenance::dispense(signed(PHARMACIST_A), id, serial(&serials[0]), proof)
					.expect("dispensed");
			assert_eq!(post.actual_weight, Some(W::dispense(2, h, 0)));
			assert!(charged(full, post).all_lt(full));

			// The last unit: the pharmacy leaves the list (maker, pharmacy); the run of
			// dispenses is one history entry, extended.
			let (h, n) = (history_len(id), holders_len(id));
			assert_eq!(n, 2);
			let post = DrugProvenance::dispense(
				signed(PHARMACIST_A),
				id,
				serial(&serials[1]),
				proof_of(&serials, 1),
			)
			.expect("dispensed");
			assert_eq!(post.actual_weight, Some(W::dispense(2, h, n)));
			assert_eq!(history_len(id), h);

			// A batch of one unit has an empty proof: charged less up front.
			let (single, one) = commission_lot(GTIN, b"LOT-ONE", 1);
			let empty = proof_of(&one, 0);
			assert!(empty.siblings.is_empty());
			let short = declared(Call::dispense {
				batch_id: single,
				serial: serial(&one[0]),
				proof: empty,
			});
			assert_eq!(short, W::dispense(0, MAX_HISTORY, MAX_HOLDERS));
			assert!(short.ref_time() < full.ref_time());
		});
	}

	#[test]
	fn destroy_units_is_refunded_to_what_it_read() {
		ExtBuilder::default().build_and_execute(|| {
			let (id, _) = setup(4);
			to_pharmacy(id, 1);
			let full = declared(Call::destroy_units {
				batch_id: id,
				quantity: 1,
				reason: DestructionReason::DamagedOrTampered,
			});
			assert_eq!(full, W::destroy_units(MAX_HISTORY, MAX_HOLDERS));
			let (h, n) = (history_len(id), holders_len(id));
			let post = DrugProvenance::destroy_units(
				signed(PHARMACIST_A),
				id,
				1,
				DestructionReason::DamagedOrTampered,
			)
			.expect("destroyed");
			assert_eq!(post.actual_weight, Some(W::destroy_units(h, n)));
			assert!(charged(full, post).all_lt(full));
		});
	}
}
