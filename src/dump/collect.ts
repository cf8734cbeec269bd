import { chmodSync, copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { dump as toYaml } from 'js-yaml';
import { errorMessage, UserFacingError } from '../core/errors.js';
import type { SshConfig } from '../model/config.js';
import { NodeFileError, type NodeFileSource, safeNodeDirName } from '../probes/containerd/file-source.js';
import {
  connectSshAs,
  mapBounded,
  type NodeTarget,
  nodeTarget,
  openSweepEnvironment,
  type SweepEnvironment,
} from '../probes/containerd/index.js';
import { openSftp, SshConnectError } from '../probes/containerd/ssh.js';
import { KubeApiError, type KubeConnection } from '../probes/kube/connection.js';
import type { Resolver } from '../probes/types.js';
import { redactTomlCredentials } from './toml-credentials.js';

/**
 * `airgap-top dump -o DIR`: writes the support bundle `report --from-dump DIR` reads (the layout of
 * src/dump/index.ts), through the probes' own Kubernetes connection and SFTP reader:
 *
 *   DIR/cluster.json                     {"context", "server", "collectedAt"} (names only)
 *   DIR/kube/<resource>.yaml             each resource as `kubectl get RESOURCE -A -o yaml` (kind: List)
 *   DIR/nodes/<node>/etc/containerd/...  each Linux node's containerd config, over SFTP
 *   DIR/vsphere/inventory.json           a govc inventory file, when one is given
 *
 * Never collected: Secrets and ConfigMaps (only the resources below are read), private keys
 * (`*.key` under /etc/containerd), registry credentials in TOML files (replaced by "[redacted]").
 */

/** What the probes read, in the order scripts/collect-dump.sh wrote them. `group` '' is the core group. */
const CLUSTER_RESOURCES = [
  ['', 'namespaces'],
  ['', 'nodes'],
  ['storage.k8s.io', 'csinodes'],
] as const;
const NAMESPACED_RESOURCES = [
  ['', 'pods'],
  ['', 'events'],
  ['apps', 'replicasets'],
  ['apps', 'deployments'],
  ['apps', 'daemonsets'],
  ['apps', 'statefulsets'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
] as const;
/** Cluster API, CAPV and IPAM objects; other custom resources of these groups come with their CRDs. */
const CAPI_RESOURCES = [
  'clusters.cluster.x-k8s.io',
  'machines.cluster.x-k8s.io',
  'vsphereclusters.infrastructure.cluster.x-k8s.io',
  'vspheremachines.infrastructure.cluster.x-k8s.io',
  'vspherevms.infrastructure.cluster.x-k8s.io',
  'vspheredeploymentzones.infrastructure.cluster.x-k8s.io',
  'vspherefailuredomains.infrastructure.cluster.x-k8s.io',
  'ipaddressclaims.ipam.cluster.x-k8s.io',
  'ipaddresses.ipam.cluster.x-k8s.io',
  'inclusterippools.ipam.cluster.x-k8s.io',
  'globalinclusterippools.ipam.cluster.x-k8s.io',
];
const CAPI_CRD = /^[a-z0-9]+\.(ipam\.|infrastructure\.)?cluster\.x-k8s\.io$/;
const CONTAINERD_DIR = '/etc/containerd';

export interface DumpOptions {
  readonly dir: string;
  readonly kube: KubeConnection;
  /** undefined: no node files (no [ssh] section and no --ssh). */
  readonly ssh?: SshConfig;
  /** A govc inventory file to carry along (--vsphere-inventory or [vsphere] inventory_file). */
  readonly vsphereInventory?: string;
  readonly resolve: Resolver;
  /** One line per step, for stderr. */
  readonly progress: (line: string) => void;
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
}

export interface DumpResult {
  readonly resources: number;
  readonly objects: number;
  readonly nodes: number;
  /** What could not be read (a resource, a node): the bundle is incomplete. */
  readonly failures: readonly string[];
}

interface KubeList {
  readonly items?: Record<string, unknown>[];
  readonly metadata?: { continue?: string };
}

/** Collects the bundle into `dir` (created 0700; files 0600). */
export async function collectDump(options: DumpOptions): Promise<DumpResult> {
  const { dir, kube, progress } = options;
  mkdirSync(join(dir, 'kube'), { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  try {
    await kube.version(options.signal);
  } catch (err) {
    throw err instanceof UserFacingError ? err : new UserFacingError(`dump: ${errorMessage(err)}`);
  }
  writePrivate(
    join(dir, 'cluster.json'),
    `${JSON.stringify({ context: kube.contextName, server: kube.server, collectedAt: (options.now?.() ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z') })}\n`,
  );
  const failures: string[] = [];
  let resources = 0;
  let objects = 0;
  const dumpResource = async (
    group: string,
    resource: string,
    filter?: (o: Record<string, unknown>) => boolean,
  ) => {
    const name = group ? `${resource}.${group}` : resource;
    try {
      const items = await listResource(kube, group, resource, options.signal);
      if (items === undefined) {
        progress(`dump: skipped ${name}: not served by this cluster`);
        return [];
      }
      const kept = filter ? items.filter(filter) : items;
      writePrivate(
        join(dir, 'kube', `${name}.yaml`),
        toYaml({ apiVersion: 'v1', kind: 'List', items: kept }, { noRefs: true, lineWidth: -1 }),
      );
      resources += 1;
      objects += kept.length;
      progress(`dump: kube/${name}.yaml (${kept.length} objects)`);
      return kept;
    } catch (err) {
      failures.push(`${name}: ${errorMessage(err)}`);
      progress(`dump: skipped ${name}: ${errorMessage(err)}`);
      return [];
    }
  };

  let nodes: Record<string, unknown>[] = [];
  for (const [group, resource] of [...CLUSTER_RESOURCES, ...NAMESPACED_RESOURCES]) {
    const items = await dumpResource(group, resource);
    if (resource === 'nodes') nodes = items;
  }
  // The CRDs of the Cluster API groups (the simulator learns unknown types from them), then their objects.
  const crds = await dumpResource('apiextensions.k8s.io', 'customresourcedefinitions', (o) =>
    CAPI_CRD.test(String((o.metadata as { name?: string } | undefined)?.name ?? '')),
  );
  const crdNames = crds.map((o) => String((o.metadata as { name?: string }).name));
  for (const full of [...new Set([...CAPI_RESOURCES, ...crdNames])].sort()) {
    const dot = full.indexOf('.');
    await dumpResource(full.slice(dot + 1), full.slice(0, dot));
  }

  let nodeCount = 0;
  if (options.ssh) {
    const read = await dumpNodes(options, options.ssh, nodes);
    nodeCount = read.nodes;
    failures.push(...read.failures);
  }
  if (options.vsphereInventory) {
    mkdirSync(join(dir, 'vsphere'), { recursive: true, mode: 0o700 });
    try {
      copyFileSync(options.vsphereInventory, join(dir, 'vsphere', 'inventory.json'));
      chmodSync(join(dir, 'vsphere', 'inventory.json'), 0o600);
      progress('dump: vsphere/inventory.json');
    } catch (err) {
      failures.push(`vsphere inventory ${options.vsphereInventory}: ${errorMessage(err)}`);
      progress(`dump: could not copy ${options.vsphereInventory}: ${errorMessage(err)}`);
    }
  }
  return { resources, objects, nodes: nodeCount, failures };
}

/** Every object of a resource (paged), with apiVersion and kind set as kubectl prints them; undefined = not served. */
async function listResource(
  kube: KubeConnection,
  group: string,
  resource: string,
  signal?: AbortSignal,
): Promise<Record<string, unknown>[] | undefined> {
  let base: string;
  let apiVersion: string;
  let kind: string;
  if (group === '') {
    const list = await kube.getJson<{ resources: { name: string; kind: string }[] }>('/api/v1', signal);
    const info = list.resources.find((r) => r.name === resource);
    if (!info) return undefined;
    base = `/api/v1/${resource}`;
    apiVersion = 'v1';
    kind = info.kind;
  } else {
    const served = (await kube.groups()).get(group);
    if (!served) return undefined;
    const resolved = await kube.resolveResource(group, resource, served.versions);
    if (!resolved) return undefined;
    base = `/apis/${group}/${resolved.version}/${resource}`;
    apiVersion = `${group}/${resolved.version}`;
    kind = resolved.info.kind;
  }
  const items: Record<string, unknown>[] = [];
  let cont: string | undefined;
  do {
    const query = `?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`;
    let page: KubeList;
    try {
      page = await kube.getJson<KubeList>(`${base}${query}`, signal);
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 404) return undefined;
      throw err;
    }
    for (const item of page.items ?? []) items.push(asPrinted(item, apiVersion, kind));
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return items;
}

/** As `kubectl get -o yaml` prints a list item: apiVersion and kind first, no managedFields. */
function asPrinted(item: Record<string, unknown>, apiVersion: string, kind: string): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, metadata, ...rest } = item;
  const meta =
    metadata && typeof metadata === 'object' ? { ...(metadata as Record<string, unknown>) } : metadata;
  if (meta && typeof meta === 'object') delete (meta as Record<string, unknown>).managedFields;
  return { apiVersion, kind, metadata: meta, ...rest };
}

/** Each Linux node's /etc/containerd over SFTP, with bounded concurrency, as the containerd probe reads it. */
async function dumpNodes(
  options: DumpOptions,
  ssh: SshConfig,
  nodes: readonly Record<string, unknown>[],
): Promise<{ nodes: number; failures: string[] }> {
  const failures: string[] = [];
  const targets = [];
  for (const node of nodes) {
    const meta = node.metadata as { name?: string; labels?: Record<string, string> } | undefined;
    const name = meta?.name;
    if (!name) continue;
    if (meta.labels?.['kubernetes.io/os'] === 'windows') {
      options.progress(
        `dump: skipped node ${name}: Windows node (containerd config not under /etc/containerd)`,
      );
      continue;
    }
    if (!safeNodeDirName(name)) {
      failures.push(`node ${name}: odd node name, skipped`);
      options.progress(`dump: odd node name ${JSON.stringify(name)}, skipped`);
      continue;
    }
    const status = node.status as { addresses?: { type?: string; address?: string }[] } | undefined;
    targets.push(nodeTarget(name, status?.addresses ?? [], ssh));
  }
  const { env, jumpFailure } = await openSweepEnvironment(ssh, options.resolve, options.signal);
  let read = 0;
  try {
    await mapBounded(targets, ssh.concurrency, async (target) => {
      const label = `${target.user}@${target.host ?? '?'}:${target.port}`;
      try {
        if (jumpFailure) throw new Error(jumpFailure.message);
        if (!target.host) throw new Error('no InternalIP, ExternalIP or Hostname address');
        const source = await openNode({ ...target, host: target.host }, label, env);
        try {
          const files = await copyTree(
            source,
            CONTAINERD_DIR,
            join(options.dir, 'nodes', target.node),
            (line) => options.progress(`dump: ${target.node}: ${line}`),
          );
          read += 1;
          options.progress(`dump: nodes/${target.node}/etc/containerd (${files} files from ${label})`);
        } finally {
          source.close();
        }
      } catch (err) {
        const message = err instanceof SshConnectError ? err.failure.message : errorMessage(err);
        failures.push(`node ${target.node}: ${message}`);
        options.progress(`dump: could not read ${CONTAINERD_DIR} on ${target.node} (${label}): ${message}`);
      }
    });
  } finally {
    env.jump?.end();
  }
  return { nodes: read, failures };
}

async function openNode(
  target: NodeTarget & { host: string },
  label: string,
  env: SweepEnvironment,
): Promise<NodeFileSource> {
  // known_hosts is checked under the name given, the address dialled is the resolved one (as ssh does).
  let dialHost = target.host;
  if (!isIP(target.host) && !env.jump) dialHost = (await env.resolve(target.host))[0] ?? target.host;
  const session = await connectSshAs(target, dialHost, env);
  try {
    return await openSftp(session, label, env.ssh.readTimeoutSeconds * 1000);
  } catch (err) {
    session.client.end();
    throw err;
  }
}

/** Copies a node directory into `nodeRoot` + the same path; `*.key` skipped, TOML credentials masked. */
async function copyTree(
  source: NodeFileSource,
  path: string,
  nodeRoot: string,
  note: (line: string) => void,
): Promise<number> {
  let files = 0;
  for (const entry of (await source.readDir(path)).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.includes('/') || entry.name === '.' || entry.name === '..') continue;
    const child = `${path}/${entry.name}`;
    if (entry.isDirectory) {
      files += await copyTree(source, child, nodeRoot, note);
      continue;
    }
    if (entry.name.endsWith('.key')) continue; // private keys never leave the node
    let data: Buffer;
    try {
      data = await source.readFile(child);
    } catch (err) {
      // One unreadable or oversized file leaves the rest of the node worth having; a timeout does not.
      if (err instanceof NodeFileError && err.kind !== 'timeout') {
        note(`skipped ${err.message}`);
        continue;
      }
      throw err;
    }
    const content = entry.name.endsWith('.toml') ? redactTomlCredentials(data.toString('utf8')) : data;
    writePrivate(join(nodeRoot, child), content);
    files += 1;
  }
  return files;
}

/** Writes through a temporary name, so a reader never sees half a file; 0600 in 0700 folders. */
function writePrivate(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const part = `${path}.part`;
  writeFileSync(part, content, { mode: 0o600 });
  renameSync(part, path);
}
