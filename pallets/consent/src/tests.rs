//! Unit tests of the consent pallet: every call, every error, every event, the access checks
//! other pallets use, the runtime-API queries and the fee-less wiring.

use crate::{
	mock::*, Access, AccessEntry, AccessLogs, BreakGlassUses, BreakGlassWindowUses,
	Consent as ConsentRecord, ConsentKind, Consents, ConsentsOf, EmergencyConsents,
	EmergencyIncident, EmergencyIncidents, EmergencyReads, Error, Event, Grant, GrantsTo,
	NextConsentId, Scope, WindowUsage,
};
use frame_support::{assert_noop, assert_ok, dispatch::CheckIfFeeless, traits::Hooks, BoundedVec};
use medchain_primitives::{Categories, ConsentChecker, ConsentId, Moment, Purpose, RecordCategory};
use pallet_consortium::{Error as ConsortiumError, Role, Roles};
use sp_core::H256;
use sp_runtime::traits::BadOrigin;

use Purpose::{Insurance, PublicHealth, Research, Treatment};
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

/// Anchor record `n` of `patient` in `category` in the mock record registry; returns its id.
fn anchored(n: u8, patient: AccountId, category: RecordCategory) -> H256 {
	MockRecords::anchor(record(n), patient, category);
	record(n)
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
		assert!(c.is_prunable_at(200, 0) && !unrevoked.is_prunable_at(299, 0));
		assert!(unrevoked.is_live_at(299) && !c.is_live_at(200));
		// Ended at the earlier of revocation and expiry; prunable `retention` later.
		assert_eq!(c.ended_at(199), None);
		assert_eq!(c.ended_at(250), Some(200));
		assert_eq!(ConsentRecord { revoked_at: Some(400), ..c.clone() }.ended_at(500), Some(300));
		assert_eq!(unrevoked.ended_at(300), Some(300));
		assert!(!c.is_prunable_at(249, 50) && c.is_prunable_at(250, 50));
		assert!(!unrevoked.is_prunable_at(349, 50) && unrevoked.is_prunable_at(350, 50));
		let open_ended = ConsentRecord { expires_at: None, revoked_at: None, ..c.clone() };
		assert_eq!(open_ended.ended_at(Moment::MAX), None);
		assert!(!open_ended.is_prunable_at(Moment::MAX, 0));
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
				// An Insurance consent is granted and checked, but it never opens an
				// identified document (docs/DESIGN.md, "What each purpose may read").
				let r = anchored(9, ALICE, Diagnoses);
				assert_noop!(
					Consent::log_access(signed(CLAIMS_OFFICER), ALICE, id, r, Diagnoses),
					Error::<Test>::PurposeNotPermitted
				);
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
				Error::<Test>::DeregisteredPatient
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
					ConsortiumError::<Test>::UnknownOrganization
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
				ConsortiumError::<Test>::SuspendedOrganization
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
				Error::<Test>::InvalidCategories
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
				Error::<Test>::EmptyAccess
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
	fn keeps_recently_ended_consents_for_audits() {
		ExtBuilder::default().build_and_execute(|| {
			let expiring = grant(ALICE, INSTITUTE, read(&[Genomics]), Research, Some(START + 10));
			let revoked = grant(ALICE, CLINIC, read(&[Imaging]), Treatment, None);
			alice_to_hospital();
			alice_to_hospital();
			advance_time(100);
			assert_ok!(Consent::revoke_consent(signed(ALICE), revoked));
			// `expiring` ended at START + 10, `revoked` at START + 100: neither long enough ago.
			advance_time(AUDIT_RETENTION - 100 + 10 - 1);
			assert_noop!(
				Consent::grant_consent(signed(ALICE), CLINIC, read(&[Diagnoses]), Treatment, None),
				Error::<Test>::TooManyConsents
			);
			// Audits still see both.
			assert!(Consent::was_permitted(&ALICE, &INSTITUTE, Genomics, Research, START + 9));
			assert!(Consent::was_permitted(&ALICE, &CLINIC, Imaging, Treatment, START + 99));
			// One millisecond later `expiring` ended `AUDIT_RETENTION` ago and makes room.
			advance_time(1);
			grant(ALICE, CLINIC, read(&[Diagnoses]), Treatment, None);
			assert!(Consents::<Test>::get(expiring).is_none());
			assert!(Consents::<Test>::get(revoked).is_some());
			assert_noop!(
				Consent::grant_consent(signed(ALICE), CLINIC, read(&[Diagnoses]), Treatment, None),
				Error::<Test>::TooManyConsents
			);
			advance_time(90);
			grant(ALICE, CLINIC, read(&[Diagnoses]), Treatment, None);
			assert!(Consents::<Test>::get(revoked).is_none());
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
			advance_time(AUDIT_RETENTION + 10);
			// Both ended `AUDIT_RETENTION` ago; `expiring` is older than `revoked`: it goes
			// first.
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
			assert_noop!(Consent::revoke_consent(signed(ALICE), 42), Error::<Test>::UnknownConsent);
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

	/// Break the glass and return the emergency consent's id.
	fn break_glass(staff: AccountId, patient: AccountId, reason_code: u16) -> ConsentId {
		assert_ok!(Consent::break_glass(signed(staff), patient, reason_code));
		match consent_events().last() {
			Some(Event::EmergencyAccessGranted { consent_id, .. }) => *consent_id,
			other => panic!("expected EmergencyAccessGranted, got {other:?}"),
		}
	}

	fn emergency_ids(patient: AccountId, org: AccountId) -> Vec<ConsentId> {
		EmergencyConsents::<Test>::get(patient, org).into_inner()
	}

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
			// Kept apart from the patient's own list.
			assert!(ConsentsOf::<Test>::get(ALICE).is_empty());
			assert_eq!(emergency_ids(ALICE, HOSPITAL), vec![0]);
			assert_eq!(BreakGlassUses::<Test>::get(HOSPITAL), 1);
			assert_eq!(Consent::emergency_uses(&HOSPITAL), (1, 1));
			System::assert_last_event(
				Event::EmergencyAccessGranted {
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
				assert!(Consent::was_permitted(&ALICE, &HOSPITAL, category, Treatment, START));
			}
			assert!(!has_access(ALICE, CLINIC, Diagnoses, Treatment, false));
			assert_eq!(Consent::consents_of(&ALICE), vec![(0, consent(0))]);
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
			assert_eq!(Consent::emergency_uses(&HOSPITAL), (2, 2));
			assert_eq!(Consent::emergency_uses(&INSTITUTE), (0, 0));
		});
	}

	#[test]
	fn renews_the_live_emergency_consent_in_place() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(break_glass(DOCTOR, ALICE, 3), 0);
			advance_time(60_000);
			// The admin breaks the glass again for the same patient: same consent, renewed.
			assert_ok!(Consent::break_glass(signed(HOSPITAL), ALICE, 8));
			let expires_at = START + 60_000 + BREAK_GLASS_DURATION;
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
					kind: ConsentKind::BreakGlass { staff: HOSPITAL, reason_code: 8 },
				}
			);
			System::assert_last_event(
				Event::EmergencyAccessGranted {
					patient: ALICE,
					organization: HOSPITAL,
					staff: HOSPITAL,
					consent_id: 0,
					reason_code: 8,
					expires_at,
				}
				.into(),
			);
			assert_eq!(emergency_ids(ALICE, HOSPITAL), vec![0]);
			assert_eq!(NextConsentId::<Test>::get(), 1);
			// A renewal is a lifetime use, not counted against the window's limits.
			assert_eq!(Consent::emergency_uses(&HOSPITAL), (2, 1));
			assert_eq!(Consent::staff_emergency_uses(&HOSPITAL), 0);
			// The renewal extends access: still there after the first expiry.
			advance_time(BREAK_GLASS_DURATION - 1);
			assert_eq!(ensure_access(ALICE, HOSPITAL, Imaging, Treatment, false), Ok(0));
			advance_time(60_000);
			assert_eq!(
				ensure_access(ALICE, HOSPITAL, Imaging, Treatment, false),
				Err(Error::<Test>::ExpiredConsent.into())
			);
		});
	}

	#[test]
	fn a_renewal_needs_no_new_id() {
		ExtBuilder::default().build_and_execute(|| {
			break_glass(DOCTOR, ALICE, 1);
			NextConsentId::<Test>::put(ConsentId::MAX);
			assert_ok!(Consent::break_glass(signed(DOCTOR), ALICE, 2));
			assert_noop!(
				Consent::break_glass(signed(NURSE), ALICE, 1),
				Error::<Test>::ConsentIdOverflow
			);
			NextConsentId::<Test>::put(1);
		});
	}

	#[test]
	fn creates_a_new_consent_once_the_previous_one_ended() {
		ExtBuilder::default().build_and_execute(|| {
			// Expired: a new consent; the old one stays for audits.
			let first = break_glass(DOCTOR, ALICE, 1);
			advance_time(BREAK_GLASS_DURATION);
			let second = break_glass(DOCTOR, ALICE, 2);
			assert_ne!(first, second);
			assert_eq!(emergency_ids(ALICE, HOSPITAL), vec![first, second]);
			assert_eq!(consent(first).expires_at, Some(START + BREAK_GLASS_DURATION));
			assert_eq!(consent(second).granted_at, START + BREAK_GLASS_DURATION);
			// Revoked by the patient: a new consent too.
			advance_time(1_000);
			assert_ok!(Consent::revoke_consent(signed(ALICE), second));
			assert!(!has_access(ALICE, HOSPITAL, Diagnoses, Treatment, false));
			// (By the admin: the doctor took its two new consents of this window.)
			let third = break_glass(HOSPITAL, ALICE, 3);
			assert_eq!(emergency_ids(ALICE, HOSPITAL), vec![first, second, third]);
			assert_eq!(ensure_access(ALICE, HOSPITAL, Diagnoses, Treatment, false), Ok(third));
			// Audits see each period.
			let p = |at| Consent::was_permitted(&ALICE, &HOSPITAL, Diagnoses, Treatment, at);
			assert!(p(START) && p(START + BREAK_GLASS_DURATION + 999));
			assert!(!p(START - 1));
			assert_eq!(
				Consent::consents_of(&ALICE),
				vec![(first, consent(first)), (second, consent(second)), (third, consent(third))]
			);
		});
	}

	#[test]
	fn repeated_use_cannot_lock_the_patients_list_or_block_other_providers() {
		ExtBuilder::default().build_and_execute(|| {
			// The review's H2 attack: one staff key breaks the glass again and again.
			let old = alice_to_hospital();
			assert_ok!(Consent::revoke_consent(signed(ALICE), old));
			for _ in 0..MAX_EMERGENCY_PER_WINDOW {
				assert_ok!(Consent::break_glass(signed(DOCTOR), ALICE, 1));
			}
			assert_eq!(emergency_ids(ALICE, HOSPITAL).len(), 1);
			assert_eq!(ConsentsOf::<Test>::get(ALICE).into_inner(), vec![old]);
			// Nothing was pruned: the revoked consent is still there for audits.
			assert!(!consent_events().iter().any(|e| matches!(e, Event::ConsentPruned { .. })));
			assert!(Consent::was_permitted(&ALICE, &HOSPITAL, LabResults, Treatment, START));
			// The patient still fills her own list ...
			for _ in 1..MAX_CONSENTS {
				grant(ALICE, CLINIC, read(&[Imaging]), Treatment, None);
			}
			assert_eq!(ConsentsOf::<Test>::get(ALICE).len() as u32, MAX_CONSENTS);
			// ... and another Provider still breaks the glass, with her list full.
			let clinic = break_glass(NURSE, ALICE, 5);
			assert_eq!(emergency_ids(ALICE, CLINIC), vec![clinic]);
			assert_eq!(ensure_access(ALICE, CLINIC, MentalHealth, Treatment, false), Ok(clinic));
		});
	}

	/// One more registered patient, for tests that need more than the default ones.
	const CAROL: AccountId = 6;

	#[test]
	fn fails_above_the_organizations_limit_until_the_next_window() {
		ExtBuilder::default().build_and_execute(|| {
			MockPatients::register(CAROL, FREE_CALLS);
			// Two staff keys (the doctor and the admin) share the hospital's limit.
			break_glass(DOCTOR, ALICE, 1);
			break_glass(DOCTOR, BOB, 1);
			break_glass(HOSPITAL, POOR, 1);
			assert_eq!(Consent::emergency_uses(&HOSPITAL), (3, MAX_EMERGENCY_PER_WINDOW));
			assert_noop!(
				Consent::break_glass(signed(HOSPITAL), CAROL, 1),
				Error::<Test>::EmergencyAccessLimitReached
			);
			// Renewals still work at the limit: they open no other patient.
			break_glass(DOCTOR, ALICE, 2);
			assert_eq!(Consent::emergency_uses(&HOSPITAL), (4, MAX_EMERGENCY_PER_WINDOW));
			// Other organizations have their own limit.
			break_glass(NURSE, CAROL, 1);
			// Still the same window one block before its end.
			System::set_block_number(EMERGENCY_WINDOW - 1);
			assert_noop!(
				Consent::break_glass(signed(HOSPITAL), CAROL, 1),
				Error::<Test>::EmergencyAccessLimitReached
			);
			next_emergency_window(1_000);
			assert_eq!(Consent::emergency_uses(&HOSPITAL), (4, 0));
			break_glass(HOSPITAL, CAROL, 1);
			assert_eq!(Consent::emergency_uses(&HOSPITAL), (5, 1));
			assert_eq!(
				BreakGlassWindowUses::<Test>::get(HOSPITAL),
				Some(WindowUsage { window: 1, used: 1 })
			);
		});
	}

	#[test]
	fn one_staff_key_cannot_use_up_its_organizations_limit() {
		ExtBuilder::default().build_and_execute(|| {
			// The review's N5: one key (rogue, stolen or looping) breaks the glass for patient
			// after patient; it stops at its own limit, the hospital's other staff go on.
			break_glass(DOCTOR, ALICE, 1);
			break_glass(DOCTOR, BOB, 1);
			assert_eq!(Consent::staff_emergency_uses(&DOCTOR), MAX_EMERGENCY_PER_STAFF);
			assert_noop!(
				Consent::break_glass(signed(DOCTOR), POOR, 1),
				Error::<Test>::StaffEmergencyLimitReached
			);
			break_glass(HOSPITAL, POOR, 1);
			assert_eq!(Consent::staff_emergency_uses(&HOSPITAL), 1);
			assert_eq!(Consent::emergency_uses(&HOSPITAL), (3, 3));
			// The key may again in the next window.
			next_emergency_window(1_000);
			assert_eq!(Consent::staff_emergency_uses(&DOCTOR), 0);
			advance_time(BREAK_GLASS_DURATION);
			break_glass(DOCTOR, POOR, 1);
		});
	}

	#[test]
	fn renewals_count_against_no_window_limit() {
		ExtBuilder::default().build_and_execute(|| {
			for _ in 0..4 * MAX_EMERGENCY_PER_WINDOW {
				break_glass(DOCTOR, ALICE, 1);
			}
			assert_eq!(emergency_ids(ALICE, HOSPITAL).len(), 1);
			assert_eq!(Consent::emergency_uses(&HOSPITAL), (4 * MAX_EMERGENCY_PER_WINDOW, 1));
			assert_eq!(Consent::staff_emergency_uses(&DOCTOR), 1);
			// The key's second new consent is still allowed.
			break_glass(DOCTOR, BOB, 1);
		});
	}

	#[test]
	fn an_incident_lifts_the_staff_limit_but_not_the_organizations() {
		ExtBuilder::default().build_and_execute(|| {
			MockPatients::register(CAROL, FREE_CALLS);
			break_glass(DOCTOR, ALICE, 1);
			break_glass(DOCTOR, BOB, 1);
			assert_noop!(
				Consent::break_glass(signed(DOCTOR), POOR, 1),
				Error::<Test>::StaffEmergencyLimitReached
			);
			// The admin declares an incident for this window and the next.
			assert_ok!(Consent::declare_emergency_incident(signed(HOSPITAL), 42, 2));
			System::assert_last_event(
				Event::EmergencyIncidentDeclared {
					organization: HOSPITAL,
					incident_code: 42,
					until_window: 1,
				}
				.into(),
			);
			assert_eq!(
				Consent::incident_in_force(&HOSPITAL),
				Some(EmergencyIncident { code: 42, until_window: 1 })
			);
			break_glass(DOCTOR, POOR, 1);
			assert_eq!(Consent::staff_emergency_uses(&DOCTOR), 3);
			// The hospital's limit still holds.
			assert_noop!(
				Consent::break_glass(signed(DOCTOR), CAROL, 1),
				Error::<Test>::EmergencyAccessLimitReached
			);
			// The next window is covered too.
			next_emergency_window(BREAK_GLASS_DURATION);
			for patient in [ALICE, BOB, POOR] {
				break_glass(DOCTOR, patient, 1);
			}
			assert_eq!(Consent::staff_emergency_uses(&DOCTOR), 3);
			// The one after is not: the staff limit is back.
			next_emergency_window(BREAK_GLASS_DURATION);
			assert_eq!(Consent::incident_in_force(&HOSPITAL), None);
			break_glass(DOCTOR, ALICE, 1);
			break_glass(DOCTOR, BOB, 1);
			assert_noop!(
				Consent::break_glass(signed(DOCTOR), POOR, 1),
				Error::<Test>::StaffEmergencyLimitReached
			);
			// Other organizations never had it lifted.
			break_glass(NURSE, ALICE, 1);
			break_glass(NURSE, BOB, 1);
			assert_noop!(
				Consent::break_glass(signed(NURSE), POOR, 1),
				Error::<Test>::StaffEmergencyLimitReached
			);
		});
	}

	#[test]
	fn the_admin_ends_an_incident_early() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(Consent::declare_emergency_incident(
				signed(HOSPITAL),
				7,
				MAX_INCIDENT_WINDOWS
			));
			assert_eq!(
				EmergencyIncidents::<Test>::get(HOSPITAL),
				Some(EmergencyIncident {
					code: 7,
					until_window: u64::from(MAX_INCIDENT_WINDOWS) - 1
				})
			);
			assert_ok!(Consent::declare_emergency_incident(signed(HOSPITAL), 7, 0));
			System::assert_last_event(
				Event::EmergencyIncidentEnded { organization: HOSPITAL }.into(),
			);
			assert_eq!(EmergencyIncidents::<Test>::get(HOSPITAL), None);
			break_glass(DOCTOR, ALICE, 1);
			break_glass(DOCTOR, BOB, 1);
			assert_noop!(
				Consent::break_glass(signed(DOCTOR), POOR, 1),
				Error::<Test>::StaffEmergencyLimitReached
			);
			assert_noop!(
				Consent::declare_emergency_incident(signed(HOSPITAL), 7, 0),
				Error::<Test>::NoEmergencyIncident
			);
		});
	}

	#[test]
	fn only_an_active_providers_admin_declares_an_incident() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Consent::declare_emergency_incident(RuntimeOrigin::none(), 1, 1),
				BadOrigin
			);
			assert_noop!(
				Consent::declare_emergency_incident(signed(DOCTOR), 1, 1),
				ConsortiumError::<Test>::UnknownOrganization
			);
			assert_noop!(
				Consent::declare_emergency_incident(signed(INSTITUTE), 1, 1),
				ConsortiumError::<Test>::MissingRole
			);
			assert_noop!(
				Consent::declare_emergency_incident(signed(OUTSIDER), 1, 1),
				ConsortiumError::<Test>::NotAMember
			);
			assert_noop!(
				Consent::declare_emergency_incident(signed(HOSPITAL), 1, MAX_INCIDENT_WINDOWS + 1),
				Error::<Test>::IncidentTooLong
			);
			suspend(CLINIC);
			assert_noop!(
				Consent::declare_emergency_incident(signed(CLINIC), 1, 1),
				ConsortiumError::<Test>::SuspendedOrganization
			);
		});
	}

	#[test]
	fn emergency_reads_are_counted_for_regulators() {
		ExtBuilder::default().build_and_execute(|| {
			let (r1, r2) = (anchored(1, ALICE, Diagnoses), anchored(2, ALICE, Imaging));
			let emergency = break_glass(DOCTOR, ALICE, 1);
			assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, emergency, r1, Diagnoses));
			assert_ok!(Consent::log_accesses(
				signed(DOCTOR),
				ALICE,
				emergency,
				vec![(r1, Diagnoses), (r2, Imaging)].try_into().expect("within MAX_READS")
			));
			assert_eq!(EmergencyReads::<Test>::get(HOSPITAL), 3);
			// The patient sees each as an emergency read.
			assert!(consent_events().iter().any(|e| matches!(
				e,
				Event::AccessLogged { patient: ALICE, emergency: true, record_id, .. } if *record_id == r2
			)));
			// Reads under a patient's own consent are not emergency reads.
			let standard = grant(ALICE, CLINIC, read(&[Diagnoses]), Treatment, None);
			assert_ok!(Consent::log_access(signed(NURSE), ALICE, standard, r1, Diagnoses));
			assert_eq!(EmergencyReads::<Test>::get(CLINIC), 0);
			assert_eq!(EmergencyReads::<Test>::get(HOSPITAL), 3);
		});
	}

	#[test]
	fn expiry_alone_never_fills_the_history() {
		ExtBuilder::default().build_and_execute(|| {
			// A new emergency every day, each after the previous one expired: the oldest is
			// pruned once it ended `AUDIT_RETENTION` ago, just when the history is full.
			let mut ids = vec![];
			for _ in 0..MAX_EMERGENCY_KEPT + 2 {
				ids.push(break_glass(DOCTOR, ALICE, 1));
				next_emergency_window(BREAK_GLASS_DURATION);
			}
			assert_eq!(
				emergency_ids(ALICE, HOSPITAL),
				ids[2..].to_vec(),
				"the two oldest were pruned"
			);
			assert!(Consents::<Test>::get(ids[0]).is_none());
			assert!(consent_events()
				.contains(&Event::ConsentPruned { patient: ALICE, consent_id: ids[1] }));
		});
	}

	#[test]
	fn fails_when_the_patient_revoked_it_too_often() {
		ExtBuilder::default().build_and_execute(|| {
			let mut first = None;
			for _ in 0..MAX_EMERGENCY_KEPT {
				let id = break_glass(DOCTOR, ALICE, 1);
				first.get_or_insert(id);
				assert_ok!(Consent::revoke_consent(signed(ALICE), id));
				next_emergency_window(1_000);
			}
			assert_noop!(
				Consent::break_glass(signed(DOCTOR), ALICE, 1),
				Error::<Test>::TooManyEmergencyConsents
			);
			// Only this organization, only for this patient.
			break_glass(NURSE, ALICE, 1);
			break_glass(DOCTOR, BOB, 1);
			// Once the oldest ended `AUDIT_RETENTION` ago, it makes room.
			let first = first.expect("one consent at least");
			let ended = consent(first).revoked_at.expect("revoked");
			next_emergency_window(ended + AUDIT_RETENTION - Consent::now() - 1);
			assert_noop!(
				Consent::break_glass(signed(DOCTOR), ALICE, 1),
				Error::<Test>::TooManyEmergencyConsents
			);
			advance_time(1);
			let new = break_glass(DOCTOR, ALICE, 1);
			assert!(Consents::<Test>::get(first).is_none());
			let events = consent_events();
			assert_eq!(
				events[events.len() - 2],
				Event::ConsentPruned { patient: ALICE, consent_id: first }
			);
			assert_eq!(emergency_ids(ALICE, HOSPITAL).last(), Some(&new));
			assert_eq!(emergency_ids(ALICE, HOSPITAL).len() as u32, MAX_EMERGENCY_KEPT);
		});
	}

	#[test]
	fn expires_after_the_duration() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(Consent::break_glass(signed(DOCTOR), ALICE, 1));
			let (r1, r2) = (anchored(1, ALICE, Diagnoses), anchored(2, ALICE, Diagnoses));
			advance_time(BREAK_GLASS_DURATION - 1);
			assert!(has_access(ALICE, HOSPITAL, Diagnoses, Treatment, false));
			assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, 0, r1, Diagnoses));
			advance_time(1);
			assert!(!has_access(ALICE, HOSPITAL, Diagnoses, Treatment, false));
			assert_eq!(
				ensure_access(ALICE, HOSPITAL, Diagnoses, Treatment, false),
				Err(Error::<Test>::ExpiredConsent.into())
			);
			assert_noop!(
				Consent::log_access(signed(DOCTOR), ALICE, 0, r2, Diagnoses),
				Error::<Test>::ExpiredConsent
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
					ConsortiumError::<Test>::SuspendedOrganization
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
				Error::<Test>::DeregisteredPatient
			);
		});
	}

	#[test]
	fn works_when_every_consent_of_the_patient_is_active() {
		ExtBuilder::default().build_and_execute(|| {
			for _ in 0..MAX_CONSENTS {
				alice_to_hospital();
			}
			let id = break_glass(NURSE, ALICE, 1);
			assert_eq!(emergency_ids(ALICE, CLINIC), vec![id]);
			assert_eq!(ConsentsOf::<Test>::get(ALICE).len() as u32, MAX_CONSENTS);
		});
	}

	#[test]
	fn never_prunes_the_patients_list() {
		ExtBuilder::default().build_and_execute(|| {
			for _ in 0..MAX_CONSENTS {
				alice_to_hospital();
			}
			assert_ok!(Consent::revoke_consent(signed(ALICE), 2));
			advance_time(AUDIT_RETENTION);
			let id = break_glass(NURSE, ALICE, 9);
			assert_eq!(id, 4);
			assert!(Consents::<Test>::get(2).is_some());
			assert_eq!(ConsentsOf::<Test>::get(ALICE).into_inner(), vec![0, 1, 2, 3]);
			assert!(!consent_events().iter().any(|e| matches!(e, Event::ConsentPruned { .. })));
		});
	}
}

