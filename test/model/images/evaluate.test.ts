import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs bench module, typed by the annotation where it is used
import { syntheticPods } from '../../../scripts/bench/images.bench.mjs';
import { type Config, DEFAULT_CONFIG, type IgnoreRule } from '../../../src/model/config.js';
import { type Finding, subjectLabel } from '../../../src/model/finding.js';
import { collationKey, compareFindings } from '../../../src/model/finding-order.js';
import { evaluateImages, ImagesChecker } from '../../../src/model/images/evaluate.js';
import { diagnosePullFailure } from '../../../src/model/images/pull-failure.js';
import { isPublicRegistry } from '../../../src/model/images/registries.js';
import { globToRegExp } from '../../../src/model/images/rules.js';
import type { ContainerRecord, ImagesData, PodRecord } from '../../../src/model/images/types.js';
import { IMAGES_FIXTURE_FINDINGS, triples } from './expected.js';
import { fixtureConfig, fixtureData } from './fixture.js';

describe('evaluateImages over fixtures/images/pods.yaml', () => {
  it('flags exactly the right containers with the right severities', () => {
    expect(triples(evaluateImages(fixtureData(), fixtureConfig()))).toEqual(IMAGES_FIXTURE_FINDINGS);
  });

  it('names the workload, the normalised reference and the kubelet message', () => {
    const findings = evaluateImages(fixtureData(), fixtureConfig());
    const nginx = findings.find((f) => f.code === 'IMG-002' && f.subject.container === 'nginx');
    expect(nginx?.detail).toContain('Deployment default/web');
    expect(nginx?.detail).toContain('docker.io/library/nginx:latest (written "nginx")');
    expect(nginx?.evidence).toMatchObject({
      image: 'nginx',
      reference: 'docker.io/library/nginx:latest',
      registry: 'docker.io',
      node: 'tkg-wc-md-0-6f7d9-abcde',
      workload: 'Deployment/web',
      containerKind: 'container',
    });
    const pull = findings.find((f) => f.code === 'IMG-005' && f.subject.container === 'worker');
    expect(pull?.detail).toContain('Deployment apps/worker');
    expect(pull?.detail).toContain('registry.example.internal/tkg/apps/worker:2.0.0: not found');
    expect(pull?.evidence).toMatchObject({ waitingReason: 'ErrImagePull' });
    expect(pull?.title).toBe(
      'ErrImagePull (not in the registry): registry.example.internal/tkg/apps/worker:2.0.0',
    );
    expect(pull?.remedy).toMatch(/^Push the image/);
    const cron = findings.find((f) => f.code === 'IMG-002' && f.subject.container === 'defrag');
    expect(cron?.detail).toContain('CronJob kube-system/etcd-defrag');
    // ImagePullBackOff's own message says nothing; the kubelet's Failed event says why.
    const backoff = findings.find((f) => f.code === 'IMG-005' && f.subject.container === 'defrag');
    expect(backoff?.title).toBe('ImagePullBackOff (registry unreachable): registry.k8s.io/etcd:3.5.9-0');
    expect(backoff?.detail).toContain(
      'Back-off pulling image "registry.k8s.io/etcd:3.5.9-0". Last pull error (7×, last 2026-11-22T00:35:40Z): Failed to pull image',
    );
    expect(backoff?.detail).toContain('i/o timeout');
    expect(backoff?.remedy).toMatch(/air gap is doing its job/);
    expect(backoff?.evidence).toMatchObject({ pullErrorCount: 7, pullDiagnosis: 'registry unreachable' });
    // A running container keeps no stale pull error.
    const antrea = findings.find((f) => f.subject.container === 'antrea-agent');
    expect(antrea?.evidence).not.toHaveProperty('pullError');
    const invalid = findings.find((f) => f.code === 'IMG-006');
    expect(invalid?.detail).toContain('repository name (TKG/App) must be lowercase');
    const mirrored = findings.find((f) => f.code === 'IMG-004');
    expect(mirrored?.evidence).toMatchObject({
      pulledRegistry: 'docker.io',
      pulledRepository: 'docker.io/acme/api',
    });
    const ignored = findings.find((f) => f.code === 'IMG-007');
    expect(ignored?.detail).toContain('CHG-1234');
    expect(ignored?.evidence).toMatchObject({
      ignoredCodes: ['IMG-002'],
      reason: expect.stringContaining('kube-vip'),
    });
    const ephemeral = findings.find((f) => f.subject.container === 'debugger-x7k2q');
    expect(ephemeral?.evidence).toMatchObject({ containerKind: 'ephemeralContainer' });
  });
});

