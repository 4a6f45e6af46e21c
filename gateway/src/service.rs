//! The HTTP API (axum): the router, what every handler shares (the gateway's state, the
//! signature check, the chain's heads a question is asked at), health, info and metrics.
//! Uploads and their status are in `upload`, fetches in `fetch`. Every refusal is an
//! [`ApiError`]: an explicit status with a JSON body
//! `{"error": "<Code>", "message": "<sentence>"}`.

mod fetch;
mod upload;

pub(crate) use fetch::{authorized_read, may_read, served_response, Served};
#[cfg(test)]
pub(crate) use upload::dedup_message;
pub(crate) use upload::{
	keyed_dedup_of, open_stored, rewrap_row, store_upload, Upload, DEREGISTERED,
};

use crate::{
	auth::{self, Presented, Verifier},
	binding::ChainRecord,
	chain::{BuiltFor, Chain, ChainError, RuntimeInfo, Versions},
	crypto::MasterKey,
	error::{ApiError, ErrorCode},
	store::{Document, DocumentStore},
};
use axum::{
	body::{Body, Bytes},
	extract::State as AxumState,
	http::{HeaderMap, Method, Uri},
	response::{IntoResponse, Response},
	routing::{get, post},
	Json, Router,
};
use fetch::DecisionCache;
use medchain_primitives::RecordCategory;
use serde_json::json;
use sp_core::{crypto::AccountId32, crypto::Ss58Codec, sr25519, H256};
use std::{
	collections::HashMap,
	sync::{
		atomic::{AtomicU32, AtomicU64, Ordering},
		Arc, Mutex,
	},
	time::{Duration, Instant},
};
use tokio::sync::{watch, Notify};

/// Settings an operator chooses.
#[derive(Clone, Debug)]
pub struct Settings {
	/// Largest request body accepted (bytes).
	pub max_body: usize,
	/// How recent a logged read must be to be served (ms).
	pub max_log_age_ms: u64,
	/// How long an upload waits for its anchor to be finalized before answering 202.
	pub upload_wait: Duration,
	/// How long a read the best block grants waits for the finalized head to grant it too
	/// before answering `503 NotFinal`.
	pub finality_wait: Duration,
}

/// Where fetch time goes (sums in ns, and counts), for `/v1/metrics` and the benchmark.
#[derive(Default)]
pub struct Timings {
	pub requests: AtomicU64,
	pub served: AtomicU64,
	pub signature_ns: AtomicU64,
	pub best_block_ns: AtomicU64,
	pub decision_ns: AtomicU64,
	pub decision_queries: AtomicU64,
	pub store_ns: AtomicU64,
	pub decrypt_ns: AtomicU64,
	pub hash_ns: AtomicU64,
	pub total_ns: AtomicU64,
	/// Time reads the best block granted spent on the finalized head's decision, waiting for
	/// it to grant them included, and how many gave up (`503 NotFinal`).
	pub finality_wait_ns: AtomicU64,
	pub not_final: AtomicU64,
}

fn add(counter: &AtomicU64, since: Instant) {
	counter.fetch_add(since.elapsed().as_nanos() as u64, Ordering::Relaxed);
}

/// Everything the handlers and the background tasks share.
pub struct Gateway {
	pub store: Arc<dyn DocumentStore>,
	pub master: MasterKey,
	pub chain: Chain,
	pub signer: sr25519::Pair,
	/// The staff key the signer anchors for, as its `Anchor` proxy (`--acts-for`);
	/// `None`: the signer is itself a staff key and anchors directly.
	pub acts_for: Option<[u8; 32]>,
	pub organization: [u8; 32],
	/// Genesis and the runtime versions at start (anchors use the best block's).
	pub versions: Versions,
	/// The runtime this gateway was built for.
	pub built: BuiltFor,
	/// The last runtime `spec_version` logged (refused or served), so each change is logged
	/// once.
	noted_spec: AtomicU32,
	pub verifier: Verifier,
	/// Limits against denial of service: rate limits, the chain-identity gate.
	pub guard: Arc<crate::limits::Guard>,
	pub settings: Settings,
	pub timings: Timings,
	/// Answers by route and refusals by reason, for Prometheus (metrics.rs).
	pub traffic: crate::metrics::Traffic,
	decisions: Mutex<DecisionCache>,
	/// Chain records verified to be this gateway's anchor of the document held under their
	/// id (author, category, patient, content hash, locator: immutable but for the locator,
	/// which only a seal or an erasure removes, and those the read decision answers first),
	/// read once per run.
	verified: Mutex<HashMap<H256, ChainRecord>>,
	/// Wakes the anchoring task.
	pub wake_anchorer: Notify,
	/// Bumped whenever a document's state changes (uploads wait on it).
	pub changed: watch::Sender<u64>,
}

