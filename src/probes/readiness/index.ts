import { errorMessage } from '../../core/errors.js';
import { type ExpectSpec, parseExpectSpec } from '../../model/config.js';
import { templateRecordOf } from '../../model/readiness/records.js';
import type { ExpectSet, ReadinessData, TemplateKind, TemplateRecord } from '../../model/readiness/types.js';
import { registryCheckSettings } from '../../model/registry/settings.js';
import { sharedCollection } from '../kube/collection.js';
import { lastUpdate, listingProgress, probeLive } from '../kube/state.js';
import { lookupVia } from '../lookup.js';
import { ArtifactReader } from '../registry/read.js';
import { registryClientFor } from '../registry/sweep.js';
import type { ProbeContext, ProbeSource } from '../types.js';
import { readExpectFile, readExpectSets } from './expect-files.js';
import { isRegistryBom, readRegistryBom } from './registry-bom.js';

/**
 * The readiness probe: what the cluster will pull next and what an upgrade will need. It lists and
 * watches the pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, CronJobs and
 * Jobs (kept slim: name, replicas, controller, images), and reads the expect files. Its own probe
 * rather than more records in the images probe: the images probe's records are pods (its verdicts,
 * its cursor, its diff), templates have other subjects and other RBAC, and a cluster that forbids
 * listing CronJobs must not make the pods' verdicts partial. The registry probe asks for these
 * images in the same sweep as the running ones (one request per unique reference).
 */
/** Per session: adds an expect set and republishes (the TUI's `:expect FILE`). */
const addSetOf = new WeakMap<ProbeContext, (set: ExpectSet) => void>();

/** One registry client per session, made on first use (only BOMs read from the registry need it). */
const clients = new WeakMap<ProbeContext, Promise<ArtifactReader>>();
function clientOf(ctx: ProbeContext): Promise<ArtifactReader> {
  let client = clients.get(ctx);
  if (!client) {
    const options = {
      lookup: lookupVia(ctx.resolve),
      ...(ctx.config.registry.connectTo ? { connectTo: ctx.config.registry.connectTo } : {}),
      log: ctx.log,
    };
    const settings = registryCheckSettings(ctx.config.registry);
    client = registryClientFor(settings, options, undefined, ArtifactReader) as Promise<ArtifactReader>;
    clients.set(ctx, client);
  }
  return client;
}

/** An expect file, or a BOM image read from the registry (oci://). */
async function readSpec(ctx: ProbeContext, spec: ExpectSpec): Promise<ExpectSet> {
  return isRegistryBom(spec)
    ? readRegistryBom(spec, ctx.config, await clientOf(ctx))
    : readExpectFile(spec, ctx.config);
}

export const readinessProbe: ProbeSource<'readiness'> = {
  id: 'readiness',
  start: (ctx) => runReadinessProbe(ctx),
  async command(ctx, name, args) {
    const add = addSetOf.get(ctx);
    if (name !== 'expect' || !add) throw new Error(`readiness takes no :${name} here`);
    const set = await readSpec(ctx, parseExpectSpec(args.join(' ')));
    add(set);
    const n = new Set(set.images.map((i) => i.image)).size;
    return `${set.file}: ${n} expected image${n === 1 ? '' : 's'} (${set.format}); asking the registry`;
  },
};

const RESOURCES: readonly [TemplateKind, string, string][] = [
  ['Deployment', '/apis/apps/v1', 'deployments'],
  ['StatefulSet', '/apis/apps/v1', 'statefulsets'],
  ['DaemonSet', '/apis/apps/v1', 'daemonsets'],
  ['ReplicaSet', '/apis/apps/v1', 'replicasets'],
  ['CronJob', '/apis/batch/v1', 'cronjobs'],
  ['Job', '/apis/batch/v1', 'jobs'],
];

function collectionPath(prefix: string, resource: string, namespace: string | undefined): string {
  return namespace
    ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${resource}`
    : `${prefix}/${resource}`;
}

export async function runReadinessProbe(ctx: ProbeContext): Promise<void> {
  let expectSets: ExpectSet[];
  try {
    expectSets = readExpectSets(ctx.config);
    for (const spec of ctx.config.registry.expect ?? []) {
      if (isRegistryBom(spec)) expectSets.push(await readSpec(ctx, spec));
    }
  } catch (err) {
    ctx.store.set('readiness', { status: 'error', message: errorMessage(err) });
    return;
  }
  const ns = ctx.namespace;
  const collections = RESOURCES.map(([kind, prefix, resource]) => ({
    kind,
    resource: `${resource}.${prefix.split('/')[2]}`,
    collection: sharedCollection<TemplateRecord>(ctx.kube, {
      path: collectionPath(prefix, resource, ns),
      transform: templateRecordOf(kind),
      coalesceMs: 100,
      tuning: ctx.kubeTuning,
    }),
  }));
  const named = collections.map((c) => [c.resource, c.collection] as const);
  let timer: NodeJS.Timeout | undefined;
  let synced = false;
  let last: ReadinessData | undefined;
  let lastKey = '';

  const publish = (): void => {
    timer = undefined;
    const templates: TemplateRecord[] = [];
    const unreadable: { resource: string; reason: string }[] = [];
    for (const c of collections) {
      if (c.collection.status === 'error' || c.collection.status === 'not-found') {
        unreadable.push({ resource: c.resource, reason: c.collection.error ?? 'could not be read' });
      }
      for (const t of c.collection.items.values()) templates.push(t);
    }
    templates.sort(compareTemplates);
    // Same templates, same data object: the registry probe and the evaluator skip unchanged publishes.
    const key = JSON.stringify(unreadable);
    const same =
      last !== undefined &&
      key === lastKey &&
      last.templates.length === templates.length &&
      last.templates.every((t, i) => t === templates[i]);
    if (!same) {
      last = { templates, expectSets, ...(unreadable.length > 0 ? { unreadable } : {}) };
      lastKey = key;
    }
    ctx.store.set('readiness', {
      status: 'ready',
      data: last,
      ...(unreadable.length > 0
        ? { message: `partial data: ${unreadable.map((u) => u.resource).join(', ')} unreadable` }
        : {}),
      updatedAt: lastUpdate(named),
      live: ctx.live ? probeLive(named) : undefined,
    });
  };
  const schedule = (): void => {
    if (!synced) {
      if (!ctx.signal.aborted && ctx.store.get('readiness')?.status === 'loading')
        ctx.store.patch('readiness', { progress: listingProgress(named) });
      return;
    }
    if (timer) return;
    timer = setTimeout(publish, 50);
  };
  for (const c of collections) c.collection.onChange(schedule);
  addSetOf.set(ctx, (set) => {
    // The same file again replaces its earlier set (edited and checked again).
    expectSets = [...expectSets.filter((s) => s.file !== set.file), set];
    last = undefined;
    if (synced) publish();
  });
  const stop = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    for (const c of collections) c.collection.stop();
  };
  if (ctx.signal.aborted) return;
  ctx.signal.addEventListener('abort', stop, { once: true });
  for (const c of collections) c.collection.start({ watch: ctx.live });
  await Promise.all(collections.map((c) => c.collection.firstSync));
  synced = true;
  publish();
  if (!ctx.live) stop();
}

function compareTemplates(a: TemplateRecord, b: TemplateRecord): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
