/**
 * The resource types the simulator serves: built-in Kubernetes kinds and the CRDs airgap-top reads,
 * with the group/versions, names and printer columns upstream serves. A scenario adds more through
 * CustomResourceDefinition objects.
 */

export interface PrinterColumn {
  readonly name: string;
  readonly type: string;
  readonly jsonPath: string;
  readonly description?: string;
  readonly priority?: number;
  readonly format?: string;
}

export interface ResourceType {
  /** '' for the core group. */
  readonly group: string;
  /** Served versions, preferred (storage) first. Objects are served at every one without conversion. */
  readonly versions: readonly string[];
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly string[];
  readonly statusSubresource: boolean;
  /** CRD additionalPrinterColumns; built-ins use a table convertor in table.ts instead. */
  readonly columns?: readonly PrinterColumn[];
  /** Set when the type came from a CustomResourceDefinition object. */
  readonly fromCrd?: boolean;
}

export const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
] as const;

function builtin(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<Pick<ResourceType, 'shortNames' | 'categories' | 'statusSubresource'>> = {},
): ResourceType {
  return {
    group,
    versions: [version],
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    shortNames: extra.shortNames ?? [],
    categories: extra.categories ?? [],
    verbs: ALL_VERBS,
    statusSubresource: extra.statusSubresource ?? true,
  };
}

const age: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

function crd(
  group: string,
  versions: readonly string[],
  kind: string,
  plural: string,
  namespaced: boolean,
  columns: readonly PrinterColumn[],
  extra: Partial<Pick<ResourceType, 'shortNames' | 'statusSubresource'>> = {},
): ResourceType {
  return {
    group,
    versions,
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    shortNames: extra.shortNames ?? [],
    categories: ['cluster-api'],
    verbs: ALL_VERBS,
    statusSubresource: extra.statusSubresource ?? true,
    columns,
  };
}

/** Printer columns as upstream's CRD manifests declare them (CAPI core, CAPV, in-cluster IPAM). */
const CLUSTER_COLUMNS: PrinterColumn[] = [
  {
    name: 'ClusterClass',
    type: 'string',
    jsonPath: '.spec.topology.class',
    description: 'ClusterClass of this Cluster, empty if the Cluster is not using a ClusterClass',
  },
  {
    name: 'Phase',
    type: 'string',
    jsonPath: '.status.phase',
    description: 'Cluster status such as Pending/Provisioning/Provisioned/Deleting/Failed',
  },
  { ...age, description: 'Time duration since creation of Cluster' },
  {
    name: 'Version',
    type: 'string',
    jsonPath: '.spec.topology.version',
    description: 'Kubernetes version associated with this Cluster',
  },
];

