import {
  indexOwners,
  indexPullFailures,
  type OwnerRecord,
  ownerRecordOf,
  type PodObject,
  type PullFailureEvent,
  podRecordOf,
  pullFailureOf,
  resolveWorkload,
  type SlimPod,
  slimPodOf,
  withPullFailures,
} from '../model/images/records.js';
import type { ImagesData, PodRecord } from '../model/images/types.js';
import { extend, stringInterner } from '../model/objects.js';
import { type KubeObject, sharedCollection } from './kube/collection.js';
import { lastUpdate, listingProgress, probeLive } from './kube/state.js';
import type { ProbeContext, ProbeSource } from './types.js';

/**
 * The image-origin probe: watches Pods (all namespaces or `-n`), plus ReplicaSets and Jobs kept slim
 * (name, uid, controller) to name the owning workload, and the kubelet's "Failed to pull image" events
 * (field selector reason=Failed) to say why a pull fails. Publishes `ImagesData` into the store: a new
 * object when something changed, with unchanged pods' records kept identical so evaluation only
 * re-judges the pods an event touched.
 */
export const imagesProbe: ProbeSource<'images'> = {
  id: 'images',
  start: (ctx) => runImagesProbe(ctx),
};

function collectionPath(prefix: string, resource: string, namespace: string | undefined): string {
  return namespace
    ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${resource}`
    : `${prefix}/${resource}`;
}

/** Turns a failed pod list into a sentence with the next step. */
export function podsErrorMessage(error: string | undefined, namespace: string | undefined): string {
  const reason = error ?? 'the pod list failed';
  const scope = namespace ? `-n ${namespace}` : '--all-namespaces';
  if (/forbidden|\b403\b/i.test(reason)) {
    return `${reason}. Check with: kubectl auth can-i list pods ${scope} && kubectl auth can-i watch pods ${scope}`;
  }
  if (/\b401\b|unauthori[sz]ed/i.test(reason))
    return `${reason}. Refresh the kubeconfig credentials (token expired?)`;
  return `cannot read pods: ${reason}`;
}

export async function runImagesProbe(ctx: ProbeContext): Promise<void> {
  const ns = ctx.namespace;
  const intern = stringInterner();
  const pods = sharedCollection<SlimPod>(ctx.kube, {
    path: collectionPath('/api/v1', 'pods', ns),
    transform: (obj: KubeObject) => slimPodOf(obj as PodObject, intern),
    coalesceMs: 100,
    tuning: ctx.kubeTuning,
  });
  const replicaSets = sharedCollection<OwnerRecord>(ctx.kube, {
    path: collectionPath('/apis/apps/v1', 'replicasets', ns),
    transform: ownerRecordOf,
    coalesceMs: 100,
    tuning: ctx.kubeTuning,
  });
  const jobs = sharedCollection<OwnerRecord>(ctx.kube, {
    path: collectionPath('/apis/batch/v1', 'jobs', ns),
    transform: ownerRecordOf,
    coalesceMs: 100,
    tuning: ctx.kubeTuning,
  });
  // Only kubelet pull failures: the waiting message of ImagePullBackOff does not say why, the event does.
  const events = sharedCollection<PullFailureEvent>(ctx.kube, {
    path: collectionPath('/api/v1', 'events', ns),
    fieldSelector: 'involvedObject.kind=Pod,reason=Failed',
    transform: (obj: KubeObject) => pullFailureOf(obj as Parameters<typeof pullFailureOf>[0]),
    coalesceMs: 250,
    tuning: ctx.kubeTuning,
  });
  const collections = [pods, replicaSets, jobs, events];
  const named = [
    ['pods', pods],
    ['replicasets', replicaSets],
    ['jobs', jobs],
    ['events', events],
  ] as const;

  let data: ImagesData | undefined;
  /** uid → last published record and the slim pod it came from (identity = unchanged). */
  let records = new Map<string, { slim: SlimPod; base: PodRecord; record: PodRecord }>();
  let warnedOwners = '';
  let lastUnreadable = '[]';
  let timer: NodeJS.Timeout | undefined;
  let synced = false;

  const publish = (): void => {
    timer = undefined;
    if (pods.status === 'error' && pods.items.size === 0) {
      ctx.store.set('images', {
        status: 'error',
        message: podsErrorMessage(pods.error, ns),
        updatedAt: lastUpdate(named),
        live: ctx.live ? probeLive(named) : undefined,
      });
      return;
    }
    if (pods.status === 'not-found') {
      ctx.store.set('images', {
        status: 'error',
        message: `the API server does not serve pods: ${pods.error}`,
      });
      return;
    }
    const owners = indexOwners(replicaSets.items.values(), jobs.items.values());
    const failures = indexPullFailures(events.items.values());
    const next = new Map<string, { slim: SlimPod; base: PodRecord; record: PodRecord }>();
    const list: PodRecord[] = [];
    let changed = data === undefined || records.size !== pods.items.size;
    for (const slim of pods.items.values()) {
      const previous = records.get(slim.uid);
      let base: PodRecord;
      if (previous && previous.slim === slim) {
        const workload = resolveWorkload(slim, owners);
        const same =
          workload.kind === previous.base.workload.kind && workload.name === previous.base.workload.name;
        base = same ? previous.base : extend(previous.base, { workload });
      } else {
        base = podRecordOf(slim, owners);
      }
      let record = withPullFailures(base, failures);
      if (previous && previous.base === base && samePullFailures(previous.record, record))
        record = previous.record;
      if (record !== previous?.record) changed = true;
      next.set(slim.uid, { slim, base, record });
      list.push(record);
    }
    records = next;
    const unreadable = (
      [
        ['replicasets.apps', replicaSets],
        ['jobs.batch', jobs],
        ['events', events],
      ] as const
    ).flatMap(([resource, c]) =>
      c.status === 'error' ? [{ resource, reason: c.error ?? 'could not be read' }] : [],
    );
    const unreadableKey = JSON.stringify(unreadable);
    if (unreadableKey !== lastUnreadable) changed = true;
    lastUnreadable = unreadableKey;
    // Owner and event problems are findings (IMG-011) on the probe, not only a line in the -v log.
    if (changed) data = { pods: list.sort(comparePods), ...(unreadable.length > 0 ? { unreadable } : {}) };

    const ownerProblems = unreadable.map((u) => u.reason).join('; ');
    if (ownerProblems && ownerProblems !== warnedOwners) {
      ctx.log.warn(
        `images: partial data (${ownerProblems}); without ReplicaSets/Jobs pods show their ReplicaSet or Job, without events pull failures show only the kubelet's waiting message`,
      );
    }
    warnedOwners = ownerProblems;
    ctx.store.set('images', {
      status: 'ready',
      data,
      message: ownerProblems ? `partial data: ${ownerProblems}` : undefined,
      updatedAt: lastUpdate(named),
      live: ctx.live ? probeLive(named) : undefined,
    });
  };

  // The three collections notify separately; one publish per burst.
  const schedule = (): void => {
    if (!synced) {
      // Until the first sync: what is being listed and how far (the report's timeout names it).
      if (!ctx.signal.aborted && ctx.store.get('images')?.status === 'loading')
        ctx.store.patch('images', { progress: listingProgress(named) });
      return;
    }
    if (timer) return;
    timer = setTimeout(publish, 20);
  };
  for (const c of collections) c.onChange(schedule);

  const stop = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    for (const c of collections) c.stop();
  };
  if (ctx.signal.aborted) return;
  ctx.signal.addEventListener('abort', stop, { once: true });

  for (const c of collections) c.start({ watch: ctx.live });
  await Promise.all(collections.map((c) => c.firstSync));
  synced = true;
  publish();
  if (!ctx.live) stop();
}

function samePullFailures(a: PodRecord, b: PodRecord): boolean {
  if (a.containers.length !== b.containers.length) return false;
  return a.containers.every((c, i) => {
    const d = b.containers[i];
    return (
      d !== undefined &&
      c.pullError === d.pullError &&
      c.pullErrorCount === d.pullErrorCount &&
      c.pullErrorAt === d.pullErrorAt
    );
  });
}

/** Code-unit order (not localeCompare: 10k pods sort in a couple of ms). */
function comparePods(a: PodRecord, b: PodRecord): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
