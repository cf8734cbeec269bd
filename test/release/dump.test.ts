import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SCENARIO } from '../../src/cli/demo-command.js';
import { parseDocuments } from '../../src/sim/scenario.js';
import { runReportCli } from '../cli/report-run.js';
import { runCli } from '../helpers/cli.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';
import { sshdAvailable, startSshd, type TestSshd } from '../helpers/sshd.js';

/**
 * `airgap-top dump` → `report --from-dump` against the Kubernetes API simulator (the demo cluster)
 * and a real OpenSSH sshd serving each Linux node's /etc/containerd: the report from the bundle
 * has the same findings as the live report; the dump only GETs, never asks for Secrets or
 * ConfigMaps, and its bundle holds no private key or registry credential.
 */

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const NODES_DIR = join(ROOT, 'fixtures/containerd/nodes');
const SECRET = 'PLANTED-SECRET-hunter2-Zq8x';
const KEY_TEXT = 'PLANTED-PRIVATE-KEY-do-not-ship';
/** Fixture node trees, dealt round the demo's Linux nodes. */
const TREES = ['gdc', 'ib-v2', 'tkg-overlay', 'ib-v3', 'default', 'skip-verify', 'expired-ca', 'bad-toml'];

interface ReportJson {
  probes: {
    id: string;
    status: string;
    findings: {
      code: string;
      severity: string;
      subject: { kind: string; namespace?: string; name: string; container?: string; node?: string };
    }[];
  }[];
}

