import type { PoolAnalysis, PoolOverlap } from './analysis.js';
import { type AddressSet, countAddresses, formatSet, intersectSets } from './ip.js';

/** Every pair of pools of one family whose allocatable ranges share addresses. */
export function computeOverlaps(pools: readonly PoolAnalysis[]): PoolOverlap[] {
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
  return overlaps;
}

/** The pairwise overlaps, remembered for the last set of pools (one instance per analyzer). */
export class PoolOverlaps {
  private last: { pools: readonly PoolAnalysis[]; overlaps: PoolOverlap[] } | undefined;

  of(pools: readonly PoolAnalysis[]): PoolOverlap[] {
    // Pool sets change rarely: reuse the pairwise result while every pool record is the same object.
    const last = this.last;
    if (last && last.pools.length === pools.length && last.pools.every((p, i) => p.pool === pools[i]?.pool)) {
      const byPool = new Map(pools.map((p) => [p.pool, p]));
      return last.overlaps.map((o) => ({ ...o, a: byPool.get(o.a.pool)!, b: byPool.get(o.b.pool)! }));
    }
    const overlaps = computeOverlaps(pools);
    this.last = { pools, overlaps };
    return overlaps;
  }
}
