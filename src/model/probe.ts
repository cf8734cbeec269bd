/**
 * Every probe airgap-top has. The order is the order of screens, number keys and report sections.
 * Adding a probe: its id here and its line in PROBE_META, its data type in ProbeDataMap
 * (probe-data.ts), its definition in src/app/probe-registry.ts; the compiler points at each.
 */
export const PROBE_IDS = [
  'images',
  'topology',
  'ipam',
  'portgroups',
  'containerd',
  'registry',
  'readiness',
] as const;
export type ProbeId = (typeof PROBE_IDS)[number];

/** What screens, commands, help and reports call a probe. */
export interface ProbeMeta {
  /** Report sections, screen titles, `checks`. */
  readonly title: string;
  /** k9s-like resource name: the `:` command, the tab, hints and messages (`:nodes` is topology). */
  readonly command: string;
  /** Other words `:` accepts for it. */
  readonly aliases: readonly string[];
  /** Tab name when the full tab bar does not fit. */
  readonly short: string;
  /** What its number key says in `?` help. */
  readonly keyHelp: string;
}

export const PROBE_META: { readonly [K in ProbeId]: ProbeMeta } = {
  images: { title: 'Image origins', command: 'images', aliases: ['img'], short: 'img', keyHelp: 'images' },
  topology: {
    title: 'Node region/zone',
    command: 'nodes',
    aliases: ['node', 'topology'],
    short: 'nodes',
    keyHelp: 'nodes (region/zone topology)',
  },
  ipam: { title: 'Node IPAM', command: 'ipam', aliases: [], short: 'ipam', keyHelp: 'ipam' },
  portgroups: {
    title: 'Portgroup security',
    command: 'portgroups',
    aliases: ['pg'],
    short: 'pg',
    keyHelp: 'portgroups',
  },
  containerd: {
    title: 'containerd on nodes',
    command: 'containerd',
    aliases: ['ctrd'],
    short: 'ctrd',
    keyHelp: 'containerd',
  },
  registry: {
    title: 'Registry presence',
    command: 'registry',
    aliases: ['reg'],
    short: 'reg',
    keyHelp: 'registry (presence, as each node pulls)',
  },
  readiness: {
    title: 'Readiness (images not running yet)',
    command: 'readiness',
    aliases: ['ready', 'rdy'],
    short: 'rdy',
    keyHelp: 'readiness (templates, expected images)',
  },
};

/** A probe's title (report sections, screens). */
export const probeTitle = (id: ProbeId): string => PROBE_META[id].title;
/** A probe's k9s-like name (`:` command, tab, hints). */
export const probeCommand = (id: ProbeId): string => PROBE_META[id].command;

/**
 * loading: first sync not done. ready: data is current. error: the source could not be read
 * (message says why and what to try). not-applicable: the cluster does not have what the probe
 * reads (no CAPV CRDs, no [ssh] section): not an error.
 */
export type ProbeStatus = 'loading' | 'ready' | 'error' | 'not-applicable';

export interface ProbeProgress {
  readonly done: number;
  readonly total: number;
  readonly failed: number;
  /** What is under way, e.g. "logging in to vCenter". */
  readonly label?: string;
}

/** What a probe publishes into the store: its status and its slim records. */
export interface ProbeSnapshot<Data = unknown> {
  readonly status: ProbeStatus;
  readonly data?: Data;
  /** For error and not-applicable: a sentence a person can act on. */
  readonly message?: string;
  readonly updatedAt?: string;
  readonly progress?: ProbeProgress;
  /** Live connection state of the probe's watches (TUI only; a one-shot report has none). */
  readonly live?: LiveState;
}

/**
 * listing: the first list is under way. watching: every watch is open. reconnecting: a watch or
 * list failed and is retried after a backoff. relisting: a watch expired (410 Gone), the collection
 * is read again. stale: the API server has been unreachable longer than the threshold, so the data
 * is old (`since` is when it went away).
 */
export type LiveStateName = 'listing' | 'watching' | 'reconnecting' | 'relisting' | 'stale';

export interface LiveState {
  readonly state: LiveStateName;
  /** Which collection and why, e.g. "pods: 503 Service Unavailable". */
  readonly detail?: string;
  /** ISO time: when the watch went down (reconnecting, stale). */
  readonly since?: string;
}
