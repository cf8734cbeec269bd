import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import { createSecureContext } from 'node:tls';
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { errorMessage, UserFacingError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { secrets } from '../../core/redact.js';
import { TOOL_VERSION } from '../../core/version.js';
import { KubeApiError, KubeNetworkError } from './errors.js';
import { Backoff, withRetries } from './retry.js';

export { KubeApiError, KubeNetworkError };

/** Every request says who it is, so an API server's audit log and its rate limits can tell us apart. */
export const USER_AGENT = `airgap-top/${TOOL_VERSION}`;

/** Discovery documents are retried this often on 429/5xx/resets before the probe gives up. */
const DISCOVERY_ATTEMPTS = 4;

export interface KubeOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Where KUBECONFIG is read (default process.env; tests pass their own). */
  readonly env?: NodeJS.ProcessEnv;
  /** Where requests, watches and their timings are logged (debug) and retries (info). */
  readonly log?: Logger;
}

export interface ApiResourceInfo {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
}

export interface GroupDiscovery {
  readonly group: string;
  readonly preferredVersion: string;
  readonly versions: readonly string[];
}

/** One watch event as the API server sends it (a line of JSON). */
export interface RawWatchEvent {
  readonly type: string;
  readonly object: { readonly code?: number; readonly message?: string; readonly [key: string]: unknown };
}

export interface WatchHandlers {
  /** The server accepted the watch (200): the stream is open. */
  onOpen(): void;
  onEvent(event: RawWatchEvent): void;
}

/** One API server connection: raw JSON GETs, watches, discovery. Read-only by construction. */
export class KubeConnection {
  private agent: https.Agent | undefined;
  private groupsCache: Promise<Map<string, GroupDiscovery>> | undefined;
  private readonly versionCache = new Map<string, Promise<{ resources: ApiResourceInfo[] } | undefined>>();

  constructor(
    readonly kc: KubeConfig,
    readonly contextName: string,
    readonly server: string,
    /** What the person should hear about how the kubeconfig was read (a skipped KUBECONFIG file). */
    readonly warnings: readonly string[] = [],
    readonly log?: Logger,
  ) {}

