import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/model/finding.js';
import type { Report } from '../../../src/model/report.js';
import { runReportCli } from '../../cli/report-run.js';
import {
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

/**
 * The readiness probe end to end: a real docker-registry (distribution 2.8) on 127.0.0.1 behind a
 * made-up name ([registry.connect_to]), the simulator serving workloads that run nothing yet, and
 * expect files in every format. What is missing fails (exit 1) with the file and line; skopeo, an
 * independent client, agrees on every present / absent answer.
 */
const HOST = 'registry.airgap.test';
const tmp = tempDir('airgap-readiness-');
let ca: TestCa;
let registry: TestRegistry;
let sim: SimulatorHandleExtended;
let configFile: string;

const podSpec = (containers: object[], init: object[] = []) => ({
  containers,
  ...(init.length ? { initContainers: init } : {}),
});
const template = (spec: object) => ({ metadata: { labels: { app: 'x' } }, spec });

beforeAll(async () => {
  ca = makeCa(tmp.dir, 'Readiness CA');
  const leaf = issueLeaf(ca, join(tmp.dir, 'leaf'), { sans: `DNS:${HOST},IP:127.0.0.1` });
  registry = await startRegistry(tmp.dir, { name: 'main', leaf });
  const layout = join(tmp.dir, 'layout');
  buildOciLayout(layout, [{ tag: '1.0', arches: ['amd64'] }]);
  const target = { address: registry.address, certDir: ca.certDir };
  await skopeoPush(layout, '1.0', target, 'tkg/app');
  await skopeoPush(layout, '1.0', target, 'tkg/cron-ok');
  sim = await startTestSimulator([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'scaled', namespace: 'apps', uid: 'uid-scaled' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'x' } },
        template: template(
          podSpec(
            [{ name: 'app', image: `${HOST}/tkg/app:9.9` }],
            [{ name: 'init', image: `${HOST}/tkg/app:1.0` }],
          ),
        ),
      },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'weekly', namespace: 'apps', uid: 'uid-weekly' },
      spec: {
        schedule: '0 3 * * 0',
        jobTemplate: {
          spec: { template: template(podSpec([{ name: 'report', image: `${HOST}/tkg/report-gen:2.1` }])) },
        },
      },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly', namespace: 'apps', uid: 'uid-nightly' },
      spec: {
        schedule: '0 1 * * *',
        jobTemplate: {
          spec: { template: template(podSpec([{ name: 'job', image: `${HOST}/tkg/cron-ok:1.0` }])) },
        },
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'apps', uid: 'uid-agent' },
      spec: {
        selector: { matchLabels: { app: 'x' } },
        template: template(podSpec([{ name: 'a', image: `${HOST}/tkg/app:7.7` }])),
      },
    },
    // The DaemonSet's image runs: judged on the pod (images probe), not again as a template.
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'agent-1',
        namespace: 'apps',
        uid: 'uid-agent-1',
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'uid-agent', controller: true },
        ],
      },
      spec: { nodeName: 'worker-1', containers: [{ name: 'a', image: `${HOST}/tkg/app:7.7` }] },
      status: {
        phase: 'Running',
        containerStatuses: [{ name: 'a', image: `${HOST}/tkg/app:7.7`, ready: true, state: { running: {} } }],
      },
    },
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
  writeFileSync(
    join(tmp.dir, 'publish-images-fromtar.yaml'),
    ['app-1.0.tar: app', 'cron-ok-1.0.tar: cron-ok', 'app-3.0.tar: app'].join('\n'),
  );
  writeFileSync(
    join(tmp.dir, 'images.txt'),
    [
      '# what the install needs',
      `${HOST}/tkg/app:1.0`,
      '',
      `${HOST}/tkg/app:4.0`,
      'docker.io/library/nginx:1.25',
    ].join('\n'),
  );
  writeFileSync(
    join(tmp.dir, 'tkr-bom.yaml'),
    [
      'imageConfig:',
      '  imageRepository: projects.registry.vmware.com/tkg',
      'components:',
      '  app:',
      '    - version: v1',
      '      images:',
      '        appImage:',
      '          imagePath: app',
      '          tag: "1.0"',
      '        reportImage:',
      '          imagePath: report-gen',
      '          tag: "2.1"',
    ].join('\n'),
  );
  writeFileSync(join(tmp.dir, 'broken.txt'), [`${HOST}/tkg/app:1.0`, `${HOST}/tkg/UPPER//x:1`].join('\n'));
}, 120_000);

afterAll(async () => {
  await sim?.close();
  await registry?.stop();
  tmp.remove();
});

const codes = (findings: readonly Finding[], kind: string, name: string) =>
  findings
    .filter((f) => f.subject.kind === kind && f.subject.name === name)
    .map((f) => `${f.code} ${f.severity}${f.subject.container ? ` ${f.subject.container}` : ''}`)
    .sort();

