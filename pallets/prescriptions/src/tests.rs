//! Unit tests of the prescriptions pallet: a prescription filled exactly to its limit, every
//! refusal by name, prescription-only products, recalls that reach holders, and what the
//! chain keeps (no product, quantity or salt).

use crate::{
	fill_message, issue_message, mock::*, BatchHolderCount, Error, Event, FilledUnit, Fills,
	HolderPrescriptions, PrescribedFill, Prescription, PrescriptionOf, PrescriptionOnly,
	PrescriptionState, Prescriptions as PrescriptionStates, ProductOpening, RegulatorEnvelope,
};
use codec::Encode;
use frame_support::{assert_noop, assert_ok, BoundedVec};
use pallet_drug_provenance::{
	BatchId, BoundedLot, BoundedSerial, ExpiryInput, Gtin, GtinInput, SerialProof, SerialProofOf,
};
use sp_core::H256;
use sp_runtime::{
	testing::TestSignature,
	traits::{BadOrigin, BlakeTwo256},
	DispatchError,
};

type DrugError = pallet_drug_provenance::Error<Test>;

/// A GS1 example GTIN under prefix 950600.
const GTIN: &[u8] = b"09506000134352";
/// Another product of the same maker (prefix 001234).
const GTIN_2: &[u8] = b"00012345600012";

fn gtin(digits: &[u8]) -> Gtin {
	Gtin::parse(digits).unwrap()
}

fn serials(prefix: &str, n: u32) -> Vec<Vec<u8>> {
	(0..n).map(|i| format!("{prefix}{i:06}").into_bytes()).collect()
}

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

/// A batch of `n` units of `product`, all shipped to and received by `pharmacy`.
struct Batch {
	id: BatchId,
	serials: Vec<Vec<u8>>,
}

impl Batch {
	fn serial(&self, index: u32) -> BoundedSerial {
		BoundedSerial::truncate_from(self.serials[index as usize].clone())
	}
	fn proof(&self, index: u32) -> SerialProofOf<Test> {
		proof_of(&self.serials, index)
	}
}

fn register(product: &[u8]) {
	if !pallet_drug_provenance::Products::<Test>::contains_key(gtin(product)) {
		assert_ok!(DrugProvenance::register_product(
			RuntimeOrigin::signed(MAKER_STAFF),
			GtinInput::truncate_from(product.to_vec()),
			H256::repeat_byte(7),
		));
	}
}

fn stocked_batch(product: &[u8], lot: &str, n: u32, pharmacy: AccountId) -> Batch {
	register(product);
	let serials = serials(lot, n);
	let id = pallet_drug_provenance::NextBatchId::<Test>::get();
	assert_ok!(DrugProvenance::commission_batch(
		RuntimeOrigin::signed(MAKER_STAFF),
		GtinInput::truncate_from(product.to_vec()),
		BoundedLot::truncate_from(lot.as_bytes().to_vec()),
		ExpiryInput::truncate_from(b"271231".to_vec()),
		n,
		pallet_drug_provenance::serials_root(&serials),
	));
	assert_ok!(DrugProvenance::ship(RuntimeOrigin::signed(MAKER_STAFF), id, pharmacy, n));
	let shipment = pallet_drug_provenance::NextShipmentId::<Test>::get() - 1;
	let staff = if pharmacy == PHARMACY_A { PHARMACIST_A } else { PHARMACIST_B };
	assert_ok!(DrugProvenance::receive(RuntimeOrigin::signed(staff), shipment));
	Batch { id, serials }
}

fn opening(product: &[u8], units_per_fill: u16) -> ProductOpening {
	ProductOpening { gtin: gtin(product), units_per_fill, salt: [42; 32] }
}

/// A prescription of `fills` fills for `holder`, signed by [`DOCTOR`], valid 30 days.
fn prescription(holder: AccountId, opening: &ProductOpening, fills: u8) -> PrescriptionOf<Test> {
	Prescription {
		prescriber: DOCTOR,
		holder,
		product: opening.commitment(),
		fills,
		issued_at: START,
		expires_at: START + 30 * DAY,
		regulator_envelope: RegulatorEnvelope::truncate_from(b"sealed to the regulator".to_vec()),
	}
}

