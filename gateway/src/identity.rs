//! Who may use the gateway at all: a **chain identity**, an account the
//! chain knows as a registered (or erased) patient, or as staff or admin of an organization.
//! A request whose account is none of these is refused before its signature is checked and
//! before anything is remembered for it (no nonce, no rate-limit bucket of its own), and
//! before any runtime call on the node: keys made up by the million cost the gateway a
//! bounded cache entry each, and the node a few storage reads per key and cache lifetime.
//!
//! Answers are cached: a known identity for `known_ttl`, an unknown key for `unknown_ttl` (so
//! a key registered on chain meanwhile waits at most that long). The cache holds at most
//! `capacity` accounts; the oldest are forgotten first (a time-ordered queue, no scan).
//! Concurrent requests of one account share one lookup; at most `max_lookups` lookups run at
//! once, so a flood of fresh keys queues behind them while known identities are answered
//! from the cache.
//!
//! The gate is not the access control: the read decision (`GatewayApi.read_decision`) and
//! the upload's staff check still decide at the chain's block, so a cached answer that went
//! stale (a suspension) lets a request reach them, never a document.

use crate::chain::{Chain, ChainError};
use medchain_runtime::Runtime;
use sp_core::{crypto::AccountId32, H256};
use std::{
	collections::{HashMap, VecDeque},
	sync::{
		atomic::{AtomicU64, Ordering},
		Arc, Mutex,
	},
	time::{Duration, Instant},
};
use tokio::sync::{OnceCell, Semaphore};

/// What the chain says an account is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Identity {
	/// A registered patient.
	Patient,
	/// A patient who deregistered (erased): their requests get `410 Gone` for what was theirs.
	Erased,
	/// Staff (or the admin) of an active organization.
	Staff { organization: [u8; 32] },
	/// Staff (or the admin) of a suspended organization: refused.
	Suspended { organization: [u8; 32] },
	/// Nobody the chain knows: refused.
	Unknown,
}

impl Identity {
	/// Whether requests from this account are let through to the service.
	pub fn admitted(&self) -> bool {
		matches!(self, Identity::Patient | Identity::Erased | Identity::Staff { .. })
	}
}

/// What the chain says `who` is at block `at`: one storage request of four keys (patient,
/// tombstone, organization, staff), and for staff a second one (its organization's record);
/// never a runtime call.
pub async fn lookup(chain: &Chain, who: [u8; 32], at: H256) -> Result<Identity, ChainError> {
	let account = AccountId32::from(who);
	let keys = [
		pallet_patient_identity::Patients::<Runtime>::hashed_key_for(&account),
		pallet_patient_identity::Tombstones::<Runtime>::hashed_key_for(&account),
		pallet_consortium::Organizations::<Runtime>::hashed_key_for(&account),
		pallet_consortium::StaffOf::<Runtime>::hashed_key_for(&account),
	];
	let values = chain.storage_many(&keys, at).await?;
	let value = |i: usize| values.get(i).cloned().flatten();
	if value(0).is_some() {
		return Ok(Identity::Patient);
	}
	let organization = match (value(2), value(3)) {
		(Some(record), _) => Some((who, Some(record))),
		(None, Some(staff_of)) => {
			let organization: AccountId32 = crate::chain::decode_exact(&staff_of)
				.map_err(|e| ChainError(format!("StaffOf: {e}")))?;
			let key = pallet_consortium::Organizations::<Runtime>::hashed_key_for(&organization);
			Some((organization.into(), chain.storage_raw(&key, at).await?))
		}
		(None, None) => None,
	};
	if let Some((organization, record)) = organization {
		// Only a suspension on record refuses here; the read decision and the upload's staff
		// check still ask the chain about the organization itself.
		let suspended = match record {
			Some(bytes) => {
				crate::chain::decode_exact::<pallet_consortium::OrganizationOf<Runtime>>(&bytes)
					.map_err(|e| ChainError(format!("Organizations: {e}")))?
					.status != pallet_consortium::OrganizationStatus::Active
			}
			None => false,
		};
		return Ok(if suspended {
			Identity::Suspended { organization }
		} else {
			Identity::Staff { organization }
		});
	}
	if value(1).is_some() {
		return Ok(Identity::Erased);
	}
	Ok(Identity::Unknown)
}

/// The cache's settings.
#[derive(Clone, Copy, Debug)]
pub struct IdentitySettings {
	/// How long an admitted identity is remembered.
	pub known_ttl: Duration,
	/// How long a refused key (unknown, or of a suspended organization) is remembered.
	pub unknown_ttl: Duration,
	/// How many accounts are remembered at most.
	pub capacity: usize,
	/// How many lookups may run on the node at once.
	pub max_lookups: usize,
}

