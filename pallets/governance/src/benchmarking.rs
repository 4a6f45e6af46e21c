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

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn dispatch_as_root() -> Result<(), BenchmarkError> {
		let origin =
			T::CouncilOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let call: <T as Config>::RuntimeCall =
			frame_system::Call::<T>::remark { remark: alloc::vec![] }.into();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, Box::new(call));
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
