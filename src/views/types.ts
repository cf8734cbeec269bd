import type { Config } from '../model/config.js';
import type { Finding, Severity } from '../model/finding.js';
import type { ProbeId, ProbeSnapshot } from '../model/probe.js';
import type { ProbeDataMap } from '../model/probe-data.js';
import type { StoreSnapshot } from '../model/store.js';

/**
 * What a probe screen shows, built purely from the store: the TUI draws these tables generically,
 * so a probe defines its screen by building rows, never by writing UI code.
 */
export interface ViewColumn {
  readonly key: string;
  readonly title: string;
  /** Preferred width in cells; the last column takes the rest. */
  readonly width?: number;
  readonly align?: 'left' | 'right';
  /**
   * Where a cell too long for its column loses characters. 'middle' for names told apart by their
   * end (machine names with generated suffixes, claims named after them); 'end' otherwise.
   */
  readonly truncate?: 'end' | 'middle';
}

export interface ViewRow {
  /** Stable id (a subject key or a group key): the cursor stays on it when rows move. */
  readonly key: string;
  readonly cells: Readonly<Record<string, string>>;
  /** Worst severity of the findings behind the row, for the marker column. */
  readonly severity?: Severity;
  /** Tree depth for grouped tables (registry → image → workload); 0 = top level. */
  readonly depth?: number;
  /** The findings `enter` drills into (matched by findingKey). */
  readonly findingKeys?: readonly string[];
  /** The slim record behind the row, shown as YAML on drill-down. */
  readonly object?: unknown;
}

export interface ViewTable {
  readonly id: string;
  readonly title: string;
  readonly columns: readonly ViewColumn[];
  readonly rows: readonly ViewRow[];
  /** One line under the table, e.g. zone distribution or pool totals. */
  readonly footer?: string;
}

/** What a probe's screen is built from: its own data (typed), its findings, and the whole store. */
export interface ViewInput<Id extends ProbeId = ProbeId> {
  readonly data: ProbeDataMap[Id];
  readonly state: ProbeSnapshot<ProbeDataMap[Id]>;
  readonly findings: readonly Finding[];
  readonly snapshot: StoreSnapshot;
  readonly config: Config;
  readonly now: Date;
}

export type ViewBuilder<Id extends ProbeId = ProbeId> = (input: ViewInput<Id>) => readonly ViewTable[];

/** One view builder per probe, each typed by its own probe's data. */
export type ProbeViews = { readonly [K in ProbeId]: ViewBuilder<K> };

/** Builds probe `id`'s own tables: the one place the id and its data are matched up. */
export function buildProbeView<K extends ProbeId>(
  views: ProbeViews,
  id: K,
  input: ViewInput<K>,
): readonly ViewTable[] {
  return (views[id] as ViewBuilder<K>)(input);
}
