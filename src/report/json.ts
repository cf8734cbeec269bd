import { secrets } from '../core/redact.js';
import type { Report } from '../model/report.js';

export function renderJson(report: Report): string {
  return `${JSON.stringify(secrets.redactDeep(report), null, 2)}\n`;
}
