//! FHIR R4 at `/fhir` (docs/FHIR.md): the native API's own handlers behind FHIR resources.
//! Every read goes through `service::authorized_read` (the native fetch's signature check,
//! the chain's consent, purpose and logging decision at the best block and the finalized
//! head, the anchor check), every create through `service::store_upload` (the native
//! upload's path and worker); refusals are the native ones with an OperationOutcome body
//! ([`outcome`]). The gateway's own disclosures are kept as AuditEvents ([`audit`]).

pub mod audit;
pub mod capability;
pub mod outcome;

use crate::{
	auth,
	error::{ApiError, ErrorCode},
	service::{
		authenticate, authorized_read, ensure_own_staff, hex32, may_read, parse_category,
		read_body, readable, ss58, store_upload, ApiResult, Gateway, Head, Served, Upload,
	},
	store::{AuditRow, Document, State},
};
use axum::{
	body::Body,
	extract::{Path, State as AxumState},
	http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri},
	response::{IntoResponse, Response},
	routing::get,
	Router,
};
use outcome::FHIR_JSON;
use serde_json::{json, Value};
use sp_core::H256;
use std::sync::Arc;

/// The category codes' system.
pub const CATEGORY_SYSTEM: &str = "urn:medchain:category";
/// The content hash identifier's system.
pub const CONTENT_HASH_SYSTEM: &str = "urn:medchain:content-hash";

/// The most entries a search answers.
const MAX_COUNT: usize = 1000;

/// The FHIR routes, with their full paths (the signature is over the path as sent).
pub fn routes() -> Router<Arc<Gateway>> {
	Router::new()
		.route("/fhir", axum::routing::post(create_or_transaction))
		.route("/fhir/metadata", get(metadata))
		.route("/fhir/DocumentReference", get(search_documents))
		.route("/fhir/DocumentReference/{id}", get(read_document_reference))
		.route("/fhir/Binary/{id}", get(read_binary))
		.route("/fhir/AuditEvent", get(search_audit))
		.route("/fhir/AuditEvent/{id}", get(read_audit))
		.route("/fhir/{kind}", get(search_unsupported).post(create_typed))
		.route("/fhir/{kind}/{id}", get(read_stored))
}

/// A FHIR JSON answer.
fn fhir_json(status: StatusCode, value: &Value) -> Response {
	let mut response = (status, value.to_string()).into_response();
	response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
	response
}

/// A record id in a FHIR path: 64 hex digits (a FHIR id has at most 64 characters), or the
/// native `0x` form.
fn parse_id(text: &str) -> Result<H256, ApiError> {
	let digits = text.strip_prefix("0x").unwrap_or(text);
	hex::decode(digits).ok().and_then(|b| <[u8; 32]>::try_from(b).ok()).map(H256).ok_or_else(|| {
		ApiError::new(
			ErrorCode::BadRecordId,
			"a FHIR id here is a record id: 64 hex digits (or 0x + 64 hex digits)",
		)
	})
}

/// A record id as a FHIR id.
fn fhir_id(record: &[u8; 32]) -> String {
	hex::encode(record)
}

/// `GET /fhir/metadata`, public.
async fn metadata(AxumState(g): AxumState<Arc<Gateway>>) -> Response {
	let date = audit::iso_instant(auth::now_ms());
	let statement = capability::capability_statement(
		&ss58(&g.organization),
		env!("CARGO_PKG_VERSION"),
		date.get(..10).unwrap_or("1970-01-01"),
	);
	fhir_json(StatusCode::OK, &statement)
}

