//! The permission matrix: every call of every MedChain pallet, tried by every kind
//! of caller, through the real signed-extrinsic path (`Executive::apply_extrinsic` with the
//! runtime's `TxExtension`: nonce, weight, fees or the fee-less path). Only the intended
//! callers may succeed.
//!
//! The expected matrix is data ([`MATRIX`]): one row per call, one character per caller
//! column ([`COLUMNS`]): `Y` the call succeeds, `.` it fails (with a pallet error, `BadOrigin`,
//! `System.CallFiltered` for a proxy, or an invalid transaction such as `Payment`). The test
//! computes the actual matrix and compares; on a mismatch it prints both, and the actual
//! errors. The same table is in `docs/SECURITY.md` between the markers
//! `<!-- permission-matrix:begin -->` and `<!-- permission-matrix:end -->`, and the test fails
//! if the two differ. `MEDCHAIN_WRITE_MATRIX=1` prints the table (and the errors) to stdout.
//!
//! How a cell is computed: the common state (the `development` preset's consortium, one staff
//! key per organization, a suspended organization, two patients, the patient's proxies) is
//! built once; for each call a set-up makes the state in which the call's intended caller
//! would succeed, inside a storage transaction; each caller's try runs in a nested storage
//! transaction that is rolled back, so no try sees another's effects.

use frame_support::{
	assert_ok,
	storage::{with_transaction, TransactionOutcome},
	traits::{Get, GetCallName},
};
use medchain_primitives::{Categories, Purpose, RecordCategory};
use medchain_runtime::{
	AccountId, ProxyType, Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, System,
};
use medchain_runtime_test_support::*;
use pallet_consent::{Access, Scope};
use pallet_consortium::{Role, Roles};
use sp_core::H256;
use sp_keyring::Sr25519Keyring::{self, *};
use sp_runtime::{
	traits::{BlakeTwo256, Dispatchable},
	transaction_validity::TransactionValidityError,
	ApplyExtrinsicResult, DispatchError,
};

/// The caller columns, in order. `A`: an organization's admin, `S`: one of its staff keys.
const COLUMNS: &[(&str, &str)] = &[
	("ProvA", "Provider admin (//Alice, St. Mary's)"),
	("ProvS", "Provider staff"),
	("PharA", "Pharmacy admin (//Bob)"),
	("PharS", "Pharmacy staff"),
	("MfrA", "Manufacturer admin (//Charlie)"),
	("MfrS", "Manufacturer staff"),
	("DistA", "Distributor admin (//Dave)"),
	("DistS", "Distributor staff"),
	("RegA", "Regulator admin (//Eve)"),
	("RegS", "Regulator staff"),
	("SponA", "TrialSponsor admin (//Ferdie)"),
	("SponS", "TrialSponsor staff"),
	("ResA", "Researcher admin (//Alice//stash)"),
	("ResS", "Researcher staff"),
	("InsA", "Insurer admin (//Bob//stash)"),
	("InsS", "Insurer staff"),
	("Susp", "staff of a suspended organization holding all eight roles"),
	("Out", "an unregistered, funded account"),
	("Pat", "the patient the call is about"),
	("Oth", "another registered patient (funded)"),
	("Grd", "a Guardian proxy of the patient (`Proxy.proxy`)"),
	("NTP", "a NonTransfer proxy of the patient (`Proxy.proxy`)"),
	("Gov", "governance: the call dispatched with the Root origin"),
];

