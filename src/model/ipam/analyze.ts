import type { IpamAnalysis, PoolAnalysis, PoolLookup } from './analysis.js';
import { buildVmChains, machineChains, pushTo } from './chain.js';
import type { IpAddr, PoolSpaceResult } from './ip.js';
import { isOurPoolRef, poolKey, RecordKeys } from './keys.js';
import { PoolOverlaps } from './overlaps.js';
import { heldAddresses, PoolSpaces } from './pool-space.js';
import type { AddressRecord, ClaimRecord, IpamData, PoolRecord, PoolRef } from './types.js';

/**
 * The joined IPAM chain and per-pool arithmetic, computed once per data object and shared by the
 * evaluator and the view. Work that depends on one record only (a pool's interval set, an
 * address's parse) is cached on that record's identity: the probe keeps unchanged records as the
 * same objects across watch events, so after one event only the changed record is recomputed.
 * The caches belong to an `IpamAnalyzer`; a session owns one (its evaluator and its view share it).
 */
export class IpamAnalyzer {
  private readonly spaces = new PoolSpaces();
  private readonly keys = new RecordKeys((address) => this.spaces.parsedAddress(address));
  private readonly overlaps = new PoolOverlaps();
  private readonly analyses = new WeakMap<IpamData, IpamAnalysis>();

  /** The analysis of one data object; the same object again gives the same analysis. */
  analyze(data: IpamData): IpamAnalysis {
    let analysis = this.analyses.get(data);
    if (!analysis) {
      analysis = this.build(data);
      this.analyses.set(data, analysis);
    }
    return analysis;
  }

  /** A pool's interval set, cached on the record. */
  poolSpace(pool: PoolRecord): PoolSpaceResult {
    return this.spaces.space(pool);
  }

  /** An IPAddress's address, parsed once per record. */
  parsedAddress(address: AddressRecord): IpAddr | undefined {
    return this.spaces.parsedAddress(address);
  }

  private build(data: IpamData): IpamAnalysis {
    const keys = this.keys;
    // Addresses per pool, as the provider lists them (poolRef index; namespace unless global).
    const addressesByPoolKey = new Map<string, AddressRecord[]>();
    const holders = new Map<string, AddressRecord[]>();
    const addressByName = new Map<string, AddressRecord>();
    const addressByClaimRef = new Map<string, AddressRecord>();
    for (const address of data.addresses) {
      const addressKeys = keys.address(address);
      pushTo(addressesByPoolKey, addressKeys.pool, address);
      addressByName.set(addressKeys.name, address);
      if (addressKeys.claimRef) addressByClaimRef.set(addressKeys.claimRef, address);
      if (addressKeys.value) pushTo(holders, addressKeys.value, address);
    }
    const duplicates = new Map<string, AddressRecord[]>();
    for (const [k, list] of holders) if (list.length > 1) duplicates.set(k, list);

    const addressByClaim = new Map<ClaimRecord, AddressRecord | undefined>();
    for (const claim of data.claims) {
      const claimKeys = keys.claim(claim);
      const byRef = claimKeys.addressRef ? addressByName.get(claimKeys.addressRef) : undefined;
      addressByClaim.set(
        claim,
        byRef ?? (claim.addressName ? undefined : addressByClaimRef.get(claimKeys.name)),
      );
    }

    const claimsByPoolKey = new Map<string, ClaimRecord[]>();
    for (const claim of data.claims) pushTo(claimsByPoolKey, keys.claim(claim).pool, claim);

    const networksByPoolKey = new Map<string, string[]>();
    for (const vm of data.vsphereVMs) {
      for (const device of vm.devices) {
        for (const ref of device.addressesFromPools) {
          pushTo(networksByPoolKey, poolKey(ref.kind, vm.namespace, ref.name), device.networkName);
        }
      }
    }

    const pools: PoolAnalysis[] = [];
    const poolByKey = new Map<string, PoolAnalysis>();
    for (const pool of data.pools) {
      const key = keys.pool(pool);
      const analysis = this.analyzePool(
        pool,
        key,
        addressesByPoolKey.get(key) ?? [],
        claimsByPoolKey.get(key) ?? [],
        addressByClaim,
        [...new Set(networksByPoolKey.get(key) ?? [])].sort(),
      );
      pools.push(analysis);
      poolByKey.set(key, analysis);
    }

    const lookupPool = (ref: PoolRef, key: string): PoolLookup => {
      if (!isOurPoolRef(ref)) return NOT_OURS;
      const pool = poolByKey.get(key);
      return pool ? { found: true, pool } : MISSING;
    };
    const claimPool = (claim: ClaimRecord): PoolLookup => lookupPool(claim.poolRef, keys.claim(claim).pool);
    const { chains, chainsByVm, vmOfClaim } = buildVmChains(data, {
      keys,
      addressByClaim,
      duplicates,
      claimPool,
      lookupPool,
    });

    return {
      pools,
      overlaps: this.overlaps.of(pools),
      chains,
      chainsByVm,
      machineOf: machineChains(data, keys),
      duplicates,
      claimPool,
      addressByClaim,
      vmOfClaim,
      namespace: data.namespace,
    };
  }

  private analyzePool(
    pool: PoolRecord,
    key: string,
    addresses: readonly AddressRecord[],
    claims: readonly ClaimRecord[],
    addressByClaim: ReadonlyMap<ClaimRecord, AddressRecord | undefined>,
    networks: readonly string[],
  ): PoolAnalysis {
    const pendingClaims = claims.filter((c) => !c.addressName && !c.deleting);
    const heldByDeletingClaims = heldAddresses(
      pool,
      key,
      claims,
      addressByClaim,
      (address) => this.keys.address(address).pool,
    );
    const earliestReleaseMs = heldByDeletingClaims.find((h) => h.releasesAtMs !== undefined)?.releasesAtMs;
    const spaceResult = this.spaces.space(pool);
    if (!spaceResult.ok) {
      return {
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
    }
    const space = spaceResult.space;
    const { outOfRange, next } = this.spaces.usage(pool, space, addresses);
    const total = space.total;
    // Upstream: free = total - used, out-of-range addresses still subtract.
    const free = total - BigInt(addresses.length);
    return {
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
  }
}

const NOT_OURS: PoolLookup = { found: false, ours: false };
const MISSING: PoolLookup = { found: false, ours: true };

/** A one-off analysis with caches of its own (tests, tools); sessions keep an `IpamAnalyzer`. */
export function analyzeIpam(data: IpamData): IpamAnalysis {
  return new IpamAnalyzer().analyze(data);
}
