/**
 * When the next store-driven frame may start. At most one every `minMs` (the App's throttle, 4
 * frames a second); and when building a frame took long (10,000 pods re-evaluated and their tables
 * rebuilt under a stream of pod events), at least `yieldFactor` times that long after the last one
 * started, so data frames take at most 1/yieldFactor of the time and keys find the CPU free.
 */
export const FRAME_YIELD_FACTOR = 3;

export function nextFlushDelay(
  now: number,
  lastFlushAt: number,
  minMs: number,
  lastFrameCostMs: number,
  yieldFactor = FRAME_YIELD_FACTOR,
): number {
  const gap = Math.max(minMs, yieldFactor * Math.max(0, lastFrameCostMs));
  return Math.max(0, lastFlushAt + gap - now);
}
