//! `medchain-gateway`: a hospital's record gateway (see README.md in this folder).
//!
//! - `medchain-gateway run`: serve the HTTP API (https with `--tls-cert`/`--tls-key`) beside
//!   the hospital's node.
//! - `medchain-gateway sign`: sign a request for a gateway (prints curl arguments).
//! - `medchain-gateway add-staff`: set-up: make a key staff of the organization (and fund it).
//! - `medchain-gateway add-anchor-proxy`: set-up: a staff key appoints the gateway's key its
//!   `Anchor` proxy (it may only anchor records in the staff key's name; N17).

mod auth;
mod binding;
mod canonical;
mod chain;
mod cors;
mod crypto;
mod identity;
mod limits;
#[cfg(test)]
mod mock_node;
mod proxy;
mod reconcile;
mod server;
mod service;
mod store;
mod tls;
mod worker;

use clap::{Parser, Subcommand};
use sp_core::{crypto::Ss58Codec, sr25519, Pair};
use std::{
	io::{Read, Write},
	net::SocketAddr,
	path::PathBuf,
	sync::Arc,
	time::Duration,
};

#[derive(Parser)]
#[command(name = "medchain-gateway", version, about = "A hospital's MedChain record gateway")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Serve the gateway's HTTP API.
	Run(RunArgs),
	/// Sign a request for a gateway; prints `-H name:value` arguments for curl (or, with
	/// `--count`, one tab-separated line of header values per request for load tools).
	Sign(SignArgs),
	/// Set-up: the organization's admin makes `--staff`'s account staff (and funds it).
	AddStaff(AddStaffArgs),
	/// Set-up (recommended): a staff key appoints the gateway's key its `Anchor` proxy
	/// (`Proxy.add_proxy`, delay 0), so the gateway's key may anchor records in the staff
	/// key's name and nothing else (run the gateway with `--acts-for <staff>`); funds it.
	AddAnchorProxy(AddAnchorProxyArgs),
	/// Set-up: the organization's admin publishes its gateway in the chain's gateway
	/// directory (`Consortium.set_gateway`): the https endpoint clients reach, and the key the
	/// gateway signs with (its `/v1/info` `signer`), so clients find it and can check it.
	Publish(PublishArgs),
	/// Development chains only: the sudo key registers a hospital (a Provider organization)
	/// and funds its admin. Consortium chains admit members by council motion instead.
	DevRegisterHospital(DevRegisterArgs),
	/// Re-wrap every document key of a stopped gateway's store under a new master key, in
	/// one transaction (a crash leaves the old key or the new one, never a mix); afterwards
	/// the old key opens nothing in the store and its file can be destroyed.
	RotateMasterKey(RotateMasterKeyArgs),
}

#[derive(clap::Args)]
struct RotateMasterKeyArgs {
	/// The gateway's data directory (the gateway must be stopped).
	#[arg(long)]
	data_dir: PathBuf,
	/// The current master key file. Default: `<data-dir>.master.key`, as for `run`.
	#[arg(long)]
	master_key: Option<PathBuf>,
	/// Where the new master key is written (a new file, mode 0600; keep it on another volume
	/// than the store). A file already there is used only if it is the key of an earlier
	/// rotation of this store that was interrupted.
	#[arg(long)]
	new_master_key: PathBuf,
}

#[derive(clap::Args)]
struct DevRegisterArgs {
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	node: String,
	/// The chain's sudo key (`//Alice` on dev chains).
	#[arg(long, default_value = "//Alice")]
	sudo_suri: String,
	/// The hospital's admin account (secret URI or SS58 address).
	#[arg(long)]
	admin: String,
	/// The hospital's name.
	#[arg(long)]
	name: String,
	/// MED the sudo key transfers to the admin.
	#[arg(long, default_value_t = 1000)]
	fund: u64,
}

