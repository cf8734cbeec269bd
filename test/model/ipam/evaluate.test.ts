import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/model/finding.js';
import { compareFindings } from '../../../src/model/finding-order.js';
import { analyzeIpam, IpamAnalyzer } from '../../../src/model/ipam/analyze.js';
import { evaluateIpam, IpamChecker } from '../../../src/model/ipam/evaluate.js';
import { addressRelease, poolSpaceOf } from '../../../src/model/ipam/pool-space.js';
import { explainReason } from '../../../src/model/ipam/reasons.js';
import { ipamDataFromObjects, toClaim, toPool } from '../../../src/model/ipam/records.js';
import { GRACE_MS, ipamSettings } from '../../../src/model/ipam/settings.js';
import type { IpamData } from '../../../src/model/ipam/types.js';
import { parseYaml } from '../../helpers/yaml.js';
import { IPAM_SCENARIO_FINDINGS, summary } from './expected.js';

const root = join(import.meta.dirname, '../../..');
const NOW = new Date('2026-03-01T12:00:00Z');
type Obj = Record<string, unknown>;

function scenarioObjects(): Obj[] {
  return (parseYaml(readFileSync(join(root, 'fixtures/ipam/scenario.yaml'), 'utf8')) as { items: Obj[] })
    .items;
}

const UNRESOLVED = {
  'wc-2-api.corp.internal': {
    host: 'wc-2-api.corp.internal',
    addresses: [],
    error: 'getaddrinfo ENOTFOUND wc-2-api.corp.internal',
  },
};

function minutesAgo(m: number): string {
  return new Date(NOW.getTime() - m * 60_000).toISOString();
}

const IPAM = 'ipam.cluster.x-k8s.io';

function pool(
  name: string,
  spec: Obj,
  namespace = 'default',
  kind = 'InClusterIPPool',
  version = 'v1alpha2',
): Obj {
  return {
    apiVersion: `${IPAM}/${version}`,
    kind,
    metadata: kind === 'InClusterIPPool' ? { name, namespace } : { name },
    spec,
  };
}

function vsphereVM(
  name: string,
  pools: [string, string][],
  status: Obj,
  apiVersion = 'v1beta1',
  extra: Obj = {},
): Obj {
  return {
    apiVersion: `infrastructure.cluster.x-k8s.io/${apiVersion}`,
    kind: 'VSphereVM',
    metadata: { name, namespace: 'default', creationTimestamp: minutesAgo(60) },
    spec: {
      network: {
        devices: [
          {
            networkName: 'VM Network',
            nameservers: ['10.0.0.53'],
            addressesFromPools: pools.map(([kind, n]) => ({ apiGroup: IPAM, kind, name: n })),
            ...extra,
          },
        ],
      },
    },
    status,
  };
}

function claim(
  name: string,
  poolName: string,
  opts: { bound?: string; created?: number; kind?: string; vm?: string; deleted?: number } = {},
): Obj[] {
  const kind = opts.kind ?? 'InClusterIPPool';
  const c: Obj = {
    apiVersion: `${IPAM}/v1beta1`,
    kind: 'IPAddressClaim',
    metadata: {
      name,
      namespace: 'default',
      creationTimestamp: minutesAgo(opts.created ?? 60),
      ownerReferences: opts.vm ? [{ kind: 'VSphereVM', name: opts.vm }] : [],
      ...(opts.deleted === undefined
        ? {}
        : {
            deletionTimestamp: minutesAgo(opts.deleted),
            finalizers: ['ipam.cluster.x-k8s.io/ReleaseAddress'],
          }),
    },
    spec: { poolRef: { apiGroup: IPAM, kind, name: poolName } },
    status: opts.bound ? { addressRef: { name } } : {},
  };
  if (!opts.bound) return [c];
  return [
    c,
    {
      apiVersion: `${IPAM}/v1beta1`,
      kind: 'IPAddress',
      metadata: { name, namespace: 'default' },
      spec: {
        address: opts.bound,
        prefix: 24,
        claimRef: { name },
        poolRef: { apiGroup: IPAM, kind, name: poolName },
      },
    },
  ];
}