function findingKeys(report: ReportJson): string[] {
  return report.probes
    .flatMap((p) =>
      p.findings.map(
        (f) =>
          `${p.id} ${f.severity} ${f.code} ${f.subject.kind} ${f.subject.namespace ?? ''}/${f.subject.name} ${f.subject.container ?? ''} ${f.subject.node ?? ''}`,
      ),
    )
    .sort();
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

// Skips only on a developer machine without sshd or a build; in CI a missing peer must fail.
describe.skipIf(!process.env.CI && (!sshdAvailable() || !existsSync(CLI)))(
  'airgap-top dump → report --from-dump (simulator + real sshd)',
  () => {
    let sshd: TestSshd;
    let sim: SimulatorHandleExtended;
    let work: string;
    let config: string;

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'airgap-top-dump-'));
      const documents = readdirSync(DEMO_SCENARIO)
        .filter((f) => f.endsWith('.yaml') && !f.startsWith('90-'))
        .sort()
        .flatMap((f) => parseDocuments(readFileSync(join(DEMO_SCENARIO, f), 'utf8')) as object[]);
      sim = await startTestSimulator(documents, { anchorTime: false });
      const linux = sim
        .list('v1', 'Node')
        .filter((n) => n.metadata?.labels?.['kubernetes.io/os'] !== 'windows')
        .map((n) => String(n.metadata?.name));
      // One tree gets a private key next to its CA: it must stay on the node.
      const keyed = join(work, 'tree-with-key');
      cpSync(join(NODES_DIR, 'tkg-overlay'), keyed, { recursive: true });
      writeFileSync(join(keyed, 'etc/containerd/certs.d/registry.example.internal/client.key'), KEY_TEXT);
      sshd = await startSshd(
        linux.map((name, i) => ({
          name,
          tree: i === 0 ? keyed : join(NODES_DIR, TREES[i % TREES.length] as string),
        })),
      );
      const knownHosts = join(work, 'known_hosts');
      writeFileSync(knownHosts, sshd.knownHosts(linux));
      const demoConfig = readFileSync(join(ROOT, 'fixtures/demo/airgap-top.toml'), 'utf8').replace(
        'inventory_file = "vsphere-inventory.json"',
        `inventory_file = "${join(ROOT, 'fixtures/demo/vsphere-inventory.json')}"`,
      );
      config = join(work, 'airgap-top.toml');
      writeFileSync(
        config,
        [
          demoConfig,
          '[ssh]',
          `user = "${sshd.user}"`,
          `identity_file = "${sshd.clientKey}"`,
          `known_hosts = "${knownHosts}"`,
          ...linux.flatMap((name) => [
            `[ssh.nodes."${name}"]`,
            'address = "127.0.0.1"',
            `port = ${sshd.ports[name]}`,
          ]),
          '',
        ].join('\n'),
      );
    }, 120_000);
    afterAll(async () => {
      await sshd?.stop();
      await sim?.close();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('gives the same findings as the live report, and the bundle carries no secret', async () => {
      const live = await runReportCli([
        '--kubeconfig',
        sim.kubeconfigPath,
        '--config',
        config,
        '-o',
        'json',
        '--output-file',
        join(work, 'live.json'),
      ]);
      expect(live.code, live.stderr).toBe(1);

      const bundle = join(work, 'bundle');
      const before = sim.requests.length;
      const dump = await runCli(
        ['dump', '-o', bundle, '--kubeconfig', sim.kubeconfigPath, '--config', config],
        {
          env: { SSH_AUTH_SOCK: '' },
          timeoutMs: 120_000,
        },
      );
      expect(dump.code, dump.stderr).toBe(0);
      expect(dump.stdout.trim()).toBe(bundle);
      // Read-only, and never a Secret or ConfigMap: the dump asks only for the resources it keeps.
      const asked = sim.requests.slice(before);
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.filter((r) => r.method !== 'GET')).toEqual([]);
      expect(asked.filter((r) => /secrets|configmaps/.test(r.path))).toEqual([]);
      // Progress on stderr: each resource and each node.
      expect(dump.stderr).toContain('dump: kube/pods.yaml (');
      expect(dump.stderr).toMatch(/dump: nodes\/\S+\/etc\/containerd \(\d+ files from /);

      const fromDump = await runReportCli([
        '--from-dump',
        bundle,
        '--config',
        config,
        '-o',
        'json',
        '--output-file',
        join(work, 'dump.json'),
      ]);
      expect(fromDump.code, fromDump.stderr).toBe(1);
      const liveReport = JSON.parse(readFileSync(join(work, 'live.json'), 'utf8')) as ReportJson;
      const dumpReport = JSON.parse(readFileSync(join(work, 'dump.json'), 'utf8')) as ReportJson;
      expect(dumpReport.probes.map((p) => `${p.id} ${p.status}`)).toEqual(
        liveReport.probes.map((p) => `${p.id} ${p.status}`),
      );
      const liveKeys = findingKeys(liveReport);
      expect(liveKeys.some((k) => k.startsWith('containerd fail'))).toBe(true);
      expect(findingKeys(dumpReport)).toEqual(liveKeys);

      // The layout: cluster.json, kube/*.yaml, nodes/<node>/etc/containerd, vsphere/inventory.json.
      const files = filesUnder(bundle).map((f) => relative(bundle, f));
      expect(files).toContain('cluster.json');
      expect(files).toContain('kube/pods.yaml');
      expect(files).toContain('kube/vspherevms.infrastructure.cluster.x-k8s.io.yaml');
      expect(files).toContain('kube/customresourcedefinitions.apiextensions.k8s.io.yaml');
      expect(files).toContain('vsphere/inventory.json');
      expect(files.filter((f) => f.startsWith('nodes/'))).not.toHaveLength(0);
      expect(files.some((f) => /secret|configmap/i.test(f))).toBe(false);
      expect(files.some((f) => f.endsWith('.key'))).toBe(false);
      const everything = filesUnder(bundle).map((f) => readFileSync(f, 'utf8'));
      expect(everything.some((text) => text.includes(SECRET))).toBe(false);
      expect(everything.some((text) => text.includes(KEY_TEXT))).toBe(false);
      const gdc = files.find(
        (f) =>
          /^nodes\/[^/]+\/etc\/containerd\/config\.toml$/.test(f) &&
          readFileSync(join(bundle, f), 'utf8').includes('gdc-puller'),
      );
      expect(gdc, 'the gdc tree (registry credentials) was dumped').toBeDefined();
      expect(readFileSync(join(bundle, gdc as string), 'utf8')).toContain('password = "[redacted]"');
      expect((statSync(join(bundle, 'kube/pods.yaml')).mode & 0o077).toString(8)).toBe('0');
    }, 240_000);
  },
);
