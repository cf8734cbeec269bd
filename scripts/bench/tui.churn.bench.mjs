#!/usr/bin/env node
/**
 * The TUI under churn (issue 15): 10,000 pods and 200 pod events a second (modify, delete, add
 * back) on the simulator while the TUI shows the images screen's 10,000-row findings table. It
 * measures key → frame while the events flow, the frame rate while nobody types (the App's store
 * throttle caps it), and whether memory grows: RSS and heapUsed (after a forced gc) once the churn
 * has settled (after the first minute) and at the end, and at every other window. The simulator
 * runs in the same process, so its memory and CPU count too.
 *
 * Named to sort after tui.bench.mjs (scripts/bench.mjs runs modules by name on one simulator): the
 * churn fills the simulator's history and edits pods, which the plain TUI figures must not see.
 * 5 minutes by default; --quick (ctx.quick) runs 36 s and says it is shortened.
 * Runs inside scripts/bench.mjs or standalone: node scripts/bench/tui.churn.bench.mjs [--quick]
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { goal, ms, openTui, sleep, stats } from './tui.bench.mjs';

const EVENTS_PER_SECOND = 200;
const TICK_MS = 50;
/** Alternating windows: keys pressed (key → frame), then nobody typing (frames per second). */
const WINDOW_MS = 6000;
/** Churn time after which the heap has settled (the 5-minute run shows it flat from about 50 s). */
const SETTLE_MS = 60_000;
const GOALS = {
  keyToFrameMedianMs: 50,
  framesPerSecond: 4, // the App's 250 ms store throttle
  heapGrowthPercent: 10, // heapUsed after gc, end vs once settled
};

/** A gc() when the process was not started with --expose-gc (undefined if V8 refuses). */
function forcedGc() {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc');
    return typeof gc === 'function' ? gc : undefined;
  } catch {
    return undefined;
  }
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function memory(gc) {
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed };
}

/** The simulator's default watch history (events kept so a watch can resume): it fills up once. */
const SIM_HISTORY_EVENTS = 10_000;

/**
 * Modifies pods until the simulator's bounded event history is full, in batches so the watches
 * keep up: memory the history takes while it fills is the simulator's, bounded, and not a leak.
 */
async function fillHistory(sim, pods) {
  for (let n = 0; n < SIM_HISTORY_EVENTS; n++) {
    const pod = pods[n % pods.length];
    sim.apply({
      ...pod,
      metadata: {
        ...pod.metadata,
        resourceVersion: undefined,
        labels: { ...pod.metadata.labels, fill: String(n) },
      },
    });
    if (n % 500 === 499) await sleep(100);
  }
}

/**
 * 200 events a second over the cluster's pods: 3 of 5 modify a pod (a label and a restart count),
 * 1 of 5 deletes one, 1 of 5 adds a deleted one back, so the pod count stays near 10,000.
 */
function startChurn(sim, pods) {
  const deleted = [];
  let n = 0;
  const started = performance.now();
  const timer = setInterval(() => {
    // Catch up on the events owed since the start: a busy event loop delays ticks, not the rate.
    const owed = Math.floor(((performance.now() - started) * EVENTS_PER_SECOND) / 1000) - n;
    for (let i = 0; i < owed; i++) {
      const kind = n % 5;
      const pod = pods[(n * 7919) % pods.length];
      n += 1;
      if (kind === 3 && pod) {
        if (sim.remove('v1', 'Pod', pod.metadata.name, pod.metadata.namespace)) deleted.push(pod);
      } else if (kind === 4 && deleted.length > 0) {
        const back = deleted.shift();
        sim.apply({ ...back, metadata: { ...back.metadata, resourceVersion: undefined } });
      } else if (pod && !deleted.includes(pod)) {
        const status = pod.status ?? {};
        const containerStatuses = (status.containerStatuses ?? []).map((c) => ({
          ...c,
          restartCount: (c.restartCount ?? 0) + 1,
        }));
        sim.apply({
          ...pod,
          metadata: {
            ...pod.metadata,
            resourceVersion: undefined,
            labels: { ...pod.metadata.labels, churn: String(n) },
          },
          status: { ...status, containerStatuses },
        });
      }
    }
  }, TICK_MS);
  return {
    events: () => n,
    stop: () => {
      clearInterval(timer);
      for (const pod of deleted.splice(0))
        sim.apply({ ...pod, metadata: { ...pod.metadata, resourceVersion: undefined } });
    },
  };
}

