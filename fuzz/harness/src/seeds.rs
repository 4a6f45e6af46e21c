//! The fuzzer's seed corpus: real flows of the consortium, built by running them.
//!
//! Each flow is written as the calls its actors make; [`Builder`] applies every call to the
//! base state as it goes (so ids come from the events, as a client would read them) and
//! asserts the outcome the flow expects, then encodes the ops as an input. The seeds start
//! the fuzzer deep inside the pallets' state machines: organization → patient → consent →
//! anchor → commission → ship → dispense → recall → trial → council motion.
//!
//! `fuzz/seeds/<name>.bin` holds them; `MEDCHAIN_WRITE_SEEDS=1 cargo test --release -p
//! medchain-fuzz-harness --test replay` rewrites them (the test fails while they differ).

use crate::{account, actor::*, base_ext, encode_ops, Chain, Op, Outcome, GENESIS_TIME};
use codec::Encode;
use frame_support::{traits::Get, BoundedVec};
use medchain_primitives::{Categories, Purpose, RecordCategory};
use medchain_runtime::{Runtime, RuntimeCall, RuntimeEvent, System};
use medchain_runtime_test_support::{
	ConsentCall, ConsortiumCall, DrugCall, IdentityCall, RecordsCall, TrialsCall,
};
use pallet_consent::{Access, Scope};
use sp_core::H256;
use sp_runtime::{
	traits::{BlakeTwo256, Hash as _},
	ApplyExtrinsicResult, DispatchError,
};

/// Applies a flow's calls to the base state, recording them as ops.
pub struct Builder {
	ext: sp_io::TestExternalities,
	chain: Chain,
	ops: Vec<Op>,
	outcomes: Vec<Outcome>,
}

impl Default for Builder {
	fn default() -> Self {
		let (ext, chain) = base_ext();
		Self { ext, chain, ops: vec![], outcomes: vec![] }
	}
}

impl Builder {
	/// Run `call` by `actor` after `gap` blocks; its result and the events it deposited.
	pub fn step(
		&mut self,
		gap: u8,
		actor: u8,
		call: RuntimeCall,
	) -> (ApplyExtrinsicResult, Vec<RuntimeEvent>) {
		let op = Op { gap, actor, call };
		let chain = &mut self.chain;
		let (outcome, events) = self.ext.execute_with(|| {
			let outcome = chain.run_op(&op);
			let index = System::extrinsic_index().unwrap_or(0).saturating_sub(1);
			let events = System::events()
				.into_iter()
				.filter(|r| r.phase == frame_system::Phase::ApplyExtrinsic(index))
				.map(|r| r.event)
				.collect();
			(outcome, events)
		});
		let result = match &outcome {
			Outcome::Applied(result) => *result,
			Outcome::Skipped => panic!("a seed step is skipped: {:?}", op.call),
		};
		self.ops.push(op);
		self.outcomes.push(outcome);
		(result, events)
	}

	/// [`Self::step`], asserting that the call succeeded; its events.
	#[track_caller]
	pub fn ok(&mut self, gap: u8, actor: u8, call: RuntimeCall) -> Vec<RuntimeEvent> {
		let (result, events) = self.step(gap, actor, call.clone());
		assert_eq!(result, Ok(Ok(())), "seed step {call:?} by actor {actor}");
		events
	}

	/// [`Self::step`], asserting that the call was included and failed with `error`.
	#[track_caller]
	pub fn fails(
		&mut self,
		gap: u8,
		actor: u8,
		call: RuntimeCall,
		error: impl Into<DispatchError>,
	) {
		let (result, _) = self.step(gap, actor, call.clone());
		assert_eq!(result, Ok(Err(error.into())), "seed step {call:?} by actor {actor}");
	}

	/// Close the last block (checking it) and return the input and the outcomes.
	pub fn finish(mut self) -> (Vec<u8>, Vec<Outcome>) {
		let chain = &mut self.chain;
		self.ext.execute_with(|| {
			if chain.is_open() {
				chain.close_block();
			}
		});
		(encode_ops(&self.ops), self.outcomes)
	}
}

