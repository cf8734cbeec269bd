import { atLength, extend } from '../objects.js';
import type { ContainerKind, ContainerRecord, ImagesData, PodRecord, WorkloadRef } from './types.js';

/**
 * Pure transforms from Kubernetes objects (as the API serves them) to the images probe's slim
 * records, and the ownerReferences walk to the owning workload. The probe calls these on every
 * watch event; tests call them on fixtures.
 */

interface OwnerReference {
  readonly kind?: string;
  readonly name?: string;
  readonly uid?: string;
  readonly controller?: boolean;
}

interface ObjectMeta {
  readonly uid?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly creationTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly OwnerReference[];
}

interface ContainerSpec {
  readonly name?: string;
  readonly image?: string;
}

interface ContainerStatus {
  readonly name?: string;
  readonly image?: string;
  readonly imageID?: string;
  readonly ready?: boolean;
  readonly state?: { readonly waiting?: { readonly reason?: string; readonly message?: string } };
}

/** The fields of a Pod this probe reads. */
export interface PodObject {
  readonly metadata?: ObjectMeta;
  readonly spec?: {
    readonly nodeName?: string;
    readonly containers?: readonly ContainerSpec[];
    readonly initContainers?: readonly ContainerSpec[];
    readonly ephemeralContainers?: readonly ContainerSpec[];
  };
  readonly status?: {
    readonly phase?: string;
    readonly containerStatuses?: readonly ContainerStatus[];
    readonly initContainerStatuses?: readonly ContainerStatus[];
    readonly ephemeralContainerStatuses?: readonly ContainerStatus[];
  };
}

/** The controller of an object, as far as the workload walk needs it. */
export interface OwnerLink {
  readonly kind: string;
  readonly name: string;
  readonly uid?: string;
}

/** A ReplicaSet or Job, slim: enough to go one level further up. */
export interface OwnerRecord {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly owner?: OwnerLink;
}

/** A pod before its workload is resolved (the owner chain may arrive later than the pod). */
export interface SlimPod extends Omit<PodRecord, 'workload'> {
  readonly owner?: OwnerLink;
  /** `pod-template-hash`: lets a Deployment be inferred when ReplicaSets cannot be read. */
  readonly templateHash?: string;
}

/**
 * The API server validates what it stores, but a dump, a webhook-mutated object or a broken
 * aggregated API can still serve `ownerReferences: [null]` or `containers: "x"`. Readers take what
 * has the right type and note the rest, so one bad object is one finding, not a failed probe.
 */
function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The objects of a list field; what is not a list or not an object is noted in `problems`. */
function objectsOf<T>(value: unknown, field: string, problems: string[]): readonly T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(`${field} is ${describeType(value)}, not a list`);
    return [];
  }
  // The usual case, every item an object: the list itself, not a copy per pod and field.
  if (value.every(isRecord)) return value as T[];
  const out: T[] = [];
  value.forEach((item, i) => {
    if (isRecord(item)) out.push(item as T);
    else problems.push(`${field}[${i}] is ${describeType(item)}`);
  });
  return out;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function controllerOf(meta: ObjectMeta | undefined, problems: string[] = []): OwnerLink | undefined {
  const refs = objectsOf<OwnerReference>(meta?.ownerReferences, 'metadata.ownerReferences', problems);
  const ref = refs.find((r) => r.controller === true) ?? refs[0];
  const kind = stringOr(ref?.kind);
  const name = stringOr(ref?.name);
  if (!kind || !name) return undefined;
  return { kind, name, uid: stringOr(ref?.uid) };
}

export function ownerRecordOf(obj: { metadata?: ObjectMeta }): OwnerRecord | undefined {
  const m = isRecord(obj?.metadata) ? (obj.metadata as ObjectMeta) : undefined;
  const name = stringOr(m?.name);
  if (!m || !name) return undefined;
  const namespace = stringOr(m.namespace) ?? '';
  return {
    uid: stringOr(m.uid) ?? `${namespace}/${name}`,
    namespace,
    name,
    owner: controllerOf(m),
  };
}