fn prescriber_signature(p: &PrescriptionOf<Test>) -> TestSignature {
	TestSignature(p.prescriber, issue_message(&p.id()))
}

fn holder_signature(p: &PrescriptionOf<Test>, fill: u8, pharmacy: AccountId) -> TestSignature {
	TestSignature(p.holder, fill_message(&p.id(), fill, &pharmacy))
}

/// Everything a Pharmacy A pharmacist submits to fill `p`'s fill `fill` with unit `index`.
struct Fill<'a> {
	who: AccountId,
	pharmacy: AccountId,
	batch: &'a Batch,
	index: u32,
	p: PrescriptionOf<Test>,
	prescriber_sig: TestSignature,
	fill: u8,
	holder_sig: TestSignature,
	opening: ProductOpening,
}

impl<'a> Fill<'a> {
	fn new(
		batch: &'a Batch,
		index: u32,
		p: &PrescriptionOf<Test>,
		fill: u8,
		o: &ProductOpening,
	) -> Self {
		Fill {
			who: PHARMACIST_A,
			pharmacy: PHARMACY_A,
			batch,
			index,
			p: p.clone(),
			prescriber_sig: prescriber_signature(p),
			fill,
			holder_sig: holder_signature(p, fill, PHARMACY_A),
			opening: o.clone(),
		}
	}
	fn at(mut self, who: AccountId, pharmacy: AccountId) -> Self {
		self.who = who;
		self.holder_sig = holder_signature(&self.p, self.fill, pharmacy);
		self.pharmacy = pharmacy;
		self
	}
	fn submit(self) -> frame_support::dispatch::DispatchResultWithPostInfo {
		Prescriptions::dispense_prescribed(
			RuntimeOrigin::signed(self.who),
			self.batch.id,
			self.batch.serial(self.index),
			self.batch.proof(self.index),
			Box::new(PrescribedFill {
				prescription: self.p,
				prescriber_signature: self.prescriber_sig,
				fill: self.fill,
				holder_signature: self.holder_sig,
				opening: self.opening,
			}),
		)
	}
}

/// Run `test`, then check the pallet's invariants (and the drug ledger's).
fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Prescriptions::do_try_state().expect("prescriptions invariants hold");
		DrugProvenance::do_try_state().expect("drug-provenance invariants hold");
	});
}

fn error(e: Error<Test>) -> DispatchError {
	e.into()
}

#[test]
fn a_prescription_is_filled_exactly_to_its_limit_then_refused() {
	build_and_execute(|| {
		let batch = stocked_batch(GTIN, "LOT", 10, PHARMACY_A);
		let o = opening(GTIN, 2);
		let p = prescription(HOLDER, &o, 2);
		let id = p.id();

		assert_ok!(Fill::new(&batch, 0, &p, 1, &o).submit());
		System::assert_has_event(
			Event::PrescriptionRegistered {
				prescription: id,
				prescriber: HOSPITAL,
				fills: 2,
				expires_at: START + 30 * DAY,
			}
			.into(),
		);
		assert_ok!(Fill::new(&batch, 1, &p, 1, &o).submit());
		// The first fill has its two units: a third is refused, and a dispensed unit never
		// counts (the same unit again is refused by the drug ledger).
		assert_noop!(Fill::new(&batch, 2, &p, 1, &o).submit(), error(Error::FillComplete));
		assert_ok!(Fill::new(&batch, 2, &p, 2, &o).submit());
		assert_noop!(Fill::new(&batch, 2, &p, 2, &o).submit(), DrugError::SerialAlreadyDispensed);
		assert_ok!(Fill::new(&batch, 3, &p, 2, &o).submit());
		System::assert_last_event(
			Event::PrescriptionFilled {
				prescription: id,
				fill: 2,
				batch_id: batch.id,
				serial_hash: pallet_drug_provenance::serial_hash(&batch.serials[3]),
				pharmacy: PHARMACY_A,
			}
			.into(),
		);
		// Both fills used, each to its two units.
		assert_noop!(Fill::new(&batch, 4, &p, 2, &o).submit(), error(Error::FillComplete));
		assert_noop!(Fill::new(&batch, 4, &p, 3, &o).submit(), error(Error::NoFillsLeft));

		assert_eq!(
			PrescriptionStates::<Test>::get(id),
			Some(PrescriptionState {
				prescriber: HOSPITAL,
				holder: HOLDER,
				fills: 2,
				expires_at: START + 30 * DAY,
				current_fill: 2,
				units_in_fill: 2,
			})
		);
		let filled: Vec<(u8, u32)> = Fills::<Test>::get(id)
			.iter()
			.map(|u| {
				let index = batch
					.serials
					.iter()
					.position(|s| pallet_drug_provenance::serial_hash(s) == u.serial_hash)
					.unwrap();
				(u.fill, index as u32)
			})
			.collect();
		assert_eq!(filled, vec![(1, 0), (1, 1), (2, 2), (2, 3)]);
		assert_eq!(HolderPrescriptions::<Test>::get(HOLDER).to_vec(), vec![id]);
		// The units are dispensed in the drug ledger too.
		assert_eq!(pallet_drug_provenance::Batches::<Test>::get(batch.id).unwrap().dispensed, 4);
	});
}

