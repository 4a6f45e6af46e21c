//! The GS1 test vectors shared with the JS client (`tests/vectors/gs1.json`, also read by
//! `clients/js/test/vectors.test.js`), checked against this pallet's own code: GTIN-14 check
//! digits ([`Gtin`]), company prefixes ([`CompanyPrefix`], [`Pallet::company_prefix_owner`]),
//! lot and serial values ([`is_gs1_value`] and the [`MAX_LOT_LEN`](crate::MAX_LOT_LEN) / [`MAX_SERIAL_LEN`](crate::MAX_SERIAL_LEN) bounds) and
//! expiry dates ([`ExpiryDate`]). The file's `element_strings` are for the JS side only:
//! the runtime takes GTIN, lot, expiry and serial as separate arguments and parses no GS1
//! element strings.
//!
//! `cargo test -p pallet-drug-provenance gs1`

use crate::{
	is_gs1_value,
	mock::{ExtBuilder, Test, MAKER_A},
	BoundedLot, BoundedSerial, CompanyPrefix, CompanyPrefixError, ExpiryDate, Gtin, GtinError,
	Pallet,
};
use serde_json::Value;

const GS1: &str = include_str!("../../../tests/vectors/gs1.json");

fn vectors() -> Value {
	serde_json::from_str(GS1).expect("tests/vectors/gs1.json parses")
}

/// The non-empty array `key` of `value`.
fn cases<'a>(value: &'a Value, key: &str) -> &'a [Value] {
	let cases = value[key].as_array().unwrap_or_else(|| panic!("array {key}"));
	assert!(!cases.is_empty(), "{key} has cases");
	cases
}

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
	value[key].as_str().unwrap_or_else(|| panic!("string field {key} in {value}"))
}

/// A string field that may be `null`.
fn opt_str<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
	match &value[key] {
		Value::Null => None,
		Value::String(s) => Some(s),
		other => panic!("field {key} is neither a string nor null: {other}"),
	}
}

fn bool_of(value: &Value, key: &str) -> bool {
	value[key].as_bool().unwrap_or_else(|| panic!("bool field {key} in {value}"))
}

fn u64_of(value: &Value, key: &str) -> u64 {
	value[key].as_u64().unwrap_or_else(|| panic!("integer field {key} in {value}"))
}

fn note(value: &Value) -> &str {
	value["note"].as_str().unwrap_or("")
}

fn gtin(digits: &str) -> Gtin {
	Gtin::parse(digits.as_bytes()).unwrap_or_else(|e| panic!("{digits} is a valid GTIN: {e:?}"))
}

#[test]
fn gs1_vectors_check_digits() {
	for case in cases(&vectors(), "check_digits") {
		let body = str_of(case, "body");
		let expected = opt_str(case, "check_digit").map(|d| d.parse::<u8>().expect("a digit"));
		assert_eq!(Gtin::check_digit(body.as_bytes()), expected, "{body}: {}", note(case));
	}
}

#[test]
fn gs1_vectors_gtin14() {
	for case in cases(&vectors(), "gtin14") {
		let input = str_of(case, "gtin");
		let expected = match opt_str(case, "error") {
			None => Ok(()),
			Some("format") => Err(GtinError::Format),
			Some("check_digit") => Err(GtinError::CheckDigit),
			Some(other) => panic!("unknown error kind {other}"),
		};
		assert_eq!(bool_of(case, "valid"), expected.is_ok(), "{input:?}: valid and error agree");
		let parsed = Gtin::parse(input.as_bytes());
		assert_eq!(parsed.map(|_| ()), expected, "{input:?}: {}", note(case));
		if let Ok(parsed) = parsed {
			assert_eq!(&parsed.as_bytes()[..], input.as_bytes());
		}
	}
}

#[test]
fn gs1_vectors_short_gtins() {
	for case in cases(&vectors(), "short_gtins") {
		let short = str_of(case, "gtin");
		let (body, check) = short.as_bytes().split_at(short.len() - 1);
		let own_check_ok = Gtin::check_digit(body) == Some(check[0] - b'0');
		let gtin14 = opt_str(case, "gtin14");
		assert_eq!(own_check_ok, gtin14.is_some(), "{short}: own check digit");
		// The chain takes GTIN-14 only; shorter GTINs are padded by the client.
		assert_eq!(Gtin::parse(short.as_bytes()), Err(GtinError::Format), "{short} unpadded");
		if let Some(gtin14) = gtin14 {
			assert_eq!(gtin14, format!("{short:0>14}"), "{short}: padded with zeros on the left");
			let padded = gtin(gtin14);
			assert_eq!(Gtin::check_digit(&padded.as_bytes()[..13]), Gtin::check_digit(body));
		} else {
			assert_eq!(
				Gtin::parse(format!("{short:0>14}").as_bytes()),
				Err(GtinError::CheckDigit),
				"{short} padded"
			);
		}
	}
}

