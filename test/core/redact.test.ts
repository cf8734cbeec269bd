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

describe('mayMaskJson: whether masking may touch a value (else its plain JSON is the masked one)', () => {
  const registry = new SecretRegistry();
  registry.add('hunter2-Zq8x-token');
  const cases: [string, unknown, boolean][] = [
    ['plain values', { a: 1, b: 'x', c: [1, 'two', null], d: true, e: null }, false],
    ['a registered secret deep in an array', { a: [{ b: ['ok', 'x hunter2-Zq8x-token'] }] }, true],
    ['a secret upper-cased', { detail: 'HUNTER2-ZQ8X-TOKEN' }, true],
    ['a secret in a key', { 'k hunter2-Zq8x-token': 1 }, true],
    ['URL userinfo nobody registered', { url: 'https://user:pw@host.example/v2' }, true],
    ['a URL without userinfo', { url: 'https://host.example/v2/x?a=b' }, false],
    ['a secret-named key with a string', { password: 'p4ssw0rd' }, true],
    ['a secret-named key with an object', { token: { deep: 'value' } }, true],
    [
      'secret-named keys with counts, flags, empty and null',
      { pass: 3, auth: null, secret: '', insecure: true },
      false,
    ],
    ['strings in an array under a plain key', { list: ['value', 'other'] }, false],
    ['an array under a secret-named key', { password: ['x'] }, true],
    ['a Date (judged as its JSON)', { at: new Date('2026-12-01T00:00:00Z') }, false],
    ['toJSON that reveals a secret', { x: { toJSON: () => 'hunter2-Zq8x-token' } }, true],
    ['userinfo after a non-ASCII letter', { u: 'https://jörg:pw@host.example/v2' }, true],
    ['userinfo after an escaped newline is still looked at', { u: 'https://a\n@b' }, true],
    ['a URL ending at a quote', { u: 'see https://host.example", then a@b' }, false],
  ];
  it.each(cases)('%s: %s', (_, value, expected) => {
    expect(registry.mayMaskJson(JSON.stringify(value, null, 2))).toBe(expected);
    // Whatever it says, the serialisation is the masked one.
    expect(registry.redactedJson(value, 2)).not.toMatch(/hunter2|p4ssw0rd|user:pw/i);
    if (!expected) expect(registry.redactedJson(value, 2)).toBe(JSON.stringify(value, null, 2));
  });

  it('a line of key material holding a quote is found in its JSON-escaped form', () => {
    const withQuote = new SecretRegistry();
    withQuote.add('-----BEGIN X-----\nAAAA"BBBBCCCCDDDDEEEE\n-----END X-----');
    const value = { evidence: 'x AAAA"BBBBCCCCDDDDEEEE y' };
    expect(withQuote.mayMaskJson(JSON.stringify(value))).toBe(true);
    expect(withQuote.redactedJson(value)).not.toContain('BBBBCCCC');
  });

  it('with no secret registered, only URL userinfo and secret-named keys change anything', () => {
    const empty = new SecretRegistry();
    expect(empty.mayMaskJson(JSON.stringify({ detail: 'hunter2-Zq8x-token' }))).toBe(false);
    expect(empty.mayMaskJson(JSON.stringify({ token: 'x' }))).toBe(true);
  });
});
