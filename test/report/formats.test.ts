import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/model/report.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { MAX_FINDING_SERIES_PER_PROBE, renderProm } from '../../src/report/prom.js';
import { reportSchemaErrors, validateReport } from '../helpers/report-schema.js';
import { finding, probeResult, SAMPLE_META, sampleReport } from './sample.js';
import { promtoolCheck, xmllintJunit } from './validators.js';

describe('JSON report and its schema', () => {
  it('validates against schema/report.schema.json', () => {
    const text = renderJson(sampleReport());
    expect(() => validateReport(text)).not.toThrow();
    const parsed = JSON.parse(text);
    expect(parsed.probes.map((p: { durationSeconds: number | null }) => p.durationSeconds)).toEqual([
      2.5,
      2.5,
      2.5,
      null,
      2.5,
    ]);
  });

  it.each([
    [
      'a missing field',
      (r: Record<string, unknown>) => delete r.generatedAt,
      /must have required property 'generatedAt'/,
    ],
    [
      'an unknown field',
      (r: Record<string, unknown>) => Object.assign(r, { extra: 1 }),
      /additional properties/,
    ],
    [
      'another schema version',
      (r: Record<string, unknown>) => Object.assign(r, { schemaVersion: 2 }),
      /constant/,
    ],
    [
      'a bad severity',
      (r: { probes: { findings: { severity: string }[] }[] }) => {
        const f = r.probes[0]?.findings[0];
        if (f) f.severity = 'critical';
      },
      /must be equal to one of the allowed values/,
    ],
    [
      'a bad code',
      (r: { probes: { findings: { code: string }[] }[] }) => {
        const f = r.probes[0]?.findings[0];
        if (f) f.code = 'IMG-1';
      },
      /must match pattern/,
    ],
    [
      'a bad date',
      (r: Record<string, unknown>) => Object.assign(r, { generatedAt: 'yesterday' }),
      /must match format/,
    ],
  ])('rejects %s', (_name, mutate, message) => {
    const report = JSON.parse(renderJson(sampleReport()));
    mutate(report);
    expect(reportSchemaErrors(report).join('\n')).toMatch(message);
  });
});

describe('JUnit XML', () => {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => ['testsuite', 'testcase', 'failure', 'property'].includes(name),
  });

  it('passes xmllint with schema/junit.xsd, also with nasty text', () => {
    const xml = renderJunit(sampleReport());
    const r = xmllintJunit(xml);
    expect(r.output).toMatch(/validates/);
    expect(r.code).toBe(0);
  });

  it('the XSD is not a rubber stamp: a testcase without a name fails', () => {
    const xml = renderJunit(sampleReport()).replace(/<testcase name="[^"]*"/, '<testcase');
    expect(xmllintJunit(xml).code).not.toBe(0);
  });

  it('one suite per probe, one case per subject, failures carry the reason, errors and skips by status', () => {
    const doc = parser.parse(renderJunit(sampleReport()));
    const suites = doc.testsuites.testsuite as {
      name: string;
      tests: string;
      failures: string;
      errors: string;
      skipped: string;
      testcase: {
        name: string;
        failure?: { type: string; message: string; '#text': string }[];
        error?: unknown;
        skipped?: unknown;
        'system-out'?: string;
      }[];
    }[];
    expect(suites.map((s) => s.name)).toEqual([
      'airgap-top.images',
      'airgap-top.topology',
      'airgap-top.ipam',
      'airgap-top.portgroups',
      'airgap-top.containerd',
    ]);
    const images = suites[0];
    // web-1, web-2, nginx [nginx], nginx [sidecar], api-0, kube-proxy: 6 subjects.
    expect(images?.tests).toBe('6');
    expect(images?.failures).toBe('2');
    const sidecar = images?.testcase.find((c) => c.name === 'Pod shop/nginx-7d9 [sidecar]');
    expect(sidecar?.failure?.map((f) => f.type)).toEqual(['IMG-002', 'IMG-004']);
    expect(sidecar?.failure?.[1]?.['#text']).toContain('<script>alert(1)</script>');
    const nginx = images?.testcase.find((c) => c.name === 'Pod shop/nginx-7d9 [nginx]');
    expect(nginx?.failure?.[0]?.message).toContain('public registry');
    expect(nginx?.failure?.[0]?.['#text']).toContain('Remedy: remedy for IMG-002');
    const api = images?.testcase.find((c) => c.name === 'Pod shop/api-0 [app]');
    expect(api?.failure).toBeUndefined();
    expect(api?.['system-out']).toMatch(/^WARN IMG-003/);
    expect(suites[2]).toMatchObject({ errors: '1', tests: '1' });
    expect(suites[2]?.testcase[0]?.error).toBeDefined();
    expect(suites[3]).toMatchObject({ skipped: '1' });
    expect(suites[4]?.testcase[0]?.name).toMatch(/nothing to check/);
  });

  it('--fail-on warn turns warnings into failures', () => {
    const doc = parser.parse(renderJunit(sampleReport(), { failOn: 'warn' }));
    const images = doc.testsuites.testsuite[0];
    expect(images.failures).toBe('3');
    const api = images.testcase.find((c: { name: string }) => c.name === 'Pod shop/api-0 [app]');
    expect(api.failure[0].type).toBe('IMG-003');
    expect(xmllintJunit(renderJunit(sampleReport(), { failOn: 'warn' })).code).toBe(0);
  });
});

