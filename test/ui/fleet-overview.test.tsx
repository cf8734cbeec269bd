import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { buildFleetReport, type ClusterOutcome } from '../../src/model/fleet.js';
import type { Report, ReportProbe } from '../../src/model/report.js';
import { FleetOverview } from '../../src/ui/fleet/FleetOverview.js';
import { fakeFinding, KEYS, tick } from './helpers.js';

const probe = (id: ReportProbe['id'], fails: number): ReportProbe => {
  const findings = Array.from({ length: fails }, (_, i) => fakeFinding(id, 'IMG-001', 'fail', `p${i}`));
  return {
    id,
    title: id,
    status: 'ready',
    error: null,
    updatedAt: '2026-11-22T12:00:00.000Z',
    durationSeconds: 1,
    summary: { pass: 0, info: 0, warn: 0, fail: fails },
    findings,
  };
};

const report = (probes: ReportProbe[]): Report => ({
  schemaVersion: 1,
  generatedAt: '2026-11-22T12:00:00.000Z',
  tool: { name: 'airgap-top', version: 't' },
  cluster: { context: 'c', server: 'https://127.0.0.1:1' },
  registry: { private: [], profile: null },
  summary: { pass: 0, info: 0, warn: 0, fail: 0, probesInError: 0 },
  probes,
});

const outcomes: ClusterOutcome[] = [
  { ref: { namespace: 'tkg', name: 'alpha' }, report: report([probe('images', 0), probe('topology', 0)]) },
  { ref: { namespace: 'tkg', name: 'bravo' }, report: report([probe('images', 3), probe('topology', 0)]) },
  {
    ref: { namespace: 'tkg', name: 'charlie' },
    error: 'API server https://127.0.0.1:9 refused the connection',
  },
];

const FLEET = buildFleetReport({
  generatedAt: new Date('2026-11-22T12:00:00Z'),
  tool: { name: 'airgap-top', version: 't' },
  registry: { private: [], profile: null },
  management: { context: 'mgmt', server: 'https://127.0.0.1:2' },
  attribution: new Map(),
  outcomes,
});

function renderOverview() {
  const opened: string[] = [];
  let quit = false;
  const app = render(
    <FleetOverview
      report={() => FLEET}
      now={() => new Date('2026-11-22T12:00:30Z')}
      onOpen={(k) => opened.push(k)}
      onQuit={() => {
        quit = true;
      }}
    />,
  );
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      app.stdin.write(k);
      await tick(45);
    }
  };
  return { app, opened, press, quit: () => quit, frame: () => app.lastFrame() ?? '' };
}

describe('FleetOverview', () => {
  it('shows one row per cluster, worst first: unreadable, then most failures, with each probe’s worst state and age', async () => {
    const ui = renderOverview();
    await tick(45);
    const lines = ui.frame().split('\n');
    const row = (name: string) => lines.findIndex((l) => l.includes(`tkg/${name}`));
    expect(row('charlie')).toBeLessThan(row('bravo'));
    expect(row('bravo')).toBeLessThan(row('alpha'));
    expect(lines[row('bravo')]).toMatch(/tkg\/bravo\s+ok\s+✗3\s+✓/);
    expect(lines[row('alpha')]).toMatch(/30s$/);
    expect(lines[row('charlie')]).toMatch(/ERROR/);
    // The selected row's error is spelled out beneath the table.
    expect(ui.frame()).toContain('tkg/charlie: API server https://127.0.0.1:9 refused the connection');
    ui.app.unmount();
  });

  it('enter opens the cluster under the cursor; s sorts by name; / filters by name; q quits', async () => {
    const ui = renderOverview();
    // Each key is sent once the frame shows the previous one's effect (never a fixed wait).
    const selected = () => /^> (\S+)/m.exec(ui.frame())?.[1];
    const until = async (what: string, ok: () => boolean) => {
      const deadline = Date.now() + 5000;
      while (!ok()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; frame:\n${ui.frame()}`);
        await tick(10);
      }
    };
    await until('the first frame', () => selected() === 'tkg/charlie');
    ui.app.stdin.write(KEYS.down);
    await until('the cursor on bravo', () => selected() === 'tkg/bravo');
    ui.app.stdin.write(KEYS.enter);
    await until('bravo opened', () => ui.opened.length === 1);
    expect(ui.opened).toEqual(['tkg/bravo']);
    ui.app.stdin.write('s');
    await until('sorted by name', () => ui.frame().includes('s sort (name)'));
    ui.app.stdin.write('k');
    await until('the cursor on alpha', () => selected() === 'tkg/alpha');
    ui.app.stdin.write(KEYS.enter);
    await until('alpha opened', () => ui.opened.length === 2);
    expect(ui.opened).toEqual(['tkg/bravo', 'tkg/alpha']);
    ui.app.stdin.write('/');
    await until('the filter prompt', () => ui.frame().includes('\n/'));
    for (const c of 'ch') {
      const before = ui.frame();
      ui.app.stdin.write(c);
      await until(`"${c}" typed`, () => ui.frame() !== before);
    }
    ui.app.stdin.write(KEYS.enter);
    await until('the filter applied', () => ui.frame().includes('filter (ch)'));
    expect(ui.frame()).not.toContain('tkg/alpha');
    expect(ui.frame()).toContain('tkg/charlie');
    ui.app.stdin.write('q');
    await until('quit', () => ui.quit());
    ui.app.unmount();
  });
});
