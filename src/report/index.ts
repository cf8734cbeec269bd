import type { Report } from '../model/report.js';
import { renderHtml } from './html.js';
import { renderJson, renderJsonChunks } from './json.js';
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
  json: {
    extension: 'json',
    file: 'report.json',
    render: (r: Report, _o?: RenderOptions) => renderJson(r),
    chunks: (r: Report, _o?: RenderOptions) => renderJsonChunks(r),
  },
  md: whole('md', 'report.md', (r) => renderMarkdown(r)),
  html: whole('html', 'report.html', (r) => renderHtml(r)),
  junit: whole('xml', 'junit.xml', (r, o) => renderJunit(r, o)),
  // node_exporter's textfile collector reads only *.prom files.
  prom: whole('prom', 'airgap-top.prom', (r, o) => renderProm(r, o)),
} as const satisfies Record<string, Renderer>;

/**
 * A format: its file name and its text, whole (`render`) or in pieces (`chunks`, what a report
 * file is written from: JSON streams; the others are one piece).
 */
interface Renderer {
  readonly extension: string;
  readonly file: string;
  readonly render: (report: Report, options?: RenderOptions) => string;
  readonly chunks: (report: Report, options?: RenderOptions) => Iterable<string>;
}

function whole(
  extension: string,
  file: string,
  render: (report: Report, options?: RenderOptions) => string,
): Renderer {
  return {
    extension,
    file,
    render,
    // Through the property, so whatever render is now (a test's spy too) is what a file gets.
    chunks(r, o) {
      return [this.render(r, o)];
    },
  };
}

export type ReportFormat = keyof typeof RENDERERS;

export const REPORT_FORMATS = Object.keys(RENDERERS) as ReportFormat[];

export function isReportFormat(value: string): value is ReportFormat {
  return Object.hasOwn(RENDERERS, value);
}

export function renderReport(format: ReportFormat, report: Report, options?: RenderOptions): string {
  return RENDERERS[format].render(report, options);
}
