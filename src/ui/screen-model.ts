import { errorMessage } from '../core/errors.js';
import type { Config } from '../model/config.js';
import type { ProbeResult } from '../model/evaluate.js';
import { type Finding, findingKey, type Severity, worstSeverity } from '../model/finding.js';
import { groupFailures, groupSubjectLabel } from '../model/finding-groups.js';
import { isStale, liveWords } from '../model/live.js';
import { type ProbeId, probeCommand } from '../model/probe.js';
import type { StoreSnapshot } from '../model/store.js';
import { findingsTable } from '../views/index.js';
import { statusText } from '../views/probe-status.js';
import { buildProbeView, type ProbeViews, type ViewRow, type ViewTable } from '../views/types.js';
import { type SeverityFilter, type ShownRows, ShownRowsMemo } from './state/table.js';

/**
 * Pure derivations from the store and the evaluation to what the screens draw: overview rows,
 * a probe's tables, finding lookups. Kept out of components so they are tested as data.
 */

export type ProbeTables =
  | { readonly ok: true; readonly tables: readonly ViewTable[] }
  /** The view builder threw: a bug in airgap-top, shown in place of the tables. */
  | { readonly ok: false; readonly error: string; readonly tables: readonly ViewTable[] };

/** The probe's own tables, then its findings table (always last, always there). */
export function probeTables(
  probe: ProbeId,
  result: ProbeResult | undefined,
  snapshot: StoreSnapshot,
  config: Config,
  now: Date,
  views: ProbeViews,
): ProbeTables {
  const findings = result?.findings ?? [];
  const findingsOnly = [findingsTable(findings)];
  const state = snapshot[probe];
  if (!state || state.data === undefined) return { ok: true, tables: findingsOnly };
  try {
    const own = buildProbeView(views, probe, { data: state.data, state, findings, snapshot, config, now });
    return { ok: true, tables: [...own, ...findingsOnly] };
  } catch (err) {
    return {
      ok: false,
      error: `the ${probe} view failed (a bug in airgap-top, please report it): ${errorMessage(err)}`,
      tables: findingsOnly,
    };
  }
}

/** Findings by findingKey (ScreenMemo.findingsByKey remembers it per findings array). */
export function findingsByKey(findings: readonly Finding[]): ReadonlyMap<string, Finding> {
  const map = new Map<string, Finding>();
  for (const f of findings) map.set(findingKey(f), f);
  return map;
}

type OverviewTables = { probes: ViewTable; failures: ViewTable };

/** The findings a drill-down frame lists (its finding keys, those still reported), as a findings table. */
export function framedFindingsTable(
  byKey: ReadonlyMap<string, Finding>,
  findingKeys: readonly string[],
  label: string,
): ViewTable {
  const findings = findingKeys.map((k) => byKey.get(k)).filter((f): f is Finding => f !== undefined);
  return { ...findingsTable(findings), title: `Findings of ${label}` };
}

/**
 * What the screens remember between frames and key presses, owned by one TUI instance (the App
 * keeps one), never by the module: two TUIs in one process (tests, `serve`) each have their own.
 */
export class ScreenMemo {
  private lastOverview: { results: readonly ProbeResult[]; tables: OverviewTables } | undefined;
  private readonly byKey = new WeakMap<readonly Finding[], ReadonlyMap<string, Finding>>();
  private readonly shown = new ShownRowsMemo();
  private lastFramed:
    | { findings: readonly Finding[]; keys: readonly string[]; label: string; table: ViewTable }
    | undefined;

  /** Memoised on the results array: key presses on the overview do not rebuild 10,000 failure rows. */
  overviewTables(results: readonly ProbeResult[], now?: Date): OverviewTables {
    if (this.lastOverview?.results === results) return this.lastOverview.tables;
    const tables = overviewTables(results, now);
    this.lastOverview = { results, tables };
    return tables;
  }

  /** The rows a table shows under a filter and sort (see ShownRowsMemo). */
  shownRows(rows: readonly ViewRow[], filter: string, severity: SeverityFilter, sortKey: string): ShownRows {
    return this.shown.shown(rows, filter, severity, sortKey);
  }

  /** The rows' filter texts, worked out ahead (see ShownRowsMemo.rememberTexts). */
  rememberFilterTexts(rows: readonly ViewRow[]): void {
    this.shown.rememberTexts(rows);
  }

  /**
   * The drill-down's findings table, rebuilt only when the probe's findings or the frame change: the
   * same rows array from key to key lets the shown rows and the column widths be remembered too.
   */
  framedFindingsTable(
    findings: readonly Finding[],
    findingKeys: readonly string[],
    label: string,
  ): ViewTable {
    const last = this.lastFramed;
    if (last && last.findings === findings && last.keys === findingKeys && last.label === label)
      return last.table;
    const table = framedFindingsTable(this.findingsByKey(findings), findingKeys, label);
    this.lastFramed = { findings, keys: findingKeys, label, table };
    return table;
  }

