use super::*;
use crate::migrations::v2::{BatchV1, MigrateV1ToV2, SuspectReportV1};
use codec::Encode;
use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

#[test]
fn v1_to_v2_keeps_every_batch_and_seeds_custody_parties() {
	ExtBuilder::default().build().execute_with(|| {
		let (id, _) = setup(10);
		hand_over(MAKER_A_STAFF, id, DISTRIBUTOR, CLERK, 4);
		ship(CLERK, id, PHARMACY_A, 1);
		let current = batch(id);
		// Rewrite the state as storage version 1 left it.
		let old = BatchV1 {
			gtin: current.gtin,
			lot: current.lot.clone(),
			expiry: current.expiry,
			quantity: current.quantity,
			serials_root: current.serials_root,
			manufacturer: current.manufacturer,
			commissioned_at: current.commissioned_at,
			in_transit: current.in_transit,
			dispensed: current.dispensed,
			suspect_reports: 2,
			history_pruned: current.history_pruned,
			recalled: None,
		};
		frame_support::storage::unhashed::put_raw(
			&Batches::<Test>::hashed_key_for(id),
			&old.encode(),
		);
		let reports: Vec<SuspectReportV1<AccountId>> = vec![
			SuspectReportV1 {
				reporter: REGULATOR,
				serial_hash: serial_hash(b"S1"),
				reason: SuspectReason::Other,
				at: START,
			},
			SuspectReportV1 {
				reporter: PHARMACY_B,
				serial_hash: serial_hash(b"S2"),
				reason: SuspectReason::UnknownSerial,
				at: START,
			},
		];
		frame_support::storage::unhashed::put_raw(
			&SuspectReports::<Test>::hashed_key_for(id),
			&reports.encode(),
		);
		let _ = CustodyParties::<Test>::clear_prefix(id, u32::MAX, None);
		StorageVersion::new(1).put::<DrugProvenance>();

		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(DrugProvenance::on_chain_storage_version(), StorageVersion::new(2));
		assert_eq!(batch(id), Batch { suspect_reports: 2, ..current });
		assert_eq!(
			SuspectReports::<Test>::get(id).iter().map(|r| r.by_regulator).collect::<Vec<_>>(),
			vec![true, false]
		);
		let mut parties: Vec<AccountId> = CustodyParties::<Test>::iter_key_prefix(id).collect();
		parties.sort();
		assert_eq!(parties, vec![MAKER_A, DISTRIBUTOR, PHARMACY_A]);
		assert_eq!(DrugProvenance::do_try_state(), Ok(()));
		// A second run is a no-op (the version is 2 already): decoding the v2 batch as v1
		// would have failed or corrupted it.
		let migrated = batch(id);
		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(batch(id), migrated);
		assert_eq!(DrugProvenance::on_chain_storage_version(), StorageVersion::new(2));
	});
}
