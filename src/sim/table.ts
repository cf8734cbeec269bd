import { evaluateJsonPath, parseJsonPath } from './jsonpath.js';
import type { PrinterColumn, ResourceType } from './resources.js';
import type { KMetadata, KObject } from './store.js';

/**
 * Server-side printing (meta.k8s.io/v1 Table), which `kubectl get` asks for: the columns the real
 * API server's table convertors print for built-in kinds, and additionalPrinterColumns for CRDs.
 */
export interface TableColumn {
  readonly name: string;
  readonly type: string;
  readonly format: string;
  readonly description: string;
  readonly priority: number;
}

type Cell = string | number | boolean | null;

interface Printer {
  readonly columns: readonly TableColumn[];
  cells(obj: KObject, now: number): Cell[];
}

const col = (name: string, type = 'string', priority = 0, format = '', description = ''): TableColumn => ({
  name,
  type,
  format,
  description,
  priority,
});

const NAME = col('Name', 'string', 0, 'name', 'Name must be unique within a namespace.');

/** kubectl's duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const d = Math.floor(hours / 24) % 365;
    return d === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${d}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function ageOf(obj: KObject, now: number): string {
  const created = (obj.metadata as KMetadata | undefined)?.creationTimestamp;
  if (!created) return '<unknown>';
  return humanDuration(now - Date.parse(created));
}

function get(obj: unknown, ...path: string[]): unknown {
  let cursor = obj;
  for (const key of path) {
    cursor =
      cursor !== null && typeof cursor === 'object' ? (cursor as Record<string, unknown>)[key] : undefined;
  }
  return cursor;
}

function arr(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

interface ContainerStatus {
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string };
    terminated?: { reason?: string; signal?: number; exitCode?: number };
  };
}

/** The STATUS column as kubectl's pod printer computes it. */
function podStatus(pod: KObject): string {
  let reason =
    (get(pod, 'status', 'reason') as string | undefined) ??
    (get(pod, 'status', 'phase') as string | undefined) ??
    '';
  const init = arr(get(pod, 'status', 'initContainerStatuses')) as ContainerStatus[];
  let initializing = false;
  init.forEach((c, i) => {
    if (initializing) return;
    const t = c.state?.terminated;
    if (t && t.exitCode === 0) return;
    if (t) reason = t.reason ? `Init:${t.reason}` : `Init:ExitCode:${t.exitCode ?? 0}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing')
      reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${init.length}`;
    initializing = true;
  });
  if (!initializing) {
    for (const c of [...(arr(get(pod, 'status', 'containerStatuses')) as ContainerStatus[])].reverse()) {
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
    }
  }
  if (get(pod, 'metadata', 'deletionTimestamp')) reason = 'Terminating';
  return reason;
}

