import { KubeApiError } from './errors.js';

/** The most a server's Retry-After may make us wait: a broken header must not park a probe for hours. */
export const MAX_RETRY_AFTER_MS = 60_000;

export interface BackoffOptions {
  /** The first wait (default 500 ms); each failure doubles it. */
  readonly initialMs?: number;
  /** The longest wait (default 30 s). */
  readonly maxMs?: number;
  /** Injected so tests can pin the jitter. */
  readonly random?: () => number;
}

/**
 * Exponential backoff with "equal jitter": the n-th wait lies between half and all of
 * initial·2ⁿ (capped), so many clients cut at the same moment do not come back in step.
 */
export class Backoff {
  private failures = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 500;
    this.maxMs = options.maxMs ?? 30_000;
    this.random = options.random ?? Math.random;
  }

  /** The wait before the next attempt; counts one more failure. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.failures, 30));
    this.failures += 1;
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  /** After a success that lasted: the next wait is the shortest again. */
  reset(): void {
    this.failures = 0;
  }

  get attempts(): number {
    return this.failures;
  }
}

/** The wait before retrying after `err`: the backoff's, or the server's Retry-After when longer (bounded). */
export function retryDelayMs(err: unknown, backoff: Backoff): number {
  const wait = backoff.next();
  const retryAfter = err instanceof KubeApiError ? err.retryAfterSeconds : undefined;
  if (retryAfter === undefined || !(retryAfter >= 0)) return wait;
  return Math.max(wait, Math.min(retryAfter * 1000, MAX_RETRY_AFTER_MS));
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * Worth another try: the server is busy or restarting (429, 5xx), or the connection broke
 * (reset, refused, timed out). A 401/403/404 or a TLS failure will not change by waiting.
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof KubeApiError) return err.statusCode === 429 || err.statusCode >= 500;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}

export function isAbort(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'AbortError';
}

/** Waits `ms`, or rejects with an AbortError as soon as `signal` aborts (the timer never keeps the process up). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortError(): Error {
  const err = new Error('aborted');
  err.name = 'AbortError';
  return err;
}

export interface RetryOptions {
  /** Tries in all, the first included. */
  readonly attempts: number;
  readonly signal?: AbortSignal;
  readonly backoff?: Backoff;
  /** Which failures to try again (default: isTransient). */
  readonly retryable?: (err: unknown) => boolean;
  /** Told before each wait (for the log and the screen). */
  readonly onRetry?: (err: unknown, waitMs: number, attempt: number) => void;
}

/** Runs `action` until it succeeds, fails for good (not transient), or the attempts are spent. */
export async function withRetries<T>(action: () => Promise<T>, options: RetryOptions): Promise<T> {
  const backoff = options.backoff ?? new Backoff();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await action();
    } catch (err) {
      const retryable = options.retryable ?? isTransient;
      if (isAbort(err) || options.signal?.aborted || !retryable(err) || attempt >= options.attempts)
        throw err;
      const wait = retryDelayMs(err, backoff);
      options.onRetry?.(err, wait, attempt);
      await sleep(wait, options.signal);
    }
  }
}
