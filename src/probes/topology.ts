import { errorMessage } from '../core/errors.js';
import {
  toCsiNodeRecord,
  toDeploymentZoneRecord,
  toFailureDomainRecord,
  toMachineRecord,
  toNodeRecord,
} from '../model/topology/records.js';
import { EMPTY_SIGNALS, nextSignals } from '../model/topology/signals.js';
import type {
  CsiNodeRecord,
  DeploymentZoneRecord,
  FailureDomainRecord,
  MachineRecord,
  NodeRecord,
  NodeSignals,
  TopologyData,
} from '../model/topology/types.js';
import { type Collection, type KubeObject, type KubeTuning, sharedCollection } from './kube/collection.js';
import type { KubeConnection } from './kube/connection.js';
import { Backoff, isAbort, sleep } from './kube/retry.js';
import { lastUpdate, listingProgress, probeLive } from './kube/state.js';
import type { ProbeContext, ProbeSource } from './types.js';

type Raw = Record<string, unknown>;
/** What the probe needs of any collection, whatever its record type. */
type AnyCollection = Pick<
  Collection<unknown>,
  | 'status'
  | 'error'
  | 'live'
  | 'stats'
  | 'firstSync'
  | 'start'
  | 'stop'
  | 'onChange'
  | 'updatedAt'
  | 'listed'
  | 'path'
>;

/** Versions of the optional CAPI/CAPV resources this probe understands, newest first. */
const OPTIONAL = {
  machines: {
    group: 'cluster.x-k8s.io',
    resource: 'machines',
    versions: ['v1beta2', 'v1beta1'],
    namespaced: true,
  },
  deploymentZones: {
    group: 'infrastructure.cluster.x-k8s.io',
    resource: 'vspheredeploymentzones',
    versions: ['v1beta2', 'v1beta1'],
    namespaced: false,
  },
  failureDomains: {
    group: 'infrastructure.cluster.x-k8s.io',
    resource: 'vspherefailuredomains',
    versions: ['v1beta2', 'v1beta1'],
    namespaced: false,
  },
} as const;

type OptionalKey = keyof typeof OPTIONAL;

/**
 * Discovery: the collection path of an optional resource, undefined when the server does not serve
 * it (404, or absent from a discovery document that was read). Any other failure rejects.
 */
async function optionalPath(ctx: ProbeContext, key: OptionalKey): Promise<string | undefined> {
  const spec = OPTIONAL[key];
  const found = await ctx.kube.resolveResource(spec.group, spec.resource, spec.versions, ctx.signal);
  if (!found) return undefined;
  // Machines are cluster infrastructure: read in every namespace, whatever -n says.
  return `/apis/${spec.group}/${found.version}/${spec.resource}`;
}

/**
 * The optional paths, or undefined when discovery failed (the probe is then in error: whether the
 * cluster has CAPI/CAPV is unknown, so TOPO-201–203 cannot pass). The TUI retries with backoff.
 */
async function optionalPaths(ctx: ProbeContext): Promise<(string | undefined)[] | undefined> {
  const backoff = new Backoff({
    initialMs: ctx.kubeTuning?.backoffInitialMs,
    maxMs: ctx.kubeTuning?.backoffMaxMs,
  });
  for (;;) {
    try {
      return await Promise.all([
        optionalPath(ctx, 'machines'),
        optionalPath(ctx, 'deploymentZones'),
        optionalPath(ctx, 'failureDomains'),
      ]);
    } catch (err) {
      if (isAbort(err) || ctx.signal.aborted) return undefined;
      const reason = errorMessage(err);
      const message = `API discovery of the CAPI/CAPV groups failed (${reason}), so it is unknown whether Machines and vSphere failure domains exist: the topology probe cannot judge TOPO-201–203. It retries; check the API server if this persists.`;
      ctx.log.warn(`topology: ${message}`);
      ctx.store.set('topology', {
        status: 'error',
        message,
        ...(ctx.live ? { live: { state: 'reconnecting', detail: reason } } : {}),
      });
      if (!ctx.live) return undefined;
      try {
        await sleep(backoff.next(), ctx.signal);
      } catch {
        return undefined;
      }
    }
  }
}

function collection<T>(
  kube: KubeConnection,
  tuning: KubeTuning | undefined,
  path: string,
  transform: (raw: Raw) => T | undefined,
  onEvent?: (type: string, next: T | undefined, previous: T | undefined) => void,
): Collection<T> {
  return sharedCollection<T>(kube, {
    path,
    transform: (obj: KubeObject) => transform(obj as Raw),
    onEvent,
    tuning,
  });
}

/**
 * Reads nodes and CSINodes always, CAPI Machines and CAPV deployment zones / failure domains when
 * discovery says they are served, and keeps a bounded per-node history of Ready flips and
 * InternalIP changes from the node watch.
 */
