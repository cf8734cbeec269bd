import { dirname, isAbsolute, join } from 'node:path';
import TOML from '@iarna/toml';
import { isCheckCode } from './checks/index.js';
import { ConfigError, describe, type Table, TableReader } from './config-reader.js';
import { registryPrefixProblem } from './image-ref.js';

export { ConfigError } from './config-reader.js';

/**
 * airgap-top's own config file (TOML). Parsing is pure: the CLI reads the file and hands the text here.
 * Every section is optional; SSH and vSphere probes run only when their section asks for them.
 */
export type RegistryProfile = 'tkg' | 'cse' | 'gdc';

export interface RegistryConfig {
  /** Allowed image prefixes, `host[:port][/path]`. Empty means "no private registry configured". */
  readonly private: readonly string[];
  /** CA file (PEM) for the central check of every registry without a `ca_files` entry of its own. */
  readonly caFile?: string;
  readonly profile?: RegistryProfile;
  /**
   * Ask the registries whether they hold every image (the presence sweep). Unset = on when `private`
   * is set (see registryCheckSettings); `--no-registry-check` turns it off.
   */
  readonly check?: boolean;
  /** Registry requests under way at once (default 8). */
  readonly concurrency?: number;
  /** Per request: connect + answer (default 10). */
  readonly timeoutSeconds?: number;
  /** Live mode: presence is asked again after this long (default 15); failures sooner, with backoff. */
  readonly recheckMinutes?: number;
  /**
   * A docker `config.json` with pull credentials. Only ever a path in the config file: never a flag,
   * and its content is never shown, logged or exported.
   */
  readonly credentialsFile?: string;
  /** `[registry.ca_files]`: per registry `host[:port]` (lower-case), the CA file for the central check. */
  readonly caFiles?: Readonly<Record<string, string>>;
  /**
   * `[registry.connect_to]`: per registry `host[:port]` (lower-case, port as written or the
   * scheme's default), the `address:port` airgap-top dials instead (curl's --connect-to): a tunnel
   * from a jump host, or the demo's loopback registry. TLS still checks the registry's own name.
   */
  readonly connectTo?: Readonly<Record<string, string>>;
  /**
   * `[registry] expect` and `--expect FILE[=REPO]`: image sets the registry must hold
   * (publish-images-fromtar.yaml, TKG/TKr BOMs, plain lists), judged by the readiness probe.
   */
  readonly expect?: readonly ExpectSpec[];
}

/** One expect file: its path (relative to the config file) and the destination repository, if named. */
export interface ExpectSpec {
  readonly file: string;
  readonly repo?: string;
}

/** `FILE=REPO` or `FILE`: the last `=` followed by a registry name splits them. */
export function parseExpectSpec(value: string): ExpectSpec {
  const eq = value.lastIndexOf('=');
  if (eq > 0 && eq < value.length - 1) {
    const repo = value.slice(eq + 1).replace(/\/+$/, '');
    if (/^[a-z0-9.-]+(:\d+)?(\/\S*)?$/i.test(repo)) return { file: value.slice(0, eq), repo };
  }
  return { file: value };
}

export interface IgnoreRule {
  /** Exact namespace, or undefined for any. */
  readonly namespace?: string;
  /** Glob on the image reference as written in the pod spec (`*` any run of characters). */
  readonly image?: string;
  /** Restricts the rule to some check codes, e.g. ["IMG-002"]. Empty = all image checks. */
  readonly codes?: readonly string[];
  readonly reason: string;
}

export interface TopologyConfig {
  readonly region?: string;
  readonly zones: readonly string[];
  /** Session window for counting Ready/NotReady flips (default 15 minutes). */
  readonly flapWindowMinutes?: number;
  /** Flips inside the window that make a node "flapping" (default 3: down, up, down). */
  readonly flapThreshold?: number;
}

export interface IpamConfig {
  /** How long a claim may stay pending / a VM's claim condition False before it fails (default 10). */
  readonly graceMinutes?: number;
  /** A pool with less than this share of free addresses warns (default 10). */
  readonly lowFreePercent?: number;
}

export interface SshNodeOverride {
  readonly address?: string;
  readonly port?: number;
  readonly user?: string;
}