#[derive(clap::Args)]
struct RunArgs {
	/// The hospital's node (WebSocket JSON-RPC).
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	node: String,
	/// Where the HTTP API listens.
	#[arg(long, default_value = "127.0.0.1:8801")]
	listen: SocketAddr,
	/// Directory of the store (`gateway.sqlite`). The master key is never in it by default.
	#[arg(long)]
	data_dir: PathBuf,
	/// The gateway's key (secret URI): an `Anchor` proxy of `--acts-for` (recommended), or
	/// a staff key. Prefer the MEDCHAIN_GATEWAY_SURI variable.
	#[arg(long, env = "MEDCHAIN_GATEWAY_SURI", hide_env_values = true)]
	suri: String,
	/// The staff key (SS58 or 0x hex account) the gateway's key anchors for, as its `Anchor`
	/// proxy (`medchain-gateway add-anchor-proxy`): the key on the gateway's host can then
	/// anchor records and nothing else (no break-glass, no logged reads). Without it the
	/// gateway's key must itself be staff (it then holds every staff power).
	#[arg(long, env = "MEDCHAIN_GATEWAY_ACTS_FOR")]
	acts_for: Option<String>,
	/// The master key file (created, mode 0600, if missing). Keep it on another volume than
	/// the store and back it up apart. Default: `<data-dir>.master.key`, beside the data
	/// directory, not in it (a copy of the data directory holds no key).
	#[arg(long)]
	master_key: Option<PathBuf>,
	/// Largest request body accepted, in bytes (larger: 413).
	#[arg(long, default_value_t = 1 << 20)]
	max_body_bytes: usize,
	/// How recent the requester's logged read (Consent.log_access) must be, in seconds.
	#[arg(long, default_value_t = 3600)]
	max_log_age_secs: u64,
	/// How long an upload waits for its anchor to be finalized before answering 202.
	#[arg(long, default_value_t = 60)]
	upload_wait_secs: u64,
	/// How long a read the chain grants at its best block waits for the finalized head to
	/// grant it too (its logged read final) before answering 503 NotFinal, in seconds.
	#[arg(long, default_value_t = 30)]
	finality_wait_secs: u64,
	/// How old a signed request may be, in seconds.
	#[arg(long, default_value_t = 300)]
	max_request_age_secs: u64,
	/// TLS certificate chain (PEM, leaf first): serve https only. Needs --tls-key.
	#[arg(long, env = "MEDCHAIN_GATEWAY_TLS_CERT", requires = "tls_key")]
	tls_cert: Option<PathBuf>,
	/// TLS private key (PEM: PKCS#8, PKCS#1 or SEC1) of --tls-cert.
	#[arg(long, env = "MEDCHAIN_GATEWAY_TLS_KEY", requires = "tls_cert")]
	tls_key: Option<PathBuf>,
	/// Serve plain http, without TLS: development and tests on loopback only (browsers and
	/// production need --tls-cert and --tls-key).
	#[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
	insecure_http: bool,
	/// A web origin (https://host[:port]) whose pages may call the gateway from a browser;
	/// repeat it or give a comma list. None: browsers' requests are refused (403).
	#[arg(long = "cors-origin", env = "MEDCHAIN_GATEWAY_CORS_ORIGINS", value_delimiter = ',')]
	cors_origins: Vec<String>,
	#[command(flatten)]
	limits: LimitArgs,
}

/// Limits against denial of service (security review N3; gateway/README.md "Limits").
#[derive(clap::Args)]
struct LimitArgs {
	/// Requests per second from one source IP (sustained; 0: no limit). Checked first.
	#[arg(long, default_value_t = 100.0)]
	ip_rate: f64,
	/// Requests one source IP may send at once, above its rate.
	#[arg(long, default_value_t = 200.0)]
	ip_burst: f64,
	/// Signed requests per second from one chain identity (sustained; 0: no limit).
	#[arg(long, default_value_t = 20.0)]
	identity_rate: f64,
	/// Signed requests one chain identity may send at once, above its rate.
	#[arg(long, default_value_t = 100.0)]
	identity_burst: f64,
	/// How long an account found to be a chain identity is remembered as one, in seconds.
	#[arg(long, default_value_t = 60)]
	identity_cache_secs: u64,
	/// How long an account found to be no chain identity (or of a suspended organization) is
	/// remembered as such, in seconds: a key registered meanwhile waits at most that long.
	#[arg(long, default_value_t = 30)]
	unknown_key_cache_secs: u64,
	/// Identity lookups on the node at once (a flood of fresh keys queues behind them).
	#[arg(long, default_value_t = 4)]
	identity_lookups: usize,
	/// Nonces remembered per chain identity at once (more: 429 Busy).
	#[arg(long, default_value_t = auth::DEFAULT_NONCES_PER_IDENTITY)]
	max_nonces_per_identity: usize,
	/// Open connections at once (TLS handshakes included); more are closed at once.
	#[arg(long, default_value_t = 1024)]
	max_connections: usize,
	/// Open connections at once from one source IP.
	#[arg(long, default_value_t = 64)]
	max_connections_per_ip: usize,
	/// Seconds a client has to send a request's headers (and the longest a kept-alive
	/// connection may sit idle); then the connection is closed.
	#[arg(long, default_value_t = 10)]
	header_timeout_secs: u64,
	/// Seconds a request may take in all (an upload's wait for its anchor included): 408.
	#[arg(long, default_value_t = 120)]
	request_timeout_secs: u64,
	/// Seconds an upload's body may take to arrive: 408.
	#[arg(long, default_value_t = 30)]
	body_timeout_secs: u64,
}

