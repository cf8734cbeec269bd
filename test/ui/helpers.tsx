import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import type { CheckCode } from '../../src/model/checks/index.js';
import { type Config, DEFAULT_CONFIG } from '../../src/model/config.js';
import type { ProbeResult } from '../../src/model/evaluate.js';
import { countBySeverity, type Finding, type Severity } from '../../src/model/finding.js';
import { compareFindings } from '../../src/model/finding-order.js';
import { PROBE_IDS, type ProbeId, type ProbeSnapshot, probeTitle } from '../../src/model/probe.js';
import { buildReport } from '../../src/model/report.js';
import { Store } from '../../src/model/store.js';
import { App, type AppProps } from '../../src/ui/App.js';
import type { TuiSource } from '../../src/ui/source.js';
import type { ViewBuilder } from '../../src/views/types.js';

export function fakeFinding(
  probe: ProbeId,
  code: string,
  severity: Severity,
  name: string,
  extra: Partial<Finding> = {},
): Finding {
  return {
    probe,
    code: code as CheckCode,
    severity,
    subject: { kind: 'Pod', namespace: 'apps', name, container: 'main' },
    title: `${code} says ${name} is ${severity}`,
    detail: `detail of ${name}`,
    evidence: { image: `docker.io/library/${name}:1.0`, node: 'node-1' },
    remedy: `mirror ${name} into the private registry`,
    ...extra,
  };
}

export interface FakeSource extends TuiSource {
  readonly store: Store;
  /** Replace a probe's findings (a new array, as a re-evaluation would). */
  setFindings(probe: ProbeId, findings: Finding[]): void;
  readonly reruns: ProbeId[];
}

/** A TuiSource over a plain Store and findings given per probe (no evaluators, no cluster). */
export function fakeSource(
  snapshots: Partial<Record<ProbeId, ProbeSnapshot>>,
  findings: Partial<Record<ProbeId, Finding[]>> = {},
  config: Config = {
    ...DEFAULT_CONFIG,
    registry: { private: ['registry.example.internal/tkg'], profile: 'tkg' },
  },
): FakeSource {
  const store = new Store();
  for (const [id, snap] of Object.entries(snapshots)) store.set(id as ProbeId, snap as ProbeSnapshot<never>);
  const sorted = new Map<ProbeId, Finding[]>();
  for (const [id, list] of Object.entries(findings))
    sorted.set(id as ProbeId, [...(list ?? [])].sort(compareFindings));
  const reruns: ProbeId[] = [];
  const results = (): ProbeResult[] =>
    PROBE_IDS.map((id) => {
      const state = store.snapshot[id];
      const list = state?.data !== undefined ? (sorted.get(id) ?? []) : [];
      return {
        id,
        title: probeTitle(id),
        status: state?.status ?? 'not-applicable',
        message: state ? state.message : 'not enabled',
        updatedAt: state?.updatedAt,
        progress: state?.progress,
        live: state?.live,
        findings: list,
        summary: countBySeverity(list),
      };
    });
  return {
    store,
    config,
    cluster: { context: 'tkg-prod-admin@tkg-prod', server: 'https://10.20.0.10:6443' },
    results,
    report: (now = new Date()) =>
      buildReport(results(), {
        generatedAt: now,
        toolVersion: '0.0.0-test',
        context: 'tkg-prod-admin@tkg-prod',
        server: 'https://10.20.0.10:6443',
        privateRegistries: config.registry.private,
      }),
    rerun: async (id) => {
      reruns.push(id);
      return id === 'containerd' || id === 'portgroups' || id === 'registry';
    },
    setFindings(probe, list) {
      sorted.set(probe, [...list].sort(compareFindings));
    },
    reruns,
  };
}

// `never` data: these screens are driven by hand-made records that fit any probe.
export const READY = (
  data: unknown = {},
  extra: Partial<ProbeSnapshot<never>> = {},
): ProbeSnapshot<never> => ({
  status: 'ready',
  data: data as never,
  updatedAt: '2026-11-22T12:00:05.000Z',
  live: { state: 'watching' },
  ...extra,
});

export const NOW = () => new Date('2026-11-22T12:00:10.000Z');

export const NO_VIEWS: Record<ProbeId, ViewBuilder> = {
  images: () => [],
  topology: () => [],
  ipam: () => [],
  portgroups: () => [],
  readiness: () => [],
  containerd: () => [],
  registry: () => [],
};

export const KEYS = {
  up: '\u001b[A',
  down: '\u001b[B',
  right: '\u001b[C',
  left: '\u001b[D',
  enter: '\r',
  escape: '\u001b',
  tab: '\t',
  shiftTab: '\u001b[Z',
  pageDown: '\u001b[6~',
  pageUp: '\u001b[5~',
  backspace: '\u007f',
  ctrlS: '\u0013',
  ctrlC: '\u0003',
} as const;

export function renderApp(source: TuiSource, props: Partial<AppProps> = {}) {
  const element: ReactElement = (
    <App
      source={source}
      width={120}
      height={32}
      throttleMs={0}
      colour={false}
      now={NOW}
      views={NO_VIEWS}
      {...props}
    />
  );
  const instance = render(element);
  return {
    ...instance,
    frame: (): string => instance.lastFrame() ?? '',
    /** Sends one key and waits for the frame to settle. */
    async press(...keys: string[]): Promise<void> {
      for (const k of keys) {
        instance.stdin.write(k);
        // Ink draws at most 30 frames a second: wait past one frame.
        await tick(45);
      }
    },
    async waitFor(predicate: (frame: string) => boolean, timeoutMs = 2000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const f = instance.lastFrame() ?? '';
        if (predicate(f)) return f;
        if (Date.now() > deadline) throw new Error(`timed out waiting; last frame:\n${f}`);
        await tick();
      }
    },
  };
}

export function tick(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
