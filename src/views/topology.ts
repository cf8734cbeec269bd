import { type Finding, findingKey, subjectKey, worstSeverity } from '../model/finding.js';
import {
  analyzeTopology,
  NO_ZONE,
  type TopologyAnalysis,
  zoneDistribution,
} from '../model/topology/analysis.js';
import type { TopologyData } from '../model/topology/types.js';
import type { ViewBuilder, ViewRow, ViewTable } from './types.js';

/** The topology screen: nodes with their placement, the zone distribution, and CAPV failure domains. */
export const topologyView: ViewBuilder<'topology'> = ({ data: topology, findings, config, now }) => {
  const analysis = analyzeTopology(topology, config, now);
  const tables: ViewTable[] = [nodesTable(analysis, findings, topology.live), zonesTable(analysis, topology)];
  if (topology.deploymentZones !== undefined) tables.push(failureDomainsTable(topology, findings));
  return tables;
};

function rowFindings(findings: readonly Finding[]): Pick<ViewRow, 'severity' | 'findingKeys'> {
  return { severity: worstSeverity(findings), findingKeys: findings.map(findingKey) };
}

/** Findings per node name (by subject name for nodes, by `subject.node` for CSINodes and Machines): one pass. */
function findingsByNode(findings: readonly Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of findings) {
    const name = f.subject.kind === 'Node' ? f.subject.name : f.subject.node;
    if (name === undefined) continue;
    const list = out.get(name);
    if (list) list.push(f);
    else out.set(name, [f]);
  }
  return out;
}

/** "zone-a 1 CP + 2 W · zone-b 1 CP + 1 W · (no zone) 1 W" */
export function distributionLine(analysis: TopologyAnalysis): string {
  const dist = zoneDistribution(analysis);
  if (!analysis.usesZones) return `${analysis.nodes.length} node(s); no zones in use`;
  return [...dist]
    .map(([zone, { controlPlane, workers }]) => `${zone} ${controlPlane.length} CP + ${workers.length} W`)
    .join(' · ');
}

function nodesTable(analysis: TopologyAnalysis, findings: readonly Finding[], live: boolean): ViewTable {
  const flapNote = live
    ? `FLAPS: Ready flips the watch saw in the last ${Math.round(analysis.flapWindowMs / 60_000)} min`
    : 'FLAPS need the live watch';
  const byNode = findingsByNode(findings);
  return {
    id: 'nodes',
    title: 'Nodes',
    columns: [
      { key: 'name', title: 'NODE', width: 28, truncate: 'middle' },
      { key: 'role', title: 'ROLE', width: 13 },
      { key: 'os', title: 'OS', width: 8 },
      { key: 'ready', title: 'READY', width: 8 },
      { key: 'internalIP', title: 'INTERNAL-IP', width: 16 },
      { key: 'region', title: 'REGION', width: 12 },
      { key: 'zone', title: 'ZONE', width: 12 },
      { key: 'flaps', title: 'FLAPS', width: 6, align: 'right' },
    ],
    rows: analysis.nodes.map((n) => {
      const name = n.node.name;
      const ipNote = n.signals.ipChanges.length > 0 ? ` (was ${n.signals.ipChanges[0]?.from.join(',')})` : '';
      const zone = n.placement.zone.value ?? '-';
      return {
        key: subjectKey({ kind: 'Node', name }),
        cells: {
          name,
          role: n.role,
          os: n.node.os ?? '?',
          ready: n.node.ready === 'True' ? 'Ready' : n.node.ready === undefined ? '?' : 'NotReady',
          internalIP: (n.node.internalIPs.join(',') || '-') + ipNote,
          region: n.placement.region.value ?? '-',
          zone: n.placement.zone.conflict ? `${zone}≠` : zone,
          flaps: String(n.flaps) + (n.signals.droppedTransitions > 0 ? '+' : ''),
        },
        ...rowFindings(byNode.get(name) ?? []),
        object: { node: n.node, machine: n.machine ?? null, signals: n.signals },
      };
    }),
    footer: `${distributionLine(analysis)} · ${flapNote}`,
  };
}