/// A search's parameters, each one of `allowed` (anything else: 400 `not-supported`).
fn search_params(uri: &Uri, allowed: &[&str]) -> Result<Vec<(String, String)>, Box<Response>> {
	let params: Vec<(String, String)> = serde_urlencoded::from_str(uri.query().unwrap_or(""))
		.map_err(|e| {
			Box::new(outcome::refusal(ApiError::new(ErrorCode::BadQuery, e.to_string()), "invalid"))
		})?;
	for (name, _) in &params {
		if !allowed.contains(&name.as_str()) {
			return Err(Box::new(outcome::refusal(
				ApiError::new(
					ErrorCode::BadQuery,
					format!("search parameter {name} is not supported here: only {allowed:?}"),
				),
				"not-supported",
			)));
		}
	}
	format_param(&params)?;
	Ok(params)
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
	params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// `?patient=`: an account (SS58 or 0x hex), optionally as `Patient/<account>`.
fn patient_param(params: &[(String, String)]) -> Result<[u8; 32], ApiError> {
	let value = param(params, "patient").ok_or_else(|| {
		ApiError::new(ErrorCode::BadPatient, "?patient=<the patient's account> is required")
	})?;
	auth::parse_account(value.strip_prefix("Patient/").unwrap_or(value)).ok_or_else(|| {
		ApiError::new(ErrorCode::BadPatient, "?patient= must be the patient's account (SS58)")
	})
}

fn count_param(params: &[(String, String)]) -> Result<usize, ApiError> {
	match param(params, "_count") {
		None => Ok(MAX_COUNT),
		Some(n) => n
			.parse::<usize>()
			.map(|n| n.min(MAX_COUNT))
			.map_err(|_| ApiError::new(ErrorCode::BadQuery, "_count must be a number")),
	}
}

fn format_param(params: &[(String, String)]) -> Result<(), Box<Response>> {
	match param(params, "_format") {
		None | Some("json") | Some("application/json") | Some("application/fhir+json") => Ok(()),
		Some(other) => Err(Box::new(outcome::refusal(
			ApiError::new(ErrorCode::BadQuery, format!("_format={other}: only json is served")),
			"not-supported",
		))),
	}
}

/// A searchset Bundle of `resources`.
fn searchset(uri: &Uri, resources: Vec<Value>) -> Value {
	let entries: Vec<Value> = resources
		.into_iter()
		.map(|r| json!({ "resource": r, "search": { "mode": "match" } }))
		.collect();
	json!({
		"resourceType": "Bundle",
		"type": "searchset",
		"total": entries.len(),
		"link": [{ "relation": "self", "url": uri.to_string() }],
		"entry": entries,
	})
}

/// The DocumentReference of a document held here and anchored.
pub fn document_reference(
	doc: &Document,
	record: &[u8; 32],
	content_hash: &[u8; 32],
	org: &[u8; 32],
) -> Value {
	let mut reference = json!({
		"resourceType": "DocumentReference",
		"id": fhir_id(record),
		"status": "current",
		"identifier": [
			{ "system": audit::RECORD, "value": hex32(record) },
			{ "system": CONTENT_HASH_SYSTEM, "value": hex32(content_hash) },
		],
		"category": [{ "coding": [{ "system": CATEGORY_SYSTEM, "code": doc.category }] }],
		"subject": { "identifier": { "system": audit::ACCOUNT, "value": ss58(&doc.patient) } },
		"custodian": { "identifier": { "system": audit::ORGANIZATION, "value": ss58(org) } },
		"content": [{
			"attachment": {
				"contentType": FHIR_JSON,
				"url": format!("/fhir/Binary/{}", fhir_id(record)),
			},
		}],
	});
	if let Some(previous) = doc.supersedes {
		reference["relatesTo"] = json!([{
			"code": "replaces",
			"target": { "identifier": { "system": audit::RECORD, "value": hex32(&previous) } },
		}]);
	}
	reference
}

/// `GET /fhir/DocumentReference?patient=…`: the patient's documents held here that the
/// chain lets the requester read now (each decided as a fetch would be), across categories.
async fn search_documents(
	AxumState(g): AxumState<Arc<Gateway>>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
) -> ApiResult {
	let requester = authenticate(&g, &headers, &method, &uri, b"")?;
	let params = match search_params(&uri, capability::DOCUMENT_SEARCH) {
		Ok(p) => p,
		Err(refused) => return Ok(*refused),
	};
	let patient = patient_param(&params)?;
	let category = match param(&params, "category") {
		None => None,
		Some(token) => {
			let code = match token.split_once('|') {
				Some((system, code)) if system.is_empty() || system == CATEGORY_SYSTEM => code,
				Some(_) => "",
				None => token,
			};
			Some(parse_category(code).map(|c| format!("{c:?}")).ok_or_else(|| {
				ApiError::new(
					ErrorCode::BadCategory,
					format!("category {token} is no MedChain record category"),
				)
			})?)
		}
	};
	let count = count_param(&params)?;
	let best = readable(&g, Head::Best).await?;
	let docs = g.store.live().map_err(ApiError::store)?;
	let mut found = Vec::new();
	for doc in docs {
		if found.len() >= count {
			break;
		}
		let Some(record) = doc.record_id else { continue };
		if doc.patient != patient
			|| doc.state != State::Anchored
			|| category.as_ref().is_some_and(|c| *c != doc.category)
		{
			continue;
		}
		if may_read(&g, requester, H256(record), best).await? {
			found.push(document_reference(&doc, &record, &doc.content_hash, &g.organization));
		}
	}
	audit::keep_search(&g, requester, patient)?;
	Ok(fhir_json(StatusCode::OK, &searchset(&uri, found)))
}

/// A read by the native rules: signed, decided by the chain, audited.
async fn read(
	g: &Gateway,
	id: &str,
	method: &Method,
	uri: &Uri,
	headers: &HeaderMap,
) -> Result<Served, ApiError> {
	let requester = authenticate(g, headers, method, uri, b"")?;
	let record = parse_id(id)?;
	authorized_read(g, requester, record, "read").await
}

/// `GET /fhir/DocumentReference/<record id>`.
async fn read_document_reference(
	AxumState(g): AxumState<Arc<Gateway>>,
	Path(id): Path<String>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
) -> ApiResult {
	let served = read(&g, &id, &method, &uri, &headers).await?;
	let reference =
		document_reference(&served.doc, &served.record_id.0, &served.anchored, &g.organization);
	Ok(fhir_json(StatusCode::OK, &reference))
}

/// Whether the client asked for FHIR JSON (a Binary resource) rather than the raw document.
fn wants_fhir(headers: &HeaderMap, uri: &Uri) -> bool {
	let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
	accept.contains("fhir+json") || uri.query().is_some_and(|q| q.contains("_format="))
}

/// `GET /fhir/Binary/<record id>`: the stored document (a disclosure: exactly the native
/// fetch). With `Accept: application/fhir+json` a Binary resource (base64 data), otherwise
/// the document itself with the native `x-medchain-*` headers (salt and content hash).
async fn read_binary(
	AxumState(g): AxumState<Arc<Gateway>>,
	Path(id): Path<String>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
) -> ApiResult {
	let served = read(&g, &id, &method, &uri, &headers).await?;
	if wants_fhir(&headers, &uri) {
		let binary = json!({
			"resourceType": "Binary",
			"id": fhir_id(&served.record_id.0),
			"contentType": FHIR_JSON,
			"data": base64(&served.canonical),
		});
		let mut response = fhir_json(StatusCode::OK, &binary);
		copy_native_headers(&mut response, served);
		return Ok(response);
	}
	Ok(crate::service::served_response(served))
}

/// The native fetch's `x-medchain-*` headers on a FHIR answer.
fn copy_native_headers(response: &mut Response, served: Served) {
	let native = crate::service::served_response(served);
	for (name, value) in native.headers() {
		if name.as_str().starts_with("x-medchain-") {
			response.headers_mut().insert(name.clone(), value.clone());
		}
	}
}

/// `GET /fhir/<Type>/<record id>`: the stored document itself, as anchored, if it is a
/// resource of that type (otherwise 404 UnknownRecord).
async fn read_stored(
	AxumState(g): AxumState<Arc<Gateway>>,
	Path((kind, id)): Path<(String, String)>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
) -> ApiResult {
	let served = read(&g, &id, &method, &uri, &headers).await?;
	let stored_kind = serde_json::from_slice::<Value>(&served.canonical)
		.ok()
		.and_then(|v| v["resourceType"].as_str().map(str::to_owned));
	if stored_kind.as_deref() != Some(kind.as_str()) {
		return Err(ApiError::new(
			ErrorCode::UnknownRecord,
			format!("the document of this record is no {kind}"),
		));
	}
	Ok(crate::service::served_response(served))
}

/// `GET /fhir/<Type>` for any other type: no search but DocumentReference and AuditEvent.
async fn search_unsupported(Path(kind): Path<String>) -> Response {
	outcome::refusal(
		ApiError::new(
			ErrorCode::BadQuery,
			format!("search of {kind} is not supported: search DocumentReference?patient=… and read the documents"),
		),
		"not-supported",
	)
}

/// The requester may read `patient`'s audit events: the patient, or this gateway's
/// organization's staff.
async fn may_read_audit(
	g: &Gateway,
	requester: [u8; 32],
	patient: Option<[u8; 32]>,
) -> Result<(), ApiError> {
	if patient == Some(requester) {
		return Ok(());
	}
	ensure_own_staff(g, requester).await
}

fn audit_resource(row: &AuditRow) -> Option<Value> {
	let mut event: Value = serde_json::from_str(&row.event).ok()?;
	event["id"] = json!(row.id.to_string());
	Some(event)
}

/// `GET /fhir/AuditEvent?patient=…`: this gateway's audit events about the patient, newest
/// first.
async fn search_audit(
	AxumState(g): AxumState<Arc<Gateway>>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
) -> ApiResult {
	let requester = authenticate(&g, &headers, &method, &uri, b"")?;
	let params = match search_params(&uri, capability::AUDIT_SEARCH) {
		Ok(p) => p,
		Err(refused) => return Ok(*refused),
	};
	let patient = patient_param(&params)?;
	let count = count_param(&params)?;
	may_read_audit(&g, requester, Some(patient)).await?;
	let rows = g.store.audits_of(&patient, count).map_err(ApiError::store)?;
	let events = rows.iter().filter_map(audit_resource).collect();
	Ok(fhir_json(StatusCode::OK, &searchset(&uri, events)))
}

/// `GET /fhir/AuditEvent/<id>`.
async fn read_audit(
	AxumState(g): AxumState<Arc<Gateway>>,
	Path(id): Path<String>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
) -> ApiResult {
	let requester = authenticate(&g, &headers, &method, &uri, b"")?;
	let unknown = || ApiError::new(ErrorCode::UnknownRecord, "no such audit event");
	let id = id.parse::<u64>().map_err(|_| unknown())?;
	let row = g.store.audit(id).map_err(ApiError::store)?;
	// Whether it exists is told only to those who may read it.
	may_read_audit(&g, requester, row.as_ref().and_then(|r| r.patient)).await?;
	let event = row.as_ref().and_then(audit_resource).ok_or_else(unknown)?;
	Ok(fhir_json(StatusCode::OK, &event))
}

/// The signed body of a POST, read as the native upload reads it (after the guard, bounded
/// in size and time).
async fn signed_body(
	g: &Gateway,
	method: &Method,
	uri: &Uri,
	headers: &HeaderMap,
	body: Body,
) -> Result<([u8; 32], Value, Vec<u8>), ApiError> {
	let body = read_body(g, body).await?;
	let requester = authenticate(g, headers, method, uri, &body)?;
	let value: Value = serde_json::from_slice(&body)
		.map_err(|e| ApiError::new(ErrorCode::NotJson, format!("the body is not JSON: {e}")))?;
	Ok((requester, value, body.to_vec()))
}

/// Where a created resource goes: `?patient=` and `?category=` of `query`, else the resource's
/// own `subject`/`patient` identifier (system `urn:medchain:account`; a Patient's own
/// `identifier`) and its `meta.tag` of system `urn:medchain:category`.
fn target(resource: &Value, query: Option<&str>) -> Result<Upload, ApiError> {
	let params: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
		.map_err(|e| ApiError::new(ErrorCode::BadQuery, e.to_string()))?;
	let account_in = |v: &Value| -> Option<String> {
		let ids = match v {
			Value::Array(a) => a.clone(),
			other => vec![other.clone()],
		};
		ids.iter()
			.find(|i| i["system"] == audit::ACCOUNT)
			.and_then(|i| i["value"].as_str().map(str::to_owned))
	};
	let patient = param(&params, "patient")
		.map(str::to_owned)
		.or_else(|| account_in(&resource["subject"]["identifier"]))
		.or_else(|| account_in(&resource["patient"]["identifier"]))
		.or_else(|| {
			(resource["resourceType"] == "Patient").then(|| account_in(&resource["identifier"])).flatten()
		})
		.and_then(|p| auth::parse_account(&p))
		.ok_or_else(|| {
			ApiError::new(
				ErrorCode::BadPatient,
				"no patient: give ?patient=<account> or the resource's subject.identifier {system urn:medchain:account, value <account>}",
			)
		})?;
	let category = param(&params, "category")
		.map(str::to_owned)
		.or_else(|| {
			resource["meta"]["tag"].as_array().and_then(|tags| {
				tags.iter()
					.find(|t| t["system"] == CATEGORY_SYSTEM)
					.and_then(|t| t["code"].as_str().map(str::to_owned))
			})
		})
		.and_then(|c| parse_category(&c))
		.ok_or_else(|| {
			ApiError::new(
				ErrorCode::BadCategory,
				"no category: give ?category=<RecordCategory> or a meta.tag {system urn:medchain:category, code <RecordCategory>}",
			)
		})?;
	Ok(Upload { patient, category, supersedes: None })
}

/// One create: stored and anchored through the native upload's path. The location and
/// status (`201 Created`, `200 OK` for the same document again, `202 Accepted` if the anchor
/// is not final within the wait).
async fn create_one(
	g: &Gateway,
	requester: [u8; 32],
	resource: &Value,
	query: Option<&str>,
) -> Result<(StatusCode, Document, String), ApiError> {
	let kind = resource["resourceType"].as_str().unwrap_or_default().to_owned();
	let upload = target(resource, query)?;
	let body = serde_json::to_vec(resource)
		.map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
	let (status, doc) = store_upload(g, requester, &upload, &body).await?;
	let location = match doc.record_id {
		Some(record) => format!("{kind}/{}", fhir_id(&record)),
		None => format!("/v1/uploads/{}", doc.locator),
	};
	Ok((status, doc, location))
}

fn status_line(status: StatusCode) -> String {
	format!("{} {}", status.as_u16(), status.canonical_reason().unwrap_or(""))
}

/// The answer to a single create: the resource as posted, with `Location`.
fn created(status: StatusCode, doc: &Document, location: &str, resource: &Value) -> Response {
	let mut response = fhir_json(status, resource);
	let h = response.headers_mut();
	let absolute =
		if location.starts_with('/') { location.to_owned() } else { format!("/fhir/{location}") };
	if let Ok(v) = HeaderValue::from_str(&absolute) {
		h.insert(header::LOCATION, v);
	}
	if let Ok(v) = HeaderValue::from_str(&hex32(&doc.content_hash)) {
		h.insert("x-medchain-content-hash", v);
	}
	if let Some(v) = doc.record_id.and_then(|r| HeaderValue::from_str(&hex32(&r)).ok()) {
		h.insert("x-medchain-record-id", v);
	}
	response
}

/// `POST /fhir/<Type>`: create a resource of that type.
async fn create_typed(
	AxumState(g): AxumState<Arc<Gateway>>,
	Path(kind): Path<String>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
	body: Body,
) -> ApiResult {
	let (requester, resource, _) = signed_body(&g, &method, &uri, &headers, body).await?;
	if resource["resourceType"].as_str() != Some(kind.as_str()) {
		return Err(ApiError::new(
			ErrorCode::NotFhir,
			format!("POST /fhir/{kind} takes a {kind} resource"),
		));
	}
	let (status, doc, location) = create_one(&g, requester, &resource, uri.query()).await?;
	Ok(created(status, &doc, &location, &resource))
}

/// `POST /fhir`: a single resource (as `POST /fhir/<its type>`) or a transaction (or batch)
/// Bundle of POST entries, each stored and anchored as its own upload, in order.
async fn create_or_transaction(
	AxumState(g): AxumState<Arc<Gateway>>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
	body: Body,
) -> ApiResult {
	let (requester, resource, _) = signed_body(&g, &method, &uri, &headers, body).await?;
	if resource["resourceType"] != "Bundle" {
		if !resource["resourceType"].is_string() {
			return Err(ApiError::new(ErrorCode::NotFhir, "the body is no FHIR resource"));
		}
		let (status, doc, location) = create_one(&g, requester, &resource, uri.query()).await?;
		return Ok(created(status, &doc, &location, &resource));
	}
	let kind = resource["type"].as_str().unwrap_or_default();
	if kind != "transaction" && kind != "batch" {
		return Ok(outcome::refusal(
			ApiError::new(
				ErrorCode::NotFhir,
				format!("a Bundle of type {kind:?}: only transaction and batch are processed"),
			),
			"not-supported",
		));
	}
	let entries = resource["entry"].as_array().cloned().unwrap_or_default();
	// Every entry is checked before any is stored.
	let mut planned = Vec::with_capacity(entries.len());
	for (i, entry) in entries.iter().enumerate() {
		let method = entry["request"]["method"].as_str().unwrap_or("POST");
		if method != "POST" {
			return Ok(outcome::refusal(
				ApiError::new(
					ErrorCode::BadQuery,
					format!("entry {i}: only POST (create) entries are processed, not {method}"),
				),
				"not-supported",
			));
		}
		let res = entry["resource"].clone();
		if !res["resourceType"].is_string() || res["resourceType"] == "Bundle" {
			return Err(ApiError::new(ErrorCode::NotFhir, format!("entry {i} has no resource")));
		}
		let query = entry["request"]["url"]
			.as_str()
			.and_then(|u| u.split_once('?').map(|(_, q)| q.to_owned()))
			.or_else(|| uri.query().map(str::to_owned));
		target(&res, query.as_deref()).map_err(|e| {
			ApiError::new(
				e.code(),
				format!("entry {i}: {}", e.body()["message"].as_str().unwrap_or("")),
			)
		})?;
		planned.push((res, query));
	}
	let mut responses = Vec::with_capacity(planned.len());
	for (i, (res, query)) in planned.iter().enumerate() {
		match create_one(&g, requester, res, query.as_deref()).await {
			Ok((status, doc, location)) => responses.push(json!({
				"response": {
					"status": status_line(status),
					"location": location,
					"etag": format!("W/\"{}\"", hex32(&doc.content_hash)),
				},
			})),
			Err(e) => {
				let message = e.body()["message"].as_str().unwrap_or("").to_owned();
				return Err(ApiError::new(
					e.code(),
					format!("entry {i}: {message} (the {i} entries before it are stored and anchored: {})", responses.iter().filter_map(|r| r["response"]["location"].as_str()).collect::<Vec<_>>().join(", ")),
				));
			}
		}
	}
	let answer = json!({
		"resourceType": "Bundle",
		"type": format!("{kind}-response"),
		"entry": responses,
	});
	Ok(fhir_json(StatusCode::OK, &answer))
}

/// Standard base64 (with padding), for a Binary's `data`.
fn base64(bytes: &[u8]) -> String {
	const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
	for chunk in bytes.chunks(3) {
		let byte = |i: usize| chunk.get(i).copied().unwrap_or(0);
		let b = [byte(0), byte(1), byte(2)];
		let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
		for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
			if i <= chunk.len() {
				out.push(char::from(ALPHABET[(n >> shift) as usize & 63]));
			} else {
				out.push('=');
			}
		}
	}
	out
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn base64_is_the_standard_alphabet_with_padding() {
		assert_eq!(base64(b""), "");
		assert_eq!(base64(b"f"), "Zg==");
		assert_eq!(base64(b"fo"), "Zm8=");
		assert_eq!(base64(b"foo"), "Zm9v");
		assert_eq!(base64(b"{\"a\":1}"), "eyJhIjoxfQ==");
	}

	#[test]
	fn a_created_resource_goes_to_the_patient_and_category_it_names() {
		let patient = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		let obs = json!({
			"resourceType": "Observation",
			"meta": { "tag": [{ "system": CATEGORY_SYSTEM, "code": "LabResults" }] },
			"subject": { "identifier": { "system": audit::ACCOUNT, "value": patient } },
		});
		let upload = target(&obs, None).expect("target");
		assert_eq!(format!("{:?}", upload.category), "LabResults");
		assert_eq!(Some(upload.patient), auth::parse_account(patient));
		// The query wins; without either, refused by name.
		let upload = target(&obs, Some("category=Imaging")).expect("target");
		assert_eq!(format!("{:?}", upload.category), "Imaging");
		let bare = json!({ "resourceType": "Observation" });
		assert_eq!(target(&bare, None).err().map(|e| e.code()), Some(ErrorCode::BadPatient));
	}

	#[test]
	fn a_fhir_id_is_the_record_id_in_64_hex_digits() {
		let record = [0xab; 32];
		assert_eq!(fhir_id(&record).len(), 64);
		assert_eq!(parse_id(&fhir_id(&record)).ok(), Some(H256(record)));
		assert_eq!(parse_id(&hex32(&record)).ok(), Some(H256(record)));
		assert_eq!(parse_id("hb-1").err().map(|e| e.code()), Some(ErrorCode::BadRecordId));
	}

	mod through_the_router {
		use crate::{
			auth,
			mock_node::{self, MockNode},
			service::{router, Gateway},
		};
		use axum::{
			body::Body,
			http::{Request, StatusCode},
		};
		use codec::Encode;
		use medchain_primitives::RecordCategory;
		use pallet_consent::{ReadDecision, ReadRefusal};
		use sp_core::{crypto::AccountId32, sr25519, Pair};
		use std::sync::Arc;
		use tower::ServiceExt;

		const RECORD: [u8; 32] = [0x77; 32];
		const DOCUMENT: &[u8] = br#"{"resourceType":"Observation","status":"final"}"#;

		async fn get(
			g: &Arc<Gateway>,
			who: Option<&sr25519::Pair>,
			path: &str,
		) -> (StatusCode, serde_json::Value, Vec<u8>) {
			let mut builder = Request::builder().uri(path);
			if let Some(who) = who {
				let headers = auth::sign(
					who,
					crate::mock_node::TEST_ORIGIN,
					g.verifier.audience(),
					"GET",
					path,
					auth::now_ms(),
					&auth::fresh_nonce(),
					b"",
				);
				for (name, value) in headers {
					builder = builder.header(name, value);
				}
			}
			let response = router(g.clone())
				.oneshot(builder.body(Body::empty()).expect("request"))
				.await
				.expect("answered");
			let status = response.status();
			let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("body");
			(status, serde_json::from_slice(&bytes).unwrap_or_default(), bytes.to_vec())
		}

		fn decide(node: &MockNode, decision: ReadDecision<AccountId32, u32>) {
			node.with(|s| {
				s.calls.insert("GatewayApi_read_decision".into(), decision.encode());
			});
		}

		#[tokio::test]
		async fn fhir_reads_are_decided_refused_and_audited_exactly_as_native_fetches() {
			let node = MockNode::start().await;
			let dir = tempfile::tempdir().expect("tempdir");
			let staff = sr25519::Pair::from_string("//Staff", None).expect("key");
			let g = mock_node::gateway(&node, dir.path(), &staff).await;
			let patient = [0x44; 32];
			mock_node::put_servable_document(&node, &g, "mcg1:f", patient, RECORD, DOCUMENT);
			let reader = sr25519::Pair::from_string("//Reader", None).expect("key");
			let id = hex::encode(RECORD);
			let native = format!("/v1/records/0x{id}");
			decide(
				&node,
				ReadDecision::Refused {
					patient: AccountId32::from(patient),
					category: RecordCategory::LabResults,
					reason: ReadRefusal::NotLogged,
				},
			);
			let (native_status, native_body, _) = get(&g, Some(&reader), &native).await;
			assert_eq!(native_body["error"], "NotLogged");
			for path in [
				format!("/fhir/Binary/{id}"),
				format!("/fhir/DocumentReference/{id}"),
				format!("/fhir/Observation/{id}"),
			] {
				let (status, outcome, _) = get(&g, Some(&reader), &path).await;
				assert_eq!(status, native_status, "{path}: {outcome}");
				assert_eq!(outcome["resourceType"], "OperationOutcome", "{path}");
				assert_eq!(outcome["issue"][0]["details"]["coding"][0]["code"], "NotLogged");
				assert_eq!(outcome["issue"][0]["code"], "forbidden");
			}
			// Unsigned, and an unknown path: the native refusals, as OperationOutcomes.
			let (status, outcome, _) = get(&g, None, &format!("/fhir/Binary/{id}")).await;
			assert_eq!(status, StatusCode::UNAUTHORIZED);
			assert_eq!(
				outcome["issue"][0]["details"]["coding"][0]["code"],
				"MissingSignatureHeader"
			);
			let (status, outcome, _) = get(&g, Some(&reader), "/fhir/Observation?code=x").await;
			assert_eq!(
				(status, outcome["issue"][0]["code"].as_str()),
				(StatusCode::BAD_REQUEST, Some("not-supported"))
			);
			// The metadata is public.
			let (status, statement, _) = get(&g, None, "/fhir/metadata").await;
			assert_eq!(
				(status, statement["fhirVersion"].as_str()),
				(StatusCode::OK, Some("4.0.1"))
			);

			// Granted (a logged Treatment read) in the next blocks (decisions are cached per
			// block): the same bytes as the native fetch.
			node.with(|s| {
				s.best = 12;
				s.finalized = 12;
			});
			decide(
				&node,
				ReadDecision::Logged {
					patient: AccountId32::from(patient),
					category: RecordCategory::LabResults,
					organization: AccountId32::from([0x43; 32]),
					consent_id: 1,
					logged_at: 1,
					logged_in: Some(pallet_consent::ChainPosition { block: 11, extrinsic: 2 }),
					emergency: false,
				},
			);
			let (status, body, bytes) = get(&g, Some(&reader), &format!("/fhir/Binary/{id}")).await;
			assert_eq!(status, StatusCode::OK, "{body}");
			assert_eq!(bytes, DOCUMENT);
			let (_, reference, _) =
				get(&g, Some(&reader), &format!("/fhir/DocumentReference/{id}")).await;
			assert_eq!(reference["identifier"][0]["value"], format!("0x{id}"));
			let (_, bundle, _) = get(
				&g,
				Some(&reader),
				&format!("/fhir/DocumentReference?patient=0x{}", hex::encode(patient)),
			)
			.await;
			assert_eq!(bundle["total"], 1, "{bundle}");

			// Audited: 4 refused reads (native and FHIR), then served ones with TREAT.
			let kept = g.store.audits_of(&patient, 100).expect("audit");
			let events: Vec<serde_json::Value> =
				kept.iter().filter_map(|r| serde_json::from_str(&r.event).ok()).collect();
			let refused: Vec<_> = events.iter().filter(|e| e["outcome"] == "4").collect();
			assert_eq!(refused.len(), 4, "{events:?}");
			assert!(refused.iter().all(|e| e["outcomeDesc"] == "NotLogged"));
			let served =
				events.iter().find(|e| e["outcome"] == "0" && e["subtype"][0]["code"] == "read");
			let served = served.cloned().unwrap_or_default();
			assert_eq!(served["purposeOfEvent"][0]["coding"][0]["code"], "TREAT");
			// The chain's access-log extrinsic the read was granted under is its source.
			let extrinsic = served["entity"].as_array().and_then(|e| {
				e.iter()
					.find(|e| e["what"]["identifier"]["system"] == crate::fhir::audit::EXTRINSIC)
			});
			assert_eq!(
				extrinsic.map(|e| e["what"]["identifier"]["value"].clone()),
				Some(serde_json::json!("11-2")),
				"{served}"
			);
			// A refusal names no extrinsic.
			assert!(refused.iter().all(|e| !e.to_string().contains(crate::fhir::audit::EXTRINSIC)));
			assert_eq!(
				served["agent"][1]["who"]["identifier"]["value"],
				AccountId32::from([0x43; 32]).to_string()
			);
			assert!(events.iter().any(|e| e["subtype"][0]["code"] == "search-type"));
			// Own staff read them; anyone else (not the patient, not own staff) does not.
			let (status, _, _) = get(
				&g,
				Some(&staff),
				&format!("/fhir/AuditEvent?patient=0x{}", hex::encode(patient)),
			)
			.await;
			assert_eq!(status, StatusCode::OK);
			let (status, outcome, _) = get(
				&g,
				Some(&reader),
				&format!("/fhir/AuditEvent?patient=0x{}", hex::encode(patient)),
			)
			.await;
			assert_eq!(status, StatusCode::FORBIDDEN, "{outcome}");
			assert_eq!(
				outcome["issue"][0]["details"]["coding"][0]["code"],
				"NotStaffOfThisOrganization"
			);
		}
	}
}
