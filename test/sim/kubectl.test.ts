import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SCENARIO } from '../../src/cli/demo-command.js';
import type { KObject } from '../../src/sim/store.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';

const run = promisify(execFile);
const NS = 'tkg-workloads';

/** Stock kubectl (v1.32) against the simulator, proving it answers as a real API server does. */
describe('kubectl against the simulator (demo scenario)', () => {
  let sim: SimulatorHandleExtended;
  let dir: string;
  const kubectl = async (...args: string[]) => {
    const { stdout } = await run(
      'kubectl',
      ['--kubeconfig', sim.kubeconfigPath, '--cache-dir', join(dir, 'cache'), ...args],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return stdout;
  };
  const names = (objects: KObject[]) =>
    objects.map((o) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`);
  const rows = (table: string) =>
    table
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s{2,}/));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sim-kubectl-'));
    sim = await startTestSimulator(DEMO_SCENARIO);
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a protobuf body (kubectl create of a built-in kind) is a clear 415, never a JSON parse error', async () => {
    const failure = await kubectl('create', 'namespace', 'proto-test').then(
      () => undefined,
      (err: { stderr?: string }) => err.stderr ?? '',
    );
    expect(failure).toContain('Error from server (UnsupportedMediaType)');
    expect(failure).toContain('kubectl apply sends JSON');
    expect(sim.get('v1', 'Namespace', 'proto-test')).toBeUndefined();
  });

  it('get pods -A -o json returns every pod of the scenario, whole', async () => {
    const list = JSON.parse(await kubectl('get', 'pods', '-A', '-o', 'json')) as {
      kind: string;
      items: KObject[];
    };
    expect(list.kind).toBe('List');
    const truth = sim.list('v1', 'Pod');
    expect(truth.length).toBeGreaterThan(50);
    expect(names(list.items)).toEqual(names(truth));
    const worker = list.items.find((p) => (p.status as { phase?: string }).phase === 'Pending');
    expect(JSON.stringify(worker?.status)).toContain('ImagePullBackOff');
    expect(list.items[0]).toEqual({ ...truth[0] });
  });

  it("the vendor docs' jsonpath lists init and app container images of every pod", async () => {
    const out = await kubectl(
      'get',
      'pods',
      '-A',
      '-o',
      `jsonpath={.items[*].spec['initContainers','containers'][*].image}`,
    );
    // kubectl's union applies each key across all pods: every init container first, then every container.
    const specs = sim
      .list('v1', 'Pod')
      .map((p) => p.spec as { initContainers?: { image: string }[]; containers: { image: string }[] });
    const expected = [
      ...specs.flatMap((s) => s.initContainers ?? []),
      ...specs.flatMap((s) => s.containers),
    ].map((c) => c.image);
    expect(out.trim().split(' ')).toEqual(expected);
    expect(expected).toContain('nginx:1.25.3');
    expect(expected).toContain('registry.example.internal/tkg/library/busybox:1.36.1');
  });

  it('get nodes -L zone labels prints both label columns from the nodes', async () => {
    const table = rows(
      await kubectl(
        'get',
        'nodes',
        '-L',
        'topology.kubernetes.io/zone',
        '-L',
        'failure-domain.beta.kubernetes.io/zone',
      ),
    );
    expect(table[0]).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'ZONE', 'ZONE']);
    const byName = new Map(table.slice(1).map((r) => [r[0], r]));
    const nodes = sim.list('v1', 'Node');
    expect([...byName.keys()]).toEqual(nodes.map((n) => n.metadata?.name));
    for (const node of nodes) {
      const labels = node.metadata?.labels ?? {};
      const row = byName.get(node.metadata?.name) as string[];
      expect(row[1]).toBe('Ready');
      expect(row[2]).toBe('node-role.kubernetes.io/control-plane' in labels ? 'control-plane' : '<none>');
      const zones = row.slice(5);
      // kubectl leaves missing label columns empty (the split swallows trailing blanks).
      expect(zones).toEqual(
        [labels['topology.kubernetes.io/zone'], labels['failure-domain.beta.kubernetes.io/zone']].filter(
          (z) => z !== undefined,
        ),
      );
    }
    expect(byName.get('workload-east-md-b-6b8d4-9vz3c')?.slice(5)).toEqual(['zone-b', 'zone-a']);
  });

  it('get csinodes jsonpath prints each CSINode name and spec', async () => {
    const out = await kubectl(
      'get',
      'csinodes',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name} {.spec}{"\\n"}{end}',
    );
    const lines = out.trim().split('\n');
    const csinodes = sim.list('storage.k8s.io/v1', 'CSINode');
    expect(lines).toHaveLength(csinodes.length);
    lines.forEach((line, i) => {
      const space = line.indexOf(' ');
      expect(line.slice(0, space)).toBe(csinodes[i]?.metadata?.name);
      expect(JSON.parse(line.slice(space + 1))).toEqual(csinodes[i]?.spec);
    });
  });

  it('-n NS get vspherevms prints NAME and AGE like upstream (no printer columns)', async () => {
    const table = rows(await kubectl('-n', NS, 'get', 'vspherevms'));
    expect(table[0]).toEqual(['NAME', 'AGE']);
    expect(table.slice(1).map((r) => r[0])).toEqual(
      sim.list('infrastructure.cluster.x-k8s.io/v1beta1', 'VSphereVM').map((v) => v.metadata?.name),
    );
  });

  it('-n NS get ipaddressclaims prints the pool columns', async () => {
    const table = rows(await kubectl('-n', NS, 'get', 'ipaddressclaims'));
    expect(table[0]).toEqual(['NAME', 'POOL NAME', 'POOL KIND', 'AGE']);
    const claims = sim.list('ipam.cluster.x-k8s.io/v1beta1', 'IPAddressClaim');
    expect(table.slice(1).map((r) => r.slice(0, 3))).toEqual(
      claims.map((c) => {
        const ref = (c.spec as { poolRef: { name: string; kind: string } }).poolRef;
        return [c.metadata?.name, ref.name, ref.kind];
      }),
    );
  });

  it('-n NS get ipaddress prints the addresses', async () => {
    const table = rows(await kubectl('-n', NS, 'get', 'ipaddress'));
    expect(table[0]).toEqual(['NAME', 'ADDRESS', 'POOL NAME', 'POOL KIND', 'AGE']);
    const addresses = sim.list('ipam.cluster.x-k8s.io/v1beta1', 'IPAddress');
    expect(table.slice(1).map((r) => [r[0], r[1]])).toEqual(
      addresses.map((a) => [a.metadata?.name, (a.spec as { address: string }).address]),
    );
  });

  it('get inclusterippools -A prints addresses and counts (v1alpha2 columns)', async () => {
    const table = rows(await kubectl('get', 'inclusterippools', '-A'));
    expect(table[0]).toEqual(['NAMESPACE', 'NAME', 'ADDRESSES', 'TOTAL', 'FREE', 'USED']);
    const pools = sim.list('ipam.cluster.x-k8s.io/v1alpha2', 'InClusterIPPool');
    expect(table.slice(1)).toEqual(
      pools.map((p) => {
        const spec = p.spec as { addresses: string[] };
        const counts = (p.status as { ipAddresses: { total: number; free: number; used: number } })
          .ipAddresses;
        return [
          p.metadata?.namespace,
          p.metadata?.name,
          JSON.stringify(spec.addresses),
          String(counts.total),
          String(counts.free),
          String(counts.used),
        ];
      }),
    );
    expect(table.find((r) => r[1] === 'workload-east-zone-c')?.[4]).toBe('0');
  });

  it('apply -f pod.yaml creates the pod, apply again patches it, delete removes it', async () => {
    const file = join(dir, 'pod.yaml');
    const podYaml = (image: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: kubectl-applied\n  namespace: shop\nspec:\n  containers:\n  - name: c\n    image: ${image}\n`;
    writeFileSync(file, podYaml('nginx:1.25'));
    expect(await kubectl('apply', '-f', file)).toContain('pod/kubectl-applied created');
    const created = sim.get('v1', 'Pod', 'kubectl-applied', 'shop');
    expect((created?.spec as { containers: { image: string }[] } | undefined)?.containers[0]?.image).toBe(
      'nginx:1.25',
    );
    writeFileSync(file, podYaml('nginx:1.26'));
    expect(await kubectl('apply', '-f', file)).toContain('pod/kubectl-applied configured');
    const patched = sim.get('v1', 'Pod', 'kubectl-applied', 'shop');
    expect((patched?.spec as { containers: { image: string }[] } | undefined)?.containers).toEqual([
      { name: 'c', image: 'nginx:1.26' },
    ]);
    expect(patched?.metadata?.uid).toBe(created?.metadata?.uid);
    expect(await kubectl('delete', '-f', file)).toContain('pod "kubectl-applied" deleted');
    expect(sim.get('v1', 'Pod', 'kubectl-applied', 'shop')).toBeUndefined();
    const writes = sim.requests
      .filter((r) => r.path.includes('kubectl-applied') || r.method === 'POST')
      .map((r) => `${r.verb} ${r.status}`);
    expect(writes).toEqual(expect.arrayContaining(['create 201', 'patch 200', 'delete 200']));
  });

  it('get pods -w prints the pods, then a pod created while it watches', async () => {
    let child: ChildProcess | undefined;
    try {
      child = spawn('kubectl', [
        '--kubeconfig',
        sim.kubeconfigPath,
        '--cache-dir',
        join(dir, 'cache'),
        '-n',
        'payments',
        'get',
        'pods',
        '-w',
      ]);
      let out = '';
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
      });
      const waitFor = async (text: string) => {
        for (let i = 0; i < 200 && !out.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
        return out.includes(text);
      };
      expect(await waitFor('ImagePullBackOff')).toBe(true);
      sim.apply({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'watched-new', namespace: 'payments' },
        spec: { containers: [{ name: 'c', image: 'quay.io/x/y:1' }] },
      });
      expect(await waitFor('watched-new')).toBe(true);
      const line = out.split('\n').find((l) => l.startsWith('watched-new')) ?? '';
      expect(line.split(/\s+/).slice(0, 3)).toEqual(['watched-new', '0/1', 'Pending']);
      sim.remove('v1', 'Pod', 'watched-new', 'payments');
    } finally {
      child?.kill();
    }
  });
});
