//! The fuzz harness as ordinary tests (run by `cargo test --workspace`, so by scripts/test.sh):
//! the seed flows still do what they are meant to and match `fuzz/seeds/`; every committed
//! corpus input and every regression input replays without a violation; the checks the
//! fuzzer relies on do fail on a broken state; the call filter and the decoder behave.

use codec::Encode;
use medchain_fuzz_harness::{
	actor::*, base_ext, check_invariants, check_length, check_weight, decode_ops, encode_ops, run,
	seeds, Op, Outcome, MAX_OPS,
};
use medchain_runtime::{Runtime, RuntimeCall};
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The files of `dir`, sorted (none if it does not exist).
fn inputs(dir: &Path) -> Vec<PathBuf> {
	let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
		Ok(entries) => entries
			.map(|e| e.expect("a readable directory entry").path())
			.filter(|p| {
				p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'))
			})
			.collect(),
		Err(_) => vec![],
	};
	files.sort();
	files
}

#[derive(Default, Debug)]
struct Tally {
	inputs: usize,
	ops: usize,
	skipped: usize,
	invalid: usize,
	failed: usize,
	succeeded: usize,
	blocks: u64,
	/// Per `Pallet.call` (outermost call): how often it succeeded and how often it was tried.
	calls: std::collections::BTreeMap<String, (u32, u32)>,
}

impl Tally {
	fn add(&mut self, ops: &[Op], outcomes: &[Outcome], blocks: u32) {
		use frame_support::traits::GetCallMetadata;
		self.inputs += 1;
		self.blocks += u64::from(blocks);
		for (op, outcome) in ops.iter().zip(outcomes) {
			self.ops += 1;
			let meta = op.call.get_call_metadata();
			let entry = self
				.calls
				.entry(format!("{}.{}", meta.pallet_name, meta.function_name))
				.or_default();
			entry.1 += 1;
			if outcome == &Outcome::Applied(Ok(Ok(()))) {
				entry.0 += 1;
			}
			match outcome {
				Outcome::Skipped => self.skipped += 1,
				Outcome::Applied(Err(_)) => self.invalid += 1,
				Outcome::Applied(Ok(Err(_))) => self.failed += 1,
				Outcome::Applied(Ok(Ok(()))) => self.succeeded += 1,
			}
		}
	}
}

/// Replay every input of `dir` (a panic inside is the failure, with the file named first).
fn replay(dir: &Path) -> Tally {
	let mut tally = Tally::default();
	for file in inputs(dir) {
		let data = std::fs::read(&file).expect("a readable input");
		let result = std::panic::catch_unwind(|| run(&data));
		match result {
			Ok(report) => tally.add(&report.ops, &report.outcomes, report.blocks),
			Err(_) => panic!("{} violates an invariant (see the panic above)", file.display()),
		}
	}
	tally
}

#[test]
fn seed_flows_hold_and_match_the_committed_seeds() {
	let dir = fuzz_dir().join("seeds");
	let write = std::env::var_os("MEDCHAIN_WRITE_SEEDS").is_some();
	for (name, flow) in seeds::seeds() {
		// The flow asserts each step's outcome as it builds the input.
		let (input, outcomes) = flow();
		// The input replays to the same outcomes from the base state.
		let report = run(&input);
		assert_eq!(report.outcomes, outcomes, "seed {name} replays differently");
		assert!(
			outcomes.iter().filter(|o| matches!(o, Outcome::Applied(Ok(Ok(()))))).count() >= 10,
			"seed {name} does too little"
		);
		let path = dir.join(format!("{name}.bin"));
		if write {
			std::fs::create_dir_all(&dir).expect("fuzz/seeds can be made");
			std::fs::write(&path, &input).expect("the seed is written");
		} else {
			let committed = std::fs::read(&path).unwrap_or_default();
			assert!(
				committed == input,
				"{} is not what the {name} flow makes now: rerun with MEDCHAIN_WRITE_SEEDS=1",
				path.display()
			);
		}
	}
}

