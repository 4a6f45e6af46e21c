//! A site acts only while it holds the Provider role.

use super::*;
use pallet_consortium::{Role, Roles};

#[test]
fn a_site_that_lost_the_provider_role_can_no_longer_enroll_commit_or_withdraw() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_sites();
		let alice = enroll(DOCTOR_A, id, ALICE);
		assert_ok!(Consortium::set_roles(
			RuntimeOrigin::root(),
			HOSPITAL_A,
			Roles::only(Role::Pharmacy)
		));
		grant_research(BOB, SPONSOR);
		assert_noop!(
			ClinicalTrials::enroll_participant(signed(DOCTOR_A), id, BOB, commitment(id, BOB, 2)),
			ConsortiumError::<Test>::MissingRole
		);
		assert_noop!(
			ClinicalTrials::commit_data(signed(DOCTOR_A), id, h(0x11), 1),
			ConsortiumError::<Test>::MissingRole
		);
		assert_noop!(
			ClinicalTrials::withdraw_participant(signed(DOCTOR_A), id, alice),
			Error::<Test>::NotParticipantSiteOrSponsor
		);
		// The sponsor can remove it.
		assert_ok!(ClinicalTrials::remove_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
	});
}