describe('IPAM evaluation of the scenario fixture', () => {
  const data = ipamDataFromObjects(scenarioObjects(), UNRESOLVED);
  const findings = evaluateIpam(data, NOW);

  it('fires every rule where it should and nowhere else', () => {
    expect(summary(findings)).toEqual(IPAM_SCENARIO_FINDINGS);
  });

  const find = (code: string, name: string) => {
    const f = findings.find((x) => x.code === code && x.subject.name === name);
    if (!f) throw new Error(`no ${code} on ${name}`);
    return f;
  };

  it('explains a False claim condition, its age and the cause found along the chain', () => {
    const f = find('IPAM-002', 'wc-2-md-0-b');
    expect(f.title).toBe('IPAddressClaimed False for 30m: WaitingForIPAddress');
    expect(f.detail).toContain('has not bound an IPAddress');
    expect(f.detail).toContain(
      'claim wc-2-md-0-b-0-0 waits on InClusterIPPool tenant-a/small-pool, which has no free address',
    );
    expect(f.evidence).toMatchObject({
      cluster: 'wc-2',
      machine: 'wc-2-md-0-b',
      vsphereVM: 'tenant-a/wc-2-md-0-b',
      chain: [{ device: 0, claim: 'wc-2-md-0-b-0-0', pool: 'InClusterIPPool/small-pool', state: 'pending' }],
    });
    const young = find('IPAM-002', 'wc-2-md-0-c');
    expect(young.detail).toContain('nodes-pool-typo, which does not exist');
    expect(young.detail).toContain('grace period');
  });

  it('carries the whole chain VM → claim → address → pool on a healthy VM', () => {
    expect(find('IPAM-001', 'wc-1-cp-abc12').evidence).toEqual({
      cluster: 'wc-1',
      machine: 'wc-1-cp-abc12',
      node: 'wc-1-cp-abc12',
      vsphereVM: 'default/wc-1-cp-abc12',
      chain: [
        {
          device: 0,
          network: '/dc0/network/VM Network',
          claim: 'wc-1-cp-abc12-0-0',
          address: '10.10.10.2/24',
          addressObject: 'wc-1-cp-abc12-0-0',
          gateway: '10.10.10.1',
          pool: 'InClusterIPPool/inclusterippool',
          state: 'bound',
        },
      ],
    });
  });

  it('names both pools and the overlapping range', () => {
    const f = find('IPAM-104', 'inclusterippool');
    expect(f.title).toBe('Pool overlaps GlobalInClusterIPPool shared-nodes');
    expect(f.detail).toContain('both allocate 10.10.10.4-10.10.10.20 (17 addresses)');
  });

  it('shows pending claims with their pool state, and pool counts computed from ranges', () => {
    expect(find('IPAM-003', 'wc-2-md-0-b-0-0').evidence).toMatchObject({
      age: '30m',
      total: '2',
      used: 2,
      free: '0',
      next: null,
    });
    expect(find('IPAM-103', 'almost-full').detail).toBe(
      'InClusterIPPool tenant-b/almost-full: 1 of 12 addresses free (8%).',
    );
    expect(find('IPAM-107', 'inclusterippool').evidence).toEqual({
      providerStatus: { total: 101, used: 3, free: 98, outOfRange: 0 },
      computed: { total: 101, used: 5, free: 96 },
    });
    expect(find('IPAM-101', 'v6-pool').detail).toBe(
      'InClusterIPPool tenant-b/v6-pool: 239 of 240 free, next fd00:10:20::11.',
    );
  });

  it('says why an allocated address is out of range and who else holds a duplicate', () => {
    expect(find('IPAM-202', 'wc-1-md-0-c-0-0').detail).toContain("it is no longer in the pool's addresses");
    expect(find('IPAM-202', 'wc-1-md-0-c-0-0').evidence).toMatchObject({
      vsphereVM: 'default/wc-1-md-0-c',
      claim: 'wc-1-md-0-c-0-0',
      pool: 'InClusterIPPool default/inclusterippool',
    });
    expect(find('IPAM-201', 'wc-1-md-0-b-0-0').evidence).toMatchObject({
      holders: [
        {
          vsphereVM: 'default/wc-1-md-0-b',
          ipAddress: 'default/wc-1-md-0-b-0-0',
          pool: 'InClusterIPPool/inclusterippool',
        },
        {
          vsphereVM: 'tenant-a/wc-2-md-0-a',
          ipAddress: 'tenant-a/wc-2-md-0-a-0-0',
          pool: 'GlobalInClusterIPPool/shared-nodes',
        },
      ],
    });
    expect(find('IPAM-201', 'wc-1-md-0-b-0-0').detail).toBe(
      '10.10.10.4 is also held by IPAddress tenant-a/wc-2-md-0-a-0-0 (pool shared-nodes).',
    );
  });

  it('computes the next address per pool (the lowest free one)', () => {
    const next = Object.fromEntries(analyzeIpam(data).pools.map((p) => [p.pool.name, p.next ?? null]));
    expect(next).toEqual({
      inclusterippool: '10.10.10.6',
      'shared-nodes': '10.10.10.5',
      'small-pool': null,
      edge: '10.30.0.1',
      'v6-pool': 'fd00:10:20::11',
      'almost-full': '10.40.0.13',
      'bad-gateway': '192.168.10.2',
    });
  });

  it('skips the FQDN check until the name has been looked up', () => {
    const codes = evaluateIpam(ipamDataFromObjects(scenarioObjects()), NOW).map((f) => f.code);
    expect(codes).not.toContain('IPAM-302');
  });
});