async function report(...extra: string[]): Promise<{ code: number; report: Report; stderr: string }> {
  const { code, stdout, stderr } = await runReportCli([
    '--kubeconfig',
    sim.kubeconfigPath,
    '--config',
    configFile,
    '-o',
    'json',
    ...extra,
  ]);
  return { code, report: JSON.parse(stdout || '{}') as Report, stderr };
}

describe('readiness in a report', () => {
  it('templates that run nothing yet: missing images fail, present ones pass, running ones are left to the pods', async () => {
    const { code, report: r, stderr } = await report();
    expect(code, stderr).toBe(1);
    const probe = r.probes.find((p) => p.id === 'readiness');
    expect(probe?.status).toBe('ready');
    const findings = probe?.findings ?? [];
    expect(codes(findings, 'Deployment', 'scaled')).toEqual(['RDY-001 pass init', 'RDY-002 fail app']);
    expect(codes(findings, 'CronJob', 'weekly')).toEqual(['RDY-002 fail report']);
    expect(codes(findings, 'CronJob', 'nightly')).toEqual(['RDY-001 pass job']);
    expect(codes(findings, 'DaemonSet', 'agent')).toEqual([]);
    const weekly = findings.find((f) => f.subject.name === 'weekly');
    expect(weekly?.title).toBe(
      `CronJob apps/weekly will fail when it runs: ${HOST}/tkg/report-gen:2.1 is not in the registry`,
    );
    expect(weekly?.detail).toContain(`https://${HOST}/v2/tkg/report-gen/manifests/2.1: absent (404)`);
    const nightly = findings.find((f) => f.subject.name === 'nightly');
    expect(nightly?.evidence).toMatchObject({
      servedBy: `https://${HOST}/v2/tkg/cron-ok/manifests/1.0`,
      status: 200,
    });
  }, 90_000);

  it('expect files: fromtar, list and BOM, each missing entry named with file and line, one summary per file', async () => {
    const fromtar = join(tmp.dir, 'publish-images-fromtar.yaml');
    const list = join(tmp.dir, 'images.txt');
    const bom = join(tmp.dir, 'tkr-bom.yaml');
    const { code, report: r, stderr } = await report('--expect', fromtar, '--expect', list, '--expect', bom);
    expect(code, stderr).toBe(1);
    const findings = r.probes.find((p) => p.id === 'readiness')?.findings ?? [];
    const expected = (image: string) => codes(findings, 'ExpectedImage', image);
    expect(expected(`${HOST}/tkg/app:1.0`)).toEqual(['RDY-101 pass']);
    expect(expected(`${HOST}/tkg/cron-ok:1.0`)).toEqual(['RDY-101 pass']);
    expect(expected(`${HOST}/tkg/app:3.0`)).toEqual(['RDY-102 fail']);
    expect(expected(`${HOST}/tkg/app:4.0`)).toEqual(['RDY-102 fail']);
    expect(expected(`${HOST}/tkg/report-gen:2.1`)).toEqual(['RDY-102 fail']);
    expect(expected('docker.io/library/nginx:1.25')).toEqual(['RDY-105 fail']);
    const missing = findings.find((f) => f.subject.name === `${HOST}/tkg/app:3.0`);
    expect(missing?.title).toBe(`expected ${HOST}/tkg/app:3.0 (${fromtar}:3) is not in the registry`);
    expect(missing?.detail).toContain(`https://${HOST}/v2/tkg/app/manifests/3.0: absent (404)`);
    const listed = findings.find((f) => f.subject.name === `${HOST}/tkg/app:4.0`);
    expect(listed?.evidence.sources).toEqual([{ file: list, line: 4 }]);
    const summaries = findings.filter((f) => f.code === 'RDY-106').map((f) => f.title);
    expect(summaries).toEqual(
      expect.arrayContaining([
        `${fromtar}: 2 of 3 expected images present`,
        `${list}: 1 of 3 expected images present`,
        `${bom}: 1 of 2 expected images present`,
      ]),
    );
    // One request per unique reference: the template, list and BOM entries share their answers.
    const registryProbe = r.probes.find((p) => p.id === 'registry');
    expect(registryProbe?.status).toBe('ready');

    // The independent client agrees.
    const target = { address: registry.address, certDir: ca.certDir };
    expect((await skopeoInspectRaw(target, 'tkg/app', '1.0')).exists).toBe(true);
    expect((await skopeoInspectRaw(target, 'tkg/app', '3.0')).exists).toBe(false);
    expect((await skopeoInspectRaw(target, 'tkg/report-gen', '2.1')).exists).toBe(false);
    expect((await skopeoInspectRaw(target, 'tkg/cron-ok', '1.0')).exists).toBe(true);
  }, 90_000);

  it('a BOM read from the registry itself (oci://…/tkr-bom:TAG): its images judged like a file, a missing BOM says why', async () => {
    // An imgpkg-style BOM image: one gzip tar layer holding tkr-bom-v1.yaml, pushed with skopeo.
    const layout = join(tmp.dir, 'bom-layout');
    const tag = 'v1.28.8_vmware.1-tkg.3';
    writeBomImage(layout, tag, join(tmp.dir, 'tkr-bom.yaml'));
    await skopeoPush(layout, tag, { address: registry.address, certDir: ca.certDir }, 'tkg/tkr-bom');
    const bomRef = `oci://${HOST}/tkg/tkr-bom:${tag}`;
    const { code, report: r, stderr } = await report('--expect', bomRef);
    expect(code, stderr).toBe(1);
    const probe = r.probes.find((p) => p.id === 'readiness');
    expect(probe?.status, JSON.stringify(probe?.error)).toBe('ready');
    const findings = probe?.findings ?? [];
    expect(codes(findings, 'ExpectedImage', `${HOST}/tkg/app:1.0`)).toEqual(['RDY-101 pass']);
    expect(codes(findings, 'ExpectedImage', `${HOST}/tkg/report-gen:2.1`)).toEqual(['RDY-102 fail']);
    expect(findings.find((f) => f.code === 'RDY-106')?.title).toBe(
      `${bomRef} (tkr-bom-v1.yaml): 1 of 2 expected images present`,
    );
    const missing = await report('--expect', `oci://${HOST}/tkg/tkr-bom:v0.0.0`);
    expect(missing.code).toBe(1);
    const failed = missing.report.probes.find((p) => p.id === 'readiness');
    expect(failed?.status).toBe('error');
    expect(failed?.error).toBe(`expect oci://${HOST}/tkg/tkr-bom:v0.0.0: the manifest answered 404`);
  }, 90_000);

  // Last: it pushes an image the other tests expect to be missing.
  it('--diff: an image uploaded since the last report is newly present (its RDY-102 resolved)', async () => {
    const fromtar = join(tmp.dir, 'publish-images-fromtar.yaml');
    const old = join(tmp.dir, 'old.json');
    const first = await runReportCli([
      '--kubeconfig',
      sim.kubeconfigPath,
      '--config',
      configFile,
      '--expect',
      fromtar,
      '-o',
      'json',
      '--output-file',
      old,
    ]);
    expect(first.code, first.stderr).toBe(1);
    const layout = join(tmp.dir, 'layout-3');
    buildOciLayout(layout, [{ tag: '3.0', arches: ['amd64'] }]);
    await skopeoPush(layout, '3.0', { address: registry.address, certDir: ca.certDir }, 'tkg/app');
    const { stdout, stderr } = await runReportCli([
      '--kubeconfig',
      sim.kubeconfigPath,
      '--config',
      configFile,
      '--expect',
      fromtar,
      '--diff',
      old,
    ]);
    const resolved = stdout.slice(stdout.indexOf('Resolved:'));
    expect(stdout, stderr).toContain('Resolved:');
    expect(resolved).toMatch(new RegExp(`FAIL RDY-102 ExpectedImage ${HOST}/tkg/app:3\\.0`));
    expect(stdout).toMatch(/0 new, 1 resolved, 0 changed/);
  }, 90_000);

  it('a malformed expect file is one line naming file and line, exit 2, before the cluster is asked', async () => {
    const broken = join(tmp.dir, 'broken.txt');
    const { code, stderr } = await runReportCli([
      '--kubeconfig',
      sim.kubeconfigPath,
      '--config',
      configFile,
      '--expect',
      broken,
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^airgap-top: expect file ${broken}:2: invalid image reference`, 'm'));
  }, 60_000);
});

/** An OCI layout holding one imgpkg-style image: a config and one gzip tar layer with the BOM file. */
function writeBomImage(layout: string, tag: string, bomFile: string): void {
  const staging = `${layout}-files`;
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'tkr-bom-v1.yaml'), readFileSync(bomFile));
  const tgz = `${layout}.tgz`;
  execFileSync('tar', ['-czf', tgz, '-C', staging, 'tkr-bom-v1.yaml']);
  mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
  const blob = (data: Buffer) => {
    const hex = createHash('sha256').update(data).digest('hex');
    writeFileSync(join(layout, 'blobs', 'sha256', hex), data);
    return { digest: `sha256:${hex}`, size: data.length };
  };
  const layer = blob(readFileSync(tgz));
  const config = blob(
    Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'),
  );
  const manifest = blob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
      }),
    ),
  );
  writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
}
