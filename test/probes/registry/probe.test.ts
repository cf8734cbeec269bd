import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../../src/app/session.js';
import { Logger } from '../../../src/core/log.js';
import { parseConfig } from '../../../src/model/config.js';
import type { Finding } from '../../../src/model/finding.js';
import type { Report } from '../../../src/model/report.js';
import { runReportCli } from '../../cli/report-run.js';
import {
  type BuiltImage,
  buildOciLayout,
  issueLeaf,
  makeCa,
  skopeoInspectRaw,
  skopeoPush,
  startRegistry,
  type TestCa,
  type TestRegistry,
  tempDir,
} from '../../helpers/registry.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../../helpers/simulator.js';
import { sshdAvailable, startSshd } from '../../helpers/sshd.js';
import { triples } from '../../model/images/expected.js';

/**
 * The registry probe wired into a session, end to end: a real docker-registry (distribution 2.8)
 * on 127.0.0.1 serves a made-up registry name through [registry.connect_to] (TLS still checks that
 * name), the simulator serves pods, and `report` joins the answers into one verdict per container.
 * skopeo, an independent client, agrees on every present / absent answer.
 */
const HOST = 'registry.airgap.test';
const tmp = tempDir('airgap-regprobe-');
let ca: TestCa;
let registry: TestRegistry;
let images: Map<string, BuiltImage>;
let sim: SimulatorHandleExtended;
let configFile: string;

function pod(name: string, image: string, imageID?: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'apps', uid: `uid-${name}` },
    spec: { nodeName: 'worker-1', containers: [{ name: 'app', image }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        { name: 'app', image, ready: true, ...(imageID ? { imageID } : {}), state: { running: {} } },
      ],
    },
  };
}

beforeAll(async () => {
  ca = makeCa(tmp.dir, 'Registry Probe CA');
  const leaf = issueLeaf(ca, join(tmp.dir, 'leaf'), { sans: `DNS:${HOST},IP:127.0.0.1` });
  registry = await startRegistry(tmp.dir, { name: 'main', leaf });
  const layout = join(tmp.dir, 'layout');
  images = buildOciLayout(layout, [
    { tag: '1.0', arches: ['amd64'] },
    { tag: 'multi', arches: ['amd64', 'arm64'] },
  ]);
  // skopeo dials the registry's address itself (the certificate names both).
  const target = { address: registry.address, certDir: ca.certDir };
  await skopeoPush(layout, '1.0', target, 'tkg/app');
  await skopeoPush(layout, 'multi', target, 'tkg/app');
  sim = await startTestSimulator([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } },
    pod('present', `${HOST}/tkg/app:1.0`),
    pod('missing', `${HOST}/tkg/app:2.0`),
    pod('public', 'docker.io/library/nginx:1.25'),
  ]);
  configFile = join(tmp.dir, 'airgap-top.toml');
  writeFileSync(
    configFile,
    [
      '[registry]',
      `private = ["${HOST}/tkg"]`,
      '[registry.ca_files]',
      `"${HOST}" = "${ca.certFile}"`,
      '[registry.connect_to]',
      `"${HOST}" = "${registry.address}"`,
    ].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await sim?.close();
  await registry?.stop();
  tmp.remove();
});

const byName = (findings: readonly Finding[], name: string) =>
  findings.filter((f) => f.subject.name === name).map((f) => `${f.code} ${f.severity}`);

