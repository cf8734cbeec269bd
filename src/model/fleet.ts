import { countBySeverity, type Finding, type SeverityCounts, type Subject } from './finding.js';
import type { IpamData } from './ipam/types.js';
import { PROBE_IDS, type ProbeId } from './probe.js';
import { type FailOn, type Report, type ReportProbe, reportExitCode } from './report.js';

/**
 * Fleet mode, pure parts: the Clusters a management cluster lists, the kubeconfig its Secret holds,
 * which cluster a management-side finding is about, and the fleet report every format serialises.
 */

export const FLEET_SCHEMA_VERSION = 1;

/** What runs on each workload cluster; the rest runs once, on the management cluster. */
export const WORKLOAD_PROBES: readonly ProbeId[] = ['images', 'topology', 'containerd', 'registry'];
export const MANAGEMENT_PROBES: readonly ProbeId[] = ['ipam', 'portgroups'];

export interface ClusterRef {
  readonly namespace: string;
  readonly name: string;
}

export const clusterKey = (c: ClusterRef): string => `${c.namespace}/${c.name}`;

/** The Secret CAPI keeps a cluster's admin kubeconfig in. */
export const kubeconfigSecretName = (c: ClusterRef): string => `${c.name}-kubeconfig`;

/** The Clusters of a list answer (v1beta1 or v1beta2: both have metadata), sorted by namespace/name. */
export function clusterRefs(list: unknown): ClusterRef[] {
  const items = (list as { items?: unknown })?.items;
  if (!Array.isArray(items)) return [];
  const out: ClusterRef[] = [];
  for (const item of items) {
    const meta = (item as { metadata?: { name?: unknown; namespace?: unknown } })?.metadata;
    if (typeof meta?.name === 'string' && typeof meta.namespace === 'string')
      out.push({ namespace: meta.namespace, name: meta.name });
  }
  return out.sort((a, b) => clusterKey(a).localeCompare(clusterKey(b)));
}

/** The kubeconfig text of a `<cluster>-kubeconfig` Secret (key `value`, base64), or why there is none. */
export function kubeconfigOfSecret(secret: unknown): { kubeconfig: string } | { problem: string } {
  const value = (secret as { data?: Record<string, unknown> })?.data?.value;
  if (typeof value !== 'string' || value === '')
    return { problem: 'has no data.value (the CAPI kubeconfig key)' };
  const text = Buffer.from(value, 'base64').toString('utf8');
  if (!/\bclusters\s*:/.test(text)) return { problem: 'data.value is not a kubeconfig' };
  return { kubeconfig: text };
}

/** subject kind|namespace|name → cluster key, for the management-side findings. */
export type Attribution = ReadonlyMap<string, string>;

const subjectIndexKey = (kind: string, namespace: string | undefined, name: string) =>
  `${kind}|${namespace ?? ''}|${name}`;

/**
 * Which cluster each IPAM subject belongs to, by `cluster.x-k8s.io/cluster-name` (or
 * spec.clusterName) on machines, VMs and claims; addresses through their claim; a pool when every
 * claim on it is one cluster's. Shared pools, portgroups and vCenter stay the management cluster's.
 */
