import { convertV1alpha1PoolSpec } from './ip.js';
import type {
  AddressRecord,
  ClaimRecord,
  ClusterRecord,
  ConditionRecord,
  DeviceRecord,
  IpamData,
  MachineRecord,
  OwnerRef,
  PoolKind,
  PoolRecord,
  PoolRef,
  Resolution,
  VSphereMachineRecord,
  VSphereVMRecord,
} from './types.js';

/**
 * Pure transforms from Kubernetes objects (any served version) to the slim IPAM records. The probe
 * runs them on every list item and watch event; tests run them on fixture objects.
 */

type Json = Record<string, unknown>;

const CLUSTER_NAME_LABEL = 'cluster.x-k8s.io/cluster-name';
const CONTROL_PLANE_LABEL = 'cluster.x-k8s.io/control-plane';
/** Conditions the IPAM chain cares about; everything else is dropped from the slim record. */
const KEPT_CONDITIONS = new Set([
  'IPAddressClaimed',
  'IPAddressClaimsFulfilled',
  'VMProvisioned',
  'VirtualMachineProvisioned',
  'Ready',
]);

function obj(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function strings(value: unknown): string[] {
  return arr(value).filter((v): v is string => typeof v === 'string');
}

function meta(o: Json): {
  name: string;
  namespace: string;
  labels: Json;
  createdAt?: string;
  owners: OwnerRef[];
  deleting: boolean;
  deletionTimestamp?: string;
} {
  const m = obj(obj(o).metadata);
  return {
    name: str(m.name) ?? '',
    namespace: str(m.namespace) ?? '',
    labels: obj(m.labels),
    createdAt: str(m.creationTimestamp),
    owners: arr(m.ownerReferences).map((r) => ({
      kind: str(obj(r).kind) ?? '',
      name: str(obj(r).name) ?? '',
    })),
    deleting: str(m.deletionTimestamp) !== undefined,
    deletionTimestamp: str(m.deletionTimestamp),
  };
}

function conditionsAt(list: unknown, location: string): ConditionRecord[] {
  return arr(list)
    .map(obj)
    .filter((c) => KEPT_CONDITIONS.has(str(c.type) ?? ''))
    .map((c) => ({
      type: str(c.type) ?? '',
      status: str(c.status) ?? 'Unknown',
      reason: str(c.reason),
      message: str(c.message),
      severity: str(c.severity),
      lastTransitionTime: str(c.lastTransitionTime),
      location,
    }));
}

/** Every place CAPV and CAPI keep conditions, whichever API version the object was read at. */
export function readConditions(status: Json): ConditionRecord[] {
  return [
    ...conditionsAt(status.conditions, 'status.conditions'),
    ...conditionsAt(obj(status.v1beta2).conditions, 'status.v1beta2.conditions'),
    ...conditionsAt(obj(obj(status.deprecated).v1beta1).conditions, 'status.deprecated.v1beta1.conditions'),
  ];
}

function poolRefOf(value: unknown): PoolRef {
  const r = obj(value);
  return { apiGroup: str(r.apiGroup), kind: str(r.kind) ?? '', name: str(r.name) ?? '' };
}

export function toCluster(o: Json): ClusterRecord {
  const m = meta(o);
  const endpoint = obj(obj(o.spec).controlPlaneEndpoint);
  return {
    namespace: m.namespace,
    name: m.name,
    endpointHost: str(endpoint.host),
    endpointPort: num(endpoint.port),
  };
}

export function toMachine(o: Json): MachineRecord {
  const m = meta(o);
  return {
    namespace: m.namespace,
    name: m.name,
    clusterName: str(obj(o.spec).clusterName) ?? str(m.labels[CLUSTER_NAME_LABEL]),
    controlPlane: CONTROL_PLANE_LABEL in m.labels,
    nodeName: str(obj(obj(o.status).nodeRef).name),
  };
}

export function toVSphereMachine(o: Json): VSphereMachineRecord {
  const m = meta(o);
  return {
    namespace: m.namespace,
    name: m.name,
    owners: m.owners,
    clusterName: str(m.labels[CLUSTER_NAME_LABEL]),
  };
}

function toDevice(value: unknown): DeviceRecord {
  const d = obj(value);
  return {
    networkName: str(d.networkName) ?? '',
    dhcp4: d.dhcp4 === true,
    dhcp6: d.dhcp6 === true,
    ipAddrs: strings(d.ipAddrs),
    gateway4: str(d.gateway4),
    gateway6: str(d.gateway6),
    nameservers: strings(d.nameservers),
    addressesFromPools: arr(d.addressesFromPools).map(poolRefOf),
  };
}

export function toVSphereVM(o: Json): VSphereVMRecord {
  const m = meta(o);
  const status = obj(o.status);
  return {
    namespace: m.namespace,
    name: m.name,
    apiVersion: str(o.apiVersion) ?? '',
    createdAt: m.createdAt,
    owners: m.owners,
    clusterName: str(m.labels[CLUSTER_NAME_LABEL]),
    controlPlane: CONTROL_PLANE_LABEL in m.labels,
    devices: arr(obj(obj(o.spec).network).devices).map(toDevice),
    conditions: readConditions(status),
    addresses: strings(status.addresses),
  };
}

export function toClaim(o: Json): ClaimRecord {
  const m = meta(o);
  const spec = obj(o.spec);
  const status = obj(o.status);
  return {
    namespace: m.namespace,
    name: m.name,
    apiVersion: str(o.apiVersion) ?? '',
    createdAt: m.createdAt,
    deleting: m.deleting,
    deletionTimestamp: m.deletionTimestamp,
    owners: m.owners,
    clusterName: str(spec.clusterName) ?? str(m.labels[CLUSTER_NAME_LABEL]),
    poolRef: poolRefOf(spec.poolRef),
    addressName: str(obj(status.addressRef).name),
    conditions: readConditions(status),
  };
}

export function toAddress(o: Json): AddressRecord {
  const m = meta(o);
  const spec = obj(o.spec);
  return {
    namespace: m.namespace,
    name: m.name,
    apiVersion: str(o.apiVersion) ?? '',
    createdAt: m.createdAt,
    address: str(spec.address) ?? '',
    prefix: num(spec.prefix),
    gateway: str(spec.gateway),
    claimName: str(obj(spec.claimRef).name),
    poolRef: poolRefOf(spec.poolRef),
  };
}

/** A pool at v1alpha2 as is; at v1alpha1 converted (start/end/subnet → addresses) as upstream does. */
export function toPool(o: Json): PoolRecord | undefined {
  const kind = str(o.kind);
  if (kind !== 'InClusterIPPool' && kind !== 'GlobalInClusterIPPool') return undefined;
  const m = meta(o);
  const spec = obj(o.spec);
  const apiVersion = str(o.apiVersion) ?? '';
  let addresses = strings(spec.addresses);
  let prefix = num(spec.prefix);
  let specError: string | undefined;
  // v1alpha1 has no reuse grace: the provider that serves only v1alpha1 frees addresses at once.
  let addressReuseGracePeriodSeconds = num(spec.addressReuseGracePeriodSeconds);
  if (apiVersion.endsWith('/v1alpha1')) {
    addressReuseGracePeriodSeconds = undefined;
    const converted = convertV1alpha1PoolSpec({
      addresses,
      subnet: str(spec.subnet),
      start: str(spec.start),
      end: str(spec.end),
      prefix,
      gateway: str(spec.gateway),
    });
    addresses = converted.addresses;
    prefix = converted.prefix;
    specError = converted.error;
  }
  const counts = obj(obj(o.status).ipAddresses);
  const hasStatus = Object.keys(counts).length > 0;
  return {
    kind: kind as PoolKind,
    namespace: kind === 'InClusterIPPool' ? m.namespace : undefined,
    name: m.name,
    apiVersion,
    addresses,
    prefix,
    gateway: str(spec.gateway),
    excludedAddresses: strings(spec.excludedAddresses),
    allocateReservedIPAddresses: spec.allocateReservedIPAddresses === true,
    addressReuseGracePeriodSeconds,
    deletionTimestamp: m.deletionTimestamp,
    status: hasStatus
      ? {
          total: num(counts.total),
          used: num(counts.used),
          free: num(counts.free),
          outOfRange: num(counts.outOfRange),
        }
      : undefined,
    specError,
  };
}

/** Builds the probe's data from a flat object list (fixtures, dumps); the probe builds it from collections. */
export function ipamDataFromObjects(
  objects: readonly Json[],
  resolutions: Readonly<Record<string, Resolution>> = {},
): IpamData {
  const data: {
    clusters: ClusterRecord[];
    machines: MachineRecord[];
    vsphereMachines: VSphereMachineRecord[];
    vsphereVMs: VSphereVMRecord[];
    claims: ClaimRecord[];
    addresses: AddressRecord[];
    pools: PoolRecord[];
  } = {
    clusters: [],
    machines: [],
    vsphereMachines: [],
    vsphereVMs: [],
    claims: [],
    addresses: [],
    pools: [],
  };
  for (const o of objects) {
    // A null or non-object entry (a broken dump) is skipped, not a crash.
    if (!o || typeof o !== 'object' || Array.isArray(o)) continue;
    switch (o.kind) {
      case 'Cluster':
        data.clusters.push(toCluster(o));
        break;
      case 'Machine':
        data.machines.push(toMachine(o));
        break;
      case 'VSphereMachine':
        data.vsphereMachines.push(toVSphereMachine(o));
        break;
      case 'VSphereVM':
        data.vsphereVMs.push(toVSphereVM(o));
        break;
      case 'IPAddressClaim':
        data.claims.push(toClaim(o));
        break;
      case 'IPAddress':
        data.addresses.push(toAddress(o));
        break;
      case 'InClusterIPPool':
      case 'GlobalInClusterIPPool': {
        const pool = toPool(o);
        if (pool) data.pools.push(pool);
        break;
      }
    }
  }
  return { ...data, resolutions, versions: {}, missing: [] };
}

/** Control-plane endpoint hosts that are names (not addresses): what the probe must resolve. */
export function endpointNames(
  clusters: readonly ClusterRecord[],
  isAddress: (host: string) => boolean,
): string[] {
  const names = new Set<string>();
  for (const c of clusters) if (c.endpointHost && !isAddress(c.endpointHost)) names.add(c.endpointHost);
  return [...names].sort();
}
