import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { CLI_PATH, runCli } from '../helpers/cli.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';
import { TmuxTerminal } from '../helpers/terminal.js';

/**
 * `-n NS` with a namespace the cluster does not have is a command line that cannot run: one line,
 * exit 2, instead of a clean report about an empty namespace. A user who may not read Namespace
 * objects (403) gets a warning and the report, never "does not exist".
 */

const dir = mkdtempSync(join(tmpdir(), 'airgap-top-namespace-'));
const config = join(dir, 'airgap-top.toml');
let sim: SimulatorHandleExtended;
let proxy: FaultProxy;

beforeAll(async () => {
  writeFileSync(config, '[registry]\nprivate = ["registry.example.internal/tkg"]\n');
  sim = await startTestSimulator([
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'shop', uid: 'u1' },
      spec: { containers: [{ name: 'c', image: 'registry.example.internal/tkg/web:1' }] },
    },
  ]);
  proxy = await startFaultProxy(sim);
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const report = (kubeconfig: string, ...args: string[]) =>
  runCli(['report', '-o', 'json', '--kubeconfig', kubeconfig, '--config', config, ...args], {
    env: { KUBECONFIG: undefined },
  });

describe('report -n NS', () => {
  it('exits 2 with one line when the namespace does not exist', async () => {
    const r = await report(sim.kubeconfigPath, '-n', 'nosuchns');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      `airgap-top: namespace "nosuchns" does not exist on API server ${sim.url} (see kubectl get namespaces; -A reads every namespace)`,
    ]);
  }, 60_000);

  it('reports on a namespace that exists, without a word on stderr', async () => {
    const r = await report(sim.kubeconfigPath, '-n', 'shop');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as Report;
    expect(json.scope).toEqual({ namespaces: ['shop'] });
  }, 60_000);

  it('warns and goes on when it may not read the namespace (403): it cannot say it is missing', async () => {
    proxy.add({
      match: (req) => req.path === '/api/v1/namespaces/shop',
      action: { kind: 'status', status: 403 },
    });
    const r = await report(proxy.kubeconfigPath, '-n', 'shop');
    expect(r.stderr).toBe(
      'airgap-top: warning: cannot verify that namespace "shop" exists: forbidden to get namespaces/shop (403); reading it anyway\n',
    );
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Report).scope).toEqual({ namespaces: ['shop'] });
  }, 60_000);
});

describe('serve -n NS', () => {
  it('refuses a namespace that does not exist before it listens', async () => {
    const r = await runCli(
      [
        'serve',
        '--listen',
        '127.0.0.1:0',
        '--kubeconfig',
        sim.kubeconfigPath,
        '--config',
        config,
        '-n',
        'nosuchns',
      ],
      { env: { KUBECONFIG: undefined } },
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `airgap-top: namespace "nosuchns" does not exist on API server ${sim.url} (see kubectl get namespaces; -A reads every namespace)`,
    ]);
  }, 60_000);
});

describe('the TUI with -n NS', () => {
  it('says the namespace does not exist and exits 2 before drawing a screen', async () => {
    const term = new TmuxTerminal(
      dir,
      `node ${CLI_PATH} --kubeconfig ${sim.kubeconfigPath} --config ${config} -n nosuchns; echo EXIT=$?; sleep 60`,
      { name: 'namespace' },
    );
    try {
      const screen = await term.waitFor('EXIT=');
      expect(screen).toContain('EXIT=2');
      expect(screen.replace(/\s+/g, ' ')).toContain(
        'airgap-top: namespace "nosuchns" does not exist on API server',
      );
    } finally {
      term.kill();
    }
  }, 60_000);
});
