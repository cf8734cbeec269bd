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
