import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layer rule: a folder of src/ imports only the folders listed for it (and itself). Arrows run
 * down, from what a person runs to what everything stands on:
 *
 *   cli ──► ui ──► report ──► views ──► model ──► core
 *            │       app  ──► probes ─┘   (app also builds a session's views)
 *            └─► app          sim, dump (reads a cluster through probes), demo: the simulator and what feeds it
 *
 * core is the leaf (errors, errorMessage, log, redaction, sanitising, the tool's version); model is pure; probes do the I/O;
 * views build rows from model results; report writes the report model; app wires probes into the
 * store (a session); ui renders; cli parses the command line and starts the rest. Cycles inside a
 * folder are caught by `madge --circular` in `npm run check`.
 */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  core: [],
  model: ['core'],
  probes: ['core', 'model'],
  views: ['core', 'model'],
  sim: ['core'],
  report: ['core', 'model', 'views'],
  app: ['core', 'model', 'probes', 'views'],
  dump: ['core', 'model', 'probes', 'sim'],
  demo: ['core', 'model', 'sim'],
  ui: ['core', 'model', 'views', 'report', 'app'],
  cli: ['core', 'model', 'probes', 'views', 'sim', 'report', 'app', 'dump', 'demo', 'ui'],
};

/**
 * Arrows that break the rule today and are on their way out, each with where it goes. An arrow
 * listed here that no longer exists is fine: delete its line.
 */
const PENDING: readonly { readonly from: string; readonly to: string; readonly why: string }[] = [];

const ROOT = join(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Relative specifiers of static imports, re-exports and dynamic import() calls. */
function importsOf(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g))
    found.push(m[1] as string);
  return found;
}

interface Arrow {
  readonly from: string;
  readonly to: string;
}

function arrows(): Arrow[] {
  return sourceFiles(SRC).flatMap((file) =>
    importsOf(readFileSync(file, 'utf8')).map((spec) => ({
      from: relative(ROOT, file),
      to: relative(ROOT, normalize(join(dirname(file), spec))).replace(/\.js$/, '.ts'),
    })),
  );
}

const layerOf = (path: string) => path.split('/')[1] ?? '';

describe('layers', () => {
  const all = arrows();

  it('reads the imports (the rule is not vacuous)', () => {
    expect(all.length).toBeGreaterThan(300);
    expect(all.some((a) => a.from === 'src/cli/main.ts' && layerOf(a.to) === 'core')).toBe(true);
  });

  it('every folder of src/ has its row in the table', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(folders).toEqual(Object.keys(ALLOWED).sort());
  });

  it('no import runs from a lower layer to a higher one', () => {
    const broken = all
      .filter((a) => a.to.startsWith('src/') && layerOf(a.from) !== layerOf(a.to))
      .filter((a) => !ALLOWED[layerOf(a.from)]?.includes(layerOf(a.to)))
      .filter(
        (a) =>
          !PENDING.some(
            (p) => p.from === a.from && p.to.replace(/\.ts$/, '') === a.to.replace(/\.tsx?$/, ''),
          ),
      )
      .map((a) => `${a.from} -> ${a.to}`);
    expect(broken).toEqual([]);
  });

  it('the table itself only points down: no two layers may import each other', () => {
    const mutual = Object.entries(ALLOWED).flatMap(([layer, below]) =>
      below.filter((other) => ALLOWED[other]?.includes(layer)).map((other) => `${layer} <-> ${other}`),
    );
    expect(mutual).toEqual([]);
  });

  it('no source file grows past 600 lines (a grab-bag in the making: split it by responsibility)', () => {
    const long = sourceFiles(SRC)
      .map((file) => ({
        file: relative(ROOT, file),
        lines: readFileSync(file, 'utf8').split('\n').length - 1,
      }))
      .filter((f) => f.lines > 600)
      .map((f) => `${f.file}: ${f.lines}`);
    expect(long).toEqual([]);
  });
});
