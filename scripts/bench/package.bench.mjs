#!/usr/bin/env node
/**
 * The release artefacts (issue 17): builds them with scripts/package.mjs into a temporary folder,
 * then, side by side in one run, the single executable against `node dist/cli/main.js`:
 *   - `--version` (process start to exit),
 *   - time to the first byte of a report (`report --from-dump` on the demo cluster's bundle, and
 *     against the bench's 10,000-pod simulator when run inside scripts/bench.mjs),
 *   - `demo` in a tmux pane: the first frame with findings (as demo.bench.mjs measures it),
 * and the executable's size with what dominates it (the Node runtime, the bundle, its largest packages).
 *
 * Runs inside scripts/bench.mjs (ctx.kubeconfigPath, ctx.quick) or standalone:
 * node scripts/bench/package.bench.mjs [--quick]
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FINDINGS = /Top failures and warnings \([1-9]\d*\)/;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
const ms = (v) => `${v.toFixed(0)} ms`;
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Spawn to exit, and spawn to the first byte on stdout. */
function timed(argv) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstByte;
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.on('data', () => {
      firstByte ??= performance.now() - started;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, firstByte, exit: performance.now() - started }));
  });
}

/** Alternates the two commands `runs` times (so load drifts hit both) and returns their medians. */
async function sideBySide(runs, a, b, pick) {
  const ra = [];
  const rb = [];
  for (let i = 0; i < runs; i++) {
    ra.push(pick(await timed(a)));
    rb.push(pick(await timed(b)));
  }
  return [median(ra), median(rb)];
}

async function demoFindings(command, index) {
  const socket = `airgap-top-bench-pkg-${process.pid}-${index}`;
  const tmux = (...args) =>
    execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const started = performance.now();
  tmux('new-session', '-d', '-x', '160', '-y', '45', command);
  try {
    while (performance.now() - started < 30_000) {
      if (FINDINGS.test(tmux('capture-pane', '-p', '-t', '0'))) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no findings on screen within 30 s: ${command}`);
  } finally {
    try {
      tmux('send-keys', '-t', '0', 'q');
      await new Promise((r) => setTimeout(r, 300));
      tmux('kill-server');
    } catch {
      // the pane already ended
    }
  }
}

/** Bytes each package contributes to the bundle, from esbuild's metafile. */
function largestPackages(metaPath, count) {
  const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
  const sizes = new Map();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const at = input.lastIndexOf('node_modules/');
      const rest = at < 0 ? ['(airgap-top)'] : input.slice(at + 13).split('/');
      const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? '?');
      sizes.set(name, (sizes.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...sizes.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
}

export default async function packageBench(ctx = {}) {
  const name = 'release artefacts (single executable vs node dist/cli/main.js)';
  if (process.platform !== 'linux' || process.arch !== 'x64')
    return {
      name,
      lines: [`skipped: the executable is linux-x64 (this is ${process.platform}-${process.arch})`],
    };
  const work = mkdtempSync(join(tmpdir(), 'airgap-top-bench-pkg-'));
  try {
    const out = join(work, 'release');
    const t0 = performance.now();
    execFileSync(process.execPath, [join(ROOT, 'scripts/package.mjs'), '--out', out], {
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const buildMs = performance.now() - t0;
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    const exe = join(out, `airgap-top-${version}-linux-x64`);
    const cli = join(ROOT, 'dist/cli/main.js');
    const runs = ctx.quick ? 3 : 9;

    const [exeVersion, nodeVersion] = await sideBySide(
      runs,
      [exe, '--version'],
      [process.execPath, cli, '--version'],
      (r) => r.exit,
    );

    const bundle = join(work, 'bundle');
    mkdirSync(join(bundle, 'kube'), { recursive: true });
    cpSync(join(ROOT, 'fixtures/demo/scenario'), join(bundle, 'kube'), { recursive: true });
    rmSync(join(bundle, 'kube/90-timeline.yaml'));
    cpSync(join(ROOT, 'fixtures/containerd/nodes'), join(bundle, 'nodes'), { recursive: true });
    const dumpArgs = [
      'report',
      '--from-dump',
      bundle,
      '--config',
      join(ROOT, 'fixtures/demo/airgap-top.toml'),
      '-o',
      'json',
    ];
    const [exeDump, nodeDump] = await sideBySide(
      runs,
      [exe, ...dumpArgs],
      [process.execPath, cli, ...dumpArgs],
      (r) => r.firstByte ?? r.exit,
    );
    const lines = [
      `built by npm run package in ${(buildMs / 1000).toFixed(1)} s (esbuild bundle, SEA blob, postject, tarball, SBOM)`,
      `--version, median of ${runs}: executable ${ms(exeVersion)}, node dist/cli/main.js ${ms(nodeVersion)} (ratio ${(exeVersion / nodeVersion).toFixed(2)})`,
      `first report byte, report --from-dump (demo cluster bundle): executable ${ms(exeDump)}, node ${ms(nodeDump)} (ratio ${(exeDump / nodeDump).toFixed(2)})`,
    ];
    if (ctx.kubeconfigPath) {
      const liveArgs = ['report', '--kubeconfig', ctx.kubeconfigPath, '-o', 'json'];
      const liveRuns = ctx.quick ? 1 : 3;
      const [exeLive, nodeLive] = await sideBySide(
        liveRuns,
        [exe, ...liveArgs],
        [process.execPath, cli, ...liveArgs],
        (r) => r.firstByte ?? r.exit,
      );
      lines.push(
        `first report byte, live report on the bench cluster, median of ${liveRuns}: executable ${ms(exeLive)}, node ${ms(nodeLive)} (ratio ${(exeLive / nodeLive).toFixed(2)})`,
      );
    }
    if (spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0) {
      const demoRuns = ctx.quick ? 2 : 5;
      const exeDemo = [];
      const nodeDemo = [];
      for (let i = 0; i < demoRuns; i++) {
        exeDemo.push(await demoFindings(`${JSON.stringify(exe)} demo`, `e${i}`));
        nodeDemo.push(
          await demoFindings(`${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} demo`, `n${i}`),
        );
      }
      lines.push(
        `demo, first frame with findings (tmux 160x45), median of ${demoRuns}: executable ${ms(median(exeDemo))}, node ${ms(median(nodeDemo))} (ratio ${(median(exeDemo) / median(nodeDemo)).toFixed(2)}; target < 1000 ms)`,
      );
    }
    const exeBytes = statSync(exe).size;
    const nodeBytes = statSync(process.execPath).size;
    const bundleBytes = statSync(join(out, 'build/airgap-top-main.cjs')).size;
    const blobBytes = statSync(join(out, 'build/sea.blob')).size;
    lines.push(
      `executable ${mb(exeBytes)}: the Node ${process.versions.node} runtime ${mb(nodeBytes)} (${((nodeBytes / exeBytes) * 100).toFixed(0)}%), the SEA blob ${mb(blobBytes)} (bundle ${mb(bundleBytes)} + V8 code cache + demo assets); tarball ${mb(statSync(join(out, `airgap-top-${version}.tgz`)).size)}`,
      `largest packages in the bundle: ${largestPackages(join(out, 'build/meta.json'), 6)
        .map(([pkg, bytes]) => `${pkg} ${mb(bytes)}`)
        .join(', ')}`,
    );
    return { name, lines };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await packageBench({ quick: process.argv.includes('--quick') });
  console.log(result.name);
  for (const line of result.lines) console.log(`  ${line}`);
}
