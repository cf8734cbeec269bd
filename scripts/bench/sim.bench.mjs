#!/usr/bin/env node
/**
 * The headline numbers on the 10,000-pod / 300-node simulated cluster, side by side in one run:
 *  (a) `airgap-top report` wall time and peak RSS,
 *  (b) the vendor docs' command for the same check,
 *      kubectl get pods -A -o jsonpath="{.items[*].spec['initContainers','containers'][*].image}",
 *  (c) the floor: one raw list request plus JSON.parse, in a fresh process,
 *  (d) watch latency: a pod created with a public image until its finding exists (Session API),
 *  (e) the simulator's serve time for that list against the client's JSON.parse of it (the issue
 *      requires serve < parse / 4, so the simulator is never what a benchmark measures).
 * Runs inside scripts/bench.mjs (default export).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const JSONPATH = "{.items[*].spec['initContainers','containers'][*].image}";
/**
 * The private registry is made up: `connect_to` points it at a loopback port nothing listens on, so
 * every check is refused at once (REG-205, unverified) and no made-up name is ever resolved.
 */
export function benchConfig(refusedPort) {
  return `[registry]\nprivate = ["registry.example.internal/tkg"]\nprofile = "tkg"\n\n[registry.connect_to]\n"registry.example.internal" = "127.0.0.1:${refusedPort}"\n`;
}

/** A loopback port nothing listens on (bound, then released). */
export async function refusedPort() {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs a command under /usr/bin/time -v when present (peak RSS), else polls /proc for VmHWM. */
export function measure(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const useTime = existsSync('/usr/bin/time');
    const started = performance.now();
    const child = useTime
      ? spawn('/usr/bin/time', ['-v', command, ...args], options)
      : spawn(command, args, options);
    let stdout = '';
    let stderr = '';
    let hwmKb = 0;
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const poll = useTime
      ? undefined
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
          } catch {
            /* exited */
          }
        }, 10);
    child.on('error', reject);
    child.on('close', (code) => {
      if (poll) clearInterval(poll);
      const wallMs = performance.now() - started;
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
      const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
      const cpuMs = user && sys ? (Number(user[1]) + Number(sys[1])) * 1000 : Number.NaN;
      resolve({ code, wallMs, cpuMs, rssMb: (rss ? Number(rss[1]) : hwmKb) / 1024, stdout, stderr });
    });
  });
}

/** A fresh node process: GET the whole pod list, then JSON.parse it (the floor any client pays). */
const FLOOR_SCRIPT = `
const https = require('node:https');
const [url, token, caFile] = process.argv.slice(1);
const ca = require('node:fs').readFileSync(caFile);
const t0 = performance.now();
https.get(url + '/api/v1/pods', { ca, headers: { Authorization: 'Bearer ' + token, Accept: 'application/json' } }, (res) => {
  const chunks = [];
  res.on('data', (c) => chunks.push(c));
  res.on('end', () => {
    const t1 = performance.now();
    const text = Buffer.concat(chunks).toString('utf8');
    const t2 = performance.now();
    const list = JSON.parse(text);
    const t3 = performance.now();
    console.log(JSON.stringify({ downloadMs: t1 - t0, decodeMs: t2 - t1, parseMs: t3 - t2, totalMs: t3 - t0, bytes: text.length, items: list.items.length }));
  });
});
`;

/** The floor in a fresh process: its own timings, plus the process's CPU time (cpuMs, from /usr/bin/time). */
export async function runFloor(ctx, caFile) {
  const r = await measure(process.execPath, ['-e', FLOOR_SCRIPT, ctx.url, ctx.handle.token, caFile]);
  if (r.code !== 0) throw new Error(`the floor script exited ${r.code}: ${r.stderr.slice(-400)}`);
  return { ...JSON.parse(r.stdout), cpuMs: r.cpuMs, processMs: r.wallMs };
}

