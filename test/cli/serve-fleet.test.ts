import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FleetSimulatorHandle, startFleetSimulator } from '../../src/sim/fleet.js';
import { CLI_PATH, noDnsNodeOptions } from '../helpers/cli.js';
import { freePort } from '../helpers/sshd.js';
import { promtoolCheck } from '../report/validators.js';

/** Waits for a condition by polling (never a fixed sleep), failing with what it last saw. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

describe('airgap-top serve --fleet, scraped by a real Prometheus', () => {
  let sim: FleetSimulatorHandle;
  let work: string;
  let serve: ChildProcess;
  let prometheus: ChildProcess | undefined;
  let base = '';
  let stderr = '';
  let exit: Promise<number | null>;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'airgap-top-serve-fleet-'));
    sim = await startFleetSimulator({ spec: 'fleet=3,down=1,nodes=3,pods=20' });
    writeFileSync(
      join(work, 'config.toml'),
      '[registry]\nprivate = ["registry.example.internal/tkg"]\ncheck = false\n',
    );
    serve = spawn(
      process.execPath,
      [
        CLI_PATH,
        'serve',
        '--fleet',
        '--kubeconfig',
        sim.kubeconfigPath,
        '--config',
        join(work, 'config.toml'),
        '--listen',
        '127.0.0.1:0',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1', NODE_OPTIONS: noDnsNodeOptions() },
      },
    );
    serve.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    exit = new Promise((resolve) => serve.once('exit', (code) => resolve(code)));
    base = await until(
      'the serving line',
      async () => /serving (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr)?.[1],
    );
  }, 90_000);

  afterAll(async () => {
    prometheus?.kill('SIGKILL');
    if (serve && serve.exitCode === null) serve.kill('SIGKILL');
    await sim?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('is ready after every cluster synced; /metrics passes promtool with a cluster label on every sample', async () => {
    await until('readyz 200', async () =>
      (await fetch(`${base}/readyz`)).status === 200 ? true : undefined,
    );
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(promtoolCheck(metrics)).toEqual({ code: 0, output: '' });
    const samples = metrics.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(samples.filter((l) => !/\{cluster="[^"]+"/.test(l))).toEqual([]);
    expect(samples).toContain('airgap_top_cluster_up{cluster="workload-1",namespace="tkg-workloads"} 1');
    expect(samples).toContain('airgap_top_cluster_up{cluster="workload-3",namespace="tkg-workloads"} 0');
    expect(metrics).toMatch(
      /^airgap_top_probe_sync_age_seconds\{cluster="workload-2",probe="images"\} [\d.]+$/m,
    );
    expect(metrics).toMatch(/^# TYPE k8s_image_availability_exporter_available gauge$/m);
    const fleet = (await (await fetch(`${base}/report.json`)).json()) as {
      kind: string;
      clusters: { name: string }[];
    };
    expect(fleet.kind).toBe('fleet');
    expect(fleet.clusters.map((c) => c.name)).toEqual(['workload-1', 'workload-2', 'workload-3']);
    const tokens = sim.members.flatMap((m) => (m.handle ? [m.handle.token] : []));
    for (const t of tokens) expect(`${metrics}${JSON.stringify(fleet)}${stderr}`).not.toContain(t);
  }, 90_000);

  it('Prometheus sees every cluster, and airgap_top_cluster_up == 0 for the one that is down', async () => {
    const promPort = await freePort();
    writeFileSync(
      join(work, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        '  - job_name: airgap-top',
        `    static_configs: [{ targets: ["${base.replace('http://', '')}"] }]`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(work, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(work, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--log.level=warn',
      ],
      { stdio: 'ignore' },
    );
    const query = async (q: string) => {
      const r = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`);
      const body = (await r.json()) as {
        data?: { result?: { metric: Record<string, string>; value: [number, string] }[] };
      };
      return body.data?.result ?? [];
    };
    const up = await until(
      'Prometheus to scrape airgap_top_cluster_up for 3 clusters',
      async () => {
        const result = await query('airgap_top_cluster_up');
        return result.length === 3 ? result : undefined;
      },
      60_000,
    );
    expect(up.map((r) => r.metric.cluster).sort()).toEqual(['workload-1', 'workload-2', 'workload-3']);
    const down = await query('airgap_top_cluster_up == 0');
    expect(down.map((r) => r.metric.cluster)).toEqual(['workload-3']);
    const findings = await query('count by (cluster) (airgap_top_findings)');
    expect(findings.map((r) => r.metric.cluster).sort()).toEqual([
      'management',
      'workload-1',
      'workload-2',
      'workload-3',
    ]);
  }, 90_000);

  it('ends with exit 0 on SIGTERM', async () => {
    serve.kill('SIGTERM');
    expect(await exit).toBe(0);
  }, 30_000);
});
