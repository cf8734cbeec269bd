import type { ProbeResult } from '../model/evaluate.js';
import type { ProbeStatus } from '../model/probe.js';

/** What a probe that threw in its evaluation shows instead of its status: a bug, not the cluster's fault. */
const BUG = 'BUG';

/**
 * A probe's status in words, for every place that shows one: the overview's STATE column (`state`),
 * the tab bar's badge (`badge`), the body of a probe screen without data (`empty`) and a report's
 * entry for a probe that did not give findings (`notRun`).
 */
export const PROBE_STATUS_WORDS: Readonly<
  Record<
    ProbeStatus,
    { readonly state: string; readonly badge?: string; readonly empty?: string; readonly notRun?: string }
  >
> = {
  loading: {
    state: 'loading…',
    badge: '…',
    empty: 'waiting for the first sync…',
    notRun: 'the probe did not finish its first sync in time',
  },
  ready: { state: 'ready' },
  error: { state: 'ERROR', badge: 'ERR', empty: 'no data: see the error above', notRun: 'error' },
  'not-applicable': {
    state: 'n/a',
    badge: 'n/a',
    empty: 'not applicable on this cluster',
    notRun: 'not applicable',
  },
};

/** The overview's STATE cell: the status word, with progress while loading. */
export function statusText(result: ProbeResult): string {
  if (result.bug) return BUG;
  if (result.status === 'loading') {
    const p = result.progress;
    if (p && p.total > 0) return `loading ${p.done}/${p.total}${p.failed ? ` (${p.failed} failed)` : ''}`;
    // A list under way has no total yet: the objects read so far show it is moving.
    if (p?.label) return `loading: ${p.label}${p.total === 0 && p.done > 0 ? ` (${p.done} read)` : ''}`;
  }
  return PROBE_STATUS_WORDS[result.status].state;
}

/** The tab bar's badge: the status when it is not ready, else the worst count. */
export function statusBadge(result: ProbeResult): string {
  if (result.bug) return BUG;
  const word = PROBE_STATUS_WORDS[result.status].badge;
  if (word !== undefined) return word;
  if (result.summary.fail) return `✗${result.summary.fail}`;
  if (result.summary.warn) return `!${result.summary.warn}`;
  return '✓';
}
