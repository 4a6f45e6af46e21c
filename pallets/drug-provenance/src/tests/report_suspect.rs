use super::*;

fn report(
	who: AccountId,
	batch_id: BatchId,
	s: &[u8],
	reason: SuspectReason,
) -> frame_support::dispatch::DispatchResult {
	DrugProvenance::report_suspect(signed(who), batch_id, serial(s), reason)
}

#[test]
fn a_refused_double_dispense_leaves_a_durable_trace() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, serials) = setup(10);
		to_pharmacy(id, 5);
		dispense(PHARMACIST_A, id, &serials, 3);
		advance_time(60_000);
		// The clone is refused and nothing of the attempt is written...
		assert_noop!(
			try_dispense(PHARMACIST_A, id, &serials, 3),
			Error::<Test>::SerialAlreadyDispensed
		);
		// ...so the pharmacy reports it, in its own extrinsic.
		assert_ok!(report(PHARMACIST_A, id, &serials[3], SuspectReason::DoubleDispense));
		let hash = serial_hash(&serials[3]);
		System::assert_last_event(
			Event::SuspectReported {
				batch_id: id,
				serial_hash: hash,
				reason: SuspectReason::DoubleDispense,
				reporter: PHARMACY_A,
			}
			.into(),
		);
		assert_eq!(
			DrugProvenance::suspect_reports(id),
			vec![SuspectReport {
				reporter: PHARMACY_A,
				serial_hash: hash,
				reason: SuspectReason::DoubleDispense,
				at: START + 60_000,
				by_regulator: false,
			}]
		);
		assert_eq!(batch(id).suspect_reports, 1);
		let status = DrugProvenance::verify_unit(
			GTIN.to_vec(),
			LOT.to_vec(),
			serials[3].clone(),
			api_proof(&proof_of(&serials, 3)),
		);
		assert_eq!(status.suspect_reports, 1);
	});
}

#[test]
fn an_unknown_serial_is_reported() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 5);
		assert_ok!(report(CLERK, id, b"FAKE0001", SuspectReason::UnknownSerial));
		assert_ok!(report(INSPECTOR, id, b"FAKE0002", SuspectReason::DamagedOrTampered));
		assert_ok!(report(MAKER_A_STAFF, id, b"FAKE0003", SuspectReason::Other));
		assert_eq!(
			DrugProvenance::suspect_reports(id)
				.iter()
				.map(|r| (r.reporter, r.by_regulator))
				.collect::<Vec<_>>(),
			vec![(DISTRIBUTOR, false), (REGULATOR, true), (MAKER_A, false)]
		);
	});
}

#[test]
fn checkable_claims_are_checked() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, serials) = setup(10);
		to_pharmacy(id, 5);
		for reason in
			[SuspectReason::DoubleDispense, SuspectReason::Recalled, SuspectReason::Expired]
		{
			assert_noop!(
				report(PHARMACIST_A, id, &serials[0], reason),
				Error::<Test>::ClaimNotSupported
			);
		}
		dispense(PHARMACIST_A, id, &serials, 0);
		assert_ok!(report(PHARMACIST_A, id, &serials[0], SuspectReason::DoubleDispense));
		assert_noop!(
			report(PHARMACIST_A, id, &serials[1], SuspectReason::DoubleDispense),
			Error::<Test>::ClaimNotSupported
		);
		assert_ok!(DrugProvenance::recall_batch(signed(MAKER_A_STAFF), id, 2));
		assert_ok!(report(PHARMACIST_A, id, &serials[1], SuspectReason::Recalled));
		Timestamp::set_timestamp(EXPIRY_END + 1);
		assert_ok!(report(CLERK, id, &serials[1], SuspectReason::Expired));
	});
}

#[test]
fn reporter_needs_an_active_supply_chain_or_regulator_role() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		let other = SuspectReason::Other;
		assert_noop!(report(OUTSIDER, id, b"S1", other), ConsortiumError::<Test>::NotAMember);
		assert_noop!(report(DOCTOR, id, b"S1", other), ConsortiumError::<Test>::MissingRole);
		suspend(PHARMACY_B);
		assert_noop!(
			report(PHARMACIST_B, id, b"S1", other),
			ConsortiumError::<Test>::SuspendedOrganization
		);
		assert_noop!(report(PHARMACIST_A, id + 1, b"S1", other), Error::<Test>::UnknownBatch);
		assert_noop!(report(MAKER_A_STAFF, id, b"S 1", other), Error::<Test>::InvalidSerial);
		assert_noop!(report(INSPECTOR, id, b"", other), Error::<Test>::InvalidSerial);
	});
}

#[test]
fn at_the_bound_the_oldest_report_is_dropped() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 5);
		hand_over(MAKER_A_STAFF, id, PHARMACY_A, PHARMACIST_A, 5);
		let other = SuspectReason::Other;
		for (who, s) in [
			(PHARMACIST_A, &b"S0"[..]),
			(CLERK, b"S1"),
			(MAKER_A_STAFF, b"S2"),
			(PHARMACIST_A, b"S3"),
			(CLERK, b"S4"),
		] {
			assert_ok!(report(who, id, s, other));
		}
		let kept: Vec<H256> =
			SuspectReports::<Test>::get(id).iter().map(|r| r.serial_hash).collect();
		assert_eq!(kept, vec![serial_hash(b"S2"), serial_hash(b"S3"), serial_hash(b"S4")]);
		assert_eq!(batch(id).suspect_reports, MAX_REPORTS + 2);
	});
}

