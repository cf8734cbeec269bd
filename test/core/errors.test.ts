import { describe, expect, it } from 'vitest';
import { errorMessage, UserFacingError } from '../../src/core/errors.js';

describe('errorMessage', () => {
  it('takes the message of an Error', () => {
    expect(errorMessage(new TypeError('bad input'))).toBe('bad input');
  });

  it('turns anything else thrown into a string', () => {
    expect(errorMessage('plain text')).toBe('plain text');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(undefined)).toBe('undefined');
  });
});

describe('UserFacingError', () => {
  it('carries an optional next step beside its message', () => {
    const plain = new UserFacingError('kubeconfig x does not exist');
    expect(plain.message).toBe('kubeconfig x does not exist');
    expect(plain.nextStep).toBeUndefined();
    const guided = new UserFacingError('no kubeconfig', { nextStep: 'use --kubeconfig FILE' });
    expect(guided.nextStep).toBe('use --kubeconfig FILE');
    expect(guided.name).toBe('UserFacingError');
    expect(guided).toBeInstanceOf(Error);
  });
});
