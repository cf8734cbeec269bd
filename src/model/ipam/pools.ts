import { makeFinding } from '../checks/index.js';
import type { Finding } from '../finding.js';
import { formatAge, timestampText } from '../time.js';
import type { IpamAnalysis, PoolAnalysis } from './analysis.js';
import { poolNumbers } from './evidence.js';
import { countToNumber, formatCount, formatIp, formatPrefix, prefixInterval, setContains } from './ip.js';
import { inReuseGrace } from './pool-space.js';
import type { IpamSettings } from './settings.js';
import { poolSubject } from './subjects.js';
import { poolLabel } from './types.js';

/** The checks of each pool: its spec, gateway, overlaps, free addresses and provider status. */

/**
 * For a full or nearly full pool: how many used addresses deleting claims hold and when the first
 * is freed, so whoever reads it knows whether waiting helps. Undefined when none are held.
 */
function heldByDeletingClaims(
  pool: PoolAnalysis,
  now: Date,
): { text: string; evidence: Record<string, unknown> } | undefined {
  const held = pool.heldByDeletingClaims;
  if (held.length === 0) return undefined;
  const nowMs = now.getTime();
  const inGrace = inReuseGrace(held, nowMs);
  const nextRelease = inGrace[0]?.releasesAtMs;
  const past = held.length - inGrace.length;
  const parts: string[] = [];
  if (nextRelease !== undefined)
    parts.push(
      `${inGrace.length} in the pool's reuse grace, the first freed at ${timestampText(nextRelease)} (in ${formatAge(nextRelease - nowMs)})`,
    );
  if (past > 0)
    parts.push(
      `${past} past ${past === 1 ? 'its' : 'their'} release time, not freed by the provider (IPAM-008)`,
    );
  return {
    text: `${held.length} of ${pool.used} used address${pool.used === 1 ? '' : 'es'} ${held.length === 1 ? 'is' : 'are'} held by deleting claims: ${parts.join('; ')}.`,
    evidence: {
      heldByDeletingClaims: held.length,
      inReuseGrace: inGrace.length,
      nextRelease: nextRelease === undefined ? null : timestampText(nextRelease),
    },
  };
}

