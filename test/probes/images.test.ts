import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/app/session.js';
import { Logger } from '../../src/core/log.js';
import { parseConfig } from '../../src/model/config.js';
import type { ImagesData } from '../../src/model/images/types.js';
import type { Report } from '../../src/model/report.js';
import { Store } from '../../src/model/store.js';
import { podsErrorMessage, runImagesProbe } from '../../src/probes/images.js';
import { loadKubeConnection } from '../../src/probes/kube/connection.js';
import { runCli } from '../helpers/cli.js';
import { startTestSimulator } from '../helpers/simulator.js';
import { parseYaml } from '../helpers/yaml.js';
import { IMAGES_FIXTURE_FINDINGS, triples } from '../model/images/expected.js';

const ROOT = join(import.meta.dirname, '../..');
const FIXTURE = join(ROOT, 'fixtures/images/pods.yaml');
const CONFIG = join(ROOT, 'fixtures/images/airgap-top.toml');

function fixtureObjects(): Record<string, unknown>[] {
  return (parseYaml(readFileSync(FIXTURE, 'utf8')) as { items: Record<string, unknown>[] }).items;
}

/** Only reads: GET (get, list, watch) and nothing else, ever. */
function expectReadOnly(requests: readonly { method: string; verb: string; path: string }[]): void {
  expect(requests.length).toBeGreaterThan(0);
  const writes = requests.filter((r) => r.method !== 'GET' || !['get', 'list', 'watch'].includes(r.verb));
  expect(writes).toEqual([]);
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function privatePod(name: string, image: string, namespace = 'apps'): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: `uid-${namespace}-${name}` },
    spec: { nodeName: 'node-1', containers: [{ name: 'main', image }] },
    status: { phase: 'Running' },
  };
}

beforeAll(() => {
  // The CLI is spawned from dist (npm test builds it first). Rebuilding it here while other test
  // files spawn it would race them, so only a missing build is made; tsc emits despite type errors.
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
    } catch {
      /* emitted anyway; a broken build shows up as a failing spawn below */
    }
}, 240_000);

