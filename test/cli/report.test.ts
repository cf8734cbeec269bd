import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Report, reportExitCode } from '../../src/model/report.js';
import { runCli } from '../helpers/cli.js';
import { validateReport } from '../helpers/report-schema.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';
import { Chromium } from '../report/chromium.js';
import { cmarkGfm, promtoolCheck, xmllintJunit } from '../report/validators.js';
import { reportScenario, runReportCli } from './report-run.js';

const ROOT = join(import.meta.dirname, '../..');
const COLLECT = join(ROOT, 'scripts/collect-dump.sh');
const dir = mkdtempSync(join(tmpdir(), 'airgap-top-report-cli-'));
const scenario = reportScenario();

let sim: SimulatorHandleExtended;
beforeAll(async () => {
  sim = await startTestSimulator(scenario.documents.length ? scenario.documents : scenario.name);
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

function live(...args: string[]) {
  return runReportCli(['--kubeconfig', sim.kubeconfigPath, '--config', scenario.config, ...args]);
}

function readReport(path: string): Report {
  const text = readFileSync(path, 'utf8');
  validateReport(text);
  return JSON.parse(text) as Report;
}

/** What must agree between two runs: per probe, the findings (timestamps and cluster may differ). */
function findingsOf(report: Report) {
  return Object.fromEntries(report.probes.map((p) => [p.id, p.findings]));
}

/**
 * scripts/collect-dump.sh against the simulator on 127.0.0.1 (never any other host), no SSH.
 * Spawned asynchronously: the simulator answers kubectl from this very process.
 */
async function collectDump(out: string): Promise<void> {
  const url = new URL(sim.url);
  expect(url.hostname).toBe('127.0.0.1');
  const child = spawn('bash', [COLLECT, '--no-ssh', '-o', out], {
    env: { ...process.env, KUBECONFIG: sim.kubeconfigPath, HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  expect(stderr).toContain('collect-dump: kube/pods.yaml');
  expect(code).toBe(0);
}

describe('airgap-top report on the demo scenario', () => {
  it('writes every format into --output-dir, each passing its real validator', {
    timeout: 60_000,
  }, async () => {
    const out = join(dir, 'all');
    const r = await live('-o', 'json,md', '--format', 'html', '-o', 'junit,prom', '--output-dir', out);
    expect(r.stderr).not.toMatch(/error/i);
    expect(readdirSync(out).sort()).toEqual([
      'airgap-top.prom',
      'junit.xml',
      'report.html',
      'report.json',
      'report.md',
    ]);
    const report = readReport(join(out, 'report.json'));
    expect(r.code).toBe(reportExitCode(report, 'fail'));
    const total = report.probes.reduce((n, p) => n + p.findings.length, 0);
    expect(total).toBeGreaterThan(0);
    expect(report.probes.find((p) => p.id === 'images')?.status).toBe('ready');

    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    const lint = xmllintJunit(junit);
    expect(lint.output).toMatch(/validates/);
    expect((junit.match(/<testsuite /g) ?? []).length).toBe(report.probes.length);
    expect((junit.match(/<failure /g) ?? []).length).toBe(report.summary.fail);

    const prom = readFileSync(join(out, 'airgap-top.prom'), 'utf8');
    expect(promtoolCheck(prom)).toEqual({ code: 0, output: '' });
    expect(prom).toContain(
      `airgap_top_findings{probe="images",severity="fail"} ${report.probes[0]?.summary.fail}`,
    );

    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('| Probe | Status | Fail | Warn | Info | Pass |');
    const firstFail = report.probes.flatMap((p) => p.findings).find((f) => f.severity === 'fail');
    if (firstFail) expect(md.indexOf(`**FAIL ${firstFail.code}**`)).toBeLessThan(md.indexOf('**WARN') >>> 0);
    const mdHtml = cmarkGfm(md);
    expect(mdHtml.code).toBe(0);
    const tbody = mdHtml.output.slice(mdHtml.output.indexOf('<tbody>'), mdHtml.output.indexOf('</tbody>'));
    expect(
      tbody
        .split('<tr>')
        .slice(1)
        .map((row) => row.match(/<td[ >]/g)?.length),
    ).toEqual(Array(report.probes.length + 1).fill(6));
    expect(mdHtml.output).not.toContain('raw HTML omitted');

    const browser = await Chromium.launch();
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(join(out, 'report.html')).href);
      const rendered = await page.evaluate<{ rows: number; probes: number; summary: number }>(
        `({ rows: document.querySelectorAll('tr.finding').length, probes: document.querySelectorAll('details.probe').length, summary: document.querySelectorAll('table.summary tbody tr').length })`,
      );
      expect(rendered).toEqual({ rows: total, probes: report.probes.length, summary: report.probes.length });
      expect(page.consoleErrors).toEqual([]);
      expect(page.requests).toHaveLength(1);
    } finally {
      await browser.close();
    }
  });

  it('one format goes to standard output; --fail-on warn and --strict count warnings', async () => {
    const r = await live('--format', 'json');
    const report = JSON.parse(r.stdout) as Report;
    validateReport(report);
    expect(r.code).toBe(reportExitCode(report, 'fail'));
    expect((await live('--format', 'prom', '--fail-on', 'warn')).code).toBe(reportExitCode(report, 'warn'));
    expect((await live('--format', 'prom', '--strict')).code).toBe(reportExitCode(report, 'warn'));
  });

  it.each([
    [['-o', 'json,md'], /several formats need --output-dir/],
    [['-o', 'pdf'], /unknown report format "pdf" \(known: json, md, html, junit, prom\)/],
    [['--fail-on', 'info'], /--fail-on takes fail or warn/],
    [['--output-file', 'x', '--output-dir', 'y'], /--output-file or --output-dir, not both/],
    [['--diff', '/nonexistent/old.json'], /--diff \/nonexistent\/old.json: cannot read it \(ENOENT\)/],
    [['--from-dump', '/nonexistent/dump'], /--from-dump \/nonexistent\/dump is not a folder/],
  ])('%j: exit 2 with one line', async (args, message) => {
    const r = await live(...args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

describe('--diff', () => {
  it('prints new, resolved and changed findings since an earlier report and exits by the new state', {
    timeout: 60_000,
  }, async () => {
    const old = join(dir, 'old.json');
    expect((await live('--output-file', old)).code).toBeLessThan(2);
    const before = readReport(old);
    const beforeFails = before.probes.flatMap((p) => p.findings).filter((f) => f.severity === 'fail');
    // A rollout step: a new pod from Docker Hub appears, one failing pod goes away.
    sim.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'diff-newcomer', namespace: 'default' },
      spec: { nodeName: 'wl-md-0-a', containers: [{ name: 'c', image: 'busybox:1.36' }] },
      status: { phase: 'Pending' },
    });
    const gone = beforeFails.find((f) => f.subject.kind === 'Pod' && f.subject.name !== 'diff-newcomer');
    if (gone) expect(sim.remove('v1', 'Pod', gone.subject.name, gone.subject.namespace)).toBe(true);
    try {
      const r = await live('--diff', old);
      expect(r.stdout).toMatch(/^Changes since /);
      expect(r.stdout).toMatch(/\+ FAIL IMG-\d{3} Pod default\/diff-newcomer \[c\]/);
      if (gone)
        expect(r.stdout).toContain(`- FAIL ${gone.code} Pod ${gone.subject.namespace}/${gone.subject.name}`);
      expect(r.code).toBe(1);
      // The report itself goes to --output when --diff owns standard output.
      const next = join(dir, 'next.json');
      const withFile = await live('--diff', old, '--output-file', next);
      expect(withFile.stdout).toMatch(/^Changes since /);
      expect(
        readReport(next)
          .probes.flatMap((p) => p.findings)
          .some((f) => f.subject.name === 'diff-newcomer'),
      ).toBe(true);
    } finally {
      sim.remove('v1', 'Pod', 'diff-newcomer', 'default');
    }
  });

  it('a bad OLD.json is exit 2 with one line, before touching the cluster', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"schemaVersion": 7}');
    const requests = sim.requests.length;
    const r = await live('--diff', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `airgap-top: --diff ${bad}: not an airgap-top JSON report: schemaVersion 7 is not 1 (not an airgap-top JSON report?)\n`,
    );
    expect(sim.requests.length).toBe(requests);
  });
});

describe('--from-dump', () => {
  it('a bundle collected with kubectl get -o yaml gives the same findings as the live report', {
    timeout: 90_000,
  }, async () => {
    const bundle = join(dir, 'bundle');
    await collectDump(bundle);
    const cluster = JSON.parse(readFileSync(join(bundle, 'cluster.json'), 'utf8'));
    expect(cluster).toMatchObject({ server: sim.url });

    const liveReport = join(dir, 'live.json');
    const dumpReport = join(dir, 'dump.json');
    const a = await live('--output-file', liveReport);
    const b = await runReportCli([
      '--from-dump',
      bundle,
      '--config',
      scenario.config,
      '--output-file',
      dumpReport,
    ]);
    expect(b.stderr).not.toMatch(/airgap-top:/);
    const liveR = readReport(liveReport);
    const dumpR = readReport(dumpReport);
    expect(findingsOf(dumpR)).toEqual(findingsOf(liveR));
    expect(dumpR.probes.find((p) => p.id === 'images')?.findings.length).toBeGreaterThan(0);
    expect(dumpR.cluster).toEqual({ context: cluster.context, server: sim.url });
    expect(b.code).toBe(a.code);
  });

  it('node files in the bundle feed the containerd probe, and their credentials appear in no output or log', {
    timeout: 60_000,
  }, async () => {
    const bundle = join(dir, 'bundle-nodes');
    await collectDump(bundle);
    mkdirSync(join(bundle, 'nodes'), { recursive: true });
    cpSync(join(ROOT, 'fixtures/containerd/nodes/gdc'), join(bundle, 'nodes/wl-md-0-a'), { recursive: true });
    const planted = readFileSync(join(bundle, 'nodes/wl-md-0-a/etc/containerd/config.toml'), 'utf8').match(
      /password = "([^"]+)"/,
    )?.[1];
    expect(planted).toBeTruthy();
    const out = join(dir, 'bundle-out');
    const logFile = join(dir, 'bundle.log');
    const r = await runReportCli([
      '--from-dump',
      bundle,
      '--config',
      scenario.config,
      '-o',
      'json,md,html,junit,prom',
      '--output-dir',
      out,
      '--log',
      logFile,
      '--verbose',
    ]);
    expect(r.code).toBeLessThan(2);
    const report = readReport(join(out, 'report.json'));
    const containerd = report.probes.find((p) => p.id === 'containerd');
    expect(containerd?.status).toBe('ready');
    expect(
      containerd?.findings.some((f) => f.subject.name === 'wl-md-0-a' || f.subject.node === 'wl-md-0-a'),
    ).toBe(true);
    for (const file of readdirSync(out)) {
      expect(readFileSync(join(out, file), 'utf8'), file).not.toContain(planted);
    }
    expect(readFileSync(logFile, 'utf8')).not.toContain(planted);
    expect(readFileSync(logFile, 'utf8')).not.toContain(sim.token);
    expect(`${r.stdout}${r.stderr}`).not.toContain(planted);
  });

  it('a bundle is judged as of its collectedAt: an expiry date reads the same on any later day', async () => {
    const bundle = join(dir, 'bundle-dated');
    await collectDump(bundle);
    mkdirSync(join(bundle, 'nodes'), { recursive: true });
    cpSync(join(ROOT, 'fixtures/containerd/nodes/gdc'), join(bundle, 'nodes/wl-md-0-a'), { recursive: true });
    const info = JSON.parse(readFileSync(join(bundle, 'cluster.json'), 'utf8'));
    // The gdc CA expires 2026-12-10T00:00:00Z: 9 days after this bundle was collected.
    writeFileSync(
      join(bundle, 'cluster.json'),
      JSON.stringify({ ...info, collectedAt: '2026-12-01T00:00:00Z' }),
    );
    const out = join(dir, 'bundle-dated.json');
    const logFile = join(dir, 'bundle-dated.log');
    const r = await runReportCli([
      '--from-dump',
      bundle,
      '--config',
      scenario.config,
      '--output-file',
      out,
      '--log',
      logFile,
    ]);
    expect(r.code).toBeLessThan(2);
    const findings = readReport(out).probes.flatMap((p) => p.findings);
    const expiry = findings.find((f) => f.code === 'CTRD-006' || f.code === 'CTRD-005');
    expect(expiry?.code).toBe('CTRD-006');
    expect(expiry?.detail).toMatch(/\(in 9 days\)/);
    // The report itself is dated now; the log says which moment the findings describe.
    expect(Date.parse(readReport(out).generatedAt)).toBeGreaterThan(Date.parse('2026-12-01T00:00:00Z'));
    expect(readFileSync(logFile, 'utf8')).toContain('findings judged as of 2026-12-01T00:00:00.000Z');
  });

  it('a bundle without Kubernetes objects, or with a broken file, is exit 2 with one line', async () => {
    const empty = join(dir, 'empty-bundle');
    mkdirSync(join(empty, 'nodes'), { recursive: true });
    let r = await runReportCli(['--from-dump', empty, '--config', scenario.config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no Kubernetes objects/);
    const broken = join(dir, 'broken-bundle');
    mkdirSync(join(broken, 'kube'), { recursive: true });
    writeFileSync(join(broken, 'kube', 'pods.yaml'), 'items: [\n');
    r = await runReportCli(['--from-dump', broken, '--config', scenario.config]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/kube\/pods.yaml is not valid YAML\/JSON/);
  });
});

describe('the built CLI (dist/cli/main.js)', () => {
  /** Asynchronous: the simulator answers from this process. */
  function cli(args: string[]) {
    return runCli(['report', ...args], { cwd: dir, env: { KUBECONFIG: join(dir, 'no-kubeconfig') } });
  }

  it('exit 1 with failures, 0 when only passing/info subjects are left, 2 when it cannot run', {
    timeout: 90_000,
  }, async () => {
    const base = ['--kubeconfig', sim.kubeconfigPath, '--config', scenario.config];
    const failing = await cli([...base, '--format', 'json']);
    const report = JSON.parse(failing.stdout) as Report;
    validateReport(report);
    expect(failing.code).toBe(reportExitCode(report, 'fail'));
    expect(failing.code).toBe(1);

    const clean = await startTestSimulator([
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'ok', namespace: 'default' },
        spec: { containers: [{ name: 'c', image: 'registry.example.internal/tkg/app:1.0' }] },
        status: { phase: 'Running' },
      },
    ]);
    try {
      const config = join(dir, 'clean.toml');
      writeFileSync(config, '[registry]\nprivate = ["registry.example.internal/tkg"]\n');
      const ok = await cli(['--kubeconfig', clean.kubeconfigPath, '--config', config, '-o', 'junit']);
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(xmllintJunit(ok.stdout).code).toBe(0);
    } finally {
      await clean.close();
    }

    const bad = join(dir, 'not-a-report.json');
    writeFileSync(bad, 'hello');
    const cannot = await cli([...base, '--diff', bad]);
    expect(cannot.code).toBe(2);
    expect(cannot.stderr.trim().split('\n')).toHaveLength(1);
    expect(cannot.stderr).toMatch(
      /^airgap-top: --diff .*not-a-report.json: not an airgap-top JSON report: not JSON/,
    );
  });
});
