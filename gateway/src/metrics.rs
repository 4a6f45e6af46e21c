//! Prometheus metrics. With `--prometheus-addr HOST:PORT` (off by default) the gateway
//! serves `GET /metrics` there in Prometheus's text format, over plain http and without a
//! signature: bind it to loopback (or a monitoring network) only. The same numbers as the
//! signed `/v1/metrics` (for the organization's staff), plus every answer counted by route
//! and every refusal by its reason code (all codes are listed from the start, at 0).
//!
//! Names (deploy/grafana and deploy/prometheus use them; tests/ops checks that they exist):
//! `medchain_gateway_requests_total{route}`, `medchain_gateway_refusals_total{code}`,
//! `medchain_gateway_fetches_served_total`, `medchain_gateway_fetch_seconds_total{phase}`,
//! `medchain_gateway_decision_queries_total`, `medchain_gateway_not_final_total`,
//! `medchain_gateway_documents{state}`, `medchain_gateway_finalized_block_processed`,
//! `medchain_gateway_connections_refused_total`, `medchain_gateway_identity_lookups_total`,
//! `medchain_gateway_nonces_held`, `medchain_gateway_log_lines_suppressed_total`,
//! `medchain_gateway_build_info{version}`.

use crate::{error::ErrorCode, server::ConnectionGate, service::Gateway};
use axum::{
	extract::{Request, State},
	http::{header, Method},
	middleware::Next,
	response::{IntoResponse, Response},
	routing::get,
	Router,
};
use std::{
	collections::BTreeMap,
	fmt::Write,
	net::SocketAddr,
	sync::{
		atomic::{AtomicU64, Ordering},
		Arc, Mutex,
	},
};

/// The routes answers are counted by (`other`: anything else, e.g. an unknown path). The FHIR
/// API's (docs/FHIR.md): `fhir_metadata` (the CapabilityStatement), `fhir_read` (every other
/// GET under /fhir: searches, reads, Binary, AuditEvents), `fhir_create` (POST under /fhir).
pub const ROUTES: [&str; 10] = [
	"fetch",
	"upload",
	"upload_status",
	"info",
	"health",
	"metrics",
	"fhir_metadata",
	"fhir_read",
	"fhir_create",
	"other",
];

/// The route of a request, by its method and path.
pub fn route_of(method: &Method, path: &str) -> &'static str {
	let get = method == Method::GET;
	match path {
		"/v1/health" if get => "health",
		"/v1/info" if get => "info",
		"/v1/metrics" if get => "metrics",
		"/v1/records" if method == Method::POST => "upload",
		p if get && p.starts_with("/v1/records/") => "fetch",
		p if get && p.starts_with("/v1/uploads/") => "upload_status",
		"/fhir/metadata" if get => "fhir_metadata",
		p if get && p.starts_with("/fhir/") => "fhir_read",
		p if method == Method::POST && (p == "/fhir" || p.starts_with("/fhir/")) => "fhir_create",
		_ => "other",
	}
}

/// Answers by route and refusals by reason code (its wire name).
pub struct Traffic {
	requests: [AtomicU64; ROUTES.len()],
	refusals: Mutex<BTreeMap<&'static str, u64>>,
}

impl Default for Traffic {
	fn default() -> Traffic {
		Traffic {
			requests: Default::default(),
			refusals: Mutex::new(ErrorCode::ALL.iter().map(|c| (c.name(), 0)).collect()),
		}
	}
}

impl Traffic {
	/// One answer on `route`, a refusal if `refused` names its reason.
	pub fn record(&self, route: &'static str, refused: Option<ErrorCode>) {
		let i = ROUTES.iter().position(|r| *r == route).unwrap_or(ROUTES.len() - 1);
		self.requests[i].fetch_add(1, Ordering::Relaxed);
		if let Some(code) = refused {
			if let Ok(mut refusals) = self.refusals.lock() {
				*refusals.entry(code.name()).or_insert(0) += 1;
			}
		}
	}

	pub fn requests(&self, route: &str) -> u64 {
		ROUTES
			.iter()
			.position(|r| *r == route)
			.map_or(0, |i| self.requests[i].load(Ordering::Relaxed))
	}

