use super::*;

#[test]
fn governance_assigns_a_prefix() {
	ExtBuilder::default().without_company_prefixes().build_and_execute(|| {
		assert_ok!(DrugProvenance::assign_company_prefix(root(), prefix_in(b"95060001"), MAKER_A));
		System::assert_last_event(
			Event::CompanyPrefixAssigned { prefix: prefix(b"95060001"), manufacturer: MAKER_A }
				.into(),
		);
		assert_eq!(CompanyPrefixes::<Test>::get(prefix(b"95060001")), Some(MAKER_A));
		assert_eq!(LongerPrefixes::<Test>::get(prefix(b"950600")), 1);
		assert_eq!(LongerPrefixes::<Test>::get(prefix(b"9506000")), 1);
		assert_eq!(LongerPrefixes::<Test>::iter().count(), 2);
		// GTINs under it can be registered by Maker A now.
		assert_ok!(DrugProvenance::register_product(
			signed(MAKER_A_STAFF),
			gtin_in(b"09506000134352"),
			metadata()
		));
	});
}

#[test]
fn genesis_assigns_prefixes() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(CompanyPrefixes::<Test>::get(prefix(PREFIX_A)), Some(MAKER_A));
		assert_eq!(CompanyPrefixes::<Test>::get(prefix(PREFIX_A2)), Some(MAKER_A));
		assert_eq!(CompanyPrefixes::<Test>::get(prefix(PREFIX_B)), Some(MAKER_B));
		assert_eq!(
			DrugProvenance::company_prefix_owner(&gtin(GTIN_B)),
			Some((prefix(PREFIX_B), MAKER_B))
		);
		assert_eq!(DrugProvenance::company_prefix_owner(&gtin(GTIN_UNASSIGNED)), None);
	});
}

#[test]
#[should_panic(expected = "duplicate or overlapping genesis company prefix")]
fn genesis_refuses_overlapping_prefixes() {
	ExtBuilder::default().with_company_prefix(b"9506000", MAKER_B).build();
}

#[test]
#[should_panic(expected = "invalid genesis company prefix")]
fn genesis_refuses_malformed_prefixes() {
	ExtBuilder::default().with_company_prefix(b"12345", MAKER_B).build();
}

#[test]
fn only_governance_assigns_and_revokes() {
	ExtBuilder::default().build_and_execute(|| {
		for who in [MAKER_A, MAKER_A_STAFF, INSPECTOR, OUTSIDER] {
			assert_noop!(
				DrugProvenance::assign_company_prefix(signed(who), prefix_in(b"777777"), MAKER_A),
				BadOrigin
			);
			assert_noop!(
				DrugProvenance::revoke_company_prefix(signed(who), prefix_in(PREFIX_A)),
				BadOrigin
			);
		}
	});
}

#[test]
fn malformed_prefixes_are_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let assign =
			|d: &[u8]| DrugProvenance::assign_company_prefix(root(), prefix_in(d), MAKER_A);
		assert_noop!(assign(b"77777A"), Error::<Test>::InvalidCompanyPrefix);
		assert_noop!(assign(b"77 777"), Error::<Test>::InvalidCompanyPrefix);
		assert_noop!(assign(b"77777"), Error::<Test>::InvalidCompanyPrefixLength);
		assert_noop!(assign(b""), Error::<Test>::InvalidCompanyPrefixLength);
		assert_noop!(assign(b"7777777777777"), Error::<Test>::InvalidCompanyPrefixLength);
		assert_noop!(assign(b"77777777777777"), Error::<Test>::InvalidCompanyPrefixLength);
		let revoke = |d: &[u8]| DrugProvenance::revoke_company_prefix(root(), prefix_in(d));
		assert_noop!(revoke(b"9506x0"), Error::<Test>::InvalidCompanyPrefix);
		assert_noop!(revoke(b"95060"), Error::<Test>::InvalidCompanyPrefixLength);
	});
}

#[test]
fn only_an_active_manufacturer_organization_gets_a_prefix() {
	ExtBuilder::default().build_and_execute(|| {
		let assign = |to| DrugProvenance::assign_company_prefix(root(), prefix_in(b"777777"), to);
		assert_noop!(assign(DISTRIBUTOR), Error::<Test>::NotAManufacturer);
		assert_noop!(assign(REGULATOR), Error::<Test>::NotAManufacturer);
		assert_noop!(assign(OUTSIDER), Error::<Test>::NotAManufacturer);
		// A staff key is not an organization.
		assert_noop!(assign(MAKER_B_STAFF), Error::<Test>::NotAManufacturer);
		suspend(MAKER_B);
		assert_noop!(assign(MAKER_B), Error::<Test>::NotAManufacturer);
		assert_ok!(assign(MAKER_A));
	});
}

