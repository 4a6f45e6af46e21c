//! The runtime APIs. All of them are in the metadata (v15+), so polkadot.js reaches each as
//! `api.call.<api>.<method>` with no custom types.

use alloc::vec::Vec;
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	weights::Weight,
};
use medchain_primitives::{ConsentChecker, ConsentId, Purpose, RecordCategory};
use pallet_clinical_trials::TrialId;
use pallet_consortium::{GatewayInfo, Organization, Role, RoleProvider};
use pallet_drug_provenance as drugs;
use pallet_grandpa::AuthorityId as GrandpaId;
use pallet_health_records::{runtime_api::RecordInfo, BatchId, RecordId, RecordVerification};
use sp_api::impl_runtime_apis;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata, H256};
use sp_runtime::{
	traits::{Block as BlockT, NumberFor},
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult,
};
use sp_version::RuntimeVersion;

use super::{
	AccountId, Aura, Balance, Block, BlockNumber, ClinicalTrials, Consent, Consortium,
	DrugProvenance, Executive, Grandpa, HealthRecords, InherentDataExt, Nonce, PatientIdentity,
	Prescriptions, Runtime, RuntimeCall, RuntimeGenesisConfig, SessionKeys, System,
	TransactionPayment, VERSION,
};

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(Aura::slot_duration())
		}

		fn authorities() -> Vec<AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(
			owner: Vec<u8>,
			seed: Option<Vec<u8>>,
		) -> sp_session::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl sp_consensus_grandpa::GrandpaApi<Block> for Runtime {
		fn grandpa_authorities() -> sp_consensus_grandpa::AuthorityList {
			Grandpa::grandpa_authorities()
		}

		fn current_set_id() -> sp_consensus_grandpa::SetId {
			Grandpa::current_set_id()
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			_equivocation_proof: sp_consensus_grandpa::EquivocationProof<
				<Block as BlockT>::Hash,
				NumberFor<Block>,
			>,
			_key_owner_proof: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			None
		}

		fn generate_key_ownership_proof(
			_set_id: sp_consensus_grandpa::SetId,
			_authority_id: GrandpaId,
		) -> Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> {
			// The key owner proof type is `Void`: equivocation reports are not accepted
			// on-chain; a misbehaving consortium validator is removed by governance.
			None
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_consortium::runtime_api::ConsortiumApi<Block, AccountId, BlockNumber> for Runtime {
		fn organization(admin: AccountId) -> Option<Organization<Vec<u8>, BlockNumber>> {
			Consortium::organization(&admin)
		}

		fn organization_of(account: AccountId) -> Option<AccountId> {
			<Consortium as RoleProvider<AccountId>>::organization_of(&account)
		}

		fn has_role(account: AccountId, role: Role) -> bool {
			<Consortium as RoleProvider<AccountId>>::ensure_role(&account, role).is_ok()
		}
	}

	impl pallet_consortium::runtime_api::GatewayDirectoryApi<Block, AccountId, BlockNumber> for Runtime {
		fn gateway_of(organization: AccountId) -> Option<GatewayInfo<BlockNumber>> {
			Consortium::gateway_of(&organization)
		}

		fn gateways_of_patient(patient: AccountId) -> Vec<(AccountId, GatewayInfo<BlockNumber>)> {
			Consortium::gateways_of(HealthRecords::authors_of(&patient))
		}
	}

	impl pallet_consortium::runtime_api::NodeAuthorizationApi<Block> for Runtime {
		fn authorized_nodes() -> Option<Vec<pallet_consortium::NodeKey>> {
			Consortium::authorized_nodes()
		}
	}

	impl pallet_patient_identity::runtime_api::PatientIdentityApi<Block, AccountId, BlockNumber> for Runtime {
		fn patient(who: AccountId) -> Option<pallet_patient_identity::PatientInfo<AccountId, BlockNumber>> {
			PatientIdentity::patient(&who)
		}

		fn verify_commitment(who: AccountId, commitment: sp_core::H256) -> bool {
			PatientIdentity::verify_commitment(&who, commitment)
		}

		fn free_calls_left(who: AccountId) -> u32 {
			PatientIdentity::free_calls_left(&who)
		}
	}

	impl pallet_consent::runtime_api::ConsentApi<Block, AccountId, BlockNumber> for Runtime {
		fn has_access(
			patient: AccountId,
			grantee: AccountId,
			category: RecordCategory,
			purpose: Purpose,
			write: bool,
		) -> bool {
			<Consent as ConsentChecker<AccountId>>::has_access(&patient, &grantee, category, purpose, write)
		}

		fn consents_of(patient: AccountId) -> Vec<(ConsentId, pallet_consent::Consent<AccountId>)> {
			Consent::consents_of(&patient)
		}

		fn access_log(patient: AccountId) -> Vec<pallet_consent::AccessEntry<AccountId, BlockNumber>> {
			Consent::access_log(&patient)
		}

		fn was_permitted(
			patient: AccountId,
			grantee: AccountId,
			category: RecordCategory,
			purpose: Purpose,
			at: u64,
		) -> bool {
			Consent::was_permitted(&patient, &grantee, category, purpose, at)
		}

		fn emergency_uses(organization: AccountId) -> (u32, u32) {
			Consent::emergency_uses(&organization)
		}
	}

	impl pallet_consent::runtime_api::GatewayApi<Block, AccountId, BlockNumber> for Runtime {
		fn read_decision(
			requester: AccountId,
			record_id: H256,
			max_log_age: u64,
		) -> pallet_consent::ReadDecision<AccountId, BlockNumber> {
			let Some(record) = pallet_health_records::Records::<Runtime>::get(record_id) else {
				return pallet_consent::ReadDecision::UnknownRecord;
			};
			if record.sealed_at.is_some() {
				return pallet_consent::ReadDecision::Sealed;
			}
			Consent::read_decision(&requester, record.patient, record.category, record_id, max_log_age)
		}
	}

	impl pallet_health_records::runtime_api::HealthRecordsApi<Block, AccountId, BlockNumber> for Runtime {
		fn verify_record(
			record_id: RecordId,
			content_hash: H256,
		) -> RecordVerification<AccountId> {
			HealthRecords::verify_record(record_id, content_hash)
		}

		fn verify_inclusion(batch_id: BatchId, leaf_hash: H256, proof: Vec<H256>, leaf_index: u32) -> bool {
			HealthRecords::verify_inclusion(batch_id, leaf_hash, proof, leaf_index)
		}

		fn records_of(patient: AccountId, start: u32, limit: u32) -> Vec<(RecordId, RecordInfo<AccountId, BlockNumber>)> {
			HealthRecords::records_of(&patient, start, limit)
		}

		fn record_history(record_id: RecordId) -> Vec<(RecordId, RecordInfo<AccountId, BlockNumber>)> {
			HealthRecords::record_history(record_id)
		}

		fn batch(batch_id: BatchId) -> Option<pallet_health_records::Batch<AccountId, BlockNumber>> {
			HealthRecords::batch(batch_id)
		}
	}

	impl pallet_drug_provenance::runtime_api::DrugProvenanceApi<Block, AccountId> for Runtime {
		fn verify_unit(
			gtin: Vec<u8>,
			lot: Vec<u8>,
			serial: Vec<u8>,
			proof: drugs::SerialProof<Vec<H256>>,
		) -> drugs::UnitStatus<AccountId> {
			DrugProvenance::verify_unit(gtin, lot, serial, proof)
		}

		fn batch_of(gtin: Vec<u8>, lot: Vec<u8>) -> Option<drugs::BatchId> {
			DrugProvenance::batch_of(gtin, lot)
		}

		fn batch(batch_id: drugs::BatchId) -> Option<drugs::runtime_api::BatchInfo<AccountId>> {
			DrugProvenance::batch(batch_id)
		}

		fn batch_history(batch_id: drugs::BatchId) -> Vec<drugs::CustodyEvent<AccountId>> {
			DrugProvenance::batch_history(batch_id)
		}

		fn holders(batch_id: drugs::BatchId) -> Vec<(AccountId, drugs::Custody)> {
			DrugProvenance::holders(batch_id)
		}

		fn suspect_reports(batch_id: drugs::BatchId) -> Vec<drugs::SuspectReport<AccountId>> {
			DrugProvenance::suspect_reports(batch_id)
		}

		fn products_of(manufacturer: AccountId) -> Vec<(drugs::Gtin, drugs::Product<AccountId>)> {
			DrugProvenance::products_of(&manufacturer)
		}

		fn shipment(shipment_id: drugs::ShipmentId) -> Option<drugs::Shipment<AccountId>> {
			DrugProvenance::shipment(shipment_id)
		}
	}

	impl pallet_prescriptions::runtime_api::PrescriptionsApi<Block, AccountId> for Runtime {
		fn prescription(id: H256) -> Option<pallet_prescriptions::PrescriptionState<AccountId>> {
			pallet_prescriptions::Prescriptions::<Runtime>::get(id)
		}

		fn fills(id: H256) -> Vec<pallet_prescriptions::FilledUnit<AccountId>> {
			pallet_prescriptions::Fills::<Runtime>::get(id).into_inner()
		}

		fn prescriptions_of(holder: AccountId) -> Vec<H256> {
			pallet_prescriptions::HolderPrescriptions::<Runtime>::get(holder).into_inner()
		}

		fn recalled_fills_of(holder: AccountId) -> Vec<(H256, pallet_prescriptions::FilledUnit<AccountId>)> {
			Prescriptions::recalled_fills_of(&holder)
		}

		fn holders_reached(batch_id: drugs::BatchId) -> u32 {
			pallet_prescriptions::BatchHolderCount::<Runtime>::get(batch_id)
		}

		fn is_prescription_only(gtin: Vec<u8>) -> bool {
			drugs::Gtin::parse(&gtin).is_ok_and(|gtin| {
				pallet_prescriptions::PrescriptionOnly::<Runtime>::contains_key(gtin)
			})
		}
	}

	impl pallet_clinical_trials::runtime_api::ClinicalTrialsApi<Block, AccountId> for Runtime {
		fn trial(trial_id: TrialId) -> Option<pallet_clinical_trials::TrialInfo<AccountId>> {
			ClinicalTrials::trial(trial_id)
		}

		fn data_commits(trial_id: TrialId) -> Vec<pallet_clinical_trials::DataCommit<AccountId>> {
			ClinicalTrials::data_commits(trial_id)
		}

		fn verify_data_chain(trial_id: TrialId) -> bool {
			ClinicalTrials::verify_data_chain(trial_id)
		}

		fn trials_with_outcome_switch(after: Option<TrialId>, limit: u32) -> Vec<TrialId> {
			ClinicalTrials::trials_with_outcome_switch(after, limit)
		}

		fn trial_by_registry_id(registry_id: Vec<u8>) -> Option<TrialId> {
			ClinicalTrials::trial_by_registry_id(registry_id)
		}

		fn participant_enrolled(trial_id: TrialId, participant_commitment: H256) -> bool {
			ClinicalTrials::is_enrolled(trial_id, participant_commitment)
		}

		fn participant_status(
			trial_id: TrialId,
			participant_commitment: H256,
		) -> Option<pallet_clinical_trials::ParticipantInfo<AccountId>> {
			ClinicalTrials::participant_status(trial_id, participant_commitment)
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use frame_benchmarking::{baseline, BenchmarkList};
			use frame_support::traits::StorageInfoTrait;
			use frame_system_benchmarking::Pallet as SystemBench;
			use frame_system_benchmarking::extensions::Pallet as SystemExtensionsBench;
			use baseline::Pallet as BaselineBench;
			use super::*;

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);

			let storage_info = AllPalletsWithSystem::storage_info();

			(list, storage_info)
		}

		#[allow(non_local_definitions)]
		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use frame_benchmarking::{baseline, BenchmarkBatch};
			use sp_storage::TrackedStorageKey;
			use frame_system_benchmarking::Pallet as SystemBench;
			use frame_system_benchmarking::extensions::Pallet as SystemExtensionsBench;
			use baseline::Pallet as BaselineBench;
			use super::*;

			impl frame_system_benchmarking::Config for Runtime {}
			impl baseline::Config for Runtime {}

			use frame_support::traits::WhitelistedStorageKeys;
			let mut whitelist: Vec<TrackedStorageKey> =
				AllPalletsWithSystem::whitelisted_storage_keys();
			// `Timestamp::Now` is written by the timestamp inherent at the start of every
			// block, so every later read in the block hits the overlay, not the database.
			whitelist.push(pallet_timestamp::Now::<Runtime>::hashed_key().to_vec().into());

			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);

			Ok(batches)
		}
	}

	#[cfg(feature = "try-runtime")]
	impl frame_try_runtime::TryRuntime<Block> for Runtime {
		fn on_runtime_upgrade(checks: frame_try_runtime::UpgradeCheckSelect) -> (Weight, Weight) {
			// try-runtime is an off-chain tool: a failed check must stop it loudly.
			let weight = Executive::try_runtime_upgrade(checks).expect("try-runtime: the upgrade checks pass");
			(weight, super::configs::RuntimeBlockWeights::get().max_block)
		}

		fn execute_block(
			block: <Block as BlockT>::LazyBlock,
			state_root_check: bool,
			signature_check: bool,
			select: frame_try_runtime::TryStateSelect
		) -> Weight {
			Executive::try_execute_block(block, state_root_check, signature_check, select)
				.expect("try-runtime: the block executes")
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			crate::genesis_config_presets::preset_names()
		}
	}
}
