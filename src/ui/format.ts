import { stringify } from 'yaml';
import { type Finding, subjectLabel } from '../model/finding.js';
import { secrets } from '../model/redact.js';
import type { ViewColumn } from '../model/view.js';
import { SEVERITY_WORD } from './screen-model.js';

/** Pure text layout for the screens: fixed-width cells, wrapping, detail pages as lines. */

export function clip(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const flat = text.replace(/[\r\n\t]+/g, ' ');
  if (flat.length > width) return width === 1 ? '…' : `${flat.slice(0, width - 1)}…`;
  return align === 'right' ? flat.padStart(width) : flat.padEnd(width);
}

/**
 * Column widths for the available width: preferred widths, shrunk from the widest when too narrow;
 * the last takes the rest (unless it is a right-aligned number column).
 */
export function columnWidths(columns: readonly ViewColumn[], total: number): number[] {
  const gaps = Math.max(0, columns.length - 1);
  const widths = columns.map((c, i) =>
    i === columns.length - 1 ? 0 : (c.width ?? Math.max(8, c.title.length + 2)),
  );
  let fixed = widths.reduce((a, b) => a + b, 0);
  // The last column (usually the sentence: finding, reason) keeps a readable share when space is short.
  const minLast = columns.length ? Math.min(20, Math.max(4, Math.floor(total / 4))) : 0;
  while (fixed + gaps + minLast > total && fixed > 0) {
    const widest = widths.reduce((best, w, i) => (w > (widths[best] ?? 0) ? i : best), 0);
    const w = widths[widest] ?? 0;
    if (w <= 3) break;
    widths[widest] = w - 1;
    fixed -= 1;
  }
  const last = columns[columns.length - 1];
  if (last) {
    const rest = Math.max(1, total - fixed - gaps);
    // A right-aligned (numeric) last column keeps its own width instead of floating far right.
    widths[columns.length - 1] = last.align === 'right' && last.width ? Math.min(rest, last.width) : rest;
  }
  return widths;
}

export function formatCells(
  columns: readonly ViewColumn[],
  widths: readonly number[],
  cells: Readonly<Record<string, string>>,
  indent = 0,
): string {
  return columns
    .map((c, i) => {
      const w = widths[i] ?? 0;
      const raw = cells[c.key] ?? '';
      // Tree depth indents the first column.
      const text = i === 0 && indent > 0 ? `${'  '.repeat(indent)}${raw}` : raw;
      return clip(text, w, c.align);
    })
    .join(' ');
}

export function formatHeader(columns: readonly ViewColumn[], widths: readonly number[]): string {
  return columns.map((c, i) => clip(c.title, widths[i] ?? 0, c.align)).join(' ');
}

/** Hard-wraps a line to `width`, continuing with the line's own indentation. */
export function wrapLine(text: string, width: number): string[] {
  if (width <= 4 || text.length <= width) return [text];
  const indent = (/^\s*/.exec(text)?.[0] ?? '').slice(0, Math.floor(width / 2));
  const out: string[] = [];
  let rest = text;
  let first = true;
  while (rest.length > 0) {
    const room = first ? width : width - indent.length - 2;
    if (rest.length <= room) {
      out.push(first ? rest : `${indent}  ${rest}`);
      break;
    }
    let cut = rest.lastIndexOf(' ', room);
    if (cut <= room / 2) cut = room;
    const piece = rest.slice(0, cut);
    out.push(first ? piece : `${indent}  ${piece}`);
    rest = rest.slice(cut).replace(/^ /, '');
    first = false;
  }
  return out;
}

export type LineTone = 'heading' | 'dim' | 'fail' | 'warn' | 'info' | 'pass' | 'plain' | 'error';

export interface Line {
  readonly text: string;
  readonly tone: LineTone;
}

/** YAML for a slim record or evidence, secrets masked by value and by key name. */
export function toYaml(value: unknown): string {
  if (value === undefined) return '';
  try {
    return secrets.redactText(stringify(secrets.redactDeep(value), { lineWidth: 0 }).trimEnd());
  } catch {
    return secrets.redactText(String(value));
  }
}

function block(title: string, text: string, width: number, tone: LineTone = 'plain'): Line[] {
  const lines: Line[] = [{ text: title, tone: 'heading' }];
  for (const raw of secrets.redactText(text).split('\n')) {
    for (const l of wrapLine(`  ${raw}`, width)) lines.push({ text: l, tone });
  }
  lines.push({ text: '', tone: 'plain' });
  return lines;
}

/** The finding page: what, why, the proof, what to do, and the object behind it. */
export function findingDetailLines(
  finding: Finding,
  object: unknown,
  width: number,
  objectGone = false,
): Line[] {
  const sev = finding.severity;
  const lines: Line[] = [
    ...wrapLine(secrets.redactText(`${SEVERITY_WORD[sev]}  ${finding.code}  ${finding.title}`), width).map(
      (text) => ({
        text,
        tone: sev as LineTone,
      }),
    ),
    ...wrapLine(secrets.redactText(`Subject: ${subjectLabel(finding.subject)}`), width).map((text) => ({
      text,
      tone: 'dim' as const,
    })),
    { text: '', tone: 'plain' },
    ...block('Detail', finding.detail, width),
    ...block('Evidence', toYaml(finding.evidence) || '(none)', width),
    ...block('Remedy', finding.remedy, width),
  ];
  if (object !== undefined) {
    lines.push(
      ...block(objectGone ? 'Object (no longer in the cluster; last seen)' : 'Object', toYaml(object), width),
    );
  }
  return lines;
}

export function objectDetailLines(object: unknown, width: number, objectGone = false): Line[] {
  return block(objectGone ? 'Object (no longer in the cluster; last seen)' : 'Object', toYaml(object), width);
}
