#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
#[allow(
	clippy::unwrap_used,
	clippy::panic,
	clippy::indexing_slicing,
	clippy::arithmetic_side_effects
)]
mod benchmarking;
#[cfg(feature = "runtime-benchmarks")]
pub use benchmarking::Sr25519BenchmarkHelper;
mod invariants;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // a test's overflow is a failed test
mod mock;
pub mod runtime_api;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
mod tests;
mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use alloc::{boxed::Box, vec::Vec};
use frame_support::{traits::Get, weights::Weight};
use medchain_primitives::Moment;
use pallet_consortium::{Role, RoleProvider};
use pallet_drug_provenance::{
	BatchId, BoundedSerial, DispensePolicy, Gtin, GtinInput, SerialProofOf,
};
use sp_core::H256;
use sp_runtime::traits::{IdentifyAccount, Verify};

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// A prescription as a call argument and as its id's preimage.
	pub type PrescriptionOf<T> = Prescription<<T as frame_system::Config>::AccountId>;

	/// A prescribed fill as a call argument.
	pub type PrescribedFillOf<T> =
		PrescribedFill<<T as frame_system::Config>::AccountId, <T as Config>::Signature>;

	/// A prescription's fills as stored.
	pub type FillsOf<T> = BoundedVec<
		FilledUnit<<T as frame_system::Config>::AccountId>,
		<T as Config>::MaxUnitsPerPrescription,
	>;

	/// The prescriptions a holder key holds, as stored.
	pub type HeldOf<T> = BoundedVec<H256, <T as Config>::MaxPrescriptionsPerHolder>;

	/// The pallet is a layer on the drug-provenance pallet (its `Config` extends that one's):
	/// it uses its consortium (`Roles`), its clock (`Time`) and its governance origin
	/// (`GovernanceOrigin`, which sets the prescription-only flags), asks it about batches
	/// and products through its public functions (never its storage) and dispenses through
	/// it (`do_dispense`); the drug ledger asks back only through its `DispensePolicy`.
	#[pallet::config]
	pub trait Config:
		frame_system::Config<RuntimeEvent: From<Event<Self>>> + pallet_drug_provenance::Config
	{
		/// The signature of a prescriber's staff key over a prescription and of a holder key
		/// over a fill (`MultiSignature` in the runtime).
		type Signature: Verify<Signer = Self::Signer> + Parameter;

		/// The signer behind [`Config::Signature`], identified as an account.
		type Signer: IdentifyAccount<AccountId = Self::AccountId>;

		/// The most fills a prescription may allow (e.g. 12). A prescription with more, or
		/// none, fails with `InvalidFills`.
		#[pallet::constant]
		type MaxFills: Get<u8>;

		/// The most units (packs) one fill may dispense (e.g. 12). An opening committing to
		/// more, or to none, fails with `InvalidUnitsPerFill`.
		#[pallet::constant]
		type MaxUnitsPerFill: Get<u16>;

		/// The most units kept per prescription (at least `MaxFills * MaxUnitsPerFill` for a
		/// prescription to be fillable to its limit). Beyond, `TooManyUnits`.
		#[pallet::constant]
		type MaxUnitsPerPrescription: Get<u32>;

		/// The most prescriptions one holder key may hold (a wallet derives one key per
		/// prescription, so 1 is the normal case). Beyond, `TooManyPrescriptions`.
		#[pallet::constant]
		type MaxPrescriptionsPerHolder: Get<u32>;

		/// The longest validity from issue to expiry, in ms (e.g. 366 days).
		#[pallet::constant]
		type MaxValidity: Get<Moment>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;

		/// Keys and signatures for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, Self::Signature>;
	}

	/// The products that may only be dispensed against a prescription (set by governance).
	#[pallet::storage]
	pub type PrescriptionOnly<T: Config> = StorageMap<_, Blake2_128Concat, Gtin, (), OptionQuery>;

	/// Every prescription filled at least once, by id (the blake2-256 of its SCALE encoding).
	#[pallet::storage]
	pub type Prescriptions<T: Config> =
		StorageMap<_, Identity, H256, PrescriptionState<T::AccountId>, OptionQuery>;

	/// The units that filled each prescription, oldest first.
	#[pallet::storage]
	pub type Fills<T: Config> = StorageMap<_, Identity, H256, FillsOf<T>, ValueQuery>;

	/// The prescriptions each holder key holds (a patient's wallet finds its own by deriving
	/// its holder keys).
	#[pallet::storage]
	pub type HolderPrescriptions<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, HeldOf<T>, ValueQuery>;

	/// Units of each batch dispensed against prescriptions, per holder key.
	#[pallet::storage]
	pub type BatchHolderUnits<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		BatchId,
		Blake2_128Concat,
		T::AccountId,
		u32,
		ValueQuery,
	>;

	/// How many distinct holder keys received units of each batch against a prescription: a
	/// recall's reach (an upper bound on patients: one patient with two prescriptions counts
	/// twice).
	#[pallet::storage]
	pub type BatchHolderCount<T: Config> =
		StorageMap<_, Blake2_128Concat, BatchId, u32, ValueQuery>;

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Governance made a product prescription-only, or lifted that.
		PrescriptionRuleSet {
			/// The product.
			gtin: Gtin,
			/// Whether a prescription is now required to dispense it.
			required: bool,
		},
		/// A prescription was filled for the first time and is now on chain (no product, no
		/// quantity, no patient: those stay in its commitment and its holder's wallet).
		PrescriptionRegistered {
			/// The prescription's id.
			prescription: H256,
			/// The Provider organization whose staff signed it.
			prescriber: T::AccountId,
			/// How many fills it allows.
			fills: u8,
			/// When it expires (ms since the Unix epoch).
			expires_at: Moment,
		},
		/// A unit was dispensed against a prescription.
		PrescriptionFilled {
			/// The prescription's id.
			prescription: H256,
			/// Which fill (1-based).
			fill: u8,
			/// The unit's batch.
			batch_id: BatchId,
			/// The unit's serial hash.
			serial_hash: H256,
			/// The Pharmacy organization that dispensed it.
			pharmacy: T::AccountId,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The GTIN is not 14 ASCII digits with a valid check digit.
		InvalidGtin,
		/// No product has this GTIN.
		UnknownProduct,
		/// The prescription allows no fill, or more than `MaxFills`.
		InvalidFills,
		/// The prescription expires before it is issued, is valid longer than `MaxValidity`,
		/// or is issued in the future.
		InvalidValidity,
		/// The prescription has expired.
		PrescriptionExpired,
		/// The prescription's signer is not staff (or the admin) of an active Provider.
		NotAPrescriber,
		/// The prescriber's signature does not verify over the prescription.
		BadPrescriberSignature,
		/// The opening does not open the prescription's product commitment.
		WrongOpening,
		/// The opening commits to no unit per fill, or to more than `MaxUnitsPerFill`.
		InvalidUnitsPerFill,
		/// The holder's signature does not verify over (prescription, fill, pharmacy).
		BadHolderSignature,
		/// Every fill the prescription allows was used.
		NoFillsLeft,
		/// This fill has dispensed all the units per fill it allows; the next fill is the
		/// next number.
		FillComplete,
		/// The fill number is not the current fill or the next one.
		WrongFill,
		/// The unit's batch is of another product than the prescription's.
		ProductMismatch,
		/// The holder key already holds `MaxPrescriptionsPerHolder` prescriptions.
		TooManyPrescriptions,
		/// The prescription already has `MaxUnitsPerPrescription` units.
		TooManyUnits,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Make a product prescription-only (`required`), or lift that: a plain
		/// `DrugProvenance.dispense` of its units then fails with `PrescriptionRequired`.
		///
		/// - `origin`: the drug-provenance pallet's `GovernanceOrigin` (the council).
		///
		/// Emits [`Event::PrescriptionRuleSet`].
		///
		/// ## Errors
		/// `BadOrigin`; [`Error::InvalidGtin`]; [`Error::UnknownProduct`].
		#[pallet::call_index(0)]
		#[pallet::weight(<T as Config>::WeightInfo::set_prescription_only())]
		pub fn set_prescription_only(
			origin: OriginFor<T>,
			gtin: GtinInput,
			required: bool,
		) -> DispatchResult {
			<T as pallet_drug_provenance::Config>::GovernanceOrigin::ensure_origin(origin)?;
			let gtin = Gtin::parse(&gtin).map_err(|_| Error::<T>::InvalidGtin)?;
			ensure!(
				pallet_drug_provenance::Pallet::<T>::is_registered_product(&gtin),
				Error::<T>::UnknownProduct
			);
			if required {
				PrescriptionOnly::<T>::insert(gtin, ());
			} else {
				PrescriptionOnly::<T>::remove(gtin);
			}
			Self::deposit_event(Event::PrescriptionRuleSet { gtin, required });
			Ok(())
		}

		/// Dispense one unit against a prescription.
		///
		/// - `origin`: signed by staff (or the admin) of an active Pharmacy holding the unit.
		/// - `batch_id`, `serial`, `proof`: the unit, as `DrugProvenance.dispense` takes it.
		/// - `rx`: the prescribed fill ([`PrescribedFill`]): the token its prescriber signed
		///   (its id is the blake2-256 of its SCALE encoding); the prescriber's signature over
		///   `medchain/rx/issue/1` ++ id, checked at the first fill only; the fill this unit
		///   belongs to (1-based: the current one while it has units left, or the next one);
		///   the holder key's signature over `medchain/rx/fill/1` ++ id ++ fill ++ the
		///   pharmacy's account (SCALE), by which the patient lets this pharmacy make this
		///   fill; the product commitment's opening (GTIN, units per fill, salt). Signatures
		///   may be raw or `<Bytes>`-wrapped (as a wallet extension signs).
		///
		/// Emits [`Event::PrescriptionRegistered`] at the first fill,
		/// [`Event::PrescriptionFilled`], and the drug-provenance pallet's `UnitDispensed`.
		///
		/// ## Errors
		/// In the order checked: `BadOrigin`; the consortium's errors (the signer does not act
		/// for an active Pharmacy); at the first fill [`Error::InvalidFills`],
		/// [`Error::InvalidValidity`], [`Error::NotAPrescriber`],
		/// [`Error::BadPrescriberSignature`], [`Error::TooManyPrescriptions`]; then
		/// [`Error::PrescriptionExpired`], [`Error::WrongOpening`],
		/// [`Error::InvalidUnitsPerFill`], [`Error::BadHolderSignature`],
		/// [`Error::FillComplete`] (the current fill has all its units), [`Error::WrongFill`]
		/// (neither the current fill nor the next), [`Error::NoFillsLeft`],
		/// [`Error::TooManyUnits`], the drug-provenance pallet's `UnknownBatch`,
		/// [`Error::ProductMismatch`], then everything `DrugProvenance.dispense` checks
		/// (recalled, expired, custody, serial, proof, already dispensed).
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::dispense_prescribed(
			u32::try_from(proof.siblings.len()).unwrap_or(u32::MAX),
			<T as pallet_drug_provenance::Config>::MaxHistoryPerBatch::get(),
			<T as pallet_drug_provenance::Config>::MaxHoldersPerBatch::get(),
		))]
		pub fn dispense_prescribed(
			origin: OriginFor<T>,
			batch_id: BatchId,
			serial: BoundedSerial,
			proof: SerialProofOf<T>,
			rx: Box<PrescribedFillOf<T>>,
		) -> DispatchResultWithPostInfo {
			let signer = ensure_signed(origin)?;
			let pharmacy =
				<T as pallet_drug_provenance::Config>::Roles::ensure_role(&signer, Role::Pharmacy)?;
			Self::do_dispense_prescribed(pharmacy, batch_id, serial, proof, *rx)
		}
	}

	impl<T: Config> Pallet<T> {
		/// [`Pallet::dispense_prescribed`] by `pharmacy`, the signer's organization (the call
		/// checked its Pharmacy role).
		pub(crate) fn do_dispense_prescribed(
			pharmacy: T::AccountId,
			batch_id: BatchId,
			serial: BoundedSerial,
			proof: SerialProofOf<T>,
			rx: PrescribedFillOf<T>,
		) -> DispatchResultWithPostInfo {
			let PrescribedFill {
				prescription,
				prescriber_signature,
				fill,
				holder_signature,
				opening,
			} = rx;
			let id = prescription.id();
			let now = medchain_primitives::now::<<T as pallet_drug_provenance::Config>::Time>();
			let registered = Prescriptions::<T>::get(id);
			let first = registered.is_none();
			let mut state = match registered {
				Some(state) => state,
				None => Self::check_new(&prescription, id, &prescriber_signature, now)?,
			};
			ensure!(now <= state.expires_at, Error::<T>::PrescriptionExpired);
			ensure!(opening.commitment() == prescription.product, Error::<T>::WrongOpening);
			ensure!(
				opening.units_per_fill > 0
					&& opening.units_per_fill <= <T as Config>::MaxUnitsPerFill::get(),
				Error::<T>::InvalidUnitsPerFill
			);
			ensure!(
				signed_by::<T>(
					&holder_signature,
					&fill_message(&id, fill, &pharmacy),
					&prescription.holder
				),
				Error::<T>::BadHolderSignature
			);
			Self::advance_fill(&mut state, fill, opening.units_per_fill)?;
			let mut fills = Fills::<T>::get(id);
			ensure!(!fills.is_full(), Error::<T>::TooManyUnits);
			let (product, _) = pallet_drug_provenance::Pallet::<T>::product_of_batch(batch_id)
				.ok_or(pallet_drug_provenance::Error::<T>::UnknownBatch)?;
			ensure!(product == opening.gtin, Error::<T>::ProductMismatch);

			let serial_hash = pallet_drug_provenance::serial_hash(&serial);
			let proof_len = u32::try_from(proof.siblings.len()).unwrap_or(u32::MAX);
			let post = pallet_drug_provenance::Pallet::<T>::do_dispense(
				pharmacy.clone(),
				batch_id,
				serial,
				proof,
				true,
			)?;

			fills
				.try_push(FilledUnit {
					fill,
					batch_id,
					serial_hash,
					pharmacy: pharmacy.clone(),
					at: now,
				})
				.map_err(|_| Error::<T>::TooManyUnits)?;
			Fills::<T>::insert(id, fills);
			if first {
				let mut held = HolderPrescriptions::<T>::get(&prescription.holder);
				held.try_push(id).map_err(|_| Error::<T>::TooManyPrescriptions)?;
				HolderPrescriptions::<T>::insert(&prescription.holder, held);
				Self::deposit_event(Event::PrescriptionRegistered {
					prescription: id,
					prescriber: state.prescriber.clone(),
					fills: state.fills,
					expires_at: state.expires_at,
				});
			}
			Prescriptions::<T>::insert(id, state);
			BatchHolderUnits::<T>::mutate(batch_id, &prescription.holder, |units| {
				if *units == 0 {
					BatchHolderCount::<T>::mutate(batch_id, |n| *n = n.saturating_add(1));
				}
				*units = units.saturating_add(1);
			});
			Self::deposit_event(Event::PrescriptionFilled {
				prescription: id,
				fill,
				batch_id,
				serial_hash,
				pharmacy,
			});
			// The drug ledger's refund to the actual history and holder lengths, applied to
			// this call's own benchmarked weight.
			let charged = <<T as pallet_drug_provenance::Config>::WeightInfo as pallet_drug_provenance::WeightInfo>::dispense(
				proof_len,
				<T as pallet_drug_provenance::Config>::MaxHistoryPerBatch::get(),
				<T as pallet_drug_provenance::Config>::MaxHoldersPerBatch::get(),
			);
			let refund =
				post.actual_weight.map(|actual| charged.saturating_sub(actual)).unwrap_or_default();
			Ok(Some(
				<T as Config>::WeightInfo::dispense_prescribed(
					proof_len,
					<T as pallet_drug_provenance::Config>::MaxHistoryPerBatch::get(),
					<T as pallet_drug_provenance::Config>::MaxHoldersPerBatch::get(),
				)
				.saturating_sub(refund),
			)
			.into())
		}

		/// The checks of a prescription's first fill; its state if they pass.
		fn check_new(
			prescription: &PrescriptionOf<T>,
			id: H256,
			prescriber_signature: &T::Signature,
			now: Moment,
		) -> Result<PrescriptionState<T::AccountId>, DispatchError> {
			ensure!(
				prescription.fills > 0 && prescription.fills <= <T as Config>::MaxFills::get(),
				Error::<T>::InvalidFills
			);
			let validity = prescription.expires_at.checked_sub(prescription.issued_at);
			ensure!(
				validity.is_some_and(|v| v > 0 && v <= <T as Config>::MaxValidity::get())
					&& prescription.issued_at <= now,
				Error::<T>::InvalidValidity
			);
			let prescriber = <T as pallet_drug_provenance::Config>::Roles::ensure_role(
				&prescription.prescriber,
				Role::Provider,
			)
			.map_err(|_| Error::<T>::NotAPrescriber)?;
			ensure!(
				signed_by::<T>(prescriber_signature, &issue_message(&id), &prescription.prescriber),
				Error::<T>::BadPrescriberSignature
			);
			ensure!(
				!HolderPrescriptions::<T>::get(&prescription.holder).is_full(),
				Error::<T>::TooManyPrescriptions
			);
			Ok(PrescriptionState {
				prescriber,
				holder: prescription.holder.clone(),
				fills: prescription.fills,
				expires_at: prescription.expires_at,
				current_fill: 0,
				units_in_fill: 0,
			})
		}

		/// Count one unit into `fill`: the current fill while it has units left, or the next
		/// one (which starts it).
		fn advance_fill(
			state: &mut PrescriptionState<T::AccountId>,
			fill: u8,
			units_per_fill: u16,
		) -> DispatchResult {
			if fill == state.current_fill && fill > 0 {
				ensure!(state.units_in_fill < units_per_fill, Error::<T>::FillComplete);
				state.units_in_fill = state.units_in_fill.saturating_add(1);
				return Ok(());
			}
			ensure!(Some(fill) == state.current_fill.checked_add(1), Error::<T>::WrongFill);
			ensure!(fill <= state.fills, Error::<T>::NoFillsLeft);
			state.current_fill = fill;
			state.units_in_fill = 1;
			Ok(())
		}

		/// The units that filled the prescriptions of `holder` whose batch is recalled: what
		/// the patient's view shows as "your medicine was recalled".
		pub fn recalled_fills_of(holder: &T::AccountId) -> Vec<(H256, FilledUnit<T::AccountId>)> {
			HolderPrescriptions::<T>::get(holder)
				.into_iter()
				.flat_map(|id| Fills::<T>::get(id).into_iter().map(move |unit| (id, unit)))
				.filter(|(_, unit)| {
					pallet_drug_provenance::Pallet::<T>::product_of_batch(unit.batch_id)
						.is_some_and(|(_, recalled)| recalled)
				})
				.collect()
		}
	}
}