	#[cfg(test)]
	pub fn refusals(&self, code: ErrorCode) -> u64 {
		self.refusals.lock().ok().and_then(|r| r.get(code.name()).copied()).unwrap_or(0)
	}
}

/// The outermost layer: counts every answer of `app` (CORS refusals included) by route, and
/// each refusal by the reason code its answer carries (`ApiError` puts it in the response's
/// extensions).
pub fn layer(app: Router, gateway: Arc<Gateway>) -> Router {
	Router::new().fallback_service(app).layer(axum::middleware::from_fn_with_state(gateway, count))
}

async fn count(State(g): State<Arc<Gateway>>, request: Request, next: Next) -> Response {
	let route = route_of(request.method(), request.uri().path());
	let response = next.run(request).await;
	g.traffic.record(route, response.extensions().get::<ErrorCode>().copied());
	response
}

/// One metric family: its help line, type and samples (`labels` as `name="value"` pairs).
struct Family<'a> {
	out: &'a mut String,
}

impl Family<'_> {
	fn head(&mut self, name: &str, kind: &str, help: &str) {
		let _ = writeln!(self.out, "# HELP {name} {help}\n# TYPE {name} {kind}");
	}

	fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl std::fmt::Display) {
		self.out.push_str(name);
		if !labels.is_empty() {
			self.out.push('{');
			for (i, (key, v)) in labels.iter().enumerate() {
				if i > 0 {
					self.out.push(',');
				}
				let v = v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
				let _ = write!(self.out, "{key}=\"{v}\"");
			}
			self.out.push('}');
		}
		let _ = writeln!(self.out, " {value}");
	}

	fn single(&mut self, name: &str, kind: &str, help: &str, value: impl std::fmt::Display) {
		self.head(name, kind, help);
		self.sample(name, &[], value);
	}
}

/// The metrics in Prometheus's text exposition format (version 0.0.4).
pub fn render(g: &Gateway, gate: Option<&ConnectionGate>) -> String {
	let mut out = String::new();
	let mut f = Family { out: &mut out };
	let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
	let t = &g.timings;
	f.head("medchain_gateway_build_info", "gauge", "The gateway's version (always 1).");
	f.sample("medchain_gateway_build_info", &[("version", env!("CARGO_PKG_VERSION"))], 1);
	f.head("medchain_gateway_requests_total", "counter", "Requests answered, by route.");
	for route in ROUTES {
		f.sample("medchain_gateway_requests_total", &[("route", route)], g.traffic.requests(route));
	}
	f.head(
		"medchain_gateway_refusals_total",
		"counter",
		"Requests refused, by reason code (the answer's error field).",
	);
	let refusals = g.traffic.refusals.lock().map(|r| r.clone()).unwrap_or_default();
	for (code, n) in refusals {
		f.sample("medchain_gateway_refusals_total", &[("code", code)], n);
	}
	f.single(
		"medchain_gateway_fetches_served_total",
		"counter",
		"Documents served (fetches the chain's read decision granted and the store delivered).",
		load(&t.served),
	);
	f.head(
		"medchain_gateway_fetch_seconds_total",
		"counter",
		"Time fetches spent, by phase (total: whole fetches).",
	);
	for (phase, ns) in [
		("signature", &t.signature_ns),
		("best_block", &t.best_block_ns),
		("decision", &t.decision_ns),
		("store", &t.store_ns),
		("decrypt", &t.decrypt_ns),
		("hash", &t.hash_ns),
		("finality_wait", &t.finality_wait_ns),
		("total", &t.total_ns),
	] {
		f.sample(
			"medchain_gateway_fetch_seconds_total",
			&[("phase", phase)],
			load(ns) as f64 / 1e9,
		);
	}
	f.single(
		"medchain_gateway_decision_queries_total",
		"counter",
		"Read decisions asked of the node (GatewayApi_read_decision).",
		load(&t.decision_queries),
	);
	f.single(
		"medchain_gateway_not_final_total",
		"counter",
		"Reads the best block granted that the finalized head did not grant in time (503 NotFinal).",
		load(&t.not_final),
	);
	f.head("medchain_gateway_documents", "gauge", "Documents held, by state.");
	match g.store.counts() {
		Ok(counts) => {
			for (state, n) in counts {
				f.sample("medchain_gateway_documents", &[("state", &state)], n);
			}
		}
		Err(e) => log::warn!("metrics: the store's counts: {e}"),
	}
	let cursor = g
		.store
		.meta(crate::worker::CURSOR)
		.ok()
		.flatten()
		.and_then(|v| v.try_into().ok().map(u32::from_le_bytes));
	f.single(
		"medchain_gateway_finalized_block_processed",
		"gauge",
		"The last finalized block the gateway processed (anchors confirmed, seals and erasures applied).",
		cursor.unwrap_or(0),
	);
	f.single(
		"medchain_gateway_connections_refused_total",
		"counter",
		"Connections closed at once for being over --max-connections or --max-connections-per-ip.",
		gate.map_or(0, |gate| load(&gate.refused)),
	);
	f.single(
		"medchain_gateway_identity_lookups_total",
		"counter",
		"Chain-identity lookups asked of the node for signed requests (cache misses).",
		load(&g.guard.identities.queries),
	);
	f.single(
		"medchain_gateway_nonces_held",
		"gauge",
		"Request nonces remembered (replay protection).",
		g.verifier.held().0,
	);
	f.single(
		"medchain_gateway_log_lines_suppressed_total",
		"counter",
		"Log lines an outsider caused that the log's rate limit did not write.",
		crate::logs::throttle().suppressed(),
	);
	out
}

