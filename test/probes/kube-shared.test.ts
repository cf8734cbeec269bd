import { afterEach, describe, expect, it } from 'vitest';
import { type Collection, type KubeObject, sharedCollection } from '../../src/probes/kube/collection.js';
import { type KubeConnection, loadKubeConnection } from '../../src/probes/kube/connection.js';
import { type FaultProxy, type ProxiedRequest, startFaultProxy } from '../helpers/fault-proxy.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';

/**
 * Probes that read the same collection (ReplicaSets for images and readiness, Machines for topology
 * and IPAM) share one list and one watch; each keeps its own transform and records. Counted at a
 * proxy in front of the simulator, which sees every request as it arrives.
 */

function pod(name: string, node: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop' },
    spec: { nodeName: node, containers: [{ name: 'c', image: `registry.example.internal/tkg/${name}:1` }] },
    status: { phase: 'Running' },
  };
}

const PODS = [pod('a', 'n1'), pod('b', 'n2'), pod('c', 'n1'), pod('d', 'n3'), pod('e', 'n2')];
const nameOf = (o: KubeObject) => o.metadata?.name;
const nodeOf = (o: KubeObject) => (o.spec as { nodeName?: string } | undefined)?.nodeName;
const isList = (r: ProxiedRequest) => r.path === '/api/v1/pods' && !r.watch;
const isWatch = (r: ProxiedRequest) => r.path === '/api/v1/pods' && r.watch;

let sim: SimulatorHandleExtended | undefined;
let proxy: FaultProxy | undefined;
let kube: KubeConnection | undefined;
const opened: Collection<unknown>[] = [];
afterEach(async () => {
  for (const c of opened.splice(0)) c.stop();
  kube?.close();
  kube = undefined;
  await proxy?.close();
  proxy = undefined;
  await sim?.close();
  sim = undefined;
});

async function setUp(): Promise<{ p: FaultProxy; conn: KubeConnection }> {
  sim = await startTestSimulator(PODS);
  proxy = await startFaultProxy(sim);
  kube = loadKubeConnection({ kubeconfig: proxy.kubeconfigPath });
  return { p: proxy, conn: kube };
}

function open<T>(
  conn: KubeConnection,
  transform: (o: KubeObject) => T | undefined,
  extra = {},
): Collection<T> {
  const c = sharedCollection<T>(conn, { path: '/api/v1/pods', pageSize: 2, transform, ...extra });
  opened.push(c as Collection<unknown>);
  return c;
}

