import { readFileSync } from 'node:fs';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';

// biome-ignore lint/suspicious/noExplicitAny: API answers are arbitrary JSON; tests index into them freely.
type Json = Record<string, any>;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Json;
}

function client(sim: SimulatorHandleExtended) {
  const caData =
    /certificate-authority-data: (\S+)/.exec(readFileSync(sim.kubeconfigPath, 'utf8'))?.[1] ?? '';
  const ca = Buffer.from(caData, 'base64');
  return (
    method: string,
    path: string,
    options: { body?: unknown; contentType?: string; accept?: string } = {},
  ) =>
    new Promise<Answer>((resolve, reject) => {
      const body =
        options.body === undefined
          ? undefined
          : typeof options.body === 'string'
            ? options.body
            : JSON.stringify(options.body);
      const req = https.request(
        `${sim.url}${path}`,
        {
          method,
          ca,
          headers: {
            Authorization: `Bearer ${sim.token}`,
            Accept: options.accept ?? 'application/json',
            ...(body ? { 'Content-Type': options.contentType ?? 'application/json' } : {}),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
          });
          res.on('end', () => {
            let json: Json = {};
            try {
              json = JSON.parse(text);
            } catch {
              /* watch streams and text */
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
          });
        },
      );
      req.on('error', reject);
      if (body) req.write(body);
      req.end();
    });
}

/** Reads watch events until `until` says stop (or a timeout), then aborts. */
function watch(
  sim: SimulatorHandleExtended,
  path: string,
  until: (events: Json[]) => boolean,
  accept = 'application/json',
) {
  const caData =
    /certificate-authority-data: (\S+)/.exec(readFileSync(sim.kubeconfigPath, 'utf8'))?.[1] ?? '';
  return new Promise<Json[]>((resolve, reject) => {
    const events: Json[] = [];
    let buffer = '';
    const req = https.get(
      `${sim.url}${path}`,
      {
        ca: Buffer.from(caData, 'base64'),
        headers: { Authorization: `Bearer ${sim.token}`, Accept: accept },
      },
      (res) => {
        res.on('data', (c: Buffer) => {
          buffer += c.toString();
          let nl = buffer.indexOf('\n');
          while (nl >= 0) {
            events.push(JSON.parse(buffer.slice(0, nl)));
            buffer = buffer.slice(nl + 1);
            nl = buffer.indexOf('\n');
          }
          if (until(events)) {
            req.destroy();
            resolve(events);
          }
        });
        res.on('end', () => resolve(events));
      },
    );
    req.on('error', (err) => (events.length ? resolve(events) : reject(err)));
    setTimeout(() => {
      req.destroy();
      resolve(events);
    }, 5000);
  });
}

const pod = (
  name: string,
  namespace: string,
  labels: Record<string, string>,
  node: string,
  phase: string,
) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels },
  spec: { nodeName: node, containers: [{ name: 'c', image: `registry.example.internal/tkg/${name}:1` }] },
  status: { phase },
});

const WIDGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [{ name: 'Color', type: 'string', jsonPath: '.spec.color' }],
      },
    ],
  },
};

