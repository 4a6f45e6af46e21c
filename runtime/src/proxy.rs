//! Proxy types: what a proxy may do on behalf of an account.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::traits::InstanceFilter;
use scale_info::TypeInfo;

use crate::RuntimeCall;

/// What a proxy account may do for the account that appointed it (`pallet-proxy`).
#[derive(
	Copy,
	Clone,
	Eq,
	PartialEq,
	Ord,
	PartialOrd,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	MaxEncodedLen,
	TypeInfo,
	Default,
)]
pub enum ProxyType {
	/// Anything the account itself may do.
	#[default]
	Any,
	/// Anything but moving funds.
	NonTransfer,
	/// A patient's guardian (a parent for a minor, a legal representative): only identity
	/// and consent calls (`PatientIdentity`, `Consent`) and sealing the patient's records
	/// (`HealthRecords::seal_record`), nothing else — in particular no balance transfers,
	/// no anchoring in the patient's name and no further proxies.
	Guardian,
}

impl InstanceFilter<RuntimeCall> for ProxyType {
	fn filter(&self, call: &RuntimeCall) -> bool {
		match self {
			ProxyType::Any => true,
			ProxyType::NonTransfer => !matches!(call, RuntimeCall::Balances(..)),
			ProxyType::Guardian => matches!(
				call,
				RuntimeCall::PatientIdentity(..)
					| RuntimeCall::Consent(..)
					| RuntimeCall::HealthRecords(pallet_health_records::Call::seal_record { .. })
			),
		}
	}

	fn is_superset(&self, other: &Self) -> bool {
		match (self, other) {
			(x, y) if x == y => true,
			(ProxyType::Any, _) => true,
			(_, ProxyType::Any) => false,
			(ProxyType::NonTransfer, ProxyType::Guardian) => true,
			_ => false,
		}
	}
}
