//! The gateway directory inside the real runtime, through signed extrinsics: an
//! organization's admin publishes its gateway (staff and bad URLs refused), and
//! `GatewayDirectoryApi` answers "which gateways hold records of patient P" from the records'
//! authors and the directory, leaving out hospitals without records and suspended ones.

use frame_support::assert_ok;
use medchain_primitives::{Categories, Purpose, RecordCategory};
use medchain_runtime::{AccountId, Block, BlockNumber, Runtime, RuntimeCall, RuntimeEvent, System};
use medchain_runtime_test_support::*;
use pallet_consent::{Access, Scope};
use pallet_consortium::{
	runtime_api::runtime_decl_for_gateway_directory_api::GatewayDirectoryApiV1, GatewayEntry,
	GatewayInfo, GatewayKey, Role, Roles,
};
use sp_core::{Pair, H256};
use sp_keyring::Sr25519Keyring::*;

type ConsortiumError = pallet_consortium::Error<Runtime>;

/// What the runtime API answers (the `impl_runtime_apis!` implementation in `apis.rs`).
fn gateway_of(organization: &AccountId) -> Option<GatewayInfo<BlockNumber>> {
	<Runtime as GatewayDirectoryApiV1<Block, AccountId, BlockNumber>>::gateway_of(
		organization.clone(),
	)
}

/// The runtime API's gateways of `patient`, sorted by organization (the API's order is the
/// storage order).
fn gateways_of_patient(patient: &AccountId) -> Vec<(AccountId, GatewayInfo<BlockNumber>)> {
	let mut found =
		<Runtime as GatewayDirectoryApiV1<Block, AccountId, BlockNumber>>::gateways_of_patient(
			patient.clone(),
		);
	found.sort_by(|a, b| a.0.cmp(&b.0));
	found
}

/// The public key of a gateway's signing key `//<seed>` (what `/v1/info` shows as `signer`).
fn gateway_key(seed: &str) -> GatewayKey {
	sp_core::sr25519::Pair::from_string(&format!("//{seed}"), None).unwrap().public().0
}

fn set_gateway(endpoint: &[u8], public_key: GatewayKey) -> RuntimeCall {
	RuntimeCall::Consortium(ConsortiumCall::set_gateway { endpoint: endpoint.to_vec(), public_key })
}

/// A new Provider organization administered by a fresh, funded account (admitted by root, as
/// governance would).
fn hospital(seed: &str, name: &str) -> AccountId {
	let admin = fresh(seed);
	assert_ok!(dispatch_root(RuntimeCall::Consortium(ConsortiumCall::register_organization {
		admin: admin.clone(),
		name: name.as_bytes().to_vec(),
		roles: Roles::only(Role::Provider),
	})));
	fund(&admin);
	admin
}

/// The `GatewaySet` event of the last extrinsic.
fn gateway_set_event() -> (AccountId, Vec<u8>, GatewayKey) {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Consortium(pallet_consortium::Event::GatewaySet {
				organization,
				endpoint,
				public_key,
			}) => Some((organization, endpoint.into_inner(), public_key)),
			_ => None,
		})
		.expect("a GatewaySet event")
}

fn onboard(patient: &AccountId) {
	assert_ok!(dispatch(
		&account(Alice),
		RuntimeCall::PatientIdentity(pallet_patient_identity::Call::onboard_patient {
			patient: patient.clone(),
			identity_commitment: pallet_patient_identity::identity_commitment(
				b"front-desk salt",
				b"passport 555",
			),
		})
	));
}

/// The patient lets `hospital` write lab results (a fee-less patient extrinsic), and the
/// hospital's admin anchors one document for the patient (a paid extrinsic).
fn anchor_lab_report(patient: &AccountId, hospital: &AccountId, n: u8) {
	submit_ok(
		patient,
		RuntimeCall::Consent(pallet_consent::Call::grant_consent {
			grantee: hospital.clone(),
			scope: Scope {
				categories: Categories::only(RecordCategory::LabResults),
				access: Access::WRITE,
			},
			purpose: Purpose::Treatment,
			expires_at: None,
		}),
	);
	submit_ok(
		hospital,
		RuntimeCall::HealthRecords(pallet_health_records::Call::anchor_record {
			patient: patient.clone(),
			category: RecordCategory::LabResults,
			content_hash: H256::repeat_byte(n),
			locator: opaque_locator(&format!("fhir/DiagnosticReport/{n}"))
				.try_into()
				.expect("short locator"),
			supersedes: None,
		}),
	);
}

