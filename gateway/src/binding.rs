//! Which on-chain record a stored document is.
//!
//! A content hash is public as soon as the gateway's `anchor_record` is gossiped, and the
//! chain accepts the same content hash from anyone allowed to anchor *something* for the
//! patient. So an upload is bound only to the `RecordAnchored` of **its own** extrinsic: the
//! one whose hash is the row's `tx_hash`, found by its index in the finalized block, and only
//! if that event and the record it created (`Records`, read at that block: the event has no
//! locator) say exactly what the row says — this gateway's organization as author, the row's
//! category, patient, content hash and locator. Anything else fails closed: the row is never
//! bound to another event. The same check runs again before every fetch ([`check_record`]).

use crate::{
	chain::{dispatch_error_name, extrinsic_outcome, EventRecord},
	service::parse_category,
	store::Document,
};
use medchain_primitives::RecordCategory;
use medchain_runtime::{Runtime, RuntimeEvent};
use sp_core::{crypto::AccountId32, crypto::Ss58Codec, H256};

/// A record as the chain stores it.
pub type ChainRecord = pallet_health_records::RecordOf<Runtime>;

/// What a stored row says its record must be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected<'a> {
	/// This gateway's organization: the author of every record it anchors.
	pub organization: [u8; 32],
	pub patient: [u8; 32],
	pub category: RecordCategory,
	pub content_hash: [u8; 32],
	pub locator: &'a [u8],
	/// The record the document corrects, if any.
	pub supersedes: Option<[u8; 32]>,
}

impl<'a> Expected<'a> {
	/// What `doc`'s record must be, anchored by a gateway of `organization`.
	pub fn of(doc: &'a Document, organization: [u8; 32]) -> Result<Expected<'a>, String> {
		let category = parse_category(&doc.category)
			.ok_or_else(|| format!("the stored row's category {:?} is unknown", doc.category))?;
		Ok(Expected {
			organization,
			patient: doc.patient,
			category,
			content_hash: doc.content_hash,
			locator: doc.locator.as_bytes(),
			supersedes: doc.supersedes,
		})
	}
}

/// What one finalized block says about a row's anchoring extrinsic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
	/// The extrinsic is not in this block (or the row has none).
	Absent,
	/// The extrinsic is in this block and failed: the dispatch error's name.
	Failed(String),
	/// The extrinsic succeeded and its own `RecordAnchored` says what the row says; the
	/// record's stored locator is still to be checked ([`check_record`]).
	Anchored(H256),
	/// The extrinsic is in this block but did not anchor what the row says: never bind.
	Mismatch(String),
}

fn ss58(account: &[u8; 32]) -> String {
	AccountId32::from(*account).to_ss58check()
}

