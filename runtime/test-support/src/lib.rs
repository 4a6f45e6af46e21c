//! Set-up shared by the runtime's integration tests (`runtime/tests/integration`) and the fuzz
//! harness (`fuzz/harness`): the real runtime, its `development` genesis preset (the demo
//! consortium), and helpers to sign and apply calls as a wallet and the node would.
//!
//! Two ways to run a call:
//! - [`submit`] (and [`submit_ok`]): signed with the account's key and applied through
//!   `Executive::apply_extrinsic` with the runtime's `TxExtension` (built by
//!   [`medchain_runtime::tx_extension`]) — nonce, weight, fees or the fee-less path, exactly
//!   as in a block. Every patient call in the integration tests goes this way: a direct
//!   dispatch would skip the transaction extensions, where a patient's erasure can break.
//! - [`dispatch`]: the call's dispatchable alone, for organizations' set-up steps and for
//!   `assert_noop!` checks of a pallet rule (a failed extrinsic would still pay its fee and
//!   bump the nonce, which `assert_noop!` counts as a change).
//!
//! Blocks: [`next_block`] moves the externalities of [`new_test_ext`] on by one slot without
//! running any hooks; [`open_block`] and [`apply_as_block_builder`] drive the real
//! `Executive` (hooks, inherents, storage transactions) as the node's block builder does.

use codec::Encode;
use frame_support::dispatch::DispatchResultWithPostInfo;
use medchain_runtime::{
	genesis_config_presets, AccountId, Executive, Hash, Header, Runtime, RuntimeCall,
	RuntimeGenesisConfig, RuntimeOrigin, System, UncheckedExtrinsic, SLOT_DURATION, UNIT,
};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	traits::{Dispatchable, Header as _},
	ApplyExtrinsicResult, BuildStorage, Digest, DigestItem,
};

/// The time of block 1 (ms since the Unix epoch, as pallet-timestamp keeps it): 14 November
/// 2023.
pub const GENESIS_TIME: u64 = 1_700_000_000_000;

/// Merge `patch` into `base` the way the node merges a preset into the default config.
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		}
		(base, patch) => *base = patch,
	}
}

/// The genesis state of the `development` preset, merged into the default config as the node
/// merges it.
pub fn genesis_storage() -> sp_storage::Storage {
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default())
		.expect("the default config serializes");
	merge(&mut config, genesis_config_presets::development_config_genesis());
	let config: RuntimeGenesisConfig =
		serde_json::from_value(config).expect("the development preset is a config");
	config.build_storage().expect("the genesis state builds")
}

/// Externalities holding the genesis state of the `development` preset, at block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut ext = sp_io::TestExternalities::new(genesis_storage());
	ext.execute_with(|| {
		System::set_block_number(1);
		// Written directly: `set_timestamp` would also drive Aura's slot checks, which need a
		// real block.
		pallet_timestamp::Now::<Runtime>::put(GENESIS_TIME);
	});
	ext
}

/// Move to the next block, advancing time by one slot. The block number, the time and the
/// block's weight and length counters (which `CheckWeight` fills) change: no pallet here has
/// per-block hooks that these tests depend on.
pub fn next_block() {
	System::set_block_number(System::block_number() + 1);
	frame_system::BlockWeight::<Runtime>::kill();
	frame_system::BlockSize::<Runtime>::kill();
	let time = pallet_timestamp::Now::<Runtime>::get();
	pallet_timestamp::Now::<Runtime>::put(time + medchain_runtime::SLOT_DURATION);
}

/// The account of a dev key.
pub fn account(key: Sr25519Keyring) -> AccountId {
	key.to_account_id()
}

/// A fresh account (key `//seed`) that belongs to nobody's organization. Its key is
/// remembered, so [`submit`] can sign for it.
pub fn fresh(seed: &str) -> AccountId {
	fresh_pair(seed).1
}

/// A fresh key pair (`//seed`) and its account; the key is remembered for [`submit`].
pub fn fresh_pair(seed: &str) -> (sp_core::sr25519::Pair, AccountId) {
	use sp_core::Pair;
	let pair = sp_core::sr25519::Pair::from_string(&format!("//{seed}"), None).unwrap();
	let who: AccountId = pair.public().into();
	KEYS.with(|keys| keys.borrow_mut().insert(who.clone(), pair.clone()));
	(pair, who)
}

thread_local! {
	/// The keys of the accounts [`fresh`] made.
	static KEYS: core::cell::RefCell<std::collections::BTreeMap<AccountId, sp_core::sr25519::Pair>> =
		Default::default();
}

