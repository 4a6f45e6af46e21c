//! Unit tests of the consent pallet: every call, every error, every event, the access checks
//! other pallets use, the runtime-API queries and the fee-less wiring.

use crate::{
	mock::*, Access, AccessEntry, AccessLog, BreakGlassUses, Consent as ConsentRecord, ConsentKind,
	Consents, ConsentsOf, Error, Event, NextConsentId, Scope,
};
use frame_support::{assert_noop, assert_ok, dispatch::CheckIfFeeless, traits::Hooks, BoundedVec};
use medchain_primitives::{Categories, ConsentChecker, ConsentId, Moment, Purpose, RecordCategory};
use pallet_consortium::{Error as ConsortiumError, Role, Roles};
use sp_core::H256;
use sp_runtime::traits::BadOrigin;

use Purpose::{Insurance, Research, Treatment};
use RecordCategory::{Diagnoses, Genomics, Imaging, LabResults, MentalHealth};

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn scope(categories: &[RecordCategory], access: Access) -> Scope {
	Scope { categories: Categories::from_categories(categories), access }
}

fn read(categories: &[RecordCategory]) -> Scope {
	scope(categories, Access::READ)
}

fn record(n: u8) -> H256 {
	H256::repeat_byte(n)
}

/// Grant a consent and return its id.
fn grant(
	patient: AccountId,
	grantee: AccountId,
	scope: Scope,
	purpose: Purpose,
	expires_at: Option<Moment>,
) -> ConsentId {
	let id = NextConsentId::<Test>::get();
	assert_ok!(Consent::grant_consent(signed(patient), grantee, scope, purpose, expires_at));
	id
}

/// Alice lets the hospital read her lab results for treatment, without expiry.
fn alice_to_hospital() -> ConsentId {
	grant(ALICE, HOSPITAL, read(&[LabResults]), Treatment, None)
}

fn consent(id: ConsentId) -> ConsentRecord<AccountId> {
	Consents::<Test>::get(id).expect("consent stored")
}

fn has_access(
	patient: AccountId,
	grantee: AccountId,
	category: RecordCategory,
	purpose: Purpose,
	write: bool,
) -> bool {
	<Consent as ConsentChecker<AccountId>>::has_access(&patient, &grantee, category, purpose, write)
}

fn ensure_access(
	patient: AccountId,
	grantee: AccountId,
	category: RecordCategory,
	purpose: Purpose,
	write: bool,
) -> Result<ConsentId, sp_runtime::DispatchError> {
	<Consent as ConsentChecker<AccountId>>::ensure_access(
		&patient, &grantee, category, purpose, write,
	)
}

fn suspend(org: AccountId) {
	assert_ok!(Consortium::suspend_organization(RuntimeOrigin::root(), org));
}

fn reinstate(org: AccountId) {
	assert_ok!(Consortium::reinstate_organization(RuntimeOrigin::root(), org));
}

fn consent_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Consent(e) => Some(e),
			_ => None,
		})
		.collect()
}

mod types {
	use super::*;

	#[test]
	fn access_allows_what_it_says() {
		assert!(Access::READ.allows(false) && !Access::READ.allows(true));
		assert!(!Access::WRITE.allows(false) && Access::WRITE.allows(true));
		assert!(Access::READ_WRITE.allows(false) && Access::READ_WRITE.allows(true));
		assert!(Access::default().is_empty());
		let s = read(&[LabResults, Imaging]);
		assert!(s.covers(Imaging, false));
		assert!(!s.covers(Imaging, true));
		assert!(!s.covers(Genomics, false));
	}

	#[test]
	fn consent_in_force_boundaries() {
		let c = ConsentRecord {
			patient: ALICE,
			grantee: HOSPITAL,
			scope: read(&[LabResults]),
			purpose: Treatment,
			granted_at: 100,
			expires_at: Some(300),
			revoked_at: Some(200),
			kind: ConsentKind::Standard,
		};
		assert!(!c.was_in_force_at(99));
		assert!(c.was_in_force_at(100));
		assert!(c.was_in_force_at(199));
		assert!(!c.was_in_force_at(200));
		let unrevoked = ConsentRecord { revoked_at: None, ..c.clone() };
		assert!(unrevoked.was_in_force_at(299));
		assert!(!unrevoked.was_in_force_at(300));
		assert!(unrevoked.is_expired_at(300) && !unrevoked.is_expired_at(299));
		assert!(c.is_prunable_at(0) && !unrevoked.is_prunable_at(299));
	}
}

mod mock_setup {
	use super::*;
	use medchain_primitives::PatientRegistry;

	#[test]
	fn genesis_consortium_and_patients() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(Consent::now(), START);
			assert!(MockPatients::is_registered(&ALICE));
			assert!(
				MockPatients::is_deregistered(&ERASED) && !MockPatients::is_registered(&ERASED)
			);
			assert!(!MockPatients::is_registered(&NOBODY));
			assert!(MockPatients::is_registered(&POOR) && !MockPatients::has_free_quota(&POOR));
			assert_eq!(NextConsentId::<Test>::get(), 0);
		});
	}

	#[test]
	fn empty_builder_has_no_organizations_or_patients() {
		ExtBuilder::empty().build_and_execute(|| {
			assert!(!MockPatients::is_registered(&ALICE));
			assert!(pallet_consortium::Organizations::<Test>::get(HOSPITAL).is_none());
		});
	}

	#[test]
	fn integrity_test_passes() {
		ExtBuilder::default().build_and_execute(|| {
			<Consent as Hooks<u64>>::integrity_test();
		});
	}
}

mod grant_consent {
	use super::*;

