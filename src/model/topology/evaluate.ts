import { makeFinding } from '../checks/index.js';
import type { Config } from '../config.js';
import type { Evaluator } from '../evaluate.js';
import type { Finding } from '../finding.js';
import {
  analyzeTopology,
  NO_ZONE,
  type NodeAnalysis,
  type TopologyAnalysis,
  zoneDistribution,
} from './analysis.js';
import { resolveFailureDomain, topologyLabelsOf } from './placement.js';
import {
  type ConditionRecord,
  type CsiNodeRecord,
  type DeploymentZoneRecord,
  type TopologyData,
  VSPHERE_CSI_DRIVER,
} from './types.js';

export const topologyEvaluator: Evaluator<'topology', never> = {
  probe: 'topology',
  inputs: [],
  evaluate: ({ data, config, now }) => evaluateTopology(data, config, now),
};

/** Every topology finding for one snapshot of the data (pure). */
export function evaluateTopology(data: TopologyData, config: Config, now: Date): Finding[] {
  const analysis = analyzeTopology(data, config, now);
  const findings: Finding[] = [];
  const csiByName = new Map(data.csiNodes.map((c) => [c.name, c]));
  const anyZoneLabels = analysis.nodes.some((n) => n.placement.zone.value !== undefined);

  for (const n of analysis.nodes) {
    const nodeFindings = [
      ...missingLabels(n, analysis),
      ...disagreeingLabels(n),
      ...outsideConfig(n, config),
      ...(anyZoneLabels ? csiRegistration(n, csiByName.get(n.node.name)) : []),
      ...machineMismatch(n, data),
      ...flapping(n, analysis),
      ...ipChanged(n),
    ];
    findings.push(...nodeFindings);
    if (!nodeFindings.some((f) => f.severity === 'warn' || f.severity === 'fail'))
      findings.push(cleanNode(n, csiByName.get(n.node.name), data.live));
  }
  findings.push(...controlPlaneSpread(analysis), ...workerSpread(analysis));
  findings.push(...deploymentZones(data));
  return findings;
}

const nodeSubject = (n: NodeAnalysis) => ({ kind: 'Node', name: n.node.name });

function nodeEvidence(n: NodeAnalysis): Record<string, unknown> {
  return {
    node: n.node.name,
    role: n.role,
    os: n.node.os ?? null,
    region: n.placement.region.value ?? null,
    zone: n.placement.zone.value ?? null,
    labels: topologyLabelsOf(n.node),
  };
}

function missingLabels(n: NodeAnalysis, a: TopologyAnalysis): Finding[] {
  const missing: string[] = [];
  if (a.usesRegions && n.placement.region.value === undefined) missing.push('region');
  if (a.usesZones && n.placement.zone.value === undefined) missing.push('zone');
  if (missing.length === 0) return [];
  const others = a.nodes.filter((o) => o !== n && o.placement.zone.value !== undefined).length;
  return [
    makeFinding('TOPO-002', {
      subject: nodeSubject(n),
      title: `Node ${n.node.name} has no ${missing.join(' or ')} label`,
      detail:
        `${n.node.name} carries no ${missing.join(' and no ')} label (topology.kubernetes.io/*, ` +
        `failure-domain.beta.kubernetes.io/* or topology.csi.vmware.com/*), while the cluster uses zones ` +
        `(${others} other node(s) labelled; zones known: ${a.zones.join(', ') || 'none'}).`,
      evidence: { ...nodeEvidence(n), missing, clusterZones: a.zones },
    }),
  ];
}

function disagreeingLabels(n: NodeAnalysis): Finding[] {
  const conflicts = (['region', 'zone'] as const).filter((d) => n.placement[d].conflict);
  if (conflicts.length === 0) return [];
  const parts = conflicts.map(
    (d) =>
      `${d}: ${Object.entries(n.placement[d].labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(' vs ')}`,
  );
  return [
    makeFinding('TOPO-003', {
      subject: nodeSubject(n),
      title: `Node ${n.node.name}: topology labels disagree on ${conflicts.join(' and ')}`,
      detail: `${n.node.name} is labelled with different values for the same placement: ${parts.join('; ')}.`,
      evidence: {
        ...nodeEvidence(n),
        disagreeOn: conflicts,
        ...Object.fromEntries(conflicts.map((d) => [`${d}Labels`, n.placement[d].labels])),
      },
    }),
  ];
}

