import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { asciiStream, localeIsUtf8, toAscii } from '../../src/ui/symbols.js';

describe('the locale decides the symbols', () => {
  it.each([
    [{ LANG: 'en_US.UTF-8' }, true],
    [{ LANG: 'C.utf8' }, true],
    [{ LC_ALL: 'C', LANG: 'en_US.UTF-8' }, false],
    [{ LC_ALL: 'POSIX' }, false],
    [{ LC_CTYPE: 'de_DE.UTF-8', LANG: 'C' }, true],
    [{ LANG: 'C' }, false],
    [{}, false],
  ])('%o → UTF-8 %s', (env, utf8) => {
    expect(localeIsUtf8(env as NodeJS.ProcessEnv)).toBe(utf8);
  });
});

describe('ASCII frames', () => {
  it('maps each symbol to one ASCII character (the layout keeps its widths)', () => {
    expect(toAscii('✗ ! i ✓ … ● ○ › ⏎ █ [###---]')).toBe('x ! i v ~ * o > < # [###---]');
    expect(toAscii('\u001b[31m✗\u001b[39m')).toBe('\u001b[31mx\u001b[39m');
    expect(toAscii('ünï')).toBe('?n?');
  });

  it('the stream writes ASCII and keeps the terminal size', () => {
    const out = Object.assign(new PassThrough(), { columns: 120, rows: 40, isTTY: true });
    const stream = asciiStream(out as unknown as NodeJS.WriteStream);
    stream.write('1 images ✗2 ●');
    expect(String(out.read())).toBe('1 images x2 *');
    expect(stream.columns).toBe(120);
    expect(stream.isTTY).toBe(true);
  });
});
