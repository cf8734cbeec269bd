import TOML from '@iarna/toml';
import { secrets, stripUrlUserinfo, urlUserinfo } from '../../core/redact.js';
import type { ConfigProblem, ConfigVersion, CredentialRecord, SkipVerifyRecord } from './types.js';

/**
 * Parsing of containerd's own files, as containerd reads them: `config.toml` (schema v1, v2, v3) and
 * its `imports`, and `hosts.toml` under `config_path`. Credentials are registered as secrets the moment
 * they are read and only their presence is kept.
 */

type Table = Record<string, unknown>;

/** Plugin table names per schema version: where registry settings and the sandbox image live. */
export const CRI_PLUGIN: Readonly<Record<ConfigVersion, string>> = {
  1: 'cri',
  2: 'io.containerd.grpc.v1.cri',
  3: 'io.containerd.cri.v1.images',
};

/** containerd's built-in sandbox image per schema version (1.7 for v1/v2, 2.x for v3). */
export const DEFAULT_SANDBOX_IMAGE: Readonly<Record<ConfigVersion, string>> = {
  1: 'registry.k8s.io/pause:3.8',
  2: 'registry.k8s.io/pause:3.8',
  3: 'registry.k8s.io/pause:3.10',
};

export interface LegacyTls {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly insecureSkipVerify?: boolean;
}

/** What one config file (the main one or an import) contributes. */
export interface ConfigFragment {
  readonly file: string;
  readonly version: ConfigVersion;
  readonly imports: readonly string[];
  readonly sandboxImage?: string;
  readonly configPath?: string;
  /** Legacy `registry.mirrors."HOST".endpoint`, in file order. */
  readonly mirrors: Readonly<Record<string, readonly string[]>>;
  /** Legacy `registry.configs."HOST".tls`. */
  readonly tls: Readonly<Record<string, LegacyTls>>;
  readonly credentials: readonly CredentialRecord[];
  readonly skipVerify: readonly SkipVerifyRecord[];
  readonly problems: readonly ConfigProblem[];
}

export type ParseOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: ConfigProblem };

/** Parses TOML; a malformed file becomes a problem with 1-based line and column, never a throw. */
export function parseToml(text: string, file: string): ParseOutcome<Table> {
  try {
    return { ok: true, value: TOML.parse(text) as Table };
  } catch (err) {
    const e = err as { line?: number; col?: number; message?: string };
    const reason = String(e.message ?? err).split('\n')[0] ?? 'parse error';
    return {
      ok: false,
      problem: {
        kind: 'toml',
        file,
        message: `not valid TOML: ${reason}`,
        line: typeof e.line === 'number' ? e.line + 1 : undefined,
        column: typeof e.col === 'number' ? e.col + 1 : undefined,
      },
    };
  }
}

function asTable(value: unknown): Table | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
    ? (value as Table)
    : undefined;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function asStringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

const CREDENTIAL_FIELDS = ['username', 'password', 'auth', 'identitytoken'] as const;
/** Fields whose values are secrets (a username alone is not, but is never kept either). */
const SECRET_FIELDS = new Set(['password', 'auth', 'identitytoken']);
const SECRET_HEADER = /^(authorization|proxy-authorization|x-auth-token|x-registry-auth|cookie)$/i;

/** Registers secret values of an auth table; returns the names of the fields that are set. */
function readAuthTable(auth: Table): string[] {
  const fields: string[] = [];
  for (const field of CREDENTIAL_FIELDS) {
    const value = asString(auth[field]);
    if (value === undefined || value === '') continue;
    if (SECRET_FIELDS.has(field)) secrets.add(value);
    if (field === 'auth') {
      // `auth` is base64("user:password"): the decoded password is as secret as the encoded form.
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) secrets.add(decoded.slice(colon + 1));
    }
    fields.push(field);
  }
  return fields;
}

/** Registers secret header values; returns the secret header names. */
function readHeaders(headers: Table): string[] {
  const names: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADER.test(name)) continue;
    for (const v of asStringList(value)) secrets.add(v);
    names.push(name);
  }
  return names;
}

