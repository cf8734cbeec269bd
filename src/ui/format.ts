import { CORE_SCHEMA, dump } from 'js-yaml';
import stringWidth from 'string-width';
import { secrets } from '../core/redact.js';
import { escapeControls } from '../core/sanitize.js';
import { type Finding, subjectLabel } from '../model/finding.js';
import type { ViewColumn } from '../views/types.js';
import { SEVERITY_WORD } from './screen-model.js';

/**
 * Pure text layout for the screens: fixed-width cells, wrapping, detail pages as lines. Every piece
 * of text a screen draws passes through `clip`, which is where control characters from the cluster
 * (ESC, BEL, C1, bidi overrides) become visible escapes: one place, so no cell can forget it.
 */

export function clip(
  text: string,
  width: number,
  align: 'left' | 'right' = 'left',
  truncate: 'end' | 'middle' = 'end',
): string {
  if (width <= 0) return '';
  const flat = escapeControls(text.replace(/[\r\n\t]+/g, ' '));
  const columns = textWidth(flat);
  if (columns > width) {
    if (width === 1) return '…';
    if (truncate === 'middle' && width >= 5) {
      // Keep more of the end: that is where generated suffixes tell machines apart.
      const head = Math.floor(((width - 1) * 2) / 5);
      const tail = width - 1 - head;
      return pad(`${takeColumns(flat, head)}…${takeLastColumns(flat, tail)}`, width, align);
    }
    return pad(`${takeColumns(flat, width - 1)}…`, width, align);
  }
  const fill = ' '.repeat(width - columns);
  return align === 'right' ? fill + flat : flat + fill;
}

/** Terminal columns of a text: wide (CJK, emoji) characters take two, combining marks none. */
export function textWidth(text: string): number {
  return isNarrow(text) ? text.length : stringWidth(text);
}

/**
 * Characters that take exactly one column and never join a neighbour into one grapheme: the
 * symbols the screens and the checks' texts draw (severity markers, ellipsis, arrows, dots, box
 * lines, dashes). test/ui/format.test.ts checks each against string-width.
 */
export const NARROW_SYMBOLS = '✗✓…●○◌›→←↑↓⏎⌫•·█▏≠─━│┃╭╮╰╯┌┐└┘—–≥×§';

/** A character outside printable ASCII. */
const NOT_PLAIN = /[^\x20-\x7e]/;
/** A character outside printable ASCII and NARROW_SYMBOLS. */
const NOT_NARROW = new RegExp(`[^\\x20-\\x7e${NARROW_SYMBOLS}]`);

/**
 * Printable ASCII and NARROW_SYMBOLS only: one column per UTF-16 unit, measured without
 * segmenting. Nearly every row line (a severity symbol, a cut cell's "…") takes this path; string-
 * width's grapheme walk on each line of each frame tripled a frame's render time. The ASCII-only
 * scan goes first: it is the cheaper one, and most cells pass it.
 */
function isNarrow(text: string): boolean {
  return !NOT_PLAIN.test(text) || !NOT_NARROW.test(text);
}

/** Runs of printable ASCII, and runs of anything else. */
const ASCII_RUNS = /[\x20-\x7e]+|[^\x20-\x7e]+/g;

/**
 * A line cut where printable ASCII meets NARROW_SYMBOLS, for drawing each piece as its own Text:
 * Ink measures every Text's width on every frame, and string-width walks the graphemes of any text
 * with one symbol in it (✗, …) while it counts printable ASCII by its length. Only lines made of
 * printable ASCII and NARROW_SYMBOLS are cut (those symbols never join a neighbour into one
 * grapheme, so every piece takes exactly the cells it took in the whole line); any other line, or
 * one that would make more than `maxPieces`, is returned whole.
 */
