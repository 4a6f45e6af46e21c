//! Benchmarks of the prescriptions pallet (v2 syntax), each set up in its worst case.
//!
//! - `set_prescription_only`: the product exists (one read), the flag is written.
//! - `dispense_prescribed(p, h, n)`: the drug ledger's worst case of `dispense` (the
//!   drug-provenance benchmark's set-up: leaf 0 of a tree with `p` siblings, the history `h`
//!   entries long, `n` holders), on a prescription's first fill (the prescriber's role and
//!   signature are checked, the holder's list of prescriptions grows), both signatures
//!   `<Bytes>`-wrapped (each verified twice: raw first, then wrapped), the holder's list of
//!   prescriptions one below `MaxPrescriptionsPerHolder`, the prescription's list of units one
//!   below `MaxUnitsPerPrescription` (stored directly: a first fill never has units, so the
//!   set-up over-estimates, reading and writing the largest list), and the longest regulator
//!   envelope.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::BoundedVec;
use frame_system::RawOrigin;
use pallet_consortium::Roles;
use pallet_drug_provenance::{benchmarking as drug, expected_proof_len, MaxProofLen, SerialProof};

/// A [`BenchmarkHelper`] for runtimes whose accounts and signatures come from sr25519 keys
/// (`AccountId32`, `MultiSignature`): keys generated in the benchmark's keystore.
pub struct Sr25519BenchmarkHelper;

impl<AccountId, Signature> BenchmarkHelper<AccountId, Signature> for Sr25519BenchmarkHelper
where
	AccountId: From<sp_core::sr25519::Public>,
	Signature: From<sp_core::sr25519::Signature>,
{
	fn sign(index: u32, message: &[u8]) -> (AccountId, Signature) {
		const KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"rxbm");
		// A secret URI (the keystore wants UTF-8).
		let seed = alloc::format!("//medchain-benchmark-{index}").into_bytes();
		let public = sp_io::crypto::sr25519_generate(KEY_TYPE, Some(seed));
		let signature = sp_io::crypto::sr25519_sign(KEY_TYPE, &public, message)
			.expect("the keystore signs with the key it just generated");
		(public.into(), signature.into())
	}
}

/// A distinct hash per number.
fn numbered(i: u32) -> H256 {
	let mut bytes = [0u8; 32];
	bytes[28..].copy_from_slice(&i.to_be_bytes());
	H256(bytes)
}

/// `<Bytes>` + message + `</Bytes>`.
fn wrapped(message: &[u8]) -> Vec<u8> {
	[b"<Bytes>".as_slice(), message, b"</Bytes>".as_slice()].concat()
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_prescription_only() -> Result<(), BenchmarkError> {
		drug::batch::<T>(1, H256::repeat_byte(1));
		let origin = drug::governance::<T>()?;
		let gtin: GtinInput = BoundedVec::truncate_from(drug::GTIN.to_vec());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, gtin, true);

		assert!(PrescriptionOnly::<T>::contains_key(Gtin::parse(drug::GTIN).unwrap()));
		Ok(())
	}

	#[benchmark(pov_mode = MaxEncodedLen {
		DrugProvenance::BatchHistory: Measured,
		DrugProvenance::BatchHolders: Measured
	})]
	fn dispense_prescribed(
		p: Linear<0, { MaxProofLen::<T>::get() }>,
		h: Linear<1, { <T as pallet_drug_provenance::Config>::MaxHistoryPerBatch::get() }>,
		n: Linear<2, { <T as pallet_drug_provenance::Config>::MaxHoldersPerBatch::get() }>,
	) {
		// The drug ledger's worst case, as its own `dispense` benchmark sets it up.
		let quantity = 1u32
			.checked_shl(p)
			.unwrap_or(u32::MAX)
			.min(<T as pallet_drug_provenance::Config>::MaxQuantity::get());
		let serial = drug::longest_serial();
		let siblings: Vec<H256> = (0..expected_proof_len(quantity, 0))
			.map(|i| H256::repeat_byte((i % 250) as u8 + 1))
			.collect();
		assert_eq!(siblings.len() as u32, p);
		let root = drug::root_from_leaf_zero(&serial, &siblings);
		let (_, staff, batch_id) = drug::batch::<T>(quantity, root);
		let (pharmacy, pharmacist) = drug::organization::<T>("pharmacy", 0, Role::Pharmacy);
		drug::hand_over::<T>(&staff, batch_id, &pharmacy, &pharmacist, 1);
		drug::set_holders_len::<T>(batch_id, n);
		drug::set_history_len::<T>(batch_id, h);
		let proof = SerialProof {
			leaf_index: 0,
			leaf_count: quantity,
			siblings: BoundedVec::truncate_from(siblings),
		};

		// A hospital's doctor prescribes; the holder key signs the fill.
		let (prescriber, _) = T::BenchmarkHelper::sign(0, b"");
		let (holder, _) = T::BenchmarkHelper::sign(1, b"");
		let hospital: T::AccountId = account("hospital", 0, 0);
		<T as pallet_drug_provenance::Config>::Roles::register_for_benchmarks(
			&hospital,
			Roles::only(Role::Provider),
			core::slice::from_ref(&prescriber),
		);
		let opening = ProductOpening {
			gtin: Gtin::parse(drug::GTIN).unwrap(),
			units_per_fill: T::MaxUnitsPerFill::get(),
			salt: [9; 32],
		};
		let now = medchain_primitives::now::<<T as pallet_drug_provenance::Config>::Time>();
		let prescription = Prescription {
			prescriber,
			holder: holder.clone(),
			product: opening.commitment(),
			fills: T::MaxFills::get(),
			issued_at: now,
			expires_at: now.saturating_add(T::MaxValidity::get()),
			regulator_envelope: BoundedVec::truncate_from(
				alloc::vec![0xEE; MAX_ENVELOPE_LEN as usize],
			),
		};
		let id = prescription.id();
		let (_, prescriber_signature) = T::BenchmarkHelper::sign(0, &wrapped(&issue_message(&id)));
		let (_, holder_signature) =
			T::BenchmarkHelper::sign(1, &wrapped(&fill_message(&id, 1, &pharmacy)));

		// The largest lists this call reads and writes.
		let held: Vec<H256> = (0..T::MaxPrescriptionsPerHolder::get().saturating_sub(1))
			.map(|i| numbered(i + 1))
			.collect();
		HolderPrescriptions::<T>::insert(&holder, BoundedVec::truncate_from(held));
		let units: Vec<FilledUnit<T::AccountId>> = (0..T::MaxUnitsPerPrescription::get()
			.saturating_sub(1))
			.map(|i| FilledUnit {
				fill: 1,
				batch_id: u64::MAX,
				serial_hash: numbered(i),
				pharmacy: pharmacy.clone(),
				at: now,
			})
			.collect();
		Fills::<T>::insert(id, BoundedVec::truncate_from(units));

		let rx = PrescribedFill {
			prescription,
			prescriber_signature,
			fill: 1,
			holder_signature,
			opening,
		};

		#[extrinsic_call]
		_(RawOrigin::Signed(pharmacist), batch_id, serial.clone(), proof, Box::new(rx));

		assert!(pallet_prescriptions_state_exists::<T>(id));
		assert!(pallet_drug_provenance::Dispensed::<T>::contains_key(
			batch_id,
			pallet_drug_provenance::serial_hash(&serial)
		));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}

fn pallet_prescriptions_state_exists<T: Config>(id: H256) -> bool {
	crate::Prescriptions::<T>::contains_key(id)
}