#[test]
fn a_prefix_is_assigned_once() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			DrugProvenance::assign_company_prefix(root(), prefix_in(PREFIX_A), MAKER_B),
			Error::<Test>::CompanyPrefixAlreadyAssigned
		);
		assert_noop!(
			DrugProvenance::assign_company_prefix(root(), prefix_in(PREFIX_A), MAKER_A),
			Error::<Test>::CompanyPrefixAlreadyAssigned
		);
	});
}

#[test]
fn overlapping_prefixes_are_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let assign =
			|d: &[u8]| DrugProvenance::assign_company_prefix(root(), prefix_in(d), MAKER_B);
		// Longer prefixes starting with Maker A's 950600 (they would capture its GTINs).
		assert_noop!(assign(b"9506000"), Error::<Test>::CompanyPrefixOverlaps);
		assert_noop!(assign(b"950600013435"), Error::<Test>::CompanyPrefixOverlaps);
		// And, with a long prefix assigned, the shorter ones it starts with.
		assert_ok!(assign(b"88888888"));
		assert_noop!(assign(b"888888"), Error::<Test>::CompanyPrefixOverlaps);
		assert_noop!(assign(b"8888888"), Error::<Test>::CompanyPrefixOverlaps);
		// Siblings do not overlap.
		assert_ok!(assign(b"88888889"));
		assert_ok!(assign(b"888888900"));
		assert_eq!(LongerPrefixes::<Test>::get(prefix(b"888888")), 3);
		assert_eq!(LongerPrefixes::<Test>::get(prefix(b"8888888")), 2);
		assert_eq!(LongerPrefixes::<Test>::get(prefix(b"88888890")), 1);
	});
}

#[test]
fn governance_revokes_a_prefix() {
	ExtBuilder::default().build_and_execute(|| {
		register(GTIN);
		assert_ok!(DrugProvenance::revoke_company_prefix(root(), prefix_in(PREFIX_A)));
		System::assert_last_event(
			Event::CompanyPrefixRevoked { prefix: prefix(PREFIX_A), manufacturer: MAKER_A }.into(),
		);
		assert_eq!(CompanyPrefixes::<Test>::get(prefix(PREFIX_A)), None);
		// No new GTIN under it...
		assert_noop!(
			DrugProvenance::register_product(signed(MAKER_A_STAFF), gtin_in(GTIN_A3), metadata()),
			Error::<Test>::CompanyPrefixNotAssigned
		);
		// ...but the product registered before stays Maker A's and can be commissioned.
		assert_eq!(Products::<Test>::get(gtin(GTIN)).map(|p| p.manufacturer), Some(MAKER_A));
		commission_lot(GTIN, LOT, 3);
		// The prefix can be given to someone else, or a longer one next to it.
		assert_ok!(DrugProvenance::assign_company_prefix(
			root(),
			prefix_in(b"9506000134"),
			MAKER_B
		));
		assert_ok!(DrugProvenance::register_product(
			signed(MAKER_B_STAFF),
			gtin_in(GTIN_A3),
			metadata()
		));
		assert_noop!(
			DrugProvenance::assign_company_prefix(root(), prefix_in(PREFIX_A), MAKER_A),
			Error::<Test>::CompanyPrefixOverlaps
		);
		assert_ok!(DrugProvenance::revoke_company_prefix(root(), prefix_in(b"9506000134")));
		assert_eq!(LongerPrefixes::<Test>::iter().count(), 0);
		assert_ok!(DrugProvenance::assign_company_prefix(root(), prefix_in(PREFIX_A), MAKER_A));
	});
}

#[test]
fn revoking_an_unknown_prefix_fails() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			DrugProvenance::revoke_company_prefix(root(), prefix_in(b"777777")),
			Error::<Test>::UnknownCompanyPrefix
		);
		// A longer prefix than an assigned one is not the assigned one.
		assert_noop!(
			DrugProvenance::revoke_company_prefix(root(), prefix_in(b"9506000")),
			Error::<Test>::UnknownCompanyPrefix
		);
	});
}

#[test]
fn try_state_catches_broken_prefix_counters() {
	ExtBuilder::default().build().execute_with(|| {
		assert_eq!(DrugProvenance::do_try_state(), Ok(()));
		LongerPrefixes::<Test>::insert(prefix(b"123456"), 1);
		assert!(DrugProvenance::do_try_state().is_err());
		LongerPrefixes::<Test>::remove(prefix(b"123456"));
		assert_eq!(DrugProvenance::do_try_state(), Ok(()));
		// An overlapping pair written around the call's checks.
		CompanyPrefixes::<Test>::insert(prefix(b"9506001"), MAKER_B);
		assert!(DrugProvenance::do_try_state().is_err());
	});
}
