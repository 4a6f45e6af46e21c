//! The runtime's integration tests, one binary (linking a test binary of the whole runtime
//! costs seconds each, so the files share one): every module is the story of one
//! part of the chain, told through the real runtime (`medchain-runtime-test-support` builds
//! the genesis state and signs extrinsics as a wallet would).

// Test code: the workspace's no-panic lints are for runtime code; here a panic is a failed test.
#![allow(
	clippy::unwrap_used,
	clippy::panic,
	clippy::indexing_slicing,
	clippy::arithmetic_side_effects
)]

mod clinical_trials;
mod consortium;
mod drug_provenance;
mod fees;
mod gateway_directory;
mod governance;
mod health_records;
mod patients_and_consent;
mod permission_matrix;
mod prescriptions;
mod trust_model;
mod try_runtime;