/// The first event `f` picks out of `events`.
fn pick<T>(events: &[RuntimeEvent], f: impl Fn(&RuntimeEvent) -> Option<T>) -> T {
	events.iter().find_map(f).expect("the flow's event was deposited")
}

fn hash(text: &str) -> H256 {
	H256(sp_io::hashing::blake2_256(text.as_bytes()))
}

fn bounded<S: Get<u32>>(value: &[u8]) -> BoundedVec<u8, S> {
	value.to_vec().try_into().expect("within the bound")
}

const LABS: RecordCategory = RecordCategory::LabResults;
const GTIN: &[u8] = b"09506000134352";

fn grant(grantee: u8, access: Access, purpose: Purpose, expires_at: Option<u64>) -> RuntimeCall {
	RuntimeCall::Consent(ConsentCall::grant_consent {
		grantee: account(grantee),
		scope: Scope { categories: Categories::only(LABS), access },
		purpose,
		expires_at,
	})
}

fn consent_id(events: &[RuntimeEvent]) -> u64 {
	pick(events, |e| match e {
		RuntimeEvent::Consent(pallet_consent::Event::ConsentGranted { consent_id, .. }) => {
			Some(*consent_id)
		}
		_ => None,
	})
}

fn anchor(patient: u8, n: u32, supersedes: Option<H256>) -> RuntimeCall {
	RuntimeCall::HealthRecords(RecordsCall::anchor_record {
		patient: account(patient),
		category: LABS,
		content_hash: hash(&format!("lab report {n}")),
		locator: bounded(format!("mc1:{:x}", hash(&format!("locator {n}"))).as_bytes()),
		supersedes,
	})
}

fn record_id(events: &[RuntimeEvent]) -> H256 {
	pick(events, |e| match e {
		RuntimeEvent::HealthRecords(pallet_health_records::Event::RecordAnchored {
			record_id,
			..
		}) => Some(*record_id),
		_ => None,
	})
}

/// A patient's records: consent, anchoring, a new version, an audited read, a seal, an
/// expiring consent outlived, revocation, break-glass, erasure.
pub fn records_flow() -> (Vec<u8>, Vec<Outcome>) {
	let mut b = Builder::default();
	let write = b.ok(1, PATIENT_P, grant(ALICE, Access::WRITE, Purpose::Treatment, None));
	let write_id = consent_id(&write);
	let first = record_id(&b.ok(0, PROVIDER_STAFF, anchor(PATIENT_P, 1, None)));
	let second = record_id(&b.ok(0, PROVIDER_STAFF, anchor(PATIENT_P, 2, Some(first))));
	let read =
		consent_id(&b.ok(1, PATIENT_P, grant(ALICE, Access::READ, Purpose::Treatment, None)));
	b.ok(
		0,
		PROVIDER_STAFF,
		RuntimeCall::Consent(ConsentCall::log_access {
			patient: account(PATIENT_P),
			consent_id: read,
			record_id: second,
			category: LABS,
		}),
	);
	b.ok(0, PATIENT_P, RuntimeCall::HealthRecords(RecordsCall::seal_record { record_id: second }));
	// Q's own upload, and a consent that expires in an hour, outlived.
	b.ok(1, PATIENT_Q, anchor(PATIENT_Q, 3, None));
	let in_an_hour = crate::GENESIS_TIME + 3_600_000;
	b.ok(0, PATIENT_Q, grant(BOB, Access::WRITE, Purpose::Treatment, Some(in_an_hour)));
	b.ok(0, PATIENT_Q, grant(ALICE, Access::WRITE, Purpose::Treatment, None));
	b.ok(129, PROVIDER_STAFF, anchor(PATIENT_Q, 4, None));
	b.ok(0, PATIENT_P, RuntimeCall::Consent(ConsentCall::revoke_consent { consent_id: write_id }));
	b.fails(
		0,
		PROVIDER_STAFF,
		anchor(PATIENT_P, 5, None),
		pallet_consent::Error::<Runtime>::RevokedConsent,
	);
	b.ok(
		1,
		ALICE,
		RuntimeCall::Consent(ConsentCall::break_glass {
			patient: account(PATIENT_Q),
			reason_code: 3,
		}),
	);
	// Q's guardian rotates Q's identity commitment, then Q leaves and anyone finishes erasure.
	b.ok(
		0,
		GUARDIAN,
		RuntimeCall::Proxy(pallet_proxy::Call::proxy {
			real: account(PATIENT_Q).into(),
			force_proxy_type: None,
			call: Box::new(RuntimeCall::PatientIdentity(IdentityCall::rotate_commitment {
				new_commitment: crate::commitment("passport Q-0816"),
			})),
		}),
	);
	b.ok(1, PATIENT_Q, RuntimeCall::PatientIdentity(IdentityCall::deregister {}));
	// Q's few records went with `deregister` (an erasure finishes in one call up to
	// `MaxErasedPerCall` records), so there is nothing left to erase.
	b.fails(
		0,
		OUTSIDER,
		RuntimeCall::HealthRecords(RecordsCall::erase_records { patient: account(PATIENT_Q) }),
		pallet_health_records::Error::<Runtime>::ErasureComplete,
	);
	b.ok(
		0,
		PROVIDER_STAFF,
		RuntimeCall::HealthRecords(RecordsCall::anchor_batch {
			category: LABS,
			merkle_root: hash("a batch of lab reports"),
			leaf_count: 4,
			patient: None,
		}),
	);
	b.finish()
}

