import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../src/core/errors.js';
import type { Finding, Severity } from '../../src/model/finding.js';
import { buildReport } from '../../src/model/report.js';
import { diffReports } from '../../src/model/report-diff.js';
import { renderDiff } from '../../src/report/diff.js';
import { renderJson } from '../../src/report/json.js';
import { parseRecordedReport } from '../../src/report/recorded.js';
import { finding, probeResult, SAMPLE_META } from './sample.js';

const pod = (name: string) => ({ kind: 'Pod', namespace: 'ns', name, container: 'c' });

function reportOf(
  findings: [string, Severity, string][],
  status: 'ready' | 'error' = 'ready',
  generatedAt = SAMPLE_META.generatedAt,
) {
  const list: Finding[] = findings.map(([code, severity, name]) =>
    finding('images', code, severity, pod(name)),
  );
  return buildReport(
    [
      probeResult('images', 'ready', list),
      probeResult('ipam', status, [], status === 'error' ? 'boom' : undefined),
    ],
    {
      ...SAMPLE_META,
      generatedAt,
    },
  );
}

describe('diffReports', () => {
  const before = reportOf([
    ['IMG-002', 'fail', 'a'], // stays failing: unchanged
    ['IMG-002', 'fail', 'b'], // disappears: resolved
    ['IMG-003', 'warn', 'c'], // becomes fail: changed
    ['IMG-004', 'fail', 'd'], // same key, now pass: resolved
    ['IMG-001', 'pass', 'e'], // same key, now fail: changed (pass -> fail)
    ['IMG-001', 'pass', 'f'], // disappears while passing: not news
  ]);
  const after = reportOf(
    [
      ['IMG-002', 'fail', 'a'],
      ['IMG-003', 'fail', 'c'],
      ['IMG-004', 'pass', 'd'],
      ['IMG-001', 'fail', 'e'],
      ['IMG-002', 'fail', 'g'], // new
      ['IMG-005', 'info', 'h'], // new info
      ['IMG-001', 'pass', 'i'], // new but passing: not news
    ],
    'error',
    new Date('2026-11-23T00:00:00Z'),
  );
  const old = parseRecordedReport(renderJson(before));
  const diff = diffReports(old, after);

  it('finds new, resolved and changed findings, keyed by code and subject', () => {
    expect(diff.added.map((f) => `${f.code}/${f.subject.name}/${f.severity}`)).toEqual([
      'IMG-002/g/fail',
      'IMG-005/h/info',
    ]);
    expect(diff.resolved.map((f) => `${f.code}/${f.subject.name}`)).toEqual(['IMG-002/b', 'IMG-004/d']);
    expect(
      diff.changed.map(
        (c) => `${c.after.code}/${c.after.subject.name}:${c.before.severity}->${c.after.severity}`,
      ),
    ).toEqual(['IMG-001/e:pass->fail', 'IMG-003/c:warn->fail']);
    expect(diff.unchanged).toBe(1);
    expect(diff.probeStatus).toEqual([{ probe: 'ipam', before: 'ready', after: 'error', error: 'boom' }]);
  });

  it('renders one line per change', () => {
    const text = renderDiff(diff);
    expect(text).toContain('2 new, 2 resolved, 2 changed, 1 unchanged');
    expect(text).toContain('  + FAIL IMG-002 Pod ns/g [c]: IMG-002 title');
    expect(text).toContain('  - FAIL IMG-002 Pod ns/b [c]');
    expect(text).toContain('  ~ WARN -> FAIL IMG-003 Pod ns/c [c]');
    expect(text).toContain('probe ipam: ready -> error (boom)');
  });

  it('notes when the earlier report is from another API server', () => {
    const elsewhere = { ...after, cluster: { context: 'x', server: 'https://10.9.9.9:6443' } };
    expect(renderDiff(diffReports(old, elsewhere))).toContain(
      'note: the earlier report is from API server https://10.0.0.10:6443, this one from https://10.9.9.9:6443',
    );
    expect(renderDiff(diff)).not.toContain('note:');
  });

  it('an identical report has no changes', () => {
    const same = diffReports(parseRecordedReport(renderJson(after)), after);
    expect([same.added, same.resolved, same.changed, same.probeStatus].map((l) => l.length)).toEqual([
      0, 0, 0, 0,
    ]);
  });
});

describe('parseRecordedReport', () => {
  it.each([
    ['not JSON', '{', /^not JSON/],
    ['an array', '[]', /not a JSON object/],
    ['another schema', '{"schemaVersion":2}', /schemaVersion 2 is not 1/],
    ['no probes', '{"schemaVersion":1,"generatedAt":"x"}', /probes is not an array/],
    [
      'a bad severity',
      '{"schemaVersion":1,"generatedAt":"x","probes":[{"id":"images","status":"ready","findings":[{"code":"IMG-1","severity":"bad","subject":{"kind":"Pod","name":"p"}}]}]}',
      /probes\[0\]\.findings\[0\]\.severity is not a severity/,
    ],
  ])('rejects %s in one line', (_n, text, message) => {
    expect(() => parseRecordedReport(text)).toThrow(message);
    try {
      parseRecordedReport(text);
    } catch (err) {
      expect(errorMessage(err)).not.toContain('\n');
    }
  });

  it('validates with the report schema and names the field in its own words', () => {
    const good = JSON.parse(renderJson(reportOf([['IMG-002', 'fail', 'a']]))) as {
      probes: { status: string }[];
    };
    expect(() => parseRecordedReport(JSON.stringify(good))).not.toThrow();
    const first = good.probes[0];
    if (first) first.status = 'bogus';
    expect(() => parseRecordedReport(JSON.stringify(good))).toThrow(
      /^probes\[0\]\.status is not a probe status$/,
    );
  });
});
