import { secrets } from '../core/redact.js';
import { type Finding, subjectLabel } from '../model/finding.js';
import { clusterReport, type FleetCluster, type FleetReport, managementReport } from '../model/fleet.js';
import type { FailOn, Report, ReportProbe } from '../model/report.js';
import { esc } from './html.js';
import type { ReportFormat } from './index.js';
import { renderRedactedJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { type Labels, promGauge, renderProm } from './prom.js';
import { xmlAttr } from './xml.js';

/**
 * The fleet formats. Each cluster is rendered by the single-cluster renderer of its format (as a
 * Report of its own), then put together: markdown sections, one JUnit testsuite per cluster and
 * probe, Prometheus families merged with a `cluster` label on every sample. Every format redacts
 * through the one secret registry, like the single-cluster ones.
 */

export const FLEET_FILES: Record<ReportFormat, string> = {
  json: 'fleet.json',
  md: 'fleet.md',
  html: 'fleet.html',
  junit: 'fleet-junit.xml',
  prom: 'airgap-top-fleet.prom',
};

/** The `cluster` label of a cluster: its name, or namespace/name when two namespaces share a name. */
export function clusterLabelOf(fleet: FleetReport, cluster: FleetCluster): string {
  const same = fleet.clusters.filter((c) => c.name === cluster.name).length;
  return same > 1 ? `${cluster.namespace}/${cluster.name}` : cluster.name;
}

/** The label the management cluster's own series carry. */
export const MANAGEMENT_LABEL = 'management';

export function renderFleetJson(fleet: FleetReport): string {
  return renderRedactedJson(fleet);
}

/** Markdown: the fleet table, then each cluster's report with its headings one level down. */
export function renderFleetMarkdown(input: FleetReport): string {
  const fleet = secrets.redactDeep(input);
  const s = fleet.summary;
  const out = [
    '# airgap-top fleet report',
    '',
    `Generated ${fleet.generatedAt} by airgap-top ${fleet.tool.version}. Management cluster: context \`${fleet.management.context ?? '-'}\`, API server \`${fleet.management.server ?? '-'}\`.`,
    '',
    `**${s.clusters} clusters, ${s.clustersInError} could not be read; ${s.fail} failing, ${s.warn} warning, ${s.info} info, ${s.pass} passing.**`,
    '',
    '| Cluster | Status | Fail | Warn | Info | Pass | Error |',
    '| --- | --- | --: | --: | --: | --: | --- |',
  ];
  for (const c of fleet.clusters) {
    out.push(
      `| ${mdCell(`${c.namespace}/${c.name}`)} | ${c.status} | ${c.summary.fail} | ${c.summary.warn} | ${c.summary.info} | ${c.summary.pass} | ${mdCell(c.error ?? '')} |`,
    );
  }
  out.push('');
  for (const c of fleet.clusters) {
    out.push(
      ...demoteHeadings(
        renderMarkdown(clusterReport(fleet, c)).replace(
          '# airgap-top report',
          `# Cluster ${c.namespace}/${c.name}`,
        ),
      ),
    );
    if (c.error) out.push(`**This cluster could not be read: ${mdCell(c.error)}**`, '');
  }
  out.push(
    ...demoteHeadings(
      renderMarkdown(managementReport(fleet)).replace(
        '# airgap-top report',
        '# Management cluster (findings no single cluster owns)',
      ),
    ),
  );
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function mdCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[`*_<>[\]]/g, '\\$&')
    .replace(/\r?\n/g, ' ');
}

/** Every ATX heading outside fenced code one level deeper (a cluster's report is a section). */
function demoteHeadings(markdown: string): string[] {
  let fenced = false;
  return markdown.split('\n').map((line) => {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    return !fenced && /^#{1,5} /.test(line) ? `#${line}` : line;
  });
}