/// The serials of a batch and their Merkle tree, as a manufacturer's tooling makes them.
struct Serials(Vec<String>);

impl Serials {
	fn new(count: u32) -> Self {
		Self((0..count).map(|i| format!("SN{i:06}")).collect())
	}
	fn root(&self) -> H256 {
		binary_merkle_tree::merkle_root::<BlakeTwo256, _>(self.0.iter().map(|s| s.as_bytes()))
	}
	fn dispense(&self, batch_id: u64, index: u32) -> RuntimeCall {
		let proof = binary_merkle_tree::merkle_proof::<BlakeTwo256, _, _>(
			self.0.iter().map(|s| s.as_bytes()),
			index,
		);
		RuntimeCall::DrugProvenance(DrugCall::dispense {
			batch_id,
			serial: bounded(self.0[index as usize].as_bytes()),
			proof: pallet_drug_provenance::SerialProof {
				leaf_index: index,
				leaf_count: self.0.len() as u32,
				siblings: proof.proof.try_into().expect("within MaxProofLen"),
			},
		})
	}
}

fn shipment_id(events: &[RuntimeEvent]) -> u64 {
	pick(events, |e| match e {
		RuntimeEvent::DrugProvenance(pallet_drug_provenance::Event::ShipmentSent {
			shipment_id,
			..
		}) => Some(*shipment_id),
		_ => None,
	})
}

fn ship(batch_id: u64, to: u8, quantity: u32) -> RuntimeCall {
	RuntimeCall::DrugProvenance(DrugCall::ship { batch_id, to: account(to), quantity })
}

fn receive(shipment_id: u64) -> RuntimeCall {
	RuntimeCall::DrugProvenance(DrugCall::receive { shipment_id })
}

