import { makeFinding } from '../checks/index.js';
import type { EvaluationInput, Evaluator } from '../evaluate.js';
import { type Finding, type Subject, subjectKey } from '../finding.js';
import {
  analyzeIpam,
  type ChainLink,
  chainDeps,
  type IpamAnalysis,
  inReuseGrace,
  type PoolAnalysis,
  parsedAddress,
  sameDeps,
} from './analyze.js';
import {
  countToNumber,
  formatCount,
  formatIp,
  formatPrefix,
  parseIp,
  prefixInterval,
  setContains,
} from './ip.js';
import {
  type AddressRecord,
  type ClaimRecord,
  type ConditionRecord,
  type IpamData,
  poolLabel,
  type VSphereVMRecord,
} from './types.js';

/** Claims and VM conditions get this long to settle before a wait becomes a problem. */
export const GRACE_MS = 10 * 60_000;
/** A pool with less than this share of free addresses warns. */
export const LOW_FREE_PERCENT = 10;

/** The tunable thresholds (`[ipam]` in the config). */
export interface IpamSettings {
  readonly graceMs: number;
  readonly lowFreePercent: number;
}

export const DEFAULT_IPAM_SETTINGS: IpamSettings = { graceMs: GRACE_MS, lowFreePercent: LOW_FREE_PERCENT };

export function ipamSettings(config: {
  readonly ipam?: { graceMinutes?: number; lowFreePercent?: number };
}): IpamSettings {
  return {
    graceMs: config.ipam?.graceMinutes !== undefined ? config.ipam.graceMinutes * 60_000 : GRACE_MS,
    lowFreePercent: config.ipam?.lowFreePercent ?? LOW_FREE_PERCENT,
  };
}

const CLAIM_CONDITION_TYPES = new Set(['IPAddressClaimed', 'IPAddressClaimsFulfilled']);

/** CAPV and IPAM provider reasons, in plain words. */
const REASONS: Readonly<Record<string, string>> = {
  IPAddressClaimsBeingCreated:
    'CAPV is still creating the IPAddressClaims for the addressesFromPools of this VM',
  WaitingForIPAddress:
    'the claims exist but the IPAM provider has not bound an IPAddress to every one of them yet (a missing or exhausted pool, or the provider is not running)',
  IPAddressClaimNotFound:
    'CAPV could not create or update an IPAddressClaim (the reason name is misleading: CAPV uses it for any create/patch error; the message carries the API error)',
  IPAddressInvalid: 'an IPAddress bound to a claim is not usable (address, prefix or gateway invalid)',
  NotFulfilled: 'at least one IPAddressClaim failed (the message carries the errors)',
  PoolExhausted: 'the pool has no free address left',
  AllocationFailed: 'the IPAM provider failed to allocate an address',
  PoolNotReady: 'the pool is not ready (the provider has not reconciled it, or its spec is invalid)',
};

export function explainReason(reason: string | undefined): string {
  if (!reason) return 'no reason given';
  return REASONS[reason] ?? `reason ${reason} (not one airgap-top knows; read the message)`;
}

export function formatAge(ms: number): string {
  if (ms < 0) return '0s';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  return `${Math.floor(h / 24)}d`;
}

function ageMs(since: string | undefined, now: Date): number | undefined {
  if (!since) return undefined;
  const t = Date.parse(since);
  return Number.isNaN(t) ? undefined : now.getTime() - t;
}