/** HTML: the fleet table, then each cluster's probes and non-passing findings. */
export function renderFleetHtml(input: FleetReport): string {
  const fleet = secrets.redactDeep(input);
  const s = fleet.summary;
  const out = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>airgap-top fleet report (${s.clusters} clusters, ${s.clustersInError} unreadable, ${s.fail} fail)</title>`,
    '<style>body{font-family:system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse}td,th{border:1px solid #8884;padding:.2rem .5rem;text-align:left}.error,.fail{color:#c0392b}.warn{color:#b7791f}</style>',
    '</head>',
    '<body>',
    '<h1>airgap-top fleet report</h1>',
    `<p>Generated ${esc(fleet.generatedAt)} by airgap-top ${esc(fleet.tool.version)}. Management cluster: ${esc(fleet.management.context ?? '-')} (${esc(fleet.management.server ?? '-')}).</p>`,
    `<p><strong>${s.clusters} clusters, ${s.clustersInError} could not be read; ${s.fail} failing, ${s.warn} warning, ${s.info} info, ${s.pass} passing.</strong></p>`,
    '<table><thead><tr><th>Cluster</th><th>Status</th><th>Fail</th><th>Warn</th><th>Info</th><th>Pass</th><th>Error</th></tr></thead><tbody>',
  ];
  for (const c of fleet.clusters) {
    out.push(
      `<tr><td><a href="#cluster-${esc(c.namespace)}-${esc(c.name)}">${esc(`${c.namespace}/${c.name}`)}</a></td><td class="${c.status}">${c.status}</td><td>${c.summary.fail}</td><td>${c.summary.warn}</td><td>${c.summary.info}</td><td>${c.summary.pass}</td><td>${esc(c.error ?? '')}</td></tr>`,
    );
  }
  out.push('</tbody></table>');
  const section = (id: string, title: string, report: Report, error: string | null) => {
    out.push(`<section id="${esc(id)}"><h2>${esc(title)}</h2>`);
    if (error) out.push(`<p class="error">Could not be read: ${esc(error)}</p>`);
    for (const p of report.probes) {
      out.push(
        `<h3>${esc(p.title)} <small class="${esc(p.status)}">${esc(p.status)}${p.error ? `: ${esc(p.error)}` : ''}</small></h3>`,
        `<p>${p.summary.fail} fail, ${p.summary.warn} warn, ${p.summary.info} info, ${p.summary.pass} pass</p>`,
      );
      const shown = p.findings.filter((f) => f.severity !== 'pass');
      if (shown.length === 0) continue;
      out.push(
        '<table><thead><tr><th>Severity</th><th>Code</th><th>Subject</th><th>Finding</th></tr></thead><tbody>',
      );
      for (const f of shown)
        out.push(
          `<tr><td class="${esc(f.severity)}">${esc(f.severity)}</td><td>${esc(f.code)}</td><td>${esc(subjectLabel(f.subject))}</td><td>${esc(f.title)}</td></tr>`,
        );
      out.push('</tbody></table>');
    }
    out.push('</section>');
  };
  for (const c of fleet.clusters)
    section(
      `cluster-${c.namespace}-${c.name}`,
      `Cluster ${c.namespace}/${c.name}`,
      clusterReport(fleet, c),
      c.error,
    );
  section(
    'management',
    'Management cluster (findings no single cluster owns)',
    managementReport(fleet),
    null,
  );
  out.push('</body>', '</html>');
  return `${out.join('\n')}\n`;
}

/** JUnit: one testsuite per cluster and probe (`airgap-top.<cluster>.<probe>`); an unreadable cluster is one <error>. */
export function renderFleetJunit(input: FleetReport, failOn: FailOn = 'fail'): string {
  const fleet = secrets.redactDeep(input);
  const suites: string[] = [];
  const totals = { tests: 0, failures: 0, errors: 0, time: 0 };
  const add = (label: string, report: Report) => {
    const xml = renderJunit(report, { failOn });
    const head = /<testsuites [^>]*tests="(\d+)" failures="(\d+)" errors="(\d+)" time="([\d.]+)">/.exec(xml);
    totals.tests += Number(head?.[1] ?? 0);
    totals.failures += Number(head?.[2] ?? 0);
    totals.errors += Number(head?.[3] ?? 0);
    totals.time += Number(head?.[4] ?? 0);
    const inner = xml.slice(
      xml.indexOf('\n', xml.indexOf('<testsuites')) + 1,
      xml.lastIndexOf('</testsuites>'),
    );
    suites.push(
      inner
        .replace(/<testsuite name="airgap-top\./g, `<testsuite name="airgap-top.${xmlAttr(label)}.`)
        .trimEnd(),
    );
  };
  for (const c of fleet.clusters) {
    const label = `${c.namespace}/${c.name}`;
    if (c.error) {
      totals.tests += 1;
      totals.errors += 1;
      suites.push(
        [
          `  <testsuite name="airgap-top.${xmlAttr(label)}" tests="1" failures="0" errors="1" skipped="0" time="0" timestamp="${fleet.generatedAt.slice(0, 19)}" package="airgap-top">`,
          `    <testcase name="${xmlAttr(`connect ${label}`)}" classname="airgap-top.${xmlAttr(label)}">`,
          `      <error message="${xmlAttr(c.error)}" type="ClusterUnreadable"/>`,
          '    </testcase>',
          '  </testsuite>',
        ].join('\n'),
      );
    }
    if (c.probes.length > 0) add(label, clusterReport(fleet, c));
  }
  add(MANAGEMENT_LABEL, managementReport(fleet));
  let id = 0;
  const body = suites
    .join('\n')
    .replace(
      /<testsuite ([^>]*?)( id="\d+")?( package=)/g,
      (_m, a: string, _i, p: string) => `<testsuite ${a} id="${id++}"${p}`,
    );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="airgap-top fleet" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" time="${totals.time.toFixed(3)}">`,
    body,
    '</testsuites>',
    '',
  ].join('\n');
}

