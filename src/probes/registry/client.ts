import type { LookupFunction } from 'node:net';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import {
  parseTokenResponse,
  parseWwwAuthenticate,
  preferredChallenge,
  pullScope,
  tokenUrl,
} from '../../model/registry/auth.js';
import { classifyAnswer, parseErrorCodes, parseRetryAfter } from '../../model/registry/classify.js';
import type { CredentialStore, RegistryCredential } from '../../model/registry/credentials.js';
import { credentialHostKey } from '../../model/registry/credentials.js';
import { isPublicRegistryHost } from '../../model/registry/guard.js';
import {
  type AuthChallenge,
  type AuthStep,
  endpointKey,
  hostPort,
  type ManifestAnswer,
  type ManifestProbe,
  probeKey,
  type RegistryEndpoint,
  type RegistryVerdict,
  type TlsInventory,
} from '../../model/registry/types.js';
import { endpointOrigin, isDigestReference, MANIFEST_ACCEPT, manifestUrl } from '../../model/registry/url.js';
import { ConnectionPool, type ExchangeResponse, exchange, NetworkError, TlsError } from './transport.js';

/**
 * The registry presence client: asks each (endpoint, repository, reference) once per sweep, the way
 * containerd resolves a reference (HEAD with its Accept set, GET when HEAD is refused or carries no
 * digest), authenticating as containerd's authorizer does (Bearer: a token per repository scope,
 * anonymous unless credentials are configured; Basic with credentials). It never dials a public
 * registry. Secrets (tokens, credentials) go to `registerSecret` and never into evidence.
 */
export interface RegistryClientOptions {
  /** Per exchange (connect + answer). Default 10 s. */
  readonly timeoutMs?: number;
  /** Exchanges under way at once. Default 8. */
  readonly concurrency?: number;
  /** Parsed docker config.json; looked up by `host[:port]`. */
  readonly credentials?: CredentialStore;
  /** Name resolution for endpoint hosts (tests inject one so no made-up name reaches DNS). */
  readonly lookup?: LookupFunction;
  /**
   * [registry.connect_to]: `host[:port]` (lower-case; the scheme's default port when the URL names
   * none) → `address:port` dialled instead. The TLS name checked stays the registry's own.
   */
  readonly connectTo?: Readonly<Record<string, string>>;
  /** Reads a CA file an endpoint names (the node's CA, collected over SFTP); default: local files. */
  readonly readCaFile?: (path: string) => string;
  /** Longest Retry-After honoured; a longer one ends in "rate limited". Default 5 s. */
  readonly maxRetryAfterSeconds?: number;
  /** 429 retries per probe. Default 2. */
  readonly maxRateLimitRetries?: number;
  readonly userAgent?: string;
  /** Called with every secret the client gets hold of (tokens), for the redaction registry. */
  readonly registerSecret?: (secret: string) => void;
  /** Every HTTP exchange, for counting (kind, method, URL without secrets, status). */
  readonly onRequest?: (event: RequestEvent) => void;
  /** Each exchange is a debug line: kind, method, URL without secrets, status, time. */
  readonly log?: Logger;
  /** Waiting (Retry-After); injectable so tests need not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => Date;
}

export interface RequestEvent {
  readonly kind: 'manifest' | 'token';
  readonly method: 'HEAD' | 'GET';
  readonly url: string;
  readonly status?: number;
  /** From sending the request to its answer's head (or the failure). */
  readonly durationMs: number;
}

/** What proves a verdict: the last manifest request made for it. */
export interface ProbeEvidence {
  /** The manifest URL (never carries a secret: tokens travel in headers). */
  readonly url: string;
  readonly method: 'HEAD' | 'GET';
  readonly endpoint: string;
  readonly status?: number;
  readonly digest?: string;
  readonly mediaType?: string;
  readonly auth: AuthStep;
  /** Manifest requests made for this (endpoint, repository, reference). */
  readonly requests: number;
}

export interface ProbeResult {
  readonly probe: ManifestProbe;
  readonly answer: ManifestAnswer;
  readonly verdict: RegistryVerdict;
  readonly evidence: ProbeEvidence;
}

export interface SweepResult {
  /** One per requested probe, in request order. */
  readonly results: readonly ProbeResult[];
  /** TLS inventory of each endpoint contacted, by endpointKey. */
  readonly tls: ReadonlyMap<string, TlsInventory>;
  readonly counts: {
    readonly manifestRequests: number;
    readonly tokenRequests: number;
    readonly unique: number;
  };
}

