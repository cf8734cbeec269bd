import { makeFinding } from '../checks/index.js';
import type { Evaluator } from '../evaluate.js';
import type { Finding, Subject } from '../finding.js';
import {
  acceptingPortOverrides,
  describeOrigin,
  overridesAllowed,
  type ResolvedSetting,
  resolvePortgroup,
} from './resolve.js';
import { computeScope, type PortgroupInScope } from './scope.js';
import { type PortgroupsData, SETTING_LABELS, type SwitchRecord } from './types.js';

export function portgroupSubject(entry: {
  portgroup: { name: string; moid: string };
  ambiguous: boolean;
}): Subject {
  // Two portgroups with one name stay two subjects (and two cursor keys).
  const name = entry.ambiguous ? `${entry.portgroup.name} (${entry.portgroup.moid})` : entry.portgroup.name;
  return { kind: 'Portgroup', name };
}

function settingEvidence(resolved: readonly ResolvedSetting[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of resolved) out[r.setting] = `${r.accept ? 'Accept' : 'Reject'}: ${describeOrigin(r.origin)}`;
  return out;
}

function vmList(entry: PortgroupInScope, windowsOnly: boolean): string {
  const vms = entry.vms.filter((v) => !windowsOnly || v.windowsNode !== undefined);
  const names = vms.slice(0, 5).map((v) => (v.windowsNode ? `${v.name} (node ${v.windowsNode})` : v.name));
  return names.join(', ') + (vms.length > 5 ? ` and ${vms.length - 5} more` : '');
}

/** Findings for one portgroup in scope. */
export function evaluatePortgroup(
  entry: PortgroupInScope,
  data: PortgroupsData,
  sw: SwitchRecord | undefined,
): Finding[] {
  const findings: Finding[] = [];
  const subject = portgroupSubject(entry);
  const resolved = resolvePortgroup(entry.portgroup, sw);
  const evidence = {
    moid: entry.portgroup.moid,
    switch: sw?.name ?? entry.portgroup.switchMoid ?? null,
    ...settingEvidence(resolved),
    windowsNodes: entry.vms.filter((v) => v.windowsNode).map((v) => v.windowsNode),
    vms: entry.vms.length,
    source: data.inventory.source.location,
  };

  const accepting = resolved.filter((r) => r.accept);
  if (accepting.length > 0) {
    const what = accepting
      .map((r) => `${SETTING_LABELS[r.setting]} is Accept (${describeOrigin(r.origin)})`)
      .join('; ');
    if (entry.windows) {
      findings.push(
        makeFinding('PG-002', {
          subject,
          title: `${accepting.map((r) => SETTING_LABELS[r.setting]).join(', ')} Accept on ${entry.portgroup.name} (Windows nodes)`,
          detail: `${what}. Windows nodes on it: ${vmList(entry, true)}; they need all three at Reject or they flap between Ready and NotReady.`,
          evidence,
        }),
      );
    } else {
      const who =
        data.cluster.vms.length === 0
          ? 'No VSphereVM was found, so it is unknown whether Windows nodes use it.'
          : entry.vms.length === 0
            ? 'Listed in [vsphere] portgroups; no cluster VM uses it.'
            : `Used by ${vmList(entry, false)}, none of them a Windows node.`;
      findings.push(
        makeFinding('PG-003', {
          subject,
          title: `${accepting.map((r) => SETTING_LABELS[r.setting]).join(', ')} Accept on ${entry.portgroup.name}`,
          detail: `${what}. ${who}`,
          evidence,
        }),
      );
    }
  } else {
    const unstated = resolved.filter((r) => r.origin.level === 'default');
    if (unstated.length > 0) {
      findings.push(
        makeFinding('PG-004', {
          subject,
          detail: unstated.map((r) => `${SETTING_LABELS[r.setting]}: ${describeOrigin(r.origin)}`).join('; '),
          evidence,
        }),
      );
    } else {
      findings.push(
        makeFinding('PG-001', {
          subject,
          detail: resolved
            .map((r) => `${SETTING_LABELS[r.setting]} Reject (${describeOrigin(r.origin)})`)
            .join('; '),
          evidence,
        }),
      );
    }
  }

  if (overridesAllowed(entry.portgroup)) {
    const flags = [
      entry.portgroup.securityPolicyOverrideAllowed ? 'securityPolicyOverrideAllowed' : undefined,
      entry.portgroup.macManagementOverrideAllowed ? 'macManagementOverrideAllowed' : undefined,
    ].filter(Boolean);
    findings.push(
      makeFinding('PG-101', {
        subject,
        detail: `${flags.join(' and ')} is true on ${entry.portgroup.name}: single ports may set their own security policy.`,
        evidence: {
          moid: entry.portgroup.moid,
          ...Object.fromEntries(flags.map((f) => [f as string, true])),
        },
      }),
    );
    const ports = data.inventory.ports;
    if (ports.status !== 'read') {
      findings.push(
        makeFinding('PG-103', {
          subject,
          detail: `Per-port settings were not read: ${ports.reason ?? 'no port data'}.`,
          evidence: { moid: entry.portgroup.moid },
        }),
      );
    } else {
      const overrides = acceptingPortOverrides(entry.portgroup, resolved, ports.items);
      if (overrides.length > 0) {
        const shown = overrides
          .slice(0, 10)
          .map((o) => `port ${o.port}: ${o.settings.map((s) => SETTING_LABELS[s]).join(', ')}`)
          .join('; ');
        findings.push(
          makeFinding('PG-102', {
            subject,
            detail: `${overrides.length} port(s) of ${entry.portgroup.name} override to Accept: ${shown}${overrides.length > 10 ? '; ...' : ''}.`,
            evidence: {
              moid: entry.portgroup.moid,
              ports: overrides.map((o) => ({ port: o.port, accept: o.settings })),
            },
          }),
        );
      }
    }
  }

  if (entry.ambiguous) {
    findings.push(
      makeFinding('PG-202', {
        subject,
        detail: `More than one distributed portgroup is named ${entry.portgroup.name}; this is ${entry.portgroup.moid} on ${sw?.name ?? 'an unknown switch'}.`,
        evidence: { moid: entry.portgroup.moid },
      }),
    );
  }
  return findings;
}

