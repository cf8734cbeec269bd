import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger } from '../../src/core/log.js';
import { DEFAULT_CONFIG } from '../../src/model/config.js';
import type { Finding } from '../../src/model/finding.js';
import { evaluateIpam } from '../../src/model/ipam/evaluate.js';
import type { IpamData } from '../../src/model/ipam/types.js';
import { Store } from '../../src/model/store.js';
import { ipamProbe } from '../../src/probes/ipam.js';
import { type KubeConnection, loadKubeConnection } from '../../src/probes/kube/connection.js';
import type { ProbeContext, Resolver } from '../../src/probes/types.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';
import { parseYaml } from '../helpers/yaml.js';
import { IPAM_SCENARIO_FINDINGS, summary } from '../model/ipam/expected.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const FIXTURE_NOW = Date.parse('2026-03-01T12:00:00Z');
const FQDN = 'wc-2-api.corp.internal';
type Obj = Record<string, unknown>;

/** The scenario fixture with every timestamp moved so that the fixture's "now" is the real now. */
function scenario(options: { endpointFor?: Record<string, string> } = {}): Obj[] {
  const shift = Date.now() - FIXTURE_NOW;
  const text = readFileSync(join(root, 'fixtures/ipam/scenario.yaml'), 'utf8').replace(
    /'(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)'/g,
    (_m, ts: string) => `'${new Date(Date.parse(ts) + shift).toISOString().replace(/\.\d{3}Z$/, 'Z')}'`,
  );
  const items = (parseYaml(text) as { items: Obj[] }).items;
  for (const item of items) {
    const host = options.endpointFor?.[(item.metadata as { name: string }).name];
    if (item.kind === 'Cluster' && host) {
      (item.spec as { controlPlaneEndpoint: { host: string } }).controlPlaneEndpoint.host = host;
    }
  }
  return items;
}

function context(
  kube: KubeConnection,
  store: Store,
  resolve: Resolver,
  live = false,
  signal?: AbortSignal,
): ProbeContext {
  return {
    config: DEFAULT_CONFIG,
    kube,
    store,
    log: new Logger({}),
    signal: signal ?? new AbortController().signal,
    live,
    resolve,
  };
}

/** Injected resolver: never touches DNS; the FQDN of the scenario does not resolve. */
function fakeResolver(asked: string[]): Resolver {
  return async (host) => {
    asked.push(host);
    const err = new Error(`getaddrinfo ENOTFOUND ${host}`) as NodeJS.ErrnoException;
    err.code = 'ENOTFOUND';
    throw err;
  };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ipam probe against the Kubernetes API simulator', () => {
  let sim: SimulatorHandleExtended;
  let kube: KubeConnection;

  beforeAll(async () => {
    sim = await startTestSimulator(scenario());
    kube = loadKubeConnection({ kubeconfig: sim.kubeconfigPath });
  });
  afterAll(async () => {
    kube?.close();
    await sim?.close();
  });

  it('reads the chain at the served versions and produces exactly the expected findings', async () => {
    const store = new Store();
    const asked: string[] = [];
    await ipamProbe.start(context(kube, store, fakeResolver(asked)));
    const state = store.get('ipam');
    expect(state?.status).toBe('ready');
    const data = state?.data as IpamData;
    expect(data.versions).toMatchObject({
      ipaddressclaims: 'ipam.cluster.x-k8s.io/v1beta1',
      ipaddresses: 'ipam.cluster.x-k8s.io/v1beta1',
      inclusterippools: 'ipam.cluster.x-k8s.io/v1alpha2',
      globalinclusterippools: 'ipam.cluster.x-k8s.io/v1alpha2',
      vspherevms: 'infrastructure.cluster.x-k8s.io/v1beta1',
    });
    expect(asked).toEqual([FQDN]);
    expect(data.resolutions[FQDN]?.error).toContain('ENOTFOUND');
    expect(summary(evaluateIpam(data, new Date()))).toEqual(IPAM_SCENARIO_FINDINGS);
  });

  it('keeps watching: one pool edit makes new data, other records keep their identity', async () => {
    const store = new Store();
    const controller = new AbortController();
    await ipamProbe.start(context(kube, store, fakeResolver([]), true, controller.signal));
    try {
      const before = store.get('ipam')?.data as IpamData;
      expect(summary(evaluateIpam(before, new Date()))).toContain(
        'fail IPAM-102 InClusterIPPool/tenant-a/small-pool//',
      );
      const pool = sim.get('ipam.cluster.x-k8s.io/v1alpha2', 'InClusterIPPool', 'small-pool', 'tenant-a')!;
      sim.apply({ ...pool, spec: { ...(pool.spec as Obj), addresses: ['10.30.0.10-10.30.0.20'] } });
      await until(() => store.get('ipam')?.data !== before);
      const after = store.get('ipam')?.data as IpamData;
      const findings = summary(evaluateIpam(after, new Date()));
      expect(findings).not.toContain('fail IPAM-102 InClusterIPPool/tenant-a/small-pool//');
      expect(findings).toContain('warn IPAM-003 IPAddressClaim/tenant-a/wc-2-md-0-b-0-0//');
      const unchanged = after.pools.find((p) => p.name === 'inclusterippool');
      expect(unchanged).toBe(before.pools.find((p) => p.name === 'inclusterippool'));
      expect(after.vsphereVMs[0]).toBe(before.vsphereVMs[0]);
    } finally {
      controller.abort();
      sim.apply(sim.get('ipam.cluster.x-k8s.io/v1alpha2', 'InClusterIPPool', 'small-pool', 'tenant-a')!);
    }
  });
});