#[derive(Clone)]
struct Exporter {
	gateway: Arc<Gateway>,
	gate: Option<Arc<ConnectionGate>>,
}

async fn metrics(State(e): State<Exporter>) -> Response {
	(
		[(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
		render(&e.gateway, e.gate.as_deref()),
	)
		.into_response()
}

/// The exporter's router: `GET /metrics`.
pub fn router(gateway: Arc<Gateway>, gate: Option<Arc<ConnectionGate>>) -> Router {
	Router::new().route("/metrics", get(metrics)).with_state(Exporter { gateway, gate })
}

/// Bind `addr` and serve the exporter there in the background; the address bound.
pub async fn serve(
	addr: SocketAddr,
	gateway: Arc<Gateway>,
	gate: Option<Arc<ConnectionGate>>,
) -> Result<SocketAddr, String> {
	let listener = tokio::net::TcpListener::bind(addr)
		.await
		.map_err(|e| format!("--prometheus-addr {addr}: cannot listen: {e}"))?;
	let bound = listener.local_addr().map_err(|e| e.to_string())?;
	if !bound.ip().is_loopback() {
		log::warn!(
			"Prometheus metrics on {bound}, not loopback: they are unauthenticated, keep that address reachable by the monitoring network only"
		);
	}
	let app = router(gateway, gate);
	tokio::spawn(async move {
		if let Err(e) = axum::serve(listener, app).await {
			log::error!("Prometheus exporter stopped: {e}");
		}
	});
	Ok(bound)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		mock_node::{self, MockNode},
		store::State as DocState,
	};
	use axum::{body::Body, http::StatusCode};
	use sp_core::{sr25519, Pair};
	use tower::ServiceExt;

	#[test]
	fn routes_are_told_by_method_and_path() {
		assert_eq!(route_of(&Method::GET, "/v1/records/0x00"), "fetch");
		assert_eq!(route_of(&Method::POST, "/v1/records"), "upload");
		assert_eq!(route_of(&Method::GET, "/v1/uploads/mcg1:00"), "upload_status");
		assert_eq!(route_of(&Method::GET, "/v1/health"), "health");
		assert_eq!(route_of(&Method::POST, "/v1/health"), "other");
		assert_eq!(route_of(&Method::GET, "/etc/passwd"), "other");
		assert_eq!(route_of(&Method::GET, "/fhir/metadata"), "fhir_metadata");
		assert_eq!(route_of(&Method::GET, "/fhir/Binary/00"), "fhir_read");
		assert_eq!(route_of(&Method::GET, "/fhir/DocumentReference"), "fhir_read");
		assert_eq!(route_of(&Method::POST, "/fhir"), "fhir_create");
		assert_eq!(route_of(&Method::POST, "/fhir/Observation"), "fhir_create");
		assert_eq!(route_of(&Method::DELETE, "/fhir/Observation/00"), "other");
		assert_eq!(route_of(&Method::POST, "/fhirx"), "other");
	}

	/// `name{labels} value` lines of a scrape, as (name with labels, value).
	fn samples(text: &str) -> BTreeMap<String, f64> {
		text.lines()
			.filter(|l| !l.starts_with('#') && !l.is_empty())
			.map(|l| {
				let (key, value) = l.rsplit_once(' ').expect("name and value");
				(key.to_string(), value.parse().expect("a number"))
			})
			.collect()
	}

	#[tokio::test]
	async fn answers_and_refusals_are_counted_and_scraped_in_the_text_format() {
		let node = MockNode::start().await;
		let dir = tempfile::tempdir().expect("tempdir");
		let staff = sr25519::Pair::from_string("//Staff", None).expect("key");
		let g = mock_node::gateway(&node, dir.path(), &staff).await;
		mock_node::put_document(&g, "mcg1:a", [1; 32], DocState::Anchored, Some([0x77; 32]));
		let app = layer(crate::service::router(g.clone()), g.clone());
		for (method, path) in [
			("GET", "/v1/health"),
			("GET", "/v1/records/0x00"), // unsigned: MissingSignatureHeader
			("POST", "/v1/health"),      // axum's 405: answered, no reason code
			("GET", "/nowhere"),         // NoSuchEndpoint
		] {
			let request = Request::builder().method(method).uri(path).body(Body::empty());
			let _ = app.clone().oneshot(request.expect("request")).await.expect("answered");
		}
		assert_eq!(g.traffic.requests("health"), 1);
		assert_eq!(g.traffic.requests("fetch"), 1);
		assert_eq!(g.traffic.requests("other"), 2);
		assert_eq!(g.traffic.refusals(ErrorCode::MissingSignatureHeader), 1);
		assert_eq!(g.traffic.refusals(ErrorCode::NoSuchEndpoint), 1);
		assert_eq!(g.traffic.refusals(ErrorCode::BadRecordId), 0);

		let gate = ConnectionGate::new(Default::default());
		let response = router(g.clone(), Some(gate))
			.oneshot(Request::builder().uri("/metrics").body(Body::empty()).expect("request"))
			.await
			.expect("answered");
		assert_eq!(response.status(), StatusCode::OK);
		assert!(response.headers()[header::CONTENT_TYPE]
			.to_str()
			.expect("text")
			.starts_with("text/plain; version=0.0.4"));
		let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("body");
		let text = String::from_utf8(body.to_vec()).expect("utf-8");
		let s = samples(&text);
		assert_eq!(s[r#"medchain_gateway_requests_total{route="fetch"}"#], 1.0, "{text}");
		assert_eq!(s[r#"medchain_gateway_requests_total{route="upload"}"#], 0.0);
		assert_eq!(s[r#"medchain_gateway_refusals_total{code="MissingSignatureHeader"}"#], 1.0);
		assert_eq!(s[r#"medchain_gateway_refusals_total{code="NotLogged"}"#], 0.0);
		assert_eq!(s[r#"medchain_gateway_documents{state="anchored"}"#], 1.0);
		assert_eq!(s["medchain_gateway_fetches_served_total"], 0.0);
		assert_eq!(s["medchain_gateway_connections_refused_total"], 0.0);
		assert!(s.contains_key(r#"medchain_gateway_fetch_seconds_total{phase="total"}"#));
		assert!(s.contains_key("medchain_gateway_log_lines_suppressed_total"));
		// Every family has its HELP and TYPE, and every code its sample (AnchorRefused once).
		for name in s.keys().map(|k| k.split('{').next().expect("name")) {
			assert!(text.contains(&format!("# TYPE {name} ")), "{name}");
		}
		let codes = s.keys().filter(|k| k.starts_with("medchain_gateway_refusals_total{")).count();
		assert_eq!(codes, ErrorCode::ALL.len() - 1);
	}
}
