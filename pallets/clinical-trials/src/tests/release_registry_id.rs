//! Governance corrects registry-id squatting.

use super::*;

fn root() -> RuntimeOrigin {
	RuntimeOrigin::root()
}

#[test]
fn the_rightful_sponsor_registers_a_released_and_reserved_id() {
	ExtBuilder::default().build_and_execute(|| {
		// Another sponsor squats the sponsor's NCT number.
		let squatted = register_as(OTHER_SPONSOR_STAFF, NCT);
		assert_noop!(
			ClinicalTrials::register_trial(
				signed(SPONSOR_STAFF),
				rid(NCT),
				h(PROTOCOL),
				outs(&[1]),
				1
			),
			Error::<Test>::DuplicateRegistryId
		);
		advance_time(1_000);
		assert_ok!(ClinicalTrials::release_registry_id(root(), squatted, Some(SPONSOR)));
		System::assert_last_event(
			Event::RegistryIdReleased {
				trial_id: squatted,
				sponsor: OTHER_SPONSOR,
				registry_id: rid(NCT),
				reserved_for: Some(SPONSOR),
			}
			.into(),
		);
		// The squatting trial stays, marked; the index no longer names it.
		let t = trial(squatted);
		assert_eq!(t.registry_id, rid(NCT));
		assert_eq!(t.registry_id_released_at, Some(START + 1_000));
		assert_eq!(ClinicalTrials::trial_by_registry_id(NCT.to_vec()), None);
		assert_eq!(
			ClinicalTrials::trial(squatted).and_then(|i| i.registry_id_released_at),
			Some(START + 1_000)
		);
		assert_eq!(RegistryIdReservations::<Test>::get(rid(NCT)), Some(SPONSOR));
		// The squatter cannot take it again; the rightful sponsor can.
		assert_noop!(
			ClinicalTrials::register_trial(
				signed(OTHER_SPONSOR_STAFF),
				rid(NCT),
				h(PROTOCOL),
				outs(&[1]),
				1
			),
			Error::<Test>::RegistryIdReserved
		);
		let rightful = register_as(SPONSOR_STAFF, NCT);
		assert_eq!(ClinicalTrials::trial_by_registry_id(NCT.to_vec()), Some(rightful));
		assert_eq!(RegistryIdReservations::<Test>::get(rid(NCT)), None);
		assert_eq!(trial(rightful).registry_id_released_at, None);
	});
}

#[test]
fn without_a_reservation_the_id_is_free_for_any_sponsor() {
	ExtBuilder::default().build_and_execute(|| {
		let first = register();
		assert_ok!(ClinicalTrials::release_registry_id(root(), first, None));
		System::assert_last_event(
			Event::RegistryIdReleased {
				trial_id: first,
				sponsor: SPONSOR,
				registry_id: rid(NCT),
				reserved_for: None,
			}
			.into(),
		);
		assert_eq!(RegistryIdReservations::<Test>::get(rid(NCT)), None);
		let second = register_as(OTHER_SPONSOR_STAFF, NCT);
		assert_eq!(ClinicalTrials::trial_by_registry_id(NCT.to_vec()), Some(second));
	});
}

#[test]
fn the_released_trial_keeps_its_history_and_goes_on() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		enroll(DOCTOR_A, id, ALICE);
		commit(DOCTOR_A, id, 0x11, 1);
		let before = trial(id);
		assert_ok!(ClinicalTrials::release_registry_id(root(), id, Some(OTHER_SPONSOR)));
		let after = trial(id);
		assert_eq!(after, TrialOf::<Test> { registry_id_released_at: Some(START), ..before });
		commit(DOCTOR_B, id, 0x12, 1);
		lock(id);
		assert!(ClinicalTrials::verify_data_chain(id));
	});
}

#[test]
fn requires_the_governance_origin() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		for origin in [signed(SPONSOR_STAFF), signed(OTHER_SPONSOR), signed(INSPECTOR)] {
			assert_noop!(ClinicalTrials::release_registry_id(origin, id, None), BadOrigin);
		}
		assert_noop!(
			ClinicalTrials::release_registry_id(RuntimeOrigin::none(), id, None),
			BadOrigin
		);
	});
}

#[test]
fn fails_for_an_unknown_trial() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			ClinicalTrials::release_registry_id(root(), 0, None),
			Error::<Test>::UnknownTrial
		);
	});
}

#[test]
fn fails_twice() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		assert_ok!(ClinicalTrials::release_registry_id(root(), id, None));
		assert_noop!(
			ClinicalTrials::release_registry_id(root(), id, Some(OTHER_SPONSOR)),
			Error::<Test>::RegistryIdAlreadyReleased
		);
		// Even once another trial holds the id.
		register_as(OTHER_SPONSOR_STAFF, NCT);
		assert_noop!(
			ClinicalTrials::release_registry_id(root(), id, None),
			Error::<Test>::RegistryIdAlreadyReleased
		);
	});
}

#[test]
fn reserves_only_for_an_active_trial_sponsor_organization() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		// A Provider, a sponsor's staff account (not the organization), an outsider.
		for reservee in [HOSPITAL_A, OTHER_SPONSOR_STAFF, OUTSIDER] {
			assert_noop!(
				ClinicalTrials::release_registry_id(root(), id, Some(reservee)),
				Error::<Test>::ReserveeNotSponsor
			);
		}
		suspend(OTHER_SPONSOR);
		assert_noop!(
			ClinicalTrials::release_registry_id(root(), id, Some(OTHER_SPONSOR)),
			Error::<Test>::ReserveeNotSponsor
		);
	});
}