export function evaluatePools(
  analysis: IpamAnalysis,
  now: Date,
  settings: IpamSettings,
  out: Finding[],
): void {
  const overlapsByPool = new Map<PoolAnalysis, { other: PoolAnalysis; range: string; count: bigint }[]>();
  for (const o of analysis.overlaps) {
    overlapsByPool.set(o.a, [
      ...(overlapsByPool.get(o.a) ?? []),
      { other: o.b, range: o.range, count: o.count },
    ]);
    overlapsByPool.set(o.b, [
      ...(overlapsByPool.get(o.b) ?? []),
      { other: o.a, range: o.range, count: o.count },
    ]);
  }
  for (const pool of analysis.pools) {
    const subject = poolSubject(pool);
    const label = poolLabel(pool.pool);
    let problems = 0;
    if (!pool.space) {
      out.push(
        makeFinding('IPAM-108', {
          subject,
          detail: `${label}: ${pool.error}.`,
          evidence: { pool: pool.pool },
        }),
      );
      continue;
    }
    const space = pool.space;
    if (space.warnings.length > 0) {
      problems++;
      out.push(
        makeFinding('IPAM-108', {
          subject,
          detail: `${label}: ${space.warnings.join('; ')}.`,
          evidence: {
            addresses: pool.pool.addresses,
            prefix: pool.pool.prefix,
            subnet: formatPrefix(space.subnet),
          },
        }),
      );
    }
    if (space.gateway) {
      const subnet = prefixInterval(space.family, space.subnet.network, space.subnet.bits);
      if (space.gateway.value < subnet.from || space.gateway.value > subnet.to) {
        problems++;
        out.push(
          makeFinding('IPAM-105', {
            subject,
            detail: `Gateway ${pool.pool.gateway} is outside ${formatPrefix(space.subnet)} (first address ${formatIp(space.family, space.configured.intervals[0]!.from)}, prefix /${space.subnet.bits}).`,
            evidence: {
              gateway: pool.pool.gateway,
              subnet: formatPrefix(space.subnet),
              addresses: pool.pool.addresses,
            },
          }),
        );
      }
    }
    const gatewaysInside = analysis.pools.filter(
      (other) =>
        other !== pool && other.space?.gateway && setContains(space.allocatable, other.space.gateway),
    );
    if (gatewaysInside.length > 0) {
      problems++;
      out.push(
        makeFinding('IPAM-106', {
          subject,
          detail: `${label} can hand out ${gatewaysInside.map((g) => `the gateway ${g.pool.gateway} of ${poolLabel(g.pool)}`).join(', ')}.`,
          evidence: {
            gateways: gatewaysInside.map((g) => ({ pool: poolLabel(g.pool), gateway: g.pool.gateway })),
            allocatable: pool.space.allocatable.intervals.length,
            next: pool.next ?? null,
          },
        }),
      );
    }
    const overlaps = overlapsByPool.get(pool) ?? [];
    if (overlaps.length > 0) {
      problems++;
      out.push(
        makeFinding('IPAM-104', {
          subject,
          title: `Pool overlaps ${overlaps.map((o) => poolLabel(o.other.pool)).join(', ')}`,
          detail: overlaps
            .map(
              (o) =>
                `${label} and ${poolLabel(o.other.pool)} both allocate ${o.range} (${formatCount(o.count)} address${o.count === 1n ? '' : 'es'}); each only sees its own IPAddresses, so both can hand out the same address.`,
            )
            .join(' '),
          evidence: {
            overlaps: overlaps.map((o) => ({
              pool: label,
              otherPool: poolLabel(o.other.pool),
              range: o.range,
              count: formatCount(o.count),
              networks: pool.networks,
              otherNetworks: o.other.networks,
              next: pool.next ?? null,
              otherNext: o.other.next ?? null,
            })),
          },
        }),
      );
    }
    const exhausted = pool.next === undefined;
    const waiting = pool.pendingClaims;
    const held = heldByDeletingClaims(pool, now);
    if (exhausted && waiting.length > 0) {
      problems++;
      out.push(
        makeFinding('IPAM-102', {
          subject,
          detail: `${label} has no free address (${formatCount(pool.total)} allocatable, ${pool.used} used) and ${waiting.length} claim${waiting.length > 1 ? 's wait' : ' waits'}: ${waiting
            .slice(0, 5)
            .map((c) => `${c.namespace}/${c.name}`)
            .join(', ')}${waiting.length > 5 ? ', …' : ''}.${held ? ` ${held.text}` : ''}`,
          evidence: {
            ...poolNumbers(pool),
            ...held?.evidence,
            waiting: waiting.map((c) => {
              const vm = analysis.vmOfClaim.get(c);
              return {
                claim: `${c.namespace}/${c.name}`,
                vsphereVM: vm ? `${vm.namespace}/${vm.name}` : undefined,
              };
            }),
          },
        }),
      );
    } else if (
      pool.free * 100n < pool.total * BigInt(settings.lowFreePercent) ||
      pool.total === 0n ||
      exhausted
    ) {
      problems++;
      out.push(
        makeFinding('IPAM-103', {
          subject,
          detail: `${label}: ${formatCount(pool.free)} of ${formatCount(pool.total)} addresses free (${pool.total > 0n ? Math.floor((countToNumber(pool.free) * 100) / countToNumber(pool.total)) : 0}%).${held ? ` ${held.text}` : ''}`,
          evidence: { ...poolNumbers(pool), ...held?.evidence },
        }),
      );
    }
    const status = pool.pool.status;
    // With -n, a global pool's IPAddresses in other namespaces are not read: its counts are partial.
    const partial = analysis.namespace !== undefined && pool.pool.kind === 'GlobalInClusterIPPool';
    if (
      status &&
      !partial &&
      (status.total !== undefined || status.used !== undefined || status.free !== undefined)
    ) {
      const computed = { total: countToNumber(pool.total), used: pool.used, free: countToNumber(pool.free) };
      const differs =
        (status.total !== undefined && status.total !== computed.total) ||
        (status.used !== undefined && status.used !== computed.used) ||
        (status.free !== undefined && status.free !== computed.free);
      if (differs) {
        out.push(
          makeFinding('IPAM-107', {
            subject,
            detail: `Provider status says total ${status.total ?? '?'}, used ${status.used ?? '?'}, free ${status.free ?? '?'}; computed from the ranges and IPAddresses: total ${computed.total}, used ${computed.used}, free ${computed.free}.`,
            evidence: { providerStatus: status, computed },
          }),
        );
      }
    }
    if (pool.outOfRange.length > 0) problems++;
    if (problems === 0) {
      out.push(
        makeFinding('IPAM-101', {
          subject,
          detail: `${label}: ${formatCount(pool.free)} of ${formatCount(pool.total)} free, next ${pool.next}.`,
          evidence: poolNumbers(pool),
        }),
      );
    }
  }
}
