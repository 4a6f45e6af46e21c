//! Fee-less patient calls with a fair place in the transaction queue.
//!
//! `pallet_skip_feeless_payment::SkipCheckIfFeeless` lets a call marked
//! `#[pallet::feeless_if]` skip the fee, but gives it `ValidTransaction::default()`, i.e.
//! priority 0, while every paid transaction gets a priority of at least 1. A block builder
//! fills blocks highest priority first, so under load anyone paying the smallest fee would
//! push every patient's `revoke_consent` or `seal_record` out of the blocks.
//!
//! [`FeelessWithPriority`] is the same wrapper with one difference: a fee-less call gets the
//! priority `pallet-transaction-payment` gives an *untipped* paid call of the same weight and
//! length. Patients then queue like anyone who pays the base fee; only tips go ahead of them,
//! and the patients' own rate limit (PatientIdentity's free calls per window) keeps them from
//! crowding out paying members.
//!
//! To wallets the wrapper is invisible: it has the wrapped extension's identifier, implicit
//! data and type information, exactly as `SkipCheckIfFeeless` has.

use codec::{Decode, DecodeWithMemTracking, Encode};
use frame_support::{
	dispatch::{CheckIfFeeless, DispatchResult},
	pallet_prelude::TransactionSource,
	traits::OriginTrait,
	weights::Weight,
};
use scale_info::{StaticTypeInfo, TypeInfo};
use sp_runtime::{
	traits::{
		DispatchInfoOf, DispatchOriginOf, Implication, PostDispatchInfoOf, TransactionExtension,
		ValidateResult,
	},
	transaction_validity::{TransactionValidityError, ValidTransaction},
};

use crate::{Runtime, RuntimeCall, RuntimeEvent};

/// Skips the wrapped payment extension `S` for fee-less calls and gives them the priority of
/// an untipped paid call (see the module docs).
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Eq, PartialEq)]
pub struct FeelessWithPriority<S>(pub S);

impl<S: StaticTypeInfo> TypeInfo for FeelessWithPriority<S> {
	type Identity = S;
	fn type_info() -> scale_info::Type {
		S::type_info()
	}
}

impl<S: Encode> core::fmt::Debug for FeelessWithPriority<S> {
	#[cfg(feature = "std")]
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "FeelessWithPriority<{:?}>", self.0.encode())
	}
	#[cfg(not(feature = "std"))]
	fn fmt(&self, _: &mut core::fmt::Formatter) -> core::fmt::Result {
		Ok(())
	}
}

impl<S> From<S> for FeelessWithPriority<S> {
	fn from(s: S) -> Self {
		Self(s)
	}
}

/// What `validate` decided: apply the wrapped extension, or skip it for this origin.
pub enum Decision<V, O> {
	/// The call pays: the wrapped extension runs.
	Apply(V),
	/// The call is fee-less: the wrapped extension is skipped.
	Skip(O),
}

type PalletsOrigin = <DispatchOriginOf<RuntimeCall> as OriginTrait>::PalletsOrigin;

impl<S: TransactionExtension<RuntimeCall>> TransactionExtension<RuntimeCall>
	for FeelessWithPriority<S>
{
	const IDENTIFIER: &'static str = S::IDENTIFIER;
	type Implicit = S::Implicit;

	fn metadata() -> alloc::vec::Vec<sp_runtime::traits::TransactionExtensionMetadata> {
		S::metadata()
	}

	fn implicit(&self) -> Result<Self::Implicit, TransactionValidityError> {
		self.0.implicit()
	}

	type Val = Decision<S::Val, PalletsOrigin>;
	type Pre = Decision<S::Pre, PalletsOrigin>;

	fn weight(&self, call: &RuntimeCall) -> Weight {
		self.0.weight(call)
	}

	fn validate(
		&self,
		origin: DispatchOriginOf<RuntimeCall>,
		call: &RuntimeCall,
		info: &DispatchInfoOf<RuntimeCall>,
		len: usize,
		self_implicit: S::Implicit,
		inherited_implication: &impl Implication,
		source: TransactionSource,
	) -> ValidateResult<Self::Val, RuntimeCall> {
		if call.is_feeless(&origin) {
			let priority =
				pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::get_priority(
					info, len, 0, 0,
				);
			let valid = ValidTransaction { priority, ..Default::default() };
			Ok((valid, Decision::Skip(origin.caller().clone()), origin))
		} else {
			let (valid, val, origin) = self.0.validate(
				origin,
				call,
				info,
				len,
				self_implicit,
				inherited_implication,
				source,
			)?;
			Ok((valid, Decision::Apply(val), origin))
		}
	}

	fn prepare(
		self,
		val: Self::Val,
		origin: &DispatchOriginOf<RuntimeCall>,
		call: &RuntimeCall,
		info: &DispatchInfoOf<RuntimeCall>,
		len: usize,
	) -> Result<Self::Pre, TransactionValidityError> {
		match val {
			Decision::Apply(val) => {
				self.0.prepare(val, origin, call, info, len).map(Decision::Apply)
			}
			Decision::Skip(origin) => Ok(Decision::Skip(origin)),
		}
	}

	fn post_dispatch_details(
		pre: Self::Pre,
		info: &DispatchInfoOf<RuntimeCall>,
		post_info: &PostDispatchInfoOf<RuntimeCall>,
		len: usize,
		result: &DispatchResult,
	) -> Result<Weight, TransactionValidityError> {
		match pre {
			Decision::Apply(pre) => S::post_dispatch_details(pre, info, post_info, len, result),
			Decision::Skip(origin) => {
				// The same event `SkipCheckIfFeeless` deposits, so clients see no difference.
				frame_system::Pallet::<Runtime>::deposit_event(RuntimeEvent::SkipFeelessPayment(
					pallet_skip_feeless_payment::Event::FeeSkipped { origin },
				));
				Ok(Weight::zero())
			}
		}
	}
}