impl LimitArgs {
	fn limits(&self) -> limits::Limits {
		let rate = |per_second: f64, burst: f64| {
			if per_second > 0.0 {
				limits::Rate::new(per_second, burst)
			} else {
				limits::Rate::UNLIMITED
			}
		};
		limits::Limits {
			per_ip: rate(self.ip_rate, self.ip_burst),
			per_identity: rate(self.identity_rate, self.identity_burst),
			request_timeout: Duration::from_secs(self.request_timeout_secs.max(1)),
			body_timeout: Duration::from_secs(self.body_timeout_secs.max(1)),
			identity: identity::IdentitySettings {
				known_ttl: Duration::from_secs(self.identity_cache_secs),
				unknown_ttl: Duration::from_secs(self.unknown_key_cache_secs),
				max_lookups: self.identity_lookups.max(1),
				..identity::IdentitySettings::default()
			},
			..limits::Limits::default()
		}
	}

	fn connections(&self) -> server::ConnectionLimits {
		server::ConnectionLimits {
			max_connections: self.max_connections.max(1),
			max_per_ip: self.max_connections_per_ip.max(1),
			header_timeout: Duration::from_secs(self.header_timeout_secs.max(1)),
			..server::ConnectionLimits::default()
		}
	}
}

#[derive(clap::Args)]
struct SignArgs {
	/// The requester's key (secret URI).
	#[arg(long, env = "MEDCHAIN_SURI", hide_env_values = true)]
	suri: String,
	/// The gateway (its `/v1/info` gives the audience), e.g. https://127.0.0.1:8801.
	#[arg(long, conflicts_with = "audience")]
	gateway: Option<String>,
	/// A CA certificate (PEM) to trust for an https `--gateway`, besides the system's (e.g.
	/// the development CA of scripts/dev-certs.sh).
	#[arg(long, env = "MEDCHAIN_CACERT")]
	cacert: Option<PathBuf>,
	/// The gateway's audience as its `/v1/info` gives it (`0x` + hex: its organization, its
	/// key and its instance id), instead of asking `--gateway`.
	#[arg(long)]
	audience: Option<String>,
	/// HTTP method.
	#[arg(long, default_value = "GET")]
	method: String,
	/// Path and query, e.g. /v1/records/0x...
	#[arg(long)]
	path: String,
	/// File whose bytes are the request body (for POST).
	#[arg(long)]
	body_file: Option<PathBuf>,
	/// Sign this many requests (fresh nonces), one tab-separated line each:
	/// account, timestamp, nonce, signature.
	#[arg(long)]
	count: Option<u32>,
}

#[derive(clap::Args)]
struct AddStaffArgs {
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	node: String,
	/// The organization's admin key (secret URI).
	#[arg(long)]
	admin_suri: String,
	/// The new staff key (secret URI or SS58 address).
	#[arg(long)]
	staff: String,
	/// Also transfer this many MED to the staff key (it pays its anchors' fees).
	#[arg(long)]
	fund: Option<u64>,
}

