//! Signed requests. Every request carries the requester's account, the origin it was signed
//! for, a timestamp, a nonce and an sr25519 signature (the `substrate` signing context, as
//! polkadot.js `pair.sign` makes it) over
//!
//! ```text
//! medchain-gateway/2\n<origin>\n<audience>\n<METHOD>\n<path and query>\n<timestamp>\n<nonce>\n<body hash>
//! ```
//!
//! where `<origin>` is the origin of the URL the client sent the request to
//! (`scheme://host[:port]`, lower case, default port omitted: what `new URL(u).origin` gives;
//! [`origin`]), also sent as `x-medchain-origin`: a gateway accepts only its own public
//! origins (`--public-url`), so a server that copies its `/v1/info` and relays signed
//! requests to it gets them all refused (`401 WrongOrigin`: they were signed for the relay);
//! `<audience>` names this very gateway (`0x` + hex of its organization, its signing
//! key and its instance id, 80 bytes, from `GET /v1/info`; [`audience`]): a request signed
//! for one gateway is worthless at any other, another hospital's or its own organization's,
//! and a client that checked `/v1/info`'s signer against the chain's gateway directory
//! signs for that key only. `<timestamp>` is
//! ms since the Unix epoch, `<nonce>` 16..=64 characters of `[A-Za-z0-9_-]` and `<body
//! hash>` is `0x` + hex of `blake2_256(body)` (of the empty body for a GET).
//!
//! The signature is accepted over exactly that message, or over that message wrapped as
//! `<Bytes>` + message + `</Bytes>`: what the polkadot.js extension's `signRaw` (and a
//! portal signing through it) signs (`u8aWrapBytes` in @polkadot/util), so a browser wallet
//! that never exposes its keys can sign requests. Nothing else is accepted: no other prefix,
//! no double wrapping.
//!
//! A request is refused when its timestamp is more than `max_age` old or `max_skew` ahead,
//! when its (account, nonce) was seen before, or when it was signed before the gateway
//! started (so a restart, which forgets the nonces seen, cannot open a replay window).
//!
//! Checking is in three steps: [`Verifier::claim`] parses the headers and checks the
//! time window without keeping anything; the service then refuses accounts that are no chain
//! identity (identity.rs) before [`Verifier::check_signature`] and [`Verifier::remember`],
//! so only chain identities ever have nonces remembered, each in time buckets of its own.

use crate::error::ErrorCode;
use sp_core::{
	crypto::{AccountId32, Ss58Codec},
	sr25519, Pair,
};
use sp_crypto_hashing::blake2_256;
use std::{
	collections::{BTreeMap, HashMap, HashSet},
	sync::Mutex,
	time::{SystemTime, UNIX_EPOCH},
};

pub const HEADER_ACCOUNT: &str = "x-medchain-account";
pub const HEADER_TIMESTAMP: &str = "x-medchain-timestamp";
pub const HEADER_NONCE: &str = "x-medchain-nonce";
pub const HEADER_SIGNATURE: &str = "x-medchain-signature";
pub const HEADER_ORIGIN: &str = "x-medchain-origin";

/// The first line of every signed message: the scheme and its version. Version 1 (no
/// origin) is no longer accepted.
pub const SCHEME: &str = "medchain-gateway/2";

/// Why a request's signature is not accepted (each a 401, but too many nonces: 429).
#[derive(Debug, PartialEq, Eq)]
pub enum AuthError {
	Missing(&'static str),
	BadAccount,
	BadTimestamp,
	BadNonce,
	BadSignatureFormat,
	BadSignature,
	/// Signed for an origin that is not one of this gateway's public origins: (the origin
	/// signed for, the origins this gateway serves).
	WrongOrigin(String, Vec<String>),
	Stale,
	FromTheFuture,
	SignedBeforeStart,
	Replayed,
	TooManyNonces,
}

impl AuthError {
	/// The refusal's reason: a 401, or `429 Busy` for an identity holding too many nonces.
	pub fn code(&self) -> ErrorCode {
		match self {
			AuthError::Missing(_) => ErrorCode::MissingSignatureHeader,
			AuthError::BadAccount => ErrorCode::BadAccount,
			AuthError::BadTimestamp => ErrorCode::BadTimestamp,
			AuthError::BadNonce => ErrorCode::BadNonce,
			AuthError::BadSignatureFormat | AuthError::BadSignature => ErrorCode::BadSignature,
			AuthError::WrongOrigin(..) => ErrorCode::WrongOrigin,
			AuthError::Stale => ErrorCode::StaleTimestamp,
			AuthError::FromTheFuture => ErrorCode::FutureTimestamp,
			AuthError::SignedBeforeStart => ErrorCode::SignedBeforeRestart,
			AuthError::Replayed => ErrorCode::ReplayedNonce,
			AuthError::TooManyNonces => ErrorCode::Busy,
		}
	}