impl Default for IdentitySettings {
	fn default() -> IdentitySettings {
		IdentitySettings {
			known_ttl: Duration::from_secs(60),
			unknown_ttl: Duration::from_secs(30),
			capacity: 100_000,
			max_lookups: 4,
		}
	}
}

type Answer = Arc<OnceCell<Identity>>;

struct Inner {
	entries: HashMap<[u8; 32], (Instant, Answer)>,
	/// When each entry was made, oldest first (an entry made again appears again; the stale
	/// queue item is skipped when its time does not match the entry's).
	order: VecDeque<(Instant, [u8; 32])>,
}

/// Cached answers to "is this account a chain identity?".
pub struct IdentityCache {
	settings: IdentitySettings,
	inner: Mutex<Inner>,
	lookups: Semaphore,
	/// Lookups sent to the node, and requests refused as no (active) chain identity.
	pub queries: AtomicU64,
	pub refused: AtomicU64,
}

impl IdentityCache {
	pub fn new(settings: IdentitySettings) -> IdentityCache {
		IdentityCache {
			settings,
			inner: Mutex::new(Inner { entries: HashMap::new(), order: VecDeque::new() }),
			lookups: Semaphore::new(settings.max_lookups.max(1)),
			queries: AtomicU64::new(0),
			refused: AtomicU64::new(0),
		}
	}

	/// How many accounts are remembered.
	pub fn len(&self) -> usize {
		self.inner.lock().map(|i| i.entries.len()).unwrap_or(0)
	}

	/// Whether `who` was found an admitted identity (and is still remembered).
	pub fn admitted(&self, who: [u8; 32]) -> bool {
		self.inner.lock().is_ok_and(|i| {
			i.entries.get(&who).and_then(|(_, a)| a.get()).is_some_and(Identity::admitted)
		})
	}

	/// The cached answer for `who`, or a new (or in-flight) one to fill.
	fn slot(&self, who: [u8; 32], now: Instant) -> Answer {
		let Ok(mut inner) = self.inner.lock() else {
			return Arc::new(OnceCell::new());
		};
		if let Some((made, answer)) = inner.entries.get(&who) {
			let ttl = match answer.get() {
				Some(identity) if identity.admitted() => Some(self.settings.known_ttl),
				Some(_) => Some(self.settings.unknown_ttl),
				// In flight (or its lookup failed: the next caller tries again).
				None => None,
			};
			if ttl.is_none_or(|ttl| now.duration_since(*made) < ttl) {
				return answer.clone();
			}
		}
		let answer: Answer = Arc::new(OnceCell::new());
		inner.entries.insert(who, (now, answer.clone()));
		inner.order.push_back((now, who));
		// Forget what is too old to be used, and the oldest beyond the capacity.
		let longest = self.settings.known_ttl.max(self.settings.unknown_ttl);
		while let Some(&(made, account)) = inner.order.front() {
			let expired = now.duration_since(made) >= longest;
			if !expired && inner.order.len() <= self.settings.capacity {
				break;
			}
			inner.order.pop_front();
			if inner.entries.get(&account).is_some_and(|(m, _)| *m == made) {
				inner.entries.remove(&account);
			}
		}
		answer
	}