#[test]
fn fills_go_in_order() {
	build_and_execute(|| {
		let batch = stocked_batch(GTIN, "LOT", 10, PHARMACY_A);
		let o = opening(GTIN, 1);
		let p = prescription(HOLDER, &o, 3);
		assert_noop!(Fill::new(&batch, 0, &p, 0, &o).submit(), error(Error::WrongFill));
		assert_noop!(Fill::new(&batch, 0, &p, 2, &o).submit(), error(Error::WrongFill));
		assert_ok!(Fill::new(&batch, 0, &p, 1, &o).submit());
		assert_ok!(Fill::new(&batch, 1, &p, 2, &o).submit());
		assert_noop!(Fill::new(&batch, 2, &p, 1, &o).submit(), error(Error::WrongFill));
		assert_noop!(Fill::new(&batch, 2, &p, 4, &o).submit(), error(Error::WrongFill));
		// A fill may be made at another pharmacy, with the holder's signature for it.
		let batch_b = stocked_batch(GTIN, "LOTB", 2, PHARMACY_B);
		assert_ok!(Fill::new(&batch_b, 0, &p, 3, &o).at(PHARMACIST_B, PHARMACY_B).submit());
		assert_noop!(Fill::new(&batch, 2, &p, 4, &o).submit(), error(Error::NoFillsLeft));
	});
}

#[test]
fn a_unit_of_another_product_is_refused() {
	build_and_execute(|| {
		let batch = stocked_batch(GTIN, "LOT", 4, PHARMACY_A);
		let other = stocked_batch(GTIN_2, "OTHER", 4, PHARMACY_A);
		let o = opening(GTIN, 1);
		let p = prescription(HOLDER, &o, 1);
		// The pharmacy opens the commitment truthfully but hands over another product.
		assert_noop!(Fill::new(&other, 0, &p, 1, &o).submit(), error(Error::ProductMismatch));
		// Or claims the prescription was for the other product: the opening does not open it.
		let lie = opening(GTIN_2, 1);
		assert_noop!(Fill::new(&other, 0, &p, 1, &lie).submit(), error(Error::WrongOpening));
		// Nor with another quantity or salt.
		let more = opening(GTIN, 4);
		assert_noop!(Fill::new(&batch, 0, &p, 1, &more).submit(), error(Error::WrongOpening));
		let salted = ProductOpening { salt: [1; 32], ..o.clone() };
		assert_noop!(Fill::new(&batch, 0, &p, 1, &salted).submit(), error(Error::WrongOpening));
		assert_ok!(Fill::new(&batch, 0, &p, 1, &o).submit());
	});
}

