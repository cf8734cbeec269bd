import { secrets } from '../core/redact.js';
import { escapeJsonControls } from '../core/sanitize.js';
import type { Report } from '../model/report.js';

export function renderJson(report: Report): string {
  return renderRedactedJson(report);
}

/** renderJson in pieces (a 10,000-pod report is written without holding its ~25 MB text). */
export function renderJsonChunks(report: Report): Iterable<string> {
  return redactedJsonChunks(report);
}

/**
 * Any value as airgap-top writes JSON (the report, the diff, the fleet report): secrets masked,
 * indented, one trailing newline. The data exactly: JSON.stringify escapes C0 (ESC as \u001b); DEL,
 * C1 and bidi controls, which it leaves raw, are escaped too, so the value is inert when printed.
 */
export function renderRedactedJson(value: unknown): string {
  return [...redactedJsonChunks(value)].join('');
}

/** renderRedactedJson in pieces; joined, the same text. Pieces end between JSON tokens. */
export function* redactedJsonChunks(value: unknown): Generator<string> {
  for (const piece of secrets.redactedJsonChunks(value, 2)) yield escapeJsonControls(piece);
  yield '\n';
}
