import { describe, expect, it } from 'vitest';
import type { ContainerdView, EndpointView, RegistryHostView } from '../../../src/model/containerd/types.js';
import { parseImageRef } from '../../../src/model/image-ref.js';
import {
  centralPlan,
  isMirrorFor,
  planKey,
  planProbes,
  pullPlan,
} from '../../../src/model/registry/endpoints.js';
import { manifestUrl } from '../../../src/model/registry/url.js';

/** Endpoint resolution "as the node would pull", on containerd probe records. */
function ep(url: string, role: EndpointView['role'], fields: Partial<EndpointView> = {}): EndpointView {
  return {
    url,
    host: url.replace(/^[a-z]+:\/\//, '').split('/')[0] ?? '',
    role,
    capabilities: ['pull', 'resolve', 'push'],
    caFiles: [],
    skipVerify: false,
    overridePath: false,
    clientCertificate: false,
    ...fields,
  };
}

function view(registries: RegistryHostView[], extra: Partial<ContainerdView> = {}): ContainerdView {
  return {
    version: 3,
    files: ['/etc/containerd/config.toml'],
    sandboxImage: 'registry.internal:5000/pause:3.10',
    sandboxImageSource: 'config',
    configPath: '/etc/containerd/certs.d',
    legacyMirrorHosts: [],
    legacyTlsHosts: [],
    registries,
    credentials: [],
    skipVerify: [],
    ...extra,
  };
}

const hubMirror = view([
  {
    host: 'docker.io',
    source: 'hosts.toml',
    file: '/etc/containerd/certs.d/docker.io/hosts.toml',
    endpoints: [
      ep('https://registry.internal:5000', 'mirror', {
        capabilities: ['pull', 'resolve'],
        caFiles: ['/etc/containerd/certs.d/docker.io/ca.crt'],
      }),
      ep('https://registry-1.docker.io', 'upstream'),
    ],
  },
  {
    host: 'gcr.io',
    source: 'hosts.toml',
    file: '/etc/containerd/certs.d/gcr.io/hosts.toml',
    endpoints: [
      ep('https://pull-only.internal', 'mirror', { capabilities: ['pull'] }),
      ep('https://172.18.0.20:5000/v2/gcr', 'mirror', {
        capabilities: ['pull', 'resolve'],
        overridePath: true,
      }),
      ep('https://gcr.io', 'upstream'),
    ],
  },
  {
    host: '_default',
    source: 'hosts.toml',
    file: '/etc/containerd/certs.d/_default/hosts.toml',
    endpoints: [ep('https://catch-all.internal/prefix/', 'mirror', { skipVerify: true }), ep('', 'upstream')],
  },
]);

describe('pullPlan: the endpoints containerd asks, in order', () => {
  it('a docker.io mirror: asked with ?ns=docker.io, then registry-1.docker.io (public, never dialled)', () => {
    const plan = pullPlan(hubMirror, parseImageRef('nginx:1.25'));
    expect(plan.endpoints.map((e) => [e.url, e.role, e.public])).toEqual([
      ['https://registry.internal:5000', 'mirror', false],
      ['https://registry-1.docker.io', 'upstream', true],
    ]);
    const probes = planProbes(plan);
    expect(probes.map((p) => manifestUrl(p))).toEqual([
      'https://registry.internal:5000/v2/library/nginx/manifests/1.25?ns=docker.io',
    ]);
    expect(probes[0]?.endpoint.caFiles).toEqual(['/etc/containerd/certs.d/docker.io/ca.crt']);
    expect(plan.source).toBe('hosts.toml');
  });

  it('a tag skips hosts without "resolve"; a digest uses every "pull" host (resolver.go filterHosts)', () => {
    const byTag = pullPlan(hubMirror, parseImageRef('gcr.io/kubernetes-e2e-test-images/nautilus:1.0'));
    expect(byTag.endpoints.map((e) => e.url)).toEqual(['https://172.18.0.20:5000/v2/gcr', 'https://gcr.io']);
    const digest = `sha256:${'a'.repeat(64)}`;
    const byDigest = pullPlan(
      hubMirror,
      parseImageRef(`gcr.io/kubernetes-e2e-test-images/nautilus@${digest}`),
    );
    expect(byDigest.byDigest).toBe(true);
    expect(byDigest.reference).toBe(digest);
    expect(byDigest.endpoints.map((e) => e.url)).toEqual([
      'https://pull-only.internal',
      'https://172.18.0.20:5000/v2/gcr',
      'https://gcr.io',
    ]);
  });

  it('override_path: the configured path is the API root (GDC registryMirrors /v2/<ns>)', () => {
    const plan = pullPlan(hubMirror, parseImageRef('gcr.io/kubernetes-e2e-test-images/nautilus:1.0'));
    expect(manifestUrl(planProbes(plan)[0]!)).toBe(
      'https://172.18.0.20:5000/v2/gcr/kubernetes-e2e-test-images/nautilus/manifests/1.0?ns=gcr.io',
    );
  });

  it('_default: a path prefix gets /v2; the namespace host itself comes last, without ns', () => {
    const plan = pullPlan(hubMirror, parseImageRef('registry.example:5000/team/app:2'));
    expect(planProbes(plan).map((p) => [manifestUrl(p), p.endpoint.skipVerify ?? false])).toEqual([
      ['https://catch-all.internal/prefix/v2/team/app/manifests/2?ns=registry.example%3A5000', true],
      ['https://registry.example:5000/v2/team/app/manifests/2', false],
    ]);
  });

  it('no configuration for the host: the registry itself, no ns', () => {
    const plan = pullPlan(view([]), parseImageRef('registry.internal:5000/tkg/antrea:v1'));
    expect(plan.endpoints.map((e) => e.url)).toEqual(['https://registry.internal:5000']);
    expect(planProbes(plan)[0]?.endpoint).toEqual({ scheme: 'https', host: 'registry.internal', port: 5000 });
  });

  it('config_path with legacy mirrors: CRI is disabled, nothing to ask', () => {
    const plan = pullPlan({ ...hubMirror, legacyMirrorHosts: ['docker.io'] }, parseImageRef('nginx'));
    expect(plan.criDisabled).toBe(true);
    expect(planProbes(plan)).toEqual([]);
  });

  it("maps the node's CA paths to the local copies read over SFTP, dropping those not read", () => {
    const plan = pullPlan(hubMirror, parseImageRef('nginx'), {
      localCaFile: (p) => (p.endsWith('docker.io/ca.crt') ? '/tmp/node-a/docker.io-ca.crt' : undefined),
    });
    expect(planProbes(plan)[0]?.endpoint.caFiles).toEqual(['/tmp/node-a/docker.io-ca.crt']);
    const none = pullPlan(hubMirror, parseImageRef('nginx'), { localCaFile: () => undefined });
    expect(planProbes(none)[0]?.endpoint.caFiles).toBeUndefined();
  });

  it('groups nodes by what changes the requests: same config, same key', () => {
    const ref = parseImageRef('nginx:1.25');
    const other = view([
      {
        ...hubMirror.registries[0]!,
        endpoints: [
          ep('https://registry.internal:5000', 'mirror'),
          ep('https://registry-1.docker.io', 'upstream'),
        ],
      },
    ]);
    expect(planKey(pullPlan(hubMirror, ref))).toBe(
      planKey(pullPlan({ ...hubMirror, files: ['/other.toml'] }, ref)),
    );
    expect(planKey(pullPlan(hubMirror, ref))).not.toBe(planKey(pullPlan(other, ref)));
  });
});

describe('centralPlan and isMirrorFor', () => {
  it('without node data: the image registry with the central CA; Docker Hub is public', () => {
    const plan = centralPlan(parseImageRef('registry.internal/tkg/app:1'), ['/etc/airgap-top/ca.crt']);
    expect(planProbes(plan).map((p) => [manifestUrl(p), p.endpoint.caFiles])).toEqual([
      ['https://registry.internal/v2/tkg/app/manifests/1', ['/etc/airgap-top/ca.crt']],
    ]);
    expect(planProbes(centralPlan(parseImageRef('nginx')))).toEqual([]);
    expect(centralPlan(parseImageRef('nginx')).endpoints[0]?.public).toBe(true);
  });

  it.each([
    ['registry-1.docker.io', 'docker.io', false],
    ['registry.internal:5000', 'docker.io', true],
    ['registry.internal:5000', 'registry.internal:5000', false],
    ['registry.internal', 'registry.internal:5000', true],
  ])('isProxy(%s, %s) = %s', (host, ref, expected) => {
    expect(isMirrorFor(host, ref)).toBe(expected);
  });
});
