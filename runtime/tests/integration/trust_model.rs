//! The trust model under abuse, through the real transaction pipeline: every call here is a
//! signed extrinsic applied with the runtime's `TxExtension` (nonce, weight, fees, the
//! fee-less path), as in a block. Each test guards against one of the attacks that
//! `docs/SECURITY.md` lists.

use frame_support::traits::fungible::Inspect;
use medchain_primitives::{Categories, ConsentChecker, Purpose, RecordCategory};
use medchain_runtime::{
	AccountId, Balances, Consent, HealthRecords, PatientIdentity, ProxyType, Runtime, RuntimeCall,
	RuntimeEvent, System, UNIT,
};
use medchain_runtime_test_support::*;
use pallet_consent::{Access, Scope};
use pallet_health_records::RecordId;
use sp_core::H256;
use sp_keyring::Sr25519Keyring::*;
use sp_runtime::transaction_validity::{
	InvalidTransaction, TransactionSource, TransactionValidityError,
};

type RecordsError = pallet_health_records::Error<Runtime>;

const LABS: RecordCategory = RecordCategory::LabResults;

fn onboard(patient: &AccountId) {
	submit_ok(
		&account(Alice),
		RuntimeCall::PatientIdentity(IdentityCall::onboard_patient {
			patient: patient.clone(),
			identity_commitment: pallet_patient_identity::identity_commitment(
				b"front-desk salt",
				b"passport 4711",
			),
		}),
	);
}

fn grant_call(grantee: &AccountId, access: Access) -> RuntimeCall {
	RuntimeCall::Consent(ConsentCall::grant_consent {
		grantee: grantee.clone(),
		scope: Scope { categories: Categories::only(LABS), access },
		purpose: Purpose::Treatment,
		expires_at: None,
	})
}

fn transfer(to: &AccountId, value: u128) {
	submit_ok(
		&account(Alice),
		RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: to.clone().into(),
			value,
		}),
	);
}

/// Hospital A (Alice's organization) anchors `n` lab records for `patient`: set-up by the
/// hospital, dispatched directly to keep the test fast.
fn anchor_many(patient: &AccountId, n: u32) -> Vec<RecordId> {
	(0..n)
		.map(|i| {
			frame_support::assert_ok!(dispatch(
				&account(Alice),
				RuntimeCall::HealthRecords(RecordsCall::anchor_record {
					patient: patient.clone(),
					category: LABS,
					content_hash: H256(sp_io::hashing::blake2_256(&i.to_le_bytes())),
					locator: opaque_locator(&i.to_string()).try_into().expect("short locator"),
					supersedes: None,
				})
			));
			match last_event() {
				RuntimeEvent::HealthRecords(pallet_health_records::Event::RecordAnchored {
					record_id,
					..
				}) => record_id,
				other => panic!("expected RecordAnchored, got {other:?}"),
			}
		})
		.collect()
}

fn locators_of(patient: &AccountId) -> Vec<Option<Vec<u8>>> {
	let mut out = vec![];
	loop {
		let page = HealthRecords::records_of(patient, out.len() as u32, 256);
		let last = page.len() < 256;
		out.extend(page.into_iter().map(|(_, r)| r.locator));
		if last {
			return out;
		}
	}
}

fn stored_locators(ids: &[RecordId]) -> usize {
	ids.iter()
		.filter(|id| {
			pallet_health_records::Records::<Runtime>::get(id).is_some_and(|r| r.locator.is_some())
		})
		.count()
}

/// A zero-balance patient's `deregister` erases every locator, and the key still works
/// afterwards (nonce kept, fee-less `erase_records` for what one step did not reach).
#[test]
fn erasure_is_complete_for_a_zero_balance_patient() {
	new_test_ext().execute_with(|| {
		let (_, patient) = fresh_pair("ErasedPatient");
		onboard(&patient);
		submit_ok(&patient, grant_call(&account(Alice), Access::WRITE));
		let max_step = <Runtime as pallet_health_records::Config>::MaxErasedPerCall::get();
		let ids = anchor_many(&patient, max_step + 3);
		assert_eq!(Balances::balance(&patient), 0);
		let nonce = System::account_nonce(&patient);
		next_block();

		// One fee-less extrinsic: the patient is erased; no query shows a locator any more.
		submit_ok(&patient, RuntimeCall::PatientIdentity(IdentityCall::deregister {}));
		assert!(locators_of(&patient).iter().all(Option::is_none));
		assert_eq!(locators_of(&patient).len(), ids.len());
		assert_eq!(stored_locators(&ids), 3, "one step sealed MaxErasedPerCall records");
		assert!(HealthRecords::verify_record(ids[ids.len() - 1], H256::zero()).sealed);
		// The account was not reaped: its nonce went on, it has no balance.
		assert!(frame_system::Account::<Runtime>::contains_key(&patient));
		assert_eq!(System::account_nonce(&patient), nonce + 1);
		assert_eq!(Balances::balance(&patient), 0);

		// The erased patient's key finishes the erasure, fee-less.
		next_block();
		submit_ok(
			&patient,
			RuntimeCall::HealthRecords(RecordsCall::erase_records { patient: patient.clone() }),
		);
		assert_eq!(stored_locators(&ids), 0);
		assert_eq!(Balances::balance(&patient), 0);
		// Nothing left: a further erasure is not fee-less, so a zero-balance key cannot
		// spam it.
		assert_eq!(
			submit(
				&patient,
				RuntimeCall::HealthRecords(RecordsCall::erase_records { patient: patient.clone() })
			),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Payment))
		);
		// Hashes stay verifiable; no hospital can anchor for the erased patient.
		let check = HealthRecords::verify_record(
			ids[0],
			H256(sp_io::hashing::blake2_256(&0u32.to_le_bytes())),
		);
		assert!(check.known && check.hash_matches && check.sealed);
		assert_eq!(
			dispatch(
				&account(Alice),
				RuntimeCall::HealthRecords(RecordsCall::anchor_record {
					patient: patient.clone(),
					category: LABS,
					content_hash: H256::repeat_byte(9),
					locator: opaque_locator("9").try_into().unwrap(),
					supersedes: None,
				})
			)
			.map_err(|e| e.error),
			Err(RecordsError::DeregisteredPatient.into())
		);
	});
}

