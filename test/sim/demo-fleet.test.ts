import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FleetDemo, openFleetDemo } from '../../src/cli/demo-fleet.js';
import { Logger } from '../../src/core/log.js';

/** `airgap-top demo --fleet` without the screen: the fleet simulator and a live fleet over it. */
describe('openFleetDemo', () => {
  let demo: FleetDemo;
  beforeAll(async () => {
    demo = await openFleetDemo({ log: new Logger() });
    await demo.live.start();
  }, 60_000);
  afterAll(async () => {
    await demo?.close();
  });

  it('serves a management cluster and four workload clusters, one down, all on 127.0.0.1', () => {
    expect(demo.sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(demo.sim.members.map((m) => m.server.replace(/:\d+$/, ''))).toEqual(
      Array(4).fill('https://127.0.0.1'),
    );
    const report = demo.live.report();
    expect(report.clusters.map((c) => [c.name, c.status])).toEqual([
      ['workload-1', 'ok'],
      ['workload-2', 'ok'],
      ['workload-3', 'ok'],
      ['workload-4', 'error'],
    ]);
    expect(demo.live.ready).toBe(true);
  });

  it('opens a live session per readable cluster, so enter shows it synced', () => {
    const session = demo.live.sessionOf('tkg-workloads/workload-2');
    expect(session?.store.snapshot.images?.status).toBe('ready');
    expect(demo.live.sessionOf('tkg-workloads/workload-4')).toBeUndefined();
  });

  it('only ever read from the management API server, and read Secrets with GET', () => {
    const requests = demo.sim.management.requests;
    expect(requests.filter((r) => !['get', 'list', 'watch'].includes(r.verb))).toEqual([]);
    expect(requests.filter((r) => r.path.includes('/secrets')).every((r) => r.verb === 'get')).toBe(true);
  });
});
