import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEvaluators } from '../../../src/app/probe-registry.js';
import { DEFAULT_CONFIG } from '../../../src/model/config.js';
import { Evaluation } from '../../../src/model/evaluate.js';
import type { Finding } from '../../../src/model/finding.js';
import { evaluatePortgroups } from '../../../src/model/portgroups/evaluate.js';
import type {
  ClusterNetworkUse,
  PortgroupRecord,
  PortgroupsData,
  PortSettingRecord,
  VsphereInventory,
} from '../../../src/model/portgroups/types.js';
import { parseGovcInventory } from '../../../src/probes/vsphere/govc.js';
import { buildPortgroupTables } from '../../../src/views/portgroups.js';

const mm = (p: boolean, m: boolean, f: boolean): PortSettingRecord => ({
  macManagementPolicy: { inherited: false, allowPromiscuous: p, macChanges: m, forgedTransmits: f },
});
const inherit: PortSettingRecord = {
  securityPolicy: { inherited: true },
  macManagementPolicy: { inherited: true },
};

function data(
  portgroups: PortgroupRecord[],
  cluster: Partial<ClusterNetworkUse> = {},
  extra: Partial<VsphereInventory> = {},
): PortgroupsData {
  return {
    inventory: {
      source: { kind: 'vcenter', location: 'vc.example.internal' },
      switches: [{ moid: 'dvs-1', name: 'DSwitch', defaultPortConfig: mm(true, false, false) }],
      portgroups,
      ports: { status: 'not-needed', items: [] },
      ...extra,
    },
    cluster: { status: 'found', vms: [], windowsNodes: [], ...cluster },
  };
}
const pg = (
  name: string,
  setting?: PortSettingRecord,
  extra: Partial<PortgroupRecord> = {},
): PortgroupRecord => ({
  moid: `dvportgroup-${name}`,
  key: `dvportgroup-${name}`,
  name,
  switchMoid: 'dvs-1',
  defaultPortConfig: setting,
  ...extra,
});
const vm = (name: string, net: string) => ({ namespace: 'ns', name, networkNames: [net], addresses: [] });
const win = (name: string) => ({ name, addresses: [] });
const brief = (findings: readonly Finding[]) =>
  findings.map((f) => `${f.severity} ${f.code} ${f.subject.kind}/${f.subject.name}`).sort();

