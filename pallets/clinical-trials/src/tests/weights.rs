//! `amend_protocol` and `publish_results` are charged for the outcomes they are
//! given (known before dispatch) and refunded to the protocol history they read.

use super::*;
use crate::{Call, MaxProtocolVersions, WeightInfo};
use frame_support::{dispatch::GetDispatchInfo, traits::Get, weights::Weight};

type W = <Test as crate::Config>::WeightInfo;

fn versions(trial_id: TrialId) -> u32 {
	ProtocolVersions::<Test>::get(trial_id).len() as u32
}

fn declared(call: Call<Test>) -> Weight {
	call.get_dispatch_info().call_weight
}

#[test]
fn the_weight_functions_grow_with_their_components() {
	assert!(W::amend_protocol(1, 1).all_lt(W::amend_protocol(MAX_OUTCOMES, MAX_AMENDMENTS)));
	assert!(W::amend_protocol(1, 2).all_gt(W::amend_protocol(1, 1)));
	assert!(W::amend_protocol(2, 1).ref_time() > W::amend_protocol(1, 1).ref_time());
	let full = MaxProtocolVersions::<Test>::get();
	assert!(W::publish_results(0, 0).all_lt(W::publish_results(MAX_OUTCOMES, full)));
	assert!(W::publish_results(0, 2).all_gt(W::publish_results(0, 1)));
	assert!(W::publish_results(1, 0).ref_time() > W::publish_results(0, 0).ref_time());
}

#[test]
fn amend_protocol_is_charged_for_its_outcomes_and_refunded_to_the_history() {
	ExtBuilder::default().build_and_execute(|| {
		let id = register();
		let call = |new_outcomes| Call::amend_protocol {
			trial_id: id,
			protocol_hash: h(0xb0),
			reason_hash: h(0xb1),
			new_outcomes,
		};
		// Before dispatch: the new outcomes' count, and a history of `MaxAmendments`.
		let two = declared(call(Some(outs(&[7, 8]))));
		assert_eq!(two, W::amend_protocol(2, MAX_AMENDMENTS));
		assert_eq!(declared(call(None)), W::amend_protocol(0, MAX_AMENDMENTS));
		// Outcomes are call data: they cost time, not proof size.
		assert!(declared(call(None)).ref_time() < two.ref_time());
		assert_eq!(declared(call(None)).proof_size(), two.proof_size());
		assert_eq!(
			declared(call(Some(outs(&[1, 2, 3, 4])))),
			W::amend_protocol(MAX_OUTCOMES, MAX_AMENDMENTS)
		);

		// After: the history's length before the new version.
		assert_eq!(versions(id), 1);
		let post = ClinicalTrials::amend_protocol(
			signed(SPONSOR_STAFF),
			id,
			h(0xb0),
			h(0xb1),
			Some(outs(&[7, 8])),
		)
		.expect("amended");
		assert_eq!(post.actual_weight, Some(W::amend_protocol(2, 1)));
		assert!(W::amend_protocol(2, 1).all_lt(two));
		let post =
			ClinicalTrials::amend_protocol(signed(SPONSOR_STAFF), id, h(0xb2), h(0xb3), None)
				.expect("amended");
		assert_eq!(post.actual_weight, Some(W::amend_protocol(0, 2)));

		// The last amendment allowed reads a history of `MaxAmendments`: charged in full.
		while versions(id) < MAX_AMENDMENTS {
			assert_ok!(ClinicalTrials::amend_protocol(
				signed(SPONSOR_STAFF),
				id,
				h(0xb4),
				h(0xb5),
				None
			));
		}
		let post = ClinicalTrials::amend_protocol(
			signed(SPONSOR_STAFF),
			id,
			h(0xb6),
			h(0xb7),
			Some(outs(&[7, 8])),
		)
		.expect("amended");
		assert_eq!(post.actual_weight, Some(two));

		// A refused amendment is charged what was declared.
		let err = ClinicalTrials::amend_protocol(signed(SPONSOR_STAFF), id, h(0xb8), h(0xb9), None)
			.expect_err("too many amendments");
		assert_eq!(err.error, Error::<Test>::TooManyAmendments.into());
		assert_eq!(err.post_info.actual_weight, None);
	});
}

#[test]
fn publish_results_reads_the_history_only_after_an_enrollment() {
	ExtBuilder::default().build_and_execute(|| {
		// Nobody enrolled: the history is not read.
		let id = register();
		commit_and_lock(id);
		let full = declared(Call::publish_results {
			trial_id: id,
			results_hash: h(0xc0),
			reported_outcomes: outs(&[1, 2, 3]),
		});
		assert_eq!(full, W::publish_results(3, MaxProtocolVersions::<Test>::get()));
		let post =
			ClinicalTrials::publish_results(signed(SPONSOR_STAFF), id, h(0xc0), outs(&[1, 2, 3]))
				.expect("published");
		assert_eq!(post.actual_weight, Some(W::publish_results(3, 0)));
		assert!(W::publish_results(3, 0).all_lt(full));

		// Enrolled, then amended once: the two versions are read.
		let id = register_as(SPONSOR_STAFF, b"NCT00000002");
		assert_ok!(ClinicalTrials::add_site(signed(SPONSOR_STAFF), id, HOSPITAL_A));
		let _ = enroll(DOCTOR_A, id, ALICE);
		assert_ok!(ClinicalTrials::amend_protocol(
			signed(SPONSOR_STAFF),
			id,
			h(0xb0),
			h(0xb1),
			Some(outs(&[1, 2]))
		));
		commit_and_lock(id);
		let v = versions(id);
		assert_eq!(v, 2);
		let post = ClinicalTrials::publish_results(signed(SPONSOR_STAFF), id, h(0xc1), outs(&[1]))
			.expect("published");
		assert_eq!(post.actual_weight, Some(W::publish_results(1, v)));
		assert!(W::publish_results(1, v).all_gte(W::publish_results(1, 0)));
		assert!(W::publish_results(1, v)
			.all_lt(W::publish_results(1, MaxProtocolVersions::<Test>::get())));
	});
}
