import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import {
  buildFleetReport,
  type ClusterOutcome,
  clusterRefs,
  fleetExitCode,
  ipamAttribution,
  kubeconfigOfSecret,
} from '../../src/model/fleet.js';
import type { IpamData } from '../../src/model/ipam/types.js';
import type { Report, ReportProbe } from '../../src/model/report.js';
import { mergePromFamilies } from '../../src/report/fleet.js';

const finding = (
  severity: Finding['severity'],
  kind: string,
  namespace: string | undefined,
  name: string,
): Finding =>
  ({
    probe: 'ipam',
    code: 'IPAM-001',
    severity,
    subject: { kind, ...(namespace ? { namespace } : {}), name },
    title: `${kind} ${name}`,
    detail: '',
    evidence: {},
    remedy: '',
  }) as unknown as Finding;

const probe = (
  id: ReportProbe['id'],
  findings: Finding[],
  status: ReportProbe['status'] = 'ready',
): ReportProbe => ({
  id,
  title: id,
  status,
  error: null,
  updatedAt: null,
  durationSeconds: null,
  summary: { pass: 0, info: 0, warn: 0, fail: 0 },
  findings,
});

const report = (probes: ReportProbe[]): Report => ({
  schemaVersion: 1,
  generatedAt: '2026-01-01T00:00:00.000Z',
  tool: { name: 'airgap-top', version: 't' },
  cluster: { context: 'c', server: 'https://127.0.0.1:1' },
  registry: { private: [], profile: null },
  summary: { pass: 0, info: 0, warn: 0, fail: 0, probesInError: 0 },
  probes,
});

const IPAM = {
  clusters: [{ namespace: 'ns', name: 'a' }],
  machines: [],
  vsphereMachines: [],
  vsphereVMs: [{ namespace: 'ns', name: 'a-vm-1', clusterName: 'a' }],
  claims: [
    {
      namespace: 'ns',
      name: 'b-claim',
      clusterName: 'b',
      poolRef: { kind: 'InClusterIPPool', name: 'b-pool' },
    },
    {
      namespace: 'ns',
      name: 'x-claim',
      clusterName: 'a',
      poolRef: { kind: 'InClusterIPPool', name: 'shared' },
    },
    {
      namespace: 'ns',
      name: 'y-claim',
      clusterName: 'b',
      poolRef: { kind: 'InClusterIPPool', name: 'shared' },
    },
  ],
  addresses: [{ namespace: 'ns', name: 'b-addr', claimName: 'b-claim' }],
  pools: [],
} as unknown as IpamData;

function fleetOf(outcomes: ClusterOutcome[], managementProbes: ReportProbe[]) {
  return buildFleetReport({
    generatedAt: new Date('2026-01-01T00:00:00Z'),
    tool: { name: 'airgap-top', version: 't' },
    registry: { private: [], profile: null },
    management: { context: 'mgmt', server: 'https://127.0.0.1:2' },
    managementReport: report(managementProbes),
    attribution: ipamAttribution(IPAM),
    outcomes,
  });
}

describe('fleet model', () => {
  it('reads the Clusters of a list answer, sorted by namespace/name', () => {
    expect(
      clusterRefs({
        items: [{ metadata: { namespace: 'z', name: 'b' } }, { metadata: { namespace: 'a', name: 'c' } }, {}],
      }),
    ).toEqual([
      { namespace: 'a', name: 'c' },
      { namespace: 'z', name: 'b' },
    ]);
  });

  it('decodes the kubeconfig of a CAPI Secret (key value) and says what is wrong with others', () => {
    const text = 'apiVersion: v1\nclusters: []\n';
    expect(kubeconfigOfSecret({ data: { value: Buffer.from(text).toString('base64') } })).toEqual({
      kubeconfig: text,
    });
    expect(kubeconfigOfSecret({ data: {} })).toEqual({
      problem: 'has no data.value (the CAPI kubeconfig key)',
    });
    expect(kubeconfigOfSecret({ data: { value: Buffer.from('hello').toString('base64') } })).toEqual({
      problem: 'data.value is not a kubeconfig',
    });
  });

  it('gives management findings to the cluster their objects are labelled with; shared pools stay the management cluster’s', () => {
    const ipam = probe('ipam', [
      finding('fail', 'VSphereVM', 'ns', 'a-vm-1'),
      finding('warn', 'IPAddress', 'ns', 'b-addr'),
      finding('fail', 'InClusterIPPool', 'ns', 'b-pool'),
      finding('fail', 'InClusterIPPool', 'ns', 'shared'),
      finding('info', 'Cluster', 'ns', 'a'),
    ]);
    const fleet = fleetOf(
      [
        { ref: { namespace: 'ns', name: 'a' }, report: report([probe('images', [])]) },
        { ref: { namespace: 'ns', name: 'b' }, report: report([probe('images', [])]) },
      ],
      [ipam],
    );
    const names = (c: number) =>
      fleet.clusters[c]?.probes.find((p) => p.id === 'ipam')?.findings.map((f) => f.subject.name);
    expect(names(0)).toEqual(['a-vm-1', 'a']);
    expect(names(1)).toEqual(['b-addr', 'b-pool']);
    expect(fleet.management.probes[0]?.findings.map((f) => f.subject.name)).toEqual(['shared']);
    expect(fleet.clusters[0]?.summary).toMatchObject({ fail: 1, info: 1 });
    expect(fleet.summary).toMatchObject({ fail: 3, warn: 1, info: 1, clusters: 2, clustersInError: 0 });
  });

  it('exits with the worst cluster: 0 all clean, 1 a failing finding anywhere, 1 a cluster that could not be read', () => {
    const clean: ClusterOutcome = {
      ref: { namespace: 'ns', name: 'a' },
      report: report([probe('images', [])]),
    };
    expect(fleetExitCode(fleetOf([clean], [probe('ipam', [])]), 'fail')).toBe(0);
    expect(
      fleetExitCode(
        fleetOf([clean], [probe('ipam', [finding('fail', 'VSphereVM', 'ns', 'a-vm-1')])]),
        'fail',
      ),
    ).toBe(1);
    expect(
      fleetExitCode(
        fleetOf([clean], [probe('ipam', [finding('warn', 'VSphereVM', 'ns', 'a-vm-1')])]),
        'fail',
      ),
    ).toBe(0);
    expect(
      fleetExitCode(
        fleetOf([clean], [probe('ipam', [finding('warn', 'VSphereVM', 'ns', 'a-vm-1')])]),
        'warn',
      ),
    ).toBe(1);
    const down: ClusterOutcome = { ref: { namespace: 'ns', name: 'b' }, error: 'refused' };
    expect(fleetExitCode(fleetOf([clean, down], [probe('ipam', [])]), 'fail')).toBe(1);
  });
});

describe('mergePromFamilies', () => {
  it('puts the samples of one family from several parts under one HELP/TYPE, in order of first appearance', () => {
    const a =
      '# HELP m1 x\n# TYPE m1 gauge\nm1{cluster="a"} 1\n# HELP m2 y\n# TYPE m2 gauge\nm2{cluster="a"} 2\n';
    const b = '# HELP m1 x\n# TYPE m1 gauge\nm1{cluster="b"} 3\n';
    expect(mergePromFamilies([a, b])).toBe(
      '# HELP m1 x\n# TYPE m1 gauge\nm1{cluster="a"} 1\nm1{cluster="b"} 3\n# HELP m2 y\n# TYPE m2 gauge\nm2{cluster="a"} 2\n',
    );
  });
});
