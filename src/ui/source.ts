import type { SecretPrompts } from '../app/secret-prompts.js';
import type { Session } from '../app/session.js';
import type { Config } from '../model/config.js';
import type { ProbeResult } from '../model/evaluate.js';
import type { ProbeId } from '../model/probe.js';
import type { Report } from '../model/report.js';
import type { Store } from '../model/store.js';
import type { ProbeViews } from '../views/types.js';

/**
 * What the TUI reads: the subset of a Session it needs, so screens are tested over a plain Store and
 * synthetic results without a cluster.
 */
export interface TuiSource {
  readonly store: Store;
  readonly config: Config;
  /** `namespace`: the -n scope of workload probes (undefined = all namespaces). */
  readonly cluster: { readonly context?: string; readonly server?: string; readonly namespace?: string };
  /** Memoised evaluation of the store (cheap to call on every frame). */
  results(now?: Date): readonly ProbeResult[];
  report(now?: Date): Report;
  /** Re-reads a one-shot probe; false when the probe has nothing to re-run. */
  rerun(id: ProbeId): Promise<boolean>;
  /** A probe's own `:` command (`:expect FILE`); absent: the TUI says it is not available here. */
  command?(id: ProbeId, name: string, args: readonly string[]): Promise<string>;
  /** The probes' table builders, sharing the evaluation's analyses (default: a set of the TUI's own). */
  readonly views?: ProbeViews;
  /** Secrets the probes ask for (the vCenter password); the screen shows a masked prompt. */
  readonly prompts?: SecretPrompts;
}

export function sessionSource(session: Session, prompts?: SecretPrompts): TuiSource {
  return {
    store: session.store,
    config: session.config,
    cluster: {
      context: session.kube.contextName,
      server: session.kube.server,
      namespace: session.options.namespace,
    },
    results: (now) => session.results(now),
    report: (now) => session.report(now),
    rerun: (id) => session.rerun(id),
    command: (id, name, args) => session.command(id, name, args),
    views: session.views,
    prompts,
  };
}
