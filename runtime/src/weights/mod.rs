//! Weights of the runtime itself, as opposed to its pallets' (`pallets/*/src/weights.rs`).
//!
//! - [`paritydb_weights`]: the cost of one storage read and one write in ParityDB, the node's
//!   only database, measured by `scripts/benchmark.sh storage`; the runtime's `DbWeight`.

pub mod paritydb_weights;