export function ipamAttribution(data: IpamData | undefined): Attribution {
  const out = new Map<string, string>();
  if (!data) return out;
  const put = (
    kind: string,
    ns: string | undefined,
    name: string,
    cluster: string | undefined,
    clusterNs: string,
  ) => {
    if (cluster) out.set(subjectIndexKey(kind, ns, name), `${clusterNs}/${cluster}`);
  };
  for (const c of data.clusters) put('Cluster', c.namespace, c.name, c.name, c.namespace);
  for (const m of data.machines) put('Machine', m.namespace, m.name, m.clusterName, m.namespace);
  for (const m of data.vsphereMachines)
    put('VSphereMachine', m.namespace, m.name, m.clusterName, m.namespace);
  for (const vm of data.vsphereVMs) put('VSphereVM', vm.namespace, vm.name, vm.clusterName, vm.namespace);
  const claimCluster = new Map<string, string>();
  const poolClusters = new Map<string, Set<string>>();
  for (const claim of data.claims) {
    if (!claim.clusterName) continue;
    const cluster = `${claim.namespace}/${claim.clusterName}`;
    put('IPAddressClaim', claim.namespace, claim.name, claim.clusterName, claim.namespace);
    claimCluster.set(`${claim.namespace}/${claim.name}`, cluster);
    const poolKey = subjectIndexKey(
      claim.poolRef.kind,
      claim.poolRef.kind === 'GlobalInClusterIPPool' ? undefined : claim.namespace,
      claim.poolRef.name,
    );
    const set = poolClusters.get(poolKey) ?? new Set<string>();
    set.add(cluster);
    poolClusters.set(poolKey, set);
  }
  for (const a of data.addresses) {
    const cluster = a.claimName ? claimCluster.get(`${a.namespace}/${a.claimName}`) : undefined;
    if (cluster) out.set(subjectIndexKey('IPAddress', a.namespace, a.name), cluster);
  }
  for (const [poolKey, clusters] of poolClusters) {
    if (clusters.size === 1) out.set(poolKey, [...clusters][0] as string);
  }
  return out;
}

export function attributedCluster(attribution: Attribution, subject: Subject): string | undefined {
  return attribution.get(subjectIndexKey(subject.kind, subject.namespace, subject.name));
}

function withFindings(probe: ReportProbe, findings: readonly Finding[]): ReportProbe {
  return { ...probe, summary: countBySeverity(findings), findings };
}

/**
 * The management-side probes split by cluster: each cluster gets every probe (same status) with
 * the findings about its objects; what belongs to no single cluster stays the management's.
 */
export function splitManagementProbes(
  probes: readonly ReportProbe[],
  attribution: Attribution,
  clusters: readonly ClusterRef[],
): { byCluster: Map<string, ReportProbe[]>; management: ReportProbe[] } {
  const keys = new Set(clusters.map(clusterKey));
  const byCluster = new Map<string, ReportProbe[]>(clusters.map((c) => [clusterKey(c), []]));
  const management: ReportProbe[] = [];
  for (const probe of probes) {
    const per = new Map<string, Finding[]>();
    const rest: Finding[] = [];
    for (const f of probe.findings) {
      const cluster = attributedCluster(attribution, f.subject);
      if (cluster && keys.has(cluster)) {
        const list = per.get(cluster) ?? [];
        list.push(f);
        per.set(cluster, list);
      } else rest.push(f);
    }
    for (const [key, list] of byCluster) list.push(withFindings(probe, per.get(key) ?? []));
    management.push(withFindings(probe, rest));
  }
  return { byCluster, management };
}

export type FleetClusterStatus = 'ok' | 'error';

export interface FleetCluster {
  readonly name: string;
  readonly namespace: string;
  /** `error`: the cluster could not be read at all (unreachable, no secret, credentials refused). */
  readonly status: FleetClusterStatus;
  readonly error: string | null;
  readonly server: string | null;
  readonly summary: SeverityCounts & { readonly probesInError: number };
  readonly probes: readonly ReportProbe[];
}

export interface FleetReport {
  readonly schemaVersion: typeof FLEET_SCHEMA_VERSION;
  readonly kind: 'fleet';
  readonly generatedAt: string;
  readonly tool: Report['tool'];
  readonly management: {
    readonly context: string | null;
    readonly server: string | null;
    /** The management-side probes with the findings no single cluster owns (shared pools, portgroups). */
    readonly probes: readonly ReportProbe[];
  };
  readonly registry: Report['registry'];
  readonly summary: SeverityCounts & {
    readonly clusters: number;
    readonly clustersInError: number;
    readonly probesInError: number;
  };
  readonly clusters: readonly FleetCluster[];
}

/** What one workload cluster came to: its own report, or the reason it could not be read. */
export type ClusterOutcome =
  | { readonly ref: ClusterRef; readonly report: Report }
  | { readonly ref: ClusterRef; readonly error: string; readonly server?: string };

/** Probes in the registry's order, as in a single-cluster report. */
function orderProbes(probes: readonly ReportProbe[]): ReportProbe[] {
  return [...probes].sort((a, b) => PROBE_IDS.indexOf(a.id) - PROBE_IDS.indexOf(b.id));
}

