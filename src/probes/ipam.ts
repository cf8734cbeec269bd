import { errorMessage } from '../core/errors.js';
import { isIp } from '../model/ipam/ip.js';
import {
  endpointNames,
  toAddress,
  toClaim,
  toCluster,
  toMachine,
  toPool,
  toVSphereMachine,
  toVSphereVM,
} from '../model/ipam/records.js';
import type { IpamData, Resolution } from '../model/ipam/types.js';
import { type Collection, type KubeObject, sharedCollection } from './kube/collection.js';
import { Backoff, isAbort, sleep } from './kube/retry.js';
import { lastUpdate, listingProgress, probeLive } from './kube/state.js';
import type { ProbeContext, ProbeSource } from './types.js';

type Raw = Record<string, unknown>;

interface ResourceSpec {
  readonly group: string;
  readonly resource: string;
  readonly kind: string;
  /** Acceptable versions, newest first; the server's preferred version wins when it is one of them. */
  readonly versions: readonly string[];
  readonly namespaced: boolean;
}

/** Everything the IPAM chain reads. The IPAM ones decide whether the probe applies at all. */
const RESOURCES = {
  clusters: {
    group: 'cluster.x-k8s.io',
    resource: 'clusters',
    kind: 'Cluster',
    versions: ['v1beta2', 'v1beta1'],
    namespaced: true,
  },
  machines: {
    group: 'cluster.x-k8s.io',
    resource: 'machines',
    kind: 'Machine',
    versions: ['v1beta2', 'v1beta1'],
    namespaced: true,
  },
  vsphereMachines: {
    group: 'infrastructure.cluster.x-k8s.io',
    resource: 'vspheremachines',
    kind: 'VSphereMachine',
    versions: ['v1beta2', 'v1beta1'],
    namespaced: true,
  },
  vsphereVMs: {
    group: 'infrastructure.cluster.x-k8s.io',
    resource: 'vspherevms',
    kind: 'VSphereVM',
    versions: ['v1beta2', 'v1beta1'],
    namespaced: true,
  },
  claims: {
    group: 'ipam.cluster.x-k8s.io',
    resource: 'ipaddressclaims',
    kind: 'IPAddressClaim',
    versions: ['v1beta2', 'v1beta1', 'v1alpha1'],
    namespaced: true,
  },
  addresses: {
    group: 'ipam.cluster.x-k8s.io',
    resource: 'ipaddresses',
    kind: 'IPAddress',
    versions: ['v1beta2', 'v1beta1', 'v1alpha1'],
    namespaced: true,
  },
  pools: {
    group: 'ipam.cluster.x-k8s.io',
    resource: 'inclusterippools',
    kind: 'InClusterIPPool',
    versions: ['v1alpha2', 'v1alpha1'],
    namespaced: true,
  },
  globalPools: {
    group: 'ipam.cluster.x-k8s.io',
    resource: 'globalinclusterippools',
    kind: 'GlobalInClusterIPPool',
    versions: ['v1alpha2', 'v1alpha1'],
    namespaced: false,
  },
} as const satisfies Record<string, ResourceSpec>;

type ResourceKey = keyof typeof RESOURCES;

/** Raw object → slim record, per resource. */
const TRANSFORMS = {
  clusters: toCluster,
  machines: toMachine,
  vsphereMachines: toVSphereMachine,
  vsphereVMs: toVSphereVM,
  claims: toClaim,
  addresses: toAddress,
  pools: toPool,
  globalPools: toPool,
} as const satisfies Record<ResourceKey, (o: Raw) => unknown>;
type RecordOf<K extends ResourceKey> = NonNullable<ReturnType<(typeof TRANSFORMS)[K]>>;
const IPAM_KEYS: readonly ResourceKey[] = ['vsphereVMs', 'claims', 'addresses', 'pools', 'globalPools'];
const RESOLVE_TIMEOUT_MS = 5_000;

interface Resolved {
  readonly spec: ResourceSpec;
  readonly version: string;
  readonly path: string;
}

/** Undefined: the server does not serve it (404, or absent from a discovery document that was read). */
type Discovered = { readonly resolved?: Resolved } | { readonly error: string };

async function discover(ctx: ProbeContext, key: ResourceKey): Promise<Discovered> {
  const spec: ResourceSpec = RESOURCES[key];
  try {
    const found = await ctx.kube.resolveResource(spec.group, spec.resource, spec.versions, ctx.signal);
    if (!found) return {};
    // Pools, claims, addresses and machines are cluster infrastructure: judged on every namespace,
    // whatever -n says (a namespace's slice of them would pass what it cannot see).
    return {
      resolved: {
        spec,
        version: found.version,
        path: `/apis/${spec.group}/${found.version}/${spec.resource}`,
      },
    };
  } catch (err) {
    if (isAbort(err)) throw err;
    const reason = errorMessage(err);
    return { error: `${spec.resource}.${spec.group}: ${reason}` };
  }
}

