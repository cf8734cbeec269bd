import { type Finding, findingKey, type Severity, severityRank, subjectKey } from '../model/finding.js';
import { portgroupSubject } from '../model/portgroups/evaluate.js';
import {
  acceptingPortOverrides,
  describeOrigin,
  overridesAllowed,
  resolvePortgroup,
} from '../model/portgroups/resolve.js';
import { computeScope, type PortgroupInScope } from '../model/portgroups/scope.js';
import type { PortgroupRecord, PortgroupsData, SwitchRecord } from '../model/portgroups/types.js';
import { SETTING_LABELS } from '../model/portgroups/types.js';
import type { ViewBuilder, ViewRow, ViewTable } from './types.js';

/**
 * The portgroup screen: a checklist, one group per portgroup the cluster uses (Windows marked), one
 * row per security setting with its effective value and where it comes from; then overrides.
 */

const COLUMNS = [
  { key: 'item', title: 'PORTGROUP / SETTING', width: 34 },
  { key: 'value', title: 'VALUE', width: 8 },
  { key: 'nodes', title: 'NODES', width: 22 },
  { key: 'origin', title: 'WHERE IT COMES FROM' },
] as const;

function worst(findings: readonly Finding[]): Severity | undefined {
  let out: Severity | undefined;
  for (const f of findings) if (!out || severityRank(f.severity) > severityRank(out)) out = f.severity;
  return out;
}

function nodesCell(entry: PortgroupInScope, basis: 'clusterVms' | 'allPortgroups'): string {
  if (basis === 'allPortgroups') return 'no VSphereVM found';
  if (entry.vms.length === 0) return 'asked for in config';
  const windows = entry.vms.filter((v) => v.windowsNode).length;
  const total = entry.vms.length;
  return windows > 0 ? `WINDOWS ${windows}/${total} VMs` : `linux ${total} VMs`;
}

function portgroupRows(
  entry: PortgroupInScope,
  sw: SwitchRecord | undefined,
  data: PortgroupsData,
  findings: readonly Finding[],
  basis: 'clusterVms' | 'allPortgroups',
): ViewRow[] {
  const subject = portgroupSubject(entry);
  const key = subjectKey(subject);
  const mine = findings.filter((f) => subjectKey(f.subject) === key);
  const resolved = resolvePortgroup(entry.portgroup, sw);
  const severityOf = (codes: readonly string[]) => worst(mine.filter((f) => codes.includes(f.code)));
  const accepting = resolved.filter((r) => r.accept).length;
  const rows: ViewRow[] = [
    {
      key,
      cells: {
        item: `${entry.windows ? '[W] ' : ''}${subject.name}`,
        value: accepting > 0 ? `${accepting} Accept` : 'Reject',
        nodes: nodesCell(entry, basis),
        origin: `switch ${sw?.name ?? entry.portgroup.switchMoid ?? '?'} · ${entry.portgroup.moid}`,
      },
      severity: worst(mine),
      depth: 0,
      findingKeys: mine.map(findingKey),
      object: { portgroup: entry.portgroup, switch: sw, vms: entry.vms },
    },
  ];
  for (const r of resolved) {
    rows.push({
      key: `${key}#${r.setting}`,
      cells: {
        item: SETTING_LABELS[r.setting],
        value: r.accept ? 'Accept' : 'Reject',
        nodes: '',
        origin: describeOrigin(r.origin),
      },
      severity: r.accept ? severityOf(['PG-002', 'PG-003']) : r.origin.level === 'default' ? 'info' : 'pass',
      depth: 1,
      findingKeys: mine
        .filter((f) => ['PG-002', 'PG-003', 'PG-004', 'PG-001'].includes(f.code))
        .map(findingKey),
      object: r,
    });
  }
  if (overridesAllowed(entry.portgroup)) {
    const ports = data.inventory.ports;
    const overrides =
      ports.status === 'read' ? acceptingPortOverrides(entry.portgroup, resolved, ports.items) : [];
    rows.push({
      key: `${key}#overrides`,
      cells: {
        item: 'Port overrides',
        value: 'allowed',
        nodes: '',
        origin:
          ports.status !== 'read'
            ? `per-port settings not read: ${ports.reason ?? 'no port data'}`
            : overrides.length > 0
              ? `${overrides.length} port(s) override to Accept: ${overrides
                  .slice(0, 5)
                  .map((o) => o.port)
                  .join(', ')}`
              : 'no port overrides to Accept',
      },
      severity: severityOf(['PG-101', 'PG-102', 'PG-103']),
      depth: 1,
      findingKeys: mine.filter((f) => ['PG-101', 'PG-102', 'PG-103'].includes(f.code)).map(findingKey),
      object: overrides,
    });
  }
  return rows;
}