/// A batch from commissioning to the pharmacy counter: two shipments, a rejected and a
/// cancelled one, dispenses with real proofs, a double dispense refused, a suspect report,
/// destroyed units, a recall.
pub fn drug_flow() -> (Vec<u8>, Vec<Outcome>) {
	let mut b = Builder::default();
	let serials = Serials::new(8);
	b.ok(
		1,
		CHARLIE,
		RuntimeCall::DrugProvenance(DrugCall::register_product {
			gtin: bounded(GTIN),
			metadata_hash: hash("Amoxicillin 500 mg"),
		}),
	);
	let events = b.ok(
		0,
		MANUFACTURER_STAFF,
		RuntimeCall::DrugProvenance(DrugCall::commission_batch {
			gtin: bounded(GTIN),
			lot: bounded(b"LOT1"),
			expiry: bounded(b"280630"),
			quantity: 8,
			serials_root: serials.root(),
		}),
	);
	let batch_id = pick(&events, |e| match e {
		RuntimeEvent::DrugProvenance(pallet_drug_provenance::Event::BatchCommissioned {
			batch_id,
			..
		}) => Some(*batch_id),
		_ => None,
	});
	let to_dave = shipment_id(&b.ok(0, CHARLIE, ship(batch_id, DAVE, 6)));
	b.ok(1, DISTRIBUTOR_STAFF, receive(to_dave));
	let to_bob = shipment_id(&b.ok(0, DAVE, ship(batch_id, BOB, 4)));
	let rejected = shipment_id(&b.ok(0, DAVE, ship(batch_id, BOB, 1)));
	b.ok(1, BOB, receive(to_bob));
	b.ok(
		0,
		PHARMACY_STAFF,
		RuntimeCall::DrugProvenance(DrugCall::reject_shipment { shipment_id: rejected }),
	);
	let cancelled = shipment_id(&b.ok(0, CHARLIE, ship(batch_id, DAVE, 1)));
	b.ok(
		0,
		MANUFACTURER_STAFF,
		RuntimeCall::DrugProvenance(DrugCall::cancel_shipment { shipment_id: cancelled }),
	);
	b.ok(1, BOB, serials.dispense(batch_id, 1));
	b.ok(0, PHARMACY_STAFF, serials.dispense(batch_id, 6));
	b.fails(
		0,
		PHARMACY_STAFF,
		serials.dispense(batch_id, 1),
		pallet_drug_provenance::Error::<Runtime>::SerialAlreadyDispensed,
	);
	b.ok(
		0,
		EVE,
		RuntimeCall::DrugProvenance(DrugCall::report_suspect {
			batch_id,
			serial: bounded(b"SN000001"),
			reason: pallet_drug_provenance::SuspectReason::Other,
		}),
	);
	b.ok(
		1,
		CHARLIE,
		RuntimeCall::DrugProvenance(DrugCall::destroy_units {
			batch_id,
			quantity: 1,
			reason: pallet_drug_provenance::DestructionReason::DamagedOrTampered,
		}),
	);
	b.ok(
		0,
		CHARLIE,
		RuntimeCall::DrugProvenance(DrugCall::recall_batch { batch_id, reason_code: 7 }),
	);
	b.fails(
		1,
		BOB,
		serials.dispense(batch_id, 2),
		pallet_drug_provenance::Error::<Runtime>::RecalledBatch,
	);
	b.finish()
}

/// A trial from registration to published results: a site, a consenting participant enrolled
/// and withdrawn, data commits, an amendment, the lock, results, a regulator's flag.
pub fn trial_flow() -> (Vec<u8>, Vec<Outcome>) {
	let mut b = Builder::default();
	let outcomes: BoundedVec<H256, _> =
		vec![hash("primary outcome"), hash("safety outcome")].try_into().expect("two outcomes");
	let events = b.ok(
		1,
		FERDIE,
		RuntimeCall::ClinicalTrials(TrialsCall::register_trial {
			registry_id: bounded(b"NCT09990001"),
			protocol_hash: hash("protocol v1"),
			outcomes: outcomes.clone(),
			planned_enrollment: 10,
		}),
	);
	let trial_id = pick(&events, |e| match e {
		RuntimeEvent::ClinicalTrials(pallet_clinical_trials::Event::TrialRegistered {
			trial_id,
			..
		}) => Some(*trial_id),
		_ => None,
	});
	b.ok(
		0,
		SPONSOR_STAFF,
		RuntimeCall::ClinicalTrials(TrialsCall::add_site { trial_id, site: account(ALICE) }),
	);
	b.ok(1, PATIENT_P, grant(FERDIE, Access::READ, Purpose::Research, None));
	b.ok(1, PATIENT_Q, grant(FERDIE, Access::READ, Purpose::Research, None));
	for (patient, commitment) in [(PATIENT_P, "participant 1"), (PATIENT_Q, "participant 2")] {
		b.ok(
			0,
			PROVIDER_STAFF,
			RuntimeCall::ClinicalTrials(TrialsCall::enroll_participant {
				trial_id,
				patient: account(patient),
				participant_commitment: hash(commitment),
			}),
		);
	}
	b.ok(
		1,
		PATIENT_Q,
		RuntimeCall::ClinicalTrials(TrialsCall::withdraw_participant {
			trial_id,
			participant_commitment: hash("participant 2"),
		}),
	);
	for (n, who) in [(1, PROVIDER_STAFF), (2, ALICE), (3, FERDIE)] {
		b.ok(
			0,
			who,
			RuntimeCall::ClinicalTrials(TrialsCall::commit_data {
				trial_id,
				batch_root: hash(&format!("CRF batch {n}")),
				record_count: n,
			}),
		);
	}
	b.ok(
		1,
		FERDIE,
		RuntimeCall::ClinicalTrials(TrialsCall::amend_protocol {
			trial_id,
			protocol_hash: hash("protocol v2"),
			reason_hash: hash("a safety visit added"),
			new_outcomes: None,
		}),
	);
	b.ok(1, SPONSOR_STAFF, RuntimeCall::ClinicalTrials(TrialsCall::lock_database { trial_id }));
	b.ok(
		1,
		FERDIE,
		RuntimeCall::ClinicalTrials(TrialsCall::publish_results {
			trial_id,
			results_hash: hash("results"),
			reported_outcomes: outcomes,
		}),
	);
	b.ok(0, EVE, RuntimeCall::ClinicalTrials(TrialsCall::flag_trial { trial_id, reason_code: 2 }));
	b.finish()
}