interface Outcome {
  readonly answer: ManifestAnswer;
  readonly evidence: ProbeEvidence;
}

/** Per-endpoint learning shared by the probes of one sweep (and kept across sweeps for tokens). */
interface EndpointState {
  /** The challenge this endpoint answered, once known; null = answered without one. */
  challenge?: AuthChallenge | null;
  /** Resolves once the first exchange came back, so its challenge is known before others start. */
  discovered?: Promise<void>;
  pausedUntil: number;
  /**
   * This sweep: the endpoint could not be reached at all (name does not resolve, connection refused
   * or timed out). Its other probes take this answer instead of dialling again: 500 images on a
   * registry whose name does not resolve cost one lookup, not 500 (each possibly a DNS timeout).
   */
  down?: ManifestAnswer;
}

/** Failures that say the endpoint is not reachable at all (not something about one manifest). */
const UNREACHABLE = new Set(['dns', 'refused', 'timeout']);

interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

const DEFAULTS = { timeoutMs: 10_000, concurrency: 8, maxRetryAfterSeconds: 5, maxRateLimitRetries: 2 };

export class RegistryClient {
  private readonly endpoints = new Map<string, EndpointState>();
  private readonly tokens = new Map<
    string,
    Promise<CachedToken | { refused: number; withCredentials: boolean }>
  >();
  private readonly tlsSeen = new Map<string, TlsInventory>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private manifestRequests = 0;
  private tokenRequests = 0;
  private pool: ConnectionPool | undefined;

  constructor(private readonly options: RegistryClientOptions = {}) {}

  /** Asks every probe, each (endpoint, repository, reference) once; verdicts in request order. */
  async sweep(probes: readonly ManifestProbe[]): Promise<SweepResult> {
    const before = { manifest: this.manifestRequests, token: this.tokenRequests };
    const once = new Map<string, Promise<Outcome>>();
    const pool = new ConnectionPool(this.options.concurrency ?? DEFAULTS.concurrency);
    this.pool = pool;
    // Each sweep dials afresh: its first exchange per endpoint goes alone again (is it up? which
    // challenge?), the others wait for it.
    for (const state of this.endpoints.values()) {
      state.down = undefined;
      state.discovered = undefined;
    }
    try {
      return await this.sweepWith(probes, once, before);
    } finally {
      if (this.pool === pool) this.pool = undefined;
      pool.close();
    }
  }

  private async sweepWith(
    probes: readonly ManifestProbe[],
    once: Map<string, Promise<Outcome>>,
    before: { manifest: number; token: number },
  ): Promise<SweepResult> {
    const tls = new Map<string, TlsInventory>();
    for (const probe of probes) {
      const key = probeKey(probe);
      if (!once.has(key)) once.set(key, this.probeOnce(probe));
    }
    const results: ProbeResult[] = [];
    for (const probe of probes) {
      const outcome = await (once.get(probeKey(probe)) as Promise<Outcome>);
      const expect = probe.expectDigest ?? (isDigestReference(probe.reference) ? probe.reference : undefined);
      results.push({
        probe,
        answer: outcome.answer,
        verdict: classifyAnswer(outcome.answer, expect),
        evidence: outcome.evidence,
      });
      const inventory = this.tlsSeen.get(endpointKey(probe.endpoint));
      if (inventory) tls.set(endpointKey(probe.endpoint), inventory);
    }
    return {
      results,
      tls,
      counts: {
        manifestRequests: this.manifestRequests - before.manifest,
        tokenRequests: this.tokenRequests - before.token,
        unique: once.size,
      },
    };
  }

  private async probeOnce(probe: ManifestProbe): Promise<Outcome> {
    const { endpoint } = probe;
    const url = manifestUrl(probe);
    const base = { url, endpoint: endpointOrigin(endpoint) };
    if (isPublicRegistryHost(endpoint.host)) {
      return {
        answer: { kind: 'public-refused', host: endpoint.host },
        evidence: { ...base, method: 'HEAD', auth: 'none', requests: 0 },
      };
    }
    const state = this.endpointState(endpoint);
    let release: (() => void) | undefined;
    if (state.discovered) await state.discovered;
    else state.discovered = new Promise((r) => (release = r));
    if (state.down?.kind === 'network') {
      return {
        // The same answer as the probe that dialled (evidence.requests 0 says this one did not).
        answer: state.down,
        evidence: { ...base, method: 'HEAD', auth: 'none', requests: 0 },
      };
    }
    try {
      return await this.ask(probe, url, base, state, () => {
        release?.();
        release = undefined;
      });
    } finally {
      release?.();
    }
  }

