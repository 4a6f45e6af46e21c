//! CORS: which web pages may call the gateway from a browser.
//!
//! The operator lists the origins (`--cors-origin https://portal.example`, repeatable or a
//! comma list; no wildcard). A request that carries an `Origin` header — every cross-origin
//! request a browser makes — is refused `403 OriginNotAllowed` unless its origin is listed,
//! so a page the operator did not list gets nothing, not merely a response the browser then
//! hides. Requests without `Origin` (curl, servers, the e2e suite) are not browser requests
//! and pass; they are signed like any other (auth.rs).
//!
//! For a listed origin, a preflight (`OPTIONS` with `Access-Control-Request-Method`) is
//! answered `204` when it asks for a method and headers the gateway's API uses (GET and POST;
//! `content-type` and the five `x-medchain-*` signature headers), else `403`; other answers
//! carry `Access-Control-Allow-Origin` and expose the `x-medchain-*` response headers a client
//! needs to verify a document (salt, content hash, ...). No credentials (cookies) are
//! involved: requests are authenticated by their signatures.

use crate::{
	auth,
	error::{ApiError, ErrorCode},
};
use axum::{
	extract::{Request, State},
	http::{header, HeaderMap, HeaderValue, Method, StatusCode},
	middleware::Next,
	response::{IntoResponse, Response},
	Router,
};
use std::{collections::BTreeSet, sync::Arc};

/// The methods the API uses.
pub const ALLOWED_METHODS: [&str; 2] = ["GET", "POST"];

/// The request headers a browser may send (the signature headers and the body's type).
pub const ALLOWED_HEADERS: [&str; 6] = [
	"content-type",
	auth::HEADER_ACCOUNT,
	auth::HEADER_TIMESTAMP,
	auth::HEADER_NONCE,
	auth::HEADER_SIGNATURE,
	auth::HEADER_ORIGIN,
];

/// The response headers a page may read (a fetched document's provenance).
pub const EXPOSED_HEADERS: &str = "x-medchain-record-id, x-medchain-content-hash, x-medchain-salt, x-medchain-patient, x-medchain-category, x-medchain-served-as";

/// How long a browser may cache a preflight answer (seconds).
const MAX_AGE: &str = "600";

/// The origins whose pages may call the gateway, in the form browsers send them
/// (`scheme://host[:port]`, lower case, no default port, no path).
#[derive(Clone, Debug, Default)]
pub struct AllowedOrigins(Arc<BTreeSet<String>>);

impl AllowedOrigins {
	/// Parse `--cors-origin` values (each one origin or a comma list).
	pub fn parse<S: AsRef<str>>(values: &[S]) -> Result<AllowedOrigins, String> {
		let mut origins = BTreeSet::new();
		for value in values {
			for item in value.as_ref().split(',').map(str::trim).filter(|s| !s.is_empty()) {
				origins.insert(normalize(item)?);
			}
		}
		Ok(AllowedOrigins(Arc::new(origins)))
	}

	pub fn allows(&self, origin: &str) -> bool {
		self.0.contains(origin)
	}

	pub fn iter(&self) -> impl Iterator<Item = &str> {
		self.0.iter().map(String::as_str)
	}

	pub fn is_empty(&self) -> bool {
		self.0.is_empty()
	}
}

/// An origin as a browser serializes it, or why `text` is not one.
fn normalize(text: &str) -> Result<String, String> {
	if text == "*" {
		return Err(format!(
			"--cors-origin {text:?}: a wildcard is not accepted: list each origin (https://host[:port])"
		));
	}
	auth::origin(text).map_err(|why| format!("--cors-origin {text:?}: {why}"))
}

/// `router` behind the CORS check: the check runs before routing, for every path and method.
pub fn layer(router: Router, origins: AllowedOrigins) -> Router {
	Router::new()
		.fallback_service(router)
		.layer(axum::middleware::from_fn_with_state(origins, enforce))
}

fn refuse(code: ErrorCode, message: String) -> Response {
	let mut response = ApiError::new(code, message).into_response();
	response.headers_mut().append(header::VARY, HeaderValue::from_static("origin"));
	response
}

