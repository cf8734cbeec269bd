import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFleetSchema, describeSchemaError } from '../../src/report/schema.js';
import { type FleetSimulatorHandle, startFleetSimulator } from '../../src/sim/fleet.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { cmarkGfm, promtoolCheck, xmllintJunit } from '../report/validators.js';

/** `airgap-top report --fleet` (the built CLI) against the fleet simulator: 3 clusters, the last one down. */
describe('report --fleet', () => {
  let sim: FleetSimulatorHandle;
  let dir: string;
  let result: CliResult;
  const file = (name: string) => readFileSync(join(dir, 'out', name), 'utf8');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-report-'));
    sim = await startFleetSimulator({ spec: 'fleet=3,down=1,nodes=3,pods=20' });
    writeFileSync(
      join(dir, 'config.toml'),
      '[registry]\nprivate = ["registry.example.internal/tkg"]\ncheck = false\n',
    );
    result = await runCli(
      [
        'report',
        '--fleet',
        '--kubeconfig',
        sim.kubeconfigPath,
        '--config',
        join(dir, 'config.toml'),
        '--fleet-concurrency',
        '2',
        '--output-dir',
        join(dir, 'out'),
        '-o',
        'json,md,html,junit,prom',
      ],
      { timeoutMs: 120_000 },
    );
  }, 150_000);

  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits with the worst cluster (1: one cannot be read) and writes every fleet format', () => {
    expect(result.stderr).toContain('wrote');
    expect(result.code).toBe(1);
  });

  it('writes JSON that matches schema/fleet.schema.json, one entry per Cluster', () => {
    const fleet = JSON.parse(file('fleet.json'));
    const validate = compileFleetSchema();
    expect(validate(fleet).map(describeSchemaError)).toEqual([]);
    expect(fleet.management.server).toBe(sim.url);
    expect(fleet.clusters.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
      ['workload-1', 'ok'],
      ['workload-2', 'ok'],
      ['workload-3', 'error'],
    ]);
    expect(fleet.clusters[2].error).toMatch(/refused the connection/);
  });

  it('refuses a fleet JSON without clusters or with an unknown cluster status (the schema can fail)', () => {
    const fleet = JSON.parse(file('fleet.json'));
    const validate = compileFleetSchema();
    expect(validate({ ...fleet, clusters: undefined }).length).toBeGreaterThan(0);
    expect(
      validate({ ...fleet, clusters: [{ ...fleet.clusters[0], status: 'maybe' }] }).length,
    ).toBeGreaterThan(0);
  });

  it('writes Prometheus text that promtool accepts, a cluster label on every sample, cluster_up 0 for the down one', () => {
    const prom = file('airgap-top-fleet.prom');
    expect(promtoolCheck(prom)).toMatchObject({ code: 0 });
    const samples = prom.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.filter((l) => !/\{cluster="[^"]+"/.test(l))).toEqual([]);
    expect(samples).toContain('airgap_top_cluster_up{cluster="workload-3",namespace="tkg-workloads"} 0');
    expect(samples).toContain('airgap_top_cluster_up{cluster="workload-1",namespace="tkg-workloads"} 1');
    // One HELP and TYPE per family, however many clusters carry it.
    expect(prom.match(/^# TYPE airgap_top_probe_up gauge$/gm)).toHaveLength(1);
  });

  it('writes JUnit (valid against the schema) with one testsuite per cluster and probe', () => {
    const xml = file('fleet-junit.xml');
    expect(xmllintJunit(xml)).toMatchObject({ code: 0 });
    const names = [...xml.matchAll(/<testsuite name="([^"]+)"/g)].map((m) => m[1]);
    expect(names).toContain('airgap-top.tkg-workloads/workload-1.images');
    expect(names).toContain('airgap-top.tkg-workloads/workload-2.ipam');
    expect(names).toContain('airgap-top.tkg-workloads/workload-3');
    expect(xml).toMatch(/<error message="[^"]*refused the connection[^"]*" type="ClusterUnreadable"\/>/);
  });

  it('writes Markdown (GFM) and HTML with a row per cluster', () => {
    const md = file('fleet.md');
    expect(cmarkGfm(md)).toMatchObject({ code: 0 });
    expect(md).toMatch(/^\| tkg-workloads\/workload-3 \| error \|/m);
    expect(md).toContain('## Cluster tkg-workloads/workload-1');
    const html = file('fleet.html');
    expect(html).toContain('<section id="cluster-tkg-workloads-workload-2">');
  });

  it('refuses --fleet with -n and --from-dump before touching any cluster (exit 2)', async () => {
    const r = await runCli(['report', '--fleet', '--kubeconfig', sim.kubeconfigPath, '-n', 'default']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/drop -n/);
  });
});
