//! E-prescriptions inside the real runtime, through signed extrinsics (`submit`: the runtime's
//! transaction extensions, fees, nonces): St. Mary's doctor (a staff key of //Alice's
//! hospital) signs a prescription for a holder key that the patient's wallet derived for it,
//! Riverside Pharmacy (//Bob) fills it with units of Acme's (//Charlie) product, exactly to
//! its limit and no further; a prescription-only product cannot be dispensed without one;
//! another product, another patient's signature, an expired prescription are refused by name;
//! a recall reaches exactly the holders who received the lot, in their own view; and the
//! signatures are real sr25519 (`MultiSignature`), raw or `<Bytes>`-wrapped as a wallet
//! extension makes them.

use codec::Encode;
use frame_support::traits::Get;
use medchain_runtime::{AccountId, Runtime, RuntimeCall, RuntimeEvent, System};
use medchain_runtime_test_support::*;
use pallet_drug_provenance::{BatchId, Gtin, SerialProof};
use pallet_prescriptions::{
	fill_message, issue_message,
	runtime_api::runtime_decl_for_prescriptions_api::PrescriptionsApiV1, PrescribedFill,
	Prescription, ProductOpening, RegulatorEnvelope,
};
use sp_core::{sr25519, Pair, H256};
use sp_keyring::Sr25519Keyring::*;
use sp_runtime::{traits::BlakeTwo256, BoundedVec, MultiSignature};

type RxError = pallet_prescriptions::Error<Runtime>;
type RxEvent = pallet_prescriptions::Event<Runtime>;
type DrugError = pallet_drug_provenance::Error<Runtime>;
type RxCall = pallet_prescriptions::Call<Runtime>;

/// Acme's amoxicillin (under its prefix 9506000 of the development preset).
const AMOXICILLIN: &str = "09506000134352";
/// Acme's second product.
const IBUPROFEN: &str = "09506000134369";
const DAY: u64 = 86_400_000;

fn bounded<S: Get<u32>>(value: &str) -> BoundedVec<u8, S> {
	value.as_bytes().to_vec().try_into().expect("within the bound")
}

fn gtin(digits: &str) -> Gtin {
	Gtin::parse(digits.as_bytes()).unwrap()
}

fn now() -> u64 {
	pallet_timestamp::Now::<Runtime>::get()
}

/// A batch of `n` units, commissioned by Acme and received by Riverside.
struct Lot {
	id: BatchId,
	serials: Vec<String>,
}

impl Lot {
	fn stock(product: &str, lot: &str, n: u32) -> Lot {
		let serials: Vec<String> = (0..n).map(|i| format!("{lot}{i:04}")).collect();
		let root =
			binary_merkle_tree::merkle_root::<BlakeTwo256, _>(serials.iter().map(|s| s.as_bytes()));
		let id = pallet_drug_provenance::NextBatchId::<Runtime>::get();
		submit_ok(
			&account(Charlie),
			RuntimeCall::DrugProvenance(DrugCall::commission_batch {
				gtin: bounded(product),
				lot: bounded(lot),
				expiry: bounded("280630"),
				quantity: n,
				serials_root: root,
			}),
		);
		let shipment = pallet_drug_provenance::NextShipmentId::<Runtime>::get();
		submit_ok(
			&account(Charlie),
			RuntimeCall::DrugProvenance(DrugCall::ship {
				batch_id: id,
				to: account(Bob),
				quantity: n,
			}),
		);
		submit_ok(
			&account(Bob),
			RuntimeCall::DrugProvenance(DrugCall::receive { shipment_id: shipment }),
		);
		Lot { id, serials }
	}

	fn proof(&self, index: u32) -> pallet_drug_provenance::SerialProofOf<Runtime> {
		let p = binary_merkle_tree::merkle_proof::<BlakeTwo256, _, _>(
			self.serials.iter().map(|s| s.as_bytes()),
			index,
		);
		SerialProof {
			leaf_index: index,
			leaf_count: self.serials.len() as u32,
			siblings: p.proof.try_into().unwrap(),
		}
	}

	fn serial_hash(&self, index: u32) -> H256 {
		H256(sp_io::hashing::blake2_256(self.serials[index as usize].as_bytes()))
	}
}