/// Consortium governance: a new organization admitted by sudo, its staff, a suspension by a
/// council motion (proposed, voted, closed), a reinstatement, a patient registering herself.
pub fn consortium_flow() -> (Vec<u8>, Vec<Outcome>) {
	let mut b = Builder::default();
	b.ok(
		1,
		ALICE,
		RuntimeCall::Sudo(pallet_sudo::Call::sudo {
			call: Box::new(RuntimeCall::Consortium(ConsortiumCall::register_organization {
				admin: account(OUTSIDER),
				name: b"Northside Clinic".to_vec(),
				roles: pallet_consortium::Roles::only(pallet_consortium::Role::Provider),
			})),
		}),
	);
	b.ok(
		0,
		OUTSIDER,
		RuntimeCall::Consortium(ConsortiumCall::add_staff { account: account(GUARDIAN) }),
	);
	b.ok(
		0,
		OUTSIDER,
		RuntimeCall::Consortium(ConsortiumCall::remove_staff { account: account(GUARDIAN) }),
	);
	// A council motion: 2/3 of the council suspend the distributor through Governance.
	let proposal = RuntimeCall::Governance(pallet_governance::Call::dispatch_as_root {
		call: Box::new(RuntimeCall::Consortium(ConsortiumCall::suspend_organization {
			organization: account(DAVE),
		})),
	});
	let length_bound = proposal.encoded_size() as u32;
	let proposal_hash = BlakeTwo256::hash_of(&proposal);
	let members = pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get;
	let council = b.ext.execute_with(members).len() as u32;
	let threshold = (council * 2).div_ceil(3);
	let events = b.ok(
		1,
		ALICE,
		RuntimeCall::Council(pallet_collective::Call::propose {
			threshold,
			proposal: Box::new(proposal),
			length_bound,
		}),
	);
	let index = pick(&events, |e| match e {
		RuntimeEvent::Council(pallet_collective::Event::Proposed { proposal_index, .. }) => {
			Some(*proposal_index)
		}
		_ => None,
	});
	// (The proposer's own vote is not implied.)
	for voter in [ALICE, BOB, CHARLIE, EVE, FERDIE, RESEARCHER].into_iter().take(threshold as usize)
	{
		b.ok(
			0,
			voter,
			RuntimeCall::Council(pallet_collective::Call::vote {
				proposal: proposal_hash,
				index,
				approve: true,
			}),
		);
	}
	let events = b.ok(
		1,
		BOB,
		RuntimeCall::Council(pallet_collective::Call::close {
			proposal_hash,
			index,
			proposal_weight_bound: frame_support::weights::Weight::from_parts(
				10_000_000_000,
				100_000,
			),
			length_bound,
		}),
	);
	assert!(
		events.iter().any(|e| matches!(
			e,
			RuntimeEvent::Council(pallet_collective::Event::Executed { result: Ok(()), .. })
		)),
		"the motion executed: {events:?}"
	);
	// The suspension is a Root call: the scheduler enacts it after the chain's time lock
	// (10 blocks on dev chains; a gap moves the block number by one), so the distributor is
	// refused from the tenth block on.
	for _ in 0..9 {
		b.ok(1, ALICE, RuntimeCall::System(frame_system::Call::remark { remark: vec![] }));
	}
	b.fails(
		1,
		DISTRIBUTOR_STAFF,
		RuntimeCall::DrugProvenance(DrugCall::register_product {
			gtin: bounded(GTIN),
			metadata_hash: hash("x"),
		}),
		pallet_consortium::Error::<Runtime>::SuspendedOrganization,
	);
	b.ok(
		1,
		ALICE,
		RuntimeCall::Sudo(pallet_sudo::Call::sudo {
			call: Box::new(RuntimeCall::Consortium(ConsortiumCall::reinstate_organization {
				organization: account(DAVE),
			})),
		}),
	);
	// A stranger registers as a patient herself, then is attested by the provider.
	b.ok(
		0,
		RESEARCHER,
		RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: account(GUARDIAN).into(),
			value: medchain_runtime::UNIT,
		}),
	);
	b.ok(
		1,
		GUARDIAN,
		RuntimeCall::PatientIdentity(IdentityCall::register_patient {
			identity_commitment: crate::commitment("id card G-1"),
		}),
	);
	b.ok(
		0,
		PROVIDER_STAFF,
		RuntimeCall::PatientIdentity(IdentityCall::attest_patient { patient: account(GUARDIAN) }),
	);
	b.finish()
}