const DIGEST = `sha256:${'a'.repeat(64)}`;

function pod(image: string, extra: Partial<ContainerRecord> = {}, namespace = 'apps'): ImagesData {
  const p: PodRecord = {
    uid: 'u1',
    namespace,
    name: 'p',
    nodeName: 'node-1',
    workload: { kind: 'Deployment', name: 'app' },
    containers: [{ name: 'c', kind: 'container', image, ...extra }],
  };
  return { pods: [p] };
}

function config(registry: Partial<Config['registry']>, ignore: IgnoreRule[] = []): Config {
  return { ...DEFAULT_CONFIG, registry: { private: [], ...registry }, ignore, source: 'test.toml' };
}

const PRIVATE = config({ private: ['registry.example.internal/tkg'] });
const CSE = config({ private: ['base.myregistry.company.com'], profile: 'cse' });
const CSE_TKG_PREFIX = config({
  private: ['base.myregistry.company.com/tkg', 'base.myregistry.company.com/vmware-cloud-director'],
  profile: 'cse',
});
const GDC = config({ private: ['registry.example.internal:5000/gdc'], profile: 'gdc' });
const NONE = config({});

interface Case {
  readonly name: string;
  readonly data: ImagesData;
  readonly config: Config;
  /** `CODE severity` per finding, sorted worst first. */
  readonly expected: readonly string[];
}

