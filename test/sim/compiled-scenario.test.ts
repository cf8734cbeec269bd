import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileScenario, loadScenarioPath, ScenarioError } from '../../src/sim/scenario.js';

/**
 * A scenario parsed ahead (the demo's, written by `npm run build`) is used only while every file
 * it came from is byte for byte the same; any change and the files are parsed as they are now.
 */
const ROOT = join(import.meta.dirname, '../..');
const DEMO = join(ROOT, 'fixtures/demo/scenario');
const work = mkdtempSync(join(tmpdir(), 'airgap-top-compiled-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
/** A copy of the demo scenario and its compiled file, with the compiled documents marked. */
function fixture() {
  n += 1;
  const dir = join(work, `s${n}`, 'scenario');
  cpSync(DEMO, dir, { recursive: true });
  const compiledPath = join(work, `s${n}`, 'scenario.compiled.json');
  const compiled = JSON.parse(compileScenario(dir));
  // A marker only the compiled documents carry: whether they were used is then visible.
  compiled.documents.push({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'from-the-compiled-file' },
  });
  writeFileSync(compiledPath, JSON.stringify(compiled));
  return { dir, compiledPath };
}

const names = (dir: string, compiled?: string) =>
  loadScenarioPath(dir, compiled)
    .objects.filter((o) => o.kind === 'Namespace')
    .map((o) => (o.metadata as { name: string }).name);

describe('a compiled scenario', () => {
  it('gives the same scenario as parsing the files', () => {
    const dir = join(work, 'plain');
    cpSync(DEMO, dir, { recursive: true });
    const compiledPath = join(work, 'plain.compiled.json');
    writeFileSync(compiledPath, compileScenario(dir));
    expect(loadScenarioPath(dir, compiledPath)).toEqual(loadScenarioPath(dir));
  });

  const cases: [string, (f: { dir: string; compiledPath: string }) => void, boolean][] = [
    ['unchanged files: the compiled documents', () => {}, true],
    [
      'a file changed by one byte: parsed again',
      ({ dir }) => {
        const file = join(dir, '00-namespaces.yaml');
        writeFileSync(file, `${readFileSync(file, 'utf8')}\n`);
      },
      false,
    ],
    [
      'a file added: parsed again',
      ({ dir }) => writeFileSync(join(dir, '99-extra.yaml'), 'kind: List\nitems: []\n'),
      false,
    ],
    ['a file removed: parsed again', ({ dir }) => rmSync(join(dir, '22-events.yaml')), false],
    [
      'a compiled file that is not JSON: parsed',
      ({ compiledPath }) => writeFileSync(compiledPath, '{ nope'),
      false,
    ],
    ['an absent compiled file: parsed', ({ compiledPath }) => rmSync(compiledPath), false],
    [
      'a compiled file of another format: parsed',
      ({ compiledPath }) =>
        writeFileSync(compiledPath, JSON.stringify({ compiledScenario: 2, files: [], documents: [] })),
      false,
    ],
  ];
  it.each(cases)('%s', (_, change, usesCompiled) => {
    const f = fixture();
    change(f);
    expect(names(f.dir, f.compiledPath).includes('from-the-compiled-file')).toBe(usesCompiled);
    expect(names(f.dir)).not.toContain('from-the-compiled-file');
  });

  it('refuses to compile what JSON would change', () => {
    const file = join(work, 'inf.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {n: .inf}\n');
    expect(() => compileScenario(file)).toThrow(ScenarioError);
  });

  it('the built demo ships its compiled scenario, current with its YAML', () => {
    const compiled = join(ROOT, 'fixtures/demo/scenario.compiled.json');
    expect(JSON.parse(readFileSync(compiled, 'utf8')).compiledScenario).toBe(1);
    expect(readFileSync(compiled, 'utf8')).toBe(compileScenario(DEMO));
  });
});
