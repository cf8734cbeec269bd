import { hostPort, type ManifestProbe, type RegistryEndpoint } from './types.js';

/**
 * The API root path of an endpoint, as containerd builds it (config/hosts.go): without
 * override_path, `/v2` is appended to the URL's path unless it already ends in it; with
 * override_path the configured path is the API root as is (GDC's `https://m:5000/v2/<ns>`).
 */
export function apiRoot(endpoint: RegistryEndpoint): string {
  const path = (endpoint.path ?? '').replace(/\/+$/, '');
  if (endpoint.overridePath) return path;
  return path.endsWith('/v2') ? path : `${path}/v2`;
}

/** `scheme://host[:port]` of an endpoint. */
export function endpointOrigin(endpoint: RegistryEndpoint): string {
  return `${endpoint.scheme}://${hostPort(endpoint)}`;
}

/** The manifest URL of a probe: `<root>/<repository>/manifests/<reference>[?ns=<registry>]`. */
export function manifestUrl(probe: Pick<ManifestProbe, 'endpoint' | 'repository' | 'reference'>): string {
  const { endpoint } = probe;
  const query =
    endpoint.ns !== undefined && endpoint.ns !== '' ? `?ns=${encodeURIComponent(endpoint.ns)}` : '';
  return `${endpointOrigin(endpoint)}${apiRoot(endpoint)}/${probe.repository}/manifests/${probe.reference}${query}`;
}

/** The Accept header containerd's resolver sends to resolve a reference, in its order (resolver.go). */
export const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  '*/*',
].join(', ');

/** True when the reference is a digest (`algorithm:hex`) rather than a tag. */
export function isDigestReference(reference: string): boolean {
  return /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/.test(reference);
}
