//! `GET /v1/records/{record_id}`: a document, served only when the chain grants the read at
//! its best block **and** at its finalized head, when the chain's record under that id is
//! this gateway's own anchor of the document it holds there, and when the document re-hashes
//! to the anchored content hash.

use super::{add, authenticate, hex32, parse_record_id, readable, ss58, ApiResult, Gateway, Head};
use crate::{
	binding::{check_record, Expected},
	canonical,
	error::{ApiError, ErrorCode},
	store::{Document, State},
};
use axum::{
	body::Body,
	extract::{Path, State as AxumState},
	http::{HeaderMap, HeaderValue, Method, Uri},
	response::Response,
};
use pallet_consent::ReadDecision;
use sp_core::{
	crypto::{AccountId32, Ss58Codec},
	H256,
};
use std::{
	collections::{HashMap, VecDeque},
	sync::{atomic::Ordering, Arc},
	time::{Duration, Instant},
};

/// Read decisions, per block: exact, since a block's state never changes. Kept for the last
/// few blocks asked about (the best block and the finalized head), each under its own block
/// hash, so a grant at the best block is never taken for one at the finalized head.
#[derive(Default)]
pub(super) struct DecisionCache {
	/// The blocks cached, oldest first.
	blocks: VecDeque<H256>,
	decisions: HashMap<H256, BlockDecisions>,
}

/// One block's decisions, by requester and record.
type BlockDecisions = HashMap<([u8; 32], H256), ReadDecision<AccountId32, u32>>;

/// How many blocks' decisions are kept (the best and the finalized head, and the blocks just
/// before them while they move).
const CACHED_BLOCKS: usize = 4;

impl DecisionCache {
	fn get(
		&self,
		at: H256,
		requester: [u8; 32],
		record: H256,
	) -> Option<ReadDecision<AccountId32, u32>> {
		self.decisions.get(&at).and_then(|d| d.get(&(requester, record))).cloned()
	}

	fn insert(
		&mut self,
		at: H256,
		requester: [u8; 32],
		record: H256,
		decision: ReadDecision<AccountId32, u32>,
	) {
		if !self.decisions.contains_key(&at) {
			self.blocks.push_back(at);
			while self.blocks.len() > CACHED_BLOCKS {
				if let Some(oldest) = self.blocks.pop_front() {
					self.decisions.remove(&oldest);
				}
			}
		}
		self.decisions.entry(at).or_default().insert((requester, record), decision);
	}
}

/// Whether a decision lets the document be served.
fn grants(decision: &ReadDecision<AccountId32, u32>) -> bool {
	matches!(decision, ReadDecision::Patient { .. } | ReadDecision::Logged { .. })
}

/// The record is sealed or its patient erased (`why`): the document is destroyed now, rather
/// than when the finalized follower gets there, and the answer is `410 Gone`.
fn gone(g: &Gateway, record_id: H256, why: &str) -> ApiError {
	if let Err(e) = g.store.destroy_record(&record_id.0, why) {
		log::error!("could not destroy {record_id:?}: {e}");
	}
	ApiError::new(ErrorCode::Gone, format!("the record is {why}; its document is destroyed"))
}

fn unknown_on_chain() -> ApiError {
	ApiError::new(ErrorCode::UnknownRecord, "the chain knows no such record")
}

/// The chain's read decision for `requester` and `record_id` at block `at` (cached per
/// block).
async fn decide(
	g: &Gateway,
	requester: [u8; 32],
	record_id: H256,
	at: H256,
) -> Result<ReadDecision<AccountId32, u32>, ApiError> {
	let cached = g
		.decisions
		.lock()
		.map_err(|_| ApiError::new(ErrorCode::Internal, "cache lock"))?
		.get(at, requester, record_id);
	if let Some(decision) = cached {
		return Ok(decision);
	}
	let started = Instant::now();
	let decision = g
		.chain
		.read_decision(requester, record_id, g.settings.max_log_age_ms, at)
		.await
		.map_err(ApiError::chain)?;
	add(&g.timings.decision_ns, started);
	g.timings.decision_queries.fetch_add(1, Ordering::Relaxed);
	if let Ok(mut cache) = g.decisions.lock() {
		cache.insert(at, requester, record_id, decision.clone());
	}
	Ok(decision)
}