impl Gateway {
	#[allow(clippy::too_many_arguments)]
	pub fn new(
		store: Arc<dyn DocumentStore>,
		master: MasterKey,
		chain: Chain,
		signer: sr25519::Pair,
		organization: [u8; 32],
		versions: Versions,
		verifier: Verifier,
		settings: Settings,
	) -> Gateway {
		Gateway {
			store,
			master,
			chain,
			signer,
			acts_for: None,
			organization,
			versions,
			built: BuiltFor::runtime(),
			noted_spec: AtomicU32::new(versions.spec_version),
			verifier,
			guard: Arc::new(crate::limits::Guard::new(crate::limits::Limits::default())),
			settings,
			timings: Timings::default(),
			traffic: crate::metrics::Traffic::default(),
			decisions: Mutex::new(DecisionCache::default()),
			verified: Mutex::new(HashMap::new()),
			wake_anchorer: Notify::new(),
			changed: watch::channel(0).0,
		}
	}

	/// The gateway's key anchors as an `Anchor` proxy of the staff key `staff`.
	pub fn acting_for(mut self, staff: Option<[u8; 32]>) -> Gateway {
		self.acts_for = staff;
		self
	}

	/// The limits against denial of service the operator set.
	pub fn with_limits(mut self, limits: crate::limits::Limits) -> Gateway {
		self.guard = Arc::new(crate::limits::Guard::new(limits));
		self
	}

	/// Tell waiting uploads that some document changed state.
	pub fn notify_changed(&self) {
		self.changed.send_modify(|n| *n = n.wrapping_add(1));
	}

	/// The runtime of block `at`, if the gateway may read from it (its `GatewayApi` version
	/// is the one this gateway was built for); otherwise why not (fail closed).
	pub async fn readable_runtime(
		&self,
		at: H256,
	) -> Result<Result<RuntimeInfo, String>, ChainError> {
		let info = self.chain.runtime_info(at).await?;
		let verdict = info.check_reads(&self.built);
		if self.noted_spec.swap(info.spec_version, Ordering::Relaxed) != info.spec_version {
			match &verdict {
				Err(why) => log::error!("refusing to read from the node: {why}"),
				Ok(()) if info.spec_version != self.built.spec_version => log::warn!(
					"the node now runs spec_version {} (this gateway was built for {}) with the same GatewayApi version {}: serving",
					info.spec_version,
					self.built.spec_version,
					self.built.gateway_api
				),
				Ok(()) => log::info!("the node runs spec_version {}", info.spec_version),
			}
		}
		Ok(verdict.map(|()| info).map_err(|e| e.0))
	}
}

/// Which of the chain's heads a question is asked at.
#[derive(Clone, Copy)]
pub(crate) enum Head {
	/// The best block: every handler's chain question is asked there.
	Best,
	/// The finalized head: a grant must hold there too before a document is served.
	Finalized,
}

/// The hash of `head`, if the node's runtime there is one the gateway may read from (fail
/// closed: `503 RuntimeIncompatible` otherwise).
pub(crate) async fn readable(g: &Gateway, head: Head) -> Result<H256, ApiError> {
	let at = match head {
		Head::Best => g.chain.best_hash().await,
		Head::Finalized => g.chain.finalized_hash().await,
	}
	.map_err(ApiError::chain)?;
	match g.readable_runtime(at).await.map_err(ApiError::chain)? {
		Ok(_) => Ok(at),
		Err(why) => Err(ApiError::new(ErrorCode::RuntimeIncompatible, format!("refused: {why}"))),
	}
}

pub(crate) type ApiResult = Result<Response, ApiError>;

/// The router.
pub fn router(gateway: Arc<Gateway>) -> Router {
	Router::new()
		.route("/v1/health", get(health))
		.route("/v1/info", get(info))
		.route("/v1/metrics", get(metrics))
		.route("/v1/records", post(upload::upload))
		.route("/v1/records/{record_id}", get(fetch::fetch))
		.route("/v1/uploads/{locator}", get(upload::upload_status))
		.merge(crate::fhir::routes())
		.fallback(not_found)
		.layer(axum::middleware::from_fn_with_state(gateway.clone(), guard))
		// Outside the guard: every refusal under /fhir, the guard's too, is an OperationOutcome.
		.layer(axum::middleware::from_fn(crate::fhir::outcome::layer))
		.with_state(gateway)
}