/// One writer with one write consent fills its own quota, not the patient's.
#[test]
fn one_writer_cannot_lock_out_the_others() {
	new_test_ext().execute_with(|| {
		let patient = fresh("ChronicPatient");
		onboard(&patient);
		submit_ok(&patient, grant_call(&account(Alice), Access::WRITE));
		let northside = second_hospital();
		submit_ok(&patient, grant_call(&northside, Access::WRITE));
		let bound = <Runtime as pallet_health_records::Config>::MaxRecordsPerAuthor::get();
		pallet_health_records::AuthorRecordCount::<Runtime>::insert(
			&patient,
			Some(account(Alice)),
			bound,
		);
		pallet_health_records::RecordCount::<Runtime>::insert(&patient, bound);
		let anchor = |who: &AccountId| {
			dispatch(
				who,
				RuntimeCall::HealthRecords(RecordsCall::anchor_record {
					patient: patient.clone(),
					category: LABS,
					content_hash: H256::repeat_byte(7),
					locator: opaque_locator("7").try_into().unwrap(),
					supersedes: None,
				}),
			)
			.map(|_| ())
			.map_err(|e| e.error)
		};
		assert_eq!(anchor(&account(Alice)), Err(RecordsError::TooManyRecords.into()));
		assert_eq!(anchor(&northside), Ok(()));
	});
}

/// Registering your own key buys no fee-less service; a Provider's attestation does.
#[test]
fn a_self_registered_patient_pays_until_a_provider_attests() {
	new_test_ext().execute_with(|| {
		let sybil = fresh("Sybil");
		transfer(&sybil, UNIT);
		submit_ok(
			&sybil,
			RuntimeCall::PatientIdentity(IdentityCall::register_patient {
				identity_commitment: H256::repeat_byte(1),
			}),
		);
		let before = Balances::balance(&sybil);
		submit_ok(&sybil, grant_call(&account(Alice), Access::READ));
		assert!(Balances::balance(&sybil) < before, "an unattested patient's grant is charged");

		submit_ok(
			&account(Alice),
			RuntimeCall::PatientIdentity(IdentityCall::attest_patient { patient: sybil.clone() }),
		);
		let before = Balances::balance(&sybil);
		submit_ok(&sybil, grant_call(&account(Alice), Access::READ));
		assert_eq!(Balances::balance(&sybil), before, "an attested patient's grant is fee-less");
	});
}

/// `xt` validated as the node's transaction pool validates it.
fn pool(
	xt: medchain_runtime::UncheckedExtrinsic,
) -> sp_runtime::transaction_validity::TransactionValidity {
	medchain_runtime::Executive::validate_transaction(
		TransactionSource::External,
		xt,
		System::parent_hash(),
	)
}

/// The pool priority of `call` signed by `who` with its next nonce and no tip.
fn validate(who: &AccountId, call: RuntimeCall) -> u64 {
	pool(signed_extrinsic(&key_of(who), call)).expect("valid transaction").priority
}