/** RFC 3339 in UTC to the second, as Kubernetes writes timestamps. */
export function timestampText(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function vmSubject(vm: VSphereVMRecord): Subject {
  return { kind: 'VSphereVM', namespace: vm.namespace, name: vm.name };
}

function claimSubject(claim: ClaimRecord): Subject {
  return { kind: 'IPAddressClaim', namespace: claim.namespace, name: claim.name };
}

function addressSubject(address: AddressRecord): Subject {
  return { kind: 'IPAddress', namespace: address.namespace, name: address.name };
}

export function poolSubject(pool: PoolAnalysis): Subject {
  const p = pool.pool;
  return p.namespace
    ? { kind: p.kind, namespace: p.namespace, name: p.name }
    : { kind: p.kind, name: p.name };
}

function addressText(address: AddressRecord | undefined): string | undefined {
  if (!address) return undefined;
  return address.prefix !== undefined ? `${address.address}/${address.prefix}` : address.address;
}

/** One step of the chain, as evidence for drill-down. */
export function linkEvidence(link: ChainLink): Record<string, unknown> {
  return {
    device: link.deviceIndex,
    network: link.networkName,
    claim: link.claimName,
    address: addressText(link.address),
    addressObject: link.address?.name,
    gateway: link.address?.gateway,
    pool: `${link.poolRef.kind}/${link.poolRef.name}`,
    state: link.state,
  };
}

function vmChainEvidence(analysis: IpamAnalysis, vm: VSphereVMRecord): Record<string, unknown> {
  const { machine, cluster } = analysis.machineOf(vm);
  return {
    cluster: cluster?.name ?? vm.clusterName,
    machine: machine?.name,
    node: machine?.nodeName,
    vsphereVM: `${vm.namespace}/${vm.name}`,
    chain: (analysis.chainsByVm.get(vm) ?? []).map(linkEvidence),
  };
}

function poolNumbers(pool: PoolAnalysis): Record<string, unknown> {
  return {
    total: formatCount(pool.total),
    used: pool.used,
    free: formatCount(pool.free),
    next: pool.next ?? null,
  };
}

/** Which claim conditions of a VM are False, the most specific first (v1beta1 reasons say more). */
function falseClaimConditions(vm: VSphereVMRecord): ConditionRecord[] {
  return vm.conditions
    .filter((c) => CLAIM_CONDITION_TYPES.has(c.type) && c.status === 'False')
    .sort((a, b) => (a.type === 'IPAddressClaimed' ? 0 : 1) - (b.type === 'IPAddressClaimed' ? 0 : 1));
}

/** What the chain says is the likely cause of a VM's unbound claims. */
function chainCause(links: readonly ChainLink[]): string | undefined {
  for (const link of links) {
    if (link.state === 'pool-missing')
      return `claim ${link.claimName} points at ${link.poolRef.kind} ${link.poolRef.name}, which does not exist`;
  }
  for (const link of links) {
    if (link.state === 'pending' && link.pool && !link.pool.next) {
      return `claim ${link.claimName} waits on ${poolLabel(link.pool.pool)}, which has no free address`;
    }
  }
  for (const link of links) {
    if (link.state === 'no-claim') return `claim ${link.claimName} has not been created yet`;
    if (link.state === 'pending') return `claim ${link.claimName} has no address yet`;
  }
  return undefined;
}

const vmFindingsCache = new WeakMap<VSphereVMRecord, { deps: unknown[]; findings: Finding[] }>();

/**
 * A VM's findings are reused while its chain (records and states) is unchanged, so one watch event
 * re-evaluates one VM, not 300. Findings that carry an age (a False condition) are always recomputed.
 */
function evaluateVmMemo(
  analysis: IpamAnalysis,
  vm: VSphereVMRecord,
  now: Date,
  settings: IpamSettings,
  out: Finding[],
): void {
  if (falseClaimConditions(vm).length > 0) {
    evaluateVm(analysis, vm, now, settings, out);
    return;
  }
  const deps = chainDeps(analysis, vm);
  const cached = vmFindingsCache.get(vm);
  if (cached && sameDeps(cached.deps, deps)) {
    out.push(...cached.findings);
    return;
  }
  const findings: Finding[] = [];
  evaluateVm(analysis, vm, now, settings, findings);
  vmFindingsCache.set(vm, { deps, findings });
  out.push(...findings);
}

function evaluateVm(
  analysis: IpamAnalysis,
  vm: VSphereVMRecord,
  now: Date,
  settings: IpamSettings,
  out: Finding[],
): void {
  const links = analysis.chainsByVm.get(vm) ?? [];
  const usesPools = links.length > 0;
  let problems = 0;
  const falseConditions = falseClaimConditions(vm);
  const primary = falseConditions[0];
  if (primary) {
    problems++;
    const age = ageMs(primary.lastTransitionTime ?? vm.createdAt, now);
    const overdue = age === undefined || age >= settings.graceMs;
    const cause = chainCause(links);
    const since = age === undefined ? '' : ` for ${formatAge(age)}`;
    out.push(
      makeFinding('IPAM-002', {
        subject: vmSubject(vm),
        severity: overdue ? 'fail' : 'info',
        title: `${primary.type} False${since}: ${primary.reason ?? 'no reason'}`,
        detail:
          `${primary.type} (${primary.location}) is False${since}: ${explainReason(primary.reason)}.` +
          (primary.message ? ` Message: "${primary.message}".` : '') +
          (cause ? ` Chain: ${cause}.` : '') +
          (overdue ? '' : ` Within the ${settings.graceMs / 60_000}-minute grace period.`),
        evidence: {
          conditions: falseConditions,
          age: age === undefined ? undefined : formatAge(age),
          ...vmChainEvidence(analysis, vm),
        },
      }),
    );
  }
  const bare = vm.devices
    .map((d, i) => ({ d, i }))
    .filter(({ d }) => d.addressesFromPools.length > 0 && d.nameservers.length === 0);
  if (bare.length > 0) {
    problems++;
    out.push(
      makeFinding('IPAM-005', {
        subject: vmSubject(vm),
        detail: `Device${bare.length > 1 ? 's' : ''} ${bare.map(({ d, i }) => `${i} (${d.networkName})`).join(', ')} take${bare.length > 1 ? '' : 's'} addresses from pools but list${bare.length > 1 ? '' : 's'} no nameservers; with node IPAM no DHCP server provides them.`,
        evidence: {
          devices: bare.map(({ d, i }) => ({
            device: i,
            network: d.networkName,
            addressesFromPools: d.addressesFromPools,
            nameservers: d.nameservers,
          })),
          ...vmChainEvidence(analysis, vm),
        },
      }),
    );
  }
  if (!usesPools || problems > 0) return;
  if (links.every((l) => l.state === 'bound' || l.state === 'other-provider')) {
    out.push(
      makeFinding('IPAM-001', {
        subject: vmSubject(vm),
        detail: `${links.length} claim${links.length > 1 ? 's' : ''} bound: ${links.map((l) => `${addressText(l.address)} from ${l.poolRef.name}`).join(', ')}.`,
        evidence: vmChainEvidence(analysis, vm),
      }),
    );
  }
}

function claimChain(analysis: IpamAnalysis, claim: ClaimRecord): Record<string, unknown> {
  const vm = analysis.vmOfClaim.get(claim);
  return vm
    ? { vsphereVM: `${vm.namespace}/${vm.name}`, cluster: claim.clusterName ?? vm.clusterName }
    : { cluster: claim.clusterName };
}

function claimPoolText(claim: ClaimRecord): string {
  return `${claim.poolRef.kind} ${claim.poolRef.kind === 'InClusterIPPool' ? `${claim.namespace}/` : ''}${claim.poolRef.name}`;
}

/**
 * A deleting claim whose IPAddress is still there: inside the pool's reuse grace (IPAM-007), or past
 * its release time, which the provider has missed once grace_minutes more have gone by (IPAM-008).
 */
function evaluateDeletingClaim(
  analysis: IpamAnalysis,
  claim: ClaimRecord,
  now: Date,
  settings: IpamSettings,
  out: Finding[],
): void {
  const lookup = analysis.claimPool(claim);
  // The reuse grace and the finalizer are the in-cluster provider's: other providers are not judged.
  if (!lookup.found) return;
  const pool = lookup.pool;
  const held = pool.heldByDeletingClaims.find((h) => h.claim === claim);
  if (!held) return; // the address is gone already: the claim holds nothing
  const poolText = claimPoolText(claim);
  const address = held.address;
  const heldText = `IPAddress ${address.namespace}/${address.name} (${address.address})`;
  const nowMs = now.getTime();
  const releasesAt = held.releasesAtMs;
  const evidence = {
    ...claimChain(analysis, claim),
    claim: `${claim.namespace}/${claim.name}`,
    address: addressText(address),
    ipAddress: `${address.namespace}/${address.name}`,
    pool: poolText,
    deletionTimestamp: claim.deletionTimestamp,
    graceSeconds: held.graceSeconds,
    releasesAt: releasesAt === undefined ? null : timestampText(releasesAt),
    ...(pool.pool.deletionTimestamp ? { poolDeletionTimestamp: pool.pool.deletionTimestamp } : {}),
  };
  if (releasesAt !== undefined && releasesAt > nowMs) {
    out.push(
      makeFinding('IPAM-007', {
        subject: claimSubject(claim),
        title: `IP address ${address.address} held in the reuse grace for ${formatAge(releasesAt - nowMs)} more`,
        detail: `Deleting since ${claim.deletionTimestamp}; ${poolText} keeps ${heldText} for its reuse grace of ${held.graceSeconds}s and frees it at ${timestampText(releasesAt)} (in ${formatAge(releasesAt - nowMs)}).`,
        evidence,
      }),
    );
    return;
  }
  const deletingFor = ageMs(claim.deletionTimestamp, now);
  const since = deletingFor === undefined ? '' : ` for ${formatAge(deletingFor)}`;
  const overdue = releasesAt === undefined ? undefined : nowMs - releasesAt;
  const stuck = overdue === undefined || overdue >= settings.graceMs;
  const configuredGrace = pool.pool.addressReuseGracePeriodSeconds ?? 0;
  const due =
    releasesAt === undefined
      ? `its deletionTimestamp ${claim.deletionTimestamp} does not parse`
      : pool.pool.deletionTimestamp && configuredGrace > held.graceSeconds
        ? `${poolText} is being deleted, so the provider skips its reuse grace: the address was due at ${timestampText(releasesAt)}`
        : held.graceSeconds > 0
          ? `the pool's reuse grace of ${held.graceSeconds}s ended at ${timestampText(releasesAt)}`
          : `${poolText} has no reuse grace, so the address was due at once`;
  out.push(
    makeFinding('IPAM-008', {
      subject: claimSubject(claim),
      severity: stuck ? 'warn' : 'info',
      title: stuck
        ? `IP address claim stuck deleting${since}, ${address.address} not released`
        : `IP address claim deleting${since}, ${address.address} due for release`,
      detail:
        `Deleting${since} (since ${claim.deletionTimestamp}); ${due}. ${heldText} still exists, so the pool counts it as used.` +
        (stuck
          ? " The in-cluster provider has not freed it nor removed the claim's finalizer ipam.cluster.x-k8s.io/ReleaseAddress: it stays used until someone acts."
          : ` Within the ${settings.graceMs / 60_000}-minute grace period after the release time.`),
      evidence: {
        ...evidence,
        overdue: overdue === undefined ? undefined : formatAge(overdue),
      },
    }),
  );
}

function evaluateClaim(
  analysis: IpamAnalysis,
  claim: ClaimRecord,
  now: Date,
  settings: IpamSettings,
  out: Finding[],
): void {
  if (claim.deleting) {
    evaluateDeletingClaim(analysis, claim, now, settings, out);
    return;
  }
  const lookup = analysis.claimPool(claim);
  const chain = claimChain(analysis, claim);
  const poolText = claimPoolText(claim);
  if (!lookup.found && lookup.ours) {
    out.push(
      makeFinding('IPAM-004', {
        subject: claimSubject(claim),
        detail: `spec.poolRef names ${poolText}, which does not exist${claim.poolRef.kind === 'InClusterIPPool' ? ` in namespace ${claim.namespace}` : ''}: no address will be allocated.`,
        evidence: { ...chain, claim: `${claim.namespace}/${claim.name}`, poolRef: claim.poolRef },
      }),
    );
    return;
  }
  const address = analysis.addressByClaim.get(claim);
  if (claim.addressName && !address) {
    out.push(
      makeFinding('IPAM-006', {
        subject: claimSubject(claim),
        detail: `status.addressRef.name is ${claim.addressName}, but no IPAddress ${claim.namespace}/${claim.addressName} exists.`,
        evidence: {
          ...chain,
          claim: `${claim.namespace}/${claim.name}`,
          addressRef: claim.addressName,
          pool: poolText,
        },
      }),
    );
    return;
  }
  if (claim.addressName || address) return;
  const age = ageMs(claim.createdAt, now);
  const overdue = age === undefined || age >= settings.graceMs;
  const pool = lookup.found ? lookup.pool : undefined;
  const poolState = pool
    ? pool.next
      ? `${poolText} has ${formatCount(pool.free)} free (next ${pool.next})`
      : `${poolText} has no free address`
    : `${poolText} is served by another IPAM provider`;
  const since = age === undefined ? '' : ` for ${formatAge(age)}`;
  out.push(
    makeFinding('IPAM-003', {
      subject: claimSubject(claim),
      severity: overdue ? 'warn' : 'info',
      title: `IP address claim pending${since}`,
      detail: `No status.addressRef${since}; ${poolState}.${overdue ? '' : ` Within the ${settings.graceMs / 60_000}-minute grace period.`}`,
      evidence: {
        ...chain,
        claim: `${claim.namespace}/${claim.name}`,
        age: age === undefined ? undefined : formatAge(age),
        pool: poolText,
        ...(pool ? poolNumbers(pool) : {}),
        conditions: claim.conditions,
      },
    }),
  );
}

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

function evaluatePools(analysis: IpamAnalysis, now: Date, settings: IpamSettings, out: Finding[]): void {
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

function evaluateAddresses(analysis: IpamAnalysis, out: Finding[]): void {
  // IPAddress → claim (named like it) → VSphereVM, for the drill-down chain.
  const vmByClaim = new Map<string, string>();
  for (const [claim, vm] of analysis.vmOfClaim)
    vmByClaim.set(`${claim.namespace}/${claim.name}`, `${vm.namespace}/${vm.name}`);
  const vmOf = (a: AddressRecord) =>
    a.claimName ? vmByClaim.get(`${a.namespace}/${a.claimName}`) : undefined;
  for (const [key, holders] of analysis.duplicates) {
    for (const address of holders) {
      const others = holders.filter((h) => h !== address);
      out.push(
        makeFinding('IPAM-201', {
          subject: addressSubject(address),
          detail: `${address.address} is also held by ${others.map((o) => `IPAddress ${o.namespace}/${o.name} (pool ${o.poolRef.name})`).join(', ')}.`,
          evidence: {
            address: address.address,
            key,
            holders: holders.map((h) => ({
              vsphereVM: vmOf(h),
              ipAddress: `${h.namespace}/${h.name}`,
              claim: h.claimName,
              pool: `${h.poolRef.kind}/${h.poolRef.name}`,
            })),
          },
        }),
      );
    }
  }
  for (const pool of analysis.pools) {
    if (!pool.space) continue;
    for (const address of pool.outOfRange) {
      const parsed = parsedAddress(address);
      const why = !parsed
        ? 'it is not a valid IP address'
        : parsed.family !== pool.space.family
          ? `it is IPv${parsed.family} and the pool IPv${pool.space.family}`
          : pool.space.gateway?.value === parsed.value
            ? "it is the pool's gateway"
            : setContains(pool.space.excluded, parsed)
              ? 'it is in excludedAddresses'
              : pool.space.reserved.includes(parsed.value)
                ? 'it is a reserved (network/broadcast) address'
                : "it is no longer in the pool's addresses";
      out.push(
        makeFinding('IPAM-202', {
          subject: addressSubject(address),
          detail: `${address.address} was allocated from ${poolLabel(pool.pool)}, but ${why}.`,
          evidence: {
            vsphereVM: vmOf(address),
            address: address.address,
            claim: address.claimName,
            pool: poolLabel(pool.pool),
            poolAddresses: pool.pool.addresses,
            excludedAddresses: pool.pool.excludedAddresses,
          },
        }),
      );
    }
  }
}

function evaluateEndpoints(analysis: IpamAnalysis, data: IpamData, out: Finding[]): void {
  for (const cluster of data.clusters) {
    const host = cluster.endpointHost;
    if (!host) continue;
    const subject: Subject = { kind: 'Cluster', namespace: cluster.namespace, name: cluster.name };
    const literal = parseIp(host);
    let candidates: string[];
    if (literal) {
      candidates = [host];
    } else {
      const resolution = data.resolutions[host];
      if (!resolution) continue; // not looked up yet
      if (resolution.error || resolution.addresses.length === 0) {
        out.push(
          makeFinding('IPAM-302', {
            subject,
            detail: `controlPlaneEndpoint.host ${host} does not resolve: ${resolution.error ?? 'no addresses'}.`,
            evidence: { host, port: cluster.endpointPort, resolution },
          }),
        );
        continue;
      }
      candidates = [...resolution.addresses];
    }
    const hits: { address: string; pool: PoolAnalysis }[] = [];
    for (const candidate of candidates) {
      const addr = parseIp(candidate);
      if (!addr) continue;
      for (const pool of analysis.pools) {
        if (pool.space && setContains(pool.space.allocatable, addr)) hits.push({ address: candidate, pool });
      }
    }
    if (hits.length > 0) {
      const heldBy = data.addresses.filter((a) => candidates.includes(a.address));
      out.push(
        makeFinding('IPAM-301', {
          subject,
          detail: `Control-plane endpoint ${host}${literal ? '' : ` (${candidates.join(', ')})`} is allocatable in ${hits.map((h) => poolLabel(h.pool.pool)).join(', ')}${heldBy.length > 0 ? `; already held by IPAddress ${heldBy.map((a) => `${a.namespace}/${a.name}`).join(', ')}` : ''}.`,
          evidence: {
            host,
            port: cluster.endpointPort,
            addresses: candidates,
            pools: hits.map((h) => ({
              pool: poolLabel(h.pool.pool),
              address: h.address,
              next: h.pool.next ?? null,
            })),
            heldBy: heldBy.map((a) => `${a.namespace}/${a.name}`),
          },
        }),
      );
      continue;
    }
    out.push(
      makeFinding('IPAM-303', {
        subject,
        detail: `Control-plane endpoint ${host}${literal ? ' is' : ` resolves to ${candidates.join(', ')}, which is`} in no node pool range.`,
        evidence: { host, port: cluster.endpointPort, addresses: candidates },
      }),
    );
  }
}

export function evaluateIpam(
  data: IpamData,
  now: Date,
  settings: IpamSettings = DEFAULT_IPAM_SETTINGS,
): Finding[] {
  const analysis = analyzeIpam(data);
  const out: Finding[] = [];
  for (const vm of data.vsphereVMs) evaluateVmMemo(analysis, vm, now, settings, out);
  for (const claim of data.claims) evaluateClaim(analysis, claim, now, settings, out);
  evaluatePools(analysis, now, settings, out);
  evaluateAddresses(analysis, out);
  evaluateEndpoints(analysis, data, out);
  return stabilize(out);
}

interface FindingMeta {
  readonly key: string;
  readonly json: string;
  readonly finding: Finding;
}
let previousByKey = new Map<string, FindingMeta>();
const metaOf = new WeakMap<Finding, FindingMeta>();

/**
 * Hands back last evaluation's Finding object wherever the new one is equal, so screens that cache
 * rows on finding identity (the chain table) redraw only what changed after a watch event.
 */
function stabilize(findings: Finding[]): Finding[] {
  const next = new Map<string, FindingMeta>();
  const out = findings.map((finding) => {
    const known = metaOf.get(finding);
    if (known) {
      next.set(known.key, known); // seen before (a memo hands back its objects): nothing to compare
      return known.finding;
    }
    const key = `${finding.code}|${subjectKey(finding.subject)}`;
    const json = JSON.stringify(finding);
    const previous = previousByKey.get(key);
    if (previous && previous.json === json) {
      metaOf.set(finding, previous);
      next.set(key, previous);
      return previous.finding;
    }
    const meta = { key, json, finding };
    metaOf.set(finding, meta);
    next.set(key, meta);
    return finding;
  });
  previousByKey = next;
  return out;
}

export const ipamEvaluator: Evaluator = {
  probe: 'ipam',
  dependsOn: ['ipam'],
  evaluate: ({ snapshot, config, now }: EvaluationInput) => {
    const data = snapshot.ipam?.data as IpamData | undefined;
    return data ? evaluateIpam(data, now, ipamSettings(config)) : [];
  },
};