#[test]
fn only_the_holder_lets_a_pharmacy_fill() {
	build_and_execute(|| {
		let batch = stocked_batch(GTIN, "LOT", 4, PHARMACY_A);
		let o = opening(GTIN, 1);
		let p = prescription(HOLDER, &o, 2);
		// Another patient's key signs the fill.
		let mut f = Fill::new(&batch, 0, &p, 1, &o);
		f.holder_sig = TestSignature(HOLDER_2, fill_message(&p.id(), 1, &PHARMACY_A));
		assert_noop!(f.submit(), error(Error::BadHolderSignature));
		// The holder signed for Pharmacy B: Pharmacy A cannot use it.
		let mut f = Fill::new(&batch, 0, &p, 1, &o);
		f.holder_sig = holder_signature(&p, 1, PHARMACY_B);
		assert_noop!(f.submit(), error(Error::BadHolderSignature));
		// The holder signed fill 1: it is not a signature for fill 2.
		assert_ok!(Fill::new(&batch, 0, &p, 1, &o).submit());
		let mut f = Fill::new(&batch, 1, &p, 2, &o);
		f.holder_sig = holder_signature(&p, 1, PHARMACY_A);
		assert_noop!(f.submit(), error(Error::BadHolderSignature));
		// A wallet extension's <Bytes>-wrapped signature is a signature too.
		let mut f = Fill::new(&batch, 1, &p, 2, &o);
		let mut wrapped = b"<Bytes>".to_vec();
		wrapped.extend(fill_message(&p.id(), 2, &PHARMACY_A));
		wrapped.extend(b"</Bytes>");
		f.holder_sig = TestSignature(HOLDER, wrapped);
		assert_ok!(f.submit());
	});
}

#[test]
fn only_a_providers_staff_prescribes() {
	build_and_execute(|| {
		let batch = stocked_batch(GTIN, "LOT", 4, PHARMACY_A);
		let o = opening(GTIN, 1);
		// A pharmacist writes its own prescription.
		let mut p = prescription(HOLDER, &o, 1);
		p.prescriber = PHARMACIST_A;
		assert_noop!(Fill::new(&batch, 0, &p, 1, &o).submit(), error(Error::NotAPrescriber));
		// The doctor's name on a prescription the doctor did not sign.
		let p = prescription(HOLDER, &o, 1);
		let mut f = Fill::new(&batch, 0, &p, 1, &o);
		f.prescriber_sig = TestSignature(PHARMACIST_A, issue_message(&p.id()));
		assert_noop!(f.submit(), error(Error::BadPrescriberSignature));
		// The doctor signed another prescription (one fill), not this one (two fills).
		let mut more = p.clone();
		more.fills = 2;
		let mut f = Fill::new(&batch, 0, &more, 1, &o);
		f.prescriber_sig = prescriber_signature(&p);
		assert_noop!(f.submit(), error(Error::BadPrescriberSignature));
		// A suspended hospital's prescriptions are not filled for the first time.
		assert_ok!(Consortium::suspend_organization(RuntimeOrigin::root(), HOSPITAL));
		assert_noop!(Fill::new(&batch, 0, &p, 1, &o).submit(), error(Error::NotAPrescriber));
	});
}

#[test]
fn only_a_pharmacy_dispenses() {
	build_and_execute(|| {
		let batch = stocked_batch(GTIN, "LOT", 4, PHARMACY_A);
		let o = opening(GTIN, 1);
		let p = prescription(HOLDER, &o, 1);
		assert_noop!(
			Fill::new(&batch, 0, &p, 1, &o).at(DOCTOR, HOSPITAL).submit(),
			pallet_consortium::Error::<Test>::MissingRole
		);
		// A batch that does not exist.
		let unknown = Batch { id: batch.id + 100, serials: batch.serials.clone() };
		assert_noop!(Fill::new(&unknown, 0, &p, 1, &o).submit(), DrugError::UnknownBatch);
		// Pharmacy B holds no unit of A's batch.
		assert_noop!(
			Fill::new(&batch, 0, &p, 1, &o).at(PHARMACIST_B, PHARMACY_B).submit(),
			DrugError::NoCustody
		);
		assert_noop!(
			Prescriptions::dispense_prescribed(
				RuntimeOrigin::none(),
				batch.id,
				batch.serial(0),
				batch.proof(0),
				Box::new(PrescribedFill {
					prescription: p.clone(),
					prescriber_signature: prescriber_signature(&p),
					fill: 1,
					holder_signature: holder_signature(&p, 1, PHARMACY_A),
					opening: o,
				}),
			),
			BadOrigin
		);
	});
}