/**
 * Discovery of every resource the chain reads. A failure that is not "not served" (503, reset,
 * timeout) is the probe's error, never "not applicable": in the TUI it is retried with backoff
 * until it answers, in a report it ends the probe (after the retries inside discovery).
 */
async function discoverAll(
  ctx: ProbeContext,
  onResolved: (key: ResourceKey, resolved: Resolved) => void,
): Promise<Map<ResourceKey, Resolved> | undefined> {
  const keys = Object.keys(RESOURCES) as ResourceKey[];
  const backoff = new Backoff({
    initialMs: ctx.kubeTuning?.backoffInitialMs,
    maxMs: ctx.kubeTuning?.backoffMaxMs,
  });
  for (;;) {
    const answers = await Promise.all(
      keys.map(async (key) => {
        const answer = await discover(ctx, key);
        if ('resolved' in answer && answer.resolved) onResolved(key, answer.resolved);
        return [key, answer] as const;
      }),
    );
    const errors = answers.flatMap(([, a]) => ('error' in a ? [a.error] : []));
    if (errors.length === 0) {
      const resolved = new Map<ResourceKey, Resolved>();
      for (const [key, a] of answers) if ('resolved' in a && a.resolved) resolved.set(key, a.resolved);
      return resolved;
    }
    const message = `API discovery failed, so it is unknown whether this cluster has the node-IPAM resources: ${errors.join('; ')}. The IPAM probe retries; check the API server (and its aggregated APIs) if this persists.`;
    ctx.log.warn(`ipam: ${message}`);
    ctx.store.set('ipam', {
      status: 'error',
      message,
      ...(ctx.live ? { live: { state: 'reconnecting', detail: errors.join('; ') } } : {}),
    });
    if (!ctx.live) return undefined;
    try {
      await sleep(backoff.next(), ctx.signal);
    } catch {
      return undefined;
    }
  }
}

/**
 * List items of custom resources carry apiVersion and kind, but not every server fills them in;
 * the transforms need both (pool kind, v1alpha1 conversion), so the discovered ones fill the gap.
 */
function withTypeMeta(resolved: Resolved, transform: (o: Raw) => unknown) {
  const apiVersion = `${resolved.spec.group}/${resolved.version}`;
  return (obj: KubeObject) => transform({ apiVersion, kind: resolved.spec.kind, ...(obj as Raw) });
}