async function watchLatency(ctx, dir, iterations) {
  const dist = (p) => pathToFileURL(join(ctx.root, 'dist', p)).href;
  const [{ Session }, { Logger }, { parseConfig }] = await Promise.all([
    import(dist('app/session.js')),
    import(dist('core/log.js')),
    import(dist('model/config.js')),
  ]);
  const { config } = parseConfig(benchConfig(await refusedPort()), join(dir, 'bench.toml'));
  const session = await Session.open({
    kubeconfig: ctx.kubeconfigPath,
    config,
    log: new Logger(),
    live: true,
  });
  const t0 = performance.now();
  await session.start();
  const firstSyncMs = performance.now() - t0;
  const namespace = ctx.handle.list('v1', 'Pod')[0]?.metadata?.namespace ?? 'default';
  const latencies = [];
  try {
    for (let i = 0; i < iterations; i++) {
      const name = `bench-leak-${i}`;
      const started = performance.now();
      ctx.handle.apply({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace },
        spec: {
          containers: [{ name: 'c', image: `docker.io/library/nginx:bench-${i}` }],
          nodeName: ctx.handle.list('v1', 'Node')[5]?.metadata?.name,
        },
        status: { phase: 'Running' },
      });
      let found = false;
      while (!found && performance.now() - started < 30_000) {
        await new Promise((r) => setTimeout(r, 2));
        found = session
          .results()
          .some((probe) =>
            probe.findings.some(
              (f) => f.severity === 'fail' && f.subject?.name === name && f.subject?.namespace === namespace,
            ),
          );
      }
      if (!found) throw new Error(`no finding for ${namespace}/${name} within 30 s`);
      latencies.push(performance.now() - started);
      ctx.handle.remove('v1', 'Pod', name, namespace);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    session.close();
  }
  return { firstSyncMs, latencies };
}

