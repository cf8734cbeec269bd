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
  type OwnerRef,
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

function timestampMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * When the in-cluster provider frees the address of a deleted claim: deletionTimestamp + the pool's
 * addressReuseGracePeriodSeconds (nil or 0: at once). Once the pool itself is being deleted the
 * provider skips the grace, so the address is due at the first reconcile after both deletions.
 */
export function addressRelease(
  claimDeletedMs: number,
  poolGraceSeconds: number | undefined,
  poolDeletedMs?: number,
): { graceSeconds: number; releasesAtMs: number } {
  const grace = poolGraceSeconds !== undefined && poolGraceSeconds > 0 ? poolGraceSeconds : 0;
  const byGrace = claimDeletedMs + grace * 1000;
  if (poolDeletedMs === undefined) return { graceSeconds: grace, releasesAtMs: byGrace };
  const releasesAtMs = Math.min(byGrace, Math.max(claimDeletedMs, poolDeletedMs));
  return { graceSeconds: (releasesAtMs - claimDeletedMs) / 1000, releasesAtMs };
}

/** The held addresses still inside their reuse grace at `nowMs`: waiting frees them. */
export function inReuseGrace(held: readonly HeldAddress[], nowMs: number): HeldAddress[] {
  return held.filter((h) => h.releasesAtMs !== undefined && h.releasesAtMs > nowMs);
}

