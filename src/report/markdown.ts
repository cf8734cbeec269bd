import { secrets } from '../core/redact.js';
import { escapeControls, escapeJsonControls } from '../core/sanitize.js';
import { type Finding, type Severity, subjectLabel } from '../model/finding.js';
import { type Report, scopeText } from '../model/report.js';

const HEADING: Record<Exclude<Severity, 'pass'>, string> = {
  fail: 'Failures',
  warn: 'Warnings',
  info: 'Information',
};

/**
 * For a ticket or a pull request (CommonMark plus a GFM table): the summary table, then every
 * failure across probes, then warnings, then information, each with subject, reason, remedy and
 * evidence; passing subjects are counted, not listed. All report text is escaped, so a pod name
 * or a kubelet message can never open a link, a table cell or raw HTML.
 */
export function renderMarkdown(input: Report): string {
  const report = secrets.redactDeep(input);
  const out: string[] = [];
  out.push('# airgap-top report', '');
  out.push(
    `Generated ${escapeInline(report.generatedAt)} by airgap-top ${escapeInline(report.tool.version)}.`,
  );
  if (report.cluster.context || report.cluster.server) {
    out.push(
      `Cluster: context ${codeSpan(report.cluster.context ?? '-')}, API server ${codeSpan(report.cluster.server ?? '-')}.`,
    );
  }
  if (report.scope) out.push(`**Scope: ${escapeInline(scopeText(report.scope))}.**`);
  const registries = report.registry.private.length
    ? report.registry.private.map(codeSpan).join(', ')
    : '_none configured_';
  const profile = report.registry.profile ? ` (profile ${escapeInline(report.registry.profile)})` : '';
  out.push(`Private registry: ${registries}${profile}.`, '');
  const s = report.summary;
  const errors = s.probesInError ? `, **${s.probesInError} probe(s) could not run**` : '';
  out.push(`**${s.fail} failing, ${s.warn} warning, ${s.info} info, ${s.pass} passing**${errors}.`, '');

  out.push('| Probe | Status | Fail | Warn | Info | Pass |', '| --- | --- | --: | --: | --: | --: |');
  for (const p of report.probes) {
    const status = `${p.status}${p.error ? `: ${p.error}` : ''}`;
    out.push(
      `| ${escapeCell(p.title)} | ${escapeCell(status)} | ${p.summary.fail} | ${p.summary.warn} | ${p.summary.info} | ${p.summary.pass} |`,
    );
  }
  out.push(`| **All** | | ${s.fail} | ${s.warn} | ${s.info} | ${s.pass} |`, '');

  const notRun = report.probes.filter((p) => p.status === 'error' || p.status === 'loading');
  if (notRun.length) {
    out.push('## Probes that could not run', '');
    for (const p of notRun)
      out.push(`- **${escapeInline(p.title)}** (${p.status}): ${escapeInline(p.error ?? 'no reason given')}`);
    out.push('');
  }

  for (const severity of ['fail', 'warn', 'info'] as const) {
    const findings = report.probes.flatMap((p) => p.findings.filter((f) => f.severity === severity));
    if (!findings.length) continue;
    out.push(`## ${HEADING[severity]} (${findings.length})`, '');
    for (const f of findings) out.push(...findingItem(f), '');
  }
  if (s.fail + s.warn + s.info === 0 && !notRun.length)
    out.push('Nothing to report: every checked subject passes.', '');

  const passing = report.probes.filter((p) => p.summary.pass > 0);
  if (passing.length) {
    out.push('## Passing', '');
    for (const p of passing) out.push(`- ${escapeInline(p.title)}: ${p.summary.pass} subject(s) pass.`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function findingItem(f: Finding): string[] {
  const lines = [
    `- **${f.severity.toUpperCase()} ${escapeInline(f.code)}**: ${escapeInline(f.title)}`,
    `  - Subject: ${escapeInline(subjectLabel(f.subject))}`,
    `  - Reason: ${escapeInline(f.detail)}`,
  ];
  if (f.remedy) lines.push(`  - Remedy: ${escapeKeepingCode(f.remedy)}`);
  if (Object.keys(f.evidence).length) {
    // JSON.stringify escapes C0 (ESC is \u001b); DEL, C1 and bidi controls are escaped on top.
    const json = escapeJsonControls(JSON.stringify(f.evidence, null, 2));
    const fence = '`'.repeat(Math.max(3, longestRun(json, '`') + 1));
    lines.push(
      '  - Evidence:',
      '',
      `    ${fence}json`,
      ...json.split('\n').map((l) => `    ${l}`),
      `    ${fence}`,
    );
  }
  return lines;
}

/**
 * Backslash-escapes the punctuation CommonMark (and GFM) reads as markup mid-line: emphasis, code,
 * links, raw HTML, entities, strikethrough, table pipes. Markers that only count at the start of a
 * line (#, -, +, 1.) need nothing: report text never starts a line. Newlines become spaces;
 * other control characters (ESC, BEL, C1, bidi overrides) visible escapes, so `cat report.md`
 * cannot drive the terminal.
 */
export function escapeInline(text: string): string {
  return escapeControls(text.replace(/\r?\n|\r/g, ' '), { keepLines: true }).replace(
    /[\\`*_[\]<>|~&]/g,
    '\\$&',
  );
}

/**
 * Remedies write commands as `code`: those spans stay code spans (their text literal, so nothing in
 * them is markup), the rest is escaped like any report text. An unpaired backtick is plain text.
 */
export function escapeKeepingCode(text: string): string {
  const parts: string[] = [];
  let rest = text;
  for (let m = /`([^`]+)`/.exec(rest); m; m = /`([^`]+)`/.exec(rest)) {
    parts.push(escapeInline(rest.slice(0, m.index)), codeSpan(m[1] as string));
    rest = rest.slice(m.index + m[0].length);
  }
  parts.push(escapeInline(rest));
  return parts.join('');
}

/** In a GFM table cell the pipe must be escaped too (escapeInline does), and nothing may break the row. */
function escapeCell(text: string): string {
  return escapeInline(text);
}

/** A code span that survives backticks inside (CommonMark: a longer fence, padded with spaces). */
function codeSpan(text: string): string {
  const flat = escapeControls(text.replace(/\r?\n|\r/g, ' '), { keepLines: true });
  const fence = '`'.repeat(longestRun(flat, '`') + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function longestRun(text: string, char: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}
