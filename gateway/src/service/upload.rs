//! `POST /v1/records` (an upload: stored encrypted, anchored, answered once the anchor is
//! final or the wait is over) and `GET /v1/uploads/{locator}` (an upload's state), with what
//! identifies a stored document: its dedup key, and its decryption under the master key.

use super::{
	authenticate, document_json, ensure_own_staff, hex32, parse_category, parse_record_id,
	read_body, readable, ss58, ApiResult, Gateway, Head,
};
use crate::{
	auth,
	canonical::{self, FhirError},
	crypto::{MasterKey, Sealed, Tampered},
	error::{ApiError, ErrorCode},
	store::{Document, Inserted, NewDocument, Rewrapped, State},
};
use axum::{
	body::Body,
	extract::{Path, State as AxumState},
	http::{HeaderMap, Method, StatusCode, Uri},
	response::IntoResponse,
	Json,
};
use medchain_primitives::RecordCategory;
use rand::RngCore;
use sp_core::{crypto::Ss58Codec, H256};
use std::sync::Arc;

/// A correction (`?supersedes=`) must name the latest version of a record this gateway's
/// organization wrote, of the same patient and category, not sealed: what the chain's
/// `anchor_record` will require. Checked before the document is stored, against the best
/// block, so the uploader gets the reason at once rather than a refused anchor later (the
/// chain still decides: a record sealed or corrected meanwhile makes the anchor fail).
async fn check_correction(
	g: &Gateway,
	previous: [u8; 32],
	patient: [u8; 32],
	category: RecordCategory,
) -> Result<(), ApiError> {
	let best = readable(g, Head::Best).await?;
	let id = hex32(&previous);
	let record =
		g.chain.record(H256(previous), best).await.map_err(ApiError::chain)?.ok_or_else(|| {
			ApiError::new(
				ErrorCode::SupersedesUnknownRecord,
				format!("?supersedes={id} names no record on chain"),
			)
		})?;
	if <[u8; 32]>::from(record.patient.clone()) != patient || record.category != category {
		return Err(ApiError::new(
			ErrorCode::SupersedesMismatch,
			format!(
				"record {id} is {:?} of patient {}; a correction keeps the patient and category",
				record.category,
				record.patient.to_ss58check()
			),
		));
	}
	if record.author.clone().map(<[u8; 32]>::from) != Some(g.organization) {
		return Err(ApiError::new(
			ErrorCode::SupersedesForeignRecord,
			format!(
				"record {id} was not written by {}: only its author corrects a record",
				ss58(&g.organization)
			),
		));
	}
	if record.is_sealed() {
		return Err(ApiError::new(
			ErrorCode::SupersedesSealedRecord,
			format!("record {id} is sealed by the patient: anchor the document as a new record"),
		));
	}
	if let Some(next) = record.superseded_by {
		return Err(ApiError::new(
			ErrorCode::SupersedesOldVersion,
			format!("record {id} was already corrected by {next:?}: correct the latest version"),
		));
	}
	Ok(())
}

/// What identifies "the same document" (before the master key's MAC, `MasterKey::dedup_key`):
/// `patient ++ category ++ 0 ++ canonical`, with `"supersedes" ++ record id` appended for a
/// correction (a correction is a document of its own: the same body as a correction of
/// another record, or as a standalone upload, is another upload).
pub(crate) fn dedup_message(
	patient: &[u8; 32],
	category: &str,
	canonical: &[u8],
	supersedes: Option<&[u8; 32]>,
) -> Vec<u8> {
	let mut dedup = Vec::with_capacity(64 + canonical.len());
	dedup.extend_from_slice(patient);
	dedup.extend_from_slice(category.as_bytes());
	dedup.push(0);
	dedup.extend_from_slice(canonical);
	if let Some(previous) = supersedes {
		dedup.extend_from_slice(b"supersedes");
		dedup.extend_from_slice(previous);
	}
	dedup
}

/// The note of a document destroyed because its patient deregistered before it was anchored.
pub const DEREGISTERED: &str = "the patient deregistered: nothing is anchored for them";