	#[test]
	fn works() {
		ExtBuilder::default().build_and_execute(|| {
			let s = scope(&[LabResults, Imaging], Access::READ_WRITE);
			let expires_at = Some(START + 1_000);
			assert_ok!(Consent::grant_consent(signed(ALICE), HOSPITAL, s, Treatment, expires_at));
			assert_eq!(
				consent(0),
				ConsentRecord {
					patient: ALICE,
					grantee: HOSPITAL,
					scope: s,
					purpose: Treatment,
					granted_at: START,
					expires_at,
					revoked_at: None,
					kind: ConsentKind::Standard,
				}
			);
			assert_eq!(ConsentsOf::<Test>::get(ALICE).into_inner(), vec![0]);
			assert_eq!(NextConsentId::<Test>::get(), 1);
			System::assert_last_event(
				Event::ConsentGranted {
					patient: ALICE,
					grantee: HOSPITAL,
					consent_id: 0,
					scope: s,
					purpose: Treatment,
					expires_at,
				}
				.into(),
			);
			// The fee-less call was counted against the patient's quota.
			assert_eq!(MockPatients::free_calls(ALICE), FREE_CALLS - 1);
		});
	}

	#[test]
	fn ids_come_from_a_counter() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(alice_to_hospital(), 0);
			assert_eq!(grant(BOB, CLINIC, read(&[Diagnoses]), Treatment, None), 1);
			assert_eq!(grant(ALICE, INSTITUTE, read(&[Genomics]), Research, None), 2);
			assert_eq!(ConsentsOf::<Test>::get(ALICE).into_inner(), vec![0, 2]);
			assert_eq!(ConsentsOf::<Test>::get(BOB).into_inner(), vec![1]);
		});
	}

	#[test]
	fn works_for_any_role_and_purpose() {
		const INSURER: AccountId = 40;
		const CLAIMS_OFFICER: AccountId = 41;
		ExtBuilder::default()
			.with_organization(INSURER, b"Mutual", Roles::only(Role::Insurer), vec![CLAIMS_OFFICER])
			.build_and_execute(|| {
				let id = grant(ALICE, INSURER, read(&[Diagnoses]), Insurance, Some(START + 60_000));
				assert_eq!(ensure_access(ALICE, INSURER, Diagnoses, Insurance, false), Ok(id));
				assert_ok!(Consent::log_access(
					signed(CLAIMS_OFFICER),
					ALICE,
					id,
					record(9),
					Diagnoses
				));
			});
	}

	#[test]
	fn fails_when_ids_are_exhausted() {
		ExtBuilder::default().build_and_execute(|| {
			NextConsentId::<Test>::put(ConsentId::MAX);
			assert_noop!(
				Consent::grant_consent(
					signed(ALICE),
					HOSPITAL,
					read(&[LabResults]),
					Treatment,
					None
				),
				Error::<Test>::ConsentIdOverflow
			);
			assert_noop!(
				Consent::break_glass(signed(DOCTOR), ALICE, 1),
				Error::<Test>::ConsentIdOverflow
			);
		});
	}

	#[test]
	fn patient_without_quota_can_still_grant_and_pays() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(grant(POOR, HOSPITAL, read(&[LabResults]), Treatment, None), 0);
			assert_eq!(MockPatients::free_calls(POOR), 0);
		});
	}

	#[test]
	fn requires_signed_origin() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consent::grant_consent(
					RuntimeOrigin::none(),
					HOSPITAL,
					read(&[LabResults]),
					Treatment,
					None
				),
				BadOrigin
			);
			assert_noop!(
				Consent::grant_consent(
					RuntimeOrigin::root(),
					HOSPITAL,
					read(&[LabResults]),
					Treatment,
					None
				),
				BadOrigin
			);
		});
	}

	#[test]
	fn fails_for_non_patient() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consent::grant_consent(
					signed(NOBODY),
					HOSPITAL,
					read(&[LabResults]),
					Treatment,
					None
				),
				Error::<Test>::NotAPatient
			);
			// An organization's own account is not a patient either.
			assert_noop!(
				Consent::grant_consent(
					signed(DOCTOR),
					HOSPITAL,
					read(&[LabResults]),
					Treatment,
					None
				),
				Error::<Test>::NotAPatient
			);
		});
	}

	#[test]
	fn fails_for_deregistered_patient() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consent::grant_consent(
					signed(ERASED),
					HOSPITAL,
					read(&[LabResults]),
					Treatment,
					None
				),
				Error::<Test>::PatientDeregistered
			);
		});
	}

	#[test]
	fn fails_for_grantee_that_is_not_an_organization() {
		ExtBuilder::default().build_and_execute(|| {
			for grantee in [OUTSIDER, DOCTOR, BOB] {
				assert_noop!(
					Consent::grant_consent(
						signed(ALICE),
						grantee,
						read(&[LabResults]),
						Treatment,
						None
					),
					Error::<Test>::GranteeNotAnOrganization
				);
			}
		});
	}

	#[test]
	fn fails_for_suspended_grantee() {
		ExtBuilder::default().build_and_execute(|| {
			suspend(HOSPITAL);
			assert_noop!(
				Consent::grant_consent(
					signed(ALICE),
					HOSPITAL,
					read(&[LabResults]),
					Treatment,
					None
				),
				Error::<Test>::GranteeSuspended
			);
			reinstate(HOSPITAL);
			alice_to_hospital();
		});
	}

	#[test]
	fn fails_for_empty_categories() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consent::grant_consent(signed(ALICE), HOSPITAL, read(&[]), Treatment, None),
				Error::<Test>::EmptyCategories
			);
		});
	}

	#[test]
	fn fails_for_unknown_categories() {
		ExtBuilder::default().build_and_execute(|| {
			let s = Scope { categories: Categories((1 << 9) | 1), access: Access::READ };
			assert_noop!(
				Consent::grant_consent(signed(ALICE), HOSPITAL, s, Treatment, None),
				Error::<Test>::UnknownCategories
			);
		});
	}

	#[test]
	fn fails_without_read_or_write() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consent::grant_consent(
					signed(ALICE),
					HOSPITAL,
					scope(&[LabResults], Access::default()),
					Treatment,
					None
				),
				Error::<Test>::NoAccessGranted
			);
		});
	}

	#[test]
	fn fails_for_expiry_not_in_the_future() {
		ExtBuilder::default().build_and_execute(|| {
			for expiry in [0, START - 1, START] {
				assert_noop!(
					Consent::grant_consent(
						signed(ALICE),
						HOSPITAL,
						read(&[LabResults]),
						Treatment,
						Some(expiry)
					),
					Error::<Test>::ExpiryInPast
				);
			}
			grant(ALICE, HOSPITAL, read(&[LabResults]), Treatment, Some(START + 1));
		});
	}

	#[test]
	fn fails_when_every_consent_is_active() {
		ExtBuilder::default().build_and_execute(|| {
			for _ in 0..MAX_CONSENTS {
				alice_to_hospital();
			}
			assert_noop!(
				Consent::grant_consent(signed(ALICE), CLINIC, read(&[LabResults]), Treatment, None),
				Error::<Test>::TooManyConsents
			);
			// An unexpired consent with an expiry is still active.
			let bob_first = grant(BOB, HOSPITAL, read(&[LabResults]), Treatment, Some(START + 10));
			for _ in 1..MAX_CONSENTS {
				grant(BOB, HOSPITAL, read(&[LabResults]), Treatment, None);
			}
			advance_time(9);
			assert!(!consent(bob_first).is_expired_at(Consent::now()));
			assert_noop!(
				Consent::grant_consent(signed(BOB), CLINIC, read(&[LabResults]), Treatment, None),
				Error::<Test>::TooManyConsents
			);
		});
	}

	#[test]
	fn prunes_the_oldest_revoked_or_expired_consent_when_full() {
		ExtBuilder::default().build_and_execute(|| {
			let active = alice_to_hospital();
			let expiring = grant(ALICE, CLINIC, read(&[Imaging]), Treatment, Some(START + 10));
			let revoked = alice_to_hospital();
			let last = alice_to_hospital();
			assert_ok!(Consent::revoke_consent(signed(ALICE), revoked));
			advance_time(10);
			// `expiring` is now expired and older than `revoked`: it goes first.
			let new = grant(ALICE, INSTITUTE, read(&[Genomics]), Research, None);
			assert_eq!(new, 4);
			assert!(Consents::<Test>::get(expiring).is_none());
			assert_eq!(
				ConsentsOf::<Test>::get(ALICE).into_inner(),
				vec![active, revoked, last, new]
			);
			let events = consent_events();
			assert_eq!(
				events[events.len() - 2],
				Event::ConsentPruned { patient: ALICE, consent_id: expiring }
			);
			System::assert_last_event(
				Event::ConsentGranted {
					patient: ALICE,
					grantee: INSTITUTE,
					consent_id: new,
					scope: read(&[Genomics]),
					purpose: Research,
					expires_at: None,
				}
				.into(),
			);
			// Next, the revoked one goes; ids are never reused.
			let newer = alice_to_hospital();
			assert_eq!(newer, 5);
			assert!(Consents::<Test>::get(revoked).is_none());
			assert_eq!(ConsentsOf::<Test>::get(ALICE).into_inner(), vec![active, last, new, newer]);
			assert_eq!(NextConsentId::<Test>::get(), 6);
		});
	}
}