/// An organization with no relation to a batch cannot report on it.
#[test]
fn only_related_organizations_and_regulators_report() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, serials) = setup(10);
		let other = SuspectReason::Other;
		// Competitors, distributors and pharmacies that never had the batch.
		for who in [MAKER_B_STAFF, CLERK, PHARMACIST_A, PHARMACIST_B] {
			assert_noop!(report(who, id, b"S1", other), Error::<Test>::NotBatchParty);
		}
		// The manufacturer and any Regulator may.
		assert_ok!(report(MAKER_A_STAFF, id, b"S1", other));
		assert_ok!(report(INSPECTOR, id, b"S1", other));
		// A holder, a past holder, and a recipient that refused its shipment may.
		hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 6);
		hand_over(CLERK, id, PHARMACY_A, PHARMACIST_A, 6);
		let refused = ship(PHARMACIST_A, id, PHARMACY_B, 1);
		assert_ok!(DrugProvenance::reject_shipment(signed(PHARMACIST_B), refused));
		assert!(!holder_list(id).contains(&DISTRIBUTOR));
		assert!(!holder_list(id).contains(&PHARMACY_B));
		assert_ok!(report(PHARMACIST_A, id, &serials[0], SuspectReason::DamagedOrTampered));
		assert_ok!(report(CLERK, id, b"S2", other));
		assert_ok!(report(PHARMACIST_B, id, b"S3", other));
		assert!(CustodyParties::<Test>::contains_key(id, PHARMACY_B));
		assert!(!CustodyParties::<Test>::contains_key(id, MAKER_B));
	});
}

#[test]
fn the_products_new_owner_may_report_on_earlier_batches() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		assert_noop!(
			report(MAKER_B_STAFF, id, b"S1", SuspectReason::UnknownSerial),
			Error::<Test>::NotBatchParty
		);
		assert_ok!(DrugProvenance::reassign_product(root(), gtin_in(GTIN), MAKER_B));
		assert_ok!(report(MAKER_B_STAFF, id, b"S1", SuspectReason::UnknownSerial));
		// The batch's manufacturer still may.
		assert_ok!(report(MAKER_A_STAFF, id, b"S2", SuspectReason::Other));
	});
}

/// One reporter cannot fill a batch's list.
#[test]
fn a_reporter_keeps_at_most_max_reports_per_reporter() {
	ExtBuilder::default().build_and_execute(|| {
		let (id, _) = setup(10);
		for i in 0..MAX_REPORTS_PER_REPORTER {
			assert_ok!(report(MAKER_A_STAFF, id, format!("S{i}").as_bytes(), SuspectReason::Other));
		}
		assert_noop!(
			report(MAKER_A, id, b"S9", SuspectReason::Other),
			Error::<Test>::TooManyReports
		);
		// Regulators are bounded the same way.
		for i in 0..MAX_REPORTS_PER_REPORTER {
			assert_ok!(report(INSPECTOR, id, format!("R{i}").as_bytes(), SuspectReason::Other));
		}
		assert_noop!(
			report(INSPECTOR, id, b"R9", SuspectReason::Other),
			Error::<Test>::TooManyReports
		);
		// Once its oldest report was dropped, the manufacturer may report again.
		assert_eq!(
			SuspectReports::<Test>::get(id).iter().filter(|r| r.reporter == MAKER_A).count(),
			1
		);
		assert_ok!(report(MAKER_A_STAFF, id, b"S9", SuspectReason::Other));
	});
}

/// Other organizations' reports never push a Regulator's report out.
#[test]
fn regulators_reports_are_never_evicted_by_others() {
	const REGULATOR_B: AccountId = 72;
	ExtBuilder::default()
		.with_organization(REGULATOR_B, pallet_consortium::Role::Regulator.bit(), &[])
		.build_and_execute(|| {
			let (id, _) = setup(10);
			hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 5);
			assert_ok!(report(CLERK, id, b"S0", SuspectReason::Other));
			assert_ok!(report(INSPECTOR, id, b"R0", SuspectReason::Other));
			assert_ok!(report(INSPECTOR, id, b"R1", SuspectReason::Other));
			// Full: the manufacturer's report drops the clerk's, not the regulator's.
			assert_ok!(report(MAKER_A_STAFF, id, b"S1", SuspectReason::Other));
			let kept = || -> Vec<(AccountId, H256)> {
				SuspectReports::<Test>::get(id)
					.iter()
					.map(|r| (r.reporter, r.serial_hash))
					.collect()
			};
			assert_eq!(
				kept(),
				vec![
					(REGULATOR, serial_hash(b"R0")),
					(REGULATOR, serial_hash(b"R1")),
					(MAKER_A, serial_hash(b"S1"))
				]
			);
			// Another regulator's report drops the manufacturer's.
			assert_ok!(report(REGULATOR_B, id, b"R2", SuspectReason::Other));
			assert!(SuspectReports::<Test>::get(id).iter().all(|r| r.by_regulator));
			// Now nobody but a Regulator can add a report...
			assert_noop!(
				report(CLERK, id, b"S2", SuspectReason::Other),
				Error::<Test>::SuspectReportsFull
			);
			// ...and a Regulator's report drops the oldest Regulator's report.
			assert_ok!(report(REGULATOR_B, id, b"R3", SuspectReason::Other));
			assert_eq!(
				kept(),
				vec![
					(REGULATOR, serial_hash(b"R1")),
					(REGULATOR_B, serial_hash(b"R2")),
					(REGULATOR_B, serial_hash(b"R3"))
				]
			);
			assert_eq!(batch(id).suspect_reports, 6);
		});
}
