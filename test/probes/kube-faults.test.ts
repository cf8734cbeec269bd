import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../src/app/session.js';
import { Logger } from '../../src/core/log.js';
import { TOOL_VERSION } from '../../src/core/version.js';
import { DEFAULT_CONFIG, parseConfig } from '../../src/model/config.js';
import type { ImagesData } from '../../src/model/images/types.js';
import { type Report, reportExitCode } from '../../src/model/report.js';
import { Collection } from '../../src/probes/kube/collection.js';
import { loadKubeConnection } from '../../src/probes/kube/connection.js';
import { liveIndicator } from '../../src/ui/App.js';
import { CLI_PATH } from '../helpers/cli.js';
import { type FaultProxy, type ProxiedRequest, startFaultProxy } from '../helpers/fault-proxy.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';

const ROOT = join(import.meta.dirname, '../..');
const CONFIG = {
  ...DEFAULT_CONFIG,
  registry: { ...DEFAULT_CONFIG.registry, private: ['registry.example.internal/tkg'] },
};
const NO_DNS = async (): Promise<string[]> => ['127.0.0.1'];

function pod(name: string, namespace = 'shop'): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: `registry.example.internal/tkg/${name}:1` }] },
    status: { phase: 'Running' },
  };
}

const NODE = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n1', labels: { 'kubernetes.io/os': 'linux' } },
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
};

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isPodsWatch = (r: ProxiedRequest) => r.watch && r.path === '/api/v1/pods';

let sim: SimulatorHandleExtended | undefined;
let proxy: FaultProxy | undefined;
let session: Session | undefined;
afterEach(async () => {
  session?.close();
  session = undefined;
  await proxy?.close();
  proxy = undefined;
  await sim?.close();
  sim = undefined;
});

async function setUp(objects: readonly object[] = [NODE, pod('web')]): Promise<FaultProxy> {
  sim = await startTestSimulator(objects);
  proxy = await startFaultProxy(sim);
  return proxy;
}

function openLive(p: FaultProxy, extra: Partial<Parameters<typeof Session.open>[0]> = {}): Promise<Session> {
  return Session.open({
    kubeconfig: p.kubeconfigPath,
    config: CONFIG,
    log: new Logger(),
    live: true,
    probes: ['images'],
    resolve: NO_DNS,
    ...extra,
  });
}

describe('requests say who sends them', () => {
  it('every list, watch, discovery and /version request carries User-Agent airgap-top/VERSION', async () => {
    const p = await setUp();
    session = await openLive(p, { probes: ['images', 'topology', 'ipam'] });
    await session.start();
    await waitFor('the pod watch', () => p.count(isPodsWatch) > 0);
    expect(p.count((r) => r.path === '/version')).toBeGreaterThan(0);
    expect(p.count((r) => r.path === '/apis')).toBeGreaterThan(0);
    const agents = new Set(p.requests.map((r) => r.userAgent));
    expect([...agents]).toEqual([`airgap-top/${TOOL_VERSION}`]);
    // The simulator saw the same (the proxy forwards the header).
    expect(new Set(sim?.requests.map((r) => r.userAgent))).toEqual(new Set([`airgap-top/${TOOL_VERSION}`]));
  });
});

describe('watch restarts go through one backoff', () => {
  it('a server that closes every watch at once is not hammered, and the screen does not say watching', async () => {
    const p = await setUp();
    p.add({ match: (r) => r.watch, action: { kind: 'close-watch' } });
    session = await openLive(p);
    await session.start();
    await waitFor('the first watch', () => p.count(isPodsWatch) > 0);
    const from = p.count(isPodsWatch);
    await sleep(3_000);
    const watches = p.count(isPodsWatch) - from;
    // 0.5 s doubling with jitter: at most a handful in 3 s (without backoff: thousands).
    expect(watches).toBeLessThanOrEqual(8);
    expect(watches).toBeGreaterThanOrEqual(1);
    const images = session.results().find((r) => r.id === 'images');
    expect(images?.live?.state).toBe('reconnecting');
  });

  it('after a watch recovers, "reconnecting" clears at once, without waiting for an event', async () => {
    const p = await setUp();
    p.add({ match: isPodsWatch, action: { kind: 'reset' }, times: 2 });
    session = await openLive(p, { kubeTuning: { backoffMaxMs: 500 } });
    await session.start();
    const store = session.store;
    await waitFor('reconnecting', () => store.get('images')?.live?.state === 'reconnecting');
    const eventsBefore = sim?.requests.length;
    await waitFor('watching again', () => store.get('images')?.live?.state === 'watching');
    expect(eventsBefore).toBeDefined();
    expect(liveIndicator(session.results())).toBe('● live');
  });
});