mod revoke_consent {
	use super::*;

	#[test]
	fn works_at_once_and_keeps_history() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			advance_time(500);
			assert!(has_access(ALICE, HOSPITAL, LabResults, Treatment, false));
			assert_ok!(Consent::revoke_consent(signed(ALICE), id));
			// Same block: no access any more.
			assert!(!has_access(ALICE, HOSPITAL, LabResults, Treatment, false));
			assert_eq!(consent(id).revoked_at, Some(START + 500));
			assert_eq!(ConsentsOf::<Test>::get(ALICE).into_inner(), vec![id]);
			System::assert_last_event(
				Event::ConsentRevoked { patient: ALICE, grantee: HOSPITAL, consent_id: id }.into(),
			);
			assert_eq!(MockPatients::free_calls(ALICE), FREE_CALLS - 2);
		});
	}

	#[test]
	fn works_for_an_expired_consent() {
		ExtBuilder::default().build_and_execute(|| {
			let id = grant(ALICE, HOSPITAL, read(&[LabResults]), Treatment, Some(START + 1));
			advance_time(5);
			assert_ok!(Consent::revoke_consent(signed(ALICE), id));
			assert_eq!(consent(id).revoked_at, Some(START + 5));
		});
	}

	#[test]
	fn works_for_a_deregistered_patient() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			MockPatients::deregister(ALICE);
			assert_ok!(Consent::revoke_consent(signed(ALICE), id));
			assert!(consent(id).revoked_at.is_some());
		});
	}

	#[test]
	fn works_for_a_break_glass_consent() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(Consent::break_glass(signed(DOCTOR), ALICE, 7));
			assert_ok!(Consent::revoke_consent(signed(ALICE), 0));
			assert!(!has_access(ALICE, HOSPITAL, LabResults, Treatment, false));
		});
	}

	#[test]
	fn requires_signed_origin() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			assert_noop!(Consent::revoke_consent(RuntimeOrigin::none(), id), BadOrigin);
		});
	}

	#[test]
	fn fails_for_unknown_consent() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consent::revoke_consent(signed(ALICE), 42),
				Error::<Test>::ConsentNotFound
			);
		});
	}

	#[test]
	fn fails_for_someone_else() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			for who in [BOB, HOSPITAL, DOCTOR] {
				assert_noop!(
					Consent::revoke_consent(signed(who), id),
					Error::<Test>::NotConsentOwner
				);
			}
		});
	}

	#[test]
	fn fails_twice() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			assert_ok!(Consent::revoke_consent(signed(ALICE), id));
			assert_noop!(Consent::revoke_consent(signed(ALICE), id), Error::<Test>::AlreadyRevoked);
		});
	}
}