function zonesTable(analysis: TopologyAnalysis, data: TopologyData): ViewTable {
  const dist = zoneDistribution(analysis);
  const regions = new Map<string, Set<string>>();
  for (const n of analysis.nodes) {
    const zone = n.placement.zone.value ?? NO_ZONE;
    const set = regions.get(zone) ?? new Set<string>();
    if (n.placement.region.value) set.add(n.placement.region.value);
    regions.set(zone, set);
  }
  const deploymentZonesByZone = new Map<string, string[]>();
  for (const dz of data.deploymentZones ?? []) {
    const fd = data.failureDomains?.find((f) => f.name === dz.failureDomain);
    const zone = fd?.zone.name;
    if (!zone) continue;
    deploymentZonesByZone.set(zone, [...(deploymentZonesByZone.get(zone) ?? []), dz.name]);
  }
  const readyByName = new Map(analysis.nodes.map((n) => [n.node.name, n.node.ready]));
  const notReady = (names: readonly string[]) =>
    names.filter((name) => readyByName.get(name) !== 'True').length;
  return {
    id: 'zones',
    title: 'Zones',
    columns: [
      { key: 'zone', title: 'ZONE', width: 16 },
      { key: 'region', title: 'REGION', width: 14 },
      { key: 'controlPlane', title: 'CONTROL-PLANE', width: 14, align: 'right' },
      { key: 'workers', title: 'WORKERS', width: 8, align: 'right' },
      { key: 'notReady', title: 'NOT-READY', width: 10, align: 'right' },
      { key: 'deploymentZones', title: 'DEPLOYMENT-ZONES' },
    ],
    rows: [...dist].map(([zone, { controlPlane, workers }]) => ({
      key: `zone/${zone}`,
      cells: {
        zone,
        region: [...(regions.get(zone) ?? [])].sort().join(',') || '-',
        controlPlane: String(controlPlane.length),
        workers: String(workers.length),
        notReady: String(notReady([...controlPlane, ...workers])),
        deploymentZones: (deploymentZonesByZone.get(zone) ?? []).join(', ') || '-',
      },
      object: { zone, controlPlane, workers },
    })),
    footer: analysis.usesZones
      ? `${analysis.zones.length} zone(s): ${analysis.zones.join(', ')}`
      : 'no zones in use',
  };
}

function failureDomainsTable(data: TopologyData, findings: readonly Finding[]): ViewTable {
  return {
    id: 'failure-domains',
    title: 'CAPV deployment zones',
    columns: [
      { key: 'name', title: 'DEPLOYMENT-ZONE', width: 20 },
      { key: 'failureDomain', title: 'FAILURE-DOMAIN', width: 18 },
      { key: 'region', title: 'REGION-TAG', width: 20 },
      { key: 'zone', title: 'ZONE-TAG', width: 20 },
      { key: 'controlPlane', title: 'CP', width: 5 },
      { key: 'ready', title: 'READY', width: 6 },
      { key: 'reason', title: 'REASON' },
    ],
    rows: [...(data.deploymentZones ?? [])]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((dz) => {
        const fd = data.failureDomains?.find((f) => f.name === dz.failureDomain);
        const reason =
          dz.conditions.find((c) => c.status === 'False' && c.type !== 'Ready') ??
          dz.conditions.find((c) => c.status === 'False');
        const tag = (l: { tagCategory?: string; name?: string } | undefined) =>
          l?.name ? `${l.tagCategory ?? '?'}/${l.name}` : '-';
        return {
          key: subjectKey({ kind: 'VSphereDeploymentZone', name: dz.name }),
          cells: {
            name: dz.name,
            failureDomain: dz.failureDomain ?? '-',
            region: tag(fd?.region),
            zone: tag(fd?.zone),
            controlPlane: dz.controlPlane === false ? 'no' : 'yes',
            ready: dz.ready === undefined ? '?' : dz.ready ? 'yes' : 'no',
            reason: reason
              ? `${reason.reason ?? reason.type}${reason.message ? `: ${reason.message}` : ''}`
              : '',
          },
          ...rowFindings(
            findings.filter(
              (f) =>
                (f.subject.kind === 'VSphereDeploymentZone' && f.subject.name === dz.name) ||
                (f.subject.kind === 'VSphereFailureDomain' && f.subject.name === dz.failureDomain),
            ),
          ),
          object: { deploymentZone: dz, failureDomain: fd ?? null },
        };
      }),
  };
}
