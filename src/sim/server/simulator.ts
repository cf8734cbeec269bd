import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { errorMessage } from '../../core/errors.js';
import { ApiError, ApiObjects, DEFAULT_NAMESPACES } from '../api.js';
import { mintServerCertificates } from '../certs.js';
import { Faults } from '../faults.js';
import type { RecordedRequest } from '../handle.js';
import { PatchError, strategicMergePatch } from '../patch.js';
import { ResourceRegistry } from '../resources.js';
import type { TimelineStep } from '../scenario.js';
import { SelectorError } from '../selectors.js';
import { type KMetadata, type KObject, kubeTimestamp, ObjectStore, type StoredObject } from '../store.js';
import type { SimContext } from './context.js';
import { sendStatus, sleep } from './http.js';
import { writeKubeconfig } from './kubeconfig.js';
import { ListSnapshots, prewarmLists } from './list.js';
import { kubeVerb, route } from './route.js';

const MAX_RECORDED_REQUESTS = 100_000;

/**
 * The Kubernetes API simulator: HTTPS on 127.0.0.1 with its own CA, bearer-token auth, discovery,
 * CRUD + watch + Table output, fault injection and a request log.
 */
export class Simulator implements SimContext {
  readonly registry = new ResourceRegistry();
  readonly store: ObjectStore;
  readonly api: ApiObjects;
  readonly faults = new Faults();
  readonly requests: RecordedRequest[] = [];
  readonly token = randomBytes(24).toString('hex');
  readonly snapshots = new ListSnapshots();
  readonly watchClosers = new Set<() => void>();
  readonly bookmarkIntervalMs: number;
  url = '';
  private server: Server | undefined;
  private readonly sockets = new Set<Duplex>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly startedAt = Date.now();

  constructor(options: { historyLimit?: number; bookmarkIntervalMs?: number } = {}) {
    this.store = new ObjectStore(options.historyLimit ?? 10_000);
    this.api = new ApiObjects(this.store, this.registry);
    this.bookmarkIntervalMs = options.bookmarkIntervalMs ?? 5000;
  }

  elapsedMs(): number {
    return Date.now() - this.startedAt;
  }

  /** Encodes the whole-list bodies of large collections now (a watch cache does this in a real server). */
  prewarm(): void {
    prewarmLists(this.registry, this.store);
  }

  /** Loads objects without recording watch history (a watch from before the load relists). */
  load(objects: readonly KObject[]): void {
    // CRDs first, so objects of their kinds can be stored; namespaces before namespaced objects.
    const rank = (o: KObject) => (o.kind === 'CustomResourceDefinition' ? 0 : o.kind === 'Namespace' ? 1 : 2);
    const sorted = [...objects].sort((a, b) => rank(a) - rank(b));
    for (const obj of sorted) {
      try {
        this.api.apply(obj);
      } catch (err) {
        const meta = (obj.metadata ?? {}) as KMetadata;
        const reason = errorMessage(err);
        throw new Error(
          `cannot load ${obj.kind} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name ?? '?'}: ${reason}`,
        );
      }
    }
    // The namespaces every cluster has, unless the scenario brought its own (a dump keeps their uids).
    for (const name of DEFAULT_NAMESPACES) this.api.ensureNamespace(name);
    this.store.compact();
  }

  /** Problems of timeline steps (an object to patch or delete that is not there, ...). */
  readonly timelineErrors: string[] = [];
  onTimelineError: ((message: string) => void) | undefined;

