//! MedChain's stand-in for the [`wasm-opt`](https://crates.io/crates/wasm-opt) crate, used
//! only by `substrate-wasm-builder` (through `[patch.crates-io]`).
//!
//! The wasm builder asks Binaryen for two things, both at optimization level 0 (no
//! optimization): "compact" the runtime blob with `StripDwarf` + `SignextLowering` and
//! `mvp_features_only()`, and, for unoptimized outer builds, `SignextLowering` alone. The real
//! crate compiles Binaryen's C++ (the longest step of a cold node build on a 2-core machine,
//! on its critical path). What those passes do to MedChain's runtime is small and exact:
//!
//! - `StripDwarf` removes the `.debug_*` custom sections. This crate does the same, copying
//!   every other section byte for byte (the `name` section stays, as `debug_info(true)` keeps
//!   it in Binaryen).
//! - `SignextLowering` rewrites the sign-extension operators (`i32.extend8_s` ...), which the
//!   Polkadot executor's MVP baseline does not allow. The runtime is built for
//!   `wasm32v1-none` (WebAssembly 1.0, what scripts/setup.sh installs and the wasm builder
//!   prefers), which never emits them. So instead of rewriting, this crate *validates* the
//!   module against the WebAssembly 1.0 feature set (MVP + mutable globals) and fails the
//!   build, naming the offending operator, if anything beyond it is present (as a runtime
//!   built for the `wasm32-unknown-unknown` fallback target would have). It never lets a
//!   blob through that the real passes would have changed in meaning.
//!
//! The API is the subset of `wasm_opt` 0.116 that `substrate-wasm-builder` 35 calls.

#![forbid(unsafe_code)]

use std::{fmt, fs, path::Path};
use wasmparser::{Parser, Payload, Validator, WasmFeatures};

/// The Binaryen passes the wasm builder names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
	/// Remove DWARF debug sections.
	StripDwarf,
	/// Lower sign-extension operators to MVP (here: refuse them; see the crate docs).
	SignextLowering,
}

/// What to do with a module: the passes, and whether only MVP features are allowed.
#[derive(Clone, Debug, Default)]
pub struct OptimizationOptions {
	passes: Vec<Pass>,
	mvp_only: bool,
	debug_info: bool,
}

/// Why a module was refused.
#[derive(Debug)]
pub enum OptimizationError {
	/// The input could not be read or the output written.
	Io(std::io::Error),
	/// The input is not a valid WebAssembly 1.0 module (a sign-extension operator, say).
	ValidateWasmInput(String),
}

impl fmt::Display for OptimizationError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Io(e) => write!(f, "reading or writing the wasm blob: {e}"),
			Self::ValidateWasmInput(e) => write!(
				f,
				"the runtime blob is not WebAssembly 1.0 ({e}); build it for the wasm32v1-none \
				 target (rustup target add wasm32v1-none), which the wasm builder prefers"
			),
		}
	}
}

impl std::error::Error for OptimizationError {}

impl OptimizationOptions {
	/// No optimization: only the passes added.
	pub fn new_opt_level_0() -> Self {
		Self::default()
	}

	/// Add a pass.
	pub fn add_pass(&mut self, pass: Pass) -> &mut Self {
		self.passes.push(pass);
		self
	}

	/// Keep the `name` section (always kept here; DWARF goes only with `StripDwarf`).
	pub fn debug_info(&mut self, value: bool) -> &mut Self {
		self.debug_info = value;
		self
	}

	/// Allow only WebAssembly 1.0 features (always enforced here).
	pub fn mvp_features_only(&mut self) -> &mut Self {
		self.mvp_only = true;
		self
	}

	/// Read `infile`, check it, apply the passes, write `outfile` (which may be `infile`).
	pub fn run(
		&self,
		infile: impl AsRef<Path>,
		outfile: impl AsRef<Path>,
	) -> Result<(), OptimizationError> {
		let input = fs::read(infile).map_err(OptimizationError::Io)?;
		let output = self.process(&input)?;
		fs::write(outfile, output).map_err(OptimizationError::Io)
	}

