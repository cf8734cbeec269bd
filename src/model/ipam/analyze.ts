import {
  type AddressSet,
  buildPoolSpace,
  countAddresses,
  formatIp,
  formatSet,
  type IpAddr,
  intersectSets,
  lowestFree,
  type PoolSpace,
  type PoolSpaceResult,
  parseIp,
  setContains,
} from './ip.js';
import {
  type AddressRecord,
  type ClaimRecord,
  type ClusterRecord,
  IPAM_GROUP,
  type IpamData,
  isPoolKind,
  type MachineRecord,
  type PoolRecord,
  type PoolRef,
  type VSphereMachineRecord,
  type VSphereVMRecord,
} from './types.js';

/**
 * The joined IPAM chain and per-pool arithmetic, computed once per data object and shared by the
 * evaluator and the view. Work that depends on one record only (a pool's interval set, an
 * address's parse) is cached on that record's identity: the probe keeps unchanged records as the
 * same objects across watch events, so after one event only the changed record is recomputed.
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
  /** Network names of the VSphereVM devices that take addresses from this pool. */
  readonly networks: readonly string[];
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
}

export type PoolLookup =
  | { readonly found: true; readonly pool: PoolAnalysis }
  | { readonly found: false; readonly ours: boolean };

const spaceCache = new WeakMap<PoolRecord, PoolSpaceResult>();
const addrCache = new WeakMap<AddressRecord, IpAddr | null>();
const analysisCache = new WeakMap<IpamData, IpamAnalysis>();

export function poolSpaceOf(pool: PoolRecord): PoolSpaceResult {
  let result = spaceCache.get(pool);
  if (!result) {
    result = pool.specError
      ? { ok: false, error: pool.specError }
      : buildPoolSpace({
          addresses: pool.addresses,
          prefix: pool.prefix,
          gateway: pool.gateway,
          excludedAddresses: pool.excludedAddresses,
          allocateReservedIPAddresses: pool.allocateReservedIPAddresses,
        });
    spaceCache.set(pool, result);
  }
  return result;
}

export function parsedAddress(address: AddressRecord): IpAddr | undefined {
  let parsed = addrCache.get(address);
  if (parsed === undefined) {
    parsed = parseIp(address.address) ?? null;
    addrCache.set(address, parsed);
  }
  return parsed ?? undefined;
}

export function addrKey(addr: IpAddr): string {
  return `${addr.family}:${addr.value}`;
}

