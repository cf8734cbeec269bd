import type { FaultController } from './handle.js';

/** What a scenario's `faults:` section (or a timeline step) may set. */
export interface FaultSpec {
  /** Clears every fault first (then the other keys apply). */
  readonly clear?: boolean;
  readonly latencyMs?: number;
  readonly cutWatchesAfter?: number;
  readonly goneOnNextWatch?: number;
  readonly failNext?: {
    readonly count: number;
    readonly status: 500 | 429 | 503;
    readonly retryAfterSeconds?: number;
  };
}

interface WatchStream {
  budget: number | undefined;
  cut(): void;
}

/**
 * Run-time fault injection. Watch streams register here; every event they send spends their budget,
 * and a spent budget closes the stream the way a load balancer or apiserver restart would.
 */
export class Faults implements FaultController {
  private cutAfter: number | undefined;
  private goneCount = 0;
  /** 410s kept for the watches of one client (by User-Agent prefix), each taken by its next watch. */
  private goneFor: string[] = [];
  private latencyMs = 0;
  private failCount = 0;
  private failStatus: 500 | 429 | 503 = 500;
  private retryAfter: number | undefined;
  private readonly streams = new Set<WatchStream>();

  /** N >= 1: every open and future stream closes after N more events (until clear). N = 0: cut open streams now. */
  cutWatchesAfter(events: number): void {
    if (events <= 0) {
      for (const s of [...this.streams]) s.cut();
      return;
    }
    this.cutAfter = events;
    for (const s of this.streams) s.budget = events;
  }

  goneOnNextWatch(count = 1, userAgentPrefix?: string): void {
    if (userAgentPrefix === undefined) this.goneCount += count;
    else for (let i = 0; i < count; i++) this.goneFor.push(userAgentPrefix);
  }

  latency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  failNext(count: number, status: 500 | 429 | 503, retryAfterSeconds?: number): void {
    this.failCount = count;
    this.failStatus = status;
    this.retryAfter = retryAfterSeconds;
  }

  clear(): void {
    this.cutAfter = undefined;
    this.goneCount = 0;
    this.goneFor = [];
    this.latencyMs = 0;
    this.failCount = 0;
    this.retryAfter = undefined;
    for (const s of this.streams) s.budget = undefined;
  }

  apply(spec: FaultSpec | undefined): void {
    if (!spec) return;
    if (spec.clear) this.clear();
    if (spec.latencyMs !== undefined) this.latency(spec.latencyMs);
    if (spec.cutWatchesAfter !== undefined) this.cutWatchesAfter(spec.cutWatchesAfter);
    if (spec.goneOnNextWatch !== undefined) this.goneOnNextWatch(spec.goneOnNextWatch);
    if (spec.failNext)
      this.failNext(spec.failNext.count, spec.failNext.status, spec.failNext.retryAfterSeconds);
  }

  get addedLatencyMs(): number {
    return this.latencyMs;
  }

  /** A failure to answer this request with, if one is pending. */
  takeFailure(): { status: number; retryAfterSeconds?: number } | undefined {
    if (this.failCount <= 0) return undefined;
    this.failCount -= 1;
    return { status: this.failStatus, retryAfterSeconds: this.retryAfter };
  }

  /** Whether this watch request (from `userAgent`) answers 410 Gone; spends the fault. */
  takeGone(userAgent = ''): boolean {
    const own = this.goneFor.findIndex((prefix) => userAgent.startsWith(prefix));
    if (own >= 0) {
      this.goneFor.splice(own, 1);
      return true;
    }
    if (this.goneCount <= 0) return false;
    this.goneCount -= 1;
    return true;
  }

  /** Registers a watch stream; returns `spend()` (true = the stream must now close) and `done()`. */
  register(cut: () => void): { spend(): boolean; done(): void } {
    const stream: WatchStream = { budget: this.cutAfter, cut };
    this.streams.add(stream);
    return {
      spend: () => {
        if (stream.budget === undefined) return false;
        stream.budget -= 1;
        return stream.budget <= 0;
      },
      done: () => {
        this.streams.delete(stream);
      },
    };
  }
}