fn register(product: &str) {
	submit_ok(
		&account(Charlie),
		RuntimeCall::DrugProvenance(DrugCall::register_product {
			gtin: bounded(product),
			metadata_hash: H256::repeat_byte(1),
		}),
	);
}

/// St. Mary's hires a doctor: a staff key of //Alice's hospital. The key never submits a
/// transaction; it signs prescriptions.
fn doctor() -> sr25519::Pair {
	let (pair, who) = fresh_pair("Dr Grey");
	submit_ok(
		&account(Alice),
		RuntimeCall::Consortium(pallet_consortium::Call::add_staff { account: who }),
	);
	pair
}

/// The holder key a patient's wallet derives for its `n`th prescription (`//medchain/rx/<n>`
/// under the patient's seed): no funds, no registration, never a signer of a transaction.
fn holder(patient: &str, n: u32) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//{patient}//medchain/rx/{n}"), None).unwrap()
}

fn id_of(pair: &sr25519::Pair) -> AccountId {
	pair.public().into()
}

struct Rx {
	token: Prescription<AccountId>,
	prescriber_signature: MultiSignature,
	holder: sr25519::Pair,
	opening: ProductOpening,
}

/// The doctor prescribes `product`, `units` packs per fill, `fills` fills, valid `days`.
fn prescribe(
	doctor: &sr25519::Pair,
	holder: sr25519::Pair,
	product: &str,
	units: u16,
	fills: u8,
	days: u64,
) -> Rx {
	let opening = ProductOpening { gtin: gtin(product), units_per_fill: units, salt: [7; 32] };
	let token = Prescription {
		prescriber: id_of(doctor),
		holder: id_of(&holder),
		product: opening.commitment(),
		fills,
		issued_at: now(),
		expires_at: now() + days * DAY,
		regulator_envelope: RegulatorEnvelope::truncate_from(vec![0xEE; 64]),
	};
	let prescriber_signature = doctor.sign(&issue_message(&token.id())).into();
	Rx { token, prescriber_signature, holder, opening }
}

impl Rx {
	/// The call Riverside (//Bob) submits to fill `fill` with `lot`'s unit `index`, the holder
	/// signing for Riverside.
	fn fill_call(&self, lot: &Lot, index: u32, fill: u8) -> RuntimeCall {
		let holder_signature =
			self.holder.sign(&fill_message(&self.token.id(), fill, &account(Bob))).into();
		self.fill_call_signed(lot, index, fill, holder_signature)
	}

	fn fill_call_signed(
		&self,
		lot: &Lot,
		index: u32,
		fill: u8,
		holder_signature: MultiSignature,
	) -> RuntimeCall {
		RuntimeCall::Prescriptions(RxCall::dispense_prescribed {
			batch_id: lot.id,
			serial: bounded(&lot.serials[index as usize]),
			proof: lot.proof(index),
			rx: Box::new(PrescribedFill {
				prescription: self.token.clone(),
				prescriber_signature: self.prescriber_signature.clone(),
				fill,
				holder_signature,
				opening: self.opening.clone(),
			}),
		})
	}
}

fn set_prescription_only(product: &str, required: bool) {
	// Root stands in for the council's 2/3 motion here (CouncilTwoThirds admits both).
	assert!(dispatch_root(RuntimeCall::Prescriptions(RxCall::set_prescription_only {
		gtin: bounded(product),
		required,
	}))
	.is_ok());
}

