import { describe, expect, test } from 'vitest';
import { FRAME_YIELD_FACTOR, nextFlushDelay } from '../../../src/ui/state/throttle.js';

describe('nextFlushDelay', () => {
  test.each([
    // now, last flush, min gap, last frame's cost → delay
    [1000, 0, 250, 0, 0], // long quiet: at once
    [1000, 900, 250, 0, 150], // the throttle: 250 ms after the last
    [1000, 900, 250, 50, 150], // a cheap frame: the throttle alone
    [1000, 900, 250, 100, 200], // 3 × 100 ms = 300 ms after the last
    [1000, 900, 250, 400, 1100], // a 400 ms frame: 1.2 s after the last
    [1000, 100, 250, 400, 300],
    [5000, 100, 250, 400, 0], // long past: at once
    [1000, 900, 0, 0, 0], // no throttle, cheap frames
    [1000, 900, 250, -5, 150], // a clock step back is not a negative cost
  ])('now %i, last %i, min %i, cost %i → %i', (now, last, min, cost, delay) => {
    expect(nextFlushDelay(now, last, min, cost)).toBe(delay);
  });
  test('the factor is what data frames may take of the time at most', () => {
    expect(FRAME_YIELD_FACTOR).toBe(3);
    expect(nextFlushDelay(0, 0, 250, 200, 2)).toBe(400);
  });
});
