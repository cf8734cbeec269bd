import { describe, expect, test } from 'vitest';
import { type IdleClock, IdleWork } from '../../../src/ui/state/idle-work.js';

/**
 * A logical event loop: input (keys, watch events) is handled once its time has come and before
 * any deferred work, as Node polls for I/O before setImmediate; timers fire in time order; a step
 * "costs" time by moving the clock on. No real time passes.
 */
class FakeClock implements IdleClock {
  t = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; run: () => void }>();
  private readonly deferred = new Map<number, () => void>();
  private readonly inputs: { at: number; run: () => void }[] = [];

  now(): number {
    return this.t;
  }
  set(run: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, run });
    return id;
  }
  defer(run: () => void): unknown {
    const id = ++this.seq;
    this.deferred.set(id, run);
    return id;
  }
  clear(handle: unknown): void {
    this.timers.delete(handle as number);
    this.deferred.delete(handle as number);
  }
  /** Input arriving at `at` (handled at the first turn of the loop from then on). */
  input(at: number, run: () => void): void {
    this.inputs.push({ at, run });
    this.inputs.sort((a, b) => a.at - b.at);
  }
  /** Runs the loop until `to`: due timers first, then due input, then deferred work (Node's phases). */
  runUntil(to: number): void {
    for (;;) {
      let timer: [number, { at: number; run: () => void }] | undefined;
      for (const entry of this.timers) if (!timer || entry[1].at < timer[1].at) timer = entry;
      if (timer && timer[1].at <= this.t) {
        this.timers.delete(timer[0]);
        timer[1].run();
        continue;
      }
      const input = this.inputs[0];
      if (input && input.at <= this.t) {
        this.inputs.shift();
        input.run();
        continue;
      }
      const deferred = this.deferred.entries().next();
      if (!deferred.done) {
        const [id, run] = deferred.value;
        this.deferred.delete(id);
        run();
        continue;
      }
      const at = Math.min(timer?.[1].at ?? Number.POSITIVE_INFINITY, input?.at ?? Number.POSITIVE_INFINITY);
      if (at > to) break;
      this.t = at;
    }
    this.t = Math.max(this.t, to);
  }
}

/** Work of named steps, each taking `cost` ms of the clock; records when each step ran. */
function stepsOf(clock: FakeClock, names: readonly string[], cost: number, ran: string[]) {
  return function* work(): Generator<string> {
    for (const name of names) {
      ran.push(`${name}@${clock.t}`);
      clock.t += cost;
      yield name;
    }
  };
}

