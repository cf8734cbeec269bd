import { createHash, createHmac } from 'node:crypto';

/**
 * OpenSSH known_hosts, read as ssh(1) reads it: plain and hashed (`|1|salt|hash`) host patterns,
 * `[host]:port` for ports other than 22, wildcards and negation, `@revoked` keys. `@cert-authority`
 * lines are recognised and skipped (host certificates are not supported).
 */
export interface KnownHostEntry {
  readonly line: number;
  readonly marker?: 'cert-authority' | 'revoked';
  /** Comma-separated patterns, or one hashed entry. */
  readonly patterns: readonly string[];
  readonly hashed?: { readonly salt: Buffer; readonly hash: Buffer };
  readonly keyType: string;
  readonly key: Buffer;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? '').trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const fields = raw.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@cert-authority' || fields[0] === '@revoked') {
      marker = fields[0] === '@revoked' ? 'revoked' : 'cert-authority';
      fields.shift();
    }
    const [hosts, keyType, keyB64] = fields;
    if (!hosts || !keyType || !keyB64) continue;
    const key = Buffer.from(keyB64, 'base64');
    if (key.length === 0) continue;
    let hashed: KnownHostEntry['hashed'];
    if (hosts.startsWith('|1|')) {
      const [, , salt, hash] = hosts.split('|');
      if (!salt || !hash) continue;
      hashed = { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
    }
    out.push({ line: i + 1, marker, patterns: hashed ? [] : hosts.split(','), hashed, keyType, key });
  }
  return out;
}

/** The name ssh(1) looks up: `host` on port 22, else `[host]:port`. */
export function hostToken(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function wildcardMatch(pattern: string, text: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(text);
}

/** True when the entry names the host (a negated pattern that matches excludes it). */
export function entryMatches(entry: KnownHostEntry, token: string): boolean {
  if (entry.hashed) {
    const digest = createHmac('sha1', entry.hashed.salt).update(token).digest();
    return digest.equals(entry.hashed.hash);
  }
  let matched = false;
  for (const p of entry.patterns) {
    if (p.startsWith('!')) {
      if (wildcardMatch(p.slice(1), token)) return false;
    } else if (wildcardMatch(p, token)) matched = true;
  }
  return matched;
}

/** The key type written inside an SSH public key blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, ...). */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const len = key.readUInt32BE(0);
  return key.subarray(4, 4 + len).toString('latin1');
}

/** OpenSSH-style fingerprint, `SHA256:base64` without padding. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

export type HostKeyStatus = 'match' | 'mismatch' | 'revoked' | 'unknown';

export interface HostKeyCheck {
  readonly status: HostKeyStatus;
  /** Key types known_hosts has for the host (to prefer them in the handshake, as ssh does). */
  readonly knownTypes: readonly string[];
  /** For a mismatch: the known_hosts lines that hold the other key. */
  readonly lines: readonly number[];
}

export function knownTypesFor(entries: readonly KnownHostEntry[], token: string): string[] {
  return [...new Set(entries.filter((e) => !e.marker && entryMatches(e, token)).map((e) => e.keyType))];
}

/**
 * Decides a presented key as ssh does: revoked, matching, different from what known_hosts records for
 * the host, or unknown. A key of another type than the recorded ones is a changed key too: OpenSSH
 * (accept-new included) refuses it as "REMOTE HOST IDENTIFICATION HAS CHANGED", naming the old line,
 * so a node that suddenly offers ed25519 where ECDSA was recorded is never trusted on first use.
 */
export function checkHostKey(entries: readonly KnownHostEntry[], token: string, key: Buffer): HostKeyCheck {
  const forHost = entries.filter((e) => e.marker !== 'cert-authority' && entryMatches(e, token));
  const type = keyTypeOf(key);
  const knownTypes = [...new Set(forHost.filter((e) => !e.marker).map((e) => e.keyType))];
  if (forHost.some((e) => e.marker === 'revoked' && e.key.equals(key))) {
    return {
      status: 'revoked',
      knownTypes,
      lines: forHost.filter((e) => e.marker === 'revoked').map((e) => e.line),
    };
  }
  const plain = forHost.filter((e) => !e.marker);
  if (plain.some((e) => e.key.equals(key))) return { status: 'match', knownTypes, lines: [] };
  const sameType = plain.filter((e) => e.keyType === type || keyTypeOf(e.key) === type);
  const offending = sameType.length > 0 ? sameType : plain;
  if (offending.length > 0) return { status: 'mismatch', knownTypes, lines: offending.map((e) => e.line) };
  return { status: 'unknown', knownTypes, lines: [] };
}

/** Server host key algorithms with the known types first (avoids a needless "unknown key" on re-keyed types). */
export function preferredHostKeyAlgorithms(
  knownTypes: readonly string[],
  defaults: readonly string[],
): string[] {
  const expand = (t: string): string[] =>
    t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t];
  const first = knownTypes.flatMap(expand).filter((a) => defaults.includes(a));
  return [...new Set([...first, ...defaults])];
}

/** The known_hosts line recorded for a new key (plain, like `ssh -o StrictHostKeyChecking=accept-new` without hashing). */
export function knownHostsLine(token: string, key: Buffer): string {
  return `${token} ${keyTypeOf(key)} ${key.toString('base64')}`;
}
