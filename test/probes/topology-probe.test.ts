import { describe, expect, it } from 'vitest';
import { Logger } from '../../src/core/log.js';
import { DEFAULT_CONFIG } from '../../src/model/config.js';
import { Store } from '../../src/model/store.js';
import type { TopologyData } from '../../src/model/topology/types.js';
import { KubeApiError, type KubeConnection } from '../../src/probes/kube/connection.js';
import { topologyProbe } from '../../src/probes/topology.js';
import type { ProbeContext } from '../../src/probes/types.js';
import { loadObjects } from '../model/topology/helpers.js';

/**
 * The probe's discovery and error paths against a scripted connection (one-shot mode, no watch):
 * which paths it reads, when CAPI/CAPV are absent, and what it says when nodes are forbidden.
 */
function fakeKube(options: { served: string[]; forbid?: string[] }): {
  kube: KubeConnection;
  paths: string[];
} {
  const objects = loadObjects();
  const paths: string[] = [];
  const kindsByPath: Record<string, string> = {
    '/api/v1/nodes': 'Node',
    '/apis/storage.k8s.io/v1/csinodes': 'CSINode',
    '/apis/cluster.x-k8s.io/v1beta1/machines': 'Machine',
    '/apis/infrastructure.cluster.x-k8s.io/v1beta1/vspheredeploymentzones': 'VSphereDeploymentZone',
    '/apis/infrastructure.cluster.x-k8s.io/v1beta1/vspherefailuredomains': 'VSphereFailureDomain',
  };
  const kube = {
    async getJson(path: string) {
      const bare = path.split('?')[0] ?? path;
      paths.push(bare);
      if (options.forbid?.includes(bare)) {
        throw new KubeApiError(
          403,
          `GET ${bare}: 403 Forbidden: nodes is forbidden: User "sre" cannot list resource "nodes"`,
        );
      }
      const kind = kindsByPath[bare];
      if (!kind) throw new KubeApiError(404, `GET ${bare}: 404 Not Found`);
      return { items: objects.filter((o) => o.kind === kind), metadata: { resourceVersion: '42' } };
    },
    // Collections read pages through getJsonLater (the body, parsed when the list reaches it).
    async getJsonLater(path: string) {
      const value = await kube.getJson(path);
      return () => value;
    },
    async resolveResource(group: string, resource: string) {
      const key = `${resource}.${group}`;
      return options.served.includes(key)
        ? {
            version: 'v1beta1',
            info: {
              name: resource,
              kind: resource,
              namespaced: resource === 'machines',
              verbs: ['list', 'watch'],
            },
          }
        : undefined;
    },
  } as unknown as KubeConnection;
  return { kube, paths };
}

function context(kube: KubeConnection, store: Store): ProbeContext {
  return {
    config: DEFAULT_CONFIG,
    kube,
    store,
    log: new Logger({}),
    signal: new AbortController().signal,
    live: false,
    resolve: async () => [],
  };
}

describe('topology probe discovery and errors', () => {
  it('reads CAPI/CAPV objects only when discovery serves them', async () => {
    const store = new Store();
    const { kube, paths } = fakeKube({ served: [] });
    await topologyProbe.start(context(kube, store));
    const state = store.get('topology');
    expect(state?.status).toBe('ready');
    const data = state?.data as TopologyData;
    expect(data.nodes).toHaveLength(11);
    expect(data.csiNodes).toHaveLength(11);
    expect(data.machines).toBeUndefined();
    expect(data.deploymentZones).toBeUndefined();
    expect(data.live).toBe(false);
    expect(paths.sort()).toEqual(['/api/v1/nodes', '/apis/storage.k8s.io/v1/csinodes']);
  });

  it('reads them all when served', async () => {
    const store = new Store();
    const { kube, paths } = fakeKube({
      served: [
        'machines.cluster.x-k8s.io',
        'vspheredeploymentzones.infrastructure.cluster.x-k8s.io',
        'vspherefailuredomains.infrastructure.cluster.x-k8s.io',
      ],
    });
    await topologyProbe.start(context(kube, store));
    const data = store.get('topology')?.data as TopologyData;
    expect(data.machines).toHaveLength(6);
    expect(data.deploymentZones).toHaveLength(3);
    expect(data.failureDomains).toHaveLength(3);
    expect(paths).toContain('/apis/cluster.x-k8s.io/v1beta1/machines');
  });

  it('is an error naming the RBAC it needs when nodes are forbidden', async () => {
    const store = new Store();
    const { kube } = fakeKube({ served: [], forbid: ['/api/v1/nodes'] });
    await topologyProbe.start(context(kube, store));
    const state = store.get('topology');
    expect(state?.status).toBe('error');
    expect(state?.message).toContain('cannot read nodes');
    expect(state?.message).toContain('forbidden to list /api/v1/nodes');
    expect(state?.message).toContain('get/list/watch on nodes and storage.k8s.io csinodes');
  });
});
