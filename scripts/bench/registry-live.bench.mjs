#!/usr/bin/env node
/**
 * Registry presence in live mode at 10,000 pods: a live Session over the bench's generated cluster
 * whose private registry (registry.example.internal) is the demo's embedded registry on loopback
 * (connect_to). After the first sweep: how long from a new pod (with an image never seen) to its
 * container's effective verdict (goal ≤ 1 s), how many registry requests that event costs (goal:
 * the new triple and nothing else), and the process CPU while idle (goal ≤ 2% of a core).
 *
 * Runs inside scripts/bench.mjs (default export; needs ctx.simulator and ctx.kubeconfigPath).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export default async function registryLiveBench(ctx = {}) {
  const root = ctx.root ?? fileURLToPath(new URL('../..', import.meta.url));
  const load = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
  const [{ Session }, { Logger }, { DEFAULT_CONFIG }, registryModule, { demoResolver }] = await Promise.all([
    load('app/session.js'),
    load('core/log.js'),
    load('model/config.js'),
    load('demo/registry.js'),
    load('cli/demo-command.js'),
  ]);
  if (!ctx.simulator || !ctx.kubeconfigPath) {
    return {
      name: 'registry presence, live (10,000 pods)',
      lines: ['needs the bench simulator (run via npm run bench)'],
    };
  }
  const registry = await registryModule.startDemoRegistry({ dir: join(root, 'fixtures/demo/registry') });
  const config = registryModule.demoRegistryConfig(
    { ...DEFAULT_CONFIG, registry: { private: ['registry.example.internal/tkg'] }, source: 'bench' },
    registry,
  );
  const session = await Session.open({
    kubeconfig: ctx.kubeconfigPath,
    config,
    log: new Logger(),
    live: true,
    resolve: demoResolver,
    probes: ['images', 'registry'],
  });
  const added = [];
  try {
    const t0 = performance.now();
    await session.start();
    const firstSync = performance.now() - t0;
    const first = session.store.get('registry')?.data;
    session.results(); // the first evaluation, as the screen makes it
    const events = ctx.quick ? 3 : 7;
    const latencies = [];
    const requests = [];
    for (let i = 0; i < events; i++) {
      const name = `bench-new-${Date.now()}-${i}`;
      const before = registry.stats.manifestRequests;
      const start = performance.now();
      ctx.simulator.apply({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default', uid: `uid-${name}` },
        spec: { containers: [{ name: 'app', image: `registry.example.internal/tkg/new-app:${name}` }] },
        status: { phase: 'Pending' },
      });
      added.push(name);
      for (;;) {
        const images = session.results().find((r) => r.id === 'images');
        const f = images?.findings.find((x) => x.subject.name === name && x.code.startsWith('REG-2'));
        if (f && f.code !== 'REG-205') break;
        if (performance.now() - start > 10_000) break;
        await sleep(10);
      }
      latencies.push(performance.now() - start);
      requests.push(registry.stats.manifestRequests - before);
      await sleep(300);
    }
    // Idle: nothing changes; the process should do (almost) nothing.
    await sleep(500);
    const idleMs = ctx.quick ? 3000 : 5000;
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    await sleep(idleMs);
    const cpu = process.cpuUsage(cpu0);
    const idlePct = ((cpu.user + cpu.system) / 1000 / (performance.now() - w0)) * 100;
    const lat = median(latencies);
    const maxReq = Math.max(...requests);
    return {
      name: 'registry presence, live (10,000 pods, demo registry on loopback)',
      lines: [
        `first sync (pods + first sweep): ${(firstSync / 1000).toFixed(2)} s; ${first?.counts.triples ?? '?'} triples, ${first?.counts.manifestRequests ?? '?'} manifest + ${first?.counts.tokenRequests ?? '?'} token requests`,
        `new pod → its verdict: median ${lat.toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms over ${events} events (goal ≤ 1000 ms: ${lat <= 1000 ? 'met' : 'NOT met'})`,
        `registry requests per new image: max ${maxReq} (goal 1, the new triple only: ${maxReq <= 1 ? 'met' : 'NOT met'})`,
        `idle CPU: ${idlePct.toFixed(2)}% of a core over ${idleMs / 1000} s (goal ≤ 2%: ${idlePct <= 2 ? 'met' : 'NOT met'})`,
      ],
    };
  } finally {
    session.close();
    for (const name of added) ctx.simulator.remove?.('v1', 'Pod', name, 'default');
    await registry.close();
  }
}