describe('airgap-top report against the simulator (images)', () => {
  let sim: Awaited<ReturnType<typeof startTestSimulator>>;
  beforeAll(async () => {
    sim = await startTestSimulator(FIXTURE);
  }, 60_000);
  afterAll(async () => {
    await sim?.close();
  });

  it('flags exactly the right containers with the right severities, exits 1, and only reads', async () => {
    // The names' own verdicts: the registry is not asked here (see the next test for when it is).
    const { code, stdout, stderr } = await runCli(
      [
        'report',
        '--format',
        'json',
        '--kubeconfig',
        sim.kubeconfigPath,
        '--config',
        CONFIG,
        '--no-registry-check',
      ],
      { env: { KUBECONFIG: '' } },
    );
    expect(code, stderr).toBe(1);
    const report = JSON.parse(stdout) as Report;
    const images = report.probes.find((p) => p.id === 'images');
    expect(images?.status).toBe('ready');
    expect(triples(images?.findings ?? [])).toEqual(IMAGES_FIXTURE_FINDINGS);
    expect(images?.summary).toEqual({ pass: 6, info: 1, warn: 1, fail: 9 });
    const nginx = images?.findings.find((f) => f.subject.container === 'nginx');
    expect(nginx?.evidence).toMatchObject({
      workload: 'Deployment/web',
      reference: 'docker.io/library/nginx:latest',
    });
    const cron = images?.findings.find((f) => f.code === 'IMG-005' && f.subject.container === 'defrag');
    expect(cron?.detail).toContain('CronJob kube-system/etcd-defrag');
    expect(cron?.detail).toContain('Back-off pulling image "registry.k8s.io/etcd:3.5.9-0"');
    // The kubelet's Failed event, read with a field selector, says why.
    expect(cron?.title).toBe('ImagePullBackOff (registry unreachable): registry.k8s.io/etcd:3.5.9-0');
    expect(cron?.detail).toContain('dial tcp 34.96.108.209:443: i/o timeout');
    expectReadOnly(sim.requests);
    const paths = new Set(sim.requests.map((r) => r.path.split('?')[0]));
    expect(paths).toContain('/api/v1/pods');
    expect(paths).toContain('/apis/apps/v1/replicasets');
    expect(paths).toContain('/apis/batch/v1/jobs');
    expect(
      sim.requests.some(
        (r) =>
          r.path.startsWith('/api/v1/events?') &&
          decodeURIComponent(r.path).includes('fieldSelector=involvedObject.kind=Pod,reason=Failed'),
      ),
    ).toBe(true);
  }, 90_000);

  it('a private name whose registry cannot be asked is unverified, never a pass', async () => {
    // The fixture's registry.example.internal does not resolve (the suite resolves no made-up name).
    const { code, stdout, stderr } = await runCli(
      ['report', '--format', 'json', '--kubeconfig', sim.kubeconfigPath, '--config', CONFIG],
      { env: { KUBECONFIG: '' } },
    );
    expect(code, stderr).toBe(1);
    const report = JSON.parse(stdout) as Report;
    const images = report.probes.find((p) => p.id === 'images');
    const expected = IMAGES_FIXTURE_FINDINGS.map((t) =>
      t.startsWith('IMG-001 pass') ? t.replace('IMG-001 pass', 'REG-205 warn') : t,
    );
    expect(triples(images?.findings ?? []).sort()).toEqual(expected.sort());
    const unverified = images?.findings.find((f) => f.code === 'REG-205');
    expect(unverified?.detail).toContain('https://registry.example.internal/v2/');
    expect(unverified?.detail).toMatch(/unreachable \(dns\)/);
    const registry = report.probes.find((p) => p.id === 'registry');
    expect(registry?.status).toBe('ready');
    // The private registry could not be asked; nothing else was dialled: public registries and the
    // unlisted 10.20.0.50:5000 are named from the configuration only.
    expect(triples(registry?.findings ?? [])).toEqual([
      'REG-302 warn RegistryEndpoint https://registry.example.internal',
      'REG-306 info RegistryEndpoint https://10.20.0.50:5000',
      'REG-306 info RegistryEndpoint https://quay.io',
      'REG-306 info RegistryEndpoint https://registry-1.docker.io',
      'REG-306 info RegistryEndpoint https://registry.k8s.io',
    ]);
    expect(registry?.findings.find((f) => f.subject.name === 'https://10.20.0.50:5000')?.detail).toContain(
      'no [registry] private prefix or connect_to names it',
    );
  }, 90_000);

  it('-n limits the reads and the findings to one namespace', async () => {
    const { stdout, stderr } = await runCli(
      [
        'report',
        '--format',
        'json',
        '--kubeconfig',
        sim.kubeconfigPath,
        '--config',
        CONFIG,
        '-n',
        'apps',
        '--no-registry-check',
      ],
      { env: { KUBECONFIG: '' } },
    );
    const images = (JSON.parse(stdout) as Report).probes.find((p) => p.id === 'images');
    expect(triples(images?.findings ?? []), stderr).toEqual([
      'IMG-005 fail Pod apps/worker-6b8d7f9c4-x2b7n [worker]',
      'IMG-004 warn Pod apps/api-5f6d8c9b7-4kq9s [api]',
      'IMG-001 pass Pod apps/api-5f6d8c9b7-4kq9s [api]',
      'IMG-001 pass Pod apps/worker-6b8d7f9c4-x2b7n [worker]',
    ]);
    expect(sim.requests.some((r) => r.path.startsWith('/api/v1/namespaces/apps/pods'))).toBe(true);
  }, 90_000);
});