function outsideConfig(n: NodeAnalysis, config: Config): Finding[] {
  const problems: string[] = [];
  const { region, zones } = config.topology;
  const nodeRegion = n.placement.region.value;
  const nodeZone = n.placement.zone.value;
  if (region !== undefined && nodeRegion !== undefined && nodeRegion !== region) {
    problems.push(`region ${nodeRegion} is not the expected ${region}`);
  }
  if (zones.length > 0 && nodeZone !== undefined && !zones.includes(nodeZone)) {
    problems.push(`zone ${nodeZone} is not one of ${zones.join(', ')}`);
  }
  if (problems.length === 0) return [];
  return [
    makeFinding('TOPO-004', {
      subject: nodeSubject(n),
      title: `Node ${n.node.name}: ${problems.join('; ')}`,
      detail: `${n.node.name}: ${problems.join('; ')} ([topology] in ${config.source}).`,
      evidence: { ...nodeEvidence(n), expectedRegion: region ?? null, expectedZones: zones },
    }),
  ];
}

function csiRegistration(n: NodeAnalysis, csiNode: CsiNodeRecord | undefined): Finding[] {
  const subject = { kind: 'CSINode', name: n.node.name, node: n.node.name };
  const base = { node: n.node.name, zone: n.placement.zone.value ?? null, labels: topologyLabelsOf(n.node) };
  const fail = (title: string, detail: string, evidence: Record<string, unknown>) => [
    makeFinding('TOPO-101', { subject, title, detail, evidence: { ...base, ...evidence } }),
  ];
  if (!csiNode) {
    return fail(
      `No CSINode for ${n.node.name}`,
      `Nodes carry zone labels but there is no CSINode object named ${n.node.name}: no CSI driver registered on it.`,
      { csiNode: null },
    );
  }
  const driver = csiNode.drivers.find((d) => d.name === VSPHERE_CSI_DRIVER);
  const registered = csiNode.drivers.map((d) => d.name);
  if (!driver) {
    return fail(
      `vSphere CSI not registered on ${n.node.name}`,
      `CSINode ${n.node.name} has no ${VSPHERE_CSI_DRIVER} driver (registered: ${registered.join(', ') || 'none'}), while nodes carry zone labels.`,
      { drivers: registered },
    );
  }
  if (driver.topologyKeys.length === 0) {
    return fail(
      `vSphere CSI on ${n.node.name} has no topology keys`,
      `CSINode ${n.node.name}: ${VSPHERE_CSI_DRIVER} registered without topologyKeys, so volumes ignore zones although the node is labelled.`,
      { driver: driver.name, topologyKeys: [] },
    );
  }
  const unlabelled = driver.topologyKeys.filter((k) => n.node.labels[k] === undefined);
  if (unlabelled.length > 0) {
    return fail(
      `vSphere CSI on ${n.node.name} uses keys the node lacks`,
      `CSINode ${n.node.name}: topologyKeys ${unlabelled.join(', ')} are not labels of the node, so its topology cannot be matched.`,
      { driver: driver.name, topologyKeys: driver.topologyKeys, keysWithoutLabel: unlabelled },
    );
  }
  return [];
}