describe('IPAM rules one by one', () => {
  const run = (objects: Obj[], resolutions: IpamData['resolutions'] = {}) =>
    summary(evaluateIpam(ipamDataFromObjects(objects, resolutions), NOW));

  it("flags the in-cluster provider's own samples: they overlap at 10.0.0.2", () => {
    const excluded = ['10.0.0.3-10.0.1.6', '10.0.0.10', '10.0.0.192/26'];
    const spec = {
      addresses: ['10.0.0.2-10.0.0.254'],
      prefix: 24,
      gateway: '10.0.0.1',
      excludedAddresses: excluded,
    };
    const findings = evaluateIpam(
      ipamDataFromObjects([
        pool('inclusterippool-sample', spec),
        pool('globalinclusterippool-sample', spec, undefined, 'GlobalInClusterIPPool'),
      ]),
      NOW,
    );
    const overlap = findings.filter((f) => f.code === 'IPAM-104');
    expect(overlap).toHaveLength(2);
    expect(overlap[0]?.detail).toContain('both allocate 10.0.0.2 (1 address)');
  });

  it('does not call pools of different families overlapping', () => {
    expect(
      run([
        pool('v4', { addresses: ['0.0.0.0/1'], prefix: 1 }),
        pool('v6', { addresses: ['::ffff:0.0.0.0/96'], prefix: 96 }),
      ]),
    ).toEqual(['pass IPAM-101 InClusterIPPool/default/v4//', 'pass IPAM-101 InClusterIPPool/default/v6//']);
  });

  it('finds IPv6 overlaps', () => {
    const findings = evaluateIpam(
      ipamDataFromObjects([
        pool('a', { addresses: ['fd00::/120'], prefix: 64 }),
        pool('b', { addresses: ['fd00::80-fd00::1ff'], prefix: 64 }),
      ]),
      NOW,
    );
    expect(findings.find((f) => f.code === 'IPAM-104')?.detail).toContain(
      'both allocate fd00::80-fd00::ff (128 addresses)',
    );
  });

  it.each([
    [
      'v1beta1 status.conditions',
      'v1beta1',
      {
        conditions: [
          {
            type: 'IPAddressClaimed',
            status: 'False',
            reason: 'IPAddressClaimNotFound',
            severity: 'Error',
            message: 'admission webhook denied',
            lastTransitionTime: minutesAgo(20),
          },
        ],
      },
      'status.conditions',
    ],
    [
      'v1beta1 status.v1beta2.conditions',
      'v1beta1',
      {
        v1beta2: {
          conditions: [
            {
              type: 'IPAddressClaimsFulfilled',
              status: 'False',
              reason: 'NotFulfilled',
              message: 'admission webhook denied',
              lastTransitionTime: minutesAgo(20),
            },
          ],
        },
      },
      'status.v1beta2.conditions',
    ],
    [
      'v1beta2 status.conditions',
      'v1beta2',
      {
        conditions: [
          {
            type: 'IPAddressClaimsFulfilled',
            status: 'False',
            reason: 'NotFulfilled',
            message: 'admission webhook denied',
            lastTransitionTime: minutesAgo(20),
          },
        ],
      },
      'status.conditions',
    ],
    [
      'v1beta2 status.deprecated.v1beta1.conditions',
      'v1beta2',
      {
        deprecated: {
          v1beta1: {
            conditions: [
              {
                type: 'IPAddressClaimed',
                status: 'False',
                reason: 'IPAddressClaimNotFound',
                severity: 'Error',
                message: 'admission webhook denied',
                lastTransitionTime: minutesAgo(20),
              },
            ],
          },
        },
      },
      'status.deprecated.v1beta1.conditions',
    ],
  ])('reads the claim condition from %s', (_name, version, status, location) => {
    const findings = evaluateIpam(
      ipamDataFromObjects([vsphereVM('vm-1', [['InClusterIPPool', 'p']], status, version)]),
      NOW,
    );
    const f = findings.find((x) => x.code === 'IPAM-002');
    expect(f?.severity).toBe('fail');
    expect(f?.detail).toContain(`(${location}) is False for 20m`);
    expect(f?.detail).toContain('admission webhook denied');
  });

  it('prefers the v1beta1 reason (more specific) when both places say False', () => {
    const status = {
      conditions: [
        {
          type: 'IPAddressClaimsFulfilled',
          status: 'False',
          reason: 'NotFulfilled',
          lastTransitionTime: minutesAgo(20),
        },
      ],
      deprecated: {
        v1beta1: {
          conditions: [
            {
              type: 'IPAddressClaimed',
              status: 'False',
              reason: 'IPAddressClaimNotFound',
              lastTransitionTime: minutesAgo(20),
            },
          ],
        },
      },
    };
    const f = evaluateIpam(
      ipamDataFromObjects([vsphereVM('vm-1', [['InClusterIPPool', 'p']], status, 'v1beta2')]),
      NOW,
    ).find((x) => x.code === 'IPAM-002');
    expect(f?.title).toBe('IPAddressClaimed False for 20m: IPAddressClaimNotFound');
    expect(f?.detail).toContain('misleading');
  });

  it("ignores CAPV's True/NotFulfilled quirk for VMs without claims", () => {
    const status = {
      v1beta2: { conditions: [{ type: 'IPAddressClaimsFulfilled', status: 'True', reason: 'NotFulfilled' }] },
    };
    expect(run([vsphereVM('vm-1', [], status)])).toEqual([]);
  });

  it.each([
    [9, 'info'],
    [10, 'fail'],
    [45, 'fail'],
  ])('a False condition %i minutes old is %s', (minutes, severity) => {
    const status = {
      conditions: [
        {
          type: 'IPAddressClaimed',
          status: 'False',
          reason: 'WaitingForIPAddress',
          lastTransitionTime: minutesAgo(minutes),
        },
      ],
    };
    const f = evaluateIpam(
      ipamDataFromObjects([vsphereVM('vm-1', [['InClusterIPPool', 'p']], status)]),
      NOW,
    ).find((x) => x.code === 'IPAM-002');
    expect(f?.severity).toBe(severity);
    expect(GRACE_MS).toBe(600_000);
  });

  it.each([
    [5, 'info'],
    [15, 'warn'],
  ])('a claim pending %i minutes is %s, with its pool free count', (minutes, severity) => {
    const objects = [
      pool('p', { addresses: ['10.0.0.10-10.0.0.19'], prefix: 24 }),
      ...claim('c-1', 'p', { created: minutes }),
    ];
    const f = evaluateIpam(ipamDataFromObjects(objects), NOW).find((x) => x.code === 'IPAM-003');
    expect(f?.severity).toBe(severity);
    expect(f?.detail).toContain('InClusterIPPool default/p has 10 free (next 10.0.0.10)');
  });

  it('leaves claims on pools of other providers alone (no missing-pool finding)', () => {
    const out = run([...claim('c-1', 'ib-pool', { kind: 'InfobloxIPPool', created: 30 })]);
    expect(out).toEqual(['warn IPAM-003 IPAddressClaim/default/c-1//']);
  });

  it('reports an addressRef that points nowhere', () => {
    const c = claim('c-1', 'p')[0]!;
    const objects = [
      pool('p', { addresses: ['10.0.0.10'], prefix: 24 }),
      { ...c, status: { addressRef: { name: 'gone' } } },
    ];
    expect(run(objects)).toContain('fail IPAM-006 IPAddressClaim/default/c-1//');
  });

  it('counts used addresses per pool like the provider: namespaced pools see their namespace only', () => {
    const objects = [
      pool('p', { addresses: ['10.0.0.10-10.0.0.11'], prefix: 24 }),
      pool('p', { addresses: ['10.0.0.10-10.0.0.11'], prefix: 24 }, 'other'),
      ...claim('c-1', 'p', { bound: '10.0.0.10' }),
    ];
    const pools = analyzeIpam(ipamDataFromObjects(objects)).pools;
    expect(pools.map((p) => [p.pool.namespace, p.used, p.next])).toEqual([
      ['default', 1, '10.0.0.11'],
      ['other', 0, '10.0.0.10'],
    ]);
  });

  it('explains why an allocated address left the pool', () => {
    const objects = [
      pool('p', {
        addresses: ['10.0.0.0/24'],
        prefix: 24,
        gateway: '10.0.0.1',
        excludedAddresses: ['10.0.0.50'],
      }),
      ...claim('gw', 'p', { bound: '10.0.0.1' }),
      ...claim('ex', 'p', { bound: '10.0.0.50' }),
      ...claim('bc', 'p', { bound: '10.0.0.255' }),
      ...claim('v6', 'p', { bound: 'fd00::1' }),
    ];
    const details = evaluateIpam(ipamDataFromObjects(objects), NOW)
      .filter((f) => f.code === 'IPAM-202')
      .map((f) => f.detail.split(', but ')[1]);
    expect(details).toEqual([
      "it is the pool's gateway.",
      'it is in excludedAddresses.',
      'it is a reserved (network/broadcast) address.',
      'it is IPv6 and the pool IPv4.',
    ]);
  });

  it('checks a resolved endpoint FQDN against the pools', () => {
    const objects = [
      pool('p', { addresses: ['10.0.0.10-10.0.0.19'], prefix: 24 }),
      {
        apiVersion: 'cluster.x-k8s.io/v1beta1',
        kind: 'Cluster',
        metadata: { name: 'c', namespace: 'default' },
        spec: { controlPlaneEndpoint: { host: 'api.example.test', port: 6443 } },
      },
    ];
    const resolutions = { 'api.example.test': { host: 'api.example.test', addresses: ['10.0.0.12'] } };
    const f = evaluateIpam(ipamDataFromObjects(objects, resolutions), NOW).find((x) => x.code === 'IPAM-301');
    expect(f?.detail).toBe(
      'Control-plane endpoint api.example.test (10.0.0.12) is allocatable in InClusterIPPool default/p.',
    );
  });

  it('an excluded endpoint address is fine', () => {
    const objects = [
      pool('p', { addresses: ['10.0.0.10-10.0.0.19'], prefix: 24, excludedAddresses: ['10.0.0.12'] }),
      {
        apiVersion: 'cluster.x-k8s.io/v1beta2',
        kind: 'Cluster',
        metadata: { name: 'c', namespace: 'default' },
        spec: { controlPlaneEndpoint: { host: '10.0.0.12', port: 6443 } },
      },
    ];
    expect(run(objects)).toEqual([
      'pass IPAM-101 InClusterIPPool/default/p//',
      'pass IPAM-303 Cluster/default/c//',
    ]);
  });

  it('flags an unparsable pool spec', () => {
    expect(run([pool('p', { addresses: ['10.0.0.10-10.0.0'], prefix: 24 })])).toEqual([
      'fail IPAM-108 InClusterIPPool/default/p//',
    ]);
  });

  it('reads a v1alpha1 pool (the dkp demo sample) through the upstream conversion', () => {
    const record = toPool(
      pool(
        'dkp-demo-pool',
        { prefix: 20, gateway: '10.16.48.1', addresses: ['10.16.56.88', '10.16.56.89', '10.16.56.90'] },
        'default',
        'InClusterIPPool',
        'v1alpha1',
      ),
    )!;
    const space = poolSpaceOf(record);
    expect(space.ok && space.space.total).toBe(3n);
    const withSubnet = toPool(
      pool(
        'tkg21',
        { subnet: '10.10.10.0/24', start: '10.10.10.100', gateway: '10.10.10.1' },
        'default',
        'InClusterIPPool',
        'v1alpha1',
      ),
    )!;
    expect(withSubnet.addresses).toEqual(['10.10.10.100-10.10.10.254']);
    expect(withSubnet.prefix).toBe(24);
  });

  it('caches pool interval sets on the pool record identity', () => {
    const data = ipamDataFromObjects([pool('p', { addresses: ['10.0.0.0/16'], prefix: 16 })]);
    const analyzer = new IpamAnalyzer();
    const a = analyzer.poolSpace(data.pools[0]!);
    expect(analyzer.poolSpace(data.pools[0]!)).toBe(a);
    expect(analyzer.poolSpace({ ...data.pools[0]! })).not.toBe(a);
    // Another analyzer (another session) keeps caches of its own.
    expect(new IpamAnalyzer().poolSpace(data.pools[0]!)).not.toBe(a);
  });

  it('does not compare a global pool with its provider status when only one namespace was read (-n)', () => {
    const global = {
      ...pool(
        'shared',
        { addresses: ['10.0.0.10-10.0.0.19'], prefix: 24 },
        undefined,
        'GlobalInClusterIPPool',
      ),
      status: { ipAddresses: { total: 10, used: 4, free: 6 } },
    };
    const data = ipamDataFromObjects([global]);
    expect(summary(evaluateIpam(data, NOW))).toContain('info IPAM-107 GlobalInClusterIPPool//shared//');
    expect(summary(evaluateIpam({ ...data, namespace: 'tenant-a' }, NOW))).not.toContain(
      'info IPAM-107 GlobalInClusterIPPool//shared//',
    );
  });

  it('takes the grace period and the low-free threshold from [ipam]', () => {
    const objects = [
      pool('p', { addresses: ['10.0.0.10-10.0.0.19'], prefix: 24 }),
      ...claim('c-1', 'p', { bound: '10.0.0.10' }),
      ...claim('c-2', 'p', { created: 15 }),
    ];
    const data = ipamDataFromObjects(objects);
    expect(summary(evaluateIpam(data, NOW))).toEqual([
      'warn IPAM-003 IPAddressClaim/default/c-2//',
      'pass IPAM-101 InClusterIPPool/default/p//',
    ]);
    const strict = ipamSettings({ ipam: { graceMinutes: 30, lowFreePercent: 95 } });
    expect(summary(evaluateIpam(data, NOW, strict))).toEqual([
      'warn IPAM-103 InClusterIPPool/default/p//',
      'info IPAM-003 IPAddressClaim/default/c-2//',
    ]);
  });

  it('puts unknown reasons into words too', () => {
    expect(explainReason('SomethingNew')).toContain('SomethingNew');
    expect(explainReason('PoolExhausted')).toBe('the pool has no free address left');
  });
});

