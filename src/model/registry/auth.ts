import type { AuthChallenge } from './types.js';

/**
 * Parses `WWW-Authenticate` (RFC 7235): one or more challenges `scheme param="v", param=v, …`.
 * containerd (remotes/docker/auth/parse.go) lower-cases the scheme and parameter names and reads
 * quoted strings with backslash escapes; so does this. Returns the challenges in header order.
 */
export function parseWwwAuthenticate(header: string | readonly string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  const values = typeof header === 'string' ? [header] : header;
  return values.flatMap(parseOneHeader);
}

/** The challenge containerd would answer: Bearer first, then Basic, as its authorizer prefers. */
export function preferredChallenge(challenges: readonly AuthChallenge[]): AuthChallenge | undefined {
  return (
    challenges.find((c) => c.scheme === 'bearer') ??
    challenges.find((c) => c.scheme === 'basic') ??
    challenges[0]
  );
}

interface RawChallenge {
  scheme: string;
  params: Map<string, string>;
  raw: string;
}

function parseOneHeader(value: string): AuthChallenge[] {
  const raws: RawChallenge[] = [];
  let i = 0;
  const s = value;
  const skipSpace = () => {
    while (i < s.length && /[\s,]/.test(s[i] ?? '')) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < s.length && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(s[i] ?? '')) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    skipSpace();
    const start = i;
    const scheme = readToken();
    if (scheme === '') {
      i++;
      continue;
    }
    const current: RawChallenge = { scheme: scheme.toLowerCase(), params: new Map(), raw: '' };
    raws.push(current);
    // Parameters until the next bare token that is not followed by `=` (the next challenge).
    for (;;) {
      while (i < s.length && /[\s,]/.test(s[i] ?? '')) i++;
      const save = i;
      const name = readToken();
      if (name === '') break;
      let j = i;
      while (j < s.length && s[j] === ' ') j++;
      if (s[j] !== '=') {
        i = save; // a new challenge starts here
        break;
      }
      i = j + 1;
      while (i < s.length && s[i] === ' ') i++;
      current.params.set(name.toLowerCase(), readValue());
    }
    current.raw = s.slice(start, i).trim().replace(/,$/, '');
  }
  return raws.map(toChallenge);

  function readValue(): string {
    if (s[i] !== '"') {
      // Unquoted: a token by the RFC, but registries write URLs unquoted too; read up to `,` or space.
      const start = i;
      while (i < s.length && !/[\s,]/.test(s[i] ?? '')) i++;
      return s.slice(start, i);
    }
    i++;
    let out = '';
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\' && i + 1 < s.length) i++;
      out += s[i];
      i++;
    }
    i++; // closing quote
    return out;
  }
}

function toChallenge(raw: RawChallenge): AuthChallenge {
  if (raw.scheme === 'bearer') {
    const realm = raw.params.get('realm');
    if (realm === undefined || realm === '') return { scheme: 'other', raw: raw.raw };
    const out: { scheme: 'bearer'; realm: string; service?: string; scope?: string; error?: string } = {
      scheme: 'bearer',
      realm,
    };
    const service = raw.params.get('service');
    const scope = raw.params.get('scope');
    const error = raw.params.get('error');
    if (service !== undefined) out.service = service;
    if (scope !== undefined) out.scope = scope;
    if (error !== undefined) out.error = error;
    return out;
  }
  if (raw.scheme === 'basic') {
    const realm = raw.params.get('realm');
    return realm === undefined ? { scheme: 'basic' } : { scheme: 'basic', realm };
  }
  return { scheme: 'other', raw: raw.raw };
}

/** The pull scope containerd asks for: `repository:<name>:pull`. */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

/**
 * The token URL for a Bearer challenge, as containerd's anonymous fetch builds it (FetchToken):
 * `realm?service=…&scope=…`, keeping any query the realm already has.
 */
export function tokenUrl(challenge: { realm: string; service?: string }, scopes: readonly string[]): URL {
  const url = new URL(challenge.realm);
  if (challenge.service !== undefined && challenge.service !== '')
    url.searchParams.set('service', challenge.service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  return url;
}

/** Reads a token server's answer: `token` or `access_token` (docker/distribution token spec). */
export function parseTokenResponse(body: string): { token: string; expiresIn: number } | undefined {
  try {
    const json = JSON.parse(body) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
    const token = typeof json.token === 'string' && json.token !== '' ? json.token : json.access_token;
    if (typeof token !== 'string' || token === '') return undefined;
    const expiresIn = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 60;
    return { token, expiresIn };
  } catch {
    return undefined;
  }
}
