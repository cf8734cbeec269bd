import { describe, expect, it } from 'vitest';
import { secrets } from '../../../src/core/redact.js';
import { buildContainerdView, endpointsFor } from '../../../src/model/containerd/node-view.js';
import type { ConfigFragment } from '../../../src/model/containerd/parse.js';
import {
  hostDirCandidates,
  matchesGlob,
  mergeFragments,
  parseContainerdConfig,
  parseHostsToml,
  resolveImportPath,
} from '../../../src/model/containerd/parse.js';

function fragment(text: string, file = '/etc/containerd/config.toml', inherited?: 1 | 2 | 3): ConfigFragment {
  const r = parseContainerdConfig(text, file, inherited);
  if (!r.ok) throw new Error(r.problem.message);
  return r.value;
}

describe('parseContainerdConfig', () => {
  it.each([
    [
      'v1: plugins.cri',
      '[plugins.cri]\nsandbox_image = "r.example/pause:1"\n[plugins.cri.registry.mirrors."docker.io"]\nendpoint = ["https://m.example"]',
      1,
      'r.example/pause:1',
    ],
    [
      'v2: io.containerd.grpc.v1.cri',
      'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\nsandbox_image = "r.example/pause:2"\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\nendpoint = ["https://m.example"]',
      2,
      'r.example/pause:2',
    ],
    [
      'v3: single-quoted keys, pinned_images.sandbox',
      "version = 3\n[plugins.'io.containerd.cri.v1.images'.pinned_images]\nsandbox = 'r.example/pause:3'\n[plugins.'io.containerd.cri.v1.images'.registry.mirrors.'docker.io']\nendpoint = ['https://m.example']",
      3,
      'r.example/pause:3',
    ],
  ])('%s', (_name, text, version, sandbox) => {
    const f = fragment(text);
    expect(f.version).toBe(version);
    expect(f.sandboxImage).toBe(sandbox);
    expect(f.mirrors['docker.io']).toEqual(['https://m.example']);
    expect(f.problems).toEqual([]);
  });

  it('reports a malformed file with 1-based line and column instead of throwing', () => {
    const r = parseContainerdConfig(
      'version = 2\n\n[plugins."io.containerd.grpc.v1.cri"\nx = 1\n',
      '/etc/containerd/config.toml',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem).toMatchObject({ kind: 'toml', file: '/etc/containerd/config.toml', line: 3 });
    expect(r.problem.column).toBeGreaterThan(0);
  });

  it('flags settings under the plugin name of another version (silently ignored by containerd)', () => {
    const f = fragment('[plugins."io.containerd.grpc.v1.cri"]\nsandbox_image = "r.example/pause:2"');
    expect(f.version).toBe(1);
    expect(f.sandboxImage).toBeUndefined();
    expect(f.problems.map((p) => p.kind)).toEqual(['ignored-section']);
  });

  it('registers credential values as secrets and keeps only field names', () => {
    const f = fragment(
      'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.configs."r.example".auth]\nusername = "bob"\npassword = "s3cret-Parse-Test"\n[plugins."io.containerd.grpc.v1.cri".registry.auths."https://gcr.io"]\nauth = "YmFzZTY0LXBhcnNlLXRlc3Q="',
    );
    expect(f.credentials).toEqual([
      {
        file: '/etc/containerd/config.toml',
        location: 'registry.configs."r.example".auth',
        host: 'r.example',
        fields: ['username', 'password'],
      },
      {
        file: '/etc/containerd/config.toml',
        location: 'registry.auths."https://gcr.io"',
        host: 'gcr.io',
        fields: ['auth'],
      },
    ]);
    expect(JSON.stringify(f)).not.toContain('s3cret-Parse-Test');
    expect(secrets.redactText('x s3cret-Parse-Test YmFzZTY0LXBhcnNlLXRlc3Q=')).toBe(
      'x [redacted] [redacted]',
    );
  });

  it('registers the password inside auth (base64 user:password) too', () => {
    const f = fragment(
      `version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.configs."r.example".auth]\nauth = "${Buffer.from('bob:Decoded-Pass-77').toString('base64')}"`,
    );
    expect(f.credentials[0]?.fields).toEqual(['auth']);
    expect(secrets.redactText('pw Decoded-Pass-77')).toBe('pw [redacted]');
  });

  it('records insecure_skip_verify', () => {
    const f = fragment(
      'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.configs."r.example:5000".tls]\ninsecure_skip_verify = true',
    );
    expect(f.skipVerify).toEqual([
      {
        file: '/etc/containerd/config.toml',
        location: 'registry.configs."r.example:5000".tls.insecure_skip_verify',
        host: 'r.example:5000',
      },
    ]);
  });

  it('imports without a version inherit the main file schema', () => {
    const f = fragment(
      '[plugins."io.containerd.grpc.v1.cri"]\nsandbox_image = "r.example/p:1"',
      '/etc/containerd/conf.d/a.toml',
      2,
    );
    expect(f.version).toBe(2);
    expect(f.sandboxImage).toBe('r.example/p:1');
  });
});

