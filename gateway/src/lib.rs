//! `medchain-gateway`: a hospital's record gateway (see README.md in this folder), as a
//! library; the binary (main.rs) parses the command line and calls [`cli::Cli::execute`].
//!
//! - The command line and start-up: [`cli`] (the options), `run` (`medchain-gateway run` and
//!   `rotate-master-key`), `sign`, `setup` (the on-chain set-up commands).
//! - The HTTP API: `service` (the routes), [`error`] (every refusal: its reason code, HTTP
//!   status and JSON body), `auth` (signed requests), `limits`, `identity` and `server`
//!   (denial of service), `cors` and `tls` (browsers), `metrics` (Prometheus, with
//!   `--prometheus-addr`), [`logs`] (the log's rate limit for lines an outsider causes).
//! - FHIR R4 at `/fhir` (docs/FHIR.md): `fhir` maps the same handlers' answers to FHIR
//!   resources and keeps the gateway's own disclosures as AuditEvents.
//! - The documents: `store` (SQLite), `crypto` (encryption at rest), `canonical` (FHIR's
//!   canonical JSON and the content hash).
//! - The chain: `chain` (JSON-RPC with the runtime's own types), `binding` (which record an
//!   upload is), `proxy` (the gateway key as an `Anchor` proxy), `worker` (anchoring and
//!   following finalized blocks), `reconcile` (catching up without historical state).

mod auth;
mod binding;
mod canonical;
mod chain;
pub mod cli;
mod cors;
mod crypto;
pub mod error;
mod fhir;
mod identity;
mod limits;
pub mod logs;
mod metrics;
#[cfg(test)]
mod mock_node;
mod proxy;
mod reconcile;
mod run;
mod server;
mod service;
mod setup;
mod sign;
mod store;
mod tls;
mod worker;