/// The chain's decision for the read, at the best block `best`, then, if that grants it, at
/// the finalized head too ([`final_grant`]).
async fn decision(
	g: &Gateway,
	requester: [u8; 32],
	record_id: H256,
	best: H256,
) -> Result<ReadDecision<AccountId32, u32>, ApiError> {
	let at_best = decide(g, requester, record_id, best).await?;
	// A refusal is answered at once; a grant only once the finalized head grants it too.
	if grants(&at_best) {
		final_grant(g, requester, record_id, best).await
	} else {
		Ok(at_best)
	}
}

/// How often a read waiting for finality asks for the finalized head and the best block.
const FINALITY_POLL: Duration = Duration::from_millis(250);

/// The `Retry-After` of a `503 NotFinal`: about one block.
const FINALITY_RETRY_AFTER_SECS: u64 = 6;

/// The best block granted the read; it is served only once the finalized head grants it too,
/// since a `log_access` in a block that is not final can be dropped by a reorg (and a
/// revocation on the winning fork would then make it invalid there). Waits for finality at
/// most `finality_wait`, re-asking at every new finalized head; if meanwhile the best block
/// refuses (a revocation, a reorg), that refusal is the answer. Otherwise `503 NotFinal`
/// with `Retry-After`. Returns the finalized head's grant, or the best block's refusal.
async fn final_grant(
	g: &Gateway,
	requester: [u8; 32],
	record_id: H256,
	mut best: H256,
) -> Result<ReadDecision<AccountId32, u32>, ApiError> {
	let started = Instant::now();
	let deadline = tokio::time::Instant::now() + g.settings.finality_wait;
	// Each way out but the node's failure counts the time spent waiting.
	let answer = loop {
		let finalized = readable(g, Head::Finalized).await?;
		let at_final = decide(g, requester, record_id, finalized).await?;
		if grants(&at_final) {
			break Ok(at_final);
		}
		let now = tokio::time::Instant::now();
		if now >= deadline {
			g.timings.not_final.fetch_add(1, Ordering::Relaxed);
			break Err(not_final(&at_final));
		}
		tokio::time::sleep_until(deadline.min(now + FINALITY_POLL)).await;
		let latest = readable(g, Head::Best).await?;
		if latest != best {
			best = latest;
			let at_best = decide(g, requester, record_id, best).await?;
			if !grants(&at_best) {
				break Ok(at_best);
			}
		}
	};
	add(&g.timings.finality_wait_ns, started);
	answer
}

/// `503 NotFinal`: the finalized head still decides `at_final`. The message gives the
/// refusal's reason only, never the record's patient or category.
fn not_final(at_final: &ReadDecision<AccountId32, u32>) -> ApiError {
	let why = match at_final {
		ReadDecision::Refused { reason, .. } => ErrorCode::from(*reason).name(),
		_ => "no grant",
	};
	ApiError::new(
		ErrorCode::NotFinal,
		format!(
			"the chain grants this read at its best block but not yet at its finalized head \
			 (there: {why}): a document is served only once the logged read is in a finalized \
			 block; retry in a few seconds"
		),
	)
	.retry_after(FINALITY_RETRY_AFTER_SECS)
}

pub(super) async fn fetch(
	AxumState(g): AxumState<Arc<Gateway>>,
	Path(record_id): Path<String>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
) -> ApiResult {
	let started = Instant::now();
	g.timings.requests.fetch_add(1, Ordering::Relaxed);
	let result = fetch_inner(&g, &record_id, method, uri, headers).await;
	add(&g.timings.total_ns, started);
	result
}

async fn fetch_inner(
	g: &Gateway,
	record_id: &str,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
) -> ApiResult {
	// A GET has no body (the guard refuses one): its signature is over the empty body.
	let requester = authenticate(g, &headers, &method, &uri, b"")?;
	let record_id = parse_record_id(record_id).map(H256).ok_or_else(|| {
		ApiError::new(ErrorCode::BadRecordId, "a record id is 0x + 32 bytes of hex")
	})?;
	let served = authorized_read(g, requester, record_id, "read").await?;
	Ok(served_response(served))
}

