import { Box, Text, useInput } from 'ink';
import { useEffect, useRef, useState } from 'react';
import type { FleetReport } from '../../model/fleet.js';
import { PROBE_IDS } from '../../model/probe.js';
import { type FleetRow, fleetRows, sortFleetRows } from '../../views/fleet.js';

export interface FleetOverviewProps {
  /** The fleet as it is now (read again every refreshMs). */
  readonly report: () => FleetReport;
  readonly onOpen: (clusterKey: string) => void;
  readonly onQuit: () => void;
  readonly now?: () => Date;
  readonly refreshMs?: number;
  /** The cluster the cursor starts on (returning from a cluster keeps it). */
  readonly initialKey?: string;
}

/** The tab bar's short names, so a row fits 100 columns. */
const HEADS = {
  images: 'IMAGES',
  topology: 'NODES',
  ipam: 'IPAM',
  portgroups: 'PG',
  containerd: 'CTRD',
  registry: 'REG',
  readiness: 'READY',
} as const;

const pad = (text: string, width: number) =>
  text.length >= width ? `${text.slice(0, width - 1)} ` : text.padEnd(width);

/**
 * The fleet overview: one row per cluster with each probe's worst state, counts and staleness.
 * j/k or arrows move, enter opens the cluster's own overview, / filters by name, s sorts
 * (worst first / by name), q quits. The cursor is keyed by cluster, so live updates never move it.
 */
export function FleetOverview(props: FleetOverviewProps) {
  const now = props.now ?? (() => new Date());
  const [report, setReport] = useState(props.report);
  const [cursor, setCursor] = useState<string | undefined>(props.initialKey);
  const [filter, setFilter] = useState('');
  const [typing, setTyping] = useState(false);
  const [sortBy, setSortBy] = useState<'worst' | 'name'>('worst');
  useEffect(() => {
    const timer = setInterval(() => setReport(props.report()), props.refreshMs ?? 1000);
    return () => clearInterval(timer);
  }, [props.report, props.refreshMs]);
  const rows: FleetRow[] = sortFleetRows(fleetRows(report, now()), sortBy).filter((r) =>
    r.label.toLowerCase().includes(filter.toLowerCase()),
  );
  const index = Math.max(
    0,
    rows.findIndex((r) => r.key === cursor),
  );
  // The key handler reads the rows of the latest frame: keys that come before Ink re-subscribes the
  // handler must not act on the frame before.
  const latest = useRef({ rows, index, typing });
  latest.current = { rows, index, typing };
  useInput((input, key) => {
    if (latest.current.typing) {
      if (key.return || key.escape) setTyping(false);
      else if (key.backspace || key.delete) setFilter((f) => f.slice(0, -1));
      else if (input) setFilter((f) => f + input);
      return;
    }
    if (input === 'q') return props.onQuit();
    if (input === '/') return setTyping(true);
    if (key.escape) return setFilter('');
    if (input === 's') return setSortBy((s) => (s === 'worst' ? 'name' : 'worst'));
    const { rows: shown, index: at } = latest.current;
    if (input === 'j' || key.downArrow) return setCursor(shown[Math.min(shown.length - 1, at + 1)]?.key);
    if (input === 'k' || key.upArrow) return setCursor(shown[Math.max(0, at - 1)]?.key);
    const row = shown[at];
    if (key.return && row) props.onOpen(row.key);
  });
  const s = report.summary;
  return (
    <Box flexDirection="column">
      <Text>
        airgap-top fleet mgmt {report.management.context ?? '-'} {s.clusters} clusters, {s.clustersInError}{' '}
        unreadable, {s.fail} fail, {s.warn} warn
      </Text>
      <Text bold>
        {`  ${pad('CLUSTER', 22)}${pad('STATUS', 7)}${PROBE_IDS.map((id) => pad(HEADS[id], 7)).join('')}${pad('FAIL', 5)}${pad('WARN', 5)}AGE`}
      </Text>
      {rows.map((r, i) => (
        <Text key={r.key} inverse={i === index}>
          {`${i === index ? '>' : ' '} ${pad(r.label, 22)}${pad(r.status === 'error' ? 'ERROR' : 'ok', 7)}${PROBE_IDS.map((id) => pad(r.cells[id], 7)).join('')}${pad(String(r.fail), 5)}${pad(String(r.warn), 5)}${r.ageSeconds === null ? '-' : `${r.ageSeconds}s`}`}
        </Text>
      ))}
      {rows[index]?.error ? <Text>{`${rows[index]?.label}: ${rows[index]?.error}`}</Text> : null}
      <Text dimColor>
        {typing
          ? `/${filter}`
          : `enter open  j/k move  / filter${filter ? ` (${filter})` : ''}  s sort (${sortBy})  q quit; in a cluster, q returns here`}
      </Text>
    </Box>
  );
}