#[derive(clap::Args)]
struct AddAnchorProxyArgs {
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	node: String,
	/// The staff key (secret URI) the gateway anchors for: it appoints the proxy.
	#[arg(long, env = "MEDCHAIN_STAFF_SURI", hide_env_values = true)]
	staff_suri: String,
	/// The gateway's key (secret URI or SS58/hex account).
	#[arg(long)]
	gateway: String,
	/// Also transfer this many MED from the staff key to the gateway's key (it pays its
	/// anchors' fees).
	#[arg(long)]
	fund: Option<u64>,
}

#[derive(clap::Args)]
struct PublishArgs {
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	node: String,
	/// The organization's admin key (secret URI): only the admin publishes.
	#[arg(long)]
	admin_suri: String,
	/// The gateway's public https URL (e.g. `https://records.stmarys.example:8801`).
	#[arg(long)]
	endpoint: String,
	/// The gateway's signing key: its secret URI (`MEDCHAIN_GATEWAY_SURI`) or its SS58/hex
	/// account.
	#[arg(long)]
	signer: String,
}

fn pair(suri: &str) -> Result<sr25519::Pair, String> {
	sr25519::Pair::from_string(suri, None).map_err(|e| format!("not a valid secret URI: {e:?}"))
}

#[tokio::main]
async fn main() {
	env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
	// Addresses in MedChain's own SS58 format, as wallets show them.
	sp_core::crypto::set_default_ss58_version(sp_core::crypto::Ss58AddressFormat::custom(
		<medchain_runtime::Runtime as frame_system::Config>::SS58Prefix::get(),
	));
	let cli = Cli::parse();
	let result = match cli.command {
		Command::Run(args) => run(args).await,
		Command::Sign(args) => sign(args),
		Command::AddStaff(args) => add_staff(args).await,
		Command::AddAnchorProxy(args) => add_anchor_proxy(args).await,
		Command::Publish(args) => publish(args).await,
		Command::DevRegisterHospital(args) => dev_register_hospital(args).await,
		Command::RotateMasterKey(args) => rotate_master_key(args),
	};
	if let Err(e) = result {
		eprintln!("medchain-gateway: {e}");
		std::process::exit(1);
	}
}

