import { describe, expect, it } from 'vitest';
import { findingKey } from '../../src/model/finding.js';
import { evaluateTopology } from '../../src/model/topology/evaluate.js';
import type { TopologyData } from '../../src/model/topology/types.js';
import { topologyView } from '../../src/views/topology.js';
import { loadScenario, scenarioConfig } from '../model/topology/helpers.js';

const NOW = new Date('2026-11-22T12:30:00Z');

function build(data: TopologyData) {
  const config = scenarioConfig();
  const findings = evaluateTopology(data, config, NOW);
  const tables = topologyView({
    data,
    state: { status: 'ready', data },
    findings,
    snapshot: { topology: { status: 'ready', data } },
    config,
    now: NOW,
  });
  return { tables, findings };
}

describe('topology screen tables', () => {
  const scenario = loadScenario();
  const { tables, findings } = build(scenario);
  const table = (id: string) => {
    const t = tables.find((x) => x.id === id);
    if (!t) throw new Error(`no table ${id}`);
    return t;
  };

  it('has nodes, zones and CAPV deployment zones', () => {
    expect(tables.map((t) => t.id)).toEqual(['nodes', 'zones', 'failure-domains']);
  });

  it('lists each node with role, OS, Ready, InternalIP, region, zone and flaps', () => {
    const nodes = table('nodes');
    expect(nodes.columns.map((c) => c.key)).toEqual([
      'name',
      'role',
      'os',
      'ready',
      'internalIP',
      'region',
      'zone',
      'flaps',
    ]);
    const win = nodes.rows.find((r) => r.cells.name === 'wc-1-win-0');
    expect(win?.cells).toEqual({
      name: 'wc-1-win-0',
      role: 'worker',
      os: 'windows',
      ready: 'Ready',
      internalIP: '10.20.30.20',
      region: 'region-1',
      zone: 'zone-c',
      flaps: '0',
    });
    expect(nodes.rows.find((r) => r.cells.name === 'wc-1-md-1-legacy')?.cells.zone).toBe('zone-c≠');
    expect(nodes.rows.find((r) => r.cells.name === 'wc-1-md-1-nolabels')?.cells.zone).toBe('-');
  });

  it('marks rows with the worst finding behind them and links the findings', () => {
    const nodes = table('nodes');
    const nocsi = nodes.rows.find((r) => r.cells.name === 'wc-1-md-1-nocsi');
    expect(nocsi?.severity).toBe('fail');
    const csi = findings.find((f) => f.code === 'TOPO-101' && f.subject.name === 'wc-1-md-1-nocsi');
    expect(csi && nocsi?.findingKeys).toContain(csi && findingKey(csi));
    // The Machine mismatch shows on its node's row.
    expect(nodes.rows.find((r) => r.cells.name === 'wc-1-cp-a2')?.severity).toBe('fail');
    expect(nodes.rows.find((r) => r.cells.name === 'wc-1-cp-a1')?.severity).toBe('pass');
  });

  it('sums the zone distribution in the footer and the zones table', () => {
    expect(table('nodes').footer).toBe(
      'zone-a 3 CP + 3 W · zone-b 0 CP + 1 W · zone-c 0 CP + 2 W · zone-d 0 CP + 1 W · (no zone) 0 CP + 1 W · FLAPS need the live watch',
    );
    const zoneA = table('zones').rows.find((r) => r.cells.zone === 'zone-a');
    expect(zoneA?.cells).toMatchObject({
      region: 'region-1',
      controlPlane: '3',
      workers: '3',
      notReady: '0',
      deploymentZones: 'dz-zone-a',
    });
  });

  it('shows why a deployment zone is not ready', () => {
    const row = table('failure-domains').rows.find((r) => r.cells.name === 'dz-zone-c');
    expect(row?.cells).toMatchObject({
      failureDomain: 'fd-zone-c',
      zone: 'k8s-zone/zone-c',
      controlPlane: 'no',
      ready: 'no',
    });
    expect(row?.cells.reason).toMatch(/^ZoneMisconfigured: failed to verify tag zone-c/);
    expect(row?.severity).toBe('fail');
  });

  it('shows flips and the old address from the watch', () => {
    const live: TopologyData = {
      ...scenario,
      live: true,
      signals: {
        'wc-1-win-0': {
          readyTransitions: [
            { at: '2026-11-22T12:20:00Z', from: 'True', to: 'False' },
            { at: '2026-11-22T12:21:00Z', from: 'False', to: 'True' },
          ],
          ipChanges: [{ at: '2026-11-22T12:22:00Z', from: ['10.20.30.99'], to: ['10.20.30.20'] }],
          droppedTransitions: 0,
        },
      },
    };
    const nodes = build(live).tables.find((t) => t.id === 'nodes');
    const win = nodes?.rows.find((r) => r.cells.name === 'wc-1-win-0');
    expect(win?.cells.flaps).toBe('2');
    expect(win?.cells.internalIP).toBe('10.20.30.20 (was 10.20.30.99)');
    expect(nodes?.footer).toContain('FLAPS: Ready flips the watch saw in the last 15 min');
  });

  it('omits the CAPV table when the cluster has no deployment zones', () => {
    const { tables: plain } = build({
      ...scenario,
      machines: undefined,
      deploymentZones: undefined,
      failureDomains: undefined,
    });
    expect(plain.map((t) => t.id)).toEqual(['nodes', 'zones']);
  });
});
