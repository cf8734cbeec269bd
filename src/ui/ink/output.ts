/**
 * Ink's output stage (ink/build/output.js of Ink 6.8, the class its renderer fills with every
 * text's position each frame and asks for the screen's text) with memory across frames. The
 * bundle puts it in place of Ink's own (scripts/bundle.mjs, inkOutputWithMemory); what it returns
 * is the same text for the same operations, which test/ui/ink-output.test.ts checks against the
 * installed Ink's class.
 *
 * Why: Ink builds a fresh Output per frame and turns every line into one object per character
 * (tokenize, then styled characters, then back to text), so a 160×45 screen cost ~25 ms of a
 * frame even when one row changed. Here a screen row's text is a pure function of the screen's
 * width and the (x, text) pieces written on that row in order, so a row whose pieces are the
 * same as in a recent frame (any row: scrolling moves pieces between rows) reuses its text, and
 * only rows with new pieces go through Ink's per-character steps, the same steps as Ink's.
 */
import {
  type StyledChar,
  styledCharsFromTokens,
  styledCharsToString,
  tokenize,
} from '@alcalzone/ansi-tokenize';
import sliceAnsi from 'slice-ansi';
import stringWidth from 'string-width';

/** Ink's OutputTransformer: a component's transform of each line of its text. */
export type OutputTransformer = (line: string, index: number) => string;

interface Clip {
  readonly x1: number | undefined;
  readonly x2: number | undefined;
  readonly y1: number | undefined;
  readonly y2: number | undefined;
}

type Operation =
  | {
      readonly type: 'write';
      readonly x: number;
      readonly y: number;
      readonly text: string;
      readonly transformers: readonly OutputTransformer[];
    }
  | { readonly type: 'clip'; readonly clip: Clip }
  | { readonly type: 'unclip' };

/**
 * A bounded memo of a pure function of a string: entries live in the current generation, and when
 * it is full it becomes the previous one (the one before is dropped); a hit in the previous
 * generation moves up. What the last frames used stays; the rest goes in two flips.
 */
export class GenerationMemo<V> {
  private previous = new Map<string, V>();
  private current = new Map<string, V>();

  constructor(private readonly limit: number) {}

  /** The value for key: remembered, or make(key) (which must depend on the key alone). */
  get(key: string, make: (key: string) => V): V {
    let value = this.current.get(key);
    if (value !== undefined) return value;
    value = this.previous.get(key);
    if (value === undefined) value = make(key);
    if (this.current.size >= this.limit) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
    return value;
  }

  /** Entries held, both generations (for tests of the bound). */
  get size(): number {
    return this.previous.size + this.current.size;
  }
}

