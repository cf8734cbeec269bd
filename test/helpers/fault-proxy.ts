import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { SimulatorHandle } from '../../src/sim/handle.js';

/** What the proxy sees of a request, for matching rules and counting. */
export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly watch: boolean;
  readonly userAgent: string;
  readonly at: number;
}

export type FaultAction =
  /** Answer this status with a Kubernetes Status body (and Retry-After seconds when given). */
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterSeconds?: number }
  /** Destroy the connection without an answer (the client sees ECONNRESET / socket hang up). */
  | { readonly kind: 'reset' }
  /** For a watch: 200, then end the stream at once, cleanly. */
  | { readonly kind: 'close-watch' }
  /** Never answer (until the client gives up or the proxy closes). */
  | { readonly kind: 'stall' }
  /** Forward after a delay. */
  | { readonly kind: 'delay'; readonly ms: number };

export interface FaultRule {
  readonly match: (req: ProxiedRequest) => boolean;
  readonly action: FaultAction;
  /** How many matching requests it applies to (default: all). */
  readonly times?: number;
}

export interface FaultProxy {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** A kubeconfig pointing at the proxy, with the simulator's token. */
  readonly kubeconfigPath: string;
  /** Every request that reached the proxy, in order, faulted or not. */
  readonly requests: readonly ProxiedRequest[];
  /** Adds a rule; the first matching rule with uses left wins. */
  add(rule: FaultRule): void;
  clear(): void;
  /** Requests matching `pred` (all by default) in the last `ms` milliseconds (all time by default). */
  count(pred?: (r: ProxiedRequest) => boolean, ms?: number): number;
  close(): Promise<void>;
}

/**
 * A small HTTP proxy in front of the Kubernetes API simulator that counts requests per path and
 * injects the faults a real network and a busy API server produce: 429 with Retry-After, 5xx,
 * connection resets, watches closed right away, 410 Gone, stalls and delays. Plain HTTP on
 * 127.0.0.1 towards the client, HTTPS (verified against the simulator's CA) towards the simulator.
 */
export async function startFaultProxy(sim: SimulatorHandle): Promise<FaultProxy> {
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  const caData = kc.getCurrentCluster()?.caData;
  const upstream = new URL(sim.url);
  const agent = new https.Agent({
    keepAlive: true,
    ca: caData ? Buffer.from(caData, 'base64') : undefined,
  });
  const rules: { rule: FaultRule; left: number }[] = [];
  const requests: ProxiedRequest[] = [];
  const stalled = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const seen: ProxiedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      watch: url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1',
      userAgent: String(req.headers['user-agent'] ?? ''),
      at: Date.now(),
    };
    requests.push(seen);
    const hit = rules.find((r) => r.left > 0 && r.rule.match(seen));
    if (hit) hit.left -= 1;
    const action = hit?.rule.action;
    switch (action?.kind) {
      case 'status': {
        const headers: Record<string, string> = { 'Content-Type': 'application/json' };
        if (action.retryAfterSeconds !== undefined) headers['Retry-After'] = String(action.retryAfterSeconds);
        res.writeHead(action.status, headers);
        res.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            code: action.status,
            message: `injected fault ${action.status}`,
            reason:
              action.status === 410 ? 'Expired' : action.status === 429 ? 'TooManyRequests' : 'InternalError',
          }),
        );
        return;
      }
      case 'reset':
        req.socket.destroy();
        return;
      case 'close-watch':
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        res.end();
        return;
      case 'stall':
        stalled.add(res);
        res.on('close', () => stalled.delete(res));
        return;
      case 'delay':
        setTimeout(() => forward(req, res), action.ms);
        return;
      default:
        forward(req, res);
    }
  });

  const forward = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (res.destroyed) return;
    const headers = { ...req.headers, host: upstream.host };
    const out = https.request(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers,
        agent,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        up.on('aborted', () => res.destroy());
      },
    );
    out.on('error', () => res.destroy());
    res.on('close', () => out.destroy());
    req.pipe(out);
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'airgap-top-proxy-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfigPath,
    `apiVersion: v1
kind: Config
clusters:
- name: proxy
  cluster:
    server: ${url}
    # client-node refuses plain http without this; the proxy is on loopback and has no TLS.
    insecure-skip-tls-verify: true
users:
- name: proxy
  user:
    token: ${sim.token}
contexts:
- name: proxy
  context:
    cluster: proxy
    user: proxy
current-context: proxy
`,
    { mode: 0o600 },
  );

  return {
    url,
    kubeconfigPath,
    requests,
    add(rule) {
      rules.unshift({ rule, left: rule.times ?? Number.POSITIVE_INFINITY });
    },
    clear() {
      rules.length = 0;
    },
    count(pred = () => true, ms) {
      const since = ms === undefined ? 0 : Date.now() - ms;
      return requests.filter((r) => r.at >= since && pred(r)).length;
    },
    async close() {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
