/** The clock and timers IdleWork runs on (tests pass fake ones). */
export interface IdleClock {
  now(): number;
  /** Runs `run` after `ms`. */
  set(run: () => void, ms: number): unknown;
  /** Runs `run` once the input that has arrived meanwhile (keys, watch events) has been handled. */
  defer(run: () => void): unknown;
  clear(handle: unknown): void;
}

/**
 * Node's clock and timers. The quiet-time timer is unref'd: work nobody waits for never keeps the
 * process alive. Deferred work goes through setImmediate, after the event loop's poll for I/O: a
 * timer that fires late (the loop was busy with a frame) does not start work before the events that
 * came in meanwhile touch it. That immediate stays ref'd: Node does not count unref'd immediates when
 * it decides how long to sleep in its poll, so each step would wait for the next wake-up (the
 * screen's clock tick, a key), one step a second on an idle screen. A run's steps are few, and
 * stop() clears the pending one, so this keeps no finished or stopped run alive.
 */
const NODE_CLOCK: IdleClock = {
  now: () => performance.now(),
  set: (run, ms) => ({ timeout: setTimeout(run, ms).unref() }),
  defer: (run) => ({ immediate: setImmediate(run) }),
  clear: (handle) => {
    const h = handle as { timeout?: NodeJS.Timeout; immediate?: NodeJS.Immediate };
    if (h.timeout) clearTimeout(h.timeout);
    if (h.immediate) clearImmediate(h.immediate);
  },
};

/** At most this share of the time goes to idle work (a run of 100 ms: the next one 400 ms later at the earliest). */
export const IDLE_SHARE = 0.2;

/**
 * Work done only once nothing has happened for `quietMs`: each touch (a key, a data change) puts it
 * off again and stops a run between two of its steps, so under a stream of events it never starts
 * and costs nothing under churn. A run is a fresh iterator from `work` (undefined: not ready, try
 * again after another quiet time, or at a poke), one step per turn of the event loop, so a key that
 * arrives during a run waits for one step at most. Runs take at most `share` of the
 * time: after one that took `cost` ms, the next starts `cost × (1/share − 1)` ms after it ended at
 * the earliest (data that change every second or so do not rebuild every screen every second).
 */
export class IdleWork {
  private timer: unknown;
  /** Bumped by every touch and stop: a run deferred by an older generation does not start. */
  private generation = 0;
  /** When the next run may start at the earliest (the share of time). */
  private earliest = Number.NEGATIVE_INFINITY;
  /** A run found the work not ready and nothing touched since: a poke may start it as soon as it is. */
  private waiting = false;

  constructor(
    private readonly quietMs: number,
    private readonly work: () => Iterator<unknown> | undefined,
    private readonly clock: IdleClock = NODE_CLOCK,
    private readonly share = IDLE_SHARE,
  ) {}

  touch(): void {
    this.waiting = false;
    this.arm();
  }

  /**
   * The work may have become ready (the App showed the data it waits for): when a run found it not
   * ready and nothing touched it since (so it is still quiet), the run starts at once instead of
   * after another quiet time.
   */
  poke(): void {
    if (!this.waiting || this.clock.now() < this.earliest) return;
    this.waiting = false;
    this.cancel();
    const generation = this.generation;
    this.timer = this.clock.defer(() => this.run(generation));
  }

  private arm(): void {
    this.cancel();
    const generation = this.generation;
    const delay = Math.max(this.quietMs, this.earliest - this.clock.now());
    this.timer = this.clock.set(() => {
      this.timer = this.clock.defer(() => this.run(generation));
    }, delay);
  }

  stop(): void {
    this.waiting = false;
    this.cancel();
  }

  private cancel(): void {
    this.generation += 1;
    if (this.timer !== undefined) this.clock.clear(this.timer);
    this.timer = undefined;
  }

  private run(generation: number): void {
    this.timer = undefined;
    if (generation !== this.generation) return;
    const steps = this.work();
    if (steps === undefined) {
      this.arm();
      this.waiting = true;
      return;
    }
    let cost = 0;
    const step = (): void => {
      this.timer = undefined;
      const t0 = this.clock.now();
      const done = steps.next().done;
      const t1 = this.clock.now();
      cost += t1 - t0;
      this.earliest = t1 + cost * (1 / this.share - 1);
      if (!done) this.timer = this.clock.defer(step);
    };
    step();
  }
}
