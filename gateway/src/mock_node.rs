//! Tests only: a node that answers the JSON-RPC methods the gateway uses from values the test
//! sets (jsonrpsee's server, already compiled with the workspace's jsonrpsee), so the
//! runtime-version checks, the decoders and the handlers can be driven without a chain.

use jsonrpsee::{
	server::{RpcModule, Server, ServerHandle},
	types::{ErrorObjectOwned, Params},
};
use serde_json::{json, Value};
use sp_core::H256;
use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
};

/// What the mock node answers.
pub struct MockState {
	/// Best and finalized block numbers.
	pub best: u32,
	pub finalized: u32,
	/// `state_getRuntimeVersion` for every block, unless `runtime_at` has the block.
	pub runtime: Value,
	pub runtime_at: HashMap<H256, Value>,
	/// Storage (the same in every block).
	pub storage: HashMap<Vec<u8>, Vec<u8>>,
	/// `state_call` answers by method name.
	pub calls: HashMap<String, Vec<u8>>,
	/// `state_call` answers by method name at one block (before `calls`).
	pub calls_at: HashMap<(String, H256), Vec<u8>>,
	/// Every extrinsic submitted.
	pub submitted: Vec<Vec<u8>>,
	/// How many `state_getRuntimeVersion` calls were answered.
	pub version_queries: u32,
	/// The state of blocks below this number is pruned: reading it fails as a pruning
	/// node's does (`State already discarded`).
	pub pruned_below: u32,
}

/// The hash of block `number` on the mock chain.
pub fn hash_of(number: u32) -> H256 {
	H256::from_low_u64_be(0x4d43_0000_0000 + u64::from(number))
}

/// `state_getRuntimeVersion`'s answer for `spec_version`, with `GatewayApi` at
/// `gateway_api` (left out if `None`) and the given `transaction_version`.
pub fn runtime_version(
	spec_version: u32,
	gateway_api: Option<u32>,
	transaction_version: u32,
) -> Value {
	let mut apis: Vec<Value> = medchain_runtime::VERSION
		.apis
		.iter()
		.filter(|(id, _)| *id != crate::chain::gateway_api_id())
		.map(|(id, v)| json!([format!("0x{}", hex::encode(id)), v]))
		.collect();
	if let Some(v) = gateway_api {
		apis.push(json!([format!("0x{}", hex::encode(crate::chain::gateway_api_id())), v]));
	}
	json!({
		"specName": "medchain",
		"implName": "medchain",
		"authoringVersion": 1,
		"specVersion": spec_version,
		"implVersion": 1,
		"apis": apis,
		"transactionVersion": transaction_version,
		"systemVersion": 1,
	})
}

/// The runtime this gateway was built from, as the node would report it.
pub fn built_runtime() -> Value {
	let built = crate::chain::BuiltFor::runtime();
	runtime_version(built.spec_version, Some(built.gateway_api), built.transaction_version)
}

/// A running mock node.
pub struct MockNode {
	pub url: String,
	pub state: Arc<Mutex<MockState>>,
	_handle: ServerHandle,
}

fn hex_param(value: &Value) -> Option<Vec<u8>> {
	value.as_str().and_then(|t| hex::decode(t.trim_start_matches("0x")).ok())
}

fn hash_param(value: &Value) -> Option<H256> {
	hex_param(value).filter(|b| b.len() == 32).map(|b| H256::from_slice(&b))
}

fn number_of(state: &MockState, hash: H256) -> Option<u32> {
	(0..=state.best).find(|n| hash_of(*n) == hash)
}

/// A pruning node's refusal to read the state of a block it no longer keeps.
fn pruned(s: &MockState, at: Option<H256>) -> Result<(), ErrorObjectOwned> {
	match at.and_then(|hash| number_of(s, hash)) {
		Some(n) if n < s.pruned_below => Err(ErrorObjectOwned::owned(
			4003,
			format!("Client error: UnknownBlock: State already discarded for {:?}", hash_of(n)),
			None::<()>,
		)),
		_ => Ok(()),
	}
}

fn params(p: Params) -> Vec<Value> {
	p.parse::<Vec<Value>>().unwrap_or_default()
}

type RpcResult = Result<Value, ErrorObjectOwned>;