const FIELD: Readonly<Record<ContainerKind, { spec: string; status: string }>> = {
  initContainer: { spec: 'spec.initContainers', status: 'status.initContainerStatuses' },
  container: { spec: 'spec.containers', status: 'status.containerStatuses' },
  ephemeralContainer: { spec: 'spec.ephemeralContainers', status: 'status.ephemeralContainerStatuses' },
};

function containersOf(
  kind: ContainerKind,
  rawSpecs: unknown,
  rawStatuses: unknown,
  problems: string[],
  intern: (value: string) => string,
): ContainerRecord[] {
  const specs = objectsOf<ContainerSpec>(rawSpecs, FIELD[kind].spec, problems);
  const statuses = objectsOf<ContainerStatus>(rawStatuses, FIELD[kind].status, problems);
  if (!specs.length) return [];
  const byName = new Map<string, ContainerStatus>();
  for (const s of statuses) {
    const name = stringOr(s.name);
    if (name) byName.set(name, s);
  }
  const out: ContainerRecord[] = [];
  specs.forEach((spec, i) => {
    const name = stringOr(spec.name) ?? '';
    const image = stringOr(spec.image);
    if (spec.image !== undefined && image === undefined)
      problems.push(`${FIELD[kind].spec}[${i}].image is ${describeType(spec.image)}`);
    const status = byName.get(name);
    const state = isRecord(status?.state) ? status.state : undefined;
    const waiting = isRecord(state?.waiting) ? state.waiting : undefined;
    const record: {
      -readonly [K in keyof ContainerRecord]: ContainerRecord[K];
    } = { name, kind, image: image === undefined ? '' : intern(image) };
    const imageID = stringOr(status?.imageID);
    const statusImage = stringOr(status?.image);
    const reason = stringOr(waiting?.reason);
    const message = stringOr(waiting?.message);
    if (imageID) record.imageID = imageID;
    if (statusImage) record.statusImage = intern(statusImage);
    if (reason) record.waitingReason = reason;
    if (message) record.waitingMessage = message;
    if (typeof status?.ready === 'boolean') record.ready = status.ready;
    out.push(record);
  });
  return out;
}

/**
 * Pod → slim record (no secrets: env, volumes and pull secrets are never read). `intern` gives the
 * image references, namespaces and node names one copy per value across a collection
 * (stringInterner). Not imageIDs: one per container, often each its own digest, they cost the
 * interner a hash and an entry each and save little (100,000 of them reset its map).
 */
export function slimPodOf(
  pod: PodObject,
  intern: (value: string) => string = (value) => value,
): SlimPod | undefined {
  const m = isRecord(pod?.metadata) ? (pod.metadata as ObjectMeta) : undefined;
  const name = stringOr(m?.name);
  // Without a name there is nothing to point at (and the API server never serves such a pod).
  if (!m || !name) return undefined;
  const problems: string[] = [];
  const spec = isRecord(pod.spec) ? (pod.spec as NonNullable<PodObject['spec']>) : {};
  if (pod.spec !== undefined && !isRecord(pod.spec)) problems.push(`spec is ${describeType(pod.spec)}`);
  const status = isRecord(pod.status) ? (pod.status as NonNullable<PodObject['status']>) : {};
  if (pod.status !== undefined && !isRecord(pod.status))
    problems.push(`status is ${describeType(pod.status)}`);
  const namespace = intern(stringOr(m.namespace) ?? '');
  const labels = isRecord(m.labels) ? m.labels : undefined;
  const nodeName = stringOr(spec.nodeName);
  const record: SlimPod = {
    uid: stringOr(m.uid) ?? `${namespace}/${name}`,
    namespace,
    name,
    nodeName: nodeName ? intern(nodeName) : undefined,
    phase: stringOr(status.phase),
    createdAt: stringOr(m.creationTimestamp),
    owner: controllerOf(m, problems),
    templateHash: stringOr(labels?.['pod-template-hash']),
    containers: atLength([
      ...containersOf('initContainer', spec.initContainers, status.initContainerStatuses, problems, intern),
      ...containersOf('container', spec.containers, status.containerStatuses, problems, intern),
      ...containersOf(
        'ephemeralContainer',
        spec.ephemeralContainers,
        status.ephemeralContainerStatuses,
        problems,
        intern,
      ),
    ]),
  };
  return problems.length ? { ...record, malformed: problems } : record;
}

