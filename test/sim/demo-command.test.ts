import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoEnvironment, openDemo } from '../../src/cli/demo-command.js';
import { Logger } from '../../src/core/log.js';

/** `airgap-top demo` without the screen: simulator + demo config + extensions + live Session. */
describe('openDemo', () => {
  let demo: DemoEnvironment;
  beforeAll(async () => {
    demo = await openDemo({ log: new Logger(), timeline: false });
    await demo.session.start();
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('uses the demo config and reaches a first sync of every probe without errors', () => {
    expect(demo.config.registry.private).toEqual(['registry.example.internal/tkg']);
    expect(demo.config.topology.zones).toEqual(['zone-a', 'zone-b', 'zone-c']);
    const results = demo.session.results();
    expect(results.map((r) => `${r.id}:${r.status === 'error' ? r.message : 'ok'}`)).toEqual(
      results.map((r) => `${r.id}:ok`),
    );
  });

  it('finds the leaked public image and the ImagePullBackOff in the images probe', () => {
    const images = demo.session.results().find((r) => r.id === 'images');
    const failing = (images?.findings ?? [])
      .filter((f) => f.severity === 'fail')
      .map((f) => `${f.subject.namespace}/${f.subject.name}`);
    expect(failing.some((s) => s.startsWith('shop/edge-proxy'))).toBe(true);
    expect(failing.some((s) => s.startsWith('payments/worker'))).toBe(true);
  });

  it('only ever read from the API server', () => {
    const writes = demo.sim.requests.filter((r) => !['get', 'list', 'watch'].includes(r.verb));
    expect(writes).toEqual([]);
  });
});
