#!/usr/bin/env node
/**
 * The scale curve: `airgap-top report -o json` at 1k, 10k, 50k and 100k pods (3 nodes per 100
 * pods), each against the floor at the same size (a fresh process: one GET of every pod and
 * JSON.parse), with wall time, CPU time and peak RSS per pod. Each size gets its own simulator in
 * this process (closed before the next), whose serve time for the floor's list is set against
 * the floor's parse time: the simulator must never be what is measured.
 *
 * Goals (issue 15): cost per pod constant within ±25% from 10k to 100k (no super-linear step);
 * 100k pods ≤ 2.5x the floor and ≤ 1 GB peak RSS; the simulator's serve time < 1/4 of the parse.
 * --quick: 1k, 10k and 30k pods (the 100k goals are then not judged).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { benchConfig, measure, median, refusedPort, runFloor } from './sim.bench.mjs';

const FULL_SIZES = [1_000, 10_000, 50_000, 100_000];
const QUICK_SIZES = [1_000, 10_000, 30_000];

async function measureSize(ctx, startSimulator, pods, dir, configPath, runs) {
  const nodes = Math.max(3, Math.round((pods * 3) / 100));
  const t0 = performance.now();
  const handle = await startSimulator({
    generate: `nodes=${nodes},pods=${pods},namespaces=40`,
    seed: 1,
    timeline: false,
  });
  const generateMs = performance.now() - t0;
  try {
    const caFile = join(dir, `ca-${pods}.pem`);
    const caData = /certificate-authority-data: (\S+)/.exec(readFileSync(handle.kubeconfigPath, 'utf8'))?.[1];
    writeFileSync(caFile, Buffer.from(caData ?? '', 'base64'));
    // The floor first (a warm-up request, then the measured ones): a fresh node process.
    const floorCtx = { url: handle.url, handle };
    const floors = [];
    const serve = [];
    for (let i = 0; i < runs + 1; i++) {
      const before = handle.requests.length;
      const floor = await runFloor(floorCtx, caFile);
      if (i === 0) continue;
      floors.push(floor);
      const served = handle.requests.slice(before).find((r) => r.path === '/api/v1/pods' && r.status === 200);
      serve.push(served?.busyMs ?? Number.NaN);
    }
    const reports = [];
    for (let i = 0; i < runs; i++) {
      const out = join(dir, `report-${pods}.json`);
      const r = await measure(process.execPath, [
        ctx.cliPath,
        'report',
        '--kubeconfig',
        handle.kubeconfigPath,
        '--config',
        configPath,
        '-o',
        'json',
        '--output-file',
        out,
      ]);
      if (r.code !== 0 && r.code !== 1)
        throw new Error(`report at ${pods} pods exited ${r.code}: ${r.stderr.slice(-400)}`);
      const report = JSON.parse(readFileSync(out, 'utf8'));
      const images = report.probes.find((p) => p.id === 'images');
      if (images?.status !== 'ready')
        throw new Error(`report at ${pods} pods: images probe ${images?.status}`);
      rmSync(out, { force: true });
      reports.push(r);
    }
    return {
      pods,
      nodes,
      generateMs,
      reportMs: median(reports.map((r) => r.wallMs)),
      cpuMs: median(reports.map((r) => r.cpuMs)),
      rssMb: Math.max(...reports.map((r) => r.rssMb)),
      floorMs: median(floors.map((f) => f.totalMs)),
      floorProcessMs: median(floors.map((f) => f.processMs)),
      floorCpuMs: median(floors.map((f) => f.cpuMs)),
      parseMs: median(floors.map((f) => f.parseMs)),
      serveMs: median(serve),
      mb: floors[0].bytes / 1024 / 1024,
    };
  } finally {
    await handle.close();
  }
}

export default async function scaleBench(ctx) {
  const { startSimulator } = await import(pathToFileURL(join(ctx.root, 'dist/sim/server/index.js')).href);
  const sizes = ctx.quick ? QUICK_SIZES : FULL_SIZES;
  const dir = mkdtempSync(join(tmpdir(), 'airgap-top-scale-'));
  const lines = [];
  try {
    const configPath = join(dir, 'airgap-top.toml');
    writeFileSync(configPath, benchConfig(await refusedPort()));
    const rows = [];
    for (const pods of sizes)
      rows.push(
        await measureSize(ctx, startSimulator, pods, dir, configPath, pods <= 10_000 && !ctx.quick ? 3 : 1),
      );
    const us = (ms, pods) => ((ms * 1000) / pods).toFixed(0);
    lines.push(
      'floor: a fresh node process, one GET of every pod + JSON.parse (its own timer from request to parsed; CPU of the whole process)',
    );
    lines.push(
      `sizes ${sizes.map((s) => `${s / 1000}k`).join(', ')}${ctx.quick ? ' (--quick: 100k not run, its goals not judged)' : ''}; nodes = 3 per 100 pods; one report each (median of 3 up to 10k in a full run)`,
    );
    lines.push(
      'pods      report    CPU       µs/pod wall  µs/pod CPU  peak RSS  KB/pod   floor     report/floor  CPU/floor CPU  serve/parse',
    );
    for (const r of rows) {
      lines.push(
        [
          String(r.pods).padEnd(9),
          `${(r.reportMs / 1000).toFixed(2)} s`.padEnd(9),
          `${(r.cpuMs / 1000).toFixed(2)} s`.padEnd(9),
          us(r.reportMs, r.pods).padEnd(12),
          us(r.cpuMs, r.pods).padEnd(11),
          `${r.rssMb.toFixed(0)} MB`.padEnd(9),
          ((r.rssMb * 1024) / r.pods).toFixed(1).padEnd(8),
          `${r.floorMs.toFixed(0)} ms`.padEnd(9),
          `${(r.reportMs / r.floorMs).toFixed(2)}x`.padEnd(13),
          `${(r.cpuMs / r.floorCpuMs).toFixed(2)}x`.padEnd(14),
          `${(r.serveMs / r.parseMs).toFixed(2)} (${r.serveMs.toFixed(0)}/${r.parseMs.toFixed(0)} ms, ${r.mb.toFixed(0)} MB)`,
        ].join(' '),
      );
    }
    const base = rows.find((r) => r.pods === 10_000);
    const larger = rows.filter((r) => r.pods > 10_000);
    if (base && larger.length > 0) {
      // Relative to 10k's cost per pod: above is a super-linear step, below is fixed cost amortised.
      const change = (r, cost) => cost(r) / r.pods / (cost(base) / base.pods) - 1;
      const pct = (values) =>
        `${(Math.min(...values) * 100).toFixed(0)}%..${Math.max(...values) >= 0 ? '+' : ''}${(Math.max(...values) * 100).toFixed(0)}%`;
      const wall = larger.map((r) => change(r, (x) => x.reportMs));
      const cpu = larger.map((r) => change(r, (x) => x.cpuMs));
      lines.push(
        `cost per pod from 10k to ${larger.at(-1).pods / 1000}k relative to 10k's: wall ${pct(wall)}, CPU ${pct(cpu)}; goal: no step above +25% (super-linear): ${Math.max(...wall) <= 0.25 ? 'met' : 'NOT met'}; within ±25% both ways: ${Math.max(...wall.map(Math.abs)) <= 0.25 ? 'met' : 'NOT met'}`,
      );
    }
    const top = rows.find((r) => r.pods === 100_000);
    if (top) {
      const ratio = top.reportMs / top.floorMs;
      lines.push(
        `100k pods: ${ratio.toFixed(2)}x the floor, goal ≤ 2.5x: ${ratio <= 2.5 ? 'met' : 'NOT met'}`,
      );
      lines.push(
        `100k pods: peak RSS ${top.rssMb.toFixed(0)} MB, goal ≤ 1024 MB: ${top.rssMb <= 1024 ? 'met' : 'NOT met'}`,
      );
    }
    // At 1k a request's fixed cost dominates both sides; the goal is about large lists.
    const slowest = Math.max(...rows.filter((r) => r.pods >= 10_000).map((r) => r.serveMs / r.parseMs));
    lines.push(
      `simulator serve time vs the client's parse, worst size from 10k: ${slowest.toFixed(2)}, goal < 0.25: ${slowest < 0.25 ? 'met' : 'NOT met'}; generating the clusters took ${rows.map((r) => `${(r.generateMs / 1000).toFixed(1)} s`).join(', ')}`,
    );
    return { name: 'scale: report at growing cluster sizes against the floor', lines };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
