//! The sponsor removes sites; a removed site can no longer act.

use super::*;

#[test]
fn works_for_the_sponsor() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		assert_ok!(ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
		System::assert_last_event(Event::SiteRemoved { trial_id: id, site: HOSPITAL_A }.into());
		assert_eq!(Sites::<Test>::get(id).into_inner(), vec![HOSPITAL_B]);
		assert_eq!(RemovedSites::<Test>::get(id).into_inner(), vec![HOSPITAL_A]);
		let info = ClinicalTrials::trial(id).expect("known");
		assert_eq!(info.sites, vec![HOSPITAL_B]);
		assert_eq!(info.removed_sites, vec![HOSPITAL_A]);
		// The admin may remove the other one.
		assert_ok!(ClinicalTrials::remove_site(signed(SPONSOR), id, HOSPITAL_B));
		assert!(Sites::<Test>::get(id).is_empty());
		assert_eq!(RemovedSites::<Test>::get(id).into_inner(), vec![HOSPITAL_A, HOSPITAL_B]);
	});
}

#[test]
fn a_removed_site_can_no_longer_enroll_commit_or_withdraw() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		let alice = enroll(DOCTOR_A, id, ALICE);
		commit(DOCTOR_A, id, 0x11, 1);
		assert_ok!(ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
		grant_research(BOB, SPONSOR);
		assert_noop!(
			ClinicalTrials::enroll_participant(signed(DOCTOR_A), id, BOB, commitment(id, BOB, 2)),
			Error::<Test>::NotASite
		);
		assert_noop!(
			ClinicalTrials::commit_data(signed(NURSE_A), id, h(0x12), 1),
			Error::<Test>::NotSiteOrSponsor
		);
		assert_noop!(
			ClinicalTrials::withdraw_participant(signed(DOCTOR_A), id, alice),
			Error::<Test>::NotParticipantSiteOrSponsor
		);
		// What it did while it was a site stays.
		assert!(ClinicalTrials::is_enrolled(id, alice));
		assert_eq!(ClinicalTrials::data_commits(id)[0].submitter, HOSPITAL_A);
		// The remaining site and the sponsor go on.
		assert_ok!(ClinicalTrials::enroll_participant(
			signed(DOCTOR_B),
			id,
			BOB,
			commitment(id, BOB, 2)
		));
		commit(SPONSOR_STAFF, id, 0x13, 1);
	});
}

#[test]
fn works_after_lock() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		commit_and_lock(id);
		assert_ok!(ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_B));
		assert_eq!(RemovedSites::<Test>::get(id).into_inner(), vec![HOSPITAL_B]);
	});
}

#[test]
fn fails_for_an_unknown_trial() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			ClinicalTrials::remove_site(signed(SPONSOR_STAFF), 0, HOSPITAL_A),
			Error::<Test>::UnknownTrial
		);
	});
}

#[test]
fn fails_for_anyone_but_the_sponsor() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		for who in [DOCTOR_A, HOSPITAL_B, OTHER_SPONSOR_STAFF, INSPECTOR] {
			assert_noop!(
				ClinicalTrials::remove_site(signed(who), id, HOSPITAL_A),
				Error::<Test>::NotSponsor
			);
		}
		assert_noop!(
			ClinicalTrials::remove_site(signed(OUTSIDER), id, HOSPITAL_A),
			ConsortiumError::<Test>::NotAMember
		);
		assert_noop!(ClinicalTrials::remove_site(RuntimeOrigin::none(), id, HOSPITAL_A), BadOrigin);
		suspend(SPONSOR);
		assert_noop!(
			ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_A),
			ConsortiumError::<Test>::SuspendedOrganization
		);
	});
}

#[test]
fn fails_for_an_organization_that_is_not_a_current_site() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		assert_noop!(
			ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_C),
			Error::<Test>::UnknownSite
		);
		assert_ok!(ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
		assert_noop!(
			ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_A),
			Error::<Test>::UnknownSite
		);
	});
}

#[test]
fn a_removed_site_can_be_added_back() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		assert_ok!(ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
		assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
		System::assert_last_event(Event::SiteAdded { trial_id: id, site: HOSPITAL_A }.into());
		assert_eq!(Sites::<Test>::get(id).into_inner(), vec![HOSPITAL_B, HOSPITAL_A]);
		assert!(RemovedSites::<Test>::get(id).is_empty());
		enroll(DOCTOR_A, id, ALICE);
	});
}

#[test]
fn removed_sites_keep_their_place_under_the_bound() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_C));
		assert_ok!(ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_C));
		// Two current and one removed site: `MAX_SITES` (3) are taken.
		assert_noop!(
			ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_D),
			Error::<Test>::TooManySites
		);
		// Adding the removed one back takes no new place.
		assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_C));
	});
}
