import { describe, expect, it } from 'vitest';
import { computeScope, portgroupNameOf, windowsNodeOf } from '../../../src/model/portgroups/scope.js';
import type {
  ClusterNetworkUse,
  ClusterVmRecord,
  VsphereInventory,
} from '../../../src/model/portgroups/types.js';

describe('portgroupNameOf (VSphereVM networkName)', () => {
  it.each([
    ['tkg-pg', 'tkg-pg'],
    ['/DC0/network/tkg-pg', 'tkg-pg'],
    ['/DC0/network/folder/sub/tkg-pg', 'tkg-pg'],
    ['/DC0/network/tkg-pg/', 'tkg-pg'],
    ['/DC0/network/a%2fb', 'a/b'],
    [' spaced ', 'spaced'],
    ['100%', '100%'],
  ])('%s -> %s', (input, expected) => {
    expect(portgroupNameOf(input)).toBe(expected);
  });
});

const vm = (name: string, networkNames: string[], addresses: string[] = []): ClusterVmRecord => ({
  namespace: 'ns',
  name,
  networkNames,
  addresses,
});

describe('windowsNodeOf', () => {
  const nodes = [
    { name: 'win-a', addresses: ['10.0.0.1'] },
    { name: 'workload-md-win', addresses: ['10.0.0.2'] },
    { name: 'other', addresses: ['10.0.0.3'] },
  ];
  it.each([
    ['same name', vm('win-a', []), 'win-a'],
    ['name cut to 15 characters', vm('workload-md-win-abc12-xyz', []), 'workload-md-win'],
    ['shared address', vm('vm-x', [], ['10.0.0.3']), 'other'],
    ['no match', vm('lin-1', [], ['10.0.0.9']), undefined],
    ['a shorter prefix is not a Windows name cut', vm('win-a-2', []), undefined],
  ])('%s', (_name, v, expected) => {
    expect(windowsNodeOf(v, nodes)?.name).toBe(expected);
  });
});

const inventory: VsphereInventory = {
  source: { kind: 'inventory-file', location: 'x.json' },
  switches: [{ moid: 'dvs-1', name: 'DSwitch', uplinkPortgroups: ['dvportgroup-0'] }],
  portgroups: [
    { moid: 'dvportgroup-0', name: 'DSwitch-DVUplinks-1', switchMoid: 'dvs-1' },
    { moid: 'dvportgroup-1', name: 'pg-a', switchMoid: 'dvs-1' },
    { moid: 'dvportgroup-2', name: 'pg-b', switchMoid: 'dvs-1' },
    { moid: 'dvportgroup-3', name: 'pg-b', switchMoid: 'dvs-1' },
    { moid: 'dvportgroup-4', name: 'pg-unused', switchMoid: 'dvs-1' },
  ],
  ports: { status: 'not-needed', items: [] },
};

describe('computeScope', () => {
  it('takes the portgroups the VSphereVMs name, marks Windows, and lists unknown networks', () => {
    const cluster: ClusterNetworkUse = {
      status: 'found',
      vms: [vm('win-a', ['/DC0/network/pg-a']), vm('lin-1', ['pg-a', 'pg-b', 'nope'])],
      windowsNodes: [{ name: 'win-a', addresses: [] }],
    };
    const scope = computeScope(inventory, cluster);
    expect(scope.basis).toBe('clusterVms');
    expect(
      scope.inScope.map((e) => [e.portgroup.moid, e.windows, e.ambiguous, e.vms.map((v) => v.name)]),
    ).toEqual([
      ['dvportgroup-1', true, false, ['win-a', 'lin-1']],
      ['dvportgroup-2', false, true, ['lin-1']],
      ['dvportgroup-3', false, true, ['lin-1']],
    ]);
    expect(scope.unknown).toEqual([
      {
        networkName: 'nope',
        vms: [{ namespace: 'ns', name: 'lin-1', networkName: 'nope' }],
        requested: false,
      },
    ]);
    // The uplink portgroup is never a VM network.
    expect(scope.others.map((p) => p.moid)).toEqual(['dvportgroup-4']);
  });

  it('without VSphereVMs, every portgroup but the uplinks is in scope', () => {
    const scope = computeScope(inventory, { status: 'no-capv', vms: [], windowsNodes: [] });
    expect(scope.basis).toBe('allPortgroups');
    expect(scope.inScope.map((e) => e.portgroup.moid)).toEqual([
      'dvportgroup-1',
      'dvportgroup-2',
      'dvportgroup-3',
      'dvportgroup-4',
    ]);
  });

  it('[vsphere] portgroups adds portgroups no VM uses, and names it cannot find', () => {
    const cluster: ClusterNetworkUse = { status: 'found', vms: [vm('lin-1', ['pg-a'])], windowsNodes: [] };
    const scope = computeScope(inventory, cluster, ['/DC0/network/pg-unused', 'missing', 'pg-a']);
    expect(scope.inScope.map((e) => [e.portgroup.moid, e.requested, e.vms.length])).toEqual([
      ['dvportgroup-1', true, 1],
      ['dvportgroup-4', true, 0],
    ]);
    expect(scope.unknown).toEqual([{ networkName: 'missing', vms: [], requested: true }]);
    expect(scope.others.map((p) => p.moid)).toEqual(['dvportgroup-2', 'dvportgroup-3']);
  });
});
