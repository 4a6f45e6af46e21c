//! The gateway's view of the chain: JSON-RPC over WebSocket (jsonrpsee) to its hospital's
//! node, with every call, event, storage key and runtime-API value encoded and decoded by the
//! runtime's own Rust types. A runtime upgrade that changes them needs a rebuilt gateway, so
//! the gateway fails closed:
//!
//! - every runtime-API answer and storage value is decoded with `DecodeAll` (trailing bytes,
//!   e.g. a longer variant of a changed type, are an error, never ignored);
//! - before it serves, answers from or follows a block, it reads that block's runtime version
//!   (`state_getRuntimeVersion`, cached per block hash) and refuses when the runtime's
//!   `GatewayApi` version (its `apis` list) is not the one this gateway was built for
//!   ([`BuiltFor`]);
//! - it signs each anchor with the `spec_version`/`transaction_version` of the best block it
//!   builds on, and refuses to sign when `transaction_version` (the encoding of calls and
//!   transaction extensions) is not the one it was built for.

use codec::{Decode, DecodeAll, Encode};
use jsonrpsee::{
	core::client::ClientT,
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use medchain_runtime::{Runtime, RuntimeCall, RuntimeEvent};
use pallet_consent::ReadDecision;
use serde_json::Value;
use sp_core::{crypto::AccountId32, sr25519, Pair, H256};
use sp_crypto_hashing::blake2_256;
use sp_runtime::{generic::Era, MultiAddress, MultiSignature};
use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
};
use tokio::sync::RwLock;

/// An event with where it happened.
pub type EventRecord = frame_system::EventRecord<RuntimeEvent, H256>;

/// A chain access failure (the RPC's or the decoder's message).
#[derive(Debug, Clone)]
pub struct ChainError(pub String);

impl core::fmt::Display for ChainError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		write!(f, "chain: {}", self.0)
	}
}

fn err<E: core::fmt::Display>(what: &str) -> impl FnOnce(E) -> ChainError + '_ {
	move |e| ChainError(format!("{what}: {e}"))
}

fn parse_h256(value: &Value) -> Result<H256, ChainError> {
	let text = value.as_str().ok_or_else(|| ChainError(format!("not a hash: {value}")))?;
	let bytes = hex::decode(text.trim_start_matches("0x")).map_err(err("hash"))?;
	if bytes.len() != 32 {
		return Err(ChainError(format!("not a 32-byte hash: {text}")));
	}
	Ok(H256::from_slice(&bytes))
}

fn hex_bytes(value: &Value) -> Result<Vec<u8>, ChainError> {
	let text = value.as_str().ok_or_else(|| ChainError(format!("not hex: {value}")))?;
	hex::decode(text.trim_start_matches("0x")).map_err(err("hex"))
}

fn hex_of(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// Genesis hash and the runtime's versions when the gateway started (`/v1/info`); anchors
/// are signed with the versions of the block they build on ([`Chain::sign`]).
#[derive(Clone, Copy, Debug)]
pub struct Versions {
	pub genesis: H256,
	pub spec_version: u32,
	pub transaction_version: u32,
}

/// The id under which a runtime's version lists `GatewayApi` (`blake2_64("GatewayApi")`).
pub fn gateway_api_id() -> [u8; 8] {
	use sp_api::RuntimeApiInfo;
	<dyn pallet_consent::runtime_api::GatewayApi<
		medchain_runtime::Block,
		AccountId32,
		medchain_runtime::BlockNumber,
	>>::ID
}

/// What this gateway was compiled for (from medchain-runtime's own `VERSION`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuiltFor {
	/// The `GatewayApi` version whose `read_decision` answer this gateway decodes.
	pub gateway_api: u32,
	/// The encoding of calls and transaction extensions it signs.
	pub transaction_version: u32,
	/// Only informative: a new `spec_version` with the same API and transaction versions is
	/// served (with a warning); a runtime that changes what the gateway decodes must bump
	/// `GatewayApi`'s `#[api_version]` or `transaction_version`.
	pub spec_version: u32,
}

impl BuiltFor {
	pub fn runtime() -> BuiltFor {
		let version = &medchain_runtime::VERSION;
		let id = gateway_api_id();
		BuiltFor {
			// A runtime without GatewayApi cannot have built this gateway: 0 matches no node.
			gateway_api: version
				.apis
				.iter()
				.find(|(api, _)| *api == id)
				.map(|(_, v)| *v)
				.unwrap_or(0),
			transaction_version: version.transaction_version,
			spec_version: version.spec_version,
		}
	}
}

