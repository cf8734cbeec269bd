/** Slim records of the image-origin probe: only what checks and drill-down need. */
export type ContainerKind = 'container' | 'initContainer' | 'ephemeralContainer';

export interface ContainerRecord {
  readonly name: string;
  readonly kind: ContainerKind;
  /** The image as written in the pod spec. */
  readonly image: string;
  /** status.*ContainerStatuses[].imageID: what the node actually pulled (digest, with its registry). */
  readonly imageID?: string;
  /** status.*ContainerStatuses[].image as the kubelet reports it. */
  readonly statusImage?: string;
  /** state.waiting.reason / message, e.g. ErrImagePull, ImagePullBackOff, InvalidImageName. */
  readonly waitingReason?: string;
  readonly waitingMessage?: string;
  readonly ready?: boolean;
  /**
   * While the container waits on a pull failure: the kubelet's latest `Failed` event for it
   * ("Failed to pull image ...: rpc error: ... not found / x509 / i/o timeout"). The waiting message of
   * ImagePullBackOff only says "Back-off pulling image"; the event says why.
   */
  readonly pullError?: string;
  /** How often the kubelet reported that pull error (event count) and when it last did. */
  readonly pullErrorCount?: number;
  readonly pullErrorAt?: string;
}

export interface WorkloadRef {
  /** Deployment, DaemonSet, StatefulSet, Job, CronJob, ReplicaSet (no Deployment), or the Pod itself. */
  readonly kind: string;
  readonly name: string;
}

export interface PodRecord {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly nodeName?: string;
  readonly phase?: string;
  /** The owning workload, resolved through ownerReferences (ReplicaSet→Deployment, Job→CronJob). */
  readonly workload: WorkloadRef;
  readonly containers: readonly ContainerRecord[];
  readonly createdAt?: string;
  /**
   * Fields that could not be read (wrong type, null entries): the rest of the pod is judged, and
   * IMG-012 says what was skipped.
   */
  readonly malformed?: readonly string[];
}

/** A collection the probe could not read (RBAC, outage), so part of the verdict rests on less. */
export interface UnreadableSource {
  /** e.g. "replicasets.apps", "jobs.batch", "events". */
  readonly resource: string;
  readonly reason: string;
}

export interface ImagesData {
  readonly pods: readonly PodRecord[];
  /** ReplicaSets, Jobs or Events that could not be read: owners and pull reasons are then incomplete. */
  readonly unreadable?: readonly UnreadableSource[];
}
