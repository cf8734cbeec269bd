import {
  type ConditionRecord,
  type ConditionStatus,
  type CsiNodeRecord,
  type DeploymentZoneRecord,
  type FailureDomainLevel,
  type FailureDomainRecord,
  LABELS,
  type MachineRecord,
  type NodeRecord,
  type TopologyData,
} from './types.js';

/**
 * Raw Kubernetes objects → slim topology records. Pure: the probe calls these as Collection
 * transforms, tests call them on upstream-shaped fixtures.
 */
type Raw = Record<string, unknown>;

function obj(value: unknown): Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Raw) : {};
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

function conditionStatus(value: unknown): ConditionStatus | undefined {
  return value === 'True' || value === 'False' || value === 'Unknown' ? value : undefined;
}

/** Labels the topology checks read; every other label is dropped. */
export function isTopologyLabel(key: string): boolean {
  return (
    key === LABELS.region ||
    key === LABELS.zone ||
    key === LABELS.legacyRegion ||
    key === LABELS.legacyZone ||
    key.startsWith(LABELS.csiPrefix) ||
    key === LABELS.os ||
    key === LABELS.betaOs ||
    key === LABELS.controlPlane ||
    key === LABELS.master
  );
}

export function toNodeRecord(raw: Raw): NodeRecord | undefined {
  raw = obj(raw);
  const meta = obj(raw.metadata);
  const name = str(meta.name);
  if (!name) return undefined;
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(obj(meta.labels))) {
    if (typeof value === 'string' && isTopologyLabel(key)) labels[key] = value;
  }
  const status = obj(raw.status);
  const ready = arr(status.conditions)
    .map(obj)
    .find((c) => c.type === 'Ready');
  const addresses = arr(status.addresses).map(obj);
  const addressesOf = (type: string) =>
    addresses.filter((a) => a.type === type).flatMap((a) => (str(a.address) ? [a.address as string] : []));
  const isControlPlane = LABELS.controlPlane in labels || LABELS.master in labels;
  return {
    uid: str(meta.uid) ?? name,
    name,
    labels,
    role: isControlPlane ? 'control-plane' : 'worker',
    os: labels[LABELS.os] ?? labels[LABELS.betaOs] ?? str(obj(status.nodeInfo).operatingSystem),
    ready: ready ? conditionStatus(ready.status) : undefined,
    readyReason: ready ? str(ready.reason) : undefined,
    readyMessage: ready ? str(ready.message) : undefined,
    readySince: ready ? str(ready.lastTransitionTime) : undefined,
    internalIPs: addressesOf('InternalIP'),
    externalIPs: addressesOf('ExternalIP'),
    hostname: addressesOf('Hostname')[0],
    createdAt: str(meta.creationTimestamp),
  };
}

export function toCsiNodeRecord(raw: Raw): CsiNodeRecord | undefined {
  raw = obj(raw);
  const name = str(obj(raw.metadata).name);
  if (!name) return undefined;
  const drivers = arr(obj(raw.spec).drivers)
    .map(obj)
    .flatMap((d) => {
      const driverName = str(d.name);
      if (!driverName) return [];
      return [
        {
          name: driverName,
          nodeID: str(d.nodeID),
          topologyKeys: arr(d.topologyKeys).filter((k): k is string => typeof k === 'string'),
        },
      ];
    });
  return { name, drivers };
}

export function toMachineRecord(raw: Raw): MachineRecord | undefined {
  raw = obj(raw);
  const meta = obj(raw.metadata);
  const name = str(meta.name);
  if (!name) return undefined;
  const labels = obj(meta.labels);
  const spec = obj(raw.spec);
  const status = obj(raw.status);
  return {
    namespace: str(meta.namespace) ?? 'default',
    name,
    clusterName: str(labels[LABELS.clusterName]) ?? str(spec.clusterName),
    controlPlane: LABELS.machineControlPlane in labels,
    failureDomain: str(spec.failureDomain),
    nodeName: str(obj(status.nodeRef).name),
    phase: str(status.phase),
  };
}

/** Conditions from every place CAPV has kept them over its API versions. */
export function conditionsOf(status: Raw): ConditionRecord[] {
  const lists = [
    arr(status.conditions),
    arr(obj(status.v1beta2).conditions),
    arr(obj(obj(status.deprecated).v1beta1).conditions),
  ];
  const out: ConditionRecord[] = [];
  const seen = new Set<string>();
  for (const list of lists) {
    for (const c of list.map(obj)) {
      const type = str(c.type);
      const s = conditionStatus(c.status);
      if (!type || !s) continue;
      const key = `${type}|${s}|${str(c.reason) ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        type,
        status: s,
        reason: str(c.reason),
        message: str(c.message),
        severity: str(c.severity),
        lastTransitionTime: str(c.lastTransitionTime),
      });
    }
  }
  return out;
}

export function toDeploymentZoneRecord(raw: Raw): DeploymentZoneRecord | undefined {
  raw = obj(raw);
  const name = str(obj(raw.metadata).name);
  if (!name) return undefined;
  const spec = obj(raw.spec);
  const status = obj(raw.status);
  return {
    name,
    server: str(spec.server),
    failureDomain: str(spec.failureDomain),
    controlPlane: bool(spec.controlPlane),
    ready: bool(status.ready),
    conditions: conditionsOf(status),
  };
}

function level(value: unknown): FailureDomainLevel {
  const l = obj(value);
  return { name: str(l.name), type: str(l.type), tagCategory: str(l.tagCategory) };
}

export function toFailureDomainRecord(raw: Raw): FailureDomainRecord | undefined {
  raw = obj(raw);
  const name = str(obj(raw.metadata).name);
  if (!name) return undefined;
  const spec = obj(raw.spec);
  const topology = obj(spec.topology);
  return {
    name,
    region: level(spec.region),
    zone: level(spec.zone),
    datacenter: str(topology.datacenter),
    computeCluster: str(topology.computeCluster),
    conditions: conditionsOf(obj(raw.status)),
  };
}

/** Builds the probe data from a list of raw objects (fixtures, dumps); kinds the probe does not read are ignored. */
export function topologyDataFromObjects(
  objects: readonly Raw[],
  options: { signals?: TopologyData['signals']; live?: boolean; observedSince?: string } = {},
): TopologyData {
  // A null or non-object entry (a broken dump) is skipped, not a crash.
  const byKind = (kind: string) => objects.filter((o) => obj(o).kind === kind);
  const some = <T>(list: Raw[], transform: (raw: Raw) => T | undefined): T[] =>
    list.flatMap((o) => {
      const r = transform(o);
      return r === undefined ? [] : [r];
    });
  const machines = byKind('Machine');
  const zones = byKind('VSphereDeploymentZone');
  const domains = byKind('VSphereFailureDomain');
  return {
    nodes: some(byKind('Node'), toNodeRecord),
    csiNodes: some(byKind('CSINode'), toCsiNodeRecord),
    machines: machines.length ? some(machines, toMachineRecord) : undefined,
    deploymentZones: zones.length ? some(zones, toDeploymentZoneRecord) : undefined,
    failureDomains: domains.length ? some(domains, toFailureDomainRecord) : undefined,
    signals: options.signals ?? {},
    observedSince: options.observedSince ?? new Date(0).toISOString(),
    live: options.live ?? false,
  };
}
