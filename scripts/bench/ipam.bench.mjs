#!/usr/bin/env node
/**
 * IPAM evaluation cost after one watch event, at 300 VSphereVMs, 300 claims and 20 pools.
 *
 * What a watch event costs the app: the probe rebuilds its data object from the collections (same
 * record objects except the one that changed), then the evaluator and the view run on it. Measured
 * for a claim event (the common case during a rollout), a pool edit (invalidates that pool's interval
 * set and the overlap matrix), and with every record copied (what it would cost without the
 * identity caches). Median and p99 in ms, compared to a 16 ms frame.
 *
 * Runs inside scripts/bench.mjs (default export) or standalone: node scripts/bench/ipam.bench.mjs
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const FRAME_MS = 16;
/** Runs before measuring, so the JIT has optimised the hot paths (each case starts after a different one). */
const WARMUP = 100;

async function load() {
  const base = new URL('../../dist/model/', import.meta.url);
  const [records, analyze, evaluate, view, config] = await Promise.all([
    import(new URL('ipam/records.js', base).href),
    import(new URL('ipam/analyze.js', base).href),
    import(new URL('ipam/evaluate.js', base).href),
    import(new URL('../views/ipam.js', base).href),
    import(new URL('config.js', base).href),
  ]);
  return { ...records, ...analyze, ...evaluate, ...view, DEFAULT_CONFIG: config.DEFAULT_CONFIG };
}

const IPAM = 'ipam.cluster.x-k8s.io';
const NOW = new Date('2026-03-01T12:00:00Z');

