//! Catching up without historical state.
//!
//! The follower reads each finalized block's events from the state at that block. A node
//! that prunes state (the default keeps 256 blocks, about 13 minutes) no longer has it for a
//! gateway that was down, or behind, for longer: those blocks' events cannot be read. Rather
//! than stop there forever (sealed and erased documents never destroyed, anchors never
//! confirmed) or skip them silently, the gateway then **reconciles** every document it holds
//! with the chain's *current* state at the finalized head, and follows on from that head:
//!
//! - the patient has deregistered (`PatientIdentity.Tombstones`): every document of theirs is
//!   destroyed;
//! - an anchored document whose record is sealed (`HealthRecords.Records` `sealed_at`, its
//!   locator erased) or absent: destroyed;
//! - a document whose anchor was on its way (`submitted`): bound to the record its anchor
//!   created, found by the patient's record index (`PatientRecords`) among the records
//!   anchored since the transaction's era began, and only if exactly one record there is
//!   this gateway's anchor of exactly this document (author, category, patient, content
//!   hash, locator, supersedes: the checks of `binding`); destroyed at once if that record is
//!   sealed. None, once the era is over: sent again (it can no longer be included).
//!
//! It runs at every start and whenever the follower meets a block whose state the node no
//! longer has.

use crate::{
	binding::{check_record, ChainRecord, Expected},
	chain::ANCHOR_ERA_PERIOD,
	service::Gateway,
	store::{Document, State},
	worker::CURSOR,
};
use medchain_runtime::Runtime;
use sp_core::{crypto::AccountId32, H256};
use std::collections::HashMap;

/// How the node says it no longer has a block's state (`sc-client-db`:
/// `UnknownBlock: State already discarded for 0x…`).
pub const STATE_DISCARDED: &str = "State already discarded";

/// Whether a chain error is the node's "this block's state was pruned".
pub fn state_pruned(error: &str) -> bool {
	error.contains(STATE_DISCARDED)
}

/// What a reconciliation did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reconciled {
	/// Documents destroyed (sealed, erased, patient deregistered).
	pub destroyed: usize,
	/// Anchors found on chain and bound.
	pub anchored: usize,
	/// Anchors whose era ended unseen: to be sent again.
	pub resent: usize,
}

fn text<E: core::fmt::Display>(e: E) -> String {
	e.to_string()
}

/// Reconcile every document held with the chain's state at block `head` (`at`, finalized).
pub async fn reconcile(g: &Gateway, head: u32, at: H256) -> Result<Reconciled, String> {
	let mut done = Reconciled::default();
	let mut deregistered: HashMap<[u8; 32], bool> = HashMap::new();
	for doc in g.store.live().map_err(text)? {
		let gone = match deregistered.get(&doc.patient) {
			Some(gone) => *gone,
			None => {
				let gone = g.chain.patient_deregistered(doc.patient, at).await.map_err(text)?;
				deregistered.insert(doc.patient, gone);
				gone
			}
		};
		if gone {
			let n = g.store.destroy_patient(&doc.patient, "erased by the patient").map_err(text)?;
			if n > 0 {
				log::info!(
					"reconciliation at #{head}: the patient deregistered: {n} document(s) destroyed"
				);
			}
			done.destroyed += n;
			continue;
		}
		match doc.state {
			State::Anchored => {
				let Some(record_id) = doc.record_id else { continue };
				let record = g.chain.record(H256(record_id), at).await.map_err(text)?;
				done.destroyed += destroy_if_gone(g, &doc, H256(record_id), record.as_ref(), head)?;
			}
			State::Submitted | State::InBlock => match find_anchor(g, &doc, at).await? {
				Some((record_id, record)) => {
					log::info!(
						"reconciliation at #{head}: {} anchored as {record_id:?} (found by its record, not its event)",
						doc.locator
					);
					g.store
						.set_state(&doc.locator, State::Anchored, Some(record_id.0), None, None)
						.map_err(text)?;
					done.anchored += 1;
					done.destroyed += destroy_if_gone(g, &doc, record_id, Some(&record), head)?;
				}
				None => {
					let era_over = doc.submitted_from.is_none_or(|birth| {
						u64::from(head) + 1 >= u64::from(birth) + ANCHOR_ERA_PERIOD
					});
					if era_over {
						log::warn!(
							"reconciliation at #{head}: the anchor of {} is not on chain and its era is over; sending it again",
							doc.locator
						);
						g.store
							.set_state(&doc.locator, State::Stored, None, None, None)
							.map_err(text)?;
						g.wake_anchorer.notify_one();
						done.resent += 1;
					}
				}
			},
			State::Stored | State::Failed | State::Destroyed => {}
		}
	}
	if done != Reconciled::default() {
		g.notify_changed();
	}
	Ok(done)
}

