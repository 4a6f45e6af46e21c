//! Node authorization: a member node syncs only with the member nodes the chain lists.
//!
//! The set of nodes allowed to peer is on chain (`Consortium.MemberNodes`, changed by an
//! organization's admin for its own nodes or by council motion) and is read through the
//! runtime's `NodeAuthorizationApi` at the **finalized** head, so a fork cannot open the
//! network. What the node does with it, as FRAME's node-authorization does through
//! `sp_io::offchain::set_authorized_nodes`, but on every node (not only where offchain
//! workers run) and from the first moment:
//!
//! - the block-announce (sync) protocol runs reserved-only, its reserved set being the
//!   authorized nodes: an unauthorized peer's sync substream is refused when it opens, and
//!   member nodes dial each other (a full mesh, whatever the boot node list). GRANDPA and
//!   transaction gossip open only towards sync peers, so an unauthorized peer gets no
//!   blocks, no votes and no transactions;
//! - a node removed from the set is disconnected at once, and banned (the peer store's
//!   fatal report, renewed at every finalized block while this process runs): litep2p then
//!   also refuses its requests (blocks, state, warp proofs) and its substreams.
//!
//! A chain that never authorized a node (a dev chain) lets any node peer; once a node was
//! authorized, removing the last one closes the network rather than opening it.
//!
//! Its state is exported for Prometheus (`--prometheus-port`): [`Metrics`], shown on the
//! dashboard and alerted on in `deploy/prometheus/alerts.yml`.
//!
//! Tested end to end, not here (the node binary has no unit-test harness): the
//! `network-permissioned` suite (tests/network/permissioned.js) derives peer ids from node
//! keys, sees each step's refusals and admissions, and reads these gauges at every step;
//! the `ops` suite finds every gauge the dashboard and the alerts name in a dev node's scrape.
//!
//! What this does not do: refuse the TCP connection itself (litep2p and libp2p offer no
//! hook), so an unauthorized peer can still complete the handshake and take part in peer
//! discovery; and the request-response protocols (blocks, state, warp proofs, light-client
//! remote reads) answer any connected peer that is not banned. A stock node sends none of
//! them without a sync connection; a modified client could, which is why the p2p port stays
//! firewalled to members' addresses (docs/OPERATIONS.md, "Joining the network").

use futures::StreamExt;
use medchain_runtime::opaque::Block;
use pallet_consortium::{runtime_api::NodeAuthorizationApi, NodeKey};
use sc_client_api::{BlockchainEvents, HeaderBackend};
use sc_network::{service::traits::NetworkService, ReputationChange};
use sc_network_types::PeerId;
use sp_api::ProvideRuntimeApi;
use std::{collections::HashSet, sync::Arc};
use substrate_prometheus_endpoint::{register, Gauge, PrometheusError, Registry, U64};

/// Log target of the node authorization messages (`-l medchain::peering=debug`).
pub const LOG_TARGET: &str = "medchain::peering";

/// The libp2p peer id of a member node key (an ed25519 public key); `None` if the 32 bytes
/// are not a valid ed25519 point.
pub fn peer_id_of(node: &NodeKey) -> Option<PeerId> {
	sc_network_types::ed25519::PublicKey::try_from_bytes(node).ok().map(|key| key.to_peer_id())
}

/// The authorized set at `hash`: `None` if the chain does not restrict peering, or if the
/// runtime has no node authorization API (then the node behaves as before it existed).
pub fn authorized_at<C>(
	client: &C,
	hash: <Block as sp_runtime::traits::Block>::Hash,
) -> Option<Vec<NodeKey>>
where
	C: ProvideRuntimeApi<Block>,
	C::Api: NodeAuthorizationApi<Block>,
{
	match client.runtime_api().authorized_nodes(hash) {
		Ok(set) => set,
		Err(error) => {
			log::warn!(
				target: LOG_TARGET,
				"cannot read the authorized member nodes at {hash}: {error}; peering unchanged"
			);
			None
		}
	}
}

/// Node authorization's gauges on the node's Prometheus endpoint, set after every update.
#[derive(Clone)]
pub struct Metrics {
	enabled: Gauge<U64>,
	authorized_peers: Gauge<U64>,
	is_authorized: Gauge<U64>,
	banned: Gauge<U64>,
}

impl Metrics {
	/// Register the gauges in `registry`.
	pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		let gauge = |name: &str, help: &str| -> Result<Gauge<U64>, PrometheusError> {
			register(Gauge::new(name, help)?, registry)
		};
		Ok(Self {
			enabled: gauge(
				"medchain_node_authorization_enabled",
				"1 if the chain (at the finalized head) restricts peering to its member nodes \
				 (Consortium.MemberNodes), 0 if any node may peer",
			)?,
			authorized_peers: gauge(
				"medchain_node_authorized_peers",
				"Other member nodes the chain authorizes this node to peer with",
			)?,
			is_authorized: gauge(
				"medchain_node_is_authorized",
				"1 if this node's peer id is a member node (or peering is not restricted), \
				 0 if the members refuse it",
			)?,
			banned: gauge(
				"medchain_node_removed_peers_banned",
				"Nodes removed from the member set while this process ran, banned again at \
				 every finalized block",
			)?,
		})
	}
}