describe('evaluatePortgroups', () => {
  it.each([
    [
      'all Reject: pass',
      data([pg('a', mm(false, false, false))], { vms: [vm('w', 'a')], windowsNodes: [win('w')] }),
      ['pass PG-001 Portgroup/a'],
    ],
    [
      'Accept with Windows nodes: fail',
      data([pg('a', mm(false, true, false))], { vms: [vm('w', 'a')], windowsNodes: [win('w')] }),
      ['fail PG-002 Portgroup/a'],
    ],
    [
      'Accept on a Linux-only portgroup: warn',
      data([pg('a', mm(false, false, true))], { vms: [vm('l', 'a')] }),
      ['warn PG-003 Portgroup/a'],
    ],
    [
      'inherited Accept from the switch counts',
      data([pg('a', inherit)], { vms: [vm('w', 'a')], windowsNodes: [win('w')] }),
      ['fail PG-002 Portgroup/a'],
    ],
    [
      'nothing stated: info, not pass',
      data([pg('a', {}, { switchMoid: 'dvs-9' })], { vms: [vm('l', 'a')] }),
      ['info PG-004 Portgroup/a'],
    ],
    [
      'overrides allowed, ports not read',
      data(
        [pg('a', mm(false, false, false), { macManagementOverrideAllowed: true })],
        { vms: [vm('l', 'a')] },
        {
          ports: { status: 'unavailable', reason: 'FetchDVPorts failed', items: [] },
        },
      ),
      ['info PG-103 Portgroup/a', 'pass PG-001 Portgroup/a', 'warn PG-101 Portgroup/a'],
    ],
    [
      'a port overriding to Accept',
      data(
        [pg('a', mm(false, false, false), { securityPolicyOverrideAllowed: true })],
        { vms: [vm('l', 'a')] },
        {
          ports: {
            status: 'read',
            items: [{ key: '7', portgroupKey: 'dvportgroup-a', setting: mm(false, false, true) }],
          },
        },
      ),
      ['fail PG-102 Portgroup/a', 'pass PG-001 Portgroup/a', 'warn PG-101 Portgroup/a'],
    ],
    [
      'a network vCenter does not know',
      data([pg('a', mm(false, false, false))], { vms: [vm('l', '/DC/network/b')] }),
      ['fail PG-201 Network//DC/network/b'],
    ],
    [
      'two portgroups share the name: each judged',
      data(
        [pg('a', mm(false, false, false)), { ...pg('a', mm(true, false, false)), moid: 'dvportgroup-x' }],
        { vms: [vm('l', 'a')] },
      ),
      [
        'info PG-202 Portgroup/a (dvportgroup-a)',
        'info PG-202 Portgroup/a (dvportgroup-x)',
        'pass PG-001 Portgroup/a (dvportgroup-a)',
        'warn PG-003 Portgroup/a (dvportgroup-x)',
      ],
    ],
    [
      'no VSphereVM: every portgroup, Windows unknown',
      data([pg('a', mm(true, false, false)), pg('b', mm(false, false, false))], { status: 'no-capv' }),
      ['pass PG-001 Portgroup/b', 'warn PG-003 Portgroup/a'],
    ],
    [
      'insecure TLS is said',
      data(
        [pg('a', mm(false, false, false))],
        { vms: [vm('l', 'a')] },
        {
          source: { kind: 'vcenter', location: 'vc:443', insecure: true },
        },
      ),
      ['info PG-301 vCenter/vc:443', 'pass PG-001 Portgroup/a'],
    ],
  ])('%s', (_name, input, expected) => {
    expect(brief(evaluatePortgroups(input))).toEqual(expected);
  });

  it('judges the portgroups [vsphere] portgroups asks for', () => {
    const d = data([pg('a', mm(false, false, false)), pg('extra', mm(false, true, false))], {
      vms: [vm('l', 'a')],
    });
    const findings = evaluatePortgroups(d, ['extra', 'gone']);
    expect(brief(findings)).toEqual([
      'fail PG-201 Network/gone',
      'pass PG-001 Portgroup/a',
      'warn PG-003 Portgroup/extra',
    ]);
    expect(findings.find((f) => f.code === 'PG-003')?.detail).toContain(
      'Listed in [vsphere] portgroups; no cluster VM uses it.',
    );
    expect(findings.find((f) => f.code === 'PG-201')?.detail).toBe(
      '"gone" is listed in [vsphere] portgroups but vCenter has no distributed portgroup of that name.',
    );
  });

  it('says where an inherited Accept comes from, and names the Windows nodes', () => {
    const [f] = evaluatePortgroups(
      data([pg('a', inherit)], { vms: [vm('w', 'a')], windowsNodes: [win('w')] }),
    );
    expect(f?.detail).toBe(
      'Promiscuous mode is Accept (inherited from switch DSwitch (macManagementPolicy)). Windows nodes on it: w (node w); they need all three at Reject or they flap between Ready and NotReady.',
    );
    expect(f?.evidence).toMatchObject({
      allowPromiscuous: 'Accept: inherited from switch DSwitch (macManagementPolicy)',
      macChanges: 'Reject: inherited from switch DSwitch (macManagementPolicy)',
      windowsNodes: ['w'],
    });
  });

  it('is memoised on the data object by the shared Evaluation', () => {
    const d = data([pg('a', mm(true, false, false))], { vms: [vm('l', 'a')] });
    const evaluation = new Evaluation(createEvaluators());
    const snapshot = { portgroups: { status: 'ready' as const, data: d } };
    const first = evaluation.run(snapshot, DEFAULT_CONFIG).find((r) => r.id === 'portgroups');
    const again = evaluation.run({ ...snapshot }, DEFAULT_CONFIG).find((r) => r.id === 'portgroups');
    expect(first?.findings.map((f) => f.code)).toEqual(['PG-003']);
    expect(again?.findings).toBe(first?.findings);
  });
});

describe('the checklist view', () => {
  it('the demo inventory: one group per portgroup in use, three settings with their origin, Windows marked', () => {
    const parsed = parseGovcInventory(
      readFileSync(join(import.meta.dirname, '../../../fixtures/demo/vsphere-inventory.json'), 'utf8'),
    );
    const d: PortgroupsData = {
      inventory: {
        ...parsed.inventory,
        source: { kind: 'inventory-file', location: 'vsphere-inventory.json' },
      },
      cluster: {
        status: 'found',
        vms: [vm('win-md-4j8fz', '/DC0/network/tkg-workload-pg'), vm('md-0', 'tkg-workload-pg')],
        windowsNodes: [win('win-md-4j8fz')],
      },
    };
    const findings = evaluatePortgroups(d);
    expect(brief(findings)).toEqual(['fail PG-002 Portgroup/tkg-workload-pg']);
    const [checklist, others] = buildPortgroupTables(d, findings);
    expect(
      checklist?.rows.map((r) => [r.depth, r.cells.item, r.cells.value, r.severity, r.cells.origin]),
    ).toEqual([
      [0, '[W] tkg-workload-pg', '1 Accept', 'fail', 'switch DSwitch-tkg · dvportgroup-63'],
      [1, 'Promiscuous mode', 'Accept', 'fail', 'set on the portgroup (macManagementPolicy)'],
      [1, 'MAC address changes', 'Reject', 'pass', 'set on the portgroup (macManagementPolicy)'],
      [1, 'Forged transmits', 'Reject', 'pass', 'set on the portgroup (macManagementPolicy)'],
    ]);
    expect(checklist?.rows[0]?.cells.nodes).toBe('WINDOWS 1/2 VMs');
    expect(checklist?.rows[0]?.findingKeys).toEqual(['PG-002|Portgroup//tkg-workload-pg//']);
    expect(checklist?.footer).toBe('govc JSON vsphere-inventory.json · 2 VSphereVMs, 1 Windows nodes');
    // The uplink portgroup is not listed; the unused ones are shown but not judged.
    expect(others?.rows.map((r) => [r.cells.item, r.cells.value, r.severity])).toEqual([
      ['tkg-mgmt-pg', 'Reject', undefined],
      ['vm-network-legacy', '2 Accept', undefined],
    ]);
  });
});
