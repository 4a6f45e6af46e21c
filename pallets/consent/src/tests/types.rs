//! Tests of the stored types' own rules: what an `Access` allows, when a consent is in force,
//! expired, live, ended and prunable.

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
