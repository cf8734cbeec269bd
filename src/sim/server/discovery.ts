import type { ServerResponse } from 'node:http';
import { ApiError } from '../api.js';
import type { ResourceRegistry, ResourceType } from '../resources.js';
import { sendJson } from './http.js';

const VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T00:00:00Z',
  goVersion: 'go1.23.8',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/**
 * Serves the paths that are not resources: /version, the health checks, /api and /apis (legacy or
 * aggregated discovery) and OpenAPI v3. Returns false when `path` is none of them.
 */
export function serveDiscovery(
  res: ServerResponse,
  registry: ResourceRegistry,
  serverUrl: string,
  path: string,
  accept: string,
): boolean {
  switch (path) {
    case '/version':
      sendJson(res, 200, VERSION);
      return true;
    case '/healthz':
    case '/readyz':
    case '/livez':
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return true;
    case '/api':
    case '/apis': {
      const aggregated = aggregatedDiscoveryVersion(accept);
      if (aggregated) {
        sendJson(
          res,
          200,
          aggregatedDiscovery(registry, path === '/api', aggregated),
          `application/json;g=apidiscovery.k8s.io;v=${aggregated};as=APIGroupDiscoveryList`,
        );
        return true;
      }
      if (path === '/apis') {
        sendJson(res, 200, groupList(registry));
        return true;
      }
      sendJson(res, 200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [
          { clientCIDR: '0.0.0.0/0', serverAddress: serverUrl.replace('https://', '') },
        ],
      });
      return true;
    }
  }
  if (path === '/openapi/v3') {
    sendJson(res, 200, openApiRoot(registry));
    return true;
  }
  if (path.startsWith('/openapi/v3/')) {
    const doc = openApiGroupVersion(registry, path.slice('/openapi/v3/'.length));
    if (!doc) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    sendJson(res, 200, doc);
    return true;
  }
  if (path.startsWith('/openapi/'))
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  return false;
}

/** The APIGroup document of /apis/GROUP, or undefined when no type of that group is served. */
export function groupDocument(
  registry: ResourceRegistry,
  group: string,
): Record<string, unknown> | undefined {
  const g = groupList(registry).groups.find((x) => x.name === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...g } : undefined;
}

function groupList(registry: ResourceRegistry) {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry
      .groups()
      .sort((a, b) => groupOrder(a.name) - groupOrder(b.name) || a.name.localeCompare(b.name))
      .map((g) => {
        const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v }));
        return { name: g.name, versions, preferredVersion: versions[0] };
      }),
  };
}

/**
 * Aggregated discovery (apidiscovery.k8s.io/v2, what kubectl 1.30+ asks first): every group,
 * version and resource in one answer, so a client needs two requests instead of one per group.
 */
function aggregatedDiscovery(registry: ResourceRegistry, core: boolean, version: string) {
  const groups = core
    ? [{ name: '', versions: ['v1'] }]
    : registry
        .groups()
        .sort((a, b) => groupOrder(a.name) - groupOrder(b.name) || a.name.localeCompare(b.name));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.name, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: registry
          .at(g.name, v)
          .sort((a, b) => a.plural.localeCompare(b.plural))
          .map((t) => {
            const responseKind = { group: t.group, version: v, kind: t.kind };
            return {
              resource: t.plural,
              responseKind,
              scope: t.namespaced ? 'Namespaced' : 'Cluster',
              singularResource: t.singular,
              verbs: t.verbs,
              ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
              ...(t.categories.length ? { categories: t.categories } : {}),
              ...(t.statusSubresource
                ? {
                    subresources: [
                      { subresource: 'status', responseKind, verbs: ['get', 'patch', 'update'] },
                    ],
                  }
                : {}),
            };
          }),
        freshness: 'Current',
      })),
    })),
  };
}

/** OpenAPI v3 discovery: one document per group/version, as kube-apiserver serves it. */
function openApiRoot(registry: ResourceRegistry) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  const gvs = new Set<string>(['api/v1']);
  for (const g of registry.groups()) for (const v of g.versions) gvs.add(`apis/${g.name}/${v}`);
  for (const gv of gvs)
    paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${openApiHash(registry, gv)}` };
  return { paths };
}

function openApiHash(registry: ResourceRegistry, gv: string): string {
  const [, group = '', version = 'v1'] = gv.startsWith('api/') ? ['', '', gv.slice(4)] : gv.split('/');
  const text = registry
    .at(group, version)
    .map((t) => `${t.plural}:${t.kind}`)
    .join(',');
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h.toString(16).toUpperCase().padStart(16, '0');
}

/**
 * Just enough of the per-group-version document for kubectl: PATCH operations tagged with their
 * group/version/kind that accept `fieldValidation`, so kubectl validates on the server side
 * (Strict) instead of downloading schemas. Object schemas are open (any field allowed).
 */
function openApiGroupVersion(registry: ResourceRegistry, gv: string): Record<string, unknown> | undefined {
  let group: string;
  let version: string;
  if (gv.startsWith('api/')) {
    group = '';
    version = gv.slice(4);
  } else {
    const parts = gv.split('/');
    if (parts[0] !== 'apis' || parts.length !== 3) return undefined;
    group = parts[1] as string;
    version = parts[2] as string;
  }
  const types = registry.at(group, version);
  if (types.length === 0) return undefined;
  const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  const params = ['fieldValidation', 'fieldManager', 'dryRun', 'force'].map((name) => ({
    name,
    in: 'query',
    schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
  }));
  for (const t of types) {
    const gvk = { group, version, kind: t.kind };
    const schemaName = `${group === '' ? 'io.k8s.api.core' : group.split('.').reverse().join('.')}.${version}.${t.kind}`;
    schemas[schemaName] = {
      type: 'object',
      'x-kubernetes-group-version-kind': [gvk],
      'x-kubernetes-preserve-unknown-fields': true,
    };
    const ref = { $ref: `#/components/schemas/${schemaName}` };
    const ok = { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } };
    const item = `${prefix}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}/{name}`;
    const op = (action: string) => ({
      operationId: `${action}${t.kind}`,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      parameters: params,
      responses: ok,
    });
    paths[item] = { get: op('get'), put: op('put'), patch: op('patch'), delete: op('delete') };
    paths[`${prefix}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}`] = {
      get: op('list'),
      post: op('post'),
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.4' },
    paths,
    components: { schemas },
  };
}

/** The APIResourceList of /api/v1 or /apis/GROUP/VERSION. */
export function resourceList(groupVersion: string, types: readonly ResourceType[]) {
  const resources: Record<string, unknown>[] = [];
  for (const t of [...types].sort((a, b) => a.plural.localeCompare(b.plural))) {
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories.length ? { categories: t.categories } : {}),
    });
    if (t.statusSubresource) {
      resources.push({
        name: `${t.plural}/status`,
        singularName: '',
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: ['get', 'patch', 'update'],
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

/** The aggregated discovery version the client accepts (v2 preferred), if it asks for it at all. */
function aggregatedDiscoveryVersion(accept: string): string | undefined {
  const offered = accept
    .split(',')
    .filter((m) => m.includes('g=apidiscovery.k8s.io') && m.includes('as=APIGroupDiscoveryList'))
    .map((m) => /v=(v2(?:beta1)?)\b/.exec(m)?.[1]);
  return offered.includes('v2') ? 'v2' : offered.includes('v2beta1') ? 'v2beta1' : undefined;
}

/** Core-ish groups first, as a real server orders /apis; then the rest alphabetically. */
function groupOrder(name: string): number {
  const order = ['apps', 'batch', 'storage.k8s.io', 'apiextensions.k8s.io'];
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}
