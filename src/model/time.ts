/** Ages and timestamps as findings and screens write them (pure: `now` is always passed in). */

/** A duration the way kubectl prints ages: 42s, 16m, 3h5m, 4d. Negative durations are 0s. */
export function formatAge(ms: number): string {
  if (ms < 0) return '0s';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  return `${Math.floor(h / 24)}d`;
}

/** Milliseconds since epoch of an RFC 3339 timestamp; undefined when unset or unparsable. */
export function timestampMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** How long ago `since` was at `now`; undefined when unset (or empty) or unparsable. */
export function ageMs(since: string | undefined, now: Date): number | undefined {
  if (!since) return undefined;
  const t = timestampMs(since);
  return t === undefined ? undefined : now.getTime() - t;
}

/** RFC 3339 in UTC to the second, as Kubernetes writes timestamps. */
export function timestampText(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
