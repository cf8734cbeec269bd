/**
 * The registry presence check, as data: where to ask (an endpoint, the way containerd's hosts.toml
 * describes one), what to ask (a manifest probe), what came back (an answer) and what it means (a
 * verdict). Pure types: the client in src/probes/registry produces answers, classify.ts judges them.
 */

/** One registry host as containerd would dial it (hosts.toml `[host."…"]` or `server`). */
export interface RegistryEndpoint {
  readonly scheme: 'https' | 'http';
  /** Host name or IP literal, without brackets for IPv6 (`::1`), lower-case. */
  readonly host: string;
  /** Explicit port; undefined = the scheme's default (443/80). */
  readonly port?: number;
  /**
   * Path of the API root. Without override_path containerd appends `/v2` to the URL's path
   * (`https://m.example/prefix` → `/prefix/v2`); with override_path the path is the API root itself.
   */
  readonly path?: string;
  readonly overridePath?: boolean;
  /** The `ns` query parameter containerd adds when the endpoint mirrors another registry. */
  readonly ns?: string;
  /** CA files (PEM) trusted for this endpoint, in addition to nothing else (no system store). */
  readonly caFiles?: readonly string[];
  /** Client certificate and key files (mutual TLS). */
  readonly clientCert?: { readonly certFile: string; readonly keyFile: string };
  readonly skipVerify?: boolean;
}

/** The stable key of an endpoint: two endpoints with one key are dialled as one. */
export function endpointKey(e: RegistryEndpoint): string {
  const tls = [
    ...(e.caFiles ?? []),
    e.clientCert ? `${e.clientCert.certFile}+${e.clientCert.keyFile}` : '',
    e.skipVerify ? 'skip' : '',
  ].join(',');
  return `${e.scheme}://${hostPort(e)}${e.path ?? ''}${e.overridePath ? '!' : ''}?ns=${e.ns ?? ''}#${tls}`;
}

/** `host[:port]` as written in a URL (IPv6 bracketed); the default port is left out. */
export function hostPort(e: Pick<RegistryEndpoint, 'host' | 'port' | 'scheme'>): string {
  const host = e.host.includes(':') ? `[${e.host}]` : e.host;
  const defaultPort = e.scheme === 'https' ? 443 : 80;
  return e.port === undefined || e.port === defaultPort ? host : `${host}:${e.port}`;
}

/** What to ask one endpoint: does `repository` hold `reference` (a tag or a digest)? */
export interface ManifestProbe {
  readonly endpoint: RegistryEndpoint;
  /** Repository path inside the registry, e.g. `tkg/antrea` (no host). */
  readonly repository: string;
  /** A tag, or a digest `sha256:…`. */
  readonly reference: string;
  /**
   * A digest the answer must carry: the reference's own digest, or the pod's imageID repo digest.
   * A different digest is a mismatch (the tag moved, or the mirror holds another build).
   */
  readonly expectDigest?: string;
}

/** The key under which a sweep asks once: (endpoint, repository, reference). */
export function probeKey(p: Pick<ManifestProbe, 'endpoint' | 'repository' | 'reference'>): string {
  return tripleKeyOf(endpointKey(p.endpoint), p.repository, p.reference);
}

/** probeKey from an endpoint's endpointKey (for callers that keep the endpoint's key). */
export function tripleKeyOf(endpointKeyText: string, repository: string, reference: string): string {
  return `${endpointKeyText} ${repository} ${reference}`;
}

/** How the client authenticated the request that produced the answer. */
export type AuthStep =
  /** No challenge: the registry answered without auth. */
  | 'none'
  /** Bearer challenge answered with a token fetched without credentials. */
  | 'anonymous-token'
  /** Bearer challenge answered with a token fetched with the configured credentials. */
  | 'credentials-token'
  /** Basic challenge answered with the configured credentials. */
  | 'basic';

/** A parsed `WWW-Authenticate` challenge. */
export type AuthChallenge =
  | {
      readonly scheme: 'bearer';
      readonly realm: string;
      readonly service?: string;
      readonly scope?: string;
      readonly error?: string;
    }
  | { readonly scheme: 'basic'; readonly realm?: string }
  | { readonly scheme: 'other'; readonly raw: string };