  /** A GET with our headers, credentials and TLS settings; resolves with the response head. */
  private async open(
    path: string,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<{ res: http.IncomingMessage; req: http.ClientRequest }> {
    const url = new URL(this.server.replace(/\/$/, '') + path);
    const options: https.RequestOptions = {
      method: 'GET',
      headers: { Accept: 'application/json', 'User-Agent': USER_AGENT },
    };
    await this.kc.applyToHTTPSOptions(options);
    const isHttps = url.protocol === 'https:';
    if (isHttps) {
      this.agent ??= new https.Agent({
        keepAlive: true,
        // One TLS context for every socket: Node builds one per connection otherwise (parsing the
        // CA and the client key again), and a report opens a socket per concurrent list.
        secureContext: createSecureContext({ ca: options.ca, cert: options.cert, key: options.key }),
        ca: options.ca,
        cert: options.cert,
        key: options.key,
        rejectUnauthorized: options.rejectUnauthorized,
      });
      options.agent = this.agent;
    }
    const transport = isHttps ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, { ...options, signal, timeout: timeoutMs }, (res) =>
        resolve({ res, req }),
      );
      req.on('timeout', () =>
        req.destroy(
          new KubeNetworkError(
            `GET ${path}: no answer within ${Math.round(timeoutMs / 1000)} s`,
            'ETIMEDOUT',
          ),
        ),
      );
      req.on('error', (err) => reject(describeNetworkError(err, this.server)));
      req.end();
    });
  }

  /** GET a path and parse JSON. Non-2xx becomes KubeApiError with the Status message. */
  async getJson<T = unknown>(path: string, signal?: AbortSignal, timeoutMs = 30_000): Promise<T> {
    return (await this.getJsonLater<T>(path, signal, timeoutMs))();
  }

  /**
   * getJson, parsed when the caller asks: a list page asked ahead is held as its text (a fifth of
   * its parsed size) until it is read. `onHead`, if given, sees the first bytes of a 2xx body once,
   * as soon as they arrive (a list page's metadata, to ask for the next page meanwhile).
   */
  async getJsonLater<T = unknown>(
    path: string,
    signal?: AbortSignal,
    timeoutMs = 30_000,
    onHead?: (head: string) => void,
  ): Promise<() => T> {
    const started = performance.now();
    try {
      const { body, status } = await this.getBodyOnce(path, signal, timeoutMs, onHead);
      this.log?.debug(`kube GET ${path}: ${status} in ${elapsed(started)}`);
      return () => {
        try {
          return JSON.parse(body) as T;
        } catch {
          throw new KubeApiError(status, `${path}: the API server answered with something that is not JSON`);
        }
      };
    } catch (err) {
      if (err instanceof KubeApiError)
        this.log?.debug(`kube GET ${path}: ${err.statusCode} in ${elapsed(started)}`);
      else this.log?.debug(`kube GET ${path}: failed after ${elapsed(started)}: ${errorMessage(err)}`);
      throw err;
    }
  }

  /** One GET's 2xx body as text; any other status is thrown as a KubeApiError. */
  private async getBodyOnce(
    path: string,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    onHead: ((head: string) => void) | undefined,
  ): Promise<{ body: string; status: number }> {
    const { res } = await this.open(path, signal, timeoutMs);
    const status = res.statusCode ?? 0;
    let headPending = onHead !== undefined && status >= 200 && status < 300;
    const body = await new Promise<string>((resolve, reject) => {
      // Decoded as it arrives (a character split across chunks is carried): a 1 MB list page is
      // never one more 1 MB native buffer, which malloc would keep in its heap after it is freed
      // (~15 MB of RSS over a 10,000-pod list).
      const decoder = new StringDecoder('utf8');
      const texts: string[] = [];
      const headChunks: Buffer[] = [];
      let received = 0;
      const head = () => {
        headPending = false;
        try {
          onHead?.(Buffer.concat(headChunks).subarray(0, HEAD_BYTES).toString('utf8'));
        } catch {
          // A look ahead that fails costs only the overlap; the body is read as before.
        }
        headChunks.length = 0;
      };
      res.on('data', (c: Buffer) => {
        texts.push(decoder.write(c));
        received += c.length;
        if (!headPending) return;
        headChunks.push(c);
        // A list's metadata is complete once its items begin (or the first 4 KB are in).
        if (received >= HEAD_BYTES || c.includes(ITEMS_KEY)) head();
      });
      res.on('error', (err) => reject(describeNetworkError(err, this.server)));
      res.on('aborted', () =>
        reject(new KubeNetworkError(`GET ${path}: the answer was cut off`, 'ECONNRESET')),
      );
      res.on('end', () => {
        if (headPending) head();
        texts.push(decoder.end());
        resolve(texts.join(''));
      });
    });
    if (status >= 200 && status < 300) return { body, status };
    throw apiError(`GET ${path}`, status, body, res.headers['retry-after']);
  }

  /**
   * Watches a collection: calls onOpen when the server accepts, onEvent per line, and resolves when
   * the server closes the stream. Rejects with KubeApiError on a non-200 answer, with a network error
   * when the connection breaks, and with an AbortError when `signal` aborts.
   */
  async watch(
    path: string,
    query: Readonly<Record<string, string>>,
    handlers: WatchHandlers,
    signal: AbortSignal,
    idleTimeoutMs: number,
  ): Promise<void> {
    const params = new URLSearchParams({ ...query, watch: 'true' });
    const { res, req } = await this.open(`${path}?${params}`, signal, idleTimeoutMs);
    const status = res.statusCode ?? 0;
    if (status !== 200) {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      throw apiError(
        `WATCH ${path}`,
        status,
        Buffer.concat(chunks).toString('utf8'),
        res.headers['retry-after'],
      );
    }
    handlers.onOpen();
    await new Promise<void>((resolve, reject) => {
      let failed: unknown;
      res.on('aborted', () => {
        failed ??= new KubeNetworkError(`WATCH ${path}: the stream was cut`, 'ECONNRESET');
      });
      res.on('error', (err) => {
        failed ??= describeNetworkError(err, this.server);
      });
      req.on('error', (err) => {
        failed ??= describeNetworkError(err, this.server);
      });
      const lines = createInterface({ input: res, crlfDelay: Number.POSITIVE_INFINITY });
      // readline re-emits the stream's errors (a cut, an abort): recorded, the close below settles.
      lines.on('error', (err) => {
        failed ??= describeNetworkError(err, this.server);
      });
      lines.on('line', (line) => {
        if (line.trim() === '') return;
        let event: RawWatchEvent;
        try {
          event = JSON.parse(line) as RawWatchEvent;
        } catch {
          return; // a torn line at a cut: the relist or resume covers it
        }
        handlers.onEvent(event);
      });
      lines.on('close', () => {
        if (signal.aborted) reject(abortErrorOf(signal));
        else if (failed !== undefined || !res.complete)
          reject(failed ?? new KubeNetworkError(`WATCH ${path}: the stream was cut`, 'ECONNRESET'));
        else resolve();
      });
    });
  }

  /** Proves the server is there and answers like Kubernetes. */
  async version(signal?: AbortSignal): Promise<{ gitVersion: string }> {
    return this.getJson('/version', signal, 10_000);
  }

  /** API groups with their preferred versions, from `/apis` (cached for the connection's life once read). */
  async groups(signal?: AbortSignal): Promise<Map<string, GroupDiscovery>> {
    this.groupsCache ??= withRetries(
      () =>
        this.getJson<{
          groups: { name: string; versions: { version: string }[]; preferredVersion?: { version: string } }[];
        }>('/apis', signal),
      { attempts: DISCOVERY_ATTEMPTS, signal, backoff: new Backoff() },
    ).then(
      (list) =>
        new Map(
          list.groups.map((g) => [
            g.name,
            {
              group: g.name,
              versions: g.versions.map((v) => v.version),
              preferredVersion: g.preferredVersion?.version ?? g.versions[0]?.version ?? '',
            },
          ]),
        ),
    );
    this.groupsCache.catch(() => {
      this.groupsCache = undefined;
    });
    return this.groupsCache;
  }

  /** The resource list of one group version; undefined when the server answers 404 (not served). */
  private groupVersion(
    group: string,
    version: string,
    signal?: AbortSignal,
  ): Promise<{ resources: ApiResourceInfo[] } | undefined> {
    const key = `${group}/${version}`;
    let cached = this.versionCache.get(key);
    if (!cached) {
      cached = withRetries(
        () => this.getJson<{ resources: ApiResourceInfo[] }>(`/apis/${group}/${version}`, signal),
        { attempts: DISCOVERY_ATTEMPTS, signal, backoff: new Backoff() },
      ).catch((err: unknown) => {
        if (err instanceof KubeApiError && err.statusCode === 404) return undefined;
        throw err;
      });
      this.versionCache.set(key, cached);
      cached.catch(() => this.versionCache.delete(key));
    }
    return cached;
  }

  /**
   * Picks the version to read a resource at: the server's preferred version of the group if it
   * serves the resource there, else the first of `acceptable` it serves. Undefined = not installed,
   * which only a successful discovery document (or a 404) can say: any other failure (503, reset,
   * timeout) rejects, so a probe never takes "could not ask" for "not there".
   */
  async resolveResource(
    group: string,
    resource: string,
    acceptable: readonly string[],
    signal?: AbortSignal,
  ): Promise<{ version: string; info: ApiResourceInfo } | undefined> {
    const groups = await this.groups(signal);
    const g = groups.get(group);
    if (!g) return undefined;
    const order = [g.preferredVersion, ...acceptable.filter((v) => v !== g.preferredVersion)].filter(
      (v) => acceptable.includes(v) && g.versions.includes(v),
    );
    for (const version of order) {
      const list = await this.groupVersion(group, version, signal);
      const info = list?.resources.find((r) => r.name === resource);
      if (info) return { version, info };
    }
    return undefined;
  }

  close(): void {
    this.agent?.destroy();
  }
}

