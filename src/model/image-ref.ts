/**
 * Container image references, parsed and normalised the way the kubelet and containerd do it
 * (distribution/reference: `Parse`, `ParseNormalizedNamed`, `TagNameOnly`, `FamiliarString`).
 * The grammar is ported as regular expressions so the results agree case by case with upstream's
 * published tests (test/model/image-ref.test.ts).
 */

/** A normalised reference: `docker.io/library/nginx:latest` is {docker.io, library/nginx, latest}. */
export interface ImageRef {
  /** Registry host with optional port, e.g. `registry.example.internal:5000`, `[::1]:5000`, `docker.io`. */
  readonly domain: string;
  /** Repository path inside the registry, e.g. `library/nginx`, `tkg/antrea/antrea-advanced-debian`. */
  readonly path: string;
  /** The tag; `latest` when the reference had neither tag nor digest. */
  readonly tag?: string;
  /** `algorithm:hex`, e.g. `sha256:…`. Kept together with the tag when both are given. */
  readonly digest?: string;
}

/** Why a reference is invalid, matching upstream's error values (tests compare on it). */
export type ImageRefErrorKind =
  | 'name-empty'
  | 'invalid-format'
  | 'name-uppercase'
  | 'name-too-long'
  | 'identifier'
  | 'digest-invalid-format'
  | 'digest-invalid-length'
  | 'digest-unsupported';

