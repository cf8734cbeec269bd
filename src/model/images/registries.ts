/** Registries on the internet. A private prefix always wins over this list. */
const PUBLIC_REGISTRIES: ReadonlySet<string> = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
  'gcr.io',
  'k8s.gcr.io',
  'registry.k8s.io',
  'quay.io',
  'ghcr.io',
  'docker.pkg.github.com',
  'mcr.microsoft.com',
  'projects.registry.vmware.com',
  'public.ecr.aws',
  'registry.gitlab.com',
  'nvcr.io',
  'docker.elastic.co',
  'registry.access.redhat.com',
  'registry.redhat.io',
  'container-registry.oracle.com',
  'cgr.dev',
]);
const PUBLIC_REGISTRY_SUFFIXES = ['.gcr.io', '.pkg.dev', '.docker.io', '.azurecr.io', '.amazonaws.com'];

/** The CSE 4.2+ layout: these three must be siblings under one base (seed 001). */
export const CSE_LAYOUT = ['tkg', 'vmware-cloud-director', 'tanzu_cli'] as const;

/** The host without its port, lower-cased: `Registry.Example:5000` → `registry.example`. */
export function hostOnly(domain: string): string {
  const lower = domain.toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.indexOf(':');
  return colon < 0 ? lower : lower.slice(0, colon);
}

export function isPublicRegistry(domain: string): boolean {
  const host = hostOnly(domain);
  return PUBLIC_REGISTRIES.has(host) || PUBLIC_REGISTRY_SUFFIXES.some((s) => host.endsWith(s));
}
