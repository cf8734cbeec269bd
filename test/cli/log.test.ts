import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger } from '../../src/core/log.js';
import { Collection } from '../../src/probes/kube/collection.js';
import { loadKubeConnection } from '../../src/probes/kube/connection.js';
import { CLI_PATH, runCli } from '../helpers/cli.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';
import { sshdAvailable, startSshd, type TestSshd } from '../helpers/sshd.js';

/**
 * `--log FILE` and `-v` really log: a report against the simulator (behind a fault proxy that
 * fails one page) and a real sshd leaves a line for each list start, page, retry and end, each SSH
 * connection and file read, each evaluation with its duration; the file exists after a clean run;
 * no token, password or key material is ever in it. Watches (TUI mode) log open and reconnect.
 */

const ROOT = join(import.meta.dirname, '../..');
const NODES_DIR = join(ROOT, 'fixtures/containerd/nodes');
const dir = mkdtempSync(join(tmpdir(), 'airgap-top-log-'));
let sim: SimulatorHandleExtended;
let proxy: FaultProxy;
let sshd: TestSshd;
let config: string;
let token: string;

function node(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, labels: {} },
    status: {
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

const pods = Array.from({ length: 3 }, (_, i) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `web-${i}`, namespace: 'shop', uid: `uid-web-${i}` },
  spec: { nodeName: 'gdc', containers: [{ name: 'c', image: 'registry.example.internal/tkg/web:1' }] },
  status: { phase: 'Running' },
}));