	/// What `who` is: from the cache, else from `ask` (at most `max_lookups` at once; one
	/// lookup for concurrent requests of the same account; a failed one is not cached).
	pub async fn identity<F, Fut, E>(&self, who: [u8; 32], ask: F) -> Result<Identity, E>
	where
		F: FnOnce() -> Fut,
		Fut: std::future::Future<Output = Result<Identity, E>>,
	{
		let answer = self.slot(who, Instant::now());
		let identity = answer
			.get_or_try_init(|| async {
				// The semaphore is never closed.
				let _permit = self.lookups.acquire().await.ok();
				self.queries.fetch_add(1, Ordering::Relaxed);
				ask().await
			})
			.await?;
		if !identity.admitted() {
			self.refused.fetch_add(1, Ordering::Relaxed);
		}
		Ok(*identity)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::mock_node::{hash_of, MockNode};
	use std::sync::atomic::AtomicU32;

	#[tokio::test]
	async fn the_chain_says_who_is_patient_staff_suspended_erased_or_unknown() {
		let node = MockNode::start().await;
		let chain = Chain::connect(&node.url).await.expect("connects");
		let at = hash_of(10);
		let (org, suspended_org) = ([0x0a; 32], [0x0b; 32]);
		crate::mock_node::register_organization(&node, org, true);
		crate::mock_node::register_organization(&node, suspended_org, false);
		crate::mock_node::make_staff(&node, [1; 32], org);
		crate::mock_node::make_staff(&node, [2; 32], suspended_org);
		crate::mock_node::register_patient(&node, [3; 32]);
		crate::mock_node::deregister(&node, [4; 32]);
		assert_eq!(lookup(&chain, [1; 32], at).await, Ok(Identity::Staff { organization: org }));
		assert_eq!(lookup(&chain, org, at).await, Ok(Identity::Staff { organization: org }));
		assert_eq!(
			lookup(&chain, [2; 32], at).await,
			Ok(Identity::Suspended { organization: suspended_org })
		);
		assert_eq!(lookup(&chain, [3; 32], at).await, Ok(Identity::Patient));
		assert_eq!(lookup(&chain, [4; 32], at).await, Ok(Identity::Erased));
		assert_eq!(lookup(&chain, [5; 32], at).await, Ok(Identity::Unknown));
		assert!(!Identity::Suspended { organization: org }.admitted());
		assert!(!Identity::Unknown.admitted());
	}

	impl PartialEq for ChainError {
		fn eq(&self, other: &Self) -> bool {
			self.0 == other.0
		}
	}

	#[tokio::test]
	async fn a_flood_of_fresh_keys_costs_one_lookup_each_and_a_bounded_cache() {
		let cache =
			IdentityCache::new(IdentitySettings { capacity: 1_000, ..IdentitySettings::default() });
		let asked = AtomicU32::new(0);
		let ask = || async {
			asked.fetch_add(1, Ordering::Relaxed);
			Ok::<_, ChainError>(Identity::Unknown)
		};
		// 5,000 fresh keys, four requests each: one lookup per key, the cache stays bounded.
		for round in 0..4 {
			for i in 0u32..5_000 {
				let mut who = [0u8; 32];
				who[..4].copy_from_slice(&i.to_le_bytes());
				assert_eq!(cache.identity(who, ask).await, Ok(Identity::Unknown), "{round}");
				assert!(cache.len() <= 1_000);
			}
			if round == 0 {
				assert_eq!(asked.load(Ordering::Relaxed), 5_000);
			}
		}
		// The same key again and again, while cached: no further lookup.
		let before = asked.load(Ordering::Relaxed);
		for _ in 0..100 {
			assert_eq!(cache.identity([0xee; 32], ask).await, Ok(Identity::Unknown));
		}
		assert_eq!(asked.load(Ordering::Relaxed), before + 1);
		assert_eq!(cache.queries.load(Ordering::Relaxed), u64::from(before) + 1);
	}

	#[tokio::test]
	async fn answers_expire_and_concurrent_requests_share_one_lookup() {
		let cache = IdentityCache::new(IdentitySettings {
			known_ttl: Duration::from_millis(300),
			unknown_ttl: Duration::from_millis(100),
			capacity: 10,
			max_lookups: 1,
		});
		let asked = AtomicU32::new(0);
		let slow = || async {
			asked.fetch_add(1, Ordering::Relaxed);
			tokio::time::sleep(Duration::from_millis(50)).await;
			Ok::<_, ChainError>(Identity::Patient)
		};
		let all = tokio::join!(
			cache.identity([7; 32], slow),
			cache.identity([7; 32], slow),
			cache.identity([7; 32], slow),
			cache.identity([7; 32], slow),
		);
		assert!([all.0, all.1, all.2, all.3].iter().all(|i| *i == Ok(Identity::Patient)));
		assert_eq!(asked.load(Ordering::Relaxed), 1, "concurrent requests share one lookup");
		// Cached while fresh, asked again once expired.
		assert_eq!(cache.identity([7; 32], slow).await, Ok(Identity::Patient));
		assert_eq!(asked.load(Ordering::Relaxed), 1);
		tokio::time::sleep(Duration::from_millis(350)).await;
		assert_eq!(cache.identity([7; 32], slow).await, Ok(Identity::Patient));
		assert_eq!(asked.load(Ordering::Relaxed), 2);
		// A failed lookup is not cached: the next request asks again.
		let failing = || async { Err(ChainError("node down".into())) };
		assert!(cache.identity([8; 32], failing).await.is_err());
		assert_eq!(cache.identity([8; 32], slow).await, Ok(Identity::Patient));
	}
}
