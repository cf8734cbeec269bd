import { describe, expect, test } from 'vitest';
import { SEVERITIES, type Severity, severityRank } from '../../src/model/severity.js';

describe('severityRank', () => {
  test.each([
    ['pass', 0],
    ['info', 1],
    ['warn', 2],
    ['fail', 3],
    // Words that are no severity (a report read from disk may hold one): -1, as SEVERITIES.indexOf.
    ['critical', -1],
    ['', -1],
    ['toString', -1],
    ['__proto__', -1],
  ])('%s → %i', (word, rank) => {
    expect(severityRank(word as Severity)).toBe(rank);
    expect(severityRank(word as Severity)).toBe(SEVERITIES.indexOf(word as Severity));
  });
});
