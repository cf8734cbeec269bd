import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshConfig } from '../../../src/model/config.js';
import { evaluateContainerd } from '../../../src/model/containerd/evaluate.js';
import type { ContainerdData, NodeContainerdRecord } from '../../../src/model/containerd/types.js';
import { sweepNodes } from '../../../src/probes/containerd/index.js';
import { sshdAvailable, startSshd, sweepTargets, type TestSshd, testSshConfig } from '../../helpers/sshd.js';

/**
 * What a hostile or broken node must not do to the sweep, against a real OpenSSH sshd: make it trust
 * a host key whose type changed, or make it hold an endless file in memory.
 */
const NODES_DIR = join(import.meta.dirname, '../../../fixtures/containerd/nodes');
const NAMES = ['type-changed', 'zero', 'big', 'zero-import'] as const;
const NOW = new Date('2026-11-22T00:00:00Z');

const noResolve = async (name: string): Promise<string[]> => {
  throw new Error(`no DNS in tests (${name})`);
};

describe.skipIf(!process.env.CI && !sshdAvailable())('node reads against a real sshd: limits', () => {
  let sshd: TestSshd;
  let work: string;
  let ecdsaLine: string;

  beforeAll(async () => {
    sshd = await startSshd(NAMES.map((name) => ({ name, tree: join(NODES_DIR, 'ib-v2') })));
    work = mkdtempSync(join(tmpdir(), 'airgap-ssh-limits-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', join(work, 'ecdsa')]);
    ecdsaLine = readFileSync(join(work, 'ecdsa.pub'), 'utf8').split(' ').slice(0, 2).join(' ');

    // config.toml -> /dev/zero: stat says 0 bytes, reading never ends. The chroot gets its own /dev/zero.
    const zero = sshd.root('zero');
    mkdirSync(join(zero, 'dev'), { mode: 0o755 });
    execFileSync('mknod', ['-m', '444', join(zero, 'dev/zero'), 'c', '1', '5']);
    unlinkSync(join(zero, 'etc/containerd/config.toml'));
    symlinkSync('/dev/zero', join(zero, 'etc/containerd/config.toml'));

    // A 50 MB config.toml (sparse): too large, said as such.
    truncateSync(join(sshd.root('big'), 'etc/containerd/config.toml'), 50 * 1000 * 1000);

    // An import that never ends: one problem on that file, the rest of the node still judged.
    const zi = sshd.root('zero-import');
    mkdirSync(join(zi, 'dev'), { mode: 0o755 });
    execFileSync('mknod', ['-m', '444', join(zi, 'dev/zero'), 'c', '1', '5']);
    symlinkSync('/dev/zero', join(zi, 'etc/containerd/conf.d/20-zero.toml'));
  });
  afterAll(async () => {
    await sshd?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const sshConfig = (knownHostsText: string, file: string, extra: Partial<SshConfig> = {}): SshConfig =>
    testSshConfig(sshd, { dir: work, file, knownHostsText, nodes: NAMES, readTimeoutSeconds: 20 }, extra);
  const targets = sweepTargets;

  function codes(nodes: NodeContainerdRecord[]): string[] {
    const data: ContainerdData = { source: 'ssh', nodes, sweptAt: NOW.toISOString(), durationMs: 0 };
    return evaluateContainerd(data, undefined, ['registry.example.internal'], NOW)
      .map((f) => `${f.code} ${f.subject.node ?? f.subject.name}`)
      .sort();
  }

  it('--ssh-accept-new refuses a host key whose type changed (ECDSA known, ed25519 offered), as OpenSSH does', async () => {
    const ssh = sshConfig(sshd.knownHosts(['type-changed'], ecdsaLine), 'kh-type', { acceptNew: true });
    const before = readFileSync(ssh.knownHosts ?? '', 'utf8');
    const [record] = await sweepNodes(targets(ssh, ['type-changed']), ssh, { resolve: noResolve });
    expect(record?.failure?.kind).toBe('host-key-mismatch');
    expect(record?.failure?.message).toContain('line 1 records a different key (ecdsa-sha2-nistp256');
    expect(record?.failure?.message).toContain('now offers ssh-ed25519');
    expect(record?.hostKeyRecorded).toBeUndefined();
    expect(codes(record ? [record] : [])).toEqual(['CTRD-103 type-changed']);
    // Nothing appended, and sshd never saw a login on that port.
    expect(readFileSync(ssh.knownHosts ?? '', 'utf8')).toBe(before);
    expect(sshd.log()).toMatch(new RegExp(`on 127\\.0\\.0\\.1 port ${sshd.ports['type-changed']}\\b`));
    expect(sshd.loggedIn('type-changed')).toBe(false);
  });

  it('stops reading config.toml at the 1 MiB cap whatever stat said (a link to /dev/zero)', async () => {
    const ssh = sshConfig(sshd.knownHosts(['zero']), 'kh-zero');
    const [record] = await sweepNodes(targets(ssh, ['zero']), ssh, { resolve: noResolve });
    // Before the cap held on reads, this ran into the read timeout holding everything read so far.
    expect(record?.failure).toEqual({
      kind: 'too-large',
      message: '/etc/containerd/config.toml: larger than the 1 MiB read cap, not read.',
      path: '/etc/containerd/config.toml',
    });
    expect(codes(record ? [record] : [])).toEqual(['CTRD-109 zero']);
    expect(sshd.loggedIn('zero')).toBe(true);
  });

  it('a 50 MB config.toml is "too large", not "permission denied"', async () => {
    const ssh = sshConfig(sshd.knownHosts(['big']), 'kh-big');
    const [record] = await sweepNodes(targets(ssh, ['big']), ssh, { resolve: noResolve });
    expect(record?.failure?.kind).toBe('too-large');
    expect(record?.failure?.message).toContain('larger than the 1 MiB read cap');
    expect(record?.failure?.message).not.toMatch(/permission/i);
    expect(codes(record ? [record] : [])).toEqual(['CTRD-109 big']);
  });

  it('an endless import is one problem naming the cap; the rest of the node is judged', async () => {
    const ssh = sshConfig(sshd.knownHosts(['zero-import']), 'kh-zi');
    const [record] = await sweepNodes(targets(ssh, ['zero-import']), ssh, { resolve: noResolve });
    expect(record?.failure).toBeUndefined();
    expect(record?.problems).toEqual([
      {
        kind: 'unreadable-file',
        file: '/etc/containerd/conf.d/20-zero.toml',
        message: '/etc/containerd/conf.d/20-zero.toml: larger than the 1 MiB read cap, not read',
      },
    ]);
    expect(record?.view?.files).toEqual([
      '/etc/containerd/config.toml',
      '/etc/containerd/conf.d/10-memory.toml',
    ]);
  });
});
