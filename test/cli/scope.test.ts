import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { validateReport } from '../helpers/report-schema.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';
import { promtoolCheck, xmllintJunit } from '../report/validators.js';
import { reportScenario, runReportCli } from './report-run.js';

/**
 * `-n NS` scopes the workload checks (pods) and says so in every format; it never changes a
 * verdict about cluster-wide objects (nodes, machines, IP pools, VSphereVMs, portgroups), which
 * are read in every namespace. The demo has its CAPI/CAPV objects (and the Windows VM on an
 * insecure portgroup) in tkg-workloads, so `-n shop` used to turn that portgroup FAIL into a WARN
 * and the IPAM probe into "all clear".
 */

const dir = mkdtempSync(join(tmpdir(), 'airgap-top-scope-'));
const scenario = reportScenario();
let sim: SimulatorHandleExtended;
let all: Report;
let scoped: Report;
let out: string;

function run(outDir: string, ...args: string[]) {
  return runReportCli([
    '--kubeconfig',
    sim.kubeconfigPath,
    '--config',
    scenario.config,
    '-o',
    'json,md,html,junit,prom',
    '--output-dir',
    outDir,
    ...args,
  ]);
}

function readReport(path: string): Report {
  const text = readFileSync(path, 'utf8');
  validateReport(text);
  return JSON.parse(text) as Report;
}

const codes = (r: Report, probe: string) =>
  (r.probes.find((p) => p.id === probe)?.findings ?? []).map(
    (f) => `${f.code} ${f.severity} ${f.subject.kind} ${f.subject.namespace ?? ''}/${f.subject.name}`,
  );

beforeAll(async () => {
  sim = await startTestSimulator(scenario.documents.length ? scenario.documents : scenario.name);
  await run(join(dir, 'all'));
  out = join(dir, 'shop');
  await run(out, '-n', 'shop');
  all = readReport(join(dir, 'all', 'report.json'));
  scoped = readReport(join(out, 'report.json'));
}, 120_000);

afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('namespace scope', () => {
  it('never weakens a verdict about cluster-wide objects: portgroups, IPAM and topology as unscoped', () => {
    for (const probe of ['portgroups', 'ipam', 'topology']) {
      expect(scoped.probes.find((p) => p.id === probe)?.status, probe).toBe(
        all.probes.find((p) => p.id === probe)?.status,
      );
      expect(codes(scoped, probe), probe).toEqual(codes(all, probe));
    }
    // The demo's point: the Windows portgroup fails and IPAM has findings, scoped or not.
    expect(codes(scoped, 'portgroups').some((c) => / fail /.test(c))).toBe(true);
    expect(codes(scoped, 'ipam').filter((c) => !/ pass /.test(c)).length).toBeGreaterThan(0);
  });

  it('scopes the workload checks: only pods of the namespace', () => {
    const pods = codes(scoped, 'images');
    expect(pods.length).toBeGreaterThan(0);
    expect(pods.every((c) => / shop\//.test(c) || !/ Pod /.test(c))).toBe(true);
    expect(codes(all, 'images').length).toBeGreaterThan(pods.length);
  });

  it('records the scope in every format (absent when unscoped)', () => {
    expect(scoped.scope).toEqual({ namespaces: ['shop'] });
    expect(all.scope).toBeUndefined();
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(
      /\*\*Scope: workloads \(pods\) in namespace shop only;/,
    );
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(
      /<dt>Scope<\/dt><dd><strong>workloads \(pods\) in namespace shop only;/,
    );
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(junit).toContain('<property name="scope.namespaces" value="shop"/>');
    expect(xmllintJunit(junit).output).toMatch(/validates/);
    const prom = readFileSync(join(out, 'airgap-top.prom'), 'utf8');
    expect(prom).toMatch(/^airgap_top_info\{.*scope_namespaces="shop".*\} 1$/m);
    expect(promtoolCheck(prom)).toEqual({ code: 0, output: '' });
    for (const f of ['report.md', 'report.html', 'junit.xml', 'airgap-top.prom'])
      expect(readFileSync(join(dir, 'all', f), 'utf8')).not.toMatch(
        /\*\*Scope:|<dt>Scope<\/dt>|scope\.namespaces|scope_namespaces/,
      );
  });
});
