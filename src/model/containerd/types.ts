/**
 * Slim records of the containerd probe: what each node's containerd will do when it pulls, never the
 * credentials it would use (only whether there are any).
 */

/** containerd config schema version: 1 (`plugins.cri`), 2 (`io.containerd.grpc.v1.cri`), 3 (containerd 2.x). */
export type ConfigVersion = 1 | 2 | 3;

/** Why a node could not be read at all (one finding each, with what to do). */
export type NodeFailureKind =
  | 'unreachable'
  | 'auth-refused'
  | 'host-key-mismatch'
  | 'host-key-unknown'
  | 'permission-denied'
  | 'file-missing'
  | 'timeout'
  | 'no-address'
  | 'too-large';

export interface NodeFailure {
  readonly kind: NodeFailureKind;
  /** A sentence a person can act on (already free of secrets). */
  readonly message: string;
  readonly path?: string;
}

/** Something wrong inside a file the node has: a TOML error, a missing import, a version mismatch. */
export type ConfigProblemKind = 'toml' | 'missing-file' | 'unreadable-file' | 'ignored-section';

export interface ConfigProblem {
  readonly kind: ConfigProblemKind;
  readonly file: string;
  readonly message: string;
  /** 1-based, for TOML errors. */
  readonly line?: number;
  readonly column?: number;
}

/** One endpoint containerd tries for a registry host, in order; the last is usually the upstream itself. */
export interface EndpointView {
  readonly url: string;
  /** host[:port] of the URL. */
  readonly host: string;
  /** Where it came from: a mirror entry, `[host."URL"]` of hosts.toml, or the upstream/`server`. */
  readonly role: 'mirror' | 'server' | 'upstream';
  readonly capabilities: readonly string[];
  readonly caFiles: readonly string[];
  readonly skipVerify: boolean;
  readonly overridePath: boolean;
  /** A client certificate is configured (paths only, never key material). */
  readonly clientCertificate: boolean;
}

/** How one registry host (the name in an image reference) is pulled on a node. */
export interface RegistryHostView {
  /** The namespace host (`gcr.io`, `registry.example.com:5000`), `*` (legacy catch-all) or `_default`. */
  readonly host: string;
  readonly source: 'mirrors' | 'hosts.toml' | 'certs-dir' | 'configs';
  /** The file that says so. */
  readonly file?: string;
  readonly endpoints: readonly EndpointView[];
}

/** Credentials in a config file: where and which fields, never values. */
export interface CredentialRecord {
  readonly file: string;
  /** `configs."HOST".auth`, `auths."URL"`, `headers.Authorization`, `[host."URL".header]`. */
  readonly location: string;
  readonly host: string;
  readonly fields: readonly string[];
}

/** A TLS problem visible in the config itself. */
export interface SkipVerifyRecord {
  readonly file: string;
  readonly location: string;
  readonly host: string;
}

export interface CertificateRecord {
  readonly path: string;
  /** Which config entry names it. */
  readonly namedBy: string;
  readonly status: 'ok' | 'missing' | 'unreadable' | 'invalid';
  readonly message?: string;
  /** Each certificate in the file (a bundle may hold several). */
  readonly certificates: readonly { subject: string; issuer: string; notBefore: string; notAfter: string }[];
  /**
   * The certificates as PEM (public data), when the file was read: the registry probe verifies the
   * registry's TLS with exactly the CA this node's containerd would.
   */
  readonly pem?: string;
}

export interface ContainerdView {
  readonly version: ConfigVersion;
  /** Main config then each import, in merge order. */
  readonly files: readonly string[];
  readonly sandboxImage: string;
  /** 'default' when no file sets it (containerd's built-in, from registry.k8s.io). */
  readonly sandboxImageSource: 'config' | 'default';
  /** Set when `config_path` is used (hosts.toml mode); may list several dirs separated by `:`. */
  readonly configPath?: string;
  /** Hosts with legacy `mirrors` entries and with `configs."HOST".tls`, for the config_path conflict. */
  readonly legacyMirrorHosts: readonly string[];
  readonly legacyTlsHosts: readonly string[];
  /** Every host configured in any way, sorted by host. */
  readonly registries: readonly RegistryHostView[];
  readonly credentials: readonly CredentialRecord[];
  readonly skipVerify: readonly SkipVerifyRecord[];
}

export interface NodeContainerdRecord {
  readonly node: string;
  /** Where it was read from: `user@host:port` (via jump host) or the dump directory. */
  readonly target: string;
  readonly failure?: NodeFailure;
  readonly view?: ContainerdView;
  readonly problems: readonly ConfigProblem[];
  readonly certificates: readonly CertificateRecord[];
  /** Set when --ssh-accept-new recorded this node's host key. */
  readonly hostKeyRecorded?: string;
}

export interface ContainerdData {
  readonly source: 'ssh' | 'dump';
  readonly nodes: readonly NodeContainerdRecord[];
  readonly sweptAt: string;
  readonly durationMs: number;
  /** Nodes deliberately not read (Windows nodes keep containerd's config elsewhere). */
  readonly skipped?: readonly { readonly node: string; readonly reason: string }[];
}