/// The reason code of [`CheckNonceFeelessBound`]'s refusal
/// (`InvalidTransaction::Custom`): a fee-less transaction whose nonce is as far ahead of the
/// account's as the patient has free calls left, or further.
pub const FEELESS_TOO_FAR_AHEAD: u8 = 42;

/// `frame_system::CheckNonce`, with one more rule for fee-less transactions: a patient's
/// fee-less transaction is valid only if its nonce is less than `free calls left` ahead of
/// the account's nonce. So a patient with 20 free calls left holds at most 20 fee-less
/// transactions in the pool (sent in a burst, they are all included), not 80,000 that each
/// pass the quota check against the current state and fail only when included. Paid
/// transactions are unaffected (future nonces wait in the pool as usual).
///
/// To wallets it is `CheckNonce`: same identifier, encoding and type information.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Eq, PartialEq)]
pub struct CheckNonceFeelessBound(pub frame_system::CheckNonce<Runtime>);

impl TypeInfo for CheckNonceFeelessBound {
	type Identity = frame_system::CheckNonce<Runtime>;
	fn type_info() -> scale_info::Type {
		frame_system::CheckNonce::<Runtime>::type_info()
	}
}

impl core::fmt::Debug for CheckNonceFeelessBound {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		self.0.fmt(f)
	}
}

impl From<crate::Nonce> for CheckNonceFeelessBound {
	fn from(nonce: crate::Nonce) -> Self {
		Self(frame_system::CheckNonce::from(nonce))
	}
}

type NonceCheck = frame_system::CheckNonce<Runtime>;

impl TransactionExtension<RuntimeCall> for CheckNonceFeelessBound {
	const IDENTIFIER: &'static str = <NonceCheck as TransactionExtension<RuntimeCall>>::IDENTIFIER;
	type Implicit = ();
	type Val = <NonceCheck as TransactionExtension<RuntimeCall>>::Val;
	type Pre = <NonceCheck as TransactionExtension<RuntimeCall>>::Pre;

	fn metadata() -> alloc::vec::Vec<sp_runtime::traits::TransactionExtensionMetadata> {
		<NonceCheck as TransactionExtension<RuntimeCall>>::metadata()
	}

	/// `CheckNonce`'s, plus the patient's record and free-call count read for fee-less calls.
	fn weight(&self, call: &RuntimeCall) -> Weight {
		use frame_support::weights::RuntimeDbWeight;
		let db: RuntimeDbWeight = <Runtime as frame_system::Config>::DbWeight::get();
		self.0.weight(call).saturating_add(db.reads(2))
	}

	fn validate(
		&self,
		origin: DispatchOriginOf<RuntimeCall>,
		call: &RuntimeCall,
		info: &DispatchInfoOf<RuntimeCall>,
		len: usize,
		self_implicit: (),
		inherited_implication: &impl Implication,
		source: TransactionSource,
	) -> ValidateResult<Self::Val, RuntimeCall> {
		use sp_runtime::traits::AsSystemOriginSigner;
		if let Some(who) = origin.as_system_origin_signer() {
			if call.is_feeless(&origin) {
				let ahead =
					self.0 .0.saturating_sub(frame_system::Pallet::<Runtime>::account_nonce(who));
				// The next transaction itself is always let through here (its fee-less rule
				// decided already; some, such as finishing an erasure, are not counted in
				// free calls); only those waiting behind it are bounded.
				let free_left = crate::PatientIdentity::free_calls_left(who);
				if ahead > 0 && ahead >= crate::Nonce::from(free_left) {
					return Err(sp_runtime::transaction_validity::InvalidTransaction::Custom(
						FEELESS_TOO_FAR_AHEAD,
					)
					.into());
				}
			}
		}
		self.0.validate(origin, call, info, len, self_implicit, inherited_implication, source)
	}

	fn prepare(
		self,
		val: Self::Val,
		origin: &DispatchOriginOf<RuntimeCall>,
		call: &RuntimeCall,
		info: &DispatchInfoOf<RuntimeCall>,
		len: usize,
	) -> Result<Self::Pre, TransactionValidityError> {
		self.0.prepare(val, origin, call, info, len)
	}

	fn post_dispatch_details(
		pre: Self::Pre,
		info: &DispatchInfoOf<RuntimeCall>,
		post_info: &PostDispatchInfoOf<RuntimeCall>,
		len: usize,
		result: &DispatchResult,
	) -> Result<Weight, TransactionValidityError> {
		NonceCheck::post_dispatch_details(pre, info, post_info, len, result)
	}
}