describe('Prometheus textfile', () => {
  it('passes promtool check metrics', () => {
    const r = promtoolCheck(renderProm(sampleReport()));
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  it('promtool is not a rubber stamp: a broken line fails', () => {
    expect(promtoolCheck(`${renderProm(sampleReport())}airgap_top_probe_up{probe="x} 1\n`).code).not.toBe(0);
  });

  it('has per probe/severity counts, up, status, sync times and escaped per-finding gauges', () => {
    const text = renderProm(sampleReport());
    expect(text).toContain('airgap_top_findings{probe="images",severity="fail"} 3');
    expect(text).toContain('airgap_top_findings{probe="images",severity="pass"} 2');
    expect(text).toContain('airgap_top_probe_up{probe="ipam"} 0');
    expect(text).toContain('airgap_top_probe_up{probe="portgroups"} 1');
    expect(text).toContain('airgap_top_probe_status{probe="ipam",status="error"} 1');
    expect(text).toContain('airgap_top_probe_sync_duration_seconds{probe="images"} 2.5');
    expect(text).toContain(
      `airgap_top_probe_last_sync_timestamp_seconds{probe="images"} ${Date.parse('2026-11-22T10:00:02.500Z') / 1000}`,
    );
    expect(text).toContain('airgap_top_report_failed 1');
    // Two containers of one pod with the same code are one series counting 2.
    expect(text).toContain(
      'airgap_top_finding{probe="images",code="IMG-002",severity="fail",kind="Pod",namespace="shop",name="nginx-7d9"} 2',
    );
    expect(text).not.toMatch(/airgap_top_finding\{[^}]*severity="pass"/);
    expect(text).not.toMatch(/container=|node=|detail=/);
  });

  it('escapes label values and caps per-finding series per probe, worst first', () => {
    const many = Array.from({ length: MAX_FINDING_SERIES_PER_PROBE + 30 }, (_, i) =>
      finding('images', 'IMG-002', i < 10 ? 'fail' : 'warn', {
        kind: 'Pod',
        namespace: 'n"s\\x',
        name: `p-${String(i).padStart(3, '0')}\nz`,
      }),
    );
    const text = renderProm(buildReport([probeResult('images', 'ready', many)], SAMPLE_META));
    expect(promtoolCheck(text).code).toBe(0);
    const series = text.split('\n').filter((l) => l.startsWith('airgap_top_finding{'));
    expect(series).toHaveLength(MAX_FINDING_SERIES_PER_PROBE);
    expect(series.filter((l) => l.includes('severity="fail"'))).toHaveLength(10);
    expect(text).toContain('airgap_top_finding_series_omitted{probe="images"} 30');
    expect(series[0]).toContain('namespace="n\\"s\\\\x",name="p-000\\nz"');
  });
});
