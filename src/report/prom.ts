import { secrets } from '../core/redact.js';
import { escapeControls } from '../core/sanitize.js';
import { SEVERITIES } from '../model/finding.js';
import type { ProbeStatus } from '../model/probe.js';
import { type Report, reportExitCode } from '../model/report.js';
import { DEFAULT_RENDER_OPTIONS, type RenderOptions } from './types.js';

/** Per probe, at most this many per-finding series: a cluster of 10k bad pods must not flood Prometheus. */
export const MAX_FINDING_SERIES_PER_PROBE = 50;

const STATUSES: readonly ProbeStatus[] = ['loading', 'ready', 'error', 'not-applicable'];

export type Labels = Readonly<Record<string, string>>;

/**
 * Prometheus text exposition format 0.0.4 for node_exporter's textfile collector (no timestamps:
 * the collector refuses them). Per-finding series carry only probe, code, severity, kind,
 * namespace and name (no container, node, image or message), capped per probe, worst first;
 * findings that share those labels are one series whose value is how many there are.
 */
export function renderProm(input: Report, options: RenderOptions = DEFAULT_RENDER_OPTIONS): string {
  const report = secrets.redactDeep(input);
  const out: string[] = [];
  const cluster: Labels = options.cluster === undefined ? {} : { cluster: options.cluster };
  const family = (name: string, help: string, samples: readonly [Labels, number][]) =>
    out.push(...promGauge(name, help, samples, cluster));

  // A -n run carries its scope (absent = all namespaces): a dashboard must not read it as the cluster.
  const scope: Labels = report.scope ? { scope_namespaces: report.scope.namespaces.join(',') } : {};
  family(
    'airgap_top_info',
    `airgap-top version and the kubeconfig context the report is about${report.scope ? ' (scope_namespaces: the -n scope of workload checks)' : ''}.`,
    [[{ version: report.tool.version, context: report.cluster.context ?? '', ...scope }, 1]],
  );
  family('airgap_top_report_generated_timestamp_seconds', 'When the report was generated (Unix time).', [
    [{}, Date.parse(report.generatedAt) / 1000],
  ]);
  family(
    'airgap_top_report_failed',
    `1 when the report fails (exit code 1 of airgap-top report, with --fail-on ${options.failOn}), else 0.`,
    [[{}, reportExitCode(input, options.failOn)]],
  );
  family(
    'airgap_top_probe_up',
    '1 when the probe ran (ready, or found its source does not apply), 0 when it could not read its source.',
    report.probes.map((p) => [
      { probe: p.id },
      p.status === 'ready' || p.status === 'not-applicable' ? 1 : 0,
    ]),
  );
  family(
    'airgap_top_probe_status',
    'The probe status as a state set: 1 for the current status, 0 for the others.',
    report.probes.flatMap((p) =>
      STATUSES.map((s): [Labels, number] => [{ probe: p.id, status: s }, p.status === s ? 1 : 0]),
    ),
  );
  family(
    'airgap_top_probe_last_sync_timestamp_seconds',
    'When the probe last published its data (Unix time).',
    report.probes.flatMap((p): [Labels, number][] =>
      p.updatedAt && Number.isFinite(Date.parse(p.updatedAt))
        ? [[{ probe: p.id }, Date.parse(p.updatedAt) / 1000]]
        : [],
    ),
  );
  family(
    'airgap_top_probe_sync_duration_seconds',
    'Seconds from the start of the run to the probe finishing its first full sync.',
    report.probes.flatMap((p): [Labels, number][] =>
      p.durationSeconds === null ? [] : [[{ probe: p.id }, p.durationSeconds]],
    ),
  );
  family(
    'airgap_top_findings',
    'Findings per probe and severity (pass counts checked subjects that are fine).',
    report.probes.flatMap((p) =>
      SEVERITIES.map((s): [Labels, number] => [{ probe: p.id, severity: s }, p.summary[s]]),
    ),
  );

  const findingSamples: [Labels, number][] = [];
  const omitted: [Labels, number][] = [];
  for (const p of report.probes) {
    const series = new Map<string, { labels: Labels; count: number }>();
    // Findings are sorted worst first, so the cap keeps failures before warnings before info.
    for (const f of p.findings) {
      if (f.severity === 'pass') continue;
      const labels: Labels = {
        probe: p.id,
        code: f.code,
        severity: f.severity,
        kind: f.subject.kind,
        namespace: f.subject.namespace ?? '',
        name: f.subject.name,
      };
      const key = labelText(labels);
      const entry = series.get(key);
      if (entry) entry.count += 1;
      else series.set(key, { labels, count: 1 });
    }
    const all = [...series.values()];
    for (const s of all.slice(0, MAX_FINDING_SERIES_PER_PROBE)) findingSamples.push([s.labels, s.count]);
    omitted.push([{ probe: p.id }, Math.max(0, all.length - MAX_FINDING_SERIES_PER_PROBE)]);
  }
  family(
    'airgap_top_finding',
    `Non-passing findings by check code and subject (value: how many containers/nodes), at most ${MAX_FINDING_SERIES_PER_PROBE} series per probe, worst first.`,
    findingSamples,
  );
  family(
    'airgap_top_finding_series_omitted',
    'Per-finding series left out of airgap_top_finding by the per-probe cap.',
    omitted,
  );
  return `${out.join('\n')}\n`;
}

/** One gauge family in the text exposition format; `common` labels go first on every sample. */
export function promGauge(
  name: string,
  help: string,
  samples: readonly [Labels, number][],
  common: Labels = {},
): string[] {
  const out = [`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} gauge`];
  for (const [labels, value] of samples)
    out.push(`${name}${labelText({ ...common, ...labels })} ${numberText(value)}`);
  return out;
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) =>
      `${k}="${escapeControls(v, { keepLines: true }).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`,
  );
  return parts.length ? `{${parts.join(',')}}` : '';
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}