/// A stored row's plaintext under `master`: its salt (32 bytes), then its canonical JSON. An
/// error if the row holds no document or it does not decrypt under that key (tampered with,
/// or another master key).
pub(crate) fn open_stored(master: &MasterKey, doc: &Document) -> Result<Vec<u8>, Tampered> {
	let sealed = Sealed {
		ciphertext: doc.ciphertext.clone().unwrap_or_default(),
		wrapped_key: doc.wrapped_key.clone().unwrap_or_default(),
	};
	master.open(&sealed, doc.locator.as_bytes())
}

/// The keyed dedup key of a stored row (decrypting it), for re-keying a store made with
/// unkeyed ones (`SqliteStore::rekey_dedup`); `None` if the row cannot be decrypted.
pub(crate) fn keyed_dedup_of(master: &MasterKey, doc: &Document) -> Option<[u8; 32]> {
	let plaintext = open_stored(master, doc).ok()?;
	let canonical = plaintext.get(32..)?;
	Some(master.dedup_key(&dedup_message(
		&doc.patient,
		&doc.category,
		canonical,
		doc.supersedes.as_ref(),
	)))
}

/// A row under master key `new` instead of `old` (`SqliteStore::rotate_master_key`): its
/// document key re-wrapped, its dedup key recomputed under `new` (none if the document does
/// not decrypt); an error if its key does not unwrap with `old`.
pub(crate) fn rewrap_row(
	old: &MasterKey,
	new: &MasterKey,
	doc: &Document,
) -> Result<Rewrapped, String> {
	let wrapped = doc.wrapped_key.as_deref().ok_or("no document key")?;
	let wrapped_key = old
		.rewrap(new, wrapped, doc.locator.as_bytes())
		.map_err(|_| "its key does not unwrap with the old master key".to_string())?;
	let moved = Document { wrapped_key: Some(wrapped_key.clone()), ..doc.clone() };
	Ok(Rewrapped { wrapped_key, dedup_key: keyed_dedup_of(new, &moved) })
}

/// A patient who deregistered gets no new documents here: nothing of theirs is stored (the
/// chain would refuse the anchor, and the document would stay behind).
async fn ensure_patient_not_deregistered(g: &Gateway, patient: [u8; 32]) -> Result<(), ApiError> {
	let best = readable(g, Head::Best).await?;
	if g.chain.patient_deregistered(patient, best).await.map_err(ApiError::chain)? {
		// Whatever is still held for them (e.g. an earlier upload the chain refused) goes too.
		let n = g.store.destroy_patient(&patient, DEREGISTERED).map_err(ApiError::store)?;
		if n > 0 {
			log::info!("{n} document(s) of a deregistered patient destroyed");
			g.notify_changed();
		}
		return Err(ApiError::new(ErrorCode::PatientDeregistered,
			"the patient deregistered (erased their identity): nothing is stored or anchored for them",
		));
	}
	Ok(())
}

#[derive(serde::Deserialize)]
struct UploadQuery {
	patient: Option<String>,
	category: Option<String>,
	/// The record this upload corrects (a new version of it), if any.
	supersedes: Option<String>,
}

/// What an upload's query names: its patient, its category and the record it corrects.
pub(crate) struct Upload {
	pub patient: [u8; 32],
	pub category: RecordCategory,
	pub supersedes: Option<[u8; 32]>,
}

