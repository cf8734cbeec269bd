import { describe, expect, it } from 'vitest';
import type {
  ContainerdData,
  ContainerdView,
  NodeContainerdRecord,
} from '../../../src/model/containerd/types.js';
import { ImageIdReader } from '../../../src/model/image-ref.js';
import type { ImagesData } from '../../../src/model/images/types.js';
import {
  CENTRAL_GROUP,
  groupNodes,
  judgeAll,
  judgePresence,
  planPresence,
  presenceKey,
  runningDigest,
  type TripleAnswer,
} from '../../../src/model/registry/presence.js';
import { PresenceCache } from '../../../src/model/registry/presence-cache.js';
import { type ManifestAnswer, probeKey } from '../../../src/model/registry/types.js';
import { dockerHubMirrorView } from '../../helpers/containerd-view.js';

/** Planning and judging of the presence sweep, without a network. */
const PRIVATE = 'registry.example.internal';

function view(extra: Partial<ContainerdView> = {}): ContainerdView {
  return dockerHubMirrorView(PRIVATE, { mirrorCaFiles: ['/etc/containerd/certs.d/docker.io/ca.crt'] }, extra);
}

function record(
  node: string,
  v?: ContainerdView,
  certNotAfter = '2030-01-01T00:00:00Z',
): NodeContainerdRecord {
  return {
    node,
    target: `capv@${node}:22`,
    ...(v ? { view: v } : { failure: { kind: 'unreachable' as const, message: 'no route' } }),
    problems: [],
    certificates: [
      {
        path: '/etc/containerd/certs.d/docker.io/ca.crt',
        namedBy: 'hosts.toml',
        status: 'ok',
        certificates: [
          { subject: 'CN=ca', issuer: 'CN=ca', notBefore: '2020-01-01', notAfter: certNotAfter },
        ],
      },
    ],
  };
}

function data(nodes: NodeContainerdRecord[]): ContainerdData {
  return { source: 'dump', sweptAt: '2026-12-01T00:00:00Z', durationMs: 0, nodes };
}

function pods(list: [string | undefined, string, string?][]): ImagesData {
  return {
    pods: list.map(([node, image, imageID], i) => ({
      uid: `u${i}`,
      namespace: 'ns',
      name: `p${i}`,
      ...(node ? { nodeName: node } : {}),
      workload: { kind: 'Pod', name: `p${i}` },
      containers: [{ name: 'c', kind: 'container' as const, image, ...(imageID ? { imageID } : {}) }],
    })),
  };
}

const http = (
  status: number,
  extra: Partial<Extract<ManifestAnswer, { kind: 'http' }>> = {},
): TripleAnswer => ({
  method: 'HEAD',
  status,
  answer: { kind: 'http', status, method: 'HEAD', auth: 'none', ...extra },
});

describe('grouping nodes by registry configuration', () => {
  it('merges identical configs, splits on a different CA certificate, sends unread nodes to central', () => {
    const { groups, nodeGroups } = groupNodes(
      data([
        record('b', view()),
        record('a', view()),
        record('c', view(), '2027-01-01T00:00:00Z'),
        record('d'),
        record('e', view({ files: ['/etc/containerd/config.toml', '/etc/containerd/conf.d/x.toml'] })),
      ]),
    );
    expect(groups.map((g) => [g.id, g.nodes])).toEqual([
      ['nodes:a', ['a', 'b', 'e']],
      ['nodes:c', ['c']],
      [CENTRAL_GROUP, ['d']],
    ]);
    expect(nodeGroups).toEqual({ a: 'nodes:a', b: 'nodes:a', e: 'nodes:a', c: 'nodes:c' });
  });
});

describe('planning a sweep', () => {
  it('one request per (group, image, running digest); public endpoints are planned, never probed', () => {
    const D = `sha256:${'e'.repeat(64)}`;
    const plan = planPresence(
      pods([
        ['a', 'nginx:1.25'],
        ['b', 'nginx:1.25'],
        ['a', 'nginx:1.25', `docker.io/library/nginx@${D}`],
        [undefined, `${PRIVATE}/tkg/app:1`],
        ['gone', `${PRIVATE}/tkg/app:1`],
        ['a', 'not a reference!'],
      ]),
      data([record('a', view()), record('b', view())]),
      { caFile: '/etc/ssl/central.pem', caFiles: {} },
      { localCaFile: (node, path) => `/tmp/dump/${node}${path}` },
    );
    expect(plan.requests.map((r) => r.key)).toEqual([
      presenceKey('nodes:a', 'nginx:1.25'),
      presenceKey('nodes:a', 'nginx:1.25', D),
      presenceKey(CENTRAL_GROUP, `${PRIVATE}/tkg/app:1`),
    ]);
    // The mirror with the group's representative's local CA copy and ?ns=docker.io; not the upstream.
    expect(plan.probes[0]).toEqual({
      endpoint: {
        scheme: 'https',
        host: PRIVATE,
        ns: 'docker.io',
        caFiles: ['/tmp/dump/a/etc/containerd/certs.d/docker.io/ca.crt'],
      },
      repository: 'library/nginx',
      reference: '1.25',
    });
    expect(plan.probes[1]?.expectDigest).toBe(D);
    expect(plan.probes[2]?.endpoint.caFiles).toEqual(['/etc/ssl/central.pem']);
    expect(plan.triples).toBe(2);
    expect(plan.probes.some((p) => p.endpoint.host.includes('docker.io'))).toBe(false);
  });

  it('reads the running digest only from a repo digest', () => {
    expect(runningDigest(`docker.io/library/nginx@sha256:${'a'.repeat(64)}`)).toBe(
      `sha256:${'a'.repeat(64)}`,
    );
    expect(runningDigest(undefined)).toBeUndefined();
    expect(runningDigest('not-an-id')).toBeUndefined();
  });
});

