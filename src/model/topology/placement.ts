import {
  type FailureDomainRecord,
  LABELS,
  type MachineRecord,
  type NodeRecord,
  type NodeRole,
  type TopologyData,
} from './types.js';

/** Which `topology.csi.vmware.com/<category>` labels mean region and which mean zone. */
export interface CsiCategories {
  readonly region: ReadonlySet<string>;
  readonly zone: ReadonlySet<string>;
}

/**
 * The tag categories CAPV failure domains name are authoritative; otherwise a category whose name
 * says "region" or "zone" (k8s-region, k8s-zone, the TKG defaults) is taken as such.
 */
export function csiCategories(
  failureDomains: readonly FailureDomainRecord[] | undefined,
  nodes: readonly NodeRecord[],
): CsiCategories {
  const region = new Set<string>();
  const zone = new Set<string>();
  for (const fd of failureDomains ?? []) {
    if (fd.region.tagCategory) region.add(fd.region.tagCategory);
    if (fd.zone.tagCategory) zone.add(fd.zone.tagCategory);
  }
  for (const node of nodes) {
    for (const key of Object.keys(node.labels)) {
      if (!key.startsWith(LABELS.csiPrefix)) continue;
      const category = key.slice(LABELS.csiPrefix.length);
      if (region.has(category) || zone.has(category)) continue;
      if (/zone/i.test(category)) zone.add(category);
      else if (/region/i.test(category)) region.add(category);
    }
  }
  return { region, zone };
}

/** One dimension (region or zone) of a node's placement, from every label that states it. */
export interface PlacementDimension {
  /** current label, else legacy, else CSI. */
  readonly value?: string;
  /** Every label that names this dimension, key → value. */
  readonly labels: Readonly<Record<string, string>>;
  /** More than one distinct value among those labels. */
  readonly conflict: boolean;
}

export interface NodePlacement {
  readonly region: PlacementDimension;
  readonly zone: PlacementDimension;
}

function dimension(
  node: NodeRecord,
  current: string,
  legacy: string,
  categories: ReadonlySet<string>,
): PlacementDimension {
  const labels: Record<string, string> = {};
  const ordered: string[] = [];
  for (const key of [current, legacy, ...[...categories].sort().map((c) => LABELS.csiPrefix + c)]) {
    const value = node.labels[key];
    if (value === undefined || value === '') continue;
    labels[key] = value;
    ordered.push(value);
  }
  return { value: ordered[0], labels, conflict: new Set(ordered).size > 1 };
}

export function placementOf(node: NodeRecord, categories: CsiCategories): NodePlacement {
  return {
    region: dimension(node, LABELS.region, LABELS.legacyRegion, categories.region),
    zone: dimension(node, LABELS.zone, LABELS.legacyZone, categories.zone),
  };
}

/** Every topology label on the node (without OS and role labels), for evidence. */
export function topologyLabelsOf(node: NodeRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(node.labels)) {
    if (key === LABELS.os || key === LABELS.betaOs || key === LABELS.controlPlane || key === LABELS.master)
      continue;
    out[key] = value;
  }
  return out;
}

/** A node is control plane by its role label, or because a control-plane Machine became it. */
export function roleOf(node: NodeRecord, machinesByNode: ReadonlyMap<string, MachineRecord>): NodeRole {
  if (node.role === 'control-plane') return 'control-plane';
  return machinesByNode.get(node.name)?.controlPlane ? 'control-plane' : 'worker';
}

export function machinesByNode(machines: readonly MachineRecord[] | undefined): Map<string, MachineRecord> {
  const out = new Map<string, MachineRecord>();
  for (const m of machines ?? []) if (m.nodeName) out.set(m.nodeName, m);
  return out;
}

/** Where a Machine's failureDomain points: VSphereDeploymentZone → VSphereFailureDomain → zone/region tags. */
export interface FailureDomainChain {
  readonly failureDomain: string;
  readonly deploymentZone?: string;
  readonly vsphereFailureDomain?: string;
  readonly zoneTag?: { readonly category?: string; readonly name?: string };
  readonly regionTag?: { readonly category?: string; readonly name?: string };
  /** The zone the node should be labelled with. */
  readonly expectedZone: string;
  readonly expectedRegion?: string;
  /** `resolved` through CAPV objects, or `direct` (failureDomain compared to the zone label as is). */
  readonly via: 'resolved' | 'direct';
}

export function resolveFailureDomain(failureDomain: string, data: TopologyData): FailureDomainChain {
  const dz = data.deploymentZones?.find((z) => z.name === failureDomain);
  const fd = dz?.failureDomain ? data.failureDomains?.find((f) => f.name === dz.failureDomain) : undefined;
  if (dz && fd?.zone.name) {
    return {
      failureDomain,
      deploymentZone: dz.name,
      vsphereFailureDomain: fd.name,
      zoneTag: { category: fd.zone.tagCategory, name: fd.zone.name },
      regionTag: { category: fd.region.tagCategory, name: fd.region.name },
      expectedZone: fd.zone.name,
      expectedRegion: fd.region.name,
      via: 'resolved',
    };
  }
  return {
    failureDomain,
    deploymentZone: dz?.name,
    vsphereFailureDomain: dz?.failureDomain,
    expectedZone: failureDomain,
    via: 'direct',
  };
}
