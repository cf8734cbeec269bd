import type { ContainerKind, UnreadableSource } from '../images/types.js';

/**
 * Slim records of the readiness probe: the images a cluster will pull next (pod templates of
 * workloads, CronJobs and Jobs) and the image sets an SRE expects the registry to hold (expect files).
 */

/** The workload kinds whose pod templates the readiness probe reads. */
export type TemplateKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'CronJob' | 'Job';

export interface TemplateContainer {
  readonly name: string;
  readonly kind: ContainerKind;
  readonly image: string;
}

export interface TemplateRecord {
  readonly uid: string;
  readonly kind: TemplateKind;
  readonly namespace: string;
  readonly name: string;
  /** spec.replicas of Deployments, StatefulSets and ReplicaSets (0: scaled down). */
  readonly replicas?: number;
  /** spec.suspend of a CronJob. */
  readonly suspended?: boolean;
  /**
   * The controller that owns it (a Deployment's ReplicaSet, a CronJob's Job): its template is
   * judged on the owner, so these are kept only to be skipped.
   */
  readonly controlledBy?: string;
  readonly containers: readonly TemplateContainer[];
}

/** The formats an expect file may have. */
export type ExpectFormat = 'publish-images-fromtar' | 'list' | 'bom' | 'cse';

/** One image an expect file names, with where it came from. */
export interface ExpectedImage {
  /** The full reference the registry is asked for (rebased onto the destination when one applies). */
  readonly image: string;
  readonly file: string;
  /** 1-based line of the entry; 0 for images implied by the configuration (CSE layout). */
  readonly line: number;
}

export interface ExpectSet {
  readonly file: string;
  readonly format: ExpectFormat;
  /** The destination repository the entries were rebased onto, when one applies. */
  readonly destination?: string;
  readonly images: readonly ExpectedImage[];
}

export interface ReadinessData {
  readonly templates: readonly TemplateRecord[];
  readonly expectSets: readonly ExpectSet[];
  /** Workload collections that could not be read (RBAC): their templates are not judged. */
  readonly unreadable?: readonly UnreadableSource[];
}