fn fail(message: &str) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(-32000, message.to_string(), None::<()>)
}

impl MockNode {
	pub async fn start() -> MockNode {
		let state = Arc::new(Mutex::new(MockState {
			best: 10,
			finalized: 8,
			runtime: built_runtime(),
			runtime_at: HashMap::new(),
			storage: HashMap::new(),
			calls: HashMap::new(),
			calls_at: HashMap::new(),
			submitted: Vec::new(),
			version_queries: 0,
			pruned_below: 0,
		}));
		let mut module = RpcModule::new(state.clone());
		module
			.register_method("chain_getBlockHash", move |p, s, _| -> RpcResult {
				let s = s.lock().expect("lock");
				match params(p).first().and_then(Value::as_u64) {
					None => Ok(json!(format!("{:?}", hash_of(s.best)))),
					Some(n) if n <= u64::from(s.best) => {
						Ok(json!(format!("{:?}", hash_of(n as u32))))
					}
					Some(_) => Ok(Value::Null),
				}
			})
			.expect("method");
		module
			.register_method("chain_getHeader", move |p, s, _| -> RpcResult {
				let s = s.lock().expect("lock");
				let hash = params(p).first().and_then(hash_param).ok_or_else(|| fail("hash"))?;
				let n = number_of(&s, hash).ok_or_else(|| fail("unknown block"))?;
				Ok(json!({ "number": format!("0x{n:x}") }))
			})
			.expect("method");
		module
			.register_method("chain_getFinalizedHead", move |_, s, _| -> RpcResult {
				let s = s.lock().expect("lock");
				Ok(json!(format!("{:?}", hash_of(s.finalized))))
			})
			.expect("method");
		module
			.register_method("chain_getBlock", move |_, _, _| -> RpcResult {
				Ok(json!({ "block": { "extrinsics": [] } }))
			})
			.expect("method");
		module
			.register_method("state_getRuntimeVersion", move |p, s, _| -> RpcResult {
				let mut s = s.lock().expect("lock");
				s.version_queries += 1;
				let at = params(p).first().and_then(hash_param).unwrap_or(hash_of(s.best));
				pruned(&s, Some(at))?;
				Ok(s.runtime_at.get(&at).cloned().unwrap_or_else(|| s.runtime.clone()))
			})
			.expect("method");
		module
			.register_method("state_getStorage", move |p, s, _| -> RpcResult {
				let s = s.lock().expect("lock");
				let p = params(p);
				pruned(&s, p.get(1).and_then(hash_param))?;
				let key = p.first().and_then(hex_param).ok_or_else(|| fail("key"))?;
				Ok(s.storage
					.get(&key)
					.map_or(Value::Null, |v| json!(format!("0x{}", hex::encode(v)))))
			})
			.expect("method");
		module
			.register_method("state_call", move |p, s, _| -> RpcResult {
				let s = s.lock().expect("lock");
				let p = params(p);
				let method =
					p.first().and_then(|m| m.as_str().map(String::from)).unwrap_or_default();
				let at = p.get(2).and_then(hash_param).unwrap_or(hash_of(s.best));
				let answer = s
					.calls_at
					.get(&(method.clone(), at))
					.or_else(|| s.calls.get(&method))
					.ok_or_else(|| fail("no such runtime api call"))?;
				Ok(json!(format!("0x{}", hex::encode(answer))))
			})
			.expect("method");
		module
			.register_method("system_accountNextIndex", move |_, _, _| -> RpcResult {
				Ok(json!(0))
			})
			.expect("method");
		module
			.register_method("author_submitExtrinsic", move |p, s, _| -> RpcResult {
				let mut s = s.lock().expect("lock");
				let bytes = params(p).first().and_then(hex_param).ok_or_else(|| fail("bytes"))?;
				let hash = H256(sp_crypto_hashing::blake2_256(&bytes));
				s.submitted.push(bytes);
				Ok(json!(format!("{hash:?}")))
			})
			.expect("method");
		module
			.register_method("state_queryStorageAt", move |p, s, _| -> RpcResult {
				let s = s.lock().expect("lock");
				let p = params(p);
				pruned(&s, p.get(1).and_then(hash_param))?;
				let keys = p.first().and_then(Value::as_array).ok_or_else(|| fail("keys"))?;
				let changes: Vec<Value> = keys
					.iter()
					.map(|k| {
						let value = hex_param(k).and_then(|key| s.storage.get(&key));
						json!([k, value.map(|v| format!("0x{}", hex::encode(v)))])
					})
					.collect();
				let at = p.get(1).cloned().unwrap_or(Value::Null);
				Ok(json!([{ "block": at, "changes": changes }]))
			})
			.expect("method");
		let server = Server::builder().build("127.0.0.1:0").await.expect("mock node listens");
		let address = server.local_addr().expect("address");
		let handle = server.start(module);
		MockNode { url: format!("ws://{address}"), state, _handle: handle }
	}