describe('IdleWork', () => {
  test.each([
    {
      what: 'one touch: the steps run one after another once it has been quiet for 100 ms',
      touches: [0],
      until: 1000,
      ran: ['a@100', 'b@110', 'c@120'],
    },
    {
      what: 'a stream of touches (churn: every 50 ms for a second) puts it off until the stream ends',
      touches: Array.from({ length: 21 }, (_, i) => i * 50),
      until: 2000,
      ran: ['a@1100', 'b@1110', 'c@1120'],
    },
    {
      what: 'a stream that never ends: nothing ever runs',
      touches: Array.from({ length: 200 }, (_, i) => i * 50),
      until: 9990,
      ran: [],
    },
    {
      what: 'a touch during a run (a key after the first step) stops it; the next run starts over',
      touches: [0, 105],
      until: 1000,
      // The touch at 105 is handled once step a ends (110); quiet again at 210 (run 1 took 10 ms:
      // the share of time would allow a run from 150 on).
      ran: ['a@100', 'a@210', 'b@220', 'c@230'],
    },
  ])('$what', ({ touches, until, ran: expected }) => {
    const clock = new FakeClock();
    const ran: string[] = [];
    const idle = new IdleWork(100, stepsOf(clock, ['a', 'b', 'c'], 10, ran), clock);
    for (const at of touches) clock.input(at, () => idle.touch());
    clock.runUntil(until);
    expect(ran).toEqual(expected);
  });

  test('a timer that fires late (the loop was busy with a frame) waits for the events that came meanwhile', () => {
    const clock = new FakeClock();
    const ran: string[] = [];
    const idle = new IdleWork(100, stepsOf(clock, ['a', 'b', 'c'], 10, ran), clock);
    clock.input(0, () => idle.touch());
    // A 300 ms data frame from 60 on; a watch event arrives at 120, while it runs.
    clock.input(60, () => {
      clock.t += 300;
    });
    clock.input(120, () => idle.touch());
    clock.runUntil(2000);
    expect(ran).toEqual(['a@460', 'b@470', 'c@480']);
  });

  test('runs take at most a fifth of the time: after 100 ms of work, 400 ms pass before the next', () => {
    const clock = new FakeClock();
    const ran: string[] = [];
    const idle = new IdleWork(100, stepsOf(clock, ['a', 'b'], 50, ran), clock);
    idle.touch();
    clock.runUntil(250); // run 1: a@100, b@150, ends at 200
    idle.touch(); // quiet would allow 350; the share of time says 200 + 400 = 600
    clock.runUntil(2000);
    expect(ran).toEqual(['a@100', 'b@150', 'a@600', 'b@650']);
  });

  test('work that is not ready (undefined) is tried again after another quiet time', () => {
    const clock = new FakeClock();
    const ran: string[] = [];
    const steps = stepsOf(clock, ['a'], 10, ran);
    let ready = false;
    const idle = new IdleWork(100, () => (ready ? steps() : undefined), clock);
    idle.touch();
    clock.runUntil(150);
    expect(ran).toEqual([]);
    ready = true;
    clock.runUntil(1000);
    expect(ran).toEqual(['a@200']);
  });

  test.each([
    {
      what: 'a poke once it is ready starts the waiting run at once',
      touches: [0],
      pokeAt: 130,
      ran: ['a@130'],
    },
    {
      what: 'a touch after the waiting run puts a poke off: quiet first',
      touches: [0, 120],
      pokeAt: 130,
      ran: ['a@220'],
    },
    { what: 'a poke with no run waiting does nothing', touches: [0], pokeAt: 50, ran: ['a@100'], readyAt: 0 },
  ])('$what', ({ touches, pokeAt, ran: expected, readyAt = 125 }) => {
    const clock = new FakeClock();
    const ran: string[] = [];
    const steps = stepsOf(clock, ['a'], 10, ran);
    const idle = new IdleWork(100, () => (clock.now() >= readyAt ? steps() : undefined), clock);
    for (const at of touches) clock.input(at, () => idle.touch());
    clock.input(pokeAt, () => idle.poke());
    clock.runUntil(1000);
    expect(ran).toEqual(expected);
  });

  test('stop: nothing runs afterwards, neither a pending run nor the rest of one', () => {
    const clock = new FakeClock();
    const ran: string[] = [];
    const idle = new IdleWork(100, stepsOf(clock, ['a', 'b', 'c'], 10, ran), clock);
    idle.touch();
    clock.runUntil(50);
    idle.stop();
    clock.runUntil(1000);
    expect(ran).toEqual([]);
  });
});

describe("IdleWork on Node's own clock", () => {
  test('a run goes on step after step while nothing else wakes the event loop', async () => {
    // The loop is kept alive by one far timer only, as an idle TUI's is by its clock tick: were the
    // steps' immediates unref'd, Node would not count them and would sleep in its poll until that
    // timer (or the next key, or the next tick) before each step, one step a second.
    const far = setTimeout(() => {}, 60_000);
    try {
      const stepsAt: number[] = [];
      const finished = new Promise<void>((resolve) => {
        const idle = new IdleWork(0, () =>
          (function* () {
            for (let i = 0; i < 20; i++) {
              stepsAt.push(performance.now());
              yield i;
            }
            resolve();
          })(),
        );
        idle.touch();
      });
      const started = performance.now();
      await finished;
      expect(stepsAt).toHaveLength(20);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      clearTimeout(far);
    }
  });
});
