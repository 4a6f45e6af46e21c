//! Drug provenance inside the real runtime, across Consortium and DrugProvenance: one batch of
//! 1,000 serials travels manufacturer → distributor → two pharmacies, units are dispensed, a
//! copied serial is refused and recorded as suspect, and a recall stops the batch; an expired
//! batch cannot be dispensed; a suspended pharmacy can neither receive nor dispense.
//!
//! The serials tree is built with `binary_merkle_tree` over the serials' ASCII bytes, as a
//! manufacturer's tooling would; the chain sees only its root. The pallet's conservation
//! invariant (`do_try_state` is not compiled into this runtime) is checked here after every
//! step: held + in transit + dispensed == quantity.

use std::collections::BTreeMap;

use frame_support::{assert_noop, assert_ok, traits::Get};
use medchain_runtime::{AccountId, DrugProvenance, Runtime, RuntimeCall, RuntimeEvent};
use medchain_runtime_test_support::*;
use pallet_drug_provenance::{
	BatchId, Custody, CustodyEvent, DispenseInfo, ExpiryDate, SerialProof, SerialProofOf,
	ShipmentId, SuspectReason,
};
use sp_core::H256;
use sp_keyring::Sr25519Keyring::*;
use sp_runtime::{traits::BlakeTwo256, BoundedVec};

type DrugError = pallet_drug_provenance::Error<Runtime>;
type ConsortiumError = pallet_consortium::Error<Runtime>;
type DrugEvent = pallet_drug_provenance::Event<Runtime>;

/// A valid GTIN-14 (the GS1 example GTIN, check digit 2).
const GTIN: &str = "09506000134352";
/// Units in the batch of the story.
const QUANTITY: u32 = 1_000;
/// 30 June 2028: years after the genesis time (14 Nov 2023).
const EXPIRY: &str = "280630";

fn bounded<S: Get<u32>>(value: &str) -> BoundedVec<u8, S> {
	value.as_bytes().to_vec().try_into().expect("within the bound")
}

/// A batch's serial numbers as the manufacturer lists them, and their Merkle tree.
struct Serials {
	list: Vec<String>,
	root: H256,
}

impl Serials {
	fn new(prefix: &str, count: u32) -> Self {
		let list: Vec<String> = (0..count).map(|i| format!("{prefix}{i:06}")).collect();
		let root =
			binary_merkle_tree::merkle_root::<BlakeTwo256, _>(list.iter().map(|s| s.as_bytes()));
		Self { list, root }
	}

	fn count(&self) -> u32 {
		self.list.len() as u32
	}

	fn serial(&self, index: u32) -> &str {
		&self.list[index as usize]
	}

	/// The sibling hashes proving serial `index`, as the manufacturer hands them out.
	fn siblings(&self, index: u32) -> Vec<H256> {
		let proof = binary_merkle_tree::merkle_proof::<BlakeTwo256, _, _>(
			self.list.iter().map(|s| s.as_bytes()),
			index,
		);
		assert_eq!(proof.root, self.root);
		assert_eq!(proof.number_of_leaves, self.count());
		proof.proof
	}

	/// The proof of serial `index` as `dispense` takes it.
	fn proof(&self, index: u32) -> SerialProofOf<Runtime> {
		SerialProof {
			leaf_index: index,
			leaf_count: self.count(),
			siblings: self.siblings(index).try_into().expect("within MaxProofLen"),
		}
	}

	/// The proof of serial `index` as the runtime API's `verify_unit` takes it.
	fn api_proof(&self, index: u32) -> SerialProof<Vec<H256>> {
		SerialProof { leaf_index: index, leaf_count: self.count(), siblings: self.siblings(index) }
	}
}

fn serial_hash(serial: &str) -> H256 {
	H256(sp_io::hashing::blake2_256(serial.as_bytes()))
}

/// What a pharmacist's scanner app learns about one pack: GTIN, lot and serial from the
/// DataMatrix, the proof from the manufacturer.
fn scan(lot: &str, serials: &Serials, index: u32) -> pallet_drug_provenance::UnitStatus<AccountId> {
	DrugProvenance::verify_unit(
		GTIN.as_bytes().to_vec(),
		lot.as_bytes().to_vec(),
		serials.serial(index).as_bytes().to_vec(),
		serials.api_proof(index),
	)
}

