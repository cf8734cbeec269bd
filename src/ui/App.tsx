import { Box, useApp, useInput, useStdout } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { createViews } from '../app/probe-registry.js';
import type { PendingSecret, SecretPrompts } from '../app/secret-prompts.js';
import { errorMessage } from '../core/errors.js';
import type { ProbeResult } from '../model/evaluate.js';
import { isStale, liveWords } from '../model/live.js';
import { PROBE_IDS, type ProbeId, probeCommand, probeTitle } from '../model/probe.js';
import type { Store, StoreSnapshot } from '../model/store.js';
import type { ProbeViews } from '../views/types.js';
import { DetailScreen } from './components/DetailScreen.js';
import { ExportChooser } from './components/ExportChooser.js';
import { FindingsScreen } from './components/FindingsScreen.js';
import { Header } from './components/Header.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { HintBar } from './components/HintBar.js';
import { NavBar } from './components/NavBar.js';
import { Overview } from './components/Overview.js';
import { ProbeScreen } from './components/ProbeScreen.js';
import { SecretPrompt } from './components/SecretPrompt.js';
import { StatusLine } from './components/StatusLine.js';
import { breadcrumb, derive, type Screen } from './derive.js';
import { exportFormats, exportReport, reportFileName } from './export.js';
import { type ProbeTables, probeTables, ScreenMemo } from './screen-model.js';
import type { TuiSource } from './source.js';
import { completions } from './state/commands.js';
import { IdleWork } from './state/idle-work.js';
import { actionsForKey, splitKeys, viewKind } from './state/input.js';
import { modeHint, SECRET_HINT } from './state/keys.js';
import { type Action, INITIAL_STATE, reduce, type UiState } from './state/navigation.js';
import { compileFilter } from './state/table.js';
import { nextFlushDelay } from './state/throttle.js';
import { colourFromEnv, ThemeContext } from './theme.js';
import { warmProbeScreens } from './warm-up.js';

export interface AppProps {
  readonly source: TuiSource;
  /** Fixed size (tests); by default the terminal's, following resizes. */
  readonly width?: number;
  readonly height?: number;
  /** Where ctrl-s writes (default: the current directory). */
  readonly exportDir?: string;
  /** At most one store-driven frame per this many ms (default 250: 4 frames a second). */
  readonly throttleMs?: number;
  readonly colour?: boolean;
  /** ASCII symbols only (a non-UTF-8 locale): box borders are drawn with + - | too. */
  readonly ascii?: boolean;
  readonly now?: () => Date;
  /** Called once when the person quits (q, :q, ctrl-c). */
  readonly onQuit?: () => void;
  readonly initialState?: UiState;
  /** `esc` on the overview ends this screen (a fleet's cluster: back to the fleet overview). */
  readonly escapeLeaves?: boolean;
  /**
   * Re-evaluate at least this often even when no watch event arrives (default 30 s), so verdicts
   * that depend on time (grace periods, "pending for 16m") move on. 0 turns it off.
   */
  readonly refreshMs?: number;
  /** The probes' table builders (default: the source's, else a set of this App's own); tests pass their own. */
  readonly views?: ProbeViews;
  /**
   * After this many ms with no key and no data change, the screens' tables are built ahead
   * (warmProbeScreens), so a first switch finds them built (default 100). 0 turns it off.
   */
  readonly warmUpAfterMs?: number;
}

/**
 * Default quiet time before the screens are built ahead: shorter than the store throttle (a data
 * frame follows a change within it), longer than the gaps of a stream of watch events.
 */
const WARM_UP_AFTER_MS = 100;

/**
 * Building ahead takes at most this share of the time: a cluster whose pods change every few
 * hundred milliseconds would otherwise keep a fifth of a core rebuilding screens nobody has opened
 * (after a 200 ms rebuild of a 10,000-pod images screen, the next waits ~4 s).
 */
const WARM_UP_SHARE = 0.05;

/**
 * Builds the screens' tables ahead once nothing has happened for `quietMs` (IdleWork): a key or a
 * store change puts it off, so under a stream of events it never runs; and only over data the App
 * has shown (`shown`, the store snapshot last committed), else it waits for that frame (and starts
 * once it is committed, if still quiet). Returns
 * the touch for keys.
 */
function useWarmUp(
  store: Store,
  quietMs: number,
  work: () => Iterator<unknown>,
  shown: StoreSnapshot,
): () => void {
  const latest = useRef({ work, shown });
  const [idle] = useState(
    () =>
      new IdleWork(
        quietMs,
        () => (store.snapshot === latest.current.shown ? latest.current.work() : undefined),
        undefined,
        WARM_UP_SHARE,
      ),
  );
  const on = quietMs > 0;
  useEffect(() => {
    latest.current = { work, shown };
  });
  // A data frame committed: if a run waits for it, it starts now rather than after another quiet time.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `shown` is the trigger
  useEffect(() => {
    if (on) idle.poke();
  }, [shown, idle, on]);
  useEffect(() => {
    if (!on) return;
    const unsubscribe = store.subscribe(() => idle.touch());
    idle.touch();
    return () => {
      unsubscribe();
      idle.stop();
    };
  }, [store, idle, on]);
  return useCallback(() => {
    if (on) idle.touch();
  }, [idle, on]);
}