/// Destroy `doc` if its record is sealed or absent; how many documents were destroyed.
fn destroy_if_gone(
	g: &Gateway,
	doc: &Document,
	record_id: H256,
	record: Option<&ChainRecord>,
	head: u32,
) -> Result<usize, String> {
	let reason = match record {
		None => "the chain has no such record",
		Some(r) if r.is_sealed() || r.locator.is_none() => "sealed",
		Some(_) => return Ok(0),
	};
	let destroyed = g.store.destroy_document(&doc.locator, reason).map_err(text)?;
	if destroyed {
		log::info!(
			"reconciliation at #{head}: record {record_id:?} {reason}: document {} destroyed",
			doc.locator
		);
	}
	Ok(usize::from(destroyed))
}

/// The record `doc`'s anchor created, from the chain's state at `at`: among the patient's
/// records anchored since the anchor's era began, the one record that is this gateway's
/// anchor of exactly this document. `None` if there is none, or more than one (fail
/// closed: never bound to a record it cannot tell apart).
async fn find_anchor(
	g: &Gateway,
	doc: &Document,
	at: H256,
) -> Result<Option<(H256, ChainRecord)>, String> {
	let Ok(expected) = Expected::of(doc, g.organization) else { return Ok(None) };
	let patient = AccountId32::from(doc.patient);
	let since = doc.submitted_from.unwrap_or(0);
	let count_key = pallet_health_records::RecordCount::<Runtime>::hashed_key_for(&patient);
	let count: u32 = g.chain.storage(&count_key, at).await.map_err(text)?.unwrap_or(0);
	let mut found = Vec::new();
	for position in (0..count).rev() {
		let key =
			pallet_health_records::PatientRecords::<Runtime>::hashed_key_for(&patient, position);
		let Some(record_id) = g.chain.storage::<H256>(&key, at).await.map_err(text)? else {
			continue;
		};
		let Some(record) = g.chain.record(record_id, at).await.map_err(text)? else { continue };
		if record.block < since {
			break; // anchored before our transaction could be: older ones too (index order)
		}
		if check_record(record_id, Some(&record), &expected, true).is_ok() {
			found.push((record_id, record));
		}
	}
	match found.len() {
		0 => Ok(None),
		1 => Ok(found.pop()),
		n => {
			log::error!(
				"reconciliation: {n} records are this gateway's anchor of {}: bound to none",
				doc.locator
			);
			Ok(None)
		}
	}
}