#[test]
fn expiry_and_bounds() {
	build_and_execute(|| {
		let batch = stocked_batch(GTIN, "LOT", 8, PHARMACY_A);
		let o = opening(GTIN, 1);
		let mut p = prescription(HOLDER, &o, 0);
		assert_noop!(Fill::new(&batch, 0, &p, 1, &o).submit(), error(Error::InvalidFills));
		p.fills = MAX_FILLS + 1;
		assert_noop!(Fill::new(&batch, 0, &p, 1, &o).submit(), error(Error::InvalidFills));
		p.fills = 1;
		p.expires_at = p.issued_at;
		assert_noop!(Fill::new(&batch, 0, &p, 1, &o).submit(), error(Error::InvalidValidity));
		p.expires_at = p.issued_at + 101 * DAY;
		assert_noop!(Fill::new(&batch, 0, &p, 1, &o).submit(), error(Error::InvalidValidity));
		p.issued_at = START + DAY;
		assert_noop!(Fill::new(&batch, 0, &p, 1, &o).submit(), error(Error::InvalidValidity));
		let zero = opening(GTIN, 0);
		let p0 = prescription(HOLDER, &zero, 1);
		assert_noop!(
			Fill::new(&batch, 0, &p0, 1, &zero).submit(),
			error(Error::InvalidUnitsPerFill)
		);
		let huge = opening(GTIN, MAX_UNITS_PER_FILL + 1);
		let ph = prescription(HOLDER, &huge, 1);
		assert_noop!(
			Fill::new(&batch, 0, &ph, 1, &huge).submit(),
			error(Error::InvalidUnitsPerFill)
		);

		// Valid up to its expiry, to the millisecond, not after.
		let p = prescription(HOLDER, &o, 3);
		assert_ok!(Fill::new(&batch, 0, &p, 1, &o).submit());
		advance_time(30 * DAY);
		assert_ok!(Fill::new(&batch, 1, &p, 2, &o).submit());
		advance_time(1);
		assert_noop!(Fill::new(&batch, 2, &p, 3, &o).submit(), error(Error::PrescriptionExpired));
	});
}

#[test]
fn a_holder_key_holds_a_bounded_number_of_prescriptions() {
	build_and_execute(|| {
		let batch = stocked_batch(GTIN, "LOT", 8, PHARMACY_A);
		let o = opening(GTIN, 1);
		for fills in 1..=2 {
			assert_ok!(
				Fill::new(&batch, fills as u32, &prescription(HOLDER, &o, fills), 1, &o).submit()
			);
		}
		assert_noop!(
			Fill::new(&batch, 3, &prescription(HOLDER, &o, 3), 1, &o).submit(),
			error(Error::TooManyPrescriptions)
		);
	});
}

#[test]
fn a_prescription_only_product_needs_a_prescription() {
	build_and_execute(|| {
		let batch = stocked_batch(GTIN, "LOT", 4, PHARMACY_A);
		let gtin_in = || GtinInput::truncate_from(GTIN.to_vec());
		assert_noop!(
			Prescriptions::set_prescription_only(RuntimeOrigin::signed(REGULATOR), gtin_in(), true),
			BadOrigin
		);
		assert_noop!(
			Prescriptions::set_prescription_only(
				RuntimeOrigin::root(),
				GtinInput::truncate_from(b"09506000134353".to_vec()),
				true
			),
			error(Error::InvalidGtin)
		);
		assert_noop!(
			Prescriptions::set_prescription_only(
				RuntimeOrigin::root(),
				GtinInput::truncate_from(b"09506000134369".to_vec()),
				true
			),
			error(Error::UnknownProduct)
		);
		assert_ok!(Prescriptions::set_prescription_only(RuntimeOrigin::root(), gtin_in(), true));
		System::assert_last_event(
			Event::PrescriptionRuleSet { gtin: gtin(GTIN), required: true }.into(),
		);
		assert!(PrescriptionOnly::<Test>::contains_key(gtin(GTIN)));
		assert_noop!(
			DrugProvenance::dispense(
				RuntimeOrigin::signed(PHARMACIST_A),
				batch.id,
				batch.serial(0),
				batch.proof(0)
			),
			DrugError::PrescriptionRequired
		);
		let o = opening(GTIN, 1);
		assert_ok!(Fill::new(&batch, 0, &prescription(HOLDER, &o, 1), 1, &o).submit());
		// Lifted: a plain dispense works again.
		assert_ok!(Prescriptions::set_prescription_only(RuntimeOrigin::root(), gtin_in(), false));
		assert_ok!(DrugProvenance::dispense(
			RuntimeOrigin::signed(PHARMACIST_A),
			batch.id,
			batch.serial(1),
			batch.proof(1)
		));
	});
}