/**
 * Re-reads the store at most every `ms`, however many watch events arrive in between; and when a
 * store-driven frame was slow to build, waits longer before the next one (nextFlushDelay), so a
 * key pressed under a stream of events is not queued behind back-to-back data frames.
 */
export function useThrottledSnapshot(store: Store, ms: number): StoreSnapshot {
  const [snapshot, setSnapshot] = useState(store.snapshot);
  // When the last flush asked for a frame, and how long that frame took to build and commit.
  const cost = useRef({ shown: snapshot, flushedAt: 0, pending: false, took: 0 });
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per new snapshot committed
  useEffect(() => {
    const c = cost.current;
    if (!c.pending) return;
    c.pending = false;
    c.took = performance.now() - c.flushedAt;
  }, [snapshot]);
  useEffect(() => {
    let timer: NodeJS.Timeout | undefined;
    let last = 0;
    const flush = (): void => {
      timer = undefined;
      last = Date.now();
      const next = store.snapshot;
      const c = cost.current;
      // Only a new snapshot makes a frame (and runs the effect that ends the measurement).
      if (next !== c.shown) {
        c.shown = next;
        c.flushedAt = performance.now();
        c.pending = true;
      }
      setSnapshot(next);
    };
    const unsubscribe = store.subscribe(() => {
      if (timer) return;
      timer = setTimeout(flush, nextFlushDelay(Date.now(), last, ms, cost.current.took));
    });
    flush();
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [store, ms]);
  return snapshot;
}

function useRefreshTick(ms: number): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (ms <= 0) return;
    const timer = setInterval(() => setTick((t) => t + 1), ms);
    timer.unref();
    return () => clearInterval(timer);
  }, [ms]);
  return tick;
}

function useTerminalSize(width?: number, height?: number): { width: number; height: number } {
  const { stdout } = useStdout();
  const read = useCallback(() => ({ columns: stdout.columns || 100, rows: stdout.rows || 30 }), [stdout]);
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = (): void => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, read]);
  return { width: width ?? size.columns, height: height ?? size.rows };
}

const NO_PROMPTS = { subscribe: () => () => undefined, current: undefined };

/** The secret request on screen, if a probe is waiting for one. */
function usePendingSecret(prompts: SecretPrompts | undefined): PendingSecret | undefined {
  const queue = prompts ?? NO_PROMPTS;
  return useSyncExternalStore(
    useCallback((listener: () => void) => queue.subscribe(listener), [queue]),
    () => queue.current,
  );
}

interface TablesCacheEntry {
  readonly state: unknown;
  readonly findings: unknown;
  readonly tables: ProbeTables;
}