	pub fn message(&self) -> String {
		match self {
			AuthError::Missing(h) => format!("the request is not signed: header {h} is missing"),
			AuthError::BadAccount => "x-medchain-account is neither an SS58 address nor 0x + 32 bytes of hex".into(),
			AuthError::BadTimestamp => "x-medchain-timestamp is not a number of milliseconds".into(),
			AuthError::BadNonce => "x-medchain-nonce must be 16..=64 characters of [A-Za-z0-9_-]".into(),
			AuthError::BadSignatureFormat => "x-medchain-signature is not 0x + 64 bytes of hex".into(),
			AuthError::BadSignature => "the signature (over the request's message, or over it wrapped in <Bytes>…</Bytes>) does not verify for this account, origin, method, path, timestamp, nonce and body at this gateway".into(),
			AuthError::WrongOrigin(signed, served) => format!(
				"the request was signed for {signed}, which is not this gateway: it serves {} (a server that relays requests to it gets none served)",
				if served.is_empty() { "no origin yet".to_string() } else { served.join(", ") }
			),
			AuthError::Stale => "the request's timestamp is too old: sign it again".into(),
			AuthError::FromTheFuture => "the request's timestamp is ahead of the gateway's clock".into(),
			AuthError::SignedBeforeStart => "the request was signed before the gateway (re)started: sign it again".into(),
			AuthError::Replayed => "this nonce was already used by this account".into(),
			AuthError::TooManyNonces => "too many recent requests to remember: try again shortly".into(),
		}
	}
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
	SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// Parse an account: SS58 (any network prefix) or `0x` + 32 bytes of hex.
pub fn parse_account(text: &str) -> Option<[u8; 32]> {
	let text = text.trim();
	if let Some(hex_part) = text.strip_prefix("0x") {
		return hex::decode(hex_part).ok()?.try_into().ok();
	}
	AccountId32::from_ss58check_with_version(text).ok().map(|(account, _)| account.into())
}

/// What requests to one gateway are signed for: its organization, its signing key
/// (the one the chain's gateway directory publishes for it) and its instance id (random, kept
/// in its store), so two gateways of one organization, even sharing a key, differ.
pub fn audience(organization: &[u8; 32], signer: &[u8; 32], instance: &[u8; 16]) -> Vec<u8> {
	[&organization[..], &signer[..], &instance[..]].concat()
}

/// An audience as `/v1/info` shows it: `0x` + hex.
pub fn parse_audience(text: &str) -> Option<Vec<u8>> {
	hex::decode(text.trim().strip_prefix("0x")?).ok().filter(|a| !a.is_empty())
}

/// `text` (a URL or an origin) as its origin serializes (WHATWG: `scheme://host[:port]`,
/// lower-case scheme and host, the scheme's default port omitted), what a client puts in
/// the message it signs; or why it is not an http(s) URL of a host. A path of `/` only is
/// allowed; a longer one, a query, a fragment or user info is refused.
pub fn origin(text: &str) -> Result<String, &'static str> {
	let (scheme, rest) = text
		.trim()
		.split_once("://")
		.ok_or("not an origin: scheme://host[:port], e.g. https://records.example")?;
	let scheme = scheme.to_ascii_lowercase();
	let default_port = match scheme.as_str() {
		"https" => "443",
		"http" => "80",
		_ => return Err("the scheme must be https (or http for local development)"),
	};
	let authority = rest.strip_suffix('/').unwrap_or(rest).to_ascii_lowercase();
	if authority.is_empty()
		|| authority.contains(['/', '?', '#', '@', '*', ' ', '\t', '\\'])
		|| authority.chars().any(|c| c.is_control())
	{
		return Err("an origin has a host and at most a port: no path, query, user or wildcard");
	}
	// The port follows the last ':' that is not inside an IPv6 literal's brackets.
	let (host, port) = match authority.rfind(':') {
		Some(i) if !authority[i..].contains(']') => (&authority[..i], Some(&authority[i + 1..])),
		_ => (authority.as_str(), None),
	};
	if host.is_empty() {
		return Err("no host");
	}
	match port {
		None => Ok(format!("{scheme}://{host}")),
		Some(port) => {
			let number: u16 = port.parse().map_err(|_| "the port is not a number")?;
			if number == 0 {
				return Err("port 0");
			}
			if number.to_string() == default_port {
				Ok(format!("{scheme}://{host}"))
			} else {
				Ok(format!("{scheme}://{host}:{number}"))
			}
		}
	}
}

/// The origin of `url` (`scheme://authority` + any path, query or fragment), as [`origin`]
/// serializes it.
pub fn origin_of_url(url: &str) -> Result<String, &'static str> {
	let url = url.trim();
	let start = url.find("://").map_or(0, |i| i + 3);
	let end = url[start..].find(['/', '?', '#']).map_or(url.len(), |i| start + i);
	origin(&url[..end])
}

/// The bytes a requester signs, for a request sent to `origin` (as [`origin`] gives it).
pub fn message(
	origin: &str,
	audience: &[u8],
	method: &str,
	path_and_query: &str,
	timestamp: u64,
	nonce: &str,
	body: &[u8],
) -> Vec<u8> {
	format!(
		"{SCHEME}\n{origin}\n0x{}\n{}\n{}\n{}\n{}\n0x{}",
		hex::encode(audience),
		method.to_ascii_uppercase(),
		path_and_query,
		timestamp,
		nonce,
		hex::encode(blake2_256(body)),
	)
	.into_bytes()
}

/// What the polkadot.js extension's `signRaw` wraps a message in before signing it.
pub const WRAP_PREFIX: &[u8] = b"<Bytes>";
pub const WRAP_SUFFIX: &[u8] = b"</Bytes>";

/// `<Bytes>` + `message` + `</Bytes>` (`u8aWrapBytes` of @polkadot/util).
pub fn wrap_bytes(message: &[u8]) -> Vec<u8> {
	[WRAP_PREFIX, message, WRAP_SUFFIX].concat()
}

/// Whether `signature` by `public` is over `message` itself or over `wrap_bytes(message)`.
pub fn verify_raw_or_wrapped(
	signature: &sr25519::Signature,
	message: &[u8],
	public: &sr25519::Public,
) -> bool {
	sr25519::Pair::verify(signature, message, public)
		|| sr25519::Pair::verify(signature, wrap_bytes(message), public)
}

