import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/app/session.js';
import { Logger } from '../../src/core/log.js';
import type { Finding } from '../../src/model/finding.js';
import type { Report } from '../../src/model/report.js';
import type { TopologyData } from '../../src/model/topology/types.js';
import { runCli } from '../helpers/cli.js';
import { startTestSimulator } from '../helpers/simulator.js';

import {
  FIXTURES,
  loadObjects,
  scenarioConfig,
  summarize,
  TOPOLOGY_FIXTURE_FINDINGS,
} from '../model/topology/helpers.js';

const root = join(import.meta.dirname, '../..');

describe('airgap-top report against the simulator (topology)', () => {
  let sim: Awaited<ReturnType<typeof startTestSimulator>>;
  beforeAll(async () => {
    // The CLI is spawned from dist (npm test builds it first). Rebuilding it here while other test
    // files spawn it would race them, so only a missing build is made; tsc emits despite type errors.
    if (!existsSync(join(root, 'dist/cli/main.js')))
      try {
        execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
      } catch {
        /* emitted anyway; a broken build shows up as a failing spawn below */
      }
    sim = await startTestSimulator(join(FIXTURES, 'wc-1.yaml'));
  }, 180_000);
  afterAll(async () => {
    await sim?.close();
  });

  it('report --format json carries exactly the expected topology findings', async () => {
    const { code, stdout, stderr } = await runCli([
      'report',
      '--format',
      'json',
      '--kubeconfig',
      sim.kubeconfigPath,
      '--config',
      join(FIXTURES, 'airgap-top.toml'),
    ]);
    expect(code, stderr).toBe(1);
    const report = JSON.parse(stdout) as Report;
    const topology = report.probes.find((p) => p.id === 'topology');
    expect(topology?.status).toBe('ready');
    expect(summarize(topology?.findings ?? [])).toEqual(TOPOLOGY_FIXTURE_FINDINGS);
    const mismatch = topology?.findings.find((f) => f.code === 'TOPO-201');
    expect(mismatch?.evidence).toMatchObject({
      chain: {
        deploymentZone: 'dz-zone-b',
        vsphereFailureDomain: 'fd-zone-b',
        expectedZone: 'zone-b',
        via: 'resolved',
      },
      nodeZone: 'zone-a',
    });
  });

  it('JSON and Markdown reports written side by side both carry the probe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topo-report-'));
    try {
      const { code, stderr } = await runCli([
        'report',
        '--format',
        'json,md',
        '--output-dir',
        dir,
        '--kubeconfig',
        sim.kubeconfigPath,
        '--config',
        join(FIXTURES, 'airgap-top.toml'),
      ]);
      expect(code, stderr).toBe(1);
      const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
      expect(json.probes.find((p) => p.id === 'topology')?.summary).toEqual({
        pass: 6,
        info: 1,
        warn: 1,
        fail: 8,
      });
      const markdown = readFileSync(join(dir, 'report.md'), 'utf8');
      expect(markdown).toContain('Node region/zone');
      for (const code of ['TOPO-002', 'TOPO-003', 'TOPO-101', 'TOPO-201', 'TOPO-202', 'TOPO-203']) {
        expect(markdown).toContain(code);
      }
      expect(markdown).toContain('wc-1-cp-a2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function withReady(
  node: Record<string, unknown>,
  status: 'True' | 'False',
  at: string,
): Record<string, unknown> {
  const copy = structuredClone(node) as { status: { conditions: Record<string, unknown>[] } };
  copy.status.conditions = copy.status.conditions.map((c) =>
    c.type === 'Ready'
      ? {
          ...c,
          status,
          lastTransitionTime: at,
          reason: status === 'True' ? 'KubeletReady' : 'KubeletNotReady',
          message:
            status === 'True'
              ? 'kubelet is posting ready status'
              : 'container runtime network not ready: NetworkReady=false',
        }
      : c,
  );
  return copy;
}

describe('topology probe live against the simulator', () => {
  let sim: Awaited<ReturnType<typeof startTestSimulator>>;
  let session: Session;
  const objects = loadObjects();
  const nodeNamed = (name: string) => {
    const node = objects.find((o) => o.kind === 'Node' && (o.metadata as { name: string }).name === name);
    if (!node) throw new Error(name);
    return node;
  };

  beforeAll(async () => {
    sim = await startTestSimulator(join(FIXTURES, 'wc-1.yaml'));
    session = await Session.open({
      kubeconfig: sim.kubeconfigPath,
      config: scenarioConfig(),
      log: new Logger({}),
      live: true,
      probes: ['topology'],
    });
    await session.start();
  }, 60_000);
  afterAll(async () => {
    session?.close();
    await sim?.close();
  });

  const topologyFindings = (): readonly Finding[] =>
    session.results().find((r) => r.id === 'topology')?.findings ?? [];

  it('counts a node flapping NotReady → Ready → NotReady and points a Windows node at the portgroups probe', async () => {
    expect(topologyFindings().some((f) => f.code === 'TOPO-301')).toBe(false);
    const win = nodeNamed('wc-1-win-0');
    sim.apply(withReady(win, 'False', '2026-11-22T12:00:01Z'));
    sim.apply(withReady(win, 'True', '2026-11-22T12:00:02Z'));
    sim.apply(withReady(win, 'False', '2026-11-22T12:00:03Z'));
    const flap = await waitFor('TOPO-301 with three flips', () =>
      topologyFindings().find(
        (f) => f.code === 'TOPO-301' && f.subject.name === 'wc-1-win-0' && f.evidence.flips === 3,
      ),
    );
    expect(flap.severity).toBe('warn');
    expect(flap.evidence).toMatchObject({ flips: 3, os: 'windows', ready: 'False', seeProbe: 'portgroups' });
    expect(flap.detail).toContain('Promiscuous mode');
    // The flapping node is no longer reported clean.
    expect(topologyFindings().some((f) => f.code === 'TOPO-001' && f.subject.name === 'wc-1-win-0')).toBe(
      false,
    );
  });

  it('reports an InternalIP that changed (DHCP lease not reserved)', async () => {
    const node = structuredClone(nodeNamed('wc-1-md-0-w1')) as {
      status: { addresses: { type: string; address: string }[] };
    };
    const before = node.status.addresses.find((a) => a.type === 'InternalIP')?.address;
    node.status.addresses = node.status.addresses.map((a) =>
      a.type === 'Hostname' ? a : { ...a, address: '10.20.30.77' },
    );
    sim.apply(node as unknown as Record<string, unknown>);
    const change = await waitFor('TOPO-302', () =>
      topologyFindings().find((f) => f.code === 'TOPO-302' && f.subject.name === 'wc-1-md-0-w1'),
    );
    expect(change.severity).toBe('warn');
    expect(change.evidence).toMatchObject({
      internalIPs: ['10.20.30.77'],
      changes: [{ from: [before], to: ['10.20.30.77'] }],
    });
    const data = session.store.get('topology')?.data as TopologyData;
    expect(data.live).toBe(true);
    expect(data.signals['wc-1-md-0-w1']?.ipChanges).toHaveLength(1);
  });

  it('publishes a new data object per change and the same one otherwise', async () => {
    const first = session.store.get('topology')?.data;
    await new Promise((r) => setTimeout(r, 300));
    expect(session.store.get('topology')?.data).toBe(first);
    sim.remove('v1', 'Node', 'wc-1-md-1-zoned');
    await waitFor('node removal', () => {
      const d = session.store.get('topology')?.data as TopologyData | undefined;
      return d && d !== first && !d.nodes.some((n) => n.name === 'wc-1-md-1-zoned') ? d : undefined;
    });
    expect(topologyFindings().some((f) => f.code === 'TOPO-004')).toBe(false);
  });
});
