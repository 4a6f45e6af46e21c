//! Dispatches the command line to the right piece of the node.

use crate::{
	chain_spec,
	cli::{Cli, Subcommand},
	service,
};
use sc_cli::SubstrateCli;
use sc_service::PartialComponents;

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"MedChain Node".into()
	}

	fn impl_version() -> String {
		env!("SUBSTRATE_CLI_IMPL_VERSION").into()
	}

	fn description() -> String {
		env!("CARGO_PKG_DESCRIPTION").into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://example.invalid/medchain/issues".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
		Ok(match id {
			"dev" => Box::new(chain_spec::development_chain_spec()?),
			"" | "local" => Box::new(chain_spec::local_chain_spec()?),
			"local-consortium" => Box::new(chain_spec::local_consortium_chain_spec()?),
			path => {
				Box::new(chain_spec::ChainSpec::from_json_file(std::path::PathBuf::from(path))?)
			}
		})
	}
}

/// MedChain's transaction-pool size when `--pool-limit` is not given: Substrate's default
/// (8,192) keeps a future queue of a tenth of it, 819 transactions, fewer than one block
/// holds (~1,000 transfers), and drops the excess of a burst after the RPC already
/// accepted it (accepted-then-lost transactions). 81,920 makes the future
/// queue 8,192 transactions, several blocks' worth (see `docs/BENCHMARKS.md`); memory stays
/// bounded by [`DEFAULT_POOL_KBYTES`].
pub const DEFAULT_POOL_LIMIT: usize = 81_920;

/// The pool's size in kilobytes when `--pool-kbytes` is not given (Substrate: 20,480):
/// scaled with [`DEFAULT_POOL_LIMIT`], 200 MiB ready and 20 MiB future at most.
pub const DEFAULT_POOL_KBYTES: usize = 204_800;

/// Whether the command line sets `flag` (`--flag N` or `--flag=N`).
fn has_flag(flag: &str) -> bool {
	std::env::args().any(|arg| arg == flag || arg.starts_with(&format!("{flag}=")))
}

/// Parse the command line and run it.
pub fn run() -> sc_cli::Result<()> {
	let mut cli = Cli::from_args();
	if !has_flag("--pool-limit") {
		cli.run.pool_config.pool_limit = DEFAULT_POOL_LIMIT;
	}
	if !has_flag("--pool-kbytes") {
		cli.run.pool_config.pool_kbytes = DEFAULT_POOL_KBYTES;
	}
	// MedChain addresses (prefix 4242) are what wallets show: the node's RPC
	// (`system_accountNextIndex`), logs and `key` commands read and print them too. Generic
	// Substrate addresses (prefix 42) are still accepted, e.g. in chain specs.
	sp_core::crypto::set_default_ss58_version(
		medchain_runtime::configs::MEDCHAIN_SS58_PREFIX.into(),
	);

	match &cli.subcommand {
		Some(Subcommand::Key(cmd)) => cmd.run(&cli),
		#[allow(deprecated)]
		Some(Subcommand::BuildSpec(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.chain_spec, config.network))
		}
		Some(Subcommand::ExportChainSpec(cmd)) => {
			let chain_spec = cli.load_spec(&cmd.chain)?;
			cmd.run(chain_spec)
		}
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		}
		Some(Subcommand::ExportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.database), task_manager))
			})
		}
		Some(Subcommand::ExportState(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.chain_spec), task_manager))
			})
		}
		Some(Subcommand::ImportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		}
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.database))
		}
		Some(Subcommand::Revert(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, backend, .. } =
					service::new_partial(&config)?;
				let aux_revert = Box::new(|client, _, blocks| {
					sc_consensus_grandpa::revert(client, blocks)?;
					Ok(())
				});
				Ok((cmd.run(client, backend, Some(aux_revert)), task_manager))
			})
		}
		#[cfg(feature = "runtime-benchmarks")]
		Some(Subcommand::Benchmark(cmd)) => {
			use frame_benchmarking_cli::BenchmarkCmd;
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| match cmd {
				BenchmarkCmd::Pallet(cmd) => cmd.run_with_spec::<sp_runtime::traits::HashingFor<
					medchain_runtime::Block,
				>, ()>(Some(config.chain_spec)),
				// The database weights (`DbWeight`) come from this: `benchmark storage` reads
				// and writes the chain's real state through ParityDB, the only backend the
				// node has (scripts/benchmark.sh --storage).
				BenchmarkCmd::Storage(cmd) => {
					let PartialComponents { client, backend, .. } = service::new_partial(&config)?;
					let db = backend.expose_db();
					let storage = backend.expose_storage();
					let shared_trie_cache = backend.expose_shared_trie_cache();
					cmd.run(config, client, db, storage, shared_trie_cache)
				}
				// The block and extrinsic base weights (`BlockExecutionWeight`,
				// `ExtrinsicBaseWeight`): an empty block, then blocks full of `System.remark`
				// signed by //Alice, built from the runtime's metadata (so with MedChain's own
				// transaction extensions), on the runtime of the chain spec.
				BenchmarkCmd::Overhead(cmd) => cmd
					.run_with_default_builder_and_spec::<medchain_runtime::opaque::Block, ()>(
						Some(config.chain_spec),
					),
				_ => Err("MedChain's node supports `benchmark pallet`, `benchmark storage` and \
					 `benchmark overhead` only."
					.into()),
			})
		}
		Some(Subcommand::ChainInfo(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run::<medchain_runtime::opaque::Block>(&config))
		}
		None => {
			let runner = cli.create_runner(&cli.run)?;
			runner.run_node_until_exit(|config| async move {
				match config.network.network_backend {
					sc_network::config::NetworkBackendType::Libp2p => service::new_full::<
						sc_network::NetworkWorker<
							medchain_runtime::opaque::Block,
							<medchain_runtime::opaque::Block as sp_runtime::traits::Block>::Hash,
						>,
					>(config)
					.map_err(sc_cli::Error::Service),
					sc_network::config::NetworkBackendType::Litep2p => {
						service::new_full::<sc_network::Litep2pNetworkBackend>(config)
							.map_err(sc_cli::Error::Service)
					}
				}
			})
		}
	}
}