/// The five headers of a request to `origin` signed by `pair` (for the `sign` command and
/// tests).
#[allow(clippy::too_many_arguments)]
pub fn sign(
	pair: &sr25519::Pair,
	origin: &str,
	audience: &[u8],
	method: &str,
	path_and_query: &str,
	timestamp: u64,
	nonce: &str,
	body: &[u8],
) -> Vec<(&'static str, String)> {
	let signature =
		pair.sign(&message(origin, audience, method, path_and_query, timestamp, nonce, body));
	vec![
		(HEADER_ACCOUNT, AccountId32::from(pair.public()).to_ss58check()),
		(HEADER_TIMESTAMP, timestamp.to_string()),
		(HEADER_NONCE, nonce.to_string()),
		(HEADER_SIGNATURE, format!("0x{}", hex::encode(signature.0))),
		(HEADER_ORIGIN, origin.to_string()),
	]
}

/// A fresh random nonce.
pub fn fresh_nonce() -> String {
	use rand::RngCore;
	let mut bytes = [0u8; 16];
	rand::rngs::OsRng.fill_bytes(&mut bytes);
	hex::encode(bytes)
}

/// The signature headers of one request, as received.
pub struct Presented<'a> {
	pub account: Option<&'a str>,
	pub timestamp: Option<&'a str>,
	pub nonce: Option<&'a str>,
	pub signature: Option<&'a str>,
	pub origin: Option<&'a str>,
}

/// A request's signature headers, parsed and within the time window: who claims to have
/// signed it. Nothing is remembered about a claim until [`Verifier::remember`].
#[derive(Clone, Debug)]
pub struct Claim {
	pub account: [u8; 32],
	pub timestamp: u64,
	nonce: String,
	signature: [u8; 64],
	/// The origin signed for, one of this gateway's.
	origin: String,
}

/// How many nonces one identity may have remembered at once (a signed request each, within
/// the window of `max_age` + `max_skew`); more: `429 Busy` until the oldest expire.
pub const DEFAULT_NONCES_PER_IDENTITY: usize = 10_000;
/// How many nonces all identities together may have remembered at once.
pub const DEFAULT_MAX_NONCES: usize = 2_000_000;
/// How many time buckets the window of accepted timestamps is cut into.
const BUCKETS_PER_WINDOW: u64 = 8;

/// The nonces of one identity, by time bucket of their requests' timestamps (oldest first).
#[derive(Default)]
struct IdentityNonces {
	buckets: std::collections::VecDeque<(u64, HashSet<[u8; 16]>)>,
	count: usize,
}

/// The nonces seen, per identity and time bucket: a replay carries the
/// same timestamp, so it is looked for in one bucket of one identity; a bucket whose every
/// timestamp is now too old to be accepted is dropped whole, with no scan of the others.
/// `expiry` says, per bucket, which identities hold nonces in it, so expiring a bucket
/// touches only them.
struct NonceStore {
	bucket_ms: u64,
	per_identity: usize,
	max_total: usize,
	total: usize,
	by_identity: HashMap<[u8; 32], IdentityNonces>,
	expiry: BTreeMap<u64, Vec<[u8; 32]>>,
}

impl NonceStore {
	/// Drop every bucket whose timestamps are all older than `oldest` (ms).
	fn expire(&mut self, oldest: u64) {
		while let Some((&bucket, _)) = self.expiry.first_key_value() {
			// Every timestamp in `bucket` is below (bucket + 1) * bucket_ms.
			if (bucket + 1).saturating_mul(self.bucket_ms) > oldest {
				break;
			}
			let accounts = self.expiry.remove(&bucket).unwrap_or_default();
			for account in accounts {
				let Some(held) = self.by_identity.get_mut(&account) else { continue };
				while held.buckets.front().is_some_and(|(b, _)| *b <= bucket) {
					if let Some((_, set)) = held.buckets.pop_front() {
						held.count -= set.len();
						self.total -= set.len();
					}
				}
				if held.buckets.is_empty() {
					self.by_identity.remove(&account);
				}
			}
		}
	}

	fn insert(
		&mut self,
		account: [u8; 32],
		timestamp: u64,
		nonce: [u8; 16],
	) -> Result<(), AuthError> {
		let bucket = timestamp / self.bucket_ms;
		let held = self.by_identity.get(&account);
		if held
			.and_then(|h| h.buckets.iter().find(|(b, _)| *b == bucket))
			.is_some_and(|(_, set)| set.contains(&nonce))
		{
			return Err(AuthError::Replayed);
		}
		if held.is_some_and(|h| h.count >= self.per_identity) || self.total >= self.max_total {
			return Err(AuthError::TooManyNonces);
		}
		let held = self.by_identity.entry(account).or_default();
		let at = held.buckets.partition_point(|(b, _)| *b < bucket);
		if held.buckets.get(at).is_none_or(|(b, _)| *b != bucket) {
			held.buckets.insert(at, (bucket, HashSet::new()));
			self.expiry.entry(bucket).or_default().push(account);
		}
		if let Some((_, set)) = held.buckets.get_mut(at) {
			set.insert(nonce);
		}
		held.count += 1;
		self.total += 1;
		Ok(())
	}
}

/// Checks signatures and remembers nonces.
pub struct Verifier {
	audience: Vec<u8>,
	/// This gateway's public origins (`--public-url`, or its loopback addresses), known
	/// once it listens; until then every request is refused `WrongOrigin`.
	origins: std::sync::RwLock<Vec<String>>,
	started_at: u64,
	max_age: u64,
	max_skew: u64,
	seen: Mutex<NonceStore>,
}