function machineMismatch(n: NodeAnalysis, data: TopologyData): Finding[] {
  const m = n.machine;
  if (!m?.failureDomain) return [];
  const chain = resolveFailureDomain(m.failureDomain, data);
  const nodeZone = n.placement.zone.value;
  const nodeRegion = n.placement.region.value;
  const problems: string[] = [];
  if (nodeZone !== undefined && nodeZone !== chain.expectedZone)
    problems.push(`zone ${nodeZone}, expected ${chain.expectedZone}`);
  if (chain.expectedRegion !== undefined && nodeRegion !== undefined && nodeRegion !== chain.expectedRegion) {
    problems.push(`region ${nodeRegion}, expected ${chain.expectedRegion}`);
  }
  if (problems.length === 0) return [];
  const path =
    chain.via === 'resolved'
      ? `VSphereDeploymentZone ${chain.deploymentZone} → VSphereFailureDomain ${chain.vsphereFailureDomain} → zone tag ${chain.zoneTag?.category ?? '?'}/${chain.expectedZone}`
      : `compared as written (no VSphereDeploymentZone/VSphereFailureDomain resolves it)`;
  return [
    makeFinding('TOPO-201', {
      subject: { kind: 'Machine', namespace: m.namespace, name: m.name, node: n.node.name },
      title: `Machine ${m.name} is in failure domain ${m.failureDomain} but node ${n.node.name} is labelled ${problems.join('; ')}`,
      detail: `Machine ${m.namespace}/${m.name} has failureDomain ${m.failureDomain} (${path}); its node ${n.node.name} is labelled ${problems.join('; ')}.`,
      evidence: {
        machine: `${m.namespace}/${m.name}`,
        cluster: m.clusterName ?? null,
        chain,
        node: n.node.name,
        nodeZone: nodeZone ?? null,
        nodeRegion: nodeRegion ?? null,
        labels: topologyLabelsOf(n.node),
      },
    }),
  ];
}

function flapping(n: NodeAnalysis, a: TopologyAnalysis): Finding[] {
  if (n.flaps === 0) return [];
  const windowMin = Math.round(a.flapWindowMs / 60_000);
  const windows = n.node.os === 'windows';
  const flapsText = `${n.flaps}${n.signals.droppedTransitions > 0 ? '+' : ''}`;
  const evidence = {
    node: n.node.name,
    os: n.node.os ?? null,
    ready: n.node.ready ?? null,
    readyReason: n.node.readyReason ?? null,
    readySince: n.node.readySince ?? null,
    flips: n.flaps,
    windowMinutes: windowMin,
    threshold: a.flapThreshold,
    transitions: n.signals.readyTransitions.filter((t) => n.flapTimes.includes(t.at)),
    ...(windows ? { seeProbe: 'portgroups' } : {}),
  };
  if (n.flaps < a.flapThreshold) {
    return [
      makeFinding('TOPO-301', {
        subject: nodeSubject(n),
        severity: 'info',
        title: `Node ${n.node.name} changed Ready state ${flapsText} time(s)`,
        detail: `The watch saw ${n.node.name} flip Ready/NotReady ${flapsText} time(s) in the last ${windowMin} min (flapping from ${a.flapThreshold}); now ${n.node.ready ?? 'unknown'}.`,
        evidence,
      }),
    ];
  }
  const windowsHint = windows
    ? ' This is a Windows node: the vendor docs name Promiscuous mode = Accept on its distributed portgroup as the cause; see the portgroup security probe.'
    : '';
  return [
    makeFinding('TOPO-301', {
      subject: nodeSubject(n),
      title: `Node ${n.node.name} flapped Ready/NotReady ${flapsText} times in ${windowMin} min`,
      detail: `The watch saw ${n.node.name} flip between Ready and NotReady ${flapsText} times in the last ${windowMin} min; now ${n.node.ready ?? 'unknown'}${n.node.readyReason ? ` (${n.node.readyReason})` : ''}.${windowsHint}`,
      evidence,
      ...(windows
        ? {
            remedy:
              'Set Promiscuous mode, MAC address changes and Forged transmits to Reject on the distributed portgroup this Windows node uses (check the portgroup security probe, PG-*), then watch the node settle.',
          }
        : {}),
    }),
  ];
}