#[test]
fn a_prescription_is_filled_exactly_to_its_limit_and_a_prescription_only_product_needs_one() {
	new_test_ext().execute_with(|| {
		register(AMOXICILLIN);
		let lot = Lot::stock(AMOXICILLIN, "AMX1", 8);
		let doctor = doctor();
		set_prescription_only(AMOXICILLIN, true);

		// Without a prescription: refused by name.
		submit_err(
			&account(Bob),
			RuntimeCall::DrugProvenance(DrugCall::dispense {
				batch_id: lot.id,
				serial: bounded(&lot.serials[0]),
				proof: lot.proof(0),
			}),
			DrugError::PrescriptionRequired,
		);

		// Two fills of two packs each.
		let rx = prescribe(&doctor, holder("Pat", 0), AMOXICILLIN, 2, 2, 30);
		let id = rx.token.id();
		submit_ok(&account(Bob), rx.fill_call(&lot, 0, 1));
		assert!(System::events().iter().any(|r| r.event
			== RuntimeEvent::Prescriptions(RxEvent::PrescriptionRegistered {
				prescription: id,
				prescriber: account(Alice),
				fills: 2,
				expires_at: rx.token.expires_at,
			})));
		submit_ok(&account(Bob), rx.fill_call(&lot, 1, 1));
		submit_err(&account(Bob), rx.fill_call(&lot, 2, 1), RxError::FillComplete);
		next_block();
		submit_ok(&account(Bob), rx.fill_call(&lot, 2, 2));
		submit_ok(&account(Bob), rx.fill_call(&lot, 3, 2));
		assert!(System::events().iter().any(|r| r.event
			== RuntimeEvent::Prescriptions(RxEvent::PrescriptionFilled {
				prescription: id,
				fill: 2,
				batch_id: lot.id,
				serial_hash: lot.serial_hash(3),
				pharmacy: account(Bob),
			})));
		submit_err(&account(Bob), rx.fill_call(&lot, 4, 2), RxError::FillComplete);
		submit_err(&account(Bob), rx.fill_call(&lot, 4, 3), RxError::NoFillsLeft);

		let fills = Runtime::fills(id);
		assert_eq!(
			fills.iter().map(|u| (u.fill, u.serial_hash)).collect::<Vec<_>>(),
			(0..4).map(|i| (1 + i as u8 / 2, lot.serial_hash(i))).collect::<Vec<_>>()
		);
		assert_eq!(Runtime::prescriptions_of(id_of(&rx.holder)), vec![id]);
		assert!(Runtime::is_prescription_only(AMOXICILLIN.as_bytes().to_vec()));
		// The holder key never signed a transaction and holds nothing.
		assert_eq!(System::account_nonce(id_of(&rx.holder)), 0);
		assert!(!System::account_exists(&id_of(&rx.holder)));

		// Lifted by governance: a plain dispense works again.
		set_prescription_only(AMOXICILLIN, false);
		submit_ok(
			&account(Bob),
			RuntimeCall::DrugProvenance(DrugCall::dispense {
				batch_id: lot.id,
				serial: bounded(&lot.serials[5]),
				proof: lot.proof(5),
			}),
		);
	});
}

#[test]
fn another_product_another_patient_or_an_expired_prescription_is_refused_by_name() {
	new_test_ext().execute_with(|| {
		register(AMOXICILLIN);
		register(IBUPROFEN);
		let amoxicillin = Lot::stock(AMOXICILLIN, "AMX1", 4);
		let ibuprofen = Lot::stock(IBUPROFEN, "IBU1", 4);
		let doctor = doctor();
		let rx = prescribe(&doctor, holder("Pat", 0), AMOXICILLIN, 1, 3, 1);

		// A unit of another product.
		submit_err(&account(Bob), rx.fill_call(&ibuprofen, 0, 1), RxError::ProductMismatch);
		// Another patient's key signs the fill.
		let other = holder("Quinn", 0);
		let forged = other.sign(&fill_message(&rx.token.id(), 1, &account(Bob))).into();
		submit_err(
			&account(Bob),
			rx.fill_call_signed(&amoxicillin, 0, 1, forged),
			RxError::BadHolderSignature,
		);
		// A wallet extension's <Bytes>-wrapped signature is the patient's too.
		let message = fill_message(&rx.token.id(), 1, &account(Bob));
		let wrapped = [b"<Bytes>".as_slice(), message.as_slice(), b"</Bytes>".as_slice()].concat();
		let wrapped = rx.holder.sign(&wrapped).into();
		submit_ok(&account(Bob), rx.fill_call_signed(&amoxicillin, 0, 1, wrapped));
		// A pharmacist cannot prescribe.
		let (pharmacist, who) = fresh_pair("Pharmacist");
		submit_ok(
			&account(Bob),
			RuntimeCall::Consortium(pallet_consortium::Call::add_staff { account: who }),
		);
		let self_made = prescribe(&pharmacist, holder("Pat", 1), AMOXICILLIN, 1, 1, 1);
		submit_err(&account(Bob), self_made.fill_call(&amoxicillin, 1, 1), RxError::NotAPrescriber);
		// A day later (and a slot), the prescription has expired.
		pallet_timestamp::Now::<Runtime>::put(rx.token.expires_at + 1);
		next_block();
		submit_err(&account(Bob), rx.fill_call(&amoxicillin, 1, 2), RxError::PrescriptionExpired);
	});
}

