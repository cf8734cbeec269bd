import { subjectLabel, type Finding } from '../model/finding.js';
import { secrets } from '../model/redact.js';
import type { Report } from '../model/report.js';

const MARK: Record<Finding['severity'], string> = { fail: 'FAIL', warn: 'WARN', info: 'INFO', pass: 'PASS' };

/** For a ticket or a pull request: summary table, then failures first with reason and remedy. */
export function renderMarkdown(input: Report): string {
  const report = secrets.redactDeep(input);
  const out: string[] = [];
  out.push('# airgap-top report', '');
  out.push(`Generated ${report.generatedAt} by airgap-top ${report.tool.version}.`);
  if (report.cluster.context || report.cluster.server) {
    out.push(`Cluster: context \`${report.cluster.context ?? '-'}\`, API server \`${report.cluster.server ?? '-'}\`.`);
  }
  out.push(
    `Private registry: ${report.registry.private.length ? report.registry.private.map((p) => `\`${p}\``).join(', ') : '_none configured_'}${report.registry.profile ? ` (profile ${report.registry.profile})` : ''}.`,
    '',
  );
  out.push('| Probe | Status | Fail | Warn | Info | Pass |', '|---|---|--:|--:|--:|--:|');
  for (const p of report.probes) {
    const status = p.status === 'ready' ? 'ready' : `${p.status}${p.error ? `: ${escapeCell(p.error)}` : ''}`;
    out.push(`| ${p.title} | ${status} | ${p.summary.fail} | ${p.summary.warn} | ${p.summary.info} | ${p.summary.pass} |`);
  }
  out.push('');
  for (const p of report.probes) {
    const notable = p.findings.filter((f) => f.severity !== 'pass');
    out.push(`## ${p.title}`, '');
    if (p.status !== 'ready') out.push(`**${p.status}**${p.error ? `: ${p.error}` : ''}`, '');
    if (p.status === 'ready' && notable.length === 0) {
      out.push(`All ${p.summary.pass} checked subjects pass.`, '');
      continue;
    }
    for (const f of notable) {
      out.push(`- **${MARK[f.severity]} ${f.code}** ${escapeInline(subjectLabel(f.subject))}: ${escapeInline(f.title)}`);
      out.push(`  - Reason: ${escapeInline(f.detail)}`);
      if (f.remedy) out.push(`  - Remedy: ${escapeInline(f.remedy)}`);
    }
    if (p.summary.pass > 0) out.push(`- ${p.summary.pass} more subjects pass.`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function escapeCell(text: string): string {
  return escapeInline(text).replace(/\|/g, '\\|');
}

function escapeInline(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/([<>])/g, '\\$1');
}
