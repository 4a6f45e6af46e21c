//! The MedChain runtime fuzz harness.
//!
//! A fuzz input is a byte string read as a sequence of [`Op`]s: `(gap: u8, actor: u8,
//! call: RuntimeCall)`, SCALE-encoded one after the other (the shape of srlabs'
//! substrate-runtime-fuzzer). Each op is a call signed by one of [`ACTORS`] (a fixed set of
//! accounts holding every role of the consortium, patients and outsiders), applied through the
//! real `Executive::apply_extrinsic` with the runtime's transaction extensions (signature,
//! nonce, weight, fees or the fee-less path), inside a storage transaction that is rolled back
//! when the extrinsic is invalid, as the node's block builder does. `gap > 0` closes the
//! current block and opens the next one `gap` slots later (large gaps jump days of time, so
//! expiries are reached; block numbers stay consecutive). Blocks are opened and closed by the
//! Executive, with Aura's slot digest and the timestamp inherent.
//!
//! After every block the harness asserts:
//! - every block stays within its weight (per dispatch class) and length limits;
//! - every MedChain pallet's `do_try_state` invariants hold (quantity conservation, consent
//!   indexes, record version chains, data-commit chains, organization and staff indexes, the
//!   validator sets);
//! - total issuance equals the sum of all accounts' balances;
//!
//! and a panic anywhere is a finding. Calls that legitimately break the runtime's invariants
//! when Root makes them (`System.set_code`, `set_storage`, `kill_*`; calls with a
//! caller-chosen weight) are skipped wherever they are nested ([`allowed`]).
//!
//! The fuzzer itself (`fuzz/`, cargo-fuzz, outside the default build) calls [`run`]; this
//! crate's tests replay the committed corpus and regression inputs, and check that the seed
//! flows ([`seeds`]) still do what they are meant to. The genesis state, the signing through
//! the runtime's transaction extensions and the opening of blocks are the runtime tests' own
//! (`medchain-runtime-test-support`).

use codec::{Decode, DecodeLimit, Encode};
use frame_support::{dispatch::DispatchClass, traits::GetCallMetadata};
use medchain_runtime::{
	AccountId, Executive, Runtime, RuntimeCall, System, UncheckedExtrinsic, SLOT_DURATION, UNIT,
};
/// The time of the first block (ms since the epoch).
pub use medchain_runtime_test_support::GENESIS_TIME;
use medchain_runtime_test_support::{apply_as_block_builder, genesis_storage, open_block};
use sp_core::{sr25519, Pair, H256};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{traits::Hash as _, ApplyExtrinsicResult};
use std::sync::OnceLock;

pub mod seeds;

/// Most ops one input runs (more are ignored).
pub const MAX_OPS: usize = 64;
/// How deeply a call may nest (batches in proxies in sudo ...) when decoded.
pub const MAX_CALL_DEPTH: u32 = 32;

/// One step of an input: `ACTORS[actor % ACTORS.len()]` signs and submits `call`, in the
/// current block if `gap` is 0, else in a new block [`gap_slots`]`(gap)` slots later.
#[derive(Clone, Debug, Encode, Decode, PartialEq)]
pub struct Op {
	pub gap: u8,
	pub actor: u8,
	pub call: RuntimeCall,
}

