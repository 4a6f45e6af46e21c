//! The try-runtime build of the runtime (feature `try-runtime`), exercised as the
//! `try-runtime` CLI would: the runtime's upgrade hooks with all their pre/post checks, and
//! every pallet's `try_state` through FRAME's `TryState` of `AllPalletsWithSystem` (the path
//! `try-runtime` takes, not each pallet's `do_try_state` called by hand), on the demo
//! consortium's genesis state after real signed extrinsics. The test command compiles and
//! runs this in its feature build (`scripts/test-features.sh`), beside the benchmark suites.
#![cfg(feature = "try-runtime")]

use frame_support::traits::{PalletsInfoAccess, TryState, TryStateSelect, UpgradeCheckSelect};
use medchain_primitives::{Categories, Purpose, RecordCategory};
use medchain_runtime::{AllPalletsWithSystem, Executive, Runtime, RuntimeCall, System};
use medchain_runtime_test_support::*;
use pallet_consent::{Access, Scope};
use sp_keyring::Sr25519Keyring::*;

/// A patient onboarded by St. Mary's grants it a Treatment consent, through signed
/// extrinsics (the patient's is fee-less).
fn some_activity() {
	let patient = fresh("try-runtime patient");
	assert!(dispatch(
		&account(Alice),
		RuntimeCall::PatientIdentity(pallet_patient_identity::Call::onboard_patient {
			patient: patient.clone(),
			identity_commitment: pallet_patient_identity::identity_commitment(b"salt", b"id"),
		})
	)
	.is_ok());
	next_block();
	submit_ok(
		&patient,
		RuntimeCall::Consent(pallet_consent::Call::grant_consent {
			grantee: account(Alice),
			scope: Scope {
				categories: Categories::from_categories(&[RecordCategory::LabResults]),
				access: Access { read: true, write: true },
			},
			purpose: Purpose::Treatment,
			expires_at: None,
		}),
	);
	next_block();
	sync_aura_slot();
}

/// `next_block` moves the time by writing `pallet_timestamp::Now` directly (a real
/// `set_timestamp` needs a real block); Aura's try_state checks that its `CurrentSlot` is the
/// time's slot, as block production keeps it, so keep it so here too.
fn sync_aura_slot() {
	let slot = pallet_timestamp::Now::<Runtime>::get() / medchain_runtime::SLOT_DURATION;
	pallet_aura::CurrentSlot::<Runtime>::put(sp_consensus_aura::Slot::from(slot));
}

fn all_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
	<AllPalletsWithSystem as TryState<_>>::try_state(System::block_number(), TryStateSelect::All)
}

/// The pallets whose `try_state` fails, each with its error (FRAME's aggregate error only says
/// "see logs").
fn failing_pallets() -> Vec<String> {
	<AllPalletsWithSystem as PalletsInfoAccess>::infos()
		.into_iter()
		.filter_map(|info| {
			let only = TryStateSelect::Only(vec![info.name.as_bytes().to_vec()]);
			<AllPalletsWithSystem as TryState<_>>::try_state(System::block_number(), only)
				.err()
				.map(|e| format!("{}: {e:?}", info.name))
		})
		.collect()
}

#[test]
fn try_runtime_upgrade_checks_and_every_pallets_try_state_pass() {
	new_test_ext().execute_with(|| {
		some_activity();
		assert_eq!(failing_pallets(), Vec::<String>::new());
		all_try_state().expect("every pallet's invariants hold");
		// The upgrade hooks with their pre- and post-upgrade checks (and try_state after them).
		let _weight = Executive::try_runtime_upgrade(UpgradeCheckSelect::All)
			.expect("the runtime's upgrade checks pass");
	});
}

#[test]
fn try_state_through_frame_catches_a_broken_invariant() {
	new_test_ext().execute_with(|| {
		some_activity();
		all_try_state().expect("holds before the corruption");
		// One organization more in the counter than in the map: Consortium's invariant.
		pallet_consortium::OrganizationCount::<Runtime>::mutate(|n| *n += 1);
		assert!(all_try_state().is_err(), "a wrong organization count must fail try_state");
		let failing = failing_pallets();
		assert_eq!(failing.len(), 1, "{failing:?}");
		assert!(failing[0].starts_with("Consortium: "), "{failing:?}");
		assert!(
			Executive::try_runtime_upgrade(UpgradeCheckSelect::All).is_err(),
			"the upgrade checks run try_state too"
		);
	});
}
