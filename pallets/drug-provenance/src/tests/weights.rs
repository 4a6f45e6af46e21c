//! Weights: the custody calls are charged for a full history and a full holder list up front
//! and refunded to the sizes they read; `dispense` is charged for its proof's length.

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
		let post = DrugProvenance::ship(signed(MAKER_A_STAFF), id, PHARMACY_A, 1).expect("shipped");
		assert_eq!(post.actual_weight, Some(W::ship(2, 3)));

		// A full history and a full holder list: the worst case, charged in full.
		while history_len(id) < MAX_HISTORY {
			let sid = ship(MAKER_A_STAFF, id, DISTRIBUTOR, 1);
			assert_ok!(DrugProvenance::cancel_shipment(signed(MAKER_A_STAFF), sid));
		}
		let before = holders_len(id);
		assert_eq!(before, MAX_HOLDERS - 1);
		let post = DrugProvenance::ship(signed(MAKER_A_STAFF), id, PHARMACY_B, 1).expect("shipped");
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
		let post = DrugProvenance::cancel_shipment(signed(MAKER_A_STAFF), sid).expect("cancelled");
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
		let post = DrugProvenance::dispense(signed(PHARMACIST_A), id, serial(&serials[0]), proof)
			.expect("dispensed");
		assert_eq!(post.actual_weight, Some(W::dispense(2, h, 0)));
		assert!(charged(full, post).all_lt(full));

		// The last unit: the pharmacy leaves the list (maker, pharmacy); the run of
		// dispenses is one history entry, extended.
		let (h, n) = (history_len(id), holders_len(id));
		assert_eq!(n, 2);
		let post = try_dispense(PHARMACIST_A, id, &serials, 1).expect("dispensed");
		assert_eq!(post.actual_weight, Some(W::dispense(2, h, n)));
		assert_eq!(history_len(id), h);

		// A batch of one unit has an empty proof: charged less up front.
		let (single, one) = commission_lot(GTIN, b"LOT-ONE", 1);
		let empty = proof_of(&one, 0);
		assert!(empty.siblings.is_empty());
		let short =
			declared(Call::dispense { batch_id: single, serial: serial(&one[0]), proof: empty });
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