#[test]
fn a_recall_reaches_exactly_the_holders_who_received_the_lot() {
	build_and_execute(|| {
		let lot_1 = stocked_batch(GTIN, "LOT1", 4, PHARMACY_A);
		let lot_2 = stocked_batch(GTIN, "LOT2", 4, PHARMACY_A);
		let o = opening(GTIN, 2);
		let p1 = prescription(HOLDER, &o, 1);
		let p2 = prescription(HOLDER_2, &o, 1);
		let p3 = prescription(HOLDER_3, &o, 1);
		assert_ok!(Fill::new(&lot_1, 0, &p1, 1, &o).submit());
		assert_ok!(Fill::new(&lot_1, 1, &p1, 1, &o).submit());
		assert_ok!(Fill::new(&lot_1, 2, &p2, 1, &o).submit());
		assert_ok!(Fill::new(&lot_2, 0, &p3, 1, &o).submit());
		assert_eq!(BatchHolderCount::<Test>::get(lot_1.id), 2);
		assert_eq!(BatchHolderCount::<Test>::get(lot_2.id), 1);
		assert!(Prescriptions::recalled_fills_of(&HOLDER).is_empty());

		assert_ok!(DrugProvenance::recall_batch(RuntimeOrigin::signed(MAKER_STAFF), lot_1.id, 1));
		let recalled = |holder| -> Vec<(H256, u32)> {
			Prescriptions::recalled_fills_of(&holder)
				.into_iter()
				.map(|(id, unit): (H256, FilledUnit<AccountId>)| {
					assert_eq!(unit.batch_id, lot_1.id);
					(
						id,
						lot_1
							.serials
							.iter()
							.position(|s| {
								pallet_drug_provenance::serial_hash(s) == unit.serial_hash
							})
							.unwrap() as u32,
					)
				})
				.collect()
		};
		assert_eq!(recalled(HOLDER), vec![(p1.id(), 0), (p1.id(), 1)]);
		assert_eq!(recalled(HOLDER_2), vec![(p2.id(), 2)]);
		assert_eq!(recalled(HOLDER_3), vec![]);
		// And nothing more can be filled from the recalled lot.
		let p4 = prescription(HOLDER_3, &o, 2);
		assert_noop!(Fill::new(&lot_1, 3, &p4, 1, &o).submit(), DrugError::RecalledBatch);
	});
}

#[test]
fn the_chain_keeps_no_product_quantity_or_salt_of_a_prescription() {
	build_and_execute(|| {
		let batch = stocked_batch(GTIN, "LOT", 4, PHARMACY_A);
		// An unusual quantity and salt, so that their bytes are easy to look for.
		let o = ProductOpening { gtin: gtin(GTIN), units_per_fill: 3, salt: [0xA5; 32] };
		let p = prescription(HOLDER, &o, 1);
		System::reset_events();
		assert_ok!(Fill::new(&batch, 0, &p, 1, &o).submit());
		let id = p.id();
		let mut kept = Vec::new();
		kept.extend(PrescriptionStates::<Test>::get(id).encode());
		kept.extend(Fills::<Test>::get(id).encode());
		kept.extend(HolderPrescriptions::<Test>::get(HOLDER).encode());
		for record in System::events() {
			if let RuntimeEvent::Prescriptions(event) = record.event {
				kept.extend(event.encode());
			}
		}
		let contains = |needle: &[u8]| kept.windows(needle.len()).any(|w| w == needle);
		assert!(!contains(GTIN), "the GTIN is kept in clear");
		assert!(!contains(&[0xA5; 8]), "the salt is kept");
		assert!(!contains(&o.commitment().0), "the commitment is kept");
		assert!(!contains(b"sealed to the regulator"), "the envelope is kept");
		// What is kept is what the state and events say, and it was looked at.
		assert!(contains(&id.0));
		assert!(contains(&pallet_drug_provenance::serial_hash(&batch.serials[0]).0));
	});
}

