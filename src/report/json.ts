import { secrets } from '../core/redact.js';
import { escapeJsonControls } from '../core/sanitize.js';
import type { Report } from '../model/report.js';

export function renderJson(report: Report): string {
  // The data exactly: JSON.stringify escapes C0 (ESC as \u001b); DEL, C1 and bidi controls, which
  // it leaves raw, are escaped too, so the same value is inert when the file is printed.
  return `${escapeJsonControls(secrets.redactedJson(report, 2))}\n`;
}
