import { timestampMs } from '../time.js';
import type { HeldAddress } from './analysis.js';
import {
  buildPoolSpace,
  formatIp,
  type IpAddr,
  lowestFree,
  type PoolSpace,
  type PoolSpaceResult,
  parseIp,
  setContains,
} from './ip.js';
import type { AddressRecord, ClaimRecord, PoolRecord } from './types.js';

/**
 * What one pool holds: its interval set, the addresses it counts as used, the next free one, and
 * the addresses held by claims being deleted (the provider's reuse grace).
 */

/** A pool record's interval set, computed afresh (`PoolSpaces.space` caches it per record). */
export function poolSpaceOf(pool: PoolRecord): PoolSpaceResult {
  return pool.specError
    ? { ok: false, error: pool.specError }
    : buildPoolSpace({
        addresses: pool.addresses,
        prefix: pool.prefix,
        gateway: pool.gateway,
        excludedAddresses: pool.excludedAddresses,
        allocateReservedIPAddresses: pool.allocateReservedIPAddresses,
      });
}

export interface PoolUsage {
  readonly addresses: readonly AddressRecord[];
  readonly outOfRange: AddressRecord[];
  readonly next?: string;
}

/**
 * Work that depends on one record only (a pool's interval set, an address's parse, a pool's usage),
 * cached on that record's identity: the probe keeps unchanged records as the same objects across
 * watch events, so after one event only the changed record is recomputed. One instance per analyzer.
 */
export class PoolSpaces {
  private readonly spaces = new WeakMap<PoolRecord, PoolSpaceResult>();
  private readonly addresses = new WeakMap<AddressRecord, IpAddr | null>();
  private readonly usages = new WeakMap<PoolRecord, PoolUsage>();

  space(pool: PoolRecord): PoolSpaceResult {
    let result = this.spaces.get(pool);
    if (!result) {
      result = poolSpaceOf(pool);
      this.spaces.set(pool, result);
    }
    return result;
  }

  parsedAddress(address: AddressRecord): IpAddr | undefined {
    let parsed = this.addresses.get(address);
    if (parsed === undefined) {
      parsed = parseIp(address.address) ?? null;
      this.addresses.set(address, parsed);
    }
    return parsed ?? undefined;
  }

  /**
   * Out-of-range addresses and the next free address of a pool: reused while the pool record and the
   * list of its IPAddress records are the same objects (a claim event elsewhere does not touch it).
   */
  usage(pool: PoolRecord, space: PoolSpace, addresses: readonly AddressRecord[]): PoolUsage {
    const cached = this.usages.get(pool);
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
      const parsed = this.parsedAddress(address);
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
    this.usages.set(pool, usage);
    return usage;
  }
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

/** The used addresses of a pool (key `key`) whose claim is being deleted, earliest release first. */
export function heldAddresses(
  pool: PoolRecord,
  key: string,
  claims: readonly ClaimRecord[],
  addressByClaim: ReadonlyMap<ClaimRecord, AddressRecord | undefined>,
  addressPoolKey: (address: AddressRecord) => string,
): HeldAddress[] {
  const held: HeldAddress[] = [];
  const poolDeletedMs = timestampMs(pool.deletionTimestamp);
  for (const claim of claims) {
    if (!claim.deleting) continue;
    const address = addressByClaim.get(claim);
    // Only an address this pool counts as used holds one of its addresses.
    if (!address || addressPoolKey(address) !== key) continue;
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