impl Verifier {
	pub fn new(
		audience: impl Into<Vec<u8>>,
		started_at: u64,
		max_age: u64,
		max_skew: u64,
	) -> Verifier {
		let window = max_age.saturating_add(max_skew).max(1);
		Verifier {
			audience: audience.into(),
			origins: std::sync::RwLock::new(Vec::new()),
			started_at,
			max_age,
			max_skew,
			seen: Mutex::new(NonceStore {
				bucket_ms: window.div_ceil(BUCKETS_PER_WINDOW).max(1),
				per_identity: DEFAULT_NONCES_PER_IDENTITY,
				max_total: DEFAULT_MAX_NONCES,
				total: 0,
				by_identity: HashMap::new(),
				expiry: BTreeMap::new(),
			}),
		}
	}

	/// What requests are signed for here ([`audience`]).
	pub fn audience(&self) -> &[u8] {
		&self.audience
	}

	/// The origins requests must be signed for (each as [`origin`] gives it).
	pub fn set_origins(&self, origins: Vec<String>) {
		if let Ok(mut held) = self.origins.write() {
			*held = origins;
		}
	}

	/// [`Verifier::set_origins`], as a builder.
	#[cfg(test)]
	pub fn with_origins(self, origins: Vec<String>) -> Verifier {
		self.set_origins(origins);
		self
	}

	/// This gateway's public origins (`/v1/info`'s `origins`).
	pub fn origins(&self) -> Vec<String> {
		self.origins.read().map(|o| o.clone()).unwrap_or_default()
	}

	/// At most `per_identity` nonces remembered for one identity, `total` for all.
	pub fn with_nonce_limits(self, per_identity: usize, total: usize) -> Verifier {
		if let Ok(mut seen) = self.seen.lock() {
			seen.per_identity = per_identity.max(1);
			seen.max_total = total.max(1);
		}
		self
	}

	/// The signature headers, parsed, if the timestamp is acceptable at `now` (ms). Keeps no
	/// state: who is not a chain identity is refused after this, before anything is
	/// remembered.
	pub fn claim(&self, presented: Presented<'_>, now: u64) -> Result<Claim, AuthError> {
		let account = presented.account.ok_or(AuthError::Missing(HEADER_ACCOUNT))?;
		let timestamp = presented.timestamp.ok_or(AuthError::Missing(HEADER_TIMESTAMP))?;
		let nonce = presented.nonce.ok_or(AuthError::Missing(HEADER_NONCE))?;
		let signature = presented.signature.ok_or(AuthError::Missing(HEADER_SIGNATURE))?;
		let signed_for = presented.origin.ok_or(AuthError::Missing(HEADER_ORIGIN))?;
		// Signed for another server (one relaying to this gateway): named, before anything
		// else is looked at.
		let served = self.origins();
		let origin = match origin(signed_for) {
			Ok(origin) if served.contains(&origin) => origin,
			Ok(other) => return Err(AuthError::WrongOrigin(other, served)),
			Err(_) => return Err(AuthError::WrongOrigin(format!("{signed_for:?}"), served)),
		};
		let account = parse_account(account).ok_or(AuthError::BadAccount)?;
		let timestamp: u64 = timestamp.trim().parse().map_err(|_| AuthError::BadTimestamp)?;
		if !(16..=64).contains(&nonce.len())
			|| !nonce.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
		{
			return Err(AuthError::BadNonce);
		}
		let signature: [u8; 64] = signature
			.trim()
			.strip_prefix("0x")
			.and_then(|h| hex::decode(h).ok())
			.and_then(|b| b.try_into().ok())
			.ok_or(AuthError::BadSignatureFormat)?;
		if timestamp > now.saturating_add(self.max_skew) {
			return Err(AuthError::FromTheFuture);
		}
		if timestamp.saturating_add(self.max_age) < now {
			return Err(AuthError::Stale);
		}
		if timestamp < self.started_at {
			return Err(AuthError::SignedBeforeStart);
		}
		Ok(Claim { account, timestamp, nonce: nonce.to_string(), signature, origin })
	}

	/// Whether the claim's signature is over this method, path and body at this gateway.
	pub fn check_signature(
		&self,
		claim: &Claim,
		method: &str,
		path_and_query: &str,
		body: &[u8],
	) -> Result<(), AuthError> {
		let message = message(
			&claim.origin,
			&self.audience,
			method,
			path_and_query,
			claim.timestamp,
			&claim.nonce,
			body,
		);
		let public = sr25519::Public::from_raw(claim.account);
		if !verify_raw_or_wrapped(&sr25519::Signature::from_raw(claim.signature), &message, &public)
		{
			return Err(AuthError::BadSignature);
		}
		Ok(())
	}

	/// Remember the claim's nonce (once its signature was checked); refused if seen before.
	pub fn remember(&self, claim: &Claim, now: u64) -> Result<[u8; 32], AuthError> {
		let mut seen = self.seen.lock().map_err(|_| AuthError::TooManyNonces)?;
		seen.expire(now.saturating_sub(self.max_age));
		let nonce = sp_crypto_hashing::blake2_128(claim.nonce.as_bytes());
		seen.insert(claim.account, claim.timestamp, nonce)?;
		Ok(claim.account)
	}

	/// The account that signed this request, if the signature, the timestamp and the nonce
	/// are all acceptable at `now` (ms). A request that passes records its nonce. (The
	/// service goes step by step, with the identity gate before the signature.)
	#[cfg(test)]
	pub fn verify(
		&self,
		presented: Presented<'_>,
		method: &str,
		path_and_query: &str,
		body: &[u8],
		now: u64,
	) -> Result<[u8; 32], AuthError> {
		let claim = self.claim(presented, now)?;
		self.check_signature(&claim, method, path_and_query, body)?;
		self.remember(&claim, now)
	}

