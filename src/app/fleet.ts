import { errorMessage, UserFacingError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { TOOL_VERSION } from '../core/version.js';
import type { Config } from '../model/config.js';
import {
  buildFleetReport,
  type ClusterOutcome,
  type ClusterRef,
  clusterKey,
  clusterRefs,
  type FleetReport,
  ipamAttribution,
  kubeconfigOfSecret,
  kubeconfigSecretName,
  MANAGEMENT_PROBES,
  WORKLOAD_PROBES,
} from '../model/fleet.js';
import type { IpamData } from '../model/ipam/types.js';
import type { Report } from '../model/report.js';
import type { KubeTuning } from '../probes/kube/collection.js';
import {
  KubeApiError,
  type KubeConnection,
  kubeConnectionFromText,
  loadKubeConnection,
} from '../probes/kube/connection.js';
import type { Resolver } from '../probes/types.js';
import { Session } from './session.js';

export interface FleetOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly config: Config;
  readonly log: Logger;
  /** Workload clusters opened and synced at once (--fleet-concurrency, default 4). */
  readonly concurrency?: number;
  /** Per cluster: how long its first sync may take (report). */
  readonly timeoutSeconds?: number;
  readonly resolve?: Resolver;
  readonly kubeTuning?: KubeTuning;
  /** Told after each Secret read (tests rotate a Secret between two reads). */
  readonly onSecretRead?: (ref: ClusterRef) => void;
}

export const DEFAULT_FLEET_CONCURRENCY = 4;

/** A workload cluster's connection, or why there is none (an error row). */
type Connected = { readonly kube: KubeConnection } | { readonly error: string; readonly server?: string };

/** Runs `work` over `items`, at most `limit` at a time, results in input order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/**
 * A Cluster API management cluster and its workload clusters: lists the Clusters, reads each one's
 * `<name>-kubeconfig` Secret with GET (never a list of secrets), and runs the workload-side probes
 * on each cluster and the management-side probes (IPAM chain, portgroups) once on the management
 * cluster. One cluster's failure is that cluster's error row; the others go on.
 */
export class Fleet {
  private constructor(
    readonly management: KubeConnection,
    readonly options: FleetOptions,
  ) {}

  /** Connects to the management cluster; a UserFacingError (exit 2) when it does not answer. */
  static async open(options: FleetOptions): Promise<Fleet> {
    const kube = loadKubeConnection({
      kubeconfig: options.kubeconfig,
      context: options.context,
      log: options.log,
    });
    try {
      await kube.version();
    } catch (err) {
      kube.close();
      throw new UserFacingError(
        `management cluster ${kube.server} did not answer /version: ${errorMessage(err)}`,
      );
    }
    return new Fleet(kube, options);
  }

  get concurrency(): number {
    return Math.max(1, this.options.concurrency ?? DEFAULT_FLEET_CONCURRENCY);
  }

  /** Every CAPI Cluster, at the version the server prefers (v1beta2, else v1beta1). */
  async listClusters(signal?: AbortSignal): Promise<ClusterRef[]> {
    const resolved = await this.management.resolveResource(
      'cluster.x-k8s.io',
      'clusters',
      ['v1beta2', 'v1beta1'],
      signal,
    );
    if (!resolved)
      throw new UserFacingError(
        `${this.management.server} is not a Cluster API management cluster (it serves no clusters.cluster.x-k8s.io)`,
      );
    const refs: ClusterRef[] = [];
    let token = '';
    do {
      const query = new URLSearchParams({ limit: '500', ...(token ? { continue: token } : {}) });
      const page = await this.management.getJson<{ metadata?: { continue?: string } }>(
        `/apis/cluster.x-k8s.io/${resolved.version}/clusters?${query}`,
        signal,
      );
      refs.push(...clusterRefs(page));
      token = page.metadata?.continue ?? '';
    } while (token);
    return refs.sort((a, b) => clusterKey(a).localeCompare(clusterKey(b)));
  }