/// A fee-less revocation queues like an untipped paid call of its size, not last.
#[test]
fn fee_less_patient_calls_get_fair_priority() {
	new_test_ext().execute_with(|| {
		let patient = fresh("QueuedPatient");
		onboard(&patient);
		submit_ok(&patient, grant_call(&account(Alice), Access::READ));
		let consent_id = pallet_consent::NextConsentId::<Runtime>::get() - 1;
		let revoke = RuntimeCall::Consent(ConsentCall::revoke_consent { consent_id });
		let feeless = validate(&patient, revoke.clone());
		assert!(feeless > 0, "fee-less calls are not starved at priority 0");

		// The same call by a paying account (it fails later, but validates and pays): the
		// same encoded length and weight, the same priority.
		let payer = account(Bob);
		let paid = validate(&payer, revoke.clone());
		assert_eq!(feeless, paid);
		// A real tip (a signed extrinsic carrying it) goes ahead, and a bigger tip further.
		let tipped = |tip| {
			let nonce = System::account_nonce(&payer);
			let xt = signed_extrinsic_tipped(&key_of(&payer), revoke.clone(), nonce, tip);
			pool(xt).expect("valid transaction").priority
		};
		assert_eq!(tipped(0), paid);
		let (small, large) = (tipped(UNIT / 1_000), tipped(UNIT));
		assert!(feeless < small && small < large, "{feeless} < {small} < {large}");
		// A patient's fee-less call cannot buy its way ahead: a tip is ignored (and not
		// charged) when the call is fee-less.
		let tipped_feeless = signed_extrinsic_tipped(
			&key_of(&patient),
			revoke.clone(),
			System::account_nonce(&patient),
			UNIT,
		);
		assert_eq!(pool(tipped_feeless).expect("valid transaction").priority, feeless);
	});
}

fn as_proxy(real: &AccountId, call: RuntimeCall) -> RuntimeCall {
	RuntimeCall::Proxy(pallet_proxy::Call::proxy {
		real: real.clone().into(),
		force_proxy_type: None,
		call: Box::new(call),
	})
}

fn filtered() -> Result<(), sp_runtime::DispatchError> {
	Err(frame_system::Error::<Runtime>::CallFiltered.into())
}

/// A NonTransfer proxy cannot reach funds through recovery (nor otherwise).
#[test]
fn a_non_transfer_proxy_cannot_take_over_through_recovery() {
	new_test_ext().execute_with(|| {
		let owner = fresh("Owner");
		let proxy = fresh("Assistant");
		transfer(&owner, 100 * UNIT);
		transfer(&proxy, 10 * UNIT);
		submit_ok(
			&owner,
			RuntimeCall::Proxy(pallet_proxy::Call::add_proxy {
				delegate: proxy.clone().into(),
				proxy_type: ProxyType::NonTransfer,
				delay: 0,
			}),
		);
		let group = pallet_recovery::FriendGroup {
			friends: vec![proxy.clone()].try_into().unwrap(),
			friends_needed: 1,
			inheritor: proxy.clone(),
			inheritance_delay: 0,
			inheritance_priority: 0,
			cancel_delay: 0,
		};
		let attacks = [
			RuntimeCall::Recovery(pallet_recovery::Call::set_friend_groups {
				friend_groups: vec![group],
			}),
			RuntimeCall::Balances(pallet_balances::Call::transfer_all {
				dest: proxy.clone().into(),
				keep_alive: false,
			}),
			RuntimeCall::Utility(pallet_utility::Call::as_derivative {
				index: 0,
				call: Box::new(RuntimeCall::System(frame_system::Call::remark { remark: vec![] })),
			}),
			RuntimeCall::Proxy(pallet_proxy::Call::add_proxy {
				delegate: proxy.clone().into(),
				proxy_type: ProxyType::Any,
				delay: 0,
			}),
		];
		for attack in attacks {
			submit_ok(&proxy, as_proxy(&owner, attack.clone()));
			assert!(proxy_result().is_err(), "{attack:?} went through");
		}
		// A batch does not smuggle a transfer past the filter.
		submit_ok(
			&proxy,
			as_proxy(
				&owner,
				RuntimeCall::Utility(pallet_utility::Call::batch_all {
					calls: vec![RuntimeCall::Balances(pallet_balances::Call::transfer_all {
						dest: proxy.clone().into(),
						keep_alive: false,
					})],
				}),
			),
		);
		assert!(proxy_result().is_err());
		assert!(pallet_recovery::FriendGroups::<Runtime>::get(&owner).is_none());
		assert!(Balances::balance(&owner) > 90 * UNIT);
		// What it is for still works.
		submit_ok(
			&proxy,
			as_proxy(&owner, RuntimeCall::System(frame_system::Call::remark { remark: vec![1] })),
		);
		assert_eq!(proxy_result(), Ok(()));
	});
}

/// B, a NonTransfer proxy of A, where A is an Any proxy of C, cannot move C's funds through
/// a nested `Proxy.proxy`.
#[test]
fn a_non_transfer_proxy_cannot_reach_through_a_nested_proxy() {
	new_test_ext().execute_with(|| {
		let (c, a, b) = (fresh("NestedC"), fresh("NestedA"), fresh("NestedB"));
		transfer(&c, 100 * UNIT);
		transfer(&a, 10 * UNIT);
		transfer(&b, 10 * UNIT);
		let add = |principal: &AccountId, delegate: &AccountId, proxy_type| {
			submit_ok(
				principal,
				RuntimeCall::Proxy(pallet_proxy::Call::add_proxy {
					delegate: delegate.clone().into(),
					proxy_type,
					delay: 0,
				}),
			)
		};
		add(&c, &a, ProxyType::Any);
		add(&a, &b, ProxyType::NonTransfer);
		let drain = RuntimeCall::Balances(pallet_balances::Call::transfer_all {
			dest: b.clone().into(),
			keep_alive: false,
		});
		submit_ok(&b, as_proxy(&a, as_proxy(&c, drain)));
		assert_eq!(proxy_result(), filtered());
		assert!(Balances::balance(&c) > 90 * UNIT, "C was drained");
		// A itself, C's Any proxy, still can act for C.
		submit_ok(
			&a,
			as_proxy(&c, RuntimeCall::System(frame_system::Call::remark { remark: vec![1] })),
		);
		assert_eq!(proxy_result(), Ok(()));
		// And B still manages A's proxies (no more powerful than its own).
		submit_ok(
			&b,
			as_proxy(
				&a,
				RuntimeCall::Proxy(pallet_proxy::Call::add_proxy {
					delegate: fresh("NestedHelper").into(),
					proxy_type: ProxyType::NonTransfer,
					delay: 0,
				}),
			),
		);
		assert_eq!(proxy_result(), Ok(()));
	});
}

