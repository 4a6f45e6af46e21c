//! Weights of the runtime itself, as opposed to its pallets' (`pallets/*/src/weights.rs`).
//!
//! - [`paritydb_weights`]: the cost of one storage read and one write in ParityDB, the node's
//!   only database, measured by `scripts/benchmark.sh storage`; the runtime's `DbWeight`.
//! - [`block_weights`]: executing an empty block (`BlockExecutionWeight`), and
//!   [`extrinsic_weights`]: one extrinsic's fixed cost (`ExtrinsicBaseWeight`: decoding, the
//!   transaction extensions, the events), measured by `scripts/benchmark.sh overhead`; the
//!   runtime's `BlockWeights` base weights.
//! - [`frame_system_extensions`]: the weights of frame_system's transaction extensions
//!   (`CheckNonce`, `CheckMortality`, ...), charged on every extrinsic, measured by
//!   `scripts/benchmark.sh frame_system_extensions`; FRAME's default (`()`) charges RocksDB's
//!   costs for them, about 0.32 ms per extrinsic.

pub mod block_weights;
pub mod extrinsic_weights;
pub mod frame_system_extensions;
pub mod paritydb_weights;