function ipChanged(n: NodeAnalysis): Finding[] {
  const changes = n.signals.ipChanges;
  if (changes.length === 0) return [];
  const last = changes[changes.length - 1];
  if (!last) return [];
  return [
    makeFinding('TOPO-302', {
      subject: nodeSubject(n),
      title: `Node ${n.node.name} InternalIP changed ${last.from.join(',')} → ${last.to.join(',')}`,
      detail: `The watch saw the InternalIP of ${n.node.name} change ${changes.length} time(s), last at ${last.at} from ${last.from.join(', ')} to ${last.to.join(', ')}: the DHCP lease is not reserved.`,
      evidence: { node: n.node.name, internalIPs: n.node.internalIPs, changes },
    }),
  ];
}

function cleanNode(n: NodeAnalysis, csiNode: CsiNodeRecord | undefined, live: boolean): Finding {
  const driver = csiNode?.drivers.find((d) => d.name === VSPHERE_CSI_DRIVER);
  const where =
    [n.placement.region.value, n.placement.zone.value].filter(Boolean).join('/') || 'no zones in use';
  return makeFinding('TOPO-001', {
    subject: nodeSubject(n),
    title: `Node ${n.node.name} (${n.role}) in ${where}`,
    detail: `${n.node.name}: labels consistent${n.machine?.failureDomain ? `, Machine ${n.machine.name} in failure domain ${n.machine.failureDomain}` : ''}; ${live ? 'no flapping or address change seen by the watch' : 'flapping and address changes are watched only in the live view'}.`,
    evidence: {
      ...nodeEvidence(n),
      ready: n.node.ready ?? null,
      internalIPs: n.node.internalIPs,
      csiTopologyKeys: driver?.topologyKeys ?? null,
      machine: n.machine ? `${n.machine.namespace}/${n.machine.name}` : null,
      failureDomain: n.machine?.failureDomain ?? null,
    },
  });
}

function controlPlaneSpread(a: TopologyAnalysis): Finding[] {
  const cp = a.nodes.filter((n) => n.role === 'control-plane');
  if (!a.usesZones || cp.length < 2 || a.controlPlaneZones.length < 2) return [];
  const used = [
    ...new Set(cp.flatMap((n) => (n.placement.zone.value ? [n.placement.zone.value] : []))),
  ].sort();
  const possible = Math.min(cp.length, a.controlPlaneZones.length);
  const nodes = Object.fromEntries(cp.map((n) => [n.node.name, n.placement.zone.value ?? null]));
  const evidence = { controlPlaneNodes: nodes, zonesUsed: used, zonesAvailable: a.controlPlaneZones };
  const subject = { kind: 'ControlPlane', name: 'control-plane' };
  if (used.length >= possible) {
    return [
      makeFinding('TOPO-005', {
        subject,
        severity: 'pass',
        title: `Control plane spread over ${used.length} zones`,
        detail: `${cp.length} control-plane nodes sit in ${used.join(', ')}.`,
        evidence,
      }),
    ];
  }
  return [
    makeFinding('TOPO-005', {
      subject,
      title: `Control plane in ${used.length} of ${a.controlPlaneZones.length} zones`,
      detail: `${cp.length} control-plane nodes sit in ${used.join(', ') || 'no labelled zone'}, although ${a.controlPlaneZones.join(', ')} exist: losing ${used.length === 1 ? used[0] : 'one zone'} can take the control plane down.`,
      evidence,
    }),
  ];
}

function workerSpread(a: TopologyAnalysis): Finding[] {
  const workers = a.nodes.filter((n) => n.role === 'worker');
  if (!a.usesZones || workers.length === 0 || a.zones.length < 2) return [];
  const dist = zoneDistribution(a);
  const counts: Record<string, number> = {};
  for (const z of a.zones) counts[z] = dist.get(z)?.workers.length ?? 0;
  const unzoned = dist.get(NO_ZONE)?.workers.length ?? 0;
  const values = Object.values(counts);
  const max = Math.max(...values);
  const min = Math.min(...values);
  const text = Object.entries(counts)
    .map(([z, c]) => `${z}: ${c}`)
    .join(', ');
  const evidence = { workersPerZone: counts, workersWithoutZone: unzoned, skew: max - min };
  const subject = { kind: 'Zones', name: 'workers' };
  if (max - min > 1) {
    return [
      makeFinding('TOPO-006', {
        subject,
        title: `Workers skewed across zones (${text})`,
        detail: `Worker nodes per zone: ${text}${unzoned ? `, ${unzoned} without zone` : ''}; the busiest and emptiest zone differ by ${max - min}.`,
        evidence,
      }),
    ];
  }
  return [
    makeFinding('TOPO-006', {
      subject,
      severity: 'pass',
      title: `Workers balanced across zones (${text})`,
      detail: `Worker nodes per zone: ${text}${unzoned ? `, ${unzoned} without zone` : ''}.`,
      evidence,
    }),
  ];
}

