//! `medchain-gateway run`: the start-up checks (TLS files, CORS origins, the master key,
//! the store, the node's runtime, the gateway key's role), catching up with the chain, then
//! serving; and `rotate-master-key`, which shares the master key's default place.

use crate::{
	auth, chain,
	cli::{pair, RotateMasterKeyArgs, RunArgs},
	cors, crypto, proxy, reconcile, server, service, store, tls, worker,
};
use sp_core::{crypto::Ss58Codec, Pair};
use std::{path::PathBuf, sync::Arc, time::Duration};

pub(crate) async fn run(args: RunArgs) -> Result<(), String> {
	// What the operator configured is checked before anything else (a key, the chain).
	// Where clients reach this gateway: requests signed for any other origin are refused.
	let public_origins = public_origins(&args.public_urls, args.insecure_http)?;
	if public_origins.is_empty() && !args.listen.ip().is_loopback() {
		return Err(format!(
			"--listen {} is not a loopback address and no --public-url is given: pass --public-url https://<the name clients use> \
			 (the endpoint the chain's gateway directory publishes; requests are signed for it, and refused when signed for another server)",
			args.listen
		));
	}
	let tls = match (&args.tls_cert, &args.tls_key) {
		(Some(cert), Some(key)) => Some(tls::server_config(cert, key)?),
		_ if args.insecure_http => None,
		_ => {
			return Err("no TLS certificate: give --tls-cert and --tls-key (PEM files; scripts/dev-certs.sh makes development ones), \
				 or --insecure-http to serve plain http for development on loopback"
				.into())
		},
	};
	let origins = cors::AllowedOrigins::parse(&args.cors_origins)?;
	let signer = pair(&args.suri)?;
	let signer_account: [u8; 32] = signer.public().into();
	let acts_for = match &args.acts_for {
		None => None,
		Some(text) => Some(auth::parse_account(text).ok_or_else(|| {
			format!("--acts-for {text:?} is not an account (SS58 or 0x + 64 hex digits)")
		})?),
	};
	std::fs::create_dir_all(&args.data_dir)
		.map_err(|e| format!("cannot create {}: {e}", args.data_dir.display()))?;
	// One process per store: not two gateways, nor a gateway and a key rotation.
	let _lock = store::lock_data_dir(&args.data_dir)?;
	let master_path = match &args.master_key {
		Some(path) => {
			if inside(path, &args.data_dir) {
				log::warn!(
					"the master key {} is inside --data-dir, beside the store: whoever copies the data directory can read every document; keep it on another volume",
					path.display()
				);
			}
			path.clone()
		}
		None => default_master_key(&args.data_dir)?,
	};
	let master = crypto::MasterKey::load_or_create(&master_path)
		.map_err(|e| format!("master key {}: {e}", master_path.display()))?;
	let store = store::SqliteStore::open(&args.data_dir.join("gateway.sqlite"))
		.map_err(|e| e.to_string())?;
	// Stores made before the dedup key was a MAC under the master key: re-key them.
	let rekeyed = store
		.rekey_dedup(|doc| service::keyed_dedup_of(&master, doc))
		.map_err(|e| e.to_string())?;
	if rekeyed > 0 {
		log::info!("{rekeyed} dedup key(s) re-keyed under the master key");
	}
	// The store records which master key its document keys are wrapped under: another key
	// (the old one after a rotation) is refused rather than answering Tampered for everything.
	store
		.ensure_master_key(&master.check_value(), |doc| service::open_stored(&master, doc).is_ok())
		.map_err(|e| format!("master key {}: {e}", master_path.display()))?;
	let gateway_id = store.gateway_id().map_err(|e| e.to_string())?;

	let chain = chain::Chain::connect(&args.node).await.map_err(|e| e.to_string())?;
	let versions = chain.versions().await.map_err(|e| e.to_string())?;
	let best = chain.best_hash().await.map_err(|e| e.to_string())?;
	let runtime = chain.runtime_info(best).await.map_err(|e| e.to_string())?;
	runtime.check_reads(&chain::BuiltFor::runtime()).map_err(|e| e.to_string())?;
	if runtime.spec_version != medchain_runtime::VERSION.spec_version {
		log::warn!(
			"the node runs spec_version {} (this gateway was built for {}) with the GatewayApi version it was built for: serving",
			runtime.spec_version,
			medchain_runtime::VERSION.spec_version
		);
	}
	check_store_chain(&store, &chain, versions.genesis).await?;
	let organization = match acts_for {
		// Recommended: the gateway's key may only anchor, in the staff key's name.
		Some(staff) => proxy::check_acts_for(&chain, signer_account, staff, best).await?,
		None => {
			let organization = chain
				.organization_of(signer_account, best)
				.await
				.map_err(|e| e.to_string())?
				.ok_or_else(|| {
					format!(
						"the gateway key {} is not staff (nor admin) of any organization: make it an Anchor proxy of a staff key \
						 (`medchain-gateway add-anchor-proxy`, then run with --acts-for <staff>), or staff itself (`medchain-gateway add-staff`)",
						sp_core::crypto::AccountId32::from(signer_account).to_ss58check()
					)
				})?;
			log::warn!(
				"the gateway key is a staff key: whoever takes this host can also break the glass and log reads; \
				 prefer an Anchor proxy (`medchain-gateway add-anchor-proxy`, --acts-for; gateway/README.md)"
			);
			organization
		}
	};
	let started_at = auth::now_ms();
	// Requests are signed for this gateway: its organization, its key and its instance id,
	// so a request signed for another gateway of the same organization is refused.
	let audience = auth::audience(&organization, &signer_account, &gateway_id);
	let verifier =
		auth::Verifier::new(audience, started_at, args.max_request_age_secs * 1000, 30_000)
			.with_nonce_limits(args.limits.max_nonces_per_identity, auth::DEFAULT_MAX_NONCES);
	if args.limits.request_timeout_secs <= args.upload_wait_secs {
		log::warn!(
			"--request-timeout-secs {} is not above --upload-wait-secs {}: uploads will time out (408) before they are answered 202",
			args.limits.request_timeout_secs,
			args.upload_wait_secs
		);
	}
	let settings = service::Settings {
		max_body: args.max_body_bytes,
		max_log_age_ms: args.max_log_age_secs * 1000,
		upload_wait: Duration::from_secs(args.upload_wait_secs),
		finality_wait: Duration::from_secs(args.finality_wait_secs),
	};
	let gateway = Arc::new(
		service::Gateway::new(
			Arc::new(store),
			master,
			chain,
			signer,
			organization,
			versions,
			verifier,
			settings,
		)
		.acting_for(acts_for)
		.with_limits(args.limits.limits()),
	);
	let (retried, destroyed) = worker::retry_failed(&gateway).await?;
	if destroyed > 0 {
		log::info!(
			"{destroyed} document(s) refused before, of patients who deregistered: destroyed"
		);
	}
	let pending = gateway.store.unfinished().map_err(|e| e.to_string())?.len();
	log::info!(
		"organization {}, signer {}{}, {pending} document(s) not yet anchored ({retried} refused before, retrying)",
		sp_core::crypto::AccountId32::from(organization).to_ss58check(),
		sp_core::crypto::AccountId32::from(signer_account).to_ss58check(),
		acts_for.map_or(String::new(), |staff| format!(
			" (Anchor proxy of {})",
			sp_core::crypto::AccountId32::from(staff).to_ss58check()
		)),
	);
	// Catch up with finality before serving, so a record sealed while we were down is
	// destroyed before anyone can ask for it. First with the finalized head's state:
	// what the blocks the node no longer keeps said is there too.
	let (head, head_hash) = gateway.chain.finalized().await.map_err(|e| e.to_string())?;
	let reconciled = reconcile::reconcile(&gateway, head, head_hash).await?;
	log::info!(
		"reconciled with finalized #{head}: {} document(s) destroyed, {} anchor(s) confirmed, {} to send again",
		reconciled.destroyed,
		reconciled.anchored,
		reconciled.resent
	);
	worker::follow_finalized(&gateway).await?;
	let resent = worker::resend_submitted(&gateway).await?;
	if resent > 0 {
		log::info!("{resent} anchor(s) that were on their way sent again");
	}
	tokio::spawn(worker::follower(gateway.clone()));
	tokio::spawn(worker::anchorer(gateway.clone()));
	let pruner = gateway.clone();
	tokio::spawn(async move {
		loop {
			tokio::time::sleep(Duration::from_secs(60)).await;
			pruner.verifier.prune(auth::now_ms());
		}
	});
	// The log's rate limit writes its "suppressed N lines" summaries even when no further
	// line comes.
	tokio::spawn(async {
		loop {
			tokio::time::sleep(Duration::from_secs(5)).await;
			crate::logs::flush_due();
		}
	});

	let listener = tokio::net::TcpListener::bind(args.listen)
		.await
		.map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
	// The address bound (with port 0, the kernel's choice).
	let listening = listener.local_addr().unwrap_or(args.listen);
	let public_origins = if public_origins.is_empty() {
		loopback_origins(listening, tls.is_some())
	} else {
		public_origins
	};
	log::info!("requests must be signed for: {}", public_origins.join(", "));
	gateway.verifier.set_origins(public_origins);
	if origins.is_empty() {
		log::info!("no --cors-origin: requests from web pages (with an Origin header) are refused");
	} else {
		log::info!("web pages allowed (CORS): {}", origins.iter().collect::<Vec<_>>().join(", "));
	}
	let app = crate::metrics::layer(
		cors::layer(service::router(gateway.clone()), origins),
		gateway.clone(),
	);
	// Connection caps and header timeouts: the gateway's own accept loop (server.rs).
	let gate = server::ConnectionGate::new(args.limits.connections());
	if let Some(addr) = args.prometheus_addr {
		let bound = crate::metrics::serve(addr, gateway.clone(), Some(gate.clone())).await?;
		log::info!("Prometheus metrics on http://{bound}/metrics");
	}
	let shutdown = async {
		let _ = tokio::signal::ctrl_c().await;
	};
	if tls.is_some() {
		log::info!("listening on https://{listening}");
	} else {
		log::warn!(
			"listening on http://{listening} WITHOUT TLS (--insecure-http): for development on loopback only"
		);
	}
	server::serve(listener, tls, app, gate, shutdown).await;
	Ok(())
}