/// A block's runtime version, as far as the gateway cares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimeInfo {
	pub spec_version: u32,
	pub transaction_version: u32,
	/// `GatewayApi`'s version in the runtime's `apis` list; `None` if it is not there.
	pub gateway_api: Option<u32>,
}

/// Why the node's runtime is not one this gateway may read from or sign for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incompatible(pub String);

impl core::fmt::Display for Incompatible {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str(&self.0)
	}
}

impl RuntimeInfo {
	/// From `state_getRuntimeVersion`'s JSON (`apis: [["0x<8 bytes>", version], ...]`).
	pub fn from_json(version: &Value) -> Result<RuntimeInfo, ChainError> {
		let number = |name: &str| {
			version[name]
				.as_u64()
				.and_then(|v| u32::try_from(v).ok())
				.ok_or_else(|| ChainError(format!("runtime version has no {name}")))
		};
		let apis = version["apis"]
			.as_array()
			.ok_or_else(|| ChainError("runtime version has no apis".into()))?;
		let id = gateway_api_id();
		let mut gateway_api = None;
		for entry in apis {
			let id_bytes = hex_bytes(&entry[0])?;
			if id_bytes == id {
				let v = entry[1]
					.as_u64()
					.and_then(|v| u32::try_from(v).ok())
					.ok_or_else(|| ChainError(format!("bad api version {entry}")))?;
				gateway_api = Some(v);
			}
		}
		Ok(RuntimeInfo {
			spec_version: number("specVersion")?,
			transaction_version: number("transactionVersion")?,
			gateway_api,
		})
	}

	/// May the gateway read this runtime's `GatewayApi` answers (and its storage)?
	pub fn check_reads(&self, built: &BuiltFor) -> Result<(), Incompatible> {
		match self.gateway_api {
			Some(v) if v == built.gateway_api => Ok(()),
			Some(v) => Err(Incompatible(format!(
				"the node's runtime (spec_version {}) has GatewayApi version {v}, this gateway was built for version {}: rebuild the gateway for this runtime",
				self.spec_version, built.gateway_api
			))),
			None => Err(Incompatible(format!(
				"the node's runtime (spec_version {}) has no GatewayApi (this gateway was built for version {})",
				self.spec_version, built.gateway_api
			))),
		}
	}

	/// May the gateway sign transactions for this runtime (and read it)?
	pub fn check_signing(&self, built: &BuiltFor) -> Result<(), Incompatible> {
		self.check_reads(built)?;
		if self.transaction_version != built.transaction_version {
			return Err(Incompatible(format!(
				"the node's runtime (spec_version {}) has transaction_version {}, this gateway was built for {}: its calls would not encode as the runtime expects; rebuild the gateway",
				self.spec_version, self.transaction_version, built.transaction_version
			)));
		}
		Ok(())
	}
}

/// The runtime versions read, by block hash (a runtime version never changes for a block).
const RUNTIME_CACHE: usize = 256;

/// The node connection (reconnects when the node went away).
pub struct Chain {
	url: String,
	client: RwLock<Arc<WsClient>>,
	runtimes: Mutex<HashMap<H256, RuntimeInfo>>,
}

/// The mortality of the gateway's anchoring transactions, in blocks: an anchor not included
/// by then can never be, so the gateway may send it again without risking a duplicate.
pub const ANCHOR_ERA_PERIOD: u64 = 64;

impl Chain {
	pub async fn connect(url: &str) -> Result<Chain, ChainError> {
		let client = Self::build(url).await?;
		Ok(Chain {
			url: url.to_string(),
			client: RwLock::new(Arc::new(client)),
			runtimes: Mutex::new(HashMap::new()),
		})
	}

	async fn build(url: &str) -> Result<WsClient, ChainError> {
		WsClientBuilder::default()
			.request_timeout(std::time::Duration::from_secs(30))
			.max_concurrent_requests(4096)
			.build(url)
			.await
			.map_err(err("connect"))
	}

