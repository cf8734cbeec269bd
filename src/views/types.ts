import type { Config } from '../model/config.js';
import type { Finding, Severity } from '../model/finding.js';
import type { ProbeSnapshot } from '../model/probe.js';
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

export interface ViewInput<Data = unknown> {
  readonly data: Data;
  readonly state: ProbeSnapshot<Data>;
  readonly findings: readonly Finding[];
  readonly snapshot: StoreSnapshot;
  readonly config: Config;
  readonly now: Date;
}

export type ViewBuilder = (input: ViewInput) => readonly ViewTable[];
