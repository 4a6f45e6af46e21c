// The MedChain runtime's types as polkadot.js sees them, for the part of the runtime the portal
// uses: the runtime APIs (`api.call`), storage (`api.query`) and constants (`api.consts`) of the
// MedChain pallets, declared the way @polkadot/api-augment declares Substrate's (interfaces
// over polkadot.js codec classes, merged into the api's Augmented* interfaces). The shapes
// follow the runtime's Rust types (field names camelCased by polkadot.js); system, proxy and
// timestamp come from @polkadot/api-augment. Transactions (`api.tx`) stay untyped calls: their
// arguments are encoded and checked against the metadata at run time.
// Substrate's own pallets (system, proxy, timestamp): types only, nothing of it is bundled.
import type * as _substrate from '@polkadot/api-augment';
import type { ApiTypes, AugmentedCall, AugmentedConst, AugmentedQuery, QueryableStorageEntry } from '@polkadot/api-base/types';
import type { Bytes, Enum, Option, Struct, U8aFixed, Vec, bool, u16, u32, u64 } from '@polkadot/types-codec';
import type { ITuple } from '@polkadot/types-codec/types';
import type { AccountId32, H256 } from '@polkadot/types/interfaces/runtime';
import type { Observable } from '@polkadot/types/types';

type Who = AccountId32 | string | Uint8Array;
type Hash = H256 | string | Uint8Array;

// --- patient identity
export interface Registered extends Struct {
  readonly registeredAt: u32;
  readonly commitment: H256;
  readonly onboardedBy: Option<AccountId32>;
  readonly attestations: Vec<AccountId32>;
}
export interface Deregistered extends Struct {
  readonly deregisteredAt: u32;
}
export interface PatientInfo extends Enum {
  readonly isRegistered: boolean;
  readonly asRegistered: Registered;
  readonly isDeregistered: boolean;
  readonly asDeregistered: Deregistered;
}

// --- health records
export interface HealthRecord extends Struct {
  readonly category: Enum;
  readonly author: Option<AccountId32>;
  readonly anchoredAt: u64;
  readonly contentHash: H256;
  readonly supersedes: Option<H256>;
  readonly supersededBy: Option<H256>;
  readonly sealedAt: Option<u64>;
}
export interface RecordVerification extends Struct {
  readonly known: bool;
  readonly hashMatches: bool;
}

// --- consent
export interface Access extends Struct {
  readonly read: bool;
  readonly write: bool;
}
export interface Scope extends Struct {
  readonly categories: u16;
  readonly access: Access;
}
export interface BreakGlass extends Struct {
  readonly reasonCode: u16;
}
export interface ConsentKind extends Enum {
  readonly isBreakGlass: boolean;
  readonly asBreakGlass: BreakGlass;
}
export interface ConsentInfo extends Struct {
  readonly grantee: AccountId32;
  readonly kind: ConsentKind;
  readonly scope: Scope;
  readonly purpose: Enum;
  readonly grantedAt: u64;
  readonly expiresAt: Option<u64>;
  readonly revokedAt: Option<u64>;
}
export interface AccessEntry extends Struct {
  readonly consentId: u64;
  readonly at: u64;
  readonly organization: AccountId32;
  readonly accessor: AccountId32;
  readonly category: Enum;
  readonly recordId: H256;
  readonly purpose: Enum;
  readonly emergency: bool;
}
export interface AccessRequest extends Struct {
  readonly requester: AccountId32;
  readonly requestedAt: u64;
  readonly purpose: Enum;
  readonly scope: Scope;
}
export interface EmergencyIncident extends Struct {
  readonly code: u16;
  readonly untilWindow: u32;
}

// --- consortium and gateway directory
export interface Organization extends Struct {
  readonly name: Bytes;
  readonly roles: u16;
  readonly status: Enum;
}
export interface GatewayEntry extends Struct {
  readonly endpoint: Bytes;
  readonly publicKey: U8aFixed;
}

// --- drug provenance
export interface Dispensed extends Struct {
  readonly pharmacy: AccountId32;
  readonly at: u64;
}
export interface Holding extends Struct {
  readonly held: u32;
  readonly incoming: u32;
  readonly outgoing: u32;
}
export interface UnitStatus extends Struct {
  readonly batchId: Option<u64>;
  readonly authentic: bool;
  readonly manufacturer: Option<AccountId32>;
  readonly dispensed: Option<Dispensed>;
  readonly recalled: bool;
  readonly expired: bool;
  readonly holders: Vec<ITuple<[AccountId32, Holding]>>;
  readonly suspectReports: u32;
}
export interface Recall extends Struct {
  readonly by: AccountId32;
  readonly at: u64;
  readonly reasonCode: u16;
}
export interface Batch extends Struct {
  readonly gtin: U8aFixed;
  readonly lot: Bytes;
  readonly manufacturer: AccountId32;
  readonly serialsRoot: H256;
  readonly quantity: u32;
  readonly dispensed: u32;
  readonly inTransit: u32;
  readonly destroyed: u32;
  readonly recalled: Option<Recall>;
  readonly suspectReports: u32;
}
export interface Movement extends Struct {
  readonly from: AccountId32;
  readonly to: AccountId32;
  readonly quantity: u32;
}
export interface DispensedEvent extends Struct {
  readonly pharmacy: AccountId32;
  readonly count: u32;
}
export interface CustodyEvent extends Enum {
  readonly isShipped: boolean;
  readonly asShipped: Movement;
  readonly isReceived: boolean;
  readonly asReceived: Movement;
  readonly isCancelled: boolean;
  readonly asCancelled: Movement;
  readonly isRejected: boolean;
  readonly asRejected: Movement;
  readonly isDispensed: boolean;
  readonly asDispensed: DispensedEvent;
}
export interface SuspectReport extends Struct {
  readonly reporter: AccountId32;
  readonly reason: Enum;
  readonly at: u64;
}
/** A serial's Merkle proof, as verify_unit and dispense take it. */
export interface UnitProof {
  leafIndex: number;
  leafCount: number;
  siblings: string[];
}