/// Why a preflight from a listed origin is refused, if it is.
fn preflight_refusal(headers: &HeaderMap) -> Option<Response> {
	let method = headers
		.get(header::ACCESS_CONTROL_REQUEST_METHOD)
		.and_then(|v| v.to_str().ok())
		.unwrap_or("");
	if !ALLOWED_METHODS.contains(&method) {
		return Some(refuse(
			ErrorCode::CorsMethodNotAllowed,
			format!("the gateway's API uses only {ALLOWED_METHODS:?}, not {method:?}"),
		));
	}
	let requested = headers
		.get(header::ACCESS_CONTROL_REQUEST_HEADERS)
		.map(|v| v.to_str().unwrap_or("\u{0}"))
		.unwrap_or("");
	for name in requested.split(',').map(str::trim).filter(|n| !n.is_empty()) {
		if !ALLOWED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
			return Some(refuse(
				ErrorCode::CorsHeaderNotAllowed,
				format!(
					"request header {name:?} is not one the gateway's API uses ({})",
					ALLOWED_HEADERS.join(", ")
				),
			));
		}
	}
	None
}

/// The middleware: refuse unlisted origins, answer preflights, label allowed answers.
async fn enforce(State(origins): State<AllowedOrigins>, request: Request, next: Next) -> Response {
	let Some(origin) = request.headers().get(header::ORIGIN).cloned() else {
		let mut response = next.run(request).await;
		response.headers_mut().append(header::VARY, HeaderValue::from_static("origin"));
		return response;
	};
	let listed = origin.to_str().ok().filter(|o| origins.allows(o)).is_some();
	if !listed {
		return refuse(
			ErrorCode::OriginNotAllowed,
			format!(
				"this gateway does not serve web pages from {}: its operator lists the origins it serves (--cors-origin)",
				String::from_utf8_lossy(origin.as_bytes())
			),
		);
	}
	let preflight = request.method() == Method::OPTIONS
		&& request.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
	let mut response = if preflight {
		if let Some(refusal) = preflight_refusal(request.headers()) {
			return refusal;
		}
		let mut response = StatusCode::NO_CONTENT.into_response();
		let h = response.headers_mut();
		h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST"));
		if let Ok(v) = HeaderValue::from_str(&ALLOWED_HEADERS.join(", ")) {
			h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, v);
		}
		h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static(MAX_AGE));
		h.append(
			header::VARY,
			HeaderValue::from_static(
				"access-control-request-method, access-control-request-headers",
			),
		);
		response
	} else {
		let mut response = next.run(request).await;
		response.headers_mut().insert(
			header::ACCESS_CONTROL_EXPOSE_HEADERS,
			HeaderValue::from_static(EXPOSED_HEADERS),
		);
		response
	};
	let h = response.headers_mut();
	h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
	h.append(header::VARY, HeaderValue::from_static("origin"));
	response
}

#[cfg(test)]
mod tests {
	use super::*;
	use axum::{
		body::Body,
		routing::{get, post},
	};
	use tower::ServiceExt;

	const PORTAL: &str = "https://portal.medchain.example";

	fn app() -> Router {
		let api = Router::new()
			.route("/v1/info", get(|| async { "info" }))
			.route("/v1/records", post(|| async { "uploaded" }))
			.route("/v1/records/{id}", get(|| async { "document" }));
		let origins =
			AllowedOrigins::parse(&[format!("{PORTAL}, http://localhost:5173")]).expect("origins");
		layer(api, origins)
	}

	async fn send(request: axum::http::Request<Body>) -> (StatusCode, HeaderMap, String) {
		let response = app().oneshot(request).await.expect("infallible");
		let (parts, body) = response.into_parts();
		let bytes = axum::body::to_bytes(body, 1 << 20).await.expect("body");
		(parts.status, parts.headers, String::from_utf8_lossy(&bytes).into_owned())
	}

	fn request(method: &str, path: &str, headers: &[(&str, &str)]) -> axum::http::Request<Body> {
		let mut builder = axum::http::Request::builder().method(method).uri(path);
		for (name, value) in headers {
			builder = builder.header(*name, *value);
		}
		builder.body(Body::empty()).expect("a request")
	}

	fn preflight(origin: &str, method: &str, headers: &str) -> axum::http::Request<Body> {
		request(
			"OPTIONS",
			"/v1/records/0x01",
			&[
				("origin", origin),
				("access-control-request-method", method),
				("access-control-request-headers", headers),
			],
		)
	}

	const SIGNED: &str =
		"x-medchain-account,x-medchain-timestamp,x-medchain-nonce,x-medchain-signature,x-medchain-origin";

