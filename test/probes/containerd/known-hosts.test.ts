import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkHostKey,
  hostToken,
  parseKnownHosts,
  preferredHostKeyAlgorithms,
} from '../../../src/probes/containerd/known-hosts.js';
import { parseJumpHost } from '../../../src/probes/containerd/ssh.js';

/** An SSH public key blob: string type, then some bytes (content is irrelevant to matching). */
function blob(type: string, fill: number): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length, 0);
  return Buffer.concat([len, t, Buffer.alloc(32, fill)]);
}
const ED_A = blob('ssh-ed25519', 1);
const ED_B = blob('ssh-ed25519', 2);
const EC_C = blob('ecdsa-sha2-nistp256', 3);

function hashed(token: string): string {
  const salt = Buffer.alloc(20, 7);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(token).digest('base64')}`;
}

const FILE = [
  '# comment',
  `10.0.0.1,node-a ssh-ed25519 ${ED_A.toString('base64')}`,
  `[10.0.0.2]:2222 ssh-ed25519 ${ED_A.toString('base64')}`,
  `${hashed('10.0.0.3')} ssh-ed25519 ${ED_A.toString('base64')}`,
  `10.0.1.*,!10.0.1.9 ssh-ed25519 ${ED_A.toString('base64')}`,
  `@revoked * ssh-ed25519 ${ED_B.toString('base64')}`,
  `@cert-authority *.example ssh-ed25519 ${ED_B.toString('base64')}`,
  `10.0.0.4 ecdsa-sha2-nistp256 ${EC_C.toString('base64')}`,
].join('\n');
const entries = parseKnownHosts(FILE);

describe('known_hosts', () => {
  it.each([
    ['plain host', hostToken('10.0.0.1', 22), ED_A, 'match'],
    ['alias in the same line', hostToken('node-a', 22), ED_A, 'match'],
    ['[host]:port', hostToken('10.0.0.2', 2222), ED_A, 'match'],
    ['port matters', hostToken('10.0.0.2', 22), ED_A, 'unknown'],
    ['hashed |1| entry', hostToken('10.0.0.3', 22), ED_A, 'match'],
    ['wildcard', hostToken('10.0.1.5', 22), ED_A, 'match'],
    ['negated pattern', hostToken('10.0.1.9', 22), ED_A, 'unknown'],
    ['changed key of a known type', hostToken('10.0.0.1', 22), blob('ssh-ed25519', 9), 'mismatch'],
    ['revoked key', hostToken('10.0.0.1', 22), ED_B, 'revoked'],
    // OpenSSH refuses a key of a new type as a changed key, even with accept-new.
    ['other type known only', hostToken('10.0.0.4', 22), ED_A, 'mismatch'],
    ['nothing known', hostToken('192.0.2.1', 22), ED_A, 'unknown'],
  ])('%s', (_name, token, key, status) => {
    expect(checkHostKey(entries, token, key).status).toBe(status);
  });

  it('reports the lines holding the other key on a mismatch', () => {
    expect(checkHostKey(entries, '10.0.0.1', blob('ssh-ed25519', 9)).lines).toEqual([2]);
  });

  it('prefers the key types known for the host in the handshake, as ssh does', () => {
    expect(
      preferredHostKeyAlgorithms(
        ['ecdsa-sha2-nistp256'],
        ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-512'],
      ),
    ).toEqual(['ecdsa-sha2-nistp256', 'ssh-ed25519', 'rsa-sha2-512']);
  });

  it.each([
    ['bastion', { user: 'capv', host: 'bastion', port: 22 }],
    ['ops@10.1.1.1:2200', { user: 'ops', host: '10.1.1.1', port: 2200 }],
    ['ops@[fd00::1]:22', { user: 'ops', host: 'fd00::1', port: 22 }],
  ])('jump_host %s', (spec, endpoint) => expect(parseJumpHost(spec, 'capv')).toEqual(endpoint));
});