/// `--public-url` values (each one URL or a comma list) as origins: https, or http with
/// `--insecure-http` (development); no path but `/`, no query, fragment or user info.
pub(crate) fn public_origins<S: AsRef<str>>(
	values: &[S],
	insecure_http: bool,
) -> Result<Vec<String>, String> {
	let mut origins = Vec::new();
	for value in values {
		for item in value.as_ref().split(',').map(str::trim).filter(|s| !s.is_empty()) {
			let origin = auth::origin(item).map_err(|why| {
				format!("--public-url {item:?}: {why} (give the gateway's origin, e.g. https://records.hospital.example)")
			})?;
			if origin.starts_with("http://") && !insecure_http {
				return Err(format!(
					"--public-url {item:?}: the scheme must be https (http only with --insecure-http, for development)"
				));
			}
			if !origins.contains(&origin) {
				origins.push(origin);
			}
		}
	}
	Ok(origins)
}

/// The origins of a gateway listening on a loopback address, when no `--public-url` is
/// given: that address, `localhost` (and 127.0.0.1 or [::1]), with the port bound.
pub(crate) fn loopback_origins(listening: std::net::SocketAddr, tls: bool) -> Vec<String> {
	let scheme = if tls { "https" } else { "http" };
	let port = listening.port();
	let mut hosts = vec![match listening.ip() {
		std::net::IpAddr::V4(ip) => ip.to_string(),
		std::net::IpAddr::V6(ip) => format!("[{ip}]"),
	}];
	for host in ["127.0.0.1", "localhost"] {
		hosts.push(host.to_string());
	}
	if listening.is_ipv6() {
		hosts.push("[::1]".to_string());
	}
	let mut origins = Vec::new();
	for host in hosts {
		if let Ok(origin) = auth::origin(&format!("{scheme}://{host}:{port}")) {
			if !origins.contains(&origin) {
				origins.push(origin);
			}
		}
	}
	origins
}

