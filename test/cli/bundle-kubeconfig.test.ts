import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noDnsNodeOptions, runProcess } from '../helpers/cli.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';

/**
 * The bundle users run carries client-node's KubeConfig without its generated API client (see
 * kubeConfigWithoutGeneratedClient in scripts/bundle.mjs). Loading, credentials and TLS must work
 * as from the package: here with an exec credential plugin, the most moving part of KubeConfig.
 */
const ROOT = join(import.meta.dirname, '../..');
const LAUNCHER = join(ROOT, 'dist/airgap-top.cjs');
const BUNDLE = join(ROOT, 'dist/airgap-top-main.cjs');

describe('the bundled KubeConfig', () => {
  const work = mkdtempSync(join(tmpdir(), 'airgap-top-bundle-kc-'));
  let sim: SimulatorHandleExtended;

  beforeAll(async () => {
    sim = await startTestSimulator([
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'w1' } },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web', namespace: 'apps', uid: 'u1' },
        spec: { nodeName: 'w1', containers: [{ name: 'c', image: 'docker.io/library/nginx:1.25' }] },
        status: { phase: 'Running' },
      },
    ]);
  });

  afterAll(async () => {
    await sim?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('holds no module of the generated API client', () => {
    const bundle = readFileSync(BUNDLE, 'utf8');
    expect(bundle).toContain('// node_modules/@kubernetes/client-node/dist/config.js');
    expect(bundle).not.toContain('// node_modules/@kubernetes/client-node/dist/gen/');
  });

  it('authenticates with an exec credential plugin and reads the cluster', async () => {
    const plugin = join(work, 'credential-plugin.sh');
    writeFileSync(
      plugin,
      `#!/bin/sh\nprintf '%s' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${sim.token}"}}'\n`,
    );
    chmodSync(plugin, 0o755);
    const written = readFileSync(sim.kubeconfigPath, 'utf8');
    const ca = /certificate-authority-data: (\S+)/.exec(written)?.[1];
    const kubeconfig = join(work, 'exec.kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: sim',
        '  cluster:',
        `    server: ${sim.url}`,
        `    certificate-authority-data: ${ca}`,
        'users:',
        '- name: exec',
        '  user:',
        '    exec:',
        '      apiVersion: client.authentication.k8s.io/v1',
        `      command: ${plugin}`,
        '      interactiveMode: Never',
        'contexts:',
        '- name: sim',
        '  context: {cluster: sim, user: exec}',
        'current-context: sim',
        '',
      ].join('\n'),
    );
    const result = await runProcess(
      process.execPath,
      [LAUNCHER, 'report', '--kubeconfig', kubeconfig, '--no-registry-check', '-o', 'json'],
      {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: work,
          XDG_CACHE_HOME: join(work, 'cache'),
          NODE_OPTIONS: noDnsNodeOptions(),
        },
      },
    );
    expect(result.stderr).not.toMatch(/makeApiClient|not part of the airgap-top bundle|Unauthorized|401/);
    const report = JSON.parse(result.stdout) as {
      probes: { id: string; status: string; findings: { subject: { name?: string } }[] }[];
    };
    const images = report.probes.find((p) => p.id === 'images');
    expect(images?.status).toBe('ready');
    expect(images?.findings.map((f) => f.subject.name)).toContain('web');
    // The token came from the plugin only: it is a secret, never printed.
    expect(result.stdout + result.stderr).not.toContain(sim.token);
  });
});