mod break_glass {
	use super::*;

	#[test]
	fn works_for_provider_staff() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(Consent::break_glass(signed(DOCTOR), ALICE, 3));
			let expires_at = START + BREAK_GLASS_DURATION;
			assert_eq!(
				consent(0),
				ConsentRecord {
					patient: ALICE,
					grantee: HOSPITAL,
					scope: Scope { categories: Categories::all(), access: Access::READ },
					purpose: Treatment,
					granted_at: START,
					expires_at: Some(expires_at),
					revoked_at: None,
					kind: ConsentKind::BreakGlass { staff: DOCTOR, reason_code: 3 },
				}
			);
			assert_eq!(ConsentsOf::<Test>::get(ALICE).into_inner(), vec![0]);
			assert_eq!(BreakGlassUses::<Test>::get(HOSPITAL), 1);
			System::assert_last_event(
				Event::EmergencyAccess {
					patient: ALICE,
					organization: HOSPITAL,
					staff: DOCTOR,
					consent_id: 0,
					reason_code: 3,
					expires_at,
				}
				.into(),
			);
			for category in RecordCategory::ALL {
				assert_eq!(ensure_access(ALICE, HOSPITAL, category, Treatment, false), Ok(0));
				assert!(!has_access(ALICE, HOSPITAL, category, Treatment, true));
				assert!(!has_access(ALICE, HOSPITAL, category, Research, false));
			}
			// The patient's fee-less quota is untouched: the Provider pays.
			assert_eq!(MockPatients::free_calls(ALICE), FREE_CALLS);
		});
	}

	#[test]
	fn works_for_provider_admin() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(Consent::break_glass(signed(CLINIC), BOB, 1));
			assert_eq!(consent(0).kind, ConsentKind::BreakGlass { staff: CLINIC, reason_code: 1 });
			assert!(has_access(BOB, CLINIC, MentalHealth, Treatment, false));
		});
	}

	#[test]
	fn counts_uses_per_organization() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(Consent::break_glass(signed(DOCTOR), ALICE, 1));
			assert_ok!(Consent::break_glass(signed(HOSPITAL), BOB, 2));
			assert_ok!(Consent::break_glass(signed(NURSE), ALICE, 1));
			assert_eq!(BreakGlassUses::<Test>::get(HOSPITAL), 2);
			assert_eq!(BreakGlassUses::<Test>::get(CLINIC), 1);
			assert_eq!(BreakGlassUses::<Test>::get(INSTITUTE), 0);
		});
	}

	#[test]
	fn expires_after_the_duration() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(Consent::break_glass(signed(DOCTOR), ALICE, 1));
			advance_time(BREAK_GLASS_DURATION - 1);
			assert!(has_access(ALICE, HOSPITAL, Diagnoses, Treatment, false));
			assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, 0, record(1), Diagnoses));
			advance_time(1);
			assert!(!has_access(ALICE, HOSPITAL, Diagnoses, Treatment, false));
			assert_eq!(
				ensure_access(ALICE, HOSPITAL, Diagnoses, Treatment, false),
				Err(Error::<Test>::ConsentExpired.into())
			);
			assert_noop!(
				Consent::log_access(signed(DOCTOR), ALICE, 0, record(2), Diagnoses),
				Error::<Test>::ConsentExpired
			);
		});
	}

	#[test]
	fn requires_signed_origin() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(Consent::break_glass(RuntimeOrigin::none(), ALICE, 1), BadOrigin);
		});
	}

	#[test]
	fn fails_for_non_members() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consent::break_glass(signed(OUTSIDER), ALICE, 1),
				ConsortiumError::<Test>::NotAMember
			);
			assert_noop!(
				Consent::break_glass(signed(BOB), ALICE, 1),
				ConsortiumError::<Test>::NotAMember
			);
		});
	}

	#[test]
	fn fails_without_provider_role() {
		ExtBuilder::default().build_and_execute(|| {
			for who in [INSTITUTE, RESEARCHER] {
				assert_noop!(
					Consent::break_glass(signed(who), ALICE, 1),
					ConsortiumError::<Test>::MissingRole
				);
			}
		});
	}

	#[test]
	fn fails_for_suspended_provider() {
		ExtBuilder::default().build_and_execute(|| {
			suspend(HOSPITAL);
			for who in [HOSPITAL, DOCTOR] {
				assert_noop!(
					Consent::break_glass(signed(who), ALICE, 1),
					ConsortiumError::<Test>::OrganizationSuspended
				);
			}
		});
	}

	#[test]
	fn fails_for_non_patient() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consent::break_glass(signed(DOCTOR), NOBODY, 1),
				Error::<Test>::NotAPatient
			);
		});
	}

	#[test]
	fn fails_for_deregistered_patient() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consent::break_glass(signed(DOCTOR), ERASED, 1),
				Error::<Test>::PatientDeregistered
			);
		});
	}

	#[test]
	fn fails_when_every_consent_is_active() {
		ExtBuilder::default().build_and_execute(|| {
			for _ in 0..MAX_CONSENTS {
				alice_to_hospital();
			}
			assert_noop!(
				Consent::break_glass(signed(NURSE), ALICE, 1),
				Error::<Test>::TooManyConsents
			);
		});
	}

	#[test]
	fn prunes_when_full() {
		ExtBuilder::default().build_and_execute(|| {
			for _ in 0..MAX_CONSENTS {
				alice_to_hospital();
			}
			assert_ok!(Consent::revoke_consent(signed(ALICE), 2));
			assert_ok!(Consent::break_glass(signed(NURSE), ALICE, 9));
			assert!(Consents::<Test>::get(2).is_none());
			assert_eq!(ConsentsOf::<Test>::get(ALICE).into_inner(), vec![0, 1, 3, 4]);
			let events = consent_events();
			assert_eq!(
				events[events.len() - 2],
				Event::ConsentPruned { patient: ALICE, consent_id: 2 }
			);
			assert!(matches!(
				events[events.len() - 1],
				Event::EmergencyAccess { consent_id: 4, .. }
			));
		});
	}
}

