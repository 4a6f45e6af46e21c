use super::*;

#[test]
fn valid_gtins_are_accepted() {
	// GS1's own example, GS1 US examples, an EAN-13 and a UPC-A padded to 14 digits.
	for digits in [
		&b"09506000134352"[..],
		b"00012345600012",
		b"10012345678902",
		b"04006381333931",
		b"00036000291452",
		b"00000000000000",
	] {
		assert_eq!(Gtin::parse(digits).map(|g| g.0.to_vec()), Ok(digits.to_vec()));
	}
}

#[test]
fn check_digit_is_computed_with_weights_3_1_from_the_right() {
	assert_eq!(Gtin::check_digit(b"0950600013435"), Some(2));
	assert_eq!(Gtin::check_digit(b"0001234560001"), Some(2));
	assert_eq!(Gtin::check_digit(b"0400638133393"), Some(1));
	assert_eq!(Gtin::check_digit(b"1001234567890"), Some(2));
	assert_eq!(Gtin::check_digit(b"000000000000A"), None);
}

#[test]
fn bad_gtins_are_refused() {
	assert_eq!(Gtin::parse(b"09506000134353"), Err(GtinError::CheckDigit));
	assert_eq!(Gtin::parse(b"09506000134350"), Err(GtinError::CheckDigit));
	assert_eq!(Gtin::parse(b"9506000134352"), Err(GtinError::Format));
	assert_eq!(Gtin::parse(b"095060001343520"), Err(GtinError::Format));
	assert_eq!(Gtin::parse(b"0950600013435A"), Err(GtinError::Format));
	assert_eq!(Gtin::parse(b"0950600013435 "), Err(GtinError::Format));
	assert_eq!(Gtin::parse(b""), Err(GtinError::Format));
}

#[test]
fn expiry_dates_follow_gs1() {
	let ymd = |s: &[u8]| ExpiryDate::parse(s, START).map(|d| (d.year, d.month, d.day));
	assert_eq!(ymd(b"271231"), Some((2027, 12, 31)));
	assert_eq!(ymd(b"270101"), Some((2027, 1, 1)));
	// DD = 00: the last day of the month, leap years counted.
	assert_eq!(ymd(b"270200"), Some((2027, 2, 28)));
	assert_eq!(ymd(b"280200"), Some((2028, 2, 29)));
	assert_eq!(ymd(b"270400"), Some((2027, 4, 30)));
	assert_eq!(ymd(b"271200"), Some((2027, 12, 31)));
	// Leap days.
	assert_eq!(ymd(b"280229"), Some((2028, 2, 29)));
	assert_eq!(ymd(b"240229"), Some((2024, 2, 29)));
	assert_eq!(ymd(b"000229"), Some((2000, 2, 29)));
	assert_eq!(ymd(b"270229"), None);
	// Invalid months and days.
	assert_eq!(ymd(b"270001"), None);
	assert_eq!(ymd(b"271301"), None);
	assert_eq!(ymd(b"270431"), None);
	assert_eq!(ymd(b"270132"), None);
	assert_eq!(ymd(b"27123"), None);
	assert_eq!(ymd(b"2712310"), None);
	assert_eq!(ymd(b"27-231"), None);
}

#[test]
fn century_follows_the_gs1_sliding_window() {
	let year = |s: &[u8], now: Moment| ExpiryDate::parse(s, now).map(|d| d.year);
	// In 2026: 76 is 2076 (difference 50), 77 is 1977 (difference 51).
	assert_eq!(year(b"760101", START), Some(2076));
	assert_eq!(year(b"770101", START), Some(1977));
	assert_eq!(year(b"990101", START), Some(1999));
	// In 2090 (day 43_830 = 2090-01-01): 40 is 2140 (difference -50), 41 is 2041.
	let in_2090 = 43_830 * DAY;
	assert_eq!(year(b"400101", in_2090 - 1), Some(2040));
	assert_eq!(year(b"400101", in_2090), Some(2140));
	assert_eq!(year(b"410101", in_2090), Some(2041));
	// Before 1970 (in 1970, 21 and above are 19xx; 20 → 2020) is refused.
	assert_eq!(year(b"690101", 0), None);
	assert_eq!(year(b"700101", 0), Some(1970));
}

