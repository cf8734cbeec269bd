import { describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../src/model/evaluate.js';
import { countBySeverity, type Finding } from '../../src/model/finding.js';
import { buildReport, reportExitCode } from '../../src/model/report.js';

function result(
  id: ProbeResult['id'],
  status: ProbeResult['status'],
  severities: Finding['severity'][],
): ProbeResult {
  const findings = severities.map(
    (severity, i) =>
      ({
        probe: id,
        code: `X-00${i}`,
        severity,
        subject: { kind: 'Pod', name: `p${i}` },
        title: 't',
        detail: 'd',
        evidence: {},
        remedy: 'r',
      }) as unknown as Finding,
  );
  return {
    id,
    title: id,
    status,
    findings,
    summary: countBySeverity(findings),
    message: status === 'error' ? 'boom' : undefined,
  };
}

const meta = {
  generatedAt: new Date('2026-01-01T00:00:00Z'),
  toolVersion: '0.0.0',
  privateRegistries: ['r.example/x'],
};

describe('reportExitCode', () => {
  it.each([
    ['all pass', [result('images', 'ready', ['pass', 'info'])], 'fail', 0],
    ['a warning, default', [result('images', 'ready', ['warn'])], 'fail', 0],
    ['a warning, --fail-on warn', [result('images', 'ready', ['warn'])], 'warn', 1],
    ['a failure', [result('images', 'ready', ['pass', 'fail'])], 'fail', 1],
    ['a probe in error', [result('images', 'ready', ['pass']), result('ipam', 'error', [])], 'fail', 1],
    ['not applicable is no failure', [result('ipam', 'not-applicable', [])], 'fail', 0],
  ] as const)('%s', (_n, results, failOn, code) => {
    expect(reportExitCode(buildReport(results, meta), failOn)).toBe(code);
  });

  it('carries the versioned shape', () => {
    const report = buildReport([result('images', 'error', [])], meta);
    expect(report.schemaVersion).toBe(1);
    expect(report.probes[0]).toMatchObject({
      id: 'images',
      status: 'error',
      error: 'boom',
      summary: { fail: 0 },
    });
    expect(report.summary.probesInError).toBe(1);
  });
});