const MACHINE_COLUMNS: PrinterColumn[] = [
  { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterName', description: 'Cluster' },
  {
    name: 'NodeName',
    type: 'string',
    jsonPath: '.status.nodeRef.name',
    description: 'Node name associated with this machine',
  },
  { name: 'ProviderID', type: 'string', jsonPath: '.spec.providerID', description: 'Provider ID' },
  {
    name: 'Phase',
    type: 'string',
    jsonPath: '.status.phase',
    description: 'Machine status such as Terminating/Pending/Running/Failed etc',
  },
  { ...age, description: 'Time duration since creation of Machine' },
  {
    name: 'Version',
    type: 'string',
    jsonPath: '.spec.version',
    description: 'Kubernetes version associated with this Machine',
  },
];

const VSPHERE_CLUSTER_COLUMNS: PrinterColumn[] = [
  {
    name: 'Ready',
    type: 'string',
    jsonPath: '.status.ready',
    description: 'Cluster infrastructure is ready for VSphereMachine',
  },
  {
    name: 'Server',
    type: 'string',
    jsonPath: '.spec.server',
    description: 'Server is the address of the vSphere endpoint.',
  },
  {
    name: 'ControlPlaneEndpoint',
    type: 'string',
    jsonPath: '.spec.controlPlaneEndpoint.host',
    description: 'API Endpoint',
    priority: 1,
  },
  { ...age, description: 'Time duration since creation of Machine' },
];

const VSPHERE_MACHINE_COLUMNS: PrinterColumn[] = [
  {
    name: 'Cluster',
    type: 'string',
    jsonPath: '.metadata.labels.cluster\\.x-k8s\\.io/cluster-name',
    description: 'Cluster to which this VSphereMachine belongs',
  },
  { name: 'Ready', type: 'string', jsonPath: '.status.ready', description: 'Machine ready status' },
  {
    name: 'ProviderID',
    type: 'string',
    jsonPath: '.spec.providerID',
    description: 'VSphereMachine instance ID',
  },
  {
    name: 'Machine',
    type: 'string',
    jsonPath: '.metadata.ownerReferences[?(@.kind=="Machine")].name',
    description: 'Machine object which owns with this VSphereMachine',
    priority: 1,
  },
  { ...age, description: 'Time duration since creation of Machine' },
];

const CLAIM_COLUMNS: PrinterColumn[] = [
  {
    name: 'Pool Name',
    type: 'string',
    jsonPath: '.spec.poolRef.name',
    description: 'Name of the pool to allocate an address from',
  },
  {
    name: 'Pool Kind',
    type: 'string',
    jsonPath: '.spec.poolRef.kind',
    description: 'Kind of the pool to allocate an address from',
  },
  { ...age, description: 'Time duration since creation of IPAddressClaim' },
];

const ADDRESS_COLUMNS: PrinterColumn[] = [
  { name: 'Address', type: 'string', jsonPath: '.spec.address', description: 'Address' },
  {
    name: 'Pool Name',
    type: 'string',
    jsonPath: '.spec.poolRef.name',
    description: 'Name of the pool the address is from',
  },
  {
    name: 'Pool Kind',
    type: 'string',
    jsonPath: '.spec.poolRef.kind',
    description: 'Kind of the pool the address is from',
  },
  { ...age, description: 'Time duration since creation of IPAddress' },
];

const POOL_COLUMNS: PrinterColumn[] = [
  {
    name: 'Addresses',
    type: 'string',
    jsonPath: '.spec.addresses',
    description: 'List of addresses, to allocate from',
  },
  {
    name: 'Total',
    type: 'integer',
    jsonPath: '.status.ipAddresses.total',
    description: 'Count of IPs configured for the pool',
  },
  {
    name: 'Free',
    type: 'integer',
    jsonPath: '.status.ipAddresses.free',
    description: 'Count of unallocated IPs in the pool',
  },
  {
    name: 'Used',
    type: 'integer',
    jsonPath: '.status.ipAddresses.used',
    description: 'Count of allocated IPs in the pool',
  },
];

export const BUILTIN_RESOURCES: readonly ResourceType[] = [
  builtin('', 'v1', 'Pod', 'pods', true, { shortNames: ['po'], categories: ['all'] }),
  builtin('', 'v1', 'Node', 'nodes', false, { shortNames: ['no'] }),
  builtin('', 'v1', 'Namespace', 'namespaces', false, { shortNames: ['ns'] }),
  builtin('', 'v1', 'Event', 'events', true, { shortNames: ['ev'], statusSubresource: false }),
  builtin('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'], statusSubresource: false }),
  // A management cluster's `<cluster>-kubeconfig` Secrets (fleet mode reads them with GET).
  builtin('', 'v1', 'Secret', 'secrets', true, { statusSubresource: false }),
  builtin('', 'v1', 'Service', 'services', true, { shortNames: ['svc'], categories: ['all'] }),
  // What airgap-top's own deploy/ manifests create, so `kubectl apply --dry-run=server` can check them.
  builtin('', 'v1', 'ServiceAccount', 'serviceaccounts', true, {
    shortNames: ['sa'],
    statusSubresource: false,
  }),
  builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false, {
    statusSubresource: false,
  }),
  builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false, {
    statusSubresource: false,
  }),
  builtin('apps', 'v1', 'Deployment', 'deployments', true, { shortNames: ['deploy'], categories: ['all'] }),
  builtin('apps', 'v1', 'ReplicaSet', 'replicasets', true, { shortNames: ['rs'], categories: ['all'] }),
  builtin('apps', 'v1', 'DaemonSet', 'daemonsets', true, { shortNames: ['ds'], categories: ['all'] }),
  builtin('apps', 'v1', 'StatefulSet', 'statefulsets', true, { shortNames: ['sts'], categories: ['all'] }),
  builtin('batch', 'v1', 'Job', 'jobs', true, { categories: ['all'] }),
  builtin('batch', 'v1', 'CronJob', 'cronjobs', true, { shortNames: ['cj'], categories: ['all'] }),
  builtin('storage.k8s.io', 'v1', 'CSINode', 'csinodes', false, { statusSubresource: false }),
  builtin('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, {
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
  }),
  crd('cluster.x-k8s.io', ['v1beta1'], 'Cluster', 'clusters', true, CLUSTER_COLUMNS, { shortNames: ['cl'] }),
  crd('cluster.x-k8s.io', ['v1beta1'], 'Machine', 'machines', true, MACHINE_COLUMNS, { shortNames: ['ma'] }),
  crd(
    'infrastructure.cluster.x-k8s.io',
    ['v1beta1'],
    'VSphereCluster',
    'vsphereclusters',
    true,
    VSPHERE_CLUSTER_COLUMNS,
  ),
  crd(
    'infrastructure.cluster.x-k8s.io',
    ['v1beta1'],
    'VSphereMachine',
    'vspheremachines',
    true,
    VSPHERE_MACHINE_COLUMNS,
  ),
  // Upstream declares no printer columns for VSphereVM: `kubectl get vspherevms` prints NAME and AGE.
  crd('infrastructure.cluster.x-k8s.io', ['v1beta1'], 'VSphereVM', 'vspherevms', true, []),
  crd(
    'infrastructure.cluster.x-k8s.io',
    ['v1beta1'],
    'VSphereFailureDomain',
    'vspherefailuredomains',
    false,
    [],
    {
      statusSubresource: false,
    },
  ),
  crd(
    'infrastructure.cluster.x-k8s.io',
    ['v1beta1'],
    'VSphereDeploymentZone',
    'vspheredeploymentzones',
    false,
    [],
  ),
  crd(
    'ipam.cluster.x-k8s.io',
    ['v1beta1', 'v1alpha1'],
    'IPAddressClaim',
    'ipaddressclaims',
    true,
    CLAIM_COLUMNS,
  ),
  crd('ipam.cluster.x-k8s.io', ['v1beta1', 'v1alpha1'], 'IPAddress', 'ipaddresses', true, ADDRESS_COLUMNS, {
    statusSubresource: false,
  }),
  crd(
    'ipam.cluster.x-k8s.io',
    ['v1alpha2', 'v1alpha1'],
    'InClusterIPPool',
    'inclusterippools',
    true,
    POOL_COLUMNS,
  ),
  crd(
    'ipam.cluster.x-k8s.io',
    ['v1alpha2', 'v1alpha1'],
    'GlobalInClusterIPPool',
    'globalinclusterippools',
    false,
    POOL_COLUMNS,
  ),
];

