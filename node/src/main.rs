//! `medchain-node`: the MedChain node.

// `sc_cli::Error`, the error type of every Substrate node's commands, is polkadot-sdk's (176
// bytes); boxing it here would only differ from every other node.
#![allow(clippy::result_large_err)]

mod chain_spec;
mod cli;
mod command;
mod peering;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
