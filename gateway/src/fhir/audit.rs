//! The gateway's own disclosures as FHIR R4 AuditEvents (IHE BALP-shaped; the mapping is in
//! docs/FHIR.md, "AuditEvent mapping", which the researchers' Python package follows for the
//! chain's whole access log): every document served, every break-glass read and every
//! refused read (after the request's signature was accepted), each FHIR search, and each
//! upload anchored, kept in the store's bounded `audit_events` table. Nothing is kept that
//! the gateway does not already hold: accounts, record ids, the reason code.

use crate::{
	error::ApiError,
	service::{Gateway, Served},
	store::Document,
};
use medchain_primitives::Purpose;
use pallet_consent::ChainPosition;
use serde_json::{json, Value};
use sp_core::crypto::{AccountId32, Ss58Codec};

pub const AUDIT_EVENT_TYPE: &str = "http://terminology.hl7.org/CodeSystem/audit-event-type";
pub const RESTFUL_INTERACTION: &str = "http://hl7.org/fhir/restful-interaction";
pub const ACT_REASON: &str = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
pub const DCM: &str = "http://dicom.nema.org/resources/ontology/DCM";
pub const ROLE_CLASS: &str = "http://terminology.hl7.org/CodeSystem/v3-RoleClass";
pub const SOURCE_TYPE: &str = "http://terminology.hl7.org/CodeSystem/security-source-type";
pub const ENTITY_TYPE: &str = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
pub const OBJECT_ROLE: &str = "http://terminology.hl7.org/CodeSystem/object-role";
pub const ACCOUNT: &str = "urn:medchain:account";
pub const ORGANIZATION: &str = "urn:medchain:organization";
pub const RECORD: &str = "urn:medchain:record";
pub const EXTRINSIC: &str = "urn:medchain:extrinsic";

/// The v3-ActReason code of a consent's purpose.
pub fn purpose_code(purpose: Purpose) -> &'static str {
	match purpose {
		Purpose::Treatment => "TREAT",
		Purpose::Research => "HRESCH",
		Purpose::Insurance => "HPAYMT",
		Purpose::PublicHealth => "PUBHLTH",
	}
}

/// The v3-ActReason code of a break-glass (emergency) read.
pub const EMERGENCY_PURPOSE: &str = "ETREAT";

/// The AuditEvent `outcome`: `0` served, `4` refused by policy (a 4xx), `8` a server error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
	Success,
	Refused,
	ServerError,
}

impl Outcome {
	pub fn code(self) -> &'static str {
		match self {
			Outcome::Success => "0",
			Outcome::Refused => "4",
			Outcome::ServerError => "8",
		}
	}

	pub fn of(e: &ApiError) -> Outcome {
		if e.code().status().is_server_error() {
			Outcome::ServerError
		} else {
			Outcome::Refused
		}
	}
}

/// One audited event, before it is a FHIR resource.
pub struct Event {
	/// `R` (a read or search) or `C` (an upload).
	pub action: &'static str,
	/// The restful interaction: `read`, `search-type` or `create`.
	pub subtype: &'static str,
	pub recorded_ms: u64,
	pub outcome: Outcome,
	/// The native reason code of a refusal.
	pub reason: Option<&'static str>,
	/// The v3-ActReason code, when the gateway knows the purpose.
	pub purpose: Option<&'static str>,
	pub requester: [u8; 32],
	pub requester_organization: Option<[u8; 32]>,
	/// This gateway's organization.
	pub server: [u8; 32],
	pub patient: Option<[u8; 32]>,
	pub record: Option<[u8; 32]>,
	/// The on-chain access log's extrinsic, where known.
	pub extrinsic: Option<ChainPosition<u32>>,
}

fn ss58(account: &[u8; 32]) -> String {
	AccountId32::from(*account).to_ss58check()
}

fn identifier(system: &str, value: String) -> Value {
	json!({ "identifier": { "system": system, "value": value } })
}

