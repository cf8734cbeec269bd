import { readFileSync } from 'node:fs';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoEnvironment, openDemo } from '../../src/cli/demo-command.js';
import { Logger } from '../../src/core/log.js';
import { DEMO_CA } from '../../src/demo/ssh-nodes.js';

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

  it('points registry.example.internal at the embedded registry on loopback, trusted through the demo CA', async () => {
    const { registry } = demo.config;
    const address = registry.connectTo?.['registry.example.internal'] ?? '';
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(registry.connectTo?.['registry.example.internal:443']).toBe(address);
    expect(readFileSync(registry.caFile ?? '', 'utf8')).toBe(DEMO_CA);
    const [host, port] = address.split(':');
    const challenge = await new Promise<string | undefined>((resolve, reject) => {
      https
        .get(
          { host, port: Number(port), path: '/v2/', ca: DEMO_CA, servername: 'registry.example.internal' },
          (res) => {
            res.resume();
            resolve(res.headers['www-authenticate']);
          },
        )
        .on('error', reject);
    });
    expect(challenge).toContain('realm="https://registry.example.internal/service/token"');
  });

  it('only ever read from the API server', () => {
    const writes = demo.sim.requests.filter((r) => !['get', 'list', 'watch'].includes(r.verb));
    expect(writes).toEqual([]);
  });
});