export default async function tuiChurnBench(ctx = {}) {
  const quick = Boolean(ctx.quick);
  const durationMs = quick ? 36_000 : 300_000;
  const gc = forcedGc();
  const tui = await openTui(ctx);
  const { sim, stdout, press } = tui;
  const lines = [];
  try {
    await sleep(600);
    // The images screen, then its findings table (the fourth tab): 10,000 rows.
    await press('1');
    for (let i = 0; i < 3; i++) await press('l');
    await sleep(500);
    const start = memory(gc);
    const pods = sim.list('v1', 'Pod');
    const fillStart = performance.now();
    await fillHistory(sim, pods);
    const fillMs = performance.now() - fillStart;
    const churn = startChurn(sim, pods);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const keyWalls = [];
    const series = [];
    let quietFrames = 0;
    let quietMs = 0;
    const fpsWindows = [];
    let window = 0;
    while (performance.now() - t0 < durationMs) {
      const windowEnd = Math.min(t0 + durationMs, performance.now() + WINDOW_MS);
      if (window % 2 === 0) {
        let i = 0;
        while (performance.now() < windowEnd - 300) {
          const wall = await press(i % 2 === 0 ? 'j' : 'k');
          if (wall !== undefined) keyWalls.push(wall);
          i += 1;
          await sleep(200);
        }
      } else {
        const before = stdout.frames;
        const w0 = performance.now();
        await sleep(Math.max(0, windowEnd - w0));
        const frames = stdout.frames - before;
        const took = performance.now() - w0;
        quietFrames += frames;
        quietMs += took;
        fpsWindows.push(frames / (took / 1000));
        // The trend, not only two points: heapUsed after gc at the end of each quiet window.
        if (window > 0) series.push({ at: performance.now() - t0, ...memory(gc) });
      }
      window += 1;
    }
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const events = churn.events();
    churn.stop();
    await sleep(1000);
    const end = memory(gc);
    const k = stats(keyWalls);
    const fps = stats(fpsWindows);
    const quietFps = quietFrames / Math.max(0.001, quietMs / 1000);
    // Caches and buffers fill during the first minute of churn (heap rises, then stays flat): the
    // reference is the first reading after it; a shortened run has none and says so.
    const settled = series.find((m) => m.at >= SETTLE_MS);
    const reference = settled ?? series[0] ?? start;
    const growth = ((end.heapUsed - reference.heapUsed) / reference.heapUsed) * 100;
    const since = settled
      ? `from ${(settled.at / 1000).toFixed(0)} s (the first minute fills caches) to the end`
      : `from ${((series[0]?.at ?? 0) / 1000).toFixed(0)} s to the end: a shortened run, still in the first minute, where caches fill`;
    lines.push(
      `${quick ? `SHORTENED run (--quick): ${(durationMs / 1000).toFixed(0)} s instead of 300 s; ` : ''}${events} pod events in ${(wall / 1000).toFixed(1)} s (${Math.round(events / (wall / 1000))}/s) on the images screen's findings table; CPU ${(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(0)}% of one core incl. the simulator`,
    );
    lines.push(
      `key → frame under churn (j/k): wall median ${ms(k.median)}, p95 ${ms(k.p95)}, max ${ms(k.max)} (${k.n} presses); ${goal(k.median, GOALS.keyToFrameMedianMs, ' ms median')}`,
    );
    lines.push(
      `frames per second under churn, nobody typing: ${quietFps.toFixed(1)} over ${(quietMs / 1000).toFixed(0)} s (windows of ${WINDOW_MS / 1000} s: median ${fps.median.toFixed(1)}, max ${fps.max.toFixed(1)}); ${goal(quietFps, GOALS.framesPerSecond, ' frames per second')}`,
    );
    lines.push(
      `heapUsed${gc ? ' after gc' : ''} at the end of each quiet window (every ${(2 * WINDOW_MS) / 1000} s): ${series.map((m) => (m.heapUsed / 1024 / 1024).toFixed(0)).join(', ')} MB`,
    );
    lines.push(
      `warm-up: ${SIM_HISTORY_EVENTS} pod modifications in ${(fillMs / 1000).toFixed(1)} s first, so the simulator's bounded watch history is full before the reference reading`,
    );
    lines.push(
      `memory: RSS ${mb(start.rss)} at start, ${mb(reference.rss)} at the reference, ${mb(end.rss)} at end; heapUsed ${gc ? 'after gc' : '(no gc available)'} ${mb(start.heapUsed)} / ${mb(reference.heapUsed)} / ${mb(end.heapUsed)} (${growth >= 0 ? '+' : ''}${growth.toFixed(1)}% ${since}); ${goal(growth, GOALS.heapGrowthPercent, '% heap growth')}`,
    );
  } finally {
    await tui.close();
  }
  return { name: 'tui under churn (10,000 pods, 200 pod events/s)', lines };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await tuiChurnBench({ quick: process.argv.includes('--quick') });
  console.log(`# ${result.name}`);
  for (const l of result.lines) console.log(l);
  process.exit(0);
}