  /** Schedules the steps; `speed` > 1 runs the clock faster (tests of a minute-long story). */
  runTimeline(steps: readonly TimelineStep[], speed = 1): void {
    for (const step of steps) {
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          try {
            this.applyStep(step);
          } catch (err) {
            const message = `timeline step at ${step.at}s: ${errorMessage(err)}`;
            this.timelineErrors.push(message);
            this.onTimelineError?.(message);
          }
        },
        (step.at * 1000) / speed,
      );
      timer.unref();
      this.timers.add(timer);
    }
  }

  /** Applies one step; a patch or delete of an object that does not exist is an error. */
  applyStep(raw: TimelineStep): void {
    const step = withNow(raw, kubeTimestamp(new Date()));
    const where = (r: { kind: string; name: string; namespace?: string }) =>
      `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
    for (const obj of step.apply ?? []) this.api.apply(obj);
    for (const ref of step.delete ?? []) {
      if (!this.remove(ref.apiVersion, ref.kind, ref.name, ref.namespace))
        throw new Error(`delete ${where(ref)}: not found`);
    }
    for (const p of step.patch ?? []) {
      if (!this.patchObject(p.apiVersion, p.kind, p.name, p.namespace, p.patch))
        throw new Error(`patch ${where(p)}: not found`);
    }
    this.faults.apply(step.faults);
  }

  remove(apiVersion: string, kind: string, name: string, namespace?: string): boolean {
    const type = this.registry.byKind(apiVersion, kind);
    if (!type) return false;
    return (
      this.store.remove(type, type.namespaced ? (namespace ?? 'default') : undefined, name) !== undefined
    );
  }

  patchObject(
    apiVersion: string,
    kind: string,
    name: string,
    namespace: string | undefined,
    patch: Record<string, unknown>,
  ): KObject | undefined {
    const type = this.registry.byKind(apiVersion, kind);
    if (!type) return undefined;
    const ns = type.namespaced ? (namespace ?? 'default') : undefined;
    const existing = this.store.get(type, ns, name);
    if (!existing) return undefined;
    const next = strategicMergePatch(existing.object, patch) as KObject;
    const result = this.api.update(
      type,
      ns,
      name,
      { ...next, metadata: { ...(next.metadata as KMetadata), resourceVersion: undefined } },
      { force: true },
    );
    return 'tail' in result ? (result as StoredObject).object : (result as KObject);
  }

  async listen(
    port = 0,
    kubeconfigOut?: string,
  ): Promise<{ url: string; kubeconfigPath: string; tempDir?: string }> {
    const certs = mintServerCertificates({ ips: ['127.0.0.1'], dns: ['localhost'] });
    // AES-128-GCM first: the cheapest strong suite to encrypt 20 MB lists with (kubectl and Node both offer it).
    const server = createServer(
      {
        key: certs.keyPem,
        cert: certs.certPem,
        ciphers:
          'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384',
        honorCipherOrder: true,
      },
      (req, res) => {
        void this.handle(req, res);
      },
    );
    server.keepAliveTimeout = 30_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    this.url = `https://127.0.0.1:${address.port}`;
    const { kubeconfigPath, tempDir } = writeKubeconfig(kubeconfigOut, this.url, certs.caPem, this.token);
    return { url: this.url, kubeconfigPath, tempDir };
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const close of [...this.watchClosers]) close();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  /** One request: recorded (verb, status, duration, bytes), authenticated, faults injected, routed. */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const method = req.method ?? 'GET';
    this.recordRequest(req, res, url, method);
    try {
      const auth = req.headers.authorization ?? '';
      if (auth !== `Bearer ${this.token}`) {
        throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      }
      const latency = this.faults.addedLatencyMs;
      if (latency > 0) await sleep(latency);
      if (this.sendInjectedFailure(res)) return;
      await route(this, req, res, url, method);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof ApiError) sendStatus(res, err);
      else if (err instanceof SelectorError) sendStatus(res, new ApiError(400, 'BadRequest', err.message));
      else if (err instanceof PatchError) sendStatus(res, new ApiError(422, 'Invalid', err.message));
      else
        sendStatus(
          res,
          new ApiError(500, 'InternalError', `simulator bug: ${(err as Error).stack ?? String(err)}`),
        );
    }
  }

  /** Counts the bytes written and logs the request when the response finishes (or the client goes). */
  private recordRequest(req: IncomingMessage, res: ServerResponse, url: URL, method: string): void {
    const started = performance.now();
    const loopAtStart = performance.eventLoopUtilization();
    const verb = kubeVerb(method, url);
    let bytes = 0;
    const write = res.write.bind(res);
    const end = res.end.bind(res);
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string') bytes += Buffer.byteLength(chunk);
      else if (chunk instanceof Uint8Array) bytes += chunk.length;
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string') bytes += Buffer.byteLength(chunk);
      else if (chunk instanceof Uint8Array) bytes += chunk.length;
      return (end as (...a: unknown[]) => ServerResponse)(chunk, ...rest);
    }) as typeof res.end;
    const record = () => {
      this.requests.push({
        verb,
        method,
        path: url.pathname + url.search,
        userAgent: String(req.headers['user-agent'] ?? ''),
        status: res.statusCode,
        durationMs: performance.now() - started,
        busyMs: performance.eventLoopUtilization(loopAtStart).active,
        bytes,
      });
      // A long-running `airgap-top sim` keeps the newest requests only.
      if (this.requests.length > MAX_RECORDED_REQUESTS) this.requests.splice(0, MAX_RECORDED_REQUESTS / 10);
    };
    res.on('finish', record);
    res.on('close', () => {
      if (!res.writableFinished) record();
    });
  }

  /** Answers with the next injected failure (failNext), if one is due; true when it did. */
  private sendInjectedFailure(res: ServerResponse): boolean {
    const failure = this.faults.takeFailure();
    if (!failure) return false;
    const headers: Record<string, string> = {};
    if (failure.retryAfterSeconds !== undefined) headers['Retry-After'] = String(failure.retryAfterSeconds);
    const reason =
      failure.status === 429
        ? 'TooManyRequests'
        : failure.status === 503
          ? 'ServiceUnavailable'
          : 'InternalError';
    const message =
      failure.status === 429
        ? 'Too many requests, please try again later.'
        : `an error on the server ("injected fault ${failure.status}") has prevented the request from succeeding`;
    sendStatus(
      res,
      new ApiError(
        failure.status,
        reason,
        message,
        failure.retryAfterSeconds !== undefined
          ? { retryAfterSeconds: failure.retryAfterSeconds }
          : undefined,
      ),
      headers,
    );
    return true;
  }
}

/** Timeline values "$now" become the time the step runs (transition times, start times). */
function withNow<T>(value: T, now: string): T {
  if (value === '$now') return now as T;
  if (Array.isArray(value)) return value.map((v) => withNow(v, now)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withNow(v, now)])) as T;
  }
  return value;
}