describe("ipam probe during a rolling upgrade: a claim held in its pool's reuse grace", () => {
  it('reads the deleting claim and the pool grace through the API; the exhausted pool says when it frees', async () => {
    const deletingSince = new Date(Date.now() - 2 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const objects = scenario().map((item) => {
      const meta = item.metadata as { name: string; namespace?: string };
      if (item.kind === 'InClusterIPPool' && meta.name === 'small-pool') {
        return { ...item, spec: { ...(item.spec as Obj), addressReuseGracePeriodSeconds: 600 } };
      }
      // The machine wc-2-cp-1 was deleted two minutes ago; the provider holds its claim by finalizer.
      if (item.kind === 'IPAddressClaim' && meta.name === 'wc-2-cp-1-0-0') {
        return { ...item, metadata: { ...(item.metadata as Obj), deletionTimestamp: deletingSince } };
      }
      return item;
    });
    const sim = await startTestSimulator(objects);
    const kube = loadKubeConnection({ kubeconfig: sim.kubeconfigPath });
    try {
      const store = new Store();
      await ipamProbe.start(context(kube, store, fakeResolver([])));
      const data = store.get('ipam')?.data as IpamData;
      const claim = data.claims.find((c) => c.name === 'wc-2-cp-1-0-0');
      expect(claim?.deletionTimestamp).toBe(deletingSince);
      expect(data.pools.find((p) => p.name === 'small-pool')?.addressReuseGracePeriodSeconds).toBe(600);
      const findings = evaluateIpam(data, new Date());
      const held = findings.filter((f) => f.code === 'IPAM-007');
      expect(held.map((f) => `${f.subject.namespace}/${f.subject.name}`)).toEqual(['tenant-a/wc-2-cp-1-0-0']);
      expect(held[0]?.evidence).toMatchObject({
        address: expect.stringContaining('10.30.0.11'),
        graceSeconds: 600,
      });
      expect(findings.some((f) => f.code === 'IPAM-008')).toBe(false);
      const exhausted = findings.find((f) => f.code === 'IPAM-102' && f.subject.name === 'small-pool');
      expect(exhausted?.evidence).toMatchObject({ heldByDeletingClaims: 1, inReuseGrace: 1 });
      expect(exhausted?.detail).toContain("in the pool's reuse grace, the first freed at");
    } finally {
      kube.close();
      await sim.close();
    }
  });
});

describe('ipam probe on a cluster without the CRDs', () => {
  it('is not applicable, with a message that says where to look', async () => {
    const sim = await startTestSimulator([]);
    // The simulator serves CAPI/CAPV/IPAM CRDs by default: take them away like a plain workload cluster.
    const byKey = (sim.registry as unknown as { byKey: Map<string, unknown> }).byKey;
    for (const key of [...byKey.keys()]) {
      if (/\.(ipam|infrastructure)\.cluster\.x-k8s\.io$|\.cluster\.x-k8s\.io$/.test(key)) byKey.delete(key);
    }
    const kube = loadKubeConnection({ kubeconfig: sim.kubeconfigPath });
    try {
      const store = new Store();
      await ipamProbe.start(context(kube, store, fakeResolver([])));
      expect(store.get('ipam')).toMatchObject({ status: 'not-applicable' });
      expect(store.get('ipam')?.message).toContain('management cluster');
      expect(sim.requests.some((r) => r.path.includes('ipaddressclaims'))).toBe(false);
    } finally {
      kube.close();
      await sim.close();
    }
  });
});

describe('airgap-top report (built CLI) carries the IPAM findings', () => {
  let sim: SimulatorHandleExtended;
  let dir: string;

  beforeAll(async () => {
    // The CLI uses the system resolver: the FQDN endpoint becomes `localhost`, never a made-up name.
    sim = await startTestSimulator(scenario({ endpointFor: { 'wc-2': 'localhost' } }));
    dir = mkdtempSync(join(tmpdir(), 'ipam-report-'));
  });
  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function report(format: string): Promise<string> {
    const result = await run(
      process.execPath,
      [join(root, 'dist/cli/main.js'), 'report', '--format', format, '--kubeconfig', sim.kubeconfigPath],
      { cwd: dir, env: { ...process.env, KUBECONFIG: '' }, maxBuffer: 32 * 1024 * 1024 },
    ).catch((err: { stdout?: string; code?: number }) => {
      // Exit code 1 = findings that fail: expected here.
      if (err.code === 1 && err.stdout) return { stdout: err.stdout };
      throw err;
    });
    return result.stdout;
  }

  it('JSON: exactly the expected IPAM findings, with the chain as evidence', async () => {
    const json = JSON.parse(await report('json')) as {
      probes: { id: string; status: string; findings: Finding[] }[];
    };
    const ipam = json.probes.find((p) => p.id === 'ipam');
    expect(ipam?.status).toBe('ready');
    const expected = IPAM_SCENARIO_FINDINGS.filter(
      (l) => !l.includes('IPAM-302 Cluster/tenant-a/wc-2'),
    ).concat('pass IPAM-303 Cluster/tenant-a/wc-2//');
    expect(summary(ipam?.findings ?? [])).toEqual(expected.sort(bySeverityThenText));
    const vm = ipam?.findings.find((f) => f.code === 'IPAM-002' && f.subject.name === 'wc-2-md-0-b');
    expect(vm?.evidence).toMatchObject({
      vsphereVM: 'tenant-a/wc-2-md-0-b',
      machine: 'wc-2-md-0-b',
      cluster: 'wc-2',
      chain: [{ claim: 'wc-2-md-0-b-0-0', pool: 'InClusterIPPool/small-pool', state: 'pending' }],
    });
    const endpoint = ipam?.findings.find((f) => f.code === 'IPAM-303' && f.subject.name === 'wc-2');
    expect(endpoint?.evidence).toMatchObject({ host: 'localhost' });
  });

  it('Markdown: the IPAM section lists the failing rules', async () => {
    const md = await report('md');
    for (const code of ['IPAM-104', 'IPAM-102', 'IPAM-201', 'IPAM-202', 'IPAM-301', 'IPAM-005']) {
      expect(md).toContain(code);
    }
    expect(md).toContain('10.10.10.4-10.10.10.20');
    expect(md).not.toContain('IPAM-302');
  });
});

const RANK: Record<string, number> = { fail: 0, warn: 1, info: 2, pass: 3 };
function bySeverityThenText(a: string, b: string): number {
  return (RANK[a.split(' ')[0]!] ?? 9) - (RANK[b.split(' ')[0]!] ?? 9) || a.localeCompare(b);
}