/** 18 namespaced IPv4 pools (3 per namespace) + 2 global IPv6 pools; 300 VMs, one claim each, 10 pending. */
function scenario(vmCount = 300, poolCount = 20) {
  const objects = [];
  const pools = [];
  for (let p = 0; p < poolCount; p++) {
    const global = p >= poolCount - 2;
    const ns = `ns-${Math.floor(p / 3)}`;
    const name = global ? `global-${p}` : `pool-${p}`;
    const kind = global ? 'GlobalInClusterIPPool' : 'InClusterIPPool';
    const spec = global
      ? { addresses: [`fd00:${p}::/64`], prefix: 64, gateway: `fd00:${p}::1` }
      : {
          addresses: [`10.${p}.0.2-10.${p}.0.200`, `10.${p}.0.210`],
          prefix: 24,
          gateway: `10.${p}.0.1`,
          excludedAddresses: [`10.${p}.0.100-10.${p}.0.109`],
        };
    objects.push({
      apiVersion: `${IPAM}/v1alpha2`,
      kind,
      metadata: global ? { name } : { name, namespace: ns },
      spec,
    });
    pools.push({ kind, name, ns, global, p, used: 0 });
  }
  for (let i = 0; i < vmCount; i++) {
    const pool = pools[i % pools.length];
    const ns = pool.global ? 'ns-g' : pool.ns;
    const vm = `wc-${i % 7}-md-${i}`;
    const claim = `${vm}-0-0`;
    const meta = (name, extra = {}) => ({
      name,
      namespace: ns,
      creationTimestamp: '2026-03-01T11:00:00Z',
      ...extra,
    });
    objects.push({
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
      kind: 'VSphereVM',
      metadata: meta(vm, {
        labels: { 'cluster.x-k8s.io/cluster-name': `wc-${i % 7}` },
        ownerReferences: [{ kind: 'VSphereMachine', name: vm }],
      }),
      spec: {
        network: {
          devices: [
            {
              networkName: 'VM Network',
              nameservers: ['10.0.0.53'],
              addressesFromPools: [{ apiGroup: IPAM, kind: pool.kind, name: pool.name }],
            },
          ],
        },
      },
      status: {
        conditions: [
          { type: 'IPAddressClaimed', status: 'True', lastTransitionTime: '2026-03-01T11:01:00Z' },
        ],
      },
    });
    const pending = i % 30 === 29;
    objects.push({
      apiVersion: `${IPAM}/v1beta1`,
      kind: 'IPAddressClaim',
      metadata: meta(claim, { ownerReferences: [{ kind: 'VSphereVM', name: vm }] }),
      spec: { poolRef: { apiGroup: IPAM, kind: pool.kind, name: pool.name } },
      status: pending ? {} : { addressRef: { name: claim } },
    });
    if (!pending) {
      pool.used += 1;
      const address = pool.global
        ? `fd00:${pool.p}::${(pool.used + 1).toString(16)}`
        : `10.${pool.p}.0.${pool.used + 1}`;
      objects.push({
        apiVersion: `${IPAM}/v1beta1`,
        kind: 'IPAddress',
        metadata: meta(claim),
        spec: {
          address,
          prefix: pool.global ? 64 : 24,
          claimRef: { name: claim },
          poolRef: { apiGroup: IPAM, kind: pool.kind, name: pool.name },
        },
      });
    }
  }
  return objects;
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

function fmt(ms) {
  return ms < 1 ? ms.toFixed(3) : ms.toFixed(2);
}

/**
 * End to end through the simulator: the same 300-VM scenario served as a Kubernetes API, the ipam
 * probe watching it, then one claim edit at a time until the store holds new data and it is evaluated.
 * Includes the collections' 50 ms coalescing window.
 */
async function liveLatency(ctx, events) {
  const dist = (path) => new URL(`../../dist/${path}`, import.meta.url).href;
  const [{ startSimulator }, { ipamProbe }, { loadKubeConnection }, { Store }, { Logger }, { IpamChecker }] =
    await Promise.all([
      import(dist('sim/server/index.js')),
      import(dist('probes/ipam.js')),
      import(dist('probes/kube/connection.js')),
      import(dist('model/store.js')),
      import(dist('core/log.js')),
      import(dist('model/ipam/evaluate.js')),
    ]);
  const own = !ctx.handle;
  const sim = ctx.handle ?? (await startSimulator({ timeline: false }));
  const objects = scenario().map((o) => ({
    ...o,
    metadata: { ...o.metadata, namespace: o.metadata.namespace && `bench-${o.metadata.namespace}` },
  }));
  for (const o of objects) sim.apply(o);
  const kube = loadKubeConnection({ kubeconfig: sim.kubeconfigPath });
  const store = new Store();
  const controller = new AbortController();
  const ctxProbe = {
    config: (await import(dist('model/config.js'))).DEFAULT_CONFIG,
    kube,
    store,
    log: new Logger({}),
    signal: controller.signal,
    live: true,
    resolve: async () => [],
  };
  // The evaluator's caches, as a session keeps them.
  const checker = new IpamChecker();
  const t0 = performance.now();
  await ipamProbe.start(ctxProbe);
  const firstSync = performance.now() - t0;
  const claims = objects.filter((o) => o.kind === 'IPAddressClaim' && o.status?.addressRef);
  const latencies = [];
  for (let i = 0; i < events; i++) {
    const before = store.get('ipam')?.data;
    const claim = claims[i % claims.length];
    const started = performance.now();
    sim.apply({ ...claim, metadata: { ...claim.metadata, labels: { bench: String(i) } } });
    while (store.get('ipam')?.data === before) await new Promise((r) => setTimeout(r, 1));
    checker.evaluate(store.get('ipam').data, NOW);
    latencies.push(performance.now() - started);
  }
  controller.abort();
  kube.close();
  for (const o of objects) sim.remove(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace);
  if (own) await sim.close();
  const s = stats(latencies);
  return [
    `live (simulator ${own ? 'of its own' : 'shared with the other benches'}): first sync of ${objects.length} objects in ${fmt(firstSync)} ms`,
    `watch event → new data evaluated: median ${fmt(s.median)} ms, max ${fmt(s.max)} ms over ${events} events (includes the 50 ms coalescing window)`,
  ];
}

export default async function ipamBench(ctx = {}) {
  const m = await load();
  const runs = ctx.quick ? 100 : 500;
  const base = m.ipamDataFromObjects(scenario());
  const counts = `${base.vsphereVMs.length} VSphereVMs, ${base.claims.length} claims, ${base.addresses.length} addresses, ${base.pools.length} pools`;

  /** One event = a new data object whose arrays hold the same records but one. */
  const withClaim = (data, i) => {
    const claims = data.claims.slice();
    const c = claims[i % claims.length];
    claims[i % claims.length] = { ...c, createdAt: new Date(NOW.getTime() - (i % 50) * 1000).toISOString() };
    return { ...data, claims };
  };
  const withPool = (data, i) => {
    const pools = data.pools.slice();
    const p = pools[i % pools.length];
    pools[i % pools.length] = { ...p, status: { total: i, used: 0, free: i } };
    return { ...data, pools };
  };
  const everythingCopied = (data) => ({
    ...data,
    pools: data.pools.map((p) => ({ ...p })),
    addresses: data.addresses.map((a) => ({ ...a })),
    claims: data.claims.map((c) => ({ ...c })),
  });

  /** Wall time and CPU time per event: on a shared machine the CPU time is what the work costs. */
  const measure = (next) => {
    // One analyzer shared by the evaluator and the view, as a session has them.
    const analyzer = new m.IpamAnalyzer();
    const checker = new m.IpamChecker(analyzer);
    const ipamView = m.createIpamView(analyzer);
    let data = base;
    const wall = [];
    const cpu = [];
    for (let i = 0; i < runs + WARMUP; i++) {
      data = next(data, i);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const findings = checker.evaluate(data, NOW);
      ipamView({
        data,
        state: { status: 'ready', data },
        findings,
        snapshot: {},
        config: m.DEFAULT_CONFIG,
        now: NOW,
      });
      const t = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (i >= WARMUP) {
        // the first runs warm the JIT
        wall.push(t);
        cpu.push((c.user + c.system) / 1000);
      }
    }
    return { wall: stats(wall), cpu: stats(cpu) };
  };

  const c0 = process.cpuUsage();
  const first = m.evaluateIpam(m.ipamDataFromObjects(scenario()), NOW);
  const coldUsage = process.cpuUsage(c0);
  const cold = (coldUsage.user + coldUsage.system) / 1000;
  const claimEvent = measure(withClaim);
  const poolEvent = measure(withPool);
  const noCache = measure((d) => everythingCopied(d));
  const line = (label, s) =>
    `${label.padEnd(38)} cpu median ${fmt(s.cpu.median)} ms, p99 ${fmt(s.cpu.p99)} ms (${((s.cpu.p99 / FRAME_MS) * 100).toFixed(0)}% of a ${FRAME_MS} ms frame) · wall median ${fmt(s.wall.median)} ms, p99 ${fmt(s.wall.p99)} ms`;
  const live = await liveLatency(ctx, runs >= 500 ? 30 : 10);
  return {
    name: 'ipam',
    lines: [
      `scenario: ${counts}; ${first.length} findings; ${runs} runs per case (evaluate + view)`,
      `cold first evaluation (parse + build everything): ${fmt(cold)} ms cpu`,
      line('after a claim event', claimEvent),
      line('after a pool edit', poolEvent),
      line('every record new (no identity caches)', noCache),
      `identity caches: ${(noCache.cpu.median / claimEvent.cpu.median).toFixed(1)}x less CPU per claim event at the median`,
      ...live,
      `load average while measuring: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${availableParallelism()} CPUs (wall times include waiting for a CPU)`,
    ],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await ipamBench({ quick: process.argv.includes('--quick') });
  console.log(`# ${result.name}`);
  for (const l of result.lines) console.log(l);
}