mod log_access {
	use super::*;

	#[test]
	fn works_for_staff_and_admin() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			let (r1, r2) = (anchored(1, ALICE, LabResults), anchored(2, ALICE, LabResults));
			advance_time(60_000);
			assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, r1, LabResults));
			System::assert_last_event(
				Event::AccessLogged {
					patient: ALICE,
					consent_id: id,
					organization: HOSPITAL,
					accessor: DOCTOR,
					record_id: r1,
					category: LabResults,
					purpose: Treatment,
					emergency: false,
				}
				.into(),
			);
			assert_ok!(Consent::log_access(signed(HOSPITAL), ALICE, id, r2, LabResults));
			let expected = vec![
				AccessEntry {
					consent_id: id,
					organization: HOSPITAL,
					accessor: DOCTOR,
					record_id: r1,
					category: LabResults,
					at: START + 60_000,
					purpose: Treatment,
					emergency: false,
				},
				AccessEntry {
					consent_id: id,
					organization: HOSPITAL,
					accessor: HOSPITAL,
					record_id: r2,
					category: LabResults,
					at: START + 60_000,
					purpose: Treatment,
					emergency: false,
				},
			];
			assert_eq!(AccessLogs::<Test>::get(ALICE, HOSPITAL).into_inner(), expected);
			assert_eq!(Consent::access_log(&ALICE), expected);
			assert!(Consent::access_log(&BOB).is_empty());
		});
	}

	#[test]
	fn only_treatment_consents_open_identified_documents() {
		ExtBuilder::default().build_and_execute(|| {
			let r = anchored(1, ALICE, LabResults);
			// The clinic holds a consent for every purpose but Treatment; none logs a read.
			for purpose in [Research, Insurance, PublicHealth] {
				let id = grant(ALICE, CLINIC, read(&[LabResults]), purpose, None);
				assert_noop!(
					Consent::log_access(signed(NURSE), ALICE, id, r, LabResults),
					Error::<Test>::PurposeNotPermitted
				);
				let reads: BoundedVec<_, _> = vec![(r, LabResults)].try_into().unwrap();
				assert_noop!(
					Consent::log_accesses(signed(NURSE), ALICE, id, reads),
					Error::<Test>::PurposeNotPermitted
				);
			}
			assert!(AccessLogs::<Test>::get(ALICE, CLINIC).is_empty());
			// A Treatment consent does, and its entry and event say so.
			let id = grant(ALICE, CLINIC, read(&[LabResults]), Treatment, None);
			assert_ok!(Consent::log_access(signed(NURSE), ALICE, id, r, LabResults));
			let entry = AccessLogs::<Test>::get(ALICE, CLINIC)[0].clone();
			assert_eq!((entry.consent_id, entry.purpose, entry.emergency), (id, Treatment, false));
		});
	}

	#[test]
	fn a_break_glass_read_is_logged_as_an_emergency() {
		ExtBuilder::default().build_and_execute(|| {
			let r = anchored(1, BOB, Imaging);
			assert_ok!(Consent::break_glass(signed(DOCTOR), BOB, 7));
			let id = NextConsentId::<Test>::get() - 1;
			assert_ok!(Consent::log_access(signed(DOCTOR), BOB, id, r, Imaging));
			System::assert_last_event(
				Event::AccessLogged {
					patient: BOB,
					consent_id: id,
					organization: HOSPITAL,
					accessor: DOCTOR,
					record_id: r,
					category: Imaging,
					purpose: Treatment,
					emergency: true,
				}
				.into(),
			);
			let entry = AccessLogs::<Test>::get(BOB, HOSPITAL)[0].clone();
			assert_eq!((entry.purpose, entry.emergency), (Treatment, true));
		});
	}

	#[test]
	fn is_a_ring_buffer_dropping_the_organizations_oldest_entry() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			for n in 0..MAX_LOG as u8 + 2 {
				let r = anchored(n, ALICE, LabResults);
				assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults));
				advance_time(1);
			}
			let log = AccessLogs::<Test>::get(ALICE, HOSPITAL);
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
					purpose: Treatment,
					emergency: false,
				}
				.into(),
			);
		});
	}

	#[test]
	fn a_grantee_cannot_evict_another_grantees_entries() {
		ExtBuilder::default().build_and_execute(|| {
			let hospital = alice_to_hospital();
			let clinic = grant(ALICE, CLINIC, read(&[LabResults]), Treatment, None);
			let r = anchored(1, ALICE, LabResults);
			assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, hospital, r, LabResults));
			// The clinic logs more reads than a ring buffer holds ...
			for _ in 0..MAX_LOG + 2 {
				advance_time(1);
				assert_ok!(Consent::log_access(signed(NURSE), ALICE, clinic, r, LabResults));
			}
			// ... and only drops its own entries.
			let log = Consent::access_log(&ALICE);
			assert_eq!(log.len() as u32, 1 + MAX_LOG);
			assert_eq!((log[0].organization, log[0].at), (HOSPITAL, START));
			assert!(log[1..].iter().all(|e| e.organization == CLINIC));
			assert_eq!(AccessLogs::<Test>::get(ALICE, CLINIC)[0].at, START + 3);
		});
	}

	#[test]
	fn access_log_merges_organizations_oldest_first() {
		ExtBuilder::default().build_and_execute(|| {
			let hospital = alice_to_hospital();
			let clinic = grant(ALICE, CLINIC, read(&[LabResults]), Treatment, None);
			let r = anchored(1, ALICE, LabResults);
			let mut expected = vec![];
			for (n, (who, id, org)) in [
				(DOCTOR, hospital, HOSPITAL),
				(NURSE, clinic, CLINIC),
				(HOSPITAL, hospital, HOSPITAL),
			]
			.into_iter()
			.enumerate()
			{
				advance_time(10);
				assert_ok!(Consent::log_access(signed(who), ALICE, id, r, LabResults));
				expected.push((org, who, START + 10 * (n as Moment + 1)));
			}
			let got: Vec<_> = Consent::access_log(&ALICE)
				.iter()
				.map(|e| (e.organization, e.accessor, e.at))
				.collect();
			assert_eq!(got, expected);
		});
	}

	#[test]
	fn requires_signed_origin() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			let r = anchored(1, ALICE, LabResults);
			assert_noop!(
				Consent::log_access(RuntimeOrigin::none(), ALICE, id, r, LabResults),
				BadOrigin
			);
		});
	}

	#[test]
	fn fails_for_unknown_consent() {
		ExtBuilder::default().build_and_execute(|| {
			let r = anchored(1, ALICE, LabResults);
			assert_noop!(
				Consent::log_access(signed(DOCTOR), ALICE, 7, r, LabResults),
				Error::<Test>::UnknownConsent
			);
		});
	}

	#[test]
	fn fails_for_another_patients_consent() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			let r = anchored(1, BOB, LabResults);
			assert_noop!(
				Consent::log_access(signed(DOCTOR), BOB, id, r, LabResults),
				Error::<Test>::ConsentPatientMismatch
			);
		});
	}

	#[test]
	fn fails_for_anyone_but_the_grantee() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			let r = anchored(1, ALICE, LabResults);
			for who in [NURSE, CLINIC, RESEARCHER, OUTSIDER, ALICE] {
				assert_noop!(
					Consent::log_access(signed(who), ALICE, id, r, LabResults),
					Error::<Test>::NotGrantee
				);
			}
		});
	}

	#[test]
	fn fails_while_the_grantee_is_suspended() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			let r = anchored(1, ALICE, LabResults);
			let before = consent(id);
			suspend(HOSPITAL);
			for who in [DOCTOR, HOSPITAL] {
				assert_noop!(
					Consent::log_access(signed(who), ALICE, id, r, LabResults),
					ConsortiumError::<Test>::SuspendedOrganization
				);
			}
			reinstate(HOSPITAL);
			assert_eq!(consent(id), before);
			assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults));
		});
	}

	#[test]
	fn fails_for_deregistered_patient() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			let r = anchored(1, ALICE, LabResults);
			MockPatients::deregister(ALICE);
			assert_noop!(
				Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults),
				Error::<Test>::DeregisteredPatient
			);
		});
	}

	#[test]
	fn fails_for_unknown_record() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			assert_noop!(
				Consent::log_access(signed(DOCTOR), ALICE, id, record(1), LabResults),
				Error::<Test>::UnknownRecord
			);
		});
	}

	#[test]
	fn fails_for_another_patients_record() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			let bobs = anchored(1, BOB, LabResults);
			assert_noop!(
				Consent::log_access(signed(DOCTOR), ALICE, id, bobs, LabResults),
				Error::<Test>::RecordPatientMismatch
			);
		});
	}

	#[test]
	fn fails_for_a_misstated_category() {
		ExtBuilder::default().build_and_execute(|| {
			// The review's L6 case: a MentalHealth record logged as LabResults under a
			// LabResults consent.
			let id = alice_to_hospital();
			let r = anchored(1, ALICE, MentalHealth);
			assert_noop!(
				Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults),
				Error::<Test>::RecordCategoryMismatch
			);
			// Stated truthfully, the consent does not cover it.
			assert_noop!(
				Consent::log_access(signed(DOCTOR), ALICE, id, r, MentalHealth),
				Error::<Test>::CategoryNotCovered
			);
		});
	}

	#[test]
	fn fails_for_revoked_consent() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			let r = anchored(1, ALICE, LabResults);
			assert_ok!(Consent::revoke_consent(signed(ALICE), id));
			assert_noop!(
				Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults),
				Error::<Test>::RevokedConsent
			);
		});
	}

	#[test]
	fn fails_for_expired_consent() {
		ExtBuilder::default().build_and_execute(|| {
			let id = grant(ALICE, HOSPITAL, read(&[LabResults]), Treatment, Some(START + 100));
			let (r1, r2) = (anchored(1, ALICE, LabResults), anchored(2, ALICE, LabResults));
			advance_time(99);
			assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, r1, LabResults));
			advance_time(1);
			assert_noop!(
				Consent::log_access(signed(DOCTOR), ALICE, id, r2, LabResults),
				Error::<Test>::ExpiredConsent
			);
		});
	}

	#[test]
	fn fails_for_category_not_covered() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			let r = anchored(1, ALICE, MentalHealth);
			assert_noop!(
				Consent::log_access(signed(DOCTOR), ALICE, id, r, MentalHealth),
				Error::<Test>::CategoryNotCovered
			);
		});
	}

	#[test]
	fn fails_without_read_access() {
		ExtBuilder::default().build_and_execute(|| {
			let id = grant(ALICE, HOSPITAL, scope(&[LabResults], Access::WRITE), Treatment, None);
			let r = anchored(1, ALICE, LabResults);
			assert_noop!(
				Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults),
				Error::<Test>::ReadNotGranted
			);
		});
	}
}