/// The key of `who`: a dev key, or one [`fresh`] made.
pub fn key_of(who: &AccountId) -> sp_core::sr25519::Pair {
	Sr25519Keyring::from_account_id(who)
		.map(|key| key.pair())
		.or_else(|| KEYS.with(|keys| keys.borrow().get(who).cloned()))
		.expect("a dev key or an account made by fresh()")
}

/// Sign `call` with `who`'s key and apply it through the runtime's transaction extensions
/// (see [`apply_signed`]): `Err` if the transaction is invalid (e.g. it cannot pay),
/// `Ok(dispatch result)` otherwise.
pub fn submit(who: &AccountId, call: RuntimeCall) -> sp_runtime::ApplyExtrinsicResult {
	apply_signed(&key_of(who), call)
}

/// [`submit`], asserting that the transaction was valid and its call succeeded.
#[track_caller]
pub fn submit_ok(who: &AccountId, call: RuntimeCall) {
	assert_eq!(submit(who, call), Ok(Ok(())));
}

/// [`submit`], asserting that the transaction was valid (included) and its call failed with
/// `error`.
#[track_caller]
pub fn submit_err(who: &AccountId, call: RuntimeCall, error: impl Into<sp_runtime::DispatchError>) {
	assert_eq!(submit(who, call), Ok(Err(error.into())));
}

/// Dispatch `call` signed by `who` (no fees charged: that is the transaction extensions'
/// job, tested separately).
pub fn dispatch(who: &AccountId, call: RuntimeCall) -> DispatchResultWithPostInfo {
	call.dispatch(RuntimeOrigin::signed(who.clone()))
}

/// Dispatch `call` as root.
pub fn dispatch_root(call: RuntimeCall) -> DispatchResultWithPostInfo {
	call.dispatch(RuntimeOrigin::root())
}

/// The last event the runtime deposited.
pub fn last_event() -> medchain_runtime::RuntimeEvent {
	System::events().pop().expect("an event was deposited").event
}

/// The transaction extensions a wallet attaches, for `who`'s next nonce.
pub fn tx_extension(who: &AccountId) -> medchain_runtime::TxExtension {
	tx_extension_at(System::account_nonce(who))
}

/// The transaction extensions a wallet attaches, with `nonce`.
pub fn tx_extension_at(nonce: medchain_runtime::Nonce) -> medchain_runtime::TxExtension {
	tx_extension_tipped(nonce, 0)
}

/// The transaction extensions a wallet attaches, with `nonce` and a `tip`.
/// Immortal, as the tests' and the fuzzer's transactions are.
pub fn tx_extension_tipped(
	nonce: medchain_runtime::Nonce,
	tip: medchain_runtime::Balance,
) -> medchain_runtime::TxExtension {
	medchain_runtime::tx_extension(nonce, sp_runtime::generic::Era::Immortal, tip)
}

/// `call` signed with `pair`, with the extensions a wallet attaches for its next nonce.
pub fn signed_extrinsic(
	pair: &sp_core::sr25519::Pair,
	call: RuntimeCall,
) -> medchain_runtime::UncheckedExtrinsic {
	use sp_core::Pair;
	let who: AccountId = pair.public().into();
	signed_extrinsic_at(pair, call, System::account_nonce(&who))
}

/// `call` signed with `pair`, with `nonce` (a future one, say).
pub fn signed_extrinsic_at(
	pair: &sp_core::sr25519::Pair,
	call: RuntimeCall,
	nonce: medchain_runtime::Nonce,
) -> medchain_runtime::UncheckedExtrinsic {
	signed_extrinsic_tipped(pair, call, nonce, 0)
}

/// `call` signed with `pair`, with `nonce` and a `tip`.
pub fn signed_extrinsic_tipped(
	pair: &sp_core::sr25519::Pair,
	call: RuntimeCall,
	nonce: medchain_runtime::Nonce,
	tip: medchain_runtime::Balance,
) -> medchain_runtime::UncheckedExtrinsic {
	use sp_core::Pair;
	let who: AccountId = pair.public().into();
	let extension = tx_extension_tipped(nonce, tip);
	let payload = medchain_runtime::SignedPayload::new(call.clone(), extension.clone())
		.expect("the payload's implicit data is available");
	let signature = payload.using_encoded(|bytes| pair.sign(bytes));
	medchain_runtime::UncheckedExtrinsic::new_signed(
		call,
		who.into(),
		sp_runtime::MultiSignature::Sr25519(signature),
		extension,
	)
}