describe('429, 5xx and resets are retried', () => {
  it('one 429 on /version at start (the flaky-api scenario) no longer ends the run', async () => {
    sim = await startTestSimulator([NODE, pod('web')]);
    sim.faults.failNext(1, 429, 1);
    session = await Session.open({
      kubeconfig: sim.kubeconfigPath,
      config: CONFIG,
      log: new Logger(),
      live: false,
      probes: ['images'],
    });
    await session.start();
    expect(session.results().find((r) => r.id === 'images')?.status).toBe('ready');
    const versions = sim.requests.filter((r) => r.path === '/version').map((r) => r.status);
    expect(versions).toEqual([429, 200]);
  });

  it('a reset on /version at start is retried too', async () => {
    const p = await setUp();
    p.add({ match: (r) => r.path === '/version', action: { kind: 'reset' }, times: 1 });
    session = await openLive(p, { live: false });
    expect(p.count((r) => r.path === '/version')).toBe(2);
  });

  it('mid-pagination: 429 with Retry-After and a 503 retry the same continue token', async () => {
    const p = await setUp(['a', 'b', 'c', 'd', 'e'].map((n) => pod(n)));
    const isContinue = (r: ProxiedRequest) => r.path === '/api/v1/pods' && r.query.has('continue');
    p.add({ match: isContinue, action: { kind: 'status', status: 503 }, times: 1 });
    p.add({ match: isContinue, action: { kind: 'status', status: 429, retryAfterSeconds: 1 }, times: 1 });
    const kube = loadKubeConnection({ kubeconfig: p.kubeconfigPath });
    const pods = new Collection(kube, {
      path: '/api/v1/pods',
      pageSize: 2,
      transform: (o) => o.metadata?.name,
    });
    try {
      pods.start({ watch: false });
      await pods.firstSync;
      expect(pods.status).toBe('ready');
      expect(pods.values().sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
      const tokens = p.requests.filter(isContinue).map((r) => r.query.get('continue'));
      // The first continue token was asked three times (429, 503, answer), then the next page.
      expect(tokens.length).toBe(4);
      expect(new Set(tokens.slice(0, 3)).size).toBe(1);
      // Retry-After: 1 was honoured: the retry came at least a second later.
      const times = p.requests.filter(isContinue).map((r) => r.at);
      expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(900);
    } finally {
      pods.stop();
      kube.close();
    }
  });

  it('mid-pagination: a 410 (continue token expired) relists from the start, without doubles', async () => {
    const p = await setUp(['a', 'b', 'c', 'd', 'e'].map((n) => pod(n)));
    const isContinue = (r: ProxiedRequest) => r.path === '/api/v1/pods' && r.query.has('continue');
    p.add({ match: isContinue, action: { kind: 'status', status: 410 }, times: 1 });
    p.add({ match: (r) => r.path === '/api/v1/pods', action: { kind: 'reset' }, times: 1 });
    const kube = loadKubeConnection({ kubeconfig: p.kubeconfigPath });
    const pods = new Collection(kube, {
      path: '/api/v1/pods',
      pageSize: 2,
      transform: (o) => o.metadata?.name,
    });
    try {
      pods.start({ watch: false });
      await pods.firstSync;
      expect(pods.status).toBe('ready');
      expect(pods.values().sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
      const firstPages = p.requests.filter((r) => r.path === '/api/v1/pods' && !r.query.has('continue'));
      // reset (retried), answer, then after the 410 the list started again.
      expect(firstPages.length).toBe(3);
    } finally {
      pods.stop();
      kube.close();
    }
  });
});

describe('discovery errors are not absence', () => {
  const IPAM = join(ROOT, 'fixtures/ipam/scenario.yaml');
  const ipamConfig = () => {
    const path = join(ROOT, 'fixtures/demo/airgap-top.toml');
    return parseConfig(readFileSync(path, 'utf8'), path).config;
  };

  async function ipamReport(p: FaultProxy): Promise<Report> {
    session = await Session.open({
      kubeconfig: p.kubeconfigPath,
      config: ipamConfig(),
      log: new Logger(),
      live: false,
      probes: ['ipam'],
      resolve: NO_DNS,
      kubeTuning: { backoffMaxMs: 200, backoffInitialMs: 50 },
    });
    await session.start();
    return session.report();
  }

  it('a 503 on the IPAM group is an error of the IPAM probe (exit 1), not "not applicable"', async () => {
    sim = await startTestSimulator(IPAM);
    proxy = await startFaultProxy(sim);
    proxy.add({
      match: (r) => r.path.startsWith('/apis/ipam.cluster.x-k8s.io'),
      action: { kind: 'status', status: 503 },
    });
    const report = await ipamReport(proxy);
    const ipam = report.probes.find((x) => x.id === 'ipam');
    expect(ipam?.status).toBe('error');
    expect(ipam?.error).toMatch(/503/);
    expect(reportExitCode(report, 'fail')).toBe(1);
    // Retried like any transient error before giving up.
    expect(proxy.count((r) => r.path.startsWith('/apis/ipam.cluster.x-k8s.io'))).toBeGreaterThan(1);
  });

  it('failing pool versions do not make claims look pool-less (no false IPAM-004)', async () => {
    sim = await startTestSimulator(IPAM);
    proxy = await startFaultProxy(sim);
    proxy.add({
      match: (r) => /^\/apis\/ipam\.cluster\.x-k8s\.io\/v1alpha[12]$/.test(r.path),
      action: { kind: 'status', status: 503 },
    });
    const report = await ipamReport(proxy);
    const ipam = report.probes.find((x) => x.id === 'ipam');
    expect(ipam?.status).toBe('error');
    expect(ipam?.findings.filter((f) => f.code === 'IPAM-004')).toEqual([]);
    expect(reportExitCode(report, 'fail')).toBe(1);
  });

  it('a 404 on a group version still means "not installed"', async () => {
    const p = await setUp();
    p.add({
      match: (r) => /^\/apis\/(ipam|infrastructure)\.cluster\.x-k8s\.io\/v/.test(r.path),
      action: { kind: 'status', status: 404 },
    });
    session = await Session.open({
      kubeconfig: p.kubeconfigPath,
      config: CONFIG,
      log: new Logger(),
      live: false,
      probes: ['ipam'],
      resolve: NO_DNS,
    });
    await session.start();
    expect(session.results().find((r) => r.id === 'ipam')?.status).toBe('not-applicable');
  });
});

describe('owner resolution that is forbidden', () => {
  it('a 403 on ReplicaSets or Jobs is a finding on the images probe (IMG-011), not only a log line', async () => {
    const p = await setUp();
    p.add({
      match: (r) => r.path === '/apis/apps/v1/replicasets' || r.path === '/apis/batch/v1/jobs',
      action: { kind: 'status', status: 403 },
    });
    session = await openLive(p, { live: false });
    await session.start();
    const images = session.report().probes.find((x) => x.id === 'images');
    expect(images?.status).toBe('ready');
    const unreadable = images?.findings.filter((f) => f.code === 'IMG-011') ?? [];
    expect(unreadable.map((f) => `${f.severity} ${f.subject.name}`)).toEqual([
      'warn jobs.batch',
      'warn replicasets.apps',
    ]);
    expect(unreadable[0]?.detail).toMatch(/forbidden to list \/apis\/batch\/v1\/jobs/);
    // The pods are still judged.
    expect(images?.findings.some((f) => f.code === 'IMG-001')).toBe(true);
  });
});

describe('stale is not live', () => {
  it('a watch down longer than the threshold marks the probe stale; UPDATED stays at the last data; recovery clears it', async () => {
    const p = await setUp();
    session = await openLive(p, {
      kubeTuning: { staleAfterMs: 400, backoffMaxMs: 300, healthyAfterMs: 200 },
    });
    await session.start();
    const store = session.store;
    await waitFor('watching', () => store.get('images')?.live?.state === 'watching');
    const updatedBefore = store.get('images')?.updatedAt;
    expect(updatedBefore).toBeDefined();

    p.add({ match: () => true, action: { kind: 'reset' } });
    sim?.faults.cutWatchesAfter(0);
    await waitFor('stale', () => store.get('images')?.live?.state === 'stale');
    const attemptsBefore = p.requests.length;
    await waitFor('more reconnect attempts', () => p.requests.length > attemptsBefore + 1);
    // Reconnect attempts are not data: UPDATED is still the time of the last list or event.
    expect(store.get('images')?.updatedAt).toBe(updatedBefore);

    const report = session.report();
    const images = report.probes.find((x) => x.id === 'images');
    expect(images?.status).toBe('error');
    expect(images?.error).toMatch(/^stale: data from \d\d:\d\d:\d\d, API unreachable for \d+ s/);
    expect(reportExitCode(report, 'fail')).toBe(1);
    expect(liveIndicator(session.results())).toMatch(/^◌ images stale: data from \d\d:\d\d:\d\d/);

    p.clear();
    await waitFor('watching again', () => store.get('images')?.live?.state === 'watching', 15_000);
    expect(session.report().probes.find((x) => x.id === 'images')?.status).toBe('ready');
  });
});

describe('report --timeout', () => {
  it('ends at the deadline: unfinished probes are errors, exit 1, report_failed 1, the process exits at once', async () => {
    const p = await setUp();
    // The pod list never answers (a stuck aggregated API, a dead load balancer).
    p.add({ match: (r) => r.path === '/api/v1/pods' && !r.watch, action: { kind: 'stall' } });
    const dir = mkdtempSync(join(tmpdir(), 'airgap-top-timeout-'));
    try {
      const started = Date.now();
      const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            CLI_PATH,
            'report',
            '--kubeconfig',
            p.kubeconfigPath,
            '--config',
            join(ROOT, 'fixtures/images/airgap-top.toml'),
            '--timeout',
            '2',
            '-o',
            'json,prom',
            '--output-dir',
            dir,
          ],
          { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } },
        );
        let err = '';
        child.stderr.on('data', (c: Buffer) => {
          err += c.toString();
        });
        child.on('exit', (c) => resolve({ code: c, stderr: err }));
      });
      const elapsedMs = Date.now() - started;
      expect(code, stderr).toBe(1);
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
      const images = report.probes.find((x) => x.id === 'images');
      expect(images?.status).toBe('error');
      expect(images?.error).toMatch(/^did not finish listing pods\b.* within 2 s: 0 of \? read$/);
      const prom = readFileSync(join(dir, 'airgap-top.prom'), 'utf8');
      expect(prom).toMatch(/^airgap_top_report_failed 1$/m);
      expect(prom).toMatch(/^airgap_top_probe_up\{probe="images"\} 0$/m);
      // A generous bound: the deadline plus start-up on a loaded machine, far below the 30 s a
      // pending request kept the process alive before.
      expect(elapsedMs).toBeLessThan(2_000 + 10_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('fault soak', () => {
  it('cut watches, 410s, 429 with Retry-After and 500s during churn: the live session ends with exactly what a fresh report sees, at a bounded request rate', async () => {
    const p = await setUp([NODE, ...Array.from({ length: 10 }, (_, i) => pod(`seed-${i}`))]);
    session = await openLive(p, {
      probes: ['images', 'topology'],
      kubeTuning: { backoffMaxMs: 1_000, staleAfterMs: 60_000 },
    });
    await session.start();
    const s = sim as SimulatorHandleExtended;
    const started = Date.now();
    const before = p.requests.length;

    // Faults that come and go while pods are created and deleted.
    s.faults.cutWatchesAfter(4);
    p.add({ match: isPodsWatch, action: { kind: 'status', status: 410 }, times: 2 });
    p.add({ match: (r) => r.watch, action: { kind: 'status', status: 429, retryAfterSeconds: 1 }, times: 3 });
    p.add({
      match: (r) => !r.watch && r.path === '/api/v1/pods',
      action: { kind: 'status', status: 500 },
      times: 2,
    });
    p.add({ match: (r) => r.watch, action: { kind: 'reset' }, times: 3 });
    for (let i = 0; i < 30; i++) {
      s.apply(pod(`churn-${i}`));
      if (i % 3 === 0) s.remove('v1', 'Pod', `seed-${i / 3}`, 'shop');
      if (i > 5 && i % 4 === 0) s.remove('v1', 'Pod', `churn-${i - 5}`, 'shop');
      if (i === 10) s.faults.goneOnNextWatch(2);
      if (i === 20) p.add({ match: (r) => r.watch, action: { kind: 'close-watch' }, times: 3 });
      await sleep(100);
    }
    s.faults.clear();
    p.clear();

    const fresh = await Session.open({
      kubeconfig: s.kubeconfigPath,
      config: CONFIG,
      log: new Logger(),
      live: false,
      probes: ['images'],
    });
    let expected: string[];
    try {
      await fresh.start();
      expected = podNames(fresh.store.get('images')?.data as ImagesData);
    } finally {
      fresh.close();
    }
    expect(expected.length).toBe(10 + 30 - 10 - 6);
    const store = session.store;
    const names = await waitFor(
      'the live session to converge',
      () => {
        const got = podNames(store.get('images')?.data as ImagesData | undefined);
        return got.join() === expected.join() ? got : undefined;
      },
      15_000,
    );
    // No duplicates: every pod once.
    expect(new Set(names).size).toBe(names.length);
    const seconds = (Date.now() - started) / 1000;
    const requests = p.requests.length - before;
    // Two probes, six collections, ~100 faults and cuts: tens of requests, not thousands.
    expect(requests).toBeLessThan(250);
    expect(requests / seconds).toBeLessThan(40);
  }, 40_000);
});

function podNames(data: ImagesData | undefined): string[] {
  return (data?.pods ?? []).map((p) => `${p.namespace}/${p.name}`).sort();
}
