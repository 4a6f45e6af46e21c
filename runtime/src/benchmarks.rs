//! The pallets whose benchmarks the runtime exposes to `medchain-node benchmark pallet`.

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_sudo, Sudo]
	[pallet_utility, Utility]
	[pallet_proxy, Proxy]
	[pallet_recovery, Recovery]
	[pallet_consortium, Consortium]
	[pallet_patient_identity, PatientIdentity]
	[pallet_consent, Consent]
	[pallet_health_records, HealthRecords]
	[pallet_drug_provenance, DrugProvenance]
	[pallet_clinical_trials, ClinicalTrials]
	[pallet_governance, Governance]
	[pallet_collective, Council]
	[pallet_membership, CouncilMembership]
);