/// A document the chain lets the requester read, verified against its anchor: what a fetch
/// (native or FHIR) serves.
pub(crate) struct Served {
	pub record_id: H256,
	pub doc: Document,
	pub anchored: [u8; 32],
	pub salt: [u8; 32],
	pub canonical: Vec<u8>,
	/// The requester's organization (`None`: the patient's own read).
	pub organization: Option<AccountId32>,
	/// A break-glass read.
	pub emergency: bool,
	/// The `log_access` extrinsic the read was granted under (at the
	/// finalized head); `None` for the patient's own read (and an entry logged before the
	/// consent pallet's storage version 5).
	pub logged_in: Option<pallet_consent::ChainPosition<u32>>,
}

/// The native answer: the canonical document with the `x-medchain-*` headers.
pub(crate) fn served_response(served: Served) -> Response {
	let Served { record_id, doc, anchored, salt, canonical, organization, emergency, .. } = served;
	let served_as = match organization {
		None => "patient".into(),
		Some(org) if emergency => format!("emergency:{}", org.to_ss58check()),
		Some(org) => format!("consent:{}", org.to_ss58check()),
	};
	let mut response = Response::new(Body::from(canonical));
	let h = response.headers_mut();
	let set = |h: &mut HeaderMap, name: &'static str, value: String| {
		if let Ok(v) = HeaderValue::from_str(&value) {
			h.insert(name, v);
		}
	};
	set(h, "content-type", "application/fhir+json".into());
	set(h, "x-medchain-record-id", hex32(record_id.as_bytes()));
	set(h, "x-medchain-content-hash", hex32(&anchored));
	set(h, "x-medchain-salt", hex32(&salt));
	set(h, "x-medchain-patient", ss58(&doc.patient));
	set(h, "x-medchain-category", doc.category.clone());
	set(h, "x-medchain-served-as", served_as);
	response
}

/// The one read policy of the gateway (native `GET /v1/records/{id}` and every FHIR read):
/// the document held under `record_id`, if the chain grants `requester` the read at its best
/// block and its finalized head and the chain's record is this gateway's anchor of it. Every
/// answer, served or refused, is kept as an audit event (`interaction`: the FHIR restful
/// interaction, fhir/audit.rs).
pub(crate) async fn authorized_read(
	g: &Gateway,
	requester: [u8; 32],
	record_id: H256,
	interaction: &'static str,
) -> Result<Served, ApiError> {
	let mut patient = None;
	let result = authorized_read_inner(g, requester, record_id, &mut patient).await;
	let read = crate::fhir::audit::Read { requester, record_id: record_id.0, patient, interaction };
	// No document is served unaudited (the refusal's own reason wins over a failed audit).
	let kept = crate::fhir::audit::keep_read(g, &read, &result);
	let served = result?;
	kept?;
	Ok(served)
}

async fn authorized_read_inner(
	g: &Gateway,
	requester: [u8; 32],
	record_id: H256,
	patient: &mut Option<[u8; 32]>,
) -> Result<Served, ApiError> {
	let started = Instant::now();
	let doc = g.store.by_record(&record_id.0).map_err(ApiError::store)?;
	add(&g.timings.store_ns, started);
	let Some(doc) = doc else {
		return Err(ApiError::new(
			ErrorCode::UnknownRecord,
			"this gateway holds no document for this record id",
		));
	};
	*patient = Some(doc.patient);
	if doc.state == State::Destroyed {
		return Err(ApiError::new(
			ErrorCode::Gone,
			format!("the document was destroyed ({})", doc.note.as_deref().unwrap_or("sealed")),
		));
	}

	let started = Instant::now();
	let best = readable(g, Head::Best).await?;
	add(&g.timings.best_block_ns, started);
	let (organization, emergency, logged_in) = match decision(g, requester, record_id, best).await?
	{
		ReadDecision::UnknownRecord => return Err(unknown_on_chain()),
		ReadDecision::Sealed => return Err(gone(g, record_id, "sealed")),
		ReadDecision::PatientErased => {
			return Err(gone(g, record_id, "of a patient who erased their identity"))
		}
		// The reason only: a requester the chain refuses learns nothing of the record (whose
		// it is, its category) from the refusal.
		ReadDecision::Refused { reason, .. } => return Err(ApiError::refused(reason)),
		ReadDecision::Patient { .. } => (None, false, None),
		ReadDecision::Logged { organization, emergency, logged_in, .. } => {
			(Some(organization), emergency, logged_in)
		}
	};
	let anchored = anchored_hash(g, record_id, &doc, best).await?;
	let (salt, canonical) = verified_plaintext(g, record_id, &doc, &anchored)?;
	g.timings.served.fetch_add(1, Ordering::Relaxed);
	if emergency {
		log::warn!("emergency (break-glass) read of {record_id:?} by {}", ss58(&requester));
	}
	Ok(Served { record_id, doc, anchored, salt, canonical, organization, emergency, logged_in })
}