async function resolveWithTimeout(ctx: ProbeContext, host: string): Promise<Resolution> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${RESOLVE_TIMEOUT_MS / 1000}s`)),
      RESOLVE_TIMEOUT_MS,
    );
    timer.unref();
  });
  try {
    const addresses = await Promise.race([ctx.resolve(host), timeout]);
    return { host, addresses: [...addresses].sort() };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return {
      host,
      addresses: [],
      error: e.code ? `${e.code}${e.message ? ` (${e.message})` : ''}` : String(e.message ?? err),
    };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * Reads the node-IPAM chain (CAPI Cluster/Machine, CAPV VSphereMachine/VSphereVM, CAPI IPAM claims
 * and addresses, in-cluster provider pools) at whichever versions the server serves, and resolves
 * control-plane endpoint FQDNs through the injected resolver. Publishes one new IpamData per change.
 */
export const ipamProbe: ProbeSource<'ipam'> = {
  id: 'ipam',
  async start(ctx) {
    const keys = Object.keys(RESOURCES) as ResourceKey[];
    const make = <T>(r: Resolved, transform: (o: Raw) => T | undefined): Collection<T> =>
      sharedCollection<T>(ctx.kube, {
        path: r.path,
        transform: withTypeMeta(r, transform) as (o: KubeObject) => T,
        tuning: ctx.kubeTuning,
      });
    // Each collection is asked for (not started) as soon as its own discovery answers, so a list
    // another probe starts meanwhile (topology's Machines) is shared instead of read twice; the
    // discovery of the IPAM group can answer much later than that list's first page.
    const reserved = new Map<ResourceKey, Collection<unknown>>();
    const reserve = (key: ResourceKey, r: Resolved): void => {
      const had = reserved.get(key);
      if (had?.path === r.path) return;
      had?.stop();
      reserved.set(key, make(r, TRANSFORMS[key] as (o: Raw) => unknown) as Collection<unknown>);
    };
    const release = (): void => {
      for (const c of reserved.values()) c.stop();
      reserved.clear();
    };
    let resolved: Map<ResourceKey, Resolved> | undefined;
    try {
      resolved = await discoverAll(ctx, reserve);
    } catch (err) {
      release();
      if (isAbort(err)) return;
      throw err;
    }
    if (!resolved) {
      release();
      return;
    }
    if (!IPAM_KEYS.some((k) => resolved.has(k))) {
      release();
      ctx.store.set('ipam', {
        status: 'not-applicable',
        message:
          'no CAPV VSphereVMs and no CAPI IPAM resources (ipam.cluster.x-k8s.io claims, addresses, InClusterIPPools) on this cluster: node IPAM is not used here. Point airgap-top at the management cluster that owns the workload clusters.',
        updatedAt: new Date().toISOString(),
      });
      return;
    }

    const take = <K extends ResourceKey>(key: K): Collection<RecordOf<K>> | undefined => {
      const r = resolved.get(key);
      if (!r) return undefined;
      const early = reserved.get(key);
      reserved.delete(key);
      if (early?.path === r.path) return early as Collection<RecordOf<K>>;
      early?.stop();
      return make(r, TRANSFORMS[key] as (o: Raw) => RecordOf<K> | undefined);
    };
    const collections = {
      clusters: take('clusters'),
      machines: take('machines'),
      vsphereMachines: take('vsphereMachines'),
      vsphereVMs: take('vsphereVMs'),
      claims: take('claims'),
      addresses: take('addresses'),
      pools: take('pools'),
      globalPools: take('globalPools'),
    };
    release();
    const named = Object.entries(collections).filter(
      (e): e is [string, NonNullable<(typeof collections)[keyof typeof collections]>] => e[1] !== undefined,
    );
    const all = named.map(([, c]) => c as Collection<unknown>);
    const versions = Object.fromEntries(
      [...resolved.values()].map((r) => [r.spec.resource, `${r.spec.group}/${r.version}`]),
    );
    const missing = keys
      .filter((k) => !resolved?.has(k))
      .map((k) => `${RESOURCES[k].resource}.${RESOURCES[k].group}`);

    const resolutions: Record<string, Resolution> = {};
    const inFlight = new Map<string, Promise<void>>();
    let resolutionsVersion = 0;
    let lastKey = '';
    let lastData: IpamData | undefined;

    const values = <T>(c: Collection<T> | undefined): T[] => (c ? c.values() : []);
    const buildData = (): IpamData => ({
      clusters: values(collections.clusters),
      machines: values(collections.machines),
      vsphereMachines: values(collections.vsphereMachines),
      vsphereVMs: values(collections.vsphereVMs),
      claims: values(collections.claims),
      addresses: values(collections.addresses),
      pools: [...values(collections.pools), ...values(collections.globalPools)],
      resolutions: { ...resolutions },
      versions,
      missing,
    });

    const publish = () => {
      if (ctx.signal.aborted) return;
      const key = [
        ...all.map((c) => `${c.status}:${c.stats.lists}:${c.stats.events}`),
        resolutionsVersion,
      ].join('|');
      // Same data object when nothing changed: the evaluation is memoised on its identity.
      if (key !== lastKey || !lastData) {
        lastKey = key;
        lastData = buildData();
      }
      const failed = named.filter(([, c]) => c.status === 'error');
      const updatedAt = lastUpdate(named);
      const liveStates = ctx.live ? probeLive(named) : undefined;
      if (failed.length > 0) {
        ctx.store.set('ipam', {
          status: 'error',
          message: `cannot read ${failed.map(([name, c]) => `${name} (${c.error ?? 'error'})`).join('; ')}. The IPAM probe needs get/list/watch on the CAPI, CAPV and ipam.cluster.x-k8s.io resources it reads; findings below use what could be read.`,
          data: lastData,
          updatedAt,
          live: liveStates,
        });
        return;
      }
      ctx.store.set('ipam', { status: 'ready', data: lastData, updatedAt, live: liveStates });
    };

    /** Looks up endpoint names not yet looked up; resolves once they are all answered. */
    const resolveNew = async (): Promise<void> => {
      const names = endpointNames(values(collections.clusters), isIp);
      const pending: Promise<void>[] = [];
      for (const host of names) {
        if (resolutions[host] || inFlight.has(host)) {
          const running = inFlight.get(host);
          if (running) pending.push(running);
          continue;
        }
        const job = resolveWithTimeout(ctx, host).then((answer) => {
          inFlight.delete(host);
          resolutions[host] = answer;
          resolutionsVersion += 1;
        });
        inFlight.set(host, job);
        pending.push(job);
      }
      await Promise.all(pending);
    };

    const stop = () => {
      for (const c of all) c.stop();
    };
    if (ctx.signal.aborted) return;
    ctx.signal.addEventListener('abort', stop, { once: true });
    let synced = false;
    for (const c of all) {
      c.onChange(() => {
        if (ctx.signal.aborted) return;
        if (!synced) {
          if (ctx.store.get('ipam')?.status === 'loading')
            ctx.store.patch('ipam', { progress: listingProgress(named) });
          return;
        }
        if (ctx.live) {
          publish();
          void resolveNew().then(publish);
        }
      });
    }
    for (const c of all) c.start({ watch: ctx.live });
    await Promise.all(all.map((c) => c.firstSync));
    // The report must carry the FQDN verdicts, so the first publication waits for the look-ups.
    await resolveNew();
    synced = true;
    publish();
    if (!ctx.live) stop();
  },
};