/** How much of a body onHead sees: a list's metadata is a few hundred bytes at its start. */
const HEAD_BYTES = 4096;
const ITEMS_KEY = '"items"';

/** Milliseconds since `started` (performance.now()), for log lines. */
export function elapsed(started: number): string {
  return `${Math.round(performance.now() - started)} ms`;
}

function apiError(
  what: string,
  status: number,
  body: string,
  retryAfterHeader: string | string[] | undefined,
) {
  let message = `${status} ${http.STATUS_CODES[status] ?? ''}`.trim();
  try {
    const parsed = JSON.parse(body) as { message?: string };
    if (parsed.message) message = `${message}: ${parsed.message}`;
  } catch {
    /* not a Status object */
  }
  const retryAfter = Number(Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader);
  return new KubeApiError(
    status,
    `${what}: ${message}`,
    retryAfterHeader !== undefined && Number.isFinite(retryAfter) ? retryAfter : undefined,
  );
}

function abortErrorOf(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const err = new Error('aborted');
  err.name = 'AbortError';
  return err;
}

/** Where the kubeconfig comes from: --kubeconfig, else every file of $KUBECONFIG, else ~/.kube/config. */
function kubeconfigFiles(
  options: KubeOptions,
  env: NodeJS.ProcessEnv,
): { files: string[]; fromEnv: boolean } {
  if (options.kubeconfig) return { files: [options.kubeconfig], fromEnv: false };
  // kubectl treats an empty KUBECONFIG as unset, and skips empty entries of the list.
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '');
  if (list.length > 0) return { files: list, fromEnv: true };
  return { files: [join(homedir(), '.kube', 'config')], fromEnv: false };
}

/**
 * The files of $KUBECONFIG merged as kubectl merges them: the first file to set the current context
 * wins, and the first file to define a cluster, user or context of a given name wins.
 */