/// Whether `path` is (or would be) inside directory `dir`.
fn inside(path: &std::path::Path, dir: &std::path::Path) -> bool {
	let absolute = |p: &std::path::Path| {
		std::fs::canonicalize(p).ok().or_else(|| {
			let parent = std::fs::canonicalize(p.parent()?).ok()?;
			Some(parent.join(p.file_name()?))
		})
	};
	match (absolute(path), absolute(dir)) {
		(Some(p), Some(d)) => p.starts_with(d),
		_ => false,
	}
}

/// The master key's default path: `<data-dir>.master.key`, beside the data directory and not
/// in it. A key an older gateway made at `<data-dir>/master.key` is not used silently:
/// the operator moves it out (or names it with `--master-key`).
fn default_master_key(data_dir: &std::path::Path) -> Result<PathBuf, String> {
	let dir = std::fs::canonicalize(data_dir)
		.map_err(|e| format!("--data-dir {}: {e}", data_dir.display()))?;
	let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
		return Err(format!(
			"--data-dir {} has no parent directory for the master key: give --master-key FILE",
			dir.display()
		));
	};
	let default = parent.join(format!("{}.master.key", name.to_string_lossy()));
	let legacy = dir.join("master.key");
	if legacy.exists() {
		return Err(format!(
			"{} is the master key, inside --data-dir beside the store (where older gateways made it): \
			 whoever copies the data directory could read every document. Move it out of the data \
			 directory, ideally to another volume, and name it with --master-key \
			 (or `mv {} {}`, the default place)",
			legacy.display(),
			legacy.display(),
			default.display()
		));
	}
	Ok(default)
}