function summaryOf(probes: readonly ReportProbe[]): FleetCluster['summary'] {
  return {
    ...countBySeverity(probes.flatMap((p) => p.findings)),
    probesInError: probes.filter((p) => p.status === 'error').length,
  };
}

/** The fleet report: clusters sorted by namespace/name, each with its workload and attributed probes. */
export function buildFleetReport(input: {
  readonly generatedAt: Date;
  readonly tool: Report['tool'];
  readonly registry: Report['registry'];
  readonly management: { readonly context: string | null; readonly server: string | null };
  /** The management session's report (ipam, portgroups), or undefined when it was not run. */
  readonly managementReport?: Report;
  readonly attribution: Attribution;
  readonly outcomes: readonly ClusterOutcome[];
}): FleetReport {
  const refs = input.outcomes.map((o) => o.ref);
  const managementProbes = (input.managementReport?.probes ?? []).filter((p) =>
    MANAGEMENT_PROBES.includes(p.id),
  );
  const split = splitManagementProbes(managementProbes, input.attribution, refs);
  const clusters = [...input.outcomes]
    .sort((a, b) => clusterKey(a.ref).localeCompare(clusterKey(b.ref)))
    .map((o): FleetCluster => {
      const attributed = split.byCluster.get(clusterKey(o.ref)) ?? [];
      if ('error' in o) {
        return {
          ...o.ref,
          status: 'error',
          error: o.error,
          server: o.server ?? null,
          summary: summaryOf(attributed),
          probes: attributed,
        };
      }
      const probes = orderProbes([
        ...o.report.probes.filter((p) => WORKLOAD_PROBES.includes(p.id)),
        ...attributed,
      ]);
      return {
        ...o.ref,
        status: 'ok',
        error: null,
        server: o.report.cluster.server,
        summary: summaryOf(probes),
        probes,
      };
    });
  const all = [...clusters.flatMap((c) => c.probes), ...split.management];
  return {
    schemaVersion: FLEET_SCHEMA_VERSION,
    kind: 'fleet',
    generatedAt: input.generatedAt.toISOString(),
    tool: input.tool,
    management: { ...input.management, probes: split.management },
    registry: input.registry,
    summary: {
      ...sumCounts(
        clusters.map((c) => c.summary),
        split.management,
      ),
      clusters: clusters.length,
      clustersInError: clusters.filter((c) => c.status === 'error').length,
      probesInError: all.filter((p) => p.status === 'error').length,
    },
    clusters,
  };
}

function sumCounts(per: readonly SeverityCounts[], management: readonly ReportProbe[]): SeverityCounts {
  const total = countBySeverity(management.flatMap((p) => p.findings));
  for (const c of per) {
    total.pass += c.pass;
    total.info += c.info;
    total.warn += c.warn;
    total.fail += c.fail;
  }
  return total;
}

/** One cluster as a single-cluster Report, so every single-cluster renderer can render it. */
export function clusterReport(fleet: FleetReport, cluster: FleetCluster): Report {
  return {
    schemaVersion: 1,
    generatedAt: fleet.generatedAt,
    tool: fleet.tool,
    cluster: { context: `${cluster.namespace}/${cluster.name}`, server: cluster.server },
    registry: fleet.registry,
    summary: cluster.summary,
    probes: cluster.probes,
  };
}

/** The management cluster's own row (what no single cluster owns) as a Report. */
export function managementReport(fleet: FleetReport): Report {
  const probes = fleet.management.probes;
  return {
    schemaVersion: 1,
    generatedAt: fleet.generatedAt,
    tool: fleet.tool,
    cluster: { context: fleet.management.context, server: fleet.management.server },
    registry: fleet.registry,
    summary: summaryOf(probes),
    probes,
  };
}

/** The worst cluster's exit code: a cluster that could not be read proves nothing (1). */
export function fleetExitCode(fleet: FleetReport, failOn: FailOn): 0 | 1 {
  if (fleet.clusters.some((c) => c.status === 'error')) return 1;
  const reports = [managementReport(fleet), ...fleet.clusters.map((c) => clusterReport(fleet, c))];
  return reports.some((r) => reportExitCode(r, failOn) === 1) ? 1 : 0;
}