describe('address reuse grace and claims stuck deleting', () => {
  const run = (objects: Obj[]) => summary(evaluateIpam(ipamDataFromObjects(objects), NOW));
  const RANGE = { addresses: ['10.0.0.10-10.0.0.19'], prefix: 24 };
  const graced = (seconds: number | undefined, version = 'v1alpha2') =>
    pool(
      'p',
      seconds === undefined ? RANGE : { ...RANGE, addressReuseGracePeriodSeconds: seconds },
      'default',
      'InClusterIPPool',
      version,
    );
  const deletedPool = (seconds: number, minutes: number) => {
    const p = graced(seconds);
    return { ...p, metadata: { ...(p.metadata as Obj), deletionTimestamp: minutesAgo(minutes) } };
  };
  const POOL_OK = 'pass IPAM-101 InClusterIPPool/default/p//';
  const CLAIM = 'IPAddressClaim/default/c-1//';

  it.each([
    // name, pool, claim deleted minutes ago, findings besides the healthy pool
    [
      'grace unset, deleting 5m: release due, within grace_minutes',
      graced(undefined),
      5,
      [`info IPAM-008 ${CLAIM}`],
    ],
    ['grace unset, deleting 15m: stuck', graced(undefined), 15, [`warn IPAM-008 ${CLAIM}`]],
    ['grace 0, deleting 5m', graced(0), 5, [`info IPAM-008 ${CLAIM}`]],
    ['grace 0, deleting 15m: stuck', graced(0), 15, [`warn IPAM-008 ${CLAIM}`]],
    ['grace 30m, deleting 5m: held in grace', graced(1800), 5, [`info IPAM-007 ${CLAIM}`]],
    ['grace 30m, deleting 35m: 5m past release', graced(1800), 35, [`info IPAM-008 ${CLAIM}`]],
    ['grace 30m, deleting 45m: past release + grace_minutes', graced(1800), 45, [`warn IPAM-008 ${CLAIM}`]],
    ['grace 30m, pool deleted 2m ago: grace skipped', deletedPool(1800, 2), 5, [`info IPAM-008 ${CLAIM}`]],
    ['grace 30m, pool deleted 15m ago: grace skipped', deletedPool(1800, 15), 20, [`warn IPAM-008 ${CLAIM}`]],
    ['v1alpha1 pool: no such field, no grace', graced(1800, 'v1alpha1'), 5, [`info IPAM-008 ${CLAIM}`]],
    ['v1alpha1 pool, deleting 15m: stuck', graced(1800, 'v1alpha1'), 15, [`warn IPAM-008 ${CLAIM}`]],
  ])('%s', (_name, p, deleted, expected) => {
    expect(run([p, ...claim('c-1', 'p', { bound: '10.0.0.10', deleted })])).toEqual([...expected, POOL_OK]);
  });

  it.each([
    ['a bound claim that is not deleting', graced(1800), claim('c-1', 'p', { bound: '10.0.0.10' })],
    [
      'a deleting claim whose IPAddress is already gone',
      graced(0),
      [{ ...claim('c-1', 'p', { deleted: 60 })[0]!, status: { addressRef: { name: 'c-1' } } }],
    ],
    ['a deleting claim that never got an address', graced(0), claim('c-1', 'p', { deleted: 60 })],
    [
      'a deleting claim of another provider',
      graced(0),
      claim('c-1', 'ib', { bound: '10.0.0.10', kind: 'InfobloxIPPool', deleted: 60 }),
    ],
  ])('stays quiet about %s', (_name, p, objects) => {
    expect(run([p, ...objects])).toEqual([POOL_OK]);
  });

  it('says when an address held in the reuse grace is freed', () => {
    const findings = evaluateIpam(
      ipamDataFromObjects([graced(1800), ...claim('c-1', 'p', { bound: '10.0.0.10', deleted: 5 })]),
      NOW,
    );
    const f = findings.find((x) => x.code === 'IPAM-007');
    expect(f?.title).toBe('IP address 10.0.0.10 held in the reuse grace for 25m more');
    expect(f?.detail).toBe(
      'Deleting since 2026-03-01T11:55:00.000Z; InClusterIPPool default/p keeps IPAddress default/c-1 (10.0.0.10) for its reuse grace of 1800s and frees it at 2026-03-01T12:25:00Z (in 25m).',
    );
    expect(f?.evidence).toEqual({
      claim: 'default/c-1',
      address: '10.0.0.10/24',
      ipAddress: 'default/c-1',
      pool: 'InClusterIPPool default/p',
      deletionTimestamp: '2026-03-01T11:55:00.000Z',
      graceSeconds: 1800,
      releasesAt: '2026-03-01T12:25:00Z',
    });
  });

  it('names the finalizer on a stuck deletion, and why the address was due', () => {
    const stuck = (objects: Obj[]) =>
      evaluateIpam(ipamDataFromObjects(objects), NOW).find((x) => x.code === 'IPAM-008');
    const f = stuck([graced(1800), ...claim('c-1', 'p', { bound: '10.0.0.10', deleted: 45 })]);
    expect(f?.title).toBe('IP address claim stuck deleting for 45m, 10.0.0.10 not released');
    expect(f?.detail).toContain("the pool's reuse grace of 1800s ended at 2026-03-01T11:45:00Z");
    expect(f?.detail).toContain('ipam.cluster.x-k8s.io/ReleaseAddress');
    expect(f?.remedy).toContain('ipam.cluster.x-k8s.io/ReleaseAddress');
    expect(f?.remedy).toContain('kubectl logs -n caip-in-cluster-system');
    expect(f?.evidence).toMatchObject({
      graceSeconds: 1800,
      releasesAt: '2026-03-01T11:45:00Z',
      overdue: '15m',
    });

    const young = stuck([graced(undefined), ...claim('c-1', 'p', { bound: '10.0.0.10', deleted: 5 })]);
    expect(young?.detail).toContain('has no reuse grace, so the address was due at once');
    expect(young?.detail).toContain('Within the 10-minute grace period');

    const poolGone = stuck([deletedPool(1800, 2), ...claim('c-1', 'p', { bound: '10.0.0.10', deleted: 5 })]);
    expect(poolGone?.detail).toContain('is being deleted, so the provider skips its reuse grace');
    expect(poolGone?.evidence).toMatchObject({ graceSeconds: 180, releasesAt: '2026-03-01T11:58:00Z' });
  });

  it('takes the slack after the release time from [ipam] grace_minutes', () => {
    const data = ipamDataFromObjects([graced(0), ...claim('c-1', 'p', { bound: '10.0.0.10', deleted: 15 })]);
    expect(run([graced(0), ...claim('c-1', 'p', { bound: '10.0.0.10', deleted: 15 })])).toContain(
      `warn IPAM-008 ${CLAIM}`,
    );
    expect(summary(evaluateIpam(data, NOW, ipamSettings({ ipam: { graceMinutes: 30 } })))).toContain(
      `info IPAM-008 ${CLAIM}`,
    );
  });

  it('tells on an exhausted pool how many used addresses deleting claims hold and when the first is freed', () => {
    const objects = [
      pool('p', { addresses: ['10.0.0.10-10.0.0.11'], prefix: 24, addressReuseGracePeriodSeconds: 1800 }),
      ...claim('old', 'p', { bound: '10.0.0.11', deleted: 50 }),
      ...claim('new', 'p', { bound: '10.0.0.10', deleted: 5 }),
      ...claim('waiting', 'p', { created: 15 }),
    ];
    const findings = evaluateIpam(ipamDataFromObjects(objects), NOW);
    expect(summary(findings)).toEqual([
      'fail IPAM-102 InClusterIPPool/default/p//',
      'warn IPAM-003 IPAddressClaim/default/waiting//',
      'warn IPAM-008 IPAddressClaim/default/old//',
      'info IPAM-007 IPAddressClaim/default/new//',
    ]);
    const exhausted = findings.find((f) => f.code === 'IPAM-102');
    expect(exhausted?.detail).toBe(
      "InClusterIPPool default/p has no free address (2 allocatable, 2 used) and 1 claim waits: default/waiting. 2 of 2 used addresses are held by deleting claims: 1 in the pool's reuse grace, the first freed at 2026-03-01T12:25:00Z (in 25m); 1 past its release time, not freed by the provider (IPAM-008).",
    );
    expect(exhausted?.evidence).toMatchObject({
      used: 2,
      free: '0',
      heldByDeletingClaims: 2,
      inReuseGrace: 1,
      nextRelease: '2026-03-01T12:25:00Z',
    });
  });

  it('says on an exhausted pool when no held address will free by waiting', () => {
    const objects = [
      pool('p', { addresses: ['10.0.0.10'], prefix: 24 }),
      ...claim('old', 'p', { bound: '10.0.0.10', deleted: 50 }),
      ...claim('waiting', 'p', { created: 15 }),
    ];
    const exhausted = evaluateIpam(ipamDataFromObjects(objects), NOW).find((f) => f.code === 'IPAM-102');
    expect(exhausted?.detail).toContain(
      '1 of 1 used address is held by deleting claims: 1 past its release time, not freed by the provider (IPAM-008).',
    );
    expect(exhausted?.evidence).toMatchObject({
      heldByDeletingClaims: 1,
      inReuseGrace: 0,
      nextRelease: null,
    });
  });

  it('tells on an almost full pool too', () => {
    const data = ipamDataFromObjects([
      graced(1800),
      ...claim('c-1', 'p', { bound: '10.0.0.10', deleted: 5 }),
    ]);
    const low = evaluateIpam(data, NOW, ipamSettings({ ipam: { lowFreePercent: 95 } })).find(
      (f) => f.code === 'IPAM-103',
    );
    expect(low?.detail).toBe(
      "InClusterIPPool default/p: 9 of 10 addresses free (90%). 1 of 1 used address is held by deleting claims: 1 in the pool's reuse grace, the first freed at 2026-03-01T12:25:00Z (in 25m).",
    );
    expect(low?.evidence).toMatchObject({ heldByDeletingClaims: 1, nextRelease: '2026-03-01T12:25:00Z' });
  });

  it('leaves pool findings as they were when no deleting claim holds an address', () => {
    const data = ipamDataFromObjects(scenarioObjects(), UNRESOLVED);
    const exhausted = evaluateIpam(data, NOW).find((f) => f.code === 'IPAM-102');
    expect(exhausted?.detail).not.toContain('deleting');
    expect(exhausted?.evidence).not.toHaveProperty('heldByDeletingClaims');
  });

  it('lists held addresses per pool in the analysis, earliest release first', () => {
    const objects = [
      pool('p', { ...RANGE, addressReuseGracePeriodSeconds: 600 }),
      pool('q', RANGE, 'default', 'GlobalInClusterIPPool'),
      ...claim('late', 'p', { bound: '10.0.0.10', deleted: 1 }),
      ...claim('early', 'p', { bound: '10.0.0.11', deleted: 8 }),
      ...claim('kept', 'p', { bound: '10.0.0.12' }),
      ...claim('global', 'q', { bound: '10.0.0.13', kind: 'GlobalInClusterIPPool', deleted: 3 }),
    ];
    const pools = analyzeIpam(ipamDataFromObjects(objects)).pools;
    expect(
      pools.map((p) => [
        p.pool.name,
        p.used,
        p.heldByDeletingClaims.map((h) => [h.claim.name, h.address.address, h.graceSeconds]),
        p.earliestReleaseMs === undefined ? null : new Date(p.earliestReleaseMs).toISOString(),
      ]),
    ).toEqual([
      [
        'p',
        3,
        [
          ['early', '10.0.0.11', 600],
          ['late', '10.0.0.10', 600],
        ],
        '2026-03-01T12:02:00.000Z',
      ],
      ['q', 1, [['global', '10.0.0.13', 0]], '2026-03-01T11:57:00.000Z'],
    ]);
  });

  const T = Date.parse('2026-03-01T11:00:00Z');
  it.each([
    ['grace unset', undefined, undefined, 0, T],
    ['grace 0', 0, undefined, 0, T],
    ['a negative grace counts as none', -5, undefined, 0, T],
    ['grace 60s', 60, undefined, 60, T + 60_000],
    ['pool deleted during the grace: skipped from then', 600, T + 120_000, 120, T + 120_000],
    ['pool deleted before the claim: no grace', 600, T - 60_000, 0, T],
    ['pool deleted after the grace ended: no change', 60, T + 600_000, 60, T + 60_000],
  ])('address release: %s', (_name, grace, poolDeleted, graceSeconds, releasesAtMs) => {
    expect(addressRelease(T, grace, poolDeleted)).toEqual({ graceSeconds, releasesAtMs });
  });

  it.each([
    ['v1alpha2 with the field', 'v1alpha2', { addressReuseGracePeriodSeconds: 300 }, 300],
    ['v1alpha2 without it', 'v1alpha2', {}, undefined],
    ['v1alpha2 with 0', 'v1alpha2', { addressReuseGracePeriodSeconds: 0 }, 0],
    ['v1alpha1 (no such field)', 'v1alpha1', { addressReuseGracePeriodSeconds: 300 }, undefined],
  ])('reads the reuse grace of a %s pool', (_name, version, extra, expected) => {
    const record = toPool(pool('p', { ...RANGE, ...extra }, 'default', 'InClusterIPPool', version))!;
    expect(record.addressReuseGracePeriodSeconds).toBe(expected);
  });

  it('keeps the deletion timestamps of claims and pools', () => {
    const c = toClaim(claim('c-1', 'p', { deleted: 5 })[0]!);
    expect([c.deleting, c.deletionTimestamp]).toEqual([true, '2026-03-01T11:55:00.000Z']);
    const kept = toClaim(claim('c-2', 'p')[0]!);
    expect([kept.deleting, kept.deletionTimestamp]).toEqual([false, undefined]);
    expect(toPool(deletedPool(60, 2))?.deletionTimestamp).toBe('2026-03-01T11:58:00.000Z');
    expect(toPool(graced(60))?.deletionTimestamp).toBeUndefined();
  });
});