describe('the simulator speaks the Kubernetes API', () => {
  let sim: SimulatorHandleExtended;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    sim = await startTestSimulator(
      [
        pod('a1', 'team-a', { app: 'a', tier: 'web' }, 'node-1', 'Running'),
        pod('a2', 'team-a', { app: 'a', tier: 'db' }, 'node-2', 'Pending'),
        pod('b1', 'team-b', { app: 'b' }, 'node-1', 'Running'),
        pod('c1', 'team-b', { app: 'c', skip: 'yes' }, 'node-1', 'Failed'),
        pod('d1', 'team-c', { app: 'd' }, 'node-3', 'Running'),
        WIDGET_CRD,
        {
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w1', namespace: 'team-a' },
          spec: { color: 'blue' },
        },
        {
          apiVersion: 'sim.airgap-top.dev/v1alpha1',
          kind: 'Scenario',
          timeline: [
            {
              at: 0.2,
              apply: {
                apiVersion: 'v1',
                kind: 'ConfigMap',
                metadata: { name: 'late', namespace: 'team-a' },
                data: { at: '$now' },
              },
            },
          ],
        },
      ],
      { historyLimit: 5, bookmarkIntervalMs: 100, timeline: true },
    );
    api = client(sim);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('serves /version and legacy discovery with preferred versions, verbs, short names, scope', async () => {
    expect((await api('GET', '/version')).json).toMatchObject({
      major: '1',
      minor: '32',
      gitVersion: 'v1.32.4',
    });
    expect((await api('GET', '/api')).json).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await api('GET', '/apis')).json.groups as {
      name: string;
      versions: { version: string }[];
      preferredVersion: { version: string };
    }[];
    const ipam = groups.find((g) => g.name === 'ipam.cluster.x-k8s.io');
    expect(ipam?.versions.map((v) => v.version)).toEqual(['v1beta1', 'v1alpha2', 'v1alpha1']);
    expect(ipam?.preferredVersion.version).toBe('v1beta1');
    expect(groups.find((g) => g.name === 'example.com')?.preferredVersion.version).toBe('v1');
    const core = (await api('GET', '/api/v1')).json;
    const pods = core.resources.find((r: { name: string }) => r.name === 'pods');
    expect(pods).toMatchObject({
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      shortNames: ['po'],
      categories: ['all'],
    });
    expect(pods.verbs).toEqual(expect.arrayContaining(['get', 'list', 'watch', 'create', 'patch', 'delete']));
    expect(core.resources.find((r: { name: string }) => r.name === 'pods/status')?.verbs).toEqual([
      'get',
      'patch',
      'update',
    ]);
    const alpha2 = (await api('GET', '/apis/ipam.cluster.x-k8s.io/v1alpha2')).json.resources.map(
      (r: { name: string; namespaced: boolean }) => `${r.name}:${r.namespaced}`,
    );
    expect(alpha2).toEqual([
      'globalinclusterippools:false',
      'globalinclusterippools/status:false',
      'inclusterippools:true',
      'inclusterippools/status:true',
    ]);
    expect(
      (await api('GET', '/apis/ipam.cluster.x-k8s.io/v1beta1')).json.resources.map(
        (r: { name: string }) => r.name,
      ),
    ).toEqual(['ipaddressclaims', 'ipaddressclaims/status', 'ipaddresses']);
    const fd = (await api('GET', '/apis/infrastructure.cluster.x-k8s.io/v1beta1')).json.resources.find(
      (r: { name: string }) => r.name === 'vspherefailuredomains',
    );
    expect(fd).toMatchObject({
      namespaced: false,
      kind: 'VSphereFailureDomain',
      categories: ['cluster-api'],
    });
  });

  it('serves aggregated discovery (apidiscovery.k8s.io/v2) when asked, as kubectl 1.32 does', async () => {
    const accept =
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    const core = await api('GET', '/api', { accept });
    expect(core.headers['content-type']).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    expect(core.json.items[0].metadata.name).toBe('');
    const pods = core.json.items[0].versions[0].resources.find((r: Json) => r.resource === 'pods');
    expect(pods).toMatchObject({
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      shortNames: ['po'],
    });
    expect(pods.subresources).toEqual([
      {
        subresource: 'status',
        responseKind: { group: '', version: 'v1', kind: 'Pod' },
        verbs: ['get', 'patch', 'update'],
      },
    ]);
    const groups = (await api('GET', '/apis', { accept })).json.items as Json[];
    const ipam = groups.find((g) => g.metadata.name === 'ipam.cluster.x-k8s.io');
    expect(ipam?.versions.map((v: Json) => v.version)).toEqual(['v1beta1', 'v1alpha2', 'v1alpha1']);
    expect(ipam?.versions[1].resources.map((r: Json) => `${r.resource}:${r.scope}`)).toEqual([
      'globalinclusterippools:Cluster',
      'inclusterippools:Namespaced',
    ]);
    const old = await api('GET', '/apis', {
      accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
    });
    expect(old.json.apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
  });

  it('answers errors with Status objects: 404, 409 AlreadyExists, 409 Conflict, 422 Invalid', async () => {
    const missing = await api('GET', '/api/v1/namespaces/team-a/pods/nope');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'pods "nope" not found',
      details: { name: 'nope', kind: 'pods' },
    });
    expect((await api('GET', '/apis/nothing.example/v1/things')).status).toBe(404);
    const dup = await api('POST', '/api/v1/namespaces/team-a/pods', {
      body: pod('a1', 'team-a', {}, 'n', 'Running'),
    });
    expect(dup.json).toMatchObject({ code: 409, reason: 'AlreadyExists' });
    const current = (await api('GET', '/api/v1/namespaces/team-a/pods/a1')).json;
    const stale = await api('PUT', '/api/v1/namespaces/team-a/pods/a1', {
      body: { ...current, metadata: { ...current.metadata, resourceVersion: '1' } },
    });
    expect(stale.json).toMatchObject({ code: 409, reason: 'Conflict' });
    const invalid = await api('POST', '/api/v1/namespaces/team-a/pods', {
      body: { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: {} },
    });
    expect(invalid.json).toMatchObject({ code: 422, reason: 'Invalid' });
    const noNs = await api('POST', '/api/v1/namespaces/nowhere/pods', {
      body: pod('x', 'nowhere', {}, 'n', 'Running'),
    });
    expect(noNs.json).toMatchObject({ code: 404, message: 'namespaces "nowhere" not found' });
  });

  it('filters lists by equality and set-based label selectors and by field selectors', async () => {
    const names = async (query: string) =>
      ((await api('GET', `/api/v1/pods?${query}`)).json.items as { metadata: { name: string } }[]).map(
        (p) => p.metadata.name,
      );
    expect(await names('labelSelector=app%3Da')).toEqual(['a1', 'a2']);
    expect(await names(`labelSelector=${encodeURIComponent('app in (a,b),tier!=db')}`)).toEqual(['a1', 'b1']);
    expect(await names(`labelSelector=${encodeURIComponent('app notin (a),!skip')}`)).toEqual(['b1', 'd1']);
    expect(await names('labelSelector=skip')).toEqual(['c1']);
    expect(
      await names(`fieldSelector=${encodeURIComponent('spec.nodeName=node-1,status.phase!=Failed')}`),
    ).toEqual(['a1', 'b1']);
    expect(await names(`fieldSelector=${encodeURIComponent('metadata.namespace=team-b')}`)).toEqual([
      'b1',
      'c1',
    ]);
    expect(await names(`fieldSelector=${encodeURIComponent('metadata.name=d1')}`)).toEqual(['d1']);
    expect(((await api('GET', '/api/v1/namespaces/team-a/pods')).json.items as unknown[]).length).toBe(2);
    expect((await api('GET', `/api/v1/pods?labelSelector=${encodeURIComponent('app in (a')}`)).status).toBe(
      400,
    );
  });

  it('pages with limit/continue over a consistent snapshot', async () => {
    const first = (await api('GET', '/api/v1/pods?limit=2')).json;
    expect(first.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['a1', 'a2']);
    expect(first.metadata.remainingItemCount).toBe(3);
    sim.apply(pod('a0', 'team-a', {}, 'n', 'Running')); // sorts first: must not shift the pages
    const second = (await api('GET', `/api/v1/pods?limit=2&continue=${first.metadata.continue}`)).json;
    const third = (await api('GET', `/api/v1/pods?limit=2&continue=${second.metadata.continue}`)).json;
    expect(
      [...second.items, ...third.items].map((p: { metadata: { name: string } }) => p.metadata.name),
    ).toEqual(['b1', 'c1', 'd1']);
    expect(third.metadata.continue).toBeUndefined();
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    sim.remove('v1', 'Pod', 'a0', 'team-a');
    expect((await api('GET', '/api/v1/pods?limit=2&continue=bogus')).status).toBe(400);
  });

  it('prints Tables for kubectl and falls back to JSON for protobuf', async () => {
    const table = (
      await api('GET', '/api/v1/namespaces/team-a/pods', {
        accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
      })
    ).json;
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c: { name: string }) => c.name)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
      'IP',
      'Node',
      'Nominated Node',
      'Readiness Gates',
    ]);
    expect(table.rows.map((r: { cells: unknown[] }) => r.cells.slice(0, 4))).toEqual([
      ['a1', '0/1', 'Running', '0'],
      ['a2', '0/1', 'Pending', '0'],
    ]);
    expect(table.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'a1' } });
    const widgets = (
      await api('GET', '/apis/example.com/v1/widgets', {
        accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
      })
    ).json;
    expect(widgets.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Color']);
    expect(widgets.rows[0].cells).toEqual(['w1', 'blue']);
    const proto = await api('GET', '/api/v1/namespaces/team-a/pods/a1', {
      accept: 'application/vnd.kubernetes.protobuf, */*',
    });
    expect(proto.headers['content-type']).toBe('application/json');
    expect(proto.json.metadata.name).toBe('a1');
  });

  it('patches with merge, JSON and strategic merge patch; keeps status out of main-resource writes', async () => {
    const merge = await api('PATCH', '/api/v1/namespaces/team-a/pods/a1', {
      body: { metadata: { labels: { tier: null, extra: 'x' } } },
      contentType: 'application/merge-patch+json',
    });
    expect(merge.json.metadata.labels).toEqual({ app: 'a', extra: 'x' });
    const json = await api('PATCH', '/api/v1/namespaces/team-a/pods/a1', {
      body: [
        { op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1' },
        { op: 'add', path: '/metadata/labels/y', value: 'z' },
      ],
      contentType: 'application/json-patch+json',
    });
    expect(json.json.spec.containers[0].image).toBe('nginx:1');
    expect(json.json.metadata.labels.y).toBe('z');
    const smp = await api('PATCH', '/api/v1/namespaces/team-a/pods/a1', {
      body: { spec: { containers: [{ name: 'side', image: 'busybox' }] } },
      contentType: 'application/strategic-merge-patch+json',
    });
    expect(smp.json.spec.containers.map((c: { name: string }) => c.name)).toEqual(['c', 'side']);
    const bad = await api('PATCH', '/api/v1/namespaces/team-a/pods/a1', {
      body: [{ op: 'remove', path: '/nope' }],
      contentType: 'application/json-patch+json',
    });
    expect(bad.json).toMatchObject({ code: 422 });
    const ignored = await api('PATCH', '/api/v1/namespaces/team-a/pods/a1', {
      body: { status: { phase: 'Failed' } },
      contentType: 'application/merge-patch+json',
    });
    expect(ignored.json.status.phase).toBe('Running');
    const status = await api('PATCH', '/api/v1/namespaces/team-a/pods/a1/status', {
      body: { status: { phase: 'Succeeded' } },
      contentType: 'application/merge-patch+json',
    });
    expect(status.json.status.phase).toBe('Succeeded');
    // generation counts spec changes only: not labels, not status.
    expect([
      merge.json.metadata.generation,
      json.json.metadata.generation,
      smp.json.metadata.generation,
      status.json.metadata.generation,
    ]).toEqual([1, 2, 3, 3]);
  });

  it('keeps objects with finalizers until the last finalizer is removed', async () => {
    sim.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'held', namespace: 'team-a', finalizers: ['example.com/hold'] },
    });
    const deleted = await api('DELETE', '/api/v1/namespaces/team-a/configmaps/held');
    expect(deleted.json.metadata.deletionTimestamp).toMatch(/Z$/);
    expect(sim.get('v1', 'ConfigMap', 'held', 'team-a')).toBeDefined();
    await api('PATCH', '/api/v1/namespaces/team-a/configmaps/held', {
      body: { metadata: { finalizers: null } },
      contentType: 'application/merge-patch+json',
    });
    expect(sim.get('v1', 'ConfigMap', 'held', 'team-a')).toBeUndefined();
  });

  it('a scenario object captured mid-deletion loads as it was; API writes never set deletionTimestamp', async () => {
    const since = '2026-11-22T10:00:00Z';
    sim.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'leaving',
        namespace: 'team-a',
        finalizers: ['example.com/hold'],
        deletionTimestamp: since,
      },
    });
    sim.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      // Without a finalizer a real server would have removed it already: the timestamp cannot stand.
      metadata: { name: 'unheld', namespace: 'team-a', deletionTimestamp: since },
    });
    const leaving = await api('GET', '/api/v1/namespaces/team-a/configmaps/leaving');
    expect(leaving.json.metadata.deletionTimestamp).toBe(since);
    const unheld = await api('GET', '/api/v1/namespaces/team-a/configmaps/unheld');
    expect(unheld.json.metadata.deletionTimestamp).toBeUndefined();
    const created = await api('POST', '/api/v1/namespaces/team-a/configmaps', {
      body: { metadata: { name: 'posted', finalizers: ['example.com/hold'], deletionTimestamp: since } },
    });
    expect(created.json.metadata.deletionTimestamp).toBeUndefined();
    const put = await api('PUT', '/api/v1/namespaces/team-a/configmaps/posted', {
      body: { ...created.json, metadata: { ...created.json.metadata, deletionTimestamp: since } },
    });
    expect(put.json.metadata.deletionTimestamp).toBeUndefined();
    // The captured deletion finishes as any other: the last finalizer goes, so does the object.
    await api('PATCH', '/api/v1/namespaces/team-a/configmaps/leaving', {
      body: { metadata: { finalizers: null } },
      contentType: 'application/merge-patch+json',
    });
    expect(sim.get('v1', 'ConfigMap', 'leaving', 'team-a')).toBeUndefined();
  });

  it('watches from a resourceVersion with bookmarks, and answers 410 Gone once the history moved on', async () => {
    const list = (await api('GET', '/api/v1/namespaces/team-c/pods')).json;
    const rv = list.metadata.resourceVersion;
    const pending = watch(
      sim,
      `/api/v1/namespaces/team-c/pods?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`,
      (ev) => ev.some((e) => e.type === 'BOOKMARK') && ev.some((e) => e.type === 'DELETED'),
    );
    await new Promise((r) => setTimeout(r, 100));
    sim.apply(pod('d2', 'team-c', {}, 'node-3', 'Running'));
    sim.patch('v1', 'Pod', 'd2', 'team-c', { metadata: { labels: { v: '2' } } });
    sim.remove('v1', 'Pod', 'd2', 'team-c');
    const events = await pending;
    expect(
      events.filter((e) => e.type !== 'BOOKMARK').map((e) => `${e.type} ${e.object.metadata.name}`),
    ).toEqual(['ADDED d2', 'MODIFIED d2', 'DELETED d2']);
    const bookmark = events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.object).toMatchObject({ kind: 'Pod', apiVersion: 'v1' });
    for (let i = 0; i < 10; i++)
      sim.patch('v1', 'Pod', 'd1', 'team-c', { metadata: { labels: { n: String(i) } } });
    const gone = await watch(sim, `/api/v1/pods?watch=1&resourceVersion=${rv}`, () => true);
    expect(gone[0]).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    });
  });

  it('turns label-selector transitions into ADDED/DELETED for a filtered watch', async () => {
    const rv = (await api('GET', '/api/v1/pods')).json.metadata.resourceVersion;
    const pending = watch(
      sim,
      `/api/v1/pods?watch=true&labelSelector=flag%3Don&resourceVersion=${rv}`,
      (ev) => ev.length >= 2,
    );
    await new Promise((r) => setTimeout(r, 100));
    sim.patch('v1', 'Pod', 'b1', 'team-b', { metadata: { labels: { flag: 'on' } } });
    sim.patch('v1', 'Pod', 'b1', 'team-b', { metadata: { labels: { flag: 'off' } } });
    expect((await pending).map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
  });

  it('injects faults: 500/429 with Retry-After, 410 on the next watch, latency', async () => {
    sim.faults.failNext(1, 429, 3);
    const limited = await api('GET', '/api/v1/pods');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('3');
    expect(limited.json).toMatchObject({
      kind: 'Status',
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 3 },
    });
    sim.faults.failNext(1, 500);
    expect((await api('GET', '/api/v1/pods')).json).toMatchObject({ code: 500, reason: 'InternalError' });
    expect((await api('GET', '/api/v1/pods')).status).toBe(200);
    sim.faults.goneOnNextWatch();
    const gone = await watch(sim, '/api/v1/pods?watch=1', () => true);
    expect(gone[0]?.object.code).toBe(410);
    sim.faults.latency(150);
    const t0 = Date.now();
    await api('GET', '/version');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    sim.faults.clear();
  });

  it('registers resources from CRDs in the scenario and runs the timeline ($now becomes the step time)', async () => {
    expect((await api('GET', '/apis/example.com/v1/namespaces/team-a/widgets/w1')).json.spec).toEqual({
      color: 'blue',
    });
    for (let i = 0; i < 40 && !sim.get('v1', 'ConfigMap', 'late', 'team-a'); i++)
      await new Promise((r) => setTimeout(r, 50));
    const late = sim.get('v1', 'ConfigMap', 'late', 'team-a');
    expect((late?.data as { at: string } | undefined)?.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('records every request with its verb, for asserting that airgap-top only reads', () => {
    const verbs = new Set(sim.requests.map((r) => r.verb));
    expect([...verbs]).toEqual(
      expect.arrayContaining(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']),
    );
    expect(sim.requests.every((r) => typeof r.userAgent === 'string' && r.status > 0)).toBe(true);
  });
});

describe("a scenario's faults section", () => {
  it('applies at start: the first request fails with 503 and Retry-After, the next succeeds', async () => {
    const sim = await startTestSimulator([
      {
        apiVersion: 'sim.airgap-top.dev/v1alpha1',
        kind: 'Scenario',
        faults: { failNext: { count: 1, status: 503, retryAfterSeconds: 2 } },
      },
    ]);
    try {
      const api = client(sim);
      const first = await api('GET', '/api/v1/namespaces');
      expect([first.status, first.headers['retry-after'], first.json.reason]).toEqual([
        503,
        '2',
        'ServiceUnavailable',
      ]);
      expect((await api('GET', '/api/v1/namespaces')).json.items.map((n: Json) => n.metadata.name)).toEqual([
        'default',
        'kube-node-lease',
        'kube-public',
        'kube-system',
      ]);
    } finally {
      await sim.close();
    }
  });
});

describe('fixtures/scenarios/flaky-api.yaml', () => {
  it('runs its timeline of faults and changes without errors', async () => {
    const path = new URL('../../fixtures/scenarios/flaky-api.yaml', import.meta.url).pathname;
    const sim = await startTestSimulator(path, { timeline: true, timelineSpeed: 15 });
    try {
      const api = client(sim);
      expect([(await api('GET', '/api/v1/pods')).status, (await api('GET', '/api/v1/pods')).status]).toEqual([
        429, 429,
      ]);
      expect((await api('GET', '/api/v1/pods')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 3300));
      expect(sim.timelineErrors).toEqual([]);
      expect(sim.list('v1', 'Pod').map((p) => p.metadata?.name)).toEqual(['app', 'leak-2']);
    } finally {
      await sim.close();
    }
  });
});