/** The certificate facts of one TLS endpoint, for the inventory and the TLS verdicts. */
export interface CertificateFacts {
  readonly subject: string;
  readonly issuer: string;
  readonly sans: readonly string[];
  readonly notBefore: string;
  /** ISO date. */
  readonly notAfter: string;
  readonly fingerprint256: string;
}

export interface TlsInventory {
  /** Leaf first, then what the server sent. */
  readonly chain: readonly CertificateFacts[];
  /** The CA file whose certificate issued the top of the chain, when one did. */
  readonly verifiedBy?: string;
  /** The CA files that were offered for verification. */
  readonly caFiles: readonly string[];
  /** True when the chain verified against caFiles and the name matched. */
  readonly trusted: boolean;
  readonly skipVerify: boolean;
  /** Node's verification error code (e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE), when not trusted. */
  readonly error?: string;
}

/** Why no HTTP answer came back. */
export type NetworkFailure = 'refused' | 'timeout' | 'dns' | 'reset' | 'other';

/** Why the TLS handshake was not accepted. */
export type TlsFailure = 'untrusted' | 'expired' | 'not-yet-valid' | 'name-mismatch' | 'handshake';

/** What came back for one probe, before any judgement. */
export type ManifestAnswer =
  | {
      readonly kind: 'http';
      readonly status: number;
      readonly method: 'HEAD' | 'GET';
      readonly auth: AuthStep;
      /** Docker-Content-Digest, or the sha256 of the GET body when the header was missing. */
      readonly digest?: string;
      readonly mediaType?: string;
      readonly contentLength?: number;
      /** Seconds from Retry-After (429/503). */
      readonly retryAfterSeconds?: number;
      /** The last challenge seen, when the final status is 401. */
      readonly challenge?: AuthChallenge;
      /** Error codes of a distribution error body (`MANIFEST_UNKNOWN`, `NAME_UNKNOWN`, `DENIED`…). */
      readonly errorCodes?: readonly string[];
    }
  | {
      /** The token server refused the token request (anonymous or with credentials). */
      readonly kind: 'token-refused';
      readonly status: number;
      readonly withCredentials: boolean;
    }
  | {
      readonly kind: 'tls';
      readonly failure: TlsFailure;
      readonly message: string;
      readonly tls?: TlsInventory;
    }
  | { readonly kind: 'network'; readonly failure: NetworkFailure; readonly message: string }
  /** The guard refused to dial a public registry: judged from config, never contacted. */
  | { readonly kind: 'public-refused'; readonly host: string };

/** What an answer means. `code` is the REG check it becomes. */
export type RegistryVerdict =
  | { readonly kind: 'present'; readonly digest?: string; readonly mediaType?: string }
  | {
      readonly kind: 'absent';
      /** 401-after-anonymous-token means "does not exist or needs authorization": both are said. */
      readonly reason: 'manifest-unknown' | 'name-unknown' | 'not-found' | 'unknown-or-unauthorized';
    }
  | { readonly kind: 'anonymous-refused'; readonly challenge: 'bearer' | 'basic' | 'other' }
  | { readonly kind: 'credentials-refused'; readonly status: number }
  | { readonly kind: 'forbidden' }
  | {
      readonly kind: 'tls-untrusted';
      readonly caFiles: readonly string[];
      readonly chain: readonly CertificateFacts[];
      readonly error?: string;
    }
  | { readonly kind: 'tls-expired'; readonly notAfter?: string }
  | { readonly kind: 'tls-name-mismatch'; readonly host: string; readonly sans: readonly string[] }
  | {
      readonly kind: 'unreachable';
      readonly failure: NetworkFailure | 'tls-handshake';
      readonly message: string;
    }
  | { readonly kind: 'rate-limited'; readonly retryAfterSeconds?: number }
  | { readonly kind: 'registry-error'; readonly status: number }
  | {
      readonly kind: 'digest-mismatch';
      readonly expected: string;
      readonly actual: string;
      readonly mediaType?: string;
    }
  | {
      readonly kind: 'public-not-contacted';
      readonly host: string;
      /** Not public but outside the registries the config names ([registry] private, connect_to). */
      readonly outside?: boolean;
    }
  | { readonly kind: 'unexpected'; readonly status: number; readonly errorCodes?: readonly string[] };
