//! Fees under a paying member's flood, through the real block pipeline: every block is opened
//! and closed by `Executive` (Aura's slot in the pre-runtime digest, the timestamp inherent,
//! every pallet's hooks: `TransactionPayment::on_finalize` sets the next block's fee
//! multiplier from this block's normal-class weight), every extrinsic is signed and applied
//! with the runtime's `TxExtension`, and every fee is the one the `TransactionFeePaid` event
//! says was charged. No weight is registered by hand, and the fees themselves are checked,
//! not only the direction the multiplier moves in.
//!
//! The numbers are pinned as measured on this runtime (its weights, and its
//! `TargetedFeeAdjustment`: target 25 % of the normal-class weight, adjustment variable
//! 75/1,000,000, between 1x and 100,000x). A re-benchmark of the weights changes the fees and
//! how many remarks fill a block: re-measure (each failing assertion prints the new value) and
//! update the pins, the doc comments and docs/SECURITY.md.

use frame_support::{dispatch::DispatchClass, traits::fungible::Inspect};
use medchain_runtime::{
	AccountId, Balance, Balances, Executive, Hash, Runtime, RuntimeCall, RuntimeEvent, System,
	SLOT_DURATION, UNIT,
};
use medchain_runtime_test_support::*;
use pallet_transaction_payment::{Multiplier, NextFeeMultiplier};
use sp_keyring::Sr25519Keyring::*;
use sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError};

/// Open the block after the current one, on top of `parent`, one slot after the current time
/// (see [`open_block`]).
fn open_next_block(parent: Hash) {
	let now = pallet_timestamp::Now::<Runtime>::get() + SLOT_DURATION;
	open_block(System::block_number() + 1, parent, now);
}

/// Close the open block (`Executive::finalize_block`: `on_idle`, `on_finalize`, the state
/// root) and return its hash, the next block's parent.
fn close_block() -> Hash {
	Executive::finalize_block().hash()
}

/// A block with nothing but its inherents.
fn empty_block(parent: Hash) -> Hash {
	open_next_block(parent);
	close_block()
}

/// The fee `who` was actually charged for its last extrinsic, from its `TransactionFeePaid`
/// event.
fn fee_paid(who: &AccountId) -> Balance {
	System::events()
		.into_iter()
		.rev()
		.find_map(|record| match record.event {
			RuntimeEvent::TransactionPayment(
				pallet_transaction_payment::Event::TransactionFeePaid {
					who: payer,
					actual_fee,
					..
				},
			) if &payer == who => Some(actual_fee),
			_ => None,
		})
		.expect("a fee was paid")
}

/// The cheapest extrinsic there is: an empty remark.
fn remark() -> RuntimeCall {
	RuntimeCall::System(frame_system::Call::remark { remark: vec![] })
}

/// `key` applies empty remarks to the open block until the block refuses the next one for
/// exhausted resources; returns how many it took.
fn flood(key: &sp_core::sr25519::Pair) -> u32 {
	let mut included = 0;
	loop {
		match apply_as_block_builder(signed_extrinsic(key, remark())) {
			Ok(result) => {
				assert_eq!(result, Ok(()));
				included += 1;
			}
			Err(refused) => {
				assert_eq!(
					refused,
					TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources),
					"after {included} remarks"
				);
				return included;
			}
		}
	}
}

/// `key`'s empty remark, applied to the open block; the fee it was charged.
fn probe(key: &sp_core::sr25519::Pair) -> Balance {
	assert_eq!(apply_as_block_builder(signed_extrinsic(key, remark())), Ok(Ok(())));
	fee_paid(&sp_core::Pair::public(key).into())
}

/// The multiplier the next block's fees are charged with.
fn multiplier() -> Multiplier {
	NextFeeMultiplier::<Runtime>::get()
}

/// The multiplier as a decimal with 18 places (`1000056235005999036` is 1.000056235…).
fn raw(multiplier: Multiplier) -> u128 {
	sp_runtime::FixedPointNumber::into_inner(multiplier)
}

