//! The gateway directory: `set_gateway`, `remove_gateway`, every endpoint rule, the queries
//! behind `GatewayDirectoryApi`, suspension, and the directory's invariants.

use super::{root, signed, CLINIC};
use crate::{
	directory::HTTPS_SCHEME, mock::*, Error, Event, GatewayEntry, GatewayKey, Gateways,
	MIN_ENDPOINT_LEN,
};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::{traits::BadOrigin, DispatchError};

/// The mock's `MaxEndpointLen`.
const MAX_ENDPOINT: usize = 40;
const KEY: GatewayKey = [7; 32];
const NEW_KEY: GatewayKey = [8; 32];
const ENDPOINT: &[u8] = b"https://st-marys.example:8801";

fn publish(
	org: AccountId,
	endpoint: &[u8],
	key: GatewayKey,
) -> frame_support::dispatch::DispatchResult {
	Consortium::set_gateway(signed(org), endpoint.to_vec(), key)
}

fn entry(endpoint: &[u8], key: GatewayKey, at: u64) -> GatewayEntry<Vec<u8>, u64> {
	GatewayEntry { endpoint: endpoint.to_vec(), public_key: key, updated_at: at }
}

/// Every endpoint of `endpoints` is refused with `error`, and nothing is written.
#[track_caller]
fn refused_with(endpoints: &[&[u8]], error: Error<Test>) {
	let error: DispatchError = error.into();
	for endpoint in endpoints {
		let shown = String::from_utf8_lossy(endpoint);
		assert_eq!(publish(HOSPITAL, endpoint, KEY), Err(error), "endpoint {shown:?}");
		assert_noop!(publish(HOSPITAL, endpoint, KEY), error);
	}
}

mod set_gateway {
	use super::*;

	#[test]
	fn works_for_an_admin() {
		ExtBuilder::default().build_and_execute(|| {
			System::set_block_number(5);
			assert_ok!(publish(HOSPITAL, ENDPOINT, KEY));
			let stored = Gateways::<Test>::get(HOSPITAL).unwrap();
			assert_eq!(stored.endpoint.to_vec(), ENDPOINT.to_vec());
			assert_eq!((stored.public_key, stored.updated_at), (KEY, 5));
			assert_eq!(Consortium::gateway_of(&HOSPITAL), Some(entry(ENDPOINT, KEY, 5)));
			System::assert_last_event(
				Event::GatewaySet {
					organization: HOSPITAL,
					endpoint: ENDPOINT.to_vec().try_into().unwrap(),
					public_key: KEY,
				}
				.into(),
			);
		});
	}