export function poolKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${kind === 'GlobalInClusterIPPool' ? '' : (namespace ?? '')}/${name}`;
}

/** Whether a poolRef names a pool this probe reads (in-cluster provider kinds of the IPAM group). */
export function isOurPoolRef(ref: PoolRef): boolean {
  return (
    isPoolKind(ref.kind) && (ref.apiGroup === undefined || ref.apiGroup === '' || ref.apiGroup === IPAM_GROUP)
  );
}

/** Claim and address names as CAPV builds them. */
export function claimNameFor(vmName: string, deviceIndex: number, poolIndex: number): string {
  return `${vmName}-${deviceIndex}-${poolIndex}`;
}

let overlapMemo: { pools: readonly PoolAnalysis[]; overlaps: PoolOverlap[] } | undefined;

function computeOverlaps(pools: readonly PoolAnalysis[]): PoolOverlap[] {
  // Pool sets change rarely: reuse the pairwise result while every pool record is the same object.
  if (
    overlapMemo &&
    overlapMemo.pools.length === pools.length &&
    overlapMemo.pools.every((p, i) => p.pool === pools[i]?.pool)
  ) {
    const byPool = new Map(pools.map((p) => [p.pool, p]));
    return overlapMemo.overlaps.map((o) => ({ ...o, a: byPool.get(o.a.pool)!, b: byPool.get(o.b.pool)! }));
  }
  const overlaps: PoolOverlap[] = [];
  for (let i = 0; i < pools.length; i++) {
    const a = pools[i]!;
    if (!a.space) continue;
    for (let j = i + 1; j < pools.length; j++) {
      const b = pools[j]!;
      if (!b.space || b.space.family !== a.space.family) continue;
      const shared: AddressSet = intersectSets(a.space.allocatable, b.space.allocatable);
      if (shared.intervals.length === 0) continue;
      overlaps.push({ a, b, range: formatSet(shared), count: countAddresses(shared) });
    }
  }
  overlapMemo = { pools, overlaps };
  return overlaps;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const existing = map.get(key);
  if (existing) existing.push(value);
  else map.set(key, [value]);
}

export function analyzeIpam(data: IpamData): IpamAnalysis {
  const cached = analysisCache.get(data);
  if (cached) return cached;

  // Addresses per pool, as the provider lists them (poolRef index; namespace unless global).
  const addressesByPoolKey = new Map<string, AddressRecord[]>();
  const holders = new Map<string, AddressRecord[]>();
  const addressByName = new Map<string, AddressRecord>();
  const addressByClaimRef = new Map<string, AddressRecord>();
  for (const address of data.addresses) {
    const key = poolKey(address.poolRef.kind, address.namespace, address.poolRef.name);
    pushTo(addressesByPoolKey, key, address);
    addressByName.set(`${address.namespace}/${address.name}`, address);
    if (address.claimName) addressByClaimRef.set(`${address.namespace}/${address.claimName}`, address);
    const parsed = parsedAddress(address);
    if (parsed) {
      const k = addrKey(parsed);
      pushTo(holders, k, address);
    }
  }
  const duplicates = new Map<string, AddressRecord[]>();
  for (const [k, list] of holders) if (list.length > 1) duplicates.set(k, list);

  const claimsByPoolKey = new Map<string, ClaimRecord[]>();
  for (const claim of data.claims) {
    const key = poolKey(claim.poolRef.kind, claim.namespace, claim.poolRef.name);
    pushTo(claimsByPoolKey, key, claim);
  }

  const networksByPoolKey = new Map<string, string[]>();
  for (const vm of data.vsphereVMs) {
    for (const device of vm.devices) {
      for (const ref of device.addressesFromPools) {
        const key = poolKey(ref.kind, vm.namespace, ref.name);
        pushTo(networksByPoolKey, key, device.networkName);
      }
    }
  }

  const pools: PoolAnalysis[] = [];
  const poolByKey = new Map<string, PoolAnalysis>();
  for (const pool of data.pools) {
    const key = poolKey(pool.kind, pool.namespace, pool.name);
    const addresses = addressesByPoolKey.get(key) ?? [];
    const claims = claimsByPoolKey.get(key) ?? [];
    const pendingClaims = claims.filter((c) => !c.addressName && !c.deleting);
    const spaceResult = poolSpaceOf(pool);
    const networks = [...new Set(networksByPoolKey.get(key) ?? [])].sort();
    if (!spaceResult.ok) {
      const analysis: PoolAnalysis = {
        pool,
        key,
        error: spaceResult.error,
        addresses,
        used: addresses.length,
        total: 0n,
        free: 0n,
        outOfRange: [],
        claims,
        pendingClaims,
        networks,
      };
      pools.push(analysis);
      poolByKey.set(key, analysis);
      continue;
    }
    const space = spaceResult.space;
    const usedValues: bigint[] = [];
    const outOfRange: AddressRecord[] = [];
    for (const address of addresses) {
      const parsed = parsedAddress(address);
      if (parsed && parsed.family === space.family) usedValues.push(parsed.value);
      if (!parsed || !setContains(space.allocatable, parsed)) outOfRange.push(address);
    }
    if (space.gateway) usedValues.push(space.gateway.value);
    usedValues.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    const next = lowestFree(space.allocatable, usedValues);
    const total = space.total;
    // Upstream: free = total - used, out-of-range addresses still subtract.
    const free = total - BigInt(addresses.length);
    const analysis: PoolAnalysis = {
      pool,
      key,
      space,
      addresses,
      used: addresses.length,
      total,
      free: free < 0n ? 0n : free,
      next: next === undefined ? undefined : formatIp(space.family, next),
      outOfRange,
      claims,
      pendingClaims,
      networks,
    };
    pools.push(analysis);
    poolByKey.set(key, analysis);
  }

  const claimPool = (claim: { namespace: string; poolRef: PoolRef }): PoolLookup => {
    if (!isOurPoolRef(claim.poolRef)) return { found: false, ours: false };
    const pool = poolByKey.get(poolKey(claim.poolRef.kind, claim.namespace, claim.poolRef.name));
    return pool ? { found: true, pool } : { found: false, ours: true };
  };

  const claimsByName = new Map<string, ClaimRecord>();
  const claimsByOwner = new Map<string, ClaimRecord[]>();
  for (const claim of data.claims) {
    claimsByName.set(`${claim.namespace}/${claim.name}`, claim);
    for (const owner of claim.owners) {
      if (owner.kind !== 'VSphereVM') continue;
      const k = `${claim.namespace}/${owner.name}`;
      pushTo(claimsByOwner, k, claim);
    }
  }

  const addressByClaim = new Map<ClaimRecord, AddressRecord | undefined>();
  for (const claim of data.claims) {
    const byRef = claim.addressName
      ? addressByName.get(`${claim.namespace}/${claim.addressName}`)
      : undefined;
    addressByClaim.set(
      claim,
      byRef ?? (claim.addressName ? undefined : addressByClaimRef.get(`${claim.namespace}/${claim.name}`)),
    );
  }

  const chains: ChainLink[] = [];
  const chainsByVm = new Map<VSphereVMRecord, ChainLink[]>();
  const vmOfClaim = new Map<ClaimRecord, VSphereVMRecord>();
  for (const vm of data.vsphereVMs) {
    const links: ChainLink[] = [];
    const owned = claimsByOwner.get(`${vm.namespace}/${vm.name}`) ?? [];
    const ownedByName = new Map(owned.map((c) => [c.name, c]));
    vm.devices.forEach((device, deviceIndex) => {
      device.addressesFromPools.forEach((poolRef, poolIndex) => {
        const claimName = claimNameFor(vm.name, deviceIndex, poolIndex);
        const claim = ownedByName.get(claimName) ?? claimsByName.get(`${vm.namespace}/${claimName}`);
        if (claim) vmOfClaim.set(claim, vm);
        const lookup = claimPool({ namespace: vm.namespace, poolRef: claim?.poolRef ?? poolRef });
        const pool = lookup.found ? lookup.pool : undefined;
        const address = claim ? addressByClaim.get(claim) : undefined;
        let state: ChainState;
        if (!lookup.found && lookup.ours) state = 'pool-missing';
        else if (!claim) state = 'no-claim';
        else if (!claim.addressName && !address) state = 'pending';
        else if (!address) state = 'address-missing';
        else {
          const parsed = parsedAddress(address);
          if (parsed && duplicates.has(addrKey(parsed))) state = 'duplicate';
          else if (pool?.outOfRange.includes(address)) state = 'out-of-range';
          else if (!lookup.found) state = 'other-provider';
          else state = 'bound';
        }
        links.push({
          vm,
          deviceIndex,
          poolIndex,
          networkName: device.networkName,
          poolRef: claim?.poolRef ?? poolRef,
          claimName,
          claim,
          address,
          pool,
          state,
        });
      });
    });
    for (const claim of owned) vmOfClaim.set(claim, vm);
    chainsByVm.set(vm, links);
    chains.push(...links);
  }

  const vsphereMachines = new Map(data.vsphereMachines.map((m) => [`${m.namespace}/${m.name}`, m]));
  const machines = new Map(data.machines.map((m) => [`${m.namespace}/${m.name}`, m]));
  const clusters = new Map(data.clusters.map((c) => [`${c.namespace}/${c.name}`, c]));
  const machineOf = (vm: VSphereVMRecord): MachineChain => {
    const vmOwner = vm.owners.find((o) => o.kind === 'VSphereMachine');
    // CAPV names the VSphereVM like its VSphereMachine (and the Machine); fall back on the name.
    const vsphereMachine = vsphereMachines.get(`${vm.namespace}/${vmOwner?.name ?? vm.name}`);
    const machineOwner = vsphereMachine?.owners.find((o) => o.kind === 'Machine');
    const machine = machines.get(`${vm.namespace}/${machineOwner?.name ?? vm.name}`);
    const clusterName = machine?.clusterName ?? vsphereMachine?.clusterName ?? vm.clusterName;
    const cluster = clusterName ? clusters.get(`${vm.namespace}/${clusterName}`) : undefined;
    return { vsphereMachine, machine, cluster };
  };

  const analysis: IpamAnalysis = {
    pools,
    overlaps: computeOverlaps(pools),
    chains,
    chainsByVm,
    machineOf,
    duplicates,
    claimPool,
    addressByClaim,
    vmOfClaim,
  };
  analysisCache.set(data, analysis);
  return analysis;
}
