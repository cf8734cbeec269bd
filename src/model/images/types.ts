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
}

export interface ImagesData {
  readonly pods: readonly PodRecord[];
}