/** A row's pieces as one unambiguous key: the width, then each piece's x and length-prefixed text. */
function rowKey(width: number, pieces: readonly (number | string)[]): string {
  let key = String(width);
  for (let i = 0; i < pieces.length; i += 2) {
    const text = pieces[i + 1] as string;
    key += `|${pieces[i]}:${text.length}:${text}`;
  }
  return key;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** One piece of a row, as joinedRow places it. */
interface Piece {
  readonly text: string;
  readonly cells: number;
  readonly styledStart: boolean;
  readonly styledEnd: boolean;
}

/** Each memo is a pure function of its key, so one set serves every Ink instance in the process. */
class OutputMemory {
  private readonly widthMemo = new GenerationMemo<number>(4096);
  private readonly styledMemo = new GenerationMemo<StyledChar[]>(512);
  private readonly rowMemo = new GenerationMemo<string>(2048);
  private readonly pieceMemo = new GenerationMemo<Piece>(4096);

  width(text: string): number {
    return this.widthMemo.get(text, stringWidth);
  }

  widestLine(text: string): number {
    let lineWidth = 0;
    for (const line of text.split('\n')) lineWidth = Math.max(lineWidth, this.width(line));
    return lineWidth;
  }

  /** A row's text; the key says everything the pieces do, so the pieces only build a missing row. */
  row(width: number, pieces: readonly (number | string)[]): string {
    return this.rowMemo.get(rowKey(width, pieces), () => this.buildRow(width, pieces));
  }

  private styledChars(line: string): StyledChar[] {
    return this.styledMemo.get(line, (l) => styledCharsFromTokens(tokenize(l)));
  }

  private buildRow(width: number, pieces: readonly (number | string)[]): string {
    return this.joinedRow(width, pieces) ?? this.cellRow(width, pieces);
  }

  /** A piece as text on its own, with the cells it covers and whether its ends are styled. */
  private piece(text: string): Piece {
    return this.pieceMemo.get(text, (t) => {
      // Printable ASCII without escapes (most cells of a table): one unstyled cell per character,
      // written as it is; no tokenizing needed.
      if (PRINTABLE_ASCII.test(t)) return { text: t, cells: t.length, styledStart: false, styledEnd: false };
      const chars = this.styledChars(t);
      let cells = 0;
      for (const c of chars) cells += Math.max(1, this.width(c.value));
      return {
        text: styledCharsToString(chars),
        cells,
        styledStart: (chars[0]?.styles.length ?? 0) > 0,
        styledEnd: (chars.at(-1)?.styles.length ?? 0) > 0,
      };
    });
  }

  /**
   * The row as its pieces' own texts joined by the spaces between them, without a cell per
   * character (~1 ms a row at 160 columns, a frame's bulk when a screen first shows). The same text
   * as cellRow when the pieces lie left to right within the width, none over another: styles are
   * then written at each boundary just as they are between cells, except where a piece that ends
   * styled meets one that starts styled (cellRow writes only their difference), which goes to
   * cellRow. Undefined in every case it does not cover.
   */
  private joinedRow(width: number, pieces: readonly (number | string)[]): string | undefined {
    let out = '';
    let cursor = 0;
    let styledBefore = false;
    for (let i = 0; i < pieces.length; i += 2) {
      const x = pieces[i] as number;
      const piece = this.piece(pieces[i + 1] as string);
      // No characters: cellRow places nothing either.
      if (piece.cells === 0) continue;
      if (!Number.isInteger(x) || x < cursor || x + piece.cells > width) return undefined;
      if (x === cursor && styledBefore && piece.styledStart) return undefined;
      out += ' '.repeat(x - cursor) + piece.text;
      cursor = x + piece.cells;
      styledBefore = piece.styledEnd;
    }
    return out.trimEnd();
  }

  /** Ink's steps for one row: blank cells, each piece's styled characters placed in order, back to text. */
  private cellRow(width: number, pieces: readonly (number | string)[]): string {
    const cells: (StyledChar | undefined)[] = [];
    for (let x = 0; x < width; x++) cells.push({ type: 'char', value: ' ', fullWidth: false, styles: [] });
    for (let i = 0; i < pieces.length; i += 2) {
      let offsetX = pieces[i] as number;
      for (const character of this.styledChars(pieces[i + 1] as string)) {
        cells[offsetX] = character;
        // Printed width as Ink measures it; a wide character's following cells are emptied.
        const characterWidth = Math.max(1, this.width(character.value));
        for (let index = 1; index < characterWidth; index++) {
          cells[offsetX + index] = { type: 'char', value: '', fullWidth: false, styles: character.styles };
        }
        offsetX += characterWidth;
      }
    }
    // Holes (a piece written past the width or at a fraction) are dropped, as Ink drops them.
    return styledCharsToString(cells.filter((item): item is StyledChar => item !== undefined)).trimEnd();
  }
}

const memory = new OutputMemory();

/** Drop-in for Ink's Output: same constructor, write/clip/unclip and get(). */
export default class Output {
  readonly width: number;
  readonly height: number;
  private readonly operations: Operation[] = [];

  constructor(options: { width: number; height: number }) {
    this.width = options.width;
    this.height = options.height;
  }

  write(x: number, y: number, text: string, options: { transformers: readonly OutputTransformer[] }): void {
    if (!text) return;
    this.operations.push({ type: 'write', x, y, text, transformers: options.transformers });
  }

  clip(clip: Clip): void {
    this.operations.push({ type: 'clip', clip });
  }

  unclip(): void {
    this.operations.push({ type: 'unclip' });
  }

  get(): { output: string; height: number } {
    // Each row's pieces as x, text, x, text… in write order (what the row's text depends on).
    const rows: (number | string)[][] = [];
    for (let y = 0; y < this.height; y++) rows.push([]);
    const clips: Clip[] = [];
    for (const operation of this.operations) {
      if (operation.type === 'clip') clips.push(operation.clip);
      if (operation.type === 'unclip') clips.pop();
      if (operation.type !== 'write') continue;
      const { text, transformers } = operation;
      let { x, y } = operation;
      let lines = text.split('\n');
      const clip = clips.at(-1);
      if (clip) {
        const clipHorizontally = typeof clip.x1 === 'number' && typeof clip.x2 === 'number';
        const clipVertically = typeof clip.y1 === 'number' && typeof clip.y2 === 'number';
        // Text wholly outside the clip is skipped.
        if (clipHorizontally) {
          const width = memory.widestLine(text);
          if (x + width < (clip.x1 as number) || x > (clip.x2 as number)) continue;
        }
        if (clipVertically) {
          const height = lines.length;
          if (y + height < (clip.y1 as number) || y > (clip.y2 as number)) continue;
        }
        if (clipHorizontally) {
          const x1 = clip.x1 as number;
          const x2 = clip.x2 as number;
          lines = lines.map((line) => {
            const from = x < x1 ? x1 - x : 0;
            const width = memory.width(line);
            const to = x + width > x2 ? x2 - x : width;
            return sliceAnsi(line, from, to);
          });
          if (x < x1) x = x1;
        }
        if (clipVertically) {
          const y1 = clip.y1 as number;
          const y2 = clip.y2 as number;
          const from = y < y1 ? y1 - y : 0;
          const height = lines.length;
          const to = y + height > y2 ? y2 - y : height;
          lines = lines.slice(from, to);
          if (y < y1) y = y1;
        }
      }
      let offsetY = 0;
      for (let [index, line] of lines.entries()) {
        const row = rows[y + offsetY];
        // As in Ink: a line below the last row (or at a row that does not exist) is not drawn, and
        // neither is any line after it.
        if (!row) continue;
        for (const transformer of transformers) line = transformer(line, index);
        row.push(x, line);
        offsetY++;
      }
    }
    return {
      output: rows.map((pieces) => memory.row(this.width, pieces)).join('\n'),
      height: rows.length,
    };
  }
}