	async fn client(&self) -> Result<Arc<WsClient>, ChainError> {
		let current = self.client.read().await.clone();
		if current.is_connected() {
			return Ok(current);
		}
		let mut slot = self.client.write().await;
		if !slot.is_connected() {
			log::warn!("node connection lost; reconnecting to {}", self.url);
			*slot = Arc::new(Self::build(&self.url).await?);
		}
		Ok(slot.clone())
	}

	async fn call(
		&self,
		method: &str,
		params: jsonrpsee::core::params::ArrayParams,
	) -> Result<Value, ChainError> {
		self.client().await?.request::<Value, _>(method, params).await.map_err(err(method))
	}

	/// The best block's hash.
	pub async fn best_hash(&self) -> Result<H256, ChainError> {
		parse_h256(&self.call("chain_getBlockHash", rpc_params![]).await?)
	}

	/// The hash of block `number` on the best chain, if there is one.
	pub async fn block_hash(&self, number: u32) -> Result<Option<H256>, ChainError> {
		let value = self.call("chain_getBlockHash", rpc_params![number]).await?;
		if value.is_null() {
			return Ok(None);
		}
		parse_h256(&value).map(Some)
	}

	/// The block number of `hash`.
	pub async fn block_number(&self, hash: H256) -> Result<u32, ChainError> {
		let header = self.call("chain_getHeader", rpc_params![hex_of(hash.as_bytes())]).await?;
		let number = header["number"]
			.as_str()
			.ok_or_else(|| ChainError(format!("no header for {hash:?}")))?;
		u32::from_str_radix(number.trim_start_matches("0x"), 16).map_err(err("block number"))
	}

	/// The finalized head's hash.
	pub async fn finalized_hash(&self) -> Result<H256, ChainError> {
		parse_h256(&self.call("chain_getFinalizedHead", rpc_params![]).await?)
	}

	/// The finalized head: (number, hash).
	pub async fn finalized(&self) -> Result<(u32, H256), ChainError> {
		let hash = self.finalized_hash().await?;
		Ok((self.block_number(hash).await?, hash))
	}

	/// The best head: (number, hash).
	pub async fn best(&self) -> Result<(u32, H256), ChainError> {
		let hash = self.best_hash().await?;
		Ok((self.block_number(hash).await?, hash))
	}

	/// The raw storage value at `key` in block `at`.
	pub async fn storage_raw(&self, key: &[u8], at: H256) -> Result<Option<Vec<u8>>, ChainError> {
		let value =
			self.call("state_getStorage", rpc_params![hex_of(key), hex_of(at.as_bytes())]).await?;
		if value.is_null() {
			return Ok(None);
		}
		hex_bytes(&value).map(Some)
	}

	/// The raw storage values at `keys` in block `at`, in one request
	/// (`state_queryStorageAt`), in the order of `keys`.
	pub async fn storage_many(
		&self,
		keys: &[Vec<u8>],
		at: H256,
	) -> Result<Vec<Option<Vec<u8>>>, ChainError> {
		let hex_keys: Vec<String> = keys.iter().map(|k| hex_of(k)).collect();
		let answer = self
			.call("state_queryStorageAt", rpc_params![hex_keys.clone(), hex_of(at.as_bytes())])
			.await?;
		let mut values: HashMap<String, Option<Vec<u8>>> = HashMap::new();
		for set in answer.as_array().into_iter().flatten() {
			for change in set["changes"].as_array().into_iter().flatten() {
				let key = change[0]
					.as_str()
					.ok_or_else(|| ChainError(format!("bad storage change {change}")))?;
				let value = if change[1].is_null() { None } else { Some(hex_bytes(&change[1])?) };
				values.insert(key.to_ascii_lowercase(), value);
			}
		}
		Ok(hex_keys.iter().map(|k| values.get(k).cloned().flatten()).collect())
	}

	/// The storage value at `key` in block `at`, decoded: all of it (a value with bytes left
	/// over is not the type the gateway was built for: an error, never half-read).
	pub async fn storage<T: Decode>(&self, key: &[u8], at: H256) -> Result<Option<T>, ChainError> {
		match self.storage_raw(key, at).await? {
			None => Ok(None),
			Some(bytes) => decode_exact(&bytes).map(Some).map_err(err("storage value")),
		}
	}

	/// A runtime-API call at block `at`.
	pub async fn runtime_call<T: Decode>(
		&self,
		method: &str,
		args: &[u8],
		at: H256,
	) -> Result<T, ChainError> {
		let value = self
			.call("state_call", rpc_params![method, hex_of(args), hex_of(at.as_bytes())])
			.await?;
		let bytes = hex_bytes(&value)?;
		decode_exact(&bytes).map_err(err(method))
	}

