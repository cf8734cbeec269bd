import {
  DEFAULT_SANDBOX_IMAGE,
  type HostsEntry,
  type HostsFile,
  hostDirCandidates,
  hostOfUrl,
  type MergedConfig,
  normalizeEndpointUrl,
} from './parse.js';
import type { ContainerdView, EndpointView, RegistryHostView } from './types.js';

/** One directory under config_path as read from the node. */
export interface HostDirEntry {
  readonly dirName: string;
  /** Parsed hosts.toml, when the directory has one. */
  readonly hostsFile?: HostsFile;
  /** Docker cert layout (no hosts.toml): `*.crt` CA files, and whether a `*.cert` client pair is there. */
  readonly certFiles: readonly string[];
  readonly clientCertificate: boolean;
}

/** The registry Docker Hub names are pulled from (containerd's default host for docker.io). */
export function upstreamUrl(host: string): string {
  return `https://${host === 'docker.io' ? 'registry-1.docker.io' : host}`;
}

/** A placeholder endpoint for "the namespace host itself", resolved per image host at lookup. */
const NAMESPACE_HOST = '';

function endpoint(
  url: string,
  role: EndpointView['role'],
  fields: Partial<Omit<EndpointView, 'url' | 'role' | 'host'>> = {},
): EndpointView {
  return {
    url,
    host: url === NAMESPACE_HOST ? NAMESPACE_HOST : hostOfUrl(url),
    role,
    capabilities: fields.capabilities ?? ['pull', 'resolve', 'push'],
    caFiles: fields.caFiles ?? [],
    skipVerify: fields.skipVerify ?? false,
    overridePath: fields.overridePath ?? false,
    clientCertificate: fields.clientCertificate ?? false,
  };
}

function fromHostsEntry(entry: HostsEntry, role: EndpointView['role']): EndpointView {
  return endpoint(entry.url, role, {
    capabilities: entry.capabilities,
    caFiles: entry.ca,
    skipVerify: entry.skipVerify,
    overridePath: entry.overridePath,
    clientCertificate: entry.client,
  });
}

function legacyEndpoint(url: string, role: EndpointView['role'], merged: MergedConfig): EndpointView {
  const tls = url === NAMESPACE_HOST ? undefined : merged.tls[hostOfUrl(url)];
  return endpoint(url, role, {
    caFiles: tls?.caFile ? [tls.caFile] : [],
    skipVerify: tls?.insecureSkipVerify ?? false,
    clientCertificate: Boolean(tls?.certFile),
  });
}

function hostsDirView(dir: HostDirEntry, configPath: string): RegistryHostView {
  const file = dir.hostsFile?.file ?? `${configPath.split(':')[0]}/${dir.dirName}`;
  if (!dir.hostsFile) {
    return {
      host: dir.dirName,
      source: 'certs-dir',
      file,
      endpoints: [
        endpoint(dir.dirName === '_default' ? NAMESPACE_HOST : upstreamUrl(dir.dirName), 'upstream', {
          caFiles: dir.certFiles,
          clientCertificate: dir.clientCertificate,
        }),
      ],
    };
  }
  const h = dir.hostsFile;
  const endpoints = h.hosts.map((e) => fromHostsEntry(e, 'mirror'));
  if (h.server?.url) endpoints.push(fromHostsEntry(h.server, 'server'));
  else {
    const upstream = dir.dirName === '_default' ? NAMESPACE_HOST : upstreamUrl(dir.dirName);
    endpoints.push(
      h.server ? fromHostsEntry({ ...h.server, url: upstream }, 'upstream') : endpoint(upstream, 'upstream'),
    );
  }
  return { host: dir.dirName, source: 'hosts.toml', file, endpoints };
}

/** Builds one node's view from its merged config and (in config_path mode) its host directories. */
export function buildContainerdView(merged: MergedConfig, hostDirs: readonly HostDirEntry[]): ContainerdView {
  const registries: RegistryHostView[] = [];
  const mainFile = merged.files[0];
  if (merged.configPath) {
    for (const dir of hostDirs) registries.push(hostsDirView(dir, merged.configPath));
  } else {
    for (const [host, urls] of Object.entries(merged.mirrors)) {
      const endpoints = urls.map((u) => legacyEndpoint(normalizeEndpointUrl(u), 'mirror', merged));
      const upstream = host === '*' ? NAMESPACE_HOST : upstreamUrl(host);
      if (!endpoints.some((e) => e.url.replace(/\/+$/, '') === upstream)) {
        endpoints.push(legacyEndpoint(upstream, 'upstream', merged));
      }
      registries.push({ host, source: 'mirrors', file: mainFile, endpoints });
    }
    for (const host of Object.keys(merged.tls)) {
      if (merged.mirrors[host]) continue;
      registries.push({
        host,
        source: 'configs',
        file: mainFile,
        endpoints: [legacyEndpoint(upstreamUrl(host), 'upstream', merged)],
      });
    }
  }
  registries.sort((a, b) => a.host.localeCompare(b.host));
  // hosts.toml files carry their own skip_verify and header credentials.
  const hostsFiles = merged.configPath ? hostDirs.flatMap((d) => (d.hostsFile ? [d.hostsFile] : [])) : [];
  return {
    version: merged.version,
    files: merged.files,
    sandboxImage: merged.sandboxImage ?? DEFAULT_SANDBOX_IMAGE[merged.version],
    sandboxImageSource: merged.sandboxImage ? 'config' : 'default',
    configPath: merged.configPath,
    legacyMirrorHosts: Object.keys(merged.mirrors).sort(),
    legacyTlsHosts: Object.keys(merged.tls).sort(),
    registries,
    credentials: [...merged.credentials, ...hostsFiles.flatMap((h) => h.credentials)],
    skipVerify: [...merged.skipVerify, ...hostsFiles.flatMap((h) => h.skipVerify)],
  };
}

export interface ResolvedPull {
  /** The configured entry that applies, if any (a mirrors key, a certs.d directory). */
  readonly registry?: RegistryHostView;
  /** Endpoints containerd tries for pulls, in order (only those with the pull capability). */
  readonly endpoints: readonly EndpointView[];
}

function resolvePlaceholders(endpoints: readonly EndpointView[], imageHost: string): EndpointView[] {
  return endpoints.map((e) =>
    e.url === NAMESPACE_HOST
      ? { ...e, url: upstreamUrl(imageHost), host: hostOfUrl(upstreamUrl(imageHost)) }
      : e,
  );
}

/**
 * The endpoints a node's containerd tries when it pulls an image named on `imageHost`, as containerd
 * resolves them: hosts.toml directory lookup in config_path mode, else legacy mirrors (exact host,
 * then `*`) with the upstream appended last.
 */
export function endpointsFor(view: ContainerdView, imageHost: string): ResolvedPull {
  const host = imageHost.toLowerCase();
  let registry: RegistryHostView | undefined;
  if (view.configPath) {
    for (const candidate of hostDirCandidates(host)) {
      registry = view.registries.find(
        (r) => r.host === candidate && r.source !== 'mirrors' && r.source !== 'configs',
      );
      if (registry) break;
    }
  } else {
    registry =
      view.registries.find((r) => r.host === host && (r.source === 'mirrors' || r.source === 'configs')) ??
      view.registries.find((r) => r.host === '*' && r.source === 'mirrors');
  }
  if (!registry) return { endpoints: [endpoint(upstreamUrl(host), 'upstream')] };
  const endpoints = resolvePlaceholders(registry.endpoints, host);
  return { registry, endpoints: endpoints.filter((e) => e.capabilities.includes('pull')) };
}
