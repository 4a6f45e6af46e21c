//! Benchmarks of the governance pallet's calls, each in its worst case.

use super::*;
use alloc::boxed::Box;
use frame_benchmarking::v2::*;
use frame_support::traits::{EnsureOrigin, Get};
use pallet_consortium::{Role, Roles};

fn organization<T: Config>(name: &'static str, i: u32) -> T::AccountId {
	let org: T::AccountId = account(name, i, 0);
	T::Organizations::register_for_benchmarks(&org, Roles::only(Role::Provider), &[]);
	org
}

/// A remark as long as the scheduler holds inline: 128 bytes encoded.
fn longest_inline_call<T: Config>() -> <T as Config>::RuntimeCall {
	let mut len = 128;
	loop {
		let call: <T as Config>::RuntimeCall =
			frame_system::Call::<T>::remark { remark: alloc::vec![7; len] }.into();
		if codec::Encode::encoded_size(&call) <= 128 || len == 0 {
			return call;
		}
		len -= 1;
	}
}

/// Fill the scheduler's agenda of the block a Root call scheduled now lands in, but for one
/// place (other tasks, with other names).
fn fill_agenda<T: Config>() {
	use frame_support::traits::schedule::{v3::Named, DispatchTime, LOWEST_PRIORITY};
	let at = sp_runtime::Saturating::saturating_add(
		frame_system::Pallet::<T>::block_number(),
		Pallet::<T>::root_call_delay(),
	);
	let mut placed = alloc::vec::Vec::new();
	for i in 0u32..1_000 {
		let name =
			<sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash_of(&(b"bench", i))
				.0;
		let call = frame_support::traits::Bounded::Inline(
			frame_support::traits::BoundedInline::try_from(codec::Encode::encode(
				&longest_inline_call::<T>(),
			))
			.unwrap(),
		);
		let origin: T::PalletsOrigin = frame_system::RawOrigin::Root.into();
		if T::Scheduler::schedule_named(
			name,
			DispatchTime::At(at),
			None,
			LOWEST_PRIORITY,
			origin,
			call,
		)
		.is_err()
		{
			break;
		}
		placed.push(name);
	}
	if let Some(last) = placed.pop() {
		T::Scheduler::cancel_named(last).unwrap();
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Worst case: the scheduler's agenda of the target block holds all but one task (it is
	/// decoded and re-encoded whole), and the call is the longest held inline (128 bytes).
	#[benchmark]
	fn dispatch_as_root() -> Result<(), BenchmarkError> {
		let origin =
			T::CouncilOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		fill_agenda::<T>();
		let call = longest_inline_call::<T>();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, Box::new(call));
		Ok(())
	}

	/// Worst case: the cancelled call shares a full agenda.
	#[benchmark]
	fn cancel_root_call() -> Result<(), BenchmarkError> {
		let council =
			T::CouncilOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let origin =
			T::CancelOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		fill_agenda::<T>();
		Pallet::<T>::dispatch_as_root(council, Box::new(longest_inline_call::<T>()))
			.map_err(|_| BenchmarkError::Stop("cannot schedule"))?;
		let id = NextRootCall::<T>::get().wrapping_sub(1);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id);
		Ok(())
	}

	#[benchmark]
	fn add_council_member() -> Result<(), BenchmarkError> {
		let origin =
			T::CouncilOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		T::Council::fill_for_benchmarks();
		let org = organization::<T>("council", 0);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, org.clone());
		assert!(T::Council::is_member(&org));
		Ok(())
	}

	#[benchmark]
	fn remove_council_member() -> Result<(), BenchmarkError> {
		let origin =
			T::CouncilOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		T::Council::fill_for_benchmarks();
		let org = organization::<T>("council", 0);
		T::Council::add(&org).map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, org.clone());
		assert!(!T::Council::is_member(&org));
		Ok(())
	}

	#[benchmark]
	fn add_validator() -> Result<(), BenchmarkError> {
		let origin =
			T::CouncilOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		// All but one slot taken, so the insert searches and shifts a full list.
		let mut validators = Validators::<T>::get();
		let mut i = 0;
		while (validators.len() as u32) < T::MaxValidators::get() - 1 {
			let _ = validators.try_push(account("validator", i, 0));
			i += 1;
		}
		validators.sort();
		Validators::<T>::put(validators);
		let org = organization::<T>("new-validator", 0);
		T::SessionKeys::set_keys_for_benchmarks(&org);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, org.clone());
		assert!(Validators::<T>::get().contains(&org));
		Ok(())
	}

	#[benchmark]
	fn remove_validator() -> Result<(), BenchmarkError> {
		let origin =
			T::CouncilOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let mut validators = Validators::<T>::get();
		let mut i = 0;
		while (validators.len() as u32) < T::MaxValidators::get() {
			let _ = validators.try_push(account("validator", i, 0));
			i += 1;
		}
		validators.sort();
		let victim = validators[0].clone();
		Validators::<T>::put(validators);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, victim.clone());
		assert!(!Validators::<T>::get().contains(&victim));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