	/// The bytes `run` writes for `input`.
	pub fn process(&self, input: &[u8]) -> Result<Vec<u8>, OptimizationError> {
		// Both passes the wasm builder asks for mean "the executor gets WebAssembly 1.0".
		Validator::new_with_features(WasmFeatures::WASM1)
			.validate_all(input)
			.map_err(|e| OptimizationError::ValidateWasmInput(e.to_string()))?;
		if !self.passes.contains(&Pass::StripDwarf) {
			return Ok(input.to_vec());
		}
		let mut output = Vec::with_capacity(input.len());
		let mut copied_to = 0;
		for payload in Parser::new(0).parse_all(input) {
			let payload =
				payload.map_err(|e| OptimizationError::ValidateWasmInput(e.to_string()))?;
			if let Payload::CustomSection(section) = &payload {
				if section.name().starts_with(".debug") {
					// A section is its id byte, its LEB128 size, then its contents: drop the
					// bytes from the id to the end of the contents.
					let contents = section.range();
					let start = section_start(input, copied_to, contents.start)?;
					output.extend_from_slice(&input[copied_to..start]);
					copied_to = contents.end;
				}
			}
		}
		output.extend_from_slice(&input[copied_to..]);
		Ok(output)
	}
}

/// The offset of the id byte of the custom section whose contents (its name and data) start at
/// `contents`: the id (0) and the LEB128 size end right before them.
fn section_start(input: &[u8], from: usize, contents: usize) -> Result<usize, OptimizationError> {
	let bad = || OptimizationError::ValidateWasmInput("malformed custom section".into());
	// The custom section's range starts at its name; the size is 1-5 LEB128 bytes before it.
	for size_len in 1..=5 {
		let Some(id_at) = contents.checked_sub(size_len + 1) else { break };
		if id_at < from || input[id_at] != 0 {
			continue;
		}
		let leb = &input[id_at + 1..contents];
		let continuation_ok = leb.iter().take(leb.len() - 1).all(|b| b & 0x80 != 0)
			&& leb.last().is_some_and(|b| b & 0x80 == 0);
		if continuation_ok {
			return Ok(id_at);
		}
	}
	Err(bad())
}

#[cfg(test)]
mod tests {
	use super::*;

	fn leb(mut n: usize) -> Vec<u8> {
		let mut out = vec![];
		loop {
			let byte = (n & 0x7f) as u8;
			n >>= 7;
			if n == 0 {
				out.push(byte);
				return out;
			}
			out.push(byte | 0x80);
		}
	}

	fn custom(name: &str, data: &[u8]) -> Vec<u8> {
		let mut contents = leb(name.len());
		contents.extend_from_slice(name.as_bytes());
		contents.extend_from_slice(data);
		let mut section = vec![0];
		section.extend(leb(contents.len()));
		section.extend(contents);
		section
	}

	/// `(module (func (result i32) i32.const 1 <op>))` with `op` the body's last operator.
	fn module(body_op: &[u8], customs: &[Vec<u8>]) -> Vec<u8> {
		let mut m = b"\0asm\x01\0\0\0".to_vec();
		m.extend([1, 5, 1, 0x60, 0, 1, 0x7f]); // type section: () -> i32
		m.extend([3, 2, 1, 0]); // function section
		let mut body = vec![0, 0x41, 1]; // no locals; i32.const 1
		body.extend_from_slice(body_op);
		body.push(0x0b);
		let mut code = vec![1];
		code.extend(leb(body.len()));
		code.extend(body);
		m.push(10);
		m.extend(leb(code.len()));
		m.extend(code);
		for c in customs {
			m.extend(c);
		}
		m
	}

	fn compact() -> OptimizationOptions {
		let mut o = OptimizationOptions::new_opt_level_0();
		o.mvp_features_only()
			.debug_info(true)
			.add_pass(Pass::StripDwarf)
			.add_pass(Pass::SignextLowering);
		o
	}

	#[test]
	fn strips_dwarf_and_keeps_everything_else_byte_for_byte() {
		let big = vec![7u8; 300]; // a two-byte LEB128 size
		let stripped = module(&[], &[custom("name", b"n")]);
		let input = module(
			&[],
			&[custom(".debug_info", &big), custom("name", b"n"), custom(".debug_line", b"x")],
		);
		assert_eq!(compact().process(&input).unwrap(), stripped);
		// Without StripDwarf nothing changes.
		let mut lower = OptimizationOptions::new_opt_level_0();
		lower.add_pass(Pass::SignextLowering);
		assert_eq!(lower.process(&input).unwrap(), input);
	}

	#[test]
	fn refuses_sign_extension_instead_of_letting_it_through() {
		let input = module(&[0xc0], &[]); // i32.extend8_s
		let err = compact().process(&input).unwrap_err();
		assert!(matches!(err, OptimizationError::ValidateWasmInput(_)), "{err}");
		assert!(err.to_string().contains("wasm32v1-none"), "{err}");
	}

	#[test]
	fn refuses_garbage() {
		assert!(compact().process(b"\0asm\x01\0\0\0\x0a\x05").is_err());
	}
}
