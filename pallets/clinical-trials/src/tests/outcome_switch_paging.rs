//! The outcome-switch list is paged, in id order.

use super::*;

/// Register and publish `n` trials, alternately switched and complete; returns the
/// switched ones.
fn publish_alternating(n: u8) -> Vec<TrialId> {
	let mut switched = Vec::new();
	for i in 0..n {
		let id = register_as(SPONSOR_STAFF, format!("NCT{i}").as_bytes());
		commit_and_lock(id);
		let reported = if i % 2 == 0 { outs(&[1]) } else { outs(&[1, 2, 3]) };
		assert_ok!(ClinicalTrials::publish_results(signed(SPONSOR_STAFF), id, h(0xcc), reported));
		if i % 2 == 0 {
			switched.push(id);
		}
	}
	switched
}

#[test]
fn pages_follow_id_order() {
	ExtBuilder::default().build_and_execute(|| {
		let switched = publish_alternating(10);
		assert_eq!(switched.len(), 5);
		assert_eq!(ClinicalTrials::trials_with_outcome_switch(None, 100), switched);
		let first = ClinicalTrials::trials_with_outcome_switch(None, 2);
		assert_eq!(first, switched[..2]);
		let second = ClinicalTrials::trials_with_outcome_switch(first.last().copied(), 2);
		assert_eq!(second, switched[2..4]);
		let third = ClinicalTrials::trials_with_outcome_switch(second.last().copied(), 2);
		assert_eq!(third, switched[4..]);
		assert!(ClinicalTrials::trials_with_outcome_switch(third.last().copied(), 2).is_empty());
		// `after` need not be a switched trial; `limit` 0 is an empty page.
		assert_eq!(ClinicalTrials::trials_with_outcome_switch(Some(1), 1), vec![switched[1]]);
		assert!(ClinicalTrials::trials_with_outcome_switch(None, 0).is_empty());
	});
}

#[test]
fn numeric_order_across_byte_boundaries_and_the_page_cap() {
	// Storage-level: the index alone (no trials), so the invariants are not checked.
	ExtBuilder::empty().build().execute_with(|| {
		let ids: Vec<TrialId> = vec![65_536, 256, 1, 300, 2, 255, u32::MAX];
		for id in &ids {
			OutcomeSwitchedTrials::<Test>::insert(outcome_switch_key(*id), ());
		}
		let mut sorted = ids.clone();
		sorted.sort_unstable();
		assert_eq!(ClinicalTrials::trials_with_outcome_switch(None, 100), sorted);
		assert_eq!(
			ClinicalTrials::trials_with_outcome_switch(Some(255), 3),
			vec![256, 300, 65_536]
		);
		assert_eq!(ClinicalTrials::trials_with_outcome_switch(Some(65_536), 3), vec![u32::MAX]);

		for id in 1_000..1_000 + MAX_OUTCOME_SWITCH_PAGE + 5 {
			OutcomeSwitchedTrials::<Test>::insert(outcome_switch_key(id), ());
		}
		let page = ClinicalTrials::trials_with_outcome_switch(None, u32::MAX);
		assert_eq!(page.len(), MAX_OUTCOME_SWITCH_PAGE as usize);
		assert!(page.windows(2).all(|w| w[0] < w[1]));
		assert_eq!(ClinicalTrials::MaxOutcomeSwitchPage(), MAX_OUTCOME_SWITCH_PAGE);
	});
}