/// How an actor's key is made.
#[derive(Clone, Copy, Debug)]
pub enum Key {
	Dev(Sr25519Keyring),
	/// `//<seed>`.
	Seed(&'static str),
}

/// The accounts ops are signed by, with what the base state makes of them.
pub const ACTORS: [(&str, Key); 16] = [
	("Alice: St. Mary's (Provider) admin, sudo key, council", Key::Dev(Sr25519Keyring::Alice)),
	("St. Mary's staff", Key::Seed("FuzzProviderStaff")),
	("Bob: pharmacy admin, council", Key::Dev(Sr25519Keyring::Bob)),
	("pharmacy staff", Key::Seed("FuzzPharmacyStaff")),
	("Charlie: manufacturer admin (prefix 9506000), council", Key::Dev(Sr25519Keyring::Charlie)),
	("manufacturer staff", Key::Seed("FuzzManufacturerStaff")),
	("Dave: distributor admin, council", Key::Dev(Sr25519Keyring::Dave)),
	("distributor staff", Key::Seed("FuzzDistributorStaff")),
	("Eve: regulator admin, council", Key::Dev(Sr25519Keyring::Eve)),
	("Ferdie: trial sponsor admin, council", Key::Dev(Sr25519Keyring::Ferdie)),
	("trial sponsor staff", Key::Seed("FuzzSponsorStaff")),
	("patient P: attested, zero balance (fee-less calls only)", Key::Seed("FuzzPatientP")),
	("patient Q: attested, funded, has a Guardian proxy", Key::Seed("FuzzPatientQ")),
	("Q's Guardian proxy (funded)", Key::Seed("FuzzGuardian")),
	("an outsider (funded, no role)", Key::Seed("FuzzOutsider")),
	("Alice//stash: researcher admin, council", Key::Dev(Sr25519Keyring::AliceStash)),
];

/// Index of each actor in [`ACTORS`], for the seeds and tests.
pub mod actor {
	pub const ALICE: u8 = 0;
	pub const PROVIDER_STAFF: u8 = 1;
	pub const BOB: u8 = 2;
	pub const PHARMACY_STAFF: u8 = 3;
	pub const CHARLIE: u8 = 4;
	pub const MANUFACTURER_STAFF: u8 = 5;
	pub const DAVE: u8 = 6;
	pub const DISTRIBUTOR_STAFF: u8 = 7;
	pub const EVE: u8 = 8;
	pub const FERDIE: u8 = 9;
	pub const SPONSOR_STAFF: u8 = 10;
	pub const PATIENT_P: u8 = 11;
	pub const PATIENT_Q: u8 = 12;
	pub const GUARDIAN: u8 = 13;
	pub const OUTSIDER: u8 = 14;
	pub const RESEARCHER: u8 = 15;
}

fn keys() -> &'static [sr25519::Pair] {
	static KEYS: OnceLock<Vec<sr25519::Pair>> = OnceLock::new();
	KEYS.get_or_init(|| {
		ACTORS
			.iter()
			.map(|(_, key)| match key {
				Key::Dev(k) => k.pair(),
				Key::Seed(seed) => sr25519::Pair::from_string(&format!("//{seed}"), None)
					.expect("a valid derivation path"),
			})
			.collect()
	})
}

/// The account of actor `index` (taken modulo the number of actors).
pub fn account(index: u8) -> AccountId {
	keys()[usize::from(index) % ACTORS.len()].public().into()
}

/// Whether the harness runs `call` at all. Root may legitimately break every invariant with
/// `System.set_storage`/`kill_*`, replace the runtime with `set_code`, or claim any weight
/// with `sudo_unchecked_weight`/`with_weight`: those are skipped, wherever they are nested.
pub fn allowed(call: &RuntimeCall) -> bool {
	use frame_system::Call as S;
	match call {
		RuntimeCall::System(
			S::set_code { .. }
			| S::set_code_without_checks { .. }
			| S::set_storage { .. }
			| S::kill_storage { .. }
			| S::kill_prefix { .. }
			| S::authorize_upgrade { .. }
			| S::authorize_upgrade_without_checks { .. }
			| S::apply_authorized_upgrade { .. },
		) => false,
		RuntimeCall::Sudo(pallet_sudo::Call::sudo_unchecked_weight { .. }) => false,
		RuntimeCall::Sudo(pallet_sudo::Call::sudo { call })
		| RuntimeCall::Sudo(pallet_sudo::Call::sudo_as { call, .. }) => allowed(call),
		RuntimeCall::Utility(u) => match u {
			pallet_utility::Call::with_weight { .. } => false,
			pallet_utility::Call::batch { calls }
			| pallet_utility::Call::batch_all { calls }
			| pallet_utility::Call::force_batch { calls } => calls.iter().all(allowed),
			pallet_utility::Call::as_derivative { call, .. }
			| pallet_utility::Call::dispatch_as { call, .. }
			| pallet_utility::Call::dispatch_as_fallible { call, .. } => allowed(call),
			pallet_utility::Call::if_else { main, fallback } => allowed(main) && allowed(fallback),
			_ => true,
		},
		RuntimeCall::Proxy(pallet_proxy::Call::proxy { call, .. })
		| RuntimeCall::Proxy(pallet_proxy::Call::proxy_announced { call, .. }) => allowed(call),
		RuntimeCall::Recovery(pallet_recovery::Call::control_inherited_account {
			call, ..
		}) => allowed(call),
		RuntimeCall::Council(pallet_collective::Call::propose { proposal, .. })
		| RuntimeCall::Council(pallet_collective::Call::execute { proposal, .. }) => allowed(proposal),
		RuntimeCall::Governance(pallet_governance::Call::dispatch_as_root { call }) => {
			allowed(call)
		}
		_ => true,
	}
}

