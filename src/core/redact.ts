/**
 * One redaction mechanism for every output (screen, report, log). Secrets are registered where they
 * are read (kubeconfig tokens and keys, the vCenter password, registry credentials, SSH key material);
 * every writer passes its output through `redactText`/`redactDeep`. Keys that always hold secrets are
 * masked by name too, so a secret nobody registered still does not leak through evidence.
 */
export const REDACTED = '[redacted]';

/**
 * The userinfo of a URL (`https://robot:PW@host/...`): a credential wherever it appears, whether or
 * not anyone registered it. Greedy up to the last `@` before the path, as URL parsers split it.
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>`]*(?:@[^\s/?#@"'<>`]*)*@/gi;

/** The URL with its userinfo (user and password) replaced by [redacted]. */
export function redactUrlUserinfo(text: string): string {
  // Every screen cell passes here on every frame: text without "://" holds no URL, and skipping
  // the regex there costs one indexOf.
  if (!text.includes('://')) return text;
  return text.replace(URL_USERINFO, `$1${REDACTED}@`);
}

/** The `user:password` of a URL with userinfo, else undefined (for registering it as a secret). */
export function urlUserinfo(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(url.trim());
  return m?.[1] || undefined;
}

/** The URL without its userinfo: what the host is judged by (`https://registry.example.internal/v2`). */
export function stripUrlUserinfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1');
}

const SECRET_KEY_NAMES =
  'password|passwd|pass|auth|identitytoken|identity_token|token|bearer|secret|private_?key|client[-_]?key(-data)?|authorization|x-auth-token';
const SECRET_KEY = new RegExp(`^(${SECRET_KEY_NAMES})$`, 'i');
/** A secret-named key in JSON text whose value is not null, "", true/false or a number. */
const SECRET_KEY_WITH_VALUE_IN_JSON = new RegExp(
  `"(${SECRET_KEY_NAMES})":\\s*(?!\\s|null|""|true|false|-?\\d)`,
  'i',
);

/**
 * Whether any `scheme://` in the text is followed by an `@` before the authority ends: the only
 * way URL_USERINFO can match. One indexOf per URL instead of the regex over the whole text.
 */
function hasUrlUserinfo(text: string): boolean {
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
    for (let i = at + 3; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x40) return true; // @
      if (AUTHORITY_END.has(c) || isWhitespace(c)) break;
    }
  }
  return false;
}
/** What `\s` matches in URL_USERINFO (ASCII fast, the rest as the regex would). */
function isWhitespace(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return /\s/.test(String.fromCharCode(c));
}
/** URL_USERINFO's excluded characters but whitespace: / ? # " ' < > ` (whitespace is checked apart). */
const AUTHORITY_END = new Set([...'/?#"\'<>`'].map((c) => c.charCodeAt(0)));

export class SecretRegistry {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;
  private jsonPattern: RegExp | undefined;

  /** Registers a secret value. Very short strings are refused: masking "a" would mangle every line. */
  add(value: string | undefined | null): void {
    if (!value) return;
    const trimmed = value.trim();
    if (trimmed.length < 4 || this.secrets.has(trimmed)) return;
    this.secrets.add(trimmed);
    // A URL's `user:password`: the password alone is as secret (it may appear without the user).
    const colon = trimmed.indexOf(':');
    if (colon >= 0 && !/\s/.test(trimmed) && trimmed.length - colon - 1 >= 4)
      this.add(trimmed.slice(colon + 1));
    // Percent-encoded in a URL, decoded in a message: both forms are the secret.
    if (/%[0-9a-f]{2}/i.test(trimmed)) {
      try {
        this.add(decodeURIComponent(trimmed));
      } catch {
        // not valid percent-encoding: the raw form is registered already
      }
    }
    // Multi-line material (PEM keys): each long line is a secret on its own too.
    for (const line of trimmed.split(/\r?\n/)) {
      if (line.trim().length >= 16 && !/^-----/.test(line.trim())) this.secrets.add(line.trim());
    }
    // The same secret as a JSON or TOML basic string writes it (quotes, backslashes, newlines
    // escaped): a config file quoted in evidence or a JSON-encoded log line must not carry it.
    const escaped = JSON.stringify(trimmed).slice(1, -1);
    if (escaped !== trimmed) this.secrets.add(escaped);
    this.pattern = undefined;
    this.jsonPattern = undefined;
  }

  get size(): number {
    return this.secrets.size;
  }

  /**
   * Masks registered secrets (case-insensitively: a token upper-cased in a header dump is the same
   * secret) and every URL's userinfo.
   */
  redactText(text: string): string {
    const withoutUserinfo = redactUrlUserinfo(text);
    const pattern = this.secretPattern();
    if (!pattern) return withoutUserinfo;
    return withoutUserinfo.replace(pattern, REDACTED);
  }

  /** Every registered secret as one case-insensitive alternation, longest first; undefined when none. */
  private secretPattern(): RegExp | undefined {
    if (this.secrets.size === 0) return undefined;
    this.pattern ??= alternation(this.secrets, 'gi');
    return this.pattern;
  }