const cases: readonly Case[] = [
  {
    name: 'private prefix',
    data: pod('registry.example.internal/tkg/antrea:v1'),
    config: PRIVATE,
    expected: ['IMG-001 pass'],
  },
  {
    name: 'exactly the prefix repository',
    data: pod('registry.example.internal/tkg:v1'),
    config: PRIVATE,
    expected: ['IMG-001 pass'],
  },
  {
    name: 'look-alike path segment',
    data: pod('registry.example.internal/tkgx/antrea:v1'),
    config: PRIVATE,
    expected: ['IMG-003 fail'],
  },
  {
    name: 'other port on the private host',
    data: pod('registry.example.internal:8443/tkg/a:v1'),
    config: PRIVATE,
    expected: ['IMG-003 fail'],
  },
  { name: 'short name nginx', data: pod('nginx'), config: PRIVATE, expected: ['IMG-002 fail'] },
  {
    name: 'index.docker.io alias',
    data: pod('index.docker.io/library/nginx:1.25'),
    config: PRIVATE,
    expected: ['IMG-002 fail'],
  },
  {
    name: 'registry-1.docker.io',
    data: pod('registry-1.docker.io/library/nginx:1.25'),
    config: PRIVATE,
    expected: ['IMG-002 fail'],
  },
  {
    name: 'projects.registry.vmware.com',
    data: pod('projects.registry.vmware.com/tkg/pause:3.9'),
    config: PRIVATE,
    expected: ['IMG-002 fail'],
  },
  {
    name: 'regional gcr mirror',
    data: pod('us.gcr.io/proj/app:1'),
    config: PRIVATE,
    expected: ['IMG-002 fail'],
  },
  {
    name: 'unknown internal registry',
    data: pod('harbor.corp.internal/app/x:1'),
    config: PRIVATE,
    expected: ['IMG-003 fail'],
  },
  {
    name: 'invalid reference',
    data: pod('registry.example.internal/tkg/App:1'),
    config: PRIVATE,
    expected: ['IMG-006 fail'],
  },
  {
    name: 'kubelet says InvalidImageName for a string we accept',
    data: pod('registry.example.internal/tkg/a:1', {
      waitingReason: 'InvalidImageName',
      waitingMessage: 'bad',
    }),
    config: PRIVATE,
    expected: ['IMG-006 fail', 'IMG-001 pass'],
  },
  {
    name: 'private image pull failing',
    data: pod('registry.example.internal/tkg/a:1', {
      waitingReason: 'ImagePullBackOff',
      waitingMessage: 'Back-off pulling image',
    }),
    config: PRIVATE,
    expected: ['IMG-005 fail', 'IMG-001 pass'],
  },
  {
    name: 'CrashLoopBackOff is not a pull failure',
    data: pod('registry.example.internal/tkg/a:1', { waitingReason: 'CrashLoopBackOff' }),
    config: PRIVATE,
    expected: ['IMG-001 pass'],
  },
  {
    name: 'digest recorded under a public registry',
    data: pod('registry.example.internal/tkg/a:1', { imageID: `docker.io/library/a@${DIGEST}` }),
    config: PRIVATE,
    expected: ['IMG-004 warn', 'IMG-001 pass'],
  },
  {
    name: 'dockershim docker-pullable id under the same registry',
    data: pod('registry.example.internal/tkg/a:1', {
      imageID: `docker-pullable://registry.example.internal/tkg/a@${DIGEST}`,
    }),
    config: PRIVATE,
    expected: ['IMG-001 pass'],
  },
  {
    name: 'digest recorded under another allowed registry is informational',
    data: pod('registry.example.internal/tkg/a:1', { imageID: `mirror.example.internal/tkg/a@${DIGEST}` }),
    config: config({ private: ['registry.example.internal/tkg', 'mirror.example.internal'] }),
    expected: ['IMG-004 info', 'IMG-001 pass'],
  },
  {
    name: 'bare image id (no repo digest) proves nothing either way',
    data: pod('registry.example.internal/tkg/a:1', { imageID: `sha256:${'b'.repeat(64)}` }),
    config: PRIVATE,
    expected: ['IMG-001 pass'],
  },
  {
    name: 'cse: BASE/tkg',
    data: pod('base.myregistry.company.com/tkg/antrea:v1'),
    config: CSE,
    expected: ['IMG-001 pass'],
  },
  {
    name: 'cse: BASE/vmware-cloud-director',
    data: pod('base.myregistry.company.com/vmware-cloud-director/cluster-api-provider-cloud-director:1.3.0'),
    config: CSE,
    expected: ['IMG-001 pass'],
  },
  {
    name: 'cse: BASE/tanzu_cli',
    data: pod('base.myregistry.company.com/tanzu_cli/plugins/plugin-inventory:latest'),
    config: CSE,
    expected: ['IMG-001 pass'],
  },
  {
    name: 'cse: elsewhere under BASE',
    data: pod('base.myregistry.company.com/apps/x:1'),
    config: CSE,
    expected: ['IMG-008 warn'],
  },
  {
    name: 'cse: tkgx is not tkg',
    data: pod('base.myregistry.company.com/tkgx/x:1'),
    config: CSE,
    expected: ['IMG-008 warn'],
  },
  {
    name: 'cse: prefix that names BASE/tkg allows its siblings',
    data: pod('base.myregistry.company.com/tanzu_cli/plugins/plugin-inventory:latest'),
    config: config({
      private: ['base.myregistry.company.com/tkg', 'base.myregistry.company.com/tanzu_cli'],
      profile: 'cse',
    }),
    expected: ['IMG-001 pass'],
  },
  {
    name: 'cse: a sibling not listed as private is not private',
    data: pod('base.myregistry.company.com/tanzu_cli/plugins/plugin-inventory:latest'),
    config: CSE_TKG_PREFIX,
    expected: ['IMG-003 fail'],
  },
  {
    name: 'tkg profile has no layout rule',
    data: pod('base.myregistry.company.com/apps/x:1'),
    config: config({ private: ['base.myregistry.company.com'], profile: 'tkg' }),
    expected: ['IMG-001 pass'],
  },
  {
    name: 'gdc: gcr.io depends on the mirror',
    data: pod('gcr.io/gke-on-prem-release/etcd:v3.4'),
    config: GDC,
    expected: ['IMG-009 warn'],
  },
  {
    name: 'gdc: other public registries still fail',
    data: pod('quay.io/x/y:1'),
    config: GDC,
    expected: ['IMG-002 fail'],
  },
  {
    name: 'gdc: private port prefix',
    data: pod('registry.example.internal:5000/gdc/etcd:v3.4'),
    config: GDC,
    expected: ['IMG-001 pass'],
  },
  {
    name: 'tkg: gcr.io is just public',
    data: pod('gcr.io/gke-on-prem-release/etcd:v3.4'),
    config: PRIVATE,
    expected: ['IMG-002 fail'],
  },
  {
    name: 'no private registry: one config finding, public still fails',
    data: pod('nginx'),
    config: NONE,
    expected: ['IMG-002 fail', 'IMG-010 fail'],
  },
  {
    name: 'no private registry: unknown registries are unverified, not failed',
    data: pod('harbor.corp.internal/app/x:1'),
    config: NONE,
    expected: ['IMG-010 fail', 'IMG-003 info'],
  },
  {
    name: 'ignore by namespace and image glob',
    data: pod('registry.k8s.io/pause:3.9', {}, 'kube-system'),
    config: config({ private: ['registry.example.internal/tkg'] }, [
      { namespace: 'kube-system', image: 'registry.k8s.io/pause*', reason: 'r' },
    ]),
    expected: ['IMG-007 info'],
  },
  {
    name: 'ignore glob on the normalised form matches a short name',
    data: pod('nginx:1.25'),
    config: config({ private: ['registry.example.internal/tkg'] }, [
      { image: 'docker.io/library/nginx:*', reason: 'r' },
    ]),
    expected: ['IMG-007 info'],
  },
  {
    name: 'ignore in another namespace does not apply',
    data: pod('registry.k8s.io/pause:3.9', {}, 'default'),
    config: config({ private: ['registry.example.internal/tkg'] }, [
      { namespace: 'kube-system', image: 'registry.k8s.io/pause*', reason: 'r' },
    ]),
    expected: ['IMG-002 fail'],
  },
  {
    name: 'ignore restricted to codes leaves the others',
    data: pod('nginx', { waitingReason: 'ErrImagePull', waitingMessage: 'i/o timeout' }),
    config: config({ private: ['registry.example.internal/tkg'] }, [
      { image: 'nginx', codes: ['IMG-002'], reason: 'r' },
    ]),
    expected: ['IMG-005 fail', 'IMG-007 info'],
  },
  {
    name: 'ignore never hides a pass',
    data: pod('registry.example.internal/tkg/a:1'),
    config: config({ private: ['registry.example.internal/tkg'] }, [{ namespace: 'apps', reason: 'r' }]),
    expected: ['IMG-001 pass'],
  },
  {
    name: 'cse layout warning can be accepted per code',
    data: pod('base.myregistry.company.com/apps/x:1'),
    config: config({ private: ['base.myregistry.company.com'], profile: 'cse' }, [
      { namespace: 'apps', codes: ['IMG-008'], reason: 'our apps' },
    ]),
    expected: ['IMG-007 info'],
  },
];