	/// The gateway's question (`GatewayApi::read_decision`) at block `at`.
	pub async fn read_decision(
		&self,
		requester: [u8; 32],
		record_id: H256,
		max_log_age_ms: u64,
		at: H256,
	) -> Result<ReadDecision<AccountId32, u32>, ChainError> {
		let args = (AccountId32::from(requester), record_id, max_log_age_ms).encode();
		self.runtime_call("GatewayApi_read_decision", &args, at).await
	}

	/// The chain's record `record_id` (`HealthRecords.Records`) at block `at`, if it exists.
	pub async fn record(
		&self,
		record_id: H256,
		at: H256,
	) -> Result<Option<pallet_health_records::RecordOf<Runtime>>, ChainError> {
		let key = pallet_health_records::Records::<Runtime>::hashed_key_for(record_id);
		self.storage(&key, at).await
	}

	/// The organization `who` acts for (itself for an admin), if any.
	pub async fn organization_of(
		&self,
		who: [u8; 32],
		at: H256,
	) -> Result<Option<[u8; 32]>, ChainError> {
		let account = AccountId32::from(who);
		let org_key = pallet_consortium::Organizations::<Runtime>::hashed_key_for(&account);
		if self.storage_raw(&org_key, at).await?.is_some() {
			return Ok(Some(who));
		}
		let staff_key = pallet_consortium::StaffOf::<Runtime>::hashed_key_for(&account);
		let org: Option<AccountId32> = self.storage(&staff_key, at).await?;
		Ok(org.map(Into::into))
	}

	/// Whether `patient` deregistered (`PatientIdentity.Tombstones`) by block `at`: the chain
	/// anchors nothing more for them, and their documents are to be destroyed.
	pub async fn patient_deregistered(
		&self,
		patient: [u8; 32],
		at: H256,
	) -> Result<bool, ChainError> {
		let key = pallet_patient_identity::Tombstones::<Runtime>::hashed_key_for(
			AccountId32::from(patient),
		);
		Ok(self.storage_raw(&key, at).await?.is_some())
	}

	/// The events of block `at`.
	pub async fn events(&self, at: H256) -> Result<Vec<EventRecord>, ChainError> {
		let mut key = sp_crypto_hashing::twox_128(b"System").to_vec();
		key.extend_from_slice(&sp_crypto_hashing::twox_128(b"Events"));
		Ok(self.storage::<Vec<EventRecord>>(&key, at).await?.unwrap_or_default())
	}

	/// The hashes (`blake2_256` of the encoded bytes) of block `at`'s extrinsics, in order.
	pub async fn extrinsic_hashes(&self, at: H256) -> Result<Vec<H256>, ChainError> {
		let block = self.call("chain_getBlock", rpc_params![hex_of(at.as_bytes())]).await?;
		let extrinsics = block["block"]["extrinsics"]
			.as_array()
			.ok_or_else(|| ChainError(format!("no block {at:?}")))?;
		extrinsics.iter().map(|x| hex_bytes(x).map(|b| H256(blake2_256(&b)))).collect()
	}

	/// The genesis hash.
	pub async fn genesis(&self) -> Result<H256, ChainError> {
		self.block_hash(0).await?.ok_or_else(|| ChainError("the node has no genesis block".into()))
	}

	/// Genesis hash and the runtime versions of the best block.
	pub async fn versions(&self) -> Result<Versions, ChainError> {
		let genesis = self.genesis().await?;
		let best = self.best_hash().await?;
		let info = self.runtime_info(best).await?;
		Ok(Versions {
			genesis,
			spec_version: info.spec_version,
			transaction_version: info.transaction_version,
		})
	}

	/// The runtime version of block `at` (`state_getRuntimeVersion`), cached per block hash.
	pub async fn runtime_info(&self, at: H256) -> Result<RuntimeInfo, ChainError> {
		if let Some(info) = self.runtimes.lock().ok().and_then(|c| c.get(&at).cloned()) {
			return Ok(info);
		}
		let version =
			self.call("state_getRuntimeVersion", rpc_params![hex_of(at.as_bytes())]).await?;
		let info = RuntimeInfo::from_json(&version)?;
		if let Ok(mut cache) = self.runtimes.lock() {
			if cache.len() >= RUNTIME_CACHE {
				cache.clear();
			}
			cache.insert(at, info.clone());
		}
		Ok(info)
	}