/// Register a second pharmacy, "Lakeside", administered by a fresh account.
fn second_pharmacy() -> AccountId {
	let lakeside = fresh("Lakeside");
	assert_ok!(dispatch_root(RuntimeCall::Consortium(
		pallet_consortium::Call::register_organization {
			admin: lakeside.clone(),
			name: b"Lakeside Pharmacy".to_vec(),
			roles: pallet_consortium::Roles::only(pallet_consortium::Role::Pharmacy),
		}
	)));
	lakeside
}

fn register_product() {
	let metadata_hash = H256(sp_io::hashing::blake2_256(br#"{"name":"Amoxicillin 500 mg"}"#));
	assert_ok!(dispatch(
		&account(Charlie),
		RuntimeCall::DrugProvenance(DrugCall::register_product {
			gtin: bounded(GTIN),
			metadata_hash,
		})
	));
	assert_eq!(
		last_event(),
		RuntimeEvent::DrugProvenance(DrugEvent::ProductRegistered {
			gtin: pallet_drug_provenance::Gtin(GTIN.as_bytes().try_into().unwrap()),
			manufacturer: account(Charlie),
			metadata_hash,
		})
	);
}

fn commission_call(lot: &str, expiry: &str, serials: &Serials) -> RuntimeCall {
	RuntimeCall::DrugProvenance(DrugCall::commission_batch {
		gtin: bounded(GTIN),
		lot: bounded(lot),
		expiry: bounded(expiry),
		quantity: serials.count(),
		serials_root: serials.root,
	})
}

/// Acme (//Charlie) commissions a batch of the product; its id, from the event.
fn commission(lot: &str, expiry: &str, serials: &Serials) -> BatchId {
	assert_ok!(dispatch(&account(Charlie), commission_call(lot, expiry, serials)));
	match last_event() {
		RuntimeEvent::DrugProvenance(DrugEvent::BatchCommissioned {
			batch_id,
			quantity,
			serials_root,
			manufacturer,
			..
		}) => {
			assert_eq!(quantity, serials.count());
			assert_eq!(serials_root, serials.root);
			assert_eq!(manufacturer, account(Charlie));
			batch_id
		}
		other => panic!("expected BatchCommissioned, got {other:?}"),
	}
}

fn ship_call(batch_id: BatchId, to: &AccountId, quantity: u32) -> RuntimeCall {
	RuntimeCall::DrugProvenance(DrugCall::ship { batch_id, to: to.clone(), quantity })
}

/// `from` ships `quantity` units to `to`; the shipment's id, from the event.
fn ship(from: &AccountId, batch_id: BatchId, to: &AccountId, quantity: u32) -> ShipmentId {
	assert_ok!(dispatch(from, ship_call(batch_id, to, quantity)));
	match last_event() {
		RuntimeEvent::DrugProvenance(DrugEvent::ShipmentSent {
			shipment_id,
			batch_id: shipped,
			from: sender,
			to: recipient,
			quantity: units,
		}) => {
			assert_eq!((shipped, &sender, &recipient, units), (batch_id, from, to, quantity));
			shipment_id
		}
		other => panic!("expected ShipmentSent, got {other:?}"),
	}
}

fn receive_call(shipment_id: ShipmentId) -> RuntimeCall {
	RuntimeCall::DrugProvenance(DrugCall::receive { shipment_id })
}

fn receive(who: &AccountId, shipment_id: ShipmentId) {
	assert_ok!(dispatch(who, receive_call(shipment_id)));
	assert!(
		matches!(
			last_event(),
			RuntimeEvent::DrugProvenance(DrugEvent::ShipmentReceived { shipment_id: id, to, .. })
				if id == shipment_id && &to == who
		),
		"expected ShipmentReceived"
	);
}

fn dispense_call(batch_id: BatchId, serials: &Serials, index: u32) -> RuntimeCall {
	RuntimeCall::DrugProvenance(DrugCall::dispense {
		batch_id,
		serial: bounded(serials.serial(index)),
		proof: serials.proof(index),
	})
}

fn dispense(pharmacy: &AccountId, batch_id: BatchId, serials: &Serials, index: u32) {
	assert_ok!(dispatch(pharmacy, dispense_call(batch_id, serials, index)));
	assert_eq!(
		last_event(),
		RuntimeEvent::DrugProvenance(DrugEvent::UnitDispensed {
			batch_id,
			serial_hash: serial_hash(serials.serial(index)),
			pharmacy: pharmacy.clone(),
		})
	);
}

fn report_call(batch_id: BatchId, serial: &str, reason: SuspectReason) -> RuntimeCall {
	RuntimeCall::DrugProvenance(DrugCall::report_suspect {
		batch_id,
		serial: bounded(serial),
		reason,
	})
}

fn recall_call(batch_id: BatchId, reason_code: u16) -> RuntimeCall {
	RuntimeCall::DrugProvenance(DrugCall::recall_batch { batch_id, reason_code })
}

/// The conservation invariant, checked from storage independently of the pallet's own
/// totals: the holders the API lists are exactly the custody entries stored (none empty);
/// held + in transit + dispensed == quantity; incoming == outgoing == in transit == the
/// units of the batch's pending shipments; dispensed == the serials marked dispensed ==
/// what the test dispensed. Returns the holders' custody.
fn assert_conserved(batch_id: BatchId, dispensed: u32) -> BTreeMap<AccountId, Custody> {
	let batch = DrugProvenance::batch(batch_id).expect("the batch exists");
	let listed = DrugProvenance::holders(batch_id);
	let stored: BTreeMap<AccountId, Custody> =
		pallet_drug_provenance::Holdings::<Runtime>::iter_prefix(batch_id).collect();
	let listed_map: BTreeMap<AccountId, Custody> = listed.iter().cloned().collect();
	assert_eq!(listed_map.len(), listed.len(), "a holder is listed twice");
	assert_eq!(listed_map, stored, "holders() differs from the custody entries stored");
	assert!(stored.values().all(|c| !c.is_empty()), "an empty custody entry is stored");

	let sum = |f: fn(&Custody) -> u32| stored.values().map(|c| u64::from(f(c))).sum::<u64>();
	let (held, incoming, outgoing) = (sum(|c| c.held), sum(|c| c.incoming), sum(|c| c.outgoing));
	let in_transit = u64::from(batch.in_transit);
	let pending: u64 = pallet_drug_provenance::Shipments::<Runtime>::iter_values()
		.filter(|s| s.batch_id == batch_id)
		.map(|s| u64::from(s.quantity))
		.sum();
	let marked = pallet_drug_provenance::Dispensed::<Runtime>::iter_prefix(batch_id).count();

	assert_eq!(
		held + in_transit + u64::from(batch.dispensed),
		u64::from(batch.quantity),
		"conservation: held {held} + in transit {in_transit} + dispensed {} != quantity {}",
		batch.dispensed,
		batch.quantity
	);
	assert_eq!(incoming, in_transit, "incoming != in transit");
	assert_eq!(outgoing, in_transit, "outgoing != in transit");
	assert_eq!(pending, in_transit, "pending shipments != in transit");
	assert_eq!(batch.dispensed, dispensed, "the batch's dispensed count");
	assert_eq!(marked, dispensed as usize, "serials marked dispensed");
	stored
}

fn custody(held: u32, incoming: u32, outgoing: u32) -> Custody {
	Custody { held, incoming, outgoing }
}

/// A custody-history entry without its timestamp: (kind, first party, second party, units
/// or reason code).
fn summary(entry: &CustodyEvent<AccountId>) -> (&'static str, AccountId, Option<AccountId>, u32) {
	match entry.clone() {
		CustodyEvent::Commissioned { by, quantity, .. } => ("commissioned", by, None, quantity),
		CustodyEvent::Shipped { from, to, quantity, .. } => ("shipped", from, Some(to), quantity),
		CustodyEvent::Received { from, to, quantity, .. } => ("received", from, Some(to), quantity),
		CustodyEvent::Cancelled { from, to, quantity, .. } => {
			("cancelled", from, Some(to), quantity)
		}
		CustodyEvent::Dispensed { pharmacy, count, .. } => ("dispensed", pharmacy, None, count),
		CustodyEvent::Recalled { by, reason_code, .. } => {
			("recalled", by, None, u32::from(reason_code))
		}
		CustodyEvent::Rejected { from, to, quantity, .. } => ("rejected", from, Some(to), quantity),
		CustodyEvent::Destroyed { by, quantity, .. } => ("destroyed", by, None, quantity),
	}
}

#[test]
fn one_batch_of_1000_serials_from_manufacturer_to_two_pharmacies() {
	new_test_ext().execute_with(|| {
		let acme = account(Charlie);
		let medlogistics = account(Dave);
		let riverside = account(Bob);
		let lakeside = second_pharmacy();
		let regulator = account(Eve);
		let serials = Serials::new("ACME", QUANTITY);
		const LOT: &str = "AMX-2028-A";

		// Acme registers the product and commissions the batch; only a Manufacturer may.
		register_product();
		assert_noop!(
			dispatch(&riverside, commission_call(LOT, EXPIRY, &serials)),
			ConsortiumError::MissingRole
		);
		let batch_id = commission(LOT, EXPIRY, &serials);
		let batch = DrugProvenance::batch(batch_id).expect("commissioned");
		assert_eq!(batch.quantity, QUANTITY);
		assert_eq!(batch.lot, LOT.as_bytes().to_vec());
		assert_eq!(batch.expiry, ExpiryDate { year: 2028, month: 6, day: 30 });
		assert_eq!(batch.commissioned_at, GENESIS_TIME);
		assert_eq!(
			DrugProvenance::batch_of(GTIN.as_bytes().to_vec(), LOT.as_bytes().to_vec()),
			Some(batch_id)
		);
		assert_eq!(
			DrugProvenance::holders(batch_id),
			vec![(acme.clone(), custody(QUANTITY, 0, 0))]
		);
		assert_conserved(batch_id, 0);
		// A (GTIN, lot) is commissioned once.
		assert_noop!(
			dispatch(&acme, commission_call(LOT, EXPIRY, &serials)),
			DrugError::LotAlreadyCommissioned
		);

		// Every pack of the batch is authentic and dispensable at the factory.
		let fresh_pack = scan(LOT, &serials, 421);
		assert_eq!(fresh_pack.batch_id, Some(batch_id));
		assert!(fresh_pack.is_dispensable(), "{fresh_pack:?}");
		assert_eq!(fresh_pack.expiry, Some(ExpiryDate { year: 2028, month: 6, day: 30 }));

		// Acme ships the whole batch to MedLogistics: in transit until received.
		next_block();
		let to_distributor = ship(&acme, batch_id, &medlogistics, QUANTITY);
		assert_eq!(
			assert_conserved(batch_id, 0),
			BTreeMap::from([
				(acme.clone(), custody(0, 0, QUANTITY)),
				(medlogistics.clone(), custody(0, QUANTITY, 0)),
			])
		);
		assert_eq!(DrugProvenance::batch(batch_id).unwrap().in_transit, QUANTITY);
		// Nothing left to ship, and only the recipient receives.
		assert_noop!(
			dispatch(&acme, ship_call(batch_id, &riverside, 1)),
			DrugError::InsufficientCustody
		);
		assert_noop!(
			dispatch(&riverside, receive_call(to_distributor)),
			DrugError::NotShipmentRecipient
		);
		receive(&medlogistics, to_distributor);
		// Acme has nothing of the batch any more: it is no longer a holder.
		assert_eq!(
			DrugProvenance::holders(batch_id),
			vec![(medlogistics.clone(), custody(QUANTITY, 0, 0))]
		);
		assert_conserved(batch_id, 0);
		assert_eq!(DrugProvenance::shipment(to_distributor), None);

		// MedLogistics splits the batch between the two pharmacies.
		next_block();
		let to_riverside = ship(&medlogistics, batch_id, &riverside, 600);
		let to_lakeside = ship(&medlogistics, batch_id, &lakeside, 400);
		assert_eq!(
			assert_conserved(batch_id, 0),
			BTreeMap::from([
				(medlogistics.clone(), custody(0, 0, QUANTITY)),
				(riverside.clone(), custody(0, 600, 0)),
				(lakeside.clone(), custody(0, 400, 0)),
			])
		);
		// A pharmacy cannot dispense what it has not received.
		assert_noop!(
			dispatch(&riverside, dispense_call(batch_id, &serials, 0)),
			DrugError::NoCustody
		);
		receive(&riverside, to_riverside);
		assert_conserved(batch_id, 0);
		receive(&lakeside, to_lakeside);
		assert_eq!(
			DrugProvenance::holders(batch_id),
			vec![(riverside.clone(), custody(600, 0, 0)), (lakeside.clone(), custody(400, 0, 0))]
		);
		assert_conserved(batch_id, 0);

		// Riverside dispenses 25 packs over several blocks, Lakeside 3, Riverside one more.
		let mut dispensed = 0;
		for index in 0..25 {
			if index % 5 == 0 {
				next_block();
			}
			dispense(&riverside, batch_id, &serials, index * 40);
			dispensed += 1;
			assert_conserved(batch_id, dispensed);
		}
		next_block();
		let lakeside_time = pallet_timestamp::Now::<Runtime>::get();
		for index in [999, 998, 421] {
			dispense(&lakeside, batch_id, &serials, index);
			dispensed += 1;
			assert_conserved(batch_id, dispensed);
		}
		dispense(&riverside, batch_id, &serials, 1);
		dispensed += 1;
		assert_eq!(
			assert_conserved(batch_id, dispensed),
			BTreeMap::from([
				(riverside.clone(), custody(600 - 26, 0, 0)),
				(lakeside.clone(), custody(400 - 3, 0, 0)),
			])
		);

		// The scanner now sees pack 421 as dispensed by Lakeside.
		let sold = scan(LOT, &serials, 421);
		assert!(sold.authentic);
		assert_eq!(
			sold.dispensed,
			Some(DispenseInfo { pharmacy: lakeside.clone(), at: lakeside_time })
		);
		assert!(!sold.is_dispensable());

		// A serial not in the batch, or a genuine serial with another serial's proof, is no
		// member of the batch; a proof sized for another tree does not fit it.
		let fakes = Serials::new("FAKE", QUANTITY);
		assert_noop!(
			dispatch(
				&riverside,
				RuntimeCall::DrugProvenance(DrugCall::dispense {
					batch_id,
					serial: bounded(fakes.serial(500)),
					proof: fakes.proof(500),
				})
			),
			DrugError::SerialNotInBatch
		);
		assert_noop!(
			dispatch(
				&riverside,
				RuntimeCall::DrugProvenance(DrugCall::dispense {
					batch_id,
					serial: bounded(serials.serial(500)),
					proof: serials.proof(501),
				})
			),
			DrugError::SerialNotInBatch
		);
		let small = Serials::new("ACME", 10);
		assert_noop!(
			dispatch(
				&riverside,
				RuntimeCall::DrugProvenance(DrugCall::dispense {
					batch_id,
					serial: bounded(small.serial(5)),
					proof: small.proof(5),
				})
			),
			DrugError::InvalidProof
		);
		let fake_pack = DrugProvenance::verify_unit(
			GTIN.as_bytes().to_vec(),
			LOT.as_bytes().to_vec(),
			fakes.serial(500).as_bytes().to_vec(),
			fakes.api_proof(500),
		);
		assert_eq!(fake_pack.batch_id, Some(batch_id));
		assert!(!fake_pack.authentic, "a fake serial verified");
		// A pack whose lot names no batch is unknown to the chain.
		let unknown = DrugProvenance::verify_unit(
			GTIN.as_bytes().to_vec(),
			b"AMX-2028-Z".to_vec(),
			serials.serial(2).as_bytes().to_vec(),
			serials.api_proof(2),
		);
		assert_eq!(unknown.batch_id, None);
		assert!(!unknown.authentic);

		// Double dispense: a copy of pack 40 (already dispensed by Riverside) turns up at
		// Lakeside. The dispense is refused and leaves nothing on chain ...
		next_block();
		let copied = serials.serial(40).to_owned();
		let copy_seen = scan(LOT, &serials, 40);
		assert!(copy_seen.authentic, "the copied serial is a real one");
		assert_eq!(copy_seen.dispensed.as_ref().map(|d| &d.pharmacy), Some(&riverside));
		assert_noop!(
			dispatch(&lakeside, dispense_call(batch_id, &serials, 40)),
			DrugError::SerialAlreadyDispensed
		);
		// ... (Riverside cannot dispense it twice either) ...
		assert_noop!(
			dispatch(&riverside, dispense_call(batch_id, &serials, 40)),
			DrugError::SerialAlreadyDispensed
		);
		// ... so Lakeside's software files the suspect report, which stays. The chain checks
		// the claim: a never-dispensed serial is no double dispense.
		assert_noop!(
			dispatch(
				&lakeside,
				report_call(batch_id, serials.serial(41), SuspectReason::DoubleDispense)
			),
			DrugError::ClaimNotSupported
		);
		assert_ok!(dispatch(
			&lakeside,
			report_call(batch_id, &copied, SuspectReason::DoubleDispense)
		));
		assert_eq!(
			last_event(),
			RuntimeEvent::DrugProvenance(DrugEvent::SuspectReported {
				batch_id,
				serial_hash: serial_hash(&copied),
				reason: SuspectReason::DoubleDispense,
				reporter: lakeside.clone(),
			})
		);
		let reports = DrugProvenance::suspect_reports(batch_id);
		assert_eq!(reports.len(), 1);
		assert_eq!(reports[0].reporter, lakeside);
		assert_eq!(reports[0].serial_hash, serial_hash(&copied));
		assert_eq!(reports[0].reason, SuspectReason::DoubleDispense);
		assert_eq!(reports[0].at, pallet_timestamp::Now::<Runtime>::get());
		assert_eq!(scan(LOT, &serials, 40).suspect_reports, 1);
		assert_eq!(DrugProvenance::batch(batch_id).unwrap().suspect_reports, 1);
		// Nothing moved: the refused dispenses took no unit.
		assert_conserved(batch_id, dispensed);

		// Riverside sends 5 packs on to Lakeside; before Lakeside receives them, the regulator
		// recalls the batch. A distributor cannot recall.
		next_block();
		let pending = ship(&riverside, batch_id, &lakeside, 5);
		let before_recall = assert_conserved(batch_id, dispensed);
		assert_eq!(before_recall[&riverside], custody(600 - 26 - 5, 0, 5));
		assert_eq!(before_recall[&lakeside], custody(400 - 3, 5, 0));
		assert_noop!(
			dispatch(&medlogistics, recall_call(batch_id, 7)),
			DrugError::NotManufacturerOrRegulator
		);
		let holders_before = DrugProvenance::holders(batch_id);
		assert_ok!(dispatch(&regulator, recall_call(batch_id, 7)));
		assert_eq!(
			last_event(),
			RuntimeEvent::DrugProvenance(DrugEvent::BatchRecalled {
				batch_id,
				by: regulator.clone(),
				reason_code: 7,
				holders: holders_before.clone().try_into().unwrap(),
				in_transit: 5,
			})
		);
		assert_noop!(dispatch(&acme, recall_call(batch_id, 8)), DrugError::AlreadyRecalled);

		// The recall blocks every further movement: no dispense, no shipment, no receipt.
		let recalled_pack = scan(LOT, &serials, 700);
		assert!(recalled_pack.authentic && recalled_pack.recalled);
		assert_eq!(recalled_pack.dispensed, None);
		assert!(!recalled_pack.is_dispensable());
		assert_noop!(
			dispatch(&riverside, dispense_call(batch_id, &serials, 2)),
			DrugError::RecalledBatch
		);
		assert_noop!(
			dispatch(&lakeside, dispense_call(batch_id, &serials, 700)),
			DrugError::RecalledBatch
		);
		assert_noop!(
			dispatch(&riverside, ship_call(batch_id, &medlogistics, 1)),
			DrugError::RecalledBatch
		);
		// (Recalled units may only go back to their manufacturer: see the end of the story.)
		assert_noop!(dispatch(&lakeside, receive_call(pending)), DrugError::RecalledBatch);
		assert_eq!(DrugProvenance::holders(batch_id), holders_before);
		assert_conserved(batch_id, dispensed);
		// A unit of the recalled batch found on a shelf can be reported as such.
		assert_ok!(dispatch(
			&lakeside,
			report_call(batch_id, serials.serial(700), SuspectReason::Recalled)
		));
		assert_eq!(DrugProvenance::suspect_reports(batch_id).len(), 2);

		// Riverside takes the pending shipment back: the packs are in its custody again.
		assert_ok!(dispatch(
			&riverside,
			RuntimeCall::DrugProvenance(DrugCall::cancel_shipment { shipment_id: pending })
		));
		assert_eq!(
			assert_conserved(batch_id, dispensed),
			BTreeMap::from([
				(riverside.clone(), custody(600 - 26, 0, 0)),
				(lakeside.clone(), custody(400 - 3, 0, 0)),
			])
		);
		assert_eq!(DrugProvenance::batch(batch_id).unwrap().in_transit, 0);

		// The batch's whole story, oldest first.
		let history: Vec<_> = DrugProvenance::batch_history(batch_id).iter().map(summary).collect();
		assert_eq!(
			history,
			vec![
				("commissioned", acme.clone(), None, QUANTITY),
				("shipped", acme.clone(), Some(medlogistics.clone()), QUANTITY),
				("received", acme.clone(), Some(medlogistics.clone()), QUANTITY),
				("shipped", medlogistics.clone(), Some(riverside.clone()), 600),
				("shipped", medlogistics.clone(), Some(lakeside.clone()), 400),
				("received", medlogistics.clone(), Some(riverside.clone()), 600),
				("received", medlogistics.clone(), Some(lakeside.clone()), 400),
				("dispensed", riverside.clone(), None, 25),
				("dispensed", lakeside.clone(), None, 3),
				("dispensed", riverside.clone(), None, 1),
				("shipped", riverside.clone(), Some(lakeside.clone()), 5),
				("recalled", regulator.clone(), None, 7),
				("cancelled", riverside.clone(), Some(lakeside.clone()), 5),
			]
		);
		assert_eq!(DrugProvenance::batch(batch_id).unwrap().history_pruned, 0);

		// Recalled units go back to the manufacturer, who destroys them: custody ends on
		// chain instead of staying on the pharmacies' books for ever.
		let returned = ship(&lakeside, batch_id, &acme, 397);
		receive(&acme, returned);
		assert_ok!(dispatch(
			&acme,
			RuntimeCall::DrugProvenance(DrugCall::destroy_units {
				batch_id,
				quantity: 397,
				reason: pallet_drug_provenance::DestructionReason::Recalled,
			})
		));
		let batch = DrugProvenance::batch(batch_id).unwrap();
		assert_eq!(batch.destroyed, 397);
		assert!(!DrugProvenance::holders(batch_id).iter().any(|(who, _)| *who == lakeside));
		// Anywhere else, a recalled batch still cannot move.
		assert_noop!(
			dispatch(&riverside, ship_call(batch_id, &lakeside, 1)),
			DrugError::RecalledBatch
		);
	});
}

#[test]
fn an_expired_batch_cannot_be_dispensed() {
	new_test_ext().execute_with(|| {
		let acme = account(Charlie);
		let riverside = account(Bob);
		let serials = Serials::new("EXP", QUANTITY);
		const LOT: &str = "AMX-2028-X";

		register_product();
		// A batch expiring 31 December 2028, commissioned in November 2023.
		let batch_id = commission(LOT, "281231", &serials);
		assert_eq!(
			DrugProvenance::batch(batch_id).unwrap().expiry,
			ExpiryDate { year: 2028, month: 12, day: 31 }
		);
		let to_riverside = ship(&acme, batch_id, &riverside, 100);
		receive(&riverside, to_riverside);
		dispense(&riverside, batch_id, &serials, 10);
		assert!(!scan(LOT, &serials, 11).expired);
		// An Expired claim is refused while the batch is not expired.
		assert_noop!(
			dispatch(&riverside, report_call(batch_id, serials.serial(11), SuspectReason::Expired)),
			DrugError::ClaimNotSupported
		);

		// The last millisecond of the expiry day: still dispensable.
		const START_OF_2029: u64 = 1_861_920_000_000; // 2029-01-01T00:00:00Z
		pallet_timestamp::Now::<Runtime>::put(START_OF_2029 - 1);
		assert!(scan(LOT, &serials, 11).is_dispensable());
		dispense(&riverside, batch_id, &serials, 11);

		// The next day the batch is expired: the scanner says so and dispense is refused.
		pallet_timestamp::Now::<Runtime>::put(START_OF_2029);
		let pack = scan(LOT, &serials, 12);
		assert!(pack.authentic && pack.expired && !pack.recalled);
		assert!(!pack.is_dispensable());
		assert_noop!(
			dispatch(&riverside, dispense_call(batch_id, &serials, 12)),
			DrugError::ExpiredBatch
		);
		// Months later, still refused.
		next_block();
		pallet_timestamp::Now::<Runtime>::put(START_OF_2029 + 90 * 86_400_000);
		assert_noop!(
			dispatch(&riverside, dispense_call(batch_id, &serials, 12)),
			DrugError::ExpiredBatch
		);
		assert_conserved(batch_id, 2);

		// The pharmacy reports the expired pack found on its shelf and returns the rest to
		// the manufacturer for destruction: an expired batch still moves.
		assert_ok!(dispatch(
			&riverside,
			report_call(batch_id, serials.serial(12), SuspectReason::Expired)
		));
		assert_eq!(DrugProvenance::suspect_reports(batch_id)[0].reason, SuspectReason::Expired);
		let back = ship(&riverside, batch_id, &acme, 98);
		receive(&acme, back);
		assert_eq!(
			assert_conserved(batch_id, 2),
			BTreeMap::from([(acme.clone(), custody(QUANTITY - 2, 0, 0))])
		);
		// A batch cannot be commissioned already expired.
		assert_noop!(
			dispatch(&acme, commission_call("AMX-2028-Y", "281231", &serials)),
			DrugError::ExpiredBatch
		);
	});
}

#[test]
fn a_suspended_pharmacy_can_neither_receive_nor_dispense() {
	new_test_ext().execute_with(|| {
		let medlogistics = account(Dave);
		let lakeside = second_pharmacy();
		let serials = Serials::new("SUS", QUANTITY);
		const LOT: &str = "AMX-2028-S";
		let suspend = |org: &AccountId| {
			assert_ok!(dispatch_root(RuntimeCall::Consortium(
				pallet_consortium::Call::suspend_organization { organization: org.clone() }
			)));
		};
		let reinstate = |org: &AccountId| {
			assert_ok!(dispatch_root(RuntimeCall::Consortium(
				pallet_consortium::Call::reinstate_organization { organization: org.clone() }
			)));
		};

		register_product();
		let batch_id = commission(LOT, EXPIRY, &serials);
		let to_distributor = ship(&account(Charlie), batch_id, &medlogistics, QUANTITY);
		receive(&medlogistics, to_distributor);
		let to_lakeside = ship(&medlogistics, batch_id, &lakeside, 50);

		// The regulator's complaint: root suspends Lakeside while the shipment is on its way.
		next_block();
		suspend(&lakeside);
		assert_noop!(
			dispatch(&lakeside, receive_call(to_lakeside)),
			ConsortiumError::SuspendedOrganization
		);
		// Nobody ships to a suspended pharmacy.
		assert_noop!(
			dispatch(&medlogistics, ship_call(batch_id, &lakeside, 10)),
			DrugError::SuspendedRecipient
		);
		// The distributor takes its shipment back.
		assert_ok!(dispatch(
			&medlogistics,
			RuntimeCall::DrugProvenance(DrugCall::cancel_shipment { shipment_id: to_lakeside })
		));
		assert_eq!(
			assert_conserved(batch_id, 0),
			BTreeMap::from([(medlogistics.clone(), custody(QUANTITY, 0, 0))])
		);

		// Reinstated, Lakeside receives and dispenses again ...
		reinstate(&lakeside);
		let again = ship(&medlogistics, batch_id, &lakeside, 50);
		receive(&lakeside, again);
		dispense(&lakeside, batch_id, &serials, 3);
		assert_conserved(batch_id, 1);

		// ... until it is suspended again: it holds 49 packs but may not dispense them, nor
		// ship them, nor file reports.
		next_block();
		suspend(&lakeside);
		assert_noop!(
			dispatch(&lakeside, dispense_call(batch_id, &serials, 4)),
			ConsortiumError::SuspendedOrganization
		);
		assert_noop!(
			dispatch(&lakeside, ship_call(batch_id, &medlogistics, 49)),
			ConsortiumError::SuspendedOrganization
		);
		assert_noop!(
			dispatch(
				&lakeside,
				report_call(batch_id, serials.serial(3), SuspectReason::DoubleDispense)
			),
			ConsortiumError::SuspendedOrganization
		);
		let pack = scan(LOT, &serials, 4);
		assert!(pack.is_dispensable(), "the pack itself is fine: {pack:?}");
		assert_eq!(
			assert_conserved(batch_id, 1),
			BTreeMap::from([
				(medlogistics.clone(), custody(QUANTITY - 50, 0, 0)),
				(lakeside.clone(), custody(49, 0, 0)),
			])
		);
		// The active pharmacy next door is unaffected.
		let riverside = account(Bob);
		let to_riverside = ship(&medlogistics, batch_id, &riverside, 10);
		receive(&riverside, to_riverside);
		dispense(&riverside, batch_id, &serials, 4);
		assert_conserved(batch_id, 2);
	});
}
