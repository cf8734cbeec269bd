import { secrets } from '../core/redact.js';
import { type Finding, subjectKey, subjectLabel } from '../model/finding.js';
import type { Report, ReportProbe } from '../model/report.js';
import { PROBE_STATUS_WORDS } from '../views/probe-status.js';
import { DEFAULT_RENDER_OPTIONS, type RenderOptions } from './types.js';
import { xmlAttr, xmlText } from './xml.js';

interface TestCase {
  readonly name: string;
  readonly classname: string;
  readonly failures: readonly Finding[];
  readonly error?: string;
  readonly skipped?: string;
  /** Findings that do not fail the case (pass, info, warn unless --fail-on warn), one line each. */
  readonly out: readonly string[];
}

/**
 * JUnit XML for CI: one testsuite per probe, one testcase per checked subject. A failing finding is a
 * <failure> carrying its reason; a warning is one too only with --fail-on warn (else it is listed in
 * <system-out>); a probe that could not run is an <error>, one that does not apply is <skipped>.
 * Structure follows the Jenkins xUnit/Ant JUnit schema (schema/junit.xsd).
 */
export function renderJunit(input: Report, options: RenderOptions = DEFAULT_RENDER_OPTIONS): string {
  const report = secrets.redactDeep(input);
  const suites = report.probes.map((p) => ({ probe: p, cases: testCases(p, options) }));
  const total = (pick: (c: TestCase) => boolean) =>
    suites.reduce((n, s) => n + s.cases.filter(pick).length, 0);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const totalTime = suites.reduce((t, s) => t + (s.probe.durationSeconds ?? 0), 0);
  out.push(
    `<testsuites name="airgap-top" tests="${total(() => true)}" failures="${total(isFailure)}" errors="${total(isError)}" time="${seconds(totalTime)}">`,
  );
  suites.forEach(({ probe, cases }, id) => {
    const attrs = [
      `name="${xmlAttr(`airgap-top.${probe.id}`)}"`,
      `tests="${cases.length}"`,
      `failures="${cases.filter(isFailure).length}"`,
      `errors="${cases.filter(isError).length}"`,
      `skipped="${cases.filter((c) => c.skipped !== undefined).length}"`,
      `time="${seconds(probe.durationSeconds ?? 0)}"`,
      `timestamp="${antTimestamp(probe.updatedAt ?? report.generatedAt)}"`,
      `id="${id}"`,
      `package="airgap-top"`,
    ];
    out.push(`  <testsuite ${attrs.join(' ')}>`);
    out.push('    <properties>');
    for (const [name, value] of [
      ['title', probe.title],
      ['status', probe.status],
      ['context', report.cluster.context ?? ''],
      ['server', report.cluster.server ?? ''],
      ['failOn', options.failOn],
      // Only a -n run has it: the namespaces its workload checks covered.
      ...(report.scope ? ([['scope.namespaces', report.scope.namespaces.join(',')]] as const) : []),
    ] as const) {
      out.push(`      <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`);
    }
    out.push('    </properties>');
    for (const c of cases) out.push(...renderCase(c));
    out.push('  </testsuite>');
  });
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

function testCases(probe: ReportProbe, options: RenderOptions): TestCase[] {
  const classname = `airgap-top.${probe.id}`;
  const cases: TestCase[] = [];
  if (probe.status === 'error' || probe.status === 'loading') {
    cases.push({
      name: `${probe.title}: probe run`,
      classname,
      failures: [],
      error:
        probe.status === 'loading'
          ? PROBE_STATUS_WORDS.loading.notRun
          : (probe.error ?? PROBE_STATUS_WORDS.error.notRun),
      out: [],
    });
  } else if (probe.status === 'not-applicable') {
    cases.push({
      name: `${probe.title}: probe run`,
      classname,
      failures: [],
      skipped: probe.error ?? PROBE_STATUS_WORDS['not-applicable'].notRun,
      out: [],
    });
  }
  const bySubject = new Map<string, Finding[]>();
  for (const f of probe.findings) {
    const key = subjectKey(f.subject);
    const list = bySubject.get(key) ?? [];
    list.push(f);
    bySubject.set(key, list);
  }
  const failing = (f: Finding) =>
    f.severity === 'fail' || (f.severity === 'warn' && options.failOn === 'warn');
  for (const findings of bySubject.values()) {
    const first = findings[0];
    if (!first) continue;
    cases.push({
      name: subjectLabel(first.subject),
      classname,
      failures: findings.filter(failing),
      out: findings
        .filter((f) => !failing(f))
        .map(
          (f) =>
            `${f.severity.toUpperCase()} ${f.code} ${f.title}: ${f.detail}${f.severity === 'warn' ? ` Remedy: ${f.remedy}` : ''}`,
        ),
    });
  }
  if (probe.status === 'ready' && cases.length === 0) {
    cases.push({ name: `${probe.title}: nothing to check`, classname, failures: [], out: [] });
  }
  return cases;
}

function renderCase(c: TestCase): string[] {
  const head = `    <testcase name="${xmlAttr(c.name)}" classname="${xmlAttr(c.classname)}" time="0"`;
  if (!c.failures.length && c.error === undefined && c.skipped === undefined && !c.out.length)
    return [`${head}/>`];
  const out = [`${head}>`];
  if (c.skipped !== undefined) out.push(`      <skipped message="${xmlAttr(c.skipped)}"/>`);
  if (c.error !== undefined) {
    out.push(`      <error message="${xmlAttr(c.error)}" type="ProbeError">${xmlText(c.error)}</error>`);
  }
  for (const f of c.failures) {
    const body = [
      f.detail,
      `Severity: ${f.severity}`,
      `Remedy: ${f.remedy}`,
      `Evidence: ${JSON.stringify(f.evidence, null, 2)}`,
    ].join('\n');
    out.push(
      `      <failure message="${xmlAttr(`${f.code} ${f.title}: ${f.detail}`)}" type="${xmlAttr(f.code)}">${xmlText(body)}</failure>`,
    );
  }
  if (c.out.length) out.push(`      <system-out>${xmlText(c.out.join('\n'))}</system-out>`);
  out.push('    </testcase>');
  return out;
}

function isFailure(c: TestCase): boolean {
  return c.failures.length > 0;
}

function isError(c: TestCase): boolean {
  return c.error !== undefined;
}

function seconds(value: number): string {
  return value.toFixed(3);
}

/** Ant's JUnit timestamp: ISO 8601 without a zone (here always UTC), as the Jenkins schema's pattern wants. */
function antTimestamp(iso: string): string {
  const date = new Date(iso);
  return (Number.isNaN(date.getTime()) ? new Date(0) : date).toISOString().slice(0, 19);
}