/// The expected matrix: `(pallet.call, expected, note)`. In `expected`, one character per
/// column of [`COLUMNS`] (`Y` succeeds, `.` fails); spaces and `|` are only for reading:
/// 8 admin/staff pairs | suspended, outsider | patient, other patient, guardian, non-transfer
/// | governance.
#[rustfmt::skip]
const MATRIX: &[(&str, &str, &str)] = &[
	// Consortium.
	("Consortium.register_organization",   ".. .. .. .. .. .. .. .. | .. | .... | Y", ""),
	("Consortium.set_roles",               ".. .. .. .. .. .. .. .. | .. | .... | Y", ""),
	("Consortium.suspend_organization",    ".. .. .. .. .. .. .. .. | .. | .... | Y", ""),
	("Consortium.reinstate_organization",  ".. .. .. .. .. .. .. .. | .. | .... | Y", ""),
	("Consortium.add_staff",               "Y. Y. Y. Y. Y. Y. Y. Y. | .. | .... | .", "any active organization's admin, for its own organization"),
	("Consortium.remove_staff",            "Y. .. .. .. .. .. .. .. | .. | .... | .", "removes the Provider's staff key: only its admin"),
	("Consortium.set_gateway",             "Y. Y. Y. Y. Y. Y. Y. Y. | .. | .... | .", "any active organization's admin, for its own organization"),
	("Consortium.remove_gateway",          "Y. .. .. .. .. .. .. .. | .. | .... | .", "the Provider published a gateway: only its admin removes it"),
	("Consortium.add_node",                "Y. .. .. .. .. .. .. .. | .. | .... | Y", "a node for the Provider: its admin (no vote) or governance"),
	("Consortium.remove_node",             "Y. .. .. .. .. .. .. .. | .. | .... | Y", "the Provider's node: its admin or governance"),
	// PatientIdentity.
	("PatientIdentity.register_patient",   "YY YY YY YY YY YY YY YY | YY | Y..Y | .", "the patient is unregistered (and funded) here; any account may register itself"),
	("PatientIdentity.onboard_patient",    "YY .. .. .. .. .. .. .. | .. | .... | .", ""),
	("PatientIdentity.attest_patient",     "YY .. .. .. .. .. .. .. | .. | .... | .", ""),
	("PatientIdentity.rotate_commitment",  ".. .. .. .. .. .. .. .. | .. | YYYY | .", "fee-less: zero-balance patient; another patient rotates their own"),
	("PatientIdentity.deregister",         ".. .. .. .. .. .. .. .. | .. | YY.. | .", "fee-less: zero-balance patient; another patient deregisters themself; no proxy but Any"),
	// Consent.
	("Consent.grant_consent",              ".. .. .. .. .. .. .. .. | .. | YYYY | .", "fee-less: zero-balance patient; another patient grants their own"),
	("Consent.revoke_consent",             ".. .. .. .. .. .. .. .. | .. | Y.YY | .", "fee-less: zero-balance patient"),
	("Consent.break_glass",                "YY .. .. .. .. .. .. .. | .. | .... | .", ""),
	("Consent.log_access",                 "YY .. .. .. .. .. .. .. | .. | .... | .", "the Provider holds the patient's read consent"),
	("Consent.log_accesses",               "YY .. .. .. .. .. .. .. | .. | .... | .", "the Provider holds the patient's read consent; two records"),
	("Consent.request_access",             "YY YY YY YY YY YY YY YY | .. | .... | .", "any active organization's staff or admin asks"),
	("Consent.decline_access_request",     ".. .. .. .. .. .. .. .. | .. | Y.YY | .", "fee-less: zero-balance patient; St. Mary's asked first"),
	("Consent.declare_emergency_incident", "Y. .. .. .. .. .. .. .. | .. | .... | .", "only a Provider's admin, for its own organization"),
	// HealthRecords.
	("HealthRecords.anchor_record",        "YY .. .. .. .. .. .. .. | .. | Y..Y | .", "the Provider holds the patient's write consent; the patient may upload"),
	("HealthRecords.anchor_batch",         "YY .. .. .. .. .. .. .. | .. | .... | .", "a batch with no patient"),
	("HealthRecords.seal_record",          ".. .. .. .. .. .. .. .. | .. | Y.YY | .", "fee-less: zero-balance patient"),
	("HealthRecords.erase_records",        "YY YY YY YY YY YY YY YY | YY | YY.Y | .", "the patient deregistered with records left to erase; anyone may finish it"),
	// DrugProvenance.
	("DrugProvenance.register_product",    ".. .. YY .. .. .. .. .. | .. | .... | .", ""),
	("DrugProvenance.commission_batch",    ".. .. YY .. .. .. .. .. | .. | .... | .", ""),
	("DrugProvenance.ship",                ".. .. YY .. .. .. .. .. | .. | .... | .", "the Manufacturer holds the batch"),
	("DrugProvenance.receive",             ".. .. .. YY .. .. .. .. | .. | .... | .", "shipped Manufacturer -> Distributor"),
	("DrugProvenance.cancel_shipment",     ".. .. YY .. .. .. .. .. | .. | .... | .", "shipped Manufacturer -> Distributor"),
	("DrugProvenance.dispense",            ".. YY .. .. .. .. .. .. | .. | .... | .", "the Pharmacy received units"),
	("DrugProvenance.report_suspect",      ".. .. YY .. YY .. .. .. | .. | .... | .", "the batch's Manufacturer or a Regulator"),
	("DrugProvenance.recall_batch",        ".. .. YY .. YY .. .. .. | .. | .... | .", "the batch's Manufacturer or a Regulator"),
	("DrugProvenance.destroy_units",       ".. .. YY .. .. .. .. .. | .. | .... | .", "the Manufacturer holds the batch"),
	("DrugProvenance.assign_company_prefix", ".. .. .. .. .. .. .. .. | .. | .... | Y", ""),
	("DrugProvenance.revoke_company_prefix", ".. .. .. .. .. .. .. .. | .. | .... | Y", ""),
	("DrugProvenance.reassign_product",    ".. .. .. .. .. .. .. .. | .. | .... | Y", ""),
	("DrugProvenance.reject_shipment",     ".. .. .. YY .. .. .. .. | .. | .... | .", "shipped Manufacturer -> Distributor"),
	// Prescriptions.
	("Prescriptions.set_prescription_only", ".. .. .. .. .. .. .. .. | .. | .... | Y", ""),
	("Prescriptions.dispense_prescribed",  ".. YY .. .. .. .. .. .. | .. | .... | .", "the Pharmacy received units; St. Mary's admin signed the prescription; its holder signed the fill for Riverside"),
	// ClinicalTrials.
	("ClinicalTrials.register_trial",      ".. .. .. .. .. YY .. .. | .. | .... | .", ""),
	("ClinicalTrials.amend_protocol",      ".. .. .. .. .. YY .. .. | .. | .... | .", ""),
	("ClinicalTrials.add_site",            ".. .. .. .. .. YY .. .. | .. | .... | .", "adds the Provider as a site"),
	("ClinicalTrials.enroll_participant",  "YY .. .. .. .. .. .. .. | .. | .... | .", "the Provider is a site; the patient consented to Research"),
	("ClinicalTrials.commit_data",         "YY .. .. .. .. YY .. .. | .. | .... | .", "the Provider is a site"),
	("ClinicalTrials.lock_database",       ".. .. .. .. .. YY .. .. | .. | .... | .", ""),
	("ClinicalTrials.publish_results",     ".. .. .. .. .. YY .. .. | .. | .... | .", ""),
	("ClinicalTrials.flag_trial",          ".. .. .. .. YY .. .. .. | .. | .... | .", ""),
	("ClinicalTrials.remove_site",         ".. .. .. .. .. YY .. .. | .. | .... | .", ""),
	("ClinicalTrials.withdraw_participant", "YY .. .. .. .. YY .. .. | .. | Y.YY | .", "fee-less: zero-balance patient; the enrolling site or the sponsor may record it"),
	("ClinicalTrials.release_registry_id", ".. .. .. .. .. .. .. .. | .. | .... | Y", ""),
	// Governance.
	("Governance.dispatch_as_root",        ".. .. .. .. .. .. .. .. | .. | .... | Y", "a remark as root"),
	("Governance.add_council_member",      ".. .. .. .. .. .. .. .. | .. | .... | Y", "a newly admitted organization"),
	("Governance.remove_council_member",   ".. .. .. .. .. .. .. .. | .. | .... | Y", ""),
	("Governance.add_validator",           ".. .. .. .. .. .. .. .. | .. | .... | Y", "//Bob's node keys are registered"),
	("Governance.remove_validator",        ".. .. .. .. .. .. .. .. | .. | .... | Y", "//Bob's node was added first"),
	("Governance.cancel_root_call",        ".. .. .. .. .. .. .. .. | .. | .... | Y", "a Root call waits out its time lock"),
];

/// Calls that are fee-less for the patient: tried with a zero-balance patient key. For every
/// other call the patient's account is funded first, so the row shows the pallet's rule, not
/// the fee.
const FEELESS_FOR_PATIENT: &[&str] = &[
	"PatientIdentity.rotate_commitment",
	"PatientIdentity.deregister",
	"Consent.grant_consent",
	"Consent.revoke_consent",
	"Consent.decline_access_request",
	"HealthRecords.seal_record",
	"HealthRecords.erase_records",
	"ClinicalTrials.withdraw_participant",
];

/// Every cell's outcome (`Ok` or the error's name), one line per call: reviewed once, then
/// compared on every run, so a `.` cannot hide a refusal for another reason than the one
/// reviewed (a set-up error, a payment failure, another check).
const ERRORS_FILE: &str =
	concat!(env!("CARGO_MANIFEST_DIR"), "/tests/integration/permission_matrix.errors");
