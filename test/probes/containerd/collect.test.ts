import { describe, expect, it } from 'vitest';
import { collectNode } from '../../../src/probes/containerd/collect.js';
import {
  type DirEntry,
  NodeFileError,
  type NodeFileSource,
} from '../../../src/probes/containerd/file-source.js';

/** An in-memory node whose listed paths fail the way a real node can. */
function source(
  files: Record<string, string>,
  failing: Record<string, NodeFileError['kind']> = {},
): NodeFileSource {
  const fail = (path: string) => {
    const kind = failing[path];
    if (kind) throw new NodeFileError(kind, path, `${path}: ${kind}`);
  };
  return {
    description: 'memory',
    async readFile(path) {
      fail(path);
      const text = files[path];
      if (text === undefined) throw new NodeFileError('missing', path, `${path}: no such file`);
      return Buffer.from(text);
    },
    async readDir(path): Promise<DirEntry[]> {
      fail(path);
      const prefix = `${path.replace(/\/$/, '')}/`;
      const names = new Map<string, boolean>();
      for (const f of Object.keys(files)) {
        if (!f.startsWith(prefix)) continue;
        const [first, ...rest] = f.slice(prefix.length).split('/');
        if (first) names.set(first, rest.length > 0);
      }
      if (names.size === 0) throw new NodeFileError('missing', path, `${path}: no such directory`);
      return [...names].map(([name, isDirectory]) => ({ name, isDirectory }));
    },
    close() {},
  };
}

const MAIN = 'version = 2\nimports = ["/etc/containerd/conf.d/*.toml", "/etc/containerd/extra.toml"]\n';

describe('collectNode', () => {
  it('follows imports (glob sorted, imports of imports), reports a missing non-glob import and a bad drop-in', async () => {
    const record = await collectNode(
      source({
        '/etc/containerd/config.toml': MAIN,
        '/etc/containerd/conf.d/20-b.toml':
          '[plugins."io.containerd.grpc.v1.cri"]\nsandbox_image = "b/pause:2"\n',
        '/etc/containerd/conf.d/10-a.toml':
          'imports = ["nested.toml"]\n[plugins."io.containerd.grpc.v1.cri"]\nsandbox_image = "a/pause:1"\n',
        '/etc/containerd/conf.d/nested.toml':
          '[plugins."io.containerd.grpc.v1.cri".registry.mirrors."quay.io"]\nendpoint = ["https://m"]\n',
        '/etc/containerd/conf.d/30-bad.toml': 'this is = = not toml',
      }),
      'n1',
      'memory',
    );
    expect(record.view?.files).toEqual([
      '/etc/containerd/config.toml',
      '/etc/containerd/conf.d/10-a.toml',
      '/etc/containerd/conf.d/20-b.toml',
      '/etc/containerd/conf.d/nested.toml',
    ]);
    expect(record.view?.sandboxImage).toBe('b/pause:2');
    expect(record.view?.registries.map((r) => r.host)).toEqual(['quay.io']);
    expect(record.problems.map((p) => `${p.kind} ${p.file}`)).toEqual([
      'toml /etc/containerd/conf.d/30-bad.toml',
      'missing-file /etc/containerd/extra.toml',
    ]);
  });

  it('a node that stops answering after config.toml is a timeout for the node, not a list of missing files', async () => {
    const record = await collectNode(
      source({ '/etc/containerd/config.toml': MAIN }, { '/etc/containerd/conf.d': 'timeout' }),
      'n2',
      'memory',
    );
    expect(record.failure).toMatchObject({ kind: 'timeout', path: '/etc/containerd/conf.d' });
    expect(record.problems).toEqual([]);
  });

  it('permission denied on config.toml is the node failure CTRD-105 reads', async () => {
    const record = await collectNode(
      source({}, { '/etc/containerd/config.toml': 'permission' }),
      'n3',
      'memory',
    );
    expect(record.failure?.kind).toBe('permission-denied');
  });
});