/// Makes keys and signatures for the benchmarks (the runtime signs with a keystore key,
/// tests with their own signature type).
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, Signature> {
	/// Key number `index` (the same account for the same index) and its signature over
	/// `message` as given.
	fn sign(index: u32, message: &[u8]) -> (AccountId, Signature);
}

/// The message a prescriber's staff key signs for a prescription: `medchain/rx/issue/1` ++ id.
pub fn issue_message(id: &H256) -> Vec<u8> {
	let mut message = ISSUE_DOMAIN.to_vec();
	message.extend_from_slice(id.as_bytes());
	message
}

/// The message a holder key signs to let `pharmacy` make `fill` of prescription `id`:
/// `medchain/rx/fill/1` ++ id ++ fill ++ the pharmacy's account (SCALE).
pub fn fill_message<AccountId: codec::Encode>(
	id: &H256,
	fill: u8,
	pharmacy: &AccountId,
) -> Vec<u8> {
	let mut message = FILL_DOMAIN.to_vec();
	message.extend_from_slice(id.as_bytes());
	message.push(fill);
	pharmacy.encode_to(&mut message);
	message
}

/// Whether `signature` is `signer`'s over `message` as it is or `<Bytes>`-wrapped (what the
/// polkadot.js extension's `signRaw` signs).
fn signed_by<T: Config>(signature: &T::Signature, message: &[u8], signer: &T::AccountId) -> bool {
	if signature.verify(message, signer) {
		return true;
	}
	let mut wrapped = b"<Bytes>".to_vec();
	wrapped.extend_from_slice(message);
	wrapped.extend_from_slice(b"</Bytes>");
	signature.verify(&wrapped[..], signer)
}

impl<T: Config> DispensePolicy for Pallet<T> {
	fn prescription_required(gtin: &Gtin) -> bool {
		PrescriptionOnly::<T>::contains_key(gtin)
	}
	/// One read of `PrescriptionOnly` (its proof size as FRAME's benchmarks count a
	/// `Blake2_128Concat` key of a 14-byte GTIN and no value: 2,475 + 30 bytes).
	fn prescription_required_weight() -> Weight {
		<T as frame_system::Config>::DbWeight::get()
			.reads(1)
			.saturating_add(Weight::from_parts(0, 2_505))
	}
}