#[test]
fn gs1_vectors_company_prefixes() {
	let vectors = vectors();
	for case in cases(&vectors, "company_prefixes") {
		let prefix = str_of(case, "prefix");
		let expected = match opt_str(case, "error") {
			None => Ok(()),
			Some("not_digits") => Err(CompanyPrefixError::NotDigits),
			Some("length") => Err(CompanyPrefixError::Length),
			Some(other) => panic!("unknown error kind {other}"),
		};
		assert_eq!(bool_of(case, "valid"), expected.is_ok(), "{prefix:?}: valid and error agree");
		let parsed = CompanyPrefix::parse(prefix.as_bytes());
		assert_eq!(parsed.clone().map(|_| ()), expected, "{prefix:?}: {}", note(case));
		if let Ok(parsed) = parsed {
			assert!(parsed.is_valid());
			assert_eq!(parsed.as_bytes(), prefix.as_bytes());
		}
	}

	for case in cases(&vectors, "prefix_candidates") {
		let digits = str_of(case, "gtin");
		let expected: Vec<&str> =
			cases(case, "prefixes").iter().map(|p| p.as_str().expect("prefix string")).collect();
		let candidates: Vec<Vec<u8>> =
			gtin(digits).company_prefixes().map(|p| p.as_bytes().to_vec()).collect();
		let expected: Vec<Vec<u8>> = expected.iter().map(|p| p.as_bytes().to_vec()).collect();
		assert_eq!(candidates, expected, "{digits}");
	}

	for case in cases(&vectors, "prefix_containment") {
		let digits = str_of(case, "gtin");
		let prefix = str_of(case, "prefix");
		let contains = bool_of(case, "contains");
		let label = format!("{digits} / {prefix}: {}", note(case));
		let product = gtin(digits);
		let Ok(parsed) = CompanyPrefix::parse(prefix.as_bytes()) else {
			// Not a company prefix at all: it can never be assigned, so it owns no GTIN.
			assert!(!contains, "{label}");
			continue;
		};
		assert_eq!(
			product.company_prefixes().any(|p| p == parsed),
			contains,
			"{label}: candidates"
		);
		// What the pallet does with it: with only this prefix assigned, is it the GTIN's owner?
		ExtBuilder::empty().with_company_prefix(prefix.as_bytes(), MAKER_A).build().execute_with(
			|| {
				let owner = Pallet::<Test>::company_prefix_owner(&product);
				let expected = contains.then(|| (parsed.clone(), MAKER_A));
				assert_eq!(owner, expected, "{label}: company_prefix_owner");
			},
		);
	}
}

#[test]
fn gs1_vectors_lots_and_serials() {
	let vectors = vectors();
	let lot_serial = &vectors["lot_serial"];
	let max_len = u64_of(lot_serial, "max_len");
	assert_eq!(u64::from(crate::MAX_LOT_LEN), max_len);
	assert_eq!(u64::from(crate::MAX_SERIAL_LEN), max_len);
	for case in cases(lot_serial, "cases") {
		let value = str_of(case, "value").as_bytes();
		let valid = bool_of(case, "valid");
		let label = format!("{:?}: {}", str_of(case, "value"), note(case));
		// As commission_batch / dispense take them: a bounded vector of bytes, then the
		// character-set check.
		let as_lot = BoundedLot::try_from(value.to_vec()).is_ok_and(|lot| is_gs1_value(&lot));
		let as_serial =
			BoundedSerial::try_from(value.to_vec()).is_ok_and(|serial| is_gs1_value(&serial));
		assert_eq!(as_lot, valid, "lot {label}");
		assert_eq!(as_serial, valid, "serial {label}");
	}
}

#[test]
fn gs1_vectors_expiry_dates() {
	for case in cases(&vectors(), "expiry") {
		let yymmdd = str_of(case, "yymmdd");
		let now = u64_of(case, "now_ms");
		let label = format!("{yymmdd:?} on {}: {}", str_of(case, "today"), note(case));
		let parsed = ExpiryDate::parse(yymmdd.as_bytes(), now);
		let date = &case["date"];
		if date.is_null() {
			assert_eq!(parsed, None, "{label}");
			assert!(case["end_of_day_ms"].is_null());
			continue;
		}
		let expected = ExpiryDate {
			year: u16::try_from(u64_of(date, "year")).expect("year"),
			month: u8::try_from(u64_of(date, "month")).expect("month"),
			day: u8::try_from(u64_of(date, "day")).expect("day"),
		};
		assert_eq!(parsed, Some(expected), "{label}");
		let end = u64_of(case, "end_of_day_ms");
		assert_eq!(expected.end_of_day(), end, "{label}: end of day");
		assert!(!expected.is_expired_at(end), "{label}: usable on its last millisecond");
		assert!(expected.is_expired_at(end + 1), "{label}: expired the millisecond after");
		// Written back as YYMMDD it names the real day (DD 00 becomes the month's last day).
		let written = expected.to_yymmdd();
		assert_eq!(&written[..4], &yymmdd.as_bytes()[..4], "{label}: YYMM kept");
		assert_eq!(ExpiryDate::parse(&written, now), Some(expected), "{label}: round trip");
	}
}

#[test]
fn gs1_vectors_element_strings_are_js_only() {
	// Present and well formed, but not parsed here (see the module docs).
	for case in cases(&vectors(), "element_strings") {
		let _ = str_of(case, "input");
		assert!(case["result"].is_null() != case["error"].is_null(), "{case}");
	}
}
