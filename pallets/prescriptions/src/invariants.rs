//! The pallet's invariants, checked by `try_state` (try-runtime), after the unit tests that
//! fill prescriptions, and by the runtime fuzz harness after every block.

use crate::*;
use alloc::collections::{btree_map::BTreeMap, btree_set::BTreeSet};
use frame_support::ensure;

impl<T: Config> Pallet<T> {
	/// Check the pallet's invariants:
	/// - every registered prescription is in progress: `1 <= current_fill <= fills`, and its
	///   units are exactly `units_in_fill` (>= 1) in the current fill, the earlier fills in
	///   order before them, none after; its holder lists it;
	/// - every list of units belongs to a registered prescription, and every prescription a
	///   holder lists is registered to that holder;
	/// - per batch, `BatchHolderUnits` counts exactly the units of the holders' prescriptions
	///   from that batch, and `BatchHolderCount` the holders with at least one.
	///
	/// Always compiled (not only under `try-runtime`): the fuzz harness checks it without that
	/// feature.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let mut units_per_batch_holder: BTreeMap<(BatchId, T::AccountId), u32> = BTreeMap::new();
		for (id, state) in Prescriptions::<T>::iter() {
			ensure!(
				state.current_fill >= 1 && state.current_fill <= state.fills,
				"a prescription's current fill is outside 1..=fills"
			);
			let units = Fills::<T>::get(id);
			let mut last_fill = 1;
			let mut in_current = 0u32;
			for unit in units.iter() {
				ensure!(unit.fill >= last_fill, "a prescription's units are not in fill order");
				ensure!(unit.fill <= state.current_fill, "a unit of a fill not started yet");
				last_fill = unit.fill;
				if unit.fill == state.current_fill {
					in_current = in_current.saturating_add(1);
				}
				let n = units_per_batch_holder
					.entry((unit.batch_id, state.holder.clone()))
					.or_default();
				*n = n.saturating_add(1);
			}
			ensure!(
				state.units_in_fill >= 1 && in_current == u32::from(state.units_in_fill),
				"the current fill's units differ from units_in_fill"
			);
			ensure!(
				HolderPrescriptions::<T>::get(&state.holder).contains(&id),
				"a prescription is missing from its holder's list"
			);
		}
		for id in Fills::<T>::iter_keys() {
			ensure!(Prescriptions::<T>::contains_key(id), "units of an unregistered prescription");
		}
		for (holder, ids) in HolderPrescriptions::<T>::iter() {
			for id in ids.iter() {
				ensure!(
					Prescriptions::<T>::get(id).is_some_and(|s| s.holder == holder),
					"a holder lists a prescription that is not its own"
				);
			}
		}
		let mut holders_per_batch: BTreeMap<BatchId, BTreeSet<T::AccountId>> = BTreeMap::new();
		for (batch_id, holder, units) in BatchHolderUnits::<T>::iter() {
			ensure!(
				units_per_batch_holder.get(&(batch_id, holder.clone())).copied() == Some(units),
				"BatchHolderUnits differs from the prescriptions' units"
			);
			holders_per_batch.entry(batch_id).or_default().insert(holder);
		}
		ensure!(
			units_per_batch_holder.len() == BatchHolderUnits::<T>::iter().count(),
			"a holder's units of a batch are not counted in BatchHolderUnits"
		);
		for (batch_id, count) in BatchHolderCount::<T>::iter() {
			ensure!(
				holders_per_batch.get(&batch_id).map_or(0, |h| h.len()) == count as usize,
				"BatchHolderCount differs from the holders of the batch"
			);
		}
		ensure!(
			holders_per_batch.len() == BatchHolderCount::<T>::iter().count(),
			"a batch's holders are not counted in BatchHolderCount"
		);
		Ok(())
	}
}
