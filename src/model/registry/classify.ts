import type { ManifestAnswer, RegistryVerdict, TlsInventory } from './types.js';

/**
 * Judges one answer. The rules follow what containerd makes of the same answer when it pulls:
 * a 2xx is the manifest (its digest must equal a pinned one), 404 is absent, 401 after an anonymous
 * token is "pull access denied, repository does not exist or may require authorization" (distribution
 * and Docker Hub answer a missing repository that way, so both are said), a refused token or an
 * unanswered Basic challenge is anonymous pull refused, 403 forbidden, 429 rate limited, 5xx a
 * registry fault; TLS and network failures say the check could not be made.
 */
export function classifyAnswer(answer: ManifestAnswer, expectDigest?: string): RegistryVerdict {
  switch (answer.kind) {
    case 'public-refused':
      return { kind: 'public-not-contacted', host: answer.host };
    case 'network':
      return { kind: 'unreachable', failure: answer.failure, message: answer.message };
    case 'tls':
      return classifyTls(answer);
    case 'token-refused':
      return classifyStatusWithoutManifest(
        answer.status,
        answer.withCredentials ? 'credentials' : 'anonymous',
      );
    case 'http':
      return classifyHttp(answer, expectDigest);
  }
}

function classifyTls(answer: Extract<ManifestAnswer, { kind: 'tls' }>): RegistryVerdict {
  const leaf = answer.tls?.chain[0];
  switch (answer.failure) {
    case 'expired':
      return leaf ? { kind: 'tls-expired', notAfter: leaf.notAfter } : { kind: 'tls-expired' };
    case 'name-mismatch':
      return { kind: 'tls-name-mismatch', host: hostFromMessage(answer.message), sans: leaf?.sans ?? [] };
    case 'untrusted':
    case 'not-yet-valid':
      return {
        kind: 'tls-untrusted',
        caFiles: answer.tls?.caFiles ?? [],
        chain: answer.tls?.chain ?? [],
        error: answer.tls?.error ?? answer.message,
      };
    case 'handshake':
      return { kind: 'unreachable', failure: 'tls-handshake', message: answer.message };
  }
}

function hostFromMessage(message: string): string {
  return (
    /Host: ([^.\s]+(?:\.[^.\s]+)*)\. is not/.exec(message)?.[1] ??
    /IP: ([^\s]+) is not/.exec(message)?.[1] ??
    ''
  );
}

function classifyHttp(
  answer: Extract<ManifestAnswer, { kind: 'http' }>,
  expectDigest?: string,
): RegistryVerdict {
  const { status } = answer;
  if (status >= 200 && status < 300) {
    if (expectDigest !== undefined && answer.digest !== undefined && answer.digest !== expectDigest) {
      return {
        kind: 'digest-mismatch',
        expected: expectDigest,
        actual: answer.digest,
        ...(answer.mediaType !== undefined ? { mediaType: answer.mediaType } : {}),
      };
    }
    return {
      kind: 'present',
      ...(answer.digest !== undefined ? { digest: answer.digest } : {}),
      ...(answer.mediaType !== undefined ? { mediaType: answer.mediaType } : {}),
    };
  }
  if (status === 404) {
    const codes = answer.errorCodes ?? [];
    if (codes.includes('NAME_UNKNOWN')) return { kind: 'absent', reason: 'name-unknown' };
    if (codes.includes('MANIFEST_UNKNOWN')) return { kind: 'absent', reason: 'manifest-unknown' };
    return { kind: 'absent', reason: 'not-found' };
  }
  if (status === 401) {
    switch (answer.auth) {
      case 'anonymous-token':
        return { kind: 'absent', reason: 'unknown-or-unauthorized' };
      case 'none':
        return {
          kind: 'anonymous-refused',
          challenge:
            answer.challenge?.scheme === 'basic'
              ? 'basic'
              : answer.challenge?.scheme === 'bearer'
                ? 'bearer'
                : 'other',
        };
      case 'basic':
      case 'credentials-token':
        return { kind: 'credentials-refused', status };
    }
  }
  return classifyStatusWithoutManifest(
    status,
    answer.auth === 'none' || answer.auth === 'anonymous-token' ? 'anonymous' : 'credentials',
    answer,
  );
}

/** Status codes that say nothing about the manifest itself (also used for token-server answers). */
function classifyStatusWithoutManifest(
  status: number,
  who: 'anonymous' | 'credentials',
  answer?: Extract<ManifestAnswer, { kind: 'http' }>,
): RegistryVerdict {
  if (status === 401 || (status === 403 && answer === undefined)) {
    return who === 'anonymous'
      ? { kind: 'anonymous-refused', challenge: 'bearer' }
      : { kind: 'credentials-refused', status };
  }
  if (status === 403) return { kind: 'forbidden' };
  if (status === 429) {
    return answer?.retryAfterSeconds !== undefined
      ? { kind: 'rate-limited', retryAfterSeconds: answer.retryAfterSeconds }
      : { kind: 'rate-limited' };
  }
  if (status >= 500) return { kind: 'registry-error', status };
  return answer?.errorCodes?.length
    ? { kind: 'unexpected', status, errorCodes: answer.errorCodes }
    : { kind: 'unexpected', status };
}