function heldAddresses(
  pool: PoolRecord,
  key: string,
  claims: readonly ClaimRecord[],
  addressByClaim: ReadonlyMap<ClaimRecord, AddressRecord | undefined>,
): HeldAddress[] {
  const held: HeldAddress[] = [];
  const poolDeletedMs = timestampMs(pool.deletionTimestamp);
  for (const claim of claims) {
    if (!claim.deleting) continue;
    const address = addressByClaim.get(claim);
    // Only an address this pool counts as used holds one of its addresses.
    if (!address || addressKeys(address).pool !== key) continue;
    const claimDeletedMs = timestampMs(claim.deletionTimestamp);
    const release =
      claimDeletedMs === undefined
        ? undefined
        : addressRelease(claimDeletedMs, pool.addressReuseGracePeriodSeconds, poolDeletedMs);
    held.push({
      claim,
      address,
      graceSeconds: release?.graceSeconds ?? Math.max(0, pool.addressReuseGracePeriodSeconds ?? 0),
      releasesAtMs: release?.releasesAtMs,
    });
  }
  // An unparsable deletion time sorts first: it is treated as overdue.
  return held.sort((a, b) => (a.releasesAtMs ?? 0) - (b.releasesAtMs ?? 0));
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

function poolKeyOf(pool: PoolRecord): string {
  let key = nameKeyCache.get(pool);
  if (key === undefined) {
    key = poolKey(pool.kind, pool.namespace, pool.name);
    nameKeyCache.set(pool, key);
  }
  return key;
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

interface AddressKeys {
  readonly pool: string;
  readonly name: string;
  readonly claimRef?: string;
  readonly value?: string;
}
interface ClaimKeys {
  readonly name: string;
  readonly pool: string;
  readonly owners: readonly string[];
  readonly addressRef?: string;
}
const addressKeyCache = new WeakMap<AddressRecord, AddressKeys>();
const claimKeyCache = new WeakMap<ClaimRecord, ClaimKeys>();
const nameKeyCache = new WeakMap<object, string>();

// Map keys built once per record: a watch event leaves most records (and so their key strings, with
// V8's cached hashes) untouched, so rebuilding the indexes costs lookups, not string building.
function addressKeys(a: AddressRecord): AddressKeys {
  let keys = addressKeyCache.get(a);
  if (!keys) {
    const parsed = parsedAddress(a);
    keys = {
      pool: poolKey(a.poolRef.kind, a.namespace, a.poolRef.name),
      name: `${a.namespace}/${a.name}`,
      claimRef: a.claimName ? `${a.namespace}/${a.claimName}` : undefined,
      value: parsed ? addrKey(parsed) : undefined,
    };
    addressKeyCache.set(a, keys);
  }
  return keys;
}

function claimKeys(c: ClaimRecord): ClaimKeys {
  let keys = claimKeyCache.get(c);
  if (!keys) {
    keys = {
      name: `${c.namespace}/${c.name}`,
      pool: poolKey(c.poolRef.kind, c.namespace, c.poolRef.name),
      owners: c.owners.filter((o) => o.kind === 'VSphereVM').map((o) => `${c.namespace}/${o.name}`),
      addressRef: c.addressName ? `${c.namespace}/${c.addressName}` : undefined,
    };
    claimKeyCache.set(c, keys);
  }
  return keys;
}

function nameKey(o: { namespace?: string; name: string }): string {
  let key = nameKeyCache.get(o);
  if (key === undefined) {
    key = `${o.namespace ?? ''}/${o.name}`;
    nameKeyCache.set(o, key);
  }
  return key;
}

const NOT_OURS: PoolLookup = { found: false, ours: false };
const MISSING: PoolLookup = { found: false, ours: true };

interface ExpectedClaim {
  readonly deviceIndex: number;
  readonly poolIndex: number;
  readonly networkName: string;
  readonly poolRef: PoolRef;
  readonly poolKey: string;
  readonly claimName: string;
  readonly claimKey: string;
}
const expectedCache = new WeakMap<VSphereVMRecord, readonly ExpectedClaim[]>();

/** The claims CAPV creates for a VM: one per addressesFromPools entry of each device. */
function expectedClaims(vm: VSphereVMRecord): readonly ExpectedClaim[] {
  let expected = expectedCache.get(vm);
  if (!expected) {
    const list: ExpectedClaim[] = [];
    vm.devices.forEach((device, deviceIndex) => {
      device.addressesFromPools.forEach((poolRef, poolIndex) => {
        const claimName = claimNameFor(vm.name, deviceIndex, poolIndex);
        list.push({
          deviceIndex,
          poolIndex,
          networkName: device.networkName,
          poolRef,
          poolKey: poolKey(poolRef.kind, vm.namespace, poolRef.name),
          claimName,
          claimKey: `${vm.namespace}/${claimName}`,
        });
      });
    });
    expected = list;
    expectedCache.set(vm, expected);
  }
  return expected;
}

interface PoolUsage {
  readonly addresses: readonly AddressRecord[];
  readonly outOfRange: AddressRecord[];
  readonly next?: string;
}
const usageCache = new WeakMap<PoolRecord, PoolUsage>();

/**
 * Out-of-range addresses and the next free address of a pool: reused while the pool record and the
 * list of its IPAddress records are the same objects (a claim event elsewhere does not touch it).
 */
function poolUsage(pool: PoolRecord, space: PoolSpace, addresses: readonly AddressRecord[]): PoolUsage {
  const cached = usageCache.get(pool);
  if (
    cached &&
    cached.addresses.length === addresses.length &&
    cached.addresses.every((a, i) => a === addresses[i])
  ) {
    return cached;
  }
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
  const usage: PoolUsage = {
    addresses,
    outOfRange,
    next: next === undefined ? undefined : formatIp(space.family, next),
  };
  usageCache.set(pool, usage);
  return usage;
}

/** What a VM's findings and chain rows are computed from, for reuse across watch events. */
export function chainDeps(analysis: IpamAnalysis, vm: VSphereVMRecord): unknown[] {
  const { vsphereMachine, machine, cluster } = analysis.machineOf(vm);
  const deps: unknown[] = [vm, vsphereMachine, machine, cluster];
  for (const link of analysis.chainsByVm.get(vm) ?? []) {
    deps.push(link.claim, link.address, link.pool?.pool, link.pool?.next, link.state);
  }
  return deps;
}

export function sameDeps(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const ownerKeyCache = new WeakMap<object, Map<string, string>>();

/** `namespace/name` of the owner of that kind, or of the same name (CAPV's naming), cached per record. */
function ownerKey(
  record: { namespace: string; name: string; owners: readonly OwnerRef[] },
  kind: string,
): string {
  let byKind = ownerKeyCache.get(record);
  if (!byKind) {
    byKind = new Map();
    ownerKeyCache.set(record, byKind);
  }
  let key = byKind.get(kind);
  if (key === undefined) {
    key = `${record.namespace}/${record.owners.find((o) => o.kind === kind)?.name ?? record.name}`;
    byKind.set(kind, key);
  }
  return key;
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
    const keys = addressKeys(address);
    pushTo(addressesByPoolKey, keys.pool, address);
    addressByName.set(keys.name, address);
    if (keys.claimRef) addressByClaimRef.set(keys.claimRef, address);
    if (keys.value) pushTo(holders, keys.value, address);
  }
  const duplicates = new Map<string, AddressRecord[]>();
  for (const [k, list] of holders) if (list.length > 1) duplicates.set(k, list);

  const addressByClaim = new Map<ClaimRecord, AddressRecord | undefined>();
  for (const claim of data.claims) {
    const keys = claimKeys(claim);
    const byRef = keys.addressRef ? addressByName.get(keys.addressRef) : undefined;
    addressByClaim.set(claim, byRef ?? (claim.addressName ? undefined : addressByClaimRef.get(keys.name)));
  }

  const claimsByPoolKey = new Map<string, ClaimRecord[]>();
  for (const claim of data.claims) pushTo(claimsByPoolKey, claimKeys(claim).pool, claim);

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
    const key = poolKeyOf(pool);
    const addresses = addressesByPoolKey.get(key) ?? [];
    const claims = claimsByPoolKey.get(key) ?? [];
    const pendingClaims = claims.filter((c) => !c.addressName && !c.deleting);
    const heldByDeletingClaims = heldAddresses(pool, key, claims, addressByClaim);
    const earliestReleaseMs = heldByDeletingClaims.find((h) => h.releasesAtMs !== undefined)?.releasesAtMs;
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
        heldByDeletingClaims,
        earliestReleaseMs,
        networks,
      };
      pools.push(analysis);
      poolByKey.set(key, analysis);
      continue;
    }
    const space = spaceResult.space;
    const { outOfRange, next } = poolUsage(pool, space, addresses);
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
      next,
      outOfRange,
      claims,
      pendingClaims,
      heldByDeletingClaims,
      earliestReleaseMs,
      networks,
    };
    pools.push(analysis);
    poolByKey.set(key, analysis);
  }

  const lookupPool = (ref: PoolRef, key: string): PoolLookup => {
    if (!isOurPoolRef(ref)) return NOT_OURS;
    const pool = poolByKey.get(key);
    return pool ? { found: true, pool } : MISSING;
  };
  const claimPool = (claim: ClaimRecord): PoolLookup => lookupPool(claim.poolRef, claimKeys(claim).pool);

  const claimsByName = new Map<string, ClaimRecord>();
  const claimsByOwner = new Map<string, ClaimRecord[]>();
  for (const claim of data.claims) {
    const keys = claimKeys(claim);
    claimsByName.set(keys.name, claim);
    for (const owner of keys.owners) pushTo(claimsByOwner, owner, claim);
  }

  const chains: ChainLink[] = [];
  const chainsByVm = new Map<VSphereVMRecord, ChainLink[]>();
  const vmOfClaim = new Map<ClaimRecord, VSphereVMRecord>();
  for (const vm of data.vsphereVMs) {
    const links: ChainLink[] = [];
    const owned = claimsByOwner.get(nameKey(vm));
    for (const expected of expectedClaims(vm)) {
      const { deviceIndex, poolIndex, claimName, networkName } = expected;
      const poolRef = expected.poolRef;
      const claim = owned?.find((c) => c.name === claimName) ?? claimsByName.get(expected.claimKey);
      if (claim) vmOfClaim.set(claim, vm);
      const lookup = claim ? claimPool(claim) : lookupPool(poolRef, expected.poolKey);
      const pool = lookup.found ? lookup.pool : undefined;
      const address = claim ? addressByClaim.get(claim) : undefined;
      let state: ChainState;
      if (!lookup.found && lookup.ours) state = 'pool-missing';
      else if (!claim) state = 'no-claim';
      else if (!claim.addressName && !address) state = 'pending';
      else if (!address) state = 'address-missing';
      else {
        const value = addressKeys(address).value;
        if (value && duplicates.has(value)) state = 'duplicate';
        else if (pool?.outOfRange.includes(address)) state = 'out-of-range';
        else if (!lookup.found) state = 'other-provider';
        else state = 'bound';
      }
      links.push({
        vm,
        deviceIndex,
        poolIndex,
        networkName,
        poolRef: claim?.poolRef ?? poolRef,
        claimName,
        claim,
        address,
        pool,
        state,
      });
    }
    for (const claim of owned ?? []) vmOfClaim.set(claim, vm);
    chainsByVm.set(vm, links);
    chains.push(...links);
  }

  const vsphereMachines = new Map(data.vsphereMachines.map((m) => [nameKey(m), m]));
  const machines = new Map(data.machines.map((m) => [nameKey(m), m]));
  const clusters = new Map(data.clusters.map((c) => [nameKey(c), c]));
  const machineChains = new Map<VSphereVMRecord, MachineChain>();
  const machineOf = (vm: VSphereVMRecord): MachineChain => {
    let chain = machineChains.get(vm);
    if (!chain) {
      // CAPV names the VSphereVM like its VSphereMachine (and the Machine); fall back on the name.
      const vsphereMachine = vsphereMachines.get(ownerKey(vm, 'VSphereMachine'));
      const machine = machines.get(
        vsphereMachine ? ownerKey(vsphereMachine, 'Machine') : ownerKey(vm, 'Machine'),
      );
      const clusterName = machine?.clusterName ?? vsphereMachine?.clusterName ?? vm.clusterName;
      const cluster = clusterName ? clusters.get(`${vm.namespace}/${clusterName}`) : undefined;
      chain = { vsphereMachine, machine, cluster };
      machineChains.set(vm, chain);
    }
    return chain;
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
    namespace: data.namespace,
  };
  analysisCache.set(data, analysis);
  return analysis;
}