  private async ask(
    probe: ManifestProbe,
    url: string,
    base: { url: string; endpoint: string },
    state: EndpointState,
    discovered: () => void,
  ): Promise<Outcome> {
    const { endpoint } = probe;
    const credential = this.credentialFor(endpoint);
    let method: 'HEAD' | 'GET' = 'HEAD';
    let auth: AuthStep = 'none';
    let authorization: string | undefined;
    let requests = 0;
    let rateRetries = 0;
    let authTried = false;
    const evidence = (res?: ExchangeResponse, extra: Partial<ProbeEvidence> = {}): ProbeEvidence => ({
      ...base,
      method,
      auth,
      requests,
      ...(res ? { status: res.status } : {}),
      ...extra,
    });

    for (;;) {
      // A challenge learnt from an earlier probe: authenticate up front, as containerd's authorizer does.
      if (!authTried && state.challenge) {
        const prepared = await this.authorize(state.challenge, probe, credential);
        authTried = true;
        if ('answer' in prepared) return { answer: prepared.answer, evidence: evidence() };
        ({ auth, authorization } = prepared);
      }
      await this.waitForPause(state);
      let res: ExchangeResponse;
      try {
        requests++;
        res = await this.limited(() =>
          this.send('manifest', {
            url: new URL(url),
            method,
            endpoint,
            authorization,
            accept: MANIFEST_ACCEPT,
          }),
        );
      } catch (err) {
        const answer = transportAnswer(err);
        if (answer.kind === 'network' && UNREACHABLE.has(answer.failure)) state.down = answer;
        discovered();
        return { answer, evidence: evidence() };
      }
      if (res.tls) this.tlsSeen.set(endpointKey(endpoint), res.tls);
      if (state.challenge === undefined && res.status !== 401) state.challenge = null;

      if (res.status === 401 && !authTried) {
        const challenge = preferredChallenge(parseWwwAuthenticate(res.headers['www-authenticate']));
        state.challenge = challenge ?? null;
        discovered();
        authTried = true;
        if (challenge) {
          const prepared = await this.authorize(challenge, probe, credential);
          if ('answer' in prepared) return { answer: prepared.answer, evidence: evidence(res) };
          if (prepared.authorization !== undefined) {
            ({ auth, authorization } = prepared);
            continue;
          }
        }
      }
      discovered();
      if (
        res.status === 429 &&
        rateRetries < (this.options.maxRateLimitRetries ?? DEFAULTS.maxRateLimitRetries)
      ) {
        const after = parseRetryAfter(header(res, 'retry-after'), this.now());
        if (
          after !== undefined &&
          after <= (this.options.maxRetryAfterSeconds ?? DEFAULTS.maxRetryAfterSeconds)
        ) {
          rateRetries++;
          state.pausedUntil = Math.max(state.pausedUntil, this.now().getTime() + after * 1000);
          continue;
        }
      }
      const digestHeader = header(res, 'docker-content-digest');
      if (method === 'HEAD' && (res.status === 405 || (isSuccess(res.status) && !digestHeader))) {
        method = 'GET'; // registries that refuse HEAD or omit the digest on it (containerd does the same)
        continue;
      }
      return this.answerOf(res, method, auth, evidence);
    }
  }

  private answerOf(
    res: ExchangeResponse,
    method: 'HEAD' | 'GET',
    auth: AuthStep,
    evidence: (res?: ExchangeResponse, extra?: Partial<ProbeEvidence>) => ProbeEvidence,
  ): Outcome {
    const digest =
      header(res, 'docker-content-digest') ?? (isSuccess(res.status) ? res.bodyDigest : undefined);
    const mediaType = header(res, 'content-type')?.split(';')[0]?.trim();
    const length = Number(header(res, 'content-length'));
    const retryAfter = parseRetryAfter(header(res, 'retry-after'), this.now());
    const codes = res.body && !isSuccess(res.status) ? parseErrorCodes(res.body.toString('utf8')) : [];
    const challenge =
      res.status === 401
        ? preferredChallenge(parseWwwAuthenticate(res.headers['www-authenticate']))
        : undefined;
    const answer: ManifestAnswer = {
      kind: 'http',
      status: res.status,
      method,
      auth,
      ...(digest !== undefined ? { digest } : {}),
      ...(mediaType ? { mediaType } : {}),
      ...(Number.isFinite(length) && header(res, 'content-length') !== undefined
        ? { contentLength: length }
        : {}),
      ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
      ...(challenge ? { challenge } : {}),
      ...(codes.length > 0 ? { errorCodes: codes } : {}),
    };
    return {
      answer,
      evidence: evidence(res, {
        ...(isSuccess(res.status) && digest !== undefined ? { digest } : {}),
        ...(isSuccess(res.status) && mediaType ? { mediaType } : {}),
      }),
    };
  }