	#[test]
	fn replaces_the_previous_entry() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(publish(HOSPITAL, ENDPOINT, KEY));
			System::set_block_number(9);
			let moved = b"https://gw2.st-marys.example/medchain";
			assert_ok!(publish(HOSPITAL, moved, NEW_KEY));
			assert_eq!(Consortium::gateway_of(&HOSPITAL), Some(entry(moved, NEW_KEY, 9)));
			assert_eq!(Gateways::<Test>::iter().count(), 1);
			System::assert_last_event(
				Event::GatewaySet {
					organization: HOSPITAL,
					endpoint: moved.to_vec().try_into().unwrap(),
					public_key: NEW_KEY,
				}
				.into(),
			);
		});
	}

	#[test]
	fn works_for_any_role() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(publish(PHARMACY, b"https://riverside.example", KEY));
			assert!(Consortium::gateway_of(&PHARMACY).is_some());
		});
	}

	#[test]
	fn requires_signed_origin() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(Consortium::set_gateway(root(), ENDPOINT.to_vec(), KEY), BadOrigin);
		});
	}

	#[test]
	fn fails_for_staff() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(publish(DOCTOR, ENDPOINT, KEY), Error::<Test>::NotOrganizationAdmin);
			// The origin is checked first: a staff key with a bad endpoint learns only that.
			assert_noop!(publish(DOCTOR, b"http://x", KEY), Error::<Test>::NotOrganizationAdmin);
		});
	}

	#[test]
	fn fails_for_an_outsider() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(publish(OUTSIDER, ENDPOINT, KEY), Error::<Test>::NotOrganizationAdmin);
		});
	}

	#[test]
	fn fails_while_suspended() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(Consortium::suspend_organization(root(), HOSPITAL));
			assert_noop!(publish(HOSPITAL, ENDPOINT, KEY), Error::<Test>::SuspendedOrganization);
		});
	}

	#[test]
	fn fails_for_a_long_endpoint() {
		ExtBuilder::default().build_and_execute(|| {
			let mut endpoint = HTTPS_SCHEME.to_vec();
			endpoint.resize(MAX_ENDPOINT + 1, b'h');
			assert_noop!(publish(HOSPITAL, &endpoint, KEY), Error::<Test>::EndpointTooLong);
			// The bound itself is accepted.
			endpoint.pop();
			assert_ok!(publish(HOSPITAL, &endpoint, KEY));
		});
	}

	#[test]
	fn fails_for_characters_outside_printable_ascii() {
		ExtBuilder::default().build_and_execute(|| {
			refused_with(
				&[
					b"https://st marys.example",
					b"https://st-marys.example/ ",
					b"https://st-marys.example\t",
					b"https://a.example\nhttps://evil.example",
					b"https://st-mar\xc3\xbfs.example",
					b"https://st-marys.example\x7f",
					b"https://st-marys.example\0",
					b" https://st-marys.example",
				],
				Error::<Test>::InvalidEndpointCharacter,
			);
		});
	}

	#[test]
	fn fails_without_https() {
		ExtBuilder::default().build_and_execute(|| {
			refused_with(
				&[
					b"",
					b"http://st-marys.example",
					b"HTTPS://st-marys.example",
					b"https:/st-marys.example",
					b"https:st-marys.example",
					b"wss://st-marys.example",
					b"st-marys.example",
				],
				Error::<Test>::EndpointNotHttps,
			);
		});
	}

	#[test]
	fn fails_with_credentials() {
		ExtBuilder::default().build_and_execute(|| {
			refused_with(
				&[b"https://admin@st-marys.example", b"https://admin:secret@st-marys.example"],
				Error::<Test>::EndpointHasCredentials,
			);
			// An `@` in the path is not in the authority.
			assert_ok!(publish(HOSPITAL, b"https://st-marys.example/@v1", KEY));
		});
	}

	#[test]
	fn fails_without_a_host() {
		ExtBuilder::default().build_and_execute(|| {
			refused_with(
				&[
					b"https://",
					b"https:///v1",
					b"https://:8801",
					b"https://?x",
					b"https://#x",
					b"https://[]",
					b"https://[]:8801",
					b"https://::1",
				],
				Error::<Test>::EmptyEndpointHost,
			);
		});
	}

	#[test]
	fn fails_for_a_host_that_is_no_name_or_address() {
		ExtBuilder::default().build_and_execute(|| {
			refused_with(
				&[
					b"https://st_marys.example",
					b"https://st-marys.example\"",
					b"https://<script>",
					b"https://st%2dmarys.example",
					b"https://[::1",
					b"https://[::g]",
					b"https://x[::1]",
					b"https://[[::1]]",
				],
				Error::<Test>::InvalidEndpointHost,
			);
		});
	}

	#[test]
	fn fails_for_a_bad_port() {
		ExtBuilder::default().build_and_execute(|| {
			refused_with(
				&[
					b"https://st-marys.example:",
					b"https://st-marys.example:0",
					b"https://st-marys.example:65536",
					b"https://st-marys.example:123456",
					b"https://st-marys.example:88a1",
					b"https://st-marys.example:-1",
					b"https://st-marys.example:1:2",
					b"https://[::1]x",
					b"https://[::1]:",
				],
				Error::<Test>::InvalidEndpointPort,
			);
		});
	}

	#[test]
	fn accepts_hosts_ports_and_paths() {
		ExtBuilder::default().build_and_execute(|| {
			for endpoint in [
				b"https://a".as_slice(),
				b"https://localhost:8801",
				b"https://127.0.0.1:1",
				b"https://st-marys.example:65535",
				b"https://[::1]",
				b"https://[::1]:8801/medchain",
				b"https://st-marys.example/medchain?x=1#y",
				b"https://st-marys.example/",
			] {
				assert_ok!(publish(HOSPITAL, endpoint, KEY));
				assert_eq!(Consortium::gateway_of(&HOSPITAL).unwrap().endpoint, endpoint.to_vec());
			}
		});
	}

	#[test]
	fn fails_for_a_zero_key() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(publish(HOSPITAL, ENDPOINT, [0; 32]), Error::<Test>::ZeroPublicKey);
		});
	}

	#[test]
	fn the_shortest_endpoint_is_min_endpoint_len_long() {
		assert_eq!(MIN_ENDPOINT_LEN as usize, HTTPS_SCHEME.len() + 1);
		assert_eq!(MIN_ENDPOINT_LEN as usize, b"https://a".len());
	}
}

mod remove_gateway {
	use super::*;