/** Lookup of ReplicaSets and Jobs by uid (and by namespace/name when a uid is missing). */
export interface OwnerIndex {
  readonly replicaSets: ReadonlyMap<string, OwnerRecord>;
  readonly jobs: ReadonlyMap<string, OwnerRecord>;
}

export function indexOwners(replicaSets: Iterable<OwnerRecord>, jobs: Iterable<OwnerRecord>): OwnerIndex {
  const index = (items: Iterable<OwnerRecord>) => {
    const map = new Map<string, OwnerRecord>();
    for (const r of items) {
      map.set(r.uid, r);
      map.set(`${r.namespace}/${r.name}`, r);
    }
    return map;
  };
  return { replicaSets: index(replicaSets), jobs: index(jobs) };
}

function lookup(
  map: ReadonlyMap<string, OwnerRecord>,
  namespace: string,
  link: OwnerLink,
): OwnerRecord | undefined {
  return (link.uid ? map.get(link.uid) : undefined) ?? map.get(`${namespace}/${link.name}`);
}

/** ReplicaSet→Deployment, Job→CronJob; DaemonSet, StatefulSet and others as they are; none = the Pod. */
export function resolveWorkload(pod: SlimPod, owners: OwnerIndex): WorkloadRef {
  const owner = pod.owner;
  if (!owner) return { kind: 'Pod', name: pod.name };
  if (owner.kind === 'ReplicaSet') {
    const rs = lookup(owners.replicaSets, pod.namespace, owner);
    if (rs?.owner) return { kind: rs.owner.kind, name: rs.owner.name };
    // ReplicaSets unreadable (RBAC) or not synced yet: Deployments name theirs NAME-<pod-template-hash>.
    if (!rs && pod.templateHash && owner.name.endsWith(`-${pod.templateHash}`)) {
      return { kind: 'Deployment', name: owner.name.slice(0, -(pod.templateHash.length + 1)) };
    }
    return { kind: 'ReplicaSet', name: owner.name };
  }
  if (owner.kind === 'Job') {
    const job = lookup(owners.jobs, pod.namespace, owner);
    if (job?.owner) return { kind: job.owner.kind, name: job.owner.name };
    return { kind: 'Job', name: owner.name };
  }
  return { kind: owner.kind, name: owner.name };
}

export function podRecordOf(pod: SlimPod, owners: OwnerIndex): PodRecord {
  const { owner: _owner, templateHash: _hash, ...rest } = pod;
  return extend(rest, { workload: resolveWorkload(pod, owners) });
}

/** A `kind: List` (or any array) of Pods, ReplicaSets, Jobs and Events → ImagesData. For fixtures and dumps. */
export function imagesDataFromObjects(
  objects: readonly { kind?: string; metadata?: ObjectMeta }[],
): ImagesData {
  const pods: SlimPod[] = [];
  const rs: OwnerRecord[] = [];
  const jobs: OwnerRecord[] = [];
  const events: PullFailureEvent[] = [];
  for (const obj of objects) {
    // A null or non-object entry (a broken dump) is skipped, not a crash.
    if (!isRecord(obj)) continue;
    if (obj.kind === 'Event') {
      const e = pullFailureOf(obj as EventObject);
      if (e) events.push(e);
    } else if (obj.kind === 'Pod') {
      const slim = slimPodOf(obj as PodObject);
      if (slim) pods.push(slim);
    } else if (obj.kind === 'ReplicaSet' || obj.kind === 'Job') {
      const rec = ownerRecordOf(obj);
      if (rec) (obj.kind === 'Job' ? jobs : rs).push(rec);
    }
  }
  const owners = indexOwners(rs, jobs);
  const failures = indexPullFailures(events);
  return { pods: pods.map((p) => withPullFailures(podRecordOf(p, owners), failures)) };
}