/// A guardian manages consents and seals records, but cannot erase the ward nor use
/// the ward's organization powers.
#[test]
fn a_guardian_is_limited_to_consents_and_sealing() {
	new_test_ext().execute_with(|| {
		// The ward's key is also staff of St. Mary's (a nurse who is a patient there).
		let ward = fresh("NurseWard");
		let guardian = fresh("Guardian");
		transfer(&ward, 10 * UNIT);
		transfer(&guardian, 10 * UNIT);
		onboard(&ward);
		frame_support::assert_ok!(dispatch(
			&account(Alice),
			RuntimeCall::Consortium(pallet_consortium::Call::add_staff { account: ward.clone() })
		));
		submit_ok(
			&ward,
			RuntimeCall::Proxy(pallet_proxy::Call::add_proxy {
				delegate: guardian.clone().into(),
				proxy_type: ProxyType::Guardian,
				delay: 0,
			}),
		);
		let other_patient = fresh("SomeoneElse");
		onboard(&other_patient);

		submit_ok(&guardian, as_proxy(&ward, grant_call(&account(Alice), Access::READ)));
		assert_eq!(proxy_result(), Ok(()));
		for refused in [
			RuntimeCall::PatientIdentity(IdentityCall::deregister {}),
			RuntimeCall::Consent(ConsentCall::break_glass {
				patient: other_patient.clone(),
				reason_code: 1,
			}),
			RuntimeCall::PatientIdentity(IdentityCall::attest_patient {
				patient: other_patient.clone(),
			}),
			RuntimeCall::Recovery(pallet_recovery::Call::set_friend_groups {
				friend_groups: vec![],
			}),
		] {
			submit_ok(&guardian, as_proxy(&ward, refused.clone()));
			assert_eq!(proxy_result(), filtered(), "{refused:?}");
		}
		assert!(PatientIdentity::patient(&ward)
			.is_some_and(|p| matches!(p, pallet_patient_identity::PatientInfo::Registered { .. })));
		assert!(!<Consent as ConsentChecker<_>>::has_access(
			&other_patient,
			&account(Alice),
			LABS,
			Purpose::Treatment,
			false
		));
	});
}

/// MedChain addresses have their own SS58 prefix.
#[test]
fn the_ss58_prefix_is_medchains_own() {
	assert_eq!(<Runtime as frame_system::Config>::SS58Prefix::get(), 4242);
}

fn break_glass_call(patient: &AccountId) -> RuntimeCall {
	RuntimeCall::Consent(ConsentCall::break_glass { patient: patient.clone(), reason_code: 3 })
}

fn emergency_consents(patient: &AccountId) -> Vec<(u64, AccountId)> {
	Consent::consents_of(patient)
		.into_iter()
		.filter(|(_, c)| matches!(c.kind, pallet_consent::ConsentKind::BreakGlass { .. }))
		.map(|(id, c)| (id, c.grantee))
		.collect()
}

