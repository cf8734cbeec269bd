import type { PoolSpace } from './ip.js';
import type {
  AddressRecord,
  ClaimRecord,
  ClusterRecord,
  MachineRecord,
  PoolRecord,
  PoolRef,
  VSphereMachineRecord,
  VSphereVMRecord,
} from './types.js';

/**
 * The shape of the joined IPAM chain and the per-pool arithmetic (built by analyze.ts, read by the
 * evaluators and the view). Types only, so every part of the analysis can name them without cycles.
 */

export type ChainState =
  | 'bound'
  | 'pending'
  | 'no-claim'
  | 'pool-missing'
  | 'address-missing'
  | 'out-of-range'
  | 'duplicate'
  | 'other-provider';

export interface ChainLink {
  readonly vm: VSphereVMRecord;
  readonly deviceIndex: number;
  readonly poolIndex: number;
  readonly networkName: string;
  readonly poolRef: PoolRef;
  /** `<vspherevm>-<deviceIdx>-<poolIdx>`, as CAPV names it. */
  readonly claimName: string;
  readonly claim?: ClaimRecord;
  readonly address?: AddressRecord;
  readonly pool?: PoolAnalysis;
  readonly state: ChainState;
}

export interface PoolAnalysis {
  readonly pool: PoolRecord;
  readonly key: string;
  readonly space?: PoolSpace;
  readonly error?: string;
  /** IPAddresses whose poolRef is this pool (provider semantics: same namespace unless global). */
  readonly addresses: readonly AddressRecord[];
  readonly used: number;
  readonly total: bigint;
  readonly free: bigint;
  /** The address the provider hands out next (lowest free), if any. */
  readonly next?: string;
  readonly outOfRange: readonly AddressRecord[];
  readonly claims: readonly ClaimRecord[];
  readonly pendingClaims: readonly ClaimRecord[];
  /** Used addresses whose claim is being deleted, earliest release first. */
  readonly heldByDeletingClaims: readonly HeldAddress[];
  /** The first of their release times (ms since epoch), past or future. */
  readonly earliestReleaseMs?: number;
  /** Network names of the VSphereVM devices that take addresses from this pool. */
  readonly networks: readonly string[];
}

/** An IPAddress of a pool whose claim is being deleted: still used until the provider frees it. */
export interface HeldAddress {
  readonly claim: ClaimRecord;
  readonly address: AddressRecord;
  /** The reuse grace that applies (0: none, unset, or skipped because the pool is being deleted). */
  readonly graceSeconds: number;
  /** When the provider is due to free the address (ms since epoch); undefined if a timestamp does not parse. */
  readonly releasesAtMs?: number;
}

export interface PoolOverlap {
  readonly a: PoolAnalysis;
  readonly b: PoolAnalysis;
  readonly range: string;
  readonly count: bigint;
}

export interface MachineChain {
  readonly vsphereMachine?: VSphereMachineRecord;
  readonly machine?: MachineRecord;
  readonly cluster?: ClusterRecord;
}

export interface IpamAnalysis {
  readonly pools: readonly PoolAnalysis[];
  readonly overlaps: readonly PoolOverlap[];
  readonly chains: readonly ChainLink[];
  readonly chainsByVm: ReadonlyMap<VSphereVMRecord, readonly ChainLink[]>;
  readonly machineOf: (vm: VSphereVMRecord) => MachineChain;
  /** Address value key (`4:167772165`) → IPAddress objects holding it, only where more than one does. */
  readonly duplicates: ReadonlyMap<string, readonly AddressRecord[]>;
  readonly claimPool: (claim: ClaimRecord) => PoolLookup;
  readonly addressByClaim: ReadonlyMap<ClaimRecord, AddressRecord | undefined>;
  readonly vmOfClaim: ReadonlyMap<ClaimRecord, VSphereVMRecord>;
  /** See IpamData.namespace. */
  readonly namespace?: string;
}

export type PoolLookup =
  | { readonly found: true; readonly pool: PoolAnalysis }
  | { readonly found: false; readonly ours: boolean };
