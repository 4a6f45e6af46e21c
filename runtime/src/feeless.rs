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
