//! Genesis presets: `development` (one validator) and `local_testnet` (three validators),
//! both with the demo consortium pre-registered so every pallet can be tried at once.
//!
//! The demo consortium (admin account → organization, role):
//!
//! | admin (dev key)    | organization                     | role         |
//! |--------------------|----------------------------------|--------------|
//! | `//Alice`          | St. Mary's Hospital              | Provider     |
//! | `//Bob`            | Riverside Pharmacy               | Pharmacy     |
//! | `//Charlie`        | Acme Pharmaceuticals             | Manufacturer |
//! | `//Dave`           | MedLogistics Distribution        | Distributor  |
//! | `//Eve`            | National Health Regulator        | Regulator    |
//! | `//Ferdie`         | Helix Clinical Trials            | TrialSponsor |
//! | `//Alice//stash`   | Institute for Clinical Research  | Researcher   |
//! | `//Bob//stash`     | SecureCare Insurance             | Insurer      |
//!
//! `//Alice` is also the sudo key, every organization's admin holds a council seat, and the
//! validators are organizations' nodes (Alice's; Alice's, Bob's and Charlie's on `local`).
//! Every dev account is endowed.

use crate::{
	AccountId, BalancesConfig, ConsortiumConfig, CouncilMembershipConfig, DrugProvenanceConfig,
	GovernanceConfig, RuntimeGenesisConfig, SessionConfig, SessionKeys, UNIT,
};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use pallet_consortium::Role;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// What each endowed dev account starts with: 1,000,000 MED.
const ENDOWMENT: u128 = 1_000_000 * UNIT;

/// The demo consortium: `(admin, name, roles)`.
pub fn demo_consortium() -> Vec<(AccountId, &'static str, Role)> {
	vec![
		(Sr25519Keyring::Alice.to_account_id(), "St. Mary's Hospital", Role::Provider),
		(Sr25519Keyring::Bob.to_account_id(), "Riverside Pharmacy", Role::Pharmacy),
		(Sr25519Keyring::Charlie.to_account_id(), "Acme Pharmaceuticals", Role::Manufacturer),
		(Sr25519Keyring::Dave.to_account_id(), "MedLogistics Distribution", Role::Distributor),
		(Sr25519Keyring::Eve.to_account_id(), "National Health Regulator", Role::Regulator),
		(Sr25519Keyring::Ferdie.to_account_id(), "Helix Clinical Trials", Role::TrialSponsor),
		(
			Sr25519Keyring::AliceStash.to_account_id(),
			"Institute for Clinical Research",
			Role::Researcher,
		),
		(Sr25519Keyring::BobStash.to_account_id(), "SecureCare Insurance", Role::Insurer),
	]
}

/// `initial_authorities`: each validator's organization (admin account) and its node's
/// session keys. Every demo organization's admin holds a council seat.
fn testnet_genesis(
	initial_authorities: Vec<(AccountId, AuraId, GrandpaId)>,
	root_key: AccountId,
	endowed_accounts: Vec<AccountId>,
) -> Value {
	let organizations: Vec<(AccountId, Vec<u8>, u16, Vec<AccountId>)> = demo_consortium()
		.into_iter()
		.map(|(admin, name, role)| (admin, name.as_bytes().to_vec(), role.bit(), vec![]))
		.collect();
	let council: Vec<AccountId> = demo_consortium().into_iter().map(|(admin, ..)| admin).collect();

	#[allow(unused_mut)]
	let mut patch = build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts.iter().cloned().map(|k| (k, ENDOWMENT)).collect::<Vec<_>>(),
		},
		// Aura's and GRANDPA's authorities come from the session keys.
		session: SessionConfig {
			keys: initial_authorities
				.iter()
				.map(|(org, aura, grandpa)| {
					(
						org.clone(),
						org.clone(),
						SessionKeys { aura: aura.clone(), grandpa: grandpa.clone() },
					)
				})
				.collect::<Vec<_>>(),
		},
		governance: GovernanceConfig {
			validators: initial_authorities.iter().map(|(org, ..)| org.clone()).collect::<Vec<_>>(),
			// Development and local chains run one or two validators; a consortium's chain
			// spec (scripts/consortium/chain-spec.py) sets its floor.
			min_validators: 0,
			// A minute: long enough to see a Root call waiting, short enough to try it.
			root_call_delay: 10,
		},
		council_membership: CouncilMembershipConfig {
			members: council.try_into().expect("the demo consortium fits the council"),
		},
		// No member nodes: dev and local chains let any node peer (the consortium chain spec
		// from scripts/consortium/chain-spec.py lists them).
		consortium: ConsortiumConfig { organizations, nodes: vec![] },
		drug_provenance: DrugProvenanceConfig {
			// Acme owns the GS1 company prefix of the GS1 example GTINs (095060001343xx).
			company_prefixes: vec![(b"9506000".to_vec(), Sr25519Keyring::Charlie.to_account_id())],
		},
	});
	// The consortium's runtime has no Sudo: its presets are the same chains without a key.
	#[cfg(not(feature = "consortium"))]
	if let Value::Object(fields) = &mut patch {
		let sudo = crate::SudoConfig { key: Some(root_key) };
		fields.insert("sudo".into(), serde_json::to_value(sudo).expect("serializable"));
	}
	#[cfg(feature = "consortium")]
	let _ = root_key;
	patch
}

/// A dev validator: the organization `who` administers, with `who`'s dev keys as its node's
/// session keys.
fn authority(who: Sr25519Keyring, grandpa: Ed25519Keyring) -> (AccountId, AuraId, GrandpaId) {
	(who.to_account_id(), who.public().into(), grandpa.public().into())
}

fn endowed() -> Vec<AccountId> {
	Sr25519Keyring::iter().map(|k| k.to_account_id()).collect()
}

/// One validator (Alice): `medchain-node --dev`.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		Sr25519Keyring::Alice.to_account_id(),
		endowed(),
	)
}

/// Three validators (Alice, Bob, Charlie): `medchain-node --chain local`.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			authority(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
		],
		Sr25519Keyring::Alice.to_account_id(),
		endowed(),
	)
}

/// The preset named `id`, as JSON bytes.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// The names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