const ERRORS_HEADER: &str =
	"# Every cell of the permission matrix (runtime/tests/integration/permission_matrix.rs):\n\
# `Ok` or the error the caller gets. Generated by MEDCHAIN_WRITE_MATRIX=1; review each change.\n";

const BEGIN: &str = "<!-- permission-matrix:begin -->";
const END: &str = "<!-- permission-matrix:end -->";

/// Who tries a call.
#[derive(Clone)]
enum Caller {
	/// A signed extrinsic of this account.
	Signed(AccountId),
	/// `Proxy.proxy(real = patient, call)` signed by this delegate.
	Proxy(AccountId),
	/// The Root origin, as governance (a 2/3 council motion, or sudo on dev chains) has it.
	Root,
}

/// The common state's accounts.
struct World {
	callers: Vec<Caller>,
	patient: AccountId,
	provider_staff: AccountId,
}

const ADMINS: [(Sr25519Keyring, Role); 8] = [
	(Alice, Role::Provider),
	(Bob, Role::Pharmacy),
	(Charlie, Role::Manufacturer),
	(Dave, Role::Distributor),
	(Eve, Role::Regulator),
	(Ferdie, Role::TrialSponsor),
	(AliceStash, Role::Researcher),
	(BobStash, Role::Insurer),
];

const LABS: RecordCategory = RecordCategory::LabResults;
/// A valid GTIN-14 under Acme's (//Charlie's) company prefix 9506000.
const GTIN: &str = "09506000134352";
const LOT: &str = "LOT1";
/// 30 June 2028: years after the genesis time.
const EXPIRY: &str = "280630";

fn hash(text: &str) -> H256 {
	H256(sp_io::hashing::blake2_256(text.as_bytes()))
}

fn bounded<S: Get<u32>>(value: &str) -> sp_runtime::BoundedVec<u8, S> {
	value.as_bytes().to_vec().try_into().expect("within the bound")
}

fn commitment(document: &str) -> H256 {
	pallet_patient_identity::identity_commitment(b"front-desk salt", document.as_bytes())
}

/// The Provider (//Alice) onboards and attests `patient` (attested: fee-less calls).
fn onboard(patient: &AccountId, document: &str) {
	assert_ok!(dispatch(
		&account(Alice),
		RuntimeCall::PatientIdentity(IdentityCall::onboard_patient {
			patient: patient.clone(),
			identity_commitment: commitment(document),
		})
	));
	assert_ok!(dispatch(
		&account(Alice),
		RuntimeCall::PatientIdentity(IdentityCall::attest_patient { patient: patient.clone() })
	));
}

/// The common state: one staff key per organization, a suspended organization with a staff
/// key, an outsider, two onboarded and attested patients (the first with a zero balance), and
/// the first patient's Guardian and NonTransfer proxies.
fn world() -> World {
	let mut callers = vec![];
	let mut provider_staff = None;
	for (admin, role) in ADMINS {
		let staff = fresh(&format!("Staff{role:?}"));
		assert_ok!(dispatch(
			&account(admin),
			RuntimeCall::Consortium(ConsortiumCall::add_staff { account: staff.clone() })
		));
		fund(&staff);
		if role == Role::Provider {
			provider_staff = Some(staff.clone());
		}
		callers.push(Caller::Signed(account(admin)));
		callers.push(Caller::Signed(staff));
	}
	// An organization holding every role, with a staff key, then suspended.
	let suspended_admin = fresh("SuspendedAdmin");
	assert_ok!(dispatch_root(RuntimeCall::Consortium(ConsortiumCall::register_organization {
		admin: suspended_admin.clone(),
		name: b"Suspended Everything Inc.".to_vec(),
		roles: Roles::from_roles(&ADMINS.map(|(_, role)| role)),
	})));
	let suspended_staff = fresh("SuspendedStaff");
	assert_ok!(dispatch(
		&suspended_admin,
		RuntimeCall::Consortium(ConsortiumCall::add_staff { account: suspended_staff.clone() })
	));
	fund(&suspended_staff);
	assert_ok!(dispatch_root(RuntimeCall::Consortium(ConsortiumCall::suspend_organization {
		organization: suspended_admin,
	})));
	callers.push(Caller::Signed(suspended_staff));
	let outsider = fresh("Outsider");
	fund(&outsider);
	callers.push(Caller::Signed(outsider));

	let patient = fresh("Patient");
	onboard(&patient, "passport 4711");
	let other_patient = fresh("OtherPatient");
	onboard(&other_patient, "passport 0815");
	fund(&other_patient);
	let guardian = fresh("Guardian");
	fund(&guardian);
	let non_transfer = fresh("NonTransferProxy");
	fund(&non_transfer);
	// The proxies are written directly: `add_proxy` reserves a deposit, which a zero-balance
	// patient cannot pay (the filters under test are the runtime's `InstanceFilter`).
	let definitions = vec![
		pallet_proxy::ProxyDefinition {
			delegate: guardian.clone(),
			proxy_type: ProxyType::Guardian,
			delay: 0,
		},
		pallet_proxy::ProxyDefinition {
			delegate: non_transfer.clone(),
			proxy_type: ProxyType::NonTransfer,
			delay: 0,
		},
	];
	pallet_proxy::Proxies::<Runtime>::insert(
		&patient,
		(sp_runtime::BoundedVec::try_from(definitions).expect("two proxies fit"), 0u128),
	);
	callers.push(Caller::Signed(patient.clone()));
	callers.push(Caller::Signed(other_patient.clone()));
	callers.push(Caller::Proxy(guardian));
	callers.push(Caller::Proxy(non_transfer));
	callers.push(Caller::Root);
	assert_eq!(callers.len(), COLUMNS.len());
	World { callers, patient, provider_staff: provider_staff.expect("a Provider") }
}

/// The last event matching `f`.
fn event<T>(f: impl Fn(RuntimeEvent) -> Option<T>) -> T {
	System::events().into_iter().rev().find_map(|r| f(r.event)).expect("the event was deposited")
}

/// `patient` grants `grantee` `access` to lab results for `purpose` (set-up: dispatched
/// directly); the consent's id.
fn grant(patient: &AccountId, grantee: &AccountId, access: Access, purpose: Purpose) -> u64 {
	assert_ok!(dispatch(
		patient,
		RuntimeCall::Consent(ConsentCall::grant_consent {
			grantee: grantee.clone(),
			scope: Scope { categories: Categories::only(LABS), access },
			purpose,
			expires_at: None,
		})
	));
	event(|e| match e {
		RuntimeEvent::Consent(pallet_consent::Event::ConsentGranted { consent_id, .. }) => {
			Some(consent_id)
		}
		_ => None,
	})
}

