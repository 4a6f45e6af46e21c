//! Unit tests of the drug-provenance pallet: the GS1 rules (GTIN check digits, company
//! prefixes, expiry dates, character sets), every call, every error, every event, the custody
//! conservation invariant (checked after every test by `ExtBuilder::build_and_execute`), the
//! bounds, the abuse cases (GTIN squatting, report flooding,
//! unrefusable shipments, stranded recalled units), the v1 → v2 migration and the runtime-API
//! queries.
//!
//! One file per call or topic; this file holds the constants and helpers they share.

mod cancel_shipment;
mod commission_batch;
mod company_prefix_gs1;
mod company_prefixes;
mod conservation;
mod custody_parties;
mod destroy_units;
mod dispense;
mod gs1;
mod history;
mod migration;
mod mock_setup;
mod reassign_product;
mod recall_batch;
mod recalled_returns;
mod register_product;
mod reject_shipment;
mod report_suspect;
mod runtime_api;
mod ship_and_receive;
mod weights;

use crate::{
	expected_proof_len, mock::*, serial_hash, serials_root, Batch, BatchHistory, BatchHolders,
	BatchId, BatchOf, Batches, BoundedLot, BoundedSerial, CompanyPrefix, CompanyPrefixError,
	CompanyPrefixInput, CompanyPrefixes, Custody, CustodyEvent, CustodyParties, DestructionReason,
	DispenseInfo, Dispensed, Error, Event, ExpiryDate, ExpiryInput, Gtin, GtinError, GtinInput,
	Holdings, LongerPrefixes, NextBatchId, NextShipmentId, Product, Products, ProductsOf, Recall,
	SerialProof, SerialProofOf, Shipment, ShipmentId, Shipments, SuspectReason, SuspectReport,
	SuspectReports, UnitStatus,
};
use frame_support::{
	assert_noop, assert_ok, dispatch::DispatchResultWithPostInfo, traits::Hooks, BoundedVec,
};
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
	assert_ok!(try_dispense(who, batch_id, serials, index));
}

/// `who` dispenses serial `index` of `serials` with its proof; the call's result.
fn try_dispense(
	who: AccountId,
	batch_id: BatchId,
	serials: &[Vec<u8>],
	index: u32,
) -> DispatchResultWithPostInfo {
	DrugProvenance::dispense(
		signed(who),
		batch_id,
		serial(&serials[index as usize]),
		proof_of(serials, index),
	)
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
