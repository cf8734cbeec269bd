#!/usr/bin/env node
/**
 * `npm run bench`: builds (npm script), starts the simulator on a generated 10,000-pod / 300-node
 * cluster, runs every scripts/bench/*.bench.mjs module against it and prints their lines. Each module
 * default-exports `async (ctx) => ({ name, lines })`.
 *
 * ctx = { url, kubeconfigPath, handle, sim, simulator (the same SimulatorHandle), cliPath, root,
 *         generate, seed, quick }
 * Flags: --quick (smaller runs where modules support it), --only NAME (substring of the file name).
 */
import { readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;
const GENERATE = 'nodes=300,pods=10000,namespaces=40';
const SEED = 1;

const { startSimulator } = await import(pathToFileURL(join(root, 'dist/sim/server/index.js')).href);
const t0 = performance.now();
const handle = await startSimulator({ generate: GENERATE, seed: SEED, timeline: false });
const startMs = performance.now() - t0;
const pods = handle.list('v1', 'Pod').length;
const nodes = handle.list('v1', 'Node').length;

console.log(`airgap-top bench — ${new Date().toISOString()}`);
console.log(
  `machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}, node ${process.version}`,
);
console.log(
  `simulator: ${pods} pods, ${nodes} nodes (--generate ${GENERATE} --seed ${SEED}) at ${handle.url}, started in ${startMs.toFixed(0)} ms`,
);

const ctx = {
  url: handle.url,
  kubeconfigPath: handle.kubeconfigPath,
  handle,
  sim: handle,
  simulator: handle,
  // What users run: the one-file bundle (npm run build writes it).
  cliPath: join(root, 'dist/airgap-top.cjs'),
  root,
  generate: GENERATE,
  seed: SEED,
  quick,
};

const dir = join(root, 'scripts/bench');
const modules = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs') && (!only || f.includes(only)))
  .sort((a, b) => (a === 'sim.bench.mjs' ? -1 : b === 'sim.bench.mjs' ? 1 : a.localeCompare(b)));
let failed = 0;
for (const file of modules) {
  const started = performance.now();
  try {
    const mod = await import(pathToFileURL(join(dir, file)).href);
    const result = await mod.default(ctx);
    console.log(`\n== ${result.name} (${file}, ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    for (const line of result.lines) console.log(`  ${line}`);
  } catch (err) {
    failed += 1;
    console.log(`\n== ${file}: FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}
await handle.close();
process.exitCode = failed > 0 ? 1 : 0;
