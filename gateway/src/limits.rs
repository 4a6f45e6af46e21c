//! Limits against denial of service: token-bucket rate limits per
//! source IP (before anything else is done for a request) and per chain identity (after its
//! signature is checked, so nobody can spend another identity's budget), a request timeout,
//! and no body on requests that have none. Connection caps and header timeouts are in
//! server.rs; the chain-identity gate in identity.rs; nonces in auth.rs.
//!
//! Every refusal is an [`ApiError`]; a rate limit's is `429` with `Retry-After` (seconds).

use crate::{
	error::{ApiError, ErrorCode},
	identity::{Identity, IdentityCache, IdentitySettings},
};
use axum::{
	extract::{ConnectInfo, Request},
	http::{header, Method},
	middleware::Next,
	response::{IntoResponse, Response},
};
use serde_json::json;
use std::{
	collections::HashMap,
	hash::Hash,
	net::{IpAddr, SocketAddr},
	sync::{
		atomic::{AtomicU64, Ordering},
		Mutex,
	},
	time::{Duration, Instant},
};

/// A token bucket's rate: `per_second` sustained, `burst` at once. A rate of 0 is no limit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
	pub per_second: f64,
	pub burst: f64,
}

impl Rate {
	pub const UNLIMITED: Rate = Rate { per_second: 0.0, burst: 0.0 };

	pub fn new(per_second: f64, burst: f64) -> Rate {
		Rate { per_second, burst: burst.max(1.0) }
	}

	fn unlimited(&self) -> bool {
		self.per_second <= 0.0
	}

	/// How long an idle bucket takes to fill up again.
	fn refill(&self) -> Duration {
		Duration::from_secs_f64((self.burst / self.per_second).clamp(1.0, 3600.0))
	}
}

#[derive(Clone, Copy)]
struct Bucket {
	tokens: f64,
	at: Instant,
}

struct Generations<K> {
	current: HashMap<K, Bucket>,
	previous: HashMap<K, Bucket>,
	rotated: Instant,
}

/// Token buckets by key, in a bounded table with no scan: buckets live in two generations,
/// each as long as an idle bucket takes to fill up; at each rotation the older generation is
/// dropped whole (a key absent from both has a full bucket anyway). When the current
/// generation holds `capacity` keys, a new key is refused until the next rotation.
pub struct RateTable<K> {
	rate: Rate,
	capacity: usize,
	inner: Mutex<Generations<K>>,
}

impl<K: Hash + Eq + Copy> RateTable<K> {
	pub fn new(rate: Rate, capacity: usize) -> RateTable<K> {
		RateTable {
			rate,
			capacity: capacity.max(1),
			inner: Mutex::new(Generations {
				current: HashMap::new(),
				previous: HashMap::new(),
				rotated: Instant::now(),
			}),
		}
	}

	/// Take one token for `key` at `now`; if there is none, how long until there is.
	pub fn check(&self, key: K, now: Instant) -> Result<(), Duration> {
		if self.rate.unlimited() {
			return Ok(());
		}
		let period = self.rate.refill();
		let Ok(mut g) = self.inner.lock() else { return Err(period) };
		if now.saturating_duration_since(g.rotated) >= period {
			g.previous = std::mem::take(&mut g.current);
			g.rotated = now;
		}
		let bucket = match g.current.get(&key) {
			Some(bucket) => *bucket,
			None => {
				if g.current.len() >= self.capacity {
					return Err(period.saturating_sub(now.saturating_duration_since(g.rotated)));
				}
				g.previous.remove(&key).unwrap_or(Bucket { tokens: self.rate.burst, at: now })
			}
		};
		let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
		let tokens = (bucket.tokens + elapsed * self.rate.per_second).min(self.rate.burst);
		let (tokens, result) = if tokens >= 1.0 {
			(tokens - 1.0, Ok(()))
		} else {
			(tokens, Err(Duration::from_secs_f64((1.0 - tokens) / self.rate.per_second)))
		};
		g.current.insert(key, Bucket { tokens, at: now });
		result
	}

	/// How many keys have a bucket.
	pub fn len(&self) -> usize {
		self.inner.lock().map(|g| g.current.len() + g.previous.len()).unwrap_or(0)
	}
}