  /** The kubeconfig of one cluster's Secret, read with GET only. */
  async readKubeconfig(
    ref: ClusterRef,
    signal?: AbortSignal,
  ): Promise<{ kubeconfig: string } | { error: string }> {
    const name = kubeconfigSecretName(ref);
    const where = `Secret ${ref.namespace}/${name}`;
    try {
      const secret = await this.management.getJson(
        `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/secrets/${encodeURIComponent(name)}`,
        signal,
      );
      const read = kubeconfigOfSecret(secret);
      return 'problem' in read ? { error: `${where} ${read.problem}` } : read;
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 404) return { error: `${where} not found` };
      if (err instanceof KubeApiError && err.statusCode === 403)
        return { error: `${where}: forbidden (fleet mode needs "get" on secrets; see README, Fleet mode)` };
      return { error: `${where}: ${errorMessage(err)}` };
    } finally {
      this.options.onSecretRead?.(ref);
    }
  }

  /**
   * A proven connection to one workload cluster. Credentials refused (401) mean the Secret may have
   * been rotated since it was read: it is read once more, and only a second refusal is an error.
   */
  async connect(ref: ClusterRef, signal?: AbortSignal): Promise<Connected> {
    let previous: string | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const read = await this.readKubeconfig(ref, signal);
      if ('error' in read) return read;
      if (previous !== undefined && read.kubeconfig === previous)
        return { error: 'credentials refused (401) and the Secret has not changed since' };
      previous = read.kubeconfig;
      let kube: KubeConnection;
      try {
        kube = kubeConnectionFromText(
          read.kubeconfig,
          `Secret ${ref.namespace}/${kubeconfigSecretName(ref)}`,
          this.options.log,
        );
      } catch (err) {
        return { error: errorMessage(err) };
      }
      try {
        await kube.version(signal);
        return { kube };
      } catch (err) {
        kube.close();
        if (err instanceof KubeApiError && err.statusCode === 401) {
          this.options.log.info(`fleet ${clusterKey(ref)}: credentials refused; reading the Secret again`);
          if (attempt === 1)
            return { error: 'credentials refused (401) after reading the Secret again', server: kube.server };
          continue;
        }
        return { error: errorMessage(err), server: kube.server };
      }
    }
    return { error: 'credentials refused (401)' };
  }

  /** A session with the workload-side probes over a proven connection. */
  openWorkloadSession(kube: KubeConnection, live: boolean): Promise<Session> {
    return Session.open({
      connection: kube,
      config: this.options.config,
      log: this.options.log,
      live,
      probes: WORKLOAD_PROBES,
      versionAttempts: 1,
      ...(this.options.resolve ? { resolve: this.options.resolve } : {}),
      ...(this.options.kubeTuning ? { kubeTuning: this.options.kubeTuning } : {}),
    });
  }

  /** A session with the management-side probes on the management cluster (its own connection). */
  openManagementSession(live: boolean): Promise<Session> {
    return Session.open({
      kubeconfig: this.options.kubeconfig,
      context: this.options.context,
      config: this.options.config,
      log: this.options.log,
      live,
      probes: MANAGEMENT_PROBES,
      ...(this.options.resolve ? { resolve: this.options.resolve } : {}),
      ...(this.options.kubeTuning ? { kubeTuning: this.options.kubeTuning } : {}),
    });
  }

  /** One cluster, start to report; closed before the next one opens (report keeps memory flat). */
  private async reportCluster(ref: ClusterRef): Promise<ClusterOutcome> {
    const connected = await this.connect(ref);
    if ('error' in connected)
      return { ref, error: connected.error, ...(connected.server ? { server: connected.server } : {}) };
    let session: Session;
    try {
      session = await this.openWorkloadSession(connected.kube, false);
    } catch (err) {
      connected.kube.close();
      return { ref, error: errorMessage(err), server: connected.kube.server };
    }
    try {
      await syncWithin(session, this.options.timeoutSeconds ?? 120, this.options.log, clusterKey(ref));
      return {
        ref,
        report: session.report(new Date(), { context: clusterKey(ref), server: session.kube.server }),
      };
    } finally {
      session.close();
    }
  }

  /** `report --fleet`: every cluster once (bounded concurrency), the management probes alongside. */
  async report(): Promise<FleetReport> {
    const refs = await this.listClusters();
    this.options.log.info(`fleet: ${refs.length} clusters on ${this.management.server}`);
    const managementRun = (async () => {
      const session = await this.openManagementSession(false);
      try {
        await syncWithin(session, this.options.timeoutSeconds ?? 120, this.options.log, 'management');
        return { report: session.report(), ipam: session.store.snapshot.ipam?.data as IpamData | undefined };
      } finally {
        session.close();
      }
    })();
    const outcomes = await mapBounded(refs, this.concurrency, (ref) => this.reportCluster(ref));
    const managed = await managementRun;
    return this.fleetReport(outcomes, managed.report, managed.ipam);
  }

  fleetReport(
    outcomes: readonly ClusterOutcome[],
    management: Report | undefined,
    ipam: IpamData | undefined,
    now = new Date(),
  ): FleetReport {
    return buildFleetReport({
      generatedAt: now,
      tool: { name: 'airgap-top', version: TOOL_VERSION },
      registry: {
        private: this.options.config.registry.private,
        profile: this.options.config.registry.profile ?? null,
      },
      management: { context: this.management.contextName, server: this.management.server },
      ...(management ? { managementReport: management } : {}),
      attribution: ipamAttribution(ipam),
      outcomes,
    });
  }

  close(): void {
    this.management.close();
  }
}

/** The session's first sync, or the deadline: unfinished probes become errors, requests are aborted. */
export async function syncWithin(
  session: Session,
  seconds: number,
  log: Logger,
  what: string,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), seconds * 1000);
  });
  const outcome = await Promise.race([session.start().then(() => 'synced' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    const unfinished = session.expire(seconds);
    log.warn(
      `fleet ${what}: first sync not complete after ${seconds} s (${unfinished.join(', ')} unfinished)`,
    );
  }
}
