import { describe, expect, it } from 'vitest';
import {
  conditionsOf,
  toCsiNodeRecord,
  toDeploymentZoneRecord,
  toFailureDomainRecord,
  toMachineRecord,
  toNodeRecord,
} from '../../../src/model/topology/records.js';
import {
  EMPTY_SIGNALS,
  flapsInWindow,
  nextSignals,
  SIGNAL_LIMITS,
} from '../../../src/model/topology/signals.js';
import type { NodeRecord, NodeSignals } from '../../../src/model/topology/types.js';
import { loadObjects } from './helpers.js';

const objects = loadObjects();
const find = (kind: string, name: string) => {
  const o = objects.find((x) => x.kind === kind && (x.metadata as { name: string }).name === name);
  if (!o) throw new Error(`${kind} ${name} not in fixture`);
  return o;
};

describe('slim topology records from upstream objects', () => {
  it('keeps only the topology, OS and role labels of a kubelet Node, and its Ready condition and addresses', () => {
    const record = toNodeRecord(find('Node', 'wc-1-cp-a1'));
    expect(record).toEqual({
      uid: expect.any(String),
      name: 'wc-1-cp-a1',
      labels: {
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/os': 'linux',
        'node-role.kubernetes.io/control-plane': '',
        'topology.kubernetes.io/region': 'region-1',
        'topology.kubernetes.io/zone': 'zone-a',
        'failure-domain.beta.kubernetes.io/region': 'region-1',
        'failure-domain.beta.kubernetes.io/zone': 'zone-a',
        'topology.csi.vmware.com/k8s-region': 'region-1',
        'topology.csi.vmware.com/k8s-zone': 'zone-a',
      },
      role: 'control-plane',
      os: 'linux',
      ready: 'True',
      readyReason: 'KubeletReady',
      readyMessage: 'kubelet is posting ready status',
      readySince: '2026-11-20T09:14:02Z',
      internalIPs: ['10.20.30.10'],
      externalIPs: ['10.20.30.10'],
      hostname: 'wc-1-cp-a1',
      createdAt: '2026-11-20T09:12:44Z',
    });
  });

  it('reads the OS of a Windows node and the legacy master role', () => {
    expect(toNodeRecord(find('Node', 'wc-1-win-0'))?.os).toBe('windows');
    const master = toNodeRecord({
      metadata: { name: 'm', labels: { 'node-role.kubernetes.io/master': '' } },
      status: { nodeInfo: { operatingSystem: 'linux' } },
    });
    expect(master).toMatchObject({ role: 'control-plane', os: 'linux', ready: undefined, internalIPs: [] });
  });

  it('reads CSINode drivers with and without topologyKeys', () => {
    expect(toCsiNodeRecord(find('CSINode', 'wc-1-cp-a1'))).toEqual({
      name: 'wc-1-cp-a1',
      drivers: [
        {
          name: 'csi.vsphere.vmware.com',
          nodeID: 'wc-1-cp-a1',
          topologyKeys: ['topology.csi.vmware.com/k8s-region', 'topology.csi.vmware.com/k8s-zone'],
        },
      ],
    });
    expect(toCsiNodeRecord(find('CSINode', 'wc-1-md-1-nolabels'))?.drivers[0]?.topologyKeys).toEqual([]);
    expect(toCsiNodeRecord(find('CSINode', 'wc-1-md-1-nocsi'))?.drivers).toEqual([]);
  });

  it('reads a CAPI Machine: failure domain, node reference, cluster and control-plane labels', () => {
    expect(toMachineRecord(find('Machine', 'wc-1-cp-a2'))).toEqual({
      namespace: 'default',
      name: 'wc-1-cp-a2',
      clusterName: 'wc-1',
      controlPlane: true,
      failureDomain: 'dz-zone-b',
      nodeName: 'wc-1-cp-a2',
      phase: 'Running',
    });
    expect(toMachineRecord(find('Machine', 'wc-1-md-0-w1'))?.controlPlane).toBe(false);
  });

  it('reads CAPV failure domains and deployment zones', () => {
    expect(toFailureDomainRecord(find('VSphereFailureDomain', 'fd-zone-b'))).toEqual({
      name: 'fd-zone-b',
      region: { name: 'region-1', type: 'Datacenter', tagCategory: 'k8s-region' },
      zone: { name: 'zone-b', type: 'ComputeCluster', tagCategory: 'k8s-zone' },
      datacenter: 'dc0',
      computeCluster: 'cluster2',
      conditions: [],
    });
    const dz = toDeploymentZoneRecord(find('VSphereDeploymentZone', 'dz-zone-c'));
    expect(dz).toMatchObject({
      name: 'dz-zone-c',
      failureDomain: 'fd-zone-c',
      controlPlane: false,
      ready: false,
      server: 'vcsa-01.corp.example',
    });
    expect(dz?.conditions.find((c) => c.type === 'VSphereFailureDomainValidated')).toMatchObject({
      status: 'False',
      reason: 'ZoneMisconfigured',
      severity: 'Error',
    });
  });

  it('collects conditions from all three places CAPV has kept them', () => {
    const conditions = conditionsOf({
      conditions: [{ type: 'Ready', status: 'False', reason: 'NotReady' }],
      v1beta2: {
        conditions: [{ type: 'FailureDomainValidated', status: 'False', reason: 'ZoneMisconfigured' }],
      },
      deprecated: {
        v1beta1: {
          conditions: [
            { type: 'VSphereFailureDomainValidated', status: 'False', reason: 'ZoneMisconfigured' },
            { type: 'Ready', status: 'False', reason: 'NotReady' },
          ],
        },
      },
    });
    expect(conditions.map((c) => c.type)).toEqual([
      'Ready',
      'FailureDomainValidated',
      'VSphereFailureDomainValidated',
    ]);
  });
});