describe('runningDigest through an ImageIdReader', () => {
  const hex = 'ab'.repeat(32);
  it.each([
    `docker.io/library/nginx@sha256:${hex}`,
    `docker-pullable://docker.io/library/nginx@sha256:${hex}`,
    `docker://registry.example.internal:5000/tkg/app@sha256:${hex}`,
    `docker.io/library/nginx@sha256:${hex.toUpperCase()}`,
    `docker.io/library/nginx@sha256:${hex.slice(2)}`,
    `docker.io/library/nginx@sha512:${hex}${hex}`,
    `Bad/Name@sha256:${hex}`,
    `sha256:${hex}`,
    `@sha256:${hex}`,
    'docker.io/library/nginx:1.25',
    '',
    undefined,
  ])('%s: the same digest as without a reader', (imageID) => {
    const reader = new ImageIdReader();
    expect(runningDigest(imageID, reader)).toBe(runningDigest(imageID));
    expect(runningDigest(imageID, reader)).toBe(runningDigest(imageID));
  });
});

describe('judging in containerd order', () => {
  const setup = (image: string, nodes = data([record('a', view())])) => {
    const plan = planPresence(pods([['a', image]]), nodes, { caFiles: {} });
    return { plan, key: plan.requests[0]?.key as string, probe: plan.probes[0] };
  };

  const privateView = view({
    registries: [
      {
        host: PRIVATE,
        source: 'hosts.toml',
        endpoints: [
          {
            url: `https://${PRIVATE}`,
            host: PRIVATE,
            role: 'server',
            capabilities: ['pull', 'resolve'],
            caFiles: [],
            skipVerify: false,
            overridePath: false,
            clientCertificate: false,
          },
        ],
      },
    ],
  });
  const untrusted: TripleAnswer = {
    method: 'HEAD',
    answer: { kind: 'tls', failure: 'untrusted', message: 'x' },
  };
  it.each([
    ['mirror: 429 past Retry-After', 'nginx:1.25', http(429, { retryAfterSeconds: 60 }), 'unverified'],
    ['mirror: 5xx', 'nginx:1.25', http(503), 'unverified'],
    [
      'mirror: 404, next is the internet',
      'nginx:1.25',
      http(404, { errorCodes: ['MANIFEST_UNKNOWN'] }),
      'fallback-public',
    ],
    // containerd tries the next host after any failure: a refusing mirror also falls back.
    ['mirror: 403, next is the internet', 'nginx:1.25', http(403), 'fallback-public'],
    ['private: 404', `${PRIVATE}/tkg/app:1`, http(404), 'absent'],
    ['private: 403', `${PRIVATE}/tkg/app:1`, http(403), 'refused'],
    ['private: TLS untrusted with the node CA', `${PRIVATE}/tkg/app:1`, untrusted, 'refused'],
    ['private: 200', `${PRIVATE}/tkg/app:1`, http(200, { digest: 'sha256:x' }), 'present'],
  ])('%s → %s', (_, image, triple, kind) => {
    const { plan, key, probe } = setup(
      image,
      data([record('a', image.startsWith(PRIVATE) ? privateView : view())]),
    );
    const images = judgeAll(plan, new Map([[probeKey(probe as NonNullable<typeof probe>), triple]]));
    expect(images[key]?.outcome.kind).toBe(kind);
  });

  it('an untrusted certificate in the central check is unverified (airgap-top lacks the CA), not a fail', () => {
    const plan = planPresence(pods([[undefined, `${PRIVATE}/tkg/app:1`]]), undefined, { caFiles: {} });
    const probe = plan.probes[0] as NonNullable<(typeof plan.probes)[0]>;
    const images = judgeAll(
      plan,
      new Map([
        [probeKey(probe), { method: 'HEAD', answer: { kind: 'tls', failure: 'untrusted', message: 'x' } }],
      ]),
    );
    expect(images[plan.requests[0]?.key as string]?.outcome.kind).toBe('unverified');
  });

  it('CRI disabled: nothing is asked and nothing is pulled', () => {
    const broken = view({ legacyMirrorHosts: ['docker.io'] });
    const { plan, key } = setup('nginx:1.25', data([record('a', broken)]));
    expect(plan.probes).toEqual([]);
    expect(judgeAll(plan, new Map())[key]?.outcome).toEqual({ kind: 'cri-disabled' });
  });
});