fn anchor_call(patient: &AccountId, n: u32) -> RuntimeCall {
	RuntimeCall::HealthRecords(RecordsCall::anchor_record {
		patient: patient.clone(),
		category: LABS,
		content_hash: hash(&format!("lab report {n}")),
		locator: opaque_locator(&n.to_string()).try_into().expect("short locator"),
		supersedes: None,
	})
}

/// The Provider (//Alice) anchors lab record `n` of `patient` (it holds write consent).
fn anchor(patient: &AccountId, n: u32) -> H256 {
	assert_ok!(dispatch(&account(Alice), anchor_call(patient, n)));
	event(|e| match e {
		RuntimeEvent::HealthRecords(pallet_health_records::Event::RecordAnchored {
			record_id,
			..
		}) => Some(record_id),
		_ => None,
	})
}

/// The serials of the test batch and their Merkle root.
fn serials() -> (Vec<String>, H256) {
	let list: Vec<String> = (0..4).map(|i| format!("SN{i:06}")).collect();
	let root = binary_merkle_tree::merkle_root::<BlakeTwo256, _>(list.iter().map(|s| s.as_bytes()));
	(list, root)
}

fn register_product() {
	assert_ok!(dispatch(
		&account(Charlie),
		RuntimeCall::DrugProvenance(DrugCall::register_product {
			gtin: bounded(GTIN),
			metadata_hash: hash("Amoxicillin 500 mg"),
		})
	));
}

/// Acme registers the product and commissions a batch of four units; the batch's id.
fn commission() -> u64 {
	register_product();
	assert_ok!(dispatch(
		&account(Charlie),
		RuntimeCall::DrugProvenance(DrugCall::commission_batch {
			gtin: bounded(GTIN),
			lot: bounded(LOT),
			expiry: bounded(EXPIRY),
			quantity: 4,
			serials_root: serials().1,
		})
	));
	event(|e| match e {
		RuntimeEvent::DrugProvenance(pallet_drug_provenance::Event::BatchCommissioned {
			batch_id,
			..
		}) => Some(batch_id),
		_ => None,
	})
}

/// `from` ships `quantity` units of `batch_id` to `to`; the shipment's id.
fn ship(from: Sr25519Keyring, batch_id: u64, to: Sr25519Keyring, quantity: u32) -> u64 {
	assert_ok!(dispatch(
		&account(from),
		RuntimeCall::DrugProvenance(DrugCall::ship { batch_id, to: account(to), quantity })
	));
	event(|e| match e {
		RuntimeEvent::DrugProvenance(pallet_drug_provenance::Event::ShipmentSent {
			shipment_id,
			..
		}) => Some(shipment_id),
		_ => None,
	})
}

fn outcomes(
) -> sp_runtime::BoundedVec<H256, <Runtime as pallet_clinical_trials::Config>::MaxOutcomes> {
	vec![hash("primary outcome"), hash("safety outcome")].try_into().expect("few outcomes")
}

/// The sponsor (//Ferdie) registers a trial; its id.
fn register_trial() -> u32 {
	assert_ok!(dispatch(&account(Ferdie), register_trial_call()));
	event(|e| match e {
		RuntimeEvent::ClinicalTrials(pallet_clinical_trials::Event::TrialRegistered {
			trial_id,
			..
		}) => Some(trial_id),
		_ => None,
	})
}

fn register_trial_call() -> RuntimeCall {
	RuntimeCall::ClinicalTrials(TrialsCall::register_trial {
		registry_id: bounded("NCT09990001"),
		protocol_hash: hash("protocol v1"),
		outcomes: outcomes(),
		planned_enrollment: 10,
	})
}

/// A trial with the Provider (//Alice) as its site.
fn trial_with_site() -> u32 {
	let trial_id = register_trial();
	assert_ok!(dispatch(
		&account(Ferdie),
		RuntimeCall::ClinicalTrials(TrialsCall::add_site { trial_id, site: account(Alice) })
	));
	trial_id
}

fn commit_call(trial_id: u32) -> RuntimeCall {
	RuntimeCall::ClinicalTrials(TrialsCall::commit_data {
		trial_id,
		batch_root: hash("site A: baseline CRFs"),
		record_count: 3,
	})
}

/// A trial with one data commit, locked.
fn locked_trial() -> u32 {
	let trial_id = trial_with_site();
	assert_ok!(dispatch(&account(Ferdie), commit_call(trial_id)));
	assert_ok!(dispatch(
		&account(Ferdie),
		RuntimeCall::ClinicalTrials(TrialsCall::lock_database { trial_id })
	));
	trial_id
}

/// Register a new organization (by root) with `role`, administered by a fresh account.
fn new_organization(seed: &str, role: Role) -> AccountId {
	let admin = fresh(seed);
	assert_ok!(dispatch_root(RuntimeCall::Consortium(ConsortiumCall::register_organization {
		admin: admin.clone(),
		name: seed.as_bytes().to_vec(),
		roles: Roles::only(role),
	})));
	admin
}

/// Give //Bob's organization registered node keys (what `Session.set_keys` stores).
fn bob_node_keys() {
	pallet_session::NextKeys::<Runtime>::insert(
		account(Bob),
		medchain_runtime::SessionKeys {
			aura: Bob.public().into(),
			grandpa: sp_keyring::Ed25519Keyring::Bob.public().into(),
		},
	);
}

