import { CoreV1Api, KubeConfig, type V1Pod, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';

const pod = (name: string, namespace: string, image: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels: { app: name } },
  spec: { containers: [{ name: 'main', image }], nodeName: 'node-a' },
  status: { phase: 'Running' },
});

describe('client-node against the simulator', () => {
  let sim: SimulatorHandleExtended;
  let kc: KubeConfig;

  beforeAll(async () => {
    sim = await startTestSimulator([
      pod('one', 'team-a', 'registry.example.internal/tkg/app:1'),
      pod('two', 'team-b', 'nginx:1.25'),
    ]);
    kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('lists pods over TLS with the kubeconfig CA and token', async () => {
    const api = kc.makeApiClient(CoreV1Api);
    const list = await api.listPodForAllNamespaces();
    expect(
      list.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}=${p.spec?.containers[0]?.image}`),
    ).toEqual(['team-a/one=registry.example.internal/tkg/app:1', 'team-b/two=nginx:1.25']);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThan(0);
  });

  it('watches from the list resourceVersion and sees ADDED, MODIFIED, DELETED in order', async () => {
    const api = kc.makeApiClient(CoreV1Api);
    const list = await api.listPodForAllNamespaces();
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      void new Watch(kc)
        .watch(
          '/api/v1/pods',
          { resourceVersion: list.metadata?.resourceVersion },
          (type: string, obj: V1Pod) => {
            seen.push(`${type} ${obj.metadata?.name} ${obj.spec?.containers[0]?.image}`);
            if (type === 'DELETED') resolve();
          },
          () => undefined,
        )
        .then((controller) => {
          sim.apply(pod('three', 'team-a', 'quay.io/x/y:1'));
          sim.patch('v1', 'Pod', 'three', 'team-a', {
            spec: { containers: [{ name: 'main', image: 'quay.io/x/y:2' }] },
          });
          sim.remove('v1', 'Pod', 'three', 'team-a');
          void done.then(() => controller.abort());
        });
    });
    await done;
    expect(seen).toEqual([
      'ADDED three quay.io/x/y:1',
      'MODIFIED three quay.io/x/y:2',
      'DELETED three quay.io/x/y:2',
    ]);
  });

  it('refuses requests without the bearer token with a 401 Status', async () => {
    const res = await fetchInsecure(`${sim.url}/api/v1/pods`);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', code: 401, reason: 'Unauthorized' });
  });

  it('records every request with verb, path and user agent', () => {
    const watch = sim.requests.find((r) => r.verb === 'watch');
    expect(watch?.path).toMatch(/^\/api\/v1\/pods\?/);
    expect(sim.requests.some((r) => r.verb === 'list' && r.method === 'GET' && r.status === 200)).toBe(true);
  });
});

async function fetchInsecure(url: string): Promise<{ status: number; body: string }> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}