export class ImageRefError extends Error {
  override readonly name = 'ImageRefError';
  constructor(
    readonly kind: ImageRefErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';
/** Upstream's RepositoryNameTotalLengthMax: applies to the path, not the domain. */
export const REPOSITORY_PATH_MAX = 255;
/** Not upstream: a guard so a pathological spec string cannot make the regexes crawl. */
const INPUT_MAX = 4096;

// The grammar of distribution/reference regexp.go, expression for expression.
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const optionalPort = '(?::[0-9]+)?';
const tagPat = '[\\w][\\w.-]{0,127}';
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const host = `(?:${domainName}|${ipv6address})`;
const domainAndPort = `${host}${optionalPort}`;
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const namePat = `(?:${domainAndPort}/)?${remoteName}`;

const referenceRegexp = new RegExp(`^(${namePat})(?::(${tagPat}))?(?:@(${digestPat}))?$`);
const anchoredNameRegexp = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
const anchoredIdentifierRegexp = /^[a-f0-9]{64}$/;
const anchoredDigestRegexp = new RegExp(`^${digestPat}$`);

/** Algorithms a real kubelet/containerd accepts, with their hex length (go-digest's registry). */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/** A reference exactly as upstream `Parse` sees it: no normalisation, domain may be empty. */
export interface RawReference {
  readonly domain: string;
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** distribution/reference `Parse`: the grammar only, no Docker Hub defaults. Throws ImageRefError. */
export function parseReference(s: string): RawReference {
  if (s === '')
    throw new ImageRefError(
      'name-empty',
      'invalid reference format: repository name must have at least one component',
    );
  if (s.length > INPUT_MAX) {
    throw new ImageRefError(
      'invalid-format',
      `invalid reference format: longer than ${INPUT_MAX} characters`,
    );
  }
  const matches = referenceRegexp.exec(s);
  if (!matches) {
    const lower = s.toLowerCase();
    if (lower !== s && referenceRegexp.test(lower)) {
      throw new ImageRefError(
        'name-uppercase',
        'invalid reference format: repository name must be lowercase',
      );
    }
    throw new ImageRefError('invalid-format', `invalid reference format: ${explainFormat(s)}`);
  }
  const name = matches[1] ?? '';
  const nameMatch = anchoredNameRegexp.exec(name);
  const domain = nameMatch?.[1] ?? '';
  const path = nameMatch ? (nameMatch[2] ?? '') : name;
  if (path.length > REPOSITORY_PATH_MAX) {
    throw new ImageRefError(
      'name-too-long',
      `invalid reference format: repository name must not be more than ${REPOSITORY_PATH_MAX} characters (has ${path.length})`,
    );
  }
  const tag = matches[2] || undefined;
  const digest = matches[3] ? validateDigest(matches[3]) : undefined;
  return { domain, path, tag, digest };
}

/** go-digest `Parse`: algorithm known, hex of the right length, lowercase hex. */
function validateDigest(digest: string): string {
  const sep = digest.indexOf(':');
  if (sep <= 0 || sep + 1 === digest.length) {
    throw new ImageRefError('digest-invalid-format', `invalid checksum digest format: ${digest}`);
  }
  const algorithm = digest.slice(0, sep);
  const encoded = digest.slice(sep + 1);
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) {
    if (!anchoredDigestRegexp.test(digest)) {
      throw new ImageRefError('digest-invalid-format', `invalid checksum digest format: ${digest}`);
    }
    throw new ImageRefError(
      'digest-unsupported',
      `unsupported digest algorithm "${algorithm}" (known: ${Object.keys(DIGEST_HEX_LENGTH).join(', ')})`,
    );
  }
  if (encoded.length !== length) {
    throw new ImageRefError(
      'digest-invalid-length',
      `invalid checksum digest length: ${algorithm} needs ${length} hex characters, got ${encoded.length}`,
    );
  }
  if (!/^[a-f0-9]+$/.test(encoded)) {
    throw new ImageRefError(
      'digest-invalid-format',
      `invalid checksum digest format: ${algorithm} hex must be lowercase 0-9a-f`,
    );
  }
  return digest;
}

/**
 * `ParseNormalizedNamed` + `TagNameOnly`: Docker Hub defaults (`docker.io`, `library/`),
 * `index.docker.io` → `docker.io`, default tag `latest` only when there is no tag and no digest.
 * Throws an Error (ImageRefError) whose message says why the reference is invalid.
 */
export function parseImageRef(ref: string): ImageRef {
  if (ref === '')
    throw new ImageRefError(
      'name-empty',
      'invalid reference format: the image is empty (repository name must have at least one component)',
    );
  if (anchoredIdentifierRegexp.test(ref)) {
    throw new ImageRefError(
      'identifier',
      `invalid repository name (${ref}): a 64-character hexadecimal string is an image ID, not a repository`,
    );
  }
  const [domain, remainder] = splitDockerDomain(ref);
  const tagSep = remainder.indexOf(':');
  const remote = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remote.toLowerCase() !== remote) {
    throw new ImageRefError(
      'name-uppercase',
      `invalid reference format: repository name (${remote}) must be lowercase`,
    );
  }
  const parsed = parseReference(`${domain}/${remainder}`);
  const tag = parsed.tag ?? (parsed.digest === undefined ? DEFAULT_TAG : undefined);
  const out: { domain: string; path: string; tag?: string; digest?: string } = {
    domain: parsed.domain,
    path: parsed.path,
  };
  if (tag !== undefined) out.tag = tag;
  if (parsed.digest !== undefined) out.digest = parsed.digest;
  return out;
}

/** Like parseImageRef but returns the error instead of throwing (hot paths, evaluation). */
export function tryParseImageRef(ref: string): ImageRef | ImageRefError {
  try {
    return parseImageRef(ref);
  } catch (err) {
    return err instanceof ImageRefError ? err : new ImageRefError('invalid-format', String(err));
  }
}

/** upstream splitDockerDomain: the first component is a host only with `.`/`:`, `localhost`, or uppercase. */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash < 0) return [DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX + name];
  const maybeDomain = name.slice(0, slash);
  const maybeRemote = name.slice(slash + 1);
  let domain: string;
  let remote: string;
  if (maybeDomain === 'localhost') {
    [domain, remote] = [maybeDomain, maybeRemote];
  } else if (maybeDomain === LEGACY_DEFAULT_DOMAIN) {
    [domain, remote] = [DEFAULT_DOMAIN, maybeRemote];
  } else if (/[.:]/.test(maybeDomain)) {
    [domain, remote] = [maybeDomain, maybeRemote];
  } else if (maybeDomain.toLowerCase() !== maybeDomain) {
    [domain, remote] = [maybeDomain, maybeRemote];
  } else {
    [domain, remote] = [DEFAULT_DOMAIN, name];
  }
  if (domain === DEFAULT_DOMAIN && !remote.includes('/')) remote = OFFICIAL_REPO_PREFIX + remote;
  return [domain, remote];
}

/** A short hint at what is wrong, since the grammar's failure alone says only "invalid format". */
function explainFormat(s: string): string {
  if (/\s/.test(s)) return 'contains whitespace';
  if (s.includes('://')) return 'a URL scheme (://) is not part of an image reference';
  if (s.startsWith(':') || s.startsWith('@') || s.startsWith('/'))
    return 'no repository name before the tag or digest';
  const at = s.indexOf('@');
  const beforeDigest = at >= 0 ? s.slice(0, at) : s;
  const lastSlash = beforeDigest.lastIndexOf('/');
  const colon = beforeDigest.indexOf(':', lastSlash + 1);
  const name = colon >= 0 ? beforeDigest.slice(0, colon) : beforeDigest;
  const tag = colon >= 0 ? beforeDigest.slice(colon + 1) : undefined;
  if (at >= 0 && !anchoredDigestRegexp.test(s.slice(at + 1)))
    return 'the digest is not algorithm:hex (at least 32 hex characters)';
  if (tag !== undefined && tag.length > 128) return `the tag is ${tag.length} characters (at most 128)`;
  if (tag !== undefined && !new RegExp(`^${tagPat}$`).test(tag))
    return `the tag "${tag}" has characters outside [A-Za-z0-9_.-] or starts with . or -`;
  if (name.includes('//') || name.endsWith('/')) return 'empty path component (// or trailing /)';
  const components = name.split('/');
  const last = components.length > 1 ? components.slice(1) : components;
  const bad = last.find((c) => !new RegExp(`^${pathComponent}$`).test(c));
  if (bad !== undefined) {
    return `path component "${bad}" must be lowercase letters and digits, separated by one . or _, two _, or dashes`;
  }
  if (components.length > 1 && !new RegExp(`^${domainAndPort}$`).test(components[0] ?? '')) {
    return `"${components[0]}" is neither a registry host[:port] nor a path component`;
  }
  return 'does not follow [host[:port]/]path[:tag][@digest]';
}