export function evaluatePortgroups(data: PortgroupsData, requested: readonly string[] = []): Finding[] {
  const scope = computeScope(data.inventory, data.cluster, requested);
  const switches = new Map(data.inventory.switches.map((s) => [s.moid, s]));
  const findings: Finding[] = [];
  for (const entry of scope.inScope) {
    const sw = entry.portgroup.switchMoid ? switches.get(entry.portgroup.switchMoid) : undefined;
    findings.push(...evaluatePortgroup(entry, data, sw));
  }
  for (const unknown of scope.unknown) {
    const vms = unknown.vms.map((v) => `${v.namespace}/${v.name}`);
    const where = data.inventory.source.kind === 'vcenter' ? 'vCenter' : 'the inventory file';
    findings.push(
      makeFinding('PG-201', {
        subject: { kind: 'Network', name: unknown.networkName },
        detail: unknown.requested
          ? `"${unknown.networkName}" is listed in [vsphere] portgroups but ${where} has no distributed portgroup of that name.`
          : `${vms.length} VSphereVM(s) use network "${unknown.networkName}" but ${where} has no distributed portgroup of that name: ${vms.slice(0, 5).join(', ')}${vms.length > 5 ? ', ...' : ''}.`,
        evidence: { networkName: unknown.networkName, vms, source: data.inventory.source.location },
      }),
    );
  }
  if (data.inventory.source.insecure) {
    findings.push(
      makeFinding('PG-301', {
        subject: { kind: 'vCenter', name: data.inventory.source.location },
        detail: `TLS verification of ${data.inventory.source.location} was switched off (insecure = true or --vsphere-insecure).`,
        evidence: { server: data.inventory.source.location, insecure: true },
      }),
    );
  }
  return findings;
}

export const portgroupsEvaluator: Evaluator<'portgroups', never> = {
  probe: 'portgroups',
  inputs: [],
  timeDependent: false,
  evaluate: ({ data, config }) => evaluatePortgroups(data, config.vsphere?.portgroups ?? []),
};
