import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FleetSimulatorHandle, parseFleetSpec, startFleetSimulator } from '../../src/sim/fleet.js';

const run = promisify(execFile);

/** Stock kubectl against the fleet simulator: the management cluster and the workload servers its Secrets name. */
describe('sim --generate fleet=3,down=1 (library)', () => {
  let fleet: FleetSimulatorHandle;
  let dir: string;
  const kubectl = async (kubeconfig: string, ...args: string[]) =>
    (await run('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args])).stdout;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sim-fleet-'));
    fleet = await startFleetSimulator({ spec: 'fleet=3,down=1,nodes=4,pods=30' });
  });
  afterAll(async () => {
    await fleet?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves N CAPI Clusters (v1beta1) with their machines, VMs, claims and pools labelled by cluster', async () => {
    const clusters = JSON.parse(
      await kubectl(fleet.kubeconfigPath, 'get', 'clusters.cluster.x-k8s.io', '-A', '-o', 'json'),
    );
    expect(
      clusters.items.map((c: { apiVersion: string; metadata: { name: string } }) => [
        c.apiVersion,
        c.metadata.name,
      ]),
    ).toEqual([
      ['cluster.x-k8s.io/v1beta1', 'workload-1'],
      ['cluster.x-k8s.io/v1beta1', 'workload-2'],
      ['cluster.x-k8s.io/v1beta1', 'workload-3'],
    ]);
    const vms = JSON.parse(
      await kubectl(
        fleet.kubeconfigPath,
        'get',
        'vspherevms',
        '-A',
        '-l',
        'cluster.x-k8s.io/cluster-name=workload-2',
        '-o',
        'json',
      ),
    );
    expect(vms.items).toHaveLength(4);
    // Each cluster's node network is its own: pools of two clusters never overlap.
    const pools = JSON.parse(
      await kubectl(fleet.kubeconfigPath, 'get', 'inclusterippools', '-A', '-o', 'json'),
    );
    const firsts = pools.items.map(
      (p: { spec: { addresses: string[] } }) => p.spec.addresses[0]?.split('.')[1],
    );
    expect(new Set(firsts)).toEqual(new Set(['20', '21', '22']));
  });

  it('keeps each cluster kubeconfig in <cluster>-kubeconfig (key value), pointing at its own API server with its own CA and token', async () => {
    const servers = new Set<string>();
    for (const member of fleet.members.slice(0, 2)) {
      const value = await kubectl(
        fleet.kubeconfigPath,
        'get',
        'secret',
        '-n',
        'tkg-workloads',
        `${member.name}-kubeconfig`,
        '-o',
        'jsonpath={.data.value}',
      );
      const file = join(dir, `${member.name}.kubeconfig`);
      writeFileSync(file, Buffer.from(value, 'base64'));
      const nodes = JSON.parse(await kubectl(file, 'get', 'nodes', '-o', 'json'));
      expect(nodes.items).toHaveLength(4);
      expect(
        nodes.items.every((n: { metadata: { name: string } }) =>
          n.metadata.name.startsWith(`${member.name}-`),
        ),
      ).toBe(true);
      servers.add(member.server);
      // The workload server holds no CAPI objects: those are the management cluster's.
      expect(
        JSON.parse(await kubectl(file, 'get', 'clusters.cluster.x-k8s.io', '-A', '-o', 'json')).items,
      ).toEqual([]);
    }
    expect(servers.size).toBe(2);
    expect(fleet.members[0]?.handle?.token).not.toBe(fleet.members[1]?.handle?.token);
  });

  it('points the Secret of a cluster that is down at a closed port on 127.0.0.1', async () => {
    const down = fleet.members[2];
    expect(down?.handle).toBeUndefined();
    expect(down?.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const file = join(dir, 'down.kubeconfig');
    writeFileSync(file, fleet.kubeconfigOf('workload-3'));
    await expect(kubectl(file, 'get', 'nodes', '--request-timeout=5s')).rejects.toThrow(/refused/);
  });
});

describe('parseFleetSpec', () => {
  it('takes fleet and down for the fleet and passes the rest to each cluster', () => {
    expect(parseFleetSpec('fleet=20,pods=500,down=2')).toEqual({
      clusters: 20,
      down: 2,
      cluster: 'nodes=6,pods=100,namespaces=4,pods=500',
    });
  });
  it('refuses a fleet without clusters, more down than clusters, and unknown per-cluster keys', () => {
    expect(() => parseFleetSpec('pods=5')).toThrow(/needs fleet=N/);
    expect(() => parseFleetSpec('fleet=2,down=3')).toThrow(/down=3 is more than fleet=2/);
    expect(() => parseFleetSpec('fleet=2,colour=blue')).toThrow(/unknown key "colour"/);
  });
});