/// The outcome of the row's extrinsic (`tx_hash`) in a block with these events and these
/// extrinsic hashes (in order). Only events in `Phase::ApplyExtrinsic(<its index>)` count.
pub fn own_anchor(
	events: &[EventRecord],
	extrinsics: &[H256],
	tx_hash: Option<[u8; 32]>,
	expected: &Expected<'_>,
) -> Outcome {
	let Some(tx_hash) = tx_hash else { return Outcome::Absent };
	let Some(index) = extrinsics.iter().position(|h| h.0 == tx_hash) else {
		return Outcome::Absent;
	};
	let Ok(index) = u32::try_from(index) else {
		return Outcome::Mismatch(format!("extrinsic index {index} out of range"));
	};
	match extrinsic_outcome(events, index) {
		Some(Err(reason)) => return Outcome::Failed(reason),
		Some(Ok(())) => {}
		None => {
			return Outcome::Mismatch(format!(
				"our extrinsic #{index} has neither ExtrinsicSuccess nor ExtrinsicFailed"
			))
		}
	}
	let phase = frame_system::Phase::ApplyExtrinsic(index);
	// Signed as an `Anchor` proxy of a staff key, the extrinsic is `Proxy.proxy`: it
	// succeeds even when the anchor it carries fails; that anchor's own outcome is its
	// `ProxyExecuted`. (An extrinsic signed directly by a staff key has none.)
	let proxied: Vec<_> = events
		.iter()
		.filter(|record| record.phase == phase)
		.filter_map(|record| match &record.event {
			RuntimeEvent::Proxy(pallet_proxy::Event::ProxyExecuted { result }) => Some(*result),
			_ => None,
		})
		.collect();
	match proxied.as_slice() {
		[] | [Ok(())] => {}
		[Err(error)] => return Outcome::Failed(dispatch_error_name(*error)),
		more => {
			return Outcome::Mismatch(format!(
				"our extrinsic #{index} executed {} proxied calls, not one",
				more.len()
			))
		}
	}
	let anchored: Vec<_> = events
		.iter()
		.filter(|record| record.phase == phase)
		.filter_map(|record| match &record.event {
			RuntimeEvent::HealthRecords(pallet_health_records::Event::RecordAnchored {
				record_id,
				patient,
				category,
				content_hash,
				author,
				supersedes,
			}) => Some((*record_id, patient, *category, *content_hash, author, *supersedes)),
			_ => None,
		})
		.collect();
	let (record_id, patient, category, content_hash, author, supersedes) = match anchored.as_slice()
	{
		[one] => *one,
		[] => {
			return Outcome::Mismatch(format!(
				"our extrinsic #{index} succeeded but anchored no record"
			))
		}
		more => {
			return Outcome::Mismatch(format!(
				"our extrinsic #{index} anchored {} records, not one",
				more.len()
			))
		}
	};
	let author = author.clone().map(<[u8; 32]>::from);
	if author != Some(expected.organization) {
		return Outcome::Mismatch(format!(
			"record {record_id:?} of our extrinsic #{index} is authored by {}, not by this gateway's organization {}",
			author.as_ref().map_or("the patient".into(), ss58),
			ss58(&expected.organization)
		));
	}
	if category != expected.category {
		return Outcome::Mismatch(format!(
			"record {record_id:?} of our extrinsic #{index} has category {category:?}, the document {:?}",
			expected.category
		));
	}
	if <[u8; 32]>::from(patient.clone()) != expected.patient {
		return Outcome::Mismatch(format!(
			"record {record_id:?} of our extrinsic #{index} is of patient {}, the document of {}",
			patient.to_ss58check(),
			ss58(&expected.patient)
		));
	}
	if content_hash.0 != expected.content_hash {
		return Outcome::Mismatch(format!(
			"record {record_id:?} of our extrinsic #{index} has content hash {content_hash:?}, the document 0x{}",
			hex::encode(expected.content_hash)
		));
	}
	if supersedes.map(|r| r.0) != expected.supersedes {
		return Outcome::Mismatch(format!(
			"record {record_id:?} of our extrinsic #{index} supersedes {supersedes:?}, the document {:?}",
			expected.supersedes.map(H256)
		));
	}
	Outcome::Anchored(record_id)
}