export function App(props: AppProps) {
  const { source } = props;
  const app = useApp();
  const now = props.now ?? systemClock;
  const { width, height } = useTerminalSize(props.width, props.height);
  const snapshot = useThrottledSnapshot(source.store, props.throttleMs ?? 250);
  // The state lives in a ref updated synchronously by each key: keys that arrive in one chunk
  // (a paste, tmux send-keys, a fast typist) each act on the state the previous one left.
  const stateRef = useRef<UiState>(
    props.initialState ?? (props.escapeLeaves ? { ...INITIAL_STATE, escapeLeaves: true } : INITIAL_STATE),
  );
  const [state, setState] = useState<UiState>(stateRef.current);
  const act = useCallback((action: Action): void => {
    stateRef.current = reduce(stateRef.current, action);
    setState(stateRef.current);
  }, []);
  const tick = useRefreshTick(props.refreshMs ?? 30_000);
  // biome-ignore lint/correctness/useExhaustiveDependencies: snapshot and tick are the triggers (evaluation is memoised)
  const results = useMemo(() => source.results(now()), [source, snapshot, now, tick]);
  // This TUI's own memo and (when the source brings none) views: nothing is kept at module level.
  const [memo] = useState(() => new ScreenMemo());
  const [ownViews] = useState(createViews);
  const views = props.views ?? source.views ?? ownViews;
  const tablesCache = useRef(new Map<ProbeId, TablesCacheEntry>());
  const tablesFor = useCallback(
    (probe: ProbeId): ProbeTables => {
      const result = results.find((r) => r.id === probe);
      const cached = tablesCache.current.get(probe);
      if (cached && cached.state === snapshot[probe] && cached.findings === result?.findings)
        return cached.tables;
      const tables = probeTables(probe, result, snapshot, source.config, now(), views);
      tablesCache.current.set(probe, { state: snapshot[probe], findings: result?.findings, tables });
      return tables;
    },
    [results, snapshot, source.config, now, views],
  );
  // Layout: header, tabs, breadcrumb, body, status line, hint bar; one spare line so Ink never
  // falls back to clearing the whole terminal on each frame.
  const bodyHeight = Math.max(5, height - 1 - 5);
  // The last derivation, reused by the key handler and the render of the same state.
  const derived = useRef<{ state: UiState; inputs: unknown[]; screen: Screen } | undefined>(undefined);
  const screenFor = useCallback(
    (s: UiState): Screen => {
      const inputs = [results, snapshot, source.config, width, bodyHeight, tablesFor, now];
      const last = derived.current;
      if (last && last.state === s && last.inputs.every((v, i) => v === inputs[i])) return last.screen;
      const screen = derive({
        state: s,
        results,
        snapshot,
        config: source.config,
        now: now(),
        layout: { width, bodyHeight },
        tablesFor,
        memo,
      });
      derived.current = { state: s, inputs, screen };
      return screen;
    },
    [results, snapshot, source.config, width, bodyHeight, tablesFor, now, memo],
  );
  const screen = useMemo(() => screenFor(state), [screenFor, state]);
  const touchWarmUp = useWarmUp(
    source.store,
    props.warmUpAfterMs ?? WARM_UP_AFTER_MS,
    () =>
      warmProbeScreens(
        tablesFor,
        (probe) => results.find((r) => r.id === probe)?.findings ?? [],
        memo,
        stateRef.current.severity,
      ),
    snapshot,
  );
  const formats = useMemo(() => exportFormats(), []);
  const secret = usePendingSecret(source.prompts);

  // Effects the reducer asks for: quit, export, re-run.
  useEffect(() => {
    const effect = state.effect;
    if (!effect) return;
    act({ type: 'effectDone' });
    switch (effect.type) {
      case 'quit':
        props.onQuit?.();
        app.exit();
        return;
      case 'export': {
        const format = effect.format ?? formats[state.exportIndex]?.id ?? 'json';
        try {
          const path = exportReport(source.report(now()), format, props.exportDir ?? process.cwd(), now());
          act({ type: 'message', message: { text: `report written to ${path}`, tone: 'info' } });
        } catch (err) {
          act({
            type: 'message',
            message: { text: `export failed: ${errorMessage(err)}`, tone: 'error' },
          });
        }
        return;
      }
      case 'expect': {
        const run = source.command;
        if (!run) {
          act({ type: 'message', message: { text: ':expect is not available here', tone: 'error' } });
          return;
        }
        run('readiness', 'expect', [effect.file]).then(
          (text) => act({ type: 'message', message: { text, tone: 'info' } }),
          (err: unknown) =>
            act({ type: 'message', message: { text: `:expect: ${errorMessage(err)}`, tone: 'error' } }),
        );
        return;
      }
      case 'rerun': {
        const frame = state.stack[state.stack.length - 1];
        // On the images screen `r` also asks the registries again (each container's verdict joins
        // them); on the readiness screen it asks them again for the templates and expected images.
        const ids: readonly ProbeId[] =
          frame && frame.kind !== 'overview'
            ? frame.probe === 'images'
              ? ['images', 'registry']
              : frame.probe === 'readiness'
                ? ['registry']
                : [frame.probe]
            : PROBE_IDS;
        rerun(source, ids, (message) => act({ type: 'message', message }));
        return;
      }
    }
  });

  // One listener for every mode, reading the latest state and rendering inputs through refs: the
  // mode can change between two keys of the same chunk, before React re-subscribes listeners.
  const latest = useRef({ screenFor, results, formats, bodyHeight });
  latest.current = { screenFor, results, formats, bodyHeight };
  useInput(
    (input, key) => {
      touchWarmUp();
      const current = stateRef.current;
      const ctx = {
        screen: latest.current.screenFor(current),
        results: latest.current.results,
        exportFormats: latest.current.formats.map((f) => f.id),
        memo,
        helpHeight: latest.current.bodyHeight,
      };
      const presses = input.length > 1 ? splitKeys(input) : [{ input, key }];
      for (const press of presses) {
        const state = stateRef.current;
        const screen = state === current ? ctx.screen : latest.current.screenFor(state);
        for (const action of actionsForKey(state, press, { ...ctx, screen })) act(action);
      }
      // A password prompt takes every key while it is open.
    },
    { isActive: secret === undefined },
  );

  const theme = useMemo(
    () => ({ colour: props.colour ?? colourFromEnv(), ascii: props.ascii === true }),
    [props.colour, props.ascii],
  );
  const current = state.stack[state.stack.length - 1];
  const live = liveIndicator(results, now());
  let aside: string | undefined;
  let asideIsError = false;
  if (state.mode === 'command')
    aside = completions(state.draft)
      .slice(0, 8)
      .map((c) => `:${c}`)
      .join(' ');
  if (state.mode === 'filter') {
    const filter = compileFilter(state.draft);
    if (!filter.ok) {
      aside = filter.error;
      asideIsError = true;
    } else aside = 'regex, ! inverts; enter keeps, esc cancels';
  }

  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={width}>
        <Header
          context={source.cluster.context}
          server={source.cluster.server}
          namespace={source.cluster.namespace}
          registries={source.config.registry.private}
          profile={source.config.registry.profile}
          live={live}
          width={width}
        />
        <NavBar
          results={results}
          current={current && current.kind !== 'overview' ? current.probe : undefined}
          breadcrumb={breadcrumb(state.stack, (p) => `${probeCommand(p)} (${probeTitle(p)})`)}
          width={width}
        />
        <Box height={bodyHeight} flexDirection="column">
          {secret ? (
            <SecretPrompt
              key={secret.id}
              label={secret.label}
              probe={probeCommand(secret.probe)}
              isActive
              onDone={(value) => source.prompts?.answer(secret.id, value)}
              width={width}
            />
          ) : state.mode === 'help' ? (
            <HelpOverlay
              view={viewKind(screen)}
              width={width}
              height={bodyHeight}
              scroll={state.helpScroll}
            />
          ) : state.mode === 'export' ? (
            <ExportChooser
              formats={formats}
              index={state.exportIndex}
              file={(ext) => reportFileName(ext, now())}
              width={width}
            />
          ) : (
            <Body screen={screen} width={width} />
          )}
        </Box>
        <StatusLine
          mode={state.mode}
          draft={state.draft}
          aside={aside}
          asideIsError={asideIsError}
          message={state.message}
          width={width}
        />
        <HintBar view={viewKind(screen)} width={width} text={secret ? SECRET_HINT : modeHint(state.mode)} />
      </Box>
    </ThemeContext.Provider>
  );
}