mod log_accesses {
	use super::*;

	fn reads(list: &[(H256, RecordCategory)]) -> BoundedVec<(H256, RecordCategory), MaxReads> {
		list.to_vec().try_into().expect("within MAX_READS")
	}

	type MaxReads = frame_support::traits::ConstU32<MAX_READS>;

	#[test]
	fn logs_every_read_in_order_with_one_event_each() {
		ExtBuilder::default().build_and_execute(|| {
			let id = grant(ALICE, HOSPITAL, read(&[LabResults, Imaging]), Treatment, None);
			let (r1, r2, r3) = (
				anchored(1, ALICE, LabResults),
				anchored(2, ALICE, Imaging),
				anchored(3, ALICE, LabResults),
			);
			let list = [(r1, LabResults), (r2, Imaging), (r3, LabResults)];
			assert_eq!(list.len() as u32, MAX_READS);
			System::reset_events();
			assert_ok!(Consent::log_accesses(signed(DOCTOR), ALICE, id, reads(&list)));
			let logged: Vec<_> = AccessLogs::<Test>::get(ALICE, HOSPITAL)
				.into_iter()
				.map(|e| (e.record_id, e.category, e.accessor, e.purpose))
				.collect();
			assert_eq!(
				logged,
				list.iter().map(|(r, c)| (*r, *c, DOCTOR, Treatment)).collect::<Vec<_>>()
			);
			let events: Vec<_> = System::events()
				.into_iter()
				.filter_map(|record| match record.event {
					RuntimeEvent::Consent(Event::AccessLogged { record_id, category, .. }) => {
						Some((record_id, category))
					}
					_ => None,
				})
				.collect();
			assert_eq!(events, list.to_vec());
			// Each read is now served by the read decision.
			for (r, c) in list {
				assert!(matches!(
					Consent::read_decision(&DOCTOR, ALICE, c, r, Moment::MAX),
					crate::ReadDecision::Logged { consent_id, emergency: false, .. } if consent_id == id
				));
			}
		});
	}

