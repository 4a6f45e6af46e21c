//! Patient identity and consent inside the real runtime: the consent life cycle, break-glass
//! expiry, fee-less patient transactions through the real transaction extensions, guardian
//! proxies and key recovery.

use frame_support::{assert_ok, traits::fungible::Inspect};
use medchain_primitives::{Categories, ConsentChecker, Purpose, RecordCategory};
use medchain_runtime::{
	Balances, Consent, ProxyType, Runtime, RuntimeCall, RuntimeEvent, System, UNIT,
};
use medchain_runtime_test_support::*;
use pallet_consent::{Access, Scope};
use sp_core::{sr25519, Pair, H256};
use sp_keyring::Sr25519Keyring::*;

fn commitment(document: &str) -> H256 {
	pallet_patient_identity::identity_commitment(b"per-patient salt", document.as_bytes())
}

/// The hospital (Alice's organization) onboards `patient` at the front desk.
fn onboard(patient: &medchain_runtime::AccountId) {
	assert_ok!(dispatch(
		&account(Alice),
		RuntimeCall::PatientIdentity(IdentityCall::onboard_patient {
			patient: patient.clone(),
			identity_commitment: commitment("passport 123"),
		})
	));
}

fn read(categories: &[RecordCategory]) -> Scope {
	Scope {
		categories: Categories::from_categories(categories),
		access: Access { read: true, write: false },
	}
}

fn grant_call(grantee: &medchain_runtime::AccountId, scope: Scope) -> RuntimeCall {
	RuntimeCall::Consent(ConsentCall::grant_consent {
		grantee: grantee.clone(),
		scope,
		purpose: Purpose::Treatment,
		expires_at: None,
	})
}

fn last_consent_id() -> u64 {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Consent(pallet_consent::Event::ConsentGranted { consent_id, .. })
			| RuntimeEvent::Consent(pallet_consent::Event::EmergencyAccessGranted {
				consent_id,
				..
			}) => Some(consent_id),
			_ => None,
		})
		.expect("a consent was granted")
}

fn has_access(patient: &medchain_runtime::AccountId, category: RecordCategory) -> bool {
	<Consent as ConsentChecker<_>>::has_access(
		patient,
		&account(Alice),
		category,
		Purpose::Treatment,
		false,
	)
}

#[test]
fn onboard_grant_revoke_in_one_block() {
	new_test_ext().execute_with(|| {
		let patient = fresh("Patient");
		onboard(&patient);
		assert!(!has_access(&patient, RecordCategory::LabResults));

		submit_ok(&patient, grant_call(&account(Alice), read(&[RecordCategory::LabResults])));
		let id = last_consent_id();
		assert!(has_access(&patient, RecordCategory::LabResults));
		assert!(!has_access(&patient, RecordCategory::Genomics));

		submit_ok(&patient, RuntimeCall::Consent(ConsentCall::revoke_consent { consent_id: id }));
		// Same block: no access any more.
		assert!(!has_access(&patient, RecordCategory::LabResults));
	});
}

#[test]
fn break_glass_expires_after_its_duration() {
	new_test_ext().execute_with(|| {
		let patient = fresh("Unconscious");
		onboard(&patient);
		assert_ok!(dispatch(
			&account(Alice),
			RuntimeCall::Consent(ConsentCall::break_glass {
				patient: patient.clone(),
				reason_code: 1
			})
		));
		assert!(has_access(&patient, RecordCategory::MentalHealth));
		let duration = <Runtime as pallet_consent::Config>::BreakGlassDuration::get();
		let start = pallet_timestamp::Now::<Runtime>::get();

		pallet_timestamp::Now::<Runtime>::put(start + duration - 1);
		assert!(has_access(&patient, RecordCategory::MentalHealth));
		pallet_timestamp::Now::<Runtime>::put(start + duration);
		assert!(!has_access(&patient, RecordCategory::MentalHealth));
	});
}

#[test]
fn a_suspended_hospital_loses_access_at_once() {
	new_test_ext().execute_with(|| {
		let patient = fresh("Patient");
		onboard(&patient);
		submit_ok(&patient, grant_call(&account(Alice), read(&[RecordCategory::Imaging])));
		assert!(has_access(&patient, RecordCategory::Imaging));
		assert_ok!(dispatch_root(RuntimeCall::Consortium(
			pallet_consortium::Call::suspend_organization { organization: account(Alice) }
		)));
		assert!(!has_access(&patient, RecordCategory::Imaging));
		assert_ok!(dispatch_root(RuntimeCall::Consortium(
			pallet_consortium::Call::reinstate_organization { organization: account(Alice) }
		)));
		assert!(has_access(&patient, RecordCategory::Imaging));
	});
}

#[test]
fn a_guardian_proxy_can_grant_consent_but_cannot_move_funds() {
	new_test_ext().execute_with(|| {
		// A minor's account; the parent pays the proxy deposit, so fund it from Alice.
		let minor = fresh("Minor");
		let parent = fresh("Parent");
		for who in [&minor, &parent] {
			assert_ok!(dispatch(
				&account(Alice),
				RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
					dest: who.clone().into(),
					value: 10 * UNIT,
				})
			));
		}
		onboard(&minor);
		submit_ok(
			&minor,
			RuntimeCall::Proxy(pallet_proxy::Call::add_proxy {
				delegate: parent.clone().into(),
				proxy_type: ProxyType::Guardian,
				delay: 0,
			}),
		);

		let as_minor = |call: RuntimeCall| {
			RuntimeCall::Proxy(pallet_proxy::Call::proxy {
				real: minor.clone().into(),
				force_proxy_type: None,
				call: Box::new(call),
			})
		};
		submit_ok(
			&parent,
			as_minor(grant_call(&account(Alice), read(&[RecordCategory::Encounters]))),
		);
		assert_eq!(proxy_result(), Ok(()));
		assert!(has_access(&minor, RecordCategory::Encounters));

		let before = Balances::balance(&minor);
		submit_ok(
			&parent,
			as_minor(RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
				dest: parent.clone().into(),
				value: UNIT,
			})),
		);
		assert_eq!(proxy_result(), Err(frame_system::Error::<Runtime>::CallFiltered.into()));
		assert_eq!(Balances::balance(&minor), before);
	});
}