	/// Forget nonces whose timestamps are too old to be accepted anyway (whole buckets).
	pub fn prune(&self, now: u64) {
		if let Ok(mut seen) = self.seen.lock() {
			seen.expire(now.saturating_sub(self.max_age));
		}
	}

	/// How many nonces, and of how many identities, are remembered.
	pub fn held(&self) -> (usize, usize) {
		self.seen.lock().map(|s| (s.total, s.by_identity.len())).unwrap_or((0, 0))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const AUDIENCE: [u8; 32] = [0xaa; 32];
	const NOW: u64 = 1_800_000_000_000;
	const ORIGIN: &str = "https://records.example:8801";

	fn origins() -> Vec<String> {
		vec![ORIGIN.to_string(), "https://records.example".to_string()]
	}

	/// tests/vectors/gateway-sign.json: what the JS testkit and the portal build and sign.
	#[test]
	fn the_shared_vectors_are_this_gateways_messages_and_signatures() {
		let vectors: serde_json::Value =
			serde_json::from_str(include_str!("../../tests/vectors/gateway-sign.json"))
				.expect("valid JSON");
		let hex = |v: &serde_json::Value| {
			hex::decode(v.as_str().and_then(|s| s.strip_prefix("0x")).expect("0x hex"))
				.expect("hex")
		};
		let cases = vectors["cases"].as_array().expect("cases");
		assert_eq!(vectors["scheme"].as_str(), Some(SCHEME));
		assert!(cases.len() >= 4, "{} cases", cases.len());
		let mut origins = HashSet::new();
		for case in cases {
			let name = case["name"].as_str().unwrap_or("?");
			let signed_for = case["origin"].as_str().expect("origin");
			// Each case's origin is already as `origin` serializes it, and is its URL's.
			assert_eq!(origin(signed_for).as_deref(), Ok(signed_for), "{name}: origin");
			assert_eq!(
				origin_of_url(case["url"].as_str().expect("url")).as_deref(),
				Ok(signed_for),
				"{name}: url"
			);
			origins.insert(signed_for.to_string());
			let message = message(
				signed_for,
				&hex(&case["audience"]),
				case["method"].as_str().expect("method"),
				case["path_and_query"].as_str().expect("path"),
				case["timestamp"].as_u64().expect("timestamp"),
				case["nonce"].as_str().expect("nonce"),
				&hex(&case["body"]),
			);
			assert_eq!(message, hex(&case["message_hex"]), "{name}: message");
			assert_eq!(
				Some(std::str::from_utf8(&message).expect("utf-8")),
				case["message"].as_str()
			);
			let public =
				sr25519::Public::from_raw(hex(&case["public_key"]).try_into().expect("32 bytes"));
			let signature =
				sr25519::Signature::from_raw(hex(&case["signature"]).try_into().expect("64 bytes"));
			assert!(verify_raw_or_wrapped(&signature, &message, &public), "{name}: signature");
			assert_eq!(parse_account(case["account"].as_str().expect("account")), Some(public.0));
		}
		assert!(origins.len() >= 2, "cases for at least two origins: {origins:?}");
	}

	#[test]
	fn origins_serialize_as_browsers_do() {
		for (text, expected) in [
			("https://records.example", "https://records.example"),
			("https://records.example/", "https://records.example"),
			("HTTPS://Records.EXAMPLE:443", "https://records.example"),
			("https://records.example:8801", "https://records.example:8801"),
			("http://127.0.0.1:80/", "http://127.0.0.1"),
			("http://LOCALHOST:8080", "http://localhost:8080"),
			("https://[::1]:8443", "https://[::1]:8443"),
			("https://records.example:0443", "https://records.example"),
		] {
			assert_eq!(origin(text).as_deref(), Ok(expected), "{text}");
		}
		for text in [
			"records.example",
			"ftp://records.example",
			"https://records.example/v1",
			"https://records.example?x=1",
			"https://user@records.example",
			"https://records.example#x",
			"https://records.example:99999",
			"https://records.example:http",
			"https://",
			"https://:8801",
		] {
			assert!(origin(text).is_err(), "{text}");
		}
	}

	#[test]
	fn a_request_signed_for_another_origin_is_refused_by_name() {
		let v = Verifier::new(AUDIENCE, NOW - 1_000, 60_000, 5_000).with_origins(origins());
		// Signed for a relay that copied this gateway's /v1/info: refused, naming both.
		let relay = "https://relay.example:8443";
		let h = sign(&alice(), relay, &AUDIENCE, "GET", "/p", NOW, "nonce-relay-0000001", b"");
		let refused = verify_headers(&v, &h, "GET", "/p", b"");
		let Err(AuthError::WrongOrigin(signed, served)) = &refused else { panic!("{refused:?}") };
		assert_eq!((signed.as_str(), served.clone()), (relay, origins()));
		let error = refused.unwrap_err();
		assert_eq!(error.code(), ErrorCode::WrongOrigin);
		assert!(error.message().contains(relay), "{}", error.message());
		assert!(error.message().contains(ORIGIN), "{}", error.message());
		// Not an origin at all: the same refusal.
		let mut h = sign(&alice(), ORIGIN, &AUDIENCE, "GET", "/p", NOW, "nonce-relay-0000002", b"");
		h[4].1 = "relay".into();
		assert!(matches!(
			verify_headers(&v, &h, "GET", "/p", b""),
			Err(AuthError::WrongOrigin(..))
		));
		// Without the header: not a signed request.
		assert_eq!(
			verify_headers(&v, &h[..4], "GET", "/p", b""),
			Err(AuthError::Missing(HEADER_ORIGIN))
		);
		// A gateway that does not know its origins yet serves nobody.
		let unset = Verifier::new(AUDIENCE, NOW - 1_000, 60_000, 5_000);
		let h = sign(&alice(), ORIGIN, &AUDIENCE, "GET", "/p", NOW, "nonce-relay-0000003", b"");
		assert!(matches!(
			verify_headers(&unset, &h, "GET", "/p", b""),
			Err(AuthError::WrongOrigin(..))
		));
	}

	#[test]
	fn the_origin_header_must_be_the_origin_signed_for() {
		let v = Verifier::new(AUDIENCE, NOW - 1_000, 60_000, 5_000).with_origins(origins());
		// Signed for one of the gateway's origins, presented as its other one.
		let mut h = sign(
			&alice(),
			"https://records.example",
			&AUDIENCE,
			"GET",
			"/p",
			NOW,
			"nonce-swap-00000001",
			b"",
		);
		h[4].1 = ORIGIN.into();
		assert_eq!(verify_headers(&v, &h, "GET", "/p", b""), Err(AuthError::BadSignature));
		// Signed for a relay, presented as the gateway's origin.
		let mut h = sign(
			&alice(),
			"https://relay.example",
			&AUDIENCE,
			"GET",
			"/p",
			NOW,
			"nonce-swap-00000002",
			b"",
		);
		h[4].1 = ORIGIN.into();
		assert_eq!(verify_headers(&v, &h, "GET", "/p", b""), Err(AuthError::BadSignature));
		// The header's spelling does not matter, the signed origin is the serialized one.
		let mut h = sign(&alice(), ORIGIN, &AUDIENCE, "GET", "/p", NOW, "nonce-swap-00000003", b"");
		h[4].1 = "HTTPS://Records.Example:8801/".into();
		assert!(verify_headers(&v, &h, "GET", "/p", b"").is_ok());
		let mut h = sign(
			&alice(),
			"https://records.example",
			&AUDIENCE,
			"GET",
			"/p",
			NOW,
			"nonce-swap-00000004",
			b"",
		);
		h[4].1 = "https://records.example:443".into();
		assert!(verify_headers(&v, &h, "GET", "/p", b"").is_ok());
	}

	#[test]
	fn a_version_1_signature_is_refused() {
		let v = Verifier::new(AUDIENCE, NOW - 1_000, 60_000, 5_000).with_origins(origins());
		let nonce = "nonce-version1-0001";
		let v1 = format!(
			"medchain-gateway/1\n0x{}\nGET\n/p\n{NOW}\n{nonce}\n0x{}",
			hex::encode(AUDIENCE),
			hex::encode(blake2_256(b""))
		);
		for signed in [v1.as_bytes().to_vec(), wrap_bytes(v1.as_bytes())] {
			let mut h = sign(&alice(), ORIGIN, &AUDIENCE, "GET", "/p", NOW, nonce, b"");
			h[3].1 = format!("0x{}", hex::encode(alice().sign(&signed).0));
			assert_eq!(verify_headers(&v, &h, "GET", "/p", b""), Err(AuthError::BadSignature));
		}
		// The same request signed v2 verifies.
		let h = sign(&alice(), ORIGIN, &AUDIENCE, "GET", "/p", NOW, nonce, b"");
		assert!(verify_headers(&v, &h, "GET", "/p", b"").is_ok());
	}

	fn alice() -> sr25519::Pair {
		sr25519::Pair::from_string("//Alice", None).expect("dev key")
	}

	fn verify_headers(
		v: &Verifier,
		headers: &[(&'static str, String)],
		method: &str,
		path: &str,
		body: &[u8],
	) -> Result<[u8; 32], AuthError> {
		let get = |name: &str| headers.iter().find(|(h, _)| *h == name).map(|(_, v)| v.as_str());
		v.verify(
			Presented {
				account: get(HEADER_ACCOUNT),
				timestamp: get(HEADER_TIMESTAMP),
				nonce: get(HEADER_NONCE),
				signature: get(HEADER_SIGNATURE),
				origin: get(HEADER_ORIGIN),
			},
			method,
			path,
			body,
			NOW,
		)
	}

	#[test]
	fn accepts_a_good_signature_once() {
		let v = Verifier::new(AUDIENCE, NOW - 1_000, 60_000, 5_000).with_origins(origins());
		let h = sign(
			&alice(),
			ORIGIN,
			&AUDIENCE,
			"GET",
			"/v1/records/0x01",
			NOW - 10,
			"nonce-0000000001",
			b"",
		);
		let account = verify_headers(&v, &h, "GET", "/v1/records/0x01", b"").expect("verifies");
		assert_eq!(account, <[u8; 32]>::from(alice().public()));
		assert_eq!(
			verify_headers(&v, &h, "GET", "/v1/records/0x01", b""),
			Err(AuthError::Replayed)
		);
	}

	#[test]
	fn binds_everything_signed() {
		let v = Verifier::new(AUDIENCE, NOW - 1_000, 60_000, 5_000).with_origins(origins());
		let h = sign(
			&alice(),
			ORIGIN,
			&AUDIENCE,
			"POST",
			"/v1/records?x=1",
			NOW,
			"nonce-0000000002",
			b"{}",
		);
		for (method, path, body) in [
			("GET", "/v1/records?x=1", &b"{}"[..]),
			("POST", "/v1/records?x=2", b"{}"),
			("POST", "/v1/records?x=1", b"{ }"),
		] {
			assert_eq!(verify_headers(&v, &h, method, path, body), Err(AuthError::BadSignature));
		}
		// Signed for another gateway.
		let other = sign(&alice(), ORIGIN, &[0xbb; 32], "GET", "/p", NOW, "nonce-0000000003", b"");
		assert_eq!(verify_headers(&v, &other, "GET", "/p", b""), Err(AuthError::BadSignature));
		// Bob's account with Alice's signature.
		let mut forged =
			sign(&alice(), ORIGIN, &AUDIENCE, "GET", "/p", NOW, "nonce-0000000004", b"");
		let bob = sr25519::Pair::from_string("//Bob", None).expect("dev key");
		forged[0].1 = AccountId32::from(bob.public()).to_ss58check();
		assert_eq!(verify_headers(&v, &forged, "GET", "/p", b""), Err(AuthError::BadSignature));
	}

	/// The headers of a request whose signature is over `signed` (what a wallet signed).
	fn signed_over(signed: &[u8], timestamp: u64, nonce: &str) -> Vec<(&'static str, String)> {
		let mut h = sign(&alice(), ORIGIN, &AUDIENCE, "GET", "/p", timestamp, nonce, b"");
		h[3].1 = format!("0x{}", hex::encode(alice().sign(signed).0));
		h
	}

	#[test]
	fn accepts_an_extension_style_wrapped_signature_as_well_as_a_raw_one() {
		let v = Verifier::new(AUDIENCE, NOW - 1_000, 60_000, 5_000).with_origins(origins());
		let check = |h: &[(&'static str, String)]| verify_headers(&v, h, "GET", "/p", b"");
		let alice_account = <[u8; 32]>::from(alice().public());
		let msg = |nonce: &str| message(ORIGIN, &AUDIENCE, "GET", "/p", NOW, nonce, b"");
		// Raw: the message itself.
		let nonce = "nonce-raw-00000001";
		assert_eq!(check(&signed_over(&msg(nonce), NOW, nonce)), Ok(alice_account));
		// The polkadot.js extension's signRaw: <Bytes> + message + </Bytes>.
		let nonce = "nonce-wrapped-0001";
		let wrapped = [&b"<Bytes>"[..], &msg(nonce), b"</Bytes>"].concat();
		assert_eq!(wrap_bytes(&msg(nonce)), wrapped);
		assert_eq!(check(&signed_over(&wrapped, NOW, nonce)), Ok(alice_account));
		// A wrapped signature is bound like a raw one: replayed, or for another path.
		assert_eq!(check(&signed_over(&wrapped, NOW, nonce)), Err(AuthError::Replayed));
		let nonce = "nonce-wrapped-0002";
		let h = signed_over(&wrap_bytes(&msg(nonce)), NOW, nonce);
		assert_eq!(verify_headers(&v, &h, "GET", "/q", b""), Err(AuthError::BadSignature));
	}

	#[test]
	fn refuses_any_other_wrapping_and_a_tampered_signature() {
		let v = Verifier::new(AUDIENCE, NOW - 1_000, 60_000, 5_000).with_origins(origins());
		let check = |h: &[(&'static str, String)]| verify_headers(&v, h, "GET", "/p", b"");
		let msg = |nonce: &str| message(ORIGIN, &AUDIENCE, "GET", "/p", NOW, nonce, b"");
		type Form = fn(&[u8]) -> Vec<u8>;
		let cases: [(&str, Form); 7] = [
			("nonce-double-wrap-1", |m| wrap_bytes(&wrap_bytes(m))),
			("nonce-prefix-only-1", |m| [&b"<Bytes>"[..], m].concat()),
			("nonce-suffix-only-1", |m| [m, &b"</Bytes>"[..]].concat()),
			("nonce-ethereum-msg1", |m| {
				[format!("\x19Ethereum Signed Message:\n{}", m.len()).as_bytes(), m].concat()
			}),
			("nonce-lower-case-01", |m| [&b"<bytes>"[..], m, b"</bytes>"].concat()),
			("nonce-spaced-wrap-1", |m| [&b"<Bytes> "[..], m, b" </Bytes>"].concat()),
			("nonce-newline-end-1", |m| [m, &b"\n"[..]].concat()),
		];
		for (nonce, form) in cases {
			assert_eq!(
				check(&signed_over(&form(&msg(nonce)), NOW, nonce)),
				Err(AuthError::BadSignature),
				"{nonce}"
			);
		}
		// A tampered signature, raw and wrapped: one bit flipped.
		for (nonce, wrap) in [("nonce-tampered-raw1", false), ("nonce-tampered-wrap", true)] {
			let signed = if wrap { wrap_bytes(&msg(nonce)) } else { msg(nonce) };
			let mut signature = alice().sign(&signed).0;
			signature[10] ^= 0x01;
			let mut h = signed_over(&signed, NOW, nonce);
			h[3].1 = format!("0x{}", hex::encode(signature));
			assert_eq!(check(&h), Err(AuthError::BadSignature), "{nonce}");
		}
		// Bob's wrapped signature presented as Alice's.
		let nonce = "nonce-bob-wrapped-1";
		let bob = sr25519::Pair::from_string("//Bob", None).expect("dev key");
		let mut h = signed_over(&[], NOW, nonce);
		h[3].1 = format!("0x{}", hex::encode(bob.sign(&wrap_bytes(&msg(nonce))).0));
		assert_eq!(check(&h), Err(AuthError::BadSignature));
	}

	#[test]
	fn refuses_bad_times_and_malformed_headers() {
		let v = Verifier::new(AUDIENCE, NOW - 30_000, 60_000, 5_000).with_origins(origins());
		let at = |t: u64, n: &str| sign(&alice(), ORIGIN, &AUDIENCE, "GET", "/p", t, n, b"");
		let check = |h: &[(&'static str, String)]| verify_headers(&v, h, "GET", "/p", b"");
		assert_eq!(check(&at(NOW - 60_001, "nonce-stale-0000001")), Err(AuthError::Stale));
		assert_eq!(check(&at(NOW + 5_001, "nonce-future-000001")), Err(AuthError::FromTheFuture));
		assert_eq!(
			check(&at(NOW - 30_001, "nonce-before-000001")),
			Err(AuthError::SignedBeforeStart)
		);
		let good = at(NOW, "nonce-good-00000001");
		let with = |i: usize, value: &str| {
			let mut h = good.clone();
			h[i].1 = value.into();
			h
		};
		assert_eq!(check(&with(0, "not-an-address")), Err(AuthError::BadAccount));
		assert_eq!(check(&with(1, "yesterday")), Err(AuthError::BadTimestamp));
		assert_eq!(check(&with(2, "short")), Err(AuthError::BadNonce));
		assert_eq!(check(&with(2, "nonce with spaces!!")), Err(AuthError::BadNonce));
		assert_eq!(check(&with(3, "0x1234")), Err(AuthError::BadSignatureFormat));
		assert_eq!(check(&with(3, &"zz".repeat(64))), Err(AuthError::BadSignatureFormat));
		assert_eq!(check(&good[1..]), Err(AuthError::Missing(HEADER_ACCOUNT)));
		assert!(check(&good).is_ok());
	}

	#[test]
	fn nonces_are_kept_per_identity_in_time_buckets_and_expire_whole() {
		// Window 60 s + 5 s skew: buckets of ceil(65 s / 8).
		let v = Verifier::new(AUDIENCE, NOW - 120_000, 60_000, 5_000).with_origins(origins());
		let bucket = 65_000u64.div_ceil(8);
		let keys: Vec<sr25519::Pair> =
			(0..3u8).map(|i| sr25519::Pair::from_seed(&[i + 1; 32])).collect();
		let headers = |who: &sr25519::Pair, at: u64, n: u32| {
			sign(who, ORIGIN, &AUDIENCE, "GET", "/p", at, &format!("nonce-{n:012}"), b"")
		};
		let check = |h: &[(&'static str, String)], now: u64| {
			let get = |name: &str| h.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str());
			v.verify(
				Presented {
					account: get(HEADER_ACCOUNT),
					timestamp: get(HEADER_TIMESTAMP),
					nonce: get(HEADER_NONCE),
					signature: get(HEADER_SIGNATURE),
					origin: get(HEADER_ORIGIN),
				},
				"GET",
				"/p",
				b"",
				now,
			)
		};
		// Key 0 signs at NOW - 50 s, keys 1 and 2 at NOW.
		let old = headers(&keys[0], NOW - 50_000, 1);
		assert!(check(&old, NOW).is_ok());
		for (i, key) in keys.iter().enumerate().skip(1) {
			for n in 0..10 {
				assert!(check(&headers(key, NOW, n), NOW).is_ok(), "{i} {n}");
			}
		}
		assert_eq!(v.held(), (21, 3));
		// The same nonce under another identity is another request; again, a replay.
		assert!(check(&headers(&keys[1], NOW, 1_000), NOW).is_ok());
		assert_eq!(check(&headers(&keys[1], NOW, 1_000), NOW), Err(AuthError::Replayed));
		assert_eq!(check(&old, NOW + 1), Err(AuthError::Replayed));
		// 12 s later, key 0's bucket is wholly older than the window: dropped with key 0,
		// the others untouched (a replay of key 0's request is refused as stale anyway).
		let later = NOW + 12_000 + bucket;
		v.prune(later);
		assert_eq!(v.held(), (21, 2));
		assert_eq!(check(&old, later), Err(AuthError::Stale));
		assert_eq!(check(&headers(&keys[1], NOW, 1_000), later), Err(AuthError::Replayed));
		// Once all are too old, nothing is left.
		v.prune(NOW + 60_001 + bucket);
		assert_eq!(v.held(), (0, 0));
	}

	#[test]
	fn one_identity_holds_a_bounded_number_of_nonces() {
		let v = Verifier::new(AUDIENCE, NOW - 1_000, 60_000, 5_000)
			.with_origins(origins())
			.with_nonce_limits(5, 8);
		let (a, b) = (sr25519::Pair::from_seed(&[1; 32]), sr25519::Pair::from_seed(&[2; 32]));
		let check = |who: &sr25519::Pair, n: u32| {
			let h = sign(who, ORIGIN, &AUDIENCE, "GET", "/p", NOW, &format!("nonce-{n:012}"), b"");
			verify_headers(&v, &h, "GET", "/p", b"")
		};
		for n in 0..5 {
			assert!(check(&a, n).is_ok());
		}
		assert_eq!(check(&a, 5), Err(AuthError::TooManyNonces));
		// Another identity has its own bound, up to the total.
		for n in 0..3 {
			assert!(check(&b, n).is_ok());
		}
		assert_eq!(check(&b, 3), Err(AuthError::TooManyNonces));
		assert_eq!(v.held(), (8, 2));
	}

	#[test]
	fn accounts_parse_as_ss58_or_hex() {
		let public: [u8; 32] = alice().public().into();
		let ss58 = AccountId32::from(public).to_ss58check();
		assert_eq!(parse_account(&ss58), Some(public));
		assert_eq!(parse_account(&format!("0x{}", hex::encode(public))), Some(public));
		assert_eq!(parse_account("0x1234"), None);
		assert_eq!(parse_account("5Grw"), None);
	}
}