describe('airgap-top report with every image private', () => {
  it('exits 0', async () => {
    const objects = fixtureObjects().filter((o) => {
      const name = (o.metadata as { name?: string }).name ?? '';
      return ['antrea-agent-7xk2p', 'prometheus-0', 'toolbox', 'web-7d4b9c8f5'].includes(name);
    });
    // prometheus-0's app container and toolbox's debug container moved to the private registry too.
    const fixed = JSON.parse(
      JSON.stringify(objects)
        .replaceAll('quay.io/prometheus/', 'registry.example.internal/tkg/prometheus/')
        .replaceAll('"busybox:1.36"', '"registry.example.internal/tkg/tools/busybox:1.36"')
        .replaceAll('docker.io/library/busybox', 'registry.example.internal/tkg/tools/busybox'),
    ) as object[];
    const sim = await startTestSimulator(fixed);
    try {
      const { code, stdout, stderr } = await runCli(
        [
          'report',
          '--format',
          'json',
          '--kubeconfig',
          sim.kubeconfigPath,
          '--config',
          CONFIG,
          '--no-registry-check',
        ],
        { env: { KUBECONFIG: '' } },
      );
      const report = JSON.parse(stdout) as Report;
      const images = report.probes.find((p) => p.id === 'images');
      expect(triples(images?.findings ?? [])).toEqual([
        'IMG-001 pass Pod default/toolbox [debugger-x7k2q]',
        'IMG-001 pass Pod default/toolbox [toolbox]',
        'IMG-001 pass Pod kube-system/antrea-agent-7xk2p [antrea-agent]',
        'IMG-001 pass Pod kube-system/antrea-agent-7xk2p [install-cni]',
        'IMG-001 pass Pod monitoring/prometheus-0 [config-reloader]',
        'IMG-001 pass Pod monitoring/prometheus-0 [prometheus]',
      ]);
      expect(
        code,
        `${stderr}\n${JSON.stringify(report.probes.map((p) => [p.id, p.status, p.error, p.summary]))}`,
      ).toBe(0);
      expectReadOnly(sim.requests);
    } finally {
      await sim.close();
    }
  }, 90_000);
});