/// Decode an input into ops: as many whole ops as decode (at most [`MAX_OPS`]), in order.
pub fn decode_ops(mut data: &[u8]) -> Vec<Op> {
	let mut ops = Vec::new();
	while !data.is_empty() && ops.len() < MAX_OPS {
		match Op::decode_with_depth_limit(MAX_CALL_DEPTH, &mut data) {
			Ok(op) => ops.push(op),
			Err(_) => break,
		}
	}
	ops
}

/// Encode ops as an input.
pub fn encode_ops(ops: &[Op]) -> Vec<u8> {
	ops.iter().flat_map(Encode::encode).collect()
}

/// Slots the clock moves for a gap byte: 1–127 slots, then 128–255 in steps of 4,800 slots
/// (4 hours) up to about 21 days, so consent expiries and batch expiry dates are reached.
/// The block number moves by one whatever the gap (FRAME requires consecutive numbers, and
/// running thousands of empty blocks would cost the fuzzer its speed): only time jumps.
pub fn gap_slots(gap: u8) -> u32 {
	match gap {
		0..=127 => u32::from(gap),
		_ => (u32::from(gap) - 127) * 4_800,
	}
}

/// Where the chain is: the head and the time of the block being built.
#[derive(Clone, Debug)]
pub struct Chain {
	pub number: u32,
	pub parent: H256,
	pub now: u64,
	open: bool,
	/// Encoded length of the extrinsics applied in the open block.
	length: u64,
}

/// What happened to one op.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
	/// Skipped by [`allowed`].
	Skipped,
	/// Applied: the extrinsic's result (`Err`: invalid, rolled back; `Ok(Err)`: included, the
	/// call failed; `Ok(Ok)`: included and succeeded).
	Applied(ApplyExtrinsicResult),
}

impl Chain {
	/// Open the next block, `slots` slots (at least one) after the last one.
	pub fn open_block(&mut self, slots: u32) {
		assert!(!self.open, "a block is already open");
		self.number += 1;
		self.now += u64::from(slots.max(1)) * SLOT_DURATION;
		let len = open_block(self.number, self.parent, self.now);
		self.open = true;
		self.length = len;
	}

	/// Sign `call` with `actor`'s key (its next nonce, no tip, immortal) and apply it as the
	/// block builder does: in a storage transaction, kept only if the extrinsic is valid.
	pub fn apply(&mut self, actor: u8, call: RuntimeCall) -> ApplyExtrinsicResult {
		assert!(self.open, "no open block");
		let xt = signed_extrinsic(actor, call);
		let len = xt.encoded_size() as u64;
		let result = apply_as_block_builder(xt);
		if result.is_ok() {
			self.length += len;
		}
		result
	}

	/// Run `op`: close the open block first if `op.gap > 0`.
	pub fn run_op(&mut self, op: &Op) -> Outcome {
		if !allowed(&op.call) {
			return Outcome::Skipped;
		}
		if op.gap > 0 || !self.open {
			if self.open {
				self.close_block();
			}
			self.open_block(gap_slots(op.gap));
		}
		Outcome::Applied(self.apply(op.actor, op.call.clone()))
	}

	/// Close the open block: check its length, finalize it, check its weight and every
	/// invariant; panics on a violation.
	pub fn close_block(&mut self) {
		assert!(self.open, "no open block");
		if let Err(violation) = check_length(self.length) {
			panic!("block {}: {violation}", self.number);
		}
		let header = Executive::finalize_block();
		self.parent = header.hash();
		self.open = false;
		if let Err(violation) = check_weight().and_then(|()| check_invariants()) {
			panic!("block {}: {violation}", self.number);
		}
	}

	/// Whether a block is open.
	pub fn is_open(&self) -> bool {
		self.open
	}
}

