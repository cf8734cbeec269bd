import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { ApiError, ApiObjects, DEFAULT_NAMESPACES, notFound, statusObject } from './api.js';
import { mintServerCertificates } from './certs.js';
import { Faults } from './faults.js';
import { generateScenario, parseGenerateSpec } from './generate.js';
import type { FaultController, RecordedRequest, SimulatorHandle } from './handle.js';
import { jsonPatch, mergePatch, PatchError, strategicMergePatch } from './patch.js';
import { apiVersionOf, ResourceRegistry, type ResourceType } from './resources.js';
import {
  loadScenarioPath,
  type Scenario,
  scenarioFromDocuments,
  shiftScenarioTime,
  type TimelineStep,
} from './scenario.js';
import {
  type FieldRequirement,
  type LabelRequirement,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from './selectors.js';
import {
  type KMetadata,
  type KObject,
  kubeTimestamp,
  ObjectStore,
  renderAt,
  type StoredObject,
  type StoreEvent,
} from './store.js';
import { tableColumns, tableRow } from './table.js';

export interface SimulatorOptions {
  /** A file or folder of YAML/JSON, or the parsed documents. */
  readonly scenario?: string | readonly object[];
  /** A synthetic cluster, e.g. "nodes=300,pods=10000" (see generate.ts). */
  readonly generate?: string;
  readonly seed?: number;
  /** 0 (default) = any free port. */
  readonly port?: number;
  /** Where to write the kubeconfig (default: a temporary file removed on close). */
  readonly kubeconfigOut?: string;
  /** Run the scenario's timeline (default true). */
  readonly timeline?: boolean;
  /** Watch history kept for resuming watches; older resourceVersions get 410 Gone. */
  readonly historyLimit?: number;
  /** How often watches with allowWatchBookmarks get a BOOKMARK (default 5 s). */
  readonly bookmarkIntervalMs?: number;
  /** Told about each failed timeline step (also kept in handle.timelineErrors). */
  readonly onTimelineError?: (message: string) => void;
  /** Timeline clock speed (tests: 20 runs a minute in 3 s). */
  readonly timelineSpeed?: number;
  /** Shift the scenario's timestamps to now when it declares an anchor (default true). */
  readonly anchorTime?: boolean;
}

export interface SimulatorHandleExtended extends SimulatorHandle {
  readonly faults: FaultController;
  readonly store: ObjectStore;
  readonly registry: ResourceRegistry;
  /** The object as stored now (at its preferred version), or undefined. */
  get(apiVersion: string, kind: string, name: string, namespace?: string): KObject | undefined;
  /** Every stored object of a kind (all namespaces), sorted by namespace/name. */
  list(apiVersion: string, kind: string): KObject[];
  /** Strategic-merge-like patch of a stored object (emits MODIFIED); undefined when absent. */
  patch(
    apiVersion: string,
    kind: string,
    name: string,
    namespace: string | undefined,
    patch: Record<string, unknown>,
  ): KObject | undefined;
  /** Milliseconds since the simulator started (the timeline's clock). */
  elapsedMs(): number;
  /** Timeline steps that failed (e.g. patching an object the scenario does not have). */
  readonly timelineErrors: readonly string[];
}

interface ListQuery {
  namespace: string | undefined;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
}

interface ListSnapshot {
  readonly entries: readonly StoredObject[];
  readonly rv: number;
  readonly created: number;
}

const TABLE_MEDIA = /as=Table/;
const PARTIAL_LIST = /as=PartialObjectMetadataList/;
const PARTIAL = /as=PartialObjectMetadata(?!List)/;

function listKind(type: ResourceType): string {
  return `${type.kind}List`;
}

/** 405, worded as the API server words it, for a verb the path does not serve. */
function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const bytes = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': bytes.length,
    'Cache-Control': 'no-cache, private',
  });
  res.end(bytes);
}

/**
 * Whole-collection list bodies, encoded once per version of the collection: the sorted entry array
 * is replaced on every change, so it doubles as the cache key (a 10,000-pod list is ~20 MB).
 */
const fullListCache = new WeakMap<readonly StoredObject[], Map<string, Buffer>>();

function fullListItems(entries: readonly StoredObject[], apiVersion: string): Buffer {
  let byVersion = fullListCache.get(entries);
  if (!byVersion) {
    byVersion = new Map();
    fullListCache.set(entries, byVersion);
  }
  let items = byVersion.get(apiVersion);
  if (!items) {
    items = Buffer.from(itemsJson(apiVersion, entries));
    byVersion.set(apiVersion, items);
  }
  return items;
}