	#[tokio::test]
	async fn an_origin_not_configured_is_refused() {
		for origin in
			["https://evil.example", "https://portal.medchain.example.evil.example", "null"]
		{
			let (status, headers, body) =
				send(request("GET", "/v1/records/0x01", &[("origin", origin)])).await;
			assert_eq!(status, StatusCode::FORBIDDEN, "{origin}");
			assert!(body.contains("\"OriginNotAllowed\""), "{body}");
			assert!(!body.contains("document"), "{body}");
			assert!(headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
			// Its preflight too.
			let (status, headers, body) = send(preflight(origin, "GET", SIGNED)).await;
			assert_eq!(status, StatusCode::FORBIDDEN, "{origin}");
			assert!(body.contains("\"OriginNotAllowed\""), "{body}");
			assert!(headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
		}
		// The same origin over plain http, or on another port, is another origin.
		for origin in ["http://portal.medchain.example", "https://portal.medchain.example:8443"] {
			let (status, _, _) = send(request("GET", "/v1/info", &[("origin", origin)])).await;
			assert_eq!(status, StatusCode::FORBIDDEN, "{origin}");
		}
	}

	#[tokio::test]
	async fn a_configured_origin_gets_its_preflight_and_its_answers() {
		for (method, path) in [("GET", "/v1/records/0x01"), ("POST", "/v1/records")] {
			let mut pre = preflight(PORTAL, method, &format!("content-type,{SIGNED}"));
			*pre.uri_mut() = path.parse().expect("a path");
			let (status, headers, _) = send(pre).await;
			assert_eq!(status, StatusCode::NO_CONTENT, "{method} {path}");
			assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], PORTAL);
			let methods = headers[header::ACCESS_CONTROL_ALLOW_METHODS].to_str().expect("ascii");
			assert!(methods.contains(method), "{methods}");
			let allowed = headers[header::ACCESS_CONTROL_ALLOW_HEADERS].to_str().expect("ascii");
			for name in SIGNED.split(',').chain(["content-type"]) {
				assert!(allowed.contains(name), "{allowed} lacks {name}");
			}
		}
		let (status, headers, body) =
			send(request("GET", "/v1/records/0x01", &[("origin", PORTAL)])).await;
		assert_eq!((status, body.as_str()), (StatusCode::OK, "document"));
		assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], PORTAL);
		let exposed = headers[header::ACCESS_CONTROL_EXPOSE_HEADERS].to_str().expect("ascii");
		assert!(exposed.contains("x-medchain-salt") && exposed.contains("x-medchain-content-hash"));
		assert!(headers.get_all(header::VARY).iter().any(|v| v == "origin"));
		// The second origin of the comma list, given with its port.
		let (status, headers, _) =
			send(request("GET", "/v1/info", &[("origin", "http://localhost:5173")])).await;
		assert_eq!(status, StatusCode::OK);
		assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "http://localhost:5173");
	}

	#[tokio::test]
	async fn a_preflight_for_another_method_or_header_is_refused() {
		let (status, _, body) = send(preflight(PORTAL, "DELETE", SIGNED)).await;
		assert_eq!(status, StatusCode::FORBIDDEN);
		assert!(body.contains("CorsMethodNotAllowed"), "{body}");
		let (status, _, body) =
			send(preflight(PORTAL, "GET", "x-medchain-account,authorization")).await;
		assert_eq!(status, StatusCode::FORBIDDEN);
		assert!(body.contains("CorsHeaderNotAllowed") && body.contains("authorization"), "{body}");
	}

	#[tokio::test]
	async fn requests_without_an_origin_are_not_browser_requests_and_pass() {
		let (status, headers, body) = send(request("GET", "/v1/records/0x01", &[])).await;
		assert_eq!((status, body.as_str()), (StatusCode::OK, "document"));
		assert!(headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
	}

	#[test]
	fn origins_parse_as_browsers_send_them() {
		let parsed = AllowedOrigins::parse(&[
			"HTTPS://Portal.Example:443/",
			"http://127.0.0.1:8080, http://localhost:80",
			"https://[::1]:8443",
		])
		.expect("valid");
		let all: Vec<&str> = parsed.iter().collect();
		assert_eq!(
			all,
			[
				"http://127.0.0.1:8080",
				"http://localhost",
				"https://[::1]:8443",
				"https://portal.example"
			]
		);
		assert!(AllowedOrigins::parse::<&str>(&[]).expect("none").is_empty());
		for bad in [
			"*",
			"https://*.example",
			"portal.example",
			"ftp://portal.example",
			"https://portal.example/app",
			"https://portal.example?x",
			"https://user@portal.example",
			"https://portal.example:http",
			"https://portal.example:0",
			"https://",
		] {
			assert!(AllowedOrigins::parse(&[bad]).is_err(), "{bad} accepted");
		}
	}
}
