import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserFacingError } from '../../src/core/errors.js';
import { loadKubeConnection } from '../../src/probes/kube/connection.js';
import { runCli } from '../helpers/cli.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';

/**
 * KUBECONFIG as kubectl reads it: a file of the list that does not exist is skipped (we say so once,
 * kubectl says nothing), the first file to set the current context or define a name wins, and only
 * a list where no file exists is "no kubeconfig" (one line, exit 2). kubectl is the independent
 * client each answer is compared with.
 */

const dir = mkdtempSync(join(tmpdir(), 'airgap-top-kubeconfig-'));
const missing = join(dir, 'missing.yaml');
const alsoMissing = join(dir, 'also-missing.yaml');
const run = promisify(execFile);
let sim: SimulatorHandleExtended;
/** A second kubeconfig whose current context and its cluster name collide with the simulator's. */
let other: string;
const config = join(dir, 'airgap-top.toml');

async function kubectl(kubeconfigList: string, ...args: string[]) {
  try {
    const r = await run('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfigList } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  sim = await startTestSimulator([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'shop', uid: 'u1' },
      spec: { containers: [{ name: 'c', image: 'registry.example.internal/tkg/web:1' }] },
    },
  ]);
  // The simulator names its cluster, user and context airgap-top-sim.
  const clusterName = 'airgap-top-sim';
  expect(readFileSync(sim.kubeconfigPath, 'utf8')).toContain(`- name: ${clusterName}`);
  writeFileSync(config, '[registry]\nprivate = ["registry.example.internal/tkg"]\n');
  other = join(dir, 'other.yaml');
  writeFileSync(
    other,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: elsewhere',
      'clusters:',
      `- name: ${clusterName}`,
      '  cluster: { server: "https://127.0.0.1:1" }',
      'users: [{ name: other-user, user: { token: other-token } }]',
      `contexts: [{ name: elsewhere, context: { cluster: ${clusterName}, user: other-user } }]`,
      '',
    ].join('\n'),
  );
}, 60_000);

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('loadKubeConnection over a KUBECONFIG list', () => {
  it('skips a file that does not exist and names it in one warning', () => {
    const kube = loadKubeConnection({
      env: { KUBECONFIG: [missing, sim.kubeconfigPath].join(delimiter) },
    });
    kube.close();
    expect(kube.server).toBe(sim.url);
    expect(kube.warnings).toEqual([
      `KUBECONFIG lists a file that does not exist, skipped as kubectl does: ${missing}`,
    ]);
  });

  it('says nothing when every file exists, and ignores empty entries as kubectl does', () => {
    const kube = loadKubeConnection({ env: { KUBECONFIG: `${delimiter}${sim.kubeconfigPath}${delimiter}` } });
    kube.close();
    expect(kube.warnings).toEqual([]);
  });

  it('lets the first file win the current context and each name, as kubectl does', async () => {
    for (const list of [
      [sim.kubeconfigPath, other],
      [other, sim.kubeconfigPath],
    ]) {
      const joined = [missing, ...list].join(delimiter);
      const kube = loadKubeConnection({ env: { KUBECONFIG: joined } });
      kube.close();
      const theirs = await kubectl(
        joined,
        'config',
        'view',
        '--minify',
        '-o',
        'jsonpath={.current-context} {.clusters[0].cluster.server}',
      );
      expect(theirs.code).toBe(0);
      expect(`${kube.contextName} ${kube.server}`).toBe(theirs.stdout);
    }
  });

  it('fails with one line only when no file of the list exists', () => {
    const attempt = () => loadKubeConnection({ env: { KUBECONFIG: [missing, alsoMissing].join(delimiter) } });
    expect(attempt).toThrow(UserFacingError);
    expect(attempt).toThrow(
      `no kubeconfig: none of the files in KUBECONFIG exists (${missing}, ${alsoMissing}) (use --kubeconfig FILE, set KUBECONFIG, or try "airgap-top demo")`,
    );
  });

  it('refuses a file of the list that exists but does not parse, as kubectl does', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'clusters: [\n');
    const joined = [bad, sim.kubeconfigPath].join(delimiter);
    expect(() => loadKubeConnection({ env: { KUBECONFIG: joined } })).toThrow(
      `kubeconfig ${bad} is not valid`,
    );
    expect((await kubectl(joined, 'config', 'current-context')).code).not.toBe(0);
  });
});

describe('airgap-top report with a KUBECONFIG list', () => {
  it('reads the cluster kubectl reads, warning once on stderr about the missing file', async () => {
    const list = [missing, sim.kubeconfigPath].join(delimiter);
    const ours = await runCli(['report', '-o', 'json', '--config', config], { env: { KUBECONFIG: list } });
    const theirs = await kubectl(list, 'get', 'pods', '-A', '-o', 'name');
    expect(theirs.code).toBe(0);
    expect(theirs.stdout.trim()).toBe('pod/web');
    expect(ours.code).toBe(0);
    expect(ours.stderr).toBe(
      `airgap-top: warning: KUBECONFIG lists a file that does not exist, skipped as kubectl does: ${missing}\n`,
    );
    const report = JSON.parse(ours.stdout) as { cluster: { server: string } };
    expect(report.cluster.server).toBe(sim.url);
  }, 60_000);

  it('exits 2 with one line when none of the files exists (kubectl fails too)', async () => {
    const list = [missing, alsoMissing].join(delimiter);
    const ours = await runCli(['report'], { env: { KUBECONFIG: list } });
    expect(ours.code).toBe(2);
    expect(ours.stdout).toBe('');
    expect(ours.stderr.trim().split('\n')).toEqual([
      `airgap-top: no kubeconfig: none of the files in KUBECONFIG exists (${missing}, ${alsoMissing}) (use --kubeconfig FILE, set KUBECONFIG, or try "airgap-top demo")`,
    ]);
    expect((await kubectl(list, 'config', 'current-context')).code).not.toBe(0);
  }, 60_000);
});