/// Build the state in which `name`'s intended caller would succeed; the call to try.
fn setup(name: &str, w: &World) -> RuntimeCall {
	let p = &w.patient;
	match name {
		// Consortium.
		"Consortium.register_organization" => {
			RuntimeCall::Consortium(ConsortiumCall::register_organization {
				admin: fresh("NewOrganization"),
				name: b"New Clinic".to_vec(),
				roles: Roles::only(Role::Provider),
			})
		}
		"Consortium.set_roles" => RuntimeCall::Consortium(ConsortiumCall::set_roles {
			organization: account(Bob),
			roles: Roles::from_roles(&[Role::Pharmacy, Role::Distributor]),
		}),
		"Consortium.suspend_organization" => {
			RuntimeCall::Consortium(ConsortiumCall::suspend_organization {
				organization: account(Bob),
			})
		}
		"Consortium.reinstate_organization" => {
			assert_ok!(dispatch_root(RuntimeCall::Consortium(
				ConsortiumCall::suspend_organization { organization: account(Bob) }
			)));
			RuntimeCall::Consortium(ConsortiumCall::reinstate_organization {
				organization: account(Bob),
			})
		}
		"Consortium.add_staff" => {
			RuntimeCall::Consortium(ConsortiumCall::add_staff { account: fresh("NewStaff") })
		}
		"Consortium.remove_staff" => RuntimeCall::Consortium(ConsortiumCall::remove_staff {
			account: w.provider_staff.clone(),
		}),
		"Consortium.set_gateway" => RuntimeCall::Consortium(ConsortiumCall::set_gateway {
			endpoint: b"https://gateway.example:8801".to_vec(),
			public_key: [1; 32],
		}),
		"Consortium.remove_gateway" => {
			assert_ok!(dispatch(
				&account(Alice),
				RuntimeCall::Consortium(ConsortiumCall::set_gateway {
					endpoint: b"https://st-marys.example:8801".to_vec(),
					public_key: [1; 32],
				})
			));
			RuntimeCall::Consortium(ConsortiumCall::remove_gateway {})
		}
		"Consortium.add_node" => RuntimeCall::Consortium(ConsortiumCall::add_node {
			organization: account(Alice),
			node: [9; 32],
		}),
		"Consortium.remove_node" => {
			assert_ok!(dispatch_root(RuntimeCall::Consortium(ConsortiumCall::add_node {
				organization: account(Alice),
				node: [9; 32],
			})));
			RuntimeCall::Consortium(ConsortiumCall::remove_node { node: [9; 32] })
		}
		// PatientIdentity.
		"PatientIdentity.register_patient" => {
			// The patient is not registered yet.
			pallet_patient_identity::Patients::<Runtime>::remove(p);
			pallet_patient_identity::PatientCount::<Runtime>::mutate(|n| *n -= 1);
			RuntimeCall::PatientIdentity(IdentityCall::register_patient {
				identity_commitment: commitment("identity card 42"),
			})
		}
		"PatientIdentity.onboard_patient" => {
			RuntimeCall::PatientIdentity(IdentityCall::onboard_patient {
				patient: fresh("Newcomer"),
				identity_commitment: commitment("identity card 43"),
			})
		}
		"PatientIdentity.attest_patient" => {
			// Not attested yet.
			pallet_patient_identity::Patients::<Runtime>::mutate(p, |record| {
				record.as_mut().expect("registered").attestations = Default::default()
			});
			RuntimeCall::PatientIdentity(IdentityCall::attest_patient { patient: p.clone() })
		}
		"PatientIdentity.rotate_commitment" => {
			RuntimeCall::PatientIdentity(IdentityCall::rotate_commitment {
				new_commitment: commitment("new passport 4712"),
			})
		}
		"PatientIdentity.deregister" => RuntimeCall::PatientIdentity(IdentityCall::deregister {}),
		// Consent.
		"Consent.grant_consent" => RuntimeCall::Consent(ConsentCall::grant_consent {
			grantee: account(Alice),
			scope: Scope { categories: Categories::only(LABS), access: Access::READ },
			purpose: Purpose::Treatment,
			expires_at: None,
		}),
		"Consent.revoke_consent" => {
			let consent_id = grant(p, &account(Alice), Access::READ, Purpose::Treatment);
			RuntimeCall::Consent(ConsentCall::revoke_consent { consent_id })
		}
		"Consent.request_access" => RuntimeCall::Consent(ConsentCall::request_access {
			patient: p.clone(),
			scope: Scope { categories: Categories::only(LABS), access: Access::READ },
			purpose: Purpose::Treatment,
		}),
		"Consent.decline_access_request" => {
			frame_support::assert_ok!(dispatch(
				&account(Alice),
				RuntimeCall::Consent(ConsentCall::request_access {
					patient: p.clone(),
					scope: Scope { categories: Categories::only(LABS), access: Access::READ },
					purpose: Purpose::Treatment,
				})
			));
			RuntimeCall::Consent(ConsentCall::decline_access_request {
				organization: account(Alice),
			})
		}
		"Consent.declare_emergency_incident" => {
			RuntimeCall::Consent(ConsentCall::declare_emergency_incident {
				incident_code: 1,
				windows: 1,
			})
		}
		"Consent.break_glass" => {
			RuntimeCall::Consent(ConsentCall::break_glass { patient: p.clone(), reason_code: 1 })
		}
		"Consent.log_access" => {
			grant(p, &account(Alice), Access::WRITE, Purpose::Treatment);
			let record_id = anchor(p, 1);
			let consent_id = grant(p, &account(Alice), Access::READ, Purpose::Treatment);
			RuntimeCall::Consent(ConsentCall::log_access {
				patient: p.clone(),
				consent_id,
				record_id,
				category: LABS,
			})
		}
		"Consent.log_accesses" => {
			grant(p, &account(Alice), Access::WRITE, Purpose::Treatment);
			let first = anchor(p, 1);
			let second = anchor(p, 2);
			let consent_id = grant(p, &account(Alice), Access::READ, Purpose::Treatment);
			RuntimeCall::Consent(ConsentCall::log_accesses {
				patient: p.clone(),
				consent_id,
				reads: vec![(first, LABS), (second, LABS)].try_into().expect("within the bound"),
			})
		}
		// HealthRecords.
		"HealthRecords.anchor_record" => {
			grant(p, &account(Alice), Access::WRITE, Purpose::Treatment);
			anchor_call(p, 1)
		}
		"HealthRecords.anchor_batch" => RuntimeCall::HealthRecords(RecordsCall::anchor_batch {
			category: LABS,
			merkle_root: hash("a batch of lab reports"),
			leaf_count: 4,
			patient: None,
		}),
		"HealthRecords.seal_record" => {
			grant(p, &account(Alice), Access::WRITE, Purpose::Treatment);
			let record_id = anchor(p, 1);
			RuntimeCall::HealthRecords(RecordsCall::seal_record { record_id })
		}
		"HealthRecords.erase_records" => {
			grant(p, &account(Alice), Access::WRITE, Purpose::Treatment);
			let step = <Runtime as pallet_health_records::Config>::MaxErasedPerCall::get();
			for n in 0..step + 2 {
				anchor(p, n);
			}
			assert_ok!(dispatch(p, RuntimeCall::PatientIdentity(IdentityCall::deregister {})));
			RuntimeCall::HealthRecords(RecordsCall::erase_records { patient: p.clone() })
		}
		// DrugProvenance.
		"DrugProvenance.register_product" => {
			RuntimeCall::DrugProvenance(DrugCall::register_product {
				gtin: bounded(GTIN),
				metadata_hash: hash("Amoxicillin 500 mg"),
			})
		}
		"DrugProvenance.commission_batch" => {
			register_product();
			RuntimeCall::DrugProvenance(DrugCall::commission_batch {
				gtin: bounded(GTIN),
				lot: bounded(LOT),
				expiry: bounded(EXPIRY),
				quantity: 4,
				serials_root: serials().1,
			})
		}
		"DrugProvenance.ship" => {
			let batch_id = commission();
			RuntimeCall::DrugProvenance(DrugCall::ship { batch_id, to: account(Dave), quantity: 2 })
		}
		"DrugProvenance.receive" => {
			let shipment_id = ship(Charlie, commission(), Dave, 2);
			RuntimeCall::DrugProvenance(DrugCall::receive { shipment_id })
		}
		"DrugProvenance.cancel_shipment" => {
			let shipment_id = ship(Charlie, commission(), Dave, 2);
			RuntimeCall::DrugProvenance(DrugCall::cancel_shipment { shipment_id })
		}
		"DrugProvenance.reject_shipment" => {
			let shipment_id = ship(Charlie, commission(), Dave, 2);
			RuntimeCall::DrugProvenance(DrugCall::reject_shipment { shipment_id })
		}
		"DrugProvenance.dispense" => {
			let batch_id = commission();
			let shipment_id = ship(Charlie, batch_id, Bob, 4);
			assert_ok!(dispatch(
				&account(Bob),
				RuntimeCall::DrugProvenance(DrugCall::receive { shipment_id })
			));
			let (list, _) = serials();
			let proof = binary_merkle_tree::merkle_proof::<BlakeTwo256, _, _>(
				list.iter().map(|s| s.as_bytes()),
				1u32,
			);
			RuntimeCall::DrugProvenance(DrugCall::dispense {
				batch_id,
				serial: bounded(&list[1]),
				proof: pallet_drug_provenance::SerialProof {
					leaf_index: 1,
					leaf_count: 4,
					siblings: proof.proof.try_into().expect("within MaxProofLen"),
				},
			})
		}
		"DrugProvenance.report_suspect" => {
			let batch_id = commission();
			RuntimeCall::DrugProvenance(DrugCall::report_suspect {
				batch_id,
				serial: bounded("SN000001"),
				reason: pallet_drug_provenance::SuspectReason::Other,
			})
		}
		"DrugProvenance.recall_batch" => {
			let batch_id = commission();
			RuntimeCall::DrugProvenance(DrugCall::recall_batch { batch_id, reason_code: 7 })
		}
		"DrugProvenance.destroy_units" => {
			let batch_id = commission();
			RuntimeCall::DrugProvenance(DrugCall::destroy_units {
				batch_id,
				quantity: 1,
				reason: pallet_drug_provenance::DestructionReason::DamagedOrTampered,
			})
		}
		"DrugProvenance.assign_company_prefix" => {
			RuntimeCall::DrugProvenance(DrugCall::assign_company_prefix {
				prefix: bounded("9506001"),
				manufacturer: account(Charlie),
			})
		}
		"DrugProvenance.revoke_company_prefix" => {
			RuntimeCall::DrugProvenance(DrugCall::revoke_company_prefix {
				prefix: bounded("9506000"),
			})
		}
		"DrugProvenance.reassign_product" => {
			register_product();
			let generics = new_organization("Generics Ltd", Role::Manufacturer);
			RuntimeCall::DrugProvenance(DrugCall::reassign_product {
				gtin: bounded(GTIN),
				manufacturer: generics,
			})
		}
		// Prescriptions.
		"Prescriptions.set_prescription_only" => {
			register_product();
			RuntimeCall::Prescriptions(pallet_prescriptions::Call::set_prescription_only {
				gtin: bounded(GTIN),
				required: true,
			})
		}
		"Prescriptions.dispense_prescribed" => {
			use sp_core::Pair;
			let batch_id = commission();
			let shipment_id = ship(Charlie, batch_id, Bob, 4);
			assert_ok!(dispatch(
				&account(Bob),
				RuntimeCall::DrugProvenance(DrugCall::receive { shipment_id })
			));
			let (list, _) = serials();
			let proof = binary_merkle_tree::merkle_proof::<BlakeTwo256, _, _>(
				list.iter().map(|s| s.as_bytes()),
				1u32,
			);
			let holder = sp_core::sr25519::Pair::from_string("//Pat//medchain/rx/0", None).unwrap();
			let opening = pallet_prescriptions::ProductOpening {
				gtin: pallet_drug_provenance::Gtin::parse(GTIN.as_bytes()).unwrap(),
				units_per_fill: 1,
				salt: [3; 32],
			};
			let now = pallet_timestamp::Now::<Runtime>::get();
			let prescription = pallet_prescriptions::Prescription {
				prescriber: account(Alice),
				holder: holder.public().into(),
				product: opening.commitment(),
				fills: 1,
				issued_at: now,
				expires_at: now + 86_400_000,
				regulator_envelope: Default::default(),
			};
			let id = prescription.id();
			RuntimeCall::Prescriptions(pallet_prescriptions::Call::dispense_prescribed {
				batch_id,
				serial: bounded(&list[1]),
				proof: pallet_drug_provenance::SerialProof {
					leaf_index: 1,
					leaf_count: 4,
					siblings: proof.proof.try_into().expect("within MaxProofLen"),
				},
				rx: Box::new(pallet_prescriptions::PrescribedFill {
					prescription,
					prescriber_signature: Alice
						.pair()
						.sign(&pallet_prescriptions::issue_message(&id))
						.into(),
					fill: 1,
					holder_signature: holder
						.sign(&pallet_prescriptions::fill_message(&id, 1, &account(Bob)))
						.into(),
					opening,
				}),
			})
		}
		// ClinicalTrials.
		"ClinicalTrials.register_trial" => register_trial_call(),
		"ClinicalTrials.amend_protocol" => {
			let trial_id = register_trial();
			RuntimeCall::ClinicalTrials(TrialsCall::amend_protocol {
				trial_id,
				protocol_hash: hash("protocol v2"),
				reason_hash: hash("a safety visit added"),
				new_outcomes: None,
			})
		}
		"ClinicalTrials.add_site" => {
			let trial_id = register_trial();
			RuntimeCall::ClinicalTrials(TrialsCall::add_site { trial_id, site: account(Alice) })
		}
		"ClinicalTrials.enroll_participant" => {
			let trial_id = trial_with_site();
			grant(p, &account(Ferdie), Access::READ, Purpose::Research);
			RuntimeCall::ClinicalTrials(TrialsCall::enroll_participant {
				trial_id,
				patient: p.clone(),
				participant_commitment: hash("participant 1"),
			})
		}
		"ClinicalTrials.commit_data" => commit_call(trial_with_site()),
		"ClinicalTrials.lock_database" => {
			let trial_id = trial_with_site();
			assert_ok!(dispatch(&account(Ferdie), commit_call(trial_id)));
			RuntimeCall::ClinicalTrials(TrialsCall::lock_database { trial_id })
		}
		"ClinicalTrials.publish_results" => {
			RuntimeCall::ClinicalTrials(TrialsCall::publish_results {
				trial_id: locked_trial(),
				results_hash: hash("results"),
				reported_outcomes: outcomes(),
			})
		}
		"ClinicalTrials.flag_trial" => RuntimeCall::ClinicalTrials(TrialsCall::flag_trial {
			trial_id: register_trial(),
			reason_code: 3,
		}),
		"ClinicalTrials.remove_site" => RuntimeCall::ClinicalTrials(TrialsCall::remove_site {
			trial_id: trial_with_site(),
			site: account(Alice),
		}),
		"ClinicalTrials.withdraw_participant" => {
			let trial_id = trial_with_site();
			grant(p, &account(Ferdie), Access::READ, Purpose::Research);
			let participant_commitment = hash("participant 1");
			assert_ok!(dispatch(
				&account(Alice),
				RuntimeCall::ClinicalTrials(TrialsCall::enroll_participant {
					trial_id,
					patient: p.clone(),
					participant_commitment,
				})
			));
			RuntimeCall::ClinicalTrials(TrialsCall::withdraw_participant {
				trial_id,
				participant_commitment,
			})
		}
		"ClinicalTrials.release_registry_id" => {
			RuntimeCall::ClinicalTrials(TrialsCall::release_registry_id {
				trial_id: register_trial(),
				reserved_for: None,
			})
		}
		// Governance.
		"Governance.dispatch_as_root" => {
			RuntimeCall::Governance(GovernanceCall::dispatch_as_root {
				call: Box::new(RuntimeCall::System(frame_system::Call::remark {
					remark: b"council says hi".to_vec(),
				})),
			})
		}
		"Governance.add_council_member" => {
			RuntimeCall::Governance(GovernanceCall::add_council_member {
				organization: new_organization("Northside Clinic", Role::Provider),
			})
		}
		"Governance.remove_council_member" => {
			RuntimeCall::Governance(GovernanceCall::remove_council_member {
				organization: account(Bob),
			})
		}
		"Governance.add_validator" => {
			bob_node_keys();
			RuntimeCall::Governance(GovernanceCall::add_validator { organization: account(Bob) })
		}
		"Governance.cancel_root_call" => {
			assert_ok!(dispatch_root(RuntimeCall::Governance(GovernanceCall::dispatch_as_root {
				call: Box::new(RuntimeCall::System(frame_system::Call::remark {
					remark: b"council says hi".to_vec(),
				})),
			})));
			let id = pallet_governance::NextRootCall::<Runtime>::get() - 1;
			RuntimeCall::Governance(GovernanceCall::cancel_root_call { id })
		}
		"Governance.remove_validator" => {
			bob_node_keys();
			assert_ok!(dispatch_root(RuntimeCall::Governance(GovernanceCall::add_validator {
				organization: account(Bob),
			})));
			RuntimeCall::Governance(GovernanceCall::remove_validator { organization: account(Bob) })
		}
		other => panic!("no set-up for {other}"),
	}
}

