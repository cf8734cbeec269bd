/**
 * Strings from the cluster, a node file, vCenter or a registry are data, never terminal commands.
 * An image name or a kubelet message carrying `ESC ] 0;title BEL` would set the terminal title,
 * `ESC [2J` would clear the screen, `ESC [32m` would paint a forged verdict green, and a bidi
 * override (U+202E) would show text in an order that is not the order it has. Every text output
 * (screen, Markdown, HTML, text diff, log) shows such characters as visible escapes instead:
 * `\x1b`, `\x07`, `\x9b`, `\u202e`. JSON keeps the data exactly (its writer escapes them as \uXXXX).
 *
 * A leaf module: it imports nothing.
 */

/**
 * C0 controls (U+0000-U+001F), DEL (U+007F), C1 controls (U+0080-U+009F), the Arabic letter mark
 * (U+061C), LRM/RLM (U+200E/F), the line/paragraph separators (U+2028/9, line breaks to some
 * terminals and editors), the bidi embeddings/overrides (U+202A-U+202E) and isolates (U+2066-U+2069).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** As UNSAFE, but keeps \n and \t. */
const UNSAFE_KEEP_LINES =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export interface EscapeOptions {
  /** Keep newlines and tabs (multi-line blocks: YAML, evidence); everything else is still escaped. */
  readonly keepLines?: boolean;
}

/** The visible escape of one unsafe character: `\x1b` below U+0100, `\u202e` above. */
export function visibleEscape(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * The text with every control, C1, DEL and bidi-control character replaced by its visible escape;
 * text without any is returned as is (the common case costs one regex test).
 */
export function escapeControls(text: string, options: EscapeOptions = {}): string {
  const pattern = options.keepLines ? UNSAFE_KEEP_LINES : UNSAFE;
  pattern.lastIndex = 0;
  if (!pattern.test(text)) return text;
  pattern.lastIndex = 0;
  return text.replace(pattern, visibleEscape);
}

/**
 * Characters that JSON.stringify leaves raw although a terminal or an editor acts on them (DEL, C1,
 * bidi controls, line separators), as \uXXXX escapes: the same JSON value, inert when `cat`ed.
 * Only for JSON text (it would be wrong anywhere else).
 */
const JSON_RAW = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function escapeJsonControls(json: string): string {
  // Every character JSON_RAW matches is DEL or outside ASCII; a report is nearly always plain ASCII,
  // and these two native scans cost a fraction of the regular expression's (~40 ms per 24 MB).
  if (Buffer.byteLength(json, 'utf8') === json.length && !json.includes('\u007f')) return json;
  JSON_RAW.lastIndex = 0;
  if (!JSON_RAW.test(json)) return json;
  JSON_RAW.lastIndex = 0;
  return json.replace(JSON_RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
