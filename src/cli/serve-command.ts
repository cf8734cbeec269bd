import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errorMessage, UserFacingError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { secrets } from '../core/redact.js';
import type { Config } from '../model/config.js';
import { type ImageAvailability, imageAvailability } from '../model/image-availability.js';
import type { Report } from '../model/report.js';
import { renderFleetJson } from '../report/fleet.js';
import { imageAvailabilityFamilies } from '../report/image-availability.js';
import { renderJson } from '../report/json.js';
import { type Labels, promGauge, renderProm } from '../report/prom.js';
import type { ParsedOptions } from './args.js';
import { openLiveSession } from './live-session.js';

/** Where `serve` listens unless told otherwise: loopback only. */
export const DEFAULT_LISTEN = '127.0.0.1:9877';

/** The probes that read the Kubernetes API: the cluster is "up" when they all could. */
const KUBE_PROBES = new Set(['images', 'topology', 'ipam']);

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** `HOST:PORT`, `[IPV6]:PORT` or `:PORT` (loopback). A name, not an address, is refused: no DNS. */
export function parseListen(text: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]*)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535) {
    throw new UserFacingError(
      `--listen ${text}: not HOST:PORT (e.g. ${DEFAULT_LISTEN}, [::1]:9877, :9877; an IP address, not a name)`,
    );
  }
  const host = m[1] ?? (m[2] === '' ? '127.0.0.1' : (m[2] as string));
  if (m[2] && !/^\d{1,3}(\.\d{1,3}){3}$/.test(host))
    throw new UserFacingError(`--listen ${text}: ${host} is not an IPv4 address`);
  return { host, port };
}

/** The bearer token of --token-file: read once, kept as a secret (never logged or shown). */
export function readToken(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserFacingError(
      `--token-file ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`,
    );
  }
  const token = text.trim();
  if (token === '' || /\s/.test(token))
    throw new UserFacingError(
      `--token-file ${path}: must hold one token (no spaces), and it is empty or has several`,
    );
  secrets.add(token);
  return token;
}

/** What the endpoints read: the latest report, and whether the first full sync is done. */
export interface ServeSource {
  report(now: Date): Report;
  readonly ready: boolean;
  /** The cluster label (kubeconfig context). */
  readonly cluster: string;
  /** Per-container image availability (the registry probe's verdicts), for the exporter-named series. */
  images?(): readonly ImageAvailability[];
}

/** What the handler serves: single-cluster or fleet, the same four endpoints. */
export interface ServeEndpoints {
  readonly ready: boolean;
  metrics(now: Date): string;
  reportJson(now: Date): string;
}

/** The endpoints of one cluster's session. */
export function singleClusterEndpoints(source: ServeSource): ServeEndpoints {
  return {
    get ready() {
      return source.ready;
    },
    metrics: (now) => metricsText(source, now),
    reportJson: (now) => renderJson(source.report(now)),
  };
}

/** `/metrics`: the prom report with a `cluster` label, plus what only a long-running verifier knows. */
export function metricsText(source: ServeSource, now: Date): string {
  const report = source.report(now);
  const common: Labels = { cluster: source.cluster };
  const kube = report.probes.filter((p) => KUBE_PROBES.has(p.id));
  const up = source.ready && kube.every((p) => p.status === 'ready' || p.status === 'not-applicable') ? 1 : 0;
  const extra = [
    ...promGauge(
      'airgap_top_cluster_up',
      '1 when every probe reading the Kubernetes API has synced and none is in error or stale, else 0.',
      [[{}, up]],
      common,
    ),
    ...promGauge(
      'airgap_top_ready',
      '1 once the first full sync of every probe is done (what /readyz answers), else 0.',
      [[{}, source.ready ? 1 : 0]],
      common,
    ),
    ...promGauge(
      'airgap_top_probe_sync_age_seconds',
      'Seconds since the probe last published its data.',
      report.probes.flatMap((p): [Labels, number][] => {
        const at = p.updatedAt ? Date.parse(p.updatedAt) : Number.NaN;
        return Number.isFinite(at) ? [[{ probe: p.id }, Math.max(0, (now.getTime() - at) / 1000)]] : [];
      }),
      common,
    ),
  ];
  if (source.images)
    extra.push(...imageAvailabilityFamilies([{ cluster: source.cluster, rows: source.images() }]));
  return `${renderProm(report, { failOn: 'fail', cluster: source.cluster })}${extra.join('\n')}\n`;
}