describe('the registry probe in a report', () => {
  it('proves present, fails missing, never contacts the public registry, and skopeo agrees', async () => {
    const { code, stdout, stderr } = await runReportCli([
      '--kubeconfig',
      sim.kubeconfigPath,
      '--config',
      configFile,
      '-o',
      'json',
    ]);
    expect(code, stderr).toBe(1);
    const report = JSON.parse(stdout) as Report;
    const imagesProbe = report.probes.find((p) => p.id === 'images');
    const findings = imagesProbe?.findings ?? [];
    expect(byName(findings, 'present')).toEqual(['REG-201 pass']);
    expect(byName(findings, 'missing')).toEqual(['REG-204 fail']);
    expect(byName(findings, 'public')).toEqual(['IMG-002 fail']);
    const present = findings.find((f) => f.subject.name === 'present');
    expect(present?.evidence).toMatchObject({
      servedBy: `https://${HOST}/v2/tkg/app/manifests/1.0`,
      status: 200,
      digest: images.get('1.0')?.digest,
      mediaType: images.get('1.0')?.mediaType,
    });
    const missing = findings.find((f) => f.subject.name === 'missing');
    expect(missing?.detail).toContain(`https://${HOST}/v2/tkg/app/manifests/2.0: absent (404)`);

    const registryProbe = report.probes.find((p) => p.id === 'registry');
    expect(registryProbe?.status).toBe('ready');
    expect(triples(registryProbe?.findings ?? [])).toEqual([
      `REG-306 info RegistryEndpoint https://registry-1.docker.io`,
      `REG-301 pass RegistryEndpoint https://${HOST}`,
    ]);
    const answers = registryProbe?.findings.find((f) => f.code === 'REG-301');
    expect(answers?.evidence).toMatchObject({ present: 1, absent: 1, verifiedBy: ca.certFile });

    // The independent client agrees (it dials the registry's address itself).
    const target = { address: registry.address, certDir: ca.certDir };
    expect((await skopeoInspectRaw(target, 'tkg/app', '1.0')).digest).toBe(images.get('1.0')?.digest);
    expect((await skopeoInspectRaw(target, 'tkg/app', '2.0')).exists).toBe(false);
  }, 90_000);

  it('without the CA the central check is unverified, not passed', async () => {
    const noCa = join(tmp.dir, 'no-ca.toml');
    writeFileSync(
      noCa,
      [
        '[registry]',
        `private = ["${HOST}/tkg"]`,
        '[registry.connect_to]',
        `"${HOST}" = "${registry.address}"`,
      ].join('\n'),
    );
    const { stdout } = await runReportCli([
      '--kubeconfig',
      sim.kubeconfigPath,
      '--config',
      noCa,
      '-o',
      'json',
    ]);
    const report = JSON.parse(stdout) as Report;
    const findings = report.probes.find((p) => p.id === 'images')?.findings ?? [];
    expect(byName(findings, 'present')).toEqual(['REG-205 warn']);
    expect(byName(findings, 'missing')).toEqual(['REG-205 warn']);
    const registryFindings = report.probes.find((p) => p.id === 'registry')?.findings ?? [];
    expect(registryFindings.map((f) => f.code)).toContain('REG-302');
  }, 90_000);

  it('live: a new pod with a new image gets its verdict from a sweep of its own triples', async () => {
    const config = parseConfig(
      [
        '[registry]',
        `private = ["${HOST}/tkg"]`,
        '[registry.ca_files]',
        `"${HOST}" = "${ca.certFile}"`,
        '[registry.connect_to]',
        `"${HOST}" = "${registry.address}"`,
      ].join('\n'),
      configFile,
    ).config;
    const session = await Session.open({
      kubeconfig: sim.kubeconfigPath,
      config,
      log: new Logger(),
      live: true,
    });
    try {
      await session.start();
      const first = session.store.get('registry')?.data;
      expect(first?.counts.manifestRequests).toBeGreaterThan(0);
      sim.apply(pod('late', `${HOST}/tkg/app:multi`) as never);
      const verdict = await until(() => {
        const images = session.results().find((r) => r.id === 'images');
        return images?.findings.find((f) => f.subject.name === 'late' && f.code.startsWith('REG-2'));
      });
      expect(`${verdict.code} ${verdict.severity}`).toBe('REG-201 pass');
      expect(verdict.evidence.digest).toBe(images.get('multi')?.digest);
      const after = session.store.get('registry')?.data;
      // Only the new triple was asked; the others came from the cache.
      expect(after?.counts.fromCache).toBeGreaterThanOrEqual(2);
    } finally {
      session.close();
    }
  }, 60_000);
});

