import { makeFinding } from '../checks/index.js';
import type { Finding } from '../finding.js';
import { ageMs, formatAge, timestampText } from '../time.js';
import type { IpamAnalysis } from './analysis.js';
import { addressText, poolNumbers } from './evidence.js';
import { formatCount } from './ip.js';
import type { IpamSettings } from './settings.js';
import { claimSubject } from './subjects.js';
import type { ClaimRecord } from './types.js';

/** The checks of one IPAddressClaim: its pool, its address, how long it waits, how it is deleted. */

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

export function evaluateClaim(
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