describe('mergeFragments (containerd mergeConfig)', () => {
  it('later scalars win, endpoint lists append without duplicates, tls merges by field', () => {
    const main = fragment(
      'version = 2\nimports = ["conf.d/*.toml"]\n[plugins."io.containerd.grpc.v1.cri"]\nsandbox_image = "a/pause:1"\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."gcr.io"]\nendpoint = ["https://m1"]\n[plugins."io.containerd.grpc.v1.cri".registry.configs."m1".tls]\nca_file = "/a.crt"',
    );
    const dropIn = fragment(
      '[plugins."io.containerd.grpc.v1.cri"]\nsandbox_image = "b/pause:2"\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."gcr.io"]\nendpoint = ["https://m1", "https://m2"]\n[plugins."io.containerd.grpc.v1.cri".registry.configs."m1".tls]\ninsecure_skip_verify = true',
      '/etc/containerd/conf.d/x.toml',
      2,
    );
    const merged = mergeFragments([main, dropIn]);
    expect(merged.sandboxImage).toBe('b/pause:2');
    expect(merged.mirrors['gcr.io']).toEqual(['https://m1', 'https://m2']);
    expect(merged.tls.m1).toEqual({
      caFile: '/a.crt',
      certFile: undefined,
      keyFile: undefined,
      insecureSkipVerify: true,
    });
    expect(merged.files).toEqual(['/etc/containerd/config.toml', '/etc/containerd/conf.d/x.toml']);
  });
});

describe('paths', () => {
  it.each([
    [
      'registry.example.internal:5000',
      ['registry.example.internal_5000_', 'registry.example.internal:5000', '_default'],
    ],
    ['gcr.io', ['gcr.io', '_default']],
  ])('hostDirCandidates(%s)', (host, dirs) => expect(hostDirCandidates(host)).toEqual(dirs));

  it('resolves imports relative to the importing file and matches globs on the last component', () => {
    expect(resolveImportPath('/etc/containerd/config.toml', 'conf.d/*.toml')).toBe(
      '/etc/containerd/conf.d/*.toml',
    );
    expect(resolveImportPath('/etc/containerd/config.toml', '/opt/x.toml')).toBe('/opt/x.toml');
    expect(matchesGlob('*.toml', '10-a.toml')).toBe(true);
    expect(matchesGlob('*.toml', 'a.toml.bak')).toBe(false);
  });
});

describe('endpointsFor', () => {
  const legacy = buildContainerdView(
    mergeFragments([
      fragment(
        'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."gcr.io"]\nendpoint = ["https://172.18.0.20:5000"]\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."*"]\nendpoint = ["https://catch.all"]\n[plugins."io.containerd.grpc.v1.cri".registry.configs."172.18.0.20:5000".tls]\nca_file = "/etc/ca.crt"',
      ),
    ]),
    [],
  );

  it.each([
    ['gcr.io', ['https://172.18.0.20:5000', 'https://gcr.io']],
    ['quay.io', ['https://catch.all', 'https://quay.io']],
    ['docker.io', ['https://catch.all', 'https://registry-1.docker.io']],
  ])('legacy mirrors: %s', (host, urls) => {
    expect(endpointsFor(legacy, host).endpoints.map((e) => e.url)).toEqual(urls);
  });

  it('legacy TLS applies by endpoint host', () => {
    expect(endpointsFor(legacy, 'gcr.io').endpoints[0]?.caFiles).toEqual(['/etc/ca.crt']);
  });

  it('hosts.toml: host_port_ dir first, [host] entries in order, then server; pull capability only', () => {
    const hosts = parseHostsToml(
      'server = "https://r.example:5000"\n[host."https://push-only.example"]\ncapabilities = ["push"]\n[host."https://m1.example"]\ncapabilities = ["pull", "resolve"]\nca = "ca.crt"\nskip_verify = true\n[host."m2.example"]\noverride_path = true',
      '/etc/containerd/certs.d/r.example_5000_/hosts.toml',
      'r.example_5000_',
    );
    expect(hosts.ok).toBe(true);
    if (!hosts.ok) return;
    const view = buildContainerdView(
      mergeFragments([
        fragment(
          'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\nconfig_path = "/etc/containerd/certs.d"',
        ),
      ]),
      [
        { dirName: 'r.example_5000_', hostsFile: hosts.value, certFiles: [], clientCertificate: false },
        {
          dirName: '_default',
          certFiles: ['/etc/containerd/certs.d/_default/ca.crt'],
          clientCertificate: false,
        },
      ],
    );
    const r = endpointsFor(view, 'r.example:5000');
    expect(r.registry?.host).toBe('r.example_5000_');
    expect(r.endpoints.map((e) => [e.url, e.role])).toEqual([
      ['https://m1.example', 'mirror'],
      ['https://m2.example', 'mirror'],
      ['https://r.example:5000', 'server'],
    ]);
    expect(r.endpoints[0]).toMatchObject({
      caFiles: ['/etc/containerd/certs.d/r.example_5000_/ca.crt'],
      skipVerify: true,
    });
    expect(r.endpoints[1]?.overridePath).toBe(true);
    // Any other host falls to _default (Docker cert layout: the upstream with its CA).
    expect(endpointsFor(view, 'quay.io').endpoints).toMatchObject([
      { url: 'https://quay.io', caFiles: ['/etc/containerd/certs.d/_default/ca.crt'] },
    ]);
  });

  it('hosts.toml mode without a directory for the host: the upstream only', () => {
    const view = buildContainerdView(
      mergeFragments([
        fragment(
          'version = 3\n[plugins."io.containerd.cri.v1.images".registry]\nconfig_path = "/etc/containerd/certs.d"',
        ),
      ]),
      [],
    );
    expect(endpointsFor(view, 'registry.k8s.io').endpoints.map((e) => e.url)).toEqual([
      'https://registry.k8s.io',
    ]);
    expect(view.sandboxImage).toBe('registry.k8s.io/pause:3.10');
    expect(view.sandboxImageSource).toBe('default');
  });
});
