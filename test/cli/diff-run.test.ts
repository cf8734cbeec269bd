import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileDiffSchema } from '../../src/report/schema.js';
import { runCli } from '../helpers/cli.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';

/**
 * `report --diff OLD.json` against a real API server (the simulator behind a fault proxy): when the
 * second run may not list pods, the earlier pod findings are "not checked this time", never
 * "resolved"; with `-o json` the diff itself is JSON that validates with schema/diff.schema.json.
 */

const dir = mkdtempSync(join(tmpdir(), 'airgap-top-diff-run-'));
const config = join(dir, 'airgap-top.toml');
const old = join(dir, 'old.json');
let sim: SimulatorHandleExtended;
let proxy: FaultProxy;

const report = (...args: string[]) =>
  runCli(['report', '--kubeconfig', proxy.kubeconfigPath, '--config', config, ...args], {
    env: { KUBECONFIG: undefined },
  });

beforeAll(async () => {
  // The registry is not asked here: this is about the images probe's findings across two runs.
  writeFileSync(config, '[registry]\nprivate = ["registry.example.internal/tkg"]\ncheck = false\n');
  sim = await startTestSimulator([
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'leak', namespace: 'shop', uid: 'u1' },
      spec: { containers: [{ name: 'c', image: 'docker.io/library/nginx:1.25.3' }] },
    },
  ]);
  proxy = await startFaultProxy(sim);
  const first = await report('-o', 'json', '--output-file', old);
  expect(first.code).toBe(1); // the public image fails
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('report --diff when a probe could not run this time', () => {
  it('prints the earlier pod findings as not checked (text), none as resolved', async () => {
    proxy.clear();
    proxy.add({ match: (r) => r.path === '/api/v1/pods', action: { kind: 'status', status: 403 } });
    const r = await report('--diff', old);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/0 new, 0 resolved, 0 changed, 1 not checked this time, 0 unchanged/);
    expect(r.stdout).toContain('probe images: ready -> error');
    expect(r.stdout).toMatch(
      /\n {2}\? FAIL IMG-\d{3} Pod shop\/leak \[c\]: .* \[probe images: error \(forbidden to list \/api\/v1\/pods/,
    );
    expect(r.stdout).not.toContain('Resolved:');
  }, 60_000);

  it('with -o json prints a JSON diff that validates with the diff schema', async () => {
    proxy.clear();
    proxy.add({ match: (r) => r.path === '/api/v1/pods', action: { kind: 'status', status: 403 } });
    const r = await report('--diff', old, '-o', 'json');
    expect(r.code).toBe(1);
    const diff = JSON.parse(r.stdout) as {
      summary: Record<string, number>;
      resolved: unknown[];
      notChecked: { finding: { subject: { name: string } }; reason: string }[];
    };
    expect(compileDiffSchema()(diff)).toEqual([]);
    expect(diff.summary).toEqual({ new: 0, resolved: 0, changed: 0, notChecked: 1, unchanged: 0 });
    expect(diff.notChecked[0]?.finding.subject.name).toBe('leak');
    expect(diff.notChecked[0]?.reason).toMatch(/^probe images: error \(forbidden to list \/api\/v1\/pods/);
  }, 60_000);

  it('calls the finding resolved once the pod is really gone and the probe read everything', async () => {
    proxy.clear();
    await sim.remove('v1', 'Pod', 'leak', 'shop');
    const r = await report('--diff', old, '-o', 'json');
    const diff = JSON.parse(r.stdout) as {
      summary: Record<string, number>;
      resolved: { subject: { name: string } }[];
    };
    expect(compileDiffSchema()(diff)).toEqual([]);
    expect(diff.summary).toEqual({ new: 0, resolved: 1, changed: 0, notChecked: 0, unchanged: 0 });
    expect(diff.resolved[0]?.subject.name).toBe('leak');
    expect(r.code).toBe(0);
  }, 60_000);
});