function otherRow(pg: PortgroupRecord, sw: SwitchRecord | undefined): ViewRow {
  const resolved = resolvePortgroup(pg, sw);
  const accept = resolved.filter((r) => r.accept).map((r) => SETTING_LABELS[r.setting]);
  return {
    key: `other/${pg.moid}`,
    cells: {
      item: pg.name,
      value: accept.length > 0 ? `${accept.length} Accept` : 'Reject',
      nodes: 'not used by the cluster',
      origin: accept.length > 0 ? accept.join(', ') : `switch ${sw?.name ?? pg.switchMoid ?? '?'}`,
    },
    depth: 0,
    object: { portgroup: pg, switch: sw },
  };
}

export function buildPortgroupTables(
  data: PortgroupsData,
  findings: readonly Finding[],
  requested: readonly string[] = [],
): ViewTable[] {
  const scope = computeScope(data.inventory, data.cluster, requested);
  const switches = new Map(data.inventory.switches.map((s) => [s.moid, s]));
  const switchOf = (pg: PortgroupRecord) => (pg.switchMoid ? switches.get(pg.switchMoid) : undefined);
  const ordered = [...scope.inScope].sort(
    (a, b) => Number(b.windows) - Number(a.windows) || a.portgroup.name.localeCompare(b.portgroup.name),
  );
  const rows = ordered.flatMap((entry) =>
    portgroupRows(entry, switchOf(entry.portgroup), data, findings, scope.basis),
  );
  for (const unknown of scope.unknown) {
    const key = subjectKey({ kind: 'Network', name: unknown.networkName });
    const mine = findings.filter((f) => subjectKey(f.subject) === key);
    rows.push({
      key,
      cells: {
        item: unknown.networkName,
        value: 'unknown',
        nodes: unknown.requested ? 'asked for in config' : `${unknown.vms.length} VMs`,
        origin: 'no distributed portgroup of this name',
      },
      severity: worst(mine) ?? 'fail',
      depth: 0,
      findingKeys: mine.map(findingKey),
      object: unknown,
    });
  }
  const src = data.inventory.source;
  const where =
    src.kind === 'vcenter'
      ? `vCenter ${src.location}${src.insecure ? ' (TLS verification OFF)' : ''}`
      : `govc JSON ${src.location}`;
  const basis =
    scope.basis === 'clusterVms'
      ? `${data.cluster.vms.length} VSphereVMs, ${data.cluster.windowsNodes.length} Windows nodes`
      : data.cluster.status === 'error'
        ? `VSphereVMs could not be listed (${data.cluster.message ?? 'error'}): every portgroup shown`
        : 'no VSphereVM in the cluster: every portgroup shown';
  const tables: ViewTable[] = [
    {
      id: 'portgroups',
      title: 'Distributed portgroup security (Reject needed for Windows nodes)',
      columns: COLUMNS,
      rows,
      footer: `${where} · ${basis}${src.detail ? ` · ${src.detail}` : ''}`,
    },
  ];
  if (scope.others.length > 0) {
    tables.push({
      id: 'other-portgroups',
      title: 'Other portgroups (no cluster VM on them; not judged)',
      columns: COLUMNS,
      rows: [...scope.others]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((pg) => otherRow(pg, switchOf(pg))),
    });
  }
  return tables;
}

export const portgroupsView: ViewBuilder<'portgroups'> = ({ data, findings, config }) =>
  buildPortgroupTables(data, findings, config.vsphere?.portgroups ?? []);