impl Upload {
	pub(crate) fn parse(query: Option<&str>) -> Result<Upload, ApiError> {
		let query: UploadQuery = serde_urlencoded::from_str(query.unwrap_or(""))
			.map_err(|e| ApiError::new(ErrorCode::BadQuery, e.to_string()))?;
		let patient = query.patient.as_deref().and_then(auth::parse_account).ok_or_else(|| {
			ApiError::new(
				ErrorCode::BadPatient,
				"?patient= must be the patient's account (SS58 or 0x hex)",
			)
		})?;
		let category = query.category.as_deref().and_then(parse_category).ok_or_else(|| {
			ApiError::new(
				ErrorCode::BadCategory,
				format!("?category= must be one of {:?}", RecordCategory::ALL),
			)
		})?;
		let supersedes = match query.supersedes.as_deref() {
			None => None,
			Some(text) => Some(parse_record_id(text).ok_or_else(|| {
				ApiError::new(
					ErrorCode::BadSupersedes,
					"?supersedes= must be the id of the record this corrects: 0x + 32 bytes of hex",
				)
			})?),
		};
		Ok(Upload { patient, category, supersedes })
	}
}

pub(super) async fn upload(
	AxumState(g): AxumState<Arc<Gateway>>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
	body: Body,
) -> ApiResult {
	// The only body read: after the guard found the account a chain identity, bounded in
	// size and in time.
	let body = read_body(&g, body).await?;
	let requester = authenticate(&g, &headers, &method, &uri, &body)?;
	let upload = Upload::parse(uri.query())?;
	let (status, doc) = store_upload(&g, requester, &upload, &body).await?;
	Ok((status, Json(document_json(&doc))).into_response())
}

/// The one upload path (native `POST /v1/records` and FHIR creates): only this gateway's
/// organization's staff, never for a deregistered patient; the document is canonicalized,
/// stored encrypted and anchored by the worker; answered `201` once the anchor is final,
/// `200` for the same document again, `202` when the wait is over first.
pub(crate) async fn store_upload(
	g: &Gateway,
	requester: [u8; 32],
	upload: &Upload,
	body: &[u8],
) -> Result<(StatusCode, Document), ApiError> {
	ensure_own_staff(g, requester).await?;
	ensure_patient_not_deregistered(g, upload.patient).await?;
	let canonical = canonical::canonical_fhir(body).map_err(|e| {
		let code = match e {
			FhirError::NotJson(_) => ErrorCode::NotJson,
			FhirError::NotFhir(_) => ErrorCode::NotFhir,
		};
		ApiError::new(code, e.to_string())
	})?;
	let category_name = format!("{:?}", upload.category);
	let dedup_key = g.master.dedup_key(&dedup_message(
		&upload.patient,
		&category_name,
		canonical.as_bytes(),
		upload.supersedes.as_ref(),
	));
	if let Some(previous) = upload.supersedes {
		// The very same correction again (a client's retry) is answered below as the upload
		// it repeats; anything else must be a correction the chain will accept.
		let known = g.store.by_dedup_key(&dedup_key).map_err(ApiError::store)?;
		if known.is_none_or(|doc| doc.state == State::Failed) {
			check_correction(g, previous, upload.patient, upload.category).await?;
		}
	}

	let new = seal(&g.master, canonical.as_bytes(), upload, category_name, dedup_key, requester);
	let locator = new.locator.clone();
	let store = g.store.clone();
	let inserted = tokio::task::spawn_blocking(move || store.insert(new))
		.await
		.map_err(|e| ApiError::new(ErrorCode::StoreError, e.to_string()))?
		.map_err(ApiError::store)?;
	let locator = match inserted {
		Inserted::New => {
			log::info!("stored {locator} (patient {}), anchoring", ss58(&upload.patient));
			locator
		}
		Inserted::Existing(doc) => {
			if doc.state == State::Failed {
				// Uploading the same document again retries a refused anchor.
				g.store
					.set_state(&doc.locator, State::Stored, None, None, None)
					.map_err(ApiError::store)?;
			} else if matches!(doc.state, State::Anchored | State::InBlock) {
				return Ok((StatusCode::OK, *doc));
			}
			doc.locator
		}
	};
	g.wake_anchorer.notify_one();
	let answer = wait_for_anchor(g, &locator).await?;
	if answer.0 == StatusCode::CREATED {
		crate::fhir::audit::keep_create(g, requester, &answer.1);
	}
	Ok(answer)
}