	/// The next nonce of `who`, counting transactions in the pool.
	pub async fn next_nonce(&self, who: [u8; 32]) -> Result<u32, ChainError> {
		use sp_core::crypto::Ss58Codec;
		let value = self
			.call("system_accountNextIndex", rpc_params![AccountId32::from(who).to_ss58check()])
			.await?;
		value
			.as_u64()
			.and_then(|n| u32::try_from(n).ok())
			.ok_or_else(|| ChainError(format!("bad nonce {value}")))
	}

	/// Sign `call` with `pair` (mortal from the best block, `ANCHOR_ERA_PERIOD` blocks) for
	/// the runtime of the best block (its `spec_version` and `transaction_version`, read
	/// again whenever the best block changes, so anchors keep working across a runtime
	/// upgrade) and return the extrinsic's bytes and the era's birth block number; nothing is
	/// sent. Refused when that runtime is not one this gateway can encode calls for.
	pub async fn sign(
		&self,
		pair: &sr25519::Pair,
		call: RuntimeCall,
		genesis: H256,
	) -> Result<(Vec<u8>, u32), ChainError> {
		let who: [u8; 32] = pair.public().into();
		let nonce = self.next_nonce(who).await?;
		let (best, best_hash) = self.best().await?;
		let runtime = self.runtime_info(best_hash).await?;
		runtime
			.check_signing(&BuiltFor::runtime())
			.map_err(|e| ChainError(format!("not signing: {e}")))?;
		let era = Era::mortal(ANCHOR_ERA_PERIOD, u64::from(best));
		let birth = u32::try_from(era.birth(u64::from(best))).map_err(err("era"))?;
		let birth_hash =
			self.block_hash(birth).await?.ok_or_else(|| ChainError(format!("no block {birth}")))?;
		// The runtime's own transaction extensions (no tip; CheckMetadataHash off).
		let extension = medchain_runtime::tx_extension(nonce, era, 0);
		let implicit = (
			(),
			runtime.spec_version,
			runtime.transaction_version,
			genesis,
			birth_hash,
			(),
			(),
			(),
			// CheckMetadataHash in mode off: no metadata hash signed over.
			None,
			(),
		);
		let payload =
			medchain_runtime::SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
		let signature = payload.using_encoded(|bytes| pair.sign(bytes));
		let extrinsic = medchain_runtime::UncheckedExtrinsic::new_signed(
			call,
			MultiAddress::Id(AccountId32::from(who)),
			MultiSignature::Sr25519(signature),
			extension,
		);
		Ok((extrinsic.encode(), birth))
	}

	/// Send a signed extrinsic; the node's answer is its hash or why it refused it.
	pub async fn submit(&self, extrinsic: &[u8]) -> Result<H256, ChainError> {
		parse_h256(&self.call("author_submitExtrinsic", rpc_params![hex_of(extrinsic)]).await?)
	}

	/// Sign, send and wait (up to `timeout`) for `call` to be in a finalized block; the
	/// dispatch error's name if it failed. For the `add-staff` set-up command.
	pub async fn submit_and_wait(
		&self,
		pair: &sr25519::Pair,
		call: RuntimeCall,
		timeout: std::time::Duration,
	) -> Result<(), ChainError> {
		let genesis = self.genesis().await?;
		let (bytes, birth) = self.sign(pair, call, genesis).await?;
		let hash = self.submit(&bytes).await?;
		let deadline = tokio::time::Instant::now() + timeout;
		let mut next = birth;
		loop {
			let (finalized, _) = self.finalized().await?;
			while next <= finalized {
				let Some(at) = self.block_hash(next).await? else { break };
				let hashes = self.extrinsic_hashes(at).await?;
				if let Some(index) = hashes.iter().position(|h| *h == hash) {
					let events = self.events(at).await?;
					return match extrinsic_outcome(&events, index as u32) {
						Some(Err(reason)) => Err(ChainError(reason)),
						_ => Ok(()),
					};
				}
				next += 1;
			}
			if tokio::time::Instant::now() > deadline {
				return Err(ChainError(format!("not finalized within {timeout:?}")));
			}
			tokio::time::sleep(std::time::Duration::from_millis(500)).await;
		}
	}
}

