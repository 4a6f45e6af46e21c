//! The two background tasks.
//!
//! - The **anchorer** sends `HealthRecords.anchor_record` for every `stored` document, one at
//!   a time, signed by the gateway's key with a mortal era: as `Proxy.proxy` for the staff
//!   key it is an `Anchor` proxy of (`--acts-for`), or directly as a staff key. The row
//!   becomes `submitted` (with the era's birth block and the transaction's hash) *before*
//!   the transaction is sent, so a crash never loses track of one.
//! - The **follower** reads every finalized block exactly once, in order (its cursor is in the
//!   store and advances only after the block's effects are written): a document is bound to
//!   the record its **own** anchoring extrinsic (found by the row's transaction hash) created,
//!   and only if that record is this organization's anchor of exactly this document
//!   (author, category, patient, content hash, locator; see `binding`), never to another
//!   anchor of the same content hash; such a mismatch makes it `failed` (fail closed); an
//!   anchor that failed makes it `failed` with the chain's reason; a submitted anchor whose
//!   era ended unseen is sent again (it can never be included any more, so this cannot
//!   duplicate the record); a sealed record, or a patient's erasure, destroys the documents.
//!   It reads a block only if the runtime that made it and the runtime after it are ones the
//!   gateway was built for (`GatewayApi` version); otherwise it stops there (fail closed).
//! - An anchor the chain refuses for a patient who deregistered is not kept `failed`: the
//!   document is destroyed, as it is at start (`retry_failed`).

use crate::{
	binding::{check_record, own_anchor, Expected, Outcome},
	chain::ANCHOR_ERA_PERIOD,
	service::{parse_category, Gateway, DEREGISTERED},
	store::{Document, State},
};
use medchain_runtime::{RuntimeCall, RuntimeEvent};
use sp_core::{crypto::AccountId32, H256};
use std::{sync::Arc, time::Duration};

/// The store's key of the follower's cursor (last finalized block processed, u32 LE).
pub const CURSOR: &str = "finalized_cursor";

/// How a row's note starts when its own anchoring extrinsic anchored something else than
/// the document (fail closed: the row is `failed`, bound to no record).
pub const ANCHOR_MISMATCH: &str = "AnchorMismatch";

/// Send anchors for stored documents, forever.
pub async fn anchorer(g: Arc<Gateway>) {
	loop {
		if let Err(e) = anchor_stored(&g).await {
			log::warn!("anchoring: {e}");
		}
		tokio::select! {
			_ = g.wake_anchorer.notified() => {},
			_ = tokio::time::sleep(Duration::from_secs(2)) => {},
		}
	}
}

async fn anchor_stored(g: &Gateway) -> Result<(), String> {
	let documents = g.store.unfinished().map_err(|e| e.to_string())?;
	for doc in documents.into_iter().filter(|d| d.state == State::Stored) {
		anchor_one(g, &doc).await?;
	}
	Ok(())
}

async fn anchor_one(g: &Gateway, doc: &Document) -> Result<(), String> {
	let Some(category) = parse_category(&doc.category) else {
		return mark_failed(g, doc, &format!("unknown category {}", doc.category));
	};
	let locator =
		doc.locator.as_bytes().to_vec().try_into().map_err(|_| "locator too long".to_string())?;
	let call = RuntimeCall::HealthRecords(pallet_health_records::Call::anchor_record {
		patient: AccountId32::from(doc.patient),
		category,
		content_hash: H256(doc.content_hash),
		locator,
		supersedes: doc.supersedes.map(H256),
	});
	// As an `Anchor` proxy of a staff key (`--acts-for`), or directly as staff.
	let call = crate::proxy::as_sent(call, g.acts_for);
	let (bytes, birth) =
		g.chain.sign(&g.signer, call, g.versions.genesis).await.map_err(|e| e.to_string())?;
	let tx_hash = sp_crypto_hashing::blake2_256(&bytes);
	// Durable first: from here on, a crash finds the row submitted and waits for the era.
	g.store.set_submitted(&doc.locator, birth, tx_hash, &bytes).map_err(|e| e.to_string())?;
	crash_point("before-send");
	match g.chain.submit(&bytes).await {
		Ok(_) => {
			crash_point("after-send");
			log::info!("anchor of {} sent (era from #{birth})", doc.locator);
			g.notify_changed();
			Ok(())
		}
		Err(e) => {
			// The node refused it outright (invalid: fees, nonce, bad call...): never included.
			settle_failed(g, doc, &format!("the node refused the anchoring transaction: {}", e.0))
				.await
		}
	}
}

