//! Refusals under `/fhir`: the native answer (its status, its `Retry-After`, its reason code)
//! with an OperationOutcome body instead of `{"error", "message"}`. The reason code is kept
//! as `issue.details.coding` (system `urn:medchain:reason`), the same string the native API
//! answers in `error`.

use crate::error::{ApiError, ErrorCode};
use axum::{
	body::Body,
	extract::Request,
	http::{header, HeaderValue},
	middleware::Next,
	response::{IntoResponse, Response},
};
use serde_json::{json, Value};

/// The system of the native reason codes in an OperationOutcome's `details.coding`.
pub const REASON_SYSTEM: &str = "urn:medchain:reason";

/// FHIR's content type.
pub const FHIR_JSON: &str = "application/fhir+json";

/// The OperationOutcome `issue.code` (FHIR IssueType) for a native reason.
pub fn issue_code(code: ErrorCode) -> &'static str {
	use ErrorCode::*;
	match code {
		BadRecordId | BadPatient | BadCategory | BadQuery | BadSupersedes | BodyNotAllowed => {
			"invalid"
		}
		HttpsRequired => "security",
		MissingSignatureHeader | BadAccount | BadTimestamp | BadNonce | BadSignature => "login",
		StaleTimestamp | FutureTimestamp | SignedBeforeRestart => "expired",
		ReplayedNonce | WrongOrigin => "security",
		NotStaff
		| OrganizationInactive
		| NotLogged
		| NoConsent
		| RevokedConsent
		| ExpiredConsent
		| ReadNotGranted
		| CategoryNotCovered
		| PurposeNotPermitted
		| NotStaffOfThisOrganization
		| OriginNotAllowed
		| CorsMethodNotAllowed
		| CorsHeaderNotAllowed => "forbidden",
		SupersedesForeignRecord | AnchorRefused | AnchorRefusedByNode => "business-rule",
		UnknownRecord | UnknownLocator | NoSuchEndpoint => "not-found",
		RequestTimeout => "timeout",
		SupersedesSealedRecord | SupersedesOldVersion => "conflict",
		Gone | Destroyed | PatientDeregistered => "deleted",
		TooLarge => "too-costly",
		NotJson | NotFhir => "structure",
		SupersedesUnknownRecord | SupersedesMismatch => "business-rule",
		IpRateLimited | IdentityRateLimited | Busy => "throttled",
		NotFinal | ChainUnavailable | RuntimeIncompatible => "transient",
		Tampered | AnchorMismatch | StoreError | Internal => "exception",
	}
}

/// An OperationOutcome for the native reason `reason` (its wire name), with FHIR issue type
/// `issue` and the native message.
pub fn operation_outcome(reason: &str, issue: &str, message: &str) -> Value {
	json!({
		"resourceType": "OperationOutcome",
		"issue": [{
			"severity": "error",
			"code": issue,
			"details": {
				"coding": [{ "system": REASON_SYSTEM, "code": reason }],
				"text": message,
			},
		}],
	})
}

/// The OperationOutcome of a native refusal.
#[cfg(test)]
pub fn of_error(e: &ApiError) -> Value {
	let body = e.body();
	let message = body["message"].as_str().unwrap_or_default();
	operation_outcome(e.code().name(), issue_code(e.code()), message)
}

/// `e`'s native answer (status, headers, reason for the metrics) with `outcome` as its body.
pub fn respond(e: ApiError, outcome: Value) -> Response {
	let (mut parts, _) = e.into_response().into_parts();
	parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
	parts.headers.remove(header::CONTENT_LENGTH);
	Response::from_parts(parts, Body::from(outcome.to_string()))
}

/// A refusal of the FHIR API's own (e.g. a search parameter it does not support): the native
/// reason `e` gives the status and the reason code; `issue` the FHIR issue type.
pub fn refusal(e: ApiError, issue: &str) -> Response {
	let body = e.body();
	let outcome =
		operation_outcome(e.code().name(), issue, body["message"].as_str().unwrap_or_default());
	respond(e, outcome)
}