async function until<T>(get: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A node root whose containerd pulls docker.io through a mirror in the private registry. */
function nodeTree(dir: string, caFile: string, withMirror: boolean): string {
  const certs = join(dir, 'etc/containerd/certs.d');
  mkdirSync(join(certs, HOST), { recursive: true });
  writeFileSync(
    join(dir, 'etc/containerd/config.toml'),
    [
      'version = 2',
      '[plugins."io.containerd.grpc.v1.cri".registry]',
      '  config_path = "/etc/containerd/certs.d"',
      '',
    ].join('\n'),
  );
  copyFileSync(caFile, join(certs, HOST, 'ca.crt'));
  writeFileSync(
    join(certs, HOST, 'hosts.toml'),
    [`server = "https://${HOST}"`, 'ca = "ca.crt"', ''].join('\n'),
  );
  if (withMirror) {
    mkdirSync(join(certs, 'docker.io'), { recursive: true });
    writeFileSync(
      join(certs, 'docker.io', 'hosts.toml'),
      [
        'server = "https://registry-1.docker.io"',
        '',
        `[host."https://${HOST}"]`,
        '  capabilities = ["pull", "resolve"]',
        `  ca = "/etc/containerd/certs.d/${HOST}/ca.crt"`,
        '',
      ].join('\n'),
    );
  }
  return dir;
}

function k8sNode(name: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}` },
    status: {
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

// Skips only on a developer machine without sshd; in CI a missing peer must fail.
describe.skipIf(!process.env.CI && !sshdAvailable())(
  'as each node pulls, through real node configs over sshd',
  () => {
    it('trusts the CA the node names, follows its mirror with ?ns=, and judges each node by its own file', async () => {
      // The registry's copy of Docker Hub's nginx, where a mirror with ns=docker.io finds it.
      const layout = join(tmp.dir, 'layout');
      await skopeoPush(layout, '1.0', { address: registry.address, certDir: ca.certDir }, 'library/nginx');
      const stranger = makeCa(tmp.dir, 'Stranger CA');
      const sshd = await startSshd([
        { name: 'mirrored', tree: nodeTree(join(tmp.dir, 'node-mirrored'), ca.certFile, true) },
        { name: 'plain', tree: nodeTree(join(tmp.dir, 'node-plain'), ca.certFile, false) },
        { name: 'wrong-ca', tree: nodeTree(join(tmp.dir, 'node-wrong-ca'), stranger.certFile, true) },
      ]);
      const nodes = ['mirrored', 'plain', 'wrong-ca'];
      const onNode = (name: string, nodeName: string, image: string) => {
        const p = pod(name, image) as { spec: { nodeName: string } };
        p.spec.nodeName = nodeName;
        return p;
      };
      const cluster = await startTestSimulator([
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } },
        ...nodes.map(k8sNode),
        onNode('web-mirrored', 'mirrored', 'docker.io/library/nginx:1.0'),
        onNode('web-plain', 'plain', 'docker.io/library/nginx:1.0'),
        onNode('app-wrong-ca', 'wrong-ca', `${HOST}/tkg/app:1.0`),
        onNode('app-mirrored', 'mirrored', `${HOST}/tkg/app:1.0`),
      ]);
      try {
        const knownHosts = join(tmp.dir, 'known_hosts');
        writeFileSync(knownHosts, sshd.knownHosts(nodes));
        const file = join(tmp.dir, 'ssh.toml');
        writeFileSync(
          file,
          [
            '[registry]',
            `private = ["${HOST}/tkg"]`,
            '[registry.connect_to]',
            `"${HOST}" = "${registry.address}"`,
            '[ssh]',
            `user = "${sshd.user}"`,
            `identity_file = "${sshd.clientKey}"`,
            `known_hosts = "${knownHosts}"`,
            ...nodes.flatMap((n) => [`[ssh.nodes."${n}"]`, `port = ${sshd.ports[n]}`]),
            '',
          ].join('\n'),
        );
        const { stdout, stderr } = await runReportCli([
          '--kubeconfig',
          cluster.kubeconfigPath,
          '--config',
          file,
          '-o',
          'json',
        ]);
        const report = JSON.parse(stdout) as Report;
        const findings = report.probes.find((p) => p.id === 'images')?.findings ?? [];
        expect(report.probes.find((p) => p.id === 'containerd')?.status, stderr).toBe('ready');
        // Through the node's mirror, with the CA its hosts.toml names (read over SFTP).
        expect(byName(findings, 'web-mirrored')).toEqual(['REG-202 pass']);
        const viaMirror = findings.find((f) => f.subject.name === 'web-mirrored');
        expect(viaMirror?.evidence.servedBy).toBe(
          `https://${HOST}/v2/library/nginx/manifests/1.0?ns=docker.io`,
        );
        // No mirror on this node: the public name stays a fail, and Docker Hub is never contacted.
        expect(byName(findings, 'web-plain')).toEqual(['IMG-002 fail']);
        // The node's own CA does not verify the registry: its pulls fail the same way.
        expect(byName(findings, 'app-wrong-ca')).toEqual(['REG-101 fail']);
        expect(byName(findings, 'app-mirrored')).toEqual(['REG-201 pass']);
        const tls = findings.find((f) => f.subject.name === 'app-mirrored');
        expect(tls?.evidence.servedBy).toBe(`https://${HOST}/v2/tkg/app/manifests/1.0`);
        const registryFindings = report.probes.find((p) => p.id === 'registry')?.findings ?? [];
        expect(registryFindings.map((f) => `${f.code} ${f.subject.name}`)).toContain(
          `REG-303 https://${HOST}`,
        );
        const answers = registryFindings.find((f) => f.code === 'REG-301');
        // Verified by the node's file, collected over SFTP.
        expect(String(answers?.evidence.verifiedBy)).toMatch(
          /^node-ca:\/\/(mirrored|plain)\/etc\/containerd\/certs\.d\//,
        );
      } finally {
        await cluster.close();
        await sshd.stop();
      }
    }, 120_000);
  },
);
