//! The gateway's view of the chain: JSON-RPC over WebSocket (jsonrpsee) to its hospital's
//! node, with every call, event, storage key and runtime-API value encoded and decoded by the
//! runtime's own Rust types. A runtime upgrade that changes them needs a rebuilt gateway; the
//! gateway checks the node's `spec_version` at start and warns when it differs.

use codec::{Decode, Encode};
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
use std::sync::Arc;
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

/// What the gateway needs to sign: genesis hash and the runtime's versions.
#[derive(Clone, Copy, Debug)]
pub struct Versions {
	pub genesis: H256,
	pub spec_version: u32,
	pub transaction_version: u32,
}

/// The node connection (reconnects when the node went away).
pub struct Chain {
	url: String,
	client: RwLock<Arc<WsClient>>,
}

/// The mortality of the gateway's anchoring transactions, in blocks: an anchor not included
/// by then can never be, so the gateway may send it again without risking a duplicate.
pub const ANCHOR_ERA_PERIOD: u64 = 64;

impl Chain {
	pub async fn connect(url: &str) -> Result<Chain, ChainError> {
		let client = Self::build(url).await?;
		Ok(Chain { url: url.to_string(), client: RwLock::new(Arc::new(client)) })
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

	/// The finalized head: (number, hash).
	pub async fn finalized(&self) -> Result<(u32, H256), ChainError> {
		let hash = parse_h256(&self.call("chain_getFinalizedHead", rpc_params![]).await?)?;
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

	/// The storage value at `key` in block `at`, decoded.
	pub async fn storage<T: Decode>(&self, key: &[u8], at: H256) -> Result<Option<T>, ChainError> {
		match self.storage_raw(key, at).await? {
			None => Ok(None),
			Some(bytes) => T::decode(&mut &bytes[..]).map(Some).map_err(err("storage value")),
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
		T::decode(&mut &bytes[..]).map_err(err(method))
	}

	/// The gateway's question (`GatewayApi::read_decision`) at block `at`.
	pub async fn read_decision(
		&self,
		requester: [u8; 32],
		record_id: H256,
		max_log_age_ms: u64,
		at: H256,
	) -> Result<ReadDecision<AccountId32>, ChainError> {
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

	/// Genesis hash and the node's current runtime versions.
	pub async fn versions(&self) -> Result<Versions, ChainError> {
		let genesis = self
			.block_hash(0)
			.await?
			.ok_or_else(|| ChainError("the node has no genesis block".into()))?;
		let version = self.call("state_getRuntimeVersion", rpc_params![]).await?;
		let number = |name: &str| {
			version[name]
				.as_u64()
				.and_then(|v| u32::try_from(v).ok())
				.ok_or_else(|| ChainError(format!("runtime version has no {name}")))
		};
		Ok(Versions {
			genesis,
			spec_version: number("specVersion")?,
			transaction_version: number("transactionVersion")?,
		})
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

	/// Sign `call` with `pair` (mortal from the best block, `ANCHOR_ERA_PERIOD` blocks) and
	/// return the extrinsic's bytes and the era's birth block number; nothing is sent.
	pub async fn sign(
		&self,
		pair: &sr25519::Pair,
		call: RuntimeCall,
		versions: Versions,
	) -> Result<(Vec<u8>, u32), ChainError> {
		let who: [u8; 32] = pair.public().into();
		let nonce = self.next_nonce(who).await?;
		let (best, _) = self.best().await?;
		let era = Era::mortal(ANCHOR_ERA_PERIOD, u64::from(best));
		let birth = u32::try_from(era.birth(u64::from(best))).map_err(err("era"))?;
		let birth_hash =
			self.block_hash(birth).await?.ok_or_else(|| ChainError(format!("no block {birth}")))?;
		let extension: medchain_runtime::TxExtension = (
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			frame_system::CheckEra::<Runtime>::from(era),
			frame_system::CheckNonce::<Runtime>::from(nonce),
			frame_system::CheckWeight::<Runtime>::new(),
			medchain_runtime::FeelessWithPriority::from(
				pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
			),
			frame_system::WeightReclaim::<Runtime>::new(),
		);
		let implicit = (
			(),
			versions.spec_version,
			versions.transaction_version,
			versions.genesis,
			birth_hash,
			(),
			(),
			(),
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
		let versions = self.versions().await?;
		let (bytes, birth) = self.sign(pair, call, versions).await?;
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