function Body(props: { readonly screen: Screen; readonly width: number }) {
  const { screen, width } = props;
  switch (screen.kind) {
    case 'overview':
      return (
        <Overview
          probes={screen.probes}
          failures={screen.failures}
          problems={screen.problems}
          width={width}
        />
      );
    case 'probe':
      return (
        <ProbeScreen statusLines={screen.statusLines} tabs={screen.tabs} pane={screen.pane} width={width} />
      );
    case 'findings':
      return <FindingsScreen pane={screen.pane} width={width} />;
    case 'detail':
      return (
        <DetailScreen lines={screen.lines} scroll={screen.scroll} height={screen.height} width={width} />
      );
  }
}

const systemClock = (): Date => new Date();

/**
 * "● live" while every watch runs, "○ loading 2/5" until every probe has synced, "◌ reconnecting"
 * while a watch is retried, and "◌ stale: images data from 20:44:19, API unreachable for 75 s" once
 * the API server has been gone longer than the threshold: old data must never look live.
 */
export function liveIndicator(results: readonly ProbeResult[], now: Date = new Date()): string {
  const loading = results.filter((r) => r.status === 'loading').length;
  if (loading > 0) return `○ loading ${results.length - loading}/${results.length}`;
  const stale = results.filter((r) => isStale(r.live));
  const first = stale[0];
  if (first?.live) {
    const words = liveWords({ state: 'stale', since: first.live.since }, { now, updatedAt: first.updatedAt });
    const more = stale.length > 1 ? ` (+${stale.length - 1} more)` : '';
    return `◌ ${probeCommand(first.id)} ${words}${more}`;
  }
  if (results.some((r) => r.live?.state === 'reconnecting' || r.live?.state === 'relisting'))
    return '◌ reconnecting';
  return results.some((r) => r.live?.state === 'watching') ? '● live' : '● synced';
}

function rerun(
  source: TuiSource,
  ids: readonly ProbeId[],
  report: (message: { text: string; tone: 'info' | 'error' }) => void,
): void {
  report({ text: `re-running ${ids.map((id) => probeCommand(id)).join(', ')}…`, tone: 'info' });
  Promise.all(ids.map((id) => source.rerun(id).then((ran) => (ran ? id : undefined)))).then(
    (ran) => {
      const done = ran.filter((id): id is ProbeId => id !== undefined);
      report({
        text: done.length
          ? `re-ran ${done.map((id) => probeCommand(id)).join(', ')}`
          : `nothing to re-run: ${ids.map((id) => probeCommand(id)).join(', ')} ${ids.length > 1 ? 'are' : 'is'} watched live`,
        tone: 'info',
      });
    },
    (err: unknown) => report({ text: `re-run failed: ${errorMessage(err)}`, tone: 'error' }),
  );
}