// --- clinical trials
export interface TrialResults extends Struct {
  readonly missing: Vec<H256>;
  readonly added: Vec<H256>;
}
export interface Trial extends Struct {
  readonly registryId: Bytes;
  readonly sponsor: AccountId32;
  readonly results: Option<TrialResults>;
}

declare module '@polkadot/api-base/types/calls' {
  interface AugmentedCalls<ApiType extends ApiTypes> {
    patientIdentityApi: {
      patient: AugmentedCall<ApiType, (who: Who) => Observable<Option<PatientInfo>>>;
      freeCallsLeft: AugmentedCall<ApiType, (who: Who) => Observable<u32>>;
    };
    healthRecordsApi: {
      recordsOf: AugmentedCall<ApiType, (patient: Who, start: number, limit: number) => Observable<Vec<ITuple<[H256, HealthRecord]>>>>;
      recordHistory: AugmentedCall<ApiType, (record: Hash) => Observable<Vec<ITuple<[H256, HealthRecord]>>>>;
      verifyRecord: AugmentedCall<ApiType, (record: Hash, contentHash: Hash) => Observable<RecordVerification>>;
    };
    consentApi: {
      consentsOf: AugmentedCall<ApiType, (patient: Who) => Observable<Vec<ITuple<[u64, ConsentInfo]>>>>;
      accessLog: AugmentedCall<ApiType, (patient: Who) => Observable<Vec<AccessEntry>>>;
      emergencyUses: AugmentedCall<ApiType, (org: Who) => Observable<ITuple<[u32, u32]>>>;
    };
    consortiumApi: {
      organizationOf: AugmentedCall<ApiType, (who: Who) => Observable<Option<AccountId32>>>;
    };
    gatewayDirectoryApi: {
      gatewaysOfPatient: AugmentedCall<ApiType, (patient: Who) => Observable<Vec<ITuple<[AccountId32, GatewayEntry]>>>>;
      gatewayOf: AugmentedCall<ApiType, (org: Who) => Observable<Option<GatewayEntry>>>;
    };
    drugProvenanceApi: {
      verifyUnit: AugmentedCall<ApiType, (gtin: string, lot: string, serial: string, proof: UnitProof) => Observable<UnitStatus>>;
      batch: AugmentedCall<ApiType, (id: number) => Observable<Option<Batch>>>;
      batchHistory: AugmentedCall<ApiType, (id: number) => Observable<Vec<CustodyEvent>>>;
      holders: AugmentedCall<ApiType, (id: number) => Observable<Vec<ITuple<[AccountId32, Holding]>>>>;
      suspectReports: AugmentedCall<ApiType, (id: number) => Observable<Vec<SuspectReport>>>;
    };
    clinicalTrialsApi: {
      trialsWithOutcomeSwitch: AugmentedCall<ApiType, (start: number | null, limit: number) => Observable<Vec<u32>>>;
      trial: AugmentedCall<ApiType, (id: u32 | number) => Observable<Option<Trial>>>;
    };
  }
}

declare module '@polkadot/api-base/types/storage' {
  interface AugmentedQueries<ApiType extends ApiTypes> {
    consent: {
      accessRequests: AugmentedQuery<ApiType, (patient: Who, org: Who) => Observable<Option<AccessRequest>>, [AccountId32, AccountId32]> &
        QueryableStorageEntry<ApiType, [AccountId32, AccountId32]>;
      emergencyReads: AugmentedQuery<ApiType, (org: Who) => Observable<u32>, [AccountId32]> & QueryableStorageEntry<ApiType, [AccountId32]>;
      emergencyIncidents: AugmentedQuery<ApiType, (org: Who) => Observable<Option<EmergencyIncident>>, [AccountId32]> & QueryableStorageEntry<ApiType, [AccountId32]>;
    };
    consortium: {
      organizations: AugmentedQuery<ApiType, (org: Who) => Observable<Option<Organization>>, [AccountId32]> & QueryableStorageEntry<ApiType, [AccountId32]>;
    };
    drugProvenance: {
      batches: AugmentedQuery<ApiType, (id: u64 | number) => Observable<Option<Batch>>, [u64]> & QueryableStorageEntry<ApiType, [u64]>;
    };
  }
}

declare module '@polkadot/api-base/types/consts' {
  interface AugmentedConsts<ApiType extends ApiTypes> {
    consent: {
      accessRequestLifetime: u64 & AugmentedConst<ApiType>;
      maxReadsPerLog: u32 & AugmentedConst<ApiType>;
      emergencyWindow: u32 & AugmentedConst<ApiType>;
    };
  }
}