/// One staff key breaking the glass 64 times for one patient gets one renewed
/// emergency consent and uses up no limit; breaking it for 64 patients stops at its own
/// per-key limit, not the hospital's; a colleague's and another hospital's emergency access
/// still work; an incident the admin declares lifts the per-key limit, never the hospital's.
/// All through signed extrinsics.
#[test]
fn one_staff_key_breaking_the_glass_64_times_blocks_nobody() {
	new_test_ext().execute_with(|| {
		type Limit = <Runtime as pallet_consent::Config>::MaxEmergencyAccessesPerWindow;
		type StaffLimit = <Runtime as pallet_consent::Config>::MaxEmergencyAccessesPerStaff;
		let (org_limit, staff_limit) = (Limit::get(), StaffLimit::get());
		let st_marys = account(Alice);
		let doctor = fresh("EmergencyDoctor");
		let colleague = fresh("EmergencyColleague");
		for staff in [&doctor, &colleague] {
			transfer(staff, 10 * UNIT);
			frame_support::assert_ok!(dispatch(
				&st_marys,
				RuntimeCall::Consortium(pallet_consortium::Call::add_staff {
					account: staff.clone()
				})
			));
		}
		let patient = fresh("EmergencyPatient");
		onboard(&patient);
		// The patient's list is full of her own active consents.
		let max = <Runtime as pallet_consent::Config>::MaxConsentsPerPatient::get();
		for _ in 0..max - 1 {
			frame_support::assert_ok!(dispatch(&patient, grant_call(&st_marys, Access::READ)));
		}
		// 64 times for one patient: one consent, renewed; one new consent counted.
		for _ in 0..64 {
			submit_ok(&doctor, break_glass_call(&patient));
		}
		assert_eq!(emergency_consents(&patient).len(), 1);
		assert_eq!(Consent::emergency_uses(&st_marys), (64, 1));
		assert_eq!(Consent::staff_emergency_uses(&doctor), 1);

		// 64 other patients: the key stops at its own limit.
		let patients: Vec<AccountId> = (0..64)
			.map(|i| {
				let p = fresh(&format!("EmergencyPatient{i}"));
				onboard(&p);
				p
			})
			.collect();
		let mut served = 1;
		for p in &patients {
			match submit(&doctor, break_glass_call(p)) {
				Ok(Ok(())) => served += 1,
				Ok(Err(e)) => assert_eq!(
					e,
					pallet_consent::Error::<Runtime>::StaffEmergencyLimitReached.into()
				),
				Err(e) => panic!("break_glass was not even valid: {e:?}"),
			}
		}
		assert_eq!(served, staff_limit);
		// A colleague's genuine emergency access works at once ...
		submit_ok(&colleague, break_glass_call(&patients[63]));
		// ... and so does another hospital's.
		let northside = second_hospital();
		transfer(&northside, UNIT);
		submit_ok(&northside, break_glass_call(&patient));
		assert!(<Consent as ConsentChecker<_>>::has_access(
			&patient,
			&northside,
			RecordCategory::MentalHealth,
			Purpose::Treatment,
			false
		));
		assert_eq!(emergency_consents(&patient).len(), 2);

		// A staff key cannot declare an incident; the admin can, and then the doctor goes on
		// up to the hospital's limit.
		let declare = |windows| {
			RuntimeCall::Consent(ConsentCall::declare_emergency_incident {
				incident_code: 9,
				windows,
			})
		};
		submit_err(&doctor, declare(1), pallet_consortium::Error::<Runtime>::UnknownOrganization);
		submit_ok(&st_marys, declare(1));
		let mut served_in_incident = 0;
		for p in &patients[staff_limit as usize - 1..63] {
			match submit(&doctor, break_glass_call(p)) {
				Ok(Ok(())) => served_in_incident += 1,
				Ok(Err(e)) => assert_eq!(
					e,
					pallet_consent::Error::<Runtime>::EmergencyAccessLimitReached.into()
				),
				Err(e) => panic!("break_glass was not even valid: {e:?}"),
			}
		}
		// The hospital's limit, less the doctor's earlier ones and the colleague's one.
		assert_eq!(served_in_incident, org_limit - staff_limit - 1);
		assert_eq!(Consent::emergency_uses(&st_marys).1, org_limit);

		// An hour later (the set-up above used the patient's fee-less quota of this hour)
		// the patient still grants into her last free slot, fee-less: the emergency
		// consents took none of it. The incident is over and the doctor's limit has reset.
		for _ in 0..<Runtime as pallet_consent::Config>::EmergencyWindow::get() {
			next_block();
		}
		submit_ok(&patient, grant_call(&st_marys, Access::READ));
		assert_eq!(Balances::balance(&patient), 0);
		assert_eq!(Consent::incident_in_force(&st_marys), None);
		assert_eq!(Consent::staff_emergency_uses(&doctor), 0);
	});
}

/// A read can only be logged for a real record of that patient, in its own category.
#[test]
fn a_logged_read_must_name_a_real_record_of_the_patient() {
	new_test_ext().execute_with(|| {
		let patient = fresh("ReadPatient");
		let other = fresh("OtherPatient");
		onboard(&patient);
		onboard(&other);
		let read_write = Access { read: true, write: true };
		submit_ok(&patient, grant_call(&account(Alice), read_write));
		submit_ok(&other, grant_call(&account(Alice), read_write));
		let mine = anchor_many(&patient, 1)[0];
		let theirs = anchor_many(&other, 1)[0];
		let consent_id = Consent::consents_of(&patient)[0].0;
		let log = |record_id, category| {
			submit(
				&account(Alice),
				RuntimeCall::Consent(ConsentCall::log_access {
					patient: patient.clone(),
					consent_id,
					record_id,
					category,
				}),
			)
		};
		type E = pallet_consent::Error<Runtime>;
		assert_eq!(log(H256::repeat_byte(1), LABS), Ok(Err(E::UnknownRecord.into())));
		assert_eq!(log(theirs, LABS), Ok(Err(E::RecordPatientMismatch.into())));
		assert_eq!(log(mine, RecordCategory::Imaging), Ok(Err(E::RecordCategoryMismatch.into())));
		assert_eq!(log(mine, LABS), Ok(Ok(())));
		assert_eq!(Consent::access_log(&patient).len(), 1);
	});
}