mod log_access {
	use super::*;

	#[test]
	fn works_for_staff_and_admin() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			advance_time(60_000);
			assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, record(1), LabResults));
			System::assert_last_event(
				Event::AccessLogged {
					patient: ALICE,
					consent_id: id,
					organization: HOSPITAL,
					accessor: DOCTOR,
					record_id: record(1),
					category: LabResults,
				}
				.into(),
			);
			assert_ok!(Consent::log_access(signed(HOSPITAL), ALICE, id, record(2), LabResults));
			assert_eq!(
				AccessLog::<Test>::get(ALICE).into_inner(),
				vec![
					AccessEntry {
						consent_id: id,
						organization: HOSPITAL,
						accessor: DOCTOR,
						record_id: record(1),
						category: LabResults,
						at: START + 60_000,
					},
					AccessEntry {
						consent_id: id,
						organization: HOSPITAL,
						accessor: HOSPITAL,
						record_id: record(2),
						category: LabResults,
						at: START + 60_000,
					},
				]
			);
			assert!(AccessLog::<Test>::get(BOB).is_empty());
		});
	}

	#[test]
	fn is_a_ring_buffer_dropping_the_oldest_entry() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			for n in 0..MAX_LOG as u8 + 2 {
				assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, record(n), LabResults));
				advance_time(1);
			}
			let log = AccessLog::<Test>::get(ALICE);
			assert_eq!(log.len(), MAX_LOG as usize);
			let kept: Vec<H256> = log.iter().map(|e| e.record_id).collect();
			assert_eq!(kept, vec![record(2), record(3), record(4)]);
			assert_eq!(log[0].at, START + 2);
			System::assert_last_event(
				Event::AccessLogged {
					patient: ALICE,
					consent_id: id,
					organization: HOSPITAL,
					accessor: DOCTOR,
					record_id: record(4),
					category: LabResults,
				}
				.into(),
			);
		});
	}

	#[test]
	fn requires_signed_origin() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			assert_noop!(
				Consent::log_access(RuntimeOrigin::none(), ALICE, id, record(1), LabResults),
				BadOrigin
			);
		});
	}

	#[test]
	fn fails_for_unknown_consent() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consent::log_access(signed(DOCTOR), ALICE, 7, record(1), LabResults),
				Error::<Test>::ConsentNotFound
			);
		});
	}

	#[test]
	fn fails_for_another_patients_consent() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			assert_noop!(
				Consent::log_access(signed(DOCTOR), BOB, id, record(1), LabResults),
				Error::<Test>::ConsentPatientMismatch
			);
		});
	}

	#[test]
	fn fails_for_anyone_but_the_grantee() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			for who in [NURSE, CLINIC, RESEARCHER, OUTSIDER, ALICE] {
				assert_noop!(
					Consent::log_access(signed(who), ALICE, id, record(1), LabResults),
					Error::<Test>::NotGrantee
				);
			}
		});
	}

	#[test]
	fn fails_while_the_grantee_is_suspended() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			let before = consent(id);
			suspend(HOSPITAL);
			for who in [DOCTOR, HOSPITAL] {
				assert_noop!(
					Consent::log_access(signed(who), ALICE, id, record(1), LabResults),
					ConsortiumError::<Test>::OrganizationSuspended
				);
			}
			reinstate(HOSPITAL);
			assert_eq!(consent(id), before);
			assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, record(1), LabResults));
		});
	}

	#[test]
	fn fails_for_deregistered_patient() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			MockPatients::deregister(ALICE);
			assert_noop!(
				Consent::log_access(signed(DOCTOR), ALICE, id, record(1), LabResults),
				Error::<Test>::PatientDeregistered
			);
		});
	}

	#[test]
	fn fails_for_revoked_consent() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			assert_ok!(Consent::revoke_consent(signed(ALICE), id));
			assert_noop!(
				Consent::log_access(signed(DOCTOR), ALICE, id, record(1), LabResults),
				Error::<Test>::ConsentRevoked
			);
		});
	}

	#[test]
	fn fails_for_expired_consent() {
		ExtBuilder::default().build_and_execute(|| {
			let id = grant(ALICE, HOSPITAL, read(&[LabResults]), Treatment, Some(START + 100));
			advance_time(99);
			assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, record(1), LabResults));
			advance_time(1);
			assert_noop!(
				Consent::log_access(signed(DOCTOR), ALICE, id, record(2), LabResults),
				Error::<Test>::ConsentExpired
			);
		});
	}

	#[test]
	fn fails_for_category_not_covered() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			assert_noop!(
				Consent::log_access(signed(DOCTOR), ALICE, id, record(1), MentalHealth),
				Error::<Test>::CategoryNotCovered
			);
		});
	}

	#[test]
	fn fails_without_read_access() {
		ExtBuilder::default().build_and_execute(|| {
			let id = grant(ALICE, HOSPITAL, scope(&[LabResults], Access::WRITE), Treatment, None);
			assert_noop!(
				Consent::log_access(signed(DOCTOR), ALICE, id, record(1), LabResults),
				Error::<Test>::ReadNotGranted
			);
		});
	}
}