/** Collections this big are encoded right after start, before the first client asks. */
const PREWARM_MIN_ITEMS = 2000;

/**
 * Writes a large body in 1 MB slices, each after the previous drained: TLS encrypts a write in one
 * go before any byte leaves, so slicing lets the client receive and decrypt while the next slice is
 * encrypted (the last byte arrives ~40% sooner for a 20 MB list). Slices share the cached buffer.
 */
function writeChunked(res: ServerResponse, body: Buffer, last: Buffer): void {
  const SLICE = 1 << 20;
  let offset = 0;
  const pump = (): void => {
    while (offset < body.length) {
      const slice = body.subarray(offset, offset + SLICE);
      offset += slice.length;
      if (!res.write(slice)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end(last);
  };
  pump();
}

function sendStatus(res: ServerResponse, err: ApiError, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(statusObject(err.code, err.reason, err.message, err.details));
  res.writeHead(err.code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseObjectBody(text: string, contentType: string): KObject {
  try {
    const value = contentType.includes('yaml')
      ? (loadYaml(text, { schema: CORE_SCHEMA }) as unknown)
      : (JSON.parse(text) as unknown);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as KObject;
  } catch (err) {
    throw new ApiError(
      400,
      'BadRequest',
      `the request body is not a valid object: ${(err as Error).message}`,
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The Kubernetes API simulator: HTTPS on 127.0.0.1 with its own CA, bearer-token auth, discovery,
 * CRUD + watch + Table output, fault injection and a request log.
 */
export class Simulator {
  readonly registry = new ResourceRegistry();
  readonly store: ObjectStore;
  readonly api: ApiObjects;
  readonly faults = new Faults();
  readonly requests: RecordedRequest[] = [];
  readonly token = randomBytes(24).toString('hex');
  private server: Server | undefined;
  private url = '';
  private readonly sockets = new Set<import('node:stream').Duplex>();
  private readonly watchClosers = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly snapshots = new Map<string, ListSnapshot>();
  private snapshotCounter = 0;
  private readonly startedAt = Date.now();
  private readonly bookmarkIntervalMs: number;

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
    for (const type of this.registry.all()) {
      const entries = this.store.list(type);
      if (entries.length >= PREWARM_MIN_ITEMS)
        fullListItems(entries, apiVersionOf(type.group, type.versions[0] ?? 'v1'));
    }
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
        const reason = err instanceof Error ? err.message : String(err);
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
            const message = `timeline step at ${step.at}s: ${(err as Error).message}`;
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
    let tempDir: string | undefined;
    let kubeconfigPath = kubeconfigOut;
    if (!kubeconfigPath) {
      tempDir = mkdtempSync(join(tmpdir(), 'airgap-top-sim-'));
      kubeconfigPath = join(tempDir, 'kubeconfig');
    }
    writeFileSync(kubeconfigPath, kubeconfigText(this.url, certs.caPem, this.token), { mode: 0o600 });
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

  // ---------------------------------------------------------------- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const loopAtStart = performance.eventLoopUtilization();
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const method = req.method ?? 'GET';
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
    try {
      const auth = req.headers.authorization ?? '';
      if (auth !== `Bearer ${this.token}`) {
        throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      }
      const latency = this.faults.addedLatencyMs;
      if (latency > 0) await sleep(latency);
      const failure = this.faults.takeFailure();
      if (failure) {
        const headers: Record<string, string> = {};
        if (failure.retryAfterSeconds !== undefined)
          headers['Retry-After'] = String(failure.retryAfterSeconds);
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
        return;
      }
      await this.route(req, res, url, method);
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

  /** Serves one request; returns the verb it served (kubeVerb() names it for the log up front). */
  private async route(req: IncomingMessage, res: ServerResponse, url: URL, method: string): Promise<string> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const accept = String(req.headers.accept ?? '');
    if (method === 'GET') {
      switch (path) {
        case '/version':
          sendJson(res, 200, VERSION);
          return 'get';
        case '/healthz':
        case '/readyz':
        case '/livez':
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          res.end('ok');
          return 'get';
        case '/api':
        case '/apis': {
          const aggregated = aggregatedDiscoveryVersion(accept);
          if (aggregated) {
            sendJson(
              res,
              200,
              this.aggregatedDiscovery(path === '/api', aggregated),
              `application/json;g=apidiscovery.k8s.io;v=${aggregated};as=APIGroupDiscoveryList`,
            );
            return 'get';
          }
          if (path === '/apis') {
            sendJson(res, 200, this.groupList());
            return 'get';
          }
          sendJson(res, 200, {
            kind: 'APIVersions',
            versions: ['v1'],
            serverAddressByClientCIDRs: [
              { clientCIDR: '0.0.0.0/0', serverAddress: this.url.replace('https://', '') },
            ],
          });
          return 'get';
        }
      }
      if (path === '/openapi/v3') {
        sendJson(res, 200, this.openApiRoot());
        return 'get';
      }
      if (path.startsWith('/openapi/v3/')) {
        const doc = this.openApiGroupVersion(path.slice('/openapi/v3/'.length));
        if (!doc) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
        sendJson(res, 200, doc);
        return 'get';
      }
      if (path.startsWith('/openapi/'))
        throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    const segments = path
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api' && segments.length >= 2) {
      group = '';
      version = segments[1] as string;
      rest = segments.slice(2);
    } else if (segments[0] === 'apis' && segments.length >= 2) {
      group = segments[1] as string;
      if (segments.length === 2) {
        const g = this.groupList().groups.find((x) => x.name === group);
        if (!g || method !== 'GET')
          throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
        sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...g });
        return 'get';
      }
      version = segments[2] as string;
      rest = segments.slice(3);
    } else {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    const served = this.registry.at(group, version);
    if (served.length === 0)
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (rest.length === 0) {
      if (method !== 'GET') throw methodNotAllowed();
      sendJson(res, 200, resourceList(apiVersionOf(group, version), served));
      return 'get';
    }
    let watchPath = false;
    if (rest[0] === 'watch') {
      watchPath = true;
      rest = rest.slice(1);
    }
    let namespace: string | undefined;
    if (
      rest[0] === 'namespaces' &&
      rest.length >= 3 &&
      this.registry.get(group, rest[2] as string)?.namespaced
    ) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, subresource] = rest as [string, string | undefined, string | undefined];
    const type = this.registry.get(group, plural);
    if (!type?.versions.includes(version) || rest.length > 3) {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (subresource !== undefined && !(subresource === 'status' && type.statusSubresource)) {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    const apiVersion = apiVersionOf(group, version);
    const q = url.searchParams;
    const dryRun = q.getAll('dryRun').includes('All');
    switch (method) {
      case 'GET': {
        if (name !== undefined && !watchPath) {
          const entry = this.store.get(type, namespace, name);
          if (!entry) throw notFound(type, name);
          if (TABLE_MEDIA.test(accept))
            sendJson(res, 200, this.table(type, apiVersion, [entry], String(entry.rv), q), TABLE_CONTENT);
          else if (PARTIAL.test(accept)) sendJson(res, 200, partial(entry.object));
          else sendJson(res, 200, renderAt(entry, apiVersion));
          return 'get';
        }
        const query = this.listQuery(namespace, q, name);
        if (watchPath || q.get('watch') === 'true' || q.get('watch') === '1') {
          this.watch(req, res, type, apiVersion, query, q, accept);
          return 'watch';
        }
        this.list(res, type, apiVersion, query, q, accept);
        return 'list';
      }
      case 'POST': {
        if (name !== undefined) throw methodNotAllowed();
        const body = parseObjectBody(await readBody(req), String(req.headers['content-type'] ?? ''));
        this.checkKind(type, body);
        const result = this.api.create(type, body, { namespace, dryRun, requireNamespace: true });
        sendJson(res, 201, objectJson(result, apiVersion));
        return 'create';
      }
      case 'PUT': {
        if (name === undefined) throw methodNotAllowed();
        const body = parseObjectBody(await readBody(req), String(req.headers['content-type'] ?? ''));
        this.checkKind(type, body);
        const result = this.api.update(type, namespace, name, body, { subresource, dryRun });
        sendJson(res, 200, objectJson(result, apiVersion));
        return 'update';
      }
      case 'PATCH': {
        if (name === undefined) throw methodNotAllowed();
        const contentType =
          String(req.headers['content-type'] ?? '')
            .split(';')[0]
            ?.trim() ?? '';
        const text = await readBody(req);
        const existing = this.store.get(type, namespace, name);
        if (contentType === 'application/apply-patch+yaml') {
          const applied = parseObjectBody(text, 'yaml');
          if (!existing) {
            const created = this.api.create(type, applied, { namespace, dryRun, requireNamespace: true });
            sendJson(res, 201, objectJson(created, apiVersion));
            return 'patch';
          }
          const merged = strategicMergePatch(existing.object, applied) as KObject;
          const result = this.api.update(type, namespace, name, merged, { subresource, dryRun });
          sendJson(res, 200, objectJson(result, apiVersion));
          return 'patch';
        }
        if (!existing) throw notFound(type, name);
        let patch: unknown;
        try {
          patch = JSON.parse(text);
        } catch {
          throw new ApiError(400, 'BadRequest', 'the patch is not valid JSON');
        }
        let patched: unknown;
        if (contentType === 'application/json-patch+json') patched = jsonPatch(existing.object, patch);
        else if (contentType === 'application/merge-patch+json') patched = mergePatch(existing.object, patch);
        else if (contentType === 'application/strategic-merge-patch+json')
          patched = strategicMergePatch(existing.object, patch);
        else
          throw new ApiError(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
          );
        const next = patched as KObject;
        // A patch without a resourceVersion never conflicts.
        const patchMeta = ((patch as KObject | null)?.metadata ?? {}) as KMetadata;
        if (!Array.isArray(patch) && patchMeta.resourceVersion === undefined) {
          next.metadata = { ...(next.metadata as KMetadata), resourceVersion: undefined };
        }
        const result = this.api.update(type, namespace, name, next, { subresource, dryRun });
        sendJson(res, 200, objectJson(result, apiVersion));
        return 'patch';
      }
      case 'DELETE': {
        if (name === undefined) {
          const query = this.listQuery(namespace, q, undefined);
          const victims = this.filter(type, query);
          const deleted = victims.map((e) =>
            this.api.delete(
              type,
              (e.object.metadata as KMetadata).namespace,
              String((e.object.metadata as KMetadata).name),
              { dryRun },
            ),
          );
          sendJson(res, 200, listBody(type, apiVersion, deleted, String(this.store.resourceVersion)));
          return 'deletecollection';
        }
        const body = await readBody(req);
        let force = false;
        if (body.trim()) {
          try {
            const options = JSON.parse(body) as { gracePeriodSeconds?: number };
            force = options.gracePeriodSeconds === 0 && type.kind === 'Pod';
          } catch {
            /* DeleteOptions are optional */
          }
        }
        const result = this.api.delete(type, namespace, name, { dryRun, force });
        sendJson(res, 200, renderAt(result, apiVersion));
        return 'delete';
      }
      default:
        throw methodNotAllowed();
    }
  }

  private checkKind(type: ResourceType, body: KObject): void {
    if (body.kind !== undefined && body.kind !== type.kind) {
      throw new ApiError(
        400,
        'BadRequest',
        `the object provided is unrecognized (must be of type ${type.kind}): kind ${String(body.kind)}`,
      );
    }
  }

  private groupList() {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: this.registry
        .groups()
        .sort((a, b) => groupOrder(a.name) - groupOrder(b.name) || a.name.localeCompare(b.name))
        .map((g) => {
          const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v }));
          return { name: g.name, versions, preferredVersion: versions[0] };
        }),
    };
  }

  /**
   * Aggregated discovery (apidiscovery.k8s.io/v2, what kubectl 1.30+ asks first): every group,
   * version and resource in one answer, so a client needs two requests instead of one per group.
   */
  private aggregatedDiscovery(core: boolean, version: string) {
    const groups = core
      ? [{ name: '', versions: ['v1'] }]
      : this.registry
          .groups()
          .sort((a, b) => groupOrder(a.name) - groupOrder(b.name) || a.name.localeCompare(b.name));
    return {
      kind: 'APIGroupDiscoveryList',
      apiVersion: `apidiscovery.k8s.io/${version}`,
      metadata: {},
      items: groups.map((g) => ({
        metadata: { name: g.name, creationTimestamp: null },
        versions: g.versions.map((v) => ({
          version: v,
          resources: this.registry
            .at(g.name, v)
            .sort((a, b) => a.plural.localeCompare(b.plural))
            .map((t) => {
              const responseKind = { group: t.group, version: v, kind: t.kind };
              return {
                resource: t.plural,
                responseKind,
                scope: t.namespaced ? 'Namespaced' : 'Cluster',
                singularResource: t.singular,
                verbs: t.verbs,
                ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
                ...(t.categories.length ? { categories: t.categories } : {}),
                ...(t.statusSubresource
                  ? {
                      subresources: [
                        { subresource: 'status', responseKind, verbs: ['get', 'patch', 'update'] },
                      ],
                    }
                  : {}),
              };
            }),
          freshness: 'Current',
        })),
      })),
    };
  }

  /** OpenAPI v3 discovery: one document per group/version, as kube-apiserver serves it. */
  private openApiRoot() {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    const gvs = new Set<string>(['api/v1']);
    for (const g of this.registry.groups()) for (const v of g.versions) gvs.add(`apis/${g.name}/${v}`);
    for (const gv of gvs) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${this.openApiHash(gv)}` };
    return { paths };
  }

  private openApiHash(gv: string): string {
    const [, group = '', version = 'v1'] = gv.startsWith('api/') ? ['', '', gv.slice(4)] : gv.split('/');
    const text = this.registry
      .at(group, version)
      .map((t) => `${t.plural}:${t.kind}`)
      .join(',');
    let h = 2166136261;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
    return h.toString(16).toUpperCase().padStart(16, '0');
  }

  /**
   * Just enough of the per-group-version document for kubectl: PATCH operations tagged with their
   * group/version/kind that accept `fieldValidation`, so kubectl validates on the server side
   * (Strict) instead of downloading schemas. Object schemas are open (any field allowed).
   */
  private openApiGroupVersion(gv: string): Record<string, unknown> | undefined {
    let group: string;
    let version: string;
    if (gv.startsWith('api/')) {
      group = '';
      version = gv.slice(4);
    } else {
      const parts = gv.split('/');
      if (parts[0] !== 'apis' || parts.length !== 3) return undefined;
      group = parts[1] as string;
      version = parts[2] as string;
    }
    const types = this.registry.at(group, version);
    if (types.length === 0) return undefined;
    const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    const paths: Record<string, unknown> = {};
    const schemas: Record<string, unknown> = {};
    const params = ['fieldValidation', 'fieldManager', 'dryRun', 'force'].map((name) => ({
      name,
      in: 'query',
      schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
    }));
    for (const t of types) {
      const gvk = { group, version, kind: t.kind };
      const schemaName = `${group === '' ? 'io.k8s.api.core' : group.split('.').reverse().join('.')}.${version}.${t.kind}`;
      schemas[schemaName] = {
        type: 'object',
        'x-kubernetes-group-version-kind': [gvk],
        'x-kubernetes-preserve-unknown-fields': true,
      };
      const ref = { $ref: `#/components/schemas/${schemaName}` };
      const ok = { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } };
      const item = `${prefix}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}/{name}`;
      const op = (action: string) => ({
        operationId: `${action}${t.kind}`,
        'x-kubernetes-action': action,
        'x-kubernetes-group-version-kind': gvk,
        parameters: params,
        responses: ok,
      });
      paths[item] = { get: op('get'), put: op('put'), patch: op('patch'), delete: op('delete') };
      paths[`${prefix}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}`] = {
        get: op('list'),
        post: op('post'),
      };
    }
    return {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: 'v1.32.4' },
      paths,
      components: { schemas },
    };
  }

  private listQuery(namespace: string | undefined, q: URLSearchParams, name: string | undefined): ListQuery {
    const fields = parseFieldSelector(q.get('fieldSelector'));
    if (name !== undefined) fields.push({ path: ['metadata', 'name'], negate: false, value: name });
    return { namespace, labels: parseLabelSelector(q.get('labelSelector')), fields };
  }

  private matches(type: ResourceType, query: ListQuery, entry: StoredObject): boolean {
    const meta = entry.object.metadata as KMetadata;
    if (type.namespaced && query.namespace !== undefined && meta.namespace !== query.namespace) return false;
    if (query.labels.length > 0 && !matchesLabels(query.labels, meta.labels)) return false;
    if (query.fields.length > 0 && !matchesFields(query.fields, entry.object)) return false;
    return true;
  }

  private filter(type: ResourceType, query: ListQuery): StoredObject[] {
    const all = this.store.list(type);
    if (
      query.labels.length === 0 &&
      query.fields.length === 0 &&
      (query.namespace === undefined || !type.namespaced)
    )
      return all;
    return all.filter((e) => this.matches(type, query, e));
  }

  private list(
    res: ServerResponse,
    type: ResourceType,
    apiVersion: string,
    query: ListQuery,
    q: URLSearchParams,
    accept: string,
  ): void {
    const limit = Number(q.get('limit') ?? 0);
    const token = q.get('continue');
    let snapshot: ListSnapshot;
    let offset = 0;
    let snapshotId: string | undefined;
    if (token) {
      let parsed: { id?: string; offset?: number };
      try {
        parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
          id?: string;
          offset?: number;
        };
      } catch {
        throw new ApiError(400, 'BadRequest', 'continue key is not valid');
      }
      const found = parsed.id ? this.snapshots.get(parsed.id) : undefined;
      if (!found || Date.now() - found.created > 5 * 60_000) {
        throw new ApiError(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        );
      }
      snapshot = found;
      snapshotId = parsed.id;
      offset = parsed.offset ?? 0;
    } else {
      snapshot = { entries: this.filter(type, query), rv: this.store.resourceVersion, created: Date.now() };
    }
    let page = snapshot.entries;
    let continueToken: string | undefined;
    let remaining: number | undefined;
    if (limit > 0 || offset > 0) {
      const end = limit > 0 ? offset + limit : snapshot.entries.length;
      page = snapshot.entries.slice(offset, end);
      if (end < snapshot.entries.length) {
        if (!snapshotId) {
          snapshotId = String(++this.snapshotCounter);
          this.snapshots.set(snapshotId, snapshot);
          this.pruneSnapshots();
        }
        continueToken = Buffer.from(JSON.stringify({ id: snapshotId, offset: end })).toString('base64url');
        remaining = snapshot.entries.length - end;
      }
    }
    const rv = String(snapshot.rv);
    if (TABLE_MEDIA.test(accept)) {
      sendJson(res, 200, this.table(type, apiVersion, page, rv, q, continueToken, remaining), TABLE_CONTENT);
      return;
    }
    if (PARTIAL_LIST.test(accept)) {
      sendJson(res, 200, {
        kind: 'PartialObjectMetadataList',
        apiVersion: 'meta.k8s.io/v1',
        metadata: listMeta(rv, continueToken, remaining),
        items: page.map((e) => partial(e.object)),
      });
      return;
    }
    if (page === snapshot.entries && !token && snapshot.entries === this.store.list(type)) {
      const items = fullListItems(page, apiVersion);
      // The envelope carries the current resourceVersion; only the items are cached.
      const head = Buffer.from(
        `{"kind":"${listKind(type)}","apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(listMeta(rv))},"items":[`,
      );
      const tail = Buffer.from(']}');
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': head.length + items.length + tail.length,
        'Cache-Control': 'no-cache, private',
      });
      res.write(head);
      writeChunked(res, items, tail);
      return;
    }
    sendJson(res, 200, listBody(type, apiVersion, page, rv, continueToken, remaining));
  }

  private pruneSnapshots(): void {
    const now = Date.now();
    for (const [id, s] of this.snapshots) {
      if (now - s.created > 5 * 60_000 || this.snapshots.size > 64) this.snapshots.delete(id);
      else break;
    }
  }

  private table(
    type: ResourceType,
    apiVersion: string,
    entries: readonly StoredObject[],
    rv: string,
    q: URLSearchParams,
    continueToken?: string,
    remaining?: number,
    withColumns = true,
  ): Record<string, unknown> {
    const includeObject = (q.get('includeObject') ?? 'Metadata') as 'None' | 'Metadata' | 'Object';
    const now = Date.now();
    return {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: listMeta(rv, continueToken, remaining),
      ...(withColumns ? { columnDefinitions: tableColumns(type) } : { columnDefinitions: null }),
      rows: entries.map((e) => tableRow(type, e.object, apiVersion, includeObject, now)),
    };
  }

  private watch(
    req: IncomingMessage,
    res: ServerResponse,
    type: ResourceType,
    apiVersion: string,
    query: ListQuery,
    q: URLSearchParams,
    accept: string,
  ): void {
    const asTable = TABLE_MEDIA.test(accept);
    res.writeHead(200, {
      'Content-Type': asTable ? TABLE_CONTENT : 'application/json',
      'Cache-Control': 'no-cache, private',
    });
    res.flushHeaders();
    let closed = false;
    let unsubscribe: (() => void) | undefined;
    let bookmarkTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;
    const close = () => {
      if (closed) return;
      closed = true;
      unsubscribe?.();
      if (bookmarkTimer) clearInterval(bookmarkTimer);
      if (timeoutTimer) clearTimeout(timeoutTimer);
      stream.done();
      this.watchClosers.delete(close);
      res.end();
    };
    const stream = this.faults.register(close);
    this.watchClosers.add(close);
    req.on('close', close);
    res.on('close', close);
    let firstTable = true;
    const send = (kind: string, entry: StoredObject) => {
      if (closed) return;
      let objectJsonText: string;
      if (asTable) {
        objectJsonText = JSON.stringify(
          this.table(type, apiVersion, [entry], String(entry.rv), q, undefined, undefined, firstTable),
        );
        firstTable = false;
      } else objectJsonText = renderAt(entry, apiVersion);
      res.write(`{"type":"${kind}","object":${objectJsonText}}\n`);
      if (stream.spend()) close();
    };
    const sendError = (status: ReturnType<typeof statusObject>) => {
      res.write(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      close();
    };
    if (this.faults.takeGone()) {
      sendError(
        statusObject(
          410,
          'Expired',
          `too old resource version: ${q.get('resourceVersion') ?? ''} (${this.store.resourceVersion})`,
        ),
      );
      return;
    }
    const rvParam = q.get('resourceVersion') ?? '';
    const initialEvents = q.get('sendInitialEvents') === 'true';
    const bookmarks = q.get('allowWatchBookmarks') === 'true';
    const deliver = (event: StoreEvent) => {
      const now = this.matches(type, query, event.entry);
      const before = event.previous !== undefined && this.matches(type, query, event.previous);
      if (event.type === 'DELETED') {
        if (before) send('DELETED', event.entry);
      } else if (event.type === 'ADDED') {
        if (now) send('ADDED', event.entry);
      } else if (now && before) send('MODIFIED', event.entry);
      else if (now) send('ADDED', event.entry);
      else if (before) send('DELETED', event.entry);
    };
    if (rvParam === '' || rvParam === '0' || initialEvents) {
      for (const entry of this.filter(type, query)) send('ADDED', entry);
      if (initialEvents && !closed) {
        res.write(
          `${JSON.stringify({
            type: 'BOOKMARK',
            object: {
              kind: type.kind,
              apiVersion,
              metadata: {
                resourceVersion: String(this.store.resourceVersion),
                annotations: { 'k8s.io/initial-events-end': 'true' },
              },
            },
          })}\n`,
        );
      }
    } else {
      const rv = Number(rvParam);
      if (!Number.isFinite(rv)) {
        sendError(statusObject(400, 'BadRequest', `invalid resource version: ${rvParam}`));
        return;
      }
      const events = this.store.eventsSince(type, rv);
      if (events === 'gone') {
        sendError(
          statusObject(
            410,
            'Expired',
            `too old resource version: ${rvParam} (${this.store.compactedResourceVersion + 1})`,
          ),
        );
        return;
      }
      for (const e of events) deliver(e);
    }
    if (closed) return;
    unsubscribe = this.store.subscribe(type, deliver);
    if (bookmarks) {
      bookmarkTimer = setInterval(() => {
        if (closed) return;
        res.write(
          `${JSON.stringify({ type: 'BOOKMARK', object: { kind: type.kind, apiVersion, metadata: { resourceVersion: String(this.store.resourceVersion) } } })}\n`,
        );
      }, this.bookmarkIntervalMs);
      bookmarkTimer.unref();
    }
    const timeoutSeconds = Number(q.get('timeoutSeconds') ?? 0);
    if (timeoutSeconds > 0) {
      timeoutTimer = setTimeout(close, timeoutSeconds * 1000);
      timeoutTimer.unref();
    }
  }
}

