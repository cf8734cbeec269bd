import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, DEFAULT_CONFIG, parseConfig } from '../../../src/model/config.js';
import type { Finding } from '../../../src/model/finding.js';
import { topologyDataFromObjects } from '../../../src/model/topology/records.js';
import type { NodeRecord, TopologyData } from '../../../src/model/topology/types.js';
import { parseYaml } from '../../helpers/yaml.js';

export const FIXTURES = join(import.meta.dirname, '../../../fixtures/topology');

export function loadObjects(file = 'wc-1.yaml'): Record<string, unknown>[] {
  const list = parseYaml(readFileSync(join(FIXTURES, file), 'utf8')) as { items: Record<string, unknown>[] };
  return list.items;
}

export function loadScenario(file = 'wc-1.yaml'): TopologyData {
  return topologyDataFromObjects(loadObjects(file));
}

export function scenarioConfig(): Config {
  return parseConfig(readFileSync(join(FIXTURES, 'airgap-top.toml'), 'utf8'), 'airgap-top.toml').config;
}

export function config(topology: Partial<Config['topology']> = {}): Config {
  return { ...DEFAULT_CONFIG, topology: { zones: [], ...topology } };
}

/** `CODE severity Kind/name` lines, sorted: the exact finding list a test pins. */
export function summarize(findings: readonly Finding[]): string[] {
  return findings
    .map(
      (f) =>
        `${f.code} ${f.severity} ${f.subject.kind}/${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`,
    )
    .sort();
}

let uid = 0;
/** A node record with zone labels in every scheme unless told otherwise. */
export function node(
  name: string,
  opts: {
    cp?: boolean;
    os?: string;
    region?: string;
    zone?: string;
    labels?: Record<string, string>;
    ip?: string;
  } = {},
): NodeRecord {
  const labels: Record<string, string> = opts.labels ?? {
    ...(opts.region
      ? {
          'topology.kubernetes.io/region': opts.region,
          'failure-domain.beta.kubernetes.io/region': opts.region,
        }
      : {}),
    ...(opts.zone
      ? { 'topology.kubernetes.io/zone': opts.zone, 'failure-domain.beta.kubernetes.io/zone': opts.zone }
      : {}),
  };
  uid += 1;
  return {
    uid: `uid-${uid}`,
    name,
    labels: { 'kubernetes.io/os': opts.os ?? 'linux', ...labels },
    role: opts.cp ? 'control-plane' : 'worker',
    os: opts.os ?? 'linux',
    ready: 'True',
    readySince: '2026-11-20T09:14:02Z',
    internalIPs: [opts.ip ?? '10.0.0.1'],
    externalIPs: [],
  };
}

export function data(partial: Partial<TopologyData>): TopologyData {
  const nodes = partial.nodes ?? [];
  return {
    nodes,
    // Every node gets a CSINode with the legacy keys unless the case gives its own.
    csiNodes:
      partial.csiNodes ??
      nodes.map((n) => ({
        name: n.name,
        drivers: [
          {
            name: 'csi.vsphere.vmware.com',
            topologyKeys: [
              'failure-domain.beta.kubernetes.io/region',
              'failure-domain.beta.kubernetes.io/zone',
            ],
          },
        ],
      })),
    machines: partial.machines,
    deploymentZones: partial.deploymentZones,
    failureDomains: partial.failureDomains,
    signals: partial.signals ?? {},
    observedSince: partial.observedSince ?? '2026-11-22T12:00:00Z',
    live: partial.live ?? true,
  };
}

/**
 * The planted problems of fixtures/topology/wc-1.yaml, plus a pass for every clean node: pinned once,
 * asserted on the pure evaluation and through the simulator and the CLI (test/probes/topology.test.ts).
 */
export const TOPOLOGY_FIXTURE_FINDINGS = [
  'TOPO-001 pass Node/wc-1-cp-a1',
  'TOPO-001 pass Node/wc-1-cp-a3',
  'TOPO-001 pass Node/wc-1-md-0-w1',
  'TOPO-001 pass Node/wc-1-md-0-w2',
  'TOPO-001 pass Node/wc-1-md-0-w3',
  'TOPO-001 pass Node/wc-1-win-0',
  'TOPO-002 fail Node/wc-1-md-1-nolabels',
  'TOPO-003 fail Node/wc-1-md-1-legacy',
  'TOPO-004 fail Node/wc-1-md-1-zoned',
  'TOPO-005 warn ControlPlane/control-plane',
  'TOPO-006 info Zones/workers',
  'TOPO-101 fail CSINode/wc-1-md-1-nocsi',
  'TOPO-101 fail CSINode/wc-1-md-1-nolabels',
  'TOPO-201 fail Machine/default/wc-1-cp-a2',
  'TOPO-202 fail VSphereDeploymentZone/dz-zone-c',
  'TOPO-203 fail VSphereFailureDomain/fd-zone-c',
].sort();
