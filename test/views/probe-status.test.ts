import { describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../src/model/evaluate.js';
import { countBySeverity } from '../../src/model/finding.js';
import { statusBadge, statusText } from '../../src/views/probe-status.js';

const result = (fields: Partial<ProbeResult>): ProbeResult => ({
  id: 'images',
  title: 'Image origins',
  status: 'ready',
  findings: [],
  summary: countBySeverity([]),
  ...fields,
});

describe('statusText: the overview STATE cell', () => {
  it.each([
    [
      'a list under way with objects read',
      { done: 1200, total: 0, failed: 0, label: 'listing pods' },
      'loading: listing pods (1200 read)',
    ],
    [
      'a list that has read nothing yet',
      { done: 0, total: 0, failed: 0, label: 'listing pods' },
      'loading: listing pods',
    ],
    ['a sweep with a total', { done: 3, total: 5, failed: 1 }, 'loading 3/5 (1 failed)'],
    [
      'a step with a label only',
      { done: 0, total: 0, failed: 0, label: 'logging in to vCenter' },
      'loading: logging in to vCenter',
    ],
  ])('%s', (_what, progress, text) => {
    expect(statusText(result({ status: 'loading', progress }))).toBe(text);
  });

  it('words for the other states, and BUG for an evaluation that threw', () => {
    expect(statusText(result({ status: 'loading' }))).toBe('loading…');
    expect(statusText(result({ status: 'error' }))).toBe('ERROR');
    expect(statusText(result({ status: 'error', bug: true }))).toBe('BUG');
    expect(statusBadge(result({ status: 'not-applicable' }))).toBe('n/a');
  });
});