const PRINTERS: Record<string, Printer> = {
  'pods.': {
    columns: [
      NAME,
      col('Ready', 'string', 0, '', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 'string', 0, '', 'The aggregate status of the containers in this pod.'),
      col(
        'Restarts',
        'string',
        0,
        '',
        'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      ),
      col(
        'Age',
        'string',
        0,
        '',
        'CreationTimestamp is a timestamp representing the server time when this object was created.',
      ),
      col(
        'IP',
        'string',
        1,
        '',
        'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      ),
      col('Node', 'string', 1, '', 'NodeName is a request to schedule this pod onto a specific node.'),
      col(
        'Nominated Node',
        'string',
        1,
        '',
        'nominatedNodeName is set only when this pod preempts other pods on the node.',
      ),
      col(
        'Readiness Gates',
        'string',
        1,
        '',
        'If specified, all readiness gates will be evaluated for pod readiness.',
      ),
    ],
    cells(pod, now) {
      const statuses = arr(get(pod, 'status', 'containerStatuses')) as ContainerStatus[];
      const total = arr(get(pod, 'spec', 'containers')).length;
      const ready = statuses.filter((c) => c.ready).length;
      const restarts = statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0);
      return [
        String(get(pod, 'metadata', 'name') ?? ''),
        `${ready}/${total}`,
        podStatus(pod),
        String(restarts),
        ageOf(pod, now),
        String(get(pod, 'status', 'podIP') ?? '<none>'),
        String(get(pod, 'spec', 'nodeName') ?? '<none>'),
        String(get(pod, 'status', 'nominatedNodeName') ?? '<none>'),
        '<none>',
      ];
    },
  },
  'nodes.': {
    columns: [
      NAME,
      col('Status', 'string', 0, '', 'The status of the node'),
      col('Roles', 'string', 0, '', 'The roles of the node'),
      col(
        'Age',
        'string',
        0,
        '',
        'CreationTimestamp is a timestamp representing the server time when this object was created.',
      ),
      col('Version', 'string', 0, '', 'Kubelet Version reported by the node.'),
      col(
        'Internal-IP',
        'string',
        1,
        '',
        'List of addresses reachable to the node. Queried from cloud provider, if available.',
      ),
      col(
        'External-IP',
        'string',
        1,
        '',
        'List of addresses reachable to the node. Queried from cloud provider, if available.',
      ),
      col(
        'OS-Image',
        'string',
        1,
        '',
        'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
      ),
      col('Kernel-Version', 'string', 1, '', 'Kernel Version reported by the node.'),
      col('Container-Runtime', 'string', 1, '', 'Container runtime version reported by the node.'),
    ],
    cells(node, now) {
      const ready = arr(get(node, 'status', 'conditions')).find((c) => c.type === 'Ready');
      let status = ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown';
      if (get(node, 'spec', 'unschedulable') === true) status += ',SchedulingDisabled';
      const labels = (get(node, 'metadata', 'labels') ?? {}) as Record<string, string>;
      const roles = Object.keys(labels)
        .filter((k) => k.startsWith('node-role.kubernetes.io/'))
        .map((k) => k.slice('node-role.kubernetes.io/'.length))
        .filter((r) => r !== '')
        .sort();
      const address = (type: string) =>
        String(arr(get(node, 'status', 'addresses')).find((a) => a.type === type)?.address ?? '<none>');
      return [
        String(get(node, 'metadata', 'name') ?? ''),
        status,
        roles.length ? roles.join(',') : '<none>',
        ageOf(node, now),
        String(get(node, 'status', 'nodeInfo', 'kubeletVersion') ?? ''),
        address('InternalIP'),
        address('ExternalIP'),
        String(get(node, 'status', 'nodeInfo', 'osImage') ?? '<unknown>'),
        String(get(node, 'status', 'nodeInfo', 'kernelVersion') ?? '<unknown>'),
        String(get(node, 'status', 'nodeInfo', 'containerRuntimeVersion') ?? '<unknown>'),
      ];
    },
  },
  'namespaces.': {
    columns: [NAME, col('Status', 'string', 0, '', 'The status of the namespace'), col('Age')],
    cells: (ns, now) => [
      String(get(ns, 'metadata', 'name')),
      String(get(ns, 'status', 'phase') ?? 'Active'),
      ageOf(ns, now),
    ],
  },
  'events.': {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message')],
    cells(ev, now) {
      const last = (get(ev, 'lastTimestamp') ??
        get(ev, 'eventTime') ??
        get(ev, 'metadata', 'creationTimestamp')) as string | undefined;
      const involved = get(ev, 'involvedObject') as { kind?: string; name?: string } | undefined;
      return [
        last ? humanDuration(now - Date.parse(last)) : '<unknown>',
        String(get(ev, 'type') ?? ''),
        String(get(ev, 'reason') ?? ''),
        `${String(involved?.kind ?? '').toLowerCase()}/${involved?.name ?? ''}`,
        String(get(ev, 'message') ?? ''),
      ];
    },
  },
  'deployments.apps': {
    columns: [
      NAME,
      col('Ready'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells: (d, now) => [
      String(get(d, 'metadata', 'name')),
      `${num(get(d, 'status', 'readyReplicas'))}/${num(get(d, 'spec', 'replicas') ?? 1)}`,
      num(get(d, 'status', 'updatedReplicas')),
      num(get(d, 'status', 'availableReplicas')),
      ageOf(d, now),
      ...containersAndImages(get(d, 'spec', 'template', 'spec')),
      selectorText(get(d, 'spec', 'selector')),
    ],
  },
  'replicasets.apps': {
    columns: [
      NAME,
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells: (r, now) => [
      String(get(r, 'metadata', 'name')),
      num(get(r, 'spec', 'replicas')),
      num(get(r, 'status', 'replicas')),
      num(get(r, 'status', 'readyReplicas')),
      ageOf(r, now),
      ...containersAndImages(get(r, 'spec', 'template', 'spec')),
      selectorText(get(r, 'spec', 'selector')),
    ],
  },
  'daemonsets.apps': {
    columns: [
      NAME,
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Node Selector'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells: (d, now) => {
      const selector = (get(d, 'spec', 'template', 'spec', 'nodeSelector') ?? {}) as Record<string, string>;
      return [
        String(get(d, 'metadata', 'name')),
        num(get(d, 'status', 'desiredNumberScheduled')),
        num(get(d, 'status', 'currentNumberScheduled')),
        num(get(d, 'status', 'numberReady')),
        num(get(d, 'status', 'updatedNumberScheduled')),
        num(get(d, 'status', 'numberAvailable')),
        Object.entries(selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
        ageOf(d, now),
        ...containersAndImages(get(d, 'spec', 'template', 'spec')),
        selectorText(get(d, 'spec', 'selector')),
      ];
    },
  },
  'statefulsets.apps': {
    columns: [NAME, col('Ready'), col('Age'), col('Containers', 'string', 1), col('Images', 'string', 1)],
    cells: (s, now) => [
      String(get(s, 'metadata', 'name')),
      `${num(get(s, 'status', 'readyReplicas'))}/${num(get(s, 'spec', 'replicas') ?? 1)}`,
      ageOf(s, now),
      ...containersAndImages(get(s, 'spec', 'template', 'spec')),
    ],
  },
  'jobs.batch': {
    columns: [NAME, col('Status'), col('Completions'), col('Duration'), col('Age')],
    cells: (j, now) => {
      const conditions = arr(get(j, 'status', 'conditions'));
      const done = conditions.find(
        (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
      );
      return [
        String(get(j, 'metadata', 'name')),
        done ? String(done.type) : 'Running',
        `${num(get(j, 'status', 'succeeded'))}/${num(get(j, 'spec', 'completions') ?? 1)}`,
        '<unknown>',
        ageOf(j, now),
      ];
    },
  },
  'cronjobs.batch': {
    columns: [
      NAME,
      col('Schedule'),
      col('Timezone'),
      col('Suspend', 'boolean'),
      col('Active', 'integer'),
      col('Last Schedule'),
      col('Age'),
    ],
    cells: (c, now) => [
      String(get(c, 'metadata', 'name')),
      String(get(c, 'spec', 'schedule') ?? ''),
      String(get(c, 'spec', 'timeZone') ?? '<none>'),
      get(c, 'spec', 'suspend') === true,
      arr(get(c, 'status', 'active')).length,
      get(c, 'status', 'lastScheduleTime')
        ? humanDuration(now - Date.parse(String(get(c, 'status', 'lastScheduleTime'))))
        : '<none>',
      ageOf(c, now),
    ],
  },
  'csinodes.storage.k8s.io': {
    columns: [NAME, col('Drivers', 'integer'), col('Age')],
    cells: (c, now) => [
      String(get(c, 'metadata', 'name')),
      arr(get(c, 'spec', 'drivers')).length,
      ageOf(c, now),
    ],
  },
  'configmaps.': {
    columns: [NAME, col('Data', 'integer'), col('Age')],
    cells: (c, now) => [
      String(get(c, 'metadata', 'name')),
      Object.keys((get(c, 'data') ?? {}) as object).length,
      ageOf(c, now),
    ],
  },
  'services.': {
    columns: [NAME, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), col('Age')],
    cells: (s, now) => [
      String(get(s, 'metadata', 'name')),
      String(get(s, 'spec', 'type') ?? 'ClusterIP'),
      String(get(s, 'spec', 'clusterIP') ?? '<none>'),
      '<none>',
      arr(get(s, 'spec', 'ports'))
        .map((p) => `${String(p.port)}/${String(p.protocol ?? 'TCP')}`)
        .join(',') || '<none>',
      ageOf(s, now),
    ],
  },
  'customresourcedefinitions.apiextensions.k8s.io': {
    columns: [NAME, col('Created At', 'date')],
    cells: (c) => [String(get(c, 'metadata', 'name')), String(get(c, 'metadata', 'creationTimestamp') ?? '')],
  },
};

function containersAndImages(podSpec: unknown): [string, string] {
  const containers = arr(get(podSpec, 'containers'));
  return [containers.map((c) => String(c.name)).join(','), containers.map((c) => String(c.image)).join(',')];
}

function selectorText(selector: unknown): string {
  const labels = (get(selector, 'matchLabels') ?? {}) as Record<string, string>;
  return (
    Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',') || '<none>'
  );
}

/** apiextensions-apiserver's cell rendering: dates become ages, strings as they are, others as JSON. */
function crdCell(column: PrinterColumn, values: unknown[], now: number): Cell {
  if (values.length === 0) return null;
  const render = (value: unknown): string => {
    if (column.type === 'date' && typeof value === 'string') return humanDuration(now - Date.parse(value));
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
  if (values.length === 1) {
    const value = values[0];
    if ((column.type === 'integer' || column.type === 'number') && typeof value === 'number') return value;
    if (column.type === 'boolean' && typeof value === 'boolean') return value;
    return render(value);
  }
  return values.map(render).join(',');
}

const printerCache = new WeakMap<ResourceType, Printer>();

export function printerFor(type: ResourceType): Printer {
  const cached = printerCache.get(type);
  if (cached) return cached;
  let printer = PRINTERS[`${type.plural}.${type.group}`];
  if (!printer) {
    const columns =
      type.columns && type.columns.length > 0
        ? type.columns
        : [
            {
              name: 'Age',
              type: 'date',
              jsonPath: '.metadata.creationTimestamp',
              description: 'Time duration since creation',
            },
          ];
    const parsed = columns.map((c) => parseJsonPath(c.jsonPath));
    printer = {
      columns: [
        NAME,
        ...columns.map((c) => col(c.name, c.type, c.priority ?? 0, c.format ?? '', c.description ?? '')),
      ],
      cells: (obj, now) => [
        String(get(obj, 'metadata', 'name') ?? ''),
        ...columns.map((c, i) => crdCell(c, evaluateJsonPath(parsed[i] ?? [], obj), now)),
      ],
    };
  }
  printerCache.set(type, printer);
  return printer;
}

export function tableRow(
  type: ResourceType,
  obj: KObject,
  apiVersion: string,
  includeObject: 'None' | 'Metadata' | 'Object',
  now: number,
): Record<string, unknown> {
  const row: Record<string, unknown> = { cells: printerFor(type).cells(obj, now) };
  if (includeObject === 'Metadata') {
    row.object = {
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: obj.metadata ?? {},
    };
  } else if (includeObject === 'Object') {
    row.object = { ...obj, apiVersion };
  }
  return row;
}

export function tableColumns(type: ResourceType): readonly TableColumn[] {
  return printerFor(type).columns;
}
