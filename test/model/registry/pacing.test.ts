import { describe, expect, it } from 'vitest';
import { nextSweepDelay, sweepStreak } from '../../../src/model/registry/pacing.js';

describe('nextSweepDelay: live sweeps paced by their own cost', () => {
  const cases: [string, Parameters<typeof nextSweepDelay>[0], number][] = [
    ['before the first sweep: the debounce', { now: 1000, debounceMs: 100 }, 100],
    [
      'long after a sweep: the debounce (a quiet cluster)',
      { now: 60_000, debounceMs: 100, lastStartedAt: 1000, lastDurationMs: 300 },
      100,
    ],
    [
      'right after a 300 ms sweep: 4x its length after it started',
      { now: 1300, debounceMs: 100, lastStartedAt: 1000, lastDurationMs: 300 },
      900,
    ],
    [
      'part of the gap already passed',
      { now: 1900, debounceMs: 100, lastStartedAt: 1000, lastDurationMs: 300 },
      300,
    ],
    [
      'a fast sweep: never less than the debounce',
      { now: 1020, debounceMs: 100, lastStartedAt: 1000, lastDurationMs: 10 },
      100,
    ],
    [
      'a 3 s sweep (slow registry): the extra wait is capped at 2 s',
      { now: 4000, debounceMs: 100, lastStartedAt: 1000, lastDurationMs: 3000 },
      100,
    ],
    [
      'a 1 s sweep just ended: capped at 2 s from its start',
      { now: 2000, debounceMs: 100, lastStartedAt: 1000, lastDurationMs: 1000 },
      1000,
    ],
    [
      'another factor and cap',
      { now: 1100, debounceMs: 50, lastStartedAt: 1000, lastDurationMs: 100, factor: 2, capMs: 10_000 },
      100,
    ],
  ];
  it.each(cases)('%s', (_, input, expected) => {
    expect(nextSweepDelay(input)).toBe(expected);
  });
});

describe('sweepStreak', () => {
  const cases: [string, Parameters<typeof sweepStreak>[0], number, number][] = [
    ['the first sweep', undefined, 1000, 1],
    ['right after the last one ended', { endedAt: 1000, streak: 1 }, 1100, 2],
    ['a streak goes on', { endedAt: 1000, streak: 5 }, 2999, 6],
    ['after a quiet spell of the cap: a new streak', { endedAt: 1000, streak: 5 }, 3000, 1],
  ];
  it.each(cases)('%s', (_, previous, startedAt, expected) => {
    expect(sweepStreak(previous, startedAt)).toBe(expected);
  });
});
