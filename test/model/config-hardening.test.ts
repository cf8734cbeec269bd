import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, jumpHostProblem, parseConfig } from '../../src/model/config.js';
import { loadAuth } from '../../src/probes/containerd/ssh.js';

function errorOf(text: string): string {
  try {
    parseConfig(text, 'airgap-top.toml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const ignoreEntries = (n: number, extra = '') =>
  Array.from({ length: n }, (_, i) => `[[ignore]]\nnamespace = "ns-${i}"\nreason = "r"\n${extra}`).join('\n');

describe('[[ignore]] errors and warnings', () => {
  it("name the line of the entry they are about, not the first entry's", () => {
    // Entry 0: lines 1-3, entry 1: lines 5-8, entry 2: lines 10-11 (no reason).
    const text = `${ignoreEntries(1)}\n${ignoreEntries(1, 'codes = ["NOPE-1"]\n')}\n[[ignore]]\nnamespace = "x"\n`;
    expect(errorOf(text)).toBe(
      'airgap-top.toml:10: ignore[2].reason every [[ignore]] needs a reason (it is shown beside the exception)',
    );
    const warnings = parseConfig(
      `${ignoreEntries(1)}\n${ignoreEntries(1, 'codes = ["NOPE-1"]\n')}`,
      'a.toml',
    ).warnings;
    expect(warnings).toEqual([
      'a.toml:8: ignore[1].codes names "NOPE-1", which is not a check code (see airgap-top checks); the rule never applies to it',
    ]);
  });

  it('parse in linear work: 8x the entries (each with a warning) is about 8x the lines looked at', () => {
    // A deterministic count of the work: every line looked at is trimmed once per look.
    const count = (n: number) => {
      // The first half has no codes, the second half a code that does not exist (a warning each):
      // finding each warning's line by scanning the file from the top costs O(n) per warning.
      const text = `${ignoreEntries(n / 2)}\n${ignoreEntries(n / 2, 'codes = ["NOPE-1"]\n')}`;
      const trim = vi.spyOn(String.prototype, 'trim');
      try {
        expect(parseConfig(text, 'a.toml').warnings).toHaveLength(n / 2);
        return trim.mock.calls.length;
      } finally {
        trim.mockRestore();
      }
    };
    const small = count(1000);
    const large = count(8000);
    // Linear: ~8; the old per-warning scan of the whole file made it ~64.
    expect(large / small).toBeLessThan(12);
  });
});

describe('values that carry secrets are refused without being echoed', () => {
  it('password_env holding what looks like a password', () => {
    const message = errorOf('[vsphere]\nserver = "vc.example.internal"\npassword_env = "Tr0ub4dor&3!x"\n');
    expect(message).toBe(
      'airgap-top.toml:3: vsphere.password_env must be the NAME of an environment variable (letters, digits, _; e.g. VSPHERE_PASSWORD), not the password; the value is not shown',
    );
    expect(message).not.toContain('Tr0ub4dor');
    expect(
      parseConfig('[vsphere]\nserver = "vc"\npassword_env = "VC_PASS_2"\n', 'a').config.vsphere?.passwordEnv,
    ).toBe('VC_PASS_2');
  });

  it('a vCenter URL with user:password@', () => {
    const message = errorOf('[vsphere]\nserver = "https://admin:S3cretVc!@vc.example.internal/sdk"\n');
    expect(message).toContain('vsphere.server must not carry user:password@');
    expect(message).not.toContain('S3cretVc');
  });

  it('a malformed jump_host, before anything could look it up', () => {
    const withPassword = errorOf('[ssh]\njump_host = "ops:Hunter22@bastion"\n');
    expect(withPassword).toBe(
      'airgap-top.toml:2: ssh.jump_host must not carry a password (user:password@): use a key (identity_file or ssh-agent)',
    );
    expect(errorOf('[ssh]\njump_host = "ops@bad host;rm"\n')).toContain(
      'ssh.jump_host is not [user@]host[:port]',
    );
    expect(errorOf('[ssh]\njump_host = "ops@bastion:99999"\n')).toContain('port outside 1-65535');
    for (const ok of ['bastion', 'ops@10.1.1.1:2200', 'ops@[fd00::1]:22', 'capv@jump-01.example.internal'])
      expect(jumpHostProblem(ok), ok).toBeUndefined();
  });
});

describe('identity_file readable by others', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airgap-idfile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const key = join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);

  it('is warned about and ignored, as OpenSSH does (UNPROTECTED PRIVATE KEY FILE)', async () => {
    chmodSync(key, 0o644);
    const auth = await loadAuth(key, undefined);
    expect(auth.privateKey).toBeUndefined();
    expect(auth.warnings).toEqual([
      `WARNING: UNPROTECTED PRIVATE KEY FILE! Permissions 0644 for '${key}' are too open: a private key must not be accessible by others (chmod 600 '${key}'). This private key will be ignored, as ssh does.`,
    ]);
    expect(auth.notes.join('; ')).toContain('readable by others and was ignored');
  });

  it('a 0600 key is used', async () => {
    chmodSync(key, 0o600);
    const auth = await loadAuth(key, undefined);
    expect(auth.privateKey).toBeDefined();
    expect(auth.warnings).toEqual([]);
  });
});