describe('evaluateImages verdicts', () => {
  it.each(cases)('$name', (tc) => {
    const got = [...evaluateImages(tc.data, tc.config)]
      .sort(compareFindings)
      .map((f) => `${f.code} ${f.severity}`);
    expect(got).toEqual(tc.expected);
  });

  it('one origin verdict per container for containers, init and ephemeral containers', () => {
    const data: ImagesData = {
      pods: [
        {
          uid: 'u',
          namespace: 'ns',
          name: 'p',
          workload: { kind: 'Pod', name: 'p' },
          containers: [
            { name: 'init', kind: 'initContainer', image: 'busybox' },
            { name: 'main', kind: 'container', image: 'registry.example.internal/tkg/a:1' },
            { name: 'debug', kind: 'ephemeralContainer', image: 'registry.example.internal/tkg/debug:1' },
          ],
        },
      ],
    };
    const got = evaluateImages(data, PRIVATE).map((f) => `${f.subject.container}:${f.code}`);
    expect(got.sort()).toEqual(['debug:IMG-001', 'init:IMG-002', 'main:IMG-001']);
  });
});

describe('diagnosePullFailure', () => {
  it.each([
    ['failed to resolve reference "r/a:1": r/a:1: not found', false, 'not in the registry'],
    ['manifest unknown: manifest unknown', false, 'not in the registry'],
    [
      'tls: failed to verify certificate: x509: certificate signed by unknown authority',
      false,
      'registry certificate not trusted',
    ],
    ['http: server gave HTTP response to HTTPS client', false, 'registry speaks plain HTTP'],
    [
      'pull access denied, repository does not exist or may require authorization',
      false,
      'pull refused (credentials)',
    ],
    [
      'failed to fetch anonymous token: unexpected status: 401 Unauthorized',
      false,
      'pull refused (credentials)',
    ],
    ['dial tcp: lookup registry.example.internal: no such host', false, 'registry unreachable'],
    ['Back-off pulling image "x"', false, undefined],
  ])('%s', (message, publicRegistry, cause) => {
    expect(diagnosePullFailure(message, publicRegistry)?.cause).toBe(cause);
  });
});