function authorized(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const given = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request handler: GET/HEAD on /metrics, /healthz, /readyz, /report.json. */
export function serveHandler(
  source: ServeEndpoints,
  options: { readonly token?: string; readonly log: Logger; readonly now?: () => Date },
): (req: IncomingMessage, res: ServerResponse) => void {
  const now = options.now ?? (() => new Date());
  return (req, res) => {
    const started = Date.now();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
      options.log.debug(`serve ${req.method} ${path} ${status} ${Date.now() - started} ms`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(405, 'text/plain; charset=utf-8', 'only GET and HEAD\n', { Allow: 'GET, HEAD' });
    // Liveness answers without the token: the kubelet probes it without credentials.
    if (path === '/healthz') return send(200, 'text/plain; charset=utf-8', 'ok\n');
    if (!authorized(req, options.token))
      return send(401, 'text/plain; charset=utf-8', 'a bearer token is required (--token-file)\n', {
        'WWW-Authenticate': 'Bearer realm="airgap-top"',
      });
    try {
      switch (path) {
        case '/readyz':
          return source.ready
            ? send(200, 'text/plain; charset=utf-8', 'ready\n')
            : send(503, 'text/plain; charset=utf-8', 'first sync not done\n');
        case '/metrics':
          return send(200, 'text/plain; version=0.0.4; charset=utf-8', source.metrics(now()));
        case '/report.json':
          return send(200, 'application/json', source.reportJson(now()));
        default:
          return send(
            404,
            'text/plain; charset=utf-8',
            'not found: /metrics, /healthz, /readyz, /report.json\n',
          );
      }
    } catch (err) {
      options.log.error(`serve ${path}: ${errorMessage(err)}`);
      return send(500, 'text/plain; charset=utf-8', 'internal error (a bug in airgap-top; see the log)\n');
    }
  };
}

function listen(server: Server, address: ListenAddress): Promise<ListenAddress> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new UserFacingError(
          `--listen ${address.host}:${address.port}: cannot listen (${err.code ?? err.message})`,
        ),
      ),
    );
    server.listen(address.port, address.host, () => {
      const bound = server.address();
      resolve(typeof bound === 'object' && bound ? { host: address.host, port: bound.port } : address);
    });
  });
}

/**
 * `airgap-top serve`: every probe live, verdicts served to Prometheus. Ends on SIGTERM or SIGINT
 * (exit 0), after closing the listener and every watch.
 */
export async function runServe(flags: ParsedOptions, config: Config, log: Logger): Promise<number> {
  const address = parseListen(flags.listen ?? DEFAULT_LISTEN);
  const token = flags['token-file'] !== undefined ? readToken(flags['token-file']) : undefined;
  const live = flags.fleet
    ? await openFleetEndpoints(flags, config, log)
    : await openSingleEndpoints(flags, config, log);
  const server = createServer(serveHandler(live.endpoints, { token, log }));
  try {
    const bound = await listen(server, address);
    const host = bound.host.includes(':') ? `[${bound.host}]` : bound.host;
    process.stderr.write(
      `airgap-top: serving http://${host}:${bound.port}/metrics (also /healthz /readyz /report.json)\n`,
    );
    log.info(`serve: listening on ${host}:${bound.port}${token ? ' (bearer token required)' : ''}`);
    void live.start().then(() => log.info('serve: first full sync done, ready'));
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        log.info(`serve: ${signal}, shutting down`);
        resolve();
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    return 0;
  } finally {
    server.closeAllConnections();
    server.close();
    live.close();
  }
}

interface LiveEndpoints {
  readonly endpoints: ServeEndpoints;
  start(): Promise<void>;
  close(): void;
}

async function openSingleEndpoints(
  flags: ParsedOptions,
  config: Config,
  log: Logger,
): Promise<LiveEndpoints> {
  const session = await openLiveSession(flags, config, log);
  let ready = false;
  const source: ServeSource = {
    report: (now) => session.report(now),
    get ready() {
      return ready;
    },
    cluster: session.kube.contextName ?? '',
    images: () => {
      const snap = session.store.snapshot;
      return imageAvailability(snap.images?.data, snap.registry?.data);
    },
  };
  return {
    endpoints: singleClusterEndpoints(source),
    start: () =>
      session.start().then(() => {
        ready = true;
      }),
    close: () => session.close(),
  };
}

/** serve --fleet: every workload cluster of the management cluster, one `cluster` label each. */
async function openFleetEndpoints(flags: ParsedOptions, config: Config, log: Logger): Promise<LiveEndpoints> {
  const { Fleet } = await import('../app/fleet.js');
  const { LiveFleet } = await import('../app/fleet-live.js');
  const { FleetMetrics } = await import('./fleet-metrics.js');
  const { parseFleetConcurrency, refuseFleetConflicts } = await import('./fleet-report.js');
  refuseFleetConflicts(flags);
  const fleet = await Fleet.open({
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    config,
    log,
    concurrency: parseFleetConcurrency(flags['fleet-concurrency']),
  });
  const live = new LiveFleet(fleet);
  const metrics = new FleetMetrics(live);
  return {
    endpoints: {
      get ready() {
        return live.ready;
      },
      metrics: (now) => metrics.text(now),
      reportJson: (now) => renderFleetJson(live.report(now)),
    },
    start: () => live.start().then(() => metrics.prerender()),
    close: () => {
      metrics.stop();
      live.close();
    },
  };
}
