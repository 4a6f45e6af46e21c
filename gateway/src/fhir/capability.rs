//! `GET /fhir/metadata`: the CapabilityStatement, public (nothing in it is about a patient).

use serde_json::{json, Value};

/// The FHIR version served.
pub const FHIR_VERSION: &str = "4.0.1";

/// The search parameters of `GET /fhir/DocumentReference` (anything else: 400
/// `not-supported`).
pub const DOCUMENT_SEARCH: &[&str] = &["patient", "category", "_count", "_format"];

/// The search parameters of `GET /fhir/AuditEvent`.
pub const AUDIT_SEARCH: &[&str] = &["patient", "_count", "_format"];

/// Resource types a client may create (`POST /fhir/<Type>`) and read back as stored
/// (`GET /fhir/<Type>/<record id>`): any resource type is accepted, these are listed.
pub const STORED_TYPES: &[&str] = &[
	"Observation",
	"DiagnosticReport",
	"Condition",
	"Encounter",
	"MedicationRequest",
	"MedicationStatement",
	"Immunization",
	"AllergyIntolerance",
	"Procedure",
	"ImagingStudy",
	"Patient",
	"DocumentReference",
];

fn param(name: &str, kind: &str, doc: &str) -> Value {
	json!({ "name": name, "type": kind, "documentation": doc })
}

/// The CapabilityStatement of a gateway of `organization` (SS58), software `version`, dated
/// `date` (YYYY-MM-DD).
pub fn capability_statement(organization: &str, version: &str, date: &str) -> Value {
	let count = param("_count", "number", "at most this many entries (no paging)");
	let mut resources = vec![
		json!({
			"type": "DocumentReference",
			"documentation": "The patient's records held at this gateway that the requester may read now (the chain's read decision), across categories; id = record id (64 hex digits)",
			"interaction": [{ "code": "read" }, { "code": "search-type" }],
			"searchParam": [
				param("patient", "reference", "required: the patient's account (SS58, optionally Patient/<ss58>)"),
				param("category", "token", "a MedChain record category, e.g. LabResults or urn:medchain:category|LabResults"),
				count.clone(),
			],
		}),
		json!({
			"type": "Binary",
			"documentation": "The stored document, served exactly under the native fetch's rules",
			"interaction": [{ "code": "read" }],
		}),
		json!({
			"type": "AuditEvent",
			"documentation": "This gateway's own disclosures (served, refused, break-glass reads; searches; uploads), IHE BALP-shaped; for the patient themselves and this gateway's organization's staff",
			"interaction": [{ "code": "read" }, { "code": "search-type" }],
			"searchParam": [param("patient", "reference", "required: the patient's account (SS58)"), count],
		}),
	];
	for kind in STORED_TYPES.iter().filter(|t| **t != "DocumentReference") {
		resources.push(json!({
			"type": kind,
			"documentation": "A stored document of this type: read by record id (as stored and anchored), create (stored and anchored like a native upload)",
			"interaction": [{ "code": "read" }, { "code": "create" }],
		}));
	}
	json!({
		"resourceType": "CapabilityStatement",
		"status": "active",
		"date": date,
		"publisher": organization,
		"kind": "instance",
		"software": { "name": "medchain-gateway", "version": version },
		"implementation": {
			"description": format!("MedChain record gateway of {organization}"),
		},
		"fhirVersion": FHIR_VERSION,
		"format": ["json"],
		"rest": [{
			"mode": "server",
			"documentation": "Every interaction but metadata is a signed request (x-medchain-account, -timestamp, -nonce, -origin, -signature; see /v1/info), authorized exactly as the native API; refusals are OperationOutcomes whose details.coding (system urn:medchain:reason) is the native reason code",
			"security": {
				"description": "sr25519 request signatures over medchain-gateway/2, the origin the request is sent to (one of /v1/info's origins), the gateway's audience, method, path and query, timestamp, nonce and the body's BLAKE2b-256; consent, purpose and on-chain logging decided by the chain (GatewayApi)",
			},
			"resource": resources,
			"interaction": [{ "code": "transaction" }, { "code": "batch" }],
		}],
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_capability_statement_lists_what_is_served() {
		let cs = capability_statement("5Grw", "1.0.0", "2026-12-07");
		assert_eq!(cs["resourceType"], "CapabilityStatement");
		assert_eq!(cs["fhirVersion"], "4.0.1");
		assert_eq!(cs["format"], json!(["json"]));
		assert_eq!(cs["kind"], "instance");
		let rest = &cs["rest"][0];
		assert_eq!(rest["mode"], "server");
		let resources = rest["resource"].as_array().cloned().unwrap_or_default();
		let of = |kind: &str| {
			resources.iter().find(|r| r["type"] == kind).cloned().unwrap_or(Value::Null)
		};
		let codes = |r: &Value| -> Vec<String> {
			r["interaction"]
				.as_array()
				.map(|a| a.iter().filter_map(|i| i["code"].as_str().map(String::from)).collect())
				.unwrap_or_default()
		};
		assert_eq!(codes(&of("DocumentReference")), ["read", "search-type"]);
		let documents = of("DocumentReference");
		let params: Vec<&str> = documents["searchParam"]
			.as_array()
			.map(|a| a.iter().filter_map(|p| p["name"].as_str()).collect())
			.unwrap_or_default();
		assert_eq!(params, ["patient", "category", "_count"]);
		assert_eq!(codes(&of("Binary")), ["read"]);
		assert_eq!(codes(&of("AuditEvent")), ["read", "search-type"]);
		assert_eq!(codes(&of("Observation")), ["read", "create"]);
		assert_eq!(codes(rest), ["transaction", "batch"]);
	}
}
