import { describe, expect, it } from 'vitest';
import { findingKey } from '../../../src/model/finding.js';
import { evaluateTopology, topologyEvaluator } from '../../../src/model/topology/evaluate.js';
import type { NodeSignals, TopologyData } from '../../../src/model/topology/types.js';
import {
  config,
  data,
  loadScenario,
  node,
  scenarioConfig,
  summarize,
  TOPOLOGY_FIXTURE_FINDINGS,
} from './helpers.js';

const NOW = new Date('2026-11-22T12:30:00Z');

describe('topology findings on the wc-1 scenario (fixtures/topology/wc-1.yaml)', () => {
  const findings = evaluateTopology(loadScenario(), scenarioConfig(), NOW);

  it('are exactly the planted problems, plus a pass for every clean node', () => {
    expect(summarize(findings)).toEqual(TOPOLOGY_FIXTURE_FINDINGS);
  });

  it('keeps every finding key unique', () => {
    const keys = findings.map(findingKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  const byCode = (code: string, name?: string) =>
    findings.find((f) => f.code === code && (name === undefined || f.subject.name === name));

  it('resolves the Machine chain down to the zone tag', () => {
    const f = byCode('TOPO-201');
    expect(f?.subject).toEqual({
      kind: 'Machine',
      namespace: 'default',
      name: 'wc-1-cp-a2',
      node: 'wc-1-cp-a2',
    });
    expect(f?.evidence.chain).toMatchObject({
      failureDomain: 'dz-zone-b',
      deploymentZone: 'dz-zone-b',
      vsphereFailureDomain: 'fd-zone-b',
      zoneTag: { category: 'k8s-zone', name: 'zone-b' },
      expectedZone: 'zone-b',
      via: 'resolved',
    });
    expect(f?.evidence.nodeZone).toBe('zone-a');
    expect(f?.detail).toContain(
      'VSphereDeploymentZone dz-zone-b → VSphereFailureDomain fd-zone-b → zone tag k8s-zone/zone-b',
    );
  });

  it('names every disagreeing label with its value', () => {
    const f = byCode('TOPO-003');
    expect(f?.evidence.zoneLabels).toEqual({
      'topology.kubernetes.io/zone': 'zone-c',
      'failure-domain.beta.kubernetes.io/zone': 'zone-b',
    });
    expect(f?.evidence.disagreeOn).toEqual(['zone']);
  });

  it('says why a deployment zone is not ready and which tag failed validation', () => {
    expect(byCode('TOPO-202')?.title).toBe('VSphereDeploymentZone dz-zone-c not ready: ZoneMisconfigured');
    const validation = byCode('TOPO-203');
    expect(validation?.detail).toContain(
      'VSphereFailureDomainValidated=False (ZoneMisconfigured): failed to verify tag zone-c and category k8s-zone',
    );
    expect(validation?.evidence).toMatchObject({
      deploymentZones: ['dz-zone-c'],
      zone: { name: 'zone-c', tagCategory: 'k8s-zone' },
    });
  });

  it('counts workers per zone and spots the control plane in one zone', () => {
    expect(byCode('TOPO-006')?.evidence).toEqual({
      workersPerZone: { 'zone-a': 3, 'zone-b': 1, 'zone-c': 2, 'zone-d': 1 },
      workersWithoutZone: 1,
      skew: 2,
    });
    // dz-zone-c says controlPlane: false, so only zone-a and zone-b can take control planes.
    expect(byCode('TOPO-005')?.evidence).toMatchObject({
      zonesUsed: ['zone-a'],
      zonesAvailable: ['zone-a', 'zone-b'],
    });
  });

  it('distinguishes a missing vSphere CSI driver from one registered without keys', () => {
    expect(byCode('TOPO-101', 'wc-1-md-1-nocsi')?.evidence).toMatchObject({ drivers: [] });
    expect(byCode('TOPO-101', 'wc-1-md-1-nolabels')?.evidence).toMatchObject({ topologyKeys: [] });
  });

  it('runs through the Evaluator contract from the store snapshot', () => {
    const scenario = loadScenario();
    const out = topologyEvaluator.evaluate({
      data: scenario,
      inputs: {},
      config: scenarioConfig(),
      now: NOW,
    });
    expect(summarize(out)).toEqual(summarize(findings));
  });
});

const A = { region: 'region-1', zone: 'zone-a' };
const B = { region: 'region-1', zone: 'zone-b' };
const C = { region: 'region-1', zone: 'zone-c' };

function signals(partial: Partial<NodeSignals>): NodeSignals {
  return { readyTransitions: [], ipChanges: [], droppedTransitions: 0, ...partial };
}
const flip = (at: string, to: 'True' | 'False') => ({
  at,
  from: to === 'True' ? ('False' as const) : ('True' as const),
  to,
});

interface Case {
  readonly name: string;
  readonly data: TopologyData;
  readonly config?: ReturnType<typeof config>;
  readonly expected: string[];
}

const cases: Case[] = [
  {
    name: 'no zones anywhere: nodes are clean, no spread checks',
    data: data({ nodes: [node('n1', { labels: {} }), node('n2', { cp: true, labels: {} })] }),
    expected: ['TOPO-001 pass Node/n1', 'TOPO-001 pass Node/n2'],
  },
  {
    name: 'zones in the config but no node labelled: every node fails',
    data: data({ nodes: [node('n1', { labels: {} })] }),
    config: config({ zones: ['zone-a'] }),
    expected: ['TOPO-002 fail Node/n1'],
  },
  {
    name: 'zone without region while others have regions',
    data: data({
      nodes: [
        node('n1', A),
        node('n2', {
          labels: {
            'topology.kubernetes.io/zone': 'zone-a',
            'failure-domain.beta.kubernetes.io/zone': 'zone-a',
          },
        }),
      ],
    }),
    // Its CSINode lists the legacy region key, which the node lacks: CSI cannot match it either.
    expected: ['TOPO-001 pass Node/n1', 'TOPO-002 fail Node/n2', 'TOPO-101 fail CSINode/n2'],
  },
  {
    name: 'legacy labels only (older TKG) are fine',
    data: data({
      nodes: [
        node('n1', {
          labels: {
            'failure-domain.beta.kubernetes.io/region': 'region-1',
            'failure-domain.beta.kubernetes.io/zone': 'zone-a',
          },
        }),
      ],
    }),
    expected: ['TOPO-001 pass Node/n1'],
  },
  {
    name: 'region disagreement between current and legacy',
    data: data({
      nodes: [
        node('n1', {
          labels: {
            'topology.kubernetes.io/region': 'region-1',
            'failure-domain.beta.kubernetes.io/region': 'region-2',
            'topology.kubernetes.io/zone': 'zone-a',
          },
        }),
      ],
      csiNodes: [
        {
          name: 'n1',
          drivers: [{ name: 'csi.vsphere.vmware.com', topologyKeys: ['topology.kubernetes.io/zone'] }],
        },
      ],
    }),
    expected: ['TOPO-003 fail Node/n1'],
  },
  {
    name: 'improved-topology CSI label disagrees with the CPI label',
    data: data({
      nodes: [
        node('n1', {
          labels: { 'topology.kubernetes.io/zone': 'zone-a', 'topology.csi.vmware.com/k8s-zone': 'zone-b' },
        }),
      ],
      csiNodes: [
        {
          name: 'n1',
          drivers: [{ name: 'csi.vsphere.vmware.com', topologyKeys: ['topology.csi.vmware.com/k8s-zone'] }],
        },
      ],
    }),
    expected: ['TOPO-003 fail Node/n1'],
  },
  {
    name: 'region outside the config',
    data: data({ nodes: [node('n1', { region: 'region-2', zone: 'zone-a' })] }),
    config: config({ region: 'region-1', zones: ['zone-a'] }),
    expected: ['TOPO-004 fail Node/n1'],
  },
  {
    name: 'three control planes in three zones: pass; workers 2/1/1 balanced',
    data: data({
      nodes: [
        node('cp1', { cp: true, ...A }),
        node('cp2', { cp: true, ...B }),
        node('cp3', { cp: true, ...C }),
        node('w1', A),
        node('w2', A),
        node('w3', B),
        node('w4', C),
      ],
    }),
    expected: [
      'TOPO-001 pass Node/cp1',
      'TOPO-001 pass Node/cp2',
      'TOPO-001 pass Node/cp3',
      'TOPO-001 pass Node/w1',
      'TOPO-001 pass Node/w2',
      'TOPO-001 pass Node/w3',
      'TOPO-001 pass Node/w4',
      'TOPO-005 pass ControlPlane/control-plane',
      'TOPO-006 pass Zones/workers',
    ],
  },
  {
    name: 'three control planes in two of three zones: warn; an empty configured zone skews workers',
    data: data({
      nodes: [
        node('cp1', { cp: true, ...A }),
        node('cp2', { cp: true, ...A }),
        node('cp3', { cp: true, ...B }),
        node('w1', A),
        node('w2', A),
      ],
    }),
    config: config({ zones: ['zone-a', 'zone-b', 'zone-c'] }),
    expected: [
      'TOPO-001 pass Node/cp1',
      'TOPO-001 pass Node/cp2',
      'TOPO-001 pass Node/cp3',
      'TOPO-001 pass Node/w1',
      'TOPO-001 pass Node/w2',
      'TOPO-005 warn ControlPlane/control-plane',
      'TOPO-006 info Zones/workers',
    ],
  },
  {
    name: 'a single control plane cannot be spread: no TOPO-005',
    data: data({ nodes: [node('cp1', { cp: true, ...A }), node('w1', B)] }),
    expected: ['TOPO-001 pass Node/cp1', 'TOPO-001 pass Node/w1', 'TOPO-006 pass Zones/workers'],
  },
  {
    name: 'CSINode missing, and keys that are not node labels',
    data: data({
      nodes: [node('n1', A), node('n2', A)],
      csiNodes: [
        {
          name: 'n2',
          drivers: [{ name: 'csi.vsphere.vmware.com', topologyKeys: ['topology.csi.vmware.com/k8s-zone'] }],
        },
      ],
    }),
    expected: ['TOPO-101 fail CSINode/n1', 'TOPO-101 fail CSINode/n2'],
  },
  {
    name: 'no CSI checks when no node carries zone labels',
    data: data({ nodes: [node('n1', { labels: {} })], csiNodes: [] }),
    expected: ['TOPO-001 pass Node/n1'],
  },
  {
    name: 'Machine failureDomain compared directly when no CAPV zone objects exist',
    data: data({
      nodes: [node('n1', A), node('n2', B)],
      machines: [
        { namespace: 'ns', name: 'm1', controlPlane: false, failureDomain: 'zone-b', nodeName: 'n1' },
        { namespace: 'ns', name: 'm2', controlPlane: false, failureDomain: 'zone-b', nodeName: 'n2' },
      ],
    }),
    expected: ['TOPO-001 pass Node/n2', 'TOPO-006 pass Zones/workers', 'TOPO-201 fail Machine/ns/m1'],
  },
  {
    name: 'Machine chain resolves the region too',
    data: data({
      nodes: [node('n1', { region: 'region-2', zone: 'zone-a' })],
      machines: [{ namespace: 'ns', name: 'm1', controlPlane: false, failureDomain: 'dz-a', nodeName: 'n1' }],
      deploymentZones: [{ name: 'dz-a', failureDomain: 'fd-a', ready: true, conditions: [] }],
      failureDomains: [
        {
          name: 'fd-a',
          region: { name: 'region-1', tagCategory: 'k8s-region' },
          zone: { name: 'zone-a', tagCategory: 'k8s-zone' },
          conditions: [],
        },
      ],
    }),
    expected: ['TOPO-201 fail Machine/ns/m1'],
  },
  {
    name: 'a control-plane Machine makes its node control plane even without the role label',
    data: data({
      nodes: [node('n1', A), node('n2', A)],
      machines: [
        { namespace: 'ns', name: 'n1', controlPlane: true, nodeName: 'n1' },
        { namespace: 'ns', name: 'n2', controlPlane: true, nodeName: 'n2' },
      ],
    }),
    config: config({ zones: ['zone-a', 'zone-b'] }),
    expected: ['TOPO-001 pass Node/n1', 'TOPO-001 pass Node/n2', 'TOPO-005 warn ControlPlane/control-plane'],
  },
  {
    name: 'v1beta2 deployment zone: Ready condition False without status.ready, FailureDomainValidated False',
    data: data({
      nodes: [],
      deploymentZones: [
        {
          name: 'dz-a',
          failureDomain: 'fd-a',
          conditions: [
            { type: 'Ready', status: 'False', reason: 'NotReady' },
            {
              type: 'FailureDomainValidated',
              status: 'False',
              reason: 'ComputeClusterNotFound',
              message: 'compute cluster cluster9 not found',
            },
          ],
        },
        { name: 'dz-b', failureDomain: 'fd-b', conditions: [{ type: 'Ready', status: 'True' }] },
      ],
    }),
    expected: ['TOPO-202 fail VSphereDeploymentZone/dz-a', 'TOPO-203 fail VSphereFailureDomain/fd-a'],
  },
  {
    name: 'flapping: three flips in the window warn, older flips do not count',
    data: data({
      nodes: [node('n1', { labels: {} }), node('n2', { labels: {} })],
      signals: {
        n1: signals({
          readyTransitions: [
            flip('2026-11-22T12:20:00Z', 'False'),
            flip('2026-11-22T12:21:00Z', 'True'),
            flip('2026-11-22T12:22:00Z', 'False'),
          ],
        }),
        n2: signals({
          readyTransitions: [
            flip('2026-11-22T11:00:00Z', 'False'),
            flip('2026-11-22T11:01:00Z', 'True'),
            flip('2026-11-22T12:29:00Z', 'False'),
          ],
        }),
      },
    }),
    // n2 flipped once in the window: info, and the node still counts as clean.
    expected: ['TOPO-001 pass Node/n2', 'TOPO-301 info Node/n2', 'TOPO-301 warn Node/n1'],
  },
  {
    name: 'flips missed during a watch gap count double',
    data: data({
      nodes: [node('n1', { labels: {} })],
      signals: {
        n1: signals({
          readyTransitions: [
            flip('2026-11-22T12:20:00Z', 'False'),
            { ...flip('2026-11-22T12:25:00Z', 'False'), missed: true },
          ],
        }),
      },
    }),
    expected: ['TOPO-301 warn Node/n1'],
  },
  {
    name: 'InternalIP change warns',
    data: data({
      nodes: [node('n1', { labels: {}, ip: '10.0.0.9' })],
      signals: {
        n1: signals({ ipChanges: [{ at: '2026-11-22T12:10:00Z', from: ['10.0.0.1'], to: ['10.0.0.9'] }] }),
      },
    }),
    expected: ['TOPO-302 warn Node/n1'],
  },
];

describe('topology checks (table)', () => {
  it.each(cases)('$name', ({ data: d, config: c, expected }) => {
    expect(summarize(evaluateTopology(d, c ?? config(), NOW))).toEqual([...expected].sort());
  });

  it('points a flapping Windows node at the portgroup security probe', () => {
    const d = data({
      nodes: [node('win-1', { os: 'windows', labels: {} })],
      signals: {
        'win-1': signals({
          readyTransitions: [
            flip('2026-11-22T12:20:00Z', 'False'),
            flip('2026-11-22T12:21:00Z', 'True'),
            flip('2026-11-22T12:22:00Z', 'False'),
          ],
        }),
      },
    });
    const [f] = evaluateTopology(d, config(), NOW);
    expect(f?.code).toBe('TOPO-301');
    expect(f?.severity).toBe('warn');
    expect(f?.detail).toContain('Promiscuous mode');
    expect(f?.remedy).toContain('distributed portgroup');
    expect(f?.evidence).toMatchObject({ flips: 3, windowMinutes: 15, seeProbe: 'portgroups', os: 'windows' });
  });

  it('honours flap_threshold and flap_window_minutes', () => {
    const d = data({
      nodes: [node('n1', { labels: {} })],
      signals: {
        n1: signals({
          readyTransitions: [flip('2026-11-22T11:50:00Z', 'False'), flip('2026-11-22T11:51:00Z', 'True')],
        }),
      },
    });
    expect(summarize(evaluateTopology(d, config(), NOW))).toEqual(['TOPO-001 pass Node/n1']);
    expect(summarize(evaluateTopology(d, config({ flapWindowMinutes: 60, flapThreshold: 2 }), NOW))).toEqual([
      'TOPO-301 warn Node/n1',
    ]);
  });
});
