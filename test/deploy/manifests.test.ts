import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../helpers/cli.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';
import { parseYaml } from '../helpers/yaml.js';

const ROOT = join(import.meta.dirname, '../..');
const DEPLOY = join(ROOT, 'deploy');
const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: airgap-top\n';

function run(cmd: string, args: readonly string[], input?: string) {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', cwd: ROOT });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Like run, without blocking: the simulator answers kubectl from this very process. */
async function runAsync(cmd: string, args: readonly string[], input?: string) {
  const r = await runProcess(cmd, args, { stdin: input });
  return { code: r.code, out: `${r.stdout}${r.stderr}` };
}

describe('deploy/: alert rules', () => {
  it('promtool checks them', () => {
    const r = run('promtool', ['check', 'rules', join(DEPLOY, 'prometheus/airgap-top-rules.yaml')]);
    expect(r.out).toContain('SUCCESS: 6 rules found');
    expect(r.code).toBe(0);
  });

  it('their promtool unit tests pass (findings failing 10 m, a cluster down, a probe down, a target gone)', () => {
    const r = run('promtool', ['test', 'rules', join(DEPLOY, 'prometheus/airgap-top-rules.test.yaml')]);
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });
});

describe('deploy/: manifests, checked by kubectl against the simulator', () => {
  let sim: SimulatorHandleExtended;
  const kubectl = (args: readonly string[], input?: string) =>
    runAsync('kubectl', ['--kubeconfig', sim.kubeconfigPath, ...args], input);

  beforeAll(async () => {
    sim = await startTestSimulator(join(ROOT, 'fixtures/demo/scenario'));
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('kustomize points the image at the private registry; apply --dry-run=server accepts every object and creates none', async () => {
    const built = run('kubectl', ['kustomize', DEPLOY]);
    expect(built.code).toBe(0);
    const docs = built.out.split(/^---$/m).map(
      (d) =>
        parseYaml(d) as {
          kind: string;
          spec?: { template?: { spec?: { containers?: { image: string }[] } } };
        },
    );
    expect(docs.map((d) => d.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'Deployment',
      'Namespace',
      'Service',
      'ServiceAccount',
    ]);
    const image = docs.find((d) => d.kind === 'Deployment')?.spec?.template?.spec?.containers?.[0]?.image;
    expect(image).toBe('registry.example.internal/tkg/airgap-top:0.1.0');
    // As on a real API server, namespaced objects need their namespace to exist for a server dry run.
    expect((await kubectl(['apply', '-f', '-'], NAMESPACE)).code).toBe(0);
    const r = await kubectl(['apply', '--dry-run=server', '-f', '-'], built.out);
    expect(r.out).toContain('deployment.apps/airgap-top created (server dry run)');
    expect(r.out).toContain(
      'clusterrole.rbac.authorization.k8s.io/airgap-top-reader created (server dry run)',
    );
    expect(r.code).toBe(0);
    expect((await kubectl(['get', 'deployments', '-n', 'airgap-top', '-o', 'name'])).out.trim()).toBe('');
  });

  it('the RBAC is read-only and never touches Secrets', () => {
    const role = run('kubectl', ['kustomize', DEPLOY])
      .out.split(/^---$/m)
      .map((d) => parseYaml(d) as { kind: string; rules?: { resources: string[]; verbs: string[] }[] })
      .find((d) => d.kind === 'ClusterRole')?.rules;
    expect(role?.length).toBeGreaterThan(0);
    for (const rule of role ?? []) {
      expect(rule.verbs).toEqual(['get', 'list', 'watch']);
      expect(rule.resources).not.toContain('secrets');
    }
  });

  it('the ServiceMonitor is accepted where its CRD is installed', async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: servicemonitors.monitoring.coreos.com }
spec:
  group: monitoring.coreos.com
  names: { kind: ServiceMonitor, listKind: ServiceMonitorList, plural: servicemonitors, singular: servicemonitor }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }
`;
    expect((await kubectl(['apply', '-f', '-'], crd)).code).toBe(0);
    expect((await kubectl(['apply', '-f', '-'], NAMESPACE)).code).toBe(0);
    const r = await kubectl([
      'apply',
      '--dry-run=server',
      '-f',
      join(DEPLOY, 'prometheus-operator/servicemonitor.yaml'),
    ]);
    expect(r.out).toContain('servicemonitor.monitoring.coreos.com/airgap-top created (server dry run)');
    expect(r.code).toBe(0);
  });
});
