import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserFacingError } from '../../../src/core/errors.js';
import { dumpObjectFiles, loadDumpObjects } from '../../../src/dump/index.js';
import { readDumpNodes } from '../../../src/probes/containerd/index.js';

/**
 * A support bundle comes from elsewhere: its links must not make `--from-dump` read the analyst's own
 * machine, and its files must not grow memory without bound.
 */
const NODE = join(import.meta.dirname, '../../../fixtures/containerd/nodes/ib-v2');
const CONFIG = 'etc/containerd/config.toml';
const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec: {containers: []}\n';

describe('--from-dump: links and sizes', () => {
  let work: string;
  let outside: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'airgap-dump-links-'));
    outside = join(work, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.yaml'), POD);
    writeFileSync(join(outside, 'config.toml'), 'version = 2\n');
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  function dump(name: string, kube: Record<string, string | { link: string }>): string {
    const dir = join(work, name);
    mkdirSync(join(dir, 'kube'), { recursive: true });
    for (const [file, content] of Object.entries(kube)) {
      if (typeof content === 'string') writeFileSync(join(dir, 'kube', file), content);
      else symlinkSync(content.link, join(dir, 'kube', file));
    }
    return dir;
  }

  function node(dir: string, name: string, config: string | { link: string } | Buffer): void {
    const root = join(dir, 'nodes', name);
    cpSync(NODE, root, { recursive: true });
    unlinkSync(join(root, CONFIG));
    if (typeof config === 'object' && 'link' in config) symlinkSync(config.link, join(root, CONFIG));
    else writeFileSync(join(root, CONFIG), config);
  }

  it('refuses a Kubernetes object file that links out of the dump, in one clear line', () => {
    const dir = dump('out', { 'pods.yaml': POD, 'stolen.yaml': { link: join(outside, 'secret.yaml') } });
    expect(() => dumpObjectFiles(dir)).toThrow(UserFacingError);
    expect(() => dumpObjectFiles(dir)).toThrow(
      /^--from-dump: kube\/stolen\.yaml is a symbolic link out of the dump \(to .*secret\.yaml\); not read$/,
    );
  });

  it('a link loop is a clear message, not an internal error', () => {
    const dir = dump('loop', { 'pods.yaml': POD, 'loop.yaml': { link: 'loop.yaml' } });
    expect(() => loadDumpObjects(dir)).toThrow(UserFacingError);
    expect(() => loadDumpObjects(dir)).toThrow('--from-dump: kube/loop.yaml is a symbolic link loop');
  });

  it('still reads a link that stays inside the dump', () => {
    const dir = dump('inside', { 'a-pods.yaml': POD, 'b-same.yaml': { link: 'a-pods.yaml' } });
    expect(loadDumpObjects(dir).documents).toHaveLength(2);
  });

  it('node files: never follow a link out of the node, cap the bytes read, name a loop', async () => {
    const dir = dump('nodes', { 'pods.yaml': POD });
    node(dir, 'n-out', { link: join(outside, 'config.toml') });
    node(dir, 'n-zero', { link: '/dev/zero' });
    node(dir, 'n-big', Buffer.alloc(2 * 1024 * 1024, 0x23)); // 2 MiB of '#': valid TOML, over the cap
    node(dir, 'n-loop', { link: 'config.toml' });
    const records = new Map((await readDumpNodes(dir)).map((r) => [r.node, r]));
    const outsideFailure = {
      kind: 'permission-denied',
      message: "/etc/containerd/config.toml: outside the node's dump directory, not followed.",
    };
    expect(records.get('n-out')?.failure).toMatchObject(outsideFailure);
    expect(records.get('n-zero')?.failure).toMatchObject(outsideFailure);
    expect(records.get('n-big')?.failure).toEqual({
      kind: 'too-large',
      message: '/etc/containerd/config.toml: larger than the 1 MiB read cap, not read.',
      path: '/etc/containerd/config.toml',
    });
    expect(records.get('n-loop')?.failure?.message).toBe(
      '/etc/containerd/config.toml: symbolic link loop (too many levels of links)',
    );
  });
});