#[test]
fn an_admin_publishes_its_gateway_and_staff_cannot() {
	new_test_ext().execute_with(|| {
		let st_marys = account(Alice);
		let key = gateway_key("Alice//gateway");
		assert_eq!(gateway_of(&st_marys), None);

		submit_ok(&st_marys, set_gateway(b"https://st-marys.example:8801", key));
		assert_eq!(
			gateway_set_event(),
			(st_marys.clone(), b"https://st-marys.example:8801".to_vec(), key)
		);
		assert_eq!(
			gateway_of(&st_marys),
			Some(GatewayEntry {
				endpoint: b"https://st-marys.example:8801".to_vec(),
				public_key: key,
				updated_at: 1,
			})
		);

		// A staff key of the same hospital is refused, and pays for the try.
		let doctor = fresh("StMarysDoctor");
		assert_ok!(dispatch(
			&st_marys,
			RuntimeCall::Consortium(ConsortiumCall::add_staff { account: doctor.clone() })
		));
		fund(&doctor);
		submit_err(
			&doctor,
			set_gateway(b"https://evil.example", gateway_key("Mallory")),
			ConsortiumError::NotOrganizationAdmin,
		);
		// So is an outsider.
		let outsider = fresh("Outsider");
		fund(&outsider);
		submit_err(
			&outsider,
			set_gateway(b"https://evil.example", gateway_key("Mallory")),
			ConsortiumError::NotOrganizationAdmin,
		);
		assert_eq!(gateway_of(&st_marys).map(|g| g.public_key), Some(key));

		// The admin moves the gateway: the entry is replaced, the event says so.
		next_block();
		let new_key = gateway_key("Alice//gateway2");
		submit_ok(&st_marys, set_gateway(b"https://gw.st-marys.example/medchain", new_key));
		assert_eq!(
			gateway_set_event(),
			(st_marys.clone(), b"https://gw.st-marys.example/medchain".to_vec(), new_key)
		);
		let moved = gateway_of(&st_marys).unwrap();
		assert_eq!((moved.public_key, moved.updated_at), (new_key, 2));

		// And removes it.
		submit_ok(&st_marys, RuntimeCall::Consortium(ConsortiumCall::remove_gateway {}));
		assert!(System::events().iter().any(|r| r.event
			== RuntimeEvent::Consortium(pallet_consortium::Event::GatewayRemoved {
				organization: st_marys.clone()
			})));
		assert_eq!(gateway_of(&st_marys), None);
		submit_err(
			&st_marys,
			RuntimeCall::Consortium(ConsortiumCall::remove_gateway {}),
			ConsortiumError::UnknownGateway,
		);
	});
}

#[test]
fn bad_endpoints_and_keys_are_refused_by_name() {
	new_test_ext().execute_with(|| {
		let st_marys = account(Alice);
		let key = gateway_key("Alice//gateway");
		let mut too_long = b"https://".to_vec();
		too_long.resize(257, b'a');
		let refused: [(&[u8], ConsortiumError); 9] = [
			(&too_long, ConsortiumError::EndpointTooLong),
			(b"http://st-marys.example", ConsortiumError::EndpointNotHttps),
			(b"st-marys.example", ConsortiumError::EndpointNotHttps),
			(b"https://st marys.example", ConsortiumError::InvalidEndpointCharacter),
			(b"https://st-marys.example\n", ConsortiumError::InvalidEndpointCharacter),
			(b"https://", ConsortiumError::EmptyEndpointHost),
			(b"https://:8801", ConsortiumError::EmptyEndpointHost),
			(b"https://admin:pw@st-marys.example", ConsortiumError::EndpointHasCredentials),
			(b"https://st-marys.example:99999", ConsortiumError::InvalidEndpointPort),
		];
		for (endpoint, error) in refused {
			submit_err(&st_marys, set_gateway(endpoint, key), error);
		}
		submit_err(
			&st_marys,
			set_gateway(b"https://<st-marys>.example", key),
			ConsortiumError::InvalidEndpointHost,
		);
		submit_err(
			&st_marys,
			set_gateway(b"https://st-marys.example", [0; 32]),
			ConsortiumError::ZeroPublicKey,
		);
		assert_eq!(gateway_of(&st_marys), None);
		// The bound itself is accepted.
		too_long.pop();
		submit_ok(&st_marys, set_gateway(&too_long, key));
	});
}