mod access_checks {
	use super::*;

	fn ensure_purpose(
		patient: AccountId,
		grantee: AccountId,
		purpose: Purpose,
	) -> Result<ConsentId, sp_runtime::DispatchError> {
		<Consent as ConsentChecker<AccountId>>::ensure_purpose(&patient, &grantee, purpose)
	}

	#[test]
	fn purpose_checks_accept_any_category_but_not_another_purpose_or_grantee() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(
				ensure_purpose(ALICE, CLINIC, Research),
				Err(Error::<Test>::NoConsent.into())
			);
			let treatment = grant(ALICE, CLINIC, read(&[Genomics]), Treatment, None);
			assert_eq!(
				ensure_purpose(ALICE, CLINIC, Research),
				Err(Error::<Test>::NoConsent.into())
			);
			let research = grant(ALICE, CLINIC, read(&[Genomics]), Research, None);
			assert_eq!(ensure_purpose(ALICE, CLINIC, Research), Ok(research));
			assert_eq!(ensure_purpose(ALICE, CLINIC, Treatment), Ok(treatment));
			assert_eq!(
				ensure_purpose(ALICE, HOSPITAL, Research),
				Err(Error::<Test>::NoConsent.into())
			);
			assert_eq!(ensure_purpose(BOB, CLINIC, Research), Err(Error::<Test>::NoConsent.into()));
			assert_ok!(Consent::revoke_consent(signed(ALICE), research));
			assert_eq!(
				ensure_purpose(ALICE, CLINIC, Research),
				Err(Error::<Test>::ConsentRevoked.into())
			);
			// A write-only consent does not let the grantee read; Bob has only that one.
			grant(BOB, CLINIC, scope(&[Imaging], Access::WRITE), Research, None);
			assert_eq!(
				ensure_purpose(BOB, CLINIC, Research),
				Err(Error::<Test>::ReadNotGranted.into())
			);
			suspend(CLINIC);
			assert!(ensure_purpose(ALICE, CLINIC, Treatment).is_err());
		});
	}

	#[test]
	fn grants_exactly_what_the_consent_covers() {
		ExtBuilder::default().build_and_execute(|| {
			let id = grant(ALICE, HOSPITAL, read(&[LabResults, Imaging]), Treatment, None);
			assert_eq!(ensure_access(ALICE, HOSPITAL, LabResults, Treatment, false), Ok(id));
			assert!(has_access(ALICE, HOSPITAL, Imaging, Treatment, false));
			assert!(!has_access(ALICE, HOSPITAL, Diagnoses, Treatment, false));
			assert!(!has_access(ALICE, HOSPITAL, LabResults, Research, false));
			assert!(!has_access(ALICE, HOSPITAL, LabResults, Treatment, true));
			assert!(!has_access(ALICE, CLINIC, LabResults, Treatment, false));
			assert!(!has_access(BOB, HOSPITAL, LabResults, Treatment, false));
			let w = grant(ALICE, CLINIC, scope(&[Diagnoses], Access::WRITE), Insurance, None);
			assert_eq!(ensure_access(ALICE, CLINIC, Diagnoses, Insurance, true), Ok(w));
			assert!(!has_access(ALICE, CLINIC, Diagnoses, Insurance, false));
		});
	}

	#[test]
	fn names_each_failure() {
		ExtBuilder::default().build_and_execute(|| {
			let e = |grantee, category, purpose, write| {
				ensure_access(ALICE, grantee, category, purpose, write)
			};
			assert_eq!(
				e(HOSPITAL, LabResults, Treatment, false),
				Err(Error::<Test>::NoConsent.into())
			);
			alice_to_hospital();
			// Wrong purpose: no consent for that purpose.
			assert_eq!(
				e(HOSPITAL, LabResults, Research, false),
				Err(Error::<Test>::NoConsent.into())
			);
			// A staff account or a stranger never holds a consent itself.
			assert_eq!(
				e(DOCTOR, LabResults, Treatment, false),
				Err(Error::<Test>::NoConsent.into())
			);
			assert_eq!(
				e(OUTSIDER, LabResults, Treatment, false),
				Err(Error::<Test>::NoConsent.into())
			);
			assert_eq!(
				e(HOSPITAL, Diagnoses, Treatment, false),
				Err(Error::<Test>::CategoryNotCovered.into())
			);
			assert_eq!(
				e(HOSPITAL, LabResults, Treatment, true),
				Err(Error::<Test>::WriteNotGranted.into())
			);
			let w = grant(ALICE, CLINIC, scope(&[Imaging], Access::WRITE), Treatment, None);
			assert_eq!(
				e(CLINIC, Imaging, Treatment, false),
				Err(Error::<Test>::ReadNotGranted.into())
			);
			assert_ok!(Consent::revoke_consent(signed(ALICE), w));
			assert_eq!(
				e(CLINIC, Imaging, Treatment, true),
				Err(Error::<Test>::ConsentRevoked.into())
			);
			grant(ALICE, INSTITUTE, read(&[Genomics]), Research, Some(START + 5));
			advance_time(5);
			assert_eq!(
				e(INSTITUTE, Genomics, Research, false),
				Err(Error::<Test>::ConsentExpired.into())
			);
		});
	}

	#[test]
	fn reports_the_most_specific_failure() {
		ExtBuilder::default().build_and_execute(|| {
			let diagnoses = grant(ALICE, HOSPITAL, read(&[Diagnoses]), Treatment, None);
			grant(ALICE, HOSPITAL, read(&[LabResults]), Treatment, None);
			assert_ok!(Consent::revoke_consent(signed(ALICE), diagnoses));
			// The revoked consent covered Diagnoses; the active one does not: "revoked" tells
			// more than "category not covered".
			assert_eq!(
				ensure_access(ALICE, HOSPITAL, Diagnoses, Treatment, false),
				Err(Error::<Test>::ConsentRevoked.into())
			);
			// Any consent that grants the access wins over failing ones.
			let again = grant(ALICE, HOSPITAL, read(&[Diagnoses]), Treatment, None);
			assert_eq!(ensure_access(ALICE, HOSPITAL, Diagnoses, Treatment, false), Ok(again));
		});
	}

	#[test]
	fn expiry_is_exclusive() {
		ExtBuilder::default().build_and_execute(|| {
			alice_to_hospital_until(START + 100);
			advance_time(99);
			assert!(has_access(ALICE, HOSPITAL, LabResults, Treatment, false));
			advance_time(1);
			assert!(!has_access(ALICE, HOSPITAL, LabResults, Treatment, false));
		});
	}

	fn alice_to_hospital_until(expiry: Moment) -> ConsentId {
		grant(ALICE, HOSPITAL, read(&[LabResults]), Treatment, Some(expiry))
	}

	#[test]
	fn suspension_cuts_access_and_reinstatement_restores_it() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			let clinic = grant(ALICE, CLINIC, read(&[LabResults]), Treatment, None);
			let stored = consent(id);
			suspend(HOSPITAL);
			assert!(!has_access(ALICE, HOSPITAL, LabResults, Treatment, false));
			assert_eq!(
				ensure_access(ALICE, HOSPITAL, LabResults, Treatment, false),
				Err(ConsortiumError::<Test>::OrganizationSuspended.into())
			);
			// Other grantees are not affected, and no consent was touched.
			assert_eq!(ensure_access(ALICE, CLINIC, LabResults, Treatment, false), Ok(clinic));
			assert_eq!(consent(id), stored);
			reinstate(HOSPITAL);
			assert_eq!(ensure_access(ALICE, HOSPITAL, LabResults, Treatment, false), Ok(id));
		});
	}

	#[test]
	fn deregistration_cuts_access() {
		ExtBuilder::default().build_and_execute(|| {
			alice_to_hospital();
			MockPatients::deregister(ALICE);
			assert_eq!(
				ensure_access(ALICE, HOSPITAL, LabResults, Treatment, false),
				Err(Error::<Test>::PatientDeregistered.into())
			);
		});
	}
}