#[test]
fn calendar_arithmetic() {
	assert_eq!(crate::days_from_civil(1970, 1, 1), 0);
	assert_eq!(crate::days_from_civil(2000, 3, 1), 11_017);
	assert_eq!(crate::days_from_civil(2026, 1, 15) * DAY, START);
	assert_eq!(crate::year_from_days(START / DAY), 2026);
	assert_eq!(crate::year_from_days(crate::days_from_civil(2028, 12, 31)), 2028);
	assert_eq!(crate::year_from_days(crate::days_from_civil(2029, 1, 1)), 2029);
	assert_eq!(crate::year_from_days(crate::days_from_civil(2028, 2, 29)), 2028);
	assert!(crate::is_leap_year(2000) && crate::is_leap_year(2024));
	assert!(!crate::is_leap_year(2100) && !crate::is_leap_year(2027));
}

#[test]
fn a_unit_expires_after_its_expiry_day() {
	let date = ExpiryDate::parse(EXPIRY, START).expect("valid");
	assert_eq!(date.end_of_day(), EXPIRY_END);
	assert!(!date.is_expired_at(EXPIRY_END));
	assert!(date.is_expired_at(EXPIRY_END + 1));
	assert_eq!(&date.to_yymmdd(), EXPIRY);
	let june = ExpiryDate { year: 2027, month: 6, day: 30 };
	assert_eq!(june.end_of_day(), 1_814_399_999_999);
}

#[test]
fn character_set_82() {
	assert!(crate::is_gs1_value(b"ABC-123/x.y_z%&'()*+,:;<=>?!\""));
	for bad in [&b""[..], b"A B", b"A#", b"A$", b"A@", b"A[", b"A\\", b"A^", b"A`", b"A{", b"A~"] {
		assert!(!crate::is_gs1_value(bad), "{bad:?}");
	}
	assert!(!crate::is_gs1_value("É".as_bytes()));
}

#[test]
fn serial_leaf_is_the_serial_hash() {
	assert_eq!(serials_root(&[b"SN1"]), serial_hash(b"SN1"));
	assert_eq!(serial_hash(b"SN1"), H256(sp_io::hashing::blake2_256(b"SN1")));
}

#[test]
fn proof_lengths() {
	assert_eq!(expected_proof_len(1, 0), 0);
	assert_eq!(expected_proof_len(2, 1), 1);
	assert_eq!(expected_proof_len(3, 2), 1);
	assert_eq!(expected_proof_len(1000, 0), 10);
	assert_eq!(expected_proof_len(1_000_000, 0), 20);
	assert_eq!(expected_proof_len(5, 5), 0);
}

#[test]
fn max_proof_len_follows_from_max_quantity() {
	use frame_support::traits::Get;
	// ceil(log2(1_000_000)) = 20: the longest proof in a batch of MAX_QUANTITY units.
	assert_eq!(crate::MaxProofLen::<Test>::get(), 20);
	let longest = (0..MAX_QUANTITY)
		.step_by(997)
		.chain([MAX_QUANTITY - 1])
		.map(|i| expected_proof_len(MAX_QUANTITY, i))
		.max();
	assert_eq!(longest, Some(crate::MaxProofLen::<Test>::get()));
}

#[test]
fn fixed_and_derived_bounds_are_in_metadata() {
	let constants = DrugProvenance::pallet_constants_metadata();
	let value = |name: &str| {
		let c = constants.iter().find(|c| c.name == name).expect("constant in metadata");
		<u32 as codec::Decode>::decode(&mut &c.value[..]).expect("a u32")
	};
	assert_eq!(value("MaxLotLen"), crate::MAX_LOT_LEN);
	assert_eq!(value("MaxSerialLen"), crate::MAX_SERIAL_LEN);
	assert_eq!(value("MaxProofLen"), 20);
	assert_eq!(value("MaxQuantity"), MAX_QUANTITY);
}

#[test]
fn integrity_test_passes() {
	ExtBuilder::default().build_and_execute(|| {
		<DrugProvenance as Hooks<u64>>::integrity_test();
	});
}