describe('one judgement per (group, image) where no running digest changes it', () => {
  const A = `sha256:${'a'.repeat(64)}`;
  const B = `sha256:${'b'.repeat(64)}`;
  const image = `${PRIVATE}/tkg/app:1`;
  const plan = planPresence(
    pods([
      ['a', image, `${PRIVATE}/tkg/app@${A}`],
      ['a', image, `${PRIVATE}/tkg/app@${B}`],
      ['a', image],
      [undefined, image, `${PRIVATE}/tkg/app@${B}`],
    ]),
    data([record('a', view())]),
    { caFiles: {} },
  );

  it('asks each triple once and keys every probe as probeKey does', () => {
    expect(plan.requests).toHaveLength(4);
    expect(plan.probes).toHaveLength(4);
    expect(plan.asks.map(probeKey)).toEqual([...new Set(plan.probes.map(probeKey))]);
    expect(plan.triples).toBe(1); // node a asks the private registry as the central check does
    for (const r of plan.requests) expect(r.tripleKeys).toEqual(r.probes.map(probeKey));
  });

  it.each([
    ['404', http(404, { errorCodes: ['MANIFEST_UNKNOWN'] })],
    ['503', http(503)],
    ['401', http(401)],
    ['refused connection', { method: 'HEAD', answer: { kind: 'network', failure: 'refused', message: 'x' } }],
    ['200 serving A', http(200, { digest: A })],
    ['200 without a digest header', http(200)],
  ] as [string, TripleAnswer][])('%s: each request judged as on its own', (_name, triple) => {
    const answers = new Map(plan.asks.map((p) => [probeKey(p), triple]));
    const images = judgeAll(plan, answers);
    for (const request of plan.requests) expect(images[request.key]).toEqual(judgePresence(request, answers));
  });

  it('a served manifest is judged per digest: the pod on B is told of the mismatch', () => {
    const answers = new Map(plan.asks.map((p) => [probeKey(p), http(200, { digest: A })]));
    const images = judgeAll(plan, answers);
    const verdictOf = (digest?: string) =>
      images[presenceKey('nodes:a', image, digest)]?.endpoints.map((e) => e.verdict.kind);
    expect(verdictOf(A)).toEqual(['present']);
    expect(verdictOf(B)).toEqual(['digest-mismatch']);
    expect(verdictOf(undefined)).toEqual(['present']);
  });
});

describe('the live presence cache', () => {
  it('rechecks definitive answers after the interval, failures with doubling backoff capped at it', () => {
    const { plan } = {
      plan: planPresence(pods([['a', 'nginx:1']]), data([record('a', view())]), { caFiles: {} }),
    };
    const probe = plan.probes[0] as NonNullable<(typeof plan.probes)[0]>;
    const cache = new PresenceCache({ recheckMinutes: 2, failureBaseSeconds: 30 });
    const t0 = Date.parse('2026-12-01T10:00:00Z');
    const at = (s: number) => new Date(t0 + s * 1000);
    expect(cache.due([probe, probe], at(0))).toHaveLength(1);
    const down: TripleAnswer = {
      method: 'HEAD',
      answer: { kind: 'network', failure: 'refused', message: 'x' },
    };
    cache.record(probe, down, at(0));
    expect(cache.due([probe], at(29))).toHaveLength(0);
    expect(cache.due([probe], at(30))).toHaveLength(1);
    cache.record(probe, down, at(30));
    expect(cache.failures(probe)).toBe(2);
    expect(cache.due([probe], at(89))).toHaveLength(0);
    expect(cache.due([probe], at(90))).toHaveLength(1);
    cache.record(probe, down, at(90));
    cache.record(probe, down, at(90)); // 4th failure: 240 s, capped at 120 s
    expect(cache.due([probe], at(210))).toHaveLength(1);
    cache.record(probe, http(200, { digest: 'sha256:x' }), at(210));
    expect(cache.failures(probe)).toBe(0);
    expect(cache.due([probe], at(329))).toHaveLength(0);
    expect(cache.due([probe], at(330))).toHaveLength(1);
    expect(cache.answer(probe)?.status).toBe(200);
    expect(cache.nextDue()).toBe(t0 + 330_000);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('stays bounded', () => {
    const cache = new PresenceCache({ recheckMinutes: 1, maxEntries: 2 });
    const plan = planPresence(
      pods([
        ['a', 'nginx:1'],
        ['a', 'nginx:2'],
        ['a', 'nginx:3'],
      ]),
      data([record('a', view())]),
      { caFiles: {} },
    );
    for (const p of plan.probes) cache.record(p, http(200), new Date(0));
    expect(cache.size).toBe(2);
    expect(cache.answer(plan.probes[0] as NonNullable<(typeof plan.probes)[0]>)).toBeUndefined();
  });
});
