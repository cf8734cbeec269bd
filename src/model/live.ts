import type { LiveState, LiveStateName, ProbeProgress } from './probe.js';

/** Worst first: one stale collection makes the probe stale, one reconnecting makes it reconnecting. */
const RANK: Readonly<Record<LiveStateName, number>> = {
  stale: 4,
  reconnecting: 3,
  relisting: 2,
  listing: 1,
  watching: 0,
};

/** One state for a probe that reads several collections: the worst of them, naming which. */
export function combineLive(parts: readonly (readonly [string, LiveState])[]): LiveState {
  let worst: LiveState = { state: 'watching' };
  const details: string[] = [];
  let since: string | undefined;
  for (const [, live] of parts) {
    if (RANK[live.state] > RANK[worst.state]) worst = live;
  }
  for (const [name, live] of parts) {
    if (live.state !== worst.state) continue;
    details.push(live.detail ? `${name}: ${live.detail}` : name);
    if (live.since && (!since || live.since < since)) since = live.since;
  }
  if (worst.state === 'watching') return worst;
  return { state: worst.state, detail: details.join('; '), ...(since ? { since } : {}) };
}

export function isStale(live: LiveState | undefined): boolean {
  return live?.state === 'stale';
}

/** Whole seconds between an ISO time and now (0 when unknown). */
export function secondsSince(iso: string | undefined, now: Date): number {
  const at = iso ? Date.parse(iso) : Number.NaN;
  return Number.isFinite(at) ? Math.max(0, Math.round((now.getTime() - at) / 1000)) : 0;
}

function clock(iso: string | undefined): string {
  return iso && Number.isFinite(Date.parse(iso)) ? new Date(iso).toISOString().slice(11, 19) : 'unknown';
}

/**
 * The words for a live state, everywhere it is shown (header, overview, probe screen, report).
 * `brief` fits a table cell ("stale 75 s"); otherwise a sentence with the detail
 * ("stale: data from 20:44:19, API unreachable for 75 s (pods: 503 Service Unavailable)").
 * `updatedAt` is the probe's last successful list or event.
 */
export function liveWords(
  live: LiveState,
  options: { readonly now: Date; readonly updatedAt?: string; readonly brief?: boolean },
): string {
  const down = secondsSince(live.since, options.now);
  if (options.brief) return live.state === 'stale' ? `stale ${down} s` : live.state;
  const detail = live.detail ? ` (${live.detail})` : '';
  switch (live.state) {
    case 'watching':
      return 'watching';
    case 'listing':
      return `listing${detail}`;
    case 'relisting':
      return `relisting, the watch expired${detail}`;
    case 'reconnecting':
      return `reconnecting${live.since ? ` for ${down} s` : ''}${detail}`;
    case 'stale':
      return `stale: data from ${clock(options.updatedAt)}, API unreachable for ${down} s${detail}`;
  }
}

/**
 * Why a probe still loading at the report's deadline is an error:
 * "did not finish listing pods within 5 s: 1200 of ? read".
 */
export function unfinishedMessage(progress: ProbeProgress | undefined, seconds: number): string {
  const what = progress?.label ?? 'its first sync';
  const counted =
    progress && (progress.done > 0 || progress.total > 0)
      ? `: ${progress.done} of ${progress.total > 0 ? progress.total : '?'} read${progress.failed ? `, ${progress.failed} failed` : ''}`
      : progress?.label?.startsWith('listing')
        ? ': 0 of ? read'
        : '';
  return `did not finish ${what} within ${seconds} s${counted}`;
}