/// The follower met block `next`, whose state the node no longer has: reconcile with the
/// finalized head `(head, at)` and continue from there (the cursor moves to `head`).
pub async fn skip_gap(
	g: &Gateway,
	next: u32,
	head: u32,
	at: H256,
	why: &str,
) -> Result<Reconciled, String> {
	log::warn!(
		"the node no longer has the state of finalized block #{next} ({why}): blocks #{next}..#{head} cannot be read one by one. \
		 Reconciling every held document with the chain's state at the finalized head #{head} and following on from there. \
		 Run the gateway's node with --state-pruning archive (or keep more state than the gateway's longest downtime) to follow every block"
	);
	let done = reconcile(g, head, at).await?;
	g.store.set_meta(CURSOR, &head.to_le_bytes()).map_err(text)?;
	log::warn!(
		"reconciled at #{head}: {} document(s) destroyed, {} anchor(s) confirmed, {} to send again; following from #{}",
		done.destroyed,
		done.anchored,
		done.resent,
		head + 1
	);
	Ok(done)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::mock_node::{self, hash_of, MockNode, ORG};
	use codec::Encode;
	use medchain_primitives::RecordCategory;
	use sp_core::{sr25519, Pair};

	const SEALED: [u8; 32] = [0x5e; 32];
	const KEPT: [u8; 32] = [0x4e; 32];
	const FOUND: [u8; 32] = [0xf0; 32];

	/// The chain's record of `put_document`'s document `locator` for `patient` (author
	/// [`ORG`], LabResults, content hash `[1; 32]`), anchored in block 7, sealed or not.
	fn chain_record(patient: [u8; 32], locator: &str, sealed: bool) -> ChainRecord {
		ChainRecord {
			patient: AccountId32::from(patient),
			category: RecordCategory::LabResults,
			content_hash: H256([1; 32]),
			locator: (!sealed).then(|| locator.as_bytes().to_vec().try_into().expect("short")),
			author: Some(AccountId32::from(ORG)),
			anchored_by: AccountId32::from([9; 32]),
			anchored_at: 1,
			block: 7,
			supersedes: None,
			superseded_by: None,
			sealed_at: sealed.then_some(8),
		}
	}

	fn put_record(node: &MockNode, id: [u8; 32], record: &ChainRecord, position: Option<u32>) {
		let key = pallet_health_records::Records::<Runtime>::hashed_key_for(H256(id));
		node.with(|s| s.storage.insert(key, record.encode()));
		if let Some(position) = position {
			let patient = record.patient.clone();
			let count = pallet_health_records::RecordCount::<Runtime>::hashed_key_for(&patient);
			let at = pallet_health_records::PatientRecords::<Runtime>::hashed_key_for(
				&patient, position,
			);
			node.with(|s| {
				s.storage.insert(count, (position + 1).encode());
				s.storage.insert(at, H256(id).encode());
			});
		}
	}

	#[tokio::test]
	async fn a_gateway_behind_a_pruning_node_reconciles_sealed_erased_and_submitted_documents() {
		let node = MockNode::start().await;
		let dir = tempfile::tempdir().expect("tempdir");
		let staff = sr25519::Pair::from_string("//Staff", None).expect("key");
		let g = mock_node::gateway(&node, dir.path(), &staff).await;
		// Documents held while the gateway was down (its cursor at #2): one anchored whose
		// record the patient sealed since, one anchored and still live, one of a patient who
		// deregistered since, and one whose anchor was on its way (era from #6) and got
		// anchored (record in the patient's index), all in blocks the node has pruned.
		mock_node::put_document(&g, "mcg1:sealed", [1; 32], State::Anchored, Some(SEALED));
		mock_node::put_document(&g, "mcg1:kept", [2; 32], State::Anchored, Some(KEPT));
		mock_node::put_document(&g, "mcg1:erased", [3; 32], State::Anchored, Some([0xee; 32]));
		mock_node::put_document(&g, "mcg1:found", [4; 32], State::Submitted, None);
		g.store.set_submitted("mcg1:found", 6, [0xaa; 32], b"xt").expect("submitted");
		put_record(&node, SEALED, &chain_record([1; 32], "mcg1:sealed", true), None);
		put_record(&node, KEPT, &chain_record([2; 32], "mcg1:kept", false), None);
		put_record(&node, [0xee; 32], &chain_record([3; 32], "mcg1:erased", true), None);
		put_record(&node, FOUND, &chain_record([4; 32], "mcg1:found", false), Some(0));
		mock_node::deregister(&node, [3; 32]);
		g.store.set_meta(CURSOR, &2u32.to_le_bytes()).expect("cursor");
		node.with(|s| s.pruned_below = 5);

		// The follower cannot read #3: it reconciles with the finalized head (#8) instead of
		// stopping there for good, and follows on from #8.
		crate::worker::follow_finalized(&g).await.expect("follows");
		let state = |locator: &str| g.store.by_locator(locator).expect("read").expect("row");
		let sealed = state("mcg1:sealed");
		assert_eq!(
			(sealed.state, sealed.ciphertext, sealed.wrapped_key),
			(State::Destroyed, None, None)
		);
		assert_eq!(state("mcg1:erased").state, State::Destroyed);
		assert_eq!(state("mcg1:kept").state, State::Anchored);
		let found = state("mcg1:found");
		assert_eq!((found.state, found.record_id), (State::Anchored, Some(FOUND)));
		let cursor = g.store.meta(CURSOR).expect("meta").expect("cursor");
		assert_eq!(cursor, 8u32.to_le_bytes().to_vec());
		// Blocks the node still has are followed one by one again.
		node.with(|s| s.finalized = 10);
		crate::worker::follow_finalized(&g).await.expect("follows");
		assert_eq!(g.store.meta(CURSOR).expect("meta").expect("cursor"), 10u32.to_le_bytes());
	}

	#[tokio::test]
	async fn an_anchor_not_on_chain_is_sent_again_once_its_era_is_over_never_bound_to_another() {
		let node = MockNode::start().await;
		let dir = tempfile::tempdir().expect("tempdir");
		let staff = sr25519::Pair::from_string("//Staff", None).expect("key");
		let g = mock_node::gateway(&node, dir.path(), &staff).await;
		mock_node::put_document(&g, "mcg1:late", [4; 32], State::Submitted, None);
		g.store.set_submitted("mcg1:late", 6, [0xaa; 32], b"xt").expect("submitted");
		// Another organization's record of the same patient and content hash, with our
		// locator even (copied from the pool): not ours.
		let mut theirs = chain_record([4; 32], "mcg1:late", false);
		theirs.author = Some(AccountId32::from([0x77; 32]));
		put_record(&node, FOUND, &theirs, Some(0));
		// Within its era (born #6, head #8): left as it is.
		assert_eq!(reconcile(&g, 8, hash_of(8)).await.expect("ok"), Reconciled::default());
		assert_eq!(
			g.store.by_locator("mcg1:late").expect("r").expect("row").state,
			State::Submitted
		);
		// Its era over: sent again, not bound.
		let done = reconcile(&g, 6 + 63, hash_of(8)).await.expect("ok");
		assert_eq!(done, Reconciled { resent: 1, ..Reconciled::default() });
		let row = g.store.by_locator("mcg1:late").expect("r").expect("row");
		assert_eq!((row.state, row.record_id), (State::Stored, None));
	}

	#[test]
	fn a_pruning_nodes_refusal_is_recognized() {
		assert!(state_pruned(
			"chain: state_getStorage: ErrorObject { code: ServerError(4003), message: \"Client error: UnknownBlock: State already discarded for 0x01\", data: None }"
		));
		assert!(!state_pruned("chain: connect: connection refused"));
	}
}
