import { clusterKey, type FleetCluster, type FleetReport } from '../model/fleet.js';
import { PROBE_IDS, type ProbeId } from '../model/probe.js';
import type { ReportProbe } from '../model/report.js';

/** One row of the fleet overview: a cluster × every probe's worst state. */
export interface FleetRow {
  readonly key: string;
  readonly label: string;
  readonly status: FleetCluster['status'];
  readonly cells: Readonly<Record<ProbeId, string>>;
  readonly fail: number;
  readonly warn: number;
  /** Seconds since the oldest probe of the cluster last published (staleness); null when none has. */
  readonly ageSeconds: number | null;
  readonly error: string | null;
}

/** A probe's worst state as the tab bar writes it: ERR, n/a, …, ✗N, !N, ✓. */
export function probeCell(p: ReportProbe | undefined): string {
  if (!p) return '-';
  if (p.status === 'error') return 'ERR';
  if (p.status === 'not-applicable') return 'n/a';
  if (p.status === 'loading') return '…';
  if (p.summary.fail > 0) return `✗${p.summary.fail}`;
  if (p.summary.warn > 0) return `!${p.summary.warn}`;
  return '✓';
}

export function fleetRows(report: FleetReport, now: Date): FleetRow[] {
  return report.clusters.map((c) => {
    const cells = Object.fromEntries(
      PROBE_IDS.map((id) => [
        id,
        c.status === 'error' && !c.probes.some((p) => p.id === id)
          ? '-'
          : probeCell(c.probes.find((p) => p.id === id)),
      ]),
    ) as Record<ProbeId, string>;
    const times = c.probes.flatMap((p) => (p.updatedAt ? [Date.parse(p.updatedAt)] : []));
    return {
      key: clusterKey(c),
      label: `${c.namespace}/${c.name}`,
      status: c.status,
      cells,
      fail: c.summary.fail,
      warn: c.summary.warn,
      ageSeconds: times.length ? Math.max(0, Math.round((now.getTime() - Math.min(...times)) / 1000)) : null,
      error: c.error,
    };
  });
}

/** Worst first (unreadable, then most failures), then by name: what a person looks at first. */
export function sortFleetRows(rows: readonly FleetRow[], by: 'name' | 'worst'): FleetRow[] {
  if (by === 'name') return [...rows].sort((a, b) => a.label.localeCompare(b.label));
  const rank = (r: FleetRow) => (r.status === 'error' ? 0 : 1);
  return [...rows].sort(
    (a, b) => rank(a) - rank(b) || b.fail - a.fail || b.warn - a.warn || a.label.localeCompare(b.label),
  );
}