#[test]
fn friends_recover_a_lost_patient_key() {
	new_test_ext().execute_with(|| {
		let patient = fresh("Forgetful");
		let new_key = account(Ferdie);
		assert_ok!(dispatch(
			&account(Alice),
			RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
				dest: patient.clone().into(),
				value: 10 * UNIT,
			})
		));
		onboard(&patient);
		submit_ok(&patient, grant_call(&account(Alice), read(&[RecordCategory::Diagnoses])));
		let consent_id = last_consent_id();

		let mut friends = vec![account(Dave), account(Eve)];
		friends.sort();
		let group = pallet_recovery::FriendGroup {
			friends: friends.clone().try_into().unwrap(),
			friends_needed: 2,
			inheritor: new_key.clone(),
			inheritance_delay: 10,
			inheritance_priority: 0,
			cancel_delay: 10,
		};
		submit_ok(
			&patient,
			RuntimeCall::Recovery(pallet_recovery::Call::set_friend_groups {
				friend_groups: vec![group],
			}),
		);
		// The key is lost: the friends recover it for the patient's new key.
		submit_ok(
			&friends[0],
			RuntimeCall::Recovery(pallet_recovery::Call::initiate_attempt {
				lost: patient.clone().into(),
				friend_group_index: 0,
			}),
		);
		submit_ok(
			&friends[1],
			RuntimeCall::Recovery(pallet_recovery::Call::approve_attempt {
				lost: patient.clone().into(),
				friend_group_index: 0,
			}),
		);
		for _ in 0..10 {
			next_block();
		}
		submit_ok(
			&friends[0],
			RuntimeCall::Recovery(pallet_recovery::Call::finish_attempt {
				lost: patient.clone().into(),
				friend_group_index: 0,
			}),
		);
		// The new key now acts for the patient: it revokes the consent.
		submit_ok(
			&new_key,
			RuntimeCall::Recovery(pallet_recovery::Call::control_inherited_account {
				recovered: patient.clone().into(),
				call: Box::new(RuntimeCall::Consent(ConsentCall::revoke_consent { consent_id })),
			}),
		);
		assert!(!has_access(&patient, RecordCategory::Diagnoses));
	});
}

mod fees {
	use super::*;
	use sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError};

	#[test]
	fn a_registered_patient_with_zero_balance_grants_and_revokes_for_free() {
		new_test_ext().execute_with(|| {
			let pair = sr25519::Pair::from_string("//ZeroBalancePatient", None).unwrap();
			let patient: medchain_runtime::AccountId = pair.public().into();
			assert_eq!(Balances::balance(&patient), 0);
			onboard(&patient);

			let result = apply_signed(
				&pair,
				grant_call(&account(Alice), read(&[RecordCategory::LabResults])),
			);
			assert_eq!(result, Ok(Ok(())));
			assert!(has_access(&patient, RecordCategory::LabResults));
			let consent_id = last_consent_id();

			let result = apply_signed(
				&pair,
				RuntimeCall::Consent(ConsentCall::revoke_consent { consent_id }),
			);
			assert_eq!(result, Ok(Ok(())));
			assert!(!has_access(&patient, RecordCategory::LabResults));
			assert_eq!(Balances::balance(&patient), 0);
		});
	}

	#[test]
	fn an_unregistered_zero_balance_account_cannot_submit_anything() {
		new_test_ext().execute_with(|| {
			let pair = sr25519::Pair::from_string("//NobodyAtAll", None).unwrap();
			let calls = [
				grant_call(&account(Alice), read(&[RecordCategory::LabResults])),
				RuntimeCall::PatientIdentity(IdentityCall::register_patient {
					identity_commitment: commitment("id card"),
				}),
				RuntimeCall::System(frame_system::Call::remark { remark: vec![1] }),
			];
			for call in calls {
				assert_eq!(
					apply_signed(&pair, call),
					Err(TransactionValidityError::Invalid(InvalidTransaction::Payment))
				);
			}
		});
	}

	#[test]
	fn a_patient_over_the_free_quota_pays_like_anyone_else() {
		new_test_ext().execute_with(|| {
			let pair = sr25519::Pair::from_string("//BusyPatient", None).unwrap();
			let patient: medchain_runtime::AccountId = pair.public().into();
			onboard(&patient);
			let quota = <Runtime as pallet_patient_identity::Config>::FreeCallsPerWindow::get();
			let mut granted = 0;
			for _ in 0..quota {
				assert_eq!(
					apply_signed(
						&pair,
						grant_call(&account(Alice), read(&[RecordCategory::Other]))
					),
					Ok(Ok(()))
				);
				granted += 1;
			}
			assert_eq!(granted, quota);
			assert_eq!(
				apply_signed(&pair, grant_call(&account(Alice), read(&[RecordCategory::Other]))),
				Err(TransactionValidityError::Invalid(InvalidTransaction::Payment))
			);
		});
	}
}
