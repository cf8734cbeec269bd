/**
 * Slim records of the node-IPAM chain: Cluster → Machine → VSphereMachine → VSphereVM →
 * IPAddressClaim → IPAddress → pool. Only what the checks and the drill-down need.
 */

export interface OwnerRef {
  readonly kind: string;
  readonly name: string;
}

/** A condition from any of the three places CAPV keeps them (see `location`). */
export interface ConditionRecord {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  /** CAPI v1beta1 conditions only: Error | Warning | Info. */
  readonly severity?: string;
  readonly lastTransitionTime?: string;
  /** `status.conditions`, `status.v1beta2.conditions` or `status.deprecated.v1beta1.conditions`. */
  readonly location: string;
}

export interface PoolRef {
  readonly apiGroup?: string;
  readonly kind: string;
  readonly name: string;
}

export interface ClusterRecord {
  readonly namespace: string;
  readonly name: string;
  readonly endpointHost?: string;
  readonly endpointPort?: number;
}

export interface MachineRecord {
  readonly namespace: string;
  readonly name: string;
  readonly clusterName?: string;
  readonly controlPlane: boolean;
  readonly nodeName?: string;
}

export interface VSphereMachineRecord {
  readonly namespace: string;
  readonly name: string;
  readonly owners: readonly OwnerRef[];
  readonly clusterName?: string;
}

export interface DeviceRecord {
  readonly networkName: string;
  readonly dhcp4: boolean;
  readonly dhcp6: boolean;
  readonly ipAddrs: readonly string[];
  readonly gateway4?: string;
  readonly gateway6?: string;
  readonly nameservers: readonly string[];
  readonly addressesFromPools: readonly PoolRef[];
}

export interface VSphereVMRecord {
  readonly namespace: string;
  readonly name: string;
  readonly apiVersion: string;
  readonly createdAt?: string;
  readonly owners: readonly OwnerRef[];
  readonly clusterName?: string;
  readonly controlPlane: boolean;
  readonly devices: readonly DeviceRecord[];
  /** IPAddressClaimed / IPAddressClaimsFulfilled, and VMProvisioned / VirtualMachineProvisioned, from every location. */
  readonly conditions: readonly ConditionRecord[];
  readonly addresses: readonly string[];
}

export interface ClaimRecord {
  readonly namespace: string;
  readonly name: string;
  readonly apiVersion: string;
  readonly createdAt?: string;
  readonly deleting: boolean;
  /** `metadata.deletionTimestamp`: with the pool's reuse grace, when the provider frees the address. */
  readonly deletionTimestamp?: string;
  readonly owners: readonly OwnerRef[];
  readonly clusterName?: string;
  readonly poolRef: PoolRef;
  /** `status.addressRef.name`; undefined while the claim is pending. */
  readonly addressName?: string;
  /** Ready conditions, set by providers other than in-cluster (which sets none). */
  readonly conditions: readonly ConditionRecord[];
}

export interface AddressRecord {
  readonly namespace: string;
  readonly name: string;
  readonly apiVersion: string;
  readonly createdAt?: string;
  readonly address: string;
  readonly prefix?: number;
  readonly gateway?: string;
  readonly claimName?: string;
  readonly poolRef: PoolRef;
}

export type PoolKind = 'InClusterIPPool' | 'GlobalInClusterIPPool';

export interface PoolStatusCounts {
  readonly total?: number;
  readonly used?: number;
  readonly free?: number;
  readonly outOfRange?: number;
}

export interface PoolRecord {
  readonly kind: PoolKind;
  /** Undefined for GlobalInClusterIPPool (cluster-scoped). */
  readonly namespace?: string;
  readonly name: string;
  readonly apiVersion: string;
  /** In v1alpha2 form; a v1alpha1 object is converted as upstream converts it. */
  readonly addresses: readonly string[];
  readonly prefix?: number;
  readonly gateway?: string;
  readonly excludedAddresses: readonly string[];
  readonly allocateReservedIPAddresses: boolean;
  /**
   * v1alpha2 `spec.addressReuseGracePeriodSeconds`: how long the provider keeps the IPAddress of a
   * deleted claim before freeing it. Undefined when unset and at v1alpha1 (no such field).
   */
  readonly addressReuseGracePeriodSeconds?: number;
  /** `metadata.deletionTimestamp`: the provider skips the reuse grace while the pool is deleted. */
  readonly deletionTimestamp?: string;
  /** The provider's own `status.ipAddresses`, which can be stale or absent. */
  readonly status?: PoolStatusCounts;
  /** Set when the v1alpha1 spec could not be converted. */
  readonly specError?: string;
}

/** What the probe's resolver answered for a control-plane endpoint FQDN. */
export interface Resolution {
  readonly host: string;
  readonly addresses: readonly string[];
  readonly error?: string;
}

export interface IpamData {
  readonly clusters: readonly ClusterRecord[];
  readonly machines: readonly MachineRecord[];
  readonly vsphereMachines: readonly VSphereMachineRecord[];
  readonly vsphereVMs: readonly VSphereVMRecord[];
  readonly claims: readonly ClaimRecord[];
  readonly addresses: readonly AddressRecord[];
  readonly pools: readonly PoolRecord[];
  /** Keyed by host name. */
  readonly resolutions: Readonly<Record<string, Resolution>>;
  /** `resource: group/version` actually read, for the screen and the report. */
  readonly versions: Readonly<Record<string, string>>;
  /** Resources that are not served by this API server (the checks that need them are skipped). */
  readonly missing: readonly string[];
  /** `-n NS`: namespaced objects were read from this namespace only (global pool usage is partial). */
  readonly namespace?: string;
}

export const IPAM_GROUP = 'ipam.cluster.x-k8s.io';
export const POOL_KINDS: readonly PoolKind[] = ['InClusterIPPool', 'GlobalInClusterIPPool'];

export function isPoolKind(kind: string): kind is PoolKind {
  return (POOL_KINDS as readonly string[]).includes(kind);
}

export function poolLabel(pool: { kind: string; namespace?: string; name: string }): string {
  return `${pool.kind} ${pool.namespace ? `${pool.namespace}/` : ''}${pool.name}`;
}