/// Whether `record` (the chain's record `record_id`) is this gateway's anchor of the row:
/// author, category, patient, content hash and locator. `sealed_ok`: a record already
/// sealed (its locator erased) passes — at binding time, so that the seal that follows in
/// the same block destroys the document; never at fetch time.
pub fn check_record(
	record_id: H256,
	record: Option<&ChainRecord>,
	expected: &Expected<'_>,
	sealed_ok: bool,
) -> Result<(), String> {
	let Some(record) = record else {
		return Err(format!("the chain has no record {record_id:?}"));
	};
	let author = record.author.clone().map(<[u8; 32]>::from);
	if author != Some(expected.organization) {
		return Err(format!(
			"record {record_id:?} is authored by {}, not by this gateway's organization {}",
			author.as_ref().map_or("the patient".into(), ss58),
			ss58(&expected.organization)
		));
	}
	if record.category != expected.category {
		return Err(format!(
			"record {record_id:?} has category {:?}, the document {:?}",
			record.category, expected.category
		));
	}
	if <[u8; 32]>::from(record.patient.clone()) != expected.patient {
		return Err(format!(
			"record {record_id:?} is of patient {}, the document of {}",
			record.patient.to_ss58check(),
			ss58(&expected.patient)
		));
	}
	if record.content_hash.0 != expected.content_hash {
		return Err(format!(
			"record {record_id:?} has content hash {:?}, the document 0x{}",
			record.content_hash,
			hex::encode(expected.content_hash)
		));
	}
	if record.supersedes.map(|r| r.0) != expected.supersedes {
		return Err(format!(
			"record {record_id:?} supersedes {:?}, the document {:?}",
			record.supersedes,
			expected.supersedes.map(H256)
		));
	}
	match &record.locator {
		Some(locator) if locator.as_slice() == expected.locator => Ok(()),
		None if sealed_ok && record.is_sealed() => Ok(()),
		None => Err(format!("record {record_id:?} has no locator (sealed)")),
		Some(locator) => Err(format!(
			"record {record_id:?} has locator {:?}, the document {:?}",
			String::from_utf8_lossy(locator),
			String::from_utf8_lossy(expected.locator)
		)),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame_system::{DispatchEventInfo, Phase};
	use sp_runtime::DispatchError;

	const OURS: [u8; 32] = [1; 32];
	const OTHER_ORG: [u8; 32] = [2; 32];
	const PATIENT: [u8; 32] = [3; 32];
	const HASH: [u8; 32] = [4; 32];
	const LOCATOR: &str = "mcg1:00112233445566778899aabbccddeeff";
	const OUR_TX: [u8; 32] = [0xaa; 32];
	const OUR_RECORD: H256 = H256([0x0a; 32]);
	const COMPETING_RECORD: H256 = H256([0x0b; 32]);

	fn expected() -> Expected<'static> {
		Expected {
			organization: OURS,
			patient: PATIENT,
			category: RecordCategory::MentalHealth,
			content_hash: HASH,
			locator: LOCATOR.as_bytes(),
			supersedes: None,
		}
	}

	fn at(index: u32, event: RuntimeEvent) -> EventRecord {
		EventRecord { phase: Phase::ApplyExtrinsic(index), event, topics: vec![] }
	}

	fn success(index: u32) -> EventRecord {
		at(
			index,
			RuntimeEvent::System(frame_system::Event::ExtrinsicSuccess {
				dispatch_info: DispatchEventInfo::default(),
			}),
		)
	}

	fn failure(index: u32, error: DispatchError) -> EventRecord {
		at(
			index,
			RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
				dispatch_error: error,
				dispatch_info: DispatchEventInfo::default(),
			}),
		)
	}

	fn anchored(
		index: u32,
		record_id: H256,
		author: Option<[u8; 32]>,
		category: RecordCategory,
		patient: [u8; 32],
		hash: [u8; 32],
	) -> EventRecord {
		at(
			index,
			RuntimeEvent::HealthRecords(pallet_health_records::Event::RecordAnchored {
				record_id,
				patient: AccountId32::from(patient),
				category,
				content_hash: H256(hash),
				author: author.map(AccountId32::from),
				supersedes: None,
			}),
		)
	}

	/// Extrinsic hashes of a block: the timestamp inherent, then `txs` (ours is `OUR_TX`).
	fn block(txs: &[[u8; 32]]) -> Vec<H256> {
		core::iter::once([0u8; 32]).chain(txs.iter().copied()).map(H256).collect()
	}

	fn ours_anchored(index: u32) -> Vec<EventRecord> {
		vec![
			anchored(index, OUR_RECORD, Some(OURS), RecordCategory::MentalHealth, PATIENT, HASH),
			success(index),
		]
	}

	fn record(
		author: Option<[u8; 32]>,
		category: RecordCategory,
		locator: Option<&str>,
	) -> ChainRecord {
		ChainRecord {
			patient: AccountId32::from(PATIENT),
			category,
			content_hash: H256(HASH),
			locator: locator.map(|l| l.as_bytes().to_vec().try_into().expect("short locator")),
			author: author.map(AccountId32::from),
			anchored_by: AccountId32::from([9; 32]),
			anchored_at: 1,
			block: 2,
			supersedes: None,
			superseded_by: None,
			sealed_at: if locator.is_none() { Some(3) } else { None },
		}
	}

	/// The exploit's block: a competitor's LabResults anchor of our (patient, content hash),
	/// ordered first by its tip (extrinsic 1), then ours (extrinsic 2).
	fn front_run_block() -> (Vec<EventRecord>, Vec<H256>) {
		let mut events = vec![
			anchored(
				1,
				COMPETING_RECORD,
				Some(OTHER_ORG),
				RecordCategory::LabResults,
				PATIENT,
				HASH,
			),
			success(1),
		];
		events.extend(ours_anchored(2));
		(events, block(&[[0xbb; 32], OUR_TX]))
	}

	#[test]
	fn binds_to_its_own_extrinsic_not_an_earlier_competing_anchor_of_the_same_hash() {
		// Extrinsic 1: a competitor's anchor of the same (patient, content hash) under
		// another category, ordered first (tip); extrinsic 2: ours.
		let (events, extrinsics) = front_run_block();
		assert_eq!(
			own_anchor(&events, &extrinsics, Some(OUR_TX), &expected()),
			Outcome::Anchored(OUR_RECORD)
		);
		// Alone in its block, at any index, the same.
		assert_eq!(
			own_anchor(&ours_anchored(1), &block(&[OUR_TX]), Some(OUR_TX), &expected()),
			Outcome::Anchored(OUR_RECORD)
		);
	}

	#[test]
	fn our_extrinsic_absent_from_the_block_binds_nothing_even_if_the_hash_was_anchored() {
		// Someone else anchored our content hash (same category, even); ours is not here.
		let events = vec![
			anchored(
				1,
				COMPETING_RECORD,
				Some(OTHER_ORG),
				RecordCategory::MentalHealth,
				PATIENT,
				HASH,
			),
			success(1),
		];
		let extrinsics = block(&[[0xbb; 32]]);
		assert_eq!(own_anchor(&events, &extrinsics, Some(OUR_TX), &expected()), Outcome::Absent);
		assert_eq!(own_anchor(&events, &extrinsics, None, &expected()), Outcome::Absent);
	}

	#[test]
	fn our_failed_extrinsic_is_failed_with_the_chains_reason_despite_a_competing_anchor() {
		let no_consent: DispatchError = pallet_consent::Error::<Runtime>::NoConsent.into();
		let events = vec![
			anchored(
				1,
				COMPETING_RECORD,
				Some(OTHER_ORG),
				RecordCategory::LabResults,
				PATIENT,
				HASH,
			),
			success(1),
			failure(2, no_consent),
		];
		assert_eq!(
			own_anchor(&events, &block(&[[0xbb; 32], OUR_TX]), Some(OUR_TX), &expected()),
			Outcome::Failed("Consent.NoConsent".into())
		);
	}

	#[test]
	fn our_extrinsic_anchoring_something_else_is_a_mismatch_never_another_event() {
		let extrinsics = block(&[[0xbb; 32], OUR_TX]);
		let cases = [
			("wrong author", Some(OTHER_ORG), RecordCategory::MentalHealth, PATIENT, HASH),
			("patient author", None, RecordCategory::MentalHealth, PATIENT, HASH),
			("wrong category", Some(OURS), RecordCategory::LabResults, PATIENT, HASH),
			("wrong patient", Some(OURS), RecordCategory::MentalHealth, [7; 32], HASH),
			("wrong hash", Some(OURS), RecordCategory::MentalHealth, PATIENT, [8; 32]),
		];
		for (what, author, category, patient, hash) in cases {
			// A perfectly matching event in the extrinsic before ours must not be taken.
			let events = vec![
				anchored(
					1,
					COMPETING_RECORD,
					Some(OURS),
					RecordCategory::MentalHealth,
					PATIENT,
					HASH,
				),
				success(1),
				anchored(2, OUR_RECORD, author, category, patient, hash),
				success(2),
			];
			match own_anchor(&events, &extrinsics, Some(OUR_TX), &expected()) {
				Outcome::Mismatch(why) => assert!(why.contains("0x0a0a"), "{what}: {why}"),
				other => panic!("{what}: {other:?}"),
			}
		}
		// Succeeded, but no RecordAnchored in its phase (the block's only one is elsewhere).
		let events = vec![
			anchored(1, COMPETING_RECORD, Some(OURS), RecordCategory::MentalHealth, PATIENT, HASH),
			success(1),
			success(2),
		];
		assert!(matches!(
			own_anchor(&events, &extrinsics, Some(OUR_TX), &expected()),
			Outcome::Mismatch(why) if why.contains("anchored no record")
		));
		// Neither success nor failure in its phase.
		assert!(matches!(
			own_anchor(&ours_anchored(1), &extrinsics, Some(OUR_TX), &expected()),
			Outcome::Mismatch(_)
		));
	}

	#[test]
	fn a_correction_binds_only_to_its_own_anchor_linking_the_version_it_names() {
		let correction = Expected { supersedes: Some([5; 32]), ..expected() };
		let linking = |previous: Option<[u8; 32]>| {
			vec![
				at(
					1,
					RuntimeEvent::HealthRecords(pallet_health_records::Event::RecordAnchored {
						record_id: OUR_RECORD,
						patient: AccountId32::from(PATIENT),
						category: RecordCategory::MentalHealth,
						content_hash: H256(HASH),
						author: Some(AccountId32::from(OURS)),
						supersedes: previous.map(H256),
					}),
				),
				success(1),
			]
		};
		let extrinsics = block(&[OUR_TX]);
		assert_eq!(
			own_anchor(&linking(Some([5; 32])), &extrinsics, Some(OUR_TX), &correction),
			Outcome::Anchored(OUR_RECORD)
		);
		for previous in [None, Some([6; 32])] {
			assert!(matches!(
				own_anchor(&linking(previous), &extrinsics, Some(OUR_TX), &correction),
				Outcome::Mismatch(why) if why.contains("supersedes")
			));
		}
		// A plain upload whose extrinsic linked a version is a mismatch too.
		assert!(matches!(
			own_anchor(&linking(Some([5; 32])), &extrinsics, Some(OUR_TX), &expected()),
			Outcome::Mismatch(_)
		));
	}

	#[test]
	fn the_stored_record_must_carry_our_author_category_patient_hash_and_locator() {
		let e = expected();
		let ok = record(Some(OURS), RecordCategory::MentalHealth, Some(LOCATOR));
		assert_eq!(check_record(OUR_RECORD, Some(&ok), &e, false), Ok(()));
		assert!(check_record(OUR_RECORD, None, &e, true).is_err());
		let wrong_locator = record(Some(OURS), RecordCategory::MentalHealth, Some("x"));
		let err = check_record(OUR_RECORD, Some(&wrong_locator), &e, true).unwrap_err();
		assert!(err.contains("locator"), "{err}");
		let wrong_author = record(Some(OTHER_ORG), RecordCategory::MentalHealth, Some(LOCATOR));
		assert!(check_record(OUR_RECORD, Some(&wrong_author), &e, false).is_err());
		let patients = record(None, RecordCategory::MentalHealth, Some(LOCATOR));
		assert!(check_record(OUR_RECORD, Some(&patients), &e, false).is_err());
		let wrong_category = record(Some(OURS), RecordCategory::LabResults, Some(LOCATOR));
		assert!(check_record(OUR_RECORD, Some(&wrong_category), &e, false).is_err());
		let mut wrong_patient = ok.clone();
		wrong_patient.patient = AccountId32::from([7; 32]);
		assert!(check_record(OUR_RECORD, Some(&wrong_patient), &e, false).is_err());
		let mut wrong_hash = ok.clone();
		wrong_hash.content_hash = H256([8; 32]);
		assert!(check_record(OUR_RECORD, Some(&wrong_hash), &e, false).is_err());
		// A correction must link exactly the version the row names, and a plain upload none.
		let mut linked = ok.clone();
		linked.supersedes = Some(H256([5; 32]));
		let err = check_record(OUR_RECORD, Some(&linked), &e, false).unwrap_err();
		assert!(err.contains("supersedes"), "{err}");
		let correction = Expected { supersedes: Some([5; 32]), ..expected() };
		assert_eq!(check_record(OUR_RECORD, Some(&linked), &correction, false), Ok(()));
		assert!(check_record(OUR_RECORD, Some(&ok), &correction, false).is_err());
		let other_version = Expected { supersedes: Some([6; 32]), ..expected() };
		assert!(check_record(OUR_RECORD, Some(&linked), &other_version, false).is_err());
		// Sealed in the very block that anchored it: bound (the seal then destroys it), but
		// never served.
		let sealed = record(Some(OURS), RecordCategory::MentalHealth, None);
		assert_eq!(check_record(OUR_RECORD, Some(&sealed), &e, true), Ok(()));
		assert!(check_record(OUR_RECORD, Some(&sealed), &e, false).is_err());
	}

	fn proxy_executed(index: u32, result: sp_runtime::DispatchResult) -> EventRecord {
		at(index, RuntimeEvent::Proxy(pallet_proxy::Event::ProxyExecuted { result }))
	}

	#[test]
	fn an_anchor_sent_as_an_anchor_proxy_binds_only_if_its_proxied_call_succeeded() {
		// `Proxy.proxy { real: staff, Anchor, anchor_record }` by the gateway's key. The
		// outer extrinsic succeeds whatever the anchor did; `ProxyExecuted` says.
		let extrinsics = block(&[[0xbb; 32], OUR_TX]);
		let mut events = ours_anchored(2);
		events.insert(1, proxy_executed(2, Ok(())));
		assert_eq!(
			own_anchor(&events, &extrinsics, Some(OUR_TX), &expected()),
			Outcome::Anchored(OUR_RECORD)
		);
		// The proxied anchor failed (the chain refused it): no RecordAnchored, the outer
		// extrinsic still a success. Failed with the anchor's reason, even with a competing
		// anchor of the same hash by another extrinsic in the block.
		let no_consent: DispatchError = pallet_consent::Error::<Runtime>::NoConsent.into();
		let events = vec![
			anchored(1, COMPETING_RECORD, Some(OURS), RecordCategory::MentalHealth, PATIENT, HASH),
			success(1),
			proxy_executed(2, Err(no_consent)),
			success(2),
		];
		assert_eq!(
			own_anchor(&events, &extrinsics, Some(OUR_TX), &expected()),
			Outcome::Failed("Consent.NoConsent".into())
		);
		// The proxy filter refused the call (not an Anchor proxy any more, or a call other
		// than anchor_record): failed too.
		let filtered: DispatchError = frame_system::Error::<Runtime>::CallFiltered.into();
		let events = vec![proxy_executed(2, Err(filtered)), success(2)];
		assert!(matches!(
			own_anchor(&events, &extrinsics, Some(OUR_TX), &expected()),
			Outcome::Failed(why) if why.contains("CallFiltered")
		));
		// Two proxied calls in our extrinsic: not what the gateway sends; never bound.
		let mut events = ours_anchored(2);
		events.insert(0, proxy_executed(2, Ok(())));
		events.insert(0, proxy_executed(2, Ok(())));
		assert!(matches!(
			own_anchor(&events, &extrinsics, Some(OUR_TX), &expected()),
			Outcome::Mismatch(_)
		));
	}

	#[test]
	fn the_front_running_scenario_of_n1_binds_the_right_record() {
		// The exploit's block: Lakeside's LabResults anchor of our hash with a tip (#1), our
		// MentalHealth anchor (#2). The competitor's record carries its own locator "x".
		let (events, extrinsics) = front_run_block();
		let e = expected();
		let Outcome::Anchored(id) = own_anchor(&events, &extrinsics, Some(OUR_TX), &e) else {
			panic!("not anchored")
		};
		assert_eq!(id, OUR_RECORD);
		let ours = record(Some(OURS), RecordCategory::MentalHealth, Some(LOCATOR));
		assert_eq!(check_record(id, Some(&ours), &e, true), Ok(()));
		// And the competitor's record, were a row ever bound to it, fails the fetch check.
		let theirs = record(Some(OTHER_ORG), RecordCategory::LabResults, Some("x"));
		assert!(check_record(COMPETING_RECORD, Some(&theirs), &e, false).is_err());
	}
}
