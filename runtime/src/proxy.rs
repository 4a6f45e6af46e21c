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
	/// The account's MedChain work (organization, patient, consent, record, supply-chain and
	/// trial calls), remarks, batches of those, and managing proxies of no greater power;
	/// never balances, recovery configuration (which would hand the account to the proxy),
	/// sudo or origin-changing utility calls, and never a patient's `deregister` (erasure is
	/// irreversible: only the patient's own key, or an `Any` proxy, erases the patient;
	/// found by the permission matrix, runtime/tests/integration/permission_matrix.rs).
	NonTransfer,
	/// A patient's guardian (a parent for a minor, a legal representative): granting and
	/// revoking consents (and declining access requests), rotating the identity commitment, sealing records and withdrawing
	/// the ward from a trial, nothing else. In particular not `deregister` (irreversible: only the patient's own key
	/// erases the patient), not the patient's organization powers should the same key also
	/// work for a Provider (`break_glass`, `onboard_patient`, `attest_patient`), no
	/// anchoring in the patient's name, no balance transfers, no further proxies.
	Guardian,
	/// A record gateway's signing key, appointed by a staff key of its hospital: anchoring
	/// records (`HealthRecords.anchor_record`) in that staff key's name, nothing else. A key
	/// kept on the gateway's host then cannot break the glass, log reads, onboard or attest
	/// patients, move funds or appoint proxies should the host be compromised.
	Anchor,
}

impl InstanceFilter<RuntimeCall> for ProxyType {
	/// Allow-lists, never deny-lists: a pallet added to the runtime later is out of reach of
	/// every restricted proxy until it is listed here on purpose.
	fn filter(&self, call: &RuntimeCall) -> bool {
		match self {
			ProxyType::Any => true,
			ProxyType::NonTransfer => non_transfer_allows(call),
			ProxyType::Guardian => guardian_allows(call),
			ProxyType::Anchor => matches!(
				call,
				RuntimeCall::HealthRecords(pallet_health_records::Call::anchor_record { .. })
			),
		}
	}

	fn is_superset(&self, other: &Self) -> bool {
		match (self, other) {
			(x, y) if x == y => true,
			(ProxyType::Any, _) => true,
			(_, ProxyType::Any) => false,
			(ProxyType::NonTransfer, ProxyType::Guardian | ProxyType::Anchor) => true,
			_ => false,
		}
	}
}

/// What a `NonTransfer` proxy may call.
fn non_transfer_allows(call: &RuntimeCall) -> bool {
	use pallet_utility::Call as Utility;
	if let RuntimeCall::PatientIdentity(call) = call {
		return !matches!(call, pallet_patient_identity::Call::deregister { .. });
	}
	matches!(
		call,
		RuntimeCall::System(
			frame_system::Call::remark { .. } | frame_system::Call::remark_with_event { .. }
		) | RuntimeCall::Utility(
			Utility::batch { .. } | Utility::batch_all { .. } | Utility::force_batch { .. }
		)
			// Managing the principal's proxies only: pallet-proxy itself refuses adding or
			// removing a proxy more powerful than the caller's own type. Never `proxy` or
			// `proxy_announced`: `Proxy.proxy` dispatches as *another* account (one the
			// principal is a proxy of) under that proxy's own filter only, so a NonTransfer
			// delegate would reach through an `Any` proxy of its principal; nor `create_pure`,
			// `kill_pure`, `remove_proxies`.
			| RuntimeCall::Proxy(
				pallet_proxy::Call::add_proxy { .. }
					| pallet_proxy::Call::remove_proxy { .. }
					| pallet_proxy::Call::announce { .. }
					| pallet_proxy::Call::remove_announcement { .. }
					| pallet_proxy::Call::reject_announcement { .. }
			)
			| RuntimeCall::Consortium(..)
			| RuntimeCall::Consent(..)
			| RuntimeCall::HealthRecords(..)
			| RuntimeCall::DrugProvenance(..)
			| RuntimeCall::Prescriptions(..)
			| RuntimeCall::ClinicalTrials(..)
	)
}

/// What a `Guardian` proxy may call for its ward.
fn guardian_allows(call: &RuntimeCall) -> bool {
	matches!(
		call,
		RuntimeCall::PatientIdentity(pallet_patient_identity::Call::rotate_commitment { .. })
			| RuntimeCall::Consent(
				pallet_consent::Call::grant_consent { .. }
					| pallet_consent::Call::revoke_consent { .. }
					| pallet_consent::Call::decline_access_request { .. }
			) | RuntimeCall::HealthRecords(pallet_health_records::Call::seal_record { .. })
			| RuntimeCall::ClinicalTrials(
				pallet_clinical_trials::Call::withdraw_participant { .. }
			)
	)
}
