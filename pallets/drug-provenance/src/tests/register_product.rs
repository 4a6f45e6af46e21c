use super::*;

#[test]
fn works_for_manufacturer_staff_and_admin() {
	ExtBuilder::default().build_and_execute(|| {
		register(GTIN);
		System::assert_last_event(
			Event::ProductRegistered {
				gtin: gtin(GTIN),
				manufacturer: MAKER_A,
				metadata_hash: metadata(),
			}
			.into(),
		);
		assert_ok!(DrugProvenance::register_product(signed(MAKER_A), gtin_in(GTIN_2), metadata()));
		assert_eq!(
			Products::<Test>::get(gtin(GTIN)),
			Some(Product {
				manufacturer: MAKER_A,
				metadata_hash: metadata(),
				registered_at: START
			})
		);
		assert_eq!(ProductsOf::<Test>::get(MAKER_A).into_inner(), vec![gtin(GTIN), gtin(GTIN_2)]);
		assert_eq!(
			DrugProvenance::products_of(&MAKER_A).into_iter().map(|(g, _)| g).collect::<Vec<_>>(),
			vec![gtin(GTIN), gtin(GTIN_2)]
		);
		assert!(DrugProvenance::products_of(&MAKER_B).is_empty());
	});
}

#[test]
fn needs_an_active_manufacturer() {
	ExtBuilder::default().build_and_execute(|| {
		let call = |who| DrugProvenance::register_product(signed(who), gtin_in(GTIN), metadata());
		assert_noop!(
			DrugProvenance::register_product(RuntimeOrigin::none(), gtin_in(GTIN), metadata()),
			BadOrigin
		);
		assert_noop!(call(OUTSIDER), ConsortiumError::<Test>::NotAMember);
		assert_noop!(call(PHARMACIST_A), ConsortiumError::<Test>::MissingRole);
		assert_noop!(call(INSPECTOR), ConsortiumError::<Test>::MissingRole);
		suspend(MAKER_A);
		assert_noop!(call(MAKER_A_STAFF), ConsortiumError::<Test>::SuspendedOrganization);
	});
}

#[test]
fn bad_gtin_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let call = |g: &[u8]| {
			DrugProvenance::register_product(signed(MAKER_A_STAFF), gtin_in(g), metadata())
		};
		assert_noop!(call(b"09506000134353"), Error::<Test>::InvalidGtinCheckDigit);
		assert_noop!(call(b"9506000134352"), Error::<Test>::InvalidGtin);
		assert_noop!(call(b"0950600013435X"), Error::<Test>::InvalidGtin);
		assert_noop!(call(b""), Error::<Test>::InvalidGtin);
	});
}

#[test]
fn zero_metadata_hash_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			DrugProvenance::register_product(signed(MAKER_A_STAFF), gtin_in(GTIN), H256::zero()),
			Error::<Test>::ZeroMetadataHash
		);
	});
}

#[test]
fn a_gtin_is_registered_once() {
	ExtBuilder::default().build_and_execute(|| {
		register(GTIN);
		assert_noop!(
			DrugProvenance::register_product(signed(MAKER_A_STAFF), gtin_in(GTIN), metadata()),
			Error::<Test>::GtinAlreadyRegistered
		);
	});
}

/// A GTIN can only be registered by the organization its company prefix is assigned to:
/// another manufacturer cannot take it for ever by registering it first.
#[test]
fn a_gtin_of_another_manufacturers_prefix_cannot_be_squatted() {
	ExtBuilder::default().build_and_execute(|| {
		// Maker B tries Maker A's GTIN before Maker A registered it.
		assert_noop!(
			DrugProvenance::register_product(signed(MAKER_B_STAFF), gtin_in(GTIN), metadata()),
			Error::<Test>::CompanyPrefixNotAssigned
		);
		// Nobody owns a GTIN whose prefix is assigned to no one.
		assert_noop!(
			DrugProvenance::register_product(
				signed(MAKER_A_STAFF),
				gtin_in(GTIN_UNASSIGNED),
				metadata()
			),
			Error::<Test>::CompanyPrefixNotAssigned
		);
		// Maker A registers its own GTIN; Maker B still cannot take it.
		register(GTIN);
		assert_noop!(
			DrugProvenance::register_product(signed(MAKER_B_STAFF), gtin_in(GTIN), metadata()),
			Error::<Test>::CompanyPrefixNotAssigned
		);
	});
}

#[test]
fn the_prefix_is_found_at_every_length() {
	ExtBuilder::default().without_company_prefixes().build_and_execute(|| {
		// GTIN 0 950600013435 2: candidate prefixes 950600 .. 950600013435.
		for len in 6..=12usize {
			let digits = &GTIN[1..=len];
			assert_ok!(DrugProvenance::assign_company_prefix(root(), prefix_in(digits), MAKER_A));
			assert_eq!(
				DrugProvenance::company_prefix_owner(&gtin(GTIN)),
				Some((prefix(digits), MAKER_A))
			);
			assert_noop!(
				DrugProvenance::register_product(signed(MAKER_B_STAFF), gtin_in(GTIN), metadata()),
				Error::<Test>::CompanyPrefixNotAssigned
			);
			assert_ok!(DrugProvenance::revoke_company_prefix(root(), prefix_in(digits)));
		}
		assert_eq!(DrugProvenance::company_prefix_owner(&gtin(GTIN)), None);
		// The 12-digit prefix (the whole GTIN-13 body but its check digit).
		assert_ok!(DrugProvenance::assign_company_prefix(
			root(),
			prefix_in(b"950600013435"),
			MAKER_B
		));
		assert_ok!(DrugProvenance::register_product(
			signed(MAKER_B_STAFF),
			gtin_in(GTIN),
			metadata()
		));
		assert_eq!(Products::<Test>::get(gtin(GTIN)).map(|p| p.manufacturer), Some(MAKER_B));
	});
}

#[test]
fn product_list_is_bounded() {
	ExtBuilder::default().build_and_execute(|| {
		register(GTIN);
		register(GTIN_2);
		register(b"10012345678902");
		assert_eq!(ProductsOf::<Test>::get(MAKER_A).len() as u32, MAX_PRODUCTS);
		assert_noop!(
			DrugProvenance::register_product(signed(MAKER_A_STAFF), gtin_in(GTIN_A3), metadata()),
			Error::<Test>::TooManyProducts
		);
		// Another manufacturer is not affected.
		assert_ok!(DrugProvenance::register_product(
			signed(MAKER_B_STAFF),
			gtin_in(GTIN_B),
			metadata()
		));
	});
}
