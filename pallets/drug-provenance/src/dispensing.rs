//! Dispensing and suspect reports: the work of `dispense` and `report_suspect` (the calls in
//! `lib.rs` check the origin and the signer's role, then call these), and the Merkle check of
//! a serial against its batch.

use crate::*;
use frame_support::pallet_prelude::*;

impl<T: Config> Pallet<T> {
	/// [`Pallet::dispense`] by `pharmacy`, the signer's organization (the caller checked its
	/// Pharmacy role). `prescribed`: the caller (the prescriptions pallet) checked a
	/// prescription for this unit's product; otherwise a prescription-only product
	/// ([`Config::DispensePolicy`]) fails with `PrescriptionRequired`. The weight returned
	/// does not include the policy's read (the caller adds it where it reads it).
	pub fn do_dispense(
		pharmacy: T::AccountId,
		batch_id: BatchId,
		serial: BoundedSerial,
		proof: SerialProofOf<T>,
		prescribed: bool,
	) -> DispatchResultWithPostInfo {
		let mut batch = Batches::<T>::get(batch_id).ok_or(Error::<T>::UnknownBatch)?;
		ensure!(
			prescribed || !T::DispensePolicy::prescription_required(&batch.gtin),
			Error::<T>::PrescriptionRequired
		);
		ensure!(!batch.is_recalled(), Error::<T>::RecalledBatch);
		let now = Self::now();
		ensure!(!batch.is_expired_at(now), Error::<T>::ExpiredBatch);
		let mut custody = Holdings::<T>::get(batch_id, &pharmacy).unwrap_or_default();
		ensure!(custody.held > 0, Error::<T>::NoCustody);
		ensure!(is_gs1_value(&serial), Error::<T>::InvalidSerial);
		Self::check_serial(&batch, &serial, proof.leaf_index, proof.leaf_count, &proof.siblings)?;
		let serial_hash = serial_hash(&serial);
		ensure!(
			!Dispensed::<T>::contains_key(batch_id, serial_hash),
			Error::<T>::SerialAlreadyDispensed
		);
		custody.held = custody.held.checked_sub(1).ok_or(ArithmeticError::Underflow)?;
		batch.dispensed = batch.dispensed.checked_add(1).ok_or(ArithmeticError::Overflow)?;

		Dispensed::<T>::insert(
			batch_id,
			serial_hash,
			DispenseInfo { pharmacy: pharmacy.clone(), at: now },
		);
		let holders_len = Self::set_custody(batch_id, &pharmacy, custody);
		let history_len = Self::note_dispensed(batch_id, &mut batch, &pharmacy, now);
		Batches::<T>::insert(batch_id, batch);
		Self::deposit_event(Event::UnitDispensed { batch_id, serial_hash, pharmacy });
		let proof_len = u32::try_from(proof.siblings.len()).unwrap_or(u32::MAX);
		Ok(Some(T::WeightInfo::dispense(proof_len, history_len, holders_len)).into())
	}

	/// Fails unless `siblings` prove `serial` is leaf `leaf_index` of `batch`'s serials
	/// tree of `leaf_count` leaves (see the crate docs): `InvalidProof` if the proof
	/// does not fit the batch, `SerialNotInBatch` if it does not lead to the root.
	///
	/// ## Complexity
	/// At most `MaxProofLen` + 1 hashes; nothing is hashed for a misfit proof.
	pub fn check_serial<L>(
		batch: &Batch<T::AccountId, L>,
		serial: &[u8],
		leaf_index: u32,
		leaf_count: u32,
		siblings: &[H256],
	) -> Result<(), DispatchError> {
		ensure!(leaf_count == batch.quantity, Error::<T>::InvalidProof);
		ensure!(leaf_index < leaf_count, Error::<T>::InvalidProof);
		ensure!(siblings.len() <= MaxProofLen::<T>::get() as usize, Error::<T>::InvalidProof);
		ensure!(
			siblings.len() == expected_proof_len(leaf_count, leaf_index) as usize,
			Error::<T>::InvalidProof
		);
		ensure!(
			binary_merkle_tree::verify_proof::<BlakeTwo256, _, _>(
				&batch.serials_root,
				siblings.iter().copied(),
				leaf_count,
				leaf_index,
				binary_merkle_tree::Leaf::Value(serial),
			),
			Error::<T>::SerialNotInBatch
		);
		Ok(())
	}

	/// [`Pallet::report_suspect`] by `reporter`, the signer's organization, which holds `roles`
	/// (the call checked it holds one of [`REPORTER_ROLES`]).
	pub(crate) fn do_report_suspect(
		reporter: T::AccountId,
		roles: Roles,
		batch_id: BatchId,
		serial: BoundedSerial,
		reason: SuspectReason,
	) -> DispatchResult {
		let mut batch = Batches::<T>::get(batch_id).ok_or(Error::<T>::UnknownBatch)?;
		let by_regulator = roles.contains(Role::Regulator);
		ensure!(
			by_regulator || Self::is_related_to_batch(batch_id, &batch, &reporter),
			Error::<T>::NotBatchParty
		);
		ensure!(is_gs1_value(&serial), Error::<T>::InvalidSerial);
		let serial_hash = serial_hash(&serial);
		let now = Self::now();
		let supported = match reason {
			SuspectReason::DoubleDispense => Dispensed::<T>::contains_key(batch_id, serial_hash),
			SuspectReason::Recalled => batch.is_recalled(),
			SuspectReason::Expired => batch.is_expired_at(now),
			SuspectReason::UnknownSerial
			| SuspectReason::DamagedOrTampered
			| SuspectReason::Other => true,
		};
		ensure!(supported, Error::<T>::ClaimNotSupported);
		let mut reports = SuspectReports::<T>::get(batch_id);
		let kept = reports.iter().filter(|r| r.reporter == reporter).count();
		ensure!(kept < T::MaxReportsPerReporter::get() as usize, Error::<T>::TooManyReports);
		if reports.is_full() {
			// The oldest report not filed by a Regulator; if there is none, only a
			// Regulator's report may replace the oldest (a Regulator's) report.
			let dropped = match reports.iter().position(|r| !r.by_regulator) {
				Some(index) => index,
				None if by_regulator => 0,
				None => return Err(Error::<T>::SuspectReportsFull.into()),
			};
			if dropped < reports.len() {
				reports.remove(dropped);
			}
		}
		reports
			.try_push(SuspectReport {
				reporter: reporter.clone(),
				serial_hash,
				reason,
				at: now,
				by_regulator,
			})
			.map_err(|_| Error::<T>::SuspectReportsFull)?;
		batch.suspect_reports = batch.suspect_reports.saturating_add(1);

		SuspectReports::<T>::insert(batch_id, reports);
		Batches::<T>::insert(batch_id, batch);
		Self::deposit_event(Event::SuspectReported { batch_id, serial_hash, reason, reporter });
		Ok(())
	}

	/// Whether `org` is related to the batch: its manufacturer, a custody party, or the
	/// current owner of its product.
	pub(crate) fn is_related_to_batch(
		batch_id: BatchId,
		batch: &BatchRecordOf<T>,
		org: &T::AccountId,
	) -> bool {
		*org == batch.manufacturer
			|| CustodyParties::<T>::contains_key(batch_id, org)
			|| Products::<T>::get(batch.gtin).is_some_and(|p| p.manufacturer == *org)
	}
}
