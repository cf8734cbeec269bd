import { makeFinding } from '../checks/index.js';
import type { Finding } from '../finding.js';
import { ageMs, formatAge } from '../time.js';
import type { ChainLink, IpamAnalysis } from './analysis.js';
import { addressText, vmChainEvidence } from './evidence.js';
import { explainReason } from './reasons.js';
import type { IpamSettings } from './settings.js';
import { vmSubject } from './subjects.js';
import { type ConditionRecord, poolLabel, type VSphereVMRecord } from './types.js';

/** The checks of one VSphereVM: its claim conditions, its nameservers, and its bound chain. */

const CLAIM_CONDITION_TYPES = new Set(['IPAddressClaimed', 'IPAddressClaimsFulfilled']);

/** Which claim conditions of a VM are False, the most specific first (v1beta1 reasons say more). */
export function falseClaimConditions(vm: VSphereVMRecord): ConditionRecord[] {
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

export function evaluateVm(
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