/// `T` decoded from all of `bytes` (`DecodeAll`: bytes left over are an error).
pub fn decode_exact<T: Decode>(bytes: &[u8]) -> Result<T, codec::Error> {
	T::decode_all(&mut &bytes[..])
}

/// The outcome of extrinsic `index` from its block's events: `Ok` for success, `Err(name)`
/// of the dispatch error for failure, `None` if neither event is there.
pub fn extrinsic_outcome(events: &[EventRecord], index: u32) -> Option<Result<(), String>> {
	events.iter().find_map(|record| {
		if record.phase != frame_system::Phase::ApplyExtrinsic(index) {
			return None;
		}
		match &record.event {
			RuntimeEvent::System(frame_system::Event::ExtrinsicSuccess { .. }) => Some(Ok(())),
			RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
				dispatch_error, ..
			}) => Some(Err(dispatch_error_name(*dispatch_error))),
			_ => None,
		}
	})
}

/// A dispatch error as `Pallet.Error` (e.g. `Consent.NoConsent`).
pub fn dispatch_error_name(error: sp_runtime::DispatchError) -> String {
	match medchain_runtime::RuntimeError::from_dispatch_error(error) {
		Some(runtime_error) => {
			let text = format!("{runtime_error:?}");
			// `Consent(NoConsent)` → `Consent.NoConsent`
			match text.split_once('(') {
				Some((pallet, rest)) => format!("{pallet}.{}", rest.trim_end_matches(')')),
				None => text,
			}
		}
		None => format!("{error:?}"),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::mock_node::{hash_of, runtime_version, MockNode};

	fn built() -> BuiltFor {
		BuiltFor::runtime()
	}

	#[test]
	fn the_gateway_knows_the_gateway_api_version_it_was_built_for() {
		// GatewayApi is in medchain-runtime's own apis list, under blake2_64("GatewayApi").
		assert_eq!(gateway_api_id(), sp_crypto_hashing::blake2_64(b"GatewayApi"));
		assert!(built().gateway_api >= 1, "{:?}", built());
		assert_eq!(built().transaction_version, medchain_runtime::VERSION.transaction_version);
	}

	#[test]
	fn a_runtime_with_another_gateway_api_version_is_refused() {
		let b = built();
		let same = RuntimeInfo::from_json(&runtime_version(
			b.spec_version + 1,
			Some(b.gateway_api),
			b.transaction_version,
		))
		.expect("parses");
		assert_eq!(same.gateway_api, Some(b.gateway_api));
		// A new spec_version alone (an upgrade that keeps the API) is served and signed for.
		assert_eq!(same.check_reads(&b), Ok(()));
		assert_eq!(same.check_signing(&b), Ok(()));
		let newer = RuntimeInfo::from_json(&runtime_version(
			b.spec_version + 1,
			Some(b.gateway_api + 1),
			b.transaction_version,
		))
		.expect("parses");
		let why = newer.check_reads(&b).expect_err("another GatewayApi version is refused");
		assert!(why.0.contains("GatewayApi version"), "{why}");
		assert!(newer.check_signing(&b).is_err());
		let none =
			RuntimeInfo::from_json(&runtime_version(b.spec_version, None, b.transaction_version))
				.expect("parses");
		assert_eq!(none.gateway_api, None);
		assert!(none.check_reads(&b).is_err());
		// Another transaction_version: still readable, but the gateway does not sign for it.
		let tx = RuntimeInfo::from_json(&runtime_version(
			b.spec_version,
			Some(b.gateway_api),
			b.transaction_version + 1,
		))
		.expect("parses");
		assert_eq!(tx.check_reads(&b), Ok(()));
		assert!(tx.check_signing(&b).expect_err("refused").0.contains("transaction_version"));
		assert!(RuntimeInfo::from_json(&serde_json::json!({"specVersion": 1})).is_err());
	}

	#[tokio::test]
	async fn runtime_api_answers_and_storage_values_with_bytes_left_over_are_refused() {
		let node = MockNode::start().await;
		let chain = Chain::connect(&node.url).await.expect("connects");
		let at = hash_of(10);
		let answer = ReadDecision::<AccountId32, u32>::Sealed.encode();
		node.with(|s| s.calls.insert("GatewayApi_read_decision".into(), answer.clone()));
		let decision =
			chain.read_decision([1; 32], H256([2; 32]), 1000, at).await.expect("decodes");
		assert_eq!(decision, ReadDecision::Sealed);
		// The same answer with one byte more (e.g. a variant of a changed enum with a field
		// the gateway does not know): an error, not a `Sealed`.
		let mut longer = answer.clone();
		longer.push(0);
		node.with(|s| s.calls.insert("GatewayApi_read_decision".into(), longer));
		let e = chain.read_decision([1; 32], H256([2; 32]), 1000, at).await.expect_err("refused");
		assert!(e.0.contains("GatewayApi_read_decision"), "{e}");
		// Storage: StaffOf(who) = an organization, with and without a byte left over.
		let who = AccountId32::from([3u8; 32]);
		let key = pallet_consortium::StaffOf::<Runtime>::hashed_key_for(&who);
		let mut value = AccountId32::from([4u8; 32]).encode();
		node.with(|s| s.storage.insert(key.clone(), value.clone()));
		assert_eq!(chain.organization_of([3; 32], at).await.expect("decodes"), Some([4; 32]));
		value.push(7);
		node.with(|s| s.storage.insert(key.clone(), value));
		let e = chain.organization_of([3; 32], at).await.expect_err("refused");
		assert!(e.0.contains("storage value"), "{e}");
	}

	/// Whether `bytes` is an extrinsic signed by `pair` for spec/transaction versions
	/// `(spec, tx)` on the mock chain (genesis `hash_of(0)`, era born at block `birth`).
	fn signed_for(bytes: &[u8], pair: &sr25519::Pair, birth: u32, spec: u32, tx: u32) -> bool {
		let xt =
			medchain_runtime::UncheckedExtrinsic::decode(&mut &bytes[..]).expect("an extrinsic");
		let sp_runtime::generic::Preamble::Signed(_, MultiSignature::Sr25519(signature), extension) =
			xt.preamble
		else {
			panic!("not signed")
		};
		let implicit = ((), spec, tx, hash_of(0), hash_of(birth), (), (), (), None, ());
		let payload = medchain_runtime::SignedPayload::from_raw(xt.function, extension, implicit);
		payload.using_encoded(|b| sr25519::Pair::verify(&signature, b, &pair.public()))
	}

	#[tokio::test]
	async fn anchors_are_signed_for_the_runtime_of_the_best_block_across_an_upgrade() {
		let node = MockNode::start().await;
		let chain = Chain::connect(&node.url).await.expect("connects");
		let pair = sr25519::Pair::from_string("//Alice//gateway", None).expect("key");
		let b = built();
		let call = || RuntimeCall::System(frame_system::Call::remark { remark: vec![1] });
		let (bytes, birth) = chain.sign(&pair, call(), hash_of(0)).await.expect("signs");
		assert_eq!(birth, 10);
		assert!(signed_for(&bytes, &pair, 10, b.spec_version, b.transaction_version));
		// The chain upgrades its runtime at block 11 (same API, next spec_version): the
		// gateway, still running, signs the next anchor for the new spec_version.
		node.with(|s| {
			s.best = 11;
			s.runtime_at.insert(
				hash_of(11),
				runtime_version(b.spec_version + 1, Some(b.gateway_api), b.transaction_version),
			);
		});
		let (bytes, _) = chain.sign(&pair, call(), hash_of(0)).await.expect("signs");
		assert!(signed_for(&bytes, &pair, 11, b.spec_version + 1, b.transaction_version));
		assert!(!signed_for(&bytes, &pair, 11, b.spec_version, b.transaction_version));
		// A runtime whose transaction_version changed (calls encode differently): not signed.
		node.with(|s| {
			s.best = 12;
			s.runtime_at.insert(
				hash_of(12),
				runtime_version(b.spec_version + 2, Some(b.gateway_api), b.transaction_version + 1),
			);
		});
		let e = chain.sign(&pair, call(), hash_of(0)).await.expect_err("refused");
		assert!(e.0.contains("not signing") && e.0.contains("transaction_version"), "{e}");
		// Runtime versions are read once per block.
		let before = node.with(|s| s.version_queries);
		chain.runtime_info(hash_of(12)).await.expect("cached");
		assert_eq!(node.with(|s| s.version_queries), before);
	}
}