/// The gateway directory: St. Mary's admin publishes its gateway, its staff and a
/// bad endpoint are refused, the admin moves the gateway; five more organizations publish one;
/// a suspended organization cannot replace its entry but removes it; another removes its own.
/// The fuzzer so starts from valid entries (a random endpoint is rarely a valid https URL), and
/// `try_state` checks them after every block.
pub fn gateway_flow() -> (Vec<u8>, Vec<Outcome>) {
	let mut b = Builder::default();
	let set_gateway = |endpoint: &[u8], key: u8| {
		RuntimeCall::Consortium(ConsortiumCall::set_gateway {
			endpoint: endpoint.to_vec(),
			public_key: [key; 32],
		})
	};
	let sudo = |call: ConsortiumCall| {
		RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(RuntimeCall::Consortium(call)) })
	};
	b.ok(1, ALICE, set_gateway(b"https://st-marys.example:8801", 1));
	b.fails(
		0,
		PROVIDER_STAFF,
		set_gateway(b"https://evil.example", 2),
		pallet_consortium::Error::<Runtime>::NotOrganizationAdmin,
	);
	b.fails(
		0,
		ALICE,
		set_gateway(b"http://st-marys.example", 1),
		pallet_consortium::Error::<Runtime>::EndpointNotHttps,
	);
	b.ok(1, ALICE, set_gateway(b"https://[::1]:8443/medchain", 3));
	for (admin, endpoint, key) in [
		(BOB, b"https://riverside.example".as_slice(), 4),
		(CHARLIE, b"https://acme.example:443", 5),
		(DAVE, b"https://distribution.example/v1", 6),
		(EVE, b"https://regulator.example", 7),
		(FERDIE, b"https://127.0.0.1:8804", 8),
	] {
		b.ok(0, admin, set_gateway(endpoint, key));
	}
	b.ok(1, ALICE, sudo(ConsortiumCall::suspend_organization { organization: account(DAVE) }));
	b.fails(
		0,
		DAVE,
		set_gateway(b"https://elsewhere.example", 9),
		pallet_consortium::Error::<Runtime>::SuspendedOrganization,
	);
	b.ok(0, DAVE, RuntimeCall::Consortium(ConsortiumCall::remove_gateway {}));
	b.ok(1, ALICE, sudo(ConsortiumCall::reinstate_organization { organization: account(DAVE) }));
	b.ok(0, BOB, RuntimeCall::Consortium(ConsortiumCall::remove_gateway {}));
	b.fails(
		0,
		BOB,
		RuntimeCall::Consortium(ConsortiumCall::remove_gateway {}),
		pallet_consortium::Error::<Runtime>::UnknownGateway,
	);
	b.finish()
}

