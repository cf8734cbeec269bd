import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../helpers/cli.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';
import { parseYaml } from '../helpers/yaml.js';

const ROOT = join(import.meta.dirname, '../..');
const FLEET = join(ROOT, 'deploy/fleet');
const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: airgap-top\n';

interface Doc {
  kind: string;
  metadata: { name: string };
  rules?: { resources: string[]; verbs: string[] }[];
  spec?: { template?: { spec?: { containers?: { args: string[] }[] } } };
}

function built(): Doc[] {
  const r = spawnSync('kubectl', ['kustomize', FLEET], { encoding: 'utf8', cwd: ROOT });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split(/^---$/m).map((d) => parseYaml(d) as Doc);
}

describe('deploy/fleet/: serve --fleet on a management cluster', () => {
  let sim: SimulatorHandleExtended;
  beforeAll(async () => {
    sim = await startTestSimulator([]);
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('runs serve --fleet and adds get (only) on Secrets to the read-only role', () => {
    const docs = built();
    const args = docs.find((d) => d.kind === 'Deployment')?.spec?.template?.spec?.containers?.[0]?.args;
    expect(args?.slice(0, 2)).toEqual(['serve', '--fleet']);
    const roles = docs.filter((d) => d.kind === 'ClusterRole');
    const secretRules = roles
      .flatMap((r) => r.rules ?? [])
      .filter((rule) => rule.resources.includes('secrets'));
    expect(secretRules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
    for (const rule of roles.flatMap((r) => r.rules ?? []))
      expect(rule.verbs.every((v) => ['get', 'list', 'watch'].includes(v))).toBe(true);
  });

  it('is accepted by apply --dry-run=server', async () => {
    const kubectl = (args: string[], stdin?: string) =>
      runProcess('kubectl', ['--kubeconfig', sim.kubeconfigPath, ...args], { stdin });
    expect((await kubectl(['apply', '-f', '-'], NAMESPACE)).code).toBe(0);
    const text = spawnSync('kubectl', ['kustomize', FLEET], { encoding: 'utf8', cwd: ROOT }).stdout;
    const r = await kubectl(['apply', '--dry-run=server', '-f', '-'], text);
    expect(r.stdout).toContain(
      'clusterrole.rbac.authorization.k8s.io/airgap-top-kubeconfig-reader created (server dry run)',
    );
    expect(r.code, r.stderr).toBe(0);
  });
});
