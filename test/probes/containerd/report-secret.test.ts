import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../../helpers/simulator.js';
import { sshdAvailable, startSshd, type TestSshd } from '../../helpers/sshd.js';

const ROOT = join(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const NODES_DIR = join(ROOT, 'fixtures/containerd/nodes');
const SECRET = 'PLANTED-SECRET-hunter2-Zq8x';

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

function pod(name: string, nodeName: string, image: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { nodeName, containers: [{ name: 'main', image }] },
    status: { phase: 'Running' },
  };
}

// Skips only on a developer machine without the peer; in CI a missing sshd or build must fail.
describe.skipIf(!process.env.CI && (!sshdAvailable() || !existsSync(CLI)))(
  'airgap-top report with the SSH probe (real sshd, simulated API)',
  () => {
    let sshd: TestSshd;
    let sim: SimulatorHandleExtended;
    let work: string;

    beforeAll(async () => {
      sshd = await startSshd([
        { name: 'gdc', tree: join(NODES_DIR, 'gdc') },
        { name: 'ib-v2', tree: join(NODES_DIR, 'ib-v2') },
      ]);
      sim = await startTestSimulator([
        node('gdc'),
        node('ib-v2'),
        pod('mirrored', 'gdc', 'gcr.io/gke-on-prem-release/app:1.0'),
        pod('private', 'ib-v2', 'registry.example.internal/tkg/app:1.0'),
      ]);
      work = mkdtempSync(join(tmpdir(), 'airgap-report-ssh-'));
    });
    afterAll(async () => {
      await sshd?.stop();
      await sim?.close();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('carries the node probe and the effective origin, and the planted credential appears nowhere', async () => {
      const knownHosts = join(work, 'known_hosts');
      writeFileSync(knownHosts, sshd.knownHosts(['gdc', 'ib-v2']));
      const config = join(work, 'airgap-top.toml');
      writeFileSync(
        config,
        [
          '[registry]',
          'private = ["registry.example.internal", "172.18.0.20:5000"]',
          '[ssh]',
          `user = "${sshd.user}"`,
          `identity_file = "${sshd.clientKey}"`,
          `known_hosts = "${knownHosts}"`,
          `[ssh.nodes."gdc"]`,
          `port = ${sshd.ports.gdc}`,
          `[ssh.nodes."ib-v2"]`,
          `port = ${sshd.ports['ib-v2']}`,
          '',
        ].join('\n'),
      );
      const out = join(work, 'out');
      const log = join(work, 'airgap-top.log');
      // Not spawnSync: the simulator answers from this process's event loop.
      const run = await runCli(
        [
          'report',
          '--kubeconfig',
          sim.kubeconfigPath,
          '--config',
          config,
          '-o',
          'json,md',
          '--output-dir',
          out,
          '--log',
          log,
          '-v',
        ],
        { env: { SSH_AUTH_SOCK: '' } },
      );
      expect(`${run.code}`, `${run.stderr}\n${run.stdout}`).toMatch(/^[01]$/);
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
        probes: {
          id: string;
          status: string;
          findings: { code: string; subject: { node?: string; name: string } }[];
        }[];
      };
      const probe = report.probes.find((p) => p.id === 'containerd');
      expect(probe?.status).toBe('ready');
      const codes = probe?.findings.map((f) => `${f.code} ${f.subject.node ?? f.subject.name}`).sort();
      expect(codes).toContain('CTRD-007 gdc');
      expect(codes).toContain('CTRD-202 gdc');
      expect(codes).toContain('CTRD-203 gdc');
      expect(codes).toContain('CTRD-201 ib-v2');

      const everything = [
        run.stdout,
        run.stderr,
        readFileSync(log, 'utf8'),
        ...readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8')),
      ].join('\n');
      expect(everything).toContain('containerd');
      expect(everything).not.toContain(SECRET);
      expect(everything).not.toContain('hunter2');
    });
  },
);