fn pallet_name(index: u8) -> &'static str {
	match index {
		0 => "System",
		4 => "Balances",
		8 => "Proxy",
		20 => "Consortium",
		21 => "PatientIdentity",
		22 => "Consent",
		23 => "HealthRecords",
		24 => "DrugProvenance",
		25 => "ClinicalTrials",
		26 => "Governance",
		27 => "Prescriptions",
		_ => "?",
	}
}

/// The name of a module error from its encoded bytes (a proxied call's result comes from an
/// event, decoded without the message).
fn decode_name<E: codec::Decode + Into<&'static str>>(bytes: &[u8; 4]) -> &'static str {
	E::decode(&mut &bytes[..]).map(Into::into).unwrap_or("?")
}

fn error_name(error: DispatchError) -> String {
	match error {
		DispatchError::Module(e) => {
			let name = e.message.unwrap_or_else(|| match e.index {
				0 => decode_name::<frame_system::Error<Runtime>>(&e.error),
				20 => decode_name::<pallet_consortium::Error<Runtime>>(&e.error),
				21 => decode_name::<pallet_patient_identity::Error<Runtime>>(&e.error),
				22 => decode_name::<pallet_consent::Error<Runtime>>(&e.error),
				23 => decode_name::<pallet_health_records::Error<Runtime>>(&e.error),
				24 => decode_name::<pallet_drug_provenance::Error<Runtime>>(&e.error),
				25 => decode_name::<pallet_clinical_trials::Error<Runtime>>(&e.error),
				26 => decode_name::<pallet_governance::Error<Runtime>>(&e.error),
				27 => decode_name::<pallet_prescriptions::Error<Runtime>>(&e.error),
				_ => "?",
			});
			format!("{}.{name}", pallet_name(e.index))
		}
		DispatchError::BadOrigin => "BadOrigin".into(),
		other => format!("{other:?}"),
	}
}