/// Fault injection for the crash tests (tests/e2e/test/gateway.test.js): with
/// `MEDCHAIN_GATEWAY_CRASH_AT=<point>` the process aborts there, as a power cut would.
fn crash_point(point: &str) {
	if std::env::var("MEDCHAIN_GATEWAY_CRASH_AT").is_ok_and(|at| at == point) {
		log::error!("MEDCHAIN_GATEWAY_CRASH_AT={point}: aborting (crash test)");
		std::process::abort();
	}
}

fn mark_failed(g: &Gateway, doc: &Document, reason: &str) -> Result<(), String> {
	log::warn!("anchor of {} failed: {reason}", doc.locator);
	g.store
		.set_state(&doc.locator, State::Failed, None, None, Some(reason))
		.map_err(|e| e.to_string())?;
	g.notify_changed();
	Ok(())
}

/// An anchor that failed: if its patient has deregistered, the chain will never anchor it, so
/// the document is destroyed; otherwise it is `failed` (retried on restart or re-upload).
async fn settle_failed(g: &Gateway, doc: &Document, reason: &str) -> Result<(), String> {
	match deregistered(g, doc.patient).await {
		Ok(true) => {
			log::info!(
				"anchor of {} refused ({reason}): the patient deregistered; destroyed",
				doc.locator
			);
			g.store.destroy_document(&doc.locator, DEREGISTERED).map_err(|e| e.to_string())?;
			g.notify_changed();
			Ok(())
		}
		Ok(false) => mark_failed(g, doc, reason),
		Err(e) => {
			log::warn!("cannot ask whether the patient of {} deregistered: {e}", doc.locator);
			mark_failed(g, doc, reason)
		}
	}
}

/// Whether `patient` has deregistered, at the best block.
async fn deregistered(g: &Gateway, patient: [u8; 32]) -> Result<bool, String> {
	let best = g.chain.best_hash().await.map_err(|e| e.to_string())?;
	g.chain.patient_deregistered(patient, best).await.map_err(|e| e.to_string())
}

/// Follow finalized blocks, forever.
pub async fn follower(g: Arc<Gateway>) {
	loop {
		if let Err(e) = follow_finalized(&g).await {
			log::warn!("following finalized blocks: {e}");
			tokio::time::sleep(Duration::from_secs(2)).await;
		}
		tokio::time::sleep(Duration::from_millis(300)).await;
	}
}

fn cursor(g: &Gateway) -> Result<Option<u32>, String> {
	Ok(g.store
		.meta(CURSOR)
		.map_err(|e| e.to_string())?
		.and_then(|v| v.try_into().ok().map(u32::from_le_bytes)))
}

/// Process every finalized block after the cursor.
pub async fn follow_finalized(g: &Gateway) -> Result<(), String> {
	let (finalized, finalized_hash) = g.chain.finalized().await.map_err(|e| e.to_string())?;
	let mut next = match cursor(g)? {
		Some(done) => done.saturating_add(1),
		None => {
			// First start: nothing of ours can be on chain yet.
			g.store.set_meta(CURSOR, &finalized.to_le_bytes()).map_err(|e| e.to_string())?;
			return Ok(());
		}
	};
	while next <= finalized {
		if let Err(e) = process_block(g, next).await {
			// A pruning node no longer has this block's state: never stop there for
			// good, never skip silently: reconcile with the finalized head's state instead.
			if crate::reconcile::state_pruned(&e) {
				crate::reconcile::skip_gap(g, next, finalized, finalized_hash, &e).await?;
				return Ok(());
			}
			return Err(e);
		}
		g.store.set_meta(CURSOR, &next.to_le_bytes()).map_err(|e| e.to_string())?;
		next += 1;
	}
	Ok(())
}