#[test]
fn the_corpus_and_regressions_replay_without_a_violation() {
	let corpus = replay(&fuzz_dir().join("corpus/runtime"));
	let regressions = replay(&fuzz_dir().join("regressions/runtime"));
	println!("corpus: {corpus:?}\nregressions: {regressions:?}");
	// The corpus is committed: an empty one means the path is wrong, not that all is well.
	assert!(corpus.inputs >= 100, "only {} corpus inputs found", corpus.inputs);
	// It exercises calls that succeed, calls that fail and invalid transactions.
	assert!(corpus.succeeded > 0 && corpus.failed > 0 && corpus.invalid > 0, "{corpus:?}");
}

#[test]
fn mutated_seeds_do_not_break_the_runtime() {
	// A small deterministic fuzz run of our own (xorshift mutations of the seed flows: bytes
	// flipped, overwritten, cut), so the path from arbitrary bytes to blocks is exercised with
	// calls that decode, even without the corpus.
	let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
	let mut next = || {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		state
	};
	let seeds: Vec<Vec<u8>> = seeds::seeds().into_iter().map(|(_, flow)| flow().0).collect();
	let mut tally = Tally::default();
	for i in 0..400 {
		let mut data = seeds[i % seeds.len()].clone();
		for _ in 0..1 + next() % 4 {
			let at = (next() % data.len() as u64) as usize;
			match next() % 3 {
				0 => data[at] ^= 1 << (next() % 8),
				1 => data[at] = next() as u8,
				_ => data.truncate(at.max(1)),
			}
		}
		let report = run(&data);
		assert!(report.ops.len() <= MAX_OPS);
		tally.add(&report.ops, &report.outcomes, report.blocks);
	}
	println!("mutated seeds: {tally:?}");
	assert!(tally.succeeded > 1_000 && tally.failed > 0, "{tally:?}");
}

/// Random bytes mostly do not decode into calls: the decoder stops at the first garbage.
#[test]
fn random_bytes_decode_to_few_ops_and_break_nothing() {
	let mut state: u64 = 0x2545_F491_4F6C_DD1D;
	let mut next = || {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		state
	};
	for _ in 0..200 {
		let len = (next() % 512) as usize;
		let data: Vec<u8> = (0..len).map(|_| next() as u8).collect();
		assert!(run(&data).ops.len() <= MAX_OPS);
	}
}

#[test]
fn root_calls_that_may_break_invariants_are_skipped_wherever_nested() {
	let set_code = RuntimeCall::System(frame_system::Call::set_code { code: vec![1, 2, 3] });
	let nested = RuntimeCall::Proxy(pallet_proxy::Call::proxy {
		real: medchain_fuzz_harness::account(PATIENT_Q).into(),
		force_proxy_type: None,
		call: Box::new(RuntimeCall::Utility(pallet_utility::Call::batch {
			calls: vec![
				RuntimeCall::System(frame_system::Call::remark { remark: vec![] }),
				RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(set_code) }),
			],
		})),
	});
	assert!(!medchain_fuzz_harness::allowed(&nested));
	let unchecked = RuntimeCall::Sudo(pallet_sudo::Call::sudo_unchecked_weight {
		call: Box::new(RuntimeCall::System(frame_system::Call::remark { remark: vec![] })),
		weight: Default::default(),
	});
	assert!(!medchain_fuzz_harness::allowed(&unchecked));
	let fine = RuntimeCall::Sudo(pallet_sudo::Call::sudo {
		call: Box::new(RuntimeCall::Balances(pallet_balances::Call::force_set_balance {
			who: medchain_fuzz_harness::account(OUTSIDER).into(),
			new_free: 5,
		})),
	});
	assert!(medchain_fuzz_harness::allowed(&fine));
	// Skipped ops change nothing: the input runs as if they were not there.
	let remark = Op {
		gap: 1,
		actor: OUTSIDER,
		call: RuntimeCall::System(frame_system::Call::remark { remark: b"hi".to_vec() }),
	};
	let report = run(&encode_ops(&[remark.clone(), Op { gap: 0, actor: ALICE, call: nested }]));
	assert_eq!(report.outcomes[1], Outcome::Skipped);
	assert_eq!(report.outcomes[0], Outcome::Applied(Ok(Ok(()))));
}