export interface SshConfig {
  readonly user: string;
  readonly identityFile?: string;
  readonly knownHosts?: string;
  /** `user@host:port`, like OpenSSH's ProxyJump. */
  readonly jumpHost?: string;
  readonly concurrency: number;
  readonly port: number;
  readonly connectTimeoutSeconds: number;
  readonly readTimeoutSeconds: number;
  /** Trust-on-first-use for unknown host keys (records them). Off unless asked. */
  readonly acceptNew: boolean;
  readonly nodes: Readonly<Record<string, SshNodeOverride>>;
}

export interface VsphereConfig {
  readonly server?: string;
  readonly username?: string;
  /** Name of the environment variable that holds the password; never the password itself. */
  readonly passwordEnv: string;
  readonly caFile?: string;
  /** Skips TLS verification; shown on screen and in reports. */
  readonly insecure: boolean;
  /** Offline govc JSON instead of a live vCenter. */
  readonly inventoryFile?: string;
  /** More portgroups to judge (names or /DC/network/NAME paths) beside those the cluster's VMs use. */
  readonly portgroups?: readonly string[];
}

export interface Config {
  readonly registry: RegistryConfig;
  readonly ignore: readonly IgnoreRule[];
  readonly topology: TopologyConfig;
  /** `[ipam]`: thresholds of the node-IPAM checks (defaults when absent). */
  readonly ipam?: IpamConfig;
  /** Present only when the file has an [ssh] section (or a flag asks): the SSH probe runs only then. */
  readonly ssh?: SshConfig;
  /** Present only when the file has a [vsphere] section: the vSphere probe runs only then. */
  readonly vsphere?: VsphereConfig;
  /** Where the config came from, for messages ("built-in defaults" when no file). */
  readonly source: string;
}

export const DEFAULT_CONFIG: Config = {
  registry: { private: [] },
  ignore: [],
  topology: { zones: [] },
  source: 'built-in defaults',
};

export const DEFAULT_SSH: SshConfig = {
  user: 'capv',
  concurrency: 16,
  port: 22,
  connectTimeoutSeconds: 10,
  readTimeoutSeconds: 20,
  acceptNew: false,
  nodes: {},
};

export const DEFAULT_VSPHERE: VsphereConfig = { passwordEnv: 'VSPHERE_PASSWORD', insecure: false };

export interface ParsedConfig {
  readonly config: Config;
  /** Unknown keys and other things worth a look, each naming key and line. */
  readonly warnings: readonly string[];
}

