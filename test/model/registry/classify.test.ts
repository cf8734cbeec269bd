import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../../src/model/checks/index.js';
import {
  classifyAnswer,
  daysUntilExpiry,
  describeVerdict,
  parseErrorCodes,
  parseRetryAfter,
  tlsExpiryVerdict,
  VERDICT_CODES,
  verdictCode,
} from '../../../src/model/registry/classify.js';
import type { ManifestAnswer, RegistryVerdict, TlsInventory } from '../../../src/model/registry/types.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const http = (
  status: number,
  extra: Partial<Extract<ManifestAnswer, { kind: 'http' }>> = {},
): ManifestAnswer => ({
  kind: 'http',
  status,
  method: 'HEAD',
  auth: 'none',
  ...extra,
});
const chain = [
  {
    subject: 'CN=registry',
    issuer: 'CN=Other CA',
    sans: ['DNS:r.example'],
    notBefore: '2025-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    fingerprint256: 'AA',
  },
];

describe('classifyAnswer', () => {
  const cases: [string, ManifestAnswer, string | undefined, RegistryVerdict, string][] = [
    [
      '200 with digest',
      http(200, { digest: D1, mediaType: 'application/vnd.oci.image.index.v1+json' }),
      undefined,
      { kind: 'present', digest: D1, mediaType: 'application/vnd.oci.image.index.v1+json' },
      'REG-001',
    ],
    ['200, pinned digest equal', http(200, { digest: D1 }), D1, { kind: 'present', digest: D1 }, 'REG-001'],
    [
      '200, pinned digest differs',
      http(200, { digest: D2, mediaType: 'm' }),
      D1,
      { kind: 'digest-mismatch', expected: D1, actual: D2, mediaType: 'm' },
      'REG-006',
    ],
    ['404 HEAD (no body)', http(404), undefined, { kind: 'absent', reason: 'not-found' }, 'REG-002'],
    [
      '404 MANIFEST_UNKNOWN',
      http(404, { method: 'GET', errorCodes: ['MANIFEST_UNKNOWN'] }),
      undefined,
      { kind: 'absent', reason: 'manifest-unknown' },
      'REG-002',
    ],
    [
      '404 NAME_UNKNOWN',
      http(404, { method: 'GET', errorCodes: ['NAME_UNKNOWN'] }),
      undefined,
      { kind: 'absent', reason: 'name-unknown' },
      'REG-002',
    ],
    [
      '401 after an anonymous token: missing or needs auth',
      http(401, { auth: 'anonymous-token' }),
      undefined,
      { kind: 'absent', reason: 'unknown-or-unauthorized' },
      'REG-002',
    ],
    [
      '401 Basic, no credentials',
      http(401, { challenge: { scheme: 'basic', realm: 'r' } }),
      undefined,
      { kind: 'anonymous-refused', challenge: 'basic' },
      'REG-003',
    ],
    [
      '401 with an unusable challenge',
      http(401, { challenge: { scheme: 'other', raw: 'Negotiate' } }),
      undefined,
      { kind: 'anonymous-refused', challenge: 'other' },
      'REG-003',
    ],
    [
      'token server refuses anonymous',
      { kind: 'token-refused', status: 401, withCredentials: false },
      undefined,
      { kind: 'anonymous-refused', challenge: 'bearer' },
      'REG-003',
    ],
    [
      'token server 403 anonymous',
      { kind: 'token-refused', status: 403, withCredentials: false },
      undefined,
      { kind: 'anonymous-refused', challenge: 'bearer' },
      'REG-003',
    ],
    [
      'token server refuses credentials',
      { kind: 'token-refused', status: 401, withCredentials: true },
      undefined,
      { kind: 'credentials-refused', status: 401 },
      'REG-004',
    ],
    [
      'token server down',
      { kind: 'token-refused', status: 502, withCredentials: false },
      undefined,
      { kind: 'registry-error', status: 502 },
      'REG-107',
    ],
    [
      '401 after Basic credentials',
      http(401, { auth: 'basic' }),
      undefined,
      { kind: 'credentials-refused', status: 401 },
      'REG-004',
    ],
    [
      '401 after a credentials token',
      http(401, { auth: 'credentials-token' }),
      undefined,
      { kind: 'credentials-refused', status: 401 },
      'REG-004',
    ],
    ['403', http(403, { auth: 'anonymous-token' }), undefined, { kind: 'forbidden' }, 'REG-005'],
    [
      '429 with Retry-After',
      http(429, { retryAfterSeconds: 30 }),
      undefined,
      { kind: 'rate-limited', retryAfterSeconds: 30 },
      'REG-106',
    ],
    ['429 without', http(429), undefined, { kind: 'rate-limited' }, 'REG-106'],
    ['500', http(500), undefined, { kind: 'registry-error', status: 500 }, 'REG-107'],
    ['503', http(503), undefined, { kind: 'registry-error', status: 503 }, 'REG-107'],
    [
      '400 with codes',
      http(400, { errorCodes: ['NAME_INVALID'] }),
      undefined,
      { kind: 'unexpected', status: 400, errorCodes: ['NAME_INVALID'] },
      'REG-108',
    ],
    ['302', http(302), undefined, { kind: 'unexpected', status: 302 }, 'REG-108'],
    [
      'public registry',
      { kind: 'public-refused', host: 'gcr.io' },
      undefined,
      { kind: 'public-not-contacted', host: 'gcr.io' },
      'REG-007',
    ],
    [
      'refused',
      { kind: 'network', failure: 'refused', message: 'connect ECONNREFUSED' },
      undefined,
      { kind: 'unreachable', failure: 'refused', message: 'connect ECONNREFUSED' },
      'REG-105',
    ],
    [
      'timeout',
      { kind: 'network', failure: 'timeout', message: 't' },
      undefined,
      { kind: 'unreachable', failure: 'timeout', message: 't' },
      'REG-105',
    ],
    [
      'dns',
      { kind: 'network', failure: 'dns', message: 'ENOTFOUND' },
      undefined,
      { kind: 'unreachable', failure: 'dns', message: 'ENOTFOUND' },
      'REG-105',
    ],
    [
      'handshake failure',
      { kind: 'tls', failure: 'handshake', message: 'wrong version number' },
      undefined,
      { kind: 'unreachable', failure: 'tls-handshake', message: 'wrong version number' },
      'REG-105',
    ],
    [
      'untrusted chain: chain and CA files said',
      {
        kind: 'tls',
        failure: 'untrusted',
        message: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        tls: {
          chain,
          caFiles: ['/etc/containerd/r.crt'],
          trusted: false,
          skipVerify: false,
          error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        },
      },
      undefined,
      {
        kind: 'tls-untrusted',
        caFiles: ['/etc/containerd/r.crt'],
        chain,
        error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      },
      'REG-101',
    ],
    [
      'expired',
      {
        kind: 'tls',
        failure: 'expired',
        message: 'CERT_HAS_EXPIRED',
        tls: { chain, caFiles: [], trusted: false, skipVerify: false },
      },
      undefined,
      { kind: 'tls-expired', notAfter: '2027-01-01T00:00:00.000Z' },
      'REG-102',
    ],
    [
      'wrong name (IP)',
      {
        kind: 'tls',
        failure: 'name-mismatch',
        message: "IP: 127.0.0.1 is not in the cert's list: ",
        tls: { chain, caFiles: [], trusted: false, skipVerify: false },
      },
      undefined,
      { kind: 'tls-name-mismatch', host: '127.0.0.1', sans: ['DNS:r.example'] },
      'REG-104',
    ],
    [
      'wrong name (DNS)',
      {
        kind: 'tls',
        failure: 'name-mismatch',
        message: "Host: registry.test. is not in the cert's altnames: DNS:r.example",
      },
      undefined,
      { kind: 'tls-name-mismatch', host: 'registry.test', sans: [] },
      'REG-104',
    ],
  ];
  it.each(cases)('%s', (_name, answer, expect_, verdict, code) => {
    const got = classifyAnswer(answer, expect_);
    expect(got).toEqual(verdict);
    expect(verdictCode(got)).toBe(code);
    expect(describeVerdict(got).length).toBeGreaterThan(5);
  });

  it('says both readings of 401-after-anonymous-token', () => {
    expect(describeVerdict({ kind: 'absent', reason: 'unknown-or-unauthorized' })).toMatch(
      /does not exist or needs authorization/,
    );
  });

  it('maps every verdict to a declared REG check', () => {
    for (const code of Object.values(VERDICT_CODES)) expect(CHECKS).toHaveProperty(code);
  });
});