  /** Memoised on the array (evaluation returns the same array until data changes). */
  findingsByKey(findings: readonly Finding[]): ReadonlyMap<string, Finding> {
    let map = this.byKey.get(findings);
    if (!map) {
      map = findingsByKey(findings);
      this.byKey.set(findings, map);
    }
    return map;
  }
}

export const SEVERITY_WORD: Readonly<Record<Severity, string>> = {
  fail: 'FAIL',
  warn: 'WARN',
  info: 'INFO',
  pass: 'PASS',
};

export const SEVERITY_SYMBOL: Readonly<Record<Severity, string>> = {
  fail: '✗',
  warn: '!',
  info: 'i',
  pass: '✓',
};

export function clockTime(iso: string | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '-';
  return d.toISOString().slice(11, 19);
}

/** Worst findings across probes first; the overview shows as many as fit. */
export function topFailures(results: readonly ProbeResult[]): Finding[] {
  const notable = results.flatMap((r) =>
    r.findings.filter((f) => f.severity === 'fail' || f.severity === 'warn'),
  );
  return notable.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'fail' ? -1 : 1));
}

export const OVERVIEW_PROBES_TABLE = 'probes';
export const OVERVIEW_FAILURES_TABLE = 'top';

/** The overview's probes table and top failures (ScreenMemo.overviewTables remembers the last). */
export function overviewTables(results: readonly ProbeResult[], now: Date = new Date()): OverviewTables {
  const probeRows: ViewRow[] = results.map((r, i) => {
    const worst = worstSeverity(r.findings);
    const worstFinding = r.findings[0];
    return {
      key: `probe:${r.id}`,
      severity: r.status === 'error' ? 'fail' : worst,
      cells: {
        n: String(i + 1),
        probe: `${probeCommand(r.id)}`,
        title: r.title,
        state: isStale(r.live) ? `${statusText(r)}, STALE` : statusText(r),
        fail: String(r.summary.fail),
        warn: String(r.summary.warn),
        info: String(r.summary.info),
        pass: String(r.summary.pass),
        worst:
          r.status === 'error' || r.status === 'not-applicable'
            ? (r.message ?? '')
            : worstFinding && worstFinding.severity !== 'pass'
              ? `${worstFinding.code} ${worstFinding.title}`
              : r.status === 'ready'
                ? 'all clear'
                : '',
        updated: clockTime(r.updatedAt),
        live: r.live ? liveWords(r.live, { now, brief: true }) : r.status === 'ready' ? 'synced' : '',
      },
    };
  });
  const failureRows: ViewRow[] = groupFailures(topFailures(results)).map((g) => {
    const f = g.findings[0] as Finding;
    return {
      key: g.key,
      severity: f.severity,
      findingKeys: g.findings.map(findingKey),
      cells: {
        severity: SEVERITY_WORD[f.severity],
        probe: probeCommand(f.probe),
        code: f.code,
        subject: groupSubjectLabel(g.findings),
        title: f.title,
      },
    };
  });
  return {
    probes: {
      id: OVERVIEW_PROBES_TABLE,
      title: 'Probes',
      columns: [
        { key: 'n', title: '#', width: 2 },
        { key: 'probe', title: 'PROBE', width: 11 },
        { key: 'state', title: 'STATE', width: 24 },
        { key: 'fail', title: 'FAIL', width: 5, align: 'right' },
        { key: 'warn', title: 'WARN', width: 5, align: 'right' },
        { key: 'info', title: 'INFO', width: 5, align: 'right' },
        { key: 'pass', title: 'PASS', width: 5, align: 'right' },
        { key: 'updated', title: 'UPDATED', width: 9 },
        { key: 'live', title: 'LIVE', width: 12 },
        { key: 'worst', title: 'WORST FINDING / REASON' },
      ],
      rows: probeRows,
    },
    failures: {
      id: OVERVIEW_FAILURES_TABLE,
      title: 'Top failures and warnings',
      columns: [
        { key: 'severity', title: 'SEV', width: 5 },
        { key: 'probe', title: 'PROBE', width: 11 },
        { key: 'code', title: 'CODE', width: 9 },
        { key: 'subject', title: 'SUBJECT', width: 44, truncate: 'middle' },
        { key: 'title', title: 'FINDING' },
      ],
      rows: failureRows,
    },
  };
}

/** The object behind a drilled row, re-read from the current tables so it stays live. */
export function liveObject(
  tables: readonly ViewTable[],
  from: { readonly table: string; readonly row: string } | undefined,
  fallback: unknown,
): { object: unknown; gone: boolean } {
  if (!from) return { object: fallback, gone: false };
  const row = tables.find((t) => t.id === from.table)?.rows.find((r) => r.key === from.row);
  if (!row) return { object: fallback, gone: fallback !== undefined };
  return { object: row.object, gone: false };
}

/** For a finding reached without a row (findings table, overview): the first row that names it. */
export function objectForFinding(tables: readonly ViewTable[], key: string): unknown {
  for (const t of tables) {
    if (t.id === 'findings') continue;
    for (const r of t.rows) if (r.object !== undefined && r.findingKeys?.includes(key)) return r.object;
  }
  return undefined;
}
