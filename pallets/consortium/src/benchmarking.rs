//! Benchmarks of the consortium pallet (v2 syntax), each set up in its worst case.

use super::*;
use crate::Pallet as Consortium;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::traits::EnsureOrigin;
use frame_system::RawOrigin;

fn governance<T: Config>() -> T::RuntimeOrigin {
	T::GovernanceOrigin::try_successful_origin().unwrap_or_else(|_| RawOrigin::Root.into())
}

fn register<T: Config>(admin: &T::AccountId) {
	let name = vec![b'o'; T::MaxNameLen::get() as usize].try_into().unwrap();
	Consortium::<T>::do_register(admin, name, Roles::from_roles(&Role::ALL)).unwrap();
}

/// A valid endpoint of exactly `len` bytes (`len >= MIN_ENDPOINT_LEN`): `https://` and a
/// host of `len - 8` letters.
fn endpoint_of_len(len: u32) -> Vec<u8> {
	let mut endpoint = directory::HTTPS_SCHEME.to_vec();
	endpoint.resize(len as usize, b'g');
	endpoint
}

/// Publish a gateway of the longest endpoint for `admin`'s organization.
fn publish<T: Config>(admin: &T::AccountId) {
	Gateways::<T>::insert(
		admin,
		GatewayEntry {
			endpoint: endpoint_of_len(T::MaxEndpointLen::get()).try_into().unwrap(),
			public_key: [1; GATEWAY_KEY_LEN],
			updated_at: frame_system::Pallet::<T>::block_number(),
		},
	);
}

/// A distinct, non-zero node key for each `i`.
fn node_key(i: u32) -> NodeKey {
	let mut key = [7; 32];
	key[..4].copy_from_slice(&i.to_le_bytes());
	key
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_organization(n: Linear<1, { T::MaxNameLen::get() }>) {
		let admin: T::AccountId = account("admin", 0, 0);
		let name = vec![b'n'; n as usize];
		let roles = Roles::from_roles(&Role::ALL);
		let origin = governance::<T>();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, admin.clone(), name, roles);

		assert!(Organizations::<T>::contains_key(&admin));
	}

	#[benchmark]
	fn set_roles() {
		let admin: T::AccountId = account("admin", 0, 0);
		register::<T>(&admin);
		let origin = governance::<T>();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, admin.clone(), Roles::only(Role::Regulator));

		assert_eq!(Organizations::<T>::get(&admin).unwrap().roles, Roles::only(Role::Regulator));
	}

	#[benchmark]
	fn suspend_organization() {
		let admin: T::AccountId = account("admin", 0, 0);
		register::<T>(&admin);
		let origin = governance::<T>();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, admin.clone());

		assert!(!Consortium::<T>::is_active(&admin));
	}

	#[benchmark]
	fn reinstate_organization() {
		let admin: T::AccountId = account("admin", 0, 0);
		register::<T>(&admin);
		Organizations::<T>::mutate(&admin, |o| {
			if let Some(o) = o {
				o.status = OrganizationStatus::Suspended
			}
		});
		let origin = governance::<T>();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, admin.clone());

		assert!(Consortium::<T>::is_active(&admin));
	}

	#[benchmark]
	fn add_staff() {
		let admin: T::AccountId = account("admin", 0, 0);
		register::<T>(&admin);
		// Fill the organization up to one below its bound.
		for i in 0..T::MaxStaff::get().saturating_sub(1) {
			Consortium::<T>::do_add_staff(&admin, &account("staff", i, 1)).unwrap();
		}
		let staff: T::AccountId = account("new_staff", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(admin.clone()), staff.clone());

		assert_eq!(StaffOf::<T>::get(&staff), Some(admin));
	}

	#[benchmark]
	fn remove_staff() {
		let admin: T::AccountId = account("admin", 0, 0);
		register::<T>(&admin);
		let staff: T::AccountId = account("staff", 0, 0);
		Consortium::<T>::do_add_staff(&admin, &staff).unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(admin), staff.clone());

		assert!(!StaffOf::<T>::contains_key(&staff));
	}

	/// The longest endpoint first replaces an existing entry (the same writes as a first
	/// publication, but the larger value is the worst case for the storage proof).
	#[benchmark]
	fn set_gateway(n: Linear<MIN_ENDPOINT_LEN, { T::MaxEndpointLen::get() }>) {
		let admin: T::AccountId = account("admin", 0, 0);
		register::<T>(&admin);
		publish::<T>(&admin);
		let endpoint = endpoint_of_len(n);

		#[extrinsic_call]
		_(RawOrigin::Signed(admin.clone()), endpoint.clone(), [2; GATEWAY_KEY_LEN]);

		let entry = Gateways::<T>::get(&admin).unwrap();
		assert_eq!(
			(entry.endpoint.into_inner(), entry.public_key),
			(endpoint, [2; GATEWAY_KEY_LEN])
		);
	}

	#[benchmark]
	fn remove_gateway() {
		let admin: T::AccountId = account("admin", 0, 0);
		register::<T>(&admin);
		publish::<T>(&admin);

		#[extrinsic_call]
		_(RawOrigin::Signed(admin.clone()));

		assert!(!Gateways::<T>::contains_key(&admin));
	}

	#[benchmark]
	fn add_node() {
		let admin: T::AccountId = account("admin", 0, 0);
		register::<T>(&admin);
		let max = T::MaxNodesPerOrganization::get();
		for i in 1..max {
			Consortium::<T>::do_add_node(&admin, node_key(i)).unwrap();
		}
		let node = node_key(max);

		#[extrinsic_call]
		_(RawOrigin::Signed(admin.clone()), admin.clone(), node);

		assert_eq!(NodeOwner::<T>::get(node), Some(admin));
	}

	#[benchmark]
	fn remove_node() {
		let admin: T::AccountId = account("admin", 0, 0);
		register::<T>(&admin);
		let max = T::MaxNodesPerOrganization::get();
		for i in 1..=max {
			Consortium::<T>::do_add_node(&admin, node_key(i)).unwrap();
		}
		let node = node_key(max);

		#[extrinsic_call]
		_(RawOrigin::Signed(admin.clone()), node);

		assert!(!NodeOwner::<T>::contains_key(node));
	}

	impl_benchmark_test_suite!(
		Consortium,
		crate::mock::ExtBuilder::empty().build(),
		crate::mock::Test
	);
}