/// A store belongs to one chain: refuse another chain's genesis, and a chain that is behind
/// the blocks the store already processed (a reset development chain has the same genesis).
async fn check_store_chain(
	store: &store::SqliteStore,
	chain: &chain::Chain,
	genesis: sp_core::H256,
) -> Result<(), String> {
	use store::DocumentStore;
	match store.meta("genesis").map_err(|e| e.to_string())? {
		None => store.set_meta("genesis", genesis.as_bytes()).map_err(|e| e.to_string())?,
		Some(stored) if stored == genesis.as_bytes() => {},
		Some(stored) => {
			return Err(format!(
				"this store belongs to another chain (genesis 0x{}, the node's is {genesis:?}): use another --data-dir",
				hex::encode(stored)
			))
		},
	}
	let cursor = store
		.meta(worker::CURSOR)
		.map_err(|e| e.to_string())?
		.and_then(|v| v.try_into().ok().map(u32::from_le_bytes));
	let (finalized, _) = chain.finalized().await.map_err(|e| e.to_string())?;
	if let Some(done) = cursor {
		if done > finalized {
			return Err(format!(
				"the store has processed finalized block #{done}, but the node's finalized head is #{finalized}: \
				 a reset chain (e.g. a new --dev --tmp node) needs a fresh --data-dir; a node still syncing: start the gateway when it has caught up"
			));
		}
	}
	Ok(())
}

/// `rotate-master-key`: re-wrap the store of a stopped gateway under a new master key.
pub(crate) fn rotate_master_key(args: RotateMasterKeyArgs) -> Result<(), String> {
	let _lock = store::lock_data_dir(&args.data_dir)?;
	let old_path = match &args.master_key {
		Some(path) => path.clone(),
		None => default_master_key(&args.data_dir)?,
	};
	let same = |a: &std::path::Path, b: &std::path::Path| {
		std::fs::canonicalize(a)
			.ok()
			.zip(std::fs::canonicalize(b).ok())
			.is_some_and(|(a, b)| a == b)
	};
	if args.new_master_key == old_path || same(&args.new_master_key, &old_path) {
		return Err("--new-master-key must be another file than the current master key".into());
	}
	if inside(&args.new_master_key, &args.data_dir) {
		log::warn!(
			"the new master key {} is inside --data-dir, beside the store: keep it on another volume",
			args.new_master_key.display()
		);
	}
	let old = crypto::MasterKey::load(&old_path)
		.map_err(|e| format!("master key {}: {e}", old_path.display()))?;
	let store_path = args.data_dir.join("gateway.sqlite");
	if !store_path.exists() {
		return Err(format!("{}: no store to rotate", store_path.display()));
	}
	let store = store::SqliteStore::open(&store_path).map_err(|e| e.to_string())?;
	// The store must be under the old key (or, after an interrupted rotation, already under
	// the new one), never a third key.
	store
		.ensure_master_key(&old.check_value(), |doc| service::open_stored(&old, doc).is_ok())
		.or_else(|e| {
			// Already moved to the key at --new-master-key by an interrupted run: finish it.
			let new = crypto::MasterKey::load(&args.new_master_key).map_err(|_| e.clone())?;
			store.ensure_master_key(&new.check_value(), |_| false).map_err(|_| e)
		})?;
	let resumed = args.new_master_key.exists();
	let new = if resumed {
		crypto::MasterKey::load(&args.new_master_key)
			.map_err(|e| format!("new master key {}: {e}", args.new_master_key.display()))?
	} else {
		crypto::MasterKey::create_atomically(&args.new_master_key)
			.map_err(|e| format!("new master key {}: {e}", args.new_master_key.display()))?
	};
	if new.check_value() == old.check_value() {
		return Err("the new master key is the old one".into());
	}
	let rewrapped = store
		.rotate_master_key(&old.check_value(), &new.check_value(), |doc| {
			service::rewrap_row(&old, &new, doc)
		})
		.map_err(|e| {
			if resumed {
				e.to_string()
			} else {
				format!("{e} (the new key file {} is not used)", args.new_master_key.display())
			}
		})?;
	println!(
		"{rewrapped} document key(s) re-wrapped under {} (and their dedup keys re-keyed); the \
		 write-ahead log holds nothing under the old key.\n\
		 Run the gateway with --master-key {}. The old key {} opens nothing in the store any \
		 more: destroy it (e.g. `shred -u {}`) once the backups made before this rotation, which \
		 need it, have expired.",
		args.new_master_key.display(),
		args.new_master_key.display(),
		old_path.display(),
		old_path.display()
	);
	Ok(())
}