/** A kubelet "Failed to pull image" event, slim. */
export interface PullFailureEvent {
  readonly uid: string;
  readonly podUid?: string;
  readonly namespace: string;
  readonly podName: string;
  readonly container: string;
  readonly message: string;
  readonly count: number;
  readonly at: string;
}

interface EventObject {
  readonly metadata?: ObjectMeta;
  readonly involvedObject?: {
    kind?: string;
    name?: string;
    namespace?: string;
    uid?: string;
    fieldPath?: string;
  };
  readonly reason?: string;
  readonly message?: string;
  readonly count?: number;
  readonly lastTimestamp?: string;
  readonly eventTime?: string;
  readonly series?: { count?: number; lastObservedTime?: string };
}

/** Event (core/v1) → pull failure, or undefined for every other event. */
export function pullFailureOf(obj: EventObject): PullFailureEvent | undefined {
  const involved = isRecord(obj?.involvedObject) ? obj.involvedObject : undefined;
  if (obj.reason !== 'Failed' || involved?.kind !== 'Pod' || !involved.name) return undefined;
  if (typeof obj.message !== 'string' || !obj.message.startsWith('Failed to pull image')) return undefined;
  // fieldPath is spec.containers{NAME}, spec.initContainers{NAME} or spec.ephemeralContainers{NAME}.
  const container = /\{([^}]+)\}/.exec(involved.fieldPath ?? '')?.[1];
  if (!container) return undefined;
  return {
    uid: obj.metadata?.uid ?? `${involved.namespace}/${obj.metadata?.name}`,
    podUid: involved.uid,
    namespace: involved.namespace ?? obj.metadata?.namespace ?? '',
    podName: involved.name,
    container,
    message: obj.message,
    count: obj.series?.count ?? obj.count ?? 1,
    at:
      obj.series?.lastObservedTime ??
      obj.lastTimestamp ??
      obj.eventTime ??
      obj.metadata?.creationTimestamp ??
      '',
  };
}

/** Latest pull failure per pod container, keyed `namespace/pod/container`. */
export function indexPullFailures(events: Iterable<PullFailureEvent>): Map<string, PullFailureEvent> {
  const latest = new Map<string, PullFailureEvent>();
  for (const e of events) {
    const key = `${e.namespace}/${e.podName}/${e.container}`;
    const seen = latest.get(key);
    if (!seen || e.at > seen.at) latest.set(key, e);
  }
  return latest;
}

/** Pull-failure reasons of `state.waiting` (the kubelet's images package, CRI-O). */
export const PULL_FAILURE_REASONS: ReadonlySet<string> = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrImageNeverPull',
  'ImageInspectError',
  'RegistryUnavailable',
  'SignatureValidationFailed',
]);

/**
 * Adds the latest pull-failure event to each container that is waiting on a pull failure. Returns the
 * same record when nothing applies, so unchanged pods keep their identity.
 */
export function withPullFailures(
  record: PodRecord,
  failures: ReadonlyMap<string, PullFailureEvent>,
): PodRecord {
  if (
    failures.size === 0 ||
    !record.containers.some((c) => c.waitingReason && PULL_FAILURE_REASONS.has(c.waitingReason))
  ) {
    return record;
  }
  let changed = false;
  const containers = record.containers.map((c) => {
    if (!c.waitingReason || !PULL_FAILURE_REASONS.has(c.waitingReason)) return c;
    const e = failures.get(`${record.namespace}/${record.name}/${c.name}`);
    if (!e || (e.podUid && e.podUid !== record.uid)) return c;
    changed = true;
    return { ...c, pullError: e.message, pullErrorCount: e.count, pullErrorAt: e.at };
  });
  return changed ? { ...record, containers } : record;
}