  /** The Authorization header for a challenge, or the answer when auth itself failed. */
  protected async authorize(
    challenge: AuthChallenge,
    probe: ManifestProbe,
    credential: RegistryCredential | undefined,
  ): Promise<{ auth: AuthStep; authorization?: string } | { answer: ManifestAnswer }> {
    if (challenge.scheme === 'basic') {
      if (credential?.kind !== 'basic') return { auth: 'none' };
      const value = Buffer.from(`${credential.username}:${credential.password}`).toString('base64');
      this.options.registerSecret?.(value);
      return { auth: 'basic', authorization: `Basic ${value}` };
    }
    if (challenge.scheme !== 'bearer') return { auth: 'none' };
    const token = await this.token(challenge, probe, credential);
    if ('refused' in token) {
      return {
        answer: { kind: 'token-refused', status: token.refused, withCredentials: token.withCredentials },
      };
    }
    return {
      auth: credential ? 'credentials-token' : 'anonymous-token',
      authorization: `Bearer ${token.token}`,
    };
  }

  /** A pull token for the probe's repository, fetched once per (realm, service, scope, who). */
  private token(
    challenge: Extract<AuthChallenge, { scheme: 'bearer' }>,
    probe: ManifestProbe,
    credential: RegistryCredential | undefined,
  ): Promise<CachedToken | { refused: number; withCredentials: boolean }> {
    const scope = pullScope(probe.repository);
    const key = `${challenge.realm} ${challenge.service ?? ''} ${scope} ${credential ? 'creds' : 'anon'}`;
    const cached = this.tokens.get(key);
    if (cached) {
      return cached.then((t) =>
        'expiresAt' in t && t.expiresAt <= this.now().getTime()
          ? this.fetchTokenFresh(key, challenge, scope, probe, credential)
          : t,
      );
    }
    return this.fetchTokenFresh(key, challenge, scope, probe, credential);
  }

  private fetchTokenFresh(
    key: string,
    challenge: Extract<AuthChallenge, { scheme: 'bearer' }>,
    scope: string,
    probe: ManifestProbe,
    credential: RegistryCredential | undefined,
  ): Promise<CachedToken | { refused: number; withCredentials: boolean }> {
    const promise = this.fetchToken(challenge, scope, probe.endpoint, credential);
    this.tokens.set(key, promise);
    return promise;
  }

  private async fetchToken(
    challenge: Extract<AuthChallenge, { scheme: 'bearer' }>,
    scope: string,
    endpoint: RegistryEndpoint,
    credential: RegistryCredential | undefined,
  ): Promise<CachedToken | { refused: number; withCredentials: boolean }> {
    const url = tokenUrl(challenge, [scope]);
    const withCredentials = credential !== undefined;
    if (isPublicRegistryHost(url.hostname)) return { refused: 0, withCredentials };
    let authorization: string | undefined;
    if (credential?.kind === 'basic') {
      authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
      this.options.registerSecret?.(authorization.slice(6));
    } else if (credential?.kind === 'identity-token') {
      // containerd exchanges an identity token as an OAuth2 refresh token; a GET with it as a
      // bearer is what registries that accept it (Harbor robot tokens) take for pull scope.
      authorization = `Bearer ${credential.token}`;
    }
    try {
      const res = await this.limited(() =>
        this.send('token', { url, method: 'GET', endpoint, authorization, accept: 'application/json' }),
      );
      const parsed = isSuccess(res.status) ? parseTokenResponse(res.body?.toString('utf8') ?? '') : undefined;
      if (!parsed) return { refused: res.status, withCredentials };
      this.options.registerSecret?.(parsed.token);
      return { token: parsed.token, expiresAt: this.now().getTime() + parsed.expiresIn * 1000 };
    } catch {
      return { refused: 0, withCredentials };
    }
  }