/// The AuditEvent (without its `id`).
pub fn audit_event(e: &Event) -> Value {
	let mut agents = vec![json!({
		"type": { "coding": [{ "system": DCM, "code": "110153", "display": "Source Role ID" }] },
		"who": identifier(ACCOUNT, ss58(&e.requester)),
		"requestor": true,
	})];
	if let Some(org) = e.requester_organization {
		agents.push(json!({
			"type": { "coding": [{ "system": ROLE_CLASS, "code": "PROV" }] },
			"who": identifier(ORGANIZATION, ss58(&org)),
			"requestor": false,
		}));
	}
	agents.push(json!({
		"type": { "coding": [{ "system": DCM, "code": "110152", "display": "Destination Role ID" }] },
		"who": identifier(ORGANIZATION, ss58(&e.server)),
		"requestor": false,
	}));
	let mut entities = Vec::new();
	if let Some(patient) = e.patient {
		entities.push(json!({
			"what": identifier(ACCOUNT, ss58(&patient)),
			"type": { "system": ENTITY_TYPE, "code": "1" },
			"role": { "system": OBJECT_ROLE, "code": "1" },
		}));
	}
	if let Some(record) = e.record {
		entities.push(json!({
			"what": identifier(RECORD, format!("0x{}", hex::encode(record))),
			"type": { "system": ENTITY_TYPE, "code": "2" },
			"role": { "system": OBJECT_ROLE, "code": "4" },
		}));
	}
	if let Some(ChainPosition { block, extrinsic: index }) = e.extrinsic {
		entities.push(json!({
			"what": identifier(EXTRINSIC, format!("{block}-{index}")),
			"type": { "system": ENTITY_TYPE, "code": "2" },
		}));
	}
	let mut event = json!({
		"resourceType": "AuditEvent",
		"type": { "system": AUDIT_EVENT_TYPE, "code": "rest" },
		"subtype": [{ "system": RESTFUL_INTERACTION, "code": e.subtype }],
		"action": e.action,
		"recorded": iso_instant(e.recorded_ms),
		"outcome": e.outcome.code(),
		"agent": agents,
		"source": {
			"observer": {
				"identifier": { "system": ORGANIZATION, "value": ss58(&e.server) },
				"display": "medchain-gateway",
			},
			"type": [{ "system": SOURCE_TYPE, "code": "4" }],
		},
	});
	if let Some(reason) = e.reason {
		event["outcomeDesc"] = json!(reason);
	}
	if let Some(purpose) = e.purpose {
		event["purposeOfEvent"] =
			json!([{ "coding": [{ "system": ACT_REASON, "code": purpose }] }]);
	}
	if !entities.is_empty() {
		event["entity"] = json!(entities);
	}
	event
}

/// `ms` since the Unix epoch as an ISO-8601 instant in UTC (`2026-12-07T21:15:50.123Z`).
pub fn iso_instant(ms: u64) -> String {
	let secs = ms / 1000;
	let (days, rem) = (secs / 86_400, secs % 86_400);
	// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
	let z = days as i64 + 719_468;
	let era = z.div_euclid(146_097);
	let doe = z - era * 146_097;
	let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
	let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	let mp = (5 * doy + 2) / 153;
	let day = doy - (153 * mp + 2) / 5 + 1;
	let month = if mp < 10 { mp + 3 } else { mp - 9 };
	let year = yoe + era * 400 + i64::from(month <= 2);
	format!(
		"{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
		rem / 3600,
		rem % 3600 / 60,
		rem % 60,
		ms % 1000
	)
}

/// A read as it is audited.
pub struct Read {
	pub requester: [u8; 32],
	pub record_id: [u8; 32],
	/// The record's patient, when the gateway holds the document.
	pub patient: Option<[u8; 32]>,
	/// `read` (a document or DocumentReference).
	pub interaction: &'static str,
}

fn keep(g: &Gateway, event: &Event) -> Result<(), ApiError> {
	let json = audit_event(event).to_string();
	g.store.add_audit(event.recorded_ms, event.patient, &json).map_err(|e| {
		log::error!("could not keep an audit event: {e}");
		ApiError::store(e)
	})
}

/// Keep the audit event of a read (served or refused). An error if it could not be queued
/// (the store's audit writer stopped): a document is not served unaudited.
pub fn keep_read(
	g: &Gateway,
	read: &Read,
	result: &Result<Served, ApiError>,
) -> Result<(), ApiError> {
	let (outcome, reason, purpose, organization, extrinsic) = match result {
		Ok(served) => {
			let purpose = match (&served.organization, served.emergency) {
				(None, _) => None,
				(Some(_), true) => Some(EMERGENCY_PURPOSE),
				// Only Treatment consents open identified documents (the chain's read decision).
				(Some(_), false) => Some(purpose_code(Purpose::Treatment)),
			};
			let organization = served.organization.clone().map(<[u8; 32]>::from);
			(Outcome::Success, None, purpose, organization, served.logged_in)
		}
		Err(e) => (Outcome::of(e), Some(e.code().name()), None, None, None),
	};
	keep(
		g,
		&Event {
			action: "R",
			subtype: read.interaction,
			recorded_ms: crate::auth::now_ms(),
			outcome,
			reason,
			purpose,
			requester: read.requester,
			requester_organization: organization,
			server: g.organization,
			patient: read.patient,
			record: Some(read.record_id),
			extrinsic,
		},
	)
}