/// What an operator sets (`medchain-gateway run` flags; gateway/README.md).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
	/// Requests per source IP, checked first.
	pub per_ip: Rate,
	/// Signed requests per chain identity.
	pub per_identity: Rate,
	/// Most keys each rate table holds at once.
	pub table_capacity: usize,
	/// Longest time a request may take, body included (then `408`).
	pub request_timeout: Duration,
	/// Longest time an upload's body may take to arrive.
	pub body_timeout: Duration,
	pub identity: IdentitySettings,
}

impl Default for Limits {
	fn default() -> Limits {
		Limits {
			per_ip: Rate::new(100.0, 200.0),
			per_identity: Rate::new(20.0, 100.0),
			table_capacity: 65_536,
			request_timeout: Duration::from_secs(120),
			body_timeout: Duration::from_secs(30),
			identity: IdentitySettings::default(),
		}
	}
}

/// The limits' state, shared by every request.
pub struct Guard {
	pub limits: Limits,
	pub per_ip: RateTable<IpAddr>,
	pub per_identity: RateTable<[u8; 32]>,
	pub identities: IdentityCache,
	/// Requests refused by each limit.
	pub ip_limited: AtomicU64,
	pub identity_limited: AtomicU64,
	pub timed_out: AtomicU64,
}

impl Guard {
	pub fn new(limits: Limits) -> Guard {
		Guard {
			limits,
			per_ip: RateTable::new(limits.per_ip, limits.table_capacity),
			per_identity: RateTable::new(limits.per_identity, limits.table_capacity),
			identities: IdentityCache::new(limits.identity),
			ip_limited: AtomicU64::new(0),
			identity_limited: AtomicU64::new(0),
			timed_out: AtomicU64::new(0),
		}
	}

	/// The counters, for `/v1/metrics`.
	pub fn metrics(&self) -> serde_json::Value {
		let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
		json!({
			"ip_rate_limited": load(&self.ip_limited),
			"identity_rate_limited": load(&self.identity_limited),
			"timed_out": load(&self.timed_out),
			"identity_lookups": load(&self.identities.queries),
			"not_a_chain_identity": load(&self.identities.refused),
			"identities_cached": self.identities.len(),
			"ip_buckets": self.per_ip.len(),
			"identity_buckets": self.per_identity.len(),
		})
	}
}

/// Whether a request declares a body (a length above 0, or chunked).
fn declares_body(request: &Request) -> bool {
	let headers = request.headers();
	!axum::body::HttpBody::is_end_stream(request.body())
		|| headers.contains_key(header::TRANSFER_ENCODING)
		|| headers
			.get(header::CONTENT_LENGTH)
			.and_then(|v| v.to_str().ok())
			.is_some_and(|v| v.trim() != "0")
}