/// `call` signed by actor `actor` with its next nonce, no tip, immortal.
pub fn signed_extrinsic(actor: u8, call: RuntimeCall) -> UncheckedExtrinsic {
	medchain_runtime_test_support::signed_extrinsic(
		&keys()[usize::from(actor) % ACTORS.len()],
		call,
	)
}

/// The block's size (header, digests and every extrinsic, inherents included, as
/// `frame_system::BlockSize` counts it for `CheckWeight`) covers the bytes applied and is
/// within the largest length any class may use.
pub fn check_length(applied: u64) -> Result<(), String> {
	let limits = <Runtime as frame_system::Config>::BlockLength::get();
	let max = [DispatchClass::Normal, DispatchClass::Operational, DispatchClass::Mandatory]
		.iter()
		.map(|class| *limits.max.get(*class))
		.max()
		.unwrap_or(0);
	let size = u64::from(System::block_size());
	if size < applied {
		return Err(format!("BlockSize {size} is less than the {applied} bytes applied"));
	}
	if size > u64::from(max) {
		return Err(format!("block size {size} exceeds the limit {max}"));
	}
	Ok(())
}

/// The finished block's normal and operational weight are within their classes' limits.
pub fn check_weight() -> Result<(), String> {
	let limits = <Runtime as frame_system::Config>::BlockWeights::get();
	let used = System::block_weight();
	for class in [DispatchClass::Normal, DispatchClass::Operational] {
		let max = limits.get(class).max_total.unwrap_or(limits.max_block);
		if !used.get(class).all_lte(max) {
			return Err(format!(
				"{class:?} weight {:?} exceeds its limit {max:?}",
				used.get(class)
			));
		}
	}
	Ok(())
}

/// Every MedChain pallet's invariants, and total issuance against the accounts.
pub fn check_invariants() -> Result<(), String> {
	type Check = fn() -> Result<(), sp_runtime::TryRuntimeError>;
	let checks: [(&str, Check); 8] = [
		("Consortium", pallet_consortium::Pallet::<Runtime>::do_try_state),
		("Governance", pallet_governance::Pallet::<Runtime>::do_try_state),
		("PatientIdentity", pallet_patient_identity::Pallet::<Runtime>::do_try_state),
		("Consent", pallet_consent::Pallet::<Runtime>::do_try_state),
		("HealthRecords", pallet_health_records::Pallet::<Runtime>::do_try_state),
		("DrugProvenance", pallet_drug_provenance::Pallet::<Runtime>::do_try_state),
		("ClinicalTrials", pallet_clinical_trials::Pallet::<Runtime>::do_try_state),
		("Prescriptions", pallet_prescriptions::Pallet::<Runtime>::do_try_state),
	];
	for (pallet, check) in checks {
		check().map_err(|e| format!("{pallet} try_state: {e:?}"))?;
	}
	let mut sum: u128 = 0;
	for (_, info) in frame_system::Account::<Runtime>::iter() {
		sum = sum
			.checked_add(info.data.free)
			.and_then(|s| s.checked_add(info.data.reserved))
			.ok_or("the balances overflow u128")?;
	}
	let issuance = pallet_balances::TotalIssuance::<Runtime>::get();
	if sum != issuance {
		return Err(format!("total issuance {issuance} != the accounts' sum {sum}"));
	}
	if pallet_balances::InactiveIssuance::<Runtime>::get() > issuance {
		return Err("inactive issuance exceeds total issuance".into());
	}
	Ok(())
}

/// A salted identity commitment, as a front desk makes it.
pub fn commitment(document: &str) -> H256 {
	pallet_patient_identity::identity_commitment(b"fuzz front-desk salt", document.as_bytes())
}

/// The base state every input starts from, and the chain's head in it.
pub struct Base {
	pub storage: sp_storage::Storage,
	pub chain: Chain,
}