const base: NodeRecord = {
  uid: 'u',
  name: 'n1',
  labels: {},
  role: 'worker',
  ready: 'True',
  readySince: '2026-11-22T12:00:00Z',
  internalIPs: ['10.0.0.5'],
  externalIPs: [],
};
const at = '2026-11-22T12:10:00Z';

describe('live signals from watch events', () => {
  it.each([
    ['Ready → NotReady is one flip', { ready: 'False', readySince: at }, 1, false],
    ['NotReady (Unknown) after Ready is one flip', { ready: 'Unknown', readySince: at }, 1, false],
    ['same status, heartbeat only: nothing', {}, 0, false],
    ['same status but lastTransitionTime moved: two flips missed', { readySince: at }, 1, true],
    ['new Ready condition on a fresh node: nothing', { ready: undefined }, 0, false],
  ] as const)('%s', (_name, change, entries, missed) => {
    const next = nextSignals(EMPTY_SIGNALS, base, { ...base, ...change } as NodeRecord, at);
    expect(next.readyTransitions).toHaveLength(entries);
    if (entries) expect(next.readyTransitions[0]?.missed === true).toBe(missed);
  });

  it('returns the same object when nothing changed, so the probe publishes nothing', () => {
    expect(nextSignals(EMPTY_SIGNALS, base, { ...base }, at)).toBe(EMPTY_SIGNALS);
    expect(nextSignals(EMPTY_SIGNALS, undefined, base, at)).toBe(EMPTY_SIGNALS);
  });

  it('records an InternalIP change with both addresses', () => {
    const next = nextSignals(EMPTY_SIGNALS, base, { ...base, internalIPs: ['10.0.0.77'] }, at);
    expect(next.ipChanges).toEqual([{ at, from: ['10.0.0.5'], to: ['10.0.0.77'] }]);
    // An address that disappears (kubelet restarting) is not a change of lease.
    expect(nextSignals(EMPTY_SIGNALS, base, { ...base, internalIPs: [] }, at)).toBe(EMPTY_SIGNALS);
  });

  it('stays bounded and remembers how many flips fell off', () => {
    let signals: NodeSignals = EMPTY_SIGNALS;
    let previous = base;
    for (let i = 0; i < SIGNAL_LIMITS.transitions + 10; i++) {
      const next: NodeRecord = { ...previous, ready: previous.ready === 'True' ? 'False' : 'True' };
      signals = nextSignals(signals, previous, next, at);
      previous = next;
    }
    expect(signals.readyTransitions).toHaveLength(SIGNAL_LIMITS.transitions);
    expect(signals.droppedTransitions).toBe(10);
  });

  it('counts flips inside the window only', () => {
    const signals: NodeSignals = {
      ...EMPTY_SIGNALS,
      readyTransitions: [
        { at: '2026-11-22T11:00:00Z', from: 'True', to: 'False' },
        { at: '2026-11-22T12:05:00Z', from: 'False', to: 'True' },
        { at: '2026-11-22T12:06:00Z', from: 'True', to: 'True', missed: true },
      ],
    };
    expect(flapsInWindow(signals, new Date('2026-11-22T12:10:00Z'), 15 * 60_000)).toEqual({
      count: 3,
      times: ['2026-11-22T12:05:00Z', '2026-11-22T12:06:00Z'],
    });
  });
});