function mergeKubeconfigs(parts: readonly KubeConfig[]): KubeConfig {
  const firstByName = <T extends { readonly name: string }>(lists: readonly (readonly T[])[]): T[] => {
    const seen = new Map<string, T>();
    for (const list of lists) for (const item of list) if (!seen.has(item.name)) seen.set(item.name, item);
    return [...seen.values()];
  };
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: firstByName(parts.map((p) => p.getClusters())),
    users: firstByName(parts.map((p) => p.getUsers())),
    contexts: firstByName(parts.map((p) => p.getContexts())),
    currentContext: parts.map((p) => p.getCurrentContext()).find((c) => c) ?? '',
  });
  return merged;
}

/**
 * Loads a kubeconfig as kubectl does: --kubeconfig, then $KUBECONFIG, then ~/.kube/config. A file
 * of $KUBECONFIG that does not exist is skipped (the connection's `warnings` name it once); only
 * when none exists is there no kubeconfig. A file that exists but does not parse is an error, as
 * in kubectl.
 */
export function loadKubeConnection(options: KubeOptions): KubeConnection {
  const env = options.env ?? process.env;
  const { files, fromEnv } = kubeconfigFiles(options, env);
  const present = files.filter((f) => existsSync(f));
  const missing = files.filter((f) => !present.includes(f));
  if (present.length === 0) {
    if (options.kubeconfig) throw new UserFacingError(`kubeconfig ${options.kubeconfig} does not exist`);
    const what = fromEnv
      ? `none of the files in KUBECONFIG exists (${missing.join(', ')})`
      : `${files[0]} does not exist`;
    throw new UserFacingError(
      `no kubeconfig: ${what} (use --kubeconfig FILE, set KUBECONFIG, or try "airgap-top demo")`,
    );
  }
  const warnings =
    missing.length > 0
      ? [
          `KUBECONFIG lists ${missing.length === 1 ? 'a file that does' : 'files that do'} not exist, skipped as kubectl does: ${missing.join(', ')}`,
        ]
      : [];
  const parts = present.map((file) => {
    const part = new KubeConfig();
    try {
      part.loadFromFile(file);
    } catch (err) {
      const reason = errorMessage(err).split('\n')[0];
      throw new UserFacingError(`kubeconfig ${file} is not valid: ${reason}`);
    }
    return part;
  });
  const kc = parts.length === 1 && parts[0] ? parts[0] : mergeKubeconfigs(parts);
  const source = present.length === 1 ? present[0] : `KUBECONFIG (${present.join(', ')})`;
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new UserFacingError(
        `context "${options.context}" is not in the kubeconfig (it has: ${known.join(', ') || 'none'})`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  const contextName = kc.getCurrentContext();
  const cluster = kc.getCurrentCluster();
  if (!contextName || !cluster) {
    throw new UserFacingError(`kubeconfig ${source} has no current context or cluster`);
  }
  if (!cluster.server) throw new UserFacingError(`cluster "${cluster.name}" in the kubeconfig has no server`);
  // Credentials become secrets the moment they are read: no writer may print them.
  const user = kc.getCurrentUser();
  secrets.add(user?.token);
  secrets.add(user?.password);
  secrets.add(user?.keyData);
  return new KubeConnection(kc, contextName, cluster.server, warnings, options.log);
}

/**
 * A connection from kubeconfig text that is not a file (a workload cluster's `<name>-kubeconfig`
 * Secret): its current context, its credentials registered as secrets before anything can print them.
 * `label` names it in errors (never the text itself).
 */
export function kubeConnectionFromText(text: string, label: string, log?: Logger): KubeConnection {
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (err) {
    throw new UserFacingError(`${label}: not a valid kubeconfig (${errorMessage(err).split('\n')[0]})`);
  }
  for (const user of kc.getUsers()) {
    secrets.add(user.token);
    secrets.add(user.password);
    secrets.add(user.keyData);
  }
  const contextName = kc.getCurrentContext();
  const cluster = kc.getCurrentCluster();
  if (!contextName || !cluster?.server)
    throw new UserFacingError(`${label}: the kubeconfig has no current context or server`);
  return new KubeConnection(kc, contextName, cluster.server, [], log);
}

export function describeNetworkError(err: unknown, server: string): Error {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof KubeNetworkError || e?.name === 'AbortError') return err as Error;
  switch (e.code) {
    case 'ECONNREFUSED':
      return new KubeNetworkError(
        `API server ${server} refused the connection (is the cluster up, the port right?)`,
        e.code,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new KubeNetworkError(`API server ${server}: host name does not resolve`, e.code);
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new KubeNetworkError(`API server ${server} is unreachable (${e.code})`, e.code);
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return new KubeNetworkError(
        `API server ${server}: TLS verification failed (${e.code}); check certificate-authority-data`,
        e.code,
      );
    default:
      return err instanceof Error ? err : new Error(String(err));
  }
}
