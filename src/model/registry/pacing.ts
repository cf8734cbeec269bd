/**
 * When the next live registry sweep may start after a change of the pods or node configurations.
 * A quiet cluster gets the plain debounce: a new pod's verdict in well under a second, even when
 * its status changes twice more while it starts. Under a stream of pod events each sweep re-plans
 * every pod (~0.3 s at 10,000 pods) and sweeps would follow each other back to back; from the
 * PACED_AFTER-th sweep of such a streak on, the next starts at least `factor` times the last one's
 * length after it started, so the registry probe takes at most 1/factor of the time and the screen
 * keeps the rest. The extra wait is capped, so a slow registry (a long sweep waiting on the
 * network) never holds a new image back for long.
 */
export const SWEEP_PACE_FACTOR = 4;
export const SWEEP_PACE_CAP_MS = 2000;
/** Sweeps in a streak before pacing starts (a streak: each began within the cap of the last's end). */
export const PACED_AFTER = 3;

/** How many sweeps in a row, this one included, began within the cap of the previous one's end. */
export function sweepStreak(
  previous: { readonly endedAt: number; readonly streak: number } | undefined,
  startedAt: number,
  capMs = SWEEP_PACE_CAP_MS,
): number {
  return previous && startedAt - previous.endedAt < capMs ? previous.streak + 1 : 1;
}

export function nextSweepDelay(input: {
  readonly now: number;
  readonly debounceMs: number;
  /** When the last sweep started and how long it took (undefined before the first). */
  readonly lastStartedAt?: number;
  readonly lastDurationMs?: number;
  /** sweepStreak of the last sweep (1 when it followed a quiet spell). */
  readonly streak?: number;
  readonly factor?: number;
  readonly capMs?: number;
}): number {
  const { now, debounceMs, lastStartedAt, lastDurationMs } = input;
  if (lastStartedAt === undefined || lastDurationMs === undefined) return debounceMs;
  if ((input.streak ?? PACED_AFTER) < PACED_AFTER) return debounceMs;
  const factor = input.factor ?? SWEEP_PACE_FACTOR;
  const cap = input.capMs ?? SWEEP_PACE_CAP_MS;
  const gap = Math.min(factor * Math.max(0, lastDurationMs), cap);
  return Math.max(debounceMs, lastStartedAt + gap - now);
}