  /**
   * Whether the JSON text may hold anything masking would change: a registered secret (its JSON-
   * escaped form is registered too), a URL's userinfo, or a secret-named key with a value that is
   * not null, empty, a count or a flag. A false "yes" only costs the slow path; a "no" is exact,
   * since every string and key of the value appears in the text, escaped as registered.
   */
  mayMaskJson(json: string): boolean {
    if (this.secrets.size > 0) {
      // Each secret as JSON writes it, beside its raw form (a line of key material may hold a quote).
      // A lone surrogate could pair up with its neighbour and be written raw: no text check then.
      if (!this.jsonPattern) {
        const forms = [...this.secrets].flatMap((t) => [t, JSON.stringify(t).slice(1, -1)]);
        this.jsonPattern = forms.some((f) => /[\ud800-\udfff]/.test(f)) ? /(?:)/ : alternation(forms, 'i');
      }
      if (this.jsonPattern.test(json)) return true;
    }
    return SECRET_KEY_WITH_VALUE_IN_JSON.test(json) || hasUrlUserinfo(json);
  }

  /**
   * JSON.stringify of redactDeep(value), without the deep copy: the masking runs in the replacer
   * (a 10,000-pod report is ~100 MB of objects; copying it only to serialise it was a third of the
   * peak memory). Same text as `JSON.stringify(this.redactDeep(value), null, space)`.
   */
  redactedJson(value: unknown, space?: number): string {
    // Most reports hold nothing to mask: the native serialisation, checked as text, is ~3x faster
    // than a replacer call per value.
    const plain = JSON.stringify(value, null, space) as string | undefined;
    if (plain === undefined || !this.mayMaskJson(plain)) return plain as string;
    const { text, underKey } = this.masking();
    return JSON.stringify(
      value,
      function (this: unknown, key: string, v: unknown): unknown {
        // Array elements have index keys ('0', '1'): never secret names, as redactDeep's undefined key.
        if (key !== '' && !Array.isArray(this)) {
          const masked = underKey(key, v);
          if (masked !== NOT_SECRET) return masked;
        }
        if (typeof v === 'string') return text(v);
        if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
          // Keys are data too: rename the (rare) ones that carry a secret; values follow in the replacer.
          const keys = Object.keys(v);
          if (keys.some((k) => text(k) !== k)) {
            const out: Record<string, unknown> = {};
            for (const k of keys) out[text(k)] = (v as Record<string, unknown>)[k];
            return out;
          }
        }
        return v;
      },
      space,
    );
  }

  /**
   * redactedJson(value, space) in pieces, for writing a 10,000-pod report without holding it as one
   * string (its text is ~25 MB, twice that as the buffer written). Plain containers near the root,
   * and those holding long arrays (a probe's findings), are written here piece by piece, masked as
   * the replacer would mask them; each other value (a finding) is one redactedJson piece, indented
   * to its depth. Joined, the pieces are exactly redactedJson(value, space).
   */
  *redactedJsonChunks(value: unknown, space: number): Generator<string> {
    const { text, underKey } = this.masking();
    const unit = ' '.repeat(space);
    const self = this;
    function* write(v: unknown, depth: number): Generator<string> {
      if (!splits(v, depth)) {
        const piece = self.redactedJson(v, space);
        yield depth === 0 || !piece.includes('\n')
          ? piece
          : piece.replaceAll('\n', `\n${unit.repeat(depth)}`);
        return;
      }
      const inner = `\n${unit.repeat(depth + 1)}`;
      if (Array.isArray(v)) {
        if (v.length === 0) {
          yield '[]';
          return;
        }
        const elements = v.map((e, i) => {
          const x = jsonOf(e, String(i));
          return x === undefined || typeof x === 'function' || typeof x === 'symbol' ? null : x;
        });
        for (let i = 0; i < elements.length; ) {
          // A run of elements that are single pieces, serialised in one native call and checked as one
          // text: a run with nothing to mask is exactly its elements' pieces, joined as below.
          let end = i;
          while (end < elements.length && end - i < RUN && !splits(elements[end], depth + 1)) end++;
          if (end - i > 1) {
            // Nested in `depth` arrays, the run comes out of JSON.stringify indented for its depth
            // (no second pass over ~24 MB to re-indent it); the wrappers' text is cut off below.
            let nested: unknown = elements.slice(i, end);
            for (let d = 0; d < depth; d++) nested = [nested];
            const run = JSON.stringify(nested, null, space);
            if (!self.mayMaskJson(run)) {
              // "[\n  a,\n  b\n]" at its depth, without its brackets: the run's elements, each on a
              // line indented to depth + 1.
              const opening = (depth * (depth + 1) * space) / 2 + 2 * depth + 1;
              const closing = (depth * (depth - 1) * space) / 2 + 2 * depth + depth * space + 2;
              yield `${i === 0 ? '[' : ','}${run.slice(opening, run.length - closing)}`;
              i = end;
              continue;
            }
          }
          for (const stop = Math.max(end, i + 1); i < stop; i++) {
            yield i === 0 ? `[${inner}` : `,${inner}`;
            const x = elements[i];
            if (x === null) yield 'null';
            else yield* write(x, depth + 1);
          }
        }
        yield `\n${unit.repeat(depth)}]`;
        return;
      }
      let first = true;
      for (const k of Object.keys(v as object)) {
        const x = jsonOf((v as Record<string, unknown>)[k], k);
        // As the replacer: a secret-named key's value is masked whole.
        const masked = underKey(k, x);
        if (masked === NOT_SECRET && (x === undefined || typeof x === 'function' || typeof x === 'symbol'))
          continue;
        yield `${first ? '{' : ','}${inner}${JSON.stringify(k)}: `;
        first = false;
        if (masked !== NOT_SECRET) yield JSON.stringify(masked);
        else yield* write(x, depth + 1);
      }
      yield first ? '{}' : `\n${unit.repeat(depth)}}`;
    }
    /**
     * Written piece by piece: a plain array near the root or long, or a plain object near the root
     * or holding a long array (a probe: its findings), whose keys masking leaves as they are.
     * Anything else (a finding) is one redactedJson piece. Judged once per value: cheap checks first.
     */
    function splits(v: unknown, depth: number): boolean {
      if (space <= 0 || v === null || typeof v !== 'object') return false;
      if (Array.isArray(v)) return depth < 2 || v.length > LONG_ARRAY;
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      if (depth >= 2 && !Object.values(v).some((x) => Array.isArray(x) && x.length > LONG_ARRAY))
        return false;
      return Object.keys(v).every((k) => text(k) === k);
    }
    yield* write(jsonOf(value, ''), 0);
  }

  /** A deep copy with registered secrets masked in every string and secret-named keys masked whole. */
  redactDeep<T>(value: T): T {
    const { text, underKey } = this.masking();
    const walk = (v: unknown, key: string | undefined): unknown => {
      if (key !== undefined) {
        const masked = underKey(key, v);
        if (masked !== NOT_SECRET) return masked;
      }
      if (typeof v === 'string') return text(v);
      if (Array.isArray(v)) return v.map((x) => walk(x, undefined));
      if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
        const out: Record<string, unknown> = {};
        // Keys are data too: `[host."https://robot:PW@..."]` is a key in evidence.
        for (const [k, x] of Object.entries(v)) out[text(k)] = walk(x, k);
        return out;
      }
      return v;
    };
    return walk(value, undefined) as T;
  }

  /**
   * The masking of one deep copy or serialisation. A report repeats few distinct strings (keys,
   * images, node names) many thousand times: each string is masked, and each key judged, once.
   */
  private masking(): { text: (t: string) => string; underKey: (key: string, v: unknown) => unknown } {
    const memo = new Map<string, string>();
    const secretKeys = new Map<string, boolean>();
    const text = (t: string): string => {
      let out = memo.get(t);
      if (out === undefined) {
        out = this.redactText(t);
        memo.set(t, out);
      }
      return out;
    };
    /** What a value under a secret-named key becomes, or NOT_SECRET when the key is no secret's. */
    const underKey = (key: string, v: unknown): unknown => {
      // A function or symbol is left out of JSON whatever its key: nothing to mask.
      if (v === null || v === undefined || v === '' || typeof v === 'function' || typeof v === 'symbol')
        return NOT_SECRET;
      let secret = secretKeys.get(key);
      if (secret === undefined) {
        secret = SECRET_KEY.test(key);
        secretKeys.set(key, secret);
      }
      if (!secret) return NOT_SECRET;
      // Counts and flags under such keys (a summary's `pass` count, `insecure: true`) are no secrets.
      return typeof v === 'boolean' || typeof v === 'number' ? v : REDACTED;
    };
    return { text, underKey };
  }
}

/** underKey's "not a secret's key": the value is masked as any other. */
const NOT_SECRET = Symbol('not a secret');

/**
 * A value as JSON.stringify sees it: after its toJSON(key). (A piece whose toJSON returns another
 * object with a toJSON is the one case where the pieces could differ from one serialisation.)
 */
function jsonOf(v: unknown, key: string): unknown {
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function')
    return (v as { toJSON: (key: string) => unknown }).toJSON(key);
  return v;
}

/** More elements than this make an array worth writing element by element. */
const LONG_ARRAY = 64;
/** Elements serialised together: findings are ~2 KB, so a run stays under V8's large-object size (128 KB; a larger string goes straight to the old generation and stays until a full collection). */
const RUN = 32;

/** The process-wide registry: secrets are read in probes and masked in every writer. */
export const secrets = new SecretRegistry();

/** The strings as one literal alternation, longest first (so a secret inside a longer one never masks half). */
function alternation(strings: Iterable<string>, flags: string): RegExp {
  const sorted = [...new Set(strings)].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return new RegExp(sorted.join('|'), flags);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