export default async function simBench(ctx) {
  const lines = [];
  const dir = mkdtempSync(join(tmpdir(), 'airgap-top-bench-'));
  try {
    const configPath = join(dir, 'airgap-top.toml');
    writeFileSync(configPath, benchConfig(await refusedPort()));
    const caFile = join(dir, 'ca.pem');
    const kubeconfig = readFileSync(ctx.kubeconfigPath, 'utf8');
    const caData = /certificate-authority-data: (\S+)/.exec(kubeconfig)?.[1] ?? '';
    writeFileSync(caFile, Buffer.from(caData, 'base64'));
    const runs = ctx.quick ? 1 : 3;
    const podCount = ctx.handle.list('v1', 'Pod').length;

    // (a) airgap-top report
    const reports = [];
    let reportRequests = [];
    for (let i = 0; i < runs; i++) {
      const requestsBefore = ctx.handle.requests.length;
      const r = await measure(process.execPath, [
        ctx.cliPath,
        'report',
        '--kubeconfig',
        ctx.kubeconfigPath,
        '--config',
        configPath,
        '-o',
        'json',
        '--output-file',
        join(dir, 'report.json'),
      ]);
      if (r.code !== 0 && r.code !== 1)
        throw new Error(`airgap-top report exited ${r.code}: ${r.stderr.slice(-500)}`);
      reports.push(r);
      if (i === 0) reportRequests = ctx.handle.requests.slice(requestsBefore);
    }
    // What one report asks the API server: every collection's first page once (probes share lists).
    const firstPages = new Map();
    for (const req of reportRequests) {
      if (req.verb !== 'list' || req.path.includes('continue=')) continue;
      const path = req.path.split('?')[0];
      firstPages.set(path, (firstPages.get(path) ?? 0) + 1);
    }
    const listedTwice = [...firstPages].filter(([, n]) => n > 1).map(([path, n]) => `${path} ×${n}`);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const reportMs = median(reports.map((r) => r.wallMs));
    const reportRss = Math.max(...reports.map((r) => r.rssMb));
    const reportCpuMs = median(reports.map((r) => r.cpuMs));

    // (b) kubectl, warm discovery cache (as a person's would be)
    const kubectlArgs = [
      '--kubeconfig',
      ctx.kubeconfigPath,
      '--cache-dir',
      join(dir, 'kube-cache'),
      'get',
      'pods',
      '-A',
      '-o',
      `jsonpath=${JSONPATH}`,
    ];
    await measure('kubectl', kubectlArgs);
    const kubectls = [];
    for (let i = 0; i < runs; i++) kubectls.push(await measure('kubectl', kubectlArgs));
    const kubectlMs = median(kubectls.map((r) => r.wallMs));
    const kubectlRss = Math.max(...kubectls.map((r) => r.rssMb));
    const images = kubectls[0].stdout.trim().split(' ').length;

    // (c) floor and (e) serve time vs parse time
    // The simulator's serve time is the event-loop time it was busy with the request (routing,
    // serialising, TLS encryption), recorded per request; the wall time to the last byte is also
    // shown but is paced by the client reading. The first request (a new TLS connection) is shown apart.
    const floors = [];
    const busy = [];
    const walls = [];
    let coldBusyMs = Number.NaN;
    for (let i = 0; i < runs + 1; i++) {
      const before = ctx.handle.requests.length;
      const floor = await runFloor(ctx, caFile);
      const served = ctx.handle.requests
        .slice(before)
        .find((r) => r.path === '/api/v1/pods' && r.status === 200);
      if (i === 0) {
        coldBusyMs = served?.busyMs ?? Number.NaN;
        if (runs > 1) continue;
      }
      floors.push(floor);
      busy.push(served?.busyMs ?? Number.NaN);
      walls.push(served?.durationMs ?? Number.NaN);
    }
    const floorMs = median(floors.map((f) => f.totalMs));
    const parseMs = median(floors.map((f) => f.parseMs));
    const serveMs = median(busy);
    const serveWallMs = median(walls);
    const mb = (floors[0].bytes / 1024 / 1024).toFixed(1);

    // (d) watch latency
    const watch = await watchLatency(ctx, dir, ctx.quick ? 3 : 7);
    const wl = watch.latencies;

    const fmt = (ms) => `${ms.toFixed(0)} ms`;
    lines.push(
      `cluster: ${podCount} pods; report found ${report.summary ? JSON.stringify(report.summary) : '?'}`,
    );
    lines.push(
      `(a) airgap-top report          ${fmt(reportMs)} wall (median of ${runs}), peak RSS ${reportRss.toFixed(0)} MB`,
    );
    lines.push(
      `    API requests of one report: ${reportRequests.length} (${reportRequests.filter((r) => r.verb === 'list').length} list pages); collections listed more than once: ${listedTwice.length ? listedTwice.join(', ') : 'none'}`,
    );
    lines.push(
      `(b) kubectl jsonpath (docs)     ${fmt(kubectlMs)} wall (median of ${runs}), peak RSS ${kubectlRss.toFixed(0)} MB, ${images} image refs`,
    );
    lines.push(
      `(c) floor: 1 list + JSON.parse  ${fmt(floorMs)} (${mb} MB: download ${fmt(median(floors.map((f) => f.downloadMs)))}, parse ${fmt(parseMs)})`,
    );
    lines.push(
      `    the floor as a whole process (node start included, as the report's wall is): ${fmt(median(floors.map((f) => f.processMs)))}, report/that ${(reportMs / median(floors.map((f) => f.processMs))).toFixed(2)}x (for reading only: the goal below keeps the issue's floor)`,
    );
    lines.push(
      `(d) watch latency pod→finding   median ${fmt(median(wl))}, max ${fmt(Math.max(...wl))} over ${wl.length} pods (first sync in-process ${fmt(watch.firstSyncMs)})`,
    );
    lines.push(
      `(e) simulator serve vs parse    busy ${fmt(serveMs)} vs JSON.parse ${fmt(parseMs)}: ratio ${(serveMs / parseMs).toFixed(2)} (${serveMs < parseMs / 4 ? 'OK, < 1/4' : 'NOT below 1/4'}); first request ${fmt(coldBusyMs)}; wall to last byte ${fmt(serveWallMs)} (client-paced)`,
    );
    lines.push(
      `ratios: airgap-top/kubectl ${(reportMs / kubectlMs).toFixed(2)}x, airgap-top/floor ${(reportMs / floorMs).toFixed(2)}x, kubectl/floor ${(kubectlMs / floorMs).toFixed(2)}x; RSS airgap-top/kubectl ${(reportRss / kubectlRss).toFixed(2)}x`,
    );
    const met = (ok) => (ok ? 'met' : 'NOT met');
    lines.push(
      `issue 15 goals: report/floor ${(reportMs / floorMs).toFixed(2)}x, goal ≤ 2.0x: ${met(reportMs / floorMs <= 2)}; report/kubectl ${(reportMs / kubectlMs).toFixed(2)}x, goal ≤ 0.2x: ${met(reportMs / kubectlMs <= 0.2)}; peak RSS ${reportRss.toFixed(0)} MB, goal ≤ 200 MB: ${met(reportRss <= 200)}; report CPU time ${(reportCpuMs / 1000).toFixed(2)} s (less moved by load than wall)`,
    );
    return { name: 'simulator: report vs kubectl vs floor, watch latency, serve time', lines };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