/// `Ok`, or the error's name: a dispatch error, or the invalid transaction's reason.
fn outcome(result: ApplyExtrinsicResult) -> String {
	match result {
		Ok(Ok(())) => "Ok".into(),
		Ok(Err(e)) => error_name(e),
		Err(TransactionValidityError::Invalid(e)) => format!("{e:?}"),
		Err(TransactionValidityError::Unknown(e)) => format!("{e:?}"),
	}
}

/// `caller` tries `call` (for `patient`); the outcome. State changes are rolled back.
fn attempt(caller: &Caller, patient: &AccountId, call: &RuntimeCall) -> String {
	with_transaction(|| {
		let result = match caller {
			Caller::Signed(who) => outcome(submit(who, call.clone())),
			Caller::Proxy(delegate) => {
				let proxy = RuntimeCall::Proxy(pallet_proxy::Call::proxy {
					real: patient.clone().into(),
					force_proxy_type: None,
					call: Box::new(call.clone()),
				});
				match submit(delegate, proxy) {
					Ok(Ok(())) => match proxy_result() {
						Ok(()) => "Ok".into(),
						Err(e) => error_name(e),
					},
					other => outcome(other),
				}
			}
			Caller::Root => match call.clone().dispatch(RuntimeOrigin::root()) {
				Ok(_) => "Ok".into(),
				Err(e) => error_name(e.error),
			},
		};
		TransactionOutcome::Rollback(Ok::<_, DispatchError>(result))
	})
	.expect("rolled back")
}

