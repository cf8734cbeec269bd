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

const SECRET_KEY =
  /^(password|passwd|pass|auth|identitytoken|identity_token|token|bearer|secret|private_?key|client[-_]?key(-data)?|authorization|x-auth-token)$/i;

export class SecretRegistry {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

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
    if (this.secrets.size === 0) return withoutUserinfo;
    if (!this.pattern) {
      const sorted = [...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.pattern = new RegExp(sorted.join('|'), 'gi');
    }
    return withoutUserinfo.replace(this.pattern, REDACTED);
  }

  /**
   * JSON.stringify of redactDeep(value), without the deep copy: the masking runs in the replacer
   * (a 10,000-pod report is ~100 MB of objects; copying it only to serialise it was a third of the
   * peak memory). Same text as `JSON.stringify(this.redactDeep(value), null, space)`.
   */
  redactedJson(value: unknown, space?: number): string {
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
      if (v === null || v === undefined || v === '') return NOT_SECRET;
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

/** The process-wide registry: secrets are read in probes and masked in every writer. */
export const secrets = new SecretRegistry();

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
