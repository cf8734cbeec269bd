import type { Logger } from '../core/log.js';
import type { Config } from '../model/config.js';
import type { ProbeId } from '../model/probe.js';
import type { Store } from '../model/store.js';
import type { KubeTuning } from './kube/collection.js';
import type { KubeConnection } from './kube/connection.js';

/** Looks up a host name; injected so tests never resolve made-up names. */
export type Resolver = (hostname: string) => Promise<string[]>;

/** A probe asking the person at the screen for a secret (the vCenter password). */
export interface SecretRequest {
  readonly probe: ProbeId;
  /** What is asked for, e.g. "vCenter password for USER at HOST"; never contains the secret. */
  readonly label: string;
}

/**
 * Resolves with what was typed, or undefined when the person cancelled (esc) or the session ended.
 * The probe must `secrets.add()` the answer at once and keep it in memory only.
 */
export type AskSecret = (request: SecretRequest) => Promise<string | undefined>;

export interface ProbeContext {
  readonly config: Config;
  readonly kube: KubeConnection;
  readonly store: Store;
  readonly log: Logger;
  /** Aborted when the session ends: close connections, stop watches. */
  readonly signal: AbortSignal;
  /** true: keep watching after the first sync (TUI). false: one full sync, then stop (report). */
  readonly live: boolean;
  /** `-n NS`: restrict namespaced reads; undefined = all namespaces. */
  readonly namespace?: string;
  readonly resolve: Resolver;
  /**
   * `report --from-dump DIR`: a support bundle instead of live nodes and vCenter. The containerd
   * probe reads `DIR/nodes/<node>/etc/containerd/...` instead of SSH; the vSphere probe reads
   * `DIR/vsphere/inventory.json` (govc collect -json) instead of vCenter, when present.
   */
  readonly dumpDir?: string;
  /** Backoff and staleness of the Kube API watches (defaults: 0.5 s doubling to 30 s, stale after 30 s). */
  readonly kubeTuning?: KubeTuning;
  /** The TUI (live and demo) can ask for a secret; undefined in `report`, where nobody is there to type. */
  readonly askSecret?: AskSecret;
}

/**
 * A probe owns one source and publishes slim records into the store under its id
 * (`store.set(id, {status, data, ...})`). Verdicts are not made here: see src/model/<probe>/.
 */
export interface ProbeSource<Id extends ProbeId = ProbeId> {
  readonly id: Id;
  /**
   * Starts reading. Resolves once the probe's first full sync is published (status no longer
   * loading). With ctx.live it goes on updating the store until ctx.signal aborts.
   * Never rejects: failures become status 'error' with a message.
   */
  start(ctx: ProbeContext): Promise<void>;
  /** One-shot probes (SSH sweep, vCenter) read again on request (TUI key `r`). */
  rerun?(ctx: ProbeContext): Promise<void>;
  /**
   * A probe's own `:` command in the TUI (`:expect FILE` for readiness): resolves to the line the
   * status bar shows, rejects with a reason a person can act on.
   */
  command?(ctx: ProbeContext, name: string, args: readonly string[]): Promise<string>;
}
