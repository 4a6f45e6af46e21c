//! Shared set-up of the runtime-level tests: the real runtime, its `development` genesis
//! preset (the demo consortium), and helpers to submit signed calls as the node would.
//!
//! Two ways to run a call:
//! - [`submit`] (and [`submit_ok`]): signed with the account's key and applied through
//!   `Executive::apply_extrinsic` with the runtime's `TxExtension` — nonce, weight, fees or
//!   the fee-less path, exactly as in a block. Every patient call in these tests goes this
//!   way: a patient's broken erasure once hid behind a direct dispatch.
//! - [`dispatch`]: the call's dispatchable alone, for organizations' set-up steps and for
//!   `assert_noop!` checks of a pallet rule (a failed extrinsic would still pay its fee and
//!   bump the nonce, which `assert_noop!` counts as a change).

#![allow(dead_code)]

use frame_support::dispatch::DispatchResultWithPostInfo;
use medchain_runtime::{
	genesis_config_presets, AccountId, Runtime, RuntimeCall, RuntimeGenesisConfig, RuntimeOrigin,
	System,
};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{traits::Dispatchable, BuildStorage};

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

/// Externalities holding the genesis state of the `development` preset, at block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	merge(&mut config, genesis_config_presets::development_config_genesis());
	let config: RuntimeGenesisConfig = serde_json::from_value(config).unwrap();
	let storage = config.build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		// Milliseconds since the Unix epoch, as pallet-timestamp keeps them. Written directly:
		// `set_timestamp` would also drive Aura's slot checks, which need a real block.
		pallet_timestamp::Now::<Runtime>::put(1_700_000_000_000);
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
pub fn tx_extension_tipped(
	nonce: medchain_runtime::Nonce,
	tip: medchain_runtime::Balance,
) -> medchain_runtime::TxExtension {
	(
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(sp_runtime::generic::Era::Immortal),
		medchain_runtime::CheckNonceFeelessBound::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		medchain_runtime::FeelessWithPriority::from(
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(tip),
		),
		medchain_runtime::CheckMetadataHash::<Runtime>::new(false),
		frame_system::WeightReclaim::<Runtime>::new(),
	)
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
	use codec::Encode;
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
