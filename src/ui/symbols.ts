/**
 * A terminal whose locale is not UTF-8 (LANG=C, LC_ALL=POSIX) shows ✗ ✓ … ● › as mojibake or
 * underscores (tmux and most terminals decide from the same variables). The TUI then draws ASCII:
 * decided once at start (runTuiOn), applied where the frames are written, so every symbol of every
 * screen, including those inside view tables and hints, is covered in one place.
 */

/** The locale as the C library resolves it for LC_CTYPE: LC_ALL, then LC_CTYPE, then LANG. */
export function localeIsUtf8(env: NodeJS.ProcessEnv): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale);
}

/**
 * One ASCII character for each symbol the screens use, so Ink's layout (one column each) stays
 * right: severity markers (x ! i v), ellipsis, live dots, arrows, keys, masks, box corners.
 */
const ASCII: Readonly<Record<string, string>> = {
  '✗': 'x',
  '✓': 'v',
  '…': '~',
  '●': '*',
  '○': 'o',
  '◌': 'o',
  '›': '>',
  '→': '>',
  '←': '<',
  '↑': '^',
  '↓': 'v',
  '⏎': '<',
  '⌫': '<',
  '•': '*',
  '·': '-',
  '█': '#',
  '▏': '|',
  '≠': '#',
  '─': '-',
  '━': '-',
  '│': '|',
  '┃': '|',
  '╭': '+',
  '╮': '+',
  '╰': '+',
  '╯': '+',
  '┌': '+',
  '┐': '+',
  '└': '+',
  '┘': '+',
};

/** The text with every non-ASCII character as ASCII: known symbols mapped, anything else '?'. */
export function toAscii(text: string): string {
  // Everything above U+007F; printable ASCII and the escape sequences Ink writes pass.
  if (!/[^\p{ASCII}]/u.test(text)) return text;
  return text.replace(/[^\p{ASCII}]/gu, (c) => ASCII[c] ?? '?');
}

/**
 * A stream for Ink that writes every frame as ASCII; everything else (columns, rows, resize
 * events, isTTY) is the terminal's own.
 */
export function asciiStream(stdout: NodeJS.WriteStream): NodeJS.WriteStream {
  return new Proxy(stdout, {
    get(target, key) {
      if (key === 'write') {
        return (chunk: unknown, ...rest: unknown[]) =>
          (target.write as (...args: unknown[]) => boolean).call(
            target,
            typeof chunk === 'string' ? toAscii(chunk) : chunk,
            ...rest,
          );
      }
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