/// The `development` preset's consortium after one real block of set-up: a staff key for
/// the Provider, Pharmacy, Manufacturer, Distributor and TrialSponsor, funded; patients P
/// (zero balance) and Q (funded) onboarded and attested by St. Mary's; Q's Guardian proxy;
/// a funded outsider. Built once per process.
pub fn base() -> &'static Base {
	static BASE: OnceLock<Base> = OnceLock::new();
	BASE.get_or_init(|| {
		use actor::*;
		let mut ext = sp_io::TestExternalities::new(genesis_storage());
		let chain = ext.execute_with(|| {
			let genesis = System::block_hash(0);
			let mut chain = Chain {
				number: 0,
				parent: genesis,
				now: GENESIS_TIME - SLOT_DURATION,
				open: false,
				length: 0,
			};
			chain.open_block(1);
			let setup: Vec<(u8, RuntimeCall)> = {
				let mut calls = vec![];
				for (admin, staff) in [
					(ALICE, PROVIDER_STAFF),
					(BOB, PHARMACY_STAFF),
					(CHARLIE, MANUFACTURER_STAFF),
					(DAVE, DISTRIBUTOR_STAFF),
					(FERDIE, SPONSOR_STAFF),
				] {
					calls.push((
						admin,
						RuntimeCall::Consortium(pallet_consortium::Call::add_staff {
							account: account(staff),
						}),
					));
				}
				for who in [
					PROVIDER_STAFF,
					PHARMACY_STAFF,
					MANUFACTURER_STAFF,
					DISTRIBUTOR_STAFF,
					SPONSOR_STAFF,
					PATIENT_Q,
					GUARDIAN,
					OUTSIDER,
				] {
					calls.push((
						ALICE,
						RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
							dest: account(who).into(),
							value: 1_000 * UNIT,
						}),
					));
				}
				for (patient, document) in
					[(PATIENT_P, "passport P-4711"), (PATIENT_Q, "passport Q-0815")]
				{
					calls.push((
						ALICE,
						RuntimeCall::PatientIdentity(
							pallet_patient_identity::Call::onboard_patient {
								patient: account(patient),
								identity_commitment: commitment(document),
							},
						),
					));
					calls.push((
						ALICE,
						RuntimeCall::PatientIdentity(
							pallet_patient_identity::Call::attest_patient {
								patient: account(patient),
							},
						),
					));
				}
				calls.push((
					PATIENT_Q,
					RuntimeCall::Proxy(pallet_proxy::Call::add_proxy {
						delegate: account(GUARDIAN).into(),
						proxy_type: medchain_runtime::ProxyType::Guardian,
						delay: 0,
					}),
				));
				calls
			};
			for (who, call) in setup {
				let name = call.get_call_metadata();
				assert_eq!(
					chain.apply(who, call),
					Ok(Ok(())),
					"set-up call {name:?} by actor {who}"
				);
			}
			chain.close_block();
			chain
		});
		ext.commit_all().expect("the set-up block commits");
		let storage = ext.execute_with(snapshot);
		Base { storage, chain }
	})
}

/// Every key and value of the current (top-level) state.
fn snapshot() -> sp_storage::Storage {
	let mut top = std::collections::BTreeMap::new();
	let mut key = Vec::new();
	while let Some(next) = sp_io::storage::next_key(&key) {
		let value = sp_io::storage::get(&next).expect("a listed key has a value").to_vec();
		top.insert(next.clone(), value);
		key = next;
	}
	sp_storage::Storage { top, children_default: Default::default() }
}

/// Fresh externalities holding the base state.
pub fn base_ext() -> (sp_io::TestExternalities, Chain) {
	let base = base();
	(sp_io::TestExternalities::new(base.storage.clone()), base.chain.clone())
}

/// What an input did: the ops decoded and their outcomes, and the blocks it closed.
#[derive(Debug, Default)]
pub struct Report {
	pub ops: Vec<Op>,
	pub outcomes: Vec<Outcome>,
	pub blocks: u32,
}

/// Run one fuzz input from the base state; panics on any violation (see the crate docs).
pub fn run(data: &[u8]) -> Report {
	let ops = decode_ops(data);
	let (mut ext, mut chain) = base_ext();
	let mut report = Report::default();
	ext.execute_with(|| {
		let start = chain.number;
		for op in &ops {
			report.outcomes.push(chain.run_op(op));
		}
		if chain.is_open() {
			chain.close_block();
		}
		report.blocks = chain.number - start;
	});
	report.ops = ops;
	report
}

/// The hash of an input, as libFuzzer names its corpus files (SHA-1 there; any stable name
/// does for ours).
pub fn input_name(data: &[u8]) -> String {
	let digest = sp_runtime::traits::BlakeTwo256::hash(data);
	digest.0.iter().take(20).map(|b| format!("{b:02x}")).collect()
}
