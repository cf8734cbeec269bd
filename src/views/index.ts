import { type Finding, findingKey, subjectLabel } from '../model/finding.js';
import type { ProbeId } from '../model/probe.js';
import { createSharedAnalysis, type SharedAnalysis } from '../model/shared-analysis.js';
import { containerdView } from './containerd.js';
import { imagesView } from './images.js';
import { createIpamView } from './ipam.js';
import { portgroupsView } from './portgroups.js';
import { topologyView } from './topology.js';
import type { ViewBuilder, ViewTable } from './types.js';

/** The generic table of findings: every probe has it, whatever its own tables are. */
export function findingsTable(findings: readonly Finding[]): ViewTable {
  return {
    id: 'findings',
    title: 'Findings',
    columns: [
      { key: 'severity', title: 'SEV', width: 5 },
      { key: 'code', title: 'CODE', width: 9 },
      { key: 'subject', title: 'SUBJECT', width: 48, truncate: 'middle' },
      { key: 'title', title: 'FINDING' },
    ],
    rows: findings.map((f) => ({
      key: findingKey(f),
      cells: {
        severity: f.severity.toUpperCase(),
        code: f.code,
        subject: subjectLabel(f.subject),
        title: f.title,
      },
      severity: f.severity,
      findingKeys: [findingKey(f)],
    })),
  };
}

/**
 * Each probe's own tables (rows built purely from its data): a fresh set, whose row caches belong to
 * the caller (a session, a TUI instance). Pass the session's shared analysis, the one its evaluators use.
 */
export function createViews(shared: SharedAnalysis = createSharedAnalysis()): Record<ProbeId, ViewBuilder> {
  return {
    images: imagesView,
    topology: topologyView,
    ipam: createIpamView(shared.ipam),
    portgroups: portgroupsView,
    containerd: containerdView,
  };
}
