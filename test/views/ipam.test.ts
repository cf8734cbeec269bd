import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/model/config.js';
import { compareFindings } from '../../src/model/finding-order.js';
import { evaluateIpam } from '../../src/model/ipam/evaluate.js';
import { ipamDataFromObjects } from '../../src/model/ipam/records.js';
import { createIpamView, usageBar } from '../../src/views/ipam.js';
import { parseYaml } from '../helpers/yaml.js';

const root = join(import.meta.dirname, '../..');
const NOW = new Date('2026-03-01T12:00:00Z');

/** The IPAM tables for these objects at NOW, findings sorted worst first as the session hands them. */
function viewOf(objects: object[]) {
  const data = ipamDataFromObjects(objects as Record<string, unknown>[]);
  const findings = evaluateIpam(data, NOW).sort(compareFindings);
  return createIpamView()({
    data,
    state: { status: 'ready', data },
    findings,
    snapshot: {},
    config: DEFAULT_CONFIG,
    now: NOW,
  });
}

describe('ipam view', () => {
  const objects = (
    parseYaml(readFileSync(join(root, 'fixtures/ipam/scenario.yaml'), 'utf8')) as { items: [] }
  ).items;
  const [chain, pools] = viewOf(objects);

  it('shows one chain row per VM device pool entry with its state and findings', () => {
    expect(chain?.rows.map((r) => [r.cells.vm, r.cells.address, r.cells.state, r.severity])).toEqual([
      ['default/wc-1-cp-abc12', '10.10.10.2/24', 'bound', 'fail'],
      ['default/wc-1-md-0-a', '10.10.10.3/24', 'bound', 'fail'],
      ['default/wc-1-md-0-b', '10.10.10.4/24', 'duplicate address', 'fail'],
      ['default/wc-1-md-0-c', '10.10.10.101/24', 'out of pool range', 'fail'],
      ['default/wc-1-md-0-d', '10.10.10.5/24', 'bound', 'fail'],
      ['tenant-a/wc-2-cp-0', '10.30.0.10/24', 'bound', 'fail'],
      ['tenant-a/wc-2-cp-1', '10.30.0.11/24', 'bound', 'fail'],
      ['tenant-a/wc-2-md-0-a', '10.10.10.4/24', 'duplicate address', 'fail'],
      ['tenant-a/wc-2-md-0-b', '-', 'pending', 'fail'],
      ['tenant-a/wc-2-md-0-c', '-', 'pool missing', 'fail'],
      ['tenant-b/wc-3-cp-0', 'fd00:10:20::10/64', 'bound', 'pass'],
    ]);
    // A healthy VM row still points at its own pass and at its pool's overlap finding.
    expect(chain?.rows[0]?.findingKeys).toEqual([
      'IPAM-104|InClusterIPPool/default/inclusterippool//',
      'IPAM-107|InClusterIPPool/default/inclusterippool//',
      'IPAM-001|VSphereVM/default/wc-1-cp-abc12//',
    ]);
    expect(chain?.footer).toContain('11 of 11 VSphereVMs take addresses from pools');
  });

  it('shows pools with computed counts, a usage bar, the next address and a differing provider status', () => {
    const row = pools?.rows.find((r) => r.cells.name === 'default/inclusterippool');
    expect(row?.cells).toEqual({
      kind: 'namespaced',
      name: 'default/inclusterippool',
      ranges: '10.10.10.2-10.10.10.100, 10.10.10.102, 10.10.10.104',
      counts: '101/5/96',
      usage: '[----------] 4%',
      next: '10.10.10.6',
      provider: '101/3/98',
    });
    expect(pools?.rows.find((r) => r.cells.name === 'tenant-a/small-pool')?.cells.next).toBe('none');
    expect(pools?.footer).toContain('1 overlapping pair(s)');
  });

  it.each([
    [0n, 10n, '[----------] 0%'],
    [5n, 10n, '[#####-----] 50%'],
    [11n, 12n, '[#########-] 91%'],
    [3n, 3n, '[##########] 100%'],
    [0n, 0n, '[!!!!!!!!!!] -'],
  ])('usage bar %i of %i', (used, total, bar) => {
    expect(usageBar(used, total)).toBe(bar);
  });

  it.each([
    [10n, 10n, 3n, '[#######~~~] 100%'],
    [5n, 10n, 5n, '[~~~~~-----] 50%'],
    // One held address in a large pool still shows.
    [60n, 100n, 1n, '[#####~----] 60%'],
    [0n, 10n, 0n, '[----------] 0%'],
  ])('usage bar %i of %i with %i held by deleting claims', (used, total, held, bar) => {
    expect(usageBar(used, total, held)).toBe(bar);
  });
});

describe('ipam view of addresses held by deleting claims', () => {
  const IPAM = 'ipam.cluster.x-k8s.io';
  const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();
  const pool = (name: string, addresses: string[], grace?: number) => ({
    apiVersion: `${IPAM}/v1alpha2`,
    kind: 'InClusterIPPool',
    metadata: { name, namespace: 'default' },
    spec: { addresses, prefix: 24, addressReuseGracePeriodSeconds: grace },
  });
  const bound = (name: string, poolName: string, address: string, deleted?: number) => [
    {
      apiVersion: `${IPAM}/v1beta1`,
      kind: 'IPAddressClaim',
      metadata: {
        name,
        namespace: 'default',
        ...(deleted === undefined ? {} : { deletionTimestamp: minutesAgo(deleted) }),
      },
      spec: { poolRef: { apiGroup: IPAM, kind: 'InClusterIPPool', name: poolName } },
      status: { addressRef: { name } },
    },
    {
      apiVersion: `${IPAM}/v1beta1`,
      kind: 'IPAddress',
      metadata: { name, namespace: 'default' },
      spec: {
        address,
        prefix: 24,
        claimRef: { name },
        poolRef: { apiGroup: IPAM, kind: 'InClusterIPPool', name: poolName },
      },
    },
  ];
  const view = (objects: object[]) => viewOf(objects)[1];

  it('marks held addresses in USAGE and says in NEXT when an exhausted pool frees one', () => {
    const pools = view([
      pool('graced', ['10.0.0.10-10.0.0.11'], 1800),
      ...bound('a', 'graced', '10.0.0.10', 5),
      ...bound('b', 'graced', '10.0.0.11'),
      pool('overdue', ['10.0.1.10'], 0),
      ...bound('c', 'overdue', '10.0.1.10', 30),
      pool('plain', ['10.0.2.10']),
      ...bound('d', 'plain', '10.0.2.10'),
    ]);
    expect(pools?.rows.map((r) => [r.cells.name, r.cells.usage, r.cells.next])).toEqual([
      ['default/graced', '[#####~~~~~] 100%', 'none, frees in 25m'],
      ['default/overdue', '[~~~~~~~~~~] 100%', 'none, release due'],
      ['default/plain', '[##########] 100%', 'none'],
    ]);
    expect(pools?.rows[0]?.object).toMatchObject({
      computed: { heldByDeletingClaims: ['default/a 10.0.0.10 until 2026-03-01T12:25:00Z'] },
    });
    expect(pools?.footer).toContain('~ in USAGE: used, held by deleting claims');
  });

  it('keeps the footer short when nothing is held', () => {
    expect(view([pool('plain', ['10.0.2.10'])])?.footer).not.toContain('~');
  });
});
