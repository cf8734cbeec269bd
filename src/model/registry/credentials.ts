/**
 * Registry credentials from a docker `config.json` (`{"auths": {"host": {"auth": base64(user:pass)}}}`,
 * or `username`/`password`, or `identitytoken`). Pure parsing: the caller reads the file and registers
 * every value with the redaction registry before anything else can print it.
 */
export type RegistryCredential =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'identity-token'; readonly token: string };

export type CredentialStore = ReadonlyMap<string, RegistryCredential>;

/** Parses config.json; hosts are keyed as `host[:port]` lower-case (scheme and path dropped). */
export function parseDockerConfig(text: string): CredentialStore {
  const out = new Map<string, RegistryCredential>();
  const json = JSON.parse(text) as { auths?: Record<string, Record<string, unknown>> };
  for (const [key, entry] of Object.entries(json.auths ?? {})) {
    if (entry === null || typeof entry !== 'object') continue;
    const credential = credentialOf(entry);
    if (credential) out.set(credentialHostKey(key), credential);
  }
  return out;
}

function credentialOf(entry: Record<string, unknown>): RegistryCredential | undefined {
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') {
    return { kind: 'identity-token', token: entry.identitytoken };
  }
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0)
      return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string' && entry.username !== '') {
    return { kind: 'basic', username: entry.username, password: entry.password };
  }
  return undefined;
}

/** `https://Registry.Example:5000/v1/` → `registry.example:5000`; Docker Hub's legacy key → `docker.io`. */
export function credentialHostKey(key: string): string {
  const host = key
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}

/** Every secret string in a store, for the redaction registry. */
export function credentialSecrets(store: CredentialStore): string[] {
  return [...store.values()].flatMap((c) =>
    c.kind === 'basic'
      ? [c.password, Buffer.from(`${c.username}:${c.password}`).toString('base64')]
      : [c.token],
  );
}