/// A consent is scope *and* purpose. The trial sponsor's Research consent, the
/// insurer's Insurance consent and a PublicHealth consent cover the same lab records as the
/// hospital's Treatment consent, yet none of them logs a read of an identified document
/// (`PurposeNotPermitted`), so no gateway serves them; the Treatment consent logs a whole
/// history (`MaxReadsPerLog` records) in one signed transaction, each entry with its purpose,
/// and the gateways' read decision (`Consent::read_decision`, behind the runtime's
/// `GatewayApi`) serves every one.
#[test]
fn only_a_treatment_consent_opens_identified_documents() {
	use pallet_consent::ReadDecision;
	new_test_ext().execute_with(|| {
		let patient = fresh("ReferralPatient");
		onboard(&patient);
		transfer(&patient, UNIT);
		submit_ok(&patient, grant_call(&account(Alice), Access { read: true, write: true }));
		let max = <Runtime as pallet_consent::Config>::MaxReadsPerLog::get();
		let records = anchor_many(&patient, max);
		type E = pallet_consent::Error<Runtime>;
		let log_one = |grantee: &AccountId, consent_id| {
			submit(
				grantee,
				RuntimeCall::Consent(ConsentCall::log_access {
					patient: patient.clone(),
					consent_id,
					record_id: records[0],
					category: LABS,
				}),
			)
		};
		for (grantee, purpose) in [
			(account(Ferdie), Purpose::Research),
			(account(BobStash), Purpose::Insurance),
			(account(AliceStash), Purpose::PublicHealth),
		] {
			next_block();
			transfer(&grantee, UNIT);
			submit_ok(
				&patient,
				RuntimeCall::Consent(ConsentCall::grant_consent {
					grantee: grantee.clone(),
					scope: Scope { categories: Categories::only(LABS), access: Access::READ },
					purpose,
					expires_at: None,
				}),
			);
			let consent_id = Consent::consents_of(&patient).last().expect("just granted").0;
			assert_eq!(log_one(&grantee, consent_id), Ok(Err(E::PurposeNotPermitted.into())));
			assert!(matches!(
				Consent::read_decision(&grantee, patient.clone(), LABS, records[0], u64::MAX),
				ReadDecision::Refused { .. }
			));
		}
		assert!(Consent::access_log(&patient).is_empty());

		let treatment = Consent::consents_of(&patient)[0].0;
		let reads: Vec<_> = records.iter().map(|id| (*id, LABS)).collect();
		submit_ok(
			&account(Alice),
			RuntimeCall::Consent(ConsentCall::log_accesses {
				patient: patient.clone(),
				consent_id: treatment,
				reads: reads.try_into().expect("MaxReadsPerLog reads"),
			}),
		);
		let log = Consent::access_log(&patient);
		assert_eq!(log.len(), max as usize);
		assert!(log.iter().all(|e| e.purpose == Purpose::Treatment && !e.emergency));
		for id in &records {
			assert!(matches!(
				Consent::read_decision(&account(Alice), patient.clone(), LABS, *id, u64::MAX),
				ReadDecision::Logged { consent_id, emergency: false, .. } if consent_id == treatment
			));
		}
		// One record more than the bound cannot even be put in the call.
		let too_many: Result<
			frame_support::BoundedVec<
				(H256, RecordCategory),
				<Runtime as pallet_consent::Config>::MaxReadsPerLog,
			>,
			_,
		> = vec![(records[0], LABS); max as usize + 1].try_into();
		assert!(too_many.is_err());
	});
}