	#[test]
	fn works() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(publish(HOSPITAL, ENDPOINT, KEY));
			assert_ok!(Consortium::remove_gateway(signed(HOSPITAL)));
			assert!(!Gateways::<Test>::contains_key(HOSPITAL));
			assert_eq!(Consortium::gateway_of(&HOSPITAL), None);
			System::assert_last_event(Event::GatewayRemoved { organization: HOSPITAL }.into());
			// It can be published again.
			assert_ok!(publish(HOSPITAL, ENDPOINT, KEY));
		});
	}

	#[test]
	fn works_while_suspended() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(publish(HOSPITAL, ENDPOINT, KEY));
			assert_ok!(Consortium::suspend_organization(root(), HOSPITAL));
			assert_ok!(Consortium::remove_gateway(signed(HOSPITAL)));
			assert!(!Gateways::<Test>::contains_key(HOSPITAL));
			// Reinstated, the organization has no gateway until it publishes one.
			assert_ok!(Consortium::reinstate_organization(root(), HOSPITAL));
			assert_eq!(Consortium::gateway_of(&HOSPITAL), None);
		});
	}

	#[test]
	fn requires_signed_origin() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(publish(HOSPITAL, ENDPOINT, KEY));
			assert_noop!(Consortium::remove_gateway(root()), BadOrigin);
		});
	}

	#[test]
	fn fails_for_staff_and_outsiders() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(publish(HOSPITAL, ENDPOINT, KEY));
			for who in [DOCTOR, OUTSIDER] {
				assert_noop!(
					Consortium::remove_gateway(signed(who)),
					Error::<Test>::NotOrganizationAdmin
				);
			}
		});
	}

	#[test]
	fn fails_without_a_gateway() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consortium::remove_gateway(signed(HOSPITAL)),
				Error::<Test>::UnknownGateway
			);
			// Another organization's entry is not the signer's.
			assert_ok!(publish(PHARMACY, ENDPOINT, KEY));
			assert_noop!(
				Consortium::remove_gateway(signed(HOSPITAL)),
				Error::<Test>::UnknownGateway
			);
		});
	}
}

mod queries {
	use super::*;
	use crate::Roles;

	#[test]
	fn a_suspended_organizations_gateway_is_kept_but_not_handed_out() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(publish(HOSPITAL, ENDPOINT, KEY));
			assert_ok!(Consortium::suspend_organization(root(), HOSPITAL));
			assert_eq!(Consortium::gateway_of(&HOSPITAL), None);
			assert!(Consortium::gateways_of([HOSPITAL]).is_empty());
			assert!(Gateways::<Test>::contains_key(HOSPITAL));
			// Reinstatement hands out the same entry again.
			assert_ok!(Consortium::reinstate_organization(root(), HOSPITAL));
			assert_eq!(Consortium::gateway_of(&HOSPITAL), Some(entry(ENDPOINT, KEY, 1)));
		});
	}

	#[test]
	fn gateway_of_is_none_for_staff_outsiders_and_organizations_without_one() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(publish(HOSPITAL, ENDPOINT, KEY));
			for who in [DOCTOR, OUTSIDER, PHARMACY] {
				assert_eq!(Consortium::gateway_of(&who), None);
			}
		});
	}

	#[test]
	fn gateways_of_lists_each_active_organization_with_a_gateway_once() {
		ExtBuilder::default()
			.with_organization(CLINIC, b"Clinic", Roles::only(crate::Role::Provider), vec![])
			.with_organization(MULTI, b"Lab", Roles::only(crate::Role::Provider), vec![])
			.build_and_execute(|| {
				let clinic = b"https://clinic.example";
				assert_ok!(publish(HOSPITAL, ENDPOINT, KEY));
				assert_ok!(publish(CLINIC, clinic, NEW_KEY));
				assert_ok!(publish(MULTI, b"https://lab.example", KEY));
				assert_ok!(Consortium::suspend_organization(root(), MULTI));
				let found = Consortium::gateways_of([
					CLINIC, HOSPITAL, CLINIC, PHARMACY, MULTI, DOCTOR, OUTSIDER, HOSPITAL,
				]);
				assert_eq!(
					found,
					vec![(CLINIC, entry(clinic, NEW_KEY, 1)), (HOSPITAL, entry(ENDPOINT, KEY, 1)),]
				);
				assert!(Consortium::gateways_of([]).is_empty());
			});
	}
}

mod invariants {
	use super::*;

	fn stored(endpoint: &[u8], key: GatewayKey) -> crate::GatewayEntryOf<Test> {
		GatewayEntry {
			endpoint: endpoint.to_vec().try_into().unwrap(),
			public_key: key,
			updated_at: 1,
		}
	}

	#[test]
	fn try_state_detects_a_gateway_of_an_unknown_organization() {
		ExtBuilder::default().build().execute_with(|| {
			Gateways::<Test>::insert(OUTSIDER, stored(ENDPOINT, KEY));
			assert!(Consortium::do_try_state().is_err());
		});
	}

	#[test]
	fn try_state_detects_an_invalid_endpoint() {
		ExtBuilder::default().build().execute_with(|| {
			Gateways::<Test>::insert(HOSPITAL, stored(b"http://st-marys.example", KEY));
			assert!(Consortium::do_try_state().is_err());
		});
	}

	#[test]
	fn try_state_detects_a_zero_key() {
		ExtBuilder::default().build().execute_with(|| {
			Gateways::<Test>::insert(HOSPITAL, stored(ENDPOINT, [0; 32]));
			assert!(Consortium::do_try_state().is_err());
			Gateways::<Test>::insert(HOSPITAL, stored(ENDPOINT, KEY));
			assert!(Consortium::do_try_state().is_ok());
		});
	}
}