/// Every request's first stop (limits.rs): its IP's rate limit, no body on a GET, the
/// request timeout, and for a signed request, whether its account is a chain identity
/// (cached; asked at the best block otherwise) before anything is remembered for it.
async fn guard(
	AxumState(g): AxumState<Arc<Gateway>>,
	request: axum::extract::Request,
	next: axum::middleware::Next,
) -> Response {
	let chain_g = g.clone();
	let lookup = |who: [u8; 32]| async move {
		let best = readable(&chain_g, Head::Best).await?;
		crate::identity::lookup(&chain_g.chain, who, best).await.map_err(ApiError::chain)
	};
	crate::limits::guard(&g.guard, &g.verifier, request, next, lookup).await
}

async fn not_found(uri: Uri) -> ApiError {
	ApiError::new(ErrorCode::NoSuchEndpoint, format!("no endpoint {}", uri.path()))
}

pub(crate) fn ss58(account: &[u8; 32]) -> String {
	AccountId32::from(*account).to_ss58check()
}

pub(crate) fn hex32(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// `GET /v1/health`, public: for load balancers and uptime checks (nothing else is public
/// but what a client needs to sign, `/v1/info`).
async fn health() -> Response {
	Json(json!({
		"status": "ok",
		"service": "medchain-gateway",
		"version": env!("CARGO_PKG_VERSION"),
	}))
	.into_response()
}

/// `GET /v1/info`, public: what a client needs to sign requests for this gateway and to check
/// it against the chain's gateway directory (its organization and signer), nothing about its
/// store or its traffic (those are in `/v1/metrics`, for its own organization's staff).
async fn info(AxumState(g): AxumState<Arc<Gateway>>) -> ApiResult {
	Ok(Json(json!({
		"service": "medchain-gateway",
		"version": env!("CARGO_PKG_VERSION"),
		"organization": ss58(&g.organization),
		// This gateway: its organization, its signer and its instance id.
		"audience": hex32(g.verifier.audience()),
		"signer": ss58(&sp_core::Pair::public(&g.signer).into()),
		// Where this gateway is reached (`--public-url`): requests are signed for one of these.
		"origins": g.verifier.origins(),
		// The staff key the signer anchors for as its `Anchor` proxy; null: it signs as staff.
		"acts_for": g.acts_for.as_ref().map(ss58),
		"genesis": hex32(g.versions.genesis.as_bytes()),
		"built_for": {
			"spec_version": g.built.spec_version,
			"transaction_version": g.built.transaction_version,
			"gateway_api": g.built.gateway_api,
		},
		"max_body_bytes": g.settings.max_body,
		"max_log_age_ms": g.settings.max_log_age_ms,
		"signature": "sr25519 over medchain-gateway/2\\n<origin>\\n<audience>\\n<METHOD>\\n<path?query>\\n<timestamp ms>\\n<nonce>\\n0x<blake2_256(body)>, raw or wrapped in <Bytes>…</Bytes> (polkadot.js signRaw)",
	}))
	.into_response())
}

/// `GET /v1/metrics`, signed by staff (or the admin) of this gateway's organization:
/// the documents held per state, the finalized block processed, the node's runtime at start,
/// request counts and where fetch time goes.
async fn metrics(
	AxumState(g): AxumState<Arc<Gateway>>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
	body: Body,
) -> ApiResult {
	let body = read_body(&g, body).await?;
	let requester = authenticate(&g, &headers, &method, &uri, &body)?;
	ensure_own_staff(&g, requester).await?;
	let counts = g.store.counts().map_err(ApiError::store)?;
	let documents: serde_json::Map<String, serde_json::Value> =
		counts.into_iter().map(|(state, n)| (state, json!(n))).collect();
	let cursor = g
		.store
		.meta(crate::worker::CURSOR)
		.map_err(ApiError::store)?
		.and_then(|v| v.try_into().ok().map(u32::from_le_bytes));
	let t = &g.timings;
	let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
	Ok(Json(json!({
		"documents": documents,
		"finalized_processed": cursor,
		"spec_version": g.versions.spec_version,
		"transaction_version": g.versions.transaction_version,
		"requests": load(&t.requests),
		"served": load(&t.served),
		"decision_queries": load(&t.decision_queries),
		// Refusals by the limits, identity lookups, and what is remembered.
		"limits": g.guard.metrics(),
		"nonces": g.verifier.held().0,
		"ns": {
			"signature": load(&t.signature_ns),
			"best_block": load(&t.best_block_ns),
			"decision": load(&t.decision_ns),
			"store": load(&t.store_ns),
			"decrypt": load(&t.decrypt_ns),
			"hash": load(&t.hash_ns),
			"total": load(&t.total_ns),
			"finality_wait": load(&t.finality_wait_ns),
		},
		"not_final": load(&t.not_final),
	}))
	.into_response())
}

/// A request's body, bounded in size (`TooLarge`) and in time (`RequestTimeout`).
pub(crate) async fn read_body(g: &Gateway, body: Body) -> Result<Bytes, ApiError> {
	let max = g.settings.max_body;
	tokio::time::timeout(g.guard.limits.body_timeout, axum::body::to_bytes(body, max))
		.await
		.map_err(|_| {
			ApiError::new(ErrorCode::RequestTimeout, "the request's body did not arrive in time")
		})?
		.map_err(|_| {
			ApiError::new(
				ErrorCode::TooLarge,
				format!("the request body is larger than this gateway accepts ({max} bytes)"),
			)
		})
}

/// Who signed the request: its headers and time window, its signature over this method,
/// path and body, its account's rate limit, and its nonce (remembered only now). Its account
/// was found a chain identity by the `guard` layer before; one that was not (or is no
/// longer cached as one) is refused here too, so no nonce is ever kept for it.
pub(crate) fn authenticate(
	g: &Gateway,
	headers: &HeaderMap,
	method: &Method,
	uri: &Uri,
	body: &[u8],
) -> Result<[u8; 32], ApiError> {
	let started = Instant::now();
	let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
	let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
	let now = auth::now_ms();
	let result = g
		.verifier
		.claim(
			Presented {
				account: header(auth::HEADER_ACCOUNT),
				timestamp: header(auth::HEADER_TIMESTAMP),
				nonce: header(auth::HEADER_NONCE),
				signature: header(auth::HEADER_SIGNATURE),
				origin: header(auth::HEADER_ORIGIN),
			},
			now,
		)
		.map_err(ApiError::from)
		.and_then(|claim| {
			if !g.guard.identities.admitted(claim.account) {
				return Err(ApiError::not_a_chain_identity());
			}
			g.verifier
				.check_signature(&claim, method.as_str(), path, body)
				.map_err(ApiError::from)?;
			Ok(claim)
		});
	add(&g.timings.signature_ns, started);
	let claim = result?;
	if let Err(wait) = g.guard.per_identity.check(claim.account, Instant::now()) {
		g.guard.identity_limited.fetch_add(1, Ordering::Relaxed);
		return Err(ApiError::new(
			ErrorCode::IdentityRateLimited,
			"too many requests from this account: slow down and retry after Retry-After seconds",
		)
		.retry_after_wait(wait));
	}
	g.verifier.remember(&claim, now).map_err(ApiError::from)
}

/// A record category by name (`LabResults`, any case); also how stored rows name it.
pub(crate) fn parse_category(name: &str) -> Option<RecordCategory> {
	RecordCategory::ALL.into_iter().find(|c| format!("{c:?}").eq_ignore_ascii_case(name))
}

fn document_json(doc: &Document) -> serde_json::Value {
	json!({
		"locator": doc.locator,
		"record_id": doc.record_id.map(|r| hex32(&r)),
		"content_hash": hex32(&doc.content_hash),
		"patient": ss58(&doc.patient),
		"category": doc.category,
		"state": doc.state.as_str(),
		"note": doc.note,
		"supersedes": doc.supersedes.map(|r| hex32(&r)),
	})
}

/// `0x` + 32 bytes of hex: a record id.
pub(crate) fn parse_record_id(text: &str) -> Option<[u8; 32]> {
	text.strip_prefix("0x")
		.and_then(|h| hex::decode(h).ok())
		.and_then(|b| <[u8; 32]>::try_from(b).ok())
}

/// The requester's organization must be this gateway's.
pub(crate) async fn ensure_own_staff(g: &Gateway, requester: [u8; 32]) -> Result<(), ApiError> {
	let best = readable(g, Head::Best).await?;
	match g.chain.organization_of(requester, best).await.map_err(ApiError::chain)? {
		Some(org) if org == g.organization => Ok(()),
		_ => Err(ApiError::new(
			ErrorCode::NotStaffOfThisOrganization,
			format!(
				"only staff of {} may use this endpoint; {} is not",
				ss58(&g.organization),
				ss58(&requester)
			),
		)),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::mock_node::{self, hash_of, runtime_version, MockNode, ORG};
	use crate::store::State;
	use axum::http::{Request, StatusCode};
	use codec::Encode;
	use pallet_consent::{ReadDecision, ReadRefusal};
	use sp_core::Pair;
	use tower::ServiceExt;

	async fn request(
		g: &Arc<Gateway>,
		who: &sr25519::Pair,
		method: &str,
		path: &str,
		body: &[u8],
	) -> (StatusCode, serde_json::Value) {
		let (status, _, json) = request_with_headers(g, who, method, path, body).await;
		(status, json)
	}

	async fn request_with_headers(
		g: &Arc<Gateway>,
		who: &sr25519::Pair,
		method: &str,
		path: &str,
		body: &[u8],
	) -> (StatusCode, HeaderMap, serde_json::Value) {
		let headers = auth::sign(
			who,
			crate::mock_node::TEST_ORIGIN,
			g.verifier.audience(),
			method,
			path,
			auth::now_ms(),
			&auth::fresh_nonce(),
			body,
		);
		let mut builder = Request::builder().method(method).uri(path);
		for (name, value) in headers {
			builder = builder.header(name, value);
		}
		let response = router(g.clone())
			.oneshot(builder.body(Body::from(body.to_vec())).expect("request"))
			.await
			.expect("answered");
		let status = response.status();
		let headers = response.headers().clone();
		let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("body");
		(status, headers, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
	}

	fn refusal(patient: [u8; 32], category: RecordCategory) -> Vec<u8> {
		ReadDecision::<_, u32>::Refused {
			patient: AccountId32::from(patient),
			category,
			reason: ReadRefusal::NotLogged,
		}
		.encode()
	}

	const RECORD: [u8; 32] = [0x77; 32];

	/// The chain's grant of a read logged by staff of [`ORG`] (record of `patient`).
	fn logged(patient: [u8; 32]) -> Vec<u8> {
		ReadDecision::Logged {
			patient: AccountId32::from(patient),
			category: RecordCategory::LabResults,
			organization: AccountId32::from(ORG),
			consent_id: 1,
			logged_at: 1,
			logged_in: Some(pallet_consent::ChainPosition { block: 9, extrinsic: 1 }),
			emergency: false,
		}
		.encode()
	}

	fn refused(patient: [u8; 32], reason: ReadRefusal) -> Vec<u8> {
		ReadDecision::<_, u32>::Refused {
			patient: AccountId32::from(patient),
			category: RecordCategory::LabResults,
			reason,
		}
		.encode()
	}

	/// The node's read decision at block `number`.
	fn decision_at(node: &MockNode, number: u32, answer: Vec<u8>) {
		node.with(|s| {
			s.calls_at.insert(("GatewayApi_read_decision".into(), hash_of(number)), answer)
		});
	}

	const DOCUMENT: &[u8] = br#"{"resourceType":"Observation","status":"final"}"#;

	async fn unsigned(g: &Arc<Gateway>, path: &str) -> (StatusCode, serde_json::Value) {
		let response = router(g.clone())
			.oneshot(Request::builder().uri(path).body(Body::empty()).expect("request"))
			.await
			.expect("answered");
		let status = response.status();
		let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("body");
		(status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
	}

	#[tokio::test]
	async fn only_health_and_what_a_client_signs_with_are_public_metrics_are_for_own_staff() {
		let node = MockNode::start().await;
		let dir = tempfile::tempdir().expect("tempdir");
		let staff = sr25519::Pair::from_string("//Staff", None).expect("key");
		let g = mock_node::gateway(&node, dir.path(), &staff).await;
		mock_node::put_document(&g, "mcg1:a", [1; 32], State::Anchored, Some(RECORD));
		let (status, health) = unsigned(&g, "/v1/health").await;
		assert_eq!((status, health["status"].as_str()), (StatusCode::OK, Some("ok")));
		let (status, info) = unsigned(&g, "/v1/info").await;
		assert_eq!(status, StatusCode::OK);
		assert_eq!(info["audience"].as_str(), Some(hex32(g.verifier.audience()).as_str()));
		assert_eq!(info["organization"].as_str(), Some(ss58(&ORG).as_str()));
		for private in ["documents", "finalized_processed", "requests", "ns"] {
			assert!(info.get(private).is_none(), "{private} in the public /v1/info: {info}");
		}
		let (status, body) = unsigned(&g, "/v1/metrics").await;
		assert_eq!(
			(status, body["error"].as_str()),
			(StatusCode::UNAUTHORIZED, Some("MissingSignatureHeader"))
		);
		// Another organization's staff: refused (whatever the reason given).
		let other = sr25519::Pair::from_string("//Other", None).expect("key");
		let key = pallet_consortium::StaffOf::<medchain_runtime::Runtime>::hashed_key_for(
			AccountId32::from(other.public()),
		);
		node.with(|s| s.storage.insert(key, AccountId32::from([0x43; 32]).encode()));
		let (status, body) = request(&g, &other, "GET", "/v1/metrics", b"").await;
		assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
		assert!(body.get("documents").is_none(), "{body}");
		let (status, metrics) = request(&g, &staff, "GET", "/v1/metrics", b"").await;
		assert_eq!(status, StatusCode::OK, "{metrics}");
		assert_eq!(metrics["documents"]["anchored"].as_u64(), Some(1), "{metrics}");
		assert!(metrics["ns"]["total"].is_u64(), "{metrics}");
	}

	#[tokio::test]
	async fn a_request_signed_for_another_gateway_of_the_same_organization_is_refused() {
		let node = MockNode::start().await;
		let staff = sr25519::Pair::from_string("//Staff", None).expect("key");
		let (dir_a, dir_b) =
			(tempfile::tempdir().expect("tempdir"), tempfile::tempdir().expect("tempdir"));
		// Two gateways of one organization, even with one signing key.
		let a = mock_node::gateway(&node, dir_a.path(), &staff).await;
		let b = mock_node::gateway(&node, dir_b.path(), &staff).await;
		assert_ne!(a.verifier.audience(), b.verifier.audience());
		assert!(a.verifier.audience().starts_with(&ORG));
		let path = "/v1/uploads/mcg1:nothing";
		let signed_for_a = auth::sign(
			&staff,
			crate::mock_node::TEST_ORIGIN,
			a.verifier.audience(),
			"GET",
			path,
			auth::now_ms(),
			&auth::fresh_nonce(),
			b"",
		);
		let send = |g: &Arc<Gateway>, headers: Vec<(&'static str, String)>| {
			let mut builder = Request::builder().uri(path);
			for (name, value) in headers {
				builder = builder.header(name, value);
			}
			router(g.clone()).oneshot(builder.body(Body::empty()).expect("request"))
		};
		let at_b = send(&b, signed_for_a.clone()).await.expect("answered");
		assert_eq!(at_b.status(), StatusCode::UNAUTHORIZED);
		let at_a = send(&a, signed_for_a).await.expect("answered");
		assert_eq!(at_a.status(), StatusCode::NOT_FOUND, "A itself accepts it (no such upload)");
		// Signed for the organization alone (not naming the gateway): refused by both.
		let org_only = auth::sign(
			&staff,
			crate::mock_node::TEST_ORIGIN,
			&ORG,
			"GET",
			path,
			auth::now_ms(),
			&auth::fresh_nonce(),
			b"",
		);
		for g in [&a, &b] {
			let answer = send(g, org_only.clone()).await.expect("answered");
			assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
		}
	}

	#[tokio::test]
	async fn a_read_granted_at_the_best_block_is_served_only_once_the_finalized_head_grants_it() {
		let node = MockNode::start().await;
		let dir = tempfile::tempdir().expect("tempdir");
		let staff = sr25519::Pair::from_string("//Staff", None).expect("key");
		let g = mock_node::gateway(&node, dir.path(), &staff).await;
		let patient = [0x44; 32];
		mock_node::put_servable_document(&node, &g, "mcg1:n8", patient, RECORD, DOCUMENT);
		// The reader's log_access is in the best block (#10), not in the finalized head (#8).
		decision_at(&node, 10, logged(patient));
		decision_at(&node, 8, refused(patient, ReadRefusal::NotLogged));
		let reader = sr25519::Pair::from_string("//Reader", None).expect("key");
		let path = format!("/v1/records/{}", hex32(&RECORD));
		// Finality does not come within the wait: not served, told to retry.
		let (status, headers, body) = request_with_headers(&g, &reader, "GET", &path, b"").await;
		assert_eq!(
			(status, body["error"].as_str()),
			(StatusCode::SERVICE_UNAVAILABLE, Some("NotFinal")),
			"{body}"
		);
		assert!(headers.get("retry-after").is_some(), "{headers:?}");
		assert!(body["message"].as_str().unwrap_or("").contains("NotLogged"), "{body}");
		assert_eq!(g.timings.served.load(Ordering::Relaxed), 0);
		// Asked again, the request waits; block #10 is finalized meanwhile: served.
		let waiting = {
			let (g, reader, path) = (g.clone(), reader.clone(), path.clone());
			tokio::spawn(async move { request_with_headers(&g, &reader, "GET", &path, b"").await })
		};
		tokio::time::sleep(Duration::from_millis(400)).await;
		assert!(!waiting.is_finished(), "answered before the read was final");
		node.with(|s| s.finalized = 10);
		let (status, headers, body) = waiting.await.expect("answered");
		assert_eq!(status, StatusCode::OK, "{body}");
		assert_eq!(body, serde_json::from_slice::<serde_json::Value>(DOCUMENT).expect("json"));
		assert_eq!(
			headers.get("x-medchain-served-as").and_then(|v| v.to_str().ok()),
			Some(format!("consent:{}", ss58(&ORG)).as_str())
		);
	}

	#[tokio::test]
	async fn a_read_revoked_at_the_finalized_head_is_refused_though_the_best_block_grants_it() {
		let node = MockNode::start().await;
		let dir = tempfile::tempdir().expect("tempdir");
		let staff = sr25519::Pair::from_string("//Staff", None).expect("key");
		let g = mock_node::gateway(&node, dir.path(), &staff).await;
		let patient = [0x45; 32];
		mock_node::put_servable_document(&node, &g, "mcg1:n8r", patient, RECORD, DOCUMENT);
		// The best block (#10, a fork that will lose) still has the reader's log_access; the
		// finalized head (#8) has the patient's revocation.
		decision_at(&node, 10, logged(patient));
		decision_at(&node, 8, refused(patient, ReadRefusal::RevokedConsent));
		let reader = sr25519::Pair::from_string("//Reader", None).expect("key");
		let path = format!("/v1/records/{}", hex32(&RECORD));
		let (status, body) = request(&g, &reader, "GET", &path, b"").await;
		assert_eq!(
			(status, body["error"].as_str()),
			(StatusCode::SERVICE_UNAVAILABLE, Some("NotFinal")),
			"{body}"
		);
		assert!(body["message"].as_str().unwrap_or("").contains("RevokedConsent"), "{body}");
		// The node moves to the winning fork (#11 on top of the revocation) while a request
		// waits: it is refused with the revocation, never served.
		let waiting = {
			let (g, reader, path) = (g.clone(), reader.clone(), path.clone());
			tokio::spawn(async move { request(&g, &reader, "GET", &path, b"").await })
		};
		tokio::time::sleep(Duration::from_millis(300)).await;
		decision_at(&node, 11, refused(patient, ReadRefusal::RevokedConsent));
		node.with(|s| s.best = 11);
		let (status, body) = waiting.await.expect("answered");
		assert_eq!(
			(status, body["error"].as_str()),
			(StatusCode::FORBIDDEN, Some("RevokedConsent")),
			"{body}"
		);
		assert_eq!(g.timings.served.load(Ordering::Relaxed), 0);
		// A read granted at both heads is served at once (here: the patient's own).
		let patient_read = ReadDecision::<_, u32>::Patient {
			patient: AccountId32::from(patient),
			category: RecordCategory::LabResults,
		};
		node.with(|s| {
			s.calls_at.clear();
			s.calls.insert("GatewayApi_read_decision".into(), patient_read.encode());
		});
		let me = sr25519::Pair::from_string("//Patient", None).expect("key");
		let asked = Instant::now();
		let (status, body) = request(&g, &me, "GET", &path, b"").await;
		assert_eq!(status, StatusCode::OK, "{body}");
		assert!(asked.elapsed() < Duration::from_millis(500), "{:?}", asked.elapsed());
	}

	#[tokio::test]
	async fn reads_are_refused_with_503_while_the_nodes_runtime_has_another_gateway_api_version() {
		let node = MockNode::start().await;
		let dir = tempfile::tempdir().expect("tempdir");
		let staff = sr25519::Pair::from_string("//Staff", None).expect("key");
		let g = mock_node::gateway(&node, dir.path(), &staff).await;
		mock_node::put_document(&g, "mcg1:a", [1; 32], State::Anchored, Some(RECORD));
		node.with(|s| {
			s.calls.insert(
				"GatewayApi_read_decision".into(),
				refusal([1; 32], RecordCategory::LabResults),
			)
		});
		let path = format!("/v1/records/{}", hex32(&RECORD));
		let reader = sr25519::Pair::from_string("//Reader", None).expect("key");
		let (status, body) = request(&g, &reader, "GET", &path, b"").await;
		assert_eq!(
			(status, body["error"].as_str()),
			(StatusCode::FORBIDDEN, Some("NotLogged")),
			"{body}"
		);
		// A runtime upgrade changes GatewayApi (the node's next best block): the gateway built
		// for the old one refuses every read (and upload) rather than misread an answer.
		let b = BuiltFor::runtime();
		node.with(|s| {
			s.best = 11;
			s.runtime_at.insert(
				hash_of(11),
				runtime_version(b.spec_version + 1, Some(b.gateway_api + 1), b.transaction_version),
			);
		});
		let (status, body) = request(&g, &reader, "GET", &path, b"").await;
		assert_eq!(
			(status, body["error"].as_str()),
			(StatusCode::SERVICE_UNAVAILABLE, Some("RuntimeIncompatible")),
			"{body}"
		);
		assert!(body["message"].as_str().unwrap_or("").contains("GatewayApi version"), "{body}");
		let upload = format!("/v1/records?patient={}&category=LabResults", hex32(&[1; 32]));
		let (status, body) =
			request(&g, &staff, "POST", &upload, br#"{"resourceType":"Observation"}"#).await;
		assert_eq!(
			(status, body["error"].as_str()),
			(StatusCode::SERVICE_UNAVAILABLE, Some("RuntimeIncompatible")),
			"{body}"
		);
		// An upgrade that keeps the API (a new spec_version only) is served.
		node.with(|s| {
			s.best = 12;
			s.runtime_at.insert(
				hash_of(12),
				runtime_version(b.spec_version + 2, Some(b.gateway_api), b.transaction_version),
			);
		});
		let (status, body) = request(&g, &reader, "GET", &path, b"").await;
		assert_eq!(
			(status, body["error"].as_str()),
			(StatusCode::FORBIDDEN, Some("NotLogged")),
			"{body}"
		);
	}

	#[tokio::test]
	async fn a_refusal_names_the_reason_not_the_records_patient_or_category() {
		let node = MockNode::start().await;
		let dir = tempfile::tempdir().expect("tempdir");
		let staff = sr25519::Pair::from_string("//Staff", None).expect("key");
		let g = mock_node::gateway(&node, dir.path(), &staff).await;
		let patient = [0x31; 32];
		mock_node::put_document(&g, "mcg1:a", patient, State::Anchored, Some(RECORD));
		node.with(|s| {
			s.calls.insert(
				"GatewayApi_read_decision".into(),
				refusal(patient, RecordCategory::MentalHealth),
			)
		});
		let stranger = sr25519::Pair::from_string("//Stranger", None).expect("key");
		let (status, body) =
			request(&g, &stranger, "GET", &format!("/v1/records/{}", hex32(&RECORD)), b"").await;
		assert_eq!(
			(status, body["error"].as_str()),
			(StatusCode::FORBIDDEN, Some("NotLogged")),
			"{body}"
		);
		let text = body.to_string();
		assert!(!text.contains(&ss58(&patient)) && !text.contains(&hex::encode(patient)), "{text}");
		assert!(!text.contains("MentalHealth"), "{text}");
	}

	#[tokio::test]
	async fn an_upload_for_a_deregistered_patient_is_refused_and_what_was_kept_for_them_destroyed()
	{
		let node = MockNode::start().await;
		let dir = tempfile::tempdir().expect("tempdir");
		let staff = sr25519::Pair::from_string("//Staff", None).expect("key");
		let g = mock_node::gateway(&node, dir.path(), &staff).await;
		let patient = [0x33; 32];
		// An earlier upload the chain refused (the patient deregistered meanwhile).
		mock_node::put_document(&g, "mcg1:old", patient, State::Failed, None);
		mock_node::deregister(&node, patient);
		let upload = format!("/v1/records?patient={}&category=LabResults", hex32(&patient));
		let body = br#"{"resourceType":"Observation","status":"final"}"#;
		let (status, answer) = request(&g, &staff, "POST", &upload, body).await;
		assert_eq!(
			(status, answer["error"].as_str()),
			(StatusCode::GONE, Some("PatientDeregistered")),
			"{answer}"
		);
		// Nothing of theirs is held: the new document was never stored, the old one is destroyed.
		let counts = g.store.counts().expect("counts");
		assert_eq!(counts, vec![("destroyed".to_string(), 1)]);
		let old = g.store.by_locator("mcg1:old").expect("read").expect("row");
		assert_eq!((old.ciphertext, old.wrapped_key), (None, None));
	}
}