#[test]
fn a_recall_reaches_exactly_the_patients_who_received_the_lot_in_their_own_view() {
	new_test_ext().execute_with(|| {
		register(AMOXICILLIN);
		let lot_1 = Lot::stock(AMOXICILLIN, "AMX1", 4);
		let lot_2 = Lot::stock(AMOXICILLIN, "AMX2", 4);
		let doctor = doctor();
		let pat = prescribe(&doctor, holder("Pat", 0), AMOXICILLIN, 2, 1, 30);
		let quinn = prescribe(&doctor, holder("Quinn", 0), AMOXICILLIN, 1, 1, 30);
		let rosa = prescribe(&doctor, holder("Rosa", 0), AMOXICILLIN, 1, 1, 30);
		submit_ok(&account(Bob), pat.fill_call(&lot_1, 0, 1));
		submit_ok(&account(Bob), pat.fill_call(&lot_1, 1, 1));
		submit_ok(&account(Bob), quinn.fill_call(&lot_1, 2, 1));
		submit_ok(&account(Bob), rosa.fill_call(&lot_2, 0, 1));

		submit_ok(
			&account(Charlie),
			RuntimeCall::DrugProvenance(DrugCall::recall_batch {
				batch_id: lot_1.id,
				reason_code: 1,
			}),
		);
		// Each patient's wallet asks for the holder keys it derived.
		let recalled = |p: &Rx| -> Vec<H256> {
			Runtime::recalled_fills_of(id_of(&p.holder))
				.into_iter()
				.map(|(id, unit)| {
					assert_eq!((id, unit.batch_id), (p.token.id(), lot_1.id));
					unit.serial_hash
				})
				.collect()
		};
		assert_eq!(recalled(&pat), vec![lot_1.serial_hash(0), lot_1.serial_hash(1)]);
		assert_eq!(recalled(&quinn), vec![lot_1.serial_hash(2)]);
		assert_eq!(recalled(&rosa), Vec::<H256>::new());
		// The regulator counts the holders the lot reached, without a list of them.
		assert_eq!(Runtime::holders_reached(lot_1.id), 2);
		assert_eq!(Runtime::holders_reached(lot_2.id), 1);
	});
}

#[test]
fn a_third_member_reads_no_product_quantity_or_patient_in_a_prescription_or_its_fill() {
	new_test_ext().execute_with(|| {
		register(AMOXICILLIN);
		let lot = Lot::stock(AMOXICILLIN, "AMX1", 4);
		let doctor = doctor();
		let rx = prescribe(&doctor, holder("Pat", 0), AMOXICILLIN, 3, 1, 30);
		System::reset_events();
		submit_ok(&account(Bob), rx.fill_call(&lot, 0, 1));
		// Everything this pallet keeps or says: its storage under its prefix, and its events.
		let prefix = sp_io::hashing::twox_128(b"Prescriptions");
		let mut kept = Vec::new();
		let mut key = prefix.to_vec();
		while let Some(next) = sp_io::storage::next_key(&key) {
			if !next.starts_with(&prefix) {
				break;
			}
			kept.extend(sp_io::storage::get(&next).unwrap().to_vec());
			kept.extend(&next);
			key = next;
		}
		for record in System::events() {
			if let RuntimeEvent::Prescriptions(event) = record.event {
				kept.extend(event.encode());
			}
		}
		assert!(kept.len() > 200, "the pallet's state was read ({} bytes)", kept.len());
		let has = |needle: &[u8]| kept.windows(needle.len()).any(|w| w == needle);
		assert!(!has(AMOXICILLIN.as_bytes()), "the product is kept in clear");
		assert!(!has(&rx.opening.salt), "the salt is kept");
		assert!(!has(&rx.opening.commitment().0), "the commitment is kept");
		assert!(!has(&[0xEE; 16]), "the regulator's envelope is kept");
		// What is kept names the holder key (which nothing on chain links to a patient), the
		// prescription and the unit.
		assert!(has(id_of(&rx.holder).as_ref()));
		assert!(has(&lot.serial_hash(0).0));
		assert!(has(&rx.token.id().0));
	});
}
