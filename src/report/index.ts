import type { Report } from '../model/report.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';

/** Every format renders the same Report; none has logic of its own. */
export const RENDERERS = {
  json: { extension: 'json', render: renderJson },
  md: { extension: 'md', render: renderMarkdown },
} as const satisfies Record<string, { extension: string; render: (report: Report) => string }>;

export type ReportFormat = keyof typeof RENDERERS;

export function isReportFormat(value: string): value is ReportFormat {
  return value in RENDERERS;
}