  protected send(
    kind: 'manifest' | 'token',
    req: {
      url: URL;
      method: 'HEAD' | 'GET';
      endpoint: RegistryEndpoint;
      authorization?: string | undefined;
      accept: string;
      maxBodyBytes?: number;
    },
  ): Promise<ExchangeResponse> {
    if (kind === 'manifest') this.manifestRequests++;
    else this.tokenRequests++;
    const headers: Record<string, string> = {
      Accept: req.accept,
      'User-Agent': this.options.userAgent ?? 'airgap-top (containerd-compatible registry check)',
      ...(req.authorization ? { Authorization: req.authorization } : {}),
    };
    const shown = `${req.url.origin}${req.url.pathname}${req.url.search}`;
    const request = {
      url: req.url,
      method: req.method,
      headers,
      endpoint: req.endpoint,
      timeoutMs: this.options.timeoutMs ?? DEFAULTS.timeoutMs,
      ...(this.options.lookup ? { lookup: this.options.lookup } : {}),
      ...(this.options.readCaFile ? { readCaFile: this.options.readCaFile } : {}),
      ...dialTarget(req.url, this.options.connectTo),
      ...(req.maxBodyBytes !== undefined ? { maxBodyBytes: req.maxBodyBytes } : {}),
    };
    const pooled = this.pool
      ? { pool: this.pool, key: `${req.url.origin} ${endpointKey(req.endpoint)}` }
      : undefined;
    const started = performance.now();
    const took = () => Math.round(performance.now() - started);
    return exchange(request, pooled).then(
      (res) => {
        const durationMs = took();
        this.options.log?.debug(`registry ${kind} ${req.method} ${shown}: ${res.status} in ${durationMs} ms`);
        this.options.onRequest?.({ kind, method: req.method, url: shown, status: res.status, durationMs });
        return res;
      },
      (err: unknown) => {
        const durationMs = took();
        this.options.log?.debug(
          `registry ${kind} ${req.method} ${shown}: failed after ${durationMs} ms: ${errorMessage(err)}`,
        );
        this.options.onRequest?.({ kind, method: req.method, url: shown, durationMs });
        throw err;
      },
    );
  }

  protected credentialFor(endpoint: RegistryEndpoint): RegistryCredential | undefined {
    const store = this.options.credentials;
    if (!store) return undefined;
    return (
      store.get(credentialHostKey(hostPort(endpoint))) ??
      (endpoint.ns ? store.get(credentialHostKey(endpoint.ns)) : undefined)
    );
  }

  private endpointState(endpoint: RegistryEndpoint): EndpointState {
    const key = `${endpoint.scheme}://${hostPort(endpoint)}`;
    let state = this.endpoints.get(key);
    if (!state) {
      state = { pausedUntil: 0 };
      this.endpoints.set(key, state);
    }
    return state;
  }

  private async waitForPause(state: EndpointState): Promise<void> {
    const wait = state.pausedUntil - this.now().getTime();
    if (wait > 0) await (this.options.sleep ?? defaultSleep)(wait);
  }

  /** Bounded concurrency: at most `concurrency` exchanges in flight. */
  protected async limited<T>(run: () => Promise<T>): Promise<T> {
    const max = this.options.concurrency ?? DEFAULTS.concurrency;
    // A finishing exchange hands its slot straight to the next waiter, so none can overtake.
    if (this.active >= max) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try {
      return await run();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

function transportAnswer(err: unknown): ManifestAnswer {
  if (err instanceof TlsError) {
    return { kind: 'tls', failure: err.failure, message: err.message, ...(err.tls ? { tls: err.tls } : {}) };
  }
  if (err instanceof NetworkError) return { kind: 'network', failure: err.failure, message: err.message };
  return { kind: 'network', failure: 'other', message: errorMessage(err) };
}

function header(res: ExchangeResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The connect_to target of a URL: by `host:port` first, then by `host` alone. */
export function dialTarget(
  url: URL,
  connectTo: Readonly<Record<string, string>> | undefined,
): { dialTo?: { host: string; port: number } } {
  if (!connectTo) return {};
  const host = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const target = connectTo[`${host}:${port}`] ?? connectTo[host];
  if (!target) return {};
  const at = target.lastIndexOf(':');
  return { dialTo: { host: target.slice(0, at), port: Number(target.slice(at + 1)) } };
}
