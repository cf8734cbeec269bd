import { describe, expect, it } from 'vitest';
import { REDACTED, SecretRegistry } from '../../src/core/redact.js';

describe('SecretRegistry', () => {
  it('masks registered secrets in text and deep values, and secret-named keys whole', () => {
    const s = new SecretRegistry();
    s.add('s3cr3t-token-value');
    s.add('ab'); // too short to mask safely: refused
    expect(s.redactText('Authorization: Bearer s3cr3t-token-value!')).toBe(
      `Authorization: Bearer ${REDACTED}!`,
    );
    expect(s.redactText('ab cd')).toBe('ab cd');
    const value = {
      a: ['x s3cr3t-token-value'],
      auth: { username: 'u', password: 'p4ss' },
      identitytoken: 'zz',
      ok: true,
    };
    expect(s.redactDeep(value)).toEqual({
      a: [`x ${REDACTED}`],
      auth: REDACTED,
      identitytoken: REDACTED,
      ok: true,
    });
    expect(value.a[0]).toBe('x s3cr3t-token-value');
  });

  it('masks each long line of multi-line key material', () => {
    const s = new SecretRegistry();
    s.add('-----BEGIN KEY-----\nAAAABBBBCCCCDDDDEEEE\nFFFFGGGGHHHHIIIIJJJJ\n-----END KEY-----');
    expect(s.redactText('leaked FFFFGGGGHHHHIIIIJJJJ here')).toBe(`leaked ${REDACTED} here`);
  });
});

describe('redactedJson', () => {
  const registry = new SecretRegistry();
  registry.add('hunter2-Zq8x-token');
  const cases: [string, unknown][] = [
    ['plain values', { a: 1, b: 'x', c: [1, 'two', null], d: true, e: null }],
    [
      'a registered secret in a value, a key and an array',
      {
        detail: 'token hunter2-Zq8x-token seen',
        list: ['hunter2-Zq8x-token', 'ok'],
        'https://robot:hunter2-Zq8x-token@r.example/v2': { nested: 'x' },
      },
    ],
    [
      'secret-named keys: masked whole, counts and flags kept',
      {
        password: 'p4ssw0rd',
        token: { deep: 'value' },
        pass: 3,
        insecure: true,
        secret: '',
        auth: null,
      },
    ],
    ['URL userinfo nobody registered', { url: 'https://user:pw-unregistered@host.example/v2/x' }],
    ['dates and nested arrays', { at: new Date('2026-12-01T00:00:00Z'), m: [[{ token: 'x1234' }]] }],
  ];
  it.each(cases)('%s: the same text as JSON.stringify(redactDeep(value))', (_, value) => {
    expect(registry.redactedJson(value, 2)).toBe(JSON.stringify(registry.redactDeep(value), null, 2));
    expect(registry.redactedJson(value)).not.toContain('hunter2-Zq8x-token');
  });
});
