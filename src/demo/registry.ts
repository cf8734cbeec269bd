import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Config } from '../model/config.js';
import { demoFiles } from './assets.js';
import { buildRegistryContent, type DemoCatalog, type RegistryContent } from './registry-content.js';

/**
 * The demo's embedded registry: an in-process HTTPS server on 127.0.0.1 (port 0) answering the
 * part of the distribution API a presence check uses, the way Harbor does: `/v2/` and manifests
 * need a Bearer token (401 + `WWW-Authenticate`), the token service hands out anonymous pull
 * tokens, HEAD/GET of `/v2/<name>/manifests/<tag|digest>` answer with the digest, media type and
 * length (the body on GET), and the distribution error codes for what it lacks. It serves the
 * certificate made by fixtures/demo/registry/make-certs.sh for registry.example.internal.
 */

export const DEMO_REGISTRY_NAME = 'registry.example.internal';
const SERVICE = 'harbor-registry';
const TOKEN_PATH = '/service/token';
const TOKEN_LIFETIME_SECONDS = 1800;

export interface DemoRegistryOptions {
  /** The folder with catalog.json, server.crt, server.key and ca.crt (fixtures/demo/registry). */
  readonly dir: string;
  /**
   * The token realm the challenge names, from the Host the request came in on. Default: the
   * registry's own name (`https://registry.example.internal/service/token`), as Harbor advertises
   * its external URL; a client that dials 127.0.0.1:PORT directly (skopeo in the tests) needs
   * `(host) => \`https://${host}/service/token\``.
   */
  readonly realm?: (requestHost: string) => string;
  /** Added before every answer (a WAN round trip, for the bench). */
  readonly latencyMs?: number;
}

/** What the registry was asked, for tests and the bench. */
export interface DemoRegistryStats {
  requests: number;
  manifestRequests: number;
  tokenRequests: number;
  /** 401 challenges sent. */
  challenges: number;
  /** Every request as `METHOD path?query status`, in arrival order. */
  readonly log: string[];
}

export interface DemoRegistry {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `127.0.0.1:PORT` */
  readonly address: string;
  /** The demo CA the server certificate chains to (PEM file). */
  readonly caFile: string;
  readonly catalog: DemoCatalog;
  readonly content: RegistryContent;
  readonly stats: DemoRegistryStats;
  close(): Promise<void>;
}

export function readDemoCatalog(dir: string): DemoCatalog {
  return JSON.parse(readFileSync(join(dir, 'catalog.json'), 'utf8')) as DemoCatalog;
}

// distribution's reference grammar (reference/regexp.go): path components, tags, digests.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const NAME = `${COMPONENT}(?:/${COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const MANIFEST_ROUTE = new RegExp(`^/v2/(${NAME})/manifests/(${TAG}|${DIGEST})$`);
const OTHER_REPO_ROUTE = new RegExp(`^/v2/(${NAME})/(?:blobs|tags|referrers)/`);

