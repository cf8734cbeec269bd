import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger } from '../../../src/core/log.js';
import {
  demoNodeTrees,
  type SimulatedSshNodes,
  sshConfigFor,
  startSshNodes,
} from '../../../src/demo/ssh-nodes.js';
import { DEFAULT_CONFIG } from '../../../src/model/config.js';
import { evaluateContainerd } from '../../../src/model/containerd/evaluate.js';
import type { ContainerdData } from '../../../src/model/containerd/types.js';
import type { ProbeSnapshot } from '../../../src/model/probe.js';
import { Store } from '../../../src/model/store.js';
import { containerdProbe } from '../../../src/probes/containerd/index.js';
import { loadKubeConnection } from '../../../src/probes/kube/connection.js';
import type { ProbeContext } from '../../../src/probes/types.js';
import { containerdView } from '../../../src/views/containerd.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../../helpers/simulator.js';

const LINUX = ['cp-1', 'md-1', 'md-2'];

function node(name: string, os = 'linux') {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/os': os } },
    status: { addresses: [{ type: 'InternalIP', address: '10.9.9.9' }] },
  };
}

describe('containerd probe source (API node list + simulated SSH nodes)', () => {
  let sim: SimulatorHandleExtended;
  let server: SimulatedSshNodes;
  beforeAll(async () => {
    sim = await startTestSimulator([...LINUX.map((n) => node(n)), node('win-1', 'windows')]);
    server = await startSshNodes({ trees: demoNodeTrees(LINUX, 'registry.example.internal', 'md-2') });
  });
  afterAll(async () => {
    await server?.close();
    await sim?.close();
  });

  function context(config = DEFAULT_CONFIG): ProbeContext {
    return {
      config,
      kube: loadKubeConnection({ kubeconfig: sim.kubeconfigPath }),
      store: new Store(),
      log: new Logger(),
      signal: new AbortController().signal,
      live: false,
      resolve: async () => {
        throw new Error('no DNS in tests');
      },
    };
  }

  it('without [ssh] or --ssh it is not applicable and says how to turn it on', async () => {
    const ctx = context();
    await containerdProbe.start(ctx);
    expect(ctx.store.get('containerd')).toEqual({
      status: 'not-applicable',
      message: 'SSH to nodes is off: add an [ssh] section to the config or pass --ssh',
    });
  });

  it('lists nodes once, skips Windows, publishes progress, and re-sweeps on rerun with a new data object', async () => {
    const { ssh, cleanup } = sshConfigFor(server);
    try {
      const ctx = context({ ...DEFAULT_CONFIG, registry: { private: ['registry.example.internal'] }, ssh });
      const seen: ProbeSnapshot[] = [];
      ctx.store.subscribe((s) => {
        if (s.containerd) seen.push(s.containerd);
      });
      await containerdProbe.start(ctx);
      const state = ctx.store.get('containerd');
      const data = state?.data as ContainerdData;
      expect(state?.status).toBe('ready');
      expect(data.nodes.map((n) => `${n.node}:${n.failure?.kind ?? 'ok'}`)).toEqual([
        'cp-1:ok',
        'md-1:ok',
        'md-2:ok',
      ]);
      expect(data.skipped?.map((s) => s.node)).toEqual(['win-1']);
      expect(seen.some((s) => s.progress?.done === 1 && s.progress.total === 3)).toBe(true);
      expect(state?.progress).toMatchObject({ done: 3, total: 3, failed: 0 });
      const nodeLists = sim.requests.filter((r) => r.path.startsWith('/api/v1/nodes')).length;
      expect(nodeLists).toBe(1);

      await containerdProbe.rerun?.(ctx);
      const again = ctx.store.get('containerd')?.data as ContainerdData;
      expect(again).not.toBe(data);
      expect(again.nodes.length).toBe(3);

      const findings = evaluateContainerd(again, undefined, ['registry.example.internal'], new Date());
      const tables = containerdView({
        data: again,
        state: ctx.store.get('containerd') ?? { status: 'ready' },
        findings,
        snapshot: ctx.store.snapshot,
        config: ctx.config,
        now: new Date(),
      });
      expect(tables.map((t) => t.id)).toEqual(['containerd-nodes', 'containerd-drift']);
      const nodesTable = tables[0];
      expect(nodesTable?.rows.map((r) => [r.cells.node, r.cells.group, r.severity])).toEqual([
        ['cp-1', 'A*', undefined],
        ['md-1', 'A*', undefined],
        ['md-2', 'B', 'fail'],
      ]);
      expect(nodesTable?.footer).toContain('1 skipped (win-1: Windows)');
      const drift = tables[1];
      expect(drift?.rows.map((r) => r.cells.detail)).toContain(
        'sandbox image: registry.k8s.io/pause:3.10 (majority: registry.example.internal/tkg/pause:3.10)',
      );
    } finally {
      cleanup();
    }
  });
});
