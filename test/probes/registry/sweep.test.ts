import type { LookupFunction } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ContainerdData,
  ContainerdView,
  EndpointView,
  NodeContainerdRecord,
  RegistryHostView,
} from '../../../src/model/containerd/types.js';
import type { ImagesData, PodRecord } from '../../../src/model/images/types.js';
import {
  CENTRAL_GROUP,
  type ImagePresence,
  type PresenceData,
  presenceFor,
} from '../../../src/model/registry/presence.js';
import { PresenceCache } from '../../../src/model/registry/presence-cache.js';
import { RegistryClient, type RequestEvent } from '../../../src/probes/registry/client.js';
import { dumpCaFiles, planSweep, sweepPlanned, sweepPresence } from '../../../src/probes/registry/sweep.js';
import {
  type BuiltImage,
  buildOciLayout,
  issueLeaf,
  makeCa,
  skopeoInspectRaw,
  skopeoPush,
  startRegistry,
  type TestCa,
  type TestRegistry,
  tempDir,
} from '../../helpers/registry.js';
import { freePort } from '../../helpers/sshd.js';

/**
 * The presence sweep against real registries on 127.0.0.1: nodes' containerd views (hosts.toml
 * shape) pointing at docker-registry instances — private with a test CA, htpasswd (anonymous
 * refused), another CA, a pull-through cache in front of an upstream standing in for Docker Hub —
 * grouped by configuration, each image asked once per triple; skopeo agrees on every answer.
 */
const tmp = tempDir('airgap-sweep-');
let mainCa: TestCa;
let otherCa: TestCa;
let main: TestRegistry;
let auth: TestRegistry;
let other: TestRegistry;
let upstream: TestRegistry;
let cache: TestRegistry;
let images: Map<string, BuiltImage>;
let closedPort: number;

const noDns = ((hostname: string, _o: unknown, cb: unknown) => {
  const callback = (typeof _o === 'function' ? _o : cb) as (...a: unknown[]) => void;
  callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
}) as unknown as LookupFunction;

beforeAll(async () => {
  mainCa = makeCa(tmp.dir, 'Sweep Main CA');
  otherCa = makeCa(tmp.dir, 'Sweep Other CA');
  const mainLeaf = issueLeaf(mainCa, join(tmp.dir, 'main'), { sans: 'IP:127.0.0.1' });
  const otherLeaf = issueLeaf(otherCa, join(tmp.dir, 'other'), { sans: 'IP:127.0.0.1' });
  [main, auth, other, upstream] = await Promise.all([
    startRegistry(tmp.dir, { name: 'main', leaf: mainLeaf }),
    startRegistry(tmp.dir, { name: 'auth', leaf: mainLeaf, users: { robot: 'pw-sweep-test' } }),
    startRegistry(tmp.dir, { name: 'other', leaf: otherLeaf }),
    startRegistry(tmp.dir, { name: 'upstream', leaf: mainLeaf }),
  ]);
  cache = await startRegistry(tmp.dir, {
    name: 'cache',
    leaf: mainLeaf,
    proxy: { remoteUrl: `https://${upstream.address}`, upstreamCa: mainCa.certFile },
  });
  closedPort = await freePort();
  const layout = join(tmp.dir, 'layout');
  images = buildOciLayout(layout, [
    { tag: '1.0', arches: ['amd64'] },
    { tag: 'multi', arches: ['amd64', 'arm64'] },
  ]);
  const mainTarget = { address: main.address, certDir: mainCa.certDir };
  await skopeoPush(layout, '1.0', mainTarget, 'tkg/app');
  await skopeoPush(layout, 'multi', mainTarget, 'tkg/app');
  // gcr.io names mirrored to the private registry keep their path (GDC style).
  await skopeoPush(layout, '1.0', mainTarget, 'gke-release/agent');
  await skopeoPush(
    layout,
    '1.0',
    { address: auth.address, certDir: mainCa.certDir, creds: 'robot:pw-sweep-test' },
    'tkg/app',
  );
  await skopeoPush(layout, '1.0', { address: other.address, certDir: otherCa.certDir }, 'tkg/app');
  await skopeoPush(layout, '1.0', { address: upstream.address, certDir: mainCa.certDir }, 'library/nginx');
}, 120_000);