async fn run(args: RunArgs) -> Result<(), String> {
	// What the operator configured is checked before anything else (a key, the chain).
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
	// Stores made before the dedup key was a MAC under the master key (N10): re-key them.
	let rekeyed = store
		.rekey_dedup(|doc| service::keyed_dedup_of(&master, doc))
		.map_err(|e| e.to_string())?;
	if rekeyed > 0 {
		log::info!("{rekeyed} dedup key(s) re-keyed under the master key");
	}
	// The store records which master key its document keys are wrapped under: another key
	// (the old one after a rotation) is refused rather than answering Tampered for everything.
	store
		.ensure_master_key(&master.check_value(), |doc| {
			let sealed = crypto::Sealed {
				ciphertext: doc.ciphertext.clone().unwrap_or_default(),
				wrapped_key: doc.wrapped_key.clone().unwrap_or_default(),
			};
			master.open(&sealed, doc.locator.as_bytes()).is_ok()
		})
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
		// Recommended (N17): the gateway's key may only anchor, in the staff key's name.
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
	// Requests are signed for this gateway: its organization, its key and its instance id
	// (N18), so a request signed for another gateway of the same organization is refused.
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
	// destroyed before anyone can ask for it. First with the finalized head's state (N2):
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

	let listener = tokio::net::TcpListener::bind(args.listen)
		.await
		.map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
	if origins.is_empty() {
		log::info!("no --cors-origin: requests from web pages (with an Origin header) are refused");
	} else {
		log::info!("web pages allowed (CORS): {}", origins.iter().collect::<Vec<_>>().join(", "));
	}
	let app = cors::layer(service::router(gateway), origins);
	let shutdown = async {
		let _ = tokio::signal::ctrl_c().await;
	};
	if tls.is_some() {
		log::info!("listening on https://{}", args.listen);
	} else {
		log::warn!(
			"listening on http://{} WITHOUT TLS (--insecure-http): for development on loopback only",
			args.listen
		);
	}
	// Connection caps and header timeouts (N3): the gateway's own accept loop (server.rs).
	let gate = server::ConnectionGate::new(args.limits.connections());
	server::serve(listener, tls, app, gate, shutdown).await;
	Ok(())
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
/// in it (N10). A key an older gateway made at `<data-dir>/master.key` is not used silently:
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

/// GET `url` + `/v1/info` with a plain HTTP/1.1 request (over TLS for an https URL, trusting
/// the system's roots and `cacert`); the JSON body.
fn gateway_info(url: &str, cacert: Option<&std::path::Path>) -> Result<serde_json::Value, String> {
	let (https, rest) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
		(Some(rest), _) => (true, rest),
		(None, Some(rest)) => (false, rest),
		_ => {
			return Err(
				"--gateway must be an https:// (or http://) URL (use --audience otherwise)".into()
			)
		}
	};
	let authority = rest.split('/').next().unwrap_or(rest);
	let address = if authority.rsplit_once(':').is_some_and(|(_, p)| p.parse::<u16>().is_ok()) {
		authority.to_string()
	} else {
		format!("{authority}:{}", if https { 443 } else { 80 })
	};
	let mut tcp = std::net::TcpStream::connect(&address).map_err(|e| format!("{address}: {e}"))?;
	tcp.set_read_timeout(Some(Duration::from_secs(10))).map_err(|e| e.to_string())?;
	let request =
		format!("GET /v1/info HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
	let mut response = Vec::new();
	if https {
		let host = authority
			.rsplit_once(':')
			.filter(|(_, p)| p.parse::<u16>().is_ok())
			.map_or(authority, |(h, _)| h)
			.trim_start_matches('[')
			.trim_end_matches(']');
		let name = rustls::pki_types::ServerName::try_from(host.to_string())
			.map_err(|e| format!("{url}: {e}"))?;
		let mut connection = rustls::ClientConnection::new(tls::client_config(cacert)?, name)
			.map_err(|e| format!("{url}: {e}"))?;
		let mut stream = rustls::Stream::new(&mut connection, &mut tcp);
		stream.write_all(request.as_bytes()).map_err(|e| format!("{url}: {e}"))?;
		// A server that closes without close_notify still sent the whole answer (Connection: close).
		match stream.read_to_end(&mut response) {
			Ok(_) => {}
			Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !response.is_empty() => {}
			Err(e) => return Err(format!("{url}: {e}")),
		}
	} else {
		tcp.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
		tcp.read_to_end(&mut response).map_err(|e| e.to_string())?;
	}
	let response = String::from_utf8_lossy(&response);
	let body = response.split_once("\r\n\r\n").map(|(_, b)| b).ok_or("no HTTP response")?;
	serde_json::from_str(body).map_err(|e| format!("{url}/v1/info: {e}"))
}

fn sign(args: SignArgs) -> Result<(), String> {
	let signer = pair(&args.suri)?;
	let audience = match (&args.audience, &args.gateway) {
		(Some(a), _) => {
			auth::parse_audience(a).ok_or("--audience is not 0x + hex (/v1/info's audience)")?
		}
		(None, Some(url)) => {
			let info = gateway_info(url, args.cacert.as_deref())?;
			info["audience"]
				.as_str()
				.and_then(auth::parse_audience)
				.ok_or("the gateway's /v1/info has no audience")?
		}
		(None, None) => return Err("give --gateway URL or --audience AUDIENCE".into()),
	};
	let body = match &args.body_file {
		Some(path) => std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?,
		None => Vec::new(),
	};
	let mut out = std::io::stdout().lock();
	match args.count {
		None => {
			let headers = auth::sign(
				&signer,
				&audience,
				&args.method,
				&args.path,
				auth::now_ms(),
				&auth::fresh_nonce(),
				&body,
			);
			for (name, value) in headers {
				writeln!(out, "-H {name}:{value}").map_err(|e| e.to_string())?;
			}
		}
		Some(n) => {
			let now = auth::now_ms();
			for _ in 0..n {
				let headers = auth::sign(
					&signer,
					&audience,
					&args.method,
					&args.path,
					now,
					&auth::fresh_nonce(),
					&body,
				);
				let values: Vec<String> = headers.into_iter().map(|(_, v)| v).collect();
				writeln!(out, "{}", values.join("\t")).map_err(|e| e.to_string())?;
			}
		}
	}
	Ok(())
}

/// `rotate-master-key`: re-wrap the store of a stopped gateway under a new master key.
fn rotate_master_key(args: RotateMasterKeyArgs) -> Result<(), String> {
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
		.ensure_master_key(&old.check_value(), |doc| {
			let sealed = crypto::Sealed {
				ciphertext: doc.ciphertext.clone().unwrap_or_default(),
				wrapped_key: doc.wrapped_key.clone().unwrap_or_default(),
			};
			old.open(&sealed, doc.locator.as_bytes()).is_ok()
		})
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

async fn add_staff(args: AddStaffArgs) -> Result<(), String> {
	let admin = pair(&args.admin_suri)?;
	let staff = match auth::parse_account(&args.staff) {
		Some(account) => account,
		None => pair(&args.staff)?.public().into(),
	};
	let staff_account = sp_core::crypto::AccountId32::from(staff);
	let chain = chain::Chain::connect(&args.node).await.map_err(|e| e.to_string())?;
	let best = chain.best_hash().await.map_err(|e| e.to_string())?;
	let admin_account: [u8; 32] = admin.public().into();
	match chain.organization_of(staff, best).await.map_err(|e| e.to_string())? {
		Some(org) if org == admin_account => {
			println!("{} is already staff", staff_account.to_ss58check())
		}
		Some(_) => {
			return Err(format!(
				"{} already acts for another organization",
				staff_account.to_ss58check()
			))
		}
		None => {
			let call =
				medchain_runtime::RuntimeCall::Consortium(pallet_consortium::Call::add_staff {
					account: staff_account.clone(),
				});
			chain
				.submit_and_wait(&admin, call, Duration::from_secs(120))
				.await
				.map_err(|e| e.to_string())?;
			println!(
				"{} is now staff of {}",
				staff_account.to_ss58check(),
				sp_core::crypto::AccountId32::from(admin_account).to_ss58check()
			);
		}
	}
	if let Some(med) = args.fund {
		let call = medchain_runtime::RuntimeCall::Balances(pallet_balances_transfer(
			staff_account.clone(),
			med,
		));
		chain
			.submit_and_wait(&admin, call, Duration::from_secs(120))
			.await
			.map_err(|e| e.to_string())?;
		println!("funded {} with {med} MED", staff_account.to_ss58check());
	}
	Ok(())
}

async fn add_anchor_proxy(args: AddAnchorProxyArgs) -> Result<(), String> {
	let staff = pair(&args.staff_suri)?;
	let staff_account: [u8; 32] = staff.public().into();
	let gateway = match auth::parse_account(&args.gateway) {
		Some(account) => account,
		None => pair(&args.gateway)?.public().into(),
	};
	let gateway_account = sp_core::crypto::AccountId32::from(gateway);
	let chain = chain::Chain::connect(&args.node).await.map_err(|e| e.to_string())?;
	let best = chain.best_hash().await.map_err(|e| e.to_string())?;
	if chain.organization_of(staff_account, best).await.map_err(|e| e.to_string())?.is_none() {
		return Err(format!(
			"{} is no organization's staff: the hospital's admin runs `medchain-gateway add-staff` for it first",
			sp_core::crypto::AccountId32::from(staff_account).to_ss58check()
		));
	}
	let already = proxy::proxies_of(&chain, staff_account, best).await?.iter().any(|d| {
		d.delegate == gateway_account
			&& d.proxy_type == medchain_runtime::ProxyType::Anchor
			&& d.delay == 0
	});
	if already {
		println!(
			"{} is already an Anchor proxy of {} (run the gateway with --acts-for {})",
			gateway_account.to_ss58check(),
			sp_core::crypto::AccountId32::from(staff_account).to_ss58check(),
			sp_core::crypto::AccountId32::from(staff_account).to_ss58check()
		);
	} else {
		let call = medchain_runtime::RuntimeCall::Proxy(pallet_proxy::Call::add_proxy {
			delegate: gateway_account.clone().into(),
			proxy_type: medchain_runtime::ProxyType::Anchor,
			delay: 0,
		});
		chain
			.submit_and_wait(&staff, call, Duration::from_secs(120))
			.await
			.map_err(|e| e.to_string())?;
		println!(
			"{} is now an Anchor proxy of {} (run the gateway with --acts-for {})",
			gateway_account.to_ss58check(),
			sp_core::crypto::AccountId32::from(staff_account).to_ss58check(),
			sp_core::crypto::AccountId32::from(staff_account).to_ss58check()
		);
	}
	if let Some(med) = args.fund {
		let call = medchain_runtime::RuntimeCall::Balances(pallet_balances_transfer(
			gateway_account.clone(),
			med,
		));
		chain
			.submit_and_wait(&staff, call, Duration::from_secs(120))
			.await
			.map_err(|e| e.to_string())?;
		println!("funded {} with {med} MED", gateway_account.to_ss58check());
	}
	Ok(())
}

async fn publish(args: PublishArgs) -> Result<(), String> {
	let admin = pair(&args.admin_suri)?;
	let signer = match auth::parse_account(&args.signer) {
		Some(account) => account,
		None => pair(&args.signer)?.public().into(),
	};
	let chain = chain::Chain::connect(&args.node).await.map_err(|e| e.to_string())?;
	let call = medchain_runtime::RuntimeCall::Consortium(pallet_consortium::Call::set_gateway {
		endpoint: args.endpoint.clone().into_bytes(),
		public_key: signer,
	});
	chain
		.submit_and_wait(&admin, call, Duration::from_secs(120))
		.await
		.map_err(|e| e.to_string())?;
	println!(
		"{} published its gateway {} (signer {})",
		sp_core::crypto::AccountId32::from(<[u8; 32]>::from(admin.public())).to_ss58check(),
		args.endpoint,
		sp_core::crypto::AccountId32::from(signer).to_ss58check()
	);
	Ok(())
}

async fn dev_register_hospital(args: DevRegisterArgs) -> Result<(), String> {
	let sudo = pair(&args.sudo_suri)?;
	let admin = match auth::parse_account(&args.admin) {
		Some(account) => account,
		None => pair(&args.admin)?.public().into(),
	};
	let admin_account = sp_core::crypto::AccountId32::from(admin);
	let chain = chain::Chain::connect(&args.node).await.map_err(|e| e.to_string())?;
	let best = chain.best_hash().await.map_err(|e| e.to_string())?;
	if chain.organization_of(admin, best).await.map_err(|e| e.to_string())? == Some(admin) {
		println!("{} is already a registered organization", admin_account.to_ss58check());
		return Ok(());
	}
	let transfer = medchain_runtime::RuntimeCall::Balances(pallet_balances_transfer(
		admin_account.clone(),
		args.fund,
	));
	chain
		.submit_and_wait(&sudo, transfer, Duration::from_secs(120))
		.await
		.map_err(|e| e.to_string())?;
	let register =
		medchain_runtime::RuntimeCall::Consortium(pallet_consortium::Call::register_organization {
			admin: admin_account.clone(),
			name: args.name.clone().into_bytes(),
			roles: medchain_runtime::Roles::from(medchain_runtime::Role::Provider),
		});
	let call =
		medchain_runtime::RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(register) });
	chain
		.submit_and_wait(&sudo, call, Duration::from_secs(120))
		.await
		.map_err(|e| e.to_string())?;
	let best = chain.best_hash().await.map_err(|e| e.to_string())?;
	if chain.organization_of(admin, best).await.map_err(|e| e.to_string())? != Some(admin) {
		return Err("the sudo call did not register the hospital (is this a development chain with this sudo key?)".into());
	}
	println!("registered {} ({}) as a Provider", args.name, admin_account.to_ss58check());
	Ok(())
}

fn pallet_balances_transfer(
	to: sp_core::crypto::AccountId32,
	med: u64,
) -> medchain_runtime::BalancesCall<medchain_runtime::Runtime> {
	medchain_runtime::BalancesCall::transfer_keep_alive {
		dest: to.into(),
		value: u128::from(med).saturating_mul(medchain_runtime::UNIT),
	}
}