/// Node authorization: an admin authorizes its own nodes without a vote, a staff key and
/// another organization's admin are refused, governance authorizes a node for another
/// organization, the same node twice is refused, and admin and governance remove nodes; so
/// the fuzzer starts from a chain with permissioned peering and `try_state` checks the two
/// node maps after every block.
pub fn nodes_flow() -> (Vec<u8>, Vec<Outcome>) {
	let mut b = Builder::default();
	let add = |organization: u8, node: u8| {
		RuntimeCall::Consortium(ConsortiumCall::add_node {
			organization: account(organization),
			node: [node; 32],
		})
	};
	let remove =
		|node: u8| RuntimeCall::Consortium(ConsortiumCall::remove_node { node: [node; 32] });
	let sudo =
		|call: RuntimeCall| RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(call) });
	b.ok(1, ALICE, add(ALICE, 1));
	b.ok(0, ALICE, add(ALICE, 2));
	b.fails(
		0,
		PROVIDER_STAFF,
		add(ALICE, 3),
		pallet_consortium::Error::<Runtime>::NotOrganizationAdmin,
	);
	b.fails(0, BOB, add(ALICE, 3), pallet_consortium::Error::<Runtime>::NotOwnOrganization);
	b.ok(0, ALICE, sudo(add(BOB, 3)));
	b.fails(0, BOB, add(BOB, 1), pallet_consortium::Error::<Runtime>::NodeAlreadyAuthorized);
	b.fails(0, BOB, remove(2), pallet_consortium::Error::<Runtime>::NotOwnOrganization);
	b.ok(1, ALICE, remove(2));
	b.ok(0, ALICE, sudo(remove(3)));
	b.fails(0, BOB, remove(3), pallet_consortium::Error::<Runtime>::UnknownNode);
	for (admin, node) in [(BOB, 4), (CHARLIE, 5), (DAVE, 6), (EVE, 7), (FERDIE, 8)] {
		b.ok(0, admin, add(admin, node));
	}
	b.ok(1, BOB, remove(4));
	b.finish()
}

/// A seed flow: it returns the seed's bytes and every step's outcome.
pub type Flow = fn() -> (Vec<u8>, Vec<Outcome>);