/** The REG check each verdict becomes (src/model/checks/registry.ts). */
export const VERDICT_CODES = {
  present: 'REG-001',
  absent: 'REG-002',
  'anonymous-refused': 'REG-003',
  'credentials-refused': 'REG-004',
  forbidden: 'REG-005',
  'digest-mismatch': 'REG-006',
  'public-not-contacted': 'REG-007',
  'tls-untrusted': 'REG-101',
  'tls-expired': 'REG-102',
  'tls-name-mismatch': 'REG-104',
  unreachable: 'REG-105',
  'rate-limited': 'REG-106',
  'registry-error': 'REG-107',
  unexpected: 'REG-108',
} as const satisfies Record<RegistryVerdict['kind'], string>;

export function verdictCode(verdict: RegistryVerdict): (typeof VERDICT_CODES)[RegistryVerdict['kind']] {
  return VERDICT_CODES[verdict.kind];
}

/** A sentence for the verdict (detail of a finding, drill-down line). */
export function describeVerdict(verdict: RegistryVerdict): string {
  switch (verdict.kind) {
    case 'present':
      return `present${verdict.digest ? ` (${verdict.digest}${verdict.mediaType ? `, ${verdict.mediaType}` : ''})` : ''}`;
    case 'absent':
      return verdict.reason === 'unknown-or-unauthorized'
        ? 'the repository does not exist or needs authorization (401 after an anonymous token)'
        : verdict.reason === 'name-unknown'
          ? 'absent: the repository is unknown (NAME_UNKNOWN)'
          : verdict.reason === 'manifest-unknown'
            ? 'absent: the manifest is unknown (MANIFEST_UNKNOWN)'
            : 'absent (404)';
    case 'anonymous-refused':
      return `anonymous pull refused (${verdict.challenge === 'basic' ? 'Basic challenge, no credentials' : 'token server refused an anonymous token'})`;
    case 'credentials-refused':
      return `the configured credentials were refused (${verdict.status})`;
    case 'forbidden':
      return 'forbidden (403)';
    case 'digest-mismatch':
      return `digest mismatch: expected ${verdict.expected}, the registry serves ${verdict.actual}`;
    case 'public-not-contacted':
      return verdict.outside
        ? `${verdict.host} is not a registry the config names ([registry] private, connect_to): judged from the configuration, never contacted`
        : `${verdict.host} is a public registry: judged from the configuration, never contacted`;
    case 'tls-untrusted':
      return `TLS certificate not trusted${verdict.error ? ` (${verdict.error})` : ''}; chain: ${verdict.chain.map((c) => `${c.subject} issued by ${c.issuer}`).join(' <- ') || 'none'}; CA files: ${verdict.caFiles.join(', ') || 'none'}`;
    case 'tls-expired':
      return `TLS certificate expired${verdict.notAfter ? ` on ${verdict.notAfter}` : ''}`;
    case 'tls-name-mismatch':
      return `TLS certificate is not valid for ${verdict.host || 'this host'} (names: ${verdict.sans.join(', ') || 'none'})`;
    case 'unreachable':
      return `unreachable (${verdict.failure}): ${verdict.message}`;
    case 'rate-limited':
      return `rate limited (429)${verdict.retryAfterSeconds !== undefined ? `, retry after ${verdict.retryAfterSeconds}s` : ''}`;
    case 'registry-error':
      return `registry error (${verdict.status})`;
    case 'unexpected':
      return `unexpected answer (${verdict.status}${verdict.errorCodes?.length ? ` ${verdict.errorCodes.join(',')}` : ''})`;
  }
}

/** Days until the earliest notAfter in the served chain, negative once expired. */
export function daysUntilExpiry(tls: TlsInventory, now: Date): number | undefined {
  const ends = tls.chain.map((c) => Date.parse(c.notAfter)).filter((t) => !Number.isNaN(t));
  if (ends.length === 0) return undefined;
  return Math.floor((Math.min(...ends) - now.getTime()) / 86_400_000);
}

/** The TLS inventory's own verdict: expired (REG-102) or expiring within warnDays (REG-103). */
export function tlsExpiryVerdict(
  tls: TlsInventory,
  now: Date,
  warnDays = 30,
): { code: 'REG-102' | 'REG-103'; days: number } | undefined {
  const days = daysUntilExpiry(tls, now);
  if (days === undefined) return undefined;
  if (days < 0) return { code: 'REG-102', days };
  if (days <= warnDays) return { code: 'REG-103', days };
  return undefined;
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), undefined when unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** Error codes of a distribution error body `{"errors":[{"code":"MANIFEST_UNKNOWN",…}]}`. */
export function parseErrorCodes(body: string): string[] {
  try {
    const json = JSON.parse(body) as { errors?: { code?: unknown }[] };
    return (json.errors ?? []).map((e) => e.code).filter((c): c is string => typeof c === 'string');
  } catch {
    return [];
  }
}