async function waitFor(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('collections shared between probes', () => {
  it('two consumers of one path: one paged list, each with its own records', async () => {
    const { p, conn } = await setUp();
    const names = open(conn, nameOf);
    const nodes = open(conn, nodeOf);
    names.start({ watch: false });
    // The second starts later, as a probe that discovered something first does.
    await new Promise((r) => setImmediate(r));
    nodes.start({ watch: false });
    await Promise.all([names.firstSync, nodes.firstSync]);
    expect(names.status).toBe('ready');
    expect(nodes.status).toBe('ready');
    expect(names.values().sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(nodes.values().sort()).toEqual(['n1', 'n1', 'n2', 'n2', 'n3']);
    // 5 pods at 2 a page: 3 pages, asked once, not once per consumer.
    expect(p.count(isList)).toBe(3);
  });

  it('one that joins while the first page is on its way still gets every page', async () => {
    const { p, conn } = await setUp();
    // The first page is held back a while: the list has started, nothing has been handed out yet.
    p.add({
      match: (r) => isList(r) && !r.query.has('continue'),
      action: { kind: 'delay', ms: 300 },
      times: 1,
    });
    const names = open(conn, nameOf);
    names.start({ watch: false });
    await new Promise((r) => setTimeout(r, 100));
    const nodes = open(conn, nodeOf);
    nodes.start({ watch: false });
    await Promise.all([names.firstSync, nodes.firstSync]);
    expect(nodes.values().sort()).toEqual(['n1', 'n1', 'n2', 'n2', 'n3']);
    expect(names.values()).toHaveLength(5);
    expect(p.count(isList)).toBe(3);
  });

  it('one that comes after objects were handed out gets a list of its own, complete', async () => {
    const { p, conn } = await setUp();
    const names = open(conn, nameOf);
    names.start({ watch: false });
    await names.firstSync;
    const nodes = open(conn, nodeOf);
    nodes.start({ watch: false });
    await nodes.firstSync;
    expect(nodes.values().sort()).toEqual(['n1', 'n1', 'n2', 'n2', 'n3']);
    expect(p.count(isList)).toBe(6);
  });

  it('live: one watch; an event reaches both, each with its own previous record', async () => {
    const { p, conn } = await setUp();
    const seen: string[] = [];
    const names = open(conn, nameOf, {
      onEvent: (type: string, next?: string, previous?: string) =>
        seen.push(`names ${type} ${previous}→${next}`),
    });
    const nodes = open(conn, nodeOf, {
      onEvent: (type: string, next?: string, previous?: string) =>
        seen.push(`nodes ${type} ${previous}→${next}`),
    });
    let nodeChanges = 0;
    nodes.onChange(() => {
      nodeChanges += 1;
    });
    names.start({ watch: true });
    nodes.start({ watch: true });
    await Promise.all([names.firstSync, nodes.firstSync]);
    await waitFor('the watch', () => p.count(isWatch) > 0);
    seen.length = 0;
    const before = nodeChanges;
    sim?.apply(pod('c', 'n9'));
    await waitFor('the event in both', () => nodes.values().includes('n9') && seen.length >= 2);
    expect(seen.sort()).toEqual(['names MODIFIED c→c', 'nodes MODIFIED n1→n9']);
    await waitFor('a change notification', () => nodeChanges > before);
    expect(p.count(isList)).toBe(3);
    expect(p.count(isWatch)).toBe(1);
  });

  it('live: the watch goes on while one consumer still reads it, and ends with the last', async () => {
    const { p, conn } = await setUp();
    const names = open(conn, nameOf);
    const nodes = open(conn, nodeOf);
    names.start({ watch: true });
    nodes.start({ watch: true });
    await Promise.all([names.firstSync, nodes.firstSync]);
    await waitFor('the watch', () => p.count(isWatch) > 0);
    names.stop();
    sim?.apply(pod('f', 'n7'));
    await waitFor('the event after the other stopped', () => nodes.values().includes('n7'));
    // The stopped one no longer changes.
    expect(names.values()).not.toContain('f');
    expect(p.count(isWatch)).toBe(1);
    nodes.stop();
    // The simulator records a watch when its stream ends: the last consumer's stop closed it.
    await waitFor('the watch closed', () =>
      (sim?.requests ?? []).some((r) => r.verb === 'watch' && r.path.startsWith('/api/v1/pods')),
    );
  });

  it('live: a 410 Gone relists once for both, and each is told what went while it was away', async () => {
    const { p, conn } = await setUp();
    const deleted: string[] = [];
    const tuning = { backoffInitialMs: 100, backoffMaxMs: 200 };
    const names = open(conn, nameOf, {
      tuning,
      onEvent: (type: string, _next?: string, previous?: string) => {
        if (type === 'DELETED') deleted.push(`names ${previous}`);
      },
    });
    const nodes = open(conn, nodeOf, {
      tuning,
      onEvent: (type: string, _next?: string, previous?: string) => {
        if (type === 'DELETED') deleted.push(`nodes ${previous}`);
      },
    });
    names.start({ watch: true });
    nodes.start({ watch: true });
    await Promise.all([names.firstSync, nodes.firstSync]);
    await waitFor('the watch', () => p.count(isWatch) > 0);
    // The watch breaks; the pod goes while nobody watches; the next watch is told 410 Gone.
    sim?.faults.goneOnNextWatch(1);
    sim?.faults.cutWatchesAfter(0);
    sim?.remove('v1', 'Pod', 'a', 'shop');
    await waitFor('the relist', () => !names.values().includes('a') && nodes.values().length === 4);
    expect(deleted.sort()).toEqual(['names a', 'nodes n1']);
    expect(names.stats.relistsAfterGone).toBe(1);
    expect(nodes.stats).toBe(names.stats);
    // 3 pages of 5 pods at the start, 2 of the 4 left after the 410: one relist, not one per consumer.
    expect(p.count(isList)).toBe(5);
    await waitFor('watching again', () => names.live.state === 'watching');
  });

  it('a list and a watch, or other selectors, are not shared', async () => {
    const { p, conn } = await setUp();
    const live = open(conn, nameOf);
    const once = open(conn, nameOf);
    const selected = open(conn, nameOf, { labelSelector: 'app=none' });
    live.start({ watch: true });
    once.start({ watch: false });
    selected.start({ watch: false });
    await Promise.all([live.firstSync, once.firstSync, selected.firstSync]);
    expect(once.values()).toHaveLength(5);
    expect(live.values()).toHaveLength(5);
    expect(selected.values()).toHaveLength(0);
    // live and once: 3 pages each; the selected list: one empty page.
    expect(p.count(isList)).toBe(7);
  });
});

describe('a whole report session', () => {
  it('lists ReplicaSets, Jobs and Machines once though two probes read each', async () => {
    const [{ Session }, { Logger }, { parseConfig }, { join }, { readFileSync }] = await Promise.all([
      import('../../src/app/session.js'),
      import('../../src/core/log.js'),
      import('../../src/model/config.js'),
      import('node:path'),
      import('node:fs'),
    ]);
    const root = join(import.meta.dirname, '../..');
    sim = await startTestSimulator(join(root, 'fixtures/demo/scenario'));
    proxy = await startFaultProxy(sim);
    // The IPAM group's discovery answers late (a busy aggregated API): IPAM's Machines must still
    // share the list topology started meanwhile, not read it again once its discovery is done.
    const isIpamDiscovery = (r: ProxiedRequest) => /^\/apis\/ipam\.cluster\.x-k8s\.io\/[^/]+$/.test(r.path);
    proxy.add({ match: isIpamDiscovery, action: { kind: 'delay', ms: 700 } });
    const configPath = join(root, 'fixtures/demo/airgap-top.toml');
    const session = await Session.open({
      kubeconfig: proxy.kubeconfigPath,
      config: parseConfig(readFileSync(configPath, 'utf8'), configPath).config,
      log: new Logger(),
      live: false,
      probes: ['images', 'readiness', 'topology', 'ipam'],
      resolve: async () => ['127.0.0.1'],
    });
    try {
      await session.start();
      const results = session.results();
      for (const id of ['images', 'readiness', 'topology', 'ipam'])
        expect(results.find((r) => r.id === id)?.status, id).toBe('ready');
      expect(proxy.count(isIpamDiscovery)).toBeGreaterThan(0);
      const firstPages = proxy.requests
        .filter((r) => !r.watch && r.query.has('limit') && !r.query.has('continue'))
        .map((r) => r.path);
      const counts = new Map<string, number>();
      for (const path of firstPages) counts.set(path, (counts.get(path) ?? 0) + 1);
      expect(counts.get('/apis/apps/v1/replicasets')).toBe(1);
      expect(counts.get('/apis/batch/v1/jobs')).toBe(1);
      expect([...counts].filter(([path]) => path.endsWith('/machines'))).toEqual([
        [expect.stringMatching(/^\/apis\/cluster\.x-k8s\.io\/v1beta\d\/machines$/), 1],
      ]);
      expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
      // Both readers got what they need from the one list: the images probe names Deployments
      // (through ReplicaSets), readiness counts ReplicaSet templates.
      const images = results.find((r) => r.id === 'images');
      const workloads = new Set((images?.findings ?? []).map((f) => String(f.evidence?.workload ?? '')));
      expect([...workloads].some((w) => w.startsWith('Deployment/'))).toBe(true);
      const readiness = session.store.get('readiness')?.data;
      expect(readiness?.templates.some((t) => t.kind === 'ReplicaSet')).toBe(true);
    } finally {
      session.close();
    }
  });
});
