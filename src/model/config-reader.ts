/**
 * Reading the config file's TOML tables: typed reads whose errors name the dotted key and its line
 * (config.ts decides what the keys mean).
 */

/** A config the user must fix: the message names the file, the key and the line. Exit code 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A parsed TOML table. */
export type Table = Record<string, unknown>;

/** Typed reads from a parsed TOML table; errors name the dotted key and its line in the file. */
export class TableReader {
  readonly warnings: string[] = [];
  private readonly lines: string[];
  private sections: Map<string, Section[]> | undefined;

  constructor(
    text: string,
    private readonly source: string,
  ) {
    this.lines = text.split(/\r?\n/);
  }

  error(dottedKey: string, message: string): ConfigError {
    const line = this.lineOf(dottedKey);
    return new ConfigError(`${this.source}${line ? `:${line}` : ''}: ${dottedKey} ${message}`);
  }

  known(table: Table, prefix: string, allowed: readonly string[]): void {
    for (const key of Object.keys(table)) {
      if (!allowed.includes(key)) {
        const dotted = prefix ? `${prefix}.${key}` : key;
        const line = this.lineOf(dotted);
        this.warnings.push(
          `${this.source}${line ? `:${line}` : ''}: unknown key ${dotted} (ignored; known here: ${allowed.join(', ')})`,
        );
      }
    }
  }

  table(parent: Table, key: string, prefix = ''): Table {
    const value = parent[key];
    const dotted = prefix ? `${prefix}.${key}` : key;
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) {
      throw this.error(dotted, `must be a table ([${dotted}]), not ${describe(value)}`);
    }
    return value as Table;
  }

  optString(table: Table, prefix: string, key: string): string | undefined {
    const value = table[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string')
      throw this.error(`${prefix}.${key}`, `must be a string, not ${describe(value)}`);
    return value;
  }

  optBool(table: Table, prefix: string, key: string): boolean | undefined {
    const value = table[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean')
      throw this.error(`${prefix}.${key}`, `must be true or false, not ${describe(value)}`);
    return value;
  }

  optInt(table: Table, prefix: string, key: string, min: number, max: number): number | undefined {
    const value = table[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw this.error(`${prefix}.${key}`, `must be a whole number, not ${describe(value)}`);
    }
    if (value < min || value > max)
      throw this.error(`${prefix}.${key}`, `must be between ${min} and ${max} (got ${value})`);
    return value;
  }

  stringList(table: Table, prefix: string, key: string): string[] {
    const value = table[key];
    if (value === undefined) return [];
    if (typeof value === 'string') return [value];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      throw this.error(`${prefix}.${key}`, `must be a list of strings, not ${describe(value)}`);
    }
    return value as string[];
  }

  /**
   * Best effort: the line of the key's last component inside its table, else of the table header.
   * `ignore[3].reason` looks in the fourth `[[ignore]]`. The file is indexed once, so a warning per
   * entry of a long [[ignore]] list costs a lookup, not a scan of the file.
   */
  private lineOf(dottedKey: string): number | undefined {
    const sections = this.index();
    const parts = dottedKey.split('.');
    const last = parts[parts.length - 1] ?? '';
    const tableKey = parts.slice(0, -1).join('.');
    const table = this.section(sections, tableKey);
    const key = last.replace(/\[\d+\]$/, '').replace(/"/g, '');
    const line = table?.keys.get(key);
    if (line !== undefined) return line;
    return this.section(sections, dottedKey)?.headerLine ?? table?.headerLine;
  }

  /** The Nth table of that name (N from a trailing `[N]`, else the first). */
  private section(sections: Map<string, Section[]>, dotted: string): Section | undefined {
    const occurrence = /\[(\d+)\]$/.exec(dotted);
    const name = dotted.replace(/\[\d+\]/g, '').replace(/"/g, '');
    return sections.get(name)?.[occurrence ? Number(occurrence[1]) : 0];
  }

  private index(): Map<string, Section[]> {
    if (this.sections) return this.sections;
    const sections = new Map<string, Section[]>();
    let current: Section = { headerLine: undefined, keys: new Map() };
    sections.set('', [current]);
    for (let i = 0; i < this.lines.length; i++) {
      const line = (this.lines[i] ?? '').trim();
      const header = /^\[\[?\s*([^\]]+?)\s*\]\]?/.exec(line);
      if (header) {
        const name = (header[1] ?? '').replace(/["']/g, '');
        current = { headerLine: i + 1, keys: new Map() };
        const list = sections.get(name);
        if (list) list.push(current);
        else sections.set(name, [current]);
        continue;
      }
      const key = /^["']?([^"'=\s]+)["']?\s*=/.exec(line)?.[1];
      if (key && !current.keys.has(key)) current.keys.set(key, i + 1);
    }
    this.sections = sections;
    return sections;
  }
}

/** One `[table]` or `[[array]]` entry of the file: its header line and the first line of each key. */
interface Section {
  readonly headerLine: number | undefined;
  readonly keys: Map<string, number>;
}

/** An environment variable name as a shell exports it. */

/** What a value is, for messages ("a list", "a string (\"x\")"). */
export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a table';
  if (typeof value === 'string') return `a string ("${value}")`;
  return `${typeof value} (${String(value)})`;
}