mod queries {
	use super::*;

	#[test]
	fn consents_of_and_access_log() {
		ExtBuilder::default().build_and_execute(|| {
			assert!(Consent::consents_of(&ALICE).is_empty());
			assert!(Consent::access_log(&ALICE).is_empty());
			let a = alice_to_hospital();
			let b = grant(ALICE, INSTITUTE, read(&[Genomics]), Research, Some(START + 9));
			assert_ok!(Consent::revoke_consent(signed(ALICE), a));
			assert_eq!(Consent::consents_of(&ALICE), vec![(a, consent(a)), (b, consent(b))]);
			assert_ok!(Consent::log_access(signed(RESEARCHER), ALICE, b, record(5), Genomics));
			assert_eq!(Consent::access_log(&ALICE), AccessLog::<Test>::get(ALICE).into_inner());
			assert_eq!(Consent::access_log(&ALICE).len(), 1);
		});
	}

	#[test]
	fn was_permitted_follows_grant_revocation_and_expiry() {
		ExtBuilder::default().build_and_execute(|| {
			let t0 = START;
			let id = alice_to_hospital();
			advance_time(1_000);
			let t1 = START + 1_000;
			assert_ok!(Consent::revoke_consent(signed(ALICE), id));
			let p = |at| Consent::was_permitted(&ALICE, &HOSPITAL, LabResults, Treatment, at);
			assert!(!p(t0 - 1));
			assert!(p(t0));
			assert!(p(t1 - 1));
			assert!(!p(t1));
			assert!(!p(t1 + 1_000_000));
			// Only what the consent covered.
			assert!(!Consent::was_permitted(&ALICE, &HOSPITAL, Diagnoses, Treatment, t0));
			assert!(!Consent::was_permitted(&ALICE, &HOSPITAL, LabResults, Research, t0));
			assert!(!Consent::was_permitted(&ALICE, &CLINIC, LabResults, Treatment, t0));
			assert!(!Consent::was_permitted(&BOB, &HOSPITAL, LabResults, Treatment, t0));

			let e = grant(BOB, CLINIC, read(&[Imaging]), Treatment, Some(t1 + 50));
			let q = |at| Consent::was_permitted(&BOB, &CLINIC, Imaging, Treatment, at);
			assert!(q(t1) && q(t1 + 49) && !q(t1 + 50));
			assert!(consent(e).expires_at.is_some());
			// A write-only consent never permitted a read.
			grant(BOB, HOSPITAL, scope(&[Imaging], Access::WRITE), Treatment, None);
			assert!(!Consent::was_permitted(&BOB, &HOSPITAL, Imaging, Treatment, t1));
		});
	}