/// Every seed: its file name and the flow that makes it.
/// Prescriptions: a doctor St. Mary's adds as staff prescribes two fills of one pack for a holder key the
/// patient's wallet derived; Riverside fills both, a third is refused; the council makes the
/// product prescription-only (a plain dispense is refused) and the batch is recalled.
pub fn prescription_flow() -> (Vec<u8>, Vec<Outcome>) {
	use sp_core::Pair as _;
	let mut b = Builder::default();
	let serials = Serials::new(6);
	b.ok(
		0,
		CHARLIE,
		RuntimeCall::DrugProvenance(DrugCall::register_product {
			gtin: bounded(GTIN),
			metadata_hash: hash("Amoxicillin 500 mg"),
		}),
	);
	let events = b.ok(
		0,
		CHARLIE,
		RuntimeCall::DrugProvenance(DrugCall::commission_batch {
			gtin: bounded(GTIN),
			lot: bounded(b"RX1"),
			expiry: bounded(b"280630"),
			quantity: 6,
			serials_root: serials.root(),
		}),
	);
	let batch_id = pick(&events, |e| match e {
		RuntimeEvent::DrugProvenance(pallet_drug_provenance::Event::BatchCommissioned {
			batch_id,
			..
		}) => Some(*batch_id),
		_ => None,
	});
	let to_bob = shipment_id(&b.ok(0, CHARLIE, ship(batch_id, BOB, 6)));
	b.ok(1, BOB, receive(to_bob));

	b.ok(0, PHARMACY_STAFF, serials.dispense(batch_id, 4));

	let opening = pallet_prescriptions::ProductOpening {
		gtin: pallet_drug_provenance::Gtin::parse(GTIN).expect("a valid GTIN"),
		units_per_fill: 1,
		salt: [5; 32],
	};
	// The prescriber and the holders sign with ed25519 keys (a `MultiSignature` kind): its
	// signatures are deterministic, so the seed is the same bytes every time it is made.
	let prescriber = sp_core::ed25519::Pair::from_string("//Dr Grey", None).expect("a valid path");
	let prescriber_account: medchain_runtime::AccountId = prescriber.public().into();
	b.ok(
		0,
		ALICE,
		RuntimeCall::Consortium(ConsortiumCall::add_staff { account: prescriber_account.clone() }),
	);
	// A prescription of `fills` fills for the holder key `//<patient>//medchain//rx//0` (ed25519: hard junctions only), and
	// the call filling its fill `fill` with unit `index` at Riverside.
	let prescribe = |patient: &str, fills: u8| {
		let holder =
			sp_core::ed25519::Pair::from_string(&format!("//{patient}//medchain//rx//0"), None)
				.expect("a valid derivation path");
		let prescription = pallet_prescriptions::Prescription {
			prescriber: prescriber_account.clone(),
			holder: holder.public().into(),
			product: opening.commitment(),
			fills,
			issued_at: GENESIS_TIME,
			expires_at: GENESIS_TIME + 30 * 86_400_000,
			regulator_envelope: Default::default(),
		};
		(holder, prescription)
	};
	let fill_call = |rx: &(sp_core::ed25519::Pair, pallet_prescriptions::Prescription<_>),
	                 index: u32,
	                 fill: u8| {
		let (holder, prescription) = rx;
		let id = prescription.id();
		let prescriber_signature: sp_runtime::MultiSignature =
			prescriber.sign(&pallet_prescriptions::issue_message(&id)).into();
		let RuntimeCall::DrugProvenance(DrugCall::dispense { batch_id, serial, proof }) =
			serials.dispense(batch_id, index)
		else {
			unreachable!("Serials::dispense makes a dispense call")
		};
		RuntimeCall::Prescriptions(pallet_prescriptions::Call::dispense_prescribed {
			batch_id,
			serial,
			proof,
			rx: Box::new(pallet_prescriptions::PrescribedFill {
				prescription: prescription.clone(),
				prescriber_signature,
				fill,
				holder_signature: holder
					.sign(&pallet_prescriptions::fill_message(&id, fill, &account(BOB)))
					.into(),
				opening: opening.clone(),
			}),
		})
	};
	let pat = prescribe("Pat", 2);
	b.ok(0, PHARMACY_STAFF, fill_call(&pat, 0, 1));
	b.fails(
		0,
		PHARMACY_STAFF,
		fill_call(&pat, 1, 1),
		pallet_prescriptions::Error::<Runtime>::FillComplete,
	);
	b.ok(1, BOB, fill_call(&pat, 1, 2));
	b.fails(0, BOB, fill_call(&pat, 2, 3), pallet_prescriptions::Error::<Runtime>::NoFillsLeft);
	b.ok(
		0,
		ALICE,
		RuntimeCall::Sudo(pallet_sudo::Call::sudo {
			call: Box::new(RuntimeCall::Prescriptions(
				pallet_prescriptions::Call::set_prescription_only {
					gtin: bounded(GTIN),
					required: true,
				},
			)),
		}),
	);
	b.fails(
		0,
		PHARMACY_STAFF,
		serials.dispense(batch_id, 3),
		pallet_drug_provenance::Error::<Runtime>::PrescriptionRequired,
	);
	b.ok(0, PHARMACY_STAFF, fill_call(&prescribe("Quinn", 1), 3, 1));
	b.ok(
		1,
		CHARLIE,
		RuntimeCall::DrugProvenance(DrugCall::recall_batch { batch_id, reason_code: 7 }),
	);
	b.finish()
}

pub fn seeds() -> Vec<(&'static str, Flow)> {
	vec![
		("records", records_flow),
		("drug", drug_flow),
		("trial", trial_flow),
		("consortium", consortium_flow),
		("gateway", gateway_flow),
		("nodes", nodes_flow),
		("prescriptions", prescription_flow),
	]
}