describe('the images probe, live', () => {
  it('a pod created, broken and deleted while the probe watches shows up, changes and goes', async () => {
    const sim = await startTestSimulator([privatePod('api', 'registry.example.internal/tkg/api:1')]);
    const config = parseConfig(readFileSync(CONFIG, 'utf8'), CONFIG).config;
    const session = await Session.open({
      kubeconfig: sim.kubeconfigPath,
      config,
      log: new Logger(),
      live: true,
      probes: ['images'],
    });
    try {
      await session.start();
      const images = () => session.results().find((r) => r.id === 'images');
      expect(triples(images()?.findings ?? [])).toEqual(['IMG-001 pass Pod apps/api [main]']);
      // Watching once the watch is open (the server accepted it), not merely after the list.
      await waitFor('the watch to open', () => (images()?.live?.state === 'watching' ? true : undefined));
      expect(images()?.live).toEqual({ state: 'watching' });

      sim.apply(privatePod('intruder', 'quay.io/evil/miner:1', 'default'));
      const added = await waitFor('the new pod as a finding', () =>
        images()?.findings.find((f) => f.subject.name === 'intruder'),
      );
      expect(`${added.code} ${added.severity}`).toBe('IMG-002 fail');

      sim.patch('v1', 'Pod', 'api', 'apps', {
        status: {
          containerStatuses: [
            {
              name: 'main',
              image: 'registry.example.internal/tkg/api:1',
              imageID: '',
              ready: false,
              state: {
                waiting: { reason: 'ErrImagePull', message: 'failed to resolve reference: not found' },
              },
            },
          ],
        },
      });
      const failing = await waitFor('the pull failure', () =>
        images()?.findings.find((f) => f.code === 'IMG-005' && f.subject.name === 'api'),
      );
      expect(failing.detail).toContain('failed to resolve reference: not found');

      // The kubelet's event arrives later and tells why.
      sim.apply({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'api.1', namespace: 'apps', uid: 'uid-event-api-1' },
        involvedObject: {
          apiVersion: 'v1',
          kind: 'Pod',
          name: 'api',
          namespace: 'apps',
          uid: 'uid-apps-api',
          fieldPath: 'spec.containers{main}',
        },
        reason: 'Failed',
        message:
          'Failed to pull image "registry.example.internal/tkg/api:1": x509: certificate signed by unknown authority',
        type: 'Warning',
        count: 2,
        lastTimestamp: '2026-11-22T12:00:00Z',
      });
      const explained = await waitFor('the pull error event', () =>
        images()?.findings.find(
          (f) => f.code === 'IMG-005' && f.subject.name === 'api' && f.detail.includes('x509'),
        ),
      );
      expect(explained.title).toBe(
        'ErrImagePull (registry certificate not trusted): registry.example.internal/tkg/api:1',
      );

      sim.remove('v1', 'Pod', 'intruder', 'default');
      await waitFor('the deleted pod to disappear', () =>
        images()?.findings.some((f) => f.subject.name === 'intruder') ? undefined : true,
      );
      // The simulator records a request when it ends: close the session, then look for the watch.
      session.close();
      await waitFor('the pods watch to be recorded', () =>
        sim.requests.some((r) => r.verb === 'watch' && r.path.startsWith('/api/v1/pods')) ? true : undefined,
      );
      expectReadOnly(sim.requests);
    } finally {
      session.close();
      await sim.close();
    }
  }, 60_000);

  it('keeps the same data object when an event changes nothing it keeps, and a new one when it does', async () => {
    const sim = await startTestSimulator([privatePod('a', 'registry.example.internal/tkg/a:1')]);
    const store = new Store();
    const controller = new AbortController();
    const kube = loadKubeConnection({ kubeconfig: sim.kubeconfigPath });
    const config = parseConfig(readFileSync(CONFIG, 'utf8'), CONFIG).config;
    try {
      await runImagesProbe({
        config,
        kube,
        store,
        log: new Logger(),
        signal: controller.signal,
        live: true,
        resolve: async () => ['127.0.0.1'],
      });
      const first = store.get('images')?.data as ImagesData;
      expect(first.pods.map((p) => p.name)).toEqual(['a']);
      sim.apply(privatePod('b', 'registry.example.internal/tkg/b:1'));
      const second = await waitFor('pod b', () => {
        const d = store.get('images')?.data as ImagesData;
        return d.pods.length === 2 ? d : undefined;
      });
      expect(second).not.toBe(first);
      // Pod a's record is the same object: evaluation re-judges only b.
      expect(second.pods.find((p) => p.name === 'a')).toBe(first.pods[0]);
      // An event that changes no pod record (an unrelated ReplicaSet) republishes the SAME data object.
      const stamp = store.get('images')?.updatedAt;
      sim.apply({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'unrelated-5d8f7', namespace: 'apps', uid: 'uid-rs-unrelated' },
        spec: { selector: { matchLabels: { app: 'unrelated' } } },
      });
      await waitFor('the ReplicaSet event to be published', () =>
        store.get('images')?.updatedAt !== stamp ? true : undefined,
      );
      expect(store.get('images')?.data).toBe(second);
      // A change to pod b: new data, pod a's record still the same object.
      sim.patch('v1', 'Pod', 'b', 'apps', { status: { phase: 'Failed' } });
      const third = await waitFor('the patch to be published', () => {
        const d = store.get('images')?.data as ImagesData;
        return d !== second ? d : undefined;
      });
      expect(third.pods.find((p) => p.name === 'b')?.phase).toBe('Failed');
      expect(third.pods.find((p) => p.name === 'a')).toBe(first.pods[0]);
    } finally {
      controller.abort();
      kube.close();
      await sim.close();
    }
  }, 60_000);

  it('an API server that stops answering becomes status error with a message, not a crash', async () => {
    const sim = await startTestSimulator([]);
    const kube = loadKubeConnection({ kubeconfig: sim.kubeconfigPath });
    await sim.close();
    const store = new Store();
    const config = parseConfig(readFileSync(CONFIG, 'utf8'), CONFIG).config;
    try {
      await runImagesProbe({
        config,
        kube,
        store,
        log: new Logger(),
        signal: new AbortController().signal,
        live: false,
        resolve: async () => ['127.0.0.1'],
      });
      const state = store.get('images');
      expect(state?.status).toBe('error');
      expect(state?.message).toMatch(/cannot read pods: .+/);
    } finally {
      kube.close();
    }
  }, 30_000);
  it('refused credentials become status error with the next step', async () => {
    const sim = await startTestSimulator([]);
    const dir = mkdtempSync(join(tmpdir(), 'images-401-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      readFileSync(sim.kubeconfigPath, 'utf8').replaceAll(sim.token, 'not-the-token'),
    );
    const kube = loadKubeConnection({ kubeconfig });
    const store = new Store();
    const config = parseConfig(readFileSync(CONFIG, 'utf8'), CONFIG).config;
    try {
      await runImagesProbe({
        config,
        kube,
        store,
        log: new Logger(),
        signal: new AbortController().signal,
        live: false,
        resolve: async () => ['127.0.0.1'],
      });
      expect(store.get('images')?.status).toBe('error');
      expect(store.get('images')?.message).toMatch(/401.*Refresh the kubeconfig credentials/);
    } finally {
      kube.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('report config without a private registry', () => {
  it('says so in one finding and still fails public images', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'images-noconf-'));
    const sim = await startTestSimulator([
      privatePod('web', 'nginx'),
      privatePod('x', 'harbor.corp.internal/app/x:1'),
    ]);
    try {
      const config = join(dir, 'airgap-top.toml');
      writeFileSync(config, '[registry]\nprofile = "tkg"\n');
      const { code, stdout } = await runCli(
        ['report', '--format', 'json', '--kubeconfig', sim.kubeconfigPath, '--config', config],
        { env: { KUBECONFIG: '' } },
      );
      expect(code).toBe(1);
      const images = (JSON.parse(stdout) as Report).probes.find((p) => p.id === 'images');
      expect(triples(images?.findings ?? [])).toEqual([
        'IMG-002 fail Pod apps/web [main]',
        'IMG-010 fail Config registry.private',
        'IMG-003 info Pod apps/x [main]',
      ]);
    } finally {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('podsErrorMessage', () => {
  it.each([
    [
      'forbidden to list /api/v1/pods: the user needs list and watch on it (RBAC)',
      undefined,
      /kubectl auth can-i list pods --all-namespaces && kubectl auth can-i watch pods --all-namespaces$/,
    ],
    ['forbidden to list /api/v1/namespaces/apps/pods: ...', 'apps', /kubectl auth can-i list pods -n apps/],
    [
      'not authorised to read /api/v1/pods: the kubeconfig credentials were refused (401)',
      undefined,
      /token expired/,
    ],
    ['connect ECONNREFUSED 127.0.0.1:6443', undefined, /^cannot read pods: connect ECONNREFUSED/],
  ])('%s', (error, namespace, expected) => {
    expect(podsErrorMessage(error, namespace)).toMatch(expected);
  });
});

describe('one bad object is one bad object', () => {
  it('pods with ownerReferences: [null], containerStatuses: [null] or containers: "x" are one IMG-012 each; the rest is judged', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: each patch reaches into arbitrary pod fields
    type Loose = Record<string, any>;
    const bad = (name: string, patch: (pod: Loose) => void): Record<string, unknown> => {
      const pod = privatePod(name, 'docker.io/library/nginx:1.25') as Loose;
      patch(pod);
      return pod;
    };
    const sim = await startTestSimulator([
      privatePod('good', 'docker.io/library/nginx:1.25'),
      bad('null-owner', (p) => {
        p.metadata.ownerReferences = [null];
      }),
      bad('null-status', (p) => {
        p.status.containerStatuses = [null];
      }),
      bad('string-containers', (p) => {
        p.spec.containers = 'x';
      }),
    ]);
    try {
      const { stdout, stderr } = await runCli(
        ['report', '--format', 'json', '--kubeconfig', sim.kubeconfigPath, '--config', CONFIG],
        { env: { KUBECONFIG: '' } },
      );
      const report = JSON.parse(stdout) as Report;
      const images = report.probes.find((p) => p.id === 'images');
      expect(images?.status, `${stderr} ${images?.error}`).toBe('ready');
      expect(triples(images?.findings ?? [])).toEqual([
        'IMG-002 fail Pod apps/good [main]',
        'IMG-002 fail Pod apps/null-owner [main]',
        'IMG-002 fail Pod apps/null-status [main]',
        'IMG-012 warn Pod apps/null-owner',
        'IMG-012 warn Pod apps/null-status',
        'IMG-012 warn Pod apps/string-containers',
      ]);
      const detail = (name: string) =>
        images?.findings.find((f) => f.code === 'IMG-012' && f.subject.name === name)?.detail;
      expect(detail('null-owner')).toContain('metadata.ownerReferences[0] is null');
      expect(detail('null-status')).toContain('status.containerStatuses[0] is null');
      expect(detail('string-containers')).toContain('spec.containers is a string, not a list');
    } finally {
      await sim.close();
    }
  }, 90_000);
});