/** Kubernetes version priority: v1 > v1beta2 > v1beta1 > v1alpha1 > anything else (kube-aware sort). */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0] as const;
    const stability = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stability, Number(m[1]), Number(m[3] ?? 0)] as const;
  };
  const pa = parse(a);
  const pb = parse(b);
  if (pa[0] === 0 && pb[0] === 0) return a.localeCompare(b);
  for (let i = 0; i < 3; i++) {
    const d = (pb[i] ?? 0) - (pa[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Turns a CustomResourceDefinition (apiextensions.k8s.io/v1) object into a resource type. */
export function resourceTypeFromCrd(obj: Record<string, unknown>): ResourceType | undefined {
  const spec = obj.spec as
    | {
        group?: string;
        scope?: string;
        names?: {
          plural?: string;
          singular?: string;
          kind?: string;
          shortNames?: string[];
          categories?: string[];
        };
        versions?: {
          name: string;
          served?: boolean;
          storage?: boolean;
          subresources?: { status?: unknown };
          additionalPrinterColumns?: PrinterColumn[];
        }[];
      }
    | undefined;
  if (!spec?.group || !spec.names?.plural || !spec.names.kind || !spec.versions?.length) return undefined;
  const served = spec.versions.filter((v) => v.served !== false);
  if (served.length === 0) return undefined;
  // Discovery prefers the highest-priority served version; storage does not matter to clients.
  const ordered = [...served].sort((a, b) => compareKubeVersions(a.name, b.name));
  const first = ordered[0];
  if (!first) return undefined;
  return {
    group: spec.group,
    versions: ordered.map((v) => v.name),
    plural: spec.names.plural,
    singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
    kind: spec.names.kind,
    namespaced: spec.scope !== 'Cluster',
    shortNames: spec.names.shortNames ?? [],
    categories: spec.names.categories ?? [],
    verbs: ALL_VERBS,
    statusSubresource: first.subresources?.status !== undefined,
    columns: (first.additionalPrinterColumns ?? []).map((c) => ({ ...c })),
    fromCrd: true,
  };
}

/** All resource types by group, resolvable by plural, kind, singular and short name. */
export class ResourceRegistry {
  private readonly byKey = new Map<string, ResourceType>();

  constructor(types: readonly ResourceType[] = BUILTIN_RESOURCES) {
    for (const t of types) this.add(t);
  }

  add(type: ResourceType): void {
    this.byKey.set(resourceKey(type), type);
  }

  all(): ResourceType[] {
    return [...this.byKey.values()];
  }

  /** By group and plural (as in a URL). */
  get(group: string, plural: string): ResourceType | undefined {
    return this.byKey.get(`${plural}.${group}`);
  }

  /** By apiVersion and kind (as in an object). */
  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    let fallback: ResourceType | undefined;
    for (const t of this.byKey.values()) {
      if (t.group !== group || t.kind !== kind) continue;
      if (t.versions.includes(version)) return t;
      fallback = t;
    }
    return fallback;
  }

  /** Groups with their versions (preferred first), for /apis. */
  groups(): { name: string; versions: string[] }[] {
    const versions = new Map<string, Set<string>>();
    for (const t of this.byKey.values()) {
      if (t.group === '') continue;
      const set = versions.get(t.group) ?? new Set<string>();
      for (const v of t.versions) set.add(v);
      versions.set(t.group, set);
    }
    return [...versions.entries()].map(([name, set]) => ({
      name,
      versions: [...set].sort(compareKubeVersions),
    }));
  }

  /** Resource types served at group/version. */
  at(group: string, version: string): ResourceType[] {
    return [...this.byKey.values()].filter((t) => t.group === group && t.versions.includes(version));
  }
}

export function resourceKey(type: Pick<ResourceType, 'group' | 'plural'>): string {
  return `${type.plural}.${type.group}`;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}