/// The row an upload of `canonical` stores: a fresh salt and locator, the salted content
/// hash, and the salt and document encrypted under a key of their own (bound to the locator).
fn seal(
	master: &MasterKey,
	canonical: &[u8],
	upload: &Upload,
	category: String,
	dedup_key: [u8; 32],
	uploaded_by: [u8; 32],
) -> NewDocument {
	let mut salt = [0u8; 32];
	rand::rngs::OsRng.fill_bytes(&mut salt);
	let content_hash = canonical::content_hash(&salt, canonical);
	let mut locator_bytes = [0u8; 16];
	rand::rngs::OsRng.fill_bytes(&mut locator_bytes);
	let locator = format!("mcg1:{}", hex::encode(locator_bytes));
	let mut plaintext = Vec::with_capacity(32 + canonical.len());
	plaintext.extend_from_slice(&salt);
	plaintext.extend_from_slice(canonical);
	let sealed = master.seal(&plaintext, locator.as_bytes());
	NewDocument {
		locator,
		dedup_key,
		patient: upload.patient,
		category,
		content_hash,
		ciphertext: sealed.ciphertext,
		wrapped_key: sealed.wrapped_key,
		uploaded_by,
		created_at: auth::now_ms(),
		supersedes: upload.supersedes,
	}
}

/// Wait until the document is anchored (finalized) or refused, or the wait is over.
async fn wait_for_anchor(g: &Gateway, locator: &str) -> Result<(StatusCode, Document), ApiError> {
	let mut changes = g.changed.subscribe();
	let deadline = tokio::time::Instant::now() + g.settings.upload_wait;
	loop {
		let doc = g
			.store
			.by_locator(locator)
			.map_err(ApiError::store)?
			.ok_or_else(|| ApiError::new(ErrorCode::StoreError, "document vanished"))?;
		match doc.state {
			State::Anchored => return Ok((StatusCode::CREATED, doc)),
			State::Failed => return Err(anchor_failure(&doc)),
			State::Destroyed => {
				return Err(ApiError::new(ErrorCode::Destroyed, "the document was destroyed"));
			}
			_ => {}
		}
		tokio::select! {
			_ = changes.changed() => {},
			_ = tokio::time::sleep_until(deadline) => {
				return Ok((StatusCode::ACCEPTED, doc));
			}
		}
	}
}

/// The answer to an upload whose anchor failed (a `failed` row): the document's state with
/// the reason.
fn anchor_failure(doc: &Document) -> ApiError {
	let reason = doc.note.clone().unwrap_or_default();
	let refusal = if reason.starts_with(crate::worker::ANCHOR_MISMATCH) {
		ApiError::new(
			ErrorCode::AnchorMismatch,
			"the document is stored, but the chain's record of this gateway's anchoring \
			 transaction is not this document (see the gateway's log); it is bound to no \
			 record; upload it again to anchor it anew",
		)
	} else {
		// A rule of MedChain's own pallets refused it (403); anything else is the node's or
		// another pallet's refusal (502).
		let code = if reason.starts_with("Consent.")
			|| reason.starts_with("Consortium.")
			|| reason.starts_with("HealthRecords.")
		{
			ErrorCode::AnchorRefused
		} else {
			ErrorCode::AnchorRefusedByNode
		};
		ApiError::new(
			code,
			format!(
				"the document is stored, but the chain refused to anchor it: {reason}; \
				 upload it again to retry once that is fixed"
			),
		)
	};
	refusal.with_fields(document_json(doc))
}

pub(super) async fn upload_status(
	AxumState(g): AxumState<Arc<Gateway>>,
	Path(locator): Path<String>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
) -> ApiResult {
	// A GET has no body (the guard refuses one): its signature is over the empty body.
	let requester = authenticate(&g, &headers, &method, &uri, b"")?;
	ensure_own_staff(&g, requester).await?;
	match g.store.by_locator(&locator).map_err(ApiError::store)? {
		Some(doc) => Ok(Json(document_json(&doc)).into_response()),
		None => Err(ApiError::new(ErrorCode::UnknownLocator, "no upload with this locator")),
	}
}