	pub fn with<R>(&self, f: impl FnOnce(&mut MockState) -> R) -> R {
		f(&mut self.state.lock().expect("lock"))
	}
}

/// The organization of the test gateways.
pub const ORG: [u8; 32] = [0x42; 32];
/// The origin the test gateway serves (its `--public-url`): what test requests are signed for.
pub const TEST_ORIGIN: &str = "https://records.test:8801";

/// A gateway (store under `dir`, master key `[5; 32]`) beside `node`, with `staff` made
/// staff of [`ORG`] in the node's storage.
pub async fn gateway(
	node: &MockNode,
	dir: &std::path::Path,
	staff: &sp_core::sr25519::Pair,
) -> Arc<crate::service::Gateway> {
	use codec::Encode;
	use sp_core::{crypto::AccountId32, Pair};
	let account = AccountId32::from(staff.public());
	let key = pallet_consortium::StaffOf::<medchain_runtime::Runtime>::hashed_key_for(&account);
	node.with(|s| s.storage.insert(key, AccountId32::from(ORG).encode()));
	// Only chain identities get past the gateway's gate: ORG is an active organization,
	// and the tests' other requesters are registered patients.
	register_organization(node, ORG, true);
	for suri in TEST_REQUESTERS {
		let who = sp_core::sr25519::Pair::from_string(suri, None).expect("key");
		register_patient(node, who.public().into());
	}
	let store = crate::store::SqliteStore::open(&dir.join("gateway.sqlite")).expect("store");
	let chain = crate::chain::Chain::connect(&node.url).await.expect("connects");
	let versions = chain.versions().await.expect("versions");
	let signer = sp_core::sr25519::Pair::from_string("//Alice//gateway", None).expect("key");
	let audience = crate::auth::audience(
		&ORG,
		&signer.public().into(),
		&store.gateway_id().expect("gateway id"),
	);
	let verifier = crate::auth::Verifier::new(audience, crate::auth::now_ms() - 1, 300_000, 30_000)
		.with_origins(vec![TEST_ORIGIN.to_string()]);
	let settings = crate::service::Settings {
		max_body: 1 << 20,
		max_log_age_ms: 3_600_000,
		upload_wait: std::time::Duration::from_millis(100),
		finality_wait: std::time::Duration::from_millis(1500),
	};
	Arc::new(crate::service::Gateway::new(
		Arc::new(store),
		crate::crypto::MasterKey::from_bytes([5; 32]),
		chain,
		signer,
		ORG,
		versions,
		verifier,
		settings,
	))
}

/// The keys the tests sign requests with, besides the staff key: registered patients on
/// the mock chain made by [`gateway`], so the identity gate lets them through to the
/// read decision each test sets.
pub const TEST_REQUESTERS: [&str; 4] = ["//Reader", "//Stranger", "//Patient", "//Me"];

/// Register `admin`'s organization (a Provider), active or suspended, on the mock chain.
pub fn register_organization(node: &MockNode, admin: [u8; 32], active: bool) {
	use codec::Encode;
	use medchain_runtime::Runtime;
	let organization = pallet_consortium::OrganizationOf::<Runtime> {
		name: b"Mock Hospital".to_vec().try_into().expect("short name"),
		roles: medchain_runtime::Roles::from(medchain_runtime::Role::Provider),
		status: if active {
			pallet_consortium::OrganizationStatus::Active
		} else {
			pallet_consortium::OrganizationStatus::Suspended
		},
		staff_count: 1,
		registered_at: 1,
	};
	let key = pallet_consortium::Organizations::<Runtime>::hashed_key_for(
		sp_core::crypto::AccountId32::from(admin),
	);
	node.with(|s| s.storage.insert(key, organization.encode()));
}

