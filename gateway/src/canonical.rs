//! FHIR documents as the chain hashes them: canonical JSON and the salted content hash.
//!
//! The rules are those of `clients/js/src/canonical.js` and `tests/vectors/content-hash.json`
//! (JCS-style, RFC 8785): object keys sorted by UTF-16 code units, no whitespace, strings
//! escaped as `JSON.stringify` does, numbers rendered as ECMAScript's `Number#toString`
//! renders a double. `content_hash = blake2_256(salt ++ utf8(canonical))`.

use serde_json::Value;
use sp_crypto_hashing::blake2_256;

/// Why a body is not a FHIR resource the gateway accepts.
#[derive(Debug, PartialEq, Eq)]
pub enum FhirError {
	/// Not JSON at all (the parser's message).
	NotJson(String),
	/// JSON, but not a FHIR resource (what is wrong).
	NotFhir(String),
}

impl core::fmt::Display for FhirError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			FhirError::NotJson(e) => write!(f, "the body is not valid JSON: {e}"),
			FhirError::NotFhir(e) => write!(f, "the body is not a FHIR resource: {e}"),
		}
	}
}

/// A resource type: an upper-case letter, then letters (FHIR's `[A-Z][A-Za-z]+`).
fn is_resource_type(name: &str) -> bool {
	let mut chars = name.chars();
	matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
		&& name.len() >= 2
		&& chars.all(|c| c.is_ascii_alphabetic())
}

/// Check the shape every FHIR resource has: a JSON object with a valid `resourceType`; a
/// Bundle's entries' resources (when present) are resources too. Deeper profiles are the
/// hospital's EHR's business, not the gateway's.
pub fn check_fhir(value: &Value) -> Result<(), FhirError> {
	check_resource(value, "the document", 0)
}

fn check_resource(value: &Value, what: &str, depth: u32) -> Result<(), FhirError> {
	if depth > 8 {
		return Err(FhirError::NotFhir("Bundles nested more than 8 deep".into()));
	}
	let Value::Object(map) = value else {
		return Err(FhirError::NotFhir(format!("{what} is not a JSON object")));
	};
	let resource_type = match map.get("resourceType") {
		Some(Value::String(name)) if is_resource_type(name) => name,
		Some(_) => return Err(FhirError::NotFhir(format!("{what} has an invalid resourceType"))),
		None => return Err(FhirError::NotFhir(format!("{what} has no resourceType"))),
	};
	if resource_type == "Bundle" {
		match map.get("entry") {
			None => {}
			Some(Value::Array(entries)) => {
				for (i, entry) in entries.iter().enumerate() {
					let Value::Object(entry) = entry else {
						return Err(FhirError::NotFhir(format!(
							"Bundle entry {i} is not an object"
						)));
					};
					if let Some(resource) = entry.get("resource") {
						check_resource(
							resource,
							&format!("Bundle entry {i}'s resource"),
							depth + 1,
						)?;
					}
				}
			}
			Some(_) => return Err(FhirError::NotFhir("Bundle.entry is not an array".into())),
		}
	}
	Ok(())
}

/// Parse `body` as a FHIR resource and return its canonical JSON.
pub fn canonical_fhir(body: &[u8]) -> Result<String, FhirError> {
	let value: Value =
		serde_json::from_slice(body).map_err(|e| FhirError::NotJson(e.to_string()))?;
	check_fhir(&value)?;
	Ok(canonicalize(&value))
}

/// The canonical JSON text of `value`.
pub fn canonicalize(value: &Value) -> String {
	let mut out = String::new();
	write_value(value, &mut out);
	out
}

/// `blake2_256(salt ++ utf8(canonical))`: the content hash a record anchors.
pub fn content_hash(salt: &[u8; 32], canonical: &[u8]) -> [u8; 32] {
	let mut bytes = Vec::with_capacity(32 + canonical.len());
	bytes.extend_from_slice(salt);
	bytes.extend_from_slice(canonical);
	blake2_256(&bytes)
}

fn write_value(value: &Value, out: &mut String) {
	match value {
		Value::Null => out.push_str("null"),
		Value::Bool(true) => out.push_str("true"),
		Value::Bool(false) => out.push_str("false"),
		Value::Number(n) => write_number(n, out),
		Value::String(s) => write_string(s, out),
		Value::Array(items) => {
			out.push('[');
			for (i, item) in items.iter().enumerate() {
				if i > 0 {
					out.push(',');
				}
				write_value(item, out);
			}
			out.push(']');
		}
		Value::Object(map) => {
			let mut entries: Vec<(Vec<u16>, &String, &Value)> =
				map.iter().map(|(k, v)| (k.encode_utf16().collect(), k, v)).collect();
			entries.sort_by(|a, b| a.0.cmp(&b.0));
			out.push('{');
			for (i, (_, key, item)) in entries.into_iter().enumerate() {
				if i > 0 {
					out.push(',');
				}
				write_string(key, out);
				out.push(':');
				write_value(item, out);
			}
			out.push('}');
		}
	}
}

