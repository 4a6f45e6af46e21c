//! Every refusal the gateway answers: a reason code ([`ErrorCode`]), which gives the HTTP
//! status and the wire name, and [`ApiError`], the answer itself: a JSON body
//! `{"error": "<Code>", "message": "<sentence>"}`, with `Retry-After` where the client should
//! try again. The wire names are what clients match on (openapi.yaml lists them all under
//! `Error.error`; README.md says when each is answered): a variant may be renamed, its wire
//! name must not change.

use crate::{auth::AuthError, chain::ChainError, store::StoreError};
use axum::{
	http::{header, HeaderValue, StatusCode},
	response::{IntoResponse, Response},
	Json,
};
use pallet_consent::ReadRefusal;
use serde_json::json;
use std::time::Duration;

/// Declares [`ErrorCode`] from one table, a row per reason: `Variant => (STATUS, "WireName")`.
/// The enum, [`ErrorCode::ALL`] and the match of [`ErrorCode::status_and_name`] all come
/// from that table, so no reason can lack a status, a name, or its place in `ALL`.
macro_rules! error_codes {
	($($(#[doc = $doc:literal])* $variant:ident => ($status:ident, $name:literal),)*) => {
		/// Why a request is refused: the `error` field of the answer.
		#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
		pub enum ErrorCode {
			$($(#[doc = $doc])* $variant,)*
		}

		impl ErrorCode {
			/// Every reason, in the order of the table.
			pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

			/// The HTTP status this reason is answered with, and its wire name.
			const fn status_and_name(self) -> (StatusCode, &'static str) {
				match self {
					$(ErrorCode::$variant => (StatusCode::$status, $name),)*
				}
			}
		}
	};
}

error_codes! {
	/// A path's record id is not `0x` + 32 bytes of hex.
	BadRecordId => (BAD_REQUEST, "BadRecordId"),
	/// An upload's `?patient=` is not an account.
	BadPatient => (BAD_REQUEST, "BadPatient"),
	/// An upload's `?category=` is not a record category.
	BadCategory => (BAD_REQUEST, "BadCategory"),
	/// An upload's query does not parse.
	BadQuery => (BAD_REQUEST, "BadQuery"),
	/// An upload's `?supersedes=` is not a record id.
	BadSupersedes => (BAD_REQUEST, "BadSupersedes"),
	/// A request other than the upload carries a body (refused unread).
	BodyNotAllowed => (BAD_REQUEST, "BodyNotAllowed"),
	/// A plain-http request to a gateway that serves https.
	HttpsRequired => (BAD_REQUEST, "HttpsRequired"),
	/// A signature header is missing.
	MissingSignatureHeader => (UNAUTHORIZED, "MissingSignatureHeader"),
	/// `x-medchain-account` is not an account.
	BadAccount => (UNAUTHORIZED, "BadAccount"),
	/// `x-medchain-timestamp` is not a number of milliseconds.
	BadTimestamp => (UNAUTHORIZED, "BadTimestamp"),
	/// `x-medchain-nonce` is not 16..=64 of `[A-Za-z0-9_-]`.
	BadNonce => (UNAUTHORIZED, "BadNonce"),
	/// The signature is malformed or does not verify for this request at this gateway.
	BadSignature => (UNAUTHORIZED, "BadSignature"),
	/// The request is older than `--max-request-age-secs`.
	StaleTimestamp => (UNAUTHORIZED, "StaleTimestamp"),
	/// The request is from more than the allowed skew ahead.
	FutureTimestamp => (UNAUTHORIZED, "FutureTimestamp"),
	/// The request was signed before the gateway (re)started.
	SignedBeforeRestart => (UNAUTHORIZED, "SignedBeforeRestart"),
	/// The nonce was already used by this account.
	ReplayedNonce => (UNAUTHORIZED, "ReplayedNonce"),
	/// The request was signed for another origin (`x-medchain-origin`) than this gateway's
	/// public ones (`--public-url`): sent to a server that relays to this gateway.
	WrongOrigin => (UNAUTHORIZED, "WrongOrigin"),
	/// The account is no chain identity (neither a patient nor staff or admin of an
	/// organization), at the gate or in the chain's read decision.
	NotStaff => (FORBIDDEN, "NotStaff"),
	/// The requester's organization is suspended.
	OrganizationInactive => (FORBIDDEN, "OrganizationInactive"),
	/// The chain's read decision: no recent read of the record by the requester is logged.
	NotLogged => (FORBIDDEN, "NotLogged"),
	/// The chain's read decision: the consent the read was logged under is gone.
	NoConsent => (FORBIDDEN, "NoConsent"),
	/// The chain's read decision: the patient revoked that consent.
	RevokedConsent => (FORBIDDEN, "RevokedConsent"),
	/// The chain's read decision: that consent expired.
	ExpiredConsent => (FORBIDDEN, "ExpiredConsent"),
	/// The chain's read decision: the consent does not grant read access.
	ReadNotGranted => (FORBIDDEN, "ReadNotGranted"),
	/// The chain's read decision: the consent does not cover the record's category.
	CategoryNotCovered => (FORBIDDEN, "CategoryNotCovered"),
	/// The chain's read decision: the consent's purpose does not open identified documents.
	PurposeNotPermitted => (FORBIDDEN, "PurposeNotPermitted"),
	/// A correction of a record another organization (or the patient) wrote.
	SupersedesForeignRecord => (FORBIDDEN, "SupersedesForeignRecord"),
	/// An upload, upload status or metrics request by someone else's staff.
	NotStaffOfThisOrganization => (FORBIDDEN, "NotStaffOfThisOrganization"),
	/// A browser request from a web origin `--cors-origin` does not list.
	OriginNotAllowed => (FORBIDDEN, "OriginNotAllowed"),
	/// A listed origin's preflight asks for a method the API does not use.
	CorsMethodNotAllowed => (FORBIDDEN, "CorsMethodNotAllowed"),
	/// A listed origin's preflight asks for a request header the API does not use.
	CorsHeaderNotAllowed => (FORBIDDEN, "CorsHeaderNotAllowed"),
	/// The upload is stored, but a rule of the chain's consent, consortium or health-records
	/// pallet refused its anchor (e.g. `Consent.NoConsent`).
	AnchorRefused => (FORBIDDEN, "AnchorRefused"),
	/// The upload is stored, but its anchor failed for another reason (the node refused the
	/// transaction, another pallet's error): the same wire name as [`ErrorCode::AnchorRefused`].
	AnchorRefusedByNode => (BAD_GATEWAY, "AnchorRefused"),
	/// No document held here for this record id, or no such record on chain.
	UnknownRecord => (NOT_FOUND, "UnknownRecord"),
	/// No upload with this locator.
	UnknownLocator => (NOT_FOUND, "UnknownLocator"),
	/// No such route.
	NoSuchEndpoint => (NOT_FOUND, "NoSuchEndpoint"),
	/// The request took longer than `--request-timeout-secs`, or an upload's body longer than
	/// `--body-timeout-secs`.
	RequestTimeout => (REQUEST_TIMEOUT, "RequestTimeout"),
	/// A correction of a sealed record.
	SupersedesSealedRecord => (CONFLICT, "SupersedesSealedRecord"),
	/// A correction of a version that was already corrected.
	SupersedesOldVersion => (CONFLICT, "SupersedesOldVersion"),
	/// The record is sealed, or its patient erased their identity: the document is destroyed.
	Gone => (GONE, "Gone"),
	/// The upload's document was destroyed while it waited for its anchor.
	Destroyed => (GONE, "Destroyed"),
	/// An upload for a patient who deregistered: nothing is stored.
	PatientDeregistered => (GONE, "PatientDeregistered"),
	/// The body is larger than `--max-body-bytes`.
	TooLarge => (PAYLOAD_TOO_LARGE, "TooLarge"),
	/// The upload is not JSON.
	NotJson => (UNPROCESSABLE_ENTITY, "NotJson"),
	/// The upload is not a FHIR resource.
	NotFhir => (UNPROCESSABLE_ENTITY, "NotFhir"),
	/// A correction of a record that is not on chain.
	SupersedesUnknownRecord => (UNPROCESSABLE_ENTITY, "SupersedesUnknownRecord"),
	/// A correction of a record of another patient or category.
	SupersedesMismatch => (UNPROCESSABLE_ENTITY, "SupersedesMismatch"),
	/// Too many requests from this source IP (`--ip-rate`).
	IpRateLimited => (TOO_MANY_REQUESTS, "IpRateLimited"),
	/// Too many requests from this account (`--identity-rate`).
	IdentityRateLimited => (TOO_MANY_REQUESTS, "IdentityRateLimited"),
	/// This account holds `--max-nonces-per-identity` nonces within the request age.
	Busy => (TOO_MANY_REQUESTS, "Busy"),
	/// The stored copy does not decrypt, or does not match the anchored hash.
	Tampered => (INTERNAL_SERVER_ERROR, "Tampered"),
	/// The chain's record under this id is not this gateway's anchor of the document it holds
	/// there (fetch), or the gateway's own anchoring transaction anchored something else
	/// (upload).
	AnchorMismatch => (INTERNAL_SERVER_ERROR, "AnchorMismatch"),
	/// The store failed.
	StoreError => (INTERNAL_SERVER_ERROR, "StoreError"),
	/// Another failure inside the gateway.
	Internal => (INTERNAL_SERVER_ERROR, "Internal"),
	/// The node did not answer, or answered a value that does not decode exactly.
	ChainUnavailable => (BAD_GATEWAY, "ChainUnavailable"),
	/// The best block grants a read the finalized head does not (yet) grant within
	/// `--finality-wait-secs`.
	NotFinal => (SERVICE_UNAVAILABLE, "NotFinal"),
	/// The node's runtime has another `GatewayApi` version than this gateway was built for.
	RuntimeIncompatible => (SERVICE_UNAVAILABLE, "RuntimeIncompatible"),
}

impl ErrorCode {
	/// The HTTP status this reason is answered with.
	pub const fn status(self) -> StatusCode {
		self.status_and_name().0
	}

	/// The wire name: the answer's `error` field.
	pub const fn name(self) -> &'static str {
		self.status_and_name().1
	}
}

impl From<ReadRefusal> for ErrorCode {
	/// The chain's refusal of a read (`GatewayApi_read_decision`), under its own name.
	fn from(reason: ReadRefusal) -> ErrorCode {
		match reason {
			ReadRefusal::NotStaff => ErrorCode::NotStaff,
			ReadRefusal::OrganizationInactive => ErrorCode::OrganizationInactive,
			ReadRefusal::NotLogged => ErrorCode::NotLogged,
			ReadRefusal::NoConsent => ErrorCode::NoConsent,
			ReadRefusal::RevokedConsent => ErrorCode::RevokedConsent,
			ReadRefusal::ExpiredConsent => ErrorCode::ExpiredConsent,
			ReadRefusal::ReadNotGranted => ErrorCode::ReadNotGranted,
			ReadRefusal::CategoryNotCovered => ErrorCode::CategoryNotCovered,
			ReadRefusal::PurposeNotPermitted => ErrorCode::PurposeNotPermitted,
		}
	}
}

/// What the requester is told about the chain's refusal: the reason and what to do, never
/// the record's patient or category.
fn refusal_message(reason: ReadRefusal) -> &'static str {
	match reason {
		ReadRefusal::NotStaff => "the requester is neither the patient nor staff of a consortium organization",
		ReadRefusal::OrganizationInactive => "the requester's organization is suspended",
		ReadRefusal::NotLogged => "no recent read of this record by the requester is logged on chain: call Consent.log_access (or log_accesses) first",
		ReadRefusal::NoConsent => "the consent the read was logged under no longer exists",
		ReadRefusal::RevokedConsent => "the patient revoked the consent the read was logged under",
		ReadRefusal::ExpiredConsent => "the consent the read was logged under has expired",
		ReadRefusal::ReadNotGranted => "the consent does not grant read access",
		ReadRefusal::CategoryNotCovered => "the consent does not cover this record's category",
		ReadRefusal::PurposeNotPermitted => "the consent's purpose does not open identified documents: only Treatment (and break-glass) consents do",
	}
}

/// A refusal: its reason, a sentence, and the fields it adds to the body, if any.
#[derive(Debug)]
pub struct ApiError {
	code: ErrorCode,
	message: String,
	/// Seconds for a `Retry-After` header, if the client should try again.
	retry_after: Option<u64>,
	/// The body's other fields (e.g. the upload's document), before `error` and `message`.
	fields: serde_json::Map<String, serde_json::Value>,
}

impl ApiError {
	pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
		ApiError { code, message: message.into(), retry_after: None, fields: Default::default() }
	}

	/// The gate's refusal of an account that is no chain identity.
	pub fn not_a_chain_identity() -> ApiError {
		ApiError::new(
			ErrorCode::NotStaff,
			"the requester is neither a patient nor staff of a consortium organization the chain knows",
		)
	}

	/// The chain's refusal of a read: its reason and what to do.
	pub fn refused(reason: ReadRefusal) -> ApiError {
		ApiError::new(reason.into(), refusal_message(reason))
	}

	/// The node did not answer (or answered what does not decode).
	pub(crate) fn chain(e: ChainError) -> ApiError {
		ApiError::new(ErrorCode::ChainUnavailable, e.to_string())
	}

	/// The store failed.
	pub(crate) fn store(e: StoreError) -> ApiError {
		ApiError::new(ErrorCode::StoreError, e.to_string())
	}

	/// Try again after `seconds` (`Retry-After`).
	pub fn retry_after(mut self, seconds: u64) -> ApiError {
		self.retry_after = Some(seconds);
		self
	}

	/// Try again after `wait`, in whole seconds (at least 1).
	pub fn retry_after_wait(self, wait: Duration) -> ApiError {
		self.retry_after(wait.as_secs_f64().ceil().max(1.0) as u64)
	}

	/// The body is `object` (a JSON object's fields) with `error` and `message` added.
	pub fn with_fields(mut self, object: serde_json::Value) -> ApiError {
		if let serde_json::Value::Object(fields) = object {
			self.fields = fields;
		}
		self
	}

	pub fn code(&self) -> ErrorCode {
		self.code
	}

	/// The JSON body.
	pub fn body(&self) -> serde_json::Value {
		let mut body = serde_json::Value::Object(self.fields.clone());
		body["error"] = json!(self.code.name());
		body["message"] = json!(self.message);
		body
	}
}

impl From<AuthError> for ApiError {
	/// A signature that is not accepted: 401, or 429 (retry after 5 s) for too many nonces.
	fn from(e: AuthError) -> ApiError {
		let refusal = ApiError::new(e.code(), e.message());
		match e {
			AuthError::TooManyNonces => refusal.retry_after(5),
			_ => refusal,
		}
	}
}

impl IntoResponse for ApiError {
	fn into_response(self) -> Response {
		let mut response = (self.code.status(), Json(self.body())).into_response();
		// For the Prometheus count of refusals by reason (metrics.rs).
		response.extensions_mut().insert(self.code);
		if let Some(seconds) = self.retry_after {
			response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
		}
		response
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Decode;

	/// What the gateway answers for each of the chain's refusals. The match is exhaustive: a
	/// refusal added to pallet-consent does not compile here until it is given its answer.
	fn expected(reason: ReadRefusal) -> &'static str {
		match reason {
			ReadRefusal::NotStaff => "NotStaff",
			ReadRefusal::OrganizationInactive => "OrganizationInactive",
			ReadRefusal::NotLogged => "NotLogged",
			ReadRefusal::NoConsent => "NoConsent",
			ReadRefusal::RevokedConsent => "RevokedConsent",
			ReadRefusal::ExpiredConsent => "ExpiredConsent",
			ReadRefusal::ReadNotGranted => "ReadNotGranted",
			ReadRefusal::CategoryNotCovered => "CategoryNotCovered",
			ReadRefusal::PurposeNotPermitted => "PurposeNotPermitted",
		}
	}

	#[test]
	fn every_read_refusal_is_a_403_under_its_own_name() {
		// Every variant the pallet has: a fieldless enum's SCALE encoding is its index.
		let reasons: Vec<ReadRefusal> =
			(0..=u8::MAX).filter_map(|i| ReadRefusal::decode(&mut &[i][..]).ok()).collect();
		assert_eq!(reasons.len(), 9, "{reasons:?}");
		for reason in reasons {
			let code = ErrorCode::from(reason);
			assert_eq!(code.status(), StatusCode::FORBIDDEN, "{reason:?}");
			assert_eq!(code.name(), expected(reason), "{reason:?}");
			// The wire name is the chain's own name for the refusal.
			assert_eq!(code.name(), format!("{reason:?}"));
			let answer = ApiError::refused(reason);
			assert_eq!(answer.code(), code);
			assert!(!answer.message.is_empty());
		}
	}

	#[test]
	fn wire_names_are_unique_but_for_anchor_refused() {
		let mut seen = std::collections::HashMap::new();
		for code in ErrorCode::ALL {
			let name = code.name();
			assert!(name.starts_with(|c: char| c.is_ascii_uppercase()), "{name}");
			assert!(name.chars().all(|c| c.is_ascii_alphanumeric()), "{name}");
			if let Some(other) = seen.insert(name, *code) {
				assert_eq!(
					[other, *code],
					[ErrorCode::AnchorRefused, ErrorCode::AnchorRefusedByNode],
					"{name} names two reasons"
				);
			}
			assert!(code.status().is_client_error() || code.status().is_server_error());
		}
	}

	#[test]
	fn the_body_is_error_and_message_after_the_fields_given() {
		let answer = ApiError::new(ErrorCode::AnchorRefused, "refused")
			.with_fields(json!({ "locator": "mcg1:00", "state": "failed" }))
			.retry_after(3);
		assert_eq!(
			answer.body(),
			json!({ "locator": "mcg1:00", "state": "failed", "error": "AnchorRefused", "message": "refused" })
		);
		let response = answer.into_response();
		assert_eq!(response.status(), StatusCode::FORBIDDEN);
		assert_eq!(
			response.headers().get(header::RETRY_AFTER).map(|v| v.as_bytes()),
			Some(&b"3"[..])
		);
		assert_eq!(
			ApiError::new(ErrorCode::Busy, "")
				.retry_after_wait(Duration::from_millis(1))
				.retry_after,
			Some(1)
		);
	}
}
