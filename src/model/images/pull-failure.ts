/** The usual causes of a failed pull, read from the runtime's error text, with what to do. */
const PULL_CAUSES: readonly {
  readonly test: RegExp;
  readonly cause: string;
  readonly remedy: (publicRegistry: boolean) => string;
}[] = [
  {
    test: /not found|manifest unknown|name unknown/i,
    cause: 'not in the registry',
    remedy: () =>
      'Push the image (that exact tag or digest) to the registry the spec names, e.g. `imgpkg copy` / `crane copy`, then wait for the back-off or delete the pod.',
  },
  {
    test: /x509|certificate|tls: /i,
    cause: 'registry certificate not trusted',
    remedy: () =>
      'Install the registry CA on every node (containerd certs.d/<host>/hosts.toml ca, or TKG_CUSTOM_IMAGE_REPOSITORY_CA_CERTIFICATE at cluster creation); check with `crictl pull` on the node.',
  },
  {
    test: /server gave HTTP response to HTTPS client/i,
    cause: 'registry speaks plain HTTP',
    remedy: () =>
      'Serve the registry over TLS (GDC does not support insecure registries), or declare it in containerd hosts.toml for TKG.',
  },
  {
    test: /unauthorized|authentication required|access denied|denied:|pull access denied|401|403 forbidden/i,
    cause: 'pull refused (credentials)',
    remedy: () =>
      'TKG pulls anonymously: make the Harbor project public, or give the workload imagePullSecrets / configure registry auth in containerd.',
  },
  {
    test: /i\/o timeout|no such host|connection refused|network is unreachable|dial tcp|context deadline exceeded|TLS handshake timeout/i,
    cause: 'registry unreachable',
    remedy: (publicRegistry) =>
      publicRegistry
        ? 'The air gap is doing its job: this public registry is unreachable. Move the image to the private registry and point the workload at it.'
        : 'Check DNS and routing from the node to the registry (and any proxy settings in containerd); `crictl pull` on the node shows the same error.',
  },
];

export function diagnosePullFailure(
  message: string,
  publicRegistry: boolean,
): { readonly cause: string; readonly remedy: string } | undefined {
  const hit = PULL_CAUSES.find((c) => c.test.test(message));
  return hit ? { cause: hit.cause, remedy: hit.remedy(publicRegistry) } : undefined;
}
