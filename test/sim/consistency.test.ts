import { CoreV1Api, KubeConfig, makeInformer, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Collection } from '../../src/probes/kube/collection.js';
import { type KubeConnection, loadKubeConnection } from '../../src/probes/kube/connection.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';

interface Slim {
  readonly uid: string;
  readonly name: string;
  readonly rv: number;
}

const pod = (name: string, image: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'team-a' },
  spec: { containers: [{ name: 'c', image }] },
});

/** Deterministic pseudo-random choice of changes. */
function* changes(seed: number) {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  for (;;) yield next();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * client-node's informer and our Collection against cut watches, 410 Gone (injected, and real after
 * the bounded history overflows), and 429 with Retry-After: after every phase both caches must equal
 * the server's truth exactly (uid -> resourceVersion), and no cache may ever apply an older or the
 * same resourceVersion twice for an object (a duplicated or replayed event).
 */
describe('caches stay consistent through watch faults', () => {
  let sim: SimulatorHandleExtended;
  let conn: KubeConnection;
  let collection: Collection<Slim>;
  let informer: ReturnType<typeof makeInformer<V1Pod>>;
  let stopped = false;
  const informerSeen = new Map<string, number[]>();
  const collectionSeen = new Map<string, number[]>();
  let informerErrors = 0;
  const random = changes(42);
  let counter = 0;

  const truth = () =>
    new Map(sim.list('v1', 'Pod').map((p) => [String(p.metadata?.uid), Number(p.metadata?.resourceVersion)]));
  const informerState = () =>
    new Map(informer.list().map((p) => [String(p.metadata?.uid), Number(p.metadata?.resourceVersion)]));
  const collectionState = () => new Map(collection.values().map((p) => [p.uid, p.rv]));

  const consistent = async (label: string) => {
    let last = '';
    for (let i = 0; i < 300; i++) {
      const t = JSON.stringify([...truth()].sort());
      const a = JSON.stringify([...informerState()].sort());
      const b = JSON.stringify([...collectionState()].sort());
      if (a === t && b === t) return;
      last = `truth ${t}\ninformer ${a}\ncollection ${b}`;
      await sleep(50);
    }
    throw new Error(`${label}: caches did not converge\n${last}`);
  };

  const mutate = async (count: number, pauseMs: number) => {
    for (let i = 0; i < count; i++) {
      const roll = random.next().value as number;
      const existing = sim.list('v1', 'Pod');
      const victim = existing[Math.floor(roll * 1000) % Math.max(existing.length, 1)];
      if (roll < 0.4 || !victim) sim.apply(pod(`p-${++counter}`, `app:${counter}`));
      else if (roll < 0.8)
        sim.patch('v1', 'Pod', String(victim.metadata?.name), 'team-a', {
          metadata: { labels: { step: String(i) } },
        });
      else sim.remove('v1', 'Pod', String(victim.metadata?.name), 'team-a');
      if (pauseMs > 0) await sleep(pauseMs);
    }
  };

  const record = (seen: Map<string, number[]>, uid: string | undefined, rv: number) => {
    const list = seen.get(String(uid)) ?? [];
    list.push(rv);
    seen.set(String(uid), list);
  };

  beforeAll(async () => {
    sim = await startTestSimulator(
      Array.from({ length: 10 }, (_, i) => pod(`seed-${i}`, 'registry.example.internal/tkg/app:1')),
      { historyLimit: 30, bookmarkIntervalMs: 100 },
    );
    const kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
    const api = kc.makeApiClient(CoreV1Api);
    informer = makeInformer<V1Pod>(kc, '/api/v1/pods', () => api.listPodForAllNamespaces());
    const onInformer = (p: V1Pod) =>
      record(informerSeen, p.metadata?.uid, Number(p.metadata?.resourceVersion));
    informer.on('add', onInformer);
    informer.on('update', onInformer);
    // client-node's informer stops on errors other than 410; the documented pattern restarts it.
    informer.on('error', () => {
      informerErrors += 1;
      if (!stopped) setTimeout(() => void informer.start(), 200);
    });
    await informer.start();
    conn = loadKubeConnection({ kubeconfig: sim.kubeconfigPath });
    collection = new Collection<Slim>(conn, {
      path: '/api/v1/pods',
      pageSize: 4,
      // This suite is about never losing or replaying an event; the restart backoff (proven in
      // test/probes/kube-faults.test.ts) is shrunk so the cuts below happen many times.
      tuning: { backoffInitialMs: 1, backoffMaxMs: 20, healthyAfterMs: 200 },
      transform: (o) => ({
        uid: String(o.metadata?.uid),
        name: String(o.metadata?.name),
        rv: Number(o.metadata?.resourceVersion),
      }),
      onEvent: (_type, next) => {
        if (next) record(collectionSeen, next.uid, next.rv);
      },
    });
    collection.start();
    await collection.firstSync;
  });

  afterAll(async () => {
    stopped = true;
    collection?.stop();
    await informer?.stop();
    conn?.close();
    await sim?.close();
  });

  it('starts equal to the server', async () => {
    await consistent('initial');
    expect(collection.stats.lists).toBe(3); // 10 pods in pages of 4
  });

  it('survives watch streams cut every 3 events', async () => {
    const watchesBefore = collection.stats.watches;
    sim.faults.cutWatchesAfter(3);
    await mutate(40, 10);
    sim.faults.clear();
    await consistent('cut watches');
    expect(collection.stats.watches - watchesBefore).toBeGreaterThan(3);
  });

  it('relists after an injected 410 Gone', async () => {
    const relists = collection.stats.relistsAfterGone;
    // One 410 for each client: untargeted, client-node's informer (which re-watches at once) took
    // both before the Collection's backoff ended.
    sim.faults.goneOnNextWatch(1, 'airgap-top/');
    sim.faults.goneOnNextWatch(1, 'node-fetch/');
    sim.faults.cutWatchesAfter(0);
    await mutate(10, 5);
    await consistent('injected 410');
    expect(collection.stats.relistsAfterGone).toBeGreaterThan(relists);
  });

  it('relists when the history no longer reaches back (real 410)', async () => {
    const relists = collection.stats.relistsAfterGone;
    const listsBefore = sim.requests.filter((r) => r.verb === 'list').length;
    sim.faults.latency(400);
    sim.faults.cutWatchesAfter(0);
    await mutate(60, 0); // twice the history while both are reconnecting
    sim.faults.clear();
    await consistent('history overflow');
    expect(collection.stats.relistsAfterGone).toBeGreaterThan(relists);
    // Both clients had to list again (the informer without paging, the Collection in pages).
    expect(sim.requests.filter((r) => r.verb === 'list').length - listsBefore).toBeGreaterThanOrEqual(2);
  });

  it('backs off on 429 with Retry-After and recovers', async () => {
    sim.faults.failNext(2, 429, 1);
    sim.faults.cutWatchesAfter(0);
    await mutate(10, 5);
    await consistent('429');
    expect(sim.requests.filter((r) => r.status === 429)).toHaveLength(2);
    expect(informerErrors).toBeLessThanOrEqual(2);
  });

  it('never applied a replayed or duplicated event', () => {
    for (const [uid, rvs] of informerSeen) {
      for (let i = 1; i < rvs.length; i++)
        expect(rvs[i], `informer ${uid} ${rvs.join(',')}`).toBeGreaterThan(rvs[i - 1] as number);
    }
    for (const [uid, rvs] of collectionSeen) {
      // A relist re-announces unchanged objects with the same version; never an older one.
      for (let i = 1; i < rvs.length; i++)
        expect(rvs[i], `collection ${uid} ${rvs.join(',')}`).toBeGreaterThanOrEqual(rvs[i - 1] as number);
    }
    expect(informerSeen.size).toBeGreaterThan(30);
  });
});
