//! `medchain-gateway`: a hospital's record gateway (see README.md in this folder). The
//! commands and start-up are in the library (`medchain_gateway::cli`).
//!
//! - `medchain-gateway run`: serve the HTTP API (https with `--tls-cert`/`--tls-key`) beside
//!   the hospital's node.
//! - `medchain-gateway sign`: sign a request for a gateway (prints curl arguments).
//! - `medchain-gateway add-staff`: set-up: make a key staff of the organization (and fund it).
//! - `medchain-gateway add-anchor-proxy`: set-up: a staff key appoints the gateway's key its
//!   `Anchor` proxy (it may only anchor records in the staff key's name).

use clap::Parser;
use medchain_gateway::cli::{self, Cli};

#[tokio::main]
async fn main() {
	cli::init();
	if let Err(e) = Cli::parse().execute().await {
		eprintln!("medchain-gateway: {e}");
		std::process::exit(1);
	}
}