/// A number as JavaScript prints the double it parses to (`-0` prints as `0`).
fn write_number(n: &serde_json::Number, out: &mut String) {
	let f = n.as_f64().unwrap_or(f64::NAN);
	if f == 0.0 {
		out.push('0');
	} else if f.is_finite() {
		let mut buffer = ryu_js::Buffer::new();
		out.push_str(buffer.format_finite(f));
	} else {
		// serde_json never yields a non-finite number; JSON.stringify would print null.
		out.push_str("null");
	}
}

/// A string as `JSON.stringify` escapes it.
fn write_string(s: &str, out: &mut String) {
	out.push('"');
	for c in s.chars() {
		match c {
			'"' => out.push_str("\\\""),
			'\\' => out.push_str("\\\\"),
			'\u{08}' => out.push_str("\\b"),
			'\u{0c}' => out.push_str("\\f"),
			'\n' => out.push_str("\\n"),
			'\r' => out.push_str("\\r"),
			'\t' => out.push_str("\\t"),
			c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
			c => out.push(c),
		}
	}
	out.push('"');
}

#[cfg(test)]
mod tests {
	use super::*;

	fn vectors() -> Value {
		let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/content-hash.json");
		serde_json::from_str(&std::fs::read_to_string(path).expect("vectors readable"))
			.expect("vectors are JSON")
	}

	fn hex32(s: &str) -> [u8; 32] {
		let bytes = hex::decode(s.trim_start_matches("0x")).expect("hex");
		bytes.try_into().expect("32 bytes")
	}

	#[test]
	fn matches_the_shared_vectors() {
		let vectors = vectors();
		let cases = vectors["cases"].as_array().expect("cases");
		assert!(cases.len() >= 5);
		for case in cases {
			let name = case["name"].as_str().unwrap_or("?");
			let canonical = canonicalize(&case["resource"]);
			assert_eq!(canonical, case["canonical"].as_str().expect("canonical"), "{name}");
			let salt = hex32(case["salt"].as_str().expect("salt"));
			let expected = hex32(case["content_hash"].as_str().expect("hash"));
			assert_eq!(content_hash(&salt, canonical.as_bytes()), expected, "{name}");
			// The text of the resource as sent (any key order, any whitespace) gives the same.
			let sent = serde_json::to_vec_pretty(&case["resource"]).expect("serializes");
			assert_eq!(canonical_fhir(&sent).expect("a FHIR resource"), canonical, "{name}");
		}
	}

	#[test]
	fn numbers_print_as_javascript_prints_them() {
		let cases = [
			("1.0", "1"),
			("-0", "0"),
			("1e21", "1e+21"),
			("1e-7", "1e-7"),
			("123456789012345678901234567890", "1.2345678901234568e+29"),
			("0.1", "0.1"),
			("5e-324", "5e-324"),
			("9007199254740993", "9007199254740992"),
		];
		for (input, expected) in cases {
			let value: Value = serde_json::from_str(input).expect("a number");
			assert_eq!(canonicalize(&value), expected, "{input}");
		}
	}

	#[test]
	fn refuses_what_is_not_fhir() {
		let not_json = canonical_fhir(b"{\"resourceType\": ").unwrap_err();
		assert!(matches!(not_json, FhirError::NotJson(_)));
		for (body, why) in [
			(&b"[1,2]"[..], "not a JSON object"),
			(b"{\"id\":\"x\"}", "no resourceType"),
			(b"{\"resourceType\":\"observation\"}", "invalid resourceType"),
			(b"{\"resourceType\":7}", "invalid resourceType"),
			(b"{\"resourceType\":\"Bundle\",\"entry\":{}}", "not an array"),
			(
				b"{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"a\":1}}]}",
				"no resourceType",
			),
		] {
			match canonical_fhir(body) {
				Err(FhirError::NotFhir(message)) => assert!(message.contains(why), "{message}"),
				other => panic!("{}: {other:?}", String::from_utf8_lossy(body)),
			}
		}
		assert!(canonical_fhir(b"{\"resourceType\":\"Observation\",\"status\":\"final\"}").is_ok());
	}
}