/// The expected row without the spaces and bars.
fn expected_row(row: &str) -> String {
	row.chars().filter(|c| *c == 'Y' || *c == '.').collect()
}

fn markdown(rows: &[(&str, String, &str)]) -> String {
	let mut out = String::from("| call |");
	for (short, _) in COLUMNS {
		out += &format!(" {short} |");
	}
	out += " note |\n|---|";
	for _ in COLUMNS {
		out += ":-:|";
	}
	out += "---|\n";
	for (name, row, note) in rows {
		out += &format!("| `{name}` |");
		for c in row.chars() {
			out += if c == 'Y' { " Y |" } else { " . |" };
		}
		out += &format!(" {note} |\n");
	}
	out
}

#[test]
fn only_the_intended_callers_succeed() {
	let started = std::time::Instant::now();
	new_test_ext().execute_with(|| {
		let w = world();
		// Every call of the eight pallets is in the matrix.
		for (pallet, names) in [
			("Consortium", pallet_consortium::Call::<Runtime>::get_call_names()),
			("PatientIdentity", pallet_patient_identity::Call::<Runtime>::get_call_names()),
			("Consent", pallet_consent::Call::<Runtime>::get_call_names()),
			("HealthRecords", pallet_health_records::Call::<Runtime>::get_call_names()),
			("DrugProvenance", pallet_drug_provenance::Call::<Runtime>::get_call_names()),
			("ClinicalTrials", pallet_clinical_trials::Call::<Runtime>::get_call_names()),
			("Governance", pallet_governance::Call::<Runtime>::get_call_names()),
			("Prescriptions", pallet_prescriptions::Call::<Runtime>::get_call_names()),
		] {
			for call in names {
				let name = format!("{pallet}.{call}");
				assert!(
					MATRIX.iter().any(|(row, ..)| *row == name),
					"{name} is missing from the permission matrix"
				);
			}
		}

		let mut actual = vec![];
		let mut details = vec![];
		for (name, _, note) in MATRIX {
			let results = with_transaction(|| {
				if !FEELESS_FOR_PATIENT.contains(name) {
					fund(&w.patient);
				}
				let call = setup(name, &w);
				let results: Vec<String> =
					w.callers.iter().map(|caller| attempt(caller, &w.patient, &call)).collect();
				TransactionOutcome::Rollback(Ok::<_, DispatchError>(results))
			})
			.expect("rolled back");
			let row: String = results.iter().map(|r| if r == "Ok" { 'Y' } else { '.' }).collect();
			actual.push((*name, row, *note));
			details.push((*name, results));
		}

		let expected: Vec<(&str, String, &str)> =
			MATRIX.iter().map(|(name, row, note)| (*name, expected_row(row), *note)).collect();
		let table = markdown(&actual);
		let errors = details
			.iter()
			.map(|(name, results)| {
				let cells: Vec<String> = COLUMNS
					.iter()
					.zip(results)
					.map(|((short, _), r)| format!("{short}={r}"))
					.collect();
				format!("{name}: {}", cells.join(" "))
			})
			.collect::<Vec<_>>()
			.join("\n");
		let errors = format!("{ERRORS_HEADER}{errors}\n");
		if std::env::var("MEDCHAIN_WRITE_MATRIX").as_deref() == Ok("1") {
			println!("{table}");
			std::fs::write(ERRORS_FILE, &errors).expect("write the pinned errors");
		}
		// A refusal is a named error of the call itself, never a set-up accident: no
		// transaction-validity failure but the ones a caller's own state explains, no
		// undecodable module error.
		for (name, results) in &details {
			for ((short, _), r) in COLUMNS.iter().zip(results) {
				assert!(
					!r.contains('?')
						&& !["Stale", "Future", "BadProof", "ExhaustsResources"]
							.contains(&r.as_str()),
					"{name}: {short} failed with {r}, a set-up error, not a refusal"
				);
			}
		}
		if actual != expected {
			let mismatches: Vec<String> = expected
				.iter()
				.zip(&actual)
				.zip(&details)
				.filter(|((e, a), _)| e.1 != a.1)
				.map(|((e, a), (_, results))| {
					format!(
						"{}: expected {} actual {}\n    {}",
						e.0,
						e.1,
						a.1,
						COLUMNS
							.iter()
							.zip(results)
							.map(|((short, _), r)| format!("{short}={r}"))
							.collect::<Vec<_>>()
							.join(" ")
					)
				})
				.collect();
			panic!(
				"the permission matrix changed.\nExpected:\n{}\nActual:\n{table}\nMismatches:\n{}",
				markdown(&expected),
				mismatches.join("\n")
			);
		}

		// Every refusal is pinned: the same error, cell by cell, as the reviewed file.
		let pinned = std::fs::read_to_string(ERRORS_FILE).unwrap_or_default();
		if pinned != errors {
			let changed: Vec<String> = pinned
				.lines()
				.zip(errors.lines())
				.filter(|(p, a)| p != a)
				.map(|(p, a)| format!("pinned: {p}\nactual: {a}"))
				.collect();
			panic!(
				"a caller now fails with another error than the pinned one ({ERRORS_FILE}); \
				 if intended, regenerate it with MEDCHAIN_WRITE_MATRIX=1 and review the diff:\n{}",
				if changed.is_empty() {
					"(lines added or removed)".into()
				} else {
					changed.join("\n")
				}
			);
		}

		// docs/SECURITY.md holds exactly this table.
		let doc =
			std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/SECURITY.md"))
				.expect("docs/SECURITY.md");
		let documented = doc
			.split_once(BEGIN)
			.and_then(|(_, rest)| rest.split_once(END))
			.map(|(table, _)| table.trim())
			.expect("docs/SECURITY.md has the permission-matrix markers");
		assert_eq!(
			documented,
			table.trim(),
			"docs/SECURITY.md's permission matrix is out of date: regenerate it with \
			 MEDCHAIN_WRITE_MATRIX=1 (see the section there)"
		);
	});
	println!("permission matrix: {:?}", started.elapsed());
}