export async function startDemoRegistry(options: DemoRegistryOptions): Promise<DemoRegistry> {
  const catalog = readDemoCatalog(options.dir);
  const content = buildRegistryContent(catalog);
  const caFile = join(options.dir, 'ca.crt');
  const stats: DemoRegistryStats = {
    requests: 0,
    manifestRequests: 0,
    tokenRequests: 0,
    challenges: 0,
    log: [],
  };
  const tokens = new Set<string>();
  const realm = options.realm ?? (() => `https://${DEMO_REGISTRY_NAME}${TOKEN_PATH}`);

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    stats.requests++;
    const url = new URL(req.url ?? '/', 'https://registry.invalid');
    const method = req.method ?? 'GET';
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    const send = (status: number, headers: Record<string, string | number>, body?: Buffer) => {
      stats.log.push(`${method} ${url.pathname}${url.search} ${status}`);
      res.writeHead(status, headers);
      res.end(method === 'HEAD' ? undefined : body);
    };
    const error = (status: number, code: string, message: string, detail?: unknown) => {
      const body = Buffer.from(
        `${JSON.stringify({ errors: [{ code, message, detail: detail ?? null }] })}\n`,
      );
      send(
        status,
        { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length },
        body,
      );
    };
    const challenge = (scope?: string) => {
      stats.challenges++;
      const host = req.headers.host ?? DEMO_REGISTRY_NAME;
      const params = [
        `realm="${realm(host)}"`,
        `service="${SERVICE}"`,
        ...(scope ? [`scope="${scope}"`] : []),
      ];
      res.setHeader('WWW-Authenticate', `Bearer ${params.join(',')}`);
      error(
        401,
        'UNAUTHORIZED',
        'authentication required',
        scope ? [{ Type: 'repository', Action: 'pull' }] : null,
      );
    };
    const authorized = () => {
      const auth = req.headers.authorization ?? '';
      return auth.startsWith('Bearer ') && tokens.has(auth.slice(7).trim());
    };

    if (url.pathname === TOKEN_PATH) {
      stats.tokenRequests++;
      if (method !== 'GET') return error(405, 'UNSUPPORTED', 'the token service answers GET only');
      if (url.searchParams.get('service') !== SERVICE) {
        return error(400, 'UNSUPPORTED', `unknown service (this token service is "${SERVICE}")`);
      }
      // Anonymous pull, as TKG requires of its Harbor projects: every caller gets a pull token.
      const token = randomBytes(24).toString('base64url');
      tokens.add(token);
      const body = Buffer.from(
        JSON.stringify({
          token,
          access_token: token,
          expires_in: TOKEN_LIFETIME_SECONDS,
          issued_at: new Date().toISOString(),
        }),
      );
      return send(200, { 'Content-Type': 'application/json', 'Content-Length': body.length }, body);
    }
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      if (method !== 'GET' && method !== 'HEAD') return error(405, 'UNSUPPORTED', 'method not allowed');
      if (!authorized()) return challenge();
      const body = Buffer.from('{}');
      return send(200, { 'Content-Type': 'application/json', 'Content-Length': body.length }, body);
    }
    const manifest = MANIFEST_ROUTE.exec(url.pathname);
    if (manifest) {
      stats.manifestRequests++;
      const [, repository = '', reference = ''] = manifest;
      // The presence check only reads; distribution answers a write without a token with 401 too.
      if (!authorized()) return challenge(`repository:${repository}:pull`);
      if (method !== 'GET' && method !== 'HEAD') {
        return error(405, 'UNSUPPORTED', 'this demo registry is read-only');
      }
      const byDigest = content.manifests.get(repository);
      if (!byDigest) {
        return error(404, 'NAME_UNKNOWN', 'repository name not known to registry', { name: repository });
      }
      const digest = reference.includes(':') ? reference : content.tags.get(repository)?.get(reference);
      const found = digest ? byDigest.get(digest) : undefined;
      if (!found) {
        return error(404, 'MANIFEST_UNKNOWN', 'manifest unknown', { Tag: reference });
      }
      return send(
        200,
        {
          'Content-Type': found.mediaType,
          'Content-Length': found.body.length,
          'Docker-Content-Digest': found.digest,
          ETag: `"${found.digest}"`,
        },
        found.body,
      );
    }
    const other = OTHER_REPO_ROUTE.exec(url.pathname);
    if (other) {
      if (!authorized()) return challenge(`repository:${other[1]}:pull`);
      return error(404, 'BLOB_UNKNOWN', 'this demo registry holds manifests only');
    }
    // What gorilla/mux answers for a route distribution does not have.
    const body = Buffer.from('404 page not found\n');
    return send(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length }, body);
  };

  const latency = options.latencyMs ?? 0;
  const server = https.createServer(
    {
      cert: readFileSync(join(options.dir, 'server.crt')),
      key: readFileSync(join(options.dir, 'server.key')),
    },
    (req, res) => {
      // The request body (none is expected) is drained so keep-alive connections stay usable.
      req.resume();
      if (latency > 0) setTimeout(() => handle(req, res), latency);
      else handle(req, res);
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    caFile,
    catalog,
    content,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The [registry] settings that point airgap-top at the running demo registry. */
export function demoRegistryConfig(
  config: Config,
  registry: Pick<DemoRegistry, 'address' | 'caFile'>,
): Config {
  return {
    ...config,
    registry: {
      ...config.registry,
      caFile: registry.caFile,
      caFiles: { ...config.registry.caFiles, [DEMO_REGISTRY_NAME]: registry.caFile },
      connectTo: {
        ...config.registry.connectTo,
        [DEMO_REGISTRY_NAME]: registry.address,
        [`${DEMO_REGISTRY_NAME}:443`]: registry.address,
      },
    },
  };
}

/** Minimal view of the demo context (src/cli/demo-command.ts DemoContext) this extension needs. */
interface DemoSetupContext {
  readonly config: Config;
}

/**
 * The demo's registry: started on loopback with the committed demo certificates (unpacked from the
 * single executable when airgap-top runs as one), and the config that makes the presence check
 * dial it for registry.example.internal while TLS still checks that name against the demo CA.
 */
export const registryDemoExtension = {
  name: 'embedded registry',
  async setup(ctx: DemoSetupContext) {
    const files = await demoFiles();
    let registry: DemoRegistry;
    try {
      registry = await startDemoRegistry({ dir: files.registry });
    } catch (err) {
      files.close();
      throw err;
    }
    return {
      config: demoRegistryConfig(ctx.config, registry),
      async close() {
        await registry.close();
        files.close();
      },
    };
  },
};
