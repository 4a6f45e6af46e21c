//! The command line: `medchain-gateway`'s commands and their options (clap), and
//! [`Cli::execute`], which runs one.
//!
//! - `run`: serve the HTTP API (https with `--tls-cert`/`--tls-key`) beside the hospital's
//!   node (run.rs).
//! - `sign`: sign a request for a gateway (prints curl arguments; sign.rs).
//! - `add-staff`, `add-anchor-proxy`, `publish`, `dev-register-hospital`: set-up on chain
//!   (setup.rs).
//! - `rotate-master-key`: re-wrap a stopped gateway's store under a new master key (run.rs).

use crate::{auth, identity, limits, server};
use clap::{Parser, Subcommand};
use sp_core::{sr25519, Pair};
use std::{net::SocketAddr, path::PathBuf, time::Duration};

#[derive(Parser)]
#[command(name = "medchain-gateway", version, about = "A hospital's MedChain record gateway")]
pub struct Cli {
	#[command(subcommand)]
	pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
	/// Serve the gateway's HTTP API.
	Run(Box<RunArgs>),
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
pub struct RotateMasterKeyArgs {
	/// The gateway's data directory (the gateway must be stopped).
	#[arg(long)]
	pub data_dir: PathBuf,
	/// The current master key file. Default: `<data-dir>.master.key`, as for `run`.
	#[arg(long)]
	pub master_key: Option<PathBuf>,
	/// Where the new master key is written (a new file, mode 0600; keep it on another volume
	/// than the store). A file already there is used only if it is the key of an earlier
	/// rotation of this store that was interrupted.
	#[arg(long)]
	pub new_master_key: PathBuf,
}

#[derive(clap::Args)]
pub struct DevRegisterArgs {
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	pub node: String,
	/// The chain's sudo key (`//Alice` on dev chains).
	#[arg(long, default_value = "//Alice")]
	pub sudo_suri: String,
	/// The hospital's admin account (secret URI or SS58 address).
	#[arg(long)]
	pub admin: String,
	/// The hospital's name.
	#[arg(long)]
	pub name: String,
	/// MED the sudo key transfers to the admin.
	#[arg(long, default_value_t = 1000)]
	pub fund: u64,
}

#[derive(clap::Args)]
pub struct RunArgs {
	/// The hospital's node (WebSocket JSON-RPC).
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	pub node: String,
	/// Where the HTTP API listens.
	#[arg(long, default_value = "127.0.0.1:8801")]
	pub listen: SocketAddr,
	/// Directory of the store (`gateway.sqlite`). The master key is never in it by default.
	#[arg(long)]
	pub data_dir: PathBuf,
	/// The gateway's key (secret URI): an `Anchor` proxy of `--acts-for` (recommended), or
	/// a staff key. Prefer the MEDCHAIN_GATEWAY_SURI variable.
	#[arg(long, env = "MEDCHAIN_GATEWAY_SURI", hide_env_values = true)]
	pub suri: String,
	/// The staff key (SS58 or 0x hex account) the gateway's key anchors for, as its `Anchor`
	/// proxy (`medchain-gateway add-anchor-proxy`): the key on the gateway's host can then
	/// anchor records and nothing else (no break-glass, no logged reads). Without it the
	/// gateway's key must itself be staff (it then holds every staff power).
	#[arg(long, env = "MEDCHAIN_GATEWAY_ACTS_FOR")]
	pub acts_for: Option<String>,
	/// The master key file (created, mode 0600, if missing). Keep it on another volume than
	/// the store and back it up apart. Default: `<data-dir>.master.key`, beside the data
	/// directory, not in it (a copy of the data directory holds no key).
	#[arg(long)]
	pub master_key: Option<PathBuf>,
	/// Largest request body accepted, in bytes (larger: 413).
	#[arg(long, default_value_t = 1 << 20)]
	pub max_body_bytes: usize,
	/// How recent the requester's logged read (Consent.log_access) must be, in seconds.
	#[arg(long, default_value_t = 3600)]
	pub max_log_age_secs: u64,
	/// How long an upload waits for its anchor to be finalized before answering 202.
	#[arg(long, default_value_t = 60)]
	pub upload_wait_secs: u64,
	/// How long a read the chain grants at its best block waits for the finalized head to
	/// grant it too (its logged read final) before answering 503 NotFinal, in seconds.
	#[arg(long, default_value_t = 30)]
	pub finality_wait_secs: u64,
	/// How old a signed request may be, in seconds.
	#[arg(long, default_value_t = 300)]
	pub max_request_age_secs: u64,
	/// TLS certificate chain (PEM, leaf first): serve https only. Needs --tls-key.
	#[arg(long, env = "MEDCHAIN_GATEWAY_TLS_CERT", requires = "tls_key")]
	pub tls_cert: Option<PathBuf>,
	/// TLS private key (PEM: PKCS#8, PKCS#1 or SEC1) of --tls-cert.
	#[arg(long, env = "MEDCHAIN_GATEWAY_TLS_KEY", requires = "tls_cert")]
	pub tls_key: Option<PathBuf>,
	/// Serve plain http, without TLS: development and tests on loopback only (browsers and
	/// production need --tls-cert and --tls-key).
	#[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
	pub insecure_http: bool,
	/// A web origin (https://host[:port]) whose pages may call the gateway from a browser;
	/// repeat it or give a comma list. None: browsers' requests are refused (403).
	#[arg(long = "cors-origin", env = "MEDCHAIN_GATEWAY_CORS_ORIGINS", value_delimiter = ',')]
	pub cors_origins: Vec<String>,
	/// The URL clients reach this gateway at (https://host[:port], the endpoint the chain's
	/// gateway directory publishes; http only with --insecure-http); repeat it or give a comma
	/// list. Requests must be signed for one of these origins (`401 WrongOrigin` otherwise),
	/// so a server that relays requests to this gateway gets none served. Default, on a
	/// loopback --listen only: its loopback addresses (127.0.0.1, localhost) with the port bound.
	#[arg(long = "public-url", env = "MEDCHAIN_GATEWAY_PUBLIC_URLS", value_delimiter = ',')]
	pub public_urls: Vec<String>,
	/// Serve Prometheus metrics (`GET /metrics`, plain http, unauthenticated) on this
	/// address, e.g. 127.0.0.1:9616 (port 0: one the kernel picks, logged). Off by default;
	/// keep it on loopback or a monitoring network.
	#[arg(long, env = "MEDCHAIN_GATEWAY_PROMETHEUS_ADDR")]
	pub prometheus_addr: Option<SocketAddr>,
	#[command(flatten)]
	pub limits: LimitArgs,
}

/// Limits against denial of service (gateway/README.md "Limits").
#[derive(clap::Args)]
pub struct LimitArgs {
	/// Requests per second from one source IP (sustained; 0: no limit). Checked first.
	#[arg(long, default_value_t = 100.0)]
	pub ip_rate: f64,
	/// Requests one source IP may send at once, above its rate.
	#[arg(long, default_value_t = 200.0)]
	pub ip_burst: f64,
	/// Signed requests per second from one chain identity (sustained; 0: no limit).
	#[arg(long, default_value_t = 20.0)]
	pub identity_rate: f64,
	/// Signed requests one chain identity may send at once, above its rate.
	#[arg(long, default_value_t = 100.0)]
	pub identity_burst: f64,
	/// How long an account found to be a chain identity is remembered as one, in seconds.
	#[arg(long, default_value_t = 60)]
	pub identity_cache_secs: u64,
	/// How long an account found to be no chain identity (or of a suspended organization) is
	/// remembered as such, in seconds: a key registered meanwhile waits at most that long.
	#[arg(long, default_value_t = 30)]
	pub unknown_key_cache_secs: u64,
	/// Identity lookups on the node at once (a flood of fresh keys queues behind them).
	#[arg(long, default_value_t = 4)]
	pub identity_lookups: usize,
	/// Nonces remembered per chain identity at once (more: 429 Busy).
	#[arg(long, default_value_t = auth::DEFAULT_NONCES_PER_IDENTITY)]
	pub max_nonces_per_identity: usize,
	/// Open connections at once (TLS handshakes included); more are closed at once.
	#[arg(long, default_value_t = 1024)]
	pub max_connections: usize,
	/// Open connections at once from one source IP.
	#[arg(long, default_value_t = 64)]
	pub max_connections_per_ip: usize,
	/// Seconds a client has to send a request's headers (and the longest a kept-alive
	/// connection may sit idle); then the connection is closed.
	#[arg(long, default_value_t = 10)]
	pub header_timeout_secs: u64,
	/// Seconds a request may take in all (an upload's wait for its anchor included): 408.
	#[arg(long, default_value_t = 120)]
	pub request_timeout_secs: u64,
	/// Seconds an upload's body may take to arrive: 408.
	#[arg(long, default_value_t = 30)]
	pub body_timeout_secs: u64,
}

impl LimitArgs {
	pub(crate) fn limits(&self) -> limits::Limits {
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

	pub(crate) fn connections(&self) -> server::ConnectionLimits {
		server::ConnectionLimits {
			max_connections: self.max_connections.max(1),
			max_per_ip: self.max_connections_per_ip.max(1),
			header_timeout: Duration::from_secs(self.header_timeout_secs.max(1)),
			..server::ConnectionLimits::default()
		}
	}
}

#[derive(clap::Args)]
pub struct SignArgs {
	/// The requester's key (secret URI).
	#[arg(long, env = "MEDCHAIN_SURI", hide_env_values = true)]
	pub suri: String,
	/// The gateway (its `/v1/info` gives the audience), e.g. https://127.0.0.1:8801: the
	/// request is signed for its origin unless --origin says otherwise.
	#[arg(long, conflicts_with = "audience")]
	pub gateway: Option<String>,
	/// The origin (or any URL of it) the request will be sent to, e.g.
	/// https://records.stmarys.example: what it is signed for. Default: --gateway's.
	#[arg(long)]
	pub origin: Option<String>,
	/// A CA certificate (PEM) to trust for an https `--gateway`, besides the system's (e.g.
	/// the development CA of scripts/dev-certs.sh).
	#[arg(long, env = "MEDCHAIN_CACERT")]
	pub cacert: Option<PathBuf>,
	/// The gateway's audience as its `/v1/info` gives it (`0x` + hex: its organization, its
	/// key and its instance id), instead of asking `--gateway`.
	#[arg(long)]
	pub audience: Option<String>,
	/// HTTP method.
	#[arg(long, default_value = "GET")]
	pub method: String,
	/// Path and query, e.g. /v1/records/0x...
	#[arg(long)]
	pub path: String,
	/// File whose bytes are the request body (for POST).
	#[arg(long)]
	pub body_file: Option<PathBuf>,
	/// Sign this many requests (fresh nonces), one tab-separated line each:
	/// account, timestamp, nonce, signature, origin.
	#[arg(long)]
	pub count: Option<u32>,
}

#[derive(clap::Args)]
pub struct AddStaffArgs {
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	pub node: String,
	/// The organization's admin key (secret URI).
	#[arg(long)]
	pub admin_suri: String,
	/// The new staff key (secret URI or SS58 address).
	#[arg(long)]
	pub staff: String,
	/// Also transfer this many MED to the staff key (it pays its anchors' fees).
	#[arg(long)]
	pub fund: Option<u64>,
}

#[derive(clap::Args)]
pub struct AddAnchorProxyArgs {
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	pub node: String,
	/// The staff key (secret URI) the gateway anchors for: it appoints the proxy.
	#[arg(long, env = "MEDCHAIN_STAFF_SURI", hide_env_values = true)]
	pub staff_suri: String,
	/// The gateway's key (secret URI or SS58/hex account).
	#[arg(long)]
	pub gateway: String,
	/// Also transfer this many MED from the staff key to the gateway's key (it pays its
	/// anchors' fees).
	#[arg(long)]
	pub fund: Option<u64>,
}

#[derive(clap::Args)]
pub struct PublishArgs {
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	pub node: String,
	/// The organization's admin key (secret URI): only the admin publishes.
	#[arg(long)]
	pub admin_suri: String,
	/// The gateway's public https URL (e.g. `https://records.stmarys.example:8801`): its
	/// origin must be one of the gateway's `--public-url`s, or clients' requests (signed for
	/// it) are refused `WrongOrigin`; publish checks the endpoint's `/v1/info` lists it.
	#[arg(long)]
	pub endpoint: String,
	/// A CA certificate (PEM) to trust when asking the endpoint's `/v1/info`, besides the
	/// system's (e.g. the development CA of scripts/dev-certs.sh).
	#[arg(long, env = "MEDCHAIN_CACERT")]
	pub cacert: Option<PathBuf>,
	/// The gateway's signing key: its secret URI (`MEDCHAIN_GATEWAY_SURI`) or its SS58/hex
	/// account.
	#[arg(long)]
	pub signer: String,
}

impl Cli {
	/// Run the command; its error is what `medchain-gateway` prints before exiting with 1.
	pub async fn execute(self) -> Result<(), String> {
		match self.command {
			Command::Run(args) => crate::run::run(*args).await,
			Command::Sign(args) => crate::sign::sign(args),
			Command::AddStaff(args) => crate::setup::add_staff(args).await,
			Command::AddAnchorProxy(args) => crate::setup::add_anchor_proxy(args).await,
			Command::Publish(args) => crate::setup::publish(args).await,
			Command::DevRegisterHospital(args) => crate::setup::dev_register_hospital(args).await,
			Command::RotateMasterKey(args) => crate::run::rotate_master_key(args),
		}
	}
}

/// What every command does first: log to stderr (`RUST_LOG`, `info` by default; lines an
/// outsider can cause rate-limited, logs.rs), and show addresses in MedChain's own SS58
/// format, as wallets show them.
pub fn init() {
	crate::logs::init();
	sp_core::crypto::set_default_ss58_version(sp_core::crypto::Ss58AddressFormat::custom(
		<medchain_runtime::Runtime as frame_system::Config>::SS58Prefix::get(),
	));
}

/// The key of a secret URI (`//Alice`, a mnemonic, `0x` seed).
pub(crate) fn pair(suri: &str) -> Result<sr25519::Pair, String> {
	sr25519::Pair::from_string(suri, None).map_err(|e| format!("not a valid secret URI: {e:?}"))
}