/// What the node last applied, to tell changes apart and to keep removed nodes banned.
#[derive(Default)]
struct Applied {
	/// The authorized peers, if peering is restricted.
	peers: Option<HashSet<PeerId>>,
	/// Peers removed from the set while this process ran: banned again at every update.
	removed: HashSet<PeerId>,
	/// Whether the sync peer set is reserved-only.
	reserved_only: bool,
	/// Whether this node's own peer id is in the set (true while peering is not restricted).
	member: bool,
}

/// The peer store report that bans a node removed from the member set.
fn removal() -> ReputationChange {
	ReputationChange::new_fatal("not an authorized member node")
}

impl Applied {
	/// Apply the set read at a finalized block to the network.
	fn apply(&mut self, network: &dyn NetworkService, set: Option<Vec<NodeKey>>) {
		let Some(set) = set else {
			if self.peers.is_none() {
				return;
			}
			// Cannot happen on a chain with the API (the flag is never unset); keep the
			// last set rather than open the network.
			log::warn!(target: LOG_TARGET, "the chain no longer lists member nodes; keeping the last set");
			return;
		};
		let local = network.local_peer_id();
		let mut peers = HashSet::with_capacity(set.len());
		for node in &set {
			match peer_id_of(node) {
				Some(peer) => {
					peers.insert(peer);
				}
				None => log::warn!(
					target: LOG_TARGET,
					"member node key 0x{} is not an ed25519 public key: skipped",
					hex(node)
				),
			}
		}
		let member = peers.contains(&local);
		self.member = member;
		peers.remove(&local);
		let mut gone = Vec::new();
		if self.peers.as_ref() != Some(&peers) {
			let before = self.peers.clone().unwrap_or_default();
			let added: Vec<_> = peers.difference(&before).copied().collect();
			gone = before.difference(&peers).copied().collect();
			log::info!(
				target: LOG_TARGET,
				"🔐 Node authorization: {} other member node(s) may peer{}{}{}",
				peers.len(),
				if added.is_empty() { String::new() } else { format!(", added {added:?}") },
				if gone.is_empty() { String::new() } else { format!(", removed {gone:?}") },
				if member { "" } else { "; this node is not in the set: it syncs from members but they refuse it until the chain authorizes it" },
			);
			for peer in &added {
				self.removed.remove(peer);
			}
			network.set_authorized_peers(peers.clone());
			if !self.reserved_only {
				// Once, when a running chain turns node authorization on: the sync peer set's
				// reserved-only switch moves every connected peer, reserved ones too, to a
				// closing state it never leaves (sc-network 0.60's litep2p peer set), after
				// which removing such a peer cannot disconnect it. Nodes started on a chain
				// that lists its nodes are reserved-only from the start and never call it;
				// after the switch, restart the nodes (docs/OPERATIONS.md).
				network.set_authorized_only(true);
				self.reserved_only = true;
			}
			self.peers = Some(peers);
		}
		for peer in &self.removed {
			network.report_peer(*peer, removal());
		}
		// Peers removed just now are banned from the next update on, not now: the ban's
		// disconnect reaches the sync protocol before its new reserved set does, which still
		// holds the peer, so it would be ignored, and with it the removal's own disconnect.
		self.removed.extend(gone);
	}

	/// Export what was applied.
	fn export(&self, metrics: &Metrics) {
		let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
		metrics.enabled.set(u64::from(self.peers.is_some()));
		metrics.authorized_peers.set(count(self.peers.as_ref().map_or(0, HashSet::len)));
		metrics.is_authorized.set(u64::from(self.peers.is_none() || self.member));
		metrics.banned.set(count(self.removed.len()));
	}
}

/// Restrict peering to the authorized set at start (call it right after the network is
/// built; `reserved_only`: whether the network was configured reserved-only, as `new_full`
/// does when the chain lists member nodes), then follow every finality notification;
/// `metrics`: where to export the state (the node's Prometheus registry, if it has one).
pub async fn run<C>(
	client: Arc<C>,
	network: Arc<dyn NetworkService>,
	reserved_only: bool,
	metrics: Option<Metrics>,
) where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + BlockchainEvents<Block>,
	C::Api: NodeAuthorizationApi<Block>,
{
	let mut applied = Applied { reserved_only, ..Default::default() };
	let mut finality = client.finality_notification_stream();
	applied.apply(&*network, authorized_at(&*client, client.info().finalized_hash));
	if let Some(metrics) = &metrics {
		applied.export(metrics);
	}
	if applied.peers.is_none() {
		log::info!(
			target: LOG_TARGET,
			"Node authorization is off: the chain lists no member nodes, any node may peer"
		);
	}
	while let Some(notification) = finality.next().await {
		applied.apply(&*network, authorized_at(&*client, notification.hash));
		if let Some(metrics) = &metrics {
			applied.export(metrics);
		}
	}
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}
