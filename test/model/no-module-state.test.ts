import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * `src/model` is pure: many sessions may run in one process (fleet mode, `serve`), so nothing there
 * may keep state at module level. A cache belongs to an instance (an evaluator factory, a view
 * builder) that a session owns. This test reads the top-level statements with the TypeScript parser.
 */

const ROOT = join(import.meta.dirname, '../..');
const MODEL = join(ROOT, 'src/model');

/** Collections that, created empty at module level, can only be there to be filled: a cache. */
const CACHE_CONSTRUCTORS = new Set(['Map', 'WeakMap', 'Set', 'WeakSet']);
/** Created at module level at all, these are caches (a weak collection is never a constant table). */
const ALWAYS_STATE = new Set(['WeakMap', 'WeakSet', 'WeakRef']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The `new X(...)` expressions in an initialiser, not inside a function (those run per call). */
function moduleLevelNews(node: ts.Node, out: ts.NewExpression[]): void {
  if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
  if (ts.isNewExpression(node)) out.push(node);
  ts.forEachChild(node, (child) => moduleLevelNews(child, out));
}

function stateProblems(text: string, fileName: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const problems: string[] = [];
  const where = (node: ts.Node) =>
    `${fileName}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const list = statement.declarationList;
    if (
      (list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using)) === 0 ||
      list.flags & ts.NodeFlags.Let
    ) {
      const kind = list.flags & ts.NodeFlags.Let ? 'let' : 'var';
      problems.push(
        `${where(statement)}: module-level ${kind} ${list.declarations.map((d) => d.name.getText(source)).join(', ')}`,
      );
      continue;
    }
    for (const declaration of list.declarations) {
      if (!declaration.initializer) continue;
      const news: ts.NewExpression[] = [];
      moduleLevelNews(declaration.initializer, news);
      for (const expression of news) {
        const name = expression.expression.getText(source);
        const empty = (expression.arguments?.length ?? 0) === 0;
        if (ALWAYS_STATE.has(name) || (CACHE_CONSTRUCTORS.has(name) && empty)) {
          problems.push(
            `${where(expression)}: module-level new ${name} in ${declaration.name.getText(source)}`,
          );
        }
      }
    }
  }
  return problems;
}

describe('no module-level state in src/model', () => {
  it('finds none in any file', () => {
    const problems = sourceFiles(MODEL).flatMap((file) =>
      stateProblems(readFileSync(file, 'utf8'), relative(ROOT, file)),
    );
    expect(problems).toEqual([]);
  });

  it('catches a let, a var, an empty Map or Set and any WeakMap at top level, not inside functions', () => {
    const text = [
      'let previous = new Map<string, number>();',
      'var counter = 0;',
      'const memo = new WeakMap<object, string>();',
      'const seen = new Set<string>();',
      'export const byKey = { cache: new Map() };',
      'const KNOWN = new Set(["a", "b"]);',
      'const TABLE = new Map([["a", 1]]);',
      'export function make() { let n = 0; const m = new Map(); return () => m.set("n", ++n); }',
      'export const factory = () => { const cache = new WeakMap(); return cache; };',
      'class Holder { private readonly cache = new Map(); }',
    ].join('\n');
    expect(stateProblems(text, 'x.ts')).toEqual([
      'x.ts:1: module-level let previous',
      'x.ts:2: module-level var counter',
      'x.ts:3: module-level new WeakMap in memo',
      'x.ts:4: module-level new Set in seen',
      'x.ts:5: module-level new Map in byKey',
    ]);
  });
});