	#[test]
	fn is_all_or_nothing() {
		ExtBuilder::default().build_and_execute(|| {
			let id = grant(ALICE, HOSPITAL, read(&[LabResults]), Treatment, None);
			let ok = anchored(1, ALICE, LabResults);
			let bobs = anchored(2, BOB, LabResults);
			let imaging = anchored(3, ALICE, Imaging);
			type Case<'a> = (&'a [(H256, RecordCategory)], Error<Test>);
			let cases: [Case; 4] = [
				(&[(ok, LabResults), (bobs, LabResults)], Error::<Test>::RecordPatientMismatch),
				(&[(ok, LabResults), (imaging, LabResults)], Error::<Test>::RecordCategoryMismatch),
				(&[(ok, LabResults), (imaging, Imaging)], Error::<Test>::CategoryNotCovered),
				(&[(ok, LabResults), (record(9), LabResults)], Error::<Test>::UnknownRecord),
			];
			for (list, error) in cases {
				assert_noop!(Consent::log_accesses(signed(DOCTOR), ALICE, id, reads(list)), error);
			}
			assert!(AccessLogs::<Test>::get(ALICE, HOSPITAL).is_empty());
		});
	}

	#[test]
	fn refuses_an_empty_list_and_checks_the_consent_like_log_access() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			let r = anchored(1, ALICE, LabResults);
			assert_noop!(
				Consent::log_accesses(signed(DOCTOR), ALICE, id, reads(&[])),
				Error::<Test>::NoReads
			);
			assert_noop!(
				Consent::log_accesses(signed(NURSE), ALICE, id, reads(&[(r, LabResults)])),
				Error::<Test>::NotGrantee
			);
			assert_noop!(
				Consent::log_accesses(signed(DOCTOR), BOB, id, reads(&[(r, LabResults)])),
				Error::<Test>::ConsentPatientMismatch
			);
			assert_ok!(Consent::revoke_consent(signed(ALICE), id));
			assert_noop!(
				Consent::log_accesses(signed(DOCTOR), ALICE, id, reads(&[(r, LabResults)])),
				Error::<Test>::RevokedConsent
			);
		});
	}

	#[test]
	fn a_full_batch_fits_the_log_and_evicts_only_older_entries() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			let old = anchored(1, ALICE, LabResults);
			assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, old, LabResults));
			advance_time(1);
			let list: Vec<_> = (0..MAX_READS as u8)
				.map(|n| (anchored(10 + n, ALICE, LabResults), LabResults))
				.collect();
			assert_ok!(Consent::log_accesses(signed(DOCTOR), ALICE, id, reads(&list)));
			let kept: Vec<_> =
				AccessLogs::<Test>::get(ALICE, HOSPITAL).iter().map(|e| e.record_id).collect();
			assert_eq!(kept, list.iter().map(|(r, _)| *r).collect::<Vec<_>>());
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
				Err(Error::<Test>::RevokedConsent.into())
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
				Err(Error::<Test>::RevokedConsent.into())
			);
			grant(ALICE, INSTITUTE, read(&[Genomics]), Research, Some(START + 5));
			advance_time(5);
			assert_eq!(
				e(INSTITUTE, Genomics, Research, false),
				Err(Error::<Test>::ExpiredConsent.into())
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
				Err(Error::<Test>::RevokedConsent.into())
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
				Err(ConsortiumError::<Test>::SuspendedOrganization.into())
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
				Err(Error::<Test>::DeregisteredPatient.into())
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
			let b = grant(ALICE, INSTITUTE, read(&[Genomics]), Treatment, Some(START + 9));
			assert_ok!(Consent::revoke_consent(signed(ALICE), a));
			assert_eq!(Consent::consents_of(&ALICE), vec![(a, consent(a)), (b, consent(b))]);
			let r = anchored(5, ALICE, Genomics);
			assert_ok!(Consent::log_access(signed(RESEARCHER), ALICE, b, r, Genomics));
			assert_eq!(
				Consent::access_log(&ALICE),
				AccessLogs::<Test>::get(ALICE, INSTITUTE).into_inner()
			);
			assert_eq!(Consent::access_log(&ALICE).len(), 1);
			// Emergency consents are listed too, in id order.
			assert_ok!(Consent::break_glass(signed(DOCTOR), ALICE, 1));
			let c = grant(ALICE, CLINIC, read(&[Imaging]), Treatment, None);
			assert_eq!(
				Consent::consents_of(&ALICE),
				vec![(a, consent(a)), (b, consent(b)), (2, consent(2)), (c, consent(c))]
			);
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
			// Documented limit: a consent pruned (at the earliest `AUDIT_RETENTION` after it
			// ended) leaves no trace in storage (its events stay).
			advance_time(10);
			assert_ok!(Consent::revoke_consent(signed(ALICE), id));
			advance_time(AUDIT_RETENTION);
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

	#[test]
	fn try_state_detects_an_emergency_consent_in_the_patients_list() {
		ExtBuilder::default().build().execute_with(|| {
			assert_ok!(Consent::break_glass(signed(DOCTOR), ALICE, 1));
			assert!(Consent::do_try_state().is_ok());
			let ids: BoundedVec<ConsentId, _> = vec![0].try_into().unwrap();
			ConsentsOf::<Test>::insert(ALICE, ids);
			EmergencyConsents::<Test>::remove(ALICE, HOSPITAL);
			assert!(Consent::do_try_state().is_err());
		});
	}

	#[test]
	fn try_state_detects_two_live_emergency_consents_of_one_organization() {
		ExtBuilder::default().build().execute_with(|| {
			assert_ok!(Consent::break_glass(signed(DOCTOR), ALICE, 1));
			let mut second = Consents::<Test>::get(0).unwrap();
			second.granted_at += 1;
			Consents::<Test>::insert(1, second);
			NextConsentId::<Test>::put(2);
			let ids: BoundedVec<ConsentId, _> = vec![0, 1].try_into().unwrap();
			EmergencyConsents::<Test>::insert(ALICE, HOSPITAL, ids);
			assert!(Consent::do_try_state().is_err());
			// Once the older one is revoked, the history is sound.
			Consents::<Test>::mutate(0, |c| c.as_mut().unwrap().revoked_at = Some(START));
			assert!(Consent::do_try_state().is_ok());
		});
	}

	#[test]
	fn try_state_detects_an_entry_in_another_organizations_log() {
		ExtBuilder::default().build().execute_with(|| {
			let id = alice_to_hospital();
			let r = anchored(1, ALICE, LabResults);
			assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults));
			assert!(Consent::do_try_state().is_ok());
			let log = AccessLogs::<Test>::take(ALICE, HOSPITAL);
			AccessLogs::<Test>::insert(ALICE, CLINIC, log);
			assert!(Consent::do_try_state().is_err());
		});
	}

	#[test]
	fn try_state_detects_a_window_count_above_the_limit() {
		ExtBuilder::default().build().execute_with(|| {
			BreakGlassWindowUses::<Test>::insert(
				HOSPITAL,
				WindowUsage { window: 0, used: MAX_EMERGENCY_PER_WINDOW + 1 },
			);
			assert!(Consent::do_try_state().is_err());
		});
	}
}