describe('helpers', () => {
  it.each([
    ['registry.k8s.io/pause*', 'registry.k8s.io/pause:3.9', true],
    ['registry.k8s.io/pause*', 'registry.k8s.io/pausex', true],
    ['registry.k8s.io/pause*', 'xregistry.k8s.io/pause', false],
    ['*/pause:*', 'registry.k8s.io/pause:3.9', true],
    ['a.b/c', 'aXb/c', false],
  ])('glob %s on %s → %s', (glob, value, expected) => {
    expect(globToRegExp(glob).test(value)).toBe(expected);
  });
  it.each([
    ['docker.io', true],
    ['quay.io', true],
    ['europe-west1-docker.pkg.dev', true],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', true],
    ['registry.example.internal', false],
    ['10.0.0.5:5000', false],
    ['localhost:5000', false],
  ])('isPublicRegistry(%s) → %s', (domain, expected) => {
    expect(isPublicRegistry(domain)).toBe(expected);
  });
});

describe('performance', () => {
  // Its cost (cold and after one event) is measured by `npm run bench` (scripts/bench/images.bench.mjs).
  // 10,000 pods judged cold four times: on a busy shared machine this can take longer than the
  // default 30 s; the assertions are about identity and equality, never about time.
  it('after one pod changes, only that pod is judged again, and the result equals a cold evaluation', () => {
    // The very pods the bench measures (10,000, sorted as the probe publishes them).
    const pods: PodRecord[] = syntheticPods(10_000);
    const cfg = config({ private: ['registry.example.internal/tkg'] }, [
      { namespace: 'ns1', image: 'registry.k8s.io/pause*', reason: 'r' },
    ]);
    const base: ImagesData = { pods: pods.map((p) => ({ ...p })) };
    const checker = new ImagesChecker();
    const before = checker.evaluate(base, cfg);
    expect(before).toHaveLength(28_000);
    const seen = new Set<Finding>(before);
    let current = base;
    for (let i = 0; i < 3; i++) {
      // Each event changes one more pod of the data the last run saw, as watch events arrive.
      const changedIndex = 42 + i * 1000;
      const changed: ImagesData = {
        pods: current.pods.map((p, j) => (j === changedIndex ? { ...p, nodeName: `node-x${i}` } : p)),
      };
      current = changed;
      const after = checker.evaluate(changed, cfg);
      // Findings of unchanged records are the very objects of the last run: nothing else was judged.
      const rejudged = after.filter((f) => !seen.has(f));
      const changedPod = changed.pods[changedIndex];
      expect(rejudged.length).toBeGreaterThan(0);
      expect(rejudged.filter((f) => f.subject.name !== changedPod?.name).map((f) => f.subject.name)).toEqual(
        [],
      );
      // The patched sorted list equals what a cold run (a fresh checker and config object) gives.
      const cold = evaluateImages({ pods: changed.pods.map((p) => ({ ...p })) }, { ...cfg });
      expect(after).toEqual(cold);
      for (const f of after) seen.add(f);
    }
  }, 180_000);

  it('the fast subject-key comparison agrees with localeCompare', () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-./';
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const word = (): string => {
      let out = '';
      const n = 1 + Math.floor(random() * 10);
      for (let i = 0; i < n; i++)
        out += alphabet[Math.floor(random() * (random() < 0.5 ? 6 : alphabet.length))];
      return out;
    };
    for (let i = 0; i < 20_000; i++) {
      const a = word();
      const b = word();
      const fa = collationKey(a) as string;
      const fb = collationKey(b) as string;
      expect([a, b, Math.sign(fa < fb ? -1 : fa > fb ? 1 : 0)]).toEqual([
        a,
        b,
        Math.sign(a.localeCompare(b)),
      ]);
    }
    expect(collationKey('Pod/ns/UPPER/c/')).toBeUndefined();
  });
});

