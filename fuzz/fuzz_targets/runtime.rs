//! libFuzzer target: every input is a sequence of signed calls applied block by block to the
//! real runtime (see `medchain_fuzz_harness`); a panic or a violated check is a crash.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
	medchain_fuzz_harness::run(data);
});