/// St. Mary's admin (a paying member) floods ten blocks in a row with empty remarks, each
/// block until it refuses the next one (`ExhaustsResources`: its normal-class weight is full).
/// Riverside Pharmacy's admin sends the same empty remark at the start of each block: a second
/// account, so that its nonce, and with it the extrinsic's length, stays the same (the
/// flooder's nonce takes more bytes as it grows).
///
/// What it measures:
/// - 2,362 empty remarks fill a block's 750 ms of normal-class weight. Each full block raises
///   the multiplier by 0.0056235 % (the first from 1 to 1.000056235006); ten full blocks raise
///   it to 1.0005625 (+0.05625 %).
/// - The same remark's actual fee rose from 401,391,088 planck (0.401 milli-MED) to
///   401,501,727 after ten full blocks: +110,639 planck, +0.0276 %, about half the
///   multiplier's rise. The multiplier scales only the weight part of a fee (here 196.7
///   million planck, 49 % of the fee: 110,639 / 0.0005625), not the per-extrinsic base fee nor
///   the length fee.
/// - Computed from these measurements, not run: doubling the multiplier takes 12,326 full
///   blocks in a row (10.3 hours of 3 s blocks), doubling this remark's fee 19,776 (16.5
///   hours), reaching the 100,000x cap 204,735 (7.1 days). Meanwhile the flood costs its
///   sender 0.952 MED a block (~1,140 MED an hour). The multiplier is no defence against a
///   paying member's flood; its fees and the member's suspension by the consortium are.
/// - Blocks without the flood bring it back: after the block with the probe alone, 29 empty
///   blocks take the multiplier to exactly 1, where it stays (never below:
///   `MinimumMultiplier`); the same remark then pays 401,391,088 planck again.
#[test]
fn a_members_flood_raises_fees_by_the_measured_factor_and_empty_blocks_restore_them() {
	new_test_ext().execute_with(|| {
		let (flooder, prober) = (Alice.pair(), Bob.pair());
		let one = Multiplier::from_u32(1);
		assert_eq!(multiplier(), one);
		let normal_max = <Runtime as frame_system::Config>::BlockWeights::get()
			.get(DispatchClass::Normal)
			.max_total
			.expect("a normal-class limit")
			.ref_time();
		let funds = Balances::balance(&account(Alice));

		// Ten full blocks, each opened with the probe.
		let mut parent = System::parent_hash();
		let mut fees = vec![];
		let mut multipliers = vec![];
		for block in 0..10 {
			open_next_block(parent);
			fees.push(probe(&prober));
			let included = flood(&flooder);
			assert_eq!(included, 2_362, "remarks that fill block {block}");
			let normal = *frame_system::BlockWeight::<Runtime>::get().get(DispatchClass::Normal);
			assert!(
				normal.ref_time() > normal_max / 1000 * 999,
				"block {block} is full: {} of {normal_max}",
				normal.ref_time()
			);
			parent = close_block();
			multipliers.push(multiplier());
		}
		// The first full block: +0.0056235 %.
		assert_eq!(raw(multipliers[0]), 1_000_056_235_005_999_036);
		// Each full block raises the multiplier and the fee of the next one.
		for pair in multipliers.windows(2) {
			assert!(pair[0] < pair[1], "{pair:?}");
		}
		for pair in fees.windows(2) {
			assert!(pair[0] < pair[1], "{pair:?}");
		}
		// Ten: between 1.000562 and 1.000563.
		let raised = raw(multipliers[9]);
		assert!(
			(1_000_562_000_000_000_000..1_000_563_000_000_000_000).contains(&raised),
			"after ten full blocks: {raised}"
		);
		// What the flood cost its sender: 0.952 MED a block.
		let spent = funds - Balances::balance(&account(Alice));
		assert!(
			(9_510 * UNIT / 1000..9_530 * UNIT / 1000).contains(&spent),
			"ten full blocks cost {spent}"
		);

		// The same remark's actual fee before the flood and after ten full blocks.
		let base = fees[0];
		assert_eq!(base, 401_391_088, "the remark's fee at 1×");
		open_next_block(parent);
		let after = probe(&prober);
		parent = close_block();
		assert_eq!(after, 401_501_727, "the remark's fee after ten full blocks");
		// +0.0276 % (the multiplier: +0.0562 %; only the fee's weight part is scaled).
		assert_eq!(after - base, 110_639);

		// Empty blocks bring it back to exactly 1, never below.
		let mut empty = 0;
		while multiplier() > one {
			let before = multiplier();
			parent = empty_block(parent);
			empty += 1;
			assert!(multiplier() < before && multiplier() >= one, "{:?}", multiplier());
		}
		assert_eq!(empty, 29, "empty blocks back to 1×");
		for _ in 0..5 {
			parent = empty_block(parent);
			assert_eq!(multiplier(), one, "never below 1×");
		}
		open_next_block(parent);
		assert_eq!(probe(&prober), base, "the remark's fee is back to its 1× value");
		close_block();
	});
}

/// Length is priced (1 micro-MED a byte): a 100 KiB remark's actual fee, 0.1038 MED, is at
/// least 0.1 MED more than an empty remark's.
#[test]
fn a_100_kib_remark_pays_at_least_a_tenth_of_a_med_for_its_length() {
	new_test_ext().execute_with(|| {
		let payer = Bob.pair();
		open_next_block(System::parent_hash());
		let empty = probe(&payer);
		let large = RuntimeCall::System(frame_system::Call::remark { remark: vec![0; 100 * 1024] });
		assert_eq!(apply_as_block_builder(signed_extrinsic(&payer, large)), Ok(Ok(())));
		let fee = fee_paid(&account(Bob));
		assert_eq!(fee, 103_840_265_917, "the 100 KiB remark's fee");
		assert!(fee - empty >= UNIT / 10, "{fee} for 100 KiB, {empty} for none");
		close_block();
	});
}