/** The host[:port] of a URL or bare host (`https://gcr.io/v2` -> `gcr.io`), never its userinfo. */
export function hostOfUrl(url: string): string {
  const withoutScheme = stripUrlUserinfo(url).replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return (withoutScheme.split('/')[0] ?? '').toLowerCase();
}

/**
 * A URL as the config names it, its userinfo (`robot:PW@`) registered as a secret and removed: the
 * host is judged without it, and `credentials` records where it was (never the value).
 */
function credentialFreeUrl(
  url: string,
  file: string,
  location: (clean: string) => string,
  credentials: CredentialRecord[],
): string {
  const userinfo = urlUserinfo(url);
  if (!userinfo) return url;
  secrets.add(userinfo);
  const clean = stripUrlUserinfo(url);
  credentials.push({
    file,
    location: location(clean),
    host: hostOfUrl(clean),
    fields: [userinfo.includes(':') ? 'url password' : 'url user'],
  });
  return clean;
}

/** Adds the https scheme containerd assumes when an endpoint has none. */
export function normalizeEndpointUrl(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`;
}

function declaredVersion(root: Table): number | undefined {
  return typeof root.version === 'number' ? root.version : undefined;
}

/**
 * Reads one config file's registry settings. `inheritedVersion` applies to an import that does not
 * say its version (the main file's schema).
 */
export function parseContainerdConfig(
  text: string,
  file: string,
  inheritedVersion?: ConfigVersion,
): ParseOutcome<ConfigFragment> {
  const parsed = parseToml(text, file);
  if (!parsed.ok) return parsed;
  const root = parsed.value;
  const problems: ConfigProblem[] = [];
  const declared = declaredVersion(root);
  let version: ConfigVersion;
  if (declared === undefined) version = inheritedVersion ?? 1;
  else if (declared === 1 || declared === 2 || declared === 3) version = declared;
  else {
    return {
      ok: false,
      problem: {
        kind: 'toml',
        file,
        message: `unsupported config version ${declared} (containerd knows 1, 2 and 3)`,
      },
    };
  }
  const plugins = asTable(root.plugins) ?? {};
  for (const other of [1, 2, 3] as const) {
    if (other === version) continue;
    const name = CRI_PLUGIN[other];
    const section = asTable(plugins[name]);
    if (
      section &&
      (section.registry !== undefined ||
        section.sandbox_image !== undefined ||
        section.pinned_images !== undefined)
    ) {
      problems.push({
        kind: 'ignored-section',
        file,
        message: `plugins."${name}" is the version ${other} name; this file is version ${version}${declared === undefined ? ' (no version key)' : ''}, so containerd ignores its registry and sandbox settings (use plugins."${CRI_PLUGIN[version]}")`,
      });
    }
  }
  const cri = asTable(plugins[CRI_PLUGIN[version]]) ?? {};
  const registry = asTable(cri.registry) ?? {};
  const sandboxImage =
    version === 3 ? asString(asTable(cri.pinned_images)?.sandbox) : asString(cri.sandbox_image);
  const configPathRaw = asString(registry.config_path);

  const credentials: CredentialRecord[] = [];
  const mirrors: Record<string, string[]> = {};
  for (const [host, value] of Object.entries(asTable(registry.mirrors) ?? {})) {
    const endpoints = asStringList(asTable(value)?.endpoint).map((e) =>
      credentialFreeUrl(e, file, () => `registry.mirrors."${host}".endpoint`, credentials),
    );
    mirrors[host.toLowerCase()] = endpoints;
  }

  const tls: Record<string, LegacyTls> = {};
  const skipVerify: SkipVerifyRecord[] = [];
  for (const [hostKey, value] of Object.entries(asTable(registry.configs) ?? {})) {
    const host = hostKey.toLowerCase();
    const entry = asTable(value) ?? {};
    const t = asTable(entry.tls);
    if (t) {
      const record: LegacyTls = {
        caFile: asString(t.ca_file) || undefined,
        certFile: asString(t.cert_file) || undefined,
        keyFile: asString(t.key_file) || undefined,
        insecureSkipVerify: t.insecure_skip_verify === true,
      };
      tls[host] = record;
      if (record.insecureSkipVerify) {
        skipVerify.push({ file, location: `registry.configs."${hostKey}".tls.insecure_skip_verify`, host });
      }
    }
    const auth = asTable(entry.auth);
    if (auth) {
      const fields = readAuthTable(auth);
      if (fields.length > 0)
        credentials.push({ file, location: `registry.configs."${hostKey}".auth`, host, fields });
    }
  }
  for (const [rawUrl, value] of Object.entries(asTable(registry.auths) ?? {})) {
    const url = credentialFreeUrl(rawUrl, file, (u) => `registry.auths."${u}"`, credentials);
    const fields = readAuthTable(asTable(value) ?? {});
    if (fields.length > 0)
      credentials.push({ file, location: `registry.auths."${url}"`, host: hostOfUrl(url), fields });
  }
  const headerNames = readHeaders(asTable(registry.headers) ?? {});
  if (headerNames.length > 0) {
    credentials.push({ file, location: 'registry.headers', host: '*', fields: headerNames });
  }

  return {
    ok: true,
    value: {
      file,
      version,
      imports: asStringList(root.imports),
      sandboxImage: sandboxImage || undefined,
      configPath: configPathRaw || undefined,
      mirrors,
      tls,
      credentials,
      skipVerify,
      problems,
    },
  };
}

/** The registry settings after merging the main file and its imports, in order: a fragment's fields, from every file. */
export interface MergedConfig extends Omit<ConfigFragment, 'file' | 'imports'> {
  readonly files: readonly string[];
}

/**
 * Merges fragments as containerd's mergeConfig does (1.7+/2.x): later scalars win, lists are appended
 * without duplicates, tables merge by key. The schema version is the main file's.
 */
export function mergeFragments(fragments: readonly ConfigFragment[]): MergedConfig {
  const first = fragments[0];
  let sandboxImage: string | undefined;
  let configPath: string | undefined;
  const mirrors: Record<string, string[]> = {};
  const tls: Record<string, LegacyTls> = {};
  const credentials: CredentialRecord[] = [];
  const skipVerify: SkipVerifyRecord[] = [];
  const problems: ConfigProblem[] = [];
  for (const f of fragments) {
    if (f.sandboxImage) sandboxImage = f.sandboxImage;
    if (f.configPath) configPath = f.configPath;
    for (const [host, endpoints] of Object.entries(f.mirrors)) {
      const list = mirrors[host] ?? [];
      for (const e of endpoints) if (!list.includes(e)) list.push(e);
      mirrors[host] = list;
    }
    for (const [host, t] of Object.entries(f.tls)) {
      const prev = tls[host] ?? {};
      tls[host] = {
        caFile: t.caFile ?? prev.caFile,
        certFile: t.certFile ?? prev.certFile,
        keyFile: t.keyFile ?? prev.keyFile,
        insecureSkipVerify: t.insecureSkipVerify || prev.insecureSkipVerify,
      };
    }
    credentials.push(...f.credentials);
    skipVerify.push(...f.skipVerify);
    problems.push(...f.problems);
  }
  return {
    version: first?.version ?? 2,
    files: fragments.map((f) => f.file),
    sandboxImage,
    configPath,
    mirrors,
    tls,
    credentials,
    skipVerify,
    problems,
  };
}

/** One `[host."URL"]` entry of hosts.toml, or its top-level server settings. */
export interface HostsEntry {
  readonly url: string;
  readonly capabilities: readonly string[];
  readonly ca: readonly string[];
  readonly skipVerify: boolean;
  readonly overridePath: boolean;
  readonly client: boolean;
}

export interface HostsFile {
  readonly file: string;
  /** Name of the directory under config_path (`gcr.io`, `reg.example.com_5000_`, `_default`). */
  readonly dirName: string;
  /** `server`, or undefined (then the namespace host itself). */
  readonly server?: HostsEntry;
  readonly hosts: readonly HostsEntry[];
  readonly credentials: readonly CredentialRecord[];
  readonly skipVerify: readonly SkipVerifyRecord[];
}

const DEFAULT_CAPABILITIES = ['pull', 'resolve', 'push'];

function joinPath(dir: string, path: string): string {
  if (path.startsWith('/')) return path;
  return `${dir.replace(/\/+$/, '')}/${path}`;
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function readHostsEntry(table: Table, url: string, fileDir: string): HostsEntry {
  const caps = table.capabilities === undefined ? DEFAULT_CAPABILITIES : asStringList(table.capabilities);
  return {
    url,
    capabilities: caps,
    ca: asStringList(table.ca).map((p) => joinPath(fileDir, p)),
    skipVerify: table.skip_verify === true,
    overridePath: table.override_path === true,
    client:
      table.client !== undefined &&
      table.client !== '' &&
      !(Array.isArray(table.client) && table.client.length === 0),
  };
}

/** Parses `config_path/<dirName>/hosts.toml`; relative CA paths resolve against its directory. */
export function parseHostsToml(text: string, file: string, dirName: string): ParseOutcome<HostsFile> {
  const parsed = parseToml(text, file);
  if (!parsed.ok) return parsed;
  const root = parsed.value;
  const fileDir = dirOf(file);
  const credentials: CredentialRecord[] = [];
  const skipVerify: SkipVerifyRecord[] = [];
  const rawServer = asString(root.server);
  const serverUrl =
    rawServer === undefined ? undefined : credentialFreeUrl(rawServer, file, () => 'server', credentials);
  const hasServerSettings =
    serverUrl !== undefined || root.ca !== undefined || root.skip_verify !== undefined;
  const server = hasServerSettings
    ? readHostsEntry(root, serverUrl ? normalizeEndpointUrl(serverUrl) : '', fileDir)
    : undefined;
  if (server?.skipVerify) skipVerify.push({ file, location: 'skip_verify', host: dirName });
  const topHeaders = readHeaders(asTable(root.header) ?? {});
  if (topHeaders.length > 0)
    credentials.push({ file, location: 'header', host: dirName, fields: topHeaders });
  const hosts: HostsEntry[] = [];
  for (const [rawUrl, value] of Object.entries(asTable(root.host) ?? {})) {
    const url = credentialFreeUrl(rawUrl, file, (u) => `host."${u}"`, credentials);
    const table = asTable(value) ?? {};
    const entry = readHostsEntry(table, normalizeEndpointUrl(url), fileDir);
    hosts.push(entry);
    if (entry.skipVerify)
      skipVerify.push({ file, location: `host."${url}".skip_verify`, host: hostOfUrl(url) });
    const headerNames = readHeaders(asTable(table.header) ?? {});
    if (headerNames.length > 0) {
      credentials.push({ file, location: `host."${url}".header`, host: hostOfUrl(url), fields: headerNames });
    }
  }
  return { ok: true, value: { file, dirName, server, hosts, credentials, skipVerify } };
}

/**
 * Directories containerd looks in under config_path for a registry host, in order:
 * `host_port_` (ports written with underscores), `host:port`, then `_default`.
 */
export function hostDirCandidates(host: string): string[] {
  const out: string[] = [];
  const colon = host.lastIndexOf(':');
  if (colon > 0 && !host.endsWith(']')) out.push(`${host.slice(0, colon)}_${host.slice(colon + 1)}_`);
  out.push(host);
  out.push('_default');
  return out;
}

/** Absolute paths of the `imports` of a file: relative ones resolve against the file's directory. */
export function resolveImportPath(parentFile: string, path: string): string {
  return joinPath(dirOf(parentFile), path);
}

/** Matches a glob (`*`, `?`) in the last path component only, as containerd's imports use. */
export function matchesGlob(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}$`,
  );
  return re.test(name);
}

export { dirOf as directoryOf };