const TABLE_CONTENT = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const MAX_RECORDED_REQUESTS = 100_000;

/** The Kubernetes verb of a request (get, list, watch, create, update, patch, delete, deletecollection). */
export function kubeVerb(method: string, url: URL): string {
  const segments = url.pathname.split('/').filter((s) => s !== '');
  let rest: string[] | undefined;
  if (segments[0] === 'api' && segments.length >= 2) rest = segments.slice(2);
  else if (segments[0] === 'apis' && segments.length >= 3) rest = segments.slice(3);
  let watchPath = false;
  if (rest?.[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  // /namespaces/NS/<resource>... is namespaced; /namespaces/NS/status|finalize is the namespace itself.
  if (rest?.[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize')
    rest = rest.slice(2);
  const named = rest !== undefined && rest.length >= 2;
  switch (method) {
    case 'GET': {
      if (!rest || rest.length === 0) return 'get';
      const q = url.searchParams.get('watch');
      if (watchPath || q === 'true' || q === '1') return 'watch';
      return named ? 'get' : 'list';
    }
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
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

const VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T00:00:00Z',
  goVersion: 'go1.23.8',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** The aggregated discovery version the client accepts (v2 preferred), if it asks for it at all. */
function aggregatedDiscoveryVersion(accept: string): string | undefined {
  const offered = accept
    .split(',')
    .filter((m) => m.includes('g=apidiscovery.k8s.io') && m.includes('as=APIGroupDiscoveryList'))
    .map((m) => /v=(v2(?:beta1)?)\b/.exec(m)?.[1]);
  return offered.includes('v2') ? 'v2' : offered.includes('v2beta1') ? 'v2beta1' : undefined;
}

/** Core-ish groups first, as a real server orders /apis; then the rest alphabetically. */
function groupOrder(name: string): number {
  const order = ['apps', 'batch', 'storage.k8s.io', 'apiextensions.k8s.io'];
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

function listMeta(rv: string, continueToken?: string, remaining?: number): Record<string, unknown> {
  const meta: Record<string, unknown> = { resourceVersion: rv };
  if (continueToken) meta.continue = continueToken;
  if (remaining !== undefined) meta.remainingItemCount = remaining;
  return meta;
}

function listBody(
  type: ResourceType,
  apiVersion: string,
  entries: readonly StoredObject[],
  rv: string,
  continueToken?: string,
  remaining?: number,
): string {
  const head = `{"kind":"${listKind(type)}","apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(listMeta(rv, continueToken, remaining))},"items":[`;
  return `${head}${itemsJson(apiVersion, entries)}]}`;
}

function itemsJson(apiVersion: string, entries: readonly StoredObject[]): string {
  const prefix = `{"apiVersion":${JSON.stringify(apiVersion)},`;
  const parts = new Array<string>(entries.length);
  for (let i = 0; i < entries.length; i++) parts[i] = prefix + (entries[i] as StoredObject).tail;
  return parts.join(',');
}

function objectJson(result: StoredObject | KObject, apiVersion: string): string {
  if ('tail' in result && 'rv' in result) return renderAt(result as StoredObject, apiVersion);
  return JSON.stringify({ ...(result as KObject), apiVersion });
}

function partial(object: KObject): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata ?? {} };
}

function resourceList(groupVersion: string, types: readonly ResourceType[]) {
  const resources: Record<string, unknown>[] = [];
  for (const t of [...types].sort((a, b) => a.plural.localeCompare(b.plural))) {
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories.length ? { categories: t.categories } : {}),
    });
    if (t.statusSubresource) {
      resources.push({
        name: `${t.plural}/status`,
        singularName: '',
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: ['get', 'patch', 'update'],
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

function kubeconfigText(url: string, caPem: string, token: string): string {
  const ca = Buffer.from(caPem).toString('base64');
  return `apiVersion: v1
kind: Config
clusters:
- name: airgap-top-sim
  cluster:
    server: ${url}
    certificate-authority-data: ${ca}
users:
- name: airgap-top-sim
  user:
    token: ${token}
contexts:
- name: airgap-top-sim
  context:
    cluster: airgap-top-sim
    user: airgap-top-sim
current-context: airgap-top-sim
preferences: {}
`;
}

/** Starts the simulator on 127.0.0.1 with a scenario, a generated cluster, or nothing. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandleExtended> {
  const sim = new Simulator({
    historyLimit: options.historyLimit,
    bookmarkIntervalMs: options.bookmarkIntervalMs,
  });
  let scenario: Scenario = { objects: [], timeline: [] };
  if (typeof options.scenario === 'string') scenario = loadScenarioPath(options.scenario);
  else if (options.scenario) scenario = scenarioFromDocuments(options.scenario);
  if (options.anchorTime !== false) scenario = shiftScenarioTime(scenario, new Date());
  if (options.generate !== undefined) {
    const generated = generateScenario(parseGenerateSpec(options.generate), options.seed ?? 1);
    scenario = { ...scenario, objects: [...generated, ...scenario.objects] };
    sim.store.setUidSource(seededUids(options.seed ?? 1));
  }
  sim.load(scenario.objects);
  sim.faults.apply(scenario.faults);
  const { url, kubeconfigPath, tempDir } = await sim.listen(options.port ?? 0, options.kubeconfigOut);
  sim.onTimelineError = options.onTimelineError;
  setImmediate(() => sim.prewarm());
  if (options.timeline !== false) sim.runTimeline(scenario.timeline, options.timelineSpeed ?? 1);
  const objectsOf = (apiVersion: string, kind: string): KObject[] => {
    const type = sim.registry.byKind(apiVersion, kind);
    return type ? sim.store.list(type).map((e) => e.object) : [];
  };
  return {
    url,
    kubeconfigPath,
    token: sim.token,
    requests: sim.requests,
    faults: sim.faults,
    store: sim.store,
    registry: sim.registry,
    apply: (object) => {
      sim.api.apply(object as KObject);
    },
    remove: (apiVersion, kind, name, namespace) => sim.remove(apiVersion, kind, name, namespace),
    get: (apiVersion, kind, name, namespace) => {
      const type = sim.registry.byKind(apiVersion, kind);
      return type
        ? sim.store.get(type, type.namespaced ? (namespace ?? 'default') : undefined, name)?.object
        : undefined;
    },
    list: objectsOf,
    patch: (apiVersion, kind, name, namespace, patch) =>
      sim.patchObject(apiVersion, kind, name, namespace, patch),
    elapsedMs: () => sim.elapsedMs(),
    timelineErrors: sim.timelineErrors,
    close: async () => {
      await sim.close();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/** Deterministic UUID-shaped ids for generated clusters (same seed, same uids). */
function seededUids(seed: number): () => string {
  let state = (seed * 2654435761) >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state.toString(16).padStart(8, '0');
  };
  return () => {
    const h = `${next()}${next()}${next()}${next()}`;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
}