describe('incremental evaluation', () => {
  it('gives the same findings after a change as a cold evaluation of copied records', () => {
    const data = ipamDataFromObjects(scenarioObjects(), UNRESOLVED);
    const checker = new IpamChecker();
    checker.evaluate(data, NOW); // warm every cache
    // One watch event: the pending claim got its address, everything else is the same objects.
    const claims = data.claims.map((c) =>
      c.name === 'wc-2-md-0-b-0-0' ? { ...c, addressName: 'wc-2-md-0-b-0-0' } : c,
    );
    const address = {
      ...data.addresses.find((a) => a.name === 'wc-2-cp-1-0-0')!,
      name: 'wc-2-md-0-b-0-0',
      claimName: 'wc-2-md-0-b-0-0',
      address: '10.30.0.12',
    };
    const changed: IpamData = { ...data, claims, addresses: [...data.addresses, address] };
    const warm = checker.evaluate(changed, NOW);
    const copy = <T extends object>(list: readonly T[]) => list.map((x) => structuredClone(x));
    const cold = evaluateIpam(
      {
        ...changed,
        clusters: copy(changed.clusters),
        machines: copy(changed.machines),
        vsphereMachines: copy(changed.vsphereMachines),
        vsphereVMs: copy(changed.vsphereVMs),
        claims: copy(changed.claims),
        addresses: copy(changed.addresses),
        pools: copy(changed.pools),
      },
      NOW,
    );
    const full = (list: Finding[]) => [...list].sort(compareFindings).map((f) => JSON.stringify(f));
    expect(full(warm)).toEqual(full(cold));
    // The address is outside small-pool's range: the change is visible, not masked by a cache.
    expect(summary(warm)).toContain('fail IPAM-202 IPAddress/tenant-a/wc-2-md-0-b-0-0//');
    expect(summary(warm)).not.toContain('warn IPAM-003 IPAddressClaim/tenant-a/wc-2-md-0-b-0-0//');
  });
});