export const topologyProbe: ProbeSource<'topology'> = {
  id: 'topology',
  async start(ctx) {
    const observedSince = new Date().toISOString();
    const signals = new Map<string, NodeSignals>();
    let signalsVersion = 0;

    const nodes = collection<NodeRecord>(
      ctx.kube,
      ctx.kubeTuning,
      '/api/v1/nodes',
      toNodeRecord,
      (type, next, previous) => {
        if (type === 'DELETED') {
          if (previous && signals.delete(previous.name)) signalsVersion += 1;
          return;
        }
        if (!next) return;
        const current = signals.get(next.name) ?? EMPTY_SIGNALS;
        const updated = nextSignals(current, previous, next, new Date().toISOString());
        if (updated !== current) {
          signals.set(next.name, updated);
          signalsVersion += 1;
        }
      },
    );
    const csiNodes = collection<CsiNodeRecord>(
      ctx.kube,
      ctx.kubeTuning,
      '/apis/storage.k8s.io/v1/csinodes',
      toCsiNodeRecord,
    );

    const paths = await optionalPaths(ctx);
    if (!paths) return;
    const [machinesPath, zonesPath, domainsPath] = paths;
    const machines = machinesPath
      ? collection<MachineRecord>(ctx.kube, ctx.kubeTuning, machinesPath, toMachineRecord)
      : undefined;
    const zones = zonesPath
      ? collection<DeploymentZoneRecord>(ctx.kube, ctx.kubeTuning, zonesPath, toDeploymentZoneRecord)
      : undefined;
    const domains = domainsPath
      ? collection<FailureDomainRecord>(ctx.kube, ctx.kubeTuning, domainsPath, toFailureDomainRecord)
      : undefined;
    const required = [
      ['nodes', nodes],
      ['csinodes.storage.k8s.io', csiNodes],
    ] as const;
    const optional = [
      ['machines', machines],
      ['vspheredeploymentzones', zones],
      ['vspherefailuredomains', domains],
    ] as const;
    const all: AnyCollection[] = [nodes, csiNodes, machines, zones, domains].filter(
      (c): c is NonNullable<typeof c> => c !== undefined,
    );

    // An optional collection that could not be read leaves its checks out rather than failing the probe.
    const optionalValues = <T>(c: Collection<T> | undefined): T[] | undefined =>
      c && c.status === 'ready' ? c.values() : undefined;

    let lastKey = '';
    let lastData: TopologyData | undefined;
    const publish = () => {
      const failed = required.filter(([, c]) => c.status === 'error' || c.status === 'not-found');
      const updatedAt = lastUpdate([...required, ...optional]);
      const live = ctx.live ? probeLive([...required, ...optional]) : undefined;
      if (failed.length > 0) {
        const reasons = failed.map(([name, c]) => `${name}: ${c.error ?? c.status}`).join('; ');
        ctx.store.set('topology', {
          status: 'error',
          message: `cannot read ${failed.map(([n]) => n).join(' and ')} (${reasons}). The topology probe needs get/list/watch on nodes and storage.k8s.io csinodes: grant them with a ClusterRole bound to this user, or use a kubeconfig that has them.`,
          data: lastData,
          updatedAt,
          live,
        });
        return;
      }
      const key = [...all.map((c) => `${c.status}:${c.stats.lists}:${c.stats.events}`), signalsVersion].join(
        '|',
      );
      if (key !== lastKey || !lastData) {
        lastKey = key;
        lastData = {
          nodes: nodes.values(),
          csiNodes: csiNodes.values(),
          machines: optionalValues(machines),
          deploymentZones: optionalValues(zones),
          failureDomains: optionalValues(domains),
          signals: Object.fromEntries(signals),
          observedSince,
          live: ctx.live,
        };
      }
      ctx.store.set('topology', { status: 'ready', data: lastData, updatedAt, live });
    };

    for (const [name, c] of optional) {
      c?.onChange(() => {
        if (c.status === 'error' && c.error)
          ctx.log.warn(`topology: ${name} unreadable (${c.error}); its checks do not run`);
      });
    }
    const stop = () => {
      for (const c of all) c.stop();
    };
    if (ctx.signal.aborted) return;
    ctx.signal.addEventListener('abort', stop, { once: true });
    // Listen before starting so no event between the first sync and the subscription is lost.
    let synced = false;
    for (const c of all) {
      c.onChange(() => {
        if (ctx.signal.aborted) return;
        if (synced) {
          if (ctx.live) publish();
        } else if (ctx.store.get('topology')?.status === 'loading') {
          ctx.store.patch('topology', { progress: listingProgress([...required, ...optional]) });
        }
      });
    }
    for (const c of all) c.start({ watch: ctx.live });
    await Promise.all(all.map((c) => c.firstSync));
    synced = true;
    publish();
    if (!ctx.live) stop();
  },
};
