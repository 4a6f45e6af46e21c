//! The node's version string (`medchain-node --version`, `system_version`):
//! `<crate version>-<commit>` when the build sets `MEDCHAIN_GIT_COMMIT` (release packaging:
//! `MEDCHAIN_GIT_COMMIT=$(git rev-parse --short=11 HEAD) cargo build --release ...`), else
//! `<crate version>-dev`.
//!
//! Not polkadot-sdk's `substrate-build-script-utils`, which reads the commit from git and
//! reruns on every new commit: that recompiled the node crate (about 220 s on the 2-core
//! machine) for each commit, even when no node source changed (docs/BUILD.md).

fn main() {
	println!("cargo:rerun-if-env-changed=MEDCHAIN_GIT_COMMIT");
	let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
	let commit = std::env::var("MEDCHAIN_GIT_COMMIT")
		.ok()
		.map(|c| c.trim().chars().filter(char::is_ascii_alphanumeric).take(11).collect::<String>())
		.filter(|c| !c.is_empty())
		.unwrap_or_else(|| "dev".to_string());
	println!("cargo:rustc-env=SUBSTRATE_CLI_IMPL_VERSION={version}-{commit}");
}
