import type { Report } from '../model/report.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderProm } from './prom.js';
import type { RenderOptions } from './types.js';

export type { RenderOptions } from './types.js';

/**
 * Every format renders the same Report; none has logic of its own. Each redacts through the one
 * secret registry before escaping, so a secret can never survive in escaped form.
 */
export const RENDERERS = {
  json: { extension: 'json', file: 'report.json', render: (r: Report, _o?: RenderOptions) => renderJson(r) },
  md: { extension: 'md', file: 'report.md', render: (r: Report, _o?: RenderOptions) => renderMarkdown(r) },
  html: { extension: 'html', file: 'report.html', render: (r: Report, _o?: RenderOptions) => renderHtml(r) },
  junit: { extension: 'xml', file: 'junit.xml', render: (r: Report, o?: RenderOptions) => renderJunit(r, o) },
  // node_exporter's textfile collector reads only *.prom files.
  prom: {
    extension: 'prom',
    file: 'airgap-top.prom',
    render: (r: Report, o?: RenderOptions) => renderProm(r, o),
  },
} as const satisfies Record<
  string,
  { extension: string; file: string; render: (report: Report, options: RenderOptions) => string }
>;

export type ReportFormat = keyof typeof RENDERERS;

export const REPORT_FORMATS = Object.keys(RENDERERS) as ReportFormat[];

export function isReportFormat(value: string): value is ReportFormat {
  return Object.hasOwn(RENDERERS, value);
}

export function renderReport(format: ReportFormat, report: Report, options?: RenderOptions): string {
  return RENDERERS[format].render(report, options);
}