const VALIDATION_TYPES = new Set(['VSphereFailureDomainValidated', 'FailureDomainValidated']);

function falseConditions(conditions: readonly ConditionRecord[]): ConditionRecord[] {
  return conditions.filter((c) => c.status === 'False');
}

function describeCondition(c: ConditionRecord): string {
  return `${c.type}=False${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`;
}

function deploymentZones(data: TopologyData): Finding[] {
  const findings: Finding[] = [];
  const failedValidation = new Map<
    string,
    { zones: DeploymentZoneRecord[]; conditions: ConditionRecord[] }
  >();
  for (const dz of [...(data.deploymentZones ?? [])].sort((a, b) => a.name.localeCompare(b.name))) {
    const readyCondition = dz.conditions.find((c) => c.type === 'Ready');
    const notReady = dz.ready === false || (dz.ready === undefined && readyCondition?.status === 'False');
    const falses = falseConditions(dz.conditions);
    if (notReady) {
      const reason = falses.find((c) => c.type !== 'Ready') ?? readyCondition;
      findings.push(
        makeFinding('TOPO-202', {
          subject: { kind: 'VSphereDeploymentZone', name: dz.name },
          title: `VSphereDeploymentZone ${dz.name} not ready${reason?.reason ? `: ${reason.reason}` : ''}`,
          detail: `VSphereDeploymentZone ${dz.name} (failure domain ${dz.failureDomain ?? '?'}, server ${dz.server ?? '?'}) is not ready${falses.length ? `: ${falses.map(describeCondition).join('; ')}` : ' (no condition says why yet)'}.`,
          evidence: {
            deploymentZone: dz.name,
            failureDomain: dz.failureDomain ?? null,
            server: dz.server ?? null,
            controlPlane: dz.controlPlane ?? null,
            ready: dz.ready ?? null,
            conditions: falses,
          },
        }),
      );
    }
    const validation = falses.filter((c) => VALIDATION_TYPES.has(c.type));
    if (validation.length > 0) {
      const key = dz.failureDomain ?? dz.name;
      const entry = failedValidation.get(key) ?? { zones: [], conditions: [] };
      entry.zones.push(dz);
      entry.conditions.push(...validation);
      failedValidation.set(key, entry);
    }
  }
  for (const fd of data.failureDomains ?? []) {
    const own = falseConditions(fd.conditions);
    if (own.length === 0) continue;
    const entry = failedValidation.get(fd.name) ?? { zones: [], conditions: [] };
    entry.conditions.push(...own);
    failedValidation.set(fd.name, entry);
  }
  for (const [name, { zones, conditions }] of [...failedValidation].sort(([a], [b]) => a.localeCompare(b))) {
    const fd = data.failureDomains?.find((f) => f.name === name);
    const first = conditions[0];
    findings.push(
      makeFinding('TOPO-203', {
        subject: { kind: 'VSphereFailureDomain', name },
        title: `VSphereFailureDomain ${name} failed validation${first?.reason ? `: ${first.reason}` : ''}`,
        detail: `${conditions.map(describeCondition).join('; ')}${zones.length ? ` (reported on VSphereDeploymentZone ${zones.map((z) => z.name).join(', ')})` : ''}.`,
        evidence: {
          failureDomain: name,
          deploymentZones: zones.map((z) => z.name),
          region: fd?.region ?? null,
          zone: fd?.zone ?? null,
          conditions,
        },
      }),
    );
  }
  return findings;
}