/**
 * Prometheus: every cluster's families merged (one HELP/TYPE each), a `cluster` label on every
 * sample, plus `airgap_top_cluster_up` (0 for a cluster that could not be read) and the reason.
 */
export function renderFleetProm(
  input: FleetReport,
  failOn: FailOn = 'fail',
  extra: readonly string[] = [],
): string {
  // Slimmed before redaction: 20 clusters' evidence would cost a scrape hundreds of milliseconds.
  const fleet = secrets.redactDeep(slimForProm(input));
  const parts: string[] = [];
  for (const c of fleet.clusters) {
    if (c.probes.length > 0)
      parts.push(renderProm(clusterReport(fleet, c), { failOn, cluster: clusterLabelOf(fleet, c) }));
  }
  parts.push(renderProm(managementReport(fleet), { failOn, cluster: MANAGEMENT_LABEL }));
  const up: [Labels, number][] = fleet.clusters.map((c) => [
    { cluster: clusterLabelOf(fleet, c), namespace: c.namespace },
    c.status === 'ok' &&
    c.probes.every((p) => p.status === 'ready' || p.status === 'not-applicable' || !KUBE_READ.has(p.id))
      ? 1
      : 0,
  ]);
  parts.push(
    `${[
      ...promGauge(
        'airgap_top_cluster_up',
        '1 when the cluster was read (its Secret, its API server, every probe reading its Kubernetes API), else 0.',
        up,
      ),
      ...promGauge(
        'airgap_top_cluster_error',
        'The reason a cluster could not be read (value 1), for clusters that could not be.',
        fleet.clusters.flatMap((c): [Labels, number][] =>
          c.error ? [[{ cluster: clusterLabelOf(fleet, c), reason: c.error }, 1]] : [],
        ),
      ),
    ].join('\n')}\n`,
    ...extra,
  );
  return mergePromFamilies(parts);
}

/**
 * What renderProm reads of a fleet: summaries as they are, and of the findings only the non-passing
 * ones' code, severity and subject (pass findings are counted in the summary, never a series).
 */
function slimForProm(fleet: FleetReport): FleetReport {
  const slim = (probes: readonly ReportProbe[]): ReportProbe[] =>
    probes.map((p) => ({
      ...p,
      findings: p.findings
        .filter((f) => f.severity !== 'pass')
        .map(
          (f): Finding => ({
            probe: f.probe,
            code: f.code,
            severity: f.severity,
            subject: f.subject,
            title: '',
            detail: '',
            evidence: {},
            remedy: '',
          }),
        ),
    }));
  return {
    ...fleet,
    management: { ...fleet.management, probes: slim(fleet.management.probes) },
    clusters: fleet.clusters.map((c) => ({ ...c, probes: slim(c.probes) })),
  };
}

/** The probes that read a cluster's Kubernetes API: the cluster is "up" when they all could. */
const KUBE_READ = new Set(['images', 'topology', 'ipam']);

/**
 * Text expositions joined into one: the samples of a family that several parts carry go under one
 * HELP/TYPE (a second TYPE line for a name is invalid), families in order of first appearance.
 */
export function mergePromFamilies(parts: readonly string[]): string {
  const families = new Map<string, { head: string[]; samples: string[] }>();
  for (const part of parts) {
    let current: { head: string[]; samples: string[] } | undefined;
    for (const line of part.split('\n')) {
      if (line === '') continue;
      const meta = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (meta) {
        const name = meta[2] as string;
        let family = families.get(name);
        if (!family) {
          family = { head: [], samples: [] };
          families.set(name, family);
        }
        if (!family.head.some((h) => h.startsWith(`# ${meta[1]} `))) family.head.push(line);
        current = family;
        continue;
      }
      current?.samples.push(line);
    }
  }
  return `${[...families.values()].flatMap((f) => [...f.head, ...f.samples]).join('\n')}\n`;
}

export function renderFleet(format: ReportFormat, fleet: FleetReport, failOn: FailOn = 'fail'): string {
  switch (format) {
    case 'json':
      return renderFleetJson(fleet);
    case 'md':
      return renderFleetMarkdown(fleet);
    case 'html':
      return renderFleetHtml(fleet);
    case 'junit':
      return renderFleetJunit(fleet, failOn);
    case 'prom':
      return renderFleetProm(fleet, failOn);
  }
}
