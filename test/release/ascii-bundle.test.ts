import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a build script in plain JavaScript, without declarations
import { asciiOnly } from '../../scripts/bundle.mjs';

const ROOT = join(import.meta.dirname, '../..');
const NON_ASCII = /[^\p{ASCII}]/u;

function fileWith(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'airgap-top-ascii-')), 'bundle.cjs');
  writeFileSync(path, text);
  return path;
}

describe('the bundle is ASCII-only (V8 then keeps its 5 MB source as one byte per character)', () => {
  it('the built bundle has no non-ASCII character', () => {
    const bundle = readFileSync(join(ROOT, 'dist/airgap-top-main.cjs'), 'utf8');
    expect(NON_ASCII.exec(bundle)?.index).toBeUndefined();
  });

  it('non-ASCII characters in comments are escaped as text', async () => {
    const path = fileWith('// “quoted” — 日本 \ud83d\ude00\nconst a = "x"; /* ‘b’ */\nmodule.exports = a;\n');
    await asciiOnly(path);
    const after = readFileSync(path, 'utf8');
    expect(after).toBe(
      '// \\u201cquoted\\u201d \\u2014 \\u65e5\\u672c \\ud83d\\ude00\nconst a = "x"; /* \\u2018b\\u2019 */\nmodule.exports = a;\n',
    );
  });

  it('a string literal: the escape is the same string', async () => {
    const path = fileWith('module.exports = "é";\n');
    await asciiOnly(path);
    expect(readFileSync(path, 'utf8')).toBe('module.exports = "\\u00e9";\n');
  });

  it('where an escape would change the code (a raw template) the build fails and leaves the file', async () => {
    const text = 'module.exports = String.raw`é`;\n';
    const path = fileWith(text);
    await expect(asciiOnly(path)).rejects.toThrow(/would change the code/);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('an ASCII file is left as it is', async () => {
    const text = 'module.exports = 1;\n';
    const path = fileWith(text);
    await asciiOnly(path);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});
