import type { TripleAnswer } from './presence.js';
import type { ManifestProbe } from './types.js';
import { probeKey } from './types.js';

/**
 * Live mode's memory of registry answers, per (endpoint, repository, reference): a triple answered
 * "present" or "absent" is asked again after the recheck interval; one that could not be answered
 * (unreachable, rate limited, 5xx, TLS, auth) sooner, with exponential backoff so a registry that is
 * down is not hammered. A new image is a triple the cache has never seen: due at once. Pure state
 * owned by one session (an instance, never module state); time is passed in.
 */
export interface PresenceCacheOptions {
  readonly recheckMinutes: number;
  /** First retry after a failure (default 30 s), doubling up to the recheck interval. */
  readonly failureBaseSeconds?: number;
  /** Triples remembered at most (oldest checks dropped first). Default 100,000. */
  readonly maxEntries?: number;
}

interface Entry {
  readonly answer: TripleAnswer;
  readonly checkedAt: number;
  readonly failures: number;
  readonly dueAt: number;
}

export class PresenceCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: PresenceCacheOptions) {}

  /** The probes whose triple is not answered, or whose answer is due again at `now`. */
  due(probes: readonly ManifestProbe[], now: Date): ManifestProbe[] {
    const t = now.getTime();
    const seen = new Set<string>();
    const out: ManifestProbe[] = [];
    for (const p of probes) {
      const key = probeKey(p);
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = this.entries.get(key);
      if (!entry || entry.dueAt <= t) out.push(p);
    }
    return out;
  }

  /** Records what the client answered for a triple. */
  record(probe: ManifestProbe, answer: TripleAnswer, now: Date): void {
    const key = probeKey(probe);
    const previous = this.entries.get(key);
    const t = now.getTime();
    const recheckMs = this.options.recheckMinutes * 60_000;
    const failed = !isDefinitive(answer);
    const failures = failed ? (previous && !isDefinitive(previous.answer) ? previous.failures + 1 : 1) : 0;
    const baseMs = (this.options.failureBaseSeconds ?? 30) * 1000;
    const wait = failed ? Math.min(recheckMs, baseMs * 2 ** (failures - 1)) : recheckMs;
    this.entries.delete(key); // re-inserted last: Map order is then oldest check first
    this.entries.set(key, { answer, checkedAt: t, failures, dueAt: t + wait });
    const max = this.options.maxEntries ?? 100_000;
    while (this.entries.size > max) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** The remembered answer of a triple, fresh or not (a stale answer still beats none). */
  answer(probe: Pick<ManifestProbe, 'endpoint' | 'repository' | 'reference'>): TripleAnswer | undefined {
    return this.entries.get(probeKey(probe))?.answer;
  }

  /** When a triple is due next (ms since epoch), for scheduling the next sweep. */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const e of this.entries.values()) if (next === undefined || e.dueAt < next) next = e.dueAt;
    return next;
  }

  /** Consecutive failures recorded for a triple (0 after a definitive answer). */
  failures(probe: ManifestProbe): number {
    return this.entries.get(probeKey(probe))?.failures ?? 0;
  }

  /** Forgets everything (the `r` key: re-check now). */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A 2xx, a 404 or 401-after-an-anonymous-token: the registry said what it holds. Anything else is retried with backoff. */
function isDefinitive(answer: TripleAnswer): boolean {
  if (answer.answer.kind !== 'http') return false;
  const s = answer.answer.status;
  return (s >= 200 && s < 300) || s === 404 || (s === 401 && answer.answer.auth === 'anonymous-token');
}
