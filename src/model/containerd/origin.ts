import { type ImageRef, matchesPrefix, parseRegistryPrefix, type RegistryPrefix } from '../image-ref.js';
import { endpointsFor } from './node-view.js';
import type { ContainerdView, EndpointView } from './types.js';

/**
 * Effective origin: from which registry a node's containerd actually pulls an image, given the
 * image's name and that node's registry configuration.
 */
export type OriginVerdict =
  /** Names the private registry and is pulled from it. */
  | 'private'
  /** Public name, first tried through a mirror in the private registry. */
  | 'mirrored'
  /** Public name, no mirror: pulled from the internet (or fails). */
  | 'public'
  /** Mirrored, but not to the private registry. */
  | 'foreign-mirror'
  /** The node cannot pull at all (CRI image service disabled). */
  | 'cri-disabled';

export interface Origin {
  readonly verdict: OriginVerdict;
  readonly imageHost: string;
  /** Endpoints tried for pulls, in order. */
  readonly endpoints: readonly string[];
  /** For 'mirrored': a public endpoint is tried after the mirror (silent fallback to the internet). */
  readonly fallsBackTo?: string;
  /** Which config entry decided it (a mirrors key, a certs.d directory). */
  readonly via?: string;
}

export function privatePrefixes(privates: readonly string[]): RegistryPrefix[] {
  return privates.map((p) => parseRegistryPrefix(p));
}

/** An endpoint host (host[:port]) belongs to the private registry when a prefix names that host. */
export function isPrivateHost(host: string, prefixes: readonly RegistryPrefix[]): boolean {
  const h = host.toLowerCase();
  return prefixes.some((p) => p.domain === h);
}

export function isPrivateImage(ref: ImageRef, prefixes: readonly RegistryPrefix[]): boolean {
  return prefixes.some((p) => matchesPrefix(ref, p));
}

/** True when containerd rejects the CRI registry config (config_path with legacy mirrors or configs.*.tls). */
export function criDisabled(view: ContainerdView): boolean {
  return Boolean(view.configPath) && (view.legacyMirrorHosts.length > 0 || view.legacyTlsHosts.length > 0);
}

function describeEndpoint(e: EndpointView): string {
  return e.url;
}

export function originOfRef(
  ref: ImageRef,
  view: ContainerdView,
  prefixes: readonly RegistryPrefix[],
): Origin {
  const imageHost = ref.domain.toLowerCase();
  const resolved = endpointsFor(view, imageHost);
  const endpoints = resolved.endpoints.map(describeEndpoint);
  const via = resolved.registry ? `${resolved.registry.source} ${resolved.registry.host}` : undefined;
  if (criDisabled(view)) return { verdict: 'cri-disabled', imageHost, endpoints, via };
  // A tag is resolved only by hosts with the resolve capability (resolver.go); a pull-only mirror
  // serves content after the tag was resolved elsewhere, so it does not make the origin private.
  const asked = ref.digest
    ? resolved.endpoints
    : resolved.endpoints.filter((e) => e.capabilities.includes('resolve'));
  const first = asked[0];
  if (isPrivateImage(ref, prefixes)) {
    // Pulled from the private registry unless the node redirects it elsewhere first.
    if (!first || isPrivateHost(first.host, prefixes))
      return { verdict: 'private', imageHost, endpoints, via };
    return { verdict: 'foreign-mirror', imageHost, endpoints, via };
  }
  if (first && isPrivateHost(first.host, prefixes)) {
    const fallback = asked.find((e) => !isPrivateHost(e.host, prefixes));
    return { verdict: 'mirrored', imageHost, endpoints, via, fallsBackTo: fallback?.url };
  }
  const hasMirror = resolved.endpoints.some((e) => e.role === 'mirror');
  return { verdict: hasMirror ? 'foreign-mirror' : 'public', imageHost, endpoints, via };
}
