//! Unit tests of the consent pallet: every call, every error, every event, the access checks
//! other pallets use, the runtime-API queries and the fee-less wiring.
//!
//! One file per call or topic; this file holds what they share: the `use` lines (each file
//! starts with `use super::*;`) and the helpers below.

use crate::{
	mock::*, Access, AccessEntry, AccessLogs, BreakGlassUses, BreakGlassWindowUses, ChainPosition,
	Consent as ConsentRecord, ConsentKind, Consents, ConsentsOf, EmergencyConsents,
	EmergencyIncident, EmergencyIncidents, EmergencyReads, Error, Event, Grant, GrantsTo,
	NextConsentId, Scope, WindowUsage,
};
use frame_support::{assert_noop, assert_ok, dispatch::CheckIfFeeless, traits::Hooks, BoundedVec};
use medchain_primitives::{Categories, ConsentChecker, ConsentId, Moment, Purpose, RecordCategory};
use pallet_consortium::{Error as ConsortiumError, Role, Roles};
use sp_core::H256;
use sp_runtime::traits::BadOrigin;

use Purpose::{Insurance, PublicHealth, Research, Treatment};
use RecordCategory::{Diagnoses, Genomics, Imaging, LabResults, MentalHealth};

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn scope(categories: &[RecordCategory], access: Access) -> Scope {
	Scope { categories: Categories::from_categories(categories), access }
}

fn read(categories: &[RecordCategory]) -> Scope {
	scope(categories, Access::READ)
}

fn record(n: u8) -> H256 {
	H256::repeat_byte(n)
}

/// Anchor record `n` of `patient` in `category` in the mock record registry; returns its id.
fn anchored(n: u8, patient: AccountId, category: RecordCategory) -> H256 {
	MockRecords::anchor(record(n), patient, category);
	record(n)
}

/// Grant a consent and return its id.
fn grant(
	patient: AccountId,
	grantee: AccountId,
	scope: Scope,
	purpose: Purpose,
	expires_at: Option<Moment>,
) -> ConsentId {
	let id = NextConsentId::<Test>::get();
	assert_ok!(Consent::grant_consent(signed(patient), grantee, scope, purpose, expires_at));
	id
}

/// Alice lets the hospital read her lab results for treatment, without expiry.
fn alice_to_hospital() -> ConsentId {
	grant(ALICE, HOSPITAL, read(&[LabResults]), Treatment, None)
}

fn consent(id: ConsentId) -> ConsentRecord<AccountId> {
	Consents::<Test>::get(id).expect("consent stored")
}

fn has_access(
	patient: AccountId,
	grantee: AccountId,
	category: RecordCategory,
	purpose: Purpose,
	write: bool,
) -> bool {
	<Consent as ConsentChecker<AccountId>>::has_access(&patient, &grantee, category, purpose, write)
}

fn ensure_access(
	patient: AccountId,
	grantee: AccountId,
	category: RecordCategory,
	purpose: Purpose,
	write: bool,
) -> Result<ConsentId, sp_runtime::DispatchError> {
	<Consent as ConsentChecker<AccountId>>::ensure_access(
		&patient, &grantee, category, purpose, write,
	)
}

fn suspend(org: AccountId) {
	assert_ok!(Consortium::suspend_organization(RuntimeOrigin::root(), org));
}

fn reinstate(org: AccountId) {
	assert_ok!(Consortium::reinstate_organization(RuntimeOrigin::root(), org));
}

fn consent_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Consent(e) => Some(e),
			_ => None,
		})
		.collect()
}

mod access_checks;
mod access_index;
mod access_requests;
mod break_glass;
mod fees;
mod grant_consent;
mod invariants;
mod log_access;
mod log_accesses;
mod migrations;
mod mock_setup;
mod queries;
mod read_decision;
mod revoke_consent;
mod types;