	#[test]
	fn was_permitted_cannot_see_suspension_or_pruned_consents() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			suspend(HOSPITAL);
			// Documented limit: the consortium keeps no suspension history.
			assert!(Consent::was_permitted(&ALICE, &HOSPITAL, LabResults, Treatment, START));
			assert!(!has_access(ALICE, HOSPITAL, LabResults, Treatment, false));
			reinstate(HOSPITAL);
			// Documented limit: a pruned consent leaves no trace in storage (its events stay).
			advance_time(10);
			assert_ok!(Consent::revoke_consent(signed(ALICE), id));
			for _ in 0..MAX_CONSENTS {
				grant(ALICE, CLINIC, read(&[Imaging]), Treatment, None);
			}
			assert!(Consents::<Test>::get(id).is_none());
			assert!(!Consent::was_permitted(&ALICE, &HOSPITAL, LabResults, Treatment, START));
		});
	}
}

mod fees {
	use super::*;

	fn grant_call(grantee: AccountId) -> RuntimeCall {
		RuntimeCall::Consent(crate::Call::grant_consent {
			grantee,
			scope: read(&[LabResults]),
			purpose: Treatment,
			expires_at: None,
		})
	}

	fn revoke_call(consent_id: ConsentId) -> RuntimeCall {
		RuntimeCall::Consent(crate::Call::revoke_consent { consent_id })
	}

	#[test]
	fn grant_is_feeless_for_a_patient_with_quota() {
		ExtBuilder::default().build_and_execute(|| {
			assert!(grant_call(HOSPITAL).is_feeless(&signed(ALICE)));
			// No quota left: the patient pays.
			assert!(!grant_call(HOSPITAL).is_feeless(&signed(POOR)));
			// Not a patient, or deregistered, or not signed.
			assert!(!grant_call(HOSPITAL).is_feeless(&signed(NOBODY)));
			assert!(!grant_call(HOSPITAL).is_feeless(&signed(ERASED)));
			assert!(!grant_call(HOSPITAL).is_feeless(&RuntimeOrigin::none()));
			assert!(!grant_call(HOSPITAL).is_feeless(&RuntimeOrigin::root()));
		});
	}

	#[test]
	fn a_call_that_would_fail_is_never_feeless() {
		ExtBuilder::default().build_and_execute(|| {
			assert!(!grant_call(OUTSIDER).is_feeless(&signed(ALICE)));
			for _ in 0..MAX_CONSENTS {
				alice_to_hospital();
			}
			assert!(!grant_call(HOSPITAL).is_feeless(&signed(ALICE)));
			assert!(!revoke_call(0).is_feeless(&signed(BOB)));
			assert!(!revoke_call(99).is_feeless(&signed(ALICE)));
			assert_ok!(Consent::revoke_consent(signed(ALICE), 0));
			assert!(!revoke_call(0).is_feeless(&signed(ALICE)));
		});
	}

	#[test]
	fn revoke_is_feeless_for_the_owner_with_quota() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			assert!(revoke_call(id).is_feeless(&signed(ALICE)));
			let poor = grant(POOR, HOSPITAL, read(&[LabResults]), Treatment, None);
			assert!(!revoke_call(poor).is_feeless(&signed(POOR)));
		});
	}

	#[test]
	fn each_feeless_call_uses_quota_until_none_is_left() {
		const CAROL: AccountId = 6;
		ExtBuilder::default().with_patient(CAROL, 2).build_and_execute(|| {
			assert!(grant_call(HOSPITAL).is_feeless(&signed(CAROL)));
			let id = grant(CAROL, HOSPITAL, read(&[LabResults]), Treatment, None);
			assert_eq!(MockPatients::free_calls(CAROL), 1);
			assert!(revoke_call(id).is_feeless(&signed(CAROL)));
			assert_ok!(Consent::revoke_consent(signed(CAROL), id));
			assert_eq!(MockPatients::free_calls(CAROL), 0);
			// Rate limit reached: the next call pays, and counts nothing.
			assert!(!grant_call(HOSPITAL).is_feeless(&signed(CAROL)));
			grant(CAROL, HOSPITAL, read(&[LabResults]), Treatment, None);
			assert_eq!(MockPatients::free_calls(CAROL), 0);
		});
	}

	#[test]
	fn provider_calls_are_never_feeless() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			let break_glass =
				RuntimeCall::Consent(crate::Call::break_glass { patient: ALICE, reason_code: 1 });
			assert!(!break_glass.is_feeless(&signed(DOCTOR)));
			let log = RuntimeCall::Consent(crate::Call::log_access {
				patient: ALICE,
				consent_id: id,
				record_id: record(1),
				category: LabResults,
			});
			assert!(!log.is_feeless(&signed(DOCTOR)));
		});
	}
}

mod invariants {
	use super::*;

	#[test]
	fn try_state_detects_a_dangling_id() {
		ExtBuilder::default().build().execute_with(|| {
			alice_to_hospital();
			Consents::<Test>::remove(0);
			assert!(Consent::do_try_state().is_err());
		});
	}

	#[test]
	fn try_state_detects_an_orphan_consent() {
		ExtBuilder::default().build().execute_with(|| {
			alice_to_hospital();
			ConsentsOf::<Test>::remove(ALICE);
			assert!(Consent::do_try_state().is_err());
		});
	}

	#[test]
	fn try_state_detects_a_stale_counter() {
		ExtBuilder::default().build().execute_with(|| {
			alice_to_hospital();
			NextConsentId::<Test>::put(0);
			assert!(Consent::do_try_state().is_err());
		});
	}

	#[test]
	fn try_state_detects_a_consent_listed_for_another_patient() {
		ExtBuilder::default().build().execute_with(|| {
			alice_to_hospital();
			let ids: BoundedVec<ConsentId, _> = vec![0].try_into().unwrap();
			ConsentsOf::<Test>::insert(BOB, ids);
			assert!(Consent::do_try_state().is_err());
		});
	}
}