/// Sign `call` with `pair` and apply it as the block builder would: through every
/// transaction extension (nonce, weight, fees or fee-less), then dispatch.
pub fn apply_signed(
	pair: &sp_core::sr25519::Pair,
	call: RuntimeCall,
) -> sp_runtime::ApplyExtrinsicResult {
	medchain_runtime::Executive::apply_extrinsic(signed_extrinsic(pair, call))
}

/// Open block `number` on top of `parent` at time `now` (ms since the epoch) as the node's
/// block builder does: `Executive::initialize_block` with Aura's slot for `now` in the
/// pre-runtime digest, then the timestamp inherent, which Aura checks against that slot.
/// Returns the inherent's encoded length (the block's extrinsic bytes so far).
pub fn open_block(number: medchain_runtime::BlockNumber, parent: Hash, now: u64) -> u64 {
	let slot = sp_consensus_aura::Slot::from(now / SLOT_DURATION);
	let digest = Digest {
		logs: vec![DigestItem::PreRuntime(sp_consensus_aura::AURA_ENGINE_ID, slot.encode())],
	};
	Executive::initialize_block(&Header::new(
		number,
		Default::default(),
		Default::default(),
		parent,
		digest,
	));
	let timestamp =
		UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(pallet_timestamp::Call::set { now }));
	let len = timestamp.encoded_size() as u64;
	assert_eq!(Executive::apply_extrinsic(timestamp), Ok(Ok(())), "the timestamp inherent");
	len
}

/// Apply `xt` to the open block as the block builder does: in a storage transaction, rolled
/// back if the extrinsic is invalid (`Executive::apply_extrinsic` has already recorded it and
/// run the first extensions by the time a later one refuses it).
pub fn apply_as_block_builder(xt: UncheckedExtrinsic) -> ApplyExtrinsicResult {
	sp_io::storage::start_transaction();
	let result = Executive::apply_extrinsic(xt);
	if result.is_ok() {
		sp_io::storage::commit_transaction();
	} else {
		sp_io::storage::rollback_transaction();
	}
	result
}

/// Give `who` 1,000 MED (by root: `force_set_balance`).
pub fn fund(who: &AccountId) {
	frame_support::assert_ok!(dispatch_root(RuntimeCall::Balances(
		pallet_balances::Call::force_set_balance {
			who: who.clone().into(),
			new_free: 1_000 * UNIT
		}
	)));
}

/// The result of the last `Proxy::ProxyExecuted` event (a proxied call's own outcome: the
/// `proxy` extrinsic itself succeeds even when the proxied call is filtered or fails).
pub fn proxy_result() -> Result<(), sp_runtime::DispatchError> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			medchain_runtime::RuntimeEvent::Proxy(pallet_proxy::Event::ProxyExecuted {
				result,
			}) => Some(result),
			_ => None,
		})
		.expect("a proxied call ran")
}

/// An opaque record locator for `reference` (a document store's internal key), made as the
/// client tooling makes them: `mc1:` and the hex of a keyed blake2-256 hash, so the chain
/// never sees a readable URL (hospital, resource type, date).
pub fn opaque_locator(reference: &str) -> Vec<u8> {
	let digest = sp_io::hashing::blake2_256(
		&[b"test gateway key".as_slice(), reference.as_bytes()].concat(),
	);
	let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
	format!("mc1:{hex}").into_bytes()
}

/// Register a second Provider, "Northside Hospital", administered by a fresh account (by
/// root, as governance would).
pub fn second_hospital() -> AccountId {
	let northside = fresh("Northside");
	frame_support::assert_ok!(dispatch_root(RuntimeCall::Consortium(
		pallet_consortium::Call::register_organization {
			admin: northside.clone(),
			name: b"Northside Hospital".to_vec(),
			roles: pallet_consortium::Roles::only(pallet_consortium::Role::Provider),
		}
	)));
	northside
}

/// Each MedChain pallet's calls for this runtime, by the short names the tests use.
pub type ConsortiumCall = pallet_consortium::Call<Runtime>;
pub type GovernanceCall = pallet_governance::Call<Runtime>;
pub type IdentityCall = pallet_patient_identity::Call<Runtime>;
pub type ConsentCall = pallet_consent::Call<Runtime>;
pub type RecordsCall = pallet_health_records::Call<Runtime>;
pub type DrugCall = pallet_drug_provenance::Call<Runtime>;
pub type TrialsCall = pallet_clinical_trials::Call<Runtime>;