afterAll(async () => {
  await Promise.all([main, auth, other, upstream, cache].filter(Boolean).map((s) => s.stop()));
  tmp.remove();
});

function ep(
  url: string,
  role: EndpointView['role'],
  ca?: TestCa,
  capabilities = ['pull', 'resolve'],
): EndpointView {
  return {
    url,
    host: url.replace(/^https?:\/\//, '').split('/')[0] as string,
    role,
    capabilities,
    caFiles: ca ? [ca.certFile] : [],
    skipVerify: false,
    overridePath: false,
    clientCertificate: false,
  };
}

function hostsDir(host: string, endpoints: EndpointView[]): RegistryHostView {
  return { host, source: 'hosts.toml', file: `/etc/containerd/certs.d/${host}/hosts.toml`, endpoints };
}

function view(registries: RegistryHostView[]): ContainerdView {
  return {
    version: 2,
    files: ['/etc/containerd/config.toml'],
    sandboxImage: `${main.address}/tkg/pause:3.9`,
    sandboxImageSource: 'config',
    configPath: '/etc/containerd/certs.d',
    legacyMirrorHosts: [],
    legacyTlsHosts: [],
    registries,
    credentials: [],
    skipVerify: [],
  };
}

/** The config of the well-built nodes: docker.io via the cache, gcr.io via main, private hosts with CAs. */
function mirroredView(): ContainerdView {
  return view([
    hostsDir('docker.io', [
      ep(`https://${cache.address}`, 'mirror', mainCa),
      ep('https://registry-1.docker.io', 'upstream'),
    ]),
    hostsDir('gcr.io', [ep(`https://${main.address}`, 'mirror', mainCa), ep('https://gcr.io', 'upstream')]),
    hostsDir(main.address, [ep(`https://${main.address}`, 'server', mainCa)]),
    hostsDir(auth.address, [ep(`https://${auth.address}`, 'server', mainCa)]),
    hostsDir(other.address, [ep(`https://${other.address}`, 'server', mainCa)]),
  ]);
}

function node(name: string, v: ContainerdView): NodeContainerdRecord {
  return { node: name, target: `capv@${name}:22`, view: v, problems: [], certificates: [] };
}

function pod(
  name: string,
  nodeName: string | undefined,
  containerImages: (string | [string, string])[],
): PodRecord {
  return {
    uid: `uid-${name}`,
    namespace: 'default',
    name,
    ...(nodeName ? { nodeName } : {}),
    workload: { kind: 'Pod', name },
    containers: containerImages.map((entry, i) => {
      const [image, imageID] = typeof entry === 'string' ? [entry, undefined] : entry;
      return { name: `c${i}`, kind: 'container' as const, image, ...(imageID ? { imageID } : {}) };
    }),
  };
}

function instrumentedClient() {
  const events: RequestEvent[] = [];
  const client = new RegistryClient({
    lookup: noDns,
    onRequest: (e) => events.push(e),
    sleep: async () => {},
  });
  return { client, events };
}

function outcome(
  data: PresenceData,
  nodeName: string | undefined,
  image: string,
  imageID?: string,
): ImagePresence {
  const found = presenceFor(data, nodeName, image, imageID);
  if (!found) throw new Error(`no presence for ${image} on ${nodeName}`);
  return found;
}

describe('presence sweep as each node would pull, against real registries', () => {
  it('judges present / absent / mirrored / fallback / refused / untrusted / unreachable per node group', async () => {
    const one = images.get('1.0') as BuiltImage;
    const privateApp = `${main.address}/tkg/app:1.0`;
    const workload = [
      privateApp,
      `${main.address}/tkg/app:multi`,
      `${main.address}/tkg/app:never-pushed`,
      'nginx:1.0',
      'docker.io/library/missing:1',
      'gcr.io/gke-release/agent:1.0',
      'gcr.io/gke-release/absent:1.0',
      `${auth.address}/tkg/app:1.0`,
      `${other.address}/tkg/app:1.0`,
      `127.0.0.1:${closedPort}/tkg/app:1.0`,
    ];
    // 300 nodes with one config, one node without mirrors, one node the containerd probe could not read.
    const wellBuilt = Array.from({ length: 300 }, (_, i) => `worker-${String(i).padStart(3, '0')}`);
    const containerd: ContainerdData = {
      source: 'ssh',
      sweptAt: '2026-12-01T00:00:00Z',
      durationMs: 1,
      nodes: [
        ...wellBuilt.map((n) => node(n, mirroredView())),
        node('bare', view([hostsDir(main.address, [ep(`https://${main.address}`, 'server', mainCa)])])),
        {
          node: 'unread',
          target: 'capv@unread:22',
          failure: { kind: 'unreachable', message: 'no route' },
          problems: [],
          certificates: [],
        },
      ],
    };
    const pods: PodRecord[] = [
      ...wellBuilt.map((n, i) => pod(`app-${i}`, n, workload)),
      pod('bare-app', 'bare', ['nginx:1.0', privateApp]),
      pod('unread-app', 'unread', [privateApp]),
      pod('pending', undefined, [`${main.address}/tkg/app:multi`]),
      pod('pinned', 'worker-000', [[privateApp, `${main.address}/tkg/app@${one.digest}`]]),
      pod('moved', 'worker-001', [[privateApp, `${main.address}/tkg/app@sha256:${'1'.repeat(64)}`]]),
    ];
    const { client, events } = instrumentedClient();
    const data = await sweepPresence(
      {
        images: { pods },
        containerd,
        settings: { caFiles: { [main.address]: mainCa.certFile }, caFile: otherCa.certFile },
      },
      { client },
    );

    // One group for the 300 identical nodes, one for "bare", central for "unread" and the pending pod.
    expect(data.groups.map((g) => [g.id, g.source, g.nodes.length])).toEqual([
      ['nodes:bare', 'node', 1],
      ['nodes:worker-000', 'node', 300],
      [CENTRAL_GROUP, 'central', 1],
    ]);
    expect(data.nodeGroups['worker-299']).toBe('nodes:worker-000');
    expect(data.nodeGroups.unread).toBeUndefined();

    const w = 'worker-123';
    expect(outcome(data, w, privateApp).outcome).toMatchObject({
      kind: 'present',
      viaMirror: false,
      served: { code: 'REG-001', digest: one.digest, status: 200, method: 'HEAD' },
    });
    expect(outcome(data, w, `${main.address}/tkg/app:multi`).outcome).toMatchObject({
      kind: 'present',
      served: { mediaType: 'application/vnd.oci.image.index.v1+json' },
    });
    expect(outcome(data, w, `${main.address}/tkg/app:never-pushed`).outcome).toEqual({ kind: 'absent' });
    // Public names through private mirrors: present via the pull-through cache / the GDC-style mirror.
    const nginx = outcome(data, w, 'nginx:1.0');
    expect(nginx.outcome).toMatchObject({ kind: 'present', viaMirror: true });
    expect(nginx.endpoints[0]?.url).toBe(
      `https://${cache.address}/v2/library/nginx/manifests/1.0?ns=docker.io`,
    );
    expect(outcome(data, w, 'gcr.io/gke-release/agent:1.0').outcome).toMatchObject({
      kind: 'present',
      viaMirror: true,
    });
    // Missing in the mirror: the node falls back to the internet (never contacted from here).
    for (const image of ['docker.io/library/missing:1', 'gcr.io/gke-release/absent:1.0']) {
      const p = outcome(data, w, image);
      expect(p.outcome, image).toMatchObject({ kind: 'fallback-public', allAbsent: true });
      expect(p.endpoints.map((e) => [e.public, e.code])).toEqual([
        [false, 'REG-002'],
        [true, 'REG-007'],
      ]);
    }
    expect(outcome(data, w, `${auth.address}/tkg/app:1.0`).outcome).toMatchObject({
      kind: 'refused',
      by: { code: 'REG-003' },
    });
    // The node's own CA does not verify the other registry: the node's pull fails too.
    expect(outcome(data, w, `${other.address}/tkg/app:1.0`).outcome).toMatchObject({
      kind: 'refused',
      by: { code: 'REG-101' },
    });
    expect(outcome(data, w, `127.0.0.1:${closedPort}/tkg/app:1.0`).outcome).toMatchObject({
      kind: 'unverified',
      by: { code: 'REG-105' },
    });
    expect(data.unreachable).toEqual([`https://127.0.0.1:${closedPort}`]);

    // The node without a docker.io mirror pulls from the internet: judged from config, not asked.
    expect(outcome(data, 'bare', 'nginx:1.0').outcome).toEqual({
      kind: 'public-only',
      host: 'docker.io',
      url: 'https://registry-1.docker.io',
    });
    // Central: the image's own registry with [registry.ca_files].
    expect(outcome(data, 'unread', privateApp).outcome).toMatchObject({ kind: 'present' });
    expect(outcome(data, undefined, `${main.address}/tkg/app:multi`).outcome).toMatchObject({
      kind: 'present',
    });
    // Digests: the pinned pod's digest matches; the other's tag moved since it pulled.
    expect(
      outcome(data, 'worker-000', privateApp, `${main.address}/tkg/app@${one.digest}`).outcome,
    ).toMatchObject({
      kind: 'present',
      served: { code: 'REG-001' },
    });
    expect(
      outcome(data, 'worker-001', privateApp, `${main.address}/tkg/app@sha256:${'1'.repeat(64)}`).outcome,
    ).toMatchObject({ kind: 'present', served: { code: 'REG-006' } });

    // Never a public host; one manifest request per (endpoint, repository, reference), no tokens here.
    const hosts = new Set(events.map((e) => new URL(e.url).hostname));
    expect([...hosts]).toEqual(['127.0.0.1']);
    const manifests = events.filter((e) => e.kind === 'manifest');
    expect(new Set(manifests.map((e) => `${e.method} ${e.url}`)).size).toBe(manifests.length);
    expect(manifests.length).toBe(data.counts.triples);
    expect(data.counts.manifestRequests + data.counts.tokenRequests).toBeLessThanOrEqual(
      data.counts.triples + data.counts.tokenRequests,
    );
    expect(data.counts.tokenRequests).toBe(0);

    // skopeo agrees on presence for every endpoint asked.
    // skopeo trusts what the nodes trust (the main CA), so the other CA's registry fails for it too.
    const certDirOf = (_url: string) => mainCa.certDir;
    const asked = new Map<string, boolean>();
    for (const p of Object.values(data.images)) {
      for (const e of p.endpoints) {
        if (e.public || e.verdict.kind === 'unreachable') continue;
        const u = new URL(e.url);
        const [, repository, reference] = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(u.pathname) ?? [];
        const key = `${u.host} ${repository} ${reference}`;
        const present = e.verdict.kind === 'present' || e.verdict.kind === 'digest-mismatch';
        if (asked.has(key)) {
          expect(asked.get(key), key).toBe(present);
          continue;
        }
        asked.set(key, present);
        const skopeo = await skopeoInspectRaw(
          { address: u.host, certDir: certDirOf(e.url) },
          repository as string,
          reference as string,
        );
        // Anonymous refused and the other CA: skopeo (anonymous, the node's CA) cannot read them either.
        expect(present, `${key}: skopeo ${skopeo.exists}`).toBe(skopeo.exists);
      }
    }
    expect(asked.size).toBeGreaterThanOrEqual(9);
  }, 60_000);

  it('live mode: a due sweep over the same inputs with the last plan answers as a sweep that plans again', async () => {
    const privateApp = `${main.address}/tkg/app:1.0`;
    const dead = `127.0.0.1:${closedPort}/tkg/app:1.0`;
    const input = {
      images: { pods: [pod('p', 'n1', [privateApp, dead, 'nginx:1.0'])] },
      containerd: {
        source: 'ssh',
        sweptAt: '2026-12-01T00:00:00Z',
        durationMs: 1,
        nodes: [node('n1', mirroredView())],
      } as ContainerdData,
      settings: { caFiles: {} },
    };
    // Two caches and clocks side by side: one sweeps with one plan throughout, the other plans each time.
    const start = new Date('2026-12-01T10:00:00Z').getTime();
    const sides = [0, 1].map(() => ({
      cache: new PresenceCache({ recheckMinutes: 15, failureBaseSeconds: 30 }),
      previous: undefined as PresenceData | undefined,
    }));
    const plan = planSweep(input);
    const { client } = instrumentedClient();
    for (const later of [0, 31_000, 62_000, 62_000 + 15 * 60_000]) {
      const at = () => new Date(start + later);
      // One after the other: the two sides' requests never race on the registry's connections.
      const [reusedSide, freshSide] = sides as [(typeof sides)[0], (typeof sides)[0]];
      const reused = await sweepPlanned(plan, {
        client,
        cache: reusedSide.cache,
        now: at,
        ...(reusedSide.previous ? { previous: reusedSide.previous } : {}),
      });
      reusedSide.previous = reused;
      const fresh = await sweepPresence(input, {
        client,
        cache: freshSide.cache,
        now: at,
        ...(freshSide.previous ? { previous: freshSide.previous } : {}),
      });
      freshSide.previous = fresh;
      const comparable = (d: PresenceData) => ({ ...d, durationMs: 0 });
      expect(comparable(reused)).toEqual(comparable(fresh));
    }
  });

  it('live mode: the cache asks only new or due triples, and retries failures with backoff', async () => {
    const privateApp = `${main.address}/tkg/app:1.0`;
    const containerd: ContainerdData = {
      source: 'ssh',
      sweptAt: '2026-12-01T00:00:00Z',
      durationMs: 1,
      nodes: [node('n1', mirroredView())],
    };
    const dead = `127.0.0.1:${closedPort}/tkg/app:1.0`;
    let now = new Date('2026-12-01T10:00:00Z');
    const presenceCache = new PresenceCache({ recheckMinutes: 15, failureBaseSeconds: 30 });
    const { client, events } = instrumentedClient();
    let previous: PresenceData | undefined;
    const run = async (list: string[]) => {
      previous = await sweepPresence(
        { images: { pods: [pod('p', 'n1', list)] }, containerd, settings: { caFiles: {} } },
        { client, cache: presenceCache, now: () => now, ...(previous ? { previous } : {}) },
      );
      return previous;
    };
    const first = await run([privateApp, dead]);
    expect(first.counts).toMatchObject({ triples: 2, manifestRequests: 2, fromCache: 0 });
    // A new image appears: only its triple is asked.
    const second = await run([privateApp, dead, 'nginx:1.0']);
    expect(second.counts).toMatchObject({ triples: 3, manifestRequests: 1, fromCache: 2 });
    expect(presenceFor(second, 'n1', privateApp, undefined)?.outcome.kind).toBe('present');
    // Judgements whose answers did not change are the last sweep's, object for object.
    expect(presenceFor(second, 'n1', privateApp, undefined)).toBe(
      presenceFor(first, 'n1', privateApp, undefined),
    );
    expect(presenceFor(second, 'n1', 'nginx:1.0', undefined)?.outcome.kind).toBe('present');
    // 31 s later the failure is due (backoff 30 s), the answers are not (15 min).
    now = new Date(now.getTime() + 31_000);
    const third = await run([privateApp, dead, 'nginx:1.0']);
    expect(third.counts).toMatchObject({ manifestRequests: 1, fromCache: 2 });
    // The registry is still down: the re-asked triple answered as before, so its judgement is the
    // last one, object for object (nothing downstream is re-judged), and still says why.
    expect(presenceFor(third, 'n1', dead, undefined)).toBe(presenceFor(second, 'n1', dead, undefined));
    expect(presenceFor(third, 'n1', dead, undefined)?.outcome.kind).toBe('unverified');
    // The second failure waits twice as long: not due 31 s later.
    now = new Date(now.getTime() + 31_000);
    expect((await run([privateApp, dead, 'nginx:1.0'])).counts.manifestRequests).toBe(0);
    // After the recheck interval every triple is asked again.
    now = new Date(now.getTime() + 15 * 60_000);
    const rechecked = await run([privateApp, dead, 'nginx:1.0']);
    expect(rechecked.counts.manifestRequests).toBe(3);
    // Every answer as before: every judgement kept.
    for (const image of [privateApp, dead, 'nginx:1.0'])
      expect(presenceFor(rechecked, 'n1', image, undefined), image).toBe(
        presenceFor(third, 'n1', image, undefined),
      );
    expect(events.filter((e) => e.kind === 'manifest')).toHaveLength(2 + 1 + 1 + 0 + 3);
    // Another node configuration: nothing is reused from the last judgement (the answers still are).
    const changed: ContainerdData = {
      ...containerd,
      nodes: [node('n1', view([hostsDir(main.address, [ep(`https://${main.address}`, 'server', mainCa)])]))],
    };
    const before = previous as PresenceData;
    const after = await sweepPresence(
      {
        images: { pods: [pod('p', 'n1', [privateApp, 'nginx:1.0'])] },
        containerd: changed,
        settings: { caFiles: {} },
      },
      { client, cache: presenceCache, now: () => now, previous: before },
    );
    expect(after.configKey).not.toBe(before.configKey);
    expect(presenceFor(after, 'n1', 'nginx:1.0', undefined)?.outcome.kind).toBe('public-only');
    expect(presenceFor(after, 'n1', privateApp, undefined)).not.toBe(
      presenceFor(before, 'n1', privateApp, undefined),
    );
  }, 60_000);
});

describe('presence data for the images a real images probe record would carry', () => {
  it('an empty cluster plans nothing and asks nothing', async () => {
    const { client, events } = instrumentedClient();
    const data = await sweepPresence(
      { images: { pods: [] } as ImagesData, settings: { caFiles: {} } },
      { client },
    );
    expect(data.counts).toEqual({
      requests: 0,
      triples: 0,
      manifestRequests: 0,
      tokenRequests: 0,
      fromCache: 0,
    });
    expect(events).toEqual([]);
  });
});

describe('CA files of the node view from a support bundle', () => {
  it("maps a node path into that node's directory of the dump, never outside it", () => {
    const ca = dumpCaFiles('/tmp/bundle');
    expect(ca('worker-1', '/etc/containerd/certs.d/r/ca.crt')).toBe(
      '/tmp/bundle/nodes/worker-1/etc/containerd/certs.d/r/ca.crt',
    );
    expect(ca('worker-1', '/etc/../../../../etc/passwd')).toBe('/tmp/bundle/nodes/worker-1/etc/passwd');
    expect(ca('../evil', '/etc/ca.crt')).toBeUndefined();
    expect(ca('worker-1', 'relative/ca.crt')).toBeUndefined();
  });
});
