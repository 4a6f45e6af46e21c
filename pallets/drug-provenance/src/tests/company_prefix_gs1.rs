use super::*;

#[test]
fn prefixes_are_6_to_12_digits() {
	assert_eq!(
		CompanyPrefix::parse(b"950600").map(|p| p.as_bytes().to_vec()),
		Ok(b"950600".to_vec())
	);
	assert!(CompanyPrefix::parse(b"950600013435").is_ok());
	assert_eq!(CompanyPrefix::parse(b"95060"), Err(CompanyPrefixError::Length));
	assert_eq!(CompanyPrefix::parse(b"9506000134352"), Err(CompanyPrefixError::Length));
	assert_eq!(CompanyPrefix::parse(b""), Err(CompanyPrefixError::Length));
	assert_eq!(CompanyPrefix::parse(b"95060A"), Err(CompanyPrefixError::NotDigits));
	assert_eq!(CompanyPrefix::parse(b"950 600"), Err(CompanyPrefixError::NotDigits));
}

#[test]
fn a_gtins_candidate_prefixes_follow_the_indicator_digit() {
	let candidates: Vec<Vec<u8>> =
		gtin(b"10012345678902").company_prefixes().map(|p| p.as_bytes().to_vec()).collect();
	assert_eq!(
		candidates,
		vec![
			b"001234".to_vec(),
			b"0012345".to_vec(),
			b"00123456".to_vec(),
			b"001234567".to_vec(),
			b"0012345678".to_vec(),
			b"00123456789".to_vec(),
			b"001234567890".to_vec(),
		]
	);
	assert_eq!(gtin(GTIN).company_prefix(5), None);
	assert_eq!(gtin(GTIN).company_prefix(13), None);
	let shorter: Vec<Vec<u8>> =
		prefix(b"95060001").shorter_prefixes().map(|p| p.as_bytes().to_vec()).collect();
	assert_eq!(shorter, vec![b"950600".to_vec(), b"9506000".to_vec()]);
	assert_eq!(prefix(b"950600").shorter_prefixes().count(), 0);
}
