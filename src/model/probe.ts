/** Every probe airgap-top has. The order is the order of screens and report sections. */
export const PROBE_IDS = ['images', 'topology', 'ipam', 'portgroups', 'containerd'] as const;
export type ProbeId = (typeof PROBE_IDS)[number];

export const PROBE_TITLES: Readonly<Record<ProbeId, string>> = {
  images: 'Image origins',
  topology: 'Node region/zone',
  ipam: 'Node IPAM',
  portgroups: 'Portgroup security',
  containerd: 'containerd on nodes',
};

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