beforeAll(async () => {
  expect(
    sshdAvailable(),
    'sshd runs here (scripts/setup.sh installs openssh-server; tests run as root)',
  ).toBe(true);
  expect(existsSync(CLI_PATH), 'npm run build first').toBe(true);
  sshd = await startSshd([{ name: 'gdc', tree: join(NODES_DIR, 'gdc') }]);
  sim = await startTestSimulator([node('gdc'), ...pods]);
  proxy = await startFaultProxy(sim);
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  token = kc.getCurrentUser()?.token ?? '';
  expect(token.length).toBeGreaterThan(8);
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, sshd.knownHosts(['gdc']));
  config = join(dir, 'airgap-top.toml');
  writeFileSync(
    config,
    [
      '[registry]',
      'private = ["registry.example.internal", "gcr.io/gke-on-prem-release"]',
      '[ssh]',
      `user = "${sshd.user}"`,
      `identity_file = "${sshd.clientKey}"`,
      `known_hosts = "${knownHosts}"`,
      `[ssh.nodes."gdc"]`,
      `port = ${sshd.ports.gdc}`,
      '',
    ].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await sim?.close();
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Lines of the key file's body: none may reach the log. */
function keyMaterial(): string[] {
  return readFileSync(sshd.clientKey, 'utf8')
    .split('\n')
    .filter((l) => l.length > 20 && !l.startsWith('-----'));
}

describe('report --log FILE -v', () => {
  let log: string;
  let stderr: string;

  beforeAll(async () => {
    const file = join(dir, 'report.log');
    // One failed page: the list retries it, and says so.
    proxy.add({
      match: (r) => r.path === '/api/v1/pods' && !r.watch,
      action: { kind: 'status', status: 503 },
      times: 1,
    });
    const run = await runCli(
      ['report', '--kubeconfig', proxy.kubeconfigPath, '--config', config, '--log', file, '-v', '-o', 'json'],
      { env: { SSH_AUTH_SOCK: '', KUBECONFIG: undefined } },
    );
    expect(`${run.code}`, run.stderr).toMatch(/^[01]$/);
    log = readFileSync(file, 'utf8');
    stderr = run.stderr;
  }, 120_000);

  const expected: [string, RegExp][] = [
    ['the run', / INFO airgap-top \S+ report: started/],
    ['each list start', / INFO kube list \/api\/v1\/pods: started/],
    ['each page', / DEBUG kube list \/api\/v1\/pods: page 1, 3 objects \(3 so far\)/],
    ['each list end with its time', / INFO kube list \/api\/v1\/nodes: 1 objects in 1 page, \d+ ms/],
    [
      'each retry after a failed page',
      / INFO kube list \/api\/v1\/pods: GET \/api\/v1\/pods\?limit=\d+: 503 .*; retrying the page in \d+\.\d s/,
    ],
    ['each request with status and time', / DEBUG kube GET \/version: 200 in \d+ ms/],
    ['each SSH connection', / INFO ssh gdc: connected to \S+@127\.0\.0\.1:\d+ in \d+ ms/],
    ['each file read', / DEBUG ssh gdc: read \/etc\/containerd\/config\.toml \(\d+ bytes\) in \d+ ms/],
    ['each evaluation with its duration', / DEBUG evaluate images: \d+ findings in \d+\.\d ms/],
    ['the containerd evaluation too', / DEBUG evaluate containerd: \d+ findings in \d+\.\d ms/],
  ];
  it.each(expected)('has a line for %s', (_what, line) => {
    expect(log).toMatch(line);
  });

  it('echoes the log to stderr with -v, and no secret is in either', () => {
    expect(stderr).toContain('INFO kube list /api/v1/pods: started');
    for (const text of [log, stderr]) {
      expect(text).not.toContain(token);
      for (const line of keyMaterial()) expect(text).not.toContain(line);
    }
  });
});

describe('--log FILE without -v', () => {
  it('is created on a clean run and holds the info lines only', async () => {
    const file = join(dir, 'clean.log');
    const run = await runCli(
      ['report', '--kubeconfig', sim.kubeconfigPath, '--config', config, '--log', file, '-o', 'json'],
      { env: { SSH_AUTH_SOCK: '', KUBECONFIG: undefined } },
    );
    expect(run.stderr).toBe('');
    expect(existsSync(file)).toBe(true);
    const log = readFileSync(file, 'utf8');
    expect(log).toMatch(/ INFO kube list \/api\/v1\/pods: 3 objects in 1 page/);
    expect(log).not.toContain(' DEBUG ');
    expect(log).not.toContain(token);
  }, 60_000);

  it('an unwritable --log path is one line and exit 2 before any cluster is touched', async () => {
    const before = sim.requests.length;
    const run = await runCli(
      ['report', '--kubeconfig', sim.kubeconfigPath, '--log', join(dir, 'no/such/dir/a.log')],
      { env: { KUBECONFIG: undefined } },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `airgap-top: --log ${join(dir, 'no/such/dir/a.log')}: cannot write it (ENOENT)\n`,
    );
    expect(sim.requests.length).toBe(before);
  }, 60_000);
});

describe('watches log their opening and every reconnect', () => {
  it('a watch the server ends at once logs the reconnect with its wait, then opens again', async () => {
    const file = join(dir, 'watch.log');
    const log = new Logger({ file, minLevel: 'debug' });
    proxy.clear();
    proxy.add({ match: (r) => r.watch, action: { kind: 'close-watch' }, times: 1 });
    const kube = loadKubeConnection({ kubeconfig: proxy.kubeconfigPath, log });
    const pods = new Collection(kube, {
      path: '/api/v1/pods',
      transform: (o) => o.metadata?.name,
      tuning: { backoffInitialMs: 10, backoffMaxMs: 20 },
    });
    pods.start({ watch: true });
    try {
      const deadline = Date.now() + 20_000;
      const opened = () =>
        (readFileSync(file, 'utf8').match(/ INFO kube watch \/api\/v1\/pods: open/g) ?? []).length;
      while (opened() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const text = readFileSync(file, 'utf8');
      expect(text).toMatch(/ DEBUG kube watch \/api\/v1\/pods: opening from resourceVersion \d+/);
      expect(text).toMatch(
        / INFO kube watch \/api\/v1\/pods: ended \(the server closed the watch right away\), reconnecting in \d+\.\d s/,
      );
      expect(opened()).toBeGreaterThanOrEqual(2);
      expect(text).not.toContain(token);
    } finally {
      pods.stop();
      kube.close();
    }
  }, 60_000);
});
