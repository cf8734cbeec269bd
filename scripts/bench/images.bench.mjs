#!/usr/bin/env node
/**
 * Image-origin evaluation at 10,000 pods (20,000 containers, 28,000 findings): a cold run (every
 * record new, as after the first list) and a run after one watch event (one pod record replaced,
 * the rest the same objects), against an allocation floor (building as many finding-shaped objects,
 * the least any evaluation must cost) measured right before each cold run in the same process.
 *
 * Runs inside scripts/bench.mjs (default export) or standalone: node scripts/bench/images.bench.mjs
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const IMAGES = [
  'registry.example.internal/tkg/antrea:v1',
  'nginx',
  'quay.io/prometheus/prometheus:v2.45.0',
  'registry.example.internal/tkg/apps/api:1.4.2',
  'registry.k8s.io/pause:3.9',
];

/** 10,000 pods, two containers each, a mix of private, public and ignored images (the test reuses it). */
export function syntheticPods(count = 10_000) {
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push({
      uid: `u${i}`,
      namespace: `ns${i % 50}`,
      name: `pod-${i}`,
      nodeName: `node-${i % 100}`,
      workload: { kind: 'Deployment', name: `app-${i % 500}` },
      containers: [
        {
          name: 'main',
          kind: 'container',
          image: IMAGES[i % IMAGES.length],
          imageID: `docker.io/library/nginx@${DIGEST}`,
        },
        { name: 'sidecar', kind: 'container', image: `registry.example.internal/tkg/sidecar:${i % 20}` },
      ],
    });
  }
  // As the probe publishes them: sorted by namespace, then name.
  return out.sort((a, b) =>
    a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1,
  );
}

/** Builds `n` objects shaped like findings, with per-item strings. */
function allocationFloor(n) {
  const start = performance.now();
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push({
      probe: 'images',
      code: 'IMG-001',
      severity: 'pass',
      subject: { kind: 'Pod', namespace: 'ns', name: `pod-${i}`, container: 'c' },
      title: `image ${i} is private`,
      detail: `Deployment ns/app-${i % 500} (pod pod-${i}, container main) runs registry.example.internal/tkg/a:v1.`,
      evidence: {
        image: `img-${i}`,
        reference: 'r',
        registry: 'g',
        imageID: null,
        node: `n${i}`,
        workload: 'w',
      },
      remedy: 'r',
    });
  }
  return out.length > 0 ? performance.now() - start : 0;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export default async function imagesBench(ctx = {}) {
  const base = new URL('../../dist/model/', import.meta.url);
  const [{ ImagesChecker }, { DEFAULT_CONFIG }] = await Promise.all([
    import(new URL('images/evaluate.js', base).href),
    import(new URL('config.js', base).href),
  ]);
  const config = {
    ...DEFAULT_CONFIG,
    registry: { private: ['registry.example.internal/tkg'] },
    ignore: [{ namespace: 'ns1', image: 'registry.k8s.io/pause*', reason: 'bench' }],
    source: 'bench',
  };
  const all = syntheticPods();
  // One checker for the whole run, as a session keeps one: "cold" is new pod records under a known
  // config (the per-image origin cache is warm), as after a relist.
  const checker = new ImagesChecker();
  const evaluateImages = (data, cfg) => checker.evaluate(data, cfg);
  evaluateImages({ pods: all }, config); // warm the JIT
  const runs = ctx.quick ? 5 : 15;
  const cold = [];
  const ratios = [];
  let findings = 0;
  for (let i = 0; i < runs; i++) {
    const floor = allocationFloor(28_000);
    const fresh = { pods: all.map((p) => ({ ...p })) };
    const start = performance.now();
    findings = evaluateImages(fresh, config).length;
    const took = performance.now() - start;
    cold.push(took);
    ratios.push(took / floor);
  }
  let current = { pods: all.map((p) => ({ ...p })) };
  evaluateImages(current, config);
  const event = [];
  for (let i = 0; i < runs * 4; i++) {
    const index = (i * 997) % current.pods.length;
    current = { pods: current.pods.map((p, j) => (j === index ? { ...p, nodeName: `node-x${i}` } : p)) };
    const start = performance.now();
    evaluateImages(current, config);
    event.push(performance.now() - start);
  }
  const fmt = (ms) => ms.toFixed(1);
  return {
    name: 'images evaluation (10,000 pods)',
    lines: [
      `10,000 pods / 20,000 containers → ${findings} findings`,
      `cold: median ${fmt(median(cold))} ms, min ${fmt(Math.min(...cold))} ms over ${runs} runs; ${median(ratios).toFixed(1)}x the allocation floor (median of paired runs)`,
      `after one watch event (one pod replaced): median ${fmt(median(event))} ms, max ${fmt(Math.max(...event))} ms over ${event.length} events; ratio to cold ${(median(event) / median(cold)).toFixed(2)}`,
    ],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await imagesBench();
  console.log(result.name);
  for (const line of result.lines) console.log(`  ${line}`);
}
