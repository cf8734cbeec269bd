import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../src/core/errors.js';
import type { Finding, Severity } from '../../src/model/finding.js';
import { buildReport } from '../../src/model/report.js';
import { diffReports } from '../../src/model/report-diff.js';
import { renderDiff, renderDiffJson } from '../../src/report/diff.js';
import { renderJson } from '../../src/report/json.js';
import { parseRecordedReport } from '../../src/report/recorded.js';
import { compileDiffSchema } from '../../src/report/schema.js';
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

describe('findings this run did not check', () => {
  const ipamFinding = finding('ipam', 'IPAM-002', 'fail', {
    kind: 'IPAddressClaim',
    namespace: 'tkg',
    name: 'claim-1',
  });
  const earlier = buildReport(
    [
      probeResult('images', 'ready', [
        finding('images', 'IMG-002', 'fail', pod('a')),
        finding('images', 'IMG-002', 'fail', { ...pod('b'), namespace: 'other' }),
      ]),
      probeResult('ipam', 'ready', [ipamFinding]),
      probeResult('portgroups', 'ready', [
        finding('portgroups', 'PG-002', 'warn', { kind: 'Portgroup', name: 'pg-1' }),
      ]),
    ],
    SAMPLE_META,
  );
  const old = parseRecordedReport(renderJson(earlier));
  const later = (ipam: 'error' | 'ready', portgroups: 'not-applicable' | 'ready', namespace?: string) =>
    buildReport(
      [
        probeResult('images', 'ready', []),
        probeResult(
          'ipam',
          ipam,
          [],
          ipam === 'error' ? 'forbidden to list ipaddressclaims (RBAC)' : undefined,
        ),
        probeResult(
          'portgroups',
          portgroups,
          [],
          portgroups === 'not-applicable' ? 'no [vsphere] section' : undefined,
        ),
      ],
      { ...SAMPLE_META, generatedAt: new Date('2026-11-23T00:00:00Z'), namespace },
    );

  it('are "not checked this time" when their probe errored or did not apply, never resolved', () => {
    const diff = diffReports(old, later('error', 'not-applicable'));
    expect(diff.resolved.map((f) => `${f.code}/${f.subject.name}`)).toEqual(['IMG-002/a', 'IMG-002/b']);
    expect(diff.notChecked.map((n) => `${n.finding.code}/${n.finding.subject.name}: ${n.reason}`)).toEqual([
      'IPAM-002/claim-1: probe ipam: error (forbidden to list ipaddressclaims (RBAC))',
      'PG-002/pg-1: probe portgroups: not-applicable (no [vsphere] section)',
    ]);
  });

  it('are "not checked" when the probe is absent from this run', () => {
    const withoutIpam = {
      ...later('ready', 'ready'),
      probes: later('ready', 'ready').probes.filter((p) => p.id !== 'ipam'),
    };
    const diff = diffReports(old, withoutIpam);
    expect(diff.notChecked.map((n) => n.reason)).toEqual(['probe ipam did not run']);
    expect(diff.resolved.map((f) => f.code)).toEqual(['IMG-002', 'IMG-002', 'PG-002']);
  });

  it('are "not checked" when -n left their namespace out (pod checks only)', () => {
    const diff = diffReports(old, later('ready', 'ready', 'ns'));
    expect(
      diff.notChecked.map((n) => `${n.finding.subject.namespace}/${n.finding.subject.name}: ${n.reason}`),
    ).toEqual(['other/b: namespace other not in -n ns']);
    // IPAM objects are read in every namespace whatever -n says: gone there is resolved.
    expect(diff.resolved.map((f) => f.subject.name)).toEqual(['a', 'claim-1', 'pg-1']);
  });

  it('are listed apart in the text diff and counted in its summary', () => {
    const text = renderDiff(diffReports(old, later('error', 'ready')));
    expect(text).toContain('0 new, 3 resolved, 0 changed, 1 not checked this time, 0 unchanged');
    expect(text).toContain(
      'Not checked this time (neither resolved nor still there):\n  ? FAIL IPAM-002 IPAddressClaim tkg/claim-1: IPAM-002 title [probe ipam: error (forbidden to list ipaddressclaims (RBAC))]',
    );
    expect(text).not.toMatch(/- FAIL IPAM-002/);
  });
});

describe('renderDiffJson', () => {
  const validate = compileDiffSchema();
  const diff = diffReports(
    parseRecordedReport(
      renderJson(
        reportOf([
          ['IMG-002', 'fail', 'a'],
          ['IMG-002', 'fail', 'b'],
          ['IMG-003', 'warn', 'c'],
          ['IMG-004', 'fail', 'd'],
          ['IMG-001', 'pass', 'e'],
        ]),
      ),
    ),
    reportOf(
      [
        ['IMG-002', 'fail', 'a'],
        ['IMG-003', 'fail', 'c'],
        ['IMG-004', 'pass', 'd'],
        ['IMG-001', 'fail', 'e'],
        ['IMG-002', 'fail', 'g'],
        ['IMG-005', 'info', 'h'],
      ],
      'error',
      new Date('2026-11-23T00:00:00Z'),
    ),
  );

  it('writes new, resolved, changed and not-checked findings that validate with schema/diff.schema.json', () => {
    const json = JSON.parse(renderDiffJson(diff)) as Record<string, unknown>;
    expect(validate(json)).toEqual([]);
    expect(json.summary).toEqual({ new: 2, resolved: 2, changed: 2, notChecked: 0, unchanged: 1 });
    expect(
      (json.new as { code: string; subject: { name: string } }[]).map((f) => `${f.code}/${f.subject.name}`),
    ).toEqual(['IMG-002/g', 'IMG-005/h']);
    expect(json.changed).toContainEqual(
      expect.objectContaining({
        before: expect.objectContaining({ severity: 'warn' }),
        after: expect.objectContaining({ code: 'IMG-003', severity: 'fail' }),
      }),
    );
    expect(json.probes).toEqual([{ id: 'ipam', before: 'ready', after: 'error', error: 'boom' }]);
    expect(json.otherCluster).toBeNull();
  });

  it('carries the not-checked findings with their reason', () => {
    const old = parseRecordedReport(renderJson(reportOf([['IMG-002', 'fail', 'a']])));
    const now = buildReport(
      [probeResult('images', 'error', [], 'forbidden to list /api/v1/pods')],
      SAMPLE_META,
    );
    const json = JSON.parse(renderDiffJson(diffReports(old, now))) as {
      notChecked: unknown[];
      resolved: unknown[];
    };
    expect(validate(json)).toEqual([]);
    expect(json.resolved).toEqual([]);
    expect(json.notChecked).toEqual([
      {
        finding: expect.objectContaining({ code: 'IMG-002', severity: 'fail', subject: pod('a') }),
        reason: 'probe images: error (forbidden to list /api/v1/pods)',
      },
    ]);
  });

  it('is refused by the schema when a part is missing or mistyped (the schema can fail)', () => {
    const json = JSON.parse(renderDiffJson(diff)) as Record<string, unknown>;
    expect(validate({ ...json, notChecked: undefined }).map((e) => e.message)).toContain(
      "must have required property 'notChecked'",
    );
    expect(validate({ ...json, new: [{ code: 'IMG-002' }] }).length).toBeGreaterThan(0);
    expect(
      validate({ ...json, probes: [{ id: 'ipam', before: 'sleeping', after: 'ready', error: null }] }).length,
    ).toBeGreaterThan(0);
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
