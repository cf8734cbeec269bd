#!/usr/bin/env node
/**
 * Fleet mode (issue 16) on the fleet simulator (`sim --generate fleet=20,pods=500`, 20 workload API
 * servers + the management server, in this process; the measured CLI is a child process):
 * - `report --fleet` against 20 single-cluster reports run one after another (goal: ≥ 4× faster);
 * - peak RSS per extra cluster (goal: ≤ 15 MB): report --fleet over 20 clusters against 1, and
 *   serve --fleet (every cluster watched at once) over 20 against 1;
 * - serve --fleet idle CPU with 20 clusters watched (goal: < 2 % of a core);
 * - a scrape of /metrics (goal: < 50 ms).
 *
 * Runs inside scripts/bench.mjs (ctx.cliPath, ctx.quick) or standalone: node scripts/bench/fleet.bench.mjs
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const GOAL_SPEEDUP = 4;
const GOAL_MB_PER_CLUSTER = 15;
const GOAL_IDLE_CPU = 0.02;
const GOAL_SCRAPE_MS = 50;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const met = (ok) => (ok ? 'met' : 'NOT met');

/** Runs the CLI to its end (async: the simulators in this process keep answering); peak RSS from a preload. */
function runCli(cliPath, args, work) {
  const rssFile = join(work, `rss-${Math.random().toString(16).slice(2)}`);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', pathToFileURL(join(work, 'rss.mjs')).href, cliPath, ...args],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, NO_COLOR: '1', AIRGAP_TOP_RSS_FILE: rssFile },
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      let rssKb;
      try {
        rssKb = Number(readFileSync(rssFile, 'utf8'));
      } catch {
        rssKb = Number.NaN;
      }
      if (code !== 0 && code !== 1)
        reject(new Error(`airgap-top ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ ms, rssMb: rssKb / 1024 });
    });
  });
}

/** CPU ms (user + system) of a process, from /proc. */
function cpuMsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function rssMbOf(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

async function until(what, probe, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** serve --fleet until ready; then what it costs. */
async function startServe(cliPath, kubeconfig, config) {
  const child = spawn(
    process.execPath,
    [cliPath, 'serve', '--fleet', '--kubeconfig', kubeconfig, '--config', config, '--listen', '127.0.0.1:0'],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  const base = await until(
    'serve to listen',
    async () => /serving (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr)?.[1],
  );
  await until('serve to be ready', async () =>
    (await fetch(`${base}/readyz`)).status === 200 ? true : undefined,
  );
  return {
    base,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

export default async function fleetBench(ctx = {}) {
  const cliPath = ctx.cliPath ?? join(root, 'dist/cli/main.js');
  const { startFleetSimulator } = await import(pathToFileURL(join(root, 'dist/sim/fleet.js')).href);
  const clusters = ctx.quick ? 8 : 20;
  const pods = 500;
  const work = mkdtempSync(join(tmpdir(), 'airgap-top-fleet-bench-'));
  writeFileSync(
    join(work, 'rss.mjs'),
    "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => { if (process.env.AIRGAP_TOP_RSS_FILE) writeFileSync(process.env.AIRGAP_TOP_RSS_FILE, String(process.resourceUsage().maxRSS)); });\n",
  );
  const config = join(work, 'config.toml');
  writeFileSync(config, '[registry]\nprivate = ["registry.example.internal/tkg"]\ncheck = false\n');
  const spec = `fleet=${clusters},pods=${pods},nodes=10`;
  const fleet = await startFleetSimulator({ spec });
  const one = await startFleetSimulator({ spec: `fleet=1,pods=${pods},nodes=10`, seed: 99 });
  try {
    const fleetArgs = (kubeconfig) => [
      'report',
      '--fleet',
      '--kubeconfig',
      kubeconfig,
      '--config',
      config,
      '-o',
      'json',
      '--output-file',
      join(work, 'fleet.json'),
    ];
    // Warm the file cache once; then side by side.
    await runCli(cliPath, fleetArgs(one.kubeconfigPath), work);
    const fleetRun = await runCli(cliPath, fleetArgs(fleet.kubeconfigPath), work);
    const oneRun = await runCli(cliPath, fleetArgs(one.kubeconfigPath), work);
    let sequentialMs = 0;
    for (const m of fleet.members) {
      const kubeconfig = join(work, `${m.name}.kubeconfig`);
      writeFileSync(kubeconfig, fleet.kubeconfigOf(m.name));
      const r = await runCli(
        cliPath,
        [
          'report',
          '--kubeconfig',
          kubeconfig,
          '--config',
          config,
          '-o',
          'json',
          '--output-file',
          join(work, 'one.json'),
        ],
        work,
      );
      sequentialMs += r.ms;
    }
    const speedup = sequentialMs / fleetRun.ms;
    const reportMbPer = (fleetRun.rssMb - oneRun.rssMb) / (clusters - 1);

    const serveOne = await startServe(cliPath, one.kubeconfigPath, config);
    const serveOneRss = rssMbOf(serveOne.pid);
    await serveOne.stop();
    const serve = await startServe(cliPath, fleet.kubeconfigPath, config);
    const serveRss = rssMbOf(serve.pid);
    const serveMbPer = (serveRss - serveOneRss) / (clusters - 1);
    // Idle: after the first sync, nothing changes; watches stay open.
    await new Promise((r) => setTimeout(r, 2000));
    const idleWindowMs = ctx.quick ? 5000 : 10_000;
    const cpu0 = cpuMsOf(serve.pid);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, idleWindowMs));
    const idleShare = (cpuMsOf(serve.pid) - cpu0) / (performance.now() - t0);
    const scrapes = [];
    let bytes = 0;
    let series = 0;
    for (let i = 0; i < 20; i++) {
      const s = performance.now();
      const text = await (await fetch(`${serve.base}/metrics`)).text();
      scrapes.push(performance.now() - s);
      bytes = text.length;
      series = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
    }
    await serve.stop();
    const s1 = (ms) => (ms / 1000).toFixed(2);
    return {
      name: `fleet (${clusters} clusters × ${pods} pods)`,
      lines: [
        `report --fleet (concurrency 4): ${s1(fleetRun.ms)} s; ${clusters} single reports one after another: ${s1(sequentialMs)} s; ${speedup.toFixed(1)}× faster (goal ≥ ${GOAL_SPEEDUP}×: ${met(speedup >= GOAL_SPEEDUP)})`,
        `report --fleet peak RSS: ${fleetRun.rssMb.toFixed(0)} MB for ${clusters} clusters, ${oneRun.rssMb.toFixed(0)} MB for 1: ${reportMbPer.toFixed(1)} MB per extra cluster (goal ≤ ${GOAL_MB_PER_CLUSTER} MB: ${met(reportMbPer <= GOAL_MB_PER_CLUSTER)}; sessions close after their report, at most 4 open)`,
        `serve --fleet RSS after the first sync (every cluster watched): ${serveRss.toFixed(0)} MB for ${clusters}, ${serveOneRss.toFixed(0)} MB for 1: ${serveMbPer.toFixed(1)} MB per extra cluster (goal ≤ ${GOAL_MB_PER_CLUSTER} MB: ${met(serveMbPer <= GOAL_MB_PER_CLUSTER)})`,
        `serve --fleet idle CPU over ${idleWindowMs / 1000} s with ${clusters} clusters watched: ${(idleShare * 100).toFixed(2)} % of a core (goal < ${GOAL_IDLE_CPU * 100} %: ${met(idleShare < GOAL_IDLE_CPU)})`,
        `/metrics scrape (${series} samples, ${(bytes / 1024).toFixed(0)} KiB): median ${median(scrapes).toFixed(1)} ms, max ${Math.max(...scrapes).toFixed(1)} ms over 20 (goal < ${GOAL_SCRAPE_MS} ms: ${met(median(scrapes) < GOAL_SCRAPE_MS)}); the first after the sync (the body is rendered ahead, each second the fleet changed) ${scrapes[0].toFixed(1)} ms (${met(scrapes[0] < GOAL_SCRAPE_MS)})`,
      ],
    };
  } finally {
    await fleet.close();
    await one.close();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await fleetBench({
    cliPath: join(root, 'dist/cli/main.js'),
    quick: process.argv.includes('--quick'),
  });
  console.log(result.name);
  for (const line of result.lines) console.log(`  ${line}`);
}
