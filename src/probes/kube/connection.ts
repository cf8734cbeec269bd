import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { UserFacingError } from '../../app/errors.js';
import { secrets } from '../../core/redact.js';

export { UserFacingError };

/** An HTTP error from the API server, with its Status object's reason when there is one. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export interface KubeOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
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

/** One API server connection: raw JSON GETs, watches, discovery. Read-only by construction. */
export class KubeConnection {
  readonly watch: Watch;
  private agent: https.Agent | undefined;
  private groupsCache: Promise<Map<string, GroupDiscovery>> | undefined;

  constructor(
    readonly kc: KubeConfig,
    readonly contextName: string,
    readonly server: string,
  ) {
    this.watch = new Watch(kc);
  }

  /** GET a path and parse JSON. Non-2xx becomes KubeApiError with the Status message. */
  async getJson<T = unknown>(path: string, signal?: AbortSignal, timeoutMs = 30_000): Promise<T> {
    const url = new URL(this.server.replace(/\/$/, '') + path);
    const options: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
    await this.kc.applyToHTTPSOptions(options);
    const isHttps = url.protocol === 'https:';
    if (isHttps) {
      this.agent ??= new https.Agent({
        keepAlive: true,
        ca: options.ca,
        cert: options.cert,
        key: options.key,
        rejectUnauthorized: options.rejectUnauthorized,
      });
      options.agent = this.agent;
    }
    const transport = isHttps ? https : http;
    return new Promise<T>((resolve, reject) => {
      const req = transport.request(url, { ...options, signal, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            try {
              resolve(JSON.parse(body) as T);
            } catch {
              reject(
                new KubeApiError(status, `${path}: the API server answered with something that is not JSON`),
              );
            }
            return;
          }
          let message = `${status} ${http.STATUS_CODES[status] ?? ''}`.trim();
          try {
            const parsed = JSON.parse(body) as { message?: string };
            if (parsed.message) message = `${message}: ${parsed.message}`;
          } catch {
            /* not a Status object */
          }
          const retryAfter = Number(res.headers['retry-after']);
          reject(
            new KubeApiError(
              status,
              `GET ${path}: ${message}`,
              Number.isFinite(retryAfter) ? retryAfter : undefined,
            ),
          );
        });
      });
      req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer within ${timeoutMs / 1000}s`)));
      req.on('error', (err) => reject(describeNetworkError(err, this.server)));
      req.end();
    });
  }

  /** Proves the server is there and answers like Kubernetes. */
  async version(signal?: AbortSignal): Promise<{ gitVersion: string }> {
    return this.getJson('/version', signal, 10_000);
  }

  /** API groups with their preferred versions, from `/apis` (cached for the connection's life). */
  async groups(): Promise<Map<string, GroupDiscovery>> {
    this.groupsCache ??= this.getJson<{
      groups: { name: string; versions: { version: string }[]; preferredVersion?: { version: string } }[];
    }>('/apis').then(
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

  /**
   * Picks the version to read a resource at: the server's preferred version of the group if it
   * serves the resource there, else the first of `acceptable` it serves. Undefined = not installed.
   */
  async resolveResource(
    group: string,
    resource: string,
    acceptable: readonly string[],
  ): Promise<{ version: string; info: ApiResourceInfo } | undefined> {
    const groups = await this.groups();
    const g = groups.get(group);
    if (!g) return undefined;
    const order = [g.preferredVersion, ...acceptable.filter((v) => v !== g.preferredVersion)].filter(
      (v) => acceptable.includes(v) && g.versions.includes(v),
    );
    for (const version of order) {
      const list = await this.getJson<{ resources: ApiResourceInfo[] }>(`/apis/${group}/${version}`).catch(
        () => undefined,
      );
      const info = list?.resources.find((r) => r.name === resource);
      if (info) return { version, info };
    }
    return undefined;
  }

  close(): void {
    this.agent?.destroy();
  }
}

/** Loads a kubeconfig as kubectl does: --kubeconfig, then $KUBECONFIG, then ~/.kube/config. */
export function loadKubeConnection(options: KubeOptions): KubeConnection {
  const kc = new KubeConfig();
  const path = options.kubeconfig ?? process.env.KUBECONFIG ?? join(homedir(), '.kube', 'config');
  const firstPath = path.split(process.platform === 'win32' ? ';' : ':')[0] ?? path;
  if (!options.kubeconfig && !process.env.KUBECONFIG && !existsSync(firstPath)) {
    throw new UserFacingError(
      `no kubeconfig: ${firstPath} does not exist (use --kubeconfig FILE, set KUBECONFIG, or try "airgap-top demo")`,
    );
  }
  if (options.kubeconfig && !existsSync(options.kubeconfig)) {
    throw new UserFacingError(`kubeconfig ${options.kubeconfig} does not exist`);
  }
  try {
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new UserFacingError(`kubeconfig ${options.kubeconfig ?? path} is not valid: ${reason}`);
  }
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
    throw new UserFacingError(`kubeconfig ${options.kubeconfig ?? path} has no current context or cluster`);
  }
  if (!cluster.server) throw new UserFacingError(`cluster "${cluster.name}" in the kubeconfig has no server`);
  // Credentials become secrets the moment they are read: no writer may print them.
  const user = kc.getCurrentUser();
  secrets.add(user?.token);
  secrets.add(user?.password);
  secrets.add(user?.keyData);
  return new KubeConnection(kc, contextName, cluster.server);
}

export function describeNetworkError(err: unknown, server: string): Error {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ECONNREFUSED':
      return new UserFacingError(
        `API server ${server} refused the connection (is the cluster up, the port right?)`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UserFacingError(`API server ${server}: host name does not resolve`);
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new UserFacingError(`API server ${server} is unreachable (${e.code})`);
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return new UserFacingError(
        `API server ${server}: TLS verification failed (${e.code}); check certificate-authority-data`,
      );
    default:
      return err instanceof Error ? err : new Error(String(err));
  }
}