/// The first layer every request passes, in this order: its source IP's rate limit; no body
/// where none belongs (only `POST` has one); the request timeout, over the rest: a signed
/// request's account must be a chain identity (`lookup` asks the chain on a cache miss),
/// checked before the handler checks the signature and remembers the nonce, so nothing is
/// kept for a key the chain does not know. Requests with missing or malformed signature
/// headers, or outside the time window, go on to the handler, which refuses them (401) if
/// it needs a signature.
pub async fn guard<F, Fut, E>(
	guard: &Guard,
	verifier: &crate::auth::Verifier,
	request: Request,
	next: Next,
	lookup: F,
) -> Response
where
	F: FnOnce([u8; 32]) -> Fut,
	Fut: std::future::Future<Output = Result<Identity, E>>,
	E: IntoResponse,
{
	if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
		if let Err(wait) = guard.per_ip.check(peer.ip(), Instant::now()) {
			guard.ip_limited.fetch_add(1, Ordering::Relaxed);
			return ApiError::new(
				ErrorCode::IpRateLimited,
				"too many requests from this address: slow down and retry after Retry-After seconds",
			)
			.retry_after_wait(wait)
			.into_response();
		}
	}
	if request.method() != Method::POST && declares_body(&request) {
		return ApiError::new(
			ErrorCode::BodyNotAllowed,
			"only POST requests carry a body here: send this request without one",
		)
		.into_response();
	}
	// Parsed before any await: a request (its body) is not `Sync`.
	let claim = {
		let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
		verifier.claim(
			crate::auth::Presented {
				account: header(crate::auth::HEADER_ACCOUNT),
				timestamp: header(crate::auth::HEADER_TIMESTAMP),
				nonce: header(crate::auth::HEADER_NONCE),
				signature: header(crate::auth::HEADER_SIGNATURE),
				origin: header(crate::auth::HEADER_ORIGIN),
			},
			crate::auth::now_ms(),
		)
	};
	let gated = async {
		if let Ok(claim) = claim {
			let who = claim.account;
			match guard.identities.identity(who, || lookup(who)).await {
				Err(e) => return e.into_response(),
				Ok(identity) if identity.admitted() => {}
				Ok(Identity::Suspended { .. }) => {
					return ApiError::new(
						ErrorCode::OrganizationInactive,
						"the requester's organization is suspended",
					)
					.into_response()
				}
				Ok(_) => return ApiError::not_a_chain_identity().into_response(),
			}
		}
		next.run(request).await
	};
	match tokio::time::timeout(guard.limits.request_timeout, gated).await {
		Ok(response) => response,
		Err(_) => {
			guard.timed_out.fetch_add(1, Ordering::Relaxed);
			ApiError::new(
				ErrorCode::RequestTimeout,
				"the request took longer than this gateway allows",
			)
			.into_response()
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	use crate::{
		auth,
		mock_node::{self, MockNode},
		service::{router, Gateway},
	};
	use axum::{body::Body, http::StatusCode};
	use sp_core::{sr25519, Pair};
	use tower::ServiceExt;

	const RECORD: [u8; 32] = [0x77; 32];

	fn path() -> String {
		format!("/v1/records/0x{}", hex::encode(RECORD))
	}

	/// A request signed by `who` for the gateway, from `peer` (if given), with `body`.
	fn signed(g: &Gateway, who: &sr25519::Pair, method: &str, path: &str, body: &[u8]) -> Request {
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
		builder.body(Body::from(body.to_vec())).expect("request")
	}

	async fn send(
		g: &Arc<Gateway>,
		request: Request,
	) -> (StatusCode, Option<u64>, serde_json::Value) {
		let response = router(g.clone()).oneshot(request).await.expect("answered");
		let status = response.status();
		let retry = response
			.headers()
			.get(header::RETRY_AFTER)
			.and_then(|v| v.to_str().ok())
			.and_then(|v| v.parse().ok());
		let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("body");
		(status, retry, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
	}

	fn with_limits(g: Arc<Gateway>, limits: Limits) -> Arc<Gateway> {
		let Ok(g) = Arc::try_unwrap(g) else { panic!("the test holds the only reference") };
		Arc::new(g.with_limits(limits))
	}

	use std::sync::Arc;

	#[tokio::test]
	async fn a_flood_of_fresh_keys_keeps_no_nonce_asks_no_read_decision_and_one_lookup_per_key() {
		let node = MockNode::start().await;
		let dir = tempfile::tempdir().expect("tempdir");
		let staff = sr25519::Pair::from_string("//Staff", None).expect("key");
		let g = mock_node::gateway(&node, dir.path(), &staff).await;
		mock_node::put_document(&g, "mcg1:a", [1; 32], crate::store::State::Anchored, Some(RECORD));
		// 300 fresh keys (no chain identity), two requests each, validly signed.
		for round in 0..2 {
			for i in 0..300u32 {
				let key =
					sr25519::Pair::from_seed(&sp_crypto_hashing::blake2_256(&i.to_le_bytes()));
				let (status, _, body) = send(&g, signed(&g, &key, "GET", &path(), b"")).await;
				assert_eq!(
					(status, body["error"].as_str()),
					(StatusCode::FORBIDDEN, Some("NotStaff")),
					"round {round}: {body}"
				);
			}
		}
		// Nothing remembered for them: no nonce, no identity's rate bucket; one lookup per
		// key (the second round came from the cache); not one read decision on the node.
		assert_eq!(g.verifier.held(), (0, 0));
		assert_eq!(g.guard.per_identity.len(), 0);
		assert_eq!(g.guard.identities.queries.load(Ordering::Relaxed), 300);
		assert_eq!(g.timings.decision_queries.load(Ordering::Relaxed), 0);
		// The gateway's own staff, a chain identity, gets through to its nonce.
		let (status, _, body) =
			send(&g, signed(&g, &staff, "GET", "/v1/uploads/mcg1:a", b"")).await;
		assert_eq!(status, StatusCode::OK, "{body}");
		assert_eq!(g.verifier.held(), (1, 1));
		// A suspended organization's staff is refused at the gate too.
		let suspended = sr25519::Pair::from_string("//Suspended", None).expect("key");
		mock_node::register_organization(&node, [0x66; 32], false);
		mock_node::make_staff(&node, suspended.public().into(), [0x66; 32]);
		let (status, _, body) = send(&g, signed(&g, &suspended, "GET", &path(), b"")).await;
		assert_eq!(
			(status, body["error"].as_str()),
			(StatusCode::FORBIDDEN, Some("OrganizationInactive")),
			"{body}"
		);
		assert_eq!(g.verifier.held(), (1, 1));
	}

	#[tokio::test]
	async fn rate_limits_per_ip_and_per_identity_answer_429_with_retry_after() {
		let node = MockNode::start().await;
		let dir = tempfile::tempdir().expect("tempdir");
		let staff = sr25519::Pair::from_string("//Staff", None).expect("key");
		let g = mock_node::gateway(&node, dir.path(), &staff).await;
		mock_node::put_document(&g, "mcg1:a", [1; 32], crate::store::State::Anchored, Some(RECORD));
		let g = with_limits(
			g,
			Limits {
				per_ip: Rate::new(0.5, 6.0),
				per_identity: Rate::new(0.5, 3.0),
				..Limits::default()
			},
		);
		let from = |mut request: Request, ip: [u8; 4]| {
			let peer = SocketAddr::from((ip, 40_000));
			request.extensions_mut().insert(ConnectInfo(peer));
			request
		};
		let status_path = "/v1/uploads/mcg1:a";
		// One identity: three requests, then 429 with Retry-After; no nonce for the refused.
		for _ in 0..3 {
			let (status, _, body) =
				send(&g, from(signed(&g, &staff, "GET", status_path, b""), [127, 0, 0, 1])).await;
			assert_eq!(status, StatusCode::OK, "{body}");
		}
		let (status, retry, body) =
			send(&g, from(signed(&g, &staff, "GET", status_path, b""), [127, 0, 0, 1])).await;
		assert_eq!(
			(status, body["error"].as_str()),
			(StatusCode::TOO_MANY_REQUESTS, Some("IdentityRateLimited")),
			"{body}"
		);
		assert!(retry.is_some_and(|s| (1..=2).contains(&s)), "{retry:?}");
		assert_eq!(g.verifier.held(), (3, 1));
		// Another identity from the same address is not held up by the first one's limit...
		let reader = sr25519::Pair::from_string("//Reader", None).expect("key");
		let (status, _, body) =
			send(&g, from(signed(&g, &reader, "GET", status_path, b""), [127, 0, 0, 1])).await;
		assert_eq!(
			(status, body["error"].as_str()),
			(StatusCode::FORBIDDEN, Some("NotStaffOfThisOrganization")),
			"{body}"
		);
		// ...but the address's own limit (6) is spent now: 429 before anything else, even
		// for an unsigned request.
		let (status, _, _) =
			send(&g, from(signed(&g, &reader, "GET", status_path, b""), [127, 0, 0, 1])).await;
		assert_eq!(status, StatusCode::FORBIDDEN);
		let unsigned = Request::builder().uri("/v1/health").body(Body::empty()).expect("request");
		let (status, retry, body) = send(&g, from(unsigned, [127, 0, 0, 1])).await;
		assert_eq!(
			(status, body["error"].as_str()),
			(StatusCode::TOO_MANY_REQUESTS, Some("IpRateLimited")),
			"{body}"
		);
		assert!(retry.is_some_and(|s| s >= 1), "{retry:?}");
		// Another address is served.
		let unsigned = Request::builder().uri("/v1/health").body(Body::empty()).expect("request");
		let (status, _, _) = send(&g, from(unsigned, [127, 0, 0, 2])).await;
		assert_eq!(status, StatusCode::OK);
		assert_eq!(g.guard.ip_limited.load(Ordering::Relaxed), 1);
		assert_eq!(g.guard.identity_limited.load(Ordering::Relaxed), 1);
	}

	#[tokio::test]
	async fn bodies_are_read_only_by_the_upload_and_only_for_a_chain_identity() {
		let node = MockNode::start().await;
		let dir = tempfile::tempdir().expect("tempdir");
		let staff = sr25519::Pair::from_string("//Staff", None).expect("key");
		let g = mock_node::gateway(&node, dir.path(), &staff).await;
		// A GET carrying a body: refused, whoever signs it.
		let (status, _, body) = send(&g, signed(&g, &staff, "GET", &path(), b"{}")).await;
		assert_eq!(
			(status, body["error"].as_str()),
			(StatusCode::BAD_REQUEST, Some("BodyNotAllowed")),
			"{body}"
		);
		// An upload by a key the chain does not know, whose body never ends: refused at once,
		// its body never read (reading it would wait forever).
		let stranger = sr25519::Pair::from_string("//NoOne", None).expect("key");
		let upload =
			format!("/v1/records?patient=0x{}&category=LabResults", hex::encode([1u8; 32]));
		let mut request = signed(&g, &stranger, "POST", &upload, b"{}");
		*request.body_mut() = Body::from_stream(futures_pending());
		let answer = tokio::time::timeout(Duration::from_secs(5), send(&g, request)).await;
		let (status, _, body) = answer.expect("answered without reading the body");
		assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("NotStaff")));
		// The same from staff: the body is read, within the body timeout.
		let g = with_limits(
			g,
			Limits { body_timeout: Duration::from_millis(300), ..Limits::default() },
		);
		let mut request = signed(&g, &staff, "POST", &upload, b"{}");
		*request.body_mut() = Body::from_stream(futures_pending());
		let (status, _, body) = send(&g, request).await;
		assert_eq!(
			(status, body["error"].as_str()),
			(StatusCode::REQUEST_TIMEOUT, Some("RequestTimeout")),
			"{body}"
		);
	}

	/// A body stream that never yields.
	fn futures_pending(
	) -> impl futures_core::Stream<Item = Result<axum::body::Bytes, std::io::Error>> + Send + 'static
	{
		struct Never;
		impl futures_core::Stream for Never {
			type Item = Result<axum::body::Bytes, std::io::Error>;
			fn poll_next(
				self: std::pin::Pin<&mut Self>,
				_: &mut std::task::Context<'_>,
			) -> std::task::Poll<Option<Self::Item>> {
				std::task::Poll::Pending
			}
		}
		Never
	}

	#[test]
	fn a_bucket_allows_its_burst_then_its_rate_and_says_when_to_retry() {
		let table = RateTable::new(Rate::new(10.0, 5.0), 100);
		let t0 = Instant::now();
		for _ in 0..5 {
			assert_eq!(table.check(1u8, t0), Ok(()));
		}
		let wait = table.check(1u8, t0).expect_err("burst spent");
		assert!(wait > Duration::ZERO && wait <= Duration::from_millis(100), "{wait:?}");
		// Another key has its own bucket.
		assert_eq!(table.check(2u8, t0), Ok(()));
		// 100 ms later: one more token.
		let t1 = t0 + Duration::from_millis(100);
		assert_eq!(table.check(1u8, t1), Ok(()));
		assert!(table.check(1u8, t1).is_err());
		// An unlimited rate never refuses.
		let free = RateTable::new(Rate::UNLIMITED, 1);
		for _ in 0..1_000 {
			assert_eq!(free.check(1u8, t0), Ok(()));
		}
		assert_eq!(free.len(), 0);
	}

	#[test]
	fn the_table_stays_bounded_and_forgets_idle_keys_by_generation() {
		// Refill time 1 s: a generation lasts 1 s.
		let table = RateTable::new(Rate::new(10.0, 10.0), 1_000);
		let t0 = Instant::now();
		for key in 0u32..1_000 {
			assert_eq!(table.check(key, t0), Ok(()));
		}
		// Full: a new key waits for the next generation; known keys go on.
		assert!(table.check(5_000u32, t0).is_err());
		assert_eq!(table.check(7u32, t0), Ok(()));
		assert_eq!(table.len(), 1_000);
		// Two generations later every idle key is gone, without a scan.
		let t1 = t0 + Duration::from_millis(1_100);
		assert_eq!(table.check(5_000u32, t1), Ok(()));
		let t2 = t1 + Duration::from_millis(1_100);
		assert_eq!(table.check(5_001u32, t2), Ok(()));
		assert_eq!(table.len(), 2);
		// A key kept busy across a rotation keeps its (empty) bucket.
		let busy = RateTable::new(Rate::new(1.0, 2.0), 10);
		assert!(busy.check(1u8, t0).is_ok() && busy.check(1u8, t0).is_ok());
		assert!(busy.check(1u8, t0 + Duration::from_millis(2_100)).is_ok());
		assert!(busy.check(1u8, t0 + Duration::from_millis(2_100)).is_ok());
		assert!(busy.check(1u8, t0 + Duration::from_millis(2_100)).is_err());
	}
}