describe('TLS expiry of an endpoint', () => {
  const inv = (notAfter: string): TlsInventory => ({
    chain: [{ ...chain[0]!, notAfter }],
    caFiles: [],
    trusted: true,
    skipVerify: false,
  });
  const now = new Date('2026-12-01T00:00:00Z');
  it.each([
    ['expired', '2026-11-20T00:00:00Z', { code: 'REG-102', days: -11 }],
    ['in 5 days', '2026-12-06T00:00:00Z', { code: 'REG-103', days: 5 }],
    ['in 30 days (the edge)', '2026-12-31T00:00:00Z', { code: 'REG-103', days: 30 }],
    ['in 31 days', '2027-01-01T00:00:00Z', undefined],
  ])('%s', (_n, notAfter, expected) => {
    expect(tlsExpiryVerdict(inv(notAfter), now)).toEqual(expected);
  });
  it('takes the earliest certificate of the chain, none for an empty chain', () => {
    const two: TlsInventory = {
      ...inv('2030-01-01T00:00:00Z'),
      chain: [
        { ...chain[0]!, notAfter: '2030-01-01T00:00:00Z' },
        { ...chain[0]!, notAfter: '2026-12-03T00:00:00Z' },
      ],
    };
    expect(daysUntilExpiry(two, now)).toBe(2);
    expect(daysUntilExpiry({ ...two, chain: [] }, now)).toBeUndefined();
  });
});

describe('header and body helpers', () => {
  const now = new Date('2026-12-01T00:00:00Z');
  it.each([
    ['120', 120],
    [' 0 ', 0],
    ['Tue, 01 Dec 2026 00:01:00 GMT', 60],
    ['Mon, 30 Nov 2026 00:00:00 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('Retry-After %s', (value, seconds) => {
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });
  it('reads distribution error codes', () => {
    expect(parseErrorCodes('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}')).toEqual([
      'MANIFEST_UNKNOWN',
    ]);
    expect(parseErrorCodes('not json')).toEqual([]);
  });
});