/// The referral's first step through the real transaction pipeline. Staff of a
/// second hospital ask the patient for a Treatment consent (asking 64 times still holds one
/// place, and an outsider cannot ask); the patient answers with a fee-less grant, which
/// closes the request, and declines a trial sponsor's request fee-lessly. A request grants
/// nothing.
#[test]
fn an_access_request_is_answered_by_the_patients_grant() {
	use pallet_consent::{AccessRequestCount, AccessRequests};
	new_test_ext().execute_with(|| {
		let patient = fresh("ReferredPatient");
		onboard(&patient);
		transfer(&patient, UNIT);
		let lakeside = second_hospital();
		transfer(&lakeside, 10 * UNIT);
		let outsider = fresh("Outsider");
		transfer(&outsider, UNIT);
		let scope = Scope {
			categories: Categories::from_categories(&[LABS, RecordCategory::Diagnoses]),
			access: Access::READ,
		};
		let ask = |purpose| {
			RuntimeCall::Consent(ConsentCall::request_access {
				patient: patient.clone(),
				scope,
				purpose,
			})
		};
		submit_err(
			&outsider,
			ask(Purpose::Treatment),
			pallet_consortium::Error::<Runtime>::NotAMember,
		);
		for _ in 0..64 {
			next_block();
			submit_ok(&lakeside, ask(Purpose::Treatment));
		}
		assert_eq!(AccessRequestCount::<Runtime>::get(&patient), 1);
		let request = AccessRequests::<Runtime>::get(&patient, &lakeside).expect("pending");
		assert_eq!(
			(request.requester, request.scope, request.purpose),
			(lakeside.clone(), scope, Purpose::Treatment)
		);
		assert!(!<Consent as ConsentChecker<AccountId>>::has_access(
			&patient,
			&lakeside,
			LABS,
			Purpose::Treatment,
			false
		));

		submit_ok(&account(Ferdie), ask(Purpose::Research));
		assert_eq!(AccessRequestCount::<Runtime>::get(&patient), 2);

		let balance = Balances::balance(&patient);
		submit_ok(
			&patient,
			RuntimeCall::Consent(ConsentCall::grant_consent {
				grantee: lakeside.clone(),
				scope,
				purpose: Purpose::Treatment,
				expires_at: None,
			}),
		);
		let consent_id = Consent::consents_of(&patient).last().expect("granted").0;
		assert!(System::events().iter().any(|r| r.event
			== RuntimeEvent::Consent(pallet_consent::Event::AccessRequestClosed {
				patient: patient.clone(),
				organization: lakeside.clone(),
				consent_id: Some(consent_id),
			})));
		assert!(!AccessRequests::<Runtime>::contains_key(&patient, &lakeside));
		assert!(<Consent as ConsentChecker<AccountId>>::has_access(
			&patient,
			&lakeside,
			LABS,
			Purpose::Treatment,
			false
		));

		submit_ok(
			&patient,
			RuntimeCall::Consent(ConsentCall::decline_access_request {
				organization: account(Ferdie),
			}),
		);
		assert_eq!(AccessRequestCount::<Runtime>::get(&patient), 0);
		assert_eq!(Balances::balance(&patient), balance, "the grant and the decline are fee-less");
		// Nothing left to decline: the call fails and is charged.
		submit_err(
			&patient,
			RuntimeCall::Consent(ConsentCall::decline_access_request {
				organization: account(Ferdie),
			}),
			pallet_consent::Error::<Runtime>::NoAccessRequest,
		);
		assert!(Balances::balance(&patient) < balance);
	});
}

/// A patient's fee-less transactions may wait in the pool only as far ahead of the
/// account's nonce as the patient has free calls left: a burst of `free calls left` is
/// accepted (and all of it is included), one more is refused at once, not accepted and
/// failed at inclusion. Paid transactions keep waiting for their turn as usual. Validated
/// as the node's pool validates (`validate_transaction`, signed extrinsics).
#[test]
fn fee_less_transactions_wait_in_the_pool_only_within_the_free_calls_left() {
	new_test_ext().execute_with(|| {
		let patient = fresh("PoolPatient");
		onboard(&patient);
		let pair = key_of(&patient);
		let free_left = PatientIdentity::free_calls_left(&patient);
		assert!(free_left > 1);
		let nonce = System::account_nonce(&patient);
		let grant = || grant_call(&account(Alice), Access::READ);
		// The last free call may wait behind the others ...
		let last = nonce + free_left - 1;
		assert!(pool(signed_extrinsic_at(&pair, grant(), last)).is_ok());
		// ... one more may not.
		assert_eq!(
			pool(signed_extrinsic_at(&pair, grant(), last + 1)),
			Err(InvalidTransaction::Custom(medchain_runtime::FEELESS_TOO_FAR_AHEAD).into())
		);
		assert_eq!(
			pool(signed_extrinsic_at(&pair, grant(), nonce + 10_000)),
			Err(InvalidTransaction::Custom(medchain_runtime::FEELESS_TOO_FAR_AHEAD).into())
		);
		// A funded account's paid transaction still waits far ahead.
		transfer(&patient, 10 * UNIT);
		let paid = RuntimeCall::System(frame_system::Call::remark { remark: vec![1] });
		assert!(pool(signed_extrinsic_at(&pair, paid, nonce + 10_000)).is_ok());
		// The burst of `free_left` fee-less grants is included, fee-less.
		let before = Balances::balance(&patient);
		for i in 0..free_left {
			let xt = signed_extrinsic_at(&pair, grant(), nonce + i);
			assert_eq!(medchain_runtime::Executive::apply_extrinsic(xt), Ok(Ok(())), "grant {i}");
		}
		assert_eq!(Balances::balance(&patient), before);
		assert_eq!(PatientIdentity::free_calls_left(&patient), 0);
		// With no free call left, a grant is a paid call: it may wait ahead like any other.
		let n = System::account_nonce(&patient);
		assert!(pool(signed_extrinsic_at(&pair, grant(), n + 5)).is_ok());
	});
}