/** Parses and validates the TOML text of a config file. Throws ConfigError with key and line. */
export function parseConfig(text: string, source: string): ParsedConfig {
  let raw: Table;
  try {
    raw = TOML.parse(text) as Table;
  } catch (err) {
    const e = err as { line?: number; col?: number; message?: string };
    const where = e.line !== undefined ? `:${e.line + 1}:${(e.col ?? 0) + 1}` : '';
    const reason = String(e.message ?? err).split('\n')[0];
    throw new ConfigError(`${source}${where}: not valid TOML: ${reason}`);
  }
  const reader = new TableReader(text, source);
  const warnings = reader.warnings;

  reader.known(raw, '', ['registry', 'ignore', 'topology', 'ipam', 'ssh', 'vsphere']);

  const reg = reader.table(raw, 'registry');
  reader.known(reg, 'registry', [
    'private',
    'ca_file',
    'profile',
    'check',
    'concurrency',
    'timeout_seconds',
    'recheck_minutes',
    'credentials_file',
    'ca_files',
    'connect_to',
    'expect',
  ]);
  const profile = reader.optString(reg, 'registry', 'profile');
  if (profile !== undefined && !['tkg', 'cse', 'gdc'].includes(profile)) {
    throw reader.error('registry.profile', `must be one of tkg, cse, gdc (got "${profile}")`);
  }
  if ('credentials' in reg || 'password' in reg || 'auth' in reg) {
    // Not echoed: the value is a secret.
    throw reader.error(
      'registry',
      'must not carry credentials: set credentials_file to the path of a docker config.json; the value is not shown',
    );
  }
  const caFile = reader.optString(reg, 'registry', 'ca_file');
  const credentialsFile = reader.optString(reg, 'registry', 'credentials_file');
  const caFiles = readCaFiles(reader, reg, source);
  const connectTo = readConnectTo(reader, reg);
  const expect = reader.stringList(reg, 'registry', 'expect').map((v) => {
    const spec = parseExpectSpec(v);
    return { ...spec, file: configPath(source, spec.file) };
  });
  const registry: RegistryConfig = {
    private: reader.stringList(reg, 'registry', 'private').map((p) => p.replace(/\/+$/, '')),
    caFile: caFile ? configPath(source, caFile) : undefined,
    profile: profile as RegistryProfile | undefined,
    check: reader.optBool(reg, 'registry', 'check'),
    concurrency: reader.optInt(reg, 'registry', 'concurrency', 1, 256),
    timeoutSeconds: reader.optInt(reg, 'registry', 'timeout_seconds', 1, 600),
    recheckMinutes: reader.optInt(reg, 'registry', 'recheck_minutes', 1, 1440),
    credentialsFile: credentialsFile ? configPath(source, credentialsFile) : undefined,
    ...(caFiles ? { caFiles } : {}),
    ...(connectTo ? { connectTo } : {}),
    ...(expect.length > 0 ? { expect } : {}),
  };
  if (credentialsFile === '') throw reader.error('registry.credentials_file', 'must name a file (got "")');

  for (const prefix of registry.private) {
    const problem = registryPrefixProblem(prefix);
    if (problem) warnings.push(reader.error('registry.private', `"${prefix}" ${problem}`).message);
  }

  const ignoreRaw = raw.ignore;
  if (ignoreRaw !== undefined && !Array.isArray(ignoreRaw)) {
    throw reader.error('ignore', 'must be an array of tables ([[ignore]])');
  }
  const ignore: IgnoreRule[] = (ignoreRaw ?? []).map((entry, index) => {
    const key = `ignore[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw reader.error(key, 'must be a table ([[ignore]])');
    }
    const t = entry as Table;
    reader.known(t, key, ['namespace', 'image', 'codes', 'reason']);
    const reason = reader.optString(t, key, 'reason');
    if (!reason)
      throw reader.error(
        `${key}.reason`,
        'every [[ignore]] needs a reason (it is shown beside the exception)',
      );
    const namespace = reader.optString(t, key, 'namespace');
    const image = reader.optString(t, key, 'image');
    if (namespace === undefined && image === undefined) {
      throw reader.error(key, 'an [[ignore]] needs a namespace, an image pattern, or both');
    }
    const codes = reader.stringList(t, key, 'codes');
    for (const code of codes) {
      if (!isCheckCode(code))
        warnings.push(
          reader.error(
            `${key}.codes`,
            `names "${code}", which is not a check code (see airgap-top checks); the rule never applies to it`,
          ).message,
        );
    }
    return { namespace, image, codes, reason };
  });

  const topo = reader.table(raw, 'topology');
  reader.known(topo, 'topology', ['region', 'zones', 'flap_window_minutes', 'flap_threshold']);
  const topology: TopologyConfig = {
    region: reader.optString(topo, 'topology', 'region'),
    zones: reader.stringList(topo, 'topology', 'zones'),
    flapWindowMinutes: reader.optInt(topo, 'topology', 'flap_window_minutes', 1, 1440),
    flapThreshold: reader.optInt(topo, 'topology', 'flap_threshold', 2, 1000),
  };

  let ipam: IpamConfig | undefined;
  if (raw.ipam !== undefined) {
    const i = reader.table(raw, 'ipam');
    reader.known(i, 'ipam', ['grace_minutes', 'low_free_percent']);
    ipam = {
      graceMinutes: reader.optInt(i, 'ipam', 'grace_minutes', 0, 1440),
      lowFreePercent: reader.optInt(i, 'ipam', 'low_free_percent', 0, 100),
    };
  }

  let ssh: SshConfig | undefined;
  if (raw.ssh !== undefined) {
    const s = reader.table(raw, 'ssh');
    reader.known(s, 'ssh', [
      'user',
      'identity_file',
      'known_hosts',
      'jump_host',
      'concurrency',
      'port',
      'connect_timeout_seconds',
      'read_timeout_seconds',
      'accept_new',
      'nodes',
    ]);
    const nodesRaw = reader.table(s, 'nodes', 'ssh');
    const nodes: Record<string, SshNodeOverride> = {};
    for (const [name, value] of Object.entries(nodesRaw)) {
      const key = `ssh.nodes."${name}"`;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw reader.error(key, 'must be a table');
      }
      const t = value as Table;
      reader.known(t, key, ['address', 'port', 'user']);
      nodes[name] = {
        address: reader.optString(t, key, 'address'),
        port: reader.optInt(t, key, 'port', 1, 65535),
        user: reader.optString(t, key, 'user'),
      };
    }
    ssh = {
      user: reader.optString(s, 'ssh', 'user') ?? DEFAULT_SSH.user,
      identityFile: reader.optString(s, 'ssh', 'identity_file'),
      knownHosts: reader.optString(s, 'ssh', 'known_hosts'),
      jumpHost: checkedJumpHost(reader, reader.optString(s, 'ssh', 'jump_host')),
      concurrency: reader.optInt(s, 'ssh', 'concurrency', 1, 512) ?? DEFAULT_SSH.concurrency,
      port: reader.optInt(s, 'ssh', 'port', 1, 65535) ?? DEFAULT_SSH.port,
      connectTimeoutSeconds:
        reader.optInt(s, 'ssh', 'connect_timeout_seconds', 1, 600) ?? DEFAULT_SSH.connectTimeoutSeconds,
      readTimeoutSeconds:
        reader.optInt(s, 'ssh', 'read_timeout_seconds', 1, 600) ?? DEFAULT_SSH.readTimeoutSeconds,
      acceptNew: reader.optBool(s, 'ssh', 'accept_new') ?? false,
      nodes,
    };
  }

  let vsphere: VsphereConfig | undefined;
  if (raw.vsphere !== undefined) {
    const v = reader.table(raw, 'vsphere');
    reader.known(v, 'vsphere', [
      'server',
      'username',
      'password_env',
      'ca_file',
      'insecure',
      'inventory_file',
      'portgroups',
    ]);
    if ('password' in v) {
      throw reader.error(
        'vsphere.password',
        'passwords do not belong in the config file: set password_env to the name of an environment variable',
      );
    }
    const server = reader.optString(v, 'vsphere', 'server');
    if (server && /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(server)) {
      // Not echoed: the userinfo is a password.
      throw reader.error(
        'vsphere.server',
        'must not carry user:password@ in the URL: set username, and the password in the variable password_env names',
      );
    }
    const passwordEnv = reader.optString(v, 'vsphere', 'password_env');
    if (passwordEnv !== undefined && !ENV_NAME.test(passwordEnv)) {
      // Not echoed: a value that is not a variable name is most likely the password itself.
      throw reader.error(
        'vsphere.password_env',
        'must be the NAME of an environment variable (letters, digits, _; e.g. VSPHERE_PASSWORD), not the password; the value is not shown',
      );
    }
    const inventoryFile = reader.optString(v, 'vsphere', 'inventory_file');
    const caFile = reader.optString(v, 'vsphere', 'ca_file');
    vsphere = {
      server,
      username: reader.optString(v, 'vsphere', 'username'),
      passwordEnv: passwordEnv ?? DEFAULT_VSPHERE.passwordEnv,
      caFile: caFile ? configPath(source, caFile) : undefined,
      insecure: reader.optBool(v, 'vsphere', 'insecure') ?? false,
      inventoryFile: inventoryFile ? relativeToConfig(source, inventoryFile) : undefined,
      portgroups: reader.stringList(v, 'vsphere', 'portgroups'),
    };
    if (!vsphere.server && !vsphere.inventoryFile) {
      throw reader.error('vsphere', 'needs either server (a live vCenter) or inventory_file (govc JSON)');
    }
  }

  return { config: { registry, ignore, topology, ipam, ssh, vsphere, source }, warnings };
}

/** An environment variable name as a shell exports it. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Why a ProxyJump-style `[user@]host[:port]` is malformed, or undefined. Checked when the config is
 * read, so a bad value never reaches a DNS lookup; the value itself is never echoed (a
 * `user:password@host` carries a password).
 */
export function jumpHostProblem(spec: string): string | undefined {
  const at = spec.lastIndexOf('@');
  const user = at >= 0 ? spec.slice(0, at) : undefined;
  const rest = at >= 0 ? spec.slice(at + 1) : spec;
  if (user?.includes(':'))
    return 'must not carry a password (user:password@): use a key (identity_file or ssh-agent)';
  if (user !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(user))
    return 'has an invalid user name: expected [user@]host[:port]';
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$/.exec(rest);
  const plain =
    /^([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)(?::(\d+))?$/.exec(
      rest,
    );
  const match = v6 ?? plain;
  if (!match) return 'is not [user@]host[:port] (a host name, an IPv4 address or [IPv6])';
  const port = match[2] === undefined ? 22 : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return 'has a port outside 1-65535';
  return undefined;
}

function checkedJumpHost(reader: TableReader, spec: string | undefined): string | undefined {
  if (spec === undefined) return undefined;
  const problem = jumpHostProblem(spec);
  if (problem) throw reader.error('ssh.jump_host', problem);
  return spec;
}

/**
 * `[registry.ca_files]`: `"host[:port]" = "/path/ca.pem"`, one CA file per registry for the central
 * check (nodes' own CAs come from their containerd config).
 */
function readCaFiles(reader: TableReader, reg: Table, source: string): Record<string, string> | undefined {
  return readRegistryHostTable(reader, reg, 'ca_files', (value) => {
    if (typeof value !== 'string' || value === '') {
      return `must be the path of a CA file (PEM), not ${describe(value)}`;
    }
    return { value: configPath(source, value) };
  });
}

/**
 * `[registry.connect_to]`: `"host[:port]" = "address:port"`. The address is an IP literal (IPv6 in
 * brackets) or a host name airgap-top resolves; the port is required, so nothing is guessed.
 */
function readConnectTo(reader: TableReader, reg: Table): Record<string, string> | undefined {
  return readRegistryHostTable(reader, reg, 'connect_to', (value) => {
    if (typeof value !== 'string' || !CONNECT_TARGET.test(value)) {
      return `must be "address:port", e.g. "127.0.0.1:5000", not ${describe(value)}`;
    }
    return { value: value.toLowerCase() };
  });
}

/**
 * A `[registry.NAME]` table keyed by registry hosts as images name them (no scheme, no path; keys
 * lower-cased): each value read by `read`, which returns it or the problem with it.
 */
function readRegistryHostTable(
  reader: TableReader,
  reg: Table,
  name: string,
  read: (value: unknown) => { value: string } | string,
): Record<string, string> | undefined {
  if (reg[name] === undefined) return undefined;
  const table = reader.table(reg, name, 'registry');
  const out: Record<string, string> = {};
  for (const [host, value] of Object.entries(table)) {
    const key = `registry.${name}."${host}"`;
    if (!REGISTRY_HOST.test(host)) {
      throw reader.error(
        key,
        'must be keyed by a registry host[:port] (no scheme, no path), e.g. "registry.example.internal:5000"',
      );
    }
    const result = read(value);
    if (typeof result === 'string') throw reader.error(key, result);
    out[host.toLowerCase()] = result.value;
  }
  return out;
}

/** A DNS name, an IPv4 address or a bracketed IPv6 address, as a registry host is written. */
const HOST = String.raw`(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])`;
const PORT = '(?:[1-9][0-9]{0,4})';
/** `host[:port]` as an image reference names a registry: DNS name, IPv4 or [IPv6], optional port. */
const REGISTRY_HOST = new RegExp(`^${HOST}(?::${PORT})?$`);
/** `address:port` for connect_to: the port is required. */
const CONNECT_TARGET = new RegExp(`^${HOST}:${PORT}$`);

/** `~/x` stays as written (the probe expands it, as it does [ssh] identity_file); others are relative to the file. */
function configPath(source: string, path: string): string {
  return path.startsWith('~/') ? path : relativeToConfig(source, path);
}

/** A relative path in a config file means relative to that file (so a bundled config works from any cwd). */
function relativeToConfig(source: string, path: string): string {
  return isAbsolute(path) || source === DEFAULT_CONFIG.source ? path : join(dirname(source), path);
}