async fn process_block(g: &Gateway, number: u32) -> Result<(), String> {
	let chain = &g.chain;
	let hash = chain
		.block_hash(number)
		.await
		.map_err(|e| e.to_string())?
		.ok_or_else(|| format!("finalized block #{number} has no hash"))?;
	// The runtime that made this block (its parent's) and the one after it: both must be
	// ones the gateway was built for, or it decodes nothing of this block.
	let parent = match number.checked_sub(1) {
		Some(p) => chain.block_hash(p).await.map_err(|e| e.to_string())?,
		None => None,
	};
	for at in parent.into_iter().chain([hash]) {
		if let Err(why) = g.readable_runtime(at).await.map_err(|e| e.to_string())? {
			return Err(format!("not following finalized block #{number}: {why}"));
		}
	}
	let events = chain.events(hash).await.map_err(|e| e.to_string())?;
	let unfinished = g.store.unfinished().map_err(|e| e.to_string())?;
	let mut changed = false;

	// Our anchors' outcomes.
	let submitted: Vec<&Document> = unfinished
		.iter()
		.filter(|d| matches!(d.state, State::Submitted | State::InBlock))
		.collect();
	if !submitted.is_empty() {
		let extrinsics = chain.extrinsic_hashes(hash).await.map_err(|e| e.to_string())?;
		for doc in &submitted {
			// Only our own extrinsic's anchor counts: an anchor of the same content hash
			// by anyone else, earlier in this block or in any other, is not ours.
			let outcome = match Expected::of(doc, g.organization) {
				Ok(expected) => match own_anchor(&events, &extrinsics, doc.tx_hash, &expected) {
					Outcome::Anchored(record_id) => {
						let record =
							chain.record(record_id, hash).await.map_err(|e| e.to_string())?;
						match check_record(record_id, record.as_ref(), &expected, true) {
							Ok(()) => Outcome::Anchored(record_id),
							Err(why) => Outcome::Mismatch(why),
						}
					}
					other => other,
				},
				// Our extrinsic is here but the row cannot say what it must be: fail closed.
				Err(why) if doc.tx_hash.is_some_and(|tx| extrinsics.iter().any(|h| h.0 == tx)) => {
					Outcome::Mismatch(why)
				}
				Err(_) => Outcome::Absent,
			};
			match outcome {
				Outcome::Anchored(record_id) => {
					log::info!("{} anchored as {record_id:?} in finalized #{number}", doc.locator);
					g.store
						.set_state(&doc.locator, State::Anchored, Some(record_id.0), None, None)
						.map_err(|e| e.to_string())?;
					changed = true;
					continue;
				}
				Outcome::Failed(reason) => {
					settle_failed(g, doc, &reason).await?;
					changed = true;
					continue;
				}
				Outcome::Mismatch(why) => {
					log::error!(
						"ANCHOR MISMATCH: the anchoring extrinsic of {} in finalized #{number} did not anchor this document: {why}; not bound to any record",
						doc.locator
					);
					mark_failed(g, doc, &format!("{ANCHOR_MISMATCH}: {why}"))?;
					changed = true;
					continue;
				}
				Outcome::Absent => {}
			}
			// An era that ended unseen: the transaction can never be included; send it again.
			if let Some(birth) = doc.submitted_from {
				if u64::from(number) + 1 >= u64::from(birth) + ANCHOR_ERA_PERIOD {
					log::warn!(
						"anchor of {} not included within its era; sending it again",
						doc.locator
					);
					g.store
						.set_state(&doc.locator, State::Stored, None, None, None)
						.map_err(|e| e.to_string())?;
					g.wake_anchorer.notify_one();
					changed = true;
				}
			}
		}
	}

	// Sealed records and erased patients.
	for record in &events {
		match &record.event {
			RuntimeEvent::HealthRecords(pallet_health_records::Event::RecordSealed {
				record_id,
				..
			}) => {
				let destroyed =
					g.store.destroy_record(&record_id.0, "sealed").map_err(|e| e.to_string())?;
				if destroyed {
					log::info!("record {record_id:?} sealed in #{number}: document destroyed");
					changed = true;
				}
			}
			RuntimeEvent::HealthRecords(pallet_health_records::Event::RecordsErased {
				patient,
				..
			})
			| RuntimeEvent::PatientIdentity(
				pallet_patient_identity::Event::PatientDeregistered { patient },
			) => {
				let n = g
					.store
					.destroy_patient(&<[u8; 32]>::from(patient.clone()), "erased by the patient")
					.map_err(|e| e.to_string())?;
				if n > 0 {
					log::info!("patient erased in #{number}: {n} document(s) destroyed");
					changed = true;
				}
			}
			_ => {}
		}
	}
	if changed {
		g.notify_changed();
	}
	Ok(())
}