mod migrations {
	use super::*;
	use crate::migrations::{
		v2::{v1, MigrateV1ToV2},
		v4::{v3, MigrateV3ToV4},
	};
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

	/// Store a live v1 break-glass consent of `org` for Alice (ids chosen by the test).
	fn v1_break_glass(id: ConsentId, org: AccountId, staff: AccountId) -> ConsentRecord<AccountId> {
		let consent = ConsentRecord {
			patient: ALICE,
			grantee: org,
			scope: Scope { categories: Categories::all(), access: Access::READ },
			purpose: Treatment,
			granted_at: START,
			expires_at: Some(START + BREAK_GLASS_DURATION),
			revoked_at: None,
			kind: ConsentKind::BreakGlass { staff, reason_code: 1 },
		};
		Consents::<Test>::insert(id, consent.clone());
		consent
	}

	/// A v1–v3 access-log entry (no purpose), under consent 0.
	fn entry(org: AccountId, accessor: AccountId, at: Moment) -> v3::AccessEntry<AccountId> {
		v3::AccessEntry {
			consent_id: 0,
			organization: org,
			accessor,
			record_id: record(1),
			category: LabResults,
			at,
		}
	}

	#[test]
	fn v1_to_v2_moves_break_glass_consents_and_splits_access_logs() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(Consent::in_code_storage_version(), 4);
			StorageVersion::new(1).put::<Consent>();
			// v1: Alice's list holds her grant and three emergency consents (two of the
			// hospital, both live); her single access log is shared.
			let standard = alice_to_hospital();
			v1_break_glass(1, HOSPITAL, DOCTOR);
			let newest = v1_break_glass(2, HOSPITAL, HOSPITAL);
			let clinic = v1_break_glass(3, CLINIC, NURSE);
			let list: BoundedVec<ConsentId, _> = vec![standard, 1, 2, 3].try_into().unwrap();
			ConsentsOf::<Test>::insert(ALICE, list);
			NextConsentId::<Test>::put(4);
			let log = vec![
				entry(HOSPITAL, DOCTOR, START),
				entry(CLINIC, NURSE, START + 1),
				entry(HOSPITAL, HOSPITAL, START + 2),
			];
			v1::AccessLog::<Test>::insert(ALICE, BoundedVec::truncate_from(log.clone()));
			advance_time(5);

