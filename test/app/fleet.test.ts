import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet, mapBounded } from '../../src/app/fleet.js';
import { Logger } from '../../src/core/log.js';
import { DEFAULT_CONFIG } from '../../src/model/config.js';
import type { FleetReport } from '../../src/model/fleet.js';
import { renderFleet } from '../../src/report/fleet.js';
import { type FleetSimulatorHandle, retarget, startFleetSimulator } from '../../src/sim/fleet.js';

const CONFIG = {
  ...DEFAULT_CONFIG,
  registry: { private: ['registry.example.internal/tkg'], check: false },
};

function clusterOf(report: FleetReport, name: string) {
  const c = report.clusters.find((x) => x.name === name);
  if (!c) throw new Error(`no cluster ${name} in the fleet report`);
  return c;
}

describe('Fleet over the fleet simulator (management + 4 workload API servers, one down)', () => {
  let sim: FleetSimulatorHandle;
  let report: FleetReport;
  const secretReads: string[] = [];

  beforeAll(async () => {
    sim = await startFleetSimulator({ spec: 'fleet=5,down=1,nodes=3,pods=20', seed: 7 });
    // workload-1: the Secret holds a stale token and is rotated right after the first read.
    const good1 = sim.kubeconfigOf('workload-1');
    sim.setKubeconfig('workload-1', retarget(good1, sim.members[0]?.server ?? '', 'stale-token-0001'));
    // workload-2: credentials refused for good; workload-3: no Secret at all.
    sim.setKubeconfig(
      'workload-2',
      retarget(sim.kubeconfigOf('workload-2'), sim.members[1]?.server ?? '', 'expired-token-0002'),
    );
    sim.management.remove('v1', 'Secret', 'workload-3-kubeconfig', 'tkg-workloads');
    const fleet = await Fleet.open({
      kubeconfig: sim.kubeconfigPath,
      config: CONFIG,
      log: new Logger(),
      concurrency: 2,
      timeoutSeconds: 60,
      onSecretRead: (ref) => {
        secretReads.push(ref.name);
        if (ref.name === 'workload-1' && secretReads.filter((n) => n === 'workload-1').length === 1)
          sim.setKubeconfig('workload-1', good1);
      },
    });
    try {
      report = await fleet.report();
    } finally {
      fleet.close();
    }
  }, 120_000);

  afterAll(async () => {
    await sim?.close();
  });

  it('lists every Cluster, sorted, and reads the reachable ones with the workload-side probes', () => {
    expect(report.clusters.map((c) => c.name)).toEqual([
      'workload-1',
      'workload-2',
      'workload-3',
      'workload-4',
      'workload-5',
    ]);
    const ok = clusterOf(report, 'workload-4');
    expect(ok.status).toBe('ok');
    expect(ok.probes.map((p) => p.id)).toEqual([
      'images',
      'topology',
      'ipam',
      'portgroups',
      'containerd',
      'registry',
    ]);
    expect(ok.probes.find((p) => p.id === 'images')?.status).toBe('ready');
    expect(ok.server).toBe(sim.members[3]?.server);
  });

  it('re-reads a rotated Secret after a 401 and goes on with the new credentials', () => {
    expect(clusterOf(report, 'workload-1').status).toBe('ok');
    expect(secretReads.filter((n) => n === 'workload-1')).toHaveLength(2);
  });

  it('makes an error row, with the reason, of refused credentials, a missing Secret and a cluster that is down', () => {
    expect(clusterOf(report, 'workload-2')).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/credentials refused \(401\)/),
    });
    expect(clusterOf(report, 'workload-3')).toMatchObject({
      status: 'error',
      error: 'Secret tkg-workloads/workload-3-kubeconfig not found',
    });
    expect(clusterOf(report, 'workload-5')).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/refused the connection/),
    });
    expect(report.summary).toMatchObject({ clusters: 5, clustersInError: 3 });
  });

  it('attributes the IPAM findings of the management cluster to the cluster their objects are labelled with', () => {
    for (const name of ['workload-1', 'workload-4']) {
      const ipam = clusterOf(report, name).probes.find((p) => p.id === 'ipam');
      expect(ipam?.findings.length).toBeGreaterThan(0);
      for (const f of ipam?.findings ?? []) {
        expect(f.subject.name.startsWith(`${name}-`) || f.subject.name === name).toBe(true);
      }
    }
    // Nothing of a known cluster is left under the management cluster.
    const rest = report.management.probes.find((p) => p.id === 'ipam')?.findings ?? [];
    expect(rest.filter((f) => /^workload-\d/.test(f.subject.name))).toEqual([]);
  });

  it('reads Secrets with GET only, never a list of secrets', () => {
    const secretRequests = sim.management.requests.filter((r) => r.path.includes('/secrets'));
    expect(secretRequests.length).toBeGreaterThan(0);
    expect(secretRequests.every((r) => r.verb === 'get')).toBe(true);
  });

  it('never writes a workload token or the kubeconfig Secret into any fleet format', () => {
    const tokens = sim.members.flatMap((m) => (m.handle ? [m.handle.token] : []));
    for (const format of ['json', 'md', 'html', 'junit', 'prom'] as const) {
      const text = renderFleet(format, report);
      for (const t of tokens) expect(text).not.toContain(t);
      expect(text).not.toContain('certificate-authority-data');
    }
  });
});

describe('mapBounded', () => {
  it('runs at most `limit` at once and keeps the input order', async () => {
    let running = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    const done = mapBounded([1, 2, 3, 4, 5], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      running--;
      return n * 10;
    });
    let released = 0;
    while (released < 5) {
      await new Promise((r) => setImmediate(r));
      const gate = gates.shift();
      if (gate) {
        gate();
        released++;
      }
    }
    expect(await done).toEqual([10, 20, 30, 40, 50]);
    expect(peak).toBe(2);
  });
});
