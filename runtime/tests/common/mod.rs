//! Shared set-up of the runtime-level tests: the real runtime, its `development` genesis
//! preset (the demo consortium), and helpers to dispatch signed calls as the node would.

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

/// Move to the next block, advancing time by one slot. Only the block number and the time
/// change: no pallet here has per-block hooks that these tests depend on.
pub fn next_block() {
	System::set_block_number(System::block_number() + 1);
	let time = pallet_timestamp::Now::<Runtime>::get();
	pallet_timestamp::Now::<Runtime>::put(time + medchain_runtime::SLOT_DURATION);
}

/// The account of a dev key.
pub fn account(key: Sr25519Keyring) -> AccountId {
	key.to_account_id()
}

/// A fresh account that belongs to nobody's organization.
pub fn fresh(seed: &str) -> AccountId {
	use sp_core::Pair;
	sp_core::sr25519::Pair::from_string(&format!("//{seed}"), None).unwrap().public().into()
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
	let nonce = System::account_nonce(who);
	(
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(sp_runtime::generic::Era::Immortal),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_skip_feeless_payment::SkipCheckIfFeeless::from(
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
		),
		frame_system::WeightReclaim::<Runtime>::new(),
	)
}

/// Sign `call` with `pair` and apply it as the block builder would: through every
/// transaction extension (nonce, weight, fees or fee-less), then dispatch.
pub fn apply_signed(
	pair: &sp_core::sr25519::Pair,
	call: RuntimeCall,
) -> sp_runtime::ApplyExtrinsicResult {
	use codec::Encode;
	use sp_core::Pair;
	let who: AccountId = pair.public().into();
	let extension = tx_extension(&who);
	let payload = medchain_runtime::SignedPayload::new(call.clone(), extension.clone())
		.expect("the payload's implicit data is available");
	let signature = payload.using_encoded(|bytes| pair.sign(bytes));
	let extrinsic = medchain_runtime::UncheckedExtrinsic::new_signed(
		call,
		who.into(),
		sp_runtime::MultiSignature::Sr25519(signature),
		extension,
	);
	medchain_runtime::Executive::apply_extrinsic(extrinsic)
}