			MigrateV1ToV2::<Test>::on_runtime_upgrade();

			assert_eq!(Consent::on_chain_storage_version(), 2);
			assert_eq!(ConsentsOf::<Test>::get(ALICE).into_inner(), vec![standard]);
			assert_eq!(EmergencyConsents::<Test>::get(ALICE, HOSPITAL).into_inner(), vec![1, 2]);
			assert_eq!(EmergencyConsents::<Test>::get(ALICE, CLINIC).into_inner(), vec![3]);
			// The older live one of the hospital ended now; the others are untouched.
			assert_eq!(consent(1).expires_at, Some(START + 5));
			assert_eq!(consent(2), newest);
			assert_eq!(consent(3), clinic);
			assert_eq!(ensure_access(ALICE, HOSPITAL, Imaging, Treatment, false), Ok(2));
			// The log, split by organization, merges back to what it was.
			assert_eq!(v1::AccessLog::<Test>::iter().count(), 0);
			assert_eq!(
				v3::AccessLogs::<Test>::get(ALICE, HOSPITAL).into_inner(),
				vec![log[0].clone(), log[2].clone()]
			);
			assert_eq!(
				v3::AccessLogs::<Test>::get(ALICE, CLINIC).into_inner(),
				vec![log[1].clone()]
			);
			// It runs once.
			v1::AccessLog::<Test>::insert(ALICE, BoundedVec::truncate_from(log.clone()));
			MigrateV1ToV2::<Test>::on_runtime_upgrade();
			assert_eq!(v1::AccessLog::<Test>::iter().count(), 1);
			v1::AccessLog::<Test>::remove(ALICE);
			// Then v3 and v4: every entry was logged under Alice's Treatment grant (id 0).
			crate::migrations::v3::MigrateV2ToV3::<Test>::on_runtime_upgrade();
			MigrateV3ToV4::<Test>::on_runtime_upgrade();
			assert_eq!(Consent::on_chain_storage_version(), 4);
			let merged: Vec<_> = Consent::access_log(&ALICE)
				.into_iter()
				.map(|e| (e.organization, e.accessor, e.at, e.purpose, e.emergency))
				.collect();
			assert_eq!(
				merged,
				log.iter()
					.map(|e| (e.organization, e.accessor, e.at, Treatment, false))
					.collect::<Vec<_>>()
			);
		});
	}

	#[test]
	fn v2_to_v3_builds_the_access_index() {
		ExtBuilder::default().build_and_execute(|| {
			// v2 state: consents of Alice to two organizations (one revoked), Bob's to one,
			// and an emergency consent, which the index never holds.
			let first = alice_to_hospital();
			let clinic = grant(ALICE, CLINIC, read(&[Imaging]), Research, None);
			let second = grant(ALICE, HOSPITAL, read(&[Imaging]), Treatment, Some(START + 50));
			assert_ok!(Consent::revoke_consent(signed(ALICE), first));
			let bob = grant(BOB, HOSPITAL, read(&[LabResults]), Treatment, None);
			assert_ok!(Consent::break_glass(signed(DOCTOR), BOB, 1));
			let built: Vec<_> = GrantsTo::<Test>::iter().collect();
			assert_eq!(built.len(), 3);
			let _ = GrantsTo::<Test>::clear(u32::MAX, None);
			StorageVersion::new(2).put::<Consent>();
			assert_eq!(ensure_access(ALICE, CLINIC, Imaging, Research, false), Err(Error::<Test>::NoConsent.into()));

			crate::migrations::v3::MigrateV2ToV3::<Test>::on_runtime_upgrade();

			assert_eq!(Consent::on_chain_storage_version(), 3);
			let mut rebuilt: Vec<_> = GrantsTo::<Test>::iter().collect();
			let mut expected = built;
			rebuilt.sort_by_key(|(p, g, _)| (*p, *g));
			expected.sort_by_key(|(p, g, _)| (*p, *g));
			assert_eq!(rebuilt, expected);
			assert_eq!(
				GrantsTo::<Test>::get(ALICE, HOSPITAL).iter().map(|g| g.id).collect::<Vec<_>>(),
				vec![first, second]
			);
			assert_eq!(ensure_access(ALICE, CLINIC, Imaging, Research, false), Ok(clinic));
			assert_eq!(ensure_access(BOB, HOSPITAL, LabResults, Treatment, false), Ok(bob));
			// It runs once.
			let _ = GrantsTo::<Test>::clear(u32::MAX, None);
			crate::migrations::v3::MigrateV2ToV3::<Test>::on_runtime_upgrade();
			assert_eq!(GrantsTo::<Test>::iter().count(), 0);
			// (Rebuilt for the final invariant check.)
			<crate::migrations::v3::InnerMigrateV2ToV3<Test> as frame_support::traits::UncheckedOnRuntimeUpgrade>::on_runtime_upgrade();
		});
	}

	#[test]
	fn v3_to_v4_records_each_entrys_purpose_and_drops_entries_of_pruned_consents() {
		ExtBuilder::default().build_and_execute(|| {
			let treatment = alice_to_hospital();
			let research = grant(ALICE, CLINIC, read(&[LabResults]), Research, None);
			assert_ok!(Consent::break_glass(signed(DOCTOR), BOB, 1));
			let emergency = NextConsentId::<Test>::get() - 1;
			let pruned: ConsentId = 999;
			let old = |consent_id, organization, accessor, at| v3::AccessEntry {
				consent_id,
				organization,
				accessor,
				record_id: record(1),
				category: LabResults,
				at,
			};
			StorageVersion::new(3).put::<Consent>();
			// v3 logs: Alice's hospital log mixes a kept and a pruned consent's entries; the
			// clinic's holds a (pre-v4, so unchecked) Research read; Bob's an emergency read;
			// Nobody's only a pruned consent's entry.
			v3::AccessLogs::<Test>::insert(
				ALICE,
				HOSPITAL,
				BoundedVec::truncate_from(vec![
					old(pruned, HOSPITAL, DOCTOR, START),
					old(treatment, HOSPITAL, DOCTOR, START + 1),
				]),
			);
			v3::AccessLogs::<Test>::insert(
				ALICE,
				CLINIC,
				BoundedVec::truncate_from(vec![old(research, CLINIC, NURSE, START + 2)]),
			);
			v3::AccessLogs::<Test>::insert(
				BOB,
				HOSPITAL,
				BoundedVec::truncate_from(vec![old(emergency, HOSPITAL, DOCTOR, START + 3)]),
			);
			v3::AccessLogs::<Test>::insert(
				NOBODY,
				HOSPITAL,
				BoundedVec::truncate_from(vec![old(pruned, HOSPITAL, DOCTOR, START + 4)]),
			);

			MigrateV3ToV4::<Test>::on_runtime_upgrade();

			assert_eq!(Consent::on_chain_storage_version(), 4);
			let summary = |patient, org| {
				AccessLogs::<Test>::get(patient, org)
					.into_iter()
					.map(|e| (e.consent_id, e.at, e.purpose, e.emergency))
					.collect::<Vec<_>>()
			};
			assert_eq!(summary(ALICE, HOSPITAL), vec![(treatment, START + 1, Treatment, false)]);
			assert_eq!(summary(ALICE, CLINIC), vec![(research, START + 2, Research, false)]);
			assert_eq!(summary(BOB, HOSPITAL), vec![(emergency, START + 3, Treatment, true)]);
			assert!(!AccessLogs::<Test>::contains_key(NOBODY, HOSPITAL));
			// The Research read logged before v4 still opens nothing.
			assert_eq!(
				Consent::read_decision(&NURSE, ALICE, LabResults, record(1), Moment::MAX),
				crate::ReadDecision::Refused {
					patient: ALICE,
					category: LabResults,
					reason: crate::ReadRefusal::PurposeNotPermitted
				}
			);
			// It runs once.
			let before: Vec<_> = AccessLogs::<Test>::iter().collect();
			MigrateV3ToV4::<Test>::on_runtime_upgrade();
			assert_eq!(AccessLogs::<Test>::iter().collect::<Vec<_>>(), before);
		});
	}
}

mod access_index {
	use super::*;

	fn grants(patient: AccountId, grantee: AccountId) -> Vec<Grant> {
		GrantsTo::<Test>::get(patient, grantee).into_inner()
	}

	#[test]
	fn grant_revoke_and_prune_keep_the_pair_index_in_step() {
		ExtBuilder::default().build_and_execute(|| {
			let hospital = alice_to_hospital();
			let clinic = grant(ALICE, CLINIC, read(&[Imaging]), Research, Some(START + 100));
			assert_eq!(grants(ALICE, HOSPITAL), vec![consent(hospital).grant(hospital)]);
			assert_eq!(grants(ALICE, CLINIC), vec![consent(clinic).grant(clinic)]);
			assert!(grants(BOB, HOSPITAL).is_empty());

			// A revocation is seen by the index, from the same moment.
			advance_time(10);
			assert_ok!(Consent::revoke_consent(signed(ALICE), hospital));
			assert_eq!(grants(ALICE, HOSPITAL)[0].revoked_at, Some(START + 10));
			assert_eq!(
				ensure_access(ALICE, HOSPITAL, LabResults, Treatment, false),
				Err(Error::<Test>::RevokedConsent.into())
			);

			// Fill Alice's list with consents to the clinic; once the revoked one ended
			// AUDIT_RETENTION ago, a new grant prunes it, and the hospital's pair is gone.
			for _ in 2..MAX_CONSENTS {
				grant(ALICE, CLINIC, read(&[LabResults]), Treatment, None);
			}
			advance_time(AUDIT_RETENTION);
			let newest = grant(ALICE, CLINIC, read(&[Imaging]), Treatment, None);
			assert!(Consents::<Test>::get(hospital).is_none());
			assert!(!GrantsTo::<Test>::contains_key(ALICE, HOSPITAL));
			assert_eq!(grants(ALICE, CLINIC).len() as u32, MAX_CONSENTS);
			assert_eq!(grants(ALICE, CLINIC).last().map(|g| g.id), Some(newest));
			assert_eq!(
				ensure_access(ALICE, HOSPITAL, LabResults, Treatment, false),
				Err(Error::<Test>::NoConsent.into())
			);
		});
	}

