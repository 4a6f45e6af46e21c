use super::*;

/// A trial with three data commits.
fn trial_with_data() -> TrialId {
	let id = trial_with_sites();
	commit(DOCTOR_A, id, 0x11, 10);
	commit(DOCTOR_B, id, 0x12, 20);
	commit(SPONSOR_STAFF, id, 0x13, 30);
	id
}

#[test]
fn verifies_an_intact_chain_and_an_empty_one() {
	ExtBuilder::default().build_and_execute(|| {
		let id = trial_with_data();
		assert!(ClinicalTrials::verify_data_chain(id));
		let empty = register_as(SPONSOR_STAFF, b"NCT2");
		assert!(ClinicalTrials::verify_data_chain(empty));
		assert!(!ClinicalTrials::verify_data_chain(99));
	});
}

#[test]
fn a_tampered_batch_root_breaks_the_chain() {
	ExtBuilder::default().build().execute_with(|| {
		let id = trial_with_data();
		DataCommits::<Test>::mutate(id, 1, |c| {
			if let Some(c) = c {
				c.batch_root = h(0x66);
			}
		});
		assert!(!ClinicalTrials::verify_data_chain(id));
		assert!(ClinicalTrials::do_try_state().is_err());
	});
}

#[test]
fn a_tampered_count_submitter_or_hash_breaks_the_chain() {
	type Tamper = fn(&mut DataCommit<AccountId>);
	let tampers: [Tamper; 3] = [
		|c| c.record_count += 1,
		|c| c.submitter = HOSPITAL_C,
		|c| c.chain_hash = H256::repeat_byte(0x77),
	];
	for tamper in tampers {
		ExtBuilder::default().build().execute_with(|| {
			let id = trial_with_data();
			DataCommits::<Test>::mutate(id, 0, |c| {
				if let Some(c) = c {
					tamper(c);
				}
			});
			assert!(!ClinicalTrials::verify_data_chain(id));
		});
	}
}

#[test]
fn a_rewritten_chain_without_the_head_or_a_missing_commit_is_detected() {
	ExtBuilder::default().build().execute_with(|| {
		let id = trial_with_data();
		// Rewrite the last commit consistently (its hash recomputed): the head disagrees.
		let previous = DataCommits::<Test>::get(id, 1).expect("stored").chain_hash;
		DataCommits::<Test>::mutate(id, 2, |c| {
			if let Some(c) = c {
				c.batch_root = h(0x66);
				c.chain_hash =
					data_commit_hash(&previous, &c.batch_root, c.record_count, &c.submitter);
			}
		});
		assert!(!ClinicalTrials::verify_data_chain(id));
	});
	ExtBuilder::default().build().execute_with(|| {
		let id = trial_with_data();
		DataCommits::<Test>::remove(id, 1);
		assert!(!ClinicalTrials::verify_data_chain(id));
	});
	ExtBuilder::default().build().execute_with(|| {
		let id = trial_with_data();
		Trials::<Test>::mutate(id, |t| {
			if let Some(t) = t {
				t.data_head = h(0x99);
			}
		});
		assert!(!ClinicalTrials::verify_data_chain(id));
	});
}