/// On start: anchors the chain refused before are tried again, but for patients who have
/// deregistered since (or before): those documents are destroyed. Returns (retried,
/// destroyed).
pub async fn retry_failed(g: &Gateway) -> Result<(usize, usize), String> {
	let failed: Vec<Document> = g
		.store
		.unfinished()
		.map_err(|e| e.to_string())?
		.into_iter()
		.filter(|d| d.state == State::Failed)
		.collect();
	let (mut retried, mut destroyed) = (0, 0);
	for doc in &failed {
		if deregistered(g, doc.patient).await? {
			g.store.destroy_document(&doc.locator, DEREGISTERED).map_err(|e| e.to_string())?;
			destroyed += 1;
			continue;
		}
		g.store
			.set_state(&doc.locator, State::Stored, None, None, None)
			.map_err(|e| e.to_string())?;
		retried += 1;
	}
	Ok((retried, destroyed))
}

/// On start: send again, byte for byte, every anchor that was on its way when the gateway
/// stopped. The same bytes carry the same nonce, so the chain includes them at most once;
/// when the node refuses them (already included, or their nonce was used), the follower
/// settles the row (anchored, or sent anew once the era is over).
pub async fn resend_submitted(g: &Gateway) -> Result<usize, String> {
	let submitted: Vec<Document> = g
		.store
		.unfinished()
		.map_err(|e| e.to_string())?
		.into_iter()
		.filter(|d| matches!(d.state, State::Submitted | State::InBlock))
		.collect();
	let mut resent = 0;
	for doc in &submitted {
		let Some(bytes) = &doc.extrinsic else { continue };
		match g.chain.submit(bytes).await {
			Ok(_) => {
				resent += 1;
				log::info!("anchor of {} sent again (same bytes)", doc.locator);
			}
			Err(e) => log::info!(
				"anchor of {} not re-sent: {} (the follower settles it)",
				doc.locator,
				e.0
			),
		}
	}
	Ok(resent)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::chain::BuiltFor;
	use crate::mock_node::{self, hash_of, runtime_version, MockNode};
	use sp_core::{sr25519, Pair};

	async fn setup(node: &MockNode, dir: &std::path::Path) -> Arc<Gateway> {
		let staff = sr25519::Pair::from_string("//Staff", None).expect("key");
		mock_node::gateway(node, dir, &staff).await
	}

	#[tokio::test]
	async fn on_start_refused_documents_of_deregistered_patients_are_destroyed_not_retried() {
		let node = MockNode::start().await;
		let dir = tempfile::tempdir().expect("tempdir");
		let g = setup(&node, dir.path()).await;
		mock_node::put_document(&g, "mcg1:gone", [1; 32], State::Failed, None);
		mock_node::put_document(&g, "mcg1:kept", [2; 32], State::Failed, None);
		mock_node::deregister(&node, [1; 32]);
		assert_eq!(retry_failed(&g).await.expect("retried"), (1, 1));
		let gone = g.store.by_locator("mcg1:gone").expect("read").expect("row");
		assert_eq!((gone.state, gone.ciphertext, gone.wrapped_key), (State::Destroyed, None, None));
		assert_eq!(
			g.store.by_locator("mcg1:kept").expect("read").expect("row").state,
			State::Stored
		);
		// And never again: a destroyed document is not unfinished.
		assert_eq!(retry_failed(&g).await.expect("retried"), (0, 0));
	}

	#[tokio::test]
	async fn an_anchor_refused_for_a_deregistered_patient_destroys_the_document() {
		let node = MockNode::start().await;
		let dir = tempfile::tempdir().expect("tempdir");
		let g = setup(&node, dir.path()).await;
		mock_node::put_document(&g, "mcg1:a", [1; 32], State::Submitted, None);
		mock_node::put_document(&g, "mcg1:b", [2; 32], State::Submitted, None);
		mock_node::deregister(&node, [1; 32]);
		for locator in ["mcg1:a", "mcg1:b"] {
			let doc = g.store.by_locator(locator).expect("read").expect("row");
			settle_failed(&g, &doc, "HealthRecords.DeregisteredPatient").await.expect("settled");
		}
		assert_eq!(
			g.store.by_locator("mcg1:a").expect("read").expect("row").state,
			State::Destroyed
		);
		assert_eq!(g.store.by_locator("mcg1:b").expect("read").expect("row").state, State::Failed);
	}

	#[tokio::test]
	async fn with_acts_for_anchors_are_sent_as_anchor_proxy_calls_for_the_staff_key() {
		use codec::Decode;
		let node = MockNode::start().await;
		let dir = tempfile::tempdir().expect("tempdir");
		let staff = [0x51; 32];
		let g = Arc::new(
			Arc::into_inner(setup(&node, dir.path()).await)
				.expect("one reference")
				.acting_for(Some(staff)),
		);
		mock_node::put_document(&g, "mcg1:p", [1; 32], State::Stored, None);
		anchor_stored(&g).await.expect("anchored");
		let sent = node.with(|s| s.submitted.clone());
		assert_eq!(sent.len(), 1);
		let xt = medchain_runtime::UncheckedExtrinsic::decode(&mut &sent[0][..]).expect("xt");
		let sp_runtime::generic::Preamble::Signed(signer, ..) = &xt.preamble else {
			panic!("not signed")
		};
		// Signed by the gateway's own key, for the staff key, forcing the Anchor type.
		assert_eq!(*signer, AccountId32::from(g.signer.public()).into());
		match xt.function {
			RuntimeCall::Proxy(pallet_proxy::Call::proxy { real, force_proxy_type, call }) => {
				assert_eq!(real, AccountId32::from(staff).into());
				assert_eq!(force_proxy_type, Some(medchain_runtime::ProxyType::Anchor));
				assert!(matches!(
					*call,
					RuntimeCall::HealthRecords(pallet_health_records::Call::anchor_record {
						ref patient, ref locator, ..
					}) if *patient == AccountId32::from([1; 32]) && locator.as_slice() == b"mcg1:p"
				));
			}
			other => panic!("not a proxy call: {other:?}"),
		}
		let doc = g.store.by_locator("mcg1:p").expect("read").expect("row");
		assert_eq!(doc.state, State::Submitted);
		assert_eq!(doc.tx_hash, Some(sp_crypto_hashing::blake2_256(&sent[0])));
	}

	#[tokio::test]
	async fn the_follower_stops_at_a_block_of_a_runtime_it_was_not_built_for() {
		let node = MockNode::start().await;
		let dir = tempfile::tempdir().expect("tempdir");
		let g = setup(&node, dir.path()).await;
		g.store.set_meta(CURSOR, &6u32.to_le_bytes()).expect("cursor");
		let b = BuiltFor::runtime();
		// Block 8 (finalized) is the first of a runtime with another GatewayApi version.
		node.with(|s| {
			s.runtime_at.insert(
				hash_of(8),
				runtime_version(b.spec_version + 1, Some(b.gateway_api + 1), b.transaction_version),
			);
		});
		let e = follow_finalized(&g).await.expect_err("stops");
		assert!(
			e.contains("not following finalized block #8") && e.contains("GatewayApi version"),
			"{e}"
		);
		assert_eq!(cursor(&g).expect("cursor"), Some(7), "block 7 is processed, 8 is not");
		// A gateway for that runtime (here: the node back on the API it was built for) goes on.
		node.with(|s| s.runtime_at.clear());
		let other = tempfile::tempdir().expect("tempdir");
		let g = setup(&node, other.path()).await;
		g.store.set_meta(CURSOR, &7u32.to_le_bytes()).expect("cursor");
		follow_finalized(&g).await.expect("follows");
		assert_eq!(cursor(&g).expect("cursor"), Some(8));
	}
}