	#[test]
	fn a_grant_is_charged_the_scan_only_when_it_prunes() {
		use crate::WeightInfo;
		ExtBuilder::default().build_and_execute(|| {
			let with_room = <Test as crate::Config>::WeightInfo::grant_consent_with_room();
			let first =
				Consent::grant_consent(signed(ALICE), HOSPITAL, read(&[Imaging]), Treatment, None)
					.expect("granted");
			assert_eq!(first.actual_weight, Some(with_room));
			for _ in 1..MAX_CONSENTS {
				grant(ALICE, CLINIC, read(&[LabResults]), Treatment, None);
			}
			assert_ok!(Consent::revoke_consent(signed(ALICE), 0));
			advance_time(AUDIT_RETENTION);
			// The list is full: this grant scans it and prunes consent 0, at full charge.
			let pruning =
				Consent::grant_consent(signed(ALICE), CLINIC, read(&[Imaging]), Treatment, None)
					.expect("granted");
			assert_eq!(pruning.actual_weight, None);
			assert!(Consents::<Test>::get(0).is_none());
		});
	}

	#[test]
	fn consents_to_others_do_not_change_the_answer() {
		ExtBuilder::default().build_and_execute(|| {
			for _ in 1..MAX_CONSENTS {
				grant(ALICE, CLINIC, scope(&[LabResults], Access::WRITE), Treatment, None);
			}
			let id = grant(ALICE, HOSPITAL, read(&[Imaging]), Treatment, None);
			assert_eq!(grants(ALICE, HOSPITAL).len(), 1);
			assert_eq!(ensure_access(ALICE, HOSPITAL, Imaging, Treatment, false), Ok(id));
			assert_eq!(
				ensure_access(ALICE, HOSPITAL, Imaging, Treatment, true),
				Err(Error::<Test>::WriteNotGranted.into())
			);
			assert_eq!(
				ensure_access(ALICE, HOSPITAL, LabResults, Treatment, false),
				Err(Error::<Test>::CategoryNotCovered.into())
			);
			assert_eq!(
				ensure_access(ALICE, HOSPITAL, Imaging, Research, false),
				Err(Error::<Test>::NoConsent.into())
			);
		});
	}

	#[test]
	fn try_state_detects_an_index_out_of_step() {
		ExtBuilder::default().build().execute_with(|| {
			let id = alice_to_hospital();
			assert!(Consent::do_try_state().is_ok());
			// A revocation the index missed.
			GrantsTo::<Test>::mutate(ALICE, HOSPITAL, |g| g[0].revoked_at = Some(START));
			assert!(Consent::do_try_state().is_err());
			// The consent listed under another pair.
			let grant = consent(id).grant(id);
			GrantsTo::<Test>::remove(ALICE, HOSPITAL);
			GrantsTo::<Test>::insert(ALICE, CLINIC, BoundedVec::truncate_from(vec![grant]));
			assert!(Consent::do_try_state().is_err());
			// Missing from the index.
			GrantsTo::<Test>::remove(ALICE, CLINIC);
			assert!(Consent::do_try_state().is_err());
			GrantsTo::<Test>::insert(ALICE, HOSPITAL, BoundedVec::truncate_from(vec![grant]));
			assert!(Consent::do_try_state().is_ok());
		});
	}
}

mod read_decision {
	use super::*;
	use crate::{ReadDecision, ReadRefusal};

	const HOUR: Moment = 60 * 60 * 1000;

	fn decide(
		requester: AccountId,
		record_id: H256,
		category: RecordCategory,
	) -> ReadDecision<AccountId> {
		Consent::read_decision(&requester, ALICE, category, record_id, HOUR)
	}

	fn refused(reason: ReadRefusal) -> ReadDecision<AccountId> {
		crate::ReadDecision::Refused { patient: ALICE, category: LabResults, reason }
	}

	#[test]
	fn serves_the_patient_and_a_logged_read_under_a_live_consent() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			let r = anchored(1, ALICE, LabResults);
			assert_eq!(
				decide(ALICE, r, LabResults),
				ReadDecision::Patient { patient: ALICE, category: LabResults }
			);
			assert_eq!(decide(DOCTOR, r, LabResults), refused(ReadRefusal::NotLogged));
			advance_time(1_000);
			assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults));
			assert_eq!(
				decide(DOCTOR, r, LabResults),
				ReadDecision::Logged {
					patient: ALICE,
					category: LabResults,
					organization: HOSPITAL,
					consent_id: id,
					logged_at: START + 1_000,
					emergency: false,
				}
			);
			// The log is per accessor and per record: a colleague, or another record, is not
			// covered by the doctor's entry.
			assert_eq!(decide(HOSPITAL, r, LabResults), refused(ReadRefusal::NotLogged));
			let other = anchored(2, ALICE, LabResults);
			assert_eq!(decide(DOCTOR, other, LabResults), refused(ReadRefusal::NotLogged));
		});
	}

	#[test]
	fn names_what_is_missing() {
		ExtBuilder::default().build_and_execute(|| {
			let id = alice_to_hospital();
			let r = anchored(1, ALICE, LabResults);
			assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults));
			assert_eq!(decide(OUTSIDER, r, LabResults), refused(ReadRefusal::NotStaff));
			// Another organization's staff, with no read of theirs logged.
			assert_eq!(decide(NURSE, r, LabResults), refused(ReadRefusal::NotLogged));
			// A stale log entry does not count.
			advance_time(HOUR + 1);
			assert_eq!(decide(DOCTOR, r, LabResults), refused(ReadRefusal::NotLogged));
			assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults));
			assert!(matches!(decide(DOCTOR, r, LabResults), ReadDecision::Logged { .. }));
			// Coverage is checked against the record's category as anchored.
			assert_eq!(
				decide(DOCTOR, r, Imaging),
				crate::ReadDecision::Refused {
					patient: ALICE,
					category: Imaging,
					reason: crate::ReadRefusal::CategoryNotCovered
				}
			);
			suspend(HOSPITAL);
			assert_eq!(decide(DOCTOR, r, LabResults), refused(ReadRefusal::OrganizationInactive));
			reinstate(HOSPITAL);
			assert_ok!(Consent::revoke_consent(signed(ALICE), id));
			assert_eq!(decide(DOCTOR, r, LabResults), refused(ReadRefusal::RevokedConsent));
			// The patient still may.
			assert!(matches!(decide(ALICE, r, LabResults), ReadDecision::Patient { .. }));
		});
	}

	#[test]
	fn an_expired_consent_stops_the_reads_logged_under_it() {
		ExtBuilder::default().build_and_execute(|| {
			let id = grant(ALICE, HOSPITAL, read(&[LabResults]), Treatment, Some(START + HOUR / 2));
			let r = anchored(1, ALICE, LabResults);
			assert_ok!(Consent::log_access(signed(DOCTOR), ALICE, id, r, LabResults));
			assert!(matches!(decide(DOCTOR, r, LabResults), ReadDecision::Logged { .. }));
			advance_time(HOUR / 2);
			assert_eq!(decide(DOCTOR, r, LabResults), refused(ReadRefusal::ExpiredConsent));
		});
	}

	#[test]
	fn a_write_only_consent_does_not_let_anyone_read() {
		ExtBuilder::default().build_and_execute(|| {
			let write =
				grant(ALICE, HOSPITAL, scope(&[LabResults], Access::WRITE), Treatment, None);
			let r = anchored(1, ALICE, LabResults);
			// log_access itself refuses a write-only consent, so no entry can exist under it;
			// an entry put there (as a corrupt or older log would) is still refused.
			assert!(Consent::log_access(signed(DOCTOR), ALICE, write, r, LabResults).is_err());
			AccessLogs::<Test>::mutate(ALICE, HOSPITAL, |log| {
				log.try_push(AccessEntry {
					consent_id: write,
					organization: HOSPITAL,
					accessor: DOCTOR,
					record_id: r,
					category: LabResults,
					at: START,
					purpose: Treatment,
					emergency: false,
				})
				.expect("room in the log");
			});
			assert_eq!(decide(DOCTOR, r, LabResults), refused(ReadRefusal::ReadNotGranted));
		});
	}

	#[test]
	fn break_glass_reads_are_served_and_flagged() {
		ExtBuilder::default().build_and_execute(|| {
			let r = anchored(1, ALICE, LabResults);
			assert_ok!(Consent::break_glass(signed(NURSE), ALICE, 7));
			let id = NextConsentId::<Test>::get() - 1;
			assert_ok!(Consent::log_access(signed(NURSE), ALICE, id, r, LabResults));
			assert!(matches!(
				decide(NURSE, r, LabResults),
				ReadDecision::Logged { organization: CLINIC, emergency: true, .. }
			));
			advance_time(BREAK_GLASS_DURATION);
			// Within a log age long enough to still see the read, the consent is over.
			assert_eq!(
				Consent::read_decision(&NURSE, ALICE, LabResults, r, 2 * BREAK_GLASS_DURATION),
				refused(ReadRefusal::ExpiredConsent)
			);
		});
	}

	#[test]
	fn an_erased_patient_is_gone_for_everyone() {
		ExtBuilder::default().build_and_execute(|| {
			let r = anchored(1, ERASED, LabResults);
			assert_eq!(
				Consent::read_decision(&ERASED, ERASED, LabResults, r, HOUR),
				ReadDecision::PatientErased
			);
			assert_eq!(
				Consent::read_decision(&DOCTOR, ERASED, LabResults, r, HOUR),
				ReadDecision::PatientErased
			);
		});
	}
}