/// Whether the chain lets `requester` read `record_id` now (the same decision a fetch is
/// served under, at the best block and the finalized head), without serving or auditing it:
/// what a FHIR search lists.
pub(crate) async fn may_read(
	g: &Gateway,
	requester: [u8; 32],
	record_id: H256,
	best: H256,
) -> Result<bool, ApiError> {
	match decision(g, requester, record_id, best).await {
		Ok(d) => Ok(grants(&d)),
		Err(e) if e.code() == ErrorCode::NotFinal => Ok(false),
		Err(e) => Err(e),
	}
}

/// The content hash anchored under `record_id`, once the chain's record there is found to be
/// this gateway's anchor of *this* document (author, category, patient, locator, content
/// hash). Checked on every fetch, against the record read from the chain once per run.
async fn anchored_hash(
	g: &Gateway,
	record_id: H256,
	doc: &Document,
	best: H256,
) -> Result<[u8; 32], ApiError> {
	let mismatch = |why: &str| {
		log::error!("ANCHOR MISMATCH: record {record_id:?} ({}): {why}; refused", doc.locator);
		ApiError::new(
			ErrorCode::AnchorMismatch,
			"refused: the chain's record under this id is not this gateway's anchor of the document it holds under that id (author, category, patient, locator or content hash differ)",
		)
	};
	let expected = Expected::of(doc, g.organization).map_err(|why| mismatch(&why))?;
	let cached = g.verified.lock().ok().and_then(|m| m.get(&record_id).cloned());
	let fresh = cached.is_none();
	let record = match cached {
		Some(record) => record,
		None => g
			.chain
			.record(record_id, best)
			.await
			.map_err(ApiError::chain)?
			.ok_or_else(unknown_on_chain)?,
	};
	check_record(record_id, Some(&record), &expected, false).map_err(|why| mismatch(&why))?;
	let anchored = record.content_hash.0;
	if fresh {
		if let Ok(mut m) = g.verified.lock() {
			m.insert(record_id, record);
		}
	}
	Ok(anchored)
}

/// The stored document's salt and canonical JSON, decrypted, once they re-hash to the
/// `anchored` content hash; otherwise the store was tampered with (`500 Tampered`, logged).
fn verified_plaintext(
	g: &Gateway,
	record_id: H256,
	doc: &Document,
	anchored: &[u8; 32],
) -> Result<([u8; 32], Vec<u8>), ApiError> {
	let tampered = |what: &str| {
		log::error!("TAMPERED: record {record_id:?} ({}): {what}", doc.locator);
		ApiError::new(
			ErrorCode::Tampered,
			format!("refused: this gateway's stored copy was tampered with ({what}); it does not match the hash anchored on chain"),
		)
	};
	let started = Instant::now();
	let mut plaintext =
		super::open_stored(&g.master, doc).map_err(|_| tampered("decryption failed"))?;
	add(&g.timings.decrypt_ns, started);
	if plaintext.len() < 32 {
		return Err(tampered("too short"));
	}
	let canonical = plaintext.split_off(32);
	let mut salt = [0u8; 32];
	salt.copy_from_slice(&plaintext);
	let started = Instant::now();
	let recomputed = canonical::content_hash(&salt, &canonical);
	add(&g.timings.hash_ns, started);
	if recomputed != *anchored {
		return Err(tampered("content hash mismatch"));
	}
	Ok((salt, canonical))
}