/// A gateway's signing key, an `Anchor` proxy of a staff key, anchors records in the
/// staff key's name (the hospital is the author) and can do nothing else with that key:
/// no break-glass, no logged reads, no onboarding, no transfers, no proxies. On its own it
/// is not even staff. Signed extrinsics (`Proxy.proxy`).
#[test]
fn an_anchor_proxy_can_only_anchor() {
	new_test_ext().execute_with(|| {
		let staff = fresh("GatewayStaff");
		let gateway = fresh("GatewaySigner");
		let patient = fresh("GatewayPatient");
		transfer(&staff, 10 * UNIT);
		transfer(&gateway, 10 * UNIT);
		onboard(&patient);
		frame_support::assert_ok!(dispatch(
			&account(Alice),
			RuntimeCall::Consortium(pallet_consortium::Call::add_staff { account: staff.clone() })
		));
		submit_ok(
			&staff,
			RuntimeCall::Proxy(pallet_proxy::Call::add_proxy {
				delegate: gateway.clone().into(),
				proxy_type: ProxyType::Anchor,
				delay: 0,
			}),
		);
		frame_support::assert_ok!(dispatch(&patient, grant_call(&account(Alice), Access::WRITE)));
		let anchor = RuntimeCall::HealthRecords(RecordsCall::anchor_record {
			patient: patient.clone(),
			category: LABS,
			content_hash: H256::repeat_byte(0x17),
			locator: opaque_locator("n17").try_into().expect("short locator"),
			supersedes: None,
		});
		// On its own the gateway key is nobody.
		submit_err(&gateway, anchor.clone(), pallet_consortium::Error::<Runtime>::NotAMember);
		// As the staff key's Anchor proxy it anchors, for the hospital.
		submit_ok(&gateway, as_proxy(&staff, anchor));
		assert_eq!(proxy_result(), Ok(()));
		assert!(System::events().iter().any(|r| matches!(
			&r.event,
			RuntimeEvent::HealthRecords(pallet_health_records::Event::RecordAnchored {
				author: Some(author),
				..
			}) if *author == account(Alice)
		)));
		for refused in [
			RuntimeCall::Consent(ConsentCall::break_glass {
				patient: patient.clone(),
				reason_code: 1,
			}),
			RuntimeCall::PatientIdentity(IdentityCall::onboard_patient {
				patient: fresh("AnotherPatient"),
				identity_commitment: H256::repeat_byte(1),
			}),
			RuntimeCall::HealthRecords(RecordsCall::seal_record {
				record_id: H256::repeat_byte(2),
			}),
			RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
				dest: gateway.clone().into(),
				value: UNIT,
			}),
			RuntimeCall::Proxy(pallet_proxy::Call::add_proxy {
				delegate: fresh("Third").into(),
				proxy_type: ProxyType::Anchor,
				delay: 0,
			}),
			RuntimeCall::Utility(pallet_utility::Call::batch { calls: vec![] }),
		] {
			submit_ok(&gateway, as_proxy(&staff, refused.clone()));
			assert_eq!(proxy_result(), filtered(), "{refused:?}");
		}
	});
}

/// The transaction extensions include `CheckMetadataHash` (RFC 78). A wallet that checks
/// metadata signs over the hash of the metadata it was shown; if that is not the runtime's
/// own (a node that remapped a call index shows other metadata), the signature does not
/// verify and the transaction is refused, never applied as another call. Wallets that do
/// not check (mode disabled) sign as before.
#[test]
fn a_signature_over_other_metadata_is_refused() {
	new_test_ext().execute_with(|| {
		// What the metadata lists as the transaction extensions (wallets read this).
		let listed = <medchain_runtime::TxExtension as sp_runtime::traits::TransactionExtension<
			RuntimeCall,
		>>::metadata();
		assert!(listed.iter().any(|e| e.identifier == "CheckMetadataHash"));

		let payer = account(Bob);
		let pair = key_of(&payer);
		let call = RuntimeCall::System(frame_system::Call::remark { remark: vec![7] });
		let sign = |extension: medchain_runtime::TxExtension| {
			use codec::Encode;
			use sp_core::Pair;
			let payload = medchain_runtime::SignedPayload::new(call.clone(), extension.clone())
				.expect("implicit data available");
			let signature = payload.using_encoded(|bytes| pair.sign(bytes));
			medchain_runtime::UncheckedExtrinsic::new_signed(
				call.clone(),
				payer.clone().into(),
				sp_runtime::MultiSignature::Sr25519(signature),
				extension,
			)
		};
		let nonce = System::account_nonce(&payer);
		let mut other = tx_extension_at(nonce);
		other.8 = medchain_runtime::CheckMetadataHash::<Runtime>::new_with_custom_hash([7; 32]);
		// The native runtime these tests run has no metadata hash compiled in (the wasm
		// builder sets it for the wasm runtime of a `metadata-hash` build only), so it refuses
		// a signer's hash it cannot check (`CannotLookup`); a `metadata-hash` runtime
		// compares it with its own and refuses a different one (`BadProof`).
		assert_eq!(
			medchain_runtime::Executive::apply_extrinsic(sign(other)),
			Err(sp_runtime::transaction_validity::UnknownTransaction::CannotLookup.into())
		);
		assert_eq!(System::account_nonce(&payer), nonce, "nothing applied");
		// The same call signed without the check goes through.
		assert_eq!(
			medchain_runtime::Executive::apply_extrinsic(sign(tx_extension_at(nonce))),
			Ok(Ok(()))
		);
	});
}
