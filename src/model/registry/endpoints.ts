import { endpointsFor, upstreamUrl } from '../containerd/node-view.js';
import { criDisabled } from '../containerd/origin.js';
import type { ContainerdView, EndpointView, RegistryHostView } from '../containerd/types.js';
import type { ImageRef } from '../image-ref.js';
import { isPublicRegistryHost } from './guard.js';
import type { ManifestProbe, RegistryEndpoint } from './types.js';

/**
 * Which endpoints a node's containerd asks for an image, as containerd's own code decides, turned
 * into the client's endpoints and probes. The host list itself (certs.d lookup order `h_p_`, `h:p`,
 * `_default`; hosts.toml mirrors in order, then `server` or the namespace host; legacy `mirrors` with
 * the upstream last) is the containerd probe's `endpointsFor`. On top of it, from containerd's
 * remotes/docker (1.7: remotes/docker/resolver.go, 2.x: core/remotes/docker/resolver.go — same rules):
 * - Resolve: a tag needs hosts with pull AND resolve (`caps |= HostCapabilityResolve`); a digest
 *   needs only pull (`filterHosts(caps)`).
 * - `ns`: `addNamespace` adds `?ns=<ref host>` whenever the endpoint host differs from the
 *   reference's host (`isProxy`), except docker.io served by registry-1.docker.io.
 * - Path: config/hosts.go `parseHostConfig` appends `/v2` unless the cleaned path ends in it or
 *   override_path is set (apiRoot in url.ts).
 * Public endpoints stay in the plan (they are what the node would fall back to) but are marked:
 * the client never dials them.
 */
export interface PlannedEndpoint {
  readonly endpoint: RegistryEndpoint;
  readonly role: EndpointView['role'];
  /** The endpoint URL as configured. */
  readonly url: string;
  readonly capabilities: readonly string[];
  /** On the internet, or (with `outside`) not a registry the config names: judged from config, never contacted. */
  readonly public: boolean;
  /** Not public, but no [registry] private prefix or connect_to names its host: never contacted either. */
  readonly outside?: boolean;
  /** The config sets a client certificate whose files this plan does not have (paths not collected). */
  readonly clientCertificateMissing: boolean;
}

export interface PullPlan {
  /** The reference's registry host (`docker.io`, `registry.example:5000`). */
  readonly imageHost: string;
  readonly repository: string;
  /** The tag, or the digest when the reference pins one (containerd resolves by digest then). */
  readonly reference: string;
  readonly byDigest: boolean;
  /** The endpoints containerd asks for this reference, in its order. */
  readonly endpoints: readonly PlannedEndpoint[];
  /** Where the host list comes from: a certs.d dir, legacy mirrors, … or none (upstream only). */
  readonly source?: RegistryHostView['source'];
  readonly file?: string;
  /** containerd refuses this node's registry config and skips the CRI plugin: nothing is pulled. */
  readonly criDisabled: boolean;
}

export interface PlanOptions {
  /**
   * Maps a CA path on the node to a local copy of that file (read over SFTP by the containerd probe);
   * a path with no copy is dropped (the handshake then fails like the node's would with a missing CA).
   */
  readonly localCaFile?: (nodePath: string) => string | undefined;
}

/** The node's view of one image: the endpoints its containerd would ask, in order. */
export function pullPlan(view: ContainerdView, ref: ImageRef, options: PlanOptions = {}): PullPlan {
  const imageHost = ref.domain.toLowerCase();
  const byDigest = ref.digest !== undefined;
  const reference = ref.digest ?? ref.tag ?? 'latest';
  const resolved = endpointsFor(view, imageHost);
  const wanted = resolved.endpoints.filter((e) => byDigest || e.capabilities.includes('resolve'));
  return {
    imageHost,
    repository: ref.path,
    reference,
    byDigest,
    endpoints: wanted.map((e) => planned(e, imageHost, options)),
    ...(resolved.registry ? { source: resolved.registry.source } : {}),
    ...(resolved.registry?.file ? { file: resolved.registry.file } : {}),
    criDisabled: criDisabled(view),
  };
}

/**
 * Without node data: the image's own registry (containerd's default host for it), with the central
 * `[registry] ca_file` when given.
 */
export function centralPlan(ref: ImageRef, caFiles: readonly string[] = []): PullPlan {
  const imageHost = ref.domain.toLowerCase();
  const url = upstreamUrl(imageHost);
  const view: EndpointView = {
    url,
    host: url.replace(/^https:\/\//, ''),
    role: 'upstream',
    capabilities: ['pull', 'resolve', 'push'],
    caFiles: [...caFiles],
    skipVerify: false,
    overridePath: false,
    clientCertificate: false,
  };
  return {
    imageHost,
    repository: ref.path,
    reference: ref.digest ?? ref.tag ?? 'latest',
    byDigest: ref.digest !== undefined,
    endpoints: [planned(view, imageHost, {})],
    criDisabled: false,
  };
}

/** The probes to ask for a plan: every endpoint but the public ones, in the node's order. */
export function planProbes(plan: PullPlan, expectDigest?: string): ManifestProbe[] {
  if (plan.criDisabled) return [];
  return plan.endpoints
    .filter((e) => !e.public)
    .map((e) => ({
      endpoint: e.endpoint,
      repository: plan.repository,
      reference: plan.reference,
      ...(expectDigest !== undefined ? { expectDigest } : {}),
    }));
}

/**
 * A key for "these nodes pull this image the same way": nodes whose plans share it need one check.
 * Only what changes the requests counts (endpoints with their TLS settings), not file names.
 */
export function planKey(plan: PullPlan): string {
  return JSON.stringify([
    plan.criDisabled,
    plan.repository,
    plan.reference,
    plan.endpoints.map((e) => [e.endpoint, e.public]),
  ]);
}

/** containerd's isProxy: the endpoint is not the reference's own registry. */
export function isMirrorFor(endpointHost: string, imageHost: string): boolean {
  return (
    endpointHost !== imageHost && !(imageHost === 'docker.io' && endpointHost === 'registry-1.docker.io')
  );
}

function planned(e: EndpointView, imageHost: string, options: PlanOptions): PlannedEndpoint {
  const url = new URL(e.url);
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const scheme = url.protocol === 'http:' ? 'http' : 'https';
  const hostPort = url.host.toLowerCase();
  const caFiles = e.caFiles.flatMap((f) => {
    if (!options.localCaFile) return [f];
    const local = options.localCaFile(f);
    return local ? [local] : [];
  });
  const endpoint: RegistryEndpoint = {
    scheme,
    host,
    ...(url.port ? { port: Number(url.port) } : {}),
    ...(url.pathname !== '/' && url.pathname !== '' ? { path: cleanPath(url.pathname) } : {}),
    ...(e.overridePath ? { overridePath: true } : {}),
    ...(isMirrorFor(hostPort, imageHost) ? { ns: imageHost } : {}),
    ...(caFiles.length > 0 ? { caFiles } : {}),
    ...(e.skipVerify ? { skipVerify: true } : {}),
  };
  return {
    endpoint,
    role: e.role,
    url: e.url,
    capabilities: e.capabilities,
    public: isPublicRegistryHost(host),
    clientCertificateMissing: e.clientCertificate,
  };
}

/** Go's path.Clean for the parts that matter here: duplicate and trailing slashes. */
function cleanPath(p: string): string {
  const cleaned = p.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  return cleaned === '' ? '/' : cleaned;
}