/** The repository name `domain/path`. */
export function refName(ref: ImageRef): string {
  return `${ref.domain}/${ref.path}`;
}

/** The full normalised string, e.g. `docker.io/library/nginx:latest`. */
export function refString(ref: ImageRef): string {
  return `${refName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** upstream FamiliarString: `docker.io/library/nginx:latest` → `nginx:latest`. */
export function familiarString(ref: ImageRef): string {
  return `${familiarName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** upstream FamiliarName: Docker Hub's domain dropped, `library/` dropped for one-level names. */
export function familiarName(ref: ImageRef): string {
  if (ref.domain !== DEFAULT_DOMAIN) return refName(ref);
  if (ref.path.startsWith(OFFICIAL_REPO_PREFIX)) {
    const rest = ref.path.slice(OFFICIAL_REPO_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  return ref.path;
}

/** The registry a reference pulls from, as written (`docker.io` for Docker Hub). */
export function registryHostOf(ref: ImageRef): string {
  return ref.domain;
}

/** An allowed-prefix spec `host[:port][/path]`, split once (config values are fixed per run). */
export interface RegistryPrefix {
  readonly domain: string;
  /** Path below the host, '' for the whole registry. */
  readonly path: string;
}

/** Parses `host[:port][/path]`; `index.docker.io` counts as `docker.io`; hosts compare case-insensitively. */
export function parseRegistryPrefix(prefix: string): RegistryPrefix {
  const trimmed = prefix
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/+$/, '');
  const slash = trimmed.indexOf('/');
  const rawDomain = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const path = slash < 0 ? '' : trimmed.slice(slash + 1);
  const lower = rawDomain.toLowerCase();
  return { domain: lower === LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : lower, path };
}

const anchoredDomainRegexp = new RegExp(`^${domainAndPort}$`);
const anchoredRemoteNameRegexp = new RegExp(`^${remoteName}$`);

/** Why a configured `host[:port][/path]` prefix can never match an image, or undefined when it is fine. */
export function registryPrefixProblem(prefix: string): string | undefined {
  if (/^[a-z]+:\/\//i.test(prefix.trim()))
    return 'has a URL scheme; write host[:port][/path] (the scheme is ignored)';
  const trimmed = prefix.trim().replace(/\/+$/, '');
  if (trimmed === '') return 'is empty';
  const slash = trimmed.indexOf('/');
  const domain = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const path = slash < 0 ? '' : trimmed.slice(slash + 1);
  if (!anchoredDomainRegexp.test(domain)) return `does not start with a registry host[:port] ("${domain}")`;
  if (path.includes('@') || path.includes(':')) return 'has a tag or digest; a prefix is host[:port][/path]';
  if (path !== '' && !anchoredRemoteNameRegexp.test(path)) {
    return `has a path no image can have ("${path}": lowercase letters, digits and . _ - separators only)`;
  }
  return undefined;
}

/**
 * True when `ref` lives under `prefix` (`host[:port][/path]`), on whole path segments:
 * `registry.example.internal/tkg` matches `…/tkg/antrea` but not `…/tkgx/antrea`.
 */
export function matchesPrefix(ref: ImageRef, prefix: string | RegistryPrefix): boolean {
  const p = typeof prefix === 'string' ? parseRegistryPrefix(prefix) : prefix;
  if (ref.domain.toLowerCase() !== p.domain) return false;
  if (p.path === '') return true;
  return ref.path === p.path || ref.path.startsWith(`${p.path}/`);
}

/** What the kubelet reports in `status.*ContainerStatuses[].imageID`, taken apart. */
export interface ImageID {
  /** The registry/repository the digest was recorded under, when the runtime reports one. */
  readonly ref?: ImageRef;
  /** `sha256:…` (a repo digest when `ref` is set, else the local image/config id). */
  readonly digest?: string;
}

/**
 * Parses the runtime's image id: `docker-pullable://repo@sha256:…` and `docker://sha256:…` (dockershim),
 * `repo@sha256:…` (containerd, CRI-O), or a bare `sha256:…` (an image with no repo digest, e.g. loaded
 * from a tarball). Returns undefined for an empty or unreadable value.
 */
export function parseImageID(imageID: string | undefined): ImageID | undefined {
  const value = imageIdValue(imageID);
  return value === undefined ? undefined : parseImageIdValue(value);
}

/** parseImageID of an imageID without its dockershim scheme. */
function parseImageIdValue(value: string): ImageID | undefined {
  if (/^sha(256|384|512):[a-f0-9]+$/.test(value)) return { digest: value };
  const parsed = tryParseImageRef(value);
  if (parsed instanceof ImageRefError) return undefined;
  return { ref: parsed, digest: parsed.digest };
}

/** The imageID without its dockershim scheme; undefined when nothing is left. */
function imageIdValue(imageID: string | undefined): string | undefined {
  if (!imageID) return undefined;
  // Both schemes, in this order, as dockershim wrote them (startsWith: this runs per container).
  let value = imageID.startsWith('docker-pullable://') ? imageID.slice(18) : imageID;
  if (value.startsWith('docker://')) value = value.slice(9);
  return value === '' ? undefined : value;
}

/** A sha256 digest of the shape any other valid one has: parsing `name@` it reads the name alone. */
const STAND_IN_DIGEST = `sha256:${'0'.repeat(64)}`;

/** `sha256:` and 64 lowercase hex digits: a digest go-digest accepts (and the grammar matches). */
function isSha256Digest(text: string, from: number): boolean {
  if (text.length - from !== 71 || !text.startsWith('sha256:', from)) return false;
  for (let i = from + 7; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/**
 * parseImageID, remembering each repository name it has read. Every container's imageID is a string
 * of its own (`repo@sha256:…`), but 10,000 of them name a few hundred repositories: the name is
 * parsed once, the digest checked by hand. Any valid sha256 digest leaves the parse of the rest
 * unchanged (same grammar, same length), so the name is parsed with a stand-in digest of the same
 * shape and the result is exactly parseImageID's. Owned by its caller; forgets at `limit` names.
 */
export class ImageIdReader {
  private readonly names = new Map<string, ImageRef | null>();

  constructor(private readonly limit = 50_000) {}

  read(imageID: string | undefined): ImageID | undefined {
    const value = imageIdValue(imageID);
    if (value === undefined) return undefined;
    const at = value.indexOf('@');
    if (at <= 0 || !isSha256Digest(value, at + 1)) return parseImageIdValue(value);
    const stand = this.standIn(value.slice(0, at));
    if (stand === null) return undefined;
    const digest = value.slice(at + 1);
    // The key order parseImageRef writes (a report serialises these objects).
    const ref: { domain: string; path: string; tag?: string; digest?: string } = {
      domain: stand.domain,
      path: stand.path,
    };
    if (stand.tag !== undefined) ref.tag = stand.tag;
    ref.digest = digest;
    return { ref, digest };
  }

  /**
   * The digest of an imageID `name@sha256:<64 lowercase hex>` whose name is valid, without building
   * read()'s record (this runs per container in several passes); undefined for any other imageID,
   * which read() then answers.
   */
  sha256Of(imageID: string | undefined): string | undefined {
    const value = imageIdValue(imageID);
    if (value === undefined) return undefined;
    const at = value.indexOf('@');
    if (at <= 0 || !isSha256Digest(value, at + 1)) return undefined;
    return this.standIn(value.slice(0, at)) === null ? undefined : value.slice(at + 1);
  }

  /** The name parsed with a stand-in digest (null: not a valid name), remembered. */
  private standIn(name: string): ImageRef | null {
    let stand = this.names.get(name);
    if (stand === undefined) {
      const parsed = tryParseImageRef(`${name}@${STAND_IN_DIGEST}`);
      stand = parsed instanceof ImageRefError ? null : parsed;
      if (this.names.size >= this.limit) this.names.clear();
      this.names.set(name, stand);
    }
    return stand;
  }
}

/**
 * tryParseImageRef with a memory of the names it read: 10,000 containers name a few hundred images,
 * and each pass over them (plan, findings, effective verdicts) parsed each name again. Bounded like
 * ImageIdReader: past `limit` names it starts afresh (churn with ever-new tags).
 */
export class ImageRefReader {
  private readonly refs = new Map<string, ImageRef | ImageRefError>();

  constructor(private readonly limit = 50_000) {}

  read(image: string): ImageRef | ImageRefError {
    let ref = this.refs.get(image);
    if (ref === undefined) {
      ref = tryParseImageRef(image);
      if (this.refs.size >= this.limit) this.refs.clear();
      this.refs.set(image, ref);
    }
    return ref;
  }
}