/// Keep the audit event of a search of `patient`'s DocumentReferences.
pub fn keep_search(g: &Gateway, requester: [u8; 32], patient: [u8; 32]) -> Result<(), ApiError> {
	keep(
		g,
		&Event {
			action: "R",
			subtype: "search-type",
			recorded_ms: crate::auth::now_ms(),
			outcome: Outcome::Success,
			reason: None,
			purpose: None,
			requester,
			requester_organization: None,
			server: g.organization,
			patient: Some(patient),
			record: None,
			extrinsic: None,
		},
	)
}

/// Keep the audit event of an upload anchored (by this gateway's organization's staff).
pub fn keep_create(g: &Gateway, requester: [u8; 32], doc: &Document) {
	let _ = keep(
		g,
		&Event {
			action: "C",
			subtype: "create",
			recorded_ms: crate::auth::now_ms(),
			outcome: Outcome::Success,
			reason: None,
			purpose: Some(purpose_code(Purpose::Treatment)),
			requester,
			requester_organization: Some(g.organization),
			server: g.organization,
			patient: Some(doc.patient),
			record: doc.record_id,
			extrinsic: None,
		},
	);
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn purposes_map_to_v3_act_reason() {
		assert_eq!(purpose_code(Purpose::Treatment), "TREAT");
		assert_eq!(purpose_code(Purpose::Research), "HRESCH");
		assert_eq!(purpose_code(Purpose::Insurance), "HPAYMT");
		assert_eq!(purpose_code(Purpose::PublicHealth), "PUBHLTH");
		assert_eq!(EMERGENCY_PURPOSE, "ETREAT");
	}

	#[test]
	fn instants_are_iso_8601_utc() {
		assert_eq!(iso_instant(0), "1970-01-01T00:00:00.000Z");
		assert_eq!(iso_instant(951_782_400_123), "2000-02-29T00:00:00.123Z");
		assert_eq!(iso_instant(1_796_678_150_007), "2026-12-07T21:15:50.007Z");
	}

	#[test]
	fn a_refused_break_glass_free_read_has_the_balp_shape() {
		let event = audit_event(&Event {
			action: "R",
			subtype: "read",
			recorded_ms: 0,
			outcome: Outcome::Refused,
			reason: Some("NotLogged"),
			purpose: None,
			requester: [1; 32],
			requester_organization: None,
			server: [2; 32],
			patient: Some([3; 32]),
			record: Some([4; 32]),
			extrinsic: Some(ChainPosition { block: 7, extrinsic: 2 }),
		});
		assert_eq!(event["type"]["code"], "rest");
		assert_eq!(event["subtype"][0]["code"], "read");
		assert_eq!(
			(event["outcome"].as_str(), event["outcomeDesc"].as_str()),
			(Some("4"), Some("NotLogged"))
		);
		assert!(event.get("purposeOfEvent").is_none());
		let agents = event["agent"].as_array().cloned().unwrap_or_default();
		assert_eq!(agents.len(), 2);
		assert_eq!(agents[0]["type"]["coding"][0]["code"], "110153");
		assert_eq!(agents[0]["requestor"], true);
		assert_eq!(agents[1]["type"]["coding"][0]["code"], "110152");
		assert_eq!(event["source"]["type"][0]["code"], "4");
		let entities = event["entity"].as_array().cloned().unwrap_or_default();
		assert_eq!(entities[0]["type"]["code"], "1");
		assert_eq!(entities[0]["role"]["code"], "1");
		assert_eq!(entities[1]["what"]["identifier"]["value"], format!("0x{}", "04".repeat(32)));
		assert_eq!(entities[1]["role"]["code"], "4");
		assert_eq!(entities[2]["what"]["identifier"]["value"], "7-2");
	}
}