/// The largest native refusal body read back (they are a sentence long).
const MAX_REFUSAL_BODY: usize = 64 * 1024;

/// The outermost layer: any refusal of a request under `/fhir` (a native [`ApiError`]
/// answer, the guard's included) gets an OperationOutcome body; its status and headers stay.
pub async fn layer(request: Request, next: Next) -> Response {
	let path = request.uri().path();
	let fhir = path == "/fhir" || path.starts_with("/fhir/");
	let response = next.run(request).await;
	if !fhir {
		return response;
	}
	let Some(code) = response.extensions().get::<ErrorCode>().copied() else {
		return response;
	};
	let already = response
		.headers()
		.get(header::CONTENT_TYPE)
		.is_some_and(|v| v.as_bytes().starts_with(FHIR_JSON.as_bytes()));
	if already {
		return response;
	}
	let (mut parts, body) = response.into_parts();
	let message = axum::body::to_bytes(body, MAX_REFUSAL_BODY)
		.await
		.ok()
		.and_then(|b| serde_json::from_slice::<Value>(&b).ok())
		.and_then(|v| v["message"].as_str().map(str::to_owned))
		.unwrap_or_default();
	let outcome = operation_outcome(code.name(), issue_code(code), &message);
	parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
	parts.headers.remove(header::CONTENT_LENGTH);
	Response::from_parts(parts, Body::from(outcome.to_string()))
}

#[cfg(test)]
mod tests {
	use super::*;
	use axum::http::StatusCode;
	use pallet_consent::ReadRefusal;

	#[test]
	fn a_refusal_is_an_operation_outcome_with_the_native_reason_code() {
		for (reason, name) in [
			(ReadRefusal::NotLogged, "NotLogged"),
			(ReadRefusal::NoConsent, "NoConsent"),
			(ReadRefusal::PurposeNotPermitted, "PurposeNotPermitted"),
		] {
			let e = ApiError::refused(reason);
			let outcome = of_error(&e);
			assert_eq!(outcome["resourceType"], "OperationOutcome");
			let issue = &outcome["issue"][0];
			assert_eq!(issue["severity"], "error");
			assert_eq!(issue["code"], "forbidden");
			assert_eq!(issue["details"]["coding"][0]["system"], REASON_SYSTEM);
			assert_eq!(issue["details"]["coding"][0]["code"], name);
			assert_eq!(issue["details"]["text"], e.body()["message"]);
		}
		let unknown = ApiError::new(ErrorCode::UnknownRecord, "no such record");
		assert_eq!(of_error(&unknown)["issue"][0]["code"], "not-found");
		let unsigned = ApiError::new(ErrorCode::MissingSignatureHeader, "sign it");
		assert_eq!(of_error(&unsigned)["issue"][0]["code"], "login");
	}

	#[test]
	fn the_fhir_answer_keeps_the_native_status_and_retry_after() {
		let e = ApiError::new(ErrorCode::NotFinal, "wait").retry_after(6);
		let outcome = of_error(&e);
		let response = respond(e, outcome);
		assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
		assert_eq!(
			response.headers().get(header::CONTENT_TYPE).map(|v| v.as_bytes()),
			Some(FHIR_JSON.as_bytes())
		);
		assert_eq!(
			response.headers().get(header::RETRY_AFTER).map(|v| v.as_bytes()),
			Some(&b"6"[..])
		);
		assert_eq!(response.extensions().get::<ErrorCode>(), Some(&ErrorCode::NotFinal));
	}

	#[test]
	fn every_reason_has_an_issue_type_and_client_errors_are_not_exceptions() {
		for code in ErrorCode::ALL {
			let issue = issue_code(*code);
			assert!(!issue.is_empty());
			if code.status().is_client_error() {
				assert_ne!(issue, "exception", "{code:?}");
			}
		}
	}
}