#[test]
fn the_signed_messages_are_pinned() {
	let id = H256::repeat_byte(0x11);
	assert_eq!(issue_message(&id), [b"medchain/rx/issue/1".as_slice(), &[0x11; 32]].concat());
	assert_eq!(
		fill_message(&id, 2, &7u64),
		[b"medchain/rx/fill/1".as_slice(), &[0x11; 32], &[2], &7u64.to_le_bytes()].concat()
	);
	let o = ProductOpening { gtin: gtin(GTIN), units_per_fill: 2, salt: [0; 32] };
	let mut preimage = Vec::new();
	// The domain as a SCALE byte string: its length (compact, 21 << 2), then its bytes.
	preimage.push(21 << 2);
	preimage.extend(b"medchain/rx/product/1");
	preimage.extend(GTIN);
	preimage.extend(2u16.to_le_bytes());
	preimage.extend([0u8; 32]);
	assert_eq!(o.commitment(), H256(sp_io::hashing::blake2_256(&preimage)));
}

#[test]
fn the_invariants_catch_a_unit_counted_twice_or_lost() {
	build_and_execute(|| {
		let batch = stocked_batch(GTIN, "LOT", 4, PHARMACY_A);
		let o = opening(GTIN, 2);
		let p = prescription(HOLDER, &o, 1);
		assert_ok!(Fill::new(&batch, 0, &p, 1, &o).submit());
		assert_ok!(Prescriptions::do_try_state());
		let id = p.id();
		// A fill's count that does not match its units.
		PrescriptionStates::<Test>::mutate(id, |s| s.as_mut().unwrap().units_in_fill = 2);
		assert!(Prescriptions::do_try_state().is_err());
		PrescriptionStates::<Test>::mutate(id, |s| s.as_mut().unwrap().units_in_fill = 1);
		// A recall's reach that counts a holder twice.
		BatchHolderCount::<Test>::insert(batch.id, 2);
		assert!(Prescriptions::do_try_state().is_err());
		BatchHolderCount::<Test>::insert(batch.id, 1);
		// A holder that lost its prescription.
		HolderPrescriptions::<Test>::remove(HOLDER);
		assert!(Prescriptions::do_try_state().is_err());
		HolderPrescriptions::<Test>::insert(HOLDER, BoundedVec::truncate_from(vec![id]));
		assert_ok!(Prescriptions::do_try_state());
	});
}

#[test]
fn the_js_encoding_is_the_pallets() {
	// The same bytes are pinned in tests/testkit/test/prescriptions.test.js, which encodes
	// them by hand for the JavaScript suites.
	let p = Prescription::<sp_runtime::AccountId32> {
		prescriber: [1; 32].into(),
		holder: [2; 32].into(),
		product: H256::repeat_byte(3),
		fills: 3,
		issued_at: 1_768_435_200_000,
		expires_at: 1_770_000_000_000,
		regulator_envelope: RegulatorEnvelope::truncate_from(vec![0xEE; 70]),
	};
	let expected = [
		[1u8; 32].as_slice(),
		&[2; 32],
		&[3; 32],
		&[3],
		&1_768_435_200_000u64.to_le_bytes(),
		&1_770_000_000_000u64.to_le_bytes(),
		&[0x19, 0x01],
		&[0xEE; 70],
	]
	.concat();
	assert_eq!(p.encode(), expected);
	assert_eq!(p.id(), H256(sp_io::hashing::blake2_256(&expected)));
	let pharmacy: sp_runtime::AccountId32 = [7; 32].into();
	assert_eq!(
		fill_message(&H256::repeat_byte(0x11), 2, &pharmacy),
		[b"medchain/rx/fill/1".as_slice(), &[0x11; 32], &[2], &[7; 32]].concat()
	);
}