/// Access requests (issue #24): a clinician asks, the patient sees it and answers by
/// granting (which closes it) or declining; a request grants nothing; one per
/// organization; `MaxAccessRequests` per patient, lapsed ones replaced.
mod access_requests {
	use super::*;
	use crate::{AccessRequest, AccessRequestCount, AccessRequests};

	const LIFETIME: Moment = 7 * 24 * 60 * 60 * 1000;
	/// More Provider organizations than a patient's requests (mock: 4), each with one staff.
	const ORGS: [(AccountId, AccountId); 3] = [(40, 41), (50, 51), (60, 61)];

	fn builder() -> ExtBuilder {
		let mut b = ExtBuilder::default();
		for (org, staff) in ORGS {
			b = b.with_organization(org, b"Another hospital", Role::Provider.into(), vec![staff]);
		}
		b
	}

	fn ask(staff: AccountId, patient: AccountId) -> sp_runtime::DispatchResult {
		Consent::request_access(signed(staff), patient, read(&[LabResults, Diagnoses]), Treatment)
	}

	#[test]
	fn staff_asks_and_the_patient_sees_it() {
		builder().build_and_execute(|| {
			assert_ok!(ask(DOCTOR, ALICE));
			assert_eq!(
				AccessRequests::<Test>::get(ALICE, HOSPITAL),
				Some(AccessRequest {
					requester: DOCTOR,
					scope: read(&[LabResults, Diagnoses]),
					purpose: Treatment,
					requested_at: START,
				})
			);
			assert_eq!(AccessRequestCount::<Test>::get(ALICE), 1);
			assert_eq!(Consent::access_requests(&ALICE).len(), 1);
			assert!(consent_events().contains(&Event::AccessRequested {
				patient: ALICE,
				organization: HOSPITAL,
				requester: DOCTOR,
				scope: read(&[LabResults, Diagnoses]),
				purpose: Treatment,
			}));
			// It grants nothing.
			assert!(!has_access(ALICE, HOSPITAL, LabResults, Treatment, false));
			assert_noop!(
				ensure_access(ALICE, HOSPITAL, LabResults, Treatment, false),
				Error::<Test>::NoConsent
			);
		});
	}

	#[test]
	fn one_key_asking_64_times_holds_one_place() {
		builder().build_and_execute(|| {
			for i in 0..64u64 {
				advance_time(1000);
				assert_ok!(ask(DOCTOR, ALICE));
				assert_eq!(AccessRequestCount::<Test>::get(ALICE), 1, "request {i}");
			}
			let (org, request) = Consent::access_requests(&ALICE).pop().expect("one request");
			assert_eq!(org, HOSPITAL);
			assert_eq!(request.requested_at, START + 64_000);
			// The other organizations still have room.
			for (_, staff) in ORGS {
				assert_ok!(ask(staff, ALICE));
			}
			assert_eq!(AccessRequestCount::<Test>::get(ALICE), 4);
		});
	}

	#[test]
	fn who_may_ask_and_what() {
		builder().build_and_execute(|| {
			assert_noop!(
				Consent::request_access(
					RuntimeOrigin::none(),
					ALICE,
					read(&[LabResults]),
					Treatment
				),
				BadOrigin
			);
			assert_noop!(ask(OUTSIDER, ALICE), ConsortiumError::<Test>::NotAMember);
			// A patient is not an organization's staff.
			assert_noop!(ask(BOB, ALICE), ConsortiumError::<Test>::NotAMember);
			assert_noop!(ask(DOCTOR, NOBODY), Error::<Test>::NotAPatient);
			assert_noop!(ask(DOCTOR, ERASED), Error::<Test>::DeregisteredPatient);
			assert_noop!(
				Consent::request_access(signed(DOCTOR), ALICE, read(&[]), Treatment),
				Error::<Test>::EmptyCategories
			);
			assert_noop!(
				Consent::request_access(
					signed(DOCTOR),
					ALICE,
					Scope { categories: Categories(0x8000), access: Access::READ },
					Treatment
				),
				Error::<Test>::InvalidCategories
			);
			assert_noop!(
				Consent::request_access(
					signed(DOCTOR),
					ALICE,
					scope(&[LabResults], Access::default()),
					Treatment
				),
				Error::<Test>::EmptyAccess
			);
			suspend(HOSPITAL);
			assert_noop!(ask(DOCTOR, ALICE), ConsortiumError::<Test>::SuspendedOrganization);
			assert_eq!(AccessRequestCount::<Test>::get(ALICE), 0);
		});
	}

	#[test]
	fn granting_the_organization_closes_its_request() {
		builder().build_and_execute(|| {
			assert_ok!(ask(DOCTOR, ALICE));
			assert_ok!(ask(NURSE, ALICE));
			// A consent to another organization leaves the hospital's request pending.
			let to_institute = grant(ALICE, INSTITUTE, read(&[LabResults]), Research, None);
			assert!(AccessRequests::<Test>::contains_key(ALICE, HOSPITAL));
			assert!(!consent_events().iter().any(|e| matches!(
				e,
				Event::AccessRequestClosed { consent_id: Some(id), .. } if *id == to_institute
			)));
			let id = grant(ALICE, HOSPITAL, read(&[LabResults]), Treatment, Some(START + LIFETIME));
			assert!(!AccessRequests::<Test>::contains_key(ALICE, HOSPITAL));
			assert!(AccessRequests::<Test>::contains_key(ALICE, CLINIC));
			assert_eq!(AccessRequestCount::<Test>::get(ALICE), 1);
			assert_eq!(
				consent_events().last(),
				Some(&Event::AccessRequestClosed {
					patient: ALICE,
					organization: HOSPITAL,
					consent_id: Some(id)
				})
			);
			assert!(has_access(ALICE, HOSPITAL, LabResults, Treatment, false));
		});
	}

	#[test]
	fn the_patient_declines() {
		builder().build_and_execute(|| {
			assert_ok!(ask(DOCTOR, ALICE));
			// Only the patient asked can decline, and only a pending request.
			assert_noop!(
				Consent::decline_access_request(signed(BOB), HOSPITAL),
				Error::<Test>::NoAccessRequest
			);
			assert_noop!(
				Consent::decline_access_request(signed(ALICE), CLINIC),
				Error::<Test>::NoAccessRequest
			);
			let call = RuntimeCall::Consent(crate::Call::decline_access_request {
				organization: HOSPITAL,
			});
			assert!(call.is_feeless(&signed(ALICE)));
			assert!(!call.is_feeless(&signed(BOB)), "nothing to decline: charged");
			assert!(!call.is_feeless(&signed(POOR)), "no free calls left: charged");
			assert_ok!(Consent::decline_access_request(signed(ALICE), HOSPITAL));
			assert!(!AccessRequests::<Test>::contains_key(ALICE, HOSPITAL));
			assert!(!AccessRequestCount::<Test>::contains_key(ALICE));
			assert_eq!(
				consent_events().last(),
				Some(&Event::AccessRequestClosed {
					patient: ALICE,
					organization: HOSPITAL,
					consent_id: None
				})
			);
			assert_noop!(
				Consent::decline_access_request(signed(ALICE), HOSPITAL),
				Error::<Test>::NoAccessRequest
			);
			// The organization may ask again.
			assert_ok!(ask(DOCTOR, ALICE));
		});
	}

	#[test]
	fn a_full_set_takes_a_newcomer_only_in_place_of_a_lapsed_request() {
		let mut b = builder();
		b = b.with_organization(70, b"Fifth", Role::Provider.into(), vec![71]);
		b.build_and_execute(|| {
			assert_ok!(ask(DOCTOR, ALICE));
			advance_time(1000);
			for (_, staff) in ORGS {
				assert_ok!(ask(staff, ALICE));
			}
			assert_eq!(AccessRequestCount::<Test>::get(ALICE), 4);
			assert_noop!(ask(71, ALICE), Error::<Test>::TooManyAccessRequests);
			// Another patient is not affected.
			assert_ok!(ask(71, BOB));
			// The hospital's request lapses first (it is 1 s older than the others).
			advance_time(LIFETIME - 1000);
			assert_ok!(ask(71, ALICE));
			assert!(!AccessRequests::<Test>::contains_key(ALICE, HOSPITAL));
			assert!(AccessRequests::<Test>::contains_key(ALICE, 70));
			assert_eq!(AccessRequestCount::<Test>::get(ALICE), 4);
			assert!(consent_events().contains(&Event::AccessRequestClosed {
				patient: ALICE,
				organization: HOSPITAL,
				consent_id: None
			}));
			// The rest lapse 1 s later: still full until then, to the millisecond.
			assert_noop!(ask(DOCTOR, ALICE), Error::<Test>::TooManyAccessRequests);
			advance_time(999);
			assert_noop!(ask(DOCTOR, ALICE), Error::<Test>::TooManyAccessRequests);
			advance_time(1);
			assert_ok!(ask(DOCTOR, ALICE));
			assert_eq!(AccessRequestCount::<Test>::get(ALICE), 4);
		});
	}
}
