import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SCENARIO } from '../../src/cli/demo-command.js';
import type { KObject } from '../../src/sim/store.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';

const CAPV = 'infrastructure.cluster.x-k8s.io/v1beta1';
const IPAM = 'ipam.cluster.x-k8s.io/v1beta1';
const NS = 'tkg-workloads';
const WAITING_VM = 'workload-east-md-b-6b8d4-r7k5x';
const ready = (node: KObject | undefined) =>
  (node?.status as { conditions: { type: string; status: string }[] } | undefined)?.conditions.find(
    (c) => c.type === 'Ready',
  )?.status;

/** The demo's story, with its minute-long timeline run 20x faster. */
describe('the demo scenario', () => {
  let sim: SimulatorHandleExtended;
  const flaps: string[] = [];
  beforeAll(async () => {
    sim = await startTestSimulator(DEMO_SCENARIO, { timeline: true, timelineSpeed: 20 });
    const nodes = sim.registry.byKind('v1', 'Node');
    if (nodes) {
      sim.store.subscribe(nodes, (e) => {
        if (e.entry.object.metadata?.name === 'workload-east-md-b-6b8d4-4kq7t')
          flaps.push(String(ready(e.entry.object)));
      });
    }
  });
  afterAll(async () => {
    await sim.close();
  });

  it('starts as the brief describes it', () => {
    const nodes = sim.list('v1', 'Node');
    const labels = nodes.map((n) => n.metadata?.labels ?? {});
    expect(nodes).toHaveLength(10);
    expect(labels.filter((l) => 'node-role.kubernetes.io/control-plane' in l)).toHaveLength(3);
    expect(labels.filter((l) => l['kubernetes.io/os'] === 'windows')).toHaveLength(1);
    expect(new Set(labels.map((l) => l['topology.kubernetes.io/zone']).filter(Boolean))).toEqual(
      new Set(['zone-a', 'zone-b', 'zone-c']),
    );
    const images = sim
      .list('v1', 'Pod')
      .flatMap((p) => (p.spec as { containers: { image: string }[] }).containers.map((c) => c.image));
    expect(images.filter((i) => !i.startsWith('registry.example.internal/tkg/')).sort()).toEqual(
      expect.arrayContaining([
        'nginx:1.25.3',
        'quay.io/prometheus/node-exporter:v1.8.2',
        'registry.k8s.io/kubectl:v1.32.0',
      ]),
    );
    expect(JSON.stringify(sim.list('v1', 'Pod'))).toContain(
      'Back-off pulling image \\"registry.example.internal/tkg/apps/payments-worker:3.2.0\\"',
    );
    const vm = sim.get(CAPV, 'VSphereVM', WAITING_VM, NS);
    expect(
      (vm?.status as { conditions: { type: string; status: string; reason?: string }[] } | undefined)
        ?.conditions,
    ).toContainEqual(
      expect.objectContaining({ type: 'IPAddressClaimed', status: 'False', reason: 'WaitingForIPAddress' }),
    );
    const pools = sim.list('ipam.cluster.x-k8s.io/v1alpha2', 'InClusterIPPool');
    expect(pools.map((p) => (p.status as { ipAddresses: { free: number } }).ipAddresses.free)).toContain(0);
    expect(sim.list('ipam.cluster.x-k8s.io/v1alpha2', 'GlobalInClusterIPPool')).toHaveLength(1);
    // Timestamps moved to now: the waiting VMs were created minutes ago, not on the anchor day.
    const created = Date.parse(String(vm?.metadata?.creationTimestamp));
    expect(Date.now() - created).toBeGreaterThan(60_000);
    expect(Date.now() - created).toBeLessThan(60 * 60_000);
  });

  it('changes over the first minute: leak at 10 s, labels at 20 s, IP at 30 s, a flapping node', async () => {
    await new Promise((r) => setTimeout(r, 3500));
    expect(sim.timelineErrors).toEqual([]);
    expect(sim.get('v1', 'Pod', 'netdebug', 'shop')).toBeDefined();
    expect(
      sim.get('v1', 'Node', 'workload-east-md-c-7c9e5-6tn8w')?.metadata?.labels?.[
        'topology.kubernetes.io/zone'
      ],
    ).toBe('zone-c');
    const claim = sim.get(IPAM, 'IPAddressClaim', `${WAITING_VM}-0-0`, NS);
    expect(claim?.status).toEqual({ addressRef: { name: `${WAITING_VM}-0-0` } });
    expect(
      (sim.get(IPAM, 'IPAddress', `${WAITING_VM}-0-0`, NS)?.spec as { address: string } | undefined)?.address,
    ).toBe('10.20.20.13');
    const vm = sim.get(CAPV, 'VSphereVM', WAITING_VM, NS);
    expect((vm?.status as { addresses: string[] } | undefined)?.addresses).toEqual(['10.20.20.13']);
    expect(flaps).toEqual(['False', 'True', 'False', 'True']);
  });
});