/// Make `who` staff of `organization` on the mock chain.
pub fn make_staff(node: &MockNode, who: [u8; 32], organization: [u8; 32]) {
	use codec::Encode;
	let key = pallet_consortium::StaffOf::<medchain_runtime::Runtime>::hashed_key_for(
		sp_core::crypto::AccountId32::from(who),
	);
	node.with(|s| s.storage.insert(key, sp_core::crypto::AccountId32::from(organization).encode()));
}

/// Register `who` as a patient on the mock chain (the gateway only asks whether the entry
/// exists).
pub fn register_patient(node: &MockNode, who: [u8; 32]) {
	let key = pallet_patient_identity::Patients::<medchain_runtime::Runtime>::hashed_key_for(
		sp_core::crypto::AccountId32::from(who),
	);
	node.with(|s| s.storage.insert(key, vec![0]));
}

/// Mark `patient` deregistered (a tombstone) on the mock chain.
pub fn deregister(node: &MockNode, patient: [u8; 32]) {
	use codec::Encode;
	let key = pallet_patient_identity::Tombstones::<medchain_runtime::Runtime>::hashed_key_for(
		sp_core::crypto::AccountId32::from(patient),
	);
	node.with(|s| s.storage.insert(key, 5u32.encode()));
}

/// A document for `patient` in the store, in `state` (bound to `record_id` if given).
pub fn put_document(
	g: &crate::service::Gateway,
	locator: &str,
	patient: [u8; 32],
	state: crate::store::State,
	record_id: Option<[u8; 32]>,
) {
	let sealed = g.master.seal(&[0u8; 40], locator.as_bytes());
	g.store
		.insert(crate::store::NewDocument {
			locator: locator.into(),
			dedup_key: sp_crypto_hashing::blake2_256(locator.as_bytes()),
			patient,
			category: "LabResults".into(),
			content_hash: [1; 32],
			ciphertext: sealed.ciphertext,
			wrapped_key: sealed.wrapped_key,
			uploaded_by: [9; 32],
			created_at: 1,
			supersedes: None,
		})
		.expect("insert");
	g.store.set_state(locator, state, record_id, None, Some("a reason")).expect("state");
}

/// A document the gateway can serve: `canonical` for `patient` (LabResults) with a real salt
/// and content hash, anchored as `record_id`, and the chain's record of it (author [`ORG`],
/// this locator and hash) in the node's storage.
pub fn put_servable_document(
	node: &MockNode,
	g: &crate::service::Gateway,
	locator: &str,
	patient: [u8; 32],
	record_id: [u8; 32],
	canonical: &[u8],
) {
	use codec::Encode;
	use sp_core::crypto::AccountId32;
	let salt = [0x5a; 32];
	let content_hash = crate::canonical::content_hash(&salt, canonical);
	let sealed = g.master.seal(&[&salt[..], canonical].concat(), locator.as_bytes());
	g.store
		.insert(crate::store::NewDocument {
			locator: locator.into(),
			dedup_key: sp_crypto_hashing::blake2_256(locator.as_bytes()),
			patient,
			category: "LabResults".into(),
			content_hash,
			ciphertext: sealed.ciphertext,
			wrapped_key: sealed.wrapped_key,
			uploaded_by: [9; 32],
			created_at: 1,
			supersedes: None,
		})
		.expect("insert");
	g.store
		.set_state(locator, crate::store::State::Anchored, Some(record_id), None, None)
		.expect("state");
	let record = crate::binding::ChainRecord {
		patient: AccountId32::from(patient),
		category: medchain_primitives::RecordCategory::LabResults,
		content_hash: H256(content_hash),
		locator: Some(locator.as_bytes().to_vec().try_into().expect("short")),
		author: Some(AccountId32::from(ORG)),
		anchored_by: AccountId32::from([9; 32]),
		anchored_at: 1,
		block: 7,
		supersedes: None,
		superseded_by: None,
		sealed_at: None,
	};
	let key = pallet_health_records::Records::<medchain_runtime::Runtime>::hashed_key_for(H256(
		record_id,
	));
	node.with(|s| s.storage.insert(key, record.encode()));
}
