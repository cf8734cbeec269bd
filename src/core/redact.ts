/**
 * One redaction mechanism for every output (screen, report, log). Secrets are registered where they
 * are read (kubeconfig tokens and keys, the vCenter password, registry credentials, SSH key material);
 * every writer passes its output through `redactText`/`redactDeep`. Keys that always hold secrets are
 * masked by name too, so a secret nobody registered still does not leak through evidence.
 */
export const REDACTED = '[redacted]';

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

  redactText(text: string): string {
    if (this.secrets.size === 0) return text;
    if (!this.pattern) {
      const sorted = [...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.pattern = new RegExp(sorted.join('|'), 'g');
    }
    return text.replace(this.pattern, REDACTED);
  }

  /** A deep copy with registered secrets masked in every string and secret-named keys masked whole. */
  redactDeep<T>(value: T): T {
    return this.walk(value, undefined) as T;
  }

  private walk(value: unknown, key: string | undefined): unknown {
    if (key !== undefined && SECRET_KEY.test(key) && value !== null && value !== undefined && value !== '') {
      // Counts and flags under such keys (a summary's `pass` count, `insecure: true`) are no secrets.
      return typeof value === 'boolean' || typeof value === 'number' ? value : REDACTED;
    }
    if (typeof value === 'string') return this.redactText(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v, undefined));
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.walk(v, k);
      return out;
    }
    return value;
  }
}

/** The process-wide registry: secrets are read in probes and masked in every writer. */
export const secrets = new SecretRegistry();

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
