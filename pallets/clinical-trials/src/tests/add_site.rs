use super::*;

#[test]
fn works_for_the_sponsor() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
		System::assert_last_event(Event::SiteAdded { trial_id: id, site: HOSPITAL_A }.into());
		assert_ok!(ClinicalTrials::add_site(signed(SPONSOR), id, HOSPITAL_B));
		assert_eq!(Sites::<Test>::get(id).into_inner(), vec![HOSPITAL_A, HOSPITAL_B]);
	});
}

#[test]
fn fails_for_an_unknown_trial() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			ClinicalTrials::add_site(signed(SPONSOR_STAFF), 3, HOSPITAL_A),
			Error::<Test>::UnknownTrial
		);
	});
}

#[test]
fn fails_for_anyone_but_the_sponsor() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		assert_noop!(
			ClinicalTrials::add_site(signed(OTHER_SPONSOR_STAFF), id, HOSPITAL_A),
			Error::<Test>::NotSponsor
		);
		assert_noop!(
			ClinicalTrials::add_site(signed(DOCTOR_A), id, HOSPITAL_A),
			Error::<Test>::NotSponsor
		);
		assert_noop!(
			ClinicalTrials::add_site(signed(OUTSIDER), id, HOSPITAL_A),
			ConsortiumError::<Test>::NotAMember
		);
	});
}

#[test]
fn fails_after_lock() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		commit_and_lock(id);
		assert_noop!(
			ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_A),
			Error::<Test>::LockedDatabase
		);
	});
}

#[test]
fn the_site_must_be_an_active_provider_organization() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		for not_provider in [PHARMACY, REGULATOR, SPONSOR, DOCTOR_A, OUTSIDER, ALICE] {
			assert_noop!(
				ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, not_provider),
				Error::<Test>::SiteNotProvider
			);
		}
		suspend(HOSPITAL_A);
		assert_noop!(
			ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_A),
			Error::<Test>::SiteNotProvider
		);
	});
}

#[test]
fn fails_for_an_existing_site() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		assert_noop!(
			ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_A),
			Error::<Test>::AlreadySite
		);
	});
}

#[test]
fn fails_at_the_sites_bound() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_C));
		assert_eq!(Sites::<Test>::get(id).len() as u32, MAX_SITES);
		assert_noop!(
			ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_D),
			Error::<Test>::TooManySites
		);
	});
}