describe('output order', () => {
  it('is already compareFindings order, so the evaluation sort is one pass', () => {
    const findings = evaluateImages(fixtureData(), fixtureConfig());
    expect(findings).toEqual([...findings].sort(compareFindings));
  });
});

describe('incremental evaluation', () => {
  /** A fresh checker (evaluateImages) over copied records and config: the reference answer. */
  function fromScratch(data: ImagesData, cfg: Config): string[] {
    return evaluateImages(structuredClone(data), { ...cfg }).map(
      (f) => `${f.code} ${f.severity} ${subjectLabel(f.subject)} ${f.detail}`,
    );
  }
  function render(findings: readonly Finding[]): string[] {
    return findings.map((f) => `${f.code} ${f.severity} ${subjectLabel(f.subject)} ${f.detail}`);
  }

  it('after adds, changes and deletes gives exactly what a fresh evaluation gives', () => {
    const cfg = fixtureConfig();
    let data = fixtureData();
    const checker = new ImagesChecker();
    expect(render(checker.evaluate(data, cfg))).toEqual(fromScratch(data, cfg));
    const steps: ((d: ImagesData) => ImagesData)[] = [
      // a pod starts failing to pull
      (d) => ({
        pods: d.pods.map((p) =>
          p.name === 'toolbox'
            ? {
                ...p,
                containers: p.containers.map((c) => ({
                  ...c,
                  waitingReason: 'ErrImagePull',
                  waitingMessage: 'x509: unknown authority',
                })),
              }
            : p,
        ),
      }),
      // a new public pod
      (d) => ({
        pods: [
          ...d.pods,
          {
            uid: 'new',
            namespace: 'aaa',
            name: 'first',
            workload: { kind: 'Pod', name: 'first' },
            containers: [{ name: 'c', kind: 'container', image: 'ghcr.io/x/y:1' }],
          },
        ],
      }),
      // a pod deleted
      (d) => ({ pods: d.pods.filter((p) => p.name !== 'prometheus-0') }),
      // nothing changed, new array
      (d) => ({ pods: [...d.pods] }),
      // workload resolved later (ReplicaSet arrived)
      (d) => ({
        pods: d.pods.map((p) =>
          p.name.startsWith('worker') ? { ...p, workload: { kind: 'Deployment', name: 'worker-v2' } } : p,
        ),
      }),
      // many pods replaced at once (relist): the full sort path
      (d) => ({ pods: d.pods.map((p) => ({ ...p })) }),
    ];
    for (const step of steps) {
      data = step(data);
      expect(render(checker.evaluate(data, cfg))).toEqual(fromScratch(data, cfg));
    }
  });

  it('records sharing a uid are both judged', () => {
    const data = pod('nginx');
    const twice: ImagesData = { pods: [...data.pods, { ...(data.pods[0] as PodRecord), name: 'q' }] };
    expect(
      evaluateImages(twice, PRIVATE)
        .map((f) => f.subject.name)
        .sort(),
    ).toEqual(['p', 'q']);
  });
});