#[test]
fn inputs_decode_op_by_op_up_to_the_first_garbage() {
	let remark = |n: u8| Op {
		gap: n % 2,
		actor: n,
		call: RuntimeCall::System(frame_system::Call::remark { remark: vec![n] }),
	};
	let mut data = encode_ops(&[remark(1), remark(2), remark(3)]);
	assert_eq!(decode_ops(&data).len(), 3);
	data.extend_from_slice(&[0xff, 0xff, 0xff]);
	assert_eq!(decode_ops(&data), vec![remark(1), remark(2), remark(3)]);
	let many: Vec<u8> = (0..200).flat_map(|n| remark(n as u8).encode()).collect();
	assert_eq!(decode_ops(&many).len(), MAX_OPS);
}

/// The checks fail on a broken state: a harness whose checks cannot fail would find nothing.
#[test]
fn the_checks_catch_broken_states() {
	let (mut ext, _) = base_ext();
	ext.execute_with(|| {
		assert_eq!(check_invariants(), Ok(()));
		assert_eq!(check_weight(), Ok(()));

		// Issuance out of step with the accounts.
		pallet_balances::TotalIssuance::<Runtime>::mutate(|i| *i += 1);
		let err = check_invariants().unwrap_err();
		assert!(err.contains("total issuance"), "{err}");
		pallet_balances::TotalIssuance::<Runtime>::mutate(|i| *i -= 1);

		// A pallet invariant: the organization counter disagrees with the organizations.
		pallet_consortium::OrganizationCount::<Runtime>::mutate(|n| *n += 1);
		let err = check_invariants().unwrap_err();
		assert!(err.starts_with("Consortium try_state"), "{err}");
		pallet_consortium::OrganizationCount::<Runtime>::mutate(|n| *n -= 1);
		assert_eq!(check_invariants(), Ok(()));

		// A block over its normal-class weight.
		let limits = <Runtime as frame_system::Config>::BlockWeights::get();
		let max = limits.get(frame_support::dispatch::DispatchClass::Normal).max_total.unwrap();
		frame_system::BlockWeight::<Runtime>::mutate(|w| {
			w.set(
				max + frame_support::weights::Weight::from_parts(1, 0),
				frame_support::dispatch::DispatchClass::Normal,
			)
		});
		assert!(check_weight().unwrap_err().starts_with("Normal weight"));

		// Length: the runtime's count must cover what was applied, and stay in the limit.
		assert!(check_length(u64::from(frame_system::Pallet::<Runtime>::block_size()) + 1)
			.unwrap_err()
			.contains("less than"));
		frame_system::BlockSize::<Runtime>::put(u32::MAX);
		assert!(check_length(0).unwrap_err().contains("exceeds the limit"));
	});
}

/// A violation inside a run panics (the fuzzer's crash): a drug batch whose custody no longer
/// adds up is caught at the end of the block.
#[test]
#[should_panic(expected = "DrugProvenance try_state")]
fn a_violation_during_a_run_panics() {
	let (input, _) = seeds::drug_flow();
	let ops = decode_ops(&input);
	let (mut ext, mut chain) = base_ext();
	ext.execute_with(|| {
		for op in &ops {
			chain.run_op(op);
		}
		// Units appear from nowhere in a holder's custody.
		let (batch_id, holder, mut custody) =
			pallet_drug_provenance::Holdings::<Runtime>::iter().next().expect("a custody entry");
		custody.held += 1;
		pallet_drug_provenance::Holdings::<Runtime>::insert(batch_id, holder, custody);
		chain.close_block();
	});
}
