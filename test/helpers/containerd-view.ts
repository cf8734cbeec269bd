import type { ContainerdView } from '../../src/model/containerd/types.js';

/**
 * A containerd 2.x node view (config_path certs.d) whose only registry is docker.io, mirrored to
 * `mirror` (pull + resolve) before the upstream registry-1.docker.io: the usual Harbor-proxy setup.
 */
export function dockerHubMirrorView(
  mirror: string,
  options: { readonly mirrorCaFiles?: readonly string[] } = {},
  extra: Partial<ContainerdView> = {},
): ContainerdView {
  return {
    version: 2,
    files: ['/etc/containerd/config.toml'],
    sandboxImage: `${mirror}/tkg/pause:3.9`,
    sandboxImageSource: 'config',
    configPath: '/etc/containerd/certs.d',
    legacyMirrorHosts: [],
    legacyTlsHosts: [],
    registries: [
      {
        host: 'docker.io',
        source: 'hosts.toml',
        endpoints: [
          {
            url: `https://${mirror}`,
            host: mirror,
            role: 'mirror',
            capabilities: ['pull', 'resolve'],
            caFiles: [...(options.mirrorCaFiles ?? [])],
            skipVerify: false,
            overridePath: false,
            clientCertificate: false,
          },
          {
            url: 'https://registry-1.docker.io',
            host: 'registry-1.docker.io',
            role: 'upstream',
            capabilities: ['pull', 'resolve', 'push'],
            caFiles: [],
            skipVerify: false,
            overridePath: false,
            clientCertificate: false,
          },
        ],
      },
    ],
    credentials: [],
    skipVerify: [],
    ...extra,
  };
}