export function narrowPieces(text: string, maxPieces = 8): readonly string[] {
  if (!NOT_PLAIN.test(text) || NOT_NARROW.test(text)) return [text];
  const pieces = text.match(ASCII_RUNS) ?? [text];
  return pieces.length > maxPieces ? [text] : pieces;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest start of `text` that fits in `columns` (never splitting a character). */
function takeColumns(text: string, columns: number): string {
  if (isNarrow(text)) return text.slice(0, columns);
  let used = 0;
  let end = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    const w = stringWidth(segment);
    if (used + w > columns) break;
    used += w;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/** The longest end of `text` that fits in `columns`. */
function takeLastColumns(text: string, columns: number): string {
  if (isNarrow(text)) return columns > 0 ? text.slice(text.length - columns) : '';
  const parts = [...graphemes.segment(text)].map((g) => g.segment);
  let used = 0;
  let start = parts.length;
  while (start > 0) {
    const w = stringWidth(parts[start - 1] as string);
    if (used + w > columns) break;
    used += w;
    start -= 1;
  }
  return parts.slice(start).join('');
}

/** Pads to `width` columns (a wide character cut at the edge leaves one column to fill). */
function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - textWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

const naturalCache = new WeakMap<object, number[]>();
/** Per row object: its cells' widths, for the columns (by key) they were measured for. */
const rowWidthCache = new WeakMap<object, { readonly columns: string; readonly widths: readonly number[] }>();

/**
 * Per column, the widest cell of any row (tree depth included) or the title: what the column would
 * need to show everything. Memoised on the rows array (a table is rebuilt only when its data changes),
 * so 10,000 rows are measured once, not once per frame; and per row, so a rebuilt table whose rows
 * are mostly the same objects (the findings table under a stream of pod events) measures only the new ones.
 */
export function naturalWidths(
  columns: readonly ViewColumn[],
  rows: readonly { readonly cells: Readonly<Record<string, string>>; readonly depth?: number }[],
): number[] {
  const cached = naturalCache.get(rows);
  if (cached && cached.length === columns.length) return cached;
  const widths = columns.map((c) => textWidth(c.title));
  const columnKeys = columns.map((c) => c.key).join('\u0000');
  for (const row of rows) {
    let own = rowWidthCache.get(row);
    if (own?.columns !== columnKeys) {
      own = {
        columns: columnKeys,
        widths: columns.map(
          (c, i) => textWidth(row.cells[c.key] ?? '') + (i === 0 ? 2 * (row.depth ?? 0) : 0),
        ),
      };
      rowWidthCache.set(row, own);
    }
    for (let i = 0; i < columns.length; i++) {
      const length = own.widths[i] ?? 0;
      if (length > (widths[i] ?? 0)) widths[i] = length;
    }
  }
  naturalCache.set(rows, widths);
  return widths;
}

/**
 * Column widths for the available width. Every column but the last starts at its preferred width;
 * the last takes the rest (unless it is a right-aligned number column). Given the cells' natural
 * widths (naturalWidths), the layout fits the content:
 * - no column is wider than its widest cell (or title);
 * - too narrow: the widest shrink;
 * - room to spare: the columns whose cells are cut grow, the most cut first, never past what they
 *   need, so a wide terminal shows whole machine names instead of blank space after the last column.
 */
export function columnWidths(
  columns: readonly ViewColumn[],
  total: number,
  natural?: readonly number[],
): number[] {
  const gaps = Math.max(0, columns.length - 1);
  const lastIndex = columns.length - 1;
  const need = (i: number): number => natural?.[i] ?? Number.POSITIVE_INFINITY;
  // A column never takes more than its widest cell needs: the room goes to the columns that are cut.
  const widths = columns.map((c, i) =>
    i === lastIndex ? 0 : Math.min(need(i), c.width ?? Math.max(8, c.title.length + 2)),
  );
  let fixed = widths.reduce((a, b) => a + b, 0);
  // The last column (usually the sentence: finding, reason) keeps a readable share when space is
  // short, or all it needs when that is less.
  const minLast = columns.length
    ? Math.min(need(lastIndex), Math.min(20, Math.max(4, Math.floor(total / 4))))
    : 0;
  // Too narrow: the widest shrink first, down to 3 cells.
  while (fixed + gaps + minLast > total) {
    const widest = widths.reduce((best, w, i) => (i < lastIndex && w > (widths[best] ?? 0) ? i : best), 0);
    const w = widths[widest] ?? 0;
    if (w <= 3) break;
    widths[widest] = w - 1;
    fixed -= 1;
  }
  if (natural && lastIndex > 0) {
    let spare = total - fixed - gaps - Math.max(minLast, need(lastIndex));
    const deficit = widths.map((w, i) => (i === lastIndex ? 0 : Math.max(0, need(i) - w)));
    while (spare > 0) {
      let most = -1;
      for (let i = 0; i < lastIndex; i++)
        if ((deficit[i] ?? 0) > 0 && (most < 0 || (deficit[i] ?? 0) > (deficit[most] ?? 0))) most = i;
      if (most < 0) break;
      const give = Math.min(spare, deficit[most] ?? 0, Math.max(1, Math.ceil((deficit[most] ?? 0) / 4)));
      widths[most] = (widths[most] ?? 0) + give;
      deficit[most] = (deficit[most] ?? 0) - give;
      fixed += give;
      spare -= give;
    }
  }
  const last = columns[lastIndex];
  if (last) {
    const rest = Math.max(1, total - fixed - gaps);
    // A right-aligned (numeric) last column keeps its own width instead of floating far right.
    widths[lastIndex] = last.align === 'right' && last.width ? Math.min(rest, last.width) : rest;
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
      // Redacted before the cell is cut: a cut secret no longer matches, and would show in part.
      const raw = secrets.redactText(cells[c.key] ?? '');
      // Tree depth indents the first column.
      const text = i === 0 && indent > 0 ? `${'  '.repeat(indent)}${raw}` : raw;
      return clip(text, w, c.align, c.truncate);
    })
    .join(' ');
}

export function formatHeader(columns: readonly ViewColumn[], widths: readonly number[]): string {
  return columns.map((c, i) => clip(c.title, widths[i] ?? 0, c.align)).join(' ');
}

/** Hard-wraps a line to `width`, continuing with the line's own indentation. */
export function wrapLine(text: string, width: number): string[] {
  if (width <= 4 || textWidth(text) <= width) return [text];
  const indent = (/^\s*/.exec(text)?.[0] ?? '').slice(0, Math.floor(width / 2));
  const out: string[] = [];
  let rest = text;
  let first = true;
  while (rest.length > 0) {
    const room = first ? width : width - indent.length - 2;
    if (textWidth(rest) <= room) {
      out.push(first ? rest : `${indent}  ${rest}`);
      break;
    }
    // `room` columns as an index into `rest`; at least one character, so a line always moves on.
    const fits = Math.max(takeColumns(rest, room).length, firstCharacterLength(rest));
    let cut = rest.lastIndexOf(' ', fits);
    if (cut <= fits / 2) cut = fits;
    const piece = rest.slice(0, cut);
    out.push(first ? piece : `${indent}  ${piece}`);
    rest = rest.slice(cut).replace(/^ /, '');
    first = false;
  }
  return out;
}

function firstCharacterLength(text: string): number {
  for (const { segment } of graphemes.segment(text)) return segment.length;
  return 0;
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
    // YAML 1.2 core (timestamps and yes/no are plain strings), no folding, undefined fields left out,
    // double quotes where quoting is needed (as kubectl -o yaml prints them).
    const yaml = dump(secrets.redactDeep(value), {
      schema: CORE_SCHEMA,
      lineWidth: -1,
      noCompatMode: true,
      noRefs: true,
      skipInvalid: true,
      quotingType: '"',
    });
    return secrets.redactText(yaml.trimEnd());
  } catch {
    return secrets.redactText(String(value));
  }
}

function block(title: string, text: string, width: number, tone: LineTone = 'plain'): Line[] {
  const lines: Line[] = [{ text: title, tone: 'heading' }];
  // Escaped before wrapping, so the wrap measures what is shown.
  for (const raw of escapeControls(secrets.redactText(text), { keepLines: true }).split('\n')) {
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
    ...wrapLine(
      escapeControls(secrets.redactText(`${SEVERITY_WORD[sev]}  ${finding.code}  ${finding.title}`)),
      width,
    ).map((text) => ({
      text,
      tone: sev as LineTone,
    })),
    ...wrapLine(escapeControls(secrets.redactText(`Subject: ${subjectLabel(finding.subject)}`)), width).map(
      (text) => ({
        text,
        tone: 'dim' as const,
      }),
    ),
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