#[test]
fn the_api_lists_the_gateways_of_the_hospitals_that_anchored_a_patients_records() {
	new_test_ext().execute_with(|| {
		let patient = fresh("TravellingPatient");
		onboard(&patient);
		let st_marys = account(Alice);
		let clinic = hospital("RiversideClinic", "Riverside Clinic");
		let lakeside = hospital("Lakeside", "Lakeside General");
		let eastside = hospital("Eastside", "Eastside Hospital");
		let northside = hospital("NorthsideNoGateway", "Northside Hospital");
		assert!(gateways_of_patient(&patient).is_empty());

		// Every hospital but Northside publishes its gateway.
		let published = [
			(&st_marys, b"https://st-marys.example:8801".as_slice(), "Alice//gateway"),
			(&clinic, b"https://riverside.example:8802", "Riverside//gateway"),
			(&lakeside, b"https://lakeside.example:8803", "Lakeside//gateway"),
			(&eastside, b"https://eastside.example", "Eastside//gateway"),
		];
		for (admin, endpoint, seed) in published {
			submit_ok(admin, set_gateway(endpoint, gateway_key(seed)));
		}

		// St. Mary's anchors two reports, the clinic one, Eastside and Northside one each;
		// Lakeside (the referral's destination) has none; the patient uploads one of their own.
		anchor_lab_report(&patient, &st_marys, 1);
		anchor_lab_report(&patient, &st_marys, 2);
		anchor_lab_report(&patient, &clinic, 3);
		anchor_lab_report(&patient, &eastside, 4);
		anchor_lab_report(&patient, &northside, 5);
		fund(&patient); // anchoring pays, also for the patient's own upload
		submit_ok(
			&patient,
			RuntimeCall::HealthRecords(pallet_health_records::Call::anchor_record {
				patient: patient.clone(),
				category: RecordCategory::Other,
				content_hash: H256::repeat_byte(6),
				locator: opaque_locator("patient upload").try_into().expect("short locator"),
				supersedes: None,
			}),
		);
		assert_eq!(pallet_health_records::RecordCount::<Runtime>::get(&patient), 6);

		// Governance suspends Eastside.
		assert_ok!(dispatch_root(RuntimeCall::Consortium(ConsortiumCall::suspend_organization {
			organization: eastside.clone()
		})));

		let mut expected = vec![
			(st_marys.clone(), gateway_of(&st_marys).expect("published")),
			(clinic.clone(), gateway_of(&clinic).expect("published")),
		];
		expected.sort_by(|a, b| a.0.cmp(&b.0));
		// St. Mary's (two records) is listed once.
		assert_eq!(gateways_of_patient(&patient), expected);
		// Lakeside has a gateway but no records of the patient; Eastside is suspended (its
		// entry is kept, but not handed out); Northside has records but no gateway.
		assert!(gateway_of(&lakeside).is_some());
		assert_eq!(gateway_of(&eastside), None);
		assert!(pallet_consortium::Gateways::<Runtime>::contains_key(&eastside));
		assert_eq!(gateway_of(&northside), None);
		// Another patient has no gateways.
		assert!(gateways_of_patient(&fresh("OtherPatient")).is_empty());

		// Reinstated, Eastside's gateway is handed out again.
		assert_ok!(dispatch_root(RuntimeCall::Consortium(
			ConsortiumCall::reinstate_organization { organization: eastside.clone() }
		)));
		let listed: Vec<AccountId> =
			gateways_of_patient(&patient).into_iter().map(|(org, _)| org).collect();
		assert_eq!(listed.len(), 3);
		assert!(listed.contains(&eastside));
		assert!(!listed.contains(&lakeside) && !listed.contains(&northside));
	});
}
