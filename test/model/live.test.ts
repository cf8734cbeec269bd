import { describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../src/model/evaluate.js';
import { countBySeverity } from '../../src/model/finding.js';
import { combineLive, liveWords, unfinishedMessage } from '../../src/model/live.js';
import { buildReport, reportExitCode } from '../../src/model/report.js';
import { KubeApiError } from '../../src/probes/kube/errors.js';
import { Backoff, retryDelayMs } from '../../src/probes/kube/retry.js';
import { renderProm } from '../../src/report/prom.js';

const NOW = new Date('2026-11-22T20:45:34.000Z');

function result(partial: Partial<ProbeResult>): ProbeResult {
  return {
    id: 'images',
    title: 'Image origins',
    status: 'ready',
    findings: [],
    summary: countBySeverity([]),
    ...partial,
  };
}

const meta = { generatedAt: NOW, toolVersion: '0.0.0-test', privateRegistries: [] };

describe('live state words', () => {
  it('a stale probe says when its data is from and how long the API has been gone', () => {
    expect(
      liveWords(
        { state: 'stale', since: '2026-11-22T20:44:19.000Z', detail: 'pods: 503' },
        { now: NOW, updatedAt: '2026-11-22T20:44:19.000Z' },
      ),
    ).toBe('stale: data from 20:44:19, API unreachable for 75 s (pods: 503)');
    expect(liveWords({ state: 'stale', since: '2026-11-22T20:44:19.000Z' }, { now: NOW, brief: true })).toBe(
      'stale 75 s',
    );
    expect(liveWords({ state: 'watching' }, { now: NOW })).toBe('watching');
  });

  it('the worst collection decides the probe, naming which, with the earliest outage', () => {
    expect(
      combineLive([
        ['pods', { state: 'watching' }],
        ['events', { state: 'reconnecting', detail: '429', since: '2026-11-22T20:45:00.000Z' }],
        ['jobs', { state: 'reconnecting', detail: 'reset', since: '2026-11-22T20:44:00.000Z' }],
      ]),
    ).toEqual({
      state: 'reconnecting',
      detail: 'events: 429; jobs: reset',
      since: '2026-11-22T20:44:00.000Z',
    });
    expect(combineLive([['pods', { state: 'watching' }]])).toEqual({ state: 'watching' });
    expect(
      combineLive([
        ['a', { state: 'reconnecting' }],
        ['b', { state: 'stale' }],
      ]).state,
    ).toBe('stale');
  });

  it('an unfinished probe says what it was doing and how far it got', () => {
    expect(unfinishedMessage({ done: 1200, total: 0, failed: 0, label: 'listing pods' }, 5)).toBe(
      'did not finish listing pods within 5 s: 1200 of ? read',
    );
    expect(unfinishedMessage({ done: 0, total: 0, failed: 0, label: 'listing pods' }, 5)).toBe(
      'did not finish listing pods within 5 s: 0 of ? read',
    );
    expect(unfinishedMessage({ done: 3, total: 10, failed: 1 }, 20)).toBe(
      'did not finish its first sync within 20 s: 3 of 10 read, 1 failed',
    );
    expect(unfinishedMessage(undefined, 2)).toBe('did not finish its first sync within 2 s');
  });
});

describe('green means proven', () => {
  it('a stale probe is an error in the report, with the words, and fails the run', () => {
    const report = buildReport(
      [
        result({
          updatedAt: '2026-11-22T20:44:19.000Z',
          live: { state: 'stale', since: '2026-11-22T20:44:19.000Z' },
        }),
      ],
      meta,
    );
    expect(report.probes[0]?.status).toBe('error');
    expect(report.probes[0]?.error).toBe('stale: data from 20:44:19, API unreachable for 75 s');
    expect(reportExitCode(report, 'fail')).toBe(1);
  });

  it('a probe still loading never gives exit 0 or airgap_top_report_failed 0', () => {
    const report = buildReport([result({ status: 'loading' })], meta);
    expect(reportExitCode(report, 'fail')).toBe(1);
    expect(renderProm(report)).toMatch(/^airgap_top_report_failed 1$/m);
  });
});

describe('backoff', () => {
  it('doubles from 0.5 s to 30 s with jitter, and starts again after a reset', () => {
    const low = new Backoff({ random: () => 0 });
    const high = new Backoff({ random: () => 1 });
    const lows = Array.from({ length: 9 }, () => low.next());
    const highs = Array.from({ length: 9 }, () => high.next());
    expect(lows).toEqual([250, 500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    expect(highs).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    high.reset();
    expect(high.next()).toBe(500);
  });

  it('honours Retry-After when it is longer, bounded to a minute', () => {
    const b = () => new Backoff({ random: () => 0 });
    expect(retryDelayMs(new KubeApiError(429, 'busy', 2), b())).toBe(2000);
    expect(retryDelayMs(new KubeApiError(429, 'busy', 86_400), b())).toBe(60_000);
    expect(retryDelayMs(new KubeApiError(503, 'down'), b())).toBe(250);
  });
});
